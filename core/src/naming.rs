//! The Azure names an export of a design writes, derived ones too.
//!
//! Most names come straight from the design; a few are derived (a gateway's public IP is
//! `<gateway>-pip`). [`planned`] lists every name an export would write, with the element it
//! comes from and the Azure [`Pattern`] it must follow, so that the `azure-name-valid` rule
//! refuses a bad name before export rather than Azure at deployment. The exporters build their
//! names with the same functions, so the rule checks what they write; this module sits below
//! both in the import order (rules may not import the export).

use crate::azure::names::Pattern;
use crate::hashing::{HashMap, HashSet};
use crate::model::{ConnectionKind, Design, Id, Index};

/// A name an export writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned<'d> {
    /// The design element the name comes from.
    pub element: Id,
    /// What the name names, for messages: "public IP", "route".
    pub what: &'static str,
    /// Names must be unique (ignoring case) within one scope.
    pub scope: Scope,
    /// The element's own name, or a derived one (kept in the caller's arena).
    pub name: &'d str,
    pub pattern: Pattern,
    /// Whether the name is derived (a suffix added to the element's name).
    pub derived: bool,
}

/// Where a name must be unique: among all resources of a type (`parent` none), or in the list
/// of one parent (a VNet's subnets, an NSG's rules). Ids, not formatted text: a check of a large
/// design plans thousands of names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    pub kind: &'static str,
    pub parent: Option<Id>,
}

/// A name made from another by a fixed prefix and suffix.
#[derive(Clone, Copy, Debug)]
pub struct Affix {
    prefix: &'static str,
    suffix: &'static str,
}

impl Affix {
    /// The name derived from `base`.
    pub fn of(self, base: &str) -> String {
        let mut out = String::with_capacity(self.prefix.len() + base.len() + self.suffix.len());
        self.write(base, &mut out);
        out
    }

    /// Appends the name derived from `base` to `out`.
    fn write(self, base: &str, out: &mut String) {
        out.push_str(self.prefix);
        out.push_str(base);
        out.push_str(self.suffix);
    }
}

const PUBLIC_IP: Affix = Affix {
    prefix: "",
    suffix: "-pip",
};
/// The public IP of an active-active gateway's second instance.
const SECOND_PUBLIC_IP: Affix = Affix {
    prefix: "",
    suffix: "-pip2",
};
const FIREWALL_POLICY: Affix = Affix {
    prefix: "",
    suffix: "-policy",
};
const NIC: Affix = Affix {
    prefix: "",
    suffix: "-nic",
};
const PEERING_SIDE: Affix = Affix {
    prefix: "to-",
    suffix: "",
};
const VNET_TO_VNET: [Affix; 2] = [
    Affix {
        prefix: "",
        suffix: "-a-to-b",
    },
    Affix {
        prefix: "",
        suffix: "-b-to-a",
    },
];

const ZONE_LINK: Affix = Affix {
    prefix: "link-",
    suffix: "",
};

/// The name of a private DNS zone's link to a VNet.
pub fn zone_link(vnet: &str) -> String {
    ZONE_LINK.of(vnet)
}

/// The name of a private endpoint's DNS zone group (one per endpoint).
pub const DNS_ZONE_GROUP: &str = "default";

/// The name of a private endpoint's connection to its private-link resource.
pub fn endpoint_connection(endpoint: &str) -> String {
    CONNECTION.of(endpoint)
}

const CONNECTION: Affix = Affix {
    prefix: "",
    suffix: "-connection",
};

/// The name of a gateway's or firewall's public IP.
pub fn public_ip(owner: &str) -> String {
    PUBLIC_IP.of(owner)
}

/// The name of the public IP of an active-active gateway's second instance.
pub fn second_public_ip(gateway: &str) -> String {
    SECOND_PUBLIC_IP.of(gateway)
}

/// The name of a firewall's policy.
pub fn firewall_policy(firewall: &str) -> String {
    FIREWALL_POLICY.of(firewall)
}

/// The rule collection group holding a firewall's network rules.
pub const RULE_COLLECTION_GROUP: &str = "network-rules";

/// The name of an NVA's network interface.
pub fn nic(nva: &str) -> String {
    NIC.of(nva)
}

/// The name of a peering side, on its VNet, towards the remote VNet.
pub fn peering_side(remote_vnet: &str) -> String {
    PEERING_SIDE.of(remote_vnet)
}

/// The two connection resources of a VNet-to-VNet connection (a to b, then b to a).
pub fn vnet_to_vnet(connection: &str) -> [String; 2] {
    VNET_TO_VNET.map(|affix| affix.of(connection))
}

/// The frontend, backend pool and IP configuration names inside a load balancer.
pub const LB_FRONTEND: &str = "frontend";
pub const LB_BACKEND_POOL: &str = "backend-pool";

/// A local network gateway: the on-premises site as seen from one Azure location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalGateway {
    pub site: Id,
    pub location: String,
    pub name: String,
}

/// The local network gateways an export writes: one per site and Azure location that a
/// site-to-site connection joins. The name is `<site>-lng`, with the location added when the
/// site is joined in several locations.
pub fn local_gateways(design: &Design) -> Vec<LocalGateway> {
    // Lookups by id through maps, not the design's linear searches: a design may join tens of
    // thousands of sites. The maps keep the first element of an id, as those searches do.
    let s2s = || {
        design.connections.iter().filter_map(|c| match c.kind {
            ConnectionKind::SiteToSite { gateway, site } => Some((gateway, site)),
            _ => None,
        })
    };
    if s2s().next().is_none() {
        return Vec::new();
    }
    let mut gateway_subnet: HashMap<Id, Id> = HashMap::default();
    for g in &design.gateways {
        gateway_subnet.entry(g.id).or_insert(g.subnet);
    }
    let mut subnet_region: HashMap<Id, Id> = HashMap::default();
    for v in &design.vnets {
        for s in &v.subnets {
            subnet_region.entry(s.id).or_insert(v.region);
        }
    }
    let mut locations: HashMap<Id, &str> = HashMap::default();
    for r in &design.regions {
        locations.entry(r.id).or_insert(r.location.as_str());
    }
    let mut pairs: Vec<(Id, &str)> = Vec::new();
    let mut seen: HashSet<(Id, &str)> = HashSet::default();
    // How many locations each site is joined in.
    let mut per_site: HashMap<Id, usize> = HashMap::default();
    for (gateway, site) in s2s() {
        let location = gateway_subnet
            .get(&gateway)
            .and_then(|s| subnet_region.get(s))
            .and_then(|r| locations.get(r))
            .copied()
            .unwrap_or_default();
        if seen.insert((site, location)) {
            pairs.push((site, location));
            *per_site.entry(site).or_insert(0) += 1;
        }
    }
    let mut site_names: HashMap<Id, &str> = HashMap::default();
    for s in &design.sites {
        site_names.entry(s.id).or_insert(s.name.as_str());
    }
    pairs
        .iter()
        .map(|&(site, location)| {
            let site_name = site_names.get(&site).copied().unwrap_or("");
            let name = if per_site[&site] > 1 {
                format!("{site_name}-lng-{location}")
            } else {
                format!("{site_name}-lng")
            };
            LocalGateway {
                site,
                location: location.to_string(),
                name,
            }
        })
        .collect()
}

/// Where a planned name is: the design's own text, or a range of the arena of derived names.
enum Text<'d> {
    Own(&'d str),
    Derived(std::ops::Range<usize>),
}

/// A name as `planned` is given it.
enum Name<'d> {
    Own(&'d str),
    Affixed(Affix, &'d str),
    Made(String),
}

/// Every name an export of `design` writes, in document order. Derived names (`x-pip`,
/// `to-spoke-1`) are written one after the other into `arena`, not each into its own string:
/// a 1,000-spoke hub derives thousands.
pub fn planned<'d>(index: &Index<'d>, arena: &'d mut String) -> Vec<Planned<'d>> {
    let design = index.design();
    // Every name counted, so the list is made once at its size: at 1,000 spokes it is the
    // largest allocation of a check.
    let subnets: usize = design.vnets.iter().map(|v| v.subnets.len()).sum();
    let nsg_rules: usize = design.nsgs.iter().map(|n| n.rules.len()).sum();
    let routes: usize = design.route_tables.iter().map(|t| t.routes.len()).sum();
    let firewall_rules: usize = design.firewalls.iter().map(|f| f.rules.len()).sum();
    let lb_parts: usize = (design.load_balancers.iter())
        .map(|l| l.rules.len() + l.probes.len())
        .sum();
    let mut out: Vec<(Planned<'d>, Text<'d>)> = Vec::with_capacity(
        design.nsgs.len()
            + nsg_rules
            + design.route_tables.len()
            + routes
            + design.vnets.len()
            + subnets
            + 2 * design.gateways.len()
            + design.sites.len()
            + design.circuits.len()
            + 2 * design.connections.len()
            + 3 * design.firewalls.len()
            + firewall_rules
            + design.load_balancers.len()
            + lb_parts
            + 2 * design.nvas.len()
            + design.hsms.len()
            + 2 * design.peerings.len()
            + design.cloud_hsm_clusters.len()
            + design.private_endpoints.len()
            + design.private_dns_zones.len()
            + design
                .private_dns_zones
                .iter()
                .map(|z| z.vnet_links.len())
                .sum::<usize>(),
    );
    arena.clear();
    let mut add = |element: Id,
                   what: &'static str,
                   scope: Scope,
                   name: Name<'d>,
                   pattern: Pattern,
                   derived: bool| {
        let start = arena.len();
        let text = match name {
            Name::Own(own) => Text::Own(own),
            Name::Affixed(affix, base) => {
                affix.write(base, arena);
                Text::Derived(start..arena.len())
            }
            Name::Made(made) => {
                arena.push_str(&made);
                Text::Derived(start..arena.len())
            }
        };
        let planned = Planned {
            element,
            what,
            scope,
            name: "",
            pattern,
            derived,
        };
        out.push((planned, text))
    };
    let top = |kind: &'static str| Scope { kind, parent: None };
    let inside = |kind: &'static str, parent: Id| Scope {
        kind,
        parent: Some(parent),
    };
    use Pattern::*;
    for n in &design.nsgs {
        add(n.id, "NSG", top("nsg"), Name::Own(&n.name), General, false);
        for r in &n.rules {
            let scope = inside("nsg rules", n.id);
            add(n.id, "NSG rule", scope, Name::Own(&r.name), General, false);
        }
    }
    for t in &design.route_tables {
        add(
            t.id,
            "route table",
            top("rt"),
            Name::Own(&t.name),
            General,
            false,
        );
        for r in &t.routes {
            let scope = inside("rt routes", t.id);
            add(t.id, "route", scope, Name::Own(&r.name), General, false);
        }
    }
    for v in &design.vnets {
        add(v.id, "VNet", top("vnet"), Name::Own(&v.name), Vnet, false);
        for s in &v.subnets {
            let scope = inside("vnet subnets", v.id);
            add(s.id, "subnet", scope, Name::Own(&s.name), General, false);
        }
    }
    for g in &design.gateways {
        add(
            g.id,
            "gateway",
            top("gw"),
            Name::Own(&g.name),
            General,
            false,
        );
        add(
            g.id,
            "public IP",
            top("pip"),
            Name::Affixed(PUBLIC_IP, &g.name),
            General,
            true,
        );
        if g.is_active_active() {
            add(
                g.id,
                "public IP",
                top("pip"),
                Name::Affixed(SECOND_PUBLIC_IP, &g.name),
                General,
                true,
            );
        }
    }
    for l in local_gateways(design) {
        add(
            l.site,
            "local network gateway",
            top("lng"),
            Name::Made(l.name),
            General,
            true,
        );
    }
    for c in &design.circuits {
        add(
            c.id,
            "ExpressRoute circuit",
            top("erc"),
            Name::Own(&c.name),
            General,
            false,
        );
    }
    for c in &design.connections {
        match c.kind {
            ConnectionKind::VnetToVnet { .. } => {
                for affix in VNET_TO_VNET {
                    let name = Name::Affixed(affix, &c.name);
                    add(c.id, "connection", top("conn"), name, General, true);
                }
            }
            ConnectionKind::PointToSite { .. } => {}
            _ => add(
                c.id,
                "connection",
                top("conn"),
                Name::Own(&c.name),
                General,
                false,
            ),
        }
    }
    for f in &design.firewalls {
        add(
            f.id,
            "firewall",
            top("fw"),
            Name::Own(&f.name),
            General,
            false,
        );
        add(
            f.id,
            "public IP",
            top("pip"),
            Name::Affixed(PUBLIC_IP, &f.name),
            General,
            true,
        );
        add(
            f.id,
            "firewall policy",
            top("fwp"),
            Name::Affixed(FIREWALL_POLICY, &f.name),
            General,
            true,
        );
        for r in &f.rules {
            let scope = inside("fw rules", f.id);
            add(
                f.id,
                "firewall rule",
                scope,
                Name::Own(&r.name),
                General,
                false,
            );
        }
    }
    for l in &design.load_balancers {
        add(
            l.id,
            "load balancer",
            top("lb"),
            Name::Own(&l.name),
            General,
            false,
        );
        for r in &l.rules {
            let scope = inside("lb rules", l.id);
            add(
                l.id,
                "load-balancing rule",
                scope,
                Name::Own(&r.name),
                General,
                false,
            );
        }
        for p in &l.probes {
            let scope = inside("lb probes", l.id);
            add(
                l.id,
                "health probe",
                scope,
                Name::Own(&p.name),
                General,
                false,
            );
        }
    }
    for n in &design.nvas {
        add(
            n.id,
            "NVA (virtual machine)",
            top("vm"),
            Name::Own(&n.name),
            Vm,
            false,
        );
        add(
            n.id,
            "network interface",
            top("nic"),
            Name::Affixed(NIC, &n.name),
            General,
            true,
        );
    }
    for h in &design.hsms {
        add(h.id, "HSM", top("hsm"), Name::Own(&h.name), Hsm, false);
    }
    for c in &design.cloud_hsm_clusters {
        let name = Name::Own(&c.name);
        add(
            c.id,
            "Cloud HSM cluster",
            top("chsm"),
            name,
            CloudHsm,
            false,
        );
    }
    for e in &design.private_endpoints {
        let name = Name::Own(&e.name);
        add(e.id, "private endpoint", top("pe"), name, General, false);
    }
    for z in &design.private_dns_zones {
        let name = Name::Own(&z.name);
        add(z.id, "private DNS zone", top("dns"), name, General, false);
        for &vnet in &z.vnet_links {
            let vnet = index.vnet(vnet).map_or("", |v| v.name.as_str());
            let scope = inside("dns links", z.id);
            let name = Name::Affixed(ZONE_LINK, vnet);
            add(z.id, "virtual network link", scope, name, General, true);
        }
    }
    for p in &design.peerings {
        for (on, remote) in [(p.a, p.b), (p.b, p.a)] {
            let remote = index.vnet(remote).map_or("", |v| v.name.as_str());
            let scope = inside("vnet peerings", on);
            add(
                p.id,
                "peering",
                scope,
                Name::Affixed(PEERING_SIDE, remote),
                General,
                true,
            );
        }
    }
    let arena: &'d String = arena;
    out.into_iter()
        .map(|(planned, text)| Planned {
            name: match text {
                Text::Own(own) => own,
                Text::Derived(range) => &arena[range],
            },
            ..planned
        })
        .collect()
}
