//! A self-contained HTML report of a run, to attach to a design review:
//! the summary, goodput against throughput, SLO verdicts, explanations, what
//! each fault did (its counterfactual share of errors and latency, and when
//! it reached each node), the design picture and plots as inline SVG
//! (breaker states, retries, replicas and lag too), and the node, edge and
//! broker and service-discovery tables. No scripts, fonts or
//! images are fetched from anywhere.
//!
//! Every figure taken from the report carries `data-key` (its path in the
//! JSON report, array items named by their `name` or `id`) and `data-value`
//! (the exact number), so a test can check the page against the JSON.

mod discovery;
mod resilience;

use std::fmt::Write as _;

use self::discovery::discovery_section;
pub use self::resilience::{BreakerRow, Segment, svg_breakers};
use self::resilience::{faults_section, load_section, policy_cells, resilience_charts};
use crate::model::Design;
use crate::report_explain::{Level, explain};
use crate::sim::{Estimate, Report, Verdict};

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1200px;color:#1f2937;padding:0 16px}
h1{margin-bottom:0}h2{margin-top:28px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.meta{color:#6b7280}table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{padding:3px 9px;border-bottom:1px solid #eef0f3;text-align:right}th{background:#f9fafb}
td:first-child,th:first-child{text-align:left}.ci{color:#6b7280;font-size:12px}
.badge{display:inline-block;padding:1px 7px;border-radius:4px;color:#fff;font-weight:600;font-size:12px}
.pass{background:#16a34a}.fail{background:#dc2626}.inconclusive{background:#d97706}
.bad{color:#b91c1c}.warn{color:#b45309}.info{color:#374151}
.plots{display:grid;grid-template-columns:1fr 1fr;gap:12px}.plot{border:1px solid #e5e7eb;border-radius:6px;padding:6px}
svg text{font:11px system-ui,sans-serif;fill:#374151}.alert{background:#fef2f2;border:1px solid #fecaca;padding:8px;border-radius:6px}.wide{overflow-x:auto}.wide td{white-space:nowrap}";

const COLORS: [&str; 8] = ["#0284c7", "#ea580c", "#16a34a", "#db2777", "#7c3aed", "#ca8a04", "#0d9488", "#dc2626"];

/// Escape text for HTML.
#[must_use]
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn color(i: usize) -> &'static str {
    COLORS.get(i % COLORS.len()).copied().unwrap_or("#6b7280")
}

fn digits(v: f64) -> usize {
    if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    }
}

/// A table cell with a figure and its key.
fn cell(key: &str, v: f64, shown: &str) -> String {
    format!("<td data-key=\"{}\" data-value=\"{v}\">{}</td>", escape(key), escape(shown))
}

fn num_cell(key: &str, v: f64) -> String {
    cell(key, v, &format!("{v:.prec$}", prec = digits(v)))
}

fn count_cell(key: &str, v: u64) -> String {
    format!("<td data-key=\"{}\" data-value=\"{v}\">{v}</td>", escape(key))
}

fn est_cell(key: &str, e: &Estimate, scale: f64) -> String {
    let d = digits(e.mean * scale);
    let mut s = format!("<td data-key=\"{}/mean\" data-value=\"{}\">{:.d$}", escape(key), e.mean, e.mean * scale);
    if e.ci95 > 0.0 {
        let _ = write!(s, " <span class=\"ci\">± {:.d$}</span>", e.ci95 * scale);
    }
    s.push_str("</td>");
    s
}

/// A line chart as inline SVG: series of `(name, points)`, shaded x ranges.
#[must_use]
pub fn svg_chart(
    title: &str,
    y_label: &str,
    series: &[(String, Vec<[f64; 2]>)],
    shaded: &[(f64, f64, String)],
    x_max: f64,
) -> String {
    let (w, h, l, r, t, b) = (540.0, 220.0, 52.0, 12.0, 24.0, 34.0);
    let y_max =
        series.iter().flat_map(|(_, p)| p.iter().map(|q| q[1])).filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
    let y_max = if y_max > 0.0 { nice(y_max * 1.05) } else { 1.0 };
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let sx = |x: f64| l + (x / x_max).clamp(0.0, 1.0) * (w - l - r);
    let sy = |y: f64| h - b - (y / y_max).clamp(0.0, 1.0) * (h - t - b);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    let _ = write!(s, "<text x=\"{l}\" y=\"15\" style=\"font-weight:600\">{}</text>", escape(title));
    for (a, z, label) in shaded {
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{t}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#ef4444\" fill-opacity=\"0.13\"><title>{}</title></rect>",
            sx(*a),
            (sx(*z) - sx(*a)).max(1.0),
            h - t - b,
            escape(label)
        );
    }
    for i in 0..=4 {
        let y = y_max * f64::from(i) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{l}\" x2=\"{:.1}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#e5e7eb\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - r,
            l - 4.0,
            sy(y) + 4.0,
            short(y),
            y0 = sy(y)
        );
    }
    for i in 0..=5 {
        let x = x_max * f64::from(i) / 5.0;
        let _ =
            write!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>", sx(x), h - b + 14.0, short(x));
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">simulated time, s</text><text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">{}</text>",
        (l + w - r) / 2.0,
        h - 4.0,
        (t + h - b) / 2.0,
        (t + h - b) / 2.0,
        escape(y_label)
    );
    for (i, (name, pts)) in series.iter().enumerate() {
        let path: Vec<String> =
            pts.iter().filter(|p| p[1].is_finite()).map(|p| format!("{:.1},{:.1}", sx(p[0]), sy(p[1]))).collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" points=\"{}\"><title>{}</title></polyline>",
            color(i),
            path.join(" "),
            escape(name)
        );
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"3\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            w - r - 150.0,
            t + 4.0 + 13.0 * i as f64,
            color(i),
            w - r - 136.0,
            t + 8.0 + 13.0 * i as f64,
            escape(name)
        );
    }
    s.push_str("</svg>");
    s
}

fn nice(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    let m = v / p;
    let n = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    n * p
}

fn short(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn points(report: &Report, values: &[f64]) -> Vec<[f64; 2]> {
    let half = report.series.window_s / 2.0;
    report.series.start_s.iter().zip(values).map(|(t, v)| [t + half, *v]).collect()
}

/// The design as an SVG picture, nodes coloured by their utilization in the run.
#[must_use]
pub fn design_svg(design: &Design, report: &Report) -> String {
    if design.nodes.is_empty() {
        return String::new();
    }
    crate::diagram::svg::figure_html(design, &crate::diagram::Diagram::build(design), &diagram_options(design, report))
}

/// The run's figures on the diagram: ρ under each node, line widths by calls.
fn diagram_options(design: &Design, report: &Report) -> crate::diagram::svg::Options {
    let mut options = crate::diagram::svg::Options::default();
    for (i, n) in design.nodes.iter().enumerate() {
        let Some(r) = report.node(&n.id) else { continue };
        let note = crate::diagram::svg::Note::utilization(r.utilization.mean, crate::diagram::svg::Theme::Light);
        options.node_notes.insert(i, note);
    }
    let max_calls = report.edges.iter().map(|e| e.calls).max().unwrap_or(0).max(1) as f64;
    for (i, e) in design.edges.iter().enumerate() {
        let calls = report.edge(&e.id).map_or(0, |r| r.calls);
        options.edge_weights.insert(i, calls as f64 / max_calls);
        options.edge_details.insert(i, format!("{calls} calls"));
    }
    options
}

/// The whole report page. `design` is the design as simulated.
#[must_use]
#[allow(clippy::too_many_lines, reason = "one page, section by section")]
pub fn html(report: &Report, design: &Design) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let title = format!("{} — simulation report", report.design);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let st = &report.settings;
    let _ = write!(
        s,
        "<h1>{}</h1><p class=\"meta\">{:.0} s simulated ({:.0} s warm-up excluded) · seed {} · {} replication(s) · rate ×{} · {} events · 95 % confidence intervals by {}</p>",
        escape(&report.design),
        st.duration_s,
        st.warmup_s,
        st.seed,
        st.replications,
        st.rate_scale,
        report.events,
        escape(&st.ci_method.replace('_', " "))
    );
    if !design.description.is_empty() {
        let _ = write!(s, "<p>{}</p>", escape(&design.description));
    }
    if report.unstable {
        let _ =
            write!(s, "<p class=\"alert\"><b>Unstable run:</b> {}</p>", escape(&report.unstable_reasons.join("; ")));
    }
    for w in &report.warnings {
        let _ = write!(s, "<p class=\"warn\">▲ {}</p>", escape(w));
    }

    s.push_str("<h2>Workloads</h2><table><tr><th>Workload</th><th>Arrived</th><th>Goodput, req/s</th><th>Errors, %</th><th>p50, ms</th><th>p95, ms</th><th>p99, ms</th><th>p99.9, ms</th><th>Failed</th></tr>");
    for w in &report.workloads {
        let k = format!("workloads/{}", w.name);
        let _ = write!(s, "<tr><td>{}</td>", escape(&w.name));
        s.push_str(&count_cell(&format!("{k}/arrived"), w.arrived));
        s.push_str(&est_cell(&format!("{k}/throughput_per_s"), &w.throughput_per_s, 1.0));
        s.push_str(&est_cell(&format!("{k}/error_rate"), &w.error_rate, 100.0));
        s.push_str(&est_cell(&format!("{k}/latency_ms/p50"), &w.latency_ms.p50, 1.0));
        s.push_str(&est_cell(&format!("{k}/latency_ms/p95"), &w.latency_ms.p95, 1.0));
        s.push_str(&est_cell(&format!("{k}/latency_ms/p99"), &w.latency_ms.p99, 1.0));
        s.push_str(&est_cell(&format!("{k}/latency_ms/p999"), &w.latency_ms.p999, 1.0));
        let _ = write!(s, "<td>{}</td></tr>", w.outcomes.failed());
    }
    s.push_str("</table>");

    load_section(&mut s, report);

    if !report.slos.is_empty() {
        s.push_str("<h2>Service-level objectives</h2><table><tr><th>Workload</th><th>Objective</th><th>Target</th><th>Measured</th><th>Verdict</th></tr>");
        for (i, v) in report.slos.iter().enumerate() {
            let (class, word) = match v.verdict {
                Verdict::Pass => ("pass", "PASS"),
                Verdict::Fail => ("fail", "FAIL"),
                Verdict::Inconclusive => ("inconclusive", "INCONCLUSIVE"),
            };
            let _ = write!(s, "<tr><td>{}</td><td>{}</td>", escape(&v.workload), escape(&v.objective));
            s.push_str(&num_cell(&format!("slos/#{i}/target"), v.target));
            s.push_str(&est_cell(&format!("slos/#{i}/measured"), &v.measured, 1.0));
            let _ = write!(s, "<td><span class=\"badge {class}\">{word}</span></td></tr>");
        }
        s.push_str("</table>");
    }

    let ex = explain(report, Some(design));
    s.push_str("<h2>What the run says</h2><ul>");
    for f in &ex.findings {
        let class = match f.level {
            Level::Bad => "bad",
            Level::Warn => "warn",
            Level::Info => "info",
        };
        let _ = write!(s, "<li class=\"{class}\">{}</li>", escape(&f.text));
    }
    s.push_str("</ul>");
    if !ex.tail.is_empty() {
        let _ = write!(
            s,
            "<p class=\"meta\">Critical-path time of the {} slowest sampled requests, per node:</p><table><tr><th>Node</th><th>Share</th><th>Queue, ms</th><th>Service, ms</th><th>Network, ms</th></tr>",
            ex.tail_traces
        );
        for t in ex.tail.iter().take(8) {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{:.0} %</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td></tr>",
                escape(&t.name),
                t.share * 100.0,
                t.queue_ms,
                t.service_ms,
                t.network_ms
            );
        }
        s.push_str("</table>");
    }

    faults_section(&mut s, report, design);

    s.push_str("<h2>Design</h2>");
    s.push_str(&design_svg(design, report));

    s.push_str("<h2>Over time</h2><div class=\"plots\">");
    let x_max = st.duration_s;
    let shaded: Vec<(f64, f64, String)> = design.faults.iter().map(|f| (f.start_s, f.end_s, f.name.clone())).collect();
    let ser = &report.series;
    let lat: Vec<(String, Vec<[f64; 2]>)> = ser
        .workloads
        .iter()
        .flat_map(|w| {
            [
                (format!("{} p99", w.name), points(report, &w.p99_ms)),
                (format!("{} p50", w.name), points(report, &w.p50_ms)),
            ]
        })
        .collect();
    let thr: Vec<(String, Vec<[f64; 2]>)> =
        ser.workloads.iter().map(|w| (format!("{} ok/s", w.name), points(report, &w.throughput_per_s))).collect();
    let per_s = 1.0 / ser.window_s.max(1e-9);
    let err: Vec<(String, Vec<[f64; 2]>)> = ser
        .workloads
        .iter()
        .map(|w| {
            (format!("{} failed/s", w.name), points(report, &w.errors.iter().map(|e| e * per_s).collect::<Vec<_>>()))
        })
        .collect();
    let mut busiest: Vec<&crate::sim::NodeReport> = report.nodes.iter().collect();
    busiest.sort_by(|a, b| b.utilization.mean.total_cmp(&a.utilization.mean));
    let util: Vec<(String, Vec<[f64; 2]>)> = busiest
        .iter()
        .take(5)
        .filter_map(|n| {
            ser.nodes.iter().find(|x| x.id == n.id).map(|x| (n.name.clone(), points(report, &x.utilization)))
        })
        .collect();
    let queue: Vec<(String, Vec<[f64; 2]>)> = busiest
        .iter()
        .take(5)
        .filter_map(|n| {
            ser.nodes.iter().find(|x| x.id == n.id).map(|x| (n.name.clone(), points(report, &x.queue_length)))
        })
        .collect();
    for (title, y, series) in [
        ("Latency", "ms", &lat),
        ("Throughput", "requests/s", &thr),
        ("Failures", "failed requests/s", &err),
        ("Utilization (busiest nodes)", "ρ", &util),
        ("Queue length (busiest nodes)", "requests", &queue),
    ] {
        let _ = write!(s, "<div class=\"plot\">{}</div>", svg_chart(title, y, series, &shaded, x_max));
    }
    if !ser.brokers.is_empty() {
        let backlog: Vec<(String, Vec<[f64; 2]>)> = ser
            .brokers
            .iter()
            .map(|b| (report.node(&b.id).map_or_else(|| b.id.clone(), |n| n.name.clone()), points(report, &b.backlog)))
            .collect();
        let _ = write!(
            s,
            "<div class=\"plot\">{}</div>",
            svg_chart("Broker backlog", "messages", &backlog, &shaded, x_max)
        );
    }
    resilience_charts(&mut s, report, design, &shaded, x_max);
    s.push_str("</div>");

    s.push_str("<h2>Nodes</h2><div class=\"wide\"><table><tr><th>Node</th><th>Kind</th><th>ρ</th><th>Queue mean</th><th>Queue max</th><th>OK/s</th><th>p99, ms</th><th>Errors</th><th>Timeouts</th><th>Rejected</th><th>Wait, ms</th><th>Service, ms</th>");
    let resilience = report.nodes.iter().any(|n| n.resilience.is_some());
    if resilience {
        s.push_str(
            "<th>Replicas mean</th><th>Replicas max</th><th>Ejections</th><th>Wasted work, s</th><th>Wasted, %</th>",
        );
    }
    s.push_str("</tr>");
    for n in &report.nodes {
        let k = format!("nodes/{}", n.id);
        let _ = write!(s, "<tr><td>{}</td><td>{}</td>", escape(&n.name), escape(&n.kind));
        s.push_str(&est_cell(&format!("{k}/utilization"), &n.utilization, 1.0));
        s.push_str(&est_cell(&format!("{k}/mean_queue_length"), &n.mean_queue_length, 1.0));
        s.push_str(&count_cell(&format!("{k}/max_queue_length"), n.max_queue_length));
        s.push_str(&est_cell(&format!("{k}/throughput_per_s"), &n.throughput_per_s, 1.0));
        s.push_str(&num_cell(&format!("{k}/latency_ms/p99"), n.latency_ms.p99));
        s.push_str(&count_cell(&format!("{k}/outcomes/error"), n.outcomes.error));
        s.push_str(&count_cell(&format!("{k}/outcomes/timeout"), n.outcomes.timeout));
        let _ = write!(s, "<td>{}</td>", n.outcomes.rejected.total());
        s.push_str(&num_cell(&format!("{k}/wait_ms"), n.wait_ms));
        s.push_str(&num_cell(&format!("{k}/service_ms"), n.service_ms));
        if resilience {
            match &n.resilience {
                Some(r) => {
                    let k = format!("{k}/resilience");
                    s.push_str(&num_cell(&format!("{k}/replicas_mean"), r.replicas_mean));
                    s.push_str(&count_cell(&format!("{k}/replicas_max"), r.replicas_max));
                    s.push_str(&count_cell(&format!("{k}/ejections"), r.ejections));
                    s.push_str(&num_cell(&format!("{k}/wasted_work_s"), r.wasted_work_s));
                    s.push_str(&cell(
                        &format!("{k}/wasted_share"),
                        r.wasted_share,
                        &format!("{:.1}", r.wasted_share * 100.0),
                    ));
                }
                None => s.push_str(&"<td>—</td>".repeat(5)),
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</table></div>");

    s.push_str("<h2>Edges</h2><div class=\"wide\"><table><tr><th>Edge</th><th>Kind</th><th>Calls</th><th>OK</th><th>Errors</th><th>Timeouts</th><th>Breaker open</th><th>p99, ms</th>");
    let policies = report.edges.iter().any(|e| e.policy.is_some());
    if policies {
        s.push_str("<th>Logical calls</th><th>Attempts</th><th>Amplification</th><th>Failed calls</th><th>Call timeouts</th><th>Fail-fast</th><th>Bulkhead</th><th>Fallbacks</th><th>Breaker opens</th><th>Time open, s</th>");
    }
    s.push_str("</tr>");
    for e in &report.edges {
        let k = format!("edges/{}", e.id);
        let _ = write!(
            s,
            "<tr><td>{} → {}</td><td>{}</td>",
            escape(design.node_name(&e.from)),
            escape(design.node_name(&e.to)),
            escape(&e.kind)
        );
        s.push_str(&count_cell(&format!("{k}/calls"), e.calls));
        s.push_str(&count_cell(&format!("{k}/outcomes/ok"), e.outcomes.ok));
        s.push_str(&count_cell(&format!("{k}/outcomes/error"), e.outcomes.error));
        s.push_str(&count_cell(&format!("{k}/outcomes/timeout"), e.outcomes.timeout));
        s.push_str(&count_cell(&format!("{k}/outcomes/rejected/breaker_open"), e.outcomes.rejected.breaker_open));
        s.push_str(&num_cell(&format!("{k}/latency_ms/p99"), e.latency_ms.p99));
        if policies {
            policy_cells(&mut s, &k, e.policy.as_ref());
        }
        s.push_str("</tr>");
    }
    s.push_str("</table></div>");
    if policies {
        s.push_str("<p class=\"meta\">On edges with a policy, calls, outcomes and latency count tries; logical calls are the caller's, after retries and fallback.</p>");
    }

    if !report.brokers.is_empty() {
        s.push_str("<h2>Brokers</h2><table><tr><th>Broker</th><th>Mode</th><th>Published</th><th>Delivered</th><th>Redelivered</th><th>Dead-lettered</th><th>Dropped</th><th>Backlog mean</th><th>Backlog max</th><th>Delay p99, ms</th><th>Lost</th><th>Blocked</th></tr>");
        for b in &report.brokers {
            let k = format!("brokers/{}", b.id);
            let name = report.node(&b.id).map_or(b.id.as_str(), |n| n.name.as_str());
            let _ = write!(s, "<tr><td>{}</td><td>{}</td>", escape(name), escape(&b.mode));
            s.push_str(&count_cell(&format!("{k}/published"), b.published));
            s.push_str(&count_cell(&format!("{k}/delivered"), b.delivered));
            s.push_str(&count_cell(&format!("{k}/redelivered"), b.redelivered));
            s.push_str(&count_cell(&format!("{k}/dead_lettered"), b.dead_lettered));
            s.push_str(&count_cell(&format!("{k}/dropped"), b.dropped));
            s.push_str(&est_cell(&format!("{k}/backlog_mean"), &b.backlog_mean, 1.0));
            s.push_str(&count_cell(&format!("{k}/backlog_max"), b.backlog_max));
            s.push_str(&num_cell(&format!("{k}/delay_ms/p99"), b.delay_ms.p99));
            // Omitted from the JSON when zero: no key to check then.
            for (field, v) in [("lost", b.lost), ("blocked", b.blocked)] {
                if v > 0 {
                    s.push_str(&count_cell(&format!("{k}/{field}"), v));
                } else {
                    s.push_str("<td>0</td>");
                }
            }
            s.push_str("</tr>");
        }
        s.push_str("</table>");
    }
    discovery_section(&mut s, report, design);
    s.push_str("<p class=\"meta\">Written by Switchboard. Figures after the warm-up; ± is the half-width of the 95 % confidence interval.</p></body></html>\n");
    s
}
