//! Live analysis of the design: validation problems and the instant capacity
//! estimate, recomputed whenever the document changes and cached by document
//! revision otherwise. Both are near-linear, so a design of a few thousand
//! items is analysed on the frame thread at once; a larger one (100,000 nodes
//! take about a second) is analysed on a worker thread while the window stays
//! responsive, showing the last result and saying that a new one is coming.

use std::collections::{BTreeSet, HashMap};
use std::thread::JoinHandle;

use engine::Design;
use engine::capacity::{Estimate, Load, NodeEstimate};
use engine::validate::{Problem, Severity, Target};

/// Problems and load of one revision of the design.
#[derive(Debug, Default)]
pub struct Analysis {
    revision: Option<u64>,
    /// The capacity estimate.
    pub estimate: Estimate,
    /// Validation problems followed by the estimate's, errors first.
    pub problems: Vec<Problem>,
    /// Lookups built once per revision: the canvas asks for every node and
    /// edge every frame, and scanning lists would make that quadratic.
    node_index: HashMap<String, usize>,
    node_worst: HashMap<String, Severity>,
    edge_worst: HashMap<String, Severity>,
    /// The analysis running on a worker thread, for this revision.
    pending: Option<(u64, JoinHandle<Computed>)>,
}

/// The estimate and the problems of one revision.
type Computed = (Estimate, Vec<Problem>);

/// Designs with more nodes and edges than this are analysed off the frame thread.
pub const BACKGROUND_ITEMS: usize = 5_000;

/// Validation and the estimate of one revision, the estimate computed once.
fn compute(design: &Design) -> Computed {
    let engine::analysis::Analysis { problems, estimate } = engine::analysis::analyse(design);
    (estimate, problems)
}

impl Analysis {
    /// Recompute when the revision changed; returns whether the shown result
    /// changed. A large design's analysis is started on a worker thread and
    /// picked up by a later call.
    pub fn refresh(&mut self, design: &Design, revision: u64) -> bool {
        let mut changed = false;
        if self.pending.as_ref().is_some_and(|(_, h)| h.is_finished())
            && let Some((rev, handle)) = self.pending.take()
            && let Ok((estimate, problems)) = handle.join()
        {
            self.install(rev, estimate, problems);
            changed = true;
        }
        if self.revision == Some(revision) || self.pending.as_ref().is_some_and(|(rev, _)| *rev == revision) {
            return changed;
        }
        if design.nodes.len() + design.edges.len() < BACKGROUND_ITEMS {
            let (estimate, problems) = compute(design);
            self.install(revision, estimate, problems);
            return true;
        }
        if self.pending.is_some() {
            // One at a time: the newest revision starts when this one ends.
            return changed;
        }
        let copy = design.clone();
        if let Ok(handle) = std::thread::Builder::new().name("analysis".to_owned()).spawn(move || compute(&copy)) {
            self.pending = Some((revision, handle));
        } else {
            let (estimate, problems) = compute(design);
            self.install(revision, estimate, problems);
            changed = true;
        }
        changed
    }

    /// Whether a newer analysis is being computed (the shown one is older).
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.pending.is_some()
    }

    fn install(&mut self, revision: u64, estimate: Estimate, mut problems: Vec<Problem>) {
        self.revision = Some(revision);
        self.estimate = estimate;
        // Stable sort: errors first, each group in the validator's order.
        problems.sort_by_key(|p| p.severity);
        self.node_index = self.estimate.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        self.node_worst.clear();
        self.edge_worst.clear();
        for p in &problems {
            self.mark(p);
        }
        self.problems = problems;
    }

    /// Count a problem in the worst severity of its node or edge.
    fn mark(&mut self, p: &Problem) {
        let map = match &p.target {
            Target::Node(id) => self.node_worst.entry(id.clone()),
            Target::Edge(id) => self.edge_worst.entry(id.clone()),
            _ => return,
        };
        map.and_modify(|s| *s = (*s).min(p.severity)).or_insert(p.severity);
    }

    /// List the problems a run was refused for above the others, each once.
    /// Most are listed already (the run analysed the same design); a scenario
    /// or the run's settings can add their own. Looked up in a set, so a long
    /// refusal against a long list stays linear.
    pub fn add_refusal(&mut self, refusal: &[Problem]) {
        let listed: BTreeSet<(&str, &str)> =
            self.problems.iter().map(|p| (p.path.as_str(), p.message.as_str())).collect();
        let mut added = BTreeSet::new();
        let new: Vec<Problem> = refusal
            .iter()
            .filter(|p| {
                let key = (p.path.as_str(), p.message.as_str());
                !listed.contains(&key) && added.insert(key)
            })
            .cloned()
            .collect();
        for p in &new {
            self.mark(p);
        }
        self.problems.splice(0..0, new);
    }

    /// Forget the cache (after a new document is opened).
    pub fn invalidate(&mut self) {
        self.revision = None;
        // A result still coming belongs to the old document: let it go.
        self.pending = None;
    }

    /// The estimate for a node.
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&NodeEstimate> {
        self.node_index.get(id).and_then(|&i| self.estimate.nodes.get(i))
    }

    /// The worst severity of problems about a node, if any.
    #[must_use]
    pub fn node_severity(&self, id: &str) -> Option<Severity> {
        self.node_worst.get(id).copied()
    }

    /// The worst severity of problems about an edge, if any.
    #[must_use]
    pub fn edge_severity(&self, id: &str) -> Option<Severity> {
        self.edge_worst.get(id).copied()
    }

    /// Counts of errors and warnings.
    #[must_use]
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.problems.iter().filter(|p| p.severity == Severity::Error).count();
        (errors, self.problems.len() - errors)
    }

    /// Nodes that are hot or overloaded.
    #[must_use]
    pub fn hot_nodes(&self) -> usize {
        self.estimate.nodes.iter().filter(|n| matches!(n.load, Load::Hot | Load::Overloaded)).count()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    /// A client calling `n` services in a row, one of them with no replicas
    /// (an error), so the result is recognisable.
    fn chain(n: usize) -> Design {
        let mut nodes = vec![serde_json::json!({"id": "c", "name": "Client", "kind": "client"})];
        let mut edges = vec![serde_json::json!({"id": "e0", "from": "c", "to": "s0"})];
        for i in 0..n {
            nodes.push(serde_json::json!({"id": format!("s{i}"), "name": format!("S{i}"),
                "capacity": {"replicas": u32::from(i != 3), "workers": 8}}));
            if i + 1 < n {
                edges.push(serde_json::json!({"id": format!("e{}", i + 1), "from": format!("s{i}"), "to": format!("s{}", i + 1)}));
            }
        }
        serde_json::from_value(serde_json::json!({"version": 1, "name": "chain", "nodes": nodes, "edges": edges,
            "workloads": [{"name": "w", "entry": "c", "arrival": {"type": "open", "rate_per_s": 1.0}}]}))
        .unwrap()
    }

    #[test]
    fn a_small_design_is_analysed_at_once() {
        let mut a = Analysis::default();
        assert!(a.refresh(&chain(10), 1));
        assert!(!a.is_running());
        assert_eq!(a.counts().0, 1);
    }

    #[test]
    fn a_refusal_adds_only_what_is_not_listed_and_marks_its_items() {
        let mut a = Analysis::default();
        a.refresh(&chain(10), 1);
        let listed = a.problems.clone();
        let (errors, warnings) = a.counts();
        // The run refused for the error already listed: nothing changes.
        let known: Vec<Problem> = listed.iter().filter(|p| p.severity == Severity::Error).cloned().collect();
        a.add_refusal(&known);
        assert_eq!(a.problems, listed);
        // A scenario's own error, twice: listed once, first, and its node marked.
        let scenario = Problem {
            severity: Severity::Error,
            path: "nodes[s5].capacity.replicas".into(),
            message: engine::message::Message::untranslated("must be at most 100000, found 200000"),
            target: Target::Node("s5".into()),
        };
        assert_eq!(a.node_severity("s5"), None);
        a.add_refusal(&[scenario.clone(), scenario.clone()]);
        assert_eq!(a.problems.first(), Some(&scenario));
        assert_eq!(a.counts(), (errors + 1, warnings));
        assert_eq!(a.node_severity("s5"), Some(Severity::Error));
    }

    #[test]
    fn a_large_design_is_analysed_on_a_worker_and_picked_up_later() {
        let design = chain(BACKGROUND_ITEMS);
        let mut a = Analysis::default();
        // The first call only starts the work: nothing is shown yet.
        assert!(!a.refresh(&design, 1));
        assert!(a.is_running());
        assert_eq!(a.counts(), (0, 0));
        let started = std::time::Instant::now();
        while a.is_running() {
            a.refresh(&design, 1);
            assert!(started.elapsed() < std::time::Duration::from_mins(1), "the analysis never ended");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(a.counts().0, 1, "the replicas error is found");
        // A newer revision starts again; invalidating drops what is coming.
        assert!(!a.refresh(&design, 2));
        assert!(a.is_running());
        a.invalidate();
        assert!(!a.is_running());
    }
}
