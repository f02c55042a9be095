use hsmnet_core::presets::{self, Size};
fn main() {
    let d = presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(1000),
            regions: None,
        },
    )
    .unwrap();
    let t = std::time::Instant::now();
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    for _ in 0..n {
        std::hint::black_box(hsmnet_core::check(&d));
    }
    println!(
        "{:.2} ms per check",
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
}
