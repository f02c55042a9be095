//! The topology of a design (petgraph): VNets and on-premises sites as nodes, and peerings,
//! VPN connections and ExpressRoute circuits as edges. Derived from the design on demand and
//! never stored beside it.
//!
//! It answers what is linked to what ([`Topology::neighbours`]) and which nodes form one group
//! over some kind of link ([`Topology::components`]), nothing more: whether a packet gets
//! somewhere (routes, gateway transit, proxies, NSGs, firewalls) is the flow tracer's answer
//! ([`crate::trace::Network`]).

use crate::model::{ConnectionKind, Id, Index};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;

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

/// The graph. Its nodes are numbered by the design's positions, so the design's index finds
/// them: the VNet at position `i` is node `i`, the site at position `j` node `vnets + j`.
pub struct Topology {
    pub graph: UnGraph<Node, Link>,
    vnets: usize,
}

impl Topology {
    pub fn new(index: &Index) -> Self {
        let design = index.design();
        let mut graph = UnGraph::with_capacity(design.vnets.len() + design.sites.len(), 0);
        for v in &design.vnets {
            graph.add_node(Node::Vnet(v.id));
        }
        for s in &design.sites {
            graph.add_node(Node::Site(s.id));
        }
        let vnets = design.vnets.len();
        let node = |id: Id| node_of(index, vnets, id);
        for p in &design.peerings {
            if let (Some(a), Some(b)) = (node(p.a), node(p.b)) {
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
                if let (Some(a), Some(b)) = (node(from), node(to)) {
                    graph.add_edge(a, b, link);
                }
            }
        }
        Topology { graph, vnets }
    }

    /// The graph node of a VNet or site.
    pub fn node(&self, index: &Index, id: Id) -> Option<NodeIndex> {
        node_of(index, self.vnets, id)
    }

    /// Nodes directly linked to `id`, with the link, in a stable order.
    pub fn neighbours(&self, index: &Index, id: Id) -> Vec<(Node, Link)> {
        let Some(n) = self.node(index, id) else {
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

    /// Groups nodes joined by links that `keep` accepts, e.g. only VNet-to-VNet VPNs.
    pub fn components<'t>(
        &'t self,
        index: &'t Index<'t>,
        keep: impl Fn(Link) -> bool,
    ) -> Components<'t> {
        let mut sets = UnionFind::new(self.graph.node_count());
        for e in self.graph.edge_references() {
            if keep(*e.weight()) {
                sets.union(e.source().index(), e.target().index());
            }
        }
        Components {
            topology: self,
            index,
            labels: sets.into_labeling(),
        }
    }
}

/// The node of a VNet or site, by its position in the design.
fn node_of(index: &Index, vnets: usize, id: Id) -> Option<NodeIndex> {
    index
        .vnet_position(id)
        .or_else(|| index.site_position(id).map(|j| vnets + j))
        .map(NodeIndex::new)
}

/// Nodes grouped by [`Topology::components`].
pub struct Components<'t> {
    topology: &'t Topology,
    index: &'t Index<'t>,
    labels: Vec<usize>,
}

impl Components<'_> {
    /// A label that every node of one group shares; `None` for an id that is not a node.
    pub fn label(&self, id: Id) -> Option<usize> {
        self.topology
            .node(self.index, id)
            .and_then(|n| self.labels.get(n.index()).copied())
    }
}
