use super::*;
use crate::edit::Edit;
use crate::presets::{self, Size};

fn preset(name: &str) -> Design {
    presets::build(name, &Size::default()).unwrap()
}

fn all_presets() -> Vec<Design> {
    presets::ALL.iter().map(|p| preset(p.name)).collect()
}

fn first_subnet(design: &Design) -> Element {
    element(design, design.vnets[0].subnets[0].id).unwrap()
}

#[test]
fn a_bad_prefix_is_refused_naming_the_field_and_the_value() {
    let design = preset("single-vnet");
    let subnet = first_subnet(&design);
    let err = set(&design, &subnet, "prefix", "10.0.0.0/33").unwrap_err();
    assert_eq!(err.path, "prefix");
    assert!(
        err.to_string()
            .starts_with("prefix: \"10.0.0.0/33\" is not an IPv4 prefix"),
        "{err}"
    );
}

#[test]
fn each_kind_of_bad_text_is_refused_with_its_field() {
    let design = preset("hub-nva-proxy");
    let hsm = element(&design, design.hsms[0].id).unwrap();
    let nsg = element(&design, design.nsgs[0].id).unwrap();
    let vnet = element(&design, design.vnets[0].id).unwrap();
    let cases: [(&Element, &str, &str, &str); 9] = [
        (&hsm, "private_ip", "10.0.0.300", "is not an IPv4 address"),
        (&hsm, "sku", "Luna 7", "is not one of"),
        (&hsm, "subnet", "999999", "names no subnet"),
        // An id of the wrong kind: the VNet's own id is not a subnet.
        (
            &hsm,
            "subnet",
            &design.vnets[0].id.0.to_string(),
            "names no subnet",
        ),
        (&hsm, "management_nic", "maybe", "is not true or false"),
        (
            &nsg,
            "rules[0].priority",
            "70000",
            "is not a whole number from 0 to 65535",
        ),
        (
            &nsg,
            "rules[0].destination_ports",
            "http",
            "is not a port range",
        ),
        (
            &vnet,
            "address_space",
            "10.0.0.0/16, ten",
            "\"ten\" is not an IPv4 prefix",
        ),
        (&vnet, "name", "  ", "cannot be empty"),
    ];
    for (element, path, text, expected) in cases {
        let err = set(&design, element, path, text).unwrap_err();
        assert_eq!(err.path, path);
        assert!(err.message.contains(expected), "{path} = {text:?}: {err}");
    }
}

#[test]
fn paths_that_name_no_field_are_refused() {
    let design = preset("single-vnet");
    let subnet = first_subnet(&design);
    for path in [
        "id",
        "layout",
        "layout.x",
        "vnet",
        "",
        "prefix[0]",
        "name.first",
        "rules[0].name",
    ] {
        let err = set(&design, &subnet, path, "x").unwrap_err();
        assert_eq!(err.message, "no such field", "{path}");
    }
}

#[test]
fn a_name_taken_by_another_element_of_the_same_kind_is_refused() {
    let design = preset("hub-nva-proxy");
    let first = element(&design, design.vnets[0].id).unwrap();
    let taken = design.vnets[1].name.clone();
    let err = set(&design, &first, "name", &taken).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("name: {taken:?} is taken by another VNet")
    );
    // Another kind may have the same name, and so may the element itself.
    let hsm = element(&design, design.hsms[0].id).unwrap();
    assert!(set(&design, &hsm, "name", &taken).is_ok());
    assert!(set(&design, &first, "name", &design.vnets[0].name).is_ok());
}

#[test]
fn subnet_names_clash_only_within_their_vnet() {
    let design = preset("cross-region-ha");
    let (a, b) = (&design.vnets[0], &design.vnets[1]);
    let in_a = element(&design, a.subnets[0].id).unwrap();
    let name_in_b = b
        .subnets
        .iter()
        .find(|s| !a.subnets.iter().any(|t| t.name == s.name));
    if let Some(s) = name_in_b {
        assert!(set(&design, &in_a, "name", &s.name).is_ok());
    }
    if a.subnets.len() > 1 {
        let err = set(&design, &in_a, "name", &a.subnets[1].name).unwrap_err();
        assert!(err.message.contains("is taken by another subnet"), "{err}");
    }
}

#[test]
fn every_field_of_every_element_of_every_preset_reads_back_to_the_same_element() {
    let mut kinds = Vec::new();
    for design in all_presets() {
        for id in design.ids() {
            let element = element(&design, id).unwrap();
            if !kinds.contains(&kind(&element)) {
                kinds.push(kind(&element));
            }
            let fields = fields(&design, &element);
            assert!(
                fields.iter().any(|f| f.path == "name"),
                "{id}: no name field"
            );
            for f in fields {
                if matches!(
                    f.input,
                    Input::List { .. } | Input::Item { .. } | Input::Heading
                ) {
                    continue;
                }
                let back = set(&design, &element, &f.path, &f.value)
                    .unwrap_or_else(|e| panic!("{id} {}: {e}", f.path));
                assert_eq!(back, element, "{id} {} = {:?}", f.path, f.value);
            }
        }
    }
    assert_eq!(kinds.len(), 17, "presets cover every kind: {kinds:?}");
}

#[test]
fn every_key_an_element_writes_is_a_field_except_its_id_and_layout() {
    fn keys(value: &Value, prefix: &str, out: &mut Vec<String>) {
        if let Some(object) = value.as_object() {
            for (k, v) in object {
                let path = join(prefix, k);
                // Records are covered by their leaves.
                // Tags are one field, edited as `name=value` pairs.
                if v.is_object() && !["id", "layout", "tags"].contains(&k.as_str()) {
                    keys(v, &path, out);
                } else {
                    out.push(path);
                }
            }
        }
    }
    for design in all_presets() {
        for id in design.ids() {
            let element = element(&design, id).unwrap();
            let (tag, root) = to_json(&element).unwrap();
            let mut written = Vec::new();
            keys(body(&tag, &root), "", &mut written);
            let listed: Vec<String> = fields(&design, &element)
                .into_iter()
                .map(|f| f.path)
                .collect();
            for key in written {
                let editable = listed
                    .iter()
                    .any(|p| *p == key || p.starts_with(&format!("{key}[")));
                // A VNet's subnets are elements of their own, edited when selected.
                let exempt = ["id", "layout", "subnets"].contains(&key.as_str());
                assert!(
                    editable || exempt,
                    "{tag} {id}: {key} is not editable ({listed:?})"
                );
            }
        }
    }
}

#[test]
fn a_valid_change_applies_as_a_replace_edit() {
    let design = preset("single-vnet");
    let subnet = first_subnet(&design);
    let id = subnet.id();
    let changed = set(&design, &subnet, "prefix", "10.0.9.0/28").unwrap();
    let next = design.apply(&Edit::Replace(changed)).unwrap();
    assert_eq!(next.subnet(id).unwrap().1.prefix.to_string(), "10.0.9.0/28");
    // The rest of the design is untouched.
    assert_eq!(next.vnets.len(), design.vnets.len());
    assert_eq!(next.hsms, design.hsms);
}

#[test]
fn optional_fields_empty_to_none_and_flags_fill_in() {
    let design = preset("hub-nva-proxy");
    let hsm = element(&design, design.hsms[0].id).unwrap();
    let Element::Hsm(cleared) = set(&design, &hsm, "private_ip", "").unwrap() else {
        panic!("kind changed");
    };
    assert_eq!(cleared.private_ip, None);
    let Element::Hsm(set_ip) = set(&design, &hsm, "private_ip", " 10.9.9.9 ").unwrap() else {
        panic!("kind changed");
    };
    assert_eq!(set_ip.private_ip, Some("10.9.9.9".parse().unwrap()));
    let nva = element(&design, design.nvas[0].id).unwrap();
    let Element::Nva(off) = set(&design, &nva, "snat", "false").unwrap() else {
        panic!("kind changed");
    };
    assert!(!off.snat);
}

#[test]
fn references_are_chosen_among_elements_of_the_right_kind() {
    let design = preset("hub-nva-proxy");
    let subnet = design
        .vnets
        .iter()
        .flat_map(|v| &v.subnets)
        .find(|s| s.nsg.is_none())
        .unwrap();
    let element = element(&design, subnet.id).unwrap();
    let nsg = fields(&design, &element)
        .into_iter()
        .find(|f| f.path == "nsg")
        .unwrap();
    let Input::Select(options) = &nsg.input else {
        panic!("an NSG is chosen from a list");
    };
    assert_eq!(options[0], (String::new(), "none".to_string()));
    let ids: Vec<_> = design.nsgs.iter().map(|n| n.id.0.to_string()).collect();
    assert_eq!(
        options[1..]
            .iter()
            .map(|(v, _)| v.clone())
            .collect::<Vec<_>>(),
        ids
    );
    let Element::Subnet { subnet: with, .. } = set(&design, &element, "nsg", &ids[0]).unwrap()
    else {
        panic!("kind changed");
    };
    assert_eq!(with.nsg, Some(design.nsgs[0].id));
}

#[test]
fn load_balancer_backends_are_edited_by_name() {
    let design = preset("hub-nva-proxy");
    let lb = element(&design, design.load_balancers[0].id).unwrap();
    let first = &design.nvas[0];
    let Element::LoadBalancer(one) = set(&design, &lb, "backends", &first.name).unwrap() else {
        panic!("kind changed");
    };
    assert_eq!(one.backends, vec![first.id]);
    let err = set(&design, &lb, "backends", "nobody").unwrap_err();
    assert_eq!(
        err.to_string(),
        "backends: \"nobody\" names no NVA of this design"
    );
}

#[test]
fn records_are_added_with_fresh_names_edited_and_removed() {
    let design = preset("hub-nva-proxy");
    let nsg = element(&design, design.nsgs[0].id).unwrap();
    let before = design.nsgs[0].rules.len();
    let Element::Nsg(added) = add_row(&nsg, "rules").unwrap() else {
        panic!("kind changed");
    };
    assert_eq!(added.rules.len(), before + 1);
    let new = added.rules.last().unwrap();
    assert!(design.nsgs[0]
        .rules
        .iter()
        .all(|r| r.name != new.name && r.priority != new.priority));
    let with = Element::Nsg(added.clone());
    let path = format!("rules[{before}].source");
    let Element::Nsg(edited) = set(&design, &with, &path, "10.1.0.0/24").unwrap() else {
        panic!("kind changed");
    };
    assert_eq!(edited.rules[before].source.to_string(), "10.1.0.0/24");
    let Element::Nsg(removed) = remove_row(&with, "rules", before).unwrap() else {
        panic!("kind changed");
    };
    assert_eq!(removed.rules, design.nsgs[0].rules);
    assert!(remove_row(&with, "rules", before + 5).is_err());
    assert!(add_row(&with, "name").is_err());
    // Every kind of list starts a record that reads back.
    for id in design.ids() {
        let element = element(&design, id).unwrap();
        for f in fields(&design, &element) {
            if let Input::List { .. } = f.input {
                add_row(&element, &f.path).unwrap_or_else(|e| panic!("{id}: {e}"));
            }
        }
    }
}

#[test]
fn a_private_peering_is_switched_on_and_off() {
    let design = preset("expressroute-direct");
    let circuit = element(&design, design.circuits[0].id).unwrap();
    let Element::Circuit(off) = set(&design, &circuit, "private_peering", "false").unwrap() else {
        panic!("kind changed");
    };
    assert!(off.private_peering.is_none());
    let off = Element::Circuit(off);
    assert!(!fields(&design, &off)
        .iter()
        .any(|f| f.path == "private_peering.vlan_id"));
    assert!(set(&design, &off, "private_peering.vlan_id", "200").is_err());
    let Element::Circuit(on) = set(&design, &off, "private_peering", "true").unwrap() else {
        panic!("kind changed");
    };
    assert!(on.private_peering.is_some());
}

#[test]
fn a_connection_changes_kind_keeping_the_ends_that_fit() {
    let design = preset("cross-region-ha");
    let s2s = design
        .connections
        .iter()
        .find(|c| matches!(c.kind, crate::model::ConnectionKind::SiteToSite { .. }))
        .unwrap();
    let element = element(&design, s2s.id).unwrap();
    let Element::Connection(p2s) = set(&design, &element, "kind", "point_to_site").unwrap() else {
        panic!("kind changed");
    };
    let crate::model::ConnectionKind::SiteToSite { gateway, site } = s2s.kind else {
        unreachable!()
    };
    assert_eq!(
        p2s.kind,
        crate::model::ConnectionKind::PointToSite { gateway, site }
    );
    let err = set(&design, &element, "kind", "express_route").unwrap_err();
    assert!(
        err.message.contains("needs a ExpressRoute circuit"),
        "{err}"
    );
    let err = set(&design, &element, "kind", "carrier_pigeon").unwrap_err();
    assert!(err.message.contains("is not one of"), "{err}");
    let site_path = "kind.site_to_site.site";
    assert!(fields(&design, &element)
        .iter()
        .any(|f| f.path == site_path));
    assert!(set(&design, &element, "kind.point_to_site.site", "1").is_err());
}

#[test]
fn a_value_outside_the_offered_choices_is_offered_and_kept_as_loaded() {
    let mut design = preset("single-vnet");
    let odd = "Microsoft.Web/serverFarms";
    design.vnets[0].subnets[0].delegation = Some(odd.to_string());
    let subnet = first_subnet(&design);
    let field = fields(&design, &subnet)
        .into_iter()
        .find(|f| f.path == "delegation")
        .unwrap();
    let Input::Select(options) = &field.input else {
        panic!("a delegation is chosen from a list");
    };
    assert!(options.iter().any(|(v, _)| v == odd));
    assert_eq!(set(&design, &subnet, "delegation", odd).unwrap(), subnet);
    // Choosing it anew elsewhere is still refused: only the offered values are.
    let other = element(&design, design.vnets[0].subnets[1].id).unwrap();
    assert!(set(&design, &other, "delegation", odd).is_err());
}

#[test]
fn payment_hsm_fields_tags_and_link_options_are_edited_and_refused_with_their_field() {
    let design = preset("single-vnet");
    let vnet = element(&design, design.vnets[0].id).unwrap();
    let Element::Vnet(tagged) =
        set(&design, &vnet, "tags", "fastpathenabled=true, env = prod").unwrap()
    else {
        panic!("a VNet");
    };
    assert_eq!(tagged.tag("FASTPATHENABLED"), Some("true"));
    assert_eq!(tagged.tags.get("env").map(String::as_str), Some("prod"));
    let err = set(&design, &vnet, "tags", "fastpathenabled").unwrap_err();
    assert!(err.message.contains("is not name=value"), "{err}");

    let hsm = element(&design, design.hsms[0].id).unwrap();
    let Element::Hsm(changed) = set(&design, &hsm, "more_host_ips", "10.0.1.9, 10.0.1.10").unwrap()
    else {
        panic!("an HSM");
    };
    assert_eq!(changed.more_host_ips.len(), 2);
    let err = set(&design, &hsm, "more_host_ips", "10.0.1.9, ten").unwrap_err();
    assert!(
        err.message.contains("\"ten\" is not an IPv4 address"),
        "{err}"
    );
    let Element::Hsm(changed) = set(&design, &hsm, "host_port", "1501").unwrap() else {
        panic!("an HSM");
    };
    assert_eq!(changed.host_port, 1501);
    assert!(set(&design, &hsm, "host_port", "0").is_err());
    let vnet_id = design.vnets[0].id.0.to_string();
    let err = set(&design, &hsm, "management_subnet", &vnet_id).unwrap_err();
    assert!(err.message.contains("names no subnet"), "{err}");

    let gateway = design
        .gateways
        .iter()
        .find(|g| g.kind == crate::model::GatewayKind::Vpn)
        .unwrap();
    let gateway = element(&design, gateway.id).unwrap();
    let Element::Gateway(changed) = set(&design, &gateway, "active_active", "true").unwrap() else {
        panic!("a gateway");
    };
    assert!(changed.active_active);
}
