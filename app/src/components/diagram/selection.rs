//! Selection helpers: toggling, the container a keyboard add goes into, and what an edit added
//! (to select it).

use crate::scene::{Scene, Shape};
use crate::state::Studio;
use hsmnet_core::draw;
use hsmnet_core::edit::Edit;
use hsmnet_core::model::{Kind, Rect};
use hsmnet_core::{Design, Id};
use leptos::prelude::*;

pub fn toggle(selection: &mut Vec<Id>, id: Id) {
    match selection.iter().position(|s| *s == id) {
        Some(i) => {
            selection.remove(i);
        }
        None => selection.push(id),
    }
}

/// The container a keyboard add goes into: the last selected region, VNet or subnet, or the
/// subnet of the last selected device (a second HSM goes beside the first).
pub fn selected_container(design: &Design, studio: Studio) -> Option<Id> {
    studio.selection.with_untracked(|s| {
        s.iter().rev().find_map(|id| match kind_of(design, *id)? {
            Kind::Region | Kind::Vnet | Kind::Subnet => Some(*id),
            _ => draw::container_of(design, *id),
        })
    })
}

fn added_ids(edit: &Edit, out: &mut Vec<Id>) {
    match edit {
        Edit::Add(e) => out.push(e.id()),
        Edit::Batch(edits) => edits.iter().for_each(|e| added_ids(e, out)),
        _ => {}
    }
}

/// The element an add made last: the device, not the GatewaySubnet made for it.
pub fn last_added(edit: &Edit) -> Option<Id> {
    all_added(edit).last().copied()
}

/// Every element an edit adds, in order.
pub fn all_added(edit: &Edit) -> Vec<Id> {
    let mut ids = Vec::new();
    added_ids(edit, &mut ids);
    ids
}

/// Of the elements just added, those not inside another one just added (the copied VNet,
/// not its subnets).
pub fn outermost(design: &Design, added: &[Id]) -> Vec<Id> {
    let set: hsmnet_core::hashing::HashSet<Id> = added.iter().copied().collect();
    added
        .iter()
        .copied()
        .filter(|id| {
            let mut up = draw::container_of(design, *id);
            while let Some(c) = up {
                if set.contains(&c) {
                    return false;
                }
                up = draw::container_of(design, c);
            }
            true
        })
        .collect()
}

pub fn kind_of(design: &Design, id: Id) -> Option<Kind> {
    design.describe(id).map(|(k, _)| k)
}

/// How a message names some elements: "VNet hub" for one, "3 elements" for more.
pub fn named(design: &Design, ids: &[Id]) -> String {
    match ids {
        [id] => match design.describe(*id) {
            Some((kind, name)) => format!("{} {name}", kind.label()),
            None => "1 element".to_string(),
        },
        _ => format!("{} elements", ids.len()),
    }
}

/// The room an element takes on the canvas, its label included: what the view must show of
/// it.
pub fn bounds_of(scene: &Scene, id: Id) -> Option<Rect> {
    /// How far a symbol and its label, or a badge, reach from their centre.
    const REACH: f64 = 40.0;
    let around = |x: f64, y: f64| Rect::new(x - REACH, y - REACH, 2.0 * REACH, 2.0 * REACH);
    match scene.shape_of(id)? {
        Shape::Area(r) => Some(r),
        Shape::Symbol(p) | Shape::Badge(p) => Some(around(p.x, p.y)),
        Shape::Link(_) => scene.anchor_of(id).map(|p| around(p.x, p.y)),
    }
}
