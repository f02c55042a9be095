//! How a traced flow is drawn on the canvas, as geometry: the app says where each hop happens
//! (its waypoints, in the order the packet passes them) and what is drawn in the way (the
//! labels, and the shapes: symbols and badges); this lays out the pieces of line between
//! waypoints so that none crosses a label, nor then a shape, when a detour avoids it
//! (straight, one elbow either way, two through the middle, or a step aside first), an
//! arrowhead at the end of each piece, and each hop's number beside the point where it
//! happens, clear of labels, shapes and the other numbers. When none of those simple paths is
//! clear, the piece takes the gaps between rows and columns (`grid`). A piece may cross what
//! it starts or ends at (the symbol it leaves or reaches). Out and back run in two lanes a few
//! units apart.

use super::geometry::union;
use crate::model::{Point, Rect};

mod grid;

/// Where a flow passes, in order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Waypoint {
    pub at: Point,
    /// The hop (0-based, as in the trace) decided here, if any: a hop passes through several
    /// waypoints (a site, its circuit, the gateway) and is numbered at its first.
    pub hop: Option<usize>,
    /// On the way back (the reply).
    pub back: bool,
}

/// One piece of line from a waypoint to the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    /// The polyline, its last point where the arrowhead's tip goes.
    pub points: Vec<Point>,
    /// The hop this piece belongs to: the last hop decided at or before its start.
    pub hop: usize,
    pub back: bool,
}

/// A hop's number on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// The hops numbered here (0-based): hops decided at the same point share one mark.
    pub hops: Vec<usize>,
    pub at: Point,
    pub back: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    pub pieces: Vec<Piece>,
    pub numbers: Vec<Number>,
}

impl Drawing {
    /// What the flow covers on the canvas: its pieces, its numbers' marks and the `note` of
    /// its failing hop (placed by [`Drawing::note_at`]); `None` when nothing is drawn. The
    /// view zooms to it when a trace is shown.
    pub fn bounds(&self, note: Option<Rect>) -> Option<Rect> {
        let points = self.pieces.iter().flat_map(|p| p.points.iter().copied());
        let dots = points.map(|p| Rect::new(p.x, p.y, 0.0, 0.0));
        let marks = self.numbers.iter().map(|n| mark_box(n.at));
        dots.chain(marks).chain(note).reduce(union)
    }

    /// Where a note (the failing hop's reason) goes beside the mark that numbers `hop`, and in
    /// which of its `sizes` (the same text in one line, or wrapped in more: [`wrap`]): the first
    /// spot around the mark (right, left, below, above, then the corners; each size in turn,
    /// then a step farther out) that covers no obstacle, no other mark and no piece of the
    /// line; where every spot covers something, the one that covers least. `None` when no mark
    /// numbers the hop.
    pub fn note_at(
        &self,
        hop: usize,
        sizes: &[(f64, f64)],
        obstacles: &[Rect],
    ) -> Option<(usize, Rect)> {
        let mark = self.numbers.iter().find(|n| n.hops.contains(&hop))?;
        let (x, y) = (mark.at.x, mark.at.y);
        let marks: Vec<Rect> = self
            .numbers
            .iter()
            .filter(|n| n.at != mark.at)
            .map(|n| mark_box(n.at))
            .collect();
        let covered = |r: Rect| {
            let boxes = obstacles
                .iter()
                .chain(&marks)
                .filter(|l| r.overlaps(l))
                .count();
            let lines = self
                .pieces
                .iter()
                .filter(|p| p.points.windows(2).any(|s| segment_meets(s[0], s[1], r)))
                .count();
            boxes + lines
        };
        let mut best: Option<(usize, (usize, Rect))> = None;
        for gap in [NUMBER_R + 6.0, NUMBER_R + 6.0 + NOTE_STEP] {
            for (k, &(w, h)) in sizes.iter().enumerate() {
                let (right, left) = (x + gap, x - gap - w);
                let (below, above) = (y + gap, y - gap - h);
                let spots = [
                    (right, y - h / 2.0),
                    (left, y - h / 2.0),
                    (x - w / 2.0, below),
                    (x - w / 2.0, above),
                    (right, below),
                    (left, below),
                    (right, above),
                    (left, above),
                ];
                for (sx, sy) in spots {
                    let r = Rect::new(sx, sy, w, h);
                    let c = covered(r);
                    if c == 0 {
                        return Some((k, r));
                    }
                    if best.is_none_or(|(b, _)| c < b) {
                        best = Some((c, (k, r)));
                    }
                }
            }
        }
        best.map(|(_, placed)| placed)
    }
}

/// How much farther out a note tries its second round of spots.
const NOTE_STEP: f64 = 24.0;

/// `text` in lines of at most `width` characters, broken after a space where one is near
/// enough, else cut inside the word.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    while rest.len() > width {
        // The last space within the line, unless it leaves the line less than half full.
        let cut = (width / 2..=width)
            .rev()
            .find(|&i| rest[i] == ' ')
            .map_or(width, |i| i + 1);
        let line: String = rest[..cut].iter().collect();
        lines.push(line.trim_end().to_string());
        rest.drain(..cut);
    }
    if !rest.is_empty() || lines.is_empty() {
        lines.push(rest.into_iter().collect());
    }
    lines
}

/// The box of a hop number's mark at `at`.
fn mark_box(at: Point) -> Rect {
    Rect::new(
        at.x - NUMBER_R,
        at.y - NUMBER_R,
        2.0 * NUMBER_R,
        2.0 * NUMBER_R,
    )
}

/// Units between the out and the back lanes.
pub const LANE: f64 = 5.0;
/// How far an arrowhead stops short of the point it arrives at (a symbol's edge).
pub const ARRIVE_SHORT: f64 = 15.0;
/// The radius of a hop number's mark.
pub const NUMBER_R: f64 = 7.0;
/// How far a number sits from its point: past a symbol's edge (its radius, 13), so that the
/// mark never hides the symbol it numbers.
const NUMBER_OFF: f64 = 21.0;

/// Lays out the flow through `waypoints` around `labels` first and `shapes` then; numbers keep
/// clear of both (`obstacles`, the two together).
pub fn lay_out(waypoints: &[Waypoint], labels: &[Rect], shapes: &[Rect]) -> Drawing {
    let obstacles = [labels, shapes].concat();
    let obstacles = obstacles.as_slice();
    let lane = |w: &Waypoint| {
        let d = if w.back { LANE } else { 0.0 };
        Point::new(w.at.x + d, w.at.y + d)
    };
    let mut drawing = Drawing::default();
    let mut current: Option<usize> = None;
    let mut taken: Vec<Rect> = Vec::new();
    for (i, w) in waypoints.iter().enumerate() {
        if let Some(hop) = w.hop {
            current = Some(hop);
            number(&mut drawing, &mut taken, obstacles, hop, w);
        }
        let (Some(next), Some(hop)) = (waypoints.get(i + 1), current) else {
            continue;
        };
        let (a, b) = (lane(w), lane(next));
        if near(a, b) {
            continue;
        }
        let mut points = detour(a, b, labels, shapes, w.back);
        shorten_end(&mut points, ARRIVE_SHORT);
        drawing.pieces.push(Piece {
            points,
            hop,
            back: w.back,
        });
    }
    drawing
}

fn near(a: Point, b: Point) -> bool {
    (a.x - b.x).hypot(a.y - b.y) < 1.0
}

/// Numbers hop `hop` at waypoint `w`: joins the mark already at that point on the same leg, or
/// puts a new one at the first spot around the point clear of obstacles and other marks.
fn number(
    drawing: &mut Drawing,
    taken: &mut Vec<Rect>,
    obstacles: &[Rect],
    hop: usize,
    w: &Waypoint,
) {
    if let Some(n) = drawing
        .numbers
        .iter_mut()
        .rev()
        .take(1)
        .find(|n| n.back == w.back && n.hops.last().is_some_and(|h| h + 1 == hop))
        .filter(|n| {
            let (dx, dy) = (n.at.x - w.at.x, n.at.y - w.at.y);
            dx.hypot(dy) <= NUMBER_OFF * 1.5
        })
    {
        n.hops.push(hop);
        return;
    }
    // Out above, back below first: the two legs' numbers at one element stay apart.
    let (o, d) = (NUMBER_OFF, NUMBER_OFF * std::f64::consts::FRAC_1_SQRT_2);
    let out = [
        (-d, -d),
        (0.0, -o),
        (-o, 0.0),
        (d, -d),
        (o, 0.0),
        (-d, d),
        (d, d),
        (0.0, o),
    ];
    let back = [
        (d, d),
        (0.0, o),
        (o, 0.0),
        (-d, d),
        (-o, 0.0),
        (d, -d),
        (-d, -d),
        (0.0, -o),
    ];
    let spots = if w.back { back } else { out };
    let candidates = || {
        spots
            .iter()
            .map(|(dx, dy)| Point::new(w.at.x + dx, w.at.y + dy))
    };
    let clear = |p: &Point| {
        let r = mark_box(*p);
        !obstacles.iter().chain(taken.iter()).any(|l| r.overlaps(l))
    };
    let at = candidates()
        .find(clear)
        .unwrap_or_else(|| candidates().next().unwrap_or(w.at));
    taken.push(mark_box(at));
    drawing.numbers.push(Number {
        hops: vec![hop],
        at,
        back: w.back,
    });
}

/// The path from `a` to `b` that crosses the fewest labels, then the fewest shapes, the
/// shortest of those: straight, an elbow either way, two elbows through the middle, or a step
/// aside first (to leave a symbol beside its own label, or to reach one whose container's
/// title lies above it); when each of those crosses something, the route through the gaps
/// (`grid`) if it crosses less, in the lane of its leg (`back`).
fn detour(a: Point, b: Point, labels: &[Rect], shapes: &[Rect], back: bool) -> Vec<Point> {
    // Every path tried stays within this box: what lies outside it is looked at once, here.
    let reach = ASIDE[ASIDE.len() - 1].max(grid::REACH[grid::REACH.len() - 1]) + 1.0;
    let span = Rect::new(
        a.x.min(b.x) - reach,
        a.y.min(b.y) - reach,
        (a.x - b.x).abs() + 2.0 * reach,
        (a.y - b.y).abs() + 2.0 * reach,
    );
    let near = |rects: &[Rect]| -> Vec<Rect> {
        rects.iter().filter(|r| r.meets(&span)).copied().collect()
    };
    let (labels, shapes) = (&near(labels)[..], &near(shapes)[..]);
    let (mx, my) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
    let mut candidates = vec![
        vec![a, b],
        vec![a, Point::new(b.x, a.y), b],
        vec![a, Point::new(a.x, b.y), b],
        vec![a, Point::new(mx, a.y), Point::new(mx, b.y), b],
        vec![a, Point::new(a.x, my), Point::new(b.x, my), b],
    ];
    for d in ASIDE {
        for d in [d, -d] {
            candidates.push(vec![
                a,
                Point::new(a.x + d, a.y),
                Point::new(a.x + d, b.y),
                b,
            ]);
            candidates.push(vec![
                a,
                Point::new(a.x, a.y + d),
                Point::new(b.x, a.y + d),
                b,
            ]);
            candidates.push(vec![
                a,
                Point::new(b.x + d, a.y),
                Point::new(b.x + d, b.y),
                b,
            ]);
            candidates.push(vec![
                a,
                Point::new(a.x, b.y + d),
                Point::new(b.x, b.y + d),
                b,
            ]);
        }
    }
    let key = |path: &[Point]| {
        let crossed = (crossings(path, labels), crossings(path, shapes));
        (crossed, length(path))
    };
    let better = |p: &((usize, usize), f64), q: &((usize, usize), f64)| {
        p.0.cmp(&q.0).then(p.1.total_cmp(&q.1))
    };
    let best = candidates
        .into_iter()
        .min_by(|p, q| better(&key(p), &key(q)))
        .unwrap_or_else(|| vec![a, b]);
    if key(&best).0 == (0, 0) {
        return best;
    }
    let lane = if back { LANE / 2.0 } else { -LANE / 2.0 };
    match grid::route(a, b, labels, shapes, lane) {
        Some(routed) if better(&key(&routed), &key(&best)).is_lt() => routed,
        _ => best,
    }
}

/// How far a path may step aside before it turns.
const ASIDE: [f64; 5] = [24.0, 48.0, 72.0, 96.0, 120.0];

fn length(path: &[Point]) -> f64 {
    path.windows(2)
        .map(|s| (s[1].x - s[0].x).hypot(s[1].y - s[0].y))
        .sum()
}

/// How many obstacles a polyline crosses, leaving out those that hold its first or its last
/// point: the symbol a piece leaves, and the one it reaches (its arrowhead stops at the edge,
/// or inside the box when it comes in at a slant).
pub fn crossings(path: &[Point], obstacles: &[Rect]) -> usize {
    let (Some(first), Some(last)) = (path.first(), path.last()) else {
        return 0;
    };
    obstacles
        .iter()
        .filter(|r| !r.contains(*first) && !r.contains(*last))
        .filter(|r| path.windows(2).any(|s| segment_meets(s[0], s[1], **r)))
        .count()
}

/// Moves the last point back along the last piece by `by` (less when the piece is shorter):
/// the arrowhead touches the symbol's edge rather than its middle.
fn shorten_end(points: &mut [Point], by: f64) {
    let n = points.len();
    if n < 2 {
        return;
    }
    let (a, b) = (points[n - 2], points[n - 1]);
    let len = (b.x - a.x).hypot(b.y - a.y);
    if len <= 0.0 {
        return;
    }
    let cut = by.min(len / 2.0);
    points[n - 1] = Point::new(b.x - (b.x - a.x) / len * cut, b.y - (b.y - a.y) / len * cut);
}

/// Whether the segment from `p` to `q` meets the rectangle (Liang–Barsky clipping).
fn segment_meets(p: Point, q: Point, r: Rect) -> bool {
    let (dx, dy) = (q.x - p.x, q.y - p.y);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (edge_p, edge_q) in [
        (-dx, p.x - r.x),
        (dx, r.x + r.w - p.x),
        (-dy, p.y - r.y),
        (dy, r.y + r.h - p.y),
    ] {
        if edge_p == 0.0 {
            if edge_q < 0.0 {
                return false;
            }
            continue;
        }
        let t = edge_q / edge_p;
        if edge_p < 0.0 {
            t0 = t0.max(t);
        } else {
            t1 = t1.min(t);
        }
        if t0 > t1 {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(x: f64, y: f64, hop: Option<usize>) -> Waypoint {
        Waypoint {
            at: Point::new(x, y),
            hop,
            back: false,
        }
    }

    #[test]
    fn a_clear_straight_line_stays_straight_and_stops_short_of_its_end() {
        let d = lay_out(
            &[out(0.0, 0.0, Some(0)), out(100.0, 0.0, Some(1))],
            &[],
            &[],
        );
        assert_eq!(d.pieces.len(), 1);
        let p = &d.pieces[0].points;
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[1],
            Point::new(100.0 - ARRIVE_SHORT, 0.0),
            "the arrow touches the edge"
        );
        assert_eq!(d.pieces[0].hop, 0);
    }

    #[test]
    fn a_line_that_would_cross_a_label_goes_around_it() {
        let label = Rect::new(40.0, 40.0, 30.0, 10.0);
        let (a, b) = (Point::new(0.0, 0.0), Point::new(100.0, 100.0));
        assert_eq!(
            crossings(&[a, b], &[label]),
            1,
            "the straight line crosses it"
        );
        let d = lay_out(
            &[out(0.0, 0.0, Some(0)), out(100.0, 100.0, Some(1))],
            &[label],
            &[],
        );
        let mut path = d.pieces[0].points.clone();
        *path.last_mut().unwrap() = b;
        assert_eq!(crossings(&path, &[label]), 0, "{path:?}");
        assert!(path.len() > 2);
    }

    #[test]
    fn a_line_goes_around_a_symbol_between_its_ends_and_may_leave_and_reach_its_own() {
        let symbol = |x: f64| Rect::new(x - 13.0, -13.0, 26.0, 26.0);
        let obstacles = [symbol(0.0), symbol(100.0), symbol(200.0)];
        let (a, b) = (Point::new(0.0, 0.0), Point::new(200.0, 0.0));
        assert_eq!(
            crossings(&[a, b], &obstacles),
            1,
            "the straight line crosses the middle one only"
        );
        let d = lay_out(
            &[out(0.0, 0.0, Some(0)), out(200.0, 0.0, Some(1))],
            &[],
            &obstacles,
        );
        let path = &d.pieces[0].points;
        assert_eq!(crossings(path, &obstacles), 0, "{path:?}");
        assert!(
            !path
                .windows(2)
                .any(|s| segment_meets(s[0], s[1], obstacles[1])),
            "{path:?}"
        );
    }

    #[test]
    fn numbers_keep_clear_of_labels_and_of_each_other_and_share_a_point() {
        // A label up and to the left of the first point: its number goes elsewhere.
        let label = Rect::new(-30.0, -30.0, 25.0, 25.0);
        let points = [
            out(0.0, 0.0, Some(0)),
            out(0.0, 0.0, Some(1)),
            out(60.0, 0.0, Some(2)),
            Waypoint {
                at: Point::new(60.0, 0.0),
                hop: Some(3),
                back: true,
            },
        ];
        let d = lay_out(&points, &[label], &[]);
        let hops: Vec<Vec<usize>> = d.numbers.iter().map(|n| n.hops.clone()).collect();
        assert_eq!(
            hops,
            [vec![0, 1], vec![2], vec![3]],
            "hops 0 and 1 share a point"
        );
        for n in &d.numbers {
            let r = mark_box(n.at);
            assert!(!r.overlaps(&label), "{n:?}");
        }
        let (out2, back3) = (&d.numbers[1], &d.numbers[2]);
        assert!(
            (out2.at.y - back3.at.y).abs() > NUMBER_R,
            "out above, back below"
        );
    }

    #[test]
    fn the_bounds_hold_every_piece_and_mark() {
        assert_eq!(Drawing::default().bounds(None), None);
        let d = lay_out(
            &[out(0.0, 0.0, Some(0)), out(100.0, 50.0, Some(1))],
            &[],
            &[],
        );
        let b = d.bounds(None).unwrap();
        for p in d.pieces.iter().flat_map(|p| &p.points) {
            assert!(b.contains(*p), "{p:?} in {b:?}");
        }
        for n in &d.numbers {
            let r = mark_box(n.at);
            assert_eq!(union(b, r), b, "{n:?}");
        }
        assert!(b.w < 100.0 + 2.0 * (NUMBER_OFF + NUMBER_R) + 1.0, "{b:?}");
        let note = Rect::new(300.0, 0.0, 50.0, 10.0);
        assert_eq!(
            union(b, note),
            d.bounds(Some(note)).unwrap(),
            "and the note"
        );
    }

    #[test]
    fn a_note_goes_beside_its_mark_clear_of_labels_marks_and_the_line() {
        let points = [out(0.0, 0.0, Some(0)), out(200.0, 0.0, Some(1))];
        let bare = lay_out(&points, &[], &[]);
        let mark = bare.numbers[1].at;
        let size = (80.0, 10.0);
        let (_, right) = bare.note_at(1, &[size], &[]).unwrap();
        assert!(
            right.x > mark.x + NUMBER_R,
            "right of the mark first: {right:?}"
        );
        // A label where the right spot is: the note goes to the next spot that is clear.
        let label = Rect::new(mark.x + NUMBER_R, mark.y - 20.0, 200.0, 40.0);
        let d = lay_out(&points, &[label], &[]);
        let (_, note) = d.note_at(1, &[size], &[label]).unwrap();
        assert!(!note.overlaps(&label), "{note:?}");
        for n in &d.numbers {
            assert!(!note.overlaps(&mark_box(n.at)) || n.hops == [1], "{n:?}");
        }
        for p in &d.pieces {
            assert!(
                !p.points.windows(2).any(|s| segment_meets(s[0], s[1], note)),
                "{p:?}"
            );
        }
        assert_eq!(d.note_at(7, &[size], &[]), None, "no mark for hop 8");
    }

    #[test]
    fn a_note_too_long_for_any_spot_in_one_line_goes_wrapped_where_it_covers_nothing() {
        let d = Drawing {
            pieces: Vec::new(),
            numbers: vec![Number {
                hops: vec![0],
                at: Point::new(0.0, 0.0),
                back: false,
            }],
        };
        // Walls 60 units left and right of the mark: a line of 300 or 150 units fits nowhere
        // between them, the same text in three lines of 100 does, below the mark.
        let walls = [
            Rect::new(-70.0, -500.0, 10.0, 1000.0),
            Rect::new(60.0, -500.0, 10.0, 1000.0),
        ];
        let sizes = [(300.0, 12.0), (150.0, 24.0), (100.0, 36.0)];
        let (k, note) = d.note_at(0, &sizes, &walls).unwrap();
        assert_eq!(k, 2, "in three lines: {note:?}");
        assert!(walls.iter().all(|r| !note.overlaps(r)), "{note:?}");
        assert!(note.y > 0.0, "below the mark: {note:?}");
    }

    #[test]
    fn wrapping_breaks_after_spaces_and_cuts_a_word_longer_than_a_line() {
        assert_eq!(
            wrap("NSG 'nva-nsg' denies TCP 1792", 14),
            ["NSG 'nva-nsg'", "denies TCP", "1792"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("short", 40), ["short"]);
        assert_eq!(wrap("", 10), [""]);
        for line in wrap(
            "Dropped at hop 8: NSG 'nva-nsg' on 'hub-vnet/nva-subnet' denies",
            20,
        ) {
            assert!(line.chars().count() <= 20, "{line}");
        }
    }

    #[test]
    fn the_back_lane_runs_beside_the_out_lane() {
        let there = [out(0.0, 0.0, Some(0)), out(100.0, 0.0, Some(1))];
        let back = [
            Waypoint {
                at: Point::new(100.0, 0.0),
                hop: Some(2),
                back: true,
            },
            Waypoint {
                at: Point::new(0.0, 0.0),
                hop: Some(3),
                back: true,
            },
        ];
        let d = lay_out(&[there.as_slice(), &back].concat(), &[], &[]);
        let (o, b) = (&d.pieces[0], &d.pieces[2]);
        assert!(!o.back && b.back);
        assert_eq!(b.points[0].y - o.points[0].y, LANE);
        assert_eq!(d.pieces.len(), 3, "out, the turn at the far end, back");
    }
}
