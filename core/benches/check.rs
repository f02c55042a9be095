//! `cargo bench -p hsmnet-core`: checking and loading the hub-and-spoke preset at 10, 100 and
//! 1,000 spokes. Target: 1,000 spokes checked in under 5 ms, growing no worse than n log n.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hsmnet_core::presets::{self, Size};
use hsmnet_core::{check, load, to_json};
use std::hint::black_box;

const SPOKES: [usize; 3] = [10, 100, 1000];

fn design(spokes: usize) -> hsmnet_core::Design {
    presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(spokes),
            regions: None,
        },
    )
    .expect("the preset builds")
}

fn bench_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    for spokes in SPOKES {
        let d = design(spokes);
        group.throughput(Throughput::Elements(spokes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(spokes), &d, |b, d| {
            b.iter(|| check(black_box(d)))
        });
    }
    group.finish();
}

fn bench_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    for spokes in SPOKES {
        let text = to_json(&design(spokes));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(spokes), &text, |b, t| {
            b.iter(|| load(black_box(t)).expect("loads"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_check, bench_load);
criterion_main!(benches);
