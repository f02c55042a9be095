//! What the line styles and symbols mean.

use super::retire_tag;
use super::symbol::glyph;
use crate::scene::SymbolKind;
use crate::state::Studio;
use leptos::prelude::*;

const LINKS: [(&str, &str); 5] = [
    ("peering", "VNet peering"),
    (
        "vpn",
        "VPN connection (site-to-site, point-to-site, VNet-to-VNet)",
    ),
    ("expressroute", "ExpressRoute"),
    ("private-link", "Private endpoint to its Cloud HSM cluster"),
    ("dns-link", "Private DNS zone linked to a VNet"),
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
    let studio = expect_context::<Studio>();
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
            // Only in a design a migration plan made: elsewhere it would explain nothing.
            <Show when=move || studio.with_design(|d| !d.retirable.is_empty())>
                <li>
                    <svg class="swatch retire-swatch" viewBox="0 0 42 14" aria-hidden="true">
                        {retire_tag(1.0, 1.0)}
                    </svg>
                    "Retirable: kept until the migration to Cloud HSM is done"
                </li>
            </Show>
        </ul>
    }
}
