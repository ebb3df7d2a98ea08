//! `switchboard simulate FILE`: run the simulator, print a summary table,
//! exit 3 when an SLO fails and 4 when the run was unstable.

use std::io::{IsTerminal as _, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use engine::sim::report::sampled::SampledTraces;
use engine::sim::{Report, RunControl, RunOptions, SimError};

use super::summary::{si, write_summary};
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

/// A size in bytes: `4G`, `512M`, `1.5GiB`, `100000` (bytes).
///
/// # Errors
/// Anything else.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    let digits_end = upper.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(upper.len());
    let (num, unit) = upper.split_at(digits_end);
    let scale: f64 = match unit.trim().trim_end_matches("IB").trim_end_matches('B') {
        "" => 1.0,
        "K" => 1024.0,
        "M" => 1024.0 * 1024.0,
        "G" => 1024.0 * 1024.0 * 1024.0,
        "T" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("{s:?}: expected a size such as 4G, 512M or 1.5GiB")),
    };
    match num.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v * scale < 1.8e19 => Ok((v * scale) as u64),
        _ => Err(format!("{s:?}: expected a size such as 4G, 512M or 1.5GiB")),
    }
}

/// A rate scale: a finite number above 0.
///
/// # Errors
/// Anything else (`nan`, `inf`, 0, negatives).
pub fn parse_rate_scale(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?}: expected a number above 0, such as 1.5")),
    }
}

/// Parse `60s`, `500ms`, `2m`, `1h` or a plain number of seconds.
///
/// # Errors
/// Anything else.
pub fn parse_duration_s(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (t, 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v * scale),
        _ => Err(format!("{s:?}: expected a duration such as 60s, 500ms or 5m")),
    }
}

/// Run a simulation with a progress line on a terminal.
///
/// # Errors
/// The engine's errors.
pub fn run_with_progress(design: &engine::Design, options: &RunOptions, quiet: bool) -> Result<Report, SimError> {
    run_traced_with_progress(design, options, quiet).map(|(report, _)| report)
}

/// [`run_with_progress`], with the sampled traces when `options` export them.
///
/// # Errors
/// The engine's errors.
pub fn run_traced_with_progress(
    design: &engine::Design,
    options: &RunOptions,
    quiet: bool,
) -> Result<(Report, SampledTraces), SimError> {
    let control = RunControl::new();
    let show = !quiet && std::io::stderr().is_terminal();
    if !show {
        return engine::sim::run_with_sampled_traces(design, options, &control);
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("simulate".to_owned())
            .spawn_scoped(scope, || engine::sim::run_with_sampled_traces(design, options, &control))
            .map_err(|e| SimError::Internal(e.to_string()))?;
        while !handle.is_finished() {
            std::thread::sleep(Duration::from_millis(100));
            let p = control.progress();
            let filled = (p.fraction() * 30.0).round() as usize;
            eprint!(
                "\r[{}{}] {:>3.0}%  {:.1}/{:.1} s simulated  {} events  {}/{} replications ",
                "#".repeat(filled.min(30)),
                " ".repeat(30 - filled.min(30)),
                p.fraction() * 100.0,
                p.sim_time_s,
                p.duration_s,
                si(p.events as f64),
                p.replications_done,
                p.replications
            );
        }
        eprint!("\r{}\r", " ".repeat(100));
        handle.join().map_err(|_| SimError::Internal("the simulation thread panicked".to_owned()))?
    })
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
    let (report, sampled) = match run_traced_with_progress(&design, &options, args.output.quiet) {
        Ok(r) => r,
        Err(SimError::InvalidDesign(problems)) => {
            super::Places::of(&args.file).with_names(&design).print_refusal(&problems);
            return Ok(exit::DESIGN_ERRORS);
        }
        Err(e @ SimError::TooMuchMemory { .. }) => anyhow::bail!("{e} (--max-memory SIZE)"),
        Err(e) => return Err(e).context("simulation failed"),
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
