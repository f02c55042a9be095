//! `onprem-backup-path`: an on-premises site reaches the HSMs over a site-to-site or
//! point-to-site VPN, for backups to an on-premises HSM.

use super::fixes::site_to_site_fix;
use super::select::vnets_of;
use super::wording::names;
use super::{Context, Finding, Rule, Severity};
use crate::graph::{Link, Path};
use crate::model::{Id, OnPremSite};

pub static RULE: Rule = Rule {
    name: "onprem-backup-path",
    severities: &[Severity::Info],
    summary: "An on-premises site reaches the HSMs over a site-to-site or point-to-site VPN, \
              for backups to an on-premises HSM.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Once per design with HSMs: whether some on-premises site has a site-to-site or \
                 point-to-site VPN to a VNet from which an HSM VNet is reachable (the HSM VNet \
                 itself, a hub whose NVA proxy tier is peered with it, or a VNet joined to it \
                 by VNet-to-VNet VPN).",
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

fn is_vpn(path: &Path) -> bool {
    matches!(
        path.first_link(),
        Some(Link::SiteToSite(_) | Link::PointToSite(_))
    )
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let reach = cx.topology().reach(&cx.index);
    if !reach.any_hsm() {
        return;
    }
    // A site that reaches an HSM some other way (ExpressRoute), to name in the message.
    let mut other_way: Option<(&OnPremSite, Path)> = None;
    for site in &cx.design.sites {
        let paths = reach.from_site(site.id);
        if paths.iter().any(is_vpn) {
            return;
        }
        if other_way.is_none() {
            other_way = paths.into_iter().next().map(|p| (site, p));
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
    if let Some((site, path)) = &other_way {
        message.push_str(&format!(
            " ({} reaches one only by {}: {})",
            cx.name(site.id),
            path.first_link().map_or("its link", Link::label),
            path.describe(|id| cx.name(id))
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
    // Backup sites first, then any other site.
    let candidates = backup
        .iter()
        .copied()
        .chain(cx.design.sites.iter().filter(|s| !s.roles.backup_site));
    let id = cx.design.next_id();
    if let Some((label, edit)) = candidates
        .into_iter()
        .find_map(|site| site_to_site_fix(cx, &reach, site, id))
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
        let gw = b.vpn_gateway(ids.hub_gateway_subnet, "hub-vpngw", "VpnGw1AZ", None);
        let site = backup_site(&mut b);
        b.connection("s2s", ConnectionKind::SiteToSite { gateway: gw, site });
        assert!(findings(&b.finish(), RULE).is_empty());
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
                .contains("('dc' reaches one only by ExpressRoute: 'dc' -> ExpressRoute -> 'hub'"),
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
