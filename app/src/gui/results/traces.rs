//! The trace waterfall: the engine's sampled slow (and a few random)
//! requests, each as its span tree with network, queue, service and
//! downstream time per hop. Clicking a span selects its node.

use egui::{Color32, Rect, RichText, Sense, Ui, pos2, vec2};
use engine::Design;
use engine::model::Outcome;
use engine::sim::{Report, SpanKind, Trace};

use crate::gui::action::Action;
use crate::gui::i18n::{num, tr, tr_args};

/// Spans in depth-first order with their depth.
#[must_use]
pub fn tree_order(trace: &Trace) -> Vec<(usize, usize)> {
    let n = trace.spans.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, s) in trace.spans.iter().enumerate() {
        match s.parent.map(|p| p as usize).filter(|&p| p < n && p != i) {
            Some(p) => children.get_mut(p).into_iter().for_each(|c| c.push(i)),
            None => roots.push(i),
        }
    }
    let mut out = Vec::with_capacity(n);
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|r| (r, 0)).collect();
    while let Some((i, d)) = stack.pop() {
        if out.len() > n {
            break;
        }
        out.push((i, d));
        if let Some(c) = children.get(i) {
            let mut c = c.clone();
            c.sort_by(|a, b| {
                let sa = trace.spans.get(*a).map_or(0.0, |s| s.start_ms);
                let sb = trace.spans.get(*b).map_or(0.0, |s| s.start_ms);
                sb.total_cmp(&sa)
            });
            stack.extend(c.into_iter().map(|k| (k, d + 1)));
        }
    }
    out
}

/// Show the traces tab; `selected` indexes the report's traces.
pub fn tab(ui: &mut Ui, selected: &mut usize, report: &Report, design: &Design, actions: &mut Vec<Action>) {
    if report.traces.is_empty() {
        ui.weak(tr("traces-no-traces-were-sampled-in"));
        return;
    }
    let mut order: Vec<usize> = (0..report.traces.len()).collect();
    order.sort_by(|a, b| {
        let la = report.traces.get(*a).map_or(0.0, |t| t.latency_ms);
        let lb = report.traces.get(*b).map_or(0.0, |t| t.latency_ms);
        lb.total_cmp(&la)
    });
    if *selected >= report.traces.len() {
        *selected = order.first().copied().unwrap_or(0);
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(LIST_WIDTH);
            ui.label(RichText::new(tr_args("traces-sampled", &[("count", report.traces.len().into())])).strong());
            egui::ScrollArea::vertical().id_salt("trace-list").auto_shrink([false, false]).show(ui, |ui| {
                for &i in &order {
                    let Some(t) = report.traces.get(i) else { continue };
                    // Most samples are the slow ones: mark only the others.
                    let tag = if t.reason == "random" { tr("traces-random-tag") } else { String::new() };
                    let text = format!("{:>8.1} ms  {} @ {:.1} s{tag}", t.latency_ms, t.workload, t.start_s);
                    let item = egui::Button::selectable(*selected == i, RichText::new(text).monospace())
                        .truncate()
                        .min_size(vec2(LIST_WIDTH - 12.0, 0.0));
                    if ui
                        .add(item)
                        .on_hover_text(tr_args("traces-reason", &[("reason", t.reason.as_str().into())]))
                        .clicked()
                    {
                        *selected = i;
                    }
                }
            });
        });
        ui.separator();
        ui.vertical(|ui| {
            if let Some(t) = report.traces.get(*selected) {
                waterfall(ui, t, design, actions);
            }
        });
    });
}

fn waterfall(ui: &mut Ui, trace: &Trace, design: &Design, actions: &mut Vec<Action>) {
    ui.label(
        RichText::new(tr_args(
            "traces-waterfall",
            &[
                ("workload", trace.workload.as_str().into()),
                ("latency", num(trace.latency_ms, 2)),
                ("start", num(trace.start_s, 2)),
            ],
        ))
        .strong(),
    );
    ui.horizontal(|ui| {
        for (name, c) in SEGMENTS {
            let (r, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
            ui.painter().rect_filled(r, 2.0, c);
            ui.weak(tr(name));
        }
    });
    let total = trace.spans.iter().map(|s| s.end_ms).fold(trace.latency_ms, f64::max).max(1e-9);
    egui::ScrollArea::vertical().id_salt("waterfall").auto_shrink([false, false]).show(ui, |ui| {
        ui.style_mut().interaction.selectable_labels = false;
        let label_w = 220.0;
        let bar_w = (ui.available_width() - label_w - 90.0).max(120.0);
        for (i, depth) in tree_order(trace) {
            let Some(s) = trace.spans.get(i) else { continue };
            let name = design.node_name(&s.node);
            let (row, resp) = ui.allocate_exact_size(vec2(label_w + bar_w + 80.0, 18.0), Sense::click());
            // Names as the user wrote them; only the span kind is a word.
            let label = format!("{}{name} ({})", "  ".repeat(depth), kind_word(s.kind));
            resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, format!("span {name}")));
            if resp.hovered() {
                ui.painter().rect_filled(row, 2.0, ui.visuals().widgets.hovered.weak_bg_fill.gamma_multiply(0.4));
            }
            let text_color = ui.visuals().text_color();
            let color = if s.outcome.is_failure() { Color32::from_rgb(239, 68, 68) } else { text_color };
            // Elided, so a long name never runs into the bars.
            let galley = crate::gui::canvas::draw::one_line(
                ui.painter(),
                &label,
                egui::FontId::proportional(12.0),
                color,
                label_w - 8.0,
            );
            ui.painter().galley(pos2(row.left() + 4.0, row.center().y - galley.size().y / 2.0), galley, color);
            let x = |ms: f64| row.left() + label_w + (ms / total) as f32 * bar_w;
            let mut t = s.start_ms;
            let parts = [s.network_in_ms, s.queue_ms, s.service_ms, s.downstream_ms, s.network_out_ms];
            for ((_, c), ms) in SEGMENTS.iter().zip(parts) {
                let r = Rect::from_min_max(
                    pos2(x(t), row.top() + 3.0),
                    pos2(x(t + ms).max(x(t) + 0.5), row.bottom() - 3.0),
                );
                ui.painter().rect_filled(r, 1.0, *c);
                t += ms;
            }
            ui.painter().text(
                pos2(row.left() + label_w + bar_w + 6.0, row.center().y),
                egui::Align2::LEFT_CENTER,
                format!("{:.2} ms", s.end_ms - s.start_ms),
                egui::FontId::monospace(11.0),
                ui.visuals().weak_text_color(),
            );
            let tip = tr_args(
                "traces-span-tip",
                &[
                    ("name", name.into()),
                    ("net-in", num(s.network_in_ms, 2)),
                    ("queue", num(s.queue_ms, 2)),
                    ("service", num(s.service_ms, 2)),
                    ("downstream", num(s.downstream_ms, 2)),
                    ("net-out", num(s.network_out_ms, 2)),
                    ("outcome", outcome_word(s.outcome).into()),
                ],
            );
            if resp.on_hover_text(tip).clicked() {
                actions.push(Action::Focus(s.node.clone()));
            }
        }
    });
}

/// Width of the list of sampled requests.
const LIST_WIDTH: f32 = 330.0;

/// Waterfall segments, in time order within a span.
/// Waterfall segments (catalogue keys), in time order within a span.
const SEGMENTS: [(&str, Color32); 5] = [
    ("trace-segment-network", Color32::from_rgb(148, 163, 184)),
    ("trace-segment-queue", Color32::from_rgb(245, 158, 11)),
    ("trace-segment-service", Color32::from_rgb(56, 189, 248)),
    ("trace-segment-downstream", Color32::from_rgb(99, 102, 241)),
    ("trace-segment-network-back", Color32::from_rgb(100, 116, 139)),
];

/// A span's kind in words.
fn kind_word(kind: SpanKind) -> String {
    tr(match kind {
        SpanKind::Entry => "trace-kind-entry",
        SpanKind::Call => "trace-kind-call",
        SpanKind::Signal => "trace-kind-signal",
        SpanKind::Publish => "trace-kind-publish",
        SpanKind::Delivery => "trace-kind-delivery",
        SpanKind::Lookup => "trace-kind-lookup",
    })
}

/// A span's outcome in words.
fn outcome_word(outcome: Outcome) -> String {
    tr(match outcome {
        Outcome::Ok => "trace-outcome-ok",
        Outcome::Degraded => "trace-outcome-degraded",
        Outcome::Error => "trace-outcome-error",
        Outcome::Timeout => "trace-outcome-timeout",
        Outcome::Rejected(_) => "trace-outcome-rejected",
        Outcome::InFlight => "trace-outcome-in-flight",
    })
}
