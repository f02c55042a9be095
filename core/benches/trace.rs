//! `cargo bench -p hsmnet-core --bench trace`: flow tracing on the hub-nva-proxy preset.
//! `reach/1000`: every HSM client (1,000 spoke subnets and the on-premises site) to every HSM
//! (two), out and back, including building the tracer's per-design facts. Target: under 50 ms.
//! `trace/1000`: one explained trace, with every hop in words.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hsmnet_core::azure::ports::LUNA_NTLS_PORT;
use hsmnet_core::model::Protocol;
use hsmnet_core::presets::{self, Size};
use hsmnet_core::trace::{Endpoint, Network};
use hsmnet_core::Design;
use std::hint::black_box;

const SPOKES: [usize; 2] = [100, 1000];

fn design(spokes: usize) -> Design {
    presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(spokes),
            regions: None,
        },
    )
    .expect("the preset builds")
}

/// Every HSM client of a design.
fn clients(d: &Design) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = d
        .vnets
        .iter()
        .flat_map(|v| v.subnets.iter().filter(|s| s.hsm_client))
        .map(|s| Endpoint::Subnet(s.id))
        .collect();
    out.extend(
        d.sites
            .iter()
            .filter(|s| s.roles.hsm_client)
            .map(|s| Endpoint::Site(s.id)),
    );
    out
}

fn every_client_to_every_hsm(d: &Design, clients: &[Endpoint]) -> usize {
    let net = Network::new(d);
    let mut delivered = 0;
    for &from in clients {
        for h in &d.hsms {
            let ok = net
                .reaches(from, Endpoint::Hsm(h.id), Protocol::Tcp, LUNA_NTLS_PORT)
                .expect("endpoints resolve");
            delivered += usize::from(ok);
        }
    }
    delivered
}

fn bench_reach(c: &mut Criterion) {
    let mut group = c.benchmark_group("reach");
    for spokes in SPOKES {
        let d = design(spokes);
        let from = clients(&d);
        let pairs = from.len() * d.hsms.len();
        assert_eq!(every_client_to_every_hsm(&d, &from), pairs, "all delivered");
        group.throughput(Throughput::Elements(pairs as u64));
        group.bench_with_input(BenchmarkId::from_parameter(spokes), &d, |b, d| {
            b.iter(|| every_client_to_every_hsm(black_box(d), &from))
        });
    }
    group.finish();
}

fn bench_one_trace(c: &mut Criterion) {
    let d = design(1000);
    let net = Network::new(&d);
    let from = Endpoint::parse(&d, "spoke-1000/workload").expect("a spoke");
    let to = Endpoint::parse(&d, "hsm2").expect("an HSM");
    c.bench_function("trace/1000", |b| {
        b.iter(|| {
            net.trace(black_box(from), to, Protocol::Tcp, LUNA_NTLS_PORT)
                .expect("endpoints resolve")
        })
    });
}

criterion_group!(benches, bench_reach, bench_one_trace);
criterion_main!(benches);
