//! `payshield-no-private-endpoint-vnet`: no private endpoint in a VNet holding a payment HSM's
//! NIC.

use super::select::payment_vnets;
use super::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "payshield-no-private-endpoint-vnet",
    severities: &[Severity::Error],
    summary:
        "No private endpoint lives in a VNet that holds a payment HSM's host or management NIC.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each private endpoint: its subnet is not in a VNet holding a payment HSM's host \
                 or management NIC (peered VNets are not checked).",
        why: "Azure Payment HSM lists connectivity to private endpoints among what it does not \
              support: its delegated subnets sit on the FastPath data path, and a private \
              endpoint beside them is neither reachable from the HSMs nor a supported way to \
              reach them. The catalogue states it as no private endpoint in the HSMs' VNet; \
              the source's own wording is 'Connectivity to private endpoints: No'.",
        fix: "Move the private endpoint (and whatever uses it) to another VNet, such as an \
              application or shared-services VNet, and reach it from there.",
        source: "Azure Payment HSM solution design (payment-hsm/solution-design.md), \
                 'Constraints': 'Connectivity to private endpoints: No'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let holding: Vec<(crate::model::Id, crate::model::Id)> = payment_vnets(cx)
        .into_iter()
        .filter(|(_, _, peered)| !peered)
        .map(|(vnet, hsm, _)| (vnet, hsm))
        .collect();
    if holding.is_empty() {
        return;
    }
    for endpoint in &cx.design.private_endpoints {
        let Some(vnet) = cx.index().vnet_of_subnet(endpoint.subnet) else {
            continue;
        };
        let Some(&(_, hsm)) = holding.iter().find(|(v, _)| *v == vnet.id) else {
            continue;
        };
        out.push(Finding::of(
            &RULE,
            format!(
                "private endpoint {} is in VNet {}, which holds payment HSM {}'s NIC; Azure \
                 Payment HSM does not support private endpoints beside its HSMs: move the \
                 endpoint to another VNet",
                cx.name(endpoint.id),
                cx.name(vnet.id),
                cx.name(hsm)
            ),
            vec![endpoint.id, vnet.id, hsm],
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::Design;
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    /// payment-hsm with a Cloud HSM cluster's private endpoint in a new subnet of the VNet
    /// holding the first payment HSM (`in_hsm_vnet`) or of an application VNet.
    fn with_endpoint(in_hsm_vnet: bool) -> Design {
        let mut b = Builder::from(build("payment-hsm", &Size::default()).unwrap());
        let design = &b.design;
        let hsm_subnet = design.hsms[0].subnet;
        let hsm_vnet = design
            .vnets
            .iter()
            .find(|v| v.subnets.iter().any(|s| s.id == hsm_subnet))
            .unwrap();
        let vnet = if in_hsm_vnet {
            hsm_vnet
        } else {
            design.vnets.iter().find(|v| v.id != hsm_vnet.id).unwrap()
        };
        let prefix = crate::addressing::next_free_prefix(vnet, 28, None)
            .unwrap()
            .to_string();
        let (vnet, region) = (vnet.id, vnet.region);
        let subnet = b.subnet(vnet, "endpoints", &prefix);
        let cluster = b.cloud_hsm_cluster(region, "chsm-1");
        b.private_endpoint(subnet, cluster, "chsm-pe", None);
        b.finish()
    }

    #[test]
    fn an_endpoint_in_the_payment_hsm_vnet_trips() {
        let found = findings(&with_endpoint(true), "payshield-no-private-endpoint-vnet");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("chsm-pe"), "{}", found[0].message);
    }

    #[test]
    fn quiet_for_an_endpoint_elsewhere_and_on_the_presets() {
        assert!(findings(&with_endpoint(false), "payshield-no-private-endpoint-vnet").is_empty());
        for name in ["payment-hsm", "payment-hsm-multi-vnet", "cloud-hsm"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(
                findings(&design, "payshield-no-private-endpoint-vnet").is_empty(),
                "{name}"
            );
        }
    }
}
