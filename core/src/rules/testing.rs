//! Helpers for the rules' own tests: small clean designs to start from (one HSM VNet, and the
//! same with a minimal NVA proxy hub), and ways to run one rule and apply its fix. The hub
//! rules' full reference architecture is `rules::hub::reference_hub`.

use super::{rule, Context, Finding};
use crate::model::builder::Builder;
use crate::model::{Design, Id};

/// The ids of the small design built by [`hsm_vnet`].
pub struct Small {
    pub region: Id,
    pub vnet: Id,
    pub gateway_subnet: Id,
    pub er_gateway: Id,
    pub hsm_subnet: Id,
    pub hsm1: Id,
    pub hsm2: Id,
}

/// One HSM VNet in West Europe done right: delegated /28 with an HA pair on two stamps and an
/// ExpressRoute gateway in a /27 GatewaySubnet. Tests change one thing and check one rule.
pub fn hsm_vnet() -> (Builder, Small) {
    let mut b = Builder::new("test");
    let region = b.region("westeurope");
    let vnet = b.vnet(region, "hsm-vnet", &["10.10.0.0/16"]);
    let gateway_subnet = b.subnet(vnet, "GatewaySubnet", "10.10.255.0/27");
    let er_gateway = b.er_gateway(gateway_subnet, "hsm-ergw", "ErGw1AZ");
    let hsm_subnet = b.hsm_subnet(vnet, "hsm-subnet", "10.10.1.0/28");
    let hsm1 = b.hsm(hsm_subnet, "hsm1", "stamp1", Some("10.10.1.4"));
    let hsm2 = b.hsm(hsm_subnet, "hsm2", "stamp2", Some("10.10.1.5"));
    let ids = Small {
        region,
        vnet,
        gateway_subnet,
        er_gateway,
        hsm_subnet,
        hsm1,
        hsm2,
    };
    (b, ids)
}

/// The findings of one rule on a design.
pub fn findings(design: &Design, name: &str) -> Vec<Finding> {
    let rule = rule(name).unwrap_or_else(|| panic!("no rule {name}"));
    let context = Context::new(design);
    let mut out = Vec::new();
    (rule.check)(&context, &mut out);
    out
}

/// Applies the fix of the first finding of `name` and returns the fixed design.
pub fn apply_first_fix(design: &Design, name: &str) -> Design {
    let found = findings(design, name);
    let fix = found
        .first()
        .and_then(|f| f.fix.clone())
        .unwrap_or_else(|| panic!("{name} offers no fix"));
    design.apply(&fix.edit).expect("the fix applies")
}

/// Asserts that `name` finds exactly one thing whose message contains `expect`, applies its fix,
/// asserts the rule is then silent, and returns the fixed design.
pub fn trips_once_and_fix_clears(design: &Design, name: &str, expect: &str) -> Design {
    let found = findings(design, name);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains(expect), "{}", found[0].message);
    let fixed = apply_first_fix(design, name);
    let after = findings(&fixed, name);
    assert!(after.is_empty(), "{after:?}");
    fixed
}

/// The ids of [`proxy_hub`].
pub struct ProxyHub {
    pub small: Small,
    pub hub: Id,
    pub hub_gateway_subnet: Id,
    pub hub_er_gateway: Id,
    pub ilb: Id,
    pub hub_hsm_peering: Id,
    pub spoke: Id,
    pub spoke_peering: Id,
}

/// [`hsm_vnet`] plus a hub in the same region whose NVA proxy tier (two NVAs behind an ILB)
/// is peered with the HSM VNet, and a spoke with a client subnet peered with the hub. The
/// least a reachability test needs: no firewall, routes, NSGs or on-premises site (the hub
/// rules' full reference architecture is `rules::hub::reference_hub`).
pub fn proxy_hub() -> (Builder, ProxyHub) {
    let (mut b, small) = hsm_vnet();
    let hub = b.vnet(small.region, "hub", &["10.0.0.0/16"]);
    let hub_gateway_subnet = b.subnet(hub, "GatewaySubnet", "10.0.255.0/27");
    let hub_er_gateway = b.er_gateway(hub_gateway_subnet, "hub-ergw", "ErGw1AZ");
    let nva_subnet = b.subnet(hub, "nva-subnet", "10.0.1.0/24");
    let nva1 = b.nva(nva_subnet, "nva1", "10.0.1.4");
    let nva2 = b.nva(nva_subnet, "nva2", "10.0.1.5");
    let ilb = b.luna_load_balancer(nva_subnet, "hub-ilb", "10.0.1.10", &[nva1, nva2]);
    let hub_hsm_peering = b.peering(hub, small.vnet);
    let spoke = b.vnet(small.region, "spoke-a", &["10.1.0.0/16"]);
    b.client_subnet(spoke, "app", "10.1.1.0/24");
    let spoke_peering = b.peering(spoke, hub);
    let ids = ProxyHub {
        small,
        hub,
        hub_gateway_subnet,
        hub_er_gateway,
        ilb,
        hub_hsm_peering,
        spoke,
        spoke_peering,
    };
    (b, ids)
}

/// The ids of [`shared_services`].
pub struct SharedServices {
    pub shared: Id,
    pub app: Id,
    pub app_subnet: Id,
}

/// A Cloud HSM design done right: a cluster's endpoint (static at 10.1.1.10, or dynamic) in a
/// shared-services VNet, an application VNet of HSM clients peered with it, and the zone
/// holding the endpoint's records, linked to both VNets.
pub fn shared_services(static_ip: bool) -> (Builder, SharedServices) {
    let mut b = Builder::new("t");
    let region = b.region("westeurope");
    let shared = b.vnet(region, "shared-vnet", &["10.1.0.0/16"]);
    let endpoints_subnet = b.subnet(shared, "endpoints", "10.1.1.0/24");
    let app = b.vnet(region, "app-vnet", &["10.2.0.0/16"]);
    let app_subnet = b.client_subnet(app, "app", "10.2.1.0/24");
    b.peering(shared, app);
    let cluster = b.cloud_hsm_cluster(region, "chsm-1");
    let ip = static_ip.then_some("10.1.1.10");
    let endpoint = b.private_endpoint(endpoints_subnet, cluster, "chsm-1-pe", ip);
    let links = [shared, app];
    b.private_dns_zone("privatelink.cloudhsm.azure.net", &[endpoint], &links);
    let ids = SharedServices {
        shared,
        app,
        app_subnet,
    };
    (b, ids)
}
