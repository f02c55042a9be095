//! The hop-by-hop walk of one flow: out from the client to the destination, then the reply
//! back. Each step looks up the effective route where the packet is and does what the next hop
//! does: deliver in the VNet, cross a peering, pass a gateway and its connection, or go through
//! an appliance (Azure Firewall, an NVA, an internal load balancer in front of NVAs). Stateful
//! devices remember the flow and any address they translated, so the reply is checked against
//! them: it must come back through each of them.

use super::balancer::balance;
use super::endpoint::Place;
use super::firewall::{evaluate as firewall_rules, FirewallDecision};
use super::network::{Device, Network};
use super::nsg::{self, is_private, port_label, Flow};
use super::routes::{EffectiveRoute, NextHopType, RouteSource};
use super::{Hop, Leg, Packet};
use crate::addressing::first_usable;
use crate::azure::ports::{CLOUD_HSM_PORTS, LUNA_NTLS_PORT, PAYSHIELD_MANAGER_PORT, SSH_PORT};
use crate::model::{ConnectionKind, Direction, Id, Protocol};
use smallvec::SmallVec;
use std::net::Ipv4Addr;

/// Ports as words: `2224, 2225, 443 and 444`.
fn ports_list(ports: &[u16]) -> String {
    match ports.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => {
            let rest: Vec<String> = rest.iter().map(u16::to_string).collect();
            format!("{} and {last}", rest.join(", "))
        }
        None => String::new(),
    }
}

/// More steps than any sane path takes: beyond it the routes go round in a loop.
const MAX_STEPS: usize = 32;

/// An address translation done on the way out, undone by the reply.
struct Nat {
    device: Id,
    /// The address the device put as source; replies come back to it.
    address: Ipv4Addr,
    /// The packet as it reached the device.
    before: Packet,
    /// Where the device sent it on; a reply must come from there.
    after_dst: Ipv4Addr,
}

/// Where a step leaves the packet.
pub(super) enum Next {
    At(Place, Packet),
    Arrived { place: Place, packet: Packet },
    Dropped,
}

/// The backend a load balancer gave a flow.
struct Chosen<'d> {
    rule: &'d crate::model::LbRule,
    backend: Id,
    backend_ip: Ipv4Addr,
}

/// One flow's walk. `explain` off records no words, only the verdict: what rules use to count
/// reachable pairs quickly.
pub(crate) struct Walk<'n, 'd> {
    net: &'n Network<'d>,
    explain: bool,
    protocol: Protocol,
    /// The service port of the flow (replies come from it).
    port: u16,
    leg: Leg,
    pub hops: Vec<Hop>,
    pub steps: usize,
    pub dropped: Option<(usize, String)>,
    /// Where a proxy forwards the flow: the traced destination.
    target: Ipv4Addr,
    /// The client's own address, which an HSM's NTLS IP check expects.
    client: Ipv4Addr,
    // Inline for the usual few: a check walks thousands of flows.
    nats: SmallVec<[Nat; 2]>,
    out_stateful: SmallVec<[Id; 4]>,
    back_stateful: SmallVec<[Id; 4]>,
    /// The VNet slot a packet entered through a gateway (gateway transit needs no forwarding
    /// permission on the peering).
    from_gateway: Option<usize>,
    /// Which of the client's sessions this is: a load balancer gives session `k` to its `k`-th
    /// healthy backend (round the list).
    pub backend_offset: usize,
    /// The first load balancer passed: its id, its number of healthy backends and the one
    /// that took the flow.
    pub spread: Option<(Id, usize, Id)>,
    /// A device passed in a state that breaks what follows (an NVA that does not SNAT): the
    /// hop, the device and, when explaining, why; named as the cause when the flow is then
    /// dropped.
    pub cause: Option<(usize, Id, String)>,
}

impl<'n, 'd> Walk<'n, 'd> {
    pub fn new(
        net: &'n Network<'d>,
        explain: bool,
        protocol: Protocol,
        port: u16,
        client: Ipv4Addr,
        target: Ipv4Addr,
    ) -> Self {
        Walk {
            net,
            explain,
            protocol,
            port,
            leg: Leg::Out,
            hops: Vec::new(),
            steps: 0,
            dropped: None,
            target,
            client,
            nats: SmallVec::new(),
            out_stateful: SmallVec::new(),
            back_stateful: SmallVec::new(),
            from_gateway: None,
            backend_offset: 0,
            spread: None,
            cause: None,
        }
    }

    fn name(&self, id: Id) -> String {
        self.net.name(id)
    }

    /// An element's name, for the words of hops recorded outside the walk.
    pub(super) fn net_name(&self, id: Id) -> String {
        self.net.name(id)
    }

    pub(super) fn hop(
        &mut self,
        elements: &[Id],
        packet: Packet,
        decision: impl FnOnce(&Self) -> String,
        by: impl FnOnce(&Self) -> Option<String>,
    ) {
        self.steps += 1;
        if self.explain {
            let hop = Hop {
                leg: self.leg,
                elements: elements.to_vec(),
                packet,
                decision: decision(self),
                by: by(self),
            };
            self.hops.push(hop);
        }
    }

    pub(super) fn drop_at(
        &mut self,
        elements: &[Id],
        packet: Packet,
        reason: impl FnOnce(&Self) -> String,
        by: impl FnOnce(&Self) -> Option<String>,
    ) -> Next {
        let reason = if self.explain {
            reason(self)
        } else {
            String::new()
        };
        let text = reason.clone();
        self.hop(elements, packet, |_| format!("drops: {text}"), by);
        self.dropped = Some((self.steps.saturating_sub(1), reason));
        Next::Dropped
    }

    fn flow(&self, p: Packet) -> Flow {
        Flow {
            protocol: self.protocol,
            src: p.src,
            dst: p.dst,
            port: p.port,
        }
    }

    /// The elements naming a subnet: the subnet and its VNet (none when not explaining: only
    /// hops hold elements).
    fn subnet_elements(&self, subnet: Id) -> Vec<Id> {
        if !self.explain {
            return Vec::new();
        }
        let mut out = vec![subnet];
        out.extend(self.net.vnet_of_subnet(subnet).map(|v| v.id));
        out
    }

    /// A device or place holding an address, in words: `'nva-proxy-1'`.
    fn who(&self, ip: Ipv4Addr) -> String {
        match self.net.device_at(ip) {
            Some(
                Device::Hsm(id)
                | Device::Nva(id)
                | Device::LoadBalancer(id)
                | Device::Firewall(id)
                | Device::PrivateEndpoint(id),
            ) => self.name(id),
            None => match self.net.subnet_holding(ip) {
                Some((_, s)) => self.name(s),
                None => self.where_is(ip),
            },
        }
    }

    /// Checks a subnet's NSG on the first packet of a flow; `false` when it drops it.
    fn nsg_admits(&mut self, subnet: Id, direction: Direction, packet: Packet) -> bool {
        if self.leg == Leg::Back {
            return true;
        }
        let net = self.net;
        let Some(nsg) = net
            .subnet(subnet)
            .and_then(|(_, s)| s.nsg)
            .and_then(|n| net.nsg(n))
        else {
            return true;
        };
        let Some(routes) = net.routes_of_subnet(subnet) else {
            return true;
        };
        let d = nsg::evaluate(nsg, direction, &self.flow(packet), &routes);
        let way = match direction {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        };
        let mut elements = self.subnet_elements(subnet);
        if self.explain {
            elements.insert(0, nsg.id);
        }
        if d.allowed {
            self.hop(
                &elements,
                packet,
                |w| {
                    format!(
                        "NSG {} on {} allows it {way}",
                        w.name(nsg.id),
                        w.name(subnet)
                    )
                },
                |_| Some(d.describe()),
            );
            true
        } else {
            self.drop_at(
                &elements,
                packet,
                |w| {
                    format!(
                        "NSG {} on {} denies {} from {} to {} {way} by {}",
                        w.name(nsg.id),
                        w.name(subnet),
                        port_label(w.protocol, packet.port),
                        packet.src,
                        packet.dst,
                        d.describe()
                    )
                },
                |_| Some(d.describe()),
            );
            false
        }
    }

    /// The out leg from a place; the arrival, or `None` when dropped.
    pub fn out(&mut self, from: Place, element: Id, packet: Packet) -> Option<(Place, Packet)> {
        self.leg = Leg::Out;
        if let Place::Subnet(subnet) = from {
            if self.net.hsm(element).is_none()
                && !self.nsg_admits(subnet, Direction::Outbound, packet)
            {
                return None;
            }
        }
        self.run(from, packet)
    }

    /// The reply from where the request arrived, back to the client. `opened` is the address
    /// the client sent its request to, which the reply must come from.
    pub fn back(&mut self, from: Place, request: Packet, opened: Ipv4Addr, client: Place) -> bool {
        self.leg = Leg::Back;
        self.from_gateway = None;
        let reply = Packet {
            src: request.dst,
            dst: request.src,
            port: request.port,
        };
        let Some((place, packet)) = self.run(from, reply) else {
            return false;
        };
        let element = self.place_element(place);
        if !self.same_place(place, client) {
            let elements = match place {
                Place::Subnet(s) => self.subnet_elements(s),
                _ => vec![element],
            };
            self.drop_at(
                &elements,
                packet,
                |w| {
                    format!(
                        "the reply to {} reaches {} instead of the client: the address is in \
                         both, so their address spaces overlap",
                        packet.dst,
                        w.name(element)
                    )
                },
                |_| None,
            );
            return false;
        }
        if let Some(&missed) = self
            .out_stateful
            .iter()
            .find(|d| !self.back_stateful.contains(d))
        {
            self.drop_at(
                &[element, missed],
                packet,
                |w| {
                    format!(
                        "the reply bypasses {}, which carried the request: a stateful device \
                         that sees only one direction of a flow drops it (asymmetric routing)",
                        w.name(missed)
                    )
                },
                |_| None,
            );
            return false;
        }
        if packet.src != opened {
            self.drop_at(
                &[element],
                packet,
                |w| {
                    format!(
                        "the reply comes from {} ({}), but the client opened the session to {}, \
                         so it discards the reply",
                        packet.src,
                        w.who(packet.src),
                        opened
                    )
                },
                |_| None,
            );
            return false;
        }
        self.hop(
            &[element],
            packet,
            |w| format!("{} receives the reply", w.who(packet.dst)),
            |_| None,
        );
        true
    }

    /// Whether a reply arrived where the client is (a site's point-to-site client counts as
    /// the site, and the reverse).
    fn same_place(&self, arrived: Place, client: Place) -> bool {
        let site_of = |p: Place| match p {
            Place::Site(s) => Some(s),
            Place::PointToSite(c) => {
                self.net
                    .design
                    .connections
                    .iter()
                    .find_map(|k| match k.kind {
                        ConnectionKind::PointToSite { site, .. } if k.id == c => Some(site),
                        _ => None,
                    })
            }
            Place::Subnet(_) => None,
        };
        arrived == client || (site_of(arrived).is_some() && site_of(arrived) == site_of(client))
    }

    fn place_element(&self, place: Place) -> Id {
        match place {
            Place::Subnet(s) => s,
            Place::Site(s) => s,
            Place::PointToSite(c) => c,
        }
    }

    fn run(&mut self, mut place: Place, mut packet: Packet) -> Option<(Place, Packet)> {
        // Routing is decided by where a packet is and what it is: seeing both again is a loop,
        // found at once rather than after every step allowed.
        let mut seen = [(place, packet); MAX_STEPS];
        for step in 0..MAX_STEPS {
            if seen[..step].contains(&(place, packet)) {
                let element = self.place_element(place);
                self.drop_at(
                    &[element],
                    packet,
                    |w| {
                        format!(
                            "routing loop: the packet to {} comes back to {} unchanged",
                            packet.dst,
                            w.name(element)
                        )
                    },
                    |_| None,
                );
                return None;
            }
            seen[step] = (place, packet);
            let next = match place {
                Place::Site(site) => self.step_from_site(site, false, packet),
                Place::PointToSite(connection) => {
                    let site = self.net.connection(connection).and_then(|c| match c.kind {
                        ConnectionKind::PointToSite { site, .. } => Some(site),
                        _ => None,
                    });
                    match site {
                        Some(site) => self.step_from_site(site, true, packet),
                        None => self.drop_at(
                            &[connection],
                            packet,
                            |_| "the point-to-site connection has no site".into(),
                            |_| None,
                        ),
                    }
                }
                Place::Subnet(subnet) => self.step_from_subnet(subnet, packet),
            };
            match next {
                Next::At(p, k) => {
                    place = p;
                    packet = k;
                }
                Next::Arrived { place, packet } => return Some((place, packet)),
                Next::Dropped => return None,
            }
        }
        let element = self.place_element(place);
        self.drop_at(
            &[element],
            packet,
            |_| format!("routing loop: the packet still has not arrived after {MAX_STEPS} steps"),
            |_| None,
        );
        None
    }

    /// On premises: the site's links into Azure.
    fn step_from_site(&mut self, site: Id, point_to_site: bool, packet: Packet) -> Next {
        let net = self.net;
        let route = net.site_route(site, point_to_site, packet.dst);
        let Some(route) = route else {
            return self.drop_at(
                &[site],
                packet,
                |w| {
                    format!(
                        "{} → {}: no route; {}",
                        w.name(site),
                        w.where_is(packet.dst),
                        w.why_no_route_from_site(site, point_to_site, packet.dst)
                    )
                },
                |_| None,
            );
        };
        let Some(connection) = route.via else {
            return Next::Dropped;
        };
        let Some(c) = net.connection(connection) else {
            return Next::Dropped;
        };
        let gateway = c.kind.gateways()[0];
        let Some(g) = net.gateway(gateway) else {
            return Next::Dropped;
        };
        let mut elements = vec![site, connection];
        if let ConnectionKind::ExpressRoute { circuit, .. } = c.kind {
            elements.push(circuit);
        }
        elements.push(gateway);
        let label = c.kind.label();
        self.hop(
            &elements,
            packet,
            |w| {
                format!(
                    "{} sends it over {label} {} to gateway {}",
                    w.name(site),
                    w.name(connection),
                    w.name(gateway)
                )
            },
            |_| Some(route.summary()),
        );
        self.from_gateway = net.slot_of_subnet(g.subnet);
        Next::At(Place::Subnet(g.subnet), packet)
    }

    /// In a VNet: the effective route of the subnet the packet is in.
    fn step_from_subnet(&mut self, subnet: Id, packet: Packet) -> Next {
        let net = self.net;
        let (Some(slot), Some(routes)) = (net.slot_of_subnet(subnet), net.routes_of_subnet(subnet))
        else {
            return Next::Dropped;
        };
        let Some(route) = routes.lookup(packet.dst) else {
            return Next::Dropped;
        };
        let mut elements = self.subnet_elements(subnet);
        // Only hops hold elements: nothing to gather when not explaining.
        if self.explain && route.source == RouteSource::User {
            elements.extend(route.via);
        }
        match route.next_hop_type {
            NextHopType::None | NextHopType::Internet => {
                let vnet = net.vnet_at(slot).id;
                self.drop_at(
                    &elements,
                    packet,
                    |w| {
                        format!(
                            "{} → {}: no route; {}",
                            w.name(vnet),
                            w.where_is(packet.dst),
                            w.why_no_route(slot, subnet, route, packet.dst)
                        )
                    },
                    |_| Some(route.summary()),
                )
            }
            NextHopType::VnetLocal => {
                self.route_hop(&elements, packet, route);
                self.arrive(slot, packet)
            }
            NextHopType::VNetPeering => {
                self.route_hop(&elements, packet, route);
                let peering = route.via.and_then(|p| net.peering_slot(p));
                let Some(peering) = peering else {
                    return Next::Dropped;
                };
                match self.cross(slot, peering, packet) {
                    Some(to) => self.arrive(to, packet),
                    None => Next::Dropped,
                }
            }
            NextHopType::VirtualNetworkGateway => {
                self.route_hop(&elements, packet, route);
                self.through_gateway(slot, route, packet)
            }
            NextHopType::VirtualAppliance => {
                self.route_hop(&elements, packet, route);
                self.through_appliance(slot, &elements, route, packet)
            }
        }
    }

    fn route_hop(&mut self, elements: &[Id], packet: Packet, route: &EffectiveRoute) {
        self.hop(
            elements,
            packet,
            |w| {
                let at = w.name(elements[0]);
                let to = match route.next_hop_type {
                    NextHopType::VnetLocal => "within the VNet".to_string(),
                    NextHopType::VNetPeering => format!(
                        "over peering {}",
                        route.via.map(|p| w.name(p)).unwrap_or_default()
                    ),
                    NextHopType::VirtualNetworkGateway => "to the VNet gateway".to_string(),
                    NextHopType::VirtualAppliance => format!(
                        "to the appliance at {}",
                        route
                            .next_hop_ip
                            .map(|ip| ip.to_string())
                            .unwrap_or_default()
                    ),
                    NextHopType::Internet | NextHopType::None => String::new(),
                };
                format!("{at} routes {} {to}", packet.dst)
            },
            |_| Some(route.summary()),
        );
    }

    /// Crosses peering `k` from VNet `from`; the VNet reached, or `None` when dropped.
    fn cross(&mut self, from: usize, k: usize, packet: Packet) -> Option<usize> {
        let net = self.net;
        let p = net.peering(k);
        let (a, b) = (
            net.vnet_at(from),
            net.slot(p.other_end(net.vnet_at(from).id)?)?,
        );
        let far = net.vnet_at(b);
        let (here, there) = (net.location(from), net.location(b));
        let (near_nics, far_nics) = (net.hsm_nics(from), net.hsm_nics(b));
        if (near_nics.any || far_nics.any) && !here.is_empty() && !there.is_empty() && here != there
        {
            let payment = near_nics.payment || far_nics.payment;
            self.drop_at(
                &[p.id, a.id, far.id],
                packet,
                |w| {
                    let why = if payment {
                        "Payment HSM does not support cross-region (global) VNet peering, so \
                         nothing crosses it to or from the payment HSM's VNet (reach another \
                         region over ExpressRoute or a VPN gateway)"
                    } else {
                        "Dedicated HSM does not support global VNet peering, so nothing \
                         crosses it to or from the HSM VNet (use a VNet-to-VNet VPN between \
                         regions)"
                    };
                    format!(
                        "{} → {}: peering {} joins {here} and {there}; {why}",
                        w.name(a.id),
                        w.name(far.id),
                        w.name(p.id)
                    )
                },
                |_| None,
            );
            return None;
        }
        if !here.is_empty() && !there.is_empty() && here != there {
            if let Some(lb) = self.basic_balancer_in(b, packet.dst) {
                self.drop_at(
                    &[p.id, lb, far.id],
                    packet,
                    |w| {
                        format!(
                            "{} → {}: {} is a Basic internal load balancer, and its frontend is \
                             not reachable over global VNet peering ({here} to {there}); only a \
                             Standard load balancer is",
                            w.name(a.id),
                            w.name(far.id),
                            w.name(lb)
                        )
                    },
                    |_| None,
                );
                return None;
            }
        }
        let own = a.address_space.iter().any(|s| s.contains(&packet.src));
        let forwarded_allowed = p.side_on(far.id).is_none_or(|s| s.allow_forwarded_traffic);
        if !own && self.from_gateway != Some(from) && !forwarded_allowed {
            self.drop_at(
                &[p.id, far.id],
                packet,
                |w| {
                    format!(
                        "{} → {}: the side of peering {} on {} does not allow forwarded traffic, \
                         and {} does not originate in {}",
                        w.name(a.id),
                        w.name(far.id),
                        w.name(p.id),
                        w.name(far.id),
                        packet.src,
                        w.name(a.id)
                    )
                },
                |_| None,
            );
            return None;
        }
        self.hop(
            &[p.id, far.id],
            packet,
            |w| {
                format!(
                    "crosses peering {} from {} to {}",
                    w.name(p.id),
                    w.name(a.id),
                    w.name(far.id)
                )
            },
            |_| None,
        );
        Some(b)
    }

    /// The Basic-SKU load balancer in VNet `slot` whose frontend is `ip`, if any.
    fn basic_balancer_in(&self, slot: usize, ip: Ipv4Addr) -> Option<Id> {
        let net = self.net;
        let Some(Device::LoadBalancer(id)) = net.device_at(ip) else {
            return None;
        };
        let lb = net.load_balancer(id)?;
        (lb.sku.eq_ignore_ascii_case("Basic") && net.slot_of_subnet(lb.subnet) == Some(slot))
            .then_some(id)
    }

    /// The peering joining two VNets, if any.
    fn peering_between(&self, a: usize, b: usize) -> Option<usize> {
        self.net.peering_between(a, b)
    }

    fn through_gateway(&mut self, slot: usize, route: &EffectiveRoute, packet: Packet) -> Next {
        let net = self.net;
        // A learned route names its gateway; a user route to the gateway takes the first
        // gateway this VNet uses that knows the destination.
        let gateway = match (route.source, route.via) {
            (RouteSource::Gateway, Some(g)) => Some(g),
            _ => net
                .gateway_vnets(slot)
                .into_iter()
                .flat_map(|(s, _)| net.gateways(s).iter().copied())
                .find(|g| net.connection_for(*g, packet.dst).is_some()),
        };
        let Some(gateway) = gateway else {
            let vnet = net.vnet_at(slot).id;
            return self.drop_at(
                &[vnet],
                packet,
                |w| {
                    format!(
                        "{} sends {} to a VNet gateway, but no gateway it uses has a connection \
                         leading there",
                        w.name(vnet),
                        packet.dst
                    )
                },
                |_| Some(route.summary()),
            );
        };
        let Some(g) = net.gateway(gateway) else {
            return Next::Dropped;
        };
        let Some(gw_slot) = net.slot_of_subnet(g.subnet) else {
            return Next::Dropped;
        };
        if gw_slot != slot {
            // Gateway transit: over the peering to the VNet whose gateway this is.
            let Some(k) = self.peering_between(slot, gw_slot) else {
                return Next::Dropped;
            };
            if self.cross(slot, k, packet).is_none() {
                return Next::Dropped;
            }
        }
        let Some(connection) = net.connection_for(gateway, packet.dst) else {
            return self.drop_at(
                &[gateway],
                packet,
                |w| {
                    format!(
                        "gateway {} has no connection leading to {}",
                        w.name(gateway),
                        packet.dst
                    )
                },
                |_| None,
            );
        };
        let Some(c) = net.connection(connection) else {
            return Next::Dropped;
        };
        match c.kind {
            ConnectionKind::VnetToVnet { a, b } => {
                let far = if a == gateway { b } else { a };
                let Some(fg) = net.gateway(far) else {
                    return Next::Dropped;
                };
                self.hop(
                    &[gateway, connection, far],
                    packet,
                    |w| {
                        format!(
                            "gateway {} sends it over VNet-to-VNet VPN {} to gateway {}",
                            w.name(gateway),
                            w.name(connection),
                            w.name(far)
                        )
                    },
                    |_| None,
                );
                self.from_gateway = net.slot_of_subnet(fg.subnet);
                Next::At(Place::Subnet(fg.subnet), packet)
            }
            ConnectionKind::SiteToSite { site, .. } => {
                self.hand_to_site(gateway, connection, site, Place::Site(site), packet)
            }
            ConnectionKind::ExpressRoute { circuit, .. } => {
                match net.index().circuit(circuit).map(|c| c.site) {
                    Some(site) => {
                        self.hand_to_site(gateway, connection, site, Place::Site(site), packet)
                    }
                    None => Next::Dropped,
                }
            }
            ConnectionKind::PointToSite { site, .. } => self.hand_to_site(
                gateway,
                connection,
                site,
                Place::PointToSite(connection),
                packet,
            ),
        }
    }

    fn hand_to_site(
        &mut self,
        gateway: Id,
        connection: Id,
        site: Id,
        place: Place,
        packet: Packet,
    ) -> Next {
        let label = self
            .net
            .design
            .connections
            .iter()
            .find(|c| c.id == connection)
            .map(|c| c.kind.label())
            .unwrap_or("connection");
        self.hop(
            &[gateway, connection, site],
            packet,
            |w| {
                format!(
                    "gateway {} sends it over {label} {} to {}",
                    w.name(gateway),
                    w.name(connection),
                    w.name(site)
                )
            },
            |_| None,
        );
        Next::Arrived { place, packet }
    }

    fn through_appliance(
        &mut self,
        slot: usize,
        elements: &[Id],
        route: &EffectiveRoute,
        packet: Packet,
    ) -> Next {
        let net = self.net;
        let Some(ip) = route.next_hop_ip else {
            return self.drop_at(
                elements,
                packet,
                |_| "the route to a virtual appliance has no next hop address".into(),
                |_| Some(route.summary()),
            );
        };
        let device = net.device_at(ip);
        let subnet = match device {
            Some(Device::Firewall(id)) => net.firewall(id).map(|f| f.subnet),
            Some(Device::Nva(id)) => net.nva(id).map(|n| n.subnet),
            Some(Device::LoadBalancer(id)) => net.load_balancer(id).map(|l| l.subnet),
            _ => None,
        };
        let Some(device_subnet) = subnet else {
            return self.drop_at(
                elements,
                packet,
                |w| {
                    format!(
                        "the route sends {} to {ip}, but no firewall, NVA or load balancer \
                         answers there{}",
                        packet.dst,
                        match net.subnet_holding(ip) {
                            Some((_, s)) => format!(" (it is an address of {})", w.name(s)),
                            None => String::new(),
                        }
                    )
                },
                |_| Some(route.summary()),
            );
        };
        let Some(device_slot) = net.slot_of_subnet(device_subnet) else {
            return Next::Dropped;
        };
        if device_slot != slot {
            let Some(k) = self.peering_between(slot, device_slot) else {
                let (here, there) = (net.vnet_at(slot).id, net.vnet_at(device_slot).id);
                return self.drop_at(
                    elements,
                    packet,
                    |w| {
                        format!(
                            "the next hop {ip} is in {}, which {} is not peered with, so the \
                             appliance cannot be reached",
                            w.name(there),
                            w.name(here)
                        )
                    },
                    |_| Some(route.summary()),
                );
            };
            if self.cross(slot, k, packet).is_none() {
                return Next::Dropped;
            }
        }
        match device {
            Some(Device::Firewall(id)) => self.firewall(id, device_subnet, packet),
            Some(Device::Nva(id)) => self.nva(id, packet, None),
            Some(Device::LoadBalancer(id)) => self.balanced(id, packet, false),
            _ => Next::Dropped,
        }
    }

    fn firewall(&mut self, id: Id, subnet: Id, packet: Packet) -> Next {
        let net = self.net;
        let Some(fw) = net.firewall(id) else {
            return Next::Dropped;
        };
        self.from_gateway = None;
        if self.leg == Leg::Back {
            if !self.out_stateful.contains(&id) {
                return self.drop_at(
                    &[id],
                    packet,
                    |w| {
                        format!(
                            "{} receives a reply of a flow whose request it never saw, and the \
                             stateful firewall drops it (asymmetric routing)",
                            w.name(id)
                        )
                    },
                    |_| None,
                );
            }
            self.back_stateful.push(id);
            self.hop(
                &[id],
                packet,
                |w| format!("{} passes the reply of a flow it knows", w.name(id)),
                |_| None,
            );
            return Next::At(Place::Subnet(subnet), packet);
        }
        match firewall_rules(fw, &self.flow(packet)) {
            FirewallDecision::Allowed(rule) => {
                let own = net
                    .subnet(subnet)
                    .map(|(_, s)| first_usable(&s.prefix))
                    .unwrap_or(packet.src);
                let snat = fw.always_snat || !is_private(packet.dst);
                let mut after = packet;
                if snat {
                    after.src = own;
                    self.nats.push(Nat {
                        device: id,
                        address: own,
                        before: packet,
                        after_dst: after.dst,
                    });
                }
                self.out_stateful.push(id);
                self.hop(
                    &[id],
                    packet,
                    |w| {
                        let mut s = format!(
                            "{} allows {} from {} to {}",
                            w.name(id),
                            port_label(w.protocol, packet.port),
                            packet.src,
                            packet.dst
                        );
                        if snat {
                            s.push_str(&format!(" and SNATs it to {own}"));
                        }
                        s
                    },
                    |_| Some(format!("network rule '{}'", rule.name)),
                );
                Next::At(Place::Subnet(subnet), after)
            }
            FirewallDecision::Denied(rule) => self.drop_at(
                &[id],
                packet,
                |w| {
                    format!(
                        "{} denies {} from {} to {} by network rule '{}'",
                        w.name(id),
                        port_label(w.protocol, packet.port),
                        packet.src,
                        packet.dst,
                        rule.name
                    )
                },
                |_| Some(format!("network rule '{}'", rule.name)),
            ),
            FirewallDecision::NoRule { near } => self.drop_at(
                &[id],
                packet,
                |w| {
                    let mut s = format!(
                        "{} has no network rule allowing {} from {} to {}, and Azure Firewall \
                         denies what no rule allows",
                        w.name(id),
                        port_label(w.protocol, packet.port),
                        packet.src,
                        packet.dst
                    );
                    if let Some(r) = near {
                        let ports: Vec<String> = r.ports.iter().map(|p| p.to_string()).collect();
                        s.push_str(&format!(
                            " (rule '{}' names this source and destination, but for {} {} {})",
                            r.name,
                            nsg::protocol_name(r.protocol),
                            if ports.len() == 1 { "port" } else { "ports" },
                            ports.join(", ")
                        ));
                    }
                    s
                },
                |_| Some("default deny".into()),
            ),
        }
    }

    /// An NVA taking a packet: as a router (a route names it as next hop) or, with
    /// `proxy_to`, as the proxy behind a load balancer, which forwards to the traced
    /// destination.
    fn nva(&mut self, id: Id, packet: Packet, proxy_to: Option<Ipv4Addr>) -> Next {
        let net = self.net;
        let (Some(nva), Some(own)) = (net.nva(id), net.nva_address(id)) else {
            return Next::Dropped;
        };
        self.from_gateway = None;
        if self.leg == Leg::Back {
            if !self.out_stateful.contains(&id) {
                return self.drop_at(
                    &[id],
                    packet,
                    |w| {
                        format!(
                            "{} receives a reply of a flow whose request it never saw, and drops \
                             it (asymmetric routing)",
                            w.name(id)
                        )
                    },
                    |_| None,
                );
            }
            if !nva.ip_forwarding {
                return self.no_forwarding(id, packet);
            }
            self.back_stateful.push(id);
            self.hop(
                &[id],
                packet,
                |w| format!("{} forwards the reply of a flow it knows", w.name(id)),
                |_| None,
            );
            return Next::At(Place::Subnet(nva.subnet), packet);
        }
        let arriving = Packet {
            dst: if proxy_to.is_some() { own } else { packet.dst },
            ..packet
        };
        if !self.nsg_admits(nva.subnet, Direction::Inbound, arriving) {
            return Next::Dropped;
        }
        if !nva.ip_forwarding {
            return self.no_forwarding(id, packet);
        }
        let mut after = Packet {
            dst: proxy_to.unwrap_or(packet.dst),
            port: if proxy_to.is_some() {
                self.port
            } else {
                packet.port
            },
            ..packet
        };
        if nva.snat {
            after.src = own;
            self.nats.push(Nat {
                device: id,
                address: own,
                before: packet,
                after_dst: after.dst,
            });
        } else if self.cause.is_none() {
            let why = if self.explain {
                format!(
                    "{} does not SNAT (its SNAT setting is off), so the packet it sends on keeps \
                     the source address {}, and the reply is routed to that address, not back \
                     through it",
                    self.name(id),
                    packet.src
                )
            } else {
                String::new()
            };
            self.cause = Some((self.steps, id, why));
        }
        self.out_stateful.push(id);
        self.hop(
            &[id],
            arriving,
            |w| {
                let mut s = match proxy_to {
                    Some(t) => format!("{} proxies the session to {t}", w.name(id)),
                    None => format!("{} forwards it to {}", w.name(id), after.dst),
                };
                if nva.snat {
                    s.push_str(&format!(", SNAT to its own address {own}"));
                } else {
                    s.push_str(", keeping the client's source address (no SNAT)");
                }
                s
            },
            |_| None,
        );
        if !self.nsg_admits(nva.subnet, Direction::Outbound, after) {
            return Next::Dropped;
        }
        Next::At(Place::Subnet(nva.subnet), after)
    }

    /// A reply reaching a stateful device from an address its flow did not go to.
    fn unknown_reply(&mut self, id: Id, packet: Packet, expected: Ipv4Addr) -> Next {
        let position = self.out_stateful.iter().position(|d| *d == id);
        let skipped: Vec<Id> = position
            .map(|p| {
                self.out_stateful[p + 1..]
                    .iter()
                    .filter(|d| !self.back_stateful.contains(d))
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        let mut elements = vec![id];
        elements.extend(skipped.iter().copied());
        self.drop_at(
            &elements,
            packet,
            |w| {
                let mut s = format!(
                    "{} gets a reply from {}, but the flow it passed went to {}",
                    w.name(id),
                    packet.src,
                    expected
                );
                if !skipped.is_empty() {
                    let names: Vec<String> = skipped.iter().map(|d| w.name(*d)).collect();
                    s.push_str(&format!(
                        ": the reply bypassed {} on the way back",
                        names.join(" and ")
                    ));
                }
                s.push_str(", so the stateful device drops it (asymmetric routing)");
                s
            },
            |_| None,
        )
    }

    fn no_forwarding(&mut self, id: Id, packet: Packet) -> Next {
        self.drop_at(
            &[id],
            packet,
            |w| {
                format!(
                    "{} has IP forwarding off on its NIC, so Azure drops the traffic it passes \
                     on towards {}",
                    w.name(id),
                    packet.dst
                )
            },
            |_| None,
        )
    }

    /// A load balancer frontend taking a flow. `addressed` says the flow was sent to the
    /// frontend itself (the NVAs then proxy it on); otherwise a route named the frontend as
    /// next hop and the backend forwards the packet unchanged.
    fn balanced(&mut self, id: Id, packet: Packet, addressed: bool) -> Next {
        let net = self.net;
        let Some(lb) = net.load_balancer(id) else {
            return Next::Dropped;
        };
        match balance(net, lb, self.protocol, packet.port) {
            Err(reason) => self.drop_at(&[id], packet, |_| reason, |_| None),
            Ok(b) => {
                let count = b.healthy.len();
                // Azure spreads sessions over the healthy backends by a hash of each flow; a
                // trace follows one session, the first to the first backend, the next to the
                // next (see `backend_offset`).
                let (backend, backend_ip) = b.healthy[self.backend_offset % count];
                self.spread.get_or_insert((id, count, backend));
                let b = Chosen {
                    rule: b.rule,
                    backend,
                    backend_ip,
                };
                self.hop(
                    &[id, b.backend],
                    packet,
                    |w| {
                        format!(
                            "{} balances {} to backend {} ({})",
                            w.name(id),
                            port_label(w.protocol, packet.port),
                            w.name(b.backend),
                            b.backend_ip
                        )
                    },
                    |_| Some(format!("load-balancing rule '{}'", b.rule.name)),
                );
                let at_backend = Packet {
                    port: b.rule.backend_port,
                    ..packet
                };
                if addressed && self.target == packet.dst {
                    // The frontend itself was traced: the backend answering is the arrival.
                    let Some(nva) = net.nva(b.backend) else {
                        return Next::Dropped;
                    };
                    let arrived = Packet {
                        dst: b.backend_ip,
                        ..at_backend
                    };
                    if !self.nsg_admits(nva.subnet, Direction::Inbound, arrived) {
                        return Next::Dropped;
                    }
                    // The reply leaves from the frontend address the client opened.
                    return Next::Arrived {
                        place: Place::Subnet(nva.subnet),
                        packet: at_backend,
                    };
                }
                let proxy_to = addressed.then_some(self.target);
                self.nva(b.backend, at_backend, proxy_to)
            }
        }
    }

    /// The packet reached the VNet holding its destination.
    fn arrive(&mut self, slot: usize, packet: Packet) -> Next {
        let net = self.net;
        match (net.device_at(packet.dst), self.leg) {
            (Some(Device::LoadBalancer(id)), Leg::Out) => return self.balanced(id, packet, true),
            (Some(Device::Firewall(id) | Device::Nva(id)), Leg::Back) => {
                if let Some(n) = self
                    .nats
                    .iter()
                    .rposition(|n| n.device == id && n.address == packet.dst)
                {
                    let (before, expected) = (self.nats[n].before, self.nats[n].after_dst);
                    if packet.src != expected {
                        return self.unknown_reply(id, packet, expected);
                    }
                    let subnet = net
                        .firewall(id)
                        .map(|f| f.subnet)
                        .or_else(|| net.nva(id).map(|v| v.subnet));
                    let Some(subnet) = subnet else {
                        return Next::Dropped;
                    };
                    let restored = Packet {
                        src: before.dst,
                        dst: before.src,
                        port: packet.port,
                    };
                    self.back_stateful.push(id);
                    self.from_gateway = None;
                    self.hop(
                        &[id],
                        packet,
                        |w| {
                            format!(
                                "{} undoes its SNAT and sends the reply on to {} from {}",
                                w.name(id),
                                restored.dst,
                                restored.src
                            )
                        },
                        |_| None,
                    );
                    return Next::At(Place::Subnet(subnet), restored);
                }
            }
            _ => {}
        }
        let Some(subnet) = net.subnet_in(slot, packet.dst) else {
            let vnet = net.vnet_at(slot).id;
            return self.drop_at(
                &[vnet],
                packet,
                |w| {
                    format!(
                        "{} is in the address space of {} but in none of its subnets",
                        packet.dst,
                        w.name(vnet)
                    )
                },
                |_| None,
            );
        };
        if !self.nsg_admits(subnet, Direction::Inbound, packet) {
            return Next::Dropped;
        }
        match (net.device_at(packet.dst), self.leg) {
            (Some(Device::Hsm(hsm)), Leg::Out) if !self.hsm_accepts(hsm, packet) => {
                return Next::Dropped;
            }
            (Some(Device::PrivateEndpoint(e)), Leg::Out) if !self.endpoint_accepts(e, packet) => {
                return Next::Dropped;
            }
            _ => {}
        }
        Next::Arrived {
            place: Place::Subnet(subnet),
            packet,
        }
    }

    /// The HSM's own checks: a Luna HSM listens for NTLS and SSH only, and with NTLS client IP
    /// checking on it accepts a client only from the client's own address; a payShield takes
    /// host commands on its host port at its host addresses and serves payShield Manager
    /// (HTTPS) at its management address.
    fn hsm_accepts(&mut self, id: Id, packet: Packet) -> bool {
        let Some(hsm) = self.net.hsm(id) else {
            return false;
        };
        let tcp = self.protocol != Protocol::Udp && self.protocol != Protocol::Icmp;
        let management = self.net.management_address(id) == Some(packet.dst);
        let (listens, listening) = match (hsm.is_payment(), management) {
            (true, true) => (
                packet.port == PAYSHIELD_MANAGER_PORT,
                format!("its management address serves payShield Manager on TCP {PAYSHIELD_MANAGER_PORT} only"),
            ),
            (true, false) => (
                packet.port == hsm.host_port,
                format!("its host address takes host commands on TCP {} only", hsm.host_port),
            ),
            (false, _) => (
                packet.port == LUNA_NTLS_PORT || packet.port == SSH_PORT,
                "Luna NTLS listens on TCP 1792, SSH on TCP 22".to_string(),
            ),
        };
        if !(tcp && listens) {
            self.drop_at(
                &[id],
                packet,
                |w| {
                    format!(
                        "{} does not listen on {} at {}: {listening}",
                        w.name(id),
                        port_label(w.protocol, packet.port),
                        packet.dst
                    )
                },
                |_| None,
            );
            return false;
        }
        if !hsm.is_payment()
            && packet.port == LUNA_NTLS_PORT
            && hsm.ntls_ip_check
            && packet.src != self.client
        {
            self.drop_at(
                &[id],
                packet,
                |w| {
                    format!(
                        "{} has NTLS client IP checking on and sees the session come from {} \
                         ({}, after SNAT) instead of the client's own address {}, so it refuses \
                         the client; disable the check (`ntls ipcheck disable`) behind an SNAT \
                         proxy",
                        w.name(id),
                        packet.src,
                        w.who(packet.src),
                        w.client
                    )
                },
                |_| Some("ntls ipcheck".into()),
            );
            return false;
        }
        self.hop(
            &[id],
            packet,
            |w| {
                if packet.port == LUNA_NTLS_PORT {
                    format!(
                        "{} accepts the NTLS session from {}",
                        w.name(id),
                        packet.src
                    )
                } else {
                    format!("{} accepts the session from {}", w.name(id), packet.src)
                }
            },
            |_| None,
        );
        true
    }

    /// A Cloud HSM private endpoint passes TCP sessions on the ports the service uses to its
    /// cluster over Private Link; the trace ends there (the cluster's nodes are Azure's).
    fn endpoint_accepts(&mut self, id: Id, packet: Packet) -> bool {
        let Some(endpoint) = self.net.design.private_endpoint(id) else {
            return false;
        };
        let target = endpoint.target;
        let serves = self.protocol == Protocol::Tcp && CLOUD_HSM_PORTS.contains(&packet.port);
        if !serves {
            self.drop_at(
                &[id],
                packet,
                |w| {
                    format!(
                        "{} (to Cloud HSM cluster {}) serves only TCP {}, not {}",
                        w.name(id),
                        w.name(target),
                        ports_list(&CLOUD_HSM_PORTS),
                        port_label(w.protocol, packet.port)
                    )
                },
                |_| None,
            );
            return false;
        }
        self.hop(
            &[id, target],
            packet,
            |w| {
                format!(
                    "{} passes the session from {} to Cloud HSM cluster {} over Private Link",
                    w.name(id),
                    packet.src,
                    w.name(target)
                )
            },
            |_| None,
        );
        true
    }

    // ---- explanations of a missing route ----

    /// What holds an address, in words: `'hsm-vnet'`, `'onprem-dc'`, or the address.
    fn where_is(&self, ip: Ipv4Addr) -> String {
        let net = self.net;
        if let Some(slot) = net.vnet_holding(ip) {
            return self.name(net.vnet_at(slot).id);
        }
        if let Some(site) = net
            .design
            .sites
            .iter()
            .find(|s| s.prefixes.iter().any(|p| p.contains(&ip)))
        {
            return self.name(site.id);
        }
        ip.to_string()
    }

    fn why_no_route(
        &self,
        slot: usize,
        subnet: Id,
        route: &EffectiveRoute,
        ip: Ipv4Addr,
    ) -> String {
        let net = self.net;
        let here = net.vnet_at(slot);
        let mut why = if route.source == RouteSource::User {
            format!(
                "route '{}' sends {} to next hop {}",
                route.name.as_deref().unwrap_or(""),
                route.prefix,
                route.next_hop_type
            )
        } else if let Some(there) = net.vnet_holding(ip) {
            let far = net.vnet_at(there);
            let middle = net
                .peers(slot)
                .iter()
                .find_map(|&(_, x)| net.peers(x).iter().any(|&(_, y)| y == there).then_some(x));
            match middle {
                Some(x) => format!(
                    "{} is peered with {}, which is peered with {}, but peering is not \
                     transitive and no route sends {}'s traffic on through an appliance in {}",
                    self.name(here.id),
                    self.name(net.vnet_at(x).id),
                    self.name(far.id),
                    self.name(here.id),
                    self.name(net.vnet_at(x).id)
                ),
                None => format!(
                    "{} is neither peered with {} nor joined to it by a gateway",
                    self.name(here.id),
                    self.name(far.id)
                ),
            }
        } else if let Some(site) = net
            .design
            .sites
            .iter()
            .find(|s| s.prefixes.iter().any(|p| p.contains(&ip)))
        {
            if net.gateway_vnets(slot).is_empty() {
                format!(
                    "{} has no gateway and uses no peer's gateway, so it learns no route to {}",
                    self.name(here.id),
                    self.name(site.id)
                )
            } else {
                format!(
                    "no gateway {} uses has a connection to {}",
                    self.name(here.id),
                    self.name(site.id)
                )
            }
        } else {
            format!("nothing in the design holds {ip}")
        };
        let hsm_subnet = net
            .subnet(subnet)
            .is_some_and(|(_, s)| s.is_hsm_delegated());
        if self.leg == Leg::Back && hsm_subnet {
            why.push_str(
                "; the HSM subnet cannot carry a route table, so the reply follows system \
                 routes, and only SNAT at a proxy in a peered VNet brings it back",
            );
        }
        why
    }

    fn why_no_route_from_site(&self, site: Id, point_to_site: bool, ip: Ipv4Addr) -> String {
        let net = self.net;
        let links: Vec<&crate::model::Connection> = net
            .design
            .connections
            .iter()
            .filter(|c| match c.kind {
                ConnectionKind::SiteToSite { site: s, .. } => s == site && !point_to_site,
                ConnectionKind::PointToSite { site: s, .. } => s == site && point_to_site,
                ConnectionKind::ExpressRoute { circuit, .. } => {
                    !point_to_site && net.index().circuit(circuit).is_some_and(|c| c.site == site)
                }
                _ => false,
            })
            .collect();
        if links.is_empty() {
            return format!(
                "{} has no VPN or ExpressRoute connection to Azure",
                self.name(site)
            );
        }
        let dead: Vec<String> = links
            .iter()
            .filter_map(|c| match c.kind {
                ConnectionKind::ExpressRoute { circuit, .. } => net
                    .design
                    .circuit(circuit)
                    .filter(|cir| cir.private_peering.is_none())
                    .map(|_| {
                        format!(
                            "ExpressRoute circuit {} has no private peering, so {} carries nothing",
                            self.name(circuit),
                            self.name(c.id)
                        )
                    }),
                _ => None,
            })
            .collect();
        if !dead.is_empty() && dead.len() == links.len() {
            return dead.join("; ");
        }
        let names: Vec<String> = links.iter().map(|c| self.name(c.id)).collect();
        format!(
            "the gateways that {} lands on do not announce {}: it is neither their VNet nor a \
             peer using their gateway",
            names.join(", "),
            ip
        )
    }
}
