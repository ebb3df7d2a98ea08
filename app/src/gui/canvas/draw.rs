//! Painting the design: group frames, edges by kind, nodes by kind with their
//! load badge, in that order. Only what intersects the visible area is
//! painted, and detail drops as the user zooms out (labels first, then names).

use std::sync::Arc;

use egui::emath::TSTransform;
use egui::epaint::{CubicBezierShape, TextShape};
use egui::text::{LayoutJob, TextWrapping};
use egui::{Align2, Color32, FontId, Galley, Painter, Pos2, Rect, Shape, Stroke, StrokeKind, Vec2, pos2, vec2};
use engine::Design;
use engine::capacity::Load;
use engine::model::{BrokerMode, Concurrency, EdgeKind, Node, NodeKind};
use engine::validate::Severity;

use super::geometry::{GROUP_TITLE, Geometry};
use super::routes;
use crate::gui::analysis::Analysis;
use crate::gui::i18n::{num, tr, tr_args, tr_message};
use crate::gui::selection::Selection;
use crate::gui::style;

/// Zoom below which node names are hidden.
pub const LOD_NAMES: f32 = 0.3;
/// Zoom below which edge labels and node detail lines are hidden.
pub const LOD_LABELS: f32 = 0.55;

/// Smallest font size of a node's name, screen pixels.
const NAME_MIN_PX: f32 = 9.5;

/// What the painter needs besides the design.
pub struct Scene<'a> {
    /// The design.
    pub design: &'a Design,
    /// Its geometry.
    pub geometry: &'a Geometry,
    /// Problems and load.
    pub analysis: &'a Analysis,
    /// Selection.
    pub selection: &'a Selection,
    /// Hovered node index.
    pub hovered_node: Option<usize>,
    /// Hovered edge index.
    pub hovered_edge: Option<usize>,
    /// World → screen.
    pub transform: TSTransform,
    /// Dark or light visuals.
    pub dark: bool,
    /// Text colour.
    pub text: Color32,
    /// Weak text colour.
    pub weak_text: Color32,
    /// Canvas background (behind labels).
    pub background: Color32,
    /// Node ids to outline as culprits of a chosen problem.
    pub culprit: Option<&'a str>,
    /// Paint the instant estimate's ρ badges (off while a run's measured
    /// figures take their place, so no node shows two different ρ).
    pub estimates: bool,
}

/// A galley of one line, elided with "…" when wider than `max_width`.
pub fn one_line(painter: &Painter, text: &str, font: FontId, color: Color32, max_width: f32) -> Arc<Galley> {
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = TextWrapping { max_width: max_width.max(1.0), max_rows: 1, break_anywhere: true, ..Default::default() };
    painter.layout_job(job)
}

/// Paint the background grid.
pub fn grid(painter: &Painter, clip: Rect, transform: TSTransform, dark: bool) {
    let zoom = transform.scaling;
    let minor = if dark { Color32::from_gray(38) } else { Color32::from_gray(236) };
    let major = if dark { Color32::from_gray(48) } else { Color32::from_gray(222) };
    let world = transform.inverse().mul_rect(clip);
    for (step, color) in [(20.0_f32, minor), (100.0, major)] {
        if step * zoom < 9.0 {
            continue;
        }
        let mut x = (world.min.x / step).floor() * step;
        while x <= world.max.x {
            let sx = transform.mul_pos(pos2(x, 0.0)).x;
            painter.line_segment([pos2(sx, clip.min.y), pos2(sx, clip.max.y)], Stroke::new(1.0, color));
            x += step;
        }
        let mut y = (world.min.y / step).floor() * step;
        while y <= world.max.y {
            let sy = transform.mul_pos(pos2(0.0, y)).y;
            painter.line_segment([pos2(clip.min.x, sy), pos2(clip.max.x, sy)], Stroke::new(1.0, color));
            y += step;
        }
    }
}

/// Paint group frames.
pub fn groups(painter: &Painter, scene: &Scene<'_>, clip: Rect) {
    let zoom = scene.transform.scaling;
    for (label, rect) in &scene.geometry.groups {
        let r = scene.transform.mul_rect(*rect);
        if !r.intersects(clip) {
            continue;
        }
        let selected = scene.selection.group.as_ref() == Some(label);
        let tint = if scene.dark {
            Color32::from_rgba_unmultiplied(148, 163, 184, 14)
        } else {
            Color32::from_rgba_unmultiplied(100, 116, 139, 14)
        };
        let stroke_color = if selected { style::SELECTION_COLOR } else { scene.weak_text.gamma_multiply(0.7) };
        painter.rect_filled(r, 8.0 * zoom, tint);
        painter.rect_stroke(
            r,
            8.0 * zoom,
            Stroke::new(if selected { 2.0 } else { 1.0 }, stroke_color),
            StrokeKind::Inside,
        );
        if zoom >= LOD_NAMES {
            let font = FontId::proportional((12.0 * zoom).clamp(7.0, 18.0));
            let galley = one_line(painter, label, font, scene.weak_text, r.width() - 16.0 * zoom);
            let pos = pos2(r.min.x + 10.0 * zoom, r.min.y + (GROUP_TITLE * zoom - galley.size().y) / 2.0 + 2.0 * zoom);
            painter.galley(pos, galley, scene.weak_text);
        }
    }
}

/// An edge label waiting to be placed: the edge's line on screen (the
/// label slides along it to find a free spot), its text and colour.
pub struct EdgeLabel {
    line: Vec<Pos2>,
    text: String,
    color: Color32,
}

/// Paint the edges that intersect `clip`; returns their labels, painted
/// after the nodes so no node hides them.
pub fn edges(painter: &Painter, scene: &Scene<'_>, clip: Rect) -> Vec<EdgeLabel> {
    let zoom = scene.transform.scaling;
    let mut shapes: Vec<Shape> = Vec::with_capacity(scene.geometry.edges.len() * 2);
    let mut labels: Vec<EdgeLabel> = Vec::new();
    for route in &scene.geometry.edges {
        let r = scene.transform.mul_rect(route.bounds().expand(4.0));
        if !r.intersects(clip) {
            continue;
        }
        let Some(edge) = scene.design.edges.get(route.index) else { continue };
        let selected = scene.selection.edges.contains(&edge.id);
        let hovered = scene.hovered_edge == Some(route.index);
        let mut color = style::edge_color(edge.kind, scene.dark);
        if scene.analysis.edge_severity(&edge.id) == Some(Severity::Error) {
            color = style::ERROR_COLOR;
        }
        if selected {
            color = style::SELECTION_COLOR;
        }
        let width = (1.6 * zoom).clamp(1.0, 3.0) + if selected || hovered { 1.2 } else { 0.0 };
        let line: Vec<Pos2> = route.points.iter().map(|&p| scene.transform.mul_pos(p)).collect();
        edge_shapes(&mut shapes, &line, route.self_loop, edge.kind, zoom, color, width);
        if zoom >= LOD_LABELS {
            let label = tr_message(&edge.label());
            // A label longer than its edge would cover the nodes it joins
            // (e.g. a host's signal to its attached receiver): leave it to
            // the inspector.
            let length = routes::length(&line);
            let to_attached = scene
                .geometry
                .index
                .get(&edge.to)
                .and_then(|&i| scene.geometry.attached.get(i))
                .copied()
                .unwrap_or(false);
            let fits = !to_attached
                && (route.self_loop || length >= label.chars().count() as f32 * 6.0 * zoom.min(1.3) + 12.0);
            if !label.is_empty() && fits {
                let line = if route.self_loop { vec![scene.transform.mul_pos(route.midpoint())] } else { line };
                labels.push(EdgeLabel { line, text: label, color });
            }
        }
    }
    painter.extend(shapes);
    labels
}

/// Where along its edge a label may sit, best first (fractions of the
/// line's length).
const LABEL_SPOTS: [f32; 9] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.14, 0.86];

/// Paint edge labels on small pills, each slid along its edge to the first
/// spot that covers neither a node nor a label placed before it (or, when
/// every such spot is taken, the one clear of nodes that overlaps labels
/// least). A label with no spot clear of every node is not painted: on a
/// node it would read as part of that node (the edge's name is in its
/// tooltip, the inspector and the accessibility tree).
pub fn edge_labels(painter: &Painter, scene: &Scene<'_>, clip: Rect, labels: Vec<EdgeLabel>) {
    if labels.is_empty() {
        return;
    }
    let zoom = scene.transform.scaling;
    let font = FontId::proportional((11.0 * zoom).clamp(8.0, 15.0));
    let nodes: Vec<Rect> = scene
        .geometry
        .rects
        .iter()
        .map(|r| scene.transform.mul_rect(*r).expand(1.0))
        .filter(|r| r.intersects(clip))
        .collect();
    let mut taken: Vec<Rect> = Vec::new();
    for label in labels {
        let galley = one_line(painter, &label.text, font.clone(), scene.text, 240.0 * zoom);
        let size = galley.size() + vec2(8.0, 2.0);
        let Some(rect) = best_spot(&label, size, &nodes, &taken) else { continue };
        painter.rect(
            rect,
            4.0,
            scene.background,
            Stroke::new(1.0, label.color.gamma_multiply(0.6)),
            StrokeKind::Inside,
        );
        painter.galley(rect.min + vec2(4.0, 1.0), galley, scene.text);
        taken.push(rect.expand(1.0));
    }
}

/// The spot for a label of `size` along its edge (see [`LABEL_SPOTS`]),
/// never on a node.
fn best_spot(label: &EdgeLabel, size: Vec2, nodes: &[Rect], taken: &[Rect]) -> Option<Rect> {
    let overlap = |r: Rect| -> f32 {
        taken
            .iter()
            .map(|t| {
                let i = t.intersect(r);
                if i.is_positive() { i.area() } else { 0.0 }
            })
            .sum()
    };
    let mut best: Option<(f32, Rect)> = None;
    for f in LABEL_SPOTS {
        let rect = Rect::from_center_size(routes::point_along(&label.line, f), size);
        if nodes.iter().any(|n| n.intersects(rect)) {
            continue;
        }
        let o = overlap(rect);
        if o <= 0.0 {
            return Some(rect);
        }
        if best.is_none_or(|(b, _)| o < b) {
            best = Some((o, rect));
        }
    }
    best.map(|(_, r)| r)
}

/// The shapes of one edge along its screen polyline `line`.
fn edge_shapes(
    out: &mut Vec<Shape>,
    line: &[Pos2],
    self_loop: bool,
    kind: EdgeKind,
    zoom: f32,
    color: Color32,
    width: f32,
) {
    let (Some(&a), Some(&b)) = (line.first(), line.last()) else { return };
    let stroke = Stroke::new(width, color);
    if self_loop {
        let c1 = a + vec2(0.0, -50.0 * zoom);
        let c2 = b + vec2(50.0 * zoom, 0.0);
        out.push(Shape::CubicBezier(CubicBezierShape::from_points_stroke(
            [a, c1, c2, b],
            false,
            Color32::TRANSPARENT,
            stroke,
        )));
        arrow_head(out, b, (b - c2).normalized(), kind, color, width, zoom);
        return;
    }
    let Some(before) = line.len().checked_sub(2).and_then(|i| line.get(i)).copied() else { return };
    let dir = (b - before).normalized();
    if !dir.is_finite() || routes::length(line) < 1.0 {
        return;
    }
    // Stop the line at the arrowhead's base so it does not poke through the
    // tip; the router's last segment is longer than the head, so the head
    // sits whole on the target's side, in the line's direction.
    let head = (9.0 * zoom).clamp(5.0, 14.0);
    let mut path = line.to_vec();
    let last_len = (b - before).length();
    if let Some(end) = path.last_mut() {
        *end = b - dir * (head * 0.8).min(last_len);
    }
    match kind {
        EdgeKind::Call => out.push(Shape::line(path, stroke)),
        EdgeKind::Event | EdgeKind::Subscription => {
            let dash = (7.0 * zoom).clamp(3.0, 12.0);
            Shape::dashed_line_many(&path, stroke, dash, dash * 0.6, out);
        }
        EdgeKind::Signal => {
            let spacing = (5.0 * zoom).clamp(3.0, 8.0);
            out.extend(Shape::dotted_line(&path, color, spacing, width * 0.75));
        }
    }
    arrow_head(out, b, dir, kind, color, width, zoom);
}

fn arrow_head(out: &mut Vec<Shape>, tip: Pos2, dir: Vec2, kind: EdgeKind, color: Color32, width: f32, zoom: f32) {
    let len = (9.0 * zoom).clamp(5.0, 14.0);
    let half = len * 0.5;
    let normal = vec2(-dir.y, dir.x);
    let base = tip - dir * len;
    let (l, r) = (base + normal * half, base - normal * half);
    match kind {
        // Filled head: the caller waits for an answer.
        EdgeKind::Call | EdgeKind::Signal => out.push(Shape::convex_polygon(vec![tip, l, r], color, Stroke::NONE)),
        // Open head: fire and forget.
        EdgeKind::Event | EdgeKind::Subscription => out.push(Shape::line(vec![l, tip, r], Stroke::new(width, color))),
    }
}

/// The second line of a node: capacity and what kind of thing it is.
fn detail_line(node: &Node) -> String {
    let cap = &node.capacity;
    let mut parts = vec![format!("{}×{}", cap.replicas, cap.workers)];
    match node.kind {
        NodeKind::Broker => {
            let mode = node.broker.as_ref().map_or(BrokerMode::Queue, |b| b.mode);
            parts.push(tr(match mode {
                BrokerMode::Queue => "canvas-detail-queue",
                BrokerMode::Topic => "canvas-detail-topic",
            }));
        }
        NodeKind::Cache => {
            if let Some(c) = &node.cache {
                parts.push(tr_args("canvas-detail-hit", &[("percent", num(c.hit_ratio * 100.0, 0))]));
            }
        }
        NodeKind::Client => return tr("canvas-detail-client"),
        _ => parts.push(tr(match cap.concurrency {
            Concurrency::Blocking => "canvas-detail-blocking",
            Concurrency::Async => "canvas-detail-async",
        })),
    }
    if let Some(p) = &node.preset {
        parts.push(p.clone());
    }
    parts.join(" · ")
}

/// Short markers for node policies.
fn policy_markers(node: &Node) -> String {
    let mut m = Vec::new();
    if node.policies.rate_limit.is_some() {
        m.push("RL");
    }
    if node.policies.autoscaling.is_some() {
        m.push("HPA");
    }
    if node.policies.outlier_ejection.is_some() {
        m.push("OE");
    }
    m.join(" ")
}

/// Paint the nodes that intersect `clip`.
pub fn nodes(painter: &Painter, scene: &Scene<'_>, clip: Rect) {
    let zoom = scene.transform.scaling;
    if zoom < LOD_NAMES {
        far_nodes(painter, scene, clip);
        return;
    }
    for (i, node) in scene.design.nodes.iter().enumerate() {
        let Some(world) = scene.geometry.rects.get(i) else { continue };
        let r = scene.transform.mul_rect(*world);
        if !r.intersects(clip) {
            continue;
        }
        node_shape(painter, scene, i, node, r, zoom);
    }
}

/// A rectangle as a closed path with an inside stroke. Far out, where
/// corners are a pixel or two, this looks the same as a rounded rectangle
/// and tessellates several times faster: with a thousand nodes in view it
/// is the difference that matters most.
fn plain_rect(r: Rect, fill: Color32, stroke: Stroke) -> Shape {
    let r = r.shrink(stroke.width / 2.0);
    Shape::convex_polygon(vec![r.left_top(), r.right_top(), r.right_bottom(), r.left_bottom()], fill, stroke)
}

/// Far out: each node is a coloured block, with its load as a stripe,
/// painted in one batch.
fn far_nodes(painter: &Painter, scene: &Scene<'_>, clip: Rect) {
    let mut shapes = Vec::with_capacity(scene.design.nodes.len() * 2);
    for (i, node) in scene.design.nodes.iter().enumerate() {
        let Some(world) = scene.geometry.rects.get(i) else { continue };
        let r = scene.transform.mul_rect(*world);
        if !r.intersects(clip) {
            continue;
        }
        let (border, selected) = node_border(scene, i, node);
        if selected {
            shapes.push(plain_rect(r.expand(4.0), style::SELECTION_COLOR.gamma_multiply(0.35), Stroke::NONE));
        }
        if scene.culprit == Some(node.id.as_str()) {
            shapes.push(plain_rect(r.expand(6.0), Color32::TRANSPARENT, Stroke::new(2.5, style::ERROR_COLOR)));
        }
        shapes.push(plain_rect(r, style::node_fill(node.kind, scene.dark), border));
        if let Some(u) =
            scene.analysis.node(&node.id).and_then(|e| e.utilization).filter(|u| scene.estimates && *u > 0.0)
        {
            let stripe = Rect::from_min_max(r.min, pos2(r.max.x, r.min.y + (r.height() * 0.25).max(2.0)));
            shapes.push(plain_rect(stripe, style::rho_color(u), Stroke::NONE));
        }
    }
    painter.extend(shapes);
}

/// A node's border, and whether it is selected.
fn node_border(scene: &Scene<'_>, i: usize, node: &Node) -> (Stroke, bool) {
    let accent = style::kind_color(node.kind);
    let selected = scene.selection.nodes.contains(&node.id);
    let border = if selected {
        Stroke::new(2.0, style::SELECTION_COLOR)
    } else if scene.analysis.node_severity(&node.id) == Some(Severity::Error) {
        Stroke::new(2.0, style::ERROR_COLOR)
    } else if scene.hovered_node == Some(i) {
        Stroke::new(2.0, accent)
    } else {
        Stroke::new(1.2, accent.gamma_multiply(0.9))
    };
    (border, selected)
}

fn node_shape(painter: &Painter, scene: &Scene<'_>, i: usize, node: &Node, r: Rect, zoom: f32) {
    let accent = style::kind_color(node.kind);
    let (border, selected) = node_border(scene, i, node);
    let estimate = scene.analysis.node(&node.id);
    let corner = (7.0 * zoom).clamp(1.0, 10.0);
    if selected {
        painter.rect_filled(r.expand(4.0), corner + 3.0, style::SELECTION_COLOR.gamma_multiply(0.35));
    }
    if scene.culprit == Some(node.id.as_str()) {
        painter.rect_stroke(r.expand(6.0), corner + 4.0, Stroke::new(2.5, style::ERROR_COLOR), StrokeKind::Outside);
    }
    painter.rect(r, corner, style::node_fill(node.kind, scene.dark), border, StrokeKind::Inside);

    let pad = 9.0 * zoom;
    let compact = node.kind == NodeKind::Receiver;
    let icon_side = if compact { 16.0 * zoom } else { 22.0 * zoom };
    let icon = Rect::from_center_size(pos2(r.min.x + pad + icon_side / 2.0, r.center().y), Vec2::splat(icon_side));
    painter.extend(style::icon_shapes(node.kind, icon, accent));
    let text_left = icon.max.x + 8.0 * zoom;
    let text_width = r.max.x - text_left - pad;
    // Names stay readable at middle zooms (a design fitted above the
    // results dock); a name too long for its box is elided.
    let name_font = FontId::proportional((if compact { 12.0 } else { 14.0 } * zoom).max(NAME_MIN_PX));
    let name = one_line(painter, &node.name, name_font, scene.text, text_width);
    let show_detail = !compact && zoom >= LOD_LABELS;
    let name_y = if show_detail { r.min.y + 10.0 * zoom } else { r.center().y - name.size().y / 2.0 };
    painter.add(TextShape::new(pos2(text_left, name_y), name, scene.text));
    if show_detail {
        let font = FontId::proportional(11.0 * zoom);
        let detail = one_line(painter, &detail_line(node), font.clone(), scene.weak_text, text_width);
        painter.galley(pos2(text_left, r.max.y - 10.0 * zoom - detail.size().y), detail, scene.weak_text);
        let markers = policy_markers(node);
        if !markers.is_empty() {
            let g = one_line(painter, &markers, FontId::monospace(9.0 * zoom), accent, 80.0 * zoom);
            painter.galley(pos2(r.max.x - pad - g.size().x, r.max.y - 8.0 * zoom - g.size().y), g, accent);
        }
    }
    if scene.estimates
        && let Some(est) = estimate
        && let Some(u) = est.utilization
        && (u > 0.0 || est.load == Load::Overloaded)
    {
        rho_badge(painter, r, u, zoom);
    }
}

/// The utilization pill on a node's top-right corner.
fn rho_badge(painter: &Painter, node: Rect, rho: f64, zoom: f32) {
    corner_badge(painter, node, rho_text(rho), style::rho_color(rho), zoom);
}

/// "ρ 0.42", capped for absurd loads.
#[must_use]
pub fn rho_text(rho: f64) -> String {
    if rho.is_finite() && rho < 10.0 { format!("ρ {rho:.2}") } else { "ρ ≥ 10".to_owned() }
}

/// A pill straddling a node's top border at its right end: it sits on the
/// frame, clear of the name below and of neighbouring nodes. Returns its
/// rectangle.
pub fn corner_badge(painter: &Painter, node: Rect, text: String, fill: Color32, zoom: f32) -> Rect {
    let font = FontId::proportional((10.5 * zoom).max(7.0));
    let galley = painter.layout_no_wrap(text, font, Color32::WHITE);
    let size = galley.size() + vec2(10.0 * zoom.max(0.7), 3.0 * zoom.max(0.7));
    let rect = Rect::from_min_size(pos2(node.max.x - size.x + 4.0 * zoom, node.min.y - size.y / 2.0), size);
    painter.rect_filled(rect, size.y / 2.0, fill);
    painter.galley(rect.center() - galley.size() / 2.0, galley, Color32::WHITE);
    rect
}

/// The connection handle of a node (drag from it to connect).
#[must_use]
pub fn handle_rect(node: Rect, zoom: f32) -> Rect {
    let r = (6.0 * zoom).clamp(4.0, 9.0);
    Rect::from_center_size(pos2(node.max.x, node.center().y), Vec2::splat(2.0 * r + 4.0))
}

/// Paint a node's connection handle.
pub fn handle(painter: &Painter, rect: Rect, hovered: bool) {
    let r = rect.width() / 2.0 - 2.0;
    painter.circle(
        rect.center(),
        r,
        if hovered { style::SELECTION_COLOR } else { Color32::from_gray(160) },
        Stroke::new(1.5, Color32::WHITE),
    );
}

/// Paint the rubber band of a connection being dragged.
pub fn rubber_band(painter: &Painter, from: Pos2, to: Pos2, kind: EdgeKind, dark: bool) {
    let color = style::edge_color(kind, dark);
    let mut shapes = Vec::new();
    edge_shapes(&mut shapes, &[from, to], false, kind, 1.0, color, 2.0);
    painter.extend(shapes);
}

/// Paint the box of a box selection.
pub fn selection_box(painter: &Painter, rect: Rect) {
    painter.rect(
        rect,
        0.0,
        style::SELECTION_COLOR.gamma_multiply(0.12),
        Stroke::new(1.0, style::SELECTION_COLOR),
        StrokeKind::Inside,
    );
}

/// Centre-aligned hint text in an empty canvas.
pub fn empty_hint(painter: &Painter, rect: Rect, color: Color32) {
    painter.text(rect.center(), Align2::CENTER_CENTER, tr("canvas-empty-hint"), FontId::proportional(15.0), color);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use super::*;

    fn label(line: Vec<Pos2>) -> EdgeLabel {
        EdgeLabel { line, text: "calls".to_owned(), color: Color32::WHITE }
    }

    #[test]
    fn a_label_slides_off_nodes_and_is_dropped_when_every_spot_is_on_one() {
        let size = vec2(40.0, 14.0);
        let line = vec![pos2(0.0, 0.0), pos2(400.0, 0.0)];
        // A node over the middle of the line: the label moves along it.
        let middle = Rect::from_center_size(pos2(200.0, 0.0), vec2(120.0, 60.0));
        let spot = best_spot(&label(line.clone()), size, &[middle], &[]).expect("a free spot");
        assert!(!spot.intersects(middle), "{spot:?}");
        assert!(spot.center().y.abs() < 1e-3, "on the line");
        // Another label takes the next spot: the one after is chosen.
        let second = best_spot(&label(line.clone()), size, &[middle], &[spot]).expect("a free spot");
        assert!(!second.intersects(middle) && !second.intersects(spot));
        // Nodes all along the line: no spot, no label on a node.
        let cover = Rect::from_min_max(pos2(-10.0, -30.0), pos2(410.0, 30.0));
        assert!(best_spot(&label(line), size, &[cover], &[]).is_none());
    }
}
