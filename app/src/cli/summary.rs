//! The text summary `simulate` prints: the run's settings, workloads,
//! busiest nodes, brokers, discovery, resilience, SLOs, the explanation's two
//! headline findings and the stability verdict, in that order.

use std::io::Write;

use engine::sim::{Estimate, Report};

/// 1234567 → "1.23M".
pub(super) fn si(v: f64) -> String {
    if v >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

fn est(e: &Estimate, digits: usize) -> String {
    let flag = if e.wide { "*" } else { "" };
    format!("{:.digits$}±{:.digits$}{flag}", e.mean, e.ci95)
}

/// The human summary: workloads, busiest nodes, brokers, SLOs, the
/// saturated resource and the largest share of tail latency (with the
/// design as simulated), stability.
///
/// # Errors
/// Write failures.
pub fn write_summary(r: &Report, design: Option<&engine::Design>, out: &mut dyn Write) -> std::io::Result<()> {
    write_settings(r, out)?;
    write_workloads(r, out)?;
    write_busiest_nodes(r, out)?;
    write_brokers(r, out)?;
    write_discovery(r, out)?;
    write_resilience(r, out)?;
    super::cost_summary::write_cost(design.and_then(|d| engine::cost::of_run(d, r)).as_ref(), out)?;
    write_slos(r, out)?;
    if let Some(d) = design {
        write_headline_findings(r, d, out)?;
    }
    write_stability(r, out)
}

/// The first line: what was simulated, for how long, with which seed.
fn write_settings(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &r.settings;
    writeln!(
        out,
        "{}: {:.0} s simulated ({:.0} s warm-up), seed {}, {} replication(s), rate ×{}, {} events",
        r.design,
        s.duration_s,
        s.warmup_s,
        s.seed,
        s.replications,
        s.rate_scale,
        si(r.events as f64)
    )?;
    writeln!(out)
}

/// One row per workload: counts, throughput and latency percentiles.
fn write_workloads(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let wn = r.workloads.iter().map(|w| super::display_width(&w.name)).max().unwrap_or(8).clamp(8, 30);
    writeln!(
        out,
        "{}  {:>9}  {:>9}  {:>9}  {:>16}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}",
        super::pad("workload", wn),
        "arrived",
        "failed",
        "errors",
        "req/s",
        "mean ms",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "p99.9 ms"
    )?;
    for w in &r.workloads {
        let l = &w.latency_ms;
        writeln!(
            out,
            "{}  {:>9}  {:>9}  {:>9}  {:>16}  {:>9.2}  {:>9.2}  {:>9.2}  {:>9.2}  {:>9.2}",
            super::pad(&w.name, wn),
            w.arrived,
            w.outcomes.failed(),
            engine::units::percent(w.error_rate.mean),
            est(&w.throughput_per_s, 1),
            l.mean.mean,
            l.p50.mean,
            l.p95.mean,
            l.p99.mean,
            l.p999.mean
        )?;
    }
    for w in &r.workloads {
        if let Some(p) = engine::units::latency_population(w) {
            writeln!(out, "latency of {}: {p} (failed requests have no latency)", w.name)?;
        }
    }
    Ok(())
}

/// The ten most utilized nodes that saw visits.
fn write_busiest_nodes(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut nodes: Vec<_> = r.nodes.iter().filter(|n| n.visits > 0).collect();
    nodes.sort_by(|a, b| b.utilization.mean.total_cmp(&a.utilization.mean));
    nodes.truncate(10);
    if !nodes.is_empty() {
        writeln!(out)?;
        let nn = nodes.iter().map(|n| super::display_width(&n.id)).max().unwrap_or(13).clamp(13, 30);
        writeln!(
            out,
            "{}  {:>14}  {:>10}  {:>9}  {:>9}  {:>10}  {:>10}  {:>9}",
            super::pad("busiest nodes", nn),
            "utilization",
            "mean queue",
            "max queue",
            "wait ms",
            "service ms",
            "downstr ms",
            "req/s"
        )?;
        for n in nodes {
            writeln!(
                out,
                "{}  {:>14}  {:>10.2}  {:>9}  {:>9.2}  {:>10.2}  {:>10.2}  {:>9.1}",
                super::pad(&n.id, nn),
                format!("{:.1}%±{:.1}", n.utilization.mean * 100.0, n.utilization.ci95 * 100.0),
                n.mean_queue_length.mean,
                n.max_queue_length,
                n.wait_ms,
                n.service_ms,
                n.downstream_ms,
                n.throughput_per_s.mean
            )?;
        }
    }
    Ok(())
}

/// One row per broker.
fn write_brokers(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if !r.brokers.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}  {:>9}  {:>9}  {:>8}  {:>8}  {:>12}  {:>11}  {:>11}",
            super::pad("broker", 16),
            "published",
            "delivered",
            "dropped",
            "dead",
            "backlog mean",
            "delay p50",
            "delay p99"
        )?;
        for b in &r.brokers {
            writeln!(
                out,
                "{}  {:>9}  {:>9}  {:>8}  {:>8}  {:>12.1}  {:>11.2}  {:>11.2}",
                super::pad(&b.id, 16),
                b.published,
                b.delivered,
                b.dropped,
                b.dead_lettered,
                b.backlog_mean.mean,
                b.delay_ms.p50,
                b.delay_ms.p99
            )?;
        }
    }
    Ok(())
}

/// The SLO verdicts, failing ones first.
fn write_slos(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if !r.slos.is_empty() {
        writeln!(out)?;
        write_slo_lines(&r.slos, |v| engine::units::objective_text(r, v).to_string(), out)?;
    }
    Ok(())
}

/// One line per SLO verdict, failing ones first, each figure with its unit:
/// `SLO checkout p99 ≤ 300 ms: 212 ms ± 4 (target 300 ms) → PASS`.
///
/// # Errors
/// Write failures.
pub(super) fn write_slo_lines(
    slos: &[engine::sim::SloVerdict],
    objective: impl Fn(&engine::sim::SloVerdict) -> String,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for v in engine::units::slo_order(slos).into_iter().filter_map(|i| slos.get(i)) {
        let verdict = match v.verdict {
            engine::sim::Verdict::Pass => "PASS",
            engine::sim::Verdict::Fail => "FAIL",
            engine::sim::Verdict::Inconclusive => "INCONCLUSIVE",
        };
        let f = engine::units::slo_figures(v);
        writeln!(
            out,
            "SLO {} {}: {} (target {}) → {verdict}",
            v.workload,
            objective(v),
            f.measured_with_ci(),
            f.target
        )?;
    }
    Ok(())
}

/// The saturated resource, then the largest share of tail latency.
fn write_headline_findings(r: &Report, d: &engine::Design, out: &mut dyn Write) -> std::io::Result<()> {
    // The same sentences as the HTML report and the app's "Why" tab.
    let ex = engine::report_explain::explain(r, Some(d));
    // The saturated resource first, then the largest share of tail latency.
    let lines: Vec<&str> = ["Saturated:", "Largest share of tail latency:"]
        .iter()
        .filter_map(|p| ex.findings.iter().map(|f| f.text.as_str()).find(|t| t.starts_with(p)))
        .collect();
    if !lines.is_empty() {
        writeln!(out)?;
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The stability verdict, warnings, conservation and the legend.
fn write_stability(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    if r.unstable {
        writeln!(out, "UNSTABLE at {}:", r.unstable_nodes.join(", "))?;
        for reason in &r.unstable_reasons {
            writeln!(out, "  - {reason}")?;
        }
    }
    for w in &r.warnings {
        writeln!(out, "note: {w}")?;
    }
    if !r.conservation.holds {
        writeln!(out, "conservation FAILED: {}", r.conservation.violations.join("; "))?;
    }
    writeln!(
        out,
        "(± is the 95% confidence interval, {}; * marks intervals wider than 5%)",
        r.settings.ci_method.replace('_', " ")
    )?;
    Ok(())
}

/// Service discovery per discovered service: cache, lookups, dead instances, evictions.
///
/// # Errors
/// Write failures.
fn write_discovery(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if r.discovery.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let dn = r.discovery.iter().map(|d| super::display_width(&d.id)).max().unwrap_or(4).clamp(10, 30);
    writeln!(
        out,
        "{}  {:<11}  {:>9}  {:>7}  {:>8}  {:>8}  {:>8}  {:>8}  {:>7}  {:>7}  {:>12}  {:>9}",
        super::pad("discovered", dn),
        "mode",
        "calls",
        "hit %",
        "lookups",
        "lk fail",
        "stale",
        "to dead",
        "crashes",
        "evicted",
        "evict mean s",
        "lookups/s"
    )?;
    for d in &r.discovery {
        let client = d.mode == "client_side";
        let dash = |v: String| if client { v } else { "-".to_owned() };
        writeln!(
            out,
            "{}  {:<11}  {:>9}  {:>7}  {:>8}  {:>8}  {:>8}  {:>8}  {:>7}  {:>7}  {:>12}  {:>9}",
            super::pad(&d.id, dn),
            d.mode.replace('_', "-"),
            d.calls,
            dash(format!("{:.1}", d.cache_hit_ratio * 100.0)),
            dash(d.lookups.to_string()),
            dash(d.lookup_failures.to_string()),
            dash(d.stale_routed.to_string()),
            d.calls_to_dead,
            d.crashes,
            d.evictions,
            if d.evictions > 0 { format!("{:.1}", d.mean_eviction_ms / 1000.0) } else { "-".to_owned() },
            dash(format!("{:.2}", d.registry_lookups_per_s))
        )?;
    }
    Ok(())
}

/// Goodput against throughput, policy edges, replicas and wasted work, faults.
///
/// # Errors
/// Write failures.
fn write_resilience(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if let Some(l) = &r.load {
        writeln!(out)?;
        writeln!(
            out,
            "goodput {:.1} req/s ({:.1} in full) of {:.1} offered; throughput {:.1} visits/s ({:.1} per request); wasted work {:.1}%",
            l.goodput_per_s,
            l.ok_per_s,
            l.offered_per_s,
            l.throughput_per_s,
            l.amplification,
            l.wasted_share * 100.0
        )?;
    }
    let policies: Vec<_> = r.edges.iter().filter_map(|e| e.policy.as_ref().map(|p| (e, p))).collect();
    if !policies.is_empty() {
        writeln!(out)?;
        let en = policies.iter().map(|(e, _)| super::display_width(&e.id)).max().unwrap_or(4).clamp(11, 30);
        writeln!(
            out,
            "{}  {:>8}  {:>8}  {:>6}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>8}",
            super::pad("policy edge", en),
            "calls",
            "tries",
            "×",
            "timeouts",
            "failfast",
            "bulkhead",
            "fallback",
            "failed",
            "open s"
        )?;
        for (e, p) in policies {
            writeln!(
                out,
                "{}  {:>8}  {:>8}  {:>6.2}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>8}",
                super::pad(&e.id, en),
                p.logical_calls,
                p.attempts,
                p.retry_amplification,
                p.try_timeouts + p.call_timeouts,
                p.fail_fast,
                p.bulkhead_rejections,
                p.fallbacks,
                p.logical_outcomes.failed(),
                p.breaker.as_ref().map_or_else(|| "-".to_owned(), |b| format!("{:.1}", b.time_open_s))
            )?;
        }
    }
    let nodes: Vec<_> = r
        .nodes
        .iter()
        .filter_map(|n| n.resilience.as_ref().map(|x| (n, x)))
        .filter(|(n, x)| {
            x.wasted_visits > 0 || x.ejections > 0 || n.outcomes.rejected.rate_limited > 0 || {
                let series = r.series.nodes.iter().find(|s| s.id == n.id);
                series.is_some_and(|s| s.replicas.windows(2).any(|w| (w[0] - w[1]).abs() > 1e-9))
            }
        })
        .collect();
    if !nodes.is_empty() {
        writeln!(out)?;
        for (n, x) in nodes {
            writeln!(
                out,
                "node {}: replicas {:.1} (max {}), {} ejection(s), {} rate-limited, wasted {:.2} worker-s on {} visits ({:.1}% of busy time)",
                n.id,
                x.replicas_mean,
                x.replicas_max,
                x.ejections,
                n.outcomes.rejected.rate_limited,
                x.wasted_work_s,
                x.wasted_visits,
                x.wasted_share * 100.0
            )?;
        }
    }
    if !r.faults.is_empty() {
        writeln!(out)?;
        for f in &r.faults {
            writeln!(out, "fault {}", f.summary)?;
        }
    }
    Ok(())
}
