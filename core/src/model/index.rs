//! The one index of a design: constant-time lookups by id (element and position in the
//! design), and what each VNet holds. Built once per check, inside the flow tracer's network,
//! and read by every rule, the tracer and the topology (the `Design` methods scan linearly,
//! which is fine for one edit but not for fifty rules over a 1,000-spoke estate).

use super::{CloudHsmCluster, PrivateDnsZone, PrivateEndpoint};
use super::{Connection, ErCircuit, Kind, Peering, Region, Subnet, Vnet};
use super::{Design, Firewall, Gateway, Hsm, Id, LoadBalancer, Nsg, Nva, OnPremSite, RouteTable};
use crate::hashing::HashMap;

/// Where an element lives in its design (positions as `u32`: the table of slots is the
/// largest thing the index holds, and designs are capped far below 2³²).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Region(u32),
    Vnet(u32),
    Subnet(u32, u32),
    Hsm(u32),
    Gateway(u32),
    Nva(u32),
    LoadBalancer(u32),
    Firewall(u32),
    RouteTable(u32),
    Nsg(u32),
    Site(u32),
    Circuit(u32),
    Peering(u32),
    Connection(u32),
    CloudHsmCluster(u32),
    PrivateEndpoint(u32),
    PrivateDnsZone(u32),
}

/// Id lookups over one design. Built in O(n); every lookup is O(1).
pub struct Index<'d> {
    design: &'d Design,
    /// Where each id is; for an id that more than one element claims, the first.
    slots: Slots,
    /// Ids that more than one element claims; the loader and edits refuse such designs.
    duplicates: Vec<Id>,
    /// Per VNet position: its HSMs and its gateways, in document order.
    hsms_by_vnet: Vec<Vec<Id>>,
    gateways_by_vnet: Vec<Vec<Id>>,
}

/// Where each id is. Ids are usually small and dense (the studio numbers them from 1), so a
/// table indexed by the id itself answers without hashing; ids spread wider than a few times
/// the number of elements fall back to a hash map.
enum Slots {
    Dense(Vec<Option<Slot>>),
    Sparse(HashMap<Id, Slot>),
}

impl Slots {
    /// The slots of `entries`, the first of each id kept, and the ids claimed more than once.
    fn new(entries: Vec<(Id, Slot)>) -> (Self, Vec<Id>) {
        let mut duplicates = Vec::new();
        let highest = entries
            .iter()
            .map(|(id, _)| id.0 as usize)
            .max()
            .unwrap_or(0);
        if highest <= 4 * entries.len() + 64 {
            let mut table = vec![None; highest + 1];
            for (id, slot) in entries {
                match &mut table[id.0 as usize] {
                    Some(_) => duplicates.push(id),
                    free => *free = Some(slot),
                }
            }
            return (Slots::Dense(table), duplicates);
        }
        let mut map = HashMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (id, slot) in entries {
            match map.entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => duplicates.push(id),
                std::collections::hash_map::Entry::Vacant(free) => {
                    free.insert(slot);
                }
            }
        }
        (Slots::Sparse(map), duplicates)
    }

    fn get(&self, id: Id) -> Option<&Slot> {
        match self {
            Slots::Dense(table) => table.get(id.0 as usize)?.as_ref(),
            Slots::Sparse(map) => map.get(&id),
        }
    }
}

macro_rules! getter {
    ($fn:ident, $position:ident, $variant:ident, $field:ident, $ty:ty) => {
        pub fn $fn(&self, id: Id) -> Option<&'d $ty> {
            self.design.$field.get(self.$position(id)?)
        }

        /// Its position in the design's list.
        pub fn $position(&self, id: Id) -> Option<usize> {
            match self.slots.get(id)? {
                Slot::$variant(i) => Some(*i as usize),
                _ => None,
            }
        }
    };
}

impl<'d> Index<'d> {
    pub fn new(design: &'d Design) -> Self {
        let mut entries = Vec::with_capacity(design.vnets.len() * 4 + design.hsms.len() + 16);
        let mut put = |id: Id, slot: Slot| entries.push((id, slot));
        for (i, e) in design.regions.iter().enumerate() {
            put(e.id, Slot::Region(i as u32));
        }
        for (i, v) in design.vnets.iter().enumerate() {
            put(v.id, Slot::Vnet(i as u32));
            for (j, s) in v.subnets.iter().enumerate() {
                put(s.id, Slot::Subnet(i as u32, j as u32));
            }
        }
        macro_rules! index {
            ($field:ident, $variant:ident) => {
                for (i, e) in design.$field.iter().enumerate() {
                    put(e.id, Slot::$variant(i as u32));
                }
            };
        }
        index!(hsms, Hsm);
        index!(gateways, Gateway);
        index!(nvas, Nva);
        index!(load_balancers, LoadBalancer);
        index!(firewalls, Firewall);
        index!(route_tables, RouteTable);
        index!(nsgs, Nsg);
        index!(sites, Site);
        index!(circuits, Circuit);
        index!(peerings, Peering);
        index!(connections, Connection);
        index!(cloud_hsm_clusters, CloudHsmCluster);
        index!(private_endpoints, PrivateEndpoint);
        index!(private_dns_zones, PrivateDnsZone);
        let (slots, duplicates) = Slots::new(entries);
        let mut index = Index {
            design,
            slots,
            duplicates,
            hsms_by_vnet: vec![Vec::new(); design.vnets.len()],
            gateways_by_vnet: vec![Vec::new(); design.vnets.len()],
        };
        for h in &design.hsms {
            if let Some((i, _)) = index.subnet_position(h.subnet) {
                index.hsms_by_vnet[i].push(h.id);
            }
        }
        for g in &design.gateways {
            if let Some((i, _)) = index.subnet_position(g.subnet) {
                index.gateways_by_vnet[i].push(g.id);
            }
        }
        index
    }

    pub fn design(&self) -> &'d Design {
        self.design
    }

    /// Ids claimed by more than one element.
    pub fn duplicates(&self) -> &[Id] {
        &self.duplicates
    }

    pub fn kind(&self, id: Id) -> Option<Kind> {
        Some(match self.slots.get(id)? {
            Slot::Region(_) => Kind::Region,
            Slot::Vnet(_) => Kind::Vnet,
            Slot::Subnet(..) => Kind::Subnet,
            Slot::Hsm(_) => Kind::Hsm,
            Slot::Gateway(_) => Kind::Gateway,
            Slot::Nva(_) => Kind::Nva,
            Slot::LoadBalancer(_) => Kind::LoadBalancer,
            Slot::Firewall(_) => Kind::Firewall,
            Slot::RouteTable(_) => Kind::RouteTable,
            Slot::Nsg(_) => Kind::Nsg,
            Slot::Site(_) => Kind::Site,
            Slot::Circuit(_) => Kind::Circuit,
            Slot::Peering(_) => Kind::Peering,
            Slot::Connection(_) => Kind::Connection,
            Slot::CloudHsmCluster(_) => Kind::CloudHsmCluster,
            Slot::PrivateEndpoint(_) => Kind::PrivateEndpoint,
            Slot::PrivateDnsZone(_) => Kind::PrivateDnsZone,
        })
    }

    getter!(region, region_position, Region, regions, Region);
    getter!(vnet, vnet_position, Vnet, vnets, Vnet);
    getter!(hsm, hsm_position, Hsm, hsms, Hsm);
    getter!(gateway, gateway_position, Gateway, gateways, Gateway);
    getter!(nva, nva_position, Nva, nvas, Nva);
    getter!(
        load_balancer,
        load_balancer_position,
        LoadBalancer,
        load_balancers,
        LoadBalancer
    );
    getter!(firewall, firewall_position, Firewall, firewalls, Firewall);
    getter!(
        route_table,
        route_table_position,
        RouteTable,
        route_tables,
        RouteTable
    );
    getter!(nsg, nsg_position, Nsg, nsgs, Nsg);
    getter!(site, site_position, Site, sites, OnPremSite);
    getter!(circuit, circuit_position, Circuit, circuits, ErCircuit);
    getter!(peering, peering_position, Peering, peerings, Peering);
    getter!(
        connection,
        connection_position,
        Connection,
        connections,
        Connection
    );
    getter!(
        cloud_hsm_cluster,
        cloud_hsm_cluster_position,
        CloudHsmCluster,
        cloud_hsm_clusters,
        CloudHsmCluster
    );
    getter!(
        private_endpoint,
        private_endpoint_position,
        PrivateEndpoint,
        private_endpoints,
        PrivateEndpoint
    );
    getter!(
        private_dns_zone,
        private_dns_zone_position,
        PrivateDnsZone,
        private_dns_zones,
        PrivateDnsZone
    );

    /// A subnet's position: its VNet's in the design, and its own in the VNet.
    pub fn subnet_position(&self, id: Id) -> Option<(usize, usize)> {
        match self.slots.get(id)? {
            Slot::Subnet(i, j) => Some((*i as usize, *j as usize)),
            _ => None,
        }
    }

    /// A subnet and the VNet holding it.
    pub fn subnet(&self, id: Id) -> Option<(&'d Vnet, &'d Subnet)> {
        let (i, j) = self.subnet_position(id)?;
        let vnet = &self.design.vnets[i];
        Some((vnet, &vnet.subnets[j]))
    }

    /// The VNet holding a subnet.
    pub fn vnet_of_subnet(&self, subnet: Id) -> Option<&'d Vnet> {
        self.subnet(subnet).map(|(v, _)| v)
    }

    /// The HSMs in the VNet at `position`.
    pub fn hsms_in(&self, position: usize) -> &[Id] {
        self.hsms_by_vnet.get(position).map_or(&[], Vec::as_slice)
    }

    /// The gateways in the VNet at `position`.
    pub fn gateways_in(&self, position: usize) -> &[Id] {
        self.gateways_by_vnet
            .get(position)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the VNet with this id holds an HSM.
    pub fn is_hsm_vnet(&self, vnet: Id) -> bool {
        !self.hsms_of(vnet).is_empty()
    }

    /// The HSMs in the VNet with this id.
    pub fn hsms_of(&self, vnet: Id) -> &[Id] {
        self.vnet_position(vnet).map_or(&[], |i| self.hsms_in(i))
    }

    /// The gateways in the VNet with this id.
    pub fn gateways_of(&self, vnet: Id) -> &[Id] {
        self.vnet_position(vnet)
            .map_or(&[], |i| self.gateways_in(i))
    }

    /// The Azure location of a VNet (through its region).
    pub fn location(&self, vnet: &Vnet) -> Option<&'d str> {
        self.region(vnet.region).map(|r| r.location.as_str())
    }

    /// The name of any element, or its id when it does not exist.
    pub fn name(&self, id: Id) -> String {
        let d = self.design;
        let name = match self.slots.get(id) {
            None => return id.to_string(),
            Some(slot) => match *slot {
                Slot::Region(i) => &d.regions[i as usize].name,
                Slot::Vnet(i) => &d.vnets[i as usize].name,
                Slot::Subnet(i, j) => &d.vnets[i as usize].subnets[j as usize].name,
                Slot::Hsm(i) => &d.hsms[i as usize].name,
                Slot::Gateway(i) => &d.gateways[i as usize].name,
                Slot::Nva(i) => &d.nvas[i as usize].name,
                Slot::LoadBalancer(i) => &d.load_balancers[i as usize].name,
                Slot::Firewall(i) => &d.firewalls[i as usize].name,
                Slot::RouteTable(i) => &d.route_tables[i as usize].name,
                Slot::Nsg(i) => &d.nsgs[i as usize].name,
                Slot::Site(i) => &d.sites[i as usize].name,
                Slot::Circuit(i) => &d.circuits[i as usize].name,
                Slot::Peering(i) => &d.peerings[i as usize].name,
                Slot::Connection(i) => &d.connections[i as usize].name,
                Slot::CloudHsmCluster(i) => &d.cloud_hsm_clusters[i as usize].name,
                Slot::PrivateEndpoint(i) => &d.private_endpoints[i as usize].name,
                Slot::PrivateDnsZone(i) => &d.private_dns_zones[i as usize].name,
            },
        };
        name.clone()
    }
}
