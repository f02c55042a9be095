//! The flow the user is tracing: its two ends and port as typed, and the trace core computes for
//! them on the open design. The trace is a memo, so it follows every edit: fix the design and the
//! path on the canvas turns whole.

use crate::state::Studio;
use hsmnet_core::azure::ports::LUNA_NTLS_PORT;
use hsmnet_core::model::Protocol;
use hsmnet_core::trace::{self, Endpoint, Trace};
use leptos::prelude::*;

/// Handed to the trace panel and the canvas through context.
#[derive(Clone, Copy)]
pub struct Tracing {
    /// The source as typed: a name (site, point-to-site connection, subnet, HSM) or an address.
    pub from: RwSignal<String>,
    /// The destination as typed: an HSM's name or an address.
    pub to: RwSignal<String>,
    pub port: RwSignal<u16>,
    /// Nothing until both ends are given; then the trace, or why an end names nothing.
    pub result: Memo<Option<Result<Trace, String>>>,
    /// The hop under the pointer (or the keyboard) in the hop list or on the canvas: both
    /// highlight it.
    pub hovered: RwSignal<Option<usize>>,
}

impl Tracing {
    pub fn new(studio: Studio) -> Self {
        let from = RwSignal::new(String::new());
        let to = RwSignal::new(String::new());
        let port = RwSignal::new(LUNA_NTLS_PORT);
        let result = Memo::new(move |_| {
            let (from, to, port) = (from.get(), to.get(), port.get());
            if from.trim().is_empty() || to.trim().is_empty() {
                return None;
            }
            Some(studio.with_design(|design| {
                let source = Endpoint::parse(design, &from).map_err(|e| format!("From: {e}"))?;
                let target = Endpoint::parse(design, &to).map_err(|e| format!("To: {e}"))?;
                trace::trace(design, source, target, Protocol::Tcp, port).map_err(|e| e.to_string())
            }))
        });
        Tracing {
            from,
            to,
            port,
            result,
            hovered: RwSignal::new(None),
        }
    }

    /// The trace being shown, if both ends name something.
    pub fn shown(&self) -> Option<Trace> {
        self.result.get().and_then(Result::ok)
    }

    /// Stops tracing: the canvas drops the path.
    pub fn clear(&self) {
        self.from.set(String::new());
        self.to.set(String::new());
    }
}
