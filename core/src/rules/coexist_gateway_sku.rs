//! `coexist-gateway-sku`: coexisting ExpressRoute and VPN gateways use non-Basic SKUs and a
//! RouteBased VPN.

use super::select::multi_gateway_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::{Gateway, GatewayKind, VpnType};

/// The SKUs the fix moves a Basic gateway to.
const ER_SKU: &str = "Standard";
const VPN_SKU: &str = "VpnGw1AZ";

fn is_basic(g: &Gateway) -> bool {
    g.sku.trim().eq_ignore_ascii_case("Basic")
}

pub static RULE: Rule = Rule {
    name: "coexist-gateway-sku",
    severities: &[Severity::Error],
    summary: "When ExpressRoute and VPN gateways share a VNet, neither uses the Basic SKU and the VPN is RouteBased.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "In every VNet holding both an ExpressRoute and a VPN gateway: neither gateway has \
                 the Basic SKU, and the VPN gateway's type is RouteBased.",
        why: "Azure supports ExpressRoute and site-to-site VPN side by side only with non-Basic \
              gateway SKUs and a route-based VPN gateway; with a Basic SKU or a policy-based VPN \
              the coexisting configuration cannot be created.",
        fix: "Move a Basic ExpressRoute gateway to Standard, a Basic VPN gateway to VpnGw1AZ, and \
              make the VPN gateway RouteBased (reconfigure the on-premises device for \
              route-based IPsec if it was policy-based).",
        source: "ExpressRoute and site-to-site coexisting connections, 'Limits and limitations'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let facts = cx.index();
    for id in multi_gateway_vnets(cx) {
        let Some(vnet) = cx.index().vnet(id) else {
            continue;
        };
        let gateways: Vec<&Gateway> = facts
            .gateways_of(vnet.id)
            .iter()
            .filter_map(|id| cx.index().gateway(*id))
            .collect();
        let er = gateways
            .iter()
            .find(|g| g.kind == GatewayKind::ExpressRoute);
        let vpn = gateways.iter().find(|g| g.kind == GatewayKind::Vpn);
        let (Some(er), Some(vpn)) = (er, vpn) else {
            continue;
        };
        for g in &gateways {
            let partner = if g.kind == GatewayKind::Vpn { er } else { vpn };
            let mut problems = Vec::new();
            let mut fixed = (*g).clone();
            if is_basic(g) {
                problems.push("uses the Basic SKU".to_string());
                fixed.sku = match g.kind {
                    GatewayKind::ExpressRoute => ER_SKU,
                    GatewayKind::Vpn => VPN_SKU,
                }
                .to_string();
            }
            if g.kind == GatewayKind::Vpn && g.vpn_type != Some(VpnType::RouteBased) {
                problems.push(match g.vpn_type {
                    Some(VpnType::PolicyBased) => "is PolicyBased".to_string(),
                    _ => "has no VPN type".to_string(),
                });
                fixed.vpn_type = Some(VpnType::RouteBased);
            }
            if problems.is_empty() {
                continue;
            }
            let mut changes = Vec::new();
            if fixed.sku != g.sku {
                changes.push(format!("SKU {}", fixed.sku));
            }
            if fixed.vpn_type != g.vpn_type {
                changes.push("RouteBased".to_string());
            }
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "gateway {} in {} {} while it coexists with {}; coexisting ExpressRoute \
                         and VPN gateways need non-Basic SKUs and a RouteBased VPN",
                        cx.name(g.id),
                        cx.name(vnet.id),
                        problems.join(" and "),
                        cx.name(partner.id)
                    ),
                    vec![g.id, partner.id],
                )
                .with_fix(
                    format!("Set {}", changes.join(", ")),
                    Edit::Replace(Element::Gateway(fixed)),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::VpnType;
    use crate::rules::testing::*;

    const RULE: &str = "coexist-gateway-sku";

    #[test]
    fn passes_standard_skus_and_a_route_based_vpn() {
        let (mut b, ids) = hsm_vnet();
        b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2AZ", None);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_basic_expressroute_gateway_alone_is_not_this_rules_business() {
        let (mut b, _) = hsm_vnet();
        b.design.gateways[0].sku = "Basic".into();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_a_basic_expressroute_gateway_beside_a_vpn_and_the_fix_sets_standard() {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2AZ", None);
        b.design.gateways[0].sku = "Basic".into();
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.er_gateway, vpn]);
        assert!(found[0].message.contains("Basic"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.gateway(ids.er_gateway).unwrap().sku, "Standard");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn trips_on_a_basic_policy_based_vpn_and_one_fix_clears_both() {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "vpngw", "Basic", None);
        b.design.gateways[1].vpn_type = Some(VpnType::PolicyBased);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("PolicyBased"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let g = fixed.gateway(vpn).unwrap();
        assert_eq!(
            (g.sku.as_str(), g.vpn_type),
            ("VpnGw1AZ", Some(VpnType::RouteBased))
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn both_basic_gives_two_findings() {
        let (mut b, ids) = hsm_vnet();
        b.vpn_gateway(ids.gateway_subnet, "vpngw", "basic", None);
        b.design.gateways[0].sku = "Basic".into();
        let design = b.finish();
        assert_eq!(findings(&design, RULE).len(), 2);
        let once = apply_first_fix(&design, RULE);
        let twice = apply_first_fix(&once, RULE);
        assert!(findings(&twice, RULE).is_empty());
    }
}
