//! A device, on-premises site or circuit: a symbol with its name below.

use super::pick::tab_index;
use super::{retirable_words, retire_tag, short, RETIRE_TAG_W};
use crate::decimal::{decimal, translate};
use crate::scene::{Part, Symbol, SymbolKind};
use leptos::prelude::*;

#[component]
pub fn SymbolMark(symbol: Symbol) -> impl IntoView {
    let label = format!(
        "{} {}{}",
        symbol.kind.label(),
        symbol.name,
        retirable_words(symbol.retirable)
    );
    let tooltip = format!("{label}: {}", symbol.detail);
    let transform = translate(symbol.at.x, symbol.at.y);
    // Below the symbol; a line lower in a crowded row (`scene::fit_labels`).
    let label_y = symbol.label_y();
    view! {
        <g
            class=format!(
                "symbol {}{}",
                symbol.kind.class(),
                if symbol.retirable { " retirable" } else { "" }
            )
            transform=transform
            role="img"
            aria-label=label
            data-id=symbol.id.0
            tabindex=tab_index(symbol.id)
        >
            <title>{tooltip}</title>
            {glyph(symbol.kind)}
            {symbol.retirable.then(|| view! { <circle class="retire-ring" r="17"/> })}
            // Over the top of its own shape: higher, it would cover the title of the subnet
            // that holds it (a device's row sits right below the title); lower, its name.
            {symbol.retirable.then(|| retire_tag(-RETIRE_TAG_W / 2.0, -18.0))}
            <text class="symbol-name" y=decimal(label_y, 1) text-anchor="middle">
                {short(&symbol.name, symbol.label_chars)}
            </text>
        </g>
    }
}

/// The shape of a symbol, centred on the origin; the legend draws the same shapes.
pub fn glyph(kind: SymbolKind) -> impl IntoView {
    kind.glyph()
        .iter()
        .map(|part| match *part {
            Part::Rect {
                class,
                x,
                y,
                w,
                h,
                rx,
            } => view! {
                <rect class=class x=decimal(x, 1) y=decimal(y, 1) width=decimal(w, 1)
                    height=decimal(h, 1) rx=decimal(rx, 1)/>
            }
            .into_any(),
            Part::Circle { class, cx, cy, r } => {
                view! { <circle class=class cx=decimal(cx, 1) cy=decimal(cy, 1) r=decimal(r, 1)/> }
                    .into_any()
            }
            Part::Path { class, d } => view! { <path class=class d=d/> }.into_any(),
            Part::Text { class, y, text } => {
                view! { <text class=class y=decimal(y, 1) text-anchor="middle">{text}</text> }
                    .into_any()
            }
        })
        .collect_view()
}
