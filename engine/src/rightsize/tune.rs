//! Tune: the cheapest replicas, workers and queues that pass every SLO,
//! starting from the capacity estimate's lower bound.
//!
//! Each variable node starts at the capacity the estimate says it needs to
//! keep its workers below 100 % busy (never below the replica floor). A
//! candidate is simulated with the search's one seed (common random
//! numbers), under the design as drawn or under each scenario held (every
//! one must pass); while its verdicts are inconclusive it is run again with
//! twice the replications, up to a cap, after which it counts as failing.
//! While a candidate fails, the run's bottleneck attribution (the "Why"
//! tab's, [`step`]) says which node gets one step more: a replica, a worker
//! per replica or a longer queue, each step kept with its reason. Starting
//! from a lower bound and adding one step at a time where the run says the
//! requests wait, the first passing candidate is the cheapest this search
//! can find. The same runs feed the resilience hints
//! ([`crate::rightsize::hints`]).

mod result;
pub mod step;

pub use result::{NodeChange, ScenarioVerdicts, TunePoint, Tuned, pareto_front};
pub use step::{Knob, TuneStep};

use super::SloState;
use super::hints::Hints;
use crate::model::Design;
use crate::sim::{Report, RunControl, RunOptions, SimError, run};

/// What a tune may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vary {
    /// Replicas behind the balancer.
    pub replicas: bool,
    /// Workers per replica (each node needs `cost.cpu_millicores_per_worker`).
    pub workers: bool,
    /// Queue capacity of nodes with a bounded queue (costs nothing).
    pub queue: bool,
}

impl Default for Vary {
    fn default() -> Self {
        Self { replicas: true, workers: false, queue: false }
    }
}

impl Vary {
    /// From names: `replicas`, `workers`, `queue`.
    ///
    /// # Errors
    /// An unknown name, or none at all.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        let mut v = Self { replicas: false, workers: false, queue: false };
        for name in names {
            match name.as_ref().trim() {
                "replicas" => v.replicas = true,
                "workers" => v.workers = true,
                "queue" => v.queue = true,
                other => return Err(format!("{other:?}: one of replicas, workers, queue")),
            }
        }
        if !(v.replicas || v.workers || v.queue) {
            return Err("nothing to vary: name replicas, workers or queue".to_owned());
        }
        Ok(v)
    }
}

/// How a tune runs.
#[derive(Clone, Debug, PartialEq)]
pub struct TuneOptions {
    /// The runs' settings (seed, duration, replications, threads, memory).
    pub run: RunOptions,
    /// Node ids that may change (empty: every deployable node).
    pub nodes: Vec<String>,
    /// What may change.
    pub vary: Vary,
    /// Scenarios that must all pass (empty: the design as drawn).
    pub scenarios: Vec<String>,
    /// Fewest replicas a node is given (2 keeps a node up through one failure).
    pub replica_floor: u32,
    /// Most simulated runs.
    pub max_runs: u32,
    /// Most replications one candidate is run with before an inconclusive
    /// verdict counts as failing.
    pub max_replications: u32,
}

impl Default for TuneOptions {
    fn default() -> Self {
        Self {
            run: RunOptions::default(),
            nodes: Vec::new(),
            vary: Vary::default(),
            scenarios: Vec::new(),
            replica_floor: 2,
            max_runs: 60,
            max_replications: 16,
        }
    }
}

/// Why a tune could not start.
#[derive(Debug, thiserror::Error)]
pub enum TuneError {
    /// Nothing to pass.
    #[error("the design has no SLOs: tune looks for the cheapest design that passes them")]
    NoSlos,
    /// A `--nodes` id that is not a node.
    #[error("no node {0:?}")]
    UnknownNode(String),
    /// A scenario to hold that the design does not have.
    #[error("no scenario named {0:?}")]
    UnknownScenario(String),
    /// Workers may vary but a node has no per-worker CPU figure to price them.
    #[error(
        "node {0:?} has no cost.cpu_millicores_per_worker: varying workers needs the CPU one worker takes (set it, or leave workers out of --vary)"
    )]
    NoWorkerCpu(String),
    /// A run failed.
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// The candidate's verdict after replications enough to decide, and the runs it took.
fn decide(
    design: &Design,
    options: &TuneOptions,
    control: &RunControl,
    runs: &mut u32,
) -> Result<(SloState, Report), SimError> {
    let mut reps = options.run.replications.unwrap_or(design.simulation.replications).max(1);
    loop {
        let opts = RunOptions { replications: Some(reps), ..options.run.clone() };
        let report = run(design, &opts, control)?;
        *runs += 1;
        let state = SloState::of(&report);
        let decided = state.all_pass || state.some_fail;
        if decided || reps * 2 > options.max_replications || *runs >= options.max_runs {
            return Ok((state, report));
        }
        reps *= 2;
    }
}

/// One candidate under every scenario held, in order, stopping at the first
/// that does not pass: its state, its run (the one to attribute), its design
/// (as the run saw it) and the verdicts per scenario run.
struct Decided {
    state: SloState,
    report: Report,
    seen_as: Design,
    p99_ms: f64,
    scenarios: Vec<ScenarioVerdicts>,
}

fn decide_all(
    candidate: &Design,
    options: &TuneOptions,
    control: &RunControl,
    runs: &mut u32,
    hints: &mut Hints,
) -> Result<Decided, TuneError> {
    let names: Vec<Option<&String>> =
        if options.scenarios.is_empty() { vec![None] } else { options.scenarios.iter().map(Some).collect() };
    let mut scenarios = Vec::new();
    let mut p99_ms: f64 = 0.0;
    let mut last = None;
    for name in names {
        let seen_as = match name {
            Some(n) => candidate.with_scenario(n).map_err(|_| TuneError::UnknownScenario(n.clone()))?,
            None => candidate.clone(),
        };
        let (state, report) = decide(&seen_as, options, control, runs)?;
        hints.observe(&seen_as, &report);
        p99_ms = p99_ms.max(super::worst_p99_ms(&report));
        if let Some(n) = name {
            scenarios.push(ScenarioVerdicts { scenario: n.clone(), slos: report.slos.clone() });
        }
        let stop = !state.all_pass || *runs >= options.max_runs;
        last = Some((state, report, seen_as));
        if stop {
            break;
        }
    }
    let (state, report, seen_as) = last.ok_or_else(|| SimError::Internal("no run".to_owned()))?;
    Ok(Decided { state, report, seen_as, p99_ms, scenarios })
}

/// Find the cheapest configuration that passes every SLO.
///
/// # Errors
/// A design without SLOs, an unknown node or scenario, workers to vary
/// without a per-worker CPU figure, invalid designs, cancellation.
pub fn tune(design: &Design, options: &TuneOptions, control: &RunControl) -> Result<Tuned, TuneError> {
    tune_observed(design, options, control, |_| {})
}

/// The nodes that may change, by index, after checking the options.
fn variable_nodes(design: &Design, options: &TuneOptions) -> Result<Vec<usize>, TuneError> {
    if design.slos.is_empty() {
        return Err(TuneError::NoSlos);
    }
    if let Some(bad) = options.nodes.iter().find(|id| design.node(id).is_none()) {
        return Err(TuneError::UnknownNode(bad.clone()));
    }
    if let Some(bad) = options.scenarios.iter().find(|s| design.scenario(s).is_none()) {
        return Err(TuneError::UnknownScenario(bad.clone()));
    }
    let variable: Vec<usize> = design
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind.is_deployable() && n.policies.autoscaling.is_none())
        .filter(|(_, n)| options.nodes.is_empty() || options.nodes.contains(&n.id))
        .map(|(i, _)| i)
        .collect();
    if options.vary.workers
        && let Some(n) =
            variable.iter().filter_map(|&i| design.nodes.get(i)).find(|n| n.cost.cpu_millicores_per_worker.is_none())
    {
        return Err(TuneError::NoWorkerCpu(n.id.clone()));
    }
    Ok(variable)
}

/// The first candidate: every variable node at the estimate's lower bound.
fn lower_bound(design: &Design, variable: &[usize], options: &TuneOptions) -> Design {
    let estimate = crate::capacity::estimate(design);
    let mut d = design.clone();
    for &i in variable {
        let Some(n) = d.nodes.get_mut(i) else { continue };
        // Busy workers the load needs: ρ × replicas × workers at the drawn size;
        // fewer than that saturate.
        let rho = estimate.node(&n.id).and_then(|e| e.utilization).unwrap_or(0.0);
        let busy_workers = rho * f64::from(n.capacity.replicas) * f64::from(n.capacity.workers);
        if !busy_workers.is_finite() {
            continue;
        }
        if options.vary.replicas {
            let per_replica = f64::from(n.capacity.workers.max(1));
            let bound = (busy_workers / per_replica).floor() as u32 + 1;
            n.capacity.replicas = bound.max(options.replica_floor).min(crate::model::limits::MAX_REPLICAS_PER_NODE);
        } else if options.vary.workers {
            let bound = (busy_workers / f64::from(n.capacity.replicas.max(1))).floor() as u32 + 1;
            step::set_workers(n, bound.clamp(1, step::MAX_WORKERS));
        }
    }
    d
}

/// [`tune`], telling `on_point` about every candidate as soon as it is
/// decided (the app's progress and plot).
///
/// # Errors
/// As [`tune`].
pub fn tune_observed(
    design: &Design,
    options: &TuneOptions,
    control: &RunControl,
    mut on_point: impl FnMut(&TunePoint),
) -> Result<Tuned, TuneError> {
    let variable = variable_nodes(design, options)?;
    let mut d = lower_bound(design, &variable, options);
    let mut runs = 0;
    let mut points = Vec::new();
    let mut steps = Vec::new();
    let mut hints = Hints::default();
    loop {
        let decided = decide_all(&d, options, control, &mut runs, &mut hints)?;
        let point = TunePoint {
            replicas: variable.iter().filter_map(|&i| d.nodes.get(i)).map(|n| n.capacity.replicas).collect(),
            cost: crate::cost::estimate(&d).map(|c| c.monthly_total),
            p99_ms: decided.p99_ms,
            all_pass: decided.state.all_pass,
            runs,
        };
        on_point(&point);
        points.push(point);
        let next = if decided.state.all_pass {
            None
        } else {
            step::next_step(&decided.seen_as, &decided.report, &variable, options.vary, points.len() - 1)
        };
        let why = if decided.state.all_pass {
            None
        } else if runs >= options.max_runs {
            Some(format!("no passing configuration within {} runs", options.max_runs))
        } else if next.is_none() {
            Some("no variable node can change any more".to_owned())
        } else {
            None
        };
        if decided.state.all_pass || why.is_some() {
            let why = why.map(|why| {
                if decided.state.some_fail {
                    why
                } else {
                    format!("{why} (the last verdicts stayed inconclusive: counted as failing)")
                }
            });
            return Ok(Tuned {
                passed: decided.state.all_pass,
                reason: why,
                changes: result::changes(design, &d),
                cost_before: crate::cost::estimate(design).map(|c| c.monthly_total),
                cost_after: crate::cost::estimate(&d).map(|c| c.monthly_total),
                slos: decided.scenarios.first().map_or(decided.report.slos, |s| s.slos.clone()),
                scenarios: decided.scenarios,
                runs,
                steps,
                hints: hints.finish(design),
                points,
                design: d,
            });
        }
        if let Some(s) = next {
            step::apply(&mut d, &s);
            steps.push(s);
        }
    }
}

#[cfg(test)]
mod tests;
