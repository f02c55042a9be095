//! ARM templates checked against Azure's own resource schemas, and against the facts those
//! schemas cannot see.
//!
//! The schemas are vendored in `tests/arm-schemas` (the files the exports need, unchanged from
//! Azure/azure-resource-manager-schemas; its README names the commit). Each resource is validated on its own
//! against `#/resourceDefinitions/<type path>` of `schemas/<apiVersion>/<Provider>.json` (JSON
//! Schema draft 4); a `$ref` to `https://schema.management.azure.com/schemas/<path>` is served
//! from `schemas/<path>`, so nothing is fetched over the network.
//!
//! The schemas are a lint: they accept misspelt keys and any `[expression]`. [`template_facts`]
//! checks what they cannot: every `dependsOn` and `resourceId(…)` names a declared resource, a
//! resource depends (at least transitively) on every resource it refers to, the Dedicated HSM
//! subnet key matches its API version and each HSM depends on its VNet's ExpressRoute gateway,
//! secrets are `secureString` parameters, and every parameter or variable referenced exists.
//!
//! The harness is proved first on hand-written templates in `tests/fixtures/arm/` (one valid,
//! each broken one tripping one check), then run on the exports of every preset.

#[path = "arm_schemas/expr.rs"]
mod expr;
#[path = "arm_schemas/facts.rs"]
mod facts;
#[path = "arm_schemas/schemas.rs"]
mod schemas;

use expr::{calls, parse_expression, Expr};
use facts::{all_failures, template_facts};
use hsmnet_core::presets;
use schemas::validate_template;
use serde_json::{json, Value};
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// The harness, proved on hand-written templates
// ---------------------------------------------------------------------------------------------

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/arm")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn resource_mut<'v>(template: &'v mut Value, name: &str) -> &'v mut Value {
    template["resources"]
        .as_array_mut()
        .and_then(|r| r.iter_mut().find(|r| r["name"] == name))
        .unwrap_or_else(|| panic!("the fixture has no resource named {name}"))
}

/// Asserts that `failures` is not empty and that one failure contains every needle.
#[track_caller]
fn assert_trips(failures: &[String], needles: &[&str]) {
    assert!(
        failures
            .iter()
            .any(|f| needles.iter().all(|n| f.contains(n))),
        "expected a failure containing {needles:?}; got {failures:#?}"
    );
}

#[test]
fn the_valid_fixture_passes_schemas_and_facts() {
    let failures = all_failures(&fixture("valid.json"));
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_misspelt_enum_value_fails_at_its_pointer() {
    let template = fixture("broken-enum.json");
    let failures = validate_template(&template);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert_trips(
        &failures,
        &[
            "/resources/0/properties/publicIPAllocationMethod",
            "Microsoft.Network/publicIPAddresses 'pip-ergw-hsm'",
            "\"Statik\"",
        ],
    );
    assert!(template_facts(&template).is_empty());
}

#[test]
fn a_missing_required_property_fails_naming_it() {
    let template = fixture("broken-required.json");
    let failures = validate_template(&template);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert_trips(
        &failures,
        &[
            "/resources/8/properties",
            "Microsoft.Network/connections 'cn-onprem'",
            "\"connectionType\" is a required property",
        ],
    );
}

#[test]
fn a_depends_on_to_an_undeclared_resource_fails_though_the_schema_passes() {
    let template = fixture("broken-dependson.json");
    assert!(
        validate_template(&template).is_empty(),
        "schemas cannot see this"
    );
    let failures = template_facts(&template);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert_trips(
        &failures,
        &[
            "/resources/8/dependsOn/2",
            "'lgw-branch'",
            "does not declare",
        ],
    );
}

#[test]
fn an_hsm_with_the_wrong_subnet_key_fails_though_the_schema_passes() {
    let template = fixture("broken-hsm-subnet-key.json");
    assert!(
        validate_template(&template).is_empty(),
        "schemas cannot see this"
    );
    let failures = template_facts(&template);
    assert_trips(
        &failures,
        &["'hsm-1'", "`resourceId` for apiVersion 2025-03-31"],
    );
}

#[test]
fn the_hsm_subnet_key_follows_the_api_version() {
    let mut template = fixture("valid.json");
    let hsm = resource_mut(&mut template, "hsm-1");
    hsm["apiVersion"] = json!("2021-11-30");
    assert_trips(
        &template_facts(&template),
        &["'hsm-1'", "`id` for apiVersion 2021-11-30"],
    );
    let hsm = resource_mut(&mut template, "hsm-1");
    let subnet = hsm["properties"]["networkProfile"]["subnet"]
        .as_object_mut()
        .unwrap();
    let reference = subnet.remove("resourceId").unwrap();
    subnet.insert("id".to_string(), reference);
    let failures = all_failures(&template);
    assert!(
        failures.is_empty(),
        "2021-11-30 with subnet.id: {failures:#?}"
    );
}

#[test]
fn a_type_or_api_version_without_a_schema_fails_clearly() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "hsm-1")["apiVersion"] = json!("2099-01-01");
    assert_trips(
        &validate_template(&template),
        &["'hsm-1'", "no schema for Microsoft.HardwareSecurityModules/dedicatedHSMs at apiVersion 2099-01-01"],
    );
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "lgw-onprem")["type"] =
        json!("Microsoft.Network/localNetworkGatewayz");
    assert_trips(
        &validate_template(&template),
        &[
            "/resources/7",
            "has no resourceDefinitions/localNetworkGatewayz",
        ],
    );
}

#[test]
fn nested_children_are_validated_on_their_own() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "vnet-app")["resources"][0]["properties"]
        ["allowForwardedTraffic"] = json!("yes");
    assert_trips(
        &validate_template(&template),
        &[
            "/resources/3/resources/0/properties/allowForwardedTraffic",
            "Microsoft.Network/virtualNetworks/virtualNetworkPeerings 'peer-to-hsm'",
        ],
    );
}

#[test]
fn a_stale_vm_size_fails_the_closed_enum() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "vm-nva-1")["properties"]["hardwareProfile"]["vmSize"] =
        json!("Standard_D2s_v5");
    let failures = validate_template(&template);
    assert_trips(
        &failures,
        &["/properties/hardwareProfile/vmSize", "'vm-nva-1'"],
    );
    assert!(
        failures.iter().all(|f| f.chars().count() < 500),
        "{failures:#?}"
    );
}

#[test]
fn a_resource_id_to_an_undeclared_resource_or_inline_element_fails() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "nic-nva-1")["properties"]["ipConfigurations"][0]["properties"]
        ["subnet"]["id"] =
        json!("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-app', 'snet-db')]");
    assert_trips(
        &template_facts(&template),
        &[
            "/resources/10/properties/ipConfigurations/0/properties/subnet/id",
            "'vnet-app/snet-db'",
        ],
    );
    let mut template = fixture("valid.json");
    template["outputs"]["hsmId"]["value"] =
        json!("[resourceId('Microsoft.HardwareSecurityModules/dedicatedHSMs', 'hsm-2')]");
    assert_trips(
        &template_facts(&template),
        &["/outputs/hsmId/value", "'hsm-2'"],
    );
}

#[test]
fn a_resource_must_depend_on_what_it_refers_to() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "vm-nva-1")["dependsOn"] = json!([]);
    assert_trips(
        &template_facts(&template),
        &[
            "/resources/11/properties/networkProfile",
            "does not depend on it",
            "'nic-nva-1'",
        ],
    );
    // Transitive is enough: the HSM reaches the VNet through its gateway.
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "hsm-1")["dependsOn"] =
        json!(["[resourceId('Microsoft.Network/virtualNetworkGateways', 'ergw-hsm')]"]);
    let failures = all_failures(&template);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn an_hsm_must_depend_on_its_vnets_expressroute_gateway() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "hsm-1")["dependsOn"] =
        json!(["[resourceId('Microsoft.Network/virtualNetworks', 'vnet-hsm')]"]);
    assert_trips(
        &template_facts(&template),
        &["'hsm-1'", "ExpressRoute gateway", "'ergw-hsm'", "dependsOn"],
    );
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "ergw-hsm")["properties"]["gatewayType"] = json!("Vpn");
    assert_trips(
        &template_facts(&template),
        &["'hsm-1'", "VNet 'vnet-hsm' has no ExpressRoute gateway"],
    );
}

#[test]
fn a_child_must_depend_on_its_parent_and_cycles_fail() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "vnet-hsm/peer-to-app")["dependsOn"] =
        json!(["[resourceId('Microsoft.Network/virtualNetworks', 'vnet-app')]"]);
    assert_trips(
        &template_facts(&template),
        &[
            "'vnet-hsm/peer-to-app'",
            "does not depend on its parent",
            "'vnet-hsm'",
        ],
    );
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "vnet-hsm")["dependsOn"] =
        json!(["[resourceId('Microsoft.HardwareSecurityModules/dedicatedHSMs', 'hsm-1')]"]);
    assert_trips(&template_facts(&template), &["dependsOn cycle"]);
}

#[test]
fn secrets_must_be_secure_string_parameters() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "cn-onprem")["properties"]["sharedKey"] = json!("hunter2");
    assert_trips(
        &template_facts(&template),
        &[
            "/resources/8/properties/sharedKey",
            "secret `sharedKey`",
            "hunter2",
        ],
    );
    let mut template = fixture("valid.json");
    template["parameters"]["nvaAdminSshKey"]["type"] = json!("string");
    assert_trips(
        &template_facts(&template),
        &["keyData", "'nvaAdminSshKey'", "not a secureString"],
    );
    let mut template = fixture("valid.json");
    template["parameters"]["vpnSharedKey"]["defaultValue"] = json!("hunter2");
    assert_trips(
        &template_facts(&template),
        &["/parameters/vpnSharedKey", "defaultValue"],
    );
}

#[test]
fn referenced_parameters_and_variables_must_exist_and_declared_ones_be_used() {
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "cn-onprem")["properties"]["sharedKey"] =
        json!("[parameters('vpnSharedKeyy')]");
    let failures = template_facts(&template);
    assert_trips(
        &failures,
        &["parameters 'vpnSharedKeyy'", "does not declare"],
    );
    assert_trips(&failures, &["/parameters/vpnSharedKey", "never used"]);
    let mut template = fixture("valid.json");
    resource_mut(&mut template, "lgw-onprem")["location"] = json!("[variables('region')]");
    assert_trips(&template_facts(&template), &["variables 'region'"]);
}

#[test]
fn expressions_parse() {
    assert_eq!(parse_expression("plain").unwrap(), None);
    assert_eq!(parse_expression("[[escaped]").unwrap(), None);
    let e = parse_expression("[resourceId('A/b', 'it''s', 'x')]")
        .unwrap()
        .unwrap();
    assert_eq!(
        e,
        Expr::Call(
            "resourceId".into(),
            vec![
                Expr::Str("A/b".into()),
                Expr::Str("it's".into()),
                Expr::Str("x".into())
            ]
        )
    );
    let e = parse_expression("[reference(parameters('p')).properties.ip[0]]")
        .unwrap()
        .unwrap();
    let mut found = Vec::new();
    calls(&e, &mut found);
    let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["reference", "parameters"]);
    assert!(parse_expression("[concat('a', ]").is_err());
    assert!(parse_expression("[parameters('a')").unwrap().is_none());
    assert!(parse_expression("[parameters('a') x]").is_err());
}

// ---------------------------------------------------------------------------------------------
// Every preset's export
// ---------------------------------------------------------------------------------------------

/// The sizes each preset is exported at: its default, `--spokes 50` when it takes spokes, and
/// `--regions 3` (also with `--spokes 50`) when it takes regions.
fn preset_sizes(preset: &presets::Preset) -> Vec<(String, presets::Size)> {
    let mut sizes = vec![("default size".to_string(), presets::Size::default())];
    if preset.takes_spokes {
        let spokes = Some(50);
        sizes.push((
            "--spokes 50".to_string(),
            presets::Size {
                spokes,
                regions: None,
            },
        ));
    }
    if preset.takes_regions {
        let regions = Some(3);
        sizes.push((
            "--regions 3".to_string(),
            presets::Size {
                spokes: None,
                regions,
            },
        ));
        if preset.takes_spokes {
            let spokes = Some(50);
            sizes.push((
                "--spokes 50 --regions 3".to_string(),
                presets::Size { spokes, regions },
            ));
        }
    }
    sizes
}

/// The resources of a template, nested children included.
fn count_resources(resources: &Value) -> usize {
    resources
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|r| 1 + r.get("resources").map_or(0, count_resources))
                .sum()
        })
        .unwrap_or(0)
}

/// The payment presets' exports: the tag on every VNet that needs it (and the harness trips
/// when one lacks it), the management profile in another VNet, several host addresses, and the
/// note about the FastPathEnabled feature.
#[test]
fn payment_hsm_exports_carry_tags_management_profiles_host_addresses_and_the_feature_note() {
    use hsmnet_core::export::{arm, Options, Valid};
    let mut design = presets::build("payment-hsm-multi-vnet", &Default::default()).unwrap();
    design.hsms[0].more_host_ips = vec!["10.0.1.8".parse().unwrap()];
    let valid = Valid::new(&design).unwrap_or_else(|r| panic!("{r:?}"));
    let template = arm::template(&valid, &Options::default());
    let failures = all_failures(&template);
    assert!(failures.is_empty(), "{failures:#?}");
    let resources = template["resources"].as_array().unwrap();
    let vnets: Vec<&Value> = resources
        .iter()
        .filter(|r| r["type"] == "Microsoft.Network/virtualNetworks")
        .collect();
    assert_eq!(vnets.len(), 6);
    for v in &vnets {
        assert_eq!(v["tags"]["fastpathenabled"], "true", "{}", v["name"]);
    }
    let hsm = resources
        .iter()
        .find(|r| r["name"] == "phsm1-westeurope")
        .unwrap();
    let host = &hsm["properties"]["networkProfile"]["networkInterfaces"];
    assert_eq!(host.as_array().unwrap().len(), 2, "{host}");
    let management = hsm["properties"]["managementNetworkProfile"]["subnet"]["resourceId"]
        .as_str()
        .unwrap();
    assert!(
        management.contains("'phsm-mgmt-westeurope', 'mgmt-subnet'"),
        "{management}"
    );
    let note = template["metadata"]["paymentHsm"].as_str().unwrap();
    assert!(note.contains("FastPathEnabled"), "{note}");

    // Untagged, a spoke peered with a host VNet trips the harness.
    let mut broken = template.clone();
    let spoke = resource_mut(&mut broken, "app-westeurope-1");
    spoke.as_object_mut().unwrap().remove("tags");
    assert_trips(
        &template_facts(&broken),
        &[
            "(peered)",
            "'app-westeurope-1' lacks the tag fastpathenabled",
        ],
    );
}

/// What no preset has but imported designs do: an active-active VPN gateway (its second IP
/// configuration and public IP, as Azure requires), an ExpressRoute connection with FastPath
/// and a gateway's Basic public IP. Each is written, and the template stays valid.
#[test]
fn active_active_fastpath_and_a_basic_public_ip_are_written_and_valid() {
    use hsmnet_core::export::{arm, Options, Valid};
    use hsmnet_core::model::{ConnectionKind, GatewayKind, PublicIpSku};
    let mut design = presets::build("cross-region-ha", &Default::default()).unwrap();
    for g in &mut design.gateways {
        match g.kind {
            GatewayKind::Vpn => g.active_active = true,
            GatewayKind::ExpressRoute => g.public_ip_sku = PublicIpSku::Basic,
        }
    }
    let valid = Valid::new(&design).unwrap_or_else(|r| panic!("{r:?}"));
    let template = arm::template(&valid, &Options::default());
    let failures = all_failures(&template);
    assert!(failures.is_empty(), "{failures:#?}");
    let resources = template["resources"].as_array().unwrap();
    let vpn = design
        .gateways
        .iter()
        .find(|g| g.kind == GatewayKind::Vpn)
        .unwrap();
    let gateway = resources.iter().find(|r| r["name"] == vpn.name).unwrap();
    assert_eq!(gateway["properties"]["activeActive"], true);
    let configs = gateway["properties"]["ipConfigurations"]
        .as_array()
        .unwrap();
    assert_eq!(configs.len(), 2, "one IP configuration per instance");
    let second_pip = format!("{}-pip2", vpn.name);
    let pip = resources.iter().find(|r| r["name"] == second_pip).unwrap();
    assert_eq!(pip["sku"]["name"], "Standard");
    assert!(
        configs[1]["properties"]["publicIPAddress"]["id"]
            .as_str()
            .unwrap()
            .contains(&second_pip),
        "{}",
        configs[1]
    );
    let er = design
        .gateways
        .iter()
        .find(|g| g.kind == GatewayKind::ExpressRoute)
        .unwrap();
    let er_pip = format!("{}-pip", er.name);
    let pip = resources.iter().find(|r| r["name"] == er_pip).unwrap();
    assert_eq!(pip["sku"]["name"], "Basic");

    let mut design = presets::build("hub-nva-proxy", &Default::default()).unwrap();
    let connection = design
        .connections
        .iter_mut()
        .find(|c| matches!(c.kind, ConnectionKind::ExpressRoute { .. }))
        .unwrap();
    connection.fastpath = true;
    let name = connection.name.clone();
    let valid = Valid::new(&design).unwrap_or_else(|r| panic!("{r:?}"));
    let template = arm::template(&valid, &Options::default());
    let failures = all_failures(&template);
    assert!(failures.is_empty(), "{failures:#?}");
    let resources = template["resources"].as_array().unwrap();
    let written = resources.iter().find(|r| r["name"] == name).unwrap();
    assert_eq!(written["properties"]["expressRouteGatewayBypass"], true);
}

#[test]
fn every_preset_exports_a_template_that_passes_the_schemas_and_the_facts() {
    use hsmnet_core::export::{arm, HsmApiVersion, Options, Valid};
    let mut cases = Vec::new();
    for preset in presets::ALL {
        for (size_label, size) in preset_sizes(preset) {
            for hsm_api_version in HsmApiVersion::ALL {
                cases.push((
                    preset.name,
                    size_label.clone(),
                    size.clone(),
                    hsm_api_version,
                ));
            }
        }
    }
    let started = std::time::Instant::now();
    let results: Vec<(String, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(name, size_label, size, hsm_api_version)| {
                scope.spawn(move || {
                    let case = format!("{name} ({size_label}, HSM API {hsm_api_version})");
                    let design = presets::build(name, size)
                        .unwrap_or_else(|e| panic!("{case}: cannot build: {e}"));
                    let valid = Valid::new(&design)
                        .unwrap_or_else(|r| panic!("{case}: the preset has errors: {r:?}"));
                    let options = Options {
                        hsm_api_version: *hsm_api_version,
                    };
                    let template = arm::template(&valid, &options);
                    let mut failures = all_failures(&template);
                    let hsms = template["resources"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|r| r["type"] == "Microsoft.HardwareSecurityModules/dedicatedHSMs")
                        .filter(|r| r["apiVersion"] == hsm_api_version.as_str())
                        .count();
                    if hsms == 0 && !design.hsms.is_empty() {
                        failures.push(format!("no dedicatedHSMs at apiVersion {hsm_api_version}"));
                    }
                    (case, count_resources(&template["resources"]), failures)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut report = String::new();
    let mut resources = 0;
    for (case, count, failures) in &results {
        resources += count;
        if !failures.is_empty() {
            report.push_str(&format!("{case}: {} failure(s)\n", failures.len()));
            for failure in failures.iter().take(25) {
                report.push_str(&format!("  {failure}\n"));
            }
        }
    }
    eprintln!(
        "validated {resources} resources in {} exports in {:?}",
        results.len(),
        started.elapsed()
    );
    assert!(report.is_empty(), "exports that fail:\n{report}");
}

#[test]
fn the_harness_trips_on_a_real_export_broken_by_hand() {
    use hsmnet_core::export::{arm, Options, Valid};
    let design = presets::build("hub-nva-proxy", &presets::Size::default()).expect("preset");
    let valid = Valid::new(&design).expect("the preset checks clean");
    let exported = arm::template(&valid, &Options::default());
    assert!(all_failures(&exported).is_empty());
    let hsm_at = exported["resources"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .position(|r| r["type"] == "Microsoft.HardwareSecurityModules/dedicatedHSMs")
        })
        .expect("the preset has an HSM");

    // The subnet under the other API version's key.
    let mut template = exported.clone();
    let subnet = template["resources"][hsm_at]["properties"]["networkProfile"]["subnet"]
        .as_object_mut()
        .expect("subnet object");
    let reference = subnet
        .remove("resourceId")
        .expect("2025-03-31 uses resourceId");
    subnet.insert("id".to_string(), reference);
    assert_trips(
        &template_facts(&template),
        &["dedicatedHSMs", "`resourceId`"],
    );

    // A SKU the schema does not list.
    let mut template = exported.clone();
    template["resources"][hsm_at]["sku"]["name"] = json!("SafeNet Luna Network HSM A79O");
    let pointer = format!("/resources/{hsm_at}/sku/name");
    assert_trips(&validate_template(&template), &[pointer.as_str(), "A79O"]);

    // No dependsOn at all.
    let mut template = exported;
    template["resources"][hsm_at]
        .as_object_mut()
        .expect("resource object")
        .remove("dependsOn");
    assert_trips(
        &template_facts(&template),
        &["ExpressRoute gateway", "dependsOn"],
    );
}

#[test]
fn the_cloud_hsm_resources_are_validated_against_their_schemas() {
    use hsmnet_core::export::{arm, Options, Valid};
    let design = presets::build("cloud-hsm", &presets::Size::default()).unwrap();
    let valid = Valid::new(&design).unwrap();
    let mut template = arm::template(&valid, &Options::default());
    let position = |template: &Value, ty: &str| {
        template["resources"]
            .as_array()
            .unwrap()
            .iter()
            .position(|r| r["type"] == ty)
            .unwrap_or_else(|| panic!("no {ty}"))
    };
    for ty in [
        "Microsoft.HardwareSecurityModules/cloudHsmClusters",
        "Microsoft.Network/privateDnsZones",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "Microsoft.Network/privateEndpoints",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    ] {
        position(&template, ty);
    }
    assert!(all_failures(&template).is_empty());
    let cluster = position(
        &template,
        "Microsoft.HardwareSecurityModules/cloudHsmClusters",
    );
    template["resources"][cluster]["properties"]["publicNetworkAccess"] = json!("Enabled");
    let link = position(
        &template,
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    );
    template["resources"][link]["properties"]["registrationEnabled"] = json!("no");
    let failures = validate_template(&template);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert_trips(&failures, &["publicNetworkAccess", "\"Enabled\""]);
    assert_trips(&failures, &["registrationEnabled", "\"no\""]);
}
