//! The traced flow on the canvas, laid out by core's `draw::flow`: the path runs from element
//! to element along the links the hops cross (a site, its circuit and the gateway; a peering's
//! middle), with an arrowhead on each piece and each hop's number beside where it happens, as
//! the hop list numbers it. The reply runs in its own dashed lane. The hop that dropped the
//! flow is marked with its reason. Hovering a number (or a piece) highlights the hop here and
//! in the list, and hovering the list highlights it here.

use crate::decimal::{decimal, translate};
use crate::scene::{AreaKind, Scene, Shape};
use crate::tracing::Tracing;
use hsmnet_core::draw::flow::{self, Drawing, Waypoint, NUMBER_R};
use hsmnet_core::model::{Point, Rect};
use hsmnet_core::trace::{Leg, Trace, Verdict};
use hsmnet_core::Id;
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use std::cell::Cell;

#[component]
pub fn TracePath(#[prop(into)] scene: Signal<Scene>) -> impl IntoView {
    let tracing = expect_context::<Tracing>();
    move || {
        let trace = tracing.shown()?;
        scene.with(|scene| path_view(scene, &trace, tracing))
    }
}

/// Where each hop happens, in the order the packet passes: the symbols and peerings among its
/// elements; a hop decided by a subnet alone (a route lookup, an NSG) happens where the packet
/// already is when that is inside the subnet, else at the subnet's right end.
pub fn waypoints(scene: &Scene, trace: &Trace) -> Vec<Waypoint> {
    let mut out: Vec<Waypoint> = Vec::new();
    let mut here: Option<Point> = None;
    for (i, hop) in trace.hops.iter().enumerate() {
        let back = hop.leg == Leg::Back;
        let mut points: Vec<Point> = along_links(scene, &hop.elements)
            .into_iter()
            .filter_map(|id| match scene.shape_of(id)? {
                Shape::Symbol(p) => Some(p),
                Shape::Link(_) => scene.anchor_of(id),
                Shape::Area(_) | Shape::Badge(_) => None,
            })
            .collect();
        if points.is_empty() {
            let area = hop.elements.iter().find_map(|id| {
                let subnet = scene.subnets.iter().find(|a| a.id == *id);
                subnet.or_else(|| scene.vnets.iter().find(|a| a.id == *id))
            });
            let Some(area) = area else { continue };
            let r = area.rect;
            match here.filter(|p| r.contains(*p)) {
                Some(p) => points.push(p),
                None if area.kind == AreaKind::Subnet => {
                    points.push(Point::new(r.x + r.w - 20.0, r.y + r.h / 2.0))
                }
                None => points.push(Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0)),
            }
        }
        for (k, at) in points.iter().enumerate() {
            out.push(Waypoint {
                at: *at,
                hop: (k == 0).then_some(i),
                back,
            });
        }
        here = points.last().copied();
    }
    out
}

/// A hop's elements in the order the line passes them: a link that the hop names before one
/// of its ends (a site's connection, then the circuit it runs from) goes right after that end,
/// and a link entered from one end leads on to its other end when the hop does not name it
/// (a gateway's connection reaches its circuit before the site), so that the line runs along
/// the links instead of doubling back or cutting across.
fn along_links(scene: &Scene, elements: &[Id]) -> Vec<Id> {
    let mut order = elements.to_vec();
    for &id in elements {
        let Some(link) = scene.links.iter().find(|l| l.id == id) else {
            continue;
        };
        let Some(at) = order.iter().position(|e| *e == id) else {
            continue;
        };
        // The first of its ends named after it: the link goes right after that end.
        if let Some(end) = order[at + 1..].iter().position(|e| link.ends.contains(e)) {
            let link = order.remove(at);
            order.insert(at + end + 1, link);
            continue;
        }
        let entered = order[..at].iter().find(|e| link.ends.contains(e));
        let other = link
            .ends
            .iter()
            .find(|e| Some(*e) != entered && !order.contains(e));
        if let (Some(_), Some(other)) = (entered, other) {
            if at + 1 < order.len() {
                order.insert(at + 1, *other);
            }
        }
    }
    order
}

/// The failing hop's reason on the canvas: at most this many characters (the whole text is
/// its tooltip and the verdict above the canvas), each about this wide at its 9 px bold, in
/// lines this high; in one line, or wrapped in lines of these many characters where one line
/// would cover something.
const REASON_CHARS: usize = 60;
const REASON_CHAR_W: f64 = 5.6;
const REASON_H: f64 = 12.0;
const REASON_WIDTHS: [usize; 3] = [REASON_CHARS, 30, 20];

/// The failing hop on the canvas: its mark, and its reason in a note.
pub struct Failure {
    pub mark: Point,
    /// Where the reason goes: beside the mark, where it covers no label, symbol, badge, other
    /// mark or line if it can (core's `note_at`).
    pub note: Rect,
    /// The reason as shown, cut to `REASON_CHARS` and wrapped as the note's room asks, and whole.
    pub lines: Vec<String>,
    pub text: String,
}

thread_local! {
    static LOADED: Cell<bool> = const { Cell::new(false) };
}

/// Fetches the chunk that lays out traced flows (core's router: `draw::flow`), a chunk of its
/// own (`trace_drawing`, see scripts/split-wasm). `Tracing` waits for it before it shows a
/// trace, so a trace shown can always be drawn at once ([`laid_out`]).
pub async fn load() {
    layout_loaded().await;
    LOADED.set(true);
}

/// The flow as the canvas draws it ([`layout`]); `None` until the chunk is loaded ([`load`]).
pub fn laid_out(scene: &Scene, trace: &Trace) -> Option<(Drawing, Option<Failure>)> {
    crate::lazy::now(LOADED.get(), layout_in_chunk(scene, trace))
}

#[wasm_split(trace_drawing, wasm_split_path = ::leptos::wasm_split, preload(layout_loaded))]
fn layout_in_chunk(scene: &Scene, trace: &Trace) -> (Drawing, Option<Failure>) {
    layout(scene, trace)
}

/// The flow as the canvas draws it: its pieces and numbers among the scene's labels and
/// shapes, and its failing hop's note clear of them.
fn layout(scene: &Scene, trace: &Trace) -> (Drawing, Option<Failure>) {
    let (labels, shapes) = (scene.labels(), scene.shapes());
    let drawing = flow::lay_out(&waypoints(scene, trace), &labels, &shapes);
    let failure = failure(&drawing, trace, &[labels, shapes].concat());
    (drawing, failure)
}

/// Where the failing hop of a dropped flow is marked, clear of `obstacles` (the labels and
/// shapes); `None` for a delivered one.
pub fn failure(drawing: &Drawing, trace: &Trace, obstacles: &[Rect]) -> Option<Failure> {
    let Verdict::Dropped { hop, reason } = &trace.verdict else {
        return None;
    };
    let mark = drawing.numbers.iter().find(|n| n.hops.contains(hop))?.at;
    let text = format!("Dropped at hop {}: {reason}", hop + 1);
    let shown = super::short(&text, REASON_CHARS);
    let wrapped: Vec<Vec<String>> = REASON_WIDTHS
        .iter()
        .map(|w| flow::wrap(&shown, *w))
        .collect();
    let sizes: Vec<(f64, f64)> = wrapped
        .iter()
        .map(|lines| {
            let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            let width = longest as f64 * REASON_CHAR_W + 4.0;
            (width, lines.len() as f64 * REASON_H)
        })
        .collect();
    let (k, note) = drawing.note_at(*hop, &sizes, obstacles)?;
    Some(Failure {
        mark,
        note,
        lines: wrapped.into_iter().nth(k).unwrap_or_default(),
        text,
    })
}

/// "3" or "6–9": the hops numbered at one mark, as the list numbers them (from 1).
fn numbered(hops: &[usize]) -> String {
    match hops {
        [one] => (one + 1).to_string(),
        [first, .., last] => format!("{}–{}", first + 1, last + 1),
        [] => String::new(),
    }
}

fn path_view(scene: &Scene, trace: &Trace, tracing: Tracing) -> Option<impl IntoView> {
    let (drawing, failure) = laid_out(scene, trace)?;
    let failing = match &trace.verdict {
        Verdict::Dropped { hop, reason } => Some((*hop, reason.clone())),
        Verdict::Delivered => None,
    };
    let label = match &trace.verdict {
        Verdict::Delivered => format!("Traced flow from {} to {}: delivered", trace.from, trace.to),
        Verdict::Dropped { reason, .. } => {
            format!(
                "Traced flow from {} to {}: dropped, {reason}",
                trace.from, trace.to
            )
        }
    };
    let class = if failing.is_none() {
        "trace-path delivered"
    } else {
        "trace-path dropped"
    };
    let hovered = tracing.hovered;
    let hover = move |hop: Option<usize>| move |_| hovered.set(hop);
    let pieces = drawing
        .pieces
        .iter()
        .map(|p| {
            let hop = p.hop;
            let leg = if p.back { "back" } else { "out" };
            let points = p
                .points
                .iter()
                .map(|q| format!("{},{}", decimal(q.x, 1), decimal(q.y, 1)))
                .collect::<Vec<_>>()
                .join(" ");
            view! {
                <polyline class=format!("piece {leg}") data-hop=hop points=points
                    class:hot=move || hovered.get() == Some(hop)
                    marker-end=format!("url(#trace-arrow-{leg})")
                    on:pointerenter=hover(Some(hop)) on:pointerleave=hover(None)/>
            }
        })
        .collect_view();
    let numbers = drawing
        .numbers
        .iter()
        .map(|n| {
            let text = numbered(&n.hops);
            let hops = n.hops.clone();
            let first = n.hops[0];
            let failed = failing.as_ref().is_some_and(|(h, _)| hops.contains(h));
            let leg = if n.back { "back" } else { "out" };
            let half_w = (NUMBER_R).max(text.chars().count() as f64 * 2.9 + 3.0);
            let title = match failing.as_ref().filter(|_| failed) {
                Some((h, reason)) => format!("Hop {}: dropped, {reason}", h + 1),
                None if hops.len() == 1 => format!("Hop {} ({leg})", first + 1),
                None => format!("Hops {text} ({leg})"),
            };
            let lit = hops.clone();
            view! {
                <g class=format!("trace-number {leg}") class:failed=failed
                    class:hot=move || hovered.get().is_some_and(|h| lit.contains(&h))
                    transform=translate(n.at.x, n.at.y)
                    on:pointerenter=hover(Some(first)) on:pointerleave=hover(None)>
                    <title>{title}</title>
                    <rect x=decimal(-half_w, 1) y=decimal(-NUMBER_R, 1) width=decimal(2.0 * half_w, 1)
                        height=decimal(2.0 * NUMBER_R, 1) rx=decimal(NUMBER_R, 1)/>
                    <text y="3" text-anchor="middle">{text}</text>
                </g>
            }
        })
        .collect_view();
    // The failing hop's mark ringed, and its reason beside it.
    let failure = failure.map(|f| {
        let x = decimal(f.note.x + 2.0, 1);
        let lines = f
            .lines
            .into_iter()
            .enumerate()
            .map(|(k, line)| {
                let y = f.note.y + (k + 1) as f64 * REASON_H - 3.0;
                view! { <tspan x=x.clone() y=decimal(y, 1)>{line}</tspan> }
            })
            .collect_view();
        view! {
            <g class="trace-failure">
                <title>{f.text}</title>
                <circle cx=decimal(f.mark.x, 1) cy=decimal(f.mark.y, 1) r=decimal(NUMBER_R + 4.0, 1)/>
                <text class="trace-reason">{lines}</text>
            </g>
        }
    });
    let title = label.clone();
    Some(view! {
        <g class=class role="img" aria-label=label>
            <title>{title}</title>
            <defs>
                <marker id="trace-arrow-out" class="out" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                    <path d="M0 0L10 5L0 10z"/>
                </marker>
                <marker id="trace-arrow-back" class="back" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                    <path d="M0 0L10 5L0 10z"/>
                </marker>
            </defs>
            {pieces}
            {failure}
            {numbers}
        </g>
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsmnet_core::presets::{self, Size};
    use hsmnet_core::trace::{self as tracer, Endpoint};

    /// Every preset's flows from each site and each HSM client subnet to its first HSM.
    fn preset_flows() -> Vec<(&'static str, Scene, Trace)> {
        let mut flows = Vec::new();
        for preset in presets::ALL {
            let d = presets::build(preset.name, &Size::default()).unwrap();
            let scene = Scene::of(&d);
            let to = d.hsms.first().map(|h| Endpoint::Hsm(h.id)).or_else(|| {
                let cluster = d.cloud_hsm_clusters.first()?;
                Some(Endpoint::CloudHsm(cluster.id))
            });
            let to = to.unwrap_or_else(|| panic!("{} has no HSM", preset.name));
            let before = flows.len();
            let sources = d.sites.iter().map(|s| Endpoint::Site(s.id)).chain(
                d.vnets
                    .iter()
                    .flat_map(|v| &v.subnets)
                    .filter(|s| s.hsm_client)
                    .map(|s| Endpoint::Subnet(s.id)),
            );
            for from in sources {
                let protocol = hsmnet_core::model::Protocol::Tcp;
                if let Ok(t) = tracer::trace(&d, from, to, protocol, 1792) {
                    flows.push((preset.name, scene.clone(), t));
                }
            }
            assert!(flows.len() > before, "{}: no flow traced", preset.name);
        }
        flows
    }

    /// The pieces of every preset's flows, as the canvas draws them, that cross any of the
    /// boxes `of` picks from their scene (the piece's own two ends aside).
    fn crossing(of: impl Fn(&Scene) -> Vec<Rect>) -> Vec<String> {
        let mut crossed = Vec::new();
        for (preset, scene, t) in preset_flows() {
            let (drawing, _) = layout(&scene, &t);
            let boxes = of(&scene);
            for piece in &drawing.pieces {
                let n = flow::crossings(&piece.points, &boxes);
                if n > 0 {
                    crossed.push(format!("{preset} {} hop {}: {n}", t.from, piece.hop + 1));
                }
            }
        }
        crossed
    }

    #[test]
    fn no_traced_line_of_a_preset_crosses_a_label() {
        let crossed = crossing(Scene::labels);
        assert!(crossed.is_empty(), "{crossed:#?}");
    }

    /// No piece crosses a symbol or a badge other than the symbols at its own two ends (the
    /// one it leaves, the one it reaches).
    #[test]
    fn no_traced_line_of_a_preset_crosses_a_symbol_or_badge() {
        let crossed = crossing(Scene::shapes);
        assert!(crossed.is_empty(), "{crossed:#?}");
    }

    /// The hub's flow dropped by an NVA that does not SNAT: its reason's note covers no label,
    /// symbol or badge, wrapped where one line would.
    #[test]
    fn the_failing_hops_reason_covers_no_label_symbol_or_badge() {
        let mut d = presets::build("hub-nva-proxy", &Size::default()).unwrap();
        for nva in &mut d.nvas {
            nva.snat = false;
        }
        let scene = Scene::of(&d);
        let (from, to) = (Endpoint::Site(d.sites[0].id), Endpoint::Hsm(d.hsms[0].id));
        let t = tracer::trace(&d, from, to, hsmnet_core::model::Protocol::Tcp, 1792).unwrap();
        let (labels, shapes) = (scene.labels(), scene.shapes());
        let drawing = flow::lay_out(&waypoints(&scene, &t), &labels, &shapes);
        let obstacles = [labels.as_slice(), &shapes].concat();
        let f = failure(&drawing, &t, &obstacles).expect("dropped");
        let covered: Vec<&Rect> = obstacles.iter().filter(|r| f.note.overlaps(r)).collect();
        assert!(covered.is_empty(), "{:?} covers {covered:?}", f.note);
        assert!(f.lines.concat().len() >= 40, "{:?}", f.lines);
    }

    #[test]
    fn the_hub_trace_passes_the_site_circuit_gateway_firewall_proxy_and_hsm_in_order() {
        let d = presets::build("hub-nva-proxy", &Size::default()).unwrap();
        let scene = Scene::of(&d);
        let from = Endpoint::parse(&d, &d.sites[0].name).unwrap();
        let to = Endpoint::parse(&d, &d.hsms[0].name).unwrap();
        let t = tracer::trace(&d, from, to, hsmnet_core::model::Protocol::Tcp, 1792).unwrap();
        let w = waypoints(&scene, &t);
        let numbered: Vec<usize> = w.iter().filter_map(|w| w.hop).collect();
        assert_eq!(
            numbered,
            (0..t.hops.len()).collect::<Vec<_>>(),
            "every hop, in order"
        );
        let at = |id| scene.anchor_of(id).unwrap();
        let firsts: Vec<Point> = w.iter().map(|w| w.at).collect();
        // Along the links: the site, its circuit, the connection's middle, then the gateway.
        let order = [
            d.sites[0].id,
            d.circuits[0].id,
            d.connections[0].id,
            d.gateways[1].id,
            d.firewalls[0].id,
            d.hsms[0].id,
        ];
        let mut from = 0;
        for id in order {
            let found = firsts[from..].iter().position(|p| *p == at(id));
            assert!(found.is_some(), "{id:?} after waypoint {from}");
            from += found.unwrap();
        }
        let drawing = flow::lay_out(&w, &scene.labels(), &scene.shapes());
        for piece in &drawing.pieces {
            assert_eq!(
                flow::crossings(&piece.points, &scene.labels()),
                0,
                "{piece:?}"
            );
        }
    }
}
