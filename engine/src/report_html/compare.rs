//! The comparison of two reports as a page in the report's style: the gates
//! that failed first, then per workload every headline figure of both runs
//! with its unit and its change, coloured only where the change is larger
//! than both runs' confidence intervals together, and the latency
//! percentiles of both runs on one logarithmic axis.

use std::fmt::Write as _;

use super::cdf;
use super::latency::{Row, fmt_ms, svg_percentiles};
use super::{escape, page};
use crate::sim::compare::{Delta, Metric};
use crate::sim::{Estimate, Report, WorkloadReport};

/// What a figure is called, and whether higher is better.
fn describe(m: Metric) -> (&'static str, bool) {
    match m {
        Metric::Throughput => ("Goodput", true),
        Metric::Errors => ("Errors", false),
        Metric::Mean => ("Mean latency", false),
        Metric::P50 => ("p50 latency", false),
        Metric::P95 => ("p95 latency", false),
        Metric::P99 => ("p99 latency", false),
        Metric::P999 => ("p99.9 latency", false),
    }
}

fn estimate(m: Metric, w: &WorkloadReport) -> &Estimate {
    match m {
        Metric::Throughput => &w.throughput_per_s,
        Metric::Errors => &w.error_rate,
        Metric::Mean => &w.latency_ms.mean,
        Metric::P50 => &w.latency_ms.p50,
        Metric::P95 => &w.latency_ms.p95,
        Metric::P99 => &w.latency_ms.p99,
        Metric::P999 => &w.latency_ms.p999,
    }
}

/// A figure in its unit, error rates as percent with enough digits.
fn shown(m: Metric, v: f64) -> String {
    match m {
        Metric::Errors => {
            let pct = v * 100.0;
            if pct == 0.0 {
                "0 %".to_owned()
            } else if pct.abs() < 1.0 {
                format!("{pct:.3} %")
            } else {
                format!("{pct:.2} %")
            }
        }
        Metric::Throughput => format!("{v:.1} req/s"),
        _ => format!("{} ms", fmt_ms(v)),
    }
}

fn settings(r: &Report) -> String {
    let st = &r.settings;
    format!(
        "{} · {:.0} s ({:.0} s warm-up) · seed {} · {} replication(s) · rate ×{}",
        escape(&r.design),
        st.duration_s,
        st.warmup_s,
        st.seed,
        st.replications,
        st.rate_scale
    )
}

/// The comparison page of `base` and `new` (named by `base_label` and
/// `new_label`, e.g. their file names), with the deltas and gate failures
/// that `compare` and `check` found.
#[must_use]
pub fn compare_html(
    base_label: &str,
    new_label: &str,
    base: &Report,
    new: &Report,
    deltas: &[Delta],
    failures: &[String],
) -> String {
    let mut s = page::head(&format!("{new_label} against {base_label} — comparison"));
    let _ = write!(
        s,
        "<h1>Comparison</h1><table><tr><th>Run</th><th>File</th><th>Design and settings</th></tr><tr><td>base</td><td>{}</td><td>{}</td></tr><tr><td>new</td><td>{}</td><td>{}</td></tr></table>",
        escape(base_label),
        settings(base),
        escape(new_label),
        settings(new)
    );
    if base.design != new.design {
        s.push_str("<p class=\"warn\">▲ The two reports are of different designs: workloads are matched by name.</p>");
    }
    if failures.is_empty() {
        s.push_str("<p class=\"meta\">No gate failed.</p>");
    } else {
        s.push_str("<div class=\"alert\"><b>Gates failed:</b><ul>");
        for f in failures {
            let _ = write!(s, "<li>{}</li>", escape(f));
        }
        s.push_str("</ul></div>");
    }
    s.push_str("<h2>Headline figures</h2><table><tr><th>Workload</th><th>Figure</th><th>Base</th><th>New</th><th>Change</th><th>Beyond the noise?</th></tr>");
    for (i, d) in deltas.iter().enumerate() {
        let (label, higher_is_better) = describe(d.metric);
        let ci = |r: &Report| r.workload(&d.workload).map_or(0.0, |w| estimate(d.metric, w).ci95);
        let noise = ci(base) + ci(new);
        let diff = d.new - d.base;
        // A change counts only when it is larger than both intervals together:
        // the intervals cannot overlap then.
        let beyond = diff.abs() > noise && diff != 0.0;
        let class = match (beyond, (diff > 0.0) == higher_is_better) {
            (false, _) => "",
            (true, true) => " class=\"good\"",
            (true, false) => " class=\"bad\"",
        };
        let change = match (d.metric, d.change_pct) {
            (Metric::Errors, _) => format!("{:+.2} pp", diff * 100.0),
            (_, Some(p)) => format!("{p:+.1} %"),
            (_, None) => "–".to_owned(),
        };
        let verdict = match (beyond, (diff > 0.0) == higher_is_better) {
            (false, _) => "no: within the intervals",
            (true, true) => "yes: better",
            (true, false) => "yes: worse",
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{label}</td><td data-key=\"deltas/#{i}/base\" data-value=\"{}\">{}</td><td data-key=\"deltas/#{i}/new\" data-value=\"{}\">{}</td><td{class}>{change}</td><td{class}>{verdict}</td></tr>",
            escape(&d.workload),
            d.base,
            shown(d.metric, d.base),
            d.new,
            shown(d.metric, d.new)
        );
    }
    s.push_str("</table><p class=\"meta\">Latency is that of the successful requests. Beyond the noise: the change is larger than the two 95 % confidence half-widths together.</p>");
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for b in &base.workloads {
        let Some(n) = new.workload(&b.name) else { continue };
        rows.push(Row::of(b, format!("{} · base", b.name)));
        rows.push(Row::of(n, format!("{} · new", n.name)));
        lines.push(cdf::Line::of(b, format!("{} · base", b.name)));
        lines.push(cdf::Line::of(n, format!("{} · new", n.name)));
    }
    if !rows.is_empty() {
        s.push_str("<h2>Latency percentiles</h2><div class=\"plots lat\">");
        s.push_str(&svg_percentiles("Latency percentiles, base and new", &rows));
        // Reports written before the distribution have none: nothing drawn.
        s.push_str(&cdf::svg_cdf("Latency distribution, base and new", &lines));
        s.push_str("</div>");
    }
    s.push_str("<p class=\"meta\">Written by Switchboard from two simulation reports.</p>");
    s.push_str(&page::tail());
    page::wrap_tables(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rates_carry_their_unit_and_digits() {
        assert_eq!(shown(Metric::Errors, 0.0021), "0.210 %");
        assert_eq!(shown(Metric::Errors, 0.005), "0.500 %");
        assert_eq!(shown(Metric::Errors, 0.25), "25.00 %");
        assert_eq!(shown(Metric::P99, 123.4), "123 ms");
        assert_eq!(shown(Metric::Throughput, 99.94), "99.9 req/s");
    }
}
