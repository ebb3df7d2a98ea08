//! The discrete-event simulator.
//!
//! A run compiles the [`Design`] into a flat plan, then simulates each
//! replication in integer nanoseconds with an event queue ordered by
//! `(time, sequence)` and one seeded random stream per (node/edge/workload,
//! purpose). The result is a [`Report`]: counts by outcome, latency
//! percentiles from HDR histograms, utilization and queue lengths, broker
//! backlogs, time series, traces, confidence intervals and SLO verdicts.
//!
//! ```
//! use engine::sim::{RunControl, RunOptions, run};
//! let design: engine::Design = engine::model::format::from_str(
//!     r#"{"version": 1, "name": "mm1",
//!        "nodes": [{"id": "s", "name": "S", "service_time": {"type": "exponential", "mean_ms": 1.0}}],
//!        "workloads": [{"name": "w", "entry": "s",
//!                       "arrival": {"type": "open", "rate_per_s": 500.0}}],
//!        "simulation": {"duration_s": 20.0, "warmup_s": 2.0}}"#,
//!     engine::model::format::Format::Json,
//!     "<doc>",
//! )
//! .unwrap();
//! let report = run(&design, &RunOptions::default(), &RunControl::default()).unwrap();
//! let w = &report.workloads[0];
//! // M/M/1 at ρ = 0.5: mean time in system 1/(μ − λ) = 2 ms.
//! assert!((w.latency_ms.mean.mean - 2.0).abs() < 0.3);
//! ```
//!
//! # Parts
//!
//! | folder | what it holds |
//! |---|---|
//! | `core/` | `plan` (the design compiled to integer-indexed tables), `simulation` (the [`Simulation`] of one replication: clock, event loop, requests, workloads), `setup` (a replication's streams, stations and first events), `event_queue` (events keyed by `(time ns, sequence)`; random streams and samplers come from [`crate::sampling`]), `replications` (the worker pool that folds replications in order) |
//! | `flow/` | `station` (replicas, workers, queues, load balancing), `steps` (a handler's steps, parallel groups, branches, signals, plain calls), `calls` (calls with a policy, made of tries), `broker` (queues, topics, redelivery) |
//! | `policy/` | `call_policies` (an edge's timeouts, retries, breaker and bulkhead compiled into the [`crate::policy`] parts, and their live state), `node_policies` (rate limits and outlier ejection through [`crate::policy`], autoscaling), `faults` (the chaos schedule) |
//! | `discovery/` | `runtime` (registries' listings, health checks, lookups), `summary` and `report` (the report's discovery section) |
//! | `report/` | the [`Report`] types; `metrics`, `resilience_metrics`, `histogram`, `trace`, `windows` (what a replication records, window by window and batch by batch); `aggregate`, `accumulators`, `sections`, `resilience_sections`, `fault_attribution` (folding replications into the report); `confidence`, `stability` |
//! | this folder | [`run`] and its options, `memory` (the estimate before a run), `sweep` and `compare` (the what-if and CI-gate commands) |
//!
//! # Where `Simulation` handles each event
//!
//! The event loop (`core/simulation.rs`, `run_events`) dispatches each event
//! kind to a method of [`Simulation`]; the methods live beside the part they
//! act on:
//!
//! | event | handler | file |
//! |---|---|---|
//! | `Arrival`, `ThinkDone` | `on_arrival`, `start_request` | `core/simulation.rs` |
//! | `Window` | `on_window` | `report/windows.rs` |
//! | `Warmup` | `Metrics::on_warmup` | `report/metrics.rs` |
//! | `NetArrive`, `ServiceDone` | `enter`, `on_service_done` | `flow/station.rs` |
//! | `NetReturn` | `on_returned` | `flow/steps.rs` |
//! | `PerTryTimeout`, `CallTimeout`, `RetryTimer`, `FallbackDone`, `BreakerHalfOpen` | `on_per_try_timeout`, `on_call_timeout`, `on_retry_timer`, `on_fallback_done`, `on_breaker_half_open` | `flow/calls.rs` |
//! | `Deliver`, `Redeliver`, `Unblock` | `on_deliver`, `on_redeliver`, `on_unblock` | `flow/broker.rs` |
//! | `FaultStart`, `FaultEnd` | `on_fault` | `policy/faults.rs` |
//! | `OutlierSweep`, `HpaEval`, `ReplicaReady` | `on_outlier_sweep`, `on_hpa_eval`, `on_replica_ready` | `policy/node_policies.rs` |
//! | `HealthCheck` | `on_health_check` | `discovery/runtime.rs` |

// The simulator's parts (the tables above say what each holds).
pub(crate) mod core;
pub(crate) mod discovery;
pub(crate) mod flow;
pub(crate) mod policy;
pub mod report;

// The commands built on runs, and the memory estimate before one.
pub mod compare;
pub mod memory;
pub mod sweep;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

pub use self::core::simulation::Simulation;
pub use self::discovery::report::DiscoveryReport;
pub use self::report::cdf::CdfPoint;
pub use self::report::confidence::{Estimate, WIDE_CI, t975};
pub use self::report::resilience_sections::{Work, load_figures, wasted_work};
pub use self::report::trace::{SpanKind, Trace, TraceSpan};
pub use self::report::{
    BreakerChange, BreakerReport, BrokerReport, EdgePolicyReport, EdgeReport, EdgeSeries, FaultImpact, FaultReach,
    FaultReport, LatencyEstimates, LoadReport, NodeReport, NodeResilience, OutcomeCounts, Percentiles, RejectedCounts,
    Report, SloVerdict, TimeSeries, Verdict, WorkloadReport,
};

use self::core::{plan, replications};
use self::report::{aggregate, fault_attribution};
use crate::model::Design;
use crate::problem::Problem;

/// Overrides of the design's simulation settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOptions {
    /// Seed (default: the design's).
    pub seed: Option<u64>,
    /// Simulated seconds, warm-up included.
    pub duration_s: Option<f64>,
    /// Warm-up seconds.
    pub warmup_s: Option<f64>,
    /// Replications.
    pub replications: Option<u32>,
    /// Multiplier of every open-loop arrival rate (1 = as designed).
    pub rate_scale: f64,
    /// Worker threads for replications (default: the available cores).
    pub threads: Option<usize>,
    /// Most memory the run may need, bytes (default: half the machine's);
    /// a run estimated above it is refused before it starts.
    pub max_memory_bytes: Option<u64>,
    /// Head sampling of traces: one root request in this many (default 64).
    pub trace_every: Option<u64>,
    /// Keep every sampled trace of the first replication for export
    /// ([`run_with_sampled_traces`]).
    pub trace_export: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            seed: None,
            duration_s: None,
            warmup_s: None,
            replications: None,
            rate_scale: 1.0,
            threads: None,
            max_memory_bytes: None,
            trace_every: None,
            trace_export: false,
        }
    }
}

impl RunOptions {
    /// The design as this run sees it: the overrides written into its
    /// settings and every open-loop rate scaled. Validating this copy holds
    /// the overrides to the same limits as a file (a `--duration` longer than
    /// a year, a rate scaled past what the simulator handles).
    #[must_use]
    pub fn applied_to(&self, design: &Design) -> Design {
        let mut d = design.clone();
        let s = &mut d.simulation;
        if let Some(seed) = self.seed {
            s.seed = seed;
        }
        if let Some(v) = self.duration_s {
            s.duration_s = v;
        }
        if let Some(v) = self.warmup_s {
            s.warmup_s = v;
        }
        if let Some(v) = self.replications {
            s.replications = v;
        }
        if self.rate_scale != 1.0 {
            for w in &mut d.workloads {
                if let crate::model::Arrival::Open { rate_per_s, .. } = &mut w.arrival {
                    *rate_per_s *= self.rate_scale;
                }
            }
        }
        d
    }

    /// Whether these overrides change nothing a validation looks at.
    fn is_plain(&self) -> bool {
        self.duration_s.is_none() && self.warmup_s.is_none() && self.replications.is_none() && self.rate_scale == 1.0
    }
}

/// Why a run did not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The design has errors: the analysis's (validation's and the capacity
    /// estimate's), as the GUI and `validate` show them.
    #[error("the design cannot be simulated:\n  {}", problem_lines(.0))]
    InvalidDesign(Vec<Problem>),
    /// The run was cancelled.
    #[error("the simulation was cancelled")]
    Cancelled,
    /// The run would need more memory than it may take.
    #[error("the run would need about {needed_mib} MiB of memory, more than its limit of {limit_mib} MiB: {hint}")]
    TooMuchMemory {
        /// Estimated peak, MiB.
        needed_mib: u64,
        /// The limit, MiB.
        limit_mib: u64,
        /// What to change.
        hint: String,
    },
    /// Something the simulator could not do (a thread, a histogram).
    #[error("simulator failure: {0}")]
    Internal(String),
}

/// Problems as "path: message", one a line.
fn problem_lines(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
    lines.join("\n  ")
}

/// Progress of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Simulated seconds done, averaged over replications.
    pub sim_time_s: f64,
    /// Simulated seconds per replication.
    pub duration_s: f64,
    /// Events processed.
    pub events: u64,
    /// Requests started.
    pub requests: u64,
    /// Replications finished.
    pub replications_done: u32,
    /// Replications in all.
    pub replications: u32,
}

impl Progress {
    /// Done share, 0–1.
    #[must_use]
    pub fn fraction(&self) -> f64 {
        if self.duration_s > 0.0 { (self.sim_time_s / self.duration_s).clamp(0.0, 1.0) } else { 0.0 }
    }
}

/// Progress and cancellation of a run, shared with other threads (e.g. in an `Arc`).
#[derive(Debug, Default)]
pub struct RunControl {
    cancelled: AtomicBool,
    sim_ns: AtomicU64,
    duration_ns: AtomicU64,
    replications: AtomicU32,
    done: AtomicU32,
    events: AtomicU64,
    requests: AtomicU64,
    held_peak: AtomicU32,
}

impl RunControl {
    /// A fresh control.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask the run to stop; it returns [`SimError::Cancelled`] soon after.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether cancellation was asked for.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Progress so far.
    #[must_use]
    pub fn progress(&self) -> Progress {
        let reps = self.replications.load(Ordering::Relaxed).max(1);
        Progress {
            sim_time_s: self.sim_ns.load(Ordering::Relaxed) as f64 / 1e9 / f64::from(reps),
            duration_s: self.duration_ns.load(Ordering::Relaxed) as f64 / 1e9,
            events: self.events.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
            replications_done: self.done.load(Ordering::Relaxed),
            replications: self.replications.load(Ordering::Relaxed),
        }
    }

    /// The most replications this run has held in memory at once (running,
    /// or finished and waiting for their turn to be folded into the report):
    /// never more than its worker threads, however many replications it has.
    #[must_use]
    pub fn replications_held_peak(&self) -> u32 {
        self.held_peak.load(Ordering::Relaxed)
    }

    fn begin(&self, duration_ns: u64, replications: u32) {
        self.held_peak.store(0, Ordering::Relaxed);
        self.sim_ns.store(0, Ordering::Relaxed);
        self.events.store(0, Ordering::Relaxed);
        self.requests.store(0, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.duration_ns.store(duration_ns, Ordering::Relaxed);
        self.replications.store(replications, Ordering::Relaxed);
    }

    pub(crate) fn add_progress(&self, sim_ns: u64, events: u64, requests: u64) {
        self.sim_ns.fetch_add(sim_ns, Ordering::Relaxed);
        self.events.fetch_add(events, Ordering::Relaxed);
        self.requests.fetch_add(requests, Ordering::Relaxed);
    }
}

/// Analyse (validate and estimate) and compile a design with the run's
/// overrides: a design with any error is refused before it is compiled.
fn compile(design: &Design, options: &RunOptions) -> Result<Arc<plan::Plan>, SimError> {
    if !(options.rate_scale.is_finite() && options.rate_scale > 0.0) {
        return Err(SimError::InvalidDesign(vec![Problem::design_error(
            "rate_scale",
            crate::msg!(
                "engine-rate-scale",
                "must be a finite number above 0, found {found}",
                found = options.rate_scale
            ),
        )]));
    }
    let problems = if options.is_plain() {
        crate::analysis::problems(design)
    } else {
        crate::analysis::problems(&options.applied_to(design))
    };
    if crate::problem::has_errors(&problems) {
        return Err(SimError::InvalidDesign(
            problems.into_iter().filter(|p| p.severity == crate::problem::Severity::Error).collect(),
        ));
    }
    let settings = plan::settings(design, options);
    plan::Plan::compile(design, settings)
        .map(Arc::new)
        .map_err(|m| SimError::Internal(format!("a distribution validation accepted cannot be drawn: {m}")))
}

impl Simulation {
    /// The first replication of a design, ready to step.
    ///
    /// # Errors
    /// Invalid designs.
    pub fn new(design: &Design, options: &RunOptions) -> Result<Self, SimError> {
        Self::replication(design, options, 0)
    }

    /// Replication `replication` of a design, ready to step.
    ///
    /// # Errors
    /// Invalid designs.
    pub fn replication(design: &Design, options: &RunOptions, replication: u32) -> Result<Self, SimError> {
        Self::from_plan(compile(design, options)?, replication)
    }

    /// Run to the end if needed and report this replication alone (batch-means intervals).
    #[must_use]
    pub fn into_report(mut self) -> Report {
        self.run();
        let plan = Arc::clone(&self.plan);
        aggregate::build(&plan, self.into_result())
    }

    fn into_result(mut self) -> aggregate::RepResult {
        let broker_in_flight = self.messages_in_flight();
        let plan = Arc::clone(&self.plan);
        let mut flags = self.flags;
        flags.clamped_draws += crate::sampling::take_clamped();
        aggregate::RepResult {
            metrics: self.metrics,
            flags,
            events: self.events,
            sampled: self.tracer.take_sampled(&plan),
            traces: self.tracer.into_traces(&plan),
            broker_in_flight,
        }
    }
}

/// Simulate a design: every replication (in parallel, each folded into the
/// report's aggregate in replication order as soon as its turn comes), then
/// the report. A design with faults is also run once per fault without it
/// (same seed) to attribute each fault's effect.
///
/// # Errors
/// Invalid designs, cancellation, or a thread that could not start.
pub fn run(design: &Design, options: &RunOptions, control: &RunControl) -> Result<Report, SimError> {
    run_with_sampled_traces(design, options, control).map(|(report, _)| report)
}

/// [`run`], also handing back every trace the first replication sampled
/// when `options.trace_export` is set (see `report::sampled`).
///
/// # Errors
/// As [`run`].
pub fn run_with_sampled_traces(
    design: &Design,
    options: &RunOptions,
    control: &RunControl,
) -> Result<(Report, report::sampled::SampledTraces), SimError> {
    let mut sampled = report::sampled::SampledTraces::default();
    let plan = compile(design, options)?;
    check_memory(design, options)?;
    let reps = plan.settings.replications.max(1);
    let counterfactuals = fault_attribution::counterfactual_plans(&plan, design);
    let runs = 1 + counterfactuals.len() as u32;
    control.begin(plan.settings.duration_ns, reps * runs);
    let mut aggregate = aggregate::Aggregate::new(&plan, !counterfactuals.is_empty());
    run_plan(&plan, options, control, |_, mut r| {
        if r.sampled.traces.len() > sampled.traces.len() {
            sampled = std::mem::take(&mut r.sampled);
        }
        aggregate.fold(r);
    })?;
    let mut without = Vec::with_capacity(counterfactuals.len());
    for cf in &counterfactuals {
        let mut fold = fault_attribution::AttrFold::new(cf);
        run_plan(cf, options, control, |i, r| fold.fold(r, i as usize))?;
        without.push(fold);
    }
    let mut report = aggregate.finish(&without);
    if !design.placeholders.is_empty() {
        // An imported design's invented numbers make every figure a guess:
        // say so next to the results, not only in the import's notes.
        report.warnings.push(crate::msg!(
            "engine-results-rest-on-placeholders",
            "the results rest on {count} placeholder value(s) the design marks as invented (first: {first}): replace them with measured values",
            count = design.placeholders.len(),
            first = design.placeholders.first().cloned().unwrap_or_default()
        ));
    }
    Ok((report, sampled))
}

/// Refuse a run whose estimated peak memory is above its limit.
fn check_memory(design: &Design, options: &RunOptions) -> Result<(), SimError> {
    let limit = options.max_memory_bytes.unwrap_or_else(memory::default_limit_bytes);
    let m = memory::estimate(design, options);
    if m.bytes <= limit {
        return Ok(());
    }
    let hint = if m.overloaded {
        format!(
            "the design is overloaded, so up to simulation.max_in_flight requests ({}) pile up; lower max_in_flight, fix the overload, or raise the limit",
            options.applied_to(design).simulation.max_in_flight
        )
    } else if m.at_once > 1 && m.per_replication_bytes.saturating_mul(u64::from(m.at_once)) > limit / 2 {
        format!(
            "each of the {} replications run at once holds about {} MiB of measurements; run fewer at once (--threads) or raise the limit",
            m.at_once,
            m.per_replication_bytes >> 20
        )
    } else {
        "shorten the run, widen simulation.window_s, or raise the limit".to_owned()
    };
    Err(SimError::TooMuchMemory { needed_mib: m.mib(), limit_mib: limit >> 20, hint })
}

/// Every replication of a compiled plan on a fixed pool of workers, each
/// result handed to `fold` in replication order and dropped there.
fn run_plan(
    plan: &Arc<plan::Plan>,
    options: &RunOptions,
    control: &RunControl,
    fold: impl FnMut(u32, aggregate::RepResult) + Send,
) -> Result<(), SimError> {
    let reps = plan.settings.replications.max(1);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = options.threads.unwrap_or(cores);
    let job = |i| {
        let mut sim = Simulation::from_plan(Arc::clone(plan), i)?;
        sim.run_with(control)?;
        control.done.fetch_add(1, Ordering::Relaxed);
        Ok(sim.into_result())
    };
    let held = replications::run_in_order(reps, threads, job, fold);
    if control.is_cancelled() {
        return Err(SimError::Cancelled);
    }
    control.held_peak.fetch_max(held?, Ordering::Relaxed);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The handler table in this module's documentation stays true: every
    /// event kind is listed, and every handler it names is in its file.
    #[test]
    fn the_handler_table_lists_every_event_and_each_handler_is_where_it_says() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/");
        let doc = include_str!("mod.rs");
        let rows: Vec<Vec<&str>> = doc
            .split("# Where `Simulation` handles each event")
            .nth(1)
            .unwrap()
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("//!"))
            .filter(|l| l.starts_with("//! | `"))
            .map(|l| l.trim_start_matches("//! |").split('|').map(str::trim).collect())
            .collect();
        for kind in super::core::event_queue::Kind::ALL {
            let name = format!("`{kind:?}`");
            assert!(rows.iter().any(|r| r[0].split(", ").any(|k| k == name)), "{name} is missing from the table");
        }
        for row in &rows {
            let file = row[2].trim_matches('`');
            let source = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
            for handler in row[1].split(", ") {
                let f = handler.trim_matches('`').rsplit("::").next().unwrap();
                assert!(source.contains(&format!("fn {f}(")), "{file} has no fn {f}");
            }
        }
    }
}
