//! Compiling a `Design` into a flat plan indexed by integers.
//!
//! The event loop never looks up a string: every node, edge, operation
//! (handler), step stage, branch group, broker and subscription gets an index
//! once, here, and the hot path follows indices. Times become integer
//! nanoseconds and distributions become ready-to-draw samplers. Compiling
//! judges nothing: the design was analysed first (`sim::compile`), and every
//! rule of what the simulator can run is a validation rule, so a missing node
//! or an impossible value never reaches this file. This file holds the
//! plan's types; `compile.rs` builds them from a design, phase by phase.

use crate::model::{BrokerMode, Design, EdgeKind, LoadBalancer, NodeKind, RateProfile, WhenFull};
use crate::sampling::{BranchGroup, Sampler, s_to_ns};

/// "No index".
pub(crate) const NONE: u32 = u32::MAX;

/// How a step reaches its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StepKind {
    /// Request/response: the caller's visit waits for the callee's.
    Call,
    /// Fire-and-forget publish to a broker.
    Event,
    /// In-process receiver run on the sender's worker.
    Signal,
}

/// A node compiled for the run.
#[derive(Debug)]
pub(crate) struct PNode {
    pub id: String,
    pub kind: NodeKind,
    pub replicas: u32,
    pub workers: u32,
    /// Queue capacity per replica (`u32::MAX` = unbounded).
    pub queue_cap: u32,
    pub lb: LoadBalancer,
    pub blocking: bool,
    /// Receivers run on their sender's worker: no station of their own.
    pub inline: bool,
    pub error_p: f64,
    /// Cache hit ratio (0 when not a cache).
    pub hit_ratio: f64,
    /// Broker index, or `NONE`.
    pub broker: u32,
    /// First replica in the flat replica list.
    pub first_replica: u32,
    /// A load source: no station, no service time, unlimited concurrency.
    pub client: bool,
    /// Node policies (index into `Plan::node_pols`), or `NONE`.
    pub pol: u32,
    /// Replicas can be down, ejected or not started: the load balancer checks.
    pub dynamic: bool,
    /// Some fault targets the node: service and errors check the fault state.
    pub faulted: bool,
    /// Replicas serving at the start (`replicas` is the number of slots).
    pub initial_replicas: u32,
    /// Service discovery (index into `Plan::discs`), or `NONE`.
    pub disc: u32,
    /// A station with no per-visit extras (policy, fault, error, cache hit,
    /// broker, discovery): its visits take the short path. Set once the plan is built.
    pub plain: bool,
}

/// One operation of a node: its service time and its steps.
#[derive(Debug)]
pub(crate) struct Handler {
    pub node: u32,
    pub op: Option<String>,
    pub service: Sampler,
    pub first_stage: u32,
    pub n_stages: u32,
    pub first_group: u32,
    pub n_groups: u32,
}

/// A stage: one step, or a parallel group forked and joined together.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stage {
    pub first: u32,
    pub n: u32,
}

/// One step of a handler.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Member {
    pub edge: u32,
    pub kind: StepKind,
    pub to_node: u32,
    pub to_handler: u32,
    pub probability: f64,
    pub calls: u32,
    /// The edge's call policy (copied here so a step needs no edge lookup), or `NONE`.
    pub policy: u32,
    /// Bit in the visit's branch-skip mask, or `u8::MAX` when not in a branch group.
    pub bit: u8,
}

/// An edge compiled for the run.
#[derive(Debug)]
pub(crate) struct PEdge {
    pub id: String,
    pub kind: EdgeKind,
    pub latency: Option<Sampler>,
    pub robust: bool,
    /// Call policy (index into `Plan::policies`), or `NONE`.
    pub policy: u32,
    /// Some fault targets the edge.
    pub faulted: bool,
    /// Event edges: the publisher's behaviour at a full broker.
    pub when_full: WhenFull,
    /// Calls to a client-side discovered node: the caller's instance-list
    /// cache (index into `Plan::caches`), or `NONE`.
    pub cache: u32,
}

/// A broker.
#[derive(Debug)]
pub(crate) struct PBroker {
    pub node: u32,
    pub mode: BrokerMode,
    /// Messages per backlog (`u64::MAX` = unbounded).
    pub capacity: u64,
    pub subs: Vec<u32>,
}

/// A subscription (consumer) of a broker.
#[derive(Debug)]
pub(crate) struct PSub {
    pub edge: u32,
    pub broker: u32,
    pub consumer: u32,
    pub handler: u32,
    pub concurrency: u32,
    pub max_deliveries: u32,
    pub redelivery_ns: u64,
}

/// How a workload's requests arrive.
#[derive(Debug)]
pub(crate) enum PArrival {
    /// Open loop at `rate_per_s` × profile.
    Open { poisson: bool, rate_per_s: f64, profile: RateProfile, max_factor: f64 },
    /// Closed loop with users and think time.
    Closed { users: u32, think: Sampler },
}

/// A workload.
#[derive(Debug)]
pub(crate) struct PWorkload {
    pub name: String,
    pub entry: u32,
    pub handler: u32,
    pub arrival: PArrival,
}

/// Run settings after overrides.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Settings {
    pub seed: u64,
    pub duration_ns: u64,
    pub warmup_ns: u64,
    pub window_ns: u64,
    pub replications: u32,
    pub max_in_flight: u32,
    pub rate_scale: f64,
    /// Head sampling of traces: one root request in this many.
    pub trace_every: u64,
    /// Keep every sampled trace for export (`simulate --traces`).
    pub trace_export: bool,
}

/// The compiled design.
#[derive(Debug)]
pub(crate) struct Plan {
    pub name: String,
    /// Display names of the nodes.
    pub node_names: Vec<String>,
    /// (from, to) ids of the edges.
    pub edge_ends: Vec<(String, String)>,
    pub slos: Vec<crate::model::Slo>,
    pub nodes: Vec<PNode>,
    pub handlers: Vec<Handler>,
    /// Per node: (operation name, handler) with the default (`None`) first.
    pub node_handlers: Vec<Vec<(Option<String>, u32)>>,
    pub stages: Vec<Stage>,
    pub members: Vec<Member>,
    pub groups: Vec<BranchGroup>,
    pub edges: Vec<PEdge>,
    pub brokers: Vec<PBroker>,
    pub subs: Vec<PSub>,
    pub workloads: Vec<PWorkload>,
    pub settings: Settings,
    pub n_replicas: u32,
    pub policies: Vec<crate::sim::policy::call_policies::PPolicy>,
    pub node_pols: Vec<crate::sim::policy::node_policies::PNodePol>,
    pub faults: Vec<crate::sim::policy::faults::PFault>,
    /// Discovered nodes.
    pub discs: Vec<crate::sim::discovery::runtime::PDisc>,
    /// Client-side instance-list caches, one per (caller, discovered node).
    pub caches: Vec<crate::sim::discovery::runtime::PCache>,
}

impl Plan {
    /// Whether the design uses any resilience feature (call policies, node
    /// policies, faults); without one the report keeps its plain shape.
    pub fn resilient(&self) -> bool {
        !self.policies.is_empty() || !self.node_pols.is_empty() || !self.faults.is_empty()
    }

    /// The handler of `node` for `op` (the default one when `op` is `None` or unknown).
    pub fn handler(&self, node: u32, op: Option<&str>) -> u32 {
        let Some(list) = self.node_handlers.get(node as usize) else { return NONE };
        if let Some(op) = op
            && let Some((_, h)) = list.iter().find(|(name, _)| name.as_deref() == Some(op))
        {
            return *h;
        }
        list.first().map_or(NONE, |(_, h)| *h)
    }
}

/// Settings from the design with the run's overrides.
pub(crate) fn settings(design: &Design, options: &crate::sim::RunOptions) -> Settings {
    let s = &design.simulation;
    Settings {
        seed: options.seed.unwrap_or(s.seed),
        duration_ns: s_to_ns(options.duration_s.unwrap_or(s.duration_s)),
        warmup_ns: s_to_ns(options.warmup_s.unwrap_or(s.warmup_s)),
        window_ns: s_to_ns(s.window_s),
        replications: options.replications.unwrap_or(s.replications),
        max_in_flight: s.max_in_flight,
        rate_scale: options.rate_scale,
        trace_every: options.trace_every.unwrap_or(crate::sim::core::simulation::TRACE_EVERY).max(1),
        trace_export: options.trace_export,
    }
}
