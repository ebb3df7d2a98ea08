//! Plots over simulated time (egui_plot): latency percentiles, throughput
//! and errors, utilization and queue length of picked nodes, broker
//! backlog, and the resilience plots ([`super::resilience`]). The warm-up and
//! every fault are shaded on the time axis; the
//! pinned baseline is drawn dashed behind the current run.

use egui::{Color32, Ui};
use egui_plot::{Legend, Line, LineStyle, Plot, PlotPoints, Span};
use engine::Design;
use engine::model::FaultKind;
use engine::sim::Report;

use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::run::RunRecord;

/// Nodes plotted when the user picked none: the busiest few.
const DEFAULT_NODES: usize = 4;

/// Series colours, cycled.
pub const PALETTE: [Color32; 8] = [
    Color32::from_rgb(56, 189, 248),
    Color32::from_rgb(251, 146, 60),
    Color32::from_rgb(74, 222, 128),
    Color32::from_rgb(244, 114, 182),
    Color32::from_rgb(167, 139, 250),
    Color32::from_rgb(250, 204, 21),
    Color32::from_rgb(45, 212, 191),
    Color32::from_rgb(248, 113, 113),
];

fn color(i: usize) -> Color32 {
    PALETTE.get(i % PALETTE.len()).copied().unwrap_or(Color32::GRAY)
}

/// Points of a per-window series, at each window's centre.
#[must_use]
pub fn points(report: &Report, values: &[f64]) -> Vec<[f64; 2]> {
    let half = report.series.window_s / 2.0;
    report.series.start_s.iter().zip(values).map(|(t, v)| [t + half, *v]).collect()
}

/// Runs of consecutive windows that have a value, as separate point lists:
/// a window in which no request succeeded has no latency (`None`), and
/// drawing it as 0 ms would read as "fast" exactly when nothing got through.
#[must_use]
pub fn segments(report: &Report, values: &[Option<f64>]) -> Vec<Vec<[f64; 2]>> {
    let half = report.series.window_s / 2.0;
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    for (t, v) in report.series.start_s.iter().zip(values) {
        match v {
            Some(v) => current.push([t + half, *v]),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a series has windows without data (drawn as gaps).
#[must_use]
pub fn has_gaps(values: &[Option<f64>]) -> bool {
    values.iter().any(Option::is_none)
}

/// A short name for a fault kind.
#[must_use]
pub fn fault_kind_label(kind: &FaultKind) -> String {
    tr(match kind {
        FaultKind::Outage { .. } => "fault-kind-outage",
        FaultKind::Latency { .. } => "fault-kind-latency",
        FaultKind::Errors { .. } => "fault-kind-errors",
        FaultKind::Partition { .. } => "fault-kind-partition",
        FaultKind::BrokerOutage { .. } => "fault-kind-broker-outage",
    })
}

/// The nodes the per-node plots show.
#[must_use]
pub fn plotted_nodes(app_picked: &std::collections::BTreeSet<String>, report: &Report) -> Vec<String> {
    if !app_picked.is_empty() {
        return report.nodes.iter().filter(|n| app_picked.contains(&n.id)).map(|n| n.id.clone()).collect();
    }
    let mut by_rho: Vec<(f64, String)> = report.nodes.iter().map(|n| (n.utilization.mean, n.id.clone())).collect();
    by_rho.sort_by(|a, b| b.0.total_cmp(&a.0));
    by_rho.into_iter().take(DEFAULT_NODES).map(|(_, id)| id).collect()
}

/// The warm-up and every fault of the design, shaded on a time plot.
pub(super) fn shading(plot: &mut egui_plot::PlotUi<'_>, report: &Report, design: &Design) {
    if report.settings.warmup_s > 0.0 {
        plot.span(
            Span::new(tr("plot-warm-up"), 0.0..=report.settings.warmup_s)
                .fill(Color32::from_gray(128).gamma_multiply(0.12)),
        );
    }
    for f in &design.faults {
        let label = format!("{} ({})", f.name, fault_kind_label(&f.fault));
        plot.span(
            Span::new(label, f.start_s..=f.end_s)
                .fill(Color32::from_rgb(239, 68, 68).gamma_multiply(0.15))
                .border_color(Color32::from_rgb(239, 68, 68).gamma_multiply(0.6)),
        );
    }
}

/// A time plot linked to the others (same x range and cursor).
pub(super) fn plot(id: &str, y_label: &str, report: &Report) -> Plot<'static> {
    Plot::new(id.to_owned())
        // The whole run on every plot, even where a line has gaps.
        .include_x(0.0)
        .include_x(report.settings.duration_s)
        .height(170.0)
        // Small and see-through: a legend covers the data it explains.
        .legend(Legend::default().text_style(egui::TextStyle::Small).background_alpha(0.55))
        .link_axis("results-time", [true, false])
        .link_cursor("results-time", [true, false])
        .x_axis_label(tr("axis-simulated-time"))
        .y_axis_label(y_label.to_owned())
        .include_y(0.0)
        .allow_scroll(false)
}

/// Show the plots tab.
pub fn tab(ui: &mut Ui, app: &mut SwitchboardApp, run: &RunRecord) {
    let report = &run.report;
    let baseline = app.runs.baseline_run().cloned();
    ui.horizontal(|ui| {
        ui.label(tr("plots-nodes"));
        ui.menu_button(tr("plots-pick"), |ui| {
            egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                for n in &report.nodes {
                    let mut on = app.results.picked_nodes.contains(&n.id);
                    if ui.checkbox(&mut on, format!("{} (ρ {:.2})", n.name, n.utilization.mean)).changed() {
                        if on {
                            app.results.picked_nodes.insert(n.id.clone());
                        } else {
                            app.results.picked_nodes.remove(&n.id);
                        }
                    }
                }
            });
        });
        if app.results.picked_nodes.is_empty() {
            ui.weak(tr_args("plots-showing-busiest", &[("count", DEFAULT_NODES.into())]));
        } else if ui.button(tr("plots-busiest")).clicked() {
            app.results.picked_nodes.clear();
        }
        if let Some(b) = &baseline {
            ui.weak(tr_args("plots-dashed-baseline", &[("run", b.label.as_str().into())]));
        }
        if report.series.workloads.iter().any(|w| has_gaps(&w.p99_ms)) {
            ui.weak(tr("plots-gaps-in-a-latency-line"));
        }
    });
    if report.series.start_s.is_empty() {
        ui.weak(tr("plots-no-time-series-in-this"));
        return;
    }
    let nodes = plotted_nodes(&app.results.picked_nodes, report);
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        // Goodput, breakers, retries, replicas and lag first: with policies
        // or faults they tell the run's story.
        super::resilience::plots(ui, report, &run.design);
        ui.columns(2, |cols| {
            let [left, right] = cols else { return };
            plot("plot-latency", &tr("axis-latency-ms"), report).show(left, |p| {
                shading(p, report, &run.design);
                for (i, w) in report.series.workloads.iter().enumerate() {
                    for part in segments(report, &w.p99_ms) {
                        p.line(Line::new(format!("{} p99", w.name), PlotPoints::from(part)).color(color(i)));
                    }
                    for part in segments(report, &w.p50_ms) {
                        p.line(
                            Line::new(format!("{} p50", w.name), PlotPoints::from(part))
                                .color(color(i).gamma_multiply(0.6)),
                        );
                    }
                    if let Some(b) = baseline
                        .as_ref()
                        .and_then(|b| b.report.series.workloads.iter().find(|x| x.name == w.name).map(|x| (b, x)))
                    {
                        for part in segments(&b.0.report, &b.1.p99_ms) {
                            p.line(
                                Line::new(
                                    tr_args("legend-p99-baseline", &[("workload", w.name.as_str().into())]),
                                    PlotPoints::from(part),
                                )
                                .color(color(i).gamma_multiply(0.5))
                                .style(LineStyle::dashed_loose()),
                            );
                        }
                    }
                }
            });
            plot("plot-throughput", &tr("axis-requests-s"), report).show(right, |p| {
                shading(p, report, &run.design);
                let per_s = 1.0 / report.series.window_s.max(1e-9);
                for (i, w) in report.series.workloads.iter().enumerate() {
                    p.line(
                        Line::new(format!("{} ok/s", w.name), PlotPoints::from(points(report, &w.throughput_per_s)))
                            .color(color(i)),
                    );
                    let errors: Vec<f64> = w.errors.iter().map(|e| e * per_s).collect();
                    p.line(
                        Line::new(
                            tr_args("legend-failed-per-s", &[("workload", w.name.as_str().into())]),
                            PlotPoints::from(points(report, &errors)),
                        )
                        .color(Color32::from_rgb(239, 68, 68))
                        .style(LineStyle::dotted_dense()),
                    );
                    if let Some((b, x)) = baseline
                        .as_ref()
                        .and_then(|b| b.report.series.workloads.iter().find(|x| x.name == w.name).map(|x| (b, x)))
                    {
                        p.line(
                            Line::new(
                                tr_args("legend-ok-baseline", &[("workload", w.name.as_str().into())]),
                                PlotPoints::from(points(&b.report, &x.throughput_per_s)),
                            )
                            .color(color(i).gamma_multiply(0.5))
                            .style(LineStyle::dashed_loose()),
                        );
                    }
                }
            });
            plot("plot-utilization", &tr("axis-utilization"), report).include_y(1.0).show(left, |p| {
                shading(p, report, &run.design);
                for (i, id) in nodes.iter().enumerate() {
                    if let Some(s) = report.series.nodes.iter().find(|s| &s.id == id) {
                        let name = report.node(id).map_or(id.as_str(), |n| n.name.as_str());
                        p.line(
                            Line::new(name.to_owned(), PlotPoints::from(points(report, &s.utilization)))
                                .color(color(i)),
                        );
                    }
                }
            });
            plot("plot-queue", &tr("axis-queue-length"), report).show(right, |p| {
                shading(p, report, &run.design);
                for (i, id) in nodes.iter().enumerate() {
                    if let Some(s) = report.series.nodes.iter().find(|s| &s.id == id) {
                        let name = report.node(id).map_or(id.as_str(), |n| n.name.as_str());
                        p.line(
                            Line::new(name.to_owned(), PlotPoints::from(points(report, &s.queue_length)))
                                .color(color(i)),
                        );
                    }
                }
            });
            if !report.series.brokers.is_empty() {
                plot("plot-backlog", &tr("axis-broker-backlog-messages"), report).show(left, |p| {
                    shading(p, report, &run.design);
                    for (i, b) in report.series.brokers.iter().enumerate() {
                        let name = report.node(&b.id).map_or(b.id.as_str(), |n| n.name.as_str());
                        p.line(
                            Line::new(name.to_owned(), PlotPoints::from(points(report, &b.backlog))).color(color(i)),
                        );
                    }
                });
            }
        });
    });
}
