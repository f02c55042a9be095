//! `hsm-quota`: no more HSMs per stamp or per region than the default quota allows.

use super::select::{hsms_by_region, other_stamp, stamp_key};
use super::wording::names;
use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::{HSMS_PER_REGION, HSMS_PER_STAMP, HSM_STAMPS};
use crate::edit::{Edit, Element};
use crate::model::{Hsm, Id};

pub static RULE: Rule = Rule {
    name: "hsm-quota",
    severities: &[Severity::Warning],
    summary: "At most 2 HSMs per stamp and 4 per region, the default Dedicated HSM quota.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Counts the HSMs of each region, and of each stamp within a region, against \
                 the default subscription quota: two per stamp, four per region.",
        why: "Deployments beyond the quota fail. The limit can be raised by a request to \
              Microsoft, or the HSMs spread over more than one subscription, but a design that \
              assumes more without either will not deploy as drawn.",
        fix: "Keep to two HSMs per stamp and four per region, or plan a quota increase (or a \
              second subscription) before deploying. When one stamp is over and the other has \
              room, the one-click fix moves an HSM across.",
        source: "Dedicated HSM troubleshooting, 'Deployment failure based on quota / \
                 capacity'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Dedicated and payment HSMs each have their quota (two per stamp in a region, for payment
    // HSMs too: payment-hsm/deployment-scenarios.md).
    let groups = hsms_by_region(cx, false).into_iter();
    for group in groups.chain(hsms_by_region(cx, true)) {
        // Per stamp, in order of first appearance.
        let mut stamps: Vec<(String, Vec<&Hsm>)> = Vec::new();
        for hsm in &group.hsms {
            let key = stamp_key(&hsm.stamp);
            match stamps.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(hsm),
                None => stamps.push((key, vec![hsm])),
            }
        }
        for (stamp, hsms) in &stamps {
            if hsms.len() <= HSMS_PER_STAMP {
                continue;
            }
            let ids: Vec<Id> = hsms.iter().map(|h| h.id).collect();
            let message = format!(
                "{} HSMs on {} in {} ({}) exceed the default quota of {HSMS_PER_STAMP} per stamp; \
                 the deployment fails unless the quota is raised or some move to the other stamp",
                ids.len(),
                hsms[0].stamp,
                cx.name(group.region),
                names(cx, &ids),
            );
            let mut elements = ids;
            elements.push(group.region);
            let mut finding = Finding::of(&RULE, message, elements);
            let other = other_stamp(stamp);
            let room = stamps
                .iter()
                .find(|(k, _)| k == other)
                .map_or(0, |(_, list)| list.len())
                < HSMS_PER_STAMP;
            if room && HSM_STAMPS.contains(&stamp.as_str()) {
                if let Some(last) = hsms.last() {
                    let mut moved = (*last).clone();
                    moved.stamp = other.to_string();
                    finding = finding.with_fix(
                        format!("Move {} to {other}", cx.name(last.id)),
                        Edit::Replace(Element::Hsm(moved)),
                    );
                }
            }
            out.push(finding);
        }
        if group.hsms.len() > HSMS_PER_REGION {
            let ids: Vec<Id> = group.hsms.iter().map(|h| h.id).collect();
            let message = format!(
                "{} HSMs in {} exceed the default quota of {HSMS_PER_REGION} per region; the \
                 deployment fails unless Microsoft raises the quota or the HSMs are spread \
                 over more than one subscription",
                ids.len(),
                cx.name(group.region),
            );
            let mut elements = ids;
            elements.push(group.region);
            out.push(Finding::of(&RULE, message, elements));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "hsm-quota";

    #[test]
    fn three_hsms_on_one_stamp_are_flagged_and_one_moves_to_the_free_stamp() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm2).stamp = "stamp1".into();
        let third = b.hsm(ids.hsm_subnet, "hsm3", "stamp1", Some("10.10.1.6"));
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].elements,
            vec![ids.hsm1, ids.hsm2, third, ids.region]
        );
        assert!(
            found[0].message.starts_with("3 HSMs on stamp1"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.hsm(third).unwrap().stamp, "stamp2");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn five_hsms_in_a_region_exceed_the_regional_quota_without_a_fix() {
        let (mut b, ids) = hsm_vnet();
        for (n, stamp) in ["stamp1", "stamp2", "stamp2"].iter().enumerate() {
            b.hsm(ids.hsm_subnet, &format!("x{n}"), stamp, None);
        }
        let found = findings(&b.finish(), RULE);
        // 2 on stamp1, 3 on stamp2 (over, and stamp1 is full), 5 in the region (over).
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].message.starts_with("3 HSMs on stamp2"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none(), "stamp1 has no room");
        assert!(
            found[1].message.contains("quota of 4 per region"),
            "{}",
            found[1].message
        );
        assert!(found[1].fix.is_none());
        assert_eq!(found[1].elements.len(), 6);
    }

    #[test]
    fn four_hsms_two_per_stamp_pass() {
        let (mut b, ids) = hsm_vnet();
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", None);
        b.hsm(ids.hsm_subnet, "hsm4", "stamp2", None);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn quotas_count_per_region() {
        let (mut b, ids) = hsm_vnet();
        let north = b.region("northeurope");
        let vnet = b.vnet(north, "hsm-ne", &["10.11.0.0/16"]);
        let subnet = b.hsm_subnet(vnet, "hsm-subnet", "10.11.1.0/28");
        for n in 0..2 {
            b.hsm(subnet, &format!("ne{n}"), "stamp1", None);
        }
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", None);
        // West Europe: 2 on stamp1; North Europe: 2 on stamp1. Nothing over.
        assert!(findings(&b.finish(), RULE).is_empty());
    }
}
