//! Resources to design elements: one function per resource type (`vnet`, `nsg`, `gateway`, …),
//! registered by type in [`MAPPERS`], called in an order where what is referred to comes first.
//! A type this table does not hold is listed in the report as not modelled; a property a mapper
//! does not read is listed by its JSON path (through [`Seen`]). A new type is one function here
//! and one line in the table.

use super::eval::Unknown;
use super::facts::{default_peering_name, Facts};
use super::node::{Node, Seen};
use super::report::{NoteKind, Report};
use super::source::{group_of, key, parse_id, Resource};
use super::ImportError;
use crate::azure::offered::{canonical, DELEGATION_SERVICES};
use crate::azure::regions::{display_name, location_key};
use crate::hashing::{HashMap, HashSet};
use crate::model::*;
use crate::naming;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

mod cloud;

/// A resource type and the function that maps it, in the order they are mapped.
type Mapper = fn(&mut Mapping, &Resource, &Node) -> Result<(), ImportError>;

const MAPPERS: &[(&str, Mapper)] = &[
    ("Microsoft.Network/networkSecurityGroups", nsg),
    (
        "Microsoft.Network/networkSecurityGroups/securityRules",
        nsg_rule,
    ),
    ("Microsoft.Network/routeTables", route_table),
    ("Microsoft.Network/routeTables/routes", route),
    ("Microsoft.Network/virtualNetworks", vnet),
    ("Microsoft.Network/virtualNetworks/subnets", subnet),
    ("Microsoft.Network/publicIPAddresses", public_ip),
    ("Microsoft.Network/virtualNetworkGateways", gateway),
    ("Microsoft.Network/localNetworkGateways", local_gateway),
    ("Microsoft.Network/expressRouteCircuits", circuit),
    (
        "Microsoft.Network/expressRouteCircuits/peerings",
        circuit_peering,
    ),
    ("Microsoft.Network/connections", connection),
    ("Microsoft.Network/firewallPolicies", firewall_policy),
    (
        "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
        rule_collection_group,
    ),
    ("Microsoft.Network/azureFirewalls", firewall),
    ("Microsoft.Network/loadBalancers", load_balancer),
    ("Microsoft.Network/networkInterfaces", nic),
    ("Microsoft.Compute/virtualMachines", virtual_machine),
    ("Microsoft.HardwareSecurityModules/dedicatedHSMs", hsm),
    (
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        peering,
    ),
    (
        "Microsoft.HardwareSecurityModules/cloudHsmClusters",
        cloud::cluster,
    ),
    ("Microsoft.Network/privateDnsZones", cloud::zone),
    (
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        cloud::zone_link,
    ),
    ("Microsoft.Network/privateEndpoints", cloud::endpoint),
    (
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        cloud::zone_group,
    ),
];

/// The design being built, with what later resources look up by id.
pub struct Mapping<'f> {
    pub design: Design,
    pub report: Report,
    facts: &'f Facts,
    /// The facts' lists as sets and maps: every element looks itself up once.
    client_subnets: HashSet<String>,
    no_ip_check: HashSet<&'f str>,
    no_snat: HashSet<&'f str>,
    no_forwarding: HashSet<&'f str>,
    peering_names: HashMap<(&'f str, &'f str), &'f str>,
    site_of_local_gateway: HashMap<&'f str, &'f str>,
    sites_by_name: HashMap<&'f str, Id>,
    next: u32,
    regions: HashMap<String, Id>,
    vnets: HashMap<String, usize>,
    subnets: HashMap<String, Id>,
    nsgs: HashMap<String, Id>,
    route_tables: HashMap<String, Id>,
    public_ip_skus: HashMap<String, String>,
    gateways: HashMap<String, Id>,
    local_gateways: HashMap<String, Id>,
    circuits: HashMap<String, Id>,
    /// Per policy: SNAT always, and its rules with their (group, collection) priorities.
    policies: HashMap<String, Policy>,
    load_balancers: HashMap<String, Id>,
    nics: HashMap<String, Nic>,
    /// Peering sides by unordered VNet pair: the design's peering index.
    peerings: HashMap<(Id, Id), usize>,
    /// VNet-to-VNet connections by unordered gateway pair.
    vnet_to_vnet: HashMap<(Id, Id), usize>,
    clusters: HashMap<String, Id>,
    /// Private DNS zones by key: their positions in the design.
    zones: HashMap<String, usize>,
    endpoints: HashMap<String, Id>,
    /// Set by a mapper that left its resource out of the design (and said why in the report):
    /// the resource is then neither counted as modelled nor are its properties listed.
    left_out: bool,
}

/// A firewall policy: SNAT always, and its network rules keyed by (group priority, collection
/// priority, order).
type Policy = (bool, Vec<(i64, i64, usize, FirewallRule)>);

#[derive(Clone)]
struct Nic {
    name: String,
    subnet: Option<String>,
    address: Option<Ipv4Addr>,
    forwarding: bool,
    pools: Vec<String>,
}

/// Maps every resource; the ones of other types are reported.
pub fn map(
    resources: &[Resource],
    facts: &Facts,
    report: Report,
) -> Result<(Design, Report), (ImportError, Report)> {
    let seen = Seen::default();
    let mut m = Mapping {
        design: Design::default(),
        report,
        facts,
        client_subnets: facts.hsm_client_subnets.iter().cloned().collect(),
        no_ip_check: facts
            .hsms_without_ip_check
            .iter()
            .map(String::as_str)
            .collect(),
        no_snat: facts.nvas_without_snat.iter().map(String::as_str).collect(),
        no_forwarding: facts
            .nvas_without_forwarding
            .iter()
            .map(String::as_str)
            .collect(),
        peering_names: facts
            .peering_names
            .iter()
            .map(|n| ((n.a.as_str(), n.b.as_str()), n.name.as_str()))
            .collect(),
        site_of_local_gateway: facts
            .sites
            .iter()
            .flat_map(|s| {
                s.local_gateways
                    .iter()
                    .map(|l| (l.as_str(), s.name.as_str()))
            })
            .collect(),
        sites_by_name: HashMap::default(),
        next: 1,
        regions: HashMap::default(),
        vnets: HashMap::default(),
        subnets: HashMap::default(),
        nsgs: HashMap::default(),
        route_tables: HashMap::default(),
        public_ip_skus: HashMap::default(),
        gateways: HashMap::default(),
        local_gateways: HashMap::default(),
        circuits: HashMap::default(),
        policies: HashMap::default(),
        load_balancers: HashMap::default(),
        nics: HashMap::default(),
        peerings: HashMap::default(),
        vnet_to_vnet: HashMap::default(),
        clusters: HashMap::default(),
        zones: HashMap::default(),
        endpoints: HashMap::default(),
        left_out: false,
    };
    let mut by_type: HashMap<String, Vec<&Resource>> = HashMap::default();
    for r in resources {
        by_type.entry(r.kind_key()).or_default().push(r);
    }
    m.sites_from_facts();
    for (kind, mapper) in MAPPERS {
        for r in by_type
            .remove(&kind.to_ascii_lowercase())
            .unwrap_or_default()
        {
            let props = Node::new(&r.properties, format!("{}.properties", r.path), &seen);
            if let Err(e) = mapper(&mut m, r, &props) {
                return Err((e, m.report));
            }
            if std::mem::take(&mut m.left_out) {
                continue;
            }
            m.report.count(&r.kind);
            // A VNet keeps its tags (`vnet`); no other element has any.
            let tagged = r.tags.as_object().is_some_and(|t| !t.is_empty());
            if tagged && !kind.eq_ignore_ascii_case("Microsoft.Network/virtualNetworks") {
                m.report.note(
                    NoteKind::NotModelled,
                    format!("{}.tags", r.path),
                    "tags are kept on VNets only".into(),
                );
            }
            let mut unread = Vec::new();
            if !kind.eq_ignore_ascii_case("Microsoft.Compute/virtualMachines") {
                seen.unread(
                    &r.properties,
                    &format!("{}.properties", r.path),
                    &mut unread,
                );
            }
            for path in unread {
                m.report
                    .note(NoteKind::NotModelled, path, "property not modelled".into());
            }
        }
    }
    let mut rest: Vec<&Resource> = by_type.into_values().flatten().collect();
    rest.sort_by(|a, b| a.path.cmp(&b.path));
    for r in rest {
        m.report.note(
            NoteKind::NotModelled,
            r.path.clone(),
            format!(
                "{} '{}': this resource type is not modelled",
                r.kind,
                r.names.join("/")
            ),
        );
    }
    m.point_to_site();
    Ok((m.design, m.report))
}

fn ip(n: &Node) -> Result<Ipv4Addr, ImportError> {
    let s = n.text()?;
    s.trim()
        .parse()
        .map_err(|_| n.invalid(&format!("{s:?} is not an IPv4 address")))
}

fn prefix(n: &Node) -> Result<Ipv4Net, ImportError> {
    let s = n.text()?;
    s.trim()
        .parse()
        .map_err(|_| n.invalid(&format!("{s:?} is not an IPv4 prefix")))
}

/// The first of `key` (a string) or `keys` (an array of strings), noting when several are given
/// and only the first is kept.
fn one_of<'a>(m: &mut Mapping, n: &Node<'a>, key: &str, keys: &str) -> Option<Node<'a>> {
    if let Some(v) = n.get(key) {
        return Some(v);
    }
    let items = n.get(keys)?.items();
    if items.len() > 1 {
        m.report.note(
            NoteKind::NotModelled,
            items[1].path(),
            format!("only the first of {} values is kept", items.len()),
        );
    }
    items.into_iter().next()
}

impl Mapping<'_> {
    fn id(&mut self) -> Id {
        let id = Id(self.next);
        self.next += 1;
        id
    }

    /// The region of a location, made on first use.
    fn region(&mut self, location: &str) -> Id {
        let k = location_key(location);
        if let Some(id) = self.regions.get(&k) {
            return *id;
        }
        let id = self.id();
        let name = self
            .facts
            .region_names
            .iter()
            .find(|(l, _)| location_key(l) == k)
            .map(|(_, n)| n.clone())
            .or_else(|| display_name(location).map(str::to_string))
            .unwrap_or_else(|| location.to_string());
        self.design
            .regions
            .push(Region::new(id, name, location.to_string()));
        self.regions.insert(k, id);
        id
    }

    /// The resource's location: evaluated, never guessed.
    fn location(&self, r: &Resource, _props: &Node) -> Result<String, ImportError> {
        let path = format!("{}.location", r.path);
        match &r.location {
            None => Err(ImportError::Invalid {
                path: r.path.clone(),
                message: "the resource has no location".into(),
            }),
            Some(v) => match (Unknown::of(v), v.as_str()) {
                (Some(name), _) => Err(ImportError::MissingValue {
                    name: name.to_string(),
                    path,
                }),
                (None, Some(s)) => Ok(s.to_string()),
                (None, None) => Err(ImportError::Invalid {
                    path,
                    message: format!("is {v}, not a location"),
                }),
            },
        }
    }

    /// The subnet a reference names: declared, or an external VNet made for it.
    fn subnet_ref(&mut self, id: &str, at: &Node, region: Option<Id>) -> Result<Id, ImportError> {
        let k = key(id);
        if let Some(s) = self.subnets.get(&k) {
            return Ok(*s);
        }
        let Some((kind, names)) = parse_id(id) else {
            return Err(at.invalid(&format!("{id:?} is not a subnet id")));
        };
        if !kind.eq_ignore_ascii_case("Microsoft.Network/virtualNetworks/subnets") {
            return Err(at.invalid(&format!("{id:?} is not a subnet id")));
        }
        let vnet = self.external_vnet(&vnet_key_of(&k), &names[0], region, at, id);
        let sid = self.id();
        // The prefix of a subnet declared elsewhere is not known: the smallest prefix stands for
        // it, and the report says so.
        let placeholder = Ipv4Net::new(Ipv4Addr::UNSPECIFIED, 32).unwrap_or_default();
        self.design.vnets[vnet]
            .subnets
            .push(Subnet::new(sid, names[1].clone(), placeholder));
        self.subnets.insert(k, sid);
        self.report.note(
            NoteKind::External,
            at.path(),
            format!(
                "subnet '{}' of VNet '{}' is not declared here: it is added as external, its \
                 prefix unknown (0.0.0.0/32 stands for it)",
                names[1], names[0]
            ),
        );
        Ok(sid)
    }

    /// A VNet known only by a reference, made once.
    fn external_vnet(
        &mut self,
        k: &str,
        name: &str,
        region: Option<Id>,
        at: &Node,
        id: &str,
    ) -> usize {
        if let Some(i) = self.vnets.get(k) {
            return *i;
        }
        let region =
            region.unwrap_or_else(|| self.design.regions.first().map(|r| r.id).unwrap_or(Id(0)));
        let region = if self.design.region(region).is_some() {
            region
        } else {
            self.region("unknown")
        };
        let vid = self.id();
        let mut vnet = Vnet::new(vid, name.to_string(), region, Vec::new());
        vnet.external = true;
        self.design.vnets.push(vnet);
        let i = self.design.vnets.len() - 1;
        self.vnets.insert(k.to_string(), i);
        let group = group_of(id)
            .map(|g| format!(" (resource group '{g}')"))
            .unwrap_or_default();
        self.report.note(
            NoteKind::External,
            at.path(),
            format!("VNet '{name}'{group} is not declared here: it is added as external"),
        );
        i
    }

    /// Sites the facts list, with their local network gateways.
    fn sites_from_facts(&mut self) {
        let facts = self.facts;
        for s in &facts.sites {
            let id = self.id();
            self.sites_by_name.entry(s.name.as_str()).or_insert(id);
            let prefixes = s.prefixes.iter().filter_map(|p| p.parse().ok()).collect();
            let device = s.vpn_device_ip.as_deref().and_then(|a| a.parse().ok());
            self.design.sites.push(OnPremSite::new(
                id,
                s.name.clone(),
                prefixes,
                device,
                s.roles,
            ));
        }
    }

    /// A site the facts list, by name.
    fn site_named(&self, name: &str) -> Option<Id> {
        self.sites_by_name.get(name).copied()
    }

    fn point_to_site(&mut self) {
        for p in &self.facts.point_to_site {
            let gateway = self
                .design
                .gateways
                .iter()
                .find(|g| g.name == p.gateway)
                .map(|g| g.id);
            let site = self.site_named(&p.site);
            if let (Some(gateway), Some(site)) = (gateway, site) {
                let id = self.id();
                self.design.connections.push(Connection::new(
                    id,
                    p.name.clone(),
                    ConnectionKind::PointToSite { gateway, site },
                ));
            }
        }
        // A VPN gateway with a client pool and no point-to-site connection: clients dial in
        // from somewhere; an external site stands for them.
        let with_pool: Vec<(Id, String)> = self
            .design
            .gateways
            .iter()
            .filter(|g| g.p2s_pool.is_some())
            .filter(|g| {
                !self.design.connections.iter().any(|c| {
                    matches!(c.kind, ConnectionKind::PointToSite { gateway, .. } if gateway == g.id)
                })
            })
            .map(|g| (g.id, g.name.clone()))
            .collect();
        if !self.facts.is_empty() {
            return;
        }
        for (gateway, name) in with_pool {
            let site = self.id();
            self.design.sites.push(OnPremSite::new(
                site,
                format!("{name}-clients"),
                Vec::new(),
                None,
                SiteRoles {
                    admin_workstation: true,
                    ..SiteRoles::default()
                },
            ));
            let id = self.id();
            self.design.connections.push(Connection::new(
                id,
                format!("{name}-p2s"),
                ConnectionKind::PointToSite { gateway, site },
            ));
        }
    }
}

fn vnet_key_of(subnet_key: &str) -> String {
    subnet_key
        .rsplit_once("/subnets/")
        .map(|(v, _)| v.to_string())
        .unwrap_or_else(|| subnet_key.to_string())
}

fn nsg(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let id = m.id();
    m.design
        .nsgs
        .push(Nsg::new(id, r.name().to_string(), Vec::new()));
    m.nsgs.insert(r.key.clone(), id);
    for rule in p
        .get("securityRules")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let name = rule.text_at("name")?.unwrap_or_default().to_string();
        let props = rule.get("properties").unwrap_or(rule.clone());
        add_nsg_rule(m, id, name, &props)?;
    }
    Ok(())
}

fn nsg_rule(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let parent = key_parent(&r.key);
    let Some(&id) = m.nsgs.get(&parent) else {
        return Err(p.invalid(&format!(
            "the NSG '{}' of this rule is not declared",
            r.names[0]
        )));
    };
    add_nsg_rule(m, id, r.name().to_string(), p)
}

/// A firewall rule collection's `action.type` (of a policy's group or a classic firewall): Deny,
/// else Allow.
fn collection_action(collection: &Node) -> Result<Access, ImportError> {
    let action = collection
        .get("action")
        .and_then(|a| a.text_at("type").transpose())
        .transpose()?;
    Ok(match action {
        Some(t) if t.eq_ignore_ascii_case("deny") => Access::Deny,
        _ => Access::Allow,
    })
}

/// The key of a child resource's parent.
fn key_parent(k: &str) -> String {
    let mut parts: Vec<&str> = k.split('/').collect();
    parts.truncate(parts.len().saturating_sub(2));
    parts.join("/")
}

fn add_nsg_rule(m: &mut Mapping, nsg: Id, name: String, p: &Node) -> Result<(), ImportError> {
    let get = |k: &str| {
        p.get(k)
            .ok_or_else(|| p.invalid(&format!("the rule '{name}' has no {k}")))
    };
    let priority = get("priority")?.int()?;
    let priority = u16::try_from(priority)
        .map_err(|_| p.invalid(&format!("priority {priority} is out of range")))?;
    let direction = match get("direction")?.text()?.to_ascii_lowercase().as_str() {
        "inbound" => Direction::Inbound,
        "outbound" => Direction::Outbound,
        other => return Err(p.invalid(&format!("direction {other:?}"))),
    };
    let access = match get("access")?.text()?.to_ascii_lowercase().as_str() {
        "allow" => Access::Allow,
        "deny" => Access::Deny,
        other => return Err(p.invalid(&format!("access {other:?}"))),
    };
    let protocol_node = get("protocol")?;
    let protocol = match protocol(protocol_node.text()?) {
        Some(p) => p,
        None => {
            m.report.note(
                NoteKind::NotModelled,
                protocol_node.path(),
                format!(
                    "NSG rule '{name}': protocol {:?} is not modelled; the rule is left out",
                    protocol_node.text()?
                ),
            );
            return Ok(());
        }
    };
    let address = |m: &mut Mapping,
                   one: &str,
                   many: &str|
     -> Result<Option<AddressMatch>, ImportError> {
        let Some(n) = one_of(m, p, one, many) else {
            return Ok(Some(AddressMatch::Any));
        };
        let text = n.text()?;
        let tag = [
            "*",
            "Any",
            "VirtualNetwork",
            "AzureLoadBalancer",
            "Internet",
        ]
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case(text.trim()));
        match tag.unwrap_or(text.trim()).parse::<AddressMatch>() {
            Ok(a) => Ok(Some(a)),
            Err(_) => {
                m.report.note(
                    NoteKind::NotModelled,
                    n.path(),
                    format!("NSG rule '{name}': {text:?} (a service tag or group) is not modelled; the rule is left out"),
                );
                Ok(None)
            }
        }
    };
    let Some(source) = address(m, "sourceAddressPrefix", "sourceAddressPrefixes")? else {
        return Ok(());
    };
    let Some(destination) = address(m, "destinationAddressPrefix", "destinationAddressPrefixes")?
    else {
        return Ok(());
    };
    let ports = match one_of(m, p, "destinationPortRange", "destinationPortRanges") {
        Some(n) => {
            let t = n.text()?;
            t.trim().parse::<PortRange>().map_err(|e| n.invalid(&e))?
        }
        None => PortRange::Any,
    };
    if let Some(n) = p
        .get("sourcePortRange")
        .filter(|n| n.value.as_str() != Some("*"))
    {
        m.report.note(
            NoteKind::NotModelled,
            n.path(),
            "source ports are not modelled (any is assumed)".into(),
        );
    }
    if let Some(target) = m.design.nsgs.iter_mut().rev().find(|n| n.id == nsg) {
        target.rules.push(NsgRule {
            name,
            priority,
            direction,
            access,
            protocol,
            source,
            destination,
            destination_ports: ports,
        });
    }
    Ok(())
}

fn protocol(s: &str) -> Option<Protocol> {
    match s.trim().to_ascii_lowercase().as_str() {
        "tcp" => Some(Protocol::Tcp),
        "udp" => Some(Protocol::Udp),
        "icmp" => Some(Protocol::Icmp),
        "*" | "any" | "all" => Some(Protocol::Any),
        _ => None,
    }
}

fn route_table(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let id = m.id();
    let mut table = RouteTable::new(id, r.name().to_string(), Vec::new());
    if let Some(n) = p.get("disableBgpRoutePropagation") {
        table.bgp_propagation = !n.boolean()?;
    }
    m.design.route_tables.push(table);
    m.route_tables.insert(r.key.clone(), id);
    for route in p.get("routes").map(|n| n.items()).unwrap_or_default() {
        let name = route.text_at("name")?.unwrap_or_default().to_string();
        let props = route.get("properties").unwrap_or(route.clone());
        add_route(m, id, name, &props)?;
    }
    Ok(())
}

fn route(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let Some(&id) = m.route_tables.get(&key_parent(&r.key)) else {
        return Err(p.invalid(&format!(
            "the route table '{}' of this route is not declared",
            r.names[0]
        )));
    };
    add_route(m, id, r.name().to_string(), p)
}

fn add_route(m: &mut Mapping, table: Id, name: String, p: &Node) -> Result<(), ImportError> {
    let Some(prefix_node) = p.get("addressPrefix") else {
        return Err(p.invalid(&format!("the route '{name}' has no addressPrefix")));
    };
    let text = prefix_node.text()?;
    let Ok(prefix) = text.trim().parse::<Ipv4Net>() else {
        m.report.note(
            NoteKind::NotModelled,
            prefix_node.path(),
            format!("route '{name}': {text:?} (a service tag or IPv6) is not modelled; the route is left out"),
        );
        return Ok(());
    };
    let hop = p
        .get("nextHopType")
        .ok_or_else(|| p.invalid(&format!("the route '{name}' has no nextHopType")))?;
    let next_hop = match hop.text()?.to_ascii_lowercase().as_str() {
        "virtualappliance" => NextHop::VirtualAppliance,
        "virtualnetworkgateway" => NextHop::VirtualNetworkGateway,
        "vnetlocal" => NextHop::VnetLocal,
        "internet" => NextHop::Internet,
        "none" => NextHop::None,
        other => return Err(hop.invalid(&format!("{other:?} is not a next hop type"))),
    };
    let next_hop_ip = p.get("nextHopIpAddress").map(|n| ip(&n)).transpose()?;
    if let Some(t) = m
        .design
        .route_tables
        .iter_mut()
        .rev()
        .find(|t| t.id == table)
    {
        t.routes.push(Route {
            name,
            prefix,
            next_hop,
            next_hop_ip,
        });
    }
    Ok(())
}

/// A VNet's tags as Azure keeps them, names and values as text (Payment HSM's
/// `fastpathenabled` is written `"true"` or `true`); a value that is not text, a number or a
/// boolean is reported.
fn vnet_tags(m: &mut Mapping, r: &Resource) -> std::collections::BTreeMap<String, String> {
    let mut tags = std::collections::BTreeMap::new();
    for (name, value) in r.tags.as_object().into_iter().flatten() {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                m.report.note(
                    NoteKind::NotModelled,
                    format!("{}.tags.{name}", r.path),
                    "a tag value that is not text".into(),
                );
                continue;
            }
        };
        tags.insert(name.clone(), text);
    }
    tags
}

fn vnet(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let location = m.location(r, p)?;
    let region = m.region(&location);
    let space = p
        .get("addressSpace")
        .and_then(|a| a.get("addressPrefixes"))
        .map(|a| a.items())
        .unwrap_or_default();
    let mut address_space = Vec::new();
    for n in space {
        match prefix(&n) {
            Ok(p) => address_space.push(p),
            // IPv6 spaces are not modelled.
            Err(_) if n.text().is_ok_and(|t| t.contains(':')) => m.report.note(
                NoteKind::NotModelled,
                n.path(),
                "IPv6 address spaces are not modelled".into(),
            ),
            Err(e) => return Err(e),
        }
    }
    let tags = vnet_tags(m, r);
    let id = m.id();
    let at = if let Some(&existing) = m.vnets.get(&r.key) {
        // Made external by an earlier reference: now declared.
        let v = &mut m.design.vnets[existing];
        v.external = false;
        v.address_space = address_space;
        v.region = region;
        existing
    } else {
        m.design
            .vnets
            .push(Vnet::new(id, r.name().to_string(), region, address_space));
        m.vnets.insert(r.key.clone(), m.design.vnets.len() - 1);
        m.design.vnets.len() - 1
    };
    m.design.vnets[at].tags = tags;
    for s in p.get("subnets").map(|n| n.items()).unwrap_or_default() {
        let name = s.text_at("name")?.unwrap_or_default().to_string();
        let props = s.get("properties").unwrap_or(s.clone());
        let k = format!("{}/subnets/{}", r.key, name.to_ascii_lowercase());
        add_subnet(m, &r.key, k, name, &props)?;
    }
    for side in p
        .get("virtualNetworkPeerings")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let name = side.text_at("name")?.unwrap_or_default().to_string();
        let props = side.get("properties").unwrap_or(side.clone());
        add_peering_side(m, &r.key, &name, &props)?;
    }
    Ok(())
}

fn subnet(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let vnet_key = key_parent(&r.key);
    if !m.vnets.contains_key(&vnet_key) {
        return Err(p.invalid(&format!(
            "the VNet '{}' of this subnet is not declared",
            r.names[0]
        )));
    }
    add_subnet(m, &vnet_key, r.key.clone(), r.name().to_string(), p)
}

/// A subnet, inline or a child resource; the same subnet declared both ways is one, the later
/// declaration's properties winning.
fn add_subnet(
    m: &mut Mapping,
    vnet_key: &str,
    k: String,
    name: String,
    p: &Node,
) -> Result<(), ImportError> {
    let Some(prefix_node) = one_of(m, p, "addressPrefix", "addressPrefixes") else {
        return Err(p.invalid(&format!("the subnet '{name}' has no addressPrefix")));
    };
    let prefix = prefix(&prefix_node)?;
    let delegations = p.get("delegations").map(|n| n.items()).unwrap_or_default();
    if delegations.len() > 1 {
        m.report.note(
            NoteKind::NotModelled,
            delegations[1].path(),
            "only the first delegation is kept".into(),
        );
    }
    let delegation = match delegations.first() {
        Some(d) => {
            let props = d.get("properties").unwrap_or(d.clone());
            props.text_at("serviceName")?.map(|s| {
                canonical(DELEGATION_SERVICES, s)
                    .map(str::to_string)
                    .unwrap_or_else(|| s.to_string())
            })
        }
        None => None,
    };
    let nsg = match p.id_at("networkSecurityGroup")? {
        Some(id) => {
            let found = m.nsgs.get(&key(id)).copied();
            policy_ref(m, found, id, p, "networkSecurityGroup", "NSG")
        }
        None => None,
    };
    let route_table = match p.id_at("routeTable")? {
        Some(id) => {
            let found = m.route_tables.get(&key(id)).copied();
            policy_ref(m, found, id, p, "routeTable", "route table")
        }
        None => None,
    };
    let Some(&vi) = m.vnets.get(vnet_key) else {
        return Err(p.invalid("the subnet's VNet is not declared"));
    };
    let hsm_client = m.design.vnets[vi].name.clone() + "/" + &name;
    let hsm_client = m.client_subnets.contains(&hsm_client);
    let existing = m.subnets.get(&k).copied();
    let id = existing.unwrap_or_else(|| m.id());
    let subnet = Subnet {
        delegation,
        nsg,
        route_table,
        hsm_client,
        ..Subnet::new(id, name, prefix)
    };
    let subnets = &mut m.design.vnets[vi].subnets;
    match subnets.iter_mut().find(|s| s.id == id) {
        Some(s) => *s = subnet,
        None => subnets.push(subnet),
    }
    m.subnets.insert(k, id);
    Ok(())
}

/// An NSG or route table reference; one not declared here is reported and left off.
fn policy_ref(
    m: &mut Mapping,
    found: Option<Id>,
    id: &str,
    p: &Node,
    key_name: &str,
    what: &str,
) -> Option<Id> {
    if found.is_none() {
        m.report.note(
            NoteKind::External,
            format!("{}.{key_name}", p.path()),
            format!("the {what} {id:?} is not declared here; the subnet is imported without it"),
        );
    }
    found
}

fn public_ip(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let sku = r
        .sku
        .get("name")
        .or_else(|| super::eval::field(&r.sku, "name"))
        .and_then(|v| v.as_str())
        .unwrap_or("Basic");
    // Read so they are not reported: a public IP is part of its gateway or firewall here.
    let _ = p.get("publicIPAllocationMethod");
    let _ = p.get("dnsSettings");
    m.public_ip_skus.insert(r.key.clone(), sku.to_string());
    Ok(())
}

fn gateway(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let kind = match p
        .text_at("gatewayType")?
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("expressroute") => GatewayKind::ExpressRoute,
        Some("vpn") | None => GatewayKind::Vpn,
        Some(other) => return Err(p.invalid(&format!("gatewayType {other:?} is not modelled"))),
    };
    let configs = p
        .get("ipConfigurations")
        .map(|n| n.items())
        .unwrap_or_default();
    let Some(config) = configs.first() else {
        return Err(p.invalid("the gateway has no ipConfigurations"));
    };
    // Active-active: said outright, or shown by a second IP configuration (an export).
    let active_active =
        p.get("activeActive").and_then(|n| n.value.as_bool()) == Some(true) || configs.len() > 1;
    for extra in configs.iter().skip(1) {
        // The second instance's subnet and public address: read as the sign of active-active
        // (the model keeps one configuration), not reported as unknown.
        let props = extra.get("properties").unwrap_or(extra.clone());
        for k in ["subnet", "privateIPAllocationMethod", "publicIPAddress"] {
            let _ = props.get(k);
        }
    }
    let cprops = config.get("properties").unwrap_or(config.clone());
    let Some(subnet_id) = cprops.id_at("subnet")? else {
        return Err(cprops.invalid("the gateway's IP configuration has no subnet"));
    };
    let location = m.location(r, p).ok();
    let region = location.map(|l| m.region(&l));
    let subnet = m.subnet_ref(subnet_id, &cprops, region)?;
    let _ = cprops.get("privateIPAllocationMethod");
    // The public IP's SKU, when the file declares it: a Basic one is kept (`er-gateway-basic-ip`).
    let public_ip_sku = match cprops
        .id_at("publicIPAddress")?
        .and_then(|id| m.public_ip_skus.get(&key(id)))
    {
        Some(sku) if sku.eq_ignore_ascii_case("Basic") => PublicIpSku::Basic,
        _ => PublicIpSku::Standard,
    };
    let sku = p
        .get("sku")
        .and_then(|s| s.text_at("name").transpose())
        .transpose()?
        .or_else(|| r.sku.get("name").and_then(|v| v.as_str()))
        .unwrap_or(match kind {
            GatewayKind::ExpressRoute => defaults::ER_GATEWAY_SKU,
            GatewayKind::Vpn => defaults::VPN_GATEWAY_SKU,
        })
        .to_string();
    if let Some(s) = p.get("sku") {
        let _ = s.get("tier");
    }
    let id = m.id();
    let mut g = Gateway::new(id, r.name().to_string(), subnet, kind);
    g.sku = sku;
    g.active_active = active_active;
    g.public_ip_sku = public_ip_sku;
    if kind == GatewayKind::Vpn {
        g.vpn_type = match p
            .text_at("vpnType")?
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("policybased") => Some(VpnType::PolicyBased),
            _ => Some(VpnType::RouteBased),
        };
        if let Some(client) = p.get("vpnClientConfiguration") {
            let pool = client
                .get("vpnClientAddressPool")
                .and_then(|a| a.get("addressPrefixes"));
            g.p2s_pool = pool
                .and_then(|n| n.items().into_iter().next())
                .map(|n| prefix(&n))
                .transpose()?;
            let _ = client.get("vpnClientProtocols");
            let _ = client.get("vpnAuthenticationTypes");
        }
    } else {
        g.vpn_type = None;
        let _ = p.get("vpnType");
    }
    m.design.gateways.push(g);
    m.gateways.insert(r.key.clone(), id);
    Ok(())
}

fn local_gateway(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let name = r.name().to_string();
    // A site of the facts that this local gateway stands for, else a site of its own.
    if let Some(site) = m.site_of_local_gateway.get(name.as_str()) {
        if let Some(id) = m.site_named(site) {
            let _ = p
                .get("localNetworkAddressSpace")
                .and_then(|a| a.get("addressPrefixes"));
            let _ = p.get("gatewayIpAddress");
            m.local_gateways.insert(r.key.clone(), id);
            return Ok(());
        }
    }
    let prefixes = p
        .get("localNetworkAddressSpace")
        .and_then(|a| a.get("addressPrefixes"))
        .map(|n| n.items())
        .unwrap_or_default()
        .iter()
        .map(prefix)
        .collect::<Result<Vec<_>, _>>()?;
    let device = p.get("gatewayIpAddress").map(|n| ip(&n)).transpose()?;
    let id = m.id();
    m.design.sites.push(OnPremSite::new(
        id,
        name,
        prefixes,
        device,
        SiteRoles::default(),
    ));
    m.local_gateways.insert(r.key.clone(), id);
    Ok(())
}

fn circuit(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let name = r.name().to_string();
    let provider = p.get("serviceProviderProperties");
    let text = |k: &str| -> Result<Option<String>, ImportError> {
        Ok(match &provider {
            Some(n) => n.text_at(k)?.map(str::to_string),
            None => None,
        })
    };
    let provider_name = text("serviceProviderName")?.unwrap_or_default();
    let location = text("peeringLocation")?.unwrap_or_default();
    let mbps = match provider.as_ref().and_then(|n| n.get("bandwidthInMbps")) {
        Some(n) => u32::try_from(n.int()?).map_err(|_| n.invalid("is out of range"))?,
        None => match p.get("bandwidthInGbps") {
            Some(n) => u32::try_from(n.int()? * 1000).map_err(|_| n.invalid("is out of range"))?,
            None => 0,
        },
    };
    let site = match m
        .facts
        .circuit_sites
        .get(&name)
        .and_then(|s| m.site_named(s))
    {
        Some(site) => site,
        None => {
            let id = m.id();
            m.design.sites.push(OnPremSite::new(
                id,
                format!("{name}-onprem"),
                Vec::new(),
                None,
                SiteRoles {
                    hsm_client: true,
                    ..SiteRoles::default()
                },
            ));
            m.report.note(
                NoteKind::External,
                r.path.clone(),
                format!("the on-premises end of circuit '{name}' is not in the file: site '{name}-onprem' stands for it (its prefixes unknown)"),
            );
            id
        }
    };
    let id = m.id();
    m.design.circuits.push(ErCircuit {
        id,
        name,
        site,
        provider: provider_name,
        peering_location: location,
        bandwidth_mbps: mbps,
        private_peering: None,
        layout: Point::default(),
    });
    m.circuits.insert(r.key.clone(), id);
    for peering in p.get("peerings").map(|n| n.items()).unwrap_or_default() {
        let props = peering.get("properties").unwrap_or(peering.clone());
        let _ = peering.get("name");
        add_private_peering(m, id, &props)?;
    }
    Ok(())
}

fn circuit_peering(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let Some(&id) = m.circuits.get(&key_parent(&r.key)) else {
        return Err(p.invalid(&format!(
            "the circuit '{}' of this peering is not declared",
            r.names[0]
        )));
    };
    add_private_peering(m, id, p)
}

fn add_private_peering(m: &mut Mapping, circuit: Id, p: &Node) -> Result<(), ImportError> {
    let kind = p.text_at("peeringType")?.unwrap_or("AzurePrivatePeering");
    if !kind.eq_ignore_ascii_case("AzurePrivatePeering") {
        m.report.note(
            NoteKind::NotModelled,
            p.path(),
            format!("{kind} is not modelled"),
        );
        return Ok(());
    }
    let need = |k: &str| {
        p.get(k)
            .ok_or_else(|| p.invalid(&format!("the private peering has no {k}")))
    };
    let peer_asn = need("peerASN")?;
    let vlan = need("vlanId")?;
    let peering = PrivatePeering {
        peer_asn: u32::try_from(peer_asn.int()?)
            .map_err(|_| peer_asn.invalid("is out of range"))?,
        vlan_id: u16::try_from(vlan.int()?).map_err(|_| vlan.invalid("is out of range"))?,
        primary_prefix: prefix(&need("primaryPeerAddressPrefix")?)?,
        secondary_prefix: prefix(&need("secondaryPeerAddressPrefix")?)?,
    };
    if let Some(c) = m.design.circuits.iter_mut().find(|c| c.id == circuit) {
        c.private_peering = Some(peering);
    }
    Ok(())
}

fn connection(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let kind = p
        .text_at("connectionType")?
        .unwrap_or("")
        .to_ascii_lowercase();
    // The element connection end `k` refers to, from `table`; one the file does not declare is
    // noted, and the connection is left out.
    let end = |m: &mut Mapping,
               table: for<'m> fn(&'m Mapping<'_>) -> &'m HashMap<String, Id>,
               k: &str,
               what: &str|
     -> Result<Option<Id>, ImportError> {
        let Some(id) = p.id_at(k)? else {
            return Err(p.invalid(&format!("the connection has no {k}")));
        };
        let found = table(m).get(&key(id)).copied();
        if found.is_none() {
            m.report.note(
                NoteKind::External,
                format!("{}.{k}", p.path()),
                format!(
                    "the {what} {id:?} is not declared here; connection '{}' is left out",
                    r.name()
                ),
            );
        }
        Ok(found)
    };
    let gateway = |m: &mut Mapping, k: &str| end(m, |m| &m.gateways, k, "gateway");
    let _ = p.get("sharedKey");
    let _ = p.get("connectionProtocol");
    let fastpath = p
        .get("expressRouteGatewayBypass")
        .and_then(|n| n.value.as_bool())
        == Some(true);
    let name = r.name().to_string();
    let kind = match kind.as_str() {
        "ipsec" => {
            let Some(gw) = gateway(m, "virtualNetworkGateway1")? else {
                return Ok(());
            };
            let local_gateway = "local network gateway";
            let Some(site) = end(
                m,
                |m| &m.local_gateways,
                "localNetworkGateway2",
                local_gateway,
            )?
            else {
                return Ok(());
            };
            ConnectionKind::SiteToSite { gateway: gw, site }
        }
        "vnet2vnet" => {
            let (Some(a), Some(b)) = (
                gateway(m, "virtualNetworkGateway1")?,
                gateway(m, "virtualNetworkGateway2")?,
            ) else {
                return Ok(());
            };
            let pair = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if let Some(&i) = m.vnet_to_vnet.get(&pair) {
                // The other direction of a link already made: the model holds both as one.
                let base = strip_direction(&m.design.connections[i].name);
                m.design.connections[i].name = base;
                return Ok(());
            }
            m.vnet_to_vnet.insert(pair, m.design.connections.len());
            ConnectionKind::VnetToVnet { a, b }
        }
        "expressroute" => {
            let Some(gw) = gateway(m, "virtualNetworkGateway1")? else {
                return Ok(());
            };
            let Some(circuit) = end(m, |m| &m.circuits, "peer", "circuit")? else {
                return Ok(());
            };
            ConnectionKind::ExpressRoute {
                gateway: gw,
                circuit,
            }
        }
        other => {
            m.report.note(
                NoteKind::NotModelled,
                format!("{}.connectionType", p.path()),
                format!("connection type {other:?} is not modelled"),
            );
            return Ok(());
        }
    };
    let id = m.id();
    let mut connection = Connection::new(id, name, kind);
    connection.fastpath = fastpath;
    m.design.connections.push(connection);
    Ok(())
}

/// `x-a-to-b` and `x-b-to-a` (the export's two directions) are `x`.
fn strip_direction(name: &str) -> String {
    for suffix in naming::vnet_to_vnet("") {
        if let Some(base) = name.strip_suffix(suffix.as_str()) {
            return base.to_string();
        }
    }
    name.to_string()
}

fn firewall_policy(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let always = p
        .get("snat")
        .and_then(|s| s.get("privateRanges"))
        .map(|n| n.items())
        .unwrap_or_default()
        .iter()
        .any(|n| n.value.as_str() == Some("255.255.255.255/32"));
    if let Some(sku) = p.get("sku") {
        let _ = sku.get("tier");
    }
    let _ = p.get("threatIntelMode");
    m.policies.insert(r.key.clone(), (always, Vec::new()));
    Ok(())
}

fn rule_collection_group(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let group_priority = p.get("priority").map(|n| n.int()).transpose()?.unwrap_or(0);
    let mut rules = Vec::new();
    for c in p
        .get("ruleCollections")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let priority = c.get("priority").map(|n| n.int()).transpose()?.unwrap_or(0);
        let action = collection_action(&c)?;
        let _ = c.get("ruleCollectionType");
        let _ = c.get("name");
        for rule in c.get("rules").map(|n| n.items()).unwrap_or_default() {
            if !rule
                .text_at("ruleType")?
                .unwrap_or("NetworkRule")
                .eq_ignore_ascii_case("NetworkRule")
            {
                m.report.note(
                    NoteKind::NotModelled,
                    rule.path(),
                    "only network rules are modelled".into(),
                );
                continue;
            }
            if let Some(fr) = firewall_rule(m, &rule, action, "ipProtocols")? {
                rules.push((group_priority, priority, rules.len(), fr));
            }
        }
    }
    match m.policies.get_mut(&key_parent(&r.key)) {
        Some((_, all)) => all.extend(rules),
        None => {
            return Err(p.invalid(&format!(
                "the firewall policy '{}' of this group is not declared",
                r.names[0]
            )))
        }
    }
    Ok(())
}

fn firewall_rule(
    m: &mut Mapping,
    rule: &Node,
    action: Access,
    protocols: &str,
) -> Result<Option<FirewallRule>, ImportError> {
    let name = rule.text_at("name")?.unwrap_or_default().to_string();
    let list = |k: &str| rule.get(k).map(|n| n.items()).unwrap_or_default();
    let protocol_items = list(protocols);
    let protocol = match protocol_items.as_slice() {
        [one] => protocol(one.text()?),
        _ => Some(Protocol::Any),
    };
    let Some(protocol) = protocol else {
        m.report.note(
            NoteKind::NotModelled,
            rule.path(),
            format!("firewall rule '{name}': protocol not modelled; left out"),
        );
        return Ok(None);
    };
    let mut prefixes = |k: &str| -> Result<Option<Vec<Ipv4Net>>, ImportError> {
        let mut out = Vec::new();
        for n in list(k) {
            let t = n.text()?;
            match t
                .trim()
                .parse::<Ipv4Net>()
                .or_else(|_| t.trim().parse::<Ipv4Addr>().map(Ipv4Net::from))
            {
                Ok(p) => out.push(p),
                Err(_) if t.trim() == "*" => out.push(Ipv4Net::default()),
                Err(_) => {
                    m.report.note(
                        NoteKind::NotModelled,
                        n.path(),
                        format!(
                            "firewall rule '{name}': {t:?} is not modelled; the rule is left out"
                        ),
                    );
                    return Ok(None);
                }
            }
        }
        Ok(Some(out))
    };
    let (Some(sources), Some(destinations)) = (
        prefixes("sourceAddresses")?,
        prefixes("destinationAddresses")?,
    ) else {
        return Ok(None);
    };
    let ports = list("destinationPorts")
        .iter()
        .map(|n| {
            n.text()
                .and_then(|t| t.trim().parse::<PortRange>().map_err(|e| n.invalid(&e)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(FirewallRule {
        name,
        action,
        protocol,
        sources,
        destinations,
        ports,
    }))
}

fn firewall(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let configs = p
        .get("ipConfigurations")
        .map(|n| n.items())
        .unwrap_or_default();
    let Some(config) = configs.first() else {
        return Err(p.invalid("the firewall has no ipConfigurations"));
    };
    let cprops = config.get("properties").unwrap_or(config.clone());
    let Some(subnet_id) = cprops.id_at("subnet")? else {
        return Err(cprops.invalid("the firewall's IP configuration has no subnet"));
    };
    let _ = cprops.id_at("publicIPAddress")?;
    let location = m.location(r, p).ok();
    let region = location.map(|l| m.region(&l));
    let subnet = m.subnet_ref(subnet_id, &cprops, region)?;
    let id = m.id();
    let mut fw = Firewall::new(id, r.name().to_string(), subnet);
    if let Some(sku) = p.get("sku") {
        let _ = (sku.get("name"), sku.get("tier"));
    }
    let _ = p.get("threatIntelMode");
    if let Some(policy) = p.id_at("firewallPolicy")? {
        match m.policies.get(&key(policy)) {
            Some((always, rules)) => {
                fw.always_snat = *always;
                let mut rules = rules.clone();
                rules.sort_by_key(|(g, c, n, _)| (*g, *c, *n));
                fw.rules = rules.into_iter().map(|(_, _, _, r)| r).collect();
            }
            None => m.report.note(NoteKind::External, format!("{}.firewallPolicy", p.path()), format!("the firewall policy {policy:?} is not declared here; the firewall has no rules (it denies everything)")),
        }
    }
    // Classic rules, on the firewall itself.
    let mut classic = Vec::new();
    for c in p
        .get("networkRuleCollections")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let props = c.get("properties").unwrap_or(c.clone());
        let priority = props
            .get("priority")
            .map(|n| n.int())
            .transpose()?
            .unwrap_or(0);
        let action = collection_action(&props)?;
        for rule in props.get("rules").map(|n| n.items()).unwrap_or_default() {
            if let Some(fr) = firewall_rule(m, &rule, action, "protocols")? {
                classic.push((priority, classic.len(), fr));
            }
        }
    }
    classic.sort_by_key(|(p, n, _)| (*p, *n));
    fw.rules.extend(classic.into_iter().map(|(_, _, r)| r));
    m.design.firewalls.push(fw);
    Ok(())
}

fn load_balancer(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let frontends = p
        .get("frontendIPConfigurations")
        .map(|n| n.items())
        .unwrap_or_default();
    let Some(front) = frontends.first() else {
        return Err(p.invalid("the load balancer has no frontendIPConfigurations"));
    };
    let fprops = front.get("properties").unwrap_or(front.clone());
    let _ = front.get("name");
    let Some(subnet_id) = fprops.id_at("subnet")? else {
        m.report.note(NoteKind::NotModelled, r.path.clone(), format!("load balancer '{}' is public (no subnet): only internal load balancers are modelled", r.name()));
        return Ok(());
    };
    let location = m.location(r, p).ok();
    let region = location.map(|l| m.region(&l));
    let subnet = m.subnet_ref(subnet_id, &fprops, region)?;
    let _ = fprops.get("privateIPAllocationMethod");
    let frontend_ip = fprops.get("privateIPAddress").map(|n| ip(&n)).transpose()?;
    let sku = r
        .sku
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or("Basic")
        .to_string();
    let mut probes = Vec::new();
    for probe in p.get("probes").map(|n| n.items()).unwrap_or_default() {
        let name = probe.text_at("name")?.unwrap_or_default().to_string();
        let props = probe.get("properties").unwrap_or(probe.clone());
        let port = props
            .get("port")
            .ok_or_else(|| props.invalid("the probe has no port"))?;
        let _ = props.get("intervalInSeconds");
        let _ = props.get("numberOfProbes");
        probes.push(LbProbe {
            name,
            protocol: props
                .text_at("protocol")?
                .and_then(protocol)
                .unwrap_or(Protocol::Tcp),
            port: u16::try_from(port.int()?).map_err(|_| port.invalid("is not a port"))?,
        });
    }
    let mut rules = Vec::new();
    for rule in p
        .get("loadBalancingRules")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let name = rule.text_at("name")?.unwrap_or_default().to_string();
        let props = rule.get("properties").unwrap_or(rule.clone());
        let port = |k: &str| -> Result<u16, ImportError> {
            let n = props
                .get(k)
                .ok_or_else(|| props.invalid(&format!("the rule has no {k}")))?;
            u16::try_from(n.int()?).map_err(|_| n.invalid("is not a port"))
        };
        let probe = props
            .id_at("probe")?
            .and_then(parse_id)
            .and_then(|(_, names)| names.last().cloned());
        let _ = props.id_at("frontendIPConfiguration")?;
        let _ = props.id_at("backendAddressPool")?;
        let _ = props.get("enableFloatingIP");
        rules.push(LbRule {
            name,
            protocol: props
                .text_at("protocol")?
                .and_then(protocol)
                .unwrap_or(Protocol::Tcp),
            frontend_port: port("frontendPort")?,
            backend_port: port("backendPort")?,
            probe,
        });
    }
    for pool in p
        .get("backendAddressPools")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let _ = pool.get("name");
    }
    let id = m.id();
    m.design.load_balancers.push(LoadBalancer {
        id,
        name: r.name().to_string(),
        subnet,
        sku,
        frontend_ip,
        backends: Vec::new(),
        rules,
        probes,
        layout: Point::default(),
    });
    m.load_balancers.insert(r.key.clone(), id);
    Ok(())
}

fn nic(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let configs = p
        .get("ipConfigurations")
        .map(|n| n.items())
        .unwrap_or_default();
    let mut nic = Nic {
        name: r.name().to_string(),
        subnet: None,
        address: None,
        forwarding: p
            .get("enableIPForwarding")
            .map(|n| n.boolean())
            .transpose()?
            .unwrap_or(false),
        pools: Vec::new(),
    };
    if let Some(config) = configs.first() {
        let props = config.get("properties").unwrap_or(config.clone());
        let _ = config.get("name");
        nic.subnet = props.id_at("subnet")?.map(str::to_string);
        let _ = props.get("privateIPAllocationMethod");
        nic.address = props.get("privateIPAddress").map(|n| ip(&n)).transpose()?;
        for pool in props
            .get("loadBalancerBackendAddressPools")
            .map(|n| n.items())
            .unwrap_or_default()
        {
            if let Some(id) = pool.get("id") {
                nic.pools.push(id.text()?.to_string());
            }
        }
    }
    m.nics.insert(r.key.clone(), nic);
    Ok(())
}

fn virtual_machine(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let name = r.name().to_string();
    let nic_ref = p
        .get("networkProfile")
        .and_then(|n| n.get("networkInterfaces"))
        .and_then(|n| n.items().into_iter().next());
    let nic = match &nic_ref {
        Some(n) => {
            let id = n.get("id").map(|i| i.text()).transpose()?;
            id.and_then(|id| m.nics.get(&key(id)).cloned())
        }
        None => None,
    };
    let listed = m.no_forwarding.contains(name.as_str());
    let Some(nic) = nic.filter(|n| n.forwarding || listed) else {
        m.report.note(
            NoteKind::NotModelled,
            r.path.clone(),
            format!("virtual machine '{name}' does not forward IP traffic: a workload VM, not an NVA, is not modelled (mark its subnet as holding Luna clients if it runs them)"),
        );
        return Ok(());
    };
    let Some(subnet_id) = &nic.subnet else {
        return Err(p.invalid(&format!(
            "the NIC '{}' of VM '{name}' has no subnet",
            nic.name
        )));
    };
    let location = m.location(r, p).ok();
    let region = location.map(|l| m.region(&l));
    let subnet = m.subnet_ref(subnet_id, p, region)?;
    let id = m.id();
    let mut nva = Nva::new(id, name.clone(), subnet, nic.address);
    nva.ip_forwarding = nic.forwarding;
    nva.snat = !m.no_snat.contains(name.as_str());
    if let Some(size) = p
        .get("hardwareProfile")
        .and_then(|h| h.text_at("vmSize").transpose())
    {
        nva.vm_size = size?.to_string();
    }
    m.design.nvas.push(nva);
    for pool in &nic.pools {
        let lb_key = key_parent(&key(pool));
        if let Some(&lb) = m.load_balancers.get(&lb_key) {
            if let Some(lb) = m.design.load_balancers.iter_mut().find(|l| l.id == lb) {
                lb.backends.push(id);
            }
        }
    }
    Ok(())
}

fn hsm(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let name = r.name().to_string();
    let network = p
        .get("networkProfile")
        .ok_or_else(|| p.invalid(&format!("HSM '{name}' has no networkProfile")))?;
    let Some(subnet_id) = network.id_at("subnet")? else {
        return Err(network.invalid(&format!(
            "HSM '{name}' has no subnet (networkProfile.subnet.id or .resourceId)"
        )));
    };
    let location = m.location(r, p).ok();
    let region = location.map(|l| m.region(&l));
    let subnet = m.subnet_ref(subnet_id, &network, region)?;
    let stamp = p.text_at("stampId")?.unwrap_or("").to_string();
    let id = m.id();
    let mut h = Hsm::new(id, name.clone(), subnet, stamp);
    if let Some(sku) = r
        .sku
        .get("name")
        .or_else(|| super::eval::field(&r.sku, "name"))
        .and_then(|v| v.as_str())
    {
        h.sku = sku.to_string();
    }
    // Host addresses: the first is `private_ip`; a payShield's further ones (its host NIC's
    // other interfaces) are kept when pinned. An interface without an address is dynamic:
    // Azure assigns it, and the design leaves it out.
    let mut host = addresses_of(m, &network)?.into_iter();
    h.private_ip = host.next().flatten();
    h.more_host_ips = host.flatten().collect();
    if let Some(management) = p.get("managementNetworkProfile") {
        h.management_nic = true;
        if let Some(id) = management.id_at("subnet")? {
            let own = m.subnet_ref(id, &management, region)?;
            h.management_subnet = (own != subnet).then_some(own);
        }
        let addresses = addresses_of(m, &management)?;
        if addresses.len() > 1 {
            m.report.note(
                NoteKind::NotModelled,
                format!("{}.networkInterfaces[1]", management.path()),
                "a management NIC has one address: only the first is kept".into(),
            );
        }
        h.management_ip = addresses.into_iter().next().flatten();
    }
    h.ntls_ip_check = !m.no_ip_check.contains(name.as_str());
    m.design.hsms.push(h);
    Ok(())
}

/// The private address of each interface of an HSM network profile, in order: written, or
/// through the NIC it names; `None` means Azure assigns it.
fn addresses_of(m: &mut Mapping, network: &Node) -> Result<Vec<Option<Ipv4Addr>>, ImportError> {
    let nics = network
        .get("networkInterfaces")
        .map(|n| n.items())
        .unwrap_or_default();
    let mut out = Vec::with_capacity(nics.len());
    for nic in &nics {
        out.push(address_of(m, nic)?);
    }
    Ok(out)
}

/// The private address of one interface of an HSM network profile.
fn address_of(m: &mut Mapping, nic: &Node) -> Result<Option<Ipv4Addr>, ImportError> {
    if let Some(a) = nic.get("privateIpAddress") {
        // An empty address is how some exports write a dynamic one.
        if a.value.as_str().is_some_and(|t| t.trim().is_empty()) {
            return Ok(None);
        }
        return ip(&a).map(Some);
    }
    if let Some(id) = nic.get("id") {
        let id = id.text()?;
        if let Some(known) = m.nics.get(&key(id)) {
            return Ok(known.address);
        }
        m.report.note(
            NoteKind::External,
            nic.path(),
            format!("the NIC {id:?} is not in the file: the HSM's address is taken as dynamic"),
        );
    }
    Ok(None)
}

fn peering(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let vnet_key = key_parent(&r.key);
    if !m.vnets.contains_key(&vnet_key) {
        return Err(p.invalid(&format!(
            "the VNet '{}' of this peering is not declared",
            r.names[0]
        )));
    }
    add_peering_side(m, &vnet_key, r.name(), p)
}

/// One side of a peering; the two sides of a pair of VNets make one peering, its `a` the VNet
/// of the side met first.
fn add_peering_side(
    m: &mut Mapping,
    vnet_key: &str,
    _name: &str,
    p: &Node,
) -> Result<(), ImportError> {
    let Some(remote) = p.id_at("remoteVirtualNetwork")? else {
        return Err(p.invalid("the peering has no remoteVirtualNetwork"));
    };
    let own_index = m.vnets[vnet_key];
    let own = m.design.vnets[own_index].id;
    let remote_key = key(remote);
    let remote_index = match m.vnets.get(&remote_key) {
        Some(i) => *i,
        None => {
            let name = parse_id(remote)
                .and_then(|(_, n)| n.first().cloned())
                .unwrap_or_else(|| remote.to_string());
            let region = Some(m.design.vnets[own_index].region);
            let at = p.clone();
            let i = m.external_vnet(&remote_key, &name, region, &at, remote);
            // An export says what the remote VNet holds.
            if let Some(space) = p
                .get("remoteAddressSpace")
                .and_then(|a| a.get("addressPrefixes"))
            {
                m.design.vnets[i].address_space = space
                    .items()
                    .iter()
                    .filter_map(|n| prefix(n).ok())
                    .collect();
            }
            i
        }
    };
    let remote = m.design.vnets[remote_index].id;
    let side = PeeringSide {
        allow_forwarded_traffic: p
            .get("allowForwardedTraffic")
            .map(|n| n.boolean())
            .transpose()?
            .unwrap_or(false),
        allow_gateway_transit: p
            .get("allowGatewayTransit")
            .map(|n| n.boolean())
            .transpose()?
            .unwrap_or(false),
        use_remote_gateways: p
            .get("useRemoteGateways")
            .map(|n| n.boolean())
            .transpose()?
            .unwrap_or(false),
    };
    if let Some(n) = p
        .get("allowVirtualNetworkAccess")
        .filter(|n| n.value.as_bool() == Some(false))
    {
        m.report.note(
            NoteKind::NotModelled,
            n.path(),
            "a peering without VNet access is not modelled (taken as allowed)".into(),
        );
    }
    let pair = if own.0 <= remote.0 {
        (own, remote)
    } else {
        (remote, own)
    };
    match m.peerings.get(&pair) {
        Some(&i) => {
            let peering = &mut m.design.peerings[i];
            if peering.a == own {
                peering.a_to_b = side;
            } else {
                peering.b_to_a = side;
            }
        }
        None => {
            let (a, b) = (
                m.design.vnets[own_index].name.clone(),
                m.design.vnets[remote_index].name.clone(),
            );
            let name = m
                .peering_names
                .get(&(a.as_str(), b.as_str()))
                .map(|n| n.to_string())
                .unwrap_or_else(|| default_peering_name(&a, &b));
            let id = m.id();
            let mut peering = Peering::new(id, name, own, remote);
            peering.a_to_b = side;
            m.peerings.insert(pair, m.design.peerings.len());
            m.design.peerings.push(peering);
        }
    }
    Ok(())
}
