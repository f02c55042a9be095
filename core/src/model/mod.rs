//! The design model: a plain, serialisable description of an HSM network.
//!
//! Containment is explicit: a [`Region`] holds VNets (`Vnet::region`), a [`Vnet`] holds its
//! [`Subnet`]s inline, and every device (HSM, gateway, NVA, load balancer, firewall) names the
//! subnet it sits in. Links (peerings, connections) and policies (route tables, NSGs) refer to
//! elements by [`Id`]. Ids are unique across the whole design and never reused by an edit, so a
//! finding, a selection or an undo step can hold on to them.
//!
//! The model accepts designs that Azure would reject (a non-canonical prefix, an unknown SKU, a
//! dangling reference): saying what is wrong with them is the job of [`crate::rules`].

mod auto_layout;
pub mod builder;
mod cloud;
pub mod defaults;
mod devices;
mod index;
mod layout;
mod links;
pub mod metrics;
mod network;
mod policy;
pub(crate) mod serde_ip;
mod site;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use auto_layout::lay_out;
pub use cloud::{node_addresses, CloudHsmCluster, PrivateDnsZone, PrivateEndpoint};
pub use devices::{
    Firewall, FirewallRule, Gateway, GatewayKind, Hsm, LbProbe, LbRule, LoadBalancer, Nva,
    PublicIpSku, VpnType,
};
pub use index::Index;
pub use layout::{Point, Rect};
pub use links::{Connection, ConnectionKind, ErCircuit, Peering, PeeringSide, PrivatePeering};
pub use network::{Region, Subnet, Vnet};
pub use policy::{
    Access, AddressMatch, Direction, NextHop, Nsg, NsgRule, PortRange, Protocol, Route, RouteTable,
};
pub use site::{OnPremSite, SiteRoles};

/// A stable element id, unique within one design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub u32);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A whole design. Collections keep insertion order, which is also output order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub vnets: Vec<Vnet>,
    #[serde(default)]
    pub hsms: Vec<Hsm>,
    #[serde(default)]
    pub gateways: Vec<Gateway>,
    #[serde(default)]
    pub nvas: Vec<Nva>,
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default)]
    pub firewalls: Vec<Firewall>,
    #[serde(default)]
    pub route_tables: Vec<RouteTable>,
    #[serde(default)]
    pub nsgs: Vec<Nsg>,
    #[serde(default)]
    pub sites: Vec<OnPremSite>,
    #[serde(default)]
    pub circuits: Vec<ErCircuit>,
    #[serde(default)]
    pub peerings: Vec<Peering>,
    #[serde(default)]
    pub connections: Vec<Connection>,
    /// Azure Cloud HSM clusters (absent from older documents, omitted when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cloud_hsm_clusters: Vec<CloudHsmCluster>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_endpoints: Vec<PrivateEndpoint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_dns_zones: Vec<PrivateDnsZone>,
    /// Elements a migration plan marks as retirable: they served only what the plan replaces
    /// (a Dedicated HSM's delegation, gateway, proxy tier), kept until the team removes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retirable: Vec<Id>,
}

/// What kind of element an id names; used by findings, selections and the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Region,
    Vnet,
    Subnet,
    Hsm,
    Gateway,
    Nva,
    LoadBalancer,
    Firewall,
    RouteTable,
    Nsg,
    Site,
    Circuit,
    Peering,
    Connection,
    CloudHsmCluster,
    PrivateEndpoint,
    PrivateDnsZone,
}

impl Kind {
    /// The word users read in messages ("subnet", "load balancer").
    pub fn label(self) -> &'static str {
        match self {
            Kind::Region => "region",
            Kind::Vnet => "VNet",
            Kind::Subnet => "subnet",
            Kind::Hsm => "HSM",
            Kind::Gateway => "gateway",
            Kind::Nva => "NVA",
            Kind::LoadBalancer => "load balancer",
            Kind::Firewall => "firewall",
            Kind::RouteTable => "route table",
            Kind::Nsg => "NSG",
            Kind::Site => "on-premises site",
            Kind::Circuit => "ExpressRoute circuit",
            Kind::Peering => "peering",
            Kind::Connection => "connection",
            Kind::CloudHsmCluster => "Cloud HSM cluster",
            Kind::PrivateEndpoint => "private endpoint",
            Kind::PrivateDnsZone => "private DNS zone",
        }
    }
}

impl Design {
    /// An empty design with a name.
    pub fn new(name: impl Into<String>) -> Self {
        Design {
            name: name.into(),
            ..Design::default()
        }
    }

    pub fn region(&self, id: Id) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    pub fn vnet(&self, id: Id) -> Option<&Vnet> {
        self.vnets.iter().find(|v| v.id == id)
    }

    /// A subnet and the VNet that holds it.
    pub fn subnet(&self, id: Id) -> Option<(&Vnet, &Subnet)> {
        self.vnets
            .iter()
            .find_map(|v| v.subnets.iter().find(|s| s.id == id).map(|s| (v, s)))
    }

    pub fn hsm(&self, id: Id) -> Option<&Hsm> {
        self.hsms.iter().find(|h| h.id == id)
    }

    pub fn gateway(&self, id: Id) -> Option<&Gateway> {
        self.gateways.iter().find(|g| g.id == id)
    }

    pub fn nva(&self, id: Id) -> Option<&Nva> {
        self.nvas.iter().find(|n| n.id == id)
    }

    pub fn load_balancer(&self, id: Id) -> Option<&LoadBalancer> {
        self.load_balancers.iter().find(|l| l.id == id)
    }

    pub fn firewall(&self, id: Id) -> Option<&Firewall> {
        self.firewalls.iter().find(|f| f.id == id)
    }

    pub fn route_table(&self, id: Id) -> Option<&RouteTable> {
        self.route_tables.iter().find(|r| r.id == id)
    }

    pub fn nsg(&self, id: Id) -> Option<&Nsg> {
        self.nsgs.iter().find(|n| n.id == id)
    }

    pub fn site(&self, id: Id) -> Option<&OnPremSite> {
        self.sites.iter().find(|s| s.id == id)
    }

    pub fn circuit(&self, id: Id) -> Option<&ErCircuit> {
        self.circuits.iter().find(|c| c.id == id)
    }

    pub fn cloud_hsm_cluster(&self, id: Id) -> Option<&CloudHsmCluster> {
        self.cloud_hsm_clusters.iter().find(|c| c.id == id)
    }

    pub fn private_endpoint(&self, id: Id) -> Option<&PrivateEndpoint> {
        self.private_endpoints.iter().find(|e| e.id == id)
    }

    pub fn private_dns_zone(&self, id: Id) -> Option<&PrivateDnsZone> {
        self.private_dns_zones.iter().find(|z| z.id == id)
    }

    /// The VNet that holds a subnet.
    pub fn vnet_of_subnet(&self, subnet: Id) -> Option<&Vnet> {
        self.subnet(subnet).map(|(v, _)| v)
    }

    /// The VNet a gateway sits in (through its subnet).
    pub fn vnet_of_gateway(&self, gateway: Id) -> Option<&Vnet> {
        self.gateway(gateway)
            .and_then(|g| self.vnet_of_subnet(g.subnet))
    }

    /// The Azure location of a VNet, through its region.
    pub fn location_of_vnet(&self, vnet: &Vnet) -> Option<&str> {
        self.region(vnet.region).map(|r| r.location.as_str())
    }

    /// HSMs placed in a subnet.
    pub fn hsms_in_subnet(&self, subnet: Id) -> impl Iterator<Item = &Hsm> {
        self.hsms.iter().filter(move |h| h.subnet == subnet)
    }

    /// HSMs placed anywhere in a VNet.
    pub fn hsms_in_vnet<'a>(&'a self, vnet: &'a Vnet) -> impl Iterator<Item = &'a Hsm> + 'a {
        self.hsms
            .iter()
            .filter(move |h| vnet.subnets.iter().any(|s| s.id == h.subnet))
    }

    /// Gateways sitting in a VNet.
    pub fn gateways_in_vnet<'a>(
        &'a self,
        vnet: &'a Vnet,
    ) -> impl Iterator<Item = &'a Gateway> + 'a {
        self.gateways
            .iter()
            .filter(move |g| vnet.subnets.iter().any(|s| s.id == g.subnet))
    }

    /// The Dedicated HSMs (not the payment HSMs): what a migration to Cloud HSM replaces.
    pub fn dedicated_hsms(&self) -> impl Iterator<Item = &Hsm> {
        self.hsms.iter().filter(|h| !h.is_payment())
    }

    /// Whether a VNet holds at least one HSM.
    pub fn is_hsm_vnet(&self, vnet: &Vnet) -> bool {
        self.hsms_in_vnet(vnet).next().is_some()
    }

    /// The kind and display name of any element, for messages and the canvas.
    pub fn describe(&self, id: Id) -> Option<(Kind, &str)> {
        macro_rules! find {
            ($field:ident, $kind:expr) => {
                if let Some(e) = self.$field.iter().find(|e| e.id == id) {
                    return Some(($kind, e.name.as_str()));
                }
            };
        }
        find!(regions, Kind::Region);
        find!(vnets, Kind::Vnet);
        if let Some((_, s)) = self.subnet(id) {
            return Some((Kind::Subnet, s.name.as_str()));
        }
        find!(hsms, Kind::Hsm);
        find!(gateways, Kind::Gateway);
        find!(nvas, Kind::Nva);
        find!(load_balancers, Kind::LoadBalancer);
        find!(firewalls, Kind::Firewall);
        find!(route_tables, Kind::RouteTable);
        find!(nsgs, Kind::Nsg);
        find!(sites, Kind::Site);
        find!(circuits, Kind::Circuit);
        find!(peerings, Kind::Peering);
        find!(connections, Kind::Connection);
        find!(cloud_hsm_clusters, Kind::CloudHsmCluster);
        find!(private_endpoints, Kind::PrivateEndpoint);
        find!(private_dns_zones, Kind::PrivateDnsZone);
        None
    }

    /// The name of an element, or its id when it does not exist (a dangling reference).
    pub fn name_of(&self, id: Id) -> String {
        match self.describe(id) {
            Some((_, name)) => name.to_string(),
            None => id.to_string(),
        }
    }

    /// Every id in the design, in document order.
    pub fn ids(&self) -> Vec<Id> {
        let mut ids = Vec::new();
        ids.extend(self.regions.iter().map(|e| e.id));
        for v in &self.vnets {
            ids.push(v.id);
            ids.extend(v.subnets.iter().map(|s| s.id));
        }
        ids.extend(self.hsms.iter().map(|e| e.id));
        ids.extend(self.gateways.iter().map(|e| e.id));
        ids.extend(self.nvas.iter().map(|e| e.id));
        ids.extend(self.load_balancers.iter().map(|e| e.id));
        ids.extend(self.firewalls.iter().map(|e| e.id));
        ids.extend(self.route_tables.iter().map(|e| e.id));
        ids.extend(self.nsgs.iter().map(|e| e.id));
        ids.extend(self.sites.iter().map(|e| e.id));
        ids.extend(self.circuits.iter().map(|e| e.id));
        ids.extend(self.peerings.iter().map(|e| e.id));
        ids.extend(self.connections.iter().map(|e| e.id));
        ids.extend(self.cloud_hsm_clusters.iter().map(|e| e.id));
        ids.extend(self.private_endpoints.iter().map(|e| e.id));
        ids.extend(self.private_dns_zones.iter().map(|e| e.id));
        ids
    }

    /// The smallest id that no element of this design uses.
    pub fn next_id(&self) -> Id {
        Id(self.ids().into_iter().map(|i| i.0 + 1).max().unwrap_or(1))
    }

    /// The total number of elements.
    pub fn element_count(&self) -> usize {
        self.ids().len()
    }

    /// What the work on a design grows with, and what the loader caps: every element, and
    /// every item inside one that checking and tracing go through (address prefixes, routes,
    /// NSG rules, firewall rules with their address and port lists, load-balancer rules,
    /// probes and backends). A design cannot hide a million routes in one route table.
    pub fn size(&self) -> usize {
        let spaces: usize = self
            .vnets
            .iter()
            .map(|v| v.address_space.len() + v.tags.len())
            .sum();
        let host_ips: usize = self.hsms.iter().map(|h| h.more_host_ips.len()).sum();
        let site_prefixes: usize = self.sites.iter().map(|s| s.prefixes.len()).sum();
        let routes: usize = self.route_tables.iter().map(|t| t.routes.len()).sum();
        let nsg_rules: usize = self.nsgs.iter().map(|n| n.rules.len()).sum();
        let firewall_rules: usize = self
            .firewalls
            .iter()
            .flat_map(|f| &f.rules)
            .map(|r| 1 + r.sources.len() + r.destinations.len() + r.ports.len())
            .sum();
        let dns_references: usize = self
            .private_dns_zones
            .iter()
            .map(|z| z.records.len() + z.vnet_links.len())
            .sum();
        let balancers: usize = self
            .load_balancers
            .iter()
            .map(|lb| lb.rules.len() + lb.probes.len() + lb.backends.len())
            .sum();
        self.element_count()
            + spaces
            + host_ips
            + site_prefixes
            + routes
            + nsg_rules
            + firewall_rules
            + balancers
            + dns_references
            + self.retirable.len()
    }
}
