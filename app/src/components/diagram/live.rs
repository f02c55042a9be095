//! The live preview of a drag: the dragged elements (and the selection rings and findings
//! marks that follow them) are translated in place through their `transform` attribute, and
//! the links that touch them are redrawn, without re-rendering the diagram. The design changes
//! once, on release, with one `Edit::Move`. A peering in a bundle keeps its square turns: only
//! the stretch at the moved end follows (`draw::bundle::dragged`).

use crate::decimal::translate;
use crate::scene::{polyline, Link, Scene};
use hsmnet_core::draw::bundle::{self, OWN};
use hsmnet_core::hashing::HashSet;
use hsmnet_core::model::Point;
use hsmnet_core::Id;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// A link being redrawn: its group's paths (for a bundled link, whether each draws only its
/// own part), and which of its ends move.
struct LiveLink {
    paths: Vec<(Element, bool)>,
    link: Link,
    from_moves: bool,
    to_moves: bool,
}

/// The nodes a drag moves, with their transforms before the drag.
pub struct Live {
    nodes: Vec<(Element, Option<String>)>,
    links: Vec<LiveLink>,
}

impl Live {
    /// Finds, under `svg`, the nodes drawn for the elements in `moving`.
    pub fn start(svg: &Element, scene: &Scene, moving: &HashSet<Id>) -> Live {
        let mut nodes = Vec::new();
        let mut keep = |el: Element| {
            let before = el.get_attribute("transform");
            nodes.push((el, before));
        };
        for id in moving {
            if let Ok(Some(el)) = svg.query_selector(&format!("[data-id=\"{}\"]", id.0)) {
                keep(el);
            }
            // Selection rings and findings marks carry the class f-<id>.
            let followers = svg.get_elements_by_class_name(&format!("f-{}", id.0));
            for i in 0..followers.length() {
                if let Some(el) = followers.item(i) {
                    keep(el);
                }
            }
        }
        let mut links = Vec::new();
        for link in &scene.links {
            let (from_moves, to_moves) = (
                moving.contains(&link.ends[0]),
                moving.contains(&link.ends[1]),
            );
            if !(from_moves || to_moves) {
                continue;
            }
            let Ok(Some(group)) = svg.query_selector(&format!("[data-id=\"{}\"]", link.id.0))
            else {
                continue;
            };
            let found = group.get_elements_by_tag_name("path");
            let paths = (0..found.length())
                .filter_map(|i| found.item(i))
                .filter_map(|e| e.dyn_into::<Element>().ok())
                .map(|e| {
                    let own = e.get_attribute("class").is_some_and(|c| c != "line");
                    (e, own && link.route.is_some())
                })
                .collect();
            links.push(LiveLink {
                paths,
                link: link.clone(),
                from_moves,
                to_moves,
            });
        }
        Live { nodes, links }
    }

    /// Shows everything moved by (dx, dy) canvas units.
    pub fn shift(&self, dx: f64, dy: f64) {
        for (el, before) in &self.nodes {
            let value = match before {
                Some(t) => format!("{} {t}", translate(dx, dy)),
                None => translate(dx, dy),
            };
            let _ = el.set_attribute("transform", &value);
        }
        let moved = |p: Point, yes: bool| {
            if yes {
                Point::new(p.x + dx, p.y + dy)
            } else {
                p
            }
        };
        for l in &self.links {
            if let Some(route) = &l.link.route {
                let route = bundle::dragged(route, l.from_moves, l.to_moves, dx, dy);
                l.draw(&polyline(&route), &polyline(&route[OWN..]));
                continue;
            }
            let link = Link {
                from: moved(l.link.from, l.from_moves),
                to: moved(l.link.to, l.to_moves),
                ..l.link.clone()
            };
            let d = link.path();
            l.draw(&d, &d);
        }
    }

    /// Puts everything back where it was (a cancelled drag).
    pub fn reset(&self) {
        for (el, before) in &self.nodes {
            let _ = match before {
                Some(t) => el.set_attribute("transform", t),
                None => el.remove_attribute("transform"),
            };
        }
        for l in &self.links {
            l.draw(&l.link.path(), &l.link.own_path());
        }
    }
}

impl LiveLink {
    /// Sets the paths: `whole` on those that draw the whole link, `own` on the others.
    fn draw(&self, whole: &str, own: &str) {
        for (p, draws_own) in &self.paths {
            let _ = p.set_attribute("d", if *draws_own { own } else { whole });
        }
    }
}
