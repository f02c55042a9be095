//! `cross-region-ha`: HSM pairs in several regions joined by VNet-to-VNet VPN (global VNet
//! peering is not available with Dedicated HSM), with site-to-site VPN to an on-premises
//! backup site.

use super::{app_vnet, hsm_vnet, plan, Preset, Transit};
use crate::model::builder::Builder;
use crate::model::{ConnectionKind, Design, SiteRoles};

/// The regions in the order the preset uses them: Azure's region pairs first, both halves
/// offering Dedicated HSM, then the remaining offered regions (the US Government regions last,
/// since they are a separate cloud).
pub const REGIONS: [&str; 23] = [
    "westeurope",
    "northeurope",
    "uksouth",
    "ukwest",
    "eastus",
    "westus",
    "canadacentral",
    "canadaeast",
    "japaneast",
    "japanwest",
    "australiaeast",
    "australiasoutheast",
    "switzerlandnorth",
    "switzerlandwest",
    "centralindia",
    "southindia",
    "southeastasia",
    "eastasia",
    "eastus2",
    "westus2",
    "southcentralus",
    "usgovvirginia",
    "usgovtexas",
];

pub const PRESET: Preset = Preset {
    name: "cross-region-ha",
    title: "Cross-region HA",
    summary: "An HSM pair per region, regions joined by VNet-to-VNet VPN in a full mesh, \
              site-to-site VPN to an on-premises backup site, application VNets per region.",
    takes_spokes: true,
    takes_regions: true,
    default_spokes: 1,
    default_regions: 2,
    max_spokes: plan::MAX_SPOKES / 2,
    max_regions: REGIONS.len(),
};

const DESCRIPTION: &str = "\
High availability across regions, as the source document builds it. Each region has its own \
HSM VNet with an HA pair on two stamps in a delegated subnet, and a /27 GatewaySubnet where the \
ExpressRoute gateway the service needs coexists with a route-based VpnGw2AZ VPN gateway. Global \
VNet peering is not available with Dedicated HSM, so the regions are joined by VNet-to-VNet VPN \
in a full mesh: every pair of regions has its own tunnel, so no traffic depends on transit \
through a third region (with 23 regions a gateway carries 22 such tunnels plus one \
site-to-site, within VpnGw2AZ's 30). The on-premises site, which runs Luna clients and holds the \
backup HSM, has a site-to-site VPN to every region's VPN gateway, so losing a region loses \
neither backups nor management. Each region's application VNets peer with that region's HSM \
VNet and use its gateway to reach the other regions and on-premises. \
No warnings are expected: the HSMs span regions, stamps and sites.";

pub fn build(spokes: usize, regions: usize) -> Design {
    let mut b = Builder::new(PRESET.title);
    let site = b.site(
        "onprem-dc",
        &[&plan::onprem().to_string()],
        Some(plan::VPN_DEVICE),
        SiteRoles {
            hsm_client: true,
            backup_site: true,
            ..SiteRoles::default()
        },
    );
    let mut vpn_gateways = Vec::with_capacity(regions);
    for (k, location) in REGIONS.iter().take(regions).enumerate() {
        let region = b.region(location);
        let hsm_name = format!("hsm-vnet-{location}");
        let hsm = hsm_vnet(&mut b, region, k, &hsm_name, &format!("-{location}"));
        let vpn = b.vpn_gateway(
            hsm.gateway_subnet,
            &format!("hsm-vpngw-{location}"),
            "VpnGw2AZ",
            None,
        );
        vpn_gateways.push((vpn, *location));
        b.connection(
            &format!("s2s-onprem-{location}"),
            ConnectionKind::SiteToSite { gateway: vpn, site },
        );
        for j in 0..spokes {
            let name = format!("app-{location}-{}", j + 1);
            let hsm_vnet = (hsm.vnet, hsm_name.as_str());
            app_vnet(
                &mut b,
                region,
                k * spokes + j,
                &name,
                None,
                hsm_vnet,
                Transit::UseGateways,
            );
        }
    }
    // A full mesh of VNet-to-VNet tunnels.
    for (n, (a, a_loc)) in vpn_gateways.iter().enumerate() {
        for (b_gw, b_loc) in &vpn_gateways[n + 1..] {
            b.connection(
                &format!("v2v-{a_loc}-{b_loc}"),
                ConnectionKind::VnetToVnet { a: *a, b: *b_gw },
            );
        }
    }
    b.describe(DESCRIPTION).finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_region_order_lists_every_offered_region_once() {
        let unique: HashSet<_> = REGIONS.iter().collect();
        assert_eq!(unique.len(), REGIONS.len());
        assert_eq!(REGIONS.len(), crate::azure::regions::OFFERED.len());
        for r in REGIONS {
            assert!(crate::azure::regions::offered(r).is_some(), "{r}");
        }
    }

    #[test]
    fn regions_are_fully_meshed_and_each_reaches_on_premises() {
        let design = build(1, 4);
        let v2v = design
            .connections
            .iter()
            .filter(|c| matches!(c.kind, ConnectionKind::VnetToVnet { .. }))
            .count();
        let s2s = design
            .connections
            .iter()
            .filter(|c| matches!(c.kind, ConnectionKind::SiteToSite { .. }))
            .count();
        assert_eq!((v2v, s2s), (6, 4));
    }
}
