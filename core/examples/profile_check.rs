//! `cargo run --release -p hsmnet-core --example profile_check`: checks the hub-nva-proxy
//! preset at 1,000 spokes N times (env `N`, default 2,000) for profilers (perf, callgrind), and
//! prints the time per check and the allocations and peak heap of one check; with `PER_RULE`
//! set, each rule's share of them.

use hsmnet_core::presets::{self, Size};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        CALLS.fetch_add(1, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    CALLS.store(0, Relaxed);
    std::hint::black_box(hsmnet_core::check(&design));
    let peak_kib = (PEAK.load(Relaxed) - before) / 1024;
    println!(
        "one check: {} allocations, peak {peak_kib} KiB",
        CALLS.load(Relaxed)
    );
    if std::env::var_os("PER_RULE").is_some() {
        per_rule(&design);
    }
}
/// The context's memory, then each rule's peak and kept heap and allocations (the larger ones).
fn per_rule(design: &hsmnet_core::Design) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let cx = hsmnet_core::rules::Context::new(design);
    println!(
        "context: live {} KiB, peak {} KiB",
        (LIVE.load(Relaxed) - base) / 1024,
        (PEAK.load(Relaxed) - base) / 1024
    );
    for rule in hsmnet_core::rules::ALL {
        let before = LIVE.load(Relaxed);
        PEAK.store(before, Relaxed);
        CALLS.store(0, Relaxed);
        let mut out = Vec::new();
        (rule.check)(&cx, &mut out);
        let peak = (PEAK.load(Relaxed) - before) / 1024;
        let kept = (LIVE.load(Relaxed) as isize - before as isize) / 1024;
        if peak > 20 || CALLS.load(Relaxed) > 200 {
            println!(
                "{:30} peak +{peak} KiB, kept {kept} KiB, {} allocations",
                rule.name,
                CALLS.load(Relaxed)
            );
        }
    }
}
