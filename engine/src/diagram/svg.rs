//! The diagram as SVG text: one standalone document ([`render`], for files
//! and the PNG) and the report's figure ([`figure_html`]), which for large
//! designs adds an overview/100 % switch that works without script.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{ARROW_LEN, Diagram, LABEL_FONT_PX, Point, Rect, layout, text_width};
use crate::Design;
use crate::model::{EdgeKind, NodeKind};

/// Node count above which the report shows an overview with a zoom switch.
pub const LARGE_DESIGN_NODES: usize = 60;
/// Font size of node names.
const NAME_FONT_PX: f64 = 13.0;
/// Fonts tried in order; the PNG renderer embeds the ones it names.
const FONT_FAMILY: &str = "Ubuntu, DejaVu Sans, Noto Sans, Segoe UI, Helvetica, Arial, sans-serif";

/// Colour theme of the drawing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on a light background.
    #[default]
    Light,
    /// Light text on a dark background.
    Dark,
}

/// A short note under a node's name (such as its utilization), with its colour.
#[derive(Clone, Debug)]
pub struct Note {
    /// The text, e.g. "ρ 0.42".
    pub text: String,
    /// CSS colour of the text.
    pub color: String,
}

impl Note {
    /// "ρ 0.42" in the utilization's colour for `theme`: green when calm,
    /// amber when hot, red when overloaded (the estimate's thresholds).
    #[must_use]
    pub fn utilization(rho: f64, theme: Theme) -> Self {
        let dark = theme == Theme::Dark;
        let color = if !rho.is_finite() || rho >= 1.0 {
            if dark { "#f87171" } else { "#b91c1c" }
        } else if rho >= crate::capacity::HOT {
            if dark { "#fb923c" } else { "#c2410c" }
        } else if dark {
            "#4ade80"
        } else {
            "#15803d"
        };
        let text = if rho < 10.0 { format!("ρ {rho:.2}") } else { "ρ ≥ 10".to_owned() };
        Self { text, color: color.to_owned() }
    }
}

/// What to draw besides the design.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Colours.
    pub theme: Theme,
    /// Notes by node index.
    pub node_notes: BTreeMap<usize, Note>,
    /// Relative traffic (0–1) by edge index: thicker lines carry more.
    pub edge_weights: BTreeMap<usize, f64>,
    /// Extra tooltip text by edge index (e.g. "1,234 calls").
    pub edge_details: BTreeMap<usize, String>,
}

struct Palette {
    background: &'static str,
    text: &'static str,
    weak: &'static str,
    group_fill: &'static str,
    label_fill: &'static str,
    dark: bool,
}

impl Palette {
    fn of(theme: Theme) -> Self {
        match theme {
            Theme::Light => Self {
                background: "#f8f9fb",
                text: "#141414",
                weak: "#5f6368",
                group_fill: "#eef1f5",
                label_fill: "#f8f9fb",
                dark: false,
            },
            Theme::Dark => Self {
                background: "#181a1f",
                text: "#ebebeb",
                weak: "#a0a4ab",
                group_fill: "#20232a",
                label_fill: "#181a1f",
                dark: true,
            },
        }
    }

    fn edge(&self, kind: EdgeKind) -> &'static str {
        match (kind, self.dark) {
            (EdgeKind::Call, true) => "#94a3b8",
            (EdgeKind::Call, false) => "#475569",
            (EdgeKind::Event | EdgeKind::Subscription, true) => "#2dd4bf",
            (EdgeKind::Event | EdgeKind::Subscription, false) => "#0d9488",
            (EdgeKind::Signal, true) => "#4ade80",
            (EdgeKind::Signal, false) => "#16a34a",
        }
    }

    /// The kind colour washed into the background, as on the canvas.
    fn fill(&self, kind: NodeKind) -> String {
        let (bg, t) = if self.dark { ((30, 33, 40), 0.22) } else { ((255, 255, 255), 0.10) };
        let (r, g, b) = kind_rgb(kind);
        let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
        format!("#{:02x}{:02x}{:02x}", mix(bg.0, r), mix(bg.1, g), mix(bg.2, b))
    }
}

/// Accent colour of a node kind (the canvas's).
fn kind_rgb(kind: NodeKind) -> (u8, u8, u8) {
    match kind {
        NodeKind::Service => (59, 130, 246),
        NodeKind::Gateway => (139, 92, 246),
        NodeKind::Database => (217, 119, 6),
        NodeKind::Cache => (225, 29, 72),
        NodeKind::Broker => (13, 148, 136),
        NodeKind::Client => (100, 116, 139),
        NodeKind::Receiver => (22, 163, 74),
        NodeKind::Registry => (192, 38, 211),
    }
}

fn kind_color(kind: NodeKind) -> String {
    let (r, g, b) = kind_rgb(kind);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Human name of a node kind.
fn kind_label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Service => "service",
        NodeKind::Gateway => "API gateway",
        NodeKind::Database => "database",
        NodeKind::Cache => "cache",
        NodeKind::Broker => "message broker",
        NodeKind::Client => "client",
        NodeKind::Receiver => "signal receiver",
        NodeKind::Registry => "service registry",
    }
}

fn dash(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Call => "",
        EdgeKind::Event | EdgeKind::Subscription => r#" stroke-dasharray="7 4""#,
        EdgeKind::Signal => r#" stroke-dasharray="2 4" stroke-linecap="round""#,
    }
}

/// Escape text for XML, dropping control characters XML cannot hold.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut with an ellipsis to fit `width` at `font_px`.
fn fit(text: &str, font_px: f64, width: f64) -> String {
    if text_width(text, font_px) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if text_width(&out, font_px) + text_width("…", font_px) > width {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// The outline of a node kind's shape inside `r`; every shape passes through
/// the middle of each side of `r`, where lines end.
fn shape(kind: NodeKind, r: &Rect, fill: &str, stroke: &str) -> String {
    let (x, y, w, h) = (r.min.x, r.min.y, r.width(), r.height());
    let attrs = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="1.5""#);
    match kind {
        NodeKind::Gateway => {
            let c = (h / 2.0).min(14.0);
            format!(
                r#"<path d="M{:.1},{y:.1}H{:.1}L{:.1},{:.1}L{:.1},{:.1}H{:.1}L{x:.1},{:.1}Z" {attrs}/>"#,
                x + c,
                x + w - c,
                x + w,
                y + h / 2.0,
                x + w - c,
                y + h,
                x + c,
                y + h / 2.0
            )
        }
        NodeKind::Database => {
            let e = (h / 7.0).min(9.0);
            format!(
                r#"<path d="M{x:.1},{:.1}A{:.1},{e:.1} 0 0 1 {:.1},{:.1}V{:.1}A{:.1},{e:.1} 0 0 1 {x:.1},{:.1}Z" {attrs}/><path d="M{x:.1},{:.1}A{:.1},{e:.1} 0 0 0 {:.1},{:.1}" fill="none" stroke="{stroke}" stroke-width="1.2"/>"#,
                y + e,
                w / 2.0,
                x + w,
                y + e,
                y + h - e,
                w / 2.0,
                y + h - e,
                y + e,
                w / 2.0,
                x + w,
                y + e
            )
        }
        NodeKind::Cache => {
            let c = 10.0;
            format!(
                r#"<path d="M{:.1},{y:.1}H{:.1}L{:.1},{:.1}V{:.1}L{:.1},{:.1}H{:.1}L{x:.1},{:.1}V{:.1}Z" {attrs}/>"#,
                x + c,
                x + w - c,
                x + w,
                y + c,
                y + h - c,
                x + w - c,
                y + h,
                x + c,
                y + h - c,
                y + c
            )
        }
        NodeKind::Broker => {
            let mut s = format!(r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="3" {attrs}/>"#);
            for k in 1..=3 {
                let sx = x + w - 8.0 * f64::from(k);
                let _ = write!(
                    s,
                    r#"<path d="M{sx:.1},{:.1}V{:.1}" stroke="{stroke}" stroke-width="1.2"/>"#,
                    y + 6.0,
                    y + h - 6.0
                );
            }
            s
        }
        NodeKind::Client => {
            format!(r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="{:.1}" {attrs}/>"#, h / 2.0)
        }
        NodeKind::Registry => format!(
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="4" {attrs}/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="2" fill="none" stroke="{stroke}" stroke-width="1"/>"#,
            x + 4.0,
            y + 4.0,
            w - 8.0,
            h - 8.0
        ),
        NodeKind::Receiver => format!(
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="3" {attrs} stroke-dasharray="5 3"/>"#
        ),
        NodeKind::Service => format!(r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="9" {attrs}/>"#),
    }
}

/// The path of a route with its end pulled back by the arrowhead's length,
/// so the line stops where the head begins and the head's tip touches the
/// border.
fn path_data(points: &[Point], arrow: bool) -> String {
    let mut pts = points.to_vec();
    if arrow && let [.., a, b] = pts.as_mut_slice() {
        let len = a.distance(*b);
        if len > 0.0 {
            let k = (ARROW_LEN / len).min(1.0);
            *b = Point::new(b.x - (b.x - a.x) * k, b.y - (b.y - a.y) * k);
        }
    }
    let mut d = String::new();
    for (i, p) in pts.iter().enumerate() {
        let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, p.x, p.y);
    }
    d
}

/// The standalone SVG document.
#[must_use]
pub fn render(design: &Design, diagram: &Diagram, options: &Options) -> String {
    let pal = Palette::of(options.theme);
    let (legend, legend_height) = legend(design, diagram, &pal, diagram.bounds.width().max(560.0));
    let view = Rect {
        min: Point::new(diagram.bounds.min.x - 24.0, diagram.bounds.min.y - 24.0),
        max: Point::new(
            diagram.bounds.max.x.max(diagram.bounds.min.x + 560.0) + 24.0,
            diagram.bounds.max.y + 24.0 + legend_height,
        ),
    };
    let mut s = String::with_capacity(4096 + 600 * (design.nodes.len() + design.edges.len()));
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="design-diagram" viewBox="{:.1} {:.1} {:.1} {:.1}" width="{:.0}" height="{:.0}" role="img" aria-label="Design diagram of {}" font-family="{FONT_FAMILY}">"#,
        view.min.x,
        view.min.y,
        view.width(),
        view.height(),
        view.width(),
        view.height(),
        escape(&design.name)
    );
    let _ = write!(s, "<title>{}</title><defs>", escape(&design.name));
    for kind in EdgeKind::ALL {
        let c = pal.edge(kind);
        let (fill, stroke) = match kind {
            EdgeKind::Call | EdgeKind::Signal => (c, "none"),
            EdgeKind::Event | EdgeKind::Subscription => (pal.background, c),
        };
        let _ = write!(
            s,
            r#"<marker id="head-{}" viewBox="-1 -1 12 12" refX="0" refY="5" markerWidth="{w}" markerHeight="{w}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/></marker>"#,
            kind.as_str(),
            w = ARROW_LEN * 1.2
        );
    }
    s.push_str("</defs>");
    let _ = write!(
        s,
        r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"/>"#,
        view.min.x,
        view.min.y,
        view.width(),
        view.height(),
        pal.background
    );
    for (name, r) in &diagram.groups {
        let _ = write!(
            s,
            r#"<g class="group"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="10" fill="{}" stroke="{}" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="600" fill="{}">{}</text></g>"#,
            r.min.x,
            r.min.y,
            r.width(),
            r.height(),
            pal.group_fill,
            pal.weak,
            r.min.x + 10.0,
            r.min.y + layout::GROUP_TITLE - 6.0,
            pal.weak,
            escape(&fit(name, 12.0, r.width() - 20.0))
        );
    }
    let registry = kind_color(NodeKind::Registry);
    for link in &diagram.links {
        let name = |i: usize| design.nodes.get(i).map_or("", |n| n.name.as_str());
        let (opacity, mode) = if link.client_side {
            ("", "client-side lookups")
        } else {
            (r#" stroke-opacity="0.6""#, "server-side routing")
        };
        let _ = write!(
            s,
            r#"<path class="discovery" d="{}" fill="none" stroke="{registry}" stroke-width="1.4" stroke-dasharray="3 3"{opacity}><title>{} is discovered through {} ({mode})</title></path>"#,
            path_data(&link.points, false),
            escape(name(link.service)),
            escape(name(link.registry))
        );
    }
    for bundle in &diagram.bundles {
        let weight: f64 = bundle.edges.iter().filter_map(|i| options.edge_weights.get(i)).sum::<f64>().clamp(0.0, 1.0);
        let name = |i: usize| design.nodes.get(i).map_or("", |n| n.name.as_str());
        let mut title = format!("{} → {}", name(bundle.from), name(bundle.to));
        for &i in &bundle.edges {
            let Some(e) = design.edges.get(i) else { continue };
            let _ = write!(title, "\n{} ({})", e.id, e.kind.as_str());
            for extra in [e.label().to_string(), options.edge_details.get(&i).cloned().unwrap_or_default()] {
                if !extra.is_empty() {
                    let _ = write!(title, ": {extra}");
                }
            }
        }
        let _ = write!(
            s,
            r#"<path class="edge {}" d="{}" fill="none" stroke="{}" stroke-width="{:.1}" stroke-linejoin="round"{} marker-end="url(#head-{})"><title>{}</title></path>"#,
            bundle.kind.as_str(),
            path_data(&bundle.points, true),
            pal.edge(bundle.kind),
            1.5 + 3.0 * weight.sqrt(),
            dash(bundle.kind),
            bundle.kind.as_str(),
            escape(&title)
        );
    }
    for bundle in &diagram.bundles {
        let Some(label) = &bundle.label else { continue };
        let c = label.rect.center();
        let _ = write!(
            s,
            r#"<g class="edge-label"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="{}" fill-opacity="0.9"/><text x="{:.1}" y="{:.1}" font-size="{LABEL_FONT_PX}" text-anchor="middle" fill="{}">{}</text></g>"#,
            label.rect.min.x,
            label.rect.min.y,
            label.rect.width(),
            label.rect.height(),
            pal.label_fill,
            c.x,
            c.y + LABEL_FONT_PX * 0.35,
            pal.text,
            escape(&label.text)
        );
    }
    for (i, (node, r)) in design.nodes.iter().zip(&diagram.nodes).enumerate() {
        let accent = kind_color(node.kind);
        let c = r.center();
        let _ = write!(
            s,
            r#"<g class="node {}"><title>{} ({})</title>{}"#,
            node.kind.as_str(),
            escape(&node.name),
            kind_label(node.kind),
            shape(node.kind, r, &pal.fill(node.kind), &accent)
        );
        let inner = r.width() - 28.0;
        let note = options.node_notes.get(&i);
        let two_lines = r.height() >= 50.0;
        let name_y = if two_lines { c.y - 2.0 } else { c.y + NAME_FONT_PX * 0.35 };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{name_y:.1}" font-size="{NAME_FONT_PX}" font-weight="600" text-anchor="middle" fill="{}">{}</text>"#,
            c.x,
            pal.text,
            escape(&fit(&node.name, NAME_FONT_PX, inner))
        );
        if two_lines {
            let (text, color) = match note {
                Some(n) => (format!("{} · {}", node.kind.as_str(), n.text), n.color.as_str()),
                None => (kind_label(node.kind).to_owned(), pal.weak),
            };
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{color}">{}</text>"#,
                c.x,
                c.y + 15.0,
                escape(&fit(&text, 11.0, inner))
            );
        }
        s.push_str("</g>");
    }
    s.push_str(&legend);
    s.push_str("</svg>");
    s
}

/// The legend under the drawing: the node kinds and edge kinds present,
/// discovery links and the bundle count when present. Rows wrap at `width`.
fn legend(design: &Design, diagram: &Diagram, pal: &Palette, width: f64) -> (String, f64) {
    let mut items: Vec<(String, String)> = Vec::new();
    for kind in NodeKind::ALL {
        if design.nodes.iter().any(|n| n.kind == kind) {
            let r = Rect::from_min_size(Point::new(0.0, -9.0), 30.0, 18.0);
            items.push((shape(kind, &r, &pal.fill(kind), &kind_color(kind)), kind_label(kind).to_owned()));
        }
    }
    for kind in EdgeKind::ALL {
        if diagram.bundles.iter().any(|b| b.kind == kind) {
            let line = format!(
                r#"<path d="M0,0H20" stroke="{}" stroke-width="1.5"{} marker-end="url(#head-{})"/>"#,
                pal.edge(kind),
                dash(kind),
                kind.as_str()
            );
            items.push((line, format!("{} edge", kind.as_str())));
        }
    }
    if !diagram.links.is_empty() {
        let line = format!(
            r#"<path d="M0,0H30" stroke="{}" stroke-width="1.4" stroke-dasharray="3 3"/>"#,
            kind_color(NodeKind::Registry)
        );
        items.push((line, "discovery link (service to its registry)".to_owned()));
    }
    if diagram.bundles.iter().any(|b| b.edges.len() > 1) {
        items.push((
            format!(r#"<text x="15" y="4" font-size="12" text-anchor="middle" fill="{}">×N</text>"#, pal.text),
            "N parallel edges drawn as one line".to_owned(),
        ));
    }
    let (x0, top) = (diagram.bounds.min.x, diagram.bounds.max.y + 28.0);
    let mut s = format!(
        r#"<g class="legend"><text x="{x0:.1}" y="{top:.1}" font-size="12" font-weight="600" fill="{}">Legend</text>"#,
        pal.weak
    );
    let (mut x, mut y) = (x0, top + 22.0);
    for (glyph, text) in &items {
        let w = 40.0 + text_width(text, 12.0) + 18.0;
        if x > x0 && x + w > x0 + width {
            x = x0;
            y += 26.0;
        }
        let _ = write!(
            s,
            r#"<g transform="translate({x:.1},{y:.1})">{glyph}<text x="38" y="4" font-size="12" fill="{}">{}</text></g>"#,
            pal.text,
            escape(text)
        );
        x += w;
    }
    s.push_str("</g>");
    (s, y - diagram.bounds.max.y + 14.0)
}

/// The report's figure: the SVG at 100 % in a box that scrolls; for more
/// than [`LARGE_DESIGN_NODES`] nodes an overview that fits the page first,
/// with a switch to 100 % (radio buttons and CSS, no script) and a note.
#[must_use]
pub fn figure_html(design: &Design, diagram: &Diagram, options: &Options) -> String {
    let svg = render(design, diagram, options);
    let box_style =
        "overflow:auto;max-width:100%;max-height:85vh;border:1px solid rgba(127,127,127,.3);border-radius:6px";
    if design.nodes.len() <= LARGE_DESIGN_NODES {
        return format!(
            r#"<figure class="design-figure" style="margin:0"><div style="{box_style}">{svg}</div></figure>"#
        );
    }
    format!(
        r#"<figure class="design-figure dz" style="margin:0"><style>.dz .dz-box svg{{width:100%;height:auto}}.dz #dz-full:checked~.dz-box svg{{width:auto;height:auto;max-width:none}}.dz label{{margin-right:1em;cursor:pointer}}</style><p class="note">{} nodes: the overview fits the page, so its labels are small; choose 100 % to read them and scroll inside the box.</p><input type="radio" name="dz" id="dz-fit" checked><label for="dz-fit">Overview</label><input type="radio" name="dz" id="dz-full"><label for="dz-full">100 %</label><div class="dz-box" style="{box_style}">{svg}</div></figure>"#,
        design.nodes.len()
    )
}
