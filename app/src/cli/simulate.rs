//! `switchboard simulate FILE`: run the simulator, print a summary table,
//! exit 3 when an SLO fails and 4 when the run was unstable.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::sim::{Report, RunOptions};

use super::sim_run::simulate_traced_or_refuse;
pub use super::sim_run::{parse_bytes, parse_duration_s, parse_rate_scale};
use super::summary::write_summary;
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
            ..RunOptions::default()
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
    pub traces: super::sim_traces::TraceArgs,
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
    let options = args.traces.apply(args.run.options(args.rate_scale));
    let (report, sampled) = match simulate_traced_or_refuse(&design, &options, args.output.quiet, &args.file)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let to_stdout = args.output.json.as_deref() == Some(std::path::Path::new("-"));
    if !args.output.quiet && !to_stdout {
        write_summary(&report, Some(&design), &mut super::Printable(&mut *out))?;
    }
    if let Some(path) = &args.output.json {
        super::write_json(path, &engine::cost::report_json(&report, &design), out)?;
    }
    args.traces.write(&sampled, &design, options.seed.unwrap_or(design.simulation.seed))?;
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
