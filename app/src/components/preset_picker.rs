//! Chooses the reference architecture and its size.

use super::SizeInput;
use crate::state::Studio;
use hsmnet_core::presets;
use leptos::prelude::*;

#[component]
pub fn PresetPicker() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let info = move || presets::preset(studio.preset.get());
    let on_change = move |ev| {
        if let Some(p) = presets::preset(&event_target_value(&ev)) {
            studio.choose(p.name);
        }
    };
    let options = presets::ALL
        .iter()
        .map(|p| {
            let name = p.name;
            view! {
                <option value=name selected=move || studio.preset.get() == name>
                    {p.title}
                </option>
            }
        })
        .collect_view();

    view! {
        <div class="picker">
            <div class="field">
                <label for="preset">"Reference architecture"</label>
                <select id="preset" name="preset" on:change=on_change>
                    {options}
                </select>
            </div>
            <Show when=move || info().is_some_and(|p| p.takes_spokes)>
                <SizeInput
                    id="spokes"
                    label="Spokes"
                    value=studio.spokes
                    min=presets::MIN_SPOKES
                    max=Signal::derive(move || info().map_or(1, |p| p.max_spokes))
                />
            </Show>
            <Show when=move || info().is_some_and(|p| p.takes_regions)>
                <SizeInput
                    id="regions"
                    label="Regions"
                    value=studio.regions
                    min=presets::MIN_REGIONS
                    max=Signal::derive(move || info().map_or(1, |p| p.max_regions))
                />
            </Show>
            <p class="summary" id="preset-summary">{move || info().map(|p| p.summary)}</p>
        </div>
    }
}
