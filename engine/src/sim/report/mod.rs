//! The run report: what users read, plot, compare and gate CI on.
//!
//! Serialised as JSON with a fixed field order and no wall-clock content, so
//! the same design and seed give byte-identical output. `docs/report.md`
//! documents every field.
//!
//! Its submodules measure a replication and turn the measurements into the
//! report: `metrics`, `resilience_metrics`, `histogram` and `trace` record
//! during the run; `aggregate` folds each finished replication (with the
//! `accumulators`, `sections`, `resilience_sections` and `fault_attribution`
//! parts) and builds the report; `confidence` gives the intervals,
//! `stability` the verdict and `cdf` each workload's latency distribution.
//! The types of the report's time series (`series`) and fault section
//! (`faults`) live in their own files; the rest are here.

pub(crate) mod accumulators;
pub(crate) mod aggregate;
pub mod cdf;
pub(crate) mod confidence;
pub(crate) mod fault_attribution;
mod faults;
pub mod histogram;
pub(crate) mod metrics;
pub(crate) mod resilience_metrics;
pub(crate) mod resilience_sections;
pub mod sampled;
pub mod sampled_otlp;
pub(crate) mod sections;
mod series;
pub(crate) mod stability;
pub(crate) mod trace;
mod windows;

use serde::{Deserialize, Serialize};

use crate::model::{Outcome, RejectCause};

pub use crate::sim::report::faults::{FaultImpact, FaultReach, FaultReport};
pub use crate::sim::report::metrics::Latency;
pub use crate::sim::report::series::{BrokerSeries, EdgeSeries, NodeSeries, TimeSeries, WorkloadSeries};

use crate::sim::report::confidence::Estimate;
use crate::sim::report::metrics::{Counts, outcome_index};
use crate::sim::report::trace::Trace;

/// Version of the report schema.
pub const REPORT_VERSION: u32 = 1;

/// Everything a run measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Report schema version.
    pub report_version: u32,
    /// Design name.
    pub design: String,
    /// The settings the run used (after overrides).
    pub settings: ReportSettings,
    /// The run did not reach a steady state: the in-flight cap was hit or a backlog kept growing.
    pub unstable: bool,
    /// Why it is unstable, in words.
    pub unstable_reasons: Vec<crate::message::Message>,
    /// Node (and broker) ids where the backlog grew.
    pub unstable_nodes: Vec<String>,
    /// Request conservation check: arrived = outcomes + in flight, per workload and node.
    pub conservation: Conservation,
    /// Things worth knowing about the figures.
    pub warnings: Vec<crate::message::Message>,
    /// Events processed over all replications.
    pub events: u64,
    /// Per workload.
    pub workloads: Vec<WorkloadReport>,
    /// Per node, in design order.
    pub nodes: Vec<NodeReport>,
    /// Per edge, in design order.
    pub edges: Vec<EdgeReport>,
    /// Per broker node.
    pub brokers: Vec<BrokerReport>,
    /// Verdicts on the design's SLOs.
    pub slos: Vec<SloVerdict>,
    /// Figures per time window, for plots.
    pub series: TimeSeries,
    /// Sampled request traces (from the first replication).
    pub traces: Vec<Trace>,
    /// Goodput against throughput (designs with policies or faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadReport>,
    /// Per scheduled fault: how far its effect spread and what it cost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultReport>,
    /// Per discovered service (nodes with `discovery`): lookups, cache, evictions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discovery: Vec<crate::sim::DiscoveryReport>,
}

impl Report {
    /// Canonical pretty JSON (byte-identical for the same design and seed).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Parse a report written by [`Report::to_json`].
    ///
    /// # Errors
    /// Malformed JSON or a different schema.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Whether any SLO failed (inconclusive verdicts do not count).
    #[must_use]
    pub fn slo_violated(&self) -> bool {
        self.slos.iter().any(|s| s.verdict == Verdict::Fail)
    }

    /// The workload with this name.
    #[must_use]
    pub fn workload(&self, name: &str) -> Option<&WorkloadReport> {
        self.workloads.iter().find(|w| w.name == name)
    }

    /// The node with this id.
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&NodeReport> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The edge with this id.
    #[must_use]
    pub fn edge(&self, id: &str) -> Option<&EdgeReport> {
        self.edges.iter().find(|e| e.id == id)
    }

    /// The broker with this node id.
    #[must_use]
    pub fn broker(&self, id: &str) -> Option<&BrokerReport> {
        self.brokers.iter().find(|b| b.id == id)
    }
}

/// Run settings as used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportSettings {
    /// Seed.
    pub seed: u64,
    /// Simulated seconds, warm-up included.
    pub duration_s: f64,
    /// Seconds excluded from statistics.
    pub warmup_s: f64,
    /// Independent replications.
    pub replications: u32,
    /// Multiplier of every open-loop rate.
    pub rate_scale: f64,
    /// Time-series window.
    pub window_s: f64,
    /// Cap on requests in flight.
    pub max_in_flight: u32,
    /// `replications` (R ≥ 2) or `batch_means` (R = 1, 10 batches).
    pub ci_method: String,
}

/// Whether conservation held.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Conservation {
    /// Every check passed.
    pub holds: bool,
    /// Failed checks, in words.
    pub violations: Vec<String>,
}

/// Requests turned away, by cause.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedCounts {
    /// Queue full.
    pub queue_full: u64,
    /// Rate limited.
    pub rate_limited: u64,
    /// Bulkhead full.
    pub bulkhead: u64,
    /// Circuit breaker open.
    pub breaker_open: u64,
    /// In-flight cap.
    pub in_flight_cap: u64,
}

impl RejectedCounts {
    /// All rejections.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.queue_full + self.rate_limited + self.bulkhead + self.breaker_open + self.in_flight_cap
    }
}

/// Counts by outcome (totals over replications).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    /// Served.
    pub ok: u64,
    /// Answered by a fallback.
    pub degraded: u64,
    /// Failed.
    pub error: u64,
    /// Timed out.
    pub timeout: u64,
    /// Rejected, by cause.
    pub rejected: RejectedCounts,
    /// Still in flight at the end.
    pub in_flight: u64,
}

impl OutcomeCounts {
    pub(crate) fn from_counts(c: &Counts, in_flight: u64) -> Self {
        let get = |o: Outcome| c.by_outcome.get(outcome_index(o)).copied().unwrap_or(0);
        let rej = |r: RejectCause| get(Outcome::Rejected(r));
        Self {
            ok: get(Outcome::Ok),
            degraded: get(Outcome::Degraded),
            error: get(Outcome::Error),
            timeout: get(Outcome::Timeout),
            rejected: RejectedCounts {
                queue_full: rej(RejectCause::QueueFull),
                rate_limited: rej(RejectCause::RateLimited),
                bulkhead: rej(RejectCause::Bulkhead),
                breaker_open: rej(RejectCause::BreakerOpen),
                in_flight_cap: rej(RejectCause::InFlightCap),
            },
            in_flight,
        }
    }

    /// Error + timeout + rejected.
    #[must_use]
    pub fn failed(&self) -> u64 {
        self.error + self.timeout + self.rejected.total()
    }

    /// Every outcome, in flight included.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.ok + self.degraded + self.failed() + self.in_flight
    }
}

/// Latency figures with confidence intervals (ms).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyEstimates {
    /// Mean.
    pub mean: Estimate,
    /// Median.
    pub p50: Estimate,
    /// 95th percentile.
    pub p95: Estimate,
    /// 99th percentile.
    pub p99: Estimate,
    /// 99.9th percentile.
    pub p999: Estimate,
}

/// Latency figures, pooled over replications (ms).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Samples behind the figures.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest.
    pub max: f64,
}

/// One workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadReport {
    /// Workload name.
    pub name: String,
    /// Entry node id.
    pub entry: String,
    /// Requests that arrived after the warm-up (totals over replications).
    pub arrived: u64,
    /// Their outcomes.
    pub outcomes: OutcomeCounts,
    /// Successful (ok + degraded) requests per second.
    pub throughput_per_s: Estimate,
    /// Share of finished requests that failed (error + timeout + rejected).
    pub error_rate: Estimate,
    /// End-to-end latency of successful requests, ms.
    pub latency_ms: LatencyEstimates,
    /// Their distribution, pooled over replications: at most 63 points,
    /// rising in latency and share (absent in reports written before it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub latency_cdf: Vec<cdf::CdfPoint>,
}

/// One node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeReport {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Node kind.
    pub kind: String,
    /// Visits that entered after the warm-up (totals over replications).
    pub visits: u64,
    /// Their outcomes.
    pub outcomes: OutcomeCounts,
    /// Successful visits per second.
    pub throughput_per_s: Estimate,
    /// Busy worker-time / available worker-time.
    pub utilization: Estimate,
    /// Time-averaged requests waiting in the queues (all replicas).
    pub mean_queue_length: Estimate,
    /// Largest queue length (all replicas) after the warm-up.
    pub max_queue_length: u64,
    /// Time-averaged visits at the node (queued, in service or downstream).
    pub mean_in_node: f64,
    /// Mean time in the node of every finished visit, ms (Little's law: mean_in_node = arrival rate × this).
    pub mean_time_in_node_ms: f64,
    /// Mean waiting time in the queue, ms.
    pub wait_ms: f64,
    /// Mean service time, ms.
    pub service_ms: f64,
    /// Mean time in downstream steps, ms.
    pub downstream_ms: f64,
    /// Visit latency of successful visits, ms.
    pub latency_ms: Percentiles,
    /// Replicas, ejections and wasted work (designs with policies or faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resilience: Option<NodeResilience>,
}

/// A node's replicas, ejections and wasted work.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeResilience {
    /// Time-averaged replicas serving (autoscaling changes it).
    pub replicas_mean: f64,
    /// Most replicas serving at once after the warm-up.
    pub replicas_max: u64,
    /// Replicas ejected by outlier detection (ejection events).
    pub ejections: u64,
    /// Time-averaged replicas ejected.
    pub ejected_mean: f64,
    /// Worker-seconds spent on visits nobody waited for any more: the caller
    /// had timed out, or the replica crashed under them.
    pub wasted_work_s: f64,
    /// Visits whose work was wasted.
    pub wasted_visits: u64,
    /// Wasted worker time / busy worker time.
    pub wasted_share: f64,
}

/// One edge, as seen by its source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EdgeReport {
    /// Edge id.
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Edge kind.
    pub kind: String,
    /// Calls, publishes or deliveries made after the warm-up.
    pub calls: u64,
    /// Their outcomes.
    pub outcomes: OutcomeCounts,
    /// Latency of successful calls as the caller sees it (network both ways included), ms.
    pub latency_ms: Percentiles,
    /// Call edges with a policy: logical calls against tries, timeouts, breaker.
    /// `calls`/`outcomes`/`latency_ms` above then count tries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<EdgePolicyReport>,
}

/// What a call policy did on an edge.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EdgePolicyReport {
    /// Logical calls made by the caller after the warm-up.
    pub logical_calls: u64,
    /// Their final outcomes (after retries and fallback).
    pub logical_outcomes: OutcomeCounts,
    /// Tries, the first ones included (fail-fast rejections included).
    pub attempts: u64,
    /// Tries beyond the first.
    pub retries: u64,
    /// Tries per logical call, over the calls that finished (their tries
    /// counted, however many windows they spanned): at least 1, exactly 1
    /// without retries.
    pub retry_amplification: f64,
    /// Tries abandoned at their per-try timeout.
    pub try_timeouts: u64,
    /// Calls that reached their overall timeout.
    pub call_timeouts: u64,
    /// Tries the caller gave up on while the callee still worked on them.
    pub abandoned: u64,
    /// Retries denied by the retry budget.
    pub budget_exhausted: u64,
    /// Tries failed fast because the breaker was open.
    pub fail_fast: u64,
    /// Tries refused by the bulkhead.
    pub bulkhead_rejections: u64,
    /// Failed calls answered by the fallback (degraded).
    pub fallbacks: u64,
    /// Latency of successful logical calls (retries and backoff included), ms.
    pub logical_latency_ms: Percentiles,
    /// The circuit breaker, when the policy has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker: Option<BreakerReport>,
}

/// A circuit breaker's history.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BreakerReport {
    /// Times it opened after the warm-up.
    pub opened: u64,
    /// Seconds open after the warm-up (mean over replications).
    pub time_open_s: f64,
    /// Share of the measured time it was open.
    pub open_share: f64,
    /// State changes of the first replication (at most 200), warm-up included.
    pub changes: Vec<BreakerChange>,
}

/// One breaker state change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BreakerChange {
    /// When, s.
    pub t_s: f64,
    /// `open`, `half_open` or `closed`.
    pub state: String,
}

/// Goodput against throughput over the measured period (means over replications).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Requests arriving at the workloads' entries per second.
    pub offered_per_s: f64,
    /// Requests answered successfully (ok or degraded) per second.
    pub goodput_per_s: f64,
    /// Of those, answered in full (ok) per second.
    pub ok_per_s: f64,
    /// Visits finished at all nodes per second, tries and wasted work
    /// included: the work the system does.
    pub throughput_per_s: f64,
    /// throughput / offered: node visits per request.
    pub amplification: f64,
    /// Wasted worker time / busy worker time over all nodes.
    pub wasted_share: f64,
}

/// One broker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrokerReport {
    /// Broker node id.
    pub id: String,
    /// `queue` or `topic`.
    pub mode: String,
    /// Messages that reached the broker after the warm-up.
    pub published: u64,
    /// Of those, stored in at least one backlog.
    pub accepted: u64,
    /// Copies dropped because a backlog was full.
    pub dropped: u64,
    /// Copies consumed successfully.
    pub delivered: u64,
    /// Failed deliveries sent again.
    pub redelivered: u64,
    /// Copies that failed `max_deliveries` times.
    pub dead_lettered: u64,
    /// Copies still stored or being delivered at the end.
    pub in_flight: u64,
    /// Time-averaged backlog (messages waiting, all subscriptions).
    pub backlog_mean: Estimate,
    /// Largest backlog after the warm-up.
    pub backlog_max: u64,
    /// Publish-to-consume delay (publisher's send to the consumer's successful end), ms.
    pub delay_ms: Percentiles,
    /// Copies lost in a broker outage that loses messages.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub lost: u64,
    /// Publishes that had to wait for room (publishers that block).
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub blocked: u64,
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}

/// The verdict on one objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The whole confidence interval is within the objective.
    Pass,
    /// The whole confidence interval is outside the objective.
    Fail,
    /// The interval straddles the objective: run longer or with more replications.
    Inconclusive,
}

/// One objective of an SLO.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SloVerdict {
    /// Workload name.
    pub workload: String,
    /// What is measured: e.g. `p99 latency` or `error rate`.
    pub objective: String,
    /// The bound (ms for latency, 0–1 for error rate).
    pub target: f64,
    /// The measured figure with its interval.
    pub measured: Estimate,
    /// Pass, fail or inconclusive.
    pub verdict: Verdict,
}
