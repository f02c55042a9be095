//! Azure Firewall network rules: the first rule matching protocol, source, destination and
//! port decides; traffic no rule allows is denied.

use super::nsg::Flow;
use crate::model::{Access, Firewall, FirewallRule, Protocol};
use std::net::Ipv4Addr;

/// What a firewall does with the first packet of a flow.
#[derive(Clone, Debug, PartialEq)]
pub enum FirewallDecision<'f> {
    Allowed(&'f FirewallRule),
    Denied(&'f FirewallRule),
    /// No rule matches. `near` is an allow rule that names the same source and destination
    /// but another protocol or port, worth pointing at in the message.
    NoRule {
        near: Option<&'f FirewallRule>,
    },
}

fn protocol_ok(rule: &FirewallRule, flow: &Flow) -> bool {
    rule.protocol == Protocol::Any
        || flow.protocol == Protocol::Any
        || rule.protocol == flow.protocol
}

fn ends_ok(rule: &FirewallRule, flow: &Flow) -> bool {
    rule.sources.iter().any(|p| p.contains(&flow.src)) && names_destination(rule, flow.dst)
}

/// Whether a rule's destinations hold an address.
pub fn names_destination(rule: &FirewallRule, dst: Ipv4Addr) -> bool {
    rule.destinations.iter().any(|p| p.contains(&dst))
}

pub fn evaluate<'f>(firewall: &'f Firewall, flow: &Flow) -> FirewallDecision<'f> {
    for rule in &firewall.rules {
        if protocol_ok(rule, flow)
            && ends_ok(rule, flow)
            && rule.ports.iter().any(|p| p.contains(flow.port))
        {
            return match rule.action {
                Access::Allow => FirewallDecision::Allowed(rule),
                Access::Deny => FirewallDecision::Denied(rule),
            };
        }
    }
    let near = firewall
        .rules
        .iter()
        .find(|r| r.action == Access::Allow && ends_ok(r, flow));
    FirewallDecision::NoRule { near }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::{firewall_rule, ip};
    use crate::model::Id;

    #[test]
    fn the_first_matching_rule_decides_and_nothing_else_passes() {
        let fw = Firewall {
            id: Id(1),
            name: "fw".into(),
            subnet: Id(2),
            rules: vec![firewall_rule(
                "luna",
                Access::Allow,
                &["10.128.0.0/24"],
                &["10.1.2.10/32"],
                &["1792"],
            )],
            always_snat: false,
            layout: Default::default(),
        };
        let flow = |src: &str, port| Flow {
            protocol: Protocol::Tcp,
            src: ip(src),
            dst: ip("10.1.2.10"),
            port,
        };
        assert!(
            matches!(evaluate(&fw, &flow("10.128.0.4", 1792)), FirewallDecision::Allowed(r) if r.name == "luna")
        );
        assert!(
            matches!(evaluate(&fw, &flow("10.128.0.4", 443)), FirewallDecision::NoRule { near: Some(r) } if r.name == "luna")
        );
        assert_eq!(
            evaluate(&fw, &flow("10.9.0.4", 1792)),
            FirewallDecision::NoRule { near: None }
        );
    }
}
