//! What a design holds that no Azure resource does: which subnets run Luna clients, the
//! on-premises sites and their roles, a device's own settings (NTLS client IP checking on an HSM,
//! SNAT on an NVA), point-to-site connections, region and peering names. The ARM export writes
//! them into the template's `metadata` under [`KEY`], which Azure ignores, and the import reads
//! them back, so that a design survives the round trip with its findings. Only what differs from
//! what the import would assume is written: a template from elsewhere simply has none.

use crate::model::SiteRoles;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The key of the facts in the template's `metadata`.
pub const KEY: &str = "hsmnetStudio";

/// The studio's own facts of a design, by element names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Facts {
    /// Region display names by location, where they differ from Azure's display name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub region_names: BTreeMap<String, String>,
    /// Subnets whose workloads are Luna clients, as `vnet/subnet`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hsm_client_subnets: Vec<String>,
    /// Every on-premises site.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<Site>,
    /// The site at the customer end of each circuit, by circuit name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub circuit_sites: BTreeMap<String, String>,
    /// Point-to-site connections (a gateway's client pool, not a resource of their own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub point_to_site: Vec<PointToSite>,
    /// Peering names that are not `<a>-to-<b>`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub peering_names: Vec<PeeringName>,
    /// HSMs with NTLS client IP checking off.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hsms_without_ip_check: Vec<String>,
    /// NVAs that do not SNAT.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nvas_without_snat: Vec<String>,
    /// NVAs without IP forwarding (a VM without it is otherwise not taken for an NVA).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nvas_without_forwarding: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Site {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prefixes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpn_device_ip: Option<String>,
    pub roles: SiteRoles,
    /// The local network gateways standing for this site.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub local_gateways: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PointToSite {
    pub name: String,
    pub gateway: String,
    pub site: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PeeringName {
    pub a: String,
    pub b: String,
    pub name: String,
}

impl Facts {
    pub fn is_empty(&self) -> bool {
        *self == Facts::default()
    }

    /// The facts of a design.
    pub fn of(design: &crate::model::Design) -> Facts {
        use crate::azure::regions::display_name;
        use crate::model::ConnectionKind;
        let site_name = |id| design.site(id).map(|s| s.name.clone()).unwrap_or_default();
        let gateway_name = |id| {
            design
                .gateway(id)
                .map(|g| g.name.clone())
                .unwrap_or_default()
        };
        let lngs = crate::naming::local_gateways(design);
        Facts {
            region_names: design
                .regions
                .iter()
                .filter(|r| display_name(&r.location) != Some(r.name.as_str()))
                .map(|r| (r.location.clone(), r.name.clone()))
                .collect(),
            hsm_client_subnets: design
                .vnets
                .iter()
                .flat_map(|v| {
                    v.subnets
                        .iter()
                        .filter(|s| s.hsm_client)
                        .map(move |s| format!("{}/{}", v.name, s.name))
                })
                .collect(),
            sites: design
                .sites
                .iter()
                .map(|s| Site {
                    name: s.name.clone(),
                    prefixes: s.prefixes.iter().map(ToString::to_string).collect(),
                    vpn_device_ip: s.vpn_device_ip.map(|ip| ip.to_string()),
                    roles: s.roles,
                    local_gateways: lngs
                        .iter()
                        .filter(|l| l.site == s.id)
                        .map(|l| l.name.clone())
                        .collect(),
                })
                .collect(),
            circuit_sites: design
                .circuits
                .iter()
                .map(|c| (c.name.clone(), site_name(c.site)))
                .collect(),
            point_to_site: design
                .connections
                .iter()
                .filter_map(|c| match c.kind {
                    ConnectionKind::PointToSite { gateway, site } => Some(PointToSite {
                        name: c.name.clone(),
                        gateway: gateway_name(gateway),
                        site: site_name(site),
                    }),
                    _ => None,
                })
                .collect(),
            peering_names: design
                .peerings
                .iter()
                .filter_map(|p| {
                    let (a, b) = (design.vnet(p.a)?, design.vnet(p.b)?);
                    (p.name != default_peering_name(&a.name, &b.name)).then(|| PeeringName {
                        a: a.name.clone(),
                        b: b.name.clone(),
                        name: p.name.clone(),
                    })
                })
                .collect(),
            hsms_without_ip_check: design
                .hsms
                .iter()
                .filter(|h| !h.ntls_ip_check)
                .map(|h| h.name.clone())
                .collect(),
            nvas_without_snat: design
                .nvas
                .iter()
                .filter(|n| !n.snat)
                .map(|n| n.name.clone())
                .collect(),
            nvas_without_forwarding: design
                .nvas
                .iter()
                .filter(|n| !n.ip_forwarding)
                .map(|n| n.name.clone())
                .collect(),
        }
    }
}

/// The name an imported peering gets when the facts give none.
pub fn default_peering_name(a: &str, b: &str) -> String {
    format!("{a}-to-{b}")
}
