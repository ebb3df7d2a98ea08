//! What the user has selected: nodes, edges, a workload or a group. Transient
//! UI state, never saved with the design.

use std::collections::BTreeSet;

use engine::Design;

/// The current selection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Selected node ids.
    pub nodes: BTreeSet<String>,
    /// Selected edge ids.
    pub edges: BTreeSet<String>,
    /// A selected workload, by name.
    pub workload: Option<String>,
    /// A selected group frame, by label.
    pub group: Option<String>,
}

impl Selection {
    /// Nothing selected.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty() && self.workload.is_none() && self.group.is_none()
    }

    /// Select nothing.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Select exactly one node.
    pub fn only_node(&mut self, id: &str) {
        self.clear();
        self.nodes.insert(id.to_owned());
    }

    /// Select exactly one edge.
    pub fn only_edge(&mut self, id: &str) {
        self.clear();
        self.edges.insert(id.to_owned());
    }

    /// Add or remove a node (Shift/Ctrl-click).
    pub fn toggle_node(&mut self, id: &str) {
        self.workload = None;
        self.group = None;
        if !self.nodes.remove(id) {
            self.nodes.insert(id.to_owned());
        }
    }

    /// Add or remove an edge.
    pub fn toggle_edge(&mut self, id: &str) {
        self.workload = None;
        self.group = None;
        if !self.edges.remove(id) {
            self.edges.insert(id.to_owned());
        }
    }

    /// The single selected node, if exactly one node and nothing else is selected.
    #[must_use]
    pub fn single_node(&self) -> Option<&str> {
        (self.nodes.len() == 1 && self.edges.is_empty()).then(|| self.nodes.first().map(String::as_str)).flatten()
    }

    /// The single selected edge, if exactly one edge and nothing else is selected.
    #[must_use]
    pub fn single_edge(&self) -> Option<&str> {
        (self.edges.len() == 1 && self.nodes.is_empty()).then(|| self.edges.first().map(String::as_str)).flatten()
    }

    /// Drop what no longer exists (after undo, delete, open).
    pub fn prune(&mut self, design: &Design) {
        self.nodes.retain(|id| design.node(id).is_some());
        self.edges.retain(|id| design.edge(id).is_some());
        if self.workload.as_ref().is_some_and(|name| !design.workloads.iter().any(|w| &w.name == name)) {
            self.workload = None;
        }
        if let Some(g) = &self.group
            && !design.nodes.iter().any(|n| n.group.as_ref() == Some(g))
        {
            self.group = None;
        }
    }
}
