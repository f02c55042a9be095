use super::*;
use crate::presets::{self, Size};

fn errors(design: &Design) -> Vec<String> {
    check(design)
        .findings
        .iter()
        .filter(|f| f.severity == crate::Severity::Error)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect()
}

#[test]
fn every_dedicated_hsm_preset_migrates_to_a_clean_target_where_every_client_reaches_the_cluster() {
    for p in presets::ALL.iter().filter(|p| p.name != "cloud-hsm") {
        for spokes in [None, Some(5)] {
            let size = Size {
                spokes: spokes.filter(|_| p.takes_spokes),
                regions: None,
            };
            let source = presets::build(p.name, &size).unwrap();
            // Payment HSM presets hold no Dedicated HSM: nothing of them retires.
            if source.hsms.iter().all(|h| h.is_payment()) {
                assert!(plan(&source).is_err(), "{}", p.name);
                continue;
            }
            let m = plan(&source).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let label = format!("{} {spokes:?}", p.name);
            assert!(
                errors(&m.target).is_empty(),
                "{label}: {:#?}",
                errors(&m.target)
            );
            assert!(!m.clients.is_empty(), "{label}: no former client");
            for c in &m.clients {
                assert!(
                    c.reaches,
                    "{label}: {} does not reach:\n{}",
                    c.name, c.trace
                );
            }
            assert!(
                !m.diff.added.is_empty() && !m.diff.retirable.is_empty(),
                "{label}"
            );
            assert_eq!(source.apply(&m.edit).unwrap(), m.target, "{label}");
        }
    }
}

#[test]
fn the_target_adds_a_cluster_per_region_and_keeps_what_it_marks_retirable() {
    let source = presets::build("cross-region-ha", &Size::default()).unwrap();
    let m = plan(&source).unwrap();
    assert_eq!(m.target.cloud_hsm_clusters.len(), 2);
    assert_eq!(m.target.private_endpoints.len(), 2);
    assert_eq!(m.target.private_dns_zones.len(), 1);
    for id in &m.diff.retirable {
        assert!(m.target.describe(*id).is_some(), "retirable {id} is kept");
    }
    for h in &source.hsms {
        assert!(m.diff.retirable.contains(&h.id));
    }
    let zone = &m.target.private_dns_zones[0];
    assert_eq!(zone.name, "privatelink.cloudhsm.azure.net");
    assert_eq!(zone.records.len(), 2);
}

#[test]
fn the_proxy_tier_and_its_routes_are_retirable_and_ports_open_beside_1792() {
    let source = presets::build("hub-nva-proxy", &Size::default()).unwrap();
    let m = plan(&source).unwrap();
    for lb in &source.load_balancers {
        assert!(m.diff.retirable.contains(&lb.id), "{}", lb.name);
    }
    for nva in &source.nvas {
        assert!(m.diff.retirable.contains(&nva.id), "{}", nva.name);
    }
    let fw_rules = |d: &Design| d.firewalls.iter().map(|f| f.rules.len()).sum::<usize>();
    assert!(
        fw_rules(&m.target) > fw_rules(&source),
        "a firewall rule for the new ports"
    );
    assert!(m
        .diff
        .changed
        .iter()
        .any(|id| source.firewall(*id).is_some()));
}

#[test]
fn a_design_without_dedicated_hsm_is_refused() {
    let source = presets::build("cloud-hsm", &Size::default()).unwrap();
    assert_eq!(plan(&source).unwrap_err(), MigrateError::NoDedicatedHsm);
}
