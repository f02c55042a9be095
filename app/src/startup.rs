//! What the studio opens first: the design of a share link in the URL fragment (`#d=v1.…`),
//! else the autosaved design, else the first reference architecture. A link or an autosave
//! that cannot be read is reported and leaves the next choice open.

use crate::state::{Notice, Place, Studio, Tone};
use crate::storage;
use hsmnet_core::{link, Design};

/// The design to open and what to tell the user about how it was chosen.
pub fn initial() -> (Design, Option<Notice>) {
    let (fallback, mut notice) = match storage::load() {
        Some(Ok(design)) => (design, None),
        Some(Err(e)) => (
            Studio::first_design(),
            Some(refusal(format!(
                "The autosaved design could not be read ({e}); opened a reference architecture instead."
            ))),
        ),
        None => (Studio::first_design(), None),
    };
    match from_fragment() {
        Some(Ok(design)) => (design, Some(info("Opened the design from the link."))),
        Some(Err(message)) => {
            notice = Some(refusal(message));
            (fallback, notice)
        }
        None => (fallback, notice),
    }
}

/// Whether the page was opened with a share link (read before `initial` removes it).
pub fn has_link() -> bool {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h.starts_with(&format!("#{}=", link::PARAM)))
}

/// Opens a link pasted into the address bar of a running studio (the page does not reload).
pub fn on_fragment_change(studio: Studio) {
    match from_fragment() {
        Some(Ok(design)) => {
            studio.open(design);
            studio.tell("Opened the design from the link.");
        }
        Some(Err(message)) => studio.refuse(message),
        None => {}
    }
}

/// The design in the URL fragment, if there is a share link there. The fragment is removed
/// either way, so that a reload restores the autosave (with the user's later edits) rather than
/// the link again.
fn from_fragment() -> Option<Result<Design, String>> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    if !hash.starts_with(&format!("#{}=", link::PARAM)) {
        return None;
    }
    let result = link::decode(&hash)
        .map_err(|e| format!("This link cannot be opened: {e}. The design you had is kept."));
    let without = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without));
    }
    Some(result)
}

fn info(text: &str) -> Notice {
    Notice {
        tone: Tone::Info,
        text: text.to_string(),
        place: Place::Status,
    }
}

fn refusal(text: String) -> Notice {
    Notice {
        tone: Tone::Refusal,
        text,
        place: Place::Status,
    }
}
