//! Fault attribution by counterfactual: for each fault, the same design is run
//! again with the same seed and that fault left out. Every random decision
//! comes from a stream named by (seed, replication, id, purpose), and faulted
//! targets draw their fault randomness whether the fault is on or not, so the
//! two runs see the same arrivals and service times (common random numbers)
//! and their difference is the fault's doing: its share of each workload's
//! failures and latency, and, window by window, the nodes where its effect
//! showed and when.

use std::sync::Arc;

use crate::message::Message;
use crate::sim::core::plan::{NONE, Plan};
use crate::sim::report::accumulators::Pooled;
use crate::sim::report::aggregate::RepResult;
use crate::sim::report::confidence::finite;
use crate::sim::report::metrics::Latency;
use crate::sim::report::{FaultImpact, FaultReach, FaultReport};

/// Faults attributed at most (each costs one more run).
pub(crate) const MAX_ATTRIBUTED: usize = 8;
/// Seconds after a fault's end during which an effect is still ascribed to it.
const AFTERMATH_S: f64 = 10.0;

/// The plans of the counterfactual runs: plan `i` leaves fault `i` out.
pub(crate) fn counterfactual_plans(plan: &Plan, design: &crate::model::Design) -> Vec<Arc<Plan>> {
    let mut out = Vec::new();
    for i in 0..plan.faults.len().min(MAX_ATTRIBUTED) {
        let Ok(mut p) = Plan::compile(design, plan.settings.clone()) else { return Vec::new() };
        if let Some(f) = p.faults.get_mut(i) {
            f.disabled = true;
        }
        out.push(Arc::new(p));
    }
    out
}

struct Figures {
    error_rate: f64,
    p99_ms: f64,
    mean_ms: f64,
}

/// A workload's failures, finished requests and pooled latency so far.
#[derive(Debug, Default)]
struct WorkloadSums {
    failed: u64,
    finished: u64,
    latency: Pooled,
}

/// A node's per-window sums so far: failures, finished visits, time in node
/// of the successful visits, and the first replication's first failure.
#[derive(Debug, Default)]
struct NodeWindows {
    failed: Vec<u64>,
    finished: Vec<u64>,
    ok_sojourn_ns: Vec<f64>,
    first: Vec<u64>,
}

/// What the attribution compares between a run and the run without a
/// fault, folded replication by replication.
#[derive(Debug, Default)]
pub(crate) struct AttrFold {
    workloads: Vec<WorkloadSums>,
    nodes: Vec<NodeWindows>,
}

impl AttrFold {
    pub fn new(plan: &Plan) -> Self {
        Self {
            workloads: plan.workloads.iter().map(|_| WorkloadSums::default()).collect(),
            nodes: plan.nodes.iter().map(|_| NodeWindows::default()).collect(),
        }
    }

    /// Fold in replication `ri` (they must come in replication order); its
    /// workloads' latency histograms are taken over.
    pub fn fold(&mut self, r: RepResult, ri: usize) {
        for (sums, w) in self.workloads.iter_mut().zip(r.metrics.workloads) {
            sums.failed += w.total.counts.failed();
            sums.finished += w.total.counts.finished();
            sums.latency.fold(w.total.latency);
        }
        for (ni, n) in self.nodes.iter_mut().enumerate() {
            let Some(e) = r.metrics.node_ext.get(ni) else { continue };
            if n.failed.len() < e.series_failed.len() {
                n.failed.resize(e.series_failed.len(), 0);
                n.finished.resize(e.series_failed.len(), 0);
                n.ok_sojourn_ns.resize(e.series_failed.len(), 0.0);
                n.first.resize(e.series_failed.len(), 0);
            }
            for (w, v) in e.series_failed.iter().enumerate() {
                n.failed[w] += v;
                n.finished[w] += e.series_finished.get(w).copied().unwrap_or(0);
                n.ok_sojourn_ns[w] += e.series_ok_sojourn_ns.get(w).copied().unwrap_or(0.0);
                if ri == 0 {
                    n.first[w] = e.series_first_fail_ns.get(w).copied().unwrap_or(0);
                }
            }
        }
    }

    fn workload_figures(&self, wi: usize) -> Figures {
        let (failed, finished, lat) =
            self.workloads.get(wi).map_or((0, 0, None), |s| (s.failed, s.finished, s.latency.latency()));
        Figures {
            error_rate: if finished > 0 { failed as f64 / finished as f64 } else { 0.0 },
            p99_ms: lat.map_or(0.0, |l| l.quantile_ms(0.99)),
            mean_ms: lat.map_or(0.0, Latency::mean_ms),
        }
    }

    /// Summed failures, finished visits, mean time in node of the successful
    /// visits (0 when none succeeded) and first failure per window at node `ni`.
    fn node_windows(&self, ni: usize) -> (&[u64], &[u64], Vec<f64>, &[u64]) {
        let Some(n) = self.nodes.get(ni) else { return (&[], &[], Vec::new(), &[]) };
        // Summed time over summed successful visits: the same population.
        let mean = n
            .ok_sojourn_ns
            .iter()
            .zip(&n.finished)
            .zip(&n.failed)
            .map(|((m, f), a)| {
                let ok = f.saturating_sub(*a);
                if ok > 0 { *m / ok as f64 / 1e6 } else { 0.0 }
            })
            .collect();
        (&n.failed, &n.finished, mean, &n.first)
    }
}

fn fmt_s(t: f64) -> String {
    format!("{t:.1} s")
}

/// One report per fault; attribution where a counterfactual run exists.
pub(crate) fn fault_reports(plan: &Plan, run: &AttrFold, without: &[AttrFold]) -> Vec<FaultReport> {
    let window_s = plan.settings.window_ns as f64 / 1e9;
    let mut out = Vec::new();
    for (i, f) in plan.faults.iter().enumerate() {
        let start_s = f.start_ns as f64 / 1e9;
        let end_s = f.end_ns as f64 / 1e9;
        let target_name = if f.node == NONE {
            f.target.clone()
        } else {
            plan.node_names.get(f.node as usize).cloned().unwrap_or_else(|| f.target.clone())
        };
        let what = f.describe();
        let mut report = FaultReport {
            name: f.name.clone(),
            target: f.target.clone(),
            what: what.clone(),
            start_s,
            end_s,
            reached: Vec::new(),
            impact: Vec::new(),
            summary: crate::msg!(
                "engine-fault-summary-unattributed",
                "{name}: {what} on {target} from {start} to {end}",
                name = &f.name,
                what = &what,
                target = &target_name,
                start = fmt_s(start_s),
                end = fmt_s(end_s)
            )
            .with_list("what", vec![what], ""),
        };
        let Some(cf) = without.get(i) else {
            if i >= MAX_ATTRIBUTED {
                let summary = std::mem::take(&mut report.summary);
                report.summary = crate::msg!(
                    "engine-fault-summary-not-attributed",
                    "{summary} (not attributed: only the first {max} faults are)",
                    summary = &summary,
                    max = MAX_ATTRIBUTED
                )
                .with_list("summary", vec![summary], "");
            }
            out.push(report);
            continue;
        };
        // Where and when the effect showed.
        let first_w = (start_s / window_s).floor() as usize;
        let last_w = ((end_s + AFTERMATH_S.max(end_s - start_s)) / window_s).ceil() as usize;
        for (ni, node) in plan.nodes.iter().enumerate() {
            let (fa, fi, me, first) = run.node_windows(ni);
            let (ca, _, cm, _) = cf.node_windows(ni);
            for w in first_w..last_w.min(fa.len()) {
                let (a, b) = (fa[w] as f64, ca.get(w).copied().unwrap_or(0) as f64);
                let by_failures = a - b >= 3.0_f64.max(3.0 * (b + 1.0).sqrt());
                let (m, mc) = (me[w], cm.get(w).copied().unwrap_or(0.0));
                let ok = fi[w].saturating_sub(fa[w]);
                let by_latency = ok >= 5 && mc > 0.0 && m > 1.5 * mc && m - mc > 1.0;
                if by_failures || by_latency {
                    let window_start = (w as f64 * window_s).max(start_s);
                    let at =
                        if by_failures && first[w] > 0 { (first[w] as f64 / 1e9).max(start_s) } else { window_start };
                    report.reached.push(FaultReach {
                        node: node.id.clone(),
                        at_s: at,
                        effect: if by_failures { "failures" } else { "latency" }.to_owned(),
                    });
                    break;
                }
            }
        }
        report.reached.sort_by(|a, b| a.at_s.total_cmp(&b.at_s).then_with(|| a.node.cmp(&b.node)));
        for (wi, w) in plan.workloads.iter().enumerate() {
            let with = run.workload_figures(wi);
            let base = cf.workload_figures(wi);
            report.impact.push(FaultImpact {
                workload: w.name.clone(),
                error_rate: finite(with.error_rate),
                error_rate_without: finite(base.error_rate),
                error_points: finite((with.error_rate - base.error_rate) * 100.0),
                p99_ms: finite(with.p99_ms),
                p99_without_ms: finite(base.p99_ms),
                mean_ms: finite(with.mean_ms),
                mean_without_ms: finite(base.mean_ms),
            });
        }
        report.summary = summary(plan, &report, &target_name);
        out.push(report);
    }
    out
}

/// "profile DB slowdown (latency ×3) on Profile DB at 40.0 s → Profile DB latency from 40.0 s →
/// Recommendations failures from 40.3 s → product page: errors 41.0% (38.2 points due to this fault),
/// p99 950 ms (820 ms without)".
fn summary(plan: &Plan, r: &FaultReport, target_name: &str) -> Message {
    let mut parts = vec![
        crate::msg!(
            "engine-fault-summary-start",
            "{name} ({what}) on {target} at {at}",
            name = &r.name,
            what = &r.what,
            target = target_name,
            at = fmt_s(r.start_s)
        )
        .with_list("what", vec![r.what.clone()], ""),
    ];
    for reach in &r.reached {
        let name = plan
            .nodes
            .iter()
            .position(|n| n.id == reach.node)
            .and_then(|i| plan.node_names.get(i))
            .cloned()
            .unwrap_or_else(|| reach.node.clone());
        let at = fmt_s(reach.at_s);
        parts.push(if reach.effect == "failures" {
            crate::msg!("engine-fault-reached-failures", "{name} failures from {at}", name = &name, at = &at)
        } else {
            crate::msg!("engine-fault-reached-latency", "{name} latency from {at}", name = &name, at = &at)
        });
    }
    for imp in &r.impact {
        let (workload, errors, points) =
            (&imp.workload, format!("{:.1}", imp.error_rate * 100.0), format!("{:.1}", imp.error_points));
        let (p99, without) = (format!("{:.0}", imp.p99_ms), format!("{:.0}", imp.p99_without_ms));
        // Latency is of the requests that succeeded: say so when many did not.
        parts.push(if imp.error_rate > 0.0 {
            crate::msg!(
                "engine-fault-impact-of-succeeded",
                "{workload}: errors {errors}%, of which {points} points due to this fault; p99 of the {share} that succeeded {p99} ms ({without} ms without it)",
                workload = workload,
                errors = errors,
                points = points,
                share = crate::units::success_percent(1.0 - imp.error_rate),
                p99 = p99,
                without = without
            )
        } else {
            crate::msg!(
                "engine-fault-impact",
                "{workload}: errors {errors}%, of which {points} points due to this fault; p99 {p99} ms ({without} ms without it)",
                workload = workload,
                errors = errors,
                points = points,
                p99 = p99,
                without = without
            )
        });
    }
    if r.reached.is_empty() {
        parts.push(crate::msg!("engine-fault-no-effect", "no measurable effect on any node"));
    }
    crate::message::list(parts, " → ")
}
