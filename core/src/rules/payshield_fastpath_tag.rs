//! `payshield-fastpath-tag`: every VNet a payment HSM uses carries `fastpathenabled=true`.

use super::select::payment_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::{FASTPATH_TAG, FASTPATH_TAG_VALUE};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "payshield-fastpath-tag",
    severities: &[Severity::Error],
    summary: "Every VNet holding a payment HSM's host or management NIC, and every VNet peered \
              with one, carries the tag fastpathenabled=true.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each VNet that holds a payShield HSM's host or management NIC, and each VNet \
                 peered with such a VNet (application VNets, a hub in front of them), has the \
                 tag fastpathenabled with the value true (the tag's name and value compared \
                 ignoring letter case, as Azure's CLI example writes True).",
        why: "Azure Payment HSM connects only to VNets tagged fastpathenabled: a peered VNet \
              without the tag cannot reach the HSMs, and Microsoft's templates tag every VNet \
              they create. The tag works only once the subscription has the Azure feature \
              FastPathEnabled (Microsoft.Network) registered and approved; every subscription \
              that connects to a payment HSM needs it, and a template cannot register it. The \
              portal cannot set this tag effectively: use a template, the CLI or PowerShell.",
        fix: "Add the tag fastpathenabled=true to the VNet (the one-click fix does it; the \
              exports write it). Register the FastPathEnabled feature on the subscription \
              before deploying.",
        source: "Azure Payment HSM: 'Fastpathenabled' (payment-hsm/fastpathenabled.md), 'How \
                 to peer Azure Payment HSM virtual networks' (peer-vnets.md), the ARM \
                 quickstarts (quickstart-template.md, create-different-vnet.md, \
                 create-different-ip-addresses.md) and traffic inspection (inspect-traffic.md).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (vnet_id, hsm, peered) in payment_vnets(cx) {
        let Some(vnet) = cx.index().vnet(vnet_id) else {
            continue;
        };
        if vnet
            .tag(FASTPATH_TAG)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(FASTPATH_TAG_VALUE))
        {
            continue;
        }
        let why = if peered {
            format!("is peered with the VNet of payment HSM {}", cx.name(hsm))
        } else {
            format!("holds a NIC of payment HSM {}", cx.name(hsm))
        };
        let mut tagged = vnet.clone();
        // Another spelling of the name is replaced, not kept beside the right one.
        tagged
            .tags
            .retain(|k, _| !k.eq_ignore_ascii_case(FASTPATH_TAG));
        tagged
            .tags
            .insert(FASTPATH_TAG.to_string(), FASTPATH_TAG_VALUE.to_string());
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "VNet {} {why} but lacks the tag {FASTPATH_TAG}={FASTPATH_TAG_VALUE}, so it \
                     cannot connect to the payment HSMs (the subscription also needs the \
                     FastPathEnabled feature)",
                    cx.name(vnet.id)
                ),
                vec![vnet.id, hsm],
            )
            .with_fix(
                format!(
                    "Tag {} {FASTPATH_TAG}={FASTPATH_TAG_VALUE}",
                    cx.name(vnet.id)
                ),
                Edit::Replace(Element::Vnet(tagged)),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    #[test]
    fn every_untagged_vnet_a_payment_hsm_uses_trips_and_the_fix_tags_it() {
        let mut design = build("payment-hsm-multi-vnet", &Size::default()).unwrap();
        assert!(findings(&design, "payshield-fastpath-tag").is_empty());
        for v in &mut design.vnets {
            v.tags.clear();
        }
        let found = findings(&design, "payshield-fastpath-tag");
        // Two host VNets, two management VNets, two application VNets.
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(
            found[0].message.contains("holds a NIC"),
            "{}",
            found[0].message
        );
        assert!(found.iter().any(|f| f.message.contains("is peered with")));
        let mut fixed = design;
        while !findings(&fixed, "payshield-fastpath-tag").is_empty() {
            fixed = apply_first_fix(&fixed, "payshield-fastpath-tag");
        }
        assert!(fixed
            .vnets
            .iter()
            .all(|v| v.tags["fastpathenabled"] == "true"));
    }

    #[test]
    fn quiet_on_the_presets_dedicated_hsms_and_any_letter_case() {
        for name in ["payment-hsm", "payment-hsm-multi-vnet", "single-vnet"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(
                findings(&design, "payshield-fastpath-tag").is_empty(),
                "{name}"
            );
        }
        let mut design = build("payment-hsm", &Size::default()).unwrap();
        for v in &mut design.vnets {
            v.tags.clear();
            v.tags.insert("FastPathEnabled".into(), "True".into());
        }
        assert!(findings(&design, "payshield-fastpath-tag").is_empty());
    }

    #[test]
    fn a_wrong_value_trips_and_the_fix_keeps_one_spelling() {
        let mut design = build("payment-hsm", &Size::default()).unwrap();
        design.vnets[0].tags.clear();
        design.vnets[0]
            .tags
            .insert("FASTPATHENABLED".into(), "false".into());
        let fixed = apply_first_fix(&design, "payshield-fastpath-tag");
        assert_eq!(fixed.vnets[0].tags.len(), 1);
        assert_eq!(fixed.vnets[0].tag("fastpathenabled"), Some("true"));
    }
}
