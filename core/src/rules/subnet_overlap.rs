//! `subnet-overlap`: the subnets of one VNet do not overlap.

use super::fixes::relocate;
use super::wording::some_names;
use super::{Context, Finding, Rule, Severity};
use crate::addressing::{bounds, FreeSpace};
use crate::model::{Id, Vnet};

pub static RULE: Rule = Rule {
    name: "subnet-overlap",
    severities: &[Severity::Error],
    summary: "No two subnets of a VNet share an address.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Within each VNet, no subnet's prefix overlaps another's (identical prefixes and \
                 a subnet nested in another both count). One finding per subnet that lies in \
                 another (or has the same prefix), naming the widest such subnet, in address \
                 order. The first 100 are listed, VNet by VNet, with their fixes; one more \
                 finding counts the rest and selects their VNets.",
        why: "Every address of a VNet belongs to at most one subnet: Azure refuses a subnet whose \
              range overlaps an existing one, so the VNet deployment fails.",
        fix: "Give one of the two subnets a range of its own. The one-click fix moves the subnet \
              that comes later in the design to the first free prefix of the same size in the \
              VNet (or the earlier one, when only it can move), together with the addresses \
              pinned in it. When the findings stop at 100, fix those and check again to see the \
              rest.",
        source: "Azure Virtual Network FAQ, subnets; networking considerations, 'Subnets'.",
    },
    check,
};

/// At most this many pairs are listed (each with its fix); one more finding counts the rest.
const LISTED: usize = 100;

/// The overlapping pairs of `vnet`'s subnets, as positions (earlier, later) in the VNet, in
/// address order: O(n log n), at most one pair per subnet.
fn overlapping_pairs(vnet: &Vnet) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    if vnet.subnets.len() < 2 {
        return pairs;
    }
    // (first address, last address, position in the VNet), sorted by first address and, for
    // equal starts, the larger block first; ties keep design order.
    let mut ranges: Vec<(u32, u32, usize)> = vnet
        .subnets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (first, last) = bounds(&s.prefix);
            (first, last, i)
        })
        .collect();
    // Positions are already in order, so the stable sort keeps them as the last key.
    crate::sort::stable_by_key(&mut ranges, |&(start, end, _)| {
        crate::sort::pair(start, u32::MAX - end)
    });

    // CIDR blocks are nested or disjoint, so a block starting at or before the furthest end
    // seen so far lies inside the block that reached that end.
    let mut reach: Option<(u32, usize)> = None;
    for &(start, end, i) in &ranges {
        match reach {
            Some((far, holder)) if start <= far => {
                pairs.push((holder.min(i), holder.max(i)));
                if end > far {
                    reach = Some((end, i));
                }
            }
            _ => reach = Some((end, i)),
        }
    }
    pairs
}

/// Reports subnets at positions `first` < `second` of `vnet` as overlapping.
fn report(
    cx: &Context,
    vnet: &Vnet,
    free: &FreeSpace,
    (first, second): (usize, usize),
    out: &mut Vec<Finding>,
) {
    let (a, b) = (&vnet.subnets[first], &vnet.subnets[second]);
    // Move the later subnet; if it cannot move, try the earlier one.
    let target = [b, a].into_iter().find_map(|s| {
        free.next_free_prefix(s.prefix.prefix_len(), Some(s))
            .map(|t| (s, t))
    });
    let advice = match target {
        Some((s, t)) => format!("move {} to a free range such as {t}", cx.name(s.id)),
        None => "the VNet has no free range for either: add address space".to_string(),
    };
    let mut finding = Finding::of(
        &RULE,
        format!(
            "subnets {} ({}) and {} ({}) in VNet {} overlap; {advice}",
            cx.name(a.id),
            a.prefix,
            cx.name(b.id),
            b.prefix,
            cx.name(vnet.id)
        ),
        vec![a.id, b.id],
    );
    if let Some((s, t)) = target {
        finding = finding.with_fix(
            format!("Move subnet '{}' to {t}", s.name),
            relocate(cx, vnet.id, s, t),
        );
    }
    out.push(finding);
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let (mut listed, mut more) = (0, 0);
    // The VNets of the pairs not listed.
    let mut rest: Vec<Id> = Vec::new();
    for vnet in &cx.design.vnets {
        let mut free: Option<FreeSpace> = None;
        for pair in overlapping_pairs(vnet) {
            if listed < LISTED {
                let free = free.get_or_insert_with(|| FreeSpace::new(vnet));
                report(cx, vnet, free, pair, out);
                listed += 1;
            } else {
                more += 1;
                if rest.last() != Some(&vnet.id) {
                    rest.push(vnet.id);
                }
            }
        }
    }
    if more > 0 {
        let vnets = some_names(&rest, 3, |id| cx.name(id));
        let noun = if rest.len() == 1 { "VNet" } else { "VNets" };
        out.push(Finding::of(
            &RULE,
            format!(
                "{more} more overlapping pairs of subnets are not listed, in {noun} {}; fix the \
                 ones above and check again to see them",
                vnets
            ),
            rest,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{ip, net};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_a_nested_subnet_and_the_fix_moves_the_later_one_with_its_pins() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.subnet(ids.vnet, "apps", "10.10.1.0/24");
        let nva = b.nva(apps, "proxy", "10.10.1.20");
        let design = b.finish();
        let found = findings(&design, "subnet-overlap");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, apps]);
        let message = &found[0].message;
        assert!(
            message.contains("'hsm-subnet'") && message.contains("'apps'"),
            "{message}"
        );

        let fixed = apply_first_fix(&design, "subnet-overlap");
        assert!(findings(&fixed, "subnet-overlap").is_empty());
        assert_eq!(
            fixed.subnet(ids.hsm_subnet).unwrap().1.prefix,
            net("10.10.1.0/28")
        );
        assert_eq!(fixed.subnet(apps).unwrap().1.prefix, net("10.10.0.0/24"));
        assert_eq!(fixed.nva(nva).unwrap().private_ip, Some(ip("10.10.0.20")));
    }

    #[test]
    fn identical_prefixes_overlap() {
        let (mut b, ids) = hsm_vnet();
        let twin = b.subnet(ids.vnet, "twin", "10.10.1.0/28");
        let found = findings(&b.finish(), "subnet-overlap");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, twin]);
    }

    #[test]
    fn one_finding_per_pair_inside_a_large_subnet() {
        let (mut b, ids) = hsm_vnet();
        // A /16 subnet covering the whole VNet, added last: it overlaps both others, and
        // neither it nor they can move anywhere.
        let all = b.subnet(ids.vnet, "everything", "10.10.0.0/16");
        let found = findings(&b.finish(), "subnet-overlap");
        assert_eq!(found.len(), 2, "{found:?}");
        // In address order: 10.10.1.0/28 before 10.10.255.0/27.
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, all]);
        assert_eq!(found[1].elements, vec![ids.gateway_subnet, all]);
        assert!(found.iter().all(|f| f.fix.is_none()));
        assert!(
            found[0].message.contains("add address space"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn when_the_later_subnet_cannot_move_the_earlier_one_does() {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).address_space.push(net("10.20.0.0/24"));
        b.subnet(ids.vnet, "everything", "10.10.0.0/16");
        let design = b.finish();
        let found = findings(&design, "subnet-overlap");
        let hsm_pair = found
            .iter()
            .position(|f| f.elements[0] == ids.hsm_subnet)
            .unwrap();
        let fix = found[hsm_pair].fix.as_ref().expect("a fix");
        assert!(fix.label.contains("'hsm-subnet'"), "{}", fix.label);
        let fixed = design.apply(&fix.edit).unwrap();
        assert_eq!(
            fixed.subnet(ids.hsm_subnet).unwrap().1.prefix,
            net("10.20.0.0/28")
        );
        assert_eq!(
            fixed.hsm(ids.hsm1).unwrap().private_ip,
            Some(ip("10.20.0.4"))
        );
        assert_eq!(
            fixed.hsm(ids.hsm2).unwrap().private_ip,
            Some(ip("10.20.0.5"))
        );
        let left = findings(&fixed, "subnet-overlap");
        assert_eq!(left.len(), 1, "the GatewaySubnet pair remains");
        assert_eq!(left[0].elements[0], ids.gateway_subnet);
    }

    #[test]
    fn a_non_canonical_prefix_is_compared_by_its_network() {
        let (mut b, ids) = hsm_vnet();
        b.subnet(ids.vnet, "sloppy", "10.10.1.9/28");
        assert_eq!(findings(&b.finish(), "subnet-overlap").len(), 1);
    }

    #[test]
    fn passes_adjacent_subnets_and_subnets_of_different_vnets() {
        let (mut b, ids) = hsm_vnet();
        b.subnet(ids.vnet, "next", "10.10.1.16/28");
        b.subnet(ids.vnet, "before", "10.10.0.240/28");
        let other = b.vnet(ids.region, "other", &["10.10.0.0/16"]);
        b.subnet(other, "same-range", "10.10.1.0/28");
        assert!(findings(&b.finish(), "subnet-overlap").is_empty());
    }

    #[test]
    fn many_disjoint_subnets_are_quiet_and_a_late_overlap_is_found() {
        let (mut b, ids) = hsm_vnet();
        for i in 0..200u32 {
            b.subnet(
                ids.vnet,
                &format!("s{i}"),
                &format!("10.10.{}.{}/28", 2 + i / 16, (i % 16) * 16),
            );
        }
        assert!(findings(&b.design.clone(), "subnet-overlap").is_empty());
        let late = b.subnet(ids.vnet, "late", "10.10.5.32/27");
        let found = findings(&b.finish(), "subnet-overlap");
        assert_eq!(found.len(), 2, "overlaps two /28s");
        assert!(found.iter().all(|f| f.elements[1] == late));
    }

    #[test]
    fn many_overlapping_pairs_are_listed_up_to_100_and_the_rest_counted() {
        let (mut b, ids) = hsm_vnet();
        for i in 0..150 {
            b.subnet(ids.vnet, &format!("twin{i}"), "10.10.1.0/28");
        }
        let found = findings(&b.finish(), "subnet-overlap");
        assert_eq!(found.len(), 101, "100 listed and one count");
        assert!(found[..100]
            .iter()
            .all(|f| f.elements[0] == ids.hsm_subnet && f.fix.is_some()));
        assert!(found[0].message.contains("'twin0'"), "{}", found[0].message);
        assert!(
            found[99].message.contains("'twin99'"),
            "{}",
            found[99].message
        );
        assert_eq!(
            found[100].message,
            "50 more overlapping pairs of subnets are not listed, in VNet 'hsm-vnet'; fix the \
             ones above and check again to see them"
        );
        assert_eq!(found[100].elements, vec![ids.vnet]);
        assert!(found[100].fix.is_none());
    }
}
