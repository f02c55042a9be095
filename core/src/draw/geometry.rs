//! Where new elements go on the canvas, and how their containers grow to hold them. The sizes
//! are the automatic layout's (`model::metrics`), so drawn, fixed and generated designs look
//! alike.

use super::plan::Plan;
use super::Refusal;
use crate::edit::{Edit, Element};
use crate::model::metrics::{device_point, DEVICE_STEP, SUBNET_H, SUBNET_W, SYMBOL_REACH};
pub(crate) use crate::model::metrics::{GAP, HEADER, REGION_H, REGION_W, VNET_H, VNET_W};
use crate::model::{Design, Id, Kind, Point, Rect};

/// The union of two rectangles.
pub(crate) fn union(a: Rect, b: Rect) -> Rect {
    let (x, y) = (a.x.min(b.x), a.y.min(b.y));
    let (right, bottom) = ((a.x + a.w).max(b.x + b.w), (a.y + a.h).max(b.y + b.h));
    Rect::new(x, y, right - x, bottom - y)
}

/// The space a symbol at `p` takes, its label included.
pub(crate) fn symbol_rect(p: Point) -> Rect {
    Rect::new(
        p.x - SYMBOL_REACH,
        p.y - SYMBOL_REACH,
        2.0 * SYMBOL_REACH,
        2.0 * SYMBOL_REACH,
    )
}

/// `wanted`, moved right past any of `others` it would overlap.
pub(crate) fn clear_of(mut wanted: Rect, others: &[Rect]) -> Rect {
    // Each step moves past one overlapped rectangle, so this ends after at most others.len() steps.
    for _ in 0..=others.len() {
        match others.iter().find(|o| wanted.overlaps(o)) {
            Some(o) => wanted.x = o.x + o.w + GAP,
            None => break,
        }
    }
    wanted
}

/// The place for the next subnet of a VNet: below the lowest one.
pub(crate) fn next_subnet_rect(design: &Design, vnet: Id) -> Rect {
    let Some(v) = design.vnet(vnet) else {
        return Rect::new(0.0, 0.0, SUBNET_W, SUBNET_H);
    };
    let top = v
        .subnets
        .iter()
        .map(|s| s.layout.y + s.layout.h + GAP)
        .fold(v.layout.y + HEADER, f64::max);
    Rect::new(v.layout.x + GAP, top, SUBNET_W, SUBNET_H)
}

/// Where devices of a subnet sit: all of them, whatever their kind.
fn device_points(design: &Design, subnet: Id) -> Vec<Point> {
    let mut points = Vec::new();
    macro_rules! collect {
        ($($field:ident),*) => {
            $(points.extend(design.$field.iter().filter(|e| e.subnet == subnet).map(|e| e.layout));)*
        };
    }
    collect!(
        hsms,
        gateways,
        nvas,
        load_balancers,
        firewalls,
        private_endpoints
    );
    points
}

/// The first free slot of the subnet's row of devices.
pub(crate) fn next_device_point(design: &Design, subnet: Id) -> Point {
    let rect = design
        .subnet(subnet)
        .map(|(_, s)| s.layout)
        .unwrap_or_default();
    let taken = device_points(design, subnet);
    // Each taken point rules out at most one slot, so this ends within taken.len() + 1 slots.
    (0..=taken.len())
        .map(|n| device_point(rect, n))
        .find(|p| {
            taken.iter().all(|t| {
                (t.x - p.x).abs() >= DEVICE_STEP / 2.0 || (t.y - p.y).abs() >= SYMBOL_REACH
            })
        })
        .unwrap_or(device_point(rect, taken.len()))
}

/// Places a device's symbol in the next free slot of its subnet, growing the subnet (and what
/// holds it) to fit.
pub(crate) fn device_spot(plan: &mut Plan, subnet: Id) -> Result<Point, Refusal> {
    let at = next_device_point(&plan.work, subnet);
    grow_to_hold(plan, subnet, symbol_rect(at))?;
    Ok(at)
}

/// Grows `container` (a subnet, VNet or region) and its own containers until `child` fits
/// inside with a margin; records a replacement for each one that grew.
pub(crate) fn grow_to_hold(plan: &mut Plan, container: Id, child: Rect) -> Result<(), Refusal> {
    let need = Rect::new(
        child.x - GAP,
        child.y - GAP,
        child.w + 2.0 * GAP,
        child.h + 2.0 * GAP,
    );
    let design = &plan.work;
    match design.describe(container).map(|(k, _)| k) {
        Some(Kind::Subnet) => {
            let (vnet, subnet) = design.subnet(container).expect("described as a subnet");
            let grown = union(subnet.layout, need);
            let vnet_id = vnet.id;
            if grown != subnet.layout {
                let mut s = subnet.clone();
                s.layout = grown;
                plan.push(Edit::Replace(Element::Subnet {
                    vnet: vnet_id,
                    subnet: s,
                }))?;
            }
            grow_to_hold(plan, vnet_id, grown)
        }
        Some(Kind::Vnet) => {
            let vnet = design.vnet(container).expect("described as a VNet");
            let grown = union(vnet.layout, need);
            let region = vnet.region;
            if grown != vnet.layout {
                let mut v = vnet.clone();
                v.layout = grown;
                plan.push(Edit::Replace(Element::Vnet(v)))?;
            }
            grow_to_hold(plan, region, grown)
        }
        Some(Kind::Region) => {
            let region = design.region(container).expect("described as a region");
            let grown = union(region.layout, need);
            if grown != region.layout {
                let mut r = region.clone();
                r.layout = grown;
                plan.push(Edit::Replace(Element::Region(r)))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A point where an element added with the keyboard goes: just inside the top left of the
/// chosen container, or, with none chosen, to the right of everything (outside every region).
pub fn spot_in(design: &Design, container: Option<Id>) -> Point {
    let rect = container.and_then(|id| match design.describe(id)?.0 {
        Kind::Region => design.region(id).map(|r| r.layout),
        Kind::Vnet => design.vnet(id).map(|v| v.layout),
        Kind::Subnet => design.subnet(id).map(|(_, s)| s.layout),
        _ => None,
    });
    if let Some(r) = rect {
        return Point::new(r.x + GAP, r.y + HEADER + 4.0);
    }
    let right = design
        .regions
        .iter()
        .map(|r| r.layout.x + r.layout.w)
        .chain(design.vnets.iter().map(|v| v.layout.x + v.layout.w))
        .chain(design.sites.iter().map(|s| s.layout.x + SYMBOL_REACH))
        .chain(design.circuits.iter().map(|c| c.layout.x + SYMBOL_REACH))
        .fold(0.0_f64, f64::max);
    Point::new(right + 3.0 * GAP, GAP + HEADER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::Builder;

    #[test]
    fn a_rectangle_moves_right_past_what_it_overlaps() {
        let others = [
            Rect::new(0.0, 0.0, 100.0, 100.0),
            Rect::new(116.0, 0.0, 50.0, 50.0),
        ];
        let moved = clear_of(Rect::new(10.0, 10.0, 40.0, 40.0), &others);
        assert_eq!(moved.x, 182.0);
        let free = clear_of(Rect::new(0.0, 200.0, 40.0, 40.0), &others);
        assert_eq!(free.x, 0.0);
    }

    #[test]
    fn containers_grow_up_the_chain_to_hold_a_child() {
        let mut b = Builder::new("t");
        let r = b.region("westeurope");
        let v = b.vnet(r, "v", &["10.0.0.0/16"]);
        let s = b.subnet(v, "s", "10.0.0.0/24");
        let d = b.finish();
        let mut plan = Plan::new(&d);
        let (_, subnet) = d.subnet(s).unwrap();
        let far = Rect::new(subnet.layout.x + 600.0, subnet.layout.y, 10.0, 10.0);
        grow_to_hold(&mut plan, s, far).unwrap();
        let after = &plan.work;
        let right = far.x + far.w + GAP;
        assert_eq!(
            after.subnet(s).unwrap().1.layout.x + after.subnet(s).unwrap().1.layout.w,
            right
        );
        assert!(after.vnet(v).unwrap().layout.x + after.vnet(v).unwrap().layout.w >= right + GAP);
        assert!(
            after.region(r).unwrap().layout.x + after.region(r).unwrap().layout.w
                >= right + 2.0 * GAP
        );
        assert_eq!(
            plan.finish()
                .map(|e| matches!(e, Edit::Batch(ref v) if v.len() == 3)),
            Ok(true)
        );
    }

    #[test]
    fn the_keyboard_spot_is_inside_the_chosen_container_or_right_of_everything() {
        let mut b = Builder::new("t");
        let r = b.region("westeurope");
        let d = b.finish();
        let region = d.regions[0].layout;
        assert!(region.contains(spot_in(&d, Some(r))));
        assert!(!region.contains(spot_in(&d, None)));
    }
}
