//! An imported design gets the automatic layout, and it stays readable at 100+ VNets: regions
//! side by side and apart, every VNet inside its region and apart from the others, subnets
//! inside their VNet, devices inside their subnet, and a drawing no longer than it is wide.

use hsmnet_core::export::{arm, template_unchecked, Options};
use hsmnet_core::import::{import, Inputs};
use hsmnet_core::model::Rect;
use hsmnet_core::presets::{self, Size};
use hsmnet_core::Design;

fn imported(preset: &str, spokes: usize, regions: Option<usize>) -> Design {
    let size = Size {
        spokes: Some(spokes),
        regions,
    };
    let design = presets::build(preset, &size).expect("the preset builds");
    let text = arm::to_text(&arm::render(&template_unchecked(
        &design,
        &Options::default(),
    )));
    let back = import(&text, &Inputs::default()).expect("the export imports");
    assert_eq!(back.design.vnets.len(), design.vnets.len());
    back.design
}

/// Every layout fault of the design, as words (empty when readable).
fn faults(d: &Design) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in d.regions.iter().enumerate() {
        for b in &d.regions[i + 1..] {
            if a.layout.overlaps(&b.layout) {
                out.push(format!("regions {} and {} overlap", a.name, b.name));
            }
        }
    }
    for (i, v) in d.vnets.iter().enumerate() {
        let region = d.regions.iter().find(|r| r.id == v.region).expect("region");
        if !region.layout.encloses(&v.layout) {
            out.push(format!(
                "VNet {} lies outside region {}",
                v.name, region.name
            ));
        }
        for w in &d.vnets[i + 1..] {
            if v.layout.overlaps(&w.layout) {
                out.push(format!("VNets {} and {} overlap", v.name, w.name));
            }
        }
        for s in &v.subnets {
            if !v.layout.encloses(&s.layout) {
                out.push(format!("subnet {} lies outside VNet {}", s.name, v.name));
            }
        }
    }
    let subnet = |id| {
        d.vnets
            .iter()
            .flat_map(|v| &v.subnets)
            .find(|s| s.id == id)
            .map(|s| s.layout)
            .expect("subnet")
    };
    let devices = d
        .hsms
        .iter()
        .map(|e| (&e.name, e.subnet, e.layout))
        .chain(d.gateways.iter().map(|e| (&e.name, e.subnet, e.layout)))
        .chain(d.firewalls.iter().map(|e| (&e.name, e.subnet, e.layout)))
        .chain(
            d.load_balancers
                .iter()
                .map(|e| (&e.name, e.subnet, e.layout)),
        )
        .chain(d.nvas.iter().map(|e| (&e.name, e.subnet, e.layout)));
    for (name, at, point) in devices {
        if !subnet(at).contains(point) {
            out.push(format!("device {name} lies outside its subnet"));
        }
    }
    let whole = d
        .regions
        .iter()
        .map(|r| r.layout)
        .fold(None, |acc: Option<Rect>, r| {
            Some(match acc {
                None => r,
                Some(a) => {
                    let (x, y) = (a.x.min(r.x), a.y.min(r.y));
                    let right = (a.x + a.w).max(r.x + r.w);
                    let bottom = (a.y + a.h).max(r.y + r.h);
                    Rect::new(x, y, right - x, bottom - y)
                }
            })
        });
    if let Some(whole) = whole {
        if whole.h > 2.0 * whole.w || whole.w > 4.0 * whole.h {
            out.push(format!(
                "the drawing is {:.0} wide and {:.0} high",
                whole.w, whole.h
            ));
        }
    }
    out
}

#[test]
fn a_hub_with_150_spokes_imports_readable() {
    let d = imported("hub-nva-proxy", 150, None);
    assert!(d.vnets.len() > 150);
    assert_eq!(faults(&d), Vec::<String>::new());
}

#[test]
fn three_regions_of_40_spokes_import_readable() {
    let d = imported("cross-region-ha", 40, Some(3));
    assert!(d.vnets.len() >= 120, "{}", d.vnets.len());
    assert_eq!(faults(&d), Vec::<String>::new());
}

#[test]
fn the_check_trips_on_overlapping_vnets() {
    let mut d = imported("hub-nva-proxy", 3, None);
    assert_eq!(faults(&d), Vec::<String>::new());
    d.vnets[1].layout = d.vnets[0].layout;
    assert!(
        faults(&d).iter().any(|f| f.contains("overlap")),
        "{:?}",
        faults(&d)
    );
}
