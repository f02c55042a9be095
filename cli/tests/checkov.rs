//! checkov, the infrastructure-as-code scanner security reviewers run, on every preset's ARM
//! and Bicep exports, as a user would make them: `hsmnet preset list`, `hsmnet preset NAME`,
//! `hsmnet export arm|bicep`. Any failed check that `checkov-allow-list.json` does not name (by
//! check id and resource type, with its reason) fails the test, and so does an entry of the
//! list that no finding needs any more. docs/security-scan.md says what the exports do and why.
//!
//! checkov is installed by `scripts/setup` into `<target>/checkov-venv` (PyPI once; it runs
//! offline after that, `--skip-download`). Without it this test fails saying so: CI runs
//! `scripts/test`, which runs `scripts/setup` first. `HSMNET_CHECKOV` names another checkov.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::*;

/// The checkov `scripts/setup` installs, or the one `HSMNET_CHECKOV` names.
fn checkov() -> PathBuf {
    if let Some(path) = std::env::var_os("HSMNET_CHECKOV") {
        return PathBuf::from(path);
    }
    // CARGO_TARGET_TMPDIR is `<target>/tmp`; scripts/setup uses `${CARGO_TARGET_DIR:-target}`.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory");
    let path = target.join("checkov-venv/bin/checkov");
    assert!(
        path.is_file(),
        "\n\ncheckov is not installed: looked for {}.\nRun scripts/setup (it installs checkov \
         from PyPI into <target>/checkov-venv), or set HSMNET_CHECKOV to a checkov, or leave \
         this test out with `cargo test -- --skip checkov`.\n",
        path.display()
    );
    path
}

/// One accepted finding: a check on a resource type, and why.
struct Allowed {
    check: String,
    resource_type: String,
    reason: String,
}

fn allow_list() -> Vec<Allowed> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/checkov-allow-list.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let list: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    list["allowed"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `allowed` array", path.display()))
        .iter()
        .map(|entry| {
            let field = |key: &str| -> String {
                let value = entry[key].as_str().unwrap_or_default().trim().to_string();
                assert!(
                    !value.is_empty(),
                    "{}: an entry without `{key}`: {entry}",
                    path.display()
                );
                value
            };
            Allowed {
                check: field("check"),
                resource_type: field("resource_type"),
                reason: field("reason"),
            }
        })
        .collect()
}

/// The resource type of a checkov resource label, `Microsoft.Network/azureFirewalls.hub-fw`:
/// up to the first dot after the provider (a name may hold dots itself).
fn resource_type(label: &str) -> &str {
    let slash = label.find('/').unwrap_or(0);
    match label[slash..].find('.') {
        Some(dot) => &label[..slash + dot],
        None => label,
    }
}

/// checkov's JSON output: one report per framework, or a single report not in a list.
fn reports(output: &Value) -> Vec<&Value> {
    match output {
        Value::Array(reports) => reports.iter().collect(),
        report => vec![report],
    }
}

/// The failed checks no entry allows, one line each, and the entries no failed check needed.
fn judge(output: &Value, allowed: &[Allowed]) -> (Vec<String>, Vec<String>) {
    let mut used = vec![false; allowed.len()];
    let mut unexpected = Vec::new();
    for report in reports(output) {
        let failed = report["results"]["failed_checks"].as_array();
        for finding in failed.into_iter().flatten() {
            let id = finding["check_id"].as_str().unwrap_or_default();
            let resource = finding["resource"].as_str().unwrap_or_default();
            let ty = resource_type(resource);
            match allowed
                .iter()
                .position(|a| a.check == id && a.resource_type == ty)
            {
                Some(i) => used[i] = true,
                None => unexpected.push(format!(
                    "{id} ({}) on {resource} in {}",
                    finding["check_name"].as_str().unwrap_or_default(),
                    finding["file_path"].as_str().unwrap_or_default(),
                )),
            }
        }
    }
    let stale = allowed
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(a, _)| format!("{} on {} ({})", a.check, a.resource_type, a.reason))
        .collect();
    (unexpected, stale)
}

/// The presets `hsmnet preset list` names (its first column).
fn preset_names() -> Vec<String> {
    let out = hsmnet(&["preset", "list"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let names: Vec<String> = stdout(&out)
        .lines()
        .filter(|line| !line.starts_with(char::is_whitespace))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 4, "{names:?}");
    names
}

/// A design document with every VPN gateway active-active, every ExpressRoute gateway on a
/// Basic public IP and every ExpressRoute connection with FastPath.
fn turned_on(doc: &str) -> String {
    let mut v: Value = serde_json::from_str(doc).expect("a design document");
    let design = &mut v["design"];
    for g in design["gateways"].as_array_mut().into_iter().flatten() {
        match g["kind"].as_str() {
            Some("Vpn") => g["active_active"] = Value::Bool(true),
            _ => g["public_ip_sku"] = Value::from("Basic"),
        }
    }
    for c in design["connections"].as_array_mut().into_iter().flatten() {
        if c["kind"].get("express_route").is_some() {
            c["fastpath"] = Value::Bool(true);
        }
    }
    v.to_string()
}

#[test]
fn checkov_finds_nothing_off_the_allow_list_in_any_presets_exports() {
    let checkov = checkov();
    let allowed = allow_list();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("checkov-exports");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = BTreeSet::new();
    let mut docs: Vec<(String, String)> = preset_names()
        .into_iter()
        .map(|name| {
            let doc = preset(&[&name]);
            (name, doc)
        })
        .collect();
    // What no preset writes: active-active VPN gateways (a second IP configuration and public
    // IP each), Basic public IPs and ExpressRoute FastPath, turned on in copies.
    let turned: Vec<(String, String)> = ["cross-region-ha", "hub-nva-proxy"]
        .iter()
        .map(|name| (format!("{name}-turned"), turned_on(&preset(&[name]))))
        .collect();
    docs.extend(turned);
    for (name, doc) in docs {
        for (format, ext) in [("arm", "json"), ("bicep", "bicep")] {
            let out = hsmnet(&["export", format, "-"], Some(&doc));
            assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
            let file = format!("{name}.{ext}");
            std::fs::write(dir.join(&file), &out.stdout).unwrap();
            files.insert(format!("/{file}"));
        }
    }

    let run = Command::new(&checkov)
        .arg("--directory")
        .arg(&dir)
        .args(["--framework", "arm", "bicep"])
        .args(["--output", "json", "--skip-download"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", checkov.display()));
    // 0: nothing failed; 1: some check failed. Anything else is checkov itself failing.
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{} failed ({}):\n{}",
        checkov.display(),
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let output: Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov's output is not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });

    // Every export was parsed and checked: a scanner that read nothing would pass anything.
    let mut scanned = BTreeSet::new();
    let mut frameworks = BTreeSet::new();
    for report in reports(&output) {
        frameworks.insert(
            report["check_type"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        let results = &report["results"];
        let parse_errors = results["parsing_errors"].as_array().map_or(0, Vec::len);
        assert_eq!(parse_errors, 0, "checkov could not parse: {results:#}");
        for key in ["passed_checks", "failed_checks"] {
            for check in results[key].as_array().into_iter().flatten() {
                scanned.insert(check["file_path"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    assert_eq!(
        frameworks,
        BTreeSet::from(["arm".to_string(), "bicep".to_string()])
    );
    assert_eq!(
        scanned, files,
        "checkov checked no resource of some exports"
    );

    let (unexpected, stale) = judge(&output, &allowed);
    assert!(
        unexpected.is_empty(),
        "checkov fails these checks on the exports (in {}); fix the exporter \
         (core/src/export/resources.rs) or, for a deliberate choice or a false positive, add the \
         check and resource type with its reason to cli/tests/checkov-allow-list.json and \
         docs/security-scan.md:\n  {}",
        dir.display(),
        unexpected.join("\n  ")
    );
    assert!(
        stale.is_empty(),
        "these allow-list entries match no finding any more; remove them from \
         cli/tests/checkov-allow-list.json and docs/security-scan.md:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn the_allow_list_admits_only_the_check_and_resource_type_it_names() {
    let finding = |id: &str, resource: &str| {
        serde_json::json!({
            "check_id": id,
            "check_name": "a check",
            "resource": resource,
            "file_path": "/x.json",
        })
    };
    let output = serde_json::json!([
        { "check_type": "arm", "results": { "failed_checks": [
            finding("CKV_AZURE_1", "Microsoft.Compute/virtualMachines.nva.1"),
            finding("CKV_AZURE_2", "Microsoft.Compute/virtualMachines.nva"),
        ] } },
        { "check_type": "bicep", "results": { "failed_checks": [
            finding("CKV_AZURE_1", "Microsoft.Network/networkInterfaces.nic"),
        ] } },
    ]);
    let allowed = |check: &str, resource_type: &str| Allowed {
        check: check.to_string(),
        resource_type: resource_type.to_string(),
        reason: "because".to_string(),
    };
    let (unexpected, stale) = judge(
        &output,
        &[
            allowed("CKV_AZURE_1", "Microsoft.Compute/virtualMachines"),
            allowed("CKV_AZURE_3", "Microsoft.Compute/virtualMachines"),
        ],
    );
    assert_eq!(
        unexpected,
        [
            "CKV_AZURE_2 (a check) on Microsoft.Compute/virtualMachines.nva in /x.json",
            "CKV_AZURE_1 (a check) on Microsoft.Network/networkInterfaces.nic in /x.json",
        ]
    );
    assert_eq!(
        stale,
        ["CKV_AZURE_3 on Microsoft.Compute/virtualMachines (because)"]
    );
    // A single report, not in a list, is read the same.
    let (unexpected, _) = judge(&output[1], &[]);
    assert_eq!(unexpected.len(), 1);
    // The checked-in list itself reads, each entry with a reason.
    allow_list();
}
