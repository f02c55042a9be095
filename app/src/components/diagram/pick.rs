//! What the pointer or the keyboard points at: the element drawn under an event or a point,
//! found by the `data-id` every drawn element carries.

use hsmnet_core::Id;
use leptos::ev::PointerEvent;
use leptos::prelude::*;
use leptos::reactive::computed::Selector;
use wasm_bindgen::JsCast;

/// The canvas's roving focus (the WAI-ARIA composite widget pattern): the one element the
/// keyboard is on, the canvas's only tab stop; the arrow keys move it (`draw::roving`).
#[derive(Clone)]
pub struct Roving(pub Selector<Option<Id>>);

/// An element's tab index: 0 for the one the keyboard is on, -1 for the others (no tab stop,
/// but focusable by a click or by the arrow keys).
pub fn tab_index(id: Id) -> impl Fn() -> &'static str + Send + Sync + Clone + 'static {
    let roving = use_context::<Roving>();
    move || match &roving {
        Some(r) if r.0.selected(&Some(id)) => "0",
        _ => "-1",
    }
}

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

/// The element a DOM event happened on (a key, a double click), by its `data-id`.
pub fn target_id(ev: &web_sys::Event) -> Option<Id> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    id_of(&el)
}

/// Whether a key event comes from a text field (the rename box on the canvas): its keys are
/// text, not the canvas's commands.
pub fn typing(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            let tag = el.tag_name();
            tag.eq_ignore_ascii_case("input") || tag.eq_ignore_ascii_case("textarea")
        })
}

fn active_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.active_element()
}

/// Whether the keyboard focus is nowhere the user put it: on the page's body (where the page
/// drops it when the focused node is removed), or held on the canvas by [`hold_focus`].
fn focus_is_free(svg: &web_sys::SvgElement) -> bool {
    match active_element() {
        None => true,
        Some(a) => {
            !a.is_connected()
                || a.is_same_node(Some(svg))
                || a.tag_name().eq_ignore_ascii_case("body")
        }
    }
}

/// Moves the keyboard focus to the canvas itself, a node no edit replaces. An edit redraws
/// the shapes it changes as new nodes, and the page drops the focus of a removed node to
/// `<body>`, where the canvas would miss the next key: held here, every key pressed before
/// [`focus_first`] runs still reaches the canvas.
pub fn hold_focus(svg_ref: NodeRef<leptos::svg::Svg>) {
    if let Some(svg) = svg_ref.get_untracked() {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = svg.focus_with_options(&options);
    }
}

/// After the next frame (the edit drawn), focuses the first of `ids` that is drawn, unless
/// the user has moved the focus elsewhere meanwhile. None drawn yet (a large drawing draws
/// what the view moved to a frame or two later): tried again for a few frames, then the focus
/// stays on the canvas.
pub fn focus_first(svg_ref: NodeRef<leptos::svg::Svg>, ids: Vec<Id>) {
    /// Frames to wait for one of them to be drawn.
    const TRIES: u8 = 6;
    fn attempt(svg_ref: NodeRef<leptos::svg::Svg>, ids: Vec<Id>, left: u8) {
        request_animation_frame(move || {
            let Some(svg) = svg_ref.get_untracked() else {
                return;
            };
            if !focus_is_free(&svg) {
                return;
            }
            if ids.iter().any(|id| focus_drawn(svg_ref, *id)) {
                return;
            }
            if left > 0 {
                attempt(svg_ref, ids, left - 1);
            }
        });
    }
    attempt(svg_ref, ids, TRIES);
}

/// Focuses the element drawn for `id`, if it is drawn; says whether it was. The last drawn
/// with that id: a circuit's symbol, drawn over its own line.
pub fn focus_drawn(svg_ref: NodeRef<leptos::svg::Svg>, id: Id) -> bool {
    let Some(svg) = svg_ref.get_untracked() else {
        return false;
    };
    let Ok(all) = svg.query_selector_all(&format!("[data-id=\"{}\"]", id.0)) else {
        return false;
    };
    let last = all.length().checked_sub(1).and_then(|i| all.item(i));
    match last.and_then(|n| n.dyn_into::<web_sys::SvgElement>().ok()) {
        Some(el) => el.focus().is_ok(),
        None => false,
    }
}

/// The focusable elements drawn on the canvas, in document order.
pub fn drawn_order(svg_ref: NodeRef<leptos::svg::Svg>) -> Vec<Id> {
    let Some(svg) = svg_ref.get_untracked() else {
        return Vec::new();
    };
    let Ok(list) = svg.query_selector_all("[data-id][tabindex]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter_map(|el| el.get_attribute("data-id")?.parse().ok().map(Id))
        .collect()
}
