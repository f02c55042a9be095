//! Builds the [`Template`] of a design: one function per kind of element, in the order the
//! template lists them. Nothing here knows ARM or Bicep syntax.
//!
//! A reference the design cannot resolve (possible only in a design built in code, since
//! loading refuses dangling ids) is left out rather than guessed; the checks run before export
//! make that case rare and it never panics.

use super::{Options, Parameter, Ref, Resource, Template, Val, COMPUTE_API, NETWORK_API};
use crate::hashing::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::import::facts::Facts;
use crate::model::{
    Access, ConnectionKind, Design, Direction, GatewayKind, Id, NextHop, Protocol, PublicIpSku,
    Vnet, VpnType,
};
use crate::naming::{self, LB_BACKEND_POOL, LB_FRONTEND, RULE_COLLECTION_GROUP};

const VNETS: &str = "Microsoft.Network/virtualNetworks";
const PEERINGS: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";
const NSGS: &str = "Microsoft.Network/networkSecurityGroups";
const ROUTE_TABLES: &str = "Microsoft.Network/routeTables";
const PUBLIC_IPS: &str = "Microsoft.Network/publicIPAddresses";
const GATEWAYS: &str = "Microsoft.Network/virtualNetworkGateways";
const LOCAL_GATEWAYS: &str = "Microsoft.Network/localNetworkGateways";
const CONNECTIONS: &str = "Microsoft.Network/connections";
const CIRCUITS: &str = "Microsoft.Network/expressRouteCircuits";
const CIRCUIT_PEERINGS: &str = "Microsoft.Network/expressRouteCircuits/peerings";
const FIREWALLS: &str = "Microsoft.Network/azureFirewalls";
const POLICIES: &str = "Microsoft.Network/firewallPolicies";
/// The firewall policy's "private range" that makes Azure Firewall SNAT every destination.
const ALWAYS_SNAT_RANGE: &str = "255.255.255.255/32";
/// Threat-intelligence filtering on every firewall: drop, not only log, known-malicious traffic.
const THREAT_INTEL_MODE: &str = "Deny";
const RULE_GROUPS: &str = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";
const LOAD_BALANCERS: &str = "Microsoft.Network/loadBalancers";
const NICS: &str = "Microsoft.Network/networkInterfaces";
const VMS: &str = "Microsoft.Compute/virtualMachines";
const HSMS: &str = "Microsoft.HardwareSecurityModules/dedicatedHSMs";

/// The NVAs' administrator account; its only credential is the SSH key parameter.
const NVA_ADMIN: &str = "azureuser";
const SSH_KEY_PARAM: &str = "nvaAdminSshPublicKey";

/// An object from `key: value` pairs, keys in writing order.
macro_rules! obj {
    ($($k:literal : $v:expr),* $(,)?) => {
        Val::Obj(vec![$(($k, Val::from($v))),*])
    };
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Str(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Str(s)
    }
}
impl From<bool> for Val {
    fn from(b: bool) -> Val {
        Val::Bool(b)
    }
}
impl From<i64> for Val {
    fn from(n: i64) -> Val {
        Val::Int(n)
    }
}
impl From<Vec<Val>> for Val {
    fn from(items: Vec<Val>) -> Val {
        Val::Arr(items)
    }
}
impl From<Ref> for Val {
    fn from(r: Ref) -> Val {
        Val::Ref(r)
    }
}

// After `obj!`, which it uses.
mod cloud;

fn strs<T: ToString>(items: &[T]) -> Val {
    Val::Arr(items.iter().map(|i| Val::Str(i.to_string())).collect())
}

struct Builder<'d> {
    design: &'d Design,
    options: &'d Options,
    parameters: Vec<Parameter>,
    resources: Vec<Resource>,
    /// Every symbol taken, lower-cased (parameters and resources share Bicep's namespace).
    taken: HashSet<String>,
    /// The resource symbol of each element that becomes one main resource.
    symbol: HashMap<Id, String>,
    /// The location parameter of each region.
    location: HashMap<Id, String>,
    /// The symbol of each circuit's private peering.
    circuit_peering: HashMap<Id, String>,
}

pub(super) fn build(design: &Design, options: &Options) -> Template {
    let mut b = Builder {
        design,
        options,
        parameters: Vec::new(),
        resources: Vec::new(),
        taken: HashSet::new(),
        symbol: HashMap::new(),
        location: HashMap::new(),
        circuit_peering: HashMap::new(),
    };
    b.locations();
    b.nsgs();
    b.route_tables();
    b.vnets();
    b.gateways();
    let local_gateways = b.local_gateways();
    b.circuits();
    b.connections(&local_gateways);
    b.firewalls();
    b.load_balancers();
    b.nvas();
    b.hsms();
    b.cloud_hsm();
    b.peerings();
    let mut metadata = vec![("name".to_string(), design.name.clone())];
    if !design.description.is_empty() {
        metadata.push(("description".to_string(), design.description.clone()));
    }
    if design.hsms.iter().any(|h| h.is_payment()) {
        metadata.push(("paymentHsm".to_string(), PAYMENT_HSM_NOTE.to_string()));
    }
    Template {
        metadata,
        facts: Facts::of(design),
        parameters: b.parameters,
        resources: b.resources,
    }
}

/// What a deployment of payment HSMs needs beyond the template, written into its metadata (and
/// shown by the studio's download dialog): the subscription feature a template cannot register.
pub const PAYMENT_HSM_NOTE: &str = "Before deploying: register the FastPathEnabled feature \
     (Microsoft.Network) on every subscription that connects to a payment HSM \
     (az feature register --namespace Microsoft.Network --name FastPathEnabled) and have it \
     approved; the fastpathenabled tag on the VNets works only then. Register the \
     Microsoft.HardwareSecurityModules provider and its AzureDedicatedHsm feature too.";

/// A valid identifier from a prefix and a name: `vnet_hub_vnet`.
fn identifier(prefix: &str, name: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + name.len() + 1);
    out.push_str(prefix);
    out.push('_');
    let mut last_underscore = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            last_underscore = false;
        } else if !last_underscore {
            out.push('_');
            last_underscore = true;
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

impl<'d> Builder<'d> {
    /// A fresh symbol, unique ignoring case.
    fn fresh(&mut self, prefix: &str, name: &str) -> String {
        let base = identifier(prefix, name);
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.taken.insert(candidate.to_ascii_lowercase()) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        candidate
    }

    fn parameter(
        &mut self,
        prefix: &str,
        name: &str,
        secure: bool,
        default: Option<String>,
        description: String,
    ) -> String {
        let symbol = self.fresh(prefix, name);
        self.parameters.push(Parameter {
            name: symbol.clone(),
            secure,
            default,
            description,
        });
        symbol
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        symbol: String,
        kind: &'static str,
        api_version: &'static str,
        parent: Option<String>,
        name: String,
        location: Option<Val>,
        sku: Option<Val>,
        properties: Val,
        depends_on: Vec<String>,
    ) {
        self.resources.push(Resource {
            symbol,
            kind,
            api_version,
            parent,
            name,
            location,
            sku,
            properties,
            tags: Vec::new(),
            depends_on,
        });
    }

    fn sym(&self, id: Id) -> Option<&str> {
        self.symbol.get(&id).map(String::as_str)
    }

    /// One `location` parameter per region; the first is `location`.
    fn locations(&mut self) {
        let design = self.design;
        if design.regions.is_empty() {
            self.taken.insert("location".to_string());
            self.parameters.push(Parameter {
                name: "location".to_string(),
                secure: false,
                default: None,
                description: "The Azure location of the deployment.".to_string(),
            });
        }
        for (n, region) in design.regions.iter().enumerate() {
            // Resource symbols all hold an underscore, so these never clash with them.
            let name = if n == 0 {
                "location".to_string()
            } else {
                format!("location{}", n + 1)
            };
            self.taken.insert(name.to_ascii_lowercase());
            self.parameters.push(Parameter {
                name: name.clone(),
                secure: false,
                default: Some(region.location.clone()),
                description: format!("The Azure location of region '{}'.", region.name),
            });
            self.location.insert(region.id, name);
        }
    }

    /// The location parameter of a VNet's region (the first region's when unknown).
    fn vnet_location(&self, vnet: &Vnet) -> Val {
        Val::Param(
            self.location
                .get(&vnet.region)
                .cloned()
                .unwrap_or_else(|| "location".to_string()),
        )
    }

    fn subnet_location(&self, subnet: Id) -> Val {
        match self.design.vnet_of_subnet(subnet) {
            Some(v) => self.vnet_location(v),
            None => Val::Param("location".to_string()),
        }
    }

    /// `{"id": <subnet>}`.
    fn subnet_ref(&self, subnet: Id) -> Option<Ref> {
        let (vnet, s) = self.design.subnet(subnet)?;
        let vnet = self.sym(vnet.id)?;
        Some(Ref::child(vnet, "subnets", &s.name))
    }

    fn nsgs(&mut self) {
        for nsg in &self.design.nsgs {
            let rules: Vec<Val> = nsg
                .rules
                .iter()
                .map(|r| {
                    obj! {
                        "name": r.name.as_str(),
                        "properties": obj! {
                            "priority": i64::from(r.priority),
                            "direction": match r.direction {
                                Direction::Inbound => "Inbound",
                                Direction::Outbound => "Outbound",
                            },
                            "access": access(r.access),
                            "protocol": match r.protocol {
                                Protocol::Tcp => "Tcp",
                                Protocol::Udp => "Udp",
                                Protocol::Icmp => "Icmp",
                                Protocol::Any => "*",
                            },
                            "sourceAddressPrefix": r.source.to_string(),
                            "sourcePortRange": "*",
                            "destinationAddressPrefix": r.destination.to_string(),
                            "destinationPortRange": r.destination_ports.to_string(),
                        },
                    }
                })
                .collect();
            let symbol = self.fresh("nsg", &nsg.name);
            self.symbol.insert(nsg.id, symbol.clone());
            let location = self.policy_location(nsg.id);
            self.push(
                symbol,
                NSGS,
                NETWORK_API,
                None,
                nsg.name.clone(),
                Some(location),
                None,
                obj! { "securityRules": rules },
                vec![],
            );
        }
    }

    /// An NSG or route table lives in the location of the first subnet that uses it.
    fn policy_location(&self, policy: Id) -> Val {
        self.design
            .vnets
            .iter()
            .find(|v| {
                v.subnets
                    .iter()
                    .any(|s| s.nsg == Some(policy) || s.route_table == Some(policy))
            })
            .or_else(|| self.design.vnets.first())
            .map(|v| self.vnet_location(v))
            .unwrap_or_else(|| Val::Param("location".to_string()))
    }

    fn route_tables(&mut self) {
        for table in &self.design.route_tables {
            let routes: Vec<Val> = table
                .routes
                .iter()
                .map(|r| {
                    let mut props = vec![
                        ("addressPrefix", Val::Str(r.prefix.to_string())),
                        (
                            "nextHopType",
                            Val::str(match r.next_hop {
                                NextHop::VirtualAppliance => "VirtualAppliance",
                                NextHop::VirtualNetworkGateway => "VirtualNetworkGateway",
                                NextHop::VnetLocal => "VnetLocal",
                                NextHop::Internet => "Internet",
                                NextHop::None => "None",
                            }),
                        ),
                    ];
                    if let (NextHop::VirtualAppliance, Some(ip)) = (r.next_hop, r.next_hop_ip) {
                        props.push(("nextHopIpAddress", Val::Str(ip.to_string())));
                    }
                    obj! { "name": r.name.as_str(), "properties": Val::Obj(props) }
                })
                .collect();
            let symbol = self.fresh("rt", &table.name);
            self.symbol.insert(table.id, symbol.clone());
            let location = self.policy_location(table.id);
            self.push(
                symbol,
                ROUTE_TABLES,
                NETWORK_API,
                None,
                table.name.clone(),
                Some(location),
                None,
                obj! {
                    "disableBgpRoutePropagation": !table.bgp_propagation,
                    "routes": routes,
                },
                vec![],
            );
        }
    }

    fn vnets(&mut self) {
        for vnet in &self.design.vnets {
            let symbol = self.fresh("vnet", &vnet.name);
            self.symbol.insert(vnet.id, symbol.clone());
            let subnets: Vec<Val> = vnet
                .subnets
                .iter()
                .map(|s| {
                    let mut props = vec![("addressPrefix", Val::Str(s.prefix.to_string()))];
                    if let Some(service) = &s.delegation {
                        props.push((
                            "delegations",
                            Val::Arr(vec![obj! {
                                "name": "delegation",
                                "properties": obj! { "serviceName": service.as_str() },
                            }]),
                        ));
                    }
                    if let Some(nsg) = s.nsg.and_then(|n| self.sym(n)) {
                        props.push(("networkSecurityGroup", Val::id(Ref::to(nsg))));
                    }
                    if let Some(rt) = s.route_table.and_then(|r| self.sym(r)) {
                        props.push(("routeTable", Val::id(Ref::to(rt))));
                    }
                    obj! { "name": s.name.as_str(), "properties": Val::Obj(props) }
                })
                .collect();
            let location = self.vnet_location(vnet);
            self.push(
                symbol,
                VNETS,
                NETWORK_API,
                None,
                vnet.name.clone(),
                Some(location),
                None,
                obj! {
                    "addressSpace": obj! { "addressPrefixes": strs(&vnet.address_space) },
                    "subnets": subnets,
                },
                vec![],
            );
            if let Some(r) = self.resources.last_mut() {
                r.tags = vnet
                    .tags
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
            }
        }
    }

    /// A static public IP named `name` of the SKU given (Standard unless a gateway kept a
    /// Basic one); returns its symbol.
    fn public_ip(&mut self, name: String, sku: PublicIpSku, location: Val) -> String {
        let symbol = self.fresh("pip", &name);
        self.push(
            symbol.clone(),
            PUBLIC_IPS,
            NETWORK_API,
            None,
            name,
            Some(location),
            Some(obj! { "name": sku.as_str(), "tier": "Regional" }),
            obj! {
                "publicIPAllocationMethod": "Static",
                "publicIPAddressVersion": "IPv4",
            },
            vec![],
        );
        symbol
    }

    fn gateways(&mut self) {
        // Two gateways in one GatewaySubnet are created one after the other.
        let mut previous_in_vnet: HashMap<Id, String> = HashMap::new();
        for gateway in &self.design.gateways {
            let Some(subnet) = self.subnet_ref(gateway.subnet) else {
                continue;
            };
            let location = self.subnet_location(gateway.subnet);
            let sku = gateway.public_ip_sku;
            let pip = self.public_ip(naming::public_ip(&gateway.name), sku, location.clone());
            // Azure requires an active-active gateway's second instance to have its own IP
            // configuration and public IP.
            let second = gateway.is_active_active().then(|| {
                let name = naming::second_public_ip(&gateway.name);
                self.public_ip(name, sku, location.clone())
            });
            let symbol = self.fresh("gw", &gateway.name);
            self.symbol.insert(gateway.id, symbol.clone());
            let config = |name: &str, pip: &str| {
                obj! {
                    "name": name,
                    "properties": obj! {
                        "privateIPAllocationMethod": "Dynamic",
                        "subnet": Val::id(subnet.clone()),
                        "publicIPAddress": Val::id(Ref::to(pip)),
                    },
                }
            };
            let mut configs = vec![config("default", &pip)];
            configs.extend(second.as_deref().map(|pip| config("activeActive", pip)));
            let mut props = vec![
                (
                    "gatewayType",
                    Val::str(match gateway.kind {
                        GatewayKind::ExpressRoute => "ExpressRoute",
                        GatewayKind::Vpn => "Vpn",
                    }),
                ),
                (
                    "sku",
                    obj! { "name": gateway.sku.as_str(), "tier": gateway.sku.as_str() },
                ),
                ("ipConfigurations", Val::Arr(configs)),
            ];
            if gateway.kind == GatewayKind::Vpn {
                props.push(("activeActive", Val::Bool(gateway.is_active_active())));
                let vpn_type = match gateway.vpn_type.unwrap_or(VpnType::RouteBased) {
                    VpnType::RouteBased => "RouteBased",
                    VpnType::PolicyBased => "PolicyBased",
                };
                props.push(("vpnType", Val::str(vpn_type)));
                props.push(("enableBgp", Val::Bool(false)));
                if let Some(pool) = gateway.p2s_pool {
                    props.push((
                        "vpnClientConfiguration",
                        obj! {
                            "vpnClientAddressPool": obj! {
                                "addressPrefixes": strs(&[pool]),
                            },
                            "vpnClientProtocols": strs(&["OpenVPN", "IkeV2"]),
                            "vpnAuthenticationTypes": strs(&["Certificate"]),
                        },
                    ));
                }
            }
            let vnet = self.design.vnet_of_subnet(gateway.subnet).map(|v| v.id);
            let mut depends_on = vec![];
            if let Some(vnet) = vnet {
                if let Some(previous) = previous_in_vnet.insert(vnet, symbol.clone()) {
                    depends_on.push(previous);
                }
            }
            self.push(
                symbol,
                GATEWAYS,
                NETWORK_API,
                None,
                gateway.name.clone(),
                Some(location),
                None,
                Val::Obj(props),
                depends_on,
            );
        }
    }

    /// Returns the symbol of each (site, location) local network gateway.
    fn local_gateways(&mut self) -> HashMap<(Id, String), String> {
        let mut out = HashMap::new();
        for lng in naming::local_gateways(self.design) {
            let Some(site) = self.design.site(lng.site) else {
                continue;
            };
            let location = self
                .design
                .regions
                .iter()
                .find(|r| r.location == lng.location)
                .and_then(|r| self.location.get(&r.id).cloned())
                .unwrap_or_else(|| "location".to_string());
            let mut props = vec![(
                "localNetworkAddressSpace",
                obj! { "addressPrefixes": strs(&site.prefixes) },
            )];
            if let Some(ip) = site.vpn_device_ip {
                props.push(("gatewayIpAddress", Val::Str(ip.to_string())));
            }
            let symbol = self.fresh("lng", &lng.name);
            out.insert((lng.site, lng.location.clone()), symbol.clone());
            self.push(
                symbol,
                LOCAL_GATEWAYS,
                NETWORK_API,
                None,
                lng.name,
                Some(Val::Param(location)),
                None,
                Val::Obj(props),
                vec![],
            );
        }
        out
    }

    /// The location of the VNet of the first gateway an ExpressRoute connection joins to
    /// the circuit.
    fn circuit_location(&self, circuit: Id) -> Val {
        self.design
            .connections
            .iter()
            .find_map(|c| match c.kind {
                ConnectionKind::ExpressRoute {
                    gateway,
                    circuit: k,
                } if k == circuit => self.design.vnet_of_gateway(gateway),
                _ => None,
            })
            .map(|v| self.vnet_location(v))
            .unwrap_or_else(|| Val::Param("location".to_string()))
    }

    fn circuits(&mut self) {
        for circuit in &self.design.circuits {
            let symbol = self.fresh("erc", &circuit.name);
            self.symbol.insert(circuit.id, symbol.clone());
            let location = self.circuit_location(circuit.id);
            self.push(
                symbol.clone(),
                CIRCUITS,
                NETWORK_API,
                None,
                circuit.name.clone(),
                Some(location),
                Some(obj! {
                    "name": "Standard_MeteredData",
                    "tier": "Standard",
                    "family": "MeteredData",
                }),
                obj! {
                    "serviceProviderProperties": obj! {
                        "serviceProviderName": circuit.provider.as_str(),
                        "peeringLocation": circuit.peering_location.as_str(),
                        "bandwidthInMbps": i64::from(circuit.bandwidth_mbps),
                    },
                },
                vec![],
            );
            if let Some(p) = &circuit.private_peering {
                let peering = self.fresh("erp", &circuit.name);
                self.circuit_peering.insert(circuit.id, peering.clone());
                self.push(
                    peering,
                    CIRCUIT_PEERINGS,
                    NETWORK_API,
                    Some(symbol),
                    "AzurePrivatePeering".to_string(),
                    None,
                    None,
                    obj! {
                        "peeringType": "AzurePrivatePeering",
                        "peerASN": i64::from(p.peer_asn),
                        "vlanId": i64::from(p.vlan_id),
                        "primaryPeerAddressPrefix": p.primary_prefix.to_string(),
                        "secondaryPeerAddressPrefix": p.secondary_prefix.to_string(),
                    },
                    vec![],
                );
            }
        }
    }

    fn connections(&mut self, local_gateways: &HashMap<(Id, String), String>) {
        for c in &self.design.connections {
            match c.kind {
                ConnectionKind::SiteToSite { gateway, site } => {
                    let Some(gw) = self.sym(gateway).map(str::to_string) else {
                        continue;
                    };
                    let vnet = self.design.vnet_of_gateway(gateway);
                    let location_key = vnet
                        .and_then(|v| self.design.location_of_vnet(v))
                        .unwrap_or_default()
                        .to_string();
                    let Some(lng) = local_gateways.get(&(site, location_key)).cloned() else {
                        continue;
                    };
                    let location = self.vnet_location_or_default(vnet);
                    let key = self.parameter(
                        "sharedKey",
                        &c.name,
                        true,
                        None,
                        format!(
                            "The IPsec shared key of the site-to-site connection '{}'.",
                            c.name
                        ),
                    );
                    self.push_connection(
                        Some(c.id),
                        c.name.clone(),
                        location,
                        obj! {
                            "connectionType": "IPsec",
                            "virtualNetworkGateway1": gateway_ref(&gw),
                            "localNetworkGateway2": gateway_ref(&lng),
                            "sharedKey": Val::Param(key),
                            "connectionProtocol": "IKEv2",
                            "enableBgp": false,
                        },
                        vec![],
                    );
                }
                ConnectionKind::VnetToVnet { a, b } => {
                    let (Some(ga), Some(gb)) = (
                        self.sym(a).map(str::to_string),
                        self.sym(b).map(str::to_string),
                    ) else {
                        continue;
                    };
                    let key = self.parameter(
                        "sharedKey",
                        &c.name,
                        true,
                        None,
                        format!(
                            "The IPsec shared key of the VNet-to-VNet connection '{}' (both directions).",
                            c.name
                        ),
                    );
                    let [forward, backward] = naming::vnet_to_vnet(&c.name);
                    for (name, from, to, from_id) in
                        [(forward, &ga, &gb, a), (backward, &gb, &ga, b)]
                    {
                        let location =
                            self.vnet_location_or_default(self.design.vnet_of_gateway(from_id));
                        self.push_connection(
                            None,
                            name,
                            location,
                            obj! {
                                "connectionType": "Vnet2Vnet",
                                "virtualNetworkGateway1": gateway_ref(from),
                                "virtualNetworkGateway2": gateway_ref(to),
                                "sharedKey": Val::Param(key.clone()),
                                "enableBgp": false,
                            },
                            vec![],
                        );
                    }
                }
                ConnectionKind::ExpressRoute { gateway, circuit } => {
                    let (Some(gw), Some(erc)) = (
                        self.sym(gateway).map(str::to_string),
                        self.sym(circuit).map(str::to_string),
                    ) else {
                        continue;
                    };
                    let location =
                        self.vnet_location_or_default(self.design.vnet_of_gateway(gateway));
                    // The circuit's private peering must exist before a gateway can join it.
                    let depends_on: Vec<String> = self
                        .circuit_peering
                        .get(&circuit)
                        .cloned()
                        .into_iter()
                        .collect();
                    self.push_connection(
                        Some(c.id),
                        c.name.clone(),
                        location,
                        obj! {
                            "connectionType": "ExpressRoute",
                            "virtualNetworkGateway1": gateway_ref(&gw),
                            "peer": Val::id(Ref::to(&erc)),
                            "routingWeight": 0_i64,
                            "expressRouteGatewayBypass": c.fastpath,
                        },
                        depends_on,
                    );
                }
                // Point-to-site is the gateway's client configuration, not a resource.
                ConnectionKind::PointToSite { .. } => {}
            }
        }
    }

    /// A connection resource; `element` is the design's connection it stands for, when it is
    /// one resource (a VNet-to-VNet link is two, one per direction).
    fn push_connection(
        &mut self,
        element: Option<Id>,
        name: String,
        location: Val,
        properties: Val,
        depends_on: Vec<String>,
    ) {
        let symbol = self.fresh("conn", &name);
        if let Some(id) = element {
            self.symbol.insert(id, symbol.clone());
        }
        self.push(
            symbol,
            CONNECTIONS,
            NETWORK_API,
            None,
            name,
            Some(location),
            None,
            properties,
            depends_on,
        );
    }

    fn vnet_location_or_default(&self, vnet: Option<&Vnet>) -> Val {
        vnet.map(|v| self.vnet_location(v))
            .unwrap_or_else(|| Val::Param("location".to_string()))
    }

    fn firewalls(&mut self) {
        for fw in &self.design.firewalls {
            let Some(subnet) = self.subnet_ref(fw.subnet) else {
                continue;
            };
            let location = self.subnet_location(fw.subnet);
            let pip = self.public_ip(
                naming::public_ip(&fw.name),
                PublicIpSku::Standard,
                location.clone(),
            );
            let policy_name = naming::firewall_policy(&fw.name);
            let policy = self.fresh("fwp", &policy_name);
            // Threat intelligence denies traffic to and from known-malicious addresses and
            // domains rather than only alerting (docs/security-scan.md).
            let mut policy_properties = obj! {
                "sku": obj! { "tier": "Standard" },
                "threatIntelMode": THREAT_INTEL_MODE,
            };
            if fw.always_snat {
                // Azure Firewall keeps private sources by default; a private range that matches
                // no address is how Azure says "SNAT everything".
                if let Val::Obj(fields) = &mut policy_properties {
                    fields.push((
                        "snat",
                        obj! { "privateRanges": vec![Val::from(ALWAYS_SNAT_RANGE)] },
                    ));
                }
            }
            self.push(
                policy.clone(),
                POLICIES,
                NETWORK_API,
                None,
                policy_name,
                Some(location.clone()),
                None,
                policy_properties,
                vec![],
            );
            let mut depends_on = vec![];
            if !fw.rules.is_empty() {
                let group = self.fresh("rcg", &format!("{}_{}", fw.name, RULE_COLLECTION_GROUP));
                self.push(
                    group.clone(),
                    RULE_GROUPS,
                    NETWORK_API,
                    Some(policy.clone()),
                    RULE_COLLECTION_GROUP.to_string(),
                    None,
                    None,
                    obj! {
                        "priority": 100_i64,
                        "ruleCollections": rule_collections(fw),
                    },
                    vec![],
                );
                // The firewall takes the policy once its rules are in.
                depends_on.push(group);
            }
            let symbol = self.fresh("fw", &fw.name);
            self.symbol.insert(fw.id, symbol.clone());
            self.push(
                symbol,
                FIREWALLS,
                NETWORK_API,
                None,
                fw.name.clone(),
                Some(location),
                None,
                obj! {
                    "sku": obj! { "name": "AZFW_VNet", "tier": "Standard" },
                    // The policy's mode is the one in force; the firewall's own (classic) setting
                    // says the same, so neither reads as alert-only.
                    "threatIntelMode": THREAT_INTEL_MODE,
                    "firewallPolicy": Val::id(Ref::to(&policy)),
                    "ipConfigurations": vec![obj! {
                        "name": "default",
                        "properties": obj! {
                            "subnet": Val::id(subnet),
                            "publicIPAddress": Val::id(Ref::to(&pip)),
                        },
                    }],
                },
                depends_on,
            );
        }
    }

    fn load_balancers(&mut self) {
        for lb in &self.design.load_balancers {
            let Some(subnet) = self.subnet_ref(lb.subnet) else {
                continue;
            };
            let symbol = self.fresh("lb", &lb.name);
            self.symbol.insert(lb.id, symbol.clone());
            let mut frontend = vec![("subnet", Val::id(subnet))];
            match lb.frontend_ip {
                Some(ip) => {
                    frontend.push(("privateIPAllocationMethod", "Static".into()));
                    frontend.push(("privateIPAddress", Val::Str(ip.to_string())));
                }
                None => {
                    frontend.push(("privateIPAllocationMethod", "Dynamic".into()));
                }
            }
            let own =
                |segment: &'static str, name: &str| Val::id(Ref::child(&symbol, segment, name));
            let rules: Vec<Val> = lb
                .rules
                .iter()
                .map(|r| {
                    let mut props = vec![
                        (
                            "frontendIPConfiguration",
                            own("frontendIPConfigurations", LB_FRONTEND),
                        ),
                        (
                            "backendAddressPool",
                            own("backendAddressPools", LB_BACKEND_POOL),
                        ),
                        (
                            "protocol",
                            Val::str(match r.protocol {
                                Protocol::Tcp => "Tcp",
                                Protocol::Udp => "Udp",
                                Protocol::Icmp | Protocol::Any => "All",
                            }),
                        ),
                        ("frontendPort", Val::Int(r.frontend_port.into())),
                        ("backendPort", Val::Int(r.backend_port.into())),
                        ("enableFloatingIP", Val::Bool(false)),
                        ("idleTimeoutInMinutes", Val::Int(4)),
                    ];
                    if let Some(probe) = r
                        .probe
                        .as_deref()
                        .filter(|p| lb.probes.iter().any(|q| q.name == *p))
                    {
                        props.push(("probe", own("probes", probe)));
                    }
                    obj! { "name": r.name.as_str(), "properties": Val::Obj(props) }
                })
                .collect();
            let probes: Vec<Val> = lb
                .probes
                .iter()
                .map(|p| {
                    obj! {
                        "name": p.name.as_str(),
                        "properties": obj! {
                            "protocol": "Tcp",
                            "port": i64::from(p.port),
                            "intervalInSeconds": 5_i64,
                            "numberOfProbes": 2_i64,
                        },
                    }
                })
                .collect();
            let location = self.subnet_location(lb.subnet);
            let sku = if lb.sku.eq_ignore_ascii_case("basic") {
                "Basic"
            } else {
                "Standard"
            };
            self.push(
                symbol,
                LOAD_BALANCERS,
                NETWORK_API,
                None,
                lb.name.clone(),
                Some(location),
                Some(obj! { "name": sku, "tier": "Regional" }),
                obj! {
                    "frontendIPConfigurations": vec![obj! {
                        "name": LB_FRONTEND,
                        "properties": Val::Obj(frontend),
                    }],
                    "backendAddressPools": vec![obj! { "name": LB_BACKEND_POOL }],
                    "loadBalancingRules": rules,
                    "probes": probes,
                },
                vec![],
            );
        }
    }

    fn nvas(&mut self) {
        if self.design.nvas.is_empty() {
            return;
        }
        self.taken.insert(SSH_KEY_PARAM.to_ascii_lowercase());
        self.parameters.push(Parameter {
            name: SSH_KEY_PARAM.to_string(),
            secure: true,
            default: None,
            description: format!(
                "The SSH public key of the NVAs' administrator '{NVA_ADMIN}' (password sign-in is off)."
            ),
        });
        for nva in &self.design.nvas {
            let Some(subnet) = self.subnet_ref(nva.subnet) else {
                continue;
            };
            let location = self.subnet_location(nva.subnet);
            let pools: Vec<Val> = self
                .design
                .load_balancers
                .iter()
                .filter(|lb| lb.backends.contains(&nva.id))
                .filter_map(|lb| self.sym(lb.id))
                .map(|lb| Val::id(Ref::child(lb, "backendAddressPools", LB_BACKEND_POOL)))
                .collect();
            let mut ip = vec![("subnet", Val::id(subnet))];
            match nva.private_ip {
                Some(addr) => {
                    ip.push(("privateIPAllocationMethod", "Static".into()));
                    ip.push(("privateIPAddress", Val::Str(addr.to_string())));
                }
                None => ip.push(("privateIPAllocationMethod", "Dynamic".into())),
            }
            if !pools.is_empty() {
                ip.push(("loadBalancerBackendAddressPools", Val::Arr(pools)));
            }
            let nic_name = naming::nic(&nva.name);
            let nic = self.fresh("nic", &nic_name);
            self.push(
                nic.clone(),
                NICS,
                NETWORK_API,
                None,
                nic_name,
                Some(location.clone()),
                None,
                obj! {
                    "enableIPForwarding": nva.ip_forwarding,
                    "ipConfigurations": vec![obj! {
                        "name": "ipconfig1",
                        "properties": Val::Obj(ip),
                    }],
                },
                vec![],
            );
            let symbol = self.fresh("vm", &nva.name);
            self.symbol.insert(nva.id, symbol.clone());
            self.push(
                symbol,
                VMS,
                COMPUTE_API,
                None,
                nva.name.clone(),
                Some(location),
                None,
                obj! {
                    "hardwareProfile": obj! { "vmSize": nva.vm_size.as_str() },
                    // Disks, temporary disk and caches encrypted on the host too (needs the
                    // subscription's EncryptionAtHost feature and a size that offers it).
                    "securityProfile": obj! { "encryptionAtHost": true },
                    // Serial console output and screenshots, kept in a managed storage account.
                    "diagnosticsProfile": obj! {
                        "bootDiagnostics": obj! { "enabled": true },
                    },
                    "storageProfile": obj! {
                        "imageReference": obj! {
                            "publisher": "Canonical",
                            "offer": "ubuntu-24_04-lts",
                            "sku": "server",
                            "version": "latest",
                        },
                        "osDisk": obj! {
                            "createOption": "FromImage",
                            "managedDisk": obj! { "storageAccountType": "Premium_LRS" },
                        },
                    },
                    "osProfile": obj! {
                        "computerName": nva.name.as_str(),
                        "adminUsername": NVA_ADMIN,
                        // No VM extensions: nothing runs code on a proxy in front of the HSMs
                        // through Azure's control plane (docs/security-scan.md).
                        "allowExtensionOperations": false,
                        "linuxConfiguration": obj! {
                            "disablePasswordAuthentication": true,
                            "ssh": obj! {
                                "publicKeys": vec![obj! {
                                    "path": format!("/home/{NVA_ADMIN}/.ssh/authorized_keys"),
                                    "keyData": Val::Param(SSH_KEY_PARAM.to_string()),
                                }],
                            },
                        },
                    },
                    "networkProfile": obj! {
                        "networkInterfaces": vec![Val::id(Ref::to(&nic))],
                    },
                },
                vec![],
            );
        }
    }

    fn hsms(&mut self) {
        let version = self.options.hsm_api_version;
        for hsm in &self.design.hsms {
            let Some(subnet) = self.subnet_ref(hsm.subnet) else {
                continue;
            };
            let subnet_val = Val::Obj(vec![(version.subnet_key(), Val::Ref(subnet))]);
            let mut network = vec![("subnet", subnet_val.clone())];
            let host_ips: Vec<Val> = hsm
                .host_ips()
                .map(|ip| obj! { "privateIpAddress": ip.to_string() })
                .collect();
            if !host_ips.is_empty() {
                network.push(("networkInterfaces", Val::Arr(host_ips)));
            }
            let mut props = vec![
                ("stampId", Val::Str(hsm.stamp.clone())),
                ("networkProfile", Val::Obj(network)),
            ];
            // The management NIC's own subnet, possibly in another VNet; else the host subnet.
            let management_subnet = match hsm.management_subnet() {
                Some(s) if s != hsm.subnet => self
                    .subnet_ref(s)
                    .map(|r| Val::Obj(vec![(version.subnet_key(), Val::Ref(r))])),
                Some(_) => Some(subnet_val),
                None => None,
            };
            if let Some(subnet_val) = management_subnet {
                let mut management = vec![("subnet", subnet_val)];
                if let Some(ip) = hsm.management_ip {
                    management.push((
                        "networkInterfaces",
                        Val::Arr(vec![obj! { "privateIpAddress": ip.to_string() }]),
                    ));
                }
                props.push(("managementNetworkProfile", Val::Obj(management)));
            }
            // Deploying an HSM before its VNet's ExpressRoute gateway is ready fails.
            let depends_on: Vec<String> = match self.design.vnet_of_subnet(hsm.subnet) {
                Some(vnet) => self
                    .design
                    .gateways_in_vnet(vnet)
                    .filter(|g| g.kind == GatewayKind::ExpressRoute)
                    .filter_map(|g| self.sym(g.id).map(str::to_string))
                    .collect(),
                None => vec![],
            };
            let location = self.subnet_location(hsm.subnet);
            let symbol = self.fresh("hsm", &hsm.name);
            self.symbol.insert(hsm.id, symbol.clone());
            self.push(
                symbol,
                HSMS,
                version.as_str(),
                None,
                hsm.name.clone(),
                Some(location),
                Some(obj! { "name": hsm.sku.as_str() }),
                Val::Obj(props),
                depends_on,
            );
        }
    }

    fn peerings(&mut self) {
        for p in &self.design.peerings {
            let (Some(va), Some(vb)) = (self.design.vnet(p.a), self.design.vnet(p.b)) else {
                continue;
            };
            let (Some(sa), Some(sb)) = (
                self.sym(va.id).map(str::to_string),
                self.sym(vb.id).map(str::to_string),
            ) else {
                continue;
            };
            let name_a = naming::peering_side(&vb.name);
            let name_b = naming::peering_side(&va.name);
            let sym_a = self.fresh("peer", &format!("{}_{}", va.name, name_a));
            let sym_b = self.fresh("peer", &format!("{}_{}", vb.name, name_b));
            // A peering waits for the gateways of both VNets (a VNet is busy while a gateway
            // is created in it, and gateway transit needs the gateway).
            let gateways: Vec<String> = self
                .design
                .gateways_in_vnet(va)
                .chain(self.design.gateways_in_vnet(vb))
                .filter_map(|g| self.sym(g.id).map(str::to_string))
                .collect();
            let sides = [
                (
                    sym_a.clone(),
                    sa.clone(),
                    sb.clone(),
                    name_a,
                    p.a_to_b,
                    sym_b.clone(),
                ),
                (sym_b, sb, sa, name_b, p.b_to_a, sym_a),
            ];
            for (symbol, own, remote, name, side, other_side) in sides {
                let mut depends_on = gateways.clone();
                // Using the remote gateway needs the remote side to offer transit first.
                if side.use_remote_gateways {
                    depends_on.push(other_side);
                }
                self.push(
                    symbol,
                    PEERINGS,
                    NETWORK_API,
                    Some(own),
                    name,
                    None,
                    None,
                    obj! {
                        "remoteVirtualNetwork": Val::id(Ref::to(&remote)),
                        "allowVirtualNetworkAccess": true,
                        "allowForwardedTraffic": side.allow_forwarded_traffic,
                        "allowGatewayTransit": side.allow_gateway_transit,
                        "useRemoteGateways": side.use_remote_gateways,
                    },
                    depends_on,
                );
            }
        }
    }
}

/// A gateway reference in a connection: `{"id": …, "properties": {}}`, as the schema needs.
fn gateway_ref(symbol: &str) -> Val {
    obj! { "id": Ref::to(symbol), "properties": Val::Obj(vec![]) }
}

fn access(a: Access) -> &'static str {
    match a {
        Access::Allow => "Allow",
        Access::Deny => "Deny",
    }
}

/// A firewall's network rules as filter rule collections: consecutive rules with the same
/// action form one collection, in order, with rising priorities, so the evaluation order of the
/// design is kept.
fn rule_collections(fw: &crate::model::Firewall) -> Vec<Val> {
    let mut collections: Vec<(Access, Vec<Val>)> = Vec::new();
    for r in &fw.rules {
        let rule = obj! {
            "ruleType": "NetworkRule",
            "name": r.name.as_str(),
            "ipProtocols": strs(&[match r.protocol {
                Protocol::Tcp => "TCP",
                Protocol::Udp => "UDP",
                Protocol::Icmp => "ICMP",
                Protocol::Any => "Any",
            }]),
            "sourceAddresses": strs(&r.sources),
            "destinationAddresses": strs(&r.destinations),
            "destinationPorts": strs(&r.ports),
        };
        match collections.last_mut() {
            Some((action, rules)) if *action == r.action => rules.push(rule),
            _ => collections.push((r.action, vec![rule])),
        }
    }
    collections
        .into_iter()
        .enumerate()
        .map(|(n, (action, rules))| {
            obj! {
                "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                "name": format!("{}-{}", access(action).to_ascii_lowercase(), n + 1),
                "priority": 100 + 10 * n as i64,
                "action": obj! { "type": access(action) },
                "rules": rules,
            }
        })
        .collect()
}
