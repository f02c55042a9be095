//! Network security group evaluation: the NSG's rules in priority order, then Azure's default
//! rules. NSGs are stateful: only the first packet of a flow is judged, so replies are never
//! evaluated here.

use super::routes::VnetScope;
use crate::azure::addresses::PROBE_SOURCE;
use crate::model::{Access, AddressMatch, Direction, Nsg, NsgRule, Protocol};
use std::cell::Cell;
use std::net::Ipv4Addr;

/// Azure's default rules, after every rule of the NSG (priorities 65000 and up).
fn default_rules(
    direction: Direction,
) -> [(&'static str, u16, AddressMatch, AddressMatch, Access); 3] {
    use AddressMatch::{Any, AzureLoadBalancer, Internet, VirtualNetwork};
    match direction {
        Direction::Inbound => [
            (
                "AllowVnetInBound",
                65000,
                VirtualNetwork,
                VirtualNetwork,
                Access::Allow,
            ),
            (
                "AllowAzureLoadBalancerInBound",
                65001,
                AzureLoadBalancer,
                Any,
                Access::Allow,
            ),
            ("DenyAllInBound", 65500, Any, Any, Access::Deny),
        ],
        Direction::Outbound => [
            (
                "AllowVnetOutBound",
                65000,
                VirtualNetwork,
                VirtualNetwork,
                Access::Allow,
            ),
            ("AllowInternetOutBound", 65001, Any, Internet, Access::Allow),
            ("DenyAllOutBound", 65500, Any, Any, Access::Deny),
        ],
    }
}

/// The rule that decided a packet's fate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NsgDecision<'a> {
    pub allowed: bool,
    /// The rule's name (a default rule's name is Azure's).
    pub rule: &'a str,
    pub priority: u16,
    pub default_rule: bool,
}

impl NsgDecision<'_> {
    /// `rule 'allow-1792' (priority 100)` or `default rule DenyAllInBound (priority 65500)`.
    pub fn describe(&self) -> String {
        if self.default_rule {
            format!("default rule {} (priority {})", self.rule, self.priority)
        } else {
            format!("rule '{}' (priority {})", self.rule, self.priority)
        }
    }
}

/// A packet as an NSG sees it.
#[derive(Clone, Copy, Debug)]
pub struct Flow {
    pub protocol: Protocol,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub port: u16,
}

/// Whether an address matches an NSG address, seen from a subnet with `routes` (which decide
/// the `VirtualNetwork` tag).
fn matches(m: AddressMatch, ip: Ipv4Addr, routes: &(impl VnetScope + ?Sized)) -> bool {
    match m {
        AddressMatch::Any => true,
        AddressMatch::VirtualNetwork => routes.in_virtual_network(ip),
        AddressMatch::AzureLoadBalancer => ip == PROBE_SOURCE,
        AddressMatch::Internet => !routes.in_virtual_network(ip) && !is_private(ip),
        AddressMatch::Prefix(p) => p.contains(&ip),
    }
}

/// The ranges Azure treats as private (RFC 1918 and the shared 100.64.0.0/10).
pub fn is_private(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private() || (a == 100 && (64..128).contains(&b))
}

fn rule_matches(
    rule: &NsgRule,
    direction: Direction,
    flow: &Flow,
    routes: &(impl VnetScope + ?Sized),
) -> bool {
    rule.direction == direction
        && (rule.protocol == Protocol::Any
            || flow.protocol == Protocol::Any
            || rule.protocol == flow.protocol)
        && rule.destination_ports.contains(flow.port)
        && matches(rule.source, flow.src, routes)
        && matches(rule.destination, flow.dst, routes)
}

/// Evaluates the first packet of a flow against an NSG in one direction.
pub fn evaluate<'a>(
    nsg: &'a Nsg,
    direction: Direction,
    flow: &Flow,
    routes: &(impl VnetScope + ?Sized),
) -> NsgDecision<'a> {
    let routes = Remembered {
        routes,
        known: Cell::new([None; 2]),
    };
    // The rule with the lowest priority that matches (the first of equals); a rule that could
    // not beat the one found is not matched at all (its addresses may need route lookups).
    let mut first: Option<&NsgRule> = None;
    for rule in &nsg.rules {
        if first.is_some_and(|f| f.priority <= rule.priority) {
            continue;
        }
        if rule_matches(rule, direction, flow, &routes) {
            first = Some(rule);
        }
    }
    if let Some(rule) = first {
        return NsgDecision {
            allowed: rule.access == Access::Allow,
            rule: &rule.name,
            priority: rule.priority,
            default_rule: false,
        };
    }
    let (name, priority, _, _, access) = default_rules(direction)
        .into_iter()
        .find(|(_, _, src, dst, _)| {
            matches(*src, flow.src, &routes) && matches(*dst, flow.dst, &routes)
        })
        .expect("the last default rule matches everything");
    NsgDecision {
        allowed: access == Access::Allow,
        rule: name,
        priority,
        default_rule: true,
    }
}

/// A subnet's view of the `VirtualNetwork` tag that remembers its last two answers: one
/// evaluation asks about the flow's two addresses once per rule, each a route lookup.
struct Remembered<'r, R: ?Sized> {
    routes: &'r R,
    known: Cell<[Option<(Ipv4Addr, bool)>; 2]>,
}

impl<R: VnetScope + ?Sized> VnetScope for Remembered<'_, R> {
    fn in_virtual_network(&self, ip: Ipv4Addr) -> bool {
        let mut known = self.known.get();
        if let Some((_, inside)) = known.iter().flatten().find(|(a, _)| *a == ip) {
            return *inside;
        }
        let inside = self.routes.in_virtual_network(ip);
        known = [Some((ip, inside)), known[0]];
        self.known.set(known);
        inside
    }
}

/// Whether every address `inner` names is named by `outer` too. Without a subnet's routes the
/// `VirtualNetwork` and `Internet` tags are only within `Any` and themselves.
fn address_within(inner: AddressMatch, outer: AddressMatch) -> bool {
    match (inner, outer) {
        (_, AddressMatch::Any) => true,
        (AddressMatch::Prefix(p), AddressMatch::Prefix(q)) => q.trunc().contains(&p.trunc()),
        (AddressMatch::AzureLoadBalancer, AddressMatch::Prefix(q)) => {
            q.trunc().contains(&PROBE_SOURCE)
        }
        (a, b) => a == b,
    }
}

fn ports_within(inner: crate::model::PortRange, outer: crate::model::PortRange) -> bool {
    use crate::model::PortRange::{Any, Range};
    match (inner, outer) {
        (_, Any) => true,
        (Any, Range(..)) => false,
        (Range(lo, hi), Range(a, b)) => a <= lo && hi <= b,
    }
}

/// Whether a rule matches every flow of its direction: any protocol, source, destination
/// and port. Nothing after it is ever evaluated, not even Azure's default rules.
pub fn matches_every_flow(rule: &NsgRule) -> bool {
    rule.protocol == Protocol::Any
        && rule.source == AddressMatch::Any
        && rule.destination == AddressMatch::Any
        && rule.destination_ports == crate::model::PortRange::Any
}

/// Whether `outer` matches every flow that `inner` matches (both in one direction).
fn rule_within(inner: &NsgRule, outer: &NsgRule) -> bool {
    outer.protocol.covers(inner.protocol)
        && address_within(inner.source, outer.source)
        && address_within(inner.destination, outer.destination)
        && ports_within(inner.destination_ports, outer.destination_ports)
}

/// The rules of one direction that decide some flow, in the order they are evaluated: a rule
/// whose every flow an earlier rule already matches never decides anything (an allow after a
/// deny-everything rule, say).
pub fn deciding(nsg: &Nsg, direction: Direction) -> Vec<&NsgRule> {
    let mut rules: Vec<&NsgRule> = nsg
        .rules
        .iter()
        .filter(|r| r.direction == direction)
        .collect();
    crate::sort::stable_by_key(&mut rules, |r| u64::from(r.priority));
    // The deciding rules by the key of their source: a rule is compared only with those whose
    // source can hold its own, found in at most 34 lookups, so thousands of rules with their
    // own sources cost in proportion to their number.
    let mut by_source: crate::hashing::HashMap<(u8, u8, u32), Vec<usize>> = Default::default();
    let mut out: Vec<&NsgRule> = Vec::with_capacity(rules.len());
    for r in rules {
        let covered = holders(r.source).any(|key| {
            by_source
                .get(&key)
                .is_some_and(|earlier| earlier.iter().any(|&i| rule_within(r, out[i])))
        });
        if !covered {
            by_source
                .entry(source_key(r.source))
                .or_default()
                .push(out.len());
            out.push(r);
        }
    }
    out
}

/// A key per NSG address: its kind, and a prefix's length and network.
fn source_key(m: AddressMatch) -> (u8, u8, u32) {
    match m {
        AddressMatch::Any => (0, 0, 0),
        AddressMatch::VirtualNetwork => (1, 0, 0),
        AddressMatch::AzureLoadBalancer => (2, 0, 0),
        AddressMatch::Internet => (3, 0, 0),
        AddressMatch::Prefix(p) => {
            let p = p.trunc();
            (4, p.prefix_len(), u32::from(p.network()))
        }
    }
}

/// The keys of every address that can hold all of `m` (see `address_within`): `Any`, `m`
/// itself, and each prefix holding a prefix or the probe's address.
fn holders(m: AddressMatch) -> impl Iterator<Item = (u8, u8, u32)> {
    let held = match m {
        AddressMatch::Prefix(p) => Some((p.trunc().prefix_len(), u32::from(p.network()))),
        AddressMatch::AzureLoadBalancer => Some((32, u32::from(PROBE_SOURCE))),
        _ => None,
    };
    let supernets = held.into_iter().flat_map(|(len, network)| {
        (0..=len).map(move |l| {
            let mask = if l == 0 { 0 } else { u32::MAX << (32 - l) };
            (4, l, network & mask)
        })
    });
    let own =
        (m != AddressMatch::Any && !matches!(m, AddressMatch::Prefix(_))).then(|| source_key(m));
    std::iter::once(source_key(AddressMatch::Any))
        .chain(own)
        .chain(supernets)
}

/// The first rule of a direction that matches every flow, if any: what decides every flow
/// that no earlier rule does. `None` leaves those flows to Azure's default rules.
pub fn catch_all(nsg: &Nsg, direction: Direction) -> Option<&NsgRule> {
    deciding(nsg, direction)
        .into_iter()
        .find(|r| matches_every_flow(r))
}

/// The flows an NSG is meant to admit in one direction, as bounds on a rule: its protocol, its
/// sources and destinations (a rule's address must lie within one of them) and its ports.
#[derive(Clone, Debug)]
pub struct Fence {
    pub protocol: Protocol,
    pub sources: Vec<AddressMatch>,
    pub destinations: Vec<AddressMatch>,
    pub ports: crate::model::PortRange,
}

impl Fence {
    /// Whether every flow `rule` matches lies within the fence; an allow rule that is not
    /// held admits something beyond it.
    pub fn holds(&self, rule: &NsgRule) -> bool {
        self.protocol.covers(rule.protocol)
            && self.sources.iter().any(|s| address_within(rule.source, *s))
            && self
                .destinations
                .iter()
                .any(|d| address_within(rule.destination, *d))
            && ports_within(rule.destination_ports, self.ports)
    }
}

/// The allow rules of one direction that decide some flow beyond `fence`, in evaluation order.
pub fn admits_beyond<'a>(nsg: &'a Nsg, direction: Direction, fence: &Fence) -> Vec<&'a NsgRule> {
    deciding(nsg, direction)
        .into_iter()
        .filter(|r| r.access == Access::Allow && !fence.holds(r))
        .collect()
}

/// A protocol, for messages: `TCP`.
pub fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
        Protocol::Icmp => "ICMP",
        Protocol::Any => "any protocol",
    }
}

/// Ports, for messages: `TCP 1792`.
pub fn port_label(protocol: Protocol, port: u16) -> String {
    let p = protocol_name(protocol);
    if protocol == Protocol::Icmp {
        p.to_string()
    } else {
        format!("{p} {port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::{ip, net, nsg_rule};
    use crate::model::Id;
    use crate::trace::routes::{push_default_routes, EffectiveRoute, NextHopType, RouteSet};

    fn routes() -> RouteSet {
        let mut r = Vec::new();
        push_default_routes(&mut r);
        r.push(EffectiveRoute::system(
            net("10.1.0.0/16"),
            NextHopType::VnetLocal,
            None,
        ));
        RouteSet::new(r)
    }

    fn flow(src: &str, port: u16) -> Flow {
        Flow {
            protocol: Protocol::Tcp,
            src: ip(src),
            dst: ip("10.1.2.4"),
            port,
        }
    }

    #[test]
    fn the_lowest_priority_number_decides_and_defaults_come_last() {
        let nsg = Nsg {
            id: Id(1),
            name: "nsg".into(),
            rules: vec![
                nsg_rule(
                    "deny-all",
                    4096,
                    Direction::Inbound,
                    Access::Deny,
                    Protocol::Any,
                    "*",
                    "*",
                    "*",
                ),
                nsg_rule(
                    "allow-1792",
                    100,
                    Direction::Inbound,
                    Access::Allow,
                    Protocol::Tcp,
                    "10.1.1.0/26",
                    "*",
                    "1792",
                ),
            ],
            layout: Default::default(),
        };
        let r = routes();
        let d = evaluate(&nsg, Direction::Inbound, &flow("10.1.1.4", 1792), &r);
        assert!(d.allowed);
        assert_eq!(d.rule, "allow-1792");
        let d = evaluate(&nsg, Direction::Inbound, &flow("10.1.1.4", 22), &r);
        assert!(!d.allowed);
        assert_eq!(d.describe(), "rule 'deny-all' (priority 4096)");

        let empty = Nsg {
            rules: vec![],
            ..nsg
        };
        let d = evaluate(&empty, Direction::Inbound, &flow("10.1.1.4", 22), &r);
        assert!(d.allowed && d.default_rule && d.rule == "AllowVnetInBound");
        let d = evaluate(&empty, Direction::Inbound, &flow("192.168.1.1", 22), &r);
        assert_eq!((d.allowed, d.rule), (false, "DenyAllInBound"));
        let probe = Flow {
            src: PROBE_SOURCE,
            ..flow("10.1.1.4", 1792)
        };
        assert!(evaluate(&empty, Direction::Inbound, &probe, &r).allowed);
    }

    #[test]
    fn rules_behind_a_rule_that_matches_all_they_match_decide_nothing() {
        use Access::{Allow, Deny};
        use Direction::Inbound;
        let rule = |name, priority, access, source: &str, ports: &str| {
            nsg_rule(
                name,
                priority,
                Inbound,
                access,
                Protocol::Tcp,
                source,
                "*",
                ports,
            )
        };
        let mut all = rule("deny-all", 4000, Deny, "*", "*");
        all.protocol = Protocol::Any;
        let nsg = Nsg {
            id: Id(1),
            name: "nsg".into(),
            rules: vec![
                rule("from-fw", 100, Allow, "10.0.254.0/26", "1792"),
                rule("no-fw-range", 90, Deny, "10.0.254.0/24", "1000-2000"),
                rule("probe", 110, Allow, "AzureLoadBalancer", "1792"),
                rule("late", 4090, Allow, "*", "*"),
                all,
            ],
            layout: Default::default(),
        };
        let names = |rules: Vec<&NsgRule>| -> Vec<String> {
            rules.iter().map(|r| r.name.clone()).collect()
        };
        assert_eq!(
            names(deciding(&nsg, Inbound)),
            ["no-fw-range", "probe", "deny-all"],
            "an earlier deny covers 'from-fw', the deny-all covers 'late'"
        );
        assert_eq!(
            catch_all(&nsg, Inbound).map(|r| r.name.as_str()),
            Some("deny-all")
        );
        assert!(catch_all(&nsg, Direction::Outbound).is_none());

        let fence = Fence {
            protocol: Protocol::Any,
            sources: vec![
                AddressMatch::Prefix(net("10.0.254.0/26")),
                AddressMatch::AzureLoadBalancer,
            ],
            destinations: vec![AddressMatch::Any],
            ports: crate::model::PortRange::Any,
        };
        assert!(admits_beyond(&nsg, Inbound, &fence).is_empty());
        let mut open = nsg.clone();
        open.rules
            .push(rule("from-vnet", 200, Allow, "VirtualNetwork", "1792"));
        open.rules
            .push(rule("from-wider", 210, Allow, "10.0.0.0/16", "1792"));
        assert_eq!(
            names(admits_beyond(&open, Inbound, &fence)),
            ["from-vnet", "from-wider"]
        );
    }
}
