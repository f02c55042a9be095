//! `nva-ip-forwarding`: every NVA's network interface has IP forwarding enabled.

use super::hub::hubs;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "nva-ip-forwarding",
    severities: &[Severity::Error],
    summary: "Each proxy NVA's NIC has IP forwarding enabled.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every NVA in a hub's proxy tier has IP forwarding turned on for its network \
                 interface.",
        why: "Azure drops any packet a NIC sends or receives that is not addressed from or to \
              the NIC's own IP, unless IP forwarding is enabled on that NIC. An NVA without it \
              cannot pass client traffic on to the HSMs (nor route traffic it does not \
              terminate), whatever the VM's operating system is configured to do.",
        fix: "Enable IP forwarding on the NVA's network interface (enableIPForwarding on the NIC \
              resource; the exporters write it) and in the guest OS.",
        source: "Azure virtual network documentation, 'Virtual appliance scenario' (IP \
                 forwarding); Networking considerations, 'Solution Architecture'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hub in hubs(cx) {
        for nva in hub.nvas.iter().filter(|n| !n.ip_forwarding) {
            let mut fixed = (*nva).clone();
            fixed.ip_forwarding = true;
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "NVA {} in hub {} has IP forwarding off, so Azure drops the traffic it \
                         should pass to the HSMs; enable IP forwarding on its NIC",
                        cx.name(nva.id),
                        cx.name(hub.vnet.id)
                    ),
                    vec![nva.id],
                )
                .with_fix(
                    "Enable IP forwarding on the NVA's NIC",
                    Edit::Replace(Element::Nva(fixed)),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::hub::{nva_mut, reference_hub};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_nva_without_ip_forwarding_and_the_fix_clears_it() {
        let (mut b, ids) = reference_hub();
        nva_mut(&mut b, ids.nva1).ip_forwarding = false;
        let design = b.finish();
        let found = findings(&design, "nva-ip-forwarding");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.nva1]);
        assert!(found[0].message.contains("'nva1'"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, "nva-ip-forwarding");
        assert!(findings(&fixed, "nva-ip-forwarding").is_empty());
        assert!(
            fixed.nva(ids.nva1).unwrap().snat,
            "the fix changes nothing else"
        );
    }

    #[test]
    fn passes_nvas_that_forward() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), "nva-ip-forwarding").is_empty());
    }
}
