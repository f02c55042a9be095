//! The ARM deployment template: the [`Template`] as JSON.
//!
//! References become `[resourceId('type', 'name', …)]` expressions and every dependency is
//! listed in `dependsOn` the same way. Literal strings that ARM would read as an expression
//! (`[…]`) are escaped with a second `[`. Keys are written in sorted order (as serde_json's
//! map keeps them), so the same design gives the same bytes.
//!
//! One [`Serialize`] view of the intermediate representation gives both the
//! [`Value`](serde_json::Value) of [`template`] and the text of [`to_string`].

use super::{Options, Parameter, Ref, Refused, Resource, Template, Val, Valid};
use crate::hashing::HashMap;
use crate::import::facts::{Facts, KEY as FACTS_KEY};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The `$schema` of the template.
pub const SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
pub const CONTENT_VERSION: &str = "1.0.0.0";

/// The deployment template of a checked design.
pub fn template(valid: &Valid, options: &Options) -> Value {
    render(&super::template(valid, options))
}

/// The deployment template as pretty-printed JSON, ending with a newline: the bytes of
/// [`to_text`] of [`template`], serialised straight from the intermediate representation.
/// Refused when Azure Resource Manager would refuse the template (its limits: resources,
/// parameters, bytes).
pub fn to_string(valid: &Valid, options: &Options) -> Result<String, Refused> {
    let t = super::template(valid, options);
    super::within_counts(&t)?;
    let text = pretty(&View::new(&t), t.resources.len() * 900);
    super::within_bytes(text.len())?;
    Ok(text)
}

/// The length in bytes of the ARM template's text ([`to_string`]), without keeping the text.
pub fn text_len(t: &Template) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // As in `pretty`: this view always serialises.
    let _ = serde_json::to_writer_pretty(&mut count, &View::new(t));
    count.0 + 1
}

/// Pretty JSON text of a template value, ending with a newline.
pub fn to_text(template: &Value) -> String {
    pretty(template, 0)
}

/// Renders the intermediate representation.
pub fn render(t: &Template) -> Value {
    // The view has only string keys, so it always converts.
    serde_json::to_value(View::new(t)).unwrap_or_default()
}

/// Pretty JSON text ending with a newline.
fn pretty(value: &impl Serialize, capacity: usize) -> String {
    let mut buf = Vec::with_capacity(capacity);
    // Strings, numbers, booleans, arrays and objects with string keys always serialise.
    let _ = serde_json::to_writer_pretty(&mut buf, value);
    buf.push(b'\n');
    // serde_json writes only UTF-8.
    String::from_utf8(buf).unwrap_or_default()
}

/// The template as ARM JSON.
struct View<'a> {
    t: &'a Template,
    positions: HashMap<&'a str, usize>,
}

impl<'a> View<'a> {
    fn new(t: &'a Template) -> Self {
        View {
            t,
            positions: t.positions(),
        }
    }

    /// `[resourceId('type', 'name', …)]` of a resource or of a sub-resource of it.
    fn resource_id(&self, r: &Resource, child: Option<&(&'static str, String)>) -> String {
        let mut out = String::with_capacity(128);
        out.push_str("[resourceId('");
        push_quoted(&mut out, r.kind);
        if let Some((segment, _)) = child {
            out.push('/');
            out.push_str(segment);
        }
        out.push('\'');
        let names = self.t.name_path(&self.positions, r);
        for n in names.iter().copied().chain(child.map(|(_, n)| n.as_str())) {
            out.push_str(", '");
            push_quoted(&mut out, n);
            out.push('\'');
        }
        out.push_str(")]");
        out
    }
}

/// An object of the given entries in key order, as serde_json's map holds them (the last of
/// repeated keys wins).
fn object<S: Serializer, K: AsRef<str>, V: Serialize>(
    s: S,
    entries: impl IntoIterator<Item = (K, V)>,
) -> Result<S::Ok, S::Error> {
    let mut entries: Vec<(K, V)> = entries.into_iter().collect();
    entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    let mut map = s.serialize_map(None)?;
    let mut entries = entries.into_iter().peekable();
    while let Some((k, v)) = entries.next() {
        if entries
            .peek()
            .is_some_and(|next| next.0.as_ref() == k.as_ref())
        {
            continue;
        }
        map.serialize_entry(k.as_ref(), &v)?;
    }
    map.end()
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.t;
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("$schema", SCHEMA)?;
        map.serialize_entry("contentVersion", CONTENT_VERSION)?;
        map.serialize_entry("metadata", &Metadata(&t.metadata, &t.facts))?;
        map.serialize_entry("parameters", &Parameters(&t.parameters))?;
        map.serialize_entry("resources", &Resources(self))?;
        map.end()
    }
}

struct Metadata<'a>(&'a [(String, String)], &'a Facts);

impl Serialize for Metadata<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&str, Value)> = self
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), Value::String(lit(v).into_owned())))
            .collect();
        if !self.1.is_empty() {
            // Through a `Value`, so the keys are sorted like every other object here. Metadata
            // is never evaluated by Azure, so its strings need no `[[` escape.
            entries.push((FACTS_KEY, serde_json::to_value(self.1).unwrap_or_default()));
        }
        object(s, entries)
    }
}

struct Parameters<'a>(&'a [Parameter]);

impl Serialize for Parameters<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object(s, self.0.iter().map(|p| (&p.name, ParameterView(p))))
    }
}

struct ParameterView<'a>(&'a Parameter);

impl Serialize for ParameterView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        // Keys in sorted order.
        let mut map = s.serialize_map(None)?;
        if let Some(d) = &p.default {
            map.serialize_entry("defaultValue", &lit(d))?;
        }
        let description = BTreeMap::from([("description", lit(&p.description))]);
        map.serialize_entry("metadata", &description)?;
        let kind = if p.secure { "securestring" } else { "string" };
        map.serialize_entry("type", kind)?;
        map.end()
    }
}

struct Resources<'a>(&'a View<'a>);

impl Serialize for Resources<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let mut seq = s.serialize_seq(Some(view.t.resources.len()))?;
        for r in &view.t.resources {
            seq.serialize_element(&ResourceView { view, r })?;
        }
        seq.end()
    }
}

struct ResourceView<'a> {
    view: &'a View<'a>,
    r: &'a Resource,
}

impl Serialize for ResourceView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (view, r) = (self.view, self.r);
        let (t, positions) = (view.t, &view.positions);
        let depends: Vec<String> = t
            .dependencies(r)
            .into_iter()
            .filter_map(|s| positions.get(s))
            .map(|&i| view.resource_id(&t.resources[i], None))
            .collect();
        let name = t.name_path(positions, r).join("/");
        // Keys in sorted order.
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("apiVersion", r.api_version)?;
        if !depends.is_empty() {
            map.serialize_entry("dependsOn", &depends)?;
        }
        if let Some(l) = &r.location {
            map.serialize_entry("location", &ValView { view, v: l })?;
        }
        map.serialize_entry("name", &lit(&name))?;
        let properties = ValView {
            view,
            v: &r.properties,
        };
        map.serialize_entry("properties", &properties)?;
        if let Some(sku) = &r.sku {
            map.serialize_entry("sku", &ValView { view, v: sku })?;
        }
        if !r.tags.is_empty() {
            let tags = r
                .tags
                .iter()
                .map(|(k, v)| (lit(k).into_owned(), lit(v).into_owned()));
            map.serialize_entry("tags", &Tags(tags.collect()))?;
        }
        map.serialize_entry("type", r.kind)?;
        map.end()
    }
}

/// A resource's tags, in the design's order (sorted by name).
struct Tags(Vec<(String, String)>);

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object(s, self.0.iter().map(|(k, v)| (k, v)))
    }
}

struct ValView<'a> {
    view: &'a View<'a>,
    v: &'a Val,
}

impl Serialize for ValView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = self.view;
        match self.v {
            Val::Bool(b) => s.serialize_bool(*b),
            Val::Int(n) => s.serialize_i64(*n),
            Val::Str(text) => s.serialize_str(&lit(text)),
            Val::Arr(items) => s.collect_seq(items.iter().map(|v| ValView { view, v })),
            Val::Obj(pairs) => object(s, pairs.iter().map(|(k, v)| (*k, ValView { view, v }))),
            Val::Param(name) => s.serialize_str(&format!("[parameters({})]", quote(name))),
            Val::Ref(Ref { symbol, child }) => match view.positions.get(symbol.as_str()) {
                Some(&i) => {
                    s.serialize_str(&view.resource_id(&view.t.resources[i], child.as_ref()))
                }
                // Builders only refer to resources they declared; an unknown one is left empty.
                None => s.serialize_str(""),
            },
        }
    }
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

/// A string literal inside an ARM expression: single quotes, a quote doubled.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    push_quoted(&mut out, s);
    out.push('\'');
    out
}

/// A literal string value: one that ARM would read as an expression (`[…]`) gets a second `[`.
pub fn literal(s: &str) -> String {
    lit(s).into_owned()
}

/// [`literal`], borrowing the string when it needs no escape.
fn lit(s: &str) -> Cow<'_, str> {
    if s.starts_with('[') && s.ends_with(']') {
        Cow::Owned(format!("[{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{HsmApiVersion, Options};
    use crate::presets::{self, Size};
    use serde_json::json;
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
    fn a_firewall_that_always_snats_says_so_in_its_policy() {
        let snat_of = |design: &crate::Design| {
            let t = export(design, &Options::default());
            t["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["type"] == "Microsoft.Network/firewallPolicies")
                .map(|p| p["properties"]["snat"].clone())
                .unwrap()
        };
        let mut design = preset("hub-nva-proxy", None);
        assert!(design.firewalls.iter().all(|f| f.always_snat));
        assert_eq!(
            snat_of(&design)["privateRanges"],
            serde_json::json!(["255.255.255.255/32"])
        );
        design
            .firewalls
            .iter_mut()
            .for_each(|f| f.always_snat = false);
        assert_eq!(snat_of(&design), Value::Null);
    }

    /// The secure baseline docs/security-scan.md describes, which checkov also checks
    /// (cli/tests/checkov.rs): part of it no scanner rule covers (the policy's mode, no
    /// public IP on an NVA), so it is pinned here.
    #[test]
    fn every_export_has_the_secure_baseline() {
        for p in presets::ALL {
            let t = export(&preset(p.name, None), &Options::default());
            let resources = t["resources"].as_array().unwrap();
            let of_type = |ty: &'static str| resources.iter().filter(move |r| r["type"] == ty);
            for fw in of_type("Microsoft.Network/azureFirewalls")
                .chain(of_type("Microsoft.Network/firewallPolicies"))
            {
                assert_eq!(fw["properties"]["threatIntelMode"], "Deny", "{}", p.name);
            }
            for vm in of_type("Microsoft.Compute/virtualMachines") {
                let props = &vm["properties"];
                assert_eq!(props["securityProfile"]["encryptionAtHost"], true);
                assert_eq!(
                    props["diagnosticsProfile"]["bootDiagnostics"]["enabled"],
                    true
                );
                assert_eq!(props["osProfile"]["allowExtensionOperations"], false);
                assert_eq!(
                    props["osProfile"]["linuxConfiguration"]["disablePasswordAuthentication"],
                    true
                );
            }
            // An NVA is reached through the load balancer or by private address only.
            for nic in of_type("Microsoft.Network/networkInterfaces") {
                for ip in nic["properties"]["ipConfigurations"].as_array().unwrap() {
                    assert!(ip["properties"].get("publicIPAddress").is_none(), "{nic}");
                }
            }
            let nvas: Vec<&str> = of_type("Microsoft.Compute/virtualMachines")
                .map(|vm| vm["name"].as_str().unwrap())
                .collect();
            for pip in of_type("Microsoft.Network/publicIPAddresses") {
                let name = pip["name"].as_str().unwrap();
                assert!(!nvas.iter().any(|n| name.starts_with(n)), "{name}");
            }
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
    fn the_text_is_the_pretty_value() {
        for p in presets::ALL {
            for spokes in [None, Some(7)] {
                let spokes = spokes.filter(|_| p.takes_spokes);
                let design = preset(p.name, spokes);
                let valid = Valid::new(&design).unwrap();
                let t = crate::export::template(&valid, &Options::default());
                assert_eq!(
                    to_string(&valid, &Options::default()).unwrap(),
                    to_text(&render(&t)),
                    "{}",
                    p.name
                );
            }
        }
        // Empty containers, brackets and escapes.
        let (b, _) = crate::rules::testing::hsm_vnet();
        let mut design = b.finish();
        design.name = "[\"quoted\"\n\u{1}]".to_string();
        let valid = Valid::new(&design).unwrap();
        let t = crate::export::template(&valid, &Options::default());
        let text = to_string(&valid, &Options::default()).unwrap();
        assert_eq!(text, to_text(&render(&t)));
        assert_eq!(text_len(&t), text.len());
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
