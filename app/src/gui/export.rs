//! Export of the canvas as SVG, for documents: the same geometry, colours and
//! edge styles as the screen, at zoom 1, with text kept as text.

use std::fmt::Write as _;

use egui::Color32;
use engine::Design;
use engine::model::EdgeKind;

use super::analysis::Analysis;
use super::canvas::geometry::{GROUP_TITLE, Geometry};
use super::style;

fn hex(c: Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

/// Escape text for XML.
#[must_use]
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// The design drawn as an SVG document.
#[must_use]
pub fn svg(design: &Design, geometry: &Geometry, analysis: &Analysis, dark: bool) -> String {
    let bounds = geometry.bounds.expand(40.0);
    let (bg, text, weak) = if dark {
        (Color32::from_rgb(24, 26, 31), Color32::from_gray(235), Color32::from_gray(150))
    } else {
        (Color32::from_rgb(248, 249, 251), Color32::from_gray(20), Color32::from_gray(110))
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{:.1} {:.1} {:.1} {:.1}" width="{:.0}" height="{:.0}" font-family="Noto Sans, DejaVu Sans, sans-serif">"#,
        bounds.min.x,
        bounds.min.y,
        bounds.width(),
        bounds.height(),
        bounds.width(),
        bounds.height()
    );
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&design.name));
    let _ = writeln!(s, "<defs>");
    for kind in EdgeKind::ALL {
        let c = hex(style::edge_color(kind, dark));
        let (fill, stroke) = match kind {
            EdgeKind::Call | EdgeKind::Signal => (c.clone(), "none".to_owned()),
            EdgeKind::Event | EdgeKind::Subscription => ("none".to_owned(), c.clone()),
        };
        let _ = writeln!(
            s,
            r#"<marker id="head-{}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{fill}" stroke="{stroke}"/></marker>"#,
            kind.as_str()
        );
    }
    let _ = writeln!(s, "</defs>");
    let _ = writeln!(
        s,
        r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"/>"#,
        bounds.min.x,
        bounds.min.y,
        bounds.width(),
        bounds.height(),
        hex(bg)
    );
    for (label, r) in &geometry.groups {
        let _ = writeln!(
            s,
            r#"<g class="group"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="none" stroke="{}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="{}">{}</text></g>"#,
            r.min.x,
            r.min.y,
            r.width(),
            r.height(),
            hex(weak),
            r.min.x + 10.0,
            r.min.y + GROUP_TITLE - 6.0,
            hex(weak),
            xml_escape(label)
        );
    }
    // Discovery links under the edges, as on screen.
    let registry = style::kind_color(engine::model::NodeKind::Registry);
    for link in &geometry.discovery {
        let opacity = if link.client_side { "" } else { r#" stroke-opacity="0.45""# };
        let _ = writeln!(
            s,
            r#"<line class="discovery" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="1.1" stroke-dasharray="3 3"{opacity}/>"#,
            link.from.x,
            link.from.y,
            link.to.x,
            link.to.y,
            hex(registry)
        );
    }
    for route in &geometry.edges {
        let Some(edge) = design.edges.get(route.index) else { continue };
        let c = hex(style::edge_color(edge.kind, dark));
        let dash = match edge.kind {
            EdgeKind::Call => "",
            EdgeKind::Event | EdgeKind::Subscription => r#" stroke-dasharray="7 4""#,
            EdgeKind::Signal => r#" stroke-dasharray="1.5 4" stroke-linecap="round""#,
        };
        let _ = writeln!(
            s,
            r#"<line class="edge {}" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{c}" stroke-width="1.6"{dash} marker-end="url(#head-{})"/>"#,
            edge.kind.as_str(),
            route.from.x,
            route.from.y,
            route.to.x,
            route.to.y,
            edge.kind.as_str()
        );
        let label = edge.label();
        if !label.is_empty() {
            let m = route.midpoint();
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{}" stroke="{}" stroke-width="3" paint-order="stroke">{}</text>"#,
                m.x,
                m.y + 4.0,
                hex(text),
                hex(bg),
                xml_escape(&label)
            );
        }
    }
    for (node, r) in design.nodes.iter().zip(&geometry.rects) {
        let accent = style::kind_color(node.kind);
        let _ = writeln!(
            s,
            r#"<g class="node {}"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="7" fill="{}" stroke="{}" stroke-width="1.2"/>"#,
            node.kind.as_str(),
            r.min.x,
            r.min.y,
            r.width(),
            r.height(),
            hex(style::node_fill(node.kind, dark)),
            hex(accent)
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="14" fill="{}">{}</text>"#,
            r.min.x + 12.0,
            r.center().y - if r.height() > 40.0 { 4.0 } else { -5.0 },
            hex(text),
            xml_escape(&node.name)
        );
        if r.height() > 40.0 {
            let cap = &node.capacity;
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" fill="{}">{}×{} · {}</text>"#,
                r.min.x + 12.0,
                r.max.y - 12.0,
                hex(weak),
                cap.replicas,
                cap.workers,
                node.kind.as_str()
            );
        }
        if let Some(u) = analysis.node(&node.id).and_then(|e| e.utilization).filter(|u| *u > 0.0) {
            let _ = writeln!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="52" height="16" rx="8" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="10.5" text-anchor="middle" fill="#ffffff">ρ {}</text>"##,
                r.max.x - 48.0,
                r.min.y - 8.0,
                hex(style::rho_color(u)),
                r.max.x - 22.0,
                r.min.y + 4.0,
                if u < 10.0 { format!("{u:.2}") } else { "≥ 10".to_owned() }
            );
        }
        let _ = writeln!(s, "</g>");
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use engine::model::{Edge, Node, NodeKind};

    use super::*;

    #[test]
    fn svg_has_every_node_and_escapes_text() {
        let mut d = Design::default();
        d.nodes.push(Node::new("a", "orders <v2> & co", NodeKind::Service));
        let mut b = Node::new("b", "支付", NodeKind::Database);
        b.position.x = 300.0;
        d.nodes.push(b);
        d.edges.push(Edge::new("e1", "a", "b", EdgeKind::Call));
        let g = Geometry::compute(&d);
        let out = svg(&d, &g, &Analysis::default(), false);
        assert!(out.starts_with("<svg"));
        assert!(out.contains("orders &lt;v2&gt; &amp; co"));
        assert!(out.contains("支付"));
        assert_eq!(out.matches("class=\"node ").count(), 2);
        assert_eq!(out.matches("class=\"edge call\"").count(), 1);
        assert_eq!(out.matches("class=\"discovery\"").count(), 0);
    }

    #[test]
    fn svg_draws_a_discovery_link_per_registered_service() {
        let mut d = Design::default();
        let mut a = Node::new("a", "orders", NodeKind::Service);
        a.discovery = Some(engine::model::Discovery { registry: Some("r".into()), ..Default::default() });
        let mut r = Node::new("r", "consul", NodeKind::Registry);
        r.position.y = 200.0;
        d.nodes = vec![a, r];
        let g = Geometry::compute(&d);
        let out = svg(&d, &g, &Analysis::default(), false);
        assert_eq!(out.matches("class=\"discovery\"").count(), 1);
        assert!(out.contains("stroke-opacity=\"0.45\""), "server-side links are faint");
    }
}
