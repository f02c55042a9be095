//! Devices that sit in a subnet: HSMs, gateways, NVAs, load balancers, firewalls.

use super::layout::Point;
use super::policy::{PortRange, Protocol};
use super::serde_ip;
use super::Id;
use crate::azure::offered::is_payshield_sku;
use crate::azure::ports::{LUNA_NTLS_PORT, PAYSHIELD_HOST_PORT};
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A dedicated (or payment) HSM placed in a delegated subnet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hsm {
    pub id: Id,
    pub name: String,
    pub subnet: Id,
    pub sku: String,
    /// The datacentre stamp, `stamp1` or `stamp2`; an HA pair uses both.
    pub stamp: String,
    /// A fixed private IP in the subnet; Azure picks one when absent.
    #[serde(
        with = "serde_ip::opt_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub private_ip: Option<Ipv4Addr>,
    /// A payShield HSM's further host addresses: its host NIC's `networkInterfaces` after the
    /// first (`private_ip`), each taking an address in the host subnet.
    #[serde(
        with = "serde_ip::addrs",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub more_host_ips: Vec<Ipv4Addr>,
    /// A payShield HSM's second (management) NIC, which takes a second address.
    #[serde(
        with = "serde_ip::opt_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub management_ip: Option<Ipv4Addr>,
    /// Whether a payShield HSM has a management network profile (a second NIC).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub management_nic: bool,
    /// The delegated subnet of the management NIC when it is not the host subnet: another
    /// delegated subnet, usually in another VNet (a VNet has one delegated subnet). Setting it
    /// implies the management NIC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_subnet: Option<Id>,
    /// The TCP port a payShield HSM takes host commands on (a device setting).
    #[serde(
        default = "payshield_host_port",
        skip_serializing_if = "is_payshield_host_port"
    )]
    pub host_port: u16,
    /// Luna's NTLS client source IP validation (`ntls ipcheck`); on by default on the device.
    #[serde(default = "yes")]
    pub ntls_ip_check: bool,
    #[serde(default)]
    pub layout: Point,
}

fn payshield_host_port() -> u16 {
    PAYSHIELD_HOST_PORT
}

fn is_payshield_host_port(port: &u16) -> bool {
    *port == PAYSHIELD_HOST_PORT
}

impl Hsm {
    /// Whether this is a payment HSM (Azure Payment HSM, a payShield 10K), by its SKU.
    pub fn is_payment(&self) -> bool {
        is_payshield_sku(&self.sku)
    }

    /// The subnet of the management NIC, if the HSM has one: its own management subnet, or
    /// the host subnet.
    pub fn management_subnet(&self) -> Option<Id> {
        match self.management_subnet {
            Some(subnet) => Some(subnet),
            None if self.management_nic => Some(self.subnet),
            None => None,
        }
    }

    /// How many private addresses the HSM takes in `subnet`: its host addresses in the host
    /// subnet, its management address in the management subnet.
    pub fn addresses_in(&self, subnet: Id) -> usize {
        let host = if subnet == self.subnet {
            1 + self.more_host_ips.len()
        } else {
            0
        };
        host + usize::from(self.management_subnet() == Some(subnet))
    }

    /// The subnets the HSM has a NIC in: the host subnet, then the management one if another.
    pub fn subnets(&self) -> impl Iterator<Item = Id> {
        let management = self.management_subnet().filter(|s| *s != self.subnet);
        std::iter::once(self.subnet).chain(management)
    }

    /// The port its clients open sessions to: Luna NTLS, or a payShield's host port.
    pub fn client_port(&self) -> u16 {
        if self.is_payment() {
            self.host_port
        } else {
            LUNA_NTLS_PORT
        }
    }

    /// The host addresses pinned in the design, in order.
    pub fn host_ips(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.private_ip
            .into_iter()
            .chain(self.more_host_ips.iter().copied())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GatewayKind {
    ExpressRoute,
    Vpn,
}

impl Gateway {
    /// Whether the gateway runs two active instances, each with its own IP configuration and
    /// public IP: an active-active VPN gateway (the setting means nothing on ExpressRoute).
    pub fn is_active_active(&self) -> bool {
        self.active_active && self.kind == GatewayKind::Vpn
    }
}

/// The SKU of a public IP address, as Azure names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicIpSku {
    Basic,
    #[default]
    Standard,
}

impl PublicIpSku {
    pub fn is_standard(&self) -> bool {
        *self == PublicIpSku::Standard
    }

    /// Azure's name of the SKU.
    pub fn as_str(self) -> &'static str {
        match self {
            PublicIpSku::Basic => "Basic",
            PublicIpSku::Standard => "Standard",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VpnType {
    RouteBased,
    PolicyBased,
}

/// A virtual network gateway in a VNet's GatewaySubnet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    pub id: Id,
    pub name: String,
    pub subnet: Id,
    pub kind: GatewayKind,
    /// Azure SKU name, e.g. `ErGw1AZ`, `Standard`, `VpnGw2AZ`, `Basic`.
    pub sku: String,
    /// VPN gateways only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn_type: Option<VpnType>,
    /// Active-active: both gateway instances carry tunnels (VPN gateways only; Payment HSM
    /// traffic does not support it). Zone redundancy comes with the `AZ` SKUs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub active_active: bool,
    /// The SKU of the gateway's public IP (of both, when active-active). Standard unless an
    /// imported gateway still has a Basic one: Azure retired Basic public IPs on 2025-09-30
    /// (`azure::offered::BASIC_PUBLIC_IP_RETIRED`).
    #[serde(default, skip_serializing_if = "PublicIpSku::is_standard")]
    pub public_ip_sku: PublicIpSku,
    /// The point-to-site client address pool (VPN gateways only).
    #[serde(
        with = "serde_ip::opt_prefix",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub p2s_pool: Option<Ipv4Net>,
    #[serde(default)]
    pub layout: Point,
}

/// A network virtual appliance (a proxy VM) that forwards and SNATs traffic to the HSMs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nva {
    pub id: Id,
    pub name: String,
    pub subnet: Id,
    #[serde(
        with = "serde_ip::opt_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub private_ip: Option<Ipv4Addr>,
    /// Source NAT of client addresses, so the HSM's replies return through the NVA.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub snat: bool,
    /// IP forwarding on the NVA's NIC.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub ip_forwarding: bool,
    /// Azure VM size; the exporters use it as is.
    #[serde(default = "default_vm_size")]
    pub vm_size: String,
    #[serde(default)]
    pub layout: Point,
}

fn default_vm_size() -> String {
    "Standard_D2s_v3".to_string()
}

/// An internal load balancer in front of the NVA proxy tier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub id: Id,
    pub name: String,
    pub subnet: Id,
    /// `Standard` or `Basic`.
    pub sku: String,
    /// The static private frontend address; dynamic when absent.
    #[serde(
        with = "serde_ip::opt_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub frontend_ip: Option<Ipv4Addr>,
    /// NVAs in the backend pool.
    #[serde(default)]
    pub backends: Vec<Id>,
    #[serde(default)]
    pub rules: Vec<LbRule>,
    #[serde(default)]
    pub probes: Vec<LbProbe>,
    #[serde(default)]
    pub layout: Point,
}

impl LoadBalancer {
    /// A Standard internal load balancer in front of an NVA proxy tier: Luna clients reach the
    /// HSMs on TCP 1792, so it balances that port with a probe on it.
    pub fn luna_proxy(
        id: Id,
        name: String,
        subnet: Id,
        frontend_ip: Ipv4Addr,
        backends: Vec<Id>,
    ) -> Self {
        LoadBalancer {
            id,
            name,
            subnet,
            sku: "Standard".to_string(),
            frontend_ip: Some(frontend_ip),
            backends,
            rules: vec![LbRule {
                name: "luna-ntls".to_string(),
                protocol: Protocol::Tcp,
                frontend_port: LUNA_NTLS_PORT,
                backend_port: LUNA_NTLS_PORT,
                probe: Some("luna-ntls-probe".to_string()),
            }],
            probes: vec![LbProbe {
                name: "luna-ntls-probe".to_string(),
                protocol: Protocol::Tcp,
                port: LUNA_NTLS_PORT,
            }],
            layout: Point::default(),
        }
    }
}

/// A load-balancing rule: frontend port to backend port, checked by a named probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LbRule {
    pub name: String,
    pub protocol: Protocol,
    pub frontend_port: u16,
    pub backend_port: u16,
    /// The name of a probe of the same load balancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<String>,
}

/// A health probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LbProbe {
    pub name: String,
    pub protocol: Protocol,
    pub port: u16,
}

/// An Azure Firewall in an `AzureFirewallSubnet`, with its network rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Firewall {
    pub id: Id,
    pub name: String,
    pub subnet: Id,
    /// Network rules, evaluated in order; traffic no rule allows is denied.
    #[serde(default)]
    pub rules: Vec<FirewallRule>,
    /// SNAT every allowed flow to the firewall's own address, private destinations included
    /// (Azure's "private IP ranges" set to always SNAT). Off by default, as in Azure: then only
    /// traffic to public addresses is translated and clients keep their own source address.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub always_snat: bool,
    #[serde(default)]
    pub layout: Point,
}

/// An Azure Firewall network rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallRule {
    pub name: String,
    pub action: super::policy::Access,
    pub protocol: Protocol,
    #[serde(with = "serde_ip::prefixes")]
    pub sources: Vec<Ipv4Net>,
    #[serde(with = "serde_ip::prefixes")]
    pub destinations: Vec<Ipv4Net>,
    pub ports: Vec<PortRange>,
}
