//! A bounded number input bound to a count (spokes, regions).

use leptos::prelude::*;

/// Keeps the last valid value in `value`; a value out of `min..=max` is flagged, not applied.
#[component]
pub fn SizeInput(
    id: &'static str,
    label: &'static str,
    value: RwSignal<usize>,
    min: usize,
    #[prop(into)] max: Signal<usize>,
) -> impl IntoView {
    let (invalid, set_invalid) = signal(false);
    let on_input = move |ev| {
        match event_target_value(&ev).trim().parse::<usize>() {
            Ok(n) if (min..=max.get_untracked()).contains(&n) => {
                set_invalid.set(false);
                value.set(n);
            }
            _ => set_invalid.set(true),
        }
    };
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field size">
            <label for=id>{label}</label>
            <input
                id=id
                name=id
                type="number"
                inputmode="numeric"
                min=min
                max=move || max.get()
                step="1"
                prop:value=move || value.get().to_string()
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=hint_id.clone()
                on:input=on_input
            />
            <span class="hint" id=hint_id>
                {move || format!("{min} to {}", max.get())}
            </span>
        </div>
    }
}
