//! `ha-regions`: HSMs in at least two offered regions, joined by VNet-to-VNet VPN.

use super::select::{hsms_by_region, vnets_of, RegionHsms};
use super::wording::names;
use super::{Context, Finding, Rule, Severity};
use crate::azure::regions::offered;
use crate::draw::new;
use crate::edit::Edit;
use crate::graph::{Components, Link};
use crate::model::{ConnectionKind, Gateway, GatewayKind, Id, VpnType};
use petgraph::unionfind::UnionFind;
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    name: "ha-regions",
    severities: &[Severity::Warning],
    summary: "HSMs sit in at least two offered regions whose HSM VNets are joined by \
              VNet-to-VNet VPN.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Once per design: whether the HSMs span two or more regions that offer \
                 Dedicated HSM, and whether the HSM VNets of those regions are joined by a path \
                 of VNet-to-VNet VPN connections. Names the regions that are cut off from each \
                 other.",
        why: "An HA group inside one region does not survive the loss of that region. The \
              Luna client can fail over to HSMs in another region only when the networks are \
              joined; between regions that must be a VPN (or ExpressRoute), because global \
              peering is not supported with Dedicated HSM.",
        fix: "Deploy HSMs in a second offered region and connect the HSM VNets' VPN gateways \
              with a VNet-to-VNet connection. When both sides already have a VPN gateway, the \
              one-click fix adds the connection.",
        source: "Dedicated HSM deployment architecture; Dedicated HSM high availability; \
                 Networking considerations, 'Connecting across Azure Regions' and 'Cross region \
                 HA using VPN gateway'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let all = hsms_by_region(cx, false);
    let elsewhere = all.iter().any(|g| offered(&g.location).is_none());
    let groups: Vec<RegionHsms> = all
        .into_iter()
        .filter(|g| offered(&g.location).is_some())
        .collect();
    // HSM VNets per region, each once, in design order.
    let vnets: Vec<Vec<Id>> = groups
        .iter()
        .map(|g| vnets_of(cx, g.hsms.iter().copied()))
        .collect();
    let elements = || -> Vec<Id> {
        groups
            .iter()
            .zip(&vnets)
            .flat_map(|(g, v)| std::iter::once(g.region).chain(v.iter().copied()))
            .collect()
    };
    match groups.len() {
        // No HSM, or none in an offered region (hsm-region-offered reports that).
        0 => return,
        1 => {
            out.push(Finding::of(
                &RULE,
                format!(
                    "{} {} ({}), so an outage of that region takes every key offline; add \
                     HSMs in a second region that offers Dedicated HSM and join the HSM VNets \
                     by VNet-to-VNet VPN",
                    if elsewhere {
                        "the only region offering Dedicated HSM that holds HSMs is"
                    } else {
                        "every HSM is in"
                    },
                    cx.name(groups[0].region),
                    names(cx, &vnets[0])
                ),
                elements(),
            ));
            return;
        }
        _ => {}
    }

    let components = cx.components(|l| matches!(l, Link::VnetToVnet(_)));
    let labels: Vec<BTreeSet<usize>> = vnets
        .iter()
        .map(|ids| ids.iter().filter_map(|v| components.label(*v)).collect())
        .collect();
    let mut sets = UnionFind::new(groups.len());
    for a in 0..groups.len() {
        for b in a + 1..groups.len() {
            if !labels[a].is_disjoint(&labels[b]) {
                sets.union(a, b);
            }
        }
    }
    // Islands of regions, in order of their first region.
    let mut islands: Vec<Vec<usize>> = Vec::new();
    let mut root_of_island: Vec<usize> = Vec::new();
    for g in 0..groups.len() {
        let root = sets.find(g);
        match root_of_island.iter().position(|r| *r == root) {
            Some(i) => islands[i].push(g),
            None => {
                root_of_island.push(root);
                islands.push(vec![g]);
            }
        }
    }
    if islands.len() < 2 {
        return;
    }
    let describe = |island: &Vec<usize>| -> String {
        let parts: Vec<String> = island
            .iter()
            .map(|g| format!("{} ({})", cx.name(groups[*g].region), names(cx, &vnets[*g])))
            .collect();
        parts.join(" and ")
    };
    let message = if islands.len() == 2 {
        format!(
            "HSMs are in {} regions, but no VNet-to-VNet VPN path joins {} to {}, so clients \
             cannot fail over between them; connect the HSM VNets with a VNet-to-VNet VPN",
            groups.len(),
            describe(&islands[0]),
            describe(&islands[1])
        )
    } else {
        let parts: Vec<String> = islands.iter().map(describe).collect();
        format!(
            "HSMs are in {} regions that form {} groups with no VNet-to-VNet VPN path between \
             them: {}; connect the HSM VNets with VNet-to-VNet VPNs",
            groups.len(),
            islands.len(),
            parts.join("; ")
        )
    };
    let mut finding = Finding::of(&RULE, message, elements());
    let gateway_of = |island: &Vec<usize>| {
        let wanted: BTreeSet<usize> = island
            .iter()
            .flat_map(|g| labels[*g].iter().copied())
            .collect();
        vpn_gateway_in(cx, &components, &wanted)
    };
    if let (Some(a), Some(b)) = (gateway_of(&islands[0]), gateway_of(&islands[1])) {
        let kind = ConnectionKind::VnetToVnet { a: a.id, b: b.id };
        let connection = new::connection(cx.design, cx.design.next_id(), kind);
        finding = finding.with_fix(
            format!(
                "Connect {} and {} by VNet-to-VNet VPN",
                cx.name(a.id),
                cx.name(b.id)
            ),
            Edit::Add(connection),
        );
    }
    out.push(finding);
}

/// The first VPN gateway whose VNet is in one of the `wanted` VPN components.
fn vpn_gateway_in<'d>(
    cx: &Context<'d>,
    components: &Components,
    wanted: &BTreeSet<usize>,
) -> Option<&'d Gateway> {
    cx.design.gateways.iter().find(|g| {
        g.kind == GatewayKind::Vpn
            && g.vpn_type != Some(VpnType::PolicyBased)
            && cx
                .index()
                .vnet_of_subnet(g.subnet)
                .and_then(|v| components.label(v.id))
                .is_some_and(|l| wanted.contains(&l))
    })
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, Id};
    use crate::rules::testing::*;

    const RULE: &str = "ha-regions";

    /// An HSM VNet with a pair of HSMs and a VPN gateway in `location`.
    fn hsm_region(b: &mut Builder, location: &str, octet: u8) -> (Id, Id, Id) {
        let region = b.region(location);
        let vnet = b.vnet(
            region,
            &format!("hsm-{location}"),
            &[&format!("10.{octet}.0.0/16")],
        );
        let gw_subnet = b.subnet(vnet, "GatewaySubnet", &format!("10.{octet}.255.0/27"));
        b.er_gateway(gw_subnet, &format!("ergw-{location}"), "ErGw1AZ");
        let vpn = b.vpn_gateway(gw_subnet, &format!("vpngw-{location}"), "VpnGw1AZ", None);
        let subnet = b.hsm_subnet(vnet, "hsm-subnet", &format!("10.{octet}.1.0/28"));
        b.hsm(subnet, &format!("{location}-1"), "stamp1", None);
        b.hsm(subnet, &format!("{location}-2"), "stamp2", None);
        (region, vnet, vpn)
    }

    #[test]
    fn a_single_region_is_flagged_once() {
        let (b, ids) = hsm_vnet();
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.region, ids.vnet]);
        assert!(
            found[0]
                .message
                .contains("every HSM is in 'West Europe' ('hsm-vnet')"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn two_regions_joined_by_a_vpn_pass() {
        let mut b = Builder::new("two regions");
        let (_, _, we) = hsm_region(&mut b, "westeurope", 10);
        let (_, _, ne) = hsm_region(&mut b, "northeurope", 11);
        b.connection("v2v", ConnectionKind::VnetToVnet { a: we, b: ne });
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn two_regions_without_a_vpn_are_named_and_the_fix_joins_them() {
        let mut b = Builder::new("two regions");
        let (we_region, we_vnet, _) = hsm_region(&mut b, "westeurope", 10);
        let (ne_region, ne_vnet, _) = hsm_region(&mut b, "northeurope", 11);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].elements,
            vec![we_region, we_vnet, ne_region, ne_vnet]
        );
        assert!(
            found[0].message.contains(
                "no VNet-to-VNet VPN path joins 'West Europe' ('hsm-westeurope') to 'North Europe' ('hsm-northeurope')"
            ),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn no_fix_without_route_based_vpn_gateways_on_both_sides() {
        let mut b = Builder::new("policy");
        let (_, _, we) = hsm_region(&mut b, "westeurope", 10);
        hsm_region(&mut b, "northeurope", 11);
        let gw = b.design.gateways.iter_mut().find(|g| g.id == we).unwrap();
        gw.vpn_type = Some(crate::model::VpnType::PolicyBased);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn a_vpn_chain_through_another_vnet_counts_but_peering_does_not() {
        let mut b = Builder::new("chain");
        let (we_region, _, we) = hsm_region(&mut b, "westeurope", 10);
        let (_, _, ne) = hsm_region(&mut b, "northeurope", 11);
        let transit = b.vnet(we_region, "transit", &["10.50.0.0/16"]);
        let gw_subnet = b.subnet(transit, "GatewaySubnet", "10.50.255.0/27");
        let mid = b.vpn_gateway(gw_subnet, "transit-vpngw", "VpnGw1AZ", None);
        b.connection("we-mid", ConnectionKind::VnetToVnet { a: we, b: mid });
        let only_half = b.design.clone();
        b.connection("mid-ne", ConnectionKind::VnetToVnet { a: mid, b: ne });
        assert!(findings(&b.finish(), RULE).is_empty());
        assert_eq!(findings(&only_half, RULE).len(), 1);
    }

    #[test]
    fn three_regions_list_their_groups() {
        let mut b = Builder::new("three");
        let (_, _, we) = hsm_region(&mut b, "westeurope", 10);
        let (_, _, ne) = hsm_region(&mut b, "northeurope", 11);
        hsm_region(&mut b, "uksouth", 12);
        let found = findings(&b.design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains(
                "3 regions that form 3 groups with no VNet-to-VNet VPN path between them: \
                 'West Europe' ('hsm-westeurope'); 'North Europe' ('hsm-northeurope'); \
                 'UK South' ('hsm-uksouth')"
            ),
            "{}",
            found[0].message
        );
        b.connection("v2v", ConnectionKind::VnetToVnet { a: we, b: ne });
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains(
                "joins 'West Europe' ('hsm-westeurope') and 'North Europe' ('hsm-northeurope') \
                 to 'UK South' ('hsm-uksouth')"
            ),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn regions_not_offering_dedicated_hsm_do_not_count() {
        let mut b = Builder::new("brazil");
        hsm_region(&mut b, "westeurope", 10);
        hsm_region(&mut b, "brazilsouth", 11);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.starts_with(
                "the only region offering Dedicated HSM that holds HSMs is 'West Europe'"
            ),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn nothing_without_hsms() {
        let (mut b, _) = hsm_vnet();
        b.design.hsms.clear();
        assert!(findings(&b.finish(), RULE).is_empty());
    }
}
