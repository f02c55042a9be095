//! `cross-region-vpn`: a VNet-to-VNet link has RouteBased VPN gateways at both ends.

use super::fixes::route_based;
use super::select::vpn_gateway_beside;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::{ConnectionKind, GatewayKind, VpnType};

pub static RULE: Rule = Rule {
    name: "cross-region-vpn",
    severities: &[Severity::Error],
    summary: "A VNet-to-VNet connection has RouteBased VPN gateways at both ends.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks:
            "Both gateways of every VNet-to-VNet connection are VPN gateways (not ExpressRoute) \
                 whose VPN type is RouteBased.",
        why: "VNet-to-VNet is how HSM VNets in two regions reach each other, since global VNet \
              peering is not available with Dedicated HSM. Azure builds it from two IPsec \
              connections (one per direction, sharing a key) between route-based VPN gateways; \
              a policy-based or ExpressRoute gateway cannot terminate it, and the regions lose \
              the link HA depends on.",
        fix: "Make the VPN gateways RouteBased. When an end is an ExpressRoute gateway, the \
              connection moves to the VPN gateway of the same VNet (when there is one); otherwise \
              add a VPN gateway there first.",
        source: "Networking considerations, 'Cross region HA using VPN gateway'; VNet-to-VNet \
                 connection how-to; VPN Gateway settings, 'VPN types'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.design.connections {
        let ConnectionKind::VnetToVnet { a, b } = c.kind else {
            continue;
        };
        let (Some(ga), Some(gb)) = (cx.index().gateway(a), cx.index().gateway(b)) else {
            continue;
        };
        let mut problems = Vec::new();
        let mut elements = vec![c.id];
        let mut edits = Vec::new();
        let mut fixable = true;
        let mut ends = [a, b];
        for (end, g) in [ga, gb].into_iter().enumerate() {
            if end == 1 && a == b {
                continue;
            }
            let problem = match (g.kind, g.vpn_type) {
                (GatewayKind::ExpressRoute, _) => "is an ExpressRoute gateway",
                (GatewayKind::Vpn, Some(VpnType::RouteBased)) => continue,
                (GatewayKind::Vpn, Some(VpnType::PolicyBased)) => "is PolicyBased",
                (GatewayKind::Vpn, None) => "has no VPN type",
            };
            problems.push(format!("{} {problem}", cx.name(g.id)));
            elements.push(g.id);
            let target = match g.kind {
                GatewayKind::Vpn => Some(g),
                GatewayKind::ExpressRoute => vpn_gateway_beside(cx, g),
            };
            let Some(target) = target else {
                fixable = false;
                continue;
            };
            ends[end] = target.id;
            if target.vpn_type != Some(VpnType::RouteBased) {
                edits.push(Edit::Replace(Element::Gateway(route_based(target))));
            }
        }
        if problems.is_empty() {
            continue;
        }
        let finding = Finding::of(
            &RULE,
            format!(
                "VNet-to-VNet connection {}: gateway {}; both ends need RouteBased VPN gateways",
                cx.name(c.id),
                problems.join(", gateway ")
            ),
            elements,
        );
        if !fixable {
            out.push(finding);
            continue;
        }
        if ends != [a, b] {
            let mut moved = c.clone();
            moved.kind = ConnectionKind::VnetToVnet {
                a: ends[0],
                b: ends[1],
            };
            edits.push(Edit::Replace(Element::Connection(moved)));
        }
        out.push(finding.with_fix(
            "Use RouteBased VPN gateways at both ends",
            Edit::Batch(edits),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, Id, VpnType};
    use crate::rules::testing::*;

    const RULE: &str = "cross-region-vpn";

    /// Two HSM VNets in two regions with VPN gateways joined by a VNet-to-VNet connection.
    /// Returns (builder, gateway in west, gateway in north, connection).
    fn two_regions() -> (Builder, Small, Id, Id, Id) {
        let (mut b, ids) = hsm_vnet();
        let west_vpn = b.vpn_gateway(ids.gateway_subnet, "west-vpngw", "VpnGw2AZ", None);
        let north = b.region("northeurope");
        let vnet = b.vnet(north, "hsm-vnet-2", &["10.20.0.0/16"]);
        let gs = b.subnet(vnet, "GatewaySubnet", "10.20.255.0/27");
        b.er_gateway(gs, "north-ergw", "ErGw1AZ");
        let north_vpn = b.vpn_gateway(gs, "north-vpngw", "VpnGw2AZ", None);
        let hs = b.hsm_subnet(vnet, "hsm-subnet", "10.20.1.0/28");
        b.hsm(hs, "hsm3", "stamp1", None);
        let conn = b.connection(
            "west-north",
            ConnectionKind::VnetToVnet {
                a: west_vpn,
                b: north_vpn,
            },
        );
        (b, ids, west_vpn, north_vpn, conn)
    }

    #[test]
    fn passes_route_based_gateways_at_both_ends() {
        let (b, ..) = two_regions();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_policy_based_ends_and_one_fix_clears_both() {
        let (mut b, _, west, north, conn) = two_regions();
        for g in &mut b.design.gateways {
            if g.id == west {
                g.vpn_type = Some(VpnType::PolicyBased);
            }
            if g.id == north {
                g.vpn_type = None;
            }
        }
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![conn, west, north]);
        assert!(
            found[0].message.contains("PolicyBased"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("no VPN type"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.gateway(west).unwrap().vpn_type,
            Some(VpnType::RouteBased)
        );
        assert_eq!(
            fixed.gateway(north).unwrap().vpn_type,
            Some(VpnType::RouteBased)
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn an_expressroute_end_moves_to_the_vnets_vpn_gateway() {
        let (mut b, ids, west, _, conn) = two_regions();
        let c = b
            .design
            .connections
            .iter_mut()
            .find(|c| c.id == conn)
            .unwrap();
        let ConnectionKind::VnetToVnet { b: north, .. } = c.kind else {
            unreachable!()
        };
        c.kind = ConnectionKind::VnetToVnet {
            a: ids.er_gateway,
            b: north,
        };
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("ExpressRoute"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let c = fixed.connections.iter().find(|c| c.id == conn).unwrap();
        assert_eq!(c.kind, ConnectionKind::VnetToVnet { a: west, b: north });
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn no_fix_when_an_expressroute_end_has_no_vpn_gateway_beside_it() {
        let (mut b, ids, west, _, conn) = two_regions();
        b.design.gateways.retain(|g| g.id != west);
        let c = b
            .design
            .connections
            .iter_mut()
            .find(|c| c.id == conn)
            .unwrap();
        let ConnectionKind::VnetToVnet { b: north, .. } = c.kind else {
            unreachable!()
        };
        c.kind = ConnectionKind::VnetToVnet {
            a: ids.er_gateway,
            b: north,
        };
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }
}
