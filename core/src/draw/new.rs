//! The one way to make a new element, whatever asks for it: a palette drop ([`super::place`]),
//! a copy ([`super::duplicate`]), a link ([`super::connect`]), a rule's one-click fix, the
//! properties panel's "add a subnet". Each constructor makes one kind of element in its
//! container, with the defaults of `model::defaults`, a name no element has
//! ([`super::names`]), the next free address space, prefix or address, and a place on the
//! canvas inside its container, which grows to hold it (the sizes of `model::metrics`).
//!
//! Elements drawn in a container are made in a [`Plan`], so that each step sees the ones before
//! it; they return their id. Links have no place of their own and are made from the design.

use super::addresses::{
    free_ip, peering_pair, site_prefix, subnet_prefix, vnet_space, vpn_device_ip,
};
use super::geometry::{
    clear_of, device_spot, grow_to_hold, next_subnet_rect, symbol_rect, GAP, HEADER, VNET_H, VNET_W,
};
use super::names::{unique, Names};
use super::plan::Plan;
use super::Refusal;
use crate::addressing::free_addresses;
use crate::azure::names::{is_firewall_subnet, is_gateway_subnet, FIREWALL_SUBNET, GATEWAY_SUBNET};
use crate::azure::offered::{HSM_DELEGATION, HSM_STAMPS};
use crate::azure::regions::{location_key, OFFERED};
use crate::edit::{Edit, Element};
use crate::model::metrics::badge_point;
use crate::model::*;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// A new region in the first location that offers Dedicated HSM and the design does not use
/// yet, drawn at `wanted` moved right past the regions there.
pub(crate) fn region(plan: &mut Plan, wanted: Rect) -> Result<Id, Refusal> {
    let design = &plan.work;
    let offered = OFFERED
        .iter()
        .find(|o| {
            design
                .regions
                .iter()
                .all(|r| location_key(&r.location) != o.location)
        })
        .ok_or_else(|| {
            Refusal::new("Every region that offers Dedicated HSM is already in the design.")
        })?;
    let others: Vec<Rect> = design.regions.iter().map(|r| r.layout).collect();
    let layout = clear_of(wanted, &others);
    let id = plan.id();
    let region = Region::new(
        id,
        offered.display_name.to_string(),
        offered.location.to_string(),
    );
    plan.push(Edit::Add(Element::Region(Region { layout, ..region })))?;
    Ok(id)
}

/// A new VNet named from `name` in `region`, with the next free /16, drawn at `at` (below the
/// region's title, moved right past the region's VNets).
pub(crate) fn vnet(plan: &mut Plan, region: Id, at: Point, name: &str) -> Result<Id, Refusal> {
    let design = &plan.work;
    let region_rect = design
        .region(region)
        .map(|r| r.layout)
        .ok_or_else(|| Refusal::new("That region no longer exists."))?;
    let others: Vec<Rect> = design
        .vnets
        .iter()
        .filter(|v| v.region == region)
        .map(|v| v.layout)
        .collect();
    let top = at.y.max(region_rect.y + HEADER);
    let left = at.x.max(region_rect.x + GAP);
    let layout = clear_of(Rect::new(left, top, VNET_W, VNET_H), &others);
    let space = vnet_space(design, 16, &[])?;
    let name = unique(design, name);
    let id = plan.id();
    let vnet = Vnet::new(id, name, region, vec![space]);
    plan.push(Edit::Add(Element::Vnet(Vnet { layout, ..vnet })))?;
    grow_to_hold(plan, region, layout)?;
    Ok(id)
}

/// The special subnets Azure recognises by name or delegation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SubnetRole {
    Plain,
    Hsm,
    Gateway,
    Firewall,
}

impl SubnetRole {
    /// Prefix lengths a new subnet of the role takes, the comfortable first and the smallest
    /// Azure accepts last.
    fn lengths(self) -> &'static [u8] {
        match self {
            SubnetRole::Plain | SubnetRole::Hsm => &[24, 25, 26, 27, 28, 29],
            SubnetRole::Gateway => &[27, 28, 29],
            SubnetRole::Firewall => &[26],
        }
    }

    /// The name wanted: Azure's own for the gateway and firewall subnets.
    fn name(self) -> &'static str {
        match self {
            SubnetRole::Plain => "subnet-1",
            SubnetRole::Hsm => "hsm-subnet-1",
            SubnetRole::Gateway => GATEWAY_SUBNET,
            SubnetRole::Firewall => FIREWALL_SUBNET,
        }
    }
}

/// A new subnet of `role` in `vnet`, at the first free prefix of the role's sizes, drawn below
/// the VNet's last subnet. Plain and HSM subnets are named `subnet-N` and `hsm-subnet-N` (the
/// HSM one delegated to Dedicated HSM); gateway and firewall subnets take the names Azure
/// requires (use [`special_subnet`] to reuse the VNet's own).
pub(crate) fn subnet(plan: &mut Plan, vnet: Id, role: SubnetRole) -> Result<Id, Refusal> {
    let v = vnet_of(plan, vnet)?;
    let prefix = subnet_prefix(v, role.lengths())?;
    add_subnet(plan, vnet, role, prefix)
}

/// A new plain subnet of `vnet` with `prefix` (the address helper's pick), drawn below the
/// VNet's last subnet.
pub(crate) fn subnet_with_prefix(
    plan: &mut Plan,
    vnet: Id,
    prefix: Ipv4Net,
) -> Result<Id, Refusal> {
    vnet_of(plan, vnet)?;
    add_subnet(plan, vnet, SubnetRole::Plain, prefix)
}

/// The VNet's GatewaySubnet or AzureFirewallSubnet (`role`), made when it has none.
pub(crate) fn special_subnet(plan: &mut Plan, vnet: Id, role: SubnetRole) -> Result<Id, Refusal> {
    let is_named: fn(&str) -> bool = match role {
        SubnetRole::Firewall => is_firewall_subnet,
        _ => is_gateway_subnet,
    };
    let existing = vnet_of(plan, vnet)?
        .subnets
        .iter()
        .find(|s| is_named(&s.name))
        .map(|s| s.id);
    match existing {
        Some(id) => Ok(id),
        None => subnet(plan, vnet, role),
    }
}

fn vnet_of(plan: &Plan, vnet: Id) -> Result<&Vnet, Refusal> {
    plan.work
        .vnet(vnet)
        .ok_or_else(|| Refusal::new("That VNet no longer exists."))
}

fn add_subnet(plan: &mut Plan, vnet: Id, role: SubnetRole, prefix: Ipv4Net) -> Result<Id, Refusal> {
    let design = &plan.work;
    let name = match role {
        SubnetRole::Plain | SubnetRole::Hsm => unique(design, role.name()),
        SubnetRole::Gateway | SubnetRole::Firewall => role.name().to_string(),
    };
    let layout = next_subnet_rect(design, vnet);
    let id = plan.id();
    let subnet = Subnet {
        delegation: (role == SubnetRole::Hsm).then(|| HSM_DELEGATION.to_string()),
        layout,
        ..Subnet::new(id, name, prefix)
    };
    plan.push(Edit::Add(Element::Subnet { vnet, subnet }))?;
    grow_to_hold(plan, vnet, layout)?;
    Ok(id)
}

/// A new HSM named from `name` in `subnet`, on the stamp the subnet has fewer HSMs on, in the
/// subnet's next free slot. Without `like`: the defaults and a free private address. With
/// `like`: a partner for that HSM, with its SKU and settings and a free address for each
/// address it pins.
pub(crate) fn hsm(
    plan: &mut Plan,
    subnet: Id,
    name: &str,
    like: Option<&Hsm>,
) -> Result<Id, Refusal> {
    let design = &plan.work;
    let (_, s) = subnet_of(design, subnet)?;
    const WHERE: &str = "An HSM goes into a subnet delegated to Dedicated HSM";
    if !s.is_hsm_delegated() {
        return Err(Refusal::new(format!("{WHERE}; {} is not.", s.name)));
    }
    let mut free = free_addresses(design, s);
    let mut address = |wanted: bool| -> Result<Option<Ipv4Addr>, Refusal> {
        if !wanted {
            return Ok(None);
        }
        free.next().map(Some).ok_or_else(|| {
            Refusal::new(format!(
                "Subnet {} ({}) has no free address left.",
                s.name, s.prefix
            ))
        })
    };
    let private_ip = address(like.is_none_or(|h| h.private_ip.is_some()))?;
    // A management address is taken here only when the management NIC shares the subnet;
    // in a management subnet of its own, Azure picks one.
    let management_ip =
        address(like.is_some_and(|h| h.management_ip.is_some() && h.management_subnet.is_none()))?;
    let stamp = next_stamp(design, subnet).to_string();
    let name = unique(design, name);
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    let mut hsm = Hsm::new(id, name, subnet, stamp);
    if let Some(like) = like {
        hsm.sku = like.sku.clone();
        hsm.management_nic = like.management_nic;
        hsm.management_subnet = like.management_subnet;
        hsm.host_port = like.host_port;
        hsm.ntls_ip_check = like.ntls_ip_check;
    }
    hsm.private_ip = private_ip;
    hsm.management_ip = management_ip;
    hsm.layout = layout;
    plan.push(Edit::Add(Element::Hsm(hsm)))?;
    Ok(id)
}

/// Adds a payment HSM (`Hsm::payment`) in `subnet`, its host and management NICs both there at
/// the next free addresses (its management subnet can be set apart later).
pub fn payment_hsm(plan: &mut Plan, subnet: Id, name: &str) -> Result<Id, Refusal> {
    // `hsm` copies what a `like` HSM has and pins an address for each one it pins.
    let pinned = Some(std::net::Ipv4Addr::UNSPECIFIED);
    let like = Hsm {
        private_ip: pinned,
        management_ip: pinned,
        ..Hsm::payment(Id(0), String::new(), subnet, String::new())
    };
    hsm(plan, subnet, name, Some(&like))
}

/// The stamp a subnet has fewer HSMs on (the first on a tie), so that two HSMs make an HA
/// pair. Stamps are compared loosely (`Stamp1 ` is `stamp1`).
pub(crate) fn next_stamp(design: &Design, subnet: Id) -> &'static str {
    let on = |stamp: &str| {
        design
            .hsms_in_subnet(subnet)
            .filter(|h| h.stamp.trim().eq_ignore_ascii_case(stamp))
            .count()
    };
    let [first, second] = HSM_STAMPS;
    if on(first) <= on(second) {
        first
    } else {
        second
    }
}

/// A new gateway of `kind` named from `name` in `subnet` (a GatewaySubnet), of the default SKU
/// for its kind, in the subnet's next free slot; refused when the VNet already has one of that
/// kind.
pub(crate) fn gateway(
    plan: &mut Plan,
    subnet: Id,
    kind: GatewayKind,
    name: &str,
) -> Result<Id, Refusal> {
    let design = &plan.work;
    let (vnet, _) = subnet_of(design, subnet)?;
    if design.gateways_in_vnet(vnet).any(|g| g.kind == kind) {
        let one = match kind {
            GatewayKind::ExpressRoute => "an ExpressRoute gateway",
            GatewayKind::Vpn => "a VPN gateway",
        };
        return Err(Refusal::new(format!(
            "VNet {} already has {one}; a VNet holds one of each kind.",
            vnet.name
        )));
    }
    let name = unique(design, name);
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    let gateway = Gateway::new(id, name, subnet, kind);
    plan.push(Edit::Add(Element::Gateway(Gateway { layout, ..gateway })))?;
    Ok(id)
}

/// An existing gateway moved into `subnet`, drawn in the subnet's next free slot.
pub(crate) fn gateway_into(plan: &mut Plan, gateway: Id, subnet: Id) -> Result<(), Refusal> {
    let mut moved = plan
        .work
        .gateway(gateway)
        .ok_or_else(|| Refusal::new("That gateway no longer exists."))?
        .clone();
    moved.subnet = subnet;
    moved.layout = device_spot(plan, subnet)?;
    plan.push(Edit::Replace(Element::Gateway(moved)))
}

/// A new NVA named from `name` in `subnet`, with a free private address, in the subnet's next
/// free slot; with `like`, sized and set up as that NVA.
pub(crate) fn nva(
    plan: &mut Plan,
    subnet: Id,
    name: &str,
    like: Option<&Nva>,
) -> Result<Id, Refusal> {
    let design = &plan.work;
    let ip = free_ip(design, subnet)?;
    let name = unique(design, name);
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    let mut nva = Nva::new(id, name, subnet, Some(ip));
    if let Some(like) = like {
        nva.vm_size = like.vm_size.clone();
        nva.snat = like.snat;
        nva.ip_forwarding = like.ip_forwarding;
    }
    nva.layout = layout;
    plan.push(Edit::Add(Element::Nva(nva)))?;
    Ok(id)
}

/// A new internal load balancer named from `name` in `subnet` over `backends`, with a free
/// static frontend, in the subnet's next free slot: a Standard one with the Luna TCP 1792 rule
/// and probe, or with `like`'s SKU, rules and probes.
pub(crate) fn load_balancer(
    plan: &mut Plan,
    subnet: Id,
    name: &str,
    backends: Vec<Id>,
    like: Option<&LoadBalancer>,
) -> Result<Id, Refusal> {
    let design = &plan.work;
    let ip = free_ip(design, subnet)?;
    let name = unique(design, name);
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    let mut lb = LoadBalancer::luna_proxy(id, name, subnet, ip, backends);
    if let Some(like) = like {
        lb.sku = like.sku.clone();
        lb.rules = like.rules.clone();
        lb.probes = like.probes.clone();
    }
    lb.layout = layout;
    plan.push(Edit::Add(Element::LoadBalancer(lb)))?;
    Ok(id)
}

/// A new firewall named from `name` in `subnet` (an AzureFirewallSubnet), in the subnet's next
/// free slot; refused when the subnet already has one.
pub(crate) fn firewall(plan: &mut Plan, subnet: Id, name: &str) -> Result<Id, Refusal> {
    let design = &plan.work;
    let (vnet, _) = subnet_of(design, subnet)?;
    if design.firewalls.iter().any(|f| f.subnet == subnet) {
        return Err(Refusal::new(format!(
            "VNet {} already has a firewall.",
            vnet.name
        )));
    }
    let name = unique(design, name);
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    let firewall = Firewall::new(id, name, subnet);
    plan.push(Edit::Add(Element::Firewall(Firewall {
        layout,
        ..firewall
    })))?;
    Ok(id)
}

/// Where a new NSG or route table goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Spot {
    /// Attached to this subnet (replacing the one it had), its badge on the subnet's edge.
    On(Id),
    /// Attached to nothing, its badge at this point.
    At(Point),
}

/// A new NSG named from `name` holding `rules`, attached at `spot`.
pub(crate) fn nsg(
    plan: &mut Plan,
    name: &str,
    rules: Vec<NsgRule>,
    spot: Spot,
) -> Result<Id, Refusal> {
    let name = unique(&plan.work, name);
    let id = plan.id();
    let layout = badge_spot(plan, spot, true)?;
    let nsg = Nsg::new(id, name, rules);
    plan.push(Edit::Add(Element::Nsg(Nsg { layout, ..nsg })))?;
    attach(plan, spot, Policy::Nsg(id))?;
    Ok(id)
}

/// A new route table named from `name` holding `routes` (gateway route propagation on),
/// attached at `spot`.
pub(crate) fn route_table(
    plan: &mut Plan,
    name: &str,
    routes: Vec<Route>,
    spot: Spot,
) -> Result<Id, Refusal> {
    let name = unique(&plan.work, name);
    let id = plan.id();
    let layout = badge_spot(plan, spot, false)?;
    let rt = RouteTable::new(id, name, routes);
    plan.push(Edit::Add(Element::RouteTable(RouteTable { layout, ..rt })))?;
    attach(plan, spot, Policy::RouteTable(id))?;
    Ok(id)
}

#[derive(Clone, Copy, PartialEq)]
enum Policy {
    Nsg(Id),
    RouteTable(Id),
}

impl Policy {
    /// The policy of this kind a subnet has.
    fn of(self, s: &Subnet) -> Option<Policy> {
        match self {
            Policy::Nsg(_) => s.nsg.map(Policy::Nsg),
            Policy::RouteTable(_) => s.route_table.map(Policy::RouteTable),
        }
    }

    fn set(self, s: &mut Subnet) {
        match self {
            Policy::Nsg(id) => s.nsg = Some(id),
            Policy::RouteTable(id) => s.route_table = Some(id),
        }
    }
}

fn badge_spot(plan: &Plan, spot: Spot, nsg: bool) -> Result<Point, Refusal> {
    match spot {
        Spot::At(p) => Ok(p),
        Spot::On(subnet) => Ok(badge_point(subnet_of(&plan.work, subnet)?.1.layout, nsg)),
    }
}

/// Attaches `policy` to the subnet of `spot`, if any. The policy it replaces there, when drawn
/// on that subnet and still attached elsewhere, moves onto the next subnet that has it.
fn attach(plan: &mut Plan, spot: Spot, policy: Policy) -> Result<(), Refusal> {
    let Spot::On(subnet) = spot else {
        return Ok(());
    };
    let (vnet, s) = subnet_of(&plan.work, subnet)?;
    let (vnet, mut attached) = (vnet.id, s.clone());
    let replaced = policy.of(&attached);
    policy.set(&mut attached);
    let rect = attached.layout;
    plan.push(Edit::Replace(Element::Subnet {
        vnet,
        subnet: attached,
    }))?;
    let Some(old) = replaced else {
        return Ok(());
    };
    let design = &plan.work;
    let elsewhere = design
        .vnets
        .iter()
        .flat_map(|v| &v.subnets)
        .find(|s| old.of(s) == Some(old))
        .map(|s| s.layout);
    let Some(to) = elsewhere else {
        return Ok(());
    };
    let moved = match old {
        Policy::Nsg(id) => design.nsg(id).filter(|n| rect.contains(n.layout)).map(|n| {
            Element::Nsg(Nsg {
                layout: badge_point(to, true),
                ..n.clone()
            })
        }),
        Policy::RouteTable(id) => design
            .route_table(id)
            .filter(|r| rect.contains(r.layout))
            .map(|r| {
                Element::RouteTable(RouteTable {
                    layout: badge_point(to, false),
                    ..r.clone()
                })
            }),
    };
    match moved {
        Some(element) => plan.push(Edit::Replace(element)),
        None => Ok(()),
    }
}

/// A new on-premises site named from `name` at `at`, with the next free /24 of
/// 192.168.0.0/16 and VPN device address; something on it uses the HSMs.
pub(crate) fn site(plan: &mut Plan, at: Point, name: &str) -> Result<Id, Refusal> {
    let design = &plan.work;
    let prefix = site_prefix(design)?;
    let vpn_device_ip = vpn_device_ip(design);
    let name = unique(design, name);
    let roles = SiteRoles {
        hsm_client: true,
        ..SiteRoles::default()
    };
    let id = plan.id();
    let site = OnPremSite::new(id, name, vec![prefix], vpn_device_ip, roles);
    plan.push(Edit::Add(Element::Site(OnPremSite { layout: at, ..site })))?;
    Ok(id)
}

/// A new ExpressRoute circuit from `site` at `at`, named after the site, with private peering
/// over the next free pair of /30s.
pub(crate) fn circuit(plan: &mut Plan, site: Id, at: Point) -> Result<Id, Refusal> {
    let design = &plan.work;
    let site_name = &design
        .site(site)
        .ok_or_else(|| Refusal::new("That site no longer exists."))?
        .name;
    let (primary, secondary) = peering_pair(design)?;
    let name = unique(design, &format!("{site_name}-er"));
    let id = plan.id();
    let circuit = ErCircuit::new(id, name, site, primary, secondary);
    plan.push(Edit::Add(Element::Circuit(ErCircuit {
        layout: at,
        ..circuit
    })))?;
    Ok(id)
}

/// A new Cloud HSM cluster named from `name` in `region`, drawn at `at` (the region grows to
/// hold it), with the default SKU and public network access disabled.
pub(crate) fn cloud_hsm_cluster(
    plan: &mut Plan,
    region: Id,
    at: Point,
    name: &str,
) -> Result<Id, Refusal> {
    let design = &plan.work;
    if design.region(region).is_none() {
        return Err(Refusal::new("That region no longer exists."));
    }
    let name = unique(design, name);
    let id = plan.id();
    let cluster = CloudHsmCluster::new(id, name, region);
    plan.push(Edit::Add(Element::CloudHsmCluster(CloudHsmCluster {
        layout: at,
        ..cluster
    })))?;
    grow_to_hold(plan, region, symbol_rect(at))?;
    Ok(id)
}

/// A new private endpoint to `target` (a Cloud HSM cluster) in `subnet`, an ordinary one, with
/// free static addresses (one per node, in a row), in the subnet's next free slot, named
/// `<cluster>-pe`.
pub(crate) fn private_endpoint(plan: &mut Plan, subnet: Id, target: Id) -> Result<Id, Refusal> {
    let design = &plan.work;
    let (_, s) = subnet_of(design, subnet)?;
    if s.delegation.is_some() || is_gateway_subnet(&s.name) || is_firewall_subnet(&s.name) {
        return Err(Refusal::new(format!(
            "A private endpoint goes into an ordinary subnet; {} is not.",
            s.name
        )));
    }
    let cluster = design
        .cloud_hsm_cluster(target)
        .ok_or_else(|| Refusal::new("A private endpoint connects to a Cloud HSM cluster."))?;
    let nodes = crate::azure::cloud_hsm::NODES.len();
    let ip = crate::addressing::free_run(design, s, nodes).ok_or_else(|| {
        Refusal::new(format!(
            "Subnet {} ({}) has no {nodes} free addresses in a row for the cluster's nodes.",
            s.name, s.prefix
        ))
    })?;
    let name = unique(design, &format!("{}-pe", cluster.name));
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    let endpoint = PrivateEndpoint::new(id, name, subnet, target, Some(ip));
    plan.push(Edit::Add(Element::PrivateEndpoint(PrivateEndpoint {
        layout,
        ..endpoint
    })))?;
    Ok(id)
}

/// A new private DNS zone for Cloud HSM at `at`, holding no records and linked to no VNet.
pub(crate) fn private_dns_zone(plan: &mut Plan, at: Point) -> Result<Id, Refusal> {
    let design = &plan.work;
    let name = unique(design, crate::azure::cloud_hsm::PRIVATE_DNS_ZONE);
    let id = plan.id();
    let zone = PrivateDnsZone::new(id, name);
    plan.push(Edit::Add(Element::PrivateDnsZone(PrivateDnsZone {
        layout: at,
        ..zone
    })))?;
    Ok(id)
}

/// A new peering of VNets `a` and `b` with Azure's defaults, named `a-to-b`.
pub(crate) fn peering(design: &Design, id: Id, a: Id, b: Id) -> Element {
    let name = unique(design, &peering_name(design, a, b));
    Element::Peering(Peering::new(id, name, a, b))
}

/// [`peering`], naming it from names already gathered: for making many (one per finding)
/// without gathering the design's names each time.
pub(crate) fn peering_among(names: &mut Names, design: &Design, id: Id, a: Id, b: Id) -> Element {
    let name = names.take(&peering_name(design, a, b));
    Element::Peering(Peering::new(id, name, a, b))
}

fn peering_name(design: &Design, a: Id, b: Id) -> String {
    format!("{}-to-{}", design.name_of(a), design.name_of(b))
}

/// A new connection of `kind`, named after its ends: `gateway-to-site`, `gateway-to-circuit`,
/// `a-to-b`.
pub(crate) fn connection(design: &Design, id: Id, kind: ConnectionKind) -> Element {
    let (from, to) = match kind {
        ConnectionKind::SiteToSite { gateway, site }
        | ConnectionKind::PointToSite { gateway, site } => (gateway, site),
        ConnectionKind::VnetToVnet { a, b } => (a, b),
        ConnectionKind::ExpressRoute { gateway, circuit } => (gateway, circuit),
    };
    let name = unique(
        design,
        &format!("{}-to-{}", design.name_of(from), design.name_of(to)),
    );
    Element::Connection(Connection::new(id, name, kind))
}

fn subnet_of(design: &Design, subnet: Id) -> Result<(&Vnet, &Subnet), Refusal> {
    design
        .subnet(subnet)
        .ok_or_else(|| Refusal::new("That subnet no longer exists."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::names::{element_names, same_name};
    use crate::draw::{connect, duplicate, place, Item};
    use crate::model::builder::Builder;

    /// A region with VNets `Hub` and `spoke`, and a site named `VNET-1`.
    fn design() -> (Design, Id, Id, Id) {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let hub = b.vnet(region, "Hub", &["10.0.0.0/16"]);
        let spoke = b.vnet(region, "spoke", &["10.1.0.0/16"]);
        b.site("VNET-1", &["192.168.0.0/24"], None, Default::default());
        b.site(
            "HUB-TO-SPOKE",
            &["192.168.1.0/24"],
            None,
            Default::default(),
        );
        (b.finish(), region, hub, spoke)
    }

    fn no_clash(d: &Design) {
        let names: Vec<&str> = element_names(d).collect();
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert!(!same_name(a, b), "{a} and {b} in {names:?}");
            }
        }
    }

    #[test]
    fn a_wanted_name_taken_in_another_case_is_counted_up() {
        let (d, region, ..) = design();
        let mut plan = Plan::new(&d);
        let at = Point::new(d.regions[0].layout.x, d.regions[0].layout.y);
        let id = vnet(&mut plan, region, at, "hub").unwrap();
        assert_eq!(plan.work.vnet(id).unwrap().name, "hub-2");
        let id = vnet(&mut plan, region, at, "hub").unwrap();
        assert_eq!(
            plan.work.vnet(id).unwrap().name,
            "hub-3",
            "hub-2 was just made"
        );
        no_clash(&plan.work);
    }

    #[test]
    fn drops_copies_and_links_never_clash_in_any_letter_case() {
        let (d, _, hub, spoke) = design();
        let inside = d.regions[0].layout;
        let at = Point::new(inside.x + inside.w - 10.0, inside.y + inside.h - 10.0);
        let d = d.apply(&place(&d, Item::Vnet, at).unwrap()).unwrap();
        assert_eq!(d.vnets.last().unwrap().name, "vnet-2", "VNET-1 is a site's");
        let d = d.apply(&duplicate(&d, &[hub]).unwrap()).unwrap();
        assert_eq!(d.vnets.last().unwrap().name, "Hub-2");
        let d = d.apply(&connect(&d, hub, spoke).unwrap()).unwrap();
        assert_eq!(d.peerings[0].name, "Hub-to-spoke-2");
        no_clash(&d);
    }

    #[test]
    fn a_policy_replacing_another_moves_the_old_badge_to_a_subnet_still_using_it() {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let v = b.vnet(region, "v", &["10.0.0.0/16"]);
        let first = b.subnet(v, "a", "10.0.0.0/24");
        let second = b.subnet(v, "b", "10.0.1.0/24");
        let old = b.route_table("shared", Vec::new(), &[first, second]);
        let d = b.finish();
        let mut plan = Plan::new(&d);
        let id = route_table(&mut plan, "own", Vec::new(), Spot::On(first)).unwrap();
        let w = &plan.work;
        let (a, b) = (w.subnet(first).unwrap().1, w.subnet(second).unwrap().1);
        assert_eq!(a.route_table, Some(id));
        assert!(a.layout.contains(w.route_table(id).unwrap().layout));
        assert!(b.layout.contains(w.route_table(old).unwrap().layout));
    }
}
