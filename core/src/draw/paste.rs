//! Copy and paste. [`copy`] keeps the chosen elements together with the design they were
//! copied from ([`Copied`]), so that a paste still works after the originals were changed or
//! removed; [`paste`] adds copies of them into the containers under a point of the canvas, with
//! new ids, names and free addresses, made by the same code as [`super::duplicate`] (a copied
//! VNet, subnet, site…) and [`super::new`] (a copied device is a new device like it).

use super::duplicate::{
    copy_circuit, copy_cluster, copy_device_into, copy_endpoint, copy_policy, copy_region,
    copy_site, copy_subnet, copy_vnet_into, copy_zone, device_subnet, inside_chosen, not_copied,
    policy_point,
};
use super::place::{outside_regions, under, workload_subnet};
use super::plan::Plan;
use super::Refusal;
use crate::azure::names::{is_firewall_subnet, is_gateway_subnet};
use crate::edit::Edit;
use crate::hashing::{HashMap, HashMapExt, HashSet};
use crate::model::*;

/// What a copy holds: the elements chosen (without those inside another chosen one, which
/// come along with their container) and the design as it was when they were copied.
#[derive(Clone, Debug, PartialEq)]
pub struct Copied {
    source: Design,
    ids: Vec<Id>,
}

impl Copied {
    /// The elements copied, outermost only, in the order they were chosen.
    pub fn ids(&self) -> &[Id] {
        &self.ids
    }

    /// How the copy reads in a message: "VNet hub" or "3 elements".
    pub fn describe(&self) -> String {
        match self.ids[..] {
            [id] => match self.source.describe(id) {
                Some((kind, name)) => format!("{} {name}", kind.label()),
                None => "1 element".to_string(),
            },
            _ => format!("{} elements", self.ids.len()),
        }
    }
}

/// Copies the elements `ids` of `design`, or says why they cannot be pasted: links, gateways,
/// firewalls and the subnets Azure names are copied only with their VNet.
pub fn copy(design: &Design, ids: &[Id]) -> Result<Copied, Refusal> {
    if ids.is_empty() {
        return Err(Refusal::new("Nothing to copy: select something first."));
    }
    let chosen: HashSet<Id> = ids.iter().copied().collect();
    let mut kept: Vec<Id> = Vec::new();
    for &id in ids {
        if kept.contains(&id) || inside_chosen(design, id, &chosen) {
            continue;
        }
        let (kind, name) = design
            .describe(id)
            .ok_or_else(|| Refusal::new(format!("No element has id {}.", id.0)))?;
        match kind {
            Kind::Gateway | Kind::Firewall | Kind::Peering | Kind::Connection => {
                return Err(not_copied(kind, "copy"))
            }
            Kind::Subnet if is_gateway_subnet(name) || is_firewall_subnet(name) => {
                return Err(Refusal::new(format!(
                    "A VNet has only one {name}: copy the VNet instead."
                )))
            }
            _ => kept.push(id),
        }
    }
    Ok(Copied {
        source: design.clone(),
        ids: kept,
    })
}

/// Adds copies of `copied` into `design` as one edit, each in the container of its kind under
/// `at` (a VNet into the region there, a subnet into the VNet, a device into the subnet; a
/// region, a site or a circuit outside the regions), keeping their places relative to one
/// another with the top left of the copy at `at`; or says why they cannot go there.
pub fn paste(design: &Design, copied: &Copied, at: Point) -> Result<Edit, Refusal> {
    let source = &copied.source;
    let places: Vec<(Id, Point)> = copied
        .ids
        .iter()
        .filter_map(|&id| Some((id, position(source, id)?)))
        .collect();
    let left = places
        .iter()
        .map(|(_, p)| p.x)
        .fold(f64::INFINITY, f64::min);
    let top = places
        .iter()
        .map(|(_, p)| p.y)
        .fold(f64::INFINITY, f64::min);
    let wanted = |p: Point| Point::new(at.x + p.x - left, at.y + p.y - top);
    let under = under(design, at);
    // What a pasted load balancer, circuit or endpoint points at may be pasted with it: those
    // go after it, and a zone, which holds the endpoints' records, last.
    let mut order = places.clone();
    order.sort_by_key(|(id, _)| {
        if source.private_dns_zone(*id).is_some() {
            2
        } else {
            let points_at = source.load_balancer(*id).is_some()
                || source.circuit(*id).is_some()
                || source.private_endpoint(*id).is_some();
            usize::from(points_at)
        }
    });

    let mut plan = Plan::new(design);
    let mut pasted: HashMap<Id, Id> = HashMap::new();
    for (id, p) in order {
        let (kind, _) = source
            .describe(id)
            .ok_or_else(|| Refusal::new(format!("No element has id {}.", id.0)))?;
        let to = wanted(p);
        let new_id = match kind {
            Kind::Region => {
                if under.region.is_some() {
                    return Err(Refusal::new(
                        "A region cannot go inside another region: paste it on empty canvas.",
                    ));
                }
                Some(copy_region(
                    &mut plan,
                    source,
                    id,
                    Rect::new(to.x, to.y, 0.0, 0.0),
                )?)
            }
            Kind::Vnet => {
                let region = under
                    .region
                    .ok_or_else(|| Refusal::new("A VNet goes into a region: paste it over one."))?;
                copy_vnet_into(&mut plan, source, id, region, to)?;
                None
            }
            Kind::Subnet => {
                let vnet = under
                    .vnet
                    .ok_or_else(|| Refusal::new("A subnet goes into a VNet: paste it over one."))?;
                copy_subnet(&mut plan, source, id, vnet)?;
                None
            }
            Kind::Hsm => {
                let subnet = under.subnet.ok_or_else(|| {
                    Refusal::new(
                        "An HSM goes into a subnet delegated to Dedicated HSM: paste it over one.",
                    )
                })?;
                Some(copy_device_into(&mut plan, source, id, subnet, Vec::new())?)
            }
            Kind::Nva | Kind::LoadBalancer => {
                let what = if kind == Kind::Nva {
                    "An NVA"
                } else {
                    "A load balancer"
                };
                let subnet = workload_subnet(design, &under, what)?;
                let backends = backends_of(source, id, &pasted, design, subnet);
                Some(copy_device_into(&mut plan, source, id, subnet, backends)?)
            }
            Kind::Site => {
                outside_regions(&under, "An on-premises site")?;
                Some(copy_site(&mut plan, source, id, to)?)
            }
            Kind::Circuit => {
                outside_regions(&under, "An ExpressRoute circuit")?;
                let site = source.circuit(id).map(|c| c.site).ok_or_else(|| gone(id))?;
                // The copied site when it was pasted too, else the original while it exists.
                let site = pasted
                    .get(&site)
                    .copied()
                    .or_else(|| design.site(site).map(|s| s.id))
                    .ok_or_else(|| {
                        Refusal::new(
                            "An ExpressRoute circuit starts at an on-premises site: its site is gone, so copy the circuit with a site.",
                        )
                    })?;
                copy_circuit(&mut plan, source, id, site, to)?;
                None
            }
            Kind::Nsg | Kind::RouteTable => {
                copy_policy(&mut plan, source, id, to)?;
                None
            }
            Kind::CloudHsmCluster => {
                let region = under.region.ok_or_else(|| {
                    Refusal::new("A Cloud HSM cluster goes into a region: paste it over one.")
                })?;
                Some(copy_cluster(&mut plan, source, id, region, to)?)
            }
            Kind::PrivateEndpoint => {
                let subnet = workload_subnet(design, &under, "A private endpoint")?;
                let target = source
                    .private_endpoint(id)
                    .map(|e| e.target)
                    .ok_or_else(|| gone(id))?;
                // The copied cluster when it was pasted too, else the original while it exists.
                let target = pasted
                    .get(&target)
                    .copied()
                    .or_else(|| design.cloud_hsm_cluster(target).map(|c| c.id))
                    .ok_or_else(|| {
                        Refusal::new(
                            "A private endpoint connects to a Cloud HSM cluster: its cluster is gone, so copy the endpoint with a cluster.",
                        )
                    })?;
                Some(copy_endpoint(&mut plan, source, id, subnet, target)?)
            }
            Kind::PrivateDnsZone => {
                outside_regions(&under, "A private DNS zone")?;
                Some(copy_zone(&mut plan, source, id, to, &pasted)?)
            }
            Kind::Gateway | Kind::Firewall | Kind::Peering | Kind::Connection => {
                return Err(not_copied(kind, "paste"))
            }
        };
        if let Some(new_id) = new_id {
            pasted.insert(id, new_id);
        }
    }
    plan.finish()
}

fn gone(id: Id) -> Refusal {
    Refusal::new(format!("No element has id {}.", id.0))
}

/// The backends a pasted load balancer keeps: the NVAs pasted with it, and those it had that
/// still exist in the VNet it is pasted into.
fn backends_of(
    source: &Design,
    id: Id,
    pasted: &HashMap<Id, Id>,
    design: &Design,
    subnet: Id,
) -> Vec<Id> {
    let Some(lb) = source.load_balancer(id) else {
        return Vec::new();
    };
    let vnet = design.vnet_of_subnet(subnet).map(|v| v.id);
    let in_vnet = |nva: Id| {
        device_subnet(design, nva).and_then(|s| design.vnet_of_subnet(s).map(|v| v.id)) == vnet
    };
    lb.backends
        .iter()
        .filter_map(|b| {
            pasted
                .get(b)
                .copied()
                .or_else(|| (design.nva(*b).is_some() && in_vnet(*b)).then_some(*b))
        })
        .collect()
}

/// Where an element is drawn: the top left of a container, the centre of a symbol or badge.
fn position(design: &Design, id: Id) -> Option<Point> {
    let corner = |r: Rect| Point::new(r.x, r.y);
    design
        .region(id)
        .map(|r| corner(r.layout))
        .or_else(|| design.vnet(id).map(|v| corner(v.layout)))
        .or_else(|| design.subnet(id).map(|(_, s)| corner(s.layout)))
        .or_else(|| design.hsm(id).map(|e| e.layout))
        .or_else(|| design.nva(id).map(|e| e.layout))
        .or_else(|| design.load_balancer(id).map(|e| e.layout))
        .or_else(|| design.site(id).map(|e| e.layout))
        .or_else(|| design.circuit(id).map(|e| e.layout))
        .or_else(|| design.cloud_hsm_cluster(id).map(|e| e.layout))
        .or_else(|| design.private_endpoint(id).map(|e| e.layout))
        .or_else(|| design.private_dns_zone(id).map(|e| e.layout))
        .or_else(|| policy_point(design, id))
}

#[cfg(test)]
#[path = "paste_tests.rs"]
mod tests;
