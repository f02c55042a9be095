//! On-premises sites: the customer's own networks outside Azure.

use super::layout::Point;
use super::serde_ip;
use super::Id;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// An on-premises location reached by VPN or ExpressRoute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnPremSite {
    pub id: Id,
    pub name: String,
    /// The site's address prefixes (they become the local network gateway's address space).
    #[serde(with = "serde_ip::prefixes", default)]
    pub prefixes: Vec<Ipv4Net>,
    /// Public IP address of the site's VPN device, needed for site-to-site VPN.
    #[serde(
        with = "serde_ip::opt_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vpn_device_ip: Option<Ipv4Addr>,
    #[serde(default)]
    pub roles: SiteRoles,
    #[serde(default)]
    pub layout: Point,
}

/// What a site is for; several may hold at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteRoles {
    /// Runs Luna clients that use the HSMs on TCP 1792.
    #[serde(default)]
    pub hsm_client: bool,
    /// A single administration workstation (point-to-site suits it).
    #[serde(default)]
    pub admin_workstation: bool,
    /// Holds an on-premises HSM that Azure HSMs are backed up to.
    #[serde(default)]
    pub backup_site: bool,
}
