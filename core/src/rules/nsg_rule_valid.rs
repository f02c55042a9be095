//! `nsg-rule-valid`: every NSG rule is one Azure accepts: a priority from 100 to 4096, unique per
//! direction within its NSG; ports 0 to 65535 in order; addresses that are prefixes or service
//! tags.

use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::{NSG_PRIORITIES, NSG_SERVICE_TAGS};
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt};
use crate::model::{AddressMatch, Direction, Nsg, PortRange};

pub static RULE: Rule = Rule {
    name: "nsg-rule-valid",
    severities: &[Severity::Error],
    summary: "NSG rule priorities are 100 to 4096 and unique per direction; ports and addresses are ones Azure accepts.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For every rule of every NSG: the priority lies between 100 and 4096 and no other \
                 rule of the same NSG and direction has it; the destination port range is '*', \
                 a port or a range from 0 to 65535 whose first port is not above its last; the \
                 source and destination are '*', a service tag (VirtualNetwork, \
                 AzureLoadBalancer, Internet) or an address prefix with no host bits set.",
        why: "Azure refuses the whole NSG when one rule breaks these: a priority outside \
              100-4096, two rules with the same priority and direction (which one applies \
              would be ambiguous), a port outside 0-65535, or an address prefix such as \
              10.0.0.5/24 ('has invalid Address prefix'). The deployment stops at the NSG, and \
              every subnet that relies on it stays unprotected or unreachable.",
        fix: "The one-click fix gives each rule whose priority is taken or out of range the \
              nearest free priority of its direction (a duplicate the next free one above the \
              one it shares, a priority below 100 the first free one from 100, one above 4096 \
              the last free one up to 4096), puts a reversed port range in order, and truncates \
              an address prefix to its network address. Check the order of the rules \
              afterwards: Azure evaluates them by priority.",
        source: "virtual-network/network-security-groups-overview.md, 'Security rules' \
                 (priority 100-4096, no two rules with the same priority and direction; \
                 sources and destinations); REST specification networkSecurityGroup.json, \
                 SecurityRulePropertiesFormat (ports 0-65535 or '*'); the 'invalid Address \
                 prefix' error Azure returns for a prefix with host bits set \
                 (Azure/azure-powershell issue 4557).",
    },
    check,
};

/// At most this many problems are spelt out in one finding; the rest are counted.
const SHOWN: usize = 3;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for nsg in &cx.design.nsgs {
        check_nsg(cx, nsg, out);
    }
}

fn direction_index(d: Direction) -> usize {
    match d {
        Direction::Inbound => 0,
        Direction::Outbound => 1,
    }
}

fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
    }
}

/// How the model writes a service tag, or `None` for a prefix.
fn tag(m: &AddressMatch) -> Option<&'static str> {
    match m {
        AddressMatch::Any => Some("*"),
        AddressMatch::VirtualNetwork => Some("VirtualNetwork"),
        AddressMatch::AzureLoadBalancer => Some("AzureLoadBalancer"),
        AddressMatch::Internet => Some("Internet"),
        AddressMatch::Prefix(_) => None,
    }
}

/// What is wrong with an address match, if anything, and the repaired match when one exists.
fn address_problem(m: &AddressMatch) -> Option<(String, Option<AddressMatch>)> {
    match (m, tag(m)) {
        (_, Some(t)) if NSG_SERVICE_TAGS.contains(&t) => None,
        (_, Some(t)) => Some((format!("{t}, which is not a service tag Azure knows"), None)),
        (AddressMatch::Prefix(p), None) if p.addr() != p.network() => Some((
            format!("{p}, which has host bits set ({} is the prefix)", p.trunc()),
            Some(AddressMatch::Prefix(p.trunc())),
        )),
        _ => None,
    }
}

/// One setting of one rule, repaired.
enum Repair {
    Priority(u16),
    Ports(PortRange),
    Source(AddressMatch),
    Destination(AddressMatch),
}

/// The free priorities of one direction of one NSG, found in near-constant time: `up.find(p)`
/// is the smallest free priority at or above `p` and `down.find(p)` the largest at or below it
/// (disjoint-set forests with path halving over the priority range).
struct FreePriorities {
    up: Vec<u16>,
    down: Vec<u16>,
}

/// No free priority in that direction of the search.
const NONE_UP: u16 = *NSG_PRIORITIES.end() + 1;
const NONE_DOWN: u16 = *NSG_PRIORITIES.start() - 1;

impl FreePriorities {
    fn new() -> Self {
        FreePriorities {
            up: (0..=NONE_UP).collect(),
            down: (0..=NONE_UP).collect(),
        }
    }

    fn find_up(&mut self, p: u16) -> Option<u16> {
        let mut p = p.clamp(NONE_DOWN + 1, NONE_UP);
        while self.up[p as usize] != p {
            let next = self.up[self.up[p as usize] as usize];
            self.up[p as usize] = next;
            p = next;
        }
        (p != NONE_UP).then_some(p)
    }

    fn find_down(&mut self, p: u16) -> Option<u16> {
        let mut p = p.clamp(NONE_DOWN, NONE_UP - 1);
        while self.down[p as usize] != p {
            let next = self.down[self.down[p as usize] as usize];
            self.down[p as usize] = next;
            p = next;
        }
        (p != NONE_DOWN).then_some(p)
    }

    fn take(&mut self, p: u16) {
        if NSG_PRIORITIES.contains(&p) {
            self.up[p as usize] = p + 1;
            self.down[p as usize] = p - 1;
        }
    }
}

fn check_nsg(cx: &Context, nsg: &Nsg, out: &mut Vec<Finding>) {
    let mut problems: Vec<String> = Vec::new();
    let mut count = 0;
    let mut note = |problems: &mut Vec<String>, text: String| {
        count += 1;
        if problems.len() < SHOWN {
            problems.push(text);
        }
    };
    // The first rule holding each (direction, priority) keeps it.
    let mut holder: [HashMap<u16, usize>; 2] = [HashMap::new(), HashMap::new()];
    // Rules to renumber, in document order.
    let mut renumber: Vec<usize> = Vec::new();
    // Repairs found on the way, applied to a copy only when there is something to repair.
    let mut repairs: Vec<(usize, Repair)> = Vec::new();
    for (i, rule) in nsg.rules.iter().enumerate() {
        let dir = direction_index(rule.direction);
        if !NSG_PRIORITIES.contains(&rule.priority) {
            note(
                &mut problems,
                format!(
                    "rule '{}' has priority {}, outside {}-{}",
                    rule.name,
                    rule.priority,
                    NSG_PRIORITIES.start(),
                    NSG_PRIORITIES.end()
                ),
            );
            renumber.push(i);
        } else if let Some(&first) = holder[dir].get(&rule.priority) {
            note(
                &mut problems,
                format!(
                    "{} rules '{}' and '{}' both have priority {}",
                    direction_word(rule.direction),
                    nsg.rules[first].name,
                    rule.name,
                    rule.priority
                ),
            );
            renumber.push(i);
        } else {
            holder[dir].insert(rule.priority, i);
        }
        if let PortRange::Range(lo, hi) = rule.destination_ports {
            if lo > hi {
                note(
                    &mut problems,
                    format!(
                        "rule '{}' has port range {lo}-{hi}, whose first port is above its last",
                        rule.name
                    ),
                );
                repairs.push((i, Repair::Ports(PortRange::Range(hi, lo))));
            }
        }
        for (end, m) in [("source", &rule.source), ("destination", &rule.destination)] {
            if let Some((what, repair)) = address_problem(m) {
                note(
                    &mut problems,
                    format!("rule '{}' has {end} {what}", rule.name),
                );
                if let Some(r) = repair {
                    repairs.push((
                        i,
                        if end == "source" {
                            Repair::Source(r)
                        } else {
                            Repair::Destination(r)
                        },
                    ));
                }
            }
        }
    }
    if count == 0 {
        return;
    }

    // Free priorities per direction, then the nearest free one for each rule to renumber.
    let mut free = [FreePriorities::new(), FreePriorities::new()];
    for (dir, held) in holder.iter().enumerate() {
        for &p in held.keys() {
            free[dir].take(p);
        }
    }
    let mut moved = Vec::new();
    for &i in &renumber {
        let rule = &nsg.rules[i];
        let f = &mut free[direction_index(rule.direction)];
        let p = rule.priority;
        let to = if p < *NSG_PRIORITIES.start() {
            f.find_up(p)
        } else if p > *NSG_PRIORITIES.end() {
            f.find_down(p)
        } else {
            f.find_up(p + 1).or_else(|| f.find_down(p - 1))
        };
        if let Some(to) = to {
            f.take(to);
            repairs.push((i, Repair::Priority(to)));
            moved.push(format!("'{}' to {to}", rule.name));
        }
    }

    let more = count - problems.len();
    let mut message = format!("NSG {}: {}", cx.name(nsg.id), problems.join("; "));
    if more > 0 {
        message.push_str(&format!(" (and {more} more)"));
    }
    message.push_str("; Azure refuses the NSG");
    let finding = Finding::of(&RULE, message, vec![nsg.id]);
    if repairs.is_empty() {
        out.push(finding);
        return;
    }
    let label = match (repairs.len(), moved.as_slice()) {
        (1, [one]) => format!("Move rule {one}"),
        (1, _) => "Repair the rule".to_string(),
        (n, _) => format!("Repair {n} rule settings"),
    };
    let mut fixed = nsg.clone();
    for (i, repair) in repairs {
        let rule = &mut fixed.rules[i];
        match repair {
            Repair::Priority(p) => rule.priority = p,
            Repair::Ports(ports) => rule.destination_ports = ports,
            Repair::Source(m) => rule.source = m,
            Repair::Destination(m) => rule.destination = m,
        }
    }
    out.push(finding.with_fix(label, Edit::Replace(Element::Nsg(fixed))));
}

#[cfg(test)]
mod tests {
    use super::FreePriorities;
    use crate::model::builder::{nsg_rule, Builder};
    use crate::model::{Access, AddressMatch, Design, Direction, NsgRule, PortRange, Protocol};
    use crate::rules::testing::*;

    const RULE: &str = "nsg-rule-valid";

    fn rule(name: &str, priority: u16, direction: Direction) -> NsgRule {
        nsg_rule(
            name,
            priority,
            direction,
            Access::Allow,
            Protocol::Tcp,
            "10.0.0.0/24",
            "*",
            "1792",
        )
    }

    /// A VNet with one subnet whose NSG holds `rules`; returns the design and the NSG's id.
    fn with_rules(rules: Vec<NsgRule>) -> (Design, crate::model::Id) {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let vnet = b.vnet(region, "spoke", &["10.1.0.0/16"]);
        let subnet = b.subnet(vnet, "apps", "10.1.0.0/24");
        let nsg = b.nsg("apps-nsg", rules, &[subnet]);
        (b.finish(), nsg)
    }

    #[test]
    fn passes_valid_rules_and_the_same_priority_in_both_directions() {
        let (design, _) = with_rules(vec![
            rule("in-100", 100, Direction::Inbound),
            rule("out-100", 100, Direction::Outbound),
            rule("in-4096", 4096, Direction::Inbound),
        ]);
        assert!(findings(&design, RULE).is_empty());
    }

    #[test]
    fn a_duplicate_priority_trips_it_and_the_fix_takes_the_next_free_one() {
        let (design, nsg) = with_rules(vec![
            rule("a", 100, Direction::Inbound),
            rule("b", 101, Direction::Inbound),
            rule("c", 100, Direction::Inbound),
            rule("d", 102, Direction::Outbound),
        ]);
        let fixed = trips_once_and_fix_clears(&design, RULE, "'a' and 'c' both have priority 100");
        let rules = &fixed.nsg(nsg).unwrap().rules;
        let priorities: Vec<u16> = rules.iter().map(|r| r.priority).collect();
        assert_eq!(priorities, vec![100, 101, 102, 102]);
        let found = findings(&design, RULE);
        assert!(
            found[0].message.contains("'apps-nsg'"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].fix.as_ref().unwrap().label, "Move rule 'c' to 102");
    }

    #[test]
    fn priorities_out_of_range_move_to_the_nearest_free_one_inside() {
        let (design, nsg) = with_rules(vec![
            rule("low", 50, Direction::Inbound),
            rule("first", 100, Direction::Inbound),
            rule("deny-all", 4100, Direction::Inbound),
            rule("last", 4096, Direction::Inbound),
        ]);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("priority 50, outside 100-4096"));
        assert!(found[0].message.contains("priority 4100"));
        let fixed = apply_first_fix(&design, RULE);
        let priorities: Vec<u16> = fixed
            .nsg(nsg)
            .unwrap()
            .rules
            .iter()
            .map(|r| r.priority)
            .collect();
        assert_eq!(priorities, vec![101, 100, 4095, 4096]);
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn host_bits_and_reversed_ports_are_repaired() {
        let mut bad = rule("wide", 200, Direction::Inbound);
        bad.source = "10.0.0.5/24".parse().unwrap();
        bad.destination_ports = PortRange::Range(2000, 1000);
        let (design, nsg) = with_rules(vec![bad]);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("10.0.0.5/24, which has host bits set"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("2000-1000"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let r = &fixed.nsg(nsg).unwrap().rules[0];
        assert_eq!(r.source, "10.0.0.0/24".parse::<AddressMatch>().unwrap());
        assert_eq!(r.destination_ports, PortRange::Range(1000, 2000));
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn many_problems_are_counted_not_all_listed() {
        let rules = (0..10)
            .map(|i| rule(&format!("r{i}"), 300, Direction::Outbound))
            .collect();
        let (design, nsg) = with_rules(rules);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("(and 6 more)"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        let priorities: Vec<u16> = fixed
            .nsg(nsg)
            .unwrap()
            .rules
            .iter()
            .map(|r| r.priority)
            .collect();
        assert_eq!(priorities, (300..310).collect::<Vec<u16>>());
    }

    #[test]
    fn free_priorities_wrap_downwards_when_nothing_is_free_above() {
        let mut free = FreePriorities::new();
        for p in 4000..=4096 {
            free.take(p);
        }
        assert_eq!(free.find_up(4000), None);
        assert_eq!(free.find_down(4096), Some(3999));
        assert_eq!(free.find_up(1), Some(100));
        free.take(100);
        assert_eq!(free.find_up(100), Some(101));
    }

    #[test]
    fn a_large_nsg_of_duplicates_gets_one_finding() {
        // 20,000 rules sharing two priorities: only 3,997 slots per direction exist, so most
        // stay unfixed; still one finding. (Its cost is measured by `--bench adversarial`.)
        let rules = (0..20_000)
            .map(|i| {
                let dir = if i % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                };
                rule(&format!("r{i}"), 1000, dir)
            })
            .collect();
        let (design, _) = with_rules(rules);
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
    }
}
