//! `hsm-sku-valid`: an HSM's SKU is one the HardwareSecurityModules provider accepts.

use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::{DEDICATED_HSM_SKU, PAYSHIELD_SKUS};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "hsm-sku-valid",
    severities: &[Severity::Error],
    summary: "An HSM's SKU is the Dedicated HSM SKU or one of the payShield 10K SKUs.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each HSM's SKU is exactly 'SafeNet Luna Network HSM A790' (Dedicated HSM) or one \
                 of the six Payment HSM SKUs payShield10K_LMK1_CPS60, _CPS250, _CPS2500 and \
                 payShield10K_LMK2_CPS60, _CPS250, _CPS2500.",
        why: "The SKU name is an enumeration of the resource provider's API: any other value, \
              including a different spelling or letter case, is rejected when the template is \
              deployed.",
        fix: "Use one of the listed SKU names. The one-click fix corrects the spelling when the \
              value differs only in letter case or surrounding spaces, and otherwise sets the \
              Dedicated HSM SKU.",
        source: "Azure REST API specifications, Microsoft.HardwareSecurityModules, the \
                 'SkuName' enumeration.",
    },
    check,
};

/// Whether the provider accepts this SKU name as written.
fn is_valid(sku: &str) -> bool {
    sku == DEDICATED_HSM_SKU || PAYSHIELD_SKUS.contains(&sku)
}

/// The valid SKU a near-miss spelling was meant to be (case and outer spaces ignored).
fn meant(sku: &str) -> Option<&'static str> {
    let sku = sku.trim();
    std::iter::once(DEDICATED_HSM_SKU)
        .chain(PAYSHIELD_SKUS)
        .find(|valid| valid.eq_ignore_ascii_case(sku))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hsm in &cx.design.hsms {
        if is_valid(&hsm.sku) {
            continue;
        }
        let target = meant(&hsm.sku).unwrap_or(DEDICATED_HSM_SKU);
        let message = if meant(&hsm.sku).is_some() {
            format!(
                "HSM {} has SKU {:?}; the provider accepts only the exact spelling {target:?}",
                cx.name(hsm.id),
                hsm.sku
            )
        } else {
            format!(
                "HSM {} has SKU {:?}, which is neither the Dedicated HSM SKU \
                 ({DEDICATED_HSM_SKU:?}) nor a payShield 10K Payment HSM SKU; the deployment \
                 would be refused",
                cx.name(hsm.id),
                hsm.sku
            )
        };
        let mut fixed = hsm.clone();
        fixed.sku = target.to_string();
        out.push(Finding::of(&RULE, message, vec![hsm.id]).with_fix(
            format!("Set the SKU to {target}"),
            Edit::Replace(Element::Hsm(fixed)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::azure::offered::{DEDICATED_HSM_SKU, PAYSHIELD_SKUS};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_unknown_sku_and_the_fix_sets_dedicated_hsm() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm2).sku = "Luna 7".to_string();
        let design = b.finish();
        let found = findings(&design, "hsm-sku-valid");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm2]);
        assert!(found[0].message.contains("'hsm2'"), "{}", found[0].message);
        assert!(found[0].message.contains("Luna 7"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, "hsm-sku-valid");
        assert_eq!(fixed.hsm(ids.hsm2).unwrap().sku, DEDICATED_HSM_SKU);
        assert!(findings(&fixed, "hsm-sku-valid").is_empty());
    }

    #[test]
    fn a_wrong_letter_case_is_an_error_fixed_to_the_meant_sku() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).sku = "payshield10k_lmk2_cps250 ".to_string();
        let design = b.finish();
        let found = findings(&design, "hsm-sku-valid");
        assert_eq!(found.len(), 1);
        let fixed = apply_first_fix(&design, "hsm-sku-valid");
        assert_eq!(fixed.hsm(ids.hsm1).unwrap().sku, "payShield10K_LMK2_CPS250");
        assert!(findings(&fixed, "hsm-sku-valid").is_empty());
    }

    #[test]
    fn passes_every_listed_sku() {
        for sku in std::iter::once(DEDICATED_HSM_SKU).chain(PAYSHIELD_SKUS) {
            let (mut b, ids) = hsm_vnet();
            b.hsm_mut(ids.hsm1).sku = sku.to_string();
            assert!(findings(&b.finish(), "hsm-sku-valid").is_empty(), "{sku}");
        }
    }

    #[test]
    fn an_empty_sku_is_reported() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).sku = String::new();
        b.hsm_mut(ids.hsm2).sku = "payShield10K_LMK3_CPS60".to_string();
        let found = findings(&b.finish(), "hsm-sku-valid");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].elements, vec![ids.hsm1]);
        assert_eq!(found[1].elements, vec![ids.hsm2]);
    }
}
