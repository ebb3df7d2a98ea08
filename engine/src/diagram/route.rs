//! Orthogonal edge routing around node boxes: A* over a sparse grid made of
//! the lines along every box's sides (kept a margin away) and centre, with a
//! cost per bend, so a line goes around a box it does not belong to instead of
//! passing under it. A line leaves its source and enters its target at the
//! middle of a side, at a right angle, so the arrowhead sits on the border;
//! `ports.rs` then spreads the lines that share a side along it.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

use super::geom::{Point, Rect, clip_to_border};

/// Distance kept between a line and a box it passes.
pub const CLEARANCE: f64 = 14.0;
/// Second try for boxes closer together than two clearances.
const TIGHT: f64 = 4.0;
/// What a bend costs, in units of length: fewer bends read better than a
/// slightly shorter line.
const BEND_COST: i64 = 40 * SCALE;
/// Fixed-point scale of coordinates in the search (quarter units), so costs
/// are integers and ties break the same way on every machine.
const SCALE: i64 = 4;
/// Search steps allowed per edge before giving up on a try.
const MAX_STEPS: usize = 400_000;
/// Boxes above which lines may share grid steps at no extra cost: on very
/// large designs the detours this penalty asks for multiply the search.
const SPREAD_LIMIT: usize = 400;
/// Side of the buckets of the obstacle index.
const BUCKET: f64 = 256.0;

/// Directions of travel: right, down, left, up.
const DIRS: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

fn quantize(v: f64) -> i64 {
    (v * SCALE as f64).round() as i64
}

fn unquantize(v: i64) -> f64 {
    v as f64 / SCALE as f64
}

/// The obstacles of one diagram and the grid over them, reused for every edge.
#[derive(Debug)]
pub struct Router {
    rects: Vec<Rect>,
    xs: Vec<i64>,
    ys: Vec<i64>,
    origin: Point,
    columns: usize,
    rows: usize,
    buckets: Vec<Vec<usize>>,
    /// Grid steps already taken by a line: a later line pays extra to run
    /// along them, so lines to different places do not merge into one
    /// (which would hide where each goes).
    used: BTreeSet<(usize, usize)>,
    /// Whether later lines pay for the steps earlier ones took.
    spread: bool,
}

impl Router {
    /// A router around `rects` (node boxes, indexed like the design's nodes).
    #[must_use]
    pub fn new(rects: &[Rect]) -> Self {
        let mut xs = Vec::with_capacity(rects.len() * 5 + 2);
        let mut ys = Vec::with_capacity(rects.len() * 5 + 2);
        let mut bounds: Option<Rect> = None;
        for r in rects {
            let c = r.center();
            for m in [2.0 * CLEARANCE, CLEARANCE, TIGHT] {
                xs.extend([quantize(r.min.x - m), quantize(r.max.x + m)]);
                ys.extend([quantize(r.min.y - m), quantize(r.max.y + m)]);
            }
            xs.push(quantize(c.x));
            ys.push(quantize(c.y));
            bounds = Some(bounds.map_or(*r, |b| b.union(r)));
        }
        let bounds = bounds.unwrap_or(Rect::from_min_size(Point::new(0.0, 0.0), 1.0, 1.0));
        // An outer ring so there is always a way around everything.
        let outer = bounds.expand(3.0 * CLEARANCE);
        xs.extend([quantize(outer.min.x), quantize(outer.max.x)]);
        ys.extend([quantize(outer.min.y), quantize(outer.max.y)]);
        xs.sort_unstable();
        xs.dedup();
        ys.sort_unstable();
        ys.dedup();
        let columns = ((outer.width() / BUCKET).ceil() as usize).max(1);
        let rows = ((outer.height() / BUCKET).ceil() as usize).max(1);
        let mut router = Self {
            rects: rects.to_vec(),
            xs,
            ys,
            origin: outer.min,
            columns,
            rows,
            buckets: Vec::new(),
            used: BTreeSet::new(),
            spread: rects.len() <= SPREAD_LIMIT,
        };
        router.buckets = vec![Vec::new(); columns * rows];
        for (i, r) in rects.iter().enumerate() {
            let (c0, r0, c1, r1) = router.cells(&r.expand(CLEARANCE));
            for row in r0..=r1 {
                for col in c0..=c1 {
                    if let Some(b) = router.buckets.get_mut(row * columns + col) {
                        b.push(i);
                    }
                }
            }
        }
        router
    }

    fn cells(&self, r: &Rect) -> (usize, usize, usize, usize) {
        let cell = |v: f64, o: f64, n: usize| (((v - o) / BUCKET).floor().max(0.0) as usize).min(n - 1);
        (
            cell(r.min.x, self.origin.x, self.columns),
            cell(r.min.y, self.origin.y, self.rows),
            cell(r.max.x, self.origin.x, self.columns),
            cell(r.max.y, self.origin.y, self.rows),
        )
    }

    /// Whether the segment passes within `block` of a box other than `skip`.
    fn blocked(&self, a: Point, b: Point, block: f64, skip: Option<usize>) -> bool {
        let span = Rect { min: Point::new(a.x.min(b.x), a.y.min(b.y)), max: Point::new(a.x.max(b.x), a.y.max(b.y)) };
        let (c0, r0, c1, r1) = self.cells(&span);
        for row in r0..=r1 {
            for col in c0..=c1 {
                let Some(bucket) = self.buckets.get(row * self.columns + col) else { continue };
                for &i in bucket {
                    if Some(i) == skip {
                        continue;
                    }
                    let Some(r) = self.rects.get(i) else { continue };
                    let zone = r.expand(block);
                    if zone.crossed_by(a, b) || zone.contains_strictly(a) || zone.contains_strictly(b) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Keep later lines apart from earlier ones (`true`, the default up to
    /// 400 boxes) or let them share grid steps: the canvas turns it off on
    /// large designs, where it makes routing about ten times slower.
    #[must_use]
    pub fn spread_lines(mut self, on: bool) -> Self {
        self.spread = on;
        self
    }

    /// Whether the segment `a`–`b` stays out of every box's interior (the
    /// canvas checks the parallel lines it offsets from a route).
    #[must_use]
    pub fn clear(&self, a: Point, b: Point) -> bool {
        !self.blocked(a, b, 0.0, None)
    }

    /// The route of an edge from box `from` to box `to`: a polyline starting
    /// on the source's border and ending on the target's, each end at a right
    /// angle to its side. Falls back to a straight line when no way around
    /// exists (boxes drawn on top of each other).
    #[must_use]
    pub fn route(&mut self, from: usize, to: usize) -> Vec<Point> {
        let (Some(a), Some(b)) = (self.rects.get(from), self.rects.get(to)) else { return Vec::new() };
        if from == to {
            return self_loop(a);
        }
        for clearance in [CLEARANCE, TIGHT] {
            if let Some((path, cells)) = self.search(from, to, clearance) {
                self.used.extend(cells.windows(2).map(|w| (w[0].min(w[1]), w[0].max(w[1]))));
                return path;
            }
        }
        let (ca, cb) = (a.center(), b.center());
        vec![clip_to_border(a, ca, cb), clip_to_border(b, cb, ca)]
    }

    /// Where the search may start or end on a box: the middle of each side,
    /// `clearance` out; with the point on the border and the outward direction.
    fn ports(&self, node: usize, clearance: f64) -> Vec<(Point, Point, usize)> {
        let Some(r) = self.rects.get(node) else { return Vec::new() };
        let c = r.center();
        let border =
            [Point::new(r.max.x, c.y), Point::new(c.x, r.max.y), Point::new(r.min.x, c.y), Point::new(c.x, r.min.y)];
        let mut out = Vec::new();
        for (dir, (&(dx, dy), on)) in DIRS.iter().zip(border).enumerate() {
            let port = Point::new(on.x + dx as f64 * clearance, on.y + dy as f64 * clearance);
            if !self.blocked(on, port, clearance - 1.0, Some(node)) && !self.blocked(port, port, clearance - 1.0, None)
            {
                out.push((port, on, dir));
            }
        }
        out
    }

    fn search(&self, from: usize, to: usize, clearance: f64) -> Option<(Vec<Point>, Vec<usize>)> {
        let block = clearance - 1.0;
        let starts = self.ports(from, clearance);
        let goals = self.ports(to, clearance);
        if starts.is_empty() || goals.is_empty() {
            return None;
        }
        let grid_index = |p: Point| -> Option<(usize, usize)> {
            Some((self.xs.binary_search(&quantize(p.x)).ok()?, self.ys.binary_search(&quantize(p.y)).ok()?))
        };
        let rows = self.ys.len();
        let key = |i: usize, j: usize, d: usize| ((i * rows + j) * 4 + d) as u64;
        let goal_cells: Vec<((usize, usize), usize, Point)> =
            goals.iter().filter_map(|&(p, on, dir)| Some((grid_index(p)?, (dir + 2) % 4, on))).collect();
        let heuristic = |i: usize, j: usize| -> i64 {
            let (x, y) = (self.xs.get(i).copied().unwrap_or(0), self.ys.get(j).copied().unwrap_or(0));
            goal_cells
                .iter()
                .map(|&((gi, gj), _, _)| {
                    (self.xs.get(gi).copied().unwrap_or(0) - x).abs()
                        + (self.ys.get(gj).copied().unwrap_or(0) - y).abs()
                })
                .min()
                .unwrap_or(0)
        };
        // Best cost and parent per (cell, direction), only looked up, never
        // iterated; the heap is ordered by (estimate, insertion sequence), so
        // equal estimates pop in a fixed order and the route is the same on
        // every run.
        let mut best: HashMap<u64, (i64, Option<u64>)> = HashMap::new();
        let mut heap: BinaryHeap<Reverse<(i64, u64, u64)>> = BinaryHeap::new();
        let mut seq = 0_u64;
        let stub = quantize(clearance);
        for &(port, _, dir) in &starts {
            let Some((i, j)) = grid_index(port) else { continue };
            let k = key(i, j, dir);
            if best.get(&k).is_none_or(|&(g, _)| stub < g) {
                best.insert(k, (stub, None));
                heap.push(Reverse((stub + heuristic(i, j), seq, k)));
                seq += 1;
            }
        }
        let mut done: Option<(u64, i64)> = None;
        let mut steps = 0;
        while let Some(Reverse((estimate, _, k))) = heap.pop() {
            steps += 1;
            if steps > MAX_STEPS {
                return None;
            }
            let Some(&(g, _)) = best.get(&k) else { continue };
            let (cell, dir) = ((k / 4) as usize, (k % 4) as usize);
            let (i, j) = (cell / rows, cell % rows);
            if done.is_some_and(|(_, total)| estimate >= total) {
                break;
            }
            let here = Point::new(unquantize(self.xs.get(i).copied()?), unquantize(self.ys.get(j).copied()?));
            for &((gi, gj), inward, _) in &goal_cells {
                if (gi, gj) == (i, j) {
                    let total = g + stub + if dir == inward { 0 } else { BEND_COST };
                    if done.is_none_or(|(_, c)| total < c) {
                        done = Some((k, total));
                    }
                }
            }
            for (d, &(dx, dy)) in DIRS.iter().enumerate() {
                if d == (dir + 2) % 4 {
                    continue;
                }
                let (Some(ni), Some(nj)) = (i.checked_add_signed(dx as isize), j.checked_add_signed(dy as isize))
                else {
                    continue;
                };
                let (Some(&nx), Some(&ny)) = (self.xs.get(ni), self.ys.get(nj)) else { continue };
                let next = Point::new(unquantize(nx), unquantize(ny));
                if self.blocked(here, next, block, None) {
                    continue;
                }
                let mut step = (nx - quantize(here.x)).abs() + (ny - quantize(here.y)).abs();
                let (ca, cb) = (i * rows + j, ni * rows + nj);
                if self.spread && self.used.contains(&(ca.min(cb), ca.max(cb))) {
                    step += step / 2;
                }
                let ng = g + step + if d == dir { 0 } else { BEND_COST };
                let nk = key(ni, nj, d);
                if best.get(&nk).is_none_or(|&(old, _)| ng < old) {
                    best.insert(nk, (ng, Some(k)));
                    heap.push(Reverse((ng + heuristic(ni, nj), seq, nk)));
                    seq += 1;
                }
            }
        }
        let (end_key, _) = done?;
        let (end_cell, end_dir) = ((end_key / 4) as usize, (end_key % 4) as usize);
        let end_on = goal_cells
            .iter()
            .filter(|&&((gi, gj), _, _)| (gi * rows + gj) == end_cell)
            .min_by_key(|&&(_, inward, _)| usize::from(inward != end_dir))
            .map(|&(_, _, on)| on)?;
        let mut cells = Vec::new();
        let mut visited = Vec::new();
        let mut cursor = Some(end_key);
        while let Some(k) = cursor {
            let cell = (k / 4) as usize;
            visited.push(cell);
            cells.push(Point::new(
                unquantize(self.xs.get(cell / rows).copied()?),
                unquantize(self.ys.get(cell % rows).copied()?),
            ));
            cursor = best.get(&k).and_then(|&(_, parent)| parent);
        }
        cells.reverse();
        let first = *cells.first()?;
        let start_on = starts.iter().find(|&&(p, _, _)| p == first).map(|&(_, on, _)| on)?;
        let mut path = vec![start_on];
        path.extend(cells);
        path.push(end_on);
        Some((simplify(path), visited))
    }
}

/// A small loop over a box's top-right corner.
fn self_loop(r: &Rect) -> Vec<Point> {
    let x = r.max.x - 30.0;
    let y = r.min.y + 16.0;
    vec![
        Point::new(x, r.min.y),
        Point::new(x, r.min.y - 22.0),
        Point::new(r.max.x + 22.0, r.min.y - 22.0),
        Point::new(r.max.x + 22.0, y),
        Point::new(r.max.x, y),
    ]
}

/// Drop repeated points and the middle of three collinear points.
pub(super) fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let collinear = (a.x == b.x && b.x == p.x) || (a.y == b.y && b.y == p.y);
            let forward = (b.x - a.x) * (p.x - b.x) + (b.y - a.y) * (p.y - b.y) >= 0.0;
            if collinear && forward {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_line_goes_around_a_box_in_its_way() {
        let size = (168.0, 60.0);
        let rects = [
            Rect::from_center_size(Point::new(0.0, 0.0), size.0, size.1),
            Rect::from_center_size(Point::new(300.0, 0.0), size.0, size.1),
            Rect::from_center_size(Point::new(600.0, 0.0), size.0, size.1),
        ];
        let mut router = Router::new(&rects);
        let path = router.route(0, 2);
        assert!(path.len() >= 4, "bends around the middle box: {path:?}");
        for w in path.windows(2) {
            for r in &rects {
                assert!(!r.crossed_by(w[0], w[1]), "{w:?} crosses {r:?}");
            }
            assert!(w[0].x == w[1].x || w[0].y == w[1].y, "orthogonal");
        }
        assert!(rects[0].on_border(path[0], 1e-6));
        assert!(rects[2].on_border(*path.last().unwrap(), 1e-6));
        // Next to each other: one straight segment.
        assert_eq!(router.route(0, 1).len(), 2);
        // The check the canvas runs on its offset lines.
        assert!(!router.clear(Point::new(0.0, 0.0), Point::new(600.0, 0.0)), "through the middle box");
        assert!(router.clear(Point::new(0.0, -40.0), Point::new(600.0, -40.0)), "above every box");
        assert!(router.clear(Point::new(84.0, 0.0), Point::new(216.0, 0.0)), "border to border");
    }
}
