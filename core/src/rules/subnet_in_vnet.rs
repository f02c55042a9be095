//! `subnet-in-vnet`: every subnet lies inside its VNet's address space.

use super::fixes::relocate;
use super::wording::some_names;
use super::{Context, Finding, Rule, Severity};
use crate::addressing::{FreeSpace, PrefixIndex};
use crate::model::{Id, Subnet, Vnet};

pub static RULE: Rule = Rule {
    name: "subnet-in-vnet",
    severities: &[Severity::Error],
    summary: "Every subnet's prefix lies inside one of its VNet's address spaces.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each subnet's prefix is contained, whole, in one of the address-space prefixes \
                 of the VNet that holds it. A subnet that straddles two adjacent address spaces \
                 is outside both. The first 100 subnets outside are listed with their fixes; one \
                 more finding counts the rest and selects their VNets.",
        why: "Azure carves subnets out of the VNet's address space: a subnet prefix that is not \
              inside it is refused when the VNet is deployed, and nothing in the subnet can be \
              created.",
        fix: "Give the subnet a prefix inside the VNet's address space, or add address space to \
              the VNet. The one-click fix moves the subnet to the first free prefix of the same \
              size inside the VNet, and moves addresses pinned in it (HSMs, NVAs, load balancer \
              frontends) to the same position in the new prefix. When the findings stop at 100, \
              fix those and check again to see the rest.",
        source: "Azure Virtual Network FAQ, address ranges and subnets; networking \
                 considerations, 'Subnets'.",
    },
    check,
};

/// At most this many subnets are listed (each with its fix); one more finding counts the rest.
const LISTED: usize = 100;
/// A finding quotes at most this many of the VNet's address-space prefixes.
const QUOTED: usize = 5;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let (mut listed, mut more) = (0, 0);
    // The VNets of the subnets not listed.
    let mut rest: Vec<Id> = Vec::new();
    for vnet in &cx.design.vnets {
        if vnet.subnets.is_empty() {
            continue;
        }
        // A VNet with many address-space prefixes gets an index: each subnet is then looked
        // up in O(log n), not against every prefix. A few prefixes are scanned.
        let few = vnet.address_space.len() <= 16;
        let space = (!few).then(|| PrefixIndex::new(&vnet.address_space));
        let covered = |prefix: &ipnet::Ipv4Net| match &space {
            Some(space) => space.covers(prefix),
            None => vnet.address_space.iter().any(|s| s.contains(prefix)),
        };
        let mut free: Option<FreeSpace> = None;
        for subnet in &vnet.subnets {
            if covered(&subnet.prefix) {
                continue;
            }
            if listed < LISTED {
                let free = free.get_or_insert_with(|| FreeSpace::new(vnet));
                out.push(outside(cx, vnet, free, subnet));
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
                "{more} more subnets lie outside their VNet's address space and are not listed, \
                 in {noun} {}; fix the ones above and check again to see them",
                vnets
            ),
            rest,
        ));
    }
}

/// The finding for `subnet`, outside `vnet`'s address space.
fn outside(cx: &Context, vnet: &Vnet, free: &FreeSpace, subnet: &Subnet) -> Finding {
    let prefix = subnet.prefix.trunc();
    let space = if vnet.address_space.is_empty() {
        "no address space".to_string()
    } else {
        let list: Vec<String> = vnet
            .address_space
            .iter()
            .take(QUOTED)
            .map(|s| s.to_string())
            .collect();
        match vnet.address_space.len() - list.len() {
            0 => format!("address space {}", list.join(", ")),
            more => format!("address space {} and {more} more", list.join(", ")),
        }
    };
    let target = free.next_free_prefix(prefix.prefix_len(), Some(subnet));
    let advice = match target {
        Some(t) => format!("move it, for example to {t}, or widen the VNet"),
        None => "add address space to the VNet that covers it".to_string(),
    };
    let finding = Finding::of(
        &RULE,
        format!(
            "subnet {} ({}) lies outside VNet {}, which has {space}; {advice}",
            cx.name(subnet.id),
            subnet.prefix,
            cx.name(vnet.id)
        ),
        vec![subnet.id, vnet.id],
    );
    match target {
        Some(t) => finding.with_fix(
            format!("Move the subnet to {t}"),
            relocate(cx, vnet.id, subnet, t),
        ),
        None => finding,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{ip, net};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_a_subnet_outside_the_space_and_the_fix_moves_it_with_its_pins() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.11.1.0/28");
        b.hsm_mut(ids.hsm1).private_ip = Some(ip("10.11.1.4"));
        b.hsm_mut(ids.hsm2).private_ip = Some(ip("10.11.1.9"));
        // A payShield's further host address moves with the subnet too.
        b.hsm_mut(ids.hsm2).sku = crate::azure::offered::PAYSHIELD_SKUS[0].into();
        b.hsm_mut(ids.hsm2).more_host_ips = vec![ip("10.11.1.10")];
        let design = b.finish();
        let found = findings(&design, "subnet-in-vnet");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, ids.vnet]);
        assert!(
            found[0].message.contains("10.10.0.0/16"),
            "{}",
            found[0].message
        );

        let fixed = apply_first_fix(&design, "subnet-in-vnet");
        assert!(findings(&fixed, "subnet-in-vnet").is_empty());
        let (_, moved) = fixed.subnet(ids.hsm_subnet).unwrap();
        assert_eq!(
            moved.prefix,
            net("10.10.0.0/28"),
            "first free /28 of the VNet"
        );
        assert_eq!(
            fixed.hsm(ids.hsm1).unwrap().private_ip,
            Some(ip("10.10.0.4"))
        );
        assert_eq!(
            fixed.hsm(ids.hsm2).unwrap().private_ip,
            Some(ip("10.10.0.9"))
        );
        assert_eq!(
            fixed.hsm(ids.hsm2).unwrap().more_host_ips,
            vec![ip("10.10.0.10")]
        );
        assert!(findings(&fixed, "subnet-overlap").is_empty());
        assert!(findings(&fixed, "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn a_subnet_straddling_two_spaces_is_outside_both() {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).address_space = vec![net("10.10.0.0/24"), net("10.10.1.0/24")];
        b.subnet_mut(ids.gateway_subnet).prefix = net("10.10.0.0/27");
        let wide = b.subnet(ids.vnet, "wide", "10.10.0.0/23");
        let found = findings(&b.finish(), "subnet-in-vnet");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[0], wide);
        assert!(found[0].fix.is_none(), "no /23 fits in two /24 spaces");
    }

    #[test]
    fn a_vnet_without_address_space_has_every_subnet_outside() {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).address_space.clear();
        let found = findings(&b.finish(), "subnet-in-vnet");
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.fix.is_none()));
        assert!(
            found[0].message.contains("no address space"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn passes_subnets_inside_and_a_non_canonical_one_inside() {
        let (mut b, ids) = hsm_vnet();
        b.subnet(ids.vnet, "apps", "10.10.2.7/24");
        assert!(findings(&b.finish(), "subnet-in-vnet").is_empty());
    }

    #[test]
    fn many_subnets_outside_are_listed_up_to_100_and_the_rest_counted() {
        let (mut b, ids) = hsm_vnet();
        let mut vnets = Vec::new();
        for v in 0..30 {
            let vnet = b.vnet(ids.region, &format!("v{v}"), &["10.20.0.0/24"]);
            for s in 0..5 {
                b.subnet(vnet, &format!("s{s}"), &format!("10.30.{s}.0/24"));
            }
            vnets.push(vnet);
        }
        let found = findings(&b.finish(), "subnet-in-vnet");
        assert_eq!(found.len(), 101, "100 listed and one count");
        assert_eq!(found[0].elements[1], vnets[0]);
        assert_eq!(found[99].elements[1], vnets[19]);
        assert!(found[..100].iter().all(|f| f.fix.is_some()));
        assert_eq!(
            found[100].message,
            "50 more subnets lie outside their VNet's address space and are not listed, in VNets \
             'v20', 'v21', 'v22' and 7 more; fix the ones above and check again to see them"
        );
        assert_eq!(found[100].elements, vnets[20..]);
    }

    #[test]
    fn a_long_address_space_is_quoted_in_part() {
        let (mut b, ids) = hsm_vnet();
        let spaces: Vec<String> = (20..28).map(|i| format!("10.{i}.0.0/16")).collect();
        b.vnet_mut(ids.vnet)
            .address_space
            .extend(spaces.iter().map(|s| net(s)));
        let outside = b.subnet(ids.vnet, "outside", "10.30.0.0/24");
        let found = findings(&b.finish(), "subnet-in-vnet");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[0], outside);
        assert!(
            found[0].message.contains(
                "which has address space 10.10.0.0/16, 10.20.0.0/16, 10.21.0.0/16, \
                 10.22.0.0/16, 10.23.0.0/16 and 4 more;"
            ),
            "{}",
            found[0].message
        );
    }
}
