//! Linking two elements: the kind of link follows from what the two ends are.

use super::catalogue::Item;
use super::new;
use super::place::policy_refusal;
use super::plan::Plan;
use super::Refusal;
use crate::edit::{Edit, Element};
use crate::model::metrics::badge_point;
use crate::model::*;
use crate::prose::capitalised;

/// What can be linked, for the refusal message.
const WHAT_LINKS: &str = "Links join two VNets (peering), a VPN gateway and a site \
    (site-to-site) or another VPN gateway (VNet-to-VNet), an ExpressRoute gateway and a circuit, \
    a circuit and its site, an NSG or route table and a subnet, an NVA and a load balancer, \
    a subnet and a Cloud HSM cluster (a private endpoint), a private DNS zone and a VNet (a \
    link) or a private endpoint (its records).";

/// Links `a` and `b` as one edit, or says why they cannot be linked. The order of the two ends
/// does not matter.
pub fn connect(design: &Design, a: Id, b: Id) -> Result<Edit, Refusal> {
    let kind_of = |id: Id| {
        design
            .describe(id)
            .map(|(k, _)| k)
            .ok_or_else(|| Refusal::new(format!("No element has id {}.", id.0)))
    };
    let (ka, kb) = (kind_of(a)?, kind_of(b)?);
    if a == b {
        return Err(Refusal::new("An element cannot be linked to itself."));
    }
    // One order per pair of kinds, so each case is written once.
    let (a, ka, b, kb) = if rank(ka) <= rank(kb) {
        (a, ka, b, kb)
    } else {
        (b, kb, a, ka)
    };
    match (ka, kb) {
        (Kind::Vnet, Kind::Vnet) => peer(design, a, b),
        (Kind::Gateway, Kind::Gateway) => vnet_to_vnet(design, a, b),
        (Kind::Gateway, Kind::Site) => site_to_site(design, a, b),
        (Kind::Gateway, Kind::Circuit) => expressroute(design, a, b),
        (Kind::Site, Kind::Circuit) => reattach_circuit(design, a, b),
        (Kind::Subnet, Kind::Nsg) => associate(design, a, b, Item::Nsg),
        (Kind::Subnet, Kind::RouteTable) => associate(design, a, b, Item::RouteTable),
        (Kind::Nva, Kind::LoadBalancer) => add_backend(design, a, b),
        (Kind::Subnet, Kind::CloudHsmCluster) => endpoint_to(design, a, b),
        (Kind::Vnet, Kind::PrivateDnsZone) => link_zone(design, b, a),
        (Kind::PrivateEndpoint, Kind::PrivateDnsZone) => register_in_zone(design, b, a),
        _ => Err(Refusal::new(format!(
            "{} and {} cannot be linked. {WHAT_LINKS}",
            capitalised(&with_article(ka.label())),
            with_article(kb.label())
        ))),
    }
}

/// "a VNet", "an HSM", "an on-premises site": the kind labels that start with a vowel
/// sound start with a vowel, "ExpressRoute", or an initialism read letter by letter (HSM, NSG,
/// NVA).
fn with_article(noun: &str) -> String {
    let vowel_sound = noun.starts_with(['a', 'e', 'i', 'o', 'u', 'E', 'H', 'N']);
    format!("{} {noun}", if vowel_sound { "an" } else { "a" })
}

fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::Region => 0,
        Kind::Vnet => 1,
        Kind::Subnet => 2,
        Kind::Hsm => 3,
        Kind::Gateway => 4,
        Kind::Nva => 5,
        Kind::LoadBalancer => 6,
        Kind::Firewall => 7,
        Kind::Site => 8,
        Kind::Circuit => 9,
        Kind::Nsg => 10,
        Kind::RouteTable => 11,
        Kind::Peering => 12,
        Kind::Connection => 13,
        Kind::CloudHsmCluster => 14,
        Kind::PrivateEndpoint => 15,
        Kind::PrivateDnsZone => 16,
    }
}

/// A private endpoint to `cluster` in `subnet`.
fn endpoint_to(design: &Design, subnet: Id, cluster: Id) -> Result<Edit, Refusal> {
    let mut plan = Plan::new(design);
    new::private_endpoint(&mut plan, subnet, cluster)?;
    plan.finish()
}

/// Links the private DNS zone `zone` to `vnet`, so that the VNet's resources resolve its names.
pub fn link_zone(design: &Design, zone: Id, vnet: Id) -> Result<Edit, Refusal> {
    let mut z = design
        .private_dns_zone(zone)
        .ok_or_else(|| Refusal::new("That private DNS zone no longer exists."))?
        .clone();
    if z.vnet_links.contains(&vnet) {
        return Err(Refusal::new(format!(
            "Zone {} is already linked to {}.",
            z.name,
            design.name_of(vnet)
        )));
    }
    z.vnet_links.push(vnet);
    Ok(Edit::Replace(Element::PrivateDnsZone(z)))
}

/// Removes the link between the private DNS zone `zone` and `vnet`.
pub fn unlink_zone(design: &Design, zone: Id, vnet: Id) -> Result<Edit, Refusal> {
    let mut z = design
        .private_dns_zone(zone)
        .ok_or_else(|| Refusal::new("That private DNS zone no longer exists."))?
        .clone();
    let before = z.vnet_links.len();
    z.vnet_links.retain(|v| *v != vnet);
    if z.vnet_links.len() == before {
        return Err(Refusal::new(format!(
            "Zone {} is not linked to {}.",
            z.name,
            design.name_of(vnet)
        )));
    }
    Ok(Edit::Replace(Element::PrivateDnsZone(z)))
}

/// Puts the records of `endpoint` in the private DNS zone `zone` (its DNS zone group).
fn register_in_zone(design: &Design, zone: Id, endpoint: Id) -> Result<Edit, Refusal> {
    let mut z = design
        .private_dns_zone(zone)
        .expect("a private DNS zone")
        .clone();
    if z.records.contains(&endpoint) {
        return Err(Refusal::new(format!(
            "Zone {} already holds the records of {}.",
            z.name,
            design.name_of(endpoint)
        )));
    }
    z.records.push(endpoint);
    Ok(Edit::Replace(Element::PrivateDnsZone(z)))
}

fn peer(design: &Design, a: Id, b: Id) -> Result<Edit, Refusal> {
    let (va, vb) = (
        design.vnet(a).expect("a VNet"),
        design.vnet(b).expect("a VNet"),
    );
    if design.peerings.iter().any(|p| p.other_end(a) == Some(b)) {
        return Err(Refusal::new(format!(
            "VNets {} and {} are already peered.",
            va.name, vb.name
        )));
    }
    Ok(Edit::Add(new::peering(design, design.next_id(), a, b)))
}

fn gateway(design: &Design, id: Id) -> &Gateway {
    design.gateway(id).expect("a gateway")
}

/// Refuses a second connection of the same kind between the same two ends.
fn add_connection(design: &Design, kind: ConnectionKind) -> Result<Edit, Refusal> {
    let ends = |k: &ConnectionKind| {
        let mut e = match *k {
            ConnectionKind::SiteToSite { gateway, site }
            | ConnectionKind::PointToSite { gateway, site } => [gateway, site],
            ConnectionKind::VnetToVnet { a, b } => [a, b],
            ConnectionKind::ExpressRoute { gateway, circuit } => [gateway, circuit],
        };
        e.sort();
        e
    };
    let same = design.connections.iter().any(|c| {
        std::mem::discriminant(&c.kind) == std::mem::discriminant(&kind)
            && ends(&c.kind) == ends(&kind)
    });
    if same {
        let [x, y] = ends(&kind);
        return Err(Refusal::new(format!(
            "{} and {} already have a {}.",
            design.name_of(x),
            design.name_of(y),
            kind.label()
        )));
    }
    Ok(Edit::Add(new::connection(design, design.next_id(), kind)))
}

fn vnet_to_vnet(design: &Design, a: Id, b: Id) -> Result<Edit, Refusal> {
    let (ga, gb) = (gateway(design, a), gateway(design, b));
    if ga.kind != GatewayKind::Vpn || gb.kind != GatewayKind::Vpn {
        return Err(Refusal::new(
            "Two gateways are linked only when both are VPN gateways (VNet-to-VNet).",
        ));
    }
    let (va, vb) = (design.vnet_of_gateway(a), design.vnet_of_gateway(b));
    if va.map(|v| v.id) == vb.map(|v| v.id) {
        return Err(Refusal::new("Both gateways are in the same VNet."));
    }
    add_connection(design, ConnectionKind::VnetToVnet { a, b })
}

fn site_to_site(design: &Design, gw: Id, site: Id) -> Result<Edit, Refusal> {
    let g = gateway(design, gw);
    if g.kind != GatewayKind::Vpn {
        return Err(Refusal::new(
            "An on-premises site links to a VPN gateway (site-to-site); an ExpressRoute gateway links to a circuit.",
        ));
    }
    add_connection(design, ConnectionKind::SiteToSite { gateway: gw, site })
}

fn expressroute(design: &Design, gw: Id, circuit: Id) -> Result<Edit, Refusal> {
    let g = gateway(design, gw);
    if g.kind != GatewayKind::ExpressRoute {
        return Err(Refusal::new(
            "An ExpressRoute circuit links to an ExpressRoute gateway, not to a VPN gateway.",
        ));
    }
    add_connection(
        design,
        ConnectionKind::ExpressRoute {
            gateway: gw,
            circuit,
        },
    )
}

fn reattach_circuit(design: &Design, site: Id, circuit: Id) -> Result<Edit, Refusal> {
    let mut c = design.circuit(circuit).expect("a circuit").clone();
    if c.site == site {
        return Err(Refusal::new(format!(
            "Circuit {} already starts at {}.",
            c.name,
            design.name_of(site)
        )));
    }
    c.site = site;
    Ok(Edit::Replace(Element::Circuit(c)))
}

fn associate(design: &Design, subnet: Id, policy: Id, item: Item) -> Result<Edit, Refusal> {
    let (vnet, s) = design.subnet(subnet).expect("a subnet");
    if let Some(why) = policy_refusal(s, item) {
        return Err(Refusal::new(why));
    }
    let mut s = s.clone();
    let mut edits = Vec::new();
    if item == Item::Nsg {
        s.nsg = Some(policy);
        // A policy attached to nothing yet moves onto the subnet's edge, as if dropped there.
        if !attached(design, policy) {
            let mut nsg = design.nsg(policy).expect("an NSG").clone();
            nsg.layout = badge_point(s.layout, true);
            edits.push(Edit::Replace(Element::Nsg(nsg)));
        }
    } else {
        s.route_table = Some(policy);
        if !attached(design, policy) {
            let mut rt = design.route_table(policy).expect("a route table").clone();
            rt.layout = badge_point(s.layout, false);
            edits.push(Edit::Replace(Element::RouteTable(rt)));
        }
    }
    edits.push(Edit::Replace(Element::Subnet {
        vnet: vnet.id,
        subnet: s,
    }));
    Ok(match edits.len() {
        1 => edits.remove(0),
        _ => Edit::Batch(edits),
    })
}

fn attached(design: &Design, policy: Id) -> bool {
    design
        .vnets
        .iter()
        .flat_map(|v| &v.subnets)
        .any(|s| s.nsg == Some(policy) || s.route_table == Some(policy))
}

fn add_backend(design: &Design, nva: Id, lb: Id) -> Result<Edit, Refusal> {
    let mut l = design.load_balancer(lb).expect("a load balancer").clone();
    if l.backends.contains(&nva) {
        return Err(Refusal::new(format!(
            "NVA {} is already behind {}.",
            design.name_of(nva),
            l.name
        )));
    }
    l.backends.push(nva);
    Ok(Edit::Replace(Element::LoadBalancer(l)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::proxy_hub;

    struct Fixture {
        d: Design,
        hub: Id,
        hsm_vnet: Id,
        spoke: Id,
        hub_ergw: Id,
        hsm_ergw: Id,
        vpn_a: Id,
        vpn_b: Id,
        site: Id,
        site2: Id,
        circuit: Id,
        nsg: Id,
        rt: Id,
        app_subnet: Id,
        hsm_subnet: Id,
        nva3: Id,
        ilb: Id,
    }

    fn fixture() -> Fixture {
        let (mut b, ids) = proxy_hub();
        let spoke_gs = b.subnet(ids.spoke, "GatewaySubnet", "10.1.255.0/27");
        let vpn_a = b.vpn_gateway(spoke_gs, "spoke-vpn", "VpnGw2AZ", None);
        let r2 = b.region("northeurope");
        let far = b.vnet(r2, "far", &["10.2.0.0/16"]);
        let far_gs = b.subnet(far, "GatewaySubnet", "10.2.255.0/27");
        let vpn_b = b.vpn_gateway(far_gs, "far-vpn", "VpnGw2AZ", None);
        let site = b.site(
            "dc",
            &["192.168.0.0/24"],
            Some("203.0.113.1"),
            Default::default(),
        );
        let site2 = b.site("dr", &["192.168.1.0/24"], None, Default::default());
        let circuit = b.circuit(site, "dc-er", "172.31.0.0/29");
        let nsg = b.nsg("nsg", Vec::new(), &[]);
        let rt = b.route_table("rt", Vec::new(), &[]);
        let hub_nva_subnet = b.design.vnet(ids.hub).unwrap().subnets[1].id;
        let nva3 = b.nva(hub_nva_subnet, "nva3", "10.0.1.6");
        let app_subnet = b.design.vnet(ids.spoke).unwrap().subnets[0].id;
        Fixture {
            hub: ids.hub,
            hsm_vnet: ids.small.vnet,
            spoke: ids.spoke,
            hub_ergw: ids.hub_er_gateway,
            hsm_ergw: ids.small.er_gateway,
            hsm_subnet: ids.small.hsm_subnet,
            ilb: ids.ilb,
            vpn_a,
            vpn_b,
            site,
            site2,
            circuit,
            nsg,
            rt,
            app_subnet,
            nva3,
            d: b.finish(),
        }
    }

    fn linked(f: &Fixture, a: Id, b: Id) -> Design {
        let edit = connect(&f.d, a, b).unwrap_or_else(|r| panic!("refused: {r}"));
        f.d.apply(&edit).expect("the link applies")
    }

    fn refused(f: &Fixture, a: Id, b: Id) -> String {
        connect(&f.d, a, b).expect_err("should be refused").0
    }

    #[test]
    fn two_vnets_are_peered_once_whichever_end_comes_first() {
        let f = fixture();
        let d = linked(&f, f.hsm_vnet, f.spoke);
        let p = d.peerings.last().unwrap();
        assert_eq!((p.a, p.b), (f.hsm_vnet, f.spoke));
        assert_eq!(p.name, "hsm-vnet-to-spoke-a");
        assert_eq!(
            refused(&f, f.hub, f.spoke),
            "VNets hub and spoke-a are already peered."
        );
        assert_eq!(
            refused(&f, f.spoke, f.hub),
            "VNets spoke-a and hub are already peered."
        );
    }

    #[test]
    fn gateway_links_follow_the_kinds_of_their_ends() {
        let f = fixture();
        let d = linked(&f, f.site, f.vpn_a);
        assert_eq!(
            d.connections.last().unwrap().kind,
            ConnectionKind::SiteToSite {
                gateway: f.vpn_a,
                site: f.site
            }
        );
        let d = linked(&f, f.vpn_a, f.vpn_b);
        assert_eq!(
            d.connections.last().unwrap().kind,
            ConnectionKind::VnetToVnet {
                a: f.vpn_a,
                b: f.vpn_b
            }
        );
        let d = linked(&f, f.circuit, f.hub_ergw);
        assert_eq!(
            d.connections.last().unwrap().kind,
            ConnectionKind::ExpressRoute {
                gateway: f.hub_ergw,
                circuit: f.circuit
            }
        );
        assert_eq!(d.connections.last().unwrap().name, "hub-ergw-to-dc-er");
    }

    #[test]
    fn gateway_links_of_the_wrong_kind_are_refused() {
        let f = fixture();
        assert!(refused(&f, f.hub_ergw, f.site)
            .starts_with("An on-premises site links to a VPN gateway"));
        assert!(refused(&f, f.vpn_a, f.circuit)
            .starts_with("An ExpressRoute circuit links to an ExpressRoute gateway"));
        assert!(refused(&f, f.vpn_a, f.hub_ergw)
            .starts_with("Two gateways are linked only when both are VPN"));
        assert_eq!(
            refused(&f, f.hub_ergw, f.hsm_ergw).split(' ').next(),
            Some("Two")
        );
        let d = linked(&f, f.site, f.vpn_a);
        let again = connect(&d, f.vpn_a, f.site).unwrap_err();
        assert_eq!(again.0, "spoke-vpn and dc already have a site-to-site VPN.");
    }

    #[test]
    fn two_gateways_of_one_vnet_are_not_linked() {
        let mut f = fixture();
        let gs = f.d.gateway(f.vpn_a).unwrap().subnet;
        let mut second = f.d.gateway(f.vpn_a).unwrap().clone();
        second.id = f.d.next_id();
        second.name = "second".into();
        second.subnet = gs;
        let id = second.id;
        f.d.gateways.push(second);
        assert_eq!(
            refused(&f, f.vpn_a, id),
            "Both gateways are in the same VNet."
        );
    }

    #[test]
    fn a_circuit_moves_to_another_site() {
        let f = fixture();
        let d = linked(&f, f.circuit, f.site2);
        assert_eq!(d.circuit(f.circuit).unwrap().site, f.site2);
        assert_eq!(
            refused(&f, f.site, f.circuit),
            "Circuit dc-er already starts at dc."
        );
    }

    #[test]
    fn policies_attach_to_subnets_and_move_onto_their_edge() {
        let f = fixture();
        let d = linked(&f, f.nsg, f.app_subnet);
        let (_, s) = d.subnet(f.app_subnet).unwrap();
        assert_eq!(s.nsg, Some(f.nsg));
        assert!(s.layout.contains(d.nsg(f.nsg).unwrap().layout));
        let d = linked(&f, f.app_subnet, f.rt);
        assert_eq!(d.subnet(f.app_subnet).unwrap().1.route_table, Some(f.rt));
        assert!(refused(&f, f.nsg, f.hsm_subnet).contains("delegated to Dedicated HSM"));
        assert!(refused(&f, f.hsm_subnet, f.rt).contains("delegated to Dedicated HSM"));
    }

    #[test]
    fn an_nva_joins_a_load_balancer_backend_once() {
        let f = fixture();
        let d = linked(&f, f.ilb, f.nva3);
        assert!(d.load_balancer(f.ilb).unwrap().backends.contains(&f.nva3));
        let first_backend = f.d.load_balancer(f.ilb).unwrap().backends[0];
        assert_eq!(
            refused(&f, first_backend, f.ilb),
            "NVA nva1 is already behind hub-ilb."
        );
    }

    #[test]
    fn anything_else_is_refused_with_what_can_be_linked() {
        let f = fixture();
        let message = refused(&f, f.hub, f.site);
        assert!(
            message.starts_with("A VNet and an on-premises site cannot be linked."),
            "{message}"
        );
        assert_eq!(with_article("HSM"), "an HSM");
        assert_eq!(with_article("NSG"), "an NSG");
        assert_eq!(
            with_article("ExpressRoute circuit"),
            "an ExpressRoute circuit"
        );
        assert_eq!(with_article("load balancer"), "a load balancer");
        assert!(message.contains("Links join two VNets (peering)"));
        assert_eq!(
            refused(&f, f.hub, f.hub),
            "An element cannot be linked to itself."
        );
        assert_eq!(refused(&f, f.hub, Id(999_999)), "No element has id 999999.");
    }
}
