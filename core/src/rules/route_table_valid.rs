//! `route-table-valid`: a route table holds each prefix once, and only virtual-appliance routes
//! carry a next-hop address (which they must).

use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt};
use crate::model::{NextHop, RouteTable};
use ipnet::Ipv4Net;

pub static RULE: Rule = Rule {
    name: "route-table-valid",
    severities: &[Severity::Error],
    summary: "A route table holds each address prefix once; VirtualAppliance routes have a next-hop address and no other route has one.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For every route table: no two routes have the same address prefix (compared \
                 after truncation to the network address); every route whose next hop is \
                 VirtualAppliance names the appliance's address; no route with another next-hop \
                 type (VirtualNetworkGateway, VnetLocal, Internet, None) names an address.",
        why: "Azure refuses a route table with two routes for the same prefix (RouteConflict: \
              'Routes cannot have the same AddressPrefix'), a virtual-appliance route without \
              the address to forward to, and a next-hop address on any other route type. The \
              deployment stops at the route table, and the subnets that rely on it keep \
              Azure's system routes, bypassing the firewall or appliance.",
        fix: "The one-click fix removes a later route that repeats an earlier one exactly (same \
              prefix, next hop and address) and drops the next-hop address of routes that must \
              not have one. Two routes for one prefix that disagree, and a virtual-appliance \
              route without an address, need a decision: edit them by hand.",
        source: "virtual-network/virtual-networks-udr-overview.md, 'User-defined' (a \
                 virtual-appliance route also specifies a next hop IP address); REST \
                 specification routeTable.json, RoutePropertiesFormat.nextHopIpAddress ('Next \
                 hop values are only allowed in routes where the next hop type is \
                 VirtualAppliance'); Azure's RouteConflict error for two routes with one \
                 prefix.",
    },
    check,
};

/// At most this many problems are spelt out in one finding; the rest are counted.
const SHOWN: usize = 3;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for table in &cx.design.route_tables {
        check_table(cx, table, out);
    }
}

fn hop_word(hop: NextHop) -> &'static str {
    match hop {
        NextHop::VirtualAppliance => "VirtualAppliance",
        NextHop::VirtualNetworkGateway => "VirtualNetworkGateway",
        NextHop::VnetLocal => "VnetLocal",
        NextHop::Internet => "Internet",
        NextHop::None => "None",
    }
}

fn check_table(cx: &Context, table: &RouteTable, out: &mut Vec<Finding>) {
    let mut problems: Vec<String> = Vec::new();
    let mut count = 0;
    let mut note = |problems: &mut Vec<String>, text: String| {
        count += 1;
        if problems.len() < SHOWN {
            problems.push(text);
        }
    };
    // The first route of each prefix keeps it.
    let mut first_of: HashMap<Ipv4Net, usize> = HashMap::new();
    // Repairs found on the way (indices in document order), applied to a copy only when there
    // is something to repair.
    let mut repeated: Vec<usize> = Vec::new();
    let mut unaddress: Vec<usize> = Vec::new();
    for (i, route) in table.routes.iter().enumerate() {
        let prefix = route.prefix.trunc();
        match first_of.get(&prefix) {
            Some(&first) => {
                let earlier = &table.routes[first];
                let same =
                    earlier.next_hop == route.next_hop && earlier.next_hop_ip == route.next_hop_ip;
                note(
                    &mut problems,
                    if same {
                        format!(
                            "routes '{}' and '{}' both send {prefix} the same way",
                            earlier.name, route.name
                        )
                    } else {
                        format!(
                            "routes '{}' and '{}' both send {prefix}, to different next hops",
                            earlier.name, route.name
                        )
                    },
                );
                if same {
                    repeated.push(i);
                    continue;
                }
            }
            None => {
                first_of.insert(prefix, i);
            }
        }
        match (route.next_hop, route.next_hop_ip) {
            (NextHop::VirtualAppliance, None) => note(
                &mut problems,
                format!(
                    "route '{}' ({}) goes to a virtual appliance but names no next-hop address",
                    route.name, route.prefix
                ),
            ),
            (hop, Some(ip)) if hop != NextHop::VirtualAppliance => {
                note(
                    &mut problems,
                    format!(
                        "route '{}' ({}, next hop {}) names next-hop address {ip}, which only \
                         VirtualAppliance routes take",
                        route.name,
                        route.prefix,
                        hop_word(hop)
                    ),
                );
                unaddress.push(i);
            }
            _ => {}
        }
    }
    if count == 0 {
        return;
    }
    let more = count - problems.len();
    let mut message = format!("route table {}: {}", cx.name(table.id), problems.join("; "));
    if more > 0 {
        message.push_str(&format!(" (and {more} more)"));
    }
    message.push_str("; Azure refuses the route table");
    let finding = Finding::of(&RULE, message, vec![table.id]);
    let label = match (repeated.len(), unaddress.len()) {
        (0, 0) => {
            out.push(finding);
            return;
        }
        (1, 0) => "Remove the repeated route".to_string(),
        (n, 0) => format!("Remove the {n} repeated routes"),
        (0, 1) => "Drop the next-hop address the route must not have".to_string(),
        (0, n) => format!("Drop the next-hop addresses of {n} routes"),
        (r, u) => format!("Repair {} routes", r + u),
    };
    let mut fixed = table.clone();
    for i in unaddress {
        fixed.routes[i].next_hop_ip = None;
    }
    // `repeated` is in document order: walk it alongside the routes.
    let mut next = repeated.into_iter().peekable();
    let mut at = 0;
    fixed.routes.retain(|_| {
        let drop = next.next_if_eq(&at).is_some();
        at += 1;
        !drop
    });
    out.push(finding.with_fix(label, Edit::Replace(Element::RouteTable(fixed))));
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{route, Builder};
    use crate::model::{Design, Id, NextHop, Route};
    use crate::rules::testing::*;

    const RULE: &str = "route-table-valid";

    fn with_routes(routes: Vec<Route>) -> (Design, Id) {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "spoke", &["10.1.0.0/16"]);
        let subnet = b.subnet(vnet, "apps", "10.1.0.0/24");
        let rt = b.route_table("apps-rt", routes, &[subnet]);
        (b.finish(), rt)
    }

    #[test]
    fn passes_distinct_prefixes_with_the_right_addresses() {
        let (design, _) = with_routes(vec![
            route(
                "to-fw",
                "10.2.0.0/16",
                NextHop::VirtualAppliance,
                Some("10.0.1.4"),
            ),
            route("drop", "10.3.0.0/16", NextHop::None, None),
            route("out", "0.0.0.0/0", NextHop::Internet, None),
        ]);
        assert!(findings(&design, RULE).is_empty());
    }

    #[test]
    fn a_repeated_route_trips_it_and_the_fix_removes_it() {
        let (design, rt) = with_routes(vec![
            route(
                "a",
                "10.2.0.0/16",
                NextHop::VirtualAppliance,
                Some("10.0.1.4"),
            ),
            route("b", "10.3.0.0/16", NextHop::None, None),
            route(
                "a-again",
                "10.2.0.0/16",
                NextHop::VirtualAppliance,
                Some("10.0.1.4"),
            ),
        ]);
        let fixed =
            trips_once_and_fix_clears(&design, RULE, "'a' and 'a-again' both send 10.2.0.0/16");
        let names: Vec<&str> = fixed
            .route_table(rt)
            .unwrap()
            .routes
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn routes_that_disagree_on_one_prefix_have_no_fix() {
        let (design, _) = with_routes(vec![
            route(
                "a",
                "10.2.0.0/16",
                NextHop::VirtualAppliance,
                Some("10.0.1.4"),
            ),
            route("b", "10.2.0.0/16", NextHop::None, None),
        ]);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("different next hops"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn an_appliance_route_without_an_address_trips_it_without_a_fix() {
        let (design, _) = with_routes(vec![route(
            "to-fw",
            "10.2.0.0/16",
            NextHop::VirtualAppliance,
            None,
        )]);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("'to-fw'"), "{}", found[0].message);
        assert!(
            found[0].message.contains("'apps-rt'"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn an_address_on_another_hop_type_is_dropped_by_the_fix() {
        let (design, rt) = with_routes(vec![route(
            "out",
            "0.0.0.0/0",
            NextHop::Internet,
            Some("10.0.1.4"),
        )]);
        let fixed = trips_once_and_fix_clears(&design, RULE, "10.0.1.4");
        assert_eq!(fixed.route_table(rt).unwrap().routes[0].next_hop_ip, None);
    }

    #[test]
    fn thousands_of_routes_are_checked_in_one_pass() {
        let routes = (0..40_000u32)
            .map(|i| Route {
                name: format!("r{i}"),
                prefix: ipnet::Ipv4Net::new(
                    std::net::Ipv4Addr::from(0x0A00_0000 + (i % 20_000) * 256),
                    24,
                )
                .unwrap(),
                next_hop: NextHop::None,
                next_hop_ip: None,
            })
            .collect();
        let (design, rt) = with_routes(routes);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("(and 19997 more)"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.route_table(rt).unwrap().routes.len(), 20_000);
    }
}
