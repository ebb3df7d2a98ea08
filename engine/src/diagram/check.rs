//! The diagram's promises checked geometrically, for tests over every sample
//! and generated designs: no line passes through a node box, no label lies
//! on a node box, every line starts on its source's border and every
//! arrowhead's tip lies on its target's, and no two lines (bundles or
//! discovery links) meet a box at the same point.

use super::{ARROW_LEN, Diagram, Point};

/// Tolerance of the border test, in pixels.
const TOLERANCE: f64 = 0.01;

/// One broken promise.
#[derive(Clone, Debug, PartialEq)]
pub enum Defect {
    /// A segment of a bundle's line passes through a node's box.
    LineThroughNode {
        /// Index into `Diagram::bundles`.
        bundle: usize,
        /// The node index.
        node: usize,
    },
    /// A discovery link passes through a node's box.
    LinkThroughNode {
        /// Index into `Diagram::links`.
        link: usize,
        /// The node index.
        node: usize,
    },
    /// A label's box overlaps a node's box.
    LabelOnNode {
        /// Index into `Diagram::bundles`.
        bundle: usize,
        /// The node index.
        node: usize,
    },
    /// The arrowhead's tip is not on the target's border, or its last
    /// segment is shorter than the arrowhead.
    ArrowOffBorder {
        /// Index into `Diagram::bundles`.
        bundle: usize,
    },
    /// A line does not start on its source's border (for a discovery
    /// link, or does not end on its registry's).
    StartOffBorder {
        /// Index into `Diagram::bundles`, then `Diagram::links` after them.
        line: usize,
    },
    /// Two lines meet a node's box at the same point, so they read as one.
    SharedEnd {
        /// The node index.
        node: usize,
        /// The two lines: indices into `Diagram::bundles`, then
        /// `Diagram::links` after them.
        lines: (usize, usize),
    },
}

/// Ends closer than this read as one point.
const SAME_POINT: f64 = 1.0;

impl Diagram {
    /// Every broken promise, in a fixed order (empty for a good drawing).
    #[must_use]
    pub fn defects(&self) -> Vec<Defect> {
        let mut out = Vec::new();
        for (b, bundle) in self.bundles.iter().enumerate() {
            for (node, rect) in self.nodes.iter().enumerate() {
                if bundle.points.windows(2).any(|s| rect.crossed_by(s[0], s[1])) {
                    out.push(Defect::LineThroughNode { bundle: b, node });
                }
                if bundle.label.as_ref().is_some_and(|l| l.rect.overlaps(rect)) {
                    out.push(Defect::LabelOnNode { bundle: b, node });
                }
            }
            let tip = bundle.points.last().copied();
            let last_len = bundle.points.windows(2).last().map_or(0.0, |s| s[0].distance(s[1]));
            let on_border = tip.zip(self.nodes.get(bundle.to)).is_some_and(|(p, r)| r.on_border(p, TOLERANCE))
                && last_len >= ARROW_LEN;
            if !on_border {
                out.push(Defect::ArrowOffBorder { bundle: b });
            }
        }
        for (l, link) in self.links.iter().enumerate() {
            for (node, rect) in self.nodes.iter().enumerate() {
                if link.points.windows(2).any(|s| rect.crossed_by(s[0], s[1])) {
                    out.push(Defect::LinkThroughNode { link: l, node });
                }
            }
        }
        self.end_defects(&mut out);
        out
    }

    /// Lines that start off their source's border, and lines that meet a
    /// box at one point. A loop from a node to itself is left out.
    fn end_defects(&self, out: &mut Vec<Defect>) {
        let lines = self
            .bundles
            .iter()
            .map(|b| (b.from, b.to, &b.points))
            .chain(self.links.iter().map(|l| (l.service, l.registry, &l.points)));
        // Every line's ends as (node, point, line).
        let mut ends: Vec<(usize, Point, usize)> = Vec::new();
        for (line, (from, to, points)) in lines.enumerate() {
            if from == to {
                continue;
            }
            let (Some(&first), Some(&last)) = (points.first(), points.last()) else { continue };
            let on = |node: usize, p: Point| self.nodes.get(node).is_some_and(|r| r.on_border(p, TOLERANCE));
            let is_link = line >= self.bundles.len();
            if !on(from, first) || (is_link && !on(to, last)) {
                out.push(Defect::StartOffBorder { line });
            }
            ends.extend([(from, first, line), (to, last, line)]);
        }
        ends.sort_by_key(|&(node, _, line)| (node, line));
        for (i, &(node, p, a)) in ends.iter().enumerate() {
            for &(other, q, b) in ends.iter().skip(i + 1).take_while(|e| e.0 == node) {
                if other == node && a != b && p.distance(q) < SAME_POINT {
                    out.push(Defect::SharedEnd { node, lines: (a, b) });
                }
            }
        }
    }
}
