//! `onprem-backup-path`: an on-premises site reaches the HSMs over a site-to-site or
//! point-to-site VPN, for backups to an on-premises HSM.

use super::fixes::site_to_site_fix;
use super::select::vnets_of;
use super::wording::names;
use super::{Context, Finding, Rule, Severity};
use crate::azure::ports::LUNA_NTLS_PORT;
use crate::graph::Components;
use crate::hashing::HashMap;
use crate::model::{ConnectionKind, Id, OnPremSite, Protocol};
use crate::trace::Endpoint;

pub static RULE: Rule = Rule {
    name: "onprem-backup-path",
    severities: &[Severity::Info],
    summary: "An on-premises site reaches the HSMs over a site-to-site or point-to-site VPN, \
              for backups to an on-premises HSM.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Once per design with HSMs: whether some on-premises site reaches an HSM on \
                 TCP 1792 over a site-to-site or point-to-site VPN, as the flow tracer follows \
                 the session there and back (the routes the gateways announce, gateway \
                 transit, NVA proxy tiers, NSGs, firewalls and the HSM's NTLS client IP check).",
        why: "Keys are commonly backed up from the Azure HSMs to an HSM in the customer's own \
              premises, and pulling logs or administering the devices from on-premises needs \
              the same path. The source document names a site-to-site VPN for this (a \
              point-to-site VPN for a single administration workstation).",
        fix: "Connect the backup site by site-to-site VPN to a VPN gateway from which an HSM \
              VNet is reachable. When the site has a VPN device address and such a gateway \
              exists, the one-click fix adds the connection.",
        source: "Networking considerations, 'Connecting your on-premises IT to Azure', \
                 'Site-to-Site VPN' and 'Point-to-Site VPN'; Dedicated HSM FAQ on support and \
                 backup.",
    },
    check,
};

/// How a site reaches an HSM, as the flow tracer follows an NTLS session (TCP 1792) to the
/// first HSMs linked to it at all.
enum Way {
    /// Over a site-to-site or point-to-site VPN.
    Vpn,
    /// Only some other way (ExpressRoute): an HSM reached and the connection its trace crossed.
    Other(Id, Option<Id>),
    None,
}

/// How many HSMs [`way`] traces a site's sessions to: enough for designs that admit HSMs one
/// by one, and few enough that a design with thousands stays linear.
const TRIED: usize = 8;

/// A site's connections into Azure, in document order: its point-to-site connections, and
/// its site-to-site and ExpressRoute links (the VPNs among them).
#[derive(Default)]
struct Links {
    point_to_site: Vec<Id>,
    links: Vec<Id>,
    vpns: Vec<Id>,
}

/// Every site's links, gathered in one pass over the connections.
fn links_by_site(cx: &Context) -> HashMap<Id, Links> {
    let mut by_site: HashMap<Id, Links> = HashMap::default();
    for c in &cx.design.connections {
        match c.kind {
            ConnectionKind::PointToSite { site, .. } => {
                by_site.entry(site).or_default().point_to_site.push(c.id);
            }
            ConnectionKind::SiteToSite { site, .. } => {
                let l = by_site.entry(site).or_default();
                l.links.push(c.id);
                l.vpns.push(c.id);
            }
            ConnectionKind::ExpressRoute { circuit, .. } => {
                if let Some(x) = cx.index().circuit(circuit) {
                    by_site.entry(x.site).or_default().links.push(c.id);
                }
            }
            _ => {}
        }
    }
    by_site
}

/// Per component label: the first [`TRIED`] HSMs (in document order) whose VNet is in it.
fn hsms_by_group(cx: &Context, groups: &Components) -> HashMap<Option<usize>, Vec<Id>> {
    let mut by_group: HashMap<Option<usize>, Vec<Id>> = HashMap::default();
    for h in &cx.design.hsms {
        if let Some(v) = cx.index().vnet_of_subnet(h.subnet) {
            let hsms = by_group.entry(groups.label(v.id)).or_default();
            if hsms.len() < TRIED {
                hsms.push(h.id);
            }
        }
    }
    by_group
}

fn way(
    cx: &Context,
    groups: &Components,
    hsms_by_group: &HashMap<Option<usize>, Vec<Id>>,
    site: &OnPremSite,
    site_links: Option<&Links>,
) -> Way {
    let net = cx.network();
    let Some(Links {
        point_to_site,
        links,
        vpns,
    }) = site_links
    else {
        return Way::None;
    };
    let hsms: &[Id] = hsms_by_group
        .get(&groups.label(site.id))
        .map_or(&[], Vec::as_slice);
    let reaches = |from: Endpoint, hsm: Id| {
        net.reaches(from, Endpoint::Hsm(hsm), Protocol::Tcp, LUNA_NTLS_PORT)
            .unwrap_or(false)
    };
    if point_to_site
        .iter()
        .any(|&c| hsms.iter().any(|h| reaches(Endpoint::PointToSite(c), *h)))
    {
        return Way::Vpn;
    }
    if links.is_empty() {
        return Way::None;
    }
    // The site's own traffic takes its site-to-site and ExpressRoute links by the routes it
    // learned; the trace says which one carried a delivered flow.
    let mut other = Way::None;
    for &hsm in hsms {
        if !reaches(Endpoint::Site(site.id), hsm) {
            continue;
        }
        let Ok(t) = net.trace(
            Endpoint::Site(site.id),
            Endpoint::Hsm(hsm),
            Protocol::Tcp,
            LUNA_NTLS_PORT,
        ) else {
            continue;
        };
        let crossed = t.elements().into_iter().find(|e| links.contains(e));
        if crossed.is_some_and(|c| vpns.contains(&c)) {
            return Way::Vpn;
        }
        if matches!(other, Way::None) {
            other = Way::Other(hsm, crossed);
        }
    }
    other
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if !cx
        .design
        .hsms
        .iter()
        .any(|h| cx.index().vnet_of_subnet(h.subnet).is_some())
    {
        return;
    }
    let groups = cx.components(|_| true);
    let hsms_by_group = hsms_by_group(cx, &groups);
    let links_by_site = links_by_site(cx);
    // A site that reaches an HSM some other way (ExpressRoute), to name in the message.
    let mut other_way: Option<(&OnPremSite, Id, Option<Id>)> = None;
    for site in &cx.design.sites {
        match way(
            cx,
            &groups,
            &hsms_by_group,
            site,
            links_by_site.get(&site.id),
        ) {
            Way::Vpn => return,
            Way::Other(hsm, connection) if other_way.is_none() => {
                other_way = Some((site, hsm, connection));
            }
            _ => {}
        }
    }
    let backup: Vec<&OnPremSite> = cx
        .design
        .sites
        .iter()
        .filter(|s| s.roles.backup_site)
        .collect();
    let mut message = match backup.as_slice() {
        [] => "no on-premises site reaches an HSM over a site-to-site or point-to-site VPN, \
               so there is no path for backups to an on-premises HSM"
            .to_string(),
        [one] => format!(
            "backup site {} does not reach an HSM over a site-to-site or point-to-site VPN, \
             and no other site does",
            cx.name(one.id)
        ),
        many => {
            let ids: Vec<Id> = many.iter().map(|s| s.id).collect();
            format!(
                "backup sites {} do not reach an HSM over a site-to-site or point-to-site VPN, \
                 and no other site does",
                names(cx, &ids)
            )
        }
    };
    if let Some((site, hsm, connection)) = &other_way {
        let by = match connection {
            Some(c) => format!("ExpressRoute connection {}", cx.name(*c)),
            None => "another way".to_string(),
        };
        message.push_str(&format!(
            " ({} reaches {} only by {by})",
            cx.name(site.id),
            cx.name(*hsm)
        ));
    }
    message.push_str(
        "; connect the backup site by site-to-site VPN to a VPN gateway from which an HSM VNet \
         is reachable",
    );
    let elements: Vec<Id> = if backup.is_empty() {
        vnets_of(cx, &cx.design.hsms)
    } else {
        backup.iter().map(|s| s.id).collect()
    };
    let mut finding = Finding::of(&RULE, message, elements);
    // Backup sites first, then any other site; a few, as each try traces over a copy of the
    // design.
    let candidates = backup
        .iter()
        .copied()
        .chain(cx.design.sites.iter().filter(|s| !s.roles.backup_site))
        .take(TRIED);
    let id = cx.design.next_id();
    if let Some((label, edit)) = candidates
        .into_iter()
        .find_map(|site| site_to_site_fix(cx, site, id))
    {
        finding = finding.with_fix(label, edit);
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::model::{ConnectionKind, Id, SiteRoles};
    use crate::rules::testing::*;

    const RULE: &str = "onprem-backup-path";

    /// Behind the hub's SNAT proxy tier the HSMs must not check the client's address.
    fn without_ip_check(b: &mut crate::model::builder::Builder) {
        b.design
            .hsms
            .iter_mut()
            .for_each(|h| h.ntls_ip_check = false);
    }

    fn backup_site(b: &mut crate::model::builder::Builder) -> Id {
        let roles = SiteRoles {
            backup_site: true,
            ..SiteRoles::default()
        };
        b.site(
            "backup-dc",
            &["192.168.0.0/16"],
            Some("203.0.113.10"),
            roles,
        )
    }

    #[test]
    fn a_design_without_a_vpn_site_gets_one_note_and_the_fix_adds_the_vpn() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let gw = b.vpn_gateway(ids.hub_gateway_subnet, "hub-vpngw", "VpnGw1AZ", None);
        let site = backup_site(&mut b);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![site]);
        assert!(
            found[0]
                .message
                .starts_with("backup site 'backup-dc' does not reach"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(fixed
            .connections
            .iter()
            .any(|c| c.kind == ConnectionKind::SiteToSite { gateway: gw, site }));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_site_to_site_vpn_to_the_proxy_hub_is_a_backup_path() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let gw = b.vpn_gateway(ids.hub_gateway_subnet, "hub-vpngw", "VpnGw1AZ", None);
        let site = backup_site(&mut b);
        b.connection("s2s", ConnectionKind::SiteToSite { gateway: gw, site });
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_vpn_whose_sessions_the_hsms_refuse_is_no_backup_path() {
        // The graph counted any VPN landing on a proxy hub; the trace follows the session to
        // the HSMs, which refuse the proxy's translated address while their NTLS IP check is
        // on. No other VPN gateway would do better, so no fix is offered.
        let (mut b, ids) = proxy_hub();
        let gw = b.vpn_gateway(ids.hub_gateway_subnet, "hub-vpngw", "VpnGw1AZ", None);
        let site = backup_site(&mut b);
        b.connection("s2s", ConnectionKind::SiteToSite { gateway: gw, site });
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![site]);
        assert!(found[0].fix.is_none());
        let mut checked_off = design.clone();
        checked_off
            .hsms
            .iter_mut()
            .for_each(|h| h.ntls_ip_check = false);
        assert!(findings(&checked_off, RULE).is_empty());
    }

    #[test]
    fn a_point_to_site_vpn_to_the_hsm_vnet_is_a_backup_path() {
        let (mut b, ids) = hsm_vnet();
        let gw = b.vpn_gateway(
            ids.gateway_subnet,
            "hsm-vpngw",
            "VpnGw1AZ",
            Some("172.31.0.0/24"),
        );
        let site = b.site("admin", &[], None, SiteRoles::default());
        b.connection("p2s", ConnectionKind::PointToSite { gateway: gw, site });
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_vpn_to_a_vnet_that_reaches_no_hsm_does_not_count() {
        let (mut b, ids) = hsm_vnet();
        let other = b.vnet(ids.region, "other", &["10.1.0.0/16"]);
        let gw_subnet = b.subnet(other, "GatewaySubnet", "10.1.255.0/27");
        let gw = b.vpn_gateway(gw_subnet, "other-vpngw", "VpnGw1AZ", None);
        b.peering(other, ids.vnet);
        let site = backup_site(&mut b);
        b.connection("s2s", ConnectionKind::SiteToSite { gateway: gw, site });
        let found = findings(&b.finish(), RULE);
        assert_eq!(
            found.len(),
            1,
            "peering does not carry on-premises traffic on to the HSM VNet"
        );
        assert!(found[0].fix.is_none(), "no VPN gateway reaches an HSM VNet");
    }

    #[test]
    fn expressroute_alone_is_named_but_is_not_a_vpn_path() {
        let (mut b, ids) = proxy_hub();
        without_ip_check(&mut b);
        let site = b.site("dc", &["192.168.0.0/16"], None, SiteRoles::default());
        let circuit = b.circuit(site, "dc-circuit", "172.16.0.0/29");
        b.connection(
            "er",
            ConnectionKind::ExpressRoute {
                gateway: ids.hub_er_gateway,
                circuit,
            },
        );
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].elements,
            vec![ids.small.vnet],
            "no backup site: the HSM VNets"
        );
        assert!(
            found[0]
                .message
                .contains("('dc' reaches 'hsm1' only by ExpressRoute connection 'er')"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none(), "the site has no VPN device");
    }

    #[test]
    fn nothing_without_hsms() {
        let (mut b, _) = hsm_vnet();
        b.design.hsms.clear();
        assert!(findings(&b.finish(), RULE).is_empty());
    }
}
