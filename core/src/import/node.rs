//! A read-tracking view of an evaluated resource: every property read is remembered by its JSON
//! path, so that what was not read can be listed in the import report ("not modelled") without
//! a hand-kept list per type. Property names match in any letter case, as in ARM.

use super::eval::Unknown;
use super::ImportError;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashSet;

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
];

/// Seen paths, shared by every node of one import.
#[derive(Default)]
pub struct Seen(RefCell<HashSet<String>>);

impl Seen {
    fn mark(&self, path: &str) {
        self.0.borrow_mut().insert(path.to_string());
    }

    /// Keys under `value` at `path` that were never read (nor lie under a key that was read
    /// whole), as JSON paths; read-only properties are left out.
    pub fn unread(&self, value: &Value, path: &str, out: &mut Vec<String>) {
        let seen = self.0.borrow();
        unread(&seen, value, path, out);
    }
}

fn unread(seen: &HashSet<String>, value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{path}.{k}");
                if seen.contains(&p) {
                    unread(seen, v, &p, out);
                } else if !READ_ONLY.iter().any(|r| r.eq_ignore_ascii_case(k)) && !is_empty(v) {
                    out.push(p);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                if seen.contains(&p) {
                    unread(seen, v, &p, out);
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
    pub path: String,
    seen: &'a Seen,
}

impl<'a> Node<'a> {
    pub fn new(value: &'a Value, path: String, seen: &'a Seen) -> Self {
        seen.mark(&path);
        Node { value, path, seen }
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
        Some(Node::new(v, format!("{}.{k}", self.path), self.seen))
    }

    /// The items of an array (none when absent or not an array).
    pub fn items(&self) -> Vec<Node<'a>> {
        self.value
            .as_array()
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Node::new(v, format!("{}[{i}]", self.path), self.seen))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fails when the value is one this import cannot know (a parameter with no value).
    fn known(&self) -> Result<(), ImportError> {
        match Unknown::of(self.value) {
            Some(name) => Err(ImportError::MissingValue {
                name: name.to_string(),
                path: self.path.clone(),
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
            path: self.path.clone(),
            message: message.to_string(),
        }
    }
}
