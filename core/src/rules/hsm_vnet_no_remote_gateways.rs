//! `hsm-vnet-no-remote-gateways`: a VNet with its own gateway (every HSM VNet) does not use a
//! peer's gateway, and a VNet uses remote gateways over at most one peering.

use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::{Id, Peering};

pub static RULE: Rule = Rule {
    name: "hsm-vnet-no-remote-gateways",
    severities: &[Severity::Error],
    summary: "A VNet with its own gateway (every HSM VNet) does not use a peer's gateway; a VNet uses remote gateways on at most one peering.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each side of every peering with 'use remote gateways' set: the VNet on that side \
                 must have no gateway of its own and must not hold HSMs (an HSM VNet always needs \
                 its own ExpressRoute gateway). A VNet may also set it on one peering only.",
        why: "Azure refuses 'use remote gateways' on a VNet that already has a virtual network \
              gateway, and a VNet can route through only one remote gateway. Since every HSM \
              VNet must have its own ExpressRoute gateway, an HSM VNet can never borrow the hub's \
              gateway: on-premises traffic reaches the HSMs through the hub's proxy tier instead.",
        fix: "Turn 'use remote gateways' off on the side of the VNet that has (or needs) its own \
              gateway. When a gateway-less VNet sets it on several peerings, keep it on the one \
              towards the hub whose gateway it should use and turn the others off.",
        source: "Virtual network peering overview, 'Gateways and on-premises connectivity'; \
                 Networking considerations, 'ExpressRoute gateway'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let facts = cx.index();
    // (VNet position, peering) for each peering over which a gateway-less VNet uses remote
    // gateways: one list, grouped by VNet below.
    let mut users: Vec<(usize, Id)> = Vec::new();
    for p in &cx.design.peerings {
        for (vnet, on_a) in [(p.a, true), (p.b, false)] {
            let side = if on_a { &p.a_to_b } else { &p.b_to_a };
            if !side.use_remote_gateways {
                continue;
            }
            let own = facts.gateways_of(vnet);
            if own.is_empty() && !facts.is_hsm_vnet(vnet) {
                if let Some(i) = facts.vnet_position(vnet) {
                    users.push((i, p.id));
                }
                continue;
            }
            let Some(other) = p.other_end(vnet) else {
                continue;
            };
            let reason = match own.first() {
                Some(g) => format!("has its own gateway {}", cx.name(*g)),
                None => "holds HSMs and so needs its own ExpressRoute gateway".to_string(),
            };
            let mut elements = vec![p.id, vnet];
            elements.extend_from_slice(own);
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "VNet {} {reason} but uses the remote gateways of {} over peering {}; \
                         turn 'use remote gateways' off on its side",
                        cx.name(vnet),
                        cx.name(other),
                        cx.name(p.id)
                    ),
                    elements,
                )
                .with_fix(
                    "Turn off 'use remote gateways' on this side",
                    Edit::Replace(Element::Peering(without_remote(p, on_a))),
                ),
            );
        }
    }
    // Stable: each VNet's peerings stay in document order.
    crate::sort::stable_by_key(&mut users, |&(i, _)| i as u64);
    for group in users.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            continue;
        }
        let vnet = &cx.design.vnets[group[0].0];
        let peerings: Vec<Id> = group.iter().map(|&(_, p)| p).collect();
        let peerings = peerings.as_slice();
        let names: Vec<String> = peerings.iter().map(|p| cx.name(*p)).collect();
        let mut elements = vec![vnet.id];
        elements.extend_from_slice(peerings);
        out.push(Finding::of(
            &RULE,
            format!(
                "VNet {} uses remote gateways over {} peerings ({}); Azure allows one: keep it on \
                 the peering whose gateway the VNet should use",
                cx.name(vnet.id),
                peerings.len(),
                names.join(", ")
            ),
            elements,
        ));
    }
}

/// The peering with 'use remote gateways' off on one side.
fn without_remote(p: &Peering, on_a: bool) -> Peering {
    let mut fixed = p.clone();
    if on_a {
        fixed.a_to_b.use_remote_gateways = false;
    } else {
        fixed.b_to_a.use_remote_gateways = false;
    }
    fixed
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::Id;
    use crate::rules::testing::*;

    const RULE: &str = "hsm-vnet-no-remote-gateways";

    /// The HSM VNet peered with a hub that has its own gateway and offers transit.
    fn with_hub() -> (Builder, Small, Id, Id) {
        let (mut b, ids) = hsm_vnet();
        let hub = b.vnet(ids.region, "hub", &["10.0.0.0/16"]);
        let gs = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
        b.er_gateway(gs, "hub-ergw", "ErGw1AZ");
        let peering = b.peering(hub, ids.vnet);
        b.design.peerings[0].a_to_b.allow_gateway_transit = true;
        (b, ids, hub, peering)
    }

    #[test]
    fn passes_default_peering_settings() {
        let (b, ..) = with_hub();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_when_the_hsm_vnet_uses_the_hubs_gateway_and_the_fix_turns_it_off() {
        let (mut b, ids, _, peering) = with_hub();
        b.design.peerings[0].b_to_a.use_remote_gateways = true;
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![peering, ids.vnet, ids.er_gateway]);
        assert!(
            found[0].message.contains("'hsm-vnet'"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("'hub'"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, RULE);
        let p = &fixed.peerings[0];
        assert!(!p.b_to_a.use_remote_gateways);
        assert!(p.a_to_b.allow_gateway_transit, "the hub side is untouched");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn an_hsm_vnet_without_its_gateway_still_may_not_use_remote_ones() {
        let (mut b, ids, ..) = with_hub();
        b.design.gateways.retain(|g| g.id != ids.er_gateway);
        b.design.peerings[0].b_to_a.use_remote_gateways = true;
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("holds HSMs"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_gateway_less_spoke_may_use_the_hubs_gateway_once() {
        let (mut b, ids, hub, _) = with_hub();
        let spoke = b.vnet(ids.region, "spoke", &["10.30.0.0/16"]);
        b.subnet(spoke, "apps", "10.30.0.0/24");
        b.peering(hub, spoke);
        b.design.peerings[1].b_to_a.use_remote_gateways = true;
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_spoke_using_remote_gateways_twice_trips_without_a_fix() {
        let (mut b, ids, hub, _) = with_hub();
        let hub2 = b.vnet(ids.region, "hub2", &["10.40.0.0/16"]);
        let spoke = b.vnet(ids.region, "spoke", &["10.30.0.0/16"]);
        let p1 = b.peering(hub, spoke);
        let p2 = b.peering(spoke, hub2);
        b.design.peerings[1].b_to_a.use_remote_gateways = true;
        b.design.peerings[2].a_to_b.use_remote_gateways = true;
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![spoke, p1, p2]);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn a_hub_with_its_gateway_using_a_spokes_side_trips() {
        let (mut b, _, hub, peering) = with_hub();
        b.design.peerings[0].a_to_b.use_remote_gateways = true;
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[..2], [peering, hub]);
        let fixed = apply_first_fix(&design, RULE);
        assert!(!fixed.peerings[0].a_to_b.use_remote_gateways);
        assert!(findings(&fixed, RULE).is_empty());
    }
}
