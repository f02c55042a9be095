//! `gateway-one-per-type`: at most one ExpressRoute gateway and one VPN gateway per VNet.

use super::select::multi_gateway_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::Edit;
use crate::hashing::HashSet;
use crate::model::{Gateway, GatewayKind, Id};

pub static RULE: Rule = Rule {
    name: "gateway-one-per-type",
    severities: &[Severity::Error],
    summary: "A VNet has at most one ExpressRoute gateway and at most one VPN gateway.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Counts the gateways of each VNet by kind: more than one ExpressRoute gateway, or \
                 more than one VPN gateway, in the same VNet is reported.",
        why: "Azure allows a single virtual network gateway of each type per virtual network; a \
              second one of the same type cannot be deployed. One ExpressRoute and one VPN \
              gateway may coexist.",
        fix: "Keep one gateway of the type (the one carrying connections) and remove the others. \
              The fix is offered only when the gateways to remove carry no connections; \
              otherwise move those connections to the gateway you keep first.",
        source: "VPN Gateway settings, 'Gateway types'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let facts = cx.index();
    // Gateways that carry at least one connection; built when first needed.
    let mut connected: Option<HashSet<Id>> = None;
    for id in multi_gateway_vnets(cx) {
        let Some(vnet) = cx.index().vnet(id) else {
            continue;
        };
        let gateways: Vec<&Gateway> = facts
            .gateways_of(vnet.id)
            .iter()
            .filter_map(|id| cx.index().gateway(*id))
            .collect();
        if gateways.len() < 2 {
            continue;
        }
        for (kind, label) in [
            (GatewayKind::ExpressRoute, "ExpressRoute"),
            (GatewayKind::Vpn, "VPN"),
        ] {
            let same: Vec<&Gateway> = gateways
                .iter()
                .copied()
                .filter(|g| g.kind == kind)
                .collect();
            if same.len() < 2 {
                continue;
            }
            let names: Vec<String> = same.iter().map(|g| cx.name(g.id)).collect();
            let mut elements = vec![vnet.id];
            elements.extend(same.iter().map(|g| g.id));
            let finding = Finding::of(
                &RULE,
                format!(
                    "VNet {} has {} {label} gateways ({}); Azure allows one per type: keep one \
                     and remove the others",
                    cx.name(vnet.id),
                    same.len(),
                    names.join(", ")
                ),
                elements,
            );
            let connected = connected.get_or_insert_with(|| {
                cx.design
                    .connections
                    .iter()
                    .flat_map(|c| c.kind.gateways())
                    .collect()
            });
            let keep = same
                .iter()
                .find(|g| connected.contains(&g.id))
                .unwrap_or(&same[0])
                .id;
            let remove: Vec<Id> = same.iter().map(|g| g.id).filter(|id| *id != keep).collect();
            if remove.iter().any(|id| connected.contains(id)) {
                out.push(finding);
                continue;
            }
            out.push(finding.with_fix(
                format!(
                    "Keep {} and remove the other {label} gateways",
                    cx.name(keep)
                ),
                Edit::Batch(remove.into_iter().map(Edit::Remove).collect()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ConnectionKind;
    use crate::model::SiteRoles;
    use crate::rules::testing::*;

    const RULE: &str = "gateway-one-per-type";

    #[test]
    fn passes_one_expressroute_and_one_vpn_gateway() {
        let (mut b, ids) = hsm_vnet();
        b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2AZ", None);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_two_expressroute_gateways_and_the_fix_keeps_the_connected_one() {
        let (mut b, ids) = hsm_vnet();
        let second = b.er_gateway(ids.gateway_subnet, "ergw2", "ErGw1AZ");
        let site = b.site("dc", &["192.168.0.0/24"], None, SiteRoles::default());
        let circuit = b.circuit(site, "er", "172.31.0.0/29");
        b.connection(
            "er-conn",
            ConnectionKind::ExpressRoute {
                gateway: second,
                circuit,
            },
        );
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.vnet, ids.er_gateway, second]);
        assert!(
            found[0].message.contains("2 ExpressRoute"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(fixed.gateway(ids.er_gateway).is_none());
        assert!(fixed.gateway(second).is_some());
        assert_eq!(fixed.connections.len(), 1, "the connection survives");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn trips_on_two_vpn_gateways_in_different_subnets_of_one_vnet() {
        let (mut b, ids) = hsm_vnet();
        let other = b.subnet(ids.vnet, "gw2", "10.10.254.0/27");
        b.vpn_gateway(ids.gateway_subnet, "vpn1", "VpnGw2AZ", None);
        b.vpn_gateway(other, "vpn2", "VpnGw2AZ", None);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("VPN"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.gateways.len(), 2);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn no_fix_when_every_duplicate_carries_connections() {
        let (mut b, ids) = hsm_vnet();
        let second = b.er_gateway(ids.gateway_subnet, "ergw2", "ErGw1AZ");
        let site = b.site("dc", &["192.168.0.0/24"], None, SiteRoles::default());
        let circuit = b.circuit(site, "er", "172.31.0.0/29");
        b.connection(
            "c1",
            ConnectionKind::ExpressRoute {
                gateway: ids.er_gateway,
                circuit,
            },
        );
        b.connection(
            "c2",
            ConnectionKind::ExpressRoute {
                gateway: second,
                circuit,
            },
        );
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn gateways_in_different_vnets_do_not_count_together() {
        let (mut b, ids) = hsm_vnet();
        let spoke = b.vnet(ids.region, "spoke", &["10.20.0.0/16"]);
        let gs = b.subnet(spoke, "GatewaySubnet", "10.20.255.0/27");
        b.er_gateway(gs, "spoke-ergw", "ErGw1AZ");
        assert!(findings(&b.finish(), RULE).is_empty());
    }
}
