//! The load card of the summary: goodput against throughput. Goodput is
//! what users get (requests answered); throughput is the work the nodes do
//! (visits, retries and abandoned work included). When a retry storm starts,
//! throughput rises while goodput collapses, and this card says so.

use egui::{RichText, Ui};
use engine::sim::Report;
use engine::sim::report::LoadReport;

use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::style;

/// Goodput in words, as the card shows it.
#[must_use]
pub fn goodput_text(load: &LoadReport) -> String {
    tr_args(
        "load-goodput-text",
        &[("rate", num(load.goodput_per_s, 1)), ("share", num(share(load.goodput_per_s, load.offered_per_s), 0))],
    )
}

/// Throughput in words, as the card shows it.
#[must_use]
pub fn throughput_text(load: &LoadReport) -> String {
    tr_args("load-throughput-text", &[("rate", num(load.throughput_per_s, 0)), ("visits", num(load.amplification, 1))])
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole * 100.0 } else { 0.0 }
}

/// Retries over all policy edges, and logical calls they served.
fn retries(report: &Report) -> (u64, u64) {
    report.edges.iter().filter_map(|e| e.policy.as_ref()).fold((0, 0), |(r, c), p| (r + p.retries, c + p.logical_calls))
}

/// What the load figures say, in one sentence (`None`: nothing notable).
#[must_use]
pub fn verdict(report: &Report) -> Option<(bool, String)> {
    let load = report.load.as_ref()?;
    let answered = share(load.goodput_per_s, load.offered_per_s);
    let (retried, calls) = retries(report);
    let storm = load.wasted_share >= 0.25 && calls > 0 && retried as f64 >= 0.2 * calls as f64;
    if answered >= 99.0 && load.wasted_share < 0.05 {
        return None;
    }
    let mut text = tr_args(
        "load-waste",
        &[
            ("answered", num(answered, 0)),
            ("visits", num(load.amplification, 1)),
            ("wasted", num(load.wasted_share * 100.0, 0)),
        ],
    );
    if retried > 0 {
        text.push_str(&tr_args("load-retries", &[("retried", retried.into()), ("calls", calls.into())]));
    }
    text.push_str(&tr(if storm { "load-storm" } else { "load-end" }));
    Some((storm || answered < 90.0, text))
}

/// Show the load card, `width` wide inside a `margin` (nothing for runs
/// without resilience figures).
pub fn card(ui: &mut Ui, report: &Report, width: f32, margin: f32) {
    let Some(load) = &report.load else { return };
    egui::Frame::group(ui.style()).inner_margin(margin).show(ui, |ui| {
        ui.set_width(width);
        // Stacked, whatever the layout of the row the card sits in.
        ui.vertical(|ui| {
            ui.label(RichText::new(tr("load-goodput-and-throughput")).heading().strong());
            egui::Grid::new("load-card").num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| {
                row(ui, &tr("load-offered"), format!("{:.1} req/s", load.offered_per_s));
                row(ui, &tr("load-goodput"), goodput_text(load));
                if load.ok_per_s + 1e-9 < load.goodput_per_s {
                    row(ui, &tr("load-of-which-in-full"), tr_args("load-in-full", &[("rate", num(load.ok_per_s, 1))]));
                }
                row(ui, &tr("load-throughput"), throughput_text(load));
                row(
                    ui,
                    &tr("load-wasted-work"),
                    tr_args("load-wasted-share", &[("share", num(load.wasted_share * 100.0, 1))]),
                );
            });
            if let Some((bad, text)) = verdict(report) {
                let color = if bad { style::ERROR_COLOR } else { style::WARNING_COLOR };
                ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
            }
        });
    });
}

fn row(ui: &mut Ui, name: &str, value: String) {
    ui.weak(name);
    ui.label(value);
    ui.end_row();
}
