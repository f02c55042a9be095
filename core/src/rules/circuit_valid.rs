//! `circuit-valid`: an ExpressRoute circuit has a bandwidth Azure offers, and its private peering
//! a VLAN ID and a peer ASN Azure accepts.

use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::{
    circuit_mbps_at_least, is_offered_circuit_mbps, RESERVED_ASNS, VLAN_IDS,
};
use crate::edit::{Edit, Element};

pub static RULE: Rule = Rule {
    name: "circuit-valid",
    severities: &[Severity::Error],
    summary: "A circuit's bandwidth is one Azure offers; its private peering's VLAN ID is 1 to 4094 and its peer ASN non-zero and not reserved.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every ExpressRoute circuit's bandwidth is one Azure sells: through a provider \
                 50, 100, 200 or 500 Mbps, 1, 2, 5 or 10 Gbps; on ExpressRoute Direct also 40 \
                 or 100 Gbps. Its Azure private peering, when present, is tagged with a VLAN ID \
                 from 1 to 4094, and its peer ASN is not 0 and not one of the ASNs 65515 to \
                 65520 that Microsoft reserves (private ASNs are allowed otherwise; 16- and \
                 32-bit ASNs both work).",
        why: "A circuit can only be ordered at an offered bandwidth. A VLAN ID outside 1-4094 \
              cannot tag the peering's frames (802.1Q reserves 0 and 4095), and the BGP \
              session of the private peering does not come up with ASN 0 or with one of the \
              ASNs Azure uses itself, so no route to the VNets is learnt and on-premises \
              clients never reach the HSMs.",
        fix: "The one-click fix raises a bandwidth that is not offered to the next offered one \
              (or the largest). Pick the VLAN ID and the ASN with your connectivity provider: \
              they have no fix.",
        source: "expressroute/expressroute-faqs.md, 'What connection speeds are supported by \
                 ExpressRoute?'; expressroute/expressroute-erdirect-about.md, 'Circuit sizes'; \
                 expressroute/expressroute-routing.md, 'Autonomous System numbers' (65515 to \
                 65520 reserved); expressroute/expressroute-howto-routing-portal-resource-\
                 manager.md, 'Azure private peering' (a valid VLAN ID; a private ASN except \
                 65515 to 65520); ARM schema ExpressRouteCircuitPeeringPropertiesFormat.peerASN \
                 (1 to 4294967295).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.design.circuits {
        if !is_offered_circuit_mbps(c.bandwidth_mbps) {
            let to = circuit_mbps_at_least(c.bandwidth_mbps);
            let mut fixed = c.clone();
            fixed.bandwidth_mbps = to;
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "circuit {} has a bandwidth of {} Mbps, which Azure does not offer \
                         (50, 100, 200, 500, 1000, 2000, 5000, 10000 Mbps, and 40000 or 100000 \
                         on ExpressRoute Direct)",
                        cx.name(c.id),
                        c.bandwidth_mbps
                    ),
                    vec![c.id],
                )
                .with_fix(
                    format!("Set the bandwidth to {to} Mbps"),
                    Edit::Replace(Element::Circuit(fixed)),
                ),
            );
        }
        let Some(p) = &c.private_peering else {
            continue;
        };
        if !VLAN_IDS.contains(&p.vlan_id) {
            out.push(Finding::of(
                &RULE,
                format!(
                    "the private peering of circuit {} is tagged with VLAN ID {}; VLAN IDs run \
                     from {} to {}",
                    cx.name(c.id),
                    p.vlan_id,
                    VLAN_IDS.start(),
                    VLAN_IDS.end()
                ),
                vec![c.id],
            ));
        }
        let asn_problem = if p.peer_asn == 0 {
            Some("ASN 0 is not a valid AS number")
        } else if RESERVED_ASNS.contains(&p.peer_asn) {
            Some("Microsoft reserves ASNs 65515 to 65520 for its own use")
        } else {
            None
        };
        if let Some(why) = asn_problem {
            out.push(Finding::of(
                &RULE,
                format!(
                    "the private peering of circuit {} has peer ASN {}: {why}",
                    cx.name(c.id),
                    p.peer_asn
                ),
                vec![c.id],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{Design, ErCircuit, SiteRoles};
    use crate::rules::testing::*;

    const RULE: &str = "circuit-valid";

    /// A site with one circuit (1 Gbps, ASN 65010, VLAN 100), changed by `change`.
    fn circuit(change: impl FnOnce(&mut ErCircuit)) -> Design {
        let mut b = Builder::new("t");
        let site = b.site("dc", &["192.168.0.0/20"], None, SiteRoles::default());
        b.circuit(site, "er", "172.31.255.0/29");
        change(&mut b.design.circuits[0]);
        b.finish()
    }

    #[test]
    fn passes_a_circuit_as_built() {
        assert!(findings(&circuit(|_| {}), RULE).is_empty());
        let direct = circuit(|c| c.bandwidth_mbps = 100_000);
        assert!(findings(&direct, RULE).is_empty());
        let private_asn = circuit(|c| c.private_peering.as_mut().unwrap().peer_asn = 4_200_000_000);
        assert!(findings(&private_asn, RULE).is_empty());
    }

    #[test]
    fn a_bandwidth_not_offered_is_raised_to_the_next_offered_one() {
        let design = circuit(|c| c.bandwidth_mbps = 300);
        let fixed = trips_once_and_fix_clears(&design, RULE, "300 Mbps");
        assert_eq!(fixed.circuits[0].bandwidth_mbps, 500);
    }

    #[test]
    fn a_vlan_id_out_of_range_trips_it() {
        for vlan in [0, 4095] {
            let design = circuit(|c| c.private_peering.as_mut().unwrap().vlan_id = vlan);
            let found = findings(&design, RULE);
            assert_eq!(found.len(), 1, "{vlan}: {found:?}");
            assert!(found[0].message.contains(&format!("VLAN ID {vlan}")));
            assert!(found[0].message.contains("'er'"), "{}", found[0].message);
        }
    }

    #[test]
    fn a_zero_or_reserved_asn_trips_it() {
        for asn in [0, 65515, 65520] {
            let design = circuit(|c| c.private_peering.as_mut().unwrap().peer_asn = asn);
            let found = findings(&design, RULE);
            assert_eq!(found.len(), 1, "{asn}: {found:?}");
            assert!(found[0].message.contains(&format!("peer ASN {asn}")));
            assert!(found[0].fix.is_none());
        }
        let next_to_reserved = circuit(|c| c.private_peering.as_mut().unwrap().peer_asn = 65514);
        assert!(findings(&next_to_reserved, RULE).is_empty());
    }
}
