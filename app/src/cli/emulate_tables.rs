//! The tables `switchboard emulate` and `loadgen` print: what was measured
//! per workload, node, edge and broker, each workload's latency ladder (HDR
//! style), and with `--compare` every figure measured beside simulated, with
//! the difference and the simulation's interval; and the load's progress bar.

use std::io::Write;

use emulator::Measured;
use emulator::compare::{Row, Scope};
use engine::sim::Report;

/// What was measured, per workload, node and edge.
pub(super) fn write_measured(m: &Measured, r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if m.interrupted {
        writeln!(out, "interrupted: {:.1} s of load ran; the figures cover what was measured", m.ran_s)?;
    }
    if m.capped {
        writeln!(out, "the request bound stopped the load after {} requests", m.sent)?;
    }
    let window_s = m.window_s();
    let rows = r
        .workloads
        .iter()
        .map(|w| {
            let l = &w.latency_ms;
            Line {
                scope: "workload",
                id: &w.name,
                count: w.arrived,
                outcomes: w.outcomes,
                per_s: w.throughput_per_s.mean,
                figures: [l.mean.mean, l.p50.mean, l.p95.mean, l.p99.mean],
            }
        })
        .chain(r.nodes.iter().map(|n| {
            let l = &n.latency_ms;
            Line {
                scope: "node",
                id: &n.id,
                count: n.visits,
                outcomes: n.outcomes,
                per_s: n.throughput_per_s.mean,
                figures: [l.mean, l.p50, l.p95, l.p99],
            }
        }))
        .chain(r.edges.iter().map(|e| {
            let l = &e.latency_ms;
            let ok = (e.outcomes.ok + e.outcomes.degraded) as f64;
            Line {
                scope: "edge",
                id: &e.id,
                count: e.calls,
                outcomes: e.outcomes,
                per_s: if window_s > 0.0 { ok / window_s } else { 0.0 },
                figures: [l.mean, l.p50, l.p95, l.p99],
            }
        }))
        .collect::<Vec<_>>();
    let idn = rows.iter().map(|l| super::display_width(l.id)).max().unwrap_or(8).clamp(8, 30);
    writeln!(
        out,
        "{:<8}  {}  {:>9}  {:>9}  {:>9}  {:>9}  {:>12}  {:>9}  {:>9}  {:>9}  {:>9}",
        "measured",
        super::pad("", idn),
        "arrived",
        "failed",
        "in flight",
        "errors",
        "req/s",
        "mean ms",
        "p50 ms",
        "p95 ms",
        "p99 ms"
    )?;
    for l in &rows {
        let o = &l.outcomes;
        let finished = o.total() - o.in_flight;
        let errors = if finished == 0 { 0.0 } else { o.failed() as f64 / finished as f64 };
        let [mean, p50, p95, p99] = l.figures;
        writeln!(
            out,
            "{:<8}  {}  {:>9}  {:>9}  {:>9}  {:>9}  {:>12.1}  {mean:>9.2}  {p50:>9.2}  {p95:>9.2}  {p99:>9.2}",
            l.scope,
            super::pad(l.id, idn),
            l.count,
            o.failed(),
            o.in_flight,
            engine::units::percent(errors),
            l.per_s,
        )?;
    }
    for b in &r.brokers {
        writeln!(
            out,
            "broker    {} ({}): published {}, delivered {}, redelivered {}, dead-lettered {}, dropped {}, lost {}, \
             still queued or in delivery {}; backlog mean {:.1}, max {}; publish-to-consume delay mean {:.2} ms, p99 {:.2} ms",
            b.id,
            b.mode,
            b.published,
            b.delivered,
            b.redelivered,
            b.dead_lettered,
            b.dropped,
            b.lost,
            b.in_flight,
            b.backlog_mean.mean,
            b.backlog_max,
            b.delay_ms.mean,
            b.delay_ms.p99,
        )?;
    }
    Ok(())
}

/// One line of the measured table.
struct Line<'a> {
    scope: &'static str,
    id: &'a str,
    count: u64,
    outcomes: engine::sim::OutcomeCounts,
    per_s: f64,
    /// Mean, p50, p95, p99, ms.
    figures: [f64; 4],
}

/// Measured beside simulated, per workload, node and edge and figure, with
/// the relative difference and the simulation's 95% interval ("–" where
/// the simulated figure is zero or has no interval).
pub(super) fn write_comparison(rows: &[Row], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    let idn = rows.iter().map(|r| super::display_width(&r.id)).max().unwrap_or(8).clamp(8, 30);
    writeln!(
        out,
        "{:<9}  {}  {:<10}  {:>14}  {:>24}  {:>9}  {:>6}",
        "",
        super::pad("", idn),
        "figure",
        "measured",
        "simulated ± 95% CI",
        "diff",
        "in CI"
    )?;
    let mut last: Option<(Scope, &str)> = None;
    for r in rows {
        let first = last != Some((r.scope, r.id.as_str()));
        last = Some((r.scope, r.id.as_str()));
        let (scope, id) = if first { (r.scope.as_str(), r.id.as_str()) } else { ("", "") };
        // Replicas are a count, not a latency.
        let figure = |v: f64| {
            if r.scope == Scope::Replicas { format!("{v:.2}") } else { engine::units::metric(r.metric, v) }
        };
        let simulated = match r.simulated_ci95 {
            // Below a millionth of the unit the interval is rounding in
            // the percentiles (constant service times), not spread.
            Some(ci) => format!("{} ± {}", figure(r.simulated), figure(if ci.abs() < 1e-6 { 0.0 } else { ci })),
            None => figure(r.simulated),
        };
        let diff = r.diff_pct.map_or_else(|| "–".to_owned(), |p| format!("{p:+.1}%"));
        let within = match r.within_ci() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "–",
        };
        writeln!(
            out,
            "{scope:<9}  {}  {:<10}  {:>14}  {simulated:>24}  {diff:>9}  {within:>6}",
            super::pad(id, idn),
            r.metric.as_str(),
            figure(r.measured),
        )?;
    }
    Ok(())
}

/// With `--compare`, the resilience detail beside the simulator's: per edge
/// with a call policy its logical calls, tries, retries, tries failed fast
/// by the breaker or refused by the bulkhead, timeouts and the breaker's
/// openings and time open; per node with outlier ejection its ejections and
/// replicas ejected on average, per autoscaled node its replicas serving on
/// average and at most, per node that wasted work its wasted visits and
/// share of busy time; then the load: goodput, node visits per request and
/// the wasted share over all nodes. Nothing when neither report has any.
pub(super) fn write_resilience(measured: &Report, simulated: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut lines = Vec::new();
    for s in &simulated.edges {
        let (Some(ps), Some(pm)) = (&s.policy, measured.edge(&s.id).and_then(|e| e.policy.as_ref())) else { continue };
        let pair = |what: &str, m: u64, s: u64| format!("{what} {m} vs {s}");
        let mut parts = vec![
            pair("calls", pm.logical_calls, ps.logical_calls),
            pair("tries", pm.attempts, ps.attempts),
            pair("retries", pm.retries, ps.retries),
            pair("failed fast", pm.fail_fast, ps.fail_fast),
            pair("bulkhead", pm.bulkhead_rejections, ps.bulkhead_rejections),
            pair("timeouts", pm.try_timeouts + pm.call_timeouts, ps.try_timeouts + ps.call_timeouts),
        ];
        if let (Some(bm), Some(bs)) = (&pm.breaker, &ps.breaker) {
            parts.push(pair("breaker opened", bm.opened, bs.opened));
            parts.push(format!("open {:.2} s vs {:.2} s", bm.time_open_s, bs.time_open_s));
        }
        lines.push(format!("edge  {}: {}", engine::text::printable(&s.id), parts.join(", ")));
    }
    for s in &simulated.nodes {
        let (Some(rs), Some(rm)) = (&s.resilience, measured.node(&s.id).and_then(|n| n.resilience.as_ref())) else {
            continue;
        };
        let varied = |r: &engine::sim::report::NodeResilience| (r.replicas_mean - r.replicas_max as f64).abs() > 1e-9;
        let mut parts = Vec::new();
        if rs.ejections > 0 || rm.ejections > 0 {
            parts.push(format!("ejections {} vs {}", rm.ejections, rs.ejections));
            parts.push(format!("replicas ejected on average {:.3} vs {:.3}", rm.ejected_mean, rs.ejected_mean));
        }
        if varied(rs) || varied(rm) {
            parts.push(format!("replicas serving on average {:.2} vs {:.2}", rm.replicas_mean, rs.replicas_mean));
            parts.push(format!("most {} vs {}", rm.replicas_max, rs.replicas_max));
        }
        if rs.wasted_visits > 0 || rm.wasted_visits > 0 {
            parts.push(format!("wasted visits {} vs {}", rm.wasted_visits, rs.wasted_visits));
            parts.push(format!("{:.1}% vs {:.1}% of busy time", rm.wasted_share * 100.0, rs.wasted_share * 100.0));
        }
        if !parts.is_empty() {
            lines.push(format!("node  {}: {}", engine::text::printable(&s.id), parts.join(", ")));
        }
    }
    if let (Some(lm), Some(ls)) = (&measured.load, &simulated.load) {
        lines.push(format!(
            "load: goodput {:.1} vs {:.1} req/s, node visits per request {:.2} vs {:.2}, wasted {:.1}% vs {:.1}% of busy time",
            lm.goodput_per_s,
            ls.goodput_per_s,
            lm.amplification,
            ls.amplification,
            lm.wasted_share * 100.0,
            ls.wasted_share * 100.0
        ));
    }
    if !lines.is_empty() {
        writeln!(out)?;
        writeln!(out, "resilience (measured vs simulated)")?;
        for l in lines {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}

/// Percentiles of the HDR-style summary.
const LADDER: [(f64, &str); 8] = [
    (0.5, "p50"),
    (0.75, "p75"),
    (0.9, "p90"),
    (0.95, "p95"),
    (0.99, "p99"),
    (0.999, "p99.9"),
    (0.9999, "p99.99"),
    (1.0, "max"),
];

/// The load's progress bar on stderr, in modelled milliseconds.
pub(super) fn progress_bar(duration_s: f64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new((duration_s * 1e3) as u64);
    let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} ms modelled  {msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar
}

/// Each workload's latency distribution, HDR style: the value at each
/// percentile of the ladder (modelled milliseconds, successful requests).
pub(super) fn write_ladder(m: &Measured, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    let idn = m.workloads.iter().map(|w| super::display_width(&w.name)).max().unwrap_or(10).clamp(10, 30);
    write!(out, "{}  {:>10}", super::pad("latency ms", idn), "count")?;
    for (_, name) in LADDER {
        write!(out, "  {name:>9}")?;
    }
    writeln!(out)?;
    for w in &m.workloads {
        let l = &w.latency;
        write!(out, "{}  {:>10}", super::pad(&w.name, idn), w.outcomes.ok + w.outcomes.degraded)?;
        for (q, _) in LADDER {
            write!(out, "  {:>9.2}", l.quantile_ms(q))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
