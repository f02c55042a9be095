//! `s2s-needs-device`: a site-to-site connection has the site's VPN device address and prefixes,
//! and a VPN gateway on the Azure side.

use super::fixes::route_based;
use super::select::vpn_gateway_beside;
use super::{Context, Finding, Rule, Severity};
use crate::edit::{Edit, Element};
use crate::model::{ConnectionKind, GatewayKind};

pub static RULE: Rule = Rule {
    name: "s2s-needs-device",
    severities: &[Severity::Error],
    summary: "A site-to-site VPN needs the site's VPN device address and prefixes, and a VPN gateway in Azure.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For every site-to-site connection: the on-premises site has the public IP address \
                 of its VPN device and at least one address prefix, and the Azure end is a VPN \
                 gateway with a VPN type (RouteBased or PolicyBased).",
        why: "Azure describes the on-premises end as a local network gateway: the device's public \
              address is where the IPsec tunnel goes, and the prefixes are what Azure routes into \
              it. Without them the connection cannot be created. The tunnel terminates on a VPN \
              gateway; an ExpressRoute gateway cannot carry IPsec. A site-to-site VPN is the \
              recommended way to reach HSMs from several on-premises machines, e.g. for backups \
              to an on-premises HSM.",
        fix: "Enter the device's public IP address and the site's prefixes on the site. Give the \
              VPN gateway a type (RouteBased unless the device only does policy-based IPsec). \
              When the connection points at an ExpressRoute gateway, move it to the VPN gateway \
              of the same VNet.",
        source: "Networking considerations, 'Connecting your on-premises IT to Azure' and \
                 'Site-to-Site VPN'; VPN Gateway settings, 'Local network gateways' and 'VPN \
                 types'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.design.connections {
        let ConnectionKind::SiteToSite { gateway, site } = c.kind else {
            continue;
        };
        let (Some(g), Some(s)) = (cx.index().gateway(gateway), cx.index().site(site)) else {
            continue;
        };
        if s.vpn_device_ip.is_none() {
            out.push(Finding::of(
                &RULE,
                format!(
                    "site-to-site connection {} goes to site {}, which has no VPN device IP \
                     address; enter the public address of the site's VPN device",
                    cx.name(c.id),
                    cx.name(s.id)
                ),
                vec![c.id, s.id],
            ));
        }
        if s.prefixes.is_empty() {
            out.push(Finding::of(
                &RULE,
                format!(
                    "site-to-site connection {} goes to site {}, which has no address prefixes; \
                     enter the on-premises ranges to route over the tunnel",
                    cx.name(c.id),
                    cx.name(s.id)
                ),
                vec![c.id, s.id],
            ));
        }
        let problem = match (g.kind, g.vpn_type) {
            (GatewayKind::Vpn, Some(_)) => continue,
            (GatewayKind::Vpn, None) => "a VPN gateway with no VPN type",
            (GatewayKind::ExpressRoute, _) => "an ExpressRoute gateway",
        };
        let finding = Finding::of(
            &RULE,
            format!(
                "site-to-site connection {} uses gateway {}, {problem}; it needs a RouteBased or \
                 PolicyBased VPN gateway",
                cx.name(c.id),
                cx.name(g.id)
            ),
            vec![c.id, g.id],
        );
        let fix = match g.kind {
            GatewayKind::Vpn => Some((
                "Make the VPN gateway RouteBased".to_string(),
                Edit::Replace(Element::Gateway(route_based(g))),
            )),
            GatewayKind::ExpressRoute => vpn_gateway_beside(cx, g).map(|vpn| {
                let mut moved = c.clone();
                moved.kind = ConnectionKind::SiteToSite {
                    gateway: vpn.id,
                    site,
                };
                let mut edits = vec![Edit::Replace(Element::Connection(moved))];
                if vpn.vpn_type.is_none() {
                    edits.push(Edit::Replace(Element::Gateway(route_based(vpn))));
                }
                (
                    format!("Move the connection to VPN gateway {}", cx.name(vpn.id)),
                    Edit::Batch(edits),
                )
            }),
        };
        out.push(match fix {
            Some((label, edit)) => finding.with_fix(label, edit),
            None => finding,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, Id, SiteRoles, VpnType};
    use crate::rules::testing::*;

    const RULE: &str = "s2s-needs-device";

    /// The HSM VNet with a VPN gateway and a site-to-site connection to a backup site.
    fn with_s2s(prefixes: &[&str], device: Option<&str>) -> (Builder, Small, Id, Id, Id) {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2AZ", None);
        let roles = SiteRoles {
            backup_site: true,
            ..SiteRoles::default()
        };
        let site = b.site("dc", prefixes, device, roles);
        let conn = b.connection("dc-s2s", ConnectionKind::SiteToSite { gateway: vpn, site });
        (b, ids, vpn, site, conn)
    }

    #[test]
    fn passes_a_complete_site_to_site_connection() {
        let (b, ..) = with_s2s(&["192.168.0.0/24"], Some("203.0.113.10"));
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_policy_based_gateway_is_fine() {
        let (mut b, _, vpn, ..) = with_s2s(&["192.168.0.0/24"], Some("203.0.113.10"));
        b.design
            .gateways
            .iter_mut()
            .find(|g| g.id == vpn)
            .unwrap()
            .vpn_type = Some(VpnType::PolicyBased);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_a_site_without_device_address_or_prefixes() {
        let (b, _, _, site, conn) = with_s2s(&[], None);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 2);
        assert!(
            found[0].message.contains("VPN device"),
            "{}",
            found[0].message
        );
        assert!(
            found[1].message.contains("prefixes"),
            "{}",
            found[1].message
        );
        for f in &found {
            assert_eq!(f.elements, vec![conn, site]);
            assert!(f.message.contains("'dc'"), "{}", f.message);
            assert!(f.fix.is_none(), "only the user knows the address");
        }
    }

    #[test]
    fn a_vpn_gateway_without_type_is_made_route_based() {
        let (mut b, _, vpn, ..) = with_s2s(&["192.168.0.0/24"], Some("203.0.113.10"));
        b.design
            .gateways
            .iter_mut()
            .find(|g| g.id == vpn)
            .unwrap()
            .vpn_type = None;
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("'vpngw'"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.gateway(vpn).unwrap().vpn_type,
            Some(VpnType::RouteBased)
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_connection_on_the_expressroute_gateway_moves_to_the_vpn_gateway() {
        let (mut b, ids, vpn, site, conn) = with_s2s(&["192.168.0.0/24"], Some("203.0.113.10"));
        b.design.connections[0].kind = ConnectionKind::SiteToSite {
            gateway: ids.er_gateway,
            site,
        };
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("ExpressRoute"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let c = fixed.connections.iter().find(|c| c.id == conn).unwrap();
        assert_eq!(c.kind, ConnectionKind::SiteToSite { gateway: vpn, site });
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn no_fix_for_an_expressroute_gateway_without_a_vpn_gateway_beside_it() {
        let (mut b, ids, vpn, site, _) = with_s2s(&["192.168.0.0/24"], Some("203.0.113.10"));
        b.design.connections[0].kind = ConnectionKind::SiteToSite {
            gateway: ids.er_gateway,
            site,
        };
        b.design.gateways.retain(|g| g.id != vpn);
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }
}
