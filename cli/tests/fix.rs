//! `hsmnet fix`: every preset broken in several ways at once comes out with no fixable error,
//! a second run applies nothing, `--rule` limits the fixes, and the exit codes and the place of
//! the design and the report follow the documented convention.

use hsmnet_core::model::{GatewayKind, Nsg, Point, VpnType};
use hsmnet_core::{load, to_json, Design, Edit};
use serde_json::Value;
use std::path::PathBuf;

mod common;
use common::*;

/// A directory of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hsmnet-fix-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn preset_names() -> Vec<String> {
    stdout(&hsmnet(&["preset", "list"], None))
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// A preset broken in several ways at once: the HSM VNet's ExpressRoute gateway dropped, one
/// HSM of the pair removed, an NSG on the HSM subnet, SNAT and IP forwarding off on an NVA, a
/// VPN gateway policy-based, an application VNet's peering removed. Returns the design and
/// what was broken.
fn broken(name: &str) -> (Design, Vec<&'static str>) {
    let mut d = load(&preset(&[name])).unwrap();
    if d.hsms.is_empty() {
        return broken_cloud_hsm(d);
    }
    let mut done = Vec::new();
    let hsm_subnet = d.hsms[0].subnet;
    let hsm_vnet = d.vnet_of_subnet(hsm_subnet).unwrap().id;
    let er = d
        .gateways
        .iter()
        .find(|g| {
            g.kind == GatewayKind::ExpressRoute
                && d.vnet_of_gateway(g.id).map(|v| v.id) == Some(hsm_vnet)
        })
        .map(|g| g.id);
    if let Some(er) = er {
        d = d.apply(&Edit::Remove(er)).unwrap();
        done.push("ER gateway removed");
    }
    let second = d.hsms[1].id;
    d = d.apply(&Edit::Remove(second)).unwrap();
    done.push("HSM removed");
    let nsg = match d.nsgs.first() {
        Some(n) => n.id,
        None => {
            let id = d.next_id();
            d.nsgs.push(Nsg {
                id,
                name: "stray-nsg".into(),
                rules: Vec::new(),
                layout: Point::default(),
            });
            id
        }
    };
    for v in &mut d.vnets {
        for s in &mut v.subnets {
            if s.id == hsm_subnet {
                s.nsg = Some(nsg);
            }
        }
    }
    done.push("NSG on the HSM subnet");
    if let Some(nva) = d.nvas.first_mut() {
        nva.snat = false;
        nva.ip_forwarding = false;
        done.push("SNAT and IP forwarding off");
    }
    if let Some(g) = d.gateways.iter_mut().find(|g| g.kind == GatewayKind::Vpn) {
        g.vpn_type = Some(VpnType::PolicyBased);
        done.push("VPN gateway policy-based");
    }
    // The first application VNet (its subnet holds HSM clients) loses its peerings.
    let app = d
        .vnets
        .iter()
        .find(|v| v.subnets.iter().any(|s| s.hsm_client) && v.id != hsm_vnet)
        .map(|v| v.id);
    if let Some(app) = app {
        let peerings: Vec<_> = d
            .peerings
            .iter()
            .filter(|p| p.a == app || p.b == app)
            .map(|p| p.id)
            .collect();
        for p in peerings {
            d = d.apply(&Edit::Remove(p)).unwrap();
            done.push("an application VNet's peering removed");
        }
    }
    (d, done)
}

/// A Cloud HSM design broken in several ways: public network access on, the endpoint's group
/// id wrong, an application VNet unlinked from the DNS zone.
fn broken_cloud_hsm(mut d: Design) -> (Design, Vec<&'static str>) {
    d.cloud_hsm_clusters[0].public_network_access = true;
    d.private_endpoints[0].group_id = "vault".into();
    d.private_dns_zones[0].vnet_links.pop();
    (
        d,
        vec![
            "public network access on",
            "endpoint group id wrong",
            "a VNet unlinked from the zone",
        ],
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn every_preset_broken_several_ways_is_fixed_and_a_second_run_applies_nothing() {
    let scratch = Scratch::new("presets");
    let names = preset_names();
    assert_eq!(names.len(), 7, "{names:?}");
    for name in &names {
        let (design, broke) = broken(name);
        assert!(broke.len() >= 3, "{name}: {broke:?}");
        let input = scratch.file(&format!("{name}.json"), &to_json(&design));
        let first_out = scratch.path(&format!("{name}-fixed.json"));
        let out = hsmnet(&["fix", &input, "-o", &first_out, "--format", "json"], None);
        let report = json(&stdout(&out));
        let context = format!("{name} ({broke:?}): {report:#}");
        assert!(
            report["applied"].as_array().unwrap().len() >= 3,
            "{context}"
        );
        for f in report["remaining"].as_array().unwrap() {
            assert!(
                f["severity"] != "error" || f["fix"].is_null(),
                "a fixable error remains: {context}"
            );
            // The application VNet is peered again: its clients reach the HSMs. (A site whose
            // ExpressRoute connection went with the gateway stays cut off: no fix links it.)
            assert!(
                f["rule"] != "hsm-reachable"
                    || !f["message"]
                        .as_str()
                        .unwrap()
                        .starts_with("HSM client subnet"),
                "{context}"
            );
        }
        let errors = report["errors"].as_u64().unwrap();
        assert_eq!(
            out.status.code(),
            Some(if errors == 0 { 0 } else { 1 }),
            "{context}"
        );
        // The fixed design loads and checks as the report says.
        let fixed = std::fs::read_to_string(&first_out).unwrap();
        let check = hsmnet(&["check", &first_out, "--format", "json"], None);
        assert_eq!(json(&stdout(&check))["errors"], report["errors"], "{name}");
        assert!(load(&fixed).is_ok());

        let second_out = scratch.path(&format!("{name}-again.json"));
        let again = hsmnet(
            &["fix", &first_out, "-o", &second_out, "--format", "json"],
            None,
        );
        let again_report = json(&stdout(&again));
        assert_eq!(
            again_report["applied"].as_array().unwrap().len(),
            0,
            "{name}: the second run applied fixes: {again_report:#}"
        );
        assert_eq!(again.status.code(), out.status.code(), "{name}");
        assert_eq!(
            std::fs::read_to_string(&second_out).unwrap(),
            fixed,
            "{name}"
        );
    }
}

#[test]
fn the_design_goes_to_standard_output_and_the_text_report_to_standard_error() {
    let (design, _) = broken("hub-nva-proxy");
    let out = hsmnet(&["fix", "-"], Some(&to_json(&design)));
    let err = stderr(&out);
    let fixed = load(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert!(fixed.hsms.len() == 2, "{err}");
    assert!(err.contains("fixed error[hsm-subnet-no-nsg]: "), "{err}");
    assert!(err.contains("  = applied: "), "{err}");
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("-: ") && last.contains(" applied; 0 errors"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn a_clean_design_is_written_back_unchanged_with_exit_0() {
    let doc = preset(&["single-vnet"]);
    let out = hsmnet(&["fix", "-"], Some(&doc));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), doc);
    assert!(
        stderr(&out)
            .lines()
            .last()
            .unwrap()
            .contains("0 fixes applied"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rule_limits_the_fixes_and_errors_left_exit_1() {
    let (design, _) = broken("single-vnet");
    let doc = to_json(&design);
    let out = hsmnet(
        &[
            "fix",
            "-",
            "--rule",
            "hsm-subnet-no-nsg",
            "--format",
            "json",
        ],
        Some(&doc),
    );
    // The design is on standard output, so the JSON report is on standard error.
    let report = json(&stderr(&out));
    let applied: Vec<&str> = report["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(applied, ["hsm-subnet-no-nsg"], "{report:#}");
    let left = report["remaining"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ha-pair")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(
        left["not_fixed"],
        "its rule is not among those given by --rule"
    );
    assert_eq!(out.status.code(), Some(1));
    let fixed = load(&stdout(&out)).unwrap();
    assert!(fixed.vnets.iter().all(|v| v
        .subnets
        .iter()
        .all(|s| !s.is_hsm_delegated() || s.nsg.is_none())));
    assert_eq!(fixed.hsms.len(), 1);

    // Two rules given: both are applied.
    let out = hsmnet(
        &[
            "fix",
            "-",
            "--rule",
            "hsm-subnet-no-nsg",
            "--rule",
            "ha-pair",
        ],
        Some(&doc),
    );
    let fixed = load(&stdout(&out)).unwrap();
    assert_eq!(fixed.hsms.len(), 2, "{}", stderr(&out));
}

#[test]
fn an_unknown_rule_or_unreadable_input_is_exit_2_with_one_line() {
    let doc = preset(&["single-vnet"]);
    let out = hsmnet(&["fix", "-", "--rule", "no-such-rule"], Some(&doc));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "hsmnet: --rule no-such-rule: no rule has this name (`hsmnet rules` lists them)\n"
    );
    assert!(stdout(&out).is_empty());

    let out = hsmnet(&["fix", "/no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("hsmnet: cannot read /no/such/file.json"));

    let out = hsmnet(&["fix", "-"], Some("{ not json"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn an_output_that_cannot_be_written_is_exit_2() {
    let scratch = Scratch::new("out");
    let (design, _) = broken("hub-nva-proxy");
    let input = scratch.file("in.json", &to_json(&design));
    let out = hsmnet(&["fix", &input, "-o", "/no/such/dir/out.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("hsmnet: cannot write /no/such/dir/out.json"),
        "{}",
        stderr(&out)
    );
    #[cfg(target_os = "linux")]
    {
        // The design to a full disk, or the report (the design went to a file) to one.
        let out = hsmnet(&["fix", &input, "-o", "/dev/full"], None);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            "hsmnet: cannot write /dev/full: No space left on device (os error 28)\n"
        );
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hsmnet"))
            .args(["fix", &input, "-o", &scratch.path("out.json")])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.starts_with("hsmnet: cannot write standard output: "),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn names_in_the_text_report_cannot_drive_the_terminal() {
    let (mut design, _) = broken("single-vnet");
    design.hsms[0].name = "hsm\u{1b}[2J".into();
    let out = hsmnet(&["fix", "-"], Some(&to_json(&design)));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err}");
}
