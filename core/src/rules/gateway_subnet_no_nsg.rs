//! `gateway-subnet-no-nsg`: no network security group on a GatewaySubnet.

use super::select::gateway_subnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "gateway-subnet-no-nsg",
    severities: &[Severity::Error],
    summary: "A GatewaySubnet has no network security group.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every gateway subnet (named GatewaySubnet or holding a gateway) has no NSG \
                 attached.",
        why: "Azure does not support NSGs on the gateway subnet: the gateway instances need \
              management and tunnel traffic that an NSG can block, and a gateway with an NSG on \
              its subnet may stop working altogether.",
        fix: "Detach the NSG from the gateway subnet. Filter traffic on the subnets behind the \
              gateway, or with a firewall, instead.",
        source: "VPN Gateway settings, 'Gateway subnet' (network security groups on the gateway \
                 subnet are not supported).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (vnet, subnet) in gateway_subnets(cx) {
        let Some(nsg) = subnet.nsg else { continue };
        let mut detached = subnet.clone();
        detached.nsg = None;
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "gateway subnet {} of {} has NSG {} attached; Azure does not support an NSG \
                     there: detach it",
                    cx.name(subnet.id),
                    cx.name(vnet.id),
                    cx.name(nsg)
                ),
                vec![subnet.id, nsg],
            )
            .with_fix(
                "Detach the NSG from the gateway subnet",
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
    use crate::rules::testing::*;

    const RULE: &str = "gateway-subnet-no-nsg";

    #[test]
    fn trips_on_an_nsg_on_gateway_subnet_and_the_fix_detaches_it() {
        let (mut b, ids) = hsm_vnet();
        let nsg = b.nsg("gw-nsg", vec![], &[ids.gateway_subnet]);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.gateway_subnet, nsg]);
        assert!(
            found[0].message.contains("'gw-nsg'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.subnet(ids.gateway_subnet).unwrap().1.nsg, None);
        assert!(fixed.nsg(nsg).is_some(), "the NSG itself stays");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn passes_without_nsg_and_ignores_nsgs_elsewhere() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.subnet(ids.vnet, "apps", "10.10.2.0/24");
        b.nsg("apps-nsg", vec![], &[apps]);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_misnamed_subnet_holding_a_gateway_is_checked_too() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).name = "gw".into();
        b.nsg("gw-nsg", vec![], &[ids.gateway_subnet]);
        assert_eq!(findings(&b.finish(), RULE).len(), 1);
    }
}
