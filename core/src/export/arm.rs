//! The ARM deployment template: the [`Template`] as JSON.
//!
//! References become `[resourceId('type', 'name', …)]` expressions and every dependency is
//! listed in `dependsOn` the same way. Literal strings that ARM would read as an expression
//! (`[…]`) are escaped with a second `[`. Keys are written in sorted order (serde_json's map),
//! so the same design gives the same bytes.

use super::{Options, Ref, Resource, Template, Val, Valid};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// The `$schema` of the template.
pub const SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
pub const CONTENT_VERSION: &str = "1.0.0.0";

/// The deployment template of a checked design.
pub fn template(valid: &Valid, options: &Options) -> Value {
    render(&super::template(valid, options))
}

/// The deployment template as pretty-printed JSON, ending with a newline: the bytes of
/// [`to_text`] of [`template`], written straight from the intermediate representation (building
/// a `Value` first is several times slower on a large design).
pub fn to_string(valid: &Valid, options: &Options) -> String {
    write(&super::template(valid, options))
}

/// Pretty JSON text of a template value, ending with a newline.
pub fn to_text(template: &Value) -> String {
    // A Value of strings, numbers, booleans, arrays and objects always serialises.
    let mut text = serde_json::to_string_pretty(template).unwrap_or_default();
    text.push('\n');
    text
}

/// Renders the intermediate representation.
pub fn render(t: &Template) -> Value {
    let positions = t.positions();
    let metadata: Map<String, Value> = t
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(literal(v))))
        .collect();
    let mut parameters = Map::new();
    for p in &t.parameters {
        let mut param = Map::new();
        param.insert(
            "type".to_string(),
            json!(if p.secure { "securestring" } else { "string" }),
        );
        if let Some(d) = &p.default {
            param.insert("defaultValue".to_string(), Value::String(literal(d)));
        }
        param.insert(
            "metadata".to_string(),
            json!({ "description": literal(&p.description) }),
        );
        parameters.insert(p.name.clone(), Value::Object(param));
    }
    let resources: Vec<Value> = t
        .resources
        .iter()
        .map(|r| resource(t, &positions, r))
        .collect();
    json!({
        "$schema": SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "metadata": metadata,
        "parameters": parameters,
        "resources": resources,
    })
}

fn resource(t: &Template, positions: &HashMap<&str, usize>, r: &Resource) -> Value {
    let mut out = Map::new();
    out.insert("type".to_string(), json!(r.kind));
    out.insert("apiVersion".to_string(), json!(r.api_version));
    out.insert(
        "name".to_string(),
        Value::String(literal(&t.name_path(positions, r).join("/"))),
    );
    if let Some(l) = &r.location {
        out.insert("location".to_string(), value(t, positions, l));
    }
    if let Some(s) = &r.sku {
        out.insert("sku".to_string(), value(t, positions, s));
    }
    out.insert("properties".to_string(), value(t, positions, &r.properties));
    let depends: Vec<Value> = t
        .dependencies(r)
        .into_iter()
        .filter_map(|s| positions.get(s))
        .map(|&i| Value::String(resource_id(t, positions, &t.resources[i], None)))
        .collect();
    if !depends.is_empty() {
        out.insert("dependsOn".to_string(), Value::Array(depends));
    }
    Value::Object(out)
}

fn value(t: &Template, positions: &HashMap<&str, usize>, v: &Val) -> Value {
    match v {
        Val::Bool(b) => Value::Bool(*b),
        Val::Int(n) => json!(n),
        Val::Str(s) => Value::String(literal(s)),
        Val::Arr(items) => Value::Array(items.iter().map(|i| value(t, positions, i)).collect()),
        Val::Obj(pairs) => Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), value(t, positions, v)))
                .collect(),
        ),
        Val::Param(name) => Value::String(format!("[parameters({})]", quote(name))),
        Val::Ref(Ref { symbol, child }) => match positions.get(symbol.as_str()) {
            Some(&i) => Value::String(resource_id(t, positions, &t.resources[i], child.as_ref())),
            // Builders only refer to resources they declared; an unknown one is left empty.
            None => Value::String(String::new()),
        },
    }
}

/// `[resourceId('type', 'name', …)]` of a resource or of a sub-resource of it.
fn resource_id(
    t: &Template,
    positions: &HashMap<&str, usize>,
    r: &Resource,
    child: Option<&(&'static str, String)>,
) -> String {
    let mut out = String::with_capacity(128);
    out.push_str("[resourceId('");
    push_quoted(&mut out, r.kind);
    if let Some((segment, _)) = child {
        out.push('/');
        out.push_str(segment);
    }
    out.push('\'');
    let names = t.name_path(positions, r);
    for n in names.iter().copied().chain(child.map(|(_, n)| n.as_str())) {
        out.push_str(", '");
        push_quoted(&mut out, n);
        out.push('\'');
    }
    out.push_str(")]");
    out
}

/// The inside of a string literal of an ARM expression: a quote doubled.
fn push_quoted(out: &mut String, s: &str) {
    for part in s.split_inclusive('\'') {
        out.push_str(part);
        if part.ends_with('\'') {
            out.push('\'');
        }
    }
}

/// What the direct writer writes: the parts of the template around the IR's values.
enum Node<'a> {
    Str(Cow<'a, str>),
    Val(&'a Val),
    Obj(Vec<(&'a str, Node<'a>)>),
    Arr(Vec<Node<'a>>),
}

/// Writes the template as serde_json's pretty printer writes [`render`]'s value: two-space
/// indents, keys in byte order, `[]` and `{}` for empty containers.
pub fn write(t: &Template) -> String {
    let positions = t.positions();
    let metadata = t
        .metadata
        .iter()
        .map(|(k, v)| (k.as_str(), Node::Str(Cow::Owned(literal(v)))))
        .collect();
    let parameters = t
        .parameters
        .iter()
        .map(|p| {
            let mut fields = vec![(
                "type",
                Node::Str(Cow::Borrowed(if p.secure {
                    "securestring"
                } else {
                    "string"
                })),
            )];
            if let Some(d) = &p.default {
                fields.push(("defaultValue", Node::Str(Cow::Owned(literal(d)))));
            }
            fields.push((
                "metadata",
                Node::Obj(vec![(
                    "description",
                    Node::Str(Cow::Owned(literal(&p.description))),
                )]),
            ));
            (p.name.as_str(), Node::Obj(fields))
        })
        .collect();
    let mut w = Writer {
        buf: Vec::with_capacity(t.resources.len() * 900),
        t,
        positions: &positions,
    };
    w.buf.extend_from_slice(b"{\n  \"$schema\": ");
    w.string(SCHEMA);
    w.buf.extend_from_slice(b",\n  \"contentVersion\": ");
    w.string(CONTENT_VERSION);
    w.buf.extend_from_slice(b",\n  \"metadata\": ");
    w.node(&Node::Obj(metadata), 1);
    w.buf.extend_from_slice(b",\n  \"parameters\": ");
    w.node(&Node::Obj(parameters), 1);
    w.buf.extend_from_slice(b",\n  \"resources\": ");
    if t.resources.is_empty() {
        w.buf.extend_from_slice(b"[]");
    } else {
        w.buf.extend_from_slice(b"[");
        for (n, r) in t.resources.iter().enumerate() {
            if n > 0 {
                w.buf.push(b',');
            }
            w.newline(2);
            let node = w.resource(r);
            w.node(&node, 2);
        }
        w.newline(1);
        w.buf.push(b']');
    }
    w.buf.extend_from_slice(b"\n}\n");
    // Only whole UTF-8 strings and ASCII punctuation were written.
    String::from_utf8(w.buf).unwrap_or_default()
}

struct Writer<'a> {
    buf: Vec<u8>,
    t: &'a Template,
    positions: &'a HashMap<&'a str, usize>,
}

impl<'a> Writer<'a> {
    fn newline(&mut self, depth: usize) {
        self.buf.push(b'\n');
        for _ in 0..depth {
            self.buf.extend_from_slice(b"  ");
        }
    }

    fn string(&mut self, s: &str) {
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, s);
    }

    fn resource(&self, r: &'a Resource) -> Node<'a> {
        let t = self.t;
        let positions = self.positions;
        let mut fields = vec![
            ("type", Node::Str(Cow::Borrowed(r.kind))),
            ("apiVersion", Node::Str(Cow::Borrowed(r.api_version))),
            (
                "name",
                Node::Str(Cow::Owned(literal(&t.name_path(positions, r).join("/")))),
            ),
        ];
        if let Some(l) = &r.location {
            fields.push(("location", Node::Val(l)));
        }
        if let Some(s) = &r.sku {
            fields.push(("sku", Node::Val(s)));
        }
        fields.push(("properties", Node::Val(&r.properties)));
        let depends: Vec<Node> = t
            .dependencies(r)
            .into_iter()
            .filter_map(|s| positions.get(s))
            .map(|&i| Node::Str(Cow::Owned(resource_id(t, positions, &t.resources[i], None))))
            .collect();
        if !depends.is_empty() {
            fields.push(("dependsOn", Node::Arr(depends)));
        }
        Node::Obj(fields)
    }

    fn node(&mut self, node: &Node, depth: usize) {
        match node {
            Node::Str(s) => self.string(s),
            Node::Val(v) => self.val(v, depth),
            Node::Arr(items) => {
                if items.is_empty() {
                    self.buf.extend_from_slice(b"[]");
                    return;
                }
                self.buf.push(b'[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        self.buf.push(b',');
                    }
                    self.newline(depth + 1);
                    self.node(item, depth + 1);
                }
                self.newline(depth);
                self.buf.push(b']');
            }
            Node::Obj(fields) => {
                let mut sorted: Vec<(&str, &Node)> = fields.iter().map(|(k, v)| (*k, v)).collect();
                sorted.sort_by_key(|(k, _)| *k);
                self.object(&sorted, depth, |w, v, d| w.node(v, d));
            }
        }
    }

    /// An object with its entries in the given order, each value written by `value`.
    fn object<T>(
        &mut self,
        entries: &[(&str, T)],
        depth: usize,
        value: impl Fn(&mut Self, &T, usize),
    ) {
        if entries.is_empty() {
            self.buf.extend_from_slice(b"{}");
            return;
        }
        for (n, (k, v)) in entries.iter().enumerate() {
            self.buf.push(if n == 0 { b'{' } else { b',' });
            self.newline(depth + 1);
            self.string(k);
            self.buf.extend_from_slice(b": ");
            value(self, v, depth + 1);
        }
        self.newline(depth);
        self.buf.push(b'}');
    }

    fn val(&mut self, v: &Val, depth: usize) {
        match v {
            Val::Bool(b) => self
                .buf
                .extend_from_slice(if *b { b"true" } else { b"false" }),
            Val::Int(n) => self.buf.extend_from_slice(n.to_string().as_bytes()),
            Val::Str(s) => {
                if s.starts_with('[') && s.ends_with(']') {
                    self.string(&literal(s))
                } else {
                    self.string(s)
                }
            }
            Val::Param(name) => self.string(&format!("[parameters({})]", quote(name))),
            Val::Ref(Ref { symbol, child }) => {
                let id = match self.positions.get(symbol.as_str()) {
                    Some(&i) => {
                        resource_id(self.t, self.positions, &self.t.resources[i], child.as_ref())
                    }
                    None => String::new(),
                };
                self.string(&id)
            }
            Val::Arr(items) => {
                if items.is_empty() {
                    self.buf.extend_from_slice(b"[]");
                    return;
                }
                self.buf.push(b'[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        self.buf.push(b',');
                    }
                    self.newline(depth + 1);
                    self.val(item, depth + 1);
                }
                self.newline(depth);
                self.buf.push(b']');
            }
            Val::Obj(pairs) => {
                let mut sorted: Vec<(&str, &Val)> = pairs.iter().map(|(k, v)| (*k, v)).collect();
                sorted.sort_by_key(|(k, _)| *k);
                self.object(&sorted, depth, |w, v, d| w.val(v, d));
            }
        }
    }
}

/// A string literal inside an ARM expression: single quotes, a quote doubled.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A literal string value: one that ARM would read as an expression (`[…]`) gets a second `[`.
pub fn literal(s: &str) -> String {
    if s.starts_with('[') && s.ends_with(']') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{HsmApiVersion, Options};
    use crate::presets::{self, Size};
    use std::collections::HashSet;

    fn preset(name: &str, spokes: Option<usize>) -> crate::Design {
        presets::build(
            name,
            &Size {
                spokes,
                regions: None,
            },
        )
        .unwrap()
    }

    fn export(design: &crate::Design, options: &Options) -> Value {
        template(&Valid::new(design).expect("presets check clean"), options)
    }

    #[test]
    fn brackets_are_escaped_only_around_an_expression() {
        assert_eq!(literal("[x]"), "[[x]");
        assert_eq!(literal("[x"), "[x");
        assert_eq!(literal("x]"), "x]");
        assert_eq!(quote("it's"), "'it''s'");
        let mut inside = String::new();
        push_quoted(&mut inside, "a'b''");
        assert_eq!(inside, "a''b''''");
    }

    #[test]
    fn every_reference_and_dependency_names_a_declared_resource() {
        for p in presets::ALL {
            let t = export(&preset(p.name, None), &Options::default());
            let declared: HashSet<String> = t["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let names: Vec<String> = r["name"]
                        .as_str()
                        .unwrap()
                        .split('/')
                        .map(|n| format!("'{n}'"))
                        .collect();
                    format!(
                        "[resourceId('{}', {})]",
                        r["type"].as_str().unwrap(),
                        names.join(", ")
                    )
                })
                .collect();
            let text = to_text(&t);
            let mut count = 0;
            for r in t["resources"].as_array().unwrap() {
                for d in r["dependsOn"].as_array().into_iter().flatten() {
                    assert!(declared.contains(d.as_str().unwrap()), "{}: {d}", p.name);
                    count += 1;
                }
            }
            assert!(count > 0, "{}", p.name);
            // Every resourceId of a whole resource (not a sub-resource) is declared.
            for id in text.split('"').filter(|s| s.starts_with("[resourceId(")) {
                let type_args = id.matches("', '").count() + 1;
                let kind = id.split('\'').nth(1).unwrap();
                let depth = kind.matches('/').count();
                if type_args == depth {
                    assert!(declared.contains(id), "{}: {id}", p.name);
                }
            }
        }
    }

    #[test]
    fn the_hsm_subnet_key_follows_the_api_version() {
        let design = preset("single-vnet", None);
        for version in HsmApiVersion::ALL {
            let t = export(
                &design,
                &Options {
                    hsm_api_version: version,
                },
            );
            let hsms: Vec<&Value> = t["resources"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["type"] == "Microsoft.HardwareSecurityModules/dedicatedHSMs")
                .collect();
            assert_eq!(hsms.len(), 2);
            for h in hsms {
                assert_eq!(h["apiVersion"], version.as_str());
                let subnet = h["properties"]["networkProfile"]["subnet"]
                    .as_object()
                    .unwrap();
                let keys: Vec<&String> = subnet.keys().collect();
                assert_eq!(keys, vec![version.subnet_key()]);
                assert!(subnet[version.subnet_key()]
                    .as_str()
                    .unwrap()
                    .starts_with("[resourceId('Microsoft.Network/virtualNetworks/subnets', "));
                assert!(h["properties"]["networkProfile"]["networkInterfaces"][0]
                    ["privateIpAddress"]
                    .is_string());
                let depends = h["dependsOn"].as_array().unwrap();
                assert!(
                    depends.iter().any(|d| d.as_str().unwrap().starts_with(
                        "[resourceId('Microsoft.Network/virtualNetworkGateways', 'hsm-ergw')"
                    )),
                    "{depends:?}"
                );
            }
        }
        assert_eq!(
            "2021-11-30".parse::<HsmApiVersion>(),
            Ok(HsmApiVersion::V2021_11_30)
        );
        assert!("2024-01-01".parse::<HsmApiVersion>().is_err());
    }

    #[test]
    fn secrets_are_secure_parameters_never_literals() {
        let design = preset("cross-region-ha", None);
        let t = export(&design, &Options::default());
        let connections: Vec<&Value> = t["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "Microsoft.Network/connections")
            .collect();
        // Two site-to-site connections and one VNet-to-VNet link written in both directions.
        assert_eq!(connections.len(), 4);
        let v2v: Vec<&&Value> = connections
            .iter()
            .filter(|c| c["properties"]["connectionType"] == "Vnet2Vnet")
            .collect();
        assert_eq!(v2v.len(), 2);
        assert_eq!(
            v2v[0]["properties"]["sharedKey"],
            v2v[1]["properties"]["sharedKey"]
        );
        for c in &connections {
            let key = c["properties"]["sharedKey"].as_str().unwrap();
            let name = key
                .strip_prefix("[parameters('")
                .and_then(|k| k.strip_suffix("')]"))
                .unwrap();
            assert_eq!(t["parameters"][name]["type"], "securestring");
            assert!(t["parameters"][name].get("defaultValue").is_none());
            assert_eq!(
                c["properties"]["virtualNetworkGateway1"]["properties"],
                json!({})
            );
        }
        let hub = export(&preset("hub-nva-proxy", None), &Options::default());
        assert_eq!(
            hub["parameters"]["nvaAdminSshPublicKey"]["type"],
            "securestring"
        );
        for vm in hub["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "Microsoft.Compute/virtualMachines")
        {
            let os = &vm["properties"]["osProfile"];
            assert!(os.get("adminPassword").is_none());
            assert_eq!(
                os["linuxConfiguration"]["ssh"]["publicKeys"][0]["keyData"],
                "[parameters('nvaAdminSshPublicKey')]"
            );
        }
    }

    #[test]
    fn the_proxy_tier_is_wired_to_the_load_balancer() {
        let t = export(&preset("hub-nva-proxy", None), &Options::default());
        let resources = t["resources"].as_array().unwrap();
        let lb = resources
            .iter()
            .find(|r| r["type"] == "Microsoft.Network/loadBalancers")
            .unwrap();
        assert_eq!(lb["sku"]["name"], "Standard");
        let rule = &lb["properties"]["loadBalancingRules"][0]["properties"];
        assert_eq!(rule["frontendPort"], 1792);
        assert_eq!(rule["backendPort"], 1792);
        assert!(
            rule["probe"]["id"].as_str().unwrap().contains("'probes'")
                || rule["probe"]["id"].as_str().unwrap().contains("/probes'")
        );
        assert_eq!(
            lb["properties"]["frontendIPConfigurations"][0]["properties"]
                ["privateIPAllocationMethod"],
            "Static"
        );
        let nics: Vec<&Value> = resources
            .iter()
            .filter(|r| r["type"] == "Microsoft.Network/networkInterfaces")
            .collect();
        assert_eq!(nics.len(), 2);
        for nic in nics {
            assert_eq!(nic["properties"]["enableIPForwarding"], true);
            let ip = &nic["properties"]["ipConfigurations"][0]["properties"];
            assert_eq!(ip["privateIPAllocationMethod"], "Static");
            assert!(ip["loadBalancerBackendAddressPools"][0]["id"]
                .as_str()
                .unwrap()
                .contains("backendAddressPools"));
            assert!(nic["dependsOn"].as_array().unwrap().contains(&json!(
                "[resourceId('Microsoft.Network/loadBalancers', 'nva-ilb')]"
            )));
        }
        let rcg = resources
            .iter()
            .find(|r| r["type"] == "Microsoft.Network/firewallPolicies/ruleCollectionGroups")
            .unwrap();
        let rules = &rcg["properties"]["ruleCollections"][0]["rules"];
        assert_eq!(rules[0]["ruleType"], "NetworkRule");
        assert_eq!(rules[0]["destinationPorts"], json!(["1792"]));
    }

    #[test]
    fn peerings_are_one_child_per_side() {
        let t = export(&preset("hub-nva-proxy", Some(3)), &Options::default());
        let peerings: Vec<&Value> = t["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "Microsoft.Network/virtualNetworks/virtualNetworkPeerings")
            .collect();
        // Hub to HSM VNet, and three spokes, each with two sides.
        assert_eq!(peerings.len(), 8);
        let spoke_side = peerings
            .iter()
            .find(|p| p["name"] == "spoke-1/to-hub-vnet")
            .unwrap();
        assert_eq!(spoke_side["properties"]["useRemoteGateways"], true);
        assert!(spoke_side["dependsOn"]
            .as_array()
            .unwrap()
            .contains(&json!("[resourceId('Microsoft.Network/virtualNetworks/virtualNetworkPeerings', 'hub-vnet', 'to-spoke-1')]")));
    }

    #[test]
    fn the_direct_writer_writes_the_bytes_of_the_value() {
        for p in presets::ALL {
            for spokes in [None, Some(7)] {
                let spokes = spokes.filter(|_| p.takes_spokes);
                let design = preset(p.name, spokes);
                let valid = Valid::new(&design).unwrap();
                let t = crate::export::template(&valid, &Options::default());
                assert_eq!(write(&t), to_text(&render(&t)), "{}", p.name);
            }
        }
        // Empty containers, brackets and escapes.
        let (b, _) = crate::rules::testing::hsm_vnet();
        let mut design = b.finish();
        design.name = "[\"quoted\"\n\u{1}]".to_string();
        let valid = Valid::new(&design).unwrap();
        let t = crate::export::template(&valid, &Options::default());
        assert_eq!(write(&t), to_text(&render(&t)));
    }

    #[test]
    fn the_same_design_gives_the_same_bytes() {
        for p in presets::ALL {
            let a = to_text(&export(&preset(p.name, None), &Options::default()));
            let b = to_text(&export(&preset(p.name, None), &Options::default()));
            assert_eq!(a, b);
            assert!(a.starts_with("{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\""));
        }
    }
}
