//! `peering-same-region`: a peering that touches an HSM VNet joins VNets of the same region
//! (global VNet peering is supported neither with Dedicated HSM nor with Payment HSM; the
//! message names the service of the HSMs at the peering's ends).

use super::fixes::vpn_instead;
use super::select::hsm_vnets;
use super::wording::services;
use super::{Context, Finding, Rule, Severity};
use crate::azure::regions::location_key;

/// Whether two Azure locations are the same, ignoring case and spaces ("West Europe" =
/// "westeurope").
fn same_location(a: &str, b: &str) -> bool {
    location_key(a) == location_key(b)
}

pub static RULE: Rule = Rule {
    name: "peering-same-region",
    severities: &[Severity::Error],
    summary: "A peering that touches an HSM VNet joins two VNets of the same region.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every peering with an HSM VNet at either end joins two VNets whose regions have \
                 the same Azure location.",
        why: "Global (cross-region) VNet peering is not supported with Dedicated HSM: the subnet \
              delegation rules it out, so traffic from another region never reaches the HSMs \
              over such a peering. Azure Payment HSM does not support it either: a VM in one \
              region cannot reach a payment HSM in another without ExpressRoute or a VPN \
              gateway. Regions are joined with VPN gateways instead.",
        fix: "Remove the peering and join the two VNets with a VNet-to-VNet VPN: each VNet gets a \
              GatewaySubnet (/27, first free place) when missing and a RouteBased VPN gateway \
              (VpnGw2AZ) when it has none, and a VNet-to-VNet connection links the two gateways. \
              Where a VPN gateway is added, a GatewaySubnet smaller than /27 grows to /27 and a \
              Basic ExpressRoute gateway beside it becomes Standard, as coexistence requires. \
              Alternatively connect the regions over ExpressRoute.",
        source: "Dedicated HSM networking considerations, the note under 'Cross region HA using \
                 VPN gateway', 'Networking Restrictions' and 'Alternative to using Global VNET \
                 Peering'. Payment HSM solution design, 'Supported topologies' (peered VNet, \
                 cross region or global peering: No), and deployment scenarios.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let hsm = hsm_vnets(cx);
    if hsm.is_empty() {
        return;
    }
    for p in &cx.design.peerings {
        if hsm.binary_search(&p.a).is_err() && hsm.binary_search(&p.b).is_err() {
            continue;
        }
        let (Some(va), Some(vb)) = (cx.index().vnet(p.a), cx.index().vnet(p.b)) else {
            continue;
        };
        let (Some(la), Some(lb)) = (cx.index().location(va), cx.index().location(vb)) else {
            continue;
        };
        if same_location(la, lb) {
            continue;
        }
        let hsms = [p.a, p.b]
            .into_iter()
            .flat_map(|v| cx.index().hsms_of(v).iter().copied());
        let finding = Finding::of(
            &RULE,
            format!(
                "peering {} joins {} ({la}) and {} ({lb}); global VNet peering is not supported \
                 with {}: connect the regions with a VNet-to-VNet VPN instead",
                cx.name(p.id),
                cx.name(va.id),
                cx.name(vb.id),
                services(cx, hsms),
            ),
            vec![p.id, va.id, vb.id],
        );
        out.push(match vpn_instead(cx, p, va, vb) {
            Some(edit) => finding.with_fix("Replace the peering with a VNet-to-VNet VPN", edit),
            None => finding,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::same_location;
    use crate::model::builder::{net, Builder};
    use crate::model::{ConnectionKind, GatewayKind, Id, VpnType};
    use crate::rules::testing::*;

    const RULE: &str = "peering-same-region";

    /// The West Europe HSM VNet and a second HSM VNet (no gateways) in `location`, peered.
    fn peered_with(location: &str) -> (Builder, Small, Id, Id) {
        let (mut b, ids) = hsm_vnet();
        let region = b.region(location);
        let other = b.vnet(region, "hsm-vnet-2", &["10.20.0.0/16"]);
        let hs = b.hsm_subnet(other, "hsm-subnet", "10.20.1.0/28");
        b.hsm(hs, "hsm3", "stamp1", None);
        let peering = b.peering(ids.vnet, other);
        (b, ids, other, peering)
    }

    fn assert_clean_after_fix(design: &crate::model::Design) -> crate::model::Design {
        let fixed = apply_first_fix(design, RULE);
        for rule in [
            RULE,
            "cross-region-vpn",
            "gateway-one-per-type",
            "gateway-subnet-size",
            "coexist-gateway-sku",
            "gateway-subnet-name",
        ] {
            let left = findings(&fixed, rule);
            assert!(left.is_empty(), "{rule}: {left:?}");
        }
        fixed
    }

    #[test]
    fn passes_a_peering_within_one_region() {
        let (b, ..) = peered_with("westeurope");
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_cross_region_peering_without_hsms_is_not_this_rules_business() {
        let mut b = Builder::new("t");
        let we = b.region("westeurope");
        let ne = b.region("northeurope");
        let x = b.vnet(we, "x", &["10.1.0.0/16"]);
        let y = b.vnet(ne, "y", &["10.2.0.0/16"]);
        b.peering(x, y);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_a_global_peering_and_the_fix_builds_a_vnet_to_vnet_vpn() {
        let (b, ids, other, peering) = peered_with("northeurope");
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![peering, ids.vnet, other]);
        assert!(
            found[0].message.contains("westeurope"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("northeurope"),
            "{}",
            found[0].message
        );
        let fixed = assert_clean_after_fix(&design);
        assert!(fixed.peerings.is_empty());
        // The West Europe VNet keeps its GatewaySubnet; the other gets a new one.
        assert_eq!(fixed.vnet(ids.vnet).unwrap().subnets.len(), 2);
        let gs = fixed
            .vnet(other)
            .unwrap()
            .subnets
            .iter()
            .find(|s| s.name == "GatewaySubnet")
            .unwrap();
        assert_eq!(gs.prefix, net("10.20.0.0/27"));
        let vpns: Vec<_> = fixed
            .gateways
            .iter()
            .filter(|g| g.kind == GatewayKind::Vpn)
            .collect();
        assert_eq!(vpns.len(), 2);
        assert_eq!(vpns[0].subnet, ids.gateway_subnet);
        assert_eq!(vpns[1].subnet, gs.id);
        assert!(vpns
            .iter()
            .all(|g| g.sku == "VpnGw2AZ" && g.vpn_type == Some(VpnType::RouteBased)));
        assert_eq!(fixed.connections.len(), 1);
        assert_eq!(
            fixed.connections[0].kind,
            ConnectionKind::VnetToVnet {
                a: vpns[0].id,
                b: vpns[1].id
            }
        );
    }

    #[test]
    fn existing_vpn_gateways_are_reused_and_made_route_based() {
        let (mut b, ids, other, _) = peered_with("northeurope");
        let west_vpn = b.vpn_gateway(ids.gateway_subnet, "west-vpn", "VpnGw2AZ", None);
        b.design
            .gateways
            .iter_mut()
            .find(|g| g.id == west_vpn)
            .unwrap()
            .vpn_type = Some(VpnType::PolicyBased);
        let gs = b.subnet(other, "GatewaySubnet", "10.20.255.0/27");
        let north_vpn = b.vpn_gateway(gs, "north-vpn", "VpnGw2AZ", None);
        let design = b.finish();
        let fixed = assert_clean_after_fix(&design);
        assert_eq!(
            fixed.gateways.len(),
            design.gateways.len(),
            "no gateway added"
        );
        assert_eq!(
            fixed.gateway(west_vpn).unwrap().vpn_type,
            Some(VpnType::RouteBased)
        );
        assert_eq!(
            fixed.connections[0].kind,
            ConnectionKind::VnetToVnet {
                a: west_vpn,
                b: north_vpn
            }
        );
    }

    #[test]
    fn an_existing_link_is_not_doubled() {
        let (mut b, ids, other, _) = peered_with("northeurope");
        let west_vpn = b.vpn_gateway(ids.gateway_subnet, "west-vpn", "VpnGw2AZ", None);
        let gs = b.subnet(other, "GatewaySubnet", "10.20.255.0/27");
        let north_vpn = b.vpn_gateway(gs, "north-vpn", "VpnGw2AZ", None);
        b.connection(
            "v2v",
            ConnectionKind::VnetToVnet {
                a: north_vpn,
                b: west_vpn,
            },
        );
        let design = b.finish();
        let fixed = assert_clean_after_fix(&design);
        assert_eq!(fixed.connections.len(), 1);
    }

    #[test]
    fn a_spoke_in_another_region_peered_with_the_hsm_vnet_trips() {
        let (mut b, ids) = hsm_vnet();
        let ne = b.region("northeurope");
        let spoke = b.vnet(ne, "spoke", &["10.30.0.0/16"]);
        b.client_subnet(spoke, "apps", "10.30.0.0/24");
        b.peering(spoke, ids.vnet);
        let design = b.finish();
        assert_eq!(findings(&design, RULE).len(), 1);
        assert_clean_after_fix(&design);
    }

    #[test]
    fn the_message_names_the_service_of_the_hsms() {
        use crate::azure::offered::PAYSHIELD_SKUS;
        let (b, ..) = peered_with("northeurope");
        let found = findings(&b.finish(), RULE);
        assert!(
            found[0]
                .message
                .contains("not supported with Dedicated HSM:"),
            "{}",
            found[0].message
        );

        let (mut b, ..) = peered_with("northeurope");
        for h in &mut b.design.hsms {
            h.sku = PAYSHIELD_SKUS[0].to_string();
        }
        let found = findings(&b.finish(), RULE);
        assert!(
            found[0].message.contains("not supported with Payment HSM:"),
            "{}",
            found[0].message
        );
        assert!(
            !found[0].message.contains("Dedicated"),
            "{}",
            found[0].message
        );

        let (mut b, ..) = peered_with("northeurope");
        b.design.hsms[0].sku = PAYSHIELD_SKUS[0].to_string();
        let found = findings(&b.finish(), RULE);
        assert!(
            found[0]
                .message
                .contains("not supported with Dedicated HSM and Payment HSM:"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_small_gateway_subnet_and_a_basic_expressroute_gateway_are_brought_up_to_coexist() {
        let (mut b, ids, ..) = peered_with("northeurope");
        b.subnet_mut(ids.gateway_subnet).prefix = net("10.10.255.0/29");
        b.design.gateways[0].sku = "Basic".into();
        let design = b.finish();
        let fixed = assert_clean_after_fix(&design);
        assert_eq!(
            fixed.subnet(ids.gateway_subnet).unwrap().1.prefix,
            net("10.10.255.0/27")
        );
        assert_eq!(fixed.gateway(ids.er_gateway).unwrap().sku, "Standard");
    }

    #[test]
    fn no_fix_when_a_vnet_has_no_room_for_a_gateway_subnet() {
        let (mut b, _, other, _) = peered_with("northeurope");
        b.vnet_mut(other).address_space = vec![net("10.20.1.0/28")];
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn locations_compare_without_case_or_spaces() {
        assert!(same_location("westeurope", "West Europe"));
        assert!(!same_location("westeurope", "northeurope"));
    }
}
