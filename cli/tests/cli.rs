//! End-to-end tests of the `hsmnet` binary: exit codes, output, and the catalogue.

use serde_json::Value;

mod common;
use common::*;

fn check_json(doc: &str) -> (i32, Value) {
    let out = hsmnet(&["check", "-", "--format", "json"], Some(doc));
    let code = out.status.code().unwrap();
    let report = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
    (code, report)
}

fn rules_found(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Preset names from `hsmnet preset list`.
fn preset_names() -> Vec<String> {
    let out = hsmnet(&["preset", "list"], None);
    stdout(&out)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn every_preset_checks_clean_at_default_size_and_at_100_spokes() {
    let names = preset_names();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"payment-hsm".to_string()), "{names:?}");
    assert!(
        names.contains(&"payment-hsm-multi-vnet".to_string()),
        "{names:?}"
    );
    for name in &names {
        let mut sizes: Vec<Vec<&str>> = vec![vec![]];
        if name != "cross-region-ha" {
            sizes.push(vec!["--spokes", "100"]);
        }
        for size in sizes {
            let mut args = vec![name.as_str()];
            args.extend(size.iter());
            let doc = preset(&args);
            let (code, report) = check_json(&doc);
            assert_eq!(code, 0, "{name} {size:?}: {}", report);
            assert_eq!(report["errors"], 0);
        }
    }
}

#[test]
fn text_output_names_severity_rule_and_elements_and_exit_1_on_errors() {
    let mut doc: Value = serde_json::from_str(&preset(&["single-vnet"])).unwrap();
    // Attach an NSG to the delegated HSM subnet.
    let design = &mut doc["design"];
    let nsg_id = 90_000;
    design["nsgs"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": nsg_id, "name": "hsm-nsg", "rules": []}));
    for vnet in design["vnets"].as_array_mut().unwrap() {
        for subnet in vnet["subnets"].as_array_mut().unwrap() {
            if subnet["delegation"].is_string() {
                subnet["nsg"] = nsg_id.into();
            }
        }
    }
    let text = doc.to_string();
    let out = hsmnet(&["check", "-"], Some(&text));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let printed = stdout(&out);
    assert!(printed.contains("error[hsm-subnet-no-nsg]: "), "{printed}");
    assert!(printed.contains("hsm-nsg"), "{printed}");
    assert!(printed.contains("  --> -: subnet "), "{printed}");
}

#[test]
fn a_cross_region_peering_to_the_hsm_vnet_is_an_error() {
    let mut doc: Value = serde_json::from_str(&preset(&["single-vnet"])).unwrap();
    let design = &mut doc["design"];
    design["regions"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": 90_001, "name": "North Europe", "location": "northeurope"
        }));
    // Move the application VNet (every VNet without HSM subnet) to the new region.
    for vnet in design["vnets"].as_array_mut().unwrap() {
        let has_hsm_subnet = vnet["subnets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["delegation"].is_string());
        if !has_hsm_subnet {
            vnet["region"] = 90_001.into();
        }
    }
    let (code, report) = check_json(&doc.to_string());
    assert_eq!(code, 1);
    assert!(
        rules_found(&report).contains(&"peering-same-region".to_string()),
        "{report}"
    );
}

#[test]
fn snat_off_on_an_nva_is_an_error() {
    let mut doc: Value = serde_json::from_str(&preset(&["hub-nva-proxy"])).unwrap();
    doc["design"]["nvas"][0]["snat"] = false.into();
    let (code, report) = check_json(&doc.to_string());
    assert_eq!(code, 1);
    assert!(
        rules_found(&report).contains(&"nva-snat".to_string()),
        "{report}"
    );
}

#[test]
fn unreadable_input_exits_2_with_the_loaders_message() {
    let out = hsmnet(&["check", "-"], Some("{\"format\":\"hsm-network-studio\",\"version\":1,\"design\":{\"name\":\"x\",\"vnets\":[{\"id\":1,\"name\":\"v\",\"region\":2,\"address_space\":[\"10.0.0.0/33\"]}]}}"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("design.vnets[0].address_space"), "{err}");
    assert!(
        err.contains("\"10.0.0.0/33\" is not an IPv4 prefix"),
        "{err}"
    );

    for junk in [
        "",
        "not json",
        "[1,2",
        "{\"format\":\"hsm-network-studio\",\"version\":99}",
    ] {
        let out = hsmnet(&["check", "-"], Some(junk));
        assert_eq!(out.status.code(), Some(2), "{junk:?}");
        assert!(
            stderr(&out).starts_with("hsmnet: "),
            "{junk:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"));
    }
    let out = hsmnet(&["check", "/no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read /no/such/file.json"));
}

#[test]
fn rules_json_lists_the_whole_catalogue() {
    let out = hsmnet(&["rules", "--format", "json"], None);
    assert!(out.status.success());
    let rules: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let names: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let catalogue = include_str!("../../core/src/rules/catalogue-names.txt");
    for name in catalogue.lines().filter(|l| !l.is_empty()) {
        assert!(names.contains(&name), "{name} missing from `hsmnet rules`");
    }
    let text = stdout(&hsmnet(&["rules"], None));
    assert!(text.contains("hsm-subnet-delegated"));
}

#[test]
fn hsmnet_rules_lists_every_payment_hsm_rule_and_the_payment_presets_check_clean() {
    let out = hsmnet(&["rules"], None);
    let text = stdout(&out);
    for name in [
        "payshield-fastpath-tag",
        "payshield-one-delegated-subnet",
        "payshield-no-global-peering",
        "payshield-no-er-fastpath",
        "payshield-vpn-active-passive",
        "payshield-no-load-balancer",
        "payshield-no-private-endpoint-vnet",
        "payshield-udr-specific",
        "payshield-ha",
        "payshield-manager-reachable",
    ] {
        assert!(
            text.contains(name),
            "{name} missing from `hsmnet rules`:\n{text}"
        );
    }
    for name in ["payment-hsm", "payment-hsm-multi-vnet"] {
        for spokes in ["1", "400"] {
            let (code, report) = check_json(&preset(&[name, "--spokes", spokes]));
            assert_eq!(code, 0, "{name} --spokes {spokes}: {report}");
            assert_eq!(report["errors"], 0);
        }
        // A payment-only design is not told that Dedicated HSM is retiring.
        let (_, report) = check_json(&preset(&[name]));
        assert!(!rules_found(&report).contains(&"service-retiring".to_string()));
    }
}

#[test]
fn an_untagged_payment_vnet_is_an_error_that_fix_tags() {
    let doc = preset(&["payment-hsm"]);
    let mut design: Value = serde_json::from_str(&doc).unwrap();
    for v in design["design"]["vnets"].as_array_mut().unwrap() {
        v.as_object_mut().unwrap().remove("tags");
    }
    let (code, report) = check_json(&design.to_string());
    assert_eq!(code, 1, "{report}");
    assert!(rules_found(&report).contains(&"payshield-fastpath-tag".to_string()));
    let out = hsmnet(&["fix", "-"], Some(&design.to_string()));
    let fixed = stdout(&out);
    assert_eq!(
        fixed.matches("\"fastpathenabled\": \"true\"").count(),
        2,
        "{fixed}"
    );
}

#[test]
fn preset_errors_name_the_bad_value() {
    let out = hsmnet(&["preset", "no-such-preset"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-preset"), "{}", stderr(&out));
    let out = hsmnet(&["preset", "hub-nva-proxy", "--spokes", "0"], None);
    assert_eq!(out.status.code(), Some(2));
    // The core words a size plainly; the command line names its flag.
    assert_eq!(
        stderr(&out),
        "hsmnet: --spokes 0 is out of range (1..=4000)\n"
    );
    let out = hsmnet(&["preset", "single-vnet", "--regions", "3"], None);
    assert_eq!(
        stderr(&out),
        "hsmnet: the single-vnet preset does not take --regions\n"
    );
    let out = hsmnet(
        &[
            "preset",
            "cross-region-ha",
            "--spokes",
            "1000",
            "--regions",
            "5",
        ],
        None,
    );
    assert_eq!(
        stderr(&out),
        "hsmnet: --spokes 1000 with --regions 5 makes 5000 application VNets; at most 4000 in all\n"
    );
}

#[test]
fn help_explains_the_commands() {
    let out = hsmnet(&["--help"], None);
    let text = stdout(&out);
    for word in ["check", "rules", "preset", "hsmnet preset list"] {
        assert!(text.contains(word), "{word}: {text}");
    }
}

#[test]
fn a_reader_that_leaves_early_gets_no_panic() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_hsmnet"))
        .args(["preset", "hub-nva-proxy", "--spokes", "2000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe closes here, like `| head -c 16`.
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !output.status.success(),
        "the whole document fitted in the pipe"
    );
}
