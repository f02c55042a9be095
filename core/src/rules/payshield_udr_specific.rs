//! `payshield-udr-specific`: a user route that carries traffic to a payment HSM is at least as
//! specific as the HSM's delegated subnet. Which route carries it is the tracer's answer
//! (`Network::route`, the route Azure picks for the HSM's address in each subnet of the HSM's
//! VNet and of the VNets peered with it); this rule only compares its length with the subnet's.
//!
//! The fix adds, to the same route table, a route for the delegated subnet's prefix with the
//! broad route's next hop: the traffic keeps going where the broad route meant it to, through a
//! route Payment HSM honours.

use super::select::payment_hsms;
use super::{Context, Finding, Rule, Severity};
use crate::addressing::first_usable;
use crate::draw::names::unique_among;
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::model::{Hsm, Id, Subnet};
use crate::trace::RouteSource;
use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "payshield-udr-specific",
    severities: &[Severity::Warning],
    summary: "A user route that carries traffic to a payment HSM is at least as specific as the \
              HSM's delegated subnet.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each delegated subnet holding a payment HSM's host or management NIC, the \
                 route Azure picks for the HSM's address (its pinned address, or the subnet's \
                 first usable one when Azure assigns it) in every subnet with a route table in \
                 the HSM's VNet or a VNet peered with it. A user route picked there whose prefix \
                 is shorter than the delegated subnet's (a /16 for a /24 subnet, say) is \
                 reported once per route table, route and delegated subnet.",
        why: "Payment HSM honours a user route towards its delegated subnet only when the \
              route's prefix is equal to or more specific than the subnet. A broader one is \
              not effective: traffic that was meant to pass a firewall or NVA may take another \
              path one way, and the asymmetric routing can drop the flow at the firewall.",
        fix: "Route the delegated subnet's prefix (or the HSMs' own /32 addresses) instead of, \
              or beside, the broad range. The one-click fix adds a route for the delegated \
              subnet's prefix with the broad route's next hop to the same route table.",
        source: "Azure Payment HSM traffic inspection (payment-hsm/inspect-traffic.md, \
                 azure-security-docs 7c309c61, 2025-07-14): \"the UDR prefix must be more \
                 specific or equal to the delegated subnet size of the Azure Payment HSM. If \
                 the UDR prefix is less specific than the delegated subnet size, it isn't \
                 effective\"; \"If you configure the UDR route to be x.x.x.x/16, undefined \
                 behaviors such as asymmetric routing can cause a network drop at the \
                 firewall.\" (Older versions of the page, still in azure-docs, routed the whole \
                 Payment HSM VNet range.)",
    },
    check,
};

/// A delegated subnet holding a payment HSM's NIC, and the address probed for it.
struct Target<'d> {
    hsm: &'d Hsm,
    subnet: &'d Subnet,
    vnet: Id,
    probe: Ipv4Addr,
}

/// The delegated subnets of the payment HSMs, each with the first HSM address pinned there (or
/// the subnet's first usable address when none is), once per subnet.
fn targets<'d>(cx: &Context<'d>) -> Vec<Target<'d>> {
    let mut out: Vec<Target<'d>> = Vec::new();
    for (hsm, _) in payment_hsms(cx) {
        for subnet_id in hsm.subnets() {
            if out.iter().any(|t| t.subnet.id == subnet_id) {
                continue;
            }
            let Some((vnet, subnet)) = cx.index().subnet(subnet_id) else {
                continue;
            };
            let pinned = if subnet_id == hsm.subnet {
                hsm.host_ips().next()
            } else {
                hsm.management_ip
            };
            let probe = pinned.unwrap_or_else(|| first_usable(&subnet.prefix.trunc()));
            out.push(Target {
                hsm,
                subnet,
                vnet: vnet.id,
                probe,
            });
        }
    }
    out
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let targets = targets(cx);
    if targets.is_empty() {
        return;
    }
    let mut peers: HashMap<Id, Vec<Id>> = HashMap::new();
    for p in &cx.design.peerings {
        peers.entry(p.a).or_default().push(p.b);
        peers.entry(p.b).or_default().push(p.a);
    }
    let mut seen: HashSet<(Id, String, Id)> = HashSet::new();
    for target in &targets {
        let near = std::iter::once(target.vnet)
            .chain(peers.get(&target.vnet).into_iter().flatten().copied());
        for vnet in near {
            let Some(vnet) = cx.index().vnet(vnet) else {
                continue;
            };
            for source in vnet.subnets.iter().filter(|s| s.route_table.is_some()) {
                let Some(route) = cx.network().route(source.id, target.probe) else {
                    continue;
                };
                let wanted = target.subnet.prefix.prefix_len();
                if route.source != RouteSource::User || route.prefix.prefix_len() >= wanted {
                    continue;
                }
                let (Some(table), Some(name)) = (route.via, route.name.as_deref()) else {
                    continue;
                };
                if !seen.insert((table, name.to_string(), target.subnet.id)) {
                    continue;
                }
                out.push(finding(cx, target, source, table, name));
            }
        }
    }
}

fn finding(cx: &Context, target: &Target, source: &Subnet, table: Id, name: &str) -> Finding {
    let delegated = target.subnet.prefix.trunc();
    let rt = cx.design.route_table(table);
    let broad = rt.and_then(|rt| rt.routes.iter().find(|r| r.name == name));
    let shown = broad.map_or(String::new(), |r| format!(" ({})", r.prefix));
    let finding = Finding::of(
        &RULE,
        format!(
            "route '{name}'{shown} of route table {} carries traffic from subnet {} to payment \
             HSM {} ({}), but it is less specific than the HSM's delegated subnet {} \
             ({delegated}): Payment HSM does not honour a route broader than its subnet, and \
             the asymmetric routing can drop flows at the firewall; route {delegated} or \
             longer instead",
            cx.name(table),
            cx.name(source.id),
            cx.name(target.hsm.id),
            target.probe,
            cx.name(target.subnet.id),
        ),
        vec![table, source.id, target.hsm.id, target.subnet.id],
    );
    let (Some(rt), Some(broad)) = (rt, broad) else {
        return finding;
    };
    let mut fixed = rt.clone();
    let mut specific = broad.clone();
    specific.prefix = delegated;
    specific.name = unique_among(
        rt.routes.iter().map(|r| r.name.as_str()),
        &format!("{}-{}", name, target.subnet.name),
    );
    fixed.routes.push(specific);
    finding.with_fix(
        format!("Add a route for {delegated} beside '{name}'"),
        Edit::Replace(Element::RouteTable(fixed)),
    )
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{ip, net};
    use crate::model::{Design, NextHop, Route, RouteTable};
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    const RULE: &str = "payshield-udr-specific";

    /// `payment-hsm` with a route table on its application subnet sending `prefix` to an
    /// appliance.
    fn routed(prefix: &str) -> Design {
        let mut design = build("payment-hsm", &Size::default()).unwrap();
        let id = design.next_id();
        let route = Route {
            name: "to-firewall".into(),
            prefix: net(prefix),
            next_hop: NextHop::VirtualAppliance,
            next_hop_ip: Some(ip("10.99.0.4")),
        };
        design
            .route_tables
            .push(RouteTable::new(id, "apps-rt".into(), vec![route]));
        let apps = design
            .vnets
            .iter_mut()
            .flat_map(|v| v.subnets.iter_mut())
            .find(|s| s.hsm_client)
            .expect("an application subnet");
        apps.route_table = Some(id);
        design
    }

    fn hsm_prefix(design: &Design) -> ipnet::Ipv4Net {
        let hsm = &design.hsms[0];
        design.subnet(hsm.subnet).unwrap().1.prefix
    }

    #[test]
    fn a_route_broader_than_the_delegated_subnet_trips_and_the_fix_adds_the_subnets_route() {
        let design = build("payment-hsm", &Size::default()).unwrap();
        let vnet = design.vnet_of_subnet(design.hsms[0].subnet).unwrap();
        let range = vnet.address_space[0].to_string();
        let design = routed(&range);
        let found = findings(&design, RULE);
        assert!(!found.is_empty(), "the whole VNet range routed");
        let message = &found[0].message;
        assert!(message.contains("less specific"), "{message}");
        assert!(message.contains(&range), "{message}");
        let fixed = apply_first_fix(&design, RULE);
        let added = fixed
            .route_tables
            .last()
            .unwrap()
            .routes
            .last()
            .unwrap()
            .clone();
        assert_eq!(added.prefix, hsm_prefix(&design));
        assert_eq!(added.next_hop_ip, Some(ip("10.99.0.4")), "same next hop");
        let left = findings(&fixed, RULE);
        assert!(
            left.iter()
                .all(|f| !f.elements.contains(&design.hsms[0].subnet)),
            "{left:#?}"
        );
    }

    #[test]
    fn routes_as_specific_as_the_subnet_or_more_and_the_presets_pass() {
        let design = build("payment-hsm", &Size::default()).unwrap();
        let prefix = hsm_prefix(&design).to_string();
        assert!(findings(&routed(&prefix), RULE).is_empty());
        let host = format!("{}/32", design.hsms[0].private_ip.unwrap());
        let d = routed(&host);
        let left = findings(&d, RULE);
        assert!(
            left.iter().all(|f| !f.message.contains(&host)),
            "a /32 is more specific: {left:#?}"
        );
        for name in ["payment-hsm", "payment-hsm-multi-vnet", "hub-nva-proxy"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(findings(&design, RULE).is_empty(), "{name}");
        }
    }

    #[test]
    fn a_default_route_the_peering_outranks_is_not_the_route_taken() {
        // 0.0.0.0/0 loses to the VNet's own or peered range for the HSM's address.
        assert!(findings(&routed("0.0.0.0/0"), RULE).is_empty());
    }
}
