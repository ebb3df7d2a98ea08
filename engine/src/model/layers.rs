//! Layers of a design's graph for a left-to-right layout: a node's layer is
//! the length of the longest edge path reaching it. Used by the diagram when
//! a design has no positions and by import when it places what it read.

use std::collections::BTreeMap;

use super::Design;

/// Each node's layer, in node order. Longest-path relaxation over the edges
/// in file order, at most `max_rounds` rounds and no layer past the node
/// count, so a cycle stops growing instead of running on.
#[must_use]
pub fn longest_path_layers(design: &Design, max_rounds: usize) -> Vec<usize> {
    let index: BTreeMap<&str, usize> = design.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let ends: Vec<(usize, usize)> = design
        .edges
        .iter()
        .filter_map(|e| Some((*index.get(e.from.as_str())?, *index.get(e.to.as_str())?)))
        .filter(|(a, b)| a != b)
        .collect();
    let n = design.nodes.len();
    let mut layer = vec![0_usize; n];
    for _ in 0..max_rounds {
        let mut changed = false;
        for &(a, b) in &ends {
            let next = layer.get(a).copied().unwrap_or(0) + 1;
            if let Some(l) = layer.get_mut(b)
                && *l < next
                && next < n
            {
                *l = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, EdgeKind, Node, NodeKind};

    fn design(nodes: &[&str], edges: &[(&str, &str)]) -> Design {
        let mut d = Design::default();
        for id in nodes {
            d.nodes.push(Node::new(*id, *id, NodeKind::Service));
        }
        for (i, (a, b)) in edges.iter().enumerate() {
            d.edges.push(Edge::new(format!("e{i}"), *a, *b, EdgeKind::Call));
        }
        d
    }

    #[test]
    fn a_node_sits_one_layer_after_its_deepest_caller() {
        let d = design(&["a", "b", "c", "d"], &[("c", "d"), ("a", "b"), ("b", "c"), ("a", "d")]);
        assert_eq!(longest_path_layers(&d, 10), vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_cycle_stops_below_the_node_count() {
        let d = design(&["a", "b"], &[("a", "b"), ("b", "a")]);
        assert!(longest_path_layers(&d, 100).iter().all(|&l| l < 2));
        assert_eq!(longest_path_layers(&design(&["x"], &[("x", "x")]), 5), vec![0]);
    }
}
