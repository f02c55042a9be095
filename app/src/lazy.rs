//! A lazy chunk's function called without waiting. A `wasm_split` function is async: its first
//! call loads its chunk. Once its loader has loaded, its future is ready at the first poll, so a
//! question asked on every pointer move or every redraw (where a dragged palette item would go,
//! how a traced flow is drawn) can be answered at once. Before that, it is not polled at all:
//! a poll would start a load and drop it half way.

use std::future::Future;
use std::task::{Context, Poll, Waker};

/// The answer of `call` (a split function's future) if its chunk has `loaded`, else `None`.
pub fn now<T>(loaded: bool, call: impl Future<Output = T>) -> Option<T> {
    if !loaded {
        return None;
    }
    let mut call = std::pin::pin!(call);
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(answer) => Some(answer),
        Poll::Pending => None,
    }
}
