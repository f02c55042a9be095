//! The reference architectures of the source document, as designs that check clean, at any
//! size.
//!
//! Each preset lives in its own file and declares a [`Preset`] (plain data: name, title, which
//! size options it takes and their bounds) and a `build` function. [`build`] validates the size
//! against that data and dispatches by name. Every preset draws its addresses from [`plan`], so
//! no two VNets overlap at any size and a design built twice is the same design.

mod cloud_hsm;
mod cross_region_ha;
mod expressroute_direct;
mod hub_nva_proxy;
mod payment_hsm;
mod payment_hsm_multi_vnet;
mod single_vnet;

use crate::azure::offered::{FASTPATH_TAG, FASTPATH_TAG_VALUE, HSM_STAMPS, PAYSHIELD_SKUS};
use crate::model::builder::Builder;
use crate::model::{
    ConnectionKind, Design, Id, Peering, PeeringSide, Rect, SiteRoles, Subnet, Vnet,
};
use std::fmt;

/// How big a preset should be; `None` takes the preset's default.
#[derive(Clone, Debug, Default)]
pub struct Size {
    /// Application (workload) VNets: in all, or per region for `cross-region-ha`.
    pub spokes: Option<usize>,
    /// Azure regions with HSMs (`cross-region-ha` only).
    pub regions: Option<usize>,
}

/// A reference architecture, described as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// The kebab-case name used by the CLI and the app.
    pub name: &'static str,
    /// The design name the preset writes.
    pub title: &'static str,
    /// One line for lists.
    pub summary: &'static str,
    pub takes_spokes: bool,
    pub takes_regions: bool,
    pub default_spokes: usize,
    pub default_regions: usize,
    pub max_spokes: usize,
    pub max_regions: usize,
}

/// Every preset, in the order lists show them.
pub static ALL: &[Preset] = &[
    single_vnet::PRESET,
    hub_nva_proxy::PRESET,
    cross_region_ha::PRESET,
    expressroute_direct::PRESET,
    payment_hsm::PRESET,
    payment_hsm_multi_vnet::PRESET,
    cloud_hsm::PRESET,
];

/// The design a new session starts from: the first preset of [`ALL`] at its default size, as
/// [`build`] makes it. A function of its own, so that a program that opens no other preset
/// before its user asks (the page's first visit) carries no other preset's code.
pub fn first() -> Design {
    single_vnet::build(single_vnet::PRESET.default_spokes)
}

/// Finds a preset by name.
pub fn preset(name: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.name == name)
}

/// Why a preset could not be built: the request named something that does not exist or a size
/// outside the preset's bounds. The messages name a size by its word (`spokes`, `regions`); the
/// CLI and the app say it their own way (a flag, a field) from the variant's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PresetError {
    /// No preset has this name.
    Unknown(String),
    /// A size option outside `min..=max`; `option` is `"spokes"` or `"regions"`.
    OutOfRange {
        option: &'static str,
        value: usize,
        min: usize,
        max: usize,
    },
    /// A size option the preset does not take.
    NotTaken {
        preset: &'static str,
        option: &'static str,
    },
    /// The options are each in range but together make more VNets than a design may hold.
    TooLarge {
        spokes: usize,
        regions: usize,
        max_total: usize,
    },
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresetError::Unknown(name) => {
                let names: Vec<&str> = ALL.iter().map(|p| p.name).collect();
                write!(
                    f,
                    "unknown preset {name:?}; the presets are: {}",
                    names.join(", ")
                )
            }
            PresetError::OutOfRange {
                option,
                value,
                min,
                max,
            } => write!(f, "{option}: {value} is out of range ({min} to {max})"),
            PresetError::NotTaken { preset, option } => {
                write!(f, "the {preset} preset does not take a number of {option}")
            }
            PresetError::TooLarge {
                spokes,
                regions,
                max_total,
            } => write!(
                f,
                "{spokes} spokes in each of {regions} regions make {} application VNets; \
                 at most {max_total} in all",
                spokes * regions
            ),
        }
    }
}

impl std::error::Error for PresetError {}

/// Builds a preset at a size. The same request always gives the same design.
pub fn build(name: &str, size: &Size) -> Result<Design, PresetError> {
    let preset = preset(name).ok_or_else(|| PresetError::Unknown(name.to_string()))?;
    let spokes = resolve(
        preset,
        "spokes",
        size.spokes,
        preset.takes_spokes,
        preset.default_spokes,
        MIN_SPOKES,
        preset.max_spokes,
    )?;
    let regions = resolve(
        preset,
        "regions",
        size.regions,
        preset.takes_regions,
        preset.default_regions,
        MIN_REGIONS,
        preset.max_regions,
    )?;
    let design = match preset.name {
        "single-vnet" => single_vnet::build(spokes),
        "hub-nva-proxy" => hub_nva_proxy::build(spokes),
        "cross-region-ha" => {
            if spokes * regions > plan::MAX_SPOKES {
                return Err(PresetError::TooLarge {
                    spokes,
                    regions,
                    max_total: plan::MAX_SPOKES,
                });
            }
            cross_region_ha::build(spokes, regions)
        }
        "expressroute-direct" => expressroute_direct::build(spokes),
        "payment-hsm" => payment_hsm::build(spokes),
        "payment-hsm-multi-vnet" => payment_hsm_multi_vnet::build(spokes),
        "cloud-hsm" => cloud_hsm::build(spokes),
        other => unreachable!("preset {other} is listed but not built"),
    };
    Ok(design)
}

/// A preset that takes `--regions` spans at least two (one region is what the others are).
pub const MIN_REGIONS: usize = 2;
/// A preset that takes `--spokes` has at least one.
pub const MIN_SPOKES: usize = 1;

/// The value of one size option: the default when absent, refused when not taken or out of
/// range.
fn resolve(
    preset: &Preset,
    option: &'static str,
    given: Option<usize>,
    taken: bool,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, PresetError> {
    match given {
        None => Ok(default),
        Some(_) if !taken => Err(PresetError::NotTaken {
            preset: preset.name,
            option,
        }),
        Some(value) if value < min || value > max => Err(PresetError::OutOfRange {
            option,
            value,
            min,
            max,
        }),
        Some(value) => Ok(value),
    }
}

/// The address plan every preset follows, so that addresses never overlap at any size.
///
/// | what | where |
/// |---|---|
/// | region `k`'s HSM VNet | `10.(4k).0.0/16` (GatewaySubnet `.0.0/27`, HSM subnet `.1.0/28`) |
/// | region `k`'s hub VNet | `10.(4k+1).0.0/16` |
/// | application (spoke) VNet `i` | the `i`-th `/24` of `10.128.0.0/9` (32,768 of them) |
/// | point-to-site pool of region `k` | `172.16.k.0/24` |
/// | ExpressRoute private peering | `172.31.255.0/29` (two /30s) |
/// | on-premises | `192.168.0.0/16` |
pub mod plan {
    use ipnet::Ipv4Net;
    use std::net::Ipv4Addr;

    /// The most application VNets a design takes in all (the limit the presets offer; the
    /// plan itself has room for 32,768).
    pub const MAX_SPOKES: usize = 4000;

    const SPOKE_BASE: u32 = 10 << 24 | 128 << 16;

    fn prefix(base: u32, len: u8) -> Ipv4Net {
        Ipv4Net::new(Ipv4Addr::from(base), len).expect("length within 0..=32")
    }

    /// Region `k`'s HSM VNet.
    pub fn hsm_vnet(k: usize) -> Ipv4Net {
        prefix(10 << 24 | ((4 * k as u32) & 0x7f) << 16, 16)
    }

    /// Region `k`'s hub (transit) VNet.
    pub fn hub_vnet(k: usize) -> Ipv4Net {
        prefix(10 << 24 | ((4 * k as u32 + 1) & 0x7f) << 16, 16)
    }

    /// The `i`-th application VNet (a /24).
    pub fn spoke(i: usize) -> Ipv4Net {
        prefix(SPOKE_BASE + ((i as u32) << 8), 24)
    }

    /// The smallest list of prefixes that covers spokes `first..first + count` exactly.
    pub fn spokes_cover(first: usize, count: usize) -> Vec<Ipv4Net> {
        let mut out = Vec::new();
        let mut at = first as u64;
        let end = (first + count) as u64;
        while at < end {
            // The largest aligned block of /24s starting at `at` that fits before `end`.
            let mut size = if at == 0 {
                1u64 << 15
            } else {
                1u64 << at.trailing_zeros().min(15)
            };
            while at + size > end {
                size >>= 1;
            }
            let len = 24 - size.trailing_zeros() as u8;
            out.push(prefix(SPOKE_BASE + ((at as u32) << 8), len));
            at += size;
        }
        out
    }

    /// The point-to-site client pool of region `k`.
    pub fn p2s_pool(k: usize) -> Ipv4Net {
        prefix(172 << 24 | 16 << 16 | ((k as u32) & 0xff) << 8, 24)
    }

    /// The /29 that a circuit's private peering takes its two /30s from.
    pub fn er_peering() -> Ipv4Net {
        prefix(172 << 24 | 31 << 16 | 255 << 8, 29)
    }

    /// The main on-premises datacentre.
    pub fn onprem() -> Ipv4Net {
        prefix(192 << 24 | 168 << 16, 20)
    }

    /// A documentation address (RFC 5737) standing in for the on-premises VPN device.
    pub const VPN_DEVICE: &str = "203.0.113.10";

    /// A prefix `offset` addresses into `space`, of length `len`.
    pub fn within(space: Ipv4Net, offset: u32, len: u8) -> Ipv4Net {
        prefix(u32::from(space.network()) + offset, len)
    }

    /// The `n`-th address of a prefix.
    pub fn host(space: Ipv4Net, n: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(space.network()) + n)
    }
}

/// An HSM VNet as every preset builds it.
pub(crate) struct HsmVnet {
    pub vnet: Id,
    pub gateway_subnet: Id,
    pub er_gateway: Id,
    pub hsms: [Id; 2],
    /// The pinned private addresses of the two HSMs.
    pub hsm_ips: [std::net::Ipv4Addr; 2],
}

/// Region `k`'s HSM VNet: a /27 GatewaySubnet with an ExpressRoute gateway (the service needs
/// it), and a delegated /28 with an HA pair on two stamps at pinned addresses.
pub(crate) fn hsm_vnet(b: &mut Builder, region: Id, k: usize, name: &str, suffix: &str) -> HsmVnet {
    let space = plan::hsm_vnet(k);
    let vnet = b.vnet(region, name, &[&space.to_string()]);
    let gateway_subnet = b.subnet(
        vnet,
        "GatewaySubnet",
        &plan::within(space, 0, 27).to_string(),
    );
    let er_gateway = b.er_gateway(gateway_subnet, &format!("hsm-ergw{suffix}"), "ErGw1AZ");
    let hsm_prefix = plan::within(space, 256, 28);
    let hsm_subnet = b.hsm_subnet(vnet, "hsm-subnet", &hsm_prefix.to_string());
    let hsm_ips = [plan::host(hsm_prefix, 4), plan::host(hsm_prefix, 5)];
    let hsm1 = b.hsm(
        hsm_subnet,
        &format!("hsm1{suffix}"),
        "stamp1",
        Some(&hsm_ips[0].to_string()),
    );
    let hsm2 = b.hsm(
        hsm_subnet,
        &format!("hsm2{suffix}"),
        "stamp2",
        Some(&hsm_ips[1].to_string()),
    );
    HsmVnet {
        vnet,
        gateway_subnet,
        er_gateway,
        hsms: [hsm1, hsm2],
        hsm_ips,
    }
}

/// A route-based VpnGw1AZ gateway named `gateway` in `gateway_subnet` with region `k`'s
/// point-to-site pool, and an administration workstation `site` (at `address`, a /32) dialling
/// in to it over point-to-site connection `connection`. Returns the gateway.
pub(crate) fn admin_p2s(
    b: &mut Builder,
    gateway_subnet: Id,
    gateway: &str,
    k: usize,
    (site, address, connection): (&str, &str, &str),
) -> Id {
    let vpn = b.vpn_gateway(
        gateway_subnet,
        gateway,
        "VpnGw1AZ",
        Some(&plan::p2s_pool(k).to_string()),
    );
    let workstation = b.site(
        site,
        &[address],
        None,
        SiteRoles {
            admin_workstation: true,
            ..SiteRoles::default()
        },
    );
    b.connection(
        connection,
        ConnectionKind::PointToSite {
            gateway: vpn,
            site: workstation,
        },
    );
    vpn
}

/// Tags a VNet `fastpathenabled` as the Payment HSM templates do.
pub(crate) fn tag_fastpath(b: &mut Builder, vnet: Id) {
    b.vnet_mut(vnet)
        .tags
        .insert(FASTPATH_TAG.to_string(), FASTPATH_TAG_VALUE.to_string());
}

/// An HA pair of payShield 10K HSMs in `host_subnet` on two stamps, at its fourth and fifth
/// addresses, each with a management NIC: in `management` (a subnet and its prefix) at the same
/// offsets, or beside the host NICs at the sixth and seventh addresses.
pub(crate) fn payment_pair(
    b: &mut Builder,
    host_subnet: Id,
    management: Option<(Id, ipnet::Ipv4Net)>,
    suffix: &str,
) -> [Id; 2] {
    let host_prefix = b
        .design
        .subnet(host_subnet)
        .expect("the host subnet")
        .1
        .prefix;
    let mut ids = [Id(0); 2];
    for (k, stamp) in HSM_STAMPS.iter().enumerate() {
        let host = plan::host(host_prefix, 4 + k as u32);
        let id = b.hsm(
            host_subnet,
            &format!("phsm{}{suffix}", k + 1),
            stamp,
            Some(&host.to_string()),
        );
        let hsm = b.hsm_mut(id);
        hsm.sku = PAYSHIELD_SKUS[0].to_string();
        hsm.management_nic = true;
        hsm.management_ip = Some(match management {
            Some((subnet, prefix)) => {
                hsm.management_subnet = Some(subnet);
                plan::host(prefix, 4 + k as u32)
            }
            None => plan::host(host_prefix, 6 + k as u32),
        });
        ids[k] = id;
    }
    ids
}

/// How an application VNet is peered with the VNet it hangs off.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transit {
    /// Azure's defaults on both sides.
    None,
    /// The spoke uses the other VNet's gateways (transit allowed there, remote gateways here).
    UseGateways,
}

/// An application VNet: spoke `i` of the plan, one /24 with a `workload` subnet of HSM clients
/// (the lower /25; the upper half is left for growth), optionally with a route table, peered
/// with `to` (a VNet id and its name). Returns the VNet.
///
/// Written straight into the design rather than through the builder's lookups, which scan
/// the design: a 4,000-spoke preset stays linear.
pub(crate) fn app_vnet(
    b: &mut Builder,
    region: Id,
    i: usize,
    name: &str,
    route_table: Option<Id>,
    to: (Id, &str),
    transit: Transit,
) -> Id {
    let space = plan::spoke(i);
    let vnet = b.id();
    let subnet = b.id();
    b.design.vnets.push(Vnet {
        id: vnet,
        name: name.to_string(),
        region,
        address_space: vec![space],
        subnets: vec![Subnet {
            id: subnet,
            name: "workload".to_string(),
            prefix: plan::within(space, 0, 25),
            delegation: None,
            nsg: None,
            route_table,
            hsm_client: true,
            layout: Rect::default(),
        }],
        tags: Default::default(),
        external: false,
        layout: Rect::default(),
    });
    let (here, there) = match transit {
        Transit::None => (PeeringSide::default(), PeeringSide::default()),
        Transit::UseGateways => (
            PeeringSide {
                allow_gateway_transit: true,
                ..PeeringSide::default()
            },
            PeeringSide {
                use_remote_gateways: true,
                ..PeeringSide::default()
            },
        ),
    };
    let peering = b.id();
    b.design.peerings.push(Peering {
        id: peering,
        name: format!("{}-to-{name}", to.1),
        a: to.0,
        b: vnet,
        a_to_b: here,
        b_to_a: there,
    });
    vnet
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{check, Severity};

    fn built(name: &str, spokes: Option<usize>, regions: Option<usize>) -> Design {
        build(name, &Size { spokes, regions }).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn assert_clean(name: &str, design: &Design) {
        let report = check(design);
        let errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("  {}: {}", f.rule, f.message))
            .collect();
        assert!(
            errors.is_empty(),
            "{name} has errors:\n{}",
            errors.join("\n")
        );
    }

    /// The warnings each preset shows on purpose (its description says why).
    fn expected_warnings(name: &str) -> &'static [&'static str] {
        match name {
            "single-vnet" | "hub-nva-proxy" => &["ha-regions"],
            "cross-region-ha" => &[],
            "expressroute-direct" => &["hsm-er-gateway-not-onprem", "ha-regions"],
            "payment-hsm" => &["payshield-ha"],
            "payment-hsm-multi-vnet" => &[],
            "cloud-hsm" => &[],
            _ => unreachable!(),
        }
    }

    fn assert_only_expected_warnings(name: &str, design: &Design) {
        let report = check(design);
        let unexpected: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .filter(|f| !expected_warnings(name).contains(&f.rule))
            .map(|f| format!("  {}: {}", f.rule, f.message))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{name} has unexpected warnings:\n{}",
            unexpected.join("\n")
        );
    }

    #[test]
    fn the_first_design_is_the_first_preset_at_its_default_size() {
        assert_eq!(Some(first()), build(ALL[0].name, &Size::default()).ok());
    }

    #[test]
    fn every_preset_checks_without_errors_at_default_size() {
        for p in ALL {
            let design = built(p.name, None, None);
            assert_clean(p.name, &design);
            assert_only_expected_warnings(p.name, &design);
            assert_eq!(design.name, p.title);
            assert!(
                !design.description.is_empty(),
                "{} has no description",
                p.name
            );
        }
    }

    #[test]
    fn every_preset_checks_without_errors_at_10_and_100_spokes() {
        for p in ALL {
            for spokes in [10, 100] {
                let design = built(p.name, Some(spokes), None);
                assert_clean(&format!("{} with {spokes} spokes", p.name), &design);
                assert_only_expected_warnings(p.name, &design);
            }
        }
    }

    #[test]
    fn cloud_hsm_checks_without_errors_at_every_size_it_takes() {
        let most = preset("cloud-hsm").unwrap().max_spokes;
        for spokes in [1, 2, 3, 50, most] {
            let design = built("cloud-hsm", Some(spokes), None);
            assert_clean(&format!("cloud-hsm with {spokes} spokes"), &design);
            assert_only_expected_warnings("cloud-hsm", &design);
        }
    }

    #[test]
    fn cross_region_checks_without_errors_at_3_regions_and_at_the_most() {
        for regions in [3, 4, 5] {
            let design = built("cross-region-ha", Some(2), Some(regions));
            assert_clean(&format!("cross-region-ha in {regions} regions"), &design);
            assert_only_expected_warnings("cross-region-ha", &design);
        }
        let most = preset("cross-region-ha").unwrap().max_regions;
        let design = built("cross-region-ha", None, Some(most));
        assert_clean(&format!("cross-region-ha in {most} regions"), &design);
    }

    #[test]
    fn presets_show_the_warnings_their_descriptions_announce() {
        for p in ALL {
            let design = built(p.name, None, None);
            let report = check(&design);
            for rule in expected_warnings(p.name) {
                assert!(
                    report
                        .of_rule(rule)
                        .any(|f| f.severity == Severity::Warning),
                    "{} should show {rule}",
                    p.name
                );
                assert!(
                    design.description.contains(rule),
                    "{} description should name {rule}",
                    p.name
                );
            }
        }
    }

    fn assert_no_vnet_overlap(label: &str, design: &Design) {
        let mut spaces: Vec<(u32, u32, &str)> = design
            .vnets
            .iter()
            .flat_map(|v| {
                v.address_space.iter().map(move |p| {
                    (
                        u32::from(p.network()),
                        u32::from(p.broadcast()),
                        v.name.as_str(),
                    )
                })
            })
            .collect();
        spaces.sort();
        for pair in spaces.windows(2) {
            assert!(
                pair[0].1 < pair[1].0,
                "{label}: {} and {} overlap",
                pair[0].2,
                pair[1].2
            );
        }
    }

    #[test]
    fn no_two_vnets_overlap_even_at_1000_spokes() {
        for p in ALL {
            let design = built(p.name, Some(p.max_spokes.min(1000)), None);
            assert_no_vnet_overlap(p.name, &design);
        }
        let design = built("cross-region-ha", Some(100), Some(10));
        assert_no_vnet_overlap("cross-region-ha 10x100", &design);
        assert_eq!(design.vnets.len(), 10 + 10 * 100);
    }

    /// The payment presets take at most 400 spokes (a VNet has at most 500 peerings) and
    /// check without errors at that size too.
    #[test]
    fn the_payment_presets_check_without_errors_at_their_largest_size() {
        for name in ["payment-hsm", "payment-hsm-multi-vnet"] {
            let max = preset(name).unwrap().max_spokes;
            let design = built(name, Some(max), None);
            assert_clean(&format!("{name} at {max} spokes"), &design);
        }
    }

    #[test]
    fn the_largest_sizes_build_and_stay_unique() {
        let design = built("hub-nva-proxy", Some(plan::MAX_SPOKES), None);
        assert_no_vnet_overlap("hub-nva-proxy at the most", &design);
        crate::document::check_integrity(&design).unwrap();
    }

    #[test]
    fn names_are_valid_azure_names() {
        for p in ALL {
            let design = built(p.name, Some(3), None);
            let mut names: Vec<&str> = design.vnets.iter().map(|v| v.name.as_str()).collect();
            names.extend(
                design
                    .vnets
                    .iter()
                    .flat_map(|v| v.subnets.iter().map(|s| s.name.as_str())),
            );
            names.extend(design.hsms.iter().map(|e| e.name.as_str()));
            names.extend(design.gateways.iter().map(|e| e.name.as_str()));
            names.extend(design.nvas.iter().map(|e| e.name.as_str()));
            names.extend(design.load_balancers.iter().map(|e| e.name.as_str()));
            names.extend(design.firewalls.iter().map(|e| e.name.as_str()));
            names.extend(design.route_tables.iter().map(|e| e.name.as_str()));
            names.extend(design.nsgs.iter().map(|e| e.name.as_str()));
            names.extend(design.sites.iter().map(|e| e.name.as_str()));
            names.extend(design.circuits.iter().map(|e| e.name.as_str()));
            names.extend(design.peerings.iter().map(|e| e.name.as_str()));
            names.extend(design.connections.iter().map(|e| e.name.as_str()));
            for name in names {
                assert!(
                    !name.is_empty()
                        && name.len() <= 80
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                    "{}: {name:?} is not a valid Azure name",
                    p.name
                );
            }
            for h in &design.hsms {
                assert!(
                    (3..=24).contains(&h.name.len()),
                    "{}: HSM name {:?}",
                    p.name,
                    h.name
                );
            }
        }
    }

    #[test]
    fn sizes_out_of_range_are_refused_with_a_clear_message() {
        let err = |name: &str, spokes, regions| {
            build(name, &Size { spokes, regions })
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("hub-nva-proxy", Some(0), None),
            "spokes: 0 is out of range (1 to 4000)"
        );
        assert_eq!(
            err("hub-nva-proxy", Some(4001), None),
            "spokes: 4001 is out of range (1 to 4000)"
        );
        assert_eq!(
            err("single-vnet", None, Some(2)),
            "the single-vnet preset does not take a number of regions"
        );
        let most = preset("cross-region-ha").unwrap().max_regions;
        assert_eq!(
            err("cross-region-ha", None, Some(1)),
            format!("regions: 1 is out of range (2 to {most})")
        );
        assert_eq!(
            err("cross-region-ha", None, Some(most + 1)),
            format!("regions: {} is out of range (2 to {most})", most + 1)
        );
        assert_eq!(
            err("cross-region-ha", Some(1000), Some(5)),
            "1000 spokes in each of 5 regions make 5000 application VNets; at most 4000 in all"
        );
        // The core names no command-line flag: the CLI and the app word sizes their own way.
        for message in [
            err("hub-nva-proxy", Some(0), None),
            err("single-vnet", None, Some(2)),
            err("cross-region-ha", Some(1000), Some(5)),
        ] {
            assert!(!message.contains("--"), "{message}");
        }
        let unknown = err("hub", None, None);
        assert!(unknown.contains("\"hub\""), "{unknown}");
        for p in ALL {
            assert!(unknown.contains(p.name), "{unknown}");
        }
    }

    #[test]
    fn presets_are_deterministic() {
        for p in ALL {
            let size = Size {
                spokes: Some(5),
                regions: None,
            };
            let size = if p.takes_regions {
                Size {
                    regions: Some(3),
                    ..size
                }
            } else {
                size
            };
            assert_eq!(build(p.name, &size), build(p.name, &size), "{}", p.name);
        }
    }

    #[test]
    fn defaults_are_within_bounds() {
        for p in ALL {
            assert!((1..=p.max_spokes).contains(&p.default_spokes), "{}", p.name);
            assert!(
                (1..=p.max_regions).contains(&p.default_regions),
                "{}",
                p.name
            );
            assert!(p.max_spokes <= plan::MAX_SPOKES, "{}", p.name);
        }
    }

    #[test]
    fn the_spoke_cover_is_exact() {
        use crate::addressing::overlaps;
        for (first, count) in [
            (0, 1),
            (0, 4000),
            (3, 5),
            (7, 100),
            (1000, 1000),
            (0, 32768),
        ] {
            let cover = plan::spokes_cover(first, count);
            let total: u64 = cover.iter().map(|p| 1u64 << (24 - p.prefix_len())).sum();
            assert_eq!(total, count as u64, "{first}+{count}: {cover:?}");
            for i in [first, first + count - 1] {
                assert!(cover.iter().any(|c| overlaps(c, &plan::spoke(i))));
            }
            if first > 0 {
                assert!(!cover.iter().any(|c| overlaps(c, &plan::spoke(first - 1))));
            }
            assert!(!cover
                .iter()
                .any(|c| overlaps(c, &plan::spoke(first + count))));
        }
        assert_eq!(plan::spokes_cover(0, 4000).len(), 6);
    }

    /// The example in docs/format.md is a complete document that loads and checks clean.
    #[test]
    fn the_format_documents_example_loads() {
        let doc = include_str!("../../../docs/format.md");
        let start = doc
            .find("```json\n")
            .expect("docs/format.md has a json example")
            + 8;
        let end = start + doc[start..].find("\n```").expect("the example ends");
        let design = crate::document::load(&doc[start..end]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(design.hsms.len(), 2);
        assert_clean("docs/format.md example", &design);
    }

    /// Every field name the presets write is described in docs/format.md.
    #[test]
    fn the_format_document_describes_every_field_the_presets_write() {
        fn keys(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        out.insert(k.clone());
                        keys(v, out);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        let doc = include_str!("../../../docs/format.md");
        let mut all = std::collections::BTreeSet::new();
        for p in ALL {
            let text = crate::document::to_json(&built(p.name, None, None));
            keys(&serde_json::from_str(&text).unwrap(), &mut all);
        }
        for key in all {
            assert!(
                doc.contains(&format!("`{key}`")),
                "docs/format.md does not describe `{key}`"
            );
        }
    }
}
