//! The whole design: nodes, edges, workloads, faults, SLOs and run settings.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CostSettings, Edge, Node, Scenario, Workload};

/// The file-format version this build writes. Older versions are migrated on load.
pub const FORMAT_VERSION: u32 = 1;

/// How an edge partition behaves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartitionMode {
    /// Calls fail at once (connection refused).
    #[default]
    FailFast,
    /// Calls hang until the caller's timeout.
    Hang,
}

/// What a fault does (named as Chaos Mesh names its experiments).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultKind {
    /// PodKill/PodFailure: `replicas` of the node (all when absent) are down.
    Outage {
        /// Replicas down; absent means all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replicas: Option<u32>,
    },
    /// NetworkChaos delay / slowdown: added latency, or service time multiplied.
    Latency {
        /// Milliseconds added to each request's service (node) or transfer (edge).
        #[serde(default)]
        added_ms: f64,
        /// Multiplier of service time (1 = unchanged).
        #[serde(default = "one_f")]
        factor: f64,
    },
    /// An error-probability burst.
    Errors {
        /// Error probability while active, 0–1.
        probability: f64,
    },
    /// NetworkChaos partition of an edge.
    Partition {
        /// Fail fast or hang.
        #[serde(default)]
        mode: PartitionMode,
    },
    /// The broker is down.
    BrokerOutage {
        /// Whether buffered messages are lost (else held until recovery).
        #[serde(default)]
        lose_messages: bool,
    },
}

fn one_f() -> f64 {
    1.0
}

/// A scheduled fault (chaos experiment) on a node or an edge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Unique name, e.g. `payments down`.
    pub name: String,
    /// Id of the node or edge affected.
    pub target: String,
    /// Start, seconds of simulated time.
    pub start_s: f64,
    /// End, seconds of simulated time.
    pub end_s: f64,
    /// What happens.
    pub fault: FaultKind,
}

/// A latency bound: the given percentile must stay below `max_ms`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SloLatency {
    /// Percentile, e.g. 99 or 99.9.
    pub percentile: f64,
    /// Bound in milliseconds.
    pub max_ms: f64,
}

/// A service-level objective for one workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Workload name.
    pub workload: String,
    /// Latency bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<SloLatency>,
    /// Largest share of failed requests (error + timeout + rejected), 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_error_rate: Option<f64>,
}

fn default_duration_s() -> f64 {
    60.0
}

fn default_warmup_s() -> f64 {
    10.0
}

fn default_seed() -> u64 {
    1
}

fn default_replications() -> u32 {
    1
}

fn default_max_in_flight() -> u32 {
    100_000
}

fn default_window_s() -> f64 {
    1.0
}

/// Run settings, overridable from the CLI and the run bar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationSettings {
    /// Simulated seconds, warm-up included.
    #[serde(default = "default_duration_s")]
    pub duration_s: f64,
    /// Seconds at the start excluded from statistics.
    #[serde(default = "default_warmup_s")]
    pub warmup_s: f64,
    /// Random seed: same design + seed gives the same report.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Independent replications (confidence intervals across them).
    #[serde(default = "default_replications")]
    #[schemars(range(min = 1, max = 1000))]
    pub replications: u32,
    /// Cap on requests in flight: beyond it arrivals are rejected and the run is unstable.
    #[serde(default = "default_max_in_flight")]
    #[schemars(range(min = 1, max = crate::model::limits::MAX_IN_FLIGHT))]
    pub max_in_flight: u32,
    /// Width of the report's time-series windows, seconds.
    #[serde(default = "default_window_s")]
    pub window_s: f64,
}

impl Default for SimulationSettings {
    fn default() -> Self {
        Self {
            duration_s: default_duration_s(),
            warmup_s: default_warmup_s(),
            seed: default_seed(),
            replications: default_replications(),
            max_in_flight: default_max_in_flight(),
            window_s: default_window_s(),
        }
    }
}

/// A microservice design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// File-format version.
    pub version: u32,
    /// Design name.
    pub name: String,
    /// What the design shows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Services and infrastructure.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// Calls, events, subscriptions and signals.
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Traffic.
    #[serde(default)]
    pub workloads: Vec<Workload>,
    /// Scheduled faults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    /// Objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slos: Vec<Slo>,
    /// Named sets of workload rates and faults to run the design under.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// Run settings.
    #[serde(default)]
    pub simulation: SimulationSettings,
    /// Price table for the cost figures; absent means the design is not priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostSettings>,
    /// Field paths whose values were invented rather than known (by an
    /// import, say), in the validation paths' form: `nodes[api].service_time`,
    /// `workloads[imported traffic].arrival.rate_per_s`. A run of a design
    /// with placeholders says its results rest on them; editing such a value
    /// removes its path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placeholders: Vec<String>,
}

impl Default for Design {
    fn default() -> Self {
        Self {
            version: FORMAT_VERSION,
            name: "Untitled".to_owned(),
            description: String::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            workloads: Vec::new(),
            faults: Vec::new(),
            slos: Vec::new(),
            scenarios: Vec::new(),
            simulation: SimulationSettings::default(),
            cost: None,
            placeholders: Vec::new(),
        }
    }
}

impl Design {
    /// The node with this id.
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Index of the node with this id.
    #[must_use]
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The edge with this id.
    #[must_use]
    pub fn edge(&self, id: &str) -> Option<&Edge> {
        self.edges.iter().find(|e| e.id == id)
    }

    /// The node's display name, or the id itself when unknown.
    #[must_use]
    pub fn node_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.node(id).map_or(id, |n| n.name.as_str())
    }

    /// A fresh id with the given prefix that no node or edge uses yet.
    #[must_use]
    pub fn fresh_id(&self, prefix: &str) -> String {
        let mut n = self.nodes.len() + self.edges.len() + 1;
        loop {
            let id = format!("{prefix}{n}");
            if self.node(&id).is_none() && self.edge(&id).is_none() {
                return id;
            }
            n += 1;
        }
    }
}
