//! Adversarial design shapes: designs the loader accepts whose size is made of whatever a
//! careless loop multiplies. Shared by the `adversarial` bench and `tests/adversarial.rs`
//! (included there by path), so the shapes measured are the shapes tested.
//!
//! Each generator takes `n`, the number of items to spend (prefixes, routes, subnets, rules,
//! elements), and builds on the hub-nva-proxy preset so that every rule has something to do.

#![allow(dead_code)] // each includer uses its own subset

use hsmnet_core::model::builder::{net, nsg_rule, route};
use hsmnet_core::model::{
    Access, CloudHsmCluster, Connection, ConnectionKind, Design, Direction, Gateway, Id,
    LoadBalancer, NextHop, OnPremSite, Peering, PeeringSide, PrivateEndpoint, Protocol, Region,
    Subnet, Vnet,
};
use hsmnet_core::presets::{self, Size};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// A shape: its name (for bench ids and messages) and how to build it at size `n`.
pub struct Shape {
    pub name: &'static str,
    pub build: fn(usize) -> Design,
}

pub const ALL: &[Shape] = &[
    Shape {
        name: "hub-spokes",
        build: hub_spokes,
    },
    Shape {
        name: "clients-x-prefixes",
        build: clients_by_prefixes,
    },
    Shape {
        name: "shared-route-table",
        build: shared_route_table,
    },
    Shape {
        name: "frontends-x-clients-x-hsms",
        build: frontends_clients_hsms,
    },
    Shape {
        name: "overlapping-prefixes",
        build: overlapping_prefixes,
    },
    Shape {
        name: "many-nsg-rules",
        build: many_nsg_rules,
    },
    Shape {
        name: "gateways-on-one-circuit",
        build: gateways_on_one_circuit,
    },
    Shape {
        name: "sites-x-spokes",
        build: sites_by_spokes,
    },
    Shape {
        name: "cheapest-regions",
        build: cheapest_regions,
    },
    Shape {
        name: "cheapest-peerings",
        build: cheapest_peerings,
    },
    Shape {
        name: "cheapest-hsms",
        build: cheapest_hsms,
    },
    Shape {
        name: "dynamic-endpoints",
        build: dynamic_endpoints,
    },
];

/// The hub-nva-proxy preset with `spokes` workload spokes.
pub fn hub(spokes: usize) -> Design {
    presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(spokes),
            regions: None,
        },
    )
    .expect("the preset builds")
}

/// The `i`-th address of 172.16.0.0/12 as a /32 (distinct for i < 2^20).
fn host32(i: usize) -> Ipv4Net {
    let base = u32::from(Ipv4Addr::new(172, 16, 0, 0));
    Ipv4Net::new(Ipv4Addr::from(base + i as u32), 32).expect("a /32")
}

fn next_id(d: &Design) -> u32 {
    d.ids().iter().map(|id| id.0).max().unwrap_or(0) + 1
}

fn spokes_for(n: usize) -> usize {
    (n / 2).clamp(1, presets::plan::MAX_SPOKES)
}

/// The preset itself with `n/2` spokes (at most its maximum): the baseline.
pub fn hub_spokes(n: usize) -> Design {
    hub(spokes_for(n))
}

/// Many client subnets × many on-premises prefixes: every spoke learns every prefix of the
/// site through the hub's gateway.
pub fn clients_by_prefixes(n: usize) -> Design {
    let mut d = hub(spokes_for(n));
    let site = &mut d.sites[0];
    site.prefixes.extend((0..n / 2).map(host32));
    d
}

/// One route table with `n/2` routes, attached to every spoke's subnets.
pub fn shared_route_table(n: usize) -> Design {
    let mut d = hub(spokes_for(n));
    let firewall_ip = "10.100.1.4";
    let rt = d
        .route_tables
        .iter_mut()
        .find(|rt| rt.name == "spoke-rt" || rt.name.starts_with("spoke"))
        .or(None)
        .map(|rt| rt.id);
    let rt_id = match rt {
        Some(id) => id,
        None => d.route_tables[0].id,
    };
    let table = d
        .route_tables
        .iter_mut()
        .find(|t| t.id == rt_id)
        .expect("a table");
    table.routes.extend((0..n / 2).map(|i| {
        route(
            &format!("r{i}"),
            &host32(i).to_string(),
            NextHop::VirtualAppliance,
            Some(firewall_ip),
        )
    }));
    for v in d.vnets.iter_mut().filter(|v| v.name.starts_with("spoke")) {
        for s in &mut v.subnets {
            s.route_table = Some(rt_id);
        }
    }
    d
}

/// Many load-balancer frontends in front of the proxies × many clients × many HSMs.
pub fn frontends_clients_hsms(n: usize) -> Design {
    let third = (n / 3).max(1);
    let mut d = hub(third.min(presets::plan::MAX_SPOKES));
    let mut id = next_id(&d);
    let lb = d.load_balancers[0].clone();
    let nva_subnet = lb.subnet;
    let (nva_prefix, _) = subnet(&d, nva_subnet);
    // Grow the NVA subnet so it holds every frontend.
    let hub = d
        .vnets
        .iter_mut()
        .find(|v| v.subnets.iter().any(|s| s.id == nva_subnet))
        .expect("the hub");
    let wide: Ipv4Net = net("10.250.0.0/16");
    hub.address_space.push(wide);
    let _ = nva_prefix;
    for s in &mut hub.subnets {
        if s.id == nva_subnet {
            s.prefix = wide;
        }
    }
    let hosts: Vec<Ipv4Addr> = wide.hosts().skip(20).collect();
    for (k, nva) in d.nvas.iter_mut().enumerate() {
        nva.private_ip = Some(hosts[k]);
    }
    for k in 0..third {
        let mut copy: LoadBalancer = lb.clone();
        copy.id = Id(id);
        id += 1;
        copy.name = format!("ilb-{k}");
        copy.frontend_ip = Some(hosts[10 + k]);
        d.load_balancers.push(copy);
    }
    // More HSMs in a wider HSM subnet.
    let hsm_subnet = d.hsms[0].subnet;
    let hsm_wide: Ipv4Net = net("10.251.0.0/16");
    let hsm_vnet = d
        .vnets
        .iter_mut()
        .find(|v| v.subnets.iter().any(|s| s.id == hsm_subnet))
        .expect("the HSM VNet");
    hsm_vnet.address_space.push(hsm_wide);
    for s in &mut hsm_vnet.subnets {
        if s.id == hsm_subnet {
            s.prefix = hsm_wide;
        }
    }
    let template = d.hsms[0].clone();
    d.hsms.clear();
    for (k, addr) in hsm_wide.hosts().skip(4).take(third.min(60_000)).enumerate() {
        let mut h = template.clone();
        h.id = Id(id);
        id += 1;
        h.name = format!("hsm-{k}");
        h.stamp = if k % 2 == 0 { "stamp1" } else { "stamp2" }.into();
        h.private_ip = Some(addr);
        d.hsms.push(h);
    }
    d
}

fn subnet(d: &Design, id: Id) -> (Ipv4Net, &Subnet) {
    let s = d
        .vnets
        .iter()
        .flat_map(|v| &v.subnets)
        .find(|s| s.id == id)
        .expect("the subnet");
    (s.prefix, s)
}

/// Tens of thousands of overlapping prefixes: spoke VNets that all claim the same space and
/// are peered with the hub, subnets that overlap inside one VNet, site prefixes on top.
pub fn overlapping_prefixes(n: usize) -> Design {
    let quarter = (n / 4).max(1);
    let mut d = hub(quarter.min(presets::plan::MAX_SPOKES));
    let same: Ipv4Net = net("10.200.0.0/16");
    for v in d.vnets.iter_mut().filter(|v| v.name.starts_with("spoke")) {
        v.address_space = vec![same];
        for s in &mut v.subnets {
            s.prefix = net("10.200.0.0/24");
        }
    }
    let first = next_id(&d);
    let spoke = d
        .vnets
        .iter_mut()
        .find(|v| v.name.starts_with("spoke"))
        .expect("a spoke");
    for (k, id) in (0..quarter).zip(first..) {
        spoke.subnets.push(Subnet {
            id: Id(id),
            name: format!("overlap-{k}"),
            prefix: if k % 2 == 0 {
                net("10.200.0.0/16")
            } else {
                net("10.200.1.0/24")
            },
            ..spoke.subnets[0].clone()
        });
    }
    d.sites[0]
        .prefixes
        .extend((0..quarter).map(|k| if k % 2 == 0 { same } else { net("10.0.0.0/8") }));
    d
}

/// One NSG with `n` rules on the NVA subnet, all at distinct priorities (then repeating).
pub fn many_nsg_rules(n: usize) -> Design {
    let mut d = hub(2);
    let nsg = d
        .nsgs
        .iter_mut()
        .find(|g| g.name == "nva-nsg")
        .expect("the NVA NSG");
    for k in 0..n {
        nsg.rules.insert(
            0,
            nsg_rule(
                &format!("deny-{k}"),
                100 + (k % 3900) as u16,
                if k % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                Access::Deny,
                Protocol::Tcp,
                &host32(k).to_string(),
                "*",
                &format!("{}", 2000 + k % 1000),
            ),
        );
    }
    d
}

/// `n` regions and nothing else of note: the cheapest element in bytes.
pub fn cheapest_regions(n: usize) -> Design {
    let mut d = hub(1);
    for (k, id) in (0..n).zip(next_id(&d)..) {
        d.regions.push(Region {
            id: Id(id),
            name: format!("r{k}"),
            location: "westeurope".into(),
            layout: Default::default(),
        });
    }
    d
}

/// `n` peerings, all between the same two VNets.
pub fn cheapest_peerings(n: usize) -> Design {
    let mut d = hub(1);
    let template: Peering = d.peerings[0].clone();
    for (k, id) in (0..n).zip(next_id(&d)..) {
        d.peerings.push(Peering {
            id: Id(id),
            name: format!("p{k}"),
            a_to_b: PeeringSide::default(),
            b_to_a: PeeringSide::default(),
            ..template.clone()
        });
    }
    d
}

/// `n` HSMs in one wide HSM subnet, half without a pinned address.
pub fn cheapest_hsms(n: usize) -> Design {
    let mut d = hub(1);
    let template = d.hsms[0].clone();
    for (k, id) in (0..n).zip(next_id(&d)..) {
        let mut h = template.clone();
        h.id = Id(id);
        h.name = format!("h{k}");
        h.private_ip = if k % 2 == 0 {
            None
        } else {
            template.private_ip
        };
        d.hsms.push(h);
    }
    d
}

/// A Cloud HSM cluster and `n/2` private endpoints to it without a pinned address, whose
/// addresses Azure would assign: half in one wide subnet (each takes the run after the last),
/// half one per small subnet (each subnet's used addresses gathered).
pub fn dynamic_endpoints(n: usize) -> Design {
    let mut d = hub(1);
    let region = d.regions[0].id;
    let mut ids = next_id(&d)..;
    let mut id = || Id(ids.next().expect("ids left"));
    let cluster = id();
    d.cloud_hsm_clusters
        .push(CloudHsmCluster::new(cluster, "chsm".into(), region));
    let mut vnet = Vnet::new(id(), "endpoints".into(), region, vec![net("172.16.0.0/12")]);
    let wide = id();
    vnet.subnets
        .push(Subnet::new(wide, "wide".into(), net("172.16.0.0/14")));
    let small = n / 4;
    let base = u32::from(Ipv4Addr::new(172, 20, 0, 0));
    for k in 0..small {
        let prefix = Ipv4Net::new(Ipv4Addr::from(base + 16 * k as u32), 28).expect("a /28");
        let s = Subnet::new(id(), format!("pe{k}"), prefix);
        d.private_endpoints.push(PrivateEndpoint::new(
            id(),
            format!("pe-small-{k}"),
            s.id,
            cluster,
            None,
        ));
        vnet.subnets.push(s);
    }
    for k in 0..n / 2 - small {
        d.private_endpoints.push(PrivateEndpoint::new(
            id(),
            format!("pe-wide-{k}"),
            wide,
            cluster,
            None,
        ));
    }
    d.vnets.push(vnet);
    d
}

/// `n/4` VNets, each with an ExpressRoute gateway connected to the same circuit: every gateway
/// learns every other VNet's space through the circuit.
pub fn gateways_on_one_circuit(n: usize) -> Design {
    let mut d = hub(1);
    let mut id = next_id(&d);
    let region = d.regions[0].id;
    let circuit = d.circuits[0].id;
    let template = d
        .gateways
        .iter()
        .find(|g| g.name == "hub-ergw")
        .expect("the hub gateway")
        .clone();
    for k in 0..n / 4 {
        let space =
            Ipv4Net::new(Ipv4Addr::from(0x0B00_0000 + ((k as u32) << 8)), 24).expect("a /24");
        let (vnet, subnet, gateway, connection) = (Id(id), Id(id + 1), Id(id + 2), Id(id + 3));
        id += 4;
        d.vnets.push(Vnet {
            id: vnet,
            name: format!("er-{k}"),
            region,
            address_space: vec![space],
            subnets: vec![Subnet {
                id: subnet,
                name: "GatewaySubnet".into(),
                prefix: space,
                ..d.vnets[0].subnets[0].clone()
            }],
            ..d.vnets[0].clone()
        });
        d.gateways.push(Gateway {
            id: gateway,
            name: format!("er-{k}-gw"),
            subnet,
            ..template.clone()
        });
        d.connections.push(Connection {
            id: connection,
            name: format!("er-{k}-connection"),
            kind: ConnectionKind::ExpressRoute { gateway, circuit },
            fastpath: false,
        });
    }
    d
}

/// `n/2` on-premises sites, each with a site-to-site link to the hub, whose gateway announces
/// `n/2` spokes.
pub fn sites_by_spokes(n: usize) -> Design {
    let mut d = hub(spokes_for(n));
    let mut id = next_id(&d);
    let hub_gateway = d
        .gateways
        .iter()
        .find(|g| g.name == "hub-ergw")
        .expect("the hub gateway")
        .id;
    let template: OnPremSite = d.sites[0].clone();
    for k in 0..n / 4 {
        let (site, connection) = (Id(id), Id(id + 1));
        id += 2;
        d.sites.push(OnPremSite {
            id: site,
            name: format!("site-{k}"),
            prefixes: vec![host32(k)],
            vpn_device_ip: Some(Ipv4Addr::new(203, 0, 113, 10)),
            ..template.clone()
        });
        d.connections.push(Connection {
            id: connection,
            name: format!("site-{k}-s2s"),
            kind: ConnectionKind::SiteToSite {
                gateway: hub_gateway,
                site,
            },
            fastpath: false,
        });
    }
    d
}
