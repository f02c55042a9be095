//! `nva-route-to-firewall`: the NVA subnet sends on-premises prefixes to the hub's firewall.

use super::fixes::attach_new_route_table;
use super::hub::{goes_to, hop_text, hubs, to_appliance};
use super::{Context, Finding, Rule, Severity};
use crate::draw::names::Names;
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashSet};
use crate::model::{Id, Route, RouteTable};
use crate::trace::{NextHopType, PrefixRoutes, RouteSource};
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
                 site-to-site or point-to-site) is sent to the firewall, as the NVA subnet's \
                 effective routes (the flow tracer's) say: the route Azure picks for the prefix \
                 is VirtualAppliance at the firewall's address, and no more specific route inside \
                 it (a user route, or a prefix a gateway learned) goes elsewhere. A route \
                 broader than the prefix loses to the gateway's route for it while gateway route \
                 propagation is on, and to Azure's default route of a private range \
                 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10), which drops traffic.",
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

/// How many routes a route table holds at most: Azure's default limit (Azure subscription
/// limits, Networking, 'Routes per route table': 400). A fix that would need more is not offered.
const ROUTES_PER_TABLE: usize = 400;

/// How many of the prefixes and of the problems a finding's message names; the rest are counted.
const NAMED: usize = 20;

/// `items` joined by `sep`, the first [`NAMED`] of them, then how many more there are.
fn some_of(items: &[String], sep: &str) -> String {
    let mut text = items
        .iter()
        .take(NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(sep);
    if items.len() > NAMED {
        text.push_str(&format!("{sep}and {} more", items.len() - NAMED));
    }
    text
}

/// Per prefix (host bits cleared): the first route of `table`, in its order, with that prefix.
fn first_route_at(table: &RouteTable) -> HashMap<Ipv4Net, usize> {
    let mut at: HashMap<Ipv4Net, usize> = HashMap::default();
    for (k, r) in table.routes.iter().enumerate() {
        at.entry(r.prefix.trunc()).or_insert(k);
    }
    at
}

/// What is wrong with how `subnet` routes the on-premises prefix `p`, judged on the routes
/// Azure picks for it (the flow tracer's effective routes); empty when all of it goes to the
/// firewall. Also the prefixes the fix must send to the firewall beyond the table's own routes:
/// more specific gateway routes inside `p`.
fn problems(
    routes: &PrefixRoutes,
    table: &RouteTable,
    first_at: &HashMap<Ipv4Net, usize>,
    p: Ipv4Net,
    fw_ip: Ipv4Addr,
) -> (Vec<String>, Vec<Ipv4Net>) {
    let mut out = Vec::new();
    let mut learned = Vec::new();
    let picked = routes.within(p);
    let mut picked = picked.into_iter();
    match picked.next() {
        None => out.push(format!("{p} has no route")),
        Some(r) if goes_to(r, fw_ip) => {}
        Some(r) if r.via == Some(table.id) => out.push(format!(
            "route '{}' sends {p} to {}",
            r.name.as_deref().unwrap_or_default(),
            hop_text(r)
        )),
        Some(r) => {
            // The table's routes holding `p` lost to Azure's pick, which is more specific (the
            // prefix the gateway learned, or Azure's default route for a private range).
            // The first such route in the table's order: its supernets of `p` looked up, at
            // most 33.
            let lost = (0..=p.prefix_len())
                .filter_map(|len| Ipv4Net::new(p.network(), len).ok())
                .filter_map(|q| first_at.get(&q.trunc()).copied())
                .min()
                .map(|k| &table.routes[k]);
            match lost {
                None => out.push(format!("{p} has no route, so Azure picks {}", r.summary())),
                Some(t) => out.push(format!(
                    "route '{}' ({}) is broader than {p}, so Azure picks {} instead",
                    t.name,
                    t.prefix,
                    r.summary()
                )),
            }
        }
    }
    for r in picked {
        // The VNet's own and peered spaces inside an on-premises prefix are an address overlap
        // (address-overlap-connected), not a way around the firewall.
        let azure_space = r.source == RouteSource::Default
            && matches!(
                r.next_hop_type,
                NextHopType::VnetLocal | NextHopType::VNetPeering
            );
        if goes_to(r, fw_ip) || azure_space {
            continue;
        }
        match &r.name {
            Some(name) if r.via == Some(table.id) => out.push(format!(
                "route '{name}' sends {} to {}",
                r.prefix,
                hop_text(r)
            )),
            _ => {
                out.push(format!("{} goes to {}", r.prefix, r.summary()));
                learned.push(r.prefix);
            }
        }
    }
    (out, learned)
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
            let table = subnet.route_table.and_then(|id| cx.index().route_table(id));
            let mut elements = vec![subnet.id];
            elements.extend(table.map(|t| t.id));
            elements.push(fw.id);
            let mut sites: Vec<Id> = Vec::new();
            let (why, edit) = match table {
                None if prefixes.len() > ROUTES_PER_TABLE => {
                    sites.extend(prefixes.iter().map(|(_, s)| s.id));
                    (
                        format!(
                            "it has no route table (one routing all {} prefixes would need more \
                             routes than the {ROUTES_PER_TABLE} a route table holds, so no fix \
                             is offered)",
                            prefixes.len()
                        ),
                        None,
                    )
                }
                None => {
                    sites.extend(prefixes.iter().map(|(_, s)| s.id));
                    let mut routes: Vec<Route> = Vec::new();
                    let mut names = Names::new([]);
                    for (p, site) in &prefixes {
                        let name = names.take(&format!("{}-via-firewall", site.name));
                        routes.push(to_appliance(name, *p, fw_ip));
                    }
                    let edit = attach_new_route_table(
                        cx,
                        subnet,
                        &format!("{}-nva-rt", hub.vnet.name),
                        routes,
                    );
                    ("it has no route table".to_string(), Some(edit))
                }
                Some(rt) => {
                    let Some(routes) = cx.network().prefix_routes(subnet.id) else {
                        continue;
                    };
                    let mut fixed = rt.clone();
                    let mut names = Names::new(rt.routes.iter().map(|r| r.name.as_str()));
                    let mut said = Vec::new();
                    let first_at = first_route_at(rt);
                    let mut sites_seen: HashSet<Id> = HashSet::default();
                    // The prefixes that do not all go to the firewall, with the more specific
                    // prefixes a gateway learned inside each.
                    let mut astray: Vec<(Ipv4Net, &str, Vec<Ipv4Net>)> = Vec::new();
                    for (p, site) in &prefixes {
                        let (found, learned) = problems(&routes, rt, &first_at, *p, fw_ip);
                        if found.is_empty() {
                            continue;
                        }
                        said.extend(found);
                        if sites_seen.insert(site.id) {
                            sites.push(site.id);
                        }
                        astray.push((*p, &site.name, learned));
                    }
                    if said.is_empty() {
                        continue;
                    }
                    // Every route of the table inside such a prefix goes to the firewall (a
                    // route's supernets are looked up, at most 33)...
                    let keys: HashSet<Ipv4Net> = astray.iter().map(|(p, _, _)| *p).collect();
                    for r in &mut fixed.routes {
                        let q = r.prefix.trunc();
                        let inside = (0..=q.prefix_len()).any(|len| {
                            Ipv4Net::new(q.network(), len).is_ok_and(|s| keys.contains(&s.trunc()))
                        });
                        if inside {
                            *r = to_appliance(r.name.clone(), r.prefix, fw_ip);
                        }
                    }
                    // ...and so does each such prefix, and each prefix a gateway learned inside
                    // it, by a route of its own when the table has none.
                    let mut routed: HashSet<Ipv4Net> =
                        fixed.routes.iter().map(|r| r.prefix.trunc()).collect();
                    let mut added: Vec<(Ipv4Net, &str)> = Vec::new();
                    for (p, site, learned) in astray {
                        for q in std::iter::once(p).chain(learned) {
                            if routed.insert(q) {
                                added.push((q, site));
                            }
                        }
                    }
                    // Not offered when the table could not hold the routes.
                    let needed = fixed.routes.len() + added.len();
                    let too_many = (needed > ROUTES_PER_TABLE).then(|| {
                        format!(
                            " (the fix would need {needed} routes, more than the \
                             {ROUTES_PER_TABLE} a route table holds, so none is offered)"
                        )
                    });
                    let edit = too_many.is_none().then(|| {
                        for (q, site) in added {
                            let name = names.take(&format!("{site}-via-firewall"));
                            fixed.routes.push(to_appliance(name, q, fw_ip));
                        }
                        Edit::Replace(Element::RouteTable(fixed))
                    });
                    (
                        format!(
                            "in route table {}, {}{}",
                            cx.name(rt.id),
                            some_of(&said, "; "),
                            too_many.unwrap_or_default()
                        ),
                        edit,
                    )
                }
            };
            elements.extend(&sites);
            let listed: Vec<String> = prefixes.iter().map(|(p, _)| p.to_string()).collect();
            let finding = Finding::of(
                &RULE,
                format!(
                    "NVA subnet {} of hub {} does not send on-premises traffic ({}) to \
                         firewall {} ({fw_ip}): {why}; replies to on-premises clients would \
                         bypass the firewall. Route each on-premises prefix to VirtualAppliance \
                         {fw_ip}",
                    cx.name(subnet.id),
                    cx.name(hub.vnet.id),
                    some_of(&listed, ", "),
                    cx.name(fw.id)
                ),
                elements,
            );
            out.push(match edit {
                Some(edit) => finding.with_fix(
                    "Route on-premises prefixes from the NVA subnet to the firewall",
                    edit,
                ),
                // More routes than a route table holds (ROUTES_PER_TABLE): no one-click fix.
                None => finding,
            });
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
    fn a_broad_route_loses_to_the_gateway_route_for_the_prefix() {
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.nva_rt).routes = vec![route(
            "private-via-fw",
            "192.168.0.0/15",
            NextHop::VirtualAppliance,
            Some(FIREWALL_IP),
        )];
        trips_and_fix_clears(&b.finish(), "broader");
    }

    #[test]
    fn a_broad_route_loses_to_azures_default_route_even_without_gateway_routes() {
        // With gateway route propagation off, the rule took the broad route to be the one Azure
        // uses. Azure (and the trace) pick the longer default route of the private range,
        // 192.168.0.0/16 with next hop None, and drop the replies.
        let (mut b, ids) = reference_hub();
        let rt = route_table_mut(&mut b, ids.nva_rt);
        rt.routes = vec![route(
            "private-via-fw",
            "192.168.0.0/15",
            NextHop::VirtualAppliance,
            Some(FIREWALL_IP),
        )];
        rt.bgp_propagation = false;
        let design = b.finish();
        let fixed = trips_and_fix_clears(&design, "192.168.0.0/16 -> None (system route)");
        assert_eq!(fixed.route_table(ids.nva_rt).unwrap().routes.len(), 2);
        let net = crate::trace::Network::new(&design);
        let picked = net.route(ids.nva_subnet, ip("192.168.1.1")).unwrap();
        assert_eq!(picked.next_hop_type, crate::trace::NextHopType::None);

        // The prefix itself to the firewall wins over the default route.
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.nva_rt).bgp_propagation = false;
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
