//! `er-private-peering`: every ExpressRoute circuit has private peering and a connection (to
//! the hub's ExpressRoute gateway when there is a hub).

use super::hub::hubs;
use super::{Context, Finding, Rule, Severity};
use crate::draw::new;
use crate::edit::Edit;
use crate::hashing::{HashMap, HashMapExt};
use crate::model::{ConnectionKind, ErCircuit, Gateway, Id};

pub static RULE: Rule = Rule {
    name: "er-private-peering",
    severities: &[Severity::Error],
    summary: "An ExpressRoute circuit has private peering enabled and a connection to the hub's ExpressRoute gateway.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every ExpressRoute circuit has Azure private peering configured and at least one \
                 ExpressRoute connection to a gateway; when the design has a hub (a VNet with the \
                 NVA proxy tier) with an ExpressRoute gateway, each circuit is connected to a \
                 hub's gateway.",
        why: "Private peering is the part of a circuit that carries traffic to VNets; without it \
              the circuit reaches nothing in them. A circuit with no connection is not linked \
              to any VNet at all. In the proxy design on-premises clients must land in the hub, \
              in front of the firewall and the NVAs, not beside them.",
        fix: "Configure private peering on the circuit (peer ASN, VLAN and two /30 link \
              prefixes agreed with the provider) and connect the circuit to the hub's \
              ExpressRoute gateway; the one-click fix adds the connection.",
        source: "Networking considerations, 'Solution Architecture', element 2.",
    },
    check,
};

fn connection_to(cx: &Context, gateway: &Gateway, circuit: &ErCircuit) -> Edit {
    let kind = ConnectionKind::ExpressRoute {
        gateway: gateway.id,
        circuit: circuit.id,
    };
    Edit::Add(new::connection(cx.design, cx.design.next_id(), kind))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.design.circuits.is_empty() {
        return;
    }
    let hub_gateways: Vec<&Gateway> = hubs(cx).iter().filter_map(|h| h.er_gateway()).collect();
    let mut connected: HashMap<Id, Vec<Id>> = HashMap::new();
    for c in &cx.design.connections {
        if let ConnectionKind::ExpressRoute { gateway, circuit } = c.kind {
            connected.entry(circuit).or_default().push(gateway);
        }
    }
    for circuit in &cx.design.circuits {
        if circuit.private_peering.is_none() {
            out.push(Finding::of(
                &RULE,
                format!(
                    "circuit {} has no Azure private peering, so it carries no traffic to any \
                     VNet; configure private peering (peer ASN, VLAN, two /30 prefixes)",
                    cx.name(circuit.id)
                ),
                vec![circuit.id],
            ));
        }
        let gateways = connected.get(&circuit.id).map(Vec::as_slice).unwrap_or(&[]);
        if gateways.is_empty() {
            let mut finding = Finding::of(
                &RULE,
                match hub_gateways.first() {
                    Some(g) => format!(
                        "circuit {} is not connected to any ExpressRoute gateway; connect it to \
                         the hub's gateway {}",
                        cx.name(circuit.id),
                        cx.name(g.id)
                    ),
                    None => format!(
                        "circuit {} is not connected to any ExpressRoute gateway; connect it to \
                         the gateway of the VNet on-premises clients should land in",
                        cx.name(circuit.id)
                    ),
                },
                vec![circuit.id],
            );
            if let Some(g) = hub_gateways.first() {
                finding = finding.with_fix(
                    format!("Connect {} to {}", cx.name(circuit.id), cx.name(g.id)),
                    connection_to(cx, g, circuit),
                );
            }
            out.push(finding);
            continue;
        }
        let Some(hub_gateway) = hub_gateways.first() else {
            continue;
        };
        if gateways
            .iter()
            .any(|g| hub_gateways.iter().any(|h| h.id == *g))
        {
            continue;
        }
        let names: Vec<String> = gateways.iter().map(|g| cx.name(*g)).collect();
        let mut elements = vec![circuit.id, hub_gateway.id];
        elements.extend(gateways);
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "circuit {} connects to {} but not to the hub's ExpressRoute gateway {}, so \
                     on-premises traffic bypasses the hub's firewall and proxy tier; connect it \
                     to {}",
                    cx.name(circuit.id),
                    names.join(", "),
                    cx.name(hub_gateway.id),
                    cx.name(hub_gateway.id)
                ),
                elements,
            )
            .with_fix(
                format!(
                    "Connect {} to {}",
                    cx.name(circuit.id),
                    cx.name(hub_gateway.id)
                ),
                connection_to(cx, hub_gateway, circuit),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::Edit;
    use crate::model::ConnectionKind;
    use crate::rules::hub::reference_hub;
    use crate::rules::testing::*;

    const NAME: &str = "er-private-peering";

    #[test]
    fn passes_a_circuit_with_private_peering_connected_to_the_hub() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn trips_on_a_circuit_without_private_peering() {
        let (mut b, ids) = reference_hub();
        b.design.circuits[0].private_peering = None;
        let found = findings(&b.finish(), NAME);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.circuit]);
        assert!(
            found[0].message.contains("private peering"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].fix.is_none(),
            "the peering values come from the provider"
        );
    }

    #[test]
    fn trips_on_an_unconnected_circuit_and_the_fix_connects_it_to_the_hub() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.er_connection)).unwrap();
        let found = findings(&design, NAME);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("'hub-ergw'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, NAME);
        assert!(findings(&fixed, NAME).is_empty());
        assert_eq!(
            fixed.connections.last().unwrap().kind,
            ConnectionKind::ExpressRoute {
                gateway: ids.er_gateway,
                circuit: ids.circuit
            }
        );
    }

    #[test]
    fn trips_on_a_circuit_that_lands_beside_the_hub_and_the_fix_adds_the_hub() {
        let (mut b, ids) = reference_hub();
        b.design.connections[0].kind = ConnectionKind::ExpressRoute {
            gateway: ids.hsm_er_gateway,
            circuit: ids.circuit,
        };
        let design = b.finish();
        let found = findings(&design, NAME);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].elements,
            vec![ids.circuit, ids.er_gateway, ids.hsm_er_gateway]
        );
        assert!(
            found[0].message.contains("'hsm-ergw'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, NAME);
        assert!(findings(&fixed, NAME).is_empty());
    }

    #[test]
    fn without_a_hub_any_connection_will_do() {
        let (mut b, ids) = reference_hub();
        b.design.connections[0].kind = ConnectionKind::ExpressRoute {
            gateway: ids.hsm_er_gateway,
            circuit: ids.circuit,
        };
        b.design.nvas.clear();
        b.design.load_balancers.clear();
        assert!(findings(&b.finish(), NAME).is_empty());

        // But an unconnected circuit is still flagged, with no gateway to offer.
        let (mut b, _) = reference_hub();
        b.design.connections.clear();
        b.design.nvas.clear();
        b.design.load_balancers.clear();
        let found = findings(&b.finish(), NAME);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }
}
