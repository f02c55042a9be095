//! Every place an element can and cannot go.

use super::*;
use crate::azure::offered::DEDICATED_HSM_SKU;
use crate::draw::spot_in;
use crate::model::builder::net;

fn drop(design: &Design, item: Item, at: Point) -> Design {
    let edit = place(design, item, at).unwrap_or_else(|r| panic!("{item:?} refused: {r}"));
    design.apply(&edit).expect("a placed element applies")
}

fn refused(design: &Design, item: Item, at: Point) -> String {
    match place(design, item, at) {
        Ok(edit) => panic!("{item:?} at {at:?} was placed: {edit:?}"),
        Err(r) => r.0,
    }
}

fn middle(r: Rect) -> Point {
    Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0)
}

fn inside(outer: Rect, inner: Rect) -> bool {
    inner.x >= outer.x
        && inner.y >= outer.y
        && inner.x + inner.w <= outer.x + outer.w
        && inner.y + inner.h <= outer.y + outer.h
}

/// A blank design with one region and one VNet in it, both drawn from the palette.
fn region_and_vnet() -> Design {
    let d = drop(&Design::new("t"), Item::Region, Point::new(0.0, 0.0));
    let at = middle(d.regions[0].layout);
    drop(&d, Item::Vnet, at)
}

fn vnet_rect(d: &Design) -> Rect {
    d.vnets[0].layout
}

#[test]
fn regions_go_on_empty_canvas_with_the_next_offered_location() {
    let d = drop(&Design::new("t"), Item::Region, Point::new(10.0, 10.0));
    assert_eq!(d.regions[0].location, "eastus");
    assert_eq!(d.regions[0].name, "East US");
    assert_eq!((d.regions[0].layout.x, d.regions[0].layout.y), (10.0, 10.0));
    let inside_it = middle(d.regions[0].layout);
    assert_eq!(
        refused(&d, Item::Region, inside_it),
        "A region cannot go inside another region."
    );
    let d = drop(&d, Item::Region, Point::new(10.0, 500.0));
    assert_eq!(d.regions[1].location, "eastus2");
}

#[test]
fn a_vnet_goes_into_a_region_with_the_next_free_space_and_the_region_grows() {
    let d = region_and_vnet();
    let v = &d.vnets[0];
    assert_eq!(v.name, "vnet-1");
    assert_eq!(v.address_space, vec![net("10.0.0.0/16")]);
    assert_eq!(v.region, d.regions[0].id);
    assert!(inside(d.regions[0].layout, v.layout));
    // A second VNet dropped on the first goes beside it, in the next /16.
    let d = drop(&d, Item::Vnet, middle(vnet_rect(&d)));
    let (a, b) = (d.vnets[0].layout, d.vnets[1].layout);
    assert!(b.x >= a.x + a.w, "{a:?} {b:?}");
    assert_eq!(d.vnets[1].address_space, vec![net("10.1.0.0/16")]);
    assert_eq!(d.vnets[1].name, "vnet-2");
    assert!(inside(d.regions[0].layout, b));
    assert_eq!(
        refused(&d, Item::Vnet, Point::new(-300.0, -300.0)),
        "A VNet goes into a region."
    );
}

#[test]
fn subnets_stack_inside_their_vnet_with_the_next_free_prefix() {
    let d = region_and_vnet();
    let d = drop(&d, Item::Subnet, middle(vnet_rect(&d)));
    let d = drop(&d, Item::HsmSubnet, middle(vnet_rect(&d)));
    let v = &d.vnets[0];
    assert_eq!(v.subnets[0].name, "subnet-1");
    assert_eq!(v.subnets[0].prefix, net("10.0.0.0/24"));
    assert!(!v.subnets[0].is_hsm_delegated());
    assert_eq!(v.subnets[1].name, "hsm-subnet-1");
    assert_eq!(v.subnets[1].prefix, net("10.0.1.0/24"));
    assert!(v.subnets[1].is_hsm_delegated());
    assert!(v.subnets[1].layout.y >= v.subnets[0].layout.y + v.subnets[0].layout.h);
    for s in &v.subnets {
        assert!(
            inside(v.layout, s.layout),
            "{:?} in {:?}",
            s.layout,
            v.layout
        );
    }
    assert!(inside(d.regions[0].layout, v.layout));
    let region_only = middle(Rect::new(
        d.regions[0].layout.x,
        d.regions[0].layout.y,
        10.0,
        10.0,
    ));
    assert_eq!(
        refused(&d, Item::Subnet, region_only),
        "A subnet goes into a VNet."
    );
    assert_eq!(
        refused(&d, Item::HsmSubnet, Point::new(-300.0, 0.0)),
        "An HSM subnet goes into a VNet."
    );
}

#[test]
fn a_full_vnet_refuses_another_subnet() {
    let mut d = region_and_vnet();
    d.vnets[0].address_space = vec![net("10.0.0.0/29")];
    let d = drop(&d, Item::Subnet, middle(vnet_rect(&d)));
    assert_eq!(d.vnets[0].subnets[0].prefix, net("10.0.0.0/29"));
    let message = refused(&d, Item::Subnet, middle(vnet_rect(&d)));
    assert_eq!(message, "VNet vnet-1 has no free room for another subnet.");
}

/// region_and_vnet with a plain subnet and an HSM subnet; returns their middles.
fn with_subnets() -> (Design, Point, Point) {
    let d = region_and_vnet();
    let d = drop(&d, Item::Subnet, middle(vnet_rect(&d)));
    let d = drop(&d, Item::HsmSubnet, middle(vnet_rect(&d)));
    let plain = middle(d.vnets[0].subnets[0].layout);
    let hsm = middle(d.vnets[0].subnets[1].layout);
    (d, plain, hsm)
}

#[test]
fn a_payment_hsm_goes_into_a_delegated_subnet_with_host_and_management_addresses() {
    let (d, plain, hsm_subnet) = with_subnets();
    let d = drop(&d, Item::PaymentHsm, hsm_subnet);
    let d = drop(&d, Item::PaymentHsm, hsm_subnet);
    let (a, b) = (&d.hsms[0], &d.hsms[1]);
    assert_eq!((a.name.as_str(), b.name.as_str()), ("phsm-1", "phsm-2"));
    assert!(a.is_payment() && a.management_nic && a.management_subnet.is_none());
    assert_eq!(a.private_ip, Some("10.0.1.4".parse().unwrap()));
    assert_eq!(a.management_ip, Some("10.0.1.5".parse().unwrap()));
    assert_eq!(b.private_ip, Some("10.0.1.6".parse().unwrap()));
    assert_eq!((a.stamp.as_str(), b.stamp.as_str()), ("stamp1", "stamp2"));
    assert!(refused(&d, Item::PaymentHsm, plain).contains("subnet-1 is not"));
}

#[test]
fn hsms_go_into_delegated_subnets_with_free_addresses_on_alternating_stamps() {
    let (d, plain, hsm_subnet) = with_subnets();
    let d = drop(&d, Item::Hsm, hsm_subnet);
    let d = drop(&d, Item::Hsm, hsm_subnet);
    let (a, b) = (&d.hsms[0], &d.hsms[1]);
    assert_eq!((a.name.as_str(), b.name.as_str()), ("hsm-1", "hsm-2"));
    assert_eq!(a.private_ip, Some("10.0.1.4".parse().unwrap()));
    assert_eq!(b.private_ip, Some("10.0.1.5".parse().unwrap()));
    assert_eq!((a.stamp.as_str(), b.stamp.as_str()), ("stamp1", "stamp2"));
    assert_eq!(a.sku, DEDICATED_HSM_SKU);
    assert!(b.layout.x > a.layout.x, "side by side");
    let subnet = d.vnets[0].subnets[1].layout;
    assert!(subnet.contains(a.layout) && subnet.contains(b.layout));
    assert_eq!(
        refused(&d, Item::Hsm, plain),
        "An HSM goes into a subnet delegated to Dedicated HSM; subnet-1 is not."
    );
    assert_eq!(
        refused(&d, Item::Hsm, Point::new(-300.0, 0.0)),
        "An HSM goes into a subnet delegated to Dedicated HSM."
    );
}

#[test]
fn a_full_subnet_refuses_another_hsm() {
    let (mut d, _, _) = with_subnets();
    d.vnets[0].subnets[1].prefix = net("10.0.1.0/29");
    let at = middle(d.vnets[0].subnets[1].layout);
    let d = drop(
        &drop(&drop(&d, Item::Hsm, at), Item::Hsm, at),
        Item::Hsm,
        at,
    );
    assert_eq!(
        refused(&d, Item::Hsm, at),
        "Subnet hsm-subnet-1 (10.0.1.0/29) has no free address left."
    );
}

#[test]
fn many_devices_widen_their_subnet_and_vnet() {
    let (mut d, _, at) = with_subnets();
    for _ in 0..8 {
        d = drop(&d, Item::Hsm, at);
    }
    let subnet = d.vnets[0].subnets[1].layout;
    for h in &d.hsms {
        assert!(
            subnet.contains(h.layout),
            "{:?} outside {subnet:?}",
            h.layout
        );
    }
    assert!(inside(d.vnets[0].layout, subnet));
    assert!(inside(d.regions[0].layout, d.vnets[0].layout));
}

#[test]
fn gateways_go_into_the_gateway_subnet_made_when_missing_one_of_each_kind() {
    let (d, plain, _) = with_subnets();
    let header = Point::new(vnet_rect(&d).x + 4.0, vnet_rect(&d).y + 4.0);
    let d = drop(&d, Item::ErGateway, header);
    let gs = d.vnets[0]
        .subnets
        .iter()
        .find(|s| s.name == "GatewaySubnet")
        .unwrap();
    assert_eq!(gs.prefix, net("10.0.2.0/27"));
    assert_eq!(d.gateways[0].subnet, gs.id);
    assert_eq!(d.gateways[0].kind, GatewayKind::ExpressRoute);
    let gs_middle = middle(gs.layout);
    let d = drop(&d, Item::VpnGateway, gs_middle);
    assert_eq!(d.gateways[1].kind, GatewayKind::Vpn);
    assert_eq!(
        d.gateways[1].subnet, d.gateways[0].subnet,
        "the same GatewaySubnet"
    );
    assert_eq!(
        refused(&d, Item::ErGateway, header),
        "VNet vnet-1 already has an ExpressRoute gateway; a VNet holds one of each kind."
    );
    assert_eq!(
        refused(&d, Item::VpnGateway, plain),
        "A VPN gateway goes into a subnet named GatewaySubnet, not into subnet-1."
    );
    assert_eq!(
        refused(&d, Item::VpnGateway, Point::new(-300.0, 0.0)),
        "A VPN gateway goes into a VNet (its GatewaySubnet)."
    );
}

#[test]
fn nvas_and_load_balancers_go_into_ordinary_subnets_only() {
    let (d, plain, hsm) = with_subnets();
    let d = drop(&d, Item::Nva, plain);
    let d = drop(&d, Item::LoadBalancer, plain);
    assert_eq!(d.nvas[0].name, "nva-1");
    assert_eq!(d.nvas[0].private_ip, Some("10.0.0.4".parse().unwrap()));
    let lb = &d.load_balancers[0];
    assert_eq!(lb.frontend_ip, Some("10.0.0.5".parse().unwrap()));
    assert_eq!(lb.rules[0].frontend_port, 1792);
    assert_eq!(
        refused(&d, Item::Nva, hsm),
        "An NVA cannot go into hsm-subnet-1: it is delegated to Dedicated HSM and holds only HSMs."
    );
    let header = Point::new(vnet_rect(&d).x + 4.0, vnet_rect(&d).y + 4.0);
    assert_eq!(
        refused(&d, Item::LoadBalancer, header),
        "A load balancer goes into a subnet."
    );
    let d = drop(&d, Item::VpnGateway, header);
    let gs = d.vnets[0]
        .subnets
        .iter()
        .find(|s| s.name == "GatewaySubnet")
        .unwrap();
    assert_eq!(
        refused(&d, Item::Nva, middle(gs.layout)),
        "An NVA cannot go into GatewaySubnet: it holds only gateways."
    );
}

#[test]
fn a_firewall_gets_its_own_slash_26_subnet_once() {
    let (d, plain, _) = with_subnets();
    let header = Point::new(vnet_rect(&d).x + 4.0, vnet_rect(&d).y + 4.0);
    let d = drop(&d, Item::Firewall, header);
    let fs = d.vnets[0]
        .subnets
        .iter()
        .find(|s| s.name == "AzureFirewallSubnet")
        .unwrap();
    assert_eq!(fs.prefix.prefix_len(), 26);
    assert_eq!(d.firewalls[0].subnet, fs.id);
    assert_eq!(
        refused(&d, Item::Firewall, header),
        "VNet vnet-1 already has a firewall."
    );
    assert_eq!(
        refused(&d, Item::Nva, middle(fs.layout)),
        "An NVA cannot go into AzureFirewallSubnet: it holds only the firewall."
    );
    assert_eq!(
        refused(&d, Item::Firewall, plain),
        "A firewall goes into a subnet named AzureFirewallSubnet, not into subnet-1."
    );
}

#[test]
fn policies_attach_to_the_subnet_they_are_dropped_on_or_stand_apart() {
    let (d, plain, hsm) = with_subnets();
    let d = drop(&d, Item::Nsg, plain);
    let d = drop(&d, Item::RouteTable, plain);
    let s = &d.vnets[0].subnets[0];
    assert_eq!(s.nsg, Some(d.nsgs[0].id));
    assert_eq!(s.route_table, Some(d.route_tables[0].id));
    assert!(s.layout.contains(d.nsgs[0].layout));
    assert_eq!(
        refused(&d, Item::Nsg, plain),
        "Subnet subnet-1 already has an NSG."
    );
    assert_eq!(
        refused(&d, Item::RouteTable, plain),
        "Subnet subnet-1 already has a route table."
    );
    assert_eq!(
        refused(&d, Item::Nsg, hsm),
        "An NSG cannot be attached to hsm-subnet-1: Azure supports none on a subnet delegated to Dedicated HSM."
    );
    assert!(refused(&d, Item::RouteTable, hsm).starts_with("A route table cannot be attached"));
    let apart = Point::new(-200.0, 40.0);
    let d = drop(&d, Item::Nsg, apart);
    assert_eq!(d.nsgs[1].layout, apart);
    assert_eq!(d.nsgs[1].name, "nsg-2");
    let header = Point::new(vnet_rect(&d).x + 4.0, vnet_rect(&d).y + 4.0);
    let d = drop(&d, Item::VpnGateway, header);
    let gs = d.vnets[0]
        .subnets
        .iter()
        .find(|s| s.name == "GatewaySubnet")
        .unwrap();
    assert_eq!(
        refused(&d, Item::Nsg, middle(gs.layout)),
        "An NSG cannot be attached to the GatewaySubnet."
    );
}

#[test]
fn sites_and_circuits_go_outside_the_regions_and_a_circuit_needs_a_site() {
    let d = region_and_vnet();
    let outside = Point::new(-200.0, 40.0);
    assert_eq!(
        refused(&d, Item::Circuit, outside),
        "An ExpressRoute circuit starts at an on-premises site: add a site first."
    );
    let in_region = middle(d.regions[0].layout);
    assert_eq!(
        refused(&d, Item::Site, in_region),
        "An on-premises site goes outside the Azure regions."
    );
    let d = drop(&d, Item::Site, outside);
    let d = drop(&d, Item::Site, Point::new(-200.0, 400.0));
    let site = &d.sites[0];
    assert_eq!(site.name, "site-1");
    assert_eq!(site.prefixes, vec![net("192.168.0.0/24")]);
    assert_eq!(d.sites[1].prefixes, vec![net("192.168.1.0/24")]);
    assert_ne!(site.vpn_device_ip, d.sites[1].vpn_device_ip);
    assert!(site.roles.hsm_client);
    assert_eq!(
        refused(&d, Item::Circuit, in_region),
        "An ExpressRoute circuit goes outside the Azure regions."
    );
    let d = drop(&d, Item::Circuit, Point::new(-120.0, 380.0));
    assert_eq!(d.circuits[0].site, d.sites[1].id, "the nearest site");
    assert_eq!(d.circuits[0].name, "site-2-er");
    assert!(d.circuits[0].private_peering.is_some());
}

#[test]
fn a_design_drawn_from_the_palette_loads_back_unchanged() {
    let (d, plain, hsm) = with_subnets();
    let d = drop(&drop(&d, Item::Hsm, hsm), Item::Nva, plain);
    let json = crate::document::to_json(&d);
    assert_eq!(crate::document::load(&json).unwrap(), d);
}

#[test]
fn a_region_is_refused_when_every_offered_location_is_taken() {
    let mut d = Design::new("t");
    for (n, offered) in crate::azure::regions::OFFERED.iter().enumerate() {
        d.regions.push(Region {
            id: Id(n as u32 + 1),
            name: offered.display_name.to_string(),
            location: offered.location.to_string(),
            layout: Rect::new(0.0, n as f64 * 300.0, 100.0, 100.0),
        });
    }
    assert_eq!(
        refused(&d, Item::Region, Point::new(-500.0, 0.0)),
        "Every region that offers Dedicated HSM is already in the design."
    );
}

#[test]
fn the_keyboard_spot_of_a_container_places_into_it() {
    let d = region_and_vnet();
    let vnet = d.vnets[0].id;
    let at = spot_in(&d, Some(vnet));
    let d = drop(&d, Item::Subnet, at);
    assert_eq!(d.vnets[0].subnets.len(), 1);
}

#[test]
fn while_dragging_the_drop_target_is_the_receiving_container_or_the_drops_refusal() {
    let (d, plain, hsm_subnet) = with_subnets();
    let vnet = d.vnets[0].id;
    let region = d.regions[0].id;
    let subnet_at = |p: Point| containers_at(&d, p)[0].0;
    assert_eq!(
        drop_target(&d, Item::Hsm, hsm_subnet),
        Ok(Some(subnet_at(hsm_subnet)))
    );
    assert_eq!(
        drop_target(&d, Item::Hsm, plain).unwrap_err().0,
        refused(&d, Item::Hsm, plain),
        "the same words as the drop"
    );
    assert_eq!(drop_target(&d, Item::Vnet, plain), Ok(Some(region)));
    assert_eq!(drop_target(&d, Item::Subnet, plain), Ok(Some(vnet)));
    // A gateway dropped on the VNet goes into a GatewaySubnet made for it: the VNet receives it.
    let header = Point::new(vnet_rect(&d).x + 4.0, vnet_rect(&d).y + 4.0);
    assert_eq!(drop_target(&d, Item::ErGateway, header), Ok(Some(vnet)));
    assert_eq!(
        drop_target(&d, Item::Nsg, plain),
        Ok(Some(subnet_at(plain)))
    );
    let outside = Point::new(-2_000.0, -2_000.0);
    assert_eq!(drop_target(&d, Item::Region, outside), Ok(None));
    assert_eq!(
        drop_target(&d, Item::Vnet, outside).unwrap_err().0,
        "A VNet goes into a region."
    );
}
