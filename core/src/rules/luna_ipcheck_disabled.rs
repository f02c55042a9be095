//! `luna-ipcheck-disabled`: an HSM behind an SNAT proxy tier has its Luna NTLS client IP check
//! turned off.

use super::hub::hubs;
use super::select::hsm_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt};
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "luna-ipcheck-disabled",
    severities: &[Severity::Error],
    summary:
        "An HSM reached through an SNAT proxy tier has the Luna NTLS client IP check disabled.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every Luna HSM in a VNet peered with a hub whose NVAs source-NAT has its NTLS \
                 client source-IP validation turned off.",
        why: "With the IP check on, the HSM accepts an NTLS connection only from the address a \
              client was registered with. Behind a proxy tier that source-NATs, every session \
              arrives from an NVA's address instead, so the HSM refuses all clients although \
              the network path works.",
        fix: "On each HSM, run `ntls ipcheck disable` in lunash (and check it with `ntls \
              ipcheck show`); the design records this as the HSM's IP check setting.",
        source: "Networking considerations, 'Alternative to UDRs', point 2.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // VNets fronted by an SNAT proxy tier, with the first such hub.
    let mut fronted: HashMap<Id, Id> = HashMap::new();
    let hubs = hubs(cx);
    if hubs.is_empty() {
        return;
    }
    let hsm_vnets = hsm_vnets(cx);
    for hub in hubs.iter().filter(|h| h.snats()) {
        for peer in hub.hsm_peers(cx, &hsm_vnets) {
            fronted.entry(peer.id).or_insert(hub.vnet.id);
        }
    }
    if fronted.is_empty() {
        return;
    }
    for hsm in &cx.design.hsms {
        if !hsm.ntls_ip_check || hsm.is_payment() {
            continue;
        }
        let Some(vnet) = cx.index().vnet_of_subnet(hsm.subnet) else {
            continue;
        };
        let Some(&hub) = fronted.get(&vnet.id) else {
            continue;
        };
        let mut fixed = hsm.clone();
        fixed.ntls_ip_check = false;
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "HSM {} is reached through the SNAT proxy tier of hub {} but still checks \
                     client source IPs, so it refuses every client; run `ntls ipcheck disable` \
                     on it",
                    cx.name(hsm.id),
                    cx.name(hub)
                ),
                vec![hsm.id],
            )
            .with_fix(
                "Disable the NTLS client IP check (ntls ipcheck disable)",
                Edit::Replace(Element::Hsm(fixed)),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::azure::offered::PAYSHIELD_SKUS;
    use crate::rules::hub::{nva_mut, reference_hub};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_hsm_behind_the_proxy_with_the_check_on_and_the_fix_clears_it() {
        let (mut b, ids) = reference_hub();
        b.hsm_mut(ids.hsm2).ntls_ip_check = true;
        let design = b.finish();
        let found = findings(&design, "luna-ipcheck-disabled");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm2]);
        assert!(found[0].message.contains("'hsm2'"), "{}", found[0].message);
        assert!(
            found[0].message.contains("ntls ipcheck disable"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "luna-ipcheck-disabled");
        assert!(findings(&fixed, "luna-ipcheck-disabled").is_empty());
    }

    #[test]
    fn passes_hsms_with_the_check_off() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), "luna-ipcheck-disabled").is_empty());
    }

    #[test]
    fn ignores_hsms_that_no_snat_proxy_fronts() {
        // An HSM VNet that is not peered with the hub keeps the check.
        let (mut b, ids) = reference_hub();
        let other = b.vnet(ids.region, "other-hsm-vnet", &["10.40.0.0/16"]);
        let subnet = b.hsm_subnet(other, "hsm-subnet", "10.40.1.0/28");
        b.hsm(subnet, "direct-hsm", "stamp1", Some("10.40.1.4"));
        assert!(findings(&b.finish(), "luna-ipcheck-disabled").is_empty());

        // NVAs that do not SNAT leave the client address in place (nva-snat flags them).
        let (mut b, ids) = reference_hub();
        b.hsm_mut(ids.hsm1).ntls_ip_check = true;
        nva_mut(&mut b, ids.nva1).snat = false;
        nva_mut(&mut b, ids.nva2).snat = false;
        assert!(findings(&b.finish(), "luna-ipcheck-disabled").is_empty());
    }

    #[test]
    fn ignores_payment_hsms_which_have_no_luna_ip_check() {
        let (mut b, ids) = reference_hub();
        let hsm = b.hsm_mut(ids.hsm1);
        hsm.sku = PAYSHIELD_SKUS[0].to_string();
        hsm.ntls_ip_check = true;
        assert!(findings(&b.finish(), "luna-ipcheck-disabled").is_empty());
    }
}
