//! What the tracer knows of a design, gathered once and shared by every trace over it: lookups
//! by id and by address, peerings and gateways per VNet, and the effective routes of each subnet
//! and site, computed on first use and kept.

use super::routes::{push_default_routes, EffectiveRoute, NextHopType, RouteSet, RouteSource};
use crate::addressing::first_usable;
use crate::model::{
    ConnectionKind, Design, Firewall, Gateway, Hsm, Id, LoadBalancer, Nsg, Nva, Peering, Subnet,
    Vnet,
};
use ipnet::Ipv4Net;
use rustc_hash::FxHashMap as HashMap;
use std::cell::{OnceCell, RefCell};
use std::net::Ipv4Addr;

/// The address every Azure health probe comes from (the `AzureLoadBalancer` tag).
pub const PROBE_SOURCE: Ipv4Addr = Ipv4Addr::new(168, 63, 129, 16);

/// A device that answers at an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Hsm(Id),
    Nva(Id),
    /// A load balancer's frontend.
    LoadBalancer(Id),
    Firewall(Id),
}

/// The per-design facts every trace reads; build it once with [`Network::new`] and trace as
/// many flows over it as needed.
pub struct Network<'d> {
    pub(crate) design: &'d Design,
    /// Element names by id, gathered on the first message that needs one.
    names: OnceCell<HashMap<Id, &'d str>>,
    vnet_slot: HashMap<Id, usize>,
    /// Per VNet slot: (the peering's position in the design, the other VNet's slot).
    peers: Vec<Vec<(usize, usize)>>,
    /// Peering id → its position in the design.
    peering_slot: HashMap<Id, usize>,
    /// Per VNet slot: the gateways in it.
    gateways: Vec<Vec<Id>>,
    /// Per VNet slot: whether it holds an HSM.
    hsm_vnet: Vec<bool>,
    /// Per VNet slot: its normalised location.
    location: Vec<String>,
    /// Per gateway: the connections that use it.
    connections_of: HashMap<Id, Vec<usize>>,
    devices: HashMap<Ipv4Addr, Device>,
    /// Id → position, for the elements a walk looks up at every hop (the design's own index
    /// hashes more slowly, which shows over a thousand flows).
    subnet_at: HashMap<Id, (usize, usize)>,
    hsm_at: HashMap<Id, usize>,
    nva_at: HashMap<Id, usize>,
    lb_at: HashMap<Id, usize>,
    /// Per load balancer and rule: the backend that takes flows, or why none does (the
    /// health probes do not depend on the flow).
    backends: RefCell<HashMap<(Id, usize), Result<(Id, Ipv4Addr), String>>>,
    firewall_at: HashMap<Id, usize>,
    gateway_at: HashMap<Id, usize>,
    nsg_at: HashMap<Id, usize>,
    hsm_address: HashMap<Id, Ipv4Addr>,
    nva_address: HashMap<Id, Ipv4Addr>,
    subnet_slot: HashMap<Id, usize>,
    subnet_routes: Vec<OnceCell<RouteSet>>,
    learned: HashMap<Id, OnceCell<Vec<(Ipv4Net, Id)>>>,
    site_routes: HashMap<(Id, bool), OnceCell<RouteSet>>,
}

impl<'d> Network<'d> {
    pub fn new(design: &'d Design) -> Self {
        let n = design.vnets.len();
        let mut vnet_slot = HashMap::with_capacity_and_hasher(n, Default::default());
        let mut subnet_slot = HashMap::with_capacity_and_hasher(n * 2, Default::default());
        let mut subnet_at = HashMap::with_capacity_and_hasher(n * 2, Default::default());
        for (i, v) in design.vnets.iter().enumerate() {
            vnet_slot.insert(v.id, i);
            for (j, s) in v.subnets.iter().enumerate() {
                let next = subnet_slot.len();
                subnet_slot.insert(s.id, next);
                subnet_at.insert(s.id, (i, j));
            }
        }
        fn positions<T>(items: &[T], id: impl Fn(&T) -> Id) -> HashMap<Id, usize> {
            let mut out = HashMap::with_capacity_and_hasher(items.len(), Default::default());
            for (k, item) in items.iter().enumerate() {
                out.entry(id(item)).or_insert(k);
            }
            out
        }
        let hsm_at = positions(&design.hsms, |e| e.id);
        let nva_at = positions(&design.nvas, |e| e.id);
        let lb_at = positions(&design.load_balancers, |e| e.id);
        let firewall_at = positions(&design.firewalls, |e| e.id);
        let gateway_at = positions(&design.gateways, |e| e.id);
        let nsg_at = positions(&design.nsgs, |e| e.id);
        let mut peers = vec![Vec::new(); n];
        let mut peering_slot =
            HashMap::with_capacity_and_hasher(design.peerings.len(), Default::default());
        for (k, p) in design.peerings.iter().enumerate() {
            peering_slot.insert(p.id, k);
            if let (Some(&a), Some(&b)) = (vnet_slot.get(&p.a), vnet_slot.get(&p.b)) {
                if a != b {
                    peers[a].push((k, b));
                    peers[b].push((k, a));
                }
            }
        }
        let slot_of_subnet = |subnet: Id| subnet_at.get(&subnet).map(|&(i, _)| i);
        let subnet_of = |subnet: Id| {
            subnet_at.get(&subnet).map(|&(i, j)| {
                let v = &design.vnets[i];
                (v, &v.subnets[j])
            })
        };
        let mut gateways = vec![Vec::new(); n];
        for g in &design.gateways {
            if let Some(i) = slot_of_subnet(g.subnet) {
                gateways[i].push(g.id);
            }
        }
        let mut devices = HashMap::default();
        let mut hsm_address =
            HashMap::with_capacity_and_hasher(design.hsms.len(), Default::default());
        let mut hsm_vnet = vec![false; n];
        let mut unpinned: HashMap<Id, u32> = HashMap::default();
        for h in &design.hsms {
            let Some((vnet, subnet)) = subnet_of(h.subnet) else {
                continue;
            };
            hsm_vnet[vnet_slot[&vnet.id]] = true;
            // Azure picks an address for an HSM without a pinned one; stand in with the
            // subnet's first usable ones, in document order.
            let address = h.private_ip.unwrap_or_else(|| {
                let k = unpinned.entry(subnet.id).or_insert(0);
                *k += 1;
                Ipv4Addr::from(u32::from(first_usable(&subnet.prefix)) + *k - 1)
            });
            hsm_address.insert(h.id, address);
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
        let mut connections_of: HashMap<Id, Vec<usize>> = HashMap::default();
        for (k, c) in design.connections.iter().enumerate() {
            for g in c.kind.gateways() {
                connections_of.entry(g).or_default().push(k);
            }
        }
        let location = design
            .vnets
            .iter()
            .map(|v| {
                design
                    .region(v.region)
                    .map(|r| crate::rules::regions::location_key(&r.location))
                    .unwrap_or_default()
            })
            .collect();
        let learned = design
            .gateways
            .iter()
            .map(|g| (g.id, OnceCell::new()))
            .collect();
        let mut site_routes =
            HashMap::with_capacity_and_hasher(design.sites.len() * 2, Default::default());
        for s in &design.sites {
            site_routes.insert((s.id, false), OnceCell::new());
            site_routes.insert((s.id, true), OnceCell::new());
        }
        Network {
            design,
            names: OnceCell::new(),
            subnet_at,
            hsm_at,
            nva_at,
            lb_at,
            backends: RefCell::new(HashMap::default()),
            firewall_at,
            gateway_at,
            nsg_at,
            peers,
            peering_slot,
            gateways,
            hsm_vnet,
            location,
            connections_of,
            devices,
            hsm_address,
            nva_address,
            subnet_routes: (0..subnet_slot.len()).map(|_| OnceCell::new()).collect(),
            subnet_slot,
            vnet_slot,
            learned,
            site_routes,
        }
    }

    /// A subnet and the VNet holding it.
    pub(crate) fn subnet(&self, id: Id) -> Option<(&'d Vnet, &'d Subnet)> {
        let &(i, j) = self.subnet_at.get(&id)?;
        let v = &self.design.vnets[i];
        Some((v, &v.subnets[j]))
    }

    pub(crate) fn vnet_of_subnet(&self, id: Id) -> Option<&'d Vnet> {
        self.subnet_at.get(&id).map(|&(i, _)| &self.design.vnets[i])
    }

    pub(crate) fn hsm(&self, id: Id) -> Option<&'d Hsm> {
        self.hsm_at.get(&id).map(|&k| &self.design.hsms[k])
    }

    pub(crate) fn nva(&self, id: Id) -> Option<&'d Nva> {
        self.nva_at.get(&id).map(|&k| &self.design.nvas[k])
    }

    pub(crate) fn load_balancer(&self, id: Id) -> Option<&'d LoadBalancer> {
        self.lb_at.get(&id).map(|&k| &self.design.load_balancers[k])
    }

    pub(crate) fn firewall(&self, id: Id) -> Option<&'d Firewall> {
        self.firewall_at
            .get(&id)
            .map(|&k| &self.design.firewalls[k])
    }

    pub(crate) fn gateway(&self, id: Id) -> Option<&'d Gateway> {
        self.gateway_at.get(&id).map(|&k| &self.design.gateways[k])
    }

    pub(crate) fn nsg(&self, id: Id) -> Option<&'d Nsg> {
        self.nsg_at.get(&id).map(|&k| &self.design.nsgs[k])
    }

    /// The backend a load balancer's rule hands flows to, worked out once by `pick`.
    pub(crate) fn backend_of(
        &self,
        lb: Id,
        rule: usize,
        pick: impl FnOnce() -> Result<(Id, Ipv4Addr), String>,
    ) -> Result<(Id, Ipv4Addr), String> {
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
            None => {
                let names = self.names.get_or_init(|| {
                    let d = self.design;
                    let mut out: HashMap<Id, &'d str> = HashMap::default();
                    let mut put = |id: Id, name: &'d str| {
                        out.entry(id).or_insert(name);
                    };
                    d.regions.iter().for_each(|e| put(e.id, &e.name));
                    d.vnets.iter().for_each(|e| put(e.id, &e.name));
                    d.hsms.iter().for_each(|e| put(e.id, &e.name));
                    d.gateways.iter().for_each(|e| put(e.id, &e.name));
                    d.nvas.iter().for_each(|e| put(e.id, &e.name));
                    d.load_balancers.iter().for_each(|e| put(e.id, &e.name));
                    d.firewalls.iter().for_each(|e| put(e.id, &e.name));
                    d.route_tables.iter().for_each(|e| put(e.id, &e.name));
                    d.nsgs.iter().for_each(|e| put(e.id, &e.name));
                    d.sites.iter().for_each(|e| put(e.id, &e.name));
                    d.circuits.iter().for_each(|e| put(e.id, &e.name));
                    d.peerings.iter().for_each(|e| put(e.id, &e.name));
                    d.connections.iter().for_each(|e| put(e.id, &e.name));
                    out
                });
                match names.get(&id) {
                    Some(name) => format!("'{name}'"),
                    None => id.to_string(),
                }
            }
        }
    }

    pub(crate) fn vnet_at(&self, slot: usize) -> &'d Vnet {
        &self.design.vnets[slot]
    }

    pub(crate) fn slot(&self, vnet: Id) -> Option<usize> {
        self.vnet_slot.get(&vnet).copied()
    }

    pub(crate) fn slot_of_subnet(&self, subnet: Id) -> Option<usize> {
        self.vnet_of_subnet(subnet).and_then(|v| self.slot(v.id))
    }

    /// The peerings of a VNet: (the peering's position in the design, the other VNet's slot).
    pub(crate) fn peers(&self, slot: usize) -> &[(usize, usize)] {
        &self.peers[slot]
    }

    /// The position of a peering in the design.
    pub(crate) fn peering_slot(&self, id: Id) -> Option<usize> {
        self.peering_slot.get(&id).copied()
    }

    pub(crate) fn peering(&self, k: usize) -> &'d Peering {
        &self.design.peerings[k]
    }

    pub(crate) fn gateways(&self, slot: usize) -> &[Id] {
        &self.gateways[slot]
    }

    pub(crate) fn is_hsm_vnet(&self, slot: usize) -> bool {
        self.hsm_vnet[slot]
    }

    pub(crate) fn location(&self, slot: usize) -> &str {
        &self.location[slot]
    }

    /// The device answering at an address.
    pub fn device_at(&self, ip: Ipv4Addr) -> Option<Device> {
        self.devices.get(&ip).copied()
    }

    /// An HSM's address: its pinned one, or the one Azure would likely give it.
    pub fn hsm_address(&self, hsm: Id) -> Option<Ipv4Addr> {
        self.hsm_address.get(&hsm).copied()
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
        if !self.gateways[slot].is_empty() {
            out.push((slot, None));
        }
        for &(peering, other) in &self.peers[slot] {
            if !self.gateways[other].is_empty()
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
        for &(peering, other) in &self.peers[slot] {
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
                        if let Some(site) = self.design.site(site) {
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
                        let Some(cir) = self.design.circuit(circuit) else {
                            continue;
                        };
                        if cir.private_peering.is_none() {
                            continue;
                        }
                        if let Some(site) = self.design.site(cir.site) {
                            out.extend(site.prefixes.iter().map(|p| (*p, c.id)));
                        }
                        for other in &design.connections {
                            if let ConnectionKind::ExpressRoute {
                                gateway: g,
                                circuit: same,
                            } = other.kind
                            {
                                if same == circuit && g != gateway {
                                    if let Some(slot) = slot_of_gateway(g) {
                                        out.extend(
                                            self.announced(slot).into_iter().map(|p| (p, c.id)),
                                        );
                                    }
                                }
                            }
                        }
                    }
                }
            }
            out
        })
    }

    /// The connection a gateway sends `ip` over: the longest learned prefix holding it.
    pub(crate) fn connection_for(&self, gateway: Id, ip: Ipv4Addr) -> Option<Id> {
        self.learned(gateway)
            .iter()
            .filter(|(p, _)| p.contains(&ip))
            .max_by_key(|(p, _)| p.prefix_len())
            .map(|(_, c)| *c)
    }

    /// A VNet's system routes, pushed onto `out`: its address space, its peers', the default
    /// routes and, with `learned`, what the gateways it uses learned. Rebuilt per subnet: a
    /// copy would cost as much, and most VNets (spokes) have one subnet.
    fn system_routes(&self, slot: usize, learned: bool, out: &mut Vec<EffectiveRoute>) {
        let vnet = self.vnet_at(slot);
        out.extend(
            vnet.address_space
                .iter()
                .map(|p| EffectiveRoute::system(*p, NextHopType::VnetLocal, None)),
        );
        for &(peering, other) in &self.peers[slot] {
            let id = self.peering(peering).id;
            out.extend(
                self.vnet_at(other)
                    .address_space
                    .iter()
                    .map(|p| EffectiveRoute::system(*p, NextHopType::VNetPeering, Some(id))),
            );
        }
        push_default_routes(out);
        if !learned {
            return;
        }
        let mut add = |gw_slot: usize| {
            for &g in &self.gateways[gw_slot] {
                out.extend(
                    self.learned(g)
                        .iter()
                        .map(|(p, _)| EffectiveRoute::learned(*p, g)),
                );
            }
        };
        if !self.gateways[slot].is_empty() {
            add(slot);
        }
        for &(peering, other) in &self.peers[slot] {
            if !self.gateways[other].is_empty()
                && self.uses_gateways_of(peering, vnet.id, self.vnet_at(other).id)
            {
                add(other);
            }
        }
    }

    /// The effective route a packet to `ip` takes when it leaves `subnet`: Azure's longest
    /// prefix match over the subnet's effective routes. Rules ask this rather than choosing
    /// routes themselves.
    pub fn route(&self, subnet: Id, ip: Ipv4Addr) -> Option<&EffectiveRoute> {
        self.routes_of_subnet(subnet)?.lookup(ip)
    }

    /// A subnet's effective routes; `None` for an id that is not a subnet.
    pub fn routes_of_subnet(&self, subnet: Id) -> Option<&RouteSet> {
        let cell = self.subnet_routes.get(*self.subnet_slot.get(&subnet)?)?;
        Some(cell.get_or_init(|| {
            let slot = self.slot_of_subnet(subnet).expect("a subnet has a VNet");
            let table = self
                .subnet(subnet)
                .and_then(|(_, s)| s.route_table)
                .and_then(|t| self.design.route_table(t));
            let peers = self.peers[slot].len();
            let mut routes = Vec::with_capacity(peers + 8 + table.map_or(0, |t| t.routes.len()));
            self.system_routes(slot, table.is_none_or(|t| t.bgp_propagation), &mut routes);
            if let Some(t) = table {
                routes.extend(t.routes.iter().map(|r| EffectiveRoute {
                    prefix: r.prefix.trunc(),
                    next_hop_type: match r.next_hop {
                        crate::model::NextHop::VirtualAppliance => NextHopType::VirtualAppliance,
                        crate::model::NextHop::VirtualNetworkGateway => {
                            NextHopType::VirtualNetworkGateway
                        }
                        crate::model::NextHop::VnetLocal => NextHopType::VnetLocal,
                        crate::model::NextHop::Internet => NextHopType::Internet,
                        crate::model::NextHop::None => NextHopType::None,
                    },
                    next_hop_ip: r.next_hop_ip,
                    source: RouteSource::User,
                    state: super::routes::RouteState::Active,
                    via: Some(t.id),
                    name: Some(r.name.clone()),
                }));
            }
            RouteSet::new(routes)
        }))
    }

    /// What an on-premises site sends into Azure, and over which connection: the address
    /// spaces announced by the gateways its connections land on. `point_to_site` picks the
    /// routes its point-to-site clients get instead of those of its site-to-site and
    /// ExpressRoute links. `None` for an id that is not a site.
    pub fn routes_of_site(&self, site: Id, point_to_site: bool) -> Option<&RouteSet> {
        let cell = self.site_routes.get(&(site, point_to_site))?;
        Some(cell.get_or_init(|| {
            let mut routes = Vec::new();
            for c in &self.design.connections {
                let gateway = match c.kind {
                    ConnectionKind::PointToSite { gateway, site: s } if point_to_site => {
                        (s == site).then_some(gateway)
                    }
                    ConnectionKind::SiteToSite { gateway, site: s } if !point_to_site => {
                        (s == site).then_some(gateway)
                    }
                    ConnectionKind::ExpressRoute { gateway, circuit } if !point_to_site => self
                        .design
                        .circuit(circuit)
                        .filter(|cir| cir.site == site && cir.private_peering.is_some())
                        .map(|_| gateway),
                    _ => None,
                };
                let Some(slot) = gateway
                    .and_then(|g| self.gateway(g))
                    .and_then(|g| self.slot_of_subnet(g.subnet))
                else {
                    continue;
                };
                routes.extend(
                    self.announced(slot)
                        .into_iter()
                        .map(|p| EffectiveRoute::learned(p, c.id)),
                );
            }
            RouteSet::new(routes)
        }))
    }

    /// The VNet slot and subnet holding an address, searching every VNet.
    pub(crate) fn subnet_holding(&self, ip: Ipv4Addr) -> Option<(usize, Id)> {
        self.design.vnets.iter().enumerate().find_map(|(i, v)| {
            v.subnets
                .iter()
                .find(|s| s.prefix.contains(&ip))
                .map(|s| (i, s.id))
        })
    }

    /// The VNet slot whose address space holds an address.
    pub(crate) fn vnet_holding(&self, ip: Ipv4Addr) -> Option<usize> {
        self.design
            .vnets
            .iter()
            .position(|v| v.address_space.iter().any(|p| p.contains(&ip)))
    }

    /// The subnet of `slot` holding an address.
    pub(crate) fn subnet_in(&self, slot: usize, ip: Ipv4Addr) -> Option<Id> {
        self.vnet_at(slot)
            .subnets
            .iter()
            .find(|s| s.prefix.contains(&ip))
            .map(|s| s.id)
    }
}
