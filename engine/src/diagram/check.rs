//! The diagram's promises checked geometrically, for tests over every sample
//! and generated designs: no line passes through a node box, no label lies
//! on a node box, every arrowhead's tip lies on its target's border.

use super::{ARROW_LEN, Diagram};

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
}

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
        out
    }
}
