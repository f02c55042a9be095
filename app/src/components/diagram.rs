//! The diagram editor: the scene drawn as SVG, pan and zoom on the `viewBox`, and editing by
//! pointer and keyboard. Every change is one core edit built by `hsmnet_core::draw` (place,
//! connect, duplicate, remove) or an `Edit::Move`; the diagram itself decides nothing about
//! the design.
//!
//! Pointer: drag empty canvas (or the inside of a region) to pan, Shift+drag to select with a
//! rubber band, drag an element to move it (a region by its title bar), Alt+drag from one
//! element to another (or drag the connect handle of a lone selected element) to link them;
//! click selects, Shift+click adds to the selection. Files dropped on the canvas are imported
//! (`importing`), as "Import…" imports them.
//! A drag previews live (see `live.rs`) and becomes one edit on release; Escape cancels it.

mod area;
mod badge;
mod legend;
mod link;
mod live;
mod overlay;
mod pick;
mod rename;
mod selection;
mod symbol;
mod trace_path;

use super::{Palette, TraceSummary};
use crate::decimal::{decimal, translate};
use crate::editing;
use crate::importing::Importing;
use crate::scene::{Area, Badge, Link, LinkKind, Scene, Symbol, Trunk};
use crate::state::{Place, Studio};
use crate::tracing::Tracing;
use crate::viewport::{Screen, ViewBox};
use area::AreaBox;
use badge::PolicyBadge;
use hsmnet_core::draw::roving::{Rover, Step};
use hsmnet_core::draw::view::{self, Detail, Window};
use hsmnet_core::draw::{self, Item, Refusal};
use hsmnet_core::edit::Edit;
use hsmnet_core::model::metrics::HEADER;
use hsmnet_core::model::{Kind, Point, Rect};
use hsmnet_core::{Design, Id};
use legend::Legend;
use leptos::ev::{DragEvent, FocusEvent, KeyboardEvent, MouseEvent, PointerEvent, WheelEvent};
use leptos::prelude::*;
use leptos::reactive::computed::Selector;
use leptos::task::spawn_local;
use link::{LinkPath, TrunkPath};
use live::Live;
pub(crate) use overlay::worst_by_element;
use pick::{
    drawn_order, element_id, focus_drawn, focus_first, handle_id, hold_focus, id_at, target_id,
    typing, Roving,
};
use rename::RenameBox;
use selection::{
    all_added, bounds_of, kind_of, last_added, named, outermost, selected_container, toggle,
};
use symbol::SymbolMark;
pub use trace_path::load as load_trace_drawing;
use trace_path::TracePath;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::js_sys::Array;

const ZOOM_STEP: f64 = 1.25;
/// A fraction of the view width moved per arrow key when nothing is selected.
const PAN_STEP: f64 = 0.1;
/// Canvas units an arrow key moves the selection (Shift: four times as far).
const NUDGE: f64 = 8.0;
/// Screen pixels a press may wander and still be a click.
const CLICK_SLOP: f64 = 3.0;
/// How fast Ctrl+wheel and a pinch zoom, per pixel of scroll (100 px: about 22 %).
const WHEEL_ZOOM: f64 = 0.0025;
/// Canvas units kept around an element the view follows.
const REVEAL_MARGIN: f64 = 24.0;

/// The closest a traced path is zoomed to, in pixels per canvas unit, and the canvas units
/// kept around it.
const TRACE_ZOOM: f64 = 1.5;
const TRACE_MARGIN: f64 = 40.0;

/// How long the zoom must stay still before hidden labels come back.
const ZOOM_SETTLE: std::time::Duration = std::time::Duration::from_millis(300);

/// A pointer gesture on the canvas, from press to release.
enum Gesture {
    /// Panning; a press that does not move selects `click` (or clears the selection).
    Pan {
        pointer: i32,
        x: f64,
        y: f64,
        start: ViewBox,
        moved: bool,
        click: Option<Id>,
    },
    /// Moving elements, previewed live.
    Move {
        pointer: i32,
        x: f64,
        y: f64,
        scale: f64,
        ids: Vec<Id>,
        live: Live,
        offset: (f64, f64),
        moved: bool,
        click: Id,
    },
    /// A rubber band from `start`; `add` keeps the current selection.
    Band {
        pointer: i32,
        start: Point,
        add: bool,
    },
    /// Linking `from` to whatever the pointer is released on.
    Wire {
        pointer: i32,
        from: Id,
        start: Point,
    },
}

impl Gesture {
    fn pointer(&self) -> i32 {
        match self {
            Gesture::Pan { pointer, .. }
            | Gesture::Move { pointer, .. }
            | Gesture::Band { pointer, .. }
            | Gesture::Wire { pointer, .. } => *pointer,
        }
    }
}

#[component]
pub fn Diagram() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let fit = Memo::new(move |_| {
        studio
            .scene
            .with(|s| (!s.is_empty()).then_some(s.bounds))
            .unwrap_or(Rect::new(0.0, 0.0, 800.0, 500.0))
    });
    // The user's view and the design it was chosen for: a newly opened design fits again, an
    // edited one keeps its view.
    let chosen = RwSignal::new(None::<(ViewBox, u32)>);
    let view_box = move || {
        let opened = studio.opened.get();
        chosen
            .get()
            .filter(|(_, made_for)| *made_for == opened)
            .map_or_else(|| ViewBox(fit.get()), |(v, _)| v)
    };
    let set_view = move |v: ViewBox| chosen.set(Some((v, studio.opened.get_untracked())));
    let zoom_by =
        move |factor: f64| set_view(view_box().zoomed_centre(factor, fit.get_untracked()));
    // Edits must not make the view jump: hold it where it is first.
    let hold_view = move || set_view(view_box());

    // The canvas's size on the screen, kept by a ResizeObserver: reading it from the element
    // after each zoom step would force a layout of the whole drawing each time.
    let screen = RwSignal::new(None::<Screen>);
    let observer =
        StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut(Array)>)>);
    Effect::new(move |_| {
        let Some(svg) = svg_ref.get() else { return };
        let resized = Closure::<dyn FnMut(Array)>::new(move |entries: Array| {
            if let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                let r = entry.content_rect();
                screen.set(Some(Screen {
                    width: r.width(),
                    height: r.height(),
                }));
            }
        });
        if let Ok(o) = web_sys::ResizeObserver::new(resized.as_ref().unchecked_ref()) {
            o.observe(&svg);
            observer.set_value(Some((o, resized)));
        }
    });
    // The first drawing is on the page once the canvas's size is known: `Studio::drawn` turns
    // true after the frame that paints it.
    Effect::new(move |_| {
        if screen.with(Option::is_some) && !studio.drawn.get_untracked() {
            request_animation_frame(move || {
                set_timeout(move || studio.drawn.set(true), std::time::Duration::ZERO)
            });
        }
    });
    on_cleanup(move || {
        if let Some((o, _)) = observer.try_update_value(Option::take).flatten() {
            o.disconnect();
        }
    });
    // Chromium lays every SVG label out again at each change of scale (it sizes text for the
    // screen): at hundreds of labels a zoom step costs whole frames. So while a large drawing's
    // zoom changes its labels are hidden (the class `zooming`), and come back once it has been
    // still for a moment.
    let zooming = RwSignal::new(false);
    // What of the scene is on the page (`scene_view`). Nothing until the canvas is on the page
    // and its size known: a 1,000-spoke design must not be drawn in full detail first. A small
    // drawing is drawn whole, so that every element stays in the keyboard's reach. While a zoom
    // is under way the window changes only when the view leaves it (`Window::follow_zooming`).
    let window = Memo::new(move |previous: Option<&Window>| {
        let Some(screen) = screen.get() else {
            return Window::nothing();
        };
        let view = view_box();
        let scale = screen.scale(&view);
        if !studio.scene.with(Scene::is_large) {
            return Window::everything(Detail::at(scale));
        }
        match previous {
            Some(w) if zooming.get() => w.follow_zooming(view.0, scale),
            Some(w) => w.follow(view.0, scale),
            None => Window::around(view.0, scale),
        }
    });

    let zoom_settles = StoredValue::new(None::<TimeoutHandle>);
    // A zoom step: the gesture goes on for another `ZOOM_SETTLE`. Called for each Ctrl+wheel
    // too, so that a gesture held at the zoom's limit (the view no longer changes) is not taken
    // as settled and its window fitted, to be drawn anew as soon as it turns back.
    let zoom_step = move || {
        if !studio.scene.with_untracked(Scene::is_large) {
            return;
        }
        zooming.set(true);
        if let Some(h) = zoom_settles.get_value() {
            h.clear();
        }
        let settled = set_timeout_with_handle(move || zooming.set(false), ZOOM_SETTLE);
        zoom_settles.set_value(settled.ok());
    };
    Effect::watch(
        move || view_box().0.w,
        move |width, previous, _| {
            if previous.is_some_and(|p| p != width) {
                zoom_step();
            }
        },
        false,
    );

    // Zoomed out, the labels are drawn larger (in steps: the scene fits and places them for
    // each step, `Scene::at`), so that they stay readable. Not a large drawing's (the scene
    // memo keeps them at `LABEL_FONT`): laying out its scene again at each step would cost
    // whole frames while it zooms, and zoomed out it is drawn in outline.
    // The labels' size for a view at `scale` when it is not the one drawn; none in outline,
    // where no labels are drawn.
    let label_font_at = move |scale: f64| -> Option<f64> {
        if Detail::at(scale) != Detail::Full || studio.scene.with_untracked(Scene::is_large) {
            return None;
        }
        let font = view::label_font(scale);
        (font != studio.label_font.get_untracked()).then_some(font)
    };
    Effect::new(move |_| {
        let Some(screen) = screen.get() else {
            return;
        };
        if let Some(font) = label_font_at(screen.scale(&view_box())) {
            studio.label_font.set(font);
        }
    });

    // A trace newly shown (the first, or another flow) brings its path into view, zoomed to
    // it; the same flow traced again after an edit leaves the view where the user has it.
    let tracing = expect_context::<Tracing>();
    Effect::watch(
        move || {
            let flow = tracing.result.with(|r| match r {
                Some(Ok(t)) => Some((t.from.clone(), t.to.clone(), t.port)),
                _ => None,
            });
            (flow, studio.opened.get())
        },
        move |(flow, _), previous, _| {
            if flow.is_none() || previous.is_some_and(|(p, _)| p == flow) {
                return;
            }
            let Some(trace) = tracing.result.with_untracked(|r| r.clone()?.ok()) else {
                return;
            };
            let Some(screen) = screen.get_untracked() else {
                return;
            };
            let least = (screen.width / TRACE_ZOOM, screen.height / TRACE_ZOOM);
            let framed = |s: &Scene| {
                let (drawing, failure) = trace_path::laid_out(s, &trace)?;
                let bounds = drawing.bounds(failure.map(|f| f.note))?;
                Some(ViewBox::framing(bounds, TRACE_MARGIN, least))
            };
            let Some(mut view) = studio.scene.with_untracked(framed) else {
                return;
            };
            // The new zoom may draw the labels at another size, which places the path and its
            // note anew: frame it as it will be drawn then.
            if let Some(font) = label_font_at(screen.scale(&view)) {
                // The scene memo lays itself out again for that size when next read.
                studio.label_font.set(font);
                view = studio.scene.with_untracked(framed).unwrap_or(view);
            }
            set_view(view);
        },
        false,
    );

    let gesture = StoredValue::new_local(None::<Gesture>);
    let band = RwSignal::new(None::<Rect>);
    let wire = RwSignal::new(None::<(Point, Point)>);
    let ghost = RwSignal::new(None::<(Item, Point)>);
    // Where the pointer is over the canvas (client coordinates), where a paste goes.
    let pointer_at = StoredValue::new(None::<(f64, f64)>);
    // What Ctrl+C copied: core keeps the design it came from, so a paste outlives the originals.
    let clipboard = StoredValue::new(None::<draw::Copied>);
    // Space held over the canvas: a drag anywhere pans, as in draw.io and Figma.
    let space_held = StoredValue::new(false);
    // The element being renamed in place (double-click or F2).
    let renaming = RwSignal::new(None::<Id>);
    // Whether the last input was a key rather than the pointer: the view follows the
    // keyboard's focus, never a click.
    let keyboard_input = StoredValue::new(false);
    // The roving focus: the element the keyboard is on (the canvas's one tab stop), walked by
    // the arrow keys through core's `Rover` (containment and links). It may lie outside what a
    // large drawing puts on the page: the view follows it, which draws it.
    let rover = Memo::new(move |_| studio.with_design(Rover::new));
    let active = RwSignal::new(None::<Id>);
    provide_context(Roving(Selector::new(move || active.get())));
    // The canvas itself is the tab stop while the element the keyboard is on is not drawn.
    let active_drawn = move || {
        let Some(id) = active.get() else { return false };
        window.with(|w| studio.scene.with(|s| drawn(s, w, id)))
    };

    // The canvas point under client coordinates; `within` limits it to the canvas's box.
    let canvas_point = move |x: f64, y: f64, within: bool| -> Option<Point> {
        let svg = svg_ref.get_untracked()?;
        let (left, top, screen) = drawing_box(&svg);
        let (px, py) = (x - left, y - top);
        if within && (px < 0.0 || py < 0.0 || px > screen.width || py > screen.height) {
            return None;
        }
        Some(screen.to_canvas(&view_box(), px, py))
    };
    let canvas_at = move |x: f64, y: f64| canvas_point(x, y, true);
    let pixels_per_unit = move || pixels_per_unit_of(svg_ref, &view_box());

    // Pans so that the element drawn for `id` is seen whole (the view follows what the
    // keyboard adds or selects); a view that shows it already stays still.
    let reveal = move |id: Id| {
        let Some(rect) = studio.scene.with_untracked(|s| bounds_of(s, id)) else {
            return;
        };
        let view = view_box();
        let shown = view.showing(rect, REVEAL_MARGIN);
        if shown != view {
            set_view(shown);
        }
    };
    // A palette item is dropped only where the canvas itself is under the pointer: released
    // anywhere else (over the palette, a panel), the drag is cancelled quietly.
    let drop_point = move |x: f64, y: f64| -> Option<Point> {
        let svg = svg_ref.get_untracked()?;
        let over = web_sys::window()?
            .document()?
            .element_from_point(x as f32, y as f32)?;
        if !svg.contains(Some(&over)) {
            return None;
        }
        canvas_at(x, y)
    };
    // While a palette item is dragged over the canvas: the container that would receive it,
    // or why it cannot go there, as core's `draw::drop_target` answers (the drop's own answer;
    // nothing until the `editing` chunk is there).
    let aim = Memo::new(move |_| {
        let (item, at) = ghost.get()?;
        studio.with_design(|d| editing::drop_target(d, item, at))
    });

    // Applies an edit built by core, or says beside the canvas why it was refused; returns
    // whether it applied.
    let commit = move |built: Result<Edit, Refusal>| -> bool {
        match built {
            Ok(edit) => {
                hold_view();
                studio.apply(edit)
            }
            Err(refusal) => {
                studio.refuse_on_canvas(refusal.0);
                false
            }
        }
    };
    // The edits are built in the lazy `editing` chunk, from the design as it is now.
    let design_now = move || studio.with_design_untracked(Design::clone);
    let place_item = move |(item, at): (Item, Option<Point>)| {
        let from_keyboard = at.is_none();
        let container = studio.with_design_untracked(|d| selected_container(d, studio));
        let design = design_now();
        spawn_local(async move {
            let built = editing::place(design, item, at, container).await;
            let added = built.as_ref().ok().and_then(last_added);
            if commit(built) {
                if let Some(id) = added {
                    studio.selection.set(vec![id]);
                    let name = studio.with_design_untracked(|d| d.name_of(id));
                    studio.tell(format!("Added {} {name}.", item.label()));
                    if from_keyboard {
                        reveal(id);
                    }
                }
            }
        });
    };
    let connect_selected = move || {
        let selection = studio.selection.get_untracked();
        let [a, b] = selection[..] else {
            studio.refuse_on_canvas("Select exactly two elements to connect them.");
            return;
        };
        let design = design_now();
        spawn_local(async move {
            if commit(editing::connect(design, a, b).await) {
                studio.tell("Connected.");
            }
        });
    };
    let delete_selected = move || {
        let selection = studio.selection.get_untracked();
        // Where the keyboard goes next: the element drawn after the first one deleted (or,
        // past the end, before it) that outlives the delete; else the canvas itself.
        let order = drawn_order(svg_ref);
        let next: Vec<Id> = match order.iter().position(|id| selection.contains(id)) {
            Some(i) => order[i + 1..]
                .iter()
                .chain(order[..i].iter().rev())
                .filter(|id| !selection.contains(id))
                .copied()
                .collect(),
            None => Vec::new(),
        };
        let what = studio.with_design_untracked(|d| named(d, &selection));
        let design = design_now();
        spawn_local(async move {
            if commit(editing::remove(design, selection).await) {
                studio.selection.set(Vec::new());
                studio.tell(format!("Deleted {what}."));
                hold_focus(svg_ref);
                focus_first(svg_ref, next);
            }
        });
    };
    // Applies a duplicate or a paste: the copies are selected, shown and named.
    let commit_copies = move |built: Result<Edit, Refusal>, done: &'static str, what: String| {
        let added = built.as_ref().map(all_added).unwrap_or_default();
        if commit(built) {
            let copies = studio.with_design_untracked(|d| outermost(d, &added));
            let made = studio.with_design_untracked(|d| named(d, &copies));
            studio.tell(format!("{done} {what} as {made}."));
            if let Some(first) = copies.first() {
                reveal(*first);
            }
            studio.selection.set(copies);
        }
    };
    let duplicate_selected = move || {
        let selection = studio.selection.get_untracked();
        let what = studio.with_design_untracked(|d| named(d, &selection));
        let design = design_now();
        spawn_local(async move {
            commit_copies(
                editing::duplicate(design, selection).await,
                "Duplicated",
                what,
            )
        });
    };
    let copy_selected = move || {
        let selection = studio.selection.get_untracked();
        let design = design_now();
        spawn_local(async move {
            match editing::copy(design, selection).await {
                Ok(copied) => {
                    studio.tell(format!(
                        "Copied {}: Ctrl+V pastes it under the pointer.",
                        copied.describe()
                    ));
                    clipboard.set_value(Some(copied));
                }
                Err(refusal) => studio.refuse_on_canvas(refusal.0),
            }
        });
    };
    // Pastes into the containers under the pointer, or, with the pointer off the canvas,
    // under the middle of the view.
    let paste_here = move || {
        let at = pointer_at
            .get_value()
            .and_then(|(x, y)| canvas_at(x, y))
            .unwrap_or_else(|| {
                let r = view_box().0;
                Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0)
            });
        let Some(copied) = clipboard.get_value() else {
            studio
                .refuse_on_canvas("Nothing to paste: select something and copy it (Ctrl+C) first.");
            return;
        };
        let what = copied.describe();
        let design = design_now();
        spawn_local(async move {
            commit_copies(editing::paste(design, copied, at).await, "Pasted", what)
        });
    };
    // Opens the rename box of an element that is drawn.
    let start_rename = move |id: Id| {
        if studio.scene.with_untracked(|s| s.shape_of(id).is_some()) {
            renaming.set(Some(id));
        }
    };
    let nudge = move |dx: f64, dy: f64| {
        let ids =
            studio.with_design_untracked(|d| draw::move_ids(d, &studio.selection.get_untracked()));
        if ids.is_empty() {
            return false;
        }
        let what = studio.with_design_untracked(|d| named(d, &studio.selection.get_untracked()));
        if commit(Ok(Edit::Move { ids, dx, dy })) {
            studio.tell(format!("Moved {what}."));
        }
        true
    };

    // Ends the gesture in progress without changing anything.
    let cancel = move || -> bool {
        let Some(g) = gesture.try_update_value(Option::take).flatten() else {
            return false;
        };
        match g {
            Gesture::Move { live, .. } => live.reset(),
            Gesture::Pan { start, .. } => set_view(start),
            Gesture::Band { .. } => band.set(None),
            Gesture::Wire { .. } => wire.set(None),
        }
        if let Some(svg) = svg_ref.get_untracked() {
            let _ = svg.class_list().remove_1("dragging");
        }
        true
    };

    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        // Lines and pages (some mice, some browsers) to pixels.
        let unit = match ev.delta_mode() {
            1 => 16.0,
            2 => 400.0,
            _ => 1.0,
        };
        let (dx, dy) = (ev.delta_x() * unit, ev.delta_y() * unit);
        if ev.ctrl_key() || ev.meta_key() {
            // Ctrl/⌘+wheel, and a touchpad pinch (browsers send it as a wheel with ctrlKey):
            // zoom around the pointer.
            let Some(at) = canvas_at(ev.client_x() as f64, ev.client_y() as f64) else {
                return;
            };
            let factor = (-dy.clamp(-100.0, 100.0) * WHEEL_ZOOM).exp();
            zoom_step();
            set_view(view_box().zoomed(factor, at, fit.get_untracked()));
        } else {
            // A plain wheel and a two-finger scroll pan; Shift turns a vertical wheel sideways.
            let (dx, dy) = if ev.shift_key() && dx == 0.0 {
                (dy, 0.0)
            } else {
                (dx, dy)
            };
            set_view(view_box().scrolled(dx, dy, pixels_per_unit()));
        }
    };
    let on_pointer_down = move |ev: PointerEvent| {
        keyboard_input.set_value(false);
        if (ev.button() != 0 && ev.button() != 1) || typing(&ev) {
            return;
        }
        cancel();
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        let pointer = ev.pointer_id();
        // Space+drag pans wherever it starts, over elements too.
        if space_held.get_value() {
            if let Some(svg) = svg_ref.get_untracked() {
                let _ = svg.set_pointer_capture(pointer);
                let _ = svg.class_list().add_1("dragging");
            }
            gesture.set_value(Some(Gesture::Pan {
                pointer,
                x,
                y,
                start: view_box(),
                moved: false,
                click: None,
            }));
            return;
        }
        // A connect handle starts a link from its element, as Alt+drag does.
        if let (Some(from), Some(at)) = (handle_id(&ev), canvas_point(x, y, false)) {
            wire.set(Some((at, at)));
            if let Some(svg) = svg_ref.get_untracked() {
                let _ = svg.set_pointer_capture(pointer);
            }
            gesture.set_value(Some(Gesture::Wire {
                pointer,
                from,
                start: at,
            }));
            return;
        }
        let Some(at) = canvas_at(x, y) else {
            return;
        };
        let target = if ev.button() == 0 {
            element_id(&ev)
        } else {
            None
        };
        let kind = target.and_then(|id| studio.with_design_untracked(|d| kind_of(d, id)));
        // The inside of a region is canvas to pan, its title bar a handle to move it by.
        let region_body = match (target, kind) {
            (Some(id), Some(Kind::Region)) => studio.with_design_untracked(|d| {
                d.region(id).is_some_and(|r| at.y > r.layout.y + HEADER)
            }),
            _ => false,
        };
        let pan = |click| Gesture::Pan {
            pointer,
            x,
            y,
            start: view_box(),
            moved: false,
            click,
        };
        let next = match target {
            Some(from) if ev.alt_key() => {
                wire.set(Some((at, at)));
                Gesture::Wire {
                    pointer,
                    from,
                    start: at,
                }
            }
            _ if ev.shift_key() && (target.is_none() || region_body) => Gesture::Band {
                pointer,
                start: at,
                add: true,
            },
            Some(id) if region_body => pan(Some(id)),
            Some(id) if ev.shift_key() => {
                studio.selection.update(|s| toggle(s, id));
                return;
            }
            Some(id) => {
                if !studio.selection.with_untracked(|s| s.contains(&id)) {
                    studio.selection.set(vec![id]);
                }
                let selection = studio.selection.get_untracked();
                let (ids, moving) = studio.with_design_untracked(|d| {
                    let ids = draw::move_ids(d, &selection);
                    let moving = draw::followers(d, &ids);
                    (ids, moving)
                });
                let Some(svg) = svg_ref.get_untracked() else {
                    return;
                };
                let live = studio
                    .scene
                    .with_untracked(|s| Live::start(&svg, s, &moving));
                Gesture::Move {
                    pointer,
                    x,
                    y,
                    scale: pixels_per_unit(),
                    ids,
                    live,
                    offset: (0.0, 0.0),
                    moved: false,
                    click: id,
                }
            }
            None => pan(None),
        };
        if let Some(svg) = svg_ref.get_untracked() {
            let _ = svg.set_pointer_capture(pointer);
            let _ = svg.class_list().add_1("dragging");
        }
        gesture.set_value(Some(next));
    };
    let on_pointer_move = move |ev: PointerEvent| {
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        pointer_at.set_value(Some((x, y)));
        gesture.update_value(|g| {
            let Some(g) = g.as_mut().filter(|g| g.pointer() == ev.pointer_id()) else {
                return;
            };
            match g {
                Gesture::Pan {
                    x: x0,
                    y: y0,
                    start,
                    moved,
                    ..
                } => {
                    let (dx, dy) = (x - *x0, y - *y0);
                    *moved |= dx.hypot(dy) > CLICK_SLOP;
                    if *moved {
                        let s = pixels_per_unit_of(svg_ref, start);
                        set_view(start.panned(-dx / s, -dy / s));
                    }
                }
                Gesture::Move {
                    x: x0,
                    y: y0,
                    scale,
                    live,
                    offset,
                    moved,
                    ..
                } => {
                    let (dx, dy) = (x - *x0, y - *y0);
                    *moved |= dx.hypot(dy) > CLICK_SLOP;
                    if *moved {
                        *offset = (dx / *scale, dy / *scale);
                        live.shift(offset.0, offset.1);
                    }
                }
                Gesture::Band { start, .. } => {
                    if let Some(at) = canvas_point(x, y, false) {
                        band.set(Some(overlay::spanned(*start, at)));
                    }
                }
                Gesture::Wire { start, .. } => {
                    if let Some(at) = canvas_point(x, y, false) {
                        wire.set(Some((*start, at)));
                    }
                }
            }
        });
    };
    let on_pointer_up = move |ev: PointerEvent| {
        let mine =
            gesture.with_value(|g| g.as_ref().is_some_and(|g| g.pointer() == ev.pointer_id()));
        if !mine {
            return;
        }
        let Some(g) = gesture.try_update_value(Option::take).flatten() else {
            return;
        };
        if let Some(svg) = svg_ref.get_untracked() {
            let _ = svg.class_list().remove_1("dragging");
        }
        match g {
            Gesture::Pan { moved, click, .. } => {
                if !moved {
                    studio.selection.set(click.into_iter().collect());
                }
            }
            Gesture::Move {
                ids,
                live,
                offset: (dx, dy),
                moved,
                click,
                ..
            } => {
                if !moved {
                    studio.selection.set(vec![click]);
                } else if !ids.is_empty() && (dx != 0.0 || dy != 0.0) {
                    live.reset();
                    let selection = studio.selection.get_untracked();
                    let what = studio.with_design_untracked(|d| named(d, &selection));
                    if commit(Ok(Edit::Move { ids, dx, dy })) {
                        studio.tell(format!("Moved {what}."));
                    }
                }
            }
            Gesture::Band { add, .. } => {
                if let Some(r) = band.get_untracked() {
                    let inside = studio.scene.with_untracked(|s| s.inside(r));
                    studio.selection.update(|s| {
                        if !add {
                            s.clear();
                        }
                        for id in inside {
                            if !s.contains(&id) {
                                s.push(id);
                            }
                        }
                    });
                }
                band.set(None);
            }
            Gesture::Wire { from, .. } => {
                wire.set(None);
                let to = id_at(ev.client_x() as f64, ev.client_y() as f64);
                match to {
                    Some(to) if to != from => {
                        let design = design_now();
                        spawn_local(async move {
                            if commit(editing::connect(design, from, to).await) {
                                studio.selection.set(vec![from, to]);
                                studio.tell("Connected.");
                            }
                        });
                    }
                    _ => studio
                        .refuse_on_canvas("Release the link on another element to connect them."),
                }
            }
        }
    };
    let on_pointer_cancel = move |_: PointerEvent| {
        cancel();
    };
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && cancel() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || escape.remove());
    // Space over the canvas arms panning (and is no click on whatever button has the focus).
    let space_down = window_event_listener(leptos::ev::keydown, move |ev| {
        keyboard_input.set_value(true);
        // Ctrl+C and Ctrl+V with the pointer over the canvas work wherever the keyboard is
        // (after a click on a button, say), except in a text field; the canvas's own keys
        // handle them when it has the keyboard.
        let on_canvas = svg_ref.get_untracked().is_some_and(|svg| {
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                .is_some_and(|t| svg.contains(Some(&t)))
        });
        if (ev.ctrl_key() || ev.meta_key())
            && !ev.alt_key()
            && pointer_at.get_value().is_some()
            && !on_canvas
            && !typing(&ev)
        {
            match ev.key().as_str() {
                "c" | "C" => copy_selected(),
                "v" | "V" => paste_here(),
                _ => return,
            }
            ev.prevent_default();
            return;
        }
        if ev.key() == " " && pointer_at.get_value().is_some() && !typing(&ev) {
            space_held.set_value(true);
            if let Some(svg) = svg_ref.get_untracked() {
                let _ = svg.class_list().add_1("space-pan");
            }
            ev.prevent_default();
        }
    });
    let space_up = window_event_listener(leptos::ev::keyup, move |ev| {
        if ev.key() == " " && space_held.get_value() {
            space_held.set_value(false);
            if let Some(svg) = svg_ref.get_untracked() {
                let _ = svg.class_list().remove_1("space-pan");
            }
            ev.prevent_default();
        }
    });
    on_cleanup(move || {
        space_down.remove();
        space_up.remove();
    });

    let on_key = move |ev: KeyboardEvent| {
        // Keys typed in the rename box are its text.
        if typing(&ev) {
            return;
        }
        let view = view_box();
        let (w, h) = (view.0.w, view.0.h);
        let focused = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-id]").ok().flatten())
            .and_then(|el| el.get_attribute("data-id")?.parse().ok())
            .map(Id);
        let command = ev.ctrl_key() || ev.meta_key();
        let has_selection = studio.selection.with_untracked(|s| !s.is_empty());
        let step = if ev.alt_key() { 4.0 * NUDGE } else { NUDGE };
        let key = ev.key();
        // The arrows (and Home, End) move the keyboard from element to element.
        let walk = match key.as_str() {
            "ArrowDown" => Some(Step::Next),
            "ArrowUp" => Some(Step::Previous),
            "ArrowRight" => Some(Step::In),
            "ArrowLeft" => Some(Step::Out),
            "Home" => Some(Step::First),
            "End" => Some(Step::Last),
            _ => None,
        };
        if let Some(walk) = walk.filter(|_| !command && !ev.shift_key() && !ev.alt_key()) {
            ev.prevent_default();
            let from = focused.or_else(|| active.get_untracked());
            let to = rover.with_untracked(|r| match from.filter(|id| r.has(*id)) {
                Some(from) => r.step(from, walk),
                None => r.first(),
            });
            if let Some(to) = to {
                active.set(Some(to));
                reveal(to);
                // Drawn already: focused at once, so that a key held down never races a
                // frame. Else (a large drawing draws it once the view has moved) after it.
                if !focus_drawn(svg_ref, to) {
                    hold_focus(svg_ref);
                    focus_first(svg_ref, vec![to]);
                }
            }
            return;
        }
        let arrow = key.starts_with("Arrow");
        // Shift+arrows nudge the selection (Alt: four times as far), Ctrl+arrows pan.
        if arrow && !(command || (ev.shift_key() && has_selection)) {
            return;
        }
        match key.as_str() {
            "Enter" | " " => {
                let Some(id) = focused else { return };
                // Held down, Space arms panning: select once, not on every repeat.
                if ev.repeat() {
                    ev.prevent_default();
                    return;
                }
                if ev.shift_key() {
                    studio.selection.update(|s| toggle(s, id));
                } else {
                    studio.selection.set(vec![id]);
                }
                reveal(id);
            }
            "Delete" | "Backspace" if has_selection => delete_selected(),
            "d" | "D" if command => duplicate_selected(),
            "c" | "C" if command => copy_selected(),
            "v" | "V" if command => paste_here(),
            "F2" => {
                let single = studio.selection.with_untracked(|s| match s[..] {
                    [id] => Some(id),
                    _ => None,
                });
                let Some(id) = focused.or(single) else { return };
                start_rename(id);
            }
            "a" | "A" if command => {
                let all = studio.scene.with_untracked(|s| s.inside(s.bounds));
                studio.selection.set(all);
            }
            "c" | "C" if !command => connect_selected(),
            "Escape" => {
                if !cancel() {
                    studio.selection.set(Vec::new());
                }
            }
            "+" | "=" => zoom_by(ZOOM_STEP),
            "-" | "_" => zoom_by(1.0 / ZOOM_STEP),
            "0" => chosen.set(None),
            "ArrowLeft" if !command => {
                nudge(-step, 0.0);
            }
            "ArrowRight" if !command => {
                nudge(step, 0.0);
            }
            "ArrowUp" if !command => {
                nudge(0.0, -step);
            }
            "ArrowDown" if !command => {
                nudge(0.0, step);
            }
            "ArrowLeft" => set_view(view.panned(-w * PAN_STEP, 0.0)),
            "ArrowRight" => set_view(view.panned(w * PAN_STEP, 0.0)),
            "ArrowUp" => set_view(view.panned(0.0, -h * PAN_STEP)),
            "ArrowDown" => set_view(view.panned(0.0, h * PAN_STEP)),
            _ => return,
        }
        ev.prevent_default();
        // An edit redraws the focused element as a new node: hold the keyboard on the canvas
        // until it is drawn again, then give it back (a delete picks its own next element, a
        // rename box takes the keyboard itself).
        let deleting = matches!(key.as_str(), "Delete" | "Backspace");
        if let Some(id) = focused.filter(|_| !deleting && renaming.get_untracked().is_none()) {
            hold_focus(svg_ref);
            focus_first(svg_ref, vec![id]);
        }
    };
    let on_double_click = move |ev: MouseEvent| {
        // The press before it captured the pointer, so the event's target is the canvas:
        // what is drawn under the pointer is the element double-clicked.
        let under = id_at(ev.client_x() as f64, ev.client_y() as f64);
        if let Some(id) = under.or_else(|| target_id(&ev)) {
            ev.prevent_default();
            start_rename(id);
        }
    };
    // The element focused (by a click, Tab or script) is where the keyboard is; tabbing to
    // an element off the view brings it into view.
    // Files dragged over the canvas: accepted (the canvas shows it), and imported on release.
    let importing = expect_context::<Importing>();
    let files_over = RwSignal::new(false);
    let carries_files = |ev: &DragEvent| {
        ev.data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    let on_drag_over = move |ev: DragEvent| {
        if carries_files(&ev) {
            ev.prevent_default();
            if let Some(d) = ev.data_transfer() {
                d.set_drop_effect("copy");
            }
            files_over.set(true);
        }
    };
    let on_drop = move |ev: DragEvent| {
        files_over.set(false);
        if let Some(list) = ev.data_transfer().and_then(|d| d.files()) {
            // Else the browser would open the file in place of the studio.
            ev.prevent_default();
            importing.files(studio, list);
        }
    };
    let on_focus_in = move |ev: FocusEvent| {
        let Some(id) = target_id(&ev) else { return };
        if active.get_untracked() != Some(id) {
            active.set(Some(id));
        }
        if keyboard_input.get_value() {
            reveal(id);
        }
    };
    let canvas_message = move || {
        studio.notice.with(|n| {
            n.as_ref()
                .filter(|n| n.place == Place::Canvas)
                .map(|n| n.text.clone())
        })
    };

    let design_name = move || studio.with_design(|d| d.name.clone());
    let count = move || studio.selection.with(|s| s.len());

    view! {
        <section class="diagram" aria-labelledby="diagram-title">
            <div class="diagram-bar">
                // Cut to the room the bar leaves (style sheet); the whole name on hover.
                <h2 id="diagram-title" title=design_name>{design_name}</h2>
                <div class="edit-tools" role="group" aria-label="Selection">
                    <span class="selection-count" aria-live="polite">
                        {move || match count() {
                            0 => "Nothing selected".to_string(),
                            1 => "1 selected".to_string(),
                            n => format!("{n} selected"),
                        }}
                    </span>
                    <button type="button" aria-label="Connect the two selected elements"
                        title="Connect the two selected elements (C)"
                        disabled=move || count() != 2
                        on:click=move |_| connect_selected()>"Connect"</button>
                    <button type="button" aria-label="Duplicate the selection"
                        title="Duplicate the selection (Ctrl+D)"
                        disabled=move || count() == 0
                        on:click=move |_| duplicate_selected()>"Duplicate"</button>
                    <button type="button" aria-label="Delete the selection"
                        title="Delete the selection (Delete)"
                        disabled=move || count() == 0
                        on:click=move |_| delete_selected()>"Delete"</button>
                </div>
                <div class="zoom" role="group" aria-label="Zoom">
                    <button type="button" aria-label="Zoom in" title="Zoom in (+)"
                        on:click=move |_| zoom_by(ZOOM_STEP)>"+"</button>
                    <button type="button" aria-label="Zoom out" title="Zoom out (−)"
                        on:click=move |_| zoom_by(1.0 / ZOOM_STEP)>"−"</button>
                    <button type="button" aria-label="Fit the diagram" title="Fit (0)"
                        on:click=move |_| chosen.set(None)>"Fit"</button>
                </div>
            </div>
            <Palette
                canvas_at=Callback::new(move |(x, y)| drop_point(x, y))
                place=Callback::new(place_item)
                ghost=ghost
            />
            // Why the last action on the canvas was refused, where the eye is.
            <p class="canvas-message" role="alert" id="canvas-message">{canvas_message}</p>
            <TraceSummary/>
            <svg
                class="canvas"
                class:outline=move || window.with(|w| w.detail == Detail::Outline)
                class:zooming=move || zooming.get()
                class:files-over=move || files_over.get()
                data-labels=move || decimal(studio.label_font.get(), 0)
                xmlns="http://www.w3.org/2000/svg"
                node_ref=svg_ref
                viewBox=move || view_box().attr()
                role="group"
                aria-roledescription="network diagram"
                aria-label=move || format!("Network diagram of {}", design_name())
                aria-describedby="diagram-help"
                tabindex=move || if active_drawn() { "-1" } else { "0" }
                on:wheel=on_wheel
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_cancel
                on:keydown=on_key
                on:dblclick=on_double_click
                on:focusin=on_focus_in
                on:pointerleave=move |_| pointer_at.set_value(None)
                on:dragover=on_drag_over
                on:dragleave=move |_| files_over.set(false)
                on:drop=on_drop
            >
                {scene_view(studio.scene, window)}
                <TracePath scene=studio.scene/>
                <g class="overlay" aria-hidden="true">
                    <g class="marks">
                        {move || studio.scene.with(|s| studio.report.with(|r| overlay::marks(s, r)))}
                    </g>
                    <g class="rings">
                        {move || studio.scene.with(|s| studio.selection.with(|sel| overlay::rings(s, sel)))}
                    </g>
                    {move || band.get().map(overlay::band)}
                    {move || wire.get().map(|(a, b)| overlay::wire(a, b))}
                    {move || {
                        let target = aim.get()?.ok()??;
                        studio.scene.with(|s| s.shape_of(target)).map(overlay::drop_target)
                    }}
                    {move || {
                        let refusal = aim.get().and_then(Result::err).map(|r| r.0);
                        ghost.get().map(|(item, at)| overlay::ghost(item, at, refusal))
                    }}
                </g>
                <RenameBox renaming=renaming svg_ref=svg_ref/>
            </svg>
            <div class="diagram-foot">
                <Legend/>
                <details class="help-more">
                    <summary>"Mouse and keys"</summary>
                    <p class="help" id="diagram-help">
                        "The diagram is one tab stop: the arrow keys move from element to "
                        "element (Down and Up: the next and previous one beside it; Right: into "
                        "what it holds, or along a link to its far end; Left: out to what holds "
                        "it; Home and End: the first and last beside it). "
                        "Drag items from the palette into the diagram (the container that "
                        "receives one is highlighted; released off the canvas, the drag is "
                        "cancelled), or select a container and press Enter on an item (the palette is "
                        "one tab stop too: the arrow keys move along it). Drag "
                        "empty canvas, Space+drag, the wheel or two fingers pan; Ctrl+wheel or a "
                        "pinch zooms; drag an element to move it (a region by its title); "
                        "Shift+drag selects with a box; Alt+drag from one element to another, or "
                        "drag the handle of a selected element, connects them. Click or Enter "
                        "selects, Shift adds to the selection; C connects two selected elements, "
                        "Delete removes, Ctrl+D duplicates, Ctrl+C and Ctrl+V copy and paste "
                        "under the pointer, double-click or F2 renames, Shift+arrows nudge the "
                        "selection (Alt+Shift: four times as far), Ctrl+arrows pan, Escape "
                        "cancels a drag; + and − zoom, 0 fits; Ctrl+Z undoes, Ctrl+Y or "
                        "Ctrl+Shift+Z redoes. Drop files on the canvas to import them (a design "
                        "file, an ARM template with its parameter file, a resource export)."
                    </p>
                </details>
            </div>
        </section>
    }
}

/// The pixels per canvas unit of a view on the canvas element.
fn pixels_per_unit_of(svg_ref: NodeRef<leptos::svg::Svg>, view: &ViewBox) -> f64 {
    svg_ref
        .get_untracked()
        .map_or(1.0, |svg| drawing_box(&svg).2.scale(view))
}

/// Where the canvas draws, in client coordinates: the left and top of the box inside its
/// border, and that box's size. The view box maps onto this box, not onto the border's, so a
/// point computed from the outer box is off by the border's width.
fn drawing_box(svg: &web_sys::SvgElement) -> (f64, f64, Screen) {
    let rect = svg.get_bounding_client_rect();
    // The border is as wide on every side (the outer size keeps its fractions, which the
    // inner size, in whole pixels, would lose).
    let (left, top) = (f64::from(svg.client_left()), f64::from(svg.client_top()));
    let screen = Screen {
        width: (rect.width() - 2.0 * left).max(0.0),
        height: (rect.height() - 2.0 * top).max(0.0),
    };
    (rect.left() + left, rect.top() + top, screen)
}

/// Back to front: regions, peerings, VNets, subnets, policy badges, connections, symbols.
/// Peerings run behind the VNets they join, so they never hide what a VNet holds.
///
/// Only what lies in `window` is drawn (`draw::view`): a browser paints every shape it holds,
/// seen or not, so at hundreds of spokes drawing everything is what makes dragging and zooming
/// slow. The window changes only when the view leaves it. Its level of detail is a class on the
/// canvas (the labels are hidden by the style sheet), not a redraw: crossing it while zooming
/// re-creates nothing.
///
/// Each layer is keyed by what is drawn (`ShapeKey`), so an edit re-creates only the shapes
/// that changed: releasing a dragged VNet redraws that VNet, its contents and its links, not
/// the whole estate.
fn scene_view(scene: Memo<Scene>, window: Memo<Window>) -> impl IntoView {
    /// The items of one layer that lie in the window.
    fn shown<T: Clone>(
        scene: Memo<Scene>,
        window: Memo<Window>,
        layer: impl Fn(&Scene) -> &[T] + 'static,
        seen: impl Fn(&Window, &T) -> bool + 'static,
    ) -> impl Fn() -> Vec<T> {
        move || {
            window.with(|w| {
                scene.with(|s| {
                    layer(s)
                        .iter()
                        .filter(|item| seen(w, item))
                        .cloned()
                        .collect()
                })
            })
        }
    }
    let area = |w: &Window, a: &Area| w.shows(a.rect);
    fn link(w: &Window, l: &Link) -> bool {
        match &l.route {
            Some(route) => w.shows_line(route),
            None => w.shows_line(&[l.from, l.to]),
        }
    }
    let peering = |w: &Window, l: &Link| l.kind == LinkKind::Peering && link(w, l);
    let connection = |w: &Window, l: &Link| l.kind != LinkKind::Peering && link(w, l);
    let trunks = shown(
        scene,
        window,
        |s| &s.trunks,
        |w, t: &Trunk| w.shows(t.bounds),
    );
    let peerings = shown(scene, window, |s| &s.links, peering);
    let connections = shown(scene, window, |s| &s.links, connection);
    view! {
        <g class="regions">
            <For each=shown(scene, window, |s| &s.regions, area) key=Area::key
                children=|a| view! { <AreaBox area=a/> }/>
        </g>
        <g class="links peerings">
            // Usually one trunk, redrawn whole when it changes: a keyed list of its own would
            // weigh more in the download.
            {move || trunks().into_iter().map(|t| view! { <TrunkPath trunk=t/> }).collect_view()}
            <For each=peerings key=Link::key children=|l| view! { <LinkPath link=l/> }/>
        </g>
        <g class="vnets">
            <For each=shown(scene, window, |s| &s.vnets, area) key=Area::key
                children=|a| view! { <AreaBox area=a/> }/>
        </g>
        <g class="subnets">
            <For each=shown(scene, window, |s| &s.subnets, area) key=Area::key
                children=|a| view! { <AreaBox area=a/> }/>
        </g>
        <g class="badges">
            <For each=shown(scene, window, |s| &s.badges, |w, b: &Badge| w.shows_around(b.at, BADGE_REACH)) key=Badge::key
                children=|b| view! { <PolicyBadge badge=b/> }/>
        </g>
        <g class="links">
            <For each=connections key=Link::key children=|l| view! { <LinkPath link=l/> }/>
        </g>
        <g class="symbols">
            <For each=shown(scene, window, |s| &s.symbols, |w, s: &Symbol| w.shows_around(s.at, SYMBOL_LABEL_REACH)) key=Symbol::key
                children=|s| view! { <SymbolMark symbol=s/> }/>
        </g>
    }
}

/// Whether the element `id` is on the page: in the scene and inside the window (the same
/// tests as `scene_view`'s layers).
fn drawn(scene: &Scene, window: &Window, id: Id) -> bool {
    if let Some(a) = scene
        .regions
        .iter()
        .chain(&scene.vnets)
        .chain(&scene.subnets)
        .find(|a| a.id == id)
    {
        return window.shows(a.rect);
    }
    if let Some(s) = scene.symbols.iter().find(|s| s.id == id) {
        return window.shows_around(s.at, SYMBOL_LABEL_REACH);
    }
    if let Some(b) = scene.badges.iter().find(|b| b.id == id) {
        return window.shows_around(b.at, BADGE_REACH);
    }
    scene.links.iter().any(|l| {
        l.id == id
            && match &l.route {
                Some(route) => window.shows_line(route),
                None => window.shows_line(&[l.from, l.to]),
            }
    })
}

/// How far a badge reaches from its centre.
const BADGE_REACH: f64 = 16.0;
/// How far a symbol and its label below reach from its centre.
const SYMBOL_LABEL_REACH: f64 = 48.0;

/// What an accessible name adds for an element a migration plan marked retirable.
pub(crate) fn retirable_words(retirable: bool) -> &'static str {
    if retirable {
        ", retirable"
    } else {
        ""
    }
}

/// The width of the tag on a retirable element.
pub(crate) const RETIRE_TAG_W: f64 = 40.0;

/// The tag drawn on a retirable element, its top left at (`x`, `y`); the legend shows it too.
pub(crate) fn retire_tag(x: f64, y: f64) -> impl IntoView {
    let transform = translate(x, y);
    view! {
        <g class="retire-tag" transform=transform aria-hidden="true">
            <rect width=decimal(RETIRE_TAG_W, 1) height="12" rx="3"/>
            <text x=decimal(RETIRE_TAG_W / 2.0, 1) y="9" text-anchor="middle">"retire"</text>
        </g>
    }
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
