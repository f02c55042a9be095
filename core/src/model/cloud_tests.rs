//! Cloud HSM elements through the document, edits, drawing, the form and naming.

use crate::document::{check_integrity, load, to_json};
use crate::draw::{self, Item};
use crate::edit::{Edit, Element};
use crate::form;
use crate::model::builder::Builder;
use crate::model::*;
use crate::rules::testing::hsm_vnet;

/// The small HSM VNet with an app VNet, a cluster, its endpoint in an app subnet and the zone
/// linked to the app VNet.
fn with_cluster() -> (Design, Id, Id, Id, Id, Id) {
    let (mut b, ids) = hsm_vnet();
    let app = b.vnet(ids.region, "app-vnet", &["10.20.0.0/16"]);
    let app_subnet = b.client_subnet(app, "app", "10.20.1.0/24");
    let cluster = b.cloud_hsm_cluster(ids.region, "chsm-1");
    let endpoint = b.private_endpoint(app_subnet, cluster, "chsm-1-pe", Some("10.20.1.10"));
    let zone = b.private_dns_zone("privatelink.cloudhsm.azure.net", &[endpoint], &[app]);
    (b.finish(), app, app_subnet, cluster, endpoint, zone)
}

#[test]
fn an_old_document_writes_none_of_the_new_lists() {
    let (b, _) = hsm_vnet();
    let old = b.finish();
    let text = to_json(&old);
    for key in [
        "cloud_hsm_clusters",
        "private_endpoints",
        "private_dns_zones",
        "retirable",
    ] {
        assert!(!text.contains(key), "{key} written for an old design");
    }
    assert_eq!(load(&text).unwrap(), old);
}

#[test]
fn cloud_hsm_elements_round_trip_through_the_document_and_a_link() {
    let (d, ..) = with_cluster();
    let text = to_json(&d);
    assert!(text.contains("\"cloud_hsm_clusters\""));
    assert_eq!(load(&text).unwrap(), d);
    let link = crate::link::encode(&d).unwrap();
    assert_eq!(crate::link::decode(&link).unwrap(), d);
}

#[test]
fn defaults_fill_in_what_a_document_leaves_out() {
    let text = r#"{"format":"hsm-network-studio","version":1,"design":{"name":"t",
        "regions":[{"id":1,"name":"West Europe","location":"westeurope"}],
        "vnets":[{"id":2,"name":"v","region":1,"address_space":["10.0.0.0/16"],
          "subnets":[{"id":3,"name":"s","prefix":"10.0.0.0/24"}]}],
        "cloud_hsm_clusters":[{"id":4,"name":"chsm","region":1}],
        "private_endpoints":[{"id":5,"name":"pe","subnet":3,"target":4}]}}"#;
    let d = load(text).unwrap();
    assert_eq!(d.cloud_hsm_clusters[0].sku, "Standard_B1");
    assert!(!d.cloud_hsm_clusters[0].public_network_access);
    assert_eq!(d.private_endpoints[0].group_id, "cloudHsm");
    assert_eq!(d.private_endpoints[0].private_ip, None);
}

#[test]
fn references_of_the_wrong_kind_are_refused_with_their_path() {
    let (d, app, _, _, endpoint, zone) = with_cluster();
    let mut bad = d.clone();
    bad.private_endpoints[0].target = app;
    let err = check_integrity(&bad).unwrap_err();
    assert_eq!(err.path, "private_endpoints[0].target");
    let mut bad = d.clone();
    bad.private_dns_zones[0].vnet_links.push(endpoint);
    assert_eq!(
        check_integrity(&bad).unwrap_err().path,
        "private_dns_zones[0].vnet_links[1]"
    );
    let mut bad = d.clone();
    bad.private_dns_zones[0].records.push(endpoint);
    let err = check_integrity(&bad).unwrap_err();
    assert!(err.message.contains("listed twice"), "{err:?}");
    let mut bad = d.clone();
    bad.retirable.push(Id(9_999));
    assert_eq!(check_integrity(&bad).unwrap_err().path, "retirable[0]");
    bad.retirable = vec![zone];
    assert!(check_integrity(&bad).is_ok());
}

#[test]
fn removing_a_cluster_or_a_vnet_takes_what_depends_on_it() {
    let (d, app, _, cluster, endpoint, zone) = with_cluster();
    let mut marked = d.clone();
    marked.retirable = vec![endpoint];
    let after = marked.apply(&Edit::Remove(cluster)).unwrap();
    assert!(after.private_endpoint(endpoint).is_none());
    assert!(after.private_dns_zone(zone).unwrap().records.is_empty());
    assert!(after.retirable.is_empty());
    let after = d.apply(&Edit::Remove(app)).unwrap();
    assert!(after.private_endpoint(endpoint).is_none());
    assert!(after.private_dns_zone(zone).unwrap().vnet_links.is_empty());
}

#[test]
fn the_palette_places_a_cluster_an_endpoint_and_a_zone() {
    let (b, ids) = hsm_vnet();
    let mut d = b.finish();
    let region = d.region(ids.region).unwrap().layout;
    let inside = Point::new(region.x + 30.0, region.y + region.h - 20.0);
    // An endpoint needs a cluster first.
    let (_, hsm_subnet) = d.subnet(ids.hsm_subnet).unwrap();
    let on_hsm_subnet = Point::new(hsm_subnet.layout.x + 5.0, hsm_subnet.layout.y + 5.0);
    assert!(draw::place(&d, Item::PrivateEndpoint, on_hsm_subnet).is_err());
    d = d
        .apply(&draw::place(&d, Item::CloudHsmCluster, inside).unwrap())
        .unwrap();
    let cluster = d.cloud_hsm_clusters[0].clone();
    assert_eq!(
        (cluster.name.as_str(), cluster.region),
        ("chsm-1", ids.region)
    );
    assert_eq!(draw::element_at(&d, cluster.layout), Some(cluster.id));
    assert_eq!(draw::container_of(&d, cluster.id), Some(ids.region));
    // Not into the HSM subnet: it is delegated.
    let refusal = draw::place(&d, Item::PrivateEndpoint, on_hsm_subnet).unwrap_err();
    assert!(refusal.0.contains("delegated"), "{}", refusal.0);
    // Into an ordinary subnet of a new VNet.
    let mut b = Builder::from(d);
    let app = b.vnet(ids.region, "app-vnet", &["10.20.0.0/16"]);
    let app_subnet = b.subnet(app, "app", "10.20.1.0/24");
    let mut d = b.finish();
    let (_, s) = d.subnet(app_subnet).unwrap();
    let on_app = Point::new(s.layout.x + 5.0, s.layout.y + 5.0);
    d = d
        .apply(&draw::place(&d, Item::PrivateEndpoint, on_app).unwrap())
        .unwrap();
    let endpoint = d.private_endpoints[0].clone();
    assert_eq!(endpoint.target, cluster.id);
    assert_eq!(endpoint.subnet, app_subnet);
    assert_eq!(endpoint.name, "chsm-1-pe");
    assert!(endpoint.private_ip.is_some());
    assert_eq!(draw::element_at(&d, endpoint.layout), Some(endpoint.id));
    // A zone goes outside the regions.
    assert!(draw::place(&d, Item::PrivateDnsZone, inside).is_err());
    let outside = Point::new(-400.0, 40.0);
    d = d
        .apply(&draw::place(&d, Item::PrivateDnsZone, outside).unwrap())
        .unwrap();
    let zone = d.private_dns_zones[0].clone();
    assert!(zone.is_cloud_hsm_zone());
    assert_eq!(draw::element_at(&d, outside), Some(zone.id));
}

#[test]
fn links_join_a_zone_to_a_vnet_and_an_endpoint_and_a_subnet_to_a_cluster() {
    let (d, app, app_subnet, cluster, endpoint, zone) = with_cluster();
    let hsm_vnet = d.vnets[0].id;
    let linked = d
        .apply(&draw::connect(&d, zone, hsm_vnet).unwrap())
        .unwrap();
    assert_eq!(
        linked.private_dns_zone(zone).unwrap().vnet_links,
        vec![app, hsm_vnet]
    );
    let again = draw::connect(&linked, hsm_vnet, zone).unwrap_err();
    assert!(again.0.contains("already linked"), "{}", again.0);
    let unlinked = linked
        .apply(&draw::unlink_zone(&linked, zone, hsm_vnet).unwrap())
        .unwrap();
    assert_eq!(unlinked, d);
    assert!(draw::unlink_zone(&d, zone, hsm_vnet).is_err());
    assert!(
        draw::connect(&d, endpoint, zone).is_err(),
        "already holds its records"
    );
    let second = d
        .apply(&draw::connect(&d, app_subnet, cluster).unwrap())
        .unwrap();
    assert_eq!(second.private_endpoints.len(), 2);
    let new = &second.private_endpoints[1];
    assert_ne!(new.private_ip, d.private_endpoints[0].private_ip);
    let registered = second
        .apply(&draw::connect(&second, zone, new.id).unwrap())
        .unwrap();
    assert_eq!(registered.private_dns_zone(zone).unwrap().records.len(), 2);
    assert!(draw::connect(&d, cluster, zone).is_err());
}

#[test]
fn every_field_of_the_new_elements_is_editable() {
    let (d, _, _, cluster, endpoint, zone) = with_cluster();
    for id in [cluster, endpoint, zone] {
        let element = form::element(&d, id).unwrap();
        let fields = form::fields(&d, &element);
        assert!(fields.len() >= 3, "{id}: {fields:?}");
        for f in &fields {
            let same = form::set(&d, &element, &f.path, &f.value).unwrap();
            assert_eq!(same, element, "{id} {}", f.path);
        }
    }
    let element = form::element(&d, cluster).unwrap();
    let Element::CloudHsmCluster(c) = form::set(&d, &element, "sku", "Standard B10").unwrap()
    else {
        panic!("a cluster");
    };
    assert_eq!(c.sku, "Standard B10");
    let element = form::element(&d, endpoint).unwrap();
    let Element::PrivateEndpoint(e) = form::set(&d, &element, "private_ip", "").unwrap() else {
        panic!("an endpoint");
    };
    assert_eq!(e.private_ip, None);
    let element = form::element(&d, zone).unwrap();
    assert!(form::set(&d, &element, "vnet_links", "hsm-vnet, app-vnet").is_ok());
    assert!(form::set(&d, &element, "vnet_links", "nowhere").is_err());
}

#[test]
fn exports_plan_the_cluster_endpoint_zone_and_link_names() {
    let (d, ..) = with_cluster();
    let index = Index::new(&d);
    let mut arena = String::new();
    let planned = crate::naming::planned(&index, &mut arena);
    let names: Vec<(&str, &str)> = planned.iter().map(|p| (p.what, p.name)).collect();
    for expected in [
        ("Cloud HSM cluster", "chsm-1"),
        ("private endpoint", "chsm-1-pe"),
        ("private DNS zone", "privatelink.cloudhsm.azure.net"),
        ("virtual network link", "link-app-vnet"),
    ] {
        assert!(names.contains(&expected), "{expected:?} in {names:?}");
    }
    assert!(crate::azure::names::Pattern::CloudHsm
        .problem("a-cluster-name-of-24-chr")
        .is_some());
    assert!(crate::azure::names::Pattern::CloudHsm
        .problem("-chsm")
        .is_none());
}
