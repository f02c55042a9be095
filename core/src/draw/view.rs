//! What of a large drawing goes on the page. A browser paints every shape of an SVG, seen or
//! not, and every label even when it is a pixel high: at 400 spokes that is what makes dragging
//! and zooming slow. So the canvas draws only what lies in a [`Window`] around the view (culling),
//! and leaves out the labels when they would be too small to read ([`Detail`]).
//!
//! The window is larger than the view, so that panning and zooming a little reuse it: the page
//! changes only when the view leaves it or the zoom changes enough ([`Window::serves`]).

use crate::model::{Point, Rect};

/// Below this many screen pixels per canvas unit the labels (8 to 13 units high) are under
/// 3 to 5 pixels: unreadable, so they are left out. The presets at their default size open
/// above it (0.57 for the widest at 1280 pixels wide); 100 spokes open at about 0.26.
pub const OUTLINE_BELOW: f64 = 0.4;

/// The size, in screen pixels, of the smallest label's font on the canvas at any zoom at which
/// labels are drawn: at least this, its box is about 10 pixels high.
pub const READABLE_PX: f64 = 8.75;
/// The font size of a symbol's name, in canvas units: the smallest label's, as drawn at 100 %.
pub const LABEL_FONT: f64 = 8.0;
/// The font size labels grow to at most, in canvas units: at the zoom where the labels go
/// (`OUTLINE_BELOW`) this reads at about 7 pixels; larger, a subnet's title would reach its row of
/// devices.
const LARGEST_LABEL_FONT: f64 = 18.0;
/// Label fonts go up in steps of this many units, so that zooming relays the labels out only
/// at each step.
const LABEL_FONT_STEP: f64 = 2.0;

/// The font size, in canvas units, of the smallest labels (a symbol's name) at a zoom of
/// `pixels_per_unit`: `LABEL_FONT` where that reads at `READABLE_PX` on screen, else as much
/// larger as that takes, in steps, within bounds. Larger labels (titles) are drawn at least
/// this large too.
pub fn label_font(pixels_per_unit: f64) -> f64 {
    let wanted = READABLE_PX / pixels_per_unit.max(f64::MIN_POSITIVE);
    let stepped = LABEL_FONT + ((wanted - LABEL_FONT) / LABEL_FONT_STEP).ceil() * LABEL_FONT_STEP;
    stepped.clamp(LABEL_FONT, LARGEST_LABEL_FONT)
}

/// How much room the window leaves around the view, as a fraction of the view's size on each
/// side.
const MARGIN: f64 = 0.5;

/// The room left when the view has outgrown the window (zooming out): more, since it is likely
/// to grow on, and each new window draws what came into it at once.
const MARGIN_ZOOMING_OUT: f64 = 1.5;

/// A window made at one zoom keeps serving while the view stays within this factor of it; past
/// it (zoomed in further) it would hold far more than is seen.
const ZOOM_SLACK: f64 = 2.0;

/// How much of each shape is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detail {
    /// Shapes with their labels.
    Full,
    /// Shapes only: the labels would be too small to read.
    Outline,
}

impl Detail {
    /// The detail for a zoom of `pixels_per_unit` screen pixels per canvas unit.
    pub fn at(pixels_per_unit: f64) -> Detail {
        if pixels_per_unit < OUTLINE_BELOW {
            Detail::Outline
        } else {
            Detail::Full
        }
    }
}

/// The part of the canvas drawn on the page, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The view grown by a margin on every side.
    pub area: Rect,
    pub detail: Detail,
    /// The width of the view it was made for, to see how far the zoom has gone since.
    made_for_w: f64,
}

impl Window {
    /// The window around `view` (canvas units) seen at `pixels_per_unit`.
    pub fn around(view: Rect, pixels_per_unit: f64) -> Window {
        Window::with_margin(view, pixels_per_unit, MARGIN)
    }

    fn with_margin(view: Rect, pixels_per_unit: f64, margin: f64) -> Window {
        let detail = Detail::at(pixels_per_unit);
        let (mx, my) = (view.w * margin, view.h * margin);
        Window {
            area: Rect::new(
                view.x - mx,
                view.y - my,
                view.w + 2.0 * mx,
                view.h + 2.0 * my,
            ),
            detail,
            made_for_w: view.w,
        }
    }

    /// Everything: for a drawing that is not culled (an image of the whole design).
    pub fn everything(detail: Detail) -> Window {
        let huge = f64::MAX / 4.0;
        Window {
            area: Rect::new(-huge, -huge, 2.0 * huge, 2.0 * huge),
            detail,
            // No zoom is too far in for it.
            made_for_w: 0.0,
        }
    }

    /// Nothing: before the canvas is on the page and its size known.
    pub fn nothing() -> Window {
        Window {
            area: Rect::new(f64::INFINITY, f64::INFINITY, 0.0, 0.0),
            detail: Detail::Outline,
            made_for_w: 0.0,
        }
    }

    /// Whether this window still serves `view` at `pixels_per_unit`: the view lies inside it,
    /// the detail is the same and the view has not been zoomed in past the slack.
    pub fn serves(&self, view: Rect, pixels_per_unit: f64) -> bool {
        self.holds(view)
            && view.w * ZOOM_SLACK >= self.made_for_w
            && Detail::at(pixels_per_unit) == self.detail
    }

    /// Whether `view` lies inside the window.
    fn holds(&self, view: Rect) -> bool {
        let a = self.area;
        view.x >= a.x
            && view.y >= a.y
            && view.x + view.w <= a.x + a.w
            && view.y + view.h <= a.y + a.h
    }

    /// The window for `view`: this one while it serves, else a new one around the view (with
    /// more room when the view has outgrown it).
    pub fn follow(self, view: Rect, pixels_per_unit: f64) -> Window {
        if self.serves(view, pixels_per_unit) {
            self
        } else if view.w > self.made_for_w && self.made_for_w > 0.0 {
            Window::with_margin(view, pixels_per_unit, MARGIN_ZOOMING_OUT)
        } else {
            Window::around(view, pixels_per_unit)
        }
    }

    /// The window for `view` while a zoom gesture is under way: this one for as long as the view
    /// lies inside it, however far it has zoomed in and at whatever detail. Re-creating hundreds
    /// of shapes at a step of the gesture costs a whole frame or more, and the labels are hidden
    /// until it settles anyway; once it has, [`Window::follow`] fits the window to the view.
    /// So zooming in and back out re-creates nothing.
    pub fn follow_zooming(self, view: Rect, pixels_per_unit: f64) -> Window {
        if self.holds(view) {
            self
        } else {
            self.follow(view, pixels_per_unit)
        }
    }

    /// Whether any of `r` lies in the window.
    pub fn shows(&self, r: Rect) -> bool {
        self.area.meets(&r)
    }

    /// Whether a shape of `radius` around `at` (a symbol with its label, a badge) lies in it.
    pub fn shows_around(&self, at: Point, radius: f64) -> bool {
        self.shows(Rect::new(
            at.x - radius,
            at.y - radius,
            2.0 * radius,
            2.0 * radius,
        ))
    }

    /// Whether a line through `points` may cross the window (its bounding box does).
    pub fn shows_line(&self, points: &[Point]) -> bool {
        bounding_box(points).is_some_and(|b| self.shows(b))
    }
}

/// The smallest rectangle holding `points`; none for no points.
pub fn bounding_box(points: &[Point]) -> Option<Rect> {
    let first = points.first()?;
    let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
    for p in &points[1..] {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    Some(Rect::new(x0, y0, x1 - x0, y1 - y0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 1000.0,
        h: 500.0,
    };

    #[test]
    fn labels_grow_as_the_view_zooms_out_in_steps_and_within_bounds() {
        assert_eq!(label_font(2.0), LABEL_FONT, "zoomed in: as drawn");
        assert_eq!(label_font(READABLE_PX / LABEL_FONT), LABEL_FONT);
        // The widest preset fitted at 1280 pixels: about half a pixel per unit.
        let fitted = label_font(0.53);
        assert!(fitted * 0.53 >= READABLE_PX, "{fitted}");
        assert_eq!((fitted - LABEL_FONT) % LABEL_FONT_STEP, 0.0, "{fitted}");
        assert!(label_font(0.6) <= fitted && label_font(0.45) >= fitted);
        assert_eq!(label_font(0.01), LARGEST_LABEL_FONT);
        assert_eq!(label_font(0.0), LARGEST_LABEL_FONT);
        for zoom in [0.5, 0.7, 1.0, 1.2] {
            assert!(label_font(zoom) * zoom >= READABLE_PX * 0.95, "{zoom}");
        }
    }

    #[test]
    fn labels_go_when_too_small_to_read() {
        assert_eq!(Detail::at(1.0), Detail::Full);
        assert_eq!(Detail::at(OUTLINE_BELOW), Detail::Full);
        assert_eq!(Detail::at(0.26), Detail::Outline);
    }

    #[test]
    fn the_window_holds_the_view_and_a_margin_and_no_more() {
        let w = Window::around(VIEW, 1.0);
        assert_eq!(w.area, Rect::new(-500.0, -250.0, 2000.0, 1000.0));
        assert!(w.shows(Rect::new(1400.0, 700.0, 50.0, 50.0)));
        assert!(!w.shows(Rect::new(1600.0, 0.0, 50.0, 50.0)));
        assert!(!w.shows(Rect::new(0.0, -400.0, 50.0, 100.0)));
        // Touching the edge counts; a symbol is seen by its reach.
        assert!(w.shows(Rect::new(1500.0, 0.0, 10.0, 10.0)));
        assert!(w.shows_around(Point::new(1510.0, 0.0), 20.0));
        assert!(!w.shows_around(Point::new(1530.0, 0.0), 20.0));
    }

    #[test]
    fn a_line_is_shown_when_its_box_crosses_the_window() {
        let w = Window::around(VIEW, 1.0);
        // Both ends outside, the line across the view.
        assert!(w.shows_line(&[Point::new(-900.0, 100.0), Point::new(1900.0, 100.0)]));
        assert!(!w.shows_line(&[Point::new(-900.0, 900.0), Point::new(1900.0, 900.0)]));
        assert!(!w.shows_line(&[]));
    }

    #[test]
    fn small_pans_and_zooms_keep_the_window_large_ones_replace_it() {
        let w = Window::around(VIEW, 1.0);
        let panned = Rect::new(400.0, 200.0, 1000.0, 500.0);
        assert!(w.serves(panned, 1.0));
        assert_eq!(w.follow(panned, 1.0), w);
        // Out of the window.
        let far = Rect::new(600.0, 0.0, 1000.0, 500.0);
        assert!(!w.serves(far, 1.0));
        assert_eq!(w.follow(far, 1.0), Window::around(far, 1.0));
        // Zoomed in within the slack, then past it.
        assert!(w.serves(Rect::new(250.0, 125.0, 500.0, 250.0), 2.0));
        assert!(!w.serves(Rect::new(300.0, 150.0, 400.0, 200.0), 2.5));
        // Zoomed out far enough for the labels to go.
        assert!(!w.serves(VIEW, 0.3));
        // Zoomed out past the window: the next one leaves more room, as the zoom goes on.
        let out = Rect::new(-600.0, -300.0, 2200.0, 1100.0);
        let next = w.follow(out, 0.6);
        assert_eq!(next.area, Rect::new(-3900.0, -1950.0, 8800.0, 4400.0));
        // Panned out of it at the same zoom: the usual room.
        assert_eq!(w.follow(far, 1.0).area.w, 2000.0);
    }

    #[test]
    fn a_zoom_gesture_keeps_the_window_while_the_view_lies_in_it() {
        let w = Window::around(VIEW, 0.3);
        assert_eq!(w.detail, Detail::Outline);
        // Zoomed in far past the slack and into full detail: kept until the gesture settles...
        let deep = Rect::new(400.0, 200.0, 100.0, 50.0);
        assert_eq!(w.follow_zooming(deep, 3.0), w);
        // ...then fitted to the view.
        assert_eq!(w.follow(deep, 3.0), Window::around(deep, 3.0));
        // Zoomed out past it: replaced at once, with room to zoom on.
        let out = Rect::new(-600.0, -300.0, 2200.0, 1100.0);
        assert_eq!(w.follow_zooming(out, 0.2), w.follow(out, 0.2));
        assert_ne!(w.follow_zooming(out, 0.2), w);
    }

    #[test]
    fn everything_shows_everything() {
        let w = Window::everything(Detail::Full);
        assert!(w.shows(Rect::new(1e9, -1e9, 1.0, 1.0)));
        assert!(w.serves(Rect::new(1e9, -1e9, 1.0, 1.0), 1.0));
    }

    #[test]
    fn nothing_shows_nothing_and_serves_no_view() {
        let w = Window::nothing();
        assert!(!w.shows(Rect::new(0.0, 0.0, 1e9, 1e9)));
        assert!(!w.shows(Rect::new(-1e300, -1e300, 1e300, 1e300)));
        assert!(!w.serves(VIEW, 1.0));
        assert_eq!(w.follow(VIEW, 1.0), Window::around(VIEW, 1.0));
    }

    #[test]
    fn bounding_box_of_points() {
        let b = bounding_box(&[Point::new(3.0, 4.0), Point::new(-1.0, 9.0)]);
        assert_eq!(b, Some(Rect::new(-1.0, 4.0, 4.0, 5.0)));
    }
}
