//! The traced flow on the canvas: a line through the hops out (and back, dashed, where the reply
//! goes another way), and a mark with the reason at the hop where the flow was dropped.

use crate::scene::Scene;
use crate::tracing::Tracing;
use hsmnet_core::model::Point;
use hsmnet_core::trace::{Leg, Trace, Verdict};
use leptos::prelude::*;

#[component]
pub fn TracePath(#[prop(into)] scene: Signal<Scene>) -> impl IntoView {
    let tracing = expect_context::<Tracing>();
    move || {
        let trace = tracing.shown()?;
        Some(scene.with(|scene| path_view(scene, &trace)))
    }
}

fn path_view(scene: &Scene, trace: &Trace) -> impl IntoView {
    let leg_points = |leg: Leg| -> Vec<Point> {
        let mut points: Vec<Point> = Vec::new();
        for hop in trace.hops.iter().filter(|h| h.leg == leg) {
            if let Some(p) = hop.elements.iter().find_map(|id| scene.anchor_of(*id)) {
                if points.last() != Some(&p) {
                    points.push(p);
                }
            }
        }
        points
    };
    let out = leg_points(Leg::Out);
    let mut back = leg_points(Leg::Back);
    back.reverse();
    // The reply usually retraces the request: draw it only where it differs.
    let back = (back != out).then_some(back);
    let delivered = trace.verdict == Verdict::Delivered;
    let failure = match &trace.verdict {
        Verdict::Dropped { hop, reason } => trace.hops.get(*hop).and_then(|h| {
            h.elements
                .iter()
                .find_map(|id| scene.anchor_of(*id))
                .map(|at| (at, format!("Dropped at hop {}: {reason}", hop + 1)))
        }),
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
    let class = if delivered {
        "trace-path delivered"
    } else {
        "trace-path dropped"
    };
    let title = label.clone();
    view! {
        <g class=class role="img" aria-label=label>
            <title>{title}</title>
            <polyline class="out" points=points_attr(&out)/>
            {back.map(|b| view! { <polyline class="back" points=points_attr(&b)/> })}
            {failure.map(|(at, reason)| view! {
                <g class="trace-failure" transform=format!("translate({:.1} {:.1})", at.x, at.y)>
                    <title>{reason}</title>
                    <circle r="11"/>
                    <path d="M-5 -5L5 5M5 -5L-5 5"/>
                </g>
            })}
        </g>
    }
}

fn points_attr(points: &[Point]) -> String {
    points
        .iter()
        .map(|p| format!("{:.1},{:.1}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ")
}
