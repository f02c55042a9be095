//! `hsmnet migrate cloud-hsm`: every Dedicated HSM preset, at several sizes, becomes a target
//! design that checks with no errors and in which every former HSM client reaches the Cloud
//! HSM cluster (checked again here with `hsmnet check` and `hsmnet trace`); the summary lists
//! what is added, changed and retirable.

use serde_json::Value;

mod common;
use common::*;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn every_dedicated_hsm_preset_migrates_at_several_sizes() {
    let dir = std::env::temp_dir().join(format!("hsmnet-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: &[&[&str]] = &[
        &["single-vnet"],
        &["single-vnet", "--spokes", "10"],
        &["hub-nva-proxy"],
        &["hub-nva-proxy", "--spokes", "25"],
        &["cross-region-ha"],
        &["cross-region-ha", "--regions", "3", "--spokes", "2"],
        &["expressroute-direct"],
        &["expressroute-direct", "--spokes", "10"],
    ];
    for (n, args) in cases.iter().enumerate() {
        let label = args.join(" ");
        let source = dir.join(format!("{n}.json"));
        std::fs::write(&source, preset(args)).unwrap();
        let target = dir.join(format!("{n}-target.json"));
        let (source, target) = (source.to_str().unwrap(), target.to_str().unwrap());
        let out = hsmnet(
            &[
                "migrate",
                "cloud-hsm",
                source,
                "-o",
                target,
                "--format",
                "json",
            ],
            None,
        );
        let summary = json(&stdout(&out));
        assert_eq!(out.status.code(), Some(0), "{label}: {summary:#}");
        assert_eq!(summary["clean"], true, "{label}");
        for list in ["added", "changed", "retirable"] {
            assert!(
                !summary[list].as_array().unwrap().is_empty(),
                "{label}: nothing {list}"
            );
        }
        let kinds: Vec<&str> = summary["added"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        for kind in ["Cloud HSM cluster", "private endpoint", "private DNS zone"] {
            assert!(kinds.contains(&kind), "{label}: {kinds:?}");
        }
        assert!(!summary["checklist"].as_array().unwrap().is_empty());
        let check = json(&stdout(&hsmnet(
            &["check", target, "--format", "json"],
            None,
        )));
        assert_eq!(check["errors"], 0, "{label}: {check:#}");
        // Every former client, traced again by the CLI on the target.
        let doc = json(&std::fs::read_to_string(target).unwrap());
        let clients = summary["clients"].as_array().unwrap();
        assert!(!clients.is_empty(), "{label}");
        for c in clients {
            assert_eq!(c["reaches"], true, "{label}: {c:#}");
            let cluster = c["cluster"].as_u64().unwrap();
            let cluster_name = doc["design"]["cloud_hsm_clusters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == cluster)
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string();
            let from = c["name"].as_str().unwrap();
            let trace = hsmnet(
                &[
                    "trace",
                    target,
                    "--from",
                    from,
                    "--to",
                    &cluster_name,
                    "--port",
                    "2225",
                ],
                None,
            );
            assert_eq!(
                trace.status.code(),
                Some(0),
                "{label} {from}: {}",
                stdout(&trace)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_goes_to_standard_error_beside_the_design_and_a_cloud_design_is_refused() {
    let out = hsmnet(
        &["migrate", "cloud-hsm", "-"],
        Some(&preset(&["single-vnet"])),
    );
    assert_eq!(out.status.code(), Some(0));
    let target = hsmnet_core::load(&stdout(&out)).unwrap();
    assert_eq!(target.cloud_hsm_clusters.len(), 1);
    assert!(!target.retirable.is_empty());
    let err = stderr(&out);
    for needle in ["added (", "retirable (kept, marked)", "reaches", "source: "] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    let refused = hsmnet(
        &["migrate", "cloud-hsm", "-"],
        Some(&preset(&["cloud-hsm"])),
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("no Dedicated HSM"),
        "{}",
        stderr(&refused)
    );
}
