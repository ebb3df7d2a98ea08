//! Discovery links: a thin dashed line in the registry's colour from each
//! service with a registry to that registry, painted under the edges. They
//! are not edges (no requests flow along them, nothing selects them); a
//! client-side link is drawn stronger than a server-side one, because there
//! the callers themselves depend on the registry. Hovering a link names it.

use std::collections::HashMap;

use egui::emath::TSTransform;
use egui::{Color32, Painter, Pos2, Rect, Shape, Stroke, Ui};
use engine::Design;
use engine::model::{DiscoveryMode, NodeKind};

use super::draw::{LOD_NAMES, Scene};
use super::geometry::Geometry;
use super::routes;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::panels::discovery_inspector::fmt_s;
use crate::gui::style;

/// Pointer distance (screen pixels) within which a link counts as hovered.
const HOVER_PX: f32 = 5.0;

/// One service's link to its registry.
#[derive(Clone, Debug)]
pub struct DiscoveryRoute {
    /// Index of the discovered service in `design.nodes`.
    pub service: usize,
    /// Index of its registry in `design.nodes`.
    pub registry: usize,
    /// Its line, routed around boxes like the edges: from the service's
    /// border to the registry's.
    pub points: Vec<Pos2>,
    /// Client-side lookups (else the load balancer routes: fainter).
    pub client_side: bool,
}

impl DiscoveryRoute {
    /// Start on the service's border.
    #[must_use]
    pub fn from(&self) -> Pos2 {
        self.points.first().copied().unwrap_or(Pos2::ZERO)
    }

    /// End on the registry's border.
    #[must_use]
    pub fn to(&self) -> Pos2 {
        self.points.last().copied().unwrap_or(Pos2::ZERO)
    }
}

/// The links of a design: services whose `discovery.registry` names a
/// registry node that is drawn (a dangling or wrong reference is the
/// problems panel's business, not a line to nowhere). Their lines are
/// straight here; the geometry routes them with the edges.
#[must_use]
pub(super) fn routes(design: &Design, index: &HashMap<String, usize>, rects: &[Rect]) -> Vec<DiscoveryRoute> {
    let mut out = Vec::new();
    for (service, node) in design.nodes.iter().enumerate() {
        let Some(d) = &node.discovery else { continue };
        let Some(&registry) = d.registry.as_ref().and_then(|r| index.get(r)) else { continue };
        if registry == service || design.nodes.get(registry).is_none_or(|r| r.kind != NodeKind::Registry) {
            continue;
        }
        let points = routes::straight_link(rects, service, registry);
        if points.is_empty() {
            continue;
        }
        out.push(DiscoveryRoute { service, registry, points, client_side: d.mode == DiscoveryMode::ClientSide });
    }
    out
}

/// The colour of a link: the registry's, fainter for server-side.
fn link_color(client_side: bool, hovered: bool) -> Color32 {
    let base = style::kind_color(NodeKind::Registry);
    if hovered || client_side { base } else { base.gamma_multiply(0.45) }
}

/// Paint the links that intersect `clip` (call before the edges).
pub fn paint(painter: &Painter, scene: &Scene<'_>, clip: Rect, hovered: Option<usize>) {
    let zoom = scene.transform.scaling;
    if zoom < LOD_NAMES || scene.geometry.discovery.is_empty() {
        return;
    }
    let mut shapes = Vec::new();
    for (i, route) in scene.geometry.discovery.iter().enumerate() {
        let bounds = scene.transform.mul_rect(Rect::from_points(&route.points));
        if !bounds.expand(4.0).intersects(clip) || routes::length(&route.points) * zoom < 1.0 {
            continue;
        }
        let line: Vec<Pos2> = route.points.iter().map(|&p| scene.transform.mul_pos(p)).collect();
        let b = scene.transform.mul_pos(route.to());
        let hot = hovered == Some(i);
        let color = link_color(route.client_side, hot);
        let width = (1.1 * zoom).clamp(1.0, 1.8) + if hot { 1.0 } else { 0.0 };
        let dash = (3.0 * zoom).clamp(2.0, 5.0);
        Shape::dashed_line_many(&line, Stroke::new(width, color), dash, dash, &mut shapes);
        // A small dot where the link meets the registry, instead of an arrowhead.
        shapes.push(Shape::circle_filled(b, (2.5 * zoom).clamp(2.0, 3.5) + if hot { 0.8 } else { 0.0 }, color));
    }
    painter.extend(shapes);
}

/// The link nearest to a screen point, within [`HOVER_PX`] (index into
/// `geometry.discovery`); none where links are not painted.
#[must_use]
pub fn link_at(geometry: &Geometry, t: TSTransform, p: Pos2) -> Option<usize> {
    if t.scaling < LOD_NAMES {
        return None;
    }
    let max_px = HOVER_PX;
    let mut best: Option<(f32, usize)> = None;
    for (i, route) in geometry.discovery.iter().enumerate() {
        if !t.mul_rect(Rect::from_points(&route.points)).expand(max_px).contains(p) {
            continue;
        }
        let d = routes::polyline_distance(&route.points, t, p);
        if d <= max_px && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, i));
        }
    }
    best.map(|(_, i)| i)
}

/// What a link means, in words: `pricing registers with consul (client-side lookups, TTL 30 s)`.
#[must_use]
pub fn hover_text(design: &Design, route: &DiscoveryRoute) -> String {
    let (Some(service), Some(registry)) = (design.nodes.get(route.service), design.nodes.get(route.registry)) else {
        return String::new();
    };
    let how = match service.discovery.as_ref() {
        Some(d) if d.mode == DiscoveryMode::ClientSide => {
            tr_args("link-client", &[("ttl", fmt_s(d.cache_ttl_s).into())])
        }
        _ => tr("link-server"),
    };
    tr_args(
        "link-registers",
        &[("service", service.name.as_str().into()), ("registry", registry.name.as_str().into()), ("how", how.into())],
    )
}

/// The tooltip of the hovered link (index into `geometry.discovery`), if any.
pub fn tooltip(ui: &Ui, design: &Design, geometry: &Geometry, hovered: Option<usize>) {
    let Some(route) = hovered.and_then(|i| geometry.discovery.get(i)) else { return };
    let text = hover_text(design, route);
    egui::Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        ui.id().with("discovery-tip"),
        egui::PopupAnchor::Pointer,
    )
    .show(|ui| ui.label(text));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use egui::{pos2, vec2};
    use engine::model::{Discovery, Node};

    use super::*;

    fn design() -> Design {
        let mut d = Design::default();
        let mut svc = Node::new("s", "pricing", NodeKind::Service);
        svc.discovery = Some(Discovery {
            mode: DiscoveryMode::ClientSide,
            registry: Some("r".into()),
            cache_ttl_s: 15.0,
            ..Discovery::default()
        });
        let mut reg = Node::new("r", "consul", NodeKind::Registry);
        reg.position.y = 200.0;
        let mut db = Node::new("db", "db", NodeKind::Database);
        db.position.x = 400.0;
        // Names a node that is not a registry: no line.
        db.discovery = Some(Discovery { registry: Some("s".into()), ..Discovery::default() });
        d.nodes = vec![svc, reg, db];
        d
    }

    #[test]
    fn a_link_joins_the_service_to_its_registry_border_to_border() {
        let d = design();
        let g = Geometry::compute(&d);
        assert_eq!(g.discovery.len(), 1);
        let link = g.discovery[0].clone();
        assert_eq!((link.service, link.registry), (0, 1));
        assert!(link.client_side);
        // Nodes are 60 high, centred at y 0 and 200: the link spans 30 → 170.
        assert!((link.from().y - 30.0).abs() < 1e-3 && (link.to().y - 170.0).abs() < 1e-3, "{link:?}");
        assert_eq!(hover_text(&d, &link), "pricing registers with consul (client-side lookups, TTL 15 s)");
    }

    #[test]
    fn hovering_finds_the_link_only_near_it() {
        let d = design();
        let g = Geometry::compute(&d);
        let t = TSTransform::new(vec2(100.0, 100.0), 1.0);
        assert_eq!(link_at(&g, t, pos2(103.0, 200.0)), Some(0));
        assert_eq!(link_at(&g, t, pos2(120.0, 200.0)), None);
        let far = TSTransform::new(vec2(100.0, 100.0), LOD_NAMES / 2.0);
        assert_eq!(link_at(&g, far, pos2(100.0, 100.0 + 100.0 * far.scaling)), None, "not painted, not hovered");
    }
}
