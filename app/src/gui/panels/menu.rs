//! The menu bar: File, Edit, View, Simulate, Export, Help.

use egui::{Button, Ui};

use crate::gui::action::Action;
use crate::gui::app::{Modal, SwitchboardApp};

fn item(ui: &mut Ui, label: &str, shortcut: &str, enabled: bool) -> bool {
    ui.add_enabled(enabled, Button::new(label).shortcut_text(shortcut)).clicked()
}

/// Show the menu bar.
pub fn menu_bar(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    egui::Panel::top("menu-bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| file_menu(ui, app, actions));
            ui.menu_button("Edit", |ui| edit_menu(ui, app, actions));
            ui.menu_button("View", |ui| view_menu(ui, app, actions));
            ui.menu_button("Simulate", |ui| simulate_menu(ui, app, actions));
            ui.menu_button("Export", |ui| {
                for format in engine::export::ExportFormat::ALL {
                    if ui.button(format!("{}…", format.title())).clicked() {
                        actions.push(Action::Export(format));
                    }
                }
                ui.separator();
                if ui.button("Canvas as SVG…").clicked() {
                    actions.push(Action::ExportSvg);
                }
                if ui.button("Canvas as PNG…").clicked() {
                    actions.push(Action::ExportPng);
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts").clicked() {
                    app.modal = Some(Modal::Shortcuts);
                }
                if ui.button("About Switchboard").clicked() {
                    app.modal = Some(Modal::About);
                }
            });
        });
    });
}

fn file_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    if item(ui, "New", "Ctrl+N", true) {
        actions.push(Action::New);
    }
    if item(ui, "Open…", "Ctrl+O", true) {
        actions.push(Action::Open(None));
    }
    ui.menu_button("Open recent", |ui| {
        if app.settings.recent.is_empty() {
            ui.weak("No recent files");
        }
        for path in app.settings.recent.clone() {
            let label =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            if ui.button(label).on_hover_text(path.display().to_string()).clicked() {
                actions.push(Action::Open(Some(path)));
            }
        }
    });
    ui.menu_button("Open sample", |ui| {
        if app.samples.is_empty() {
            ui.weak("No samples found");
        }
        for s in &app.samples {
            if ui.button(&s.name).on_hover_text(&s.description).clicked() {
                actions.push(Action::Open(Some(s.path.clone())));
            }
        }
    });
    if ui.button("Import…").clicked() {
        actions.push(Action::Import(None));
    }
    ui.separator();
    if item(ui, "Save", "Ctrl+S", true) {
        actions.push(Action::Save);
    }
    if item(ui, "Save as…", "Ctrl+Shift+S", true) {
        actions.push(Action::SaveAs);
    }
    ui.separator();
    ui.checkbox(&mut app.settings.in_app_file_dialog, "Always use the in-app file dialog").on_hover_text(
        "Switchboard uses its own file dialog when the desktop has no file chooser (no portal); \
         tick this to use it always.",
    );
    ui.separator();
    if item(ui, "Quit", "", true) {
        actions.push(Action::Quit);
    }
}

fn edit_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    let has_sel = !app.selection.is_empty();
    let has_nodes = !app.selection.nodes.is_empty();
    if item(ui, "Undo", "Ctrl+Z", app.doc.can_undo()) {
        actions.push(Action::Undo);
    }
    if item(ui, "Redo", "Ctrl+Shift+Z", app.doc.can_redo()) {
        actions.push(Action::Redo);
    }
    ui.separator();
    if item(ui, "Cut", "Ctrl+X", has_nodes) {
        actions.push(Action::Cut);
    }
    if item(ui, "Copy", "Ctrl+C", has_nodes) {
        actions.push(Action::Copy);
    }
    if item(ui, "Paste", "Ctrl+V", app.clipboard().is_some()) {
        actions.push(Action::Paste(None));
    }
    if item(ui, "Duplicate", "Ctrl+D", has_nodes) {
        actions.push(Action::Duplicate);
    }
    if item(ui, "Delete", "Del", has_sel) {
        actions.push(Action::Delete);
    }
    ui.separator();
    if item(ui, "Select all", "Ctrl+A", true) {
        actions.push(Action::SelectAll);
    }
    if item(ui, "Rename", "F2", app.selection.single_node().is_some())
        && let Some(id) = app.selection.single_node()
    {
        actions.push(Action::Rename(id.to_owned()));
    }
    if item(ui, "Group", "Ctrl+G", has_nodes) {
        actions.push(Action::Group);
    }
    if item(ui, "Ungroup", "Ctrl+Shift+G", has_nodes || app.selection.group.is_some()) {
        actions.push(Action::Ungroup);
    }
    if item(ui, "Find…", "Ctrl+F", true) {
        app.find = Some(String::new());
        app.find_focus = true;
    }
}

fn simulate_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    let running = app.runs.is_running();
    if item(ui, "Run", "F5", !running) {
        actions.push(Action::Run);
    }
    if item(ui, "Stop", "Esc", running) {
        actions.push(Action::StopRun);
    }
    ui.separator();
    ui.checkbox(&mut app.results.open, "Results panel");
    for (label, tab) in [
        ("Chaos timeline", crate::gui::results::Tab::Chaos),
        ("Compare runs and what-if sweeps", crate::gui::results::Tab::Compare),
    ] {
        if ui.button(label).clicked() {
            app.results.open = true;
            app.results.tab = tab;
        }
    }
    ui.separator();
    ui.weak("The ρ badges on the nodes are the instant capacity estimate;\na run measures them (and much more) by simulation.");
}

fn view_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    if item(ui, "Fit to view", "Home", true) {
        actions.push(Action::FitView);
    }
    if item(ui, "Zoom to selection", "Shift+2", !app.selection.nodes.is_empty()) {
        actions.push(Action::ZoomToSelection);
    }
    if item(ui, "Auto-layout", "Ctrl+Shift+L", true) {
        actions.push(Action::AutoLayout);
    }
    ui.separator();
    ui.checkbox(&mut app.canvas.snap, "Snap to grid");
    ui.checkbox(&mut app.canvas.show_grid, "Show grid");
    ui.checkbox(&mut app.settings.show_minimap, "Minimap");
    ui.checkbox(&mut app.settings.show_problems, "Problems panel");
    ui.checkbox(&mut app.settings.show_start, "Start panel");
    ui.checkbox(&mut app.results.open, "Results panel");
    ui.separator();
    let mut dark = app.settings.dark;
    ui.horizontal(|ui| {
        ui.label("Theme");
        ui.selectable_value(&mut dark, true, "Dark");
        ui.selectable_value(&mut dark, false, "Light");
    });
    if dark != app.settings.dark {
        let ctx = ui.ctx().clone();
        app.set_dark(&ctx, dark);
    }
}
