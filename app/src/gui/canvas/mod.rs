//! The canvas: a hand-painted view of the design with pan and zoom, selection,
//! dragging, connecting, inline rename and quick-add.
//!
//! Pan and zoom are transient UI state (a world → screen transform kept
//! here), never part of the document. Every edit leaves as an [`Action`].

pub mod discovery;
pub mod draw;
mod frame;
pub mod geometry;
mod overlay;
pub mod results_overlay;
pub mod routes;
mod view;

use egui::emath::TSTransform;
use egui::{Pos2, Rect, Sense, Ui, WidgetInfo, WidgetType, vec2};
use engine::Design;
use engine::model::{EdgeKind, NodeKind, Position};

use self::geometry::Geometry;
use super::action::Action;
use super::analysis::Analysis;
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

/// Show the canvas in the remaining space of `ui`: one pass over the
/// phases of [`frame`], in frame order.
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
    frame::settle_view(ui, state, input, selection);
    let f = frame::Frame::new(ui, bg, rect, state.transform, input);
    let widgets = frame::widgets(ui, &f, state, selection);
    let hover = frame::hover(&f);
    let pressed = frame::node_input(ui, &f, &widgets, &hover, state, selection, actions);
    frame::background_input(&f, &hover, pressed, state, selection, actions);
    let finished = frame::drag_step(ui, &f, state, actions);
    let painter = frame::paint(ui, &f, &hover, state, selection, &widgets);
    frame::finish_drag(ui, &painter, &f, finished, state, selection, actions);
    let (design, world_pointer) = (input.design, f.world_pointer);
    f.bg.context_menu(|ui| match &state.menu_target {
        MenuTarget::Node(id) => overlay::node_menu(ui, design, id, actions),
        MenuTarget::Edge(id) => overlay::edge_menu(ui, design, id, actions),
        MenuTarget::Canvas => overlay::canvas_menu(ui, world_pointer, actions),
    });
    overlay::rename_ui(ui, state, input.geometry, actions);
    overlay::quick_add_ui(ui, state, actions);
}

/// The AccessKit id of a node (stable across frames).
fn node_widget_id(ui: &Ui, node_id: &str) -> egui::Id {
    ui.id().with(("node", node_id))
}

#[cfg(test)]
mod tests {
    use egui::pos2;

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
