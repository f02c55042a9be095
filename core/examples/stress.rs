//! `cargo run --release -p hsmnet-core --example stress -- [N] [SHAPE]`: time and peak memory of
//! load, check, every-client-to-every-HSM reach, exports and link round trip for each
//! adversarial shape at size N (default 100,000). For finding what grows too fast; the
//! benchmarks (`--bench adversarial`) give the figures.

#[path = "../benches/shapes/mod.rs"]
mod shapes;

use hsmnet_core::model::Protocol;
use hsmnet_core::trace::{Endpoint, Network, LUNA_NTLS_PORT};
use hsmnet_core::{check, link, load, to_json};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|a| a.parse().expect("N"))
        .unwrap_or(100_000);
    let only = args.next();
    let per_rule = std::env::var_os("PER_RULE").is_some();
    for shape in shapes::ALL {
        if only.as_deref().is_some_and(|o| !shape.name.contains(o)) {
            continue;
        }
        let design = (shape.build)(n);
        let text = to_json(&design);
        let t = Instant::now();
        let loaded = load(&text);
        let load_ms = t.elapsed().as_secs_f64() * 1e3;
        let Ok(design) = loaded else {
            println!(
                "{:28} refused by the loader: {}",
                shape.name,
                loaded.unwrap_err()
            );
            continue;
        };
        if per_rule {
            let context = hsmnet_core::rules::Context::new(&design);
            let mut timings: Vec<(f64, &str)> = hsmnet_core::rules::ALL
                .iter()
                .map(|rule| {
                    // The least of three runs (the first also builds the shared facts).
                    let ms = (0..3)
                        .map(|_| {
                            let t = Instant::now();
                            let mut out = Vec::new();
                            (rule.check)(&context, &mut out);
                            t.elapsed().as_secs_f64() * 1e3
                        })
                        .fold(f64::MAX, f64::min);
                    (ms, rule.name)
                })
                .collect();
            timings.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (ms, name) in timings.iter().take(12) {
                println!("    {name:28} {ms:9.1} ms");
            }
        }
        let t = Instant::now();
        let report = check(&design);
        let check_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let net = Network::new(&design);
        let clients: Vec<Endpoint> = design
            .vnets
            .iter()
            .flat_map(|v| v.subnets.iter().filter(|s| s.hsm_client))
            .map(|s| Endpoint::Subnet(s.id))
            .chain(design.sites.iter().map(|s| Endpoint::Site(s.id)))
            .take(200)
            .collect();
        let mut delivered = 0;
        for &from in &clients {
            for h in design.hsms.iter().take(20) {
                delivered += usize::from(
                    net.reaches(from, Endpoint::Hsm(h.id), Protocol::Tcp, LUNA_NTLS_PORT)
                        .unwrap_or(false),
                );
            }
        }
        let reach_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let encoded = link::encode(&design);
        let decoded = encoded
            .as_ref()
            .ok()
            .map(|l| (l.len(), link::decode(l).is_ok()));
        let link_ms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "{:28} {:>6} items {:>9} B  load {load_ms:8.1} ms  check {check_ms:8.1} ms ({} findings)  reach {reach_ms:8.1} ms ({delivered} ok)  link {link_ms:8.1} ms ((length, decodes): {decoded:?})",
            shape.name,
            design.size(),
            text.len(),
            report.findings.len(),
        );
    }
}
