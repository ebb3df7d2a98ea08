//! The report's time series as CSV: one row per window, one column per
//! figure (`workload.<name>.p99_ms`, `node.<id>.utilization`, ...), so a
//! spreadsheet can plot any of them against `window_start_s`. A window
//! without data (no request succeeded, so no latency) has an empty cell.

use std::fmt::Write as _;

use crate::sim::Report;

/// Quote a CSV field when it needs it.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// The time series of a report as CSV (header line, then one line per window).
#[must_use]
pub fn time_series_csv(report: &Report) -> String {
    let s = &report.series;
    let some = |v: &[f64]| v.iter().copied().map(Some).collect::<Vec<_>>();
    let mut columns: Vec<(String, Vec<Option<f64>>)> = Vec::new();
    for w in &s.workloads {
        columns.push((format!("workload.{}.throughput_per_s", w.name), some(&w.throughput_per_s)));
        columns.push((format!("workload.{}.errors", w.name), some(&w.errors)));
        columns.push((format!("workload.{}.p50_ms", w.name), w.p50_ms.clone()));
        columns.push((format!("workload.{}.p99_ms", w.name), w.p99_ms.clone()));
    }
    for n in &s.nodes {
        columns.push((format!("node.{}.utilization", n.id), some(&n.utilization)));
        columns.push((format!("node.{}.queue_length", n.id), some(&n.queue_length)));
    }
    for b in &s.brokers {
        columns.push((format!("broker.{}.backlog", b.id), some(&b.backlog)));
    }
    let mut out = String::from("window_start_s");
    for (name, _) in &columns {
        out.push(',');
        out.push_str(&field(name));
    }
    out.push('\n');
    for (i, t) in s.start_s.iter().enumerate() {
        let _ = write!(out, "{t}");
        for (_, values) in &columns {
            out.push(',');
            if let Some(Some(v)) = values.get(i) {
                let _ = write!(out, "{v}");
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("plain"), "plain");
    }
}
