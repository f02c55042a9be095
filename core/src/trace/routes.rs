//! Effective routes, the way Azure computes them for a subnet: system routes (the VNet's own
//! address space, directly peered VNets, prefixes learned by the VNet's gateways or by the
//! gateway of a peer it uses, and the default routes), overridden by the subnet's route table.
//! A lookup picks the longest matching prefix; on equal prefixes a user route beats a gateway
//! route, which beats a system route, except that a gateway route never beats the VNet's own or
//! a peer's address space, which Azure always prefers to what BGP teaches.

use crate::hashing::HashMap;
use crate::model::Id;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

/// Azure's next hop types, as its effective routes view names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextHopType {
    VnetLocal,
    VNetPeering,
    VirtualNetworkGateway,
    VirtualAppliance,
    Internet,
    None,
}

impl fmt::Display for NextHopType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NextHopType::VnetLocal => "VnetLocal",
            NextHopType::VNetPeering => "VNetPeering",
            NextHopType::VirtualNetworkGateway => "VirtualNetworkGateway",
            NextHopType::VirtualAppliance => "VirtualAppliance",
            NextHopType::Internet => "Internet",
            NextHopType::None => "None",
        })
    }
}

/// Where a route comes from. On equal prefixes `User` wins over `Gateway`, which wins over
/// `Default`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RouteSource {
    Default,
    Gateway,
    User,
}

impl fmt::Display for RouteSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteSource::Default => "Default",
            RouteSource::Gateway => "Gateway",
            RouteSource::User => "User",
        })
    }
}

/// `Invalid` marks a route that another with the same prefix overrides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteState {
    Active,
    Invalid,
}

impl fmt::Display for RouteState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteState::Active => "Active",
            RouteState::Invalid => "Invalid",
        })
    }
}

/// One row of an effective routes table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffectiveRoute {
    pub prefix: Ipv4Net,
    pub next_hop_type: NextHopType,
    /// The appliance address of a `VirtualAppliance` route.
    pub next_hop_ip: Option<Ipv4Addr>,
    pub source: RouteSource,
    pub state: RouteState,
    /// The element behind the route: the peering of a `VNetPeering` route, the gateway of a
    /// gateway route (for an on-premises site: the connection), the route table of a user route.
    pub via: Option<Id>,
    /// The user route's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl EffectiveRoute {
    pub(crate) fn system(prefix: Ipv4Net, next_hop_type: NextHopType, via: Option<Id>) -> Self {
        EffectiveRoute {
            prefix: prefix.trunc(),
            next_hop_type,
            next_hop_ip: None,
            source: RouteSource::Default,
            state: RouteState::Active,
            via,
            name: None,
        }
    }

    pub(crate) fn learned(prefix: Ipv4Net, via: Id) -> Self {
        EffectiveRoute {
            source: RouteSource::Gateway,
            ..EffectiveRoute::system(prefix, NextHopType::VirtualNetworkGateway, Some(via))
        }
    }

    /// The route in one line: `10.1.2.10/32 -> VirtualAppliance 10.1.1.4 (User route 'x')`.
    pub fn summary(&self) -> String {
        let mut out = format!("{} -> {}", self.prefix, self.next_hop_type);
        if let Some(ip) = self.next_hop_ip {
            out.push_str(&format!(" {ip}"));
        }
        match (&self.name, self.source) {
            (Some(name), _) => out.push_str(&format!(" (user route '{name}')")),
            (None, RouteSource::Gateway) => out.push_str(" (learned by a gateway)"),
            (None, RouteSource::User) => out.push_str(" (user route)"),
            (None, RouteSource::Default) => out.push_str(" (system route)"),
        }
        out
    }
}

/// The system routes Azure adds to every subnet: the internet by default, and nothing for the
/// private and shared ranges unless a more specific route says otherwise.
pub(crate) fn push_default_routes(out: &mut Vec<EffectiveRoute>) {
    out.push(EffectiveRoute::system(
        Ipv4Net::default(),
        NextHopType::Internet,
        None,
    ));
    for (a, b, len) in [(10, 0, 8), (172, 16, 12), (192, 168, 16), (100, 64, 10)] {
        let prefix = Ipv4Net::new(Ipv4Addr::new(a, b, 0, 0), len).expect("length within 0..=32");
        out.push(EffectiveRoute::system(prefix, NextHopType::None, None));
    }
}

/// The network mask of a prefix length.
fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len)
    }
}

/// The best of several candidate routes for one address, as Azure picks across route
/// sources: the longest prefix; on equal prefixes a user route, then a gateway route, then
/// the earlier candidate (pass system routes in the order Azure lists them).
pub(crate) fn best_of<'r>(
    candidates: impl IntoIterator<Item = Option<&'r EffectiveRoute>>,
) -> Option<&'r EffectiveRoute> {
    let mut best: Option<&EffectiveRoute> = None;
    for r in candidates.into_iter().flatten() {
        let better = best
            .is_none_or(|b| (r.prefix.prefix_len(), r.source) > (b.prefix.prefix_len(), b.source));
        if better {
            best = Some(r);
        }
    }
    best
}

/// Up to this many routes, a route set is scanned rather than hashed.
const SMALL: usize = 32;

/// The effective routes of one subnet or site, with a longest-prefix-match lookup over the
/// active ones.
#[derive(Clone, Debug, Default)]
pub struct RouteSet {
    routes: Vec<EffectiveRoute>,
    /// The prefix lengths of active routes, longest first.
    lengths: Vec<u8>,
    /// (prefix length, network address) → index of the active route.
    active: HashMap<(u8, u32), usize>,
}

impl RouteSet {
    /// Marks overridden routes `Invalid` and indexes the active ones.
    pub(crate) fn new(mut routes: Vec<EffectiveRoute>) -> Self {
        // The VNet's own and peered address spaces win over gateway routes inside them, even
        // more specific ones: Azure prefers these system routes to anything BGP teaches.
        let is_local = |r: &EffectiveRoute| {
            matches!(
                r.next_hop_type,
                NextHopType::VnetLocal | NextHopType::VNetPeering
            ) && r.source == RouteSource::Default
        };
        if routes.len() <= SMALL {
            // A few routes: comparing them pairwise and scanning them on lookup beats hashing.
            let n = routes.len();
            let shadowed = |routes: &[EffectiveRoute], i: usize| {
                routes[i].source == RouteSource::Gateway
                    && routes
                        .iter()
                        .any(|l| is_local(l) && l.prefix.contains(&routes[i].prefix))
            };
            let key = |r: &EffectiveRoute| (r.prefix.network(), r.prefix.prefix_len());
            let mut shadow = [false; SMALL];
            for (i, s) in shadow.iter_mut().enumerate().take(n) {
                *s = shadowed(&routes, i);
            }
            let mut invalid = shadow;
            for i in 0..n {
                invalid[i] = invalid[i]
                    || (0..n).any(|j| {
                        j != i
                            && !shadow[j]
                            && key(&routes[j]) == key(&routes[i])
                            && (routes[j].source > routes[i].source
                                || (routes[j].source == routes[i].source && j < i))
                    });
            }
            for (r, bad) in routes.iter_mut().zip(invalid) {
                if bad {
                    r.state = RouteState::Invalid;
                }
            }
            return RouteSet {
                routes,
                lengths: Vec::new(),
                active: HashMap::default(),
            };
        }
        // (prefix length, network) of every local route: a gateway route is shadowed when one
        // of its supernets (or itself) is local, found in at most 33 lookups.
        let local: crate::hashing::HashSet<(u8, u32)> = routes
            .iter()
            .filter(|r| is_local(r))
            .map(|r| (r.prefix.prefix_len(), u32::from(r.prefix.network())))
            .collect();
        let shadowed: Vec<bool> = routes
            .iter()
            .map(|r| {
                r.source == RouteSource::Gateway
                    && !local.is_empty()
                    && (0..=r.prefix.prefix_len()).any(|len| {
                        local.contains(&(len, u32::from(r.prefix.network()) & mask(len)))
                    })
            })
            .collect();
        let mut best: HashMap<(u32, u8), usize> =
            HashMap::with_capacity_and_hasher(routes.len(), Default::default());
        for (i, r) in routes.iter().enumerate() {
            if shadowed[i] {
                continue;
            }
            let key = (u32::from(r.prefix.network()), r.prefix.prefix_len());
            match best.get(&key) {
                // The first of equal sources stays, so document order decides ties.
                Some(&j) if routes[j].source >= r.source => {}
                _ => {
                    best.insert(key, i);
                }
            }
        }
        let mut lengths: Vec<u8> = Vec::new();
        let mut active = HashMap::with_capacity_and_hasher(best.len(), Default::default());
        for (i, r) in routes.iter_mut().enumerate() {
            let (network, len) = (u32::from(r.prefix.network()), r.prefix.prefix_len());
            if best.get(&(network, len)) != Some(&i) {
                r.state = RouteState::Invalid;
                continue;
            }
            if !lengths.contains(&len) {
                lengths.push(len);
            }
            active.insert((len, network), i);
        }
        lengths.sort_by(|a, b| b.cmp(a));
        RouteSet {
            routes,
            lengths,
            active,
        }
    }

    /// Every route, active or not, in the order Azure's view lists them.
    pub fn routes(&self) -> &[EffectiveRoute] {
        &self.routes
    }

    /// The active route with the longest prefix holding `ip`.
    pub fn lookup(&self, ip: Ipv4Addr) -> Option<&EffectiveRoute> {
        self.lookup_longer(ip, None)
    }

    /// The active route with the longest prefix holding `ip`, if that prefix is longer than
    /// `than`: what may still beat a route found elsewhere.
    pub fn lookup_longer(&self, ip: Ipv4Addr, than: Option<u8>) -> Option<&EffectiveRoute> {
        let longer = |len: u8| than.is_none_or(|t| len > t);
        if self.active.is_empty() {
            return self
                .routes
                .iter()
                .filter(|r| {
                    longer(r.prefix.prefix_len())
                        && r.state == RouteState::Active
                        && r.prefix.contains(&ip)
                })
                .max_by_key(|r| r.prefix.prefix_len());
        }
        let addr = u32::from(ip);
        self.lengths
            .iter()
            .take_while(|&&len| longer(len))
            .find_map(|&len| {
                self.active
                    .get(&(len, addr & mask(len)))
                    .map(|&i| &self.routes[i])
            })
    }
}

/// Where Azure's `VirtualNetwork` service tag ends, as seen from one subnet: what an NSG asks
/// of routes. Implemented by a subnet's layered routes and by a whole route set.
pub trait VnetScope {
    fn in_virtual_network(&self, ip: Ipv4Addr) -> bool;
}

impl VnetScope for RouteSet {
    fn in_virtual_network(&self, ip: Ipv4Addr) -> bool {
        in_virtual_network(self.lookup(ip))
    }
}

/// Whether the route an address takes puts it in Azure's `VirtualNetwork` service tag: the
/// VNet, its peers, what its gateways learned, and the prefixes of user routes.
pub(crate) fn in_virtual_network(route: Option<&EffectiveRoute>) -> bool {
    route.is_some_and(|r| {
        r.source == RouteSource::User
            || matches!(
                r.next_hop_type,
                NextHopType::VnetLocal
                    | NextHopType::VNetPeering
                    | NextHopType::VirtualNetworkGateway
            )
    })
}

impl fmt::Display for RouteSet {
    /// Azure's effective routes table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Source   State    Address prefix     Next hop type          Next hop IP"
        )?;
        for r in &self.routes {
            let ip = r.next_hop_ip.map(|ip| ip.to_string()).unwrap_or_default();
            let line = format!(
                "{:<8} {:<8} {:<18} {:<22} {}",
                r.source.to_string(),
                r.state.to_string(),
                r.prefix.to_string(),
                r.next_hop_type.to_string(),
                ip
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::{ip, net};

    fn user(prefix: &str, hop: &str) -> EffectiveRoute {
        EffectiveRoute {
            next_hop_ip: Some(ip(hop)),
            source: RouteSource::User,
            name: Some("udr".into()),
            ..EffectiveRoute::system(net(prefix), NextHopType::VirtualAppliance, None)
        }
    }

    #[test]
    fn the_longest_prefix_wins_and_a_user_route_overrides_an_equal_system_route() {
        let mut routes = Vec::new();
        push_default_routes(&mut routes);
        routes.push(EffectiveRoute::system(
            net("10.1.0.0/16"),
            NextHopType::VnetLocal,
            None,
        ));
        routes.push(user("10.1.2.10/32", "10.1.1.4"));
        routes.push(user("10.1.0.0/16", "10.1.1.5"));
        let set = RouteSet::new(routes);
        let hop = |a: &str| set.lookup(ip(a)).map(|r| (r.next_hop_type, r.next_hop_ip));
        assert_eq!(
            hop("10.1.2.10"),
            Some((NextHopType::VirtualAppliance, Some(ip("10.1.1.4"))))
        );
        assert_eq!(
            hop("10.1.3.1"),
            Some((NextHopType::VirtualAppliance, Some(ip("10.1.1.5"))))
        );
        assert_eq!(hop("10.9.0.1"), Some((NextHopType::None, None)));
        assert_eq!(hop("8.8.8.8"), Some((NextHopType::Internet, None)));
        let overridden = set
            .routes()
            .iter()
            .find(|r| r.next_hop_type == NextHopType::VnetLocal)
            .unwrap();
        assert_eq!(overridden.state, RouteState::Invalid);
        assert!(set.to_string().contains("Invalid  10.1.0.0/16"));
    }
}
