//! Addresses for new elements: the next free VNet address space, subnet prefix, private IP,
//! site prefix, VPN device address and ExpressRoute peering prefixes.

use super::Refusal;
use crate::addressing::{free_addresses, next_free_prefix, overlaps};
use crate::model::{Design, Id, Vnet};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Private ranges new VNets take their address space from, in order of preference.
const VNET_POOLS: [&str; 2] = ["10.0.0.0/8", "172.16.0.0/12"];
/// New on-premises sites get a /24 from here.
const SITE_POOL: &str = "192.168.0.0/16";
/// ExpressRoute private peering /30 pairs come from here (a /29 per circuit).
const PEERING_POOL: &str = "172.31.0.0/16";

fn net(text: &str) -> Ipv4Net {
    text.parse().unwrap_or_default()
}

/// Every prefix an address on the network already uses: VNet spaces and site prefixes.
fn used_spaces(design: &Design) -> Vec<Ipv4Net> {
    let mut used: Vec<Ipv4Net> = design
        .vnets
        .iter()
        .flat_map(|v| v.address_space.iter().copied())
        .collect();
    used.extend(design.sites.iter().flat_map(|s| s.prefixes.iter().copied()));
    used
}

/// The first prefix of length `len` in `pools` that overlaps none of `used`.
fn first_free(pools: &[Ipv4Net], len: u8, used: &[Ipv4Net]) -> Option<Ipv4Net> {
    pools.iter().find_map(|pool| {
        pool.subnets(len)
            .ok()?
            .find(|c| !used.iter().any(|u| overlaps(u, c)))
    })
}

/// A free address space of length `len` for a new VNet, avoiding `also` too.
pub(crate) fn vnet_space(design: &Design, len: u8, also: &[Ipv4Net]) -> Result<Ipv4Net, Refusal> {
    let mut used = used_spaces(design);
    used.extend_from_slice(also);
    let pools: Vec<Ipv4Net> = VNET_POOLS.iter().map(|p| net(p)).collect();
    first_free(&pools, len, &used).ok_or_else(|| {
        Refusal::new(format!(
            "No free /{len} is left in 10.0.0.0/8 or 172.16.0.0/12 for a new VNet."
        ))
    })
}

/// A free /24 for a new on-premises site.
pub(crate) fn site_prefix(design: &Design) -> Result<Ipv4Net, Refusal> {
    first_free(&[net(SITE_POOL)], 24, &used_spaces(design))
        .ok_or_else(|| Refusal::new("No free /24 is left in 192.168.0.0/16 for a new site."))
}

/// The next free VPN device address in the documentation range 203.0.113.0/24.
pub(crate) fn vpn_device_ip(design: &Design) -> Option<Ipv4Addr> {
    (1..=254u8)
        .map(|n| Ipv4Addr::new(203, 0, 113, n))
        .find(|a| design.sites.iter().all(|s| s.vpn_device_ip != Some(*a)))
}

/// Two free /30s (primary and secondary) for a circuit's private peering.
pub(crate) fn peering_pair(design: &Design) -> Result<(Ipv4Net, Ipv4Net), Refusal> {
    let used: Vec<Ipv4Net> = design
        .circuits
        .iter()
        .filter_map(|c| c.private_peering.as_ref())
        .flat_map(|p| [p.primary_prefix, p.secondary_prefix])
        .collect();
    let block = first_free(&[net(PEERING_POOL)], 29, &used)
        .ok_or_else(|| Refusal::new("No free /29 is left for ExpressRoute private peering."))?;
    let mut halves = block.subnets(30).into_iter().flatten();
    match (halves.next(), halves.next()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Refusal::new(
            "No free /29 is left for ExpressRoute private peering.",
        )),
    }
}

/// The first free prefix in `vnet` among the lengths given, longest wanted first.
pub(crate) fn subnet_prefix(vnet: &Vnet, lengths: &[u8]) -> Result<Ipv4Net, Refusal> {
    lengths
        .iter()
        .find_map(|len| next_free_prefix(vnet, *len, None))
        .ok_or_else(|| {
            Refusal::new(format!(
                "VNet {} has no free room for another subnet.",
                vnet.name
            ))
        })
}

/// The first address of a subnet that Azure does not reserve and no device uses.
pub(crate) fn free_ip(design: &Design, subnet: Id) -> Result<Ipv4Addr, Refusal> {
    let (_, s) = design
        .subnet(subnet)
        .ok_or_else(|| Refusal::new("That subnet no longer exists."))?;
    free_addresses(design, s).next().ok_or_else(|| {
        Refusal::new(format!(
            "Subnet {} ({}) has no free address left.",
            s.name, s.prefix
        ))
    })
}

/// `addr` moved from `from` to the same offset in `to`, when it lies in `from`.
pub(crate) fn translate(addr: Ipv4Addr, from: Ipv4Net, to: Ipv4Net) -> Option<Ipv4Addr> {
    let from = from.trunc();
    from.contains(&addr).then(|| {
        let offset = u32::from(addr) - u32::from(from.network());
        Ipv4Addr::from(u32::from(to.trunc().network()).wrapping_add(offset))
    })
}

/// A prefix moved from one space to the same place in another of the same size.
pub(crate) fn translate_prefix(prefix: Ipv4Net, from: Ipv4Net, to: Ipv4Net) -> Option<Ipv4Net> {
    let network = translate(prefix.network(), from, to)?;
    Ipv4Net::new(network, prefix.prefix_len()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::Builder;

    fn design() -> (Design, Id) {
        let mut b = Builder::new("t");
        let r = b.region("westeurope");
        let v = b.vnet(r, "a", &["10.0.0.0/16"]);
        let s = b.subnet(v, "s", "10.0.1.0/29");
        b.nva(s, "n", "10.0.1.4");
        b.site(
            "dc",
            &["192.168.0.0/24"],
            Some("203.0.113.1"),
            Default::default(),
        );
        (b.finish(), s)
    }

    #[test]
    fn new_spaces_avoid_vnets_and_sites() {
        let (d, _) = design();
        assert_eq!(vnet_space(&d, 16, &[]).unwrap(), net("10.1.0.0/16"));
        assert_eq!(
            vnet_space(&d, 16, &[net("10.1.0.0/16")]).unwrap(),
            net("10.2.0.0/16")
        );
        assert_eq!(site_prefix(&d).unwrap(), net("192.168.1.0/24"));
        assert_eq!(vpn_device_ip(&d), Some(Ipv4Addr::new(203, 0, 113, 2)));
        let (a, b) = peering_pair(&d).unwrap();
        assert_eq!((a, b), (net("172.31.0.0/30"), net("172.31.0.4/30")));
    }

    #[test]
    fn free_addresses_skip_reserved_and_used_ones_until_none_is_left() {
        let (mut d, s) = design();
        assert_eq!(free_ip(&d, s).unwrap(), Ipv4Addr::new(10, 0, 1, 5));
        d.nvas[0].private_ip = Some(Ipv4Addr::new(10, 0, 1, 5));
        assert_eq!(free_ip(&d, s).unwrap(), Ipv4Addr::new(10, 0, 1, 4));
        let mut full = d.nvas[0].clone();
        full.id = d.next_id();
        full.private_ip = Some(Ipv4Addr::new(10, 0, 1, 4));
        d.nvas.push(full.clone());
        full.id = d.next_id();
        full.private_ip = Some(Ipv4Addr::new(10, 0, 1, 6));
        d.nvas.push(full);
        let err = free_ip(&d, s).unwrap_err();
        assert!(err.0.contains("no free address"), "{err}");
    }

    #[test]
    fn a_full_vnet_has_no_room_for_a_subnet() {
        let (d, _) = design();
        let mut v = d.vnets[0].clone();
        assert_eq!(subnet_prefix(&v, &[24]).unwrap(), net("10.0.0.0/24"));
        v.address_space = vec![net("10.0.1.0/29")];
        assert!(subnet_prefix(&v, &[24, 29]).is_err());
    }

    #[test]
    fn exhausted_pools_are_refused_with_the_range() {
        let (mut d, _) = design();
        d.vnets[0].address_space = vec![net("10.0.0.0/8"), net("172.16.0.0/12")];
        let err = vnet_space(&d, 16, &[]).unwrap_err();
        assert_eq!(
            err.0,
            "No free /16 is left in 10.0.0.0/8 or 172.16.0.0/12 for a new VNet."
        );
        d.sites[0].prefixes = vec![net("192.168.0.0/16")];
        assert_eq!(
            site_prefix(&d).unwrap_err().0,
            "No free /24 is left in 192.168.0.0/16 for a new site."
        );
    }

    #[test]
    fn translation_keeps_the_offset() {
        let ip = translate(
            Ipv4Addr::new(10, 0, 1, 4),
            net("10.0.0.0/16"),
            net("10.7.0.0/16"),
        );
        assert_eq!(ip, Some(Ipv4Addr::new(10, 7, 1, 4)));
        assert_eq!(
            translate_prefix(net("10.0.3.0/24"), net("10.0.0.0/16"), net("10.9.0.0/16")),
            Some(net("10.9.3.0/24"))
        );
        assert_eq!(
            translate(
                Ipv4Addr::new(11, 0, 0, 1),
                net("10.0.0.0/16"),
                net("10.7.0.0/16")
            ),
            None
        );
    }
}
