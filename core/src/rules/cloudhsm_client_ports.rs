//! `cloudhsm-client-ports`: every Cloud HSM client reaches its cluster's private endpoint on
//! the ports the client uses; admin workstations on the management port too. The tracer
//! answers, on each port; name resolution is `cloudhsm-private-dns`'s.

use super::cloud::{clients, failed_at_resolution, failed_flow, reason, Client, ClientKind};
use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::NSG_PRIORITIES;
use crate::azure::ports::{CLOUD_HSM_CLIENT_PORTS, CLOUD_HSM_MANAGEMENT_PORT};
use crate::draw::names::unique_among;
use crate::edit::{Edit, Element};
use crate::hashing::HashSet;
use crate::model::{
    Access, AddressMatch, Design, Direction, Id, Nsg, NsgRule, PortRange, Protocol,
};
use crate::trace::{Endpoint, Network, Trace};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "cloudhsm-client-ports",
    severities: &[Severity::Error],
    summary: "Every Cloud HSM client subnet or site reaches the private endpoint on TCP 2224, \
              2225 and 443; admin workstations also on 444.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each Cloud HSM client (a subnet marked as HSM client, an on-premises site \
                 with the client role) the tracer follows a flow to its cluster on TCP 2224, \
                 2225 and 443, and for an admin workstation site also on 444: out through \
                 routes, peerings, gateways, firewalls and NSGs to the private endpoint, and \
                 back. A flow that fails at name resolution is left to cloudhsm-private-dns. One \
                 finding per client, naming the ports that fail and why the first one does.",
        why: "azcloudhsm_client opens TCP over TLS to 2224 and 2225 and sends requests to 443; \
              azcloudhsm_mgmt_util uses 444. An NSG or firewall that does not allow them from \
              the VM subnets to the endpoint, or a missing route or peering, leaves the \
              application without its HSM.",
        fix: "Allow the ports from the client subnets to the endpoint's address (or its \
              subnet's range) in the NSGs and firewalls on the path, and give the client a \
              route to the endpoint (peering, global peering or VPN across regions). When only \
              NSGs stand in the way, the one-click fix adds to each the rule that allows the \
              failing ports from the client's prefix to the endpoint's subnet, at the first \
              free priority.",
        source: "cloud-hsm/network-security.md, 'Required ports' and 'NSG rules'; \
                 cloud-hsm/faq.yml (cross-region access by global peering or VPN gateway).",
    },
    check,
};

/// How many clients a check tries to fix: each try traces over copies of the design, so a
/// design with thousands of broken clients stays linear.
const FIX_TRIES: usize = 16;

/// How many NSGs one fix opens at most (the client's, an appliance's in and out, the
/// endpoint's).
const MOST_NSGS: usize = 4;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut tries = FIX_TRIES;
    for client in clients(cx) {
        let admin_only = matches!(client.kind, ClientKind::Site { admin: true });
        let mut ports: Vec<u16> = Vec::new();
        if !admin_only {
            ports.extend(CLOUD_HSM_CLIENT_PORTS);
        }
        if matches!(client.kind, ClientKind::Site { .. })
            && cx
                .index()
                .site(client.id)
                .is_some_and(|s| s.roles.admin_workstation)
        {
            ports.push(CLOUD_HSM_MANAGEMENT_PORT);
        }
        let mut failing: Vec<u16> = Vec::new();
        let mut first = None;
        for port in ports {
            let Some(trace) = failed_flow(cx, &client, port) else {
                continue;
            };
            if failed_at_resolution(&trace) {
                break;
            }
            failing.push(port);
            first.get_or_insert(trace);
        }
        let Some(trace) = first else { continue };
        let list: Vec<String> = failing.iter().map(u16::to_string).collect();
        let mut elements = vec![client.id, client.cluster];
        if let Some(hop) = trace.failing_hop() {
            elements.extend(
                hop.elements
                    .iter()
                    .filter(|e| !elements.contains(e))
                    .copied()
                    .collect::<Vec<_>>(),
            );
        }
        let mut finding = Finding::of(
            &RULE,
            format!(
                "{} cannot reach Cloud HSM cluster {} on TCP {}: on {}, {}",
                cx.name(client.id),
                cx.name(client.cluster),
                list.join(", "),
                failing[0],
                reason(&trace)
            ),
            elements,
        );
        if tries > 0 {
            tries -= 1;
            if let Some((label, edit)) = allow_in_nsgs(cx.design, &client, &failing) {
                finding = finding.with_fix(label, edit);
            }
        }
        out.push(finding);
    }
}

/// The fix when only NSGs drop the client's flows: in each NSG the tracer finds denying them,
/// one after the other, a rule allowing the failing ports from the client's prefix to the
/// endpoint's subnet at the first free priority. `None` unless every port is delivered then.
fn allow_in_nsgs(design: &Design, client: &Client, ports: &[u16]) -> Option<(String, Edit)> {
    let to = Endpoint::CloudHsm(client.cluster);
    let mut work = design.clone();
    let mut opened: Vec<Id> = Vec::new();
    for _ in 0..=MOST_NSGS {
        let failed: Option<Trace> = {
            let net = Network::new(&work);
            ports.iter().find_map(|&port| {
                let trace = net.trace(client.endpoint, to, Protocol::Tcp, port).ok()?;
                (!trace.delivered()).then_some(trace)
            })
        };
        let Some(trace) = failed else {
            let edits: Vec<Edit> = opened
                .iter()
                .filter_map(|id| work.nsg(*id).cloned())
                .map(|nsg| Edit::Replace(Element::Nsg(nsg)))
                .collect();
            let names: Vec<String> = opened.iter().map(|id| work.name_of(*id)).collect();
            let label = format!("Allow the Cloud HSM ports in NSG {}", names.join(", "));
            return Some((label, Edit::Batch(edits)));
        };
        let hop = trace.failing_hop()?;
        // An NSG's drop names the NSG first, then the subnet it is attached to.
        let (nsg, subnet) = match hop.elements[..] {
            [nsg, subnet, ..] if work.nsg(nsg).is_some() => (nsg, subnet),
            _ => return None,
        };
        if opened.len() == MOST_NSGS || opened.contains(&nsg) {
            // Opened already and still denying: not a matter of this NSG's rules.
            return None;
        }
        let (_, s) = work.subnet(subnet)?;
        let (src, dst) = (hop.packet.src, hop.packet.dst);
        let directions: &[Direction] = match (s.prefix.contains(&src), s.prefix.contains(&dst)) {
            (true, false) => &[Direction::Outbound],
            (false, true) => &[Direction::Inbound],
            _ => &[Direction::Outbound, Direction::Inbound],
        };
        let source = client_prefix(&work, client, src);
        let destination = endpoint_prefix(&work, client.cluster, dst);
        let mut changed = work.nsg(nsg)?.clone();
        for &direction in directions {
            allow(&mut changed, direction, source, destination, ports);
        }
        work = work.apply(&Edit::Replace(Element::Nsg(changed))).ok()?;
        opened.push(nsg);
    }
    None
}

/// The client's own prefix that holds `src` (its subnet's, or a site's prefix), else `src`
/// alone (an address an appliance translated it to).
fn client_prefix(design: &Design, client: &Client, src: Ipv4Addr) -> Ipv4Net {
    let own: Vec<Ipv4Net> = match client.kind {
        ClientKind::Subnet { .. } => design
            .subnet(client.id)
            .map(|(_, s)| s.prefix)
            .into_iter()
            .collect(),
        ClientKind::Site { .. } => design
            .site(client.id)
            .map(|s| s.prefixes.clone())
            .unwrap_or_default(),
    };
    own.into_iter()
        .find(|p| p.contains(&src))
        .unwrap_or_else(|| Ipv4Net::from(src))
}

/// The subnet of the cluster's endpoint that holds `dst`, else `dst` alone.
fn endpoint_prefix(design: &Design, cluster: Id, dst: Ipv4Addr) -> Ipv4Net {
    design
        .private_endpoints
        .iter()
        .filter(|e| e.target == cluster)
        .filter_map(|e| design.subnet(e.subnet).map(|(_, s)| s.prefix))
        .find(|p| p.contains(&dst))
        .unwrap_or_else(|| Ipv4Net::from(dst))
}

/// Adds to `nsg` the rules allowing `ports` (2224 and 2225 as one range) from `source` to
/// `destination` in `direction`, each at the first free priority, under a new name.
fn allow(
    nsg: &mut Nsg,
    direction: Direction,
    source: Ipv4Net,
    destination: Ipv4Net,
    ports: &[u16],
) {
    let mut ranges: Vec<PortRange> = Vec::new();
    for &port in ports {
        match ranges.last_mut() {
            Some(PortRange::Range(_, end)) if *end + 1 == port => *end = port,
            _ => ranges.push(PortRange::single(port)),
        }
    }
    let mut taken: HashSet<u16> = nsg
        .rules
        .iter()
        .filter(|r| r.direction == direction)
        .map(|r| r.priority)
        .collect();
    // Before every deny rule of that direction when there is room: the rule allows only what
    // the client needs, so it may go first.
    let first_deny = nsg
        .rules
        .iter()
        .filter(|r| r.direction == direction && r.access == Access::Deny)
        .map(|r| r.priority)
        .min()
        .unwrap_or(u16::MAX);
    for range in ranges {
        let free = |p: &u16| !taken.contains(p);
        let Some(priority) = NSG_PRIORITIES
            .clone()
            .filter(|p| *p < first_deny)
            .find(free)
            .or_else(|| NSG_PRIORITIES.clone().find(free))
        else {
            return;
        };
        taken.insert(priority);
        let way = match direction {
            Direction::Inbound => "in",
            Direction::Outbound => "out",
        };
        let name = unique_among(
            nsg.rules.iter().map(|r| r.name.as_str()),
            &format!("allow-cloudhsm-{way}"),
        );
        nsg.rules.push(NsgRule {
            name,
            priority,
            direction,
            access: Access::Allow,
            protocol: Protocol::Tcp,
            source: AddressMatch::Prefix(source),
            destination: AddressMatch::Prefix(destination),
            destination_ports: range,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::{nsg_rule, Builder};
    use crate::model::{Access, Design, Direction, Id, Protocol};
    use crate::rules::testing::*;

    fn design() -> (Design, Id) {
        let (b, ids) = shared_services(true);
        (b.finish(), ids.app_subnet)
    }

    #[test]
    fn passes_a_peered_client() {
        let (d, _) = design();
        assert!(findings(&d, "cloudhsm-client-ports").is_empty());
    }

    #[test]
    fn an_nsg_denying_2225_trips_naming_the_port() {
        let (d, app_subnet) = design();
        let mut b = Builder::from(d);
        let deny = nsg_rule(
            "deny-2225",
            100,
            Direction::Outbound,
            Access::Deny,
            Protocol::Tcp,
            "*",
            "10.1.1.10",
            "2225",
        );
        b.nsg("app-nsg", vec![deny], &[app_subnet]);
        let found = findings(&b.finish(), "cloudhsm-client-ports");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("on TCP 2225:"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("deny-2225"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn an_unpeered_client_trips_but_not_an_unresolved_one() {
        let (mut d, _) = design();
        d.peerings.clear();
        let found = findings(&d, "cloudhsm-client-ports");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("2224, 2225, 443"),
            "{}",
            found[0].message
        );
        d.private_dns_zones[0].vnet_links.pop();
        assert!(
            findings(&d, "cloudhsm-client-ports").is_empty(),
            "name resolution is cloudhsm-private-dns's"
        );
    }

    #[test]
    fn the_fix_allows_the_ports_in_each_denying_nsg_and_the_client_then_reaches() {
        let (d, app_subnet) = design();
        let mut b = Builder::from(d);
        let deny_out = |name: &str, ports: &str| {
            nsg_rule(
                name,
                200,
                Direction::Outbound,
                Access::Deny,
                Protocol::Tcp,
                "*",
                "*",
                ports,
            )
        };
        b.nsg(
            "app-nsg",
            vec![deny_out("deny-hsm", "2224-2225")],
            &[app_subnet],
        );
        let broken = b.finish();
        let found = findings(&broken, "cloudhsm-client-ports");
        assert_eq!(
            found[0].fix.as_ref().map(|f| f.label.as_str()),
            Some("Allow the Cloud HSM ports in NSG app-nsg")
        );
        let fixed = apply_first_fix(&broken, "cloudhsm-client-ports");
        assert!(findings(&fixed, "cloudhsm-client-ports").is_empty());
        let nsg = fixed.nsgs.iter().find(|n| n.name == "app-nsg").unwrap();
        let added = nsg.rules.last().unwrap();
        assert_eq!(added.access, Access::Allow);
        assert_eq!(added.direction, Direction::Outbound);
        assert_eq!(
            added.source.to_string(),
            "10.2.1.0/24",
            "the client's own prefix"
        );
        assert_eq!(
            added.destination.to_string(),
            "10.1.1.0/24",
            "the endpoint's subnet"
        );
    }

    #[test]
    fn no_fix_is_offered_when_more_than_nsgs_stand_in_the_way() {
        let (mut d, _) = design();
        d.peerings.clear();
        let found = findings(&d, "cloudhsm-client-ports");
        assert!(found[0].fix.is_none(), "{:?}", found[0].fix);
    }
}
