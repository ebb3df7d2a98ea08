//! The summary: run-level warnings, the run's goodput against throughput
//! ([`super::load`], with policies or faults), then one card per workload
//! with goodput, success share, latency percentiles with confidence
//! intervals and the workload's SLO badges.

use egui::{Color32, RichText, Ui};
use engine::sim::{Report, SloVerdict, Verdict, WorkloadReport};

use super::{fmt_est, fmt_ms, fmt_pct};
use crate::gui::i18n::{num, tr, tr_args, tr_message, tr_messages};
use crate::gui::style;

/// Colour and word of a verdict.
#[must_use]
pub fn verdict_style(v: Verdict) -> (Color32, String) {
    match v {
        Verdict::Pass => (Color32::from_rgb(22, 163, 74), tr("verdict-pass")),
        Verdict::Fail => (style::ERROR_COLOR, tr("verdict-fail-badge")),
        Verdict::Inconclusive => (style::WARNING_COLOR, tr("verdict-inconclusive-badge")),
    }
}

/// The target and measured value of an SLO in words, units on every
/// figure, saying whose latency it is when some requests failed (the same
/// words as the HTML report and the CLI).
#[must_use]
pub fn slo_text(report: &Report, s: &SloVerdict) -> String {
    let f = engine::units::slo_figures(s);
    tr_args(
        "summary-slo",
        &[
            ("objective", tr_message(&engine::units::objective_text(report, s)).into()),
            ("measured", f.measured_with_ci().into()),
            ("target", f.target.into()),
        ],
    )
}

/// Show the summary tab.
pub fn tab(ui: &mut Ui, report: &Report, design: &engine::Design) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        let s = &report.settings;
        // The seed goes in as text: an identifier takes no thousands separators.
        ui.weak(tr_args(
            "summary-settings",
            &[
                ("design", report.design.as_str().into()),
                ("duration", num(s.duration_s, 0)),
                ("warmup", num(s.warmup_s, 0)),
                ("seed", s.seed.to_string().into()),
                ("replications", style::count(s.replications as usize, "count-replication").into()),
                ("scale", s.rate_scale.into()),
                ("events", report.events.into()),
                ("ci", s.ci_method.replace('_', " ").into()),
            ],
        ));
        if report.unstable {
            ui.colored_label(
                style::error_text(ui),
                tr_args("summary-unstable", &[("reasons", tr_messages(&report.unstable_reasons, "; ").into())]),
            );
        }
        for w in &report.warnings {
            ui.colored_label(style::warning_text(ui), format!("▲ {}", tr_message(w)));
        }
        if !report.conservation.holds {
            ui.colored_label(
                style::ERROR_COLOR,
                tr_args("summary-conservation", &[("violations", report.conservation.violations.join("; ").into())]),
            );
        }
        crate::gui::panels::cost::summary_line(ui, design, report);
        ui.add_space(4.0);
        // Rows of equal cards, as many per row as fit: a wrapping layout
        // cannot know a card's width before drawing it, so it would let the
        // last card run off the edge.
        let gap = ui.spacing().item_spacing.x;
        let per_row =
            (((ui.available_width() + gap) / (CARD_WIDTH + 2.0 * CARD_MARGIN + 2.0 + gap)).floor() as usize).max(1);
        // The run's goodput and throughput first (`None`), then the workloads.
        let load = report.load.is_some().then_some(None);
        let items: Vec<Option<&WorkloadReport>> = load.into_iter().chain(report.workloads.iter().map(Some)).collect();
        for row in items.chunks(per_row) {
            ui.horizontal_top(|ui| {
                for item in row {
                    match item {
                        Some(w) => card(ui, w, report),
                        None => super::load::card(ui, report, CARD_WIDTH, CARD_MARGIN),
                    }
                }
            });
        }
        if report.workloads.is_empty() {
            ui.weak(tr("summary-the-design-has-no-workloads"));
        }
    });
}

/// Width of a workload card's contents.
const CARD_WIDTH: f32 = 320.0;
/// Inner margin of a card.
const CARD_MARGIN: f32 = 8.0;

/// Outcomes in words: the successes, then only the kinds of failure that
/// happened (a row of zeros hides the one that matters).
#[must_use]
pub fn outcomes_text(o: &engine::sim::report::OutcomeCounts) -> String {
    let mut parts = vec![tr_args("outcome-ok", &[("count", o.ok.into())])];
    for (n, key) in [
        (o.degraded, "outcome-degraded"),
        (o.error, "outcome-error"),
        (o.timeout, "outcome-timeout"),
        (o.rejected.total(), "outcome-rejected"),
        (o.in_flight, "outcome-in-flight"),
    ] {
        if n > 0 {
            parts.push(tr_args(key, &[("count", n.into())]));
        }
    }
    if parts.len() == 1 {
        parts.push(tr("outcome-no-failures"));
    }
    parts.join(" · ")
}

fn card(ui: &mut Ui, w: &WorkloadReport, report: &Report) {
    egui::Frame::group(ui.style()).inner_margin(CARD_MARGIN).show(ui, |ui| {
        ui.set_width(CARD_WIDTH);
        ui.vertical(|ui| {
            ui.label(RichText::new(&w.name).heading().strong());
            let finished = w.outcomes.total() - w.outcomes.in_flight;
            let success =
                if finished > 0 { (w.outcomes.ok + w.outcomes.degraded) as f64 / finished as f64 } else { 0.0 };
            egui::Grid::new(("card", &w.name)).num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| {
                row(ui, &tr("summary-goodput"), format!("{} req/s", fmt_est(&w.throughput_per_s, 1)));
                row(ui, &tr("summary-success"), format!("{:.2} %", success * 100.0));
                row(ui, &tr("summary-errors"), fmt_pct(&w.error_rate));
                row(ui, "p50", fmt_ms(&w.latency_ms.p50));
                row(ui, "p95", fmt_ms(&w.latency_ms.p95));
                row(ui, "p99", fmt_ms(&w.latency_ms.p99));
                row(ui, "p99.9", fmt_ms(&w.latency_ms.p999));
                if let Some(p) = engine::units::latency_population(w) {
                    row(
                        ui,
                        &tr("summary-latency"),
                        tr_args("summary-latency-population", &[("population", tr_message(&p).into())]),
                    );
                }
                row(ui, &tr("summary-outcomes"), outcomes_text(&w.outcomes));
            });
            // Failing verdicts first.
            let order = engine::units::slo_order(&report.slos);
            for s in order.iter().filter_map(|&i| report.slos.get(i)).filter(|s| s.workload == w.name) {
                let (color, word) = verdict_style(s.verdict);
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!(" {word} ")).color(Color32::WHITE).background_color(color).strong());
                    ui.label(slo_text(report, s));
                });
            }
        });
    });
}

fn row(ui: &mut Ui, name: &str, value: String) {
    ui.weak(name);
    ui.label(value);
    ui.end_row();
}
