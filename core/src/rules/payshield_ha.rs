//! `payshield-ha`: payment HSMs come in pairs on two stamps in a region, and a second region
//! holds payment HSMs for disaster recovery. (`ha-pair`, `ha-stamps` and `ha-regions` are about
//! Luna HA groups of Dedicated HSMs and leave payment HSMs to this rule.)
//!
//! Fixes: a lone payment HSM gets a partner on the other stamp in its subnet (as `ha-pair`
//! adds one), and of HSMs all on one stamp the last moves to the other. A missing second
//! region has no fix: disaster recovery there is a whole second stack (a VNet in a region
//! offering Payment HSM, its delegated subnet, HSMs, the application and the connectivity the
//! customer chooses, ExpressRoute or VPN), a design decision rather than an edit to derive.

use super::fixes::partner;
use super::select::{hsms_by_region, other_stamp, stamp_key};
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "payshield-ha",
    severities: &[Severity::Warning],
    summary: "Payment HSMs: two in each region on two different stamps, and payment HSMs in a \
              second region for disaster recovery.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For the payment HSMs (payShield SKUs) of each region: at least two, not all on \
                 one stamp; and payment HSMs in at least two regions.",
        why: "Microsoft deploys payment HSMs in stamps: a customer needs two HSMs in a region \
              from two separate stamps for high availability, and HSMs in another region for \
              disaster recovery (switching the whole application stack over). Without a high \
              availability setup in production, Microsoft does not give Severity A support. The \
              payShields are stateless servers: the payment application balances across them \
              itself.",
        fix: "Add a payment HSM on the other stamp in the region (same SKU, same subnet), and \
              deploy a pair in a second region with its own application stack. The one-click \
              fixes add the partner (when the subnet has room) or move one HSM to the other \
              stamp; the second region is left to you.",
        source: "Azure Payment HSM deployment scenarios (payment-hsm/deployment-scenarios.md): \
                 'High availability deployment', 'Disaster recovery deployment'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let groups = hsms_by_region(cx, true);
    for group in &groups {
        let ids: Vec<Id> = group.hsms.iter().map(|h| h.id).collect();
        let region = cx.name(group.region);
        let mut elements = ids.clone();
        elements.push(group.region);
        if ids.len() < 2 {
            let finding = Finding::of(
                &RULE,
                format!(
                    "{} is the only payment HSM in {region}: add a second one on the other \
                     stamp for high availability",
                    cx.name(ids[0])
                ),
                elements,
            );
            out.push(match partner(cx, group.hsms[0]) {
                Some((label, edit)) => finding.with_fix(label, edit),
                None => finding,
            });
            continue;
        }
        let first = stamp_key(&group.hsms[0].stamp);
        if group.hsms.iter().all(|h| stamp_key(&h.stamp) == first) {
            let last = group.hsms[group.hsms.len() - 1];
            let mut moved = last.clone();
            moved.stamp = other_stamp(&last.stamp).to_string();
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "the {} payment HSMs in {region} all sit on {first}: one stamp failure \
                         takes them all; put one on the other stamp",
                        ids.len()
                    ),
                    elements,
                )
                .with_fix(
                    format!("Move {} to {}", cx.name(last.id), moved.stamp),
                    Edit::Replace(Element::Hsm(moved)),
                ),
            );
        }
    }
    if groups.len() == 1 {
        let group = &groups[0];
        out.push(Finding::of(
            &RULE,
            format!(
                "every payment HSM is in {}: add payment HSMs in a second region for disaster \
                 recovery",
                cx.name(group.region)
            ),
            vec![group.region],
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    #[test]
    fn one_region_one_hsm_or_one_stamp_trips() {
        let design = build("payment-hsm", &Size::default()).unwrap();
        let found = findings(&design, "payshield-ha");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("second region"));

        let mut design = build("payment-hsm-multi-vnet", &Size::default()).unwrap();
        design.hsms[1].stamp = design.hsms[0].stamp.clone();
        let found = findings(&design, "payshield-ha");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("all sit on stamp1"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "payshield-ha");
        assert!(findings(&fixed, "payshield-ha").is_empty());

        let mut design = build("payment-hsm-multi-vnet", &Size::default()).unwrap();
        let gone = design.hsms[0].id;
        design = design.apply(&crate::edit::Edit::Remove(gone)).unwrap();
        let found = findings(&design, "payshield-ha");
        assert!(
            found[0].message.contains("the only payment HSM"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "payshield-ha");
        assert_eq!(fixed.hsms.len(), design.hsms.len() + 1);
        let added = fixed.hsms.last().unwrap();
        assert!(added.is_payment(), "the partner is a payment HSM");
        assert!(findings(&fixed, "payshield-ha").is_empty());
        // The second region is a design decision: no fix.
        let design = build("payment-hsm", &Size::default()).unwrap();
        assert!(findings(&design, "payshield-ha")[0].fix.is_none());
    }

    #[test]
    fn quiet_on_two_regions_of_pairs_and_for_dedicated_hsms() {
        let design = build("payment-hsm-multi-vnet", &Size::default()).unwrap();
        assert!(findings(&design, "payshield-ha").is_empty());
        let design = build("single-vnet", &Size::default()).unwrap();
        assert!(findings(&design, "payshield-ha").is_empty());
        // Luna's HA rules leave the payment HSMs alone.
        let design = build("payment-hsm", &Size::default()).unwrap();
        for rule in ["ha-pair", "ha-stamps", "ha-regions"] {
            assert!(findings(&design, rule).is_empty(), "{rule}");
        }
    }
}
