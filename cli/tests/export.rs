//! End-to-end tests of `hsmnet export`: formats, exit codes, refusal of designs with errors.

use serde_json::Value;

mod common;
use common::*;

const PRESETS: [&str; 4] = [
    "single-vnet",
    "hub-nva-proxy",
    "cross-region-ha",
    "expressroute-direct",
];

#[test]
fn every_preset_exports_in_every_format() {
    for name in PRESETS {
        let doc = preset(&[name]);
        let arm = hsmnet(&["export", "arm", "-"], Some(&doc));
        assert_eq!(arm.status.code(), Some(0), "{name}: {}", stderr(&arm));
        let template: Value = serde_json::from_str(&stdout(&arm)).unwrap();
        assert_eq!(
            template["$schema"],
            "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
        );
        assert_eq!(template["contentVersion"], "1.0.0.0");
        let resources = template["resources"].as_array().unwrap();
        assert!(resources
            .iter()
            .any(|r| r["type"] == "Microsoft.HardwareSecurityModules/dedicatedHSMs"));

        let bicep = hsmnet(&["export", "bicep", "-"], Some(&doc));
        assert_eq!(bicep.status.code(), Some(0), "{name}: {}", stderr(&bicep));
        let text = stdout(&bicep);
        assert_eq!(
            text.matches("\nresource ").count(),
            resources.len(),
            "{name}"
        );

        // The design document comes back byte for byte.
        let json = hsmnet(&["export", "json", "-"], Some(&doc));
        assert_eq!(json.status.code(), Some(0), "{name}: {}", stderr(&json));
        assert_eq!(stdout(&json), doc, "{name}");
    }
}

#[test]
fn a_design_with_errors_is_refused_with_its_errors_listed() {
    let doc = preset(&["single-vnet"]).replace(
        "\"sku\": \"SafeNet Luna Network HSM A790\"",
        "\"sku\": \"Luna 7\"",
    );
    for target in ["arm", "bicep", "json"] {
        let out = hsmnet(&["export", target, "-"], Some(&doc));
        assert_eq!(out.status.code(), Some(1), "{target}");
        assert!(stdout(&out).is_empty(), "{target}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("error[hsm-sku-valid]"), "{err}");
        assert!(err.contains("Luna 7"), "{err}");
        assert!(err.contains("not exported: 2 errors"), "{err}");
    }
}

#[test]
fn a_name_azure_refuses_is_an_error_before_export() {
    let doc =
        preset(&["single-vnet"]).replace("\"name\": \"hsm1\"", "\"name\": \"hsm 1 <script>\"");
    let out = hsmnet(&["export", "bicep", "-"], Some(&doc));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error[azure-name-valid]"), "{err}");
    assert!(err.contains("\"hsm 1 <script>\""), "{err}");
}

#[test]
fn warnings_do_not_block() {
    let doc = preset(&["hub-nva-proxy"]);
    let out = hsmnet(&["export", "arm", "-"], Some(&doc));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("warning[ha-regions]"),
        "{}",
        stderr(&out)
    );
    // Warnings go to standard error only: the template stays parseable.
    serde_json::from_str::<Value>(&stdout(&out)).unwrap();
}

#[test]
fn unreadable_input_exits_2() {
    let missing = hsmnet(&["export", "arm", "/nonexistent/design.json"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read /nonexistent/design.json"));
    let malformed = hsmnet(&["export", "bicep", "-"], Some("{ not json"));
    assert_eq!(malformed.status.code(), Some(2));
    assert!(stdout(&malformed).is_empty());
    let bad_version = hsmnet(
        &["export", "arm", "-", "--hsm-api-version", "2024-01-01"],
        Some(&preset(&["single-vnet"])),
    );
    assert_eq!(bad_version.status.code(), Some(2));
}

#[test]
fn out_writes_the_same_bytes_as_standard_output() {
    let doc = preset(&["cross-region-ha"]);
    let dir = std::env::temp_dir().join(format!("hsmnet-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("design.json");
    std::fs::write(&input, &doc).unwrap();
    let input = input.to_str().unwrap();
    for (target, file) in [("arm", "azuredeploy.json"), ("bicep", "main.bicep")] {
        let path = dir.join(file);
        let path = path.to_str().unwrap();
        let written = hsmnet(&["export", target, input, "-o", path], None);
        assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
        assert!(stdout(&written).is_empty());
        let printed = hsmnet(&["export", target, input], None);
        assert_eq!(std::fs::read_to_string(path).unwrap(), stdout(&printed));
    }
    let unwritable = hsmnet(
        &["export", "arm", input, "-o", "/nonexistent/dir/x.json"],
        None,
    );
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(stderr(&unwritable).contains("cannot write"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_hsm_api_version_switches_the_subnet_key() {
    let doc = preset(&["single-vnet"]);
    for (version, key) in [("2025-03-31", "resourceId"), ("2021-11-30", "id")] {
        let out = hsmnet(
            &["export", "arm", "-", "--hsm-api-version", version],
            Some(&doc),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let template: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let hsm = template["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "Microsoft.HardwareSecurityModules/dedicatedHSMs")
            .unwrap();
        assert_eq!(hsm["apiVersion"], version);
        let subnet = hsm["properties"]["networkProfile"]["subnet"]
            .as_object()
            .unwrap();
        assert_eq!(subnet.keys().collect::<Vec<_>>(), vec![key]);
        let bicep = hsmnet(
            &["export", "bicep", "-", "--hsm-api-version", version],
            Some(&doc),
        );
        let text = stdout(&bicep);
        assert!(
            text.contains(&format!("dedicatedHSMs@{version}'")),
            "{version}"
        );
        assert!(
            text.contains(&format!(
                "        {key}: '${{vnet_hsm_vnet.id}}/subnets/hsm-subnet'"
            )),
            "{text}"
        );
    }
}
