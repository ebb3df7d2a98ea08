//! Latency percentiles per workload on one logarithmic axis: a row per
//! workload with its p50, p95, p99 and p99.9, so a 2 ms workload and a
//! 2 s one are both read to the same relative precision instead of the fast
//! one being squashed against zero. Each row says whose latency it is (the
//! requests that succeeded) when some did not.

use std::fmt::Write as _;

use super::axis;
use super::escape;
use crate::sim::WorkloadReport;

/// The percentiles drawn, in order, with their legend names.
const NAMES: [&str; 4] = ["p50", "p95", "p99", "p99.9"];
// Drawn about 1:1 at its widest (the style caps the figure near this width).
const W: f64 = 560.0;
/// Characters of the 12 px font (13.5 px on phones) that fit on a row.
const ROW_CHARS: usize = 70;
const LEFT: f64 = 14.0;
const RIGHT: f64 = 18.0;
const ROW_H: f64 = 34.0;
const TOP: f64 = 6.0;
const BOTTOM: f64 = 30.0;

/// One row: a label, a note on whose latency it is, p50/p95/p99/p99.9 in ms.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Workload (and, in a comparison, which report).
    pub label: String,
    /// E.g. "of the 28 % that succeeded"; empty when all did.
    pub note: String,
    /// p50, p95, p99 and p99.9 in ms (`None`: nothing succeeded).
    pub values: [Option<f64>; 4],
}

impl Row {
    /// The row of a workload of a report.
    #[must_use]
    pub fn of(w: &WorkloadReport, label: String) -> Self {
        let ok = w.outcomes.ok + w.outcomes.degraded;
        let finished = ok + w.outcomes.failed();
        let l = &w.latency_ms;
        let values = if ok == 0 { [None; 4] } else { [l.p50.mean, l.p95.mean, l.p99.mean, l.p999.mean].map(Some) };
        let note = if ok == 0 {
            "no request succeeded".to_owned()
        } else if ok < finished {
            let share = ok as f64 / finished as f64 * 100.0;
            // Never "100 %" while some failed.
            let share = if share >= 99.95 {
                "over 99.9".to_owned()
            } else if share >= 99.5 {
                format!("{share:.1}")
            } else {
                format!("{share:.0}")
            };
            format!("successful requests only: {share} % of those finished")
        } else {
            String::new()
        };
        Self { label, note, values }
    }
}

/// The chart: one row per `rows` item on a shared log axis in ms.
#[must_use]
pub fn svg_percentiles(title: &str, rows: &[Row]) -> String {
    let positive = rows.iter().flat_map(|r| r.values.iter().flatten()).copied().filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = positive.fold((f64::MAX, 0.0_f64), |(a, b), v| (a.min(v), b.max(v)));
    let ax = axis::log(lo, hi);
    let (l0, l1) = (ax.lo.log10(), ax.hi.log10());
    let sx = |v: f64| LEFT + ((v.max(ax.lo).log10() - l0) / (l1 - l0)).clamp(0.0, 1.0) * (W - LEFT - RIGHT);
    let h = TOP + ROW_H * rows.len().max(1) as f64 + BOTTOM;
    let bottom = h - BOTTOM;
    let mut s = format!(
        "<figure class=\"chart pct\"><figcaption><b>{}</b> <span class=\"meta\">ms, log scale</span></figcaption><svg viewBox=\"0 0 {W} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        escape(title)
    );
    for (v, text) in &ax.ticks {
        let x = sx(*v);
        let class = if text.is_empty() { "grid minor" } else { "grid" };
        let _ = write!(s, "<line class=\"{class}\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{bottom:.1}\"/>");
        if !text.is_empty() {
            let _ = write!(
                s,
                "<text class=\"tx\" data-tick=\"{v}\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{text}</text>",
                bottom + 14.0
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">latency, ms (log scale)</text>",
        (LEFT + W - RIGHT) / 2.0,
        h - 3.0
    );
    // Row labels first, then the ranges, then one group per percentile so
    // the legend can toggle a percentile across every row.
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        // Label and note cut to the row's width (the whole text in the title).
        let note = if r.note.is_empty() { String::new() } else { format!(" — {}", r.note) };
        let label = cut(&r.label, ROW_CHARS);
        let shown_note = cut(&note, ROW_CHARS.saturating_sub(label.chars().count()));
        let _ = write!(
            s,
            "<text x=\"{LEFT}\" y=\"{:.1}\"><title>{}{}</title><tspan style=\"font-weight:600\">{}</tspan><tspan class=\"nd\">{}</tspan></text>",
            y + 11.0,
            escape(&r.label),
            escape(&note),
            escape(&label),
            escape(&shown_note)
        );
        let drawn: Vec<f64> = r.values.iter().flatten().copied().filter(|v| v.is_finite() && *v > 0.0).collect();
        if let (Some(a), Some(z)) = (drawn.first(), drawn.last()) {
            let _ = write!(
                s,
                "<line class=\"range\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{yc:.1}\" y2=\"{yc:.1}\"/>",
                sx(*a),
                sx(*z),
                yc = y + 23.0
            );
        }
    }
    for (j, name) in NAMES.iter().enumerate() {
        let _ = write!(s, "<g class=\"s k{j}\" data-i=\"{j}\">");
        for (i, r) in rows.iter().enumerate() {
            let Some(v) = r.values.get(j).copied().flatten().filter(|v| v.is_finite() && *v > 0.0) else { continue };
            let (x, y) = (sx(v), TOP + ROW_H * i as f64 + 23.0);
            let _ = write!(
                s,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\"><title>{} {name}: {} ms</title></circle>",
                escape(&r.label),
                fmt_ms(v)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg><div class=\"legend\">");
    for (j, name) in NAMES.iter().enumerate() {
        let _ = write!(s, "<span class=\"key k{j}\" data-i=\"{j}\"><i></i>{name}</span>");
    }
    s.push_str("</div></figure>");
    s
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A latency in ms with three significant digits.
#[must_use]
pub fn fmt_ms(v: f64) -> String {
    let d = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else if v.abs() >= 1.0 {
        2
    } else {
        3
    };
    format!("{v:.d$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_and_slow_workloads_share_a_log_axis() {
        let rows = [
            Row { label: "fast".into(), note: String::new(), values: [Some(1.5), Some(2.0), Some(3.0), Some(4.0)] },
            Row {
                label: "slow".into(),
                note: "successful requests only: 28 % of those finished".into(),
                values: [Some(900.0), Some(1500.0), Some(2000.0), Some(3000.0)],
            },
            Row { label: "dead".into(), note: "no request succeeded".into(), values: [None; 4] },
        ];
        let svg = svg_percentiles("Latency", &rows);
        // 1 ms to 5 s; over three decades only the powers of ten are labelled.
        assert!(svg.contains("data-tick=\"1\"") && svg.contains("data-tick=\"1000\""), "{svg}");
        assert!(!svg.contains("data-tick=\"2\""));
        // The fast workload's p50 and p99.9 are far apart on the page.
        let xs: Vec<f64> = svg
            .split("<circle cx=\"")
            .skip(1)
            .filter_map(|p| p.split_once('"').and_then(|(v, _)| v.parse().ok()))
            .collect();
        assert_eq!(xs.len(), 8, "the dead workload draws nothing");
        assert!(xs[6] - xs[0] > 20.0, "{xs:?}");
        assert!(svg.contains("28 % of those finished") && svg.contains("no request succeeded"));
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
