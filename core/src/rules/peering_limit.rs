//! `peering-limit`: no VNet has more virtual network peerings than Azure allows.

use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::PEERINGS_PER_VNET;

pub static RULE: Rule = Rule {
    name: "peering-limit",
    severities: &[Severity::Error],
    summary: "A VNet has at most 500 virtual network peerings.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For every VNet, the number of peerings it is an end of, against Azure's limit \
                 of 500 virtual network peerings per virtual network.",
        why: "Azure refuses the 501st peering of a VNet; the limit is not adjustable. In a hub \
              and spoke design the hub is the VNet that reaches it first: every spoke past the \
              limit stays unconnected, and with it its clients' path to the HSMs.",
        fix: "Split the spokes over a second hub (peered with the HSM VNet like the first), or \
              connect the spokes to each other through an Azure Virtual Network Manager mesh \
              (a connected group, which uses no peerings). A Virtual Network Manager \
              hub-and-spoke configuration still peers the hub with every spoke, so it does not \
              lift the limit by itself. There is no one-click fix.",
        source: "azure-resource-manager/management/azure-subscription-service-limits.md, \
                 'Networking limits' (virtual network peerings per virtual network: 500); \
                 expressroute/expressroute-about-virtual-network-gateways.md, 'Virtual network \
                 peering'; virtual-network-manager/concept-connectivity-configuration.md \
                 (hub-and-spoke peers the hub with each spoke; connected groups are not \
                 peerings).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    if d.peerings.len() <= PEERINGS_PER_VNET {
        return;
    }
    let index = cx.index();
    // Peerings per VNet, by position.
    let mut count = vec![0usize; d.vnets.len()];
    for p in &d.peerings {
        let ends = if p.b != p.a {
            &[p.a, p.b][..]
        } else {
            &[p.a][..]
        };
        for i in ends.iter().filter_map(|v| index.vnet_position(*v)) {
            count[i] += 1;
        }
    }
    for (vnet, &n) in d.vnets.iter().zip(&count) {
        if n > PEERINGS_PER_VNET {
            out.push(Finding::of(
                &RULE,
                format!(
                    "VNet {} has {n} peerings; Azure allows {PEERINGS_PER_VNET} per VNet, so the \
                     {} beyond the limit cannot be created: spread the spokes over a second hub",
                    cx.name(vnet.id),
                    n - PEERINGS_PER_VNET
                ),
                vec![vnet.id],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{Design, Id};
    use crate::rules::testing::*;

    const RULE: &str = "peering-limit";

    /// A hub peered with `spokes` spokes; returns the design and the hub's id.
    fn hub_with(spokes: usize) -> (Design, Id) {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let hub = b.vnet(region, "hub", &["10.0.0.0/16"]);
        for i in 0..spokes {
            let space = format!("10.{}.{}.0/24", 1 + i / 256, i % 256);
            let spoke = b.vnet(region, &format!("spoke-{i}"), &[&space]);
            b.peering(hub, spoke);
        }
        (b.design, hub)
    }

    #[test]
    fn passes_a_hub_at_the_limit() {
        let (design, _) = hub_with(500);
        assert!(findings(&design, RULE).is_empty());
    }

    #[test]
    fn trips_on_a_hub_past_the_limit() {
        let (design, hub) = hub_with(501);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].elements, vec![hub]);
        assert!(
            found[0].message.contains("'hub' has 501 peerings"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }
}
