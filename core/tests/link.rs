//! Round trips: design → document → design and design → link → design give the same design,
//! for every preset at several sizes and for generated designs (proptest: presets at random
//! sizes with random removals, moves, renames to any unicode, and arbitrary finite layouts).
//! And the golden v1 link, which must decode forever.

use hsmnet_core::presets::{self, Preset, Size};
use hsmnet_core::{document, link, Design, Edit, Id};
use proptest::prelude::*;

/// The sizes each preset is tried at: its default, the smallest, and larger ones.
fn sizes(p: &Preset) -> Vec<Size> {
    let mut sizes = vec![Size::default()];
    if p.takes_spokes {
        for spokes in [1, 7, 50, 400] {
            sizes.push(Size {
                spokes: Some(spokes.min(p.max_spokes)),
                regions: None,
            });
        }
    }
    if p.takes_regions {
        for (spokes, regions) in [(1, p.max_regions), (3, 3), (40, 2)] {
            sizes.push(Size {
                spokes: Some(spokes),
                regions: Some(regions),
            });
        }
    }
    sizes
}

fn assert_round_trips(design: &Design, what: &str) {
    let text = document::to_json(design);
    let loaded = document::load(&text).unwrap_or_else(|e| panic!("{what}: file: {e}"));
    assert_eq!(&loaded, design, "{what}: design → file → design");
    assert_eq!(document::to_json(&loaded), text, "{what}: file bytes");

    let payload = link::encode(design).unwrap_or_else(|e| panic!("{what}: {e}"));
    let decoded = link::decode(&payload).unwrap_or_else(|e| panic!("{what}: link: {e}"));
    assert_eq!(&decoded, design, "{what}: design → link → design");
    assert_eq!(
        link::encode(&decoded).unwrap(),
        payload,
        "{what}: link bytes"
    );

    let url = link::to_url("https://studio.example/", design).unwrap();
    assert_eq!(&link::decode(&url).unwrap(), design, "{what}: URL");
}

#[test]
fn every_preset_round_trips_through_files_and_links_at_several_sizes() {
    for p in presets::ALL {
        for size in sizes(p) {
            let what = format!("{} {:?}", p.name, size);
            let design = presets::build(p.name, &size).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_round_trips(&design, &what);
        }
    }
}

#[test]
fn the_largest_hub_round_trips_within_the_link_limits() {
    let design = presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(4000),
            regions: None,
        },
    )
    .unwrap();
    let payload = link::encode(&design).unwrap();
    assert!(
        payload.len() < link::MAX_PAYLOAD_CHARS / 4,
        "{}",
        payload.len()
    );
    assert_eq!(link::decode(&payload).unwrap(), design);
}

/// A link written by v1 when the format was frozen, and the design it holds. Never regenerate
/// these files: if this test fails, the change broke every link already shared.
#[test]
fn the_golden_v1_link_still_decodes_to_its_design() {
    let link_text = include_str!("fixtures/link-v1.txt");
    let expected = document::load(include_str!("fixtures/link-v1.json")).unwrap();
    let decoded = link::decode(link_text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decoded, expected);
    // The fixture is not trivial: it carries what a link must keep exactly.
    assert!(decoded.name.contains('☃') && decoded.name.contains("${"));
    assert!(decoded.vnets.iter().any(|v| v.layout.x.fract() != 0.0));
    assert!(decoded
        .regions
        .iter()
        .any(|r| r.layout.y == 0.0 && r.layout.y.is_sign_negative()));
}

/// The same frozen design, written back by today's code, is byte for byte the file it was
/// loaded from: settings added since v1 (tags, payment HSM addresses and ports, gateway and
/// connection options) are left out at their defaults.
#[test]
fn the_golden_v1_document_is_written_back_unchanged() {
    let text = include_str!("fixtures/link-v1.json");
    let design = document::load(text).unwrap();
    assert_eq!(document::to_json(&design).trim_end(), text.trim_end());
}

// ---- property tests ----

#[derive(Clone, Debug)]
enum Change {
    /// Renames the n-th named element (modulo their count).
    Rename(usize, String),
    Describe(String),
    RenameDesign(String),
    /// Sets the n-th layout's position to arbitrary finite values.
    Place(usize, f64, f64),
    /// Removes the n-th element (and what depends on it) through `Edit::Remove`.
    Remove(usize),
    /// Moves the n-th element through `Edit::Move`.
    Move(usize, f64, f64),
}

/// Any unicode, control characters, quotes and backslashes included.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter)
}

fn finite() -> impl Strategy<Value = f64> {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<usize>(), text()).prop_map(|(n, s)| Change::Rename(n, s)),
        text().prop_map(Change::Describe),
        text().prop_map(Change::RenameDesign),
        (any::<usize>(), finite(), finite()).prop_map(|(n, x, y)| Change::Place(n, x, y)),
        any::<usize>().prop_map(Change::Remove),
        (any::<usize>(), -1e6..1e6f64, -1e6..1e6f64).prop_map(|(n, x, y)| Change::Move(n, x, y)),
    ]
}

/// A preset at a random size, then up to a dozen changes.
fn design() -> impl Strategy<Value = Design> {
    (
        0..presets::ALL.len(),
        1usize..30,
        2usize..5,
        prop::collection::vec(change(), 0..12),
    )
        .prop_map(|(p, spokes, regions, changes)| {
            let p = &presets::ALL[p];
            let size = Size {
                spokes: p.takes_spokes.then_some(spokes),
                regions: p.takes_regions.then_some(regions),
            };
            let mut design = presets::build(p.name, &size).expect("in range");
            for c in &changes {
                apply(&mut design, c);
            }
            design
        })
}

fn apply(design: &mut Design, change: &Change) {
    let ids: Vec<Id> = design.ids();
    let pick = |n: usize| ids.get(n % ids.len().max(1)).copied();
    match change {
        Change::Rename(n, name) => {
            let mut names = names_mut(design);
            let count = names.len();
            if count > 0 {
                *names.swap_remove(n % count) = name.clone();
            }
        }
        Change::Describe(s) => design.description = s.clone(),
        Change::RenameDesign(s) => {
            *design = design.apply(&Edit::RenameDesign(s.clone())).unwrap();
        }
        Change::Place(n, x, y) => {
            let mut places = positions_mut(design);
            let count = places.len();
            if count > 0 {
                let (px, py) = places.swap_remove(n % count);
                *px = *x;
                *py = *y;
            }
        }
        Change::Remove(n) => {
            if let Some(id) = pick(*n) {
                if let Ok(next) = design.apply(&Edit::Remove(id)) {
                    *design = next;
                }
            }
        }
        Change::Move(n, dx, dy) => {
            if let Some(id) = pick(*n) {
                let edit = Edit::Move {
                    ids: vec![id],
                    dx: *dx,
                    dy: *dy,
                };
                if let Ok(next) = design.apply(&edit) {
                    *design = next;
                }
            }
        }
    }
}

fn names_mut(d: &mut Design) -> Vec<&mut String> {
    let mut out: Vec<&mut String> = Vec::new();
    out.extend(d.regions.iter_mut().map(|e| &mut e.name));
    for v in d.vnets.iter_mut() {
        out.push(&mut v.name);
        out.extend(v.subnets.iter_mut().map(|s| &mut s.name));
    }
    out.extend(d.hsms.iter_mut().map(|e| &mut e.name));
    out.extend(d.gateways.iter_mut().map(|e| &mut e.name));
    out.extend(d.nvas.iter_mut().map(|e| &mut e.name));
    out.extend(d.load_balancers.iter_mut().map(|e| &mut e.name));
    out.extend(d.firewalls.iter_mut().map(|e| &mut e.name));
    out.extend(d.route_tables.iter_mut().map(|e| &mut e.name));
    out.extend(d.nsgs.iter_mut().map(|e| &mut e.name));
    out.extend(d.sites.iter_mut().map(|e| &mut e.name));
    out.extend(d.circuits.iter_mut().map(|e| &mut e.name));
    out.extend(d.peerings.iter_mut().map(|e| &mut e.name));
    out.extend(d.connections.iter_mut().map(|e| &mut e.name));
    out
}

fn positions_mut(d: &mut Design) -> Vec<(&mut f64, &mut f64)> {
    let mut out: Vec<(&mut f64, &mut f64)> = Vec::new();
    out.extend(
        d.regions
            .iter_mut()
            .map(|e| (&mut e.layout.x, &mut e.layout.y)),
    );
    for v in d.vnets.iter_mut() {
        out.push((&mut v.layout.x, &mut v.layout.y));
        out.extend(
            v.subnets
                .iter_mut()
                .map(|s| (&mut s.layout.w, &mut s.layout.h)),
        );
    }
    out.extend(
        d.hsms
            .iter_mut()
            .map(|e| (&mut e.layout.x, &mut e.layout.y)),
    );
    out.extend(
        d.gateways
            .iter_mut()
            .map(|e| (&mut e.layout.x, &mut e.layout.y)),
    );
    out.extend(
        d.nvas
            .iter_mut()
            .map(|e| (&mut e.layout.x, &mut e.layout.y)),
    );
    out.extend(
        d.sites
            .iter_mut()
            .map(|e| (&mut e.layout.x, &mut e.layout.y)),
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_designs_round_trip_through_files_and_links(design in design()) {
        let text = document::to_json(&design);
        prop_assert_eq!(&document::load(&text).unwrap(), &design);
        let payload = link::encode(&design).unwrap();
        prop_assert_eq!(&link::decode(&payload).unwrap(), &design);
        prop_assert_eq!(link::encode(&design).unwrap(), payload);
    }

    /// Whatever is pasted, decoding returns (never panics), and an altered link is refused
    /// (or, when only deflate's unused padding bits changed, reads as the same design).
    #[test]
    fn altered_links_are_refused_or_differ(
        design in design(),
        edits in prop::collection::vec((any::<usize>(), any::<char>()), 1..4),
        cut in any::<usize>(),
    ) {
        let payload = link::encode(&design).unwrap();
        let mut chars: Vec<char> = payload.chars().collect();
        for (at, c) in edits {
            let at = 3 + at % (chars.len() - 3);
            chars[at] = c;
        }
        let altered: String = chars.iter().collect();
        if let Ok(other) = link::decode(&altered) {
            prop_assert_eq!(other, design);
        }
        let cut = 3 + cut % (payload.len() - 3);
        let _ = link::decode(&payload[..cut]);
    }
}
