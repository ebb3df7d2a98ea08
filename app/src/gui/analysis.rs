//! Live analysis of the design: validation problems and the instant capacity
//! estimate, recomputed whenever the document changes (both are fast enough
//! to run on every edit) and cached by document revision otherwise.

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
        self.estimate.node(id)
    }

    /// The worst severity of problems about a node, if any.
    #[must_use]
    pub fn node_severity(&self, id: &str) -> Option<Severity> {
        self.worst(|t| matches!(t, Target::Node(n) if n == id))
    }

    /// The worst severity of problems about an edge, if any.
    #[must_use]
    pub fn edge_severity(&self, id: &str) -> Option<Severity> {
        self.worst(|t| matches!(t, Target::Edge(e) if e == id))
    }

    fn worst(&self, about: impl Fn(&Target) -> bool) -> Option<Severity> {
        // Load warnings are shown by the ρ badge: outlines are for real mistakes
        // and overload.
        self.problems.iter().filter(|p| about(&p.target)).map(|p| p.severity).min()
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
