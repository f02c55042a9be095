//! `ha-pair`: at least two HSMs in every region that has HSMs.

use super::fixes::partner;
use super::select::hsms_by_region;
use super::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "ha-pair",
    severities: &[Severity::Warning],
    summary: "Every region with HSMs has at least two, so they can form a Luna HA group.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Counts the HSMs per Azure region (the location of each HSM's VNet) and flags a \
                 region that has exactly one.",
        why: "A single HSM is a single point of failure: when it fails, is serviced or its \
              stamp goes down, every key it holds is unavailable. Two HSMs joined in a Luna HA \
              group keep serving while one is away, and the client library fails over by \
              itself.",
        fix: "Add a second HSM in the same region, on the other stamp. The one-click fix adds \
              it to the first HSM's subnet when the subnet has a free address.",
        source: "Dedicated HSM deployment architecture, 'High availability'; Dedicated HSM \
                 high availability; Networking considerations, 'Connecting across Azure \
                 Regions'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for group in hsms_by_region(cx, false) {
        let [hsm] = group.hsms.as_slice() else {
            continue;
        };
        let message = format!(
            "{} is the only HSM in {}; add a second HSM there, on the other stamp, so the two \
             can form a Luna HA group and the keys stay available when one is down",
            cx.name(hsm.id),
            cx.name(group.region)
        );
        let mut finding = Finding::of(&RULE, message, vec![hsm.id, group.region]);
        if let Some((label, edit)) = partner(cx, hsm) {
            finding = finding.with_fix(label, edit);
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::ip;
    use crate::rules::testing::*;

    const RULE: &str = "ha-pair";

    #[test]
    fn a_region_with_one_hsm_is_flagged_and_the_fix_adds_a_partner_on_the_other_stamp() {
        let (mut b, ids) = hsm_vnet();
        b.design.hsms.retain(|h| h.id != ids.hsm2);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm1, ids.region]);
        assert!(
            found[0]
                .message
                .contains("'hsm1' is the only HSM in 'West Europe'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.hsms.len(), 2);
        let added = &fixed.hsms[1];
        assert_eq!(added.name, "hsm2");
        assert_eq!(added.stamp, "stamp2");
        assert_eq!(added.subnet, ids.hsm_subnet);
        assert_eq!(
            added.private_ip,
            Some(ip("10.10.1.5")),
            "the next free address after hsm1"
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn passes_a_pair_and_counts_per_region() {
        let (mut b, ids) = hsm_vnet();
        assert!(findings(&b.design, RULE).is_empty());
        // A second region with a single HSM is flagged on its own.
        let north = b.region("northeurope");
        let vnet = b.vnet(north, "hsm-ne", &["10.11.0.0/16"]);
        let subnet = b.hsm_subnet(vnet, "hsm-subnet", "10.11.1.0/29");
        let lone = b.hsm(subnet, "hsm-ne-1", "stamp1", None);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![lone, north]);
        let _ = ids;
    }

    #[test]
    fn no_fix_when_the_subnet_is_full() {
        let (mut b, ids) = hsm_vnet();
        b.design.hsms.retain(|h| h.id != ids.hsm2);
        // A /29 has three usable addresses; a payShield HSM with a management NIC takes two.
        b.subnet_mut(ids.hsm_subnet).prefix = crate::model::builder::net("10.10.1.0/30");
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn the_partner_without_a_fixed_address_gets_none() {
        let (mut b, ids) = hsm_vnet();
        b.design.hsms.retain(|h| h.id != ids.hsm2);
        b.hsm_mut(ids.hsm1).private_ip = None;
        let fixed = apply_first_fix(&b.finish(), RULE);
        assert_eq!(fixed.hsms[1].private_ip, None);
    }

    #[test]
    fn the_partner_takes_a_name_free_in_any_letter_case_and_sits_in_the_subnet() {
        let (mut b, ids) = hsm_vnet();
        b.design.hsms.retain(|h| h.id != ids.hsm2);
        b.subnet_mut(ids.hsm_subnet).name = "HSM2".into();
        let design = b.finish();
        let found = findings(&design, RULE);
        let label = &found[0].fix.as_ref().unwrap().label;
        assert_eq!(label, "Add HSM 'hsm3' on stamp2 beside 'hsm1'");
        let fixed = apply_first_fix(&design, RULE);
        let added = &fixed.hsms[1];
        assert_eq!(added.name, "hsm3", "HSM2 is taken, whatever its case");
        let (_, subnet) = fixed.subnet(ids.hsm_subnet).unwrap();
        assert!(subnet.layout.contains(added.layout), "{subnet:?} {added:?}");
    }
}
