//! The open document: a design, where it lives on disk, whether it has unsaved
//! edits, and its undo history.
//!
//! The UI never mutates the design directly: every edit is a [`Command`]
//! applied through [`Document::apply`], so every edit is undoable and marks the
//! document dirty. Undo keeps whole snapshots of the design: a design is small
//! (a 1,000-node design clones in well under a millisecond) and snapshots
//! cannot drift out of step with the commands the way inverse operations can.

use std::path::PathBuf;

use engine::Design;
use engine::model::{Edge, Fault, Node, Position, Scenario, SimulationSettings, Slo, Workload};

use crate::gui::i18n::tr_args;

mod execute;
use execute::execute;

/// The next [`Document::id`].
static NEXT_DOCUMENT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Most undo steps kept.
const UNDO_LIMIT: usize = 200;

/// One edit of the design.
#[derive(Clone, Debug)]
pub enum Command {
    /// Add one node.
    AddNode(Box<Node>),
    /// Add nodes and edges together (paste, duplicate).
    Insert {
        /// Nodes, with fresh ids and names.
        nodes: Vec<Node>,
        /// Edges between them.
        edges: Vec<Edge>,
    },
    /// Remove nodes, their edges, the receivers they host and workloads
    /// entering them.
    RemoveNodes(Vec<String>),
    /// Move nodes to absolute positions.
    MoveNodes(Vec<(String, Position)>),
    /// Replace a node's fields (found by its id, which must not change).
    SetNode(Box<Node>),
    /// Rename a node.
    Rename {
        /// Node id.
        id: String,
        /// New unique name.
        name: String,
    },
    /// Add an edge.
    AddEdge(Box<Edge>),
    /// Remove edges.
    RemoveEdges(Vec<String>),
    /// Replace an edge's fields (found by its id).
    SetEdge(Box<Edge>),
    /// Put nodes into a group, or take them out of any (`None`).
    SetGroup {
        /// Node ids.
        ids: Vec<String>,
        /// Group label.
        group: Option<String>,
    },
    /// Rename a group for all its members.
    RenameGroup {
        /// Old label.
        from: String,
        /// New label.
        to: String,
    },
    /// Add a workload.
    AddWorkload(Box<Workload>),
    /// Replace a workload, by name (the new value may rename it: its SLOs
    /// follow).
    SetWorkload {
        /// The workload's name before the change.
        name: String,
        /// New value.
        workload: Box<Workload>,
    },
    /// Remove a workload, by name (and its SLOs).
    RemoveWorkload(String),
    /// Several edits as one undo step, applied in order, all or none
    /// (deleting a selection of nodes, edges and a workload).
    Batch(Vec<Command>),
    /// Replace the SLO list.
    SetSlos(Vec<Slo>),
    /// Replace the run settings.
    SetSimulation(Box<SimulationSettings>),
    /// Set the design's name and description.
    SetInfo {
        /// Design name.
        name: String,
        /// What the design shows.
        description: String,
    },
    /// Replace the whole design (auto-layout, import).
    ReplaceDesign(Box<Design>),
    /// Replace the faults of the design, or of one of its scenarios.
    SetFaults {
        /// Scenario name (`None`: the design's own faults).
        scenario: Option<String>,
        /// The new list.
        faults: Vec<Fault>,
    },
    /// Replace the scenario list.
    SetScenarios(Vec<Scenario>),
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CommandError(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, CommandError> {
    Err(CommandError(message.into()))
}

/// A design being edited.
#[derive(Debug, Clone)]
pub struct Document {
    design: Design,
    /// Where the design was loaded from or last saved to.
    pub path: Option<PathBuf>,
    /// What to call a document without a path ("E-commerce checkout — sample").
    pub label: Option<String>,
    /// Unique in the session: results remember the document they came from.
    id: u64,
    undo: Vec<(Design, u64)>,
    redo: Vec<(Design, u64)>,
    /// Identifies the current state: every applied edit gets a new number, undo
    /// and redo restore the number of the state they return to.
    revision: u64,
    next_revision: u64,
    saved_revision: u64,
    /// Key of the edit that later edits with the same key merge into.
    merge_key: Option<String>,
}

impl Default for Document {
    fn default() -> Self {
        Self::new(Design::default(), None)
    }
}

impl Document {
    /// A clean document.
    #[must_use]
    pub fn new(design: Design, path: Option<PathBuf>) -> Self {
        Self {
            design,
            path,
            label: None,
            id: NEXT_DOCUMENT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            next_revision: 1,
            saved_revision: 0,
            merge_key: None,
        }
    }

    /// Which document this is (unique in the session; kept by undo and saves).
    #[must_use]
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The design.
    #[must_use]
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Changes with every edit, undo and redo: caches key on it.
    #[must_use]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether there are edits not yet saved.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// Mark the current state as saved (to `path`).
    pub fn mark_saved(&mut self, path: PathBuf) {
        self.path = Some(path);
        self.saved_revision = self.revision;
        self.merge_key = None;
    }

    /// Mark the current state as unsaved (a restored recovery file).
    pub fn mark_dirty(&mut self) {
        self.saved_revision = u64::MAX;
    }

    /// An untitled copy of a shipped sample: it has no path, so saving asks
    /// where to put it, and it is called "<name> — sample".
    #[must_use]
    pub fn sample_copy(design: Design) -> Self {
        let label = tr_args("document-sample-copy", &[("name", design.name.as_str().into())]);
        let mut doc = Self::new(design, None);
        doc.label = Some(label);
        doc
    }

    /// The file name shown in the title and status bar.
    #[must_use]
    pub fn display_name(&self) -> String {
        match (self.path.as_ref().and_then(|p| p.file_name()), &self.label) {
            (Some(n), _) => n.to_string_lossy().into_owned(),
            (None, Some(label)) => label.clone(),
            (None, None) => "untitled".to_owned(),
        }
    }

    /// Whether undo has something to undo.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether redo has something to redo.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Apply an edit as its own undo step.
    ///
    /// # Errors
    /// When the edit does not fit the design (unknown id, taken name); the
    /// design is then unchanged.
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        self.merge_key = None;
        self.apply_inner(command)
    }

    /// Apply an edit that merges with the previous edit of the same `key`
    /// into one undo step: a whole drag, a whole slider drag, typing a name.
    /// [`Self::seal`] ends the merging.
    ///
    /// # Errors
    /// As [`Self::apply`].
    pub fn apply_merging(&mut self, command: Command, key: &str) -> Result<(), CommandError> {
        if self.merge_key.as_deref() == Some(key) && !self.undo.is_empty() {
            let mut next = self.design.clone();
            execute(&mut next, command)?;
            if next != self.design {
                self.design = next;
                self.revision = self.bump();
                self.redo.clear();
            }
            return Ok(());
        }
        self.apply_inner(command)?;
        self.merge_key = Some(key.to_owned());
        Ok(())
    }

    /// End the current merged edit: the next edit starts a new undo step.
    pub fn seal(&mut self) {
        self.merge_key = None;
    }

    fn bump(&mut self) -> u64 {
        let r = self.next_revision;
        self.next_revision += 1;
        r
    }

    fn apply_inner(&mut self, command: Command) -> Result<(), CommandError> {
        let mut next = self.design.clone();
        execute(&mut next, command)?;
        if next == self.design {
            return Ok(());
        }
        let previous = std::mem::replace(&mut self.design, next);
        self.undo.push((previous, self.revision));
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.revision = self.bump();
        Ok(())
    }

    /// Undo the last edit; returns whether there was one.
    pub fn undo(&mut self) -> bool {
        self.merge_key = None;
        let Some((design, revision)) = self.undo.pop() else { return false };
        let current = std::mem::replace(&mut self.design, design);
        self.redo.push((current, self.revision));
        self.revision = revision;
        true
    }

    /// Redo the last undone edit; returns whether there was one.
    pub fn redo(&mut self) -> bool {
        self.merge_key = None;
        let Some((design, revision)) = self.redo.pop() else { return false };
        let current = std::mem::replace(&mut self.design, design);
        self.undo.push((current, self.revision));
        self.revision = revision;
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use engine::model::{EdgeKind, NodeKind};

    use super::*;

    fn two_nodes() -> Document {
        let mut doc = Document::default();
        doc.apply(Command::AddNode(Box::new(Node::new("a", "alpha", NodeKind::Service)))).unwrap();
        doc.apply(Command::AddNode(Box::new(Node::new("b", "beta", NodeKind::Database)))).unwrap();
        doc
    }

    #[test]
    fn workloads_are_addressed_by_name_and_their_slos_follow_a_rename() {
        let mut doc = two_nodes();
        for name in ["browse", "buy"] {
            let w = crate::gui::panels::edge_inspector::new_workload(doc.design(), "a");
            doc.apply(Command::AddWorkload(Box::new(Workload { name: name.into(), ..w }))).unwrap();
        }
        doc.apply(Command::SetSlos(vec![Slo { workload: "buy".into(), latency: None, max_error_rate: Some(0.01) }]))
            .unwrap();
        let mut renamed = doc.design().workloads[1].clone();
        renamed.name = "checkout".into();
        doc.apply(Command::SetWorkload { name: "buy".into(), workload: Box::new(renamed.clone()) }).unwrap();
        assert_eq!(doc.design().slos[0].workload, "checkout");
        // Taking another workload's name would make the address ambiguous.
        renamed.name = "browse".into();
        let rev = doc.revision();
        assert!(doc.apply(Command::SetWorkload { name: "checkout".into(), workload: Box::new(renamed) }).is_err());
        assert_eq!(doc.revision(), rev);
        assert!(doc.apply(Command::RemoveWorkload("nope".into())).is_err());
        doc.apply(Command::RemoveWorkload("checkout".into())).unwrap();
        let names: Vec<&str> = doc.design().workloads.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["browse"]);
        assert!(doc.design().slos.is_empty(), "the removed workload's SLOs go with it");
    }

    #[test]
    fn undo_redo_and_dirty() {
        let mut doc = two_nodes();
        assert!(doc.is_dirty());
        assert_eq!(doc.design().nodes.len(), 2);
        assert!(doc.undo());
        assert_eq!(doc.design().nodes.len(), 1);
        assert!(doc.undo());
        assert!(!doc.is_dirty(), "back at the loaded state");
        assert!(!doc.undo());
        assert!(doc.redo());
        assert!(doc.redo());
        assert_eq!(doc.design().nodes.len(), 2);
        assert!(!doc.redo());
    }

    #[test]
    fn merged_edits_are_one_step() {
        let mut doc = two_nodes();
        for i in 0..10 {
            let pos = Position { x: i as f32, y: 0.0 };
            doc.apply_merging(Command::MoveNodes(vec![("a".into(), pos)]), "drag").unwrap();
        }
        doc.seal();
        assert_eq!(doc.design().node("a").unwrap().position.x, 9.0);
        assert!(doc.undo());
        assert_eq!(doc.design().node("a").unwrap().position.x, 0.0);
    }

    #[test]
    fn refused_edit_changes_nothing() {
        let mut doc = two_nodes();
        let rev = doc.revision();
        let err = doc.apply(Command::Rename { id: "a".into(), name: "beta".into() });
        assert!(err.is_err());
        assert_eq!(doc.revision(), rev);
        assert_eq!(doc.design().node("a").unwrap().name, "alpha");
    }

    #[test]
    fn editing_a_placeholder_value_removes_it_in_the_same_undo_step() {
        let mut doc = two_nodes();
        let mut design = doc.design().clone();
        design.placeholders = vec!["nodes[a].service_time".into(), "nodes[b].service_time".into()];
        doc = Document::new(design, None);
        let mut a = doc.design().node("a").unwrap().clone();
        a.name = "alpha".into();
        doc.apply(Command::SetNode(Box::new(a.clone()))).unwrap();
        assert_eq!(doc.design().placeholders.len(), 2, "a rename leaves the service time invented");
        a.service_time = engine::model::Distribution::Constant { value_ms: 4.0 };
        doc.apply(Command::SetNode(Box::new(a))).unwrap();
        assert_eq!(doc.design().placeholders, vec!["nodes[b].service_time".to_owned()]);
        doc.undo();
        assert_eq!(doc.design().placeholders.len(), 2);
        // A capacity typed in is no longer invented either (calibration marks new nodes' capacity).
        let mut design = doc.design().clone();
        design.placeholders = vec!["nodes[a].capacity".into()];
        doc = Document::new(design, None);
        let mut a = doc.design().node("a").unwrap().clone();
        a.capacity.workers += 1;
        doc.apply(Command::SetNode(Box::new(a))).unwrap();
        assert!(doc.design().placeholders.is_empty());
    }

    #[test]
    fn removing_a_node_removes_its_edges_and_receivers() {
        let mut doc = two_nodes();
        let mut r = Node::new("r", "on save", NodeKind::Receiver);
        r.host = Some("a".into());
        doc.apply(Command::AddNode(Box::new(r))).unwrap();
        doc.apply(Command::AddEdge(Box::new(Edge::new("e1", "a", "b", EdgeKind::Call)))).unwrap();
        doc.apply(Command::RemoveNodes(vec!["a".into()])).unwrap();
        assert_eq!(doc.design().nodes.len(), 1);
        assert!(doc.design().edges.is_empty());
        doc.undo();
        assert_eq!(doc.design().nodes.len(), 3);
        assert_eq!(doc.design().edges.len(), 1);
    }

    #[test]
    fn removing_a_registry_leaves_its_services_on_platform_discovery() {
        let mut doc = two_nodes();
        doc.apply(Command::AddNode(Box::new(Node::new("reg", "Consul", NodeKind::Registry)))).unwrap();
        let mut b = doc.design().node("b").unwrap().clone();
        b.discovery = Some(engine::model::Discovery {
            mode: engine::model::DiscoveryMode::ClientSide,
            registry: Some("reg".into()),
            ..engine::model::Discovery::default()
        });
        doc.apply(Command::SetNode(Box::new(b))).unwrap();
        doc.apply(Command::RemoveNodes(vec!["reg".into()])).unwrap();
        let d = doc.design().node("b").unwrap().discovery.clone().unwrap();
        assert_eq!((d.mode, d.registry), (engine::model::DiscoveryMode::ServerSide, None));
        assert!(!engine::validate::has_errors(&engine::validate::validate(doc.design())));
        doc.undo();
        let d = doc.design().node("b").unwrap().discovery.clone().unwrap();
        assert_eq!(d.registry.as_deref(), Some("reg"));
    }

    #[test]
    fn saved_state_is_clean_after_undo_and_redo() {
        let mut doc = two_nodes();
        doc.mark_saved(PathBuf::from("x.json"));
        assert!(!doc.is_dirty());
        doc.undo();
        assert!(doc.is_dirty());
        doc.redo();
        assert!(!doc.is_dirty());
    }
}
