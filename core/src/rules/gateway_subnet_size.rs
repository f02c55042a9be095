//! `gateway-subnet-size`: a GatewaySubnet is /29 or larger, /27 or larger when ExpressRoute and
//! VPN gateways share it.

use super::fixes::enlarged;
use super::select::gateway_subnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt};
use crate::model::{GatewayKind, Id};

pub static RULE: Rule = Rule {
    name: "gateway-subnet-size",
    severities: &[Severity::Error, Severity::Warning],
    summary: "A GatewaySubnet is /29 or larger, and /27 or larger when ExpressRoute and VPN gateways coexist.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every gateway subnet (named GatewaySubnet or holding a gateway): smaller than /29 \
                 is an error; smaller than /27 is an error when ExpressRoute and VPN gateways share \
                 it, and a warning otherwise.",
        why: "Azure refuses a gateway subnet smaller than /29. Gateways take more addresses as \
              they scale, gain zone redundancy or get a second gateway beside them, so Azure \
              recommends /27; an ExpressRoute gateway coexisting with a VPN gateway needs /27 or \
              larger, and a subnet cannot be resized while a gateway sits in it.",
        fix: "Grow the subnet to /27: into the /27 that contains it when that is free, otherwise \
              to the first free /27 of the VNet. Nothing else moves.",
        source: "VPN Gateway settings, 'Gateway subnet'; ExpressRoute and site-to-site \
                 coexisting connections, 'Limits and limitations'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Which gateway kinds each subnet holds: (ExpressRoute, VPN).
    let mut kinds: HashMap<Id, (bool, bool)> = HashMap::new();
    for g in &cx.design.gateways {
        let entry = kinds.entry(g.subnet).or_default();
        match g.kind {
            GatewayKind::ExpressRoute => entry.0 = true,
            GatewayKind::Vpn => entry.1 = true,
        }
    }
    for (vnet, subnet) in gateway_subnets(cx) {
        let len = subnet.prefix.prefix_len();
        if len <= 27 {
            continue;
        }
        let coexist = kinds.get(&subnet.id).is_some_and(|k| k.0 && k.1);
        let (severity, why) = if len > 29 {
            (
                Severity::Error,
                "Azure needs /29 or larger (/27 recommended)".to_string(),
            )
        } else if coexist {
            (
                Severity::Error,
                "ExpressRoute and VPN gateways coexist in it, which needs /27 or larger"
                    .to_string(),
            )
        } else {
            (
                Severity::Warning,
                "Azure recommends /27 or larger so the gateways can scale".to_string(),
            )
        };
        let finding = Finding::new(
            &RULE,
            severity,
            format!(
                "gateway subnet {} of {} is a /{len}; {why}",
                cx.name(subnet.id),
                cx.name(vnet.id)
            ),
            vec![subnet.id],
        );
        out.push(match enlarged(vnet, subnet, 27) {
            Some(prefix) => {
                let mut grown = subnet.clone();
                grown.prefix = prefix;
                finding.with_fix(
                    format!("Enlarge the subnet to {prefix}"),
                    Edit::Replace(Element::Subnet {
                        vnet: vnet.id,
                        subnet: grown,
                    }),
                )
            }
            None => finding,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::net;
    use crate::rules::testing::*;
    use crate::rules::Severity;

    const RULE: &str = "gateway-subnet-size";

    #[test]
    fn passes_a_slash_27() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_slash_28_is_a_warning_and_grows_in_place() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).prefix = net("10.10.255.16/28");
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].elements, vec![ids.gateway_subnet]);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.subnet(ids.gateway_subnet).unwrap().1.prefix,
            net("10.10.255.0/27")
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_slash_30_is_an_error() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).prefix = net("10.10.255.0/30");
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("/30"), "{}", found[0].message);
    }

    #[test]
    fn a_slash_29_with_coexisting_gateways_is_an_error() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).prefix = net("10.10.255.0/29");
        b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2AZ", None);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn when_the_containing_slash_27_is_taken_it_moves_to_a_free_one() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).prefix = net("10.10.255.16/28");
        b.subnet(ids.vnet, "apps", "10.10.255.0/28");
        let design = b.finish();
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.subnet(ids.gateway_subnet).unwrap().1.prefix,
            net("10.10.0.0/27")
        );
        assert!(findings(&fixed, RULE).is_empty());
        assert!(findings(&fixed, "subnet-overlap").is_empty());
    }

    #[test]
    fn a_misnamed_subnet_holding_a_gateway_is_checked_too() {
        let (mut b, ids) = hsm_vnet();
        let sub = b.subnet_mut(ids.gateway_subnet);
        sub.name = "gw".into();
        sub.prefix = net("10.10.255.0/29");
        assert_eq!(findings(&b.finish(), RULE).len(), 1);
    }

    #[test]
    fn no_fix_when_no_slash_27_is_free() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).prefix = net("10.10.1.16/28");
        b.vnet_mut(ids.vnet).address_space = vec![net("10.10.1.0/27")];
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }
}
