//! The studio's checker, in a Web Worker: answers the page's requests (JSON text, one message
//! each) with `hsmnet_core::service::Service`, in the order they come. It holds no logic of its
//! own, so that everything it answers is tested natively in core.

use hsmnet_core::service::Service;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let clock = scope.performance();
    let service = RefCell::new(Service::default());
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        // A message is its JSON text, or the text and the design document that comes with it
        // (a check): two strings, so that the document is not escaped inside the JSON.
        let data = event.data();
        let (text, document) = match data.dyn_ref::<js_sys::Array>() {
            Some(parts) => (parts.get(0).as_string(), parts.get(1).as_string()),
            None => (data.as_string(), None),
        };
        let now = || clock.as_ref().map_or(0.0, |c| c.now());
        let reply = service.borrow_mut().handle(
            &text.unwrap_or_default(),
            &document.unwrap_or_default(),
            now,
        );
        // A page that went away cannot be told anything.
        let _ = reply_to.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its handler.
    on_message.forget();
    // Tells the page the checker is ready: it sends nothing before, so no request is lost
    // while the module loads.
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
