//! `payshield-manager-reachable`: an administration workstation or site reaches payShield
//! Manager (HTTPS) on each payment HSM's management address, as the flow tracer follows it.

use super::{Context, Finding, Rule, Severity};
use crate::azure::ports::PAYSHIELD_MANAGER_PORT;
use crate::model::{Id, Protocol};
use crate::trace::Endpoint;

pub static RULE: Rule = Rule {
    name: "payshield-manager-reachable",
    severities: &[Severity::Warning],
    summary: "Each payment HSM has a management NIC whose payShield Manager (HTTPS, TCP 443) an \
              administration workstation or site reaches.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "For each payShield HSM: that it has a management NIC, and that a trace on TCP \
                 443 from at least one on-premises site marked as an administration workstation \
                 (the first four tried) to its management address is delivered out and back.",
        why: "payShield Manager, the console that commissions a payShield 10K, loads its LMKs \
              and configures it, is a browser session over HTTPS to the management NIC's \
              address, from an on-premises PC with the smart-card reader. Without a path to \
              it the HSMs cannot be commissioned or maintained.",
        fix: "Give the HSM a management NIC, mark the administrators' site as an \
              administration workstation, and connect it (point-to-site or site-to-site VPN, \
              or ExpressRoute) to the management VNet or a VNet peered with it in the same \
              region; the trace of the finding shows where the flow stops.",
        source: "Azure Payment HSM: 'Tutorial: Use a VPN to access the payShield manager' \
                 (payment-hsm/access-payshield-manager.md); inspect-traffic.md (TCP 443 to the \
                 management address).",
    },
    check,
};

/// Administration sites tried per HSM: a design has few; a bound keeps the check linear.
const MOST_SITES: usize = 4;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let admins: Vec<Id> = cx
        .design
        .sites
        .iter()
        .filter(|s| s.roles.admin_workstation)
        .map(|s| s.id)
        .take(MOST_SITES)
        .collect();
    for hsm in cx.design.hsms.iter().filter(|h| h.is_payment()) {
        if hsm.management_subnet().is_none() {
            out.push(Finding::of(
                &RULE,
                format!(
                    "payment HSM {} has no management NIC, so payShield Manager cannot be \
                     reached to commission or configure it; give it a management NIC \
                     (managementNetworkProfile)",
                    cx.name(hsm.id)
                ),
                vec![hsm.id],
            ));
            continue;
        }
        let to = Endpoint::Management(hsm.id);
        let reached = admins.iter().any(|site| {
            cx.network()
                .reaches(
                    Endpoint::Site(*site),
                    to,
                    Protocol::Tcp,
                    PAYSHIELD_MANAGER_PORT,
                )
                .unwrap_or(false)
        });
        if reached {
            continue;
        }
        let message = match admins.first() {
            None => format!(
                "no on-premises site is marked as an administration workstation, so nothing \
                 reaches payShield Manager of payment HSM {} (HTTPS on its management address)",
                cx.name(hsm.id)
            ),
            Some(site) => {
                let why = cx
                    .network()
                    .trace(
                        Endpoint::Site(*site),
                        to,
                        Protocol::Tcp,
                        PAYSHIELD_MANAGER_PORT,
                    )
                    .ok()
                    .and_then(|t| t.failing_hop().map(|h| h.decision.clone()))
                    .unwrap_or_else(|| "no path".into());
                format!(
                    "no administration workstation reaches payShield Manager of payment HSM {} \
                     on TCP {PAYSHIELD_MANAGER_PORT}: from {}, {why}",
                    cx.name(hsm.id),
                    cx.name(*site)
                )
            }
        };
        let mut elements = vec![hsm.id];
        elements.extend(admins.first());
        out.push(Finding::of(&RULE, message, elements));
    }
}

#[cfg(test)]
mod tests {
    use crate::presets::{build, Size};
    use crate::rules::testing::*;

    #[test]
    fn trips_without_a_path_a_management_nic_or_an_admin_site() {
        let mut design = build("payment-hsm", &Size::default()).unwrap();
        design.connections.retain(|c| c.name != "admin-p2s");
        let found = findings(&design, "payshield-manager-reachable");
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].message.contains("from 'admin-workstation'"),
            "{}",
            found[0].message
        );

        let mut design = build("payment-hsm", &Size::default()).unwrap();
        design.hsms[0].management_nic = false;
        design.hsms[0].management_ip = None;
        let found = findings(&design, "payshield-manager-reachable");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("no management NIC"));

        let mut design = build("payment-hsm", &Size::default()).unwrap();
        design.sites[0].roles.admin_workstation = false;
        let found = findings(&design, "payshield-manager-reachable");
        assert_eq!(found.len(), 2);
        assert!(found[0].message.contains("no on-premises site is marked"));
    }

    #[test]
    fn quiet_on_the_presets_and_for_dedicated_hsms() {
        for name in ["payment-hsm", "payment-hsm-multi-vnet", "single-vnet"] {
            let design = build(name, &Size::default()).unwrap();
            assert!(
                findings(&design, "payshield-manager-reachable").is_empty(),
                "{name}"
            );
        }
    }
}
