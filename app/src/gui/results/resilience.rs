//! Plots of what the resilience mechanisms did over time: goodput against
//! throughput (a retry storm shows as work rising while answers collapse),
//! circuit breaker states as bands, retry amplification per edge, replicas
//! under autoscaling and outages, and broker consumer lag. Each plot appears
//! only when the run has the series behind it.

use egui::{Color32, Ui};
use egui_plot::{HLine, Line, LineStyle, Plot, PlotPoints, Polygon};
use engine::Design;
use engine::sim::Report;
use engine::sim::report::BreakerChange;

use super::plots::{PALETTE, points, segments, shading};
use crate::gui::i18n::{num, tr, tr_args};

fn color(i: usize) -> Color32 {
    PALETTE.get(i % PALETTE.len()).copied().unwrap_or(Color32::GRAY)
}

/// A time plot linked to the plots tab's others, with room for four-digit
/// rates (node visits run into thousands) and 1-2-5 marks.
fn plot(id: &str, y_label: &str, report: &Report) -> Plot<'static> {
    super::plots::plot(id, y_label, report).y_axis_min_width(36.0).y_grid_spacer(nice_steps)
}

/// Grid marks at 1, 2 or 5 × 10ⁿ, about four over the visible range. The
/// default spacer steps by powers of ten only, so a range of 0–8000 gets a
/// single labelled mark.
#[must_use]
#[allow(clippy::needless_pass_by_value, reason = "egui_plot's grid spacer takes its input by value")]
pub fn nice_steps(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let range = hi - lo;
    if !(range.is_finite() && range > 0.0) {
        return Vec::new();
    }
    let raw = (range / 5.0).max(input.base_step_size);
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|s| *s >= raw).unwrap_or(10.0 * p);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last.min(first + 100)).map(|i| egui_plot::GridMark { value: i as f64 * step, step_size: step }).collect()
}

/// Colour of a breaker state in the band plot.
#[must_use]
pub fn breaker_color(state: &str) -> Color32 {
    match state {
        "open" => Color32::from_rgb(239, 68, 68),
        "half_open" => Color32::from_rgb(245, 158, 11),
        _ => Color32::from_rgb(34, 197, 94),
    }
}

/// A breaker state as a word.
#[must_use]
pub fn breaker_word(state: &str) -> &'static str {
    match state {
        "open" => "open",
        "half_open" => "half-open",
        _ => "closed",
    }
}

/// One state segment of a breaker band: from, to (s), state.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakerSegment {
    /// Start, s.
    pub from_s: f64,
    /// End, s.
    pub to_s: f64,
    /// `open`, `half_open` or `closed`.
    pub state: String,
}

/// A breaker's history as segments covering `0..end_s`: closed until the
/// first change, then each state until the next.
#[must_use]
pub fn breaker_segments(changes: &[BreakerChange], end_s: f64) -> Vec<BreakerSegment> {
    let mut out = Vec::new();
    let mut from_s = 0.0;
    let mut state = "closed".to_owned();
    for c in changes {
        let at = c.t_s.clamp(from_s, end_s);
        if at > from_s {
            out.push(BreakerSegment { from_s, to_s: at, state: state.clone() });
        }
        from_s = at;
        state.clone_from(&c.state);
    }
    if end_s > from_s {
        out.push(BreakerSegment { from_s, to_s: end_s, state });
    }
    out
}

/// Goodput per window: successful requests per second over all workloads.
#[must_use]
pub fn goodput_series(report: &Report) -> Vec<f64> {
    (0..report.series.start_s.len())
        .map(|i| report.series.workloads.iter().filter_map(|w| w.throughput_per_s.get(i)).sum())
        .collect()
}

/// Whether a replica series changes over the run (autoscaling, outages).
fn varies(values: &[f64]) -> bool {
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    hi - lo > 1e-6
}

/// Name of an edge as `from → to`.
fn edge_name(report: &Report, design: &Design, id: &str) -> String {
    report
        .edge(id)
        .map_or_else(|| id.to_owned(), |e| format!("{} → {}", design.node_name(&e.from), design.node_name(&e.to)))
}

/// A resilience plot this run can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Goodput,
    Throughput,
    Breakers,
    Amplification,
    Replicas,
    Lag,
}

/// The resilience plots this report has data for, in display order.
fn kinds(report: &Report) -> Vec<Kind> {
    let s = &report.series;
    let mut out = Vec::new();
    if !s.work_per_s.is_empty() {
        out.push(Kind::Goodput);
        out.push(Kind::Throughput);
    }
    if report.edges.iter().any(|e| e.policy.as_ref().is_some_and(|p| p.breaker.is_some())) {
        out.push(Kind::Breakers);
    }
    if !s.edges.is_empty() {
        out.push(Kind::Amplification);
    }
    if s.nodes.iter().any(|n| varies(&n.replicas)) {
        out.push(Kind::Replicas);
    }
    if s.brokers.iter().any(|b| !b.lag_ms.is_empty()) {
        out.push(Kind::Lag);
    }
    out
}

/// Show the resilience plots, two per row, linked to the other time plots.
pub fn plots(ui: &mut Ui, report: &Report, design: &Design) {
    let kinds = kinds(report);
    for pair in kinds.chunks(2) {
        ui.columns(2, |cols| {
            for (kind, col) in pair.iter().zip(cols.iter_mut()) {
                match kind {
                    Kind::Goodput => goodput(col, report, design),
                    Kind::Throughput => throughput(col, report, design),
                    Kind::Breakers => breakers(col, report, design),
                    Kind::Amplification => amplification(col, report, design),
                    Kind::Replicas => replicas(col, report, design),
                    Kind::Lag => lag(col, report, design),
                }
            }
        });
    }
}

fn goodput(ui: &mut Ui, report: &Report, design: &Design) {
    let per_s = 1.0 / report.series.window_s.max(1e-9);
    let failed: Vec<f64> = (0..report.series.start_s.len())
        .map(|i| report.series.workloads.iter().filter_map(|w| w.errors.get(i)).sum::<f64>() * per_s)
        .collect();
    plot("plot-goodput", &tr("axis-goodput-requests-s"), report).show(ui, |p| {
        shading(p, report, design);
        if let Some(load) = &report.load {
            p.hline(
                HLine::new(tr("legend-offered-mean"), load.offered_per_s)
                    .color(Color32::from_gray(150))
                    .style(LineStyle::dashed_loose()),
            );
        }
        p.line(
            Line::new(tr("legend-goodput"), PlotPoints::from(points(report, &goodput_series(report))))
                .color(GOODPUT_COLOR)
                .width(1.8),
        );
        p.line(
            Line::new(tr("legend-failed"), PlotPoints::from(points(report, &failed)))
                .color(Color32::from_rgb(239, 68, 68))
                .style(LineStyle::dotted_dense()),
        );
    });
}

/// The work the nodes do, next to goodput: in a retry storm it rises while
/// goodput falls. Its own plot, as visits outnumber requests many times over.
fn throughput(ui: &mut Ui, report: &Report, design: &Design) {
    plot("plot-work", &tr("axis-throughput-node-visits-s"), report).show(ui, |p| {
        shading(p, report, design);
        p.line(
            Line::new(tr("legend-throughput-visits"), PlotPoints::from(points(report, &report.series.work_per_s)))
                .color(THROUGHPUT_COLOR)
                .width(1.8),
        );
    });
}

/// Goodput's colour.
const GOODPUT_COLOR: Color32 = Color32::from_rgb(34, 197, 94);
/// Throughput's colour.
const THROUGHPUT_COLOR: Color32 = Color32::from_rgb(167, 139, 250);

fn breakers(ui: &mut Ui, report: &Report, design: &Design) {
    let rows: Vec<(String, Vec<BreakerSegment>)> = report
        .edges
        .iter()
        .filter_map(|e| {
            let b = e.policy.as_ref()?.breaker.as_ref()?;
            let name = tr_args(
                "breaker-line",
                &[
                    ("edge", edge_name(report, design, &e.id).into()),
                    ("open", num(b.time_open_s, 1)),
                    ("share", num(b.open_share * 100.0, 0)),
                    ("count", b.opened.into()),
                ],
            );
            Some((name, breaker_segments(&b.changes, report.settings.duration_s)))
        })
        .collect();
    let text_color = ui.visuals().strong_text_color();
    // One band per breaker, named inside the band: an axis of edge names
    // would take half the plot's width. The y axis stays (blank) so the time
    // axis lines up with the plots beside and above.
    plot("plot-breakers", &tr("axis-breaker-state"), report)
        .include_y(rows.len() as f64)
        .y_axis_formatter(|_, _| String::new())
        .show_grid([true, false])
        .allow_drag([true, false])
        .allow_zoom([true, false])
        .show(ui, |p| {
            shading(p, report, design);
            for (i, (name, segments)) in rows.iter().enumerate() {
                // The first row at the top.
                let top = rows.len() as f64 - i as f64;
                let (y0, y1) = (top - 0.9, top - 0.1);
                for s in segments {
                    let c = breaker_color(&s.state);
                    p.polygon(
                        Polygon::new(
                            breaker_word(&s.state),
                            PlotPoints::from(vec![[s.from_s, y0], [s.to_s, y0], [s.to_s, y1], [s.from_s, y1]]),
                        )
                        .fill_color(c.gamma_multiply(if s.state == "closed" { 0.3 } else { 0.8 }))
                        .stroke(egui::Stroke::NONE)
                        .allow_hover(false),
                    );
                }
                let at = egui_plot::PlotPoint::new(report.settings.duration_s * 0.01, top - 0.5);
                p.text(egui_plot::Text::new("", at, name.clone()).anchor(egui::Align2::LEFT_CENTER).color(text_color));
            }
        });
}

fn amplification(ui: &mut Ui, report: &Report, design: &Design) {
    plot("plot-amplification", &tr("axis-tries-per-call"), report).include_y(1.0).show(ui, |p| {
        shading(p, report, design);
        // The engine's tries per finished call: a gap where no call finished.
        for (i, e) in report.series.edges.iter().enumerate() {
            for part in segments(report, &e.tries_per_call) {
                p.line(Line::new(edge_name(report, design, &e.id), PlotPoints::from(part)).color(color(i)));
            }
        }
    });
}

fn replicas(ui: &mut Ui, report: &Report, design: &Design) {
    plot("plot-replicas", &tr("axis-replicas-serving"), report).show(ui, |p| {
        shading(p, report, design);
        for (i, s) in report.series.nodes.iter().filter(|s| varies(&s.replicas)).enumerate() {
            let name = report.node(&s.id).map_or(s.id.as_str(), |n| n.name.as_str());
            p.line(Line::new(name.to_owned(), PlotPoints::from(points(report, &s.replicas))).color(color(i)));
        }
    });
}

fn lag(ui: &mut Ui, report: &Report, design: &Design) {
    plot("plot-lag", &tr("axis-consumer-lag-ms"), report).show(ui, |p| {
        shading(p, report, design);
        for (i, b) in report.series.brokers.iter().filter(|b| !b.lag_ms.is_empty()).enumerate() {
            let name = report.node(&b.id).map_or(b.id.as_str(), |n| n.name.as_str());
            p.line(Line::new(name.to_owned(), PlotPoints::from(points(report, &b.lag_ms))).color(color(i)));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(t_s: f64, state: &str) -> BreakerChange {
        BreakerChange { t_s, state: state.into() }
    }

    #[test]
    fn segments_cover_the_run_in_order() {
        let s = breaker_segments(&[change(10.0, "open"), change(15.0, "half_open"), change(15.5, "closed")], 60.0);
        let got: Vec<(f64, f64, &str)> = s.iter().map(|x| (x.from_s, x.to_s, x.state.as_str())).collect();
        assert_eq!(
            got,
            [(0.0, 10.0, "closed"), (10.0, 15.0, "open"), (15.0, 15.5, "half_open"), (15.5, 60.0, "closed")]
        );
        assert_eq!(breaker_segments(&[], 5.0).len(), 1);
        // Still open at the end: the last segment runs to the end.
        let s = breaker_segments(&[change(50.0, "open")], 60.0);
        assert_eq!(s.last().map(|x| (x.to_s, x.state.as_str())), Some((60.0, "open")));
    }

    #[test]
    fn grid_steps_are_round_and_few() {
        let marks = nice_steps(egui_plot::GridInput { bounds: (-100.0, 8400.0), base_step_size: 1.0 });
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert_eq!(values, [0.0, 2000.0, 4000.0, 6000.0, 8000.0]);
        let marks = nice_steps(egui_plot::GridInput { bounds: (0.0, 1.2), base_step_size: 0.01 });
        assert_eq!(marks.first().map(|m| m.step_size), Some(0.5));
    }
}
