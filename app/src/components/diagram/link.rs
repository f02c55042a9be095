//! A peering, VPN or ExpressRoute link; the kind sets colour and dash (see the legend).

use crate::scene::Link;
use leptos::prelude::*;

#[component]
pub fn LinkPath(link: Link) -> impl IntoView {
    let d = link.path();
    let title = link.label.clone();
    let class = format!("link {}", link.kind.class());
    view! {
        <g class=class role="img" aria-label=link.label data-id=link.id.0 tabindex="0">
            <title>{title}</title>
            // A wide transparent twin makes the thin line easy to hover.
            <path class="hit" d=d.clone()/>
            <path class="line" d=d/>
        </g>
    }
}
