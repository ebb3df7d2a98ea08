//! How much memory a run will take, estimated before it starts, so that a run
//! that would exhaust the machine is refused with a message instead.
//!
//! A run holds, at its peak: the compiled plan; for each replication held at
//! once (running, or finished and waiting for its turn to be folded, never
//! more than the worker threads), its state (replicas, queues, random
//! streams), its measurements (a latency histogram per workload, node and
//! edge, and the time series) and its requests in flight (each a visit at
//! every node it is at, with its events); and the aggregate the finished
//! replications are folded into, about one replication's measurements. It
//! does not grow with the number of replications. Requests in flight are estimated from the capacity estimate by
//! Little's law (visits in flight = Σ arrival rate × response time per node);
//! a design the estimate finds overloaded is taken to fill `max_in_flight`.
//!
//! The constants below were measured on the release build (peak resident
//! memory of `simulate` on the samples and on designs built to stress each
//! part); the estimate is meant to be within a factor of two of the peak.

use crate::capacity::Load;
use crate::model::Design;

use super::RunOptions;

/// Process, code and allocator overhead before any design is read.
const BASE_BYTES: f64 = 12.0 * MIB;
/// Plan and design per node, edge and replica.
const PLAN_BYTES_PER_ITEM: f64 = 1_500.0;
/// Running state per replica (queue, counters, random streams).
const STATE_BYTES_PER_REPLICA: f64 = 160.0;
/// A latency histogram that has seen a run's worth of values.
const HIST_BYTES: f64 = 40.0 * 1024.0;
/// Time-series values per window, per node, edge and workload.
const SERIES_BYTES_PER_WINDOW: f64 = 48.0;
/// One visit in flight: the visit, its events, its place in a queue, with the
/// doubling growth of the vectors that hold them.
const VISIT_BYTES: f64 = 260.0;

const MIB: f64 = 1024.0 * 1024.0;

/// The estimate, with its parts so a refusal can say what to change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemoryEstimate {
    /// Peak bytes of the whole run.
    pub bytes: u64,
    /// Bytes of one replication's measurements (held until it is folded).
    pub per_replication_bytes: u64,
    /// Replications held in memory at once (the worker threads).
    pub at_once: u32,
    /// Replications in the run (the faults' counterfactual runs included).
    pub replications: u32,
    /// Visits expected in flight in one replication at its peak.
    pub visits_in_flight: u64,
    /// Whether the estimate found the design overloaded (in flight = the cap).
    pub overloaded: bool,
}

impl MemoryEstimate {
    /// Megabytes, rounded, for messages.
    #[must_use]
    pub fn mib(&self) -> u64 {
        (self.bytes as f64 / MIB).round() as u64
    }
}

/// Default ceiling of a run's memory: half the machine's physical memory
/// (read from `/proc/meminfo`; 8 GiB where it cannot be read).
#[must_use]
pub fn default_limit_bytes() -> u64 {
    let total_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        text.lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    });
    total_kib.map_or(8 << 30, |kib| kib.saturating_mul(1024) / 2)
}

/// Estimate the peak memory of running `design` with `options`. The design
/// should be valid (validation bounds every count this multiplies).
#[must_use]
pub fn estimate(design: &Design, options: &RunOptions) -> MemoryEstimate {
    let d = options.applied_to(design);
    let s = &d.simulation;
    let counterfactuals = d.faults.len() as u32;
    let replications = s.replications.max(1).saturating_mul(1 + counterfactuals);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get) as u32;
    let at_once = f64::from(options.threads.map_or(cores, |t| t as u32).clamp(1, s.replications.max(1)));
    let replicas: f64 = d
        .nodes
        .iter()
        .map(|n| {
            let scaled = n.policies.autoscaling.as_ref().map_or(0, |a| a.max_replicas);
            f64::from(n.capacity.replicas.max(scaled))
        })
        .sum();
    let items = (d.nodes.len() + d.edges.len()) as f64;
    let measured = (d.nodes.len() + d.edges.len() + d.workloads.len()) as f64;
    let windows = if s.window_s > 0.0 { (s.duration_s / s.window_s).ceil().min(100_000.0) } else { 1.0 };
    let per_replication = measured * (HIST_BYTES + windows * SERIES_BYTES_PER_WINDOW);
    let est = crate::capacity::estimate(&d);
    let overloaded = est.nodes.iter().any(|n| n.load == Load::Overloaded)
        || est.workloads.iter().any(|w| !w.response_time_ms.is_finite());
    let visits_in_flight = if overloaded {
        // Every request in flight, each at a few nodes at once.
        let depth = (d.edges.len() as f64 / d.nodes.len().max(1) as f64).clamp(1.0, 8.0);
        f64::from(s.max_in_flight) * depth
    } else {
        // Little's law per node (response times include downstream waits,
        // so a caller waiting on its callee counts at both).
        let open: f64 = est
            .nodes
            .iter()
            .map(|n| n.arrival_rate_per_s * n.response_time_ms / 1000.0)
            .filter(|v| v.is_finite())
            .sum();
        let closed: f64 = d
            .workloads
            .iter()
            .filter_map(|w| match &w.arrival {
                crate::model::Arrival::Closed { users, .. } => Some(f64::from(*users)),
                crate::model::Arrival::Open { .. } => None,
            })
            .sum();
        // Poisson bursts: room for five times the mean.
        (5.0 * open + closed).min(f64::from(s.max_in_flight) * 8.0)
    };
    // One set of measurements per replication held, and one more for the
    // aggregate once replications outnumber the workers: the aggregate takes
    // over the first replication's histograms (no copy), so it adds a set
    // only while later replications run beside it.
    let sets = if s.replications.max(1) as f64 > at_once { at_once + 1.0 } else { at_once };
    let bytes = BASE_BYTES
        + items * PLAN_BYTES_PER_ITEM
        + at_once * (replicas * STATE_BYTES_PER_REPLICA + visits_in_flight * VISIT_BYTES)
        + sets * per_replication;
    MemoryEstimate {
        bytes: bytes.min(u64::MAX as f64) as u64,
        per_replication_bytes: per_replication as u64,
        at_once: at_once as u32,
        replications,
        visits_in_flight: visits_in_flight as u64,
        overloaded,
    }
}
