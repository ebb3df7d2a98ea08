//! The problems panel: every validation problem and capacity warning, live.
//! Clicking one selects its culprit and outlines it on the canvas.

use egui::{RichText, Sense, Ui};
use engine::validate::{Problem, Severity, Target};

use crate::gui::action::Action;
use crate::gui::analysis::Analysis;
use crate::gui::i18n::tr;
use crate::gui::style;
use crate::gui::view::ViewState;

/// Show the problems panel at the bottom of the window.
pub fn panel(
    ui: &mut Ui,
    design: &engine::Design,
    analysis: &Analysis,
    view: &mut ViewState,
    actions: &mut Vec<Action>,
) {
    let total = analysis.problems.len();
    let panel = if total == 0 {
        // Nothing to list: one line, so the canvas and results keep the room.
        egui::Panel::bottom("problems-none").resizable(false).exact_size(ui.spacing().interact_size.y + 10.0)
    } else {
        egui::Panel::bottom("problems").resizable(true).default_size(130.0).min_size(60.0)
    };
    panel.show(ui, |ui| {
        let (errors, warnings) = analysis.counts();
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr("problems-problems")).strong());
            ui.label(RichText::new(style::count(errors, "count-error")).color(if errors > 0 {
                style::error_text(ui)
            } else {
                ui.visuals().weak_text_color()
            }));
            ui.label(RichText::new(style::count(warnings, "count-warning")).color(if warnings > 0 {
                style::warning_text(ui)
            } else {
                ui.visuals().weak_text_color()
            }));
            if total == 0 {
                ui.weak(tr("problems-the-design-validates-and-no"));
            } else {
                ui.weak(tr("problems-click-one-to-select-the"));
            }
        });
        if total == 0 {
            return;
        }
        ui.separator();
        // Only the rows in view are laid out: a large design can have a
        // problem per node, and laying out thousands of rows every frame
        // would cost more than the canvas.
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(ui, row_height, total, |ui, rows| {
            // Rows are clickable as a whole: their labels must not take the click.
            ui.style_mut().interaction.selectable_labels = false;
            let shown: Vec<Problem> = analysis.problems.get(rows).unwrap_or_default().to_vec();
            for p in &shown {
                let (path, message) =
                    (named_path(design, &p.path), named_message(design, &crate::gui::i18n::tr_message(&p.message)));
                let (glyph, color) = match p.severity {
                    Severity::Error => ("●", style::ERROR_COLOR),
                    Severity::Warning => ("▲", style::WARNING_COLOR),
                };
                let resp = ui
                    .horizontal(|ui| {
                        ui.set_min_height(row_height);
                        ui.label(RichText::new(glyph).color(color));
                        ui.label(RichText::new(&path).monospace().weak()).on_hover_text(&p.path);
                        ui.label(&message);
                    })
                    .response
                    .interact(Sense::click());
                let label = format!("{path}: {message}");
                resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, label.clone()));
                if resp.hovered() {
                    ui.painter().rect_filled(
                        resp.rect,
                        2.0,
                        ui.visuals().widgets.hovered.weak_bg_fill.gamma_multiply(0.4),
                    );
                }
                if resp.clicked() {
                    select_culprit(design, view, &p.target, actions);
                }
            }
        });
    });
}

fn select_culprit(design: &engine::Design, view: &mut ViewState, target: &Target, actions: &mut Vec<Action>) {
    match target {
        Target::Node(id) => {
            view.culprit = Some(id.clone());
            actions.push(Action::Focus(id.clone()));
        }
        Target::Edge(id) => {
            view.culprit = None;
            view.selection.only_edge(id);
            if let Some(e) = design.edge(id) {
                view.canvas.focus_request = Some(e.from.clone());
            }
        }
        Target::Workload(name) | Target::Slo(name) => {
            view.selection.clear();
            view.selection.workload = design.workloads.iter().any(|w| &w.name == name).then(|| name.clone());
        }
        Target::Design | Target::Fault(_) => view.selection.clear(),
    }
}

/// A problem's path with nodes named: `nodes[b].capacity.replicas` reads
/// `payments › capacity.replicas` (the id stays when no node has it).
#[must_use]
pub fn named_path(design: &engine::Design, path: &str) -> String {
    let Some(rest) = path.strip_prefix("nodes[") else { return path.to_owned() };
    let Some((id, tail)) = rest.split_once(']') else { return path.to_owned() };
    let Some(node) = design.node(id) else { return path.to_owned() };
    let name = style::one_line(&node.name);
    let tail = tail.trim_start_matches('.');
    if tail.is_empty() { format!("node {name}") } else { format!("{name} › {tail}") }
}

/// A problem's message with quoted node ids replaced by the nodes' names
/// (one pass, so a name that is another node's id is left alone).
#[must_use]
pub fn named_message(design: &engine::Design, message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('"').enumerate() {
        if i > 0 {
            out.push('"');
        }
        // Odd parts are inside quotes.
        match design.node(part) {
            Some(node) if i % 2 == 1 => out.push_str(&style::one_line(&node.name)),
            _ => out.push_str(part),
        }
    }
    out
}
