//! `hsm-er-gateway-not-onprem`: the HSM VNet's ExpressRoute gateway should carry no connection to
//! an on-premises circuit (the source document reads both ways; hence a warning).

use super::{Context, Finding, Rule, Severity};
use crate::model::ConnectionKind;

pub static RULE: Rule = Rule {
    name: "hsm-er-gateway-not-onprem",
    severities: &[Severity::Warning],
    summary: "The HSM VNet's ExpressRoute gateway carries no connection to an on-premises circuit.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks:
            "Every ExpressRoute connection whose gateway sits in a VNet holding HSMs. A circuit \
                 always ends at an on-premises site, so such a connection is a direct path from \
                 on-premises into the HSM VNet.",
        why: "The source document reads two ways. An older note says the ExpressRoute gateway \
              every HSM VNet needs serves only to integrate the HSMs into Azure and must not be \
              used to reach on-premises sites. A newer section, among the alternatives to global \
              peering, draws 'HSM with direct ExpressRoute connectivity': the HSM VNet tied to a \
              circuit where a direct on-premises path is wanted. Until Microsoft settles which \
              holds, a direct path may turn out unsupported, so this is a warning, not an error.",
        fix: "Land the circuit on another VNet, such as a hub with the NVA proxy tier peered to \
              the HSM VNet, and remove this connection; or keep the direct path only after \
              Microsoft has confirmed it is supported for your deployment.",
        source: "Networking considerations, 'ExpressRoute gateway', the note under 'Connecting \
                 your on-premises IT to Azure', and 'Alternative to using Global VNET Peering' \
                 ('HSM with direct Express Route connectivity').",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let facts = cx.index();
    for c in &cx.design.connections {
        let ConnectionKind::ExpressRoute { gateway, circuit } = c.kind else {
            continue;
        };
        let Some(g) = cx.index().gateway(gateway) else {
            continue;
        };
        let Some(vnet) = cx.index().vnet_of_subnet(g.subnet) else {
            continue;
        };
        if !facts.is_hsm_vnet(vnet.id) {
            continue;
        }
        let site = match cx.index().circuit(circuit) {
            Some(k) => format!(" from on-premises site {}", cx.name(k.site)),
            None => String::new(),
        };
        out.push(Finding::of(
            &RULE,
            format!(
                "ExpressRoute gateway {} of HSM VNet {} is connected by {} to circuit {}{site}; \
                 the source's older note keeps this gateway away from on-premises traffic while \
                 its newer 'direct ExpressRoute' alternative allows it: confirm with Microsoft \
                 before relying on this path, or land the circuit on a hub VNet instead",
                cx.name(g.id),
                cx.name(vnet.id),
                cx.name(c.id),
                cx.name(circuit)
            ),
            vec![c.id, g.id, circuit],
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{ConnectionKind, SiteRoles};
    use crate::rules::testing::*;
    use crate::rules::Severity;

    const RULE: &str = "hsm-er-gateway-not-onprem";

    #[test]
    fn warns_on_a_circuit_connected_to_the_hsm_vnet_gateway() {
        let (mut b, ids) = hsm_vnet();
        let site = b.site("dc", &["192.168.0.0/24"], None, SiteRoles::default());
        let circuit = b.circuit(site, "er-circuit", "172.31.0.0/29");
        let conn = b.connection(
            "hsm-er",
            ConnectionKind::ExpressRoute {
                gateway: ids.er_gateway,
                circuit,
            },
        );
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].elements, vec![conn, ids.er_gateway, circuit]);
        for name in ["'hsm-ergw'", "'hsm-vnet'", "'er-circuit'", "'dc'"] {
            assert!(
                found[0].message.contains(name),
                "{name}: {}",
                found[0].message
            );
        }
        assert!(
            found[0].message.contains("Microsoft"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn passes_an_hsm_vnet_gateway_without_connections() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn passes_a_circuit_that_lands_on_a_hub() {
        let (mut b, ids) = hsm_vnet();
        let hub = b.vnet(ids.region, "hub", &["10.0.0.0/16"]);
        let gs = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
        let hub_gw = b.er_gateway(gs, "hub-ergw", "ErGw1AZ");
        let site = b.site("dc", &["192.168.0.0/24"], None, SiteRoles::default());
        let circuit = b.circuit(site, "er-circuit", "172.31.0.0/29");
        b.connection(
            "hub-er",
            ConnectionKind::ExpressRoute {
                gateway: hub_gw,
                circuit,
            },
        );
        b.peering(hub, ids.vnet);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[cfg(feature = "explanations")]
    #[test]
    fn the_explanation_states_both_readings() {
        let e = crate::rules::rule(RULE).unwrap().explanation;
        assert!(e.why.contains("must not be used to reach on-premises"));
        assert!(e.why.contains("direct ExpressRoute connectivity"));
        assert!(e.fix.contains("Microsoft"));
    }
}
