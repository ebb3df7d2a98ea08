//! Running the simulator from a command: the run settings' parsers, the
//! simulation with a progress line on a terminal, and the refusal of a
//! design with errors (exit 1), shared by `simulate`, `sweep` and `emulate`.

use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use engine::sim::report::sampled::SampledTraces;
use engine::sim::{Report, RunControl, RunOptions, SimError};

use super::exit;
use super::summary::si;

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

/// Run a simulation with a progress line on a terminal; the sampled traces
/// come back beside the report when `options` export them.
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

/// Simulate `design` with a progress line; a design with errors is refused
/// with its places named (from `file`) and `Err(exit code)`.
///
/// # Errors
/// A run over its memory bound, or the engine's other failures.
pub fn simulate_or_refuse(
    design: &engine::Design,
    options: &RunOptions,
    quiet: bool,
    file: &Path,
) -> anyhow::Result<Result<Report, u8>> {
    Ok(simulate_traced_or_refuse(design, options, quiet, file)?.map(|(report, _)| report))
}

/// [`simulate_or_refuse`], with the sampled traces when `options` export them.
///
/// # Errors
/// A run over its memory bound, or the engine's other failures.
pub fn simulate_traced_or_refuse(
    design: &engine::Design,
    options: &RunOptions,
    quiet: bool,
    file: &Path,
) -> anyhow::Result<Result<(Report, SampledTraces), u8>> {
    match run_traced_with_progress(design, options, quiet) {
        Ok(r) => Ok(Ok(r)),
        Err(SimError::InvalidDesign(problems)) => {
            super::Places::of(file).with_names(design).print_refusal(&problems);
            Ok(Err(exit::DESIGN_ERRORS))
        }
        Err(e @ SimError::TooMuchMemory { .. }) => anyhow::bail!("{e} (--max-memory SIZE)"),
        Err(e) => Err(e).context("simulation failed"),
    }
}
