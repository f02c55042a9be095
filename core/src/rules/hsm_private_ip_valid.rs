//! `hsm-private-ip-valid`: a pinned HSM address is in its subnet, not reserved, and unique.

use super::{Context, Finding, Rule, Severity};
use crate::addressing::is_reserved;
use crate::edit::{Edit, Element};
use crate::hashing::{HashMap, HashMapExt, HashSet};
use crate::model::{Hsm, Id};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "hsm-private-ip-valid",
    severities: &[Severity::Error],
    summary: "A pinned HSM private IP lies in its subnet, is not reserved by Azure, and is unique.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each fixed private IP of an HSM (for a payShield HSM: every host address of its \
                 host NIC, and its management IP in the management subnet) lies inside that \
                 NIC's subnet, is not one of the five addresses Azure reserves there \
                 (the first four and the last), and is used by no other HSM NIC, NVA or load \
                 balancer frontend in that subnet.",
        why: "The HSM's NIC is created with exactly the address given in the template. An \
              address outside the subnet, a reserved one or one already taken makes the \
              deployment fail, and an HSM deployment takes a long time to fail and retry.",
        fix: "Pin a free usable address of the subnet, or leave the address out and let Azure \
              choose. The one-click fix moves the address to the lowest free usable address of \
              the subnet.",
        source: "Dedicated HSM troubleshooting, 'HSM Private IP Address'; Azure Virtual Network \
                 FAQ on reserved addresses.",
    },
    check,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nic {
    /// The first host address.
    Private,
    /// A further host address of a payShield's host NIC: `more_host_ips[i]`.
    MoreHost(usize),
    Management,
}

impl Nic {
    /// Every address an HSM may pin, in order: its host addresses, then its management one.
    fn all(hsm: &Hsm) -> impl Iterator<Item = Nic> {
        std::iter::once(Nic::Private)
            .chain((0..hsm.more_host_ips.len()).map(Nic::MoreHost))
            .chain(std::iter::once(Nic::Management))
    }

    fn label(self) -> String {
        match self {
            Nic::Private => "private IP".to_string(),
            Nic::MoreHost(i) => format!("host IP #{}", i + 2),
            Nic::Management => "management IP".to_string(),
        }
    }

    /// The subnet this NIC sits in: a management NIC may have a subnet of its own.
    fn subnet(self, hsm: &Hsm) -> Id {
        match self {
            Nic::Private | Nic::MoreHost(_) => hsm.subnet,
            Nic::Management => hsm.management_subnet().unwrap_or(hsm.subnet),
        }
    }

    fn of(self, hsm: &Hsm) -> Option<Ipv4Addr> {
        match self {
            Nic::Private => hsm.private_ip,
            Nic::MoreHost(i) => hsm.more_host_ips.get(i).copied(),
            Nic::Management => hsm.management_ip,
        }
    }

    /// A copy of `hsm` with this address moved to `to`.
    fn moved(self, hsm: &Hsm, to: Ipv4Addr) -> Hsm {
        let mut moved = hsm.clone();
        match self {
            Nic::Private => moved.private_ip = Some(to),
            Nic::MoreHost(i) => moved.more_host_ips[i] = to,
            Nic::Management => moved.management_ip = Some(to),
        }
        moved
    }
}

/// Who holds an address in a subnet.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Claim {
    owner: Id,
    /// `Some` for an HSM NIC; `None` for an NVA or a load balancer frontend.
    nic: Option<Nic>,
}

/// The lowest usable address of `prefix` that nobody claims.
fn lowest_free(
    prefix: Ipv4Net,
    subnet: Id,
    claims: &HashMap<(Id, Ipv4Addr), Vec<Claim>>,
) -> Option<Ipv4Addr> {
    let start = u64::from(u32::from(prefix.network())) + 4;
    let end = u64::from(u32::from(prefix.broadcast()));
    (start..end)
        .map(|a| Ipv4Addr::from(a as u32))
        .find(|a| !claims.contains_key(&(subnet, *a)))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let d = cx.design;
    let pinned = |h: &Hsm| Nic::all(h).any(|nic| nic.of(h).is_some());
    let subnets: HashSet<Id> = d
        .hsms
        .iter()
        .filter(|h| pinned(h))
        .flat_map(|h| h.subnets())
        .collect();
    if subnets.is_empty() {
        return;
    }

    // Every address held in those subnets: HSM NICs first (design order), then the others.
    let mut claims: HashMap<(Id, Ipv4Addr), Vec<Claim>> = HashMap::new();
    for hsm in &d.hsms {
        for nic in Nic::all(hsm) {
            if let Some(addr) = nic.of(hsm) {
                let claim = Claim {
                    owner: hsm.id,
                    nic: Some(nic),
                };
                claims
                    .entry((nic.subnet(hsm), addr))
                    .or_default()
                    .push(claim);
            }
        }
    }
    let others = d.nvas.iter().map(|n| (n.id, n.subnet, n.private_ip));
    let others = others.chain(
        d.load_balancers
            .iter()
            .map(|l| (l.id, l.subnet, l.frontend_ip)),
    );
    for (owner, subnet, addr) in others {
        if let (true, Some(addr)) = (subnets.contains(&subnet), addr) {
            claims
                .entry((subnet, addr))
                .or_default()
                .push(Claim { owner, nic: None });
        }
    }

    for hsm in &d.hsms {
        for nic in Nic::all(hsm) {
            let Some(addr) = nic.of(hsm) else { continue };
            let Some((_, subnet)) = cx.index().subnet(nic.subnet(hsm)) else {
                continue;
            };
            let prefix = subnet.prefix.trunc();
            let me = Claim {
                owner: hsm.id,
                nic: Some(nic),
            };
            let here = format!("{} ({})", cx.name(subnet.id), subnet.prefix);
            let mut elements = vec![hsm.id, subnet.id];
            let problem = if !prefix.contains(&addr) {
                format!("lies outside its subnet {here}")
            } else if is_reserved(&prefix, addr) {
                format!(
                    "is one of the five addresses Azure reserves in subnet {here} (the first \
                     four and the last)"
                )
            } else {
                let holders = claims
                    .get(&(subnet.id, addr))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                // The first HSM NIC to claim an address keeps it; any NVA or frontend wins.
                let rival = if holders.first() != Some(&me) {
                    holders.first()
                } else {
                    holders.iter().find(|c| c.nic.is_none())
                };
                let Some(rival) = rival else { continue };
                elements.push(rival.owner);
                let whose = match rival.nic {
                    Some(nic) if rival.owner == hsm.id => format!("its own {}", nic.label()),
                    Some(nic) => format!("the {} of HSM {}", nic.label(), cx.name(rival.owner)),
                    None => {
                        let kind = cx
                            .index()
                            .kind(rival.owner)
                            .map(|k| k.label())
                            .unwrap_or("element");
                        format!("{kind} {}", cx.name(rival.owner))
                    }
                };
                format!("is already used by {whose} in subnet {here}")
            };
            let free = lowest_free(prefix, subnet.id, &claims);
            let advice = match free {
                Some(a) => format!("pin a free address such as {a} or let Azure choose"),
                None => "the subnet has no free usable address: grow it".to_string(),
            };
            let mut finding = Finding::of(
                &RULE,
                format!(
                    "HSM {} has {} {addr} pinned, which {problem}; {advice}",
                    cx.name(hsm.id),
                    nic.label()
                ),
                elements,
            );
            if let Some(free) = free {
                finding = finding.with_fix(
                    format!("Pin the {} to {free}", nic.label()),
                    Edit::Replace(Element::Hsm(nic.moved(hsm, free))),
                );
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::azure::offered::PAYSHIELD_SKUS;
    use crate::model::builder::{ip, net};
    use crate::rules::testing::*;

    #[test]
    fn trips_on_an_address_outside_the_subnet_and_the_fix_moves_it_to_the_lowest_free() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm2).private_ip = Some(ip("10.10.2.5"));
        let design = b.finish();
        let found = findings(&design, "hsm-private-ip-valid");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm2, ids.hsm_subnet]);
        assert!(found[0].message.contains("outside"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, "hsm-private-ip-valid");
        // .4 is hsm1's; .5 is the lowest free usable address.
        assert_eq!(
            fixed.hsm(ids.hsm2).unwrap().private_ip,
            Some(ip("10.10.1.5"))
        );
        assert!(findings(&fixed, "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn every_reserved_address_trips() {
        for reserved in [
            "10.10.1.0",
            "10.10.1.1",
            "10.10.1.2",
            "10.10.1.3",
            "10.10.1.15",
        ] {
            let (mut b, ids) = hsm_vnet();
            b.hsm_mut(ids.hsm1).private_ip = Some(ip(reserved));
            let design = b.finish();
            let found = findings(&design, "hsm-private-ip-valid");
            assert_eq!(found.len(), 1, "{reserved}");
            assert!(
                found[0].message.contains("reserves"),
                "{}",
                found[0].message
            );
            let fixed = apply_first_fix(&design, "hsm-private-ip-valid");
            assert_eq!(
                fixed.hsm(ids.hsm1).unwrap().private_ip,
                Some(ip("10.10.1.4"))
            );
        }
    }

    #[test]
    fn a_duplicate_is_reported_on_the_later_hsm_only() {
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm2).private_ip = Some(ip("10.10.1.4"));
        let design = b.finish();
        let found = findings(&design, "hsm-private-ip-valid");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm2, ids.hsm_subnet, ids.hsm1]);
        assert!(found[0].message.contains("'hsm1'"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, "hsm-private-ip-valid");
        assert_eq!(
            fixed.hsm(ids.hsm2).unwrap().private_ip,
            Some(ip("10.10.1.5"))
        );
        assert!(findings(&fixed, "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn an_address_taken_by_an_nva_or_a_frontend_trips_the_hsm() {
        let (mut b, ids) = hsm_vnet();
        let nva = b.nva(ids.hsm_subnet, "intruder", "10.10.1.5");
        let design = b.finish();
        let found = findings(&design, "hsm-private-ip-valid");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hsm2, ids.hsm_subnet, nva]);
        let fixed = apply_first_fix(&design, "hsm-private-ip-valid");
        assert_eq!(
            fixed.hsm(ids.hsm2).unwrap().private_ip,
            Some(ip("10.10.1.6"))
        );

        let (mut b, ids) = hsm_vnet();
        b.luna_load_balancer(ids.hsm_subnet, "ilb", "10.10.1.4", &[]);
        let found = findings(&b.finish(), "hsm-private-ip-valid");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("load balancer 'ilb'"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn the_management_ip_is_checked_too() {
        let (mut b, ids) = hsm_vnet();
        let hsm = b.hsm_mut(ids.hsm1);
        hsm.sku = PAYSHIELD_SKUS[0].to_string();
        hsm.management_nic = true;
        hsm.management_ip = Some(ip("10.10.1.4"));
        let design = b.finish();
        let found = findings(&design, "hsm-private-ip-valid");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("management IP"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("its own private IP"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, "hsm-private-ip-valid");
        assert_eq!(
            fixed.hsm(ids.hsm1).unwrap().management_ip,
            Some(ip("10.10.1.6"))
        );
        assert!(findings(&fixed, "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn every_host_address_of_a_payshield_is_checked() {
        let (mut b, ids) = hsm_vnet();
        let hsm = b.hsm_mut(ids.hsm1);
        hsm.sku = PAYSHIELD_SKUS[0].to_string();
        // Its second host address lies outside the subnet; its third is hsm2's (.5), and
        // hsm1 comes first in the design, so hsm2 is the one reported for that address.
        hsm.more_host_ips = vec![ip("10.10.9.9"), ip("10.10.1.5")];
        let design = b.finish();
        let found = findings(&design, "hsm-private-ip-valid");
        assert_eq!(found.len(), 2, "{found:#?}");
        let (outside, taken) = (&found[0].message, &found[1].message);
        assert!(
            outside.contains("'hsm1' has host IP #2 10.10.9.9") && outside.contains("outside"),
            "{outside}"
        );
        assert!(
            taken.contains("'hsm2' has private IP 10.10.1.5")
                && taken.contains("the host IP #3 of HSM 'hsm1'"),
            "{taken}"
        );
        let fixed = apply_first_fix(&design, "hsm-private-ip-valid");
        assert_eq!(
            fixed.hsm(ids.hsm1).unwrap().more_host_ips,
            vec![ip("10.10.1.6"), ip("10.10.1.5")],
            "the lowest free address, the other host address kept"
        );
        let fixed = apply_first_fix(&fixed, "hsm-private-ip-valid");
        assert!(findings(&fixed, "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn the_same_address_in_another_subnet_is_fine() {
        let (mut b, ids) = hsm_vnet();
        let other = b.hsm_subnet(ids.vnet, "hsm-subnet-2", "10.10.1.0/28");
        b.hsm(other, "hsm3", "stamp1", Some("10.10.1.4"));
        // The overlap is subnet-overlap's business; this rule compares within a subnet.
        assert!(findings(&b.finish(), "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn passes_valid_pins_and_unpinned_hsms() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), "hsm-private-ip-valid").is_empty());
        let (mut b, ids) = hsm_vnet();
        b.hsm_mut(ids.hsm1).private_ip = None;
        b.hsm_mut(ids.hsm2).private_ip = Some(ip("10.10.1.14"));
        assert!(findings(&b.finish(), "hsm-private-ip-valid").is_empty());
    }

    #[test]
    fn a_full_subnet_gets_no_fix_and_a_non_canonical_prefix_is_read_truncated() {
        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.0/29");
        b.hsm_mut(ids.hsm1).private_ip = Some(ip("10.10.1.4"));
        b.hsm_mut(ids.hsm2).private_ip = Some(ip("10.10.1.5"));
        b.hsm(ids.hsm_subnet, "hsm3", "stamp1", Some("10.10.1.6"));
        b.hsm(ids.hsm_subnet, "hsm4", "stamp2", Some("10.10.1.7"));
        let found = findings(&b.finish(), "hsm-private-ip-valid");
        assert_eq!(found.len(), 1, "only the broadcast address");
        assert!(found[0].fix.is_none());

        let (mut b, ids) = hsm_vnet();
        b.subnet_mut(ids.hsm_subnet).prefix = net("10.10.1.9/28");
        assert!(findings(&b.finish(), "hsm-private-ip-valid").is_empty());
    }
}
