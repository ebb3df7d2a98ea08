//! Sortable tables per node, edge and broker. Clicking a header sorts by
//! that column (again: the other way); clicking a node's row selects it on
//! the canvas.

use std::cmp::Ordering;

use egui::{RichText, Sense, Ui};
use engine::Design;
use engine::sim::Report;

use super::ms_digits;
use crate::gui::action::Action;
use crate::gui::i18n::tr;
use crate::gui::style;

/// Sort column and direction of each table.
#[derive(Clone, Copy, Debug)]
pub struct TableState {
    /// Nodes: column, descending.
    pub nodes: (usize, bool),
    /// Edges.
    pub edges: (usize, bool),
    /// Brokers.
    pub brokers: (usize, bool),
    /// Discovered services.
    pub discovery: (usize, bool),
}

impl Default for TableState {
    fn default() -> Self {
        // Busiest first: what users look for.
        Self {
            nodes: (2, true),
            edges: (2, true),
            brokers: (7, true),
            discovery: (super::discovery::DEFAULT_SORT, true),
        }
    }
}

/// A sort key: numbers sort numerically, text alphabetically.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// A number.
    Num(f64),
    /// Text.
    Text(String),
}

/// One table row.
#[derive(Clone, Debug)]
pub struct Row {
    /// Node or edge id.
    pub id: String,
    /// Cells as shown.
    pub cells: Vec<String>,
    /// Sort keys per column.
    pub keys: Vec<Key>,
    /// Highlight the row (hot node, failures).
    pub alert: bool,
}

fn cmp_keys(a: Option<&Key>, b: Option<&Key>) -> Ordering {
    match (a, b) {
        (Some(Key::Num(x)), Some(Key::Num(y))) => x.total_cmp(y),
        (Some(Key::Text(x)), Some(Key::Text(y))) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// Sort rows by a column (stable, so equal keys keep the design order).
pub fn sort_rows(rows: &mut [Row], (col, desc): (usize, bool)) {
    rows.sort_by(|a, b| {
        let o = cmp_keys(a.keys.get(col), b.keys.get(col));
        if desc { o.reverse() } else { o }
    });
}

/// Show a sortable table; returns the id of a clicked row.
pub(super) fn table(
    ui: &mut Ui,
    id: &str,
    headers: &[&str],
    mut rows: Vec<Row>,
    sort: &mut (usize, bool),
) -> Option<String> {
    sort_rows(&mut rows, *sort);
    let mut clicked = None;
    egui::ScrollArea::both().auto_shrink([false, false]).id_salt(id).show(ui, |ui| {
        ui.style_mut().interaction.selectable_labels = false;
        egui::Grid::new(id).striped(true).spacing([14.0, 3.0]).show(ui, |ui| {
            for (i, h) in headers.iter().enumerate() {
                let arrow = if sort.0 == i { if sort.1 { " ⏷" } else { " ⏶" } } else { "" };
                if ui
                    .button(RichText::new(format!("{}{arrow}", tr(h))).strong())
                    .on_hover_text(tr("tables-sort-by-this-column"))
                    .clicked()
                {
                    *sort = if sort.0 == i { (i, !sort.1) } else { (i, true) };
                }
            }
            ui.end_row();
            for row in &rows {
                for (i, cell) in row.cells.iter().enumerate() {
                    let text = if row.alert && i == 0 {
                        RichText::new(cell).color(style::warning_text(ui))
                    } else {
                        RichText::new(cell)
                    };
                    if ui.add(egui::Label::new(text).sense(Sense::click())).clicked() {
                        clicked = Some(row.id.clone());
                    }
                }
                ui.end_row();
            }
        });
    });
    clicked
}

pub(super) fn num(v: f64, digits: usize) -> (String, Key) {
    (format!("{v:.digits$}"), Key::Num(v))
}

pub(super) fn count(v: u64) -> (String, Key) {
    (v.to_string(), Key::Num(v as f64))
}

/// A figure that does not apply here (no policy, no breaker): sorts below every number.
pub(super) fn none() -> (String, Key) {
    ("—".to_owned(), Key::Num(f64::NEG_INFINITY))
}

pub(super) fn text(s: &str) -> (String, Key) {
    (crate::gui::style::one_line(s), Key::Text(s.to_owned()))
}

pub(super) fn row(id: &str, cells: Vec<(String, Key)>, alert: bool) -> Row {
    let (cells, keys) = cells.into_iter().unzip();
    Row { id: id.to_owned(), cells, keys, alert }
}

/// Rows of the node table.
#[must_use]
pub fn node_rows(report: &Report) -> Vec<Row> {
    report
        .nodes
        .iter()
        .map(|n| {
            let rho = n.utilization.mean;
            // Clients have no replicas: nothing to say about them.
            let res = n.resilience.as_ref().filter(|r| r.replicas_max > 0);
            row(
                &n.id,
                vec![
                    text(&n.name),
                    text(&n.kind),
                    num(rho, 3),
                    num(n.mean_queue_length.mean, 2),
                    count(n.max_queue_length),
                    num(n.latency_ms.p99, ms_digits(n.latency_ms.p99)),
                    num(n.throughput_per_s.mean, 1),
                    count(n.outcomes.error),
                    count(n.outcomes.timeout),
                    count(n.outcomes.rejected.total()),
                    num(n.wait_ms, 2),
                    num(n.service_ms, 2),
                    res.map_or_else(none, |r| num(r.replicas_mean, 1)),
                    res.map_or_else(none, |r| count(r.replicas_max)),
                    res.map_or_else(none, |r| count(r.ejections)),
                    res.map_or_else(none, |r| num(r.wasted_work_s, 1)),
                    res.map_or_else(none, |r| num(r.wasted_share * 100.0, 1)),
                ],
                rho >= 0.8 || n.outcomes.failed() > 0 || res.is_some_and(|r| r.wasted_share >= 0.1),
            )
        })
        .collect()
}

/// Column titles of the node table (catalogue keys).
pub const NODE_HEADERS: [&str; 17] = [
    "col-node",
    "col-kind",
    "col-rho",
    "col-queue-mean",
    "col-queue-max",
    "col-p99-ms",
    "col-ok-per-s",
    "col-errors",
    "col-timeouts",
    "col-rejected",
    "col-wait-ms",
    "col-service-ms",
    "col-replicas-mean",
    "col-replicas-max",
    "col-ejections",
    "col-wasted-s",
    "col-wasted-pct",
];

/// The node table.
pub fn nodes(ui: &mut Ui, state: &mut TableState, report: &Report, actions: &mut Vec<Action>) {
    if let Some(id) = table(ui, "node-table", &NODE_HEADERS, node_rows(report), &mut state.nodes) {
        actions.push(Action::Focus(id));
    }
}

/// Rows of the edge table. For edges with a policy the calls are the
/// caller's logical calls and the latency includes retries and backoff;
/// attempts are the tries the callee was asked for.
#[must_use]
pub fn edge_rows(report: &Report, design: &Design) -> Vec<Row> {
    report
        .edges
        .iter()
        .map(|e| {
            let name = crate::gui::i18n::tr_message(&engine::units::edge_label(design, &e.from, &e.to, &e.id));
            let o = &e.outcomes;
            let p = e.policy.as_ref();
            let breaker = p.and_then(|p| p.breaker.as_ref());
            let calls = p.map_or(e.calls, |p| p.logical_calls);
            let failed = p.map_or(o.failed(), |p| p.logical_outcomes.failed());
            let amplification = p.map_or(1.0, |p| p.retry_amplification);
            let latency = p.map_or(&e.latency_ms, |p| &p.logical_latency_ms);
            row(
                &e.id,
                vec![
                    text(&name),
                    text(&e.kind),
                    count(calls),
                    count(p.map_or(e.calls, |p| p.attempts)),
                    num(amplification, 2),
                    count(failed),
                    count(o.timeout),
                    p.map_or_else(none, |p| count(p.call_timeouts)),
                    count(p.map_or(o.rejected.breaker_open, |p| p.fail_fast)),
                    count(p.map_or(o.rejected.bulkhead, |p| p.bulkhead_rejections)),
                    p.map_or_else(none, |p| count(p.fallbacks)),
                    breaker.map_or_else(none, |b| count(b.opened)),
                    breaker.map_or_else(none, |b| {
                        (format!("{:.1} s ({:.0} %)", b.time_open_s, b.open_share * 100.0), Key::Num(b.time_open_s))
                    }),
                    num(latency.p50, ms_digits(latency.p50)),
                    num(latency.p99, ms_digits(latency.p99)),
                ],
                failed > 0 || amplification >= 1.5,
            )
        })
        .collect()
}

/// Column titles of the edge table (catalogue keys).
pub const EDGE_HEADERS: [&str; 15] = [
    "col-edge",
    "col-kind",
    "col-calls",
    "col-attempts",
    "col-amplification",
    "col-failed-calls",
    "col-try-timeouts",
    "col-call-timeouts",
    "col-fail-fast",
    "col-bulkhead",
    "col-fallbacks",
    "col-breaker-opens",
    "col-time-open",
    "col-p50-ms",
    "col-p99-ms",
];

/// The edge table.
pub fn edges(ui: &mut Ui, state: &mut TableState, report: &Report, design: &Design) {
    let _ = table(ui, "edge-table", &EDGE_HEADERS, edge_rows(report, design), &mut state.edges);
}

/// The broker table.
pub fn brokers(ui: &mut Ui, state: &mut TableState, report: &Report) {
    if report.brokers.is_empty() {
        ui.weak(tr("tables-the-design-has-no-message"));
        return;
    }
    let rows = report
        .brokers
        .iter()
        .map(|b| {
            let name = report.node(&b.id).map_or(b.id.as_str(), |n| n.name.as_str());
            // Consumer lag in time, worst window (with resilience figures).
            let lag = report
                .series
                .brokers
                .iter()
                .find(|x| x.id == b.id && !x.lag_ms.is_empty())
                .map(|x| x.lag_ms.iter().copied().fold(0.0, f64::max));
            row(
                &b.id,
                vec![
                    text(name),
                    text(&broker_mode(&b.mode)),
                    count(b.published),
                    count(b.delivered),
                    count(b.redelivered),
                    count(b.dead_lettered),
                    count(b.dropped),
                    num(b.backlog_mean.mean, 2),
                    count(b.backlog_max),
                    num(b.delay_ms.p50, ms_digits(b.delay_ms.p50)),
                    num(b.delay_ms.p99, ms_digits(b.delay_ms.p99)),
                    count(b.in_flight),
                    count(b.lost),
                    count(b.blocked),
                    lag.map_or_else(none, |l| num(l, ms_digits(l))),
                ],
                b.dead_lettered > 0 || b.dropped > 0 || b.lost > 0,
            )
        })
        .collect();
    let headers = [
        "col-broker",
        "col-mode",
        "col-published",
        "col-delivered",
        "col-redelivered",
        "col-dlq",
        "col-dropped",
        "col-backlog-mean",
        "col-backlog-max",
        "col-delay-p50-ms",
        "col-delay-p99-ms",
        "col-in-flight",
        "col-lost",
        "col-blocked",
        "col-lag-max-ms",
    ];
    let _ = table(ui, "broker-table", &headers, rows, &mut state.brokers);
}

/// A broker's mode (`queue`, `topic` in the report) in words.
fn broker_mode(mode: &str) -> String {
    match mode {
        "queue" => tr("canvas-detail-queue"),
        "topic" => tr("canvas-detail-topic"),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_is_numeric_and_stable() {
        let mk = |id: &str, v: f64| Row { id: id.into(), cells: vec![], keys: vec![Key::Num(v)], alert: false };
        let mut rows = vec![mk("a", 2.0), mk("b", 10.0), mk("c", 2.0)];
        sort_rows(&mut rows, (0, true));
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "c"]);
        sort_rows(&mut rows, (0, false));
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "c", "b"]);
    }
}
