//! `hsm-subnet-delegated`: a subnet holding an HSM is delegated to Dedicated HSM.

use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::HSM_DELEGATION;
use crate::edit::{Edit, Element};
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "hsm-subnet-delegated",
    severities: &[Severity::Error],
    summary: "A subnet that holds an HSM is delegated to Microsoft.HardwareSecurityModules/dedicatedHSMs.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every subnet with at least one HSM in it carries the delegation \
                 Microsoft.HardwareSecurityModules/dedicatedHSMs.",
        why: "The delegation grants the HSM service the rights it needs to place its NIC in the \
              subnet. Without it the HSM deployment fails; it is the most common cause of failed \
              Dedicated HSM deployments.",
        fix: "Delegate the subnet to Microsoft.HardwareSecurityModules/dedicatedHSMs. A delegated \
              subnet can then hold HSMs only.",
        source: "Networking considerations, 'Subnets'; Dedicated HSM troubleshooting.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Each subnet once, in a stable order, however many HSMs it holds.
    // A sorted Vec rather than a BTreeSet: the same order, and it shares the Id sort other
    // rules already compile into the wasm instead of adding the BTreeSet's own.
    let mut subnets: Vec<Id> = cx.design.hsms.iter().map(|h| h.subnet).collect();
    subnets.sort_unstable();
    subnets.dedup();
    for id in subnets {
        let Some((vnet, subnet)) = cx.index().subnet(id) else {
            continue;
        };
        if subnet.is_hsm_delegated() {
            continue;
        }
        let now = match &subnet.delegation {
            Some(other) => format!("it is delegated to {other}"),
            None => "it has no delegation".to_string(),
        };
        let mut delegated = subnet.clone();
        delegated.delegation = Some(HSM_DELEGATION.to_string());
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "subnet {} in {} holds HSMs but {now}; delegate it to {HSM_DELEGATION}",
                    cx.name(subnet.id),
                    cx.name(vnet.id)
                ),
                vec![subnet.id],
            )
            .with_fix(
                "Delegate the subnet to Dedicated HSM",
                Edit::Replace(Element::Subnet {
                    vnet: vnet.id,
                    subnet: delegated,
                }),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_hsm_in_an_undelegated_subnet_and_the_fix_clears_it() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).delegation = None;
        let design = b.finish();
        let found = findings(&design, "hsm-subnet-delegated");
        assert_eq!(found.len(), 1, "one finding per subnet, not per HSM");
        assert_eq!(found[0].elements, vec![ids.hsm_subnet]);
        assert!(
            found[0].message.contains("'hsm-subnet'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "hsm-subnet-delegated");
        assert!(findings(&fixed, "hsm-subnet-delegated").is_empty());
    }

    #[test]
    fn passes_a_delegated_subnet() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), "hsm-subnet-delegated").is_empty());
    }
}
