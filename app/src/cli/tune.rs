//! `switchboard tune FILE [-o tuned.json]`: the fewest replicas that pass
//! every SLO, per node before → after, the cost before → after, each SLO with
//! its interval and the runs it took. Exit 3 when no passing configuration
//! was found (an inconclusive verdict after the replication cap counts as failing).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::rightsize::tune::{TuneError, TuneOptions, Tuned, tune};
use engine::sim::{RunControl, SimError};

use super::simulate::RunArgs;
use super::{Output, exit};

/// Arguments of `tune`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// Write the tuned design here.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub tuned: Option<PathBuf>,
    /// Only these nodes may change (ids, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub nodes: Vec<String>,
    /// Fewest replicas a node is given.
    #[arg(long, default_value_t = 2)]
    pub replica_floor: u32,
    /// Most simulated runs.
    #[arg(long, default_value_t = 60)]
    pub max_runs: u32,
    /// Run under this scenario of the design.
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: Output,
}

/// The summary of a tune.
///
/// # Errors
/// Write failures.
pub fn write_summary(t: &Tuned, out: &mut dyn Write) -> std::io::Result<()> {
    let width = t.changes.iter().map(|c| super::display_width(&c.name)).max().unwrap_or(8).clamp(8, 30);
    writeln!(out, "{}  replicas", super::pad("node", width))?;
    for c in &t.changes {
        let mark = if c.replicas_before == c.replicas_after { "" } else { "  *" };
        writeln!(out, "{}  {:>3} → {:<3}{mark}", super::pad(&c.name, width), c.replicas_before, c.replicas_after)?;
    }
    if let (Some(a), Some(b)) = (t.cost_before, t.cost_after) {
        writeln!(out, "Cost per month: {} → {}", engine::cost::money(a), engine::cost::money(b))?;
    }
    for v in &t.slos {
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
            v.objective,
            f.measured_with_ci(),
            f.target
        )?;
    }
    match &t.reason {
        None => writeln!(out, "Every SLO passes ({} runs).", t.runs)?,
        Some(why) => writeln!(out, "No passing configuration: {why} ({} runs).", t.runs)?,
    }
    Ok(())
}

/// Run `tune`.
///
/// # Errors
/// Unreadable input, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    let design = match &args.scenario {
        Some(name) => design.with_scenario(name).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?,
        None => design,
    };
    anyhow::ensure!((1..=10_000).contains(&args.max_runs), "--max-runs {}: between 1 and 10000", args.max_runs);
    args.run.check_window(&design)?;
    args.run.check_limits(&design, 1.0)?;
    let options = TuneOptions {
        run: args.run.options(1.0),
        nodes: args.nodes.clone(),
        replica_floor: args.replica_floor.max(1),
        max_runs: args.max_runs,
        ..TuneOptions::default()
    };
    let t = match tune(&design, &options, &RunControl::new()) {
        Ok(t) => t,
        Err(TuneError::NoSlos) => {
            say!("{}: {}", args.file.display(), TuneError::NoSlos);
            return Ok(exit::DESIGN_ERRORS);
        }
        Err(e @ TuneError::UnknownNode(_)) => anyhow::bail!("--nodes: {e}"),
        Err(TuneError::Sim(SimError::InvalidDesign(problems))) => {
            super::Places::of(&args.file).with_names(&design).print_refusal(&problems);
            return Ok(exit::DESIGN_ERRORS);
        }
        Err(e) => return Err(e).context("tune failed"),
    };
    let to_stdout = args.output.json.as_deref() == Some(std::path::Path::new("-"));
    if !args.output.quiet && !to_stdout {
        write_summary(&t, &mut super::Printable(&mut *out))?;
    }
    if let Some(path) = &args.output.json {
        let mut json = serde_json::to_string_pretty(&t)?;
        json.push('\n');
        super::write_json(path, &json, out)?;
    }
    if let Some(path) = &args.tuned {
        let text = engine::model::format::to_json(&t.design);
        engine::model::format::write_atomic(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(if t.passed { exit::OK } else { exit::SLO_VIOLATED })
}
