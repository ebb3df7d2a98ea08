//! Dialogs over the window: save changes?, errors, crash recovery, the
//! shortcut sheet and about.

use egui::{Id, RichText};

use crate::gui::action::Action;
use crate::gui::app::{Modal, SwitchboardApp};

/// Every keyboard shortcut, for the sheet under Help.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+N / Ctrl+O / Ctrl+S", "New, open, save"),
    ("Ctrl+Shift+S", "Save as"),
    ("Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "Undo / redo"),
    ("Ctrl+C / Ctrl+X / Ctrl+V", "Copy, cut, paste (design JSON)"),
    ("Ctrl+D", "Duplicate"),
    ("Shift+A", "Quick-add a component in the middle of the view"),
    ("Ctrl+L", "Connect the node selected before to the one selected now"),
    ("Ctrl+Shift+A", "Add a workload (entering a client if there is one)"),
    ("Ctrl+E", "Export dialog (Ctrl+S in it saves the export)"),
    ("Delete, Backspace", "Delete the selection"),
    ("Ctrl+A", "Select all"),
    ("F2, double-click", "Rename the node"),
    ("Ctrl+G / Ctrl+Shift+G", "Group / ungroup"),
    ("Ctrl+F", "Find a node"),
    ("Ctrl+Shift+L", "Auto-layout"),
    ("Home, Ctrl+0", "Fit to view"),
    ("Shift+2", "Zoom to selection"),
    ("Wheel / Ctrl+wheel, pinch", "Pan / zoom towards the cursor"),
    ("Drag empty space", "Box select (Shift adds)"),
    ("Middle or right drag, Space+drag", "Pan"),
    ("Drag a node's handle", "Connect to another node"),
    ("Double-click empty canvas", "Quick-add a component"),
    ("Alt while dragging", "Move without snapping"),
    ("Escape", "Clear the selection"),
];

/// Show the open dialog, if any.
pub fn show(ctx: &egui::Context, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    let Some(modal) = app.modal.clone() else { return };
    let mut close = false;
    let resp = egui::Modal::new(Id::new("modal")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        match &modal {
            Modal::SaveChanges(pending) => {
                ui.heading("Save changes?");
                ui.label(format!("{} has unsaved changes. Save them first?", app.doc.display_name()));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        close = true;
                        app.save_then(false, Some(pending.clone()));
                    }
                    if ui.button("Don't save").clicked() {
                        close = true;
                        app.proceed(pending.clone());
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Modal::Error(message) => {
                ui.heading("Something went wrong");
                ui.label(message);
                ui.add_space(8.0);
                if ui.button("OK").clicked() {
                    close = true;
                }
            }
            Modal::Recovery(rec) => {
                ui.heading("Restore unsaved work?");
                let from =
                    rec.original.as_ref().map_or_else(|| "an unsaved design".to_owned(), |p| p.display().to_string());
                ui.label(format!(
                    "Switchboard did not close cleanly. Unsaved changes to {from} (\"{}\", {} nodes) were kept.",
                    rec.design.name,
                    rec.design.nodes.len()
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        close = true;
                        app.restore((**rec).clone());
                    }
                    if ui.button("Discard").clicked() {
                        close = true;
                        app.discard_recovery();
                    }
                });
            }
            Modal::Shortcuts => {
                ui.heading("Keyboard shortcuts");
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.label(RichText::new(*keys).monospace());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
                ui.add_space(8.0);
                if ui.button("Close").clicked() {
                    close = true;
                }
            }
            Modal::About => {
                ui.heading("Switchboard");
                ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
                ui.label("Design, simulate and export microservice systems.");
                ui.add_space(8.0);
                if ui.button("Close").clicked() {
                    close = true;
                }
            }
        }
    });
    if resp.should_close() && !matches!(modal, Modal::SaveChanges(_) | Modal::Recovery(_)) {
        close = true;
    }
    if close && app.modal.as_ref().is_some_and(|m| std::mem::discriminant(m) == std::mem::discriminant(&modal)) {
        app.modal = None;
    }
    let _ = actions;
}
