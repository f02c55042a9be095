//! What the line styles and symbols mean.

use super::symbol::glyph;
use crate::scene::SymbolKind;
use leptos::prelude::*;

const LINKS: [(&str, &str); 3] = [
    ("peering", "VNet peering"),
    (
        "vpn",
        "VPN connection (site-to-site, point-to-site, VNet-to-VNet)",
    ),
    ("expressroute", "ExpressRoute"),
];

const SYMBOLS: [SymbolKind; 12] = [
    SymbolKind::Hsm,
    SymbolKind::PaymentHsm,
    SymbolKind::ErGateway,
    SymbolKind::VpnGateway,
    SymbolKind::Nva,
    SymbolKind::LoadBalancer,
    SymbolKind::Firewall,
    SymbolKind::Site,
    SymbolKind::Circuit,
    SymbolKind::CloudHsmCluster,
    SymbolKind::PrivateEndpoint,
    SymbolKind::PrivateDnsZone,
];

#[component]
pub fn Legend() -> impl IntoView {
    let links = LINKS
        .iter()
        .map(|(class, text)| {
            view! {
                <li>
                    <svg class="swatch" viewBox="0 0 36 12" aria-hidden="true">
                        <g class=format!("link {class}")>
                            <path class="line" d="M2 6H34"/>
                        </g>
                    </svg>
                    {*text}
                </li>
            }
        })
        .collect_view();
    let symbols = SYMBOLS
        .iter()
        .map(|kind| {
            view! {
                <li>
                    <svg class="swatch glyph-swatch" viewBox="-15 -15 30 30" aria-hidden="true">
                        <g class=format!("symbol {}", kind.class())>{glyph(*kind)}</g>
                    </svg>
                    {kind.label()}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="legend" aria-label="Legend">
            {links}
            {symbols}
            <li>
                <svg class="swatch" viewBox="-15 -9 30 18" aria-hidden="true">
                    <g class="badge nsg">
                        <rect x="-14" y="-7.5" width="28" height="15" rx="7.5"/>
                        <text y="3.5" text-anchor="middle">"NSG"</text>
                    </g>
                </svg>
                "Network security group"
            </li>
            <li>
                <svg class="swatch" viewBox="-15 -9 30 18" aria-hidden="true">
                    <g class="badge route-table">
                        <rect x="-14" y="-7.5" width="28" height="15" rx="7.5"/>
                        <text y="3.5" text-anchor="middle">"RT"</text>
                    </g>
                </svg>
                "Route table"
            </li>
        </ul>
    }
}
