//! The edits the canvas builds from a user's action, by core's `draw`: an element placed (a
//! palette drop or its key), two elements connected, the selection deleted, duplicated, copied
//! or pasted. They are one lazy chunk (`editing`, see scripts/split-wasm): drawing a design
//! does not need them, so the first drawing does not wait for them; the chunk is prefetched
//! after it (`app.rs`). Applying the edit stays in the page (`Studio::apply`).
//!
//! Every action here is async and takes the design as it was when the action was made: an
//! edit built on it that no longer fits the design (another edit came first while the chunk
//! loaded) is refused by `Studio::apply`, which says why. The one question asked while the
//! pointer moves, where a dragged palette item would go, is answered at once once the chunk
//! is there, and not before ([`drop_target`]).

use hsmnet_core::draw::{self, Copied, Item, Refusal};
use hsmnet_core::edit::Edit;
use hsmnet_core::model::Point;
use hsmnet_core::{Design, Id};
use leptos::wasm_split::wasm_split;
use std::cell::Cell;

thread_local! {
    static LOADED: Cell<bool> = const { Cell::new(false) };
}

/// Fetches the chunk (after the first drawing, `app.rs`); from then on [`drop_target`]
/// answers (`lazy::now`). Each split function has a loader of its own: it is the drop
/// target's that must have loaded.
pub(crate) async fn load() {
    drop_target_loaded().await;
    LOADED.set(true);
}

/// Where a drop of `item` at `at` would go (`draw::drop_target`, the drop's own answer), asked
/// on every move of a dragged palette item; `None` until the chunk has been loaded.
pub(crate) fn drop_target(
    design: &Design,
    item: Item,
    at: Point,
) -> Option<Result<Option<Id>, Refusal>> {
    crate::lazy::now(LOADED.get(), target_of_drop(design, item, at))
}

#[wasm_split(editing, wasm_split_path = ::leptos::wasm_split, preload(drop_target_loaded))]
fn target_of_drop(design: &Design, item: Item, at: Point) -> Result<Option<Id>, Refusal> {
    draw::drop_target(design, item, at)
}

/// `item` placed at `at` or, without a point (its key in the palette), at the free spot of
/// `container` (`draw::spot_in`).
#[wasm_split(editing, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn place(
    design: Design,
    item: Item,
    at: Option<Point>,
    container: Option<Id>,
) -> Result<Edit, Refusal> {
    let at = at.unwrap_or_else(|| draw::spot_in(&design, container));
    draw::place(&design, item, at)
}

#[wasm_split(editing, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn connect(design: Design, a: Id, b: Id) -> Result<Edit, Refusal> {
    draw::connect(&design, a, b)
}

#[wasm_split(editing, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn remove(design: Design, ids: Vec<Id>) -> Result<Edit, Refusal> {
    draw::remove(&design, &ids)
}

#[wasm_split(editing, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn duplicate(design: Design, ids: Vec<Id>) -> Result<Edit, Refusal> {
    draw::duplicate(&design, &ids)
}

#[wasm_split(editing, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn copy(design: Design, ids: Vec<Id>) -> Result<Copied, Refusal> {
    draw::copy(&design, &ids)
}

#[wasm_split(editing, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn paste(design: Design, copied: Copied, at: Point) -> Result<Edit, Refusal> {
    draw::paste(&design, &copied, at)
}
