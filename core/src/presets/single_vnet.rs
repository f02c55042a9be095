//! `single-vnet`: the starting point of the source document: one HSM VNet, an administration
//! workstation dialling in over point-to-site VPN, and application VNets peered in the same
//! region.

use super::{admin_p2s, app_vnet, hsm_vnet, plan, Preset, Transit};
use crate::model::builder::Builder;
use crate::model::Design;

pub const PRESET: Preset = Preset {
    name: "single-vnet",
    title: "Single HSM VNet",
    summary: "One HSM VNet with an HA pair, point-to-site VPN for an admin workstation, \
              application VNets peered in the same region.",
    takes_spokes: true,
    takes_regions: false,
    default_spokes: 1,
    default_regions: 1,
    max_spokes: plan::MAX_SPOKES,
    max_regions: 1,
};

const DESCRIPTION: &str = "\
The typical first deployment: one VNet in West Europe holds the HSMs. Its GatewaySubnet (/27) \
carries the ExpressRoute gateway that the Dedicated HSM service requires (it connects to no \
circuit) and, beside it, a route-based VPN gateway whose point-to-site pool lets a single \
administration workstation reach the HSMs for configuration, backups and logs. The delegated HSM \
subnet holds an HA pair on two stamps at fixed addresses, with no NSG and no route table. \
Application VNets in the same region are peered with the HSM VNet, and their workload subnets \
run the Luna client. \
Expected warning: ha-regions, because every HSM sits in one region; the cross-region-ha preset \
shows the remedy.";

pub fn build(spokes: usize) -> Design {
    let mut b = Builder::new(PRESET.title);
    let region = b.region("westeurope");
    let hsm = hsm_vnet(&mut b, region, 0, "hsm-vnet", "");
    admin_p2s(
        &mut b,
        hsm.gateway_subnet,
        "hsm-vpngw",
        0,
        ("admin-workstation", "192.168.100.10/32", "admin-p2s"),
    );
    for i in 0..spokes {
        let name = format!("app-vnet-{}", i + 1);
        app_vnet(
            &mut b,
            region,
            i,
            &name,
            None,
            (hsm.vnet, "hsm-vnet"),
            Transit::None,
        );
    }
    b.describe(DESCRIPTION).finish()
}
