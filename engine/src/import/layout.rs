//! Automatic layout of imported designs: left to right by call depth (the
//! longest path from an entry), top to bottom in design order.

use std::collections::BTreeMap;

use crate::Design;
use crate::model::Position;

/// Horizontal distance between layers, logical pixels.
const LAYER_DX: f32 = 240.0;
/// Vertical distance between nodes of a layer, logical pixels.
const ROW_DY: f32 = 130.0;
/// Margin of the first node.
const MARGIN: f32 = 80.0;

/// Place every node by its depth in the edge graph.
pub(super) fn layered(design: &mut Design) {
    let depth = crate::model::layers::longest_path_layers(design, design.nodes.len());
    let mut rows: BTreeMap<usize, usize> = BTreeMap::new();
    for (node, d) in design.nodes.iter_mut().zip(depth) {
        let row = rows.entry(d).or_insert(0);
        #[allow(clippy::cast_precision_loss, reason = "small layer and row counts")]
        let position = Position { x: MARGIN + d as f32 * LAYER_DX, y: MARGIN + *row as f32 * ROW_DY };
        node.position = position;
        *row += 1;
    }
}
