//! The start points: each reference architecture as a card with its size options, and a blank
//! design, in a dialog over the canvas. It opens by itself on a first visit (nothing
//! autosaved, no link: see `gallery`) and from the toolbar's Gallery button; opening a start
//! point closes it and replaces the design as one undoable step.

use super::PresetCard;
use crate::state::Studio;
use hsmnet_core::presets;
use hsmnet_core::Design;
use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Whether the gallery is open, handed down by context: the toolbar opens it, a card closes it.
#[derive(Clone, Copy)]
pub struct GalleryOpen(pub RwSignal<bool>);

/// After the dialog closes the browser gives the keyboard back to what had it before; on a
/// first visit nothing had, and the keyboard would stay on a hidden button of the dialog (or
/// drop to the page's body): it goes to the canvas.
pub(super) fn keyboard_to_canvas() {
    request_animation_frame(|| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        // On the page's body, or still on a button of the closed dialog.
        let lost = document.active_element().is_none_or(|a| {
            a.tag_name().eq_ignore_ascii_case("body")
                || a.closest("dialog").ok().flatten().is_some()
        });
        if !lost {
            return;
        }
        if let Ok(Some(canvas)) = document.query_selector("svg.canvas") {
            if let Ok(canvas) = canvas.dyn_into::<web_sys::SvgElement>() {
                let _ = canvas.focus();
            }
        }
    });
}

/// The dialog element follows `open`: modal, so the page behind it is inert and Escape closes
/// it (its `close` event must bring what `open` reads back).
pub(super) fn modal_while(dialog: NodeRef<Dialog>, open: impl Fn() -> bool + 'static) {
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        match (open(), d.open()) {
            (true, false) => {
                let _ = d.show_modal();
            }
            (false, true) => d.close(),
            _ => {}
        }
    });
}

/// The gallery: its cards and size inputs are a lazy chunk of their own (see
/// scripts/split-wasm), fetched once the diagram is drawn. On a first visit it opens once it has
/// arrived, unless the visitor has acted meanwhile (a key, a click, a file dropped on the canvas)
/// or a design has been opened (a link): it would cover what they started.
pub(crate) async fn gallery(first_visit: bool) -> AnyView {
    let studio = expect_context::<Studio>();
    let GalleryOpen(open) = expect_context::<GalleryOpen>();
    let acted = StoredValue::new(false);
    let watched = first_visit.then(|| {
        [
            window_event_listener(leptos::ev::pointerdown, move |_| acted.set_value(true)),
            window_event_listener(leptos::ev::keydown, move |_| acted.set_value(true)),
            window_event_listener(leptos::ev::drop, move |_| acted.set_value(true)),
        ]
    });
    let gallery = lazy_gallery().await;
    if let Some(listeners) = watched {
        listeners.into_iter().for_each(|l| l.remove());
        if !acted.get_value() && studio.opened.get_untracked() == 0 {
            open.set(true);
        }
    }
    gallery
}

#[lazy]
fn lazy_gallery() -> AnyView {
    view! { <Gallery/> }.into_any()
}

#[component]
fn Gallery() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let GalleryOpen(open) = expect_context::<GalleryOpen>();
    let dialog = NodeRef::<Dialog>::new();
    modal_while(dialog, move || open.get());
    let blank = move |_| {
        studio.open(Design::new("Untitled design"));
        studio.tell("Opened a blank design: drag elements from the palette onto the canvas.");
        open.set(false);
    };
    view! {
        <dialog class="gallery" node_ref=dialog aria-labelledby="gallery-title"
            on:close=move |_| {
                open.set(false);
                keyboard_to_canvas();
            }>
            <div class="gallery-head">
                <h2 id="gallery-title">"Start from a reference architecture or a blank design"</h2>
                <button type="button" class="close" aria-label="Close the gallery"
                    on:click=move |_| open.set(false)>"×"</button>
            </div>
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
        </dialog>
    }
}
