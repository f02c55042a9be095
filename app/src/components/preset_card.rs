//! One reference architecture in the gallery: its title and summary, its size options, and a
//! button that opens it at that size.

use super::gallery::GalleryOpen;
use super::SizeInput;
use crate::state::Studio;
use hsmnet_core::presets::{self, Preset, Size};
use leptos::prelude::*;

#[component]
pub fn PresetCard(preset: &'static Preset) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let GalleryOpen(gallery) = expect_context::<GalleryOpen>();
    let spokes = RwSignal::new(preset.default_spokes);
    let regions = RwSignal::new(preset.default_regions);
    let open = move |_| {
        let size = Size {
            spokes: preset.takes_spokes.then(|| spokes.get_untracked()),
            regions: preset.takes_regions.then(|| regions.get_untracked()),
        };
        match presets::build(preset.name, &size) {
            Ok(design) => {
                studio.open(design);
                studio.tell(format!("Opened {}.", preset.title));
                gallery.set(false);
            }
            Err(e) => studio.refuse(format!("{} cannot be built: {e}", preset.title)),
        }
    };
    let spokes_input = preset.takes_spokes.then(|| {
        view! {
            <SizeInput
                id=format!("spokes-{}", preset.name)
                label="Spokes"
                value=spokes
                min=presets::MIN_SPOKES
                max=preset.max_spokes
            />
        }
    });
    let regions_input = preset.takes_regions.then(|| {
        view! {
            <SizeInput
                id=format!("regions-{}", preset.name)
                label="Regions"
                value=regions
                min=presets::MIN_REGIONS
                max=preset.max_regions
            />
        }
    });
    view! {
        <li class="card" data-preset=preset.name>
            <h3>{preset.title}</h3>
            <p class="summary" title=preset.summary>{preset.summary}</p>
            <div class="sizes">{spokes_input} {regions_input}</div>
            <button
                type="button"
                class="open"
                aria-label=format!("Open {}", preset.title)
                on:click=open
            >
                "Open"
            </button>
        </li>
    }
}
