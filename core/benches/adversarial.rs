//! `cargo bench -p hsmnet-core --bench adversarial`: `check` of each adversarial shape
//! (`benches/shapes`) near the loader's cap of 100,000 elements and items. Target: every
//! document the loader accepts is checked in under 1 s (and under 512 MiB: see
//! `examples/stress.rs`, which prints peak memory, and `tests/adversarial.rs`).

#[path = "shapes/mod.rs"]
mod shapes;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hsmnet_core::document::MAX_ELEMENTS;
use hsmnet_core::{check, load, to_json};
use std::hint::black_box;
use std::time::Duration;

/// The items each shape spends: the largest size (in steps of 10%) whose design the loader
/// still accepts.
fn largest_accepted(shape: &shapes::Shape) -> (usize, hsmnet_core::Design) {
    let mut n = MAX_ELEMENTS;
    loop {
        let design = (shape.build)(n);
        if design.size() <= MAX_ELEMENTS {
            // Within the element cap, it may still be over the byte cap.
            if let Ok(design) = load(&to_json(&design)) {
                return (n, design);
            }
        }
        n = n * 9 / 10;
    }
}

fn bench_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("adversarial-check");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for shape in shapes::ALL {
        let (n, design) = largest_accepted(shape);
        group.bench_with_input(
            BenchmarkId::new(shape.name, format!("{n}/{}", design.size())),
            &design,
            |b, d| b.iter(|| check(black_box(d))),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
