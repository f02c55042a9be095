//! `payshield-no-global-peering`: no HSM client is meant to reach a payment HSM over
//! cross-region (global) peering. The flow tracer decides: its peering hop refuses to carry a
//! packet across regions to or from a VNet holding a payment HSM's NIC, and this rule reports
//! the clients whose traces it drops there.
//!
//! The fix is `peering-same-region`'s: the peering gives way to a VNet-to-VNet VPN between the
//! two VNets (gateways added where missing), a path the sources allow ("without the use of
//! ExpressRoute or a VPN gateway", deployment scenarios).

use super::fixes::vpn_instead;
use super::select::payment_hsms;
use super::{Context, Finding, Rule, Severity};
use crate::azure::regions::location_key;
use crate::model::{Id, Peering, Protocol};
use crate::trace::{Endpoint, Verdict};

pub static RULE: Rule = Rule {
    name: "payshield-no-global-peering",
    severities: &[Severity::Error],
    summary: "No HSM client reaches a payment HSM over a peering between two regions.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each peering between VNets of two regions where one end holds a payment \
                 HSM's NIC, a trace from each HSM client subnet at the other end to those \
                 payment HSMs on their host port; the finding quotes the hop that drops it.",
        why: "Azure Payment HSM does not support connectivity over cross-region (global) VNet \
              peering: a VM in one region cannot talk to a payment HSM in another over \
              peering. Microsoft's disaster-recovery design switches the whole application \
              stack to the other region rather than reaching across.",
        fix: "Serve each region's applications from that region's payment HSMs (peered in the \
              same region). Where a cross-region path is needed, use ExpressRoute or a VPN \
              gateway (VNet-to-VNet), or a firewall or NVA with SNAT, or a reverse proxy, in \
              the payment HSM's region. The one-click fix replaces the peering with a \
              VNet-to-VNet VPN, adding a GatewaySubnet and a RouteBased VPN gateway \
              (active-passive, as Payment HSM requires) where a VNet has none.",
        source: "Azure Payment HSM solution design (payment-hsm/solution-design.md), \
                 'Supported topologies': 'Connectivity to BM in a peered VNet (Cross region or \
                 global peering): No'; deployment-scenarios.md; inspect-traffic.md.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // The payment HSMs with a NIC in each VNet, by VNet.
    let mut by_vnet: Vec<(Id, Vec<Id>)> = Vec::new();
    for (hsm, vnets) in payment_hsms(cx) {
        for v in vnets {
            match by_vnet.iter_mut().find(|(id, _)| *id == v.id) {
                Some((_, hsms)) => hsms.push(hsm.id),
                None => by_vnet.push((v.id, vec![hsm.id])),
            }
        }
    }
    if by_vnet.is_empty() {
        return;
    }
    let location = |vnet: Id| {
        cx.index()
            .vnet(vnet)
            .and_then(|v| cx.index().location(v))
            .map(location_key)
    };
    for p in &cx.design.peerings {
        for (near, far) in [(p.a, p.b), (p.b, p.a)] {
            let Some((_, hsms)) = by_vnet.iter().find(|(v, _)| *v == near) else {
                continue;
            };
            let (Some(here), Some(there)) = (location(near), location(far)) else {
                continue;
            };
            if here == there {
                continue;
            }
            let Some(far_vnet) = cx.index().vnet(far) else {
                continue;
            };
            for client in far_vnet.subnets.iter().filter(|s| s.hsm_client) {
                report(cx, p, client.id, hsms, out);
            }
        }
    }
}

/// Traces `client` to each payment HSM of `hsms` and reports the first drop at `peering`.
fn report(cx: &Context, p: &Peering, client: Id, hsms: &[Id], out: &mut Vec<Finding>) {
    let peering = p.id;
    for &hsm in hsms {
        let Some(port) = cx.index().hsm(hsm).map(|h| h.client_port()) else {
            continue;
        };
        let Ok(trace) = cx.network().trace(
            Endpoint::Subnet(client),
            Endpoint::Hsm(hsm),
            Protocol::Tcp,
            port,
        ) else {
            continue;
        };
        let Verdict::Dropped { reason, .. } = &trace.verdict else {
            continue;
        };
        let at_peering = trace
            .failing_hop()
            .is_some_and(|h| h.elements.contains(&peering));
        if !at_peering {
            continue;
        }
        let finding = Finding::of(
            &RULE,
            format!(
                "HSM client subnet {} is peered across regions with payment HSM {}'s VNet: \
                 {reason}",
                cx.name(client),
                cx.name(hsm)
            ),
            vec![client, peering, hsm],
        );
        let ends = (cx.index().vnet(p.a), cx.index().vnet(p.b));
        let edit = match ends {
            (Some(va), Some(vb)) => vpn_instead(cx, p, va, vb),
            _ => None,
        };
        out.push(match edit {
            Some(edit) => finding.with_fix("Replace the peering with a VNet-to-VNet VPN", edit),
            None => finding,
        });
        return;
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Peering;
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    #[test]
    fn a_spoke_peered_with_another_regions_payment_hsm_vnet_trips_with_the_tracers_reason() {
        let mut design = build("payment-hsm-multi-vnet", &Size::default()).unwrap();
        let by_name =
            |d: &crate::model::Design, n: &str| d.vnets.iter().find(|v| v.name == n).unwrap().id;
        let host = by_name(&design, "phsm-host-westeurope");
        let spoke = by_name(&design, "app-northeurope-1");
        let id = design.next_id();
        design
            .peerings
            .push(Peering::new(id, "global".into(), host, spoke));
        let found = findings(&design, "payshield-no-global-peering");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].elements.contains(&id));
        assert!(
            found[0]
                .message
                .contains("Payment HSM does not support cross-region"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "payshield-no-global-peering");
        assert!(
            fixed.peerings.iter().all(|p| p.id != id),
            "the peering gives way"
        );
        for rule in [
            "payshield-no-global-peering",
            "peering-same-region",
            "payshield-vpn-active-passive",
            "cross-region-vpn",
        ] {
            assert!(findings(&fixed, rule).is_empty(), "{rule}");
        }
        let v2v = |d: &crate::model::Design| {
            d.connections
                .iter()
                .filter(|c| matches!(c.kind, crate::model::ConnectionKind::VnetToVnet { .. }))
                .count()
        };
        assert_eq!(v2v(&fixed), v2v(&design) + 1, "a VNet-to-VNet link instead");
    }

    #[test]
    fn quiet_on_the_presets_and_for_dedicated_hsms() {
        for name in ["payment-hsm", "payment-hsm-multi-vnet", "cross-region-ha"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(
                findings(&design, "payshield-no-global-peering").is_empty(),
                "{name}"
            );
        }
    }
}
