//! `payshield-no-load-balancer`: no load balancer balances payment HSM traffic.

use super::select::payment_vnets;
use super::{Context, Finding, Rule, Severity};
use crate::model::Id;

pub static RULE: Rule = Rule {
    name: "payshield-no-load-balancer",
    severities: &[Severity::Error],
    summary: "No load balancer in a VNet a payment HSM uses balances the HSMs' host port.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each load balancer in a VNet holding a payment HSM's NIC, or peered with one: \
                 none of its rules forwards to the host port of a payment HSM it can reach \
                 (the port payment applications send host commands to).",
        why: "Azure Payment HSM does not support load balancers for payment HSM traffic. The \
              payShields are stateless: the payment application itself balances across the \
              healthy HSMs it is connected to, so a load balancer in front of them is both \
              unsupported and unneeded.",
        fix: "Remove the load-balancing rule (or the load balancer) and let the application \
              connect to each HSM's host address and balance across them itself.",
        source: "Azure Payment HSM solution design (payment-hsm/solution-design.md), \
                 'Constraints': 'Load balancers for payment HSMs on Azure traffic: No'; \
                 deployment-scenarios.md (customers handle HA with their own client).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let vnets = payment_vnets(cx);
    if vnets.is_empty() {
        return;
    }
    for lb in &cx.design.load_balancers {
        let Some(vnet) = cx.index().vnet_of_subnet(lb.subnet) else {
            continue;
        };
        let Some(&(_, hsm, _)) = vnets.iter().find(|(v, ..)| *v == vnet.id) else {
            continue;
        };
        let Some(port) = cx.index().hsm(hsm).map(|h| h.host_port) else {
            continue;
        };
        let Some(rule) = lb.rules.iter().find(|r| r.backend_port == port) else {
            continue;
        };
        let elements: Vec<Id> = vec![lb.id, vnet.id, hsm];
        out.push(Finding::of(
            &RULE,
            format!(
                "load balancer {} balances TCP {port}, payment HSM {}'s host port, with rule \
                 '{}'; Azure Payment HSM does not support load balancers in front of the \
                 HSMs: let the payment application balance across them",
                cx.name(lb.id),
                cx.name(hsm),
                rule.name
            ),
            elements,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::model::Design;
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    /// payment-hsm with a proxy tier in its application VNet, its balancer on `port`.
    fn with_balancer(port: u16) -> Design {
        let mut b = Builder::from(build("payment-hsm", &Size::default()).unwrap());
        let vnet = b
            .design
            .vnets
            .iter()
            .find(|v| v.name == "app-vnet-1")
            .unwrap()
            .id;
        let subnet = b.subnet(vnet, "proxies", "10.128.0.128/27");
        let nva = b.nva(subnet, "proxy1", "10.128.0.132");
        let lb = b.luna_load_balancer(subnet, "hsm-lb", "10.128.0.140", &[nva]);
        let lb = b
            .design
            .load_balancers
            .iter_mut()
            .find(|l| l.id == lb)
            .unwrap();
        lb.rules[0].frontend_port = port;
        lb.rules[0].backend_port = port;
        b.finish()
    }

    #[test]
    fn a_balancer_on_the_host_port_next_to_payment_hsms_trips() {
        let found = findings(&with_balancer(1500), "payshield-no-load-balancer");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("TCP 1500"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_on_another_port_the_presets_and_dedicated_hsms() {
        assert!(findings(&with_balancer(8443), "payshield-no-load-balancer").is_empty());
        for name in ["payment-hsm", "payment-hsm-multi-vnet", "hub-nva-proxy"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(
                findings(&design, "payshield-no-load-balancer").is_empty(),
                "{name}"
            );
        }
    }
}
