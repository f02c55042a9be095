//! The internal load balancer in front of the proxy tier: a rule for the port, a health probe
//! the backends' NSG lets in, and a backend to hand the flow to.

use super::network::Network;
use super::nsg::{self, Flow};
use crate::azure::addresses::PROBE_SOURCE;
use crate::model::{Direction, Id, LbRule, LoadBalancer, Protocol};
use std::net::Ipv4Addr;
use std::rc::Rc;

/// Where a load balancer may send a flow: any of its healthy backends (Azure spreads
/// sessions over them by a hash of the flow).
pub struct Balanced<'d> {
    pub rule: &'d LbRule,
    /// The healthy backends and their addresses, in the order of the load balancer's pool.
    pub healthy: Rc<[(Id, Ipv4Addr)]>,
}

/// A load-balancing rule's healthy backends and their addresses, or why none is healthy.
pub(crate) type Healthy = Result<Rc<[(Id, Ipv4Addr)]>, String>;

/// Picks the rule for `protocol`/`port` and the backends whose health probe their subnet's
/// NSG admits; the error says, in words, why none can take the flow.
pub fn balance<'d>(
    net: &Network<'d>,
    lb: &'d LoadBalancer,
    protocol: Protocol,
    port: u16,
) -> Result<Balanced<'d>, String> {
    let Some((k, rule)) = lb.rules.iter().enumerate().find(|(_, r)| {
        r.frontend_port == port && (r.protocol == Protocol::Any || r.protocol == protocol)
    }) else {
        return Err(format!(
            "{} has no load-balancing rule for {}, so it forwards nothing on that port",
            net.name(lb.id),
            nsg::port_label(protocol, port)
        ));
    };
    // Health does not depend on the flow: worked out once per rule.
    let healthy = net.backends_of(lb.id, k, || healthy_backends(net, lb, rule))?;
    Ok(Balanced { rule, healthy })
}

/// The backends whose health probe their subnet's NSG admits, or why none is healthy.
fn healthy_backends(net: &Network, lb: &LoadBalancer, rule: &LbRule) -> Healthy {
    let name = || net.name(lb.id);
    let probe = match &rule.probe {
        Some(probe_name) => match lb.probes.iter().find(|p| &p.name == probe_name) {
            Some(p) => Some(p),
            None => {
                return Err(format!(
                    "rule '{}' of {} names health probe '{probe_name}', which does not exist, \
                     so no backend is ever healthy",
                    rule.name,
                    name()
                ))
            }
        },
        None => None,
    };
    if lb.backends.is_empty() {
        return Err(format!(
            "{} has no backend, so the flow goes nowhere",
            name()
        ));
    }
    let mut refused = Vec::new();
    let mut healthy = Vec::new();
    for &backend in &lb.backends {
        let (Some(nva), Some(ip)) = (net.nva(backend), net.nva_address(backend)) else {
            continue;
        };
        if let Some(probe) = probe {
            let subnet = net.subnet(nva.subnet).map(|(_, s)| s);
            let nsg = subnet.and_then(|s| s.nsg).and_then(|n| net.nsg(n));
            if let (Some(nsg), Some(routes)) = (nsg, net.routes_of_subnet(nva.subnet)) {
                let flow = Flow {
                    protocol: probe.protocol,
                    src: PROBE_SOURCE,
                    dst: ip,
                    port: probe.port,
                };
                let d = nsg::evaluate(nsg, Direction::Inbound, &flow, &routes);
                if !d.allowed {
                    refused.push(format!(
                        "NSG {} {} denies probe '{}' to {}",
                        net.name(nsg.id),
                        d.describe(),
                        probe.name,
                        net.name(backend)
                    ));
                    continue;
                }
            }
        }
        healthy.push((backend, ip));
    }
    if !healthy.is_empty() {
        return Ok(healthy.into());
    }
    if refused.is_empty() {
        return Err(format!(
            "no backend of {} is an NVA with an address",
            name()
        ));
    }
    Err(format!(
        "every backend of {} fails its health probe ({}), so the load balancer sends the flow \
         to none",
        name(),
        refused.join("; ")
    ))
}
