//! Drawing on the canvas, as pure functions from a design to one [`Edit`]: what the palette
//! offers ([`Item`]), adding an element where it is dropped ([`place`]), linking two elements
//! ([`connect`]), copying a selection (beside itself with [`duplicate`]; with [`copy`] and
//! [`paste`] into the containers under a point), removing one ([`remove`]) and finding what is under a point
//! ([`element_at`], [`containers_at`]); and what of a large drawing the canvas draws ([`view`]:
//! culling and level of detail; [`bundle`]: a hub's peerings as a bundle).
//!
//! Each answers with one edit (one undo step) or a [`Refusal`]: a short sentence for the user
//! saying why the element cannot go there or the two ends cannot be linked.
//!
//! Every new element of the crate is made by `new` (drawing, copying, linking, the rules'
//! fixes, the form's "add a subnet"), step by step in a `Plan`: it gets the defaults of
//! `model::defaults`, a name no other element has in any letter case ([`names`]), the next free
//! address space, prefix and address, and a place on the canvas inside its container, which
//! grows to hold it (the sizes of `model::metrics`).

mod addresses;
pub mod bundle;
mod catalogue;
mod connect;
mod duplicate;
pub mod flow;
mod geometry;
mod hit;
mod moving;
pub mod names;
pub(crate) mod new;
mod paste;
mod place;
mod plan;
mod remove;
pub mod roving;
pub mod view;

pub use catalogue::Item;
pub use connect::{connect, link_zone, unlink_zone};
pub use duplicate::duplicate;
pub use geometry::spot_in;
pub use hit::{container_of, containers_at, element_at};
pub use moving::{followers, move_ids};
pub use paste::{copy, paste, Copied};
pub use place::{drop_target, place};
pub(crate) use plan::Plan;
pub use remove::remove;

use std::fmt;

/// Why a drop, a link or a copy was refused, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

impl Refusal {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Refusal(text.into())
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}
