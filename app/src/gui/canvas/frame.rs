//! One frame of the canvas, phase by phase, in the order [`super::show`]
//! runs them: settle the view (fit, focus, pan and zoom), give edge labels
//! and connection handles their widgets, find what the pointer is over,
//! read clicks and drag starts on nodes and then on the background, move
//! the drag in progress, paint, and finish the drag.
//!
//! Nodes are not widgets: the canvas-wide response takes every press and
//! the geometry says which node is under it. A thousand node widgets cost
//! more than the rest of the frame (egui hit-tests and remembers each one),
//! while a lookup in the geometry is only done for the pointer. Screen
//! readers and tests still see each visible node (see [`accessible_nodes`]).

use egui::emath::TSTransform;
use egui::{
    Color32, Key, Modifiers, Painter, PointerButton, Pos2, Rect, Response, Sense, Ui, Vec2, WidgetInfo, WidgetType,
    pos2, vec2,
};
use engine::Design;
use engine::model::{EdgeKind, NodeKind, Position};

use super::draw::{self, Scene};
use super::geometry::{self, Geometry};
use super::{
    CanvasInput, CanvasState, Drag, EDGE_HIT_PX, GRID, MenuTarget, QuickAdd, default_edge_kind, discovery, edge_label,
    node_label, node_widget_id, overlay, routes, view,
};
use crate::gui::action::Action;
use crate::gui::document::Command;
use crate::gui::i18n::tr_args;
use crate::gui::presets;
use crate::gui::selection::Selection;
use crate::gui::style;

/// What a frame knows once its view is settled.
pub(super) struct Frame<'f, 'a> {
    /// The canvas on screen.
    pub rect: Rect,
    /// The canvas-wide response (every press on the canvas).
    pub bg: Response,
    /// World → screen.
    pub t: TSTransform,
    /// The pointer on screen, and in the world.
    pub pointer: Option<Pos2>,
    pub world_pointer: Option<Pos2>,
    /// The part of the world in view.
    pub visible_world: Rect,
    pub modifiers: Modifiers,
    /// Space is held: a drag pans whatever it starts on.
    pub space: bool,
    pub input: &'f CanvasInput<'a>,
}

impl<'f, 'a> Frame<'f, 'a> {
    pub fn new(ui: &Ui, bg: Response, rect: Rect, t: TSTransform, input: &'f CanvasInput<'a>) -> Self {
        let pointer = ui.input(|i| i.pointer.hover_pos());
        let to_world = t.inverse();
        Self {
            rect,
            bg,
            t,
            pointer,
            world_pointer: pointer.map(|p| to_world.mul_pos(p)),
            visible_world: to_world.mul_rect(rect),
            modifiers: ui.input(|i| i.modifiers),
            space: ui.input(|i| i.key_down(Key::Space)),
            input,
        }
    }

    fn design(&self) -> &'a Design {
        self.input.design
    }

    fn geometry(&self) -> &'a Geometry {
        self.input.geometry
    }

    fn zoom(&self) -> f32 {
        self.t.scaling
    }

    /// The node under a screen point.
    fn node_under(&self, p: Pos2) -> Option<usize> {
        self.geometry().node_at(self.t.inverse().mul_pos(p))
    }

    /// Shift or Ctrl/Cmd: add to the selection instead of replacing it.
    fn additive(&self) -> bool {
        self.modifiers.shift || self.modifiers.command
    }
}

/// Apply the view's requests (fit the design, zoom to the selection, centre
/// a node) and the wheel: pan, or zoom towards the cursor with Ctrl+wheel or
/// a pinch.
pub(super) fn settle_view(ui: &Ui, state: &mut CanvasState, input: &CanvasInput<'_>, selection: &Selection) {
    let (rect, geometry) = (state.rect, input.geometry);
    state.bottom_inset = if input.results_overlay { view::SCRUBBER_INSET } else { 0.0 };
    state.follow_resize(geometry.bounds);
    if state.fit_pending {
        state.fit_pending = false;
        state.fit_rect(geometry.bounds);
    }
    if state.zoom_selection_pending {
        state.zoom_selection_pending = false;
        let mut r = Rect::NOTHING;
        for id in &selection.nodes {
            if let Some(rr) = geometry.index.get(id).and_then(|&i| geometry.rects.get(i)) {
                r = r.union(*rr);
            }
        }
        if r.is_positive() {
            state.fit_rect(r.expand(60.0));
        }
    }
    if let Some(id) = state.focus_request.take()
        && let Some(r) = geometry.index.get(&id).and_then(|&i| geometry.rects.get(i))
    {
        let zoom = state.zoom().max(0.8);
        state.transform = TSTransform::new(rect.center().to_vec2() - r.center().to_vec2() * zoom, zoom);
    }
    if ui.rect_contains_pointer(rect) {
        let pointer = ui.input(|i| i.pointer.hover_pos());
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        if let Some(p) = pointer
            && (zoom - 1.0).abs() > f32::EPSILON
        {
            state.zoom_around(zoom, p);
        }
        if scroll != Vec2::ZERO {
            state.transform.translation += scroll;
        }
    }
}

/// The frame's widgets: nodes for screen readers, clickable edge labels,
/// and the connection handles on the node under the pointer and on the
/// selected nodes.
pub(super) struct Widgets {
    nodes: Vec<(egui::Id, usize)>,
    edges: Vec<(usize, Response)>,
    pub handles: Vec<(String, Rect, Response)>,
}

pub(super) fn widgets(ui: &Ui, f: &Frame<'_, '_>, state: &CanvasState, selection: &Selection) -> Widgets {
    let (design, geometry, t, zoom) = (f.design(), f.geometry(), f.t, f.zoom());
    let nodes = accessible_nodes(ui, f.bg.id, design, geometry, selection, t, f.visible_world);
    let mut edges = Vec::new();
    if zoom >= draw::LOD_LABELS {
        for route in &geometry.edges {
            if !route.bounds().intersects(f.visible_world) {
                continue;
            }
            let Some(edge) = design.edges.get(route.index) else { continue };
            let r = Rect::from_center_size(t.mul_pos(route.midpoint()), vec2(28.0, 16.0));
            let resp = ui.interact(r, ui.id().with(("edge", &edge.id)), Sense::click());
            let label = edge_label(design, route.index);
            resp.widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, label.clone()));
            edges.push((route.index, resp));
        }
    }
    let mut handles = Vec::new();
    if zoom >= draw::LOD_NAMES && !matches!(state.drag, Drag::Move { .. } | Drag::Box { .. }) {
        for (i, node) in design.nodes.iter().enumerate() {
            let Some(world) = geometry.rects.get(i) else { continue };
            let near = f.world_pointer.is_some_and(|p| world.expand(14.0 / zoom).contains(p));
            if !(near || selection.nodes.contains(&node.id)) || !world.intersects(f.visible_world) {
                continue;
            }
            let hr = draw::handle_rect(t.mul_rect(*world), zoom);
            let resp = ui.interact(hr, ui.id().with(("handle", &node.id)), Sense::drag());
            let label = tr_args("canvas-connect-from", &[("name", node.name.as_str().into())]);
            resp.widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, label.clone()));
            handles.push((node.id.clone(), hr, resp));
        }
    }
    Widgets { nodes, edges, handles }
}

/// What the pointer is over: a node, else an edge's line, else a discovery link.
pub(super) struct Hover {
    node: Option<usize>,
    edge: Option<usize>,
    link: Option<usize>,
}

pub(super) fn hover(f: &Frame<'_, '_>) -> Hover {
    let node = if f.bg.hovered() { f.pointer.and_then(|p| f.node_under(p)) } else { None };
    let edge = if node.is_none() && f.zoom() >= draw::LOD_NAMES {
        f.pointer.and_then(|p| routes::nearest_edge(&f.geometry().edges, f.t, p, EDGE_HIT_PX))
    } else {
        None
    };
    // Only where no node or edge is: edges keep their hit-testing.
    let free = f.pointer.filter(|_| f.bg.hovered() && node.is_none() && edge.is_none());
    let link = free.and_then(|p| discovery::link_at(f.geometry(), f.t, p));
    Hover { node, edge, link }
}

/// Presses on nodes, edge labels and handles: select, open the menu,
/// rename, start moving or connecting. Returns the node clicked and the
/// node whose drag started.
pub(super) fn node_input(
    ui: &Ui,
    f: &Frame<'_, '_>,
    w: &Widgets,
    hover: &Hover,
    state: &mut CanvasState,
    selection: &mut Selection,
    actions: &mut Vec<Action>,
) -> (Option<usize>, Option<usize>) {
    let (design, bg) = (f.design(), &f.bg);
    let clicked = if bg.clicked() || bg.secondary_clicked() || bg.double_clicked() {
        bg.interact_pointer_pos().and_then(|p| f.node_under(p))
    } else {
        None
    };
    let accesskit_click = accesskit_clicked_node(ui, &w.nodes);
    if let Some(node) = clicked.filter(|_| bg.clicked()).or(accesskit_click).and_then(|i| design.nodes.get(i)) {
        if f.additive() {
            selection.toggle_node(&node.id);
        } else {
            selection.only_node(&node.id);
        }
    }
    if bg.secondary_clicked() {
        state.menu_target = match (clicked.and_then(|i| design.nodes.get(i)), hover.edge) {
            (Some(node), _) => {
                if !selection.nodes.contains(&node.id) {
                    selection.only_node(&node.id);
                }
                MenuTarget::Node(node.id.clone())
            }
            (None, Some(edge)) => design.edges.get(edge).map_or(MenuTarget::Canvas, |e| MenuTarget::Edge(e.id.clone())),
            (None, None) => MenuTarget::Canvas,
        };
    }
    if bg.double_clicked()
        && let Some(node) = clicked.and_then(|i| design.nodes.get(i))
    {
        actions.push(Action::Rename(node.id.clone()));
    }
    let dragged = if bg.drag_started() && bg.dragged_by(PointerButton::Primary) && !f.space {
        ui.input(|i| i.pointer.press_origin()).and_then(|p| f.node_under(p))
    } else {
        None
    };
    if let Some(node) = dragged.and_then(|i| design.nodes.get(i)) {
        if !selection.nodes.contains(&node.id) {
            if f.modifiers.shift {
                selection.toggle_node(&node.id);
            } else {
                selection.only_node(&node.id);
            }
        }
        let origin = movable(design, f.geometry(), selection);
        state.drag = Drag::Move { origin, start: f.world_pointer.unwrap_or_default() };
    }
    for (index, resp) in &w.edges {
        let Some(edge) = design.edges.get(*index) else { continue };
        if resp.clicked() {
            if f.additive() {
                selection.toggle_edge(&edge.id);
            } else {
                selection.only_edge(&edge.id);
            }
        }
        if resp.secondary_clicked() {
            selection.only_edge(&edge.id);
        }
        resp.context_menu(|ui| overlay::edge_menu(ui, design, &edge.id, actions));
    }
    for (id, _, resp) in &w.handles {
        if resp.drag_started() {
            state.drag = Drag::Connect { from: id.clone() };
        }
    }
    (clicked, dragged)
}

/// Presses where no node is: select an edge or a group, clear the
/// selection, open quick-add, start a box selection, a group move or a pan,
/// and drop a palette item.
pub(super) fn background_input(
    f: &Frame<'_, '_>,
    hover: &Hover,
    (clicked_node, dragged_node): (Option<usize>, Option<usize>),
    state: &mut CanvasState,
    selection: &mut Selection,
    actions: &mut Vec<Action>,
) {
    let (design, geometry, bg) = (f.design(), f.geometry(), &f.bg);
    let hovered_edge = hover.edge.and_then(|i| design.edges.get(i));
    if bg.clicked() && clicked_node.is_none() {
        match hovered_edge {
            Some(edge) if f.additive() => selection.toggle_edge(&edge.id),
            Some(edge) => selection.only_edge(&edge.id),
            None => {
                if let Some(g) = f.world_pointer.and_then(|p| group_title_at(geometry, p)) {
                    selection.clear();
                    selection.group = Some(g);
                } else if !f.additive() {
                    selection.clear();
                }
            }
        }
        state.quick_add = None;
    }
    if bg.secondary_clicked()
        && clicked_node.is_none()
        && let Some(edge) = hovered_edge
    {
        selection.only_edge(&edge.id);
    }
    if bg.double_clicked()
        && clicked_node.is_none()
        && let (Some(p), Some(w)) = (f.pointer, f.world_pointer)
    {
        state.quick_add = Some(QuickAdd { screen: p, world: w, filter: String::new(), focus: true });
    }
    if bg.drag_started() && dragged_node.is_none() {
        let primary = bg.dragged_by(PointerButton::Primary);
        let group = f.world_pointer.and_then(|p| group_title_at(geometry, p));
        state.drag = match group {
            _ if !primary || f.space => Drag::Pan,
            Some(g) => {
                // Dragging a group's title moves its members.
                selection.clear();
                selection.group = Some(g.clone());
                let origin = design
                    .nodes
                    .iter()
                    .filter(|n| n.group.as_ref() == Some(&g))
                    .map(|n| (n.id.clone(), n.position))
                    .collect();
                Drag::Move { origin, start: f.world_pointer.unwrap_or_default() }
            }
            None => Drag::Box { start: bg.interact_pointer_pos().unwrap_or_default(), additive: f.additive() },
        };
    }
    if let Some(item) = bg.dnd_release_payload::<presets::PaletteItem>()
        && let Some(w) = f.world_pointer
    {
        actions.push(Action::AddNode { preset: item.preset, kind: item.kind, at: Some(w) });
    }
}

/// Move the drag in progress (pan the view, or move the nodes, snapped to
/// the grid unless Alt is held); returns whether it ends this frame.
pub(super) fn drag_step(ui: &Ui, f: &Frame<'_, '_>, state: &mut CanvasState, actions: &mut Vec<Action>) -> bool {
    let finished = !ui.input(|i| i.pointer.any_down());
    match &state.drag {
        Drag::None => return false,
        Drag::Pan => state.transform.translation += ui.input(|i| i.pointer.delta()),
        Drag::Move { origin, start } => {
            if let (Some(p), Some((_, first))) = (f.world_pointer, origin.first()) {
                let mut delta = p - *start;
                if f.input.snap && !f.modifiers.alt {
                    let target = pos2(first.x + delta.x, first.y + delta.y);
                    let snapped = pos2((target.x / GRID).round() * GRID, (target.y / GRID).round() * GRID);
                    delta = snapped - pos2(first.x, first.y);
                }
                let moves: Vec<(String, Position)> = origin
                    .iter()
                    .map(|(id, o)| (id.clone(), Position { x: o.x + delta.x, y: o.y + delta.y }))
                    .collect();
                if delta != Vec2::ZERO {
                    actions.push(Action::EditMerging(Command::MoveNodes(moves), "move".to_owned()));
                }
            }
        }
        Drag::Box { .. } | Drag::Connect { .. } => {}
    }
    finished
}

/// Paint the background, grid, groups, discovery links, edges, nodes,
/// labels and handles, and the palette item being dragged in.
pub(super) fn paint(
    ui: &Ui,
    f: &Frame<'_, '_>,
    hover: &Hover,
    state: &CanvasState,
    selection: &Selection,
    w: &Widgets,
) -> Painter {
    let (design, geometry, input, rect) = (f.design(), f.geometry(), f.input, f.rect);
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let dark = visuals.dark_mode;
    let background = if dark { Color32::from_rgb(24, 26, 31) } else { Color32::from_rgb(248, 249, 251) };
    painter.rect_filled(rect, 0.0, background);
    if input.show_grid {
        draw::grid(&painter, rect, f.t, dark);
    }
    let scene = Scene {
        design,
        geometry,
        analysis: input.analysis,
        selection,
        hovered_node: hover.node,
        hovered_edge: hover.edge,
        transform: f.t,
        dark,
        text: visuals.strong_text_color(),
        weak_text: visuals.weak_text_color(),
        background,
        culprit: input.culprit,
        estimates: !input.results_overlay,
    };
    draw::groups(&painter, &scene, rect);
    discovery::paint(&painter, &scene, rect, hover.link);
    let labels = draw::edges(&painter, &scene, rect);
    draw::nodes(&painter, &scene, rect);
    draw::edge_labels(&painter, &scene, rect, labels);
    for (_, hr, resp) in &w.handles {
        draw::handle(&painter, *hr, resp.hovered() || resp.dragged());
    }
    discovery::tooltip(ui, design, geometry, hover.link.filter(|_| matches!(state.drag, Drag::None)));
    if design.nodes.is_empty() {
        draw::empty_hint(&painter, rect, visuals.weak_text_color());
    }
    if let Some(payload) = f.bg.dnd_hover_payload::<presets::PaletteItem>()
        && let Some(p) = f.pointer
    {
        let size = style::node_size(payload.kind) * f.zoom();
        painter.rect_stroke(
            Rect::from_center_size(p, size),
            6.0,
            (1.5, style::kind_color(payload.kind)),
            egui::StrokeKind::Inside,
        );
    }
    painter
}

/// Draw the box or the rubber band of the drag in progress and, when it
/// ends, select what the box covers or connect to the node under the pointer.
pub(super) fn finish_drag(
    ui: &Ui,
    painter: &Painter,
    f: &Frame<'_, '_>,
    finished: bool,
    state: &mut CanvasState,
    selection: &mut Selection,
    actions: &mut Vec<Action>,
) {
    let (design, geometry, t) = (f.design(), f.geometry(), f.t);
    match &state.drag {
        Drag::Box { start, additive } => {
            let screen_box = Rect::from_two_pos(*start, f.pointer.unwrap_or(*start));
            draw::selection_box(painter, screen_box);
            if finished {
                let world_box = t.inverse().mul_rect(screen_box);
                if !*additive {
                    selection.clear();
                }
                for (i, node) in design.nodes.iter().enumerate() {
                    if geometry.rects.get(i).is_some_and(|r| r.intersects(world_box)) {
                        selection.nodes.insert(node.id.clone());
                    }
                }
            }
        }
        Drag::Connect { from } => {
            let from_index = geometry.index.get(from).copied();
            let from_rect = from_index.and_then(|i| geometry.rects.get(i)).map(|r| t.mul_rect(*r));
            let target = f.world_pointer.and_then(|p| geometry.node_at(p)).filter(|&i| Some(i) != from_index);
            let from_kind = from_index.and_then(|i| design.nodes.get(i)).map_or(NodeKind::Service, |n| n.kind);
            let to_kind = target.and_then(|i| design.nodes.get(i)).map(|n| n.kind);
            let kind = to_kind.map_or(EdgeKind::Call, |k| default_edge_kind(from_kind, k));
            if let (Some(fr), Some(p)) = (from_rect, f.pointer) {
                if let Some(tr) = target.and_then(|i| geometry.rects.get(i)) {
                    painter.rect_stroke(
                        t.mul_rect(*tr).expand(3.0),
                        8.0,
                        (2.0, style::SELECTION_COLOR),
                        egui::StrokeKind::Outside,
                    );
                }
                draw::rubber_band(painter, pos2(fr.max.x, fr.center().y), p, kind, ui.visuals().dark_mode);
            }
            if finished && let Some(to) = target.and_then(|i| design.nodes.get(i)) {
                actions.push(Action::Connect { from: from.clone(), to: to.id.clone(), kind: None });
            }
        }
        _ => {}
    }
    if finished {
        if matches!(state.drag, Drag::Move { .. }) {
            actions.push(Action::Seal);
        }
        state.drag = Drag::None;
    }
}

/// Give each visible node an AccessKit node (a button named `"{name} ({kind})"`
/// with its screen bounds) when AccessKit is on; returns their ids and node
/// indices. This is the work of a widget without its hit-testing and
/// interaction state, and none of it is done when no assistive technology
/// (or test) is listening.
fn accessible_nodes(
    ui: &Ui,
    canvas_id: egui::Id,
    design: &Design,
    geometry: &Geometry,
    selection: &Selection,
    t: TSTransform,
    visible_world: Rect,
) -> Vec<(egui::Id, usize)> {
    let ctx = ui.ctx();
    // The canvas's own node exists already: asking for it only tells
    // whether AccessKit is on this frame.
    if ctx.accesskit_node_builder(canvas_id, |_| ()).is_none() {
        return Vec::new();
    }
    let mut ids = Vec::new();
    for (i, node) in design.nodes.iter().enumerate() {
        let Some(world) = geometry.rects.get(i).filter(|r| r.intersects(visible_world)) else { continue };
        let r = t.mul_rect(*world);
        let id = node_widget_id(ui, &node.id);
        let selected = selection.nodes.contains(&node.id);
        ctx.accesskit_node_builder(id, |b| {
            b.set_role(egui::accesskit::Role::Button);
            b.set_label(node_label(&node.name, node.kind));
            b.set_bounds(egui::accesskit::Rect {
                x0: r.min.x.into(),
                y0: r.min.y.into(),
                x1: r.max.x.into(),
                y1: r.max.y.into(),
            });
            b.add_action(egui::accesskit::Action::Click);
            b.set_toggled(if selected { egui::accesskit::Toggled::True } else { egui::accesskit::Toggled::False });
        });
        ids.push((id, i));
    }
    ids
}

/// The node a screen reader asked to click this frame, if any.
fn accesskit_clicked_node(ui: &Ui, node_ids: &[(egui::Id, usize)]) -> Option<usize> {
    if node_ids.is_empty() {
        return None;
    }
    ui.input(|input| {
        input.events.iter().find_map(|e| match e {
            egui::Event::AccessKitActionRequest(req) if req.action == egui::accesskit::Action::Click => {
                node_ids.iter().find(|(id, _)| id.accesskit_id() == req.target_node).map(|&(_, i)| i)
            }
            _ => None,
        })
    })
}

/// Positions of the nodes a drag moves: the selected nodes, with attached
/// receivers replaced by their hosts (receivers move with their host).
fn movable(design: &Design, geometry: &Geometry, selection: &Selection) -> Vec<(String, Position)> {
    let mut ids: Vec<String> = Vec::new();
    for id in &selection.nodes {
        let Some(&i) = geometry.index.get(id) else { continue };
        let Some(node) = design.nodes.get(i) else { continue };
        let id = if geometry.attached.get(i).copied().unwrap_or(false) {
            node.host.clone().unwrap_or_default()
        } else {
            node.id.clone()
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.into_iter().filter_map(|id| design.node(&id).map(|n| (id, n.position))).collect()
}

/// The group whose title strip contains a world point.
fn group_title_at(geometry: &Geometry, p: Pos2) -> Option<String> {
    geometry
        .groups
        .iter()
        .find(|(_, r)| r.contains(p) && p.y <= r.min.y + geometry::GROUP_TITLE)
        .map(|(g, _)| g.clone())
}
