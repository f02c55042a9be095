//! A menu of commands behind one button: a disclosure (`<details>`), so that a toolbar keeps
//! one row without taking a command from the keyboard. Enter or Space on its button opens it,
//! Tab walks its commands, Escape closes it and gives the keyboard back to its button;
//! choosing a command, a click elsewhere or the keyboard leaving it closes it.

use leptos::ev::{Event, FocusEvent, KeyboardEvent, MouseEvent, PointerEvent};
use leptos::html::{Details, Summary};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn Menu(
    /// The button's text.
    label: &'static str,
    /// The menu's own class, beside `menu`.
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let root = NodeRef::<Details>::new();
    let button = NodeRef::<Summary>::new();
    let inside = move |target: Option<web_sys::EventTarget>| {
        let node = target.and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        root.get_untracked()
            .is_some_and(|r| node.is_some_and(|n| r.contains(Some(&n))))
    };
    let on_toggle = move |ev: Event| {
        let shown = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|d| d.has_attribute("open"));
        if open.get_untracked() != shown {
            open.set(shown);
        }
    };
    // A command chosen (a button inside, not the menu's own button) closes the menu.
    let on_click = move |ev: MouseEvent| {
        let chose = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".menu-items button").ok().flatten())
            .is_some();
        if chose {
            open.set(false);
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            ev.stop_propagation();
            open.set(false);
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let on_focus_out = move |ev: FocusEvent| {
        if !inside(ev.related_target()) {
            open.set(false);
        }
    };
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev: PointerEvent| {
        if open.get_untracked() && !inside(ev.target()) {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());
    view! {
        <details class=format!("menu {class}") node_ref=root prop:open=move || open.get()
            on:toggle=on_toggle on:keydown=on_key on:focusout=on_focus_out>
            <summary class="button" node_ref=button>{label}</summary>
            <div class="menu-items" on:click=on_click>{children()}</div>
        </details>
    }
}
