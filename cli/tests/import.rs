//! End-to-end tests of `hsmnet import`: a template in, a design document out that `check`
//! reads, the report on standard error, exit 2 with the place named when it cannot be imported.

use serde_json::Value;

mod common;
use common::*;

const TEMPLATE: &str = r#"{
  "parameters": {"vnetName": {"type": "string"}, "count": {"type": "int", "defaultValue": 1}},
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "name": "[parameters('vnetName')]", "location": "westeurope",
     "tags": {"fastpathenabled": "true"},
     "properties": {"addressSpace": {"addressPrefixes": ["10.2.0.0/16"]},
       "subnets": [{"name": "hsmsubnet", "properties": {"addressPrefix": "10.2.1.0/24",
         "delegations": [{"name": "d", "properties": {"serviceName": "Microsoft.HardwareSecurityModules/dedicatedHSMs"}}]}}]}},
    {"type": "Microsoft.HardwareSecurityModules/dedicatedHSMs", "name": "[concat('hsm', copyIndex(1))]", "location": "westeurope",
     "copy": {"name": "h", "count": "[parameters('count')]"},
     "tags": {"owner": "payments"},
     "sku": {"name": "SafeNet Luna Network HSM A790"},
     "properties": {"stampId": "stamp1", "networkProfile": {"subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'hsmsubnet')]"}}}}
  ]
}"#;

#[test]
fn a_template_imports_into_a_design_that_check_reads() {
    let out = hsmnet(
        &[
            "import",
            "-",
            "--param",
            "vnetName=hsm-vnet",
            "--param",
            "count=2",
        ],
        Some(TEMPLATE),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["design"]["hsms"].as_array().unwrap().len(), 2);
    // A VNet keeps its tags; the HSMs' are reported (one per copy).
    assert_eq!(doc["design"]["vnets"][0]["tags"]["fastpathenabled"], "true");
    let report = stderr(&out);
    assert!(
        report.contains("resources[1][copy 1].tags: tags are kept on VNets only"),
        "{report}"
    );
    let check = hsmnet(&["check", "-"], Some(&stdout(&out)));
    assert_ne!(check.status.code(), Some(2), "{}", stderr(&check));
}

#[test]
fn the_report_can_be_json() {
    let out = hsmnet(
        &["import", "-", "--param", "vnetName=v", "--report", "json"],
        Some(TEMPLATE),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(report["shape"], "template");
    assert_eq!(report["notes"][0]["path"], "resources[1][copy 0].tags");
}

#[test]
fn a_missing_parameter_is_named_with_exit_2() {
    let out = hsmnet(&["import", "-"], Some(TEMPLATE));
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("the parameter 'vnetName' has no value"),
        "{err}"
    );
    assert!(err.contains("--param vnetName=VALUE"), "{err}");
    let bad = hsmnet(&["import", "-", "--param", "novalue"], Some(TEMPLATE));
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("expected NAME=VALUE"));
}

#[test]
fn an_exported_preset_comes_back_from_a_file_with_a_parameter_file() {
    let dir = std::env::temp_dir().join(format!("hsmnet-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let arm = hsmnet(&["export", "arm", "-"], Some(&preset(&["hub-nva-proxy"])));
    let template = dir.join("t.json");
    std::fs::write(&template, stdout(&arm)).unwrap();
    let params = dir.join("p.json");
    std::fs::write(
        &params,
        r#"{"parameters": {"location": {"value": "northeurope"}}}"#,
    )
    .unwrap();
    let out_file = dir.join("d.json");
    let out = hsmnet(
        &[
            "import",
            template.to_str().unwrap(),
            "--parameters",
            params.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(doc["design"]["regions"][0]["location"], "northeurope");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_json_names_line_and_column() {
    let out = hsmnet(&["import", "-"], Some("{\n \"resources\": [,]\n}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 2, column"), "{}", stderr(&out));
}
