//! What a tune reports: the candidates it tried, the Pareto front of cost
//! against p99, each node before → after, the steps with their reasons and
//! the resilience hints.

use serde::{Deserialize, Serialize};

use super::step::TuneStep;
use crate::model::Design;
use crate::rightsize::hints::ResilienceHint;
use crate::sim::SloVerdict;

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
    /// Workers per replica before.
    pub workers_before: u32,
    /// Workers per replica after.
    pub workers_after: u32,
    /// Queue capacity per replica before (absent: unbounded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_before: Option<u32>,
    /// Queue capacity per replica after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_after: Option<u32>,
}

impl NodeChange {
    /// Whether anything changed.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.replicas_before != self.replicas_after
            || self.workers_before != self.workers_after
            || self.queue_before != self.queue_after
    }
}

/// One candidate a tune tried (after the replications that decided it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TunePoint {
    /// Replicas of every variable node, in design order.
    pub replicas: Vec<u32>,
    /// Monthly cost (designs with `cost` settings).
    pub cost: Option<f64>,
    /// The worst workload p99, ms (over the scenarios run).
    pub p99_ms: f64,
    /// Every SLO passed (in every scenario).
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

/// One scenario's verdicts for the last candidate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioVerdicts {
    /// The scenario's name.
    pub scenario: String,
    /// Its SLO verdicts (absent scenarios were not run: an earlier one failed).
    pub slos: Vec<SloVerdict>,
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
    /// The last candidate's SLO verdicts (under the first scenario held).
    pub slos: Vec<SloVerdict>,
    /// Per scenario held (`--scenario`), the last candidate's verdicts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<ScenarioVerdicts>,
    /// Simulated runs in all.
    pub runs: u32,
    /// Each change made after a failing candidate, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<TuneStep>,
    /// Resilience findings from the same runs (never applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<ResilienceHint>,
    /// Every candidate tried, in order.
    #[serde(skip)]
    pub points: Vec<TunePoint>,
    /// The tuned design.
    #[serde(skip)]
    pub design: Design,
}

/// Each deployable node of `before`, before → after.
#[must_use]
pub fn changes(before: &Design, after: &Design) -> Vec<NodeChange> {
    before
        .nodes
        .iter()
        .zip(&after.nodes)
        .filter(|(a, _)| a.kind.is_deployable())
        .map(|(a, b)| NodeChange {
            id: a.id.clone(),
            name: a.name.clone(),
            replicas_before: a.capacity.replicas,
            replicas_after: b.capacity.replicas,
            workers_before: a.capacity.workers,
            workers_after: b.capacity.workers,
            queue_before: a.capacity.queue_capacity,
            queue_after: b.capacity.queue_capacity,
        })
        .collect()
}
