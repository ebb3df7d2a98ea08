//! The run's figures over the canvas: each node ringed in the colour of its
//! utilization with a badge of ρ and error rate, each edge thickened by its
//! traffic, tooltips with the numbers, and a time scrubber that replays the
//! run window by window with traffic animated along the edges.
//!
//! Node utilization per window comes from the report's time series; edges
//! have no series of their own, so their traffic in a window is their
//! whole-run rate scaled by the workloads' throughput in that window.

use egui::{Color32, Rect, RichText, Stroke, Ui, pos2, vec2};
use engine::Design;
use engine::model::NodeKind;
use engine::sim::Report;

use super::CanvasState;
use super::draw;
use super::geometry::Geometry;
use super::routes;
use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::results::ResultsView;
use crate::gui::style;

/// Seconds of wall time per replayed window.
const PLAY_WINDOW_S: f64 = 0.25;

/// Figures of one node in the window shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeFigures {
    /// Utilization.
    pub rho: f64,
    /// Failed share of visits (whole run).
    pub error_rate: f64,
    /// Mean queue length.
    pub queue: f64,
}

/// The node's figures, in `window` (or over the run).
#[must_use]
pub fn node_figures(report: &Report, id: &str, window: Option<usize>) -> Option<NodeFigures> {
    let n = report.node(id)?;
    let series = report.series.nodes.iter().find(|s| s.id == id);
    let at = |v: &[f64], whole: f64| window.and_then(|w| v.get(w).copied()).unwrap_or(whole);
    let finished = n.outcomes.total().saturating_sub(n.outcomes.in_flight);
    Some(NodeFigures {
        rho: series.map_or(n.utilization.mean, |s| at(&s.utilization, n.utilization.mean)),
        error_rate: if finished > 0 { n.outcomes.failed() as f64 / finished as f64 } else { 0.0 },
        queue: series.map_or(n.mean_queue_length.mean, |s| at(&s.queue_length, n.mean_queue_length.mean)),
    })
}

/// The measured figures on a node's badge: ρ, and the failed share when
/// some visits failed. Clients and signal receivers have no workers of their
/// own (a receiver runs on its host's), so they show only failures.
#[must_use]
pub fn badge_text(kind: NodeKind, fig: NodeFigures) -> Option<String> {
    let errors = (fig.error_rate > 0.0005)
        .then(|| tr_args("overlay-error-badge", &[("percent", num(fig.error_rate * 100.0, 1))]));
    if matches!(kind, NodeKind::Client | NodeKind::Receiver) {
        return errors;
    }
    let rho = draw::rho_text(fig.rho);
    Some(match errors {
        Some(e) => format!("{rho} · {e}"),
        None => rho,
    })
}

/// Total throughput of the workloads in a window relative to the run's mean.
fn window_load(report: &Report, window: Option<usize>) -> f64 {
    let Some(w) = window else { return 1.0 };
    let mean: f64 = report.workloads.iter().map(|w| w.throughput_per_s.mean).sum();
    let now: f64 = report.series.workloads.iter().filter_map(|s| s.throughput_per_s.get(w)).sum();
    if mean > 0.0 { now / mean } else { 1.0 }
}

/// Paint the overlay and the scrubber over the canvas.
pub fn show(
    ui: &mut Ui,
    state: &CanvasState,
    geometry: &Geometry,
    design: &Design,
    report: &Report,
    view: &mut ResultsView,
) {
    let painter = ui.painter_at(state.rect);
    let t = state.transform;
    let zoom = t.scaling;
    let window = view.window;
    let load = window_load(report, window);
    let span_s = (report.settings.duration_s - report.settings.warmup_s).max(1e-9);
    let max_rate = report.edges.iter().map(|e| e.calls as f64).fold(0.0, f64::max).max(1.0) / span_s;
    let time_s = ui.input(|i| i.time);
    for route in &geometry.edges {
        let Some(edge) = design.edges.get(route.index) else { continue };
        let Some(er) = report.edge(&edge.id) else { continue };
        let rate = er.calls as f64 / span_s * load;
        if rate <= 0.0 || route.self_loop {
            continue;
        }
        let line: Vec<egui::Pos2> = route.points.iter().map(|&p| t.mul_pos(p)).collect();
        let width = (1.0 + 7.0 * (rate / max_rate).sqrt() as f32) * zoom.clamp(0.4, 1.2);
        let failed = er.outcomes.failed() as f64 / er.calls.max(1) as f64;
        let color = if failed > 0.01 {
            style::ERROR_COLOR
        } else if ui.visuals().dark_mode {
            Color32::from_rgb(56, 189, 248)
        } else {
            // Sky-700: the dark theme's sky blue fades away on white.
            Color32::from_rgb(3, 105, 161)
        };
        painter.add(egui::Shape::line(line.clone(), Stroke::new(width, color.gamma_multiply(0.35))));
        if view.playing {
            // Dots flow at a speed and density that grow with the rate.
            let dots = (2.0 + 10.0 * (rate / max_rate).sqrt()).round() as usize;
            let speed = 0.15 + 0.6 * (rate / max_rate).sqrt();
            for k in 0..dots {
                let f = ((time_s * speed + k as f64 / dots as f64) % 1.0) as f32;
                painter.circle_filled(routes::point_along(&line, f), (width * 0.5).clamp(1.5, 4.0), color);
            }
        }
    }
    let pointer = ui.input(|i| i.pointer.hover_pos());
    let mut hovered: Option<(String, NodeFigures)> = None;
    for (i, node) in design.nodes.iter().enumerate() {
        let Some(world) = geometry.rects.get(i) else { continue };
        let Some(fig) = node_figures(report, &node.id, window) else { continue };
        let r = t.mul_rect(*world);
        if !r.intersects(state.rect) {
            continue;
        }
        let ring = if fig.error_rate > 0.01 { style::ERROR_COLOR } else { style::rho_color(fig.rho) };
        // Thin rings far out, where a thick one would swallow the node.
        let ring_w = (3.0 * zoom).clamp(1.0, 3.0);
        painter.rect_stroke(
            r.expand(ring_w),
            8.0 * zoom.min(1.0),
            Stroke::new(ring_w, ring),
            egui::StrokeKind::Outside,
        );
        if zoom >= draw::LOD_NAMES
            && let Some(text) = badge_text(node.kind, fig)
        {
            draw::corner_badge(&painter, r, text, ring, zoom);
        }
        if pointer.is_some_and(|p| r.contains(p)) {
            hovered = Some((node.id.clone(), fig));
        }
    }
    if let Some((id, fig)) = hovered {
        tooltip(ui, report, &id, fig, window);
    }
    scrubber(ui, state.rect, report, view);
}

fn tooltip(ui: &Ui, report: &Report, id: &str, fig: NodeFigures, window: Option<usize>) {
    let Some(n) = report.node(id) else { return };
    egui::Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        ui.id().with("results-tip"),
        egui::PopupAnchor::Pointer,
    )
    .show(|ui| {
        ui.label(RichText::new(&n.name).strong());
        let when = window
            .and_then(|w| report.series.start_s.get(w))
            .map_or_else(|| tr("overlay-whole-run"), |s| tr_args("overlay-window-at", &[("start", num(*s, 0))]));
        ui.weak(when);
        ui.label(tr_args("overlay-utilization", &[("rho", num(fig.rho, 3))]));
        ui.label(tr_args("overlay-queue", &[("queue", num(fig.queue, 2)), ("max", n.max_queue_length.into())]));
        ui.label(tr_args(
            "overlay-throughput",
            &[("rate", num(n.throughput_per_s.mean, 1)), ("p99", num(n.latency_ms.p99, 2))],
        ));
        ui.label(tr_args(
            "overlay-times",
            &[("wait", num(n.wait_ms, 2)), ("service", num(n.service_ms, 2)), ("downstream", num(n.downstream_ms, 2))],
        ));
        ui.label(tr_args(
            "overlay-outcomes",
            &[
                ("errors", n.outcomes.error.into()),
                ("timeouts", n.outcomes.timeout.into()),
                ("rejected", n.outcomes.rejected.total().into()),
                ("failed", num(fig.error_rate * 100.0, 2)),
            ],
        ));
    });
}

fn scrubber(ui: &mut Ui, canvas: Rect, report: &Report, view: &mut ResultsView) {
    let windows = report.series.start_s.len();
    if windows == 0 {
        return;
    }
    let rect = Rect::from_min_size(
        pos2(canvas.left() + 12.0, canvas.bottom() - 40.0),
        vec2(canvas.width().min(620.0) - 24.0, 30.0),
    );
    let now = ui.input(|i| i.time);
    if view.playing {
        let step = ((now - view.play_clock_s) / PLAY_WINDOW_S).floor();
        if step >= 1.0 {
            view.play_clock_s = now;
            let next = view.window.map_or(0, |w| w + step as usize);
            if next >= windows {
                view.playing = false;
                view.window = None;
            } else {
                view.window = Some(next);
            }
        }
        ui.ctx().request_repaint();
    }
    let mut child =
        ui.new_child(egui::UiBuilder::new().max_rect(rect).layout(egui::Layout::left_to_right(egui::Align::Center)));
    egui::Frame::popup(child.style()).inner_margin(4.0).show(&mut child, |ui| {
        ui.horizontal(|ui| {
            let label = if view.playing { "⏸" } else { "▶" };
            if ui.button(label).on_hover_text(tr("overlay-replay")).clicked() {
                view.playing = !view.playing;
                view.play_clock_s = now;
                if view.playing && view.window.is_none() {
                    view.window = Some(0);
                }
            }
            let mut w = view.window.unwrap_or(windows - 1);
            let resp = ui.add(egui::Slider::new(&mut w, 0..=windows - 1).show_value(false).text(""));
            if resp.changed() {
                view.window = Some(w);
                view.playing = false;
            }
            let label = match view.window.and_then(|w| report.series.start_s.get(w)) {
                Some(s) => format!("{s:.0}–{:.0} s", s + report.series.window_s),
                None => tr("overlay-whole-run"),
            };
            ui.label(label);
            if view.window.is_some()
                && ui.small_button(tr("overlay-all")).on_hover_text(tr("overlay-show-whole")).clicked()
            {
                view.window = None;
                view.playing = false;
            }
        });
    });
}
