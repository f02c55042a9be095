//! `hub-hsm-peering`: a hub is peered with an HSM VNet of its own region.

use super::hub::{hubs, same_region};
use super::select::hsm_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::draw::new;
use crate::edit::Edit;

pub static RULE: Rule = Rule {
    name: "hub-hsm-peering",
    severities: &[Severity::Error],
    summary: "The hub is peered with an HSM VNet in the same region.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each hub (a VNet holding the NVA proxy tier) is peered with at least one VNet \
                 that holds HSMs and sits in the same region, unless the hub holds HSMs itself.",
        why: "The NVAs forward client sessions to the HSMs over this peering; without it the \
              proxy tier has nowhere to send them. The peering must stay within one region: \
              Dedicated HSM does not support global VNet peering.",
        fix: "Peer the hub with the HSM VNet of its region (the one-click fix adds the peering \
              with Azure's default settings). For an HSM VNet in another region use a \
              VNet-to-VNet VPN or ExpressRoute instead of peering.",
        source: "Networking considerations, 'Solution Architecture', element 3; 'Alternative to \
                 using Global VNET Peering'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let hubs = hubs(cx);
    if hubs.is_empty() {
        return;
    }
    let hsm_vnets = hsm_vnets(cx);
    let is_hsm_vnet = |id| hsm_vnets.binary_search(&id).is_ok();
    for hub in hubs {
        if is_hsm_vnet(hub.vnet.id) {
            continue;
        }
        let hsm_peers = hub.hsm_peers(cx, &hsm_vnets);
        if hsm_peers.iter().any(|v| same_region(cx, hub.vnet, v)) {
            continue;
        }
        let mut message = format!(
            "hub {} is not peered with any HSM VNet of its region, so its NVAs cannot reach \
             the HSMs",
            cx.name(hub.vnet.id)
        );
        let mut elements = vec![hub.vnet.id];
        if !hsm_peers.is_empty() {
            let names: Vec<String> = hsm_peers.iter().map(|v| cx.name(v.id)).collect();
            message.push_str(&format!(
                " ({} is in another region, and global peering is not supported with \
                 Dedicated HSM)",
                names.join(", ")
            ));
            elements.extend(hsm_peers.iter().map(|v| v.id));
        }
        // An unpeered HSM VNet of the same region, first in design order.
        let candidate = cx.design.vnets.iter().find(|v| {
            v.id != hub.vnet.id
                && is_hsm_vnet(v.id)
                && same_region(cx, hub.vnet, v)
                && !hsm_peers.iter().any(|p| p.id == v.id)
        });
        let mut finding;
        match candidate {
            Some(target) => {
                message.push_str(&format!("; peer it with {}", cx.name(target.id)));
                elements.push(target.id);
                let peering = new::peering(cx.design, cx.design.next_id(), hub.vnet.id, target.id);
                finding = Finding::of(&RULE, message, elements);
                finding = finding.with_fix(
                    format!("Peer {} with {}", cx.name(hub.vnet.id), cx.name(target.id)),
                    Edit::Add(peering),
                );
            }
            None => {
                message.push_str("; peer it with the HSM VNet of its region");
                finding = Finding::of(&RULE, message, elements);
            }
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::Edit;
    use crate::rules::hub::reference_hub;
    use crate::rules::testing::*;

    const NAME: &str = "hub-hsm-peering";

    #[test]
    fn trips_on_a_hub_without_the_hsm_peering_and_the_fix_peers_them() {
        let (b, ids) = reference_hub();
        let design = b
            .finish()
            .apply(&Edit::Remove(ids.hub_hsm_peering))
            .unwrap();
        let found = findings(&design, NAME);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hub, ids.hsm_vnet]);
        assert!(
            found[0].message.contains("'hsm-vnet'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, NAME);
        assert!(findings(&fixed, NAME).is_empty());
        let peering = fixed.peerings.last().unwrap();
        assert_eq!((peering.a, peering.b), (ids.hub, ids.hsm_vnet));
    }

    #[test]
    fn passes_the_reference_hub() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn a_peering_to_an_hsm_vnet_in_another_region_does_not_count() {
        let (mut b, ids) = reference_hub();
        let east = b.region("northeurope");
        b.vnet_mut(ids.hsm_vnet).region = east;
        let found = findings(&b.finish(), NAME);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("another region"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].fix.is_none(),
            "no HSM VNet in the hub's region to peer with"
        );
    }

    #[test]
    fn a_hub_peered_only_with_spokes_is_flagged_without_a_fix_when_no_hsm_vnet_exists() {
        let (mut b, ids) = reference_hub();
        b.design.hsms.clear();
        let found = findings(&b.finish(), NAME);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hub]);
        assert!(found[0].fix.is_none());
    }
}
