//! File → Import: read a Docker Compose file, Kubernetes manifests or an
//! isotope service graph, open the design it describes as a new unsaved
//! document, and show what the importer could not map.
//!
//! The import runs before the "save changes?" question, so a file that
//! cannot be imported never costs the user a decision; the imported design
//! then waits while the question is answered and replaces the document
//! through the same path as New and Open.
//!
//! Several files make one design: the report's "Add a file…" adds a
//! Compose override (merged over the files before it, as `docker compose
//! -f a.yml -f b.yml` does) or another Kubernetes manifest, and imports
//! them all again; the imported design, not yet edited, is replaced.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use egui::{Id, RichText, ScrollArea};
use engine::Design;
use engine::import::{ImportFormat, MAX_INPUT_BYTES, Source};

use crate::gui::app::chooser::Purpose;
use crate::gui::app::{Modal, SwitchboardApp};
use crate::gui::document::Document;
use crate::gui::i18n::{tr, tr_args, tr_message};
use crate::gui::panels::file_dialog::Ask;

/// What an import brought in, for the dialog shown after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// The file's name.
    pub source: String,
    /// The format read.
    pub format: ImportFormat,
    /// Nodes in the design.
    pub nodes: usize,
    /// Edges in the design.
    pub edges: usize,
    /// What could not be mapped, and the placeholders used.
    pub notes: Vec<engine::message::Message>,
}

/// Imports in progress and the report on screen.
#[derive(Debug, Default)]
pub struct ImportState {
    /// An imported design waiting for "save changes?" to be answered.
    pending: Option<(Box<Design>, ImportReport)>,
    /// The report of the last import, shown until closed.
    pub report: Option<ImportReport>,
    /// The files of the import on screen (the first one, then the added ones).
    files: Vec<PathBuf>,
}

impl ImportState {
    /// The files of the import on screen, in merge order.
    #[must_use]
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

/// The human name of a source format.
#[must_use]
pub fn format_title(format: ImportFormat) -> String {
    match format {
        ImportFormat::Compose => "Docker Compose".to_owned(),
        ImportFormat::Kubernetes => tr("import-format-kubernetes"),
        ImportFormat::Isotope => tr("import-format-isotope"),
    }
}

/// Read and import a file, the format detected from its content.
///
/// # Errors
/// When the file cannot be read, is too large, or the importer refuses it.
pub fn import_file(path: &Path) -> anyhow::Result<(Design, ImportReport)> {
    import_paths(&[path.to_path_buf()])
}

/// Read and import several files as one design: a Compose file and its
/// overrides (merged in order; `${VAR}` from the `.env` file next to the
/// first), or Kubernetes manifests, the format detected from the first.
///
/// # Errors
/// When a file cannot be read or is too large, or the importer refuses them.
pub fn import_paths(paths: &[PathBuf]) -> anyhow::Result<(Design, ImportReport)> {
    let mut texts: Vec<(String, String)> = Vec::with_capacity(paths.len());
    for path in paths {
        let size = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.len();
        anyhow::ensure!(
            usize::try_from(size).is_ok_and(|s| s <= MAX_INPUT_BYTES),
            "{}",
            tr_args(
                "import-too-large",
                &[("file", path.display().to_string().into()), ("limit", (MAX_INPUT_BYTES / (1024 * 1024)).into())]
            )
        );
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        texts.push((text, name));
    }
    let sources: Vec<Source<'_>> = texts.iter().map(|(text, name)| Source { text, name }).collect();
    let env = paths.first().and_then(|p| p.parent()).unwrap_or_else(|| Path::new(".")).join(".env");
    let imported = engine::import::import_files(&sources, None, &crate::cli::import::dotenv(&env))?;
    let report = ImportReport {
        source: texts.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>().join(" + "),
        format: imported.format,
        nodes: imported.design.nodes.len(),
        edges: imported.design.edges.len(),
        notes: imported.notes,
    };
    Ok((imported.design, report))
}

/// Ask for a file (when `path` is `None`) and import it. Returns whether a
/// design is waiting to be opened; failures are shown in the error dialog
/// and leave the open document alone.
pub fn prepare(app: &mut SwitchboardApp, path: Option<PathBuf>) -> bool {
    let Some(path) = path else {
        app.ask_file(Ask::OpenImport, Purpose::Import);
        return false;
    };
    match import_file(&path) {
        Ok((design, report)) => {
            app.dialogs.import.pending = Some((Box::new(design), report));
            app.dialogs.import.files = vec![path];
            true
        }
        Err(e) => {
            app.dialogs.import.pending = None;
            app.dialogs.modal = Some(Modal::Error(tr_args(
                "import-failed",
                &[("path", path.display().to_string().into()), ("error", format!("{e:#}").into())],
            )));
            false
        }
    }
}

/// Add a file to the import on screen (ask when `path` is `None`) and
/// import them all again; the design, still as imported, is replaced. A
/// failure is shown and keeps the import as it was.
pub fn add_file(app: &mut SwitchboardApp, path: Option<PathBuf>) {
    let Some(path) = path else {
        app.ask_file(Ask::OpenImport, Purpose::ImportMore);
        return;
    };
    let mut files = app.dialogs.import.files.clone();
    files.push(path.clone());
    match import_paths(&files) {
        Ok((design, report)) => {
            app.dialogs.import.pending = Some((Box::new(design), report));
            app.dialogs.import.files = files;
            open_pending(app);
        }
        Err(e) => {
            app.dialogs.modal = Some(Modal::Error(tr_args(
                "import-failed",
                &[("path", path.display().to_string().into()), ("error", format!("{e:#}").into())],
            )));
        }
    }
}

/// Open the waiting imported design as a new, unsaved document.
pub fn open_pending(app: &mut SwitchboardApp) {
    let Some((design, report)) = app.dialogs.import.pending.take() else { return };
    app.set_document(Document::new(*design, None));
    // Nothing on disk holds it yet: closing must ask to save.
    app.doc.mark_dirty();
    app.notify(tr_args(
        "import-notice",
        &[("source", report.source.as_str().into()), ("format", format_title(report.format).into())],
    ));
    app.dialogs.import.report = Some(report);
}

/// Show the import report, if one is open.
pub fn show(ctx: &egui::Context, app: &mut SwitchboardApp) {
    let Some(report) = &app.dialogs.import.report else { return };
    let mut close = false;
    let mut add = false;
    let resp = egui::Modal::new(Id::new("import-report")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading(tr_args("import-title", &[("source", report.source.as_str().into())]));
        ui.label(tr_args(
            "import-read-as",
            &[
                ("format", format_title(report.format).into()),
                ("nodes", report.nodes.into()),
                ("edges", report.edges.into()),
            ],
        ));
        ui.add_space(6.0);
        if report.notes.is_empty() {
            ui.weak(tr("import-everything-in-the-file-was"));
        } else {
            ui.label(RichText::new(tr_args("import-not-mapped", &[("count", report.notes.len().into())])).strong());
            ScrollArea::vertical().max_height(320.0).auto_shrink([false, true]).show(ui, |ui| {
                for note in &report.notes {
                    ui.label(format!("• {}", tr_message(note)));
                }
            });
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(tr("import-ok")).clicked() {
                close = true;
            }
            if ui.button(tr("import-add-file")).on_hover_text(tr("import-add-file-hint")).clicked() {
                add = true;
            }
        });
    });
    if add {
        add_file(app, None);
    } else if close || resp.should_close() {
        app.dialogs.import.report = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_an_error() {
        let err = import_file(Path::new("/nonexistent/compose.yaml")).err().map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("compose.yaml")));
    }
}
