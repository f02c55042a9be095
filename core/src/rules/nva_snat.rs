//! `nva-snat`: every NVA of the proxy tier source-NATs the traffic it forwards to the HSMs.

use super::hub::hubs;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "nva-snat",
    severities: &[Severity::Error],
    summary: "Each proxy NVA translates client source addresses (SNAT), so HSM replies come back through it.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every NVA in a hub's proxy tier has source NAT turned on.",
        why: "The HSM subnet is delegated and cannot carry a route table, so an HSM answers a \
              client by the normal VNet routes, straight to the client's own address. When the \
              NVA leaves the client address unchanged the reply bypasses the NVA (and the \
              firewall), the flow is asymmetric and the TLS session to port 1792 never \
              completes. With SNAT the HSM sees the NVA's address and answers the NVA, which \
              needs no route on the HSM side at all.",
        fix: "Turn on source NAT on the NVA (in its OS or appliance configuration), then disable \
              the Luna client IP check on the HSMs it fronts (see luna-ipcheck-disabled).",
        source: "Networking considerations, 'Solution Architecture' (the note on SNAT after the \
                 firewall list) and 'Alternative to UDRs', point 1.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hub in hubs(cx) {
        for nva in hub.nvas.iter().filter(|n| !n.snat) {
            let mut fixed = (*nva).clone();
            fixed.snat = true;
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "NVA {} in hub {} forwards to the HSMs without source NAT, so HSM \
                         replies would go straight to the client and bypass it; enable SNAT \
                         on the NVA",
                        cx.name(nva.id),
                        cx.name(hub.vnet.id)
                    ),
                    vec![nva.id],
                )
                .with_fix("Enable SNAT on the NVA", Edit::Replace(Element::Nva(fixed))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::hub::{nva_mut, reference_hub};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_nva_without_snat_and_the_fix_clears_it() {
        let (mut b, ids) = reference_hub();
        nva_mut(&mut b, ids.nva2).snat = false;
        let design = b.finish();
        let found = findings(&design, "nva-snat");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.nva2]);
        assert!(found[0].message.contains("'nva2'"), "{}", found[0].message);
        assert!(
            found[0].message.contains("'hub-vnet'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "nva-snat");
        assert!(findings(&fixed, "nva-snat").is_empty());
    }

    #[test]
    fn reports_each_nva_without_snat() {
        let (mut b, ids) = reference_hub();
        nva_mut(&mut b, ids.nva1).snat = false;
        nva_mut(&mut b, ids.nva2).snat = false;
        let found = findings(&b.finish(), "nva-snat");
        let elements: Vec<_> = found.iter().map(|f| f.elements[0]).collect();
        assert_eq!(elements, vec![ids.nva1, ids.nva2]);
    }

    #[test]
    fn passes_nvas_that_snat() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), "nva-snat").is_empty());
    }
}
