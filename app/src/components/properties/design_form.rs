//! The design's own name and description, edited when nothing is selected.

use crate::state::Studio;
use hsmnet_core::Edit;
use leptos::prelude::*;

#[component]
pub fn DesignForm() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let problem = RwSignal::new(None::<String>);
    let rename = move |ev| {
        let name = event_target_value(&ev);
        if name.trim().is_empty() {
            problem.set(Some("name: a design needs a name".to_string()));
            return;
        }
        problem.set(None);
        if studio.with_design_untracked(|d| d.name != name)
            && studio.apply(Edit::RenameDesign(name.clone()))
        {
            studio.tell(format!("Renamed the design to {name}."));
        }
    };
    // No edit carries the description alone: the design with the new text is opened as one
    // undoable step.
    let describe = move |ev| {
        let text = event_target_value(&ev);
        let changed = studio.with_design_untracked(|d| (d.description != text).then(|| d.clone()));
        if let Some(mut design) = changed {
            design.description = text;
            studio.open(design);
        }
    };
    view! {
        <p class="hint">"Nothing selected: these are the design's own properties."</p>
        <div class="prop">
            <label for="design-name">"Design name"</label>
            <input
                id="design-name"
                type="text"
                prop:value=move || studio.with_design(|d| d.name.clone())
                aria-invalid=move || if problem.with(Option::is_some) { "true" } else { "false" }
                aria-describedby="design-name-error"
                on:change=rename
            />
            <p class="field-error" id="design-name-error">{move || problem.get()}</p>
        </div>
        <div class="prop">
            <label for="design-description">"Description"</label>
            <textarea
                id="design-description"
                rows="3"
                prop:value=move || studio.with_design(|d| d.description.clone())
                on:change=describe
            ></textarea>
        </div>
    }
}
