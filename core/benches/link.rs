//! `cargo bench -p hsmnet-core --bench link`: share-link encode and decode of the hub-and-spoke
//! preset at 1,000 spokes. Target: each under 20 ms.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hsmnet_core::link;
use hsmnet_core::presets::{self, Size};
use std::hint::black_box;

fn bench_link(c: &mut Criterion) {
    let design = presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(1000),
            regions: None,
        },
    )
    .expect("the preset builds");
    let encoded = link::encode(&design).expect("the preset fits in a link");
    let mut group = c.benchmark_group("link");
    group.throughput(Throughput::Bytes(encoded.len() as u64));
    group.bench_function("encode/1000", |b| {
        b.iter(|| link::encode(black_box(&design)).expect("encodes"))
    });
    group.bench_function("decode/1000", |b| {
        b.iter(|| link::decode(black_box(&encoded)).expect("decodes"))
    });
    group.finish();
}

criterion_group!(benches, bench_link);
criterion_main!(benches);
