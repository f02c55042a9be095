//! Pan and zoom as arithmetic on the SVG `viewBox`: no transforms on the content, so the
//! drawing stays in design coordinates and stays crisp at every zoom.

use crate::decimal::decimal;
use hsmnet_core::model::{Point, Rect};

/// The most and least the view may be zoomed relative to the fitted view.
const MAX_ZOOM_IN: f64 = 8.0;
const MAX_ZOOM_OUT: f64 = 4.0;

/// The visible part of the drawing, in canvas units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewBox(pub Rect);

impl ViewBox {
    /// The `viewBox` attribute value.
    pub fn attr(&self) -> String {
        let r = self.0;
        [r.x, r.y, r.w, r.h].map(|v| decimal(v, 1)).join(" ")
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the canvas point `at` where it is on screen,
    /// within limits relative to `fit`.
    pub fn zoomed(&self, factor: f64, at: Point, fit: Rect) -> ViewBox {
        let r = self.0;
        // Not `f64::clamp`: its check of its bounds formats them with Rust's float formatter,
        // which nothing else in the page needs.
        let w = (r.w / factor)
            .max(fit.w / MAX_ZOOM_IN)
            .min(fit.w * MAX_ZOOM_OUT);
        let applied = r.w / w;
        let h = r.h / applied;
        ViewBox(Rect::new(
            at.x - (at.x - r.x) / applied,
            at.y - (at.y - r.y) / applied,
            w,
            h,
        ))
    }

    /// Zooms around the centre of the view.
    pub fn zoomed_centre(&self, factor: f64, fit: Rect) -> ViewBox {
        let r = self.0;
        self.zoomed(factor, Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0), fit)
    }

    /// Moves the view by a distance in canvas units.
    pub fn panned(&self, dx: f64, dy: f64) -> ViewBox {
        ViewBox(self.0.translated(dx, dy))
    }

    /// The view moved as little as it takes to show `target` whole with `margin` around it
    /// (centred on it when it is larger than the view), at the same zoom: the view follows an
    /// element added or selected from the keyboard without jumping when it is already seen.
    pub fn showing(&self, target: Rect, margin: f64) -> ViewBox {
        let r = self.0;
        let axis = |start: f64, size: f64, t_start: f64, t_size: f64| -> f64 {
            let (lo, hi) = (t_start - margin, t_start + t_size + margin);
            if hi - lo > size {
                t_start + t_size / 2.0 - size / 2.0
            } else if lo < start {
                lo
            } else if hi > start + size {
                hi - size
            } else {
                start
            }
        };
        ViewBox(Rect::new(
            axis(r.x, r.w, target.x, target.w),
            axis(r.y, r.h, target.y, target.h),
            r.w,
            r.h,
        ))
    }

    /// The view centred on `target` with `margin` around it, zoomed to it but no closer than
    /// `least` (a width and a height in canvas units): a traced path is shown whole and as
    /// large as it reads, and a short one is not blown up.
    pub fn framing(target: Rect, margin: f64, least: (f64, f64)) -> ViewBox {
        let w = (target.w + 2.0 * margin).max(least.0);
        let h = (target.h + 2.0 * margin).max(least.1);
        let (cx, cy) = (target.x + target.w / 2.0, target.y + target.h / 2.0);
        ViewBox(Rect::new(cx - w / 2.0, cy - h / 2.0, w, h))
    }

    /// Pans by a wheel's or touchpad's scroll of (`dx`, `dy`) screen pixels, at `scale` pixels
    /// per canvas unit: the drawing moves the way the fingers do, as in draw.io and Figma.
    pub fn scrolled(&self, dx: f64, dy: f64, scale: f64) -> ViewBox {
        self.panned(dx / scale, dy / scale)
    }
}

/// How the browser maps the view box onto an element of `width` x `height` CSS pixels, as
/// with the default `preserveAspectRatio="xMidYMid meet"`: one scale, the spare room split
/// evenly on both sides.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Screen {
    pub width: f64,
    pub height: f64,
}

impl Screen {
    /// CSS pixels per canvas unit.
    pub fn scale(self, view: &ViewBox) -> f64 {
        let r = view.0;
        (self.width / r.w)
            .min(self.height / r.h)
            .max(f64::MIN_POSITIVE)
    }

    /// The canvas point under an element-relative pixel position.
    pub fn to_canvas(self, view: &ViewBox, px: f64, py: f64) -> Point {
        let r = view.0;
        let s = self.scale(view);
        let (ox, oy) = ((self.width - r.w * s) / 2.0, (self.height - r.h * s) / 2.0);
        Point::new(r.x + (px - ox) / s, r.y + (py - oy) / s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIT: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 1000.0,
        h: 500.0,
    };

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let view = ViewBox(FIT);
        let at = Point::new(250.0, 100.0);
        let zoomed = view.zoomed(2.0, at, FIT);
        assert_eq!(zoomed.0.w, 500.0);
        assert_eq!(zoomed.0.h, 250.0);
        // The point keeps its relative position in the view.
        let rel = |v: &ViewBox| ((at.x - v.0.x) / v.0.w, (at.y - v.0.y) / v.0.h);
        assert_eq!(rel(&view), rel(&zoomed));
    }

    #[test]
    fn zoom_is_limited() {
        let mut view = ViewBox(FIT);
        for _ in 0..20 {
            view = view.zoomed_centre(2.0, FIT);
        }
        assert_eq!(view.0.w, FIT.w / MAX_ZOOM_IN);
        for _ in 0..40 {
            view = view.zoomed_centre(0.5, FIT);
        }
        assert_eq!(view.0.w, FIT.w * MAX_ZOOM_OUT);
    }

    #[test]
    fn screen_points_map_to_canvas_points_with_letterboxing() {
        // A 1000x500 view in a 1000x1000 element: 250 px bands above and below.
        let screen = Screen {
            width: 1000.0,
            height: 1000.0,
        };
        let view = ViewBox(FIT);
        assert_eq!(screen.scale(&view), 1.0);
        assert_eq!(
            screen.to_canvas(&view, 500.0, 250.0),
            Point::new(500.0, 0.0)
        );
        assert_eq!(screen.to_canvas(&view, 0.0, 750.0), Point::new(0.0, 500.0));
    }

    #[test]
    fn showing_moves_the_view_only_as_far_as_needed() {
        let view = ViewBox(Rect::new(0.0, 0.0, 400.0, 300.0));
        let seen = Rect::new(100.0, 100.0, 50.0, 50.0);
        assert_eq!(view.showing(seen, 10.0), view, "already seen: no jump");
        let right = view.showing(Rect::new(500.0, 100.0, 50.0, 50.0), 10.0);
        assert_eq!(right.0, Rect::new(160.0, 0.0, 400.0, 300.0));
        let above = view.showing(Rect::new(0.0, -200.0, 50.0, 50.0), 10.0);
        assert_eq!(above.0, Rect::new(-10.0, -210.0, 400.0, 300.0));
        // Larger than the view: centred on it.
        let huge = view.showing(Rect::new(0.0, 0.0, 1000.0, 100.0), 0.0);
        assert_eq!(huge.0.x, 300.0);
    }

    #[test]
    fn framing_centres_on_the_target_but_does_not_blow_a_small_one_up() {
        let path = Rect::new(100.0, 100.0, 300.0, 100.0);
        let framed = ViewBox::framing(path, 20.0, (200.0, 100.0));
        assert_eq!(framed.0, Rect::new(80.0, 80.0, 340.0, 140.0));
        let small = ViewBox::framing(Rect::new(0.0, 0.0, 10.0, 10.0), 20.0, (200.0, 100.0));
        assert_eq!(
            small.0,
            Rect::new(-95.0, -45.0, 200.0, 100.0),
            "no closer than the least"
        );
    }

    #[test]
    fn scrolling_pans_by_screen_pixels_at_the_current_zoom() {
        let view = ViewBox(FIT);
        assert_eq!(
            view.scrolled(0.0, 100.0, 2.0).0,
            Rect::new(0.0, 50.0, 1000.0, 500.0)
        );
        assert_eq!(view.scrolled(-40.0, 0.0, 0.5).0.x, -80.0);
        assert_eq!(view.scrolled(0.0, 100.0, 2.0).0.w, FIT.w, "no zoom");
    }

    #[test]
    fn the_attribute_is_four_numbers() {
        assert_eq!(ViewBox(FIT).attr(), "0 0 1000 500");
        assert_eq!(ViewBox(FIT).panned(10.0, -5.0).attr(), "10 -5 1000 500");
        assert_eq!(ViewBox(FIT).panned(0.25, 0.0).attr(), "0.3 0 1000 500");
    }
}
