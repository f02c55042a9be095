//! What the diagram draws, resolved from a design's layout fields: every shape with its
//! position, label and accessible name, and every link with both ends in canvas units.
//!
//! Pure data, no Leptos: the components only turn a [`Scene`] into SVG, and the geometry is
//! tested natively below. Nothing here decides whether a design is valid; a link whose end
//! does not exist is simply not drawn (the rules report the dangling reference).

use crate::decimal::decimal;
use hsmnet_core::draw::bundle::{self, BUNDLE_MIN, OWN};
use hsmnet_core::draw::view::{self, LABEL_FONT};
use hsmnet_core::hashing::{HashMap, HashMapExt};
use hsmnet_core::model::metrics::{BADGE_HALF_H, BADGE_HALF_W};
use hsmnet_core::model::{ConnectionKind, GatewayKind, Point, Rect};
use hsmnet_core::prose::capitalised;
use hsmnet_core::{Design, Id};

mod key;

/// Half the size of a device or site symbol: links stop at its edge (core's metrics, which
/// hit testing and layout use too).
pub use hsmnet_core::model::metrics::SYMBOL_RADIUS;

/// Room left around the drawing when the view fits it.
const MARGIN: f64 = 24.0;
/// How far apart two links between the same two ends bend.
const BEND_STEP: f64 = 28.0;
/// The average width of a character of a symbol's label, for fitting: 8 px DejaVu Sans (the
/// widest common sans-serif, Debian's default) measures 5.4 px in Chromium.
const LABEL_CHAR_W: f64 = 5.4;
/// Canvas units kept around a label's estimated box (`Scene::labels`).
const LABEL_CLEARANCE: f64 = 2.0;
/// A link longer than this along a row of symbols arcs over the row instead of crossing it.
const ARC_MIN_LENGTH: f64 = 100.0;

/// What a container is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AreaKind {
    Region,
    Vnet,
    Subnet,
}

impl AreaKind {
    /// The word a screen reader says before the name.
    pub fn label(self) -> &'static str {
        match self {
            AreaKind::Region => "Region",
            AreaKind::Vnet => "VNet",
            AreaKind::Subnet => "Subnet",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            AreaKind::Region => "region",
            AreaKind::Vnet => "vnet",
            AreaKind::Subnet => "subnet",
        }
    }

    /// The font size of its title at 100 % (the style sheet's: 13, 12 and 10 px).
    pub fn font(self) -> f64 {
        match self {
            AreaKind::Region => 13.0,
            AreaKind::Vnet => 12.0,
            AreaKind::Subnet => 10.0,
        }
    }

    /// How its title is drawn: the corner radius, the name's baseline below the top, the
    /// characters of the name shown before it is cut, and the width of one (the style sheet's
    /// font sizes: 13, 12 and 10 px).
    pub fn title(self) -> (f64, f64, usize, f64) {
        match self {
            AreaKind::Region => (14.0, 21.0, 40, 7.4),
            AreaKind::Vnet => (8.0, 15.0, 34, 6.8),
            AreaKind::Subnet => (4.0, 14.0, 22, 5.7),
        }
    }
}

/// A container drawn as an area: a region, a VNet or a subnet.
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub id: Id,
    pub kind: AreaKind,
    pub name: String,
    /// A second line: the location, the address space or the prefix.
    pub detail: String,
    pub rect: Rect,
    /// Subnets only: delegated to Dedicated HSM.
    pub hsm_delegated: bool,
    /// Marked retirable by a migration plan (`Design::retirable`).
    pub retirable: bool,
    /// The smallest labels' font size in canvas units (`Scene::label_font`): the title is drawn
    /// at least this large.
    pub label_font: f64,
}

/// How far a label's baseline moves down per unit of font size above its size at 100 %: its
/// glyphs grow up from the baseline by about this much of the size.
const ASCENT: f64 = 0.75;
/// The font size of an area's address line (a VNet's second line, a subnet's prefix).
const DETAIL_FONT: f64 = 10.0;
/// The largest label size at which a VNet's address keeps its own line: larger, the line
/// would reach the VNet's first subnet.
const DETAIL_LINE_UP_TO: f64 = 12.0;

impl Area {
    /// The font size its title is drawn at.
    pub fn title_font(&self) -> f64 {
        self.kind.font().max(self.label_font)
    }

    /// Where its name's baseline is, below its top.
    pub fn name_y(&self) -> f64 {
        let (_, name_y, _, _) = self.kind.title();
        name_y + ASCENT * (self.title_font() - self.kind.font())
    }

    /// The width of one character of its title.
    fn title_char_w(&self) -> f64 {
        let (_, _, _, char_w) = self.kind.title();
        char_w * self.title_font() / self.kind.font()
    }

    /// How many characters of its name the title shows: the kind's most, and when the labels
    /// are drawn larger, as many as the box's width holds (the whole name is its tooltip and
    /// accessible name).
    pub fn title_chars(&self) -> usize {
        let (_, _, max, _) = self.kind.title();
        if self.label_font <= self.kind.font() {
            return max;
        }
        let room = ((self.rect.w - 14.0) / self.title_char_w())
            .floor()
            .max(4.0) as usize;
        max.min(room)
    }

    /// Where its address goes: on a line of its own at this baseline (a VNet's, while the
    /// labels are drawn at 100 % or so), or `None`: after the name, when the name leaves room
    /// for it on the title's line, else only in the tooltip.
    pub fn detail_y(&self) -> Option<f64> {
        (self.kind == AreaKind::Vnet && self.label_font <= DETAIL_LINE_UP_TO).then_some(27.0)
    }

    /// The font size of its address on a line of its own.
    pub fn detail_font(&self) -> f64 {
        DETAIL_FONT.max(self.label_font)
    }

    /// Whether its address goes after its name on the title's line.
    pub fn detail_inline(&self) -> bool {
        if self.detail_y().is_some() {
            return false;
        }
        let (name, detail) = (self.name.chars().count(), self.detail.chars().count());
        self.label_font <= self.kind.font()
            || name as f64 + 1.5 + detail as f64 <= self.title_chars() as f64
    }
}

/// What a device or site symbol looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Hsm,
    /// A payment HSM (payShield 10K).
    PaymentHsm,
    ErGateway,
    VpnGateway,
    Nva,
    LoadBalancer,
    Firewall,
    Site,
    Circuit,
    CloudHsmCluster,
    PrivateEndpoint,
    PrivateDnsZone,
}

impl SymbolKind {
    /// The words a screen reader says before the name.
    pub fn label(self) -> &'static str {
        match self {
            SymbolKind::Hsm => "HSM",
            SymbolKind::PaymentHsm => "Payment HSM",
            SymbolKind::ErGateway => "ExpressRoute gateway",
            SymbolKind::VpnGateway => "VPN gateway",
            SymbolKind::Nva => "NVA",
            SymbolKind::LoadBalancer => "Load balancer",
            SymbolKind::Firewall => "Firewall",
            SymbolKind::Site => "On-premises site",
            SymbolKind::Circuit => "ExpressRoute circuit",
            SymbolKind::CloudHsmCluster => "Cloud HSM cluster",
            SymbolKind::PrivateEndpoint => "Private endpoint",
            SymbolKind::PrivateDnsZone => "Private DNS zone",
        }
    }

    /// The CSS class that styles the symbol.
    pub fn class(self) -> &'static str {
        match self {
            SymbolKind::Hsm => "hsm",
            SymbolKind::PaymentHsm => "hsm payment",
            SymbolKind::ErGateway => "gateway er",
            SymbolKind::VpnGateway => "gateway vpn",
            SymbolKind::Nva => "nva",
            SymbolKind::LoadBalancer => "lb",
            SymbolKind::Firewall => "firewall",
            SymbolKind::Site => "site",
            SymbolKind::Circuit => "circuit",
            SymbolKind::CloudHsmCluster => "cloud-hsm",
            SymbolKind::PrivateEndpoint => "private-endpoint",
            SymbolKind::PrivateDnsZone => "dns-zone",
        }
    }
}

/// A device, an on-premises site or an ExpressRoute circuit, drawn as a labelled symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub id: Id,
    pub kind: SymbolKind,
    pub name: String,
    /// SKU, address or prefixes, for the tooltip.
    pub detail: String,
    pub at: Point,
    /// How many characters of the name fit under the symbol before the next one in its row.
    pub label_chars: usize,
    /// Whether the name drops a line lower: every other one in a crowded row, so that
    /// neighbours' names do not run together.
    pub label_dropped: bool,
    /// Marked retirable by a migration plan (`Design::retirable`).
    pub retirable: bool,
    /// The font size of its name in canvas units (`Scene::label_font`).
    pub label_font: f64,
}

/// How much lower a dropped name is drawn, in lines of its font.
const LABEL_DROP: f64 = 1.25;

impl Symbol {
    /// Where its name's baseline is, below its centre: its glyphs' tops just below the symbol.
    pub fn label_y(&self) -> f64 {
        let f = self.label_font;
        let drop = if self.label_dropped {
            LABEL_DROP * f
        } else {
            0.0
        };
        SYMBOL_RADIUS + 5.0 + ASCENT * f + drop
    }
}

/// A policy attached to subnets, drawn as a small badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BadgeKind {
    Nsg,
    RouteTable,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Badge {
    pub id: Id,
    pub kind: BadgeKind,
    pub name: String,
    /// How many rules or routes it holds.
    pub entries: usize,
    pub at: Point,
    /// Marked retirable by a migration plan (`Design::retirable`).
    pub retirable: bool,
}

/// How a link is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    Peering,
    /// Site-to-site, point-to-site and VNet-to-VNet connections.
    Vpn,
    /// A gateway's connection to a circuit, and the circuit's own line to its site.
    ExpressRoute,
    /// A private endpoint's line to the Cloud HSM cluster it connects to.
    PrivateLink,
    /// A private DNS zone's line to a VNet linked to it.
    DnsLink,
}

impl LinkKind {
    pub fn class(self) -> &'static str {
        match self {
            LinkKind::Peering => "peering",
            LinkKind::Vpn => "vpn",
            LinkKind::ExpressRoute => "expressroute",
            LinkKind::PrivateLink => "private-link",
            LinkKind::DnsLink => "dns-link",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub id: Id,
    pub kind: LinkKind,
    /// The accessible name: what it is and what it joins.
    pub label: String,
    pub from: Point,
    pub to: Point,
    /// The elements at `from` and at `to`: a drag that moves one moves that end.
    pub ends: [Id; 2],
    /// Sideways offset of the curve's middle, so parallel links stay apart.
    pub bend: f64,
    /// A peering in its hub's bundle: its route through the gaps (`draw::bundle`), from `from`
    /// to `to`.
    pub route: Option<[Point; 6]>,
}

impl Link {
    /// The SVG path: its route in a bundle, a straight line, or a quadratic curve when bent.
    pub fn path(&self) -> String {
        if let Some(route) = &self.route {
            return polyline(route);
        }
        let (a, b) = (self.from, self.to);
        if self.bend == 0.0 {
            return polyline(&[a, b]);
        }
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = dx.hypot(dy).max(1.0);
        // Twice the bend at the control point puts the curve's middle `bend` away.
        let (cx, cy) = (
            (a.x + b.x) / 2.0 - dy / len * self.bend * 2.0,
            (a.y + b.y) / 2.0 + dx / len * self.bend * 2.0,
        );
        format!("M{}Q{} {}", xy(a), xy(Point::new(cx, cy)), xy(b))
    }

    /// What is drawn of it on its own: for a link in a bundle, its part of the bus and the drop
    /// to its spoke (the rest is shared); for any other, the whole of it.
    pub fn own_path(&self) -> String {
        match &self.route {
            Some(route) => polyline(&route[OWN..]),
            None => self.path(),
        }
    }
}

/// An SVG path through `points`.
pub fn polyline(points: &[Point]) -> String {
    let mut d = String::with_capacity(points.len() * 14);
    for (i, p) in points.iter().enumerate() {
        let command = if i == 0 { 'M' } else { 'L' };
        d.push(command);
        d.push_str(&xy(*p));
    }
    d
}

/// A point in SVG path data: "x y", to a tenth.
fn xy(p: Point) -> String {
    format!("{} {}", decimal(p.x, 1), decimal(p.y, 1))
}

/// The lines a hub's bundled peerings share (trunk and buses), drawn once.
#[derive(Clone, Debug, PartialEq)]
pub struct Trunk {
    /// The hub VNet: a drag of the hub moves them.
    pub hub: Id,
    pub path: String,
    /// How many peerings they carry, for the tooltip.
    pub peerings: usize,
    /// What they cover, to leave them out when out of view.
    pub bounds: Rect,
}

/// Everything the diagram draws, back to front.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub regions: Vec<Area>,
    pub vnets: Vec<Area>,
    pub subnets: Vec<Area>,
    pub badges: Vec<Badge>,
    pub links: Vec<Link>,
    /// The shared lines of bundled peerings, drawn under the peerings.
    pub trunks: Vec<Trunk>,
    pub symbols: Vec<Symbol>,
    /// The drawing's extent plus a margin: the view that fits it.
    pub bounds: Rect,
    /// The font size of the smallest labels, in canvas units: `LABEL_FONT` as drawn at 100 %,
    /// larger when the view is zoomed out (`draw::view::label_font`), so that they stay
    /// readable; the labels are fitted and placed for it.
    pub label_font: f64,
}

/// Areas and symbols above which a drawing is large: only what lies around the view is drawn,
/// its labels are hidden while its zoom changes and drawn at `LABEL_FONT` whatever the zoom.
const LARGE_DRAWING: usize = 120;

impl Scene {
    /// Whether this is a large drawing (`LARGE_DRAWING`).
    pub fn is_large(&self) -> bool {
        self.vnets.len() + self.subnets.len() + self.symbols.len() > LARGE_DRAWING
    }

    /// Nothing to draw: a blank design.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
            && self.vnets.is_empty()
            && self.subnets.is_empty()
            && self.symbols.is_empty()
    }

    /// The scene of `design` with its labels at 100 %.
    pub fn of(design: &Design) -> Scene {
        Scene::at(design, LABEL_FONT)
    }

    /// The scene of `design` with its smallest labels `label_font` canvas units high. Kept out
    /// of line: its callers (`Scene::of`, the studio's scene memo) share one copy of it.
    #[inline(never)]
    pub fn at(design: &Design, label_font: f64) -> Scene {
        let label_font = label_font.max(LABEL_FONT);
        let mut scene = Scene {
            label_font,
            ..Scene::default()
        };
        // Sorted once: an element asks in log time whether it is retirable.
        let mut marked = design.retirable.clone();
        marked.sort_unstable();
        let retirable = |id: Id| marked.binary_search(&id).is_ok();
        for r in &design.regions {
            scene.regions.push(Area {
                id: r.id,
                kind: AreaKind::Region,
                name: r.name.clone(),
                detail: r.location.clone(),
                rect: r.layout,
                hsm_delegated: false,
                retirable: retirable(r.id),
                label_font,
            });
        }
        for v in &design.vnets {
            scene.vnets.push(Area {
                id: v.id,
                kind: AreaKind::Vnet,
                name: v.name.clone(),
                detail: join(v.address_space.iter()),
                rect: v.layout,
                hsm_delegated: false,
                retirable: retirable(v.id),
                label_font,
            });
            for s in &v.subnets {
                scene.subnets.push(Area {
                    id: s.id,
                    kind: AreaKind::Subnet,
                    name: s.name.clone(),
                    detail: s.prefix.to_string(),
                    rect: s.layout,
                    hsm_delegated: s.is_hsm_delegated(),
                    retirable: retirable(s.id),
                    label_font,
                });
            }
        }
        for n in &design.nsgs {
            scene.badges.push(Badge {
                id: n.id,
                kind: BadgeKind::Nsg,
                name: n.name.clone(),
                entries: n.rules.len(),
                at: n.layout,
                retirable: retirable(n.id),
            });
        }
        for t in &design.route_tables {
            scene.badges.push(Badge {
                id: t.id,
                kind: BadgeKind::RouteTable,
                name: t.name.clone(),
                entries: t.routes.len(),
                at: t.layout,
                retirable: retirable(t.id),
            });
        }

        let symbols = &mut scene.symbols;
        let mut symbol = |id, kind, name: &str, detail: String, at| {
            symbols.push(Symbol {
                id,
                kind,
                name: name.to_string(),
                detail,
                at,
                label_chars: 0,
                label_dropped: false,
                retirable: retirable(id),
                label_font,
            })
        };
        for s in &design.sites {
            symbol(
                s.id,
                SymbolKind::Site,
                &s.name,
                join(s.prefixes.iter()),
                s.layout,
            );
        }
        for c in &design.circuits {
            let detail = format!(
                "{}, {}, {} Mbps",
                c.provider, c.peering_location, c.bandwidth_mbps
            );
            symbol(c.id, SymbolKind::Circuit, &c.name, detail, c.layout);
        }
        for h in &design.hsms {
            let detail = match h.private_ip {
                Some(ip) => format!("{}, {}, {}", h.sku, h.stamp, ip),
                None => format!("{}, {}", h.sku, h.stamp),
            };
            let kind = if h.is_payment() {
                SymbolKind::PaymentHsm
            } else {
                SymbolKind::Hsm
            };
            symbol(h.id, kind, &h.name, detail, h.layout);
        }
        for g in &design.gateways {
            let kind = match g.kind {
                GatewayKind::ExpressRoute => SymbolKind::ErGateway,
                GatewayKind::Vpn => SymbolKind::VpnGateway,
            };
            symbol(g.id, kind, &g.name, g.sku.clone(), g.layout);
        }
        for f in &design.firewalls {
            let detail = format!("{} network rules", f.rules.len());
            symbol(f.id, SymbolKind::Firewall, &f.name, detail, f.layout);
        }
        for l in &design.load_balancers {
            let detail = match l.frontend_ip {
                Some(ip) => format!("{}, frontend {}", l.sku, ip),
                None => l.sku.clone(),
            };
            symbol(l.id, SymbolKind::LoadBalancer, &l.name, detail, l.layout);
        }
        for n in &design.nvas {
            let detail = match n.private_ip {
                Some(ip) => format!("{}, {}", n.vm_size, ip),
                None => n.vm_size.clone(),
            };
            symbol(n.id, SymbolKind::Nva, &n.name, detail, n.layout);
        }
        for c in &design.cloud_hsm_clusters {
            let access = if c.public_network_access {
                "public access on"
            } else {
                "public access off"
            };
            let detail = format!("{}, {access}", c.sku);
            symbol(c.id, SymbolKind::CloudHsmCluster, &c.name, detail, c.layout);
        }
        for e in &design.private_endpoints {
            let detail = match e.private_ip {
                Some(ip) => format!("{} to {}, {ip}", e.group_id, design.name_of(e.target)),
                None => format!("{} to {}, dynamic", e.group_id, design.name_of(e.target)),
            };
            symbol(e.id, SymbolKind::PrivateEndpoint, &e.name, detail, e.layout);
        }
        for z in &design.private_dns_zones {
            let linked: Vec<String> = z.vnet_links.iter().map(|v| design.name_of(*v)).collect();
            let detail = format!("linked to {}", linked.join(", "));
            symbol(z.id, SymbolKind::PrivateDnsZone, &z.name, detail, z.layout);
        }

        fit_labels(&mut scene.symbols, label_font);
        (scene.links, scene.trunks) = links(design);
        scene.bounds = bounds(&scene);
        scene
    }
}

/// One piece of a symbol's glyph, centred on the symbol. The canvas, the legend and the image
/// download draw the same pieces, so a symbol looks the same everywhere.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Part {
    Rect {
        class: &'static str,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        rx: f64,
    },
    Circle {
        class: &'static str,
        cx: f64,
        cy: f64,
        r: f64,
    },
    Path {
        class: &'static str,
        d: &'static str,
    },
    /// Centred on x = 0, its baseline at `y`.
    Text {
        class: &'static str,
        y: f64,
        text: &'static str,
    },
}

/// The box both kinds of HSM are drawn as (a Luna keyhole or payShield's "PAY" on it).
const HSM_BOX: Part = Part::Rect {
    class: "shape",
    x: -12.0,
    y: -10.0,
    w: 24.0,
    h: 20.0,
    rx: 3.0,
};

impl SymbolKind {
    /// The pieces of its glyph: a coloured `shape` with white marks on it.
    pub fn glyph(self) -> &'static [Part] {
        use Part::*;
        match self {
            SymbolKind::Hsm => &[
                HSM_BOX,
                Circle {
                    class: "glyph",
                    cx: 0.0,
                    cy: -2.5,
                    r: 3.0,
                },
                Path {
                    class: "glyph",
                    d: "M-1.6 -0.5H1.6L2.6 6H-2.6Z",
                },
            ],
            SymbolKind::PaymentHsm => &[
                HSM_BOX,
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "PAY",
                },
            ],
            SymbolKind::ErGateway => &[
                Path {
                    class: "shape",
                    d: "M0 -13L13 0L0 13L-13 0Z",
                },
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "ER",
                },
            ],
            SymbolKind::VpnGateway => &[
                Path {
                    class: "shape",
                    d: "M0 -13L13 0L0 13L-13 0Z",
                },
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "VPN",
                },
            ],
            SymbolKind::Nva => &[
                Path {
                    class: "shape",
                    d: "M-12 0L-6 -11H6L12 0L6 11H-6Z",
                },
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "NVA",
                },
            ],
            SymbolKind::LoadBalancer => &[
                Circle {
                    class: "shape",
                    cx: 0.0,
                    cy: 0.0,
                    r: 12.0,
                },
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "LB",
                },
            ],
            SymbolKind::Firewall => &[
                Rect {
                    class: "shape",
                    x: -12.0,
                    y: -10.0,
                    w: 24.0,
                    h: 20.0,
                    rx: 2.0,
                },
                Path {
                    class: "glyph-line",
                    d: "M-12 -3.3H12M-12 3.3H12M-4 -10V-3.3M5 -3.3V3.3M-4 3.3V10",
                },
            ],
            SymbolKind::Site => &[
                Path {
                    class: "shape",
                    d: "M-13 12V-3L0 -13L13 -3V12Z",
                },
                Rect {
                    class: "glyph",
                    x: -3.0,
                    y: 3.0,
                    w: 6.0,
                    h: 9.0,
                    rx: 0.0,
                },
            ],
            SymbolKind::Circuit => &[
                Circle {
                    class: "shape",
                    cx: 0.0,
                    cy: 0.0,
                    r: 11.0,
                },
                Circle {
                    class: "glyph-ring",
                    cx: 0.0,
                    cy: 0.0,
                    r: 6.0,
                },
            ],
            SymbolKind::CloudHsmCluster => &[
                Rect {
                    class: "shape",
                    x: -13.0,
                    y: -11.0,
                    w: 26.0,
                    h: 22.0,
                    rx: 6.0,
                },
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "CHSM",
                },
            ],
            SymbolKind::PrivateEndpoint => &[
                Circle {
                    class: "shape",
                    cx: 0.0,
                    cy: 0.0,
                    r: 11.0,
                },
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "PE",
                },
            ],
            SymbolKind::PrivateDnsZone => &[
                Rect {
                    class: "shape",
                    x: -13.0,
                    y: -9.0,
                    w: 26.0,
                    h: 18.0,
                    rx: 2.0,
                },
                Text {
                    class: "glyph-text",
                    y: 2.5,
                    text: "DNS",
                },
            ],
        }
    }
}

/// Where the findings mark of an element goes: the top right corner of its shape (links carry
/// none).
pub fn mark_spot(shape: &Shape) -> Option<Point> {
    match shape {
        Shape::Area(r) => Some(Point::new(r.x + r.w - 9.0, r.y + 9.0)),
        Shape::Symbol(p) => Some(Point::new(p.x + 12.0, p.y - 12.0)),
        Shape::Badge(p) => Some(Point::new(p.x + 14.0, p.y - 8.0)),
        Shape::Link(_) => None,
    }
}

/// Where an element is drawn, for the selection ring and the findings marks.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Area(Rect),
    Symbol(Point),
    Badge(Point),
    Link(String),
}

impl Scene {
    /// The shape drawn for `id`, if it is drawn.
    pub fn shape_of(&self, id: Id) -> Option<Shape> {
        let areas = self.regions.iter().chain(&self.vnets).chain(&self.subnets);
        if let Some(a) = areas.into_iter().find(|a| a.id == id) {
            return Some(Shape::Area(a.rect));
        }
        if let Some(s) = self.symbols.iter().find(|s| s.id == id) {
            return Some(Shape::Symbol(s.at));
        }
        if let Some(b) = self.badges.iter().find(|b| b.id == id) {
            return Some(Shape::Badge(b.at));
        }
        self.links
            .iter()
            .find(|l| l.id == id)
            .map(|l| Shape::Link(l.path()))
    }

    /// Where a path through `id` passes: an area's or symbol's centre, a badge, a link's middle.
    pub fn anchor_of(&self, id: Id) -> Option<Point> {
        Some(match self.shape_of(id)? {
            Shape::Area(r) => Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0),
            Shape::Symbol(p) | Shape::Badge(p) => p,
            Shape::Link(_) => {
                let l = self.links.iter().find(|l| l.id == id)?;
                match l.route {
                    // Where it leaves the trunk for its row: a traced flow follows the bundle.
                    Some(route) => route[OWN - 1],
                    None => Point::new((l.from.x + l.to.x) / 2.0, (l.from.y + l.to.y) / 2.0),
                }
            }
        })
    }

    /// Where the labels are drawn (areas' titles and address lines, symbols' names): what a
    /// traced flow keeps clear of first (`draw::flow`).
    pub fn labels(&self) -> Vec<Rect> {
        let mut out = Vec::with_capacity(self.regions.len() + self.vnets.len() * 2);
        for a in self.regions.iter().chain(&self.vnets).chain(&self.subnets) {
            let r = a.rect;
            let grown = a.title_font() / a.kind.font();
            let mut chars = a.name.chars().count().min(a.title_chars()) as f64;
            if a.detail_inline() {
                chars += 1.5 + a.detail.chars().count() as f64;
            }
            out.push(Rect::new(
                r.x + 8.0,
                r.y + a.name_y() - 11.0 * grown,
                chars * a.title_char_w() + 4.0,
                13.0 * grown,
            ));
            if let Some(y) = a.detail_y() {
                let grown = a.detail_font() / DETAIL_FONT;
                let w = a.detail.chars().count() as f64 * 5.7 * grown + 4.0;
                out.push(Rect::new(r.x + 8.0, r.y + y - 9.0 * grown, w, 12.0 * grown));
            }
        }
        for s in &self.symbols {
            let chars = s.name.chars().count().min(s.label_chars) as f64;
            let grown = s.label_font / LABEL_FONT;
            let w = chars * LABEL_CHAR_W * grown + 2.0;
            out.push(Rect::new(
                s.at.x - w / 2.0,
                s.at.y + s.label_y() - 8.0 * grown,
                w,
                9.0 * grown,
            ));
        }
        // The text as the browser lays it out reaches past these estimates (descenders, the
        // line box): a line kept clear of them must not graze the glyphs.
        for r in &mut out {
            *r = Rect::new(
                r.x - LABEL_CLEARANCE,
                r.y - LABEL_CLEARANCE,
                r.w + 2.0 * LABEL_CLEARANCE,
                r.h + 2.0 * LABEL_CLEARANCE,
            );
        }
        out
    }

    /// The boxes of the symbols and the policy badges: what a traced flow keeps clear of next.
    pub fn shapes(&self) -> Vec<Rect> {
        let (r, w, h) = (SYMBOL_RADIUS, BADGE_HALF_W, BADGE_HALF_H);
        let symbols = self.symbols.iter().map(|s| (s.at, r, r));
        let badges = self.badges.iter().map(|b| (b.at, w, h));
        symbols
            .chain(badges)
            .map(|(at, half_w, half_h)| {
                Rect::new(at.x - half_w, at.y - half_h, 2.0 * half_w, 2.0 * half_h)
            })
            .collect()
    }

    /// The elements drawn wholly inside `band` (a rubber-band selection), in drawing order.
    pub fn inside(&self, band: Rect) -> Vec<Id> {
        let holds = |r: Rect| {
            band.contains(Point::new(r.x, r.y)) && band.contains(Point::new(r.x + r.w, r.y + r.h))
        };
        let mut ids: Vec<Id> = self
            .regions
            .iter()
            .chain(&self.vnets)
            .chain(&self.subnets)
            .filter(|a| holds(a.rect))
            .map(|a| a.id)
            .collect();
        ids.extend(
            self.badges
                .iter()
                .filter(|b| band.contains(b.at))
                .map(|b| b.id),
        );
        ids.extend(
            self.symbols
                .iter()
                .filter(|s| band.contains(s.at))
                .map(|s| s.id),
        );
        ids
    }
}

/// Gives each symbol's label the room up to its nearest neighbour in the same row. In a row
/// where some name is cut so, every other label drops a line lower: a label then shares its
/// line only with the symbols two steps away, and has twice the room. Rows are found by one
/// sort, so the cost grows as n log n.
fn fit_labels(symbols: &mut [Symbol], label_font: f64) {
    /// The room of a label with no neighbour on its side.
    const ALONE: f64 = 120.0;
    let char_w = LABEL_CHAR_W * label_font / LABEL_FONT;
    let chars = |room: f64| ((room - 4.0) / char_w).floor().clamp(3.0, 24.0) as usize;
    let mut order: Vec<usize> = (0..symbols.len()).collect();
    order.sort_by(|&a, &b| {
        let (p, q) = (symbols[a].at, symbols[b].at);
        p.y.total_cmp(&q.y).then(p.x.total_cmp(&q.x))
    });
    let ys: Vec<f64> = symbols.iter().map(|s| s.at.y).collect();
    let xs: Vec<f64> = symbols.iter().map(|s| s.at.x).collect();
    let lengths: Vec<usize> = symbols.iter().map(|s| s.name.chars().count()).collect();
    for row in order.chunk_by(|&a, &b| (ys[b] - ys[a]).abs() < 1.0) {
        // The room up to the `step`-th neighbour on either side.
        let room = |k: usize, step: usize| {
            let x = xs[row[k]];
            let before = k.checked_sub(step).map(|j| x - xs[row[j]]);
            let after = row.get(k + step).map(|&j| xs[j] - x);
            before.into_iter().chain(after).fold(ALONE, f64::min)
        };
        let cut = (0..row.len()).any(|k| lengths[row[k]] > chars(room(k, 1)));
        for k in 0..row.len() {
            let s = &mut symbols[row[k]];
            s.label_dropped = cut && k % 2 == 1;
            s.label_chars = chars(room(k, if cut { 2 } else { 1 }));
        }
    }
}

fn join<T: ToString>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

/// Every link whose two ends are drawn, with its ends on the edges of what it joins; the
/// peerings of a hub with many are routed as a bundle, whose shared lines come second.
fn links(design: &Design) -> (Vec<Link>, Vec<Trunk>) {
    // Where a point-like element sits: devices, sites, circuits.
    let point_of = |id: Id| -> Option<Point> {
        design
            .gateway(id)
            .map(|g| g.layout)
            .or_else(|| design.site(id).map(|s| s.layout))
            .or_else(|| design.circuit(id).map(|c| c.layout))
    };
    // Devices, sites and circuits are points; the line stops at the symbol's edge.
    let between_points = |id, kind, label: String, ends, from: Option<Point>, to: Option<Point>| {
        let (from, to) = trim(from?, to?, SYMBOL_RADIUS);
        Some(Link {
            id,
            kind,
            label,
            from,
            to,
            ends,
            bend: 0.0,
            route: None,
        })
    };
    let mut links = Vec::new();

    for p in &design.peerings {
        let (Some(a), Some(b)) = (design.vnet(p.a), design.vnet(p.b)) else {
            continue;
        };
        let (from, to) = between_rects(a.layout, b.layout);
        let label = format!("Peering {}: {} to {}", p.name, a.name, b.name);
        links.push(Link {
            id: p.id,
            kind: LinkKind::Peering,
            label,
            from,
            to,
            ends: [p.a, p.b],
            bend: 0.0,
            route: None,
        });
    }
    for c in &design.circuits {
        let Some(site) = design.site(c.site) else {
            continue;
        };
        let label = format!("ExpressRoute circuit {} from {}", c.name, site.name);
        links.extend(between_points(
            c.id,
            LinkKind::ExpressRoute,
            label,
            [site.id, c.id],
            Some(site.layout),
            Some(c.layout),
        ));
    }
    for c in &design.connections {
        let kind = match c.kind {
            ConnectionKind::ExpressRoute { .. } => LinkKind::ExpressRoute,
            _ => LinkKind::Vpn,
        };
        let [a, b] = c.kind.ends();
        let label = format!(
            "{} {}: {} to {}",
            capitalised(c.kind.label()),
            c.name,
            design.name_of(a),
            design.name_of(b)
        );
        links.extend(between_points(
            c.id,
            kind,
            label,
            [a, b],
            point_of(a),
            point_of(b),
        ));
    }
    // A private endpoint's line to its cluster carries the endpoint's id, a zone's lines to its
    // VNets the zone's: the keyboard stops at the symbols, not at their lines too.
    for e in &design.private_endpoints {
        let Some(cluster) = design.cloud_hsm_cluster(e.target) else {
            continue;
        };
        let label = format!("Private link from {} to {}", e.name, cluster.name);
        links.extend(between_points(
            e.id,
            LinkKind::PrivateLink,
            label,
            [e.id, cluster.id],
            Some(e.layout),
            Some(cluster.layout),
        ));
    }
    for z in &design.private_dns_zones {
        for v in z.vnet_links.iter().filter_map(|v| design.vnet(*v)) {
            let to = exit_point(v.layout, z.layout);
            let (from, _) = trim(z.layout, to, SYMBOL_RADIUS);
            links.push(Link {
                id: z.id,
                kind: LinkKind::DnsLink,
                label: format!("DNS zone {} linked to {}", z.name, v.name),
                from,
                to,
                ends: [z.id, v.id],
                bend: 0.0,
                route: None,
            });
        }
    }
    arc_over_rows(&mut links);
    spread_parallel(&mut links);
    let trunks = bundle_peerings(design, &mut links);
    (links, trunks)
}

/// Routes the peerings of each VNet with at least `BUNDLE_MIN` of them as one bundle; a
/// peering between two such VNets goes with the one that has more.
fn bundle_peerings(design: &Design, links: &mut [Link]) -> Vec<Trunk> {
    let mut count: HashMap<Id, usize> = HashMap::new();
    for l in links.iter().filter(|l| l.kind == LinkKind::Peering) {
        for end in l.ends {
            *count.entry(end).or_default() += 1;
        }
    }
    // Each hub with the indexes of its peerings, in document order.
    let mut hubs: Vec<(Id, Vec<usize>)> = Vec::new();
    for (i, l) in links.iter().enumerate() {
        if l.kind != LinkKind::Peering {
            continue;
        }
        let [a, b] = l.ends;
        let hub = if count[&b] > count[&a] { b } else { a };
        if count[&hub] < BUNDLE_MIN {
            continue;
        }
        match hubs.iter_mut().find(|(h, _)| *h == hub) {
            Some((_, members)) => members.push(i),
            None => hubs.push((hub, vec![i])),
        }
    }
    let mut trunks = Vec::new();
    for (hub, members) in hubs {
        let Some(hub_rect) = design.vnet(hub).map(|v| v.layout) else {
            continue;
        };
        let spoke_of = |l: &Link| {
            if l.ends[0] == hub {
                l.ends[1]
            } else {
                l.ends[0]
            }
        };
        let spokes: Vec<Rect> = members
            .iter()
            .filter_map(|i| design.vnet(spoke_of(&links[*i])).map(|v| v.layout))
            .collect();
        if spokes.len() != members.len() {
            continue;
        }
        let routed = bundle::bundle(hub_rect, &spokes);
        for (i, route) in members.iter().zip(routed.routes) {
            let l = &mut links[*i];
            // Ends as the route runs: hub first.
            if l.ends[0] != hub {
                l.ends.swap(0, 1);
            }
            l.from = route[0];
            l.to = route[5];
            l.bend = 0.0;
            l.route = Some(route);
        }
        let points: Vec<Point> = routed.shared.iter().flatten().copied().collect();
        let path = routed.shared.iter().map(|line| polyline(line)).collect();
        trunks.push(Trunk {
            hub,
            path,
            peerings: members.len(),
            bounds: view::bounding_box(&points).unwrap_or(hub_rect),
        });
    }
    trunks
}

/// A long horizontal link (VNet-to-VNet between gateways in one row of regions) would run
/// through every symbol between its ends: lift it into an arc, higher the longer it is, so
/// that links of a full mesh stay apart.
fn arc_over_rows(links: &mut [Link]) {
    for l in links.iter_mut().filter(|l| l.kind != LinkKind::Peering) {
        let (dx, dy) = (l.to.x - l.from.x, l.to.y - l.from.y);
        if dy.abs() < 1.0 && dx.abs() > ARC_MIN_LENGTH {
            // Negative bends go up when the link runs left to right.
            l.bend = -dx.signum() * (dx.abs() * 0.12).min(120.0);
        }
    }
}

/// Bends links that join the same two points so that none hides another.
fn spread_parallel(links: &mut [Link]) {
    let key = |l: &Link| {
        let (a, b) = (l.from, l.to);
        let (a, b) = if (a.x, a.y) <= (b.x, b.y) {
            (a, b)
        } else {
            (b, a)
        };
        [a.x, a.y, b.x, b.y].map(|v| (v * 10.0).round() as i64)
    };
    for i in 0..links.len() {
        let same_before = (0..i).filter(|j| key(&links[*j]) == key(&links[i])).count();
        if same_before > 0 && links[i].bend == 0.0 {
            // 1, -1, 2, -2, ...: alternate sides, growing.
            let step = same_before.div_ceil(2) as f64;
            let side = if same_before % 2 == 1 { 1.0 } else { -1.0 };
            links[i].bend = side * step * BEND_STEP;
        }
    }
}

/// Moves both ends of a segment `r` towards each other (to a symbol's edge).
fn trim(a: Point, b: Point, r: f64) -> (Point, Point) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = dx.hypot(dy);
    if len <= 2.0 * r {
        return (a, b);
    }
    let (ux, uy) = (dx / len * r, dy / len * r);
    (
        Point::new(a.x + ux, a.y + uy),
        Point::new(b.x - ux, b.y - uy),
    )
}

fn centre(r: Rect) -> Point {
    Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0)
}

/// Where the segment from the rectangle's centre towards `towards` leaves the rectangle.
fn exit_point(r: Rect, towards: Point) -> Point {
    let c = centre(r);
    let (dx, dy) = (towards.x - c.x, towards.y - c.y);
    if dx == 0.0 && dy == 0.0 {
        return c;
    }
    let sx = if dx != 0.0 {
        (r.w / 2.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let sy = if dy != 0.0 {
        (r.h / 2.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let s = sx.min(sy).min(1.0);
    Point::new(c.x + dx * s, c.y + dy * s)
}

/// A line between two containers, from edge to edge along the line joining their centres.
fn between_rects(a: Rect, b: Rect) -> (Point, Point) {
    (exit_point(a, centre(b)), exit_point(b, centre(a)))
}

fn bounds(scene: &Scene) -> Rect {
    let mut min = Point::new(f64::INFINITY, f64::INFINITY);
    let mut max = Point::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut add = |p: Point| {
        min = Point::new(min.x.min(p.x), min.y.min(p.y));
        max = Point::new(max.x.max(p.x), max.y.max(p.y));
    };
    for area in scene
        .regions
        .iter()
        .chain(&scene.vnets)
        .chain(&scene.subnets)
    {
        let r = area.rect;
        add(Point::new(r.x, r.y));
        add(Point::new(r.x + r.w, r.y + r.h));
    }
    // Symbols carry a label below them.
    for s in &scene.symbols {
        add(Point::new(s.at.x - 40.0, s.at.y - SYMBOL_RADIUS));
        add(Point::new(s.at.x + 40.0, s.at.y + 26.0));
    }
    for b in &scene.badges {
        add(Point::new(b.at.x - BADGE_HALF_W, b.at.y - BADGE_HALF_H));
        add(Point::new(b.at.x + BADGE_HALF_W, b.at.y + BADGE_HALF_H));
    }
    if !min.x.is_finite() {
        return Rect::new(0.0, 0.0, 800.0, 500.0);
    }
    Rect::new(
        min.x - MARGIN,
        min.y - MARGIN,
        max.x - min.x + 2.0 * MARGIN,
        max.y - min.y + 2.0 * MARGIN,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsmnet_core::model::builder::Builder;
    use hsmnet_core::model::{ConnectionKind, SiteRoles};

    fn two_vnets_and_a_site() -> Design {
        let mut b = Builder::new("test");
        let r = b.region("westeurope");
        let hub = b.vnet(r, "hub", &["10.1.0.0/16"]);
        let gs = b.subnet(hub, "GatewaySubnet", "10.1.255.0/27");
        let hsm_vnet = b.vnet(r, "hsm", &["10.0.0.0/16"]);
        let hs = b.hsm_subnet(hsm_vnet, "hsm-subnet", "10.0.2.0/24");
        b.hsm(hs, "hsm<1>", "stamp1", None);
        let gw = b.vpn_gateway(gs, "gw", "VpnGw2AZ", None);
        let site = b.site(
            "dc",
            &["192.168.0.0/16"],
            Some("203.0.113.1"),
            SiteRoles::default(),
        );
        b.peering(hub, hsm_vnet);
        b.connection("s2s", ConnectionKind::SiteToSite { gateway: gw, site });
        b.connection("p2s", ConnectionKind::PointToSite { gateway: gw, site });
        b.finish()
    }

    #[test]
    fn every_element_is_drawn_with_its_name() {
        let scene = Scene::of(&two_vnets_and_a_site());
        assert_eq!(scene.regions.len(), 1);
        assert_eq!(scene.vnets.len(), 2);
        assert_eq!(scene.subnets.len(), 2);
        assert!(scene
            .subnets
            .iter()
            .any(|s| s.hsm_delegated && s.name == "hsm-subnet"));
        let hsm = scene
            .symbols
            .iter()
            .find(|s| s.kind == SymbolKind::Hsm)
            .unwrap();
        assert_eq!(
            hsm.name, "hsm<1>",
            "names are kept as they are; the view escapes them"
        );
        assert_eq!(scene.links.len(), 3);
        assert!(scene.links.iter().any(|l| l.kind == LinkKind::Peering));
    }

    #[test]
    fn the_bounds_hold_every_area_and_symbol() {
        let scene = Scene::of(&two_vnets_and_a_site());
        let b = scene.bounds;
        for a in scene
            .regions
            .iter()
            .chain(&scene.vnets)
            .chain(&scene.subnets)
        {
            assert!(b.contains(Point::new(a.rect.x, a.rect.y)), "{}", a.name);
            assert!(
                b.contains(Point::new(a.rect.x + a.rect.w, a.rect.y + a.rect.h)),
                "{}",
                a.name
            );
        }
        for s in &scene.symbols {
            assert!(b.contains(s.at), "{}", s.name);
        }
    }

    #[test]
    fn parallel_links_bend_apart_and_single_links_stay_straight() {
        let scene = Scene::of(&two_vnets_and_a_site());
        let vpn: Vec<&Link> = scene
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Vpn)
            .collect();
        assert_eq!(vpn.len(), 2);
        assert_eq!(vpn[0].bend, 0.0);
        assert_ne!(vpn[1].bend, 0.0);
        assert!(vpn[1].path().contains('Q'));
        let peering = scene
            .links
            .iter()
            .find(|l| l.kind == LinkKind::Peering)
            .unwrap();
        assert_eq!(peering.bend, 0.0);
        assert!(peering.path().contains('L'));
    }

    #[test]
    fn a_peering_runs_from_edge_to_edge() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let b = Rect::new(200.0, 0.0, 100.0, 50.0);
        let (from, to) = between_rects(a, b);
        assert_eq!((from.x, from.y), (100.0, 25.0));
        assert_eq!((to.x, to.y), (200.0, 25.0));
    }

    #[test]
    fn labels_drawn_larger_keep_clear_of_each_other_and_inside_the_titles_areas() {
        for preset in hsmnet_core::presets::ALL {
            let design =
                hsmnet_core::presets::build(preset.name, &hsmnet_core::presets::Size::default())
                    .unwrap();
            for font in [LABEL_FONT, 12.0, 16.0, 18.0] {
                let scene = Scene::at(&design, font);
                let areas = scene.regions.len() + scene.vnets.len() + scene.subnets.len();
                let labels = scene.labels();
                let vnet_lines = scene
                    .vnets
                    .iter()
                    .filter(|v| v.detail_y().is_some())
                    .count();
                // The boxes without the clearance `labels` keeps around each.
                let c = LABEL_CLEARANCE;
                let names: Vec<Rect> = labels[areas + vnet_lines..]
                    .iter()
                    .map(|r| Rect::new(r.x + c, r.y + c, r.w - 2.0 * c, r.h - 2.0 * c))
                    .collect();
                assert_eq!(names.len(), scene.symbols.len());
                for (i, a) in names.iter().enumerate() {
                    for (j, b) in names.iter().enumerate().skip(i + 1) {
                        assert!(
                            !a.overlaps(b),
                            "{} at {font}: {} and {} overlap",
                            preset.name,
                            scene.symbols[i].name,
                            scene.symbols[j].name
                        );
                    }
                    let s = &scene.symbols[i];
                    let r = SYMBOL_RADIUS;
                    let shape = Rect::new(s.at.x - r, s.at.y - r, 2.0 * r, 2.0 * r);
                    assert!(!a.overlaps(&shape), "{} at {font}: {}", preset.name, s.name);
                }
                for a in scene.subnets.iter().chain(&scene.vnets) {
                    // The title stays above the row of devices (38 below the top, 13 high).
                    assert!(
                        a.name_y() + 4.0 <= 25.0,
                        "{} at {font}: {}",
                        preset.name,
                        a.name
                    );
                }
            }
        }
    }

    #[test]
    fn labels_get_the_room_up_to_the_next_symbol_in_their_row() {
        let scene = Scene::of(&two_vnets_and_a_site());
        let site = scene
            .symbols
            .iter()
            .find(|s| s.kind == SymbolKind::Site)
            .unwrap();
        assert_eq!(site.label_chars, 21, "nothing beside it: (120 - 4) / 5.4");
        let mut design = two_vnets_and_a_site();
        let mut second = design.hsms[0].clone();
        second.id = design.next_id();
        second.layout.x += hsmnet_core::model::metrics::DEVICE_STEP;
        design.hsms.push(second);
        let scene = Scene::of(&design);
        let hsm = scene
            .symbols
            .iter()
            .find(|s| s.kind == SymbolKind::Hsm)
            .unwrap();
        assert_eq!(hsm.label_chars, 7, "(44 - 4) / 5.4: its name fits");
        assert!(!hsm.label_dropped);
    }

    #[test]
    fn in_a_crowded_row_every_other_label_drops_a_line_with_twice_the_room() {
        let mut design = two_vnets_and_a_site();
        let first = design.hsms[0].clone();
        design.hsms[0].name = "hsm-eastus-primary".into();
        for k in 1..3 {
            let mut next = first.clone();
            next.id = design.next_id();
            next.name = format!("hsm-eastus-{k}");
            next.layout.x += k as f64 * hsmnet_core::model::metrics::DEVICE_STEP;
            design.hsms.push(next);
        }
        let scene = Scene::of(&design);
        let hsms: Vec<&Symbol> = scene
            .symbols
            .iter()
            .filter(|s| s.kind == SymbolKind::Hsm)
            .collect();
        let dropped: Vec<bool> = hsms.iter().map(|s| s.label_dropped).collect();
        assert!(
            dropped[0] != dropped[1] && dropped[1] != dropped[2],
            "{dropped:?}"
        );
        assert!(
            hsms.iter().all(|s| s.label_chars >= 15),
            "at least (88 - 4) / 5.4 each"
        );
    }

    #[test]
    fn a_hub_with_many_peerings_has_them_bundled_and_a_hub_with_few_does_not() {
        use hsmnet_core::presets::{self, Size};
        let build = |spokes| {
            let size = Size {
                spokes: Some(spokes),
                ..Size::default()
            };
            Scene::of(&presets::build("hub-nva-proxy", &size).unwrap())
        };
        let few = build(2);
        assert!(few.trunks.is_empty());
        assert!(few.links.iter().all(|l| l.route.is_none()));
        let many = build(30);
        assert_eq!(many.trunks.len(), 1);
        let hub = many.trunks[0].hub;
        let bundled: Vec<&Link> = many.links.iter().filter(|l| l.route.is_some()).collect();
        assert!(bundled.len() >= 30);
        for l in bundled {
            let route = l.route.unwrap();
            // Ends as the route runs, hub first; the path and the own part follow the route.
            assert_eq!(l.ends[0], hub);
            assert_eq!((l.from, l.to), (route[0], route[5]));
            assert_eq!(l.path(), polyline(&route));
            assert_eq!(l.own_path(), polyline(&route[OWN..]));
        }
    }

    #[test]
    fn a_long_link_along_a_row_arcs_upwards() {
        let mut links = vec![Link {
            id: Id(1),
            kind: LinkKind::Vpn,
            label: String::new(),
            from: Point::new(0.0, 100.0),
            to: Point::new(500.0, 100.0),
            ends: [Id(2), Id(3)],
            bend: 0.0,
            route: None,
        }];
        arc_over_rows(&mut links);
        assert_eq!(links[0].bend, -60.0);
        // The curve's control point is above the row (smaller y).
        let path = links[0].path();
        let control_y: f64 = path.split(['Q', ' ']).nth(3).unwrap().parse().unwrap();
        assert!(control_y < 100.0, "{path}");
    }

    #[test]
    fn links_to_missing_elements_are_not_drawn() {
        let mut design = two_vnets_and_a_site();
        design.sites.clear();
        let scene = Scene::of(&design);
        assert!(scene.links.iter().all(|l| l.kind == LinkKind::Peering));
    }

    #[test]
    fn shapes_and_band_selection_find_what_is_drawn() {
        let design = two_vnets_and_a_site();
        let scene = Scene::of(&design);
        let vnet = &scene.vnets[0];
        assert_eq!(scene.shape_of(vnet.id), Some(Shape::Area(vnet.rect)));
        let site = design.sites[0].id;
        assert_eq!(
            scene.shape_of(site),
            Some(Shape::Symbol(design.sites[0].layout))
        );
        let peering = design.peerings[0].id;
        assert!(matches!(scene.shape_of(peering), Some(Shape::Link(_))));
        assert_eq!(scene.shape_of(Id(999_999)), None);
        let r = vnet.rect;
        let band = Rect::new(r.x - 1.0, r.y - 1.0, r.w + 2.0, r.h + 2.0);
        let inside = scene.inside(band);
        assert!(inside.contains(&vnet.id));
        assert!(
            !inside.contains(&scene.regions[0].id),
            "the region is only partly inside"
        );
        assert!(!inside.contains(&site));
    }

    #[test]
    fn a_traced_path_passes_through_centres_and_link_middles() {
        let design = two_vnets_and_a_site();
        let scene = Scene::of(&design);
        let r = scene.vnets[0].rect;
        assert_eq!(
            scene.anchor_of(scene.vnets[0].id),
            Some(Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0))
        );
        assert_eq!(
            scene.anchor_of(design.sites[0].id),
            Some(design.sites[0].layout)
        );
        let link = scene
            .links
            .iter()
            .find(|l| l.id == design.peerings[0].id)
            .unwrap();
        assert_eq!(
            scene.anchor_of(link.id),
            Some(Point::new(
                (link.from.x + link.to.x) / 2.0,
                (link.from.y + link.to.y) / 2.0
            ))
        );
        assert_eq!(scene.anchor_of(Id(999_999)), None);
    }

    #[test]
    fn links_know_their_ends() {
        let design = two_vnets_and_a_site();
        let scene = Scene::of(&design);
        let p = &design.peerings[0];
        let link = scene.links.iter().find(|l| l.id == p.id).unwrap();
        assert_eq!(link.ends, [p.a, p.b]);
    }

    #[test]
    fn an_empty_design_still_has_a_view() {
        let scene = Scene::of(&Design::new("empty"));
        assert!(scene.bounds.w > 0.0 && scene.bounds.h > 0.0);
    }

    #[test]
    fn endpoints_and_zones_are_linked_to_their_cluster_and_vnets() {
        let d = hsmnet_core::presets::build("cloud-hsm", &Default::default()).unwrap();
        let scene = Scene::of(&d);
        let endpoint = &d.private_endpoints[0];
        let zone = &d.private_dns_zones[0];
        let private: Vec<&Link> = scene
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::PrivateLink)
            .collect();
        assert_eq!(private.len(), 1);
        assert_eq!(private[0].ends, [endpoint.id, endpoint.target]);
        assert_eq!(private[0].id, endpoint.id, "the endpoint's own line");
        let dns: Vec<&Link> = scene
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::DnsLink)
            .collect();
        assert_eq!(dns.len(), zone.vnet_links.len());
        for (link, vnet) in dns.iter().zip(&zone.vnet_links) {
            assert_eq!(link.ends, [zone.id, *vnet]);
            let r = d.vnet(*vnet).unwrap().layout;
            let on_edge = (link.to.x - r.x).abs() < 0.01
                || (link.to.x - r.x - r.w).abs() < 0.01
                || (link.to.y - r.y).abs() < 0.01
                || (link.to.y - r.y - r.h).abs() < 0.01;
            assert!(on_edge, "{:?} ends on the edge of {r:?}", link.to);
        }
    }

    #[test]
    fn retirable_elements_are_marked_and_others_not() {
        let mut d = two_vnets_and_a_site();
        let hsm = d.hsms[0].id;
        let subnet = d.hsms[0].subnet;
        let scene = Scene::of(&d);
        assert!(scene.symbols.iter().all(|s| !s.retirable));
        d.retirable = vec![subnet, hsm];
        let scene = Scene::of(&d);
        let marked: Vec<Id> = scene
            .symbols
            .iter()
            .filter(|s| s.retirable)
            .map(|s| s.id)
            .chain(scene.subnets.iter().filter(|a| a.retirable).map(|a| a.id))
            .collect();
        assert_eq!(marked, vec![hsm, subnet]);
        assert!(scene.vnets.iter().all(|v| !v.retirable));
    }
}
