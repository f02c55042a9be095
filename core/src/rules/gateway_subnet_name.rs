//! `gateway-subnet-name`: gateways sit only in the subnet named GatewaySubnet (in any letter
//! case), nothing else sits there, and the name is spelt the canonical way.

use super::fixes::planned;
use super::select::gateway_subnet_of;
use super::{Context, Finding, Rule, Severity};
use crate::azure::names::{is_gateway_subnet, GATEWAY_SUBNET};
use crate::draw::new::{self, SubnetRole};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::model::{Gateway, Id, Subnet, Vnet};

/// Devices other than gateways, per subnet, in design order.
fn other_devices(cx: &Context) -> HashMap<Id, Vec<Id>> {
    let d = cx.design;
    let mut map: HashMap<Id, Vec<Id>> = HashMap::new();
    let devices = d
        .hsms
        .iter()
        .map(|e| (e.subnet, e.id))
        .chain(d.nvas.iter().map(|e| (e.subnet, e.id)))
        .chain(d.load_balancers.iter().map(|e| (e.subnet, e.id)))
        .chain(d.firewalls.iter().map(|e| (e.subnet, e.id)));
    for (subnet, id) in devices {
        map.entry(subnet).or_default().push(id);
    }
    map
}

pub static RULE: Rule = Rule {
    name: "gateway-subnet-name",
    severities: &[Severity::Error, Severity::Info],
    summary:
        "Gateways sit only in the subnet named GatewaySubnet, which holds nothing but gateways.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every ExpressRoute or VPN gateway is placed in a subnet named GatewaySubnet, and \
                 every subnet of that name holds gateways only: no HSM, NVA, load balancer, \
                 firewall, and no HSM client workloads (errors). Azure compares resource names \
                 ignoring letter case, so 'gatewaysubnet' is the gateway subnet too; another \
                 spelling than 'GatewaySubnet' is reported as information only.",
        why: "Azure deploys virtual network gateways only into the subnet called GatewaySubnet; \
              any other name makes the gateway deployment fail. The gateway VMs use that subnet \
              for themselves, and other resources placed there break or are refused. The \
              canonical spelling is what the documentation, scripts and reviewers look for.",
        fix: "Rename the subnet to GatewaySubnet when it holds only gateways and the VNet has no \
              GatewaySubnet yet; otherwise move the gateways into the VNet's GatewaySubnet \
              (adding a /27 one when missing). Move any other workload out of GatewaySubnet by \
              hand. A gateway subnet spelt otherwise is renamed to 'GatewaySubnet'.",
        source: "VPN Gateway settings, 'Gateway subnet'; Networking considerations, 'ExpressRoute \
                 gateway'; Azure resource names are case-insensitive (the azurerm provider's \
                 acceptance test deploys an ExpressRoute gateway into 'gatewaysubnet').",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    let others = other_devices(cx);

    // Gateways outside GatewaySubnet: one finding per subnet, in the order of its first gateway.
    let mut by_subnet: HashMap<Id, Vec<&Gateway>> = HashMap::new();
    for g in &d.gateways {
        by_subnet.entry(g.subnet).or_default().push(g);
    }
    let mut seen = HashSet::new();
    for g in &d.gateways {
        let Some((vnet, subnet)) = cx.index().subnet(g.subnet) else {
            continue;
        };
        if is_gateway_subnet(&subnet.name) || !seen.insert(subnet.id) {
            continue;
        }
        let gateways = by_subnet.get(&subnet.id).map(Vec::as_slice).unwrap_or(&[]);
        let names: Vec<String> = gateways.iter().map(|g| cx.name(g.id)).collect();
        let mut elements = vec![subnet.id];
        elements.extend(gateways.iter().map(|g| g.id));
        let finding = Finding::of(
            &RULE,
            format!(
                "gateway {} sits in subnet {} of {}; Azure places gateways only in the subnet \
                 named GatewaySubnet",
                names.join(", "),
                cx.name(subnet.id),
                cx.name(vnet.id)
            ),
            elements,
        );
        let only_gateways =
            !others.contains_key(&subnet.id) && !subnet.hsm_client && subnet.delegation.is_none();
        out.push(match fix(cx, vnet, subnet, gateways, only_gateways) {
            Some((label, edit)) => finding.with_fix(label, edit),
            None => finding,
        });
    }

    // Anything but gateways inside GatewaySubnet.
    for vnet in &d.vnets {
        for subnet in vnet.subnets.iter().filter(|s| is_gateway_subnet(&s.name)) {
            let intruders = others.get(&subnet.id).map(Vec::as_slice).unwrap_or(&[]);
            if intruders.is_empty() && !subnet.hsm_client {
                continue;
            }
            let mut what: Vec<String> = intruders.iter().map(|id| cx.name(*id)).collect();
            if subnet.hsm_client {
                what.push("HSM client workloads".to_string());
            }
            let mut elements = vec![subnet.id];
            elements.extend_from_slice(intruders);
            out.push(Finding::of(
                &RULE,
                format!(
                    "GatewaySubnet {} of {} holds {}; only gateways may sit there: move them to \
                     another subnet",
                    cx.name(subnet.id),
                    cx.name(vnet.id),
                    what.join(", ")
                ),
                elements,
            ));
        }
    }

    // The gateway subnet spelt another way than the canonical one.
    for vnet in &d.vnets {
        // Two subnets of one name (in any case) are azure-name-valid's to report; renaming one
        // of them would not settle which is the gateway subnet.
        let alone = vnet
            .subnets
            .iter()
            .filter(|s| is_gateway_subnet(&s.name))
            .count()
            == 1;
        let spelt_otherwise = vnet
            .subnets
            .iter()
            .filter(|s| is_gateway_subnet(&s.name) && s.name != GATEWAY_SUBNET);
        for subnet in spelt_otherwise {
            let finding = Finding::new(
                &RULE,
                Severity::Info,
                format!(
                    "subnet {} of {} is the gateway subnet (Azure ignores letter case in names), \
                     but is spelt {:?} rather than \"GatewaySubnet\"",
                    cx.name(subnet.id),
                    cx.name(vnet.id),
                    subnet.name
                ),
                vec![subnet.id],
            );
            out.push(if alone {
                finding.with_fix("Rename the subnet to GatewaySubnet", rename(vnet, subnet))
            } else {
                finding
            });
        }
    }
}

/// The subnet renamed to the canonical GatewaySubnet.
fn rename(vnet: &Vnet, subnet: &Subnet) -> Edit {
    let mut renamed = subnet.clone();
    renamed.name = GATEWAY_SUBNET.to_string();
    Edit::Replace(Element::Subnet {
        vnet: vnet.id,
        subnet: renamed,
    })
}

/// Renames the subnet when it holds only gateways and the VNet has no GatewaySubnet; otherwise
/// moves its gateways into the VNet's GatewaySubnet, adding one when missing.
fn fix(
    cx: &Context,
    vnet: &Vnet,
    subnet: &Subnet,
    gateways: &[&Gateway],
    only_gateways: bool,
) -> Option<(String, Edit)> {
    let existing = gateway_subnet_of(vnet);
    if only_gateways && existing.is_none() {
        return Some((
            "Rename the subnet to GatewaySubnet".to_string(),
            rename(vnet, subnet),
        ));
    }
    let label = match existing {
        Some(_) => "Move the gateways into GatewaySubnet",
        None => "Add a GatewaySubnet and move the gateways into it",
    };
    let edit = planned(cx.design, |plan| {
        let target = new::special_subnet(plan, vnet.id, SubnetRole::Gateway)?;
        gateways
            .iter()
            .try_for_each(|g| new::gateway_into(plan, g.id, target))
    })?;
    Some((label.to_string(), edit))
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::rules::testing::*;
    use crate::rules::Severity;

    const RULE: &str = "gateway-subnet-name";

    #[test]
    fn trips_on_a_misnamed_gateway_subnet_and_the_rename_clears_it() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).name = "gateways".into();
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.gateway_subnet, ids.er_gateway]);
        assert!(
            found[0].message.contains("'gateways'"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("'hsm-ergw'"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.subnet(ids.gateway_subnet).unwrap().1.name,
            "GatewaySubnet"
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn passes_a_gateway_in_gateway_subnet() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn another_letter_case_is_information_and_the_fix_restores_the_spelling() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).name = "gatewaysubnet".into();
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Info);
        assert_eq!(found[0].elements, vec![ids.gateway_subnet]);
        assert!(
            found[0].message.contains("\"gatewaysubnet\""),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.subnet(ids.gateway_subnet).unwrap().1.name,
            "GatewaySubnet"
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn another_letter_case_still_holds_gateways_and_refuses_other_devices() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).name = "GATEWAYSUBNET".into();
        let nva = b.nva(ids.gateway_subnet, "nva1", "10.10.255.10");
        let found = findings(&b.finish(), RULE);
        let errors: Vec<_> = found
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "{found:?}");
        assert!(errors[0].elements.contains(&nva));
        assert!(!errors[0].elements.contains(&ids.er_gateway));
    }

    #[test]
    fn no_rename_when_the_vnet_has_two_gateway_subnets_in_different_cases() {
        let (mut b, ids) = hsm_vnet();
        b.subnet(ids.vnet, "gatewaySubnet", "10.10.254.0/27");
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Info);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn a_gateway_in_a_workload_subnet_moves_into_the_existing_gateway_subnet() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.subnet(ids.vnet, "apps", "10.10.2.0/24");
        b.nva(apps, "nva1", "10.10.2.4");
        let vpn = b.vpn_gateway(apps, "vpngw", "VpnGw2AZ", None);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![apps, vpn]);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.gateway(vpn).unwrap().subnet, ids.gateway_subnet);
        assert_eq!(
            fixed.subnet(apps).unwrap().1.name,
            "apps",
            "the workload subnet keeps its name"
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_gateway_in_a_shared_subnet_without_gateway_subnet_gets_a_new_one() {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "spoke", &["10.1.0.0/16"]);
        let apps = b.client_subnet(vnet, "apps", "10.1.0.0/24");
        let gw = b.vpn_gateway(apps, "vpngw", "VpnGw1AZ", None);
        let design = b.finish();
        assert_eq!(findings(&design, RULE).len(), 1);
        let fixed = apply_first_fix(&design, RULE);
        let (_, target) = fixed.subnet(fixed.gateway(gw).unwrap().subnet).unwrap();
        assert_eq!(target.name, "GatewaySubnet");
        assert_eq!(target.prefix.to_string(), "10.1.1.0/27");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn trips_on_anything_but_gateways_in_gateway_subnet_without_a_fix() {
        let (mut b, ids) = hsm_vnet();
        let nva = b.nva(ids.gateway_subnet, "nva1", "10.10.255.10");
        b.subnet_mut(ids.gateway_subnet).hsm_client = true;
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.gateway_subnet, nva]);
        assert!(found[0].message.contains("'nva1'"), "{}", found[0].message);
        assert!(
            found[0].message.contains("HSM client"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn client_workloads_alone_in_gateway_subnet_trip_it() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).hsm_client = true;
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.gateway_subnet]);
    }

    #[test]
    fn an_hsm_in_gateway_subnet_trips_it() {
        let (mut b, ids) = hsm_vnet();
        let hsm = b.hsm(ids.gateway_subnet, "hsm3", "stamp1", None);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].elements.contains(&hsm));
    }
}
