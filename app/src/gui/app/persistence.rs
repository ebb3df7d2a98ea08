//! The app's file side: open, save, "save changes?", autosave to the
//! recovery file and restore from it, the window title, and SVG export.

use std::path::Path;

use egui::ViewportCommand;
use engine::model::format;

use super::{AUTOSAVE_INTERVAL_S, Modal, Pending, RECENT_LIMIT, SwitchboardApp};
use crate::gui::document::Document;
use crate::gui::export;
use crate::gui::files::{self, Recovered};

impl SwitchboardApp {
    /// Run `pending` now, or ask about unsaved changes first.
    pub(super) fn guard(&mut self, pending: Pending) {
        if self.doc.is_dirty() {
            self.modal = Some(Modal::SaveChanges(pending));
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
            Pending::Open(path) => {
                let path = path.or_else(|| self.dialogs.open_design());
                if let Some(path) = path {
                    self.open_path(&path);
                }
            }
            Pending::Import => crate::gui::panels::import::open_pending(self),
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
        self.selection.clear();
        self.culprit = None;
        self.canvas.rename = None;
        self.geometry.invalidate();
        self.analysis.invalidate();
        self.canvas.fit_pending = true;
        self.autosaved_revision = None;
        if let Some(r) = &self.recovery {
            r.clear();
        }
        self.refresh();
    }

    /// Open a design file; errors go to a dialog.
    pub fn open_path(&mut self, path: &Path) {
        match format::load(path) {
            Ok(design) => {
                self.replace_document(Document::new(design, Some(path.to_path_buf())));
                if !self.screenshot_mode {
                    self.remember_recent(path);
                }
            }
            Err(e) => self.modal = Some(Modal::Error(format!("Could not open the design.\n\n{e}"))),
        }
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.settings.recent.retain(|p| p != &path);
        self.settings.recent.insert(0, path);
        self.settings.recent.truncate(RECENT_LIMIT);
    }

    /// Save to the current path, or ask for one. Returns whether it saved.
    pub fn save(&mut self, _ctx: &egui::Context, ask: bool) -> bool {
        let path = match (&self.doc.path, ask) {
            (Some(p), false) => Some(p.clone()),
            _ => self.dialogs.save_design(&files::suggested_file_name(self.doc.design())),
        };
        let Some(path) = path else { return false };
        match format::save(self.doc.design(), &path) {
            Ok(()) => {
                self.doc.mark_saved(path.clone());
                self.remember_recent(&path);
                if let Some(r) = &self.recovery {
                    r.clear();
                }
                self.notify(format!("Saved {}", path.display()));
                true
            }
            Err(e) => {
                self.modal = Some(Modal::Error(format!("Could not save the design.\n\n{e}")));
                false
            }
        }
    }

    /// Restore a recovered design as an unsaved document.
    pub fn restore(&mut self, rec: Recovered) {
        let mut doc = Document::new(rec.design, rec.original);
        doc.mark_dirty();
        self.doc = doc;
        self.selection.clear();
        self.geometry.invalidate();
        self.analysis.invalidate();
        self.canvas.fit_pending = true;
        self.refresh();
    }

    /// Throw away the recovery file.
    pub fn discard_recovery(&mut self) {
        if let Some(r) = &self.recovery {
            r.clear();
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
            Ok(()) => self.autosaved_revision = Some(self.doc.revision()),
            Err(e) => self.notify(format!("Autosave failed: {e:#}")),
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
            self.modal = Some(Modal::SaveChanges(Pending::Quit));
        }
    }

    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let mark = if self.doc.is_dirty() { "● " } else { "" };
        let title = format!("{mark}{} — {} — Switchboard", self.doc.display_name(), self.doc.design().name);
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    pub(super) fn export_svg(&mut self) {
        let name = files::suggested_file_name(self.doc.design()).replace(".json", ".svg");
        let Some(path) = self.dialogs.save_export(&name, "svg") else { return };
        let svg = export::svg(self.doc.design(), &self.geometry, &self.analysis, self.settings.dark);
        match format::write_atomic(&path, svg.as_bytes()) {
            Ok(()) => self.notify(format!("Exported {}", path.display())),
            Err(e) => self.modal = Some(Modal::Error(format!("Could not export.\n\n{e}"))),
        }
    }
}
