//! What each node and each edge measured, as the simulator's node and edge
//! sections: visits (or calls) that began after the warm-up, their outcomes,
//! the latency of the successful ones in the simulator's latency type, and
//! per node the time waited, served and holding a worker, and the worker
//! time held for nobody ([`crate::waste`]), reported through the
//! simulator's own arithmetic (`engine::sim::wasted_work`).
//!
//! Node figures the simulator takes as time averages (utilisation, mean
//! queue length, visits in the node) are taken here from the measured
//! visits by Little's law: the time they spent, summed, over the window.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use engine::model::{Design, NodeKind, Outcome};
use engine::sim::report::histogram::HistError;
use engine::sim::report::{EdgeReport, Latency, NodeReport, NodeResilience, Percentiles};
use engine::sim::{Estimate, OutcomeCounts};

use crate::measure::{SIGFIG, count};
use crate::node::Shared;

/// Sums of one node's or edge's visits.
#[derive(Debug)]
struct Sums {
    /// Visits (calls) that began after the warm-up.
    began: u64,
    /// Visits that got a worker.
    served: u64,
    outcomes: OutcomeCounts,
    /// Latency of successful visits, modelled ns.
    latency: Latency,
    /// Time of every finished visit, modelled ns.
    time_ns: u128,
    /// Time of every visit that got a worker, modelled ns.
    served_time_ns: u128,
    /// Time waited in a queue, modelled ns.
    wait_ns: u128,
    /// Time served, modelled ns.
    service_ns: u128,
    /// Time a worker was held, modelled ns.
    busy_ns: u128,
    /// Most requests queued over every replica, seen by a warm visit.
    max_queue: u64,
    /// Worker time held for nobody, modelled ns ([`crate::waste`]).
    wasted_ns: u128,
    /// Visits that held it.
    wasted_visits: u64,
}

/// How one visit went, in modelled nanoseconds.
#[derive(Clone, Copy, Debug)]
pub struct Visit {
    /// Its outcome.
    pub outcome: Outcome,
    /// From arrival to answer.
    pub time_ns: u64,
    /// Waiting for a worker.
    pub wait_ns: u64,
    /// Served.
    pub service_ns: u64,
    /// Holding a worker.
    pub busy_ns: u64,
    /// Requests queued over every replica when it joined a queue (0 when served at once).
    pub queue_seen: u64,
    /// It got a worker (it was neither rejected nor a load source's).
    pub served: bool,
}

impl Visit {
    /// A call that took `time_ns` and ended with `outcome`.
    #[must_use]
    pub fn call(outcome: Outcome, time_ns: u64) -> Self {
        Self { outcome, time_ns, wait_ns: 0, service_ns: 0, busy_ns: 0, queue_seen: 0, served: false }
    }
}

/// One node's or edge's measurements, shared by the tasks that record them.
#[derive(Debug)]
pub struct PartMeasure(Mutex<Sums>);

impl PartMeasure {
    /// Nothing measured yet.
    ///
    /// # Errors
    /// None in practice: the histogram's precision is a valid constant.
    pub fn new() -> Result<Self, HistError> {
        Ok(Self(Mutex::new(Sums {
            began: 0,
            served: 0,
            outcomes: OutcomeCounts::default(),
            latency: Latency::new(SIGFIG)?,
            time_ns: 0,
            served_time_ns: 0,
            wait_ns: 0,
            service_ns: 0,
            busy_ns: 0,
            max_queue: 0,
            wasted_ns: 0,
            wasted_visits: 0,
        })))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sums> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A visit that began after the warm-up ended as `visit` says.
    pub fn record(&self, visit: &Visit) {
        let mut s = self.lock();
        s.began += 1;
        s.served += u64::from(visit.served);
        count(&mut s.outcomes, visit.outcome);
        if matches!(visit.outcome, Outcome::Ok | Outcome::Degraded) {
            s.latency.record(visit.time_ns);
        }
        s.time_ns += u128::from(visit.time_ns);
        if visit.served {
            s.served_time_ns += u128::from(visit.time_ns);
        }
        s.wait_ns += u128::from(visit.wait_ns);
        s.service_ns += u128::from(visit.service_ns);
        s.busy_ns += u128::from(visit.busy_ns);
        s.max_queue = s.max_queue.max(visit.queue_seen);
    }

    /// A visit that ended after the warm-up held a worker `held_ns` for nobody.
    pub fn waste(&self, held_ns: u64) {
        let mut s = self.lock();
        s.wasted_ns += u128::from(held_ns);
        s.wasted_visits += 1;
    }

    /// Wasted work so far: (worker time for nobody, visits, busy worker time), modelled ns.
    #[must_use]
    pub fn wasted(&self) -> (f64, u64, f64) {
        let s = self.lock();
        (s.wasted_ns as f64, s.wasted_visits, s.busy_ns as f64)
    }

    /// The node's section of a report over a window of `window_s` modelled
    /// seconds, for a node of `workers` workers in all.
    #[must_use]
    pub fn node_report(&self, id: &str, name: &str, kind: &str, workers: f64, window_s: f64) -> NodeReport {
        let s = self.lock();
        let finished = s.outcomes.total() - s.outcomes.in_flight;
        // The simulator's means: time in the node per finished visit, the
        // rest per visit that got a worker.
        let per_ms = |sum: u128, n: u64| if n == 0 { 0.0 } else { sum as f64 / n as f64 / 1e6 };
        let per_window = |sum: u128| if window_s > 0.0 { sum as f64 / 1e9 / window_s } else { 0.0 };
        let ok = s.outcomes.ok + s.outcomes.degraded;
        let service_ms = per_ms(s.service_ns, s.served);
        let wait_ms = per_ms(s.wait_ns, s.served);
        let time_ms = per_ms(s.time_ns, finished);
        let served_time_ms = per_ms(s.served_time_ns, s.served);
        NodeReport {
            id: id.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            visits: s.began,
            outcomes: s.outcomes,
            throughput_per_s: point(if window_s > 0.0 { ok as f64 / window_s } else { 0.0 }),
            utilization: point(if workers > 0.0 { per_window(s.busy_ns) / workers } else { 0.0 }),
            mean_queue_length: point(per_window(s.wait_ns)),
            max_queue_length: s.max_queue,
            mean_in_node: per_window(s.time_ns),
            mean_time_in_node_ms: time_ms,
            wait_ms,
            service_ms,
            downstream_ms: (served_time_ms - wait_ms - service_ms).max(0.0),
            latency_ms: percentiles(&s.latency),
            resilience: None,
        }
    }

    /// The edge's section of a report: its calls (tries, on an edge with a
    /// policy), their outcomes and latency as the caller saw it.
    #[must_use]
    pub fn edge_report(&self, id: &str, from: &str, to: &str, kind: &str) -> EdgeReport {
        let s = self.lock();
        EdgeReport {
            id: id.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            kind: kind.to_owned(),
            calls: s.began,
            outcomes: s.outcomes,
            latency_ms: percentiles(&s.latency),
            policy: None,
        }
    }

    /// Mark `in_flight` visits that began and never ended.
    pub fn close(&self) {
        let mut s = self.lock();
        let ended = s.outcomes.total() - s.outcomes.in_flight;
        s.outcomes.in_flight = s.began.saturating_sub(ended);
    }
}

fn point(mean: f64) -> Estimate {
    Estimate { mean, ci95: 0.0, wide: false }
}

/// A latency histogram's figures, as the simulator's pooled percentiles.
#[must_use]
pub fn percentiles(l: &Latency) -> Percentiles {
    if l.hist.is_empty() {
        return Percentiles::default();
    }
    Percentiles {
        count: l.hist.len(),
        mean: l.mean_ms(),
        p50: l.quantile_ms(0.5),
        p95: l.quantile_ms(0.95),
        p99: l.quantile_ms(0.99),
        p999: l.quantile_ms(0.999),
        max: l.hist.max() as f64 / 1e6,
    }
}

/// The node and edge sections of what `shared` measured over a window of
/// `window_s` modelled seconds, in design order: every node, every call
/// edge the emulator ran.
#[must_use]
pub fn sections(shared: &Shared, design: &Design, window_s: f64) -> (Vec<NodeReport>, Vec<EdgeReport>) {
    let resilient = resilient(design);
    let nodes = design
        .nodes
        .iter()
        .zip(&shared.nodes)
        .map(|(n, state)| {
            let resilience = resilience(shared, n, state.station.as_deref(), &state.measure);
            // An autoscaled node's capacity is the replicas it had on average, as simulated.
            let workers = match n.kind {
                NodeKind::Client => 0.0,
                _ if n.policies.autoscaling.is_some() => {
                    resilience.replicas_mean * f64::from(n.capacity.workers.max(1))
                }
                _ => n.total_workers() as f64,
            };
            let mut report = state.measure.node_report(&n.id, &n.name, n.kind.as_str(), workers, window_s);
            if resilient {
                report.resilience = Some(resilience);
            }
            report
        })
        .collect();
    let edges = design
        .edges
        .iter()
        .filter_map(|e| {
            let m = shared.edge_measures.get(&e.id)?;
            let mut report = m.edge_report(&e.id, &e.from, &e.to, e.kind.as_str());
            if let Some(p) = shared.policies.get(&e.id) {
                // The simulator's policy detail: logical calls against tries, timeouts, breaker.
                let window = (shared.warm_from_ns(), shared.warm_until_ns());
                let breaker = e.policy.as_ref().is_some_and(|p| p.circuit_breaker.is_some());
                report.policy = Some(p.measure.report(report.calls, window, breaker));
            }
            Some(report)
        })
        .collect();
    (nodes, edges)
}

impl Shared {
    /// Mark what began and never ended as in flight, in every node and edge.
    pub fn close_measures(&self) {
        for n in &self.nodes {
            n.measure.close();
        }
        for e in self.edge_measures.values() {
            e.close();
        }
    }

    /// Record a call (try) on `edge` that began at `began_ns` and took
    /// `wall`, when it began after the warm-up.
    pub(crate) fn record_call(&self, edge: &str, began_ns: u64, outcome: Outcome, wall: Duration) {
        if self.warm(began_ns)
            && let Some(m) = self.edge_measures.get(edge)
        {
            let time_ns = self.modelled_ns(wall);
            m.record(&Visit::call(outcome, time_ns));
        }
    }
}

/// Whether the report carries resilience figures (node sections, the load
/// section): as in the simulator, when the design has a call policy, a
/// node policy or a fault.
fn resilient(design: &Design) -> bool {
    design.edges.iter().any(|e| e.policy.as_ref().is_some_and(|p| !p.is_empty()))
        || design.nodes.iter().any(|n| !n.policies.is_empty() && n.kind != NodeKind::Receiver)
        || design.faults.iter().any(|f| crate::faults::emulated(design, f))
}

/// The work done at all nodes `shared` measured, for the report's load
/// section (`None` when the design has no resilience feature, as in the
/// simulator): visits finished, worker time held for nobody and busy
/// worker time, modelled ns.
#[must_use]
pub fn node_work(shared: &Shared, design: &Design) -> Option<NodeWork> {
    if !resilient(design) {
        return None;
    }
    let mut work = NodeWork::default();
    for state in &shared.nodes {
        let (wasted_ns, _, busy_ns) = state.measure.wasted();
        let s = state.measure.lock();
        work.visits += s.outcomes.total() - s.outcomes.in_flight;
        work.wasted_ns += wasted_ns;
        work.busy_ns += busy_ns;
    }
    Some(work)
}

/// Work done at all nodes over the measured window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NodeWork {
    /// Visits finished, tries and wasted work included.
    pub visits: u64,
    /// Worker time held for nobody, modelled ns.
    pub wasted_ns: f64,
    /// Busy worker time, modelled ns.
    pub busy_ns: f64,
}

/// A node's replicas and ejections over the measured window: replicas as
/// designed, or as the autoscaler had them (time-weighted over the window,
/// and the most at once), ejections are those
/// outlier detection made in the window and the replicas ejected on
/// average; wasted work as [`crate::waste`] measured it, through the
/// simulator's arithmetic.
fn resilience(
    shared: &Shared,
    n: &engine::model::Node,
    station: Option<&crate::station::Station>,
    measure: &PartMeasure,
) -> NodeResilience {
    let replicas = n.capacity.replicas.max(1);
    let load_from = shared.load_from_ns();
    let (from, end) = (
        shared.warm_from_ns().saturating_sub(load_from),
        shared.warm_until_ns().min(shared.now_ns()).saturating_sub(load_from),
    );
    let ejections = station.map(crate::station::Station::ejections).unwrap_or_default();
    let ejected_ns: u64 = ejections.iter().map(|&(a, b)| b.min(end).saturating_sub(a.max(from))).sum();
    let window_ns = end.saturating_sub(from);
    let (wasted_ns, wasted_visits, busy_ns) = measure.wasted();
    let log = station.map(crate::station::Station::serving_log).unwrap_or_default();
    let window = (shared.warm_from_ns(), shared.warm_until_ns().min(shared.now_ns()));
    let (replicas_mean, replicas_max) =
        crate::autoscale::serving_over(&log, window.0, window.1).unwrap_or((f64::from(replicas), replicas));
    NodeResilience {
        replicas_mean,
        replicas_max: u64::from(replicas_max),
        ejections: ejections.iter().filter(|(a, _)| (from..end).contains(a)).count() as u64,
        ejected_mean: if window_ns == 0 { 0.0 } else { ejected_ns as f64 / window_ns as f64 },
        ..engine::sim::wasted_work(wasted_ns, wasted_visits, busy_ns, 1)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn little_law_figures_follow_the_visits() {
        let p = PartMeasure::new().unwrap();
        for _ in 0..4 {
            p.record(&Visit {
                outcome: Outcome::Ok,
                time_ns: 30_000_000,
                wait_ns: 10_000_000,
                service_ns: 20_000_000,
                busy_ns: 20_000_000,
                queue_seen: 2,
                served: true,
            });
        }
        p.record(&Visit::call(Outcome::Error, 10_000_000));
        let r = p.node_report("api", "API", "service", 2.0, 0.1);
        assert_eq!(r.visits, 5);
        assert_eq!(r.outcomes.failed(), 1);
        assert!((r.throughput_per_s.mean - 40.0).abs() < 1e-9);
        // 4 × 20 ms busy over 2 workers × 100 ms.
        assert!((r.utilization.mean - 0.4).abs() < 1e-9);
        assert!((r.mean_queue_length.mean - 0.4).abs() < 1e-9);
        assert!((r.latency_ms.mean - 30.0).abs() < 0.1);
        assert_eq!(r.max_queue_length, 2);
        assert!((r.wait_ms - 10.0).abs() < 1e-9);
        assert!((r.service_ms - 20.0).abs() < 1e-9);
        assert!(r.downstream_ms.abs() < 1e-9);
        assert!((r.mean_time_in_node_ms - 26.0).abs() < 1e-9);
    }
}
