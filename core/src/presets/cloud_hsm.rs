//! `cloud-hsm`: the successor of Dedicated HSM. A Cloud HSM cluster reached through a private
//! endpoint in a shared-services subnet, its private DNS zone linked to every VNet whose
//! clients use it, on-premises clients over site-to-site VPN, and a second region's
//! application VNets over global peering.

use super::{app_vnet, plan, Preset, Transit};
use crate::azure::cloud_hsm::PRIVATE_DNS_ZONE;
use crate::model::builder::{nsg_rule, Builder};
use crate::model::{Access, ConnectionKind, Design, Direction, Protocol, SiteRoles};

/// The cluster's region, then the second region whose clients use it over global peering.
const REGIONS: [&str; 2] = ["westeurope", "northeurope"];

pub const PRESET: Preset = Preset {
    name: "cloud-hsm",
    title: "Cloud HSM",
    summary: "A Cloud HSM cluster behind a private endpoint in a shared-services VNet, its \
              private DNS zone linked to the application VNets of two regions (global peering) \
              and on-premises clients over site-to-site VPN.",
    takes_spokes: true,
    takes_regions: false,
    default_spokes: 2,
    default_regions: 1,
    // The shared-services VNet peers with every application VNet of both regions: at most 500
    // peerings per VNet.
    max_spokes: 250,
    max_regions: 1,
};

const DESCRIPTION: &str = "\
Azure Cloud HSM, the successor Microsoft names for Dedicated HSM. The cluster (three HSM nodes \
Azure keeps in sync) lives in Microsoft's network: clients reach it only at a private endpoint \
(group cloudHsm) in the shared-services VNet's 'endpoints' subnet, an ordinary subnet whose NSG \
admits TCP 2224-2225 (azcloudhsm_client) and 443-444 (client requests and \
azcloudhsm_mgmt_util). Public network access is disabled. The private DNS zone \
privatelink.cloudhsm.azure.net holds the endpoint's records and is linked to the \
shared-services VNet and to every application VNet, so each resolves the nodes' names \
(hsm1.chsm-...). Application VNets in the cluster's region peer with the shared-services VNet; \
those of the second region reach it over global peering, which Cloud HSM allows. The \
on-premises datacentre runs azcloudhsm_client on its signing servers and connects by \
site-to-site VPN to the shared-services VNet's gateway, where it resolves the zone through a \
DNS forwarder. No delegated subnet, no SNAT proxy tier, no ExpressRoute gateway is needed.";

pub fn build(spokes: usize) -> Design {
    let mut b = Builder::new(PRESET.title);
    let site = b.site(
        "onprem-dc",
        &[&plan::onprem().to_string()],
        Some(plan::VPN_DEVICE),
        SiteRoles {
            hsm_client: true,
            ..SiteRoles::default()
        },
    );
    let home = b.region(REGIONS[0]);
    let shared_name = format!("shared-vnet-{}", REGIONS[0]);
    let space = plan::hub_vnet(0);
    let shared = b.vnet(home, &shared_name, &[&space.to_string()]);
    let gateway_subnet = b.subnet(
        shared,
        "GatewaySubnet",
        &plan::within(space, 0, 27).to_string(),
    );
    let vpn = b.vpn_gateway(gateway_subnet, "shared-vpngw", "VpnGw1AZ", None);
    b.connection(
        "s2s-onprem",
        ConnectionKind::SiteToSite { gateway: vpn, site },
    );
    let endpoints_prefix = plan::within(space, 256, 24);
    let endpoints = b.subnet(shared, "endpoints", &endpoints_prefix.to_string());
    let allow = |name: &str, priority: u16, ports: &str| {
        nsg_rule(
            name,
            priority,
            Direction::Inbound,
            Access::Allow,
            Protocol::Tcp,
            "VirtualNetwork",
            &endpoints_prefix.to_string(),
            ports,
        )
    };
    let deny_rest = nsg_rule(
        "deny-other-inbound",
        4000,
        Direction::Inbound,
        Access::Deny,
        Protocol::Any,
        "*",
        "*",
        "*",
    );
    b.nsg(
        "endpoints-nsg",
        vec![
            allow("allow-cloudhsm-client", 100, "2224-2225"),
            allow("allow-cloudhsm-https", 110, "443-444"),
            deny_rest,
        ],
        &[endpoints],
    );
    let cluster = b.cloud_hsm_cluster(home, &format!("chsm-{}", REGIONS[0]));
    let endpoint_ip = plan::host(endpoints_prefix, 4).to_string();
    let endpoint = b.private_endpoint(
        endpoints,
        cluster,
        &format!("chsm-{}-pe", REGIONS[0]),
        Some(&endpoint_ip),
    );
    let mut linked = vec![shared];
    for (k, location) in REGIONS.iter().enumerate() {
        let region = if k == 0 { home } else { b.region(location) };
        for j in 0..spokes {
            let name = format!("app-{location}-{}", j + 1);
            linked.push(app_vnet(
                &mut b,
                region,
                k * spokes + j,
                &name,
                None,
                (shared, shared_name.as_str()),
                Transit::None,
            ));
        }
    }
    b.private_dns_zone(PRIVATE_DNS_ZONE, &[endpoint], &linked);
    b.describe(DESCRIPTION).finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{trace, Endpoint, Verdict};

    #[test]
    fn every_client_reaches_the_endpoint_on_2225_and_an_unlinked_one_fails_at_resolution() {
        let mut design = build(2);
        let cluster = Endpoint::parse(&design, "chsm-westeurope").unwrap();
        for from in [
            "app-westeurope-1/workload",
            "app-northeurope-2/workload",
            "onprem-dc",
        ] {
            let from = Endpoint::parse(&design, from).unwrap();
            let t = trace(&design, from, cluster, Protocol::Tcp, 2225).unwrap();
            assert_eq!(t.verdict, Verdict::Delivered, "{t}");
        }
        let app = design
            .vnets
            .iter()
            .find(|v| v.name == "app-northeurope-1")
            .unwrap()
            .id;
        design.private_dns_zones[0].vnet_links.retain(|v| *v != app);
        let from = Endpoint::parse(&design, "app-northeurope-1/workload").unwrap();
        let t = trace(&design, from, cluster, Protocol::Tcp, 2225).unwrap();
        assert!(
            matches!(&t.verdict, Verdict::Dropped { hop: 0, reason } if reason.contains("not linked")),
            "{t}"
        );
    }
}
