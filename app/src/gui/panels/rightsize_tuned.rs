//! What Right-size… found: each node before → after (replicas, and workers
//! and queue when they changed) with its monthly cost, every SLO's verdict
//! (per scenario held), why each step was taken, the resilience hints, and
//! Apply as one [`Command::Batch`] (one undo step).

use egui::{Color32, RichText, Ui};
use engine::Design;
use engine::rightsize::tune::Tuned;
use engine::sim::SloVerdict;

use super::cost::amount;
use crate::gui::action::Action;
use crate::gui::document::Command;
use crate::gui::i18n::{tr, tr_args, tr_message};
use crate::gui::style;

fn before_after(before: &str, after: &str) -> String {
    if before == after { before.to_owned() } else { format!("{before} → {after}") }
}

fn queue(q: Option<u32>) -> String {
    q.map_or_else(|| "∞".to_owned(), |q| q.to_string())
}

fn diff_grid(ui: &mut Ui, design: &Design, t: &Tuned) {
    let currency = design.cost.as_ref().map(|c| c.price_table.currency.clone()).unwrap_or_default();
    let money = |v: Option<f64>| v.map_or_else(|| tr("rightsize-no-cost"), |v| amount(v, &currency));
    let workers = t.changes.iter().any(|c| c.workers_before != c.workers_after);
    let queues = t.changes.iter().any(|c| c.queue_before != c.queue_after);
    let columns = 3 + usize::from(workers) + usize::from(queues);
    egui::Grid::new("rightsize-diff").striped(true).num_columns(columns).spacing([16.0, 4.0]).show(ui, |ui| {
        ui.strong(tr("rightsize-node"));
        ui.strong(tr("rightsize-replicas"));
        if workers {
            ui.strong(tr("rightsize-workers"));
        }
        if queues {
            ui.strong(tr("rightsize-queue"));
        }
        ui.strong(tr("rightsize-node-cost"));
        ui.end_row();
        for c in &t.changes {
            let Some(before) = design.node(&c.id) else { continue };
            let after = t.design.node(&c.id);
            let cost_of = |n: &engine::model::Node| {
                design.cost.as_ref().and_then(|s| engine::cost::node_monthly(s, n, f64::from(n.capacity.replicas)).1)
            };
            let name = if c.changed() { RichText::new(&c.name).strong() } else { RichText::new(&c.name) };
            ui.label(name);
            ui.label(format!("{} → {}", c.replicas_before, c.replicas_after));
            if workers {
                ui.label(before_after(&c.workers_before.to_string(), &c.workers_after.to_string()));
            }
            if queues {
                ui.label(before_after(&queue(c.queue_before), &queue(c.queue_after)));
            }
            ui.label(format!("{} → {}", money(cost_of(before)), money(after.and_then(cost_of))));
            ui.end_row();
        }
        ui.strong(tr("rightsize-total"));
        for _ in 2..columns {
            ui.label("");
        }
        ui.strong(format!("{} → {}", money(t.cost_before), money(t.cost_after)));
        ui.end_row();
    });
}

fn slo_lines(ui: &mut Ui, slos: &[SloVerdict]) {
    for s in slos {
        let (color, badge) = crate::gui::results::summary::verdict_style(s.verdict);
        ui.horizontal(|ui| {
            ui.colored_label(color, badge);
            ui.label(format!("{} {}: {:.3} / {}", s.workload, s.objective, s.measured.mean, s.target));
        });
    }
}

/// Why each step was taken, then the resilience hints.
fn steps_and_hints(ui: &mut Ui, t: &Tuned) {
    if !t.steps.is_empty() {
        egui::CollapsingHeader::new(tr_args("rightsize-steps", &[("count", t.steps.len().into())]))
            .id_salt("rightsize-steps")
            .default_open(true)
            .show(ui, |ui| {
                for (i, s) in t.steps.iter().enumerate() {
                    ui.label(format!("{}. {}", i + 1, tr_message(&s.why)));
                }
            });
    }
    ui.label(RichText::new(tr("rightsize-hints")).strong());
    if t.hints.is_empty() {
        ui.weak(tr("rightsize-no-hints"));
    }
    for h in &t.hints {
        ui.colored_label(style::warning_text(ui), format!("• {}", tr_message(&h.text)));
    }
}

/// Show a tune's result.
pub fn show(ui: &mut Ui, design: &Design, t: &Tuned, stale: bool, actions: &mut Vec<Action>, close: &mut bool) {
    if t.passed {
        ui.colored_label(Color32::from_rgb(22, 163, 74), tr_args("rightsize-passed", &[("runs", t.runs.into())]));
    } else {
        ui.colored_label(style::warning_text(ui), tr_args("rightsize-not-passed", &[("runs", t.runs.into())]));
    }
    diff_grid(ui, design, t);
    if t.scenarios.is_empty() {
        slo_lines(ui, &t.slos);
    }
    for s in &t.scenarios {
        ui.label(tr_args("rightsize-scenario", &[("name", s.scenario.clone().into())]));
        slo_lines(ui, &s.slos);
    }
    let changes: Vec<Command> = t
        .changes
        .iter()
        .filter(|c| c.changed())
        .filter_map(|c| t.design.node(&c.id).cloned())
        .map(|n| Command::SetNode(Box::new(n)))
        .collect();
    if stale {
        ui.colored_label(style::warning_text(ui), tr("rightsize-stale"));
    }
    ui.horizontal(|ui| {
        let empty = changes.is_empty();
        let can = t.passed && !empty && !stale;
        if ui.add_enabled(can, egui::Button::new(tr("rightsize-apply"))).clicked() {
            actions.push(Action::Edit(Command::Batch(changes)));
            *close = true;
        }
        if empty && t.passed {
            ui.weak(tr("rightsize-nothing-to-change"));
        }
    });
    steps_and_hints(ui, t);
}
