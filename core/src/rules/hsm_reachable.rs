//! `hsm-reachable`: every HSM client has a network path to at least one HSM on TCP 1792.

use super::fixes::site_to_site_fix;
use super::regions::location_key;
use super::wording::names;
use super::{Context, Explanation, Finding, Rule, Severity};
use crate::addressing::overlaps;
use crate::edit::{Edit, Element};
use crate::graph::{Blocker, Link, Node, Reach};
use crate::model::{Id, Peering, PeeringSide, Vnet};

pub static RULE: Rule = Rule {
    name: "hsm-reachable",
    severities: &[Severity::Warning],
    summary: "Every HSM client subnet and client site has a network path to an HSM on TCP 1792.",
    explanation: Explanation {
        checks: "For each subnet marked as an HSM client and each on-premises site with the \
                 HSM-client role, whether some VNet holding HSMs can be reached. A VNet reaches \
                 an HSM VNet by being it, by a same-region peering with it, by a VNet-to-VNet \
                 VPN, or through a hub it is peered with whose NVA proxy tier (NVAs behind a \
                 load balancer of the hub) is peered with it. A site reaches what the VNets its \
                 VPN or ExpressRoute connections land on reach for on-premises traffic: the VNet \
                 itself, its NVA proxy tier, its VNet-to-VNet VPNs, and the peers that use its \
                 gateway.",
        why: "Luna clients open NTLS sessions to the HSMs on TCP 1792. VNet peering is not \
              transitive: a spoke peered with a hub that is peered with the HSM VNet gets \
              nowhere unless NVAs in the hub take the session and forward it. Global peering \
              to an HSM VNet is not supported at all. A client without a path fails on its \
              first connection.",
        fix: "Peer the client's VNet with an HSM VNet of the same region, or with the hub whose \
              NVA proxy tier is peered with one; between regions use a VNet-to-VNet VPN. Bring \
              an on-premises client in through the hub (ExpressRoute or VPN), or by \
              site-to-site VPN to a gateway from which an HSM VNet is reachable. When a \
              suitable hub, HSM VNet or VPN gateway exists, the one-click fix adds the peering \
              or the site-to-site connection.",
        source: "Networking considerations, 'Virtual network peering', 'Networking \
                 Restrictions' and 'Solution Architecture'; VNet peering overview (peering is \
                 not transitive); Dedicated HSM troubleshooting, 'Failed TCP Communication'.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let reach = cx.topology().reach(&cx.index);
    if !reach.any_hsm() {
        return;
    }
    // Computed only when some client is cut off: the fix targets and the next free id.
    let mut targets: Option<Vec<(&Vnet, bool)>> = None;
    let mut next_id: Option<Id> = None;
    for vnet in &cx.design.vnets {
        let clients: Vec<Id> = vnet
            .subnets
            .iter()
            .filter(|s| s.hsm_client)
            .map(|s| s.id)
            .collect();
        if clients.is_empty() || !reach.from_vnet(vnet.id).is_empty() {
            continue;
        }
        let blockers = reach.why_not_from_vnet(vnet.id);
        let who = match clients.as_slice() {
            [one] => format!("HSM client subnet {}", cx.name(*one)),
            many => format!("HSM client subnets {}", names(cx, many)),
        };
        let message = format!(
            "{who} in {} cannot reach any HSM on TCP 1792: {}. Peer {} with an HSM VNet of its \
             region, or with a hub whose NVA proxy tier is peered with one",
            cx.name(vnet.id),
            reasons(cx, &blockers),
            cx.name(vnet.id),
        );
        let mut elements = clients;
        elements.push(vnet.id);
        elements.extend(blocker_elements(&blockers));
        let mut finding = Finding::of(&RULE, message, dedup(elements));
        let targets = targets.get_or_insert_with(|| fix_targets(cx, &reach));
        let id = *next_id.get_or_insert_with(|| cx.design.next_id());
        if let Some((label, edit)) = peering_fix(cx, vnet, targets, id) {
            finding = finding.with_fix(label, edit);
        }
        out.push(finding);
    }
    for site in &cx.design.sites {
        if !site.roles.hsm_client || !reach.from_site(site.id).is_empty() {
            continue;
        }
        let blockers = reach.why_not_from_site(site.id);
        let message = format!(
            "HSM client site {} cannot reach any HSM on TCP 1792: {}. Connect it to a hub whose \
             NVA proxy tier is peered with an HSM VNet, or by site-to-site VPN to a gateway \
             from which an HSM VNet is reachable",
            cx.name(site.id),
            reasons(cx, &blockers),
        );
        let mut elements = vec![site.id];
        elements.extend(blocker_elements(&blockers));
        let mut finding = Finding::of(&RULE, message, dedup(elements));
        let id = *next_id.get_or_insert_with(|| cx.design.next_id());
        if let Some((label, edit)) = site_to_site_fix(cx, &reach, site, id) {
            finding = finding.with_fix(label, edit);
        }
        out.push(finding);
    }
}

fn dedup(ids: Vec<Id>) -> Vec<Id> {
    let mut out: Vec<Id> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// How `from` is joined to the next node, as a verb phrase.
fn joined_by(link: Link) -> &'static str {
    match link {
        Link::Peering(_) => "is peered with",
        Link::VnetToVnet(_) => "has a VNet-to-VNet VPN to",
        Link::SiteToSite(_) => "has a site-to-site VPN to",
        Link::PointToSite(_) => "has a point-to-site VPN to",
        Link::ExpressRoute(_) => "lands by ExpressRoute on",
    }
}

/// The blockers in plain words, joined with semicolons.
fn reasons(cx: &Context, blockers: &[Blocker]) -> String {
    let name = |id: Id| cx.name(id);
    let said: Vec<String> = blockers
        .iter()
        .map(|b| match b {
            Blocker::Isolated(Node::Vnet(v)) => {
                format!(
                    "{} is neither peered nor connected to any other VNet",
                    name(*v)
                )
            }
            Blocker::Isolated(Node::Site(s)) => {
                format!(
                    "{} has no VPN or ExpressRoute connection to Azure",
                    name(*s)
                )
            }
            Blocker::CrossRegionPeering {
                from,
                hsm_vnet,
                peering,
            } => format!(
                "peering {} joins {} to HSM VNet {} across regions, and Dedicated HSM does not \
                 support global peering (use a VNet-to-VNet VPN between regions)",
                name(*peering),
                name(*from),
                name(*hsm_vnet)
            ),
            Blocker::NotTransitive {
                from,
                link,
                next,
                onward,
            } => format!(
                "{} {} {}, which reaches an HSM ({}), but traffic from {} cannot go on past \
                 it: peering is not transitive and {} has no NVA proxy tier",
                name(from.id()),
                joined_by(*link),
                name(*next),
                onward.describe(name),
                name(from.id()),
                name(*next)
            ),
            Blocker::NvasWithoutLoadBalancer { hub, hsm_vnet } => format!(
                "{} is peered with {} and holds NVAs, but no load balancer in {} fronts them, \
                 so they proxy nothing",
                name(*hub),
                name(*hsm_vnet),
                name(*hub)
            ),
            Blocker::ProxyReachesNothing { hub, load_balancer } => format!(
                "the NVA proxy tier in {} (behind {}) is peered with no HSM VNet of its region",
                name(*hub),
                name(*load_balancer)
            ),
            Blocker::DeadEnds { from, next } => {
                let (verb, one, many) = match from {
                    Node::Vnet(_) => ("is linked only to", "holds", "hold"),
                    Node::Site(_) => ("lands only on", "holds", "hold"),
                };
                let (holds, leads) = if next.len() == 1 {
                    (one, "leads")
                } else {
                    (many, "lead")
                };
                format!(
                    "{} {verb} {}, which {holds} no HSM and {leads} to none",
                    name(from.id()),
                    names(cx, next)
                )
            }
            Blocker::NoPrivatePeering {
                connection,
                circuit,
            } => format!(
                "ExpressRoute circuit {} has no private peering, so connection {} carries no \
                 traffic to VNets",
                name(*circuit),
                name(*connection)
            ),
        })
        .collect();
    said.join("; ")
}

/// The elements a blocker points at, for the canvas.
fn blocker_elements(blockers: &[Blocker]) -> Vec<Id> {
    let mut out = Vec::new();
    for b in blockers {
        match b {
            Blocker::Isolated(_) => {}
            Blocker::CrossRegionPeering {
                hsm_vnet, peering, ..
            } => out.extend([*peering, *hsm_vnet]),
            Blocker::NotTransitive { link, next, .. } => out.extend([link.element(), *next]),
            Blocker::NvasWithoutLoadBalancer { hub, .. } => out.push(*hub),
            Blocker::ProxyReachesNothing { hub, load_balancer } => {
                out.extend([*hub, *load_balancer])
            }
            Blocker::DeadEnds { next, .. } => out.extend(next.iter().copied()),
            Blocker::NoPrivatePeering {
                connection,
                circuit,
            } => out.extend([*circuit, *connection]),
        }
    }
    out
}

/// VNets a cut-off VNet could be peered with: hubs whose proxy tier reaches an HSM (first),
/// then HSM VNets; `true` marks a hub.
fn fix_targets<'d>(cx: &Context<'d>, reach: &Reach) -> Vec<(&'d Vnet, bool)> {
    let design = cx.design;
    let hubs = design
        .vnets
        .iter()
        .filter(|v| reach.proxy_of(v.id).is_some() && !reach.direct(v.id).is_empty())
        .map(|v| (v, true));
    let hsm_vnets = design
        .vnets
        .iter()
        .filter(|v| reach.is_hsm_vnet(v.id) && reach.proxy_of(v.id).is_none())
        .map(|v| (v, false));
    hubs.chain(hsm_vnets).collect()
}

fn spaces_overlap(a: &Vnet, b: &Vnet) -> bool {
    a.address_space
        .iter()
        .any(|x| b.address_space.iter().any(|y| overlaps(x, y)))
}

/// Peers `vnet` with the first hub or HSM VNet of its region whose addresses do not clash.
fn peering_fix(
    cx: &Context,
    vnet: &Vnet,
    targets: &[(&Vnet, bool)],
    id: Id,
) -> Option<(String, Edit)> {
    let here = location_key(cx.index.location(vnet)?);
    let peers: Vec<Id> = cx
        .topology()
        .neighbours(vnet.id)
        .into_iter()
        .filter(|(_, link)| matches!(link, Link::Peering(_)))
        .map(|(node, _)| node.id())
        .collect();
    let (target, hub) = targets.iter().copied().find(|(t, _)| {
        t.id != vnet.id
            && !peers.contains(&t.id)
            && cx
                .index
                .location(t)
                .is_some_and(|l| location_key(l) == here)
            && !spaces_overlap(vnet, t)
    })?;
    let peering = Peering {
        id,
        name: format!("{}-to-{}", vnet.name, target.name),
        a: vnet.id,
        b: target.id,
        a_to_b: PeeringSide::default(),
        b_to_a: PeeringSide::default(),
    };
    let what = if hub { "hub" } else { "HSM VNet" };
    Some((
        format!(
            "Peer {} with {what} {}",
            cx.name(vnet.id),
            cx.name(target.id)
        ),
        Edit::Add(Element::Peering(peering)),
    ))
}

#[cfg(test)]
mod tests {
    use crate::graph::{Link, Node};
    use crate::model::builder::Builder;
    use crate::model::{ConnectionKind, Design, Id, PeeringSide, SiteRoles};
    use crate::rules::testing::*;
    use crate::rules::Context;

    const RULE: &str = "hsm-reachable";

    fn client_site(b: &mut Builder, vpn_device: Option<&str>) -> Id {
        let roles = SiteRoles {
            hsm_client: true,
            ..SiteRoles::default()
        };
        b.site("dc", &["192.168.0.0/16"], vpn_device, roles)
    }

    fn only(design: &Design) -> crate::rules::Finding {
        let found = findings(design, RULE);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn a_client_subnet_in_the_hsm_vnet_reaches_it() {
        let (mut b, ids) = hsm_vnet();
        b.client_subnet(ids.vnet, "app", "10.10.2.0/24");
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn an_isolated_client_vnet_is_reported_and_peered_by_the_fix() {
        let (mut b, ids) = hsm_vnet();
        let lonely = b.vnet(ids.region, "lonely", &["10.1.0.0/16"]);
        let app = b.client_subnet(lonely, "app", "10.1.1.0/24");
        let design = b.finish();
        let f = only(&design);
        assert_eq!(f.elements[..2], [app, lonely]);
        assert!(
            f.message
                .contains("'lonely' is neither peered nor connected"),
            "{}",
            f.message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(fixed
            .peerings
            .iter()
            .any(|p| p.a == lonely && p.b == ids.vnet));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_spoke_peered_directly_with_the_hsm_vnet_reaches_it() {
        let (mut b, ids) = hsm_vnet();
        let spoke = b.vnet(ids.region, "spoke", &["10.1.0.0/16"]);
        b.client_subnet(spoke, "app", "10.1.1.0/24");
        b.peering(spoke, ids.vnet);
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn peering_is_not_transitive_between_spokes() {
        let (mut b, ids) = hsm_vnet();
        let spoke_b = b.vnet(ids.region, "spoke-b", &["10.2.0.0/16"]);
        b.peering(spoke_b, ids.vnet);
        let spoke_a = b.vnet(ids.region, "spoke-a", &["10.1.0.0/16"]);
        b.client_subnet(spoke_a, "app", "10.1.1.0/24");
        b.peering(spoke_a, spoke_b);
        let design = b.finish();
        let f = only(&design);
        assert!(
            f.message.contains("'spoke-a' is peered with 'spoke-b'"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("peering is not transitive"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("('spoke-b' -> peering -> 'hsm-vnet')"),
            "the onward path is named: {}",
            f.message
        );
        assert!(f.elements.contains(&spoke_b));
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_spoke_reaches_the_hsms_through_the_hub_proxy_tier() {
        let (b, ids) = proxy_hub();
        let design = b.finish();
        assert!(findings(&design, RULE).is_empty());
        let cx = Context::new(&design);
        let reach = cx.topology().reach(&cx.index);
        let path = &reach.from_vnet(ids.spoke)[0];
        assert_eq!(path.start(), Node::Vnet(ids.spoke));
        assert_eq!(path.end(), Node::Vnet(ids.small.vnet));
        assert_eq!(
            path.elements(),
            vec![
                ids.spoke,
                ids.spoke_peering,
                ids.hub,
                ids.ilb,
                ids.hub_hsm_peering,
                ids.small.vnet
            ]
        );
        assert_eq!(
            path.describe(|id| cx.name(id)),
            "'spoke-a' -> peering -> 'hub' (NVA proxy tier behind 'hub-ilb') -> peering -> 'hsm-vnet'"
        );
    }

    #[test]
    fn a_hub_without_nvas_does_not_carry_spoke_traffic() {
        let (mut b, ids) = proxy_hub();
        b.design.load_balancers.clear();
        b.design.nvas.clear();
        let design = b.finish();
        let f = only(&design);
        assert!(
            f.message.contains("'spoke-a' is peered with 'hub'"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("'hub' has no NVA proxy tier"),
            "{}",
            f.message
        );
        // The fix peers the spoke with the HSM VNet itself (no hub qualifies).
        let fixed = apply_first_fix(&design, RULE);
        assert!(fixed
            .peerings
            .iter()
            .any(|p| p.a == ids.spoke && p.b == ids.small.vnet));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn nvas_without_a_load_balancer_proxy_nothing() {
        let (mut b, _) = proxy_hub();
        b.design.load_balancers.clear();
        let f = only(&b.finish());
        assert!(
            f.message.contains("no load balancer in 'hub' fronts them"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_proxy_tier_not_peered_with_an_hsm_vnet_is_named() {
        let (mut b, ids) = proxy_hub();
        b.design.peerings.retain(|p| p.id != ids.hub_hsm_peering);
        let design = b.finish();
        let f = only(&design);
        assert!(
            f.message.contains(
                "the NVA proxy tier in 'hub' (behind 'hub-ilb') is peered with no HSM VNet"
            ),
            "{}",
            f.message
        );
        assert!(f.elements.contains(&ids.ilb));
    }

    #[test]
    fn a_hub_peered_with_the_hsm_vnet_across_regions_is_explained() {
        let (mut b, ids) = proxy_hub();
        let north = b.region("northeurope");
        let hub = b.design.vnets.iter_mut().find(|v| v.id == ids.hub).unwrap();
        hub.region = north;
        let spoke = b
            .design
            .vnets
            .iter_mut()
            .find(|v| v.id == ids.spoke)
            .unwrap();
        spoke.region = north;
        let f = only(&b.finish());
        assert!(f.message.contains("across regions"), "{}", f.message);
        assert!(f.message.contains("global peering"), "{}", f.message);
        assert!(f.elements.contains(&ids.hub_hsm_peering));
    }

    #[test]
    fn a_spoke_peered_with_the_hsm_vnet_across_regions_does_not_reach_it() {
        let (mut b, ids) = hsm_vnet();
        let north = b.region("northeurope");
        let spoke = b.vnet(north, "spoke", &["10.1.0.0/16"]);
        b.client_subnet(spoke, "app", "10.1.1.0/24");
        let peering = b.peering(spoke, ids.vnet);
        let design = b.finish();
        let f = only(&design);
        assert!(f.message.contains("across regions"), "{}", f.message);
        assert!(f.elements.contains(&peering));
        assert!(
            f.fix.is_none(),
            "no HSM VNet or hub in North Europe to peer with"
        );
    }

    #[test]
    fn a_vnet_to_vnet_vpn_reaches_an_hsm_vnet_in_another_region() {
        let (mut b, ids) = hsm_vnet();
        let hsm_vpn = b.vpn_gateway(ids.gateway_subnet, "hsm-vpngw", "VpnGw1AZ", None);
        let north = b.region("northeurope");
        let app_vnet = b.vnet(north, "app-ne", &["10.30.0.0/16"]);
        let gw_subnet = b.subnet(app_vnet, "GatewaySubnet", "10.30.255.0/27");
        let app_vpn = b.vpn_gateway(gw_subnet, "app-vpngw", "VpnGw1AZ", None);
        b.client_subnet(app_vnet, "app", "10.30.1.0/24");
        let design_without = b.design.clone();
        b.connection(
            "v2v",
            ConnectionKind::VnetToVnet {
                a: app_vpn,
                b: hsm_vpn,
            },
        );
        assert!(findings(&b.finish(), RULE).is_empty());
        assert_eq!(findings(&design_without, RULE).len(), 1);
    }

    #[test]
    fn a_site_reaches_the_hsms_over_expressroute_to_the_proxy_hub() {
        let (mut b, ids) = proxy_hub();
        let site = client_site(&mut b, None);
        let circuit = b.circuit(site, "dc-circuit", "172.16.0.0/29");
        let er = b.connection(
            "hub-er",
            ConnectionKind::ExpressRoute {
                gateway: ids.hub_er_gateway,
                circuit,
            },
        );
        let design = b.finish();
        assert!(findings(&design, RULE).is_empty());
        let cx = Context::new(&design);
        let paths = cx.topology().reach(&cx.index).from_site(site);
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0].first_link(), Some(Link::ExpressRoute(er)));
        assert_eq!(paths[0].end(), Node::Vnet(ids.small.vnet));

        // Without private peering the circuit carries nothing.
        let mut broken = design.clone();
        broken.circuits[0].private_peering = None;
        let f = only(&broken);
        assert!(
            f.message.contains("'dc-circuit' has no private peering"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_site_landing_on_a_hub_without_proxy_tier_is_reported() {
        let (mut b, ids) = proxy_hub();
        b.design.load_balancers.clear();
        b.design.nvas.clear();
        b.design
            .vnets
            .iter_mut()
            .for_each(|v| v.subnets.iter_mut().for_each(|s| s.hsm_client = false));
        let site = client_site(&mut b, None);
        let circuit = b.circuit(site, "dc-circuit", "172.16.0.0/29");
        b.connection(
            "hub-er",
            ConnectionKind::ExpressRoute {
                gateway: ids.hub_er_gateway,
                circuit,
            },
        );
        let f = only(&b.finish());
        assert_eq!(f.elements[0], site);
        assert!(
            f.message.contains("'dc' lands by ExpressRoute on 'hub'"),
            "{}",
            f.message
        );
        assert!(f.message.contains("no NVA proxy tier"), "{}", f.message);
    }

    #[test]
    fn a_site_reaches_the_hsm_vnet_over_site_to_site_vpn() {
        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "hsm-vpngw", "VpnGw1AZ", None);
        let site = client_site(&mut b, Some("203.0.113.10"));
        let unconnected = b.design.clone();
        b.connection("dc-s2s", ConnectionKind::SiteToSite { gateway: vpn, site });
        assert!(findings(&b.finish(), RULE).is_empty());

        // Not connected: reported, and the fix adds exactly that connection.
        let f = only(&unconnected);
        assert!(
            f.message
                .contains("'dc' has no VPN or ExpressRoute connection"),
            "{}",
            f.message
        );
        let fixed = apply_first_fix(&unconnected, RULE);
        assert!(fixed
            .connections
            .iter()
            .any(|c| c.kind == ConnectionKind::SiteToSite { gateway: vpn, site }));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn a_site_reaches_a_proxy_hub_that_uses_the_landing_vnets_gateway() {
        let (mut b, ids) = proxy_hub();
        let transit = b.vnet(ids.small.region, "transit", &["10.5.0.0/16"]);
        let gw_subnet = b.subnet(transit, "GatewaySubnet", "10.5.255.0/27");
        let vpn = b.vpn_gateway(gw_subnet, "transit-vpngw", "VpnGw1AZ", None);
        let peering = b.peering(transit, ids.hub);
        let site = client_site(&mut b, Some("203.0.113.10"));
        b.connection("dc-s2s", ConnectionKind::SiteToSite { gateway: vpn, site });
        // Plain peering: the site's traffic stops at the transit VNet.
        let plain = b.design.clone();
        let f = only(&plain);
        assert!(
            f.message.contains("'transit', which reaches an HSM"),
            "{}",
            f.message
        );
        // Gateway transit: the hub uses the transit VNet's gateway, so the site reaches the ILB.
        let p = b
            .design
            .peerings
            .iter_mut()
            .find(|p| p.id == peering)
            .unwrap();
        p.a_to_b = PeeringSide {
            allow_gateway_transit: true,
            ..PeeringSide::default()
        };
        p.b_to_a = PeeringSide {
            use_remote_gateways: true,
            ..PeeringSide::default()
        };
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_spoke_using_a_gateway_with_a_vpn_to_the_hsm_vnet_reaches_it() {
        let (mut b, ids) = hsm_vnet();
        let hsm_vpn = b.vpn_gateway(ids.gateway_subnet, "hsm-vpngw", "VpnGw1AZ", None);
        let north = b.region("northeurope");
        let hub = b.vnet(north, "hub-ne", &["10.30.0.0/16"]);
        let gw_subnet = b.subnet(hub, "GatewaySubnet", "10.30.255.0/27");
        let hub_vpn = b.vpn_gateway(gw_subnet, "hub-vpngw", "VpnGw1AZ", None);
        b.connection(
            "v2v",
            ConnectionKind::VnetToVnet {
                a: hub_vpn,
                b: hsm_vpn,
            },
        );
        let spoke = b.vnet(north, "spoke-ne", &["10.31.0.0/16"]);
        b.client_subnet(spoke, "app", "10.31.1.0/24");
        let peering = b.peering(spoke, hub);
        assert_eq!(
            findings(&b.design, RULE).len(),
            1,
            "plain peering is not enough"
        );
        let p = b
            .design
            .peerings
            .iter_mut()
            .find(|p| p.id == peering)
            .unwrap();
        p.a_to_b.use_remote_gateways = true;
        p.b_to_a.allow_gateway_transit = true;
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_spoke_without_a_path_is_peered_with_the_proxy_hub_by_the_fix() {
        let (mut b, ids) = proxy_hub();
        let spoke = b.vnet(ids.small.region, "spoke-c", &["10.3.0.0/16"]);
        b.client_subnet(spoke, "app", "10.3.1.0/24");
        let design = b.finish();
        let f = only(&design);
        assert_eq!(
            f.fix.as_ref().unwrap().label,
            "Peer 'spoke-c' with hub 'hub'"
        );
        let fixed = apply_first_fix(&design, RULE);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn several_client_subnets_of_one_vnet_give_one_finding() {
        let (mut b, ids) = hsm_vnet();
        let lonely = b.vnet(ids.region, "lonely", &["10.1.0.0/16"]);
        b.client_subnet(lonely, "app", "10.1.1.0/24");
        b.client_subnet(lonely, "batch", "10.1.2.0/24");
        let f = only(&b.finish());
        assert!(
            f.message
                .starts_with("HSM client subnets 'app' and 'batch' in 'lonely'"),
            "{}",
            f.message
        );
    }

    #[test]
    fn nothing_is_reported_in_a_design_without_hsms() {
        let mut b = Builder::new("no hsm");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "lonely", &["10.1.0.0/16"]);
        b.client_subnet(vnet, "app", "10.1.1.0/24");
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn the_reference_hub_reaches_its_hsms_from_every_client() {
        let (b, _) = crate::rules::hub::reference_hub();
        assert!(findings(&b.finish(), RULE).is_empty());
    }

    #[test]
    fn a_thousand_spokes_on_one_hub_all_reach_the_hsms() {
        let (mut b, ids) = proxy_hub();
        for n in 0..1000u32 {
            let space = format!("10.{}.{}.0/24", 64 + n / 256, n % 256);
            let spoke = b.vnet(ids.small.region, &format!("spoke-{n}"), &[&space]);
            b.client_subnet(spoke, "app", &space);
            b.peering(spoke, ids.hub);
        }
        let design = b.design;
        assert!(findings(&design, RULE).is_empty());
        let cx = Context::new(&design);
        let reach = cx.topology().reach(&cx.index);
        let last = design.vnets.last().unwrap().id;
        assert_eq!(reach.from_vnet(last)[0].end(), Node::Vnet(ids.small.vnet));
    }
}
