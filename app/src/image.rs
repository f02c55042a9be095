//! The diagram as a standalone SVG document, for the SVG and PNG downloads: the whole scene
//! (not the part of it the canvas has on the page, nor at its level of detail), drawn with the
//! same classes as the canvas and the page's own style rules, so that it looks like the canvas.
//! Unlike the canvas it shows every label in full, keeps the light theme whatever the viewer's
//! preference, names the page's fonts (an SVG outside the page would fall back to a serif), and
//! carries the findings marks only when asked to.
//!
//! Pure, tested natively: everything goes through [`xml::Writer`], so the file is well-formed
//! XML whatever a design's names hold. `files.rs` gathers the style rules and the font stack
//! from the page and turns the document into a PNG.

use crate::decimal::{self, decimal};
use crate::scene::{
    mark_spot, Area, AreaKind, Badge, BadgeKind, Link, Part, Scene, Shape, Symbol, Trunk,
};
use crate::xml::Writer;
use hsmnet_core::migrate::Change;
use hsmnet_core::model::Point;
use hsmnet_core::{Id, Severity};
use std::collections::BTreeMap;

/// What the image is made with besides the scene.
pub struct Look<'a> {
    /// The page's style rules, without those for a dark preference (`files::light_style_rules`).
    pub style: &'a str,
    /// The page's font stack, as CSS (`system-ui, "Segoe UI", sans-serif`).
    pub font: &'a str,
    /// The findings marks to draw: the worst severity on each element and how many findings
    /// it has. Empty: none.
    pub marks: &'a BTreeMap<Id, (Severity, usize)>,
    /// What a migration plan changes, outlined by kind (`migrate::Diff::highlights`). Empty:
    /// nothing.
    pub highlights: &'a [(Id, Change)],
}

/// The image's size in pixels at one pixel per canvas unit: the scene's bounds.
pub fn size(scene: &Scene) -> (f64, f64) {
    (scene.bounds.w.ceil(), scene.bounds.h.ceil())
}

/// The SVG document of `scene`.
pub fn svg(scene: &Scene, look: &Look) -> String {
    let b = scene.bounds;
    let (w, h) = size(scene);
    let mut out = Writer::new();
    out.start(
        "svg",
        &[
            attr("xmlns", "http://www.w3.org/2000/svg"),
            attr("width", decimal(w, 1)),
            attr("height", decimal(h, 1)),
            attr(
                "viewBox",
                format!(
                    "{} {} {} {}",
                    decimal(b.x, 1),
                    decimal(b.y, 1),
                    decimal(w, 1),
                    decimal(h, 1)
                ),
            ),
        ],
    );
    out.start("style", &[]);
    out.text(look.style);
    // After the page's rules, so these win: light whatever the viewer prefers, the page's
    // fonts, a backdrop as the canvas has.
    out.text(&format!(
        "\n:root {{ color-scheme: light; }}\n.canvas {{ font-family: {}; }}\n.backdrop {{ fill: var(--bg); }}\n",
        look.font
    ));
    out.end("style");
    out.empty(
        "rect",
        &[
            attr("class", "backdrop"),
            attr("x", decimal(b.x, 1)),
            attr("y", decimal(b.y, 1)),
            attr("width", decimal(w, 1)),
            attr("height", decimal(h, 1)),
        ],
    );
    out.start("g", &[attr("class", "canvas")]);
    layer(&mut out, "regions", |out| {
        scene.regions.iter().for_each(|a| area(out, a))
    });
    layer(&mut out, "links peerings", |out| {
        scene.trunks.iter().for_each(|t| trunk(out, t));
        let peerings = scene.links.iter().filter(|l| is_peering(l));
        peerings.for_each(|l| link(out, l));
    });
    layer(&mut out, "vnets", |out| {
        scene.vnets.iter().for_each(|a| area(out, a))
    });
    layer(&mut out, "subnets", |out| {
        scene.subnets.iter().for_each(|a| area(out, a))
    });
    layer(&mut out, "badges", |out| {
        scene.badges.iter().for_each(|b| badge(out, b))
    });
    layer(&mut out, "links", |out| {
        let others = scene.links.iter().filter(|l| !is_peering(l));
        others.for_each(|l| link(out, l));
    });
    layer(&mut out, "symbols", |out| {
        scene.symbols.iter().for_each(|s| symbol(out, s))
    });
    if !look.marks.is_empty() {
        layer(&mut out, "overlay", |out| marks(out, scene, look.marks));
    }
    if !look.highlights.is_empty() {
        layer(&mut out, "highlights", |out| {
            highlights(out, scene, look.highlights)
        });
    }
    out.end("g");
    out.end("svg");
    out.finish()
}

fn attr(key: &str, value: impl Into<String>) -> (String, String) {
    (key.to_string(), value.into())
}

fn translate(at: Point) -> (String, String) {
    attr("transform", decimal::translate(at.x, at.y))
}

fn is_peering(l: &Link) -> bool {
    l.kind == crate::scene::LinkKind::Peering
}

fn layer(out: &mut Writer, class: &str, draw: impl FnOnce(&mut Writer)) {
    out.start("g", &[attr("class", class)]);
    draw(out);
    out.end("g");
}

fn titled(out: &mut Writer, title: &str) {
    out.start("title", &[]);
    out.text(title);
    out.end("title");
}

fn text(out: &mut Writer, attributes: &[(String, String)], content: &str) {
    out.start("text", attributes);
    out.text(content);
    out.end("text");
}

/// A container as `AreaBox` draws it, with its name in full.
fn area(out: &mut Writer, a: &Area) {
    let r = a.rect;
    let class = match a.hsm_delegated {
        true => format!("area {} hsm-delegated", a.kind.class()),
        false => format!("area {}", a.kind.class()),
    };
    let (corner, name_y) = match a.kind {
        AreaKind::Region => (14.0, 21.0),
        AreaKind::Vnet => (8.0, 15.0),
        AreaKind::Subnet => (4.0, 14.0),
    };
    out.start("g", &[attr("class", class)]);
    titled(
        out,
        &format!("{} {} ({})", a.kind.label(), a.name, a.detail),
    );
    out.empty(
        "rect",
        &[
            attr("x", decimal(r.x, 1)),
            attr("y", decimal(r.y, 1)),
            attr("width", decimal(r.w, 1)),
            attr("height", decimal(r.h, 1)),
            attr("rx", decimal(corner, 1)),
        ],
    );
    let x = attr("x", decimal(r.x + 10.0, 1));
    out.start(
        "text",
        &[
            attr("class", "area-name"),
            x.clone(),
            attr("y", decimal(r.y + name_y, 1)),
        ],
    );
    out.text(&a.name);
    if a.kind != AreaKind::Vnet {
        out.start("tspan", &[attr("class", "area-detail"), attr("dx", "8")]);
        out.text(&a.detail);
        out.end("tspan");
    }
    out.end("text");
    if a.kind == AreaKind::Vnet {
        let y = attr("y", decimal(r.y + 27.0, 1));
        text(out, &[attr("class", "area-detail"), x, y], &a.detail);
    }
    out.end("g");
}

/// The shared lines of a bundle.
fn trunk(out: &mut Writer, t: &Trunk) {
    out.start("g", &[attr("class", "link peering trunk")]);
    out.empty(
        "path",
        &[attr("class", "shared"), attr("d", t.path.as_str())],
    );
    out.end("g");
}

/// A link as `LinkPath` draws it at rest: a bundled peering by its own stretch.
fn link(out: &mut Writer, l: &Link) {
    let (class, path_class, d) = match l.route {
        Some(_) => (
            format!("link {} bundled", l.kind.class()),
            "own",
            l.own_path(),
        ),
        None => (format!("link {}", l.kind.class()), "line", l.path()),
    };
    out.start("g", &[attr("class", class)]);
    titled(out, &l.label);
    out.empty("path", &[attr("class", path_class), attr("d", d)]);
    out.end("g");
}

fn badge(out: &mut Writer, b: &Badge) {
    let (class, label) = match b.kind {
        BadgeKind::Nsg => ("badge nsg", "NSG"),
        BadgeKind::RouteTable => ("badge route-table", "RT"),
    };
    out.start("g", &[attr("class", class), translate(b.at)]);
    titled(out, &b.name);
    out.empty(
        "rect",
        &[
            attr("x", "-14"),
            attr("y", "-7.5"),
            attr("width", "28"),
            attr("height", "15"),
            attr("rx", "7.5"),
        ],
    );
    text(
        out,
        &[attr("y", "3.5"), attr("text-anchor", "middle")],
        label,
    );
    out.end("g");
}

/// A symbol as `SymbolMark` draws it, with its name in full.
fn symbol(out: &mut Writer, s: &Symbol) {
    out.start(
        "g",
        &[
            attr("class", format!("symbol {}", s.kind.class())),
            translate(s.at),
        ],
    );
    titled(out, &format!("{} {}: {}", s.kind.label(), s.name, s.detail));
    for part in s.kind.glyph() {
        glyph_part(out, part);
    }
    // The canvas cuts a name longer than the room before the next symbol; the image shows it
    // whole: on two lines, smaller as far as needed, so that neighbours do not run together.
    // Where the canvas has it: below the symbol, a line lower in a crowded row.
    let y = s.label_y();
    let (lines, fit) = label_lines(&s.name, s.label_chars);
    let mut placed = format!("translate(0 {})", decimal(y, 1));
    if fit < 1.0 {
        placed.push_str(&format!(" scale({})", decimal(fit, 2)));
    }
    out.start("g", &[attr("transform", placed)]);
    for (i, line) in lines.iter().enumerate() {
        let name = [
            attr("class", "symbol-name"),
            attr("y", decimal(i as f64 * LINE_HEIGHT, 1)),
            attr("text-anchor", "middle"),
        ];
        text(out, &name, line);
    }
    out.end("g");
    out.end("g");
}

/// The smallest a symbol's name is drawn at, as a fraction of its size: smaller is unreadable.
const SMALLEST_LABEL: f64 = 0.6;
/// A name on one line shrunk to this or more stays on one line.
const ONE_LINE_AT_LEAST: f64 = 0.8;
/// Canvas units between the two lines of a name (its font is 8 units).
const LINE_HEIGHT: f64 = 8.5;

/// A symbol's name laid out in the room of `room_chars` characters: on one line, or broken
/// after a hyphen, underscore, dot or space into two lines as even as can be, and how much it
/// must shrink for its longest line to fit (not below `SMALLEST_LABEL`).
fn label_lines(name: &str, room_chars: usize) -> (Vec<String>, f64) {
    let fit =
        |longest: usize| (room_chars as f64 / longest.max(1) as f64).clamp(SMALLEST_LABEL, 1.0);
    let chars: Vec<char> = name.chars().collect();
    let one_line = fit(chars.len());
    if one_line >= ONE_LINE_AT_LEAST {
        return (vec![name.to_string()], one_line);
    }
    let longest_of = |i: usize| i.max(chars.len() - i);
    let best_break = (1..chars.len())
        .filter(|i| matches!(chars[i - 1], '-' | '_' | '.' | ' '))
        .min_by_key(|i| longest_of(*i));
    match best_break {
        Some(i) if fit(longest_of(i)) > one_line => {
            let first: String = chars[..i].iter().collect();
            let second: String = chars[i..].iter().collect();
            (vec![first, second], fit(longest_of(i)))
        }
        _ => (vec![name.to_string()], one_line),
    }
}

fn glyph_part(out: &mut Writer, part: &Part) {
    match *part {
        Part::Rect {
            class,
            x,
            y,
            w,
            h,
            rx,
        } => out.empty(
            "rect",
            &[
                attr("class", class),
                attr("x", decimal(x, 1)),
                attr("y", decimal(y, 1)),
                attr("width", decimal(w, 1)),
                attr("height", decimal(h, 1)),
                attr("rx", decimal(rx, 1)),
            ],
        ),
        Part::Circle { class, cx, cy, r } => out.empty(
            "circle",
            &[
                attr("class", class),
                attr("cx", decimal(cx, 1)),
                attr("cy", decimal(cy, 1)),
                attr("r", decimal(r, 1)),
            ],
        ),
        Part::Path { class, d } => out.empty("path", &[attr("class", class), attr("d", d)]),
        Part::Text { class, y, text: t } => text(
            out,
            &[
                attr("class", class),
                attr("y", decimal(y, 1)),
                attr("text-anchor", "middle"),
            ],
            t,
        ),
    }
}

/// The outline of each highlighted element, its class the kind of change (`highlight added`).
fn highlights(out: &mut Writer, scene: &Scene, changes: &[(Id, Change)]) {
    for (id, change) in changes {
        let class = attr("class", format!("highlight {}", change.label()));
        match scene.shape_of(*id) {
            Some(Shape::Area(r)) => out.empty(
                "rect",
                &[
                    class,
                    attr("x", decimal(r.x - 2.0, 1)),
                    attr("y", decimal(r.y - 2.0, 1)),
                    attr("width", decimal(r.w + 4.0, 1)),
                    attr("height", decimal(r.h + 4.0, 1)),
                    attr("rx", "6"),
                ],
            ),
            Some(Shape::Symbol(p)) => out.empty(
                "circle",
                &[
                    class,
                    attr("cx", decimal(p.x, 1)),
                    attr("cy", decimal(p.y, 1)),
                    attr("r", "18"),
                ],
            ),
            Some(Shape::Badge(p)) => out.empty(
                "rect",
                &[
                    class,
                    attr("x", decimal(p.x - 17.0, 1)),
                    attr("y", decimal(p.y - 10.5, 1)),
                    attr("width", "34"),
                    attr("height", "21"),
                    attr("rx", "10.5"),
                ],
            ),
            Some(Shape::Link(_)) | None => {}
        }
    }
}

/// The findings marks, as the canvas's overlay draws them.
fn marks(out: &mut Writer, scene: &Scene, worst: &BTreeMap<Id, (Severity, usize)>) {
    for (id, (severity, count)) in worst {
        let Some(at) = scene.shape_of(*id).as_ref().and_then(mark_spot) else {
            continue;
        };
        let severity = match severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        out.start(
            "g",
            &[attr("class", format!("mark {severity}")), translate(at)],
        );
        out.empty("circle", &[attr("r", "6.5")]);
        let count = if *count > 9 {
            "9+".to_string()
        } else {
            count.to_string()
        };
        text(
            out,
            &[attr("y", "3"), attr("text-anchor", "middle")],
            &count,
        );
        out.end("g");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsmnet_core::model::builder::Builder;
    use hsmnet_core::presets::{self, Size};

    const STYLE: &str = ".hsm .shape { fill: var(--hsm); }";
    const FONT: &str = "system-ui, \"Segoe UI\", sans-serif";

    fn image(scene: &Scene, marks: &BTreeMap<Id, (Severity, usize)>) -> String {
        svg(
            scene,
            &Look {
                highlights: &[],
                style: STYLE,
                font: FONT,
                marks,
            },
        )
    }

    #[test]
    fn every_preset_gives_a_well_formed_image_of_its_whole_scene() {
        for preset in presets::ALL {
            let design = presets::build(preset.name, &Size::default()).unwrap();
            let scene = Scene::of(&design);
            let doc = image(&scene, &BTreeMap::new());
            crate::xml::tests::well_formed(&doc).unwrap_or_else(|e| panic!("{}: {e}", preset.name));
            let (w, h) = size(&scene);
            assert!(doc.contains(&format!(
                "width=\"{}\" height=\"{}\"",
                decimal(w, 1),
                decimal(h, 1)
            )));
            // Every element of the scene, with its name in full (a symbol's maybe on two lines).
            for name in scene.vnets.iter().map(|a| &a.name) {
                assert!(
                    doc.contains(&format!(">{name}<")),
                    "{}: {name} missing",
                    preset.name
                );
            }
            for s in &scene.symbols {
                let (lines, _) = label_lines(&s.name, s.label_chars);
                assert_eq!(lines.concat(), s.name);
                let drawn = lines
                    .iter()
                    .map(|l| format!(">{l}</text>"))
                    .collect::<Vec<_>>();
                assert!(
                    drawn.iter().all(|l| doc.contains(l.as_str())),
                    "{}: {} missing",
                    preset.name,
                    s.name
                );
            }
            let groups = doc.matches("<g class=\"symbol ").count();
            assert_eq!(groups, scene.symbols.len());
        }
    }

    #[test]
    fn light_theme_page_fonts_and_no_marks_unless_asked() {
        let design = presets::build("single-vnet", &Size::default()).unwrap();
        let scene = Scene::of(&design);
        let plain = image(&scene, &BTreeMap::new());
        assert!(plain.contains(":root { color-scheme: light; }"));
        assert!(
            plain.contains(".canvas { font-family: system-ui, &quot;Segoe UI&quot;, sans-serif; }")
        );
        assert!(!plain.contains("prefers-color-scheme"));
        assert!(!plain.contains("class=\"mark"));
        let hsm = design.hsms[0].id;
        let marks = BTreeMap::from([(hsm, (Severity::Error, 12))]);
        let marked = image(&scene, &marks);
        assert!(marked.contains("<g class=\"mark error\""), "{marked}");
        assert!(marked.contains(">9+</text>"));
    }

    #[test]
    fn long_names_are_shown_in_full() {
        let long = "a-very-long-virtual-network-name-that-the-canvas-would-cut-short";
        let mut b = Builder::new("test");
        let r = b.region("westeurope");
        let v = b.vnet(r, long, &["10.1.0.0/16"]);
        let s = b.hsm_subnet(v, "hsm-subnet-with-a-long-name-too", "10.1.1.0/24");
        b.hsm(s, "an-hsm-with-a-name-longer-than-its-slot", "1", None);
        let scene = Scene::of(&b.finish());
        let doc = image(&scene, &BTreeMap::new());
        for name in [long, "hsm-subnet-with-a-long-name-too"] {
            assert!(doc.contains(&format!(">{name}<")), "{name} cut in {doc}");
        }
        // The HSM's name, alone in its subnet, on two lines.
        assert!(doc.contains(">an-hsm-with-a-name-</text>"), "{doc}");
        assert!(doc.contains(">longer-than-its-slot</text>"), "{doc}");
        assert!(!doc.contains('…'));
    }

    #[test]
    fn a_name_longer_than_its_room_shrinks_to_fit_but_not_below_the_floor() {
        let lines = |name, room| {
            let (lines, fit) = label_lines(name, room);
            (lines.join("|"), (fit * 100.0).round() / 100.0)
        };
        assert_eq!(lines("hsm1", 7), ("hsm1".into(), 1.0));
        assert_eq!(lines("nva-proxy", 8), ("nva-proxy".into(), 0.89));
        assert_eq!(lines("nva-proxy-1", 7), ("nva-|proxy-1".into(), 1.0));
        assert_eq!(
            lines("hsm-ergw-westeurope", 7),
            ("hsm-ergw-|westeurope".into(), 0.7)
        );
        assert_eq!(
            lines("nobreakinthislongname", 7),
            ("nobreakinthislongname".into(), SMALLEST_LABEL)
        );
        assert_eq!(
            lines("a-name-far-too-long-for-its-room", 7).1,
            SMALLEST_LABEL
        );
        let design = presets::build("hub-nva-proxy", &Size::default()).unwrap();
        let doc = image(&Scene::of(&design), &BTreeMap::new());
        // In the crowded row of the load balancer and its two NVAs, the middle name drops a
        // line and has room for itself whole.
        assert!(
            doc.contains(
                "<g transform=\"translate(0 34)\"><text class=\"symbol-name\" y=\"0\" text-anchor=\"middle\">nva-proxy-1<"
            ),
            "{doc}"
        );
    }

    #[test]
    fn hostile_names_stay_well_formed() {
        let hostile = "hsm\u{1b}[2J\u{0}<script>&\"'\u{FFFE}";
        let mut b = Builder::new("test");
        let r = b.region("westeurope");
        let v = b.vnet(r, hostile, &["10.1.0.0/16"]);
        let s = b.hsm_subnet(v, hostile, "10.1.1.0/24");
        b.hsm(s, hostile, "1", None);
        let scene = Scene::of(&b.finish());
        let doc = image(&scene, &BTreeMap::new());
        crate::xml::tests::well_formed(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
        assert!(!doc.contains("<script>"));
    }

    #[test]
    fn a_bundle_is_drawn_at_rest_by_its_trunk_and_each_peering_s_own_stretch() {
        let design = presets::build(
            "hub-nva-proxy",
            &Size {
                spokes: Some(20),
                ..Size::default()
            },
        )
        .unwrap();
        let scene = Scene::of(&design);
        assert_eq!(scene.trunks.len(), 1);
        let doc = image(&scene, &BTreeMap::new());
        assert_eq!(doc.matches("class=\"link peering trunk\"").count(), 1);
        let bundled = scene.links.iter().filter(|l| l.route.is_some()).count();
        assert!(bundled >= 20, "{bundled} bundled");
        assert_eq!(doc.matches("<path class=\"own\"").count(), bundled);
    }
}
