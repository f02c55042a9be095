//! `hsm-subnet-no-route-table`: no route table (user-defined routes) on an HSM subnet.

use super::select::hsm_subnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "hsm-subnet-no-route-table",
    severities: &[Severity::Error],
    summary: "A subnet delegated to Dedicated HSM (or holding an HSM) has no route table.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "No subnet that is delegated to Microsoft.HardwareSecurityModules/dedicatedHSMs, \
                 or that holds an HSM, has a route table associated, whatever routes it holds.",
        why: "User-defined routes are not supported on a subnet delegated to Dedicated HSM: the \
              association or the HSM deployment fails, and the HSM's NIC ignores UDRs anyway. \
              Return traffic from the HSMs therefore cannot be steered through an appliance \
              by routes on the HSM side.",
        fix: "Detach the route table from the HSM subnet. Make return traffic symmetric instead \
              by having the NVA proxy tier source-NAT client addresses, so replies go back to \
              the NVA without any route in the HSM subnet.",
        source: "Networking considerations, 'Subnets', 'Networking Restrictions' and the note \
                 under 'Solution Architecture'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (vnet, subnet) in hsm_subnets(cx) {
        let Some(table) = subnet.route_table else {
            continue;
        };
        let mut detached = subnet.clone();
        detached.route_table = None;
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "HSM subnet {} in {} has route table {} associated; delegated HSM subnets \
                     do not support user-defined routes, so detach it (an SNAT proxy keeps the \
                     return path symmetric without routes)",
                    cx.name(subnet.id),
                    cx.name(vnet.id),
                    cx.name(table)
                ),
                vec![subnet.id, table],
            )
            .with_fix(
                "Detach the route table from the HSM subnet",
                Edit::Replace(Element::Subnet {
                    vnet: vnet.id,
                    subnet: detached,
                }),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::route;
    use crate::model::NextHop;
    use crate::rules::testing::*;

    #[test]
    fn trips_on_a_route_table_and_the_fix_detaches_it() {
        let (mut b, ids) = hsm_vnet();
        let rt = b.route_table(
            "hsm-rt",
            vec![route(
                "onprem",
                "192.168.0.0/16",
                NextHop::VirtualAppliance,
                Some("10.10.2.4"),
            )],
            &[ids.hsm_subnet],
        );
        let design = b.finish();
        let found = findings(&design, "hsm-subnet-no-route-table");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, rt]);
        assert!(
            found[0].message.contains("'hsm-rt'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "hsm-subnet-no-route-table");
        assert_eq!(fixed.subnet(ids.hsm_subnet).unwrap().1.route_table, None);
        assert!(fixed.route_table(rt).is_some(), "the table itself is kept");
        assert!(findings(&fixed, "hsm-subnet-no-route-table").is_empty());
    }

    #[test]
    fn an_empty_route_table_still_counts() {
        let (mut b, ids) = hsm_vnet();
        b.route_table("empty", vec![], &[ids.hsm_subnet]);
        assert_eq!(findings(&b.finish(), "hsm-subnet-no-route-table").len(), 1);
    }

    #[test]
    fn passes_without_route_table_and_ignores_other_subnets() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.subnet(ids.vnet, "apps", "10.10.2.0/24");
        b.route_table("apps-rt", vec![], &[apps, ids.gateway_subnet]);
        assert!(findings(&b.finish(), "hsm-subnet-no-route-table").is_empty());
    }

    #[test]
    fn an_empty_delegated_subnet_counts() {
        let (mut b, ids) = hsm_vnet();
        let spare = b.hsm_subnet(ids.vnet, "hsm-spare", "10.10.3.0/28");
        b.route_table("spare-rt", vec![], &[spare]);
        let found = findings(&b.finish(), "hsm-subnet-no-route-table");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[0], spare);
    }
}
