//! What a failing candidate changes next, and why.
//!
//! The choice follows the "Why" tab's attribution, not the busiest node by
//! utilization alone: first the *saturated* resource
//! ([`crate::report_bottleneck::saturated`], the cause before the nodes
//! backed up behind it, a blocking node's time waiting downstream not counted
//! as its own work); when nothing is saturated, the node where the tail
//! requests (at or above p99) queue longest on their critical path
//! ([`crate::report_explain`]): queueing is what capacity removes, a slow but
//! idle node would not get faster with more replicas. Only when neither names
//! a variable node does the busiest one get the step.
//!
//! A node gets capacity as a replica or as a worker per replica, whichever
//! costs less per worker added (a worker's price is its
//! `cost.cpu_millicores_per_worker`); a queue that fills in bursts while its
//! workers are not used up is doubled instead, which costs nothing.

use serde::{Deserialize, Serialize};

use super::Vary;
use crate::message::Message;
use crate::model::{Design, Node};
use crate::report_bottleneck::{Saturation, saturated};
use crate::sim::Report;
use crate::units::{ms, percent};

/// Most workers per replica a tune gives a node.
pub const MAX_WORKERS: u32 = 10_000;
/// Own-work utilization below which a full queue is a burst, not saturation.
const BURST_BELOW: f64 = 0.85;

/// What a step changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Knob {
    /// Replicas behind the balancer.
    Replicas,
    /// Workers per replica.
    Workers,
    /// Queue capacity per replica.
    Queue,
}

/// One change a tune made after a failing candidate, with its reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TuneStep {
    /// The candidate (index into the points) whose run led to the step.
    pub after_candidate: usize,
    /// Node id.
    pub node: String,
    /// Display name.
    pub name: String,
    /// What changed.
    pub knob: Knob,
    /// Value before.
    pub before: u32,
    /// Value after.
    pub after: u32,
    /// Why, with the run's evidence.
    pub why: Message,
}

/// Workers of a node set to `workers`, its CPU request moved by its per-worker
/// CPU for each worker added or removed (the replica's price follows).
pub(super) fn set_workers(n: &mut Node, workers: u32) {
    let per_worker = n.cost.cpu_millicores_per_worker.unwrap_or(0);
    let old = n.capacity.workers;
    let cpu = n.deployment.cpu_millicores.unwrap_or(0);
    let cpu = if workers >= old {
        cpu.saturating_add(per_worker.saturating_mul(workers - old))
    } else {
        cpu.saturating_sub(per_worker.saturating_mul(old - workers))
    };
    n.deployment.cpu_millicores = Some(cpu.max(per_worker.saturating_mul(workers)));
    n.capacity.workers = workers;
}

/// The cheaper way to add capacity to `n`: `(knob, before, after)`.
fn capacity_change(design: &Design, n: &Node, vary: Vary) -> Option<(Knob, u32, u32)> {
    let replicas = vary.replicas && n.capacity.replicas < crate::model::limits::MAX_REPLICAS_PER_NODE;
    let workers = vary.workers && n.capacity.workers < MAX_WORKERS;
    let by_replica = (Knob::Replicas, n.capacity.replicas, n.capacity.replicas + 1);
    let by_worker = (Knob::Workers, n.capacity.workers, n.capacity.workers + 1);
    match (replicas, workers) {
        (true, true) => {
            // Price of one more worker slot each way; without prices, a replica
            // (it also keeps the node up through a failure).
            let slot = design.cost.as_ref().and_then(|s| {
                let replica = crate::cost::node_monthly(s, n, 1.0).1? / f64::from(n.capacity.workers.max(1));
                let worker = f64::from(n.cost.cpu_millicores_per_worker?) / 1000.0
                    * s.price_table.vcpu_hour_price
                    * s.hours_per_month;
                Some((replica, worker))
            });
            Some(if slot.is_some_and(|(r, w)| w < r) { by_worker } else { by_replica })
        }
        (true, false) => Some(by_replica),
        (false, true) => Some(by_worker),
        (false, false) => None,
    }
}

/// The change in words: "one more replica (2 → 3)".
fn change_text(knob: Knob, before: u32, after: u32) -> Message {
    match knob {
        Knob::Replicas => {
            crate::msg!(
                "engine-tune-more-replicas",
                "one more replica ({before} → {after})",
                before = before,
                after = after
            )
        }
        Knob::Workers => crate::msg!(
            "engine-tune-more-workers",
            "one more worker per replica ({before} → {after})",
            before = before,
            after = after
        ),
        Knob::Queue => {
            crate::msg!(
                "engine-tune-longer-queue",
                "a longer queue ({before} → {after}, no cost)",
                before = before,
                after = after
            )
        }
    }
}

fn step(after_candidate: usize, n: &Node, (knob, before, after): (Knob, u32, u32), why: Message) -> TuneStep {
    TuneStep { after_candidate, node: n.id.clone(), name: n.name.clone(), knob, before, after, why }
}

/// A saturated variable node's step: a longer queue for a burst, else capacity.
fn saturated_step(design: &Design, s: &Saturation, n: &Node, vary: Vary, at: usize) -> Option<TuneStep> {
    let queue = n.capacity.queue_capacity.filter(|_| vary.queue);
    if let Some(q) = queue.filter(|_| s.queue_full && !s.growing && s.own_utilization < BURST_BELOW) {
        let change = (Knob::Queue, q, q.saturating_mul(2).max(q + 1));
        let text = change_text(change.0, change.1, change.2);
        let evidence = s.evidence();
        let why = crate::msg!(
            "engine-tune-why-burst",
            "{name}'s queue filled ({evidence}) while its workers were not used up: {text}.",
            name = &n.name,
            evidence = &evidence,
            text = &text
        )
        .with_list("evidence", vec![evidence.clone()], "")
        .with_list("text", vec![text.clone()], "");
        return Some(step(at, n, change, why));
    }
    let change = capacity_change(design, n, vary)?;
    let text = change_text(change.0, change.1, change.2);
    let evidence = s.evidence();
    let why = crate::msg!(
        "engine-tune-why-saturated",
        "Saturated: {name} ({evidence}): {text}.",
        name = &n.name,
        evidence = &evidence,
        text = &text
    )
    .with_list("evidence", vec![evidence.clone()], "")
    .with_list("text", vec![text.clone()], "");
    Some(step(at, n, change, why))
}

/// The step after candidate `at` failed with `report`; `None` when no
/// variable node can change any more.
pub(super) fn next_step(
    design: &Design,
    report: &Report,
    variable: &[usize],
    vary: Vary,
    at: usize,
) -> Option<TuneStep> {
    let node_at = |i: usize| design.nodes.get(i);
    let is_variable = |id: &str| variable.iter().filter_map(|&i| node_at(i)).find(|n| n.id == id);
    // 1. The saturated resource, the cause first.
    for s in saturated(report, design) {
        if let Some(step) = is_variable(&s.node).and_then(|n| saturated_step(design, &s, n, vary, at)) {
            return Some(step);
        }
    }
    // 2. Where the tail requests queue on their critical path.
    let explained = crate::report_explain::explain(report, Some(design));
    let traces = explained.tail_traces.max(1) as f64;
    let queued = explained
        .tail
        .iter()
        .filter(|t| t.queue_ms > 0.0)
        .filter_map(|t| is_variable(&t.node).map(|n| (t, n)))
        .filter_map(|(t, n)| capacity_change(design, n, vary).map(|c| (t, n, c)))
        .max_by(|a, b| a.0.queue_ms.total_cmp(&b.0.queue_ms).then_with(|| b.1.id.cmp(&a.1.id)));
    if let Some((t, n, change)) = queued {
        let total: f64 = explained.tail.iter().map(crate::report_explain::TailShare::total_ms).sum();
        let text = change_text(change.0, change.1, change.2);
        let why = crate::msg!(
            "engine-tune-why-tail-queue",
            "The slowest requests (at or above p99) wait {wait} on average in {name}'s queue, {share} of their critical-path time: {text}.",
            wait = ms(t.queue_ms / traces),
            name = &n.name,
            share = percent(if total > 0.0 { t.queue_ms / total } else { 0.0 }),
            text = &text
        )
        .with_list("text", vec![text.clone()], "");
        return Some(step(at, n, change, why));
    }
    // 3. The busiest variable node.
    let busy = |n: &Node| report.node(&n.id).map_or(0.0, |r| r.utilization.mean);
    let (n, change) = variable
        .iter()
        .filter_map(|&i| node_at(i))
        .filter_map(|n| capacity_change(design, n, vary).map(|c| (n, c)))
        .max_by(|a, b| busy(a.0).total_cmp(&busy(b.0)))?;
    let text = change_text(change.0, change.1, change.2);
    let why = crate::msg!(
        "engine-tune-why-busiest",
        "Nothing saturated and no tail queueing at a node that may change; {name} is the busiest ({busy} busy): {text}.",
        name = &n.name,
        busy = percent(busy(n)),
        text = &text
    )
    .with_list("text", vec![text.clone()], "");
    Some(step(at, n, change, why))
}

/// Apply a step to the candidate.
pub(super) fn apply(design: &mut Design, s: &TuneStep) {
    let Some(n) = design.nodes.iter_mut().find(|n| n.id == s.node) else { return };
    match s.knob {
        Knob::Replicas => n.capacity.replicas = s.after,
        Knob::Workers => set_workers(n, s.after),
        Knob::Queue => n.capacity.queue_capacity = Some(s.after),
    }
}
