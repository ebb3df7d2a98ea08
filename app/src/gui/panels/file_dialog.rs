//! The in-app file dialog: used when the desktop has no file chooser portal
//! (or always, by setting). A path field (focused, Enter confirms, Escape
//! cancels), the folder's listing, the JSON/YAML choice for designs and a
//! confirmation before replacing a file.

use std::path::{Path, PathBuf};

use egui::{Id, Key, RichText};

use crate::gui::app::SwitchboardApp;
use crate::gui::app::chooser::Purpose;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::style;

/// Most directory entries listed.
const MAX_ENTRIES: usize = 2000;

/// What the dialog asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// A design to open.
    OpenDesign,
    /// A Compose, Kubernetes or isotope file to import.
    OpenImport,
    /// Traces (OTLP or Jaeger JSON) or a Prometheus scrape to calibrate from.
    OpenTelemetry,
    /// Where to save the design.
    SaveDesign {
        /// The file name offered.
        suggested: String,
    },
    /// Where to save an export.
    SaveExport {
        /// The file name offered.
        suggested: String,
        /// Its extension, without the dot.
        extension: String,
    },
}

impl Ask {
    /// The dialog's title.
    #[must_use]
    pub fn title(&self) -> String {
        tr(self.title_key())
    }

    /// The dialog's title in English, for the state log the end-to-end
    /// test reads (whatever the UI's language).
    #[must_use]
    pub fn log_name(&self) -> &'static str {
        match self {
            Self::OpenDesign => "Open design",
            Self::OpenImport => "Import Compose, Kubernetes or isotope file",
            Self::OpenTelemetry => "Import traces or metrics",
            Self::SaveDesign { .. } => "Save design",
            Self::SaveExport { .. } => "Export",
        }
    }

    fn title_key(&self) -> &'static str {
        match self {
            Self::OpenDesign => "files-title-open",
            Self::OpenImport => "files-title-import",
            Self::OpenTelemetry => "files-title-telemetry",
            Self::SaveDesign { .. } => "files-title-save",
            Self::SaveExport { .. } => "files-title-export",
        }
    }

    fn saves(&self) -> bool {
        matches!(self, Self::SaveDesign { .. } | Self::SaveExport { .. })
    }

    /// Whether a file of this name is listed.
    fn lists(&self, name: &str) -> bool {
        let ext = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match self {
            Self::OpenDesign | Self::SaveDesign { .. } => matches!(ext.as_str(), "json" | "yaml" | "yml"),
            Self::OpenImport => matches!(ext.as_str(), "json" | "yaml" | "yml"),
            Self::OpenTelemetry => matches!(ext.as_str(), "json" | "jsonl" | "ndjson" | "prom" | "txt" | "metrics"),
            Self::SaveExport { extension, .. } => ext == extension.to_ascii_lowercase(),
        }
    }
}

/// One entry of the listing.
#[derive(Clone, Debug)]
struct Entry {
    name: String,
    dir: bool,
}

/// The dialog's state.
#[derive(Debug)]
pub struct InAppDialog {
    /// What it asks for.
    pub ask: Ask,
    pub(crate) purpose: Purpose,
    /// The folder listed.
    pub dir: PathBuf,
    /// The path field: a name in `dir`, or a path (absolute or relative to `dir`).
    pub field: String,
    entries: Vec<Entry>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// A file that exists and waits for "Replace".
    pub confirm_replace: Option<PathBuf>,
    focus: bool,
}

impl InAppDialog {
    /// Whether the dialog has been drawn with its path field focused (keys
    /// typed from now on go into the field).
    #[must_use]
    pub fn ready(&self) -> bool {
        !self.focus
    }
}

impl InAppDialog {
    /// A dialog listing `dir`.
    #[must_use]
    pub(crate) fn new(ask: Ask, purpose: Purpose, dir: PathBuf) -> Self {
        let field = match &ask {
            Ask::SaveDesign { suggested } | Ask::SaveExport { suggested, .. } => suggested.clone(),
            Ask::OpenDesign | Ask::OpenImport | Ask::OpenTelemetry => String::new(),
        };
        let mut dialog =
            Self { ask, purpose, dir, field, entries: Vec::new(), error: None, confirm_replace: None, focus: true };
        dialog.list();
        dialog
    }

    fn list(&mut self) {
        self.entries.clear();
        match std::fs::read_dir(&self.dir) {
            Ok(read) => {
                for entry in read.filter_map(Result::ok).take(MAX_ENTRIES) {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let dir = entry.path().is_dir();
                    if dir || self.ask.lists(&name) {
                        self.entries.push(Entry { name, dir });
                    }
                }
                self.entries.sort_by(|a, b| b.dir.cmp(&a.dir).then_with(|| a.name.cmp(&b.name)));
            }
            Err(e) => {
                self.error = Some(tr_args(
                    "files-cannot-list",
                    &[("path", self.dir.display().to_string().into()), ("error", e.to_string().into())],
                ));
            }
        }
    }

    fn enter(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.error = None;
        self.confirm_replace = None;
        self.list();
    }

    /// The path the field names.
    #[must_use]
    pub fn target(&self) -> PathBuf {
        let typed = Path::new(self.field.trim());
        if typed.is_absolute() { typed.to_path_buf() } else { self.dir.join(typed) }
    }

    /// The design format chosen by the field's extension (`Some(true)`: YAML).
    fn yaml(&self) -> Option<bool> {
        match self.ask {
            Ask::SaveDesign { .. } => {
                let ext = Path::new(self.field.trim()).extension().and_then(|e| e.to_str()).unwrap_or("");
                Some(matches!(ext, "yaml" | "yml"))
            }
            _ => None,
        }
    }

    fn set_yaml(&mut self, yaml: bool) {
        let stem = Path::new(self.field.trim()).with_extension("");
        self.field = format!("{}.{}", stem.display(), if yaml { "yaml" } else { "json" });
    }

    /// Check the field; `Some(path)` when the answer is final.
    pub fn confirm(&mut self) -> Option<PathBuf> {
        self.error = None;
        if self.field.trim().is_empty() {
            self.error = Some(tr("files-type-a-name"));
            return None;
        }
        let mut target = self.target();
        if target.is_dir() {
            self.field.clear();
            self.enter(target);
            return None;
        }
        if !self.ask.saves() {
            if target.is_file() {
                return Some(target);
            }
            self.error = Some(tr_args("files-does-not-exist", &[("path", target.display().to_string().into())]));
            return None;
        }
        if let Ask::SaveExport { extension, .. } = &self.ask
            && target.extension().is_none()
        {
            target.set_extension(extension);
        }
        if let Ask::SaveDesign { .. } = &self.ask
            && target.extension().is_none()
        {
            target.set_extension("json");
        }
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
        if !parent.is_dir() {
            self.error = Some(tr_args("files-folder-does-not-exist", &[("path", parent.display().to_string().into())]));
            return None;
        }
        if target.exists() && self.confirm_replace.as_ref() != Some(&target) {
            self.confirm_replace = Some(target);
            return None;
        }
        Some(target)
    }
}

/// What the user did this frame.
enum Outcome {
    Chosen(PathBuf),
    Cancelled,
}

/// Show the dialog, if open; act on its answer.
pub fn show(ctx: &egui::Context, app: &mut SwitchboardApp) {
    let Some(dialog) = app.dialogs.file_dialog.as_mut() else { return };
    let mut outcome = None;
    let resp = egui::Modal::new(Id::new("in-app-file-dialog")).show(ctx, |ui| {
        ui.set_width(620.0_f32.min(ctx.content_rect().width() - 60.0));
        outcome = dialog_ui(ui, dialog);
    });
    if resp.should_close() && outcome.is_none() && dialog.confirm_replace.is_none() {
        outcome = Some(Outcome::Cancelled);
    }
    match outcome {
        Some(Outcome::Chosen(path)) => {
            if let Some(dialog) = app.dialogs.file_dialog.take() {
                app.file_chosen(dialog.purpose, &path);
            }
        }
        Some(Outcome::Cancelled) => {
            app.dialogs.file_dialog = None;
            app.notify(tr("files-no-file-chosen"));
        }
        None => {}
    }
}

fn dialog_ui(ui: &mut egui::Ui, dialog: &mut InAppDialog) -> Option<Outcome> {
    let mut outcome = None;
    ui.heading(dialog.ask.title());
    ui.horizontal(|ui| {
        ui.label(tr("files-folder"));
        ui.label(RichText::new(dialog.dir.display().to_string()).monospace());
    });
    ui.horizontal(|ui| {
        if let Some(parent) = dialog.dir.parent().map(Path::to_path_buf)
            && ui.button(tr("files-parent-folder")).on_hover_text(parent.display().to_string()).clicked()
        {
            dialog.enter(parent);
        }
        if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
            && ui.button(tr("files-home")).on_hover_text(home.display().to_string()).clicked()
        {
            dialog.enter(home);
        }
    });
    let mut enter = None;
    egui::ScrollArea::vertical().max_height(260.0).auto_shrink([false, true]).show(ui, |ui| {
        if dialog.entries.is_empty() {
            ui.weak(tr("files-no-matching-files-here"));
        }
        for entry in &dialog.entries {
            let label = if entry.dir { format!("{}/", entry.name) } else { entry.name.clone() };
            let resp = ui.selectable_label(dialog.field == entry.name, label);
            if resp.double_clicked() || (entry.dir && resp.clicked()) {
                enter = Some(entry.clone());
            } else if resp.clicked() {
                dialog.field.clone_from(&entry.name);
                dialog.confirm_replace = None;
            }
        }
    });
    if let Some(entry) = enter {
        if entry.dir {
            let dir = dialog.dir.join(&entry.name);
            dialog.enter(dir);
        } else {
            dialog.field = entry.name;
            if let Some(path) = dialog.confirm() {
                outcome = Some(Outcome::Chosen(path));
            }
        }
    }
    ui.separator();
    let field = ui.horizontal(|ui| {
        ui.label(tr("files-file"));
        ui.add(
            egui::TextEdit::singleline(&mut dialog.field).desired_width(f32::INFINITY).id(Id::new("file-dialog-path")),
        )
    });
    let field = field.inner;
    if dialog.focus {
        field.request_focus();
        dialog.focus = false;
        // The suggested name is selected: typing replaces it.
        let id = Id::new("file-dialog-path");
        let mut state = egui::text_edit::TextEditState::load(ui.ctx(), id).unwrap_or_default();
        let end = egui::text::CCursor::new(dialog.field.chars().count());
        state.cursor.set_char_range(Some(egui::text::CCursorRange::two(egui::text::CCursor::new(0), end)));
        state.store(ui.ctx(), id);
    }
    if field.changed() {
        dialog.confirm_replace = None;
    }
    if let Some(yaml) = dialog.yaml() {
        ui.horizontal(|ui| {
            ui.label(tr("files-format"));
            if ui.radio(!yaml, tr("files-json")).clicked() {
                dialog.set_yaml(false);
            }
            if ui.radio(yaml, tr("files-yaml")).clicked() {
                dialog.set_yaml(true);
            }
        });
    }
    if let Some(error) = &dialog.error {
        ui.colored_label(style::error_text(ui), error);
    }
    let pressed_enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
    if let Some(existing) = dialog.confirm_replace.clone() {
        ui.colored_label(
            style::error_text(ui),
            tr_args("files-replace-confirm", &[("path", existing.display().to_string().into())]),
        );
        ui.horizontal(|ui| {
            if ui.button(tr("files-replace")).clicked() || pressed_enter {
                outcome = Some(Outcome::Chosen(existing.clone()));
            }
            if ui.button(tr("files-keep-it")).clicked() {
                dialog.confirm_replace = None;
            }
        });
        return outcome;
    }
    ui.horizontal(|ui| {
        let verb = tr(if dialog.ask.saves() { "files-save" } else { "files-open" });
        if ui.button(verb).clicked() || pressed_enter {
            if let Some(path) = dialog.confirm() {
                outcome = Some(Outcome::Chosen(path));
            } else {
                dialog.focus = true;
            }
        }
        if ui.button(tr("files-cancel")).clicked() {
            outcome = Some(Outcome::Cancelled);
        }
    });
    outcome
}
