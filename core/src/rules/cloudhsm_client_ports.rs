//! `cloudhsm-client-ports`: every Cloud HSM client reaches its cluster's private endpoint on
//! the ports the client uses; admin workstations on the management port too. The tracer
//! answers, on each port; name resolution is `cloudhsm-private-dns`'s.

use super::cloud::{clients, failed_at_resolution, failed_flow, reason, ClientKind};
use super::{Context, Finding, Rule, Severity};
use crate::azure::ports::{CLOUD_HSM_CLIENT_PORTS, CLOUD_HSM_MANAGEMENT_PORT};

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
              route to the endpoint (peering, global peering or VPN across regions).",
        source: "cloud-hsm/network-security.md, 'Required ports' and 'NSG rules'; \
                 cloud-hsm/faq.yml (cross-region access by global peering or VPN gateway).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
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
        out.push(Finding::of(
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
        ));
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
}
