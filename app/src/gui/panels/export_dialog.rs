//! The Export dialog: pick a target format, read the generated text, see what
//! the target could not express, then copy it or save it to a file.
//!
//! The export runs in the engine (`engine::export`), the same code the CLI
//! uses; this dialog only shows it. It is computed once per format and
//! document revision, not every frame, and very long texts are cut in the
//! preview (laying out megabytes of text every frame would stall the UI) but
//! always copied and saved whole.

use egui::{Id, RichText, ScrollArea, TextEdit, TextStyle, Ui};
use engine::Design;
use engine::export::{Export, ExportFormat, ExportOptions, Note, NoteKind};

use crate::gui::app::SwitchboardApp;
use crate::gui::app::chooser::Purpose;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::panels::file_dialog::Ask;
use crate::gui::style;

/// Lines shown in the preview before it is cut.
pub const PREVIEW_MAX_LINES: usize = 2_000;
/// Bytes shown in the preview before it is cut.
pub const PREVIEW_MAX_BYTES: usize = 256 * 1024;

/// Height of the conversion report, points.
const REPORT_HEIGHT: f32 = 140.0;

/// Every kind of note, in the order the report lists them.
const NOTE_KINDS: [NoteKind; 5] =
    [NoteKind::Unsupported, NoteKind::Placeholder, NoteKind::Approximated, NoteKind::Renamed, NoteKind::Mapped];

/// What the dialog shows for one format and revision.
#[derive(Debug)]
enum Outcome {
    /// The export, its whole text, and the (possibly cut) preview.
    Done { export: Export, text: String, preview: Preview },
    /// Why the export failed.
    Failed(String),
}

/// The text shown in the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The shown text (all of it, or its first lines).
    pub text: String,
    /// Lines in the whole text.
    pub total_lines: usize,
    /// Lines shown, when cut.
    pub shown_lines: Option<usize>,
}

impl Preview {
    /// The preview of a text: the whole text, or its first lines when it is
    /// longer than `max_lines` lines or `max_bytes` bytes (cut at a line end).
    #[must_use]
    pub fn of(text: &str, max_lines: usize, max_bytes: usize) -> Self {
        let total_lines = text.lines().count();
        if total_lines <= max_lines && text.len() <= max_bytes {
            return Self { text: text.to_owned(), total_lines, shown_lines: None };
        }
        let mut end = 0;
        let mut shown = 0;
        for line in text.split_inclusive('\n') {
            if shown == max_lines || end + line.len() > max_bytes {
                break;
            }
            end += line.len();
            shown += 1;
        }
        let cut = text.get(..end).unwrap_or_default().to_owned();
        Self { text: cut, total_lines, shown_lines: Some(shown) }
    }
}

/// The open Export dialog.
#[derive(Debug)]
pub struct ExportDialog {
    format: ExportFormat,
    /// Mermaid: one node per group, edges between groups aggregated.
    collapse_groups: bool,
    /// Compose and Kubernetes: the emulated variant (every node `serve-node`).
    emulate: bool,
    /// Format, collapse choice, emulated variant and document revision the
    /// outcome belongs to.
    computed_for: Option<(ExportFormat, bool, bool, u64)>,
    outcome: Option<Outcome>,
    /// The result of the last Save or Copy, shown under the buttons.
    pub(crate) message: Option<(String, bool)>,
    /// Validation errors of the design at that revision: the export of an
    /// invalid design may not deploy as drawn (the CLI refuses it).
    design_errors: usize,
}

impl ExportDialog {
    /// A dialog showing `format`.
    #[must_use]
    pub fn new(format: ExportFormat) -> Self {
        Self {
            format,
            collapse_groups: false,
            emulate: false,
            computed_for: None,
            outcome: None,
            message: None,
            design_errors: 0,
        }
    }

    /// The format shown.
    #[must_use]
    pub fn format(&self) -> ExportFormat {
        self.format
    }

    /// Mermaid: draw one node per group (the collapsed view) or every node.
    pub fn set_collapse_groups(&mut self, collapse: bool) {
        self.collapse_groups = collapse;
    }

    /// Compose and Kubernetes: export the emulated variant (every node runs
    /// `switchboard serve-node`, plus a load generator), as `export --emulate`.
    pub fn set_emulate(&mut self, emulate: bool) {
        self.emulate = emulate;
    }

    /// Show another format.
    pub fn set_format(&mut self, format: ExportFormat) {
        if format != self.format {
            self.format = format;
            self.message = None;
        }
    }

    /// Bring the export up to date with the design; `design_errors` is the
    /// problem list's error count for that revision (validated once, by the
    /// app's analysis).
    pub fn refresh(&mut self, design: &Design, revision: u64, design_errors: usize) {
        self.design_errors = design_errors;
        let emulate = self.emulate && emulable(self.format);
        let key = (self.format, self.collapse_groups, emulate, revision);
        if self.computed_for == Some(key) {
            return;
        }
        self.computed_for = Some(key);
        let options = ExportOptions { collapse_groups: self.collapse_groups, ..ExportOptions::default() };
        let exported = engine::export::export_with(design, self.format, options)
            .and_then(|e| if emulate { engine::export::emulate::emulated(design, &e) } else { Ok(e) });
        self.outcome = Some(match exported {
            Ok(export) => {
                let text = export.text();
                let preview = Preview::of(&text, PREVIEW_MAX_LINES, PREVIEW_MAX_BYTES);
                Outcome::Done { export, text, preview }
            }
            Err(e) => Outcome::Failed(e.to_string()),
        });
    }

    /// The whole exported text, if the export succeeded.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match &self.outcome {
            Some(Outcome::Done { text, .. }) => Some(text),
            _ => None,
        }
    }

    /// The preview, if the export succeeded.
    #[must_use]
    pub fn preview(&self) -> Option<&Preview> {
        match &self.outcome {
            Some(Outcome::Done { preview, .. }) => Some(preview),
            _ => None,
        }
    }

    /// The conversion report, if the export succeeded.
    #[must_use]
    pub fn report(&self) -> &[Note] {
        match &self.outcome {
            Some(Outcome::Done { export, .. }) => &export.report,
            _ => &[],
        }
    }

    /// Why the export failed, if it did.
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        match &self.outcome {
            Some(Outcome::Failed(e)) => Some(e),
            _ => None,
        }
    }

    /// How many validation errors the design had when the export was made.
    #[must_use]
    pub fn design_errors(&self) -> usize {
        self.design_errors
    }

    /// The message of the last Save or Copy, and whether it is an error.
    #[must_use]
    pub fn message(&self) -> Option<(&str, bool)> {
        self.message.as_ref().map(|(m, e)| (m.as_str(), *e))
    }
}

/// What the user asked the dialog for this frame.
enum Request {
    Copy,
    Save,
    Close,
}

/// Whether a format has an emulated variant (`export --emulate`).
fn emulable(format: ExportFormat) -> bool {
    matches!(format, ExportFormat::Compose | ExportFormat::Kubernetes)
}

/// The file extension of a format's default file name.
fn extension(format: ExportFormat) -> &'static str {
    let name = format.file_name();
    name.rsplit_once('.').map_or(name, |(_, ext)| ext)
}

/// Show the dialog, if open.
pub fn show(ctx: &egui::Context, app: &mut SwitchboardApp) {
    let revision = app.doc.revision();
    let Some(dialog) = app.dialogs.export_dialog.as_mut() else { return };
    let errors = app.analysis.problems.iter().filter(|p| p.severity == engine::validate::Severity::Error).count();
    dialog.refresh(app.doc.design(), revision, errors);
    let mut request = None;
    let resp = egui::Modal::new(Id::new("export-dialog")).show(ctx, |ui| {
        ui.set_width(760.0_f32.min(ctx.content_rect().width() - 60.0));
        request = dialog_ui(ui, dialog);
    });
    // Escape closes it also in the frame right after a file dialog on top of
    // it closed (egui still counts that one as the topmost modal then).
    let escape = app.dialogs.file_dialog.is_none() && ctx.input(|i| i.key_pressed(egui::Key::Escape));
    if resp.should_close() || escape {
        request = Some(Request::Close);
    }
    match request {
        Some(Request::Close) => app.dialogs.export_dialog = None,
        Some(Request::Copy) => {
            if let Some(text) = dialog.text() {
                ctx.copy_text(text.to_owned());
                let lines = text.lines().count();
                dialog.message = Some((tr_args("export-copied", &[("count", lines.into())]), false));
            }
        }
        Some(Request::Save) => save(app),
        None => {}
    }
}

/// Ask where to save and write the whole text.
pub(crate) fn save(app: &mut SwitchboardApp) {
    // Up to date even when asked (Ctrl+S) before the dialog was first drawn.
    let revision = app.doc.revision();
    let errors = app.analysis.problems.iter().filter(|p| p.severity == engine::validate::Severity::Error).count();
    if let Some(dialog) = app.dialogs.export_dialog.as_mut() {
        dialog.refresh(app.doc.design(), revision, errors);
    }
    let Some(dialog) = app.dialogs.export_dialog.as_ref() else { return };
    let Some(text) = dialog.text().map(str::to_owned) else { return };
    let format = dialog.format;
    let ask = Ask::SaveExport { suggested: format.file_name().to_owned(), extension: extension(format).to_owned() };
    app.ask_file(ask, Purpose::WriteText { text, what: format.title().to_owned(), export_dialog: true });
}

fn dialog_ui(ui: &mut Ui, dialog: &mut ExportDialog) -> Option<Request> {
    let mut request = None;
    ui.heading(tr("export-export-design"));
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(tr("export-format"));
        for format in ExportFormat::ALL {
            if ui.selectable_label(dialog.format == format, format.title()).clicked() {
                dialog.set_format(format);
            }
        }
    });
    if dialog.format == ExportFormat::Mermaid {
        let mut collapse = dialog.collapse_groups;
        ui.checkbox(&mut collapse, tr("export-collapse-groups")).on_hover_text(tr("export-collapse-groups-hint"));
        if collapse != dialog.collapse_groups {
            dialog.set_collapse_groups(collapse);
        }
    }
    if emulable(dialog.format) {
        let mut emulate = dialog.emulate;
        ui.checkbox(&mut emulate, tr("export-emulate")).on_hover_text(tr("export-emulate-hint"));
        if emulate != dialog.emulate {
            dialog.set_emulate(emulate);
        }
    }
    ui.separator();
    if dialog.design_errors > 0 {
        ui.colored_label(
            style::error_text(ui),
            tr_args("export-design-errors", &[("errors", style::count(dialog.design_errors, "count-error").into())]),
        );
    }
    match &dialog.outcome {
        Some(Outcome::Done { export, preview, .. }) => {
            preview_ui(ui, preview);
            ui.add_space(6.0);
            report_ui(ui, &export.report);
        }
        Some(Outcome::Failed(message)) => {
            ui.colored_label(style::ERROR_COLOR, tr_args("export-cannot", &[("format", dialog.format.title().into())]));
            ui.label(message);
            ui.add_space(REPORT_HEIGHT);
        }
        None => {}
    }
    ui.separator();
    let ok = dialog.text().is_some();
    ui.horizontal(|ui| {
        if ui.add_enabled(ok, egui::Button::new(tr("export-copy-to-clipboard"))).clicked() {
            request = Some(Request::Copy);
        }
        let save = tr_args("export-save-file", &[("file", dialog.format.file_name().into())]);
        if ui.add_enabled(ok, egui::Button::new(save)).clicked() {
            request = Some(Request::Save);
        }
        if ui.button(tr("export-close")).clicked() {
            request = Some(Request::Close);
        }
    });
    if let Some((message, is_error)) = &dialog.message {
        if *is_error {
            ui.colored_label(style::error_text(ui), message);
        } else {
            ui.weak(message);
        }
    }
    request
}

fn preview_ui(ui: &mut Ui, preview: &Preview) {
    if let Some(shown) = preview.shown_lines {
        ui.colored_label(
            style::WARNING_COLOR,
            tr_args("export-preview-cut", &[("shown", shown.into()), ("total", preview.total_lines.into())]),
        );
    }
    // Fixed heights keep the dialog from jumping when the format changes.
    let height = (ui.ctx().content_rect().height() * 0.45).clamp(160.0, 480.0);
    let scroll = ScrollArea::both().id_salt("export-preview").min_scrolled_height(height).max_height(height);
    scroll.auto_shrink([false, false]).show(ui, |ui| {
        let mut text = preview.text.as_str();
        ui.add(
            TextEdit::multiline(&mut text)
                .font(TextStyle::Monospace)
                .code_editor()
                .desired_width(f32::INFINITY)
                .desired_rows(12),
        );
    });
}

fn report_ui(ui: &mut Ui, report: &[Note]) {
    if report.is_empty() {
        ui.label(RichText::new(tr("export-conversion-report")).strong());
    } else {
        ui.label(RichText::new(tr_args("export-report-notes", &[("count", report.len().into())])).strong());
    }
    let scroll = ScrollArea::vertical().id_salt("export-report").min_scrolled_height(REPORT_HEIGHT);
    scroll.max_height(REPORT_HEIGHT).auto_shrink([false, false]).show(ui, |ui| {
        if report.is_empty() {
            ui.weak(tr("export-everything-in-the-design-was"));
        }
        for kind in NOTE_KINDS {
            let notes: Vec<&Note> = report.iter().filter(|n| n.kind == kind).collect();
            if notes.is_empty() {
                continue;
            }
            let title = format!("{} ({})", kind_title(kind), notes.len());
            egui::CollapsingHeader::new(title).id_salt(kind.as_str()).default_open(true).show(ui, |ui| {
                for note in notes {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(&note.subject).strong());
                        ui.label(crate::gui::i18n::tr_message(&note.message));
                    });
                }
            });
        }
    });
}

/// The heading of a kind of note.
fn kind_title(kind: NoteKind) -> String {
    tr(match kind {
        NoteKind::Unsupported => "export-note-unsupported",
        NoteKind::Placeholder => "export-note-placeholder",
        NoteKind::Approximated => "export-note-approximated",
        NoteKind::Renamed => "export-note-renamed",
        NoteKind::Mapped => "export-note-mapped",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_shown_whole() {
        let p = Preview::of("a\nb\n", 10, 1000);
        assert_eq!(p.text, "a\nb\n");
        assert_eq!((p.total_lines, p.shown_lines), (2, None));
    }

    #[test]
    fn long_texts_are_cut_at_a_line_end() {
        let text: String = (0..100).fold(String::new(), |mut t, i| {
            t.push_str(&format!("line {i}\n"));
            t
        });
        let p = Preview::of(&text, 10, 1_000_000);
        assert_eq!(p.shown_lines, Some(10));
        assert_eq!(p.total_lines, 100);
        assert!(p.text.ends_with("line 9\n"));
        let p = Preview::of(&text, 1000, 20);
        assert_eq!(p.text, "line 0\nline 1\n");
        assert_eq!(p.shown_lines, Some(2));
    }

    #[test]
    fn extensions_come_from_the_default_file_names() {
        assert_eq!(extension(ExportFormat::Compose), "yaml");
        assert_eq!(extension(ExportFormat::Dot), "dot");
        assert_eq!(extension(ExportFormat::Mermaid), "mmd");
    }
}
