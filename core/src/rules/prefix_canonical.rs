//! `prefix-canonical`: prefixes have no host bits set.

use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::Id;
use ipnet::Ipv4Net;

pub static RULE: Rule = Rule {
    name: "prefix-canonical",
    severities: &[Severity::Error],
    summary:
        "Every prefix is written canonically, with no host bits set (10.0.0.0/24, not 10.0.0.1/24).",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "The prefixes Azure validates when a design is deployed: VNet address spaces, \
                 subnet prefixes, point-to-site client pools, on-premises site prefixes, route \
                 prefixes and ExpressRoute private-peering prefixes. Each must have its address \
                 equal to its network address.",
        why: "Azure refuses a prefix whose address has bits set beyond the prefix length, such as \
              10.0.0.1/24, with an invalid-prefix error, so the whole deployment stops. Such a \
              prefix is also easy to misread: 10.0.1.5/16 really means 10.0.0.0/16.",
        fix: "Write the network address of the prefix. The one-click fix truncates every \
              non-canonical prefix of the element to its network address (10.0.0.1/24 becomes \
              10.0.0.0/24); check afterwards that the truncated range is what was meant.",
        source: "Azure Virtual Network address-prefix validation; Azure Virtual Network FAQ.",
    },
    check,
};

fn is_canonical(p: &Ipv4Net) -> bool {
    p.addr() == p.network()
}

/// The truncated list, with duplicates that truncation creates dropped (first one kept).
fn canonical_list(list: &[Ipv4Net]) -> Vec<Ipv4Net> {
    let mut out: Vec<Ipv4Net> = Vec::with_capacity(list.len());
    for p in list {
        let t = p.trunc();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// "10.0.0.1/24 (should be 10.0.0.0/24)" for each bad prefix.
fn describe(bad: &[&Ipv4Net]) -> String {
    bad.iter()
        .map(|p| format!("{p} (should be {})", p.trunc()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn report(out: &mut Vec<Finding>, what: String, bad: &[&Ipv4Net], ids: Vec<Id>, edit: Edit) {
    let (noun, label) = match bad {
        [one] => ("a prefix", format!("Truncate {one} to {}", one.trunc())),
        _ => (
            "prefixes",
            "Truncate the prefixes to their network addresses".to_string(),
        ),
    };
    out.push(
        Finding::of(
            &RULE,
            format!(
                "{what} has {noun} with host bits set, which Azure rejects: {}; write the \
                 network address",
                describe(bad)
            ),
            ids,
        )
        .with_fix(label, edit),
    );
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    for vnet in &d.vnets {
        let bad: Vec<&Ipv4Net> = vnet
            .address_space
            .iter()
            .filter(|p| !is_canonical(p))
            .collect();
        if !bad.is_empty() {
            let mut fixed = vnet.clone();
            fixed.address_space = canonical_list(&vnet.address_space);
            let what = format!("the address space of VNet {}", cx.name(vnet.id));
            report(
                out,
                what,
                &bad,
                vec![vnet.id],
                Edit::Replace(Element::Vnet(fixed)),
            );
        }
        for subnet in &vnet.subnets {
            if is_canonical(&subnet.prefix) {
                continue;
            }
            let mut fixed = subnet.clone();
            fixed.prefix = subnet.prefix.trunc();
            let what = format!("subnet {} in {}", cx.name(subnet.id), cx.name(vnet.id));
            let edit = Edit::Replace(Element::Subnet {
                vnet: vnet.id,
                subnet: fixed,
            });
            report(out, what, &[&subnet.prefix], vec![subnet.id], edit);
        }
    }
    for gateway in &d.gateways {
        let Some(pool) = gateway.p2s_pool.as_ref().filter(|p| !is_canonical(p)) else {
            continue;
        };
        let mut fixed = gateway.clone();
        fixed.p2s_pool = Some(pool.trunc());
        let what = format!(
            "the point-to-site client pool of gateway {}",
            cx.name(gateway.id)
        );
        report(
            out,
            what,
            &[pool],
            vec![gateway.id],
            Edit::Replace(Element::Gateway(fixed)),
        );
    }
    for site in &d.sites {
        let bad: Vec<&Ipv4Net> = site.prefixes.iter().filter(|p| !is_canonical(p)).collect();
        if bad.is_empty() {
            continue;
        }
        let mut fixed = site.clone();
        fixed.prefixes = canonical_list(&site.prefixes);
        let what = format!("on-premises site {}", cx.name(site.id));
        report(
            out,
            what,
            &bad,
            vec![site.id],
            Edit::Replace(Element::Site(fixed)),
        );
    }
    for circuit in &d.circuits {
        let Some(peering) = &circuit.private_peering else {
            continue;
        };
        let bad: Vec<&Ipv4Net> = [&peering.primary_prefix, &peering.secondary_prefix]
            .into_iter()
            .filter(|p| !is_canonical(p))
            .collect();
        if bad.is_empty() {
            continue;
        }
        let mut fixed = circuit.clone();
        if let Some(p) = fixed.private_peering.as_mut() {
            p.primary_prefix = p.primary_prefix.trunc();
            p.secondary_prefix = p.secondary_prefix.trunc();
        }
        let what = format!(
            "the private peering of ExpressRoute circuit {}",
            cx.name(circuit.id)
        );
        report(
            out,
            what,
            &bad,
            vec![circuit.id],
            Edit::Replace(Element::Circuit(fixed)),
        );
    }
    for table in &d.route_tables {
        let bad: Vec<&Ipv4Net> = table
            .routes
            .iter()
            .map(|r| &r.prefix)
            .filter(|p| !is_canonical(p))
            .collect();
        if bad.is_empty() {
            continue;
        }
        let mut fixed = table.clone();
        for route in &mut fixed.routes {
            route.prefix = route.prefix.trunc();
        }
        let what = format!("route table {}", cx.name(table.id));
        report(
            out,
            what,
            &bad,
            vec![table.id],
            Edit::Replace(Element::RouteTable(fixed)),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{net, route};
    use crate::model::{NextHop, SiteRoles};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_a_subnet_with_host_bits_and_the_fix_truncates_it() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.5/28");
        let design = b.finish();
        let found = findings(&design, "prefix-canonical");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet]);
        let message = &found[0].message;
        assert!(
            message.contains("10.10.1.5/28") && message.contains("10.10.1.0/28"),
            "{message}"
        );
        let fixed = apply_first_fix(&design, "prefix-canonical");
        let prefix = fixed.subnet(ids.hsm_subnet).unwrap().1.prefix;
        assert_eq!(prefix.to_string(), "10.10.1.0/28");
        assert!(findings(&fixed, "prefix-canonical").is_empty());
    }

    #[test]
    fn covers_spaces_pools_sites_circuits_and_routes() {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).address_space = vec![net("10.10.0.0/16"), net("10.20.1.1/16")];
        let vpn = b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw1", Some("172.16.0.9/24"));
        let site = b.site(
            "dc",
            &["192.168.1.1/24", "192.168.2.0/24"],
            Some("203.0.113.1"),
            SiteRoles::default(),
        );
        let circuit = b.circuit(site, "er", "192.168.100.0/29");
        if let Some(p) = b.design.circuits[0].private_peering.as_mut() {
            p.secondary_prefix = net("192.168.100.5/30");
        }
        let rt = b.route_table(
            "rt",
            vec![route(
                "onprem",
                "192.168.1.7/24",
                NextHop::VirtualNetworkGateway,
                None,
            )],
            &[],
        );
        let design = b.finish();
        let found = findings(&design, "prefix-canonical");
        let elements: Vec<_> = found.iter().map(|f| f.elements[0]).collect();
        assert_eq!(elements, vec![ids.vnet, vpn, site, circuit, rt]);

        // Fixing each one in turn leaves nothing.
        let mut fixed = design;
        for _ in 0..5 {
            fixed = apply_first_fix(&fixed, "prefix-canonical");
        }
        assert!(findings(&fixed, "prefix-canonical").is_empty());
        assert_eq!(
            fixed.vnet(ids.vnet).unwrap().address_space[1],
            net("10.20.0.0/16")
        );
        assert_eq!(
            fixed.gateway(vpn).unwrap().p2s_pool,
            Some(net("172.16.0.0/24"))
        );
    }

    #[test]
    fn truncation_that_creates_a_duplicate_space_keeps_one() {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).address_space = vec![net("10.10.0.0/16"), net("10.10.3.3/16")];
        let fixed = apply_first_fix(&b.finish(), "prefix-canonical");
        assert_eq!(
            fixed.vnet(ids.vnet).unwrap().address_space,
            vec![net("10.10.0.0/16")]
        );
    }

    #[test]
    fn passes_canonical_prefixes_including_host_routes() {
        let (mut b, ids) = hsm_vnet();
        b.route_table(
            "rt",
            vec![route(
                "ilb",
                "10.10.2.4/32",
                NextHop::VirtualAppliance,
                Some("10.10.3.4"),
            )],
            &[],
        );
        b.site("dc", &["0.0.0.0/0"], None, SiteRoles::default());
        let _ = ids;
        assert!(findings(&b.finish(), "prefix-canonical").is_empty());
    }
}
