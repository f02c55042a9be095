//! What the page does when its Rust code panics. The page is built with `panic = "abort"`: after
//! a panic nothing on it answers any more. The likeliest cause is not a bug but a lazy chunk that
//! cannot be fetched (the studio was redeployed, or the network went, while the page was open),
//! which `wasm_split` turns into a panic. So besides the details in the console, the page says
//! so in a modal dialog over everything, and that a reload opens the design as last autosaved
//! (every change is autosaved as it is made).

use std::panic;
use wasm_bindgen::JsCast;

const MESSAGE: &str = "The studio stopped: part of it could not be loaded, or an internal error \
    occurred (the details are in the browser's console). Reload the page to go on: it opens \
    the design as it was last autosaved.";
const RELOAD: &str = "Reload the studio";

/// Installs the panic hook: the console's report, then the dialog.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        tell_stopped();
    }));
}

/// Puts the dialog on the page, once, with plain DOM calls: the page's own state may be what
/// panicked.
fn tell_stopped() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id("stopped").is_some() {
        return;
    }
    let (Ok(dialog), Ok(text), Ok(reload), Some(body)) = (
        document.create_element("dialog"),
        document.create_element("p"),
        document.create_element("a"),
        document.body(),
    ) else {
        return;
    };
    dialog.set_id("stopped");
    dialog.set_class_name("stopped");
    let _ = dialog.set_attribute("role", "alertdialog");
    let _ = dialog.set_attribute("aria-labelledby", "stopped-text");
    text.set_id("stopped-text");
    text.set_text_content(Some(MESSAGE));
    // A link to the page itself: it reloads without running any of the page's code.
    let page = document
        .location()
        .and_then(|l| Some(l.pathname().ok()? + &l.search().ok()?))
        .unwrap_or_else(|| "./".to_string());
    let _ = reload.set_attribute("href", &page);
    reload.set_class_name("button");
    reload.set_text_content(Some(RELOAD));
    let _ = dialog.append_child(&text);
    let _ = dialog.append_child(&reload);
    let _ = body.append_child(&dialog);
    if let Ok(dialog) = dialog.dyn_into::<web_sys::HtmlDialogElement>() {
        // Above any other modal dialog (the gallery) that may be open.
        let _ = dialog.show_modal();
    }
}
