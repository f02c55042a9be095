//! `prefix-allowed`: VNet address spaces and point-to-site pools use ranges Azure allows.

use super::{Context, Finding, Rule, Severity};
use crate::addressing::overlaps;
use crate::azure::addresses::{REFUSED, RFC1918, SHARED};
use crate::model::Id;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub static RULE: Rule = Rule {
    name: "prefix-allowed",
    severities: &[Severity::Error, Severity::Warning],
    summary:
        "Address spaces avoid the ranges Azure refuses and stay within private (RFC 1918) space.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each VNet address space and point-to-site client pool. Error when it overlaps a \
                 range Azure refuses: multicast 224.0.0.0/4, broadcast 255.255.255.255/32, \
                 loopback 127.0.0.0/8, link-local 169.254.0.0/16, or Azure's internal DNS and \
                 health-probe address 168.63.129.16/32. Warning when it lies outside the private \
                 ranges of RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), shared address \
                 space 100.64.0.0/10 included.",
        why: "Azure rejects a virtual network whose address space includes the refused ranges. \
              Other public or non-RFC 1918 ranges are accepted but have side effects: Azure \
              routes them inside the VNet, so the real owners of a public range become \
              unreachable from it, and 100.64.0.0/10 is used by carrier-grade NAT and some \
              platform services, where clashes are hard to diagnose.",
        fix: "Renumber the VNet or pool into 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, \
              avoiding ranges already used on-premises. Renumbering is a design decision, so \
              there is no one-click fix.",
        source: "Azure Virtual Network FAQ, 'What address ranges can I use in my VNets?'.",
    },
    check,
};

fn net((addr, len): (Ipv4Addr, u8)) -> Ipv4Net {
    Ipv4Net::new(addr, len).expect("a valid constant")
}

/// Appends the finding, if any, for one prefix of `owner` described by `what`.
/// `what` is only called when there is something to report.
fn judge(out: &mut Vec<Finding>, what: impl Fn() -> String, prefix: &Ipv4Net, owner: Id) {
    let p = prefix.trunc();
    let is_refused = |(a, l, _): &&(_, u8, _)| overlaps(&p, &net((*a, *l)));
    let refused: Vec<String> = REFUSED
        .iter()
        .filter(is_refused)
        .map(|(a, l, name)| format!("{a}/{l} ({name})"))
        .collect();
    if !refused.is_empty() {
        out.push(Finding::new(
            &RULE,
            Severity::Error,
            format!(
                "{} {prefix} overlaps {}, which Azure does not allow in a virtual network; \
                 renumber it into private space",
                what(),
                refused.join(", ")
            ),
            vec![owner],
        ));
        return;
    }
    if RFC1918.iter().any(|r| net(*r).contains(&p)) {
        return;
    }
    let kind = if net(SHARED).contains(&p) {
        "is in the shared address space 100.64.0.0/10 (carrier-grade NAT)"
    } else {
        "is not private address space (RFC 1918)"
    };
    out.push(Finding::new(
        &RULE,
        Severity::Warning,
        format!(
            "{} {prefix} {kind}; Azure accepts it but routes it inside the network, which can \
             clash with the range's real users: prefer 10.0.0.0/8, 172.16.0.0/12 or \
             192.168.0.0/16",
            what()
        ),
        vec![owner],
    ));
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for vnet in &cx.design.vnets {
        for prefix in &vnet.address_space {
            let what = || format!("VNet {} address space", cx.name(vnet.id));
            judge(out, what, prefix, vnet.id);
        }
    }
    for gateway in &cx.design.gateways {
        if let Some(pool) = &gateway.p2s_pool {
            let what = || format!("the point-to-site pool of gateway {}", cx.name(gateway.id));
            judge(out, what, pool, gateway.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::net;
    use crate::rules::testing::*;
    use crate::rules::Severity;

    fn with_space(space: &str) -> Vec<crate::rules::Finding> {
        let (mut b, ids) = hsm_vnet();
        b.vnet_mut(ids.vnet).address_space.push(net(space));
        findings(&b.finish(), "prefix-allowed")
    }

    #[test]
    fn refused_ranges_are_errors() {
        for space in [
            "224.1.0.0/16",
            "239.0.0.0/8",
            "255.255.255.255/32",
            "255.255.255.0/24",
            "127.0.0.0/16",
            "169.254.10.0/24",
            "168.63.128.0/22",
            "168.63.129.16/32",
            "0.0.0.0/0",
        ] {
            let found = with_space(space);
            assert_eq!(found.len(), 1, "{space}: {found:?}");
            assert_eq!(found[0].severity, Severity::Error, "{space}");
            assert!(found[0].fix.is_none());
        }
        assert!(with_space("168.63.129.0/24")[0]
            .message
            .contains("168.63.129.16/32"));
    }

    #[test]
    fn public_and_shared_space_are_warnings() {
        let found = with_space("20.1.0.0/16");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(
            found[0].message.contains("RFC 1918"),
            "{}",
            found[0].message
        );

        let found = with_space("100.64.8.0/24");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(
            found[0].message.contains("100.64.0.0/10"),
            "{}",
            found[0].message
        );

        // Straddling the edge of a private block is outside it.
        let found = with_space("172.0.0.0/8");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn p2s_pools_are_checked() {
        let (mut b, ids) = hsm_vnet();
        let gw = b.vpn_gateway(
            ids.gateway_subnet,
            "vpngw",
            "VpnGw1",
            Some("169.254.0.0/24"),
        );
        let found = findings(&b.finish(), "prefix-allowed");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].elements, vec![gw]);
    }

    #[test]
    fn passes_private_space() {
        assert!(with_space("172.16.0.0/12").is_empty());
        assert!(with_space("192.168.10.0/24").is_empty());
        let (mut b, ids) = hsm_vnet();
        b.vpn_gateway(ids.gateway_subnet, "vpngw", "VpnGw1", Some("172.31.0.0/24"));
        assert!(findings(&b.finish(), "prefix-allowed").is_empty());
    }
}
