//! Turning replications' measurements into the report: totals, pooled
//! percentiles, confidence intervals (replications, or batch means with one
//! replication), SLO verdicts, the stability verdict and the conservation check.

use crate::model::Slo;

use super::engine::Flags;
use super::metrics::{BATCHES, Latency, Metrics, WorkloadSlice};
use super::plan::Plan;
use super::report::{
    BrokerReport, BrokerSeries, Conservation, EdgeReport, LatencyEstimates, NodeReport, NodeSeries, OutcomeCounts,
    Percentiles, REPORT_VERSION, Report, ReportSettings, SloVerdict, TimeSeries, Verdict, WorkloadReport,
    WorkloadSeries,
};
use super::stats::{Estimate, estimate, finite, mean_estimate};
use super::trace::Trace;

/// What one replication hands back.
#[derive(Debug)]
pub(crate) struct RepResult {
    pub metrics: Metrics,
    pub flags: Flags,
    pub events: u64,
    pub traces: Vec<Trace>,
    pub broker_in_flight: Vec<u64>,
}

/// An estimate from each replication's whole-run figure (R ≥ 2), or from the
/// whole-run figure with batch means for its interval (R = 1).
fn est(
    reps: &[RepResult],
    whole: impl Fn(&RepResult) -> f64,
    batch: impl Fn(&RepResult, usize) -> Option<f64>,
) -> Estimate {
    match reps {
        [] => Estimate::default(),
        [r] => {
            let samples: Vec<f64> = (0..BATCHES as usize).filter_map(|b| batch(r, b)).map(finite).collect();
            estimate(whole(r), &samples)
        }
        _ => mean_estimate(&reps.iter().map(|r| finite(whole(r))).collect::<Vec<_>>()),
    }
}

fn measured_s(plan: &Plan) -> f64 {
    (plan.settings.duration_ns.saturating_sub(plan.settings.warmup_ns)) as f64 / 1e9
}

fn batch_s(r: &RepResult, b: usize) -> Option<f64> {
    r.metrics.batch_lengths_ns.get(b).map(|ns| *ns as f64 / 1e9).filter(|s| *s > 0.0)
}

/// a / b, or 0 when b is 0 (no calls, no time).
pub(super) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Percentiles of latencies pooled over replications.
pub(super) fn pooled(lats: impl Iterator<Item = Latency>) -> Percentiles {
    let mut acc: Option<Latency> = None;
    for l in lats {
        match &mut acc {
            None => acc = Some(l),
            Some(a) => a.merge(&l),
        }
    }
    let Some(l) = acc else { return Percentiles::default() };
    Percentiles {
        count: l.hist.len(),
        mean: finite(l.mean_ms()),
        p50: l.quantile_ms(0.5),
        p95: l.quantile_ms(0.95),
        p99: l.quantile_ms(0.99),
        p999: l.quantile_ms(0.999),
        max: if l.hist.is_empty() { 0.0 } else { l.hist.max() as f64 / 1e6 },
    }
}

fn slice_error_rate(s: &WorkloadSlice) -> f64 {
    ratio(s.counts.failed() as f64, s.counts.finished() as f64)
}

fn mean_series(reps: &[RepResult], get: impl Fn(&Metrics) -> Vec<f64>) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for r in reps {
        let s = get(&r.metrics);
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

/// Per window, the mean over the replications that have a value there
/// (`None` when none has: a window without data stays without data).
fn mean_series_opt(reps: &[RepResult], get: impl Fn(&Metrics) -> Vec<Option<f64>>) -> Vec<Option<f64>> {
    let mut sum: Vec<(f64, u32)> = Vec::new();
    for r in reps {
        let s = get(&r.metrics);
        if sum.len() < s.len() {
            sum.resize(s.len(), (0.0, 0));
        }
        for (acc, v) in sum.iter_mut().zip(s) {
            if let Some(v) = v {
                acc.0 += v;
                acc.1 += 1;
            }
        }
    }
    sum.into_iter().map(|(v, n)| (n > 0).then(|| finite(v / f64::from(n)))).collect()
}

/// Build the report.
pub(crate) fn build(plan: &Plan, reps: Vec<RepResult>) -> Report {
    build_with(plan, reps, &[])
}

/// Build the report; `without[i]` are the replications of a run without fault `i`.
pub(crate) fn build_with(plan: &Plan, mut reps: Vec<RepResult>, without: &[Vec<RepResult>]) -> Report {
    let fault_reports = super::attribution::fault_reports(plan, &reps, without);
    let len_s = measured_s(plan);
    let s = &plan.settings;
    let traces = reps.first_mut().map(|r| std::mem::take(&mut r.traces)).unwrap_or_default();
    let mut conservation = Conservation { holds: true, violations: Vec::new() };
    let mut warnings = Vec::new();

    // Workloads.
    let mut workloads = Vec::new();
    for (wi, w) in plan.workloads.iter().enumerate() {
        let mut counts = super::metrics::Counts::default();
        let mut in_flight = 0;
        for (ri, r) in reps.iter().enumerate() {
            if let Some(a) = r.metrics.workloads.get(wi) {
                let c = &a.total.counts;
                counts.add(c);
                in_flight += a.in_flight;
                if c.arrived != c.finished() + a.in_flight {
                    conservation.holds = false;
                    conservation.violations.push(format!(
                        "workload {} (replication {ri}): arrived {} ≠ finished {} + in flight {}",
                        w.name,
                        c.arrived,
                        c.finished(),
                        a.in_flight
                    ));
                }
            }
        }
        let whole = |f: &dyn Fn(&WorkloadSlice) -> f64| {
            est(
                &reps,
                |r| r.metrics.workloads.get(wi).map_or(0.0, |a| f(&a.total)),
                |r, b| r.metrics.workloads.get(wi).and_then(|a| a.batches.get(b)).map(f),
            )
        };
        let throughput = est(
            &reps,
            |r| r.metrics.workloads.get(wi).map_or(0.0, |a| a.total.counts.succeeded() as f64 / len_s),
            |r, b| {
                let a = r.metrics.workloads.get(wi)?;
                Some(a.batches.get(b)?.counts.succeeded() as f64 / batch_s(r, b)?)
            },
        );
        let q = |p: f64| whole(&move |sl: &WorkloadSlice| sl.latency.quantile_ms(p));
        workloads.push(WorkloadReport {
            name: w.name.clone(),
            entry: plan.nodes.get(w.entry as usize).map(|n| n.id.clone()).unwrap_or_default(),
            arrived: counts.arrived,
            outcomes: OutcomeCounts::from_counts(&counts, in_flight),
            throughput_per_s: throughput,
            error_rate: whole(&slice_error_rate),
            latency_ms: LatencyEstimates {
                mean: whole(&|sl: &WorkloadSlice| sl.latency.mean_ms()),
                p50: q(0.5),
                p95: q(0.95),
                p99: q(0.99),
                p999: q(0.999),
            },
        });
    }

    // Nodes.
    let mut nodes = Vec::new();
    let mut busy_total = 0.0;
    for (ni, n) in plan.nodes.iter().enumerate() {
        let autoscaled = plan.node_pols.get(n.pol as usize).is_some_and(|p| p.hpa.is_some());
        let workers = if autoscaled {
            super::resbuild::replicas_mean(plan, &reps, ni) * f64::from(n.workers)
        } else {
            f64::from(n.replicas) * f64::from(n.workers)
        };
        let busy_ns: f64 =
            reps.iter().filter_map(|r| r.metrics.nodes.get(ni)).map(|a| a.busy.area() - a.busy_at_warmup).sum();
        busy_total += busy_ns;
        let mut counts = super::metrics::Counts::default();
        let mut in_flight = 0;
        let (mut present, mut sojourn, mut finished, mut served, mut wait, mut service, mut down) =
            (0.0, 0.0, 0u64, 0u64, 0.0, 0.0, 0.0);
        let mut max_q = 0;
        for (ri, r) in reps.iter().enumerate() {
            let Some(a) = r.metrics.nodes.get(ni) else { continue };
            counts.add(&a.counts);
            in_flight += a.in_flight;
            present += a.present.area() - a.present_at_warmup;
            sojourn += a.sojourn_sum_ns as f64;
            finished += a.counts.finished();
            served += a.served;
            wait += a.wait_sum_ns as f64;
            service += a.service_sum_ns as f64;
            down += a.downstream_sum_ns as f64;
            max_q = max_q.max(a.queue.max);
            if a.counts.arrived != a.counts.finished() + a.in_flight {
                conservation.holds = false;
                conservation.violations.push(format!(
                    "node {} (replication {ri}): visits {} ≠ finished {} + in flight {}",
                    n.id,
                    a.counts.arrived,
                    a.counts.finished(),
                    a.in_flight
                ));
            }
        }
        let nrep = reps.len().max(1) as f64;
        nodes.push(NodeReport {
            id: n.id.clone(),
            name: plan.node_names.get(ni).cloned().unwrap_or_default(),
            kind: n.kind.as_str().to_owned(),
            visits: counts.arrived,
            outcomes: OutcomeCounts::from_counts(&counts, in_flight),
            throughput_per_s: est(
                &reps,
                |r| r.metrics.nodes.get(ni).map_or(0.0, |a| a.counts.succeeded() as f64 / len_s),
                |r, b| Some(r.metrics.nodes.get(ni)?.batches.get(b)?.succeeded as f64 / batch_s(r, b)?),
            ),
            utilization: est(
                &reps,
                |r| {
                    r.metrics
                        .nodes
                        .get(ni)
                        .map_or(0.0, |a| ratio(a.busy.area() - a.busy_at_warmup, workers * len_s * 1e9))
                },
                |r, b| Some(ratio(r.metrics.nodes.get(ni)?.batches.get(b)?.busy_area, workers * batch_s(r, b)? * 1e9)),
            ),
            mean_queue_length: est(
                &reps,
                |r| r.metrics.nodes.get(ni).map_or(0.0, |a| ratio(a.queue.area() - a.queue_at_warmup, len_s * 1e9)),
                |r, b| Some(ratio(r.metrics.nodes.get(ni)?.batches.get(b)?.queue_area, batch_s(r, b)? * 1e9)),
            ),
            max_queue_length: max_q,
            mean_in_node: finite(present / (len_s * 1e9 * nrep)),
            mean_time_in_node_ms: finite(ratio(sojourn, finished as f64) / 1e6),
            wait_ms: finite(ratio(wait, served as f64) / 1e6),
            service_ms: finite(ratio(service, served as f64) / 1e6),
            downstream_ms: finite(ratio(down, served as f64) / 1e6),
            latency_ms: pooled(reps.iter().filter_map(|r| r.metrics.nodes.get(ni).map(|a| a.latency.clone()))),
            resilience: super::resbuild::node(plan, &reps, ni, busy_ns),
        });
    }

    // Edges.
    let edges = plan
        .edges
        .iter()
        .enumerate()
        .map(|(ei, e)| {
            let mut counts = super::metrics::Counts::default();
            for r in &reps {
                if let Some(a) = r.metrics.edges.get(ei) {
                    counts.add(&a.counts);
                }
            }
            let ends = plan.edge_ends.get(ei);
            EdgeReport {
                id: e.id.clone(),
                from: ends.map(|d| d.0.clone()).unwrap_or_default(),
                to: ends.map(|d| d.1.clone()).unwrap_or_default(),
                kind: e.kind.as_str().to_owned(),
                calls: counts.arrived,
                // Calls still out at the end are what the outcomes do not cover.
                outcomes: OutcomeCounts::from_counts(&counts, counts.arrived.saturating_sub(counts.finished())),
                latency_ms: pooled(reps.iter().filter_map(|r| r.metrics.edges.get(ei).map(|a| a.latency.clone()))),
                policy: super::resbuild::edge_policy(plan, &reps, ei, &counts),
            }
        })
        .collect();

    // Brokers.
    let mut brokers = Vec::new();
    for (bi, b) in plan.brokers.iter().enumerate() {
        let sum = |f: &dyn Fn(&super::metrics::BrokerAcc) -> u64| {
            reps.iter().filter_map(|r| r.metrics.brokers.get(bi)).map(f).sum::<u64>()
        };
        let in_flight = reps.iter().filter_map(|r| r.broker_in_flight.get(bi)).sum();
        brokers.push(BrokerReport {
            id: plan.nodes.get(b.node as usize).map(|n| n.id.clone()).unwrap_or_default(),
            mode: match b.mode {
                crate::model::BrokerMode::Queue => "queue".to_owned(),
                crate::model::BrokerMode::Topic => "topic".to_owned(),
            },
            published: sum(&|a| a.published),
            accepted: sum(&|a| a.accepted),
            dropped: sum(&|a| a.dropped),
            delivered: sum(&|a| a.delivered),
            redelivered: sum(&|a| a.redelivered),
            dead_lettered: sum(&|a| a.dead_lettered),
            in_flight,
            backlog_mean: est(
                &reps,
                |r| {
                    r.metrics
                        .brokers
                        .get(bi)
                        .map_or(0.0, |a| ratio(a.backlog.area() - a.backlog_at_warmup, len_s * 1e9))
                },
                |r, b| Some(ratio(*r.metrics.brokers.get(bi)?.batches.get(b)?, batch_s(r, b)? * 1e9)),
            ),
            backlog_max: reps
                .iter()
                .filter_map(|r| r.metrics.brokers.get(bi))
                .map(|a| a.backlog.max)
                .max()
                .unwrap_or(0),
            delay_ms: pooled(reps.iter().filter_map(|r| r.metrics.brokers.get(bi).map(|a| a.delay.clone()))),
            lost: reps.iter().filter_map(|r| r.metrics.broker_ext.get(bi)).map(|e| e.lost).sum(),
            blocked: reps.iter().filter_map(|r| r.metrics.broker_ext.get(bi)).map(|e| e.blocked).sum(),
        });
    }

    // Time series.
    let series = TimeSeries {
        window_s: s.window_ns as f64 / 1e9,
        start_s: reps
            .first()
            .map(|r| r.metrics.window_starts_ns.iter().map(|t| *t as f64 / 1e9).collect())
            .unwrap_or_default(),
        workloads: plan
            .workloads
            .iter()
            .enumerate()
            .map(|(wi, w)| {
                let pick = |f: fn(&super::metrics::WindowPoint) -> f64| {
                    mean_series(&reps, |m| {
                        m.workloads.get(wi).map(|a| a.series.iter().map(f).collect()).unwrap_or_default()
                    })
                };
                let pick_opt = |f: fn(&super::metrics::WindowPoint) -> Option<f64>| {
                    mean_series_opt(&reps, |m| {
                        m.workloads.get(wi).map(|a| a.series.iter().map(f).collect()).unwrap_or_default()
                    })
                };
                WorkloadSeries {
                    name: w.name.clone(),
                    throughput_per_s: pick(|p| p.throughput_per_s),
                    errors: pick(|p| p.errors as f64),
                    p50_ms: pick_opt(|p| p.p50_ms),
                    p99_ms: pick_opt(|p| p.p99_ms),
                }
            })
            .collect(),
        nodes: plan
            .nodes
            .iter()
            .enumerate()
            .map(|(ni, n)| NodeSeries {
                id: n.id.clone(),
                utilization: mean_series(&reps, |m| {
                    m.nodes.get(ni).map(|a| a.series_utilization.clone()).unwrap_or_default()
                }),
                queue_length: mean_series(&reps, |m| {
                    m.nodes.get(ni).map(|a| a.series_queue.clone()).unwrap_or_default()
                }),
                replicas: super::resbuild::replica_series(plan, &reps, ni),
            })
            .collect(),
        brokers: plan
            .brokers
            .iter()
            .enumerate()
            .map(|(bi, b)| BrokerSeries {
                id: plan.nodes.get(b.node as usize).map(|n| n.id.clone()).unwrap_or_default(),
                backlog: mean_series(&reps, |m| {
                    m.brokers.get(bi).map(|a| a.series_backlog.clone()).unwrap_or_default()
                }),
                lag_ms: super::resbuild::lag_series(plan, &reps, bi),
            })
            .collect(),
        edges: super::resbuild::edge_series(plan, &reps),
        work_per_s: super::resbuild::work_series(plan, &reps, s.window_ns as f64 / 1e9),
    };

    // SLOs.
    let mut slos = Vec::new();
    for slo in &plan.slos {
        slo_verdicts(slo, plan, &reps, &mut slos);
    }

    // Stability.
    let cap_hit = reps.iter().any(|r| r.flags.in_flight_cap_hit);
    let msg_cap_hit = reps.iter().any(|r| r.flags.message_cap_hit);
    let (mut reasons, mut where_) = super::stability::growth(plan, &series, &nodes, &brokers);
    if let Some(at_ns) = reps.iter().find_map(|r| r.flags.stalled_at_ns) {
        reasons.insert(
            0,
            format!(
                "simulated time stopped advancing at {:.3} s: millions of events at that instant (a loop with no \
                 delay, such as retries without backoff against a service that fails at once); the run was cut there",
                at_ns as f64 / 1e9
            ),
        );
    }
    if cap_hit {
        reasons.insert(
            0,
            format!("requests in flight reached the cap of {}: later arrivals were rejected", s.max_in_flight),
        );
        if where_.is_empty() {
            where_ = super::stability::busiest(&nodes);
        }
    }
    if msg_cap_hit {
        reasons.push(format!("brokers held {} messages: later messages were dropped", super::engine::MAX_MESSAGES));
    }
    if reps.iter().any(|r| r.flags.depth_exceeded) {
        warnings.push(format!(
            "some calls were nested deeper than {} levels (a call cycle?) and failed",
            super::engine::MAX_DEPTH
        ));
    }
    let clamped: u64 = reps.iter().map(|r| r.flags.clamped_draws).sum();
    if clamped > 0 {
        warnings.push(format!(
            "{clamped} drawn or stretched delay(s) were longer than about 3 years and were held there: their requests stayed in flight past the end of the run"
        ));
    }
    let wide = workloads.iter().filter(|w| w.throughput_per_s.wide || w.latency_ms.p99.wide).count();
    if wide > 0 {
        warnings.push(format!(
            "{wide} workload(s) have a 95% confidence interval wider than 5% of the figure: run longer or with more replications"
        ));
    }

    let discovery = super::discovery_build::discovery(plan, &reps, len_s, &mut warnings);

    Report {
        report_version: REPORT_VERSION,
        design: plan.name.clone(),
        settings: ReportSettings {
            seed: s.seed,
            duration_s: s.duration_ns as f64 / 1e9,
            warmup_s: s.warmup_ns as f64 / 1e9,
            replications: s.replications,
            rate_scale: s.rate_scale,
            window_s: s.window_ns as f64 / 1e9,
            max_in_flight: s.max_in_flight,
            ci_method: if reps.len() >= 2 { "replications".to_owned() } else { "batch_means".to_owned() },
        },
        unstable: !reasons.is_empty(),
        unstable_reasons: reasons,
        unstable_nodes: where_,
        conservation,
        warnings,
        events: reps.iter().map(|r| r.events).sum(),
        workloads,
        nodes,
        edges,
        brokers,
        slos,
        series,
        traces,
        load: super::resbuild::load(plan, &reps, busy_total),
        faults: fault_reports,
        discovery,
    }
}

fn slo_verdicts(slo: &Slo, plan: &Plan, reps: &[RepResult], out: &mut Vec<SloVerdict>) {
    let Some(wi) = plan.workloads.iter().position(|w| w.name == slo.workload) else { return };
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
    let finished: u64 =
        reps.iter().filter_map(|r| r.metrics.workloads.get(wi)).map(|a| a.total.counts.finished()).sum();
    if let Some(l) = &slo.latency {
        let q = (l.percentile / 100.0).clamp(0.0, 1.0);
        let m = est(
            reps,
            |r| r.metrics.workloads.get(wi).map_or(0.0, |a| a.total.latency.quantile_ms(q)),
            |r, b| r.metrics.workloads.get(wi).and_then(|a| a.batches.get(b)).map(|s| s.latency.quantile_ms(q)),
        );
        let succeeded: u64 =
            reps.iter().filter_map(|r| r.metrics.workloads.get(wi)).map(|a| a.total.counts.succeeded()).sum();
        out.push(SloVerdict {
            workload: slo.workload.clone(),
            objective: format!("p{} latency", l.percentile),
            target: l.max_ms,
            measured: m,
            verdict: verdict(&m, l.max_ms, succeeded),
        });
    }
    if let Some(max) = slo.max_error_rate {
        let m = est(
            reps,
            |r| r.metrics.workloads.get(wi).map_or(0.0, |a| slice_error_rate(&a.total)),
            |r, b| r.metrics.workloads.get(wi).and_then(|a| a.batches.get(b)).map(slice_error_rate),
        );
        out.push(SloVerdict {
            workload: slo.workload.clone(),
            objective: "error rate".to_owned(),
            target: max,
            measured: m,
            verdict: verdict(&m, max, finished),
        });
    }
}
