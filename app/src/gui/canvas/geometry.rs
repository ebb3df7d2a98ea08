//! Where things are on the canvas, in world coordinates (logical pixels at
//! zoom 1): node rectangles, receivers attached under their host, group
//! frames, edge routes and discovery links. Computed once per document
//! revision, because a 1,000-node design would otherwise redo this work every
//! frame; routes are kept while the boxes and edge ends they were computed
//! from stay the same (an edit of a property does not route again).
//!
//! While nodes are dragged, every frame is a new revision. When routing the
//! whole design took longer than [`DRAG_ROUTING_BUDGET_MS`], the edges and
//! links touching a moved box get a straight line instead (the others keep
//! their routes) until the drag ends; everything is routed again then.
//! Once routing a design has taken longer than [`BACKGROUND_ROUTING_MS`],
//! later changes are routed on a worker thread: the moved edges are drawn
//! straight until the routes arrive, so the frame never waits for them (the
//! first routing of a design stays on the frame, so it opens fully drawn).
//! Everything here is derived from the design: nothing is document state.

use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc;
use std::time::Instant;

use egui::{Pos2, Rect, pos2, vec2};
use engine::Design;
use engine::model::NodeKind;

use super::discovery::{self, DiscoveryRoute};
use super::routes::{self, EdgeRoute};
use crate::gui::style;

/// Longest full routing (ms) still redone on every frame of a drag: a frame
/// at 60 Hz has about 16 ms, and painting needs some of it.
pub const DRAG_ROUTING_BUDGET_MS: f32 = 6.0;

/// Longest full routing (ms) still redone on the frame after an edit; a
/// slower design is routed again on a worker thread.
pub const BACKGROUND_ROUTING_MS: f32 = 50.0;

/// Routes being computed on a worker thread, for these inputs.
#[derive(Debug)]
struct PendingRoutes {
    rects: Vec<Rect>,
    ends: Vec<Option<(usize, usize)>>,
    links: Vec<(usize, usize)>,
    result: mpsc::Receiver<(routes::RouteSet, f32)>,
}

/// Gap between a host and its attached receivers.
const RECEIVER_GAP: f32 = 4.0;
/// Padding of group frames around their members.
pub const GROUP_PAD: f32 = 18.0;
/// Height of a group frame's title strip.
pub const GROUP_TITLE: f32 = 22.0;

/// World geometry of one revision of a design.
#[derive(Debug)]
pub struct Geometry {
    revision: Option<u64>,
    /// Rectangle of each node, indexed like `design.nodes`.
    pub rects: Vec<Rect>,
    /// Node index by id.
    pub index: HashMap<String, usize>,
    /// Whether each node is a receiver drawn attached to its host.
    pub attached: Vec<bool>,
    /// Group frames, by label.
    pub groups: BTreeMap<String, Rect>,
    /// Edges with both ends present, in edge order.
    pub edges: Vec<EdgeRoute>,
    /// Links from discovered services to their registries.
    pub discovery: Vec<DiscoveryRoute>,
    /// Bounding box of everything.
    pub bounds: Rect,
    /// Source and target node index of each edge (None: an end is missing).
    ends: Vec<Option<(usize, usize)>>,
    /// Some routes are straight stand-ins from a drag: route again once it ends.
    provisional: bool,
    /// How long the last full routing took, in milliseconds.
    pub routing_ms: f32,
    /// Routes of the current boxes being computed on a worker thread.
    pending: Option<PendingRoutes>,
}

impl Default for Geometry {
    fn default() -> Self {
        Self::compute(&Design::default())
    }
}

impl Geometry {
    /// Bring the geometry up to date with `design` at `revision`; `dragging`
    /// tells that nodes are being moved right now. Returns whether anything
    /// changed (the frame painted before this needs a repaint).
    pub fn refresh(&mut self, design: &Design, revision: u64, dragging: bool) -> bool {
        let landed = self.take_background_routes();
        let stale = self.revision != Some(revision);
        let drag_ended = self.provisional && !dragging && self.pending.is_none();
        if !stale && !drag_ended {
            return landed;
        }
        let mut next = Self::layout(design);
        let same_inputs = next.rects == self.rects && next.ends == self.ends && same_links(&next, self);
        if same_inputs && (!self.provisional || self.pending.is_some()) {
            next.edges = std::mem::take(&mut self.edges);
            for (link, old) in next.discovery.iter_mut().zip(&self.discovery) {
                link.points.clone_from(&old.points);
            }
            next.routing_ms = self.routing_ms;
            next.provisional = self.provisional;
            next.pending = self.pending.take();
            next.extend_bounds();
        } else if dragging && self.routing_ms > DRAG_ROUTING_BUDGET_MS {
            next.reuse_unmoved(self);
            next.routing_ms = self.routing_ms;
        } else if self.routing_ms > BACKGROUND_ROUTING_MS {
            next.reuse_unmoved(self);
            next.routing_ms = self.routing_ms;
            next.route_in_background();
        } else {
            next.route();
        }
        next.revision = Some(revision);
        *self = next;
        true
    }

    /// Whether routes are being computed on a worker thread (the caller
    /// repaints until they arrive).
    #[must_use]
    pub fn is_routing(&self) -> bool {
        self.pending.is_some()
    }

    /// Start routing the current boxes on a worker thread.
    fn route_in_background(&mut self) {
        let links: Vec<(usize, usize)> = self.discovery.iter().map(|l| (l.service, l.registry)).collect();
        let (send, result) = mpsc::channel();
        let (rects, ends, work_links) = (self.rects.clone(), self.ends.clone(), links.clone());
        let spawned = std::thread::Builder::new().name("canvas routing".into()).spawn(move || {
            let started = Instant::now();
            let set = routes::routed(&rects, &ends, &work_links);
            // The geometry may have moved on and dropped the receiver.
            let _ = send.send((set, started.elapsed().as_secs_f32() * 1000.0));
        });
        if spawned.is_ok() {
            self.pending = Some(PendingRoutes { rects: self.rects.clone(), ends: self.ends.clone(), links, result });
        } else {
            self.route();
        }
    }

    /// Install routes a worker finished, if they are of the current boxes;
    /// returns whether they were installed.
    fn take_background_routes(&mut self) -> bool {
        let Some(pending) = &self.pending else { return false };
        let arrived = match pending.result.try_recv() {
            Ok(done) => Some(done),
            Err(mpsc::TryRecvError::Empty) => return false,
            Err(mpsc::TryRecvError::Disconnected) => None,
        };
        let Some(pending) = self.pending.take() else { return false };
        let links: Vec<(usize, usize)> = self.discovery.iter().map(|l| (l.service, l.registry)).collect();
        let current = pending.rects == self.rects && pending.ends == self.ends && pending.links == links;
        match arrived {
            Some((set, ms)) if current => {
                self.edges = set.edges;
                for (link, points) in self.discovery.iter_mut().zip(set.links) {
                    link.points = points;
                }
                self.provisional = false;
                self.routing_ms = ms;
                self.extend_bounds();
                true
            }
            // Of boxes that have moved since, or the worker died: route
            // again on the next refresh.
            _ => {
                self.revision = None;
                false
            }
        }
    }

    /// Forget the cache.
    pub fn invalidate(&mut self) {
        self.revision = None;
        self.rects.clear();
    }

    /// The node index at a world point (topmost first).
    #[must_use]
    pub fn node_at(&self, p: Pos2) -> Option<usize> {
        self.rects.iter().rposition(|r| r.contains(p))
    }

    /// Compute the geometry of a design, every edge routed.
    #[must_use]
    pub fn compute(design: &Design) -> Self {
        let mut g = Self::layout(design);
        g.route();
        g
    }

    /// Route every edge and link around the boxes, timing it.
    fn route(&mut self) {
        let started = Instant::now();
        let links: Vec<(usize, usize)> = self.discovery.iter().map(|l| (l.service, l.registry)).collect();
        let set = routes::routed(&self.rects, &self.ends, &links);
        self.edges = set.edges;
        for (link, points) in self.discovery.iter_mut().zip(set.links) {
            link.points = points;
        }
        self.provisional = false;
        self.routing_ms = started.elapsed().as_secs_f32() * 1000.0;
        self.extend_bounds();
    }

    /// During a drag: keep the routes of `old` whose ends did not move and
    /// draw the others straight.
    fn reuse_unmoved(&mut self, old: &Self) {
        let unmoved = |i: usize| self.rects.get(i).is_some_and(|r| old.rects.get(i) == Some(r));
        let old_routes: BTreeMap<usize, &EdgeRoute> = old.edges.iter().map(|e| (e.index, e)).collect();
        let mut edges = Vec::with_capacity(self.ends.len());
        for (i, end) in self.ends.iter().enumerate() {
            let Some((a, b)) = *end else { continue };
            let kept = old_routes
                .get(&i)
                .filter(|_| old.ends.get(i) == Some(end) && unmoved(a) && unmoved(b))
                .map(|&r| r.clone());
            if let Some(route) = kept.or_else(|| routes::straight(&self.rects, &self.ends, i)) {
                edges.push(route);
            }
        }
        self.edges = edges;
        for link in &mut self.discovery {
            let kept = old
                .discovery
                .iter()
                .find(|l| (l.service, l.registry) == (link.service, link.registry))
                .filter(|_| unmoved(link.service) && unmoved(link.registry));
            link.points = kept
                .map_or_else(|| routes::straight_link(&self.rects, link.service, link.registry), |l| l.points.clone());
        }
        self.provisional = true;
        self.extend_bounds();
    }

    /// Grow the bounds by the routes (a line around the outermost box runs
    /// outside it).
    fn extend_bounds(&mut self) {
        let points = self.edges.iter().filter(|e| !e.self_loop).flat_map(|e| e.points.iter());
        for &p in points.chain(self.discovery.iter().flat_map(|l| l.points.iter())) {
            self.bounds = self.bounds.union(Rect::from_min_max(p, p));
        }
    }

    /// Boxes, groups and edge ends, nothing routed yet.
    fn layout(design: &Design) -> Self {
        let index: HashMap<String, usize> = design.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        let mut rects: Vec<Rect> = design
            .nodes
            .iter()
            .map(|n| Rect::from_center_size(pos2(n.position.x, n.position.y), style::node_size(n.kind)))
            .collect();
        // Receivers run inside their host: draw them stacked under it.
        let mut attached = vec![false; design.nodes.len()];
        let mut stacked: HashMap<usize, f32> = HashMap::new();
        for (i, node) in design.nodes.iter().enumerate() {
            if node.kind != NodeKind::Receiver {
                continue;
            }
            let Some(&host) = node.host.as_ref().and_then(|h| index.get(h)) else { continue };
            if design.nodes.get(host).is_none_or(|h| h.kind == NodeKind::Receiver) {
                continue;
            }
            let Some(&host_rect) = rects.get(host) else { continue };
            let below = stacked.entry(host).or_insert(host_rect.max.y);
            let size = style::node_size(NodeKind::Receiver);
            let top = *below + RECEIVER_GAP;
            let rect = Rect::from_min_size(pos2(host_rect.center().x - size.x / 2.0, top), size);
            *below = rect.max.y;
            if let (Some(slot), Some(flag)) = (rects.get_mut(i), attached.get_mut(i)) {
                *slot = rect;
                *flag = true;
            }
        }

        let mut groups: BTreeMap<String, Rect> = BTreeMap::new();
        for (node, rect) in design.nodes.iter().zip(&rects) {
            if let Some(g) = &node.group {
                let frame = rect.expand(GROUP_PAD);
                let frame = Rect::from_min_max(frame.min - vec2(0.0, GROUP_TITLE), frame.max);
                groups.entry(g.clone()).and_modify(|r| *r = r.union(frame)).or_insert(frame);
            }
        }

        let ends: Vec<Option<(usize, usize)>> =
            design.edges.iter().map(|e| Some((*index.get(&e.from)?, *index.get(&e.to)?))).collect();
        let discovery = discovery::routes(design, &index, &rects);

        let mut bounds = Rect::NOTHING;
        for r in rects.iter().chain(groups.values()) {
            bounds = bounds.union(*r);
        }
        if !bounds.is_positive() {
            bounds = Rect::from_center_size(Pos2::ZERO, vec2(400.0, 300.0));
        }
        Self {
            revision: None,
            rects,
            index,
            attached,
            groups,
            edges: Vec::new(),
            discovery,
            bounds,
            ends,
            provisional: false,
            routing_ms: 0.0,
            pending: None,
        }
    }
}

/// Whether two geometries have the same discovery links (by their ends).
fn same_links(a: &Geometry, b: &Geometry) -> bool {
    a.discovery.len() == b.discovery.len()
        && a.discovery.iter().zip(&b.discovery).all(|(x, y)| (x.service, x.registry) == (y.service, y.registry))
}
