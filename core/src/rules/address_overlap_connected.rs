//! `address-overlap-connected`: address ranges that are connected to each other do not overlap.
//!
//! Each holder's prefixes are indexed once ([`PrefixIndex`]), so a pair is compared in
//! O(p log q) for the side with fewer prefixes (p) rather than p × q; the ranges a VNet joins
//! as groups (its gateways' pools, its sites, the VNets using its gateway) are compared group
//! against group through one index of the group, never pair by pair when the pairs outnumber
//! the prefixes. What is found is sorted into design order and listed up to [`LISTED`]
//! findings; the rest are counted.

use super::wording::natural_list;
use super::{Context, Finding, Rule, Severity};
use crate::addressing::{overlaps, PrefixIndex};
use crate::graph::{Link, Node};
use crate::hashing::{HashMap, HashSet};
use crate::model::Id;
use crate::sort::{pair, stable_by_key};
use ipnet::Ipv4Net;
use petgraph::visit::EdgeRef;

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
                 overlapping pair, naming up to three pairs of overlapping prefixes and counting \
                 the rest. A range that overlaps more than eight prefixes of a group it reaches \
                 the same way (the sites of the VNet whose gateway it uses; for a client pool, \
                 the sites of its gateway's VNet or the VNets using that gateway) gets one \
                 finding for the group, with the number of overlapping pairs of prefixes and a \
                 few of them. The first 100 findings are listed in design order; one more \
                 counts the rest and selects the ranges they involve.",
        why: "Routing needs each address to live in one place. Azure refuses to peer VNets whose \
              address spaces overlap and VNet-to-VNet connections need distinct ranges; an \
              on-premises or client range that overlaps a VNet leaves the overlapping addresses \
              unreachable from one side or the other, which for HSM clients means failed TCP \
              1792 connections.",
        fix: "Renumber one side of each pair (a VNet's address space, the site's prefixes or the \
              client pool) so the ranges are disjoint. Which side to change is a design \
              decision, so there is no one-click fix. When the findings stop at 100, renumber \
              those and check again to see the rest.",
        source: "Virtual network peering overview, requirements and constraints; VNet-to-VNet \
                 VPN gateway connections; Azure Virtual Network FAQ.",
    },
    check,
};

/// At most this many findings are listed; one more counts the rest.
const LISTED: usize = 100;
/// A finding names at most this many pairs of overlapping prefixes and counts the rest.
const NAMED: usize = 3;
/// A range that overlaps more than this many prefixes of a group of ranges it reaches the same
/// way gets one finding for the group rather than one per range of it.
const CROWD: usize = 8;

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
                .index()
                .vnet(id)
                .map_or(&[], |v| v.address_space.as_slice()),
            Holder::Site(id) => cx.index().site(id).map_or(&[], |s| s.prefixes.as_slice()),
            Holder::Pool(id) => cx
                .index()
                .gateway(id)
                .map_or(&[], |g| g.p2s_pool.as_slice()),
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

/// A client pool of one of a VNet's gateways; `rank` is the gateway's position in the design.
#[derive(Clone, Copy, Debug)]
struct Pool {
    gateway: Id,
    rank: u32,
}

/// A site linked to a VNet, by its first link; `rank` is its position among the VNet's sites.
#[derive(Clone, Copy, Debug)]
struct Site {
    site: Id,
    link: Link,
    rank: u32,
}

/// A VNet that uses a VNet's gateway, by the first peering doing so; `rank` orders it by that
/// peering and its side.
#[derive(Clone, Copy, Debug)]
struct User {
    vnet: Id,
    peering: Id,
    rank: u32,
}

impl Pool {
    fn holder(self) -> Holder {
        Holder::Pool(self.gateway)
    }
}

impl Site {
    fn holder(self) -> Holder {
        Holder::Site(self.site)
    }
}

impl User {
    fn holder(self) -> Holder {
        Holder::Vnet(self.vnet)
    }
}

/// The order findings are listed in, as one number: directly linked pairs first (by link),
/// then each pool with its VNet, its VNet's sites and the VNets using its gateway (by gateway),
/// then each VNet using a peer's gateway with the peer's sites (by peering).
fn linked_key(link_rank: u32) -> u64 {
    pair(link_rank, 0)
}

/// `part`: 0 for the VNet, 1 for its sites, 2 for the VNets using the gateway.
fn pool_key(pool: Pool, part: u32, rank: u32) -> u64 {
    pair(1 << 30 | pool.rank, part << 30 | rank)
}

fn user_key(user: User, site_rank: u32) -> u64 {
    pair(2 << 30 | user.rank, site_rank)
}

/// Why two holders are compared.
#[derive(Clone, Copy, Debug)]
enum Why {
    /// They are linked directly.
    Linked(Link),
    /// A pool and its gateway's VNet.
    PoolVnet,
    /// A pool and a site linked to its gateway's VNet.
    PoolSite { vnet: Id, link: Link },
    /// A pool and a VNet that uses its gateway.
    PoolUser { vnet: Id, peering: Id },
    /// A VNet that uses the gateway of `hub` and a site linked to `hub`.
    UserSite { hub: Id, peering: Id, link: Link },
}

/// One overlap found, with its place in the order of findings.
struct Found {
    key: u64,
    what: What,
}

enum What {
    /// Two holders overlap.
    Pair { a: Holder, b: Holder, why: Why },
    /// A holder overlaps many prefixes of one of a VNet's groups.
    Crowd {
        holder: Holder,
        group: Crowd,
        /// Overlapping pairs of prefixes in all.
        total: usize,
        /// A few of them: own prefix, the other holder, its prefix.
        sample: Vec<(Ipv4Net, Holder, Ipv4Net)>,
    },
}

/// The group a holder overlaps many prefixes of.
#[derive(Clone, Copy, Debug)]
enum Crowd {
    /// A pool: the sites linked to its gateway's VNet.
    PoolSites { vnet: Id },
    /// A pool: the VNets using its gateway.
    PoolUsers { vnet: Id },
    /// A VNet using the gateway of `hub`: the sites linked to `hub`.
    UserSites { hub: Id, peering: Id },
}

impl What {
    fn holders(&self) -> [Option<Holder>; 2] {
        match *self {
            What::Pair { a, b, .. } => [Some(a), Some(b)],
            What::Crowd { holder, .. } => [Some(holder), None],
        }
    }
}

/// The prefixes of a group's members as one index.
struct Pooled {
    index: PrefixIndex,
    /// Each indexed prefix with the position of its member.
    entries: Vec<(usize, Ipv4Net)>,
}

impl Pooled {
    fn new(cx: &Context, members: &[Holder]) -> Self {
        let entries: Vec<(usize, Ipv4Net)> = members
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.prefixes(cx).iter().map(move |p| (i, *p)))
            .collect();
        Pooled {
            index: PrefixIndex::new(entries.iter().map(|(_, p)| p)),
            entries,
        }
    }

    /// Overlapping pairs of prefixes between `prefixes` and the group.
    fn count(&self, prefixes: &[Ipv4Net]) -> usize {
        prefixes
            .iter()
            .map(|p| self.index.count_overlapping(p))
            .sum()
    }

    /// The overlapping pairs (own prefix, member, member's prefix), lazily: in the order of
    /// `prefixes`, then by address.
    fn clashes<'a>(
        &'a self,
        prefixes: &'a [Ipv4Net],
    ) -> impl Iterator<Item = (Ipv4Net, usize, Ipv4Net)> + 'a {
        prefixes.iter().flat_map(move |p| {
            self.index.overlapping(p).map(move |i| {
                let (member, q) = self.entries[i];
                (*p, member, q)
            })
        })
    }
}

/// Finds the overlaps, then lists them.
struct Finder<'c, 'd> {
    cx: &'c Context<'d>,
    /// Each holder's prefixes, indexed when first needed.
    indexes: HashMap<Holder, PrefixIndex>,
    /// How many pairs of prefixes two holders share, once counted.
    shared: HashMap<(Holder, Holder), usize>,
    found: Vec<Found>,
}

impl<'c, 'd> Finder<'c, 'd> {
    fn new(cx: &'c Context<'d>) -> Self {
        Finder {
            cx,
            indexes: HashMap::default(),
            shared: HashMap::default(),
            found: Vec::new(),
        }
    }

    fn index(&mut self, holder: Holder) -> &PrefixIndex {
        let cx = self.cx;
        self.indexes
            .entry(holder)
            .or_insert_with(|| PrefixIndex::new(holder.prefixes(cx)))
    }

    /// How many pairs of prefixes `a` and `b` share: each prefix of the side with fewer looked
    /// up in the other's index.
    fn clashes(&mut self, a: Holder, b: Holder) -> usize {
        if a == b {
            return 0;
        }
        let cx = self.cx;
        // A few prefixes on each side are compared directly: cheaper than an index or a memo.
        let (pa, pb) = (a.prefixes(cx), b.prefixes(cx));
        if pa.len() * pb.len() <= 16 {
            return pa
                .iter()
                .map(|p| pb.iter().filter(|q| overlaps(p, q)).count())
                .sum();
        }
        let key = if a < b { (a, b) } else { (b, a) };
        if let Some(&n) = self.shared.get(&key) {
            return n;
        }
        let (few, many) = if a.prefixes(cx).len() <= b.prefixes(cx).len() {
            (a, b)
        } else {
            (b, a)
        };
        let index = self.index(many);
        let n = few
            .prefixes(cx)
            .iter()
            .map(|p| index.count_overlapping(p))
            .sum();
        self.shared.insert(key, n);
        n
    }

    /// Notes `a` and `b` if they overlap.
    fn pair(&mut self, key: u64, a: Holder, b: Holder, why: Why) {
        if self.clashes(a, b) > 0 {
            self.found.push(Found {
                key,
                what: What::Pair { a, b, why },
            });
        }
    }

    /// Compares every holder of `left` with the holders of `right`: `pair(i, j)` gives the place
    /// in the order of findings and the reason of `left[i]` and `right[j]`, `crowd(i)` those of
    /// `left[i]` when it overlaps more than [`CROWD`] prefixes of `right`.
    fn cross(
        &mut self,
        left: &[Holder],
        right: &[Holder],
        pair: &dyn Fn(usize, usize) -> (u64, Why),
        crowd: &dyn Fn(usize) -> (u64, Crowd),
    ) {
        let cx = self.cx;
        if left.is_empty() || right.is_empty() {
            return;
        }
        let prefixes: usize = left.iter().chain(right).map(|h| h.prefixes(cx).len()).sum();
        // Pair by pair while the pairs are no more than the holders and their prefixes (a pair
        // is counted once, however many groups hold it); else all of `right` in one index, each
        // holder of `left` looked up in it once.
        let pairwise =
            left.len().saturating_mul(right.len()) <= left.len() + right.len() + prefixes;
        let mut pooled: Option<Pooled> = None;
        for (i, &l) in left.iter().enumerate() {
            let mine = l.prefixes(cx);
            let total: usize = if pairwise {
                right.iter().map(|&r| self.clashes(l, r)).sum()
            } else {
                pooled
                    .get_or_insert_with(|| Pooled::new(cx, right))
                    .count(mine)
            };
            if total == 0 {
                continue;
            }
            if total > CROWD && right.len() > 1 {
                let pooled = pooled.get_or_insert_with(|| Pooled::new(cx, right));
                let sample = pooled
                    .clashes(mine)
                    .take(NAMED)
                    .map(|(p, j, q)| (p, right[j], q))
                    .collect();
                let (key, group) = crowd(i);
                self.found.push(Found {
                    key,
                    what: What::Crowd {
                        holder: l,
                        group,
                        total,
                        sample,
                    },
                });
                continue;
            }
            let partners: Vec<usize> = if right.len() == 1 {
                vec![0]
            } else if pairwise {
                (0..right.len())
                    .filter(|&j| self.clashes(l, right[j]) > 0)
                    .collect()
            } else {
                // No more than CROWD of them.
                let pooled = pooled.get_or_insert_with(|| Pooled::new(cx, right));
                let mut partners: Vec<usize> = pooled.clashes(mine).map(|(_, j, _)| j).collect();
                stable_by_key(&mut partners, |&j| j as u64);
                partners.dedup();
                partners
            };
            for j in partners {
                if l != right[j] {
                    let (key, why) = pair(i, j);
                    self.found.push(Found {
                        key,
                        what: What::Pair {
                            a: l,
                            b: right[j],
                            why,
                        },
                    });
                }
            }
        }
    }

    /// Lists what was found in design order, one finding per pair (the first reason found),
    /// the first [`LISTED`] in full and the rest counted in one more.
    fn report(mut self, out: &mut Vec<Finding>) {
        let mut found = std::mem::take(&mut self.found);
        stable_by_key(&mut found, |f| f.key);
        let mut pairs: HashSet<(Holder, Holder)> = HashSet::default();
        let (mut listed, mut more) = (0, 0);
        let mut involved: Vec<Id> = Vec::new();
        let mut seen: HashSet<Id> = HashSet::default();
        for f in found {
            if let What::Pair { a, b, .. } = f.what {
                if !pairs.insert(if a < b { (a, b) } else { (b, a) }) {
                    continue;
                }
            }
            if listed < LISTED {
                out.push(self.finding(&f.what));
                listed += 1;
            } else {
                more += 1;
                for h in f.what.holders().into_iter().flatten() {
                    if seen.insert(h.id()) {
                        involved.push(h.id());
                    }
                }
            }
        }
        if more > 0 {
            out.push(Finding::of(
                &RULE,
                format!(
                    "{more} more overlaps between connected ranges are not listed; renumber the \
                     ranges above and check again to see them (this finding selects the ranges \
                     involved)"
                ),
                involved,
            ));
        }
    }

    fn finding(&mut self, what: &What) -> Finding {
        match *what {
            What::Pair { a, b, why } => self.pair_finding(a, b, why),
            What::Crowd {
                holder,
                group,
                total,
                ref sample,
            } => self.crowd_finding(holder, group, total, sample),
        }
    }

    fn pair_finding(&mut self, a: Holder, b: Holder, why: Why) -> Finding {
        let cx = self.cx;
        let (left, right) = (a.prefixes(cx), b.prefixes(cx));
        let total = self.clashes(a, b);
        // (position in `left`, position in `right`), found from the side with fewer prefixes
        // and named in design order: all of them when they are few.
        let mut named: Vec<(usize, usize)> = Vec::with_capacity(NAMED);
        if left.len() <= right.len() {
            let index = self.index(b);
            for (i, p) in left.iter().enumerate() {
                let room = NAMED - named.len();
                named.extend(index.overlapping(p).take(room).map(|j| (i, j)));
            }
        } else {
            let index = self.index(a);
            for (j, q) in right.iter().enumerate() {
                let room = NAMED - named.len();
                named.extend(index.overlapping(q).take(room).map(|i| (i, j)));
            }
        }
        stable_by_key(&mut named, |&(i, j)| pair(i as u32, j as u32));
        let mut clashes: Vec<String> = named
            .iter()
            .map(|&(i, j)| format!("{} with {}", left[i], right[j]))
            .collect();
        if total > named.len() {
            clashes.push(format!("{} more pairs of prefixes", total - named.len()));
        }
        let via: &[Id] = match why {
            Why::Linked(link) => &[link.element()],
            Why::PoolVnet => &[],
            Why::PoolSite { vnet, link } => &[vnet, link.element()],
            Why::PoolUser { vnet, peering } => &[vnet, peering],
            Why::UserSite { hub, peering, link } => &[hub, peering, link.element()],
        };
        let mut elements = vec![a.id(), b.id()];
        for id in via {
            if !elements.contains(id) {
                elements.push(*id);
            }
        }
        let clashes = if total > named.len() {
            natural_list(&clashes)
        } else {
            clashes.join(", ")
        };
        Finding::of(
            &RULE,
            format!(
                "{} and {} overlap ({clashes}) although {}; the overlapping addresses cannot be \
                 routed between them, so renumber one side",
                a.describe(cx),
                b.describe(cx),
                self.how(why)
            ),
            elements,
        )
    }

    fn how(&self, why: Why) -> String {
        let cx = self.cx;
        let link_text = |link: Link| format!("{} {}", link.label(), cx.name(link.element()));
        match why {
            Why::Linked(link @ Link::Peering(_)) => {
                format!("they are peered ({})", link_text(link))
            }
            Why::Linked(link) => format!("they are connected by {}", link_text(link)),
            Why::PoolVnet => "the pool's clients connect into that VNet".to_string(),
            Why::PoolSite { vnet, link } => format!(
                "both reach VNet {}, the site by {}",
                cx.name(vnet),
                link_text(link)
            ),
            Why::PoolUser { vnet, peering } => format!(
                "the VNet uses the gateway of {} through peering {}",
                cx.name(vnet),
                cx.name(peering)
            ),
            Why::UserSite { hub, peering, link } => format!(
                "the VNet uses the gateway of {} (peering {}), which reaches the site by {}",
                cx.name(hub),
                cx.name(peering),
                link_text(link)
            ),
        }
    }

    fn crowd_finding(
        &self,
        holder: Holder,
        group: Crowd,
        total: usize,
        sample: &[(Ipv4Net, Holder, Ipv4Net)],
    ) -> Finding {
        let cx = self.cx;
        let (whom, via): (String, &[Id]) = match group {
            Crowd::UserSites { hub, peering } => (
                format!(
                    "the on-premises sites it reaches through the gateway of {} (peering {})",
                    cx.name(hub),
                    cx.name(peering)
                ),
                &[hub, peering],
            ),
            Crowd::PoolSites { vnet } => (
                format!("the on-premises sites connected to VNet {}", cx.name(vnet)),
                &[vnet],
            ),
            Crowd::PoolUsers { vnet } => (
                format!("the VNets that use the gateway of {}", cx.name(vnet)),
                &[vnet],
            ),
        };
        let named: Vec<String> = sample
            .iter()
            .map(|(p, other, q)| format!("{p} with {q} of {}", other.describe(cx)))
            .collect();
        let mut elements = vec![holder.id()];
        let others = sample.iter().map(|(_, other, _)| other.id());
        for id in others.chain(via.iter().copied()) {
            if !elements.contains(&id) {
                elements.push(id);
            }
        }
        Finding::of(
            &RULE,
            format!(
                "{} overlaps {whom}: {total} pairs of prefixes overlap, among them {}; the \
                 overlapping addresses cannot be routed between them, so renumber one side",
                holder.describe(cx),
                natural_list(&named),
            ),
            elements,
        )
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    let topology = cx.topology();
    let mut finder = Finder::new(cx);

    // 1. Directly linked VNets and sites: peerings, VNet-to-VNet, S2S, P2S, ExpressRoute. On the
    // way, each VNet's sites, once each with its first link.
    let mut sites_of: HashMap<Id, Vec<Site>> = HashMap::default();
    let mut linked: HashSet<(Id, Id)> = HashSet::default();
    for (rank, edge) in (0u32..).zip(topology.graph.edge_references()) {
        let (x, y) = (topology.graph[edge.source()], topology.graph[edge.target()]);
        let link = *edge.weight();
        let (a, b) = (Holder::from_node(x), Holder::from_node(y));
        finder.pair(linked_key(rank), a, b, Why::Linked(link));
        if let (Node::Vnet(v), Node::Site(s)) | (Node::Site(s), Node::Vnet(v)) = (x, y) {
            if linked.insert((v, s)) {
                let sites = sites_of.entry(v).or_default();
                let rank = sites.len() as u32;
                sites.push(Site {
                    site: s,
                    link,
                    rank,
                });
            }
        }
    }

    // The VNets that use each VNet's gateway, once each with its first peering, and each VNet's
    // gateways with a client pool.
    let mut users_of: HashMap<Id, Vec<User>> = HashMap::default();
    let mut using: HashSet<(Id, Id)> = HashSet::default();
    for (rank, p) in (0u32..).zip(&d.peerings) {
        let sides = [
            (p.a, p.b, p.a_to_b.use_remote_gateways),
            (p.b, p.a, p.b_to_a.use_remote_gateways),
        ];
        for (side, (spoke, hub, uses)) in (0u32..).zip(sides) {
            if uses && using.insert((hub, spoke)) {
                users_of.entry(hub).or_default().push(User {
                    vnet: spoke,
                    peering: p.id,
                    rank: 2 * rank + side,
                });
            }
        }
    }
    let mut pools_of: HashMap<Id, Vec<Pool>> = HashMap::default();
    for (rank, gateway) in (0u32..).zip(&d.gateways) {
        if gateway.p2s_pool.is_none() {
            continue;
        }
        if let Some(vnet) = cx.index().vnet_of_subnet(gateway.subnet) {
            pools_of.entry(vnet.id).or_default().push(Pool {
                gateway: gateway.id,
                rank,
            });
        }
    }

    for vnet in &d.vnets {
        let id = vnet.id;
        let pools = pools_of.get(&id).map_or(&[][..], Vec::as_slice);
        let sites = sites_of.get(&id).map_or(&[][..], Vec::as_slice);
        let users = users_of.get(&id).map_or(&[][..], Vec::as_slice);
        let pool_holders: Vec<Holder> = pools.iter().map(|p| p.holder()).collect();
        let site_holders: Vec<Holder> = sites.iter().map(|s| s.holder()).collect();
        let user_holders: Vec<Holder> = users.iter().map(|u| u.holder()).collect();
        // 2. Point-to-site pools: the gateway's VNet, the sites on it, and VNets using it.
        for &pool in pools {
            let key = pool_key(pool, 0, 0);
            finder.pair(key, pool.holder(), Holder::Vnet(id), Why::PoolVnet);
        }
        finder.cross(
            &pool_holders,
            &site_holders,
            &|i, j| {
                let why = Why::PoolSite {
                    vnet: id,
                    link: sites[j].link,
                };
                (pool_key(pools[i], 1, sites[j].rank), why)
            },
            &|i| (pool_key(pools[i], 1, 0), Crowd::PoolSites { vnet: id }),
        );
        finder.cross(
            &pool_holders,
            &user_holders,
            &|i, j| {
                let why = Why::PoolUser {
                    vnet: id,
                    peering: users[j].peering,
                };
                (pool_key(pools[i], 2, users[j].rank), why)
            },
            &|i| (pool_key(pools[i], 2, 0), Crowd::PoolUsers { vnet: id }),
        );
        // 3. VNets that use a peer's gateway reach that peer's sites.
        finder.cross(
            &user_holders,
            &site_holders,
            &|i, j| {
                let why = Why::UserSite {
                    hub: id,
                    peering: users[i].peering,
                    link: sites[j].link,
                };
                (user_key(users[i], sites[j].rank), why)
            },
            &|i| {
                let crowd = Crowd::UserSites {
                    hub: id,
                    peering: users[i].peering,
                };
                (user_key(users[i], 0), crowd)
            },
        );
    }
    finder.report(out);
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

    /// A hub with `spokes` spokes that use its gateway and `sites` site-to-site sites, every
    /// spoke overlapping every site: spokes × sites overlapping pairs.
    fn spokes_by_sites(spokes: usize, sites: usize) -> (Hub, Vec<Id>, Vec<Id>) {
        let mut h = hub();
        h.b.design.peerings.clear();
        let region = h.b.design.regions[0].id;
        let site_ids: Vec<Id> = (0..sites)
            .map(|i| {
                let prefix = format!("10.50.{i}.0/24");
                let site = h.b.site(
                    &format!("site{i}"),
                    &[&prefix],
                    Some("203.0.113.1"),
                    SiteRoles::default(),
                );
                h.b.connection(
                    &format!("s2s{i}"),
                    ConnectionKind::SiteToSite {
                        gateway: h.vpn,
                        site,
                    },
                );
                site
            })
            .collect();
        let spoke_ids: Vec<Id> = (0..spokes)
            .map(|i| {
                let spoke = h.b.vnet(region, &format!("spoke{i}"), &["10.50.0.0/16"]);
                let peering = h.b.peering(h.hub, spoke);
                let p = h.b.design.peerings.last_mut().unwrap();
                assert_eq!(p.id, peering);
                p.a_to_b.allow_gateway_transit = true;
                p.b_to_a.use_remote_gateways = true;
                spoke
            })
            .collect();
        (h, spoke_ids, site_ids)
    }

    #[test]
    fn many_spokes_overlapping_many_sites_get_one_finding_each_and_the_list_stops_at_100() {
        // 150 × 150 overlapping pairs: one finding per spoke for the hub's sites, 100 listed.
        let (h, spokes, sites) = spokes_by_sites(150, 150);
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 101, "100 listed and one count");
        for (finding, spoke) in found.iter().zip(&spokes) {
            assert_eq!(finding.elements[0], *spoke, "in design order");
        }
        let first = &found[0];
        assert_eq!(
            first.message,
            "VNet 'spoke0' overlaps the on-premises sites it reaches through the gateway of \
             'hub' (peering 'hub-to-spoke0'): 150 pairs of prefixes overlap, among them \
             10.50.0.0/16 with 10.50.0.0/24 of on-premises site 'site0', 10.50.0.0/16 with \
             10.50.1.0/24 of on-premises site 'site1' and 10.50.0.0/16 with 10.50.2.0/24 of \
             on-premises site 'site2'; the overlapping addresses cannot be routed between them, \
             so renumber one side"
        );
        assert_eq!(first.elements[1..4], sites[..3]);
        assert_eq!(first.elements[4], h.hub);
        let last = &found[100];
        assert!(
            last.message.starts_with(
                "50 more overlaps between connected ranges are not listed; renumber the ranges \
                 above and check again"
            ),
            "{}",
            last.message
        );
        assert_eq!(last.elements, spokes[100..], "the ranges not listed");
    }

    #[test]
    fn a_spoke_overlapping_a_few_sites_gets_one_finding_per_site() {
        let (h, spokes, sites) = spokes_by_sites(2, 3);
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 6);
        let pairs: Vec<[Id; 2]> = found
            .iter()
            .map(|f| [f.elements[0], f.elements[1]])
            .collect();
        let expected: Vec<[Id; 2]> = spokes
            .iter()
            .flat_map(|&spoke| sites.iter().map(move |&site| [spoke, site]))
            .collect();
        assert_eq!(pairs, expected);
        assert!(
            found[0]
                .message
                .contains("(10.50.0.0/16 with 10.50.0.0/24)"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_pool_overlapping_many_sites_gets_one_finding() {
        let (mut h, _, sites) = spokes_by_sites(0, 20);
        h.b.design.gateways[0].p2s_pool = Some(net("10.50.0.0/16"));
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].elements[..2], [h.vpn, sites[0]]);
        assert!(
            found[0].message.starts_with(
                "the point-to-site pool of gateway 'vpngw' overlaps the on-premises sites \
                 connected to VNet 'hub': 20 pairs of prefixes overlap, among them"
            ),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_pair_names_three_overlapping_prefixes_and_counts_the_rest() {
        let mut h = hub();
        let space: Vec<String> = (0..10).map(|i| format!("10.0.{i}.0/24")).collect();
        let space: Vec<&str> = space.iter().map(String::as_str).collect();
        h.b.vnet_mut(h.spoke).address_space = space.iter().map(|p| net(p)).collect();
        let found = findings(&h.b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains(
                "(10.0.0.0/16 with 10.0.0.0/24, 10.0.0.0/16 with 10.0.1.0/24, 10.0.0.0/16 with \
                 10.0.2.0/24 and 7 more pairs of prefixes)"
            ),
            "{}",
            found[0].message
        );
    }

    /// A small deterministic generator (xorshift).
    struct Numbers(u64);

    impl Numbers {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        /// One or two prefixes of a few nested and disjoint ones in 10.0.0.0/14.
        fn prefixes(&mut self) -> Vec<ipnet::Ipv4Net> {
            (0..1 + self.below(3) / 2)
                .map(|_| {
                    let x = self.below(4);
                    match self.below(20) {
                        0 => net("10.0.0.0/8"),
                        1..=5 => net(&format!("10.{x}.0.0/16")),
                        6..=9 => net(&format!("10.{x}.128.0/17")),
                        k => net(&format!("10.{x}.{}.0/24", k % 5)),
                    }
                })
                .collect()
        }
    }

    /// The rule as it was first written: every connected pair compared prefix by prefix, in the
    /// order met, each pair once. (elements, message) of each finding.
    fn compared_pair_by_pair(design: &crate::model::Design) -> Vec<(Vec<Id>, String)> {
        use super::Holder;
        use crate::addressing::overlaps;
        use crate::graph::{Link, Node};
        use crate::rules::Context;
        use petgraph::visit::EdgeRef;
        use std::collections::{HashMap, HashSet};

        let cx = Context::new(design);
        let topology = cx.topology();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut compare = |a: Holder, b: Holder, how: String, via: &[Id]| {
            let key = if a < b { (a, b) } else { (b, a) };
            if a == b || !seen.insert(key) {
                return;
            }
            let mut clashes = Vec::new();
            for p in a.prefixes(&cx) {
                for q in b.prefixes(&cx) {
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
            out.push((
                elements,
                format!(
                    "{} and {} overlap ({}) although {how}; the overlapping addresses cannot be \
                     routed between them, so renumber one side",
                    a.describe(&cx),
                    b.describe(&cx),
                    clashes.join(", ")
                ),
            ));
        };
        let mut sites_of: HashMap<Id, Vec<(Id, Link)>> = HashMap::new();
        for edge in topology.graph.edge_references() {
            let (x, y) = (topology.graph[edge.source()], topology.graph[edge.target()]);
            if let (Node::Vnet(v), Node::Site(s)) | (Node::Site(s), Node::Vnet(v)) = (x, y) {
                sites_of.entry(v).or_default().push((s, *edge.weight()));
            }
        }
        let mut remote_users: HashMap<Id, Vec<(Id, Id)>> = HashMap::new();
        for p in &design.peerings {
            if p.a_to_b.use_remote_gateways {
                remote_users.entry(p.b).or_default().push((p.a, p.id));
            }
            if p.b_to_a.use_remote_gateways {
                remote_users.entry(p.a).or_default().push((p.b, p.id));
            }
        }
        let link_text = |link: Link| format!("{} {}", link.label(), cx.name(link.element()));
        for edge in topology.graph.edge_references() {
            let (x, y) = (topology.graph[edge.source()], topology.graph[edge.target()]);
            let link = *edge.weight();
            let how = match link {
                Link::Peering(_) => format!("they are peered ({})", link_text(link)),
                _ => format!("they are connected by {}", link_text(link)),
            };
            compare(
                Holder::from_node(x),
                Holder::from_node(y),
                how,
                &[link.element()],
            );
        }
        for gateway in design.gateways.iter().filter(|g| g.p2s_pool.is_some()) {
            let Some(vnet) = cx.index().vnet_of_subnet(gateway.subnet) else {
                continue;
            };
            let pool = Holder::Pool(gateway.id);
            let how = "the pool's clients connect into that VNet".to_string();
            compare(pool, Holder::Vnet(vnet.id), how, &[]);
            for &(site, link) in sites_of.get(&vnet.id).map(Vec::as_slice).unwrap_or(&[]) {
                let how = format!(
                    "both reach VNet {}, the site by {}",
                    cx.name(vnet.id),
                    link_text(link)
                );
                compare(pool, Holder::Site(site), how, &[vnet.id, link.element()]);
            }
            for &(spoke, peering) in remote_users.get(&vnet.id).map(Vec::as_slice).unwrap_or(&[]) {
                let how = format!(
                    "the VNet uses the gateway of {} through peering {}",
                    cx.name(vnet.id),
                    cx.name(peering)
                );
                compare(pool, Holder::Vnet(spoke), how, &[vnet.id, peering]);
            }
        }
        for p in &design.peerings {
            for (spoke, hub, side) in [(p.a, p.b, &p.a_to_b), (p.b, p.a, &p.b_to_a)] {
                if !side.use_remote_gateways {
                    continue;
                }
                for &(site, link) in sites_of.get(&hub).map(Vec::as_slice).unwrap_or(&[]) {
                    let how = format!(
                        "the VNet uses the gateway of {} (peering {}), which reaches the site by {}",
                        cx.name(hub),
                        cx.name(p.id),
                        link_text(link)
                    );
                    compare(
                        Holder::Vnet(spoke),
                        Holder::Site(site),
                        how,
                        &[hub, p.id, link.element()],
                    );
                }
            }
        }
        out
    }

    #[test]
    fn ordinary_designs_get_the_findings_of_a_pair_by_pair_comparison() {
        let mut numbers = Numbers(0x853c_49e6_748f_ea9b);
        let mut compared = 0;
        for round in 0..400 {
            let mut b = Builder::new("random");
            let region = b.region("westeurope");
            let mut hubs = Vec::new();
            for i in 0..1 + numbers.below(2) {
                let hub = b.vnet(region, &format!("hub{i}"), &[]);
                b.vnet_mut(hub).address_space = numbers.prefixes();
                let subnet = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
                let pools = (0..numbers.below(3))
                    .map(|k| {
                        let pool = numbers.prefixes()[0].to_string();
                        b.vpn_gateway(subnet, &format!("gw{i}-{k}"), "VpnGw1", Some(&pool))
                    })
                    .collect::<Vec<_>>();
                let gateway = b.vpn_gateway(subnet, &format!("gw{i}"), "VpnGw1", None);
                hubs.push((hub, gateway, pools));
            }
            let mut vnets: Vec<Id> = hubs.iter().map(|h| h.0).collect();
            // Many spokes and sites on one hub: their groups are compared through one index.
            let (spokes, sites) = if round % 2 == 0 { (15, 9) } else { (5, 4) };
            for i in 0..numbers.below(spokes) {
                let spoke = b.vnet(region, &format!("spoke{i}"), &[]);
                b.vnet_mut(spoke).address_space = numbers.prefixes();
                vnets.push(spoke);
                if numbers.below(4) > 0 {
                    let (hub, _, _) = hubs[numbers.below(hubs.len())];
                    b.peering(spoke, hub);
                    let p = b.design.peerings.last_mut().unwrap();
                    p.a_to_b.use_remote_gateways = true;
                }
            }
            for _ in 0..numbers.below(6) {
                let (x, y) = (
                    vnets[numbers.below(vnets.len())],
                    vnets[numbers.below(vnets.len())],
                );
                b.peering(x, y);
                let p = b.design.peerings.last_mut().unwrap();
                p.a_to_b.use_remote_gateways = numbers.below(2) == 0;
                p.b_to_a.use_remote_gateways = numbers.below(3) == 0;
            }
            for i in 0..numbers.below(sites) {
                let site = b.site(
                    &format!("site{i}"),
                    &[],
                    Some("203.0.113.1"),
                    SiteRoles::default(),
                );
                b.design.sites.last_mut().unwrap().prefixes = numbers.prefixes();
                for k in 0..1 + numbers.below(3) / 2 {
                    let gateway = hubs[numbers.below(hubs.len())].1;
                    let kind = if k == 0 {
                        ConnectionKind::SiteToSite { gateway, site }
                    } else {
                        ConnectionKind::PointToSite { gateway, site }
                    };
                    b.connection(&format!("c{i}-{k}"), kind);
                }
            }
            let design = b.finish();
            let found = findings(&design, RULE);
            if found
                .iter()
                .any(|f| f.message.contains("pairs of prefixes"))
            {
                continue; // grouped or shortened: not what the first version wrote
            }
            compared += 1;
            let found: Vec<(Vec<Id>, String)> =
                found.into_iter().map(|f| (f.elements, f.message)).collect();
            assert_eq!(found, compared_pair_by_pair(&design), "round {round}");
        }
        assert!(compared > 300, "only {compared} designs compared");
    }
}
