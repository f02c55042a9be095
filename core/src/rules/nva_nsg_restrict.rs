//! `nva-nsg-restrict`: the NVA subnet's NSG admits only the firewall (and the load balancer
//! probe) and lets the NVAs reach only the HSMs on TCP 1792.

use super::fixes::attach_new_nsg;
use super::hub::{hubs, Hub};
use super::select::hsm_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::azure::addresses::PROBE_SOURCE;
use crate::azure::ports::LUNA_NTLS_PORT;
use crate::draw::names::Names;
use crate::edit::{Edit, Element};
use crate::hashing::HashSet;
use crate::model::{Access, AddressMatch, Direction, Id, Nsg, NsgRule, PortRange, Protocol, Vnet};
use crate::trace::nsg::{self, Fence, Flow};
use crate::trace::VnetScope;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "nva-nsg-restrict",
    severities: &[Severity::Warning],
    summary: "The NVA subnet's NSG admits only the AzureFirewallSubnet range (plus the AzureLoadBalancer probe) and forwards only to HSM IPs on TCP 1792.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each subnet holding a hub's NVAs has an NSG. Outbound, its allow rules reach \
                 only HSM addresses (or the HSM subnet) over TCP 1792, every NVA may open TCP \
                 1792 to every HSM, and a final rule denies all other outbound traffic. When the \
                 hub has a firewall, inbound allow rules admit only the firewall's subnet range \
                 and the AzureLoadBalancer tag, the firewall's address and the health probe are \
                 admitted to every NVA on TCP 1792, and a final rule denies all other inbound \
                 traffic. Whether a flow is admitted is the flow tracer's NSG evaluation \
                 (priority order, then Azure's default rules), so a narrower deny before an allow \
                 counts; a rule that an earlier one matches in full (an allow after a \
                 deny-everything rule) never decides anything and is not counted.",
        why: "The HSM subnet cannot have an NSG, so this NSG is where the proxy tier is fenced \
              in: only traffic that crossed the firewall may reach the NVAs, and the NVAs may \
              only open Luna sessions to the HSMs. The explicit denies are needed because \
              Azure's default rules allow all traffic within the VNet and its peers (and \
              outbound to the internet). Once inbound is denied, the load balancer's health \
              probe must be allowed by name, or every NVA is marked down. Traffic reaches the \
              NVAs from the firewall's range only when the firewall source-NATs it: Azure \
              Firewall does not SNAT private destinations by default, so set its private \
              ranges so that the frontend is translated, or clients are dropped here.",
        fix: "Attach an NSG to the NVA subnet with: inbound allow from the AzureFirewallSubnet \
              prefix and from AzureLoadBalancer on TCP 1792, inbound deny all; outbound allow \
              to each HSM address on TCP 1792, outbound deny all. The one-click fix writes \
              these rules, drops allow rules that are wider and deny rules that refuse one of \
              these flows, and makes the firewall SNAT \
              every destination (its private range 255.255.255.255/32) when it does not \
              already, so that the NSG sees the firewall's address.",
        source: "Networking considerations, 'Networking Restrictions' and 'Solution \
                 Architecture', firewall element 5.",
    },
    check,
};

/// A place the NVAs must reach: an HSM's address, or its subnet when the address is not pinned.
struct Target {
    /// The HSM's (or subnet's) name, for rule names.
    name: String,
    /// How messages name it: `'hsm1' (10.10.1.4)`.
    label: String,
    /// What an allow rule for it names: the pinned address, else the subnet.
    prefix: Ipv4Net,
    /// Where a flow to it goes: the pinned address, else the one the tracer expects Azure to
    /// give the HSM.
    address: Option<Ipv4Addr>,
}

/// What the NSG is held against.
struct Policy {
    /// The firewall subnet's prefix and the address the firewall's traffic comes from, when
    /// the hub has a firewall.
    firewall: Option<(Ipv4Net, Ipv4Addr)>,
    /// The subnets holding the HSMs the hub fronts.
    hsm_subnets: Vec<Ipv4Net>,
    targets: Vec<Target>,
}

fn policy<'d>(cx: &Context<'d>, hub: &Hub<'d>, hsm_vnets: &[Id]) -> Policy {
    let facts = cx.index();
    let mut vnets: Vec<&Vnet> = Vec::new();
    if hsm_vnets.binary_search(&hub.vnet.id).is_ok() {
        vnets.push(hub.vnet);
    }
    vnets.extend(hub.hsm_peers(cx, hsm_vnets));
    let mut hsm_subnets: Vec<Ipv4Net> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    for vnet in vnets {
        for id in facts.hsms_of(vnet.id) {
            let Some(hsm) = cx.index().hsm(*id) else {
                continue;
            };
            let Some((_, subnet)) = cx.index().subnet(hsm.subnet) else {
                continue;
            };
            let prefix = subnet.prefix.trunc();
            if !hsm_subnets.contains(&prefix) {
                hsm_subnets.push(prefix);
            }
            let target = match hsm.private_ip {
                Some(ip) => Target {
                    name: hsm.name.clone(),
                    label: format!("'{}' ({ip})", hsm.name),
                    prefix: ip.into(),
                    address: Some(ip),
                },
                None => Target {
                    name: subnet.name.clone(),
                    label: format!("'{}' ({prefix})", subnet.name),
                    prefix,
                    address: cx.network().hsm_address(hsm.id),
                },
            };
            if !targets.iter().any(|t| t.prefix == target.prefix) {
                targets.push(target);
            }
        }
    }
    Policy {
        firewall: hub
            .firewall()
            .zip(hub.firewall_with_ip())
            .map(|((_, s), (_, ip))| (s.prefix.trunc(), ip)),
        hsm_subnets,
        targets,
    }
}

/// What the NSG may admit in a direction: inbound, the firewall subnet and the load balancer
/// probe; outbound, TCP 1792 to the HSM subnets.
fn fence(policy: &Policy, direction: Direction) -> Fence {
    match direction {
        Direction::Inbound => Fence {
            protocol: Protocol::Any,
            sources: policy
                .firewall
                .iter()
                .map(|(fw, _)| AddressMatch::Prefix(*fw))
                .chain([AddressMatch::AzureLoadBalancer])
                .collect(),
            destinations: vec![AddressMatch::Any],
            ports: PortRange::Any,
        },
        Direction::Outbound => Fence {
            protocol: Protocol::Tcp,
            sources: vec![AddressMatch::Any],
            destinations: if policy.hsm_subnets.is_empty() {
                vec![AddressMatch::Prefix(Ipv4Net::default())]
            } else {
                policy
                    .hsm_subnets
                    .iter()
                    .map(|s| AddressMatch::Prefix(*s))
                    .collect()
            },
            ports: PortRange::single(LUNA_NTLS_PORT),
        },
    }
}

/// Whether the NSG's checks cover a direction: outbound always, inbound when the hub has a
/// firewall to admit.
fn checked(policy: &Policy, direction: Direction) -> bool {
    direction == Direction::Outbound || policy.firewall.is_some()
}

/// Why a flow must pass the NSG.
#[derive(Clone, Copy)]
enum Need<'p> {
    /// The firewall's traffic to an NVA.
    Firewall(Ipv4Net),
    /// The load balancer's health probe of an NVA.
    Probe,
    /// An NVA's session to an HSM.
    Hsm(&'p Target),
}

/// What the NSG must admit, as the flows that show it: the firewall and the probe to each NVA
/// of the subnet, and each NVA to each HSM, all on TCP 1792.
struct Needed<'p> {
    need: Need<'p>,
    direction: Direction,
    /// One flow per NVA.
    flows: Vec<Flow>,
}

fn needed<'p>(policy: &'p Policy, nvas: &[Ipv4Addr]) -> Vec<Needed<'p>> {
    let tcp = |src, dst| Flow {
        protocol: Protocol::Tcp,
        src,
        dst,
        port: LUNA_NTLS_PORT,
    };
    let mut out = Vec::new();
    if let Some((fw, fw_ip)) = policy.firewall {
        out.push(Needed {
            need: Need::Firewall(fw),
            direction: Direction::Inbound,
            flows: nvas.iter().map(|nva| tcp(fw_ip, *nva)).collect(),
        });
        out.push(Needed {
            need: Need::Probe,
            direction: Direction::Inbound,
            flows: nvas.iter().map(|nva| tcp(PROBE_SOURCE, *nva)).collect(),
        });
    }
    for t in &policy.targets {
        if let Some(address) = t.address {
            out.push(Needed {
                need: Need::Hsm(t),
                direction: Direction::Outbound,
                flows: nvas.iter().map(|nva| tcp(*nva, address)).collect(),
            });
        }
    }
    out
}

fn describe(r: &NsgRule) -> String {
    format!(
        "'{}' ({:?} from {} to {} port {})",
        r.name, r.protocol, r.source, r.destination, r.destination_ports
    )
}

/// Everything too open or missing in an NSG, as the tracer's NSG evaluation judges it.
fn problems(nsg: &Nsg, policy: &Policy, needed: &[Needed], routes: &impl VnetScope) -> Vec<String> {
    let mut out = Vec::new();
    for direction in [Direction::Inbound, Direction::Outbound] {
        if !checked(policy, direction) {
            continue;
        }
        let fence = fence(policy, direction);
        for r in nsg::admits_beyond(nsg, direction, &fence) {
            out.push(match (direction, policy.firewall) {
                (Direction::Inbound, Some((fw, _))) => format!(
                    "inbound rule {} admits more than the firewall subnet {fw}",
                    describe(r)
                ),
                _ => format!(
                    "outbound rule {} allows more than the HSMs on TCP {LUNA_NTLS_PORT}",
                    describe(r)
                ),
            });
        }
        if nsg::catch_all(nsg, direction).is_none() {
            out.push(match direction {
                Direction::Inbound => "no inbound rule denies everything else, so Azure's \
                                       default rules admit the whole VNet and its peers"
                    .to_string(),
                Direction::Outbound => "no outbound rule denies everything else, so Azure's \
                                        default rules let the NVAs reach the whole VNet, its \
                                        peers and the internet"
                    .to_string(),
            });
        }
        // Each need once, shown by the first NVA whose flow is refused.
        for n in needed.iter().filter(|n| n.direction == direction) {
            let refused = n.flows.iter().find_map(|flow| {
                let d = nsg::evaluate(nsg, n.direction, flow, routes);
                (!d.allowed).then_some((flow, d))
            });
            let Some((flow, d)) = refused else {
                continue;
            };
            out.push(match n.need {
                Need::Firewall(fw) => format!(
                    "traffic from the firewall subnet {fw} on TCP {LUNA_NTLS_PORT} is denied: {} \
                     refuses {} to NVA {}",
                    d.describe(),
                    flow.src,
                    flow.dst
                ),
                Need::Probe => format!(
                    "the AzureLoadBalancer probe on TCP {LUNA_NTLS_PORT} is denied by {}, so \
                     every NVA would be marked down",
                    d.describe()
                ),
                Need::Hsm(t) => format!(
                    "the NVAs' sessions to HSM {} on TCP {LUNA_NTLS_PORT} are denied by {}",
                    t.label,
                    d.describe()
                ),
            });
        }
    }
    out
}

/// A priority not in `used`, searching from `start` by `step` within 100..=4096 (`start`
/// when none is free); taken from now on.
fn free_priority(used: &mut HashSet<u16>, start: i32, step: i32) -> u16 {
    let mut p = start;
    while (100..=4096).contains(&p) {
        if used.insert(p as u16) {
            return p as u16;
        }
        p += step;
    }
    start as u16
}

/// An allow rule for TCP 1792.
fn allow(
    name: String,
    priority: u16,
    direction: Direction,
    source: AddressMatch,
    destination: AddressMatch,
) -> NsgRule {
    NsgRule {
        name,
        priority,
        direction,
        access: Access::Allow,
        protocol: Protocol::Tcp,
        source,
        destination,
        destination_ports: PortRange::single(LUNA_NTLS_PORT),
    }
}

/// A rule denying everything in one direction.
fn deny_all(name: String, priority: u16, direction: Direction) -> NsgRule {
    NsgRule {
        name,
        priority,
        direction,
        access: Access::Deny,
        protocol: Protocol::Any,
        source: AddressMatch::Any,
        destination: AddressMatch::Any,
        destination_ports: PortRange::Any,
    }
}

fn is_deny_all(r: &NsgRule) -> bool {
    r.access == Access::Deny && nsg::matches_every_flow(r)
}

/// The rules of `nsg` rebuilt to the policy: allows beyond the fence dropped, the
/// deny-everything rule of each checked direction last, denies that refuse a needed flow
/// dropped, and an allow added for each needed flow still refused. Judged by the tracer's
/// NSG evaluation, so the result admits every needed flow. `None` when more rules would be
/// needed in one direction than an NSG has priorities (100 to 4096): no fix can hold them,
/// and trying would cost the square of their number.
fn rebuild(
    nsg: &Nsg,
    policy: &Policy,
    needed: &[Needed],
    routes: &impl VnetScope,
) -> Option<Vec<NsgRule>> {
    const PRIORITIES: usize = 4096 - 100 + 1;
    for d in [Direction::Inbound, Direction::Outbound] {
        if needed.iter().filter(|n| n.direction == d).count() >= PRIORITIES {
            return None;
        }
    }
    let rules = &nsg.rules;
    // The rules as they are being rebuilt, in an NSG the tracer's evaluation can judge.
    let mut work = nsg.clone();
    work.rules.retain(|r| {
        !checked(policy, r.direction)
            || match r.access {
                // A deny-everything rule is moved to the end.
                Access::Deny => !nsg::matches_every_flow(r),
                Access::Allow => fence(policy, r.direction).holds(r),
            }
    });
    let mut names = Names::new(rules.iter().map(|r| r.name.as_str()));
    for (d, base) in [
        (Direction::Inbound, "deny-all-inbound"),
        (Direction::Outbound, "deny-all-outbound"),
    ] {
        if !checked(policy, d) {
            continue;
        }
        let mut used: HashSet<u16> = work
            .rules
            .iter()
            .filter(|r| r.direction == d)
            .map(|r| r.priority)
            .collect();
        // A deny-everything rule keeps its name when it is moved to the end.
        let deny_name = rules
            .iter()
            .find(|r| r.direction == d && is_deny_all(r))
            .map(|r| r.name.clone())
            .unwrap_or_else(|| names.take(base));
        work.rules
            .push(deny_all(deny_name, free_priority(&mut used, 4096, -1), d));
        for n in needed.iter().filter(|n| n.direction == d) {
            for flow in &n.flows {
                loop {
                    let decision = nsg::evaluate(&work, d, flow, routes);
                    if decision.allowed {
                        break;
                    }
                    // A deny that refuses the flow goes, unless it is the one at the end.
                    let blocking = (!decision.default_rule)
                        .then(|| {
                            work.rules.iter().position(|r| {
                                r.direction == d
                                    && r.name == decision.rule
                                    && r.priority == decision.priority
                                    && !is_deny_all(r)
                            })
                        })
                        .flatten();
                    if let Some(i) = blocking {
                        work.rules.remove(i);
                        continue;
                    }
                    let p = free_priority(&mut used, 100, 10);
                    work.rules.push(match n.need {
                        Need::Firewall(fw) => allow(
                            names.take("allow-firewall"),
                            p,
                            d,
                            AddressMatch::Prefix(fw),
                            AddressMatch::Any,
                        ),
                        Need::Probe => allow(
                            names.take("allow-lb-probe"),
                            p,
                            d,
                            AddressMatch::AzureLoadBalancer,
                            AddressMatch::Any,
                        ),
                        Need::Hsm(t) => allow(
                            names.take(&format!("to-{}", t.name)),
                            p,
                            d,
                            AddressMatch::Any,
                            AddressMatch::Prefix(t.prefix),
                        ),
                    });
                    break;
                }
            }
        }
        // The deny-everything rule last among the rules of its direction.
        if let Some(i) = work
            .rules
            .iter()
            .position(|r| r.direction == d && is_deny_all(r))
        {
            let deny = work.rules.remove(i);
            work.rules.push(deny);
        }
    }
    Some(work.rules)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let hubs = hubs(cx);
    if hubs.is_empty() {
        return;
    }
    let hsm_vnets = hsm_vnets(cx);
    for hub in hubs {
        let policy = policy(cx, &hub, &hsm_vnets);
        let net = cx.network();
        for subnet in &hub.nva_subnets {
            let Some(routes) = net.routes_of_subnet(subnet.id) else {
                continue;
            };
            let nvas: Vec<Ipv4Addr> = hub
                .nvas
                .iter()
                .filter(|n| n.subnet == subnet.id)
                .filter_map(|n| net.nva_address(n.id))
                .collect();
            let needed = needed(&policy, &nvas);
            let nsg = subnet.nsg.and_then(|id| cx.index().nsg(id));
            let mut elements = vec![subnet.id];
            elements.extend(nsg.map(|n| n.id));
            elements.extend(hub.firewall().map(|(fw, _)| fw.id));
            let (said, edit) = match nsg {
                None => {
                    let blank = Nsg::new(Id(0), String::new(), Vec::new());
                    let name = format!("{}-nsg", subnet.name);
                    let edit = rebuild(&blank, &policy, &needed, &routes)
                        .map(|rules| attach_new_nsg(cx, subnet, &name, rules));
                    ("it has no NSG, so Azure's default rules let any VNet or peered source in and the NVAs reach anything".to_string(), edit)
                }
                Some(nsg) => {
                    let found = problems(nsg, &policy, &needed, &routes);
                    if found.is_empty() {
                        continue;
                    }
                    let edit = rebuild(nsg, &policy, &needed, &routes).map(|rules| {
                        let mut fixed = nsg.clone();
                        fixed.rules = rules;
                        Edit::Replace(Element::Nsg(fixed))
                    });
                    (
                        format!("in NSG {}, {}", cx.name(nsg.id), found.join("; ")),
                        edit,
                    )
                }
            };
            // An NSG that trusts only the firewall subnet sees the clients' own addresses unless
            // the firewall translates them, and Azure Firewall keeps private sources by default:
            // the fix that fences the NVAs in also makes the firewall SNAT, or it shuts clients out.
            let edit = edit.map(|edit| match hub.firewall() {
                Some((fw, _)) if policy.firewall.is_some() && !fw.always_snat => {
                    let mut translating = fw.clone();
                    translating.always_snat = true;
                    Edit::Batch(vec![edit, Edit::Replace(Element::Firewall(translating))])
                }
                _ => edit,
            });
            let wanted = if policy.firewall.is_some() {
                "admit only the firewall subnet and the load balancer probe, and let the NVAs reach only the HSMs on TCP 1792"
            } else {
                "let the NVAs reach only the HSMs on TCP 1792"
            };
            let finding = Finding::of(
                &RULE,
                format!(
                    "NVA subnet {} of hub {} is not fenced in: {said}; {wanted}",
                    cx.name(subnet.id),
                    cx.name(hub.vnet.id)
                ),
                elements,
            );
            out.push(match edit {
                Some(edit) => finding.with_fix("Restrict the NVA subnet's NSG", edit),
                None => finding,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::model::builder::{net, nsg_rule};
    use crate::model::Design;
    use crate::rules::hub::{nsg_mut, reference_hub};
    use crate::rules::testing::*;
    use Access::Allow;
    use Direction::{Inbound, Outbound};

    const NAME: &str = "nva-nsg-restrict";

    fn trips_and_fix_clears(design: &crate::model::Design, expect: &str) -> crate::model::Design {
        trips_once_and_fix_clears(design, NAME, expect)
    }

    fn nsg_rules(design: &Design, nsg: crate::model::Id) -> Vec<NsgRule> {
        design.nsg(nsg).unwrap().rules.clone()
    }

    #[test]
    fn the_fix_makes_a_firewall_that_keeps_sources_translate_them() {
        let (mut b, ids) = reference_hub();
        b.design
            .firewalls
            .iter_mut()
            .for_each(|f| f.always_snat = false);
        let design = b.finish().apply(&Edit::Remove(ids.nva_nsg)).unwrap();
        let fixed = trips_and_fix_clears(&design, "no NSG");
        assert!(fixed.firewall(ids.firewall).unwrap().always_snat);
        // With SNAT on, the fenced-in NVAs still take the clients' sessions.
        assert!(findings(&fixed, "hsm-reachable").is_empty());
    }

    #[test]
    fn passes_the_reference_hub() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn an_nva_subnet_without_an_nsg_gets_a_tight_one() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.nva_nsg)).unwrap();
        let found = findings(&design, NAME);
        assert_eq!(found[0].elements, vec![ids.nva_subnet, ids.firewall]);
        let fixed = trips_and_fix_clears(&design, "no NSG");
        let (_, subnet) = fixed.subnet(ids.nva_subnet).unwrap();
        let nsg = fixed.nsg(subnet.nsg.unwrap()).unwrap();
        assert_eq!(nsg.name, "nva-subnet-nsg");
        let sources: Vec<String> = nsg
            .rules
            .iter()
            .filter(|r| r.direction == Inbound && r.access == Allow)
            .map(|r| r.source.to_string())
            .collect();
        assert_eq!(sources, vec!["10.0.254.0/26", "AzureLoadBalancer"]);
        let destinations: Vec<String> = nsg
            .rules
            .iter()
            .filter(|r| r.direction == Outbound && r.access == Allow)
            .map(|r| r.destination.to_string())
            .collect();
        assert_eq!(destinations, vec!["10.10.1.4/32", "10.10.1.5/32"]);
        assert!(nsg
            .rules
            .iter()
            .filter(|r| is_deny_all(r))
            .all(|r| r.priority == 4096));
    }

    #[test]
    fn an_inbound_allow_from_the_vnet_is_too_open() {
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg).rules.push(nsg_rule(
            "from-vnet",
            200,
            Inbound,
            Allow,
            Protocol::Tcp,
            "VirtualNetwork",
            "*",
            "1792",
        ));
        let fixed = trips_and_fix_clears(&b.finish(), "'from-vnet'");
        assert!(nsg_rules(&fixed, ids.nva_nsg)
            .iter()
            .all(|r| r.name != "from-vnet"));
    }

    #[test]
    fn an_allow_after_the_deny_never_matches_and_is_not_counted() {
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg).rules.push(nsg_rule(
            "late",
            4090,
            Inbound,
            Allow,
            Protocol::Any,
            "*",
            "*",
            "*",
        ));
        // Move the deny before it.
        nsg_mut(&mut b, ids.nva_nsg).rules[2].priority = 4000;
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn a_missing_inbound_deny_is_reported_and_added() {
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg)
            .rules
            .retain(|r| r.name != "deny-in");
        let fixed = trips_and_fix_clears(&b.finish(), "no inbound rule denies");
        let rules = nsg_rules(&fixed, ids.nva_nsg);
        let deny = rules
            .iter()
            .find(|r| r.direction == Inbound && is_deny_all(r))
            .unwrap();
        assert_eq!(deny.priority, 4096);
    }

    #[test]
    fn a_deny_without_the_probe_allow_blocks_the_load_balancer() {
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg)
            .rules
            .retain(|r| r.name != "from-lb-probe");
        trips_and_fix_clears(&b.finish(), "AzureLoadBalancer probe");
    }

    #[test]
    fn a_deny_before_the_firewall_allow_shuts_the_firewall_out() {
        let (mut b, ids) = reference_hub();
        // The deny-all at 100 shadows every allow.
        let rules = &mut nsg_mut(&mut b, ids.nva_nsg).rules;
        rules[0].priority = 150;
        rules[1].priority = 160;
        rules[2].priority = 100;
        let fixed = trips_and_fix_clears(&b.finish(), "firewall subnet 10.0.254.0/26 on TCP 1792");
        let rules = nsg_rules(&fixed, ids.nva_nsg);
        let deny = rules
            .iter()
            .find(|r| r.direction == Inbound && is_deny_all(r))
            .unwrap();
        assert_eq!((deny.name.as_str(), deny.priority), ("deny-in", 4096));
    }

    #[test]
    fn a_deny_before_an_allow_refuses_the_flow_it_was_meant_for() {
        // The rule looked only for a deny-everything rule after the allows; Azure evaluates by
        // priority, so a narrower deny before an allow refuses what the allow names, as the
        // trace shows.
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg).rules.push(nsg_rule(
            "no-firewall",
            90,
            Inbound,
            Access::Deny,
            Protocol::Tcp,
            "10.0.254.0/26",
            "*",
            "1792",
        ));
        let fixed = trips_and_fix_clears(
            &b.finish(),
            "firewall subnet 10.0.254.0/26 on TCP 1792 is denied: rule 'no-firewall' (priority 90)",
        );
        assert!(nsg_rules(&fixed, ids.nva_nsg)
            .iter()
            .all(|r| r.name != "no-firewall"));

        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg).rules.push(nsg_rule(
            "not-hsm2",
            90,
            Outbound,
            Access::Deny,
            Protocol::Any,
            "*",
            "10.10.1.0/28",
            "*",
        ));
        let fixed = trips_and_fix_clears(&b.finish(), "HSM 'hsm2' (10.10.1.5)");
        let rules = nsg_rules(&fixed, ids.nva_nsg);
        assert!(rules.iter().all(|r| r.name != "not-hsm2"));
        assert_eq!(
            rules.iter().filter(|r| r.direction == Outbound).count(),
            3,
            "the two allows and the deny: {rules:?}"
        );
    }

    #[test]
    fn an_outbound_allow_beyond_the_hsms_is_too_open() {
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg).rules.push(nsg_rule(
            "to-anywhere",
            300,
            Outbound,
            Allow,
            Protocol::Tcp,
            "*",
            "*",
            "443",
        ));
        trips_and_fix_clears(&b.finish(), "'to-anywhere'");

        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg).rules[3].destination_ports = PortRange::Any;
        trips_and_fix_clears(&b.finish(), "'to-hsm1'");
    }

    #[test]
    fn an_hsm_subnet_destination_is_accepted() {
        let (mut b, ids) = reference_hub();
        let rules = &mut nsg_mut(&mut b, ids.nva_nsg).rules;
        rules.retain(|r| r.name != "to-hsm2");
        rules[3].destination = AddressMatch::Prefix(net("10.10.1.0/28"));
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn an_unreachable_hsm_is_reported_and_added() {
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg)
            .rules
            .retain(|r| r.name != "to-hsm2");
        let fixed = trips_and_fix_clears(&b.finish(), "'hsm2' (10.10.1.5)");
        assert!(nsg_rules(&fixed, ids.nva_nsg)
            .iter()
            .any(|r| r.destination.to_string() == "10.10.1.5/32"));
    }

    #[test]
    fn a_missing_outbound_deny_is_reported() {
        let (mut b, ids) = reference_hub();
        nsg_mut(&mut b, ids.nva_nsg)
            .rules
            .retain(|r| r.name != "deny-out");
        trips_and_fix_clears(&b.finish(), "no outbound rule denies");
    }

    #[test]
    fn without_a_firewall_only_outbound_is_held_and_inbound_is_left_alone() {
        let (mut b, ids) = reference_hub();
        b.design.firewalls.clear();
        nsg_mut(&mut b, ids.nva_nsg).rules.push(nsg_rule(
            "from-spoke",
            200,
            Inbound,
            Allow,
            Protocol::Tcp,
            "10.20.0.0/16",
            "*",
            "1792",
        ));
        let design = b.finish();
        assert!(findings(&design, NAME).is_empty());

        let design = design.apply(&Edit::Remove(ids.nva_nsg)).unwrap();
        let fixed = trips_and_fix_clears(&design, "no NSG");
        let (_, subnet) = fixed.subnet(ids.nva_subnet).unwrap();
        let nsg = fixed.nsg(subnet.nsg.unwrap()).unwrap();
        assert!(nsg.rules.iter().all(|r| r.direction == Outbound));
    }
}
