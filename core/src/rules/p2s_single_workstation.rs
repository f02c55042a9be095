//! `p2s-single-workstation`: point-to-site suits a single administration workstation; several
//! on-premises machines call for site-to-site.

use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::{ConnectionKind, GatewayKind, OnPremSite};

/// How many addresses the site's prefixes cover, counting overlaps once per distinct prefix.
fn hosts(site: &OnPremSite) -> u64 {
    // Each distinct prefix as (network, length) in one integer, sorted to drop repeats.
    let mut distinct: Vec<u64> = site
        .prefixes
        .iter()
        .map(|p| {
            let p = p.trunc();
            crate::sort::pair(u32::from(p.network()), u32::from(p.prefix_len()))
        })
        .collect();
    crate::sort::stable_by_key(&mut distinct, |&key| key);
    distinct.dedup();
    distinct
        .iter()
        .map(|&key| 1u64 << (32 - (key & 0xff)))
        .sum()
}

pub static RULE: Rule = Rule {
    name: "p2s-single-workstation",
    severities: &[Severity::Info],
    summary: "Point-to-site suits a single administration workstation; several on-premises machines call for site-to-site.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every point-to-site connection serves a site marked as a single administration \
                 workstation, not marked as HSM clients or a backup site, whose prefixes cover at \
                 most one address.",
        why: "Point-to-site is the simplest secure link, but it connects one endpoint. Luna \
              clients, an on-premises backup HSM, or any group of machines are better served by \
              a site-to-site VPN through the site's VPN device, which the source calls the most \
              flexible option.",
        fix: "Replace the point-to-site connection with a site-to-site one (the site needs its \
              VPN device address and prefixes), or narrow the site to the one admin workstation. \
              When the site already has a device address and prefixes, the fix switches the \
              connection to site-to-site.",
        source: "Networking considerations, 'Connecting your on-premises IT to Azure', \
                 'Point-to-Site VPN' and 'Site-to-Site VPN'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.design.connections {
        let ConnectionKind::PointToSite { gateway, site } = c.kind else {
            continue;
        };
        let Some(s) = cx.index().site(site) else {
            continue;
        };
        let mut reasons = Vec::new();
        if !s.roles.admin_workstation {
            reasons.push("is not marked as an admin workstation".to_string());
        }
        if s.roles.hsm_client {
            reasons.push("runs HSM clients".to_string());
        }
        if s.roles.backup_site {
            reasons.push("is a backup site".to_string());
        }
        let count = hosts(s);
        if count > 1 {
            reasons.push(format!("covers {count} addresses"));
        }
        if reasons.is_empty() {
            continue;
        }
        let finding = Finding::of(
            &RULE,
            format!(
                "point-to-site connection {} serves site {}, which {}; point-to-site suits a \
                 single admin workstation: consider a site-to-site VPN",
                cx.name(c.id),
                cx.name(s.id),
                reasons.join(", ")
            ),
            vec![c.id, s.id],
        );
        let vpn_ready = cx
            .index()
            .gateway(gateway)
            .is_some_and(|g| g.kind == GatewayKind::Vpn && g.vpn_type.is_some());
        if vpn_ready && s.vpn_device_ip.is_some() && !s.prefixes.is_empty() {
            let mut switched = c.clone();
            switched.kind = ConnectionKind::SiteToSite { gateway, site };
            out.push(finding.with_fix(
                "Switch to a site-to-site VPN",
                Edit::Replace(Element::Connection(switched)),
            ));
        } else {
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, Id, SiteRoles};
    use crate::rules::testing::*;
    use crate::rules::Severity;

    const RULE: &str = "p2s-single-workstation";

    fn with_p2s(prefixes: &[&str], device: Option<&str>, roles: SiteRoles) -> (Builder, Id, Id) {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(
            ids.gateway_subnet,
            "vpngw",
            "VpnGw2AZ",
            Some("172.16.201.0/24"),
        );
        let site = b.site("office", prefixes, device, roles);
        let conn = b.connection(
            "office-p2s",
            ConnectionKind::PointToSite { gateway: vpn, site },
        );
        (b, site, conn)
    }

    fn admin() -> SiteRoles {
        SiteRoles {
            admin_workstation: true,
            ..SiteRoles::default()
        }
    }

    #[test]
    fn passes_a_single_admin_workstation() {
        let (b, ..) = with_p2s(&["192.168.10.5/32"], None, admin());
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_a_site_covering_many_hosts_and_switches_to_site_to_site() {
        let (b, site, conn) = with_p2s(&["192.168.10.0/24"], Some("203.0.113.10"), admin());
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
        assert_eq!(found[0].elements, vec![conn, site]);
        assert!(
            found[0].message.contains("256 addresses"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(matches!(
            fixed.connections[0].kind,
            ConnectionKind::SiteToSite { .. }
        ));
        assert!(findings(&fixed, RULE).is_empty());
        assert!(findings(&fixed, "s2s-needs-device").is_empty());
    }

    #[test]
    fn trips_on_client_and_backup_roles() {
        let roles = SiteRoles {
            admin_workstation: true,
            hsm_client: true,
            backup_site: true,
        };
        let (b, ..) = with_p2s(&["192.168.10.5/32"], None, roles);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("HSM clients"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("backup site"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].fix.is_none(),
            "no device address, so no site-to-site yet"
        );
    }

    #[test]
    fn trips_on_an_unmarked_site_and_on_two_host_routes() {
        let (b, ..) = with_p2s(&["192.168.10.5/32"], None, SiteRoles::default());
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("not marked"),
            "{}",
            found[0].message
        );

        let (b, ..) = with_p2s(&["192.168.10.5/32", "192.168.10.6/32"], None, admin());
        assert_eq!(findings(&b.finish(), RULE).len(), 1);
        let (b, ..) = with_p2s(&["192.168.10.5/32", "192.168.10.5/32"], None, admin());
        assert!(
            findings(&b.finish(), RULE).is_empty(),
            "the same host twice is one host"
        );
    }
}
