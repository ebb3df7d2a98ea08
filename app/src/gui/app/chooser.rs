//! Asking for a file without blocking the frame loop and without failing
//! silently: the native dialog on a thread when the desktop has a file
//! chooser portal, the in-app dialog otherwise (or always, by setting), and
//! what to do with the path once chosen.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::{Pending, SwitchboardApp};
use crate::gui::files::{self, NativeDialogs};
use crate::gui::i18n::{tr, tr_args};
use crate::gui::panels::file_dialog::{Ask, InAppDialog};
use crate::gui::screenshot::Screenshot;

/// What happens with the chosen path.
#[derive(Clone, Debug)]
pub enum Purpose {
    /// Open it as the design.
    Open,
    /// Import it (Compose, Kubernetes, isotope).
    Import,
    /// Add it to the import on screen (a Compose override, another manifest).
    ImportMore,
    /// Calibrate from it (traces or metrics).
    Calibrate,
    /// Save the design there, then go on with `then`.
    SaveDesign {
        /// What was waiting for the save ("save changes?").
        then: Option<Pending>,
    },
    /// Write this text there (an export).
    WriteText {
        /// The file's contents.
        text: String,
        /// What it is, for the messages ("Kubernetes", "SVG").
        what: String,
        /// Report the outcome in the Export dialog too.
        export_dialog: bool,
    },
    /// Capture the canvas as PNG there.
    ExportPng,
}

/// A native dialog running on its thread.
pub struct NativeWait {
    purpose: Purpose,
    answer: mpsc::Receiver<Option<PathBuf>>,
}

impl std::fmt::Debug for NativeWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeWait").field("purpose", &self.purpose).finish_non_exhaustive()
    }
}

/// Which dialog answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    /// The test's (or another immediate) answer.
    Immediate,
    /// The platform's dialog, on a thread.
    Native,
    /// The app's own dialog window.
    InApp,
}

impl SwitchboardApp {
    /// The dialog that will answer the next question.
    #[must_use]
    pub fn dialog_kind(&self) -> DialogKind {
        if self.settings.in_app_file_dialog {
            return DialogKind::InApp;
        }
        if !self.file_dialogs.is_native() {
            return DialogKind::Immediate;
        }
        // Unknown yet (the probe is still asking) counts as missing.
        if self.portal.available() == Some(true) { DialogKind::Native } else { DialogKind::InApp }
    }

    /// Ask for a path, then act on it (now, or in a later frame).
    pub(crate) fn ask_file(&mut self, ask: Ask, purpose: Purpose) {
        if self.native_wait.is_some() || self.dialogs.file_dialog.is_some() {
            self.notify(tr("chooser-a-file-dialog-is-already"));
            return;
        }
        match self.dialog_kind() {
            DialogKind::Immediate => {
                if let Some(path) = answer(self.file_dialogs.as_mut(), &ask) {
                    self.file_chosen(purpose, &path);
                }
            }
            DialogKind::Native => {
                let (tx, rx) = mpsc::channel();
                let native = self.native_answer;
                let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
                    let _ = tx.send(native(&ask));
                });
                match spawned {
                    Ok(_) => self.native_wait = Some(NativeWait { purpose, answer: rx }),
                    Err(e) => self.show_error(tr_args("error-file-dialog", &[("error", e.to_string().into())])),
                }
            }
            DialogKind::InApp => {
                let dir = self.dialog_start_dir();
                self.dialogs.file_dialog = Some(InAppDialog::new(ask, purpose, dir));
            }
        }
    }

    /// Where the in-app dialog starts: the folder of the design's file, the
    /// folder last used, or the working directory.
    fn dialog_start_dir(&self) -> PathBuf {
        self.doc
            .path
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty() && !self.is_sample_path(&p.join("x")))
            .map(Path::to_path_buf)
            .or_else(|| self.last_dir.clone())
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Collect a native dialog's answer, if it came.
    pub(super) fn poll_native_dialog(&mut self, ctx: &egui::Context) {
        let Some(wait) = &self.native_wait else { return };
        match wait.answer.try_recv() {
            Ok(answer) => {
                let Some(wait) = self.native_wait.take() else { return };
                match answer {
                    Some(path) => self.file_chosen(wait.purpose, &path),
                    None => self.notify(tr("chooser-no-file-chosen")),
                }
            }
            Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(std::time::Duration::from_millis(100)),
            Err(mpsc::TryRecvError::Disconnected) => {
                self.native_wait = None;
                self.show_error(tr("error-file-dialog-closed"));
            }
        }
    }

    /// Replace what answers on the native dialog's thread (tests: a slow
    /// stand-in shows that the frame loop keeps running meanwhile).
    pub fn set_native_answer(&mut self, answer: fn(&Ask) -> Option<PathBuf>) {
        self.native_answer = answer;
    }

    /// A native dialog is open (the app keeps drawing meanwhile).
    #[must_use]
    pub fn waiting_for_native_dialog(&self) -> bool {
        self.native_wait.is_some()
    }

    /// Act on a chosen path.
    pub(crate) fn file_chosen(&mut self, purpose: Purpose, path: &Path) {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.last_dir = Some(dir.to_path_buf());
        }
        match purpose {
            Purpose::Open => self.open_path(path),
            Purpose::Import => {
                if crate::gui::panels::import::prepare(self, Some(path.to_path_buf())) {
                    self.guard(Pending::Import);
                }
            }
            Purpose::ImportMore => crate::gui::panels::import::add_file(self, Some(path.to_path_buf())),
            Purpose::Calibrate => crate::gui::panels::calibrate::start(self, path),
            Purpose::SaveDesign { then } => {
                if self.write_design(path)
                    && let Some(then) = then
                {
                    self.proceed(then);
                }
            }
            Purpose::WriteText { text, what, export_dialog } => {
                let outcome = engine::model::format::write_atomic(path, text.as_bytes());
                let message = match &outcome {
                    Ok(()) => {
                        self.log_event(&format!("exported {}", path.display()));
                        self.notify(tr_args(
                            "chooser-exported",
                            &[("what", what.as_str().into()), ("path", path.display().to_string().into())],
                        ));
                        (tr_args("app-saved", &[("path", path.display().to_string().into())]), false)
                    }
                    Err(e) => {
                        let message = tr_args(
                            "error-export",
                            &[
                                ("what", what.as_str().into()),
                                ("path", path.display().to_string().into()),
                                ("error", e.to_string().into()),
                            ],
                        );
                        self.show_error(message.clone());
                        (message, true)
                    }
                };
                if export_dialog && let Some(dialog) = self.dialogs.export_dialog.as_mut() {
                    dialog.message = Some(message);
                }
            }
            Purpose::ExportPng => {
                let crop = self.view.canvas.rect;
                self.capture = Some(Screenshot::export(path.to_path_buf(), crop));
            }
        }
    }

    /// Save to the document's file, or ask where; then go on with `then`.
    pub fn save_then(&mut self, ask: bool, then: Option<Pending>) {
        match self.doc.path.clone() {
            Some(path) if !ask && !self.is_sample_path(&path) => {
                if self.write_design(&path)
                    && let Some(then) = then
                {
                    self.proceed(then);
                }
            }
            _ => {
                let suggested = files::suggested_file_name(self.doc.design());
                self.ask_file(Ask::SaveDesign { suggested }, Purpose::SaveDesign { then });
            }
        }
    }
}

/// The platform's dialog, answered on the dialog thread.
#[must_use]
pub fn native_answer(ask: &Ask) -> Option<PathBuf> {
    answer(&mut NativeDialogs, ask)
}

/// Ask a synchronous dialog implementation.
fn answer(dialogs: &mut dyn crate::gui::files::FileDialogs, ask: &Ask) -> Option<PathBuf> {
    match ask {
        Ask::OpenDesign => dialogs.open_design(),
        Ask::OpenImport | Ask::OpenTelemetry => dialogs.open_import(),
        Ask::SaveDesign { suggested } => dialogs.save_design(suggested),
        Ask::SaveExport { suggested, extension } => dialogs.save_export(suggested, extension),
    }
}
