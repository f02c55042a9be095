//! A device, on-premises site or circuit: a symbol with its name below.

use super::short;
use crate::scene::{Symbol, SymbolKind, SYMBOL_RADIUS};
use leptos::prelude::*;

#[component]
pub fn SymbolMark(symbol: Symbol) -> impl IntoView {
    let label = format!("{} {}", symbol.kind.label(), symbol.name);
    let tooltip = format!("{label}: {}", symbol.detail);
    let transform = format!("translate({:.1} {:.1})", symbol.at.x, symbol.at.y);
    view! {
        <g
            class=format!("symbol {}", symbol.kind.class())
            transform=transform
            role="img"
            aria-label=label
            data-id=symbol.id.0
            tabindex="0"
        >
            <title>{tooltip}</title>
            {glyph(symbol.kind)}
            <text class="symbol-name" y=SYMBOL_RADIUS + 11.0 text-anchor="middle">
                {short(&symbol.name, symbol.label_chars)}
            </text>
        </g>
    }
}

/// The shape of a symbol, centred on the origin; the legend draws the same shapes.
pub fn glyph(kind: SymbolKind) -> impl IntoView {
    match kind {
        SymbolKind::Hsm => view! {
            <rect class="shape" x="-12" y="-10" width="24" height="20" rx="3"/>
            <circle class="glyph" cx="0" cy="-2.5" r="3"/>
            <path class="glyph" d="M-1.6 -0.5H1.6L2.6 6H-2.6Z"/>
        }
        .into_any(),
        SymbolKind::ErGateway | SymbolKind::VpnGateway => {
            let text = if kind == SymbolKind::ErGateway {
                "ER"
            } else {
                "VPN"
            };
            view! {
                <path class="shape" d="M0 -13L13 0L0 13L-13 0Z"/>
                <text class="glyph-text" y="2.5" text-anchor="middle">{text}</text>
            }
            .into_any()
        }
        SymbolKind::Nva => view! {
            <path class="shape" d="M-12 0L-6 -11H6L12 0L6 11H-6Z"/>
            <text class="glyph-text" y="2.5" text-anchor="middle">"NVA"</text>
        }
        .into_any(),
        SymbolKind::LoadBalancer => view! {
            <circle class="shape" r="12"/>
            <text class="glyph-text" y="2.5" text-anchor="middle">"LB"</text>
        }
        .into_any(),
        SymbolKind::Firewall => view! {
            <rect class="shape" x="-12" y="-10" width="24" height="20" rx="2"/>
            <path class="glyph-line" d="M-12 -3.3H12M-12 3.3H12M-4 -10V-3.3M5 -3.3V3.3M-4 3.3V10"/>
        }
        .into_any(),
        SymbolKind::Site => view! {
            <path class="shape" d="M-13 12V-3L0 -13L13 -3V12Z"/>
            <rect class="glyph" x="-3" y="3" width="6" height="9"/>
        }
        .into_any(),
        SymbolKind::Circuit => view! {
            <circle class="shape" r="11"/>
            <circle class="glyph-ring" r="6"/>
        }
        .into_any(),
    }
}
