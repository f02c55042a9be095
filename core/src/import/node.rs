//! A read-tracking view of an evaluated resource: every property read is remembered, so that
//! what was not read can be listed in the import report ("not modelled") by its JSON path
//! without a hand-kept list per type. Property names match in any letter case, as in ARM.

use super::eval::Unknown;
use super::ImportError;
use crate::hashing::HashSet;
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// Properties Azure sets itself; never reported as not modelled.
const READ_ONLY: &[&str] = &[
    "provisioningState",
    "etag",
    "resourceGuid",
    "id",
    "type",
    "name",
    "ipConfigurations",
    "ipConfiguration",
    "privateEndpointNetworkPolicies",
    "privateLinkServiceNetworkPolicies",
    "macAddress",
    "virtualMachine",
    "primary",
    "hostedWorkloads",
    "tapConfigurations",
    "nicType",
    "peeringState",
    "peeringSyncLevel",
    "remoteAddressSpace",
    "remoteVirtualNetworkAddressSpace",
    "remoteGateways",
    "defaultSecurityRules",
    "subnets",
    "networkInterfaces",
    "inboundNatRules",
    "outboundRules",
    "loadBalancingRules",
    "backendIPConfigurations",
    "frontendIPConfiguration",
    "ipAddress",
    "ipTags",
    "idleTimeoutInMinutes",
    "publicIPAddressVersion",
    "sourcePortRange",
    "allowVirtualNetworkAccess",
    "useRemoteGateways",
    "routingWeight",
    "privateLinkServiceConnectionState",
    "customDnsConfigs",
    "numberOfRecordSets",
    "maxNumberOfRecordSets",
    "numberOfVirtualNetworkLinks",
    "maxNumberOfVirtualNetworkLinks",
    "numberOfVirtualNetworkLinksWithRegistration",
    "maxNumberOfVirtualNetworkLinksWithRegistration",
    "virtualNetworkLinkState",
    "internalId",
];

/// The values read, shared by every node of one import. A value is known by its address: every
/// node views the resources' evaluated properties, which stay in place while they are mapped,
/// so no path is written out unless it is reported.
#[derive(Default)]
pub struct Seen(RefCell<HashSet<*const Value>>);

impl Seen {
    fn mark(&self, value: &Value) {
        self.0.borrow_mut().insert(value);
    }

    /// Keys under `value` at `path` that were never read (nor lie under a key that was read
    /// whole), as JSON paths; read-only properties are left out.
    pub fn unread(&self, value: &Value, path: &str, out: &mut Vec<String>) {
        let seen = self.0.borrow();
        let mut at = path.to_string();
        unread(&seen, value, &mut at, out);
    }
}

/// `at` is the path of `value`; it is extended for each child and restored after.
fn unread(seen: &HashSet<*const Value>, value: &Value, at: &mut String, out: &mut Vec<String>) {
    let len = at.len();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if seen.contains(&(v as *const Value)) {
                    at.push('.');
                    at.push_str(k);
                    unread(seen, v, at, out);
                    at.truncate(len);
                } else if !READ_ONLY.iter().any(|r| r.eq_ignore_ascii_case(k)) && !is_empty(v) {
                    out.push(format!("{at}.{k}"));
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if seen.contains(&(v as *const Value)) {
                    use std::fmt::Write as _;
                    let _ = write!(at, "[{i}]");
                    unread(seen, v, at, out);
                    at.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// Values that say nothing: `null`, `false`, `""`, `[]`, `{}`.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) => false,
    }
}

/// A value at a JSON path.
#[derive(Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    path: Rc<Step<'a>>,
    seen: &'a Seen,
}

/// A JSON path, kept as its steps and written out only when an error or a note needs it.
enum Step<'a> {
    Root(String),
    Key(Rc<Step<'a>>, &'a str),
    Index(Rc<Step<'a>>, usize),
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Root(path) => f.write_str(path),
            Step::Key(parent, key) => write!(f, "{parent}.{key}"),
            Step::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl<'a> Node<'a> {
    pub fn new(value: &'a Value, path: String, seen: &'a Seen) -> Self {
        Self::at(value, Rc::new(Step::Root(path)), seen)
    }

    fn at(value: &'a Value, path: Rc<Step<'a>>, seen: &'a Seen) -> Self {
        seen.mark(value);
        Node { value, path, seen }
    }

    /// The JSON path of this value.
    pub fn path(&self) -> String {
        self.path.to_string()
    }

    /// A property, in any letter case; marked as read.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        let map = self.value.as_object()?;
        let (k, v) = map
            .get_key_value(key)
            .or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))?;
        if v.is_null() {
            return None;
        }
        Some(Node::at(
            v,
            Rc::new(Step::Key(self.path.clone(), k)),
            self.seen,
        ))
    }

    /// The items of an array (none when absent or not an array).
    pub fn items(&self) -> Vec<Node<'a>> {
        self.value
            .as_array()
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, v)| {
                        Node::at(v, Rc::new(Step::Index(self.path.clone(), i)), self.seen)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fails when the value is one this import cannot know (a parameter with no value).
    fn known(&self) -> Result<(), ImportError> {
        match Unknown::of(self.value) {
            Some(name) => Err(ImportError::MissingValue {
                name: name.to_string(),
                path: self.path(),
            }),
            None => Ok(()),
        }
    }

    /// A string value.
    pub fn text(&self) -> Result<&'a str, ImportError> {
        self.known()?;
        self.value
            .as_str()
            .ok_or_else(|| self.invalid("is not a string"))
    }

    pub fn int(&self) -> Result<i64, ImportError> {
        self.known()?;
        match self.value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| self.invalid("is not an integer"))
    }

    pub fn boolean(&self) -> Result<bool, ImportError> {
        self.known()?;
        match self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
        .ok_or_else(|| self.invalid("is not a boolean"))
    }

    /// A string property, if present.
    pub fn text_at(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        self.get(key).map(|n| n.text()).transpose()
    }

    /// `{"id": …}` (or `resourceId`, as the HSM API versions from 2024-06-30-preview write it).
    pub fn id_at(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        let Some(n) = self.get(key) else {
            return Ok(None);
        };
        if let Some(id) = n.get("id").or_else(|| n.get("resourceId")) {
            return id.text().map(Some);
        }
        // A bare id string, as some exports write.
        if n.value.is_string() {
            return n.text().map(Some);
        }
        Err(n.invalid("has no \"id\""))
    }

    pub fn invalid(&self, message: &str) -> ImportError {
        ImportError::Invalid {
            path: self.path(),
            message: message.to_string(),
        }
    }
}
