//! The page's side of the checker: the rules, the tracer and the exporters run in a Web Worker
//! (`worker/`, answering with `hsmnet_core::service`), so that neither the page's first download
//! nor its frames carry them. Requests go out as JSON text with a number (a check with its design
//! document beside the text, see `hsmnet_core::service`); each reply is handed to the callback of
//! its number. Until the worker says it is ready, requests wait in a queue
//! (a message sent to a worker whose module is still loading would be lost).
//!
//! The messages are written and read by the lazy `codec` chunk, whose calls are async: requests
//! wait in an outbox and replies in an inbox, each emptied in order by one task at a time, so
//! requests leave and replies are handed over in the order they came.

use crate::codec;
use hsmnet_core::hashing::HashMap;
use hsmnet_core::service::{Answer, Message, Reply, Request};
use leptos::prelude::{GetValue, StoredValue};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

type Callback = Box<dyn FnOnce(Reply)>;

#[derive(Default)]
struct Channel {
    worker: Option<Worker>,
    ready: bool,
    queued: Vec<JsValue>,
    waiting: HashMap<u64, Callback>,
    /// Requests not yet written (with the design document of a check).
    outbox: VecDeque<(Message, Option<String>)>,
    /// Replies not yet read.
    inbox: VecDeque<String>,
    /// Whether a task is emptying the outbox, the inbox.
    writing: bool,
    reading: bool,
    /// Why there is no checker, once known: every request is answered with it.
    broken: Option<String>,
}

thread_local! {
    static CHANNEL: RefCell<Channel> = RefCell::new(Channel::default());
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// The worker's script (public/checker.js, beside the page).
const LOADER: &str = "checker.js";

/// Starts the worker. The studio calls it once the diagram is drawn (`Studio::drawn`): the
/// diagram does not wait for the checker's download. Requests asked before wait in the queue.
pub fn start() {
    let worker = match Worker::new(LOADER) {
        Ok(worker) => worker,
        Err(e) => return fail(format!("the checker did not start ({e:?})")),
    };
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
        if let Some(text) = event.data().as_string() {
            receive(&text);
        }
    });
    // A script or module that does not load, or a panic in the worker.
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(|_| {
        fail("the checker stopped (see the browser console)".into())
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // They live as long as the page, like the worker.
    on_message.forget();
    on_error.forget();
    CHANNEL.with_borrow_mut(|c| c.worker = Some(worker));
}

/// There is no checker (any more): every request waiting, and every later one, is answered
/// with why.
fn fail(why: String) {
    let waiting: Vec<(u64, Callback)> = CHANNEL.with_borrow_mut(|c| {
        c.broken = Some(why.clone());
        c.queued.clear();
        c.outbox.clear();
        c.waiting.drain().collect()
    });
    for (id, callback) in waiting {
        callback(refusal(id, why.clone()));
    }
}

/// Sends `request`; `answered` gets the reply, in the order requests were sent.
pub fn ask(request: Request, answered: impl FnOnce(Reply) + 'static) {
    send(request, None, answered)
}

/// Sends a [`Request::Check`] of `document` (`document::to_json`); `answered` gets the reply.
pub fn check(revision: u64, document: String, answered: impl FnOnce(Reply) + 'static) {
    send(Request::Check { revision }, Some(document), answered)
}

fn send(request: Request, document: Option<String>, answered: impl FnOnce(Reply) + 'static) {
    let id = NEXT_ID.replace(NEXT_ID.get() + 1);
    let broken = CHANNEL.with_borrow(|c| c.broken.clone());
    if let Some(why) = broken {
        answered(refusal(id, why));
        return;
    }
    let start = CHANNEL.with_borrow_mut(|c| {
        c.waiting.insert(id, Box::new(answered));
        c.outbox.push_back((Message { id, request }, document));
        !std::mem::replace(&mut c.writing, true)
    });
    if start {
        leptos::task::spawn_local(write_outbox());
    }
}

/// Writes the outbox's requests in order and posts them (or queues them until the worker is
/// ready).
async fn write_outbox() {
    while let Some((message, document)) = CHANNEL.with_borrow_mut(|c| c.outbox.pop_front()) {
        let id = message.id;
        let text = match codec::write_message(message).await {
            Ok(text) => text,
            Err(e) => {
                let callback = CHANNEL.with_borrow_mut(|c| c.waiting.remove(&id));
                if let Some(callback) = callback {
                    callback(refusal(
                        id,
                        format!("the request could not be written ({e})"),
                    ));
                }
                continue;
            }
        };
        let message = match document {
            Some(document) => {
                js_sys::Array::of2(&JsValue::from_str(&text), &JsValue::from_str(&document)).into()
            }
            None => JsValue::from_str(&text),
        };
        CHANNEL.with_borrow_mut(|c| match (&c.worker, c.ready) {
            (Some(worker), true) => {
                let _ = worker.post_message(&message);
            }
            _ => c.queued.push(message),
        });
    }
    CHANNEL.with_borrow_mut(|c| c.writing = false);
}

/// Sends `request` about the open design, whose current revision `revision` holds: an answer
/// about an older revision (the checker had not yet been sent the latest edit) is asked again,
/// so `answered` only hears about the design as it is.
pub fn ask_current(
    revision: StoredValue<u64>,
    request: Request,
    answered: impl FnOnce(Answer) + 'static,
) {
    let again = request.clone();
    ask(request, move |reply| {
        // The asker may be gone by the time the checker answers.
        let Some(current) = revision.try_get_value() else {
            return;
        };
        // Revision 0 is no design at all: the refusal of a checker that is not there.
        if reply.revision != 0 && reply.revision < current {
            ask_current(revision, again, answered);
        } else {
            answered(reply.answer);
        }
    });
}

/// Says that an answer is not one to the question asked (a bug, but not a reason to panic).
pub fn unexpected(answer: &Answer) -> String {
    format!(
        "the checker gave an answer of another kind ({})",
        answer.kind()
    )
}

fn receive(text: &str) {
    if text == "ready" {
        CHANNEL.with_borrow_mut(|c| {
            c.ready = true;
            if let Some(worker) = &c.worker {
                for queued in c.queued.drain(..) {
                    let _ = worker.post_message(&queued);
                }
            }
        });
        return;
    }
    let start = CHANNEL.with_borrow_mut(|c| {
        c.inbox.push_back(text.to_string());
        !std::mem::replace(&mut c.reading, true)
    });
    if start {
        leptos::task::spawn_local(read_inbox());
    }
}

/// Reads the inbox's replies in order and hands each to the callback of its number.
async fn read_inbox() {
    while let Some(text) = CHANNEL.with_borrow_mut(|c| c.inbox.pop_front()) {
        let Some(reply) = codec::read_reply(text).await else {
            continue;
        };
        // Taken out before it runs: a callback may send the next request.
        let callback = CHANNEL.with_borrow_mut(|c| c.waiting.remove(&reply.id));
        if let Some(callback) = callback {
            callback(reply);
        }
    }
    CHANNEL.with_borrow_mut(|c| c.reading = false);
}

fn refusal(id: u64, message: String) -> Reply {
    Reply {
        id,
        revision: 0,
        ms: 0.0,
        answer: Answer::Refused { message },
    }
}
