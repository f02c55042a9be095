//! `hsm-region-offered`: HSMs sit only in regions where their service is offered: Dedicated
//! HSM's regions for Luna HSMs, Payment HSM's for payShields (`azure::regions`).

use super::{Context, Finding, Rule, Severity};
use crate::azure::regions::HsmService;
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "hsm-region-offered",
    severities: &[Severity::Error],
    summary: "Every VNet holding HSMs is in a region where their service (Dedicated HSM or \
              Payment HSM) is offered.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "The region of each VNet that holds the host NIC of at least one HSM is on the \
                 list of regions offering that HSM's service: Dedicated HSM's for Luna HSMs (22 \
                 regions in the FAQ, plus East Asia from the deployment-architecture page), \
                 Payment HSM's for payShields (East US, West US, South Central US, Central US, \
                 North Europe, West Europe, Australia East, Australia Southeast). One finding \
                 per VNet and service, listing its HSMs.",
        why: "Both services are physical hardware installed in a subset of Azure datacentres, \
              and not the same subset: Payment HSM is in Central US, where Dedicated HSM is not, \
              and not in UK South, where Dedicated HSM is. Elsewhere the resource provider has \
              no stamps to place the device in, so the deployment is refused however the \
              network is built.",
        fix: "Move the HSM VNet to a region offering the service (for high availability, \
              usually a pair of them), or put the HSMs in a VNet that is in one. Workload \
              VNets may stay where they are and reach the HSMs over the network.",
        source: "Dedicated HSM FAQ, 'Which Azure regions is Dedicated HSM available in?'; \
                 deployment architecture page (adds East Asia). Payment HSM: support guide \
                 (payment-hsm/support-guide.md, 'Availability'; azure-security-docs, 2026) and \
                 FAQ 'Where is Azure Payment HSM available?' (which lacks Australia \
                 Southeast).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let facts = cx.index();
    for vnet in &cx.design.vnets {
        let hsms = facts.hsms_of(vnet.id);
        if hsms.is_empty() {
            continue;
        }
        let Some(region) = cx.index().region(vnet.region) else {
            continue;
        };
        for service in [HsmService::Dedicated, HsmService::Payment] {
            if service.offered(&region.location).is_some() {
                continue;
            }
            let of_service: Vec<Id> = hsms
                .iter()
                .copied()
                .filter(|h| {
                    cx.index()
                        .hsm(*h)
                        .is_some_and(|h| HsmService::of(h.is_payment()) == service)
                })
                .collect();
            if of_service.is_empty() {
                continue;
            }
            let names: Vec<String> = of_service.iter().map(|h| cx.name(*h)).collect();
            let place = if region.name == region.location || region.name.is_empty() {
                format!("'{}'", region.location)
            } else {
                format!("'{}' ({})", region.name, region.location)
            };
            let mut elements = vec![vnet.id];
            elements.extend_from_slice(&of_service);
            out.push(Finding::of(
                &RULE,
                format!(
                    "VNet {} is in region {place}, where {} is not offered, so {} {} cannot be \
                     deployed; move the HSMs to a VNet in a region offering it, such as West \
                     Europe or East US",
                    cx.name(vnet.id),
                    service.label(),
                    if of_service.len() == 1 { "HSM" } else { "HSMs" },
                    names.join(", "),
                ),
                elements,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::rules::testing::*;

    #[test]
    fn trips_once_per_vnet_in_a_region_without_dedicated_hsm() {
        let (mut b, ids) = hsm_vnet();
        let brazil = b.region("brazilsouth");
        b.vnet_mut(ids.vnet).region = brazil;
        let design = b.finish();
        let found = findings(&design, "hsm-region-offered");
        assert_eq!(found.len(), 1, "one finding per VNet, not per HSM");
        assert_eq!(found[0].elements, vec![ids.vnet, ids.hsm1, ids.hsm2]);
        let message = &found[0].message;
        for needle in ["'hsm-vnet'", "brazilsouth", "'hsm1'", "'hsm2'"] {
            assert!(message.contains(needle), "{needle}: {message}");
        }
        assert!(
            found[0].fix.is_none(),
            "moving a region is a design decision"
        );
    }

    #[test]
    fn passes_offered_regions_including_east_asia_and_display_names() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), "hsm-region-offered").is_empty());

        let (mut b, ids) = hsm_vnet();
        let east_asia = b.region("eastasia");
        b.vnet_mut(ids.vnet).region = east_asia;
        assert!(findings(&b.finish(), "hsm-region-offered").is_empty());

        // A region written with its display name still matches.
        let (mut b, ids) = hsm_vnet();
        let region = b.region("UK South");
        b.vnet_mut(ids.vnet).region = region;
        assert!(findings(&b.finish(), "hsm-region-offered").is_empty());
    }

    #[test]
    fn ignores_vnets_without_hsms_in_other_regions() {
        let (mut b, _) = hsm_vnet();
        let brazil = b.region("brazilsouth");
        let apps = b.vnet(brazil, "apps", &["10.20.0.0/16"]);
        b.client_subnet(apps, "workloads", "10.20.1.0/24");
        assert!(findings(&b.finish(), "hsm-region-offered").is_empty());
    }

    #[test]
    fn payment_hsms_are_checked_against_payment_hsms_regions() {
        use crate::azure::offered::PAYSHIELD_SKUS;
        let payshield = |b: &mut Builder, ids: &Small| {
            for h in [ids.hsm1, ids.hsm2] {
                b.hsm_mut(h).sku = PAYSHIELD_SKUS[0].to_string();
            }
        };
        // Central US offers Payment HSM, not Dedicated HSM.
        let (mut b, ids) = hsm_vnet();
        let central = b.region("centralus");
        b.vnet_mut(ids.vnet).region = central;
        payshield(&mut b, &ids);
        assert!(findings(&b.finish(), "hsm-region-offered").is_empty());

        // UK South offers Dedicated HSM, not Payment HSM.
        let (mut b, ids) = hsm_vnet();
        let uk = b.region("uksouth");
        b.vnet_mut(ids.vnet).region = uk;
        payshield(&mut b, &ids);
        let found = findings(&b.finish(), "hsm-region-offered");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("where Payment HSM is not offered"),
            "{}",
            found[0].message
        );

        // A VNet mixing both services in Central US: only the Luna HSM is reported.
        let (mut b, ids) = hsm_vnet();
        let central = b.region("centralus");
        b.vnet_mut(ids.vnet).region = central;
        b.hsm_mut(ids.hsm1).sku = PAYSHIELD_SKUS[0].to_string();
        let found = findings(&b.finish(), "hsm-region-offered");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.vnet, ids.hsm2]);
        assert!(found[0].message.contains("Dedicated HSM"));
    }

    #[test]
    fn reports_each_offending_vnet() {
        let mut b = Builder::new("two");
        let brazil = b.region("brazilsouth");
        let france = b.region("francecentral");
        let v1 = b.vnet(brazil, "v1", &["10.1.0.0/16"]);
        let v2 = b.vnet(france, "v2", &["10.2.0.0/16"]);
        let s1 = b.hsm_subnet(v1, "hsm", "10.1.1.0/28");
        let s2 = b.hsm_subnet(v2, "hsm", "10.2.1.0/28");
        b.hsm(s1, "a", "stamp1", None);
        b.hsm(s2, "b", "stamp1", None);
        let found = findings(&b.finish(), "hsm-region-offered");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].elements[0], v1);
        assert_eq!(found[1].elements[0], v2);
    }
}
