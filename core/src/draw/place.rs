//! Adding a palette item where it is dropped: the container under the point decides where the
//! element lives, or why it cannot; the element itself is made by [`super::new`], as every new
//! element is.

use super::catalogue::Item;
use super::geometry::{REGION_H, REGION_W};
use super::hit::containers_at;
use super::new::{self, Spot, SubnetRole};
use super::plan::Plan;
use super::Refusal;
use crate::azure::names::{is_firewall_subnet, is_gateway_subnet, FIREWALL_SUBNET, GATEWAY_SUBNET};
use crate::edit::{Edit, Element};
use crate::model::*;

/// Where a drop landed: the innermost subnet, VNet and region under the point.
pub(super) struct Under {
    pub subnet: Option<Id>,
    pub vnet: Option<Id>,
    pub region: Option<Id>,
}

pub(super) fn under(design: &Design, at: Point) -> Under {
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
        Item::Region => {
            if under.region.is_some() {
                return Err(Refusal::new("A region cannot go inside another region."));
            }
            new::region(&mut plan, Rect::new(at.x, at.y, REGION_W, REGION_H))?;
        }
        Item::Vnet => {
            let region = under
                .region
                .ok_or_else(|| Refusal::new("A VNet goes into a region."))?;
            new::vnet(&mut plan, region, at, "vnet-1")?;
        }
        Item::Subnet => {
            let vnet = under
                .vnet
                .ok_or_else(|| Refusal::new("A subnet goes into a VNet."))?;
            new::subnet(&mut plan, vnet, SubnetRole::Plain)?;
        }
        Item::HsmSubnet => {
            let vnet = under
                .vnet
                .ok_or_else(|| Refusal::new("An HSM subnet goes into a VNet."))?;
            new::subnet(&mut plan, vnet, SubnetRole::Hsm)?;
        }
        Item::Hsm => {
            let subnet = under.subnet.ok_or_else(|| {
                Refusal::new("An HSM goes into a subnet delegated to Dedicated HSM.")
            })?;
            new::hsm(&mut plan, subnet, "hsm-1", None)?;
        }
        Item::PaymentHsm => {
            let subnet = under.subnet.ok_or_else(|| {
                Refusal::new("A payment HSM goes into a subnet delegated to the HSM service.")
            })?;
            new::payment_hsm(&mut plan, subnet, "phsm-1")?;
        }
        Item::ErGateway => {
            let what = "An ExpressRoute gateway";
            let subnet = named_subnet(&mut plan, &under, SubnetRole::Gateway, what)?;
            new::gateway(&mut plan, subnet, GatewayKind::ExpressRoute, "ergw-1")?;
        }
        Item::VpnGateway => {
            let subnet = named_subnet(&mut plan, &under, SubnetRole::Gateway, "A VPN gateway")?;
            new::gateway(&mut plan, subnet, GatewayKind::Vpn, "vpngw-1")?;
        }
        Item::Nva => {
            let subnet = workload_subnet(design, &under, "An NVA")?;
            new::nva(&mut plan, subnet, "nva-1", None)?;
        }
        Item::LoadBalancer => {
            let subnet = workload_subnet(design, &under, "A load balancer")?;
            new::load_balancer(&mut plan, subnet, "ilb-1", Vec::new(), None)?;
        }
        Item::Firewall => {
            let subnet = named_subnet(&mut plan, &under, SubnetRole::Firewall, "A firewall")?;
            new::firewall(&mut plan, subnet, "firewall-1")?;
        }
        Item::RouteTable | Item::Nsg => {
            let spot = match under.subnet {
                Some(s) => {
                    let (_, subnet) = design.subnet(s).expect("found under the point");
                    if let Some(why) = policy_refusal(subnet, item) {
                        return Err(Refusal::new(why));
                    }
                    Spot::On(s)
                }
                None => Spot::At(at),
            };
            if item == Item::Nsg {
                new::nsg(&mut plan, "nsg-1", Vec::new(), spot)?;
            } else {
                new::route_table(&mut plan, "rt-1", Vec::new(), spot)?;
            }
        }
        Item::Site => {
            outside_regions(&under, "An on-premises site")?;
            new::site(&mut plan, at, "site-1")?;
        }
        Item::Circuit => {
            outside_regions(&under, "An ExpressRoute circuit")?;
            // A circuit starts at a site: the nearest one.
            let distance = |s: &&OnPremSite| (s.layout.x - at.x).hypot(s.layout.y - at.y);
            let site = design
                .sites
                .iter()
                .min_by(|a, b| distance(a).total_cmp(&distance(b)))
                .ok_or_else(|| {
                    Refusal::new(
                        "An ExpressRoute circuit starts at an on-premises site: add a site first.",
                    )
                })?;
            new::circuit(&mut plan, site.id, at)?;
        }
        Item::CloudHsmCluster => {
            let region = under
                .region
                .ok_or_else(|| Refusal::new("A Cloud HSM cluster goes into a region."))?;
            new::cloud_hsm_cluster(&mut plan, region, at, "chsm-1")?;
        }
        Item::PrivateEndpoint => {
            let subnet = workload_subnet(design, &under, "A private endpoint")?;
            // An endpoint connects to a cluster: the nearest one.
            let distance = |c: &&CloudHsmCluster| (c.layout.x - at.x).hypot(c.layout.y - at.y);
            let cluster = design
                .cloud_hsm_clusters
                .iter()
                .min_by(|a, b| distance(a).total_cmp(&distance(b)))
                .ok_or_else(|| {
                    Refusal::new(
                        "A private endpoint connects to a Cloud HSM cluster: add a cluster first.",
                    )
                })?;
            new::private_endpoint(&mut plan, subnet, cluster.id)?;
        }
        Item::PrivateDnsZone => {
            outside_regions(&under, "A private DNS zone")?;
            new::private_dns_zone(&mut plan, at)?;
        }
    }
    plan.finish()
}

/// Where a drop of `item` at `at` would go, asked while the item is dragged: the container
/// that would receive it (none for a region, a site, a circuit or a policy standing apart), or
/// the refusal the drop itself would give, so the two never disagree.
pub fn drop_target(design: &Design, item: Item, at: Point) -> Result<Option<Id>, Refusal> {
    let edit = place(design, item, at)?;
    if matches!(item, Item::Nsg | Item::RouteTable) {
        return Ok(under(design, at).subnet);
    }
    // The first element a drop adds sits in the container it was dropped into (a device's
    // new GatewaySubnet in the VNet); the rest only grows containers or goes inside it.
    let edits = match &edit {
        Edit::Batch(edits) => edits.as_slice(),
        single => std::slice::from_ref(single),
    };
    let first = edits.iter().find_map(|e| match e {
        Edit::Add(element) => Some(element),
        _ => None,
    });
    Ok(match first {
        Some(Element::Vnet(v)) => Some(v.region),
        Some(Element::Subnet { vnet, .. }) => Some(*vnet),
        Some(Element::Hsm(e)) => Some(e.subnet),
        Some(Element::Gateway(e)) => Some(e.subnet),
        Some(Element::Nva(e)) => Some(e.subnet),
        Some(Element::LoadBalancer(e)) => Some(e.subnet),
        Some(Element::Firewall(e)) => Some(e.subnet),
        Some(Element::PrivateEndpoint(e)) => Some(e.subnet),
        Some(Element::CloudHsmCluster(e)) => Some(e.region),
        _ => None,
    })
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
    if let Some(s) = under.subnet {
        let (_, subnet) = plan.work.subnet(s).expect("found under the point");
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
    new::special_subnet(plan, vnet, role)
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

/// The ordinary subnet an NVA or a load balancer (`what`) is dropped on.
pub(super) fn workload_subnet(design: &Design, under: &Under, what: &str) -> Result<Id, Refusal> {
    let subnet = under
        .subnet
        .ok_or_else(|| Refusal::new(format!("{what} goes into a subnet.")))?;
    let (_, s) = design.subnet(subnet).expect("found under the point");
    match reserved_subnet(s) {
        Some(why) => Err(Refusal::new(format!(
            "{what} cannot go into {}: it {why}.",
            s.name
        ))),
        None => Ok(subnet),
    }
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

pub(super) fn outside_regions(under: &Under, what: &str) -> Result<(), Refusal> {
    match under.region {
        Some(_) => Err(Refusal::new(format!(
            "{what} goes outside the Azure regions."
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
#[path = "place_tests.rs"]
mod tests;
