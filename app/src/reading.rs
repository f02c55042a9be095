//! Design documents as the page reads them: `document::read` and `link::read`, plain serde_json,
//! in the page's own code; when one refuses a field, the path-tracking reader that names it
//! (`Unlocated::locate`, serde_path_to_error, about 170 KB of wasm) comes from a lazy chunk, and
//! the message follows as soon as it has.

use hsmnet_core::document::{LoadError, ReadError, Unlocated};
use leptos::prelude::*;

/// Hands `show` the error with its place: at once when reading knew it, else once the lazy
/// chunk has located the field (the same error `document::load` or `link::decode` gives).
pub fn when_located<E>(error: ReadError<E>, show: impl FnOnce(E) + 'static)
where
    E: From<LoadError> + 'static,
{
    match error {
        ReadError::Located(e) => show(e),
        ReadError::Unlocated(unlocated) => {
            leptos::task::spawn_local(async move { show(locate(unlocated).await.into()) })
        }
    }
}

/// The field of a refused document, named. Lazy: the path-tracking reader is a chunk of its
/// own (see scripts/split-wasm).
#[lazy]
pub(crate) fn locate(unlocated: Unlocated) -> LoadError {
    unlocated.locate()
}
