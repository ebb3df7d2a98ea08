//! The view state: what the user looks at and how. The selection, the
//! canvas's pan, zoom and gestures, the problem whose culprit is outlined,
//! the find box and the inspector's typing buffers. None of it is part of the
//! document and none of it is undone: panels change it directly, while every
//! change of the design leaves them as an `Action` and becomes a `Command`.
//!
//! Panels borrow this (and the design, the analysis) instead of the whole
//! app, so what a panel can touch is written in its signature.

use super::canvas::CanvasState;
use super::panels::inspector::InspectorState;
use super::selection::Selection;

/// What the user looks at and how (see the module documentation).
#[derive(Debug, Default)]
pub struct ViewState {
    /// What is selected.
    pub(crate) selection: Selection,
    /// Canvas view and interaction state.
    pub(crate) canvas: CanvasState,
    /// Problem chosen in the problems panel (its culprit is outlined).
    pub(crate) culprit: Option<String>,
    /// The find box: open with its query, or closed.
    pub(crate) find: Option<String>,
    /// The find box wants the keyboard focus (it was just opened).
    pub(crate) find_focus: bool,
    /// The inspector's state between frames.
    pub(crate) inspector: InspectorState,
    /// The single node selected last, and the one before it (keyboard connect).
    current_node: Option<String>,
    previous_node: Option<String>,
}

impl ViewState {
    /// What is selected.
    #[must_use]
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The selection, to change (tests select without pointing).
    pub fn selection_mut(&mut self) -> &mut Selection {
        &mut self.selection
    }

    /// The canvas view (pan, zoom, gestures).
    #[must_use]
    pub fn canvas(&self) -> &CanvasState {
        &self.canvas
    }

    /// The canvas view, to change (tests set the zoom or ask for a fit).
    pub fn canvas_mut(&mut self) -> &mut CanvasState {
        &mut self.canvas
    }

    /// The node outlined as the culprit of the chosen problem.
    #[must_use]
    pub fn culprit(&self) -> Option<&str> {
        self.culprit.as_deref()
    }

    /// The find box's query, `None` while it is closed.
    #[must_use]
    pub fn find_query(&self) -> Option<&str> {
        self.find.as_deref()
    }

    /// The node selected before the one selected now.
    pub(crate) fn previous_node(&self) -> Option<&str> {
        self.previous_node.as_deref()
    }

    /// Remember the node selected before the one selected now (keyboard
    /// connect); called once per frame.
    pub(crate) fn track_selection(&mut self) {
        let now = self.selection.single_node().map(str::to_owned);
        if now.is_some() && now != self.current_node {
            self.previous_node = self.current_node.take();
            self.current_node = now;
        }
    }
}

/// What the panels beside the canvas (inspector, edge and workload
/// inspectors) work from: the design and its analysis to read, the view to
/// change. A design change leaves them as an `Action`.
pub struct PanelContext<'a> {
    /// The design being edited.
    pub design: &'a engine::Design,
    /// Its live analysis (problems and load).
    pub analysis: &'a super::analysis::Analysis,
    /// The view state.
    pub view: &'a mut ViewState,
}
