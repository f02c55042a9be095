//! The flow the user is tracing: its two ends and port as typed, and the trace the checker
//! worker computes for them on the open design. It is asked again on every edit, so it follows
//! the design: fix the design and the path on the canvas turns whole.

use crate::checker;
use crate::components::load_trace_drawing;
use crate::state::Studio;
use hsmnet_core::service::{Answer, Request};
use hsmnet_core::trace::Trace;
use leptos::prelude::*;

/// Handed to the trace panel and the canvas through context.
#[derive(Clone, Copy)]
pub struct Tracing {
    /// The source as typed: a name (site, point-to-site connection, subnet, HSM) or an address.
    pub from: RwSignal<String>,
    /// The destination as typed: an HSM's name or an address.
    pub to: RwSignal<String>,
    /// The port typed; `None`: the port the destination listens on (`Endpoint::default_port`,
    /// which the checker applies: 1792 for a Luna HSM, 2225 for a Cloud HSM cluster, …).
    pub port: RwSignal<Option<u16>>,
    /// Nothing until both ends are given; then the trace, or why an end names nothing.
    pub result: RwSignal<Option<Result<Trace, String>>>,
    /// The hop under the pointer (or the keyboard) in the hop list or on the canvas: both
    /// highlight it.
    pub hovered: RwSignal<Option<usize>>,
}

impl Tracing {
    pub fn new(studio: Studio) -> Self {
        let from = RwSignal::new(String::new());
        let to = RwSignal::new(String::new());
        let port = RwSignal::new(None);
        let result = RwSignal::new(None);
        // Numbers the questions: only the answer to the last one is shown.
        let asked = StoredValue::new(0u64);
        Effect::new(move |_| {
            let (from, to, port) = (from.get(), to.get(), port.get());
            studio.history.track();
            let question = asked.get_value() + 1;
            asked.set_value(question);
            if from.trim().is_empty() || to.trim().is_empty() {
                result.set(None);
                return;
            }
            let request = Request::Trace { from, to, port };
            checker::ask_current(studio.revision, request, move |answer| {
                let answer = match answer {
                    Answer::Traced { trace } => Ok(trace),
                    Answer::Refused { message } => Err(message),
                    other => Err(checker::unexpected(&other)),
                };
                // Shown once the canvas can draw it: its layout is a lazy chunk.
                leptos::task::spawn_local(async move {
                    load_trace_drawing().await;
                    if asked.try_get_value() == Some(question) {
                        result.try_set(Some(answer));
                    }
                });
            });
        });
        Tracing {
            from,
            to,
            port,
            result,
            hovered: RwSignal::new(None),
        }
    }

    /// The port of the flow as it is traced: the one typed, else the port of the trace shown
    /// (the destination's).
    pub fn port_shown(&self) -> Option<u16> {
        self.port.get().or_else(|| match self.result.get() {
            Some(Ok(trace)) => Some(trace.port),
            _ => None,
        })
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
