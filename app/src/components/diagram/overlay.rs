//! What is drawn over the diagram and never hit by the pointer: selection rings, findings
//! marks, the rubber band, the wire of a connection being dragged, and the palette item being
//! dropped. Each ring and mark carries the class `f-<id>` so that a drag moves it along.

use crate::decimal::{decimal, translate};
use crate::scene::{Scene, Shape};
use hsmnet_core::draw::Item;
use hsmnet_core::model::{Point, Rect};
use hsmnet_core::service::Listed;
use hsmnet_core::{Id, Severity};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A ring around a selected element.
pub fn ring(id: Id, shape: Shape) -> AnyView {
    let class = format!("ring f-{}", id.0);
    match shape {
        Shape::Area(r) => view! {
            <rect class=class x=decimal(r.x - 3.0, 1) y=decimal(r.y - 3.0, 1)
                width=decimal(r.w + 6.0, 1) height=decimal(r.h + 6.0, 1) rx="8"/>
        }
        .into_any(),
        Shape::Symbol(p) => view! { <circle class=class cx=decimal(p.x, 1) cy=decimal(p.y, 1) r="19"/> }.into_any(),
        Shape::Badge(p) => view! {
            <rect class=class x=decimal(p.x - 17.0, 1) y=decimal(p.y - 10.5, 1) width="34" height="21"
                rx="10.5"/>
        }
        .into_any(),
        Shape::Link(d) => view! { <path class=format!("ring-line f-{}", id.0) d=d/> }.into_any(),
    }
}

/// Rings around every selected element that is drawn; a lone selected element also gets a
/// connect handle, so that two elements can be linked with the mouse alone.
pub fn rings(scene: &Scene, selection: &[Id]) -> AnyView {
    let handle = match selection {
        [id] => scene.shape_of(*id).and_then(|s| handle(*id, &s)),
        _ => None,
    };
    let rings = selection
        .iter()
        .filter_map(|id| scene.shape_of(*id).map(|s| ring(*id, s)))
        .collect_view();
    view! { {rings} {handle} }.into_any()
}

/// The connect handle at the right of a shape: drag it onto another element to link the two.
fn handle(id: Id, shape: &Shape) -> Option<impl IntoView> {
    let at = match shape {
        // Inside the bottom right corner, so the canvas's edge never clips it.
        Shape::Area(r) => Point::new(r.x + r.w - 8.0, r.y + r.h - 7.0),
        Shape::Symbol(p) => Point::new(p.x + 22.0, p.y),
        Shape::Badge(p) => Point::new(p.x + 20.0, p.y),
        Shape::Link(_) => return None,
    };
    Some(view! {
        <circle class=format!("handle f-{}", id.0) cx=decimal(at.x, 1) cy=decimal(at.y, 1) r="6"
            data-handle=id.0>
            <title>"Drag onto another element to connect them"</title>
        </circle>
    })
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The worst severity of the findings on each element, with how many there are.
pub fn worst_by_element(findings: &Vec<Listed>) -> BTreeMap<Id, (Severity, usize)> {
    let mut worst: BTreeMap<Id, (Severity, usize)> = BTreeMap::new();
    for f in findings {
        for id in &f.elements {
            let entry = worst.entry(*id).or_insert((f.severity, 0));
            entry.1 += 1;
            if rank(f.severity) < rank(entry.0) {
                entry.0 = f.severity;
            }
        }
    }
    worst
}

/// A small mark in the corner of each element that has findings, coloured by the worst.
pub fn marks(scene: &Scene, findings: &Vec<Listed>) -> AnyView {
    worst_by_element(findings)
        .into_iter()
        .filter_map(|(id, (severity, count))| {
            let at = match scene.shape_of(id)? {
                Shape::Area(r) => Point::new(r.x + r.w - 9.0, r.y + 9.0),
                Shape::Symbol(p) => Point::new(p.x + 12.0, p.y - 12.0),
                Shape::Badge(p) => Point::new(p.x + 14.0, p.y - 8.0),
                Shape::Link(_) => return None,
            };
            let class = format!("mark {} f-{}", severity_class(severity), id.0);
            let transform = translate(at.x, at.y);
            let text = if count > 9 {
                "9+".to_string()
            } else {
                count.to_string()
            };
            Some(view! {
                <g class=class transform=transform data-severity=severity_class(severity)
                    data-element=id.0>
                    <circle r="6.5"/>
                    <text y="3" text-anchor="middle">{text}</text>
                </g>
            })
        })
        .collect_view()
        .into_any()
}

pub fn band(r: Rect) -> impl IntoView {
    view! {
        <rect class="band" x=decimal(r.x, 1) y=decimal(r.y, 1) width=decimal(r.w, 1)
            height=decimal(r.h, 1)/>
    }
}

pub fn wire(from: Point, to: Point) -> impl IntoView {
    view! {
        <line class="wire" x1=decimal(from.x, 1) y1=decimal(from.y, 1) x2=decimal(to.x, 1)
            y2=decimal(to.y, 1)/>
    }
}

/// The palette item under the pointer while it is dragged over the canvas; where it cannot
/// go, marked so, with why under it (core's refusal, before the drop).
pub fn ghost(item: Item, at: Point, refusal: Option<String>) -> impl IntoView {
    let transform = translate(at.x, at.y);
    let class = if refusal.is_some() {
        "ghost refused"
    } else {
        "ghost"
    };
    view! {
        <g class=class transform=transform>
            <circle r="10"/>
            <text y="24" text-anchor="middle">{item.label()}</text>
            {refusal.map(|why| view! { <text class="ghost-why" y="38" text-anchor="middle">{why}</text> })}
        </g>
    }
}

/// The outline of the container that would receive the palette item being dragged.
pub fn drop_target(shape: Shape) -> impl IntoView {
    match shape {
        Shape::Area(r) => view! {
            <rect class="drop-target" x=decimal(r.x - 2.0, 1) y=decimal(r.y - 2.0, 1)
                width=decimal(r.w + 4.0, 1) height=decimal(r.h + 4.0, 1) rx="8"/>
        }
        .into_any(),
        Shape::Symbol(p) | Shape::Badge(p) => {
            view! { <circle class="drop-target" cx=decimal(p.x, 1) cy=decimal(p.y, 1) r="20"/> }
                .into_any()
        }
        Shape::Link(d) => view! { <path class="drop-target" d=d/> }.into_any(),
    }
}

/// The rectangle between two corners, whichever way it was drawn.
pub fn spanned(a: Point, b: Point) -> Rect {
    Rect::new(
        a.x.min(b.x),
        a.y.min(b.y),
        (a.x - b.x).abs(),
        (a.y - b.y).abs(),
    )
}
