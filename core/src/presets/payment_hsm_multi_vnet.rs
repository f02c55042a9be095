//! `payment-hsm-multi-vnet`: Azure Payment HSM with each HSM's host NIC in one VNet and its
//! management NIC in another, in two regions for disaster recovery joined by VNet-to-VNet VPN
//! (payment HSMs cannot be reached over cross-region peering).

use super::payment_hsm::PAYMENT_MAX_SPOKES;
use super::{admin_p2s, app_vnet, payment_pair, plan, tag_fastpath, Preset, Transit};
use crate::model::builder::Builder;
use crate::model::{ConnectionKind, Design};

/// The two regions: production, then disaster recovery. Both offer Payment HSM and Dedicated
/// HSM's region list (which `hsm-region-offered` checks) holds both.
const REGIONS: [&str; 2] = ["westeurope", "northeurope"];

pub const PRESET: Preset = Preset {
    name: "payment-hsm-multi-vnet",
    title: "Payment HSM, host and management VNets",
    summary: "Azure Payment HSM with host and management NICs in separate tagged VNets, \
              application VNets peered per region, and a disaster-recovery region joined by \
              VNet-to-VNet VPN.",
    takes_spokes: true,
    takes_regions: false,
    default_spokes: 1,
    default_regions: 2,
    max_spokes: PAYMENT_MAX_SPOKES,
    max_regions: 2,
};

const DESCRIPTION: &str = "\
Azure Payment HSM with the host and management ports in different VNets, as Microsoft's \
create-different-vnet template deploys it, in two regions. In each region a host VNet delegates \
one subnet to the HSMs' host NICs and a management VNet delegates one subnet to their \
management NICs (a VNet may delegate only one subnet); both VNets, and every application VNet \
peered with the host VNet, carry the fastpathenabled tag. An HA pair on two stamps sits in each \
region. Payment applications in each region's application VNets send host commands on TCP \
1500 to their region's HSMs; for a regional failure the whole application stack switches \
region. Cross-region peering cannot carry payment HSM traffic, so the host VNets' route-based, \
active-passive VPN gateways join the regions by VNet-to-VNet VPN. In each region an \
administration workstation dials in to the management VNet's VPN gateway to reach payShield \
Manager. The subscription must have the FastPathEnabled feature registered. \
Expected information only: point-to-site suits one workstation, and no on-premises backup path.";

pub fn build(spokes: usize) -> Design {
    let mut b = Builder::new(PRESET.title);
    let mut host_gateways = Vec::with_capacity(REGIONS.len());
    for (k, location) in REGIONS.iter().enumerate() {
        let region = b.region(location);
        let host_space = plan::hsm_vnet(k);
        let host = b.vnet(
            region,
            &format!("phsm-host-{location}"),
            &[&host_space.to_string()],
        );
        tag_fastpath(&mut b, host);
        let host_gateway_subnet = b.subnet(
            host,
            "GatewaySubnet",
            &plan::within(host_space, 0, 27).to_string(),
        );
        let host_subnet = b.hsm_subnet(
            host,
            "host-subnet",
            &plan::within(host_space, 256, 28).to_string(),
        );
        host_gateways.push(b.vpn_gateway(
            host_gateway_subnet,
            &format!("phsm-host-vpngw-{location}"),
            "VpnGw1AZ",
            None,
        ));

        let management_space = plan::hub_vnet(k);
        let management = b.vnet(
            region,
            &format!("phsm-mgmt-{location}"),
            &[&management_space.to_string()],
        );
        tag_fastpath(&mut b, management);
        let management_gateway_subnet = b.subnet(
            management,
            "GatewaySubnet",
            &plan::within(management_space, 0, 27).to_string(),
        );
        let management_prefix = plan::within(management_space, 256, 28);
        let management_subnet =
            b.hsm_subnet(management, "mgmt-subnet", &management_prefix.to_string());
        payment_pair(
            &mut b,
            host_subnet,
            Some((management_subnet, management_prefix)),
            &format!("-{location}"),
        );
        admin_p2s(
            &mut b,
            management_gateway_subnet,
            &format!("phsm-mgmt-vpngw-{location}"),
            k,
            (
                &format!("admin-{location}"),
                &format!("192.168.100.{}/32", 10 + k),
                &format!("admin-p2s-{location}"),
            ),
        );

        let host_name = format!("phsm-host-{location}");
        for i in 0..spokes {
            let name = format!("app-{location}-{}", i + 1);
            let spoke = app_vnet(
                &mut b,
                region,
                k * spokes + i,
                &name,
                None,
                (host, &host_name),
                Transit::None,
            );
            tag_fastpath(&mut b, spoke);
        }
    }
    b.connection(
        "phsm-dr-v2v",
        ConnectionKind::VnetToVnet {
            a: host_gateways[0],
            b: host_gateways[1],
        },
    );
    b.describe(DESCRIPTION).finish()
}
