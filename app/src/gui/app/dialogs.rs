//! The dialogs over the window, at most one of each kind: the modal one
//! (an error, the recovery question, "save changes?"), the Export dialog,
//! the import's pending question and report, and the in-app file dialog.
//! Like the view state, none of it is part of the document.

use super::Modal;
use crate::gui::panels::export_dialog::ExportDialog;
use crate::gui::panels::file_dialog::InAppDialog;
use crate::gui::panels::import::ImportState;

/// The dialogs open now.
#[derive(Default)]
pub struct Dialogs {
    /// The modal dialog shown, if any.
    pub modal: Option<Modal>,
    /// The Export dialog, when open.
    pub export_dialog: Option<ExportDialog>,
    /// Imports waiting for "save changes?" and the import report on screen.
    pub import: ImportState,
    /// The in-app file dialog, when open.
    pub file_dialog: Option<InAppDialog>,
}
