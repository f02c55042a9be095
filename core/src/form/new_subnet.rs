//! The address helper's "add a subnet with this prefix": a new subnet of a VNet, with a name no
//! other subnet of that VNet has, drawn below the VNet's last subnet.

use crate::edit::Element;
use crate::model::{Design, Id, Rect, Subnet};
use ipnet::Ipv4Net;

/// Height of a new subnet's box on the canvas, and the gap above it.
const HEIGHT: f64 = 36.0;
const GAP: f64 = 8.0;

/// A new subnet of `vnet` with `prefix`, or `None` when the design has no such VNet.
pub fn new_subnet(design: &Design, vnet: Id, prefix: Ipv4Net) -> Option<Element> {
    let v = design.vnet(vnet)?;
    let taken = |name: &str| v.subnets.iter().any(|s| s.name == name);
    let n = (1..=v.subnets.len() + 1)
        .find(|n| !taken(&format!("subnet-{n}")))
        .unwrap_or(v.subnets.len() + 1);
    let bottom = v
        .subnets
        .iter()
        .map(|s| s.layout.y + s.layout.h)
        .fold(v.layout.y + 24.0, f64::max);
    Some(Element::Subnet {
        vnet,
        subnet: Subnet {
            id: design.next_id(),
            name: format!("subnet-{n}"),
            prefix,
            delegation: None,
            nsg: None,
            route_table: None,
            hsm_client: false,
            layout: Rect::new(
                v.layout.x + 10.0,
                bottom + GAP,
                (v.layout.w - 20.0).max(40.0),
                HEIGHT,
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addressing::next_free_prefix;
    use crate::edit::Edit;
    use crate::presets::{self, Size};

    #[test]
    fn a_new_subnet_takes_a_free_name_and_the_suggested_prefix_and_applies() {
        let design = presets::build("single-vnet", &Size::default()).unwrap();
        let vnet = &design.vnets[0];
        let prefix = next_free_prefix(vnet, 27, None).unwrap();
        let element = new_subnet(&design, vnet.id, prefix).unwrap();
        let Element::Subnet { subnet, .. } = &element else {
            panic!("not a subnet");
        };
        assert!(vnet.subnets.iter().all(|s| s.name != subnet.name));
        assert_eq!(subnet.prefix, prefix);
        assert!(subnet.layout.y >= vnet.subnets.iter().map(|s| s.layout.y).fold(0.0, f64::max));
        let next = design.apply(&Edit::Add(element.clone())).unwrap();
        assert_eq!(next.vnets[0].subnets.len(), vnet.subnets.len() + 1);
        // A second one gets another name.
        let again = new_subnet(&next, vnet.id, prefix).unwrap();
        let Element::Subnet { subnet: second, .. } = again else {
            panic!("not a subnet");
        };
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
