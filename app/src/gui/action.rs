//! What the user asked for. Panels do not act on the app directly: they push
//! actions, and the app handles them once per frame, in order. This keeps
//! every panel a function of state and makes the same action reachable from a
//! menu, a shortcut, a context menu and a test.

use std::path::PathBuf;

use egui::Pos2;
use engine::export::ExportFormat;
use engine::model::{EdgeKind, NodeKind};

use super::document::Command;

/// A user intent.
#[derive(Clone, Debug)]
pub enum Action {
    /// Apply an edit as its own undo step.
    Edit(Command),
    /// Apply an edit that merges with the previous edit of the same key.
    EditMerging(Command, String),
    /// End a merged edit (a drag ended).
    Seal,
    /// Add a node of a kind or preset at a world position (`None`: centre of the view).
    AddNode {
        /// Preset key (see `presets`), or a plain kind.
        preset: Option<&'static str>,
        /// Kind when no preset is given.
        kind: NodeKind,
        /// World position.
        at: Option<Pos2>,
    },
    /// Connect two nodes with an edge of the default kind for their ends.
    Connect {
        /// Source node id.
        from: String,
        /// Target node id.
        to: String,
        /// Kind, or the default for the ends.
        kind: Option<EdgeKind>,
    },
    /// Delete the selection.
    Delete,
    /// Duplicate the selection.
    Duplicate,
    /// Copy the selection to the clipboard as design JSON.
    Copy,
    /// Copy and delete.
    Cut,
    /// Paste design JSON (from the clipboard) at a world position.
    Paste(Option<Pos2>),
    /// Select everything.
    SelectAll,
    /// Start renaming a node inline.
    Rename(String),
    /// Put the selected nodes into a new group.
    Group,
    /// Take the selected nodes out of their groups.
    Ungroup,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Fit the whole design into the view.
    FitView,
    /// Fit the selection into the view.
    ZoomToSelection,
    /// Centre the view on a node and select it.
    Focus(String),
    /// Lay the design out (one undo step).
    AutoLayout,
    /// New empty design.
    New,
    /// Open a file (with a dialog when `None`).
    Open(Option<PathBuf>),
    /// Save (to the current path, else ask).
    Save,
    /// Save under a new name.
    SaveAs,
    /// Export the canvas.
    ExportSvg,
    /// Export the canvas as PNG.
    ExportPng,
    /// Open the Export dialog on a format.
    Export(ExportFormat),
    /// Import a Compose, Kubernetes or isotope file (with a dialog when `None`).
    Import(Option<PathBuf>),
    /// Calibrate from traces or metrics (with a dialog when `None`).
    Calibrate(Option<PathBuf>),
    /// Quit the app.
    Quit,
    /// Simulate the design (F5).
    Run,
    /// Stop the run in progress.
    StopRun,
    /// Run the design as real services and compare them with the simulator.
    Emulate,
    /// Stop the emulation (what was measured still shows).
    StopEmulate,
    /// Add a workload entering a valid entry node (a client if there is one).
    AddWorkload,
    /// Connect the node selected before to the node selected now (keyboard).
    ConnectPrevious,
    /// Open the quick-add box in the middle of the view (keyboard).
    QuickAdd,
}
