//! A bounded number input bound to a count (spokes, regions).

use leptos::ev::Event;
use leptos::prelude::*;

/// Flags a value out of `min..=max` while typing; keeps a valid one when committed (Enter,
/// leaving the field, the arrows).
#[component]
pub fn SizeInput(
    id: String,
    label: &'static str,
    value: RwSignal<usize>,
    min: usize,
    max: usize,
) -> impl IntoView {
    let (invalid, set_invalid) = signal(false);
    let parse = move |ev: &Event| {
        event_target_value(ev)
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (min..=max).contains(n))
    };
    let on_input = move |ev: Event| set_invalid.set(parse(&ev).is_none());
    let on_change = move |ev: Event| {
        if let Some(n) = parse(&ev) {
            value.set(n);
        }
    };
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field size">
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=id
                type="number"
                inputmode="numeric"
                min=min
                max=max
                step="1"
                prop:value=move || value.get().to_string()
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=hint_id.clone()
                on:input=on_input
                on:change=on_change
            />
            <span class="hint" id=hint_id>
                {format!("{min} to {max}")}
            </span>
        </div>
    }
}
