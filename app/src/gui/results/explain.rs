//! The "Why" tab: the engine's explanation of the run in words (bottleneck
//! from the critical path of tail requests, SLOs missed and by how much,
//! what each fault did), each fault's counterfactual share of the errors and
//! latency with when it reached each node ([`super::faults`]), and the tail
//! time per node as bars.

use egui::{Color32, RichText, Sense, Ui, vec2};
use engine::Design;
use engine::report_explain::{Level, explain};
use engine::sim::Report;

use crate::gui::action::Action;
use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::style;

/// Show the explanation tab.
pub fn tab(ui: &mut Ui, report: &Report, design: &Design, actions: &mut Vec<Action>) {
    let ex = explain(report, Some(design));
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        for f in &ex.findings {
            let (glyph, color) = match f.level {
                Level::Bad => ("●", style::ERROR_COLOR),
                Level::Warn => ("▲", style::WARNING_COLOR),
                Level::Info => ("•", ui.visuals().weak_text_color()),
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(glyph).color(color));
                ui.label(crate::gui::i18n::tr_message(&f.text));
                if let Some(node) = &f.node
                    && ui.small_button(tr("explain-show")).on_hover_text(tr("explain-select-the-node-on-the")).clicked()
                {
                    actions.push(Action::Focus(node.clone()));
                }
            });
        }
        super::faults::section(ui, report, design, actions);
        if ex.tail.is_empty() {
            return;
        }
        ui.add_space(8.0);
        ui.label(RichText::new(tr_args("explain-tail", &[("count", ex.tail_traces.into())])).strong());
        let max = ex.tail.first().map_or(1.0, engine::report_explain::TailShare::total_ms).max(1e-9);
        for t in ex.tail.iter().take(10) {
            ui.horizontal(|ui| {
                let name = ui.add_sized([160.0, 18.0], egui::Label::new(&t.name).truncate().sense(Sense::click()));
                if name.clicked() {
                    actions.push(Action::Focus(t.node.clone()));
                }
                let (rect, _) = ui.allocate_exact_size(vec2(360.0, 14.0), Sense::hover());
                let scale = rect.width() / max as f32;
                let mut x = rect.left();
                for (ms, c) in [
                    (t.queue_ms, Color32::from_rgb(245, 158, 11)),
                    (t.service_ms, Color32::from_rgb(56, 189, 248)),
                    (t.network_ms, Color32::from_gray(140)),
                ] {
                    let w = ms as f32 * scale;
                    ui.painter().rect_filled(
                        egui::Rect::from_min_size(egui::pos2(x, rect.top()), vec2(w, rect.height())),
                        0.0,
                        c,
                    );
                    x += w;
                }
                ui.label(tr_args(
                    "explain-share",
                    &[
                        ("share", num(t.share * 100.0, 0)),
                        ("queue", num(t.queue_ms, 1)),
                        ("service", num(t.service_ms, 1)),
                        ("network", num(t.network_ms, 1)),
                    ],
                ));
            });
        }
        ui.weak(tr("explain-amber-queueing-blue-service-grey"));
    });
}
