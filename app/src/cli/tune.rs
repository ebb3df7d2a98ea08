//! `switchboard tune FILE [-o tuned.json] [--vary replicas,workers,queue]
//! [--scenario NAME]...`: the cheapest replicas, workers and queues that pass
//! every SLO (under every scenario named), per node before → after, the cost
//! before → after, each SLO with its interval, the runs it took, each step
//! with why it was taken, and the resilience hints from the same runs. Exit 3
//! when no passing configuration was found (an inconclusive verdict after the
//! replication cap counts as failing).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::rightsize::tune::{NodeChange, TuneError, TuneOptions, Tuned, Vary, tune};
use engine::sim::{RunControl, SimError};

use super::exit;
use super::search_args::SearchArgs;

/// Arguments of `tune`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub search: SearchArgs,
    /// Write the tuned design here.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub tuned: Option<PathBuf>,
    /// What may change: replicas, workers (needs each node's
    /// cost.cpu_millicores_per_worker), queue (bounded queues; no cost).
    #[arg(long, value_delimiter = ',', value_name = "LIST", default_value = "replicas")]
    pub vary: Vec<String>,
    /// Only these nodes may change (ids, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub nodes: Vec<String>,
    /// Fewest replicas a node is given.
    #[arg(long, default_value_t = 2)]
    pub replica_floor: u32,
    /// Most simulated runs.
    #[arg(long, default_value_t = 60)]
    pub max_runs: u32,
}

/// "2 → 3" with a mark when it changed, or the figure alone.
fn before_after(before: &str, after: &str) -> String {
    if before == after { before.to_owned() } else { format!("{before} → {after}") }
}

fn queue(q: Option<u32>) -> String {
    q.map_or_else(|| "∞".to_owned(), |q| q.to_string())
}

/// The per-node table: replicas always, workers and queue when any changed.
fn write_changes(changes: &[NodeChange], out: &mut dyn Write) -> std::io::Result<()> {
    let width = changes.iter().map(|c| super::display_width(&c.name)).max().unwrap_or(8).clamp(8, 30);
    let workers = changes.iter().any(|c| c.workers_before != c.workers_after);
    let queues = changes.iter().any(|c| c.queue_before != c.queue_after);
    let mut head = format!("{}  {:<9}", super::pad("node", width), "replicas");
    if workers {
        head.push_str(&format!("  {:<9}", "workers"));
    }
    if queues {
        head.push_str("  queue");
    }
    writeln!(out, "{}", head.trim_end())?;
    for c in changes {
        let mut line = format!(
            "{}  {:<9}",
            super::pad(&c.name, width),
            before_after(&c.replicas_before.to_string(), &c.replicas_after.to_string())
        );
        if workers {
            line.push_str(&format!(
                "  {:<9}",
                before_after(&c.workers_before.to_string(), &c.workers_after.to_string())
            ));
        }
        if queues {
            line.push_str(&format!("  {}", before_after(&queue(c.queue_before), &queue(c.queue_after))));
        }
        let line = line.trim_end().to_owned();
        writeln!(out, "{line}{}", if c.changed() { "  *" } else { "" })?;
    }
    Ok(())
}

/// The summary of a tune.
///
/// # Errors
/// Write failures.
pub fn write_summary(t: &Tuned, out: &mut dyn Write) -> std::io::Result<()> {
    write_changes(&t.changes, out)?;
    if let (Some(a), Some(b)) = (t.cost_before, t.cost_after) {
        writeln!(out, "Cost per month: {} → {}", engine::cost::money(a), engine::cost::money(b))?;
    }
    if t.scenarios.is_empty() {
        super::summary::write_slo_lines(&t.slos, |v| v.objective.clone(), out)?;
    }
    for s in &t.scenarios {
        writeln!(out, "Scenario {}:", s.scenario)?;
        super::summary::write_slo_lines(&s.slos, |v| format!("{} [{}]", v.objective, s.scenario), out)?;
    }
    if !t.steps.is_empty() {
        writeln!(out, "\nSteps (each after a failing candidate, by the run's bottleneck attribution):")?;
        for (i, s) in t.steps.iter().enumerate() {
            writeln!(out, "  {:>2}. {}", i + 1, s.why.as_str())?;
        }
    }
    if !t.hints.is_empty() {
        writeln!(out, "\nResilience hints (from the same runs; none applied):")?;
        for h in &t.hints {
            writeln!(out, "  - {}", h.text.as_str())?;
        }
    }
    writeln!(out)?;
    match &t.reason {
        None => writeln!(out, "Every SLO passes ({}).", simulated_runs(t.runs))?,
        Some(why) => writeln!(out, "No passing configuration: {why} ({}).", simulated_runs(t.runs))?,
    }
    Ok(())
}

/// Run `tune`.
///
/// # Errors
/// Unreadable input, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let s = &args.search;
    let design = s.load()?;
    anyhow::ensure!((1..=10_000).contains(&args.max_runs), "--max-runs {}: between 1 and 10000", args.max_runs);
    let vary = Vary::parse(&args.vary).map_err(|e| anyhow::anyhow!("--vary {e}"))?;
    let options = TuneOptions {
        run: s.run.options(1.0),
        nodes: args.nodes.clone(),
        vary,
        scenarios: s.scenarios.clone(),
        replica_floor: args.replica_floor.max(1),
        max_runs: args.max_runs,
        ..TuneOptions::default()
    };
    let t = match tune(&design, &options, &RunControl::new()) {
        Ok(t) => t,
        Err(e @ (TuneError::NoSlos | TuneError::NoWorkerCpu(_))) => {
            say!("{}: {e}", s.file.display());
            return Ok(exit::DESIGN_ERRORS);
        }
        Err(e @ TuneError::UnknownNode(_)) => anyhow::bail!("--nodes: {e}"),
        Err(e @ TuneError::UnknownScenario(_)) => anyhow::bail!("--scenario: {e}"),
        Err(TuneError::Sim(SimError::InvalidDesign(problems))) => {
            super::Places::of(&s.file).with_names(&design).print_refusal(&problems);
            return Ok(exit::DESIGN_ERRORS);
        }
        Err(e) => return Err(e).context("tune failed"),
    };
    s.emit(&t, |o| write_summary(&t, o), out)?;
    if let Some(path) = &args.tuned {
        let text = engine::model::format::to_json(&t.design);
        engine::model::format::write_atomic(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(if t.passed { exit::OK } else { exit::SLO_VIOLATED })
}

/// "1 simulated run", "3 simulated runs".
fn simulated_runs(runs: u32) -> String {
    if runs == 1 { "1 simulated run".to_owned() } else { format!("{runs} simulated runs") }
}
