//! `gateway-subnet-routes`: a route table on a GatewaySubnet has no 0.0.0.0/0 route and keeps
//! BGP route propagation on.

use super::fixes::attach_new_route_table;
use super::select::gateway_subnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt, HashSet};
use crate::model::{Id, Subnet, Vnet};

pub static RULE: Rule = Rule {
    name: "gateway-subnet-routes",
    severities: &[Severity::Error],
    summary: "A route table on a GatewaySubnet has no 0.0.0.0/0 route and keeps BGP route propagation on.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For every gateway subnet (named GatewaySubnet or holding a gateway) with a route \
                 table: the table has no route for 0.0.0.0/0 and its gateway route propagation \
                 (BGP) is enabled.",
        why: "The gateway's own control traffic must reach Azure directly; a default route sending \
              it to an appliance or elsewhere breaks the gateway. With propagation off the \
              gateway subnet stops learning the routes the gateway itself advertises, and \
              on-premises or cross-region paths go dark.",
        fix: "Drop the 0.0.0.0/0 route and turn propagation on. When other subnets share the \
              table, the gateway subnet gets a corrected copy so their routing stays as it is.",
        source: "VPN Gateway settings, 'Gateway subnet' (the caution on user-defined routes on the \
                 gateway subnet).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let gateway_subnets = gateway_subnets(cx);
    // How many subnets that are not gateway subnets use each table; built when first needed.
    let mut shared: Option<HashMap<Id, usize>> = None;
    for &(vnet, subnet) in &gateway_subnets {
        let Some(rt_id) = subnet.route_table else {
            continue;
        };
        let Some(rt) = cx.index().route_table(rt_id) else {
            continue;
        };
        let defaults: Vec<&str> = rt
            .routes
            .iter()
            .filter(|r| r.prefix.prefix_len() == 0)
            .map(|r| r.name.as_str())
            .collect();
        if defaults.is_empty() && rt.bgp_propagation {
            continue;
        }
        let mut problems = Vec::new();
        if !defaults.is_empty() {
            problems.push(format!("a 0.0.0.0/0 route ('{}')", defaults.join("', '")));
        }
        if !rt.bgp_propagation {
            problems.push("gateway route propagation turned off".to_string());
        }
        let finding = Finding::of(
            &RULE,
            format!(
                "route table {} on gateway subnet {} of {} has {}; the gateway subnet needs \
                 neither: remove the default route and turn propagation on",
                cx.name(rt.id),
                cx.name(subnet.id),
                cx.name(vnet.id),
                problems.join(" and ")
            ),
            vec![subnet.id, rt.id],
        );
        let mut fixed = rt.clone();
        fixed.routes.retain(|r| r.prefix.prefix_len() != 0);
        fixed.bgp_propagation = true;
        let users = shared.get_or_insert_with(|| non_gateway_users(cx, &gateway_subnets));
        let edit = if users.get(&rt.id).copied().unwrap_or(0) == 0 {
            Edit::Replace(Element::RouteTable(fixed))
        } else {
            // Shared with other subnets: the GatewaySubnet gets a fixed copy of its own.
            attach_new_route_table(cx, subnet, &format!("{}-gateway", rt.name), fixed.routes)
        };
        out.push(finding.with_fix("Remove the default route and turn propagation on", edit));
    }
}

/// Route table id → how many subnets other than gateway subnets use it.
fn non_gateway_users(cx: &Context, gateway_subnets: &[(&Vnet, &Subnet)]) -> HashMap<Id, usize> {
    let gateway: HashSet<Id> = gateway_subnets.iter().map(|(_, s)| s.id).collect();
    let mut users = HashMap::new();
    for s in cx.design.vnets.iter().flat_map(|v| &v.subnets) {
        if let Some(rt) = s.route_table {
            if !gateway.contains(&s.id) {
                *users.entry(rt).or_insert(0) += 1;
            }
        }
    }
    users
}

#[cfg(test)]
mod tests {
    use crate::model::builder::route;
    use crate::model::NextHop;
    use crate::rules::testing::*;

    const RULE: &str = "gateway-subnet-routes";

    fn to_firewall() -> crate::model::Route {
        route(
            "to-fw",
            "10.20.0.4/32",
            NextHop::VirtualAppliance,
            Some("10.0.1.4"),
        )
    }

    #[test]
    fn passes_a_route_table_with_specific_routes() {
        let (mut b, ids) = hsm_vnet();
        b.route_table("gw-rt", vec![to_firewall()], &[ids.gateway_subnet]);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_a_default_route_and_the_fix_drops_only_it() {
        let (mut b, ids) = hsm_vnet();
        let rt = b.route_table(
            "gw-rt",
            vec![
                to_firewall(),
                route(
                    "default",
                    "0.0.0.0/0",
                    NextHop::VirtualAppliance,
                    Some("10.0.1.4"),
                ),
            ],
            &[ids.gateway_subnet],
        );
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.gateway_subnet, rt]);
        assert!(
            found[0].message.contains("'default'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let table = fixed.route_table(rt).unwrap();
        assert_eq!(table.routes.len(), 1);
        assert_eq!(table.routes[0].name, "to-fw");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn trips_on_propagation_off_and_the_fix_turns_it_on() {
        let (mut b, ids) = hsm_vnet();
        let rt = b.route_table("gw-rt", vec![], &[ids.gateway_subnet]);
        b.design.route_tables[0].bgp_propagation = false;
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("propagation"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(fixed.route_table(rt).unwrap().bgp_propagation);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_table_shared_with_a_workload_subnet_is_copied_not_changed() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.subnet(ids.vnet, "apps", "10.10.2.0/24");
        let rt = b.route_table(
            "shared-rt",
            vec![route(
                "default",
                "0.0.0.0/0",
                NextHop::VirtualAppliance,
                Some("10.0.1.4"),
            )],
            &[ids.gateway_subnet, apps],
        );
        let design = b.finish();
        let fixed = apply_first_fix(&design, RULE);
        let (before, after) = (
            design.route_table(rt).unwrap(),
            fixed.route_table(rt).unwrap(),
        );
        assert_eq!(
            (&after.name, &after.routes, after.bgp_propagation),
            (&before.name, &before.routes, before.bgp_propagation),
            "the shared table is untouched"
        );
        let (_, apps_subnet) = fixed.subnet(apps).unwrap();
        assert_eq!(apps_subnet.route_table, Some(rt));
        assert!(
            apps_subnet.layout.contains(after.layout),
            "its badge moves onto the subnet it stays on"
        );
        let copy = fixed
            .subnet(ids.gateway_subnet)
            .unwrap()
            .1
            .route_table
            .unwrap();
        assert_ne!(copy, rt);
        assert!(fixed.route_table(copy).unwrap().routes.is_empty());
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_default_route_elsewhere_is_fine() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.subnet(ids.vnet, "apps", "10.10.2.0/24");
        b.route_table(
            "apps-rt",
            vec![route(
                "default",
                "0.0.0.0/0",
                NextHop::VirtualAppliance,
                Some("10.0.1.4"),
            )],
            &[apps],
        );
        assert!(findings(&b.finish(), RULE).is_empty());
    }
}
