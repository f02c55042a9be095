//! `service-retiring`: a design that uses Dedicated HSM is told, once, that the service is retiring.

use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::DEDICATED_HSM_SKU;

pub static RULE: Rule = Rule {
    name: "service-retiring",
    severities: &[Severity::Info],
    summary: "Azure Dedicated HSM is retiring: no new customers, support ends on 2028-07-31.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Whether the design places at least one HSM of the Dedicated HSM SKU \
                 (SafeNet Luna Network HSM A790). The note appears once for the whole design, \
                 however many such HSMs it holds; Payment HSMs (payShield) are not concerned.",
        why: "Microsoft no longer onboards new customers to Dedicated HSM and ends its support on \
              2028-07-31. A design made today for a new estate cannot be deployed by a \
              subscription that has not used the service before, and an existing estate has to \
              move before the end date.",
        fix: "Nothing to change in the design. For a new deployment, consider Azure Cloud HSM, \
              the successor service; for an existing one, plan the migration before 2028-07-31.",
        source: "Azure key management overview (security/fundamentals/key-management.md), \
                 'Azure Dedicated HSM (retiring)'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let dedicated: Vec<_> = cx
        .design
        .hsms
        .iter()
        .filter(|h| h.sku == DEDICATED_HSM_SKU)
        .map(|h| h.id)
        .collect();
    if dedicated.is_empty() {
        return;
    }
    let count = match dedicated.len() {
        1 => "1 HSM".to_string(),
        n => format!("{n} HSMs"),
    };
    out.push(Finding::of(
        &RULE,
        format!(
            "this design uses Azure Dedicated HSM ({count}), which is retiring: it accepts no new \
             customers and its support ends on 2028-07-31; plan new work on its successor, \
             Azure Cloud HSM"
        ),
        dedicated,
    ));
}

#[cfg(test)]
mod tests {
    use crate::azure::offered::PAYSHIELD_SKUS;
    use crate::rules::testing::*;
    use crate::rules::Severity;

    #[test]
    fn one_info_per_design_not_per_hsm() {
        let (b, ids) = hsm_vnet();
        let found = findings(&b.finish(), "service-retiring");
        assert_eq!(found.len(), 1, "once per design");
        assert_eq!(found[0].severity, Severity::Info);
        assert_eq!(found[0].elements, vec![ids.hsm1, ids.hsm2]);
        let message = &found[0].message;
        for needle in ["2028-07-31", "Azure Cloud HSM", "no new"] {
            assert!(message.contains(needle), "{needle}: {message}");
        }
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn silent_without_dedicated_hsms() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).sku = PAYSHIELD_SKUS[0].to_string();
        b.hsm_mut(ids.hsm2).sku = PAYSHIELD_SKUS[3].to_string();
        assert!(findings(&b.finish(), "service-retiring").is_empty());

        let empty = crate::model::Design::new("empty");
        assert!(findings(&empty, "service-retiring").is_empty());
    }

    #[test]
    fn names_only_the_dedicated_hsms_of_a_mixed_design() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).sku = PAYSHIELD_SKUS[1].to_string();
        let found = findings(&b.finish(), "service-retiring");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm2]);
        assert!(found[0].message.contains("(1 HSM)"), "{}", found[0].message);
    }
}
