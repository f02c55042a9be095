//! `hsmnet trace`: follow one flow through a design, hop by hop, out and back.

use crate::input::load_design;
use crate::output::{self, visible_lines};
use crate::Format;
use hsmnet_core::model::Protocol;
use hsmnet_core::trace::{Endpoint, Hop, Leg, Network, Packet, Verdict};
use hsmnet_core::{Design, Id};
use serde::Serialize;
use std::process::ExitCode;

/// The transport protocols a trace takes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceProtocol {
    Tcp,
    Udp,
}

impl From<TraceProtocol> for Protocol {
    fn from(p: TraceProtocol) -> Protocol {
        match p {
            TraceProtocol::Tcp => Protocol::Tcp,
            TraceProtocol::Udp => Protocol::Udp,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct ElementOut {
    id: u32,
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
struct HopOut<'a> {
    leg: Leg,
    elements: Vec<ElementOut>,
    packet: Packet,
    decision: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<&'a str>,
}

#[derive(Serialize)]
struct TraceOut<'a> {
    file: &'a str,
    design: &'a str,
    from: &'a str,
    from_address: String,
    to: &'a str,
    to_address: String,
    protocol: Protocol,
    port: u16,
    connects_to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy: Option<ElementOut>,
    delivered: bool,
    verdict: &'a Verdict,
    /// The device that broke the flow before the hop that dropped it.
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<CauseOut<'a>>,
    /// The load balancer's other sessions, when they get through another backend.
    #[serde(skip_serializing_if = "Option::is_none")]
    other_sessions: Option<OtherSessionsOut<'a>>,
    hops: Vec<HopOut<'a>>,
}

#[derive(Serialize)]
struct CauseOut<'a> {
    hop: usize,
    element: ElementOut,
    reason: &'a str,
}

#[derive(Serialize)]
struct OtherSessionsOut<'a> {
    balancer: ElementOut,
    failing: ElementOut,
    delivering: ElementOut,
    note: &'a str,
}

pub(crate) fn element(design: &Design, id: Id) -> ElementOut {
    let (kind, name) = match design.describe(id) {
        Some((kind, name)) => (kind.label(), name.to_string()),
        None => ("unknown", id.to_string()),
    };
    ElementOut {
        id: id.0,
        kind,
        name,
    }
}

fn hop_out<'a>(design: &Design, hop: &'a Hop) -> HopOut<'a> {
    HopOut {
        leg: hop.leg,
        elements: hop.elements.iter().map(|id| element(design, *id)).collect(),
        packet: hop.packet,
        decision: &hop.decision,
        by: hop.by.as_deref(),
    }
}

pub fn run(
    file: &str,
    from: &str,
    to: &str,
    protocol: TraceProtocol,
    port: Option<u16>,
    format: Format,
) -> ExitCode {
    let design = match load_design(file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let endpoint = |flag: &str, text: &str| {
        Endpoint::parse(&design, text).map_err(|e| format!("--{flag}: {e}"))
    };
    let traced = endpoint("from", from).and_then(|f| {
        endpoint("to", to).and_then(|t| {
            let port = port.unwrap_or_else(|| t.default_port(&design));
            Network::new(&design)
                .trace(f, t, protocol.into(), port)
                .map_err(|e| e.to_string())
        })
    });
    let t = match traced {
        Ok(t) => t,
        Err(message) => return output::fail(&message),
    };
    let text = match format {
        // Names are the design's text: made visible, so that none can act on the terminal.
        Format::Text => visible_lines(&t.to_string()).into_owned(),
        Format::Json => {
            let out = TraceOut {
                file,
                design: &design.name,
                from: &t.from,
                from_address: t.from_address.to_string(),
                to: &t.to,
                to_address: t.to_address.to_string(),
                protocol: t.protocol,
                port: t.port,
                connects_to: t.connects_to.to_string(),
                proxy: t.proxy.map(|id| element(&design, id)),
                delivered: t.delivered(),
                verdict: &t.verdict,
                cause: t.cause.as_ref().map(|c| CauseOut {
                    hop: c.hop,
                    element: element(&design, c.element),
                    reason: &c.reason,
                }),
                other_sessions: t.other_sessions.as_ref().map(|o| OtherSessionsOut {
                    balancer: element(&design, o.balancer),
                    failing: element(&design, o.failing),
                    delivering: element(&design, o.delivering),
                    note: &o.note,
                }),
                hops: t.hops.iter().map(|h| hop_out(&design, h)).collect(),
            };
            let mut text = serde_json::to_string_pretty(&out).expect("a trace serialises");
            text.push('\n');
            text
        }
    };
    let code = if t.delivered() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    output::print(&text, code)
}
