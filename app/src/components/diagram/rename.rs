//! Renaming an element in place (double-click or F2): a text box over its label. Enter, or
//! leaving the box, renames it through core's form, with the properties panel's checks (a
//! name another element has is refused, and why shows under the box); Escape leaves the name
//! as it was. The keyboard goes back to the element either way.

use super::pick::{focus_first, hold_focus};
use crate::codec;
use crate::decimal::decimal;
use crate::scene::Shape;
use crate::state::Studio;
use hsmnet_core::edit::Edit;
use hsmnet_core::model::Point;
use hsmnet_core::{Design, Id};
use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::prelude::*;

/// The box's size in canvas units: one line of text, and one for why a name was refused.
const BOX_W: f64 = 160.0;
const BOX_H: f64 = 46.0;

/// The rename box of the element in `renaming`, if any, drawn inside the canvas.
#[component]
pub fn RenameBox(
    renaming: RwSignal<Option<Id>>,
    svg_ref: NodeRef<leptos::svg::Svg>,
) -> impl IntoView {
    move || {
        renaming
            .get()
            .map(|id| view! { <Editor id=id renaming=renaming svg_ref=svg_ref/> })
    }
}

#[component]
fn Editor(
    id: Id,
    renaming: RwSignal<Option<Id>>,
    svg_ref: NodeRef<leptos::svg::Svg>,
) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let input = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<String>);
    let original = studio.with_design_untracked(|d| d.name_of(id));
    let corner = studio.scene.with_untracked(|s| {
        let shape = s.shape_of(id)?;
        Some(match shape {
            // Over the title of a region, VNet or subnet.
            Shape::Area(r) => Point::new(r.x + 2.0, r.y + 1.0),
            // Over the label under a symbol or badge, or across the middle of a link.
            Shape::Symbol(p) | Shape::Badge(p) => Point::new(p.x - BOX_W / 2.0, p.y + 12.0),
            Shape::Link(_) => {
                let p = s.anchor_of(id)?;
                Point::new(p.x - BOX_W / 2.0, p.y - 10.0)
            }
        })
    });
    // Done (renamed or not): the box goes and the keyboard is back on the element.
    let finished = StoredValue::new(false);
    let finish = move || {
        finished.set_value(true);
        renaming.set(None);
        hold_focus(svg_ref);
        focus_first(svg_ref, vec![id]);
    };
    let original_name = StoredValue::new(original.clone());
    // Renames to `text`; returns why not, leaving the box open. The form's checks run in the
    // lazy codec chunk; while one rename is on its way, Enter or leaving the box does nothing.
    let busy = StoredValue::new(false);
    let rename = move |text: String| async move {
        let text = text.trim().to_string();
        let before = original_name.get_value();
        if text == before {
            return Ok(());
        }
        let design = studio.with_design_untracked(Design::clone);
        let element = codec::set_field(design, id, "name".to_string(), text.clone()).await?;
        if studio.apply(Edit::Replace(element)) {
            studio.tell(format!("Renamed {before} to {text}."));
            Ok(())
        } else {
            Err(format!("{text} was not applied."))
        }
    };
    let on_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            if busy.get_value() {
                return;
            }
            busy.set_value(true);
            let text = event_target_value(&ev);
            leptos::task::spawn_local(async move {
                let renamed = rename(text).await;
                // The box may have gone meanwhile (the design was replaced).
                if busy.try_set_value(false).is_some() {
                    return;
                }
                match renamed {
                    Ok(()) => finish(),
                    Err(why) => problem.set(Some(why)),
                }
            });
        }
        "Escape" => {
            // The name stays; Escape goes no further (it would clear the selection).
            ev.prevent_default();
            ev.stop_propagation();
            finish();
        }
        _ => {}
    };
    let on_blur = move |ev: FocusEvent| {
        if finished.get_value() || busy.get_value() {
            return;
        }
        // Leaving the box renames as Enter does; a refused name is said beside the canvas.
        let text = event_target_value(&ev);
        leptos::task::spawn_local(async move {
            if let Err(why) = rename(text).await {
                studio.refuse_on_canvas(format!("Not renamed: {why}"));
            }
        });
        finished.set_value(true);
        renaming.set(None);
    };
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
            el.select();
        }
    });
    // The diagram starts a rename only for an element it draws.
    let corner = corner?;
    Some(view! {
        <foreignObject class="rename-box" x=decimal(corner.x, 1) y=decimal(corner.y, 1)
            width=decimal(BOX_W, 1) height=decimal(BOX_H, 1)>
            <input
                node_ref=input
                type="text"
                aria-label=format!("New name for {original}")
                value=original.clone()
                spellcheck="false"
                autocomplete="off"
                on:keydown=on_key
                on:blur=on_blur
            />
            <p class="rename-problem" role="alert">{move || problem.get()}</p>
        </foreignObject>
    })
}
