//! Constant-time lookups by id, built once per check (the `Design` methods scan linearly,
//! which is fine for one edit but not for fifty rules over a 1,000-spoke estate).

use super::{Design, Firewall, Gateway, Hsm, Id, LoadBalancer, Nsg, Nva, OnPremSite, RouteTable};
use super::{ErCircuit, Kind, Region, Subnet, Vnet};
use std::collections::HashMap;

/// Where an element lives in its design.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Region(usize),
    Vnet(usize),
    Subnet(usize, usize),
    Hsm(usize),
    Gateway(usize),
    Nva(usize),
    LoadBalancer(usize),
    Firewall(usize),
    RouteTable(usize),
    Nsg(usize),
    Site(usize),
    Circuit(usize),
    Peering(usize),
    Connection(usize),
}

/// Id lookups over one design. Built in O(n); every lookup is O(1).
pub struct Index<'d> {
    design: &'d Design,
    slots: HashMap<Id, Slot>,
    /// Ids that more than one element claims; the loader and edits refuse such designs.
    duplicates: Vec<Id>,
}

macro_rules! getter {
    ($fn:ident, $variant:ident, $field:ident, $ty:ty) => {
        pub fn $fn(&self, id: Id) -> Option<&'d $ty> {
            match self.slots.get(&id)? {
                Slot::$variant(i) => self.design.$field.get(*i),
                _ => None,
            }
        }
    };
}

impl<'d> Index<'d> {
    pub fn new(design: &'d Design) -> Self {
        let mut slots = HashMap::with_capacity(design.vnets.len() * 4 + design.hsms.len() + 16);
        let mut duplicates = Vec::new();
        let mut put = |id: Id, slot: Slot| {
            if slots.insert(id, slot).is_some() {
                duplicates.push(id);
            }
        };
        for (i, e) in design.regions.iter().enumerate() {
            put(e.id, Slot::Region(i));
        }
        for (i, v) in design.vnets.iter().enumerate() {
            put(v.id, Slot::Vnet(i));
            for (j, s) in v.subnets.iter().enumerate() {
                put(s.id, Slot::Subnet(i, j));
            }
        }
        macro_rules! index {
            ($field:ident, $variant:ident) => {
                for (i, e) in design.$field.iter().enumerate() {
                    put(e.id, Slot::$variant(i));
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
        Index {
            design,
            slots,
            duplicates,
        }
    }

    pub fn design(&self) -> &'d Design {
        self.design
    }

    /// Ids claimed by more than one element.
    pub fn duplicates(&self) -> &[Id] {
        &self.duplicates
    }

    pub fn kind(&self, id: Id) -> Option<Kind> {
        Some(match self.slots.get(&id)? {
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
        })
    }

    getter!(region, Region, regions, Region);
    getter!(vnet, Vnet, vnets, Vnet);
    getter!(hsm, Hsm, hsms, Hsm);
    getter!(gateway, Gateway, gateways, Gateway);
    getter!(nva, Nva, nvas, Nva);
    getter!(load_balancer, LoadBalancer, load_balancers, LoadBalancer);
    getter!(firewall, Firewall, firewalls, Firewall);
    getter!(route_table, RouteTable, route_tables, RouteTable);
    getter!(nsg, Nsg, nsgs, Nsg);
    getter!(site, Site, sites, OnPremSite);
    getter!(circuit, Circuit, circuits, ErCircuit);

    /// A subnet and the VNet holding it.
    pub fn subnet(&self, id: Id) -> Option<(&'d Vnet, &'d Subnet)> {
        match self.slots.get(&id)? {
            Slot::Subnet(i, j) => {
                let vnet = self.design.vnets.get(*i)?;
                Some((vnet, vnet.subnets.get(*j)?))
            }
            _ => None,
        }
    }

    /// The VNet holding a subnet.
    pub fn vnet_of_subnet(&self, subnet: Id) -> Option<&'d Vnet> {
        self.subnet(subnet).map(|(v, _)| v)
    }

    /// The Azure location of a VNet (through its region).
    pub fn location(&self, vnet: &Vnet) -> Option<&'d str> {
        self.region(vnet.region).map(|r| r.location.as_str())
    }

    /// The name of any element, or its id when it does not exist.
    pub fn name(&self, id: Id) -> String {
        let d = self.design;
        let name = match self.slots.get(&id) {
            None => return id.to_string(),
            Some(slot) => match *slot {
                Slot::Region(i) => &d.regions[i].name,
                Slot::Vnet(i) => &d.vnets[i].name,
                Slot::Subnet(i, j) => &d.vnets[i].subnets[j].name,
                Slot::Hsm(i) => &d.hsms[i].name,
                Slot::Gateway(i) => &d.gateways[i].name,
                Slot::Nva(i) => &d.nvas[i].name,
                Slot::LoadBalancer(i) => &d.load_balancers[i].name,
                Slot::Firewall(i) => &d.firewalls[i].name,
                Slot::RouteTable(i) => &d.route_tables[i].name,
                Slot::Nsg(i) => &d.nsgs[i].name,
                Slot::Site(i) => &d.sites[i].name,
                Slot::Circuit(i) => &d.circuits[i].name,
                Slot::Peering(i) => &d.peerings[i].name,
                Slot::Connection(i) => &d.connections[i].name,
            },
        };
        name.clone()
    }
}

/// Per-VNet facts that many rules need, gathered in one pass.
pub struct VnetFacts {
    /// HSMs per VNet id.
    pub hsms: HashMap<Id, Vec<Id>>,
    /// Gateways per VNet id.
    pub gateways: HashMap<Id, Vec<Id>>,
}

impl VnetFacts {
    pub fn new(index: &Index) -> Self {
        let design = index.design();
        let mut hsms: HashMap<Id, Vec<Id>> = HashMap::new();
        for h in &design.hsms {
            if let Some(v) = index.vnet_of_subnet(h.subnet) {
                hsms.entry(v.id).or_default().push(h.id);
            }
        }
        let mut gateways: HashMap<Id, Vec<Id>> = HashMap::new();
        for g in &design.gateways {
            if let Some(v) = index.vnet_of_subnet(g.subnet) {
                gateways.entry(v.id).or_default().push(g.id);
            }
        }
        VnetFacts { hsms, gateways }
    }

    pub fn is_hsm_vnet(&self, vnet: Id) -> bool {
        self.hsms.get(&vnet).is_some_and(|h| !h.is_empty())
    }

    pub fn gateways_of(&self, vnet: Id) -> &[Id] {
        self.gateways.get(&vnet).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn hsms_of(&self, vnet: Id) -> &[Id] {
        self.hsms.get(&vnet).map(Vec::as_slice).unwrap_or(&[])
    }
}
