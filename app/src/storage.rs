//! Autosave: the open design kept in the browser's local storage as a design document, so a
//! reload restores it exactly. Nothing leaves the browser.

use hsmnet_core::document::{self, ReadError};
use hsmnet_core::Design;

const KEY: &str = "hsmnet.autosave";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The autosaved design: `None` when there is none, an error when it cannot be read (whose
/// field `reading::when_located` names).
pub fn load() -> Option<Result<Design, ReadError>> {
    let text = local_storage()?.get_item(KEY).ok().flatten()?;
    Some(document::read(&text))
}

/// Whether nothing is autosaved: a first visit.
pub fn is_empty() -> bool {
    local_storage().is_none_or(|s| s.get_item(KEY).ok().flatten().is_none())
}

/// Saves a design document (`document::to_json`); says why when the browser refuses (storage
/// full or turned off).
pub fn save(document: &str) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser offers no local storage")?;
    storage
        .set_item(KEY, document)
        .map_err(|_| "the browser refused to store it (storage full or turned off)".to_string())
}
