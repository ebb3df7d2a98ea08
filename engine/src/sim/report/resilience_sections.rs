//! The resilience parts of the report: policy edges (logical calls against
//! tries, timeouts, breaker history), node replicas and wasted work, goodput
//! against throughput, and their time series, folded replication by
//! replication.

use crate::policy::BreakerState;
use crate::sim::core::plan::{NONE, Plan};
use crate::sim::report::accumulators::{Pooled, SeriesMean, Sum};
use crate::sim::report::aggregate::RepResult;
use crate::sim::report::confidence::finite;
use crate::sim::report::metrics::Counts;
use crate::sim::report::resilience_metrics::PolicyAcc;
use crate::sim::report::{
    BreakerChange, BreakerReport, EdgePolicyReport, EdgeSeries, LoadReport, NodeResilience, OutcomeCounts,
};

use crate::sim::report::aggregate::{measured_s, ratio};

/// A policy edge's figures so far.
#[derive(Debug, Default)]
struct PolicyFold {
    logical: Counts,
    opened: u64,
    retries: u64,
    logical_tries: u64,
    try_timeouts: u64,
    call_timeouts: u64,
    abandoned: u64,
    budget_exhausted: u64,
    fail_fast: u64,
    bulkhead_refused: u64,
    fallbacks: u64,
    open_ns: Sum,
    /// The breaker's history in the first replication.
    changes: Option<Vec<(u64, BreakerState)>>,
    logical_latency: Pooled,
    series_logical: SeriesMean,
    series_attempts: SeriesMean,
    series_open: SeriesMean,
    /// Per window, tries and calls of the calls that finished in it.
    tries: Vec<(u64, u64)>,
}

impl PolicyFold {
    fn fold(&mut self, a: Option<&PolicyAcc>) {
        let series = |f: fn(&PolicyAcc) -> &Vec<f64>| a.map(|a| f(a).clone()).unwrap_or_default();
        self.series_logical.fold(series(|a| &a.series_logical_per_s));
        self.series_attempts.fold(series(|a| &a.series_attempts_per_s));
        self.series_open.fold(series(|a| &a.series_open));
        let Some(a) = a else { return };
        self.logical.add(&a.logical);
        self.opened += a.opened;
        self.retries += a.retries;
        self.logical_tries += a.logical_tries;
        self.try_timeouts += a.try_timeouts;
        self.call_timeouts += a.call_timeouts;
        self.abandoned += a.abandoned;
        self.budget_exhausted += a.budget_exhausted;
        self.fail_fast += a.fail_fast;
        self.bulkhead_refused += a.bulkhead_refused;
        self.fallbacks += a.fallbacks;
        self.open_ns.add(a.open.area() - a.open_at_warmup);
        if self.changes.is_none() {
            self.changes = Some(a.changes.clone());
        }
        if self.tries.len() < a.series_calls_finished.len() {
            self.tries.resize(a.series_calls_finished.len(), (0, 0));
        }
        for (acc, (calls, tries)) in self.tries.iter_mut().zip(a.series_calls_finished.iter().zip(&a.series_call_tries))
        {
            acc.0 += tries;
            acc.1 += calls;
        }
    }
}

/// A node's replicas and wasted work so far.
#[derive(Debug, Default)]
struct NodeFold {
    serving: Sum,
    wasted_ns: Sum,
    ejected: Sum,
    replicas_max: u64,
    ejections: u64,
    wasted_visits: u64,
    series_replicas: SeriesMean,
}

/// The resilience figures of the replications folded so far (nothing is
/// kept for a design without policies, node policies or faults).
#[derive(Debug, Default)]
pub(crate) struct ResFold {
    resilient: bool,
    window_s: f64,
    policies: Vec<PolicyFold>,
    nodes: Vec<NodeFold>,
    lag: Vec<SeriesMean>,
    work: SeriesMean,
    arrived: u64,
    ok: u64,
    good: u64,
    visits: u64,
    wasted_ns: Sum,
}

impl ResFold {
    pub fn new(plan: &Plan) -> Self {
        if !plan.resilient() {
            return Self::default();
        }
        Self {
            resilient: true,
            window_s: plan.settings.window_ns as f64 / 1e9,
            policies: plan.policies.iter().map(|_| PolicyFold::default()).collect(),
            nodes: plan.nodes.iter().map(|_| NodeFold::default()).collect(),
            lag: plan.brokers.iter().map(|_| SeriesMean::default()).collect(),
            ..Self::default()
        }
    }

    /// Fold in the policies' logical-call latencies, taking them over.
    pub fn fold_latencies(&mut self, policies: Vec<PolicyAcc>) {
        for (f, a) in self.policies.iter_mut().zip(policies) {
            f.logical_latency.fold(a.logical_latency);
        }
    }

    pub fn fold(&mut self, r: &RepResult) {
        if !self.resilient {
            return;
        }
        let m = &r.metrics;
        for (pi, p) in self.policies.iter_mut().enumerate() {
            p.fold(m.policies.get(pi));
        }
        for (ni, n) in self.nodes.iter_mut().enumerate() {
            let e = m.node_ext.get(ni);
            n.series_replicas.fold(e.map(|e| e.series_replicas.clone()).unwrap_or_default());
            let Some(e) = e else { continue };
            n.serving.add(e.serving.area() - e.serving_at_warmup);
            n.wasted_ns.add(e.wasted_ns);
            n.ejected.add(e.ejected.area() - e.ejected_at_warmup);
            n.replicas_max = n.replicas_max.max(e.serving.max);
            n.ejections += e.ejections;
            n.wasted_visits += e.wasted_visits;
        }
        for (bi, l) in self.lag.iter_mut().enumerate() {
            l.fold(m.broker_ext.get(bi).map(|e| e.series_lag_ms.clone()).unwrap_or_default());
        }
        if self.window_s > 0.0 {
            let mut work: Vec<f64> = Vec::new();
            for n in &m.node_ext {
                if work.len() < n.series_finished.len() {
                    work.resize(n.series_finished.len(), 0.0);
                }
                for (o, v) in work.iter_mut().zip(&n.series_finished) {
                    *o += *v as f64 / self.window_s;
                }
            }
            self.work.fold(work);
        }
        for w in &m.workloads {
            self.arrived += w.total.counts.arrived;
            self.ok += w.total.counts.by_outcome.first().copied().unwrap_or(0);
            self.good += w.total.counts.succeeded();
        }
        self.visits += m.nodes.iter().map(|n| n.counts.finished()).sum::<u64>();
        for e in &m.node_ext {
            self.wasted_ns.add(e.wasted_ns);
        }
    }

    /// The policy report of edge `ei` (tries are in `edge_counts`) over `reps` replications.
    pub fn edge_policy(&self, plan: &Plan, ei: usize, edge_counts: &Counts, reps: usize) -> Option<EdgePolicyReport> {
        let pi = plan.edges.get(ei)?.policy;
        if pi == NONE {
            return None;
        }
        let pol = plan.policies.get(pi as usize)?;
        let f = self.policies.get(pi as usize)?;
        let len_s = measured_s(plan);
        let nrep = reps.max(1) as f64;
        let breaker = pol.breaker.map(|_| {
            let time_open_s = finite(f.open_ns.0 / 1e9 / nrep);
            BreakerReport {
                opened: f.opened,
                time_open_s,
                open_share: finite(ratio(time_open_s, len_s)),
                changes: f
                    .changes
                    .as_ref()
                    .map(|changes| {
                        changes
                            .iter()
                            .map(|(t, m)| BreakerChange {
                                t_s: *t as f64 / 1e9,
                                state: match m {
                                    BreakerState::Open => "open",
                                    BreakerState::HalfOpen => "half_open",
                                    BreakerState::Closed => "closed",
                                }
                                .to_owned(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        });
        let logical = &f.logical;
        Some(EdgePolicyReport {
            logical_calls: logical.arrived,
            logical_outcomes: OutcomeCounts::from_counts(logical, logical.arrived.saturating_sub(logical.finished())),
            attempts: edge_counts.arrived,
            retries: f.retries,
            // Tries of the finished calls over those calls: one population, so
            // never below 1 (tries started after the warm-up for calls started
            // before it would otherwise count against nobody).
            retry_amplification: finite(ratio(f.logical_tries as f64, logical.finished() as f64)),
            try_timeouts: f.try_timeouts,
            call_timeouts: f.call_timeouts,
            abandoned: f.abandoned,
            budget_exhausted: f.budget_exhausted,
            fail_fast: f.fail_fast,
            bulkhead_rejections: f.bulkhead_refused,
            fallbacks: f.fallbacks,
            logical_latency_ms: f.logical_latency.percentiles(),
            breaker,
        })
    }

    /// Time-averaged replicas serving at node `ni` over the measured period.
    pub fn replicas_mean(&self, plan: &Plan, ni: usize, reps: usize) -> f64 {
        let len_ns = measured_s(plan) * 1e9;
        let nrep = reps.max(1) as f64;
        let area = self.nodes.get(ni).map_or(Sum::default().0, |n| n.serving.0);
        finite(ratio(area, len_ns * nrep))
    }

    /// Node `ni`'s replicas and wasted work; `busy_ns` is its busy worker time after the warm-up.
    pub fn node(&self, plan: &Plan, ni: usize, busy_ns: f64, reps: usize) -> Option<NodeResilience> {
        if !self.resilient {
            return None;
        }
        let n = self.nodes.get(ni)?;
        let len_ns = measured_s(plan) * 1e9;
        let nrep = reps.max(1) as f64;
        Some(NodeResilience {
            replicas_mean: self.replicas_mean(plan, ni, reps),
            replicas_max: n.replicas_max,
            ejections: n.ejections,
            ejected_mean: finite(ratio(n.ejected.0, len_ns * nrep)),
            ..wasted_work(n.wasted_ns.0, n.wasted_visits, busy_ns, reps)
        })
    }

    /// Goodput against throughput.
    pub fn load(&self, plan: &Plan, busy_ns: f64, reps: usize) -> Option<LoadReport> {
        if !self.resilient {
            return None;
        }
        let len_s = measured_s(plan) * reps.max(1) as f64;
        let work = Work { arrived: self.arrived, ok: self.ok, good: self.good, visits: self.visits };
        Some(load_figures(&work, self.wasted_ns.0, busy_ns, len_s))
    }

    /// Series of the policy edges.
    pub fn edge_series(&mut self, plan: &Plan, reps: usize) -> Vec<EdgeSeries> {
        std::mem::take(&mut self.policies)
            .into_iter()
            .zip(&plan.policies)
            .map(|(f, p)| EdgeSeries {
                id: plan.edges.get(p.edge as usize).map(|e| e.id.clone()).unwrap_or_default(),
                calls_per_s: f.series_logical.finish(reps),
                attempts_per_s: f.series_attempts.finish(reps),
                tries_per_call: f
                    .tries
                    .into_iter()
                    .map(|(tries, calls)| (calls > 0).then(|| finite(tries as f64 / calls as f64)))
                    .collect(),
                breaker_open: f.series_open.finish(reps),
            })
            .collect()
    }

    /// Visits finished per second at all nodes, per window.
    pub fn work_series(&mut self, reps: usize) -> Vec<f64> {
        if !self.resilient || self.window_s <= 0.0 {
            return Vec::new();
        }
        std::mem::take(&mut self.work).finish(reps)
    }

    /// Replicas serving per window at node `ni` (empty for designs without resilience features).
    pub fn replica_series(&mut self, ni: usize, reps: usize) -> Vec<f64> {
        self.nodes.get_mut(ni).map(|n| std::mem::take(&mut n.series_replicas).finish(reps)).unwrap_or_default()
    }

    /// Consumer lag per window at broker `bi`.
    pub fn lag_series(&mut self, bi: usize, reps: usize) -> Vec<f64> {
        self.lag.get_mut(bi).map(|l| std::mem::take(l).finish(reps)).unwrap_or_default()
    }
}

/// Counts behind a report's load section, over the measured period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Requests that arrived at the workloads' entries.
    pub arrived: u64,
    /// Of those, answered in full (ok).
    pub ok: u64,
    /// Answered successfully (ok or degraded).
    pub good: u64,
    /// Visits finished at all nodes, tries and wasted work included.
    pub visits: u64,
}

/// The load section (goodput against throughput) of `work` counted over
/// `len_s` seconds (summed over replications), with `wasted_ns` of worker
/// time spent for nobody against `busy_ns` of busy worker time at all
/// nodes. The emulator reports what it measured through the same arithmetic.
#[must_use]
pub fn load_figures(work: &Work, wasted_ns: f64, busy_ns: f64, len_s: f64) -> LoadReport {
    let offered = ratio(work.arrived as f64, len_s);
    let throughput = ratio(work.visits as f64, len_s);
    LoadReport {
        offered_per_s: finite(offered),
        goodput_per_s: finite(ratio(work.good as f64, len_s)),
        ok_per_s: finite(ratio(work.ok as f64, len_s)),
        throughput_per_s: finite(throughput),
        amplification: finite(ratio(throughput, offered)),
        wasted_share: finite(ratio(wasted_ns, busy_ns)),
    }
}

/// A node's wasted-work figures (the rest of its resilience section left at
/// zero): `wasted_ns` of worker time spent for nobody by `wasted_visits`
/// visits over `reps` replications, against `busy_ns` of busy worker time.
/// The emulator reports what it measured through the same arithmetic.
#[must_use]
pub fn wasted_work(wasted_ns: f64, wasted_visits: u64, busy_ns: f64, reps: usize) -> NodeResilience {
    NodeResilience {
        replicas_mean: 0.0,
        replicas_max: 0,
        ejections: 0,
        ejected_mean: 0.0,
        wasted_work_s: finite(wasted_ns / 1e9 / reps.max(1) as f64),
        wasted_visits,
        wasted_share: finite(ratio(wasted_ns, busy_ns)),
    }
}
