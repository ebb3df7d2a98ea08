//! What the load generator measured, per workload, and the same figures as
//! the simulator's report format, so `switchboard compare` reads a measured
//! run as it reads a simulated one.
//!
//! Latencies are in modelled time (wall-clock divided by the time scale),
//! measured from each request's intended send time, and recorded in the
//! simulator's own latency type (HDR buckets, exact mean).

use engine::message::Message;
use engine::model::{Outcome, RejectCause};
use engine::sim::report::histogram::HistError;
use engine::sim::report::{EdgeReport, Latency, NodeReport};
use engine::sim::{Estimate, LatencyEstimates, OutcomeCounts, Report, WorkloadReport};

/// Significant figures of the latency histograms, as the simulator's workload totals.
pub(crate) const SIGFIG: u8 = 3;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// One workload's measurements.
#[derive(Clone, Debug)]
pub struct WorkloadMeasure {
    /// Workload name.
    pub name: String,
    /// Entry node id.
    pub entry: String,
    /// Requests sent after the warm-up.
    pub arrived: u64,
    /// Their outcomes (requests with no answer when the run ended are in flight).
    pub outcomes: OutcomeCounts,
    /// Latency of successful requests, modelled nanoseconds.
    pub latency: Latency,
}

impl WorkloadMeasure {
    /// Nothing measured yet.
    ///
    /// # Errors
    /// None in practice: the histogram's precision is a valid constant.
    pub fn new(name: &str, entry: &str) -> Result<Self, HistError> {
        Ok(Self {
            name: name.to_owned(),
            entry: entry.to_owned(),
            arrived: 0,
            outcomes: OutcomeCounts::default(),
            latency: Latency::new(SIGFIG)?,
        })
    }

    /// A request sent after the warm-up ended with `outcome` after `latency_ns`.
    pub fn record(&mut self, outcome: Outcome, latency_ns: u64) {
        count(&mut self.outcomes, outcome);
        if matches!(outcome, Outcome::Ok | Outcome::Degraded) {
            self.latency.record(latency_ns);
        }
    }

    /// Finished requests (every outcome but in flight).
    #[must_use]
    pub fn finished(&self) -> u64 {
        self.outcomes.total() - self.outcomes.in_flight
    }

    /// Share of finished requests that failed, with its 95% binomial
    /// (normal-approximation) half-width.
    #[must_use]
    pub fn error_rate(&self) -> Estimate {
        let n = self.finished();
        if n == 0 {
            return Estimate::default();
        }
        let p = self.outcomes.failed() as f64 / n as f64;
        let ci95 = Z95 * (p * (1.0 - p) / n as f64).sqrt();
        Estimate { mean: p, ci95, wide: p > 0.0 && ci95 > 0.05 * p }
    }

    /// The workload's section of a report, over a measured window of `window_s` modelled seconds.
    #[must_use]
    pub fn report(&self, window_s: f64) -> WorkloadReport {
        let ok = self.outcomes.ok + self.outcomes.degraded;
        let point = |mean: f64| Estimate { mean, ci95: 0.0, wide: false };
        let l = &self.latency;
        WorkloadReport {
            name: self.name.clone(),
            entry: self.entry.clone(),
            arrived: self.arrived,
            outcomes: self.outcomes,
            throughput_per_s: point(if window_s > 0.0 { ok as f64 / window_s } else { 0.0 }),
            error_rate: self.error_rate(),
            latency_ms: LatencyEstimates {
                mean: point(l.mean_ms()),
                p50: point(l.quantile_ms(0.5)),
                p95: point(l.quantile_ms(0.95)),
                p99: point(l.quantile_ms(0.99)),
                p999: point(l.quantile_ms(0.999)),
            },
            latency_cdf: engine::sim::report::cdf::points(l),
        }
    }
}

/// Count one `outcome` in `o`.
pub(crate) fn count(o: &mut OutcomeCounts, outcome: Outcome) {
    match outcome {
        Outcome::Ok => o.ok += 1,
        Outcome::Degraded => o.degraded += 1,
        Outcome::Error => o.error += 1,
        Outcome::Timeout => o.timeout += 1,
        Outcome::InFlight => o.in_flight += 1,
        Outcome::Rejected(cause) => match cause {
            RejectCause::QueueFull => o.rejected.queue_full += 1,
            RejectCause::RateLimited => o.rejected.rate_limited += 1,
            RejectCause::Bulkhead => o.rejected.bulkhead += 1,
            RejectCause::BreakerOpen => o.rejected.breaker_open += 1,
            RejectCause::InFlightCap => o.rejected.in_flight_cap += 1,
        },
    }
}

/// A whole emulation's measurements.
#[derive(Clone, Debug)]
pub struct Measured {
    /// Per workload, in design order.
    pub workloads: Vec<WorkloadMeasure>,
    /// Per node, in design order (the report's node section).
    pub nodes: Vec<NodeReport>,
    /// Per call, event and subscription edge, in design order (the report's edge section).
    pub edges: Vec<EdgeReport>,
    /// Per broker, in design order (the report's broker section).
    pub brokers: Vec<engine::sim::report::BrokerReport>,
    /// Per discovered node, in design order (the report's discovery section).
    pub discovery: Vec<engine::sim::DiscoveryReport>,
    /// Work done at all nodes, for the report's load section (`None` without
    /// resilience features, or when the nodes run elsewhere).
    pub node_work: Option<crate::parts::NodeWork>,
    /// Modelled seconds the load ran, warm-up included (shorter than asked when interrupted).
    pub ran_s: f64,
    /// Modelled seconds of warm-up excluded from the figures.
    pub warmup_s: f64,
    /// Ctrl+C ended the run early.
    pub interrupted: bool,
    /// The request bound (`max_requests`) stopped the load early.
    pub capped: bool,
    /// Requests sent in all (warm-up included).
    pub sent: u64,
}

impl Measured {
    /// The measured window in modelled seconds (after the warm-up).
    #[must_use]
    pub fn window_s(&self) -> f64 {
        (self.ran_s - self.warmup_s).max(0.0)
    }

    /// The measured report's settings: the design's run settings over the
    /// time the load ran, one replication, and the error rate's binomial
    /// interval named as the method.
    #[must_use]
    pub fn settings(&self, design: &engine::Design) -> engine::sim::report::ReportSettings {
        let s = &design.simulation;
        engine::sim::report::ReportSettings {
            seed: s.seed,
            duration_s: self.ran_s,
            warmup_s: s.warmup_s,
            replications: 1,
            rate_scale: 1.0,
            window_s: s.window_s,
            max_in_flight: s.max_in_flight,
            ci_method: "emulation".to_owned(),
        }
    }

    /// The load section: the workloads' requests against the work done at
    /// all nodes, through the simulator's arithmetic.
    fn load(&self, window_s: f64) -> Option<engine::sim::report::LoadReport> {
        let nodes = self.node_work?;
        let mut work = engine::sim::Work { visits: nodes.visits, ..engine::sim::Work::default() };
        for w in &self.workloads {
            work.arrived += w.arrived;
            work.ok += w.outcomes.ok;
            work.good += w.outcomes.ok + w.outcomes.degraded;
        }
        Some(engine::sim::load_figures(&work, nodes.wasted_ns, nodes.busy_ns, window_s))
    }

    /// The measured figures in the simulator's report format: its workload,
    /// node and edge sections filled, `settings` as given.
    #[must_use]
    pub fn report(&self, design: &str, settings: engine::sim::report::ReportSettings) -> Report {
        let window_s = self.window_s();
        // The emulator speaks to the command line only, in English.
        let mut warnings = vec![Message::untranslated(
            "measured by live emulation: latency figures are point estimates, the error rate's interval is binomial",
        )];
        if self.interrupted {
            warnings.push(Message::untranslated(format!(
                "interrupted after {:.1} s of {:.1} s",
                self.ran_s, settings.duration_s
            )));
        }
        if self.capped {
            warnings.push(Message::untranslated(format!(
                "the request bound stopped the load after {} requests",
                self.sent
            )));
        }
        Report {
            report_version: engine::sim::report::REPORT_VERSION,
            design: design.to_owned(),
            settings,
            unstable: false,
            unstable_reasons: Vec::new(),
            unstable_nodes: Vec::new(),
            conservation: engine::sim::report::Conservation { holds: true, violations: Vec::new() },
            warnings,
            events: 0,
            workloads: self.workloads.iter().map(|w| w.report(window_s)).collect(),
            nodes: self.nodes.clone(),
            edges: self.edges.clone(),
            brokers: self.brokers.clone(),
            slos: Vec::new(),
            series: engine::sim::TimeSeries::default(),
            traces: Vec::new(),
            load: self.load(window_s),
            faults: Vec::new(),
            discovery: self.discovery.clone(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_latency_add_up() {
        let mut w = WorkloadMeasure::new("browse", "web").unwrap();
        for i in 0..10u64 {
            w.arrived += 1;
            let o = if i < 7 { Outcome::Ok } else { Outcome::Rejected(RejectCause::QueueFull) };
            w.record(o, 2_000_000);
        }
        assert_eq!(w.finished(), 10);
        assert_eq!(w.outcomes.failed(), 3);
        let r = w.report(2.0);
        assert!((r.throughput_per_s.mean - 3.5).abs() < 1e-12);
        assert!((r.latency_ms.mean.mean - 2.0).abs() < 1e-9);
        assert!((r.error_rate.mean - 0.3).abs() < 1e-12);
        assert!(r.error_rate.ci95 > 0.0);
    }
}
