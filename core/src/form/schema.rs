//! What each kind of element lets a user edit: its fields, in the order a form shows them,
//! with the type of each. Ids and layouts are never listed: the canvas owns them.

use crate::azure::cloud_hsm;
use crate::azure::offered::{DEDICATED_HSM_SKU, HSM_DELEGATION, HSM_STAMPS, PAYSHIELD_SKUS};
use crate::azure::ports::PAYSHIELD_HOST_PORT;
use crate::model::Kind;

/// The type of one field, which decides how its text is read and which control shows it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ty {
    /// The element's name: not empty, not taken by another element of the same kind.
    Name,
    Text,
    /// Text that may be left empty (absent).
    OptText,
    Prefix,
    OptPrefix,
    /// A comma-separated list of prefixes.
    Prefixes,
    OptIp,
    /// A comma-separated list of addresses.
    Ips,
    U16,
    /// A TCP port and the value it has when the document leaves it out.
    Port(u16),
    /// Azure tags, written `name=value` and separated by commas.
    Tags,
    U32,
    /// A flag and the value it has when the document leaves it out.
    Bool(bool),
    /// One of a list; a value outside it that the element already has stays offered.
    Choice(&'static [&'static str]),
    OptChoice(&'static [&'static str]),
    /// One of a list, and the value it has when the document leaves it out.
    ChoiceOr(&'static [&'static str], &'static str),
    /// The id of another element of this kind.
    Ref(Kind),
    OptRef(Kind),
    /// Comma-separated names of elements of this kind.
    Refs(Kind),
    AddressMatch,
    PortRange,
    /// A comma-separated list of port ranges.
    PortRanges,
    /// A list of records, each with these fields; the noun names one record ("rule"), the
    /// JSON is what a new record starts as.
    Rows(&'static [Spec], &'static str, &'static str),
    /// A record that is always there (a peering's sides, a site's roles).
    Group(&'static [Spec]),
    /// A record that may be absent, with the JSON it starts as when switched on.
    OptGroup(&'static [Spec], &'static str),
    /// A connection's kind, which decides which elements it joins.
    ConnectionKind,
}

/// One field of a form.
#[derive(Clone, Copy, Debug)]
pub(super) struct Spec {
    pub key: &'static str,
    pub label: &'static str,
    pub ty: Ty,
}

const fn f(key: &'static str, label: &'static str, ty: Ty) -> Spec {
    Spec { key, label, ty }
}

const HSM_SKUS: [&str; 7] = [
    DEDICATED_HSM_SKU,
    PAYSHIELD_SKUS[0],
    PAYSHIELD_SKUS[1],
    PAYSHIELD_SKUS[2],
    PAYSHIELD_SKUS[3],
    PAYSHIELD_SKUS[4],
    PAYSHIELD_SKUS[5],
];
const STAMPS: &[&str] = &HSM_STAMPS;
const DELEGATIONS: &[&str] = &[HSM_DELEGATION];
const GATEWAY_KINDS: &[&str] = &["ExpressRoute", "Vpn"];
const VPN_TYPES: &[&str] = &["RouteBased", "PolicyBased"];
const PUBLIC_IP_SKUS: &[&str] = &["Standard", "Basic"];
const LB_SKUS: &[&str] = &["Standard", "Basic"];
const PROTOCOLS: &[&str] = &["Tcp", "Udp", "Icmp", "Any"];
const DIRECTIONS: &[&str] = &["Inbound", "Outbound"];
const ACCESS: &[&str] = &["Allow", "Deny"];
const NEXT_HOPS: &[&str] = &[
    "VirtualAppliance",
    "VirtualNetworkGateway",
    "VnetLocal",
    "Internet",
    "None",
];

const NSG_RULE: &[Spec] = &[
    f("name", "Name", Ty::Text),
    f("priority", "Priority", Ty::U16),
    f("direction", "Direction", Ty::Choice(DIRECTIONS)),
    f("access", "Access", Ty::Choice(ACCESS)),
    f("protocol", "Protocol", Ty::Choice(PROTOCOLS)),
    f("source", "Source", Ty::AddressMatch),
    f("destination", "Destination", Ty::AddressMatch),
    f("destination_ports", "Destination ports", Ty::PortRange),
];
const NEW_NSG_RULE: &str = r#"{"name":"rule","priority":100,"direction":"Inbound","access":"Allow","protocol":"Tcp","source":"VirtualNetwork","destination":"VirtualNetwork","destination_ports":"*"}"#;

const ROUTE: &[Spec] = &[
    f("name", "Name", Ty::Text),
    f("prefix", "Address prefix", Ty::Prefix),
    f("next_hop", "Next hop", Ty::Choice(NEXT_HOPS)),
    f("next_hop_ip", "Next hop address", Ty::OptIp),
];
const NEW_ROUTE: &str = r#"{"name":"route","prefix":"0.0.0.0/0","next_hop":"None"}"#;

const LB_RULE: &[Spec] = &[
    f("name", "Name", Ty::Text),
    f("protocol", "Protocol", Ty::Choice(PROTOCOLS)),
    f("frontend_port", "Frontend port", Ty::U16),
    f("backend_port", "Backend port", Ty::U16),
    f("probe", "Probe", Ty::OptText),
];
const NEW_LB_RULE: &str =
    r#"{"name":"rule","protocol":"Tcp","frontend_port":1792,"backend_port":1792}"#;

const LB_PROBE: &[Spec] = &[
    f("name", "Name", Ty::Text),
    f("protocol", "Protocol", Ty::Choice(PROTOCOLS)),
    f("port", "Port", Ty::U16),
];
const NEW_LB_PROBE: &str = r#"{"name":"probe","protocol":"Tcp","port":1792}"#;

const FIREWALL_RULE: &[Spec] = &[
    f("name", "Name", Ty::Text),
    f("action", "Action", Ty::Choice(ACCESS)),
    f("protocol", "Protocol", Ty::Choice(PROTOCOLS)),
    f("sources", "Sources", Ty::Prefixes),
    f("destinations", "Destinations", Ty::Prefixes),
    f("ports", "Ports", Ty::PortRanges),
];
const NEW_FIREWALL_RULE: &str = r#"{"name":"rule","action":"Deny","protocol":"Any","sources":["0.0.0.0/0"],"destinations":["0.0.0.0/0"],"ports":["*"]}"#;

const PEERING_SIDE: &[Spec] = &[
    f(
        "allow_forwarded_traffic",
        "Allow forwarded traffic",
        Ty::Bool(true),
    ),
    f(
        "allow_gateway_transit",
        "Allow gateway transit",
        Ty::Bool(false),
    ),
    f(
        "use_remote_gateways",
        "Use remote gateways",
        Ty::Bool(false),
    ),
];

const SITE_ROLES: &[Spec] = &[
    f("hsm_client", "HSM clients", Ty::Bool(false)),
    f("admin_workstation", "Admin workstation", Ty::Bool(false)),
    f("backup_site", "Backup site", Ty::Bool(false)),
];

const PRIVATE_PEERING: &[Spec] = &[
    f("peer_asn", "Peer ASN", Ty::U32),
    f("vlan_id", "VLAN id", Ty::U16),
    f("primary_prefix", "Primary prefix", Ty::Prefix),
    f("secondary_prefix", "Secondary prefix", Ty::Prefix),
];
const NEW_PRIVATE_PEERING: &str = r#"{"peer_asn":65010,"vlan_id":100,"primary_prefix":"172.16.0.0/30","secondary_prefix":"172.16.0.4/30"}"#;

/// The fields of each kind of element, by the tag its [`crate::edit::Element`] serialises
/// with. A subnet's fields are those of the subnet itself: its VNet cannot change.
pub(super) fn specs(tag: &str) -> &'static [Spec] {
    const NAME: Spec = f("name", "Name", Ty::Name);
    const SUBNET: Spec = f("subnet", "Subnet", Ty::Ref(Kind::Subnet));
    match tag {
        "region" => {
            const S: &[Spec] = &[NAME, f("location", "Azure location", Ty::Text)];
            S
        }
        "vnet" => {
            const S: &[Spec] = &[
                NAME,
                f("region", "Region", Ty::Ref(Kind::Region)),
                f("address_space", "Address space", Ty::Prefixes),
                f("tags", "Tags", Ty::Tags),
            ];
            S
        }
        "subnet" => {
            const S: &[Spec] = &[
                NAME,
                f("prefix", "Address prefix", Ty::Prefix),
                f("delegation", "Delegation", Ty::OptChoice(DELEGATIONS)),
                f("nsg", "Network security group", Ty::OptRef(Kind::Nsg)),
                f("route_table", "Route table", Ty::OptRef(Kind::RouteTable)),
                f("hsm_client", "Holds HSM clients", Ty::Bool(false)),
            ];
            S
        }
        "hsm" => {
            const S: &[Spec] = &[
                NAME,
                SUBNET,
                f("sku", "SKU", Ty::Choice(&HSM_SKUS)),
                f("stamp", "Stamp", Ty::Choice(STAMPS)),
                f("private_ip", "Private address", Ty::OptIp),
                f("more_host_ips", "More host addresses", Ty::Ips),
                f("management_ip", "Management address", Ty::OptIp),
                f("management_nic", "Management NIC", Ty::Bool(false)),
                f(
                    "management_subnet",
                    "Management subnet",
                    Ty::OptRef(Kind::Subnet),
                ),
                f(
                    "host_port",
                    "payShield host port",
                    Ty::Port(PAYSHIELD_HOST_PORT),
                ),
                f("ntls_ip_check", "NTLS client address check", Ty::Bool(true)),
            ];
            S
        }
        "gateway" => {
            const S: &[Spec] = &[
                NAME,
                SUBNET,
                f("kind", "Kind", Ty::Choice(GATEWAY_KINDS)),
                f("sku", "SKU", Ty::Text),
                f("vpn_type", "VPN type", Ty::OptChoice(VPN_TYPES)),
                f("active_active", "Active-active", Ty::Bool(false)),
                f(
                    "public_ip_sku",
                    "Public IP SKU",
                    Ty::ChoiceOr(PUBLIC_IP_SKUS, "Standard"),
                ),
                f("p2s_pool", "Point-to-site address pool", Ty::OptPrefix),
            ];
            S
        }
        "nva" => {
            const S: &[Spec] = &[
                NAME,
                SUBNET,
                f("private_ip", "Private address", Ty::OptIp),
                f("snat", "Source NAT", Ty::Bool(true)),
                f("ip_forwarding", "IP forwarding", Ty::Bool(true)),
                f("vm_size", "VM size", Ty::Text),
            ];
            S
        }
        "load_balancer" => {
            const S: &[Spec] = &[
                NAME,
                SUBNET,
                f("sku", "SKU", Ty::Choice(LB_SKUS)),
                f("frontend_ip", "Frontend address", Ty::OptIp),
                f("backends", "Backend NVAs", Ty::Refs(Kind::Nva)),
                f("rules", "Rules", Ty::Rows(LB_RULE, "rule", NEW_LB_RULE)),
                f(
                    "probes",
                    "Probes",
                    Ty::Rows(LB_PROBE, "probe", NEW_LB_PROBE),
                ),
            ];
            S
        }
        "firewall" => {
            const S: &[Spec] = &[
                NAME,
                SUBNET,
                f(
                    "rules",
                    "Rules",
                    Ty::Rows(FIREWALL_RULE, "rule", NEW_FIREWALL_RULE),
                ),
                f("always_snat", "Always source NAT", Ty::Bool(false)),
            ];
            S
        }
        "route_table" => {
            const S: &[Spec] = &[
                NAME,
                f("routes", "Routes", Ty::Rows(ROUTE, "route", NEW_ROUTE)),
                f(
                    "bgp_propagation",
                    "Propagate gateway routes",
                    Ty::Bool(true),
                ),
            ];
            S
        }
        "nsg" => {
            const S: &[Spec] = &[
                NAME,
                f("rules", "Rules", Ty::Rows(NSG_RULE, "rule", NEW_NSG_RULE)),
            ];
            S
        }
        "site" => {
            const S: &[Spec] = &[
                NAME,
                f("prefixes", "Address prefixes", Ty::Prefixes),
                f("vpn_device_ip", "VPN device address", Ty::OptIp),
                f("roles", "Roles", Ty::Group(SITE_ROLES)),
            ];
            S
        }
        "circuit" => {
            const S: &[Spec] = &[
                NAME,
                f("site", "On-premises site", Ty::Ref(Kind::Site)),
                f("provider", "Provider", Ty::Text),
                f("peering_location", "Peering location", Ty::Text),
                f("bandwidth_mbps", "Bandwidth (Mbps)", Ty::U32),
                f(
                    "private_peering",
                    "Private peering",
                    Ty::OptGroup(PRIVATE_PEERING, NEW_PRIVATE_PEERING),
                ),
            ];
            S
        }
        "peering" => {
            const S: &[Spec] = &[
                NAME,
                f("a", "VNet A", Ty::Ref(Kind::Vnet)),
                f("b", "VNet B", Ty::Ref(Kind::Vnet)),
                f("a_to_b", "From A to B", Ty::Group(PEERING_SIDE)),
                f("b_to_a", "From B to A", Ty::Group(PEERING_SIDE)),
            ];
            S
        }
        "connection" => {
            const S: &[Spec] = &[
                NAME,
                f("kind", "Kind", Ty::ConnectionKind),
                f("fastpath", "ExpressRoute FastPath", Ty::Bool(false)),
            ];
            S
        }
        "cloud_hsm_cluster" => {
            const S: &[Spec] = &[
                NAME,
                f("region", "Region", Ty::Ref(Kind::Region)),
                f("sku", "SKU", Ty::Choice(&cloud_hsm::SKUS)),
                f(
                    "public_network_access",
                    "Public network access",
                    Ty::Bool(false),
                ),
            ];
            S
        }
        "private_endpoint" => {
            const S: &[Spec] = &[
                NAME,
                SUBNET,
                f(
                    "target",
                    "Cloud HSM cluster",
                    Ty::Ref(Kind::CloudHsmCluster),
                ),
                f("group_id", "Group id", Ty::Choice(&[cloud_hsm::GROUP_ID])),
                f("private_ip", "Static address (empty: dynamic)", Ty::OptIp),
            ];
            S
        }
        "private_dns_zone" => {
            const S: &[Spec] = &[
                NAME,
                f(
                    "records",
                    "Records of private endpoints",
                    Ty::Refs(Kind::PrivateEndpoint),
                ),
                f("vnet_links", "Linked VNets", Ty::Refs(Kind::Vnet)),
            ];
            S
        }
        _ => {
            const S: &[Spec] = &[];
            S
        }
    }
}

/// A connection kind: its tag, how users read it, and the elements it joins.
pub(super) struct ConnectionVariant {
    pub tag: &'static str,
    pub label: &'static str,
    pub ends: &'static [Spec],
}

pub(super) const CONNECTION_KINDS: &[ConnectionVariant] = &[
    ConnectionVariant {
        tag: "site_to_site",
        label: "Site-to-site VPN",
        ends: &[
            f("gateway", "Gateway", Ty::Ref(Kind::Gateway)),
            f("site", "On-premises site", Ty::Ref(Kind::Site)),
        ],
    },
    ConnectionVariant {
        tag: "point_to_site",
        label: "Point-to-site VPN",
        ends: &[
            f("gateway", "Gateway", Ty::Ref(Kind::Gateway)),
            f("site", "On-premises site", Ty::Ref(Kind::Site)),
        ],
    },
    ConnectionVariant {
        tag: "vnet_to_vnet",
        label: "VNet-to-VNet VPN",
        ends: &[
            f("a", "Gateway A", Ty::Ref(Kind::Gateway)),
            f("b", "Gateway B", Ty::Ref(Kind::Gateway)),
        ],
    },
    ConnectionVariant {
        tag: "express_route",
        label: "ExpressRoute",
        ends: &[
            f("gateway", "Gateway", Ty::Ref(Kind::Gateway)),
            f("circuit", "Circuit", Ty::Ref(Kind::Circuit)),
        ],
    },
];

pub(super) fn connection_variant(tag: &str) -> Option<&'static ConnectionVariant> {
    CONNECTION_KINDS.iter().find(|v| v.tag == tag)
}
