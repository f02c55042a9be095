//! The two ends of a trace: what a user names (`hsm1`, `spoke-1/workload`, `onprem-dc`,
//! `10.0.1.4`) and where that puts a packet.

use super::network::{Device, Network};
use crate::addressing::first_usable;
use crate::azure::ports::{CLOUD_HSM_SESSION_PORT, LUNA_NTLS_PORT, PAYSHIELD_MANAGER_PORT};
use crate::model::{ConnectionKind, Design, Id};
use serde::Serialize;
use std::fmt;
use std::net::Ipv4Addr;

/// One end of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// A workload in a subnet (its first usable address).
    Subnet(Id),
    /// An on-premises site, over its site-to-site VPN or ExpressRoute links.
    Site(Id),
    /// A client of a point-to-site connection (an address from the gateway's pool).
    PointToSite(Id),
    Hsm(Id),
    /// A payShield HSM's management NIC, where payShield Manager answers (`HSM/management`).
    Management(Id),
    /// A Cloud HSM cluster, reached by the name its nodes have in the private DNS zone, at the
    /// private endpoint that name resolves to.
    CloudHsm(Id),
    /// Whatever holds this address: a device, a subnet, a site, a point-to-site pool.
    Address(Ipv4Addr),
}

/// Why a name or address names no endpoint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("{0:?} names no HSM, Cloud HSM cluster, subnet, on-premises site or point-to-site connection, and is not an IPv4 address")]
    Unknown(String),
    #[error("{text:?} names several subnets ({choices}); write VNET/SUBNET")]
    Ambiguous { text: String, choices: String },
    #[error("{0} is in no subnet, on-premises site or point-to-site pool of the design")]
    Nowhere(Ipv4Addr),
    /// `end` says which end of the flow: "the source " or "the destination " (empty when an
    /// endpoint is located on its own).
    #[error("{end}{what} has no address a flow could use")]
    NoAddress { what: String, end: &'static str },
}

impl EndpointError {
    /// The same error, said of the flow's source or destination.
    pub(crate) fn at(self, end: &'static str) -> Self {
        match self {
            EndpointError::NoAddress { what, .. } => EndpointError::NoAddress { what, end },
            other => other,
        }
    }

    /// Whether this is the source of a flow lacking an address.
    pub fn is_source(&self) -> bool {
        matches!(self, EndpointError::NoAddress { end: SOURCE, .. })
    }
}

/// What follows a payShield HSM's name to name its management NIC: `phsm1/management`.
pub const MANAGEMENT_SUFFIX: &str = "/management";

/// The words [`EndpointError::at`] puts before the source and the destination.
pub(crate) const SOURCE: &str = "the source ";
pub(crate) const DESTINATION: &str = "the destination ";

impl Endpoint {
    /// The port a flow to this endpoint uses unless told otherwise: an HSM's client port (Luna
    /// NTLS 1792, or a payShield's host port), payShield Manager's 443 for a management NIC,
    /// the Cloud HSM client's 2225 for a cluster, else Luna's 1792.
    pub fn default_port(&self, design: &Design) -> u16 {
        match *self {
            Endpoint::Hsm(id) => design
                .hsms
                .iter()
                .find(|h| h.id == id)
                .map_or(LUNA_NTLS_PORT, |h| h.client_port()),
            Endpoint::Management(_) => PAYSHIELD_MANAGER_PORT,
            Endpoint::CloudHsm(_) => CLOUD_HSM_SESSION_PORT,
            _ => LUNA_NTLS_PORT,
        }
    }

    /// Reads an endpoint: an IPv4 address, the name of an HSM (`HSM/management` for a payShield
    /// HSM's management NIC), an on-premises site, a
    /// point-to-site connection or a subnet (`SUBNET`, or `VNET/SUBNET` when several VNets have
    /// a subnet of that name).
    pub fn parse(design: &Design, text: &str) -> Result<Endpoint, EndpointError> {
        let text = text.trim();
        if let Ok(ip) = text.parse::<Ipv4Addr>() {
            return Ok(Endpoint::Address(ip));
        }
        if let Some(h) = design.hsms.iter().find(|h| h.name == text) {
            return Ok(Endpoint::Hsm(h.id));
        }
        if let Some(name) = text.strip_suffix(MANAGEMENT_SUFFIX) {
            let hsm = design.hsms.iter().find(|h| h.name == name);
            if let Some(h) = hsm.filter(|h| h.management_subnet().is_some()) {
                return Ok(Endpoint::Management(h.id));
            }
        }
        if let Some(c) = design.cloud_hsm_clusters.iter().find(|c| c.name == text) {
            return Ok(Endpoint::CloudHsm(c.id));
        }
        if let Some(s) = design.sites.iter().find(|s| s.name == text) {
            return Ok(Endpoint::Site(s.id));
        }
        if let Some(c) = design
            .connections
            .iter()
            .find(|c| c.name == text && matches!(c.kind, ConnectionKind::PointToSite { .. }))
        {
            return Ok(Endpoint::PointToSite(c.id));
        }
        let (vnet_name, subnet_name) = match text.split_once('/') {
            Some((v, s)) => (Some(v), s),
            None => (None, text),
        };
        let found: Vec<(&str, Id)> = design
            .vnets
            .iter()
            .filter(|v| vnet_name.is_none_or(|n| v.name == n))
            .flat_map(|v| {
                v.subnets
                    .iter()
                    .filter(|s| s.name == subnet_name)
                    .map(move |s| (v.name.as_str(), s.id))
            })
            .collect();
        match found.as_slice() {
            [] => Err(EndpointError::Unknown(text.to_string())),
            [(_, id)] => Ok(Endpoint::Subnet(*id)),
            many => {
                let mut choices: Vec<String> = many
                    .iter()
                    .take(3)
                    .map(|(v, _)| format!("{v}/{subnet_name}"))
                    .collect();
                if many.len() > 3 {
                    choices.push(format!("and {} more", many.len() - 3));
                }
                Err(EndpointError::Ambiguous {
                    text: text.to_string(),
                    choices: choices.join(", "),
                })
            }
        }
    }
}

/// Where an endpoint puts a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// A NIC in a subnet; the subnet's routes send its packets.
    Subnet(Id),
    /// On premises, sending over the site's site-to-site or ExpressRoute links.
    Site(Id),
    /// A point-to-site client of a connection.
    PointToSite(Id),
}

/// An endpoint resolved against a design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    pub address: Ipv4Addr,
    pub place: Place,
    pub hsm: Option<Id>,
    /// A Cloud HSM cluster, whose address is what its name resolves to.
    pub cluster: Option<Id>,
    /// The element a hop names for it.
    pub element: Id,
    /// In words: `'hsm1' (10.0.1.4)`.
    pub label: String,
}

/// The address a point-to-site client gets: the first host of its gateway's pool.
fn p2s_address(net: &Network, connection: Id) -> Option<(Ipv4Addr, Id)> {
    let c = net.connection(connection)?;
    let ConnectionKind::PointToSite { gateway, .. } = c.kind else {
        return None;
    };
    let pool = net.gateway(gateway)?.p2s_pool?;
    Some((Ipv4Addr::from(u32::from(pool.network()) + 2), gateway))
}

/// A site's representative host: the first host of its first prefix.
fn site_address(net: &Network, site: Id) -> Option<Ipv4Addr> {
    let p = net.site(site)?.prefixes.first()?;
    Some(if p.prefix_len() >= 31 {
        p.network()
    } else {
        Ipv4Addr::from(u32::from(p.network()) + 1)
    })
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Resolves an endpoint to an address and a place; `with_label` also puts it in words (a
/// quiet trace does without).
pub(crate) fn locate(
    net: &Network,
    endpoint: Endpoint,
    with_label: bool,
) -> Result<Located, EndpointError> {
    let labelled = |id: Id, address: Ipv4Addr| {
        if with_label {
            format!("{} ({address})", net.name(id))
        } else {
            String::new()
        }
    };
    let no_address = |id: Id| EndpointError::NoAddress {
        what: net.name(id),
        end: "",
    };
    match endpoint {
        Endpoint::Subnet(id) => {
            let (_, s) = net.subnet(id).ok_or_else(|| no_address(id))?;
            let address = first_usable(&s.prefix);
            Ok(Located {
                address,
                place: Place::Subnet(id),
                hsm: None,
                cluster: None,
                element: id,
                label: labelled(id, address),
            })
        }
        Endpoint::Hsm(id) => {
            let hsm = net.hsm(id).ok_or_else(|| no_address(id))?;
            let address = net.hsm_address(id).ok_or_else(|| no_address(id))?;
            Ok(Located {
                address,
                place: Place::Subnet(hsm.subnet),
                hsm: Some(id),
                cluster: None,
                element: id,
                label: labelled(id, address),
            })
        }
        Endpoint::Management(id) => {
            let subnet = net
                .hsm(id)
                .and_then(|h| h.management_subnet())
                .ok_or_else(|| no_address(id))?;
            let address = net.management_address(id).ok_or_else(|| no_address(id))?;
            Ok(Located {
                address,
                place: Place::Subnet(subnet),
                hsm: None,
                cluster: None,
                element: id,
                label: if with_label {
                    format!("{} management ({address})", net.name(id))
                } else {
                    String::new()
                },
            })
        }
        Endpoint::Site(id) => {
            let (has_site_links, p2s) = net.site_kinds(id);
            match (has_site_links, p2s) {
                (false, Some(c)) => {
                    locate(net, Endpoint::PointToSite(c), with_label).map(|l| Located {
                        element: id,
                        label: if with_label {
                            format!("{} as point-to-site client ({})", net.name(id), l.address)
                        } else {
                            String::new()
                        },
                        ..l
                    })
                }
                _ => {
                    let address = site_address(net, id).ok_or_else(|| no_address(id))?;
                    Ok(Located {
                        address,
                        place: Place::Site(id),
                        hsm: None,
                        cluster: None,
                        element: id,
                        label: labelled(id, address),
                    })
                }
            }
        }
        Endpoint::PointToSite(id) => {
            let (address, _) = p2s_address(net, id).ok_or_else(|| no_address(id))?;
            Ok(Located {
                address,
                place: Place::PointToSite(id),
                hsm: None,
                cluster: None,
                element: id,
                label: if with_label {
                    format!("point-to-site client of {} ({address})", net.name(id))
                } else {
                    String::new()
                },
            })
        }
        Endpoint::CloudHsm(id) => {
            // The address the name resolves to depends on the client (the zone must be linked
            // to its VNet): the walk resolves it; until then, the first endpoint's.
            net.design
                .cloud_hsm_cluster(id)
                .ok_or_else(|| no_address(id))?;
            let (address, subnet) = net
                .endpoints_of(id)
                .first()
                .and_then(|&e| {
                    Some((
                        net.endpoint_address(e)?,
                        net.design.private_endpoint(e)?.subnet,
                    ))
                })
                .unwrap_or((Ipv4Addr::UNSPECIFIED, id));
            Ok(Located {
                address,
                place: Place::Subnet(subnet),
                hsm: None,
                cluster: Some(id),
                element: id,
                label: if with_label {
                    format!("Cloud HSM cluster {}", net.name(id))
                } else {
                    String::new()
                },
            })
        }
        Endpoint::Address(ip) => locate_address(net, ip, with_label),
    }
}

fn locate_address(net: &Network, ip: Ipv4Addr, with_label: bool) -> Result<Located, EndpointError> {
    let design = net.design;
    let label = |what: &dyn Fn() -> String| {
        if with_label {
            format!("{} ({ip})", what())
        } else {
            String::new()
        }
    };
    let at_device = |element: Id, subnet: Id, hsm: Option<Id>| Located {
        address: ip,
        place: Place::Subnet(subnet),
        hsm,
        cluster: None,
        element,
        label: label(&|| net.name(element)),
    };
    match net.device_at(ip) {
        Some(Device::Hsm(h)) => {
            if let Some(hsm) = net.hsm(h) {
                if net.management_address(h) == Some(ip) {
                    if let Some(subnet) = hsm.management_subnet() {
                        return Ok(at_device(h, subnet, None));
                    }
                }
                return Ok(at_device(h, hsm.subnet, Some(h)));
            }
        }
        Some(Device::Nva(n)) => {
            if let Some(nva) = net.nva(n) {
                return Ok(at_device(n, nva.subnet, None));
            }
        }
        Some(Device::LoadBalancer(l)) => {
            if let Some(lb) = net.load_balancer(l) {
                return Ok(at_device(l, lb.subnet, None));
            }
        }
        Some(Device::Firewall(f)) => {
            if let Some(fw) = net.firewall(f) {
                return Ok(at_device(f, fw.subnet, None));
            }
        }
        Some(Device::PrivateEndpoint(e)) => {
            if let Some(endpoint) = design.private_endpoint(e) {
                return Ok(at_device(e, endpoint.subnet, None));
            }
        }
        None => {}
    }
    if let Some((_, subnet)) = net.subnet_holding(ip) {
        return Ok(Located {
            address: ip,
            place: Place::Subnet(subnet),
            hsm: None,
            cluster: None,
            element: subnet,
            label: label(&|| net.name(subnet)),
        });
    }
    for c in &design.connections {
        if let ConnectionKind::PointToSite { gateway, .. } = c.kind {
            if net
                .gateway(gateway)
                .and_then(|g| g.p2s_pool)
                .is_some_and(|p| p.contains(&ip))
            {
                return Ok(Located {
                    address: ip,
                    place: Place::PointToSite(c.id),
                    hsm: None,
                    cluster: None,
                    element: c.id,
                    label: label(&|| format!("point-to-site client of {}", net.name(c.id))),
                });
            }
        }
    }
    if let Some(site) = design
        .sites
        .iter()
        .find(|s| s.prefixes.iter().any(|p| p.contains(&ip)))
    {
        return Ok(Located {
            address: ip,
            place: Place::Site(site.id),
            hsm: None,
            cluster: None,
            element: site.id,
            label: label(&|| net.name(site.id)),
        });
    }
    Err(EndpointError::Nowhere(ip))
}
