//! The status bar: file, unsaved mark, zoom, counts, problems and load.

use egui::{RichText, Ui};

use crate::gui::app::SwitchboardApp;
use crate::gui::style;

/// Show the status bar at the bottom of the window.
pub fn status_bar(ui: &mut Ui, app: &mut SwitchboardApp) {
    let now = ui.input(|i| i.time);
    let message = app.status_text(now);
    egui::Panel::bottom("status-bar").exact_size(24.0).show(ui, |ui| {
        ui.horizontal_centered(|ui| {
            let dirty = if app.doc.is_dirty() { " ●" } else { "" };
            ui.label(format!("{}{dirty}", app.doc.display_name())).on_hover_text(
                app.doc.path.as_ref().map_or_else(|| "not saved yet".to_owned(), |p| p.display().to_string()),
            );
            ui.separator();
            let d = app.design();
            ui.label(format!(
                "{} · {} · {}",
                style::count(d.nodes.len(), "node"),
                style::count(d.edges.len(), "edge"),
                style::count(d.workloads.len(), "workload")
            ));
            ui.separator();
            ui.label(format!("zoom {:.0}%", app.canvas.zoom() * 100.0));
            ui.separator();
            let (errors, warnings) = app.analysis().counts();
            let color = if errors > 0 {
                style::ERROR_COLOR
            } else if warnings > 0 {
                style::WARNING_COLOR
            } else {
                ui.visuals().weak_text_color()
            };
            ui.label(
                RichText::new(format!("{} · {}", style::count(errors, "error"), style::count(warnings, "warning")))
                    .color(color),
            );
            if app.analysis().is_running() {
                ui.spinner();
                ui.label("validating").on_hover_text(
                    "The design is large: it is checked in the background, and the counts shown are of the last check.",
                );
            }
            let hot = app.analysis().hot_nodes();
            if hot > 0 {
                ui.separator();
                ui.label(RichText::new(format!("{hot} hot or overloaded")).color(style::rho_color(0.9)));
            }
            if let Some(name) = app.uncovered_name(ui.ctx()) {
                ui.separator();
                ui.label(
                    RichText::new(format!("“{}” has characters no installed font has", style::one_line(&name)))
                        .color(style::WARNING_COLOR),
                )
                .on_hover_text("Install a font for its script (e.g. fonts-noto-cjk, fonts-noto-core)");
            }
            if !app.selection.is_empty() {
                ui.separator();
                ui.label(format!("{} selected", app.selection.nodes.len() + app.selection.edges.len()));
            }
            if let Some(m) = message {
                ui.separator();
                ui.label(RichText::new(m).strong());
            }
        });
    });
}
