//! `switchboard headroom FILE`: the highest rate scale at which every SLO
//! still passes, its confidence interval, the node that saturates first and
//! the capacity estimate's answer beside it. Exit 3 when the design does not
//! pass its SLOs at its own load (or below `--min`), 4 when it is unstable there.

use std::io::{IsTerminal as _, Write};

use anyhow::Context as _;
use engine::rightsize::headroom::{Headroom, HeadroomOptions, HeadroomPoint, headroom};
use engine::sim::{RunControl, SimError};

use super::exit;
use super::search_args::SearchArgs;

/// Arguments of `headroom`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub search: SearchArgs,
    /// Stop bisecting when the bracket is narrower than this share (0.02 = 2 %).
    #[arg(long, default_value_t = 0.02)]
    pub tolerance: f64,
    /// Most simulated runs.
    #[arg(long, default_value_t = 40)]
    pub max_runs: u32,
    /// Exit 3 when the headroom is below this scale (a CI gate), e.g. 1.5.
    #[arg(long, value_name = "SCALE")]
    pub min: Option<f64>,
}

fn x(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("×{}", engine::units::plain((v * 1000.0).round() / 1000.0)))
}

fn point_line(p: &HeadroomPoint) -> String {
    let verdict = if p.all_pass {
        "pass"
    } else if p.some_fail {
        if p.unstable { "FAIL (unstable)" } else { "FAIL" }
    } else {
        "inconclusive"
    };
    format!(
        "{:>9}  {:>10.1}  {:>10.1}  {:>10.2}  {:>7.2}  {verdict}",
        x(Some(p.scale)),
        p.offered_per_s,
        p.throughput_per_s,
        p.p99_ms,
        p.error_rate * 100.0
    )
}

/// The summary lines of a headroom search.
///
/// # Errors
/// Write failures.
pub fn write_summary(h: &Headroom, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{:>9}  {:>10}  {:>10}  {:>10}  {:>7}  verdict", "scale", "offered/s", "req/s", "p99 ms", "err %")?;
    for p in &h.points {
        writeln!(out, "{}", point_line(p))?;
    }
    writeln!(out)?;
    match h.scale {
        Some(s) => writeln!(
            out,
            "Headroom: every SLO passes up to {} the designed load ({:.1} req/s offered); undecided between {} and {} (each verdict at 95% confidence), point estimate {}",
            x(Some(s)),
            h.offered_per_s.unwrap_or(0.0),
            x(Some(s)),
            h.fails_from.map_or_else(|| "beyond the highest scale tried".to_owned(), |f| x(Some(f))),
            x(h.estimate)
        )?,
        None => writeln!(out, "Headroom: none: the SLOs do not all pass even at the lowest scale tried")?,
    }
    if !h.first_failing.is_empty() {
        writeln!(out, "First to fail: {}", engine::message::join(&h.first_failing, ", "))?;
    }
    if let (Some(b), Some(at)) = (&h.saturates_first, h.saturates_at_scale) {
        writeln!(out, "Saturates first: {} ({:.0}% busy at {})", b.name, b.utilization * 100.0, x(Some(at)))?;
    }
    match (&h.analytic.name, h.analytic.saturation_scale) {
        (Some(node), Some(s)) => {
            writeln!(out, "Capacity estimate: {node} reaches 100% busy at {} (mean figures, no SLO)", x(Some(s)))?;
        }
        _ => writeln!(out, "Capacity estimate: no loaded node")?,
    }
    writeln!(
        out,
        "({} runs, seed {}, the same random numbers at every scale{})",
        h.runs,
        h.seed,
        if h.run_cap_hit { "; stopped at --max-runs before the bracket was narrow" } else { "" }
    )?;
    Ok(())
}

/// Run `headroom`.
///
/// # Errors
/// Unreadable input, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let s = &args.search;
    anyhow::ensure!(s.scenarios.len() <= 1, "headroom runs under one --scenario at a time");
    let design = s.load()?;
    let design = match s.scenarios.first() {
        Some(name) => design.with_scenario(name).map_err(|e| anyhow::anyhow!("{}: {e}", s.file.display()))?,
        None => design,
    };
    if design.slos.is_empty() {
        say!("{}: the design has no SLOs: headroom is the load at which they still pass", s.file.display());
        return Ok(exit::DESIGN_ERRORS);
    }
    anyhow::ensure!(
        args.tolerance.is_finite() && args.tolerance > 0.0 && args.tolerance < 1.0,
        "--tolerance {}: a share between 0 and 1",
        args.tolerance
    );
    anyhow::ensure!((2..=1000).contains(&args.max_runs), "--max-runs {}: between 2 and 1000", args.max_runs);
    let options = HeadroomOptions {
        run: s.run.options(1.0),
        tolerance: args.tolerance,
        max_runs: args.max_runs,
        ..HeadroomOptions::default()
    };
    let control = RunControl::new();
    // Each run as it ends, on a terminal only: the table comes at the end.
    let quiet = s.output.quiet || !std::io::stderr().is_terminal();
    let h = match headroom(&design, &options, &control, |p| {
        if !quiet {
            say!("  {}", point_line(p));
        }
    }) {
        Ok(h) => h,
        Err(SimError::InvalidDesign(problems)) => {
            super::Places::of(&s.file).with_names(&design).print_refusal(&problems);
            return Ok(exit::DESIGN_ERRORS);
        }
        Err(e @ SimError::TooMuchMemory { .. }) => anyhow::bail!("{e} (--max-memory SIZE)"),
        Err(e) => return Err(e).context("headroom search failed"),
    };
    s.emit(&h, |o| write_summary(&h, o), out)?;
    let at_one = h.points.iter().find(|p| p.scale == 1.0);
    Ok(if at_one.is_some_and(|p| p.unstable) {
        exit::UNSTABLE
    } else if h.scale.is_none_or(|s| s < args.min.unwrap_or(1.0)) {
        exit::SLO_VIOLATED
    } else {
        exit::OK
    })
}
