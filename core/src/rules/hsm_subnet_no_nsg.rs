//! `hsm-subnet-no-nsg`: no network security group on an HSM subnet.

use super::select::hsm_subnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "hsm-subnet-no-nsg",
    severities: &[Severity::Error],
    summary:
        "A subnet delegated to Dedicated HSM (or holding an HSM) has no network security group.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "No subnet that is delegated to Microsoft.HardwareSecurityModules/dedicatedHSMs, \
                 or that holds an HSM, has a network security group associated.",
        why: "Delegating a subnet to Dedicated HSM places policy restrictions on it, and network \
              security groups are among the features a delegated subnet does not support: the \
              association or the HSM deployment fails. The HSM's NIC cannot be filtered by an \
              NSG at all.",
        fix: "Detach the NSG from the HSM subnet. To restrict who reaches the HSMs, filter in \
              front of them instead: an NVA proxy tier in a hub VNet, with an NSG on the NVA \
              subnet and optionally Azure Firewall, as the source document's solution \
              architecture describes.",
        source: "Networking considerations, 'Subnets' and 'Networking Restrictions'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (vnet, subnet) in hsm_subnets(cx) {
        let Some(nsg) = subnet.nsg else { continue };
        let mut detached = subnet.clone();
        detached.nsg = None;
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "HSM subnet {} in {} has NSG {} associated; delegated HSM subnets do not \
                     support NSGs, so detach it and filter traffic before it reaches the HSMs \
                     (an NVA proxy or firewall)",
                    cx.name(subnet.id),
                    cx.name(vnet.id),
                    cx.name(nsg)
                ),
                vec![subnet.id, nsg],
            )
            .with_fix(
                "Detach the NSG from the HSM subnet",
                Edit::Replace(Element::Subnet {
                    vnet: vnet.id,
                    subnet: detached,
                }),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_nsg_and_the_fix_detaches_it() {
        let (mut b, ids) = hsm_vnet();
        let nsg = b.nsg("hsm-nsg", vec![], &[ids.hsm_subnet]);
        let design = b.finish();
        let found = findings(&design, "hsm-subnet-no-nsg");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, nsg]);
        assert!(
            found[0].message.contains("'hsm-nsg'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "hsm-subnet-no-nsg");
        assert_eq!(fixed.subnet(ids.hsm_subnet).unwrap().1.nsg, None);
        assert!(fixed.nsg(nsg).is_some(), "the NSG itself is kept");
        assert!(findings(&fixed, "hsm-subnet-no-nsg").is_empty());
    }

    #[test]
    fn passes_without_nsg_and_ignores_other_subnets() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.subnet(ids.vnet, "apps", "10.10.2.0/24");
        b.nsg("apps-nsg", vec![], &[apps]);
        assert!(findings(&b.finish(), "hsm-subnet-no-nsg").is_empty());
    }

    #[test]
    fn an_empty_delegated_subnet_counts() {
        let (mut b, ids) = hsm_vnet();
        let spare = b.hsm_subnet(ids.vnet, "hsm-spare", "10.10.3.0/28");
        b.nsg("spare-nsg", vec![], &[spare]);
        let found = findings(&b.finish(), "hsm-subnet-no-nsg");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[0], spare);
    }

    #[test]
    fn an_undelegated_subnet_holding_an_hsm_counts() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).delegation = None;
        b.nsg("hsm-nsg", vec![], &[ids.hsm_subnet]);
        assert_eq!(findings(&b.finish(), "hsm-subnet-no-nsg").len(), 1);
    }
}
