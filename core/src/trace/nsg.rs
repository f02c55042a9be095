//! Network security group evaluation: the NSG's rules in priority order, then Azure's default
//! rules. NSGs are stateful: only the first packet of a flow is judged, so replies are never
//! evaluated here.

use super::network::PROBE_SOURCE;
use super::routes::RouteSet;
use crate::model::{Access, AddressMatch, Direction, Nsg, NsgRule, Protocol};
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
fn matches(m: AddressMatch, ip: Ipv4Addr, routes: &RouteSet) -> bool {
    match m {
        AddressMatch::Any => true,
        AddressMatch::VirtualNetwork => routes.in_virtual_network(ip),
        AddressMatch::AzureLoadBalancer => ip == PROBE_SOURCE,
        AddressMatch::Internet => !routes.in_virtual_network(ip) && !is_private(ip),
        AddressMatch::Prefix(p) => p.trunc().contains(&ip),
    }
}

/// The ranges Azure treats as private (RFC 1918 and the shared 100.64.0.0/10).
pub fn is_private(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private() || (a == 100 && (64..128).contains(&b))
}

fn rule_matches(rule: &NsgRule, direction: Direction, flow: &Flow, routes: &RouteSet) -> bool {
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
    routes: &RouteSet,
) -> NsgDecision<'a> {
    let first = nsg
        .rules
        .iter()
        .filter(|r| rule_matches(r, direction, flow, routes))
        .min_by_key(|r| r.priority);
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
            matches(*src, flow.src, routes) && matches(*dst, flow.dst, routes)
        })
        .expect("the last default rule matches everything");
    NsgDecision {
        allowed: access == Access::Allow,
        rule: name,
        priority,
        default_rule: true,
    }
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
    use crate::trace::routes::{push_default_routes, EffectiveRoute, NextHopType};

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
}
