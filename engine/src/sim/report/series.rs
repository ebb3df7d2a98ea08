//! The report's time series: figures per window of simulated time, for the
//! design as a whole, per workload, node, edge and broker (what the plots draw).

use serde::{Deserialize, Serialize};

/// Per-window figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeSeries {
    /// Window length, s.
    pub window_s: f64,
    /// Start of each window, s (the warm-up windows are included).
    pub start_s: Vec<f64>,
    /// Per workload.
    pub workloads: Vec<WorkloadSeries>,
    /// Per node.
    pub nodes: Vec<NodeSeries>,
    /// Per broker.
    pub brokers: Vec<BrokerSeries>,
    /// Per call edge with a policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edges: Vec<EdgeSeries>,
    /// Visits finished at all nodes per second (designs with policies or faults).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub work_per_s: Vec<f64>,
}

/// A policy edge's series.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EdgeSeries {
    /// Edge id.
    pub id: String,
    /// Logical calls finished per second.
    pub calls_per_s: Vec<f64>,
    /// Tries started per second.
    pub attempts_per_s: Vec<f64>,
    /// Tries per logical call, of the calls that finished in the window
    /// (their tries, some started in earlier windows): at least 1, exactly 1
    /// without retries; `null` when no call finished.
    #[serde(default)]
    pub tries_per_call: Vec<Option<f64>>,
    /// Share of the window the breaker was open.
    pub breaker_open: Vec<f64>,
}

/// A workload's series (means over replications).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkloadSeries {
    /// Workload name.
    pub name: String,
    /// Successful requests per second.
    pub throughput_per_s: Vec<f64>,
    /// Failed requests in the window.
    pub errors: Vec<f64>,
    /// Median latency of the requests that succeeded in the window, ms;
    /// `null` when none did (no latency, which is not 0 ms).
    pub p50_ms: Vec<Option<f64>>,
    /// 99th percentile of the same requests, ms; `null` when none succeeded.
    pub p99_ms: Vec<Option<f64>>,
}

/// A node's series.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeSeries {
    /// Node id.
    pub id: String,
    /// Utilization in the window.
    pub utilization: Vec<f64>,
    /// Time-averaged queue length in the window.
    pub queue_length: Vec<f64>,
    /// Time-averaged replicas serving (designs with policies or faults).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicas: Vec<f64>,
}

/// A broker's series.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrokerSeries {
    /// Broker node id.
    pub id: String,
    /// Time-averaged backlog in the window.
    pub backlog: Vec<f64>,
    /// Consumer lag in time: age of the oldest waiting message at the window's end, ms
    /// (designs with policies or faults).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lag_ms: Vec<f64>,
}
