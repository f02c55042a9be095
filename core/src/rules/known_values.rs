//! `known-values`: the values a design names from Azure's lists (HSM stamps, gateway SKUs, VM
//! sizes, subnet delegations) are values Azure offers. The lists live in
//! [`crate::azure::offered`], each with its source.

use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::{
    canonical, DELEGATION_SERVICES, ER_GATEWAY_SKUS, ER_GATEWAY_SKUS_CLOSED, HSM_STAMPS, VM_SIZES,
    VPN_GATEWAY_SKUS, VPN_GATEWAY_SKUS_CLOSED,
};
use crate::edit::{Edit, Element};
use crate::model::GatewayKind;

pub static RULE: Rule = Rule {
    name: "known-values",
    severities: &[Severity::Error, Severity::Warning],
    summary: "HSM stamps, gateway SKUs, VM sizes and subnet delegations are values Azure offers.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each HSM's stamp is stamp1 or stamp2. Each VPN gateway's SKU is one a new VPN \
                 gateway can have (Basic, VpnGw1AZ to VpnGw5AZ) and each ExpressRoute gateway's \
                 one an ExpressRoute gateway can have (ErGw1AZ, ErGw2AZ, ErGw3AZ, ErGwScale, \
                 and the non-zone-redundant Standard, HighPerformance and UltraPerformance, \
                 which Azure recommends migrating but has not retired: what it retired is the \
                 Basic public IP they were paired with, which er-gateway-basic-ip reports). Each subnet delegation names a \
                 service subnets can be delegated to. These are errors. Each NVA's VM size is \
                 one the virtual-machine template schema lists; a size missing there is a \
                 warning, since Azure may still offer it in the region. Letter case is ignored, \
                 as Azure ignores it.",
        why: "A value Azure does not offer stops the deployment of that resource: an unknown \
              stamp, a gateway SKU of the other gateway type, a SKU Azure no longer creates \
              (VpnGw1 to VpnGw5 without AZ since 2025, the legacy VPN Standard and \
              HighPerformance, the ExpressRoute Basic SKU), or a delegation to a service that \
              does not exist. A VM size the template schema does not list fails the exported \
              template's validation.",
        fix: "The one-click fix corrects a spelling that differs only by surrounding spaces, \
              moves a non-AZ VpnGw SKU to its AZ counterpart (the migration Azure itself \
              performs) and an ExpressRoute Basic gateway to Standard. Other values: choose \
              one from the lists in the source.",
        source: "Stamps: Dedicated and Payment HSM CLI quickstarts (--stamp-id stamp1) and the \
                 deployment tutorial (an HSM in stamp 1 and one in stamp 2); the REST \
                 specification dedicatedhsm.json types stampId as a free string. VPN SKUs: \
                 vpn-gateway/about-gateway-skus.md and gateway-sku-consolidation.md. \
                 ExpressRoute SKUs: expressroute/expressroute-about-virtual-network-gateways.md \
                 'Gateway SKUs' and expressroute/gateway-migration.md. VM sizes: Microsoft.Compute 2024-07-01 template schema, \
                 HardwareProfile.vmSize. Delegations: the azurerm provider's \
                 subnetDelegationServiceNames.",
    },
    check,
};

/// A SKU that Azure no longer creates, with the SKU that replaces it (when the source names one).
type Closed = (&'static str, Option<&'static str>);

/// The SKUs of one gateway type, and how messages name the type ("an ExpressRoute gateway").
struct Skus {
    offered: &'static [&'static str],
    gone: &'static [Closed],
    kind: &'static str,
    a: &'static str,
}

fn skus(kind: GatewayKind) -> Skus {
    match kind {
        GatewayKind::Vpn => Skus {
            offered: &VPN_GATEWAY_SKUS,
            gone: &VPN_GATEWAY_SKUS_CLOSED,
            kind: "VPN",
            a: "a",
        },
        GatewayKind::ExpressRoute => Skus {
            offered: &ER_GATEWAY_SKUS,
            gone: &ER_GATEWAY_SKUS_CLOSED,
            kind: "ExpressRoute",
            a: "an",
        },
    }
}

/// Whether `value` is in `list`, ignoring letter case.
fn known(list: &[&str], value: &str) -> bool {
    list.iter().any(|v| v.eq_ignore_ascii_case(value))
}

/// The successor of a SKU Azure no longer creates, if `sku` is one: `Some(next)`.
fn closed(list: &[Closed], sku: &str) -> Option<Option<&'static str>> {
    list.iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(sku.trim()))
        .map(|(_, next)| *next)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    for hsm in &d.hsms {
        if known(&HSM_STAMPS, &hsm.stamp) {
            continue;
        }
        let finding = Finding::of(
            &RULE,
            format!(
                "HSM {} is placed on stamp {:?}; a region's HSMs sit on stamp1 or stamp2",
                cx.name(hsm.id),
                hsm.stamp
            ),
            vec![hsm.id],
        );
        out.push(match canonical(&HSM_STAMPS, &hsm.stamp) {
            Some(meant) => {
                let mut fixed = hsm.clone();
                fixed.stamp = meant.to_string();
                finding.with_fix(
                    format!("Set the stamp to {meant}"),
                    Edit::Replace(Element::Hsm(fixed)),
                )
            }
            None => finding,
        });
    }

    for g in &d.gateways {
        let Skus {
            offered,
            gone,
            kind,
            a,
        } = skus(g.kind);
        if known(offered, &g.sku) {
            continue;
        }
        let (why, to) = match (closed(gone, &g.sku), canonical(offered, &g.sku)) {
            (_, Some(meant)) => (
                format!("is not spelt the way Azure lists it ({meant:?})"),
                Some(meant),
            ),
            (Some(next), None) => (
                match next {
                    Some(n) => {
                        format!("is no longer offered for new {kind} gateways ({n} replaces it)")
                    }
                    None => format!("is no longer offered for new {kind} gateways"),
                },
                next,
            ),
            (None, None) => (
                format!(
                    "is not {a} {kind} gateway SKU (those are {})",
                    offered.join(", ")
                ),
                None,
            ),
        };
        let finding = Finding::of(
            &RULE,
            format!("gateway {} has SKU {:?}, which {why}", cx.name(g.id), g.sku),
            vec![g.id],
        );
        out.push(match to {
            Some(to) => {
                let mut fixed = g.clone();
                fixed.sku = to.to_string();
                finding.with_fix(
                    format!("Set the SKU to {to}"),
                    Edit::Replace(Element::Gateway(fixed)),
                )
            }
            None => finding,
        });
    }

    for nva in &d.nvas {
        if known(VM_SIZES, &nva.vm_size) {
            continue;
        }
        let finding = Finding::new(
            &RULE,
            Severity::Warning,
            format!(
                "NVA {} has VM size {:?}, which the virtual-machine template schema does not \
                 list: the exported template fails validation unless Azure offers that size \
                 in the region",
                cx.name(nva.id),
                nva.vm_size
            ),
            vec![nva.id],
        );
        out.push(match canonical(VM_SIZES, &nva.vm_size) {
            Some(meant) => {
                let mut fixed = nva.clone();
                fixed.vm_size = meant.to_string();
                finding.with_fix(
                    format!("Set the VM size to {meant}"),
                    Edit::Replace(Element::Nva(fixed)),
                )
            }
            None => finding,
        });
    }

    for vnet in &d.vnets {
        for subnet in &vnet.subnets {
            let Some(service) = &subnet.delegation else {
                continue;
            };
            if known(DELEGATION_SERVICES, service) {
                continue;
            }
            let finding = Finding::of(
                &RULE,
                format!(
                    "subnet {} of {} is delegated to {service:?}, which is not a service \
                     subnets can be delegated to",
                    cx.name(subnet.id),
                    cx.name(vnet.id)
                ),
                vec![subnet.id],
            );
            out.push(match canonical(DELEGATION_SERVICES, service) {
                Some(meant) => {
                    let mut fixed = subnet.clone();
                    fixed.delegation = Some(meant.to_string());
                    finding.with_fix(
                        format!("Delegate the subnet to {meant}"),
                        Edit::Replace(Element::Subnet {
                            vnet: vnet.id,
                            subnet: fixed,
                        }),
                    )
                }
                None => finding,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::rules::testing::*;
    use crate::rules::Severity;

    const RULE: &str = "known-values";

    #[test]
    fn passes_the_small_design_and_every_listed_value() {
        let (mut b, ids) = hsm_vnet();
        b.design.gateways[0].sku = "ergw2az".into();
        let apps = b.subnet(ids.vnet, "apps", "10.10.2.0/24");
        b.nva(apps, "nva1", "10.10.2.4");
        b.design.nvas[0].vm_size = "Standard_D4s_v3".into();
        assert!(findings(&b.finish(), RULE).is_empty());
        // The legacy, non-zone-redundant ExpressRoute SKUs are not retired.
        for legacy in ["Standard", "HighPerformance", "UltraPerformance"] {
            let (mut b, _) = hsm_vnet();
            b.design.gateways[0].sku = legacy.into();
            assert!(findings(&b.finish(), RULE).is_empty(), "{legacy}");
        }
    }

    #[test]
    fn an_unknown_stamp_trips_it_and_a_padded_one_is_respelt() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).stamp = "stamp3".into();
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm1]);
        assert!(
            found[0].message.contains("\"stamp3\""),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());

        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm2).stamp = " stamp2 ".into();
        let fixed = trips_once_and_fix_clears(&b.finish(), RULE, "'hsm2'");
        assert_eq!(fixed.hsm(ids.hsm2).unwrap().stamp, "stamp2");
    }

    #[test]
    fn a_non_az_vpn_sku_moves_to_its_az_counterpart() {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2", None);
        let fixed = trips_once_and_fix_clears(&b.finish(), RULE, "no longer offered");
        assert_eq!(fixed.gateway(vpn).unwrap().sku, "VpnGw2AZ");
    }

    #[test]
    fn a_basic_expressroute_gateway_moves_to_standard() {
        let (mut b, ids) = hsm_vnet();
        b.design.gateways[0].sku = "Basic".into();
        let fixed = trips_once_and_fix_clears(&b.finish(), RULE, "'hsm-ergw'");
        assert_eq!(fixed.gateway(ids.er_gateway).unwrap().sku, "Standard");
    }

    #[test]
    fn a_sku_of_the_other_gateway_type_trips_it_without_a_fix() {
        let (mut b, _) = hsm_vnet();
        b.design.gateways[0].sku = "VpnGw1AZ".into();
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("not an ExpressRoute gateway SKU"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn an_unlisted_vm_size_is_a_warning() {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "hub", &["10.0.0.0/16"]);
        let subnet = b.subnet(vnet, "nva", "10.0.1.0/24");
        let nva = b.nva(subnet, "nva1", "10.0.1.4");
        b.design.nvas[0].vm_size = "Standard_D2s_v9".into();
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].elements, vec![nva]);
        assert!(found[0].message.contains("Standard_D2s_v9"));
    }

    #[test]
    fn an_unknown_delegation_trips_it() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).delegation = Some("Microsoft.HSM/dedicated".into());
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet]);
        assert!(found[0].message.contains("Microsoft.HSM/dedicated"));

        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).delegation =
            Some("Microsoft.HardwareSecurityModules/dedicatedHSMs ".into());
        let fixed = trips_once_and_fix_clears(&b.finish(), RULE, "'hsm-subnet'");
        assert!(fixed.subnet(ids.hsm_subnet).unwrap().1.is_hsm_delegated());
    }
}
