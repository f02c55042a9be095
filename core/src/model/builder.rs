//! A terse way to put designs together in code: the presets and the tests use it.
//! It writes exactly what it is told (no implicit delegation, no implicit gateway), hands out
//! fresh ids, and lays the design out on the canvas when finished. What it is not told comes
//! from the same defaults as drawing's (`super::defaults`).

use super::*;
use crate::azure::offered::HSM_DELEGATION;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Builds a [`Design`] element by element. Panics only on malformed literals in code
/// (`"10.0.0.0/33"`), never on user input: user input goes through the loader.
pub struct Builder {
    pub design: Design,
    next: u32,
}

/// Parses a prefix literal written in code.
pub fn net(text: &str) -> Ipv4Net {
    text.parse()
        .unwrap_or_else(|_| panic!("bad prefix literal {text:?}"))
}

/// Parses an address literal written in code.
pub fn ip(text: &str) -> Ipv4Addr {
    text.parse()
        .unwrap_or_else(|_| panic!("bad address literal {text:?}"))
}

impl Builder {
    pub fn new(name: &str) -> Self {
        Builder {
            design: Design::new(name),
            next: 1,
        }
    }

    /// Continues from an existing design, handing out ids after its largest.
    pub fn from(design: Design) -> Self {
        let next = design.next_id().0;
        Builder { design, next }
    }

    pub fn id(&mut self) -> Id {
        let id = Id(self.next);
        self.next += 1;
        id
    }

    pub fn describe(mut self, text: &str) -> Self {
        self.design.description = text.to_string();
        self
    }

    /// A region by Azure location name; the display name comes from the offered-regions list
    /// when known.
    pub fn region(&mut self, location: &str) -> Id {
        let id = self.id();
        let name = crate::azure::regions::display_name(location)
            .unwrap_or(location)
            .to_string();
        self.design
            .regions
            .push(Region::new(id, name, location.to_string()));
        id
    }

    pub fn vnet(&mut self, region: Id, name: &str, space: &[&str]) -> Id {
        let id = self.id();
        let space = space.iter().map(|s| net(s)).collect();
        self.design
            .vnets
            .push(Vnet::new(id, name.to_string(), region, space));
        id
    }

    pub fn subnet(&mut self, vnet: Id, name: &str, prefix: &str) -> Id {
        let id = self.id();
        let subnet = Subnet::new(id, name.to_string(), net(prefix));
        self.vnet_mut(vnet).subnets.push(subnet);
        id
    }

    /// A subnet delegated to Dedicated HSM.
    pub fn hsm_subnet(&mut self, vnet: Id, name: &str, prefix: &str) -> Id {
        let id = self.subnet(vnet, name, prefix);
        self.subnet_mut(id).delegation = Some(HSM_DELEGATION.to_string());
        id
    }

    /// A subnet whose workloads are HSM clients.
    pub fn client_subnet(&mut self, vnet: Id, name: &str, prefix: &str) -> Id {
        let id = self.subnet(vnet, name, prefix);
        self.subnet_mut(id).hsm_client = true;
        id
    }

    pub fn hsm(&mut self, subnet: Id, name: &str, stamp: &str, private_ip: Option<&str>) -> Id {
        let id = self.id();
        self.design.hsms.push(Hsm {
            private_ip: private_ip.map(ip),
            ..Hsm::new(id, name.to_string(), subnet, stamp.to_string())
        });
        id
    }

    pub fn er_gateway(&mut self, subnet: Id, name: &str, sku: &str) -> Id {
        let id = self.id();
        self.design.gateways.push(Gateway {
            sku: sku.to_string(),
            ..Gateway::new(id, name.to_string(), subnet, GatewayKind::ExpressRoute)
        });
        id
    }

    pub fn vpn_gateway(&mut self, subnet: Id, name: &str, sku: &str, p2s_pool: Option<&str>) -> Id {
        let id = self.id();
        self.design.gateways.push(Gateway {
            sku: sku.to_string(),
            p2s_pool: p2s_pool.map(net),
            ..Gateway::new(id, name.to_string(), subnet, GatewayKind::Vpn)
        });
        id
    }

    pub fn nva(&mut self, subnet: Id, name: &str, private_ip: &str) -> Id {
        let id = self.id();
        let private_ip = Some(ip(private_ip));
        self.design
            .nvas
            .push(Nva::new(id, name.to_string(), subnet, private_ip));
        id
    }

    /// A Standard internal load balancer with a TCP 1792 rule and probe over `backends`.
    pub fn luna_load_balancer(
        &mut self,
        subnet: Id,
        name: &str,
        frontend: &str,
        backends: &[Id],
    ) -> Id {
        let id = self.id();
        self.design.load_balancers.push(LoadBalancer::luna_proxy(
            id,
            name.to_string(),
            subnet,
            ip(frontend),
            backends.to_vec(),
        ));
        id
    }

    pub fn firewall(&mut self, subnet: Id, name: &str, rules: Vec<FirewallRule>) -> Id {
        let id = self.id();
        self.design.firewalls.push(Firewall {
            rules,
            ..Firewall::new(id, name.to_string(), subnet)
        });
        id
    }

    /// A route table attached to the given subnets.
    pub fn route_table(&mut self, name: &str, routes: Vec<Route>, subnets: &[Id]) -> Id {
        let id = self.id();
        self.design
            .route_tables
            .push(RouteTable::new(id, name.to_string(), routes));
        for s in subnets {
            self.subnet_mut(*s).route_table = Some(id);
        }
        id
    }

    /// An NSG attached to the given subnets.
    pub fn nsg(&mut self, name: &str, rules: Vec<NsgRule>, subnets: &[Id]) -> Id {
        let id = self.id();
        self.design.nsgs.push(Nsg::new(id, name.to_string(), rules));
        for s in subnets {
            self.subnet_mut(*s).nsg = Some(id);
        }
        id
    }

    pub fn site(
        &mut self,
        name: &str,
        prefixes: &[&str],
        vpn_device_ip: Option<&str>,
        roles: SiteRoles,
    ) -> Id {
        let id = self.id();
        self.design.sites.push(OnPremSite::new(
            id,
            name.to_string(),
            prefixes.iter().map(|p| net(p)).collect(),
            vpn_device_ip.map(ip),
            roles,
        ));
        id
    }

    /// A circuit with Azure private peering (the first /30s of `peering_space`, a /29).
    pub fn circuit(&mut self, site: Id, name: &str, peering_space: &str) -> Id {
        let id = self.id();
        let space = net(peering_space);
        let mut halves = space.subnets(30).expect("a /29 or larger");
        let primary = halves.next().expect("two /30s");
        let secondary = halves.next().expect("two /30s");
        self.design.circuits.push(ErCircuit::new(
            id,
            name.to_string(),
            site,
            primary,
            secondary,
        ));
        id
    }

    /// A peering with Azure's defaults on both sides (forwarded traffic allowed, no transit).
    pub fn peering(&mut self, a: Id, b: Id) -> Id {
        let id = self.id();
        let name = format!("{}-to-{}", self.design.name_of(a), self.design.name_of(b));
        self.design.peerings.push(Peering::new(id, name, a, b));
        id
    }

    pub fn connection(&mut self, name: &str, kind: ConnectionKind) -> Id {
        let id = self.id();
        self.design
            .connections
            .push(Connection::new(id, name.to_string(), kind));
        id
    }

    /// A Cloud HSM cluster of the default SKU, closed to public networks.
    pub fn cloud_hsm_cluster(&mut self, region: Id, name: &str) -> Id {
        let id = self.id();
        let cluster = CloudHsmCluster::new(id, name.to_string(), region);
        self.design.cloud_hsm_clusters.push(cluster);
        id
    }

    /// A private endpoint to `target` in `subnet`, static at `private_ip` or dynamic.
    pub fn private_endpoint(
        &mut self,
        subnet: Id,
        target: Id,
        name: &str,
        private_ip: Option<&str>,
    ) -> Id {
        let id = self.id();
        let ip = private_ip.map(ip);
        let endpoint = PrivateEndpoint::new(id, name.to_string(), subnet, target, ip);
        self.design.private_endpoints.push(endpoint);
        id
    }

    /// A private DNS zone holding the records of `endpoints`, linked to `vnets`.
    pub fn private_dns_zone(&mut self, name: &str, endpoints: &[Id], vnets: &[Id]) -> Id {
        let id = self.id();
        let mut zone = PrivateDnsZone::new(id, name.to_string());
        zone.records = endpoints.to_vec();
        zone.vnet_links = vnets.to_vec();
        self.design.private_dns_zones.push(zone);
        id
    }

    pub fn vnet_mut(&mut self, id: Id) -> &mut Vnet {
        self.design
            .vnets
            .iter_mut()
            .find(|v| v.id == id)
            .unwrap_or_else(|| panic!("no VNet {id}"))
    }

    pub fn subnet_mut(&mut self, id: Id) -> &mut Subnet {
        self.design
            .vnets
            .iter_mut()
            .flat_map(|v| v.subnets.iter_mut())
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no subnet {id}"))
    }

    pub fn hsm_mut(&mut self, id: Id) -> &mut Hsm {
        self.design
            .hsms
            .iter_mut()
            .find(|h| h.id == id)
            .unwrap_or_else(|| panic!("no HSM {id}"))
    }

    /// Lays the design out and returns it.
    pub fn finish(mut self) -> Design {
        super::auto_layout::lay_out(&mut self.design);
        self.design
    }
}

/// A route (helper for builders).
pub fn route(name: &str, prefix: &str, next_hop: NextHop, next_hop_ip: Option<&str>) -> Route {
    Route {
        name: name.to_string(),
        prefix: net(prefix),
        next_hop,
        next_hop_ip: next_hop_ip.map(ip),
    }
}

/// An NSG rule (helper for builders).
// One argument per field of an Azure NSG rule, in the order the portal shows them: terse
// presets and tests read better than a struct literal would.
#[allow(clippy::too_many_arguments)]
pub fn nsg_rule(
    name: &str,
    priority: u16,
    direction: Direction,
    access: Access,
    protocol: Protocol,
    source: &str,
    destination: &str,
    ports: &str,
) -> NsgRule {
    let parse = |s: &str| {
        s.parse::<AddressMatch>()
            .unwrap_or_else(|e| panic!("bad address literal: {e}"))
    };
    NsgRule {
        name: name.to_string(),
        priority,
        direction,
        access,
        protocol,
        source: parse(source),
        destination: parse(destination),
        destination_ports: ports
            .parse()
            .unwrap_or_else(|e| panic!("bad port literal: {e}")),
    }
}

/// A firewall network rule (helper for builders).
pub fn firewall_rule(
    name: &str,
    action: Access,
    sources: &[&str],
    destinations: &[&str],
    ports: &[&str],
) -> FirewallRule {
    FirewallRule {
        name: name.to_string(),
        action,
        protocol: Protocol::Tcp,
        sources: sources.iter().map(|s| net(s)).collect(),
        destinations: destinations.iter().map(|s| net(s)).collect(),
        ports: ports
            .iter()
            .map(|p| {
                p.parse()
                    .unwrap_or_else(|e| panic!("bad port literal: {e}"))
            })
            .collect(),
    }
}
