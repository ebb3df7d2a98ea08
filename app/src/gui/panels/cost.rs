//! Cost figures in the app: a node's monthly price in the inspector and the
//! design's cost in the results summary. Every figure comes from the
//! engine's cost functions ([`engine::cost`]); this file only words them.

use egui::Ui;
use engine::Design;
use engine::cost::{self, money};
use engine::model::Node;
use engine::sim::Report;

use crate::gui::i18n::{tr, tr_args};

/// A money figure with its currency, e.g. `1234.50 USD`.
#[must_use]
pub fn amount(v: f64, currency: &str) -> String {
    format!("{} {currency}", money(v))
}

/// The node's monthly cost as drawn, or "unpriced"; `None` for designs
/// without `cost` settings and nodes that are not deployed.
#[must_use]
pub fn node_text(design: &Design, node: &Node) -> Option<String> {
    let settings = design.cost.as_ref()?;
    if !node.kind.is_deployable() {
        return None;
    }
    let (_, monthly) = cost::node_monthly(settings, node, f64::from(node.capacity.replicas));
    Some(match monthly {
        Some(v) => tr_args("cost-per-month", &[("amount", amount(v, &settings.price_table.currency).into())]),
        None => tr("cost-unpriced"),
    })
}

/// The inspector's cost row for a node.
pub fn inspector_row(ui: &mut Ui, design: &Design, node: &Node) {
    if let Some(text) = node_text(design, node) {
        ui.horizontal(|ui| {
            ui.label(tr("inspector-cost"));
            ui.strong(text);
        });
    }
}

/// The results summary's cost line: per month and per million requests.
pub fn summary_line(ui: &mut Ui, design: &Design, report: &Report) {
    let Some(c) = cost::of_run(design, report) else { return };
    let per_million = c.per_million_requests.map_or_else(|| tr("cost-no-requests"), |v| amount(v, &c.currency));
    ui.label(tr_args(
        "summary-cost",
        &[
            ("month", amount(c.monthly_total, &c.currency).into()),
            ("million", per_million.into()),
            ("table", c.price_table.as_str().into()),
        ],
    ));
    if !c.unpriced.is_empty() {
        ui.weak(tr_args("summary-cost-unpriced", &[("nodes", c.unpriced.join(", ").into())]));
    }
}
