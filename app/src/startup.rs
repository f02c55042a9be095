//! What the studio opens first: the design of a share link in the URL fragment (`#d=v1.…`),
//! else the autosaved design, else the first reference architecture. A link or an autosave
//! that cannot be read is reported and leaves the next choice open. Reading either waits for
//! the lazy `codec` chunk; a first visit, with neither, opens at once.

use crate::state::Studio;
use crate::{codec, reading, storage};
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

/// What the studio opens with.
pub struct Opening {
    pub design: Design,
    /// What to tell the user about how the design was chosen.
    pub told: Option<Told>,
    /// Nothing was autosaved and there was no link: the gallery opens.
    pub first_visit: bool,
}

/// The design to open and what to tell the user about how it was chosen.
pub async fn initial() -> Opening {
    let saved = storage::load();
    let fragment = take_fragment();
    let first_visit = saved.is_none() && fragment.is_none();
    let (fallback, told) = match saved {
        Some(text) => match codec::read_design(text).await {
            Ok(design) => (design, None),
            Err(e) => (Studio::first_design(), Some(Told::AutosaveRefused(e))),
        },
        None => (Studio::first_design(), None),
    };
    let (design, told) = match fragment {
        Some(fragment) => match codec::read_link(fragment).await {
            Ok(design) => (design, Some(Told::LinkOpened)),
            Err(e) => (fallback, Some(Told::LinkRefused(e))),
        },
        None => (fallback, told),
    };
    Opening {
        design,
        told,
        first_visit,
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

/// Opens a link pasted into the address bar of a running studio (the page does not reload).
pub fn on_fragment_change(studio: Studio) {
    let Some(fragment) = take_fragment() else {
        return;
    };
    leptos::task::spawn_local(async move {
        match codec::read_link(fragment).await {
            Ok(design) => {
                studio.open(design);
                tell(studio, Told::LinkOpened);
            }
            Err(e) => tell(studio, Told::LinkRefused(e)),
        }
    });
}

/// The URL fragment, if it is a share link. It is removed from the address either way, so
/// that a reload restores the autosave (with the user's later edits) rather than the link again.
fn take_fragment() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    if !hash.starts_with(&format!("#{}=", link::PARAM)) {
        return None;
    }
    let without = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without));
    }
    Some(hash)
}
