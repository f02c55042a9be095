//! What the pointer or the keyboard points at: the element drawn under an event or a point,
//! found by the `data-id` every drawn element carries.

use hsmnet_core::Id;
use leptos::ev::PointerEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The element drawn under the event's target, by its `data-id`.
pub fn element_id(ev: &PointerEvent) -> Option<Id> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    id_of(&el)
}

/// The element whose connect handle is under the event's target.
pub fn handle_id(ev: &PointerEvent) -> Option<Id> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let handle = el.closest("[data-handle]").ok()??;
    handle.get_attribute("data-handle")?.parse().ok().map(Id)
}

fn id_of(el: &web_sys::Element) -> Option<Id> {
    let owner = el.closest("svg.canvas [data-id]").ok()??;
    owner.get_attribute("data-id")?.parse().ok().map(Id)
}

/// The element drawn at client coordinates (the pointer may be captured elsewhere).
pub fn id_at(x: f64, y: f64) -> Option<Id> {
    let el = web_sys::window()?
        .document()?
        .element_from_point(x as f32, y as f32)?;
    id_of(&el)
}

/// Focuses the element drawn for `id` unless the focus is still on the canvas.
pub fn refocus(svg_ref: NodeRef<leptos::svg::Svg>, id: Id) {
    let Some(svg) = svg_ref.get_untracked() else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    if active
        .is_some_and(|a| a.is_connected() && svg.contains(Some(&a)) && !a.is_same_node(Some(&svg)))
    {
        return;
    }
    if let Ok(Some(el)) = svg.query_selector(&format!("[data-id=\"{}\"]", id.0)) {
        if let Ok(el) = el.dyn_into::<web_sys::SvgElement>() {
            let _ = el.focus();
        }
    }
}
