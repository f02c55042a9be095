//! Address arithmetic on top of ipnet: Azure's reserved addresses, free-prefix search.

use crate::model::{Design, Firewall, Subnet, Vnet};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Addresses the devices of a subnet use: HSM NICs, NVAs, load balancer frontends, and the
/// first usable address, which Azure Firewall takes.
pub fn addresses_in_use(design: &Design, subnet: &Subnet) -> Vec<Ipv4Addr> {
    let mut taken: Vec<Ipv4Addr> = Vec::new();
    for h in design.hsms.iter().filter(|h| h.subnet == subnet.id) {
        taken.extend(h.private_ip);
        taken.extend(h.management_ip);
    }
    taken.extend(
        design
            .nvas
            .iter()
            .filter(|n| n.subnet == subnet.id)
            .filter_map(|n| n.private_ip),
    );
    taken.extend(
        design
            .load_balancers
            .iter()
            .filter(|l| l.subnet == subnet.id)
            .filter_map(|l| l.frontend_ip),
    );
    if design.firewalls.iter().any(|f| f.subnet == subnet.id) {
        taken.push(first_usable(&subnet.prefix));
    }
    taken
}

/// The addresses of a subnet that Azure does not reserve and no device uses, lowest first.
pub fn free_addresses(design: &Design, subnet: &Subnet) -> impl Iterator<Item = Ipv4Addr> {
    let taken = addresses_in_use(design, subnet);
    let prefix = subnet.prefix.trunc();
    (u32::from(first_usable(&prefix))..u32::from(prefix.broadcast()))
        .map(Ipv4Addr::from)
        .filter(move |a| !taken.contains(a))
}

/// Azure reserves the network address, the next three, and the broadcast address.
pub const RESERVED_PER_SUBNET: u64 = 5;

/// Addresses Azure lets resources use in a subnet of this prefix (0 when too small).
pub fn usable_addresses(prefix: &Ipv4Net) -> u64 {
    let total = 1u64 << (32 - prefix.prefix_len());
    total.saturating_sub(RESERVED_PER_SUBNET)
}

/// Whether `addr` is one of the five addresses Azure reserves in `prefix`.
pub fn is_reserved(prefix: &Ipv4Net, addr: Ipv4Addr) -> bool {
    let net = prefix.trunc();
    let offset = u32::from(addr).wrapping_sub(u32::from(net.network()));
    offset < 4 || addr == net.broadcast()
}

/// The first address Azure hands out in a subnet (network + 4).
pub fn first_usable(prefix: &Ipv4Net) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(prefix.trunc().network()).saturating_add(4))
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
/// subnets other than `except` (so a subnet can be grown in place).
pub fn next_free_prefix(vnet: &Vnet, len: u8, except: Option<&Subnet>) -> Option<Ipv4Net> {
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
        assert!(!is_reserved(&p, "10.0.1.4".parse().unwrap()));
        assert_eq!(first_usable(&p), "10.0.1.4".parse::<Ipv4Addr>().unwrap());
    }

    #[test]
    fn overlap_is_containment_either_way() {
        assert!(overlaps(&net("10.0.0.0/16"), &net("10.0.5.0/24")));
        assert!(overlaps(&net("10.0.5.0/24"), &net("10.0.0.0/16")));
        assert!(!overlaps(&net("10.0.0.0/24"), &net("10.0.1.0/24")));
    }
}
