//! What each scheduled fault did, for the "Why" tab: its share of each
//! workload's errors and latency, measured by the engine against a run of
//! the same seed without that fault, and when its effect reached each
//! upstream node.

use egui::{Color32, RichText, Sense, Ui, vec2};
use engine::Design;
use engine::sim::Report;
use engine::sim::report::{FaultImpact, FaultReach, FaultReport};

use crate::gui::action::Action;
use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::style;

/// A fault's share of one workload's figures, in words.
#[must_use]
pub fn impact_text(i: &FaultImpact) -> String {
    tr_args(
        "faults-impact",
        &[
            ("workload", i.workload.as_str().into()),
            ("rate", num(i.error_rate * 100.0, 1)),
            ("rate-without", num(i.error_rate_without * 100.0, 1)),
            ("points", num(i.error_points, 1)),
            ("p99", num(i.p99_ms, 0)),
            ("p99-without", num(i.p99_without_ms, 0)),
            ("p99-diff", signed(i.p99_ms - i.p99_without_ms).into()),
            ("mean", num(i.mean_ms, 1)),
            ("mean-without", num(i.mean_without_ms, 1)),
        ],
    )
}

/// A difference with its sign, `±0` when it rounds to nothing (not `-0`).
fn signed(v: f64) -> String {
    if v.abs() < 0.5 { "±0".to_owned() } else { format!("{v:+.0}") }
}

/// When the effect reached a node, in words relative to the fault's start.
#[must_use]
pub fn reach_text(f: &FaultReport, r: &FaultReach) -> String {
    let key = if r.effect == "latency" { "faults-reach-slower" } else { "faults-reach-failing" };
    tr_args(key, &[("at", num(r.at_s, 2)), ("after", num((r.at_s - f.start_s).max(0.0), 2))])
}

/// Show every fault's attribution (nothing when the run has none).
pub fn section(ui: &mut Ui, report: &Report, design: &Design, actions: &mut Vec<Action>) {
    if report.faults.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.label(RichText::new(tr("faults-what-each-fault-did")).strong());
    ui.weak(tr("faults-measured-against-a-run-of"));
    for f in &report.faults {
        egui::Frame::group(ui.style()).inner_margin(6.0).show(ui, |ui| {
            fault(ui, f, report, design, actions);
        });
    }
}

fn fault(ui: &mut Ui, f: &FaultReport, report: &Report, design: &Design, actions: &mut Vec<Action>) {
    let target = design
        .node(&f.target)
        .map(|n| n.name.clone())
        .or_else(|| {
            design.edge(&f.target).map(|e| format!("{} → {}", design.node_name(&e.from), design.node_name(&e.to)))
        })
        .unwrap_or_else(|| f.target.clone());
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&f.name).strong().color(style::ERROR_COLOR));
        ui.label(tr_args(
            "faults-what",
            &[
                ("what", crate::gui::i18n::tr_message(&f.what).into()),
                ("target", target.as_str().into()),
                ("start", num(f.start_s, 1)),
                ("end", num(f.end_s, 1)),
            ],
        ));
        if design.node(&f.target).is_some()
            && ui.small_button(tr("faults-show")).on_hover_text(tr("faults-select-the-fault-s-node")).clicked()
        {
            actions.push(Action::Focus(f.target.clone()));
        }
    });
    for i in &f.impact {
        ui.horizontal(|ui| {
            error_bar(ui, i);
            ui.label(impact_text(i));
        });
    }
    if f.reached.is_empty() {
        ui.weak(tr("faults-its-effect-did-not-show"));
        return;
    }
    ui.weak(tr("faults-reached-earliest-first"));
    let last = f.reached.iter().map(|r| r.at_s).fold(f.start_s, f64::max);
    let span = (last - f.start_s).max(1e-3);
    egui::Grid::new(("fault-reach", &f.name)).num_columns(3).spacing([10.0, 1.0]).show(ui, |ui| {
        for r in &f.reached {
            let name = report.node(&r.node).map_or(r.node.as_str(), |n| n.name.as_str());
            if ui
                .add(egui::Label::new(name).sense(Sense::click()))
                .on_hover_text(tr("faults-select-the-node"))
                .clicked()
            {
                actions.push(Action::Focus(r.node.clone()));
            }
            // A mark on a line from the fault's start to the last arrival:
            // the order and spacing of the spread at a glance.
            let (rect, _) = ui.allocate_exact_size(vec2(160.0, 10.0), Sense::hover());
            let stroke = egui::Stroke::new(1.0, ui.visuals().weak_text_color());
            ui.painter().line_segment([rect.left_center(), rect.right_center()], stroke);
            let x = rect.left() + ((r.at_s - f.start_s).max(0.0) / span) as f32 * rect.width();
            let c = if r.effect == "latency" { style::WARNING_COLOR } else { style::ERROR_COLOR };
            ui.painter().circle_filled(egui::pos2(x, rect.center().y), 4.0, c);
            ui.label(reach_text(f, r));
            ui.end_row();
        }
    });
}

/// The workload's error rate as a bar: the fault's points dark, the rest light.
fn error_bar(ui: &mut Ui, i: &FaultImpact) {
    let (rect, resp) = ui.allocate_exact_size(vec2(120.0, 12.0), Sense::hover());
    let p = ui.painter();
    p.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let total = (i.error_rate.clamp(0.0, 1.0)) as f32 * rect.width();
    let due = ((i.error_points / 100.0).clamp(0.0, 1.0) as f32 * rect.width()).min(total.max(0.0));
    let red = Color32::from_rgb(239, 68, 68);
    p.rect_filled(egui::Rect::from_min_size(rect.min, vec2(total, rect.height())), 2.0, red.gamma_multiply(0.35));
    p.rect_filled(egui::Rect::from_min_size(rect.min, vec2(due, rect.height())), 2.0, red);
    resp.on_hover_text(tr_args(
        "faults-error-rate",
        &[("rate", num(i.error_rate * 100.0, 1)), ("points", num(i.error_points, 1))],
    ));
}
