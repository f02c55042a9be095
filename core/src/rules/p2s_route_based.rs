//! `p2s-route-based`: a point-to-site connection needs a RouteBased VPN gateway with a client
//! address pool.

use super::select::vpn_gateway_beside;
use super::{Context, Finding, Rule, Severity};
use crate::addressing::overlaps;
use crate::edit::{Edit, Element};
use crate::model::{ConnectionKind, Design, Gateway, GatewayKind, VpnType};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// The first 172.16.x.0/24 that overlaps no address space, subnet, site prefix, client pool or
/// circuit peering prefix of the design.
fn free_client_pool(design: &Design) -> Option<Ipv4Net> {
    let block = Ipv4Net::new(Ipv4Addr::new(172, 16, 0, 0), 16).ok()?;
    let mut used: Vec<Ipv4Net> = Vec::new();
    let mut note = |p: &Ipv4Net| {
        if overlaps(p, &block) {
            used.push(p.trunc());
        }
    };
    for v in &design.vnets {
        v.address_space.iter().for_each(&mut note);
        v.subnets.iter().for_each(|s| note(&s.prefix));
    }
    design
        .sites
        .iter()
        .flat_map(|s| &s.prefixes)
        .for_each(&mut note);
    design
        .gateways
        .iter()
        .filter_map(|g| g.p2s_pool.as_ref())
        .for_each(&mut note);
    for c in &design.circuits {
        if let Some(pp) = &c.private_peering {
            note(&pp.primary_prefix);
            note(&pp.secondary_prefix);
        }
    }
    block
        .subnets(24)
        .ok()?
        .find(|candidate| !used.iter().any(|u| overlaps(u, candidate)))
}

/// The gateway made ready for point-to-site: RouteBased, with a client pool (a free one when it
/// has none). `None` when no pool is free.
fn ready_for_p2s(design: &Design, g: &Gateway) -> Option<Gateway> {
    let mut fixed = g.clone();
    fixed.vpn_type = Some(VpnType::RouteBased);
    if fixed.p2s_pool.is_none() {
        fixed.p2s_pool = Some(free_client_pool(design)?);
    }
    Some(fixed)
}

pub static RULE: Rule = Rule {
    name: "p2s-route-based",
    severities: &[Severity::Error],
    summary:
        "A point-to-site connection needs a RouteBased VPN gateway with a client address pool.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "The gateway of every point-to-site connection is a VPN gateway whose type is \
                 RouteBased and which has a point-to-site client address pool.",
        why: "Azure offers point-to-site only on route-based VPN gateways: a policy-based or \
              ExpressRoute gateway cannot accept client connections. Each connecting client \
              takes an address from the pool, so without one there is nothing to hand out.",
        fix: "Make the VPN gateway RouteBased and, when it has no pool, give it a free \
              172.16.x.0/24 that overlaps nothing in the design. A connection on an ExpressRoute \
              gateway moves to the VPN gateway of the same VNet.",
        source: "Networking considerations, 'Point-to-Site VPN'; VPN Gateway settings, 'VPN \
                 types'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.design.connections {
        let ConnectionKind::PointToSite { gateway, site } = c.kind else {
            continue;
        };
        let Some(g) = cx.index().gateway(gateway) else {
            continue;
        };
        let mut problems = Vec::new();
        match (g.kind, g.vpn_type) {
            (GatewayKind::ExpressRoute, _) => problems.push("is an ExpressRoute gateway"),
            (GatewayKind::Vpn, Some(VpnType::RouteBased)) => {}
            (GatewayKind::Vpn, Some(VpnType::PolicyBased)) => problems.push("is PolicyBased"),
            (GatewayKind::Vpn, None) => problems.push("has no VPN type"),
        }
        if g.kind == GatewayKind::Vpn && g.p2s_pool.is_none() {
            problems.push("has no client address pool");
        }
        if problems.is_empty() {
            continue;
        }
        let finding = Finding::of(
            &RULE,
            format!(
                "point-to-site connection {} uses gateway {}, which {}; point-to-site needs a \
                 RouteBased VPN gateway with a client address pool",
                cx.name(c.id),
                cx.name(g.id),
                problems.join(" and ")
            ),
            vec![c.id, g.id],
        );
        let fix = match g.kind {
            GatewayKind::Vpn => ready_for_p2s(cx.design, g).map(|fixed| {
                let label = match (g.p2s_pool, fixed.p2s_pool) {
                    (None, Some(pool)) => {
                        format!("Make the gateway RouteBased with client pool {pool}")
                    }
                    _ => "Make the gateway RouteBased".to_string(),
                };
                (label, Edit::Replace(Element::Gateway(fixed)))
            }),
            GatewayKind::ExpressRoute => vpn_gateway_beside(cx, g).and_then(|vpn| {
                let mut moved = c.clone();
                moved.kind = ConnectionKind::PointToSite {
                    gateway: vpn.id,
                    site,
                };
                let mut edits = vec![Edit::Replace(Element::Connection(moved))];
                let ready = ready_for_p2s(cx.design, vpn)?;
                if &ready != vpn {
                    edits.push(Edit::Replace(Element::Gateway(ready)));
                }
                Some((
                    format!("Move the connection to VPN gateway {}", cx.name(vpn.id)),
                    Edit::Batch(edits),
                ))
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
    use super::free_client_pool;
    use crate::model::builder::{net, Builder};
    use crate::model::{ConnectionKind, Id, SiteRoles, VpnType};
    use crate::rules::testing::*;

    const RULE: &str = "p2s-route-based";

    /// The HSM VNet with a VPN gateway and a point-to-site connection to an admin workstation.
    fn with_p2s(pool: Option<&str>) -> (Builder, Small, Id, Id) {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw2AZ", pool);
        let roles = SiteRoles {
            admin_workstation: true,
            ..SiteRoles::default()
        };
        let site = b.site("admin", &["192.168.10.5/32"], None, roles);
        let conn = b.connection(
            "admin-p2s",
            ConnectionKind::PointToSite { gateway: vpn, site },
        );
        (b, ids, vpn, conn)
    }

    #[test]
    fn passes_a_route_based_gateway_with_a_pool() {
        let (b, ..) = with_p2s(Some("172.16.201.0/24"));
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn trips_on_a_missing_pool_and_the_fix_picks_a_free_one() {
        let (mut b, ids, vpn, conn) = with_p2s(None);
        // Take 172.16.0.0/24 and 172.16.1.0/24 so the fix has to skip them.
        b.vnet(ids.region, "other", &["172.16.0.0/24"]);
        b.site("branch", &["172.16.1.128/25"], None, SiteRoles::default());
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![conn, vpn]);
        assert!(found[0].message.contains("pool"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.gateway(vpn).unwrap().p2s_pool,
            Some(net("172.16.2.0/24"))
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_policy_based_gateway_keeps_its_pool_and_becomes_route_based() {
        let (mut b, _, vpn, _) = with_p2s(Some("172.16.201.0/24"));
        b.design
            .gateways
            .iter_mut()
            .find(|g| g.id == vpn)
            .unwrap()
            .vpn_type = Some(VpnType::PolicyBased);
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("PolicyBased"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let g = fixed.gateway(vpn).unwrap();
        assert_eq!(
            (g.vpn_type, g.p2s_pool),
            (Some(VpnType::RouteBased), Some(net("172.16.201.0/24")))
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_connection_on_the_expressroute_gateway_moves_to_the_vpn_gateway() {
        let (mut b, ids, vpn, conn) = with_p2s(None);
        let ConnectionKind::PointToSite { site, .. } = b.design.connections[0].kind else {
            unreachable!()
        };
        b.design.connections[0].kind = ConnectionKind::PointToSite {
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
        assert_eq!(c.kind, ConnectionKind::PointToSite { gateway: vpn, site });
        assert!(fixed.gateway(vpn).unwrap().p2s_pool.is_some());
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn no_pool_is_offered_when_the_whole_block_is_taken() {
        let (mut b, ids, ..) = with_p2s(None);
        b.vnet(ids.region, "big", &["172.16.0.0/12"]);
        let design = b.finish();
        assert_eq!(free_client_pool(&design), None);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }
}
