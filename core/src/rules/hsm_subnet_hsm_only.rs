//! `hsm-subnet-hsm-only`: a subnet delegated to Dedicated HSM holds HSMs and nothing else.

use super::select::hsm_subnets;
use super::wording::natural_list;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashSet};
use crate::model::{Id, Kind};

pub static RULE: Rule = Rule {
    name: "hsm-subnet-hsm-only",
    severities: &[Severity::Error],
    summary: "A subnet delegated to Dedicated HSM (or holding an HSM) holds HSMs only.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "No gateway, firewall, load balancer or NVA sits in a subnet that is delegated to \
                 Dedicated HSM or holds an HSM, and such a subnet is not marked as running HSM \
                 client workloads (virtual machines).",
        why: "Once a subnet is delegated to Microsoft.HardwareSecurityModules/dedicatedHSMs it \
              can be used for HSM resources only: deploying any other resource into it, a VM, \
              an NVA, a load balancer frontend, a gateway, a firewall or a private endpoint, \
              fails.",
        fix: "Move the other resources to a subnet of their own (client VMs and NVAs to a \
              workload or proxy subnet, gateways to GatewaySubnet, firewalls to \
              AzureFirewallSubnet). When the subnet holds no HSM, the one-click fix removes the \
              delegation instead; when client workloads are the only intruder, it clears the \
              client mark.",
        source: "Networking considerations, 'Subnets'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let subnets = hsm_subnets(cx);
    if subnets.is_empty() {
        return;
    }
    let position: HashMap<Id, usize> = subnets
        .iter()
        .enumerate()
        .map(|(i, (_, s))| (s.id, i))
        .collect();
    let with_hsms: HashSet<Id> = cx.design.hsms.iter().map(|h| h.subnet).collect();

    // Other devices per HSM subnet, in a stable order: by kind, then design order.
    let d = cx.design;
    let mut intruders: Vec<Vec<Id>> = vec![Vec::new(); subnets.len()];
    let devices = d
        .gateways
        .iter()
        .map(|e| (e.id, e.subnet))
        .chain(d.firewalls.iter().map(|e| (e.id, e.subnet)))
        .chain(d.load_balancers.iter().map(|e| (e.id, e.subnet)))
        .chain(d.nvas.iter().map(|e| (e.id, e.subnet)));
    for (id, subnet) in devices {
        if let Some(&i) = position.get(&subnet) {
            intruders[i].push(id);
        }
    }

    for ((vnet, subnet), others) in subnets.into_iter().zip(intruders) {
        if others.is_empty() && !subnet.hsm_client {
            continue;
        }
        let mut what: Vec<String> = others
            .iter()
            .map(|id| {
                let kind = cx.index().kind(*id).map(Kind::label).unwrap_or("element");
                format!("{kind} {}", cx.name(*id))
            })
            .collect();
        if subnet.hsm_client {
            what.push("HSM client workloads (VMs)".to_string());
        }
        let holds_hsms = with_hsms.contains(&subnet.id);
        let why = if subnet.is_hsm_delegated() {
            "is delegated to Dedicated HSM"
        } else {
            "holds HSMs"
        };
        let mut elements = vec![subnet.id];
        elements.extend_from_slice(&others);
        let mut finding = Finding::of(
            &RULE,
            format!(
                "subnet {} in {} {why} but also holds {}; a delegated HSM subnet accepts HSMs \
                 only, so move {} to another subnet",
                cx.name(subnet.id),
                cx.name(vnet.id),
                natural_list(&what),
                if what.len() == 1 { "it" } else { "them" },
            ),
            elements,
        );
        if !holds_hsms && subnet.is_hsm_delegated() {
            // Nothing of Dedicated HSM lives here: the delegation is the mistake.
            let mut undelegated = subnet.clone();
            undelegated.delegation = None;
            finding = finding.with_fix(
                "Remove the Dedicated HSM delegation (the subnet holds no HSM)",
                Edit::Replace(Element::Subnet {
                    vnet: vnet.id,
                    subnet: undelegated,
                }),
            );
        } else if others.is_empty() {
            let mut cleared = subnet.clone();
            cleared.hsm_client = false;
            finding = finding.with_fix(
                "Unmark the HSM subnet as a client workload subnet",
                Edit::Replace(Element::Subnet {
                    vnet: vnet.id,
                    subnet: cleared,
                }),
            );
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_nva_and_a_load_balancer_beside_hsms() {
        let (mut b, ids) = hsm_vnet();
        let nva = b.nva(ids.hsm_subnet, "proxy", "10.10.1.8");
        let lb = b.luna_load_balancer(ids.hsm_subnet, "ilb", "10.10.1.9", &[nva]);
        let found = findings(&b.finish(), "hsm-subnet-hsm-only");
        assert_eq!(found.len(), 1, "one finding per subnet");
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, lb, nva]);
        let message = &found[0].message;
        assert!(message.contains("NVA 'proxy'"), "{message}");
        assert!(
            message.contains("load balancer 'ilb' and NVA 'proxy'"),
            "{message}"
        );
        assert!(
            found[0].fix.is_none(),
            "moving devices needs a target subnet"
        );
    }

    #[test]
    fn trips_on_a_gateway_and_a_firewall() {
        let (mut b, ids) = hsm_vnet();
        let gw = b.vpn_gateway(ids.hsm_subnet, "vpngw", "VpnGw1", None);
        let fw = b.firewall(ids.hsm_subnet, "fw", vec![]);
        let found = findings(&b.finish(), "hsm-subnet-hsm-only");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm_subnet, gw, fw]);
    }

    #[test]
    fn client_workloads_in_the_hsm_subnet_are_fixed_by_clearing_the_mark() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).hsm_client = true;
        let design = b.finish();
        let found = findings(&design, "hsm-subnet-hsm-only");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("client"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, "hsm-subnet-hsm-only");
        let (_, subnet) = fixed.subnet(ids.hsm_subnet).unwrap();
        assert!(!subnet.hsm_client);
        assert!(subnet.is_hsm_delegated(), "the delegation stays");
        assert!(findings(&fixed, "hsm-subnet-hsm-only").is_empty());
    }

    #[test]
    fn a_wrongly_delegated_subnet_without_hsms_loses_its_delegation() {
        let (mut b, ids) = hsm_vnet();
        let proxies = b.hsm_subnet(ids.vnet, "proxies", "10.10.2.0/24");
        b.nva(proxies, "nva1", "10.10.2.4");
        let design = b.finish();
        let found = findings(&design, "hsm-subnet-hsm-only");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[0], proxies);
        let fixed = apply_first_fix(&design, "hsm-subnet-hsm-only");
        assert_eq!(fixed.subnet(proxies).unwrap().1.delegation, None);
        assert!(findings(&fixed, "hsm-subnet-hsm-only").is_empty());
    }

    #[test]
    fn an_undelegated_subnet_holding_an_hsm_and_a_vm_tier_counts() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).delegation = None;
        b.nva(ids.hsm_subnet, "proxy", "10.10.1.8");
        assert_eq!(findings(&b.finish(), "hsm-subnet-hsm-only").len(), 1);
    }

    #[test]
    fn passes_hsms_alone_and_devices_in_ordinary_subnets() {
        let (mut b, ids) = hsm_vnet();
        let apps = b.client_subnet(ids.vnet, "apps", "10.10.2.0/24");
        b.nva(apps, "proxy", "10.10.2.4");
        assert!(findings(&b.finish(), "hsm-subnet-hsm-only").is_empty());
    }
}
