//! Editing an element field by field, as a properties panel does: [`fields`] lists what can be
//! edited with the current text of each, [`set`] reads a user's text for one field into a new
//! [`Element`] (to apply as [`crate::edit::Edit::Replace`]), [`add_row`] and [`remove_row`]
//! edit the lists of records (rules, routes, probes).
//!
//! It works on the element's JSON, guided by the table in `schema.rs`, so every field of the
//! model is editable without one form per kind. Bad text is refused with the field and the
//! value named (`prefix: "10.0.0.0/33" is not an IPv4 prefix`), and so is a name that another
//! element of the same kind already has. The result is only a candidate: the edit itself still
//! goes through [`crate::Design::apply`], which refuses broken references.

mod new_subnet;
mod schema;

use crate::draw::names::{same_name, unique_among};
use crate::edit::Element;
use crate::model::{AddressMatch, Design, Id, Kind, PortRange};
use crate::prose::capitalised;
use ipnet::Ipv4Net;
use schema::{connection_variant, specs, Spec, Ty, CONNECTION_KINDS};
use serde_json::{Map, Value};
use std::fmt;
use std::net::Ipv4Addr;

pub use new_subnet::new_subnet;

/// The control a field needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    /// Free text, read when committed.
    Text,
    /// On or off; the value is `true` or `false`.
    Checkbox,
    /// One of these `(value, label)` options; an empty value means none.
    Select(Vec<(String, String)>),
    /// The heading of a list of records; the value is how many there are. `noun` names one.
    List { noun: &'static str },
    /// The start of one record of a list; it can be removed with [`remove_row`].
    Item { noun: &'static str, index: usize },
    /// The heading of a record that is always there (a peering's side).
    Heading,
}

/// One editable field of an element, with its current value as text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// Where the field is: `name`, `a_to_b.use_remote_gateways`, `rules[2].priority`.
    pub path: String,
    pub label: String,
    pub input: Input,
    pub value: String,
    /// What the text should look like; empty when the control says it all.
    pub hint: &'static str,
}

/// Why a user's text was not applied: the field and what was wrong with the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for FieldError {}

fn error(path: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.to_string(),
        message: message.into(),
    }
}

/// The element with this id, as an edit would carry it.
pub fn element(design: &Design, id: Id) -> Option<Element> {
    fn find<T: Clone>(list: &[T], id: Id, get: impl Fn(&T) -> Id) -> Option<T> {
        list.iter().find(|e| get(e) == id).cloned()
    }
    let (kind, _) = design.describe(id)?;
    Some(match kind {
        Kind::Region => Element::Region(find(&design.regions, id, |e| e.id)?),
        Kind::Vnet => Element::Vnet(find(&design.vnets, id, |e| e.id)?),
        Kind::Subnet => {
            let (vnet, subnet) = design.subnet(id)?;
            Element::Subnet {
                vnet: vnet.id,
                subnet: subnet.clone(),
            }
        }
        Kind::Hsm => Element::Hsm(find(&design.hsms, id, |e| e.id)?),
        Kind::Gateway => Element::Gateway(find(&design.gateways, id, |e| e.id)?),
        Kind::Nva => Element::Nva(find(&design.nvas, id, |e| e.id)?),
        Kind::LoadBalancer => Element::LoadBalancer(find(&design.load_balancers, id, |e| e.id)?),
        Kind::Firewall => Element::Firewall(find(&design.firewalls, id, |e| e.id)?),
        Kind::RouteTable => Element::RouteTable(find(&design.route_tables, id, |e| e.id)?),
        Kind::Nsg => Element::Nsg(find(&design.nsgs, id, |e| e.id)?),
        Kind::Site => Element::Site(find(&design.sites, id, |e| e.id)?),
        Kind::Circuit => Element::Circuit(find(&design.circuits, id, |e| e.id)?),
        Kind::Peering => Element::Peering(find(&design.peerings, id, |e| e.id)?),
        Kind::Connection => Element::Connection(find(&design.connections, id, |e| e.id)?),
        Kind::CloudHsmCluster => {
            Element::CloudHsmCluster(find(&design.cloud_hsm_clusters, id, |e| e.id)?)
        }
        Kind::PrivateEndpoint => {
            Element::PrivateEndpoint(find(&design.private_endpoints, id, |e| e.id)?)
        }
        Kind::PrivateDnsZone => {
            Element::PrivateDnsZone(find(&design.private_dns_zones, id, |e| e.id)?)
        }
    })
}

/// The kind of an element.
pub fn kind(element: &Element) -> Kind {
    match element {
        Element::Region(_) => Kind::Region,
        Element::Vnet(_) => Kind::Vnet,
        Element::Subnet { .. } => Kind::Subnet,
        Element::Hsm(_) => Kind::Hsm,
        Element::Gateway(_) => Kind::Gateway,
        Element::Nva(_) => Kind::Nva,
        Element::LoadBalancer(_) => Kind::LoadBalancer,
        Element::Firewall(_) => Kind::Firewall,
        Element::RouteTable(_) => Kind::RouteTable,
        Element::Nsg(_) => Kind::Nsg,
        Element::Site(_) => Kind::Site,
        Element::Circuit(_) => Kind::Circuit,
        Element::Peering(_) => Kind::Peering,
        Element::Connection(_) => Kind::Connection,
        Element::CloudHsmCluster(_) => Kind::CloudHsmCluster,
        Element::PrivateEndpoint(_) => Kind::PrivateEndpoint,
        Element::PrivateDnsZone(_) => Kind::PrivateDnsZone,
    }
}

/// Every editable field of an element, in form order, with its current value.
pub fn fields(design: &Design, element: &Element) -> Vec<Field> {
    let Ok((tag, root)) = to_json(element) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    list_fields(design, specs(&tag), body(&tag, &root), "", &mut out);
    out
}

/// The element with one field set from a user's text. Refuses text that does not parse, a
/// path that names no field, and a name another element of the same kind has.
pub fn set(
    design: &Design,
    element: &Element,
    path: &str,
    text: &str,
) -> Result<Element, FieldError> {
    let (tag, mut root) = to_json(element).map_err(|e| error(path, e))?;
    let segments = parse_path(path).ok_or_else(|| error(path, "no such field"))?;
    let body = body_mut(&tag, &mut root);
    let spec =
        find_spec(specs(&tag), &segments, body).ok_or_else(|| error(path, "no such field"))?;
    // The text the field already shows changes nothing, even where it would not parse (a
    // delegation or SKU outside the offered list, kept as loaded).
    let plain = !matches!(
        spec.ty,
        Ty::Rows(..) | Ty::Group(_) | Ty::OptGroup(..) | Ty::ConnectionKind
    );
    if plain && display(design, spec.ty, navigate(body, &segments).map(|v| &*v)) == text {
        return Ok(element.clone());
    }
    match spec.ty {
        Ty::ConnectionKind => set_connection_kind(design, body, path, text)?,
        Ty::OptGroup(_, new) => {
            let on = parse_bool(path, text)?;
            let present = navigate(body, &segments).is_some_and(|v| !v.is_null());
            // Switching on keeps a record that is there; only a new one starts from defaults.
            if on != present {
                let value = on.then(|| serde_json::from_str(new).unwrap_or(Value::Null));
                write(body, &segments, value, path)?;
            }
        }
        Ty::Group(_) | Ty::Rows(..) => return Err(error(path, "is a group of fields, not one")),
        Ty::Name => {
            let name = parse(design, Ty::Name, path, text)?;
            let name_text = name.as_ref().and_then(Value::as_str).unwrap_or_default();
            if let Some(other) = name_taken(design, element, name_text) {
                return Err(error(
                    path,
                    format!("{name_text:?} is taken by another {other}"),
                ));
            }
            write(body, &segments, name, path)?;
        }
        ty => {
            let value = parse(design, ty, path, text)?;
            write(body, &segments, value, path)?;
        }
    }
    from_json(root, path)
}

/// The element with a new record at the end of one of its lists (`rules`, `routes`, `probes`).
pub fn add_row(element: &Element, list: &str) -> Result<Element, FieldError> {
    let (tag, mut root) = to_json(element).map_err(|e| error(list, e))?;
    let segments = parse_path(list).ok_or_else(|| error(list, "no such list"))?;
    let body = body_mut(&tag, &mut root);
    let Some(Spec {
        ty: Ty::Rows(_, noun, new),
        ..
    }) = find_spec(specs(&tag), &segments, body)
    else {
        return Err(error(list, "is not a list of records"));
    };
    let rows = navigate(body, &segments)
        .and_then(Value::as_array_mut)
        .ok_or_else(|| error(list, "is not a list of records"))?;
    let mut row: Value = serde_json::from_str(new).map_err(|e| error(list, e.to_string()))?;
    // A fresh name (and NSG priority) so that the new record clashes with none.
    let taken: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    let name = unique_among(taken, &format!("{noun}-{}", rows.len() + 1));
    row["name"] = Value::from(name);
    if row.get("priority").is_some() {
        let used: Vec<u64> = rows.iter().filter_map(|r| r["priority"].as_u64()).collect();
        let free = (100..=4096).step_by(10).find(|p| !used.contains(p));
        row["priority"] = Value::from(free.unwrap_or(4096));
    }
    rows.push(row);
    from_json(root, list)
}

/// The element without record `index` of one of its lists.
pub fn remove_row(element: &Element, list: &str, index: usize) -> Result<Element, FieldError> {
    let (tag, mut root) = to_json(element).map_err(|e| error(list, e))?;
    let segments = parse_path(list).ok_or_else(|| error(list, "no such list"))?;
    let body = body_mut(&tag, &mut root);
    if !matches!(
        find_spec(specs(&tag), &segments, body).map(|s| s.ty),
        Some(Ty::Rows(..))
    ) {
        return Err(error(list, "is not a list of records"));
    }
    let rows = navigate(body, &segments)
        .and_then(Value::as_array_mut)
        .ok_or_else(|| error(list, "is not a list of records"))?;
    if index >= rows.len() {
        return Err(error(list, format!("has no record {}", index + 1)));
    }
    rows.remove(index);
    from_json(root, list)
}

// ---------------------------------------------------------------------------------------------
// The element as JSON.

/// The element's tag (`vnet`, `subnet`…) and its whole JSON.
fn to_json(element: &Element) -> Result<(String, Value), String> {
    let root = serde_json::to_value(element).map_err(|e| e.to_string())?;
    let tag = root
        .as_object()
        .and_then(|o| o.keys().next().cloned())
        .ok_or("an element serialises as one tagged object")?;
    Ok((tag, root))
}

/// Reads the edited JSON back into an element. Through text and the deserializer the document
/// reader uses (`serde_json::from_str`, see `document::read`), not `serde_json::from_value`: the
/// browser build then carries one copy of the model's deserializing code instead of two (about
/// 24 KB gzipped). The field is `path`, known already: no path-tracking reader.
fn from_json(root: Value, path: &str) -> Result<Element, FieldError> {
    let text = root.to_string();
    serde_json::from_str(&text).map_err(|e| {
        // The position is in our own one-line text, not in anything the user wrote.
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(cut) => message[..cut].to_string(),
            None => message,
        };
        error(path, message)
    })
}

/// The object holding the fields: the element's, or for a subnet the subnet's (not its VNet).
fn body<'a>(tag: &str, root: &'a Value) -> &'a Value {
    let inner = &root[tag];
    if tag == "subnet" {
        &inner["subnet"]
    } else {
        inner
    }
}

fn body_mut<'a>(tag: &str, root: &'a mut Value) -> &'a mut Value {
    let inner = &mut root[tag];
    if tag == "subnet" {
        &mut inner["subnet"]
    } else {
        inner
    }
}

// ---------------------------------------------------------------------------------------------
// Paths: `name`, `a_to_b.use_remote_gateways`, `rules[2].priority`, `kind.site_to_site.site`.

struct Segment<'a> {
    key: &'a str,
    index: Option<usize>,
}

fn parse_path(path: &str) -> Option<Vec<Segment<'_>>> {
    path.split('.')
        .map(|part| match part.split_once('[') {
            None if !part.is_empty() => Some(Segment {
                key: part,
                index: None,
            }),
            None => None,
            Some((key, rest)) => Some(Segment {
                key,
                index: Some(rest.strip_suffix(']')?.parse().ok()?),
            }),
        })
        .collect()
}

/// The spec of the field a path names; a connection's ends depend on its current kind.
fn find_spec(list: &'static [Spec], segments: &[Segment], body: &Value) -> Option<Spec> {
    let (first, rest) = segments.split_first()?;
    let spec = *list.iter().find(|s| s.key == first.key)?;
    match (spec.ty, first.index, rest.is_empty()) {
        (_, None, true) => Some(spec),
        (Ty::Rows(rows, ..), Some(i), false) => find_spec(rows, rest, &body[first.key][i]),
        (Ty::Group(group) | Ty::OptGroup(group, _), None, false) => {
            find_spec(group, rest, &body[first.key])
        }
        (Ty::ConnectionKind, None, false) => {
            let (variant, end) = rest.split_first()?;
            let current = body[first.key].as_object()?.keys().next()?;
            if variant.key != current || variant.index.is_some() || end.len() != 1 {
                return None;
            }
            connection_variant(current)?
                .ends
                .iter()
                .find(|s| s.key == end[0].key && end[0].index.is_none())
                .copied()
        }
        _ => None,
    }
}

fn navigate<'a>(mut value: &'a mut Value, segments: &[Segment]) -> Option<&'a mut Value> {
    for s in segments {
        value = value.get_mut(s.key)?;
        if let Some(i) = s.index {
            value = value.get_mut(i)?;
        }
    }
    Some(value)
}

/// Sets (or with `None` removes) the value at a path; its parent must exist.
fn write(
    body: &mut Value,
    segments: &[Segment],
    value: Option<Value>,
    path: &str,
) -> Result<(), FieldError> {
    let (last, parents) = segments
        .split_last()
        .ok_or_else(|| error(path, "no such field"))?;
    let parent = navigate(body, parents)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| error(path, "is not there to edit (switch its group on first)"))?;
    match value {
        Some(v) => {
            parent.insert(last.key.to_string(), v);
        }
        None => {
            parent.remove(last.key);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading a user's text.

/// The JSON of a field's text; `None` leaves the field out (an empty optional field).
fn parse(design: &Design, ty: Ty, path: &str, text: &str) -> Result<Option<Value>, FieldError> {
    let trimmed = text.trim();
    let optional_empty = trimmed.is_empty()
        && matches!(
            ty,
            Ty::OptText | Ty::OptPrefix | Ty::OptIp | Ty::OptChoice(_) | Ty::OptRef(_)
        );
    if optional_empty {
        return Ok(None);
    }
    let value = match ty {
        Ty::Name => {
            if trimmed.is_empty() {
                return Err(error(path, "a name cannot be empty"));
            }
            Value::from(text)
        }
        Ty::Text | Ty::OptText => Value::from(text),
        Ty::Prefix | Ty::OptPrefix => Value::from(prefix(path, trimmed)?.to_string()),
        Ty::Prefixes => Value::from(
            items(trimmed)
                .map(|p| prefix(path, p).map(|p| p.to_string()))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Ty::OptIp => Value::from(
            trimmed
                .parse::<Ipv4Addr>()
                .map_err(|_| {
                    error(
                        path,
                        format!("{trimmed:?} is not an IPv4 address (like 10.0.0.4)"),
                    )
                })?
                .to_string(),
        ),
        Ty::Ips => Value::from(
            items(trimmed)
                .map(|a| {
                    a.parse::<Ipv4Addr>().map(|a| a.to_string()).map_err(|_| {
                        error(
                            path,
                            format!("{a:?} is not an IPv4 address (like 10.0.0.4)"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Ty::U16 => Value::from(number(path, trimmed, u16::MAX.into())?),
        Ty::Port(_) => {
            let port = number(path, trimmed, u16::MAX.into())?;
            if port == 0 {
                return Err(error(path, "0 is not a port (1 to 65535)"));
            }
            Value::from(port)
        }
        Ty::Tags => {
            let mut tags = serde_json::Map::new();
            for item in items(trimmed) {
                let Some((name, value)) = item.split_once('=') else {
                    return Err(error(path, format!("{item:?} is not name=value")));
                };
                if name.trim().is_empty() {
                    return Err(error(path, format!("{item:?} has no name")));
                }
                tags.insert(name.trim().to_string(), Value::from(value.trim()));
            }
            Value::Object(tags)
        }
        Ty::U32 => Value::from(number(path, trimmed, u32::MAX.into())?),
        Ty::Bool(_) => Value::from(parse_bool(path, trimmed)?),
        Ty::Choice(options) | Ty::OptChoice(options) | Ty::ChoiceOr(options, _) => {
            if !options.contains(&trimmed) {
                return Err(error(
                    path,
                    format!("{trimmed:?} is not one of: {}", options.join(", ")),
                ));
            }
            Value::from(trimmed)
        }
        Ty::Ref(kind) | Ty::OptRef(kind) => Value::from(reference(design, path, trimmed, kind)?.0),
        Ty::Refs(kind) => Value::from(
            items(trimmed)
                .map(|name| named(design, path, name, kind).map(|id| id.0))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Ty::AddressMatch => Value::from(
            trimmed
                .parse::<AddressMatch>()
                .map_err(|e| error(path, e))?
                .to_string(),
        ),
        Ty::PortRange => Value::from(
            trimmed
                .parse::<PortRange>()
                .map_err(|e| error(path, e))?
                .to_string(),
        ),
        Ty::PortRanges => Value::from(
            items(trimmed)
                .map(|p| {
                    p.parse::<PortRange>()
                        .map(|p| p.to_string())
                        .map_err(|e| error(path, e))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Ty::Rows(..) | Ty::Group(_) | Ty::OptGroup(..) | Ty::ConnectionKind => {
            return Err(error(path, "is a group of fields, not one"))
        }
    };
    Ok(Some(value))
}

/// The items of a comma-separated list, without blanks.
fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn prefix(path: &str, text: &str) -> Result<Ipv4Net, FieldError> {
    text.parse().map_err(|_| {
        error(
            path,
            format!("{text:?} is not an IPv4 prefix (like 10.0.0.0/24)"),
        )
    })
}

fn number(path: &str, text: &str, max: u64) -> Result<u64, FieldError> {
    text.parse::<u64>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| {
            error(
                path,
                format!("{text:?} is not a whole number from 0 to {max}"),
            )
        })
}

fn parse_bool(path: &str, text: &str) -> Result<bool, FieldError> {
    match text.trim() {
        "true" | "on" | "yes" => Ok(true),
        "false" | "off" | "no" => Ok(false),
        other => Err(error(path, format!("{other:?} is not true or false"))),
    }
}

/// An id given as its number, which must name an element of `kind`.
fn reference(design: &Design, path: &str, text: &str, kind: Kind) -> Result<Id, FieldError> {
    text.parse::<u32>()
        .ok()
        .map(Id)
        .filter(|id| design.describe(*id).is_some_and(|(k, _)| k == kind))
        .ok_or_else(|| {
            error(
                path,
                format!("{text:?} names no {} of this design", kind.label()),
            )
        })
}

/// An element of `kind` given by its name.
fn named(design: &Design, path: &str, name: &str, kind: Kind) -> Result<Id, FieldError> {
    of_kind(design, kind)
        .find(|(_, n)| *n == name)
        .map(|(id, _)| id)
        .ok_or_else(|| {
            error(
                path,
                format!("{name:?} names no {} of this design", kind.label()),
            )
        })
}

fn of_kind(design: &Design, kind: Kind) -> impl Iterator<Item = (Id, &str)> {
    design.ids().into_iter().filter_map(move |id| {
        design
            .describe(id)
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| (id, n))
    })
}

/// The kind label of another element that already has this name, in any letter case (Azure
/// takes `Hub` and `hub` for the same): subnets clash within their VNet (Azure names them per
/// VNet), everything else across the design.
fn name_taken(design: &Design, element: &Element, name: &str) -> Option<&'static str> {
    let id = element.id();
    let kind = kind(element);
    let clash = match element {
        Element::Subnet { vnet, .. } => design.vnet(*vnet).is_some_and(|v| {
            v.subnets
                .iter()
                .any(|s| s.id != id && same_name(&s.name, name))
        }),
        _ => of_kind(design, kind).any(|(other, n)| other != id && same_name(n, name)),
    };
    clash.then(|| kind.label())
}

/// Switches a connection to another kind, keeping the ends that still fit and taking the
/// first element of the right kind for the others.
fn set_connection_kind(
    design: &Design,
    body: &mut Value,
    path: &str,
    text: &str,
) -> Result<(), FieldError> {
    let tag = text.trim();
    let variant = connection_variant(tag).ok_or_else(|| {
        let tags: Vec<_> = CONNECTION_KINDS.iter().map(|v| v.tag).collect();
        error(path, format!("{tag:?} is not one of: {}", tags.join(", ")))
    })?;
    let old: Vec<u32> = body["kind"]
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_object)
        .map(|ends| {
            ends.values()
                .filter_map(Value::as_u64)
                .map(|n| n as u32)
                .collect()
        })
        .unwrap_or_default();
    let mut used = Vec::new();
    let mut ends = Map::new();
    for end in variant.ends {
        let Ty::Ref(kind) = end.ty else { continue };
        let fits = |id: &u32| {
            !used.contains(id) && design.describe(Id(*id)).is_some_and(|(k, _)| k == kind)
        };
        let id = old
            .iter()
            .copied()
            .find(|id| fits(id))
            .or_else(|| {
                of_kind(design, kind)
                    .map(|(id, _)| id.0)
                    .find(|id| fits(id))
            })
            .ok_or_else(|| {
                error(
                    path,
                    format!(
                        "a {} needs a {}, and this design has none free",
                        variant.label,
                        kind.label()
                    ),
                )
            })?;
        used.push(id);
        ends.insert(end.key.to_string(), Value::from(id));
    }
    let mut kind = Map::new();
    kind.insert(tag.to_string(), Value::Object(ends));
    body["kind"] = Value::Object(kind);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Listing the fields.

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn list_fields(design: &Design, list: &[Spec], body: &Value, prefix: &str, out: &mut Vec<Field>) {
    for spec in list {
        let path = join(prefix, spec.key);
        let value = body.get(spec.key).filter(|v| !v.is_null());
        match spec.ty {
            Ty::Rows(rows, noun, _) => {
                let items = value
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                out.push(field(
                    &path,
                    spec.label,
                    Input::List { noun },
                    items.len().to_string(),
                    "",
                ));
                for (index, row) in items.iter().enumerate() {
                    let row_path = format!("{path}[{index}]");
                    let label = format!("{} {}", capitalised(noun), index + 1);
                    out.push(field(
                        &row_path,
                        &label,
                        Input::Item { noun, index },
                        String::new(),
                        "",
                    ));
                    list_fields(design, rows, row, &row_path, out);
                }
            }
            Ty::Group(group) => {
                out.push(field(&path, spec.label, Input::Heading, String::new(), ""));
                list_fields(design, group, value.unwrap_or(&Value::Null), &path, out);
            }
            Ty::OptGroup(group, _) => {
                out.push(field(
                    &path,
                    spec.label,
                    Input::Checkbox,
                    value.is_some().to_string(),
                    "",
                ));
                if let Some(value) = value {
                    list_fields(design, group, value, &path, out);
                }
            }
            Ty::ConnectionKind => {
                let (tag, ends) = value
                    .and_then(Value::as_object)
                    .and_then(|o| o.iter().next())
                    .map_or(("", &Value::Null), |(t, e)| (t.as_str(), e));
                let options = CONNECTION_KINDS
                    .iter()
                    .map(|v| (v.tag.to_string(), v.label.to_string()))
                    .collect();
                out.push(field(
                    &path,
                    spec.label,
                    Input::Select(options),
                    tag.to_string(),
                    "",
                ));
                if let Some(variant) = connection_variant(tag) {
                    list_fields(design, variant.ends, ends, &join(&path, tag), out);
                }
            }
            ty => {
                let text = display(design, ty, value);
                out.push(field(
                    &path,
                    spec.label,
                    input(design, ty, &text),
                    text,
                    hint(ty),
                ));
            }
        }
    }
}

fn field(path: &str, label: &str, input: Input, value: String, hint: &'static str) -> Field {
    Field {
        path: path.to_string(),
        label: label.to_string(),
        input,
        value,
        hint,
    }
}

/// A field's current value as the text a user would type.
fn display(design: &Design, ty: Ty, value: Option<&Value>) -> String {
    let list = |v: Option<&Value>, each: &dyn Fn(&Value) -> String| {
        v.and_then(Value::as_array)
            .map(|a| a.iter().map(each).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    let plain = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (ty, value) {
        (Ty::Bool(default), None) => default.to_string(),
        (Ty::Port(default), None) => default.to_string(),
        (Ty::ChoiceOr(_, default), None) => default.to_string(),
        (Ty::Tags, v) => v
            .and_then(Value::as_object)
            .map(|tags| {
                let each = tags.iter().map(|(k, v)| format!("{k}={}", plain(v)));
                each.collect::<Vec<_>>().join(", ")
            })
            .unwrap_or_default(),
        (Ty::Ips, v) => list(v, &plain),
        (Ty::Refs(_), v) => list(v, &|id| {
            id.as_u64()
                .map_or(String::new(), |id| design.name_of(Id(id as u32)))
        }),
        (Ty::Prefixes | Ty::PortRanges, v) => list(v, &plain),
        (_, None) => String::new(),
        (_, Some(v)) => plain(v),
    }
}

fn input(design: &Design, ty: Ty, current: &str) -> Input {
    let choices = |options: &[&str], none: bool| {
        let mut list: Vec<(String, String)> = Vec::new();
        if none {
            list.push((String::new(), "none".to_string()));
        }
        list.extend(options.iter().map(|o| (o.to_string(), o.to_string())));
        if !current.is_empty() && !options.contains(&current) {
            list.push((current.to_string(), current.to_string()));
        }
        list
    };
    let elements = |kind: Kind, none: bool| {
        let mut list: Vec<(String, String)> = Vec::new();
        if none {
            list.push((String::new(), "none".to_string()));
        }
        list.extend(of_kind(design, kind).map(|(id, name)| {
            let label = match design.vnet_of_subnet(id) {
                Some(vnet) if kind == Kind::Subnet => format!("{} / {name}", vnet.name),
                _ => name.to_string(),
            };
            (id.0.to_string(), label)
        }));
        list
    };
    match ty {
        Ty::Bool(_) => Input::Checkbox,
        Ty::Choice(options) | Ty::ChoiceOr(options, _) => Input::Select(choices(options, false)),
        Ty::OptChoice(options) => Input::Select(choices(options, true)),
        Ty::Ref(kind) => Input::Select(elements(kind, false)),
        Ty::OptRef(kind) => Input::Select(elements(kind, true)),
        _ => Input::Text,
    }
}

fn hint(ty: Ty) -> &'static str {
    match ty {
        Ty::Prefix => "an IPv4 prefix, like 10.1.0.0/24",
        Ty::OptPrefix => "an IPv4 prefix, or empty for none",
        Ty::Prefixes => "IPv4 prefixes separated by commas",
        Ty::OptIp => "an IPv4 address, or empty for none",
        Ty::U16 => "a whole number from 0 to 65535",
        Ty::Ips => "IPv4 addresses separated by commas",
        Ty::Port(_) => "a TCP port, 1 to 65535",
        Ty::Tags => "name=value pairs separated by commas, like fastpathenabled=true",
        Ty::U32 => "a whole number",
        Ty::OptText => "empty for none",
        Ty::Refs(_) => "names separated by commas",
        Ty::AddressMatch => "*, VirtualNetwork, AzureLoadBalancer, Internet or a prefix",
        Ty::PortRange => "*, a port (1792) or a range (1000-2000)",
        Ty::PortRanges => "port ranges separated by commas",
        _ => "",
    }
}

#[cfg(test)]
mod tests;
