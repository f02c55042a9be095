//! `cloudhsm-onprem-vpn`: on-premises Cloud HSM clients reach Azure over a VPN or ExpressRoute
//! private peering.

use super::cloud::{clients, ClientKind};
use super::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "cloudhsm-onprem-vpn",
    severities: &[Severity::Info],
    summary: "On-premises Cloud HSM clients reach the endpoint over site-to-site or \
              point-to-site VPN or ExpressRoute private peering, through a VNet that can route \
              to it.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each on-premises site with the HSM client or admin role, in a design with a \
                 Cloud HSM cluster, has a site-to-site or point-to-site VPN connection or an \
                 ExpressRoute circuit with private peering into Azure. Whether the flow then \
                 gets to the endpoint is cloudhsm-client-ports' question.",
        why: "A cluster is reachable only at private addresses in your VNets: signing servers \
              and admin hosts on premises need a private path into the VNet that can route to \
              the endpoint, and must run azcloudhsm_client themselves.",
        fix: "Connect the site: site-to-site VPN for persistent connectivity, point-to-site for \
              a single workstation (the two the Cloud HSM documentation names), or ExpressRoute \
              private peering.",
        source: "cloud-hsm/network-security.md, 'On-premises connectivity'; \
                 cloud-hsm/troubleshoot.md (signing servers in the corporate network over \
                 site-to-site or point-to-site VPN).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for client in clients(cx) {
        if !matches!(client.kind, ClientKind::Site { .. }) {
            continue;
        }
        if !cx.network().links_of_site(client.id).is_empty() {
            continue;
        }
        out.push(Finding::of(
            &RULE,
            format!(
                "On-premises site {} uses Cloud HSM cluster {} but has no VPN connection or \
                 ExpressRoute private peering into Azure; connect it (site-to-site VPN for \
                 servers, point-to-site for a workstation)",
                cx.name(client.id),
                cx.name(client.cluster)
            ),
            vec![client.id, client.cluster],
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, SiteRoles};
    use crate::rules::testing::*;

    fn design(connected: bool) -> crate::model::Design {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let hub = b.vnet(region, "hub", &["10.0.0.0/16"]);
        let gs = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
        let gw = b.vpn_gateway(gs, "vpngw", "VpnGw1AZ", None);
        let roles = SiteRoles {
            hsm_client: true,
            ..SiteRoles::default()
        };
        let site = b.site("dc", &["192.168.0.0/24"], Some("203.0.113.10"), roles);
        b.cloud_hsm_cluster(region, "chsm-1");
        if connected {
            b.connection("dc-s2s", ConnectionKind::SiteToSite { gateway: gw, site });
        }
        b.finish()
    }

    #[test]
    fn passes_a_site_with_a_vpn() {
        assert!(findings(&design(true), "cloudhsm-onprem-vpn").is_empty());
    }

    #[test]
    fn trips_on_an_unconnected_client_site() {
        let found = findings(&design(false), "cloudhsm-onprem-vpn");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("'dc'"), "{}", found[0].message);
    }
}
