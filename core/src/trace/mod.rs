//! Flow tracing: can this client reach that HSM on TCP 1792, and if not, at which hop and why.
//!
//! [`trace`] follows one flow through a design the way Azure would carry it, before anything is
//! deployed: the effective routes of each subnet ([`routes`]), NSGs with Azure's default rules
//! ([`nsg`]), Azure Firewall network rules ([`firewall`]), the internal load balancer in front
//! of an NVA proxy tier ([`balancer`]), NVAs (IP forwarding, SNAT), gateways and their
//! connections, and the HSM's own checks (it listens on TCP 1792 and 22; NTLS client IP
//! checking refuses a client whose address was translated on the way). Then it follows the
//! reply back, which must pass every stateful device the request passed.
//!
//! A [`Trace`] lists every [`Hop`] out and back, each naming the elements it happened at (for the
//! canvas), what was done and the route or rule that decided, and ends in a [`Verdict`]. When the
//! flow is dropped, the verdict gives the hop and the reason in plain words.
//!
//! Tracing many flows over one design (as `hsm-reachable` does) shares a [`Network`]: the
//! per-design lookups and each subnet's effective routes are computed once.
//!
//! ```
//! use hsmnet_core::presets::{self, Size};
//! use hsmnet_core::trace::{trace, Endpoint, Verdict};
//! use hsmnet_core::model::Protocol;
//!
//! let design = presets::build("hub-nva-proxy", &Size::default()).unwrap();
//! let from = Endpoint::parse(&design, "spoke-1/workload").unwrap();
//! let to = Endpoint::parse(&design, "hsm1").unwrap();
//! let t = trace(&design, from, to, Protocol::Tcp, 1792).unwrap();
//! assert_eq!(t.verdict, Verdict::Delivered);
//! ```

mod balancer;
mod dns;
mod endpoint;
pub(crate) mod firewall;
mod network;
pub(crate) mod nsg;
pub mod routes;
mod walk;

pub use endpoint::{Endpoint, EndpointError};
pub use network::{Device, Network, PrefixRoutes, SubnetRoutes};
pub use routes::{EffectiveRoute, NextHopType, RouteSet, RouteSource, RouteState, VnetScope};

use crate::model::{Design, Id, Protocol};
use dns::Resolution;
pub use dns::NAME_RESOLUTION;
use endpoint::{locate, Located, DESTINATION, SOURCE};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use std::fmt;
use std::net::Ipv4Addr;
use walk::Walk;

/// Luna's NTLS port: every HSM client connects to it (defined in [`crate::azure::ports`]).
pub use crate::azure::ports::LUNA_NTLS_PORT;

/// Which way a hop carries the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    /// The request, from the client to the destination.
    Out,
    /// The reply, back to the client.
    Back,
}

/// A packet's addresses and destination port as a hop sees it (a reply keeps the service port).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Packet {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub port: u16,
}

/// One step of a flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub leg: Leg,
    /// Where it happened, for the canvas: subnet and VNet, peering, gateway, connection,
    /// firewall, load balancer, NVA, NSG, route table, HSM, site.
    pub elements: Vec<Id>,
    /// The packet as it reached this hop.
    pub packet: Packet,
    /// What was done, in words.
    pub decision: String,
    /// The route or rule that decided, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// How a flow ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Verdict {
    /// The request arrived and the reply came back.
    Delivered,
    /// Dropped at `hop` (an index into [`Trace::hops`]) for `reason`.
    Dropped { hop: usize, reason: String },
}

/// A traced flow, out and back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// The source in words, with its address.
    pub from: String,
    pub from_address: Ipv4Addr,
    /// The destination in words, with its address.
    pub to: String,
    pub to_address: Ipv4Addr,
    pub protocol: Protocol,
    pub port: u16,
    /// The address the client opens its session to: the destination, or the frontend of the
    /// load balancer whose NVA proxy tier forwards to it.
    pub connects_to: Ipv4Addr,
    /// That load balancer, when the flow goes through a proxy tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Id>,
    pub hops: Vec<Hop>,
    pub verdict: Verdict,
    /// When the flow is dropped: an earlier hop whose device broke it (an NVA that does not
    /// SNAT), the root cause of the drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// When this session is dropped but the load balancer on its way gives the client's other
    /// sessions to another healthy backend that delivers them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_sessions: Option<OtherSessions>,
}

/// A load balancer whose backends do not all work: the client's sessions succeed or fail by
/// the backend they are given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherSessions {
    pub balancer: Id,
    /// The backend of the traced session, which fails.
    pub failing: Id,
    /// A backend that delivers.
    pub delivering: Id,
    /// The same, in words.
    pub note: String,
}

/// The device whose state made a flow fail further on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    /// An index into [`Trace::hops`].
    pub hop: usize,
    pub element: Id,
    pub reason: String,
}

/// Whether a flow gets there and back, as [`Network::reach`] answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reach {
    /// The session the client opens is delivered.
    pub delivered: bool,
    /// It is not, but the load balancer on its way gives other sessions of the client to a
    /// backend that delivers them: the client works some of the time.
    pub partly: bool,
    /// How many hops the flow got through (all of them when delivered): where it broke, to
    /// pick the most telling of several failures.
    pub depth: usize,
    /// The first load balancer passed: its id, how many healthy backends it spreads sessions
    /// over, and the one that took this session.
    pub spread: Option<(Id, usize, Id)>,
}

impl Trace {
    pub fn delivered(&self) -> bool {
        self.verdict == Verdict::Delivered
    }

    /// The hop where the flow was dropped.
    pub fn failing_hop(&self) -> Option<&Hop> {
        match &self.verdict {
            Verdict::Dropped { hop, .. } => self.hops.get(*hop),
            Verdict::Delivered => None,
        }
    }

    /// Every element along the path, once each, in the order first met: what the canvas draws.
    pub fn elements(&self) -> Vec<Id> {
        let mut out: Vec<Id> = Vec::new();
        for id in self.hops.iter().flat_map(|h| &h.elements) {
            if !out.contains(id) {
                out.push(*id);
            }
        }
        out
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "trace {} -> {} on {}",
            self.from,
            self.to,
            nsg::port_label(self.protocol, self.port)
        )?;
        if self.connects_to != self.to_address {
            writeln!(
                f,
                "the client connects to the proxy frontend {}",
                self.connects_to
            )?;
        }
        let mut leg = None;
        for (i, hop) in self.hops.iter().enumerate() {
            if leg != Some(hop.leg) {
                leg = Some(hop.leg);
                writeln!(
                    f,
                    "{}:",
                    match hop.leg {
                        Leg::Out => "out",
                        Leg::Back => "back",
                    }
                )?;
            }
            write!(
                f,
                "  {:>2}. [{} -> {}:{}] {}",
                i + 1,
                hop.packet.src,
                hop.packet.dst,
                hop.packet.port,
                hop.decision
            )?;
            match &hop.by {
                Some(by) => writeln!(f, "  ({by})")?,
                None => writeln!(f)?,
            }
        }
        match &self.verdict {
            Verdict::Delivered => writeln!(f, "verdict: delivered, out and back")?,
            Verdict::Dropped { hop, reason } => {
                writeln!(f, "verdict: dropped at hop {}: {reason}", hop + 1)?
            }
        }
        if let Some(cause) = &self.cause {
            writeln!(f, "cause: hop {}: {}", cause.hop + 1, cause.reason)?;
        }
        if let Some(other) = &self.other_sessions {
            writeln!(f, "other sessions: {}", other.note)?;
        }
        Ok(())
    }
}

/// Traces a flow over a design: see the module documentation. Fails only when an endpoint
/// names nothing that can send or receive.
pub fn trace(
    design: &Design,
    from: Endpoint,
    to: Endpoint,
    protocol: Protocol,
    port: u16,
) -> Result<Trace, EndpointError> {
    Network::new(design).trace(from, to, protocol, port)
}

/// The most proxy frontends a flow to one HSM tries.
pub const MAX_PROXIES: usize = 2;

/// The most healthy backends of one load balancer tried when the session a client opens
/// fails, to tell a broken backend from a broken path.
pub const MAX_BACKENDS: usize = 4;

/// One attempt at a flow to one address.
struct Attempt<'n, 'd> {
    walk: Walk<'n, 'd>,
    delivered: bool,
    connects_to: Ipv4Addr,
    proxy: Option<Id>,
    /// When this session fails: another backend of the load balancer passed that delivers.
    other_backend: Option<Id>,
}

impl<'d> Network<'d> {
    /// Traces a flow; see [`trace`].
    pub fn trace(
        &self,
        from: Endpoint,
        to: Endpoint,
        protocol: Protocol,
        port: u16,
    ) -> Result<Trace, EndpointError> {
        self.trace_session(from, to, protocol, port, 0)
    }

    /// Traces one of the client's sessions: where a load balancer spreads sessions over its
    /// healthy backends, session `k` goes to the `k`-th after the one the client's first
    /// session goes to.
    pub fn trace_session(
        &self,
        from: Endpoint,
        to: Endpoint,
        protocol: Protocol,
        port: u16,
        session: usize,
    ) -> Result<Trace, EndpointError> {
        let (source, target) = self.ends(from, to, true)?;
        let best = self.attempts(&source, &target, protocol, port, true, session);
        let dropped_at = best.walk.dropped.as_ref().map(|(hop, _)| *hop);
        let cause = match (&best.walk.cause, dropped_at) {
            (Some((hop, element, reason)), Some(at)) if *hop < at => Some(Cause {
                hop: *hop,
                element: *element,
                reason: reason.clone(),
            }),
            _ => None,
        };
        let other_sessions = match (best.walk.spread, best.other_backend) {
            (Some((balancer, _, failing)), Some(delivering)) => Some(OtherSessions {
                balancer,
                failing,
                delivering,
                note: format!(
                    "{} gives this session to {}, where it fails, and others to {}, which \
                     delivers them",
                    self.name(balancer),
                    self.name(failing),
                    self.name(delivering)
                ),
            }),
            _ => None,
        };
        let verdict = match (&best.walk.dropped, best.delivered) {
            (Some((hop, reason)), _) => Verdict::Dropped {
                hop: *hop,
                reason: reason.clone(),
            },
            (None, true) => Verdict::Delivered,
            (None, false) => Verdict::Dropped {
                hop: best.walk.hops.len().saturating_sub(1),
                reason: "the flow was lost".into(),
            },
        };
        Ok(Trace {
            from: source.label.clone(),
            from_address: source.address,
            to: target.label.clone(),
            to_address: target.address,
            protocol,
            port,
            connects_to: best.connects_to,
            proxy: best.proxy,
            hops: best.walk.hops,
            verdict,
            cause,
            other_sessions,
        })
    }

    /// Whether a flow gets there and back by some path (all of its sessions, or some when a
    /// load balancer on the way has a broken backend), without recording words: the fast form
    /// of [`Network::trace`] for counting reachable pairs.
    pub fn reaches(
        &self,
        from: Endpoint,
        to: Endpoint,
        protocol: Protocol,
        port: u16,
    ) -> Result<bool, EndpointError> {
        self.reach(from, to, protocol, port)
            .map(|r| r.delivered || r.partly)
    }

    /// Whether a flow gets there and back, partly or not at all, and how far it got.
    pub fn reach(
        &self,
        from: Endpoint,
        to: Endpoint,
        protocol: Protocol,
        port: u16,
    ) -> Result<Reach, EndpointError> {
        self.reach_session(from, to, protocol, port, 0)
    }

    /// Like [`Network::reach`] for one of the client's sessions (see
    /// [`Network::trace_session`]).
    pub fn reach_session(
        &self,
        from: Endpoint,
        to: Endpoint,
        protocol: Protocol,
        port: u16,
        session: usize,
    ) -> Result<Reach, EndpointError> {
        let (source, target) = self.ends(from, to, false)?;
        let best = self.attempts(&source, &target, protocol, port, false, session);
        Ok(Reach {
            delivered: best.delivered,
            partly: best.other_backend.is_some(),
            depth: best.walk.steps,
            spread: best.walk.spread,
        })
    }

    /// Where a flow starts and ends, each error naming the endpoint it is about.
    fn ends(
        &self,
        from: Endpoint,
        to: Endpoint,
        explain: bool,
    ) -> Result<(Located, Located), EndpointError> {
        let source = locate(self, from, explain).map_err(|e| e.at(SOURCE))?;
        let target = locate(self, to, explain).map_err(|e| e.at(DESTINATION))?;
        Ok((source, target))
    }

    /// Tries the ways a client may be configured to reach the destination, the intended one
    /// first: for an HSM, the frontends of load balancers in front of NVAs (a proxy tier the
    /// client may use) and the HSM's own address. Returns the first that is delivered, else
    /// the intended one, so that a failure is explained on the path the design means, not on
    /// a direct path that was never meant to work.
    fn attempts<'n>(
        &'n self,
        source: &Located,
        target: &Located,
        protocol: Protocol,
        port: u16,
        explain: bool,
        session: usize,
    ) -> Attempt<'n, 'd> {
        if let Some(cluster) = target.cluster {
            return self.cloud_hsm_attempt(source, cluster, protocol, port, explain);
        }
        let mut intended: Option<Attempt<'n, 'd>> = None;
        for (connects_to, proxy) in self.entries(source, target) {
            let entry = (connects_to, proxy);
            let mut attempt = self.attempt(source, target, entry, protocol, port, explain, session);
            if attempt.delivered {
                return attempt;
            }
            // The session went to a backend that fails: do the client's other sessions, which
            // the load balancer gives to its other healthy backends, get through?
            if let Some((_, healthy, _)) = attempt.walk.spread {
                for offset in 1..healthy.min(MAX_BACKENDS) {
                    let other = self.attempt(
                        source,
                        target,
                        entry,
                        protocol,
                        port,
                        false,
                        session + offset,
                    );
                    if other.delivered {
                        attempt.other_backend = other.walk.spread.map(|(_, _, backend)| backend);
                        return attempt;
                    }
                }
            }
            intended.get_or_insert(attempt);
        }
        intended.expect("there is always one entry")
    }

    /// Where a flow to `target` may enter, the intended entry first. The HSM's own address is
    /// intended when the client sits in the HSM's VNet or one peered with it, or when no proxy
    /// tier exists; otherwise the proxies in (or peered with) the HSM's VNet come first. At
    /// most [`MAX_PROXIES`] proxies are tried, so the cost of a trace does not grow with the
    /// number of load balancers.
    fn entries(
        &self,
        source: &Located,
        target: &Located,
    ) -> SmallVec<[(Ipv4Addr, Option<Id>); MAX_PROXIES + 1]> {
        let direct = (target.address, None);
        let Some(hsm_slot) = target
            .hsm
            .and_then(|h| self.hsm(h))
            .and_then(|h| self.slot_of_subnet(h.subnet))
        else {
            return smallvec::smallvec![direct];
        };
        let proxies = self.proxies_for(hsm_slot);
        let source_near = match source.place {
            endpoint::Place::Subnet(s) => self.slot_of_subnet(s).is_some_and(|slot| {
                slot == hsm_slot || self.peering_between(slot, hsm_slot).is_some()
            }),
            _ => false,
        };
        let mut out = SmallVec::new();
        if source_near || proxies.is_empty() {
            out.push(direct);
        }
        out.extend(proxies.iter().map(|&(ip, lb)| (ip, Some(lb))));
        if !out.contains(&direct) {
            out.push(direct);
        }
        out
    }

    /// A flow to a Cloud HSM cluster: its name resolves (a hop of its own) to the address of
    /// a private endpoint, where the flow then goes.
    fn cloud_hsm_attempt<'n>(
        &'n self,
        source: &Located,
        cluster: Id,
        protocol: Protocol,
        port: u16,
        explain: bool,
    ) -> Attempt<'n, 'd> {
        let resolution = self.resolve_cloud_hsm(source.place, cluster, explain);
        let connects_to = match &resolution {
            Resolution::Resolved { address, .. } => *address,
            Resolution::Failed { .. } => Ipv4Addr::UNSPECIFIED,
        };
        let mut walk = Walk::new(self, explain, protocol, port, source.address, connects_to);
        let request = Packet {
            src: source.address,
            dst: connects_to,
            port,
        };
        let attempt = |walk: Walk<'n, 'd>, delivered| Attempt {
            walk,
            delivered,
            connects_to,
            proxy: None,
            other_backend: None,
        };
        match resolution {
            Resolution::Failed { elements, reason } => {
                walk.drop_at(
                    &elements,
                    request,
                    |_| reason,
                    |_| Some(NAME_RESOLUTION.into()),
                );
                attempt(walk, false)
            }
            Resolution::Resolved {
                address,
                endpoint,
                zone,
                vnet,
            } => {
                walk.hop(
                    &[zone, vnet],
                    request,
                    |w| {
                        format!(
                            "resolves the node names of {} in private DNS zone {} (linked to {}) \
                             to {address}, the address of private endpoint {}",
                            w.net_name(cluster),
                            w.net_name(zone),
                            w.net_name(vnet),
                            w.net_name(endpoint)
                        )
                    },
                    |_| Some(NAME_RESOLUTION.into()),
                );
                let delivered = match walk.out(source.place, source.element, request) {
                    Some((place, arrived)) => walk.back(place, arrived, connects_to, source.place),
                    None => false,
                };
                attempt(walk, delivered)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn attempt<'n>(
        &'n self,
        source: &Located,
        target: &Located,
        (connects_to, proxy): (Ipv4Addr, Option<Id>),
        protocol: Protocol,
        port: u16,
        explain: bool,
        backend_offset: usize,
    ) -> Attempt<'n, 'd> {
        let mut walk = Walk::new(
            self,
            explain,
            protocol,
            port,
            source.address,
            target.address,
        );
        walk.backend_offset = backend_offset;
        let request = Packet {
            src: source.address,
            dst: connects_to,
            port,
        };
        let delivered = match walk.out(source.place, source.element, request) {
            Some((place, arrived)) => walk.back(place, arrived, connects_to, source.place),
            None => false,
        };
        Attempt {
            walk,
            delivered,
            connects_to,
            proxy,
            other_backend: None,
        }
    }
}
