//! A container: a region, a VNet or a subnet, drawn as a labelled rounded rectangle.

use super::pick::tab_index;
use super::{retirable_words, retire_tag, short, RETIRE_TAG_W};
use crate::decimal::decimal;
use crate::scene::Area;
use leptos::prelude::*;

#[component]
pub fn AreaBox(area: Area) -> impl IntoView {
    let r = area.rect;
    let label = format!(
        "{} {}{}",
        area.kind.label(),
        area.name,
        retirable_words(area.retirable)
    );
    let delegated = if area.hsm_delegated {
        ", delegated to Dedicated HSM"
    } else {
        ""
    };
    let tooltip = format!("{label} ({}{delegated})", area.detail);
    let class = format!(
        "area {}{}{}",
        area.kind.class(),
        if area.hsm_delegated {
            " hsm-delegated"
        } else {
            ""
        },
        if area.retirable { " retirable" } else { "" }
    );
    // A tab on the top edge, at the right: clear of the title (left), the findings mark and the
    // NSG badge (right) and the devices' row (below), which the inside of a subnet leaves no
    // room beside.
    let tag = area
        .retirable
        .then(|| retire_tag(r.x + r.w - RETIRE_TAG_W - 24.0, r.y - 6.0));
    let (corner, _, _, _) = area.kind.title();
    // VNets show their address space on a second line, the others after the name; when the
    // labels are drawn larger (zoomed out), after the name where it fits (`Area::detail_y`).
    let detail = area.detail_y().map(|y| {
        view! { <text class="area-detail" x=decimal(r.x + 10.0, 1) y=decimal(r.y + y, 1)>{area.detail.clone()}</text> }
    });
    let inline_detail = area
        .detail_inline()
        .then(|| view! { <tspan class="area-detail" dx="8">{area.detail.clone()}</tspan> });
    let name = short(&area.name, area.title_chars());
    let name_y = area.name_y();
    view! {
        <g class=class role="group" aria-label=label data-id=area.id.0 tabindex=tab_index(area.id)>
            <title>{tooltip}</title>
            <rect x=decimal(r.x, 1) y=decimal(r.y, 1) width=decimal(r.w, 1) height=decimal(r.h, 1)
                rx=decimal(corner, 1)/>
            <text class="area-name" x=decimal(r.x + 10.0, 1) y=decimal(r.y + name_y, 1)>
                {name}
                {inline_detail}
            </text>
            {detail}
            {tag}
        </g>
    }
}
