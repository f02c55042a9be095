//! The migration of a Dedicated HSM design to Azure Cloud HSM: the target design as edits on a
//! copy, what they add, change and mark retirable, a trace per former client, and the steps the
//! network cannot show ([`checklist`]).
//!
//! The target keeps every element of the source: what served only Dedicated HSM (the HSMs,
//! their delegated subnets, their VNets' ExpressRoute gateways, the SNAT proxy tier and the
//! route tables that steer to it) is marked retirable (`Design::retirable`), not removed, so
//! both networks run side by side until the team retires the old one. Reachability is always
//! the tracer's answer: before (TCP 1792 to an HSM) and after (the Cloud HSM ports to the
//! cluster, its name resolved through the private DNS zone).

mod checklist;
mod diff;

pub use checklist::{Step, CHECKLIST};
pub use diff::{Change, Diff};

use crate::addressing::overlaps;
use crate::azure::cloud_hsm::PRIVATE_DNS_ZONE;
use crate::azure::ports::{CLOUD_HSM_CLIENT_PORTS, CLOUD_HSM_SESSION_PORT, LUNA_NTLS_PORT};
use crate::draw::new::{self, SubnetRole};
use crate::draw::{Plan, Refusal};
use crate::edit::{Edit, Element};
use crate::hashing::HashSet;
use crate::model::{
    Access, AddressMatch, Design, FirewallRule, GatewayKind, Id, NsgRule, Point, PortRange,
    Protocol,
};
use crate::rules::check;
use crate::trace::{Endpoint, Network, Trace};
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Why no plan was made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MigrateError {
    #[error("the design has no Dedicated HSM to migrate")]
    NoDedicatedHsm,
    #[error("the target design cannot be made: {0}")]
    Refused(String),
}

/// A former client and whether it reaches its cluster in the target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientCheck {
    pub client: Id,
    pub name: String,
    pub cluster: Id,
    /// Delivered on every Cloud HSM client port.
    pub reaches: bool,
    /// The verdict of that trace and its hops, on one line.
    pub summary: String,
    /// The trace on TCP 2225 (the first failing port's when some fail), in words.
    pub trace: String,
}

/// The plan: the target design, the one edit that makes it from the source, and its summary.
#[derive(Clone, Debug, Serialize)]
pub struct Migration {
    #[serde(skip)]
    pub target: Design,
    #[serde(skip)]
    pub edit: Edit,
    pub diff: Diff,
    pub clients: Vec<ClientCheck>,
    pub checklist: &'static [Step],
}

/// Plans the migration of `source` to Cloud HSM.
pub fn plan(source: &Design) -> Result<Migration, MigrateError> {
    // PayShield HSMs are Azure Payment HSM, not migrated.
    let hsms: Vec<&crate::model::Hsm> = source.dedicated_hsms().collect();
    if hsms.is_empty() {
        return Err(MigrateError::NoDedicatedHsm);
    }
    let net = Network::new(source);
    let former = former_clients(source, &net, &hsms);
    let refused = |r: Refusal| MigrateError::Refused(r.0);

    // A cluster per region that held HSMs, with its endpoint where the clients reach it.
    let mut regions: Vec<Id> = Vec::new();
    for h in &hsms {
        if let Some(v) = source.vnet_of_subnet(h.subnet) {
            if !regions.contains(&v.region) {
                regions.push(v.region);
            }
        }
    }
    let mut best: Option<(usize, Design, Edit)> = None;
    for choice in 0..2 {
        let (design, edit) = build(source, &hsms, &regions, &former, choice).map_err(refused)?;
        let net = Network::new(&design);
        let reached = former
            .iter()
            .filter(|c| reaches_all(&net, c.endpoint, cluster_of(&design, c)))
            .count();
        drop(net);
        let better = best.as_ref().is_none_or(|(n, ..)| reached > *n);
        if better {
            best = Some((reached, design, edit));
        }
        if reached == former.len() {
            break;
        }
    }
    let (_, target, edit) = best.expect("one choice at least");
    let net = Network::new(&target);
    let clients = former
        .iter()
        .map(|c| client_check(&target, &net, c))
        .collect();
    drop(net);
    let diff = diff::diff(source, &target);
    Ok(Migration {
        target,
        edit,
        diff,
        clients,
        checklist: CHECKLIST,
    })
}

/// A client of the source that reached a Dedicated HSM.
#[derive(Clone, Copy, Debug)]
struct Former {
    id: Id,
    endpoint: Endpoint,
    /// The region of the HSM it reached first.
    region: Option<Id>,
}

fn former_clients(source: &Design, net: &Network, hsms: &[&crate::model::Hsm]) -> Vec<Former> {
    let mut clients: Vec<(Id, Endpoint)> = Vec::new();
    for v in &source.vnets {
        for s in v.subnets.iter().filter(|s| s.hsm_client) {
            clients.push((s.id, Endpoint::Subnet(s.id)));
        }
    }
    for s in source.sites.iter().filter(|s| s.roles.hsm_client) {
        clients.push((s.id, Endpoint::Site(s.id)));
    }
    let mut out = Vec::new();
    for (id, endpoint) in clients {
        let reached = hsms.iter().find(|h| {
            net.reaches(endpoint, Endpoint::Hsm(h.id), Protocol::Tcp, LUNA_NTLS_PORT)
                .unwrap_or(false)
        });
        if let Some(h) = reached {
            let region = source.vnet_of_subnet(h.subnet).map(|v| v.region);
            out.push(Former {
                id,
                endpoint,
                region,
            });
        }
    }
    out
}

/// The cluster a former client uses in the target: its HSM's region's.
fn cluster_of(target: &Design, client: &Former) -> Option<Id> {
    target
        .cloud_hsm_clusters
        .iter()
        .find(|c| Some(c.region) == client.region)
        .or(target.cloud_hsm_clusters.first())
        .map(|c| c.id)
}

fn reaches_all(net: &Network, from: Endpoint, cluster: Option<Id>) -> bool {
    let Some(cluster) = cluster else { return false };
    CLOUD_HSM_CLIENT_PORTS.iter().all(|&port| {
        net.reaches(from, Endpoint::CloudHsm(cluster), Protocol::Tcp, port)
            .unwrap_or(false)
    })
}

fn client_check(target: &Design, net: &Network, client: &Former) -> ClientCheck {
    let cluster = cluster_of(target, client).unwrap_or(Id(0));
    let to = Endpoint::CloudHsm(cluster);
    let traces: Vec<Trace> = CLOUD_HSM_CLIENT_PORTS
        .iter()
        .filter_map(|&port| net.trace(client.endpoint, to, Protocol::Tcp, port).ok())
        .collect();
    let reaches = !traces.is_empty() && traces.iter().all(Trace::delivered);
    let shown = traces
        .iter()
        .find(|t| !t.delivered())
        .or_else(|| traces.iter().find(|t| t.port == CLOUD_HSM_SESSION_PORT));
    let summary = shown.map(hop_summary).unwrap_or_default();
    let shown = shown.map(|t| t.to_string()).unwrap_or_default();
    let name = match target.subnet(client.id) {
        Some((vnet, subnet)) => format!("{}/{}", vnet.name, subnet.name),
        None => target.name_of(client.id),
    };
    ClientCheck {
        client: client.id,
        name,
        cluster,
        reaches,
        summary,
        trace: shown,
    }
}

/// A trace on one line: its verdict, port and hops (`delivered on TCP 2225 in 6 hops out and
/// back`, `dropped on TCP 2225 at hop 1 of 1: <reason>`).
fn hop_summary(trace: &Trace) -> String {
    let hops = trace.hops.len();
    let plural = if hops == 1 { "" } else { "s" };
    match &trace.verdict {
        crate::trace::Verdict::Delivered => format!(
            "delivered on TCP {} in {hops} hop{plural} out and back",
            trace.port
        ),
        crate::trace::Verdict::Dropped { hop, reason } => format!(
            "dropped on TCP {} at hop {} of {hops}: {reason}",
            trace.port,
            hop + 1
        ),
    }
}

/// The target built one way: `choice` 0 puts each endpoint in the VNet of the proxy tier in
/// front of the region's HSMs (a hub) when there is one, 1 in the HSM VNet itself.
fn build(
    source: &Design,
    hsms: &[&crate::model::Hsm],
    regions: &[Id],
    former: &[Former],
    choice: usize,
) -> Result<(Design, Edit), Refusal> {
    let mut plan = Plan::new(source);
    let proxies = proxy_tier(source);
    let mut endpoints: Vec<Id> = Vec::new();
    let mut endpoint_prefixes: Vec<Ipv4Net> = Vec::new();
    let mut linked: Vec<Id> = Vec::new();
    for &region in regions {
        let hsm_vnets: Vec<Id> = hsms
            .iter()
            .filter_map(|h| source.vnet_of_subnet(h.subnet))
            .filter(|v| v.region == region)
            .map(|v| v.id)
            .collect();
        let hub = proxies
            .balancers
            .iter()
            .filter_map(|lb| source.load_balancer(*lb))
            .filter_map(|lb| source.vnet_of_subnet(lb.subnet))
            .find(|v| v.region == region)
            .map(|v| v.id);
        let vnet = match (choice, hub) {
            (0, Some(hub)) => hub,
            _ => hsm_vnets[0],
        };
        let r = plan
            .work
            .region(region)
            .ok_or_else(|| Refusal::new("a region of the HSMs is missing"))?;
        let at = Point::new(r.layout.x + 40.0, r.layout.y + r.layout.h - 10.0);
        let location = crate::azure::regions::location_key(&r.location);
        let name: String = format!("chsm-{location}").chars().take(23).collect();
        let cluster = new::cloud_hsm_cluster(&mut plan, region, at, &name)?;
        let subnet = new::subnet(&mut plan, vnet, SubnetRole::Plain)?;
        rename_subnet(&mut plan, subnet, "cloudhsm-endpoints")?;
        let endpoint = new::private_endpoint(&mut plan, subnet, cluster)?;
        endpoints.push(endpoint);
        if let Some((_, s)) = plan.work.subnet(subnet) {
            endpoint_prefixes.push(s.prefix);
        }
        if !linked.contains(&vnet) {
            linked.push(vnet);
        }
    }
    // The zone, linked to every VNet a former client resolves in.
    let net = Network::new(&plan.work);
    for c in former {
        let vnets: Vec<Id> = match c.endpoint {
            Endpoint::Subnet(s) => plan
                .work
                .vnet_of_subnet(s)
                .map(|v| v.id)
                .into_iter()
                .collect(),
            Endpoint::Site(site) => net.landing_vnets(site).to_vec(),
            _ => Vec::new(),
        };
        for v in vnets {
            if !linked.contains(&v) {
                linked.push(v);
            }
        }
    }
    drop(net);
    let at = crate::draw::spot_in(&plan.work, None);
    let zone_id = new::private_dns_zone(&mut plan, at)?;
    let mut zone = plan
        .work
        .private_dns_zone(zone_id)
        .cloned()
        .ok_or_else(|| Refusal::new("the zone was not added"))?;
    zone.name = PRIVATE_DNS_ZONE.to_string();
    zone.records = endpoints.clone();
    zone.vnet_links = linked;
    plan.push(Edit::Replace(Element::PrivateDnsZone(zone)))?;

    open_ports(&mut plan, &endpoint_prefixes)?;

    // Retirable: what served only Dedicated HSM.
    let mut retirable: Vec<Id> = Vec::new();
    let mut mark = |id: Id| {
        if !retirable.contains(&id) {
            retirable.push(id);
        }
    };
    for h in hsms {
        mark(h.id);
        if let Some((vnet, subnet)) = source.subnet(h.subnet) {
            if subnet.is_hsm_delegated() {
                mark(subnet.id);
            }
            for g in source
                .gateways_in_vnet(vnet)
                .filter(|g| g.kind == GatewayKind::ExpressRoute)
            {
                mark(g.id);
            }
        }
    }
    for id in proxies
        .balancers
        .iter()
        .chain(&proxies.nvas)
        .chain(&proxies.route_tables)
    {
        mark(*id);
    }
    plan.push(Edit::MarkRetirable(retirable))?;
    let edit = plan.finish()?;
    let target = source
        .apply(&edit)
        .map_err(|e| Refusal::new(format!("Not possible: {e}")))?;
    Ok((target, edit))
}

fn rename_subnet(plan: &mut Plan, subnet: Id, name: &str) -> Result<(), Refusal> {
    let (vnet, s) = plan
        .work
        .subnet(subnet)
        .ok_or_else(|| Refusal::new("the subnet was not added"))?;
    let taken = vnet
        .subnets
        .iter()
        .any(|o| o.name.eq_ignore_ascii_case(name));
    if taken {
        return Ok(());
    }
    let (vnet, mut s) = (vnet.id, s.clone());
    s.name = name.to_string();
    plan.push(Edit::Replace(Element::Subnet { vnet, subnet: s }))
}

/// The SNAT proxy tier: load balancers with a rule on TCP 1792, their backend NVAs, and the
/// route tables that serve only them: attached only to the tier's subnets, or all of whose
/// routes are for the tier's or the HSMs' addresses.
struct ProxyTier {
    balancers: Vec<Id>,
    nvas: Vec<Id>,
    route_tables: Vec<Id>,
}

fn proxy_tier(design: &Design) -> ProxyTier {
    let balancers: Vec<&crate::model::LoadBalancer> = design
        .load_balancers
        .iter()
        .filter(|lb| lb.rules.iter().any(|r| r.frontend_port == LUNA_NTLS_PORT))
        .collect();
    let nvas: Vec<Id> = balancers
        .iter()
        .flat_map(|lb| lb.backends.iter().copied())
        .collect::<BTreeSet<Id>>()
        .into_iter()
        .collect();
    let steered: HashSet<std::net::Ipv4Addr> = balancers
        .iter()
        .filter_map(|lb| lb.frontend_ip)
        .chain(nvas.iter().filter_map(|n| design.nva(*n)?.private_ip))
        .chain(design.hsms.iter().filter_map(|h| h.private_ip))
        .collect();
    let hsm_spaces: Vec<Ipv4Net> = design
        .vnets
        .iter()
        .filter(|v| design.is_hsm_vnet(v))
        .flat_map(|v| v.address_space.iter().copied())
        .collect();
    // Subnets that hold only the proxy tier: their route tables serve only it.
    let proxy_subnets: HashSet<Id> = design
        .vnets
        .iter()
        .flat_map(|v| &v.subnets)
        .filter(|s| {
            let mut devices = design
                .nvas
                .iter()
                .filter(|n| n.subnet == s.id)
                .map(|n| nvas.contains(&n.id))
                .chain(
                    design
                        .load_balancers
                        .iter()
                        .filter(|l| l.subnet == s.id)
                        .map(|l| balancers.iter().any(|b| b.id == l.id)),
                )
                .peekable();
            devices.peek().is_some() && devices.all(|proxy| proxy)
        })
        .map(|s| s.id)
        .collect();
    let only_proxy_subnets = |table: Id| {
        let mut attached = design
            .vnets
            .iter()
            .flat_map(|v| &v.subnets)
            .filter(|s| s.route_table == Some(table))
            .peekable();
        attached.peek().is_some() && attached.all(|s| proxy_subnets.contains(&s.id))
    };
    let route_tables = design
        .route_tables
        .iter()
        .filter(|t| !t.routes.is_empty())
        .filter(|t| {
            only_proxy_subnets(t.id)
                || t.routes.iter().all(|r| {
                    r.next_hop_ip.is_some_and(|ip| steered.contains(&ip))
                        || steered.iter().any(|ip| r.prefix.contains(ip))
                        || hsm_spaces.iter().any(|s| overlaps(s, &r.prefix))
                })
        })
        .map(|t| t.id)
        .collect();
    ProxyTier {
        balancers: balancers.iter().map(|lb| lb.id).collect(),
        nvas,
        route_tables,
    }
}

/// Beside every NSG rule and firewall rule that allowed TCP 1792 (a specific range, not any
/// port), the same rule for the Cloud HSM ports to the endpoints' subnets.
fn open_ports(plan: &mut Plan, endpoints: &[Ipv4Net]) -> Result<(), Refusal> {
    let ranges = [PortRange::Range(2224, 2225), PortRange::Range(443, 444)];
    let allows_1792 = |access: Access, protocol: Protocol, ports: &[PortRange]| {
        access == Access::Allow
            && matches!(protocol, Protocol::Tcp | Protocol::Any)
            && ports.iter().any(|p| p.contains(LUNA_NTLS_PORT))
            && !ports.contains(&PortRange::Any)
    };
    for n in plan.work.nsgs.clone() {
        let mut nsg = n.clone();
        let key = |priority: u16, d: crate::model::Direction| {
            (priority, d == crate::model::Direction::Inbound)
        };
        let mut taken: HashSet<(u16, bool)> = nsg
            .rules
            .iter()
            .map(|r| key(r.priority, r.direction))
            .collect();
        let mut names: HashSet<String> = nsg.rules.iter().map(|r| r.name.to_lowercase()).collect();
        for r in &n.rules {
            if !allows_1792(r.access, r.protocol, &[r.destination_ports]) {
                continue;
            }
            for prefix in endpoints {
                for (k, range) in ranges.iter().enumerate() {
                    let Some(priority) =
                        (r.priority..=4096).find(|p| !taken.contains(&key(*p, r.direction)))
                    else {
                        continue;
                    };
                    taken.insert(key(priority, r.direction));
                    let base = format!("{}-chsm{}", r.name, if k == 0 { "" } else { "-https" });
                    let name =
                        crate::draw::names::unique_among(names.iter().map(String::as_str), &base);
                    names.insert(name.to_lowercase());
                    let destination = match r.destination {
                        AddressMatch::Prefix(_) => AddressMatch::Prefix(*prefix),
                        other => other,
                    };
                    nsg.rules.push(NsgRule {
                        name,
                        priority,
                        direction: r.direction,
                        access: Access::Allow,
                        protocol: Protocol::Tcp,
                        source: r.source,
                        destination,
                        destination_ports: *range,
                    });
                }
            }
        }
        if nsg != n {
            plan.push(Edit::Replace(Element::Nsg(nsg)))?;
        }
    }
    for f in plan.work.firewalls.clone() {
        let mut fw = f.clone();
        for r in &f.rules {
            if !allows_1792(r.action, r.protocol, &r.ports) {
                continue;
            }
            let names = fw.rules.iter().map(|r| r.name.as_str());
            let name = crate::draw::names::unique_among(names, &format!("{}-chsm", r.name));
            fw.rules.push(FirewallRule {
                name,
                action: Access::Allow,
                protocol: Protocol::Tcp,
                sources: r.sources.clone(),
                destinations: endpoints.to_vec(),
                ports: ranges.to_vec(),
            });
        }
        if fw != f {
            plan.push(Edit::Replace(Element::Firewall(fw)))?;
        }
    }
    Ok(())
}

/// Whether the target checks without errors.
pub fn target_is_clean(m: &Migration) -> bool {
    !check(&m.target).has_errors()
}

#[cfg(test)]
mod tests;
