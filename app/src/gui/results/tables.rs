//! Sortable tables per node, edge and broker. Clicking a header sorts by
//! that column (again: the other way); clicking a node's row selects it on
//! the canvas.

use std::cmp::Ordering;

use egui::{RichText, Sense, Ui};
use engine::Design;
use engine::sim::Report;

use super::ms_digits;
use crate::gui::action::Action;
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
}

impl Default for TableState {
    fn default() -> Self {
        // Busiest first: what users look for.
        Self { nodes: (2, true), edges: (2, true), brokers: (7, true) }
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
fn table(ui: &mut Ui, id: &str, headers: &[&str], mut rows: Vec<Row>, sort: &mut (usize, bool)) -> Option<String> {
    sort_rows(&mut rows, *sort);
    let mut clicked = None;
    egui::ScrollArea::both().auto_shrink([false, false]).id_salt(id).show(ui, |ui| {
        ui.style_mut().interaction.selectable_labels = false;
        egui::Grid::new(id).striped(true).spacing([14.0, 3.0]).show(ui, |ui| {
            for (i, h) in headers.iter().enumerate() {
                let arrow = if sort.0 == i { if sort.1 { " ⏷" } else { " ⏶" } } else { "" };
                if ui
                    .button(RichText::new(format!("{h}{arrow}")).strong())
                    .on_hover_text("Sort by this column")
                    .clicked()
                {
                    *sort = if sort.0 == i { (i, !sort.1) } else { (i, true) };
                }
            }
            ui.end_row();
            for row in &rows {
                for (i, cell) in row.cells.iter().enumerate() {
                    let text = if row.alert && i == 0 {
                        RichText::new(cell).color(style::WARNING_COLOR)
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

fn num(v: f64, digits: usize) -> (String, Key) {
    (format!("{v:.digits$}"), Key::Num(v))
}

fn count(v: u64) -> (String, Key) {
    (v.to_string(), Key::Num(v as f64))
}

fn text(s: &str) -> (String, Key) {
    (s.to_owned(), Key::Text(s.to_owned()))
}

fn row(id: &str, cells: Vec<(String, Key)>, alert: bool) -> Row {
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
                ],
                rho >= 0.8 || n.outcomes.failed() > 0,
            )
        })
        .collect()
}

/// Column titles of the node table.
pub const NODE_HEADERS: [&str; 12] = [
    "Node",
    "Kind",
    "ρ",
    "Queue mean",
    "Queue max",
    "p99 ms",
    "OK/s",
    "Errors",
    "Timeouts",
    "Rejected",
    "Wait ms",
    "Service ms",
];

/// The node table.
pub fn nodes(ui: &mut Ui, state: &mut TableState, report: &Report, actions: &mut Vec<Action>) {
    if let Some(id) = table(ui, "node-table", &NODE_HEADERS, node_rows(report), &mut state.nodes) {
        actions.push(Action::Focus(id));
    }
}

/// The edge table.
pub fn edges(ui: &mut Ui, state: &mut TableState, report: &Report, design: &Design) {
    let rows = report
        .edges
        .iter()
        .map(|e| {
            let name = format!("{} → {}", design.node_name(&e.from), design.node_name(&e.to));
            let o = &e.outcomes;
            row(
                &e.id,
                vec![
                    text(&name),
                    text(&e.kind),
                    count(e.calls),
                    count(o.ok + o.degraded),
                    count(o.error),
                    count(o.timeout),
                    count(o.rejected.total()),
                    count(o.rejected.breaker_open),
                    count(o.rejected.bulkhead),
                    num(e.latency_ms.p50, ms_digits(e.latency_ms.p50)),
                    num(e.latency_ms.p99, ms_digits(e.latency_ms.p99)),
                ],
                o.failed() > 0,
            )
        })
        .collect();
    let headers = [
        "Edge",
        "Kind",
        "Calls",
        "OK",
        "Errors",
        "Timeouts",
        "Rejected",
        "Breaker open",
        "Bulkhead",
        "p50 ms",
        "p99 ms",
    ];
    let _ = table(ui, "edge-table", &headers, rows, &mut state.edges);
}

/// The broker table.
pub fn brokers(ui: &mut Ui, state: &mut TableState, report: &Report) {
    if report.brokers.is_empty() {
        ui.weak("The design has no message brokers.");
        return;
    }
    let rows = report
        .brokers
        .iter()
        .map(|b| {
            let name = report.node(&b.id).map_or(b.id.as_str(), |n| n.name.as_str());
            row(
                &b.id,
                vec![
                    text(name),
                    text(&b.mode),
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
                ],
                b.dead_lettered > 0 || b.dropped > 0,
            )
        })
        .collect();
    let headers = [
        "Broker",
        "Mode",
        "Published",
        "Delivered",
        "Redelivered",
        "DLQ",
        "Dropped",
        "Backlog mean",
        "Backlog max",
        "Lag p50 ms",
        "Lag p99 ms",
        "In flight",
    ];
    let _ = table(ui, "broker-table", &headers, rows, &mut state.brokers);
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
