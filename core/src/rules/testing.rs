//! Helpers for the rules' own tests: a small clean design to start from, and a way to run one
//! rule and apply its fix.

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
    let ids = Small { region, vnet, gateway_subnet, er_gateway, hsm_subnet, hsm1, hsm2 };
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
