//! `cloudhsm-private-dns`: every Cloud HSM client resolves its cluster's node names: the
//! private DNS zone holding the endpoint's records is linked to the client's VNet.

use super::cloud::{clients, failed_at_resolution, failed_flow, reason, resolving_vnet};
use super::fixes::planned;
use super::{Context, Finding, Rule, Severity};
use crate::azure::cloud_hsm::PRIVATE_DNS_ZONE;
use crate::azure::ports::CLOUD_HSM_CLIENT_PORTS;
use crate::draw::new;
use crate::edit::{Edit, Element};
use crate::model::{Id, Point};

pub static RULE: Rule = Rule {
    name: "cloudhsm-private-dns",
    severities: &[Severity::Error],
    summary: "The private DNS zone privatelink.cloudhsm.azure.net holds the endpoint's records \
              and is linked to every VNet whose clients use the cluster.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each Cloud HSM client (a subnet marked as HSM client, or an on-premises \
                 site with the client or admin role), the tracer resolves the name of its \
                 cluster (the first in its region, else the design's first): a zone named \
                 privatelink.cloudhsm.azure.net must hold the records of one of the cluster's \
                 private endpoints and be linked to the client's VNet. On-premises and \
                 point-to-site clients resolve through a DNS forwarder in the VNet their \
                 connection lands in, so that VNet must be linked. One finding per VNet and \
                 cluster.",
        why: "The client tools connect to node names such as \
              hsm1.chsm-<name>-<unique>.privatelink.cloudhsm.azure.net, never to an address. A \
              VNet not linked to the zone does not resolve them, and azcloudhsm_client and \
              azcloudhsm_mgmt_util cannot connect, however open the network is.",
        fix: "Link the zone to the VNet (a virtual network link), or, when no zone holds the \
              endpoint's records, add the zone and the endpoint's DNS zone group (the portal's \
              automatic private DNS integration does both).",
        source: "cloud-hsm/network-security.md, 'Private DNS' (the zone, the host name format, \
                 linking it to the VNets of the admin and application VMs, and the note that \
                 the tools cannot connect when resolution fails).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut reported: crate::hashing::HashSet<(Id, Id)> = Default::default();
    for client in clients(cx) {
        let Some(trace) = failed_flow(cx, &client, CLOUD_HSM_CLIENT_PORTS[0]) else {
            continue;
        };
        if !failed_at_resolution(&trace) {
            continue;
        }
        let vnet = resolving_vnet(cx, &client);
        // A cluster without endpoint is cloudhsm-private-endpoint's finding.
        let endpoint = cx
            .design
            .private_endpoints
            .iter()
            .find(|e| e.target == client.cluster);
        let (Some(vnet), Some(endpoint)) = (vnet, endpoint) else {
            continue;
        };
        if !reported.insert((vnet, client.cluster)) {
            continue;
        }
        let mut elements = vec![client.id, vnet, client.cluster];
        let zone = holding_zone(cx, client.cluster);
        elements.extend(zone);
        let finding = Finding::of(
            &RULE,
            format!(
                "{} cannot resolve Cloud HSM cluster {}: {}",
                cx.name(client.id),
                cx.name(client.cluster),
                reason(&trace)
            ),
            elements,
        );
        let fixed = match zone {
            Some(zone) => link(cx, zone, vnet),
            None => new_zone(cx, endpoint.id, vnet),
        };
        out.push(match fixed {
            Some((label, edit)) => finding.with_fix(label, edit),
            None => finding,
        });
    }
}

/// The Cloud HSM zone holding the records of one of the cluster's endpoints.
fn holding_zone(cx: &Context, cluster: Id) -> Option<Id> {
    let design = cx.design;
    design
        .private_dns_zones
        .iter()
        .filter(|z| z.is_cloud_hsm_zone())
        .find(|z| {
            z.records.iter().any(|e| {
                cx.index()
                    .private_endpoint(*e)
                    .is_some_and(|e| e.target == cluster)
            })
        })
        .map(|z| z.id)
}

/// The zone linked to `vnet` as well.
fn link(cx: &Context, zone: Id, vnet: Id) -> Option<(String, Edit)> {
    let mut z = cx.index().private_dns_zone(zone)?.clone();
    z.vnet_links.push(vnet);
    Some((
        format!("Link zone {} to {}", cx.name(zone), cx.name(vnet)),
        Edit::Replace(Element::PrivateDnsZone(z)),
    ))
}

/// A new Cloud HSM zone holding `endpoint`'s records, linked to `vnet` (or, when a Cloud HSM
/// zone exists that holds other records, those records added to it).
fn new_zone(cx: &Context, endpoint: Id, vnet: Id) -> Option<(String, Edit)> {
    let design = cx.design;
    if let Some(zone) = design
        .private_dns_zones
        .iter()
        .find(|z| z.is_cloud_hsm_zone())
    {
        let mut z = zone.clone();
        z.records.push(endpoint);
        if !z.vnet_links.contains(&vnet) {
            z.vnet_links.push(vnet);
        }
        return Some((
            format!(
                "Add the records of {} to zone {}",
                cx.name(endpoint),
                cx.name(zone.id)
            ),
            Edit::Replace(Element::PrivateDnsZone(z)),
        ));
    }
    let at = zone_spot(cx);
    let edit = planned(design, |plan| {
        let id = new::private_dns_zone(plan, at)?;
        let mut zone = plan.work.private_dns_zone(id).expect("just added").clone();
        zone.records.push(endpoint);
        zone.vnet_links.push(vnet);
        plan.push(Edit::Replace(Element::PrivateDnsZone(zone)))
    })?;
    Some((
        format!(
            "Add zone {PRIVATE_DNS_ZONE} with the endpoint's records, linked to {}",
            cx.name(vnet)
        ),
        edit,
    ))
}

/// Where a new zone goes: beside the design, outside every region.
fn zone_spot(cx: &Context) -> Point {
    crate::draw::spot_in(cx.design, None)
}

#[cfg(test)]
mod tests {
    use crate::model::{Design, Id};
    use crate::rules::testing::*;

    /// The shared-services design; the zone linked to the shared VNet only unless `linked`.
    fn design(linked: bool) -> (Design, Id) {
        let (b, ids) = shared_services(false);
        let mut d = b.finish();
        if !linked {
            d.private_dns_zones[0]
                .vnet_links
                .retain(|v| *v == ids.shared);
        }
        (d, ids.app)
    }

    #[test]
    fn passes_when_the_client_vnet_is_linked() {
        let (d, _) = design(true);
        assert!(findings(&d, "cloudhsm-private-dns").is_empty());
    }

    #[test]
    fn an_unlinked_client_vnet_trips_and_the_fix_links_it() {
        let (d, app) = design(false);
        let fixed =
            trips_once_and_fix_clears(&d, "cloudhsm-private-dns", "'app-vnet' is not linked");
        assert!(fixed.private_dns_zones[0].vnet_links.contains(&app));
    }

    #[test]
    fn no_zone_at_all_trips_and_the_fix_adds_one_with_the_records() {
        let (mut d, app) = design(true);
        d.private_dns_zones.clear();
        let fixed = trips_once_and_fix_clears(&d, "cloudhsm-private-dns", "holds the records");
        let zone = &fixed.private_dns_zones[0];
        assert_eq!(zone.name, "privatelink.cloudhsm.azure.net");
        assert_eq!(zone.records, vec![fixed.private_endpoints[0].id]);
        assert_eq!(zone.vnet_links, vec![app]);
    }

    #[test]
    fn a_zone_of_another_name_does_not_count() {
        let (mut d, _) = design(true);
        d.private_dns_zones[0].name = "privatelink.vaultcore.azure.net".into();
        let found = findings(&d, "cloudhsm-private-dns");
        assert_eq!(found.len(), 1, "{found:?}");
        let fixed = apply_first_fix(&d, "cloudhsm-private-dns");
        assert!(findings(&fixed, "cloudhsm-private-dns").is_empty());
    }
}
