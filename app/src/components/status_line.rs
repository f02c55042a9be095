//! The last message for the user (a refusal, an export, an opened link), in a live region so
//! that screen readers announce it.

use crate::state::{Studio, Tone};
use leptos::prelude::*;

#[component]
pub fn StatusLine() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let class = move || {
        let tone = studio.notice.with(|n| n.as_ref().map(|n| n.tone));
        match tone {
            Some(Tone::Refusal) => "status refusal",
            Some(Tone::Info) => "status info",
            None => "status empty",
        }
    };
    view! {
        <div class="status-bar">
            <p class=class role="status" aria-live="polite" id="status">
                {move || studio.notice.with(|n| n.as_ref().map(|n| n.text.clone()))}
            </p>
            <Show when=move || studio.notice.with(Option::is_some)>
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
