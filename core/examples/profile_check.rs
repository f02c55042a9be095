//! `cargo run --release -p hsmnet-core --example profile_check`: checks the hub-nva-proxy
//! preset at 1,000 spokes N times (env `N`, default 2,000) for profilers (perf, callgrind), and
//! prints the time per check and the allocations and peak heap of one check; with `PER_RULE`
//! set, each rule's share of them.

#[path = "../benches/counting/mod.rs"]
mod counting;

use hsmnet_core::presets::{self, Size};
fn main() {
    let spokes = Some(1000);
    let design = presets::build(
        "hub-nva-proxy",
        &Size {
            spokes,
            regions: None,
        },
    )
    .unwrap();
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(hsmnet_core::check(&design));
    }
    if n > 0 {
        let ms = t.elapsed().as_secs_f64() * 1e3 / n as f64;
        println!("{ms:.2} ms per check");
    }
    let m = counting::measure(|| {
        std::hint::black_box(hsmnet_core::check(&design));
    });
    println!(
        "one check: {} allocations, peak {} KiB",
        m.allocations,
        m.peak / 1024
    );
    if std::env::var_os("PER_RULE").is_some() {
        per_rule(&design);
    }
}

/// The context's memory, then each rule's peak and kept heap and allocations (the larger ones).
fn per_rule(design: &hsmnet_core::Design) {
    let mut cx = None;
    let m = counting::measure(|| cx = Some(hsmnet_core::rules::Context::new(design)));
    println!(
        "context: kept {} KiB, peak {} KiB",
        m.kept / 1024,
        m.peak / 1024
    );
    let cx = cx.expect("made above");
    for rule in hsmnet_core::rules::ALL {
        let mut out = Vec::new();
        let m = counting::measure(|| (rule.check)(&cx, &mut out));
        if m.peak > 20 * 1024 || m.allocations > 200 {
            println!(
                "{:30} peak +{} KiB, kept {} KiB, {} allocations",
                rule.name,
                m.peak / 1024,
                m.kept / 1024,
                m.allocations
            );
        }
    }
}
