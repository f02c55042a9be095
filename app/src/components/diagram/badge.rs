//! A route table or NSG attached to a subnet, drawn as a small pill at the subnet's edge.

use super::pick::tab_index;
use super::retirable_words;
use crate::decimal::translate;
use crate::scene::{Badge, BadgeKind};
use leptos::prelude::*;

#[component]
pub fn PolicyBadge(badge: Badge) -> impl IntoView {
    let (class, text, what, entries) = match badge.kind {
        BadgeKind::Nsg => ("badge nsg", "NSG", "Network security group", "rules"),
        BadgeKind::RouteTable => ("badge route-table", "RT", "Route table", "routes"),
    };
    let label = format!("{what} {}{}", badge.name, retirable_words(badge.retirable));
    let class = if badge.retirable {
        format!("{class} retirable")
    } else {
        class.to_string()
    };
    let tooltip = format!("{label} ({} {entries})", badge.entries);
    let transform = translate(badge.at.x, badge.at.y);
    view! {
        <g class=class transform=transform role="img" aria-label=label data-id=badge.id.0 tabindex=tab_index(badge.id)>
            <title>{tooltip}</title>
            <rect x="-14" y="-7.5" width="28" height="15" rx="7.5"/>
            <text y="3.5" text-anchor="middle">{text}</text>
        </g>
    }
}
