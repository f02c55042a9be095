//! Edit builders shared by the rules' one-click fixes: a gateway made RouteBased, a subnet grown
//! or moved (with the addresses pinned in it), a new GatewaySubnet and gateways placed and drawn
//! in it, a new route table attached to a subnet, and a site-to-site connection to a gateway
//! from which the HSMs are reachable.
//!
//! Shared so that every rule that offers the same kind of fix builds the same edit the same way
//! (names, sizes, drawing positions), and a fix of one rule does not trip another.

use super::hub::unique_name;
use super::select::GATEWAY_SUBNET;
use super::Context;
use crate::addressing::{next_free_prefix, overlaps};
use crate::edit::{Edit, Element};
use crate::graph::Reach;
use crate::model::{
    Connection, ConnectionKind, Gateway, GatewayKind, Id, OnPremSite, Point, Rect, Route,
    RouteTable, Subnet, Vnet, VpnType,
};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

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
/// moves every address pinned in it (HSM private and management IPs, NVA IPs, load balancer
/// frontends) to the same offset in the new prefix, so that valid pins stay valid and unique.
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
    for hsm in d.hsms.iter().filter(|h| h.subnet == subnet.id) {
        let (private_ip, management_ip) = (shift(hsm.private_ip), shift(hsm.management_ip));
        if (private_ip, management_ip) != (hsm.private_ip, hsm.management_ip) {
            let mut h = hsm.clone();
            h.private_ip = private_ip;
            h.management_ip = management_ip;
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

/// A new GatewaySubnet for `vnet` at the first free /27 of its address space, drawn below its
/// last subnet; `None` when no /27 is free.
fn new_gateway_subnet(vnet: &Vnet, id: Id) -> Option<Subnet> {
    let prefix = next_free_prefix(vnet, 27, None)?;
    let top = vnet
        .subnets
        .iter()
        .map(|s| s.layout.y + s.layout.h + 16.0)
        .fold(vnet.layout.y + 32.0, f64::max);
    Some(Subnet {
        id,
        name: GATEWAY_SUBNET.to_string(),
        prefix,
        delegation: None,
        nsg: None,
        route_table: None,
        hsm_client: false,
        layout: Rect::new(vnet.layout.x + 16.0, top, 240.0, 64.0),
    })
}

/// Adds a new GatewaySubnet with id `id` to `vnet` (at the first free /27, drawn below its
/// last subnet): pushes the edit and returns the subnet; `None` when no /27 is free.
pub(super) fn add_gateway_subnet(vnet: &Vnet, id: Id, edits: &mut Vec<Edit>) -> Option<Subnet> {
    let subnet = new_gateway_subnet(vnet, id)?;
    edits.push(Edit::Add(Element::Subnet {
        vnet: vnet.id,
        subnet: subnet.clone(),
    }));
    Some(subnet)
}

/// Where the `slot`-th device of a subnet is drawn.
fn device_point(subnet: &Subnet, slot: usize) -> Point {
    Point::new(
        subnet.layout.x + 28.0 + slot as f64 * 44.0,
        subnet.layout.y + 38.0,
    )
}

/// How many gateways already sit in `subnet`: the slot the next gateway placed there is drawn
/// in.
pub(super) fn gateway_slot(cx: &Context, subnet: Id) -> usize {
    cx.design
        .gateways
        .iter()
        .filter(|g| g.subnet == subnet)
        .count()
}

/// A new gateway in `subnet`, drawn after the `slot` devices already there.
pub(super) fn new_gateway(
    id: Id,
    name: String,
    subnet: &Subnet,
    slot: usize,
    kind: GatewayKind,
    sku: &str,
) -> Gateway {
    Gateway {
        id,
        name,
        subnet: subnet.id,
        kind,
        sku: sku.to_string(),
        vpn_type: (kind == GatewayKind::Vpn).then_some(VpnType::RouteBased),
        p2s_pool: None,
        layout: device_point(subnet, slot),
    }
}

/// `g` moved into `subnet`, drawn after the `slot` devices already there.
pub(super) fn moved_gateway(g: &Gateway, subnet: &Subnet, slot: usize) -> Gateway {
    let mut moved = g.clone();
    moved.subnet = subnet.id;
    moved.layout = device_point(subnet, slot);
    moved
}

/// Adds a route table holding `routes` (named `base`, numbered when taken; gateway route
/// propagation on; drawn right of the subnet) and attaches it to `subnet` of `vnet`.
pub(super) fn attach_new_route_table(
    cx: &Context,
    vnet: Id,
    subnet: &Subnet,
    base: &str,
    routes: Vec<Route>,
) -> Edit {
    let names = cx.design.route_tables.iter().map(|r| r.name.as_str());
    let rt = RouteTable {
        id: cx.design.next_id(),
        name: unique_name(names, base),
        routes,
        bgp_propagation: true,
        layout: Point::new(subnet.layout.x + subnet.layout.w, subnet.layout.y),
    };
    let mut attached = subnet.clone();
    attached.route_table = Some(rt.id);
    Edit::Batch(vec![
        Edit::Add(Element::RouteTable(rt)),
        Edit::Replace(Element::Subnet {
            vnet,
            subnet: attached,
        }),
    ])
}

/// Connects `site` by site-to-site VPN to the first VPN gateway from which on-premises traffic
/// reaches an HSM VNet, when the site has what a site-to-site VPN needs (a device address and
/// prefixes) and its prefixes do not clash with the gateway's VNet.
pub(super) fn site_to_site_fix(
    cx: &Context,
    reach: &Reach,
    site: &OnPremSite,
    id: Id,
) -> Option<(String, Edit)> {
    if site.vpn_device_ip.is_none() || site.prefixes.is_empty() {
        return None;
    }
    let gateway = cx.design.gateways.iter().find(|g| {
        g.kind == GatewayKind::Vpn
            && cx.index.vnet_of_subnet(g.subnet).is_some_and(|v| {
                !v.address_space
                    .iter()
                    .any(|a| site.prefixes.iter().any(|p| overlaps(a, p)))
                    && !reach.from_landing(v.id).is_empty()
            })
    })?;
    let connection = Connection {
        id,
        name: format!("{}-to-{}", site.name, gateway.name),
        kind: ConnectionKind::SiteToSite {
            gateway: gateway.id,
            site: site.id,
        },
    };
    Some((
        format!(
            "Connect {} by site-to-site VPN to {}",
            cx.name(site.id),
            cx.name(gateway.id)
        ),
        Edit::Add(Element::Connection(connection)),
    ))
}
