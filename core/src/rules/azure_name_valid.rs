//! `azure-name-valid`: every name an export writes is one Azure accepts, and unique where Azure
//! needs it to be.

use super::{Context, Finding, Rule, Severity};
use crate::hashing::{HashMap, RandomState};
use crate::naming::{planned, Planned};
use std::hash::{BuildHasher, Hash, Hasher};

pub static RULE: Rule = Rule {
    name: "azure-name-valid",
    severities: &[Severity::Error],
    summary: "Every Azure resource name the design exports is valid and unique.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "The name of every resource the ARM and Bicep exports write, including the \
                 derived ones (a gateway's public IP '<gateway>-pip', an NVA's network interface \
                 '<nva>-nic', a firewall's '<firewall>-policy', a peering side 'to-<vnet>'), \
                 and the names inside resources (subnets, NSG rules, routes, load-balancing \
                 rules and probes, firewall rules). Most names take 1 to 80 letters, digits, \
                 '_', '.' and '-', start with a letter or digit and do not end with '.' or '-'; \
                 VNets take 2 to 64; NVA virtual machines 1 to 64 letters, digits and '-'; \
                 Dedicated HSMs 3 to 24 letters, digits and '-'. Two resources of one type, or \
                 two items in one list, may not share a name, ignoring case.",
        why: "Azure refuses the whole deployment when one name breaks its naming rules or two \
              resources of a type share a name in a resource group; the error comes late, after \
              other resources have been created. Quotes, spaces and other characters that the \
              canvas accepts in a name are never valid in Azure.",
        fix: "Rename the element. For a derived name, shorten the element's name so that the \
              suffix fits.",
        source: "Azure documentation, 'Naming rules and restrictions for Azure resources' \
                 (Microsoft.Network, Microsoft.Compute); the Microsoft.HardwareSecurityModules \
                 API's name pattern for dedicatedHSMs.",
    },
    check,
};

fn subject(cx: &Context, p: &Planned) -> String {
    if p.derived {
        format!(
            "the {} name {:?} derived from {}",
            p.what,
            p.name,
            cx.name(p.element)
        )
    } else {
        format!("the {} name {:?}", p.what, p.name)
    }
}

/// The hash of what makes two names clash: the scope, and the letters ignoring ASCII case
/// (as Azure compares names), without making a lower-case copy.
fn clash_hash(seed: &RandomState, p: &Planned) -> u64 {
    let mut h = seed.build_hasher();
    p.scope.hash(&mut h);
    for b in p.name.bytes() {
        h.write_u8(b.to_ascii_lowercase());
    }
    h.finish()
}

fn clash(a: &Planned, b: &Planned) -> bool {
    a.scope == b.scope && a.name.eq_ignore_ascii_case(b.name)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut arena = String::new();
    let names = planned(cx.index(), &mut arena);
    // The names kept so far by the hash of their clash key: the latest one's position in
    // `names`, and for each kept name the one kept before it with the same hash (a chain, so
    // two different names that share a hash are both kept).
    let mut latest: HashMap<u64, u32> =
        HashMap::with_capacity_and_hasher(names.len(), Default::default());
    let mut previous: Vec<u32> = vec![u32::MAX; names.len()];
    let seed = RandomState::default();
    for (i, p) in names.iter().enumerate() {
        if let Some(problem) = p.pattern.problem(p.name) {
            out.push(Finding::of(
                &RULE,
                format!("{} is not a valid Azure name: {problem}", subject(cx, p)),
                vec![p.element],
            ));
            continue;
        }
        let hash = clash_hash(&seed, p);
        let head = latest.get(&hash).copied().unwrap_or(u32::MAX);
        let kept = |j: u32| (j != u32::MAX).then_some(j);
        let same = std::iter::successors(kept(head), |&j| kept(previous[j as usize]))
            .find(|&j| clash(&names[j as usize], p));
        match same {
            Some(j) => {
                let earlier = &names[j as usize];
                out.push(Finding::of(
                    &RULE,
                    format!(
                        "{} is already used by {} ({}); Azure needs {} names to be unique, \
                         ignoring case",
                        subject(cx, p),
                        cx.name(earlier.element),
                        earlier.name,
                        p.what
                    ),
                    if earlier.element == p.element {
                        vec![p.element]
                    } else {
                        vec![earlier.element, p.element]
                    },
                ))
            }
            None => {
                previous[i] = head;
                latest.insert(hash, i as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn passes_a_clean_design_and_every_preset() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), "azure-name-valid").is_empty());
        for p in crate::presets::ALL {
            let size = crate::presets::Size {
                spokes: p.takes_spokes.then_some(100),
                regions: None,
            };
            let design = crate::presets::build(p.name, &size).unwrap();
            assert!(
                findings(&design, "azure-name-valid").is_empty(),
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn trips_on_an_hsm_name_outside_the_providers_pattern() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).name = "hsm_1".to_string();
        b.hsm_mut(ids.hsm2).name = "an-hsm-name-of-25-letters".to_string();
        let found = findings(&b.finish(), "azure-name-valid");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].elements, vec![ids.hsm1]);
        assert!(
            found[0].message.contains("\"hsm_1\""),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("'_'"), "{}", found[0].message);
        assert!(found[1].message.contains("3 to 24"), "{}", found[1].message);
    }

    #[test]
    fn trips_on_quotes_and_spaces_in_a_vnet_name() {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).name = "it's ${bad}".to_string();
        let found = findings(&b.finish(), "azure-name-valid");
        // The VNet itself; no peering uses its name here.
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("VNet"), "{}", found[0].message);
        assert!(found[0].message.contains("'\\''"), "{}", found[0].message);
    }

    #[test]
    fn trips_on_a_derived_name_that_outgrows_the_limit() {
        let (b, ids) = hsm_vnet();
        let mut design = b.finish();
        let gateway = design
            .gateways
            .iter_mut()
            .find(|g| g.id == ids.er_gateway)
            .unwrap();
        gateway.name = "g".repeat(78);
        let found = findings(&design, "azure-name-valid");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("public IP"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("derived from"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn trips_on_two_hsms_named_alike_ignoring_case() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm2).name = "HSM1".to_string();
        let found = findings(&b.finish(), "azure-name-valid");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].elements, vec![ids.hsm1, ids.hsm2]);
        assert!(found[0].message.contains("unique"), "{}", found[0].message);
    }
}
