//! The peerings of a hub drawn as a bundle. Straight lines from one hub to hundreds of spokes
//! merge into a solid wedge that hides what it crosses and cannot be told apart. Instead, the
//! peerings leave the hub together along a trunk that runs in the gap beside the hub, turn into
//! a bus in the gap above each row of spokes, and drop to each spoke: right angles in the gaps
//! the layout leaves between VNets (`metrics::GAP`), crossing nothing.
//!
//! Each peering keeps its own route from the hub to its spoke (drawn when it is hovered,
//! focused or selected), and its own part of the bundle: the bus from the previous spoke of its
//! row (or the trunk) to its own, and the drop. What is shared is drawn once.

use crate::model::metrics::GAP;
use crate::model::{Point, Rect};
use std::collections::BTreeMap;

/// A VNet with at least this many peerings has them bundled: a few straight lines read well.
pub const BUNDLE_MIN: usize = 8;

/// How far from the VNets the trunk and the buses run: the middle of the gap between two.
const OFFSET: f64 = GAP / 2.0;

/// Every route has the same six points, some of them possibly equal, so that a drag can move
/// its ends without searching it: the hub's edge, the turn onto the trunk, the turn onto the
/// row's bus, where its own part starts, above its spoke, the spoke's edge.
pub const OWN: usize = 3;

/// The bundle of one hub's peerings.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// The lines the peerings share (the trunk and one bus per row), each a polyline.
    pub shared: Vec<Vec<Point>>,
    /// One route per spoke, in the order the spokes were given.
    pub routes: Vec<[Point; 6]>,
}

/// Routes the peerings from `hub` to each of `spokes` (their rectangles).
pub fn bundle(hub: Rect, spokes: &[Rect]) -> Bundle {
    let centre = |r: &Rect| Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0);
    let hub_centre = centre(&hub);
    let mean_x = spokes.iter().map(|s| centre(s).x).sum::<f64>() / spokes.len().max(1) as f64;
    // The trunk runs on the side of the hub where most of the spokes are.
    let (exit, trunk_x) = if mean_x >= hub_centre.x {
        (
            Point::new(hub.x + hub.w, hub_centre.y),
            hub.x + hub.w + OFFSET,
        )
    } else {
        (Point::new(hub.x, hub_centre.y), hub.x - OFFSET)
    };
    let elbow = Point::new(trunk_x, exit.y);

    // Rows: spokes whose tops are level share a bus just above them.
    let mut rows: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, s) in spokes.iter().enumerate() {
        rows.entry((s.y * 2.0).round() as i64).or_default().push(i);
    }

    let mut routes = vec![[exit; 6]; spokes.len()];
    let mut shared = vec![vec![exit, elbow]];
    let (mut trunk_top, mut trunk_bottom) = (exit.y, exit.y);
    for members in rows.values() {
        let bus_y = spokes[members[0]].y - OFFSET;
        trunk_top = trunk_top.min(bus_y);
        trunk_bottom = trunk_bottom.max(bus_y);
        let (mut west, mut east) = (trunk_x, trunk_x);
        // Each side of the trunk, nearest spoke first: a spoke's own part of the bus starts
        // where the previous one's ends.
        for toward_east in [true, false] {
            let mut side: Vec<usize> = members
                .iter()
                .copied()
                .filter(|i| (centre(&spokes[*i]).x >= trunk_x) == toward_east)
                .collect();
            side.sort_by(|a, b| {
                let d = |i: &usize| (centre(&spokes[*i]).x - trunk_x).abs();
                d(a).total_cmp(&d(b))
            });
            let mut previous = trunk_x;
            for i in side {
                let s = spokes[i];
                let x = centre(&s).x;
                routes[i] = [
                    exit,
                    elbow,
                    Point::new(trunk_x, bus_y),
                    Point::new(previous, bus_y),
                    Point::new(x, bus_y),
                    Point::new(x, s.y),
                ];
                previous = x;
                west = west.min(x);
                east = east.max(x);
            }
        }
        if west < east {
            shared.push(vec![Point::new(west, bus_y), Point::new(east, bus_y)]);
        }
    }
    if trunk_top < trunk_bottom {
        shared.push(vec![
            Point::new(trunk_x, trunk_top),
            Point::new(trunk_x, trunk_bottom),
        ]);
    }
    Bundle { shared, routes }
}

/// A route while a drag moves the hub, the spoke or both by (dx, dy): the moved end's points
/// follow it, the turns stay square where they can, and the rest stays put.
pub fn dragged(
    route: &[Point; 6],
    hub_moves: bool,
    spoke_moves: bool,
    dx: f64,
    dy: f64,
) -> [Point; 6] {
    let mut r = *route;
    let shift = |p: &mut Point, dx: f64, dy: f64| {
        p.x += dx;
        p.y += dy;
    };
    if hub_moves && spoke_moves {
        r.iter_mut().for_each(|p| shift(p, dx, dy));
        return r;
    }
    if hub_moves {
        shift(&mut r[0], dx, dy);
        shift(&mut r[1], dx, dy);
        shift(&mut r[2], dx, 0.0);
    }
    if spoke_moves {
        shift(&mut r[4], dx, 0.0);
        shift(&mut r[5], dx, dy);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hub at the top left and a grid of spokes, as the hub presets lay them out: VNets
    /// 272 wide, 120 high, `GAP` apart.
    fn grid(columns: usize, rows: usize) -> (Rect, Vec<Rect>) {
        let (w, h) = (272.0, 120.0);
        let hub = Rect::new(0.0, 0.0, w, h);
        let mut spokes = Vec::new();
        for row in 0..rows {
            for column in 0..columns {
                if row == 0 && column == 0 {
                    continue;
                }
                let (x, y) = (column as f64 * (w + GAP), row as f64 * (h + GAP));
                spokes.push(Rect::new(x, y, w, h));
            }
        }
        (hub, spokes)
    }

    fn square(a: Point, b: Point) -> bool {
        a.x == b.x || a.y == b.y
    }

    #[test]
    fn every_route_runs_from_the_hub_to_its_spoke_at_right_angles() {
        let (hub, spokes) = grid(5, 4);
        let b = bundle(hub, &spokes);
        assert_eq!(b.routes.len(), spokes.len());
        for (route, spoke) in b.routes.iter().zip(&spokes) {
            assert_eq!(route[0], Point::new(hub.x + hub.w, hub.y + hub.h / 2.0));
            assert_eq!(
                route[5],
                Point::new(spoke.x + spoke.w / 2.0, spoke.y),
                "{route:?}"
            );
            assert!(route.windows(2).all(|w| square(w[0], w[1])), "{route:?}");
        }
    }

    #[test]
    fn the_lines_run_in_the_gaps_and_cross_no_vnet() {
        let (hub, spokes) = grid(5, 4);
        let b = bundle(hub, &spokes);
        let inside =
            |p: Point, r: &Rect| p.x > r.x && p.x < r.x + r.w && p.y > r.y && p.y < r.y + r.h;
        for (route, spoke) in b.routes.iter().zip(&spokes) {
            // Sample every segment; only its ends may touch the hub and the spoke.
            for w in route.windows(2) {
                for k in 0..=20 {
                    let t = k as f64 / 20.0;
                    let p = Point::new(
                        w[0].x + (w[1].x - w[0].x) * t,
                        w[0].y + (w[1].y - w[0].y) * t,
                    );
                    for r in std::iter::once(&hub).chain(&spokes) {
                        assert!(!inside(p, r), "{p:?} inside {r:?} on the way to {spoke:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn each_spoke_owns_the_bus_from_its_neighbour_so_owned_parts_do_not_overlap() {
        let (hub, spokes) = grid(5, 2);
        let b = bundle(hub, &spokes);
        // Second row, the spokes east of the trunk: their own parts of the bus follow on.
        let mut owned: Vec<(f64, f64)> = b
            .routes
            .iter()
            .zip(&spokes)
            .filter(|(_, s)| s.y > 0.0 && s.x > hub.x + hub.w)
            .map(|(r, _)| (r[OWN].x, r[OWN + 1].x))
            .collect();
        owned.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(owned.len(), 4);
        assert_eq!(owned[0].0, hub.x + hub.w + OFFSET);
        for pair in owned.windows(2) {
            assert_eq!(pair[0].1, pair[1].0, "{owned:?}");
        }
    }

    #[test]
    fn the_shared_lines_are_the_trunk_and_one_bus_per_row() {
        let (hub, spokes) = grid(4, 3);
        let b = bundle(hub, &spokes);
        // The way out of the hub, three buses, the trunk.
        assert_eq!(b.shared.len(), 5);
        let trunk = b.shared.last().unwrap();
        assert_eq!(trunk[0], Point::new(hub.w + OFFSET, -OFFSET));
        assert_eq!(trunk[1].y, 2.0 * (120.0 + GAP) - OFFSET);
    }

    #[test]
    fn spokes_on_the_left_get_the_trunk_on_the_left() {
        let hub = Rect::new(1000.0, 0.0, 200.0, 100.0);
        let spokes = [
            Rect::new(0.0, 0.0, 200.0, 100.0),
            Rect::new(300.0, 200.0, 200.0, 100.0),
        ];
        let b = bundle(hub, &spokes);
        assert_eq!(b.routes[0][0], Point::new(1000.0, 50.0));
        assert_eq!(b.routes[0][1].x, 1000.0 - OFFSET);
        assert_eq!(b.routes[1][5], Point::new(400.0, 200.0));
    }

    #[test]
    fn a_drag_moves_the_ends_it_moves() {
        let (hub, spokes) = grid(3, 2);
        let route = bundle(hub, &spokes).routes[3];
        let moved = dragged(&route, false, true, 10.0, 5.0);
        assert_eq!(moved[5], Point::new(route[5].x + 10.0, route[5].y + 5.0));
        assert_eq!(moved[4], Point::new(route[4].x + 10.0, route[4].y));
        assert_eq!(moved[..4], route[..4]);
        assert!(moved.windows(2).all(|w| square(w[0], w[1])));
        let hub_moved = dragged(&route, true, false, 10.0, 5.0);
        assert_eq!(
            hub_moved[0],
            Point::new(route[0].x + 10.0, route[0].y + 5.0)
        );
        assert_eq!(hub_moved[3..], route[3..]);
        let both = dragged(&route, true, true, 1.0, 2.0);
        assert!(both
            .iter()
            .zip(&route)
            .all(|(a, b)| a.x == b.x + 1.0 && a.y == b.y + 2.0));
    }
}
