//! The read-only diagram: the scene drawn as SVG, with pan (drag, arrow keys) and zoom (wheel,
//! `+`/`-`, buttons) done on the `viewBox`. Its parts, one component each, live in `diagram/`.

mod area;
mod badge;
mod legend;
mod link;
mod symbol;

use crate::scene::{LinkKind, Scene};
use crate::state::Studio;
use crate::viewport::{Screen, ViewBox};
use area::AreaBox;
use badge::PolicyBadge;
use hsmnet_core::model::Rect;
use legend::Legend;
use leptos::ev::{KeyboardEvent, PointerEvent, WheelEvent};
use leptos::prelude::*;
use link::LinkPath;
use symbol::SymbolMark;
use wasm_bindgen::JsCast;

const ZOOM_STEP: f64 = 1.25;
/// A fraction of the view width moved per arrow key.
const PAN_STEP: f64 = 0.1;

/// A drag in progress: where it started on screen and what the view was then.
#[derive(Clone, Copy)]
struct Drag {
    pointer: i32,
    x: f64,
    y: f64,
    start: ViewBox,
}

#[component]
pub fn Diagram() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let fit = Memo::new(move |_| {
        studio
            .scene
            .with(|s| s.as_ref().map(|s| s.bounds))
            .unwrap_or(Rect::new(0.0, 0.0, 800.0, 500.0))
    });
    // The user's view, with the fitted extent it was made for: a new drawing fits again.
    let chosen = RwSignal::new(None::<(ViewBox, Rect)>);
    let view_box = move || {
        let fit = fit.get();
        chosen
            .get()
            .filter(|(_, made_for)| *made_for == fit)
            .map_or(ViewBox(fit), |(v, _)| v)
    };
    let set_view = move |v: ViewBox| chosen.set(Some((v, fit.get_untracked())));
    let zoom_by =
        move |factor: f64| set_view(view_box().zoomed_centre(factor, fit.get_untracked()));
    let drag = StoredValue::new(None::<Drag>);

    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let Some((screen, px, py)) = pointer_on(&ev) else {
            return;
        };
        let view = view_box();
        let at = screen.to_canvas(&view, px, py);
        let factor = (-ev.delta_y() * 0.0015).exp();
        set_view(view.zoomed(factor, at, fit.get_untracked()));
    };
    let on_pointer_down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
            let _ = el.class_list().add_1("dragging");
        }
        drag.set_value(Some(Drag {
            pointer: ev.pointer_id(),
            x: ev.client_x() as f64,
            y: ev.client_y() as f64,
            start: view_box(),
        }));
    };
    let on_pointer_move = move |ev: PointerEvent| {
        let Some(d) = drag.get_value().filter(|d| d.pointer == ev.pointer_id()) else {
            return;
        };
        let Some((screen, _, _)) = pointer_on(&ev) else {
            return;
        };
        let s = screen.scale(&d.start);
        let (dx, dy) = (ev.client_x() as f64 - d.x, ev.client_y() as f64 - d.y);
        set_view(d.start.panned(-dx / s, -dy / s));
    };
    let on_pointer_end = move |ev: PointerEvent| {
        drag.set_value(None);
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.class_list().remove_1("dragging");
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        let view = view_box();
        let (w, h) = (view.0.w, view.0.h);
        match ev.key().as_str() {
            "+" | "=" => zoom_by(ZOOM_STEP),
            "-" | "_" => zoom_by(1.0 / ZOOM_STEP),
            "0" => chosen.set(None),
            "ArrowLeft" => set_view(view.panned(-w * PAN_STEP, 0.0)),
            "ArrowRight" => set_view(view.panned(w * PAN_STEP, 0.0)),
            "ArrowUp" => set_view(view.panned(0.0, -h * PAN_STEP)),
            "ArrowDown" => set_view(view.panned(0.0, h * PAN_STEP)),
            _ => return,
        }
        ev.prevent_default();
    };

    let design_name = move || {
        studio
            .design
            .with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default())
    };

    view! {
        <section class="diagram" aria-labelledby="diagram-title">
            <div class="diagram-bar">
                <h2 id="diagram-title">{design_name}</h2>
                <div class="zoom" role="group" aria-label="Zoom">
                    <button type="button" aria-label="Zoom in" title="Zoom in (+)"
                        on:click=move |_| zoom_by(ZOOM_STEP)>"+"</button>
                    <button type="button" aria-label="Zoom out" title="Zoom out (−)"
                        on:click=move |_| zoom_by(1.0 / ZOOM_STEP)>"−"</button>
                    <button type="button" aria-label="Fit the diagram" title="Fit (0)"
                        on:click=move |_| chosen.set(None)>"Fit"</button>
                </div>
            </div>
            <svg
                class="canvas"
                xmlns="http://www.w3.org/2000/svg"
                viewBox=move || view_box().attr()
                role="group"
                aria-roledescription="network diagram"
                aria-label=move || format!("Network diagram of {}", design_name())
                aria-describedby="diagram-help"
                tabindex="0"
                on:wheel=on_wheel
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_end
                on:pointercancel=on_pointer_end
                on:keydown=on_key
            >
                {move || studio.scene.get().map(scene_view)}
            </svg>
            <p class="help" id="diagram-help">
                "Drag to pan, wheel to zoom; with the diagram focused, arrow keys pan, + and − zoom, 0 fits."
            </p>
            <Legend/>
        </section>
    }
}

/// Back to front: regions, peerings, VNets, subnets, policy badges, connections, symbols.
/// Peerings run behind the VNets they join, so they never hide what a VNet holds.
fn scene_view(scene: Scene) -> impl IntoView {
    let Scene {
        regions,
        vnets,
        subnets,
        badges,
        links,
        symbols,
        ..
    } = scene;
    let (peerings, links): (Vec<_>, Vec<_>) =
        links.into_iter().partition(|l| l.kind == LinkKind::Peering);
    view! {
        <g class="regions">
            {regions.into_iter().map(|a| view! { <AreaBox area=a/> }).collect_view()}
        </g>
        <g class="links peerings">
            {peerings.into_iter().map(|l| view! { <LinkPath link=l/> }).collect_view()}
        </g>
        <g class="vnets">
            {vnets.into_iter().map(|a| view! { <AreaBox area=a/> }).collect_view()}
        </g>
        <g class="subnets">
            {subnets.into_iter().map(|a| view! { <AreaBox area=a/> }).collect_view()}
        </g>
        <g class="badges">
            {badges.into_iter().map(|b| view! { <PolicyBadge badge=b/> }).collect_view()}
        </g>
        <g class="links">
            {links.into_iter().map(|l| view! { <LinkPath link=l/> }).collect_view()}
        </g>
        <g class="symbols">
            {symbols.into_iter().map(|s| view! { <SymbolMark symbol=s/> }).collect_view()}
        </g>
    }
}

/// The element under the event's pointer: its size, and the pointer's position inside it.
fn pointer_on(ev: &web_sys::MouseEvent) -> Option<(Screen, f64, f64)> {
    let el = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = el.get_bounding_client_rect();
    let screen = Screen {
        width: rect.width(),
        height: rect.height(),
    };
    Some((
        screen,
        ev.client_x() as f64 - rect.left(),
        ev.client_y() as f64 - rect.top(),
    ))
}

/// Cuts a label to `max` characters, marking the cut; the full name stays in the tooltip.
pub(crate) fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let cut: String = name.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
