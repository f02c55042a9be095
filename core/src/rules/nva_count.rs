//! `nva-count`: a hub's NVA proxy tier has at least two NVAs.

use super::hub::{hubs, Hub};
use super::{Context, Finding, Rule, Severity};
use crate::draw::{new, Plan};
use crate::edit::{Edit, Element};
use crate::model::Nva;

pub static RULE: Rule = Rule {
    name: "nva-count",
    severities: &[Severity::Warning],
    summary: "A hub's NVA proxy tier has at least two NVAs.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Every hub VNet (a VNet holding NVAs) holds at least two of them.",
        why: "Every client session to the HSMs crosses the proxy tier. With a single NVA, its \
              reboot, patching or failure cuts all clients off from HSMs that are themselves \
              deployed as a highly available pair; two or more NVAs behind the internal load \
              balancer keep the path up.",
        fix: "Add a second NVA in the same subnet, configured like the first (SNAT, IP \
              forwarding), and put it in the load balancer's backend pool.",
        source: "Networking considerations, 'Solution Architecture', element 1 (ideally two or \
                 more NVAs).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for hub in hubs(cx) {
        let [only] = hub.nvas.as_slice() else {
            continue;
        };
        let mut finding = Finding::of(
            &RULE,
            format!(
                "hub {} has a single NVA, {}, so one failure or reboot cuts every client off \
                 from the HSMs; add a second NVA behind the load balancer",
                cx.name(hub.vnet.id),
                cx.name(only.id)
            ),
            vec![hub.vnet.id, only.id],
        );
        if let Some((label, edit)) = second_nva(cx, &hub, only) {
            finding = finding.with_fix(label, edit);
        }
        out.push(finding);
    }
}

/// Adds a second NVA beside `only` (as `draw::new` makes one: set up like it, the next free
/// address, the next slot of its subnet) and puts it behind the hub's load balancer.
fn second_nva(cx: &Context, hub: &Hub, only: &Nva) -> Option<(String, Edit)> {
    let mut plan = Plan::new(cx.design);
    let id = new::nva(&mut plan, only.subnet, &only.name, Some(only)).ok()?;
    let name = plan.work.nva(id)?.name.clone();
    if let Some(ilb) = hub.ilb() {
        let mut ilb = ilb.clone();
        ilb.backends.push(id);
        plan.push(Edit::Replace(Element::LoadBalancer(ilb))).ok()?;
    }
    let label = format!("Add NVA '{name}' beside {}", cx.name(only.id));
    Some((label, plan.finish_unchecked().ok()?))
}

#[cfg(test)]
mod tests {
    use crate::edit::Edit;
    use crate::rules::hub::reference_hub;
    use crate::rules::testing::*;

    #[test]
    fn trips_on_a_single_nva_and_the_fix_adds_a_second_behind_the_ilb() {
        let (b, ids) = reference_hub();
        let design = b.finish().apply(&Edit::Remove(ids.nva2)).unwrap();
        let found = findings(&design, "nva-count");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![ids.hub, ids.nva1]);
        assert!(found[0].message.contains("'nva1'"), "{}", found[0].message);
        let fixed = apply_first_fix(&design, "nva-count");
        assert!(findings(&fixed, "nva-count").is_empty());
        let added = fixed.nvas.iter().find(|n| n.id != ids.nva1).unwrap();
        assert_eq!(added.name, "nva2");
        assert_eq!(added.subnet, ids.nva_subnet);
        assert_eq!(added.private_ip.unwrap().to_string(), "10.0.1.5");
        let ilb = fixed.load_balancer(ids.ilb).unwrap();
        assert_eq!(ilb.backends, vec![ids.nva1, added.id]);
        assert!(findings(&fixed, "nva-ilb-1792").is_empty());
    }

    #[test]
    fn passes_two_nvas() {
        let (b, _) = reference_hub();
        assert!(findings(&b.finish(), "nva-count").is_empty());
    }

    #[test]
    fn counts_per_hub() {
        // A second hub with one NVA is flagged even though the design holds three NVAs.
        let (mut b, ids) = reference_hub();
        let hub2 = b.vnet(ids.region, "hub2-vnet", &["10.30.0.0/16"]);
        let subnet = b.subnet(hub2, "nva-subnet", "10.30.1.0/24");
        let lone = b.nva(subnet, "lone-nva", "10.30.1.4");
        let found = findings(&b.finish(), "nva-count");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![hub2, lone]);
    }
}
