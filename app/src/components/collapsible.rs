//! A side panel's heading and body: the heading holds a button (the WAI-ARIA disclosure
//! pattern) that collapses the panel to its heading, so that each panel beside the canvas
//! collapses on its own and leaves its room to the others (the toggle beside the canvas hides
//! them all).

use leptos::prelude::*;

#[component]
pub fn Collapsible(
    /// The heading's id, which the panel is labelled by.
    id: &'static str,
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let shown = RwSignal::new(true);
    let body = format!("{id}-body");
    view! {
        <h2 id=id class="panel-head">
            <button type="button" class="collapse" aria-controls=body.clone()
                aria-expanded=move || shown.get().to_string()
                title=move || if shown.get() { format!("Collapse {title}") } else { format!("Expand {title}") }
                on:click=move |_| shown.update(|s| *s = !*s)>
                {title}
            </button>
        </h2>
        <div class="panel-body" id=body hidden=move || !shown.get()>{children()}</div>
    }
}
