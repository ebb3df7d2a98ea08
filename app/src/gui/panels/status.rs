//! The status bar: file, unsaved mark, zoom, counts, problems and load.

use egui::{RichText, Ui};

use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::style;

/// Show the status bar at the bottom of the window.
pub fn status_bar(ui: &mut Ui, app: &mut SwitchboardApp) {
    let now = ui.input(|i| i.time);
    let message = app.status_text(now);
    egui::Panel::bottom("status-bar").exact_size(24.0).show(ui, |ui| {
        ui.horizontal_centered(|ui| {
            let dirty = if app.doc.is_dirty() { " ●" } else { "" };
            ui.label(format!("{}{dirty}", app.doc.display_name())).on_hover_text(
                app.doc.path.as_ref().map_or_else(|| tr("status-not-saved"), |p| p.display().to_string()),
            );
            ui.separator();
            let d = app.design();
            ui.label(format!(
                "{} · {} · {}",
                style::count(d.nodes.len(), "count-node"),
                style::count(d.edges.len(), "count-edge"),
                style::count(d.workloads.len(), "count-workload")
            ));
            ui.separator();
            ui.label(tr_args("status-zoom", &[("percent", num(f64::from(app.view.canvas.zoom()) * 100.0, 0))]));
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
                RichText::new(format!(
                    "{} · {}",
                    style::count(errors, "count-error"),
                    style::count(warnings, "count-warning")
                ))
                .color(color),
            );
            if app.analysis().is_running() {
                ui.spinner();
                ui.label(tr("status-validating")).on_hover_text(tr("status-validating-hint"));
            }
            let hot = app.analysis().hot_nodes();
            if hot > 0 {
                ui.separator();
                ui.label(RichText::new(tr_args("status-hot", &[("count", hot.into())])).color(style::rho_color(0.9)));
            }
            if let Some(name) = app.uncovered_name(ui.ctx()) {
                ui.separator();
                ui.label(
                    RichText::new(tr_args("status-uncovered", &[("name", style::one_line(&name).into())]))
                        .color(style::WARNING_COLOR),
                )
                .on_hover_text(tr("status-uncovered-hint"));
            }
            if !app.view.selection.is_empty() {
                ui.separator();
                ui.label(tr_args(
                    "status-selected",
                    &[("count", (app.view.selection.nodes.len() + app.view.selection.edges.len()).into())],
                ));
            }
            if let Some(m) = message {
                ui.separator();
                ui.label(RichText::new(m).strong());
            }
        });
    });
}
