//! `cargo bench -p hsmnet-core --bench export`: the ARM and Bicep exports of the hub-nva-proxy
//! preset at 250 spokes (776 resources: the largest that fits Azure Resource Manager's limit of
//! 800 resources in one template), from a checked design to the finished text; and the refusal
//! of the same preset at 450 spokes, which is over that limit (and under Azure's 500 peerings
//! per VNet, so it checks clean). Target: each under 20 ms. The
//! check itself (done once by `Valid::new`) is measured by the `check` bench.

use criterion::{criterion_group, criterion_main, Criterion};
use hsmnet_core::export::{arm, bicep, Options, Valid};
use hsmnet_core::presets::{self, Size};
use hsmnet_core::Design;
use std::hint::black_box;

fn hub(spokes: usize) -> Design {
    presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(spokes),
            regions: None,
        },
    )
    .expect("the preset builds")
}

fn bench_export(c: &mut Criterion) {
    let options = Options::default();
    let design = hub(250);
    let valid = Valid::new(&design).expect("the preset checks clean");
    let mut group = c.benchmark_group("export-250-spokes");
    group.bench_function("arm", |b| {
        b.iter(|| arm::to_string(black_box(&valid), &options).expect("within the limits"))
    });
    group.bench_function("bicep", |b| {
        b.iter(|| bicep::render(black_box(&valid), &options).expect("within the limits"))
    });
    group.finish();

    let design = hub(450);
    let valid = Valid::new(&design).expect("the preset checks clean");
    let mut group = c.benchmark_group("export-450-spokes-refused");
    group.bench_function("arm", |b| {
        b.iter(|| arm::to_string(black_box(&valid), &options).expect_err("over the limits"))
    });
    group.bench_function("bicep", |b| {
        b.iter(|| bicep::render(black_box(&valid), &options).expect_err("over the limits"))
    });
    group.finish();
}

criterion_group!(benches, bench_export);
criterion_main!(benches);
