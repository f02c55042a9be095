//! The one set of canvas sizes: how big boxes are, how far apart things sit, where devices and
//! policy badges go inside their subnet. The automatic layout, drawing, the rules' fixes, hit
//! testing and the browser's scene all read them from here, so drawn, fixed and generated
//! designs look alike and a click finds what is drawn.

use super::layout::{Point, Rect};

/// A subnet's box, as laid out and as drawn when new.
pub const SUBNET_W: f64 = 240.0;
pub const SUBNET_H: f64 = 64.0;
/// Space between boxes, and the margin inside a container.
pub const GAP: f64 = 16.0;
/// The title strip at the top of a region or VNet (a region is dragged by it).
pub const HEADER: f64 = 32.0;
/// A new VNet before it holds subnets (room for one).
pub const VNET_W: f64 = SUBNET_W + 2.0 * GAP;
pub const VNET_H: f64 = HEADER + SUBNET_H + GAP + GAP / 2.0;
/// A new region before it holds VNets.
pub const REGION_W: f64 = VNET_W + 3.0 * GAP;
pub const REGION_H: f64 = 200.0;

/// Distance between the centres of neighbouring devices in a subnet's row.
pub const DEVICE_STEP: f64 = 44.0;
/// The centre of a subnet's first device, from the subnet's top left corner.
pub const DEVICE_X: f64 = 28.0;
pub const DEVICE_Y: f64 = 38.0;
/// Half the size of a device or site symbol: links stop at its edge.
pub const SYMBOL_RADIUS: f64 = 13.0;
/// How close to a symbol's centre a point must be to hit it (its radius plus a little).
pub const SYMBOL_HIT: f64 = 16.0;
/// How far a symbol reaches around its centre, its label included: the room a container keeps
/// around it.
pub const SYMBOL_REACH: f64 = 20.0;

/// Half the width and height of a policy badge (NSG, route table).
pub const BADGE_HALF_W: f64 = 14.0;
pub const BADGE_HALF_H: f64 = 8.0;
/// A badge's centre sits this far left of its subnet's right edge...
pub const BADGE_INSET: f64 = 20.0;
/// ...and this far below the subnet's top: the NSG's, then the route table's.
pub const NSG_BADGE_Y: f64 = 16.0;
pub const ROUTE_TABLE_BADGE_Y: f64 = 44.0;

/// The column of on-premises sites and circuits left of the regions, and the step between two
/// of them.
pub const SITE_COLUMN_W: f64 = 200.0;
pub const SITE_STEP: f64 = 90.0;
pub const CIRCUIT_STEP: f64 = 70.0;

/// Where the device in slot `n` (0 first) of a subnet's row sits.
pub fn device_point(subnet: Rect, n: usize) -> Point {
    Point::new(
        subnet.x + DEVICE_X + n as f64 * DEVICE_STEP,
        subnet.y + DEVICE_Y,
    )
}

/// Where an NSG's (`nsg`) or a route table's badge sits on a subnet.
pub fn badge_point(subnet: Rect, nsg: bool) -> Point {
    let dy = if nsg {
        NSG_BADGE_Y
    } else {
        ROUTE_TABLE_BADGE_Y
    };
    Point::new(subnet.x + subnet.w - BADGE_INSET, subnet.y + dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_badges_sit_inside_a_new_subnet() {
        let subnet = Rect::new(100.0, 50.0, SUBNET_W, SUBNET_H);
        for n in 0..4 {
            assert!(subnet.contains(device_point(subnet, n)));
        }
        assert!(subnet.contains(badge_point(subnet, true)));
        assert!(subnet.contains(badge_point(subnet, false)));
        let vnet = Rect::new(0.0, 0.0, VNET_W, VNET_H);
        let first = Rect::new(GAP, HEADER, SUBNET_W, SUBNET_H);
        assert!(vnet.contains(Point::new(first.x + first.w, first.y + first.h)));
    }
}
