//! Live analysis of the design: validation problems and the instant capacity
//! estimate, recomputed whenever the document changes (both are fast enough
//! to run on every edit) and cached by document revision otherwise.

use std::collections::HashMap;

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
}

impl Analysis {
    /// Recompute when the revision changed; returns whether it did.
    pub fn refresh(&mut self, design: &Design, revision: u64) -> bool {
        if self.revision == Some(revision) {
            return false;
        }
        self.revision = Some(revision);
        self.estimate = engine::capacity::estimate(design);
        let mut problems = engine::validate::validate(design);
        for p in &self.estimate.problems {
            if !problems.contains(p) {
                problems.push(p.clone());
            }
        }
        // Stable sort: errors first, each group in the validator's order.
        problems.sort_by_key(|p| p.severity);
        self.node_index = self.estimate.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        self.node_worst.clear();
        self.edge_worst.clear();
        for p in &problems {
            let map = match &p.target {
                Target::Node(id) => self.node_worst.entry(id.clone()),
                Target::Edge(id) => self.edge_worst.entry(id.clone()),
                _ => continue,
            };
            map.and_modify(|s| *s = (*s).min(p.severity)).or_insert(p.severity);
        }
        self.problems = problems;
        true
    }

    /// Forget the cache (after a new document is opened).
    pub fn invalidate(&mut self) {
        self.revision = None;
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
