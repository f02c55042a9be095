//! The address helper's "add a subnet with this prefix": a new subnet of a VNet, made as every
//! new element is (`draw::new`): a name no element has, drawn below the VNet's last subnet,
//! the VNet growing to hold it.

use crate::draw::{new, Plan};
use crate::edit::Edit;
use crate::model::{Design, Id};
use ipnet::Ipv4Net;

/// The edit adding a new subnet of `vnet` with `prefix`, or `None` when the design has no such
/// VNet.
pub fn new_subnet(design: &Design, vnet: Id, prefix: Ipv4Net) -> Option<Edit> {
    let mut plan = Plan::new(design);
    new::subnet_with_prefix(&mut plan, vnet, prefix).ok()?;
    plan.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addressing::next_free_prefix;
    use crate::draw::names::same_name;
    use crate::model::Point;
    use crate::presets::{self, Size};

    #[test]
    fn a_new_subnet_takes_a_free_name_and_the_suggested_prefix_inside_its_vnet() {
        let design = presets::build("single-vnet", &Size::default()).unwrap();
        let vnet = &design.vnets[0];
        let prefix = next_free_prefix(vnet, 27, None).unwrap();
        let edit = new_subnet(&design, vnet.id, prefix).unwrap();
        let next = design.apply(&edit).unwrap();
        let after = &next.vnets[0];
        assert_eq!(after.subnets.len(), vnet.subnets.len() + 1);
        let subnet = after.subnets.last().unwrap();
        assert!(vnet
            .subnets
            .iter()
            .all(|s| !same_name(&s.name, &subnet.name)));
        assert_eq!(subnet.prefix, prefix);
        assert!(subnet.layout.y >= vnet.subnets.iter().map(|s| s.layout.y).fold(0.0, f64::max));
        let (v, s) = (after.layout, subnet.layout);
        assert!(
            v.contains(Point::new(s.x, s.y)) && v.contains(Point::new(s.x + s.w, s.y + s.h)),
            "{s:?} in {v:?}"
        );
        // A second one gets another name.
        let again = next
            .apply(&new_subnet(&next, vnet.id, prefix).unwrap())
            .unwrap();
        let second = again.vnets[0].subnets.last().unwrap();
        assert_ne!(second.name, subnet.name);
    }

    #[test]
    fn no_subnet_for_a_vnet_that_is_not_there() {
        let design = presets::build("single-vnet", &Size::default()).unwrap();
        let prefix = "10.9.0.0/24".parse().unwrap();
        assert!(new_subnet(&design, Id(99_999), prefix).is_none());
        assert!(new_subnet(&design, design.hsms[0].id, prefix).is_none());
    }
}
