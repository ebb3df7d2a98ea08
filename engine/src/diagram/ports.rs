//! Where lines meet a box: the router starts and ends every line at the
//! middle of a side, so several lines on one side would meet in one point
//! and read as one. Here the ends on each side of each box are spread along
//! it, a fixed gap apart (closer on a short side, never past its corners),
//! ordered by where each line's other end lies along that side, so
//! neighbouring lines do not cross on their way out (as draw.io and ELK
//! place ports). Moving an end slides the line's first segment, which is at
//! a right angle to the side, along the side: the route keeps its right
//! angles, and a straight line between two boxes gets a small jog.
//!
//! A move that would take a line through a box is made smaller, and as a
//! last resort not made.

use std::collections::BTreeMap;

use super::ARROW_LEN;
use super::geom::{Point, Rect};

/// Space between the drawn widths of neighbouring ends on a side: room for
/// an arrowhead (12 units wide) and a little air.
pub const PORT_GAP: f64 = 18.0;
/// Distance an end keeps from a side's corners.
const CORNER: f64 = 6.0;
/// How far off a side's line an end may lie and still count as on it.
const ON_SIDE: f64 = 0.01;

/// A routed line's ends, for spreading.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ends {
    /// Node index of the first point.
    pub from: usize,
    /// Node index of the last point.
    pub to: usize,
    /// Width the line takes across (a fan of parallel lines drawn around
    /// it); 0 for a single line.
    pub width: f64,
}

/// A box side: right, bottom, left, top (the router's directions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// x = max.x.
    Right,
    /// y = max.y.
    Bottom,
    /// x = min.x.
    Left,
    /// y = min.y.
    Top,
}

impl Side {
    /// Whether the side runs along x (top and bottom).
    fn horizontal(self) -> bool {
        matches!(self, Self::Top | Self::Bottom)
    }

    /// The coordinate along the side.
    fn along(self, p: Point) -> f64 {
        if self.horizontal() { p.x } else { p.y }
    }

    /// The coordinate across the side (distance outwards grows with it on
    /// the right and bottom).
    fn across(self, p: Point) -> f64 {
        if self.horizontal() { p.y } else { p.x }
    }

    /// A move of `d` along the side.
    fn shift(self, d: f64) -> Point {
        if self.horizontal() { Point::new(d, 0.0) } else { Point::new(0.0, d) }
    }
}

/// The side of `r` a line end `p` sits on, leaving it towards `next` at a
/// right angle; `None` for an end that does not (a diagonal fallback line).
#[must_use]
pub fn side_of(r: &Rect, p: Point, next: Point) -> Option<Side> {
    let (dx, dy) = (next.x - p.x, next.y - p.y);
    let side = if dy == 0.0 && dx > 0.0 {
        Side::Right
    } else if dx == 0.0 && dy > 0.0 {
        Side::Bottom
    } else if dy == 0.0 && dx < 0.0 {
        Side::Left
    } else if dx == 0.0 && dy < 0.0 {
        Side::Top
    } else {
        return None;
    };
    let line = match side {
        Side::Right => r.max.x,
        Side::Bottom => r.max.y,
        Side::Left => r.min.x,
        Side::Top => r.min.y,
    };
    let (lo, hi) = if side.horizontal() { (r.min.x, r.max.x) } else { (r.min.y, r.max.y) };
    let t = side.along(p);
    ((side.across(p) - line).abs() <= ON_SIDE && t >= lo - ON_SIDE && t <= hi + ON_SIDE).then_some(side)
}

/// One end on a side: route, which end, sort keys.
#[derive(Clone, Copy, Debug)]
struct End {
    route: usize,
    last: bool,
    /// The other end's place along the side, then across it.
    key: (f64, f64),
    width: f64,
}

/// Spread the ends of `routes` (described by `ends`, boxes `rects`) along
/// the sides they meet. `clear` says whether a segment stays out of every
/// box's interior (the router's check).
pub fn spread(routes: &mut [Vec<Point>], ends: &[Ends], rects: &[Rect], clear: &dyn Fn(Point, Point) -> bool) {
    let mut sides: BTreeMap<(usize, Side), Vec<End>> = BTreeMap::new();
    for (i, (points, e)) in routes.iter().zip(ends).enumerate() {
        if e.from == e.to {
            continue;
        }
        let (Some(&first), Some(&second), Some(&last), Some(&before)) =
            (points.first(), points.get(1), points.last(), points.len().checked_sub(2).and_then(|k| points.get(k)))
        else {
            continue;
        };
        for (node, p, next, other, is_last) in [(e.from, first, second, last, false), (e.to, last, before, first, true)]
        {
            let Some(r) = rects.get(node) else { continue };
            let Some(side) = side_of(r, p, next) else { continue };
            let key = (side.along(other), side.across(other));
            sides.entry((node, side)).or_default().push(End { route: i, last: is_last, key, width: e.width });
        }
    }
    // Each route's move at its start and its end, along the side.
    let mut moves: Vec<(Point, Point)> = vec![(Point::new(0.0, 0.0), Point::new(0.0, 0.0)); routes.len()];
    for ((node, side), mut group) in sides {
        if group.len() < 2 {
            continue;
        }
        let Some(r) = rects.get(node) else { continue };
        group.sort_by(|a, b| a.key.0.total_cmp(&b.key.0).then(a.key.1.total_cmp(&b.key.1)).then(a.route.cmp(&b.route)));
        let (lo, hi) = if side.horizontal() { (r.min.x, r.max.x) } else { (r.min.y, r.max.y) };
        for (end, at) in group.iter().zip(places(&group, lo, hi)) {
            let Some(points) = routes.get(end.route) else { continue };
            let p = if end.last { points.last() } else { points.first() };
            let Some(&p) = p else { continue };
            let d = side.shift(at - side.along(p));
            if let Some(m) = moves.get_mut(end.route) {
                if end.last {
                    m.1 = d;
                } else {
                    m.0 = d;
                }
            }
        }
    }
    for (points, &(start, end)) in routes.iter_mut().zip(&moves) {
        if start == end && start == Point::new(0.0, 0.0) {
            continue;
        }
        // The whole move if it stays clear of the boxes, else a part of it.
        for k in [1.0, 0.5, 0.25] {
            let moved = moved(points, scale(start, k), scale(end, k));
            if moved.windows(2).all(|s| clear(s[0], s[1])) {
                *points = moved;
                break;
            }
        }
    }
}

fn scale(p: Point, k: f64) -> Point {
    Point::new(p.x * k, p.y * k)
}

fn add(p: Point, d: Point) -> Point {
    Point::new(p.x + d.x, p.y + d.y)
}

/// Where the ends of a sorted group go along a side from `lo` to `hi`:
/// centred on the middle, their widths plus [`PORT_GAP`] apart, pressed
/// closer when the side is too short.
fn places(group: &[End], lo: f64, hi: f64) -> Vec<f64> {
    let pitches: Vec<f64> = group.windows(2).map(|w| f64::midpoint(w[0].width, w[1].width) + PORT_GAP).collect();
    let span: f64 = pitches.iter().sum();
    let room = (hi - lo - 2.0 * CORNER).max(0.0);
    let k = if span > room && span > 0.0 { room / span } else { 1.0 };
    let mut at = f64::midpoint(lo, hi) - span * k / 2.0;
    let mut out = Vec::with_capacity(group.len());
    out.push(at);
    for p in pitches {
        at += p * k;
        out.push(at);
    }
    out
}

/// `points` with the first segment moved by `start` and the last by `end`.
/// A straight line whose two ends move differently gets a jog, placed to
/// leave the last segment at least an arrowhead long.
fn moved(points: &[Point], start: Point, end: Point) -> Vec<Point> {
    let mut out = points.to_vec();
    let n = out.len();
    if n == 2 {
        let (Some(&a), Some(&b)) = (out.first(), out.last()) else { return out };
        if start == end {
            return vec![add(a, start), add(b, end)];
        }
        let len = a.distance(b);
        let tail = (len / 2.0).max((ARROW_LEN + 4.0).min(len - 1.0)).max(0.0);
        let t = if len > 0.0 { (len - tail) / len } else { 0.5 };
        let m = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
        return super::route::simplify(vec![add(a, start), add(m, start), add(m, end), add(b, end)]);
    }
    for i in [0, 1] {
        if let Some(p) = out.get_mut(i) {
            *p = add(*p, start);
        }
    }
    for i in [n.saturating_sub(2), n.saturating_sub(1)] {
        if let Some(p) = out.get_mut(i) {
            *p = add(*p, end);
        }
    }
    super::route::simplify(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::diagram::route::Router;

    #[test]
    fn ends_on_one_side_are_spread_in_the_order_of_their_other_ends() {
        // One box on the left, three on the right at different heights.
        let rects = [
            Rect::from_center_size(Point::new(0.0, 0.0), 168.0, 60.0),
            Rect::from_center_size(Point::new(400.0, -150.0), 168.0, 60.0),
            Rect::from_center_size(Point::new(400.0, 0.0), 168.0, 60.0),
            Rect::from_center_size(Point::new(400.0, 150.0), 168.0, 60.0),
        ];
        let mut router = Router::new(&rects);
        let mut routes: Vec<Vec<Point>> = [3, 1, 2].iter().map(|&to| router.route(0, to)).collect();
        let ends: Vec<Ends> = [3, 1, 2].iter().map(|&to| Ends { from: 0, to, width: 0.0 }).collect();
        let starts = |routes: &[Vec<Point>]| routes.iter().map(|r| r[0]).collect::<Vec<_>>();
        let before = starts(&routes);
        assert!(before.windows(2).all(|w| w[0] == w[1]), "the router starts all three in one point: {before:?}");
        spread(&mut routes, &ends, &rects, &|a, b| router.clear(a, b));
        let after = starts(&routes);
        // Upwards to the upper box, downwards to the lower one.
        assert!(after[1].y < after[2].y && after[2].y < after[0].y, "{after:?}");
        assert!((after[0].y - after[2].y - PORT_GAP).abs() < 1e-9);
        for (route, e) in routes.iter().zip(&ends) {
            assert!(rects[0].on_border(route[0], 1e-9) && rects[e.to].on_border(*route.last().unwrap(), 1e-9));
            for s in route.windows(2) {
                assert!(s[0].x == s[1].x || s[0].y == s[1].y, "orthogonal: {route:?}");
                assert!(rects.iter().all(|r| !r.crossed_by(s[0], s[1])), "{route:?}");
            }
            assert!(route[route.len() - 2].distance(*route.last().unwrap()) >= ARROW_LEN);
        }
    }

    #[test]
    fn a_straight_line_gets_a_jog_and_a_short_side_packs_its_ends() {
        let jog = moved(&[Point::new(0.0, 0.0), Point::new(100.0, 0.0)], Point::new(0.0, -9.0), Point::new(0.0, 0.0));
        assert_eq!(jog.len(), 4);
        assert_eq!(jog[0], Point::new(0.0, -9.0));
        assert_eq!(jog[3], Point::new(100.0, 0.0));
        assert!(jog[2].distance(jog[3]) >= ARROW_LEN);
        let group: Vec<End> = (0..4).map(|i| End { route: i, last: false, key: (i as f64, 0.0), width: 0.0 }).collect();
        let at = places(&group, 0.0, 30.0);
        assert!(at.windows(2).all(|w| w[1] > w[0]), "{at:?}");
        assert!(at[0] >= CORNER - 1e-9 && at[3] <= 30.0 - CORNER + 1e-9, "{at:?}");
        let at = places(&group[..2], 0.0, 168.0);
        assert_eq!(at, vec![84.0 - PORT_GAP / 2.0, 84.0 + PORT_GAP / 2.0]);
    }
}
