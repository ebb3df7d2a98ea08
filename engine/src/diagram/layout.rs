//! Where the boxes go: each node's box from its position (its centre) and the
//! size of its kind, signal receivers stacked under their host as on the
//! canvas, group frames around their members, and a layered layout for
//! designs whose nodes were never placed (all at one point).

use std::collections::BTreeMap;

use super::geom::{Point, Rect};
use crate::Design;
use crate::model::NodeKind;

/// Gap between a host and its attached receivers.
const RECEIVER_GAP: f64 = 4.0;
/// Padding of group frames around their members.
pub const GROUP_PAD: f64 = 18.0;
/// Height of a group frame's title strip.
pub const GROUP_TITLE: f64 = 22.0;
/// Distance between layers and between rows of the fallback layout.
const LAYER_STEP: (f64, f64) = (260.0, 110.0);

/// Width and height of a node box of `kind` (the canvas's sizes).
#[must_use]
pub fn node_size(kind: NodeKind) -> (f64, f64) {
    match kind {
        NodeKind::Receiver => (150.0, 30.0),
        NodeKind::Client => (150.0, 56.0),
        _ => (168.0, 60.0),
    }
}

/// The box of every node, indexed like `design.nodes`, from the nodes'
/// positions (or a layered layout when they were never placed).
#[must_use]
pub fn node_rects(design: &Design) -> Vec<Rect> {
    let unplaced = design.nodes.len() > 1 && design.nodes.windows(2).all(|w| w[0].position == w[1].position);
    let centres: Vec<Point> = if unplaced {
        layered(design)
    } else {
        design.nodes.iter().map(|n| Point::new(f64::from(n.position.x), f64::from(n.position.y))).collect()
    };
    let index: BTreeMap<&str, usize> = design.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut rects: Vec<Rect> = design
        .nodes
        .iter()
        .zip(&centres)
        .map(|(n, &c)| {
            let (w, h) = node_size(n.kind);
            Rect::from_center_size(c, w, h)
        })
        .collect();
    // Receivers run inside their host: stacked under it, as on the canvas.
    let mut below: BTreeMap<usize, f64> = BTreeMap::new();
    for (i, node) in design.nodes.iter().enumerate() {
        if node.kind != NodeKind::Receiver {
            continue;
        }
        let Some(&host) = node.host.as_deref().and_then(|h| index.get(h)) else { continue };
        if design.nodes.get(host).is_none_or(|h| h.kind == NodeKind::Receiver) {
            continue;
        }
        let Some(&host_rect) = rects.get(host) else { continue };
        let bottom = below.entry(host).or_insert(host_rect.max.y);
        let (w, h) = node_size(NodeKind::Receiver);
        let rect = Rect::from_min_size(Point::new(host_rect.center().x - w / 2.0, *bottom + RECEIVER_GAP), w, h);
        *bottom = rect.max.y;
        if let Some(slot) = rects.get_mut(i) {
            *slot = rect;
        }
    }
    rects
}

/// Group frames by name: the members' boxes padded, with a title strip.
#[must_use]
pub fn group_rects(design: &Design, rects: &[Rect]) -> BTreeMap<String, Rect> {
    let mut groups: BTreeMap<String, Rect> = BTreeMap::new();
    for (node, rect) in design.nodes.iter().zip(rects) {
        let Some(g) = &node.group else { continue };
        let mut frame = rect.expand(GROUP_PAD);
        frame.min.y -= GROUP_TITLE;
        groups.entry(g.clone()).and_modify(|r| *r = r.union(&frame)).or_insert(frame);
    }
    groups
}

/// Centres of a left-to-right layered layout: a node's layer is the length
/// of the longest edge path reaching it (cycles cut after as many rounds as
/// there are nodes), rows in file order.
fn layered(design: &Design) -> Vec<Point> {
    let layer = crate::model::layers::longest_path_layers(design, design.nodes.len().min(64));
    let mut rows: BTreeMap<usize, usize> = BTreeMap::new();
    layer
        .iter()
        .map(|&l| {
            let row = rows.entry(l).or_insert(0);
            let p = Point::new(l as f64 * LAYER_STEP.0, *row as f64 * LAYER_STEP.1);
            *row += 1;
            p
        })
        .collect()
}
