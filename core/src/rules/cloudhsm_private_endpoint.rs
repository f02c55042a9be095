//! `cloudhsm-private-endpoint`: a Cloud HSM cluster is reached through a private endpoint
//! (group id `cloudHsm`) in an ordinary subnet, with public network access disabled.

use super::fixes::planned;
use super::{Context, Finding, Rule, Severity};
use crate::azure::cloud_hsm::GROUP_ID;
use crate::azure::names::{is_firewall_subnet, is_gateway_subnet};
use crate::draw::new;
use crate::edit::{Edit, Element};
use crate::model::{CloudHsmCluster, Id};

pub static RULE: Rule = Rule {
    name: "cloudhsm-private-endpoint",
    severities: &[Severity::Error],
    summary: "A Cloud HSM cluster is reached through a private endpoint (group id cloudHsm) in \
              an ordinary subnet, with public network access disabled.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each Cloud HSM cluster has at least one private endpoint; each endpoint to a \
                 cluster connects to its 'cloudHsm' group and sits in an ordinary subnet (not \
                 delegated, not GatewaySubnet or AzureFirewallSubnet); the cluster's public \
                 network access is disabled.",
        why: "A cluster lives in Microsoft's network, not in a subnet of yours: clients reach it \
              only at a private endpoint's address in their own address space, over Private Link. \
              'cloudHsm' is the only private-link group a cluster offers, and 'Disabled' the only \
              public network access value its API accepts. Delegated and gateway subnets hold \
              only their own service.",
        fix: "Add a private endpoint to the cluster in an ordinary subnet the clients can reach \
              (a shared-services subnet, or the clients' own), set its group id to cloudHsm, and \
              disable public network access.",
        source: "cloud-hsm/network-security.md, 'Private endpoint'; REST API specification \
                 Microsoft.HardwareSecurityModules 2025-03-31 (cloudhsm.json: \
                 publicNetworkAccess enumerates only 'Disabled'; the private-link resource \
                 example names group id 'cloudHsm').",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let design = cx.design;
    for cluster in &design.cloud_hsm_clusters {
        if cluster.public_network_access {
            let mut closed = cluster.clone();
            closed.public_network_access = false;
            out.push(
                Finding::of(
                    &RULE,
                    format!(
                        "Cloud HSM cluster {} has public network access enabled; the API \
                         accepts only Disabled: clients reach it through its private endpoint",
                        cx.name(cluster.id)
                    ),
                    vec![cluster.id],
                )
                .with_fix(
                    "Disable public network access",
                    Edit::Replace(Element::CloudHsmCluster(closed)),
                ),
            );
        }
        let endpoints: Vec<_> = design
            .private_endpoints
            .iter()
            .filter(|e| e.target == cluster.id)
            .collect();
        if endpoints.is_empty() {
            let mut finding = Finding::of(
                &RULE,
                format!(
                    "Cloud HSM cluster {} has no private endpoint, so no client can reach it; \
                     add one in an ordinary subnet its clients reach",
                    cx.name(cluster.id)
                ),
                vec![cluster.id],
            );
            if let Some(subnet) = endpoint_subnet(cx, cluster) {
                let edit = planned(design, |plan| {
                    new::private_endpoint(plan, subnet, cluster.id).map(|_| ())
                });
                if let Some(edit) = edit {
                    finding = finding.with_fix(
                        format!("Add a private endpoint in {}", cx.name(subnet)),
                        edit,
                    );
                }
            }
            out.push(finding);
        }
        for e in endpoints {
            if e.group_id != GROUP_ID {
                let mut fixed = e.clone();
                fixed.group_id = GROUP_ID.to_string();
                out.push(
                    Finding::of(
                        &RULE,
                        format!(
                            "Private endpoint {} connects to group {:?} of Cloud HSM cluster \
                             {}; a cluster offers only {GROUP_ID:?}",
                            cx.name(e.id),
                            e.group_id,
                            cx.name(cluster.id)
                        ),
                        vec![e.id, cluster.id],
                    )
                    .with_fix(
                        format!("Connect to group {GROUP_ID}"),
                        Edit::Replace(Element::PrivateEndpoint(fixed)),
                    ),
                );
            }
            let Some((_, subnet)) = cx.index().subnet(e.subnet) else {
                continue;
            };
            let reserved = subnet.delegation.is_some()
                || is_gateway_subnet(&subnet.name)
                || is_firewall_subnet(&subnet.name);
            if reserved {
                out.push(Finding::of(
                    &RULE,
                    format!(
                        "Private endpoint {} sits in {}, which holds only its own service \
                         (delegated, or a gateway or firewall subnet); put it in an ordinary \
                         subnet",
                        cx.name(e.id),
                        cx.name(subnet.id)
                    ),
                    vec![e.id, subnet.id],
                ));
            }
        }
    }
}

/// Where a missing endpoint goes: the first ordinary client subnet in the cluster's region,
/// else the first ordinary subnet there.
fn endpoint_subnet(cx: &Context, cluster: &CloudHsmCluster) -> Option<Id> {
    let ordinary = |s: &&crate::model::Subnet| {
        s.delegation.is_none() && !is_gateway_subnet(&s.name) && !is_firewall_subnet(&s.name)
    };
    let in_region = || {
        cx.design
            .vnets
            .iter()
            .filter(|v| v.region == cluster.region)
            .flat_map(|v| v.subnets.iter().filter(ordinary))
    };
    in_region()
        .find(|s| s.hsm_client)
        .or_else(|| in_region().next())
        .map(|s| s.id)
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::Design;
    use crate::rules::testing::*;

    fn cluster_with_endpoint() -> (Design, crate::model::Id) {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "app-vnet", &["10.2.0.0/16"]);
        let app = b.client_subnet(vnet, "app", "10.2.1.0/24");
        let cluster = b.cloud_hsm_cluster(region, "chsm-1");
        let e = b.private_endpoint(app, cluster, "chsm-1-pe", Some("10.2.1.10"));
        b.private_dns_zone("privatelink.cloudhsm.azure.net", &[e], &[vnet]);
        (b.finish(), cluster)
    }

    #[test]
    fn passes_a_cluster_behind_a_private_endpoint() {
        let (d, _) = cluster_with_endpoint();
        assert!(findings(&d, "cloudhsm-private-endpoint").is_empty());
    }

    #[test]
    fn public_access_trips_and_the_fix_disables_it() {
        let (mut d, _) = cluster_with_endpoint();
        d.cloud_hsm_clusters[0].public_network_access = true;
        let fixed =
            trips_once_and_fix_clears(&d, "cloudhsm-private-endpoint", "public network access");
        assert!(!fixed.cloud_hsm_clusters[0].public_network_access);
    }

    #[test]
    fn a_cluster_without_endpoint_gets_one_in_a_client_subnet() {
        let (mut d, cluster) = cluster_with_endpoint();
        d.private_endpoints.clear();
        d.private_dns_zones[0].records.clear();
        let fixed =
            trips_once_and_fix_clears(&d, "cloudhsm-private-endpoint", "no private endpoint");
        assert_eq!(fixed.private_endpoints.len(), 1);
        assert_eq!(fixed.private_endpoints[0].target, cluster);
        assert_eq!(fixed.private_endpoints[0].subnet, d.vnets[0].subnets[0].id);
    }

    #[test]
    fn a_wrong_group_or_a_delegated_subnet_trips() {
        let (mut d, _) = cluster_with_endpoint();
        d.private_endpoints[0].group_id = "vault".into();
        let fixed = trips_once_and_fix_clears(&d, "cloudhsm-private-endpoint", "\"vault\"");
        assert_eq!(fixed.private_endpoints[0].group_id, "cloudHsm");
        let (mut d, _) = cluster_with_endpoint();
        d.vnets[0].subnets[0].delegation = Some("Microsoft.Web/serverFarms".into());
        let found = findings(&d, "cloudhsm-private-endpoint");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("ordinary subnet"),
            "{}",
            found[0].message
        );
    }
}
