//! The resilience parts of the HTML report: goodput against throughput,
//! what each fault did (from the engine's counterfactual attribution), the
//! policy columns of the edge table, and the charts of breaker states,
//! retry amplification, replicas and consumer lag.

use std::fmt::Write as _;

use super::chart::{Axis, Frame, Line, span_text};
use super::{axis, cell, count_cell, escape, num_cell, points, svg_chart};
use crate::model::Design;
use crate::sim::Report;

/// A state over a time range: from, to (s), state.
pub type Segment = (f64, f64, String);
/// A breaker's name and its state segments.
pub type BreakerRow = (String, Vec<Segment>);

/// Circuit breaker states over time as inline SVG: one band per breaker,
/// red while open, amber half-open, pale green closed.
#[must_use]
pub fn svg_breakers(rows: &[BreakerRow], shaded: &[(f64, f64, String)], x_max: f64) -> String {
    // Each row: the breaker's name on its own line, its band under it, so no
    // text is drawn over a band.
    let (w, l, r, t, b, row_h) = (480.0, 12.0, 12.0, 6.0, 32.0, 36.0);
    let h = t + b + row_h * rows.len().max(1) as f64;
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let sx = |x: f64| l + (x / x_max).clamp(0.0, 1.0) * (w - l - r);
    let mut s = format!(
        "<figure class=\"chart\"><figcaption><b>Circuit breakers (first replication)</b> <span class=\"meta\">state over time</span></figcaption><svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"circuit breakers\">"
    );
    // Fault bands first, as a light fill: the names and states are drawn over them.
    for (a, z, label) in shaded {
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{t}\" width=\"{:.1}\" height=\"{:.1}\" class=\"fault\"><title>{}</title></rect>",
            sx(*a),
            (sx(*z) - sx(*a)).max(1.0),
            h - t - b,
            escape(label)
        );
    }
    for (i, (name, segments)) in rows.iter().enumerate() {
        let y = t + row_h * i as f64;
        for (a, z, state) in segments {
            let fill = match state.as_str() {
                "open" => "#ef4444",
                "half_open" => "#f59e0b",
                _ => "#bbf7d0",
            };
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"><title>{} {:.1}–{:.1} s</title></rect>",
                sx(*a),
                y + 16.0,
                (sx(*z) - sx(*a)).max(0.5),
                row_h - 20.0,
                escape(&state.replace('_', "-")),
                a,
                z
            );
        }
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>", l, y + 12.0, escape(name));
    }
    for (x, text) in axis::time_ticks(x_max) {
        let _ = write!(
            s,
            "<text class=\"tx\" data-tick=\"{x}\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{text}</text>",
            sx(x),
            h - b + 14.0
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">simulated time, {}</text></svg>",
        (l + w - r) / 2.0,
        h - 4.0,
        axis::time_unit(x_max).0
    );
    s.push_str("<div class=\"legend\"><span class=\"band\"><i style=\"background:#ef4444;opacity:1\"></i>open</span><span class=\"band\"><i style=\"background:#f59e0b;opacity:1\"></i>half-open</span><span class=\"band\"><i style=\"background:#bbf7d0;opacity:1\"></i>closed</span>");
    for (i, (from, to, name)) in shaded.iter().enumerate() {
        let _ = write!(
            s,
            "<span class=\"band fault\"><i></i>F{} {} {}</span>",
            i + 1,
            escape(name),
            span_text(*from, *to, x_max)
        );
    }
    s.push_str("</div></figure>");
    s
}

/// A breaker's history as `(from, to, state)` segments over `0..end_s`.
fn breaker_segments(changes: &[crate::sim::report::BreakerChange], end_s: f64) -> Vec<Segment> {
    let mut out = Vec::new();
    let (mut from, mut state) = (0.0, "closed".to_owned());
    for c in changes {
        let at = c.t_s.clamp(from, end_s);
        if at > from {
            out.push((from, at, state.clone()));
        }
        from = at;
        state.clone_from(&c.state);
    }
    if end_s > from {
        out.push((from, end_s, state));
    }
    out
}

/// The policy columns of an edge row (dashes for an edge without a policy).
pub(super) fn policy_cells(s: &mut String, k: &str, policy: Option<&crate::sim::report::EdgePolicyReport>) {
    let Some(p) = policy else {
        s.push_str(&"<td>—</td>".repeat(10));
        return;
    };
    let k = format!("{k}/policy");
    s.push_str(&count_cell(&format!("{k}/logical_calls"), p.logical_calls));
    s.push_str(&count_cell(&format!("{k}/attempts"), p.attempts));
    s.push_str(&num_cell(&format!("{k}/retry_amplification"), p.retry_amplification));
    let _ = write!(s, "<td>{}</td>", p.logical_outcomes.failed());
    s.push_str(&count_cell(&format!("{k}/call_timeouts"), p.call_timeouts));
    s.push_str(&count_cell(&format!("{k}/fail_fast"), p.fail_fast));
    s.push_str(&count_cell(&format!("{k}/bulkhead_rejections"), p.bulkhead_rejections));
    s.push_str(&count_cell(&format!("{k}/fallbacks"), p.fallbacks));
    match &p.breaker {
        Some(b) => {
            s.push_str(&count_cell(&format!("{k}/breaker/opened"), b.opened));
            s.push_str(&num_cell(&format!("{k}/breaker/time_open_s"), b.time_open_s));
        }
        None => s.push_str("<td>—</td><td>—</td>"),
    }
}

/// Goodput against throughput (runs with policies or faults).
pub(super) fn load_section(s: &mut String, report: &Report) {
    let Some(l) = &report.load else { return };
    s.push_str("<h2>Goodput and throughput</h2><p class=\"meta\">Goodput: requests answered (ok or degraded). Throughput: visits finished at all nodes, retries and abandoned work included — the work the system does.</p><table><tr><th>Offered, req/s</th><th>Goodput, req/s</th><th>In full (ok), req/s</th><th>Throughput, visits/s</th><th>Visits per request</th><th>Wasted work, %</th></tr><tr>");
    s.push_str(&num_cell("load/offered_per_s", l.offered_per_s));
    s.push_str(&num_cell("load/goodput_per_s", l.goodput_per_s));
    s.push_str(&num_cell("load/ok_per_s", l.ok_per_s));
    s.push_str(&num_cell("load/throughput_per_s", l.throughput_per_s));
    s.push_str(&num_cell("load/amplification", l.amplification));
    s.push_str(&cell("load/wasted_share", l.wasted_share, &format!("{:.1}", l.wasted_share * 100.0)));
    s.push_str("</tr></table>");
    if l.offered_per_s > 0.0 && l.goodput_per_s < 0.9 * l.offered_per_s {
        let _ = write!(
            s,
            "<p class=\"bad\">Only {:.0} % of the offered requests are answered while the nodes do {:.1} visits per request.</p>",
            l.goodput_per_s / l.offered_per_s * 100.0,
            l.amplification
        );
    }
}

/// Each fault's counterfactual share of the errors and latency, and when it
/// reached each node.
pub(super) fn faults_section(s: &mut String, report: &Report, design: &Design) {
    if report.faults.is_empty() {
        return;
    }
    s.push_str("<h2>What each fault did</h2><p class=\"meta\">Measured against a run of the same seed without that fault (common random numbers): the difference is the fault's.</p>");
    for (i, f) in report.faults.iter().enumerate() {
        let k = format!("faults/#{i}");
        let _ = write!(
            s,
            "<h3>{} <span class=\"meta\">{} on {}, <span data-key=\"{k}/start_s\" data-value=\"{}\">{:.1}</span>–<span data-key=\"{k}/end_s\" data-value=\"{}\">{:.1}</span> s</span></h3><p>{}</p>",
            escape(&f.name),
            escape(&f.what),
            escape(design.node(&f.target).map_or(f.target.as_str(), |n| n.name.as_str())),
            f.start_s,
            f.start_s,
            f.end_s,
            f.end_s,
            escape(&f.summary)
        );
        s.push_str("<table><tr><th>Workload</th><th>Errors, %</th><th>Without it, %</th><th>Points due to it</th><th>p99, ms</th><th>Without it, ms</th><th>Mean, ms</th><th>Without it, ms</th></tr>");
        for (j, m) in f.impact.iter().enumerate() {
            let k = format!("{k}/impact/#{j}");
            let _ = write!(s, "<tr><td>{}</td>", escape(&m.workload));
            s.push_str(&cell(&format!("{k}/error_rate"), m.error_rate, &format!("{:.1}", m.error_rate * 100.0)));
            s.push_str(&cell(
                &format!("{k}/error_rate_without"),
                m.error_rate_without,
                &format!("{:.1}", m.error_rate_without * 100.0),
            ));
            s.push_str(&cell(&format!("{k}/error_points"), m.error_points, &format!("{:.1}", m.error_points)));
            s.push_str(&num_cell(&format!("{k}/p99_ms"), m.p99_ms));
            s.push_str(&num_cell(&format!("{k}/p99_without_ms"), m.p99_without_ms));
            s.push_str(&num_cell(&format!("{k}/mean_ms"), m.mean_ms));
            s.push_str(&num_cell(&format!("{k}/mean_without_ms"), m.mean_without_ms));
            s.push_str("</tr>");
        }
        s.push_str("</table>");
        if !f.reached.is_empty() {
            s.push_str("<table><tr><th>Reached</th><th>At, s</th><th>After the start, s</th><th>Effect</th></tr>");
            for (j, r) in f.reached.iter().enumerate() {
                let name = report.node(&r.node).map_or(r.node.as_str(), |n| n.name.as_str());
                let _ = write!(s, "<tr><td>{}</td>", escape(name));
                s.push_str(&cell(&format!("{k}/reached/#{j}/at_s"), r.at_s, &format!("{:.2}", r.at_s)));
                let _ = write!(s, "<td>+{:.2}</td><td>{}</td></tr>", (r.at_s - f.start_s).max(0.0), escape(&r.effect));
            }
            s.push_str("</table>");
        }
    }
}

/// Goodput against throughput, breakers, retries, replicas and lag over time.
pub(super) fn resilience_charts(s: &mut String, report: &Report, design: &Design, frame: &Frame) {
    let ser = &report.series;
    let (shaded, x_max) = (frame.bands, frame.duration_s);
    let mut chart = |title: &str, y: &str, series: &[Line]| {
        let axis = if y == "replicas" { Axis::new(y).whole() } else { Axis::new(y) };
        s.push_str(&svg_chart(title, &axis, series, frame));
    };
    if !ser.work_per_s.is_empty() {
        let goodput: Vec<f64> = (0..ser.start_s.len())
            .map(|i| ser.workloads.iter().filter_map(|w| w.throughput_per_s.get(i)).sum())
            .collect();
        chart("Goodput", "answered requests/s", &[("goodput".to_owned(), points(report, &goodput))]);
        chart(
            "Throughput (work done)",
            "node visits/s",
            &[("visits, retries included".to_owned(), points(report, &ser.work_per_s))],
        );
    }
    if !ser.edges.is_empty() {
        let amp: Vec<Line> =
            ser.edges.iter().map(|e| (edge_name(report, design, &e.id), points(report, &e.tries_per_call))).collect();
        chart("Retry amplification", "tries per call", &amp);
    }
    let replicas: Vec<Line> = ser
        .nodes
        .iter()
        .filter(|n| n.replicas.iter().any(|v| (v - n.replicas.first().copied().unwrap_or(0.0)).abs() > 1e-6))
        .map(|n| (report.node(&n.id).map_or_else(|| n.id.clone(), |x| x.name.clone()), points(report, &n.replicas)))
        .collect();
    if !replicas.is_empty() {
        chart("Replicas serving", "replicas", &replicas);
    }
    let lag: Vec<Line> = ser
        .brokers
        .iter()
        .filter(|b| !b.lag_ms.is_empty())
        .map(|b| (report.node(&b.id).map_or_else(|| b.id.clone(), |x| x.name.clone()), points(report, &b.lag_ms)))
        .collect();
    if !lag.is_empty() {
        chart("Consumer lag", "ms", &lag);
    }
    let breakers: Vec<BreakerRow> = report
        .edges
        .iter()
        .filter_map(|e| {
            let b = e.policy.as_ref()?.breaker.as_ref()?;
            let name = format!("{} · open {:.1} s, {}×", edge_name(report, design, &e.id), b.time_open_s, b.opened);
            Some((name, breaker_segments(&b.changes, x_max)))
        })
        .collect();
    if !breakers.is_empty() {
        s.push_str(&svg_breakers(&breakers, shaded, x_max));
    }
}

fn edge_name(report: &Report, design: &Design, id: &str) -> String {
    report
        .edge(id)
        .map_or_else(|| id.to_owned(), |e| format!("{} → {}", design.node_name(&e.from), design.node_name(&e.to)))
}
