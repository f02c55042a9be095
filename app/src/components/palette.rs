//! The palette: what can be added to the design. Drag an item onto the canvas (pointer
//! events, so mouse, pen and touch all work) to place it where it is dropped; activate it
//! (Enter, Space or a click) to add it into the selected container, or to a free spot.
//!
//! It is one tab stop, a toolbar with a roving focus (WAI-ARIA): the arrow keys, Home and End
//! move between the items (core's `roving::along`), and Tab comes back to the item left last.

use hsmnet_core::draw::roving::{along, Step};
use hsmnet_core::draw::Item;
use hsmnet_core::model::Point;
use leptos::ev::{FocusEvent, KeyboardEvent, PointerEvent};
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Movement (CSS pixels) before a press on an item becomes a drag.
const DRAG_THRESHOLD: f64 = 4.0;

#[derive(Clone, Copy)]
struct Drag {
    item: Item,
    pointer: i32,
    x: f64,
    y: f64,
    moved: bool,
}

/// `canvas_at` maps client coordinates to a canvas point (None where the canvas is not under
/// them); `place`
/// adds an item at a point, or, given none, into the selection; `ghost` shows the item
/// being dropped.
#[component]
pub fn Palette(
    canvas_at: Callback<(f64, f64), Option<Point>>,
    place: Callback<(Item, Option<Point>)>,
    ghost: RwSignal<Option<(Item, Point)>>,
) -> impl IntoView {
    let drag = StoredValue::new(None::<Drag>);
    // A drag released over the canvas also clicks the item it started on: not an add.
    let swallow_click = StoredValue::new(false);

    let item_of = |ev: &PointerEvent| -> Option<(web_sys::Element, Item)> {
        let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let button = el.closest("[data-item]").ok()??;
        let item = Item::from_slug(&button.get_attribute("data-item")?)?;
        Some((button, item))
    };
    let on_down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let Some((button, item)) = item_of(&ev) else {
            return;
        };
        let _ = button.set_pointer_capture(ev.pointer_id());
        drag.set_value(Some(Drag {
            item,
            pointer: ev.pointer_id(),
            x: ev.client_x() as f64,
            y: ev.client_y() as f64,
            moved: false,
        }));
    };
    let on_move = move |ev: PointerEvent| {
        let Some(mut d) = drag.get_value().filter(|d| d.pointer == ev.pointer_id()) else {
            return;
        };
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        if !d.moved && (x - d.x).hypot(y - d.y) < DRAG_THRESHOLD {
            return;
        }
        d.moved = true;
        drag.set_value(Some(d));
        ghost.set(canvas_at.run((x, y)).map(|p| (d.item, p)));
    };
    let on_up = move |ev: PointerEvent| {
        // The click that follows a release (dispatched in the same task) belongs to the drag
        // or the Escape before it; once it has passed, no flag may swallow a later, real click.
        set_timeout(move || swallow_click.set_value(false), Duration::ZERO);
        let Some(d) = drag.get_value().filter(|d| d.pointer == ev.pointer_id()) else {
            return;
        };
        drag.set_value(None);
        ghost.set(None);
        if !d.moved {
            return;
        }
        swallow_click.set_value(true);
        // Off the canvas (over the palette, a panel), the drag is cancelled quietly.
        if let Some(at) = canvas_at.run((ev.client_x() as f64, ev.client_y() as f64)) {
            place.run((d.item, Some(at)));
        }
    };
    let on_cancel = move |_: PointerEvent| {
        drag.set_value(None);
        ghost.set(None);
    };
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && drag.get_value().is_some() {
            drag.set_value(None);
            ghost.set(None);
            swallow_click.set_value(true);
        }
    });
    on_cleanup(move || escape.remove());

    // The item the keyboard is on: the palette's one tab stop.
    let active = RwSignal::new(Item::ALL[0]);
    let list = NodeRef::<leptos::html::Ul>::new();
    let item_focused = |target: Option<web_sys::EventTarget>| -> Option<Item> {
        let el = target?.dyn_into::<web_sys::Element>().ok()?;
        Item::from_slug(&el.get_attribute("data-item")?)
    };
    let on_key = move |ev: KeyboardEvent| {
        let step = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => Step::Next,
            "ArrowLeft" | "ArrowUp" => Step::Previous,
            "Home" => Step::First,
            "End" => Step::Last,
            _ => return,
        };
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.shift_key() {
            return;
        }
        ev.prevent_default();
        let Some(from) = item_focused(ev.target()) else {
            return;
        };
        let index = Item::ALL.iter().position(|i| *i == from).unwrap_or(0);
        let Some(to) = along(&Item::ALL, index, step) else {
            return;
        };
        active.set(to);
        let button = list.get_untracked().and_then(|ul| {
            ul.query_selector(&format!("[data-item=\"{}\"]", to.slug()))
                .ok()
                .flatten()
        });
        if let Some(button) = button.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = button.focus();
        }
    };
    // Focused by a click or by script, an item becomes the tab stop.
    let on_focus_in = move |ev: FocusEvent| {
        if let Some(item) = item_focused(ev.target()) {
            if active.get_untracked() != item {
                active.set(item);
            }
        }
    };

    let items = Item::ALL
        .into_iter()
        .map(|item| {
            let on_click = move |_| {
                if swallow_click.get_value() {
                    swallow_click.set_value(false);
                    return;
                }
                place.run((item, None));
            };
            view! {
                <li role="none">
                    <button type="button" class=format!("palette-item {}", item.slug())
                        data-item=item.slug()
                        tabindex=move || if active.get() == item { "0" } else { "-1" }
                        aria-label=format!("Add {}", item.label())
                        title=format!("{}: drag {}, or press Enter to add it to the selection", item.label(), item.hint())
                        on:click=on_click>
                        {item.label()}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="palette" aria-label="Palette">
            <ul role="toolbar" aria-label="Add to the design" node_ref=list
                on:keydown=on_key on:focusin=on_focus_in
                on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                on:pointercancel=on_cancel>
                {items}
            </ul>
        </nav>
    }
}
