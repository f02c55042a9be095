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

use crate::model::{ConnectionKind, Design, Id, Index, Kind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `format` value of every design document.
pub const FORMAT: &str = "hsm-network-studio";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;
/// Largest document accepted, in bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Most elements (of all kinds) a design may hold.
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

/// Reads a design document.
pub fn load(text: &str) -> Result<Design, LoadError> {
    if text.len() > MAX_BYTES {
        return Err(LoadError::new(
            "",
            format!(
                "the document is {} bytes; the limit is {MAX_BYTES}",
                text.len()
            ),
        ));
    }
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
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(VERSION as u64) => {}
        Some(serde_json::Value::Number(n)) if n.as_u64().is_some_and(|v| v > VERSION as u64) => {
            return Err(LoadError::new(
                "version",
                format!("{n} is newer than this studio reads (up to {VERSION}); update hsmnet"),
            ))
        }
        Some(other) => {
            return Err(LoadError::new(
                "version",
                format!("{other} is not a known version (expected {VERSION})"),
            ))
        }
        None => return Err(LoadError::new("version", "missing")),
    }

    let de = &mut serde_json::Deserializer::from_str(text);
    let envelope: EnvelopeIn = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        LoadError::new(path, e.into_inner().to_string())
    })?;
    debug_assert_eq!(envelope.format, FORMAT);
    debug_assert_eq!(envelope.version, VERSION);
    let design = envelope.design;
    check_integrity(&design)
        .map_err(|e| LoadError::new(format!("design.{}", e.path), e.message))?;
    Ok(design)
}

/// A broken reference or a duplicate id: a design the rest of the core must never see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrityError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Checks that ids are unique, that every reference names an element of the right kind, and
/// that the design is within the size caps. Loading and every edit go through it.
pub fn check_integrity(design: &Design) -> Result<(), IntegrityError> {
    let count = design.element_count();
    if count > MAX_ELEMENTS {
        return Err(IntegrityError {
            path: String::new(),
            message: format!("the design has {count} elements; the limit is {MAX_ELEMENTS}"),
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
    in_subnet!(gateways);
    in_subnet!(nvas);
    in_subnet!(load_balancers);
    in_subnet!(firewalls);
    for (i, lb) in design.load_balancers.iter().enumerate() {
        for (j, b) in lb.backends.iter().enumerate() {
            expect(format!("load_balancers[{i}].backends[{j}]"), *b, Kind::Nva)?;
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
}
