//! Copying a selection: each element with what it contains, given fresh ids, names, address
//! space and addresses, and drawn beside the original.

use super::addresses::*;
use super::geometry::{clear_of, grow_to_hold, next_subnet_rect, GAP};
use super::names::unique;
use super::new;
use super::plan::Plan;
use super::Refusal;
use crate::azure::names::{is_firewall_subnet, is_gateway_subnet};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::model::metrics::{CIRCUIT_STEP, DEVICE_STEP, SITE_STEP};
use crate::model::*;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Copies the elements `ids` (and what they contain) as one edit.
pub fn duplicate(design: &Design, ids: &[Id]) -> Result<Edit, Refusal> {
    if ids.is_empty() {
        return Err(Refusal::new(
            "Nothing to duplicate: select something first.",
        ));
    }
    let chosen: HashSet<Id> = ids.iter().copied().collect();
    let mut plan = Plan::new(design);
    let mut done = HashSet::new();
    for &id in ids {
        // What a chosen container holds is copied with it, not a second time.
        if !done.insert(id) || inside_chosen(design, id, &chosen) {
            continue;
        }
        let (kind, _) = design
            .describe(id)
            .ok_or_else(|| Refusal::new(format!("No element has id {}.", id.0)))?;
        match kind {
            Kind::Region => {
                let layout = design.region(id).expect("a region").layout;
                let wanted = layout.translated(layout.w + 2.0 * GAP, 0.0);
                copy_region(&mut plan, design, id, wanted)?;
            }
            Kind::Vnet => {
                let v = design.vnet(id).expect("a VNet");
                let wanted = Point::new(v.layout.x + v.layout.w + GAP, v.layout.y);
                copy_vnet_into(&mut plan, design, id, v.region, wanted)?;
            }
            Kind::Subnet => {
                let vnet = design.vnet_of_subnet(id).expect("a subnet").id;
                copy_subnet(&mut plan, design, id, vnet)?;
            }
            Kind::Hsm | Kind::Nva | Kind::LoadBalancer => {
                copy_device(&mut plan, design, id, None, None)?;
            }
            Kind::Gateway | Kind::Firewall | Kind::Peering | Kind::Connection => {
                return Err(not_copied(kind, "duplicate"))
            }
            Kind::CloudHsmCluster => {
                let c = design.cloud_hsm_cluster(id).ok_or_else(|| gone(id))?;
                let at = Point::new(c.layout.x + DEVICE_STEP, c.layout.y);
                copy_cluster(&mut plan, design, id, c.region, at)?;
            }
            Kind::PrivateEndpoint => {
                let e = design.private_endpoint(id).ok_or_else(|| gone(id))?;
                copy_endpoint(&mut plan, design, id, e.subnet, e.target)?;
            }
            Kind::PrivateDnsZone => {
                let z = design.private_dns_zone(id).ok_or_else(|| gone(id))?;
                let at = Point::new(z.layout.x, z.layout.y + SITE_STEP);
                copy_zone(&mut plan, design, id, at, &HashMap::new())?;
            }
            Kind::Site => {
                let at = design.site(id).expect("a site").layout;
                copy_site(&mut plan, design, id, Point::new(at.x, at.y + SITE_STEP))?;
            }
            Kind::Circuit => {
                let c = design.circuit(id).expect("a circuit");
                let at = Point::new(c.layout.x, c.layout.y + CIRCUIT_STEP);
                copy_circuit(&mut plan, design, id, c.site, at)?;
            }
            Kind::Nsg | Kind::RouteTable => {
                let at = policy_point(design, id).unwrap_or_default();
                copy_policy(
                    &mut plan,
                    design,
                    id,
                    Point::new(at.x + 2.0 * GAP, at.y + 2.0 * GAP),
                )?;
            }
        }
    }
    plan.finish()
}

/// Why an element of `kind` is not copied on its own (`verb`: "duplicate", "paste").
pub(super) fn not_copied(kind: Kind, verb: &str) -> Refusal {
    Refusal::new(match kind {
        Kind::Gateway => format!("A VNet holds one gateway of each kind: {verb} its VNet instead."),
        Kind::Firewall => format!("A VNet holds one firewall: {verb} its VNet instead."),
        _ => format!("Links are not copied: {verb} what they join, then connect the copies."),
    })
}

/// Where a policy's badge is drawn.
pub(super) fn policy_point(design: &Design, id: Id) -> Option<Point> {
    design
        .nsg(id)
        .map(|n| n.layout)
        .or_else(|| design.route_table(id).map(|r| r.layout))
}

/// Whether `id` sits in a container that is also being copied.
pub(super) fn inside_chosen(design: &Design, id: Id, chosen: &HashSet<Id>) -> bool {
    let vnet_chosen = |v: &Vnet| chosen.contains(&v.id) || chosen.contains(&v.region);
    if let Some(v) = design.vnet(id) {
        return chosen.contains(&v.region);
    }
    if let Some(v) = design.vnet_of_subnet(id) {
        return vnet_chosen(v);
    }
    let subnet = design
        .hsm(id)
        .map(|e| e.subnet)
        .or_else(|| design.gateway(id).map(|e| e.subnet))
        .or_else(|| design.nva(id).map(|e| e.subnet))
        .or_else(|| design.load_balancer(id).map(|e| e.subnet))
        .or_else(|| design.firewall(id).map(|e| e.subnet));
    match subnet {
        Some(s) => chosen.contains(&s) || design.vnet_of_subnet(s).is_some_and(vnet_chosen),
        None => false,
    }
}

/// The name for a copy: the original's, counted up (`hsm-1` becomes `hsm-2`, or `hsm-3` when
/// that is taken; `hub` becomes `hub-2`).
fn copy_name(design: &Design, name: &str) -> String {
    unique(design, name)
}

/// Copies region `id` of `source` with its VNets, as a new region drawn at `wanted` (or right
/// past the regions there). Returns the copy's id.
pub(super) fn copy_region(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    wanted: Rect,
) -> Result<Id, Refusal> {
    let region = source.region(id).ok_or_else(|| gone(id))?;
    let wanted = Rect::new(wanted.x, wanted.y, region.layout.w, region.layout.h);
    let new_id = new::region(plan, wanted)?;
    let layout = plan.work.region(new_id).expect("just added").layout;
    let (dx, dy) = (layout.x - region.layout.x, layout.y - region.layout.y);
    for v in source.vnets.iter().filter(|v| v.region == id) {
        copy_vnet(plan, source, v, new_id, dx, dy)?;
    }
    Ok(new_id)
}

/// Copies VNet `id` of `source` into `region`, drawn at `wanted` moved right past the VNets
/// there; the region grows to hold it.
pub(super) fn copy_vnet_into(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    region: Id,
    wanted: Point,
) -> Result<(), Refusal> {
    let v = source.vnet(id).ok_or_else(|| gone(id))?;
    let others: Vec<Rect> = plan
        .work
        .vnets
        .iter()
        .filter(|o| o.region == region)
        .map(|o| o.layout)
        .collect();
    let to = clear_of(
        Rect::new(wanted.x, wanted.y, v.layout.w, v.layout.h),
        &others,
    );
    copy_vnet(
        plan,
        source,
        v,
        region,
        to.x - v.layout.x,
        to.y - v.layout.y,
    )?;
    grow_to_hold(plan, region, to)
}

fn gone(id: Id) -> Refusal {
    Refusal::new(format!("No element has id {}.", id.0))
}

/// A copied subnet keeps its NSG and route table only while they still exist (a paste may
/// come after they were removed).
fn keep_existing_policies(design: &Design, subnet: &mut Subnet) {
    subnet.nsg = subnet.nsg.filter(|id| design.nsg(*id).is_some());
    subnet.route_table = subnet
        .route_table
        .filter(|id| design.route_table(*id).is_some());
}

/// Copies a VNet of `source` with its subnets and their devices into `region`, moved by
/// (dx, dy), in a new address space of the same size laid out the same way.
fn copy_vnet(
    plan: &mut Plan,
    source: &Design,
    v: &Vnet,
    region: Id,
    dx: f64,
    dy: f64,
) -> Result<(), Refusal> {
    let mut spaces: Vec<(Ipv4Net, Ipv4Net)> = Vec::new();
    for space in &v.address_space {
        let taken: Vec<Ipv4Net> = spaces.iter().map(|(_, new)| *new).collect();
        let new = vnet_space(&plan.work, space.prefix_len(), &taken)?;
        spaces.push((*space, new));
    }
    let moved = |p: Ipv4Net| {
        spaces
            .iter()
            .find_map(|(old, new)| translate_prefix(p, *old, *new))
            .unwrap_or(p)
    };
    let mut subnets = Vec::new();
    let mut subnet_map = Vec::new();
    for s in &v.subnets {
        let mut copy = s.clone();
        copy.id = plan.id();
        copy.prefix = moved(s.prefix);
        copy.layout = s.layout.translated(dx, dy);
        keep_existing_policies(&plan.work, &mut copy);
        subnet_map.push((s.id, copy.id, s.prefix, copy.prefix));
        subnets.push(copy);
    }
    let id = plan.id();
    let name = copy_name(&plan.work, &v.name);
    plan.push(Edit::Add(Element::Vnet(Vnet {
        id,
        name,
        region,
        address_space: spaces.iter().map(|(_, new)| *new).collect(),
        subnets,
        tags: v.tags.clone(),
        // A copy is drawn here, not declared elsewhere.
        external: false,
        layout: v.layout.translated(dx, dy),
    })))?;
    copy_devices(plan, source, &subnet_map, dx, dy)
}

/// Copies the devices of `source` in each `(old subnet, new subnet, old prefix, new prefix)`.
fn copy_devices(
    plan: &mut Plan,
    source: &Design,
    subnets: &[(Id, Id, Ipv4Net, Ipv4Net)],
    dx: f64,
    dy: f64,
) -> Result<(), Refusal> {
    let mut nva_map: HashMap<Id, Id> = HashMap::new();
    // NVAs first, so that copied load balancers can point at the copied NVAs.
    let mut order: Vec<Id> = Vec::new();
    for (old, ..) in subnets {
        order.extend(
            source
                .nvas
                .iter()
                .filter(|e| e.subnet == *old)
                .map(|e| e.id),
        );
        order.extend(
            source
                .hsms
                .iter()
                .filter(|e| e.subnet == *old)
                .map(|e| e.id),
        );
        order.extend(
            source
                .gateways
                .iter()
                .filter(|e| e.subnet == *old)
                .map(|e| e.id),
        );
        order.extend(
            source
                .firewalls
                .iter()
                .filter(|e| e.subnet == *old)
                .map(|e| e.id),
        );
        order.extend(
            source
                .load_balancers
                .iter()
                .filter(|e| e.subnet == *old)
                .map(|e| e.id),
        );
    }
    for id in order {
        let subnet = device_subnet(source, id);
        let Some((_, new_subnet, old_prefix, new_prefix)) =
            subnets.iter().find(|(old, ..)| Some(*old) == subnet)
        else {
            continue;
        };
        let copy = copy_device(
            plan,
            source,
            id,
            Some((*new_subnet, *old_prefix, *new_prefix)),
            Some((dx, dy)),
        );
        let new_id = copy?;
        if source.nva(id).is_some() {
            nva_map.insert(id, new_id);
        }
        if let Some(mut lb) = plan.work.load_balancer(new_id).cloned() {
            lb.backends = lb
                .backends
                .iter()
                .filter_map(|b| nva_map.get(b).copied())
                .collect();
            plan.push(Edit::Replace(Element::LoadBalancer(lb)))?;
        }
    }
    Ok(())
}

pub(super) fn device_subnet(design: &Design, id: Id) -> Option<Id> {
    design
        .hsm(id)
        .map(|e| e.subnet)
        .or_else(|| design.gateway(id).map(|e| e.subnet))
        .or_else(|| design.nva(id).map(|e| e.subnet))
        .or_else(|| design.load_balancer(id).map(|e| e.subnet))
        .or_else(|| design.firewall(id).map(|e| e.subnet))
}

/// Copies one device. Into `target` = (new subnet, old prefix, new prefix) with its addresses
/// moved along and its symbol moved by `offset`; without, beside itself in its own subnet
/// with the next free address. Returns the copy's id.
fn copy_device(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    target: Option<(Id, Ipv4Net, Ipv4Net)>,
    offset: Option<(f64, f64)>,
) -> Result<Id, Refusal> {
    let own = device_subnet(source, id).ok_or_else(|| Refusal::new("Not a device."))?;
    let Some((subnet, from, to)) = target else {
        let backends = source
            .load_balancer(id)
            .map(|l| l.backends.clone())
            .unwrap_or_default();
        return copy_device_into(plan, source, id, own, backends);
    };
    let moved_ip = |ip: Option<Ipv4Addr>| ip.map(|ip| translate(ip, from, to).unwrap_or(ip));
    let new_id = plan.id();
    let element = if let Some(h) = source.hsm(id) {
        let mut c = h.clone();
        c.private_ip = moved_ip(h.private_ip);
        c.more_host_ips = h
            .more_host_ips
            .iter()
            .map(|ip| translate(*ip, from, to).unwrap_or(*ip))
            .collect();
        // A management address in a subnet of its own is not moved: the copy lets Azure pick.
        c.management_ip = match h.management_subnet {
            None => moved_ip(h.management_ip),
            Some(_) => None,
        };
        Element::Hsm(c)
    } else if let Some(n) = source.nva(id) {
        let mut c = n.clone();
        c.private_ip = moved_ip(n.private_ip);
        Element::Nva(c)
    } else if let Some(l) = source.load_balancer(id) {
        let mut c = l.clone();
        c.frontend_ip = moved_ip(l.frontend_ip);
        Element::LoadBalancer(c)
    } else if let Some(g) = source.gateway(id) {
        Element::Gateway(g.clone())
    } else if let Some(f) = source.firewall(id) {
        Element::Firewall(f.clone())
    } else {
        return Err(Refusal::new("Not a device."));
    };
    let (dx, dy) = offset.unwrap_or_default();
    let p = device_point(&element);
    let at = Point::new(p.x + dx, p.y + dy);
    let name = copy_name(&plan.work, &source.name_of(id));
    let element = retarget(element, new_id, name, subnet, at);
    plan.push(Edit::Add(element))?;
    Ok(new_id)
}

/// A new device like device `id` of `source` in `subnet` (one that exists in the plan), made as
/// every new device is: the subnet's next free slot and address, a unique name. A load
/// balancer gets `backends`. Returns the copy's id.
pub(super) fn copy_device_into(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    subnet: Id,
    backends: Vec<Id>,
) -> Result<Id, Refusal> {
    let name = source.name_of(id);
    if let Some(h) = source.hsm(id) {
        new::hsm(plan, subnet, &name, Some(h))
    } else if let Some(n) = source.nva(id) {
        new::nva(plan, subnet, &name, Some(n))
    } else if let Some(l) = source.load_balancer(id) {
        new::load_balancer(plan, subnet, &name, backends, Some(l))
    } else {
        Err(Refusal::new("Not a device."))
    }
}

fn device_point(e: &Element) -> Point {
    match e {
        Element::Hsm(x) => x.layout,
        Element::Nva(x) => x.layout,
        Element::LoadBalancer(x) => x.layout,
        Element::Gateway(x) => x.layout,
        Element::Firewall(x) => x.layout,
        _ => Point::default(),
    }
}

/// Gives a copied device its id, name, subnet and place.
fn retarget(e: Element, id: Id, name: String, subnet: Id, at: Point) -> Element {
    macro_rules! set {
        ($x:ident, $variant:ident) => {{
            let mut x = $x;
            x.id = id;
            x.name = name;
            x.subnet = subnet;
            x.layout = at;
            Element::$variant(x)
        }};
    }
    match e {
        Element::Hsm(x) => set!(x, Hsm),
        Element::Nva(x) => set!(x, Nva),
        Element::LoadBalancer(x) => set!(x, LoadBalancer),
        Element::Gateway(x) => set!(x, Gateway),
        Element::Firewall(x) => set!(x, Firewall),
        other => other,
    }
}

/// Copies subnet `id` of `source` with its devices into `vnet` (one that exists in the plan),
/// at the VNet's next free prefix of the same size, below its last subnet.
pub(super) fn copy_subnet(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    vnet: Id,
) -> Result<(), Refusal> {
    let (_, s) = source.subnet(id).ok_or_else(|| gone(id))?;
    if is_gateway_subnet(&s.name) || is_firewall_subnet(&s.name) {
        return Err(Refusal::new(format!(
            "A VNet has only one {}: copy the VNet instead.",
            s.name
        )));
    }
    let current = plan
        .work
        .vnet(vnet)
        .ok_or_else(|| Refusal::new("That VNet no longer exists."))?;
    let prefix = subnet_prefix(current, &[s.prefix.prefix_len()])?;
    let layout = next_subnet_rect(&plan.work, vnet);
    let (dx, dy) = (layout.x - s.layout.x, layout.y - s.layout.y);
    let mut copy = s.clone();
    copy.id = plan.id();
    copy.name = copy_name(&plan.work, &s.name);
    copy.prefix = prefix;
    copy.layout = layout;
    keep_existing_policies(&plan.work, &mut copy);
    let new_id = copy.id;
    plan.push(Edit::Add(Element::Subnet { vnet, subnet: copy }))?;
    grow_to_hold(plan, vnet, layout)?;
    copy_devices(plan, source, &[(id, new_id, s.prefix, prefix)], dx, dy)
}

/// Copies site `id` of `source` to `at`, with the next free prefix and VPN device address.
/// Returns the copy's id.
pub(super) fn copy_site(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    at: Point,
) -> Result<Id, Refusal> {
    let mut site = source.site(id).ok_or_else(|| gone(id))?.clone();
    let new_id = plan.id();
    site.id = new_id;
    site.name = copy_name(&plan.work, &site.name);
    site.prefixes = vec![site_prefix(&plan.work)?];
    site.vpn_device_ip = site.vpn_device_ip.and(vpn_device_ip(&plan.work));
    site.layout = at;
    plan.push(Edit::Add(Element::Site(site)))?;
    Ok(new_id)
}

/// Copies circuit `id` of `source` to `at`, starting at `site`, with the next free pair of
/// peering prefixes.
pub(super) fn copy_circuit(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    site: Id,
    at: Point,
) -> Result<(), Refusal> {
    let mut c = source.circuit(id).ok_or_else(|| gone(id))?.clone();
    c.id = plan.id();
    c.site = site;
    c.name = copy_name(&plan.work, &c.name);
    if let Some(p) = c.private_peering.as_mut() {
        let (a, b) = peering_pair(&plan.work)?;
        p.primary_prefix = a;
        p.secondary_prefix = b;
    }
    c.layout = at;
    plan.push(Edit::Add(Element::Circuit(c)))
}

/// Copies Cloud HSM cluster `id` of `source` into `region` at `at` (the region grows to hold
/// it), with its SKU and public access, under a new name. Returns the copy's id.
pub(super) fn copy_cluster(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    region: Id,
    at: Point,
) -> Result<Id, Refusal> {
    let c = source.cloud_hsm_cluster(id).ok_or_else(|| gone(id))?;
    let new_id = new::cloud_hsm_cluster(plan, region, at, &c.name)?;
    let mut copy = plan
        .work
        .cloud_hsm_cluster(new_id)
        .ok_or_else(|| gone(new_id))?
        .clone();
    copy.sku = c.sku.clone();
    copy.public_network_access = c.public_network_access;
    plan.push(Edit::Replace(Element::CloudHsmCluster(copy)))?;
    Ok(new_id)
}

/// A new private endpoint like endpoint `id` of `source`, to `target` in `subnet` (both in
/// the plan), made as every new one is: the subnet's next free slot, free addresses for the
/// nodes (none when the original let Azure pick), a new name. Returns the copy's id.
pub(super) fn copy_endpoint(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    subnet: Id,
    target: Id,
) -> Result<Id, Refusal> {
    let e = source.private_endpoint(id).ok_or_else(|| gone(id))?;
    let new_id = new::private_endpoint(plan, subnet, target)?;
    if e.private_ip.is_none() {
        let mut copy = plan
            .work
            .private_endpoint(new_id)
            .ok_or_else(|| gone(new_id))?
            .clone();
        copy.private_ip = None;
        plan.push(Edit::Replace(Element::PrivateEndpoint(copy)))?;
    }
    Ok(new_id)
}

/// Copies private DNS zone `id` of `source` to `at` under a new name, linked to the VNets it
/// was that are in the plan, and holding the records of the endpoints copied with it
/// (`copies`: original to copy), not those of the originals, which their own zone holds.
pub(super) fn copy_zone(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    at: Point,
    copies: &HashMap<Id, Id>,
) -> Result<Id, Refusal> {
    let z = source.private_dns_zone(id).ok_or_else(|| gone(id))?;
    let name = copy_name(&plan.work, &z.name);
    let new_id = new::private_dns_zone(plan, at)?;
    let mut copy = plan
        .work
        .private_dns_zone(new_id)
        .ok_or_else(|| gone(new_id))?
        .clone();
    copy.name = name;
    copy.records = z
        .records
        .iter()
        .filter_map(|e| copies.get(e).copied())
        .collect();
    copy.vnet_links = z
        .vnet_links
        .iter()
        .filter(|v| plan.work.vnet(**v).is_some())
        .copied()
        .collect();
    plan.push(Edit::Replace(Element::PrivateDnsZone(copy)))?;
    Ok(new_id)
}

/// Copies NSG or route table `id` of `source`, attached to nothing, its badge at `at`.
pub(super) fn copy_policy(
    plan: &mut Plan,
    source: &Design,
    id: Id,
    at: Point,
) -> Result<(), Refusal> {
    let new_id = plan.id();
    let element = if let Some(n) = source.nsg(id) {
        let mut c = n.clone();
        c.id = new_id;
        c.name = copy_name(&plan.work, &n.name);
        c.layout = at;
        Element::Nsg(c)
    } else {
        let mut c = source.route_table(id).ok_or_else(|| gone(id))?.clone();
        c.id = new_id;
        c.name = copy_name(&plan.work, &c.name);
        c.layout = at;
        Element::RouteTable(c)
    };
    plan.push(Edit::Add(element))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::net;
    use crate::rules::testing::proxy_hub;

    fn copied(design: &Design, ids: &[Id]) -> Design {
        let edit = duplicate(design, ids).unwrap_or_else(|r| panic!("refused: {r}"));
        design.apply(&edit).expect("the copy applies")
    }

    #[test]
    fn a_vnet_is_copied_with_its_subnets_and_devices_into_a_new_space() {
        let (b, ids) = proxy_hub();
        let d = b.finish();
        let after = copied(&d, &[ids.hub]);
        let hub = d.vnet(ids.hub).unwrap();
        let copy = after.vnets.last().unwrap();
        assert_eq!(copy.name, "hub-2");
        assert_eq!(copy.region, hub.region);
        assert_eq!(copy.address_space, vec![net("10.2.0.0/16")]);
        assert_eq!(copy.subnets.len(), hub.subnets.len());
        assert_eq!(copy.subnets[1].prefix, net("10.2.1.0/24"));
        assert!(
            copy.layout.x >= hub.layout.x + hub.layout.w,
            "beside the original"
        );
        // Two NVAs and a load balancer over them, an ER gateway: all copied, addresses moved.
        let nva_subnet = copy.subnets[1].id;
        let nvas: Vec<&Nva> = after
            .nvas
            .iter()
            .filter(|n| n.subnet == nva_subnet)
            .collect();
        assert_eq!(nvas.len(), 2);
        assert_eq!(nvas[0].private_ip, Some("10.2.1.4".parse().unwrap()));
        let lb = after
            .load_balancers
            .iter()
            .find(|l| l.subnet == nva_subnet)
            .unwrap();
        assert_eq!(lb.backends, vec![nvas[0].id, nvas[1].id]);
        assert_eq!(lb.frontend_ip, Some("10.2.1.10".parse().unwrap()));
        assert_eq!(after.gateways.len(), d.gateways.len() + 1);
        assert!(
            after.region(hub.region).unwrap().layout.x + after.region(hub.region).unwrap().layout.w
                >= copy.layout.x + copy.layout.w
        );
        assert_eq!(
            after.peerings.len(),
            d.peerings.len(),
            "links are not copied"
        );
    }

    #[test]
    fn a_device_is_copied_beside_itself_with_the_next_address() {
        let (b, ids) = proxy_hub();
        let d = b.finish();
        let after = copied(&d, &[ids.small.hsm2]);
        let copy = after.hsms.last().unwrap();
        assert_eq!(copy.name, "hsm3");
        assert_eq!(copy.subnet, ids.small.hsm_subnet);
        assert_eq!(copy.private_ip, Some("10.10.1.6".parse().unwrap()));
        assert_eq!(copy.stamp, "stamp1");
        let nva = d.nvas[0].id;
        let after = copied(&d, &[nva]);
        assert_eq!(after.nvas.last().unwrap().name, "nva3", "nva2 is taken");
    }

    #[test]
    fn a_subnet_is_copied_with_its_devices_into_the_next_free_prefix() {
        let (b, ids) = proxy_hub();
        let d = b.finish();
        let after = copied(&d, &[ids.small.hsm_subnet]);
        let v = after.vnet(ids.small.vnet).unwrap();
        let copy = v.subnets.last().unwrap();
        assert_eq!(copy.name, "hsm-subnet-2");
        assert_eq!(copy.prefix, net("10.10.0.0/28"));
        assert!(copy.is_hsm_delegated());
        let hsms: Vec<&Hsm> = after.hsms.iter().filter(|h| h.subnet == copy.id).collect();
        assert_eq!(hsms.len(), 2);
        assert_eq!(hsms[0].private_ip, Some("10.10.0.4".parse().unwrap()));
        assert!(v.layout.contains(Point::new(
            copy.layout.x + copy.layout.w,
            copy.layout.y + copy.layout.h
        )));
    }

    #[test]
    fn a_region_is_copied_with_its_vnets_into_the_next_location() {
        let (b, ids) = proxy_hub();
        let d = b.finish();
        let after = copied(&d, &[ids.small.region, ids.hub]);
        assert_eq!(after.regions.len(), 2);
        assert_eq!(after.regions[1].location, "eastus");
        assert_eq!(
            after.vnets.len(),
            2 * d.vnets.len(),
            "the hub is copied once, with its region"
        );
        let region = after.regions[1].layout;
        for v in after
            .vnets
            .iter()
            .filter(|v| v.region == after.regions[1].id)
        {
            assert!(region.contains(Point::new(v.layout.x, v.layout.y)));
        }
    }

    #[test]
    fn sites_circuits_and_policies_are_copied_with_fresh_addresses() {
        let (mut b, _) = proxy_hub();
        let site = b.site(
            "dc",
            &["192.168.0.0/24"],
            Some("203.0.113.1"),
            Default::default(),
        );
        let circuit = b.circuit(site, "dc-er", "172.31.0.0/29");
        let nsg = b.nsg("nsg-1", Vec::new(), &[]);
        let d = b.finish();
        let after = copied(&d, &[site, circuit, nsg]);
        assert_eq!(after.sites[1].name, "dc-2");
        assert_eq!(after.sites[1].prefixes, vec![net("192.168.1.0/24")]);
        assert_eq!(
            after.sites[1].vpn_device_ip,
            Some("203.0.113.2".parse().unwrap())
        );
        let c = &after.circuits[1];
        assert_eq!(c.site, site);
        assert_eq!(
            c.private_peering.as_ref().unwrap().primary_prefix,
            net("172.31.0.8/30")
        );
        assert_eq!(after.nsgs[1].name, "nsg-2");
    }

    #[test]
    fn gateways_firewalls_special_subnets_and_links_are_refused() {
        let (b, ids) = proxy_hub();
        let d = b.finish();
        let refused = |ids: &[Id]| duplicate(&d, ids).unwrap_err().0;
        assert!(refused(&[ids.hub_er_gateway]).starts_with("A VNet holds one gateway of each kind"));
        assert!(refused(&[ids.hub_gateway_subnet]).starts_with("A VNet has only one GatewaySubnet"));
        assert!(refused(&[ids.spoke_peering]).starts_with("Links are not copied"));
        assert_eq!(
            refused(&[]),
            "Nothing to duplicate: select something first."
        );
        assert_eq!(refused(&[Id(999_999)]), "No element has id 999999.");
        let mut with_fw = d.clone();
        let fw_subnet = with_fw.vnets[0].subnets[0].id;
        with_fw.firewalls.push(Firewall {
            id: with_fw.next_id(),
            name: "fw".into(),
            subnet: fw_subnet,
            rules: Vec::new(),
            always_snat: false,
            layout: Point::default(),
        });
        let fw = with_fw.firewalls[0].id;
        assert!(duplicate(&with_fw, &[fw])
            .unwrap_err()
            .0
            .starts_with("A VNet holds one firewall"));
    }
}
