//! `ha-stamps`: the HSMs of a region do not all sit on one stamp.

use super::select::{hsms_by_region, other_stamp, stamp_key};
use super::wording::names;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "ha-stamps",
    severities: &[Severity::Warning],
    summary: "The HSMs of one region are spread over both stamps (stamp1 and stamp2).",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each region with two or more HSMs, whether they all name the same stamp.",
        why: "A stamp is a separate set of HSM hardware in the region's datacentre. An HA \
              group whose members share one stamp is lost with that stamp, so the pair gives \
              no protection against the failure it exists for.",
        fix: "Put the HSMs of a region on different stamps (stamp1 and stamp2). The one-click \
              fix moves the last HSM of the region to the other stamp.",
        source: "Dedicated HSM CLI deployment tutorial, the stampId parameters; Dedicated HSM \
                 high availability.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for group in hsms_by_region(cx, false) {
        let [first, .., last] = group.hsms.as_slice() else {
            continue;
        };
        let stamp = stamp_key(&first.stamp);
        if group.hsms.iter().any(|h| stamp_key(&h.stamp) != stamp) {
            continue;
        }
        let ids: Vec<Id> = group.hsms.iter().map(|h| h.id).collect();
        let other = other_stamp(&stamp);
        let message = format!(
            "all {} HSMs in {} ({}) sit on {}, so one stamp failure takes the whole HA group \
             down; move one of them to {other}",
            ids.len(),
            cx.name(group.region),
            names(cx, &ids),
            if first.stamp.trim().is_empty() {
                "no named stamp"
            } else {
                first.stamp.as_str()
            },
        );
        let mut moved = (*last).clone();
        moved.stamp = other.to_string();
        let mut elements = ids;
        elements.push(group.region);
        out.push(Finding::of(&RULE, message, elements).with_fix(
            format!("Move {} to {other}", cx.name(last.id)),
            Edit::Replace(Element::Hsm(moved)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "ha-stamps";

    #[test]
    fn a_pair_on_one_stamp_is_flagged_and_the_fix_moves_one() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm2).stamp = "stamp1".into();
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm1, ids.hsm2, ids.region]);
        assert!(
            found[0].message.contains("sit on stamp1"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("to stamp2"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.hsm(ids.hsm2).unwrap().stamp, "stamp2");
        assert_eq!(fixed.hsm(ids.hsm1).unwrap().stamp, "stamp1");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_pair_on_stamp2_moves_to_stamp1() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).stamp = "Stamp2".into();
        let fixed = apply_first_fix(&b.finish(), RULE);
        assert_eq!(fixed.hsm(ids.hsm2).unwrap().stamp, "stamp1");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn passes_a_pair_on_two_stamps_and_a_single_hsm() {
        let (mut b, ids) = hsm_vnet();
        assert!(findings(&b.design, RULE).is_empty());
        b.design.hsms.retain(|h| h.id != ids.hsm2);
        assert!(
            findings(&b.finish(), RULE).is_empty(),
            "a lone HSM is ha-pair's concern"
        );
    }

    #[test]
    fn regions_are_judged_apart() {
        let (mut b, ids) = hsm_vnet();
        let north = b.region("northeurope");
        let vnet = b.vnet(north, "hsm-ne", &["10.11.0.0/16"]);
        let subnet = b.hsm_subnet(vnet, "hsm-subnet", "10.11.1.0/28");
        // One stamp1 HSM in North Europe does not pair with West Europe's stamp2 HSM.
        b.hsm(subnet, "ne1", "stamp1", None);
        b.hsm(subnet, "ne2", "stamp1", None);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("'North Europe'"),
            "{}",
            found[0].message
        );
        let _ = ids;
    }
}
