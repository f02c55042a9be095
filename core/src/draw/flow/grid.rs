//! The route through the gaps, for a piece of a traced flow that no simple shape takes clear
//! (a row of symbols with their labels below and badges beside leaves no straight way out):
//! a grid whose lines run beside each side of what is in the way and through the middle of each
//! gap, searched (A*) for the path that crosses the fewest labels, then the fewest shapes, then
//! is the shortest with the fewest turns.
//!
//! Bounded: only what lies in a window around the two ends counts, and a window that would
//! need more than `MAX_POINTS` grid points is not searched, so a piece costs at most a few
//! hundred thousand steps however large the design.

use crate::model::{Point, Rect};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The room around the two ends that a route may use: the nearer first.
pub(super) const REACH: [f64; 2] = [60.0, 160.0];
/// How far a line runs beside an obstacle's side.
const CLEAR: f64 = 3.0;
/// The most grid points searched.
const MAX_POINTS: usize = 40_000;
/// What a step of the route costs besides its length: crossing a label outweighs any number of
/// shapes, crossing a shape any length, and a turn is worth a few units of length.
const LABEL_COST: f64 = 1.0e7;
const SHAPE_COST: f64 = 1.0e4;
const TURN_COST: f64 = 12.0;

/// The route from `a` to `b` through the gaps between `labels` and `shapes` (those that hold
/// `a` or `b` left out: the symbols a piece leaves and reaches), its middle lines `lane` units
/// off the gaps' middles (out and back apart); `None` when no window could be searched.
pub(super) fn route(
    a: Point,
    b: Point,
    labels: &[Rect],
    shapes: &[Rect],
    lane: f64,
) -> Option<Vec<Point>> {
    let mut best: Option<(f64, Vec<Point>)> = None;
    for reach in REACH {
        let Some(found) =
            Grid::build(a, b, labels, shapes, lane, reach).and_then(|g| g.search(a, b))
        else {
            continue;
        };
        let clear = found.0 < SHAPE_COST;
        if best.as_ref().is_none_or(|(c, _)| found.0 < *c) {
            best = Some(found);
        }
        if clear {
            break;
        }
    }
    best.map(|(_, path)| path)
}

/// The grid of one window: its lines across and down, and what each step along them costs.
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// The cost of crossing what lies on the step right of point (i, j), at `j * nx + i`.
    across: Vec<f64>,
    /// The cost of crossing what lies on the step down from point (i, j), at `j * nx + i`.
    down: Vec<f64>,
}

impl Grid {
    fn build(
        a: Point,
        b: Point,
        labels: &[Rect],
        shapes: &[Rect],
        lane: f64,
        reach: f64,
    ) -> Option<Grid> {
        let window = Rect::new(
            a.x.min(b.x) - reach,
            a.y.min(b.y) - reach,
            (a.x - b.x).abs() + 2.0 * reach,
            (a.y - b.y).abs() + 2.0 * reach,
        );
        let in_way = |r: &&Rect| !r.contains(a) && !r.contains(b) && r.meets(&window);
        let labels: Vec<Rect> = labels.iter().filter(in_way).copied().collect();
        let shapes: Vec<Rect> = shapes.iter().filter(in_way).copied().collect();
        let all = || labels.iter().chain(&shapes);
        let xs = lines(
            [a.x, b.x, window.x, window.x + window.w],
            all().map(|r| (r.x, r.x + r.w)),
            lane,
        );
        let ys = lines(
            [a.y, b.y, window.y, window.y + window.h],
            all().map(|r| (r.y, r.y + r.h)),
            lane,
        );
        let n = xs.len().checked_mul(ys.len())?;
        if n > MAX_POINTS {
            return None;
        }
        let mut grid = Grid {
            across: vec![0.0; n],
            down: vec![0.0; n],
            xs,
            ys,
        };
        for (rects, cost) in [(&labels, LABEL_COST), (&shapes, SHAPE_COST)] {
            for r in rects {
                grid.mark(*r, cost);
            }
        }
        Some(grid)
    }

    /// Adds `cost` to every step that meets `r` (touching counts, as `segment_meets` has it).
    fn mark(&mut self, r: Rect, cost: f64) {
        let nx = self.xs.len();
        // Lines within the rectangle's span, and steps between lines that reach into it.
        let within = |v: &[f64], lo: f64, hi: f64| {
            (
                v.partition_point(|x| *x < lo),
                v.partition_point(|x| *x <= hi),
            )
        };
        let (x0, x1) = within(&self.xs, r.x, r.x + r.w);
        let (y0, y1) = within(&self.ys, r.y, r.y + r.h);
        let steps =
            |first: usize, end: usize, len: usize| first.saturating_sub(1)..end.min(len - 1);
        for j in y0..y1 {
            for i in steps(x0, x1, nx) {
                self.across[j * nx + i] += cost;
            }
        }
        for j in steps(y0, y1, self.ys.len()) {
            for i in x0..x1 {
                self.down[j * nx + i] += cost;
            }
        }
    }

    fn index(v: &[f64], at: f64) -> usize {
        v.partition_point(|x| *x < at).min(v.len() - 1)
    }
}

/// The grid lines along one axis: the given ones, each obstacle's two sides `CLEAR` outside,
/// within the window (the first two of `fixed` are the ends, the last two the window's edges),
/// and the middle of each gap between them, moved by `lane` where the gap has room.
fn lines(fixed: [f64; 4], spans: impl Iterator<Item = (f64, f64)>, lane: f64) -> Vec<f64> {
    let (lo, hi) = (fixed[2], fixed[3]);
    let mut v: Vec<f64> = fixed.to_vec();
    for (start, end) in spans {
        v.extend(
            [start - CLEAR, end + CLEAR]
                .into_iter()
                .filter(|x| (lo..=hi).contains(x)),
        );
    }
    v.sort_by(f64::total_cmp);
    v.dedup_by(|x, y| (*x - *y).abs() < 0.5);
    let middles: Vec<f64> = v
        .windows(2)
        .filter(|w| w[1] - w[0] > 2.0)
        .map(|w| {
            let mid = (w[0] + w[1]) / 2.0;
            if w[1] - w[0] > 4.0 * lane.abs() + 2.0 {
                mid + lane
            } else {
                mid
            }
        })
        .collect();
    v.extend(middles);
    v.sort_by(f64::total_cmp);
    v
}

/// A state of the search: a grid point and the way the route arrived at it.
#[derive(PartialEq)]
struct Open {
    estimate: f64,
    state: usize,
}

impl Eq for Open {}

impl Ord for Open {
    fn cmp(&self, other: &Self) -> Ordering {
        // The least estimate first out of the max-heap.
        other.estimate.total_cmp(&self.estimate)
    }
}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Right, left, down, up.
const HEADINGS: [(isize, isize); 4] = [(1, 0), (-1, 0), (0, 1), (0, -1)];

impl Grid {
    /// The cheapest route from `a` to `b` on the grid, with its cost.
    fn search(&self, a: Point, b: Point) -> Option<(f64, Vec<Point>)> {
        let grid = self;
        let (nx, ny) = (grid.xs.len(), grid.ys.len());
        let start = Grid::index(&grid.ys, a.y) * nx + Grid::index(&grid.xs, a.x);
        let goal = Grid::index(&grid.ys, b.y) * nx + Grid::index(&grid.xs, b.x);
        let point = |node: usize| Point::new(grid.xs[node % nx], grid.ys[node / nx]);
        let to_goal = |node: usize| {
            let p = point(node);
            (p.x - b.x).abs() + (p.y - b.y).abs()
        };
        // States are node * 4 + heading; the start has no heading, so every first step is free of
        // a turn.
        let mut cost = vec![f64::INFINITY; nx * ny * 4];
        let mut from = vec![usize::MAX; nx * ny * 4];
        let mut open = BinaryHeap::new();
        let step = |node: usize, heading: usize| -> Option<(usize, f64)> {
            let (i, j) = (node % nx, node / nx);
            let (di, dj) = HEADINGS[heading];
            let (ni, nj) = (i.checked_add_signed(di)?, j.checked_add_signed(dj)?);
            if ni >= nx || nj >= ny {
                return None;
            }
            let next = nj * nx + ni;
            let crossed = match heading {
                0 => grid.across[node],
                1 => grid.across[next],
                2 => grid.down[node],
                _ => grid.down[next],
            };
            let length = (grid.xs[ni] - grid.xs[i]).abs() + (grid.ys[nj] - grid.ys[j]).abs();
            Some((next, length + crossed))
        };
        for heading in 0..4 {
            if let Some((next, c)) = step(start, heading) {
                let state = next * 4 + heading;
                if c < cost[state] {
                    cost[state] = c;
                    from[state] = usize::MAX;
                    open.push(Open {
                        estimate: c + to_goal(next),
                        state,
                    });
                }
            }
        }
        let mut reached = None;
        while let Some(Open { estimate, state }) = open.pop() {
            let (node, heading) = (state / 4, state % 4);
            if estimate > cost[state] + to_goal(node) {
                continue;
            }
            if node == goal {
                reached = Some(state);
                break;
            }
            for next_heading in 0..4 {
                // No turning back on itself.
                if next_heading ^ 1 == heading {
                    continue;
                }
                let Some((next, c)) = step(node, next_heading) else {
                    continue;
                };
                let turn = if next_heading == heading {
                    0.0
                } else {
                    TURN_COST
                };
                let total = cost[state] + c + turn;
                let next_state = next * 4 + next_heading;
                if total < cost[next_state] {
                    cost[next_state] = total;
                    from[next_state] = state;
                    open.push(Open {
                        estimate: total + to_goal(next),
                        state: next_state,
                    });
                }
            }
        }
        let end = reached?;
        // Back from the goal: a point wherever the heading changes.
        let mut corners = vec![b];
        let mut state = end;
        while from[state] != usize::MAX {
            let before = from[state];
            if before % 4 != state % 4 {
                corners.push(point(before / 4));
            }
            state = before;
        }
        corners.push(point(start));
        corners.push(a);
        corners.reverse();
        corners.dedup_by(|p, q| (p.x - q.x).abs() < 1e-9 && (p.y - q.y).abs() < 1e-9);
        Some((cost[end], corners))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::flow::crossings;

    #[test]
    fn a_route_leaves_a_boxed_in_symbol_through_the_one_gap_and_turns_only_at_right_angles() {
        // The symbol at the origin, walled in on three sides by labels; the target far right.
        let labels = [
            Rect::new(-40.0, -40.0, 80.0, 10.0),
            Rect::new(-40.0, 30.0, 80.0, 10.0),
            Rect::new(30.0, -40.0, 10.0, 80.0),
        ];
        let shapes = [Rect::new(100.0, -50.0, 26.0, 100.0)];
        let (a, b) = (Point::new(0.0, 0.0), Point::new(200.0, 0.0));
        let path = route(a, b, &labels, &shapes, 0.0).unwrap();
        assert_eq!(crossings(&path, &labels), 0, "{path:?}");
        assert_eq!(crossings(&path, &shapes), 0, "{path:?}");
        assert_eq!((path[0], *path.last().unwrap()), (a, b));
        for s in path.windows(2) {
            assert!(s[0].x == s[1].x || s[0].y == s[1].y, "{path:?}");
        }
        assert!(path[1].x < 0.0, "out to the left first: {path:?}");
    }

    #[test]
    fn a_window_too_large_to_search_gives_up() {
        let labels: Vec<Rect> = (0..400)
            .map(|k| Rect::new(k as f64 * 7.0, (k % 13) as f64 * 9.0, 3.0, 3.0))
            .collect();
        let (a, b) = (Point::new(-5.0, -5.0), Point::new(3000.0, 120.0));
        assert_eq!(route(a, b, &labels, &[], 0.0), None);
    }
}
