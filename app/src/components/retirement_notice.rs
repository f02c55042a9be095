//! The notice that Dedicated HSM is retiring, shown while the design holds a Dedicated HSM (not
//! for a design of payment HSMs only) until the user dismisses it, on one line (the rest of
//! what it says is its tooltip).

use crate::state::Studio;
use leptos::prelude::*;

#[component]
pub fn RetirementNotice() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let (open, set_open) = signal(true);
    let dedicated = Memo::new(move |_| studio.with_design(|d| d.dedicated_hsms().next().is_some()));
    view! {
        <Show when=move || open.get() && dedicated.get()>
            <aside class="notice" role="note" aria-label="Service notice">
                <p title="These designs help you run, review or migrate what you already have.">
                    <strong>"Azure Dedicated HSM takes no new customers:"</strong>
                    " existing deployments are supported until 2028-07-31; "
                    "Azure Cloud HSM is its successor."
                </p>
                <button
                    type="button"
                    class="dismiss"
                    aria-label="Dismiss the service notice"
                    on:click=move |_| set_open.set(false)
                >
                    "Dismiss"
                </button>
            </aside>
        </Show>
    }
}
