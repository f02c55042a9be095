//! `address-overlap-connected`: address ranges that are connected to each other do not overlap.

use super::{Context, Finding, Rule, Severity};
use crate::addressing::overlaps;
use crate::graph::{Link, Node};
use crate::model::Id;
use ipnet::Ipv4Net;
use petgraph::visit::EdgeRef;
use std::collections::{HashMap, HashSet};

pub static RULE: Rule = Rule {
    name: "address-overlap-connected",
    severities: &[Severity::Error],
    summary: "Address ranges that reach each other (peered VNets, VPN and ExpressRoute ends, P2S pools) do not overlap.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Only ranges that are connected are compared: the address spaces of peered VNets \
                 and of VNets joined by VNet-to-VNet VPN; an on-premises site's prefixes against \
                 the VNet it connects to (site-to-site, point-to-site, or ExpressRoute through \
                 its circuit); a point-to-site client pool against its gateway's VNet and the \
                 sites connected to that VNet; and a VNet that uses a peer's gateway (use remote \
                 gateways) against that peer's sites and client pools. One finding per \
                 overlapping pair, naming the overlapping prefixes.",
        why: "Routing needs each address to live in one place. Azure refuses to peer VNets whose \
              address spaces overlap and VNet-to-VNet connections need distinct ranges; an \
              on-premises or client range that overlaps a VNet leaves the overlapping addresses \
              unreachable from one side or the other, which for HSM clients means failed TCP \
              1792 connections.",
        fix: "Renumber one side of each pair (a VNet's address space, the site's prefixes or the \
              client pool) so the ranges are disjoint. Which side to change is a design \
              decision, so there is no one-click fix.",
        source: "Virtual network peering overview, requirements and constraints; VNet-to-VNet \
                 VPN gateway connections; Azure Virtual Network FAQ.",
    },
    check,
};

/// Something that holds addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Holder {
    Vnet(Id),
    Site(Id),
    /// The point-to-site client pool of a gateway.
    Pool(Id),
}

impl Holder {
    fn from_node(node: Node) -> Holder {
        match node {
            Node::Vnet(id) => Holder::Vnet(id),
            Node::Site(id) => Holder::Site(id),
        }
    }

    fn id(self) -> Id {
        match self {
            Holder::Vnet(id) | Holder::Site(id) | Holder::Pool(id) => id,
        }
    }

    fn prefixes<'d>(self, cx: &Context<'d>) -> &'d [Ipv4Net] {
        match self {
            Holder::Vnet(id) => cx
                .index
                .vnet(id)
                .map_or(&[], |v| v.address_space.as_slice()),
            Holder::Site(id) => cx.index.site(id).map_or(&[], |s| s.prefixes.as_slice()),
            Holder::Pool(id) => cx.index.gateway(id).map_or(&[], |g| g.p2s_pool.as_slice()),
        }
    }

    fn describe(self, cx: &Context) -> String {
        match self {
            Holder::Vnet(id) => format!("VNet {}", cx.name(id)),
            Holder::Site(id) => format!("on-premises site {}", cx.name(id)),
            Holder::Pool(id) => format!("the point-to-site pool of gateway {}", cx.name(id)),
        }
    }
}

/// Compares connected pairs, each once, in the order they are met.
struct Pairs<'c, 'd> {
    cx: &'c Context<'d>,
    seen: HashSet<(Holder, Holder)>,
    out: &'c mut Vec<Finding>,
}

impl Pairs<'_, '_> {
    /// Reports `a` and `b` if they overlap; `how` says why they are connected and `via` names
    /// the links involved.
    fn compare(&mut self, a: Holder, b: Holder, how: impl FnOnce() -> String, via: &[Id]) {
        if a == b {
            return;
        }
        let key = if a < b { (a, b) } else { (b, a) };
        if !self.seen.insert(key) {
            return;
        }
        let cx = self.cx;
        let (left, right) = (a.prefixes(cx), b.prefixes(cx));
        let mut clashes = Vec::new();
        for p in left {
            for q in right {
                if overlaps(p, q) {
                    clashes.push(format!("{p} with {q}"));
                }
            }
        }
        if clashes.is_empty() {
            return;
        }
        let mut elements = vec![a.id(), b.id()];
        for id in via {
            if !elements.contains(id) {
                elements.push(*id);
            }
        }
        self.out.push(Finding::of(
            &RULE,
            format!(
                "{} and {} overlap ({}) although {}; the overlapping addresses cannot be routed \
                 between them, so renumber one side",
                a.describe(cx),
                b.describe(cx),
                clashes.join(", "),
                how()
            ),
            elements,
        ));
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    let topology = cx.topology();
    let mut pairs = Pairs {
        cx,
        seen: HashSet::new(),
        out,
    };

    // Sites linked to each VNet, and which VNets use each VNet's gateway, gathered once.
    let mut sites_of: HashMap<Id, Vec<(Id, Link)>> = HashMap::new();
    for edge in topology.graph.edge_references() {
        let (x, y) = (topology.graph[edge.source()], topology.graph[edge.target()]);
        if let (Node::Vnet(v), Node::Site(s)) | (Node::Site(s), Node::Vnet(v)) = (x, y) {
            sites_of.entry(v).or_default().push((s, *edge.weight()));
        }
    }
    let mut remote_users: HashMap<Id, Vec<(Id, Id)>> = HashMap::new();
    for p in &d.peerings {
        if p.a_to_b.use_remote_gateways {
            remote_users.entry(p.b).or_default().push((p.a, p.id));
        }
        if p.b_to_a.use_remote_gateways {
            remote_users.entry(p.a).or_default().push((p.b, p.id));
        }
    }
    let link_text = |link: Link| format!("{} {}", link.label(), cx.name(link.element()));

    // 1. Directly linked VNets and sites: peerings, VNet-to-VNet, S2S, P2S, ExpressRoute.
    for edge in topology.graph.edge_references() {
        let (x, y) = (topology.graph[edge.source()], topology.graph[edge.target()]);
        let link = *edge.weight();
        let how = || match link {
            Link::Peering(_) => format!("they are peered ({})", link_text(link)),
            _ => format!("they are connected by {}", link_text(link)),
        };
        pairs.compare(
            Holder::from_node(x),
            Holder::from_node(y),
            how,
            &[link.element()],
        );
    }

    // 2. Point-to-site pools: the gateway's VNet, the sites on it, and VNets using it.
    for gateway in d.gateways.iter().filter(|g| g.p2s_pool.is_some()) {
        let Some(vnet) = cx.index.vnet_of_subnet(gateway.subnet) else {
            continue;
        };
        let pool = Holder::Pool(gateway.id);
        pairs.compare(
            pool,
            Holder::Vnet(vnet.id),
            || "the pool's clients connect into that VNet".to_string(),
            &[],
        );
        for &(site, link) in sites_of.get(&vnet.id).map(Vec::as_slice).unwrap_or(&[]) {
            let how = || {
                format!(
                    "both reach VNet {}, the site by {}",
                    cx.name(vnet.id),
                    link_text(link)
                )
            };
            pairs.compare(pool, Holder::Site(site), how, &[vnet.id, link.element()]);
        }
        for &(spoke, peering) in remote_users.get(&vnet.id).map(Vec::as_slice).unwrap_or(&[]) {
            let how = || {
                format!(
                    "the VNet uses the gateway of {} through peering {}",
                    cx.name(vnet.id),
                    cx.name(peering)
                )
            };
            pairs.compare(pool, Holder::Vnet(spoke), how, &[vnet.id, peering]);
        }
    }

    // 3. VNets that use a peer's gateway reach that peer's sites.
    for p in &d.peerings {
        for (spoke, hub, side) in [(p.a, p.b, &p.a_to_b), (p.b, p.a, &p.b_to_a)] {
            if !side.use_remote_gateways {
                continue;
            }
            for &(site, link) in sites_of.get(&hub).map(Vec::as_slice).unwrap_or(&[]) {
                let how = || {
                    format!(
                        "the VNet uses the gateway of {} (peering {}), which reaches the site by {}",
                        cx.name(hub),
                        cx.name(p.id),
                        link_text(link)
                    )
                };
                pairs.compare(
                    Holder::Vnet(spoke),
                    Holder::Site(site),
                    how,
                    &[hub, p.id, link.element()],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{net, Builder};
    use crate::model::{ConnectionKind, Id, SiteRoles};
    use crate::rules::testing::*;

    const RULE: &str = "address-overlap-connected";

    /// A hub (10.0.0.0/16) with a VPN gateway and a spoke (10.1.0.0/16) peered to it.
    struct Hub {
        b: Builder,
        hub: Id,
        spoke: Id,
        vpn: Id,
        peering: Id,
    }

    fn hub() -> Hub {
        let mut b = Builder::new("hub");
        let region = b.region("westeurope");
        let hub = b.vnet(region, "hub", &["10.0.0.0/16"]);
        let gw_subnet = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
        let vpn = b.vpn_gateway(gw_subnet, "vpngw", "VpnGw1", None);
        let spoke = b.vnet(region, "spoke", &["10.1.0.0/16"]);
        let peering = b.peering(hub, spoke);
        Hub {
            b,
            hub,
            spoke,
            vpn,
            peering,
        }
    }

    #[test]
    fn trips_on_peered_vnets_that_overlap() {
        let mut h = hub();
        h.b.vnet_mut(h.spoke).address_space = vec![net("10.0.128.0/17"), net("10.2.0.0/16")];
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![h.hub, h.spoke, h.peering]);
        let message = &found[0].message;
        assert!(
            message.contains("10.0.0.0/16 with 10.0.128.0/17"),
            "{message}"
        );
        assert!(
            !message.contains("10.2.0.0/16"),
            "only the overlapping prefixes: {message}"
        );
        assert!(message.contains("peered"), "{message}");
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn unconnected_vnets_may_share_a_range() {
        let mut h = hub();
        let region = h.b.design.regions[0].id;
        h.b.vnet(region, "island", &["10.0.0.0/16"]);
        h.b.vnet(region, "island2", &["10.1.0.0/16"]);
        assert!(findings(&h.b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_site_to_site_site_overlapping_its_vnet_trips() {
        let mut h = hub();
        let site = h.b.site(
            "dc",
            &["192.168.0.0/16", "10.0.5.0/24"],
            Some("203.0.113.1"),
            SiteRoles::default(),
        );
        let conn = h.b.connection(
            "s2s",
            ConnectionKind::SiteToSite {
                gateway: h.vpn,
                site,
            },
        );
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![h.hub, site, conn]);
        assert!(
            found[0].message.contains("site-to-site VPN 's2s'"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn an_expressroute_site_is_compared_through_its_circuit() {
        let mut h = hub();
        let gw_subnet = h.b.design.vnets[0].subnets[0].id;
        let ergw = h.b.er_gateway(gw_subnet, "ergw", "ErGw1AZ");
        let site = h.b.site("dc", &["10.0.0.0/8"], None, SiteRoles::default());
        let circuit = h.b.circuit(site, "er", "192.168.100.0/29");
        h.b.connection(
            "er-conn",
            ConnectionKind::ExpressRoute {
                gateway: ergw,
                circuit,
            },
        );
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[..2], [h.hub, site]);
    }

    #[test]
    fn vnet_to_vnet_pairs_are_compared() {
        let mut b = Builder::new("v2v");
        let weu = b.region("westeurope");
        let neu = b.region("northeurope");
        let v1 = b.vnet(weu, "v1", &["10.0.0.0/16"]);
        let v2 = b.vnet(neu, "v2", &["10.0.0.0/16"]);
        let s1 = b.subnet(v1, "GatewaySubnet", "10.0.255.0/27");
        let s2 = b.subnet(v2, "GatewaySubnet", "10.0.255.0/27");
        let g1 = b.vpn_gateway(s1, "g1", "VpnGw1", None);
        let g2 = b.vpn_gateway(s2, "g2", "VpnGw1", None);
        assert!(
            findings(&b.design.clone(), RULE).is_empty(),
            "not yet connected"
        );
        let conn = b.connection("v2v", ConnectionKind::VnetToVnet { a: g1, b: g2 });
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![v1, v2, conn]);
    }

    #[test]
    fn a_p2s_pool_is_compared_with_its_vnet_and_the_sites_on_it() {
        let mut h = hub();
        h.b.design.gateways[0].p2s_pool = Some(net("192.168.50.0/24"));
        let site = h.b.site(
            "dc",
            &["192.168.0.0/16"],
            Some("203.0.113.1"),
            SiteRoles::default(),
        );
        h.b.connection(
            "s2s",
            ConnectionKind::SiteToSite {
                gateway: h.vpn,
                site,
            },
        );
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[..2], [h.vpn, site]);
        assert!(
            found[0].message.contains("point-to-site pool"),
            "{}",
            found[0].message
        );

        let mut h = hub();
        h.b.design.gateways[0].p2s_pool = Some(net("10.0.200.0/24"));
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![h.vpn, h.hub]);
    }

    #[test]
    fn a_spoke_using_the_hub_gateway_is_compared_with_the_hubs_sites_and_pool() {
        let mut h = hub();
        let site = h.b.site(
            "dc",
            &["10.1.0.0/24"],
            Some("203.0.113.1"),
            SiteRoles::default(),
        );
        h.b.connection(
            "s2s",
            ConnectionKind::SiteToSite {
                gateway: h.vpn,
                site,
            },
        );
        assert!(
            findings(&h.b.design.clone(), RULE).is_empty(),
            "no gateway transit yet"
        );

        let p =
            h.b.design
                .peerings
                .iter_mut()
                .find(|p| p.id == h.peering)
                .unwrap();
        p.a_to_b.allow_gateway_transit = true;
        p.b_to_a.use_remote_gateways = true;
        h.b.design.gateways[0].p2s_pool = Some(net("10.1.128.0/24"));
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].elements[..2], [h.vpn, h.spoke], "the pool first");
        assert_eq!(found[1].elements[..2], [h.spoke, site]);
        assert!(
            found[1].message.contains("gateway of 'hub'"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn one_finding_per_pair_even_with_two_links() {
        let mut h = hub();
        let site = h.b.site(
            "dc",
            &["10.0.0.0/24"],
            Some("203.0.113.1"),
            SiteRoles::default(),
        );
        h.b.connection(
            "s2s",
            ConnectionKind::SiteToSite {
                gateway: h.vpn,
                site,
            },
        );
        h.b.connection(
            "p2s",
            ConnectionKind::PointToSite {
                gateway: h.vpn,
                site,
            },
        );
        assert_eq!(findings(&h.b.finish(), RULE).len(), 1);
    }

    #[test]
    fn a_hub_with_many_disjoint_spokes_is_quiet() {
        let mut h = hub();
        let region = h.b.design.regions[0].id;
        for i in 2..200u32 {
            let spoke =
                h.b.vnet(region, &format!("spoke{i}"), &[&format!("10.{i}.0.0/16")]);
            h.b.peering(h.hub, spoke);
        }
        assert!(findings(&h.b.finish(), RULE).is_empty());
    }
}
