//! `hsm-vnet-er-gateway`: every VNet holding HSMs has an ExpressRoute gateway in its
//! GatewaySubnet.

use super::fixes::{add_gateway, planned};
use super::select::{dedicated_hsm_vnets, gateway_subnet_of};
use super::{Context, Finding, Rule, Severity};
use crate::azure::names::is_gateway_subnet;
use crate::draw::new::{self, SubnetRole};
use crate::edit::Edit;
use crate::model::defaults::ER_GATEWAY_SKU;
use crate::model::{Gateway, GatewayKind, Vnet};

pub static RULE: Rule = Rule {
    name: "hsm-vnet-er-gateway",
    severities: &[Severity::Error],
    summary:
        "Every VNet that holds HSMs has an ExpressRoute gateway in a subnet named GatewaySubnet.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each VNet with at least one HSM, looks for a gateway of kind ExpressRoute \
                 placed in a subnet of that VNet named exactly GatewaySubnet.",
        why: "Dedicated HSM ties its devices into the virtual network through an ExpressRoute \
              gateway in that same network: the current service architecture needs it, whether \
              or not any circuit is ever connected. An HSM deployed before the gateway exists and \
              is ready fails, which is why exports make every HSM depend on it.",
        fix: "Add a GatewaySubnet (a /27 at the first free place of the address space) when the \
              VNet has none, and an ExpressRoute gateway (ErGw1AZ) in it. An ExpressRoute \
              gateway already in another subnet of the VNet is moved into the GatewaySubnet \
              rather than doubled.",
        source: "Networking considerations, 'ExpressRoute gateway'; Dedicated HSM \
                 troubleshooting, 'HSM Deployment Race Condition'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let facts = cx.index();
    // Payment HSMs need no gateway: their templates deploy none (payment-hsm quickstarts).
    for id in dedicated_hsm_vnets(cx) {
        let Some(vnet) = cx.index().vnet(id) else {
            continue;
        };
        let er: Vec<&Gateway> = facts
            .gateways_of(vnet.id)
            .iter()
            .filter_map(|id| cx.index().gateway(*id))
            .filter(|g| g.kind == GatewayKind::ExpressRoute)
            .collect();
        let in_place = |g: &&Gateway| {
            cx.index()
                .subnet(g.subnet)
                .is_some_and(|(_, s)| is_gateway_subnet(&s.name))
        };
        if er.iter().any(in_place) {
            continue;
        }
        let existing = gateway_subnet_of(vnet);
        let stray = er.first().copied();
        let mut elements = vec![vnet.id];
        let message = match stray {
            Some(g) => {
                elements.push(g.id);
                format!(
                    "VNet {} holds HSMs and its ExpressRoute gateway {} sits in subnet {}, not in \
                     GatewaySubnet; move the gateway into GatewaySubnet",
                    cx.name(vnet.id),
                    cx.name(g.id),
                    cx.name(g.subnet)
                )
            }
            None => format!(
                "VNet {} holds HSMs but has no ExpressRoute gateway; Dedicated HSM needs one in \
                 the VNet's GatewaySubnet",
                cx.name(vnet.id)
            ),
        };
        if let Some(s) = existing {
            elements.push(s.id);
        }
        let finding = Finding::of(&RULE, message, elements);
        out.push(match fix(cx, vnet, stray) {
            Some((label, edit)) => finding.with_fix(label, edit),
            None => finding,
        });
    }
}

/// Puts an ExpressRoute gateway into the VNet's GatewaySubnet, adding the subnet when missing:
/// the stray one moved there, else a new one.
fn fix(cx: &Context, vnet: &Vnet, stray: Option<&Gateway>) -> Option<(String, Edit)> {
    let edit = planned(cx.design, |plan| match stray {
        Some(g) => {
            let subnet = new::special_subnet(plan, vnet.id, SubnetRole::Gateway)?;
            new::gateway_into(plan, g.id, subnet)
        }
        None => add_gateway(plan, vnet, GatewayKind::ExpressRoute).map(drop),
    })?;
    let label = match stray {
        Some(_) => "Move the ExpressRoute gateway into GatewaySubnet".to_string(),
        None => format!("Add an ExpressRoute gateway ({ER_GATEWAY_SKU}) in GatewaySubnet"),
    };
    Some((label, edit))
}

#[cfg(test)]
mod tests {
    use crate::edit::Edit;
    use crate::model::GatewayKind;
    use crate::rules::testing::*;

    const RULE: &str = "hsm-vnet-er-gateway";

    #[test]
    fn passes_an_hsm_vnet_with_its_gateway() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_without_gateway_subnet_and_the_fix_adds_both() {
        let (b, ids) = hsm_vnet();
        let design = b.finish().apply(&Edit::Remove(ids.gateway_subnet)).unwrap();
        assert!(design.gateways.is_empty());
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.vnet]);
        assert!(
            found[0].message.contains("'hsm-vnet'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let vnet = fixed.vnet(ids.vnet).unwrap();
        let gs = vnet
            .subnets
            .iter()
            .find(|s| s.name == "GatewaySubnet")
            .unwrap();
        assert_eq!(gs.prefix.to_string(), "10.10.0.0/27");
        let gw = &fixed.gateways[0];
        assert_eq!(
            (gw.kind, gw.sku.as_str(), gw.subnet),
            (GatewayKind::ExpressRoute, "ErGw1AZ", gs.id)
        );
        assert!(findings(&fixed, RULE).is_empty());
        assert!(findings(&fixed, "gateway-subnet-name").is_empty());
        assert!(findings(&fixed, "gateway-subnet-size").is_empty());
    }

    #[test]
    fn an_empty_gateway_subnet_gets_a_gateway_and_no_second_subnet() {
        let (b, ids) = hsm_vnet();
        let design = b.finish().apply(&Edit::Remove(ids.er_gateway)).unwrap();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.vnet, ids.gateway_subnet]);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.vnets[0].subnets.len(), design.vnets[0].subnets.len());
        assert_eq!(fixed.gateways[0].subnet, ids.gateway_subnet);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_vpn_gateway_alone_does_not_count() {
        let (mut b, ids) = hsm_vnet();
        b.design.gateways.clear();
        b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2AZ", None);
        assert_eq!(findings(&b.finish(), RULE).len(), 1);
    }

    #[test]
    fn an_er_gateway_in_another_subnet_is_moved_not_doubled() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).name = "gw".into();
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].elements.contains(&ids.er_gateway));
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.gateways.len(), 1);
        let (_, s) = fixed.subnet(fixed.gateways[0].subnet).unwrap();
        assert_eq!(s.name, "GatewaySubnet");
        assert!(findings(&fixed, RULE).is_empty());
        assert!(findings(&fixed, "gateway-one-per-type").is_empty());
    }

    #[test]
    fn a_vnet_without_hsms_needs_no_gateway() {
        let (mut b, _) = hsm_vnet();
        b.design.hsms.clear();
        b.design.gateways.clear();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn no_fix_when_the_address_space_is_full() {
        let (mut b, ids) = hsm_vnet();
        b.design.gateways.clear();
        b.vnet_mut(ids.vnet)
            .subnets
            .retain(|s| s.id != ids.gateway_subnet);
        b.vnet_mut(ids.vnet).address_space = vec![crate::model::builder::net("10.10.1.0/28")];
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }
}
