//! Export of the canvas as SVG, for documents: the engine's design diagram
//! (`engine::diagram`) drawn with the canvas's node boxes, so the file shows
//! the layout on screen with edges routed around boxes, kind shapes, groups,
//! discovery links, a legend and each node's estimated utilization.

use engine::Design;
use engine::diagram::{Diagram, Rect, svg};

use super::analysis::Analysis;
use super::canvas::geometry::Geometry;

/// The design drawn as an SVG document.
#[must_use]
pub fn svg(design: &Design, geometry: &Geometry, analysis: &Analysis, dark: bool) -> String {
    let boxes: Vec<Rect> = geometry
        .rects
        .iter()
        .map(|r| Rect {
            min: engine::diagram::Point::new(f64::from(r.min.x), f64::from(r.min.y)),
            max: engine::diagram::Point::new(f64::from(r.max.x), f64::from(r.max.y)),
        })
        .collect();
    let diagram = Diagram::with_boxes(design, boxes);
    let utilization = |id: &str| analysis.node(id).and_then(|e| e.utilization);
    svg::render(design, &diagram, &options(design, utilization, dark))
}

/// The theme and each node's utilization note (nodes without load get none).
pub fn options(design: &Design, utilization: impl Fn(&str) -> Option<f64>, dark: bool) -> svg::Options {
    let theme = if dark { svg::Theme::Dark } else { svg::Theme::Light };
    let mut options = svg::Options { theme, ..Default::default() };
    for (i, node) in design.nodes.iter().enumerate() {
        if let Some(u) = utilization(&node.id).filter(|u| *u > 0.0) {
            options.node_notes.insert(i, svg::Note::utilization(u, theme));
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use engine::model::{Edge, EdgeKind, Node, NodeKind};

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
        assert!(out.contains("stroke-opacity=\"0.6\""), "server-side links are fainter");
    }

    #[test]
    fn the_export_uses_the_canvas_boxes() {
        let mut d = Design::default();
        d.nodes.push(Node::new("a", "a", NodeKind::Service));
        let mut g = Geometry::compute(&d);
        g.rects[0] = egui::Rect::from_min_size(egui::pos2(1000.0, 2000.0), egui::vec2(168.0, 60.0));
        let out = svg(&d, &g, &Analysis::default(), true);
        assert!(out.contains(r#"<rect x="1000.0" y="2000.0""#), "{out}");
    }
}
