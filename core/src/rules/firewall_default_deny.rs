//! `firewall-default-deny`: the hub firewall admits only named trusted ranges to the load
//! balancer frontend, on TCP 1792 only.

use super::hub::hubs;
use super::select::hsm_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::azure::ports::LUNA_NTLS_PORT;
use crate::draw::names::unique_among;
use crate::edit::{Edit, Element};
use crate::model::{Access, FirewallRule, PortRange, Protocol};
use crate::trace::firewall;
use ipnet::Ipv4Net;

pub static RULE: Rule = Rule {
    name: "firewall-default-deny",
    severities: &[Severity::Warning],
    summary: "The firewall allows only named trusted source ranges to the ILB frontend, on TCP 1792 only.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "In a hub with a firewall and an internal load balancer, the firewall's allow \
                 rules that reach the load balancer's frontend name their sources (none is \
                 0.0.0.0/0) and open TCP 1792 only (no other port, no other protocol), and at \
                 least one rule does allow the frontend on TCP 1792.",
        why: "The HSM's own subnet cannot carry an NSG, so the firewall in the hub is the only \
              default-deny in front of the HSMs: only client ranges that were named on purpose \
              should get through, and only to the Luna NTLS port. A rule from any source, or \
              for any port, lets every reachable network probe the proxy tier. With no rule \
              allowing port 1792 at all, every client is dropped.",
        fix: "Replace any-source rules with rules naming the client ranges (on-premises \
              prefixes, workload spokes) and narrow ports to 1792 over TCP; the one-click fix \
              narrows a rule's ports when its sources are already named, or adds a rule from \
              the on-premises and spoke ranges wired to the hub when none allows the frontend.",
        source: "Networking considerations, 'Solution Architecture', firewall element 3.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hub in hubs(cx) {
        let Some((fw, _)) = hub.firewall() else {
            continue;
        };
        let Some(ilb) = hub.ilb() else { continue };
        let Some(frontend) = ilb.frontend_ip else {
            continue;
        };
        let host = Ipv4Net::from(frontend);
        let mut luna_allowed = false;
        for (i, rule) in fw.rules.iter().enumerate() {
            if rule.action != Access::Allow
                || rule.sources.is_empty()
                || !firewall::names_destination(rule, frontend)
            {
                continue;
            }
            let tcp = rule.protocol.covers(Protocol::Tcp);
            luna_allowed |= tcp && rule.ports.iter().any(|p| p.contains(LUNA_NTLS_PORT));
            let any_source = rule.sources.iter().any(|s| s.prefix_len() == 0);
            let other_ports: Vec<String> = rule
                .ports
                .iter()
                .filter(|p| **p != PortRange::single(LUNA_NTLS_PORT))
                .map(|p| p.to_string())
                .collect();
            let mut problems = Vec::new();
            if any_source {
                problems.push(
                    "admits any source (0.0.0.0/0) instead of named trusted ranges".to_string(),
                );
            }
            if !other_ports.is_empty() {
                problems.push(format!(
                    "opens port {} besides {LUNA_NTLS_PORT}",
                    other_ports.join(", ")
                ));
            }
            if rule.protocol != Protocol::Tcp {
                problems.push(format!(
                    "matches protocol {:?}, not only TCP",
                    rule.protocol
                ));
            }
            if problems.is_empty() {
                continue;
            }
            let mut finding = Finding::new(
                &RULE,
                Severity::Warning,
                format!(
                    "firewall {} rule '{}' reaches the load balancer frontend {frontend} but {}; \
                     allow only named client ranges on TCP {LUNA_NTLS_PORT}",
                    cx.name(fw.id),
                    rule.name,
                    problems.join(", and ")
                ),
                vec![fw.id, ilb.id],
            );
            // Narrowing is safe only when the sources are named and the rule aims at the
            // frontend alone (a broader rule may serve other destinations too).
            if !any_source && rule.destinations.iter().all(|d| d.trunc() == host) {
                let mut fixed = fw.clone();
                fixed.rules[i].protocol = Protocol::Tcp;
                fixed.rules[i].ports = vec![PortRange::single(LUNA_NTLS_PORT)];
                finding = finding.with_fix(
                    format!("Narrow rule '{}' to TCP {LUNA_NTLS_PORT}", rule.name),
                    Edit::Replace(Element::Firewall(fixed)),
                );
            }
            out.push(finding);
        }
        if luna_allowed {
            continue;
        }
        // Trusted ranges: the on-premises prefixes wired to the hub and the workload spokes
        // peered with it.
        let hsm_vnets = hsm_vnets(cx);
        let mut trusted: Vec<Ipv4Net> = hub.onprem_prefixes().into_iter().map(|(p, _)| p).collect();
        for (_, other) in hub.peers(cx) {
            if hsm_vnets.binary_search(&other).is_ok() {
                continue;
            }
            let Some(peer) = cx.index().vnet(other) else {
                continue;
            };
            for space in &peer.address_space {
                if !trusted.contains(&space.trunc()) {
                    trusted.push(space.trunc());
                }
            }
        }

        let mut finding = Finding::new(
            &RULE,
            Severity::Warning,
            format!(
                "firewall {} has no rule allowing client ranges to the load balancer frontend \
                 {frontend} on TCP {LUNA_NTLS_PORT}, so it drops every HSM client; allow the trusted \
                 client ranges to {host} on TCP {LUNA_NTLS_PORT}",
                cx.name(fw.id)
            ),
            vec![fw.id, ilb.id],
        );
        if !trusted.is_empty() {
            let mut fixed = fw.clone();
            let name = unique_among(fw.rules.iter().map(|r| r.name.as_str()), "luna-clients");
            fixed.rules.push(FirewallRule {
                name: name.clone(),
                action: Access::Allow,
                protocol: Protocol::Tcp,
                sources: trusted,
                destinations: vec![host],
                ports: vec![PortRange::single(LUNA_NTLS_PORT)],
            });
            finding = finding.with_fix(
                format!("Add rule '{name}' from the on-premises and spoke ranges"),
                Edit::Replace(Element::Firewall(fixed)),
            );
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{firewall_rule, net};
    use crate::model::{Access, PortRange, Protocol};
    use crate::rules::hub::{firewall_mut, reference_hub, ONPREM};
    use crate::rules::testing::*;

    const NAME: &str = "firewall-default-deny";

    #[test]
    fn passes_the_reference_hub() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn trips_on_a_rule_from_any_source_without_a_fix() {
        let (mut b, ids) = reference_hub();
        firewall_mut(&mut b, ids.firewall).rules[0].sources = vec![net("0.0.0.0/0")];
        let found = findings(&b.finish(), NAME);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.firewall, ids.ilb]);
        assert!(
            found[0].message.contains("any source"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].fix.is_none(),
            "the trusted ranges must be named by a person"
        );
    }

    #[test]
    fn trips_on_any_port_and_the_fix_narrows_it_to_1792() {
        let (mut b, ids) = reference_hub();
        firewall_mut(&mut b, ids.firewall).rules[0].ports = vec![PortRange::Any];
        let design = b.finish();
        let found = findings(&design, NAME);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("port *"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, NAME);
        assert!(findings(&fixed, NAME).is_empty());
        assert_eq!(
            fixed.firewall(ids.firewall).unwrap().rules[0].ports,
            vec![PortRange::single(1792)]
        );
    }

    #[test]
    fn trips_on_a_wider_range_or_any_protocol() {
        let (mut b, ids) = reference_hub();
        firewall_mut(&mut b, ids.firewall).rules[0].ports = vec![PortRange::Range(1000, 2000)];
        let design = b.finish();
        assert!(findings(&design, NAME)[0].message.contains("1000-2000"));
        assert!(findings(&apply_first_fix(&design, NAME), NAME).is_empty());

        let (mut b, ids) = reference_hub();
        firewall_mut(&mut b, ids.firewall).rules[0].protocol = Protocol::Any;
        let design = b.finish();
        assert!(findings(&design, NAME)[0].message.contains("protocol Any"));
        assert!(findings(&apply_first_fix(&design, NAME), NAME).is_empty());
    }

    #[test]
    fn a_broad_destination_rule_is_flagged_but_not_narrowed() {
        let (mut b, ids) = reference_hub();
        firewall_mut(&mut b, ids.firewall).rules.push(firewall_rule(
            "onprem-to-hub",
            Access::Allow,
            &[ONPREM],
            &["10.0.0.0/16"],
            &["*"],
        ));
        let found = findings(&b.finish(), NAME);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("'onprem-to-hub'"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn rules_that_miss_the_frontend_or_deny_are_ignored() {
        let (mut b, ids) = reference_hub();
        let fw = firewall_mut(&mut b, ids.firewall);
        fw.rules.push(firewall_rule(
            "web",
            Access::Allow,
            &["0.0.0.0/0"],
            &["10.0.2.0/24"],
            &["*"],
        ));
        fw.rules.push(firewall_rule(
            "block",
            Access::Deny,
            &["0.0.0.0/0"],
            &["10.0.1.10/32"],
            &["*"],
        ));
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn trips_when_nothing_allows_the_frontend_and_the_fix_adds_the_client_ranges() {
        let (mut b, ids) = reference_hub();
        firewall_mut(&mut b, ids.firewall).rules.clear();
        let design = b.finish();
        let found = findings(&design, NAME);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("drops every HSM client"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, NAME);
        assert!(findings(&fixed, NAME).is_empty());
        let rule = &fixed.firewall(ids.firewall).unwrap().rules[0];
        assert_eq!(
            rule.sources,
            vec![net(ONPREM), net("10.20.0.0/16")],
            "not the HSM VNet"
        );
        assert_eq!(rule.destinations, vec![net("10.0.1.10/32")]);
    }

    #[test]
    fn a_rule_on_the_frontend_that_misses_tcp_1792_does_not_count_as_allowing_it() {
        let (mut b, ids) = reference_hub();
        firewall_mut(&mut b, ids.firewall).rules[0].protocol = Protocol::Udp;
        let found = findings(&b.finish(), NAME);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].message.contains("protocol Udp"),
            "{}",
            found[0].message
        );
        assert!(
            found[1].message.contains("drops every HSM client"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn does_nothing_without_a_firewall() {
        let (mut b, _) = reference_hub();
        b.design.firewalls.clear();
        assert!(findings(&b.finish(), NAME).is_empty());
    }
}
