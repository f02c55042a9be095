//! `subnet-in-vnet`: every subnet lies inside its VNet's address space.

use super::fixes::relocate;
use super::{Context, Finding, Rule, Severity};
use crate::addressing::next_free_prefix;

pub static RULE: Rule = Rule {
    name: "subnet-in-vnet",
    severities: &[Severity::Error],
    summary: "Every subnet's prefix lies inside one of its VNet's address spaces.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each subnet's prefix is contained, whole, in one of the address-space prefixes \
                 of the VNet that holds it. A subnet that straddles two adjacent address spaces \
                 is outside both.",
        why: "Azure carves subnets out of the VNet's address space: a subnet prefix that is not \
              inside it is refused when the VNet is deployed, and nothing in the subnet can be \
              created.",
        fix: "Give the subnet a prefix inside the VNet's address space, or add address space to \
              the VNet. The one-click fix moves the subnet to the first free prefix of the same \
              size inside the VNet, and moves addresses pinned in it (HSMs, NVAs, load balancer \
              frontends) to the same position in the new prefix.",
        source: "Azure Virtual Network FAQ, address ranges and subnets; networking \
                 considerations, 'Subnets'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for vnet in &cx.design.vnets {
        for subnet in &vnet.subnets {
            let prefix = subnet.prefix.trunc();
            if vnet
                .address_space
                .iter()
                .any(|s| s.trunc().contains(&prefix))
            {
                continue;
            }
            let space = if vnet.address_space.is_empty() {
                "no address space".to_string()
            } else {
                let list: Vec<String> = vnet.address_space.iter().map(|s| s.to_string()).collect();
                format!("address space {}", list.join(", "))
            };
            let target = next_free_prefix(vnet, prefix.prefix_len(), Some(subnet));
            let advice = match target {
                Some(t) => format!("move it, for example to {t}, or widen the VNet"),
                None => "add address space to the VNet that covers it".to_string(),
            };
            let mut finding = Finding::of(
                &RULE,
                format!(
                    "subnet {} ({}) lies outside VNet {}, which has {space}; {advice}",
                    cx.name(subnet.id),
                    subnet.prefix,
                    cx.name(vnet.id)
                ),
                vec![subnet.id, vnet.id],
            );
            if let Some(t) = target {
                finding = finding.with_fix(
                    format!("Move the subnet to {t}"),
                    relocate(cx, vnet.id, subnet, t),
                );
            }
            out.push(finding);
        }
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
}
