//! The design document: versioned JSON, the one format for files, the CLI and (compressed) links.
//!
//! ```json
//! { "format": "hsm-network-studio", "version": 1, "design": { "name": "…", "vnets": [ … ] } }
//! ```
//!
//! Loading never panics. It refuses, with the path and the value at fault:
//! malformed JSON, unknown fields, bad prefixes and addresses, a foreign format or a newer
//! version, duplicate ids, references to elements that do not exist or are of the wrong kind,
//! and inputs over the size caps. See `docs/format.md` for the field-by-field description.

use crate::hashing::HashSetExt;
use crate::model::{ConnectionKind, Design, Id, Index, Kind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `format` value of every design document.
pub const FORMAT: &str = "hsm-network-studio";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;
/// Largest document accepted, in bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Most elements a design may hold, counting the items inside them that the work on a design
/// grows with (see [`crate::model::Design::size`]).
pub const MAX_ELEMENTS: usize = 100_000;

/// Why a document could not be loaded: where, and what was wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// A path such as `vnets[2].subnets[0].prefix`; empty for the document as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() || self.path == "." {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            path: path.into(),
            message: message.into(),
        }
    }
}

#[derive(Serialize)]
struct EnvelopeOut<'a> {
    format: &'static str,
    version: u32,
    design: &'a Design,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvelopeIn {
    format: String,
    version: u32,
    design: Design,
}

/// Only the header, read first so that a newer version is reported as such rather than as
/// whatever field it changed.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<serde_json::Value>,
}

/// Writes a design as a pretty-printed document. The same design always gives the same bytes.
pub fn to_json(design: &Design) -> String {
    let envelope = EnvelopeOut {
        format: FORMAT,
        version: VERSION,
        design,
    };
    // Serialising plain data to a String cannot fail.
    let mut text = serde_json::to_string_pretty(&envelope).expect("designs serialise");
    text.push('\n');
    text
}

/// A design whose document would be larger than [`MAX_BYTES`] even without whitespace, so that
/// [`load`] would refuse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge {
    /// The length of the compact document.
    pub bytes: usize,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the document would be {} bytes, over the limit of {MAX_BYTES} that loading accepts",
            self.bytes
        )
    }
}

impl std::error::Error for TooLarge {}

/// Writes a design as a document that [`load`] reads back: pretty-printed, as [`to_json`] writes
/// it, when that fits in [`MAX_BYTES`]; else compact (no whitespace, the same design); refused
/// when even that is over the limit. Use it wherever a document is saved for loading later.
pub fn to_document(design: &Design) -> Result<String, TooLarge> {
    let pretty = to_json(design);
    if pretty.len() <= MAX_BYTES {
        return Ok(pretty);
    }
    let envelope = EnvelopeOut {
        format: FORMAT,
        version: VERSION,
        design,
    };
    let mut compact = serde_json::to_string(&envelope).expect("designs serialise");
    compact.push('\n');
    if compact.len() <= MAX_BYTES {
        Ok(compact)
    } else {
        Err(TooLarge {
            bytes: compact.len(),
        })
    }
}

/// Reads a design document. [`read`], then, when it refuses a field, [`Unlocated::locate`].
pub fn load(text: &str) -> Result<Design, LoadError> {
    read(text).map_err(ReadError::located)
}

/// Why [`read`] refused a document: an error `E` whose place it knows, or a field it has still to
/// find. `E` is a [`LoadError`], or the error of a layer around the document (a share link's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError<E = LoadError> {
    /// Refused with its place known: the size, the header, the design's integrity, or the
    /// layer around the document.
    Located(E),
    /// A field of the envelope could not be read; [`Unlocated::locate`] names it.
    Unlocated(Unlocated),
}

impl<E: From<LoadError>> ReadError<E> {
    /// The error with its place: for an [`Unlocated`] one, the document is read again to find
    /// the field.
    pub fn located(self) -> E {
        match self {
            ReadError::Located(e) => e,
            ReadError::Unlocated(unlocated) => unlocated.locate().into(),
        }
    }
}

/// A document whose envelope plain reading refused, kept so that [`Unlocated::locate`] can read
/// it again to name the field and the value. Two steps, so that a program can read documents
/// without carrying the path-tracking reader (the page loads it from a lazy chunk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unlocated {
    text: String,
    /// Plain reading's message, for the document as a whole should the second reading not
    /// fail (it reads the same text with the same deserializer, so it always does).
    message: String,
}

impl Unlocated {
    fn new(text: String, error: &serde_json::Error) -> Self {
        Unlocated {
            text,
            message: error.to_string(),
        }
    }

    /// The refusal with the path of the field at fault (`design.vnets[2].subnets[0].prefix`),
    /// from the path-tracking reader.
    pub fn locate(&self) -> LoadError {
        let de = &mut serde_json::Deserializer::from_str(&self.text);
        match serde_path_to_error::deserialize::<_, EnvelopeIn>(de) {
            Err(e) => LoadError::new(path_text(e.path()), e.into_inner().to_string()),
            Ok(_) => LoadError::new("", self.message.clone()),
        }
    }
}

/// Reads a design document with plain serde_json: what [`load`] does, except that a field of
/// the envelope that cannot be read is refused as [`ReadError::Unlocated`], without its path.
pub fn read(text: &str) -> Result<Design, ReadError> {
    if text.len() > MAX_BYTES {
        return Err(ReadError::Located(LoadError::new(
            "",
            format!(
                "the document is {} bytes; the limit is {MAX_BYTES}",
                text.len()
            ),
        )));
    }
    check_header(text).map_err(ReadError::Located)?;
    let envelope: EnvelopeIn = serde_json::from_str(text)
        .map_err(|e| ReadError::Unlocated(Unlocated::new(text.to_string(), &e)))?;
    debug_assert_eq!(envelope.format, FORMAT);
    debug_assert_eq!(envelope.version, VERSION);
    let design = envelope.design;
    check_integrity(&design).map_err(|e| {
        // A problem of the design as a whole has no path of its own.
        let path = if e.path.is_empty() {
            "design".to_string()
        } else {
            format!("design.{}", e.path)
        };
        ReadError::Located(LoadError::new(path, e.message))
    })?;
    Ok(design)
}

/// Refuses a document of another format or version, read first so that a newer version is
/// reported as such rather than as whatever field it changed.
fn check_header(text: &str) -> Result<(), LoadError> {
    let header: Header =
        serde_json::from_str(text).map_err(|e| LoadError::new("", e.to_string()))?;
    match header.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(LoadError::new(
                "format",
                format!("{other:?} is not a design document (expected {FORMAT:?})"),
            ))
        }
        None => {
            return Err(LoadError::new(
                "format",
                format!("missing; a design document starts with \"format\": {FORMAT:?}"),
            ))
        }
    }
    match header.version {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(VERSION as u64) => Ok(()),
        Some(serde_json::Value::Number(n)) if n.as_u64().is_some_and(|v| v > VERSION as u64) => {
            Err(LoadError::new(
                "version",
                format!("{n} is newer than this tool reads (up to {VERSION})"),
            ))
        }
        // A whole number past u64 (`99999999999999999999`, `1e300`) reads as a float: it is
        // still a newer version, and its float spelling would only confuse.
        Some(serde_json::Value::Number(n))
            if n.as_f64()
                .is_some_and(|v| v > VERSION as f64 && v.fract() == 0.0) =>
        {
            Err(LoadError::new(
                "version",
                format!("the number is newer than this tool reads (up to {VERSION})"),
            ))
        }
        Some(other) => Err(LoadError::new(
            "version",
            format!("{other} is not a known version (expected {VERSION})"),
        )),
        None => Err(LoadError::new("version", "missing")),
    }
}

/// The probes of a load balancer, for a message.
fn probe_names(lb: &crate::model::LoadBalancer) -> String {
    if lb.probes.is_empty() {
        return "it has none".to_string();
    }
    let names: Vec<String> = lb.probes.iter().map(|p| format!("{:?}", p.name)).collect();
    format!("its probes: {}", names.join(", "))
}

/// A path into the document as users read it: `design.vnets[2].subnets[0].prefix`. A key that
/// is not a plain word (an empty or misspelt one with spaces, quotes or control characters) is
/// written quoted in brackets, `design[""]`, so the path never ends in a bare dot.
fn path_text(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    out.push_str(&format!("[{key:?}]"));
                }
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

/// A broken reference or a duplicate id: a design the rest of the core must never see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrityError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The design as a whole (its size) has an empty path: the message alone then.
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Checks that ids are unique, that every reference names an element of the right kind, and
/// that the design is within the size caps. Loading and every edit go through it.
pub fn check_integrity(design: &Design) -> Result<(), IntegrityError> {
    let count = design.size();
    if count > MAX_ELEMENTS {
        return Err(IntegrityError {
            path: String::new(),
            message: format!(
                "the design has {count} elements and items inside them (address prefixes, \
                 routes, rules); the limit is {MAX_ELEMENTS}"
            ),
        });
    }
    let index = Index::new(design);
    if let Some(dup) = index.duplicates().first() {
        return Err(IntegrityError {
            path: "ids".into(),
            message: format!("id {} is used by more than one element", dup.0),
        });
    }
    let expect = |path: String, id: Id, kind: Kind| -> Result<(), IntegrityError> {
        match index.kind(id) {
            Some(k) if k == kind => Ok(()),
            Some(k) => Err(IntegrityError {
                path,
                message: format!("{} names a {}, not a {}", id.0, k.label(), kind.label()),
            }),
            None => Err(IntegrityError {
                path,
                message: format!("{} names no element (expected a {})", id.0, kind.label()),
            }),
        }
    };

    for (i, v) in design.vnets.iter().enumerate() {
        expect(format!("vnets[{i}].region"), v.region, Kind::Region)?;
        for (j, s) in v.subnets.iter().enumerate() {
            if let Some(nsg) = s.nsg {
                expect(format!("vnets[{i}].subnets[{j}].nsg"), nsg, Kind::Nsg)?;
            }
            if let Some(rt) = s.route_table {
                expect(
                    format!("vnets[{i}].subnets[{j}].route_table"),
                    rt,
                    Kind::RouteTable,
                )?;
            }
        }
    }
    macro_rules! in_subnet {
        ($field:ident) => {
            for (i, e) in design.$field.iter().enumerate() {
                expect(
                    format!("{}[{i}].subnet", stringify!($field)),
                    e.subnet,
                    Kind::Subnet,
                )?;
            }
        };
    }
    in_subnet!(hsms);
    for (i, h) in design.hsms.iter().enumerate() {
        if let Some(subnet) = h.management_subnet {
            expect(format!("hsms[{i}].management_subnet"), subnet, Kind::Subnet)?;
        }
    }
    in_subnet!(gateways);
    in_subnet!(nvas);
    in_subnet!(load_balancers);
    in_subnet!(firewalls);
    in_subnet!(private_endpoints);
    for (i, c) in design.cloud_hsm_clusters.iter().enumerate() {
        expect(
            format!("cloud_hsm_clusters[{i}].region"),
            c.region,
            Kind::Region,
        )?;
    }
    for (i, e) in design.private_endpoints.iter().enumerate() {
        expect(
            format!("private_endpoints[{i}].target"),
            e.target,
            Kind::CloudHsmCluster,
        )?;
    }
    for (i, zone) in design.private_dns_zones.iter().enumerate() {
        let lists = [
            ("records", &zone.records, Kind::PrivateEndpoint),
            ("vnet_links", &zone.vnet_links, Kind::Vnet),
        ];
        for (field, list, kind) in lists {
            let mut seen = crate::hashing::HashSet::with_capacity(list.len());
            for (j, id) in list.iter().enumerate() {
                let path = format!("private_dns_zones[{i}].{field}[{j}]");
                expect(path.clone(), *id, kind)?;
                if !seen.insert(*id) {
                    return Err(IntegrityError {
                        path,
                        message: format!("{} is listed twice", id.0),
                    });
                }
            }
        }
    }
    for (i, id) in design.retirable.iter().enumerate() {
        if index.kind(*id).is_none() {
            return Err(IntegrityError {
                path: format!("retirable[{i}]"),
                message: format!("{} names no element", id.0),
            });
        }
    }
    for (i, lb) in design.load_balancers.iter().enumerate() {
        for (j, b) in lb.backends.iter().enumerate() {
            expect(format!("load_balancers[{i}].backends[{j}]"), *b, Kind::Nva)?;
        }
        for (j, rule) in lb.rules.iter().enumerate() {
            if let Some(probe) = &rule.probe {
                if !lb.probes.iter().any(|p| &p.name == probe) {
                    return Err(IntegrityError {
                        path: format!("load_balancers[{i}].rules[{j}].probe"),
                        message: format!(
                            "{probe:?} names no probe of this load balancer ({})",
                            probe_names(lb)
                        ),
                    });
                }
            }
        }
    }
    for (i, c) in design.circuits.iter().enumerate() {
        expect(format!("circuits[{i}].site"), c.site, Kind::Site)?;
    }
    for (i, p) in design.peerings.iter().enumerate() {
        expect(format!("peerings[{i}].a"), p.a, Kind::Vnet)?;
        expect(format!("peerings[{i}].b"), p.b, Kind::Vnet)?;
        if p.a == p.b {
            return Err(IntegrityError {
                path: format!("peerings[{i}].b"),
                message: "a VNet cannot be peered with itself".into(),
            });
        }
    }
    for (i, c) in design.connections.iter().enumerate() {
        let at = |field: &str| format!("connections[{i}].kind.{field}");
        if c.fastpath && !matches!(c.kind, ConnectionKind::ExpressRoute { .. }) {
            return Err(IntegrityError {
                path: format!("connections[{i}].fastpath"),
                message: format!(
                    "FastPath is a setting of ExpressRoute connections, not of a {}",
                    c.kind.label()
                ),
            });
        }
        match c.kind {
            ConnectionKind::SiteToSite { gateway, site }
            | ConnectionKind::PointToSite { gateway, site } => {
                expect(at("gateway"), gateway, Kind::Gateway)?;
                expect(at("site"), site, Kind::Site)?;
            }
            ConnectionKind::VnetToVnet { a, b } => {
                expect(at("a"), a, Kind::Gateway)?;
                expect(at("b"), b, Kind::Gateway)?;
                if a == b {
                    return Err(IntegrityError {
                        path: at("b"),
                        message: "a gateway cannot connect to itself".into(),
                    });
                }
            }
            ConnectionKind::ExpressRoute { gateway, circuit } => {
                expect(at("gateway"), gateway, Kind::Gateway)?;
                expect(at("circuit"), circuit, Kind::Circuit)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(design: &str) -> String {
        format!(r#"{{"format":"hsm-network-studio","version":1,"design":{design}}}"#)
    }

    const ONE_VNET: &str = r#"{"name":"t","regions":[{"id":1,"name":"West Europe","location":"westeurope"}],
        "vnets":[{"id":2,"name":"hsm-vnet","region":1,"address_space":["10.0.0.0/16"],
        "subnets":[{"id":3,"name":"hsm","prefix":"10.0.0.0/33"}]}]}"#;

    #[test]
    fn a_bad_prefix_is_reported_with_its_path_and_value() {
        let err = load(&doc(ONE_VNET)).unwrap_err();
        assert_eq!(err.path, "design.vnets[0].subnets[0].prefix");
        assert!(
            err.message
                .contains("\"10.0.0.0/33\" is not an IPv4 prefix"),
            "{err}"
        );
    }

    #[test]
    fn a_good_document_is_read_on_the_fast_path() {
        let text = doc(&ONE_VNET.replace("/33", "/24"));
        let design = read(&text).unwrap();
        assert_eq!(design.vnets[0].subnets.len(), 1);
        assert_eq!(load(&text), Ok(design));
    }

    #[test]
    fn a_bad_field_is_left_to_locate_and_located_as_load_names_it() {
        let expected = LoadError {
            path: "design.vnets[0].subnets[0].prefix".into(),
            message: "\"10.0.0.0/33\" is not an IPv4 prefix (like 10.0.0.0/24) \
                      at line 3 column 62"
                .into(),
        };
        let text = doc(ONE_VNET);
        let Err(ReadError::Unlocated(unlocated)) = read(&text) else {
            panic!("{:?}", read(&text));
        };
        assert_eq!(unlocated.locate(), expected);
        assert_eq!(load(&text), Err(expected));

        let unknown = doc(r#"{"name":"t","vnetz":[]}"#);
        let Err(ReadError::Unlocated(unlocated)) = read(&unknown) else {
            panic!("{:?}", read(&unknown));
        };
        let located = unlocated.locate();
        assert_eq!(located.path, "design.vnetz");
        assert_eq!(load(&unknown), Err(located));
    }

    #[test]
    fn errors_whose_place_is_known_are_located_on_the_fast_path() {
        let dangling = doc(&ONE_VNET
            .replace("/33", "/24")
            .replace("\"region\":1", "\"region\":9"));
        let newer = r#"{"format":"hsm-network-studio","version":2,"design":{}}"#;
        for text in [dangling.as_str(), newer, "{}", "[", ""] {
            match read(text) {
                Err(ReadError::Located(e)) => assert_eq!(load(text), Err(e), "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_valid_document_round_trips_byte_for_byte() {
        let text = doc(&ONE_VNET.replace("/33", "/24"));
        let design = load(&text).unwrap();
        let written = to_json(&design);
        assert_eq!(load(&written).unwrap(), design);
        assert_eq!(to_json(&load(&written).unwrap()), written);
    }

    #[test]
    fn dangling_and_mistyped_references_are_refused() {
        let text = doc(&ONE_VNET
            .replace("/33", "/24")
            .replace("\"region\":1", "\"region\":9"));
        let err = load(&text).unwrap_err();
        assert_eq!(err.path, "design.vnets[0].region");
        assert!(err.message.contains("9 names no element"), "{err}");

        let text = doc(&ONE_VNET
            .replace("/33", "/24")
            .replace("\"region\":1", "\"region\":3"));
        let err = load(&text).unwrap_err();
        assert!(
            err.message.contains("names a subnet, not a region"),
            "{err}"
        );
    }

    /// A payShield HSM in subnet 3 of VNet 2 with its management NIC in subnet 5 of VNet 4.
    const PAYMENT: &str = r#"{"name":"p","regions":[{"id":1,"name":"West Europe","location":"westeurope"}],
        "vnets":[{"id":2,"name":"host","region":1,"address_space":["10.0.0.0/16"],
        "subnets":[{"id":3,"name":"hsm","prefix":"10.0.0.0/24"}],"tags":{"fastpathenabled":"True"}},
        {"id":4,"name":"mgmt","region":1,"address_space":["10.1.0.0/16"],
        "subnets":[{"id":5,"name":"mgmt","prefix":"10.1.0.0/24"}]}],
        "hsms":[{"id":6,"name":"phsm","subnet":3,"sku":"payShield10K_LMK1_CPS60","stamp":"stamp1",
        "private_ip":"10.0.0.5","more_host_ips":["10.0.0.6"],"management_subnet":5,
        "management_ip":"10.1.0.6","host_port":1501}]}"#;

    #[test]
    fn payment_hsm_settings_and_tags_round_trip_as_written() {
        let design = load(&doc(PAYMENT)).unwrap();
        let hsm = &design.hsms[0];
        assert_eq!(
            hsm.more_host_ips,
            vec!["10.0.0.6".parse::<std::net::Ipv4Addr>().unwrap()]
        );
        assert_eq!(hsm.management_subnet(), Some(Id(5)));
        assert_eq!(hsm.host_port, 1501);
        assert_eq!(design.vnets[0].tag("FastPathEnabled"), Some("True"));
        let written = to_json(&design);
        assert!(
            written.contains(r#""fastpathenabled": "True""#),
            "{written}"
        );
        assert_eq!(load(&written).unwrap(), design);
    }

    #[test]
    fn new_settings_at_their_defaults_are_not_written() {
        let design = load(&doc(&ONE_VNET.replace("/33", "/24"))).unwrap();
        let written = to_json(&design);
        for key in [
            "tags",
            "more_host_ips",
            "management_subnet",
            "host_port",
            "active_active",
            "fastpath",
        ] {
            assert!(!written.contains(key), "{key} written at its default");
        }
    }

    #[test]
    fn gateway_and_connection_settings_are_omitted_at_their_defaults_and_kept_otherwise() {
        use crate::model::PublicIpSku;
        let mut design =
            crate::presets::build("hub-nva-proxy", &crate::presets::Size::default()).unwrap();
        assert!(!design.gateways.is_empty() && !design.connections.is_empty());
        let written = to_json(&design);
        for key in ["public_ip_sku", "active_active", "fastpath"] {
            assert!(!written.contains(key), "{key} written at its default");
        }
        // An older document, without the new keys, loads with the defaults.
        assert_eq!(load(&written).unwrap(), design);
        design.gateways[0].public_ip_sku = PublicIpSku::Basic;
        let written = to_json(&design);
        assert!(written.contains(r#""public_ip_sku": "Basic""#), "{written}");
        assert_eq!(load(&written).unwrap(), design);
    }

    #[test]
    fn a_management_subnet_must_name_a_subnet() {
        let err = load(&doc(
            &PAYMENT.replace(r#""management_subnet":5"#, r#""management_subnet":4"#)
        ))
        .unwrap_err();
        assert_eq!(err.path, "design.hsms[0].management_subnet");
        assert!(err.message.contains("names a VNet, not a subnet"), "{err}");
        let err = load(&doc(
            &PAYMENT.replace(r#""management_subnet":5"#, r#""management_subnet":77"#)
        ))
        .unwrap_err();
        assert!(err.message.contains("77 names no element"), "{err}");
    }

    #[test]
    fn fastpath_only_on_expressroute_connections() {
        let design =
            crate::presets::build("single-vnet", &crate::presets::Size::default()).unwrap();
        let mut broken = design.clone();
        let Some(c) = broken
            .connections
            .iter_mut()
            .find(|c| !matches!(c.kind, ConnectionKind::ExpressRoute { .. }))
        else {
            panic!("single-vnet has a VPN connection");
        };
        c.fastpath = true;
        let err = load(&to_json(&broken)).unwrap_err();
        assert!(err.path.ends_with(".fastpath"), "{err}");
        assert!(err.message.contains("ExpressRoute connections"), "{err}");
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let text = doc(&ONE_VNET
            .replace("/33", "/24")
            .replace("\"id\":3", "\"id\":2"));
        assert!(load(&text).unwrap_err().message.contains("id 2 is used"));
    }

    #[test]
    fn foreign_newer_and_malformed_documents_are_refused_without_panicking() {
        assert_eq!(load("{}").unwrap_err().path, "format");
        let newer = r#"{"format":"hsm-network-studio","version":2,"design":{}}"#;
        assert!(load(newer).unwrap_err().message.contains("newer"));
        let other = r#"{"format":"excalidraw","version":1}"#;
        assert!(load(other)
            .unwrap_err()
            .message
            .contains("not a design document"));
        for junk in [
            "",
            "[",
            "null",
            "\"x\"",
            "{\"format\":",
            "\u{0}",
            "{\"format\":7}",
        ] {
            assert!(load(junk).is_err(), "{junk:?}");
        }
        let unknown = doc(r#"{"name":"t","vnetz":[]}"#);
        let err = load(&unknown).unwrap_err();
        assert!(err.message.contains("unknown field `vnetz`"), "{err}");
    }

    #[test]
    fn oversized_documents_are_refused_before_parsing() {
        let big = " ".repeat(MAX_BYTES + 1);
        assert!(load(&big).unwrap_err().message.contains("limit"));
    }

    /// Every object of a document that uses every kind of element, with one field more.
    fn every_object_path(
        value: &serde_json::Value,
        at: &mut Vec<String>,
        out: &mut Vec<Vec<String>>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                out.push(at.clone());
                for (k, v) in map {
                    at.push(k.clone());
                    every_object_path(v, at, out);
                    at.pop();
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    at.push(i.to_string());
                    every_object_path(v, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }

    fn object_at<'a>(
        value: &'a mut serde_json::Value,
        path: &[String],
    ) -> &'a mut serde_json::Map<String, serde_json::Value> {
        let mut v = value;
        for key in path {
            v = match v {
                serde_json::Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
                other => &mut other[key.as_str()],
            };
        }
        v.as_object_mut().unwrap()
    }

    #[test]
    fn an_unknown_field_is_refused_in_every_object_of_every_preset() {
        use crate::presets::{self, Size};
        let mut seen = std::collections::BTreeSet::new();
        for p in presets::ALL {
            let design = presets::build(p.name, &Size::default()).unwrap();
            let doc: serde_json::Value = serde_json::from_str(&to_json(&design)).unwrap();
            let mut paths = Vec::new();
            every_object_path(&doc, &mut Vec::new(), &mut paths);
            for path in paths {
                let mut bad = doc.clone();
                object_at(&mut bad, &path).insert("zz_extra".into(), 1.into());
                let text = bad.to_string();
                // Refused on the fast path too, for the path-tracking reader to name.
                assert!(
                    matches!(read(&text), Err(ReadError::Unlocated(_))),
                    "{}",
                    path.join(".")
                );
                let err = load(&text).expect_err(&path.join("."));
                // A connection's `kind` holds one key, its variant: a second one is refused
                // before its name is read.
                if path.last().is_some_and(|k| k != "kind") {
                    assert!(
                        err.to_string().contains("zz_extra"),
                        "{}: {err}",
                        path.join(".")
                    );
                }
                // Which kinds of object were covered: the keys with indices left out.
                let shape: Vec<&str> = path
                    .iter()
                    .filter(|k| k.parse::<usize>().is_err())
                    .map(String::as_str)
                    .collect();
                seen.insert(shape.join("."));
            }
        }
        for shape in [
            "design.regions.layout",
            "design.vnets.layout",
            "design.vnets.subnets.layout",
            "design.hsms.layout",
            "design.load_balancers.rules",
            "design.load_balancers.probes",
            "design.firewalls.rules",
            "design.route_tables.routes",
            "design.nsgs.rules",
            "design.sites.roles",
            "design.circuits.private_peering",
            "design.peerings.a_to_b",
            "design.connections.kind.site_to_site",
        ] {
            assert!(seen.contains(shape), "{shape} not covered: {seen:?}");
        }
    }

    #[test]
    fn a_layout_with_a_stray_number_is_refused() {
        let good = ONE_VNET.replace("/33", "/24");
        let point = doc(&good.replace(
            r#""location":"westeurope"}"#,
            r#""location":"westeurope","layout":{"x":1,"y":2,"w":3,"h":4,"z":5}}"#,
        ));
        let err = load(&point).unwrap_err();
        assert_eq!(err.path, "design.regions[0].layout.z", "{err}");
        assert!(err.message.contains("unknown field `z`"), "{err}");

        let hsm = doc(&good.replace(
            "}]}]}",
            r#"}]}],"hsms":[{"id":9,"name":"hsm1","subnet":3,"sku":"x","stamp":"stamp1",
                "layout":{"x":1,"y":2,"width":30}}]}"#,
        ));
        let err = load(&hsm).unwrap_err();
        assert_eq!(err.path, "design.hsms[0].layout.width", "{err}");
        assert!(err.message.contains("unknown field `width`"), "{err}");
    }

    fn with_balancer(rule_probe: &str, probes: &str) -> String {
        doc(&ONE_VNET.replace("/33", "/24").replace(
            "}]}]}",
            &format!(
                r#"}}]}}],"load_balancers":[{{"id":9,"name":"ilb","subnet":3,"sku":"Standard",
                "rules":[{{"name":"r","protocol":"Tcp","frontend_port":1792,"backend_port":1792,
                "probe":{rule_probe}}}],"probes":{probes}}}]}}"#
            ),
        ))
    }

    #[test]
    fn a_balancer_rule_naming_a_missing_probe_is_refused() {
        let ok = with_balancer(r#""p""#, r#"[{"name":"p","protocol":"Tcp","port":1792}]"#);
        load(&ok).unwrap();
        let err = load(&with_balancer(
            r#""nope""#,
            r#"[{"name":"p","protocol":"Tcp","port":1792}]"#,
        ))
        .unwrap_err();
        assert_eq!(err.path, "design.load_balancers[0].rules[0].probe");
        assert_eq!(
            err.to_string(),
            r#"design.load_balancers[0].rules[0].probe: "nope" names no probe of this load balancer (its probes: "p")"#
        );
        let err = load(&with_balancer(r#""p""#, "[]")).unwrap_err();
        assert!(err.message.ends_with("(it has none)"), "{err}");
    }

    #[test]
    fn no_path_ends_in_a_bare_dot() {
        let empty_key = doc(r#"{"name":"t","":1}"#);
        let err = load(&empty_key).unwrap_err();
        assert_eq!(err.path, r#"design[""]"#, "{err}");
        assert!(!err.to_string().contains(".:"), "{err}");

        let odd_key = doc(r#"{"name":"t","v nets\u001b":1}"#);
        let err = load(&odd_key).unwrap_err();
        assert_eq!(err.path, r#"design["v nets\u{1b}"]"#, "{err}");

        // The design as a whole (too many elements) has the path `design`, not `design.`.
        let regions: Vec<String> = (0..=MAX_ELEMENTS)
            .map(|i| format!(r#"{{"id":{i},"name":"r","location":"l"}}"#))
            .collect();
        let big = doc(&format!(
            r#"{{"name":"t","regions":[{}]}}"#,
            regions.join(",")
        ));
        let err = load(&big).unwrap_err();
        assert_eq!(err.path, "design", "{err}");
        assert!(err.to_string().starts_with("design: "), "{err}");

        let whole = IntegrityError {
            path: String::new(),
            message: "too big".into(),
        };
        assert_eq!(whole.to_string(), "too big");

        // The document as a whole: the message alone.
        let err = load(r#"{"format":"hsm-network-studio","version":1}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing field `design` at line 1 column 43"
        );
    }

    #[test]
    fn a_huge_version_is_newer_not_a_float() {
        let with = |v: &str| {
            load(&format!(
                r#"{{"format":"hsm-network-studio","version":{v},"design":{{}}}}"#
            ))
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            with("2"),
            "version: 2 is newer than this tool reads (up to 1)"
        );
        for huge in ["1e300", "99999999999999999999", "18446744073709551616"] {
            let message = with(huge);
            assert_eq!(
                message, "version: the number is newer than this tool reads (up to 1)",
                "{huge}"
            );
        }
        assert!(with("-1").contains("is not a known version"));
        assert!(with("2.5").contains("is not a known version"));
        assert!(with("\"1\"").contains("is not a known version"));
    }

    #[test]
    fn a_document_too_large_pretty_is_written_compact() {
        let mut design = load(&doc(&ONE_VNET.replace("/33", "/24"))).unwrap();
        assert_eq!(to_document(&design).unwrap(), to_json(&design));
        design.description = "x".into();
        let envelope = EnvelopeOut {
            format: FORMAT,
            version: VERSION,
            design: &design,
        };
        let compact = serde_json::to_string(&envelope).unwrap().len() + 1;
        // A description that takes the compact document to the limit exactly.
        design.description = "x".repeat(MAX_BYTES - compact + 1);
        assert!(to_json(&design).len() > MAX_BYTES);
        let written = to_document(&design).unwrap();
        assert_eq!(written.len(), MAX_BYTES);
        assert_eq!(load(&written).unwrap(), design);
        design.description.push('x');
        assert_eq!(
            to_document(&design).unwrap_err(),
            TooLarge {
                bytes: MAX_BYTES + 1
            }
        );
    }
}
