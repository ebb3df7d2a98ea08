//! Where edges and discovery links run on the canvas: orthogonal routes
//! around node boxes from the engine's diagram router (`engine::diagram::
//! route`), the same lines the SVG/PNG export and the report draw, so a line
//! never passes under a box it does not connect and never reads as leaving a
//! node it only passes by. Parallel and opposite edges between two nodes
//! share one route, offset side by side so each stays visible and clickable,
//! and the lines meeting one side of a box are spread along it.
//!
//! Routing a large design takes milliseconds to tens of milliseconds, too
//! much for every frame of a drag: [`straight`] is the cheap fallback the
//! geometry cache uses for the edges touching the nodes being dragged (see
//! `geometry.rs`), replaced by real routes when the drag ends.

use std::collections::BTreeMap;

use egui::emath::TSTransform;
use egui::{Pos2, Rect, Vec2, pos2, vec2};
use engine::diagram::ports::{self, Ends};
use engine::diagram::route::Router;
use engine::diagram::{Point, Rect as WorldRect};

/// Widest distance between the outermost of a bundle of parallel edges:
/// they stay within the router's clearance around the boxes they pass, and
/// on the side of the smallest box they end on (a 30-high receiver).
const FAN_WIDTH: f32 = 24.0;
/// Distance between neighbouring parallel edges, when there are few.
const FAN_STEP: f32 = 12.0;
/// Most nodes for which lines to different places are kept apart.
const SPREAD_MAX_NODES: usize = 60;

/// A drawable edge: its index in `design.edges` and the polyline it runs
/// along, in world coordinates, from the source's border to the target's.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    /// Index into `design.edges`.
    pub index: usize,
    /// At least two points; the first on the source's border, the last on
    /// the target's, the last segment at a right angle to the target's side.
    pub points: Vec<Pos2>,
    /// Whether it is a loop from a node to itself (drawn as a curve between
    /// the two points).
    pub self_loop: bool,
}

impl EdgeRoute {
    /// Start on the source's border.
    #[must_use]
    pub fn from(&self) -> Pos2 {
        self.points.first().copied().unwrap_or(Pos2::ZERO)
    }

    /// End on the target's border (the arrowhead's tip).
    #[must_use]
    pub fn to(&self) -> Pos2 {
        self.points.last().copied().unwrap_or(Pos2::ZERO)
    }

    /// Where the label and the edge's click target go: halfway along it.
    #[must_use]
    pub fn midpoint(&self) -> Pos2 {
        if self.self_loop { self.from() + vec2(18.0, -22.0) } else { point_along(&self.points, 0.5) }
    }

    /// Bounding box of the route.
    #[must_use]
    pub fn bounds(&self) -> Rect {
        let r = Rect::from_points(&self.points);
        if self.self_loop { r.expand(40.0) } else { r }
    }

    /// Distance in screen pixels from screen point `p` to the drawn line.
    #[must_use]
    pub fn screen_distance(&self, t: TSTransform, p: Pos2) -> f32 {
        polyline_distance(&self.points, t, p)
    }
}

/// The edge whose drawn line is nearest to screen point `p`, within `max_px`
/// (an index into `design.edges`).
#[must_use]
pub fn nearest_edge(edges: &[EdgeRoute], t: TSTransform, p: Pos2, max_px: f32) -> Option<usize> {
    let world = t.inverse().mul_pos(p);
    let reach = max_px / t.scaling.max(f32::EPSILON);
    let mut best: Option<(f32, usize)> = None;
    for route in edges {
        if !route.bounds().expand(reach).contains(world) {
            continue;
        }
        let d = route.screen_distance(t, p);
        if d <= max_px && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, route.index));
        }
    }
    best.map(|(_, i)| i)
}

/// Length of a polyline.
#[must_use]
pub fn length(points: &[Pos2]) -> f32 {
    points.windows(2).map(|s| (s[1] - s[0]).length()).sum()
}

/// The point at `fraction` (0–1) of a polyline's length.
#[must_use]
pub fn point_along(points: &[Pos2], fraction: f32) -> Pos2 {
    let mut left = length(points) * fraction.clamp(0.0, 1.0);
    for s in points.windows(2) {
        let l = (s[1] - s[0]).length();
        if left <= l && l > 0.0 {
            return s[0].lerp(s[1], left / l);
        }
        left -= l;
    }
    points.last().copied().unwrap_or(Pos2::ZERO)
}

/// Distance in screen pixels from screen point `p` to a world polyline.
#[must_use]
pub fn polyline_distance(points: &[Pos2], t: TSTransform, p: Pos2) -> f32 {
    points.windows(2).map(|s| distance_to_segment(p, t.mul_pos(s[0]), t.mul_pos(s[1]))).fold(f32::INFINITY, f32::min)
}

/// Distance from `p` to the segment `a`–`b`.
#[must_use]
pub fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 <= f32::EPSILON {
        return (p - a).length();
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    (p - (a + ab * t)).length()
}

fn to_world(r: Rect) -> WorldRect {
    WorldRect {
        min: Point::new(f64::from(r.min.x), f64::from(r.min.y)),
        max: Point::new(f64::from(r.max.x), f64::from(r.max.y)),
    }
}

fn to_pos(p: Point) -> Pos2 {
    pos2(p.x as f32, p.y as f32)
}

/// Width across the fan of `n` parallel edges, outermost to outermost.
fn fan_width(n: usize) -> f32 {
    fan(n).last().map_or(0.0, |o| 2.0 * o.abs())
}

/// Offsets of `n` parallel edges, centred on the shared route.
fn fan(n: usize) -> impl Iterator<Item = f32> {
    let step = if n > 1 { FAN_STEP.min(FAN_WIDTH / (n - 1) as f32) } else { 0.0 };
    (0..n).map(move |k| (k as f32 - (n as f32 - 1.0) / 2.0) * step)
}

/// The polyline moved `by` to the left of its direction of travel. Each
/// bend moves along both of its segments' normals, so segments stay
/// parallel to the original and keep their right angles; the end points
/// slide along the side they sit on, since the first and last segments are
/// perpendicular to it.
fn offset(points: &[Pos2], by: f32) -> Vec<Pos2> {
    if by == 0.0 || points.len() < 2 {
        return points.to_vec();
    }
    let normal = |a: Pos2, b: Pos2| -> Vec2 {
        let d = (b - a).normalized();
        if d.is_finite() { vec2(d.y, -d.x) } else { Vec2::ZERO }
    };
    let last = points.len() - 1;
    points
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let before = (i > 0).then(|| normal(points[i - 1], p));
            let after = (i < last).then(|| normal(p, points[i + 1]));
            let shift = match (before, after) {
                // A straight joint (none after simplification) moves once.
                (Some(a), Some(b)) if (a - b).length() < 1e-3 => a,
                (Some(a), Some(b)) => a + b,
                (Some(n), None) | (None, Some(n)) => n,
                (None, None) => Vec2::ZERO,
            };
            p + shift * by
        })
        .collect()
}

/// The self-loop of a node: from its top border to its right border.
fn self_loop(index: usize, r: Rect) -> EdgeRoute {
    EdgeRoute { index, points: vec![pos2(r.max.x - 20.0, r.min.y), pos2(r.max.x, r.min.y + 16.0)], self_loop: true }
}

/// Edges grouped by their unordered pair of ends (smaller index first), in
/// file order within a pair, so the fan order is stable.
fn by_pair(ends: &[Option<(usize, usize)>]) -> BTreeMap<(usize, usize), Vec<usize>> {
    let mut pairs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, end) in ends.iter().enumerate() {
        if let Some((a, b)) = *end {
            pairs.entry((a.min(b), a.max(b))).or_default().push(i);
        }
    }
    pairs
}

/// Every edge routed around the boxes. `ends` holds each edge's source and
/// target node index (None for an edge with a missing end, which is not
/// drawn); `links` the discovery links as (service, registry). Returns the
/// edges' routes in edge order and the links' polylines in link order.
#[must_use]
pub fn routed(rects: &[Rect], ends: &[Option<(usize, usize)>], links: &[(usize, usize)]) -> RouteSet {
    let boxes: Vec<WorldRect> = rects.iter().copied().map(to_world).collect();
    // Keeping lines apart costs a search per grid step taken before; past
    // SPREAD_MAX_NODES it multiplies the routing time (2 s instead of 0.2 s
    // for the 276-node sample), paid after every edit.
    let mut router = Router::new(&boxes).spread_lines(rects.len() <= SPREAD_MAX_NODES);
    let mut edges: Vec<EdgeRoute> = Vec::with_capacity(ends.len());
    // Routes are taken in a fixed order (edge pairs by node index, then
    // links): the router remembers the grid steps each line took, so later
    // lines keep apart from it.
    let mut pairs: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    let mut routes: Vec<Vec<Point>> = Vec::new();
    let mut port_ends: Vec<Ends> = Vec::new();
    for ((a, b), members) in by_pair(ends) {
        if a == b {
            let Some(&r) = rects.get(a) else { continue };
            edges.extend(members.iter().map(|&i| self_loop(i, r)));
            continue;
        }
        routes.push(router.route(a, b));
        port_ends.push(Ends { from: a, to: b, width: f64::from(fan_width(members.len())) });
        pairs.push((a, b, members));
    }
    for &(service, registry) in links {
        routes.push(router.route(service, registry));
        port_ends.push(Ends { from: service, to: registry, width: 0.0 });
    }
    // Lines (and fans) meeting one side of a box get points of their own on it.
    ports::spread(&mut routes, &port_ends, &boxes, &|p, q| router.clear(p, q));
    let mut routes = routes.into_iter().map(|r| r.into_iter().map(to_pos).collect::<Vec<Pos2>>());
    for (a, _, members) in pairs {
        let shared = routes.next().unwrap_or_default();
        if shared.len() < 2 {
            continue;
        }
        let offsets: Vec<f32> = fan(members.len()).collect();
        // A fan that would cut into a box (routes squeezed between close
        // boxes) is narrowed, and as a last resort the edges share the line.
        let clear = |by: f32| offset(&shared, by).windows(2).all(|s| router_clear(&router, s[0], s[1]));
        let scale = [1.0, 0.5, 0.0].into_iter().find(|&k| offsets.iter().all(|&o| clear(o * k))).unwrap_or(0.0);
        for (&i, &o) in members.iter().zip(&offsets) {
            let mut points = offset(&shared, o * scale);
            // Opposite edges run the shared route backwards, so they land
            // on the other side of it.
            if ends.get(i).copied().flatten().is_some_and(|(from, _)| from != a) {
                points.reverse();
            }
            edges.push(EdgeRoute { index: i, points, self_loop: false });
        }
    }
    edges.sort_by_key(|e| e.index);
    RouteSet { edges, links: routes.collect() }
}

fn router_clear(router: &Router, a: Pos2, b: Pos2) -> bool {
    router.clear(Point::new(f64::from(a.x), f64::from(a.y)), Point::new(f64::from(b.x), f64::from(b.y)))
}

/// Edges and discovery links, routed.
#[derive(Clone, Debug, Default)]
pub struct RouteSet {
    /// Edge routes, ordered by edge index.
    pub edges: Vec<EdgeRoute>,
    /// Link polylines, in link order.
    pub links: Vec<Vec<Pos2>>,
}

/// The cheap route of one edge: a straight line between the borders,
/// parallel edges fanned out (the canvas's drawing before routing, kept for
/// the edges of nodes being dragged).
#[must_use]
pub fn straight(rects: &[Rect], ends: &[Option<(usize, usize)>], index: usize) -> Option<EdgeRoute> {
    let (a, b) = ends.get(index).copied().flatten()?;
    let (&ra, &rb) = (rects.get(a)?, rects.get(b)?);
    if a == b {
        return Some(self_loop(index, ra));
    }
    let siblings: Vec<usize> = ends
        .iter()
        .enumerate()
        .filter(|(_, e)| e.is_some_and(|(x, y)| (x.min(y), x.max(y)) == (a.min(b), a.max(b))))
        .map(|(i, _)| i)
        .collect();
    let slot = siblings.iter().position(|&i| i == index).unwrap_or(0);
    let o = fan(siblings.len()).nth(slot).unwrap_or(0.0);
    // Offset perpendicular to the canonical direction, so A→B and B→A land
    // on different sides.
    let (ca, cb) = if a < b { (ra.center(), rb.center()) } else { (rb.center(), ra.center()) };
    let dir = (cb - ca).normalized();
    let normal = if dir.is_finite() { vec2(dir.y, -dir.x) * o } else { Vec2::ZERO };
    let (pa, pb) = (ra.center() + normal, rb.center() + normal);
    Some(EdgeRoute {
        index,
        points: vec![clip_to_border(ra, pa, pb - pa), clip_to_border(rb, pb, pa - pb)],
        self_loop: false,
    })
}

/// The cheap polyline of a discovery link: straight, border to border.
#[must_use]
pub fn straight_link(rects: &[Rect], service: usize, registry: usize) -> Vec<Pos2> {
    let (Some(&a), Some(&b)) = (rects.get(service), rects.get(registry)) else { return Vec::new() };
    let (ca, cb) = (a.center(), b.center());
    vec![clip_to_border(a, ca, cb - ca), clip_to_border(b, cb, ca - cb)]
}

/// Where a ray from `inside` along `dir` leaves `rect`.
#[must_use]
pub fn clip_to_border(rect: Rect, inside: Pos2, dir: Vec2) -> Pos2 {
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
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn boxes() -> Vec<Rect> {
        [0.0, 300.0, 600.0].iter().map(|&x| Rect::from_center_size(pos2(x, 0.0), vec2(168.0, 60.0))).collect()
    }

    fn crosses(r: Rect, a: Pos2, b: Pos2) -> bool {
        to_world(r).crossed_by(Point::new(f64::from(a.x), f64::from(a.y)), Point::new(f64::from(b.x), f64::from(b.y)))
    }

    #[test]
    fn clip_reaches_the_border() {
        let r = Rect::from_center_size(Pos2::ZERO, vec2(100.0, 50.0));
        let p = clip_to_border(r, Pos2::ZERO, vec2(500.0, 0.0));
        assert!((p.x - 50.0).abs() < 1e-4 && p.y.abs() < 1e-4);
        let p = clip_to_border(r, Pos2::ZERO, vec2(0.0, -500.0));
        assert!((p.y + 25.0).abs() < 1e-4);
    }

    #[test]
    fn an_edge_goes_around_the_box_between_its_ends() {
        let rects = boxes();
        let set = routed(&rects, &[Some((0, 2))], &[]);
        let route = &set.edges[0];
        assert!(route.points.len() >= 4, "bends around the middle box: {route:?}");
        for s in route.points.windows(2) {
            for r in &rects {
                assert!(!crosses(*r, s[0], s[1]), "{s:?} crosses {r:?}");
            }
        }
        let on_border = |r: Rect, p: Pos2| to_world(r).on_border(Point::new(f64::from(p.x), f64::from(p.y)), 0.01);
        assert!(on_border(rects[0], route.from()) && on_border(rects[2], route.to()), "{route:?}");
        // The straight fallback goes right through it.
        let cheap = straight(&rects, &[Some((0, 2))], 0).unwrap();
        assert!(crosses(rects[1], cheap.from(), cheap.to()));
    }

    #[test]
    fn parallel_and_opposite_edges_are_told_apart() {
        let rects = boxes();
        let ends = [Some((0, 1)), Some((0, 1)), Some((1, 0))];
        let set = routed(&rects, &ends, &[]);
        assert_eq!(set.edges.iter().map(|e| e.index).collect::<Vec<_>>(), [0, 1, 2]);
        let mids: Vec<Pos2> = set.edges.iter().map(EdgeRoute::midpoint).collect();
        for i in 0..3 {
            for j in i + 1..3 {
                assert!((mids[i] - mids[j]).length() >= 10.0, "{mids:?}");
            }
        }
        // The opposite edge ends on the first node, its arrowhead there.
        assert!(rects[0].expand(0.01).contains(set.edges[2].to()));
        assert!(rects[1].expand(0.01).contains(set.edges[2].from()));
        for e in &set.edges {
            for s in e.points.windows(2) {
                assert!(s[0].x == s[1].x || s[0].y == s[1].y, "orthogonal: {e:?}");
            }
        }
    }

    #[test]
    fn lines_leaving_one_side_leave_it_apart_in_order() {
        // Three boxes to the right of the first, one above another, and a
        // fan of two edges to the middle one.
        let mut rects = vec![Rect::from_center_size(Pos2::ZERO, vec2(168.0, 60.0))];
        rects.extend([-150.0, 0.0, 150.0].map(|y| Rect::from_center_size(pos2(400.0, y), vec2(168.0, 60.0))));
        let ends = [Some((0, 3)), Some((0, 1)), Some((0, 2)), Some((0, 2))];
        let set = routed(&rects, &ends, &[]);
        let starts: Vec<Pos2> = set.edges.iter().map(EdgeRoute::from).collect();
        for (i, a) in starts.iter().enumerate() {
            assert!(to_world(rects[0]).on_border(Point::new(f64::from(a.x), f64::from(a.y)), 0.01), "{starts:?}");
            for b in &starts[i + 1..] {
                assert!((*a - *b).length() >= 8.0, "two lines leave at one point: {starts:?}");
            }
        }
        // Upper box's line above the middle box's fan, above the lower box's line.
        assert!(starts[1].y < starts[2].y.min(starts[3].y) && starts[2].y.max(starts[3].y) < starts[0].y, "{starts:?}");
        for e in &set.edges {
            for s in e.points.windows(2) {
                assert!(s[0].x == s[1].x || s[0].y == s[1].y, "orthogonal: {e:?}");
                assert!(rects.iter().all(|r| !crosses(*r, s[0], s[1])), "{e:?}");
            }
        }
    }

    #[test]
    fn distance_follows_the_polyline() {
        let route = EdgeRoute {
            index: 0,
            points: vec![pos2(0.0, 0.0), pos2(0.0, 100.0), pos2(100.0, 100.0)],
            self_loop: false,
        };
        let t = TSTransform::IDENTITY;
        assert!(route.screen_distance(t, pos2(50.0, 103.0)) <= 3.0 + 1e-4);
        assert!(route.screen_distance(t, pos2(50.0, 50.0)) >= 49.0, "not the chord from start to end");
        assert_eq!(route.midpoint(), pos2(0.0, 100.0));
        assert_eq!(point_along(&route.points, 0.75), pos2(50.0, 100.0));
    }
}
