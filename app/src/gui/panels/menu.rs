//! The menu bar: File, Edit, View (with Language), Simulate, Export, Help.

use egui::{Button, Ui};

use crate::gui::action::Action;
use crate::gui::app::{Modal, SwitchboardApp};
use crate::gui::i18n::{Lang, tr, tr_args};

fn item(ui: &mut Ui, label: &str, shortcut: &str, enabled: bool) -> bool {
    ui.add_enabled(enabled, Button::new(label).shortcut_text(shortcut)).clicked()
}

/// Show the menu bar.
pub fn menu_bar(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    egui::Panel::top("menu-bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(tr("menu-file"), |ui| file_menu(ui, app, actions));
            ui.menu_button(tr("menu-edit"), |ui| edit_menu(ui, app, actions));
            ui.menu_button(tr("menu-view"), |ui| view_menu(ui, app, actions));
            ui.menu_button(tr("menu-simulate"), |ui| simulate_menu(ui, app, actions));
            ui.menu_button(tr("menu-export"), |ui| {
                for format in engine::export::ExportFormat::ALL {
                    if ui.button(tr_args("menu-export-format", &[("format", format.title().into())])).clicked() {
                        actions.push(Action::Export(format));
                    }
                }
                ui.separator();
                if ui.button(tr("menu-export-svg")).clicked() {
                    actions.push(Action::ExportSvg);
                }
                if ui.button(tr("menu-export-png")).clicked() {
                    actions.push(Action::ExportPng);
                }
            });
            ui.menu_button(tr("menu-help"), |ui| {
                if ui.button(tr("menu-shortcuts")).clicked() {
                    app.dialogs.modal = Some(Modal::Shortcuts);
                }
                if ui.button(tr("menu-about")).clicked() {
                    app.dialogs.modal = Some(Modal::About);
                }
            });
        });
    });
}

fn file_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    if item(ui, &tr("menu-new"), "Ctrl+N", true) {
        actions.push(Action::New);
    }
    if item(ui, &tr("menu-open"), "Ctrl+O", true) {
        actions.push(Action::Open(None));
    }
    ui.menu_button(tr("menu-open-recent"), |ui| {
        if app.settings.recent.is_empty() {
            ui.weak(tr("menu-no-recent"));
        }
        for path in app.settings.recent.clone() {
            let label =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            if ui.button(label).on_hover_text(path.display().to_string()).clicked() {
                actions.push(Action::Open(Some(path)));
            }
        }
    });
    ui.menu_button(tr("menu-open-sample"), |ui| {
        if app.samples.is_empty() {
            ui.weak(tr("menu-no-samples"));
        }
        for s in &app.samples {
            if ui.button(&s.name).on_hover_text(&s.description).clicked() {
                actions.push(Action::Open(Some(s.path.clone())));
            }
        }
    });
    if ui.button(tr("menu-import")).clicked() {
        actions.push(Action::Import(None));
    }
    if ui.button(tr("menu-calibrate")).clicked() {
        actions.push(Action::Calibrate(None));
    }
    ui.separator();
    if item(ui, &tr("menu-save"), "Ctrl+S", true) {
        actions.push(Action::Save);
    }
    if item(ui, &tr("menu-save-as"), "Ctrl+Shift+S", true) {
        actions.push(Action::SaveAs);
    }
    ui.separator();
    ui.checkbox(&mut app.settings.in_app_file_dialog, tr("menu-in-app-dialog"))
        .on_hover_text(tr("menu-in-app-dialog-hint"));
    ui.separator();
    if item(ui, &tr("menu-quit"), "", true) {
        actions.push(Action::Quit);
    }
}

fn edit_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    let has_sel = !app.view.selection.is_empty();
    let has_nodes = !app.view.selection.nodes.is_empty();
    if item(ui, &tr("menu-undo"), "Ctrl+Z", app.doc.can_undo()) {
        actions.push(Action::Undo);
    }
    if item(ui, &tr("menu-redo"), "Ctrl+Shift+Z", app.doc.can_redo()) {
        actions.push(Action::Redo);
    }
    ui.separator();
    if item(ui, &tr("menu-cut"), "Ctrl+X", has_nodes) {
        actions.push(Action::Cut);
    }
    if item(ui, &tr("menu-copy"), "Ctrl+C", has_nodes) {
        actions.push(Action::Copy);
    }
    if item(ui, &tr("menu-paste"), "Ctrl+V", app.clipboard().is_some()) {
        actions.push(Action::Paste(None));
    }
    if item(ui, &tr("menu-duplicate"), "Ctrl+D", has_nodes) {
        actions.push(Action::Duplicate);
    }
    if item(ui, &tr("menu-delete"), "Del", has_sel) {
        actions.push(Action::Delete);
    }
    ui.separator();
    if item(ui, &tr("menu-select-all"), "Ctrl+A", true) {
        actions.push(Action::SelectAll);
    }
    if item(ui, &tr("menu-rename"), "F2", app.view.selection.single_node().is_some())
        && let Some(id) = app.view.selection.single_node()
    {
        actions.push(Action::Rename(id.to_owned()));
    }
    if item(ui, &tr("menu-group"), "Ctrl+G", has_nodes) {
        actions.push(Action::Group);
    }
    if item(ui, &tr("menu-ungroup"), "Ctrl+Shift+G", has_nodes || app.view.selection.group.is_some()) {
        actions.push(Action::Ungroup);
    }
    if item(ui, &tr("menu-find"), "Ctrl+F", true) {
        app.view.find = Some(String::new());
        app.view.find_focus = true;
    }
}

fn simulate_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    let running = app.runs.is_running();
    if item(ui, &tr("menu-run"), "F5", !running) {
        actions.push(Action::Run);
    }
    if item(ui, &tr("menu-stop"), "Esc", running) {
        actions.push(Action::StopRun);
    }
    ui.separator();
    let searching = app.rightsize.is_running();
    if item(ui, &tr("menu-rightsize"), "", !searching) {
        super::rightsize::open_tune(app);
    }
    if item(ui, &tr("menu-headroom"), "", !searching) {
        super::rightsize::start(app, &ui.ctx().clone(), super::rightsize::Kind::Headroom);
    }
    ui.separator();
    ui.checkbox(&mut app.results.open, tr("menu-results-panel"));
    for (label, tab) in [
        (tr("menu-chaos-timeline"), crate::gui::results::Tab::Chaos),
        (tr("menu-compare-sweeps"), crate::gui::results::Tab::Compare),
    ] {
        if ui.button(label).clicked() {
            app.results.open = true;
            app.results.tab = tab;
        }
    }
    ui.separator();
    ui.weak(tr("menu-estimate-note"));
}

fn view_menu(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    if item(ui, &tr("menu-fit-view"), "Home", true) {
        actions.push(Action::FitView);
    }
    if item(ui, &tr("menu-zoom-selection"), "Shift+2", !app.view.selection.nodes.is_empty()) {
        actions.push(Action::ZoomToSelection);
    }
    if item(ui, &tr("menu-auto-layout"), "Ctrl+Shift+L", true) {
        actions.push(Action::AutoLayout);
    }
    ui.separator();
    ui.checkbox(&mut app.settings.snap, tr("menu-snap"));
    ui.checkbox(&mut app.settings.show_grid, tr("menu-show-grid"));
    ui.checkbox(&mut app.settings.show_minimap, tr("menu-minimap"));
    ui.checkbox(&mut app.settings.show_problems, tr("menu-problems-panel"));
    ui.checkbox(&mut app.settings.show_start, tr("menu-start-panel"));
    ui.checkbox(&mut app.results.open, tr("menu-results-panel"));
    ui.separator();
    let mut dark = app.settings.dark;
    ui.horizontal(|ui| {
        ui.label(tr("menu-theme"));
        ui.selectable_value(&mut dark, true, tr("menu-theme-dark"));
        ui.selectable_value(&mut dark, false, tr("menu-theme-light"));
    });
    if dark != app.settings.dark {
        let ctx = ui.ctx().clone();
        app.set_dark(&ctx, dark);
    }
    ui.menu_button(tr("menu-language"), |ui| {
        let mut lang = app.language();
        for choice in Lang::ALL {
            ui.selectable_value(&mut lang, choice, tr(choice.name_key()));
        }
        if lang != app.language() {
            app.set_language(lang);
            ui.close();
        }
    });
}
