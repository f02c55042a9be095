//! `gateway-route-to-firewall`: the hub's GatewaySubnet sends the load balancer frontend to
//! the firewall.

use super::fixes::attach_new_route_table;
use super::hub::{goes_to, hop_text, hubs, to_appliance};
use super::{Context, Finding, Rule, Severity};
use crate::draw::names::unique_among;
use crate::edit::{Edit, Element};
use ipnet::Ipv4Net;

pub static RULE: Rule = Rule {
    name: "gateway-route-to-firewall",
    severities: &[Severity::Error],
    summary: "When a firewall guards the hub, the GatewaySubnet's route table sends the ILB frontend (/32) to the firewall.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "In a hub with a firewall and an internal load balancer, the route table of the \
                 GatewaySubnet has a route covering the load balancer's frontend (a /32 is \
                 expected) with next hop VirtualAppliance at the firewall's private address, \
                 and that route is the one Azure picks: the GatewaySubnet's effective route for \
                 the frontend, as the flow tracer computes it (longest prefix over the hub's own \
                 range, its peers, gateway routes and the route table).",
        why: "Traffic arriving from on-premises leaves the gateway by the GatewaySubnet's \
              routes. Without this route it goes straight to the load balancer and the NVAs, \
              so the firewall never sees it and its trusted-range rules enforce nothing: the \
              default-deny in front of the HSMs is lost.",
        fix: "Add a route for the frontend address (/32) with next hop VirtualAppliance at the \
              firewall's address to the GatewaySubnet's route table, creating and attaching a \
              table when there is none. Keep BGP route propagation on for that table.",
        source: "Networking considerations, 'Solution Architecture', firewall element 2.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hub in hubs(cx) {
        let Some((fw, fw_ip)) = hub.firewall_with_ip() else {
            continue;
        };
        let Some(ilb) = hub.ilb() else { continue };
        let Some(frontend) = ilb.frontend_ip else {
            continue;
        };
        let Some(subnet) = hub.gateway_subnet() else {
            continue;
        };
        let table = subnet.route_table.and_then(|id| cx.index().route_table(id));

        // The route Azure picks for the frontend, as the flow tracer sees it.
        let picked = cx.network().route(subnet.id, frontend);
        if picked.is_some_and(|r| goes_to(r, fw_ip)) {
            continue;
        }
        let problem = match (table, picked) {
            (None, _) => "it has no route table".to_string(),
            (Some(rt), Some(r)) if r.via == Some(rt.id) => format!(
                "route '{}' ({}) of {} sends it to {} instead",
                r.name.as_deref().unwrap_or_default(),
                r.prefix,
                cx.name(rt.id),
                hop_text(r)
            ),
            (Some(rt), picked) => {
                let wins = picked.map_or_else(|| "no route".to_string(), |r| r.summary());
                // The table's routes that hold the frontend: each lost to a more specific one.
                let lost: Vec<String> = rt
                    .routes
                    .iter()
                    .filter(|r| r.prefix.trunc().contains(&frontend))
                    .map(|r| format!("route '{}' ({})", r.name, r.prefix))
                    .collect();
                if lost.is_empty() {
                    format!(
                        "its route table {} has no route for it, so Azure picks {wins}",
                        cx.name(rt.id)
                    )
                } else {
                    format!(
                        "{} of {} is less specific than {wins}, which Azure picks instead",
                        lost.join(" and "),
                        cx.name(rt.id)
                    )
                }
            }
        };

        let mut elements = vec![subnet.id];
        elements.extend(table.map(|t| t.id));
        elements.extend([ilb.id, fw.id]);
        let host = Ipv4Net::from(frontend);
        let wanted = |name: String| to_appliance(name, host, fw_ip);
        let edit = match table {
            Some(rt) => {
                let mut fixed = rt.clone();
                match fixed.routes.iter_mut().find(|r| r.prefix.trunc() == host) {
                    Some(r) => *r = wanted(r.name.clone()),
                    None => {
                        let name = unique_among(
                            rt.routes.iter().map(|r| r.name.as_str()),
                            "ilb-via-firewall",
                        );
                        fixed.routes.push(wanted(name));
                    }
                }
                Edit::Replace(Element::RouteTable(fixed))
            }
            None => attach_new_route_table(
                cx,
                subnet,
                &format!("{}-gateway-rt", hub.vnet.name),
                vec![wanted("ilb-via-firewall".to_string())],
            ),
        };
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "GatewaySubnet {} of hub {} does not send the load balancer frontend {frontend} \
                     to firewall {} ({fw_ip}): {problem}; on-premises traffic would bypass the \
                     firewall. Add a route {host} to VirtualAppliance {fw_ip}",
                    cx.name(subnet.id),
                    cx.name(hub.vnet.id),
                    cx.name(fw.id)
                ),
                elements,
            )
            .with_fix(
                format!("Route {host} from the GatewaySubnet to the firewall"),
                edit,
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::Edit;
    use crate::model::builder::{ip, net, route};
    use crate::model::NextHop;
    use crate::rules::hub::{reference_hub, route_table_mut, FIREWALL_IP, FRONTEND};
    use crate::rules::testing::*;

    const NAME: &str = "gateway-route-to-firewall";

    fn trips_and_fix_clears(design: &crate::model::Design, expect: &str) -> crate::model::Design {
        trips_once_and_fix_clears(design, NAME, expect)
    }

    #[test]
    fn passes_the_reference_hub() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn a_gateway_subnet_without_a_table_gets_one_attached() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.gateway_rt)).unwrap();
        let found = findings(&design, NAME);
        assert_eq!(
            found[0].elements,
            vec![ids.gateway_subnet, ids.ilb, ids.firewall]
        );
        let fixed = trips_and_fix_clears(&design, "no route table");
        let (_, subnet) = fixed.subnet(ids.gateway_subnet).unwrap();
        let rt = fixed.route_table(subnet.route_table.unwrap()).unwrap();
        assert_eq!(rt.routes[0].prefix, net("10.0.1.10/32"));
        assert!(rt.bgp_propagation);
    }

    #[test]
    fn a_table_without_the_route_gets_it() {
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.gateway_rt).routes.clear();
        let fixed = trips_and_fix_clears(&b.finish(), "has no route for it");
        assert_eq!(fixed.route_table(ids.gateway_rt).unwrap().routes.len(), 1);
    }

    #[test]
    fn a_route_to_the_wrong_hop_is_replaced_in_place() {
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.gateway_rt).routes[0].next_hop_ip = Some(ip("10.0.1.4"));
        let fixed = trips_and_fix_clears(&b.finish(), "VirtualAppliance 10.0.1.4");
        let rt = fixed.route_table(ids.gateway_rt).unwrap();
        assert_eq!(rt.routes.len(), 1, "Azure allows one route per prefix");
        assert_eq!(rt.routes[0].next_hop_ip.unwrap().to_string(), FIREWALL_IP);
    }

    #[test]
    fn a_more_specific_route_elsewhere_wins_over_a_broad_one_to_the_firewall() {
        let (mut b, ids) = reference_hub();
        let rt = route_table_mut(&mut b, ids.gateway_rt);
        rt.routes = vec![
            route(
                "hub-via-fw",
                "10.0.0.0/16",
                NextHop::VirtualAppliance,
                Some(FIREWALL_IP),
            ),
            route("nvas-direct", "10.0.1.0/24", NextHop::VnetLocal, None),
        ];
        trips_and_fix_clears(&b.finish(), "'nvas-direct'");
    }

    #[test]
    fn a_covering_route_at_least_as_specific_as_the_hub_range_is_accepted() {
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.gateway_rt).routes = vec![route(
            "hub-via-fw",
            "10.0.0.0/16",
            NextHop::VirtualAppliance,
            Some(FIREWALL_IP),
        )];
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn a_route_broader_than_the_hub_range_loses_to_the_vnet_route() {
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.gateway_rt).routes = vec![route(
            "all-via-fw",
            "10.0.0.0/8",
            NextHop::VirtualAppliance,
            Some(FIREWALL_IP),
        )];
        let fixed = trips_and_fix_clears(&b.finish(), "less specific");
        assert_eq!(fixed.route_table(ids.gateway_rt).unwrap().routes.len(), 2);
    }

    #[test]
    fn of_two_routes_for_the_frontend_the_one_azure_uses_is_judged() {
        // Two routes for one prefix: the effective routes keep the first, which the trace
        // follows; the rule used to judge the last one, and passed this table.
        let (mut b, ids) = reference_hub();
        route_table_mut(&mut b, ids.gateway_rt).routes.insert(
            0,
            route("ilb-direct", "10.0.1.10/32", NextHop::VnetLocal, None),
        );
        let design = b.finish();
        let net = crate::trace::Network::new(&design);
        let picked = net.route(ids.gateway_subnet, ip(FRONTEND)).unwrap();
        assert_eq!(picked.name.as_deref(), Some("ilb-direct"));
        let fixed = trips_and_fix_clears(&design, "route 'ilb-direct' (10.0.1.10/32)");
        assert!(fixed
            .route_table(ids.gateway_rt)
            .unwrap()
            .routes
            .iter()
            .all(|r| r.next_hop_ip == Some(ip(FIREWALL_IP))));
    }

    #[test]
    fn does_nothing_without_a_firewall() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.firewall)).unwrap();
        let design = design.apply(&Edit::Remove(ids.gateway_rt)).unwrap();
        assert!(findings(&design, NAME).is_empty());
    }
}
