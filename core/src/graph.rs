//! The connectivity graph of a design (petgraph): VNets and on-premises sites as nodes, and
//! peerings, VPN connections and ExpressRoute circuits as edges. Derived from the design on
//! demand and never stored beside it.
//!
//! On top of the graph, [`Reach`] answers which HSM VNets an HSM client can reach on TCP 1792,
//! and along which [`Path`]; when none, [`Blocker`]s say why.

use crate::model::{ConnectionKind, Id, Index, PeeringSide};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;
use std::cell::OnceCell;
use std::collections::HashMap;

/// A node: a VNet or an on-premises site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Vnet(Id),
    Site(Id),
}

impl Node {
    pub fn id(self) -> Id {
        match self {
            Node::Vnet(id) | Node::Site(id) => id,
        }
    }
}

/// How two nodes are joined, with the element that joins them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// A VNet peering (element: the peering).
    Peering(Id),
    /// A VNet-to-VNet VPN (element: the connection).
    VnetToVnet(Id),
    /// A site-to-site VPN (element: the connection).
    SiteToSite(Id),
    /// A point-to-site VPN (element: the connection).
    PointToSite(Id),
    /// An ExpressRoute connection through a circuit (element: the connection).
    ExpressRoute(Id),
}

impl Link {
    /// The kind of link in words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Link::Peering(_) => "peering",
            Link::VnetToVnet(_) => "VNet-to-VNet VPN",
            Link::SiteToSite(_) => "site-to-site VPN",
            Link::PointToSite(_) => "point-to-site VPN",
            Link::ExpressRoute(_) => "ExpressRoute",
        }
    }

    pub fn element(self) -> Id {
        match self {
            Link::Peering(id)
            | Link::VnetToVnet(id)
            | Link::SiteToSite(id)
            | Link::PointToSite(id)
            | Link::ExpressRoute(id) => id,
        }
    }
}

/// The graph, with a map from element ids to nodes.
pub struct Topology {
    pub graph: UnGraph<Node, Link>,
    nodes: HashMap<Id, NodeIndex>,
    /// Facts for [`Topology::reach`], gathered on first use.
    reach: OnceCell<ReachFacts>,
}

impl Topology {
    pub fn new(index: &Index) -> Self {
        let design = index.design();
        let mut graph = UnGraph::with_capacity(design.vnets.len() + design.sites.len(), 0);
        let mut nodes = HashMap::new();
        for v in &design.vnets {
            nodes.insert(v.id, graph.add_node(Node::Vnet(v.id)));
        }
        for s in &design.sites {
            nodes.insert(s.id, graph.add_node(Node::Site(s.id)));
        }
        for p in &design.peerings {
            if let (Some(&a), Some(&b)) = (nodes.get(&p.a), nodes.get(&p.b)) {
                graph.add_edge(a, b, Link::Peering(p.id));
            }
        }
        let vnet_of_gateway = |gateway: Id| {
            index
                .gateway(gateway)
                .and_then(|g| index.vnet_of_subnet(g.subnet))
                .map(|v| v.id)
        };
        for c in &design.connections {
            let (from, to, link) = match c.kind {
                ConnectionKind::SiteToSite { gateway, site } => {
                    (vnet_of_gateway(gateway), Some(site), Link::SiteToSite(c.id))
                }
                ConnectionKind::PointToSite { gateway, site } => (
                    vnet_of_gateway(gateway),
                    Some(site),
                    Link::PointToSite(c.id),
                ),
                ConnectionKind::VnetToVnet { a, b } => (
                    vnet_of_gateway(a),
                    vnet_of_gateway(b),
                    Link::VnetToVnet(c.id),
                ),
                ConnectionKind::ExpressRoute { gateway, circuit } => (
                    vnet_of_gateway(gateway),
                    index.circuit(circuit).map(|c| c.site),
                    Link::ExpressRoute(c.id),
                ),
            };
            if let (Some(from), Some(to)) = (from, to) {
                if let (Some(&a), Some(&b)) = (nodes.get(&from), nodes.get(&to)) {
                    graph.add_edge(a, b, link);
                }
            }
        }
        Topology {
            graph,
            nodes,
            reach: OnceCell::new(),
        }
    }

    /// The graph node of a VNet or site.
    pub fn node(&self, id: Id) -> Option<NodeIndex> {
        self.nodes.get(&id).copied()
    }

    /// Nodes directly linked to `id`, with the link, in a stable order.
    pub fn neighbours(&self, id: Id) -> Vec<(Node, Link)> {
        let Some(n) = self.node(id) else {
            return Vec::new();
        };
        let mut out: Vec<(Node, Link)> = self
            .graph
            .edges(n)
            .map(|e| {
                let other = if e.source() == n {
                    e.target()
                } else {
                    e.source()
                };
                (self.graph[other], *e.weight())
            })
            .collect();
        crate::sort::stable_by_key(&mut out, |(node, link)| {
            crate::sort::pair(node.id().0, link.element().0)
        });
        out
    }
}

impl Topology {
    /// Links of a node, sorted by the other end's id and then the link's element, so that every
    /// walk over the graph is deterministic.
    fn sorted_links(&self, n: NodeIndex) -> Vec<(NodeIndex, Link)> {
        self.links_where(n, |_, _| true)
    }

    /// Like [`Topology::sorted_links`], keeping only the links `keep` accepts (and allocating
    /// nothing when it accepts none).
    fn links_where(
        &self,
        n: NodeIndex,
        keep: impl Fn(NodeIndex, Link) -> bool,
    ) -> Vec<(NodeIndex, Link)> {
        let mut out: Vec<(NodeIndex, Link)> = self
            .graph
            .edges(n)
            .map(|e| {
                let other = if e.source() == n {
                    e.target()
                } else {
                    e.source()
                };
                (other, *e.weight())
            })
            .filter(|(m, link)| keep(*m, *link))
            .collect();
        self.sort_by_other_end(&mut out);
        out
    }

    /// The sort of [`Topology::links_where`], outside it so that its callers' `keep` closures
    /// share one copy of the sort code (each would otherwise get its own in the wasm).
    fn sort_by_other_end(&self, links: &mut Vec<(NodeIndex, Link)>) {
        crate::sort::stable_by_key(links, |(m, link)| {
            crate::sort::pair(self.graph[*m].id().0, link.element().0)
        });
    }

    /// Groups nodes joined by links that `keep` accepts, e.g. only VNet-to-VNet VPNs.
    pub fn components(&self, keep: impl Fn(Link) -> bool) -> Components<'_> {
        let mut sets = UnionFind::new(self.graph.node_count());
        for e in self.graph.edge_references() {
            if keep(*e.weight()) {
                sets.union(e.source().index(), e.target().index());
            }
        }
        Components {
            topology: self,
            labels: sets.into_labeling(),
        }
    }

    /// Which HSM VNets HSM clients reach, and how. `index` must be the index the topology was
    /// built from: the facts are gathered on the first call and kept with the topology.
    pub fn reach(&self, index: &Index) -> Reach<'_> {
        let facts = self.reach.get_or_init(|| ReachFacts::gather(self, index));
        Reach {
            topology: self,
            facts,
        }
    }
}

/// Nodes grouped by [`Topology::components`].
pub struct Components<'t> {
    topology: &'t Topology,
    labels: Vec<usize>,
}

impl Components<'_> {
    /// A label that every node of one group shares; `None` for an id that is not a node.
    pub fn label(&self, id: Id) -> Option<usize> {
        self.topology
            .node(id)
            .and_then(|n| self.labels.get(n.index()).copied())
    }

    /// Whether two nodes are in one group.
    pub fn joined(&self, a: Id, b: Id) -> bool {
        matches!((self.label(a), self.label(b)), (Some(x), Some(y)) if x == y)
    }
}

/// One hop of a [`Path`]: a node, the link that led to it, and the load balancer of an NVA
/// proxy tier in that VNet when the traffic is handed to the proxy there (which SNATs it and
/// opens a new connection onward).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub node: Node,
    /// `None` for the first hop.
    pub via: Option<Link>,
    pub proxy: Option<Id>,
}

/// A way from an HSM client's VNet or site to a VNet holding HSMs. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    hops: Vec<Hop>,
}

impl Path {
    fn at(node: Node) -> Path {
        Path {
            hops: vec![Hop {
                node,
                via: None,
                proxy: None,
            }],
        }
    }

    fn then(&self, link: Link, node: Node) -> Path {
        let mut hops = Vec::with_capacity(self.hops.len() + 3);
        hops.extend_from_slice(&self.hops);
        let mut next = Path { hops };
        next.hops.push(Hop {
            node,
            via: Some(link),
            proxy: None,
        });
        next
    }

    /// Marks the last hop as handing the traffic to the proxy tier behind `load_balancer`.
    fn proxied(mut self, load_balancer: Id) -> Path {
        if let Some(last) = self.hops.last_mut() {
            last.proxy = Some(load_balancer);
        }
        self
    }

    /// Continues along `tail`, which starts where this path ends.
    fn join(mut self, tail: &Path) -> Path {
        let mut rest = tail.hops.iter();
        if let (Some(first), Some(last)) = (rest.next(), self.hops.last_mut()) {
            last.proxy = last.proxy.or(first.proxy);
        }
        self.hops.extend(rest.cloned());
        self
    }

    pub fn hops(&self) -> &[Hop] {
        &self.hops
    }

    /// Where the path starts: the client's VNet or site.
    pub fn start(&self) -> Node {
        self.hops[0].node
    }

    /// Where the path ends: a VNet holding HSMs.
    pub fn end(&self) -> Node {
        self.hops[self.hops.len() - 1].node
    }

    /// The link leaving the start, if the path leaves it.
    pub fn first_link(&self) -> Option<Link> {
        self.hops.get(1).and_then(|h| h.via)
    }

    /// Every element along the path in order: nodes, links and proxy load balancers.
    pub fn elements(&self) -> Vec<Id> {
        let mut out = Vec::new();
        for hop in &self.hops {
            out.extend(hop.via.map(Link::element));
            out.push(hop.node.id());
            out.extend(hop.proxy);
        }
        out
    }

    /// The path in words, naming elements with `name`:
    /// `'spoke' -> peering -> 'hub' (NVA proxy tier behind 'hub-ilb') -> peering -> 'hsm-vnet'`.
    pub fn describe(&self, name: impl Fn(Id) -> String) -> String {
        let mut out = String::new();
        for hop in &self.hops {
            if let Some(link) = hop.via {
                out.push_str(" -> ");
                out.push_str(link.label());
                out.push_str(" -> ");
            }
            out.push_str(&name(hop.node.id()));
            if let Some(lb) = hop.proxy {
                out.push_str(&format!(" (NVA proxy tier behind {})", name(lb)));
            }
        }
        out
    }
}

/// Why an HSM client reaches no HSM: one obstacle met on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// The client's VNet or site has no peering or connection at all.
    Isolated(Node),
    /// `peering` joins `from` to the HSM VNet `hsm_vnet` across regions, which Dedicated HSM
    /// does not support.
    CrossRegionPeering { from: Id, hsm_vnet: Id, peering: Id },
    /// `next` (reached from `from` over `link`) reaches an HSM along `onward`, but the traffic
    /// cannot pass through it: peering is not transitive and `next` has no NVA proxy tier.
    NotTransitive {
        from: Node,
        link: Link,
        next: Id,
        onward: Path,
    },
    /// `hub` is peered with `hsm_vnet` and holds NVAs, but no load balancer in `hub` fronts them,
    /// so they proxy nothing.
    NvasWithoutLoadBalancer { hub: Id, hsm_vnet: Id },
    /// The NVA proxy tier in `hub` (behind `load_balancer`) is peered with no HSM VNet of its
    /// region, so it has nowhere to forward to.
    ProxyReachesNothing { hub: Id, load_balancer: Id },
    /// `from` links only to these VNets, which hold no HSM and lead to none.
    DeadEnds { from: Node, next: Vec<Id> },
    /// The ExpressRoute `connection` uses `circuit`, which has no private peering, so it
    /// carries no traffic to VNets.
    NoPrivatePeering { connection: Id, circuit: Id },
}

/// Per-node facts behind [`Reach`], indexed by the node's graph index.
struct ReachFacts {
    hsm: Vec<bool>,
    /// An interned, normalised Azure location.
    region: Vec<Option<usize>>,
    /// The load balancer fronting NVAs of the same VNet: the NVA proxy tier.
    proxy: Vec<Option<Id>>,
    nvas: Vec<bool>,
    /// Paths to HSM VNets that need no proxy: the VNet itself, a same-region peering, a
    /// VNet-to-VNet VPN. What an NVA proxy tier in this VNet can forward to.
    direct: Vec<Vec<Path>>,
    /// Memo of [`Reach::from_vnet`].
    from_vnet: Vec<OnceCell<Vec<Path>>>,
    peerings: HashMap<Id, (Id, PeeringSide, PeeringSide)>,
    /// ExpressRoute connection → (circuit, whether it has private peering).
    er: HashMap<Id, (Id, bool)>,
    any_hsm: bool,
}

impl ReachFacts {
    fn gather(topology: &Topology, index: &Index) -> ReachFacts {
        let design = index.design();
        let n = topology.graph.node_count();
        let slot = |vnet: Id| topology.node(vnet).map(|i| i.index());
        let mut facts = ReachFacts {
            hsm: vec![false; n],
            region: vec![None; n],
            proxy: vec![None; n],
            nvas: vec![false; n],
            direct: vec![Vec::new(); n],
            from_vnet: (0..n).map(|_| OnceCell::new()).collect(),
            peerings: HashMap::with_capacity(design.peerings.len()),
            er: HashMap::new(),
            any_hsm: false,
        };
        for h in &design.hsms {
            if let Some(i) = index.vnet_of_subnet(h.subnet).and_then(|v| slot(v.id)) {
                facts.hsm[i] = true;
                facts.any_hsm = true;
            }
        }
        // Locations interned per region element, so VNets compare by number.
        let mut locations: HashMap<String, usize> = HashMap::new();
        let mut region_key: HashMap<Id, usize> = HashMap::with_capacity(design.regions.len());
        for r in &design.regions {
            let key: String = r
                .location
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            let next = locations.len();
            region_key.insert(r.id, *locations.entry(key).or_insert(next));
        }
        for v in &design.vnets {
            if let Some(i) = slot(v.id) {
                facts.region[i] = region_key.get(&v.region).copied();
            }
        }
        for nva in &design.nvas {
            if let Some(i) = index.vnet_of_subnet(nva.subnet).and_then(|v| slot(v.id)) {
                facts.nvas[i] = true;
            }
        }
        for lb in &design.load_balancers {
            let Some(vnet) = index.vnet_of_subnet(lb.subnet) else {
                continue;
            };
            let fronts_nvas = lb.backends.iter().any(|b| {
                index
                    .nva(*b)
                    .and_then(|nva| index.vnet_of_subnet(nva.subnet))
                    .is_some_and(|v| v.id == vnet.id)
            });
            if let (true, Some(i)) = (fronts_nvas, slot(vnet.id)) {
                facts.proxy[i].get_or_insert(lb.id);
            }
        }
        for p in &design.peerings {
            facts.peerings.insert(p.id, (p.a, p.a_to_b, p.b_to_a));
        }
        for c in &design.connections {
            if let ConnectionKind::ExpressRoute { circuit, .. } = c.kind {
                let private = index
                    .circuit(circuit)
                    .is_some_and(|c| c.private_peering.is_some());
                facts.er.insert(c.id, (circuit, private));
            }
        }
        for m in topology.graph.node_indices() {
            let Node::Vnet(_) = topology.graph[m] else {
                continue;
            };
            let i = m.index();
            let start = Path::at(topology.graph[m]);
            let mut found = Found::default();
            if facts.hsm[i] {
                found.add(start.clone());
            }
            let hsm_links = topology.links_where(m, |o, link| {
                let j = o.index();
                facts.hsm[j]
                    && match link {
                        Link::Peering(_) => facts.same_region(i, j),
                        Link::VnetToVnet(_) => true,
                        _ => false,
                    }
            });
            for (o, link) in hsm_links {
                found.add(start.then(link, topology.graph[o]));
            }
            facts.direct[i] = found.paths;
        }
        facts
    }

    /// Unknown locations count as the same region: the other rules report them.
    fn same_region(&self, a: usize, b: usize) -> bool {
        match (self.region[a], self.region[b]) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
    }

    /// A peering can carry HSM traffic unless it touches an HSM VNet across regions.
    fn peering_usable(&self, a: usize, b: usize) -> bool {
        !(self.hsm[a] || self.hsm[b]) || self.same_region(a, b)
    }

    /// Whether `user` uses `owner`'s gateway over `peering` (gateway transit on both sides).
    fn uses_gateway_of(&self, peering: Id, user: Id, owner: Id) -> bool {
        let Some(&(a, a_to_b, b_to_a)) = self.peerings.get(&peering) else {
            return false;
        };
        let (user_side, owner_side) = if a == user {
            (a_to_b, b_to_a)
        } else if a == owner {
            (b_to_a, a_to_b)
        } else {
            return false;
        };
        user_side.use_remote_gateways && owner_side.allow_gateway_transit
    }
}

/// Paths collected with at most one per HSM VNet reached, the first found.
#[derive(Default)]
struct Found {
    paths: Vec<Path>,
}

impl Found {
    fn add(&mut self, path: Path) {
        // Few HSM VNets are ever reached from one place: a linear scan beats a set.
        let end = path.end();
        if !self.paths.iter().any(|p| p.end() == end) {
            self.paths.push(path);
        }
    }
}

/// HSM reachability over a [`Topology`]; see [`Topology::reach`].
///
/// A VNet client reaches an HSM VNet when it is that VNet, is peered with it in the same region
/// (peering is not transitive, and global peering is not supported with Dedicated HSM), is
/// joined to it by a VNet-to-VNet VPN, uses the gateway of a peer that has such a VPN to it, or
/// is peered (or VPN-joined) with a hub whose NVA proxy tier (NVAs behind a load balancer of the
/// hub) reaches it directly. An on-premises site reaches what the VNets it lands on (by VPN or
/// ExpressRoute with private peering) reach for on-premises traffic: the VNet itself, its
/// VNet-to-VNet VPNs, its proxy tier, and the peers that use its gateway (themselves and their
/// proxy tiers).
pub struct Reach<'t> {
    topology: &'t Topology,
    facts: &'t ReachFacts,
}

impl<'t> Reach<'t> {
    /// Whether the design holds any HSM in a VNet.
    pub fn any_hsm(&self) -> bool {
        self.facts.any_hsm
    }

    pub fn is_hsm_vnet(&self, vnet: Id) -> bool {
        self.vnet_slot(vnet)
            .is_some_and(|n| self.facts.hsm[n.index()])
    }

    /// The load balancer of the VNet's NVA proxy tier, if it has one.
    pub fn proxy_of(&self, vnet: Id) -> Option<Id> {
        self.vnet_slot(vnet)
            .and_then(|n| self.facts.proxy[n.index()])
    }

    fn vnet_slot(&self, id: Id) -> Option<NodeIndex> {
        self.topology
            .node(id)
            .filter(|n| matches!(self.topology.graph[*n], Node::Vnet(_)))
    }

    fn site_slot(&self, id: Id) -> Option<NodeIndex> {
        self.topology
            .node(id)
            .filter(|n| matches!(self.topology.graph[*n], Node::Site(_)))
    }

    /// HSM VNets reachable from the VNet's proxy tier or the VNet itself, without crossing
    /// anything else: the VNet, same-region peers, VNet-to-VNet VPN ends.
    pub fn direct(&self, vnet: Id) -> &'t [Path] {
        match self.vnet_slot(vnet) {
            Some(n) => &self.facts.direct[n.index()],
            None => &[],
        }
    }

    /// The HSM VNets a client workload in `vnet` reaches, one path each, best first (the VNet
    /// itself, then direct links, then through proxies and gateways). Computed once per VNet.
    pub fn from_vnet(&self, vnet: Id) -> &'t [Path] {
        let Some(n) = self.vnet_slot(vnet) else {
            return &[];
        };
        let facts: &'t ReachFacts = self.facts;
        facts.from_vnet[n.index()].get_or_init(|| self.compute_from_vnet(n))
    }

    fn compute_from_vnet(&self, n: NodeIndex) -> Vec<Path> {
        let (g, facts) = (&self.topology.graph, self.facts);
        let i = n.index();
        let mut found = Found::default();
        for p in &facts.direct[i] {
            found.add(p.clone());
        }
        // Only links to VNets with something to pass on (a proxy tier or a gateway with a VPN
        // to an HSM VNet) can add a path; in a hub-and-spoke design that is the hub alone.
        let onward = self.topology.links_where(n, |m, link| {
            let j = m.index();
            !facts.direct[j].is_empty()
                && match link {
                    Link::Peering(_) => facts.peering_usable(i, j),
                    Link::VnetToVnet(_) => facts.proxy[j].is_some(),
                    _ => false,
                }
        });
        if onward.is_empty() {
            return found.paths;
        }
        let start = Path::at(g[n]);
        for (m, link) in onward {
            let j = m.index();
            if let Some(lb) = facts.proxy[j] {
                for d in &facts.direct[j] {
                    found.add(start.then(link, g[m]).proxied(lb).join(d));
                }
            }
            if let Link::Peering(p) = link {
                if facts.uses_gateway_of(p, g[n].id(), g[m].id()) {
                    for d in &facts.direct[j] {
                        if let Some(Link::VnetToVnet(_)) = d.first_link() {
                            found.add(start.then(link, g[m]).join(d));
                        }
                    }
                }
            }
        }
        found.paths
    }

    /// The HSM VNets that on-premises traffic arriving at `vnet`'s gateway reaches, one path
    /// each, starting at `vnet`.
    pub fn from_landing(&self, vnet: Id) -> Vec<Path> {
        let Some(n) = self.vnet_slot(vnet) else {
            return Vec::new();
        };
        let (g, facts) = (&self.topology.graph, self.facts);
        let i = n.index();
        let start = Path::at(g[n]);
        let mut found = Found::default();
        for d in &facts.direct[i] {
            match d.first_link() {
                None | Some(Link::VnetToVnet(_)) => found.add(d.clone()),
                Some(_) => {
                    if let Some(lb) = facts.proxy[i] {
                        found.add(start.clone().proxied(lb).join(d));
                    }
                }
            }
        }
        // Peers that use this VNet's gateway, and hold HSMs or a proxy tier.
        let transit = self.topology.links_where(n, |m, link| {
            let j = m.index();
            let Link::Peering(p) = link else { return false };
            (facts.hsm[j] || facts.proxy[j].is_some())
                && facts.peering_usable(i, j)
                && facts.uses_gateway_of(p, g[m].id(), vnet)
        });
        for (m, link) in transit {
            let j = m.index();
            if facts.hsm[j] {
                found.add(start.then(link, g[m]));
            }
            if let Some(lb) = facts.proxy[j] {
                for d in &facts.direct[j] {
                    found.add(start.then(link, g[m]).proxied(lb).join(d));
                }
            }
        }
        found.paths
    }

    /// The HSM VNets an on-premises site reaches: for each link the site lands on Azure by, one
    /// path per HSM VNet reached that way.
    pub fn from_site(&self, site: Id) -> Vec<Path> {
        let Some(n) = self.site_slot(site) else {
            return Vec::new();
        };
        let g = &self.topology.graph;
        let mut out = Vec::new();
        for (m, link) in self.topology.sorted_links(n) {
            if !self.carries_traffic(link) {
                continue;
            }
            let start = Path::at(g[n]).then(link, g[m]);
            for d in self.from_landing(g[m].id()) {
                out.push(start.clone().join(&d));
            }
        }
        out
    }

    /// An ExpressRoute connection carries traffic only when its circuit has private peering.
    fn carries_traffic(&self, link: Link) -> bool {
        match link {
            Link::ExpressRoute(c) => self.facts.er.get(&c).is_none_or(|&(_, private)| private),
            _ => true,
        }
    }

    /// Why a client workload in `vnet` reaches no HSM (meant for when [`Reach::from_vnet`] is
    /// empty).
    pub fn why_not_from_vnet(&self, vnet: Id) -> Vec<Blocker> {
        let Some(n) = self.vnet_slot(vnet) else {
            return Vec::new();
        };
        let links = self.topology.sorted_links(n);
        if links.is_empty() {
            return vec![Blocker::Isolated(Node::Vnet(vnet))];
        }
        let (g, facts) = (&self.topology.graph, self.facts);
        let mut out = Vec::new();
        let mut dead = Vec::new();
        for (m, link) in links {
            match link {
                Link::Peering(p) if !facts.peering_usable(n.index(), m.index()) => {
                    out.push(Blocker::CrossRegionPeering {
                        from: vnet,
                        hsm_vnet: g[m].id(),
                        peering: p,
                    });
                }
                Link::Peering(_) | Link::VnetToVnet(_) => {
                    self.why_not_through(g[n], link, m, &mut out, &mut dead)
                }
                _ => {}
            }
        }
        if !dead.is_empty() {
            out.push(Blocker::DeadEnds {
                from: Node::Vnet(vnet),
                next: dead,
            });
        }
        out
    }

    /// Why an on-premises site reaches no HSM (meant for when [`Reach::from_site`] is empty).
    pub fn why_not_from_site(&self, site: Id) -> Vec<Blocker> {
        let Some(n) = self.site_slot(site) else {
            return Vec::new();
        };
        let links = self.topology.sorted_links(n);
        if links.is_empty() {
            return vec![Blocker::Isolated(Node::Site(site))];
        }
        let mut out = Vec::new();
        let mut dead = Vec::new();
        for (m, link) in links {
            if let Link::ExpressRoute(c) = link {
                if let Some(&(circuit, false)) = self.facts.er.get(&c) {
                    out.push(Blocker::NoPrivatePeering {
                        connection: c,
                        circuit,
                    });
                    continue;
                }
            }
            self.why_not_through(Node::Site(site), link, m, &mut out, &mut dead);
        }
        if !dead.is_empty() {
            out.push(Blocker::DeadEnds {
                from: Node::Site(site),
                next: dead,
            });
        }
        out
    }

    /// Why traffic from `from` that arrives at `m` over `link` goes no further.
    fn why_not_through(
        &self,
        from: Node,
        link: Link,
        m: NodeIndex,
        out: &mut Vec<Blocker>,
        dead: &mut Vec<Id>,
    ) {
        let (g, facts) = (&self.topology.graph, self.facts);
        let j = m.index();
        let next = g[m].id();
        if let Some(lb) = facts.proxy[j] {
            let before = out.len();
            for (o, l) in self.topology.sorted_links(m) {
                if let Link::Peering(p) = l {
                    if facts.hsm[o.index()] && !facts.same_region(j, o.index()) {
                        out.push(Blocker::CrossRegionPeering {
                            from: next,
                            hsm_vnet: g[o].id(),
                            peering: p,
                        });
                    }
                }
            }
            if out.len() == before {
                out.push(Blocker::ProxyReachesNothing {
                    hub: next,
                    load_balancer: lb,
                });
            }
            return;
        }
        let peered = facts.direct[j]
            .iter()
            .find(|d| matches!(d.first_link(), Some(Link::Peering(_))));
        if let (true, Some(d)) = (facts.nvas[j], peered) {
            out.push(Blocker::NvasWithoutLoadBalancer {
                hub: next,
                hsm_vnet: d.end().id(),
            });
            return;
        }
        let onward = peered.or_else(|| self.from_vnet(next).first());
        match onward {
            Some(onward) => out.push(Blocker::NotTransitive {
                from,
                link,
                next,
                onward: onward.clone(),
            }),
            None => dead.push(next),
        }
    }
}
