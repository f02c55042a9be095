//! `hsm-no-outbound`: no rule of the proxy path lets through a connection that an HSM opens.
//! Judged with the flow tracer's own firewall and NSG evaluation, so rule order counts, and
//! explained by a trace of such a connection.

use super::{Context, Finding, Rule, Severity};
use crate::addressing::overlaps;
use crate::edit::{Edit, Element};
use crate::model::{Access, AddressMatch, Direction, Id, PortRange, Protocol, Subnet, Vnet};
use crate::trace::firewall::{evaluate as firewall_rules, FirewallDecision};
use crate::trace::nsg::{self, port_label, Flow};
use crate::trace::{Endpoint, Network, Verdict};
use ipnet::Ipv4Net;

use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "hsm-no-outbound",
    severities: &[Severity::Warning],
    summary: "No flow requires an HSM to open a connection outward through the proxy tier.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Firewall rules, and NSG rules on the subnets that hold the NVAs, that let \
                 through a connection opened by an HSM: a rule whose source covers an HSM \
                 subnet or address and lies within the HSM VNet's address space, and which is \
                 the rule that decides such a connection when the firewall or NSG evaluates it \
                 (an earlier deny wins). The finding traces that connection from the HSM. \
                 Broad ranges (0.0.0.0/0, 10.0.0.0/8, service tags) are left to the \
                 default-deny rules. Route tables carry no source and the HSM subnet cannot \
                 have one, so routes are not judged here.",
        why: "By design the HSMs never start a connection towards the platform tier: clients \
              open NTLS sessions to the HSMs through the proxy tier, and the NVAs' SNAT brings \
              the replies back. An allow rule for HSM-sourced traffic therefore carries no \
              needed flow; it only widens what traffic from the HSM network may reach, and \
              signals a design that depends on something Dedicated HSM does not do.",
        fix: "Remove the rule. The one-click fix deletes it from the firewall or NSG.",
        source: "Networking considerations, 'Alternative to UDRs', point 4 (HSM subnets do not \
                 initiate outbound connections to the platform tier), and 'Solution \
                 Architecture' (the NVA proxy tier and its firewall rules).",
    },
    check,
};

/// An HSM subnet and the address ranges a rule about it would name.
struct HsmRange<'d> {
    vnet: &'d Vnet,
    subnet: &'d Subnet,
    /// The HSMs in the subnet with their addresses.
    hsms: Vec<(Id, Ipv4Addr)>,
    /// The HSM VNet's address-space prefixes that hold the subnet (the subnet itself when
    /// none does): a source larger than these is a broad range, not an HSM source.
    scope: Vec<Ipv4Net>,
}

fn hsm_ranges<'d, 'n>(cx: &Context<'d>, net: &dyn Fn() -> &'n Network<'d>) -> Vec<HsmRange<'d>> {
    let mut out: Vec<HsmRange<'d>> = Vec::new();
    for hsm in &cx.design.hsms {
        let Some((vnet, subnet)) = cx.index().subnet(hsm.subnet) else {
            continue;
        };
        let i = match out.iter().position(|r| r.subnet.id == subnet.id) {
            Some(i) => i,
            None => {
                let prefix = subnet.prefix.trunc();
                let mut scope: Vec<Ipv4Net> = vnet
                    .address_space
                    .iter()
                    .map(|s| s.trunc())
                    .filter(|s| s.contains(&prefix))
                    .collect();
                if scope.is_empty() {
                    scope.push(prefix);
                }
                out.push(HsmRange {
                    vnet,
                    subnet,
                    hsms: Vec::new(),
                    scope,
                });
                out.len() - 1
            }
        };
        // Pinned addresses need no tracer; only an unpinned HSM asks it for Azure's pick.
        let address = hsm.private_ip.or_else(|| net().hsm_address(hsm.id));
        out[i].hsms.extend(address.map(|ip| (hsm.id, ip)));
    }
    out
}

/// The HSM range a source stands for, if it names HSM addresses and is no broader than the
/// HSM VNet, with the first HSM it covers.
fn hsm_source<'a, 'd>(
    ranges: &'a [HsmRange<'d>],
    source: &Ipv4Net,
) -> Option<(&'a HsmRange<'d>, (Id, Ipv4Addr))> {
    let source = source.trunc();
    ranges.iter().find_map(|r| {
        let hsm = r.hsms.iter().find(|(_, ip)| source.contains(ip)).copied();
        let covers = overlaps(&source, &r.subnet.prefix) || hsm.is_some();
        let hsm = hsm.or_else(|| r.hsms.first().copied())?;
        (covers && r.scope.iter().any(|s| s.contains(&source))).then_some((r, hsm))
    })
}

/// A host of a prefix to stand for it: its first.
fn host(prefix: &Ipv4Net) -> Ipv4Addr {
    let p = prefix.trunc();
    if p.prefix_len() >= 31 {
        p.network()
    } else {
        Ipv4Addr::from(u32::from(p.network()) + 1)
    }
}

fn first_port(ports: PortRange) -> u16 {
    match ports {
        PortRange::Any => 1792,
        PortRange::Range(lo, _) => lo,
    }
}

/// The connection an HSM would open, in words, with what its trace shows when the
/// destination is in the design.
fn connection(cx: &Context, net: &Network, hsm: (Id, Ipv4Addr), flow: &Flow) -> String {
    let mut s = format!(
        "a connection opened by {} ({}) to {} on {} passes it",
        cx.name(hsm.0),
        hsm.1,
        flow.dst,
        port_label(flow.protocol, flow.port)
    );
    if let Ok(t) = net.trace(
        Endpoint::Hsm(hsm.0),
        Endpoint::Address(flow.dst),
        flow.protocol,
        flow.port,
    ) {
        match &t.verdict {
            Verdict::Delivered => s.push_str("; its trace gets there and back"),
            Verdict::Dropped { hop, reason } => s.push_str(&format!(
                "; its trace stops at hop {} ({reason}), but the rule still opens the way",
                hop + 1
            )),
        }
    }
    s
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.design.hsms.is_empty() {
        return;
    }
    // The tracer's facts are built only when some rule needs them.
    let net = || cx.network();
    let ranges = hsm_ranges(cx, &net);
    let what = |source: &Ipv4Net, r: &HsmRange| {
        format!(
            "traffic from {source}, which covers HSM subnet {} in {}",
            cx.name(r.subnet.id),
            cx.name(r.vnet.id)
        )
    };
    const WHY: &str = "HSMs never open connections outward through the proxy tier, so the \
                       rule serves no flow and only widens what the HSM network can reach; \
                       remove it";

    for fw in &cx.design.firewalls {
        for (i, rule) in fw.rules.iter().enumerate() {
            if rule.action != Access::Allow {
                continue;
            }
            let Some((source, (range, hsm))) = rule
                .sources
                .iter()
                .find_map(|s| hsm_source(&ranges, s).map(|r| (s, r)))
            else {
                continue;
            };
            let (Some(dst), Some(ports)) = (rule.destinations.first(), rule.ports.first()) else {
                continue;
            };
            let flow = Flow {
                protocol: if rule.protocol == Protocol::Any {
                    Protocol::Tcp
                } else {
                    rule.protocol
                },
                src: hsm.1,
                dst: host(dst),
                port: first_port(*ports),
            };
            // Only the rule that decides the HSM's connection matters: an earlier deny wins.
            if !matches!(firewall_rules(fw, &flow), FirewallDecision::Allowed(r) if std::ptr::eq(r, rule))
            {
                continue;
            }
            let mut trimmed = fw.clone();
            trimmed.rules.remove(i);
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "firewall {} rule '{}' allows {}: {}. {WHY}",
                        cx.name(fw.id),
                        rule.name,
                        what(source, range),
                        connection(cx, net(), hsm, &flow)
                    ),
                    vec![fw.id, range.subnet.id],
                )
                .with_fix(
                    format!("Remove rule '{}' from {}", rule.name, cx.name(fw.id)),
                    Edit::Replace(Element::Firewall(trimmed)),
                ),
            );
        }
    }

    // NSGs on subnets holding NVAs, each with the first such subnet and an NVA address (the
    // tracer's: pinned, or the one Azure would give it).
    let mut nva_nsgs: Vec<(Id, Id, Option<Ipv4Addr>)> = Vec::new();
    for nva in &cx.design.nvas {
        let Some((_, subnet)) = cx.index().subnet(nva.subnet) else {
            continue;
        };
        if let Some(nsg) = subnet.nsg {
            if !nva_nsgs.iter().any(|(n, _, _)| *n == nsg) {
                nva_nsgs.push((nsg, subnet.id, net().nva_address(nva.id)));
            }
        }
    }
    for nsg in &cx.design.nsgs {
        let Some(&(_, subnet, nva_ip)) = nva_nsgs.iter().find(|(n, _, _)| *n == nsg.id) else {
            continue;
        };
        for (i, rule) in nsg.rules.iter().enumerate() {
            let AddressMatch::Prefix(source) = rule.source else {
                continue;
            };
            if rule.access != Access::Allow {
                continue;
            }
            let Some((range, hsm)) = hsm_source(&ranges, &source) else {
                continue;
            };
            let dst = match rule.destination {
                AddressMatch::Prefix(p) => Some(host(&p)),
                _ => nva_ip,
            };
            let Some(dst) = dst else {
                continue;
            };
            let flow = Flow {
                protocol: if rule.protocol == Protocol::Any {
                    Protocol::Tcp
                } else {
                    rule.protocol
                },
                src: hsm.1,
                dst,
                port: first_port(rule.destination_ports),
            };
            let Some(routes) = net().routes_of_subnet(subnet) else {
                continue;
            };
            let decided = nsg::evaluate(nsg, rule.direction, &flow, &routes);
            if !(decided.allowed && !decided.default_rule && decided.rule == rule.name) {
                continue;
            }
            let direction = match rule.direction {
                Direction::Inbound => "inbound",
                Direction::Outbound => "outbound",
            };
            let mut trimmed = nsg.clone();
            trimmed.rules.remove(i);
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "NSG {} on NVA subnet {} has {direction} rule '{}' allowing {}: {}. {WHY}",
                        cx.name(nsg.id),
                        cx.name(subnet),
                        rule.name,
                        what(&source, range),
                        connection(cx, net(), hsm, &flow)
                    ),
                    vec![nsg.id, subnet, range.subnet.id],
                )
                .with_fix(
                    format!("Remove rule '{}' from {}", rule.name, cx.name(nsg.id)),
                    Edit::Replace(Element::Nsg(trimmed)),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{firewall_rule, nsg_rule, Builder};
    use crate::model::{Access, Direction, Protocol};
    use crate::rules::hub::{reference_hub, HubIds};
    use crate::rules::testing::*;

    const RULE: &str = "hsm-no-outbound";

    fn add_firewall_rule(b: &mut Builder, ids: &HubIds, sources: &[&str]) {
        let fw = b
            .design
            .firewalls
            .iter_mut()
            .find(|f| f.id == ids.firewall)
            .unwrap();
        fw.rules.push(firewall_rule(
            "from-hsm",
            Access::Allow,
            sources,
            &["0.0.0.0/0"],
            &["443"],
        ));
    }

    fn add_nsg_rule(b: &mut Builder, ids: &HubIds, rule: crate::model::NsgRule) {
        let nsg = b
            .design
            .nsgs
            .iter_mut()
            .find(|n| n.id == ids.nva_nsg)
            .unwrap();
        nsg.rules.insert(0, rule);
    }

    #[test]
    fn the_reference_hub_passes() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_firewall_rule_for_hsm_sourced_traffic_is_flagged_and_removed_by_the_fix() {
        let (mut b, ids) = reference_hub();
        add_firewall_rule(&mut b, &ids, &["10.10.1.0/28"]);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.firewall, ids.hsm_subnet]);
        assert!(
            found[0].message.starts_with(
                "firewall 'hub-fw' rule 'from-hsm' allows traffic from 10.10.1.0/28, which covers \
                 HSM subnet 'hsm-subnet' in 'hsm-vnet'"
            ),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
        let fw = fixed.firewall(ids.firewall).unwrap();
        assert_eq!(fw.rules.len(), 1, "the client rule stays");
        assert_eq!(fw.rules[0].name, "luna-clients");
    }

    #[test]
    fn an_hsm_address_or_the_hsm_vnet_range_as_source_counts() {
        for source in ["10.10.1.5/32", "10.10.0.0/16", "10.10.1.0/24"] {
            let (mut b, ids) = reference_hub();
            add_firewall_rule(&mut b, &ids, &["192.168.0.0/16", source]);
            assert_eq!(findings(&b.finish(), RULE).len(), 1, "{source}");
        }
    }

    #[test]
    fn broad_or_unrelated_sources_and_deny_rules_are_left_alone() {
        for source in ["0.0.0.0/0", "10.0.0.0/8", "10.10.2.0/24", "10.20.0.0/16"] {
            let (mut b, ids) = reference_hub();
            add_firewall_rule(&mut b, &ids, &[source]);
            assert!(findings(&b.finish(), RULE).is_empty(), "{source}");
        }
        let (mut b, ids) = reference_hub();
        let fw = b
            .design
            .firewalls
            .iter_mut()
            .find(|f| f.id == ids.firewall)
            .unwrap();
        fw.rules.push(firewall_rule(
            "no-hsm",
            Access::Deny,
            &["10.10.1.0/28"],
            &["0.0.0.0/0"],
            &["*"],
        ));
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn an_nva_nsg_rule_admitting_hsm_traffic_is_flagged_and_removed_by_the_fix() {
        let (mut b, ids) = reference_hub();
        add_nsg_rule(
            &mut b,
            &ids,
            nsg_rule(
                "from-hsm",
                90,
                Direction::Inbound,
                Access::Allow,
                Protocol::Tcp,
                "10.10.1.4",
                "*",
                "*",
            ),
        );
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].elements,
            vec![ids.nva_nsg, ids.nva_subnet, ids.hsm_subnet]
        );
        assert!(
            found[0].message.contains("has inbound rule 'from-hsm'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
        assert_eq!(
            fixed.nsg(ids.nva_nsg).unwrap().rules,
            design.nsg(ids.nva_nsg).unwrap().rules[1..]
        );
    }

    #[test]
    fn nsg_rules_elsewhere_and_tags_are_not_judged() {
        let (mut b, ids) = reference_hub();
        // A tag as source on the NVA subnet's NSG.
        add_nsg_rule(
            &mut b,
            &ids,
            nsg_rule(
                "vnet-in",
                95,
                Direction::Inbound,
                Access::Allow,
                Protocol::Tcp,
                "VirtualNetwork",
                "*",
                "*",
            ),
        );
        // An HSM source on the spoke's NSG, which is not on the proxy path.
        let rule = nsg_rule(
            "hsm-in",
            100,
            Direction::Inbound,
            Access::Allow,
            Protocol::Tcp,
            "10.10.1.0/28",
            "*",
            "*",
        );
        b.nsg("spoke-nsg", vec![rule], &[ids.workload]);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn an_earlier_deny_rule_decides_and_nothing_is_flagged() {
        let (mut b, ids) = reference_hub();
        let fw = b
            .design
            .firewalls
            .iter_mut()
            .find(|f| f.id == ids.firewall)
            .unwrap();
        fw.rules.insert(
            0,
            firewall_rule(
                "no-hsm-out",
                Access::Deny,
                &["10.10.1.0/28"],
                &["0.0.0.0/0"],
                &["*"],
            ),
        );
        add_firewall_rule(&mut b, &ids, &["10.10.1.0/28"]);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn the_finding_explains_itself_with_the_traced_connection() {
        let (mut b, ids) = reference_hub();
        add_firewall_rule(&mut b, &ids, &["10.10.1.4/32"]);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains(
                "a connection opened by 'hsm1' (10.10.1.4) to 0.0.0.1 on TCP 443 passes it"
            ),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn an_nsg_rule_of_nvas_without_pinned_addresses_is_judged_at_the_tracers_address() {
        // Before, an NVA without a pinned address gave the rule nowhere to send the HSM's
        // connection, and an allow naming no destination prefix went unjudged.
        let (mut b, ids) = reference_hub();
        for nva in [ids.nva1, ids.nva2] {
            crate::rules::hub::nva_mut(&mut b, nva).private_ip = None;
        }
        add_nsg_rule(
            &mut b,
            &ids,
            nsg_rule(
                "from-hsm",
                90,
                Direction::Inbound,
                Access::Allow,
                Protocol::Tcp,
                "10.10.1.4",
                "*",
                "*",
            ),
        );
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("has inbound rule 'from-hsm'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn nothing_without_hsms() {
        let (mut b, ids) = reference_hub();
        add_firewall_rule(&mut b, &ids, &["10.10.1.0/28"]);
        b.design.hsms.clear();
        assert!(findings(&b.finish(), RULE).is_empty());
    }
}
