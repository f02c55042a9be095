//! `er-gateway-basic-ip`: an ExpressRoute gateway with a Basic public IP. Azure retired Basic
//! public IPs; the gateway of a Dedicated HSM VNet has until a later date and its own way out.
//!
//! The fix (a Standard public IP, which Azure's gateway migration gives in place) is offered
//! only outside VNets holding Dedicated HSMs. Dedicated HSM's guide forbids exactly that edit
//! there: the gateway carries the service-managed circuit to the HSMs, and changing, deleting or
//! re-creating it cuts them off. Its way out is a new environment (a new VNet, a Standard-IP
//! gateway, new HSMs joined to the HA group, the workloads moved, the old HSMs zeroised), a
//! migration of key material and workloads rather than an edit of this design.

use super::wording::names;
use super::{Context, Finding, Rule, Severity};
use crate::azure::offered::{BASIC_PUBLIC_IP_RETIRED, DEDICATED_HSM_BASIC_IP_GATEWAY_UNTIL};
use crate::edit::{Edit, Element};
use crate::model::{GatewayKind, Id, PublicIpSku};

pub static RULE: Rule = Rule {
    name: "er-gateway-basic-ip",
    severities: &[Severity::Warning],
    summary: "An ExpressRoute gateway has a Standard public IP: Basic ones are retired (a \
              Dedicated HSM VNet's gateway has until 2027-03-31 and must not be migrated in \
              place).",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "Each ExpressRoute gateway whose public IP is of the Basic SKU (as older \
                 deployments and imported templates have it; the non-zone-redundant SKUs \
                 Standard, HighPerformance and UltraPerformance were historically paired with \
                 Basic IPs). A gateway in a VNet holding Dedicated HSMs gets Dedicated HSM's own \
                 guidance.",
        why: "Azure retired Basic SKU public IPs on 2025-09-30; an ExpressRoute gateway moves \
              to a Standard IP through Azure's gateway migration. Dedicated HSM is the \
              exception: Microsoft extended support for the Basic-IP ExpressRoute gateway used \
              by Dedicated HSM until 2027-03-31, and that gateway cannot go through the standard \
              migration, which does not support a VNet containing a Dedicated HSM. Changing, \
              deleting or re-creating it disrupts the service-managed circuit and makes the \
              HSMs inaccessible.",
        fix: "Outside Dedicated HSM VNets, the one-click fix sets the public IP to Standard, \
              which Azure's gateway migration does without re-creating the gateway. In a \
              Dedicated HSM VNet, leave the gateway alone: deploy a new VNet with a Standard \
              SKU ExpressRoute gateway and new Dedicated HSMs, add them to the existing HA \
              group, move the workloads one by one, then zeroise and delete the old HSMs before \
              their network. Better still, migrate to Azure Cloud HSM before Dedicated HSM \
              retires (2028-07-31), first to a Standard-IP gateway if that cannot happen by \
              2027-03-31.",
        source: "Dedicated HSM: 'Migrate Basic Public IP SKU ExpressRoute gateways for \
                 Dedicated HSM' (dedicated-hsm/migration-basic-standard.md, azure-security-docs \
                 4a14bea9, 2026-08-20): \"Microsoft extended support for the Basic Public IP \
                 SKU ExpressRoute gateway used by Azure Dedicated HSM until March 31, 2027\"; \
                 \"Don't change, delete, or re-create the ExpressRoute gateway in an existing \
                 Dedicated HSM environment\". Others: expressroute/gateway-migration.md (Basic \
                 SKU public IPs retired on September 30, 2025; migration from Basic IP to \
                 Standard IP).",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for g in &cx.design.gateways {
        if g.kind != GatewayKind::ExpressRoute || g.public_ip_sku != PublicIpSku::Basic {
            continue;
        }
        let vnet = cx.index().vnet_of_subnet(g.subnet);
        let dedicated: Vec<Id> = vnet
            .map(|v| cx.index().hsms_of(v.id))
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|h| cx.index().hsm(*h).is_some_and(|h| !h.is_payment()))
            .collect();
        if let (Some(vnet), false) = (vnet, dedicated.is_empty()) {
            let mut elements = vec![g.id, vnet.id];
            elements.extend(&dedicated);
            out.push(Finding::of(
                &RULE,
                format!(
                    "ExpressRoute gateway {} of Dedicated HSM VNet {} has a Basic public IP, \
                     supported for Dedicated HSM only until {DEDICATED_HSM_BASIC_IP_GATEWAY_UNTIL}; \
                     do not migrate, change or re-create it (that cuts {} off): deploy a new VNet \
                     with a Standard-IP ExpressRoute gateway and new HSMs, join them to the HA \
                     group, move the workloads, then retire the old HSMs",
                    cx.name(g.id),
                    cx.name(vnet.id),
                    names(cx, &dedicated),
                ),
                elements,
            ));
            continue;
        }
        let mut standard = g.clone();
        standard.public_ip_sku = PublicIpSku::Standard;
        out.push(
            Finding::of(
                &RULE,
                format!(
                    "ExpressRoute gateway {} has a Basic public IP, which Azure retired on \
                     {BASIC_PUBLIC_IP_RETIRED}: migrate it to a Standard public IP (Azure's \
                     gateway migration does so without re-creating the gateway)",
                    cx.name(g.id)
                ),
                vec![g.id],
            )
            .with_fix(
                "Give the gateway a Standard public IP",
                Edit::Replace(Element::Gateway(standard)),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::azure::offered::PAYSHIELD_SKUS;
    use crate::model::builder::Builder;
    use crate::model::PublicIpSku;
    use crate::rules::testing::*;

    const RULE: &str = "er-gateway-basic-ip";

    #[test]
    fn a_dedicated_hsm_vnets_basic_ip_gateway_gets_the_hsm_guidance_and_no_fix() {
        let (mut b, ids) = hsm_vnet();
        b.design.gateways[0].public_ip_sku = PublicIpSku::Basic;
        b.design.gateways[0].sku = "Standard".into();
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].elements,
            vec![ids.er_gateway, ids.vnet, ids.hsm1, ids.hsm2]
        );
        let message = &found[0].message;
        for needle in ["2027-03-31", "do not migrate", "'hsm1' and 'hsm2'"] {
            assert!(message.contains(needle), "{needle}: {message}");
        }
        assert!(found[0].fix.is_none(), "the gateway must not be changed");
    }

    #[test]
    fn elsewhere_the_fix_gives_a_standard_ip() {
        let mut b = Builder::new("t");
        let region = b.region("westeurope");
        let hub = b.vnet(region, "hub", &["10.0.0.0/16"]);
        let gs = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
        let gw = b.er_gateway(gs, "hub-ergw", "HighPerformance");
        b.design.gateways[0].public_ip_sku = PublicIpSku::Basic;
        let design = b.finish();
        let found = findings(&design, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![gw]);
        assert!(
            found[0].message.contains("2025-09-30"),
            "{}",
            found[0].message
        );
        let fixed = apply_first_fix(&design, RULE);
        assert_eq!(
            fixed.gateway(gw).unwrap().public_ip_sku,
            PublicIpSku::Standard
        );
        assert_eq!(
            fixed.gateway(gw).unwrap().sku,
            "HighPerformance",
            "SKU kept"
        );
        assert!(findings(&fixed, RULE).is_empty());
    }

    #[test]
    fn quiet_on_standard_ips_vpn_gateways_and_payment_hsm_vnets_get_the_general_wording() {
        let (b, _) = hsm_vnet();
        assert!(findings(&b.finish(), RULE).is_empty());

        let (mut b, ids) = hsm_vnet();
        let vpn = b.vpn_gateway(ids.gateway_subnet, "vpn", "VpnGw2AZ", None);
        b.design
            .gateways
            .iter_mut()
            .find(|g| g.id == vpn)
            .unwrap()
            .public_ip_sku = PublicIpSku::Basic;
        assert!(findings(&b.finish(), RULE).is_empty(), "VPN gateways aside");

        let (mut b, _) = hsm_vnet();
        for h in &mut b.design.hsms {
            h.sku = PAYSHIELD_SKUS[0].to_string();
        }
        b.design.gateways[0].public_ip_sku = PublicIpSku::Basic;
        let found = findings(&b.finish(), RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_some(), "Dedicated HSM's exception only");
    }
}
