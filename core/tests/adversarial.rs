//! The adversarial shapes of `benches/shapes` at moderate sizes: each is a document the loader
//! accepts, and checking and tracing it allocate in proportion to its size. Memory is counted
//! by this test's own allocator, so the measure is exact and the same on every machine: when
//! the size doubles, the bytes allocated and the peak may at most triple (a quadratic loop
//! would quadruple them). The allocator is `benches/counting`. Time is measured by `cargo bench --bench adversarial`.

#[path = "../benches/counting/mod.rs"]
mod counting;
#[path = "../benches/shapes/mod.rs"]
mod shapes;

use hsmnet_core::model::Protocol;
use hsmnet_core::trace::{Endpoint, Network, LUNA_NTLS_PORT};
use hsmnet_core::{check, load, to_json};
/// What the studio does with a design it opens: check it and trace its clients to its HSMs.
fn check_and_trace(design: &hsmnet_core::Design) {
    std::hint::black_box(check(design));
    let net = Network::new(design);
    let clients = design
        .vnets
        .iter()
        .flat_map(|v| v.subnets.iter().filter(|s| s.hsm_client))
        .map(|s| Endpoint::Subnet(s.id))
        .take(50);
    for from in clients {
        if let Some(h) = design.hsms.first() {
            let _ = net.trace(from, Endpoint::Hsm(h.id), Protocol::Tcp, LUNA_NTLS_PORT);
        }
    }
}

#[test]
fn every_shape_loads_and_costs_memory_in_proportion_to_its_size() {
    const N: usize = 3_000;
    for shape in shapes::ALL {
        let mut measured = Vec::new();
        for n in [N, 2 * N] {
            let design = (shape.build)(n);
            let text = to_json(&design);
            let design = load(&text).unwrap_or_else(|e| panic!("{}: {e}", shape.name));
            let m = counting::measure(|| check_and_trace(&design));
            measured.push((m.bytes, m.peak));
        }
        let (total_n, peak_n) = measured[0];
        let (total_2n, peak_2n) = measured[1];
        assert!(
            total_2n <= 3 * total_n,
            "{}: {total_n} bytes allocated at {N}, {total_2n} at {}",
            shape.name,
            2 * N
        );
        assert!(
            peak_2n <= 3 * peak_n.max(1 << 20),
            "{}: peak {peak_n} bytes at {N}, {peak_2n} at {}",
            shape.name,
            2 * N
        );
    }
}
