//! Shared by the NVA proxy hub rules: which VNets are hubs (they hold the NVA proxy tier) and
//! the parts of each hub those rules look at (its load balancer, firewall, GatewaySubnet, NVA
//! subnets, peers and the on-premises sites wired to its gateways).
//!
//! [`hubs`] is one linear pass over the design with constant-time lookups; it returns nothing
//! at once when the design has no NVA, so the hub rules cost nothing in other designs.

use super::Context;
use crate::addressing;
use crate::azure::names::{is_firewall_subnet, is_gateway_subnet};
use crate::hashing::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::model::{
    ConnectionKind, Design, Firewall, Gateway, GatewayKind, Id, LoadBalancer, NextHop, Nva,
    OnPremSite, Peering, Route, Subnet, Vnet,
};
use crate::trace::{EffectiveRoute, NextHopType};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// A VNet holding NVAs, with the parts of it the hub rules need. Lists keep design order.
pub struct Hub<'d> {
    pub vnet: &'d Vnet,
    pub nvas: Vec<&'d Nva>,
    /// The subnets holding the hub's NVAs, each once.
    pub nva_subnets: Vec<&'d Subnet>,
    /// Load balancers whose frontend subnet is in the hub.
    pub load_balancers: Vec<&'d LoadBalancer>,
    /// Firewalls in the hub, with their subnet.
    pub firewalls: Vec<(&'d Firewall, &'d Subnet)>,
    /// Gateways in the hub, with their subnet.
    pub gateways: Vec<(&'d Gateway, &'d Subnet)>,
    /// On-premises sites wired to the hub's gateways (ExpressRoute, site-to-site or
    /// point-to-site), each once.
    pub sites: Vec<&'d OnPremSite>,
}

/// Every hub of the design, in the order their first NVA appears. Peerings are not gathered
/// here (a hub may have a thousand): see [`Hub::peers`] and [`Hub::hsm_peers`].
pub fn hubs<'d>(cx: &Context<'d>) -> Vec<Hub<'d>> {
    let design = cx.design;
    if design.nvas.is_empty() {
        return Vec::new();
    }
    let index = cx.index();
    let mut hubs: Vec<Hub<'d>> = Vec::new();
    let mut slot: HashMap<Id, usize> = HashMap::new();
    for nva in &design.nvas {
        let Some((vnet, subnet)) = index.subnet(nva.subnet) else {
            continue;
        };
        let i = *slot.entry(vnet.id).or_insert_with(|| {
            hubs.push(Hub {
                vnet,
                nvas: Vec::new(),
                nva_subnets: Vec::new(),
                load_balancers: Vec::new(),
                firewalls: Vec::new(),
                gateways: Vec::new(),
                sites: Vec::new(),
            });
            hubs.len() - 1
        });
        let hub = &mut hubs[i];
        hub.nvas.push(nva);
        if !hub.nva_subnets.iter().any(|s| s.id == subnet.id) {
            hub.nva_subnets.push(subnet);
        }
    }
    let hub_of_subnet = |subnet: Id| {
        let vnet = index.vnet_of_subnet(subnet)?;
        slot.get(&vnet.id).copied()
    };
    for lb in &design.load_balancers {
        if let Some(i) = hub_of_subnet(lb.subnet) {
            hubs[i].load_balancers.push(lb);
        }
    }
    for fw in &design.firewalls {
        if let (Some(i), Some((_, subnet))) = (hub_of_subnet(fw.subnet), index.subnet(fw.subnet)) {
            hubs[i].firewalls.push((fw, subnet));
        }
    }
    let mut hub_of_gateway: HashMap<Id, usize> = HashMap::new();
    for gw in &design.gateways {
        if let (Some(i), Some((_, subnet))) = (hub_of_subnet(gw.subnet), index.subnet(gw.subnet)) {
            hubs[i].gateways.push((gw, subnet));
            hub_of_gateway.insert(gw.id, i);
        }
    }
    let mut seen: HashSet<(usize, Id)> = HashSet::new();
    for c in &design.connections {
        let (gateway, site) = match c.kind {
            ConnectionKind::SiteToSite { gateway, site }
            | ConnectionKind::PointToSite { gateway, site } => (gateway, Some(site)),
            ConnectionKind::ExpressRoute { gateway, circuit } => {
                (gateway, index.circuit(circuit).map(|c| c.site))
            }
            ConnectionKind::VnetToVnet { .. } => continue,
        };
        let (Some(&i), Some(site)) = (
            hub_of_gateway.get(&gateway),
            site.and_then(|s| index.site(s)),
        ) else {
            continue;
        };
        if seen.insert((i, site.id)) {
            hubs[i].sites.push(site);
        }
    }
    hubs
}

impl<'d> Hub<'d> {
    /// The hub's internal load balancer: the first whose backends hold one of the hub's NVAs,
    /// else the first in the hub.
    pub fn ilb(&self) -> Option<&'d LoadBalancer> {
        self.load_balancers
            .iter()
            .find(|lb| lb.backends.iter().any(|b| self.has_nva(*b)))
            .or_else(|| self.load_balancers.first())
            .copied()
    }

    /// The hub's firewall and its subnet: the first in an AzureFirewallSubnet, else the first.
    pub fn firewall(&self) -> Option<(&'d Firewall, &'d Subnet)> {
        self.firewalls
            .iter()
            .find(|(_, s)| is_firewall_subnet(&s.name))
            .or_else(|| self.firewalls.first())
            .copied()
    }

    /// The firewall and the private address Azure gives it (the first usable of its subnet).
    pub fn firewall_with_ip(&self) -> Option<(&'d Firewall, Ipv4Addr)> {
        self.firewall()
            .map(|(fw, subnet)| (fw, addressing::first_usable(&subnet.prefix)))
    }

    /// The hub's ExpressRoute gateway.
    pub fn er_gateway(&self) -> Option<&'d Gateway> {
        self.gateways
            .iter()
            .map(|(g, _)| *g)
            .find(|g| g.kind == GatewayKind::ExpressRoute)
    }

    /// The hub's GatewaySubnet: where its ExpressRoute gateway sits, else where any gateway
    /// sits, else the subnet named GatewaySubnet.
    pub fn gateway_subnet(&self) -> Option<&'d Subnet> {
        self.gateways
            .iter()
            .find(|(g, _)| g.kind == GatewayKind::ExpressRoute)
            .or_else(|| self.gateways.first())
            .map(|(_, s)| *s)
            .or_else(|| {
                self.vnet
                    .subnets
                    .iter()
                    .find(|s| is_gateway_subnet(&s.name))
            })
    }

    /// The prefixes of the on-premises sites wired to the hub, each once (host bits cleared),
    /// with the first site that names it.
    pub fn onprem_prefixes(&self) -> Vec<(Ipv4Net, &'d OnPremSite)> {
        let mut out: Vec<(Ipv4Net, &'d OnPremSite)> = Vec::new();
        let mut seen: crate::hashing::HashSet<Ipv4Net> = crate::hashing::HashSet::default();
        for site in &self.sites {
            for p in &site.prefixes {
                let p = p.trunc();
                if seen.insert(p) {
                    out.push((p, site));
                }
            }
        }
        out
    }

    /// Whether any of the hub's NVAs source-NATs.
    pub fn snats(&self) -> bool {
        self.nvas.iter().any(|n| n.snat)
    }

    /// The hub's peerings with the id of the VNet at the other end, in design order (a scan
    /// of the peerings comparing ids, no lookups).
    pub fn peers(&self, cx: &Context<'d>) -> impl Iterator<Item = (&'d Peering, Id)> + 'd {
        let design: &'d Design = cx.design;
        let id = self.vnet.id;
        design
            .peerings
            .iter()
            .filter_map(move |p| p.other_end(id).map(|other| (p, other)))
    }

    /// The peered VNets that hold HSMs (in any region), each once, in peering order;
    /// `hsm_vnets` comes from [`hsm_vnets`](super::select::hsm_vnets).
    pub fn hsm_peers(&self, cx: &Context<'d>, hsm_vnets: &[Id]) -> Vec<&'d Vnet> {
        let mut out: Vec<&'d Vnet> = Vec::new();
        for (_, other) in self.peers(cx) {
            if hsm_vnets.binary_search(&other).is_err() || out.iter().any(|v| v.id == other) {
                continue;
            }
            if let Some(vnet) = cx.index().vnet(other) {
                out.push(vnet);
            }
        }
        out
    }

    /// Whether an NVA belongs to this hub.
    pub fn has_nva(&self, id: Id) -> bool {
        self.nvas.iter().any(|n| n.id == id)
    }
}

/// Whether two VNets are in the same Azure location (same region element when a location is
/// unknown).
pub fn same_region(cx: &Context, a: &Vnet, b: &Vnet) -> bool {
    match (cx.index().location(a), cx.index().location(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.region == b.region,
    }
}

/// Whether a route Azure picked (the tracer's) sends traffic to a virtual appliance at `ip`.
pub fn goes_to(route: &EffectiveRoute, ip: Ipv4Addr) -> bool {
    route.next_hop_type == NextHopType::VirtualAppliance && route.next_hop_ip == Some(ip)
}

/// A route sending `prefix` to a virtual appliance at `ip`: what [`goes_to`] looks for.
pub fn to_appliance(name: String, prefix: Ipv4Net, ip: Ipv4Addr) -> Route {
    Route {
        name,
        prefix,
        next_hop: NextHop::VirtualAppliance,
        next_hop_ip: Some(ip),
    }
}

/// A readable next hop for messages: "VirtualAppliance 10.0.0.4", "VnetLocal".
pub fn hop_text(route: &EffectiveRoute) -> String {
    match (route.next_hop_type, route.next_hop_ip) {
        (NextHopType::VirtualAppliance, Some(ip)) => format!("VirtualAppliance {ip}"),
        (NextHopType::VirtualAppliance, None) => "VirtualAppliance with no address".to_string(),
        (hop, _) => hop.to_string(),
    }
}

/// The first address of a subnet that Azure would hand out and that no NVA, HSM, load balancer
/// frontend or firewall of the design already uses.
pub fn free_address(cx: &Context, subnet: &Subnet) -> Option<Ipv4Addr> {
    let design = cx.design;
    let prefix = subnet.prefix.trunc();
    let mut taken: HashSet<Ipv4Addr> = HashSet::new();
    taken.extend(design.nvas.iter().filter_map(|n| n.private_ip));
    taken.extend(design.hsms.iter().filter_map(|h| h.private_ip));
    taken.extend(design.hsms.iter().filter_map(|h| h.management_ip));
    taken.extend(design.load_balancers.iter().filter_map(|l| l.frontend_ip));
    for fw in &design.firewalls {
        if let Some((_, s)) = cx.index().subnet(fw.subnet) {
            taken.insert(addressing::first_usable(&s.prefix));
        }
    }
    let first = u32::from(addressing::first_usable(&prefix));
    let last = u32::from(prefix.broadcast()).checked_sub(1)?;
    // At most `taken.len() + 1` candidates are looked at.
    (first..=last)
        .map(Ipv4Addr::from)
        .find(|a| !taken.contains(a))
}

#[cfg(test)]
pub use fixture::*;

#[cfg(test)]
mod fixture {
    //! The reference architecture, built clean, for the hub rules' tests.

    use crate::model::builder::{firewall_rule, nsg_rule, route, Builder};
    use crate::model::{
        Access, ConnectionKind, Direction, Firewall, Id, LoadBalancer, NextHop, Nsg, Nva, Protocol,
        RouteTable, SiteRoles,
    };

    /// The ILB frontend of [`reference_hub`].
    pub const FRONTEND: &str = "10.0.1.10";
    /// The firewall's address (first usable of 10.0.254.0/26).
    pub const FIREWALL_IP: &str = "10.0.254.4";
    /// The on-premises prefix.
    pub const ONPREM: &str = "192.168.0.0/16";

    /// The ids of [`reference_hub`].
    pub struct HubIds {
        pub region: Id,
        pub hub: Id,
        pub gateway_subnet: Id,
        pub er_gateway: Id,
        pub firewall_subnet: Id,
        pub firewall: Id,
        pub nva_subnet: Id,
        pub nva1: Id,
        pub nva2: Id,
        pub ilb: Id,
        pub hsm_vnet: Id,
        pub hsm_gateway_subnet: Id,
        pub hsm_er_gateway: Id,
        pub hsm_subnet: Id,
        pub hsm1: Id,
        pub hsm2: Id,
        pub spoke: Id,
        pub workload: Id,
        pub site: Id,
        pub circuit: Id,
        pub er_connection: Id,
        pub hub_hsm_peering: Id,
        pub hub_spoke_peering: Id,
        pub gateway_rt: Id,
        pub nva_rt: Id,
        pub spoke_rt: Id,
        pub nva_nsg: Id,
    }

    /// The source document's NVA proxy hub done right, in West Europe: on-premises over an
    /// ExpressRoute circuit to the hub's gateway; GatewaySubnet routes the ILB frontend to Azure
    /// Firewall; the firewall admits the on-premises and spoke ranges on TCP 1792; a Standard
    /// ILB fronts two SNAT NVAs whose subnet has a tight NSG and routes on-premises through the
    /// firewall; the hub is peered with the HSM VNet (two HSMs, IP check off) and a spoke.
    pub fn reference_hub() -> (Builder, HubIds) {
        let mut b = Builder::new("hub test");
        let region = b.region("westeurope");

        let hub = b.vnet(region, "hub-vnet", &["10.0.0.0/16"]);
        let gateway_subnet = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
        let er_gateway = b.er_gateway(gateway_subnet, "hub-ergw", "ErGw1AZ");
        let firewall_subnet = b.subnet(hub, "AzureFirewallSubnet", "10.0.254.0/26");
        let nva_subnet = b.subnet(hub, "nva-subnet", "10.0.1.0/24");
        let nva1 = b.nva(nva_subnet, "nva1", "10.0.1.4");
        let nva2 = b.nva(nva_subnet, "nva2", "10.0.1.5");
        let ilb = b.luna_load_balancer(nva_subnet, "hub-ilb", FRONTEND, &[nva1, nva2]);

        let hsm_vnet = b.vnet(region, "hsm-vnet", &["10.10.0.0/16"]);
        let hsm_gateway_subnet = b.subnet(hsm_vnet, "GatewaySubnet", "10.10.255.0/27");
        let hsm_er_gateway = b.er_gateway(hsm_gateway_subnet, "hsm-ergw", "ErGw1AZ");
        let hsm_subnet = b.hsm_subnet(hsm_vnet, "hsm-subnet", "10.10.1.0/28");
        let hsm1 = b.hsm(hsm_subnet, "hsm1", "stamp1", Some("10.10.1.4"));
        let hsm2 = b.hsm(hsm_subnet, "hsm2", "stamp2", Some("10.10.1.5"));
        b.hsm_mut(hsm1).ntls_ip_check = false;
        b.hsm_mut(hsm2).ntls_ip_check = false;

        let spoke = b.vnet(region, "spoke-vnet", &["10.20.0.0/16"]);
        let workload = b.client_subnet(spoke, "workload", "10.20.1.0/24");

        let site = b.site(
            "datacentre",
            &[ONPREM],
            None,
            SiteRoles {
                hsm_client: true,
                ..SiteRoles::default()
            },
        );
        let circuit = b.circuit(site, "dc-circuit", "172.16.0.0/29");
        let er_connection = b.connection(
            "hub-ergw-dc-circuit",
            ConnectionKind::ExpressRoute {
                gateway: er_gateway,
                circuit,
            },
        );
        let hub_hsm_peering = b.peering(hub, hsm_vnet);
        let hub_spoke_peering = b.peering(hub, spoke);

        let firewall = b.firewall(
            firewall_subnet,
            "hub-fw",
            vec![firewall_rule(
                "luna-clients",
                Access::Allow,
                &[ONPREM, "10.20.0.0/16"],
                &["10.0.1.10/32"],
                &["1792"],
            )],
        );
        let to_fw = |name: &str, prefix: &str| {
            route(name, prefix, NextHop::VirtualAppliance, Some(FIREWALL_IP))
        };
        let gateway_rt = b.route_table(
            "hub-gateway-rt",
            vec![to_fw("ilb-via-fw", "10.0.1.10/32")],
            &[gateway_subnet],
        );
        let nva_rt = b.route_table(
            "nva-rt",
            vec![to_fw("onprem-via-fw", ONPREM)],
            &[nva_subnet],
        );
        let spoke_rt = b.route_table(
            "spoke-rt",
            vec![to_fw("ilb-via-fw", "10.0.1.10/32")],
            &[workload],
        );

        use Access::{Allow, Deny};
        use Direction::{Inbound, Outbound};
        use Protocol::{Any, Tcp};
        let nva_nsg = b.nsg(
            "nva-nsg",
            vec![
                nsg_rule(
                    "from-firewall",
                    100,
                    Inbound,
                    Allow,
                    Tcp,
                    "10.0.254.0/26",
                    "*",
                    "1792",
                ),
                nsg_rule(
                    "from-lb-probe",
                    110,
                    Inbound,
                    Allow,
                    Tcp,
                    "AzureLoadBalancer",
                    "*",
                    "1792",
                ),
                nsg_rule("deny-in", 4096, Inbound, Deny, Any, "*", "*", "*"),
                nsg_rule(
                    "to-hsm1",
                    100,
                    Outbound,
                    Allow,
                    Tcp,
                    "*",
                    "10.10.1.4",
                    "1792",
                ),
                nsg_rule(
                    "to-hsm2",
                    110,
                    Outbound,
                    Allow,
                    Tcp,
                    "*",
                    "10.10.1.5",
                    "1792",
                ),
                nsg_rule("deny-out", 4096, Outbound, Deny, Any, "*", "*", "*"),
            ],
            &[nva_subnet],
        );

        let ids = HubIds {
            region,
            hub,
            gateway_subnet,
            er_gateway,
            firewall_subnet,
            firewall,
            nva_subnet,
            nva1,
            nva2,
            ilb,
            hsm_vnet,
            hsm_gateway_subnet,
            hsm_er_gateway,
            hsm_subnet,
            hsm1,
            hsm2,
            spoke,
            workload,
            site,
            circuit,
            er_connection,
            hub_hsm_peering,
            hub_spoke_peering,
            gateway_rt,
            nva_rt,
            spoke_rt,
            nva_nsg,
        };
        (b, ids)
    }

    pub fn nva_mut(b: &mut Builder, id: Id) -> &mut Nva {
        b.design
            .nvas
            .iter_mut()
            .find(|e| e.id == id)
            .expect("an NVA")
    }

    pub fn lb_mut(b: &mut Builder, id: Id) -> &mut LoadBalancer {
        b.design
            .load_balancers
            .iter_mut()
            .find(|e| e.id == id)
            .expect("a load balancer")
    }

    pub fn firewall_mut(b: &mut Builder, id: Id) -> &mut Firewall {
        b.design
            .firewalls
            .iter_mut()
            .find(|e| e.id == id)
            .expect("a firewall")
    }

    pub fn route_table_mut(b: &mut Builder, id: Id) -> &mut RouteTable {
        b.design
            .route_tables
            .iter_mut()
            .find(|e| e.id == id)
            .expect("a route table")
    }

    pub fn nsg_mut(b: &mut Builder, id: Id) -> &mut Nsg {
        b.design
            .nsgs
            .iter_mut()
            .find(|e| e.id == id)
            .expect("an NSG")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::names::GATEWAY_SUBNET;
    use crate::rules::select::hsm_vnets;
    use crate::rules::testing::findings;

    const HUB_RULES: [&str; 11] = [
        "nva-count",
        "nva-snat",
        "nva-ip-forwarding",
        "luna-ipcheck-disabled",
        "nva-ilb-1792",
        "hub-hsm-peering",
        "er-private-peering",
        "gateway-route-to-firewall",
        "nva-route-to-firewall",
        "firewall-default-deny",
        "nva-nsg-restrict",
    ];

    #[test]
    fn the_reference_hub_passes_every_hub_rule() {
        let design = reference_hub().0.finish();
        for rule in HUB_RULES {
            let found = findings(&design, rule);
            assert!(found.is_empty(), "{rule}: {:?}", found);
        }
    }

    #[test]
    fn a_design_without_nvas_has_no_hub_and_trips_no_hub_rule() {
        let (mut b, _) = reference_hub();
        b.design.nvas.clear();
        b.design.load_balancers.clear();
        let design = b.finish();
        let cx = Context::new(&design);
        assert!(hubs(&cx).is_empty());
        for rule in HUB_RULES {
            assert!(findings(&design, rule).is_empty(), "{rule}");
        }
    }

    #[test]
    fn the_hub_knows_its_parts() {
        let (b, ids) = reference_hub();
        let design = b.finish();
        let cx = Context::new(&design);
        let hubs = hubs(&cx);
        assert_eq!(hubs.len(), 1);
        let hub = &hubs[0];
        assert_eq!(hub.vnet.id, ids.hub);
        assert_eq!(
            hub.nvas.iter().map(|n| n.id).collect::<Vec<_>>(),
            vec![ids.nva1, ids.nva2]
        );
        assert_eq!(
            hub.nva_subnets.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![ids.nva_subnet]
        );
        assert_eq!(hub.ilb().map(|l| l.id), Some(ids.ilb));
        let (fw, ip) = hub.firewall_with_ip().unwrap();
        assert_eq!(fw.id, ids.firewall);
        assert_eq!(ip.to_string(), FIREWALL_IP);
        assert_eq!(hub.er_gateway().map(|g| g.id), Some(ids.er_gateway));
        assert_eq!(hub.gateway_subnet().map(|s| s.id), Some(ids.gateway_subnet));
        assert_eq!(
            hub.sites.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![ids.site]
        );
        assert_eq!(hub.onprem_prefixes().len(), 1);
        let peers: Vec<(Id, Id)> = hub.peers(&cx).map(|(p, v)| (p.id, v)).collect();
        assert_eq!(
            peers,
            vec![
                (ids.hub_hsm_peering, ids.hsm_vnet),
                (ids.hub_spoke_peering, ids.spoke)
            ]
        );
        let hsm_vnets = hsm_vnets(&cx);
        assert_eq!(hsm_vnets, vec![ids.hsm_vnet]);
        let hsm_peers: Vec<Id> = hub
            .hsm_peers(&cx, &hsm_vnets)
            .iter()
            .map(|v| v.id)
            .collect();
        assert_eq!(hsm_peers, vec![ids.hsm_vnet]);
        // The parts the other rules build on are where the fixture says.
        let (_, hsm_subnet) = cx.index().subnet(ids.hsm_subnet).unwrap();
        assert_eq!(hsm_subnet.prefix.to_string(), "10.10.1.0/28");
        let (_, workload) = cx.index().subnet(ids.workload).unwrap();
        assert_eq!(workload.route_table, Some(ids.spoke_rt));
        let (_, hsm_gateway_subnet) = cx.index().subnet(ids.hsm_gateway_subnet).unwrap();
        assert_eq!(hsm_gateway_subnet.name, GATEWAY_SUBNET);
    }

    #[test]
    fn a_free_address_skips_reserved_and_used_ones() {
        let (b, ids) = reference_hub();
        let design = b.finish();
        let cx = Context::new(&design);
        let (_, subnet) = cx.index().subnet(ids.nva_subnet).unwrap();
        // .4 and .5 are the NVAs; .10 is the frontend.
        assert_eq!(free_address(&cx, subnet).unwrap().to_string(), "10.0.1.6");
        let (_, fw_subnet) = cx.index().subnet(ids.firewall_subnet).unwrap();
        assert_eq!(
            free_address(&cx, fw_subnet).unwrap().to_string(),
            "10.0.254.5"
        );
    }
}
