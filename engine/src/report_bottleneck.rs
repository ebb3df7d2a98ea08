//! Two different questions that "the bottleneck" mixes up, answered apart.
//!
//! The *saturated* resource is one whose capacity is used up: its workers
//! busy with its own work nearly all the time, or its queue full or growing
//! so that requests are turned away. Adding capacity there is what helps.
//!
//! The node with the *largest share of tail latency* is where the slowest
//! requests spend their time on the critical path ([`crate::report_explain`]).
//! It may be 1 % busy and simply slow (a payment provider): more replicas
//! would not help it.
//!
//! A blocking node's workers stay held while its calls downstream wait, so
//! its utilization counts time that is someone else's work; its own share is
//! utilization × service / (service + downstream). Of the saturated nodes the
//! one busiest with its own work is named the cause; the others are backed
//! up behind it.

use crate::message::{Message, list};
use crate::model::{Concurrency, Design};
use crate::sim::{NodeReport, Report};
use crate::units::percent;

/// Own-work utilization from which a node counts as saturated on average.
const SATURATED_MEAN: f64 = 0.85;
/// Own-work utilization of one window from which it counts as saturated then.
const SATURATED_PEAK: f64 = 0.98;

/// What "saturated" means, in one sentence.
#[must_use]
pub fn saturated_definition() -> Message {
    crate::msg!(
        "engine-saturated-definition",
        "Saturated means a resource's capacity is used up: its workers are busy with its own work nearly all the \
         time (≥ 85 % on average or ≥ 98 % in some window), or its queue filled up or kept growing, so requests wait \
         or are turned away."
    )
}

/// What "largest share of tail latency" means, in one sentence.
#[must_use]
pub fn tail_definition() -> Message {
    crate::msg!(
        "engine-tail-definition",
        "The largest share of tail latency is the node where the slowest requests (at or above p99) spend most of \
         their time on the critical path; it need not be busy, it may simply be slow."
    )
}

/// A node whose capacity was used up, and how that showed.
#[derive(Clone, Debug, PartialEq)]
pub struct Saturation {
    /// Node id.
    pub node: String,
    /// Node name.
    pub name: String,
    /// Utilization by its own work (service), averaged over the run, 0–1.
    pub own_utilization: f64,
    /// The same in its busiest window, 0–1.
    pub peak_utilization: f64,
    /// Its queues reached their capacity.
    pub queue_full: bool,
    /// Its queue kept growing (an unstable run).
    pub growing: bool,
    /// Requests it turned away because its queue was full, when its queue
    /// filled (rejections passed up from downstream are not its own).
    pub rejected: u64,
}

impl Saturation {
    /// How it showed, in words: "queue full, workers 82 % busy with its own
    /// work on average, 100 % in its busiest window, 126337 requests turned away".
    #[must_use]
    pub fn evidence(&self) -> Message {
        let mut parts = Vec::new();
        if self.growing {
            parts.push(crate::msg!("engine-evidence-queue-growing", "queue kept growing"));
        } else if self.queue_full {
            parts.push(crate::msg!("engine-evidence-queue-full", "queue full"));
        }
        parts.push(crate::msg!(
            "engine-evidence-own-work",
            "workers {busy} busy with its own work on average",
            busy = percent(self.own_utilization)
        ));
        if self.peak_utilization > self.own_utilization + 0.005 {
            parts.push(crate::msg!(
                "engine-evidence-busiest-window",
                "{busy} in its busiest window",
                busy = percent(self.peak_utilization)
            ));
        }
        if self.rejected > 0 {
            parts.push(crate::msg!(
                "engine-evidence-turned-away",
                "{rejected} requests turned away",
                rejected = self.rejected
            ));
        }
        list(parts, ", ")
    }
}

/// Share of a node's busy time that is its own work.
fn own_share(n: &NodeReport, blocking: bool) -> f64 {
    let held = n.service_ms + n.downstream_ms;
    if blocking && held > 0.0 { n.service_ms / held } else { 1.0 }
}

/// The saturated nodes, the cause first (busiest with its own work), then
/// the ones backed up behind it.
#[must_use]
pub fn saturated(report: &Report, design: &Design) -> Vec<Saturation> {
    let warmup_s = report.settings.warmup_s;
    let first = report.series.start_s.iter().position(|t| *t >= warmup_s - 1e-9).unwrap_or(usize::MAX);
    let mut out: Vec<Saturation> = Vec::new();
    for n in &report.nodes {
        let node = design.node(&n.id);
        let blocking = node.is_some_and(|d| d.capacity.concurrency == Concurrency::Blocking);
        let share = own_share(n, blocking);
        let own = n.utilization.mean * share;
        let peak = report
            .series
            .nodes
            .iter()
            .find(|s| s.id == n.id)
            .and_then(|s| s.utilization.get(first..))
            .map_or(0.0, |u| u.iter().copied().fold(0.0, f64::max))
            * share;
        let room = node.and_then(|d| d.capacity.queue_capacity).map(|q| u64::from(q) * u64::from(d_replicas(node)));
        let queue_full = room.is_some_and(|r| r > 0 && n.max_queue_length >= r);
        let growing = report.unstable_nodes.iter().any(|id| id == &n.id);
        if own >= SATURATED_MEAN || peak >= SATURATED_PEAK || queue_full || growing {
            out.push(Saturation {
                node: n.id.clone(),
                name: n.name.clone(),
                own_utilization: own,
                peak_utilization: peak.max(own),
                queue_full,
                growing,
                rejected: if queue_full { n.outcomes.rejected.queue_full } else { 0 },
            });
        }
    }
    out.sort_by(|a, b| {
        b.peak_utilization
            .max(b.own_utilization)
            .total_cmp(&a.peak_utilization.max(a.own_utilization))
            .then_with(|| b.own_utilization.total_cmp(&a.own_utilization))
            .then_with(|| a.node.cmp(&b.node))
    });
    out
}

fn d_replicas(node: Option<&crate::model::Node>) -> u32 {
    node.map_or(1, |n| n.capacity.replicas.max(1))
}

/// The saturated resource in one sentence, with the definition; `None`
/// when nothing was saturated (then [`nothing_saturated`] says so).
#[must_use]
pub fn saturated_sentence(s: &[Saturation]) -> Option<Message> {
    let cause = s.first()?;
    let evidence = cause.evidence();
    let mut sentences = vec![
        crate::msg!(
            "engine-saturated-cause",
            "Saturated: {name} ({evidence}).",
            name = &cause.name,
            evidence = &evidence
        )
        .with_list("evidence", vec![evidence.clone()], ""),
    ];
    let behind: Vec<&str> = s.iter().skip(1).map(|x| x.name.as_str()).collect();
    if !behind.is_empty() {
        sentences.push(crate::msg!(
            "engine-saturated-behind",
            "Backed up behind it: {names} (queues full while their workers mostly wait on calls downstream).",
            names = behind.join(", ")
        ));
    }
    sentences.push(saturated_definition());
    Some(Message::sentences(sentences))
}

/// The sentence for a run where nothing was saturated.
#[must_use]
pub fn nothing_saturated() -> Message {
    Message::sentences(vec![crate::msg!("engine-saturated-none", "Saturated: no node."), saturated_definition()])
}
