//! Regions, virtual networks and their subnets: the containers of a design.

use super::layout::Rect;
use super::serde_ip;
use super::Id;
use crate::azure::offered::HSM_DELEGATION;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An Azure region, drawn as an area that holds VNets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: Id,
    /// Display name on the canvas, e.g. "West Europe".
    pub name: String,
    /// Azure's programmatic location name, e.g. "westeurope".
    pub location: String,
    #[serde(default)]
    pub layout: Rect,
}

/// A virtual network in one region, holding its subnets inline (as ARM declares them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vnet {
    pub id: Id,
    pub name: String,
    /// The region this VNet belongs to.
    pub region: Id,
    #[serde(with = "serde_ip::prefixes")]
    pub address_space: Vec<Ipv4Net>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    /// Azure tags, names and values as written (exported as they are), e.g. Payment HSM's
    /// `fastpathenabled: true`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Declared elsewhere: an import met only a reference to it (a remote VNet of a peering, a
    /// subnet passed as a parameter), so its address space and subnets may be unknown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    #[serde(default)]
    pub layout: Rect,
}

impl Vnet {
    /// The value of tag `name`, the name compared ignoring letter case as Azure does.
    pub fn tag(&self, name: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A subnet of a VNet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub id: Id,
    pub name: String,
    #[serde(with = "serde_ip::prefix")]
    pub prefix: Ipv4Net,
    /// The service the subnet is delegated to, e.g. [`HSM_DELEGATION`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsg: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<Id>,
    /// Workloads in this subnet run the Luna client and must reach an HSM on TCP 1792.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hsm_client: bool,
    #[serde(default)]
    pub layout: Rect,
}

impl Subnet {
    pub fn is_hsm_delegated(&self) -> bool {
        self.delegation.as_deref() == Some(HSM_DELEGATION)
    }
}
