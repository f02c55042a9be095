//! The start points: each reference architecture as a card with its size options, and a blank
//! design. Opening one replaces the design as one undoable step.

use super::PresetCard;
use crate::state::Studio;
use hsmnet_core::presets;
use hsmnet_core::Design;
use leptos::prelude::*;

#[component]
pub fn Gallery() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let blank = move |_| {
        studio.open(Design::new("Untitled design"));
        studio.tell("Opened a blank design: drag elements from the palette onto the canvas.");
    };
    view! {
        <details class="gallery" open>
            <summary>"Start from a reference architecture or a blank design"</summary>
            <ul class="cards" aria-label="Start points">
                {presets::ALL
                    .iter()
                    .map(|preset| view! { <PresetCard preset=preset/> })
                    .collect_view()}
                <li class="card blank">
                    <h3>"Blank design"</h3>
                    <p class="summary">"An empty canvas to draw your own network on."</p>
                    <button type="button" class="open" on:click=blank>
                        "Blank design"
                    </button>
                </li>
            </ul>
        </details>
    }
}
