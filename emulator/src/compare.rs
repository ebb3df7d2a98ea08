//! Measured beside simulated, per workload, node and edge: throughput, mean,
//! p50, p99 and error rate, each with the relative difference and the
//! simulation's 95% interval where the report has one; per broker its
//! messages, per discovered service its registry lookups per second, mean
//! crash-to-eviction time and share of calls sent to a dead instance; per
//! node whose replicas changed (autoscaling), the replicas serving on average.
//!
//! The simulator's reports sum node and edge counts over replications, so
//! an edge's throughput is its successful calls over the measured window
//! times the replications. Node and edge latencies are pooled over
//! replications without an interval; their error rates carry the binomial
//! half-width of the simulated counts (normal approximation).

use engine::sim::compare::Metric;
use engine::sim::report::{BrokerReport, EdgeReport, NodeReport, Percentiles};
use engine::sim::{DiscoveryReport, Estimate, OutcomeCounts, Report, WorkloadReport};
use serde::Serialize;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The figures compared, in table order.
pub const METRICS: [Metric; 5] = [Metric::Throughput, Metric::Mean, Metric::P50, Metric::P99, Metric::Errors];

/// What a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// A workload, end to end.
    Workload,
    /// A node's visits.
    Node,
    /// An edge's calls (tries, on an edge with a policy; publishes; deliveries).
    Edge,
    /// A broker's messages: consumed per second, publish-to-consume delay,
    /// dead-lettered share.
    Broker,
    /// A discovered service: registry lookups per second, mean time from a
    /// crash to the eviction, share of calls sent to a dead instance.
    Discovery,
    /// A node whose replicas changed: the replicas serving on average (as the metric `mean`).
    Replicas,
}

impl Scope {
    /// Its name in tables.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workload => "workload",
            Self::Node => "node",
            Self::Edge => "edge",
            Self::Broker => "broker",
            Self::Discovery => "discovery",
            Self::Replicas => "replicas",
        }
    }
}

/// One figure, measured and simulated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// What it is about.
    pub scope: Scope,
    /// The workload's name, the node's or the edge's id.
    pub id: String,
    /// The figure.
    pub metric: Metric,
    /// Measured by the emulation.
    pub measured: f64,
    /// Simulated.
    pub simulated: f64,
    /// Half-width of the simulation's 95% interval, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated_ci95: Option<f64>,
    /// (measured − simulated) / simulated, percent (absent when simulated is 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff_pct: Option<f64>,
}

impl Row {
    fn new(scope: Scope, id: &str, metric: Metric, (measured, simulated, ci): (f64, f64, Option<f64>)) -> Self {
        Self {
            scope,
            id: id.to_owned(),
            metric,
            measured,
            simulated,
            simulated_ci95: ci,
            diff_pct: (simulated != 0.0).then(|| (measured - simulated) / simulated.abs() * 100.0),
        }
    }

    /// Whether the measured figure lies within the simulation's interval.
    #[must_use]
    pub fn within_ci(&self) -> Option<bool> {
        self.simulated_ci95.map(|ci| (self.measured - self.simulated).abs() <= ci)
    }
}

/// Every figure of the workloads, nodes and edges both reports share, in
/// the simulated report's order.
#[must_use]
pub fn rows(measured: &Report, simulated: &Report) -> Vec<Row> {
    let mut out = Vec::new();
    for s in &simulated.workloads {
        let Some(m) = measured.workload(&s.name) else { continue };
        out.extend(METRICS.map(|metric| Row::new(Scope::Workload, &s.name, metric, workload(metric, m, s))));
    }
    for s in &simulated.nodes {
        let Some(m) = measured.node(&s.id) else { continue };
        out.extend(METRICS.map(|metric| Row::new(Scope::Node, &s.id, metric, node(metric, m, s))));
    }
    let window = |r: &Report| {
        let st = &r.settings;
        (st.duration_s - st.warmup_s).max(0.0) * f64::from(st.replications.max(1))
    };
    let (wm, ws) = (window(measured), window(simulated));
    for s in &simulated.edges {
        let Some(m) = measured.edge(&s.id) else { continue };
        out.extend(METRICS.map(|metric| Row::new(Scope::Edge, &s.id, metric, edge(metric, (m, wm), (s, ws)))));
    }
    for s in &simulated.brokers {
        let Some(m) = measured.brokers.iter().find(|b| b.id == s.id) else { continue };
        out.extend(METRICS.map(|metric| Row::new(Scope::Broker, &s.id, metric, broker(metric, (m, wm), (s, ws)))));
    }
    for s in &simulated.discovery {
        let Some(m) = measured.discovery.iter().find(|d| d.id == s.id) else { continue };
        out.extend(DISCOVERY_METRICS.map(|metric| Row::new(Scope::Discovery, &s.id, metric, discovery(metric, m, s))));
    }
    for s in &simulated.nodes {
        let (Some(rs), Some(rm)) = (&s.resilience, measured.node(&s.id).and_then(|n| n.resilience.as_ref())) else {
            continue;
        };
        let varied = |r: &engine::sim::report::NodeResilience| (r.replicas_mean - r.replicas_max as f64).abs() > 1e-9;
        if varied(rs) || varied(rm) {
            out.push(Row::new(Scope::Replicas, &s.id, Metric::Mean, (rm.replicas_mean, rs.replicas_mean, None)));
        }
    }
    out
}

/// A discovered service's figures: registry lookups per second, the mean
/// crash-to-eviction time, the share of calls sent to a dead instance.
const DISCOVERY_METRICS: [Metric; 3] = [Metric::Throughput, Metric::Mean, Metric::Errors];

fn discovery(metric: Metric, m: &DiscoveryReport, s: &DiscoveryReport) -> (f64, f64, Option<f64>) {
    match metric {
        Metric::Throughput => (m.registry_lookups_per_s, s.registry_lookups_per_s, None),
        Metric::Errors => {
            let as_outcomes = |d: &DiscoveryReport| OutcomeCounts {
                ok: d.calls.saturating_sub(d.calls_to_dead),
                error: d.calls_to_dead,
                ..OutcomeCounts::default()
            };
            errors(&as_outcomes(m), &as_outcomes(s))
        }
        _ => (m.mean_eviction_ms, s.mean_eviction_ms, None),
    }
}

fn estimate(m: Estimate, s: Estimate) -> (f64, f64, Option<f64>) {
    (m.mean, s.mean, Some(s.ci95))
}

fn workload(metric: Metric, m: &WorkloadReport, s: &WorkloadReport) -> (f64, f64, Option<f64>) {
    let (ml, sl) = (&m.latency_ms, &s.latency_ms);
    match metric {
        Metric::Throughput => estimate(m.throughput_per_s, s.throughput_per_s),
        Metric::Mean => estimate(ml.mean, sl.mean),
        Metric::P50 => estimate(ml.p50, sl.p50),
        Metric::P95 => estimate(ml.p95, sl.p95),
        Metric::P99 => estimate(ml.p99, sl.p99),
        Metric::P999 => estimate(ml.p999, sl.p999),
        Metric::Errors => estimate(m.error_rate, s.error_rate),
    }
}

fn node(metric: Metric, m: &NodeReport, s: &NodeReport) -> (f64, f64, Option<f64>) {
    match metric {
        Metric::Throughput => estimate(m.throughput_per_s, s.throughput_per_s),
        Metric::Errors => errors(&m.outcomes, &s.outcomes),
        _ => latency(metric, &m.latency_ms, &s.latency_ms),
    }
}

fn edge(metric: Metric, (m, wm): (&EdgeReport, f64), (s, ws): (&EdgeReport, f64)) -> (f64, f64, Option<f64>) {
    let rate = |o: &OutcomeCounts, w: f64| if w > 0.0 { (o.ok + o.degraded) as f64 / w } else { 0.0 };
    match metric {
        Metric::Throughput => (rate(&m.outcomes, wm), rate(&s.outcomes, ws), None),
        Metric::Errors => errors(&m.outcomes, &s.outcomes),
        _ => latency(metric, &m.latency_ms, &s.latency_ms),
    }
}

/// A broker's consumed copies per second, delay percentiles, and the share
/// of finished copies dead-lettered (with the binomial half-width).
fn broker(metric: Metric, (m, wm): (&BrokerReport, f64), (s, ws): (&BrokerReport, f64)) -> (f64, f64, Option<f64>) {
    let rate = |b: &BrokerReport, w: f64| if w > 0.0 { b.delivered as f64 / w } else { 0.0 };
    let as_outcomes =
        |b: &BrokerReport| OutcomeCounts { ok: b.delivered, error: b.dead_lettered, ..OutcomeCounts::default() };
    match metric {
        Metric::Throughput => (rate(m, wm), rate(s, ws), None),
        Metric::Errors => errors(&as_outcomes(m), &as_outcomes(s)),
        _ => latency(metric, &m.delay_ms, &s.delay_ms),
    }
}

fn latency(metric: Metric, m: &Percentiles, s: &Percentiles) -> (f64, f64, Option<f64>) {
    let of = |p: &Percentiles| match metric {
        Metric::P50 => p.p50,
        Metric::P95 => p.p95,
        Metric::P99 => p.p99,
        Metric::P999 => p.p999,
        _ => p.mean,
    };
    (of(m), of(s), None)
}

/// Failed share of finished visits, and the binomial half-width of the simulated one.
fn errors(m: &OutcomeCounts, s: &OutcomeCounts) -> (f64, f64, Option<f64>) {
    let share = |o: &OutcomeCounts| {
        let n = o.total() - o.in_flight;
        if n == 0 { (0.0, 0) } else { (o.failed() as f64 / n as f64, n) }
    };
    let ((pm, _), (ps, n)) = (share(m), share(s));
    let ci = (n > 0).then(|| Z95 * (ps * (1.0 - ps) / n as f64).sqrt());
    (pm, ps, ci)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_shares_carry_a_binomial_interval() {
        let mut m = OutcomeCounts { ok: 90, error: 10, ..OutcomeCounts::default() };
        let s = OutcomeCounts { ok: 800, error: 200, ..OutcomeCounts::default() };
        let (pm, ps, ci) = errors(&m, &s);
        assert!((pm - 0.1).abs() < 1e-12 && (ps - 0.2).abs() < 1e-12);
        let half = Z95 * (0.2f64 * 0.8 / 1000.0).sqrt();
        assert!(ci.is_some_and(|c| (c - half).abs() < 1e-12));
        m.in_flight = 5;
        assert!((errors(&m, &s).0 - 0.1).abs() < 1e-12, "in flight is not finished");
        let row = Row::new(Scope::Node, "api", Metric::Errors, (pm, ps, ci));
        assert_eq!(row.within_ci(), Some(false));
        assert!(row.diff_pct.is_some_and(|d| (d + 50.0).abs() < 1e-9));
    }

    #[test]
    fn a_discovered_service_compares_lookups_evictions_and_dead_calls() {
        let row = |lookups_per_s: f64, eviction_ms: f64, calls: u64, dead: u64| DiscoveryReport {
            id: "pricing".to_owned(),
            name: "Pricing".to_owned(),
            mode: "client_side".to_owned(),
            registry: Some("consul".to_owned()),
            calls,
            cache_hits: 0,
            cache_misses: 0,
            cache_hit_ratio: 0.0,
            lookups: 0,
            lookup_failures: 0,
            stale_routed: 0,
            lookup_failed_calls: 0,
            calls_to_dead: dead,
            crashes: 1,
            evictions: 1,
            mean_eviction_ms: eviction_ms,
            max_eviction_ms: eviction_ms,
            registry_lookups_per_s: lookups_per_s,
        };
        let (m, s) = (row(4.0, 900.0, 100, 10), row(4.0, 1000.0, 1000, 50));
        assert_eq!(discovery(Metric::Throughput, &m, &s), (4.0, 4.0, None));
        assert_eq!(discovery(Metric::Mean, &m, &s), (900.0, 1000.0, None));
        let (pm, ps, ci) = discovery(Metric::Errors, &m, &s);
        assert!((pm - 0.1).abs() < 1e-12 && (ps - 0.05).abs() < 1e-12 && ci.is_some());
    }
}
