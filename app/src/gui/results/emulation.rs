//! The Emulation tab of the results dock: while the design runs as real
//! services, the port table (a click copies a URL) and the load generator's
//! live throughput and latency; after it ends, measured beside simulated per
//! workload, node and edge with the simulation's interval, the differences
//! coloured; for a design the emulator refuses, every place and why.

use egui::{Color32, RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};
use emulator::compare::{Row, Scope};
use emulator::{Missing, Refusal};
use engine::sim::Estimate;
use engine::sim::compare::Metric;

use super::{fmt_est, fmt_ms, fmt_pct};
use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::run::emulate::{EmulateState, NoComparison, Phase};
use crate::gui::style;

/// A difference up to this share, percent, reads as agreement: the issue's
/// goal for mean latency.
const CLOSE_PCT: f64 = 10.0;
/// Up to this share, percent, as a warning (the goal for p99);
/// beyond it, as a disagreement.
const FAR_PCT: f64 = 25.0;
/// Colour of a measured figure inside the simulation's interval.
const WITHIN_CI_COLOR: Color32 = Color32::from_rgb(22, 163, 74);

/// The run bar's status while the emulation runs.
pub fn status(ui: &mut Ui, e: &EmulateState) {
    match (&e.phase, e.progress) {
        (Some(Phase::Running), Some(p)) => {
            let fraction = if p.duration_s > 0.0 { (p.elapsed_s / p.duration_s).clamp(0.0, 1.0) } else { 0.0 };
            let text = tr_args(
                "emulate-progress",
                &[
                    ("done", num(p.elapsed_s, 1)),
                    ("total", num(p.duration_s, 1)),
                    ("sent", p.sent.into()),
                    ("answered", p.answered.into()),
                ],
            );
            ui.add(egui::ProgressBar::new(fraction as f32).desired_width(220.0).show_percentage());
            ui.label(text);
        }
        (Some(Phase::Simulating), _) => {
            ui.spinner();
            ui.label(tr("emulate-simulating"));
        }
        _ => {
            ui.spinner();
            ui.label(tr("emulate-starting"));
        }
    }
}

/// Show the tab.
pub fn tab(ui: &mut Ui, app: &mut SwitchboardApp) {
    let mut copied = None;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        let e = &app.emulate;
        match &e.phase {
            None => {
                ui.weak(tr("emulate-none-yet"));
            }
            Some(Phase::Refused(list)) => refused(ui, list),
            Some(Phase::Failed(why)) => {
                ui.colored_label(style::error_text(ui), tr_args("emulate-failed", &[("error", why.as_str().into())]));
            }
            Some(Phase::Starting) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(tr("emulate-starting"));
                });
            }
            Some(Phase::Running) => {
                header(ui, e);
                live(ui, e);
                ui.add_space(6.0);
                copied = ports(ui, e);
            }
            Some(Phase::Simulating | Phase::Done) => {
                header(ui, e);
                result(ui, e);
            }
        }
    });
    if let Some(url) = copied {
        ui.ctx().copy_text(url.clone());
        app.notify(tr_args("emulate-copied", &[("url", url.into())]));
    }
}

/// Every place the emulator refuses, and why.
fn refused(ui: &mut Ui, list: &[Refusal]) {
    ui.colored_label(style::error_text(ui), RichText::new(tr("emulate-refused")).strong());
    for r in list {
        ui.label(format!("• {}: {}", r.path, tr(missing_key(r.missing))));
    }
    ui.weak(tr("emulate-refused-simulate"));
}

fn missing_key(m: Missing) -> &'static str {
    match m {
        Missing::Autoscaling => "emulate-missing-autoscaling",
        Missing::Fault => "emulate-missing-fault",
    }
}

/// What runs: the design, the time scale and the timer's lateness.
fn header(ui: &mut Ui, e: &EmulateState) {
    ui.label(
        RichText::new(tr_args(
            "emulate-header",
            &[
                ("design", e.design_name.as_str().into()),
                ("scale", num(e.time_scale, 2)),
                ("late", num(e.overshoot_ms, 2)),
            ],
        ))
        .strong(),
    );
}

/// The load generator's figures of the last interval and their history.
fn live(ui: &mut Ui, e: &EmulateState) {
    let Some(p) = e.progress else { return };
    let last = e.latest();
    let mean = last.and_then(|l| l.mean_ms).map_or_else(|| "–".to_owned(), |m| format!("{m:.2}"));
    ui.label(tr_args(
        "emulate-live",
        &[
            ("throughput", num(last.map_or(0.0, |l| l.throughput_per_s), 1)),
            ("mean", mean.into()),
            ("sent", p.sent.into()),
            ("answered", p.answered.into()),
            ("inflight", p.in_flight.into()),
            ("failed", p.failed.into()),
        ],
    ));
    let throughput: Vec<[f64; 2]> = e.live.iter().map(|l| [l.elapsed_s, l.throughput_per_s]).collect();
    let latency: Vec<[f64; 2]> = e.live.iter().filter_map(|l| l.mean_ms.map(|m| [l.elapsed_s, m])).collect();
    ui.columns(2, |cols| {
        if let [left, right] = cols {
            plot(left, "emulate-plot-throughput", throughput);
            plot(right, "emulate-plot-latency", latency);
        }
    });
}

fn plot(ui: &mut Ui, key: &str, points: Vec<[f64; 2]>) {
    ui.weak(tr(key));
    Plot::new(key).height(120.0).allow_scroll(false).include_y(0.0).show(ui, |p| {
        p.line(Line::new(tr(key), PlotPoints::from(points)));
    });
}

/// The port table; a click on a URL returns it (to copy).
fn ports(ui: &mut Ui, e: &EmulateState) -> Option<String> {
    let mut clicked = None;
    ui.weak(tr("emulate-ports-hint"));
    egui::Grid::new("emulate-ports").striped(true).num_columns(3).show(ui, |ui| {
        ui.strong(tr("emulate-node"));
        ui.strong(tr("emulate-url"));
        ui.strong(tr("emulate-metrics-url"));
        ui.end_row();
        for p in &e.endpoints {
            ui.label(style::one_line(&p.name));
            for url in [p.url(), p.metrics_url()] {
                if ui.link(&url).on_hover_text(tr("emulate-click-to-copy")).clicked() {
                    clicked = Some(url);
                }
            }
            ui.end_row();
        }
    });
    clicked
}

/// After the load: what was measured, and the comparison.
fn result(ui: &mut Ui, e: &EmulateState) {
    if let Some(m) = &e.measured {
        let key = if e.interrupted { "emulate-measured-stopped" } else { "emulate-measured" };
        let text = tr_args(
            key,
            &[("ran", num(m.settings.duration_s, 1)), ("window", num(m.settings.duration_s - m.settings.warmup_s, 1))],
        );
        if e.interrupted {
            ui.colored_label(style::warning_text(ui), text);
        } else {
            ui.label(text);
        }
    }
    match (&e.phase, &e.no_comparison) {
        (Some(Phase::Simulating), _) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr("emulate-simulating"));
            });
        }
        (_, Some(why)) => {
            let text = match why {
                NoComparison::NoWindow => tr("emulate-no-window"),
                NoComparison::Cancelled => tr("emulate-comparison-cancelled"),
                NoComparison::Failed(m) => tr_args("emulate-comparison-failed", &[("error", m.as_str().into())]),
            };
            ui.colored_label(style::warning_text(ui), text);
        }
        _ => {}
    }
    if let Some(m) = &e.measured
        && e.rows.is_empty()
    {
        measured_only(ui, m);
    }
    if !e.rows.is_empty() {
        comparison(ui, &e.rows);
    }
}

/// The measured workloads, when there is nothing to compare them with.
fn measured_only(ui: &mut Ui, report: &engine::sim::Report) {
    egui::Grid::new("emulate-measured").striped(true).num_columns(5).show(ui, |ui| {
        for key in [
            "emulate-part",
            "emulate-metric-throughput",
            "emulate-metric-mean",
            "emulate-metric-p99",
            "emulate-metric-errors",
        ] {
            ui.strong(tr(key));
        }
        ui.end_row();
        for w in &report.workloads {
            ui.label(format!("{} {}", tr("emulate-scope-workload"), style::one_line(&w.name)));
            ui.label(format!("{} req/s", fmt_est(&w.throughput_per_s, 1)));
            ui.label(fmt_ms(&w.latency_ms.mean));
            ui.label(fmt_ms(&w.latency_ms.p99));
            ui.label(fmt_pct(&w.error_rate));
            ui.end_row();
        }
    });
}

/// Measured beside simulated, the differences coloured.
fn comparison(ui: &mut Ui, rows: &[Row]) {
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.weak(tr("emulate-legend"));
        ui.colored_label(WITHIN_CI_COLOR, tr("emulate-legend-within-ci"));
        ui.label(tr_args("emulate-legend-close", &[("pct", CLOSE_PCT.into())]));
        ui.colored_label(style::warning_text(ui), tr_args("emulate-legend-far", &[("pct", FAR_PCT.into())]));
        ui.colored_label(style::error_text(ui), tr_args("emulate-legend-beyond", &[("pct", FAR_PCT.into())]));
    });
    egui::Grid::new("emulate-comparison").striped(true).num_columns(5).show(ui, |ui| {
        for key in
            ["emulate-part", "emulate-figure", "emulate-measured-col", "emulate-simulated-col", "emulate-difference"]
        {
            ui.strong(tr(key));
        }
        ui.end_row();
        let mut last: Option<(Scope, &str)> = None;
        for r in rows {
            // The part's name once, on its first figure.
            if last == Some((r.scope, r.id.as_str())) {
                ui.label("");
            } else {
                ui.label(RichText::new(format!("{} {}", tr(scope_key(r.scope)), style::one_line(&r.id))).strong());
            }
            last = Some((r.scope, r.id.as_str()));
            ui.label(metric_label(r.scope, r.metric));
            ui.label(value(r.scope, r.metric, r.measured, None));
            ui.label(value(r.scope, r.metric, r.simulated, r.simulated_ci95));
            let diff = r.diff_pct.map_or_else(|| "–".to_owned(), |d| format!("{d:+.1} %"));
            ui.colored_label(diff_color(ui, r), diff);
            ui.end_row();
        }
    });
}

fn scope_key(s: Scope) -> &'static str {
    match s {
        Scope::Workload => "emulate-scope-workload",
        Scope::Node => "emulate-scope-node",
        Scope::Edge => "emulate-scope-edge",
        Scope::Broker => "emulate-scope-broker",
        Scope::Discovery => "emulate-scope-discovery",
        Scope::Replicas => "emulate-scope-replicas",
    }
}

fn metric_label(scope: Scope, m: Metric) -> String {
    // A broker's figures are of messages: consumed per second, the
    // publish-to-consume delay, the dead-lettered share.
    let key = match (scope, m) {
        (Scope::Broker, Metric::Throughput) => "emulate-broker-consumed",
        (Scope::Broker, Metric::Mean) => "emulate-broker-delay-mean",
        (Scope::Broker, Metric::P50) => "emulate-broker-delay-p50",
        (Scope::Broker, Metric::P99) => "emulate-broker-delay-p99",
        (Scope::Broker, Metric::Errors) => "emulate-broker-dead-lettered",
        // A discovered service's: registry lookups, crash to eviction, calls to dead instances.
        (Scope::Discovery, Metric::Throughput) => "emulate-discovery-lookups",
        (Scope::Discovery, Metric::Mean) => "emulate-discovery-eviction",
        (Scope::Discovery, Metric::Errors) => "emulate-discovery-dead",
        // An autoscaled node's replicas serving on average.
        (Scope::Replicas, _) => "emulate-replicas-mean",
        (_, m) => return plain_metric_label(m),
    };
    tr(key)
}

fn plain_metric_label(m: Metric) -> String {
    let key = match m {
        Metric::Throughput => "emulate-metric-throughput",
        Metric::Mean => "emulate-metric-mean",
        Metric::P50 => "emulate-metric-p50",
        Metric::P99 => "emulate-metric-p99",
        Metric::Errors => "emulate-metric-errors",
        // Not in the comparison's figures; the gate's name says what it is.
        Metric::P95 | Metric::P999 => return m.as_str().to_owned(),
    };
    tr(key)
}

/// A figure with its unit (and interval when it has one).
fn value(scope: Scope, metric: Metric, v: f64, ci95: Option<f64>) -> String {
    let e = Estimate { mean: v, ci95: ci95.unwrap_or(0.0), wide: false };
    match metric {
        _ if scope == Scope::Replicas => format!("{v:.2}"),
        Metric::Throughput if scope == Scope::Broker => format!("{} msg/s", fmt_est(&e, 1)),
        Metric::Throughput if scope == Scope::Discovery => format!("{} /s", fmt_est(&e, 2)),
        Metric::Throughput => format!("{} req/s", fmt_est(&e, 1)),
        Metric::Errors => fmt_pct(&e),
        _ => fmt_ms(&e),
    }
}

/// Green inside the simulation's interval; else by the size of the difference.
fn diff_color(ui: &Ui, r: &Row) -> Color32 {
    if r.within_ci() == Some(true) {
        return WITHIN_CI_COLOR;
    }
    match r.diff_pct.map(f64::abs) {
        // Simulated 0: agreement only when measured is 0 too.
        None if r.measured == 0.0 => ui.visuals().text_color(),
        Some(d) if d <= CLOSE_PCT => ui.visuals().text_color(),
        Some(d) if d <= FAR_PCT => style::warning_text(ui),
        None | Some(_) => style::error_text(ui),
    }
}
