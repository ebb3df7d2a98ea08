//! `switchboard simulate FILE`: run the simulator, print a summary table,
//! exit 3 when an SLO fails and 4 when the run was unstable.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::sim::{Estimate, Report, RunOptions};

pub use super::sim_run::{parse_bytes, parse_duration_s, parse_rate_scale};
use super::sim_run::{si, simulate_or_refuse};
use super::{Output, exit};

/// Run settings shared by `simulate` and `sweep`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Random seed (default: the design's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated time, warm-up included, e.g. `60s`, `500ms`, `5m` (default: the design's).
    #[arg(long, value_parser = parse_duration_s)]
    pub duration: Option<f64>,
    /// Warm-up excluded from statistics, e.g. `10s` (default: the design's).
    #[arg(long, value_parser = parse_duration_s)]
    pub warmup: Option<f64>,
    /// Independent replications, run in parallel (default: the design's).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Worker threads (default: the available cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Refuse a run estimated to need more memory than this, e.g. `4G`,
    /// `512M` (default: half the machine's memory).
    #[arg(long, value_name = "SIZE", value_parser = parse_bytes)]
    pub max_memory: Option<u64>,
}

impl RunArgs {
    /// Check `--duration` and `--warmup` against each other and the design's
    /// own settings, so the message names the flag the user typed.
    ///
    /// # Errors
    /// A warm-up that is not shorter than the run.
    pub fn check_window(&self, design: &engine::Design) -> anyhow::Result<()> {
        if self.duration.is_none() && self.warmup.is_none() {
            return Ok(());
        }
        let duration = self.duration.unwrap_or(design.simulation.duration_s);
        let warmup = self.warmup.unwrap_or(design.simulation.warmup_s);
        if warmup >= duration {
            let (w, d) = (fmt_s(warmup), fmt_s(duration));
            match (self.duration.is_some(), self.warmup.is_some()) {
                (true, false) => anyhow::bail!(
                    "--duration {d} is not longer than the design's warm-up ({w}): pass a shorter --warmup too"
                ),
                (false, true) => {
                    anyhow::bail!("--warmup {w} is not shorter than the design's duration ({d}): pass --duration too")
                }
                _ => anyhow::bail!("--warmup {w} must be shorter than --duration {d}"),
            }
        }
        Ok(())
    }

    /// Hold the flags to the limits a file is held to: the design with the
    /// flags applied is validated, and a problem that only the flags cause
    /// is a usage error naming the flag (exit 2), not a design error.
    ///
    /// # Errors
    /// A flag that takes the design out of its limits.
    pub fn check_limits(&self, design: &engine::Design, rate_scale: f64) -> anyhow::Result<()> {
        let options = self.options(rate_scale);
        if options.duration_s.is_none()
            && options.warmup_s.is_none()
            && options.replications.is_none()
            && options.rate_scale == 1.0
        {
            return Ok(());
        }
        let errors = |d: &engine::Design| -> std::collections::BTreeSet<(String, String)> {
            engine::analysis::problems(d)
                .into_iter()
                .filter(|p| p.severity == engine::validate::Severity::Error)
                .map(|p| (p.path, p.message.to_string()))
                .collect()
        };
        let before = errors(design);
        let after = errors(&options.applied_to(design));
        let Some((path, message)) = after.difference(&before).next() else { return Ok(()) };
        let flag = if path.starts_with("simulation.replications") {
            format!("--replications {}", self.replications.unwrap_or_default())
        } else if path.starts_with("simulation.warmup_s") && self.warmup.is_some() {
            format!("--warmup {}", fmt_s(self.warmup.unwrap_or_default()))
        } else if path.starts_with("simulation.") && self.duration.is_some() {
            format!("--duration {}", fmt_s(self.duration.unwrap_or_default()))
        } else if path.starts_with("workloads[") && rate_scale != 1.0 {
            format!("--rate-scale {rate_scale}")
        } else {
            "the run's flags".to_owned()
        };
        anyhow::bail!("{flag}: takes {path} out of its limits: {message}")
    }

    /// The engine's options.
    #[must_use]
    pub fn options(&self, rate_scale: f64) -> RunOptions {
        RunOptions {
            seed: self.seed,
            duration_s: self.duration,
            warmup_s: self.warmup,
            replications: self.replications,
            rate_scale,
            threads: self.threads,
            max_memory_bytes: self.max_memory,
        }
    }
}

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
    /// Multiply every open-loop arrival rate (a number above 0).
    #[arg(long, default_value_t = 1.0, value_parser = parse_rate_scale)]
    pub rate_scale: f64,
    /// Also write a self-contained HTML report to PATH.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Run one of the design's named scenarios (its rates and faults).
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub output: Output,
}

/// Run `simulate`.
///
/// # Errors
/// Unreadable input, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    let design = match &args.scenario {
        Some(name) => match design.with_scenario(name) {
            Ok(d) => d,
            Err(e) => {
                let known: Vec<&str> = design.scenarios.iter().map(|s| s.name.as_str()).collect();
                anyhow::bail!(
                    "{}: {e} (scenarios: {})",
                    args.file.display(),
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                );
            }
        },
        None => design,
    };
    args.run.check_window(&design)?;
    args.run.check_limits(&design, args.rate_scale)?;
    let options = args.run.options(args.rate_scale);
    let report = match simulate_or_refuse(&design, &options, args.output.quiet, &args.file)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let to_stdout = args.output.json.as_deref() == Some(std::path::Path::new("-"));
    if !args.output.quiet && !to_stdout {
        write_summary(&report, Some(&design), &mut super::Printable(&mut *out))?;
    }
    if let Some(path) = &args.output.json {
        super::write_json(path, &report.to_json(), out)?;
    }
    if let Some(path) = &args.html {
        let page = engine::report_html::html(&report, &design);
        engine::model::format::write_atomic(path, page.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(exit_code(&report))
}

/// 4 when unstable, 3 when an SLO failed, else 0.
#[must_use]
pub fn exit_code(report: &Report) -> u8 {
    if report.unstable {
        exit::UNSTABLE
    } else if report.slo_violated() {
        exit::SLO_VIOLATED
    } else {
        exit::OK
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
    writeln!(out)?;
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
    write_discovery(r, out)?;
    write_resilience(r, out)?;
    if !r.slos.is_empty() {
        writeln!(out)?;
        // Failing verdicts first, each figure with its unit.
        for v in engine::units::slo_order(&r.slos).into_iter().filter_map(|i| r.slos.get(i)) {
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
                engine::units::objective_text(r, v),
                f.measured_with_ci(),
                f.target,
            )?;
        }
    }
    if let Some(d) = design {
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
    }
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
        s.ci_method.replace('_', " ")
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

/// Seconds for a message: `20 s`, `0.5 s`.
fn fmt_s(s: f64) -> String {
    format!("{s} s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_s("60s"), Ok(60.0));
        assert_eq!(parse_duration_s("500ms"), Ok(0.5));
        assert_eq!(parse_duration_s("2m"), Ok(120.0));
        assert_eq!(parse_duration_s("7"), Ok(7.0));
        assert!(parse_duration_s("soon").is_err());
        assert_eq!(parse_bytes("4G"), Ok(4 << 30));
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_bytes("2048"), Ok(2048));
        assert!(parse_bytes("lots").is_err() && parse_bytes("-1G").is_err() && parse_bytes("0").is_err());
    }
}
