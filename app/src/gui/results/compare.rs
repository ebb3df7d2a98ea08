//! Comparing runs: pin one as the baseline, read the headline figures of
//! the current run against it (before, after, change, with intervals), and
//! run a what-if sweep of the rate or a node's replicas.

use egui::{Color32, RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};
use engine::sim::{Estimate, Report};

use super::fmt_est;
use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::run::{SweepKind, design_for_run};
use crate::gui::style;

/// One line of the diff table.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffRow {
    /// Workload name.
    pub workload: String,
    /// The figure's catalogue key (`compare-metric-…`).
    pub metric: &'static str,
    /// Baseline.
    pub before: Estimate,
    /// Current run.
    pub after: Estimate,
    /// Relative change in percent (absent when the baseline is zero).
    pub change_pct: Option<f64>,
    /// The intervals do not overlap: the change is more than noise.
    pub significant: bool,
    /// Higher is better for this figure.
    pub higher_is_better: bool,
}

/// The headline figures of the workloads both reports share.
#[must_use]
pub fn diff(base: &Report, new: &Report) -> Vec<DiffRow> {
    let mut rows = Vec::new();
    for b in &base.workloads {
        let Some(n) = new.workload(&b.name) else { continue };
        let figures: [(&'static str, Estimate, Estimate, bool); 5] = [
            ("compare-metric-throughput", b.throughput_per_s, n.throughput_per_s, true),
            ("compare-metric-error-rate", b.error_rate, n.error_rate, false),
            ("compare-metric-p50", b.latency_ms.p50, n.latency_ms.p50, false),
            ("compare-metric-p99", b.latency_ms.p99, n.latency_ms.p99, false),
            ("compare-metric-p999", b.latency_ms.p999, n.latency_ms.p999, false),
        ];
        for (metric, before, after, higher_is_better) in figures {
            rows.push(DiffRow {
                workload: b.name.clone(),
                metric,
                before,
                after,
                change_pct: (before.mean != 0.0).then(|| (after.mean - before.mean) / before.mean.abs() * 100.0),
                significant: after.low() > before.high() || after.high() < before.low(),
                higher_is_better,
            });
        }
    }
    rows
}

/// Show the compare tab.
pub fn tab(ui: &mut Ui, app: &mut SwitchboardApp) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        baseline_ui(ui, app);
        ui.separator();
        sweep_ui(ui, app);
    });
}

fn baseline_ui(ui: &mut Ui, app: &mut SwitchboardApp) {
    let Some(current) = app.runs.current().cloned() else {
        ui.weak(tr("compare-no-runs-yet-press-run"));
        return;
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new(tr("compare-baseline")).strong());
        if app.runs.baseline == Some(current.id) {
            ui.label(tr_args("compare-pinned", &[("run", current.label.as_str().into())]));
            if ui.button(tr("compare-unpin")).clicked() {
                app.runs.baseline = None;
            }
        } else {
            if ui.button(tr_args("compare-pin", &[("run", current.label.as_str().into())])).clicked() {
                app.runs.baseline = Some(current.id);
            }
            if let Some(b) = app.runs.baseline.and_then(|id| app.runs.get(id)) {
                ui.weak(tr_args("compare-baseline-is", &[("run", b.label.as_str().into())]));
            }
        }
    });
    let Some(base) = app.runs.baseline_run().cloned() else {
        ui.weak(tr("compare-pin-a-run-change-the"));
        return;
    };
    if current.doc_id == base.doc_id {
        ui.label(tr_args(
            "compare-against",
            &[("run", current.label.as_str().into()), ("base", base.label.as_str().into())],
        ));
    } else {
        // Across designs (a design against its fix): both named, rows by node id.
        ui.label(tr_args(
            "compare-against-designs",
            &[
                ("run", current.label.as_str().into()),
                ("design", current.design.name.as_str().into()),
                ("base", base.label.as_str().into()),
                ("base-design", base.design.name.as_str().into()),
            ],
        ));
    }
    let rows = diff(&base.report, &current.report);
    egui::Grid::new("diff-table").striped(true).spacing([14.0, 3.0]).show(ui, |ui| {
        for h in ["diff-col-workload", "diff-col-figure", "diff-col-before", "diff-col-after", "diff-col-change"] {
            ui.label(RichText::new(tr(h)).strong());
        }
        // The last column (the verdict of the change) has no title.
        ui.label("");
        ui.end_row();
        for r in &rows {
            // Error rates as percentages with their significant digits.
            let show = |e: &Estimate| {
                if r.metric == "compare-metric-error-rate" { engine::units::percent_est(e) } else { fmt_est(e, 2) }
            };
            ui.label(&r.workload);
            ui.label(tr(r.metric));
            ui.label(show(&r.before));
            ui.label(show(&r.after));
            let change = r.change_pct.map_or_else(|| "—".to_owned(), |c| format!("{c:+.1} %"));
            let better = r.change_pct.is_some_and(|c| (c > 0.0) == r.higher_is_better);
            let color = if !r.significant {
                ui.visuals().text_color()
            } else if better {
                Color32::from_rgb(22, 163, 74)
            } else {
                style::ERROR_COLOR
            };
            ui.label(RichText::new(change).color(color));
            ui.weak(if r.significant { tr("compare-beyond-the-intervals") } else { tr("compare-within-noise") });
            ui.end_row();
        }
    });
}

fn sweep_ui(ui: &mut Ui, app: &mut SwitchboardApp) {
    ui.label(RichText::new(tr("compare-what-if-sweep")).strong());
    let running = app.runs.sweep.is_running();
    let nodes: Vec<(String, String)> = app.design().nodes.iter().map(|n| (n.id.clone(), n.name.clone())).collect();
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal(|ui| {
            let sweep = &mut app.runs.sweep;
            let is_rate = sweep.kind == SweepKind::RateScale;
            if ui.radio(is_rate, tr("compare-offered-load-rate")).clicked() {
                sweep.kind = SweepKind::RateScale;
                (sweep.from, sweep.to) = (0.5, 1.5);
            }
            let first = nodes.first().map(|n| n.0.clone()).unwrap_or_default();
            if ui.radio(!is_rate, tr("compare-replicas-of")).clicked() && !first.is_empty() {
                sweep.kind = SweepKind::Replicas(first);
                (sweep.from, sweep.to) = (1.0, 4.0);
            }
            if let SweepKind::Replicas(id) = &mut sweep.kind {
                let shown = nodes.iter().find(|n| &n.0 == id).map_or_else(|| id.clone(), |n| n.1.clone());
                egui::ComboBox::from_id_salt("sweep-node").selected_text(shown).show_ui(ui, |ui| {
                    for (nid, name) in &nodes {
                        ui.selectable_value(id, nid.clone(), name);
                    }
                });
            }
            ui.label(tr("compare-from"));
            ui.add(style::number(&mut sweep.from).speed(0.05).range(0.01..=1000.0));
            ui.label(tr("compare-to"));
            ui.add(style::number(&mut sweep.to).speed(0.05).range(0.01..=1000.0));
            if sweep.kind == SweepKind::RateScale {
                ui.label(tr("compare-points"));
                ui.add(style::number(&mut sweep.points).range(2..=50));
            }
        });
    });
    ui.horizontal(|ui| {
        if running {
            if ui.button(tr("compare-stop-sweep")).clicked() {
                app.runs.sweep.stop();
            }
            if let Some(p) = app.runs.sweep.progress() {
                ui.add(egui::ProgressBar::new(p.fraction() as f32).desired_width(160.0));
                ui.weak(tr("compare-point-in-progress"));
            }
        } else if ui.button(tr("compare-run-sweep")).clicked() {
            match design_for_run(app.design(), app.runs.scenario.as_deref()) {
                Ok(design) => {
                    let ctx = ui.ctx().clone();
                    let scale = app.runs.rate_scale;
                    if let Err(e) = app.runs.sweep.start(design, scale, Some(ctx)) {
                        app.runs.sweep.error = Some(format!("{e:#}"));
                    }
                }
                Err(e) => app.runs.sweep.error = Some(e),
            }
        }
        if let Some(e) = &app.runs.sweep.error {
            ui.colored_label(style::error_text(ui), e);
        }
    });
    let results = &app.runs.sweep.results;
    if results.is_empty() {
        ui.weak(tr("compare-each-point-is-a-full"));
        return;
    }
    let x_label = match &app.runs.sweep.kind {
        SweepKind::RateScale => tr("compare-axis-rate-scale"),
        SweepKind::Replicas(_) => tr("compare-axis-replicas"),
    };
    let p99: Vec<[f64; 2]> = results.iter().map(|p| [p.value, p.p99_ms]).collect();
    let err: Vec<[f64; 2]> = results.iter().map(|p| [p.value, p.error_rate * 100.0]).collect();
    ui.columns(2, |cols| {
        let [l, r] = cols else { return };
        Plot::new("sweep-p99")
            .height(180.0)
            .legend(Legend::default())
            .x_axis_label(x_label.clone())
            .y_axis_label("p99, ms")
            .include_y(0.0)
            .show(l, |p| {
                p.line(Line::new(tr("legend-worst-p99"), PlotPoints::from(p99.clone())));
                p.points(Points::new(tr("legend-points"), PlotPoints::from(p99.clone())).radius(3.0));
            });
        Plot::new("sweep-errors")
            .height(180.0)
            .legend(Legend::default())
            .x_axis_label(x_label.clone())
            .y_axis_label(tr("axis-errors-pct"))
            .include_y(0.0)
            .show(r, |p| {
                p.line(Line::new(tr("legend-error-rate"), PlotPoints::from(err.clone())).color(style::ERROR_COLOR));
                p.points(
                    Points::new(tr("legend-points"), PlotPoints::from(err.clone()))
                        .radius(3.0)
                        .color(style::ERROR_COLOR),
                );
            });
    });
    egui::Grid::new("sweep-table").striped(true).show(ui, |ui| {
        for h in [
            "sweep-col-point",
            "sweep-col-ok",
            "sweep-col-worst-p99",
            "sweep-col-errors",
            "sweep-col-stable",
            "sweep-col-slos",
        ] {
            ui.label(RichText::new(tr(h)).strong());
        }
        ui.end_row();
        for p in results {
            ui.label(&p.label);
            ui.label(format!("{:.1}", p.throughput_per_s));
            ui.label(format!("{:.1}", p.p99_ms));
            ui.label(format!("{:.2} %", p.error_rate * 100.0));
            ui.label(if p.unstable { tr("compare-unstable") } else { tr("compare-yes") });
            ui.label(if p.slo_violated { tr("compare-violated") } else { tr("compare-met") });
            ui.end_row();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significance_needs_disjoint_intervals() {
        let e = |mean, ci95| Estimate { mean, ci95, wide: false };
        let d = |b: Estimate, a: Estimate| a.low() > b.high() || a.high() < b.low();
        assert!(d(e(10.0, 1.0), e(13.0, 1.0)));
        assert!(!d(e(10.0, 2.0), e(13.0, 2.0)));
    }
}
