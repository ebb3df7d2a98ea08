//! A self-contained HTML report of a run, to attach to a design review:
//! the summary, goodput against throughput, SLO verdicts, explanations, what
//! each fault did (its counterfactual share of errors and latency, and when
//! it reached each node), the design picture and plots as inline SVG
//! (breaker states, retries, replicas and lag too), and the node, edge and
//! broker and service-discovery tables. No scripts, fonts or
//! images are fetched from anywhere (a Content-Security-Policy forbids it);
//! an inline script adds hover values and series toggles to the charts.
//!
//! Every figure taken from the report carries `data-key` (its path in the
//! JSON report, array items named by their `name` or `id`) and `data-value`
//! (the exact number), so a test can check the page against the JSON.

pub mod axis;
pub mod cdf;
pub mod chart;
pub mod compare;
mod cost;
mod discovery;
pub mod latency;
pub mod page;
mod resilience;

use std::fmt::Write as _;

pub use self::chart::{Axis, Frame, Line, svg_chart};
use self::discovery::discovery_section;
use self::latency::{Row, svg_percentiles};
pub use self::resilience::{BreakerRow, Segment, svg_breakers};
use self::resilience::{faults_section, load_section, policy_cells, resilience_charts};
use crate::model::Design;
use crate::report_explain::{Level, explain};
use crate::sim::{Estimate, Report, Verdict};
use crate::units;

/// Escape text for HTML.
#[must_use]
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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

/// A series' values as chart values: `None` and non-finite values are gaps,
/// and no more values than the report has windows.
fn points<T: Copy + Into<Option<f64>>>(report: &Report, values: &[T]) -> Vec<Option<f64>> {
    values.iter().take(report.series.start_s.len()).map(|v| (*v).into().filter(|v: &f64| v.is_finite())).collect()
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
pub fn html(report: &Report, design: &Design) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let title = format!("{} — simulation report", report.design);
    s.push_str(&page::head(&title));
    header_section(&mut s, report, design);
    workloads_section(&mut s, report);
    load_section(&mut s, report);

    slos_section(&mut s, report);
    cost::cost_section(&mut s, report, design);
    findings_section(&mut s, report, design);
    faults_section(&mut s, report, design);

    s.push_str("<h2>Design</h2><div class=\"design\">");
    s.push_str(&design_svg(design, report));
    s.push_str("</div>");

    over_time_section(&mut s, report, design);
    nodes_section(&mut s, report);
    edges_section(&mut s, report, design);
    brokers_section(&mut s, report);
    discovery_section(&mut s, report, design);
    s.push_str("<p class=\"meta\">Written by Switchboard. Figures after the warm-up; ± is the half-width of the 95 % confidence interval.</p>");
    s.push_str(&page::tail());
    page::wrap_tables(&s)
}

/// The title line: what was simulated, how, and any warning.
fn header_section(s: &mut String, report: &Report, design: &Design) {
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
        let _ = write!(
            s,
            "<p class=\"alert\"><b>Unstable run:</b> {}</p>",
            escape(&crate::message::join(&report.unstable_reasons, "; "))
        );
    }
    for w in &report.warnings {
        let _ = write!(s, "<p class=\"warn\">▲ {}</p>", escape(w));
    }
}

/// Per workload: arrivals, goodput, errors and latency percentiles, whose
/// latency it is, the percentiles and the whole distribution on log axes.
fn workloads_section(s: &mut String, report: &Report) {
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
    let partial: Vec<String> = report
        .workloads
        .iter()
        .filter_map(|w| units::latency_population(w).map(|p| format!("{}: {p}", w.name)))
        .collect();
    if !partial.is_empty() {
        let _ = write!(
            s,
            "<p class=\"meta\">Latency is that of the requests that succeeded — {}.</p>",
            escape(&partial.join("; "))
        );
    }
    if !report.workloads.is_empty() {
        let rows: Vec<Row> = report.workloads.iter().map(|w| Row::of(w, w.name.clone())).collect();
        let lines: Vec<cdf::Line> = report.workloads.iter().map(|w| cdf::Line::of(w, w.name.clone())).collect();
        s.push_str("<div class=\"plots lat\">");
        s.push_str(&svg_percentiles("Latency percentiles per workload", &rows));
        s.push_str(&cdf::svg_cdf("Latency distribution per workload", &lines));
        s.push_str("</div>");
    }
}

/// The SLO verdicts, failing ones first, each figure with its unit.
fn slos_section(s: &mut String, report: &Report) {
    if !report.slos.is_empty() {
        s.push_str("<h2>Service-level objectives</h2><table><tr><th>Workload</th><th>Objective</th><th>Target</th><th>Measured</th><th>Verdict</th></tr>");
        // Failing verdicts first; the key keeps the verdict's place in the JSON.
        for i in units::slo_order(&report.slos) {
            let Some(v) = report.slos.get(i) else { continue };
            let (class, word) = match v.verdict {
                Verdict::Pass => ("pass", "PASS"),
                Verdict::Fail => ("fail", "FAIL"),
                Verdict::Inconclusive => ("inconclusive", "INCONCLUSIVE"),
            };
            let f = units::slo_figures(v);
            let _ =
                write!(s, "<tr><td>{}</td><td>{}</td>", escape(&v.workload), escape(&units::objective_text(report, v)));
            s.push_str(&cell(&format!("slos/#{i}/target"), v.target, &f.target));
            let _ = write!(
                s,
                "<td data-key=\"slos/#{i}/measured/mean\" data-value=\"{}\">{}",
                v.measured.mean,
                escape(&f.measured)
            );
            if !f.ci.is_empty() {
                let _ = write!(s, " <span class=\"ci\">{}</span>", escape(&f.ci));
            }
            let _ = write!(s, "</td><td><span class=\"badge {class}\">{word}</span></td></tr>");
        }
        s.push_str("</table><p class=\"meta\">Latency counts only the requests that succeeded: a failed request has no latency.</p>");
    }
}

/// What the run says in words, and the critical-path time of the slowest requests per node.
fn findings_section(s: &mut String, report: &Report, design: &Design) {
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
}

/// The charts over simulated time: latency per workload, throughput, failures, the busiest nodes, brokers and resilience.
fn over_time_section(s: &mut String, report: &Report, design: &Design) {
    let st = &report.settings;
    s.push_str("<h2>Over time</h2><div class=\"plots\">");
    // A fault that starts after the run's end did not happen in it.
    let shaded: Vec<(f64, f64, String)> = design
        .faults
        .iter()
        .filter(|f| f.start_s < st.duration_s)
        .map(|f| (f.start_s, f.end_s.min(st.duration_s), f.name.clone()))
        .collect();
    let ser = &report.series;
    let frame = Frame {
        start_s: &ser.start_s,
        window_s: ser.window_s,
        duration_s: st.duration_s,
        warmup_s: st.warmup_s,
        bands: &shaded,
    };
    let chart = |title: &str, y: &Axis, series: &[Line]| svg_chart(title, y, series, &frame);
    // One latency chart per workload, each on its own scale, so a fast
    // workload is not flattened under a slow one.
    let of_ok = Axis::new("ms").no_data("no request of the workload succeeded in the window");
    for w in &ser.workloads {
        let lat = [("p99".to_owned(), points(report, &w.p99_ms)), ("p50".to_owned(), points(report, &w.p50_ms))];
        s.push_str(&chart(&format!("Latency of successful requests: {}", w.name), &of_ok, &lat));
    }
    let thr: Vec<Line> =
        ser.workloads.iter().map(|w| (format!("{} ok/s", w.name), points(report, &w.throughput_per_s))).collect();
    let per_s = 1.0 / ser.window_s.max(1e-9);
    let err: Vec<Line> = ser
        .workloads
        .iter()
        .map(|w| {
            (format!("{} failed/s", w.name), points(report, &w.errors.iter().map(|e| e * per_s).collect::<Vec<_>>()))
        })
        .collect();
    let mut busiest: Vec<&crate::sim::NodeReport> = report.nodes.iter().collect();
    busiest.sort_by(|a, b| b.utilization.mean.total_cmp(&a.utilization.mean));
    let util: Vec<Line> = busiest
        .iter()
        .take(5)
        .filter_map(|n| {
            ser.nodes.iter().find(|x| x.id == n.id).map(|x| (n.name.clone(), points(report, &x.utilization)))
        })
        .collect();
    let queue: Vec<Line> = busiest
        .iter()
        .take(5)
        .filter_map(|n| {
            ser.nodes.iter().find(|x| x.id == n.id).map(|x| (n.name.clone(), points(report, &x.queue_length)))
        })
        .collect();
    s.push_str(&chart("Throughput", &Axis::new("requests/s"), &thr));
    s.push_str(&chart("Failures", &Axis::new("failed requests/s"), &err));
    s.push_str(&chart("Utilization (busiest nodes)", &Axis::new("ρ"), &util));
    s.push_str(&chart("Queue length (busiest nodes)", &Axis::new("requests waiting, time average"), &queue));
    if !ser.brokers.is_empty() {
        let backlog: Vec<Line> = ser
            .brokers
            .iter()
            .map(|b| (report.node(&b.id).map_or_else(|| b.id.clone(), |n| n.name.clone()), points(report, &b.backlog)))
            .collect();
        s.push_str(&chart("Broker backlog", &Axis::new("messages").whole(), &backlog));
    }
    resilience_charts(s, report, design, &frame);
    s.push_str("</div>");
    let gaps: Vec<&str> =
        ser.workloads.iter().filter(|w| w.p99_ms.iter().any(Option::is_none)).map(|w| w.name.as_str()).collect();
    if !gaps.is_empty() {
        let _ = write!(
            s,
            "<p class=\"meta\">Gaps in a latency line ({}): no request succeeded in those windows, so there is no latency to draw — not 0 ms.</p>",
            escape(&gaps.join(", "))
        );
    }
}

/// The per-node table.
fn nodes_section(s: &mut String, report: &Report) {
    s.push_str("<h2>Nodes</h2><table><tr><th>Node</th><th>Kind</th><th>ρ</th><th>Queue mean</th><th>Queue max</th><th>OK/s</th><th>p99, ms</th><th>Errors</th><th>Timeouts</th><th>Rejected</th><th>Wait, ms</th><th>Service, ms</th>");
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
    s.push_str("</table>");
}

/// The per-edge table; with policies, the caller's logical calls beside the tries.
fn edges_section(s: &mut String, report: &Report, design: &Design) {
    s.push_str("<h2>Edges</h2><table><tr><th>Edge</th><th>Kind</th><th>Calls</th><th>OK</th><th>Errors</th><th>Timeouts</th><th>Breaker open</th><th>p99, ms</th>");
    let policies = report.edges.iter().any(|e| e.policy.is_some());
    if policies {
        s.push_str("<th>Logical calls</th><th>Attempts</th><th>Amplification</th><th>Failed calls</th><th>Call timeouts</th><th>Fail-fast</th><th>Bulkhead</th><th>Fallbacks</th><th>Breaker opens</th><th>Time open, s</th>");
    }
    s.push_str("</tr>");
    for e in &report.edges {
        let k = format!("edges/{}", e.id);
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td>",
            escape(&units::edge_label(design, &e.from, &e.to, &e.id)),
            escape(&e.kind)
        );
        s.push_str(&count_cell(&format!("{k}/calls"), e.calls));
        s.push_str(&count_cell(&format!("{k}/outcomes/ok"), e.outcomes.ok));
        s.push_str(&count_cell(&format!("{k}/outcomes/error"), e.outcomes.error));
        s.push_str(&count_cell(&format!("{k}/outcomes/timeout"), e.outcomes.timeout));
        s.push_str(&count_cell(&format!("{k}/outcomes/rejected/breaker_open"), e.outcomes.rejected.breaker_open));
        s.push_str(&num_cell(&format!("{k}/latency_ms/p99"), e.latency_ms.p99));
        if policies {
            policy_cells(s, &k, e.policy.as_ref());
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    if policies {
        s.push_str("<p class=\"meta\">On edges with a policy, calls, outcomes and latency count tries; logical calls are the caller's, after retries and fallback.</p>");
    }
}

/// The per-broker table.
fn brokers_section(s: &mut String, report: &Report) {
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
}
