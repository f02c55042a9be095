//! `cargo bench -p hsmnet-core --bench flow`: a traced flow laid out on the hub-nva-proxy
//! preset (`draw::flow::lay_out`), from the last spoke's workload through the hub's load
//! balancer and NVA to the HSM and back, among every symbol, badge and title of the design
//! (the canvas's labels estimated from the layout: a title per area, a name under each
//! symbol). Pieces that no simple path takes clear search the gaps in a bounded window
//! (`draw::flow::grid`), so the time stays near the 100-spoke figure at 1,000. Target: under
//! 5 ms at 1,000 spokes.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hsmnet_core::draw::flow::{lay_out, Waypoint};
use hsmnet_core::model::metrics::{BADGE_HALF_H, BADGE_HALF_W, SYMBOL_RADIUS};
use hsmnet_core::model::{Point, Rect};
use hsmnet_core::presets::{self, Size};
use hsmnet_core::Design;
use std::hint::black_box;

const SPOKES: [usize; 2] = [100, 1000];

/// The labels and the shapes (symbols and badges) of the design, as the canvas draws them.
fn obstacles(d: &Design) -> (Vec<Rect>, Vec<Rect>) {
    let symbols: Vec<Point> = (d.sites.iter().map(|s| s.layout))
        .chain(d.circuits.iter().map(|c| c.layout))
        .chain(d.hsms.iter().map(|h| h.layout))
        .chain(d.gateways.iter().map(|g| g.layout))
        .chain(d.firewalls.iter().map(|f| f.layout))
        .chain(d.load_balancers.iter().map(|l| l.layout))
        .chain(d.nvas.iter().map(|n| n.layout))
        .collect();
    let badges = (d.nsgs.iter().map(|n| n.layout)).chain(d.route_tables.iter().map(|t| t.layout));
    let r = SYMBOL_RADIUS;
    let mut shapes: Vec<Rect> = symbols
        .iter()
        .map(|p| Rect::new(p.x - r, p.y - r, 2.0 * r, 2.0 * r))
        .collect();
    shapes.extend(badges.map(|p| {
        Rect::new(
            p.x - BADGE_HALF_W,
            p.y - BADGE_HALF_H,
            2.0 * BADGE_HALF_W,
            2.0 * BADGE_HALF_H,
        )
    }));
    let areas = (d.regions.iter().map(|r| r.layout))
        .chain(d.vnets.iter().map(|v| v.layout))
        .chain(
            d.vnets
                .iter()
                .flat_map(|v| v.subnets.iter().map(|s| s.layout)),
        );
    let mut labels: Vec<Rect> = areas
        .map(|a| Rect::new(a.x + 6.0, a.y + 1.0, 150.0, 17.0))
        .collect();
    labels.extend(
        symbols
            .iter()
            .map(|p| Rect::new(p.x - 30.0, p.y + r + 1.0, 60.0, 13.0)),
    );
    (labels, shapes)
}

/// From the last spoke's workload to the first HSM through the hub's proxy tier, and back.
fn waypoints(d: &Design) -> Vec<Waypoint> {
    let workload = d
        .vnets
        .iter()
        .flat_map(|v| &v.subnets)
        .rfind(|s| s.hsm_client)
        .expect("a client subnet")
        .layout;
    let start = Point::new(
        workload.x + workload.w - 20.0,
        workload.y + workload.h / 2.0,
    );
    let there = [
        start,
        d.load_balancers[0].layout,
        d.nvas[0].layout,
        d.hsms[0].layout,
    ];
    let way = |points: &[Point], back: bool, first: usize| {
        points
            .iter()
            .enumerate()
            .map(|(k, at)| Waypoint {
                at: *at,
                hop: Some(first + k),
                back,
            })
            .collect::<Vec<_>>()
    };
    let mut back = there;
    back.reverse();
    [way(&there, false, 0), way(&back, true, there.len())].concat()
}

fn bench_lay_out(c: &mut Criterion) {
    let mut group = c.benchmark_group("flow");
    for spokes in SPOKES {
        let size = Size {
            spokes: Some(spokes),
            ..Size::default()
        };
        let d = presets::build("hub-nva-proxy", &size).expect("the preset builds");
        let (labels, shapes) = obstacles(&d);
        let points = waypoints(&d);
        group.bench_with_input(BenchmarkId::from_parameter(spokes), &spokes, |b, _| {
            b.iter(|| black_box(lay_out(&points, &labels, &shapes)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_lay_out);
criterion_main!(benches);
