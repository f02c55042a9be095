//! Links between networks: peerings, VPN and ExpressRoute connections, circuits.

use super::layout::Point;
use super::serde_ip;
use super::Id;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

/// A VNet peering; Azure makes it of two resources, one on each side, each with its settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Peering {
    pub id: Id,
    pub name: String,
    pub a: Id,
    pub b: Id,
    /// Settings of the peering resource on VNet `a` (towards `b`).
    #[serde(default)]
    pub a_to_b: PeeringSide,
    /// Settings of the peering resource on VNet `b` (towards `a`).
    #[serde(default)]
    pub b_to_a: PeeringSide,
}

/// The settings of one side of a peering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeeringSide {
    #[serde(default = "yes")]
    pub allow_forwarded_traffic: bool,
    #[serde(default)]
    pub allow_gateway_transit: bool,
    #[serde(default)]
    pub use_remote_gateways: bool,
}

fn yes() -> bool {
    true
}

impl Default for PeeringSide {
    fn default() -> Self {
        PeeringSide {
            allow_forwarded_traffic: true,
            allow_gateway_transit: false,
            use_remote_gateways: false,
        }
    }
}

impl Peering {
    /// The VNet at the other end from `vnet`, if `vnet` is one end.
    pub fn other_end(&self, vnet: Id) -> Option<Id> {
        if self.a == vnet {
            Some(self.b)
        } else if self.b == vnet {
            Some(self.a)
        } else {
            None
        }
    }

    /// The settings of the side that lives on `vnet`.
    pub fn side_on(&self, vnet: Id) -> Option<&PeeringSide> {
        if self.a == vnet {
            Some(&self.a_to_b)
        } else if self.b == vnet {
            Some(&self.b_to_a)
        } else {
            None
        }
    }
}

/// A gateway connection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub id: Id,
    pub name: String,
    pub kind: ConnectionKind,
    /// ExpressRoute FastPath (`expressRouteGatewayBypass`): traffic skips the gateway on its
    /// way in. ExpressRoute connections only; Payment HSM traffic does not support it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fastpath: bool,
}

/// What a connection joins. VNet-to-VNet is one link here; the exporters write one
/// connection resource per direction, sharing a key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConnectionKind {
    /// IPsec from a VPN gateway to an on-premises site's VPN device.
    SiteToSite { gateway: Id, site: Id },
    /// Clients at a site dial in to a VPN gateway's point-to-site pool.
    PointToSite { gateway: Id, site: Id },
    /// Two VPN gateways, usually in two regions.
    VnetToVnet { a: Id, b: Id },
    /// An ExpressRoute gateway joined to a circuit.
    ExpressRoute { gateway: Id, circuit: Id },
}

impl ConnectionKind {
    /// The gateways this connection uses.
    pub fn gateways(&self) -> Vec<Id> {
        match *self {
            ConnectionKind::SiteToSite { gateway, .. }
            | ConnectionKind::PointToSite { gateway, .. }
            | ConnectionKind::ExpressRoute { gateway, .. } => vec![gateway],
            ConnectionKind::VnetToVnet { a, b } => vec![a, b],
        }
    }

    /// The two elements it joins: the gateway first (for VNet-to-VNet, `a`).
    pub fn ends(&self) -> [Id; 2] {
        match *self {
            ConnectionKind::SiteToSite { gateway, site }
            | ConnectionKind::PointToSite { gateway, site } => [gateway, site],
            ConnectionKind::VnetToVnet { a, b } => [a, b],
            ConnectionKind::ExpressRoute { gateway, circuit } => [gateway, circuit],
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            ConnectionKind::SiteToSite { .. } => "site-to-site VPN",
            ConnectionKind::PointToSite { .. } => "point-to-site VPN",
            ConnectionKind::VnetToVnet { .. } => "VNet-to-VNet VPN",
            ConnectionKind::ExpressRoute { .. } => "ExpressRoute connection",
        }
    }
}

/// An ExpressRoute circuit from an on-premises site through a provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErCircuit {
    pub id: Id,
    pub name: String,
    /// The on-premises site at the customer end.
    pub site: Id,
    pub provider: String,
    pub peering_location: String,
    pub bandwidth_mbps: u32,
    /// Azure private peering; required to reach VNets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_peering: Option<PrivatePeering>,
    #[serde(default)]
    pub layout: Point,
}

/// The AzurePrivatePeering of a circuit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivatePeering {
    pub peer_asn: u32,
    pub vlan_id: u16,
    #[serde(with = "serde_ip::prefix")]
    pub primary_prefix: Ipv4Net,
    #[serde(with = "serde_ip::prefix")]
    pub secondary_prefix: Ipv4Net,
}
