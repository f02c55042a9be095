use super::*;
use crate::draw::remove;
use crate::model::builder::net;
use crate::rules::testing::proxy_hub;

fn centre(r: Rect) -> Point {
    Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0)
}

fn pasted(design: &Design, copied: &Copied, at: Point) -> Design {
    let edit = paste(design, copied, at).unwrap_or_else(|r| panic!("refused: {r}"));
    design.apply(&edit).expect("the paste applies")
}

fn refused(design: &Design, copied: &Copied, at: Point) -> String {
    paste(design, copied, at).expect_err("refused").0
}

/// A point of `region` below every VNet in it.
fn below_the_vnets(design: &Design, region: Id) -> Point {
    let r = design.region(region).unwrap().layout;
    let bottom = design
        .vnets
        .iter()
        .filter(|v| v.region == region)
        .map(|v| v.layout.y + v.layout.h)
        .fold(r.y, f64::max);
    Point::new(r.x + 30.0, (bottom + r.y + r.h) / 2.0)
}

#[test]
fn a_vnet_is_pasted_into_the_region_under_the_point_with_new_names_and_addresses() {
    let (mut b, ids) = proxy_hub();
    let east = b.region("eastus");
    let d = b.finish();
    let copied = copy(&d, &[ids.hub]).unwrap();
    assert_eq!(copied.describe(), "VNet hub");
    let at = centre(d.region(east).unwrap().layout);
    let after = pasted(&d, &copied, at);
    let copy = after.vnets.last().unwrap();
    assert_eq!(copy.name, "hub-2");
    assert_eq!(copy.region, east, "into the region under the point");
    assert_eq!(
        copy.address_space,
        vec![net("10.2.0.0/16")],
        "the next free space"
    );
    let hub = d.vnet(ids.hub).unwrap();
    assert_eq!(copy.subnets.len(), hub.subnets.len());
    let region = after.region(east).unwrap().layout;
    let inside = |r: Rect| {
        region.contains(Point::new(r.x, r.y)) && region.contains(Point::new(r.x + r.w, r.y + r.h))
    };
    assert!(
        inside(copy.layout),
        "drawn inside the region, which grew to hold it"
    );
    assert_eq!(
        (copy.layout.x, copy.layout.y),
        (at.x, at.y),
        "its top left at the point"
    );
    // Devices come along with new names and addresses in the new space; the load balancer
    // points at the copied NVAs.
    let nva_subnet = copy
        .subnets
        .iter()
        .find(|s| s.name == "nva-subnet")
        .unwrap()
        .id;
    let nvas: Vec<&Nva> = after
        .nvas
        .iter()
        .filter(|n| n.subnet == nva_subnet)
        .collect();
    assert_eq!(
        nvas.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        ["nva3", "nva4"]
    );
    assert_eq!(nvas[0].private_ip, Some("10.2.1.4".parse().unwrap()));
    let lb = after
        .load_balancers
        .iter()
        .find(|l| l.subnet == nva_subnet)
        .unwrap();
    assert_eq!(lb.backends, vec![nvas[0].id, nvas[1].id]);
    assert_eq!(
        after.peerings.len(),
        d.peerings.len(),
        "links are not copied"
    );
}

#[test]
fn a_device_is_pasted_into_the_subnet_under_the_point_or_refused_in_words() {
    let (mut b, ids) = proxy_hub();
    let east = b.region("eastus");
    let other = b.vnet(east, "hsm-east", &["10.20.0.0/16"]);
    let east_hsm_subnet = b.hsm_subnet(other, "hsm-subnet", "10.20.1.0/28");
    let d = b.finish();
    let copied = copy(&d, &[ids.small.hsm1]).unwrap();
    let target = d.subnet(east_hsm_subnet).unwrap().1.layout;
    let after = pasted(&d, &copied, centre(target));
    let hsm = after.hsms.last().unwrap();
    assert_eq!(hsm.subnet, east_hsm_subnet);
    assert_eq!(hsm.name, "hsm3", "hsm1 and hsm2 are taken");
    assert_eq!(hsm.private_ip, Some("10.20.1.4".parse().unwrap()));
    assert!(target.contains(hsm.layout), "in the subnet's next slot");
    // Over a subnet that does not take HSMs, or over no subnet: refused, saying why.
    let app = d.vnet(ids.spoke).unwrap().subnets[0].layout;
    assert!(refused(&d, &copied, centre(app)).contains("delegated to Dedicated HSM"));
    assert_eq!(
        refused(&d, &copied, Point::new(-5_000.0, -5_000.0)),
        "An HSM goes into a subnet delegated to Dedicated HSM: paste it over one."
    );
    // An NVA refuses the HSM subnet with the same words as a drop from the palette.
    let nva = copy(&d, &[d.nvas[0].id]).unwrap();
    assert_eq!(
        refused(&d, &nva, centre(target)),
        "An NVA cannot go into hsm-subnet: it is delegated to Dedicated HSM and holds only HSMs."
    );
}

#[test]
fn pasting_twice_makes_two_copies_with_different_names_and_addresses() {
    let (b, ids) = proxy_hub();
    let d = b.finish();
    let copied = copy(&d, &[ids.spoke]).unwrap();
    let at = below_the_vnets(&d, ids.small.region);
    let once = pasted(&d, &copied, at);
    let twice = pasted(&once, &copied, at);
    let copies: Vec<&Vnet> = twice.vnets.iter().skip(d.vnets.len()).collect();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0].name, "spoke-a-2");
    assert_eq!(copies[1].name, "spoke-a-3");
    assert_ne!(copies[0].address_space, copies[1].address_space);
    assert!(
        !copies[0].layout.overlaps(&copies[1].layout),
        "the second copy moves past the first"
    );
}

#[test]
fn a_copy_outlives_its_originals() {
    let (mut b, ids) = proxy_hub();
    let app = b.client_subnet(ids.spoke, "db", "10.1.2.0/24");
    let nsg = b.nsg("spoke-nsg", Vec::new(), &[app]);
    let d = b.finish();
    let copied = copy(&d, &[ids.spoke]).unwrap();
    let removed = d.apply(&remove(&d, &[ids.spoke, nsg]).unwrap()).unwrap();
    let after = pasted(
        &removed,
        &copied,
        below_the_vnets(&removed, ids.small.region),
    );
    let copy = after.vnets.last().unwrap();
    assert_eq!(copy.name, "spoke-a", "the name is free again");
    let db = copy.subnets.iter().find(|s| s.name == "db").unwrap();
    assert_eq!(db.nsg, None, "the removed NSG is not referenced");
}

#[test]
fn a_site_and_its_circuit_are_pasted_together_outside_the_regions() {
    let (mut b, ids) = proxy_hub();
    let site = b.site("dc", &["192.168.0.0/24"], None, Default::default());
    let circuit = b.circuit(site, "dc-er", "172.31.0.0/29");
    let d = b.finish();
    let copied = copy(&d, &[circuit, site]).unwrap();
    assert_eq!(copied.describe(), "2 elements");
    let region = d.region(ids.small.region).unwrap().layout;
    assert!(refused(&d, &copied, centre(region)).ends_with("goes outside the Azure regions."));
    let at = Point::new(region.x, region.y + region.h + 200.0);
    let after = pasted(&d, &copied, at);
    let (new_site, new_circuit) = (after.sites.last().unwrap(), after.circuits.last().unwrap());
    assert_eq!(new_site.name, "dc-2");
    assert_eq!(new_site.prefixes, vec![net("192.168.1.0/24")]);
    assert_eq!(
        new_circuit.site, new_site.id,
        "the circuit starts at the pasted site"
    );
    let old = (
        d.site(site).unwrap().layout,
        d.circuit(circuit).unwrap().layout,
    );
    assert_eq!(
        (
            new_circuit.layout.x - new_site.layout.x,
            new_circuit.layout.y - new_site.layout.y
        ),
        (old.1.x - old.0.x, old.1.y - old.0.y),
        "places relative to one another are kept"
    );
}

#[test]
fn links_gateways_and_named_subnets_are_not_copied() {
    let (b, ids) = proxy_hub();
    let d = b.finish();
    let refused = |ids: &[Id]| copy(&d, ids).unwrap_err().0;
    assert_eq!(refused(&[]), "Nothing to copy: select something first.");
    assert!(refused(&[ids.spoke_peering]).starts_with("Links are not copied: copy what they join"));
    assert!(refused(&[ids.hub_er_gateway]).ends_with("copy its VNet instead."));
    assert_eq!(
        refused(&[ids.hub_gateway_subnet]),
        "A VNet has only one GatewaySubnet: copy the VNet instead."
    );
    // What a chosen container holds comes with it: the gateway inside the copied hub is fine.
    let copied = copy(&d, &[ids.hub, ids.hub_er_gateway]).unwrap();
    assert_eq!(copied.ids(), [ids.hub]);
}

/// Every address the private endpoints of `design` take, one per cluster node.
fn endpoint_addresses(design: &Design) -> Vec<std::net::Ipv4Addr> {
    design
        .private_endpoints
        .iter()
        .flat_map(|e| e.static_addresses())
        .collect()
}

/// Whether the names of the Cloud HSM elements of `design` are all different.
fn distinct_names(design: &Design) -> bool {
    let names: Vec<String> = design
        .cloud_hsm_clusters
        .iter()
        .map(|e| e.name.to_lowercase())
        .chain(
            design
                .private_endpoints
                .iter()
                .map(|e| e.name.to_lowercase()),
        )
        .chain(
            design
                .private_dns_zones
                .iter()
                .map(|e| e.name.to_lowercase()),
        )
        .collect();
    let unique: HashSet<&String> = names.iter().collect();
    unique.len() == names.len()
}

#[test]
fn a_cluster_its_endpoint_and_its_zone_are_duplicated_with_new_names_and_free_addresses() {
    let d = crate::presets::build("cloud-hsm", &Default::default()).unwrap();
    let (cluster, endpoint, zone) = (
        d.cloud_hsm_clusters[0].clone(),
        d.private_endpoints[0].clone(),
        d.private_dns_zones[0].clone(),
    );
    let edit = crate::draw::duplicate(&d, &[cluster.id, endpoint.id, zone.id]).unwrap();
    let after = d.apply(&edit).unwrap();
    assert!(distinct_names(&after));
    let c = after.cloud_hsm_clusters.last().unwrap();
    assert_ne!(c.id, cluster.id);
    assert_eq!((c.region, &c.sku), (cluster.region, &cluster.sku));
    let e = after.private_endpoints.last().unwrap();
    assert_ne!(e.id, endpoint.id);
    assert_eq!(
        (e.subnet, e.target),
        (endpoint.subnet, endpoint.target),
        "beside itself, to the same cluster"
    );
    let addresses = endpoint_addresses(&after);
    let unique: HashSet<_> = addresses.iter().collect();
    assert_eq!(
        unique.len(),
        addresses.len(),
        "the copy's node addresses are free: {addresses:?}"
    );
    assert!(addresses.len() > endpoint_addresses(&d).len());
    let z = after.private_dns_zones.last().unwrap();
    assert_ne!(z.id, zone.id);
    assert_ne!(z.name, zone.name);
    assert_eq!(z.vnet_links, zone.vnet_links, "linked to the same VNets");
    assert!(
        z.records.is_empty(),
        "the originals' records stay in their zone"
    );
}

#[test]
fn a_cluster_and_its_endpoint_are_pasted_together_the_endpoint_to_the_copied_cluster() {
    let d = crate::presets::build("cloud-hsm", &Default::default()).unwrap();
    let (cluster, endpoint) = (
        d.cloud_hsm_clusters[0].clone(),
        d.private_endpoints[0].clone(),
    );
    let copied = copy(&d, &[cluster.id, endpoint.id]).unwrap();
    assert_eq!(copied.describe(), "2 elements");
    let (_, subnet) = d.subnet(endpoint.subnet).unwrap();
    let after = pasted(&d, &copied, centre(subnet.layout));
    assert!(distinct_names(&after));
    let c = after.cloud_hsm_clusters.last().unwrap();
    let e = after.private_endpoints.last().unwrap();
    assert_ne!(c.id, cluster.id);
    assert_eq!(e.target, c.id, "to the cluster pasted with it");
    assert_eq!(e.subnet, endpoint.subnet, "into the subnet under the point");
    let addresses = endpoint_addresses(&after);
    let unique: HashSet<_> = addresses.iter().collect();
    assert_eq!(unique.len(), addresses.len(), "{addresses:?}");
    // Alone, the endpoint connects to its cluster; without it, it says why not.
    let alone = copy(&d, &[endpoint.id]).unwrap();
    let after = pasted(&d, &alone, centre(subnet.layout));
    assert_eq!(after.private_endpoints.last().unwrap().target, cluster.id);
    let mut without = d.clone();
    without.cloud_hsm_clusters.clear();
    without.private_endpoints.clear();
    without.private_dns_zones.clear();
    assert!(refused(&without, &alone, centre(subnet.layout)).contains("its cluster is gone"));
    // Off a subnet, an endpoint is refused in words; a cluster off a region too.
    let far = Point::new(-5_000.0, -5_000.0);
    assert_eq!(
        refused(&d, &alone, far),
        "A private endpoint goes into a subnet."
    );
    let cluster_only = copy(&d, &[cluster.id]).unwrap();
    assert!(refused(&d, &cluster_only, far).starts_with("A Cloud HSM cluster goes into a region"));
}

#[test]
fn a_zone_is_pasted_outside_the_regions_with_a_new_name_and_no_records_of_the_originals() {
    let d = crate::presets::build("cloud-hsm", &Default::default()).unwrap();
    let zone = d.private_dns_zones[0].clone();
    let copied = copy(&d, &[zone.id]).unwrap();
    let far = Point::new(-5_000.0, -5_000.0);
    let after = pasted(&d, &copied, far);
    let z = after.private_dns_zones.last().unwrap();
    assert_ne!(z.name, zone.name);
    assert_eq!((z.layout.x, z.layout.y), (far.x, far.y));
    assert!(z.records.is_empty());
    let inside = centre(d.regions[0].layout);
    assert!(refused(&d, &copied, inside).starts_with("A private DNS zone"));
}
