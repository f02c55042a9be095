//! `expressroute-direct`: the source document's "HSM with direct ExpressRoute connectivity":
//! an on-premises circuit connected straight to the HSM VNet's ExpressRoute gateway.

use super::{app_vnet, hsm_vnet, plan, Preset, Transit};
use crate::model::builder::Builder;
use crate::model::{ConnectionKind, Design, SiteRoles};

pub const PRESET: Preset = Preset {
    name: "expressroute-direct",
    title: "HSM with direct ExpressRoute",
    summary: "An on-premises ExpressRoute circuit connected directly to the HSM VNet's gateway, \
              an HA pair, application VNets peered; shows where the sources disagree.",
    takes_spokes: true,
    takes_regions: false,
    default_spokes: 1,
    default_regions: 1,
    max_spokes: plan::MAX_SPOKES,
    max_regions: 1,
};

const DESCRIPTION: &str = "\
The alternative the source document draws as 'HSM with direct ExpressRoute connectivity': the \
on-premises datacentre's circuit (private peering) connects straight to the ExpressRoute \
gateway in the HSM VNet's GatewaySubnet, with no hub and no proxy tier. The HSM pair sits on two \
stamps in the delegated subnet, and application VNets peer with the HSM VNet, using its gateway \
to reach on-premises. \
The lesson is the warning hsm-er-gateway-not-onprem: the same document says elsewhere that the \
HSM VNet's ExpressRoute gateway cannot serve on-premises connections and that ExpressRoute is \
not an option for reaching on-premises, so the two parts of the source disagree. Confirm with \
Microsoft before relying on this path, or land the circuit on a hub as in hub-nva-proxy. \
Also expected: ha-regions, because the HSM pair sits in a single region, and the \
onprem-backup-path note, because no VPN carries backups to on-premises.";

pub fn build(spokes: usize) -> Design {
    let mut b = Builder::new(PRESET.title);
    let region = b.region("westeurope");
    let site = b.site(
        "onprem-dc",
        &[&plan::onprem().to_string()],
        None,
        SiteRoles {
            hsm_client: true,
            ..SiteRoles::default()
        },
    );
    let circuit = b.circuit(site, "onprem-er-circuit", &plan::er_peering().to_string());
    let hsm = hsm_vnet(&mut b, region, 0, "hsm-vnet", "");
    b.connection(
        "onprem-er-connection",
        ConnectionKind::ExpressRoute {
            gateway: hsm.er_gateway,
            circuit,
        },
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
            Transit::UseGateways,
        );
    }
    b.describe(DESCRIPTION).finish()
}
