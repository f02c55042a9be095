//! `payshield-one-delegated-subnet`: a VNet a payment HSM sits in delegates one subnet to the
//! HSM service, no more.

use super::select::payment_hsms;
use super::{Context, Finding, Rule, Severity};
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "payshield-one-delegated-subnet",
    severities: &[Severity::Error],
    summary: "A VNet holding a payment HSM's NIC has one subnet delegated to \
              Microsoft.HardwareSecurityModules/dedicatedHSMs, not several.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each VNet that holds a payShield HSM's host or management NIC has at most one \
                 subnet delegated to Microsoft.HardwareSecurityModules/dedicatedHSMs.",
        why: "Azure Payment HSM supports one delegated subnet per VNet. Host and management \
              NICs in one VNet therefore share its one delegated subnet (as Microsoft's \
              quickstart deploys them); to keep them apart, put the management NIC's subnet \
              in another VNet.",
        fix: "Keep one delegated subnet in the VNet: move every payment HSM NIC of the VNet \
              into it (grow it if needed) and remove the delegation from the others, or move \
              the management subnet to a VNet of its own.",
        source: "Azure Payment HSM solution design (payment-hsm/solution-design.md), \
                 'Constraints': 'Delegated subnet per VNet: 1'; quickstart-template.md (host \
                 and management profiles in the same subnet); create-different-vnet.md.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut seen: Vec<Id> = Vec::new();
    for (hsm, vnets) in payment_hsms(cx) {
        for vnet in vnets {
            if seen.contains(&vnet.id) {
                continue;
            }
            seen.push(vnet.id);
            let delegated: Vec<Id> = vnet
                .subnets
                .iter()
                .filter(|s| s.is_hsm_delegated())
                .map(|s| s.id)
                .collect();
            if delegated.len() < 2 {
                continue;
            }
            let names: Vec<String> = delegated.iter().map(|s| cx.name(*s)).collect();
            let mut elements = vec![vnet.id, hsm.id];
            elements.extend(&delegated);
            out.push(Finding::of(
                &RULE,
                format!(
                    "VNet {} holds payment HSM {} and delegates {} subnets to the HSM service \
                     ({}); Azure Payment HSM supports one delegated subnet per VNet: share one, \
                     or move the management subnet to another VNet",
                    cx.name(vnet.id),
                    cx.name(hsm.id),
                    delegated.len(),
                    names.join(", ")
                ),
                elements,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    #[test]
    fn a_second_delegated_subnet_beside_a_payment_hsm_trips() {
        let design = build("payment-hsm", &Size::default()).unwrap();
        let mut b = crate::model::builder::Builder::from(design);
        let vnet = b.design.vnets[0].id;
        let spare = b.hsm_subnet(vnet, "mgmt-subnet", "10.0.2.0/28");
        let found = findings(&b.finish(), "payshield-one-delegated-subnet");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].elements.contains(&spare));
        assert!(
            found[0].message.contains("2 subnets"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_on_the_presets_and_for_dedicated_hsms() {
        for name in ["payment-hsm", "payment-hsm-multi-vnet"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(findings(&design, "payshield-one-delegated-subnet").is_empty());
        }
        let (mut b, ids) = hsm_vnet();
        b.hsm_subnet(ids.vnet, "hsm-spare", "10.10.3.0/28");
        assert!(findings(&b.finish(), "payshield-one-delegated-subnet").is_empty());
    }
}
