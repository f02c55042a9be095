//! public/rules.json is what the browser app fetches to show a rule's explanation (its wasm is
//! built without them): it must stay byte-for-byte what `hsmnet rules --format json` prints.

mod common;
use common::*;

#[test]
fn the_committed_rules_json_is_what_the_cli_prints() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/rules.json");
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/rules-json", path.display()));
    let out = hsmnet(&["rules", "--format", "json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(
        committed == printed,
        "public/rules.json differs from `hsmnet rules --format json`: run scripts/rules-json"
    );
}

#[test]
fn every_rule_has_its_explanation_in_the_json() {
    let out = hsmnet(&["rules", "--format", "json"], None);
    let rules: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), hsmnet_core::rules::ALL.len());
    for rule in rules {
        for field in ["name", "summary", "checks", "why", "fix", "source"] {
            let text = rule[field].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "{}: {field} is missing", rule["name"]);
        }
    }
}
