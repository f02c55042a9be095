//! `cargo bench -p hsmnet-core --bench import`: importing the ARM template of the hub-nva-proxy
//! preset at 1,000 spokes (about 3,000 resources, written as the ARM export writes them though
//! over Azure's limit of 800 per template), from text to the laid-out design. Target: under
//! 100 ms native.

use criterion::{criterion_group, criterion_main, Criterion};
use hsmnet_core::export::{arm, template_unchecked, Options};
use hsmnet_core::import::{import, Inputs};
use hsmnet_core::presets::{self, Size};
use std::hint::black_box;

fn bench_import(c: &mut Criterion) {
    let design = presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(1000),
            regions: None,
        },
    )
    .expect("the preset builds");
    let text = arm::to_text(&arm::render(&template_unchecked(
        &design,
        &Options::default(),
    )));
    let back = import(&text, &Inputs::default()).expect("the template imports");
    assert_eq!(back.design.vnets.len(), design.vnets.len());
    let mut group = c.benchmark_group("import-1000-spokes");
    group.sample_size(10);
    group.bench_function("arm", |b| {
        b.iter(|| import(black_box(&text), &Inputs::default()).expect("imports"))
    });
    group.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
