//! `firewall-subnet`: an Azure Firewall sits in a subnet named AzureFirewallSubnet (in any
//! letter case, spelt the canonical way) of /26 or larger.

use super::fixes::enlarged;
use super::{Context, Finding, Rule, Severity};
use crate::addressing::first_usable;
use crate::azure::names::{is_firewall_subnet, FIREWALL_SUBNET};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt, HashSet};
use crate::model::{AddressMatch, Id, Subnet, Vnet};
use ipnet::Ipv4Net;
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    name: "firewall-subnet",
    severities: &[Severity::Error, Severity::Info],
    summary: "An Azure Firewall sits in a subnet named AzureFirewallSubnet of /26 or larger.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "The subnet of every Azure Firewall is named AzureFirewallSubnet and is a /26 or \
                 larger (errors). Azure compares resource names ignoring letter case, so \
                 'azurefirewallsubnet' is the firewall subnet too; another spelling than \
                 'AzureFirewallSubnet' is reported as information only.",
        why: "Azure deploys a firewall only into a subnet called AzureFirewallSubnet, and that \
              subnet needs at least a /26 so the firewall can scale out its instances. Any other \
              name or a smaller prefix makes the deployment fail. In the HSM hub the firewall is \
              what stands in for the NSGs and UDRs the HSM subnet cannot have.",
        fix: "Rename the subnet to AzureFirewallSubnet (when it holds only firewalls and the VNet \
              has no other subnet of that name) and grow it to /26: into the /26 containing it \
              when free, otherwise the first free /26. When the firewall's address changes, \
              routes and NSG rules of the VNet and its peers that point at the old address or \
              subnet follow it. A firewall subnet spelt otherwise is renamed to \
              'AzureFirewallSubnet'.",
        source: "Networking considerations, 'Solution Architecture' (firewall list, item 1); \
                 Azure Firewall FAQ (subnet size); Azure resource names are case-insensitive.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    // Firewalls per subnet, subnets in the order of their first firewall.
    let mut order = Vec::new();
    let mut firewalls: HashMap<Id, Vec<Id>> = HashMap::new();
    for f in &d.firewalls {
        let list = firewalls.entry(f.subnet).or_default();
        if list.is_empty() {
            order.push(f.subnet);
        }
        list.push(f.id);
    }
    respelt(cx, &firewalls, out);
    if order.is_empty() {
        return;
    }
    // Firewall subnets that hold other devices too.
    let busy: HashSet<Id> = d
        .hsms
        .iter()
        .map(|e| e.subnet)
        .chain(d.nvas.iter().map(|e| e.subnet))
        .chain(d.load_balancers.iter().map(|e| e.subnet))
        .chain(d.gateways.iter().map(|e| e.subnet))
        .filter(|s| firewalls.contains_key(s))
        .collect();

    for subnet_id in order {
        let Some((vnet, subnet)) = cx.index().subnet(subnet_id) else {
            continue;
        };
        let named = is_firewall_subnet(&subnet.name);
        let len = subnet.prefix.prefix_len();
        let big = len <= 26;
        if named && big {
            // The spelling, if not canonical, was reported as information above.
            continue;
        }
        let mut problems = Vec::new();
        if !named {
            problems.push("is not named AzureFirewallSubnet".to_string());
        }
        if !big {
            problems.push(format!(
                "is a /{len}, smaller than the /26 a firewall needs"
            ));
        }
        let ids = &firewalls[&subnet_id];
        let names: Vec<String> = ids.iter().map(|id| cx.name(*id)).collect();
        let mut elements = vec![subnet.id];
        elements.extend_from_slice(ids);
        let finding = Finding::of(
            &RULE,
            format!(
                "firewall {} sits in subnet {} of {}, which {}",
                names.join(", "),
                cx.name(subnet.id),
                cx.name(vnet.id),
                problems.join(" and ")
            ),
            elements,
        );
        let only_firewalls =
            !busy.contains(&subnet.id) && !subnet.hsm_client && subnet.delegation.is_none();
        out.push(match fix(cx, vnet, subnet, only_firewalls) {
            Some((label, edit)) => finding.with_fix(label, edit),
            None => finding,
        });
    }
}

/// The firewall subnet spelt another way than the canonical one, as information with a rename,
/// unless it holds a firewall and is too small (then the error below renames it as well).
fn respelt(cx: &Context, firewalls: &HashMap<Id, Vec<Id>>, out: &mut Vec<Finding>) {
    for vnet in &cx.design.vnets {
        // Two subnets of one name (in any case) are azure-name-valid's to report.
        let alone = vnet
            .subnets
            .iter()
            .filter(|s| is_firewall_subnet(&s.name))
            .count()
            == 1;
        let spelt_otherwise = vnet.subnets.iter().filter(|s| {
            is_firewall_subnet(&s.name)
                && s.name != FIREWALL_SUBNET
                && !(firewalls.contains_key(&s.id) && s.prefix.prefix_len() > 26)
        });
        for subnet in spelt_otherwise {
            let finding = Finding::new(
                &RULE,
                Severity::Info,
                format!(
                    "subnet {} of {} is the firewall subnet (Azure ignores letter case in names), \
                     but is spelt {:?} rather than \"AzureFirewallSubnet\"",
                    cx.name(subnet.id),
                    cx.name(vnet.id),
                    subnet.name
                ),
                vec![subnet.id],
            );
            let mut renamed = subnet.clone();
            renamed.name = FIREWALL_SUBNET.to_string();
            let edit = Edit::Replace(Element::Subnet {
                vnet: vnet.id,
                subnet: renamed,
            });
            out.push(if alone {
                finding.with_fix("Rename the subnet to AzureFirewallSubnet", edit)
            } else {
                finding
            });
        }
    }
}

/// Renames and/or grows the subnet, and points routes and NSG rules at its new place.
fn fix(cx: &Context, vnet: &Vnet, subnet: &Subnet, only_firewalls: bool) -> Option<(String, Edit)> {
    if !only_firewalls {
        return None;
    }
    let taken = vnet
        .subnets
        .iter()
        .any(|s| s.id != subnet.id && is_firewall_subnet(&s.name));
    if taken {
        return None;
    }
    let mut fixed = subnet.clone();
    fixed.name = FIREWALL_SUBNET.to_string();
    let mut steps = Vec::new();
    if subnet.name != FIREWALL_SUBNET {
        steps.push("Rename the subnet to AzureFirewallSubnet".to_string());
    }
    if subnet.prefix.prefix_len() > 26 {
        fixed.prefix = enlarged(vnet, subnet, 26)?;
        steps.push(format!("enlarge it to {}", fixed.prefix));
    }
    let mut edits = vec![Edit::Replace(Element::Subnet {
        vnet: vnet.id,
        subnet: fixed.clone(),
    })];
    edits.extend(follow(cx, vnet, subnet.prefix, fixed.prefix));
    let mut label = steps.join(" and ");
    label[..1].make_ascii_uppercase();
    Some((label, Edit::Batch(edits)))
}

/// Edits that keep routes and NSG rules of the firewall's VNet and its peers pointing at the
/// firewall when its subnet moves from `old` to `new`.
fn follow(cx: &Context, vnet: &Vnet, old: Ipv4Net, new: Ipv4Net) -> Vec<Edit> {
    let d = cx.design;
    let (old_ip, new_ip) = (first_usable(&old), first_usable(&new));
    let (old, new) = (old.trunc(), new.trunc());
    if old_ip == new_ip && old == new {
        return Vec::new();
    }
    let mut near: HashSet<Id> = HashSet::from_iter([vnet.id]);
    near.extend(d.peerings.iter().filter_map(|p| p.other_end(vnet.id)));
    let mut tables = BTreeSet::new();
    let mut nsgs = BTreeSet::new();
    for s in d
        .vnets
        .iter()
        .filter(|v| near.contains(&v.id))
        .flat_map(|v| &v.subnets)
    {
        tables.extend(s.route_table);
        nsgs.extend(s.nsg);
    }
    let mut edits = Vec::new();
    for rt in tables
        .into_iter()
        .filter_map(|id| cx.index().route_table(id))
    {
        if old_ip == new_ip || !rt.routes.iter().any(|r| r.next_hop_ip == Some(old_ip)) {
            continue;
        }
        let mut moved = rt.clone();
        for r in &mut moved.routes {
            if r.next_hop_ip == Some(old_ip) {
                r.next_hop_ip = Some(new_ip);
            }
        }
        edits.push(Edit::Replace(Element::RouteTable(moved)));
    }
    let is_old = |m: &AddressMatch| matches!(m, AddressMatch::Prefix(p) if p.trunc() == old);
    for nsg in nsgs.into_iter().filter_map(|id| cx.index().nsg(id)) {
        if old == new
            || !nsg
                .rules
                .iter()
                .any(|r| is_old(&r.source) || is_old(&r.destination))
        {
            continue;
        }
        let mut moved = nsg.clone();
        for r in &mut moved.rules {
            if is_old(&r.source) {
                r.source = AddressMatch::Prefix(new);
            }
            if is_old(&r.destination) {
                r.destination = AddressMatch::Prefix(new);
            }
        }
        edits.push(Edit::Replace(Element::Nsg(moved)));
    }
    edits
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{net, nsg_rule, route, Builder};
    use crate::model::{Access, AddressMatch, Direction, NextHop, Protocol};
    use crate::rules::testing::*;
    use crate::rules::Severity;

    const RULE: &str = "firewall-subnet";

    /// A hub with a firewall in `name` at `prefix`, an NVA subnet routing to the firewall and
    /// admitting its subnet. Returns (design, firewall subnet, route table, nsg).
    fn hub(
        name: &str,
        prefix: &str,
    ) -> (
        Builder,
        crate::model::Id,
        crate::model::Id,
        crate::model::Id,
    ) {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "hub", &["10.0.0.0/16"]);
        let fw_subnet = b.subnet(vnet, name, prefix);
        b.firewall(fw_subnet, "fw", vec![]);
        let nva_subnet = b.subnet(vnet, "nva", "10.0.2.0/24");
        let fw_ip = crate::addressing::first_usable(&net(prefix)).to_string();
        let rt = b.route_table(
            "nva-rt",
            vec![route(
                "onprem",
                "192.168.0.0/16",
                NextHop::VirtualAppliance,
                Some(&fw_ip),
            )],
            &[nva_subnet],
        );
        let nsg = b.nsg(
            "nva-nsg",
            vec![nsg_rule(
                "from-fw",
                100,
                Direction::Inbound,
                Access::Allow,
                Protocol::Tcp,
                prefix,
                "*",
                "1792",
            )],
            &[nva_subnet],
        );
        (b, fw_subnet, rt, nsg)
    }

    #[test]
    fn passes_a_slash_26_azure_firewall_subnet() {
        let (b, ..) = hub("AzureFirewallSubnet", "10.0.1.0/26");
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_misnamed_subnet_is_renamed() {
        let (b, subnet, rt, _) = hub("firewall", "10.0.1.0/26");
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("'firewall'"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("'fw'"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, RULE);
        let (_, s) = fixed.subnet(subnet).unwrap();
        assert_eq!(
            (s.name.as_str(), s.prefix),
            ("AzureFirewallSubnet", net("10.0.1.0/26"))
        );
        assert_eq!(
            fixed.route_table(rt),
            design.route_table(rt),
            "nothing else changes"
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_small_subnet_grows_in_place_and_keeps_the_firewall_address() {
        let (b, subnet, rt, _) = hub("AzureFirewallSubnet", "10.0.1.0/27");
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("/27"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.subnet(subnet).unwrap().1.prefix, net("10.0.1.0/26"));
        assert_eq!(fixed.route_table(rt), design.route_table(rt));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn when_the_firewall_address_moves_routes_and_nsg_rules_follow() {
        let (b, subnet, rt, nsg) = hub("AzureFirewallSubnet", "10.0.1.96/27");
        let design = b.finish();
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.subnet(subnet).unwrap().1.prefix, net("10.0.1.64/26"));
        let hop = fixed.route_table(rt).unwrap().routes[0]
            .next_hop_ip
            .unwrap();
        assert_eq!(hop.to_string(), "10.0.1.68");
        let source = fixed.nsg(nsg).unwrap().rules[0].source;
        assert_eq!(source, AddressMatch::Prefix(net("10.0.1.64/26")));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn rename_and_enlarge_in_one_fix() {
        let (b, subnet, ..) = hub("fw-subnet", "10.0.1.0/28");
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.as_ref().unwrap().label.starts_with("Rename"));
        let fixed = apply_first_fix(&design, RULE);
        let (_, s) = fixed.subnet(subnet).unwrap();
        assert_eq!(
            (s.name.as_str(), s.prefix),
            ("AzureFirewallSubnet", net("10.0.1.0/26"))
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn another_letter_case_is_information_and_the_fix_restores_the_spelling() {
        let (b, subnet, ..) = hub("azurefirewallsubnet", "10.0.1.0/26");
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Info);
        assert!(
            found[0].message.contains("\"azurefirewallsubnet\""),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(fixed.subnet(subnet).unwrap().1.name, "AzureFirewallSubnet");
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_small_subnet_in_another_case_is_an_error_whose_fix_also_respells() {
        let (b, subnet, ..) = hub("AZUREFIREWALLSUBNET", "10.0.1.0/27");
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert!(
            !found[0].message.contains("not named"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let (_, s) = fixed.subnet(subnet).unwrap();
        assert_eq!(
            (s.name.as_str(), s.prefix),
            ("AzureFirewallSubnet", net("10.0.1.0/26"))
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn no_fix_when_the_subnet_holds_other_devices() {
        let (mut b, subnet, ..) = hub("dmz", "10.0.1.0/26");
        b.nva(subnet, "nva-in-dmz", "10.0.1.10");
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn no_rename_when_the_vnet_already_has_an_azure_firewall_subnet() {
        let (mut b, subnet, ..) = hub("dmz", "10.0.1.0/26");
        let vnet = b.design.vnets[0].id;
        b.subnet(vnet, "AzureFirewallSubnet", "10.0.3.0/26");
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements[0], subnet);
        assert!(found[0].fix.is_none());
    }
}
