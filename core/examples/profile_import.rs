//! `cargo run --release -p hsmnet-core --example profile_import`: imports the ARM export of the
//! hub-nva-proxy preset at 1,000 spokes N times (env `N`, default 20) for profilers (perf,
//! callgrind), and prints the time per import and the allocations and peak heap of one.

#[path = "../benches/counting/mod.rs"]
mod counting;

use hsmnet_core::export::{arm, template_unchecked, Options};
use hsmnet_core::import::{import, Inputs};
use hsmnet_core::presets::{self, Size};

fn main() {
    let size = Size {
        spokes: Some(1000),
        regions: None,
    };
    let design = presets::build("hub-nva-proxy", &size).unwrap();
    let text = arm::to_text(&arm::render(&template_unchecked(
        &design,
        &Options::default(),
    )));
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(import(&text, &Inputs::default()).unwrap());
    }
    if n > 0 {
        let ms = t.elapsed().as_secs_f64() * 1e3 / n as f64;
        println!("{ms:.1} ms per import of {} bytes", text.len());
    }
    let m = counting::measure(|| {
        std::hint::black_box(import(&text, &Inputs::default()).unwrap());
    });
    println!(
        "one import: {} allocations, peak {} KiB",
        m.allocations,
        m.peak / 1024
    );
}
