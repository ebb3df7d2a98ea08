//! Dialogs over the window: save changes?, errors, crash recovery, the
//! shortcut sheet and about.

use egui::{Id, RichText};

use crate::gui::action::Action;
use crate::gui::app::{Modal, SwitchboardApp};
use crate::gui::i18n::{tr, tr_args};

/// Every keyboard shortcut, for the sheet under Help: the keys (a catalogue
/// key where the keys are described in words) and what they do (a key).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+N / Ctrl+O / Ctrl+S", "shortcut-new-open-save"),
    ("Ctrl+Shift+S", "shortcut-save-as"),
    ("Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "shortcut-undo-redo"),
    ("Ctrl+C / Ctrl+X / Ctrl+V", "shortcut-copy-cut-paste"),
    ("Ctrl+D", "shortcut-duplicate"),
    ("Shift+A", "shortcut-quick-add-middle"),
    ("Ctrl+L", "shortcut-connect"),
    ("Ctrl+Shift+A", "shortcut-add-workload"),
    ("Ctrl+E", "shortcut-export"),
    ("shortcut-keys-delete", "shortcut-delete"),
    ("Ctrl+A", "shortcut-select-all"),
    ("shortcut-keys-f2", "shortcut-rename"),
    ("Ctrl+G / Ctrl+Shift+G", "shortcut-group"),
    ("Ctrl+F", "shortcut-find"),
    ("Ctrl+Shift+L", "shortcut-auto-layout"),
    ("shortcut-keys-home", "shortcut-fit"),
    ("Shift+2", "shortcut-zoom-selection"),
    ("shortcut-keys-wheel", "shortcut-pan-zoom"),
    ("shortcut-keys-drag-empty", "shortcut-box-select"),
    ("shortcut-keys-middle-drag", "shortcut-pan"),
    ("shortcut-keys-drag-handle", "shortcut-connect-drag"),
    ("shortcut-keys-double-click", "shortcut-quick-add"),
    ("shortcut-keys-alt-drag", "shortcut-no-snap"),
    ("Escape", "shortcut-clear-selection"),
];

/// Show the open dialog, if any.
pub fn show(ctx: &egui::Context, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    let Some(modal) = app.dialogs.modal.clone() else { return };
    let mut close = false;
    let resp = egui::Modal::new(Id::new("modal")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        match &modal {
            Modal::SaveChanges(pending) => {
                ui.heading(tr("modal-save-changes"));
                ui.label(tr_args("modal-unsaved", &[("name", app.doc.display_name().into())]));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button(tr("modal-save")).clicked() {
                        close = true;
                        app.save_then(false, Some(pending.clone()));
                    }
                    if ui.button(tr("modal-dont-save")).clicked() {
                        close = true;
                        app.proceed(pending.clone());
                    }
                    if ui.button(tr("modal-cancel")).clicked() {
                        close = true;
                    }
                });
            }
            Modal::Error(message) => {
                ui.heading(tr("modal-error"));
                ui.label(message);
                ui.add_space(8.0);
                if ui.button(tr("modal-ok")).clicked() {
                    close = true;
                }
            }
            Modal::Recovery(rec) => {
                ui.heading(tr("modal-restore-title"));
                let from =
                    rec.original.as_ref().map_or_else(|| tr("modal-unsaved-design"), |p| p.display().to_string());
                ui.label(tr_args(
                    "modal-restore-body",
                    &[
                        ("from", from.into()),
                        ("name", rec.design.name.as_str().into()),
                        ("count", rec.design.nodes.len().into()),
                    ],
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button(tr("modal-restore")).clicked() {
                        close = true;
                        app.restore((**rec).clone());
                    }
                    if ui.button(tr("modal-discard")).clicked() {
                        close = true;
                        app.discard_recovery();
                    }
                });
            }
            Modal::Shortcuts => {
                ui.heading(tr("modal-shortcuts"));
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        // Key names (Ctrl+S) read the same in every language.
                        let keys = if keys.starts_with("shortcut-") { tr(keys) } else { (*keys).to_owned() };
                        ui.label(RichText::new(keys).monospace());
                        ui.label(tr(what));
                        ui.end_row();
                    }
                });
                ui.add_space(8.0);
                if ui.button(tr("modal-close")).clicked() {
                    close = true;
                }
            }
            Modal::About => {
                ui.heading("Switchboard");
                ui.label(tr_args("modal-version", &[("version", env!("CARGO_PKG_VERSION").into())]));
                ui.label(tr("modal-about"));
                ui.add_space(8.0);
                if ui.button(tr("modal-close")).clicked() {
                    close = true;
                }
            }
        }
    });
    if resp.should_close() && !matches!(modal, Modal::SaveChanges(_) | Modal::Recovery(_)) {
        close = true;
    }
    if close && app.dialogs.modal.as_ref().is_some_and(|m| std::mem::discriminant(m) == std::mem::discriminant(&modal))
    {
        app.dialogs.modal = None;
    }
    let _ = actions;
}
