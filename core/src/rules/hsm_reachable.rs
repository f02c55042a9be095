//! `hsm-reachable`: every HSM client reaches at least one HSM on TCP 1792, out and back, as
//! the flow tracer follows it hop by hop.

use super::fixes::site_to_site_fix;
use super::wording::{client_ports, names, some_names};
use super::{Context, Finding, Rule, Severity};
use crate::addressing::overlaps;
use crate::azure::ports::LUNA_NTLS_PORT;
use crate::draw::names::{element_names, Names};
use crate::draw::new;
use crate::edit::Edit;
use crate::graph::{Link, Node};
use crate::hashing::HashSet;
use crate::model::{ConnectionKind, Id, Protocol, Vnet};
use crate::trace::{Endpoint, Leg, Network, Trace, Verdict, MAX_BACKENDS};
use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "hsm-reachable",
    severities: &[Severity::Warning],
    summary: "Every HSM client subnet and client site reaches an HSM on its client port (TCP \
              1792 for Luna, the host port for payShield), out and back.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each subnet marked as an HSM client and each on-premises site with the \
                 HSM-client role, a trace of an NTLS session (TCP 1792) to each HSM, until one \
                 gets there and back: effective routes (peering is not transitive; gateway \
                 routes and gateway transit; route tables), NSGs with Azure's default rules, \
                 Azure Firewall network rules, the internal load balancer's rule and probe, the \
                 NVAs' IP forwarding and SNAT, the HSM's NTLS client IP check, and the reply, \
                 which must pass every stateful device the request passed. A client may reach \
                 an HSM directly or through the frontend of a load balancer whose NVAs proxy to \
                 it. When none is reached, the finding gives the hop where the most promising \
                 flow was dropped and why.",
        why: "Luna clients open NTLS sessions to the HSMs on TCP 1792; payment applications \
              send payShield host commands to the host port (TCP 1500 unless the HSM is set \
              otherwise). VNet peering is not \
              transitive, the HSM subnet can carry neither NSG nor route table (replies follow \
              system routes, so only SNAT at the proxy brings them back), Azure Firewall denies \
              what no rule allows, and Luna refuses a translated client address while its IP \
              check is on. Any one of these leaves the client failing on its first connection.",
        fix: "Follow the failing hop: add the missing peering, route or rule, turn SNAT or IP \
              forwarding on, or disable the NTLS IP check behind an SNAT proxy. `hsmnet trace` \
              (and the studio's trace view) shows every hop. When the client has no path at \
              all and a suitable hub, HSM VNet or VPN gateway exists, the one-click fix adds \
              the peering or the site-to-site connection.",
        source: "Networking considerations, 'Virtual network peering', 'Networking \
                 Restrictions', 'Solution Architecture' and 'Alternative to UDRs'; VNet peering \
                 overview (peering is not transitive); Dedicated HSM troubleshooting, 'Failed \
                 TCP Communication'.",
    },
    check,
};

/// How many HSMs the check tries for each client, on average, before it stops: the clients
/// share `HSMS_PER_CLIENT` × their number (plus a floor), so a design with thousands of HSMs
/// and thousands of clients is checked in time that grows with its size, not their product.
/// A client stopped this way is said to reach none of the HSMs tried, never "no HSM".
const HSMS_PER_CLIENT: usize = 2;
const FLOOR: usize = 1024;

/// The most findings explained one by one, each with its trace and fix; the clients cut off
/// beyond them share one finding that names them.
const EXPLAINED: usize = 100;

/// The HSMs still to be tried across the clients of one check.
struct Budget {
    left: usize,
    clients_left: usize,
}

impl Budget {
    fn new(clients: usize) -> Self {
        Budget {
            left: FLOOR + HSMS_PER_CLIENT * clients,
            clients_left: clients,
        }
    }

    /// The share of the next client: at least two HSMs.
    fn next_share(&mut self) -> usize {
        let share = (self.left / self.clients_left.max(1)).max(2);
        self.clients_left = self.clients_left.saturating_sub(1);
        share
    }
}

/// Why a client reaches no HSM: the HSM whose flow got furthest (to explain), and how many
/// HSMs were tried when the budget stopped the search short.
struct Unreached {
    furthest: Option<Id>,
    tried_of: Option<(usize, usize)>,
    /// Why no flow from the client can even start (it has no address).
    cannot_start: Option<String>,
    /// The client reaches `furthest`, but only in the sessions a load balancer gives to some
    /// of its backends.
    partly: bool,
}

/// A client's session delivered through a load balancer: the balancer, its number of healthy
/// backends, the backend, and the client and HSM (to try the balancer's other backends with).
#[derive(Clone, Copy)]
struct Balanced {
    balancer: Id,
    healthy: usize,
    backend: Id,
    client: Endpoint,
    hsm: Id,
}

/// Whether `from` reaches some HSM, trying its share of the budget at most; when it does
/// through a load balancer, which backend took its session.
fn reach(
    cx: &Context,
    net: &Network,
    from: Endpoint,
    budget: &mut Budget,
) -> Result<Option<Balanced>, Unreached> {
    let share = budget.next_share();
    let mut furthest: Option<(usize, Id)> = None;
    let mut tried = 0;
    for hsm in &cx.design.hsms {
        if tried == share {
            budget.left = budget.left.saturating_sub(tried);
            return Err(Unreached {
                furthest: furthest.map(|(_, h)| h),
                tried_of: Some((tried, cx.design.hsms.len())),
                cannot_start: None,
                partly: false,
            });
        }
        tried += 1;
        match net.reach(
            from,
            Endpoint::Hsm(hsm.id),
            Protocol::Tcp,
            hsm.client_port(),
        ) {
            Ok(r) if r.delivered => {
                budget.left = budget.left.saturating_sub(tried);
                return Ok(r.spread.map(|(balancer, healthy, backend)| Balanced {
                    balancer,
                    healthy,
                    backend,
                    client: from,
                    hsm: hsm.id,
                }));
            }
            // Some sessions fail on a broken backend of a load balancer: that is the finding,
            // whatever other HSMs do (their sessions pass the same backends).
            Ok(r) if r.partly => {
                budget.left = budget.left.saturating_sub(tried);
                return Err(Unreached {
                    furthest: Some(hsm.id),
                    tried_of: None,
                    cannot_start: None,
                    partly: true,
                });
            }
            Ok(r) => {
                if furthest.is_none_or(|(d, _)| r.depth > d) {
                    furthest = Some((r.depth, hsm.id));
                }
            }
            Err(e) if e.is_source() => {
                budget.left = budget.left.saturating_sub(tried);
                return Err(Unreached {
                    furthest: None,
                    tried_of: None,
                    cannot_start: Some(e.to_string()),
                    partly: false,
                });
            }
            Err(_) => {}
        }
    }
    budget.left = budget.left.saturating_sub(tried);
    Err(Unreached {
        furthest: furthest.map(|(_, h)| h),
        tried_of: None,
        cannot_start: None,
        partly: false,
    })
}

/// "reaches no HSM", or, when the budget stopped the search, how many were tried; for a
/// client whose sessions fail on one backend only, that it loses some of them.
fn reaches_none(unreached: &Unreached, ports: &str) -> String {
    if unreached.cannot_start.is_some() {
        return "cannot be traced to any HSM".into();
    }
    if unreached.partly {
        return format!("loses some of its sessions to the HSMs on {ports}");
    }
    match unreached.tried_of {
        None => format!("reaches no HSM on {ports}"),
        Some((tried, of)) => format!(
            "reaches none of the {tried} HSMs tried (of {of}; the check tries no more per \
             client, to stay fast) on {ports}"
        ),
    }
}

/// Why `from` does not reach `hsm`, in words, with the elements of the failing hop and the
/// trace explained.
fn explain(
    cx: &Context,
    net: &Network,
    from: Endpoint,
    unreached: &Unreached,
) -> (String, Vec<Id>, Option<Trace>) {
    if let Some(why) = &unreached.cannot_start {
        return (why.clone(), Vec::new(), None);
    }
    let Some(hsm) = unreached.furthest else {
        return (
            "no HSM has an address a flow could use".into(),
            Vec::new(),
            None,
        );
    };
    let port = cx
        .index()
        .hsm(hsm)
        .map_or(LUNA_NTLS_PORT, |h| h.client_port());
    match net.trace(from, Endpoint::Hsm(hsm), Protocol::Tcp, port) {
        Ok(t) => match why_dropped(cx, hsm, &t) {
            Some((why, elements)) => (why, elements, Some(t)),
            None => (String::new(), Vec::new(), None),
        },
        Err(e) => (e.to_string(), Vec::new(), None),
    }
}

/// Why the traced flow towards `hsm` is dropped, in words, with the elements to highlight:
/// the load balancer and backend when only some of its backends fail, the device that broke
/// the flow, then the hop that dropped it. `None` when it is delivered.
fn why_dropped(cx: &Context, hsm: Id, t: &Trace) -> Option<(String, Vec<Id>)> {
    let Verdict::Dropped { hop, reason } = &t.verdict else {
        return None;
    };
    let leg = match t.hops.get(*hop).map(|h| h.leg) {
        Some(Leg::Back) => "the reply",
        _ => "the flow",
    };
    let mut elements = Vec::new();
    let mut why = format!("towards {}, ", cx.name(hsm));
    if let Some(other) = &t.other_sessions {
        why.push_str(&format!(
            "the sessions {} gives {} fail (those it gives {} get through): ",
            cx.name(other.balancer),
            cx.name(other.failing),
            cx.name(other.delivering)
        ));
        elements.extend([other.balancer, other.failing]);
    }
    // The device that broke the flow comes first: the hop that dropped it only rejects the
    // consequence.
    if let Some(cause) = &t.cause {
        why.push_str(&format!("{}; ", cause.reason));
        elements.push(cause.element);
    }
    let then = if t.cause.is_some() { " then" } else { "" };
    why.push_str(&format!(
        "{leg} is{then} dropped at hop {} of its trace: {reason}",
        hop + 1
    ));
    elements.extend(
        t.failing_hop()
            .map(|h| h.elements.clone())
            .unwrap_or_default(),
    );
    Some((why, elements))
}

/// The other backends of each load balancer that clients' sessions passed (`balanced`: the
/// first such session of each), each tried once with that client: a backend that fails loses
/// every session given to it, whichever client's (found even when no client's first session
/// lands on it). Backends already reported for some client are skipped.
fn broken_backends(
    cx: &Context,
    net: &Network,
    balanced: &[Balanced],
    mut failing: HashSet<Id>,
    out: &mut Vec<Finding>,
) {
    for b in balanced {
        let to = Endpoint::Hsm(b.hsm);
        for session in 1..b.healthy.min(MAX_BACKENDS) {
            let Ok(r) = net.reach_session(b.client, to, Protocol::Tcp, LUNA_NTLS_PORT, session)
            else {
                continue;
            };
            let Some((_, _, backend)) = r.spread else {
                continue;
            };
            if r.delivered || backend == b.backend || !failing.insert(backend) {
                continue;
            }
            let Ok(mut traced) =
                net.trace_session(b.client, to, Protocol::Tcp, LUNA_NTLS_PORT, session)
            else {
                continue;
            };
            // Said once, in the finding's opening words.
            traced.other_sessions = None;
            let Some((why, hop_elements)) = why_dropped(cx, b.hsm, &traced) else {
                continue;
            };
            let client = match b.client {
                Endpoint::Site(site) => format!("HSM client site {}", cx.name(site)),
                Endpoint::Subnet(subnet) => format!("HSM client subnet {}", net.name(subnet)),
                _ => "an HSM client".to_string(),
            };
            let mut elements = vec![b.balancer, backend];
            elements.extend(hop_elements);
            out.push(Finding::of(
                &RULE,
                format!(
                    "HSM clients lose the sessions {} gives {} on TCP {LUNA_NTLS_PORT} (those it \
                     gives {} get through; traced from {client}): {why}",
                    cx.name(b.balancer),
                    cx.name(backend),
                    cx.name(b.backend)
                ),
                dedup(elements),
            ));
        }
    }
}

/// The addresses a peering would have to bring within reach of the client subnet `subnet` of
/// `vnet` (with its route table `table`) for the flow of `trace` to go on, when the flow is
/// dropped as it leaves that subnet by its own routes alone (no NSG, no other hop): the
/// appliance its route sends the flow to, when a device answers there; else the address the
/// client connects to and the HSM's own. A flow dropped for another reason (an HSM address no
/// subnet holds, a route to an appliance nothing answers at) would be dropped the same way
/// after a peering, so none is offered for it.
fn unrouted(
    net: &Network,
    trace: Option<&Trace>,
    subnet: Id,
    vnet: Id,
    table: Option<Id>,
) -> Option<Vec<Ipv4Addr>> {
    let t = trace?;
    let hop = t.failing_hop()?;
    let own = |id: &Id| *id == subnet || *id == vnet || Some(*id) == table;
    if hop.leg != Leg::Out || hop.elements.is_empty() || !hop.elements.iter().all(own) {
        return None;
    }
    let route = net.routes_of_subnet(subnet)?.lookup(t.connects_to);
    match route.and_then(|r| r.next_hop_ip) {
        Some(appliance) => net.device_at(appliance).map(|_| vec![appliance]),
        None => Some(vec![t.connects_to, t.to_address]),
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.design.hsms.is_empty() {
        return;
    }
    // The per-design facts of the tracer, shared with every other rule of this check.
    let net = cx.network();
    let clients = cx
        .design
        .vnets
        .iter()
        .flat_map(|v| v.subnets.iter().filter(|s| s.hsm_client))
        .count()
        + cx.design
            .sites
            .iter()
            .filter(|s| s.roles.hsm_client)
            .count();
    let mut budget = Budget::new(clients);
    let found_before = out.len();
    // Computed only when some client is cut off: the fix targets and the next free id.
    let mut targets: Option<Vec<(&Vnet, bool)>> = None;
    let mut next_id: Option<Id> = None;
    let mut taken: Option<Names> = None;
    // Cut-off clients past the first `EXPLAINED` findings: named, not explained.
    let mut unexplained: Vec<Id> = Vec::new();
    // Sessions delivered through a load balancer (its other backends are tried at the end),
    // and backends already reported as failing for some client.
    let mut balanced: Vec<Balanced> = Vec::new();
    let mut balancers: HashSet<Id> = HashSet::default();
    let mut keep = |through: Option<Balanced>| {
        if let Some(b) = through.filter(|b| balancers.insert(b.balancer)) {
            balanced.push(b);
        }
    };
    let mut reported: HashSet<Id> = HashSet::default();
    for vnet in &cx.design.vnets {
        let mut cut_off: Vec<Id> = Vec::new();
        let mut first_unreached = None;
        for s in vnet.subnets.iter().filter(|s| s.hsm_client) {
            match reach(cx, net, Endpoint::Subnet(s.id), &mut budget) {
                Ok(through) => keep(through),
                Err(unreached) => {
                    if cut_off.is_empty() {
                        first_unreached = Some(unreached);
                    }
                    cut_off.push(s.id);
                }
            }
        }
        let (Some(&first), Some(unreached)) = (cut_off.first(), first_unreached) else {
            continue;
        };
        if out.len() - found_before >= EXPLAINED {
            unexplained.extend(cut_off);
            continue;
        }
        let (why, hop_elements, trace) = explain(cx, net, Endpoint::Subnet(first), &unreached);
        reported.extend(
            trace
                .as_ref()
                .and_then(|t| t.other_sessions.as_ref())
                .map(|o| o.failing),
        );
        let who = match cut_off.as_slice() {
            [one] => format!("HSM client subnet {}", cx.name(*one)),
            many => format!("HSM client subnets {}", names(cx, many)),
        };
        let message = format!(
            "{who} in {} {}: {why}",
            cx.name(vnet.id),
            reaches_none(&unreached, &client_ports(cx))
        );
        let mut elements = cut_off;
        elements.push(vnet.id);
        elements.extend(hop_elements);
        let mut finding = Finding::of(&RULE, message, dedup(elements));
        // A peering only when the client is linked to no VNet that would carry its flows
        // (see `peering_fix`): when it is, something on that way blocks them.
        let targets = targets.get_or_insert_with(|| fix_targets(cx));
        let id = *next_id.get_or_insert_with(|| cx.design.next_id());
        let taken = taken.get_or_insert_with(|| Names::new(element_names(cx.design)));
        let table = vnet
            .subnets
            .iter()
            .find(|s| s.id == first)
            .and_then(|s| s.route_table);
        let unrouted = unrouted(net, trace.as_ref(), first, vnet.id, table);
        if let Some((label, edit)) = peering_fix(cx, vnet, targets, unrouted, id, taken) {
            finding = finding.with_fix(label, edit);
        }
        out.push(finding);
    }
    for site in &cx.design.sites {
        if !site.roles.hsm_client {
            continue;
        }
        let unreached = match reach(cx, net, Endpoint::Site(site.id), &mut budget) {
            Ok(through) => {
                keep(through);
                continue;
            }
            Err(unreached) => unreached,
        };
        if out.len() - found_before >= EXPLAINED {
            unexplained.push(site.id);
            continue;
        }
        let (why, hop_elements, trace) = explain(cx, net, Endpoint::Site(site.id), &unreached);
        reported.extend(
            trace
                .as_ref()
                .and_then(|t| t.other_sessions.as_ref())
                .map(|o| o.failing),
        );
        let message = format!(
            "HSM client site {} {}: {why}",
            cx.name(site.id),
            reaches_none(&unreached, &client_ports(cx))
        );
        let mut elements = vec![site.id];
        elements.extend(hop_elements);
        let mut finding = Finding::of(&RULE, message, dedup(elements));
        // A connection only when the site has none that carries traffic: when it has one,
        // something on that way blocks the flow.
        if !linked_to_azure(cx, site.id) {
            let id = *next_id.get_or_insert_with(|| cx.design.next_id());
            if let Some((label, edit)) = site_to_site_fix(cx, site, id) {
                finding = finding.with_fix(label, edit);
            }
        }
        out.push(finding);
    }
    broken_backends(cx, net, &balanced, reported, out);
    if !unexplained.is_empty() {
        out.push(Finding::of(
            &RULE,
            format!(
                "{} more HSM clients reach no HSM on {}, or lose some of their sessions \
                 (only the first {EXPLAINED} findings are traced and explained; fix those and \
                 check again): {}",
                unexplained.len(),
                client_ports(cx),
                // Subnets with their VNet: subnet names repeat.
                some_names(&unexplained, 5, |id| net.name(id))
            ),
            unexplained,
        ));
    }
}

/// The ids in their order, each once.
fn dedup(ids: Vec<Id>) -> Vec<Id> {
    let mut seen = crate::hashing::HashSet::default();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

/// How many flows from a hub's NVAs to the HSMs near it [`fix_targets`] traces: enough for
/// NSGs that admit HSMs one by one, and few enough that a design with thousands stays linear.
const TRIED: usize = 8;

/// VNets a cut-off VNet could be peered with, in design order: hubs whose NVA proxy tier (NVAs
/// behind a load balancer of the hub) reaches an HSM of the hub or of a VNet linked to it, as
/// the flow tracer finds from the NVAs (first), then HSM VNets without such a tier; `true`
/// marks a hub.
fn fix_targets<'d>(cx: &Context<'d>) -> Vec<(&'d Vnet, bool)> {
    let net = cx.network();
    let facts = cx.index();
    let mut proxied: crate::hashing::HashSet<Id> = Default::default();
    let mut hubs: crate::hashing::HashSet<Id> = Default::default();
    for hub in super::hub::hubs(cx) {
        let mut seen: crate::hashing::HashSet<Id> = Default::default();
        let proxies: Vec<Id> = hub
            .load_balancers
            .iter()
            .flat_map(|lb| lb.backends.iter().copied())
            .filter(|b| hub.has_nva(*b) && seen.insert(*b))
            .collect();
        if proxies.is_empty() {
            continue;
        }
        proxied.insert(hub.vnet.id);
        let linked = cx.neighbours(hub.vnet.id);
        let vnets =
            std::iter::once(hub.vnet.id).chain(linked.iter().filter_map(|(n, _)| match n {
                Node::Vnet(v) => Some(*v),
                Node::Site(_) => None,
            }));
        let addresses: Vec<_> = proxies.iter().filter_map(|p| net.nva_address(*p)).collect();
        let mut flows = vnets
            .flat_map(|v| facts.hsms_of(v).iter().copied())
            .flat_map(|hsm| addresses.iter().map(move |ip| (*ip, hsm)))
            .take(TRIED);
        let reaches = flows.any(|(ip, hsm)| {
            net.reaches(
                Endpoint::Address(ip),
                Endpoint::Hsm(hsm),
                Protocol::Tcp,
                LUNA_NTLS_PORT,
            )
            .unwrap_or(false)
        });
        if reaches {
            hubs.insert(hub.vnet.id);
        }
    }
    let vnets = &cx.design.vnets;
    let hubs = vnets
        .iter()
        .filter(|v| hubs.contains(&v.id))
        .map(|v| (v, true));
    let hsm_vnets = vnets
        .iter()
        .filter(|v| facts.is_hsm_vnet(v.id) && !proxied.contains(&v.id))
        .map(|v| (v, false));
    hubs.chain(hsm_vnets).collect()
}

/// Whether a site has a connection that carries traffic into Azure: a VPN, or ExpressRoute
/// over a circuit with private peering.
fn linked_to_azure(cx: &Context, site: Id) -> bool {
    cx.neighbours(site).into_iter().any(|(_, link)| match link {
        Link::ExpressRoute(c) => cx
            .design
            .connections
            .iter()
            .find(|x| x.id == c)
            .and_then(|x| match x.kind {
                ConnectionKind::ExpressRoute { circuit, .. } => cx.index().circuit(circuit),
                _ => None,
            })
            .is_some_and(|circuit| circuit.private_peering.is_some()),
        _ => true,
    })
}

/// Whether two locations name one Azure region, compared as their keys are (`West Europe` is
/// `westeurope`) without making them.
fn same_location(a: &str, b: &str) -> bool {
    fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_lowercase())
    }
    folded(a).eq(folded(b))
}

fn spaces_overlap(a: &Vnet, b: &Vnet) -> bool {
    a.address_space
        .iter()
        .any(|x| b.address_space.iter().any(|y| overlaps(x, y)))
}

/// Peers `vnet` with the first hub or HSM VNet of its region whose addresses do not clash and
/// hold an address of `unrouted` (see [`unrouted`]); nothing when `vnet` is one of them
/// or already linked (by peering or VPN) to one of them: then the way exists and something on
/// it blocks the flows, which the finding names, and a new peering would only go around it.
fn peering_fix(
    cx: &Context,
    vnet: &Vnet,
    targets: &[(&Vnet, bool)],
    unrouted: Option<Vec<Ipv4Addr>>,
    id: Id,
    taken: &mut Names,
) -> Option<(String, Edit)> {
    let here = cx.index().location(vnet)?;
    let linked: Vec<Id> = cx
        .neighbours(vnet.id)
        .into_iter()
        .map(|(node, _)| node.id())
        .collect();
    let mut nearby = targets.iter().copied().filter(|(t, _)| {
        cx.index()
            .location(t)
            .is_some_and(|l| same_location(l, here))
    });
    if nearby
        .clone()
        .any(|(t, _)| t.id == vnet.id || linked.contains(&t.id))
    {
        return None;
    }
    let unrouted = unrouted?;
    let (target, hub) = nearby.find(|(t, _)| {
        !spaces_overlap(vnet, t)
            && t.address_space
                .iter()
                .any(|p| unrouted.iter().any(|ip| p.contains(ip)))
    })?;
    let peering = new::peering_among(taken, cx.design, id, vnet.id, target.id);
    let what = if hub { "hub" } else { "HSM VNet" };
    Some((
        format!(
            "Peer {} with {what} {}",
            cx.name(vnet.id),
            cx.name(target.id)
        ),
        Edit::Add(peering),
    ))
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, Design, Id, PeeringSide, Protocol, SiteRoles};
    use crate::rules::testing::*;
    use crate::trace::{trace, Endpoint};

    const RULE: &str = "hsm-reachable";

    fn client_site(b: &mut Builder, vpn_device: Option<&str>) -> Id {
        let roles = SiteRoles {
            hsm_client: true,
            ..SiteRoles::default()
        };
        b.site("dc", &["192.168.0.0/16"], vpn_device, roles)
    }

    fn only(design: &Design) -> crate::rules::Finding {
        let found = findings(design, RULE);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    fn assert_says(f: &crate::rules::Finding, words: &str) {
        assert!(f.message.contains(words), "{words:?} not in: {}", f.message);
    }

    /// Behind the SNAT proxy tier the HSMs must not check the client's address.
    fn without_ip_check(b: &mut Builder) {
        b.design
            .hsms
            .iter_mut()
            .for_each(|h| h.ntls_ip_check = false);
    }

    #[test]
    fn past_a_hundred_cut_off_clients_the_rest_share_one_finding() {
        let (mut b, ids) = hsm_vnet();
        for k in 0..130u32 {
            let vnet = b.vnet(
                ids.region,
                &format!("lonely-{k}"),
                &[&format!("10.{}.0.0/16", 100 + k)],
            );
            b.client_subnet(vnet, "app", &format!("10.{}.1.0/24", 100 + k));
        }
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 101, "{:#?}", found.last());
        let last = found.last().unwrap();
        assert_says(last, "30 more HSM clients reach no HSM on TCP 1792");
        assert_says(last, "'lonely-100/app', 'lonely-101/app'");
        assert_says(last, "and 25 more");
        assert_eq!(last.elements.len(), 30);
        assert!(last.fix.is_none());
        assert!(found[..100].iter().all(|f| f.fix.is_some()));
    }

    #[test]
    fn a_client_that_cannot_send_is_named_as_the_source() {
        let size = crate::presets::Size {
            spokes: None,
            regions: None,
        };
        let mut d = crate::presets::build("hub-nva-proxy", &size).unwrap();
        d.sites[0].prefixes.clear();
        let found = findings(&d, RULE);
        let f = found
            .iter()
            .find(|f| f.message.contains("'onprem-dc'"))
            .expect("the site is reported");
        assert_says(f, "cannot be traced to any HSM");
        assert_says(f, "the source 'onprem-dc' has no address a flow could use");
    }

    #[test]
    fn a_client_subnet_in_the_hsm_vnet_reaches_it() {
        let (mut b, ids) = hsm_vnet();
        b.client_subnet(ids.vnet, "app", "10.10.2.0/24");
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn an_isolated_client_vnet_is_reported_and_peered_by_the_fix() {
        let (mut b, ids) = hsm_vnet();
        let lonely = b.vnet(ids.region, "lonely", &["10.1.0.0/16"]);
        let app = b.client_subnet(lonely, "app", "10.1.1.0/24");
        let design = b.finish();
        let f = only(&design);
        assert_eq!(f.elements[..2], [app, lonely]);
        assert_says(&f, "'lonely' → 'hsm-vnet': no route");
        assert_says(&f, "'lonely' is neither peered with 'hsm-vnet'");
        let fixed = apply_first_fix(&design, RULE);
        assert!(fixed
            .peerings
            .iter()
            .any(|p| p.a == lonely && p.b == ids.vnet));
        assert!(findings(&fixed, RULE).is_empty());
    }

    /// A spoke of the reference hub that lost its peering: its route table sends its flows to
    /// the hub's firewall, which the spoke cannot reach; the fix peers it with the hub again.
    #[test]
    fn a_hub_spoke_without_its_peering_is_peered_with_the_hub_by_the_fix() {
        let mut design =
            crate::presets::build("hub-nva-proxy", &crate::presets::Size::default()).unwrap();
        let spoke = design
            .vnets
            .iter()
            .find(|v| v.name == "spoke-1")
            .unwrap()
            .id;
        design.peerings.retain(|p| p.a != spoke && p.b != spoke);
        let f = only(&design);
        assert_says(&f, "not peered with");
        assert_eq!(
            f.fix.as_ref().map(|x| x.label.as_str()),
            Some("Peer 'spoke-1' with hub 'hub-vnet'")
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    /// A peering is offered only where its route carries the flow on: not for a client whose
    /// flow would be dropped the same way after it (found by the property test of fixes).
    #[test]
    fn no_peering_is_offered_when_the_flow_would_be_dropped_after_it_anyway() {
        use crate::model::builder::route;
        use crate::model::NextHop;
        // The HSMs' addresses are in no subnet: a peering gives no route to them.
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).private_ip = Some("203.0.113.7".parse().unwrap());
        b.hsm_mut(ids.hsm2).private_ip = Some("203.0.113.8".parse().unwrap());
        let lonely = b.vnet(ids.region, "lonely", &["10.1.0.0/16"]);
        b.client_subnet(lonely, "app", "10.1.1.0/24");
        let f = only(&b.finish());
        assert_says(&f, "203.0.113.");
        assert!(f.fix.is_none(), "{:?}", f.fix);
        // The client's route to the HSM VNet sends it to an appliance nothing holds: after a
        // peering, that longer route still wins.
        let (mut b, ids) = hsm_vnet();
        let lonely = b.vnet(ids.region, "lonely", &["10.1.0.0/16"]);
        let app = b.client_subnet(lonely, "app", "10.1.1.0/24");
        let to_nowhere = route(
            "to-hsms",
            "10.10.1.0/24",
            NextHop::VirtualAppliance,
            Some("10.1.1.200"),
        );
        b.route_table("rt", vec![to_nowhere], &[app]);
        let f = only(&b.finish());
        assert!(f.fix.is_none(), "{}: {:?}", f.message, f.fix);
    }

    #[test]
    fn a_spoke_peered_directly_with_the_hsm_vnet_reaches_it() {
        let (mut b, ids) = hsm_vnet();
        let spoke = b.vnet(ids.region, "spoke", &["10.1.0.0/16"]);
        b.client_subnet(spoke, "app", "10.1.1.0/24");
        b.peering(spoke, ids.vnet);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn peering_is_not_transitive_between_spokes() {
        let (mut b, ids) = hsm_vnet();
        let spoke_b = b.vnet(ids.region, "spoke-b", &["10.2.0.0/16"]);
        b.peering(spoke_b, ids.vnet);
        let spoke_a = b.vnet(ids.region, "spoke-a", &["10.1.0.0/16"]);
        b.client_subnet(spoke_a, "app", "10.1.1.0/24");
        b.peering(spoke_a, spoke_b);
        let design = b.finish();
        let f = only(&design);
        assert_says(&f, "'spoke-a' → 'hsm-vnet': no route");
        assert_says(
            &f,
            "'spoke-a' is peered with 'spoke-b', which is peered with 'hsm-vnet'",
        );
        assert_says(&f, "peering is not transitive");
        assert!(f.elements.contains(&spoke_a));
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_spoke_reaches_the_hsms_through_the_hub_proxy_tier_with_the_ip_check_off() {
        let (mut b, ids) = proxy_hub();
        // With the check on, Luna refuses the NVA's address.
        let f = only(&b.design);
        assert_says(&f, "NTLS client IP checking on");
        assert!(f.elements.contains(&ids.small.hsm1));
        without_ip_check(&mut b);
        let design = b.finish();
        assert!(findings(&design, RULE).is_empty());
        let t = trace(
            &design,
            Endpoint::parse(&design, "spoke-a/app").unwrap(),
            Endpoint::Hsm(ids.small.hsm1),
            Protocol::Tcp,
            1792,
        )
        .unwrap();
        assert!(t.delivered(), "{t}");
        for id in [
            ids.spoke_peering,
            ids.ilb,
            ids.hub_hsm_peering,
            ids.small.hsm1,
        ] {
            assert!(t.elements().contains(&id), "{t}");
        }
    }

    #[test]
    fn a_hub_without_nvas_does_not_carry_spoke_traffic() {
        let (mut b, ids) = proxy_hub();
        b.design.load_balancers.clear();
        b.design.nvas.clear();
        let design = b.finish();
        let f = only(&design);
        assert_says(&f, "'spoke-a' is peered with 'hub'");
        assert_says(&f, "peering is not transitive");
        // The fix peers the spoke with the HSM VNet itself (no hub qualifies).
        let fixed = apply_first_fix(&design, RULE);
        assert!(fixed
            .peerings
            .iter()
            .any(|p| p.a == ids.spoke && p.b == ids.small.vnet));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn nvas_without_a_load_balancer_proxy_nothing() {
        let (mut b, _) = proxy_hub();
        without_ip_check(&mut b);
        b.design.load_balancers.clear();
        let f = only(&b.finish());
        assert_says(
            &f,
            "no route sends 'spoke-a''s traffic on through an appliance in 'hub'",
        );
    }

    #[test]
    fn a_proxy_tier_not_peered_with_an_hsm_vnet_is_named() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        b.design.peerings.retain(|p| p.id != ids.hub_hsm_peering);
        let design = b.finish();
        let f = only(&design);
        assert_says(&f, "'hub' → 'hsm-vnet': no route");
        assert!(f.elements.contains(&ids.hub), "{:?}", f.elements);
    }

    #[test]
    fn a_hub_peered_with_the_hsm_vnet_across_regions_is_explained() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let north = b.region("northeurope");
        b.vnet_mut(ids.hub).region = north;
        b.vnet_mut(ids.spoke).region = north;
        let f = only(&b.finish());
        assert_says(&f, "global VNet peering");
        assert!(f.elements.contains(&ids.hub_hsm_peering));
    }

    #[test]
    fn a_spoke_peered_with_the_hsm_vnet_across_regions_does_not_reach_it() {
        let (mut b, ids) = hsm_vnet();
        let north = b.region("northeurope");
        let spoke = b.vnet(north, "spoke", &["10.1.0.0/16"]);
        b.client_subnet(spoke, "app", "10.1.1.0/24");
        let peering = b.peering(spoke, ids.vnet);
        let design = b.finish();
        let f = only(&design);
        assert_says(&f, "global VNet peering");
        assert!(f.elements.contains(&peering));
        assert!(
            f.fix.is_none(),
            "no HSM VNet or hub in North Europe to peer with"
        );
    }

    #[test]
    fn a_vnet_to_vnet_vpn_reaches_an_hsm_vnet_in_another_region() {
        let (mut b, ids) = hsm_vnet();
        let hsm_vpn = b.vpn_gateway(ids.gateway_subnet, "hsm-vpngw", "VpnGw1AZ", None);
        let north = b.region("northeurope");
        let app_vnet = b.vnet(north, "app-ne", &["10.30.0.0/16"]);
        let gw_subnet = b.subnet(app_vnet, "GatewaySubnet", "10.30.255.0/27");
        let app_vpn = b.vpn_gateway(gw_subnet, "app-vpngw", "VpnGw1AZ", None);
        b.client_subnet(app_vnet, "app", "10.30.1.0/24");
        let design_without = b.design.clone();
        b.connection(
            "v2v",
            ConnectionKind::VnetToVnet {
                a: app_vpn,
                b: hsm_vpn,
            },
        );
        assert!(findings(&b.finish(), RULE).is_empty());
        assert_eq!(findings(&design_without, RULE).len(), 1);
    }

    #[test]
    fn a_site_reaches_the_hsms_over_expressroute_to_the_proxy_hub() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let site = client_site(&mut b, None);
        let circuit = b.circuit(site, "dc-circuit", "172.16.0.0/29");
        let er = b.connection(
            "hub-er",
            ConnectionKind::ExpressRoute {
                gateway: ids.hub_er_gateway,
                circuit,
            },
        );
        let design = b.finish();
        assert!(findings(&design, RULE).is_empty());
        let t = trace(
            &design,
            Endpoint::Site(site),
            Endpoint::Hsm(ids.small.hsm2),
            Protocol::Tcp,
            1792,
        )
        .unwrap();
        assert!(t.delivered(), "{t}");
        assert!(t.elements().contains(&er) && t.elements().contains(&ids.ilb));

        // Without private peering the circuit carries nothing.
        let mut broken = design.clone();
        broken.circuits[0].private_peering = None;
        let f = only(&broken);
        assert_says(&f, "'dc-circuit' has no private peering");
    }

    #[test]
    fn a_site_landing_on_a_hub_without_proxy_tier_is_reported() {
        let (mut b, ids) = proxy_hub();
        b.design.load_balancers.clear();
        b.design.nvas.clear();
        b.design
            .vnets
            .iter_mut()
            .for_each(|v| v.subnets.iter_mut().for_each(|s| s.hsm_client = false));
        let site = client_site(&mut b, None);
        let circuit = b.circuit(site, "dc-circuit", "172.16.0.0/29");
        b.connection(
            "hub-er",
            ConnectionKind::ExpressRoute {
                gateway: ids.hub_er_gateway,
                circuit,
            },
        );
        let f = only(&b.finish());
        assert_eq!(f.elements[0], site);
        assert_says(&f, "'dc' → 'hsm-vnet': no route");
        assert_says(&f, "do not announce");
    }

    #[test]
    fn a_site_reaches_the_hsm_vnet_over_site_to_site_vpn() {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "hsm-vpngw", "VpnGw1AZ", None);
        let site = client_site(&mut b, Some("203.0.113.10"));
        let unconnected = b.design.clone();
        b.connection("dc-s2s", ConnectionKind::SiteToSite { gateway: vpn, site });
        assert!(findings(&b.finish(), RULE).is_empty());

        // Not connected: reported, and the fix adds exactly that connection.
        let f = only(&unconnected);
        assert_says(&f, "'dc' has no VPN or ExpressRoute connection");
        let fixed = apply_first_fix(&unconnected, RULE);
        assert!(fixed
            .connections
            .iter()
            .any(|c| c.kind == ConnectionKind::SiteToSite { gateway: vpn, site }));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_site_reaches_a_proxy_hub_that_uses_the_landing_vnets_gateway() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let transit = b.vnet(ids.small.region, "transit", &["10.5.0.0/16"]);
        let gw_subnet = b.subnet(transit, "GatewaySubnet", "10.5.255.0/27");
        let vpn = b.vpn_gateway(gw_subnet, "transit-vpngw", "VpnGw1AZ", None);
        let peering = b.peering(transit, ids.hub);
        let site = client_site(&mut b, Some("203.0.113.10"));
        b.connection("dc-s2s", ConnectionKind::SiteToSite { gateway: vpn, site });
        // Plain peering: the site learns no route past the transit VNet. The flow explained
        // is the intended one, to the hub's proxy frontend, not straight to the HSM VNet.
        let f = only(&b.design);
        assert_says(&f, "'dc' → 'hub': no route");
        assert_says(&f, "do not announce");
        // Gateway transit: the hub uses the transit VNet's gateway, so the site reaches the ILB.
        let p = b
            .design
            .peerings
            .iter_mut()
            .find(|p| p.id == peering)
            .unwrap();
        p.a_to_b = PeeringSide {
            allow_gateway_transit: true,
            ..PeeringSide::default()
        };
        p.b_to_a = PeeringSide {
            use_remote_gateways: true,
            ..PeeringSide::default()
        };
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_spoke_using_a_gateway_with_a_vpn_to_the_hsm_vnet_reaches_it() {
        let (mut b, ids) = hsm_vnet();
        let hsm_vpn = b.vpn_gateway(ids.gateway_subnet, "hsm-vpngw", "VpnGw1AZ", None);
        let north = b.region("northeurope");
        let hub = b.vnet(north, "hub-ne", &["10.30.0.0/16"]);
        let gw_subnet = b.subnet(hub, "GatewaySubnet", "10.30.255.0/27");
        let hub_vpn = b.vpn_gateway(gw_subnet, "hub-vpngw", "VpnGw1AZ", None);
        b.connection(
            "v2v",
            ConnectionKind::VnetToVnet {
                a: hub_vpn,
                b: hsm_vpn,
            },
        );
        let spoke = b.vnet(north, "spoke-ne", &["10.31.0.0/16"]);
        b.client_subnet(spoke, "app", "10.31.1.0/24");
        let peering = b.peering(spoke, hub);
        assert_eq!(
            findings(&b.design, RULE).len(),
            1,
            "plain peering is not enough"
        );
        let p = b
            .design
            .peerings
            .iter_mut()
            .find(|p| p.id == peering)
            .unwrap();
        p.a_to_b.use_remote_gateways = true;
        p.b_to_a.allow_gateway_transit = true;
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_spoke_without_a_path_is_peered_with_the_proxy_hub_by_the_fix() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let spoke = b.vnet(ids.small.region, "spoke-c", &["10.3.0.0/16"]);
        b.client_subnet(spoke, "app", "10.3.1.0/24");
        let design = b.finish();
        let f = only(&design);
        assert_eq!(
            f.fix.as_ref().unwrap().label,
            "Peer 'spoke-c' with hub 'hub'"
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_hub_whose_nvas_reach_no_hsm_is_not_offered_as_the_peer() {
        // The fix used to pick any hub with a proxy tier peered with an HSM VNet; whether its
        // NVAs get to an HSM is the tracer's answer, and here their NSG refuses them.
        use crate::model::builder::nsg_rule;
        use crate::model::{Access, Direction};
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let nva_subnet = b.design.nvas[0].subnet;
        let fence = nsg_rule(
            "no-hsms",
            100,
            Direction::Outbound,
            Access::Deny,
            Protocol::Any,
            "*",
            "10.10.0.0/16",
            "*",
        );
        b.nsg("nva-nsg", vec![fence], &[nva_subnet]);
        let spoke = b.vnet(ids.small.region, "spoke-c", &["10.3.0.0/16"]);
        b.client_subnet(spoke, "app", "10.3.1.0/24");
        let design = b.finish();
        let found = findings(&design, RULE);
        let f = found
            .iter()
            .find(|f| f.elements.contains(&spoke))
            .expect("spoke-c is cut off");
        assert_eq!(
            f.fix.as_ref().unwrap().label,
            "Peer 'spoke-c' with HSM VNet 'hsm-vnet'"
        );
        let fixed = design.apply(&f.fix.as_ref().unwrap().edit).unwrap();
        assert!(findings(&fixed, RULE)
            .iter()
            .all(|f| !f.elements.contains(&spoke)));
    }

    #[test]
    fn several_client_subnets_of_one_vnet_give_one_finding() {
        let (mut b, ids) = hsm_vnet();
        let lonely = b.vnet(ids.region, "lonely", &["10.1.0.0/16"]);
        b.client_subnet(lonely, "app", "10.1.1.0/24");
        b.client_subnet(lonely, "batch", "10.1.2.0/24");
        let f = only(&b.finish());
        assert!(
            f.message
                .starts_with("HSM client subnets 'app' and 'batch' in 'lonely'"),
            "{}",
            f.message
        );
    }

    #[test]
    fn nothing_is_reported_in_a_design_without_hsms() {
        let mut b = Builder::new("no hsm");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "lonely", &["10.1.0.0/16"]);
        b.client_subnet(vnet, "app", "10.1.1.0/24");
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn the_reference_hub_needs_its_firewall_to_snat_for_the_nva_nsg() {
        let (mut b, ids) = crate::rules::hub::reference_hub();
        // The NVA subnet's NSG trusts only the firewall subnet, and Azure Firewall keeps
        // private client addresses by default: the NSG refuses every client.
        let found = findings(&b.design, RULE);
        assert_eq!(found.len(), 2, "{found:#?}");
        for f in &found {
            assert_says(f, "deny-in");
            assert!(f.elements.contains(&ids.nva_nsg), "{:?}", f.elements);
            assert!(f.fix.is_none());
        }
        b.design
            .firewalls
            .iter_mut()
            .for_each(|f| f.always_snat = true);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    /// The hub preset with SNAT turned off on the NVAs named.
    fn hub_without_snat_on(nvas: &[&str]) -> Design {
        let mut design =
            crate::presets::build("hub-nva-proxy", &crate::presets::Size::default()).unwrap();
        for nva in design
            .nvas
            .iter_mut()
            .filter(|n| nvas.contains(&n.name.as_str()))
        {
            nva.snat = false;
        }
        design
    }

    #[test]
    fn one_nva_without_snat_is_named_as_the_cause_and_the_other_still_carries_sessions() {
        for broken in ["nva-proxy-1", "nva-proxy-2"] {
            let design = hub_without_snat_on(&[broken]);
            let nva = design.nvas.iter().find(|n| n.name == broken).unwrap().id;
            let found = findings(&design, RULE);
            assert!(!found.is_empty(), "{broken}: no finding");
            for f in &found {
                assert_says(f, &format!("'{broken}' does not SNAT"));
                assert!(!f.message.contains("reaches no HSM"), "{}", f.message);
                assert!(f.elements.contains(&nva), "{broken}: {:?}", f.elements);
            }
        }
    }

    #[test]
    fn with_snat_off_on_every_nva_no_hsm_is_reached_and_the_setting_is_named() {
        let design = hub_without_snat_on(&["nva-proxy-1", "nva-proxy-2"]);
        let found = findings(&design, RULE);
        assert!(!found.is_empty());
        for f in &found {
            assert_says(f, "reaches no HSM");
            assert_says(f, "does not SNAT (its SNAT setting is off)");
        }
        let from = Endpoint::parse(&design, "onprem-dc").unwrap();
        let to = Endpoint::parse(&design, "hsm1").unwrap();
        let t = trace(&design, from, to, Protocol::Tcp, 1792).unwrap();
        let cause = t.cause.expect("the trace names the NVA as the cause");
        let crate::trace::Verdict::Dropped { hop, .. } = t.verdict else {
            panic!("delivered without SNAT")
        };
        assert!(cause.hop < hop, "{cause:?} at or after the drop at {hop}");
        assert!(design.nvas.iter().any(|n| n.id == cause.element));
    }

    #[test]
    fn a_thousand_spokes_on_one_hub_all_reach_the_hsms() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        for n in 0..1000u32 {
            let space = format!("10.{}.{}.0/24", 64 + n / 256, n % 256);
            let spoke = b.vnet(ids.small.region, &format!("spoke-{n}"), &[&space]);
            b.client_subnet(spoke, "app", &space);
            b.peering(spoke, ids.hub);
        }
        let design = b.design;
        assert!(findings(&design, RULE).is_empty());
        // One spoke losing its peering is the one finding.
        let mut broken = design.clone();
        let last = broken.vnets.last().unwrap().id;
        broken.peerings.retain(|p| p.a != last);
        let f = only(&broken);
        assert_says(&f, "'spoke-999'");
    }
}
