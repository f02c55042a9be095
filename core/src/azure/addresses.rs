//! Addresses Azure gives a meaning to: the ones it reserves in every subnet, the source of its
//! health probes, the ranges a virtual network may not use and the private ranges it should.
//!
//! The arithmetic on top of these (usable addresses, free prefixes) is in `addressing`.

use std::net::Ipv4Addr;

/// Where the reserved addresses and the address ranges come from.
pub const SOURCE: &str = "virtual-network/virtual-networks-faq.md 'Are there any restrictions \
     on using IP addresses within these subnets?' (the network address, .1 for the default \
     gateway, .2 and .3 for Azure DNS, and the broadcast address) and 'What address ranges can \
     I use in my VNets?' (224.0.0.0/4, 255.255.255.255/32, 127.0.0.0/8, 169.254.0.0/16, \
     168.63.129.16/32 refused); virtual-network/what-is-ip-address-168-63-129-16.md (the \
     virtual public IP: DNS and health probes); RFC 1918; RFC 6598 (shared address space)";

/// Azure reserves the first addresses of every subnet: the network address, the default
/// gateway and two for Azure DNS. The first address a resource gets is the one after them.
pub const RESERVED_AT_START: u32 = 4;

/// Azure reserves the last address of every subnet (the broadcast address).
pub const RESERVED_AT_END: u32 = 1;

/// Addresses Azure reserves in every subnet: the first four and the last.
pub const RESERVED_PER_SUBNET: u64 = (RESERVED_AT_START + RESERVED_AT_END) as u64;

/// The address every Azure health probe comes from (the `AzureLoadBalancer` tag), also Azure's
/// DNS: the virtual public IP 168.63.129.16.
pub const PROBE_SOURCE: Ipv4Addr = Ipv4Addr::new(168, 63, 129, 16);

/// Ranges Azure refuses in a virtual network's address space, with what they are.
pub const REFUSED: [(Ipv4Addr, u8, &str); 5] = [
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(255, 255, 255, 255), 32, "broadcast"),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (Ipv4Addr::new(169, 254, 0, 0), 16, "link-local"),
    (
        PROBE_SOURCE,
        32,
        "Azure's virtual public IP (DNS, health probes)",
    ),
];

/// The private ranges of RFC 1918, which virtual networks should use.
pub const RFC1918: [(Ipv4Addr, u8); 3] = [
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
];

/// The shared address space of carrier-grade NAT (RFC 6598), which Azure accepts but some of
/// its platform services use.
pub const SHARED: (Ipv4Addr, u8) = (Ipv4Addr::new(100, 64, 0, 0), 10);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_addresses_are_reserved_and_the_probe_source_is_refused() {
        assert_eq!(RESERVED_PER_SUBNET, 5);
        assert!(REFUSED
            .iter()
            .any(|(a, l, _)| *a == PROBE_SOURCE && *l == 32));
        for (a, l) in RFC1918.iter().chain([&SHARED]) {
            assert_eq!(u32::from(*a) & !(u32::MAX >> l), u32::from(*a), "{a}/{l}");
        }
    }
}
