//! A container: a region, a VNet or a subnet, drawn as a labelled rounded rectangle.

use super::short;
use crate::scene::Area;
use leptos::prelude::*;

/// `kind` is the word read before the name ("Region", "VNet", "Subnet"); `class` styles it.
#[component]
pub fn AreaBox(area: Area, kind: &'static str, class: &'static str) -> impl IntoView {
    let r = area.rect;
    let delegated = if area.hsm_delegated { ", delegated to Dedicated HSM" } else { "" };
    let label = format!("{kind} {} ({}{delegated})", area.name, area.detail);
    let class = if area.hsm_delegated { format!("area {class} hsm-delegated") } else { format!("area {class}") };
    // Regions and subnets carry name and detail on one line, VNets on two.
    let (corner, name_y, max_name) = match kind {
        "Region" => (14.0, 21.0, 40),
        "VNet" => (8.0, 15.0, 34),
        _ => (4.0, 14.0, 22),
    };
    // VNets show their address space on a second line, the others after the name.
    let (inline_detail, detail) = if kind == "VNet" {
        let y = r.y + 27.0;
        (None, Some(view! { <text class="area-detail" x=r.x + 10.0 y=y>{area.detail}</text> }))
    } else {
        (Some(view! { <tspan class="area-detail" dx="8">{area.detail}</tspan> }), None)
    };
    let title = label.clone();
    view! {
        <g class=class role="group" aria-label=label data-id=area.id.0>
            <title>{title}</title>
            <rect x=r.x y=r.y width=r.w height=r.h rx=corner/>
            <text class="area-name" x=r.x + 10.0 y=r.y + name_y>
                {short(&area.name, max_name)}
                {inline_detail}
            </text>
            {detail}
        </g>
    }
}
