//! What the last action did or why it was refused (an edit, an export, an opened link), in a
//! live region so that screen readers announce it. The next action replaces or clears it; a
//! refusal of an action on the canvas shows beside the canvas instead (see `diagram.rs`).

use crate::state::{Place, Studio, Tone};
use leptos::prelude::*;

#[component]
pub fn StatusLine() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let shown = Memo::new(move |_| studio.notice.get().filter(|n| n.place == Place::Status));
    let class = move || {
        let tone = shown.with(|n| n.as_ref().map(|n| n.tone));
        match tone {
            Some(Tone::Refusal) => "status refusal",
            Some(Tone::Info) => "status info",
            None => "status empty",
        }
    };
    view! {
        <div class="status-bar">
            <p class=class role="status" aria-live="polite" id="status">
                {move || shown.with(|n| n.as_ref().map(|n| n.text.clone()))}
            </p>
            <Show when=move || shown.with(Option::is_some)>
                <button
                    type="button"
                    class="dismiss"
                    aria-label="Dismiss the message"
                    on:click=move |_| studio.notice.set(None)
                >
                    "×"
                </button>
            </Show>
        </div>
    }
}
