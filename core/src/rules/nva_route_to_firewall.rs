//! `nva-route-to-firewall`: the NVA subnet sends on-premises prefixes to the hub's firewall.

use super::fixes::attach_new_route_table;
use super::hub::{goes_to, hop_text, hubs, to_appliance, unique_name};
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::{Id, Route, RouteTable};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "nva-route-to-firewall",
    severities: &[Severity::Error],
    summary: "The NVA subnet's route table sends on-premises prefixes to the firewall.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "In a hub with a firewall, every subnet holding NVAs has a route table in which \
                 each prefix of the on-premises sites wired to the hub (by ExpressRoute, \
                 site-to-site or point-to-site) is sent to the firewall: the route Azure picks \
                 for it is VirtualAppliance at the firewall's address, no more specific route \
                 inside it goes elsewhere, and, while gateway route propagation is on, the route \
                 is no broader than the prefix the gateway itself advertises.",
        why: "Without these routes the NVAs answer on-premises clients through the gateway \
              directly: the firewall sees only one direction of each session, so it drops or \
              cannot inspect the flow, and the firewall's default-deny in front of the HSMs is \
              bypassed. A route broader than the prefix learned from the gateway loses to the \
              gateway's route, because Azure picks the longest matching prefix first.",
        fix: "Add a route per on-premises prefix with next hop VirtualAppliance at the \
              firewall's private address to the NVA subnet's route table (creating and \
              attaching one when there is none); the one-click fix also sends any more \
              specific on-premises route to the firewall.",
        source: "Networking considerations, 'Solution Architecture', firewall element 4.",
    },
    check,
};

/// What is wrong with how `table` routes the on-premises prefix `p`; empty when it goes to
/// the firewall.
fn problems(table: &RouteTable, p: Ipv4Net, fw_ip: Ipv4Addr) -> Vec<String> {
    let mut out = Vec::new();
    let best = table
        .routes
        .iter()
        .filter(|r| r.prefix.trunc().contains(&p))
        .max_by_key(|r| r.prefix.prefix_len());
    match best {
        None => out.push(format!("{p} has no route")),
        Some(r) if !goes_to(r, fw_ip) => {
            out.push(format!("route '{}' sends {p} to {}", r.name, hop_text(r)))
        }
        Some(r) if table.bgp_propagation && r.prefix.prefix_len() < p.prefix_len() => {
            out.push(format!(
                "route '{}' ({}) is broader than {p}, which the gateway advertises, so the \
                 gateway's route wins",
                r.name, r.prefix
            ))
        }
        Some(_) => {}
    }
    for r in &table.routes {
        let inner = r.prefix.trunc();
        if inner.prefix_len() > p.prefix_len() && p.contains(&inner) && !goes_to(r, fw_ip) {
            out.push(format!(
                "route '{}' sends {inner} to {}",
                r.name,
                hop_text(r)
            ));
        }
    }
    out
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hub in hubs(cx) {
        let Some((fw, fw_ip)) = hub.firewall_with_ip() else {
            continue;
        };
        let prefixes = hub.onprem_prefixes();
        if prefixes.is_empty() {
            continue;
        }
        for subnet in &hub.nva_subnets {
            let table = subnet.route_table.and_then(|id| cx.index.route_table(id));
            let mut elements = vec![subnet.id];
            elements.extend(table.map(|t| t.id));
            elements.push(fw.id);
            let mut sites: Vec<Id> = Vec::new();
            let (why, edit) = match table {
                None => {
                    sites.extend(prefixes.iter().map(|(_, s)| s.id));
                    let mut routes: Vec<Route> = Vec::new();
                    for (p, site) in &prefixes {
                        let name = unique_name(
                            routes.iter().map(|r| r.name.as_str()),
                            &format!("{}-via-firewall", site.name),
                        );
                        routes.push(to_appliance(name, *p, fw_ip));
                    }
                    let edit = attach_new_route_table(
                        cx,
                        hub.vnet.id,
                        subnet,
                        &format!("{}-nva-rt", hub.vnet.name),
                        routes,
                    );
                    ("it has no route table".to_string(), edit)
                }
                Some(rt) => {
                    let mut fixed = rt.clone();
                    let mut said = Vec::new();
                    for (p, site) in &prefixes {
                        let found = problems(rt, *p, fw_ip);
                        if found.is_empty() {
                            continue;
                        }
                        said.extend(found);
                        if !sites.contains(&site.id) {
                            sites.push(site.id);
                        }
                        // The route for exactly `p` goes to the firewall; so does every more
                        // specific route inside it.
                        for r in &mut fixed.routes {
                            let q = r.prefix.trunc();
                            if p.contains(&q) {
                                *r = to_appliance(r.name.clone(), r.prefix, fw_ip);
                            }
                        }
                        if !fixed.routes.iter().any(|r| r.prefix.trunc() == *p) {
                            let name = unique_name(
                                fixed.routes.iter().map(|r| r.name.as_str()),
                                &format!("{}-via-firewall", site.name),
                            );
                            fixed.routes.push(to_appliance(name, *p, fw_ip));
                        }
                    }
                    if said.is_empty() {
                        continue;
                    }
                    (
                        format!("in route table {}, {}", cx.name(rt.id), said.join("; ")),
                        Edit::Replace(Element::RouteTable(fixed)),
                    )
                }
            };
            elements.extend(&sites);
            let listed: Vec<String> = prefixes.iter().map(|(p, _)| p.to_string()).collect();
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "NVA subnet {} of hub {} does not send on-premises traffic ({}) to \
                         firewall {} ({fw_ip}): {why}; replies to on-premises clients would \
                         bypass the firewall. Route each on-premises prefix to VirtualAppliance \
                         {fw_ip}",
                        cx.name(subnet.id),
                        cx.name(hub.vnet.id),
                        listed.join(", "),
                        cx.name(fw.id)
                    ),
                    elements,
                )
                .with_fix(
                    "Route on-premises prefixes from the NVA subnet to the firewall",
                    edit,
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::Edit;
    use crate::model::builder::{ip, net, route};
    use crate::model::{ConnectionKind, NextHop, SiteRoles};
    use crate::rules::hub::{reference_hub, route_table_mut, FIREWALL_IP};
    use crate::rules::testing::*;

    const NAME: &str = "nva-route-to-firewall";

    fn trips_and_fix_clears(design: &crate::model::Design, expect: &str) -> crate::model::Design {
        trips_once_and_fix_clears(design, NAME, expect)
    }

    #[test]
    fn passes_the_reference_hub() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn an_nva_subnet_without_a_table_gets_one_attached() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.nva_rt)).unwrap();
        let found = findings(&design, NAME);
        assert_eq!(
            found[0].elements,
            vec![ids.nva_subnet, ids.firewall, ids.site]
        );
        let fixed = trips_and_fix_clears(&design, "no route table");
        let (_, subnet) = fixed.subnet(ids.nva_subnet).unwrap();
        let rt = fixed.route_table(subnet.route_table.unwrap()).unwrap();
        assert_eq!(rt.routes.len(), 1);
        assert_eq!(rt.routes[0].prefix, net("192.168.0.0/16"));
        assert_eq!(rt.routes[0].name, "datacentre-via-firewall");
    }

    #[test]
    fn a_missing_prefix_of_a_second_site_is_added() {
        let (mut b, ids) = reference_hub();
        let branch = b.site(
            "branch",
            &["172.20.0.0/16"],
            Some("203.0.113.7"),
            SiteRoles::default(),
        );
        let vpn_subnet = ids.gateway_subnet;
        let vpn = b.vpn_gateway(vpn_subnet, "hub-vpngw", "VpnGw2AZ", None);
        b.connection(
            "branch-s2s",
            ConnectionKind::SiteToSite {
                gateway: vpn,
                site: branch,
            },
        );
        let design = b.finish();
        let found = findings(&design, NAME);
        assert_eq!(
            found[0].elements,
            vec![ids.nva_subnet, ids.nva_rt, ids.firewall, branch]
        );
        let fixed = trips_and_fix_clears(&design, "172.20.0.0/16 has no route");
        assert_eq!(fixed.route_table(ids.nva_rt).unwrap().routes.len(), 2);
    }

    #[test]
    fn a_route_to_the_gateway_is_sent_to_the_firewall_instead() {
        let (mut b, ids) = reference_hub();
        let rt = route_table_mut(&mut b, ids.nva_rt);
        rt.routes[0].next_hop = NextHop::VirtualNetworkGateway;
        rt.routes[0].next_hop_ip = None;
        let fixed = trips_and_fix_clears(&b.finish(), "VirtualNetworkGateway");
        let rt = fixed.route_table(ids.nva_rt).unwrap();
        assert_eq!(rt.routes.len(), 1, "replaced in place");
        assert_eq!(rt.routes[0].next_hop_ip, Some(ip(FIREWALL_IP)));
    }

    #[test]
    fn a_more_specific_route_that_escapes_the_firewall_is_flagged() {
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.nva_rt).routes.push(route(
            "branch-direct",
            "192.168.7.0/24",
            NextHop::VirtualNetworkGateway,
            None,
        ));
        trips_and_fix_clears(&b.finish(), "'branch-direct'");
    }

    #[test]
    fn a_broad_route_loses_to_the_gateway_unless_propagation_is_off() {
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.nva_rt).routes = vec![route(
            "private-via-fw",
            "192.168.0.0/15",
            NextHop::VirtualAppliance,
            Some(FIREWALL_IP),
        )];
        let design = b.finish();
        trips_and_fix_clears(&design, "broader");

        let (mut b, ids) = reference_hub();
        let rt = route_table_mut(&mut b, ids.nva_rt);
        rt.routes = vec![route(
            "private-via-fw",
            "192.168.0.0/15",
            NextHop::VirtualAppliance,
            Some(FIREWALL_IP),
        )];
        rt.bgp_propagation = false;
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn does_nothing_without_a_firewall_or_without_on_premises_sites() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.nva_rt)).unwrap();
        let no_fw = design.apply(&Edit::Remove(ids.firewall)).unwrap();
        assert!(findings(&no_fw, NAME).is_empty());
        let no_site = design.apply(&Edit::Remove(ids.site)).unwrap();
        assert!(findings(&no_site, NAME).is_empty());
    }
}
