//! Edit builders shared by the rules' one-click fixes: a gateway made RouteBased, a subnet grown
//! or moved (with the addresses pinned in it), an HA partner for an HSM, a gateway added to a
//! VNet's GatewaySubnet (made when missing), two VNets joined by VNet-to-VNet VPN instead of a
//! peering, a new route table attached to a subnet, and a site-to-site connection to a gateway
//! from which the HSMs are reachable.
//!
//! Shared so that every rule that offers the same kind of fix builds the same edit the same way,
//! and a fix of one rule does not trip another. A fix that adds an element makes it with
//! `draw::new`, as drawing does: the same defaults, a name no element has in any letter case,
//! free addresses, and a place inside its container, which grows to hold it.

use super::select::{gateway_subnet_of, vpn_gateway_in};
use super::Context;
use crate::addressing::{next_free_prefix, overlaps, usable_addresses};
use crate::azure::ports::LUNA_NTLS_PORT;
use crate::draw::new::{self, Spot, SubnetRole};
use crate::draw::{Plan, Refusal};
use crate::edit::{Edit, Element};
use crate::model::{
    ConnectionKind, Design, Gateway, GatewayKind, Hsm, Id, NsgRule, OnPremSite, Peering, Protocol,
    Route, Subnet, Vnet, VpnType,
};
use crate::trace::{Endpoint, Network};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// The edit `build` makes step by step in a plan over `design` (each step sees the ones
/// before it), or `None` when a step is refused.
pub(super) fn planned(
    design: &Design,
    build: impl FnOnce(&mut Plan) -> Result<(), Refusal>,
) -> Option<Edit> {
    let mut plan = Plan::new(design);
    build(&mut plan).ok()?;
    plan.finish_unchecked().ok()
}

/// A copy of a gateway made RouteBased.
pub(super) fn route_based(g: &Gateway) -> Gateway {
    let mut fixed = g.clone();
    fixed.vpn_type = Some(VpnType::RouteBased);
    fixed
}

/// The prefix of length `len` that contains `subnet`'s, if it stays inside the VNet and
/// overlaps no other subnet of it.
pub(super) fn grown_in_place(vnet: &Vnet, subnet: &Subnet, len: u8) -> Option<Ipv4Net> {
    let grown = Ipv4Net::new(subnet.prefix.network(), len).ok()?.trunc();
    let inside = vnet
        .address_space
        .iter()
        .any(|s| s.trunc().contains(&grown));
    let clear = vnet
        .subnets
        .iter()
        .all(|s| s.id == subnet.id || !overlaps(&s.prefix, &grown));
    (inside && clear).then_some(grown)
}

/// A prefix of length `len` (shorter than the subnet's) for `subnet` to grow into: the one that
/// contains it when that lies in the address space and overlaps no other subnet, else the first
/// free one. Nothing else moves.
pub(super) fn enlarged(vnet: &Vnet, subnet: &Subnet, len: u8) -> Option<Ipv4Net> {
    if subnet.prefix.prefix_len() <= len {
        return None;
    }
    grown_in_place(vnet, subnet, len).or_else(|| next_free_prefix(vnet, len, Some(subnet)))
}

/// The address at the same offset in `to` as `addr` has in `from`, if `addr` is in `from` and
/// the offset fits in `to`.
fn same_offset(addr: Ipv4Addr, from: Ipv4Net, to: Ipv4Net) -> Option<Ipv4Addr> {
    if !from.contains(&addr) {
        return None;
    }
    let offset = u32::from(addr) - u32::from(from.network());
    let size = 1u64 << (32 - to.prefix_len());
    (u64::from(offset) < size).then(|| Ipv4Addr::from(u32::from(to.network()) + offset))
}

/// One edit that moves `subnet` of `vnet` to the prefix `to` (of the same size or larger) and
/// moves every address pinned in it (HSM host addresses, management IPs, NVA IPs, load
/// balancer frontends) to the same offset in the new prefix, so that valid pins stay valid and unique.
/// Pins that were outside the old prefix are left for `hsm-private-ip-valid` to report.
pub(super) fn relocate(cx: &Context, vnet: Id, subnet: &Subnet, to: Ipv4Net) -> Edit {
    let from = subnet.prefix.trunc();
    let to = to.trunc();
    let shift = |a: Option<Ipv4Addr>| a.map(|a| same_offset(a, from, to).unwrap_or(a));
    let mut moved = subnet.clone();
    moved.prefix = to;
    let mut edits = vec![Edit::Replace(Element::Subnet {
        vnet,
        subnet: moved,
    })];
    let d = cx.design;
    for hsm in d
        .hsms
        .iter()
        .filter(|h| h.subnets().any(|s| s == subnet.id))
    {
        // Only the addresses of the NICs in this subnet move: host addresses live in the host
        // subnet, the management address in the management subnet.
        let host = hsm.subnet == subnet.id;
        let management = hsm.management_subnet() == Some(subnet.id);
        let mut h = hsm.clone();
        if host {
            h.private_ip = shift(hsm.private_ip);
            for a in &mut h.more_host_ips {
                *a = shift(Some(*a)).unwrap_or(*a);
            }
        }
        if management {
            h.management_ip = shift(hsm.management_ip);
        }
        if h != *hsm {
            edits.push(Edit::Replace(Element::Hsm(h)));
        }
    }
    for nva in d.nvas.iter().filter(|n| n.subnet == subnet.id) {
        let private_ip = shift(nva.private_ip);
        if private_ip != nva.private_ip {
            let mut n = nva.clone();
            n.private_ip = private_ip;
            edits.push(Edit::Replace(Element::Nva(n)));
        }
    }
    for lb in d.load_balancers.iter().filter(|l| l.subnet == subnet.id) {
        let frontend_ip = shift(lb.frontend_ip);
        if frontend_ip != lb.frontend_ip {
            let mut l = lb.clone();
            l.frontend_ip = frontend_ip;
            edits.push(Edit::Replace(Element::LoadBalancer(l)));
        }
    }
    if edits.len() == 1 {
        edits.pop().expect("one edit")
    } else {
        Edit::Batch(edits)
    }
}

/// Adds a gateway of `kind` (named after the VNet: `hub-ergw`, `hub-vpngw`) to the VNet's
/// GatewaySubnet, adding the subnet when the VNet has none.
pub(super) fn add_gateway(plan: &mut Plan, vnet: &Vnet, kind: GatewayKind) -> Result<Id, Refusal> {
    let subnet = new::special_subnet(plan, vnet.id, SubnetRole::Gateway)?;
    let suffix = match kind {
        GatewayKind::ExpressRoute => "ergw",
        GatewayKind::Vpn => "vpngw",
    };
    new::gateway(plan, subnet, kind, &format!("{}-{suffix}", vnet.name))
}

/// Adds a route table named from `base` holding `routes` (gateway route propagation on) and
/// attaches it to `subnet` of the design, its badge on the subnet's edge.
pub(super) fn attach_new_route_table(
    cx: &Context,
    subnet: &Subnet,
    base: &str,
    routes: Vec<Route>,
) -> Edit {
    certain(planned(cx.design, |plan| {
        new::route_table(plan, base, routes, Spot::On(subnet.id)).map(drop)
    }))
}

/// Adds an NSG named from `base` holding `rules` and attaches it to `subnet` of the design, its
/// badge on the subnet's edge.
pub(super) fn attach_new_nsg(
    cx: &Context,
    subnet: &Subnet,
    base: &str,
    rules: Vec<NsgRule>,
) -> Edit {
    certain(planned(cx.design, |plan| {
        new::nsg(plan, base, rules, Spot::On(subnet.id)).map(drop)
    }))
}

/// The edit of a plan no step of which can be refused (attaching to a subnet of the design);
/// were one refused, an edit that changes nothing.
fn certain(edit: Option<Edit>) -> Edit {
    edit.unwrap_or(Edit::Batch(Vec::new()))
}

/// How many VPN gateways [`site_to_site_fix`] tries, and HSMs through each: each try traces
/// over a copy of the design, so a design with thousands stays linear.
const TRIED: usize = 8;

/// Connects `site` by site-to-site VPN to the first VPN gateway it is not connected to yet,
/// whose VNet's addresses do not clash with the site's prefixes, and over which the site would
/// then reach an HSM on TCP 1792 as the flow tracer follows it (on the design with the
/// connection added); only when the site has what a site-to-site VPN needs (a device address
/// and prefixes).
pub(super) fn site_to_site_fix(cx: &Context, site: &OnPremSite, id: Id) -> Option<(String, Edit)> {
    if site.vpn_device_ip.is_none() || site.prefixes.is_empty() || cx.design.hsms.is_empty() {
        return None;
    }
    let linked = cx.components(|_| true);
    let mut tries = 0;
    cx.design.gateways.iter().find_map(|g| {
        let vnet = cx.index().vnet_of_subnet(g.subnet)?;
        let kind = ConnectionKind::SiteToSite {
            gateway: g.id,
            site: site.id,
        };
        let usable = g.kind == GatewayKind::Vpn
            && !cx.design.connections.iter().any(|c| c.kind == kind)
            && !vnet
                .address_space
                .iter()
                .any(|a| site.prefixes.iter().any(|p| overlaps(a, p)));
        if !usable || tries == TRIED {
            return None;
        }
        tries += 1;
        let edit = Edit::Add(new::connection(cx.design, id, kind));
        // Only HSMs of VNets linked to the gateway's at all can be reached through it.
        let joined = linked.label(vnet.id);
        let hsms = super::select::hsms_in_component(cx, &linked, joined, TRIED);
        let connected = cx.design.apply(&edit).ok()?;
        let net = Network::new(&connected);
        hsms.iter()
            .any(|h| {
                net.reaches(
                    Endpoint::Site(site.id),
                    Endpoint::Hsm(*h),
                    Protocol::Tcp,
                    LUNA_NTLS_PORT,
                )
                .unwrap_or(false)
            })
            .then(|| {
                (
                    format!(
                        "Connect {} by site-to-site VPN to {}",
                        cx.name(site.id),
                        cx.name(g.id)
                    ),
                    edit,
                )
            })
    })
}

/// Adds an HA partner for `hsm` in its subnet, on the other stamp (as `draw::new` makes one), with
/// the next free address for each address the original pins; `None` when the subnet has no
/// room for it.
pub(super) fn partner(cx: &Context, hsm: &Hsm) -> Option<(String, Edit)> {
    let (_, subnet) = cx.index().subnet(hsm.subnet)?;
    let nics: usize = cx
        .design
        .hsms
        .iter()
        .map(|h| h.addresses_in(subnet.id))
        .sum();
    if usable_addresses(&subnet.prefix) < (nics + hsm.addresses_in(subnet.id)) as u64 {
        return None;
    }
    let mut plan = Plan::new(cx.design);
    let id = new::hsm(&mut plan, subnet.id, &hsm.name, Some(hsm)).ok()?;
    let added = plan.work.hsm(id)?;
    let label = format!(
        "Add HSM '{}' on {} beside {}",
        added.name,
        added.stamp,
        cx.name(hsm.id)
    );
    Some((label, plan.finish_unchecked().ok()?))
}

/// Removes the peering and links the two VNets by VPN gateways, adding what is missing.
pub(super) fn vpn_instead(cx: &Context, p: &Peering, va: &Vnet, vb: &Vnet) -> Option<Edit> {
    planned(cx.design, |plan| {
        plan.push(Edit::Remove(p.id))?;
        let mut ends = Vec::new();
        for vnet in [va, vb] {
            if let Some(g) = vpn_gateway_in(cx, vnet.id) {
                if g.vpn_type != Some(VpnType::RouteBased) {
                    plan.push(Edit::Replace(Element::Gateway(route_based(g))))?;
                }
                ends.push(g.id);
                continue;
            }
            // A VPN gateway beside an ExpressRoute one needs a /27 and a non-Basic SKU.
            if let Some(s) = gateway_subnet_of(vnet) {
                if let Some(prefix) = enlarged(vnet, s, 27) {
                    let mut s = s.clone();
                    s.prefix = prefix;
                    plan.push(Edit::Replace(Element::Subnet {
                        vnet: vnet.id,
                        subnet: s,
                    }))?;
                }
            }
            for id in cx.index().gateways_of(vnet.id) {
                if let Some(er) = cx.index().gateway(*id) {
                    if er.kind == GatewayKind::ExpressRoute && er.sku.eq_ignore_ascii_case("Basic")
                    {
                        let mut standard = er.clone();
                        standard.sku = "Standard".to_string();
                        plan.push(Edit::Replace(Element::Gateway(standard)))?;
                    }
                }
            }
            ends.push(add_gateway(plan, vnet, GatewayKind::Vpn)?);
        }
        let (a, b) = (ends[0], ends[1]);
        let linked = cx.design.connections.iter().any(|c| {
            matches!(c.kind, ConnectionKind::VnetToVnet { a: x, b: y } if (x, y) == (a, b) || (x, y) == (b, a))
        });
        if !linked {
            let id = plan.id();
            let connection = new::connection(&plan.work, id, ConnectionKind::VnetToVnet { a, b });
            plan.push(Edit::Add(connection))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use crate::azure::names::{is_firewall_subnet, is_gateway_subnet};
    use crate::draw::names::{element_names, same_name};
    use crate::edit::Edit;
    use crate::model::builder::{net, route, Builder};
    use crate::model::{Design, Id, NextHop, OnPremSite, Point, Rect};
    use crate::rules::check;
    use crate::rules::hub::{reference_hub, route_table_mut};
    use crate::rules::testing::hsm_vnet;
    use std::collections::BTreeSet;

    fn holds(outer: Rect, inner: Rect) -> bool {
        outer.contains(Point::new(inner.x, inner.y))
            && outer.contains(Point::new(inner.x + inner.w, inner.y + inner.h))
    }

    /// Every element drawn outside its container: a VNet outside its region, a subnet outside
    /// its VNet, a device outside its subnet, an attached policy badge on none of its subnets.
    fn misplaced(d: &Design) -> Vec<String> {
        let mut out = Vec::new();
        let mut subnet_rect = std::collections::HashMap::new();
        for v in &d.vnets {
            if let Some(r) = d.region(v.region) {
                if !holds(r.layout, v.layout) {
                    out.push(format!(
                        "VNet {} {:?} outside {:?}",
                        v.name, v.layout, r.layout
                    ));
                }
            }
            for s in &v.subnets {
                subnet_rect.insert(s.id, s.layout);
                if !holds(v.layout, s.layout) {
                    out.push(format!(
                        "subnet {} {:?} outside {:?}",
                        s.name, s.layout, v.layout
                    ));
                }
            }
        }
        let mut device = |name: &str, subnet: Id, at: Point| {
            if let Some(r) = subnet_rect.get(&subnet) {
                if !r.contains(at) {
                    out.push(format!("device {name} {at:?} outside {r:?}"));
                }
            }
        };
        d.hsms
            .iter()
            .for_each(|e| device(&e.name, e.subnet, e.layout));
        d.gateways
            .iter()
            .for_each(|e| device(&e.name, e.subnet, e.layout));
        d.nvas
            .iter()
            .for_each(|e| device(&e.name, e.subnet, e.layout));
        d.load_balancers
            .iter()
            .for_each(|e| device(&e.name, e.subnet, e.layout));
        d.firewalls
            .iter()
            .for_each(|e| device(&e.name, e.subnet, e.layout));
        let subnets: Vec<_> = d.vnets.iter().flat_map(|v| &v.subnets).collect();
        let badges = d
            .nsgs
            .iter()
            .map(|n| (n.id, &n.name, n.layout))
            .chain(d.route_tables.iter().map(|r| (r.id, &r.name, r.layout)));
        for (id, name, at) in badges {
            let on: Vec<Rect> = subnets
                .iter()
                .filter(|s| s.nsg == Some(id) || s.route_table == Some(id))
                .map(|s| s.layout)
                .collect();
            if !on.is_empty() && !on.iter().any(|r| r.contains(at)) {
                out.push(format!("policy {name} {at:?} on none of {on:?}"));
            }
        }
        out
    }

    /// Names of `added` elements that another element has in some letter case (gateway and
    /// firewall subnets, named by Azure, only within their VNet).
    fn clashes(d: &Design, added: &[Id]) -> Vec<String> {
        let mut out = Vec::new();
        for &id in added {
            let Some((_, name)) = d.describe(id) else {
                continue;
            };
            let special = is_gateway_subnet(name) || is_firewall_subnet(name);
            let same = if special {
                let v = d.vnet_of_subnet(id).expect("a special name is a subnet's");
                v.subnets
                    .iter()
                    .filter(|s| same_name(&s.name, name))
                    .count()
            } else {
                element_names(d).filter(|n| same_name(n, name)).count()
            };
            if same > 1 {
                out.push(name.to_string());
            }
        }
        out
    }

    /// Designs whose findings' fixes add elements, each holding a name that a fix would want
    /// in another letter case.
    fn broken() -> Vec<Design> {
        let decoy = |b: &mut Builder, name: &str| {
            b.site(name, &[], None, Default::default());
        };
        let mut designs = Vec::new();

        // No GatewaySubnet and no gateway: hsm-vnet-er-gateway adds both.
        let (mut b, ids) = hsm_vnet();
        b.design.gateways.clear();
        b.vnet_mut(ids.vnet)
            .subnets
            .retain(|s| s.id != ids.gateway_subnet);
        decoy(&mut b, "HSM-VNET-ERGW");
        designs.push(b.finish());

        // A gateway in the wrong subnet: moved into a new GatewaySubnet.
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.gateway_subnet).name = "gw".into();
        b.hsm_subnet(ids.vnet, "more-hsms", "10.10.2.0/28");
        designs.push(b.finish());

        // A lone HSM: ha-pair adds a partner.
        let (mut b, ids) = hsm_vnet();
        b.design.hsms.retain(|h| h.id != ids.hsm2);
        decoy(&mut b, "HSM2");
        designs.push(b.finish());

        // Global peering: peering-same-region adds GatewaySubnets, VPN gateways, a connection.
        let (mut b, ids) = hsm_vnet();
        let north = b.region("northeurope");
        let other = b.vnet(north, "hsm-vnet-2", &["10.20.0.0/16"]);
        let hs = b.hsm_subnet(other, "hsm-subnet-2", "10.20.1.0/28");
        b.hsm(hs, "hsm3", "stamp1", None);
        b.peering(ids.vnet, other);
        decoy(&mut b, "Hsm-Vnet-VpnGw");
        designs.push(b.finish());

        // The hub without its second NVA, its ILB, its NVA NSG, its route tables, its peering
        // with the HSM VNet and its ExpressRoute connection.
        let (mut b, ids) = reference_hub();
        decoy(&mut b, "NVA2");
        decoy(&mut b, "HUB-VNET-ILB");
        decoy(&mut b, "Nva-Subnet-Nsg");
        decoy(&mut b, "hub-vnet-GATEWAY-rt");
        decoy(&mut b, "HUB-VNET-TO-HSM-VNET");
        let hub = b.finish();
        for gone in [
            vec![ids.nva2],
            vec![ids.ilb],
            vec![ids.nva_nsg],
            vec![ids.gateway_rt, ids.nva_rt],
            vec![ids.hub_hsm_peering],
            vec![ids.er_connection],
        ] {
            let edit = Edit::Batch(gone.into_iter().map(Edit::Remove).collect());
            designs.push(hub.apply(&edit).unwrap());
        }

        // A route table the GatewaySubnet shares, with a default route: the GatewaySubnet gets
        // its own.
        let (mut b, ids) = reference_hub();
        b.subnet_mut(ids.workload).route_table = Some(ids.gateway_rt);
        route_table_mut(&mut b, ids.gateway_rt).routes.push(route(
            "default",
            "0.0.0.0/0",
            NextHop::VirtualAppliance,
            Some("10.0.254.4"),
        ));
        designs.push(b.finish());
        designs
    }

    #[test]
    fn every_fix_that_adds_an_element_puts_it_inside_its_container_under_a_free_name() {
        let mut adding: BTreeSet<&str> = BTreeSet::new();
        for design in broken() {
            assert_eq!(misplaced(&design), Vec::<String>::new(), "before any fix");
            for finding in check(&design).findings {
                let Some(fix) = finding.fix else {
                    continue;
                };
                let fixed = design
                    .apply(&fix.edit)
                    .unwrap_or_else(|e| panic!("{}: {e}", finding.rule));
                let before = design.ids();
                let added: Vec<Id> = fixed
                    .ids()
                    .into_iter()
                    .filter(|id| !before.contains(id))
                    .collect();
                if !added.is_empty() {
                    adding.insert(finding.rule);
                }
                let wrong = misplaced(&fixed);
                assert!(
                    wrong.is_empty(),
                    "{} ({}): {wrong:?}",
                    finding.rule,
                    fix.label
                );
                let clash = clashes(&fixed, &added);
                assert!(
                    clash.is_empty(),
                    "{} ({}): {clash:?}",
                    finding.rule,
                    fix.label
                );
            }
        }
        for rule in [
            "hsm-vnet-er-gateway",
            "ha-pair",
            "peering-same-region",
            "nva-count",
            "nva-ilb-1792",
            "nva-nsg-restrict",
            "gateway-route-to-firewall",
            "nva-route-to-firewall",
            "hub-hsm-peering",
            "er-private-peering",
            "gateway-subnet-routes",
        ] {
            assert!(
                adding.contains(rule),
                "no fix of {rule} added anything: {adding:?}"
            );
        }
    }

    #[test]
    fn a_fix_that_wants_a_taken_name_counts_up_whatever_its_case() {
        let (mut b, ids) = hsm_vnet();
        b.design.gateways.clear();
        b.vnet_mut(ids.vnet)
            .subnets
            .retain(|s| s.id != ids.gateway_subnet);
        b.design.sites.push(OnPremSite::new(
            Id(900),
            "HSM-VNET-ERGW".into(),
            vec![net("192.168.0.0/24")],
            None,
            Default::default(),
        ));
        let design = b.finish();
        let fixed = crate::rules::testing::apply_first_fix(&design, "hsm-vnet-er-gateway");
        assert_eq!(fixed.gateways[0].name, "hsm-vnet-ergw-2");
        let v = fixed.vnet(ids.vnet).unwrap();
        let gs = v
            .subnets
            .iter()
            .find(|s| s.name == "GatewaySubnet")
            .unwrap();
        assert!(
            holds(v.layout, gs.layout),
            "{:?} in {:?}",
            gs.layout,
            v.layout
        );
        assert!(gs.layout.contains(fixed.gateways[0].layout));
        let region = fixed.region(v.region).unwrap().layout;
        assert!(holds(region, v.layout), "{:?} in {region:?}", v.layout);
    }
}
