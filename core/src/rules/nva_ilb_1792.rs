//! `nva-ilb-1792`: a Standard internal load balancer in the hub fronts the NVAs on TCP 1792.

use super::hub::{free_address, hubs, Hub};
use super::{Context, Finding, Rule, Severity};
use crate::addressing;
use crate::azure::ports::LUNA_NTLS_PORT;
use crate::draw::names::unique_among;
use crate::draw::{new, Plan};
use crate::edit::{Edit, Element};
use crate::model::{LbProbe, LbRule, LoadBalancer, Protocol, Subnet};

pub static RULE: Rule = Rule {
    name: "nva-ilb-1792",
    severities: &[Severity::Error],
    summary: "A Standard internal load balancer in the hub fronts the NVAs with a static frontend, a TCP 1792 rule and a TCP 1792 probe.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each hub has a load balancer with the Standard SKU, a static private frontend \
                 address inside its subnet, a TCP rule from port 1792 to port 1792 whose health \
                 probe is TCP on 1792, and every NVA of the hub in its backend pool.",
        why: "Clients, the firewall rules and the route tables all aim at one address, the \
              load balancer's frontend: it must not change (static), must carry the Luna NTLS \
              port 1792 to the NVAs, and must stop sending sessions to an NVA that no longer \
              listens (the probe). An NVA left out of the pool takes no traffic. Basic load \
              balancers are retired and cannot be used for new deployments.",
        fix: "Use the Standard SKU, pin the frontend to a free address of its subnet, add a TCP \
              1792 rule with a TCP 1792 probe, and add every NVA to the backend pool; the \
              one-click fix does all of these (or creates the load balancer in the NVA subnet).",
        source: "Networking considerations, 'Solution Architecture', firewall element 3 (the \
                 load balancer's private frontend on TCP 1792).",
    },
    check,
};

const RULE_NAME: &str = "luna-ntls";
const PROBE_NAME: &str = "luna-ntls-probe";

fn luna_rule(name: String, probe: String) -> LbRule {
    LbRule {
        name,
        protocol: Protocol::Tcp,
        frontend_port: LUNA_NTLS_PORT,
        backend_port: LUNA_NTLS_PORT,
        probe: Some(probe),
    }
}

fn luna_probe(name: String) -> LbProbe {
    LbProbe {
        name,
        protocol: Protocol::Tcp,
        port: LUNA_NTLS_PORT,
    }
}

fn is_luna_rule(r: &LbRule) -> bool {
    r.protocol == Protocol::Tcp
        && r.frontend_port == LUNA_NTLS_PORT
        && r.backend_port == LUNA_NTLS_PORT
}

fn is_luna_probe(p: &LbProbe) -> bool {
    p.protocol == Protocol::Tcp && p.port == LUNA_NTLS_PORT
}

/// Whether a rule's probe is a TCP 1792 probe of the load balancer.
fn probed(lb: &LoadBalancer, r: &LbRule) -> bool {
    r.probe
        .as_deref()
        .and_then(|name| lb.probes.iter().find(|p| p.name == name))
        .is_some_and(is_luna_probe)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hub in hubs(cx) {
        match hub.ilb() {
            None => missing(cx, &hub, out),
            Some(lb) => faulty(cx, &hub, lb, out),
        }
    }
}

/// The hub has no load balancer at all.
fn missing(cx: &Context, hub: &Hub, out: &mut Vec<Finding>) {
    let mut finding = Finding::of(
        &RULE,
        format!(
            "hub {} has no internal load balancer in front of its NVAs; add a Standard load \
             balancer with a static frontend, a TCP 1792 rule and probe, and the NVAs as backends",
            cx.name(hub.vnet.id)
        ),
        vec![hub.vnet.id],
    );
    if let Some((label, edit)) = hub.nva_subnets.first().and_then(|s| new_ilb(cx, hub, s)) {
        finding = finding.with_fix(label, edit);
    }
    out.push(finding);
}

/// A new Standard internal load balancer in `subnet` over the hub's NVAs, made as drawing makes
/// one: the Luna rule and probe, the next free frontend address, the subnet's next slot.
fn new_ilb(cx: &Context, hub: &Hub, subnet: &Subnet) -> Option<(String, Edit)> {
    let mut plan = Plan::new(cx.design);
    let backends = hub.nvas.iter().map(|n| n.id).collect();
    let name = format!("{}-ilb", hub.vnet.name);
    let id = new::load_balancer(&mut plan, subnet.id, &name, backends, None).ok()?;
    let lb = plan.work.load_balancer(id)?;
    let label = format!(
        "Add load balancer '{}' at {} over the NVAs",
        lb.name, lb.frontend_ip?
    );
    Some((label, plan.finish_unchecked().ok()?))
}

/// The hub has a load balancer; says everything wrong with it, with one fix for all of it.
fn faulty(cx: &Context, hub: &Hub, lb: &LoadBalancer, out: &mut Vec<Finding>) {
    let subnet = cx.index().subnet(lb.subnet).map(|(_, s)| s);
    let mut problems: Vec<String> = Vec::new();
    let mut fixed = lb.clone();

    if !lb.sku.eq_ignore_ascii_case("Standard") {
        problems.push(format!("its SKU is {} (Standard is required)", lb.sku));
        fixed.sku = "Standard".to_string();
    }

    let frontend_ok = match (lb.frontend_ip, subnet) {
        (None, _) => {
            problems.push("its frontend address is dynamic (pin a static one)".into());
            false
        }
        (Some(ip), Some(s)) if !s.prefix.trunc().contains(&ip) => {
            problems.push(format!(
                "its frontend {ip} is outside its subnet {}",
                s.prefix
            ));
            false
        }
        (Some(ip), Some(s)) if addressing::is_reserved(&s.prefix, ip) => {
            problems.push(format!("its frontend {ip} is an address Azure reserves"));
            false
        }
        _ => true,
    };
    let mut fixable = true;
    if !frontend_ok {
        fixed.frontend_ip = subnet.and_then(|s| free_address(cx, s));
        fixable &= fixed.frontend_ip.is_some();
    }

    let good_rule = lb.rules.iter().find(|r| is_luna_rule(r) && probed(lb, r));
    if good_rule.is_none() {
        match lb.rules.iter().find(|r| is_luna_rule(r)) {
            Some(r) => problems.push(format!(
                "its rule '{}' has no TCP {LUNA_NTLS_PORT} health probe",
                r.name
            )),
            None => {
                problems.push(format!(
                    "it has no TCP rule from port {LUNA_NTLS_PORT} to {LUNA_NTLS_PORT}"
                ));
                if !lb.probes.iter().any(is_luna_probe) {
                    problems.push(format!("it has no TCP {LUNA_NTLS_PORT} health probe"));
                }
            }
        }
        let probe = match lb.probes.iter().find(|p| is_luna_probe(p)) {
            Some(p) => p.name.clone(),
            None => {
                let name = unique_among(lb.probes.iter().map(|p| p.name.as_str()), PROBE_NAME);
                fixed.probes.push(luna_probe(name.clone()));
                name
            }
        };
        // Repair the rule that already listens on 1792 (Azure allows one per frontend port),
        // else add one.
        let existing = fixed.rules.iter().position(is_luna_rule).or_else(|| {
            fixed
                .rules
                .iter()
                .position(|r| r.frontend_port == LUNA_NTLS_PORT)
        });
        match existing {
            Some(i) => fixed.rules[i] = luna_rule(fixed.rules[i].name.clone(), probe),
            None => {
                let name = unique_among(lb.rules.iter().map(|r| r.name.as_str()), RULE_NAME);
                fixed.rules.push(luna_rule(name, probe));
            }
        }
    }

    let left_out: Vec<_> = hub
        .nvas
        .iter()
        .filter(|n| !lb.backends.contains(&n.id))
        .map(|n| n.id)
        .collect();
    if !left_out.is_empty() {
        let names: Vec<String> = left_out.iter().map(|id| cx.name(*id)).collect();
        problems.push(format!("its backend pool lacks {}", names.join(", ")));
        fixed.backends.extend(&left_out);
    }

    if problems.is_empty() {
        return;
    }
    let mut elements = vec![lb.id];
    elements.extend(&left_out);
    let mut finding = Finding::of(
        &RULE,
        format!(
            "load balancer {} in hub {} cannot front the NVAs on TCP {LUNA_NTLS_PORT}: {}",
            cx.name(lb.id),
            cx.name(hub.vnet.id),
            problems.join("; ")
        ),
        elements,
    );
    if fixable {
        finding = finding.with_fix(
            format!(
                "Repair load balancer {} for TCP {LUNA_NTLS_PORT}",
                cx.name(lb.id)
            ),
            Edit::Replace(Element::LoadBalancer(fixed)),
        );
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::edit::Edit;
    use crate::model::builder::ip;
    use crate::model::Protocol;
    use crate::rules::hub::{lb_mut, reference_hub};
    use crate::rules::testing::*;

    const NAME: &str = "nva-ilb-1792";

    fn trips_and_fix_clears(design: &crate::model::Design, expect: &str) -> crate::model::Design {
        trips_once_and_fix_clears(design, NAME, expect)
    }

    #[test]
    fn passes_the_reference_load_balancer() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), NAME).is_empty());
    }

    #[test]
    fn a_basic_sku_is_set_to_standard() {
        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).sku = "Basic".into();
        let fixed = trips_and_fix_clears(&b.finish(), "Basic");
        assert_eq!(fixed.load_balancer(ids.ilb).unwrap().sku, "Standard");
    }

    #[test]
    fn a_dynamic_frontend_gets_a_free_static_address() {
        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).frontend_ip = None;
        let fixed = trips_and_fix_clears(&b.finish(), "dynamic");
        assert_eq!(
            fixed.load_balancer(ids.ilb).unwrap().frontend_ip,
            Some(ip("10.0.1.6"))
        );
    }

    #[test]
    fn a_frontend_outside_its_subnet_or_reserved_is_flagged() {
        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).frontend_ip = Some(ip("10.0.2.10"));
        trips_and_fix_clears(&b.finish(), "outside its subnet");
        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).frontend_ip = Some(ip("10.0.1.1"));
        trips_and_fix_clears(&b.finish(), "reserves");
    }

    #[test]
    fn a_missing_rule_and_probe_are_added() {
        let (mut b, ids) = reference_hub();
        let lb = lb_mut(&mut b, ids.ilb);
        lb.rules.clear();
        lb.probes.clear();
        let design = b.finish();
        let message = &findings(&design, NAME)[0].message;
        assert!(message.contains("no TCP rule"), "{message}");
        assert!(message.contains("health probe"), "{message}");
        let fixed = trips_and_fix_clears(&design, "no TCP rule");
        let lb = fixed.load_balancer(ids.ilb).unwrap();
        assert_eq!(lb.rules.len(), 1);
        assert_eq!(lb.probes.len(), 1);
        assert_eq!(
            lb.rules[0].probe.as_deref(),
            Some(lb.probes[0].name.as_str())
        );
    }

    #[test]
    fn a_rule_on_the_wrong_port_or_protocol_is_repaired_in_place() {
        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).rules[0].backend_port = 1793;
        let fixed = trips_and_fix_clears(&b.finish(), "no TCP rule");
        let lb = fixed.load_balancer(ids.ilb).unwrap();
        assert_eq!(
            lb.rules.len(),
            1,
            "the 1792 rule is repaired, not duplicated"
        );
        assert_eq!(lb.rules[0].backend_port, 1792);

        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).rules[0].protocol = Protocol::Udp;
        trips_and_fix_clears(&b.finish(), "no TCP rule");
    }

    #[test]
    fn a_rule_without_a_1792_probe_is_flagged() {
        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).rules[0].probe = None;
        trips_and_fix_clears(&b.finish(), "has no TCP 1792 health probe");

        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).probes[0].port = 22;
        let fixed = trips_and_fix_clears(&b.finish(), "has no TCP 1792 health probe");
        assert_eq!(fixed.load_balancer(ids.ilb).unwrap().probes.len(), 2);
    }

    #[test]
    fn nvas_missing_from_the_pool_are_added() {
        let (mut b, ids) = reference_hub();
        lb_mut(&mut b, ids.ilb).backends = vec![ids.nva1];
        let design = b.finish();
        assert_eq!(findings(&design, NAME)[0].elements, vec![ids.ilb, ids.nva2]);
        let fixed = trips_and_fix_clears(&design, "'nva2'");
        assert_eq!(
            fixed.load_balancer(ids.ilb).unwrap().backends,
            vec![ids.nva1, ids.nva2]
        );
    }

    #[test]
    fn a_hub_without_a_load_balancer_gets_one() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.ilb)).unwrap();
        let found = findings(&design, NAME);
        assert_eq!(found[0].elements, vec![ids.hub]);
        let fixed = trips_and_fix_clears(&design, "no internal load balancer");
        let lb = fixed.load_balancers.last().unwrap();
        assert_eq!(lb.subnet, ids.nva_subnet);
        assert_eq!(lb.backends, vec![ids.nva1, ids.nva2]);
        assert_eq!(lb.name, "hub-vnet-ilb");
    }

    #[test]
    fn several_problems_make_one_finding_and_one_fix() {
        let (mut b, ids) = reference_hub();
        let lb = lb_mut(&mut b, ids.ilb);
        lb.sku = "Basic".into();
        lb.frontend_ip = None;
        lb.rules.clear();
        lb.backends.clear();
        trips_and_fix_clears(&b.finish(), "Basic");
    }
}
