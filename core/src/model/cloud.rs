//! Azure Cloud HSM, the successor of Dedicated HSM: a cluster reached through a private
//! endpoint in an ordinary subnet, and the private DNS zone that names the cluster's nodes.
//!
//! Unlike a Dedicated HSM, a cluster sits in no subnet of the customer's: it belongs to a
//! region, and clients reach it only at the private endpoint's address.

use super::layout::Point;
use super::serde_ip;
use super::Id;
use crate::azure::cloud_hsm;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// A Cloud HSM cluster (`Microsoft.HardwareSecurityModules/cloudHsmClusters`): three HSM
/// nodes that Azure keeps in sync, in one region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudHsmCluster {
    pub id: Id,
    pub name: String,
    /// The region the cluster is deployed in.
    pub region: Id,
    #[serde(default = "default_sku")]
    pub sku: String,
    /// Whether the cluster accepts traffic from public networks (it should not: only
    /// `Disabled` is offered).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public_network_access: bool,
    #[serde(default)]
    pub layout: Point,
}

fn default_sku() -> String {
    cloud_hsm::SKUS[0].to_string()
}

/// A private endpoint (`Microsoft.Network/privateEndpoints`): an address in an ordinary
/// subnet through which a private-link resource (here, a Cloud HSM cluster) is reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateEndpoint {
    pub id: Id,
    pub name: String,
    pub subnet: Id,
    /// The resource the endpoint connects to (a Cloud HSM cluster).
    pub target: Id,
    /// The private-link sub-resource (group id) it connects to.
    #[serde(default = "default_group_id")]
    pub group_id: String,
    /// A static address in the subnet for the first node (`hsm1`); the other nodes take the
    /// next addresses, one each. Absent: dynamic, Azure assigns free ones.
    #[serde(
        with = "serde_ip::opt_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub private_ip: Option<Ipv4Addr>,
    #[serde(default)]
    pub layout: Point,
}

fn default_group_id() -> String {
    cloud_hsm::GROUP_ID.to_string()
}

/// A private DNS zone (`Microsoft.Network/privateDnsZones`), a global resource: the A
/// records of the private endpoints it holds and the VNets linked to it, whose resources
/// resolve names in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateDnsZone {
    pub id: Id,
    /// The zone's DNS name, e.g. `privatelink.cloudhsm.azure.net`.
    pub name: String,
    /// The private endpoints whose records the zone holds (each through the endpoint's DNS
    /// zone group, which keeps them in step with the endpoint's addresses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Id>,
    /// The VNets linked to the zone (`virtualNetworkLinks`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vnet_links: Vec<Id>,
    #[serde(default)]
    pub layout: Point,
}

impl PrivateEndpoint {
    /// The static addresses it takes in its subnet, one per cluster node, when it has them.
    pub fn static_addresses(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.private_ip.into_iter().flat_map(node_addresses)
    }
}

/// The addresses of a cluster's nodes behind an endpoint whose first node has `first`.
pub fn node_addresses(first: Ipv4Addr) -> impl Iterator<Item = Ipv4Addr> {
    let first = u32::from(first);
    (0..cloud_hsm::NODES.len() as u32).map(move |k| Ipv4Addr::from(first.saturating_add(k)))
}

impl PrivateDnsZone {
    /// Whether this zone is the one Cloud HSM's endpoint names live in.
    pub fn is_cloud_hsm_zone(&self) -> bool {
        self.name.eq_ignore_ascii_case(cloud_hsm::PRIVATE_DNS_ZONE)
    }
}

impl CloudHsmCluster {
    /// A cluster of the first SKU the API offers, closed to public networks.
    pub fn new(id: Id, name: String, region: Id) -> Self {
        CloudHsmCluster {
            id,
            name,
            region,
            sku: default_sku(),
            public_network_access: false,
            layout: Point::default(),
        }
    }
}

impl PrivateEndpoint {
    /// An endpoint to a Cloud HSM cluster's `cloudHsm` group.
    pub fn new(id: Id, name: String, subnet: Id, target: Id, private_ip: Option<Ipv4Addr>) -> Self {
        PrivateEndpoint {
            id,
            name,
            subnet,
            target,
            group_id: default_group_id(),
            private_ip,
            layout: Point::default(),
        }
    }
}

impl PrivateDnsZone {
    /// An empty zone: no records, no VNet links.
    pub fn new(id: Id, name: String) -> Self {
        PrivateDnsZone {
            id,
            name,
            records: Vec::new(),
            vnet_links: Vec::new(),
            layout: Point::default(),
        }
    }
}

#[cfg(test)]
#[path = "cloud_tests.rs"]
mod tests;
