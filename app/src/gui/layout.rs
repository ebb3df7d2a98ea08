//! Auto-layout: a layered (Sugiyama-style) drawing. Calls flow left to right:
//! cycles are broken by reversing back edges, nodes get the layer of their
//! longest path from a source, long edges get virtual nodes so they take part
//! in ordering, and barycentric sweeps reduce crossings, keeping the best
//! order seen. Receivers stay attached to their host and are not laid out.
//!
//! Everything iterates in design order, so the same design always gets the
//! same layout.

use std::collections::HashMap;

use egui::{Pos2, pos2};
use engine::Design;
use engine::model::{NodeKind, Position};

use super::style;

/// Horizontal distance between layers, world units.
const LAYER_GAP: f32 = 280.0;
/// Vertical gap between nodes of a layer.
const ROW_GAP: f32 = 36.0;
/// Ordering sweeps (each is down then up).
const SWEEPS: usize = 12;

/// A copy of the design with nodes laid out in layers.
#[must_use]
pub fn layered(design: &Design) -> Design {
    let mut out = design.clone();
    let positions = positions(design);
    for (node, pos) in out.nodes.iter_mut().zip(positions) {
        if let Some(p) = pos {
            node.position = Position { x: p.x, y: p.y };
        }
    }
    out
}

/// Whether a node is drawn attached to its host (and so not laid out itself).
fn attached(design: &Design, index: &HashMap<&str, usize>, i: usize) -> Option<usize> {
    let node = design.nodes.get(i)?;
    if node.kind != NodeKind::Receiver {
        return None;
    }
    let host = *index.get(node.host.as_deref()?)?;
    (design.nodes.get(host)?.kind != NodeKind::Receiver).then_some(host)
}

/// New centre positions for laid-out nodes (`None` for attached receivers).
fn positions(design: &Design) -> Vec<Option<Pos2>> {
    let n = design.nodes.len();
    let index: HashMap<&str, usize> = design.nodes.iter().enumerate().map(|(i, node)| (node.id.as_str(), i)).collect();
    let host_of: Vec<Option<usize>> = (0..n).map(|i| attached(design, &index, i)).collect();
    let edges = laid_out_edges(design, &index, &host_of);
    let dag = break_cycles(&host_of, &edges);
    let laid: Vec<usize> = (0..n).filter(|&i| host_of.get(i).copied().flatten().is_none()).collect();
    let layer = longest_path_layers(n, &laid, &dag);
    let graph = with_virtual_nodes(&laid, &layer, &dag);
    let best = reduce_crossings(&graph);
    coordinates(design, &host_of, &best)
}

/// Edges between laid-out nodes (a receiver stands for its host),
/// deduplicated, in design order.
fn laid_out_edges(design: &Design, index: &HashMap<&str, usize>, host_of: &[Option<usize>]) -> Vec<(usize, usize)> {
    let rep = |i: usize| host_of.get(i).copied().flatten().unwrap_or(i);
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for e in &design.edges {
        let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else { continue };
        let (a, b) = (rep(a), rep(b));
        if a != b && !edges.contains(&(a, b)) {
            edges.push((a, b));
        }
    }
    edges
}

/// 1. Break cycles: edges closing a cycle in a DFS (in design order) are reversed.
fn break_cycles(host_of: &[Option<usize>], edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let n = host_of.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if let Some(o) = out.get_mut(a) {
            o.push(b);
        }
    }
    let mut state = vec![0_u8; n]; // 0 new, 1 on stack, 2 done
    let mut back: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if host_of.get(start).copied().flatten().is_some() || state.get(start) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(s) = state.get_mut(start) {
            *s = 1;
        }
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            let next = out.get(v).and_then(|o| o.get(*k)).copied();
            *k += 1;
            if let Some(w) = next {
                match state.get(w) {
                    Some(0) => {
                        if let Some(s) = state.get_mut(w) {
                            *s = 1;
                        }
                        stack.push((w, 0));
                    }
                    Some(1) => back.push((v, w)),
                    _ => {}
                }
            } else {
                if let Some(s) = state.get_mut(v) {
                    *s = 2;
                }
                stack.pop();
            }
        }
    }
    edges.iter().map(|&(a, b)| if back.contains(&(a, b)) { (b, a) } else { (a, b) }).collect()
}

/// 2. Layers: longest path from the sources (Kahn order keeps it linear).
fn longest_path_layers(n: usize, laid: &[usize], dag: &[(usize, usize)]) -> Vec<usize> {
    let mut indeg = vec![0_usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in dag {
        if let (Some(d), Some(s)) = (indeg.get_mut(b), succ.get_mut(a)) {
            *d += 1;
            s.push(b);
        }
    }
    let mut layer = vec![0_usize; n];
    let mut queue: std::collections::VecDeque<usize> =
        laid.iter().copied().filter(|&i| indeg.get(i) == Some(&0)).collect();
    while let Some(v) = queue.pop_front() {
        let lv = layer.get(v).copied().unwrap_or(0);
        for &w in succ.get(v).map_or(&[][..], Vec::as_slice) {
            if let Some(l) = layer.get_mut(w) {
                *l = (*l).max(lv + 1);
            }
            if let Some(d) = indeg.get_mut(w) {
                *d -= 1;
                if *d == 0 {
                    queue.push_back(w);
                }
            }
        }
    }
    layer
}

/// The layered graph the ordering works on: real nodes, then the virtual
/// nodes of long edges, by layer, with their links up and down.
struct Layered {
    layers: Vec<Vec<usize>>,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Real and virtual vertices.
    total: usize,
}

/// 3. Virtual nodes on long edges; vertices are real nodes then virtual ones.
fn with_virtual_nodes(laid: &[usize], layer: &[usize], dag: &[(usize, usize)]) -> Layered {
    let n = layer.len();
    let layer_count = laid.iter().filter_map(|&i| layer.get(i)).max().map_or(1, |m| m + 1);
    let mut vlayer: Vec<usize> = layer.to_vec();
    let mut links: Vec<(usize, usize)> = Vec::new();
    for &(a, b) in dag {
        let (la, lb) = (vlayer.get(a).copied().unwrap_or(0), vlayer.get(b).copied().unwrap_or(0));
        let mut prev = a;
        for l in la + 1..lb {
            let v = vlayer.len();
            vlayer.push(l);
            links.push((prev, v));
            prev = v;
        }
        links.push((prev, b));
    }
    let total = vlayer.len();
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for v in laid.iter().copied().chain(n..total) {
        if let Some(l) = vlayer.get(v).and_then(|&l| layers.get_mut(l)) {
            l.push(v);
        }
    }
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); total];
    for &(a, b) in &links {
        if let (Some(u), Some(d)) = (up.get_mut(b), down.get_mut(a)) {
            u.push(a);
            d.push(b);
        }
    }
    Layered { layers, up, down, total }
}

/// 4. Crossing reduction by barycentric sweeps, keeping the best order.
fn reduce_crossings(graph: &Layered) -> Vec<Vec<usize>> {
    let Layered { up, down, total, .. } = graph;
    let total = *total;
    let mut layers = graph.layers.clone();
    let layer_count = layers.len();
    let mut best = layers.clone();
    let mut best_crossings = count_layer_crossings(&layers, down);
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let order: Vec<usize> =
            if downward { (1..layer_count).collect() } else { (0..layer_count.saturating_sub(1)).rev().collect() };
        for l in order {
            let neighbour_layer = if downward { l - 1 } else { l + 1 };
            let mut pos = vec![f32::NAN; total];
            if let Some(nl) = layers.get(neighbour_layer) {
                for (i, &v) in nl.iter().enumerate() {
                    if let Some(p) = pos.get_mut(v) {
                        *p = i as f32;
                    }
                }
            }
            let Some(current) = layers.get_mut(l) else { continue };
            let adj = if downward { up } else { down };
            let keyed: Vec<(f32, usize, usize)> = current
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ps: Vec<f32> = adj
                        .get(v)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .filter_map(|&u| pos.get(u).copied())
                        .filter(|p| !p.is_nan())
                        .collect();
                    let bary = if ps.is_empty() { i as f32 } else { ps.iter().sum::<f32>() / ps.len() as f32 };
                    (bary, i, v)
                })
                .collect();
            let mut keyed = keyed;
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            *current = keyed.into_iter().map(|(_, _, v)| v).collect();
        }
        let c = count_layer_crossings(&layers, down);
        if c < best_crossings {
            best_crossings = c;
            best.clone_from(&layers);
        }
    }
    best
}

/// 5. Coordinates: layers left to right, each layer centred vertically.
fn coordinates(design: &Design, host_of: &[Option<usize>], best: &[Vec<usize>]) -> Vec<Option<Pos2>> {
    let n = design.nodes.len();
    let height = |v: usize| -> f32 {
        if v >= n {
            return 24.0;
        }
        let Some(node) = design.nodes.get(v) else { return 0.0 };
        let receivers = host_of.iter().filter(|h| **h == Some(v)).count() as f32;
        style::node_size(node.kind).y + receivers * (style::node_size(NodeKind::Receiver).y + 4.0)
    };
    let mut result: Vec<Option<Pos2>> = vec![None; n];
    for (l, members) in best.iter().enumerate() {
        let total_h: f32 = members.iter().map(|&v| height(v) + ROW_GAP).sum();
        let mut y = -total_h / 2.0;
        for &v in members {
            let h = height(v);
            if v < n
                && let (Some(slot), Some(node)) = (result.get_mut(v), design.nodes.get(v))
            {
                // The node's own box sits at the top of its slot; receivers hang below.
                let own = style::node_size(node.kind).y;
                *slot = Some(pos2(l as f32 * LAYER_GAP, (y + own / 2.0).round()));
            }
            y += h + ROW_GAP;
        }
    }
    result
}

/// Crossings between consecutive layers for an ordering.
fn count_layer_crossings(layers: &[Vec<usize>], down: &[Vec<usize>]) -> usize {
    let mut total = 0;
    for pair in layers.windows(2) {
        let [a, b] = pair else { continue };
        let mut pos_b: HashMap<usize, usize> = HashMap::new();
        for (i, &v) in b.iter().enumerate() {
            pos_b.insert(v, i);
        }
        let mut segs: Vec<(usize, usize)> = Vec::new();
        for (i, &u) in a.iter().enumerate() {
            for w in down.get(u).map_or(&[][..], Vec::as_slice) {
                if let Some(&j) = pos_b.get(w) {
                    segs.push((i, j));
                }
            }
        }
        for (x, &(a1, b1)) in segs.iter().enumerate() {
            for &(a2, b2) in segs.iter().skip(x + 1) {
                if (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Edge crossings of a design as drawn (straight lines between node centres).
#[must_use]
pub fn crossings(design: &Design) -> usize {
    let index: HashMap<&str, usize> = design.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let center = |id: &str| index.get(id).and_then(|&i| design.nodes.get(i)).map(|n| pos2(n.position.x, n.position.y));
    let segs: Vec<(Pos2, Pos2)> =
        design.edges.iter().filter_map(|e| Some((center(&e.from)?, center(&e.to)?))).filter(|(a, b)| a != b).collect();
    let mut count = 0;
    for (i, s) in segs.iter().enumerate() {
        for t in segs.iter().skip(i + 1) {
            if segments_cross(*s, *t) {
                count += 1;
            }
        }
    }
    count
}

/// Whether two segments cross at a point inside both (shared ends do not count).
fn segments_cross((a, b): (Pos2, Pos2), (c, d): (Pos2, Pos2)) -> bool {
    if a == c || a == d || b == c || b == d {
        return false;
    }
    let orient = |p: Pos2, q: Pos2, r: Pos2| (q - p).x * (r - p).y - (q - p).y * (r - p).x;
    let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
    o1 * o2 < 0.0 && o3 * o4 < 0.0
}

#[cfg(test)]
mod tests {
    use engine::model::{Edge, EdgeKind, Node};

    use super::*;

    fn chain_with_cross() -> Design {
        let mut d = Design::default();
        for (i, name) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            let mut n = Node::new(*name, *name, NodeKind::Service);
            // A deliberately tangled start.
            n.position = Position { x: (i % 2) as f32 * 300.0, y: i as f32 * 100.0 };
            d.nodes.push(n);
        }
        for (i, (a, b)) in [("a", "c"), ("b", "d"), ("a", "d"), ("b", "c"), ("c", "e"), ("e", "a")].iter().enumerate() {
            d.edges.push(Edge::new(format!("e{i}"), *a, *b, EdgeKind::Call));
        }
        d
    }

    #[test]
    fn layout_is_deterministic_and_layered() {
        let d = chain_with_cross();
        let a = layered(&d);
        let b = layered(&d);
        assert_eq!(a, b);
        let x = |id: &str| a.node(id).map_or(0.0, |n| n.position.x);
        assert!(x("a") < x("c"), "calls flow left to right");
        assert!(x("c") < x("e"));
    }

    #[test]
    fn no_two_nodes_overlap() {
        let a = layered(&chain_with_cross());
        for (i, n) in a.nodes.iter().enumerate() {
            for m in a.nodes.iter().skip(i + 1) {
                let same = (n.position.x - m.position.x).abs() < 1.0 && (n.position.y - m.position.y).abs() < 60.0;
                assert!(!same, "{} overlaps {}", n.name, m.name);
            }
        }
    }

    #[test]
    fn crossing_counter_counts() {
        let s = (pos2(0.0, 0.0), pos2(10.0, 10.0));
        let t = (pos2(0.0, 10.0), pos2(10.0, 0.0));
        assert!(segments_cross(s, t));
        assert!(!segments_cross(s, (pos2(0.0, 5.0), pos2(-10.0, 5.0))));
    }
}
