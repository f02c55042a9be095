//! Address arithmetic on top of ipnet: usable and free addresses, free-prefix search, overlap,
//! and an index of prefixes for overlap and containment questions about many of them at once.
//! The facts it computes with (which addresses Azure reserves) are in `azure::addresses`.

use crate::azure::addresses::{RESERVED_AT_END, RESERVED_AT_START, RESERVED_PER_SUBNET};
use crate::hashing::{HashMap, HashSet};
use crate::model::{Design, Firewall, Id, Subnet, Vnet};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Every address a device holds, with the subnet it holds it in: HSM NICs, NVAs, load balancer
/// frontends and private endpoints with a static address. (Azure Firewall's address follows
/// from its subnet's prefix: see [`addresses_in_use`].)
fn held_addresses(design: &Design) -> impl Iterator<Item = (Id, Ipv4Addr)> + '_ {
    let hsms = design.hsms.iter().flat_map(|h| {
        let host = h.host_ips().map(move |a| (h.subnet, a));
        let management = h.management_subnet().zip(h.management_ip);
        host.chain(management)
    });
    let nvas = design
        .nvas
        .iter()
        .filter_map(|n| Some((n.subnet, n.private_ip?)));
    let frontends = design
        .load_balancers
        .iter()
        .filter_map(|l| Some((l.subnet, l.frontend_ip?)));
    let endpoints = design
        .private_endpoints
        .iter()
        .flat_map(|e| e.static_addresses().map(move |a| (e.subnet, a)));
    hsms.chain(nvas).chain(frontends).chain(endpoints)
}

/// Addresses the devices of a subnet use: HSM NICs, NVAs, load balancer frontends, private
/// endpoints with a static address, and the first usable address, which Azure Firewall takes.
pub fn addresses_in_use(design: &Design, subnet: &Subnet) -> Vec<Ipv4Addr> {
    addresses_in_use_of(design, &[subnet])
        .remove(&subnet.id)
        .unwrap_or_default()
}

/// [`addresses_in_use`] of several subnets, in one pass over the design's devices.
pub fn addresses_in_use_of(design: &Design, subnets: &[&Subnet]) -> HashMap<Id, Vec<Ipv4Addr>> {
    let mut taken: HashMap<Id, Vec<Ipv4Addr>> =
        subnets.iter().map(|s| (s.id, Vec::new())).collect();
    for (subnet, address) in held_addresses(design) {
        if let Some(list) = taken.get_mut(&subnet) {
            list.push(address);
        }
    }
    let firewalled: HashSet<Id> = design.firewalls.iter().map(|f| f.subnet).collect();
    for s in subnets {
        if firewalled.contains(&s.id) {
            if let Some(list) = taken.get_mut(&s.id) {
                list.push(first_usable(&s.prefix));
            }
        }
    }
    taken
}

/// The addresses of a subnet that Azure does not reserve and no device uses, lowest first.
pub fn free_addresses(design: &Design, subnet: &Subnet) -> impl Iterator<Item = Ipv4Addr> {
    let taken: HashSet<Ipv4Addr> = addresses_in_use(design, subnet).into_iter().collect();
    let prefix = subnet.prefix.trunc();
    (u32::from(first_usable(&prefix))..u32::from(prefix.broadcast()))
        .map(Ipv4Addr::from)
        .filter(move |a| !taken.contains(a))
}

/// The first of `n` consecutive addresses of a subnet that Azure does not reserve and no
/// device uses (a Cloud HSM endpoint takes one per node).
pub fn free_run(design: &Design, subnet: &Subnet, n: usize) -> Option<Ipv4Addr> {
    let taken = addresses_in_use(design, subnet);
    first_free_run(subnet, &taken, n)
}

/// The first of `n` consecutive usable addresses of `subnet` not in `taken`.
pub fn first_free_run(subnet: &Subnet, taken: &[Ipv4Addr], n: usize) -> Option<Ipv4Addr> {
    FreeRuns::new(subnet, taken).take(n)
}

/// Runs of free addresses of one subnet handed out in turn, lowest first, as Azure assigns
/// dynamic addresses. The search goes on from where the last run ended, so handing out `k`
/// runs of the same length costs one sweep of the subnet, not `k`: a gap that was too short
/// for a run stays too short as addresses are taken.
pub struct FreeRuns {
    taken: HashSet<u32>,
    next: u32,
    end: u32,
}

impl FreeRuns {
    pub fn new(subnet: &Subnet, taken: &[Ipv4Addr]) -> Self {
        let prefix = subnet.prefix.trunc();
        FreeRuns {
            taken: taken.iter().map(|a| u32::from(*a)).collect(),
            next: u32::from(first_usable(&prefix)),
            end: u32::from(prefix.broadcast()),
        }
    }

    /// The first of the next `n` consecutive free addresses, now taken; none when the subnet
    /// has no such run left.
    pub fn take(&mut self, n: usize) -> Option<Ipv4Addr> {
        let mut run = 0;
        while self.next < self.end {
            let a = self.next;
            self.next += 1;
            if self.taken.contains(&a) {
                run = 0;
                continue;
            }
            run += 1;
            if run == n {
                return Some(Ipv4Addr::from(a + 1 - n as u32));
            }
        }
        None
    }
}

/// Addresses Azure lets resources use in a subnet of this prefix (0 when too small).
pub fn usable_addresses(prefix: &Ipv4Net) -> u64 {
    let total = 1u64 << (32 - prefix.prefix_len());
    total.saturating_sub(RESERVED_PER_SUBNET)
}

/// Whether `addr` is one of the addresses Azure reserves in `prefix` (the first four and the
/// last).
pub fn is_reserved(prefix: &Ipv4Net, addr: Ipv4Addr) -> bool {
    let net = prefix.trunc();
    let offset = u32::from(addr).wrapping_sub(u32::from(net.network()));
    let from_end = u32::from(net.broadcast()).wrapping_sub(u32::from(addr));
    offset < RESERVED_AT_START || from_end < RESERVED_AT_END
}

/// The first address Azure hands out in a subnet (the one after the reserved ones).
pub fn first_usable(prefix: &Ipv4Net) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(prefix.trunc().network()).saturating_add(RESERVED_AT_START))
}

/// Whether two prefixes share any address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    let (a, b) = (a.trunc(), b.trunc());
    a.contains(&b) || b.contains(&a)
}

/// The private address Azure gives a firewall: the first usable one of its subnet.
pub fn firewall_ip(design: &Design, firewall: &Firewall) -> Option<Ipv4Addr> {
    design
        .subnet(firewall.subnet)
        .map(|(_, s)| first_usable(&s.prefix))
}

/// The first prefix of length `len` inside `vnet`'s address space that overlaps none of its
/// subnets other than `except` (so a subnet can be grown in place): the address spaces in
/// design order, each from its lowest address. [`FreeSpace`] answers many such questions about
/// one VNet.
pub fn next_free_prefix(vnet: &Vnet, len: u8, except: Option<&Subnet>) -> Option<Ipv4Net> {
    FreeSpace::new(vnet).next_free_prefix(len, except)
}

/// A VNet's subnets sorted by address once, for free-prefix searches in it: each costs O(n)
/// plus one jump per blocking range, where trying every candidate against every subnet costs
/// candidates × n (a /28 searched through a /8 is a million candidates).
pub struct FreeSpace<'v> {
    vnet: &'v Vnet,
    /// (first address, last address, subnet), by first address.
    subnets: Vec<(u32, u32, Id)>,
}

impl<'v> FreeSpace<'v> {
    pub fn new(vnet: &'v Vnet) -> Self {
        let mut subnets: Vec<(u32, u32, Id)> = vnet
            .subnets
            .iter()
            .map(|s| {
                let (first, last) = bounds(&s.prefix);
                (first, last, s.id)
            })
            .collect();
        crate::sort::stable_by_key(&mut subnets, |&(first, _, _)| u64::from(first));
        FreeSpace { vnet, subnets }
    }

    /// As [`next_free_prefix`].
    pub fn next_free_prefix(&self, len: u8, except: Option<&Subnet>) -> Option<Ipv4Net> {
        if len > 32 {
            return None;
        }
        // The addresses the other subnets take, as sorted, disjoint, non-adjacent ranges.
        let mut taken: Vec<(u32, u32)> = Vec::with_capacity(self.subnets.len());
        for &(first, last, id) in &self.subnets {
            if except.is_some_and(|e| e.id == id) {
                continue;
            }
            match taken.last_mut() {
                Some((_, end)) if u64::from(first) <= u64::from(*end) + 1 => {
                    *end = (*end).max(last)
                }
                _ => taken.push((first, last)),
            }
        }
        let size = 1u64 << (32 - u32::from(len));
        // A space met again gives the same answer: none, or it would have been returned.
        let mut searched: HashSet<(u32, u32)> = HashSet::default();
        for space in &self.vnet.address_space {
            if len < space.prefix_len() {
                continue;
            }
            let (first, last) = bounds(space);
            if !searched.insert((first, last)) {
                continue;
            }
            // Candidates are aligned to their size, as is the space (it is at least as large).
            let mut candidate = u64::from(first);
            while candidate + size - 1 <= u64::from(last) {
                let end = candidate + size - 1;
                let next = taken.partition_point(|&(_, l)| u64::from(l) < candidate);
                match taken.get(next) {
                    // Every candidate up to that range's end overlaps it: jump past it.
                    Some(&(f, l)) if u64::from(f) <= end => {
                        candidate = (u64::from(l) + 1).div_ceil(size) * size;
                    }
                    _ => return Ipv4Net::new(Ipv4Addr::from(candidate as u32), len).ok(),
                }
            }
        }
        None
    }
}

/// The first and last address of a prefix.
pub fn bounds(prefix: &Ipv4Net) -> (u32, u32) {
    let p = prefix.trunc();
    (u32::from(p.network()), u32::from(p.broadcast()))
}

/// Prefixes indexed by address, for the questions "which of them share an address with this
/// one" and "does one of them contain it", in O(log n) for a count or a yes/no and
/// O(log n + k) to list k of them, where a loop over the prefixes is O(n) per question.
///
/// CIDR blocks are nested or disjoint. So the indexed prefixes that overlap a prefix `q` are
/// those that start inside `q`, one run of the prefixes sorted by first address, and those that
/// start before `q` and contain its first address, a chain of nested blocks (at most 32
/// distinct ones), found by climbing from the last block that starts before `q`.
#[derive(Clone, Debug, Default)]
pub struct PrefixIndex {
    /// The distinct blocks, sorted by first address, the larger block first for equal starts.
    blocks: Vec<Block>,
    /// The positions (in the order given to [`PrefixIndex::new`]) of the prefixes of each block,
    /// block after block, ascending within one.
    positions: Vec<u32>,
}

#[derive(Clone, Copy, Debug)]
struct Block {
    first: u32,
    last: u32,
    /// Where the block's positions start in `positions`; they end where the next block's start.
    from: u32,
    /// The nearest block that strictly contains this one.
    parent: Option<u32>,
    /// How many indexed prefixes contain this block (its own copies included).
    covered: u32,
}

impl PrefixIndex {
    /// Indexes `prefixes` (compared by their network: 10.0.0.9/24 is 10.0.0.0/24); a prefix's
    /// position is its place in the iteration.
    pub fn new<'a>(prefixes: impl IntoIterator<Item = &'a Ipv4Net>) -> Self {
        let mut items: Vec<(u32, u32, u32)> = prefixes
            .into_iter()
            .zip(0u32..)
            .map(|(p, i)| {
                let (first, last) = bounds(p);
                (first, last, i)
            })
            .collect();
        // Stable, so equal blocks keep their positions in ascending order.
        crate::sort::stable_by_key(&mut items, |&(first, last, _)| {
            crate::sort::pair(first, u32::MAX - last)
        });
        let mut index = PrefixIndex {
            blocks: Vec::new(),
            positions: Vec::with_capacity(items.len()),
        };
        // The blocks open at the current one: each contains the next.
        let mut open: Vec<u32> = Vec::new();
        for (first, last, position) in items {
            let same = index
                .blocks
                .last()
                .is_some_and(|b| (b.first, b.last) == (first, last));
            if same {
                if let Some(block) = index.blocks.last_mut() {
                    block.covered += 1;
                }
            } else {
                while open
                    .last()
                    .is_some_and(|&o| index.blocks[o as usize].last < first)
                {
                    open.pop();
                }
                let parent = open.last().copied();
                // Blocks are built in order, so an index fits in u32 as positions do.
                open.push(index.blocks.len() as u32);
                index.blocks.push(Block {
                    first,
                    last,
                    from: index.positions.len() as u32,
                    parent,
                    covered: 1 + parent.map_or(0, |p| index.blocks[p as usize].covered),
                });
            }
            index.positions.push(position);
        }
        index
    }

    /// How many prefixes are indexed.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// How many indexed prefixes share an address with `q`, in O(log n).
    pub fn count_overlapping(&self, q: &Ipv4Net) -> usize {
        let (container, inside) = self.locate(q);
        let around = container.map_or(0, |c| self.blocks[c].covered as usize);
        around + self.from(inside.end) - self.from(inside.start)
    }

    /// The positions of the indexed prefixes that share an address with `q`, in address order
    /// (the blocks containing `q` outermost first, then those inside it); taking k of them
    /// costs O(log n + k).
    pub fn overlapping(&self, q: &Ipv4Net) -> impl Iterator<Item = usize> + '_ {
        let (container, inside) = self.locate(q);
        let mut chain: Vec<usize> = Vec::new();
        let mut up = container;
        while let Some(b) = up {
            chain.push(b);
            up = self.blocks[b].parent.map(|p| p as usize);
        }
        chain
            .into_iter()
            .rev()
            .flat_map(move |b| self.from(b)..self.from(b + 1))
            .chain(self.from(inside.start)..self.from(inside.end))
            .map(move |i| self.positions[i] as usize)
    }

    /// Whether one indexed prefix contains all of `q` (or equals it), in O(log n).
    pub fn covers(&self, q: &Ipv4Net) -> bool {
        let (first, last) = bounds(q);
        let (container, inside) = self.locate(q);
        // A block that contains q's first address and starts before it contains q; of the blocks
        // starting at q's first address, the largest comes first.
        container.is_some()
            || self
                .blocks
                .get(inside.start)
                .is_some_and(|b| b.first == first && b.last >= last)
    }

    /// The innermost block that starts before `q` and contains its first address, and the run
    /// of blocks that start inside `q`.
    fn locate(&self, q: &Ipv4Net) -> (Option<usize>, std::ops::Range<usize>) {
        let (first, last) = bounds(q);
        let start = self.blocks.partition_point(|b| b.first < first);
        let end = start + self.blocks[start..].partition_point(|b| b.first <= last);
        // Any block that contains q's first address and starts before it contains the last
        // block starting before q too, so it is that block or one of its ancestors; at most 32
        // steps, as each ancestor is a shorter prefix.
        let mut up = start.checked_sub(1);
        while let Some(b) = up {
            if self.blocks[b].last >= first {
                break;
            }
            up = self.blocks[b].parent.map(|p| p as usize);
        }
        (up, start..end)
    }

    /// Where block `b`'s positions start (`positions.len()` past the last block).
    fn from(&self, b: usize) -> usize {
        self.blocks
            .get(b)
            .map_or(self.positions.len(), |block| block.from as usize)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn a_slash_29_leaves_three_usable_addresses() {
        assert_eq!(usable_addresses(&net("10.0.0.0/29")), 3);
        assert_eq!(usable_addresses(&net("10.0.0.0/24")), 251);
        assert_eq!(usable_addresses(&net("10.0.0.0/30")), 0);
        assert_eq!(usable_addresses(&net("10.0.0.0/32")), 0);
    }

    #[test]
    fn the_first_four_and_the_last_address_are_reserved() {
        let p = net("10.0.1.0/24");
        for a in ["10.0.1.0", "10.0.1.1", "10.0.1.3", "10.0.1.255"] {
            assert!(is_reserved(&p, a.parse().unwrap()), "{a}");
        }
        for a in ["10.0.1.4", "10.0.1.254", "10.0.2.0", "10.0.0.255"] {
            assert!(!is_reserved(&p, a.parse().unwrap()), "{a}");
        }
        assert_eq!(first_usable(&p), "10.0.1.4".parse::<Ipv4Addr>().unwrap());
    }

    #[test]
    fn overlap_is_containment_either_way() {
        assert!(overlaps(&net("10.0.0.0/16"), &net("10.0.5.0/24")));
        assert!(overlaps(&net("10.0.5.0/24"), &net("10.0.0.0/16")));
        assert!(!overlaps(&net("10.0.0.0/24"), &net("10.0.1.0/24")));
    }

    /// A small deterministic generator (xorshift), so the comparisons below are reproducible.
    struct Numbers(u64);

    impl Numbers {
        fn below(&mut self, n: u32) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % u64::from(n)) as u32
        }

        /// A prefix inside 10.0.0.0/20 of length 20 to 30, sometimes not truncated.
        fn prefix(&mut self) -> Ipv4Net {
            let len = 20 + self.below(11) as u8;
            let addr = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 0, 0, 0)) + self.below(1 << 12));
            let p = Ipv4Net::new(addr, len).unwrap();
            if self.below(4) == 0 {
                p
            } else {
                p.trunc()
            }
        }
    }

    #[test]
    fn the_prefix_index_answers_as_a_loop_over_the_prefixes_does() {
        let mut numbers = Numbers(0x9e37_79b9_7f4a_7c15);
        for round in 0..200 {
            let count = numbers.below(40) as usize;
            let mut prefixes: Vec<Ipv4Net> = (0..count).map(|_| numbers.prefix()).collect();
            // Copies of one prefix, which the index keeps apart.
            if round % 3 == 0 && !prefixes.is_empty() {
                prefixes.push(prefixes[0]);
                prefixes.push(prefixes[0]);
            }
            let index = PrefixIndex::new(&prefixes);
            assert_eq!(index.len(), prefixes.len());
            for _ in 0..20 {
                let q = numbers.prefix();
                let expected: Vec<usize> = (0..prefixes.len())
                    .filter(|&i| overlaps(&prefixes[i], &q))
                    .collect();
                let mut listed: Vec<usize> = index.overlapping(&q).collect();
                assert_eq!(
                    index.count_overlapping(&q),
                    expected.len(),
                    "{q} in {prefixes:?}"
                );
                let in_address_order = listed
                    .windows(2)
                    .all(|w| bounds(&prefixes[w[0]]).0 <= bounds(&prefixes[w[1]]).0);
                assert!(in_address_order, "{q}: {listed:?} of {prefixes:?}");
                listed.sort_unstable();
                assert_eq!(listed, expected, "{q} in {prefixes:?}");
                let covered = prefixes.iter().any(|p| p.trunc().contains(&q.trunc()));
                assert_eq!(index.covers(&q), covered, "{q} in {prefixes:?}");
            }
        }
    }

    #[test]
    fn the_prefix_index_lists_containers_outermost_first_then_what_lies_inside() {
        let prefixes = [
            net("10.0.1.0/24"),
            net("10.0.0.0/16"),
            net("10.0.1.128/25"),
            net("10.0.0.0/8"),
            net("10.0.1.0/24"),
            net("10.0.2.0/24"),
        ];
        let index = PrefixIndex::new(&prefixes);
        let listed: Vec<usize> = index.overlapping(&net("10.0.1.0/25")).collect();
        assert_eq!(listed, vec![3, 1, 0, 4]);
        let listed: Vec<usize> = index.overlapping(&net("10.0.0.0/23")).collect();
        assert_eq!(listed, vec![3, 1, 0, 4, 2]);
        assert_eq!(index.count_overlapping(&net("11.0.0.0/8")), 0);
        assert_eq!(index.count_overlapping(&net("0.0.0.0/0")), 6);
        assert!(index.covers(&net("10.200.0.0/16")));
        assert!(!index.covers(&net("11.0.0.0/24")));
        assert!(PrefixIndex::new(&[]).is_empty());
    }

    /// `next_free_prefix` as it was first written: every candidate against every subnet.
    fn next_free_prefix_by_candidates(
        vnet: &Vnet,
        len: u8,
        except: Option<&Subnet>,
    ) -> Option<Ipv4Net> {
        let taken: Vec<Ipv4Net> = vnet
            .subnets
            .iter()
            .filter(|s| except.is_none_or(|e| e.id != s.id))
            .map(|s| s.prefix.trunc())
            .collect();
        vnet.address_space.iter().find_map(|space| {
            let space = space.trunc();
            if len < space.prefix_len() {
                return None;
            }
            space
                .subnets(len)
                .ok()?
                .find(|candidate| !taken.iter().any(|t| overlaps(t, candidate)))
        })
    }

    #[test]
    fn free_runs_are_handed_out_in_turn_past_gaps_too_short() {
        let subnet = Subnet::new(Id(1), "s".into(), net("10.0.0.0/28"));
        // Usable: .4 to .14; .6 is taken, so .4–.5 is too short for three.
        let taken = [Ipv4Addr::new(10, 0, 0, 6)];
        let mut runs = FreeRuns::new(&subnet, &taken);
        assert_eq!(runs.take(3), Some(Ipv4Addr::new(10, 0, 0, 7)));
        assert_eq!(runs.take(3), Some(Ipv4Addr::new(10, 0, 0, 10)));
        assert_eq!(runs.take(3), None, ".13–.14 is too short");
        assert_eq!(
            first_free_run(&subnet, &taken, 2),
            Some(Ipv4Addr::new(10, 0, 0, 4))
        );
    }

    #[test]
    fn the_next_free_prefix_is_the_first_candidate_no_subnet_overlaps() {
        use crate::model::builder::Builder;
        let mut numbers = Numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..100 {
            let mut b = Builder::new("free");
            let region = b.region("westeurope");
            let vnet = b.vnet(region, "v", &[]);
            for _ in 0..numbers.below(4) {
                let space = numbers.prefix();
                b.vnet_mut(vnet).address_space.push(space);
            }
            for k in 0..numbers.below(30) {
                let prefix = numbers.prefix().to_string();
                b.subnet(vnet, &format!("s{k}"), &prefix);
            }
            let v = &b.design.vnets[0];
            for len in [19, 20, 24, 27, 29, 33] {
                assert_eq!(
                    next_free_prefix(v, len, None),
                    next_free_prefix_by_candidates(v, len, None),
                    "/{len} in {v:?}"
                );
                for s in &v.subnets {
                    assert_eq!(
                        next_free_prefix(v, len, Some(s)),
                        next_free_prefix_by_candidates(v, len, Some(s)),
                        "/{len} except {} in {v:?}",
                        s.prefix
                    );
                }
            }
        }
    }

    #[test]
    fn a_free_prefix_past_a_large_subnet_is_found_without_trying_each_candidate() {
        use crate::model::builder::Builder;
        let mut b = Builder::new("wide");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "v", &["10.0.0.0/8", "0.0.0.0/0"]);
        b.subnet(vnet, "all", "10.0.0.0/8");
        b.subnet(vnet, "low", "0.0.0.0/5");
        // 2^20 /28 candidates in 10.0.0.0/8, 2^28 in 0.0.0.0/0 before 8.0.0.0.
        let v = &b.design.vnets[0];
        assert_eq!(next_free_prefix(v, 28, None), Some(net("8.0.0.0/28")));
        assert_eq!(next_free_prefix(v, 0, None), None);
        assert_eq!(
            next_free_prefix(v, 32, Some(&v.subnets[0])),
            Some(net("10.0.0.0/32"))
        );
    }
}
