//! Serde adapters for IPv4 prefixes and addresses whose errors quote the bad value,
//! so that the loader can say `vnets[2].subnets[0].prefix: "10.0.0.0/33" is not an IPv4 prefix`.

use ipnet::Ipv4Net;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use std::fmt;
use std::net::Ipv4Addr;

fn parse_prefix<E: de::Error>(text: &str) -> Result<Ipv4Net, E> {
    text.parse()
        .map_err(|_| E::custom(format!("{text:?} is not an IPv4 prefix (like 10.0.0.0/24)")))
}

fn parse_addr<E: de::Error>(text: &str) -> Result<Ipv4Addr, E> {
    text.parse()
        .map_err(|_| E::custom(format!("{text:?} is not an IPv4 address (like 10.0.0.4)")))
}

struct PrefixVisitor;
impl<'de> Visitor<'de> for PrefixVisitor {
    type Value = Ipv4Net;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an IPv4 prefix such as \"10.0.0.0/24\"")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Ipv4Net, E> {
        parse_prefix(v)
    }
}

/// One prefix, written `"10.0.0.0/24"`.
pub mod prefix {
    use super::*;
    pub fn serialize<S: Serializer>(p: &Ipv4Net, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(p)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Ipv4Net, D::Error> {
        d.deserialize_str(PrefixVisitor)
    }
}

/// An optional prefix; absent or `null` is `None`.
pub mod opt_prefix {
    use super::*;
    pub fn serialize<S: Serializer>(p: &Option<Ipv4Net>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => s.collect_str(p),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Ipv4Net>, D::Error> {
        let text: Option<String> = serde::Deserialize::deserialize(d)?;
        text.map(|t| parse_prefix(&t)).transpose()
    }
}

/// A list of prefixes.
pub mod prefixes {
    use super::*;
    pub fn serialize<S: Serializer>(ps: &[Ipv4Net], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(ps.len()))?;
        for p in ps {
            seq.serialize_element(&p.to_string())?;
        }
        seq.end()
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Ipv4Net>, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = Vec<Ipv4Net>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of IPv4 prefixes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(text) = seq.next_element::<String>()? {
                    out.push(parse_prefix(&text)?);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(ListVisitor)
    }
}

/// An optional address; absent or `null` is `None`.
pub mod opt_addr {
    use super::*;
    pub fn serialize<S: Serializer>(a: &Option<Ipv4Addr>, s: S) -> Result<S::Ok, S::Error> {
        match a {
            Some(a) => s.collect_str(a),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Ipv4Addr>, D::Error> {
        let text: Option<String> = serde::Deserialize::deserialize(d)?;
        text.map(|t| parse_addr(&t)).transpose()
    }
}

/// A list of addresses.
pub mod addrs {
    use super::*;
    pub fn serialize<S: Serializer>(addrs: &[Ipv4Addr], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(addrs.len()))?;
        for a in addrs {
            seq.serialize_element(&a.to_string())?;
        }
        seq.end()
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Ipv4Addr>, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = Vec<Ipv4Addr>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of IPv4 addresses")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(text) = seq.next_element::<String>()? {
                    out.push(parse_addr(&text)?);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(ListVisitor)
    }
}
