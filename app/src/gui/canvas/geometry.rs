//! Where things are on the canvas, in world coordinates (logical pixels at
//! zoom 1): node rectangles, receivers attached under their host, group
//! frames, edge end points and discovery links. Computed once per document
//! revision, because a 1,000-node design would otherwise redo this work every
//! frame.

use std::collections::{BTreeMap, HashMap};

use egui::{Pos2, Rect, Vec2, pos2, vec2};
use engine::Design;
use engine::model::NodeKind;

use super::discovery::{self, DiscoveryRoute};
use crate::gui::style;

/// Gap between a host and its attached receivers.
const RECEIVER_GAP: f32 = 4.0;
/// Padding of group frames around their members.
pub const GROUP_PAD: f32 = 18.0;
/// Height of a group frame's title strip.
pub const GROUP_TITLE: f32 = 22.0;

/// A drawable edge: its index in `design.edges` and its end points.
#[derive(Clone, Copy, Debug)]
pub struct EdgeRoute {
    /// Index into `design.edges`.
    pub index: usize,
    /// Start on the border of the source.
    pub from: Pos2,
    /// End on the border of the target.
    pub to: Pos2,
    /// Whether it is a loop from a node to itself.
    pub self_loop: bool,
}

impl EdgeRoute {
    /// Where the label goes.
    #[must_use]
    pub fn midpoint(&self) -> Pos2 {
        if self.self_loop { self.from + vec2(18.0, -22.0) } else { self.from.lerp(self.to, 0.5) }
    }

    /// Bounding box of the route.
    #[must_use]
    pub fn bounds(&self) -> Rect {
        let r = Rect::from_two_pos(self.from, self.to);
        if self.self_loop { r.expand(40.0) } else { r }
    }
}

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
    /// Edges with both ends present.
    pub edges: Vec<EdgeRoute>,
    /// Links from discovered services to their registries.
    pub discovery: Vec<DiscoveryRoute>,
    /// Bounding box of everything.
    pub bounds: Rect,
}

impl Default for Geometry {
    fn default() -> Self {
        Self::compute(&Design::default())
    }
}

impl Geometry {
    /// Recompute when the revision changed.
    pub fn refresh(&mut self, design: &Design, revision: u64) {
        if self.revision == Some(revision) {
            return;
        }
        *self = Self::compute(design);
        self.revision = Some(revision);
    }

    /// Forget the cache.
    pub fn invalidate(&mut self) {
        self.revision = None;
    }

    /// The node index at a world point (topmost first).
    #[must_use]
    pub fn node_at(&self, p: Pos2) -> Option<usize> {
        self.rects.iter().rposition(|r| r.contains(p))
    }

    /// Compute the geometry of a design.
    #[must_use]
    pub fn compute(design: &Design) -> Self {
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

        // Parallel edges between the same two nodes fan out side by side.
        let mut pair_count: HashMap<(usize, usize), usize> = HashMap::new();
        let ends: Vec<Option<(usize, usize)>> = design
            .edges
            .iter()
            .map(|e| {
                let (a, b) = (*index.get(&e.from)?, *index.get(&e.to)?);
                *pair_count.entry((a.min(b), a.max(b))).or_insert(0) += 1;
                Some((a, b))
            })
            .collect();
        let mut pair_seen: HashMap<(usize, usize), usize> = HashMap::new();
        let mut edges = Vec::with_capacity(design.edges.len());
        for (i, end) in ends.iter().enumerate() {
            let Some((a, b)) = *end else { continue };
            let (Some(&ra), Some(&rb)) = (rects.get(a), rects.get(b)) else { continue };
            if a == b {
                let from = pos2(ra.max.x - 20.0, ra.min.y);
                edges.push(EdgeRoute { index: i, from, to: pos2(ra.max.x, ra.min.y + 16.0), self_loop: true });
                continue;
            }
            let key = (a.min(b), a.max(b));
            let n = pair_count.get(&key).copied().unwrap_or(1);
            let k = pair_seen.entry(key).or_insert(0);
            let slot = *k as f32 - (n as f32 - 1.0) / 2.0;
            *k += 1;
            // Offset perpendicular to the canonical direction, so A→B and B→A
            // land on different sides.
            let (ca, cb) = if a < b { (ra.center(), rb.center()) } else { (rb.center(), ra.center()) };
            let dir = (cb - ca).normalized();
            let normal = vec2(-dir.y, dir.x) * slot * 12.0;
            let (pa, pb) = (ra.center() + normal, rb.center() + normal);
            let from = clip_to_border(ra, pa, pb - pa);
            let to = clip_to_border(rb, pb, pa - pb);
            edges.push(EdgeRoute { index: i, from, to, self_loop: false });
        }

        let discovery = discovery::routes(design, &index, &rects);

        let mut bounds = Rect::NOTHING;
        for r in rects.iter().chain(groups.values()) {
            bounds = bounds.union(*r);
        }
        if !bounds.is_positive() {
            bounds = Rect::from_center_size(Pos2::ZERO, vec2(400.0, 300.0));
        }
        Self { revision: None, rects, index, attached, groups, edges, discovery, bounds }
    }
}

/// Where a ray from `inside` along `dir` leaves `rect`.
pub(crate) fn clip_to_border(rect: Rect, inside: Pos2, dir: Vec2) -> Pos2 {
    let mut t = f32::INFINITY;
    if dir.x > 0.0 {
        t = t.min((rect.max.x - inside.x) / dir.x);
    } else if dir.x < 0.0 {
        t = t.min((rect.min.x - inside.x) / dir.x);
    }
    if dir.y > 0.0 {
        t = t.min((rect.max.y - inside.y) / dir.y);
    } else if dir.y < 0.0 {
        t = t.min((rect.min.y - inside.y) / dir.y);
    }
    if t.is_finite() && t >= 0.0 { inside + dir * t.min(1.0) } else { inside }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_reaches_the_border() {
        let r = Rect::from_center_size(Pos2::ZERO, vec2(100.0, 50.0));
        let p = clip_to_border(r, Pos2::ZERO, vec2(500.0, 0.0));
        assert!((p.x - 50.0).abs() < 1e-4 && p.y.abs() < 1e-4);
        let p = clip_to_border(r, Pos2::ZERO, vec2(0.0, -500.0));
        assert!((p.y + 25.0).abs() < 1e-4);
    }
}
