//! `hsm-subnet-capacity`: an HSM subnet has an address for every HSM NIC in it.

use super::fixes::{grown_in_place, relocate};
use super::{Context, Finding, Rule, Severity};
use crate::addressing::{next_free_prefix, usable_addresses};
use crate::azure::addresses::RESERVED_PER_SUBNET;
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt};
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "hsm-subnet-capacity",
    severities: &[Severity::Error],
    summary: "An HSM subnet has enough usable addresses for all the HSM NICs placed in it.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each subnet holding HSMs, the usable addresses, 2^(32 - prefix length) \
                 minus the 5 Azure reserves, cover the NICs of its HSMs: one per HSM, two for a \
                 payShield HSM with a management NIC. The smallest subnet that holds anything \
                 is a /29, with 3 usable addresses.",
        why: "Each HSM takes a private address from its subnet when it is deployed, and Azure \
              keeps the first four and the last address of every subnet for itself. When the \
              subnet runs out, the next HSM deployment fails.",
        fix: "Give the subnet a larger prefix. The one-click fix grows it in place to the \
              smallest sufficient prefix that contains the current one, which keeps pinned \
              addresses valid; when that would overlap another subnet or leave the VNet, it moves \
              the subnet to the first free prefix of that size and moves pinned HSM addresses \
              with it.",
        source: "Networking considerations, 'Subnets' (each HSM consumes one private IP); \
                 Azure Virtual Network FAQ on the five reserved addresses per subnet.",
    },
    check,
};

/// The longest prefix length whose subnet has at least `needed` usable addresses.
fn length_for(needed: u64) -> Option<u8> {
    (0..=32u8)
        .rev()
        .find(|len| (1u64 << (32 - len)).saturating_sub(RESERVED_PER_SUBNET) >= needed)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // NICs and HSMs per subnet.
    let mut per_subnet: HashMap<Id, (u64, Vec<Id>)> = HashMap::new();
    for hsm in &cx.design.hsms {
        for subnet in hsm.subnets() {
            let entry = per_subnet.entry(subnet).or_default();
            entry.0 += hsm.addresses_in(subnet) as u64;
            entry.1.push(hsm.id);
        }
    }
    if per_subnet.is_empty() {
        return;
    }
    for vnet in &cx.design.vnets {
        for subnet in &vnet.subnets {
            let Some((needed, hsms)) = per_subnet.get(&subnet.id) else {
                continue;
            };
            let usable = usable_addresses(&subnet.prefix);
            if *needed <= usable {
                continue;
            }
            let names: Vec<String> = hsms.iter().map(|h| cx.name(*h)).collect();
            let mut elements = vec![subnet.id];
            elements.extend_from_slice(hsms);
            let len = length_for(*needed);
            let mut message = format!(
                "HSM subnet {} ({}) has {usable} usable addresses (Azure reserves 5) but its \
                 HSMs {} need {needed}",
                cx.name(subnet.id),
                subnet.prefix,
                names.join(", "),
            );
            let fix = len.and_then(|len| {
                if let Some(grown) = grown_in_place(vnet, subnet, len) {
                    let mut wider = subnet.clone();
                    wider.prefix = grown;
                    return Some((
                        format!("Grow the subnet to {grown}"),
                        Edit::Replace(Element::Subnet {
                            vnet: vnet.id,
                            subnet: wider,
                        }),
                    ));
                }
                let elsewhere = next_free_prefix(vnet, len, Some(subnet))?;
                Some((
                    format!("Move the subnet to {elsewhere} and re-pin its HSM addresses"),
                    relocate(cx, vnet.id, subnet, elsewhere),
                ))
            });
            match (len, &fix) {
                (Some(len), Some(_)) => message.push_str(&format!("; make it a /{len} or larger")),
                (Some(len), None) => message.push_str(&format!(
                    "; a /{len} is needed and VNet {} has no free room for one: add address space",
                    cx.name(vnet.id)
                )),
                (None, _) => message.push_str("; no subnet is that large: spread the HSMs"),
            }
            let mut finding = Finding::of(&RULE, message, elements);
            if let Some((label, edit)) = fix {
                finding = finding.with_fix(label, edit);
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::length_for;
    use crate::azure::offered::PAYSHIELD_SKUS;
    use crate::model::builder::{ip, net};
    use crate::rules::testing::*;

    #[test]
    fn prefix_length_for_a_number_of_nics() {
        assert_eq!(length_for(1), Some(29));
        assert_eq!(length_for(3), Some(29));
        assert_eq!(length_for(4), Some(28));
        assert_eq!(length_for(11), Some(28));
        assert_eq!(length_for(12), Some(27));
        assert_eq!(length_for(251), Some(24));
        assert_eq!(length_for(u64::MAX), None);
    }

    #[test]
    fn a_slash_29_holds_three_hsms_but_not_four() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", None);
        assert!(findings(&b.finish(), "hsm-subnet-capacity").is_empty());

        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", None);
        let hsm4 = b.hsm(ids.hsm_subnet, "hsm4", "stamp2", None);
        let found = findings(&b.finish(), "hsm-subnet-capacity");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements.len(), 5);
        assert_eq!(found[0].elements[0], ids.hsm_subnet);
        assert_eq!(found[0].elements[4], hsm4);
        let message = &found[0].message;
        assert!(
            message.contains("3 usable") && message.contains("need 4"),
            "{message}"
        );
    }

    #[test]
    fn a_payshield_hsm_with_a_management_nic_counts_twice() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        b.hsm_mut(ids.hsm1).sku = PAYSHIELD_SKUS[0].to_string();
        b.hsm_mut(ids.hsm1).management_nic = true;
        assert!(
            findings(&b.finish(), "hsm-subnet-capacity").is_empty(),
            "2 + 1 = 3 fits"
        );

        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        for hsm in [ids.hsm1, ids.hsm2] {
            b.hsm_mut(hsm).sku = PAYSHIELD_SKUS[0].to_string();
            b.hsm_mut(hsm).management_nic = true;
        }
        let found = findings(&b.finish(), "hsm-subnet-capacity");
        assert_eq!(found.len(), 1, "2 + 2 = 4 does not fit in 3");
    }

    #[test]
    fn the_fix_grows_the_subnet_in_place_keeping_pins() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", Some("10.10.1.6"));
        b.hsm(ids.hsm_subnet, "hsm4", "stamp2", None);
        let design = b.finish();
        let fixed = apply_first_fix(&design, "hsm-subnet-capacity");
        assert_eq!(
            fixed.subnet(ids.hsm_subnet).unwrap().1.prefix,
            net("10.10.1.0/28")
        );
        assert_eq!(
            fixed.hsm(ids.hsm1).unwrap().private_ip,
            Some(ip("10.10.1.4"))
        );
        assert!(findings(&fixed, "hsm-subnet-capacity").is_empty());
        assert!(findings(&fixed, "hsm-private-ip-valid").is_empty());
        assert!(findings(&fixed, "subnet-overlap").is_empty());
    }

    #[test]
    fn a_subnet_in_the_upper_half_grows_to_the_containing_prefix() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.8/29");
        b.hsm_mut(ids.hsm1).private_ip = Some(ip("10.10.1.12"));
        b.hsm_mut(ids.hsm2).private_ip = Some(ip("10.10.1.13"));
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", None);
        b.hsm(ids.hsm_subnet, "hsm4", "stamp2", None);
        let fixed = apply_first_fix(&b.finish(), "hsm-subnet-capacity");
        assert_eq!(
            fixed.subnet(ids.hsm_subnet).unwrap().1.prefix,
            net("10.10.1.0/28")
        );
        assert!(findings(&fixed, "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn a_blocked_subnet_moves_to_a_free_prefix_and_its_hsms_are_re_pinned() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        b.subnet(ids.vnet, "neighbour", "10.10.1.8/29");
        b.hsm_mut(ids.hsm1).private_ip = Some(ip("10.10.1.4"));
        b.hsm_mut(ids.hsm2).private_ip = Some(ip("10.10.1.6"));
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", None);
        b.hsm(ids.hsm_subnet, "hsm4", "stamp2", None);
        let design = b.finish();
        let found = findings(&design, "hsm-subnet-capacity");
        let label = &found[0].fix.as_ref().unwrap().label;
        assert!(label.contains("10.10.0.0/28"), "{label}");
        let fixed = apply_first_fix(&design, "hsm-subnet-capacity");
        assert_eq!(
            fixed.subnet(ids.hsm_subnet).unwrap().1.prefix,
            net("10.10.0.0/28")
        );
        assert_eq!(
            fixed.hsm(ids.hsm1).unwrap().private_ip,
            Some(ip("10.10.0.4"))
        );
        assert_eq!(
            fixed.hsm(ids.hsm2).unwrap().private_ip,
            Some(ip("10.10.0.6"))
        );
        for rule in [
            "hsm-subnet-capacity",
            "hsm-private-ip-valid",
            "subnet-overlap",
            "subnet-in-vnet",
        ] {
            assert!(findings(&fixed, rule).is_empty(), "{rule}");
        }
    }

    #[test]
    fn a_full_vnet_gets_no_fix() {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).address_space = vec![net("10.10.1.0/29"), net("10.10.255.0/27")];
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", None);
        b.hsm(ids.hsm_subnet, "hsm4", "stamp2", None);
        let found = findings(&b.finish(), "hsm-subnet-capacity");
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert!(
            found[0].message.contains("add address space"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_slash_30_has_no_room_at_all() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/30");
        let found = findings(&b.finish(), "hsm-subnet-capacity");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("0 usable"),
            "{}",
            found[0].message
        );
    }
}
