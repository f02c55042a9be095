//! `payshield-one-delegated-subnet`: a VNet a payment HSM sits in delegates one subnet to the
//! HSM service, no more.
//!
//! The fix removes the delegation from the delegated subnets that hold no HSM NIC, when one
//! delegated subnet holds them all. When NICs sit in two delegated subnets of the VNet, none is
//! offered: bringing them together re-addresses HSMs (a payment HSM's addresses are in the
//! payment application's configuration) or moves a management subnet to another VNet, choices
//! the design cannot make by itself.

use super::select::payment_hsms;
use super::wording::names;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::{Id, Vnet};

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
              the management subnet to a VNet of its own. When one delegated subnet already \
              holds every HSM NIC of the VNet, the one-click fix removes the delegation from \
              the empty others.",
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
            let mut elements = vec![vnet.id, hsm.id];
            elements.extend(&delegated);
            let finding = Finding::of(
                &RULE,
                format!(
                    "VNet {} holds payment HSM {} and delegates {} subnets to the HSM service \
                     ({}); Azure Payment HSM supports one delegated subnet per VNet: share one, \
                     or move the management subnet to another VNet",
                    cx.name(vnet.id),
                    cx.name(hsm.id),
                    delegated.len(),
                    names(cx, &delegated),
                ),
                elements,
            );
            out.push(match undelegate_empty(cx, vnet, &delegated) {
                Some((label, edit)) => finding.with_fix(label, edit),
                None => finding,
            });
        }
    }
}

/// Removes the delegation from the subnets of `delegated` that hold no HSM NIC, when exactly one
/// of them holds NICs.
fn undelegate_empty(cx: &Context, vnet: &Vnet, delegated: &[Id]) -> Option<(String, Edit)> {
    let holds_nic = |s: Id| cx.design.hsms.iter().any(|h| h.subnets().any(|n| n == s));
    let (holding, empty): (Vec<Id>, Vec<Id>) = delegated.iter().partition(|s| holds_nic(**s));
    if holding.len() != 1 {
        return None;
    }
    let edits: Vec<Edit> = vnet
        .subnets
        .iter()
        .filter(|s| empty.contains(&s.id))
        .map(|s| {
            let mut plain = s.clone();
            plain.delegation = None;
            Edit::Replace(Element::Subnet {
                vnet: vnet.id,
                subnet: plain,
            })
        })
        .collect();
    let label = format!("Remove the delegation from {}", names(cx, &empty));
    let edit = match <[Edit; 1]>::try_from(edits) {
        Ok([one]) => one,
        Err(many) => Edit::Batch(many),
    };
    Some((label, edit))
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
        let design = b_finish_with_spare();
        let fixed = apply_first_fix(&design, "payshield-one-delegated-subnet");
        assert!(findings(&fixed, "payshield-one-delegated-subnet").is_empty());
        let (_, spare) = fixed
            .vnets
            .iter()
            .flat_map(|v| v.subnets.iter().map(move |s| (v, s)))
            .find(|(_, s)| s.name == "mgmt-subnet")
            .unwrap();
        assert_eq!(spare.delegation, None);
    }

    fn b_finish_with_spare() -> crate::model::Design {
        let design = build("payment-hsm", &Size::default()).unwrap();
        let mut b = crate::model::builder::Builder::from(design);
        let vnet = b.design.vnets[0].id;
        b.hsm_subnet(vnet, "mgmt-subnet", "10.0.2.0/28");
        b.finish()
    }

    #[test]
    fn no_fix_when_nics_sit_in_two_delegated_subnets() {
        let design = b_finish_with_spare();
        let mut b = crate::model::builder::Builder::from(design);
        let spare = b.design.vnets[0]
            .subnets
            .iter()
            .find(|s| s.name == "mgmt-subnet")
            .unwrap()
            .id;
        let first = b.design.hsms[0].id;
        let hsm = b.hsm_mut(first);
        hsm.management_subnet = Some(spare);
        hsm.management_ip = None;
        let found = findings(&b.finish(), "payshield-one-delegated-subnet");
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
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
