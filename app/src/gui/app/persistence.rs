//! The app's file side: open, save, "save changes?", autosave to the
//! recovery file and restore from it, the window title, SVG export, and the
//! remembered language.

use std::path::Path;

use egui::ViewportCommand;
use engine::model::format;

use super::chooser::Purpose;
use super::{AUTOSAVE_INTERVAL_S, Modal, Pending, RECENT_LIMIT, SwitchboardApp};
use crate::gui::document::Document;
use crate::gui::export;
use crate::gui::files::{self, Recovered};
use crate::gui::i18n::tr_args;
use crate::gui::panels::file_dialog::Ask;

impl SwitchboardApp {
    /// Show the UI in `lang` from now on, and remember the choice.
    pub fn set_language(&mut self, lang: crate::gui::i18n::Lang) {
        self.lang = lang;
        self.settings.language = Some(lang);
        crate::gui::i18n::set_language(lang);
    }

    /// The language the UI is shown in.
    #[must_use]
    pub fn language(&self) -> crate::gui::i18n::Lang {
        self.lang
    }

    /// Run `pending` now, or ask about unsaved changes first.
    pub(crate) fn guard(&mut self, pending: Pending) {
        if self.doc.is_dirty() {
            self.dialogs.modal = Some(Modal::SaveChanges(pending));
        } else {
            self.proceed(pending);
        }
    }

    /// Do what was pending, changes dealt with.
    pub fn proceed(&mut self, pending: Pending) {
        match pending {
            Pending::New => {
                self.replace_document(Document::default());
            }
            Pending::Open(Some(path)) => self.open_path(&path),
            Pending::Open(None) => self.ask_file(Ask::OpenDesign, Purpose::Open),
            Pending::Import => crate::gui::panels::import::open_pending(self),
            Pending::Calibrated => crate::gui::panels::calibrate::open_new(self),
            Pending::Quit => {
                self.allow_close = true;
                if let Some(r) = &self.recovery {
                    r.clear();
                }
            }
        }
    }

    /// Replace the open document (no "save changes?" question: callers ask first).
    pub fn set_document(&mut self, doc: Document) {
        self.replace_document(doc);
    }

    pub(super) fn replace_document(&mut self, doc: Document) {
        self.doc = doc;
        self.view.selection.clear();
        self.view.culprit = None;
        self.view.canvas.rename = None;
        self.geometry.invalidate();
        self.analysis.invalidate();
        self.view.canvas.fit_pending = true;
        self.autosaved_revision = None;
        // Results belong to the design they were computed from.
        self.runs.leave_design();
        self.emulate.leave_design();
        self.results.leave_design();
        // The unsaved work of the document replaced was dealt with ("save
        // changes?"), unless it is recovery still waiting for an answer.
        if !self.recovery_offered
            && let Some(r) = &self.recovery
        {
            r.clear();
        }
        self.refresh();
    }

    /// Open a design file; errors go to a dialog. A shipped sample opens as
    /// an untitled copy.
    pub fn open_path(&mut self, path: &Path) {
        if self.is_sample_path(path) {
            self.open_sample(path);
            return;
        }
        match format::load(path) {
            Ok(design) => {
                self.replace_document(Document::new(design, Some(path.to_path_buf())));
                if !self.screenshot_mode {
                    self.remember_recent(path);
                }
            }
            Err(e) => self.show_error(tr_args("error-open-design", &[("error", e.to_string().into())])),
        }
    }

    /// Open a shipped sample as an untitled copy ("<name> — sample"): saving
    /// asks where to put it and the sample itself is never written.
    pub fn open_sample(&mut self, path: &Path) {
        match format::load(path) {
            Ok(design) => self.replace_document(Document::sample_copy(design)),
            Err(e) => self.show_error(tr_args("error-open-sample", &[("error", e.to_string().into())])),
        }
    }

    /// Whether `path` is (or would be) a file in the samples folder.
    #[must_use]
    pub fn is_sample_path(&self, path: &Path) -> bool {
        let Some(samples) = &self.samples_dir else { return false };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
        // Through links too: the file a link names is what would be written.
        let resolved = path
            .canonicalize()
            .ok()
            .or_else(|| dir.canonicalize().ok().map(|d| d.join(path.file_name().unwrap_or_default())));
        resolved.is_some_and(|p| p.starts_with(samples))
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.settings.recent.retain(|p| p != &path);
        self.settings.recent.insert(0, path);
        self.settings.recent.truncate(RECENT_LIMIT);
    }

    /// Write the design to `path`; errors go to a dialog naming the path and
    /// the reason, and the document stays unsaved.
    pub(crate) fn write_design(&mut self, path: &Path) -> bool {
        if self.is_sample_path(path) {
            self.show_error(tr_args("error-save-sample", &[("path", path.display().to_string().into())]));
            return false;
        }
        // The recovery file holds exactly what is being saved, so a crash
        // between the temporary file and the rename loses nothing.
        if self.doc.is_dirty()
            && let Some(store) = &self.recovery
            && store.write(self.doc.design(), self.doc.path.as_deref()).is_ok()
        {
            self.autosaved_revision = Some(self.doc.revision());
        }
        let result = match format::Format::from_path(path)
            .map_or(Ok(format::to_json(self.doc.design())), |f| format::to_string(self.doc.design(), f))
        {
            Ok(text) => match &self.before_rename {
                Some(hook) => format::write_atomic_with(path, text.as_bytes(), |tmp| hook(tmp)),
                None => format::write_atomic(path, text.as_bytes()),
            },
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                self.doc.mark_saved(path.to_path_buf());
                self.remember_recent(path);
                if let Some(r) = &self.recovery {
                    r.clear();
                }
                self.log_event(&format!("saved {}", path.display()));
                self.notify(tr_args("app-saved", &[("path", path.display().to_string().into())]));
                true
            }
            Err(e) => {
                self.show_error(tr_args(
                    "error-save",
                    &[("path", path.display().to_string().into()), ("error", e.to_string().into())],
                ));
                false
            }
        }
    }

    /// Restore a recovered design as an unsaved document. The recovery file
    /// stays until the design is saved (or a new autosave replaces it).
    pub fn restore(&mut self, rec: Recovered) {
        let mut doc = Document::new(rec.design, rec.original);
        doc.mark_dirty();
        self.replace_document(doc);
        self.recovery_answered();
    }

    /// Throw away the recovery file.
    pub fn discard_recovery(&mut self) {
        if let Some(r) = &self.recovery {
            r.clear();
        }
        self.recovery_answered();
    }

    fn recovery_answered(&mut self) {
        self.recovery_offered = false;
        if let Some(message) = self.deferred_error.take() {
            self.dialogs.modal = Some(Modal::Error(message));
        }
    }

    pub(super) fn autosave(&mut self, ctx: &egui::Context) {
        let Some(store) = &self.recovery else { return };
        let now = ctx.input(|i| i.time);
        if !self.doc.is_dirty() || self.autosaved_revision == Some(self.doc.revision()) {
            return;
        }
        // Keep a repaint scheduled so the autosave happens even when idle.
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(AUTOSAVE_INTERVAL_S));
        if now - self.last_autosave_s < AUTOSAVE_INTERVAL_S {
            return;
        }
        self.last_autosave_s = now;
        match store.write(self.doc.design(), self.doc.path.as_deref()) {
            Ok(()) => {
                self.autosaved_revision = Some(self.doc.revision());
                self.log_event("autosaved");
            }
            Err(e) => self.notify(tr_args("app-autosave-failed", &[("error", format!("{e:#}").into())])),
        }
    }

    /// Write the recovery file now (tests, and before risky operations).
    ///
    /// # Errors
    /// When no recovery directory is configured or writing fails.
    pub fn autosave_now(&mut self) -> anyhow::Result<()> {
        let Some(store) = &self.recovery else { anyhow::bail!("no recovery directory") };
        store.write(self.doc.design(), self.doc.path.as_deref())?;
        self.autosaved_revision = Some(self.doc.revision());
        Ok(())
    }

    pub(super) fn handle_close(&mut self, ctx: &egui::Context) {
        if self.allow_close {
            ctx.send_viewport_cmd(ViewportCommand::Close);
            self.allow_close = false;
            return;
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.screenshot_mode && self.doc.is_dirty() {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            self.dialogs.modal = Some(Modal::SaveChanges(Pending::Quit));
        }
    }

    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let mark = if self.doc.is_dirty() { "● " } else { "" };
        let title = if self.doc.path.is_none() && self.doc.label.is_some() {
            format!("{mark}{} — Switchboard", self.doc.display_name())
        } else {
            format!("{mark}{} — {} — Switchboard", self.doc.display_name(), self.doc.design().name)
        };
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    pub(super) fn export_svg(&mut self) {
        let suggested = format!("{}.svg", files::design_slug(self.doc.design()));
        let text = export::svg(self.doc.design(), &self.geometry, &self.analysis, self.settings.dark);
        let purpose = Purpose::WriteText { text, what: crate::gui::i18n::tr("what-canvas-svg"), export_dialog: false };
        self.ask_file(Ask::SaveExport { suggested, extension: "svg".into() }, purpose);
    }
}
