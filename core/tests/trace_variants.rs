//! Flow tracing over the presets and over broken variants of them.
//!
//! First, every preset's HSM clients (workload subnets and client sites) reach every HSM of their
//! region on TCP 1792, out and back, at the default size and larger ones. Then each variant
//! breaks one thing the source document warns about, by an edit of a preset, and the trace must
//! drop the flow at the element that breaks it, on the right leg, for the right reason.

use hsmnet_core::model::{
    Access, AddressMatch, Design, Direction, Id, NsgRule, PortRange, Protocol,
};
use hsmnet_core::presets::{self, Size};
use hsmnet_core::trace::{trace, Endpoint, Leg, Network, Trace, Verdict};

fn preset(name: &str, spokes: Option<usize>, regions: Option<usize>) -> Design {
    presets::build(name, &Size { spokes, regions }).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn id_of(design: &Design, name: &str) -> Id {
    design
        .ids()
        .into_iter()
        .find(|id| design.name_of(*id) == name)
        .unwrap_or_else(|| panic!("no element named {name}"))
}

fn run(design: &Design, from: &str, to: &str, port: u16) -> Trace {
    let from = Endpoint::parse(design, from).unwrap_or_else(|e| panic!("{e}"));
    let to = Endpoint::parse(design, to).unwrap_or_else(|e| panic!("{e}"));
    trace(design, from, to, Protocol::Tcp, port).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts the flow is dropped on `leg` at a hop naming the element called `at`, with a reason
/// holding every one of `words`.
fn assert_dropped(design: &Design, from: &str, to: &str, leg: Leg, at: &str, words: &[&str]) {
    let t = run(design, from, to, 1792);
    let Verdict::Dropped { reason, .. } = &t.verdict else {
        panic!("{from} -> {to} was delivered:\n{t}");
    };
    let hop = t.failing_hop().expect("a dropped trace names its hop");
    assert_eq!(hop.leg, leg, "{t}");
    assert!(
        hop.elements.contains(&id_of(design, at)),
        "dropped at {:?}, expected at {at}:\n{t}",
        hop.elements
    );
    for w in words {
        assert!(reason.contains(w), "reason lacks {w:?}:\n{t}");
    }
}

fn assert_delivered(design: &Design, from: &str, to: &str) {
    let t = run(design, from, to, 1792);
    assert!(t.delivered(), "{t}");
}

// ---- every preset's clients reach their HSMs ----

/// Every HSM client of a design and the HSMs it should reach: all of them for sites, those of
/// its own region for subnets (other regions are for failover, through the VNet-to-VNet mesh).
fn clients_reach_their_hsms(design: &Design) -> usize {
    let net = Network::new(design);
    let mut pairs = 0;
    let region_of_subnet = |subnet: Id| {
        design
            .vnets
            .iter()
            .find(|v| v.subnets.iter().any(|s| s.id == subnet))
            .map(|v| v.region)
    };
    let mut clients: Vec<(Endpoint, Option<Id>)> = Vec::new();
    for v in &design.vnets {
        for s in v.subnets.iter().filter(|s| s.hsm_client) {
            clients.push((Endpoint::Subnet(s.id), Some(v.region)));
        }
    }
    for site in design.sites.iter().filter(|s| s.roles.hsm_client) {
        clients.push((Endpoint::Site(site.id), None));
    }
    assert!(!clients.is_empty(), "{} has HSM clients", design.name);
    for (client, region) in clients {
        // A Cloud HSM design: every client reaches the cluster on the client ports, by name.
        for cluster in &design.cloud_hsm_clusters {
            for port in [2224, 2225, 443] {
                let to = Endpoint::CloudHsm(cluster.id);
                let t = net.trace(client, to, Protocol::Tcp, port).unwrap();
                assert!(t.delivered(), "{}:\n{t}", design.name);
                assert!(t.hops.iter().any(|h| h.leg == Leg::Back), "{t}");
                assert_eq!(net.reaches(client, to, Protocol::Tcp, port), Ok(true));
            }
            pairs += 1;
        }
        for hsm in &design.hsms {
            if region.is_some() && region_of_subnet(hsm.subnet) != region {
                continue;
            }
            let port = hsm.client_port();
            let t = net
                .trace(client, Endpoint::Hsm(hsm.id), Protocol::Tcp, port)
                .unwrap();
            assert!(t.delivered(), "{}:\n{t}", design.name);
            assert!(t.hops.iter().any(|h| h.leg == Leg::Back), "{t}");
            let fast = net.reaches(client, Endpoint::Hsm(hsm.id), Protocol::Tcp, port);
            assert_eq!(fast, Ok(true), "the quiet trace agrees");
            pairs += 1;
        }
    }
    pairs
}

#[test]
fn every_preset_client_reaches_its_hsms_out_and_back_at_the_default_size() {
    for p in presets::ALL {
        let pairs = clients_reach_their_hsms(&preset(p.name, None, None));
        assert!(pairs >= 2, "{}: {pairs} pairs", p.name);
    }
}

#[test]
fn larger_presets_reach_too() {
    assert_eq!(
        clients_reach_their_hsms(&preset("hub-nva-proxy", Some(10), None)),
        (10 + 1) * 2
    );
    assert_eq!(
        clients_reach_their_hsms(&preset("single-vnet", Some(10), None)),
        10 * 2
    );
    assert_eq!(
        clients_reach_their_hsms(&preset("expressroute-direct", Some(10), None)),
        (10 + 1) * 2
    );
    // Three regions, three spokes each: every spoke its region's pair, the site all six.
    assert_eq!(
        clients_reach_their_hsms(&preset("cross-region-ha", Some(3), Some(3))),
        9 * 2 + 6
    );
}

// ---- payment HSMs ----

#[test]
fn payshield_manager_answers_the_admin_workstation_on_443_at_the_management_address_only() {
    let d = preset("payment-hsm", None, None);
    let t = run(&d, "admin-workstation", "phsm1/management", 443);
    assert!(t.delivered(), "{t}");
    // Host commands go to the host address, not the management one; HTTPS is not served there.
    let t = run(&d, "admin-workstation", "phsm1/management", 1500);
    assert!(!t.delivered(), "{t}");
    assert!(
        t.to_string().contains("payShield Manager on TCP 443"),
        "{t}"
    );
    let t = run(&d, "app-vnet-1/workload", "phsm1", 443);
    assert!(t.to_string().contains("host commands on TCP 1500"), "{t}");
    assert!(!t.delivered(), "{t}");
}

#[test]
fn a_management_nic_in_another_vnet_is_reached_there() {
    let d = preset("payment-hsm-multi-vnet", None, None);
    let t = run(&d, "admin-westeurope", "phsm1-westeurope/management", 443);
    assert!(t.delivered(), "{t}");
    let mgmt = id_of(&d, "phsm-mgmt-westeurope");
    assert!(t.elements().contains(&mgmt), "{t}");
}

#[test]
fn a_changed_host_port_is_the_one_the_payshield_listens_on() {
    let mut d = preset("payment-hsm", None, None);
    d.hsms[0].host_port = 1501;
    let name = d.hsms[0].name.clone();
    assert!(run(&d, "app-vnet-1/workload", &name, 1501).delivered());
    assert!(!run(&d, "app-vnet-1/workload", &name, 1500).delivered());
}

#[test]
fn global_peering_to_a_payment_hsm_vnet_is_dropped_at_the_peering() {
    let mut d = preset("payment-hsm-multi-vnet", None, None);
    // The disaster-recovery region's spoke peered straight with the production host VNet.
    let host = id_of(&d, "phsm-host-westeurope");
    let spoke = id_of(&d, "app-northeurope-1");
    let id = d.next_id();
    d.peerings.push(hsmnet_core::model::Peering::new(
        id,
        "global".into(),
        host,
        spoke,
    ));
    let t = run(&d, "app-northeurope-1/workload", "phsm1-westeurope", 1500);
    let Verdict::Dropped { reason, .. } = &t.verdict else {
        panic!("{t}");
    };
    assert!(
        reason.contains("Payment HSM does not support cross-region"),
        "{reason}"
    );
    assert!(t.elements().contains(&id), "{t}");
}

#[test]
fn a_spoke_reaches_another_regions_hsm_over_the_vnet_to_vnet_mesh() {
    let d = preset("cross-region-ha", None, Some(2));
    let t = run(&d, "app-westeurope-1/workload", "hsm1-northeurope", 1792);
    assert!(t.delivered(), "{t}");
    let v2v = id_of(&d, "v2v-westeurope-northeurope");
    assert!(t.elements().contains(&v2v), "{t}");
}

#[test]
fn the_hub_trace_names_every_element_on_the_path() {
    let d = preset("hub-nva-proxy", None, None);
    let t = run(&d, "spoke-1/workload", "hsm1", 1792);
    assert!(t.delivered(), "{t}");
    for name in [
        "spoke-rt",
        "hub-vnet-to-spoke-1",
        "hub-fw",
        "nva-ilb",
        "nva-proxy-1",
        "nva-nsg",
        "hub-vnet-to-hsm-vnet",
        "hsm1",
    ] {
        assert!(t.elements().contains(&id_of(&d, name)), "{name}:\n{t}");
    }
    assert_eq!(
        t.connects_to.to_string(),
        "10.1.2.10",
        "through the proxy frontend"
    );
    assert_eq!(t.proxy, Some(id_of(&d, "nva-ilb")));
}

// ---- helpers that break a preset ----

fn hub() -> Design {
    preset("hub-nva-proxy", None, None)
}

fn single(spokes: usize) -> Design {
    preset("single-vnet", Some(spokes), None)
}

fn subnet_mut<'a>(
    d: &'a mut Design,
    vnet: &str,
    subnet: &str,
) -> &'a mut hsmnet_core::model::Subnet {
    d.vnets
        .iter_mut()
        .find(|v| v.name == vnet)
        .and_then(|v| v.subnets.iter_mut().find(|s| s.name == subnet))
        .unwrap_or_else(|| panic!("no {vnet}/{subnet}"))
}

fn nsg_rule(
    name: &str,
    priority: u16,
    direction: Direction,
    access: Access,
    port: &str,
) -> NsgRule {
    NsgRule {
        name: name.into(),
        priority,
        direction,
        access,
        protocol: Protocol::Tcp,
        source: AddressMatch::Any,
        destination: AddressMatch::Any,
        destination_ports: port.parse().unwrap(),
    }
}

/// The hub with Azure Firewall's default SNAT behaviour (private destinations keep the client
/// address) and an NVA NSG that admits clients rather than only the firewall subnet: the design
/// where the NVA subnet's routes back through the firewall matter.
fn hub_without_firewall_snat() -> Design {
    let mut d = hub();
    d.firewalls[0].always_snat = false;
    relax_nva_nsg(&mut d);
    d
}

/// Lets the NVA subnet's NSG take any source, in and out, so that what a variant breaks is
/// met before the NSG refuses an untranslated address.
fn relax_nva_nsg(d: &mut Design) {
    let nsg = d.nsgs.iter_mut().find(|n| n.name == "nva-nsg").unwrap();
    for rule in nsg.rules.iter_mut().filter(|r| r.access == Access::Allow) {
        rule.source = AddressMatch::Any;
    }
}

// ---- the broken variants ----

#[test]
fn variant_snat_off_on_the_proxy_nvas_loses_the_reply() {
    let mut d = hub();
    d.nvas.iter_mut().for_each(|n| n.snat = false);
    // As built, the NVA subnet's NSG lets out only the NVAs' own addresses.
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "nva-nsg",
        &["from 10.1.1.4 to 10.0.1.4 outbound", "deny-all-outbound"],
    );
    relax_nva_nsg(&mut d);
    // The HSM sees the firewall's address and answers it directly, past the NVAs.
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Back,
        "hub-fw",
        &["bypassed 'nva-proxy-1'", "asymmetric"],
    );
    // Without any SNAT on the way, the HSM subnet has no route back to on-premises at all.
    let mut d = hub_without_firewall_snat();
    d.nvas.iter_mut().for_each(|n| n.snat = false);
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm1",
        Leg::Back,
        "hsm-subnet",
        &["no route", "cannot carry a route table"],
    );
}

#[test]
fn variant_ntls_ip_check_on_behind_snat_refuses_the_client() {
    let mut d = hub();
    d.hsms.iter_mut().for_each(|h| h.ntls_ip_check = true);
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "hsm1",
        &[
            "NTLS client IP checking on",
            "10.1.2.4",
            "ntls ipcheck disable",
        ],
    );
    // Without a proxy the HSM sees the client itself, and the check passes.
    let d = single(1);
    assert!(d.hsms.iter().all(|h| h.ntls_ip_check));
    assert_delivered(&d, "app-vnet-1/workload", "hsm1");
}

#[test]
fn variant_no_route_to_the_firewall_on_the_gateway_subnet() {
    let mut d = hub();
    subnet_mut(&mut d, "hub-vnet", "GatewaySubnet").route_table = None;
    // On-premises traffic goes straight to the load balancer, and the NVAs' NSG, which trusts
    // only the firewall, refuses it.
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm1",
        Leg::Out,
        "nva-nsg",
        &["denies TCP 1792 from 192.168.0.1", "deny-all-inbound"],
    );
}

#[test]
fn variant_no_route_back_through_the_firewall_on_the_nva_subnet() {
    let d = hub_without_firewall_snat();
    assert_delivered(&d, "onprem-dc", "hsm1");
    let mut d = d;
    subnet_mut(&mut d, "hub-vnet", "nva-subnet").route_table = None;
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm1",
        Leg::Back,
        "hub-fw",
        &["bypasses 'hub-fw'", "asymmetric"],
    );
}

#[test]
fn variant_firewall_without_snat_in_front_of_an_nsg_trusting_only_the_firewall() {
    let mut d = hub();
    d.firewalls[0].always_snat = false;
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm2",
        Leg::Out,
        "nva-nsg",
        &["from 10.128.0.4", "deny-all-inbound"],
    );
}

#[test]
fn variant_firewall_rule_missing() {
    let mut d = hub();
    d.firewalls[0].rules.clear();
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm1",
        Leg::Out,
        "hub-fw",
        &[
            "no network rule allowing TCP 1792",
            "denies what no rule allows",
        ],
    );
}

#[test]
fn variant_firewall_rule_for_the_wrong_port() {
    let mut d = hub();
    d.firewalls[0].rules[0].ports = vec![PortRange::single(443)];
    assert_dropped(
        &d,
        "spoke-2/workload",
        "hsm1",
        Leg::Out,
        "hub-fw",
        &[
            "no network rule allowing TCP 1792",
            "'trusted-to-hsm-proxy'",
            "443",
        ],
    );
}

#[test]
fn variant_firewall_deny_rule_before_the_allow_rule() {
    let mut d = hub();
    let mut deny = d.firewalls[0].rules[0].clone();
    deny.name = "deny-onprem".into();
    deny.action = Access::Deny;
    d.firewalls[0].rules.insert(0, deny);
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm1",
        Leg::Out,
        "hub-fw",
        &["network rule 'deny-onprem'"],
    );
}

#[test]
fn variant_nsg_denying_1792() {
    let mut d = single(1);
    let nsg_id = Id(9000);
    d.nsgs.push(hsmnet_core::model::Nsg {
        id: nsg_id,
        name: "app-nsg".into(),
        rules: vec![nsg_rule(
            "deny-luna",
            100,
            Direction::Outbound,
            Access::Deny,
            "1792",
        )],
        layout: Default::default(),
    });
    subnet_mut(&mut d, "app-vnet-1", "workload").nsg = Some(nsg_id);
    assert_dropped(
        &d,
        "app-vnet-1/workload",
        "hsm1",
        Leg::Out,
        "app-nsg",
        &["denies TCP 1792", "outbound", "'deny-luna' (priority 100)"],
    );
    // The same NSG allowing 1792 lets the flow through.
    d.nsgs.last_mut().unwrap().rules[0].access = Access::Allow;
    assert_delivered(&d, "app-vnet-1/workload", "hsm1");
}

#[test]
fn variant_spoke_peered_only_to_another_spoke() {
    let mut d = single(2);
    let (spoke1, spoke2) = (id_of(&d, "app-vnet-1"), id_of(&d, "app-vnet-2"));
    d.peerings.retain(|p| p.b != spoke1);
    d.peerings.push(hsmnet_core::model::Peering {
        id: Id(9000),
        name: "spoke-to-spoke".into(),
        a: spoke1,
        b: spoke2,
        a_to_b: Default::default(),
        b_to_a: Default::default(),
    });
    assert_dropped(
        &d,
        "app-vnet-1/workload",
        "hsm1",
        Leg::Out,
        "app-vnet-1",
        &[
            "'app-vnet-1' → 'hsm-vnet': no route",
            "peered with 'app-vnet-2', which is peered with 'hsm-vnet'",
            "peering is not transitive",
        ],
    );
}

#[test]
fn variant_cross_region_peering_to_the_hsm_vnet() {
    let mut d = single(1);
    let north = Id(9000);
    d.regions.push(hsmnet_core::model::Region {
        id: north,
        name: "North Europe".into(),
        location: "northeurope".into(),
        layout: Default::default(),
    });
    d.vnets
        .iter_mut()
        .find(|v| v.name == "app-vnet-1")
        .unwrap()
        .region = north;
    assert_dropped(
        &d,
        "app-vnet-1/workload",
        "hsm2",
        Leg::Out,
        "hsm-vnet-to-app-vnet-1",
        &["global VNet peering", "VNet-to-VNet VPN"],
    );
}

#[test]
fn variant_vnet_to_vnet_connection_missing() {
    // The model holds a VNet-to-VNet link as one element for both directions (the exporters
    // write the two connection resources), so a missing direction is a missing link.
    let mut d = preset("cross-region-ha", Some(1), Some(2));
    d.connections
        .retain(|c| c.name != "v2v-westeurope-northeurope");
    assert_dropped(
        &d,
        "app-westeurope-1/workload",
        "hsm1-northeurope",
        Leg::Out,
        "app-westeurope-1",
        &["→ 'hsm-vnet-northeurope': no route"],
    );
}

#[test]
fn variant_spoke_not_using_the_remote_gateway_cannot_reach_the_other_region() {
    let mut d = preset("cross-region-ha", Some(1), Some(2));
    let p = d
        .peerings
        .iter_mut()
        .find(|p| p.name == "hsm-vnet-westeurope-to-app-westeurope-1")
        .unwrap();
    p.b_to_a.use_remote_gateways = false;
    assert_delivered(&d, "app-westeurope-1/workload", "hsm1-westeurope");
    assert_dropped(
        &d,
        "app-westeurope-1/workload",
        "hsm1-northeurope",
        Leg::Out,
        "app-westeurope-1",
        &["no route"],
    );
}

#[test]
fn variant_point_to_site_pool_overlapping_a_peered_vnet() {
    let mut d = single(1);
    // The pool takes the spoke's range: the HSM's reply goes to the spoke, not the client.
    d.gateways
        .iter_mut()
        .find(|g| g.name == "hsm-vpngw")
        .unwrap()
        .p2s_pool = Some("10.128.0.0/24".parse().unwrap());
    assert_dropped(
        &d,
        "admin-workstation",
        "hsm1",
        Leg::Back,
        "app-vnet-1",
        &["instead of the client", "overlap"],
    );
}

#[test]
fn variant_load_balancer_without_a_1792_rule() {
    let mut d = hub();
    d.load_balancers[0].rules[0].frontend_port = 443;
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "nva-ilb",
        &["no load-balancing rule for TCP 1792"],
    );
}

#[test]
fn variant_health_probe_blocked_by_the_nva_nsg() {
    let mut d = hub();
    let nsg = d.nsgs.iter_mut().find(|n| n.name == "nva-nsg").unwrap();
    nsg.rules.retain(|r| r.name != "allow-lb-probe");
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm2",
        Leg::Out,
        "nva-ilb",
        &["fails its health probe", "deny-all-inbound"],
    );
}

#[test]
fn variant_nva_without_ip_forwarding() {
    let mut d = hub();
    d.nvas.iter_mut().for_each(|n| n.ip_forwarding = false);
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "nva-proxy-1",
        &["IP forwarding off"],
    );
}

#[test]
fn variant_circuit_without_private_peering() {
    let mut d = hub();
    d.circuits[0].private_peering = None;
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm1",
        Leg::Out,
        "onprem-dc",
        &["no private peering"],
    );
}

#[test]
fn variant_hub_not_peered_with_the_hsm_vnet() {
    let mut d = hub();
    d.peerings.retain(|p| p.name != "hub-vnet-to-hsm-vnet");
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "nva-subnet",
        &["'hub-vnet' → 'hsm-vnet': no route", "neither peered"],
    );
}

#[test]
fn variant_spoke_without_its_route_to_the_firewall() {
    let mut d = hub();
    subnet_mut(&mut d, "spoke-1", "workload").route_table = None;
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "nva-nsg",
        &["from 10.128.0.4"],
    );
    // The other spoke keeps its route and still gets through.
    assert_delivered(&d, "spoke-2/workload", "hsm1");
}

#[test]
fn variant_forwarded_traffic_refused_by_the_peering() {
    // Neither the firewall nor the NVAs translate: the HSM VNet sees the client's address
    // arrive from the hub, which is forwarded traffic.
    let mut d = hub_without_firewall_snat();
    d.nvas.iter_mut().for_each(|n| n.snat = false);
    d.peerings
        .iter_mut()
        .find(|p| p.name == "hub-vnet-to-hsm-vnet")
        .unwrap()
        .b_to_a
        .allow_forwarded_traffic = false;
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "hub-vnet-to-hsm-vnet",
        &["does not allow forwarded traffic"],
    );
}

#[test]
fn variant_wrong_port_to_the_hsm() {
    let d = single(1);
    let t = run(&d, "app-vnet-1/workload", "hsm1", 443);
    let Verdict::Dropped { reason, .. } = &t.verdict else {
        panic!("{t}");
    };
    assert!(reason.contains("does not listen on TCP 443"), "{t}");
    assert!(run(&d, "app-vnet-1/workload", "hsm1", 22).delivered());
}

#[test]
fn variant_site_without_a_connection() {
    let mut d = preset("expressroute-direct", None, None);
    d.connections.clear();
    assert_dropped(
        &d,
        "onprem-dc",
        "hsm1",
        Leg::Out,
        "onprem-dc",
        &["no VPN or ExpressRoute connection"],
    );
}

#[test]
fn variant_route_table_without_gateway_propagation_on_a_spoke() {
    // Spokes of expressroute-direct reach on-premises through the HSM VNet's gateway; with
    // gateway routes not propagated, the reply to an on-premises client has no route.
    let mut d = preset("expressroute-direct", None, None);
    let table = Id(9000);
    d.route_tables.push(hsmnet_core::model::RouteTable {
        id: table,
        name: "no-bgp".into(),
        routes: vec![],
        bgp_propagation: false,
        layout: Default::default(),
    });
    subnet_mut(&mut d, "app-vnet-1", "workload").route_table = Some(table);
    let t = run(&d, "app-vnet-1/workload", "192.168.0.1", 22);
    let Verdict::Dropped { reason, .. } = &t.verdict else {
        panic!("{t}");
    };
    assert!(reason.contains("'onprem-dc'"), "{t}");
}

#[test]
fn endpoints_are_read_by_name_or_address_with_clear_errors() {
    let d = hub();
    assert!(matches!(Endpoint::parse(&d, "hsm1"), Ok(Endpoint::Hsm(_))));
    assert!(matches!(
        Endpoint::parse(&d, "onprem-dc"),
        Ok(Endpoint::Site(_))
    ));
    assert!(matches!(
        Endpoint::parse(&d, "10.0.1.4"),
        Ok(Endpoint::Address(_))
    ));
    let e = Endpoint::parse(&d, "workload").unwrap_err().to_string();
    assert!(e.contains("\"workload\" names several subnets"), "{e}");
    assert!(e.contains("spoke-1/workload"), "{e}");
    let e = Endpoint::parse(&d, "nowhere").unwrap_err().to_string();
    assert!(e.starts_with("\"nowhere\" names no HSM"), "{e}");
    let e = trace(
        &d,
        Endpoint::Address("8.8.8.8".parse().unwrap()),
        Endpoint::Hsm(id_of(&d, "hsm1")),
        Protocol::Tcp,
        1792,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "8.8.8.8 is in no subnet, on-premises site or point-to-site pool of the design"
    );
    // An address inside the hub resolves to its device.
    let t = run(&d, "10.128.0.9", "10.0.1.5", 1792);
    assert!(t.delivered(), "{t}");
}

// ---- the trace blames the right thing (issue: one network model, point 5) ----

/// Moves spoke-1 of the hub design to another region: its peering with the hub is global.
fn hub_with_a_spoke_in_another_region() -> Design {
    let mut d = hub();
    let north = Id(9000);
    d.regions.push(hsmnet_core::model::Region {
        id: north,
        name: "North Europe".into(),
        location: "northeurope".into(),
        layout: Default::default(),
    });
    d.vnets
        .iter_mut()
        .find(|v| v.name == "spoke-1")
        .unwrap()
        .region = north;
    d
}

#[test]
fn a_basic_internal_load_balancer_is_not_reachable_over_global_peering() {
    // A Standard load balancer's frontend is reachable over global peering…
    let d = hub_with_a_spoke_in_another_region();
    assert_delivered(&d, "spoke-1/workload", "hsm1");
    // …a Basic one's is not (Azure's peering troubleshooting guide).
    let mut d = hub_with_a_spoke_in_another_region();
    d.load_balancers[0].sku = "Basic".into();
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "nva-ilb",
        &["Basic internal load balancer", "global VNet peering"],
    );
    // In the same region, Basic or not, the frontend answers.
    let mut d = hub();
    d.load_balancers[0].sku = "Basic".into();
    assert_delivered(&d, "spoke-1/workload", "hsm1");
}

#[test]
fn a_failing_hub_flow_is_explained_on_the_proxy_path_the_design_intends() {
    // spoke-1 sends everything to the firewall (forced tunnelling), and an NSG on its subnet
    // refuses the proxy frontend. The direct path to the HSM gets further (to the firewall,
    // which has no rule for the HSM's own address), but it was never meant to work: the hop
    // to blame is the NSG that stops the intended path.
    let mut d = hub();
    let rt = d
        .route_tables
        .iter_mut()
        .find(|t| t.name == "spoke-rt")
        .unwrap();
    rt.routes.push(hsmnet_core::model::builder::route(
        "everything-via-firewall",
        "0.0.0.0/0",
        hsmnet_core::model::NextHop::VirtualAppliance,
        Some("10.1.1.4"),
    ));
    let mut deny = nsg_rule("deny-proxy", 100, Direction::Outbound, Access::Deny, "1792");
    deny.destination = AddressMatch::Prefix("10.1.2.10/32".parse().unwrap());
    d.nsgs.push(hsmnet_core::model::Nsg {
        id: Id(9001),
        name: "spoke-nsg".into(),
        rules: vec![deny],
        layout: Default::default(),
    });
    subnet_mut(&mut d, "spoke-1", "workload").nsg = Some(Id(9001));
    assert_dropped(
        &d,
        "spoke-1/workload",
        "hsm1",
        Leg::Out,
        "spoke-nsg",
        &["deny-proxy"],
    );
    let t = run(&d, "spoke-1/workload", "hsm1", 1792);
    assert_eq!(t.connects_to.to_string(), "10.1.2.10", "{t}");
}

#[test]
fn a_trace_that_cannot_start_names_the_end_without_an_address() {
    let mut d = hub();
    d.sites[0].prefixes.clear();
    let net = Network::new(&d);
    let site = Endpoint::parse(&d, "onprem-dc").unwrap();
    let hsm = Endpoint::parse(&d, "hsm1").unwrap();
    let err = net
        .trace(site, hsm, Protocol::Tcp, 1792)
        .expect_err("a site without prefixes has no address");
    assert_eq!(
        err.to_string(),
        "the source 'onprem-dc' has no address a flow could use"
    );
    let err = net
        .trace(hsm, site, Protocol::Tcp, 1792)
        .expect_err("a site without prefixes has no address");
    assert_eq!(
        err.to_string(),
        "the destination 'onprem-dc' has no address a flow could use"
    );
}
