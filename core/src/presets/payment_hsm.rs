//! `payment-hsm`: Azure Payment HSM as its documentation deploys it: one VNet holds the host
//! and management NICs of an HA pair of payShield 10K HSMs, application VNets are peered in the
//! same region, and an administration workstation reaches payShield Manager over point-to-site
//! VPN. Every VNet carries the `fastpathenabled` tag.

use super::{admin_p2s, app_vnet, payment_pair, plan, tag_fastpath, Preset, Transit};
use crate::model::builder::Builder;
use crate::model::Design;

pub const PRESET: Preset = Preset {
    name: "payment-hsm",
    title: "Payment HSM",
    summary: "Azure Payment HSM: a payShield 10K pair with host and management NICs in one \
              tagged VNet, application VNets peered in the same region, payShield Manager \
              reached over point-to-site VPN.",
    takes_spokes: true,
    takes_regions: false,
    default_spokes: 1,
    default_regions: 1,
    max_spokes: PAYMENT_MAX_SPOKES,
    max_regions: 1,
};

/// A VNet has at most 500 peerings; the payment HSM VNet peers with every spoke.
pub(super) const PAYMENT_MAX_SPOKES: usize = 400;

const DESCRIPTION: &str = "\
Azure Payment HSM (Thales payShield 10K) as its quickstart deploys it. One VNet in West Europe, \
tagged fastpathenabled=true like every VNet that talks to a payment HSM, holds the one subnet \
it may delegate to Microsoft.HardwareSecurityModules/dedicatedHSMs: no NSG, no route table, and \
both NICs of each HSM, host and management. The two HSMs sit on two stamps for high \
availability. Application VNets in the same region are peered with it (and tagged too); their \
payment applications send host commands to the host addresses on TCP 1500 and balance across \
the two HSMs themselves, with no load balancer. A route-based, active-passive VPN gateway \
(active-active is not supported) gives an administration workstation point-to-site access to \
payShield Manager, HTTPS on the management addresses. The subscription must have the \
FastPathEnabled feature registered. \
Expected warning: payshield-ha, as the HSMs sit in one region; payment-hsm-multi-vnet adds a \
disaster-recovery region.";

pub fn build(spokes: usize) -> Design {
    let mut b = Builder::new(PRESET.title);
    let region = b.region("westeurope");
    let space = plan::hsm_vnet(0);
    let vnet = b.vnet(region, "phsm-vnet", &[&space.to_string()]);
    tag_fastpath(&mut b, vnet);
    let gateway_subnet = b.subnet(
        vnet,
        "GatewaySubnet",
        &plan::within(space, 0, 27).to_string(),
    );
    let hsm_subnet = b.hsm_subnet(
        vnet,
        "phsm-subnet",
        &plan::within(space, 256, 28).to_string(),
    );
    payment_pair(&mut b, hsm_subnet, None, "");
    admin_p2s(
        &mut b,
        gateway_subnet,
        "phsm-vpngw",
        0,
        ("admin-workstation", "192.168.100.10/32", "admin-p2s"),
    );
    for i in 0..spokes {
        let name = format!("app-vnet-{}", i + 1);
        let spoke = app_vnet(
            &mut b,
            region,
            i,
            &name,
            None,
            (vnet, "phsm-vnet"),
            Transit::None,
        );
        tag_fastpath(&mut b, spoke);
    }
    b.describe(DESCRIPTION).finish()
}
