//! Tune: the fewest replicas that pass every SLO, starting from the capacity
//! estimate's lower bound.
//!
//! Each node starts at the replicas the estimate says it needs to keep its
//! workers below 100 % busy (never below the replica floor). A candidate is
//! simulated with the search's one seed (common random numbers); while its
//! verdicts are inconclusive it is run again with twice the replications, up
//! to a cap, after which it counts as failing. While a candidate fails, the
//! busiest variable node (the simulator's utilization: the resource that
//! saturates first) gets one more replica. Starting from a lower bound and
//! adding one replica at a time where the run says the queueing is, the
//! first passing candidate is the cheapest this search can find.

use serde::{Deserialize, Serialize};

use super::SloState;
use crate::model::Design;
use crate::sim::{RunControl, RunOptions, SimError, SloVerdict, run};

/// How a tune runs.
#[derive(Clone, Debug, PartialEq)]
pub struct TuneOptions {
    /// The runs' settings (seed, duration, replications, threads, memory).
    pub run: RunOptions,
    /// Node ids that may change (empty: every deployable node).
    pub nodes: Vec<String>,
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
        Self { run: RunOptions::default(), nodes: Vec::new(), replica_floor: 2, max_runs: 60, max_replications: 16 }
    }
}

/// One node's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeChange {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Replicas before.
    pub replicas_before: u32,
    /// Replicas after.
    pub replicas_after: u32,
}

/// One candidate a tune tried (after the replications that decided it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TunePoint {
    /// Replicas of every variable node, in design order.
    pub replicas: Vec<u32>,
    /// Monthly cost (designs with `cost` settings).
    pub cost: Option<f64>,
    /// The worst workload p99, ms.
    pub p99_ms: f64,
    /// Every SLO passed.
    pub all_pass: bool,
    /// Simulated runs so far, this candidate's included.
    pub runs: u32,
}

/// The candidates no other beats on both cost and p99 (the cheaper of equal
/// ones), by index, cheapest first. Candidates without a cost are left out.
#[must_use]
pub fn pareto_front(points: &[TunePoint]) -> Vec<usize> {
    let mut order: Vec<usize> =
        (0..points.len()).filter(|&i| points.get(i).is_some_and(|p| p.cost.is_some())).collect();
    let key = |i: usize| {
        points.get(i).map_or((f64::INFINITY, f64::INFINITY), |p| (p.cost.unwrap_or(f64::INFINITY), p.p99_ms))
    };
    order.sort_by(|&a, &b| {
        let (ca, pa) = key(a);
        let (cb, pb) = key(b);
        ca.total_cmp(&cb).then(pa.total_cmp(&pb))
    });
    let mut best = f64::INFINITY;
    let mut front = Vec::new();
    for i in order {
        let (_, p99) = key(i);
        if p99 < best {
            best = p99;
            front.push(i);
        }
    }
    front
}

/// What a tune found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tuned {
    /// A passing configuration was found.
    pub passed: bool,
    /// Why not, when it was not.
    pub reason: Option<String>,
    /// Every variable node, before → after, in design order.
    pub changes: Vec<NodeChange>,
    /// Monthly cost before and after (designs with `cost` settings, priced nodes only).
    pub cost_before: Option<f64>,
    /// Monthly cost of the tuned design.
    pub cost_after: Option<f64>,
    /// The last candidate's SLO verdicts.
    pub slos: Vec<SloVerdict>,
    /// Simulated runs in all.
    pub runs: u32,
    /// Every candidate tried, in order.
    #[serde(skip)]
    pub points: Vec<TunePoint>,
    /// The tuned design.
    #[serde(skip)]
    pub design: Design,
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
) -> Result<(SloState, crate::sim::Report), SimError> {
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

/// Find the fewest replicas that pass every SLO.
///
/// # Errors
/// A design without SLOs, an unknown node, invalid designs, cancellation.
pub fn tune(design: &Design, options: &TuneOptions, control: &RunControl) -> Result<Tuned, TuneError> {
    tune_observed(design, options, control, |_| {})
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
    if design.slos.is_empty() {
        return Err(TuneError::NoSlos);
    }
    if let Some(bad) = options.nodes.iter().find(|id| design.node(id).is_none()) {
        return Err(TuneError::UnknownNode(bad.clone()));
    }
    let variable: Vec<usize> = design
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind.is_deployable() && n.policies.autoscaling.is_none())
        .filter(|(_, n)| options.nodes.is_empty() || options.nodes.contains(&n.id))
        .map(|(i, _)| i)
        .collect();
    let estimate = crate::capacity::estimate(design);
    let mut d = design.clone();
    for &i in &variable {
        let Some(n) = d.nodes.get_mut(i) else { continue };
        // Busy workers the load needs: ρ × replicas × workers at the drawn size;
        // fewer replicas than busy workers / workers per replica saturate.
        let busy_replicas =
            estimate.node(&n.id).and_then(|e| e.utilization).unwrap_or(0.0) * f64::from(n.capacity.replicas);
        let bound = if busy_replicas.is_finite() { busy_replicas.floor() as u32 + 1 } else { n.capacity.replicas };
        n.capacity.replicas = bound.max(options.replica_floor).min(crate::model::limits::MAX_REPLICAS_PER_NODE);
    }
    let mut runs = 0;
    let mut points = Vec::new();
    loop {
        let (state, report) = decide(&d, options, control, &mut runs)?;
        let point = TunePoint {
            replicas: variable.iter().filter_map(|&i| d.nodes.get(i)).map(|n| n.capacity.replicas).collect(),
            cost: crate::cost::estimate(&d).map(|c| c.monthly_total),
            p99_ms: super::worst_p99_ms(&report),
            all_pass: state.all_pass,
            runs,
        };
        on_point(&point);
        points.push(point);
        if state.all_pass {
            return Ok(finish(design, d, true, None, report.slos, runs, points));
        }
        let busiest = variable
            .iter()
            .copied()
            .filter(|&i| {
                d.nodes.get(i).is_some_and(|n| n.capacity.replicas < crate::model::limits::MAX_REPLICAS_PER_NODE)
            })
            .max_by(|&a, &b| {
                let u = |i: usize| d.nodes.get(i).and_then(|n| report.node(&n.id)).map_or(0.0, |r| r.utilization.mean);
                u(a).total_cmp(&u(b))
            });
        let why = if runs >= options.max_runs {
            Some(format!("no passing configuration within {} runs", options.max_runs))
        } else if busiest.is_none() {
            Some("every variable node is at its most replicas".to_owned())
        } else {
            None
        };
        if let Some(why) = why {
            let why = if state.some_fail {
                why
            } else {
                format!("{why} (the last verdicts stayed inconclusive: counted as failing)")
            };
            return Ok(finish(design, d, false, Some(why), report.slos, runs, points));
        }
        if let Some(n) = busiest.and_then(|i| d.nodes.get_mut(i)) {
            n.capacity.replicas += 1;
        }
    }
}

fn finish(
    before: &Design,
    after: Design,
    passed: bool,
    reason: Option<String>,
    slos: Vec<SloVerdict>,
    runs: u32,
    points: Vec<TunePoint>,
) -> Tuned {
    let changes = before
        .nodes
        .iter()
        .zip(&after.nodes)
        .filter(|(a, _)| a.kind.is_deployable())
        .map(|(a, b)| NodeChange {
            id: a.id.clone(),
            name: a.name.clone(),
            replicas_before: a.capacity.replicas,
            replicas_after: b.capacity.replicas,
        })
        .collect();
    Tuned {
        passed,
        reason,
        changes,
        cost_before: crate::cost::estimate(before).map(|c| c.monthly_total),
        cost_after: crate::cost::estimate(&after).map(|c| c.monthly_total),
        slos,
        runs,
        points,
        design: after,
    }
}

#[cfg(test)]
mod tests;
