//! Autosave: the open design kept in the browser's local storage as a design document, so a
//! reload restores it exactly. Nothing leaves the browser.

pub(crate) const KEY: &str = "hsmnet.autosave";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The autosaved design document, if there is one (`codec::read_design` reads it).
pub fn load() -> Option<String> {
    local_storage()?.get_item(KEY).ok().flatten()
}

/// Saves a design document (`document::to_json`); says why when the browser refuses (storage
/// full or turned off).
pub fn save(document: &str) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser offers no local storage")?;
    storage
        .set_item(KEY, document)
        .map_err(|_| "the browser refused to store it (storage full or turned off)".to_string())
}
