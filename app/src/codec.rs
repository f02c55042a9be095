//! The page's JSON, in one lazy chunk (`codec`, see scripts/split-wasm): the design documents it
//! reads and writes (autosave, share links at startup, fixes and imports from the checker, the
//! design file), the checker's messages, and the form engine's field edits (an element written
//! to JSON, one field set, read back). The model's serde code is about a quarter of the page's
//! code; none of it is needed to draw a design, so the first drawing does not wait for it. The
//! chunk is fetched after the first drawing (the checker needs it then) or, on a visit that
//! opens an autosave or a link, before it.
//!
//! Every function here is async: the first call waits for the chunk, later ones do not.

use hsmnet_core::document::{self, ReadError};
use hsmnet_core::edit::Element;
use hsmnet_core::form;
use hsmnet_core::link::{self, LinkError};
use hsmnet_core::service::{Message, Reply};
use hsmnet_core::{Design, Id};
use leptos::wasm_split::wasm_split;
use std::cell::Cell;

thread_local! {
    static WRITER_LOADED: Cell<bool> = const { Cell::new(false) };
}

/// The design as a design document (`document::to_json`): what the autosave stores and the
/// checker reads, written after every change. Once the chunk is there it is written at once
/// from the design where it is; before, from a copy, when the chunk arrives.
pub(crate) fn on_design(design: &Design, written: impl FnOnce(String) + 'static) {
    if let Some(text) = crate::lazy::now(WRITER_LOADED.get(), write_design(design)) {
        return written(text);
    }
    let design = design.clone();
    leptos::task::spawn_local(async move {
        let text = write_design(&design).await;
        WRITER_LOADED.set(true);
        written(text);
    });
}

#[wasm_split(codec, wasm_split_path = ::leptos::wasm_split)]
fn write_design(design: &Design) -> String {
    document::to_json(design)
}

/// The design as the design file a user saves (`document::to_document`), or why not.
#[wasm_split(codec, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn design_file(design: Design) -> Result<String, String> {
    document::to_document(&design).map_err(|e| e.to_string())
}

/// A design document read (`document::read`). (`preload` fetches the chunk.)
#[wasm_split(codec, wasm_split_path = ::leptos::wasm_split, preload(preload))]
pub(crate) fn read_design(text: String) -> Result<Design, ReadError> {
    document::read(&text)
}

/// The design of a share link's fragment (`link::read`).
#[wasm_split(codec, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn read_link(fragment: String) -> Result<Design, ReadError<LinkError>> {
    link::read(&fragment)
}

/// A request to the checker as the text it reads.
#[wasm_split(codec, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn write_message(message: Message) -> Result<String, String> {
    serde_json::to_string(&message).map_err(|e| e.to_string())
}

/// A reply of the checker; `None` for a text that is not one.
#[wasm_split(codec, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn read_reply(text: String) -> Option<Reply> {
    serde_json::from_str(&text).ok()
}

/// Element `id` with field `path` set from the user's `text` (`form::set`, with its checks:
/// a name another element has is refused), or why not.
#[wasm_split(codec, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn set_field(
    design: Design,
    id: Id,
    path: String,
    text: String,
) -> Result<Element, String> {
    let element = form::element(&design, id).ok_or("That element no longer exists.")?;
    form::set(&design, &element, &path, &text).map_err(|e| e.to_string())
}
