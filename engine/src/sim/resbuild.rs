//! The resilience parts of the report: policy edges (logical calls against
//! tries, timeouts, breaker history), node replicas and wasted work, goodput
//! against throughput, and their time series.

use super::build::RepResult;
use super::metrics::Counts;
use super::plan::{NONE, Plan};
use super::report::{
    BreakerChange, BreakerReport, EdgePolicyReport, EdgeSeries, LoadReport, NodeResilience, OutcomeCounts,
};
use super::resilience::BreakerMode;
use super::stats::finite;

use super::build::{pooled as percentiles, ratio};

/// The policy report of edge `ei` (tries are in `edge_counts`).
pub(crate) fn edge_policy(
    plan: &Plan,
    reps: &[RepResult],
    ei: usize,
    edge_counts: &Counts,
) -> Option<EdgePolicyReport> {
    let pi = plan.edges.get(ei)?.policy;
    if pi == NONE {
        return None;
    }
    let pi = pi as usize;
    let pol = plan.policies.get(pi)?;
    let accs: Vec<_> = reps.iter().filter_map(|r| r.metrics.policies.get(pi)).collect();
    let sum = |f: &dyn Fn(&super::resmetrics::PolicyAcc) -> u64| accs.iter().map(|a| f(a)).sum::<u64>();
    let mut logical = Counts::default();
    for a in &accs {
        logical.add(&a.logical);
    }
    let len_s = measured_s(plan);
    let nrep = reps.len().max(1) as f64;
    let breaker = pol.breaker.map(|_| {
        let open_ns: f64 = accs.iter().map(|a| a.open.area() - a.open_at_warmup).sum();
        let time_open_s = finite(open_ns / 1e9 / nrep);
        BreakerReport {
            opened: sum(&|a| a.opened),
            time_open_s,
            open_share: finite(ratio(time_open_s, len_s)),
            changes: accs
                .first()
                .map(|a| {
                    a.changes
                        .iter()
                        .map(|(t, m)| BreakerChange {
                            t_s: *t as f64 / 1e9,
                            state: match m {
                                BreakerMode::Open => "open",
                                BreakerMode::HalfOpen => "half_open",
                                BreakerMode::Closed => "closed",
                            }
                            .to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    });
    Some(EdgePolicyReport {
        logical_calls: logical.arrived,
        logical_outcomes: OutcomeCounts::from_counts(&logical, logical.arrived.saturating_sub(logical.finished())),
        attempts: edge_counts.arrived,
        retries: sum(&|a| a.retries),
        // Tries of the finished calls over those calls: one population, so
        // never below 1 (tries started after the warm-up for calls started
        // before it would otherwise count against nobody).
        retry_amplification: finite(ratio(sum(&|a| a.logical_tries) as f64, logical.finished() as f64)),
        try_timeouts: sum(&|a| a.try_timeouts),
        call_timeouts: sum(&|a| a.call_timeouts),
        abandoned: sum(&|a| a.abandoned),
        budget_exhausted: sum(&|a| a.budget_exhausted),
        fail_fast: sum(&|a| a.fail_fast),
        bulkhead_rejections: sum(&|a| a.bulkhead_refused),
        fallbacks: sum(&|a| a.fallbacks),
        logical_latency_ms: percentiles(accs.iter().map(|a| a.logical_latency.clone())),
        breaker,
    })
}

pub(crate) fn measured_s(plan: &Plan) -> f64 {
    (plan.settings.duration_ns.saturating_sub(plan.settings.warmup_ns)) as f64 / 1e9
}

/// Time-averaged replicas serving at node `ni` over the measured period.
pub(crate) fn replicas_mean(plan: &Plan, reps: &[RepResult], ni: usize) -> f64 {
    let len_ns = measured_s(plan) * 1e9;
    let nrep = reps.len().max(1) as f64;
    let area: f64 =
        reps.iter().filter_map(|r| r.metrics.node_ext.get(ni)).map(|e| e.serving.area() - e.serving_at_warmup).sum();
    finite(ratio(area, len_ns * nrep))
}

/// Node `ni`'s replicas and wasted work; `busy_ns` is its busy worker time after the warm-up.
pub(crate) fn node(plan: &Plan, reps: &[RepResult], ni: usize, busy_ns: f64) -> Option<NodeResilience> {
    if !plan.resilient() {
        return None;
    }
    let len_ns = measured_s(plan) * 1e9;
    let nrep = reps.len().max(1) as f64;
    let exts: Vec<_> = reps.iter().filter_map(|r| r.metrics.node_ext.get(ni)).collect();
    let wasted_ns: f64 = exts.iter().map(|e| e.wasted_ns).sum();
    let ejected: f64 = exts.iter().map(|e| e.ejected.area() - e.ejected_at_warmup).sum();
    Some(NodeResilience {
        replicas_mean: replicas_mean(plan, reps, ni),
        replicas_max: exts.iter().map(|e| e.serving.max).max().unwrap_or(0),
        ejections: exts.iter().map(|e| e.ejections).sum(),
        ejected_mean: finite(ratio(ejected, len_ns * nrep)),
        wasted_work_s: finite(wasted_ns / 1e9 / nrep),
        wasted_visits: exts.iter().map(|e| e.wasted_visits).sum(),
        wasted_share: finite(ratio(wasted_ns, busy_ns)),
    })
}

/// Goodput against throughput.
pub(crate) fn load(plan: &Plan, reps: &[RepResult], busy_ns: f64) -> Option<LoadReport> {
    if !plan.resilient() {
        return None;
    }
    let len_s = measured_s(plan) * reps.len().max(1) as f64;
    let mut arrived = 0u64;
    let mut ok = 0u64;
    let mut good = 0u64;
    for r in reps {
        for w in &r.metrics.workloads {
            arrived += w.total.counts.arrived;
            ok += w.total.counts.by_outcome.first().copied().unwrap_or(0);
            good += w.total.counts.succeeded();
        }
    }
    let visits: u64 = reps.iter().flat_map(|r| r.metrics.nodes.iter()).map(|n| n.counts.finished()).sum();
    let wasted: f64 = reps.iter().flat_map(|r| r.metrics.node_ext.iter()).map(|e| e.wasted_ns).sum();
    let offered = ratio(arrived as f64, len_s);
    let throughput = ratio(visits as f64, len_s);
    Some(LoadReport {
        offered_per_s: finite(offered),
        goodput_per_s: finite(ratio(good as f64, len_s)),
        ok_per_s: finite(ratio(ok as f64, len_s)),
        throughput_per_s: finite(throughput),
        amplification: finite(ratio(throughput, offered)),
        wasted_share: finite(ratio(wasted, busy_ns)),
    })
}

fn mean_series(reps: &[RepResult], get: impl Fn(&RepResult) -> Vec<f64>) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for r in reps {
        let s = get(r);
        if out.is_empty() {
            out = s;
        } else {
            for (o, v) in out.iter_mut().zip(s) {
                *o += v;
            }
        }
    }
    let n = reps.len().max(1) as f64;
    out.into_iter().map(|v| finite(v / n)).collect()
}

/// Series of the policy edges.
pub(crate) fn edge_series(plan: &Plan, reps: &[RepResult]) -> Vec<EdgeSeries> {
    plan.policies
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let get = |f: fn(&super::resmetrics::PolicyAcc) -> &Vec<f64>| {
                mean_series(reps, |r| r.metrics.policies.get(pi).map(|a| f(a).clone()).unwrap_or_default())
            };
            EdgeSeries {
                id: plan.edges.get(p.edge as usize).map(|e| e.id.clone()).unwrap_or_default(),
                calls_per_s: get(|a| &a.series_logical_per_s),
                attempts_per_s: get(|a| &a.series_attempts_per_s),
                tries_per_call: tries_per_call(reps, pi),
                breaker_open: get(|a| &a.series_open),
            }
        })
        .collect()
}

/// Per window, the tries of the calls that finished in it over those calls,
/// summed over replications; `None` where no call finished.
fn tries_per_call(reps: &[RepResult], pi: usize) -> Vec<Option<f64>> {
    let mut sums: Vec<(u64, u64)> = Vec::new();
    for a in reps.iter().filter_map(|r| r.metrics.policies.get(pi)) {
        if sums.len() < a.series_calls_finished.len() {
            sums.resize(a.series_calls_finished.len(), (0, 0));
        }
        for (acc, (calls, tries)) in sums.iter_mut().zip(a.series_calls_finished.iter().zip(&a.series_call_tries)) {
            acc.0 += tries;
            acc.1 += calls;
        }
    }
    sums.into_iter().map(|(tries, calls)| (calls > 0).then(|| finite(tries as f64 / calls as f64))).collect()
}

/// Visits finished per second at all nodes, per window.
pub(crate) fn work_series(plan: &Plan, reps: &[RepResult], window_s: f64) -> Vec<f64> {
    if !plan.resilient() || window_s <= 0.0 {
        return Vec::new();
    }
    mean_series(reps, |r| {
        let mut out: Vec<f64> = Vec::new();
        for n in &r.metrics.node_ext {
            if out.len() < n.series_finished.len() {
                out.resize(n.series_finished.len(), 0.0);
            }
            for (o, v) in out.iter_mut().zip(&n.series_finished) {
                *o += *v as f64 / window_s;
            }
        }
        out
    })
}

/// Replicas serving per window at node `ni` (empty for designs without resilience features).
pub(crate) fn replica_series(plan: &Plan, reps: &[RepResult], ni: usize) -> Vec<f64> {
    if !plan.resilient() {
        return Vec::new();
    }
    mean_series(reps, |r| r.metrics.node_ext.get(ni).map(|e| e.series_replicas.clone()).unwrap_or_default())
}

/// Consumer lag per window at broker `bi`.
pub(crate) fn lag_series(plan: &Plan, reps: &[RepResult], bi: usize) -> Vec<f64> {
    if !plan.resilient() {
        return Vec::new();
    }
    mean_series(reps, |r| r.metrics.broker_ext.get(bi).map(|e| e.series_lag_ms.clone()).unwrap_or_default())
}
