//! Which elements the rules look at: the gateway and HSM subnets (their names are Azure's, in
//! `azure::names`), the VNets holding HSMs or several gateways, the VPN gateway of a VNet, HSMs
//! grouped by region, and HSM stamps.
//!
//! Shared because several rules check different things about the same elements; each rule
//! decides what is wrong with them, these only pick them out (in design order unless said).

use super::Context;
use crate::azure::names::is_gateway_subnet;
use crate::azure::offered::HSM_STAMPS;
use crate::azure::regions::location_key;
use crate::graph::Components;
use crate::hashing::{HashMap, HashMapExt, HashSet};
use crate::model::{Gateway, GatewayKind, Hsm, Id, Subnet, Vnet};

/// The first subnet of `vnet` named GatewaySubnet (in any letter case).
pub(super) fn gateway_subnet_of(vnet: &Vnet) -> Option<&Subnet> {
    vnet.subnets.iter().find(|s| is_gateway_subnet(&s.name))
}

/// Every subnet that is a gateway subnet, by name or because a gateway sits in it, in design
/// order.
pub(super) fn gateway_subnets<'d>(cx: &Context<'d>) -> Vec<(&'d Vnet, &'d Subnet)> {
    // Few subnets hold gateways: a sorted list is cheaper to probe than hashing every subnet.
    let mut holding: Vec<Id> = cx.design.gateways.iter().map(|g| g.subnet).collect();
    holding.sort_unstable();
    holding.dedup();
    cx.design
        .vnets
        .iter()
        .flat_map(|v| v.subnets.iter().map(move |s| (v, s)))
        .filter(|(_, s)| is_gateway_subnet(&s.name) || holding.binary_search(&s.id).is_ok())
        .collect()
}

/// The subnets Dedicated HSM's restrictions apply to, in design order: those delegated to
/// Dedicated HSM and those holding at least one HSM (a subnet about to be delegated).
pub(super) fn hsm_subnets<'d>(cx: &Context<'d>) -> Vec<(&'d Vnet, &'d Subnet)> {
    let holding: HashSet<_> = cx.design.hsms.iter().map(|h| h.subnet).collect();
    cx.design
        .vnets
        .iter()
        .flat_map(|v| v.subnets.iter().map(move |s| (v, s)))
        .filter(|(_, s)| s.is_hsm_delegated() || holding.contains(&s.id))
        .collect()
}

/// The ids of the VNets holding HSMs, sorted (for binary search; a handful even in large
/// estates).
pub(super) fn hsm_vnets(cx: &Context) -> Vec<Id> {
    vnets_holding(cx, |_| true)
}

/// The ids of the VNets holding the host NICs of the HSMs `keep` accepts, sorted.
fn vnets_holding(cx: &Context, keep: impl Fn(&Hsm) -> bool) -> Vec<Id> {
    let mut out: Vec<Id> = cx
        .design
        .hsms
        .iter()
        .filter(|h| keep(h))
        .filter_map(|h| cx.index().vnet_of_subnet(h.subnet))
        .map(|v| v.id)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The ids of the VNets holding Dedicated HSMs (Luna, not payShield), sorted.
pub(super) fn dedicated_hsm_vnets(cx: &Context) -> Vec<Id> {
    vnets_holding(cx, |h| !h.is_payment())
}

/// The payment HSMs with the VNets each has a NIC in (host, then management when another).
pub(super) fn payment_hsms<'d>(cx: &Context<'d>) -> Vec<(&'d Hsm, Vec<&'d Vnet>)> {
    cx.design
        .hsms
        .iter()
        .filter(|h| h.is_payment())
        .map(|h| {
            let mut vnets: Vec<&Vnet> = Vec::new();
            for subnet in h.subnets() {
                if let Some(v) = cx.index().vnet_of_subnet(subnet) {
                    if !vnets.iter().any(|w| w.id == v.id) {
                        vnets.push(v);
                    }
                }
            }
            (h, vnets)
        })
        .collect()
}

/// Every VNet a payment HSM uses, in design order, each with the first payment HSM that makes
/// it so and whether it is peered (rather than holding a NIC): those holding a host or
/// management NIC, then every VNet peered with one of those.
pub(super) fn payment_vnets(cx: &Context) -> Vec<(Id, Id, bool)> {
    let mut reason: HashMap<Id, (Id, bool)> = HashMap::new();
    for (hsm, vnets) in payment_hsms(cx) {
        for v in vnets {
            reason.entry(v.id).or_insert((hsm.id, false));
        }
    }
    let holding: Vec<(Id, Id)> = reason.iter().map(|(v, (h, _))| (*v, *h)).collect();
    let holding: HashMap<Id, Id> = holding.into_iter().collect();
    for p in &cx.design.peerings {
        for (near, far) in [(p.a, p.b), (p.b, p.a)] {
            if let Some(&hsm) = holding.get(&near) {
                reason.entry(far).or_insert((hsm, true));
            }
        }
    }
    cx.design
        .vnets
        .iter()
        .filter_map(|v| reason.get(&v.id).map(|(h, peered)| (v.id, *h, *peered)))
        .collect()
}

/// The VNets holding `hsms`, each once, in the order of their first HSM (for messages and
/// highlighting).
pub(super) fn vnets_of<'a>(cx: &Context, hsms: impl IntoIterator<Item = &'a Hsm>) -> Vec<Id> {
    let mut ids: Vec<Id> = Vec::new();
    for h in hsms {
        if let Some(v) = cx.index().vnet_of_subnet(h.subnet) {
            if !ids.contains(&v.id) {
                ids.push(v.id);
            }
        }
    }
    ids
}

/// The VNets holding two gateways or more, by id.
pub(super) fn multi_gateway_vnets(cx: &Context) -> Vec<Id> {
    let index = cx.index();
    let mut ids: Vec<Id> = (cx.design.vnets.iter().enumerate())
        .filter(|&(i, v)| index.vnet_position(v.id) == Some(i) && index.gateways_in(i).len() > 1)
        .map(|(_, v)| v.id)
        .collect();
    ids.sort_unstable();
    ids
}

/// The first VPN gateway of a VNet.
pub(super) fn vpn_gateway_in<'d>(cx: &Context<'d>, vnet: Id) -> Option<&'d Gateway> {
    cx.index()
        .gateways_of(vnet)
        .iter()
        .filter_map(|id| cx.index().gateway(*id))
        .find(|g| g.kind == GatewayKind::Vpn)
}

/// The first VPN gateway of the VNet `gateway` sits in: where a connection that an
/// ExpressRoute gateway cannot carry moves to.
pub(super) fn vpn_gateway_beside<'d>(cx: &Context<'d>, gateway: &Gateway) -> Option<&'d Gateway> {
    cx.index()
        .vnet_of_subnet(gateway.subnet)
        .and_then(|v| vpn_gateway_in(cx, v.id))
}

/// The HSMs of one Azure location, in design order.
pub(super) struct RegionHsms<'d> {
    /// The normalised location ("westeurope").
    pub location: String,
    /// The region element of the first HSM's VNet, for naming and highlighting.
    pub region: Id,
    pub hsms: Vec<&'d Hsm>,
}

/// The HSMs of one service (payment HSMs, or Dedicated HSMs when `payment` is false) grouped by
/// the Azure location of their VNet, groups in order of first appearance. HSMs whose subnet,
/// VNet or region cannot be found are left out. The services have their own HA rules: a Luna
/// HA group does not include payShields, nor the reverse.
pub(super) fn hsms_by_region<'d>(cx: &Context<'d>, payment: bool) -> Vec<RegionHsms<'d>> {
    let mut groups: Vec<RegionHsms<'d>> = Vec::new();
    for hsm in cx.design.hsms.iter().filter(|h| h.is_payment() == payment) {
        let Some(vnet) = cx.index().vnet_of_subnet(hsm.subnet) else {
            continue;
        };
        let Some(location) = cx.index().location(vnet) else {
            continue;
        };
        let location = location_key(location);
        match groups.iter_mut().find(|g| g.location == location) {
            Some(g) => g.hsms.push(hsm),
            None => groups.push(RegionHsms {
                location,
                region: vnet.region,
                hsms: vec![hsm],
            }),
        }
    }
    groups
}

/// The stamp of an HA partner: `stamp1` and `stamp2` swap; anything else gets `stamp1`.
pub(super) fn other_stamp(stamp: &str) -> &'static str {
    let [one, two] = HSM_STAMPS;
    if stamp_key(stamp) == one {
        two
    } else {
        one
    }
}

/// A stamp compared loosely ("Stamp1 " is "stamp1").
pub(super) fn stamp_key(stamp: &str) -> String {
    stamp.trim().to_ascii_lowercase()
}

/// The first `most` HSMs (in document order) whose VNet is in the component labelled `label`:
/// the HSMs a trace from that component may reach, sampled so that the rules tracing to them
/// stay linear in a design with thousands.
pub(super) fn hsms_in_component(
    cx: &Context,
    groups: &Components,
    label: Option<usize>,
    most: usize,
) -> Vec<Id> {
    cx.design
        .hsms
        .iter()
        .filter(|h| {
            cx.index()
                .vnet_of_subnet(h.subnet)
                .is_some_and(|v| groups.label(v.id) == label)
        })
        .map(|h| h.id)
        .take(most)
        .collect()
}
