//! The canvas: a hand-painted view of the design with pan and zoom, selection,
//! dragging, connecting, inline rename and quick-add.
//!
//! Pan and zoom are transient UI state (a world → screen transform kept
//! here), never part of the document. Every edit leaves as an [`Action`].

pub mod discovery;
pub mod draw;
pub mod geometry;
mod overlay;
pub mod results_overlay;
pub mod routes;
mod view;

use egui::emath::TSTransform;
use egui::{Color32, Key, PointerButton, Pos2, Rect, Response, Sense, Ui, Vec2, WidgetInfo, WidgetType, pos2, vec2};
use engine::Design;
use engine::model::{EdgeKind, NodeKind, Position};

use self::draw::Scene;
use self::geometry::Geometry;
use super::action::Action;
use super::analysis::Analysis;
use super::i18n::tr_args;
use super::presets;
use super::selection::Selection;
use super::style;

/// Smallest and largest zoom.
const ZOOM_RANGE: (f32, f32) = (0.03, 4.0);
/// Grid step for snapping, world units.
pub const GRID: f32 = 20.0;
/// Pointer distance (screen pixels) within which an edge's line is hit.
const EDGE_HIT_PX: f32 = 6.0;

/// What a drag in progress does.
#[derive(Clone, Debug, Default)]
enum Drag {
    #[default]
    None,
    /// Moving nodes: their positions at the start and the pointer's world start.
    Move { origin: Vec<(String, Position)>, start: Pos2 },
    /// Box selection from a screen point.
    Box { start: Pos2, additive: bool },
    /// Dragging a new edge from a node.
    Connect { from: String },
    /// Moving the view.
    Pan,
}

/// What the open context menu is about (chosen when it opened).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum MenuTarget {
    /// Empty canvas.
    #[default]
    Canvas,
    /// A node, by id.
    Node(String),
    /// An edge, by id.
    Edge(String),
}

/// Quick-add box opened by double-clicking empty canvas.
#[derive(Clone, Debug)]
struct QuickAdd {
    screen: Pos2,
    world: Pos2,
    filter: String,
    focus: bool,
}

/// Transient state of the canvas.
#[derive(Debug)]
pub struct CanvasState {
    /// World → screen.
    pub transform: TSTransform,
    /// Fit the design into the view on the next frame.
    pub fit_pending: bool,
    /// Node being renamed inline, with the text typed so far.
    pub rename: Option<(String, String)>,
    rename_focus: bool,
    drag: Drag,
    quick_add: Option<QuickAdd>,
    menu_target: MenuTarget,
    /// The canvas area on screen last frame.
    pub rect: Rect,
    /// Centre the view on this node next frame.
    pub focus_request: Option<String>,
    /// Fit the selection next frame.
    pub zoom_selection_pending: bool,
    /// Screen space at the bottom of the canvas covered by an overlay (the
    /// results scrubber): fitting keeps the design clear of it.
    pub bottom_inset: f32,
    /// The free part of the canvas last frame (see [`Self::bottom_inset`]).
    last_view: Rect,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            transform: TSTransform::IDENTITY,
            fit_pending: true,
            rename: None,
            rename_focus: false,
            drag: Drag::None,
            quick_add: None,
            menu_target: MenuTarget::Canvas,
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            focus_request: None,
            zoom_selection_pending: false,
            bottom_inset: 0.0,
            last_view: Rect::NOTHING,
        }
    }
}

impl CanvasState {
    /// Current zoom factor.
    #[must_use]
    pub fn zoom(&self) -> f32 {
        self.transform.scaling
    }

    /// The world point at the centre of the view.
    #[must_use]
    pub fn view_center_world(&self) -> Pos2 {
        self.transform.inverse().mul_pos(self.rect.center())
    }

    /// Whether nodes are being dragged right now (the geometry then routes
    /// cheaply, see `geometry.rs`).
    #[must_use]
    pub fn moving_nodes(&self) -> bool {
        matches!(self.drag, Drag::Move { .. })
    }

    /// Start an inline rename of a node.
    pub fn start_rename(&mut self, id: &str, current: &str) {
        self.rename = Some((id.to_owned(), current.to_owned()));
        self.rename_focus = true;
    }
}

/// The default kind of a new edge between two kinds of node: into a broker is
/// an event, out of a broker a subscription, into a receiver a signal, else a
/// call.
#[must_use]
pub fn default_edge_kind(from: NodeKind, to: NodeKind) -> EdgeKind {
    match (from, to) {
        (NodeKind::Broker, _) => EdgeKind::Subscription,
        (_, NodeKind::Broker) => EdgeKind::Event,
        (_, NodeKind::Receiver) => EdgeKind::Signal,
        _ => EdgeKind::Call,
    }
}

/// Everything the canvas reads.
pub struct CanvasInput<'a> {
    /// The design.
    pub design: &'a Design,
    /// Its geometry.
    pub geometry: &'a Geometry,
    /// Problems and load.
    pub analysis: &'a Analysis,
    /// Node to outline as the culprit of the chosen problem.
    pub culprit: Option<&'a str>,
    /// A run's figures are painted over the nodes (they replace the
    /// estimate's ρ badges, and the scrubber covers the canvas's foot).
    pub results_overlay: bool,
    /// Snap moved nodes to the grid (a setting, View → Snap to grid).
    pub snap: bool,
    /// Draw the grid (a setting, View → Show grid).
    pub show_grid: bool,
}

/// The accessible label of a node.
#[must_use]
pub fn node_label(name: &str, kind: NodeKind) -> String {
    format!("{name} ({})", style::kind_label(kind))
}

/// The accessible label of an edge.
#[must_use]
pub fn edge_label(design: &Design, index: usize) -> String {
    design.edges.get(index).map_or_else(String::new, |e| {
        format!("{} {} → {}", style::edge_kind_label(e.kind), design.node_name(&e.from), design.node_name(&e.to))
    })
}

/// Show the canvas in the remaining space of `ui`.
#[allow(clippy::too_many_lines, reason = "one pass of input handling in frame order reads best in one piece")]
pub fn show(
    ui: &mut Ui,
    state: &mut CanvasState,
    input: &CanvasInput<'_>,
    selection: &mut Selection,
    actions: &mut Vec<Action>,
) {
    let rect = ui.available_rect_before_wrap();
    state.rect = rect;
    let bg = ui.allocate_rect(rect, Sense::click_and_drag());
    bg.widget_info(|| WidgetInfo::labeled(WidgetType::Other, true, "Canvas"));
    let geometry = input.geometry;
    let design = input.design;

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

    // Pan with the wheel, zoom towards the cursor with Ctrl+wheel or a pinch.
    let pointer = ui.input(|i| i.pointer.hover_pos());
    if ui.rect_contains_pointer(rect) {
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
    let t = state.transform;
    let to_world = t.inverse();
    let zoom = t.scaling;
    let world_pointer = pointer.map(|p| to_world.mul_pos(p));
    let visible_world = to_world.mul_rect(rect);

    // Nodes are not widgets: the canvas-wide response above takes every
    // press and the geometry says which node is under it. A thousand node
    // widgets cost more than the rest of the frame (egui hit-tests and
    // remembers each one), while a lookup in the geometry is only done for
    // the pointer. Screen readers and tests still see each visible node.
    let modifiers = ui.input(|i| i.modifiers);
    let node_under = |p: Pos2| geometry.node_at(to_world.mul_pos(p));
    let hovered_node = if bg.hovered() { pointer.and_then(node_under) } else { None };
    let node_ids = accessible_nodes(ui, bg.id, design, geometry, selection, t, visible_world);

    // Edges: clickable labels (and accessible names).
    let mut edge_responses: Vec<(usize, Response)> = Vec::new();
    if zoom >= draw::LOD_LABELS {
        for route in &geometry.edges {
            if !route.bounds().intersects(visible_world) {
                continue;
            }
            let Some(edge) = design.edges.get(route.index) else { continue };
            let center = t.mul_pos(route.midpoint());
            let r = Rect::from_center_size(center, vec2(28.0, 16.0));
            let resp = ui.interact(r, ui.id().with(("edge", &edge.id)), Sense::click());
            let label = edge_label(design, route.index);
            resp.widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, label.clone()));
            edge_responses.push((route.index, resp));
        }
    }

    // Connection handles on the node under the pointer and on selected nodes.
    let mut handle_responses: Vec<(String, Rect, Response)> = Vec::new();
    if zoom >= draw::LOD_NAMES && !matches!(state.drag, Drag::Move { .. } | Drag::Box { .. }) {
        for (i, node) in design.nodes.iter().enumerate() {
            let Some(world) = geometry.rects.get(i) else { continue };
            let near = world_pointer.is_some_and(|p| world.expand(14.0 / zoom).contains(p));
            if !(near || selection.nodes.contains(&node.id)) || !world.intersects(visible_world) {
                continue;
            }
            let hr = draw::handle_rect(t.mul_rect(*world), zoom);
            let resp = ui.interact(hr, ui.id().with(("handle", &node.id)), Sense::drag());
            let label = tr_args("canvas-connect-from", &[("name", node.name.as_str().into())]);
            resp.widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, label.clone()));
            handle_responses.push((node.id.clone(), hr, resp));
        }
    }

    // The edge under the pointer (when not over a node).
    let hovered_edge = if hovered_node.is_none() && zoom >= draw::LOD_NAMES {
        pointer.and_then(|p| routes::nearest_edge(&geometry.edges, t, p, EDGE_HIT_PX))
    } else {
        None
    };

    // The discovery link under the pointer, only where no node or edge is: edges keep their hit-testing.
    let free_pointer = pointer.filter(|_| bg.hovered() && hovered_node.is_none() && hovered_edge.is_none());
    let hovered_link = free_pointer.and_then(|p| discovery::link_at(geometry, t, p));

    // --- Node input ---
    let clicked_node = if bg.clicked() || bg.secondary_clicked() || bg.double_clicked() {
        bg.interact_pointer_pos().and_then(node_under)
    } else {
        None
    };
    let accesskit_click = accesskit_clicked_node(ui, &node_ids);
    if let Some(i) = clicked_node.filter(|_| bg.clicked()).or(accesskit_click)
        && let Some(node) = design.nodes.get(i)
    {
        if modifiers.shift || modifiers.command {
            selection.toggle_node(&node.id);
        } else {
            selection.only_node(&node.id);
        }
    }
    if bg.secondary_clicked() {
        state.menu_target = match (clicked_node.and_then(|i| design.nodes.get(i)), hovered_edge) {
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
        && let Some(node) = clicked_node.and_then(|i| design.nodes.get(i))
    {
        actions.push(Action::Rename(node.id.clone()));
    }
    let space = ui.input(|i| i.key_down(Key::Space));
    let dragged_node = if bg.drag_started() && bg.dragged_by(PointerButton::Primary) && !space {
        ui.input(|i| i.pointer.press_origin()).and_then(node_under)
    } else {
        None
    };
    if let Some(node) = dragged_node.and_then(|i| design.nodes.get(i)) {
        if !selection.nodes.contains(&node.id) {
            if modifiers.shift {
                selection.toggle_node(&node.id);
            } else {
                selection.only_node(&node.id);
            }
        }
        let origin = movable(design, geometry, selection);
        let start = world_pointer.unwrap_or_default();
        state.drag = Drag::Move { origin, start };
    }
    for (index, resp) in &edge_responses {
        let Some(edge) = design.edges.get(*index) else { continue };
        if resp.clicked() {
            if modifiers.shift || modifiers.command {
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
    for (id, _, resp) in &handle_responses {
        if resp.drag_started() {
            state.drag = Drag::Connect { from: id.clone() };
        }
    }

    // --- Background input (where no node is) ---
    if bg.clicked() && clicked_node.is_none() {
        let additive = modifiers.shift || modifiers.command;
        match hovered_edge.and_then(|i| design.edges.get(i)) {
            Some(edge) if additive => selection.toggle_edge(&edge.id),
            Some(edge) => selection.only_edge(&edge.id),
            None => {
                let group = world_pointer.and_then(|p| group_title_at(geometry, p));
                if let Some(g) = group {
                    selection.clear();
                    selection.group = Some(g);
                } else if !additive {
                    selection.clear();
                }
            }
        }
        state.quick_add = None;
    }
    if bg.secondary_clicked()
        && clicked_node.is_none()
        && let Some(edge) = hovered_edge.and_then(|i| design.edges.get(i))
    {
        selection.only_edge(&edge.id);
    }
    if bg.double_clicked()
        && clicked_node.is_none()
        && let (Some(p), Some(w)) = (pointer, world_pointer)
    {
        state.quick_add = Some(QuickAdd { screen: p, world: w, filter: String::new(), focus: true });
    }
    if bg.drag_started() && dragged_node.is_none() {
        let primary = bg.dragged_by(PointerButton::Primary);
        let group = world_pointer.and_then(|p| group_title_at(geometry, p));
        state.drag = if primary && !space {
            if let Some(g) = group {
                // Dragging a group's title moves its members.
                selection.clear();
                selection.group = Some(g.clone());
                let origin = design
                    .nodes
                    .iter()
                    .filter(|n| n.group.as_ref() == Some(&g))
                    .map(|n| (n.id.clone(), n.position))
                    .collect();
                Drag::Move { origin, start: world_pointer.unwrap_or_default() }
            } else {
                Drag::Box {
                    start: bg.interact_pointer_pos().unwrap_or_default(),
                    additive: modifiers.shift || modifiers.command,
                }
            }
        } else {
            Drag::Pan
        };
    }
    if let Some(item) = bg.dnd_release_payload::<presets::PaletteItem>()
        && let Some(w) = world_pointer
    {
        actions.push(Action::AddNode { preset: item.preset, kind: item.kind, at: Some(w) });
    }

    // --- Drags in progress ---
    let any_down = ui.input(|i| i.pointer.any_down());
    let mut finished = !any_down;
    match &state.drag {
        Drag::None => finished = false,
        Drag::Pan => {
            state.transform.translation += ui.input(|i| i.pointer.delta());
        }
        Drag::Move { origin, start } => {
            if let (Some(p), Some((_, first))) = (world_pointer, origin.first()) {
                let mut delta = p - *start;
                if input.snap && !modifiers.alt {
                    let target = pos2(first.x + delta.x, first.y + delta.y);
                    let snapped = pos2((target.x / GRID).round() * GRID, (target.y / GRID).round() * GRID);
                    delta = snapped - pos2(first.x, first.y);
                }
                let moves: Vec<(String, Position)> = origin
                    .iter()
                    .map(|(id, o)| (id.clone(), Position { x: o.x + delta.x, y: o.y + delta.y }))
                    .collect();
                if delta != Vec2::ZERO {
                    actions.push(Action::EditMerging(super::document::Command::MoveNodes(moves), "move".to_owned()));
                }
            }
        }
        Drag::Box { .. } | Drag::Connect { .. } => {}
    }

    // --- Painting ---
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let dark = visuals.dark_mode;
    let background = if dark { Color32::from_rgb(24, 26, 31) } else { Color32::from_rgb(248, 249, 251) };
    painter.rect_filled(rect, 0.0, background);
    if input.show_grid {
        draw::grid(&painter, rect, t, dark);
    }
    let scene = Scene {
        design,
        geometry,
        analysis: input.analysis,
        selection,
        hovered_node,
        hovered_edge,
        transform: t,
        dark,
        text: visuals.strong_text_color(),
        weak_text: visuals.weak_text_color(),
        background,
        culprit: input.culprit,
        estimates: !input.results_overlay,
    };
    draw::groups(&painter, &scene, rect);
    discovery::paint(&painter, &scene, rect, hovered_link);
    let labels = draw::edges(&painter, &scene, rect);
    draw::nodes(&painter, &scene, rect);
    draw::edge_labels(&painter, &scene, rect, labels);
    for (_, hr, resp) in &handle_responses {
        draw::handle(&painter, *hr, resp.hovered() || resp.dragged());
    }
    discovery::tooltip(ui, design, geometry, hovered_link.filter(|_| matches!(state.drag, Drag::None)));
    if design.nodes.is_empty() {
        draw::empty_hint(&painter, rect, visuals.weak_text_color());
    }
    if let Some(payload) = bg.dnd_hover_payload::<presets::PaletteItem>()
        && let Some(p) = pointer
    {
        let size = style::node_size(payload.kind) * zoom;
        painter.rect_stroke(
            Rect::from_center_size(p, size),
            6.0,
            (1.5, style::kind_color(payload.kind)),
            egui::StrokeKind::Inside,
        );
    }

    match &state.drag {
        Drag::Box { start, additive } => {
            let end = pointer.unwrap_or(*start);
            let screen_box = Rect::from_two_pos(*start, end);
            draw::selection_box(&painter, screen_box);
            if finished {
                let world_box = to_world.mul_rect(screen_box);
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
            let target = world_pointer.and_then(|p| geometry.node_at(p)).filter(|&i| Some(i) != from_index);
            let from_kind = from_index.and_then(|i| design.nodes.get(i)).map_or(NodeKind::Service, |n| n.kind);
            let to_kind = target.and_then(|i| design.nodes.get(i)).map(|n| n.kind);
            let kind = to_kind.map_or(EdgeKind::Call, |k| default_edge_kind(from_kind, k));
            if let (Some(fr), Some(p)) = (from_rect, pointer) {
                if let Some(tr) = target.and_then(|i| geometry.rects.get(i)) {
                    painter.rect_stroke(
                        t.mul_rect(*tr).expand(3.0),
                        8.0,
                        (2.0, style::SELECTION_COLOR),
                        egui::StrokeKind::Outside,
                    );
                }
                draw::rubber_band(&painter, pos2(fr.max.x, fr.center().y), p, kind, dark);
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

    bg.context_menu(|ui| match &state.menu_target {
        MenuTarget::Node(id) => overlay::node_menu(ui, design, id, actions),
        MenuTarget::Edge(id) => overlay::edge_menu(ui, design, id, actions),
        MenuTarget::Canvas => overlay::canvas_menu(ui, world_pointer, actions),
    });
    overlay::rename_ui(ui, state, geometry, actions);
    overlay::quick_add_ui(ui, state, actions);
}

/// The AccessKit id of a node (stable across frames).
fn node_widget_id(ui: &Ui, node_id: &str) -> egui::Id {
    ui.id().with(("node", node_id))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_kinds_follow_the_ends() {
        assert_eq!(default_edge_kind(NodeKind::Service, NodeKind::Broker), EdgeKind::Event);
        assert_eq!(default_edge_kind(NodeKind::Broker, NodeKind::Service), EdgeKind::Subscription);
        assert_eq!(default_edge_kind(NodeKind::Service, NodeKind::Receiver), EdgeKind::Signal);
        assert_eq!(default_edge_kind(NodeKind::Gateway, NodeKind::Service), EdgeKind::Call);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut s = CanvasState { transform: TSTransform::new(vec2(10.0, 20.0), 1.0), ..Default::default() };
        let p = pos2(300.0, 200.0);
        let world_before = s.transform.inverse().mul_pos(p);
        s.zoom_around(1.2, p);
        let world_after = s.transform.inverse().mul_pos(p);
        assert!((world_before - world_after).length() < 1e-3);
        assert!((s.zoom() - 1.2).abs() < 1e-5);
    }
}
