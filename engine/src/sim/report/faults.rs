//! The report's fault section: how far each fault reached and its share of
//! each workload's failures and latency.

use serde::{Deserialize, Serialize};

/// How one fault spread and what it cost, measured against a run of the same
/// seed without it (common random numbers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultReport {
    /// Fault name.
    pub name: String,
    /// Node or edge id.
    pub target: String,
    /// What it does, in words.
    pub what: crate::message::Message,
    /// Start and end, s.
    pub start_s: f64,
    /// End, s.
    pub end_s: f64,
    /// Nodes where its effect showed, earliest first.
    pub reached: Vec<FaultReach>,
    /// Its share of each workload's failures and latency.
    pub impact: Vec<FaultImpact>,
    /// The story in one sentence.
    pub summary: crate::message::Message,
}

/// When a fault's effect reached a node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultReach {
    /// Node id.
    pub node: String,
    /// When the effect first showed, s.
    pub at_s: f64,
    /// `failures` (more failed visits than without the fault) or `latency` (slower visits).
    pub effect: String,
}

/// A fault's share of a workload's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultImpact {
    /// Workload name.
    pub workload: String,
    /// Error rate with every fault.
    pub error_rate: f64,
    /// Error rate without this fault.
    pub error_rate_without: f64,
    /// Percentage points of the error rate due to this fault.
    pub error_points: f64,
    /// p99 latency with every fault, ms.
    pub p99_ms: f64,
    /// p99 latency without this fault, ms.
    pub p99_without_ms: f64,
    /// Mean latency with every fault, ms.
    pub mean_ms: f64,
    /// Mean latency without this fault, ms.
    pub mean_without_ms: f64,
}
