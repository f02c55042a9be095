//! What a new element starts with, wherever it is made: drawing and the rules' fixes
//! (`draw::new`, which adds a free name, addresses and a place on the canvas) and presets and
//! tests ([`super::builder`], which writes what it is told). Each constructor fills in the
//! defaults and leaves the layout at the origin.

use super::*;
use crate::azure::offered::DEDICATED_HSM_SKU;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// The SKU of a new ExpressRoute gateway (zone-redundant, the smallest Azure still offers).
pub const ER_GATEWAY_SKU: &str = "ErGw1AZ";
/// The SKU of a new VPN gateway (zone-redundant, route-based, BGP).
pub const VPN_GATEWAY_SKU: &str = "VpnGw2AZ";
/// The VM size of a new NVA.
pub const NVA_VM_SIZE: &str = "Standard_D2s_v3";
/// A new ExpressRoute circuit: provider, peering location, bandwidth, and its private
/// peering's ASN and VLAN.
pub const CIRCUIT_PROVIDER: &str = "Equinix";
pub const CIRCUIT_PEERING_LOCATION: &str = "Amsterdam";
pub const CIRCUIT_MBPS: u32 = 1000;
pub const CIRCUIT_PEER_ASN: u32 = 65010;
pub const CIRCUIT_VLAN: u16 = 100;

impl Region {
    pub fn new(id: Id, name: String, location: String) -> Self {
        Region {
            id,
            name,
            location,
            layout: Rect::default(),
        }
    }
}

impl Vnet {
    /// A VNet with no subnets yet.
    pub fn new(id: Id, name: String, region: Id, address_space: Vec<Ipv4Net>) -> Self {
        Vnet {
            id,
            name,
            region,
            address_space,
            subnets: Vec::new(),
            tags: Default::default(),
            external: false,
            layout: Rect::default(),
        }
    }
}

impl Subnet {
    /// A subnet with no delegation, NSG or route table, not marked as holding HSM clients.
    pub fn new(id: Id, name: String, prefix: Ipv4Net) -> Self {
        Subnet {
            id,
            name,
            prefix,
            delegation: None,
            nsg: None,
            route_table: None,
            hsm_client: false,
            layout: Rect::default(),
        }
    }
}

impl Hsm {
    /// A Luna Network HSM on `stamp` with a dynamic address, no management NIC, and the NTLS IP
    /// check on.
    pub fn new(id: Id, name: String, subnet: Id, stamp: String) -> Self {
        Hsm {
            id,
            name,
            subnet,
            sku: DEDICATED_HSM_SKU.to_string(),
            stamp,
            private_ip: None,
            more_host_ips: Vec::new(),
            management_ip: None,
            management_nic: false,
            management_subnet: None,
            host_port: crate::azure::ports::PAYSHIELD_HOST_PORT,
            ntls_ip_check: true,
            layout: Point::default(),
        }
    }
}

impl Hsm {
    /// An Azure Payment HSM: the first payShield 10K SKU, with a management NIC beside its host
    /// NIC (as Microsoft's quickstart deploys one).
    pub fn payment(id: Id, name: String, subnet: Id, stamp: String) -> Self {
        Hsm {
            sku: crate::azure::offered::PAYSHIELD_SKUS[0].to_string(),
            management_nic: true,
            ..Hsm::new(id, name, subnet, stamp)
        }
    }
}

impl Gateway {
    /// A gateway of the default SKU for its kind; a VPN gateway is route-based, with no
    /// point-to-site pool.
    pub fn new(id: Id, name: String, subnet: Id, kind: GatewayKind) -> Self {
        let (sku, vpn_type) = match kind {
            GatewayKind::ExpressRoute => (ER_GATEWAY_SKU, None),
            GatewayKind::Vpn => (VPN_GATEWAY_SKU, Some(VpnType::RouteBased)),
        };
        Gateway {
            id,
            name,
            subnet,
            kind,
            sku: sku.to_string(),
            vpn_type,
            active_active: false,
            public_ip_sku: PublicIpSku::Standard,
            p2s_pool: None,
            layout: Point::default(),
        }
    }
}

impl Nva {
    /// An NVA that forwards and source-NATs, as the proxy tier needs.
    pub fn new(id: Id, name: String, subnet: Id, private_ip: Option<Ipv4Addr>) -> Self {
        Nva {
            id,
            name,
            subnet,
            private_ip,
            snat: true,
            ip_forwarding: true,
            vm_size: NVA_VM_SIZE.to_string(),
            layout: Point::default(),
        }
    }
}

impl Firewall {
    /// A firewall with no rules (it denies everything) that keeps private sources.
    pub fn new(id: Id, name: String, subnet: Id) -> Self {
        Firewall {
            id,
            name,
            subnet,
            rules: Vec::new(),
            always_snat: false,
            layout: Point::default(),
        }
    }
}

impl RouteTable {
    /// A route table that propagates gateway routes.
    pub fn new(id: Id, name: String, routes: Vec<Route>) -> Self {
        RouteTable {
            id,
            name,
            routes,
            bgp_propagation: true,
            layout: Point::default(),
        }
    }
}

impl Nsg {
    pub fn new(id: Id, name: String, rules: Vec<NsgRule>) -> Self {
        Nsg {
            id,
            name,
            rules,
            layout: Point::default(),
        }
    }
}

impl OnPremSite {
    pub fn new(
        id: Id,
        name: String,
        prefixes: Vec<Ipv4Net>,
        vpn_device_ip: Option<Ipv4Addr>,
        roles: SiteRoles,
    ) -> Self {
        OnPremSite {
            id,
            name,
            prefixes,
            vpn_device_ip,
            roles,
            layout: Point::default(),
        }
    }
}

impl ErCircuit {
    /// A circuit from `site` with private peering over the two /30s given.
    pub fn new(id: Id, name: String, site: Id, primary: Ipv4Net, secondary: Ipv4Net) -> Self {
        ErCircuit {
            id,
            name,
            site,
            provider: CIRCUIT_PROVIDER.to_string(),
            peering_location: CIRCUIT_PEERING_LOCATION.to_string(),
            bandwidth_mbps: CIRCUIT_MBPS,
            private_peering: Some(PrivatePeering {
                peer_asn: CIRCUIT_PEER_ASN,
                vlan_id: CIRCUIT_VLAN,
                primary_prefix: primary,
                secondary_prefix: secondary,
            }),
            layout: Point::default(),
        }
    }
}

impl Peering {
    /// A peering with Azure's defaults on both sides (forwarded traffic allowed, no transit).
    pub fn new(id: Id, name: String, a: Id, b: Id) -> Self {
        Peering {
            id,
            name,
            a,
            b,
            a_to_b: PeeringSide::default(),
            b_to_a: PeeringSide::default(),
        }
    }
}

impl Connection {
    pub fn new(id: Id, name: String, kind: ConnectionKind) -> Self {
        Connection {
            id,
            name,
            kind,
            fastpath: false,
        }
    }
}
