//! What the tracer knows of a design, gathered once and shared by every trace over it: lookups
//! by id and by address, peerings and gateways per VNet, and effective routes.
//!
//! Effective routes are never copied per subnet: a subnet's lookup asks, in turn, its route
//! table's routes (kept per table), its VNet's own and peered address spaces (kept per VNet),
//! what the gateways it uses learned (kept per gateway) and Azure's default routes, and picks
//! as Azure does. So one route table shared by thousands of subnets, or thousands of learned
//! prefixes seen by thousands of spokes, costs its own size once. The whole table of one subnet
//! is put together only when someone asks to see it ([`Network::effective_routes`]).

use super::balancer::Healthy;
use super::routes::{
    best_of, in_virtual_network, push_default_routes, EffectiveRoute, NextHopType, RouteSet,
    RouteSource, RouteState, VnetScope,
};
use crate::addressing::{addresses_in_use_of, first_usable, FreeRuns};
use crate::azure::cloud_hsm;
use crate::hashing::{HashMap, HashSet};
use crate::model::{
    node_addresses, ConnectionKind, Design, Firewall, Gateway, Hsm, Id, Index, LoadBalancer,
    NextHop, Nsg, Nva, Peering, RouteTable, Subnet, Vnet,
};
use ipnet::Ipv4Net;
use std::cell::{OnceCell, RefCell};
use std::net::Ipv4Addr;

/// The HSM NICs a VNet holds: any at all, and any of a payment HSM.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HsmNics {
    pub any: bool,
    pub payment: bool,
}

/// A device that answers at an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Hsm(Id),
    Nva(Id),
    /// A load balancer's frontend.
    LoadBalancer(Id),
    Firewall(Id),
    /// A private endpoint (to a Cloud HSM cluster).
    PrivateEndpoint(Id),
}

/// The address of each private endpoint's first node: its static one, else the first of a run
/// of free addresses of its subnet (one per node), as Azure assigns dynamic ones. The used
/// addresses of every subnet holding a dynamic endpoint are gathered in one pass, and each
/// subnet's runs are handed out in one sweep.
fn endpoint_addresses(design: &Design, index: &Index) -> HashMap<Id, Ipv4Addr> {
    let mut out =
        HashMap::with_capacity_and_hasher(design.private_endpoints.len(), Default::default());
    let mut dynamic_subnets = Vec::new();
    let mut seen = HashSet::default();
    for e in &design.private_endpoints {
        match e.private_ip {
            Some(ip) => {
                out.insert(e.id, ip);
            }
            None => {
                if let Some((_, subnet)) = index.subnet(e.subnet) {
                    if seen.insert(subnet.id) {
                        dynamic_subnets.push(subnet);
                    }
                }
            }
        }
    }
    if dynamic_subnets.is_empty() {
        return out;
    }
    let used = addresses_in_use_of(design, &dynamic_subnets);
    let mut runs: HashMap<Id, FreeRuns> = dynamic_subnets
        .iter()
        .map(|s| {
            (
                s.id,
                FreeRuns::new(s, used.get(&s.id).map_or(&[], Vec::as_slice)),
            )
        })
        .collect();
    for e in design
        .private_endpoints
        .iter()
        .filter(|e| e.private_ip.is_none())
    {
        if let Some(ip) = runs
            .get_mut(&e.subnet)
            .and_then(|r| r.take(cloud_hsm::NODES.len()))
        {
            out.insert(e.id, ip);
        }
    }
    out
}

/// The per-design facts every trace reads; build it once with [`Network::new`] and trace as
/// many flows over it as needed.
pub struct Network<'d> {
    pub(crate) design: &'d Design,
    /// The design's one index: elements and positions by id, and what each VNet holds.
    index: Index<'d>,
    /// Per VNet slot: (the peering's position in the design, the other VNet's slot).
    peer_start: Vec<usize>,
    peer_list: Vec<(usize, usize)>,
    /// Per region position: its normalised location; per VNet slot: its region's position.
    region_location: Vec<String>,
    vnet_region: Vec<Option<usize>>,
    /// Per gateway: the connections that use it.
    connections_of: HashMap<Id, Vec<usize>>,
    devices: HashMap<Ipv4Addr, Device>,
    /// Per load balancer and rule: the backend that takes flows, or why none does (the
    /// health probes do not depend on the flow).
    backends: RefCell<HashMap<(Id, usize), Healthy>>,
    hsm_address: HashMap<Id, Ipv4Addr>,
    /// Per payShield HSM with a management NIC: its management address (payShield Manager).
    management_address: HashMap<Id, Ipv4Addr>,
    /// Per VNet slot: what HSMs it holds a NIC of (host or management), for the peering hop.
    hsm_nics: Vec<HsmNics>,
    nva_address: HashMap<Id, Ipv4Addr>,
    /// Each private endpoint's address: its static one, or the one Azure would give it.
    endpoint_address: HashMap<Id, Ipv4Addr>,
    /// (VNet slot, other VNet slot) → the first peering joining them, for VNets that both
    /// have many peerings (others scan the shorter list); made on first use.
    peering_between: OnceCell<HashMap<(usize, usize), usize>>,
    /// Per VNet slot: its address space and its peers' (the routes gateway routes never beat).
    local_routes: Vec<OnceCell<RouteSet>>,
    /// Azure's default system routes, the same for every subnet.
    default_routes: RouteSet,
    /// Per route table (by position in the design): its user routes.
    table_routes: Vec<OnceCell<RouteSet>>,
    /// Per gateway: what it learned, with the connection leading to each prefix.
    learned: HashMap<Id, OnceCell<Vec<(Ipv4Net, Id)>>>,
    /// Per gateway: what it learned as routes naming the gateway (a subnet's view) and as
    /// routes naming the connection (the gateway's own choice of connection).
    gateway_routes: HashMap<Id, OnceCell<RouteSet>>,
    connection_routes: HashMap<Id, OnceCell<RouteSet>>,
    /// Per circuit: the gateways connected to it by ExpressRoute.
    circuit_gateways: HashMap<Id, Vec<Id>>,
    /// Per HSM VNet slot: the proxy frontends a flow to its HSMs tries (see `proxies_for`).
    proxies: Vec<OnceCell<Vec<(Ipv4Addr, Id)>>>,
    /// Per VNet slot: the address spaces a gateway there announces, as routes.
    announced_routes: Vec<OnceCell<RouteSet>>,
    /// Per site: whether it has site-to-site or ExpressRoute connections (with or without
    /// private peering), and its first point-to-site connection.
    site_kinds: HashMap<Id, (bool, Option<Id>)>,
    /// Per site: its links into Azure (connection, gateway, point-to-site or not).
    site_links: HashMap<Id, Vec<(Id, Id, bool)>>,
    /// Cloud HSM name resolution: each cluster's endpoints, each endpoint's zones; made on
    /// first use.
    cloud_dns: OnceCell<super::dns::CloudDns>,
    /// The first subnet (in document order) holding an address; per VNet, and overall.
    /// Each made on first use; a VNet's own only when it has more subnets than a scan
    /// handles quickly.
    subnets_by_prefix: OnceCell<FirstHolder<(usize, Id)>>,
    subnets_by_vnet_prefix: Vec<OnceCell<FirstHolder<Id>>>,
    /// The first VNet (in document order) whose address space holds an address.
    vnets_by_prefix: OnceCell<FirstHolder<usize>>,
}

/// Up to this many candidates, a scan beats hashing (and needs no index built).
const SCAN_LIMIT: usize = 16;

/// Which element, first in document order, holds an address, among elements each holding
/// one prefix: at most 33 hash lookups (one per prefix length in use) instead of a scan.
struct FirstHolder<T> {
    /// (prefix length, network) → (document position, value) of the first holder.
    first: HashMap<(u8, u32), (usize, T)>,
    /// The prefix lengths in use.
    lengths: Vec<u8>,
}

impl<T: Copy> FirstHolder<T> {
    fn new() -> Self {
        FirstHolder {
            first: HashMap::default(),
            lengths: Vec::new(),
        }
    }

    /// Adds an element; call in document order.
    fn insert(&mut self, prefix: Ipv4Net, position: usize, value: T) {
        let len = prefix.prefix_len();
        self.first
            .entry((len, u32::from(prefix.network())))
            .or_insert((position, value));
        if !self.lengths.contains(&len) {
            self.lengths.push(len);
        }
    }

    fn get(&self, ip: Ipv4Addr) -> Option<T> {
        let addr = u32::from(ip);
        self.lengths
            .iter()
            .filter_map(|&len| {
                let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
                self.first.get(&(len, addr & mask))
            })
            .min_by_key(|(position, _)| *position)
            .map(|&(_, value)| value)
    }
}

/// A subnet's effective routes indexed by prefix: see [`Network::prefix_routes`].
pub struct PrefixRoutes {
    table: RouteSet,
    /// The active routes, by network address and then prefix length.
    active: Vec<usize>,
    /// (prefix length, network address) → the active route.
    by_key: HashMap<(u8, u32), usize>,
}

impl PrefixRoutes {
    /// The routes Azure picks for the addresses of `prefix`: first the route of every address
    /// that no more specific route holds (the longest active route holding the whole prefix),
    /// then each active route inside the prefix and more specific than it, by address.
    pub fn within(&self, prefix: Ipv4Net) -> Vec<&EffectiveRoute> {
        let routes = self.table.routes();
        let prefix = prefix.trunc();
        let network = u32::from(prefix.network());
        let whole = (0..=prefix.prefix_len()).rev().find_map(|len| {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            self.by_key.get(&(len, network & mask))
        });
        let end = u32::from(prefix.broadcast());
        let start = self
            .active
            .partition_point(|&i| u32::from(routes[i].prefix.network()) < network);
        let inside = self.active[start..]
            .iter()
            .map(|&i| &routes[i])
            .take_while(|r| u32::from(r.prefix.network()) <= end)
            .filter(|r| r.prefix.prefix_len() > prefix.prefix_len());
        whole
            .map(|&i| &routes[i])
            .into_iter()
            .chain(inside)
            .collect()
    }
}

/// The effective routes of one subnet, as a lookup over the layers they are made of; cheap to
/// make and to copy. See the module documentation.
#[derive(Clone, Copy)]
pub struct SubnetRoutes<'n, 'd> {
    net: &'n Network<'d>,
    slot: usize,
    table: Option<usize>,
    /// Whether gateway routes reach this subnet (its route table may turn them off).
    propagate: bool,
}

impl<'n, 'd> SubnetRoutes<'n, 'd> {
    /// The active route with the longest prefix holding `ip`, as Azure picks it.
    pub fn lookup(&self, ip: Ipv4Addr) -> Option<&'n EffectiveRoute> {
        let net = self.net;
        let user = self.table.and_then(|t| net.table_set(t).lookup(ip));
        let local = net.local_set(self.slot).lookup(ip);
        // Azure prefers the VNet's own and peered spaces to anything a gateway learned inside
        // them; a learned prefix holding `ip` that is not inside them is shorter than they are.
        let gateway = match (local, self.propagate) {
            (None, true) => best_of(
                net.gateway_vnets(self.slot)
                    .into_iter()
                    .flat_map(|(s, _)| net.gateways(s).iter())
                    .map(|&g| net.gateway_set(g).lookup(ip)),
            ),
            _ => None,
        };
        // A default route wins only with a longer prefix than the others (it comes last).
        let found = best_of([user, gateway, local]);
        let longer = found.map(|r| r.prefix.prefix_len());
        best_of([found, net.default_routes.lookup_longer(ip, longer)])
    }
}

impl VnetScope for SubnetRoutes<'_, '_> {
    fn in_virtual_network(&self, ip: Ipv4Addr) -> bool {
        in_virtual_network(self.lookup(ip))
    }
}

impl<'d> Network<'d> {
    pub fn new(design: &'d Design) -> Self {
        let index = Index::new(design);
        let n = design.vnets.len();
        // Per VNet slot, its peerings in document order, all in one list (slot x's are
        // `peer_list[peer_start[x]..peer_start[x + 1]]`): one allocation, not one per VNet.
        let ends: Vec<(usize, usize, usize)> = design
            .peerings
            .iter()
            .enumerate()
            .filter_map(|(k, p)| {
                let (a, b) = (index.vnet_position(p.a)?, index.vnet_position(p.b)?);
                (a != b).then_some((k, a, b))
            })
            .collect();
        let mut peer_start = vec![0usize; n + 1];
        for &(_, a, b) in &ends {
            peer_start[a + 1] += 1;
            peer_start[b + 1] += 1;
        }
        for x in 0..n {
            peer_start[x + 1] += peer_start[x];
        }
        let mut cursor = peer_start.clone();
        let mut peer_list = vec![(0, 0); peer_start[n]];
        for &(k, a, b) in &ends {
            peer_list[cursor[a]] = (k, b);
            cursor[a] += 1;
            peer_list[cursor[b]] = (k, a);
            cursor[b] += 1;
        }
        let subnet_of = |subnet: Id| index.subnet(subnet);
        let mut devices = HashMap::default();
        let mut hsm_address =
            HashMap::with_capacity_and_hasher(design.hsms.len(), Default::default());
        let mut unpinned: HashMap<Id, u32> = HashMap::default();
        let mut management_address = HashMap::default();
        let mut hsm_nics = vec![HsmNics::default(); design.vnets.len()];
        // Azure picks an address for a NIC without a pinned one; stand in with the subnet's
        // first usable ones, in document order.
        let mut stand_in = |subnet: &crate::model::Subnet| {
            let k = unpinned.entry(subnet.id).or_insert(0);
            *k += 1;
            Ipv4Addr::from(u32::from(first_usable(&subnet.prefix)) + *k - 1)
        };
        for h in &design.hsms {
            let Some((_, subnet)) = subnet_of(h.subnet) else {
                continue;
            };
            let address = h.private_ip.unwrap_or_else(|| stand_in(subnet));
            hsm_address.insert(h.id, address);
            devices.entry(address).or_insert(Device::Hsm(h.id));
            for &more in &h.more_host_ips {
                devices.entry(more).or_insert(Device::Hsm(h.id));
            }
            for nic_subnet in h.subnets() {
                if let Some((slot, _)) = index.subnet_position(nic_subnet) {
                    hsm_nics[slot].any = true;
                    hsm_nics[slot].payment |= h.is_payment();
                }
            }
            let Some((_, management)) = h.management_subnet().and_then(subnet_of) else {
                continue;
            };
            let address = h.management_ip.unwrap_or_else(|| stand_in(management));
            management_address.insert(h.id, address);
            devices.entry(address).or_insert(Device::Hsm(h.id));
        }
        let mut nva_address =
            HashMap::with_capacity_and_hasher(design.nvas.len(), Default::default());
        for (k, nva) in design.nvas.iter().enumerate() {
            let address = match (nva.private_ip, subnet_of(nva.subnet)) {
                (Some(ip), _) => ip,
                (None, Some((_, s))) => {
                    Ipv4Addr::from(u32::from(first_usable(&s.prefix)) + 8 + k as u32)
                }
                (None, None) => continue,
            };
            nva_address.insert(nva.id, address);
            devices.entry(address).or_insert(Device::Nva(nva.id));
        }
        for lb in &design.load_balancers {
            if let Some(ip) = lb.frontend_ip {
                devices.entry(ip).or_insert(Device::LoadBalancer(lb.id));
            }
        }
        for fw in &design.firewalls {
            if let Some((_, s)) = subnet_of(fw.subnet) {
                devices
                    .entry(first_usable(&s.prefix))
                    .or_insert(Device::Firewall(fw.id));
            }
        }
        let endpoint_address = endpoint_addresses(design, &index);
        for e in &design.private_endpoints {
            if let Some(&first) = endpoint_address.get(&e.id) {
                for address in node_addresses(first) {
                    devices
                        .entry(address)
                        .or_insert(Device::PrivateEndpoint(e.id));
                }
            }
        }
        let mut connections_of: HashMap<Id, Vec<usize>> = HashMap::default();
        for (k, c) in design.connections.iter().enumerate() {
            for g in c.kind.gateways() {
                connections_of.entry(g).or_default().push(k);
            }
        }
        let region_location = design
            .regions
            .iter()
            .map(|r| crate::azure::regions::location_key(&r.location))
            .collect();
        let vnet_region = design
            .vnets
            .iter()
            .map(|v| index.region_position(v.region))
            .collect();
        let learned = design
            .gateways
            .iter()
            .map(|g| (g.id, OnceCell::new()))
            .collect();
        let gateway_routes = design
            .gateways
            .iter()
            .map(|g| (g.id, OnceCell::new()))
            .collect();
        let connection_routes = design
            .gateways
            .iter()
            .map(|g| (g.id, OnceCell::new()))
            .collect();
        let mut circuit_gateways: HashMap<Id, Vec<Id>> = HashMap::default();
        let mut site_links: HashMap<Id, Vec<(Id, Id, bool)>> = HashMap::default();
        let mut site_kinds: HashMap<Id, (bool, Option<Id>)> = HashMap::default();
        for c in &design.connections {
            match c.kind {
                ConnectionKind::SiteToSite { site, .. } => {
                    site_kinds.entry(site).or_default().0 = true
                }
                ConnectionKind::ExpressRoute { circuit, .. } => {
                    if let Some(cir) = index.circuit(circuit) {
                        site_kinds.entry(cir.site).or_default().0 = true;
                    }
                }
                ConnectionKind::PointToSite { site, .. } => {
                    site_kinds.entry(site).or_default().1.get_or_insert(c.id);
                }
                ConnectionKind::VnetToVnet { .. } => {}
            }
        }
        for c in &design.connections {
            match c.kind {
                ConnectionKind::ExpressRoute { gateway, circuit } => {
                    circuit_gateways.entry(circuit).or_default().push(gateway);
                    let cir = index.circuit(circuit);
                    if let Some(cir) = cir.filter(|cir| cir.private_peering.is_some()) {
                        site_links
                            .entry(cir.site)
                            .or_default()
                            .push((c.id, gateway, false));
                    }
                }
                ConnectionKind::SiteToSite { gateway, site } => {
                    site_links
                        .entry(site)
                        .or_default()
                        .push((c.id, gateway, false));
                }
                ConnectionKind::PointToSite { gateway, site } => {
                    site_links
                        .entry(site)
                        .or_default()
                        .push((c.id, gateway, true));
                }
                ConnectionKind::VnetToVnet { .. } => {}
            }
        }
        let mut defaults = Vec::new();
        push_default_routes(&mut defaults);
        Network {
            design,
            index,
            backends: RefCell::new(HashMap::default()),
            peer_start,
            peer_list,
            region_location,
            vnet_region,
            connections_of,
            devices,
            hsm_address,
            management_address,
            hsm_nics,
            nva_address,
            endpoint_address,
            peering_between: OnceCell::new(),
            local_routes: (0..n).map(|_| OnceCell::new()).collect(),
            default_routes: RouteSet::new(defaults),
            table_routes: (0..design.route_tables.len())
                .map(|_| OnceCell::new())
                .collect(),
            learned,
            gateway_routes,
            connection_routes,
            circuit_gateways,
            announced_routes: (0..n).map(|_| OnceCell::new()).collect(),
            proxies: (0..n).map(|_| OnceCell::new()).collect(),
            site_links,
            site_kinds,
            cloud_dns: OnceCell::new(),
            subnets_by_prefix: OnceCell::new(),
            subnets_by_vnet_prefix: (0..n).map(|_| OnceCell::new()).collect(),
            vnets_by_prefix: OnceCell::new(),
        }
    }

    /// The design's index: elements and positions by id, and what each VNet holds.
    pub fn index(&self) -> &Index<'d> {
        &self.index
    }

    /// A subnet and the VNet holding it.
    pub(crate) fn subnet(&self, id: Id) -> Option<(&'d Vnet, &'d Subnet)> {
        self.index.subnet(id)
    }

    pub(crate) fn vnet_of_subnet(&self, id: Id) -> Option<&'d Vnet> {
        self.index.vnet_of_subnet(id)
    }

    pub(crate) fn hsm(&self, id: Id) -> Option<&'d Hsm> {
        self.index.hsm(id)
    }

    pub(crate) fn nva(&self, id: Id) -> Option<&'d Nva> {
        self.index.nva(id)
    }

    pub(crate) fn load_balancer(&self, id: Id) -> Option<&'d LoadBalancer> {
        self.index.load_balancer(id)
    }

    pub(crate) fn firewall(&self, id: Id) -> Option<&'d Firewall> {
        self.index.firewall(id)
    }

    pub(crate) fn gateway(&self, id: Id) -> Option<&'d Gateway> {
        self.index.gateway(id)
    }

    pub(crate) fn nsg(&self, id: Id) -> Option<&'d Nsg> {
        self.index.nsg(id)
    }

    /// The healthy backends a load balancer's rule hands flows to, worked out once by `pick`.
    pub(crate) fn backends_of(
        &self,
        lb: Id,
        rule: usize,
        pick: impl FnOnce() -> Healthy,
    ) -> Healthy {
        if let Some(known) = self.backends.borrow().get(&(lb, rule)) {
            return known.clone();
        }
        let picked = pick();
        self.backends
            .borrow_mut()
            .insert((lb, rule), picked.clone());
        picked
    }

    pub fn design(&self) -> &'d Design {
        self.design
    }

    /// A quoted element name for messages: `'hsm-vnet'`.
    /// A subnet is named with its VNet (`'spoke-1/workload'`): subnet names repeat.
    pub(crate) fn name(&self, id: Id) -> String {
        match self.subnet(id) {
            Some((v, s)) => format!("'{}/{}'", v.name, s.name),
            None if self.index.kind(id).is_some() => format!("'{}'", self.index.name(id)),
            None => id.to_string(),
        }
    }

    pub(crate) fn vnet_at(&self, slot: usize) -> &'d Vnet {
        &self.design.vnets[slot]
    }

    pub(crate) fn slot(&self, vnet: Id) -> Option<usize> {
        self.index.vnet_position(vnet)
    }

    pub(crate) fn slot_of_subnet(&self, subnet: Id) -> Option<usize> {
        self.index.subnet_position(subnet).map(|(i, _)| i)
    }

    /// The peerings of a VNet: (the peering's position in the design, the other VNet's slot).
    pub(crate) fn peers(&self, slot: usize) -> &[(usize, usize)] {
        &self.peer_list[self.peer_start[slot]..self.peer_start[slot + 1]]
    }

    /// The frontends of load balancers in front of NVAs that a client of an HSM in `hsm_slot`
    /// may be configured with: those in that VNet or one peered with it first, then others, at
    /// most [`super::MAX_PROXIES`], in document order.
    pub(crate) fn proxies_for(&self, hsm_slot: usize) -> &[(Ipv4Addr, Id)] {
        self.proxies[hsm_slot].get_or_init(|| {
            let mut near = Vec::new();
            let mut far = Vec::new();
            for lb in &self.design.load_balancers {
                let (Some(ip), true) = (
                    lb.frontend_ip,
                    lb.backends.iter().any(|b| self.nva(*b).is_some()),
                ) else {
                    continue;
                };
                let is_near = self.slot_of_subnet(lb.subnet).is_some_and(|slot| {
                    slot == hsm_slot || self.peering_between(slot, hsm_slot).is_some()
                });
                if is_near {
                    near.push((ip, lb.id));
                    if near.len() == super::MAX_PROXIES {
                        break;
                    }
                } else if far.len() < super::MAX_PROXIES {
                    far.push((ip, lb.id));
                }
            }
            near.extend(far);
            near.truncate(super::MAX_PROXIES);
            near
        })
    }

    /// Whether a site has site-to-site or ExpressRoute connections, and its first
    /// point-to-site connection.
    pub(crate) fn site_kinds(&self, site: Id) -> (bool, Option<Id>) {
        self.site_kinds.get(&site).copied().unwrap_or_default()
    }

    /// An on-premises site by id, without scanning the design's sites.
    pub(crate) fn site(&self, id: Id) -> Option<&'d crate::model::OnPremSite> {
        self.index.site(id)
    }

    pub(crate) fn connection(&self, id: Id) -> Option<&'d crate::model::Connection> {
        self.index.connection(id)
    }

    /// The first peering joining two VNet slots.
    pub(crate) fn peering_between(&self, a: usize, b: usize) -> Option<usize> {
        // Both lists are in document order, so the first match in either is the first peering.
        let (near, far) = if self.peers(a).len() <= self.peers(b).len() {
            (a, b)
        } else {
            (b, a)
        };
        if self.peers(near).len() <= SCAN_LIMIT {
            return self
                .peers(near)
                .iter()
                .find(|&&(_, other)| other == far)
                .map(|&(k, _)| k);
        }
        let between = self.peering_between.get_or_init(|| {
            let mut map = HashMap::default();
            for x in 0..self.peer_start.len() - 1 {
                for &(k, y) in self.peers(x) {
                    map.entry((x, y)).or_insert(k);
                }
            }
            map
        });
        between.get(&(a, b)).copied()
    }

    /// The position of a peering in the design.
    pub(crate) fn peering_slot(&self, id: Id) -> Option<usize> {
        self.index.peering_position(id)
    }

    pub(crate) fn peering(&self, k: usize) -> &'d Peering {
        &self.design.peerings[k]
    }

    pub(crate) fn gateways(&self, slot: usize) -> &[Id] {
        self.index.gateways_in(slot)
    }

    /// What HSM NICs (host or management) VNet `slot` holds.
    pub(crate) fn hsm_nics(&self, slot: usize) -> HsmNics {
        self.hsm_nics.get(slot).copied().unwrap_or_default()
    }

    /// The management address of a payShield HSM with a management NIC (pinned, or the one
    /// the tracer stands in for Azure's choice).
    pub fn management_address(&self, hsm: Id) -> Option<Ipv4Addr> {
        self.management_address.get(&hsm).copied()
    }

    pub(crate) fn location(&self, slot: usize) -> &str {
        self.vnet_region[slot].map_or("", |r| &self.region_location[r])
    }

    /// The device answering at an address.
    pub fn device_at(&self, ip: Ipv4Addr) -> Option<Device> {
        self.devices.get(&ip).copied()
    }

    /// An HSM's address: its pinned one, or the one Azure would likely give it.
    pub fn hsm_address(&self, hsm: Id) -> Option<Ipv4Addr> {
        self.hsm_address.get(&hsm).copied()
    }

    pub(crate) fn cloud_dns(&self) -> &super::dns::CloudDns {
        self.cloud_dns
            .get_or_init(|| super::dns::CloudDns::new(self.design))
    }

    /// A site's links into Azure: (connection, gateway, point-to-site or not).
    pub(crate) fn links_of_site(&self, site: Id) -> &[(Id, Id, bool)] {
        self.site_links.get(&site).map_or(&[], Vec::as_slice)
    }

    /// A private endpoint's address: its static one, or the one Azure would give it.
    pub fn endpoint_address(&self, endpoint: Id) -> Option<Ipv4Addr> {
        self.endpoint_address.get(&endpoint).copied()
    }

    pub fn nva_address(&self, nva: Id) -> Option<Ipv4Addr> {
        self.nva_address.get(&nva).copied()
    }

    /// Connections using a gateway, in document order.
    pub(crate) fn connections_of(&self, gateway: Id) -> impl Iterator<Item = usize> + '_ {
        self.connections_of
            .get(&gateway)
            .into_iter()
            .flatten()
            .copied()
    }

    /// Whether `user` uses `owner`'s gateways over `peering`: remote gateways on the user's
    /// side, gateway transit on the owner's.
    pub(crate) fn uses_gateways_of(&self, peering: usize, user: Id, owner: Id) -> bool {
        let p = self.peering(peering);
        match (p.side_on(user), p.side_on(owner)) {
            (Some(u), Some(o)) => u.use_remote_gateways && o.allow_gateway_transit,
            _ => false,
        }
    }

    /// The VNet slots whose gateways `slot` uses (itself when it has one; its transit peers
    /// otherwise), with the position of the peering crossed to reach them.
    pub(crate) fn gateway_vnets(&self, slot: usize) -> Vec<(usize, Option<usize>)> {
        let vnet = self.vnet_at(slot).id;
        let mut out = Vec::new();
        if !self.gateways(slot).is_empty() {
            out.push((slot, None));
        }
        for &(peering, other) in self.peers(slot) {
            if !self.gateways(other).is_empty()
                && self.uses_gateways_of(peering, vnet, self.vnet_at(other).id)
            {
                out.push((other, Some(peering)));
            }
        }
        out
    }

    /// Address spaces a gateway in `slot` announces to the far end of its connections: the VNet
    /// and the peers that use its gateways.
    fn announced(&self, slot: usize) -> Vec<Ipv4Net> {
        let vnet = self.vnet_at(slot);
        let mut out: Vec<Ipv4Net> = vnet.address_space.clone();
        for &(peering, other) in self.peers(slot) {
            let peer = self.vnet_at(other);
            if self.uses_gateways_of(peering, peer.id, vnet.id) {
                out.extend(peer.address_space.iter().copied());
            }
        }
        out
    }

    /// Prefixes a gateway learns from its connections, each with the connection that leads
    /// there: site prefixes (site-to-site, ExpressRoute with private peering), the
    /// point-to-site pool, the far VNet of a VNet-to-VNet VPN and other VNets on the same
    /// ExpressRoute circuit (with the peers that use their gateways).
    pub(crate) fn learned(&self, gateway: Id) -> &[(Ipv4Net, Id)] {
        let Some(cell) = self.learned.get(&gateway) else {
            return &[];
        };
        cell.get_or_init(|| {
            let design = self.design;
            let mut out = Vec::new();
            let slot_of_gateway =
                |g: Id| self.gateway(g).and_then(|g| self.slot_of_subnet(g.subnet));
            for k in self.connections_of(gateway) {
                let c = &design.connections[k];
                match c.kind {
                    ConnectionKind::SiteToSite { site, .. } => {
                        if let Some(site) = self.site(site) {
                            out.extend(site.prefixes.iter().map(|p| (*p, c.id)));
                        }
                    }
                    ConnectionKind::PointToSite { .. } => {
                        if let Some(pool) = self.gateway(gateway).and_then(|g| g.p2s_pool) {
                            out.push((pool, c.id));
                        }
                    }
                    ConnectionKind::VnetToVnet { a, b } => {
                        let far = if a == gateway { b } else { a };
                        if let Some(slot) = slot_of_gateway(far) {
                            out.extend(self.announced(slot).into_iter().map(|p| (p, c.id)));
                        }
                    }
                    ConnectionKind::ExpressRoute { circuit, .. } => {
                        let Some(cir) = self.index.circuit(circuit) else {
                            continue;
                        };
                        if cir.private_peering.is_none() {
                            continue;
                        }
                        if let Some(site) = self.site(cir.site) {
                            out.extend(site.prefixes.iter().map(|p| (*p, c.id)));
                        }
                        let others = self.circuit_gateways.get(&circuit).into_iter().flatten();
                        for &g in others.filter(|&&g| g != gateway) {
                            if let Some(slot) = slot_of_gateway(g) {
                                out.extend(self.announced(slot).into_iter().map(|p| (p, c.id)));
                            }
                        }
                    }
                }
            }
            out
        })
    }

    /// What a gateway learned, as routes naming the gateway: what a subnet using it sees.
    fn gateway_set(&self, gateway: Id) -> &RouteSet {
        self.learned_set(&self.gateway_routes, gateway, |_| Some(gateway))
    }

    /// What a gateway learned, as routes naming the connection each prefix is reached over.
    fn connection_set(&self, gateway: Id) -> &RouteSet {
        self.learned_set(&self.connection_routes, gateway, Some)
    }

    fn learned_set<'s>(
        &'s self,
        cells: &'s HashMap<Id, OnceCell<RouteSet>>,
        gateway: Id,
        via: impl Fn(Id) -> Option<Id>,
    ) -> &'s RouteSet {
        static EMPTY: std::sync::OnceLock<RouteSet> = std::sync::OnceLock::new();
        let Some(cell) = cells.get(&gateway) else {
            return EMPTY.get_or_init(RouteSet::default);
        };
        cell.get_or_init(|| {
            let routes = self
                .learned(gateway)
                .iter()
                .map(|&(p, connection)| EffectiveRoute {
                    via: via(connection),
                    ..EffectiveRoute::learned(p, gateway)
                })
                .collect();
            RouteSet::new(routes)
        })
    }

    /// The connection a gateway sends `ip` over: the longest learned prefix holding it.
    pub(crate) fn connection_for(&self, gateway: Id, ip: Ipv4Addr) -> Option<Id> {
        self.connection_set(gateway).lookup(ip).and_then(|r| r.via)
    }

    /// A VNet's own address space and its peers' (system routes).
    fn local_set(&self, slot: usize) -> &RouteSet {
        self.local_routes[slot].get_or_init(|| {
            let vnet = self.vnet_at(slot);
            let peered: usize = (self.peers(slot).iter())
                .map(|&(_, other)| self.vnet_at(other).address_space.len())
                .sum();
            let mut out = Vec::with_capacity(vnet.address_space.len() + peered);
            out.extend(
                (vnet.address_space.iter())
                    .map(|p| EffectiveRoute::system(*p, NextHopType::VnetLocal, None)),
            );
            for &(peering, other) in self.peers(slot) {
                let id = self.peering(peering).id;
                out.extend(
                    self.vnet_at(other)
                        .address_space
                        .iter()
                        .map(|p| EffectiveRoute::system(*p, NextHopType::VNetPeering, Some(id))),
                );
            }
            RouteSet::new(out)
        })
    }

    /// A route table's routes (by position in the design).
    fn table_set(&self, k: usize) -> &RouteSet {
        self.table_routes[k].get_or_init(|| {
            let t = &self.design.route_tables[k];
            RouteSet::new(t.routes.iter().map(|r| user_route(t, r)).collect())
        })
    }

    /// A subnet's effective routes, as a lookup; `None` for an id that is not a subnet.
    pub fn routes_of_subnet(&self, subnet: Id) -> Option<SubnetRoutes<'_, 'd>> {
        let (_, s) = self.subnet(subnet)?;
        let slot = self.slot_of_subnet(subnet)?;
        let table = s
            .route_table
            .and_then(|t| self.index.route_table_position(t));
        let propagate = table.is_none_or(|k| self.design.route_tables[k].bgp_propagation);
        Some(SubnetRoutes {
            net: self,
            slot,
            table,
            propagate,
        })
    }

    /// The effective route a packet to `ip` takes when it leaves `subnet`: Azure's longest
    /// prefix match over the subnet's effective routes. Rules ask this rather than choosing
    /// routes themselves.
    pub fn route(&self, subnet: Id, ip: Ipv4Addr) -> Option<&EffectiveRoute> {
        self.routes_of_subnet(subnet)?.lookup(ip)
    }

    /// A subnet's effective routes arranged to say which routes Azure picks for the addresses
    /// of a prefix ([`PrefixRoutes::within`]); built once per subnet, asked for many prefixes.
    /// Rules ask this for "the route of this prefix" rather than choosing routes. `None` for an
    /// id that is not a subnet.
    pub fn prefix_routes(&self, subnet: Id) -> Option<PrefixRoutes> {
        let table = self.effective_routes(subnet)?;
        let mut active: Vec<usize> = Vec::new();
        let mut by_key: HashMap<(u8, u32), usize> = HashMap::default();
        for (i, r) in table.routes().iter().enumerate() {
            if r.state == RouteState::Active {
                active.push(i);
                by_key.insert((r.prefix.prefix_len(), u32::from(r.prefix.network())), i);
            }
        }
        let key = |i: &usize| {
            let p = table.routes()[*i].prefix;
            (u32::from(p.network()), p.prefix_len())
        };
        active.sort_by_key(key);
        Some(PrefixRoutes {
            table,
            active,
            by_key,
        })
    }

    /// A subnet's whole effective routes table, as Azure's view lists it: its VNet's and
    /// peers' spaces, the default routes, what the gateways it uses learned, then its route
    /// table. Put together on each call (for showing one subnet); lookups use
    /// [`Network::routes_of_subnet`]. `None` for an id that is not a subnet.
    pub fn effective_routes(&self, subnet: Id) -> Option<RouteSet> {
        let view = self.routes_of_subnet(subnet)?;
        let mut routes: Vec<EffectiveRoute> = self.local_set(view.slot).routes().to_vec();
        routes.extend(self.default_routes.routes().iter().cloned());
        if view.propagate {
            for (s, _) in self.gateway_vnets(view.slot) {
                for &g in self.gateways(s) {
                    routes.extend(self.gateway_set(g).routes().iter().cloned());
                }
            }
        }
        if let Some(k) = view.table {
            routes.extend(self.table_set(k).routes().iter().cloned());
        }
        for r in &mut routes {
            r.state = RouteState::Active;
        }
        Some(RouteSet::new(routes))
    }

    /// The address spaces a gateway in `slot` announces, as routes.
    fn announced_set(&self, slot: usize) -> &RouteSet {
        self.announced_routes[slot].get_or_init(|| {
            RouteSet::new(
                self.announced(slot)
                    .into_iter()
                    .map(|p| EffectiveRoute::learned(p, self.vnet_at(slot).id))
                    .collect(),
            )
        })
    }

    /// The links of a site that carry the routes asked for, with the VNet slot each lands on.
    fn site_links(&self, site: Id, point_to_site: bool) -> Vec<(Id, usize)> {
        self.site_links
            .get(&site)
            .into_iter()
            .flatten()
            .filter(|&&(_, _, p2s)| p2s == point_to_site)
            .filter_map(|&(connection, gateway, _)| {
                let g = self.gateway(gateway)?;
                Some((connection, self.slot_of_subnet(g.subnet)?))
            })
            .collect()
    }

    /// The route an on-premises site takes into Azure for `ip`: the longest prefix announced
    /// by a gateway its links land on, naming the connection. `point_to_site` picks the routes
    /// its point-to-site clients get instead of those of its site-to-site and ExpressRoute
    /// links.
    pub fn site_route(
        &self,
        site: Id,
        point_to_site: bool,
        ip: Ipv4Addr,
    ) -> Option<EffectiveRoute> {
        let mut best: Option<(&EffectiveRoute, Id)> = None;
        for (connection, slot) in self.site_links(site, point_to_site) {
            if let Some(r) = self.announced_set(slot).lookup(ip) {
                if best.is_none_or(|(b, _)| r.prefix.prefix_len() > b.prefix.prefix_len()) {
                    best = Some((r, connection));
                }
            }
        }
        best.map(|(r, connection)| EffectiveRoute {
            via: Some(connection),
            ..r.clone()
        })
    }

    /// What an on-premises site sends into Azure, and over which connection, as a table (see
    /// [`Network::site_route`]). `None` for an id that is not a site.
    pub fn routes_of_site(&self, site: Id, point_to_site: bool) -> Option<RouteSet> {
        self.site(site)?;
        let mut routes = Vec::new();
        for (connection, slot) in self.site_links(site, point_to_site) {
            routes.extend(
                self.announced_set(slot)
                    .routes()
                    .iter()
                    .map(|r| EffectiveRoute {
                        via: Some(connection),
                        state: RouteState::Active,
                        ..r.clone()
                    }),
            );
        }
        Some(RouteSet::new(routes))
    }

    /// The VNet slot and subnet holding an address, searching every VNet.
    pub(crate) fn subnet_holding(&self, ip: Ipv4Addr) -> Option<(usize, Id)> {
        let holders = self.subnets_by_prefix.get_or_init(|| {
            let mut holders = FirstHolder::new();
            let subnets = self
                .design
                .vnets
                .iter()
                .enumerate()
                .flat_map(|(i, v)| v.subnets.iter().map(move |s| (i, s)));
            for (position, (i, s)) in subnets.enumerate() {
                holders.insert(s.prefix.trunc(), position, (i, s.id));
            }
            holders
        });
        holders.get(ip)
    }

    /// The VNet slot whose address space holds an address.
    pub(crate) fn vnet_holding(&self, ip: Ipv4Addr) -> Option<usize> {
        let holders = self.vnets_by_prefix.get_or_init(|| {
            let mut holders = FirstHolder::new();
            for (i, v) in self.design.vnets.iter().enumerate() {
                for p in &v.address_space {
                    holders.insert(p.trunc(), i, i);
                }
            }
            holders
        });
        holders.get(ip)
    }

    /// The subnet of `slot` holding an address, the first in document order.
    pub(crate) fn subnet_in(&self, slot: usize, ip: Ipv4Addr) -> Option<Id> {
        let subnets = &self.design.vnets.get(slot)?.subnets;
        if subnets.len() <= SCAN_LIMIT {
            return subnets
                .iter()
                .find(|s| s.prefix.contains(&ip))
                .map(|s| s.id);
        }
        let holders = self.subnets_by_vnet_prefix[slot].get_or_init(|| {
            let mut holders = FirstHolder::new();
            for (position, s) in subnets.iter().enumerate() {
                holders.insert(s.prefix.trunc(), position, s.id);
            }
            holders
        });
        holders.get(ip)
    }
}

/// A route table's route as an effective route.
fn user_route(table: &RouteTable, r: &crate::model::Route) -> EffectiveRoute {
    EffectiveRoute {
        prefix: r.prefix.trunc(),
        next_hop_type: match r.next_hop {
            NextHop::VirtualAppliance => NextHopType::VirtualAppliance,
            NextHop::VirtualNetworkGateway => NextHopType::VirtualNetworkGateway,
            NextHop::VnetLocal => NextHopType::VnetLocal,
            NextHop::Internet => NextHopType::Internet,
            NextHop::None => NextHopType::None,
        },
        next_hop_ip: r.next_hop_ip,
        source: RouteSource::User,
        state: RouteState::Active,
        via: Some(table.id),
        name: Some(r.name.clone()),
    }
}
