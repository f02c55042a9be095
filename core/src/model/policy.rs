//! Route tables and network security groups: the policies attached to subnets.

use super::layout::Point;
use super::serde_ip;
use super::Id;
use ipnet::Ipv4Net;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// A route table (user-defined routes) that subnets may be associated with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Azure's "propagate gateway routes"; off means BGP routes are not propagated.
    #[serde(default = "yes")]
    pub bgp_propagation: bool,
    #[serde(default)]
    pub layout: Point,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub name: String,
    #[serde(with = "serde_ip::prefix")]
    pub prefix: Ipv4Net,
    pub next_hop: NextHop,
    /// Required when the next hop is a virtual appliance.
    #[serde(
        with = "serde_ip::opt_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_hop_ip: Option<Ipv4Addr>,
}

/// Azure's route next-hop types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextHop {
    VirtualAppliance,
    VirtualNetworkGateway,
    VnetLocal,
    Internet,
    None,
}

/// A network security group with its rules (Azure adds its default rules after them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nsg {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub rules: Vec<NsgRule>,
    #[serde(default)]
    pub layout: Point,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NsgRule {
    pub name: String,
    /// 100 to 4096; lower numbers are evaluated first.
    pub priority: u16,
    pub direction: Direction,
    pub access: Access,
    pub protocol: Protocol,
    pub source: AddressMatch,
    pub destination: AddressMatch,
    pub destination_ports: PortRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Inbound,
    Outbound,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    Allow,
    Deny,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    Any,
}

impl Protocol {
    /// Whether a rule for `self` applies to traffic using `protocol`.
    pub fn covers(self, protocol: Protocol) -> bool {
        self == Protocol::Any || self == protocol
    }
}

/// An address in an NSG rule: any, a service tag, or a prefix. Written as Azure writes it:
/// `"*"`, `"VirtualNetwork"`, `"AzureLoadBalancer"`, `"Internet"`, or `"10.0.0.0/24"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressMatch {
    Any,
    VirtualNetwork,
    AzureLoadBalancer,
    Internet,
    Prefix(Ipv4Net),
}

impl fmt::Display for AddressMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressMatch::Any => f.write_str("*"),
            AddressMatch::VirtualNetwork => f.write_str("VirtualNetwork"),
            AddressMatch::AzureLoadBalancer => f.write_str("AzureLoadBalancer"),
            AddressMatch::Internet => f.write_str("Internet"),
            AddressMatch::Prefix(p) => write!(f, "{p}"),
        }
    }
}

impl FromStr for AddressMatch {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "*" | "Any" => AddressMatch::Any,
            "VirtualNetwork" => AddressMatch::VirtualNetwork,
            "AzureLoadBalancer" => AddressMatch::AzureLoadBalancer,
            "Internet" => AddressMatch::Internet,
            _ => {
                // A bare address means a /32, as in the portal.
                let prefix = s
                    .parse::<Ipv4Net>()
                    .or_else(|_| s.parse::<Ipv4Addr>().map(Ipv4Net::from))
                    .map_err(|_| {
                        format!(
                            "{s:?} is not an address match (\"*\", VirtualNetwork, \
                             AzureLoadBalancer, Internet, or an IPv4 prefix)"
                        )
                    })?;
                AddressMatch::Prefix(prefix)
            }
        })
    }
}

/// A port or port range, or any port: `"*"`, `"1792"`, `"1000-2000"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortRange {
    Any,
    Range(u16, u16),
}

impl PortRange {
    pub fn single(port: u16) -> Self {
        PortRange::Range(port, port)
    }

    pub fn contains(self, port: u16) -> bool {
        match self {
            PortRange::Any => true,
            PortRange::Range(lo, hi) => lo <= port && port <= hi,
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRange::Any => f.write_str("*"),
            PortRange::Range(lo, hi) if lo == hi => write!(f, "{lo}"),
            PortRange::Range(lo, hi) => write!(f, "{lo}-{hi}"),
        }
    }
}

impl FromStr for PortRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a port range (\"*\", \"1792\" or \"1000-2000\")");
        if s == "*" {
            return Ok(PortRange::Any);
        }
        let (lo, hi) = match s.split_once('-') {
            Some((lo, hi)) => (lo, hi),
            None => (s, s),
        };
        let lo: u16 = lo.trim().parse().map_err(|_| bad())?;
        let hi: u16 = hi.trim().parse().map_err(|_| bad())?;
        if lo == 0 || lo > hi {
            return Err(bad());
        }
        Ok(PortRange::Range(lo, hi))
    }
}

macro_rules! serde_via_string {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_via_string!(AddressMatch);
serde_via_string!(PortRange);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_parse_and_print_back() {
        for text in ["*", "1792", "1000-2000"] {
            assert_eq!(text.parse::<PortRange>().unwrap().to_string(), text);
        }
        assert!("0".parse::<PortRange>().is_err());
        assert!("20-10".parse::<PortRange>().is_err());
        assert!("http".parse::<PortRange>().is_err());
    }

    #[test]
    fn address_matches_accept_tags_prefixes_and_bare_addresses() {
        assert_eq!("*".parse::<AddressMatch>().unwrap(), AddressMatch::Any);
        assert_eq!(
            "10.0.0.4".parse::<AddressMatch>().unwrap().to_string(),
            "10.0.0.4/32"
        );
        assert!("10.0.0.0/33".parse::<AddressMatch>().is_err());
    }
}
