//! What the studio opens first: the design of a share link in the URL fragment (`#d=v1.…`),
//! else the autosaved design, else the first reference architecture. A link or an autosave
//! that cannot be read is reported and leaves the next choice open.

use crate::state::Studio;
use crate::{reading, storage};
use hsmnet_core::document::ReadError;
use hsmnet_core::link::{self, LinkError};
use hsmnet_core::Design;

/// What to tell the user about how the design was chosen, once the studio holds it.
pub enum Told {
    /// The design of the link was opened.
    LinkOpened,
    /// The autosave could not be read: a reference architecture was opened instead.
    AutosaveRefused(ReadError),
    /// The link could not be read: the design the user had is kept.
    LinkRefused(ReadError<LinkError>),
}

/// The design to open and what to tell the user about how it was chosen.
pub fn initial() -> (Design, Option<Told>) {
    let (fallback, told) = match storage::load() {
        Some(Ok(design)) => (design, None),
        Some(Err(e)) => (Studio::first_design(), Some(Told::AutosaveRefused(e))),
        None => (Studio::first_design(), None),
    };
    match from_fragment() {
        Some(Ok(design)) => (design, Some(Told::LinkOpened)),
        Some(Err(e)) => (fallback, Some(Told::LinkRefused(e))),
        None => (fallback, told),
    }
}

/// Says it in the status line. A refusal whose field the page's plain reading could not name
/// shows once the lazy chunk that names it has arrived (`reading`); the design is open by then.
pub fn tell(studio: Studio, told: Told) {
    match told {
        Told::LinkOpened => studio.tell("Opened the design from the link."),
        Told::AutosaveRefused(e) => reading::when_located(e, move |e| {
            studio.refuse(format!(
                "The autosaved design could not be read ({e}); opened a reference architecture instead."
            ))
        }),
        Told::LinkRefused(e) => reading::when_located(e, move |e| {
            studio.refuse(format!(
                "This link cannot be opened: {e}. The design you had is kept."
            ))
        }),
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
            tell(studio, Told::LinkOpened);
        }
        Some(Err(e)) => tell(studio, Told::LinkRefused(e)),
        None => {}
    }
}

/// The design in the URL fragment, if there is a share link there. The fragment is removed
/// either way, so that a reload restores the autosave (with the user's later edits) rather than
/// the link again.
fn from_fragment() -> Option<Result<Design, ReadError<LinkError>>> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    if !hash.starts_with(&format!("#{}=", link::PARAM)) {
        return None;
    }
    let result = link::read(&hash);
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
