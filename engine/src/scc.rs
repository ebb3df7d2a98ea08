//! Strongly connected components without recursion.
//!
//! petgraph's `tarjan_scc` recurses once per node on a path, so a chain of
//! about 90,000 services overflowed the main thread's stack. This is the same
//! algorithm (Pearce's space-efficient variant of Tarjan's, as petgraph
//! implements it) with an explicit stack of frames: it visits nodes and
//! neighbours in the same order and returns the components in the same order,
//! so every figure computed from them stays what it was.

/// One node being visited: its index and the next neighbour to look at.
struct Frame {
    node: usize,
    next: usize,
    local_root: bool,
}

/// The components of a directed graph of `adjacency.len()` nodes, sinks first
/// (reverse topological order), each in the order petgraph lists it.
///
/// `adjacency[v]` lists `v`'s successors in the order they are to be visited
/// (for a petgraph `DiGraph`, the reverse of the order the edges were added:
/// see [`successors_like_digraph`]). Successors out of range are ignored.
#[must_use]
pub fn strongly_connected(adjacency: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adjacency.len();
    // 0 = not visited yet; otherwise the root index (or a component number
    // counted down from usize::MAX once the node is assigned).
    let mut rindex = vec![0usize; n];
    let mut index = 1usize;
    let mut component_count = usize::MAX;
    let mut stack: Vec<usize> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut components = Vec::new();
    for root in 0..n {
        if rindex.get(root).is_none_or(|&r| r != 0) {
            continue;
        }
        if let Some(r) = rindex.get_mut(root) {
            *r = index;
        }
        index += 1;
        frames.push(Frame { node: root, next: 0, local_root: true });
        while let Some(frame) = frames.last_mut() {
            let v = frame.node;
            let succ = adjacency.get(v).map_or(&[][..], Vec::as_slice);
            if let Some(&w) = succ.get(frame.next) {
                let Some(&rw) = rindex.get(w) else {
                    frame.next += 1;
                    continue;
                };
                if rw == 0 {
                    // Descend; this neighbour is compared when we come back.
                    if let Some(r) = rindex.get_mut(w) {
                        *r = index;
                    }
                    index += 1;
                    frames.push(Frame { node: w, next: 0, local_root: true });
                    continue;
                }
                let rv = rindex.get(v).copied().unwrap_or(0);
                if rw < rv {
                    if let Some(r) = rindex.get_mut(v) {
                        *r = rw;
                    }
                    frame.local_root = false;
                }
                frame.next += 1;
                continue;
            }
            // Every successor seen: close v.
            let local_root = frame.local_root;
            frames.pop();
            if local_root {
                let rv = rindex.get(v).copied().unwrap_or(0);
                let mut adjustment = 1;
                let mut start = 0;
                for pos in (0..stack.len()).rev() {
                    let Some(&w) = stack.get(pos) else { break };
                    if rv > rindex.get(w).copied().unwrap_or(0) {
                        start = pos + 1;
                        break;
                    }
                    if let Some(r) = rindex.get_mut(w) {
                        *r = component_count;
                    }
                    adjustment += 1;
                }
                if let Some(r) = rindex.get_mut(v) {
                    *r = component_count;
                }
                stack.push(v);
                components.push(stack.split_off(start));
                index -= adjustment;
                component_count -= 1;
            } else {
                stack.push(v);
            }
        }
    }
    components
}

/// Successor lists from edges `(from, to)` in the order petgraph's `DiGraph`
/// visits them (newest edge first), so [`strongly_connected`] returns what
/// `petgraph::algo::tarjan_scc` returned for the same graph.
#[must_use]
pub fn successors_like_digraph(nodes: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut adjacency = vec![Vec::new(); nodes];
    for (a, b) in edges {
        if let Some(list) = adjacency.get_mut(a) {
            list.push(b);
        }
    }
    for list in &mut adjacency {
        list.reverse();
    }
    adjacency
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use petgraph::graph::DiGraph;
    use rand::{RngExt as _, SeedableRng as _};

    fn petgraph_sccs(nodes: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
        let mut g = DiGraph::<usize, ()>::new();
        let ix: Vec<_> = (0..nodes).map(|i| g.add_node(i)).collect();
        for &(a, b) in edges {
            g.add_edge(ix[a], ix[b], ());
        }
        petgraph::algo::tarjan_scc(&g).into_iter().map(|c| c.into_iter().map(|i| g[i]).collect()).collect()
    }

    #[test]
    fn same_components_in_the_same_order_as_petgraph() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        for case in 0..500 {
            let nodes = rng.random_range(1..40usize);
            let n_edges = rng.random_range(0..nodes * 3);
            let edges: Vec<(usize, usize)> =
                (0..n_edges).map(|_| (rng.random_range(0..nodes), rng.random_range(0..nodes))).collect();
            let ours = strongly_connected(&successors_like_digraph(nodes, edges.iter().copied()));
            assert_eq!(ours, petgraph_sccs(nodes, &edges), "case {case}: {edges:?}");
        }
    }

    #[test]
    fn a_long_chain_and_a_long_ring_on_a_small_stack() {
        let run = || {
            let n = 200_000;
            let chain = strongly_connected(&successors_like_digraph(n, (0..n - 1).map(|i| (i, i + 1))));
            assert_eq!(chain.len(), n);
            assert_eq!(chain.first(), Some(&vec![n - 1]), "sinks first");
            let ring = strongly_connected(&successors_like_digraph(n, (0..n).map(|i| (i, (i + 1) % n))));
            assert_eq!(ring.len(), 1);
            assert_eq!(ring.first().map(Vec::len), Some(n));
        };
        std::thread::Builder::new()
            .name("small-stack".into())
            .stack_size(256 * 1024)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
    }
}
