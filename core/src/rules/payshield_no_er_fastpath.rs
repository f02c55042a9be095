//! `payshield-no-er-fastpath`: no ExpressRoute connection with FastPath carries payment HSM
//! traffic.

use super::select::payment_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::ConnectionKind;

pub static RULE: Rule = Rule {
    name: "payshield-no-er-fastpath",
    severities: &[Severity::Error],
    summary: "An ExpressRoute connection into a VNet a payment HSM uses has FastPath off.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each ExpressRoute connection whose gateway sits in a VNet holding a payment \
                 HSM's NIC, or peered with one, has FastPath (expressRouteGatewayBypass) off.",
        why: "Azure Payment HSM does not support ExpressRoute FastPath: FastPath sends traffic \
              past the gateway straight to the VNet's resources, a path the payment HSMs' \
              network does not take, so on-premises clients lose the HSMs.",
        fix: "Turn FastPath off on the connection (the one-click fix does); traffic then \
              flows through the ExpressRoute gateway, which payment HSMs support.",
        source: "Azure Payment HSM solution design (payment-hsm/solution-design.md), \
                 'Supported topologies': 'ExpressRoute (ER) FastPath: No'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let vnets = payment_vnets(cx);
    if vnets.is_empty() {
        return;
    }
    for c in cx.design.connections.iter().filter(|c| c.fastpath) {
        let ConnectionKind::ExpressRoute { gateway, .. } = c.kind else {
            continue;
        };
        let Some(vnet) = cx
            .index()
            .gateway(gateway)
            .and_then(|g| cx.index().vnet_of_subnet(g.subnet))
        else {
            continue;
        };
        let Some(&(_, hsm, _)) = vnets.iter().find(|(v, ..)| *v == vnet.id) else {
            continue;
        };
        let mut off = c.clone();
        off.fastpath = false;
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "ExpressRoute connection {} into VNet {} has FastPath on, which Azure \
                     Payment HSM does not support, so it cannot carry traffic to payment HSM \
                     {}; turn FastPath off",
                    cx.name(c.id),
                    cx.name(vnet.id),
                    cx.name(hsm)
                ),
                vec![c.id, vnet.id, hsm],
            )
            .with_fix(
                format!("Turn FastPath off on {}", cx.name(c.id)),
                Edit::Replace(Element::Connection(off)),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, Design, SiteRoles};
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    /// A preset with an ExpressRoute gateway and circuit added, FastPath as given.
    fn with_expressroute(fastpath: bool, payment: bool) -> Design {
        let name = if payment {
            "payment-hsm"
        } else {
            "single-vnet"
        };
        let design = build(name, &Size::default()).unwrap();
        let mut b = Builder::from(design);
        let vnet = b.design.vnets[0].id;
        let gateway_subnet = b.design.vnets[0].subnets[0].id;
        assert_eq!(b.design.vnets[0].subnets[0].name, "GatewaySubnet");
        let gateway = match b
            .design
            .gateways
            .iter()
            .find(|g| g.kind == crate::model::GatewayKind::ExpressRoute)
        {
            Some(g) => g.id,
            None => b.er_gateway(gateway_subnet, "ergw-extra", "ErGw1AZ"),
        };
        let site = b.site("dc", &["192.168.0.0/20"], None, SiteRoles::default());
        let circuit = b.circuit(site, "circuit", "172.31.255.0/29");
        let c = b.connection("er", ConnectionKind::ExpressRoute { gateway, circuit });
        b.design
            .connections
            .iter_mut()
            .find(|x| x.id == c)
            .unwrap()
            .fastpath = fastpath;
        let design = b.finish();
        assert!(design.vnet(vnet).is_some());
        design
    }

    #[test]
    fn fastpath_into_a_payment_hsm_vnet_trips_and_the_fix_turns_it_off() {
        let design = with_expressroute(true, true);
        let found = findings(&design, "payshield-no-er-fastpath");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("FastPath on"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "payshield-no-er-fastpath");
        assert!(fixed.connections.iter().all(|c| !c.fastpath));
        assert!(findings(&fixed, "payshield-no-er-fastpath").is_empty());
    }

    #[test]
    fn quiet_without_fastpath_or_without_payment_hsms() {
        let without = with_expressroute(false, true);
        assert!(findings(&without, "payshield-no-er-fastpath").is_empty());
        let dedicated = with_expressroute(true, false);
        assert!(findings(&dedicated, "payshield-no-er-fastpath").is_empty());
        for name in ["payment-hsm", "payment-hsm-multi-vnet"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(findings(&design, "payshield-no-er-fastpath").is_empty());
        }
    }
}
