//! The report's figures of each workload, node, edge, broker and SLO, folded
//! replication by replication (see `accumulators.rs` for why the numbers are those
//! of keeping every replication) and turned into their report sections.

use std::sync::Arc;

use crate::model::Slo;

use crate::sim::core::plan::{PBroker, PEdge, PNode, PWorkload, Plan};
use crate::sim::report::accumulators::{EstAcc, OptSeriesMean, Pooled, SeriesMean, Sum};
use crate::sim::report::aggregate::{RepResult, ratio};
use crate::sim::report::cdf;
use crate::sim::report::confidence::{Estimate, finite};
use crate::sim::report::metrics::{BATCHES, Counts, EdgeAcc, WindowPoint, WorkloadSlice};
use crate::sim::report::{
    BrokerReport, BrokerSeries, EdgePolicyReport, EdgeReport, LatencyEstimates, NodeReport, NodeResilience, NodeSeries,
    OutcomeCounts, SloVerdict, Verdict, WorkloadReport, WorkloadSeries,
};

/// Length of batch `b` of a replication, seconds (`None` when it is empty).
fn batch_s(r: &RepResult, b: usize) -> Option<f64> {
    r.metrics.batch_lengths_ns.get(b).map(|ns| *ns as f64 / 1e9).filter(|s| *s > 0.0)
}

fn slice_error_rate(s: &WorkloadSlice) -> f64 {
    ratio(s.counts.failed() as f64, s.counts.finished() as f64)
}

/// A workload's figures so far.
#[derive(Debug, Default)]
pub(crate) struct WorkloadFold {
    counts: Counts,
    in_flight: u64,
    /// Conservation violations, in replication order.
    pub violations: Vec<String>,
    throughput: EstAcc,
    error_rate: EstAcc,
    mean: EstAcc,
    p50: EstAcc,
    p95: EstAcc,
    p99: EstAcc,
    p999: EstAcc,
    series_throughput: SeriesMean,
    series_errors: SeriesMean,
    series_p50: OptSeriesMean,
    series_p99: OptSeriesMean,
    /// Folded last, from the replication's own histograms (see `Aggregate::fold`).
    pub latency: Pooled,
}

impl WorkloadFold {
    pub fn fold(&mut self, r: &RepResult, wi: usize, ri: usize, name: &str, len_s: f64) {
        let a = r.metrics.workloads.get(wi);
        if let Some(a) = a {
            let c = &a.total.counts;
            self.counts.add(c);
            self.in_flight += a.in_flight;
            if c.arrived != c.finished() + a.in_flight {
                self.violations.push(format!(
                    "workload {name} (replication {ri}): arrived {} ≠ finished {} + in flight {}",
                    c.arrived,
                    c.finished(),
                    a.in_flight
                ));
            }
        }
        let slice = |acc: &mut EstAcc, f: &dyn Fn(&WorkloadSlice) -> f64| {
            acc.fold(a.map_or(0.0, |a| f(&a.total)), |b| a.and_then(|a| a.batches.get(b)).map(f));
        };
        slice(&mut self.error_rate, &slice_error_rate);
        slice(&mut self.mean, &|sl| sl.latency.mean_ms());
        slice(&mut self.p50, &|sl| sl.latency.quantile_ms(0.5));
        slice(&mut self.p95, &|sl| sl.latency.quantile_ms(0.95));
        slice(&mut self.p99, &|sl| sl.latency.quantile_ms(0.99));
        slice(&mut self.p999, &|sl| sl.latency.quantile_ms(0.999));
        self.throughput.fold(a.map_or(0.0, |a| a.total.counts.succeeded() as f64 / len_s), |b| {
            Some(a?.batches.get(b)?.counts.succeeded() as f64 / batch_s(r, b)?)
        });
        let pick = |f: fn(&WindowPoint) -> f64| a.map(|a| a.series.iter().map(f).collect()).unwrap_or_default();
        let pick_opt =
            |f: fn(&WindowPoint) -> Option<f64>| a.map(|a| a.series.iter().map(f).collect()).unwrap_or_default();
        self.series_throughput.fold(pick(|p| p.throughput_per_s));
        self.series_errors.fold(pick(|p| p.errors as f64));
        self.series_p50.fold(pick_opt(|p| p.p50_ms));
        self.series_p99.fold(pick_opt(|p| p.p99_ms));
    }

    pub fn report(&self, plan: &Plan, w: &PWorkload) -> WorkloadReport {
        WorkloadReport {
            name: w.name.clone(),
            entry: plan.nodes.get(w.entry as usize).map(|n| n.id.clone()).unwrap_or_default(),
            arrived: self.counts.arrived,
            outcomes: OutcomeCounts::from_counts(&self.counts, self.in_flight),
            throughput_per_s: self.throughput.finish(),
            error_rate: self.error_rate.finish(),
            latency_ms: LatencyEstimates {
                mean: self.mean.finish(),
                p50: self.p50.finish(),
                p95: self.p95.finish(),
                p99: self.p99.finish(),
                p999: self.p999.finish(),
            },
            latency_cdf: self.latency.latency().map(cdf::points).unwrap_or_default(),
        }
    }

    pub fn series(&mut self, w: &PWorkload, reps: usize) -> WorkloadSeries {
        WorkloadSeries {
            name: w.name.clone(),
            throughput_per_s: std::mem::take(&mut self.series_throughput).finish(reps),
            errors: std::mem::take(&mut self.series_errors).finish(reps),
            p50_ms: std::mem::take(&mut self.series_p50).finish(),
            p99_ms: std::mem::take(&mut self.series_p99).finish(),
        }
    }
}

/// A node's figures so far.
#[derive(Debug, Default)]
pub(crate) struct NodeFold {
    /// Busy worker time after the warm-up, summed over replications.
    pub busy_ns: Sum,
    counts: Counts,
    in_flight: u64,
    present: f64,
    sojourn: f64,
    finished: u64,
    served: u64,
    wait: f64,
    service: f64,
    down: f64,
    max_q: u64,
    /// Conservation violations, in replication order.
    pub violations: Vec<String>,
    throughput: EstAcc,
    /// Busy time per replication, and the first replication's busy time and
    /// length per batch: utilization divides by the workers, which for an
    /// autoscaled node are known only once every replication is in.
    busy: Vec<Option<f64>>,
    busy_batches: Vec<Option<(f64, f64)>>,
    queue_length: EstAcc,
    /// Folded last, from the replication's own histograms (see `Aggregate::fold`).
    pub latency: Pooled,
    series_utilization: SeriesMean,
    series_queue: SeriesMean,
}

impl NodeFold {
    pub fn fold(&mut self, r: &RepResult, ni: usize, ri: usize, id: &str, len_s: f64) {
        let a = r.metrics.nodes.get(ni);
        if let Some(a) = a {
            self.busy_ns.add(a.busy.area() - a.busy_at_warmup);
            self.counts.add(&a.counts);
            self.in_flight += a.in_flight;
            self.present += a.present.area() - a.present_at_warmup;
            self.sojourn += a.sojourn_sum_ns as f64;
            self.finished += a.counts.finished();
            self.served += a.served;
            self.wait += a.wait_sum_ns as f64;
            self.service += a.service_sum_ns as f64;
            self.down += a.downstream_sum_ns as f64;
            self.max_q = self.max_q.max(a.queue.max);
            if a.counts.arrived != a.counts.finished() + a.in_flight {
                self.violations.push(format!(
                    "node {id} (replication {ri}): visits {} ≠ finished {} + in flight {}",
                    a.counts.arrived,
                    a.counts.finished(),
                    a.in_flight
                ));
            }
        }
        self.throughput.fold(a.map_or(0.0, |a| a.counts.succeeded() as f64 / len_s), |b| {
            Some(a?.batches.get(b)?.succeeded as f64 / batch_s(r, b)?)
        });
        if self.busy.is_empty() {
            self.busy_batches =
                (0..BATCHES as usize).map(|b| Some((a?.batches.get(b)?.busy_area, batch_s(r, b)?))).collect();
        }
        self.busy.push(a.map(|a| a.busy.area() - a.busy_at_warmup));
        self.queue_length.fold(a.map_or(0.0, |a| ratio(a.queue.area() - a.queue_at_warmup, len_s * 1e9)), |b| {
            Some(ratio(a?.batches.get(b)?.queue_area, batch_s(r, b)? * 1e9))
        });
        self.series_utilization.fold(a.map(|a| a.series_utilization.clone()).unwrap_or_default());
        self.series_queue.fold(a.map(|a| a.series_queue.clone()).unwrap_or_default());
    }

    /// Utilization of `workers` workers over the measured time.
    fn utilization(&self, workers: f64, len_s: f64) -> Estimate {
        let wholes = self.busy.iter().map(|b| b.map_or(0.0, |b| ratio(b, workers * len_s * 1e9))).collect();
        let batches =
            self.busy_batches.iter().filter_map(|o| o.map(|(a, s)| ratio(a, workers * s * 1e9))).map(finite).collect();
        EstAcc::from_parts(wholes, batches).finish()
    }

    pub fn report(
        &self,
        plan: &Plan,
        ni: usize,
        workers: f64,
        len_s: f64,
        reps: usize,
        resilience: Option<NodeResilience>,
    ) -> NodeReport {
        let n = plan.nodes.get(ni);
        let nrep = reps.max(1) as f64;
        NodeReport {
            id: n.map(|n| n.id.clone()).unwrap_or_default(),
            name: plan.node_names.get(ni).cloned().unwrap_or_default(),
            kind: n.map(|n| n.kind.as_str().to_owned()).unwrap_or_default(),
            visits: self.counts.arrived,
            outcomes: OutcomeCounts::from_counts(&self.counts, self.in_flight),
            throughput_per_s: self.throughput.finish(),
            utilization: self.utilization(workers, len_s),
            mean_queue_length: self.queue_length.finish(),
            max_queue_length: self.max_q,
            mean_in_node: finite(self.present / (len_s * 1e9 * nrep)),
            mean_time_in_node_ms: finite(ratio(self.sojourn, self.finished as f64) / 1e6),
            wait_ms: finite(ratio(self.wait, self.served as f64) / 1e6),
            service_ms: finite(ratio(self.service, self.served as f64) / 1e6),
            downstream_ms: finite(ratio(self.down, self.served as f64) / 1e6),
            latency_ms: self.latency.percentiles(),
            resilience,
        }
    }

    pub fn series(&mut self, n: &PNode, replicas: Vec<f64>, reps: usize) -> NodeSeries {
        NodeSeries {
            id: n.id.clone(),
            utilization: std::mem::take(&mut self.series_utilization).finish(reps),
            queue_length: std::mem::take(&mut self.series_queue).finish(reps),
            replicas,
        }
    }
}

/// An edge's figures so far (as seen by the caller).
#[derive(Debug, Default)]
pub(crate) struct EdgeFold {
    pub counts: Counts,
    /// Folded last, from the replication's own histograms.
    pub latency: Pooled,
}

impl EdgeFold {
    pub fn fold(&mut self, a: Option<&EdgeAcc>) {
        if let Some(a) = a {
            self.counts.add(&a.counts);
        }
    }

    pub fn report(&self, plan: &Plan, ei: usize, e: &PEdge, policy: Option<EdgePolicyReport>) -> EdgeReport {
        let counts = &self.counts;
        let ends = plan.edge_ends.get(ei);
        EdgeReport {
            id: e.id.clone(),
            from: ends.map(|d| d.0.clone()).unwrap_or_default(),
            to: ends.map(|d| d.1.clone()).unwrap_or_default(),
            kind: e.kind.as_str().to_owned(),
            calls: counts.arrived,
            // Calls still out at the end are what the outcomes do not cover.
            outcomes: OutcomeCounts::from_counts(counts, counts.arrived.saturating_sub(counts.finished())),
            latency_ms: self.latency.percentiles(),
            policy,
        }
    }
}

/// A broker's figures so far.
#[derive(Debug, Default)]
pub(crate) struct BrokerFold {
    published: u64,
    accepted: u64,
    dropped: u64,
    delivered: u64,
    redelivered: u64,
    dead_lettered: u64,
    in_flight: u64,
    backlog_mean: EstAcc,
    backlog_max: u64,
    /// Folded last, from the replication's own histograms.
    pub delay: Pooled,
    lost: u64,
    blocked: u64,
    series_backlog: SeriesMean,
}

impl BrokerFold {
    pub fn fold(&mut self, r: &RepResult, bi: usize, len_s: f64) {
        let a = r.metrics.brokers.get(bi);
        if let Some(a) = a {
            self.published += a.published;
            self.accepted += a.accepted;
            self.dropped += a.dropped;
            self.delivered += a.delivered;
            self.redelivered += a.redelivered;
            self.dead_lettered += a.dead_lettered;
            self.backlog_max = self.backlog_max.max(a.backlog.max);
        }
        self.in_flight += r.broker_in_flight.get(bi).copied().unwrap_or(0);
        self.backlog_mean.fold(a.map_or(0.0, |a| ratio(a.backlog.area() - a.backlog_at_warmup, len_s * 1e9)), |b| {
            Some(ratio(*a?.batches.get(b)?, batch_s(r, b)? * 1e9))
        });
        if let Some(e) = r.metrics.broker_ext.get(bi) {
            self.lost += e.lost;
            self.blocked += e.blocked;
        }
        self.series_backlog.fold(a.map(|a| a.series_backlog.clone()).unwrap_or_default());
    }

    pub fn report(&self, plan: &Plan, b: &PBroker) -> BrokerReport {
        BrokerReport {
            id: plan.nodes.get(b.node as usize).map(|n| n.id.clone()).unwrap_or_default(),
            mode: match b.mode {
                crate::model::BrokerMode::Queue => "queue".to_owned(),
                crate::model::BrokerMode::Topic => "topic".to_owned(),
            },
            published: self.published,
            accepted: self.accepted,
            dropped: self.dropped,
            delivered: self.delivered,
            redelivered: self.redelivered,
            dead_lettered: self.dead_lettered,
            in_flight: self.in_flight,
            backlog_mean: self.backlog_mean.finish(),
            backlog_max: self.backlog_max,
            delay_ms: self.delay.percentiles(),
            lost: self.lost,
            blocked: self.blocked,
        }
    }

    pub fn series(&mut self, plan: &Plan, b: &PBroker, lag_ms: Vec<f64>, reps: usize) -> BrokerSeries {
        BrokerSeries {
            id: plan.nodes.get(b.node as usize).map(|n| n.id.clone()).unwrap_or_default(),
            backlog: std::mem::take(&mut self.series_backlog).finish(reps),
            lag_ms,
        }
    }
}

/// An SLO's figures so far (nothing for an SLO of an unknown workload).
#[derive(Debug)]
pub(crate) struct SloFold {
    slo: Slo,
    workload: Option<usize>,
    finished: u64,
    succeeded: u64,
    latency: EstAcc,
    error_rate: EstAcc,
}

impl SloFold {
    pub fn new(plan: &Arc<Plan>, slo: &Slo) -> Self {
        Self {
            slo: slo.clone(),
            workload: plan.workloads.iter().position(|w| w.name == slo.workload),
            finished: 0,
            succeeded: 0,
            latency: EstAcc::default(),
            error_rate: EstAcc::default(),
        }
    }

    pub fn fold(&mut self, r: &RepResult) {
        let Some(wi) = self.workload else { return };
        let a = r.metrics.workloads.get(wi);
        if let Some(a) = a {
            self.finished += a.total.counts.finished();
            self.succeeded += a.total.counts.succeeded();
        }
        if let Some(l) = &self.slo.latency {
            let q = (l.percentile / 100.0).clamp(0.0, 1.0);
            self.latency.fold(a.map_or(0.0, |a| a.total.latency.quantile_ms(q)), |b| {
                a.and_then(|a| a.batches.get(b)).map(|s| s.latency.quantile_ms(q))
            });
        }
        if self.slo.max_error_rate.is_some() {
            self.error_rate.fold(a.map_or(0.0, |a| slice_error_rate(&a.total)), |b| {
                a.and_then(|a| a.batches.get(b)).map(slice_error_rate)
            });
        }
    }

    pub fn verdicts(&self, out: &mut Vec<SloVerdict>) {
        if self.workload.is_none() {
            return;
        }
        let verdict = |m: &Estimate, target: f64, samples: u64| {
            if samples == 0 {
                Verdict::Inconclusive
            } else if m.high() <= target {
                Verdict::Pass
            } else if m.low() > target {
                Verdict::Fail
            } else {
                Verdict::Inconclusive
            }
        };
        let slo = &self.slo;
        if let Some(l) = &slo.latency {
            let m = self.latency.finish();
            out.push(SloVerdict {
                workload: slo.workload.clone(),
                objective: format!("p{} latency", l.percentile),
                target: l.max_ms,
                measured: m,
                verdict: verdict(&m, l.max_ms, self.succeeded),
            });
        }
        if let Some(max) = slo.max_error_rate {
            let m = self.error_rate.finish();
            out.push(SloVerdict {
                workload: slo.workload.clone(),
                objective: "error rate".to_owned(),
                target: max,
                measured: m,
                verdict: verdict(&m, max, self.finished),
            });
        }
    }
}
