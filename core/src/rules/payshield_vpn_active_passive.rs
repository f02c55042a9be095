//! `payshield-vpn-active-passive`: a VPN gateway carrying payment HSM traffic is active-passive.

use super::select::payment_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::GatewayKind;

pub static RULE: Rule = Rule {
    name: "payshield-vpn-active-passive",
    severities: &[Severity::Error],
    summary: "A VPN gateway in a VNet a payment HSM uses is active-passive, not active-active.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each VPN gateway in a VNet holding a payment HSM's NIC, or peered with one, \
                 is active-passive (active-active off), whatever its SKU; a zone-redundant \
                 (AZ) SKU is fine as long as it is not active-active.",
        why: "Azure Payment HSM supports connectivity over active/passive VPN gateways only: \
              active/active gateways, zone-redundant ones included, are listed as unsupported \
              topologies, so clients behind such a gateway cannot count on reaching the HSMs.",
        fix: "Configure the gateway active-passive (the one-click fix turns active-active off).",
        source: "Azure Payment HSM solution design (payment-hsm/solution-design.md), \
                 'Supported topologies': 'Connectivity over Active/Active VPN gateways: No', \
                 'Connectivity over Active/Active Zone Redundant gateways: No'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let vnets = payment_vnets(cx);
    if vnets.is_empty() {
        return;
    }
    for g in cx.design.gateways.iter().filter(|g| g.active_active) {
        if g.kind != GatewayKind::Vpn {
            continue;
        }
        let Some(vnet) = cx.index().vnet_of_subnet(g.subnet) else {
            continue;
        };
        let Some(&(_, hsm, _)) = vnets.iter().find(|(v, ..)| *v == vnet.id) else {
            continue;
        };
        let zonal = if g.sku.to_ascii_lowercase().ends_with("az") {
            "zone-redundant active-active"
        } else {
            "active-active"
        };
        let mut passive = g.clone();
        passive.active_active = false;
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "VPN gateway {} in VNet {} is {zonal}, which Azure Payment HSM does not \
                     support, so it cannot carry traffic to payment HSM {}; make it \
                     active-passive",
                    cx.name(g.id),
                    cx.name(vnet.id),
                    cx.name(hsm)
                ),
                vec![g.id, vnet.id, hsm],
            )
            .with_fix(
                format!("Make {} active-passive", cx.name(g.id)),
                Edit::Replace(Element::Gateway(passive)),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::GatewayKind;
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    #[test]
    fn an_active_active_gateway_trips_and_the_fix_makes_it_active_passive() {
        let mut design = build("payment-hsm", &Size::default()).unwrap();
        assert!(findings(&design, "payshield-vpn-active-passive").is_empty());
        design.gateways[0].active_active = true;
        let found = findings(&design, "payshield-vpn-active-passive");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("zone-redundant active-active"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "payshield-vpn-active-passive");
        assert!(!fixed.gateways[0].active_active);
        assert!(findings(&fixed, "payshield-vpn-active-passive").is_empty());
    }

    #[test]
    fn quiet_for_dedicated_hsms_and_on_the_payment_presets() {
        let mut design = build("single-vnet", &Size::default()).unwrap();
        for g in design
            .gateways
            .iter_mut()
            .filter(|g| g.kind == GatewayKind::Vpn)
        {
            g.active_active = true;
        }
        assert!(findings(&design, "payshield-vpn-active-passive").is_empty());
        let design = build("payment-hsm-multi-vnet", &Size::default()).unwrap();
        assert!(findings(&design, "payshield-vpn-active-passive").is_empty());
    }
}
