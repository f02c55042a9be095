//! A peering, VPN or ExpressRoute link; the kind sets colour and dash (see the legend). A
//! peering in a hub's bundle draws only its own part (its stretch of the bus and the drop to its
//! spoke); its whole route shows when it is hovered, focused or selected.

use super::pick::tab_index;
use crate::scene::{Link, Trunk};
use leptos::prelude::*;

#[component]
pub fn LinkPath(link: Link) -> impl IntoView {
    let title = link.label.clone();
    // A circuit's line to its site carries the circuit's id: the keyboard stops at the
    // circuit's symbol, not at its line too.
    let own_line = link.ends.contains(&link.id);
    let roving = tab_index(link.id);
    let tab = move || if own_line { "-1" } else { roving() };
    let Some(_) = link.route else {
        let d = link.path();
        let class = format!("link {}", link.kind.class());
        return view! {
            <g class=class role="img" aria-label=link.label data-id=link.id.0 tabindex=tab.clone()>
                <title>{title}</title>
                // A wide transparent twin makes the thin line easy to hover.
                <path class="hit" d=d.clone()/>
                <path class="line" d=d/>
            </g>
        }
        .into_any();
    };
    let own = link.own_path();
    let class = format!("link {} bundled", link.kind.class());
    view! {
        <g class=class role="img" aria-label=link.label data-id=link.id.0 tabindex=tab>
            <title>{title}</title>
            <path class="hit" d=own.clone()/>
            <path class="own" d=own/>
            <path class="line" d=link.path()/>
        </g>
    }
    .into_any()
}

/// The lines a hub's bundled peerings share; it follows the hub when the hub is dragged.
#[component]
pub fn TrunkPath(trunk: Trunk) -> impl IntoView {
    let class = format!("link peering trunk f-{}", trunk.hub.0);
    let title = format!("{} peerings", trunk.peerings);
    view! {
        <g class=class aria-hidden="true">
            <title>{title}</title>
            <path class="shared" d=trunk.path/>
        </g>
    }
}
