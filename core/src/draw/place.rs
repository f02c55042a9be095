//! Adding a palette item where it is dropped: the container under the point decides where the
//! element lives, or why it cannot.

use super::addresses::{
    free_ip, peering_pair, site_prefix, subnet_prefix, vnet_space, vpn_device_ip,
};
use super::catalogue::Item;
use super::geometry::*;
use super::hit::containers_at;
use super::names::{free, numbered};
use super::plan::Plan;
use super::Refusal;
use crate::edit::{Edit, Element};
use crate::model::*;
use crate::rules::regions::{location_key, OFFERED};

/// Where a drop landed: the innermost subnet, VNet and region under the point.
struct Under {
    subnet: Option<Id>,
    vnet: Option<Id>,
    region: Option<Id>,
}

fn under(design: &Design, at: Point) -> Under {
    let found = containers_at(design, at);
    let first = |kind: Kind| found.iter().find(|(_, k)| *k == kind).map(|(id, _)| *id);
    let subnet = first(Kind::Subnet);
    // A subnet drawn over another VNet still belongs to its own.
    let vnet = subnet
        .and_then(|s| design.vnet_of_subnet(s).map(|v| v.id))
        .or_else(|| first(Kind::Vnet));
    let region = vnet
        .and_then(|v| design.vnet(v).map(|v| v.region))
        .or_else(|| first(Kind::Region));
    Under {
        subnet,
        vnet,
        region,
    }
}

/// Adds `item` at the canvas point `at` as one edit, or says why it cannot go there.
pub fn place(design: &Design, item: Item, at: Point) -> Result<Edit, Refusal> {
    let mut plan = Plan::new(design);
    let under = under(design, at);
    match item {
        Item::Region => add_region(&mut plan, &under, at)?,
        Item::Vnet => add_vnet(&mut plan, &under, at)?,
        Item::Subnet => {
            let vnet = under
                .vnet
                .ok_or_else(|| Refusal::new("A subnet goes into a VNet."))?;
            add_subnet(&mut plan, vnet, SubnetRole::Plain)?;
        }
        Item::HsmSubnet => {
            let vnet = under
                .vnet
                .ok_or_else(|| Refusal::new("An HSM subnet goes into a VNet."))?;
            add_subnet(&mut plan, vnet, SubnetRole::Hsm)?;
        }
        Item::Hsm => add_hsm(&mut plan, &under)?,
        Item::ErGateway => add_gateway(&mut plan, &under, GatewayKind::ExpressRoute)?,
        Item::VpnGateway => add_gateway(&mut plan, &under, GatewayKind::Vpn)?,
        Item::Nva | Item::LoadBalancer => add_workload_device(&mut plan, &under, item)?,
        Item::Firewall => add_firewall(&mut plan, &under)?,
        Item::RouteTable | Item::Nsg => add_policy(&mut plan, &under, item, at)?,
        Item::Site => add_site(&mut plan, &under, at)?,
        Item::Circuit => add_circuit(&mut plan, &under, at)?,
    }
    plan.finish()
}

fn add_region(plan: &mut Plan, under: &Under, at: Point) -> Result<(), Refusal> {
    if under.region.is_some() {
        return Err(Refusal::new("A region cannot go inside another region."));
    }
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
    let layout = clear_of(Rect::new(at.x, at.y, REGION_W, REGION_H), &others);
    let id = plan.id();
    plan.push(Edit::Add(Element::Region(Region {
        id,
        name: offered.display_name.to_string(),
        location: offered.location.to_string(),
        layout,
    })))
}

fn add_vnet(plan: &mut Plan, under: &Under, at: Point) -> Result<(), Refusal> {
    let region = under
        .region
        .ok_or_else(|| Refusal::new("A VNet goes into a region."))?;
    let design = &plan.work;
    let region_rect = design.region(region).map(|r| r.layout).unwrap_or_default();
    let others: Vec<Rect> = design
        .vnets
        .iter()
        .filter(|v| v.region == region)
        .map(|v| v.layout)
        .collect();
    // Never over the region's title.
    let top = at.y.max(region_rect.y + HEADER);
    let left = at.x.max(region_rect.x + GAP);
    let layout = clear_of(Rect::new(left, top, VNET_W, VNET_H), &others);
    let space = vnet_space(design, 16, &[])?;
    let name = numbered(design, "vnet");
    let id = plan.id();
    plan.push(Edit::Add(Element::Vnet(Vnet {
        id,
        name,
        region,
        address_space: vec![space],
        subnets: Vec::new(),
        layout,
    })))?;
    grow_to_hold(plan, region, layout)
}

/// The special subnets Azure recognises by name or delegation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubnetRole {
    Plain,
    Hsm,
    Gateway,
    Firewall,
}

pub(crate) use crate::azure::names::{
    is_firewall_subnet, is_gateway_subnet, FIREWALL_SUBNET, GATEWAY_SUBNET,
};

/// Adds a subnet of `role` at the bottom of the VNet; returns its id.
pub(crate) fn add_subnet(plan: &mut Plan, vnet: Id, role: SubnetRole) -> Result<Id, Refusal> {
    let design = &plan.work;
    let v = design
        .vnet(vnet)
        .ok_or_else(|| Refusal::new("That VNet no longer exists."))?;
    // Smallest sizes Azure accepts come last; the first sizes are the comfortable ones.
    let (lengths, name): (&[u8], String) = match role {
        SubnetRole::Plain => (&[24, 25, 26, 27, 28, 29], numbered(design, "subnet")),
        SubnetRole::Hsm => (&[24, 25, 26, 27, 28, 29], numbered(design, "hsm-subnet")),
        SubnetRole::Gateway => (&[27, 28, 29], GATEWAY_SUBNET.to_string()),
        SubnetRole::Firewall => (&[26], FIREWALL_SUBNET.to_string()),
    };
    let prefix = subnet_prefix(v, lengths)?;
    let layout = next_subnet_rect(design, vnet);
    let id = plan.id();
    plan.push(Edit::Add(Element::Subnet {
        vnet,
        subnet: Subnet {
            id,
            name,
            prefix,
            delegation: (role == SubnetRole::Hsm).then(|| HSM_DELEGATION.to_string()),
            nsg: None,
            route_table: None,
            hsm_client: false,
            layout,
        },
    }))?;
    grow_to_hold(plan, vnet, layout)?;
    Ok(id)
}

/// The subnet for a device that lives in a named subnet: the one dropped on, or the VNet's
/// own (created when missing).
fn named_subnet(
    plan: &mut Plan,
    under: &Under,
    role: SubnetRole,
    what: &str,
) -> Result<Id, Refusal> {
    let (name, is_named): (&str, fn(&str) -> bool) = if role == SubnetRole::Gateway {
        (GATEWAY_SUBNET, is_gateway_subnet)
    } else {
        (FIREWALL_SUBNET, is_firewall_subnet)
    };
    let design = &plan.work;
    if let Some(s) = under.subnet {
        let (_, subnet) = design.subnet(s).expect("found under the point");
        if is_named(&subnet.name) {
            return Ok(s);
        }
        return Err(Refusal::new(format!(
            "{what} goes into a subnet named {name}, not into {}.",
            subnet.name
        )));
    }
    let vnet = under
        .vnet
        .ok_or_else(|| Refusal::new(format!("{what} goes into a VNet (its {name}).")))?;
    let existing = design
        .vnet(vnet)
        .and_then(|v| v.subnets.iter().find(|s| is_named(&s.name)))
        .map(|s| s.id);
    match existing {
        Some(id) => Ok(id),
        None => add_subnet(plan, vnet, role),
    }
}

/// Places a device's symbol in the next free slot of its subnet, growing the subnet to fit.
pub(crate) fn device_spot(plan: &mut Plan, subnet: Id) -> Result<Point, Refusal> {
    let at = next_device_point(&plan.work, subnet);
    grow_to_hold(plan, subnet, symbol_rect(at))?;
    Ok(at)
}

fn add_hsm(plan: &mut Plan, under: &Under) -> Result<(), Refusal> {
    const WHERE: &str = "An HSM goes into a subnet delegated to Dedicated HSM";
    let subnet = under
        .subnet
        .ok_or_else(|| Refusal::new(format!("{WHERE}.")))?;
    let design = &plan.work;
    let (_, s) = design.subnet(subnet).expect("found under the point");
    if !s.is_hsm_delegated() {
        return Err(Refusal::new(format!("{WHERE}; {} is not.", s.name)));
    }
    let private_ip = free_ip(design, subnet)?;
    let stamp = next_stamp(design, subnet);
    let name = numbered(design, "hsm");
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    plan.push(Edit::Add(Element::Hsm(Hsm {
        id,
        name,
        subnet,
        sku: DEDICATED_HSM_SKU.to_string(),
        stamp: stamp.to_string(),
        private_ip: Some(private_ip),
        management_ip: None,
        management_nic: false,
        ntls_ip_check: true,
        layout,
    })))
}

/// Alternate stamps in a subnet, so that two HSMs make an HA pair.
pub(crate) fn next_stamp(design: &Design, subnet: Id) -> &'static str {
    let on = |stamp: &str| {
        design
            .hsms_in_subnet(subnet)
            .filter(|h| h.stamp == stamp)
            .count()
    };
    if on("stamp1") <= on("stamp2") {
        "stamp1"
    } else {
        "stamp2"
    }
}

fn add_gateway(plan: &mut Plan, under: &Under, kind: GatewayKind) -> Result<(), Refusal> {
    let (what, one) = match kind {
        GatewayKind::ExpressRoute => ("An ExpressRoute gateway", "an ExpressRoute gateway"),
        GatewayKind::Vpn => ("A VPN gateway", "a VPN gateway"),
    };
    let subnet = named_subnet(plan, under, SubnetRole::Gateway, what)?;
    let design = &plan.work;
    let vnet = design.vnet_of_subnet(subnet).expect("a subnet has a VNet");
    if design.gateways_in_vnet(vnet).any(|g| g.kind == kind) {
        return Err(Refusal::new(format!(
            "VNet {} already has {one}; a VNet holds one of each kind.",
            vnet.name
        )));
    }
    let (base, sku, vpn_type) = match kind {
        GatewayKind::ExpressRoute => ("ergw", "ErGw1AZ", None),
        GatewayKind::Vpn => ("vpngw", "VpnGw2AZ", Some(VpnType::RouteBased)),
    };
    let name = numbered(design, base);
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    plan.push(Edit::Add(Element::Gateway(Gateway {
        id,
        name,
        subnet,
        kind,
        sku: sku.to_string(),
        vpn_type,
        p2s_pool: None,
        layout,
    })))
}

fn add_firewall(plan: &mut Plan, under: &Under) -> Result<(), Refusal> {
    let subnet = named_subnet(plan, under, SubnetRole::Firewall, "A firewall")?;
    let design = &plan.work;
    if design.firewalls.iter().any(|f| f.subnet == subnet) {
        let vnet = design
            .vnet_of_subnet(subnet)
            .map(|v| v.name.clone())
            .unwrap_or_default();
        return Err(Refusal::new(format!("VNet {vnet} already has a firewall.")));
    }
    let name = numbered(design, "firewall");
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    plan.push(Edit::Add(Element::Firewall(Firewall {
        id,
        name,
        subnet,
        rules: Vec::new(),
        always_snat: false,
        layout,
    })))
}

/// Why a subnet cannot take an NVA or a load balancer, if it cannot.
fn reserved_subnet(subnet: &Subnet) -> Option<&'static str> {
    if subnet.is_hsm_delegated() {
        Some("is delegated to Dedicated HSM and holds only HSMs")
    } else if is_gateway_subnet(&subnet.name) {
        Some("holds only gateways")
    } else if is_firewall_subnet(&subnet.name) {
        Some("holds only the firewall")
    } else {
        None
    }
}

fn add_workload_device(plan: &mut Plan, under: &Under, item: Item) -> Result<(), Refusal> {
    let what = if item == Item::Nva {
        "An NVA"
    } else {
        "A load balancer"
    };
    let subnet = under
        .subnet
        .ok_or_else(|| Refusal::new(format!("{what} goes into a subnet.")))?;
    let design = &plan.work;
    let (_, s) = design.subnet(subnet).expect("found under the point");
    if let Some(why) = reserved_subnet(s) {
        return Err(Refusal::new(format!(
            "{what} cannot go into {}: it {why}.",
            s.name
        )));
    }
    let ip = free_ip(design, subnet)?;
    let name = numbered(design, if item == Item::Nva { "nva" } else { "ilb" });
    let layout = device_spot(plan, subnet)?;
    let id = plan.id();
    let element = if item == Item::Nva {
        Element::Nva(Nva {
            id,
            name,
            subnet,
            private_ip: Some(ip),
            snat: true,
            ip_forwarding: true,
            vm_size: "Standard_D2s_v3".to_string(),
            layout,
        })
    } else {
        Element::LoadBalancer(LoadBalancer {
            layout,
            ..LoadBalancer::luna_proxy(id, name, subnet, ip, Vec::new())
        })
    };
    plan.push(Edit::Add(element))
}

/// Why a policy cannot be attached to a subnet, if it cannot.
pub(crate) fn policy_refusal(subnet: &Subnet, item: Item) -> Option<String> {
    let (what, already) = match item {
        Item::Nsg => ("An NSG", subnet.nsg.is_some()),
        _ => ("A route table", subnet.route_table.is_some()),
    };
    if subnet.is_hsm_delegated() {
        return Some(format!(
            "{what} cannot be attached to {}: Azure supports none on a subnet delegated to Dedicated HSM.",
            subnet.name
        ));
    }
    if item == Item::Nsg && is_gateway_subnet(&subnet.name) {
        return Some("An NSG cannot be attached to the GatewaySubnet.".to_string());
    }
    if already {
        let kind = if item == Item::Nsg {
            "an NSG"
        } else {
            "a route table"
        };
        return Some(format!("Subnet {} already has {kind}.", subnet.name));
    }
    None
}

/// Where a policy's badge sits on a subnet's right edge (as the automatic layout puts it).
pub(crate) fn badge_point(subnet: &Subnet, item: Item) -> Point {
    let r = subnet.layout;
    let dy = if item == Item::Nsg { 16.0 } else { 44.0 };
    Point::new(r.x + r.w - 20.0, r.y + dy)
}

fn add_policy(plan: &mut Plan, under: &Under, item: Item, at: Point) -> Result<(), Refusal> {
    let design = &plan.work;
    let attach = match under.subnet {
        Some(s) => {
            let (vnet, subnet) = design.subnet(s).expect("found under the point");
            if let Some(why) = policy_refusal(subnet, item) {
                return Err(Refusal::new(why));
            }
            Some((vnet.id, subnet.clone()))
        }
        None => None,
    };
    let layout = attach.as_ref().map_or(at, |(_, s)| badge_point(s, item));
    let name = numbered(design, if item == Item::Nsg { "nsg" } else { "rt" });
    let id = plan.id();
    let element = if item == Item::Nsg {
        Element::Nsg(Nsg {
            id,
            name,
            rules: Vec::new(),
            layout,
        })
    } else {
        Element::RouteTable(RouteTable {
            id,
            name,
            routes: Vec::new(),
            bgp_propagation: true,
            layout,
        })
    };
    plan.push(Edit::Add(element))?;
    if let Some((vnet, mut subnet)) = attach {
        if item == Item::Nsg {
            subnet.nsg = Some(id);
        } else {
            subnet.route_table = Some(id);
        }
        plan.push(Edit::Replace(Element::Subnet { vnet, subnet }))?;
    }
    Ok(())
}

fn outside_regions(under: &Under, what: &str) -> Result<(), Refusal> {
    match under.region {
        Some(_) => Err(Refusal::new(format!(
            "{what} goes outside the Azure regions."
        ))),
        None => Ok(()),
    }
}

fn add_site(plan: &mut Plan, under: &Under, at: Point) -> Result<(), Refusal> {
    outside_regions(under, "An on-premises site")?;
    let design = &plan.work;
    let prefix = site_prefix(design)?;
    let name = numbered(design, "site");
    let vpn_device_ip = vpn_device_ip(design);
    let id = plan.id();
    plan.push(Edit::Add(Element::Site(OnPremSite {
        id,
        name,
        prefixes: vec![prefix],
        vpn_device_ip,
        // A site is drawn here because something on it uses the HSMs.
        roles: SiteRoles {
            hsm_client: true,
            ..SiteRoles::default()
        },
        layout: at,
    })))
}

fn add_circuit(plan: &mut Plan, under: &Under, at: Point) -> Result<(), Refusal> {
    outside_regions(under, "An ExpressRoute circuit")?;
    let design = &plan.work;
    // A circuit starts at a site: the nearest one.
    let distance = |s: &&OnPremSite| (s.layout.x - at.x).hypot(s.layout.y - at.y);
    let site = design
        .sites
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .ok_or_else(|| {
            Refusal::new("An ExpressRoute circuit starts at an on-premises site: add a site first.")
        })?;
    let (primary, secondary) = peering_pair(design)?;
    let name = free(design, &format!("{}-er", site.name));
    let site = site.id;
    let id = plan.id();
    plan.push(Edit::Add(Element::Circuit(ErCircuit {
        id,
        name,
        site,
        provider: "Equinix".to_string(),
        peering_location: "Amsterdam".to_string(),
        bandwidth_mbps: 1000,
        private_peering: Some(PrivatePeering {
            peer_asn: 65010,
            vlan_id: 100,
            primary_prefix: primary,
            secondary_prefix: secondary,
        }),
        layout: at,
    })))
}

#[cfg(test)]
#[path = "place_tests.rs"]
mod tests;
