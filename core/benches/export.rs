//! `cargo bench -p hsmnet-core --bench export`: the ARM and Bicep exports of the hub-nva-proxy
//! preset at 1,000 spokes, from a checked design to the finished text. Target: each under
//! 20 ms. The check itself (done once by `Valid::new`) is measured by the `check` bench.

use criterion::{criterion_group, criterion_main, Criterion};
use hsmnet_core::export::{arm, bicep, Options, Valid};
use hsmnet_core::presets::{self, Size};
use std::hint::black_box;

fn bench_export(c: &mut Criterion) {
    let design = presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(1000),
            regions: None,
        },
    )
    .expect("the preset builds");
    let valid = Valid::new(&design).expect("the preset checks clean");
    let options = Options::default();
    let mut group = c.benchmark_group("export-1000-spokes");
    group.bench_function("arm", |b| {
        b.iter(|| arm::to_string(black_box(&valid), &options))
    });
    group.bench_function("bicep", |b| {
        b.iter(|| bicep::render(black_box(&valid), &options))
    });
    group.finish();
}

criterion_group!(benches, bench_export);
criterion_main!(benches);
