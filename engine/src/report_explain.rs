//! Explanations of a run in words, shared by the app, the CLI and the HTML
//! report.
//!
//! Two findings answer what "the bottleneck" mixes up: the *saturated*
//! resource ([`crate::report_bottleneck`]) and the node with the *largest
//! share of tail latency*. The latter is found where the tail requests' time
//! goes: for each sampled trace at or above its workload's p99 (or the
//! slowest tenth when none reach it), the critical path through its span
//! tree is walked and each hop's queueing, service and network time on that
//! path is charged to its node. Neither alone tells the story: a busy node
//! off the critical path (an async consumer) adds nothing to the latency
//! users see, and a slow node on it may be idle.
//!
//! Latency counts only the requests that succeeded, so a latency verdict
//! says whose latency it is when some failed.

use std::collections::BTreeMap;

use crate::message::Message;
use crate::model::{Design, FaultKind};
use crate::report_bottleneck::{Saturation, nothing_saturated, saturated, saturated_sentence, tail_definition};
use crate::sim::{Report, Trace, TraceSpan, Verdict};
use crate::units::{SloKind, objective_text, slo_figures, slo_kind, slo_order};

/// Time on the critical path of tail requests charged to one node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TailShare {
    /// Node id.
    pub node: String,
    /// Node name.
    pub name: String,
    /// Queueing, ms summed over the tail traces.
    pub queue_ms: f64,
    /// Service, ms.
    pub service_ms: f64,
    /// Network towards and back from the node, ms.
    pub network_ms: f64,
    /// Share of all critical-path time, 0–1.
    pub share: f64,
}

impl TailShare {
    /// All time charged.
    #[must_use]
    pub fn total_ms(&self) -> f64 {
        self.queue_ms + self.service_ms + self.network_ms
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A failure: an SLO missed, an unstable run.
    Bad,
    /// Worth attention.
    Warn,
    /// For information.
    Info,
}

/// One finding in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// How serious.
    pub level: Level,
    /// The sentence.
    pub text: Message,
    /// Node the finding is about, to select it.
    pub node: Option<String>,
}

/// Everything explained about a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explanation {
    /// Findings, most serious first.
    pub findings: Vec<Finding>,
    /// Critical-path time per node, largest first.
    pub tail: Vec<TailShare>,
    /// Traces the tail analysis used.
    pub tail_traces: usize,
    /// Saturated nodes, the cause first.
    pub saturated: Vec<Saturation>,
}

/// Charge a trace's critical path to nodes: `(queue, service, network)` per node id.
pub fn critical_path(trace: &Trace, out: &mut BTreeMap<String, [f64; 3]>) {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); trace.spans.len()];
    let mut roots = Vec::new();
    for (i, s) in trace.spans.iter().enumerate() {
        match s.parent.and_then(|p| children.get_mut(p as usize)) {
            Some(c) => c.push(i),
            None => roots.push(i),
        }
    }
    if let Some(&root) = roots.first() {
        charge(trace, &children, root, out, 0);
    }
}

fn charge(trace: &Trace, children: &[Vec<usize>], i: usize, out: &mut BTreeMap<String, [f64; 3]>, depth: usize) {
    let Some(s) = trace.spans.get(i) else { return };
    if depth > 64 {
        return;
    }
    let e = out.entry(s.node.clone()).or_insert([0.0; 3]);
    e[0] += s.queue_ms;
    e[1] += s.service_ms;
    e[2] += s.network_in_ms + s.network_out_ms;
    // Walk the downstream phase backwards from its end: the child that
    // finished last is what the node waited for; before it started, the
    // previous one that finished, and so on (sequential calls all count,
    // of parallel ones only the slowest).
    let served = s.start_ms + s.network_in_ms + s.queue_ms + s.service_ms;
    let mut cursor = served + s.downstream_ms + 1e-9;
    let kids = children.get(i).map_or(&[][..], Vec::as_slice);
    loop {
        let next = kids
            .iter()
            .filter_map(|&c| trace.spans.get(c).map(|sp| (c, sp)))
            .filter(|(_, sp)| sp.end_ms <= cursor && sp.end_ms > served - 1e-9 && sp.start_ms < cursor)
            .max_by(|a, b| a.1.end_ms.total_cmp(&b.1.end_ms));
        let Some((c, sp)) = next else { break };
        charge(trace, children, c, out, depth + 1);
        cursor = sp.start_ms;
    }
}

/// The tail traces of a report: at or above their workload's p99.
#[must_use]
pub fn tail_traces(report: &Report) -> Vec<&Trace> {
    let p99 = |w: &str| report.workload(w).map_or(f64::INFINITY, |r| r.latency_ms.p99.mean);
    let mut tail: Vec<&Trace> = report.traces.iter().filter(|t| t.latency_ms >= p99(&t.workload) * 0.999).collect();
    if tail.is_empty() {
        let mut all: Vec<&Trace> = report.traces.iter().collect();
        all.sort_by(|a, b| b.latency_ms.total_cmp(&a.latency_ms));
        all.truncate(report.traces.len().div_ceil(10).max(1).min(report.traces.len()));
        tail = all;
    }
    tail
}

/// Explain a run; `design` (as simulated) adds what each fault did and names.
#[must_use]
pub fn explain(report: &Report, design: Option<&Design>) -> Explanation {
    let mut findings = Vec::new();
    unstable_finding(report, &mut findings);
    slo_findings(report, &mut findings);
    // Where the tail requests' time goes.
    let tail = tail_traces(report);
    let shares = tail_shares(report, &tail);
    let sat = design.map(|d| saturated(report, d)).unwrap_or_default();
    saturation_finding(&sat, design.is_some(), &mut findings);
    tail_finding(report, design.is_some(), (tail.len(), &shares), &sat, &mut findings);
    hot_findings(report, &sat, &mut findings);
    if let Some(d) = design {
        fault_findings(report, d, &mut findings);
    }
    discovery_findings(report, &mut findings);
    findings.sort_by_key(|f| f.level);
    Explanation { findings, tail: shares, tail_traces: tail.len(), saturated: sat }
}

/// Why the run is unstable, first of all.
fn unstable_finding(report: &Report, findings: &mut Vec<Finding>) {
    if report.unstable {
        findings.push(Finding {
            level: Level::Bad,
            text: crate::msg!(
                "engine-finding-unstable",
                "The run is unstable: {reasons}.",
                reasons = crate::message::join(&report.unstable_reasons, "; ")
            )
            .with_list("reasons", report.unstable_reasons.clone(), "; "),
            node: report.unstable_nodes.first().cloned(),
        });
    }
}

/// Each SLO's verdict, failing ones first, with how far off it is.
fn slo_findings(report: &Report, findings: &mut Vec<Finding>) {
    for i in slo_order(&report.slos) {
        let Some(s) = report.slos.get(i) else { continue };
        let f = slo_figures(s);
        let objective = objective_text(report, s);
        let (m, t) = (s.measured.mean, s.target);
        let over = if slo_kind(s) == SloKind::ErrorRate {
            crate::msg!("engine-points", "{points} points", points = format!("{:.2}", (m - t) * 100.0))
        } else {
            Message::untranslated(crate::units::ms(m - t))
        };
        let (workload, measured, target) = (&s.workload, f.measured_with_ci(), &f.target);
        let (level, text) = match s.verdict {
            Verdict::Fail => (
                Level::Bad,
                crate::msg!(
                    "engine-finding-slo-missed",
                    "SLO missed: {workload} {objective} is {measured} against a target of {target}: over by {over} ({relative} %).",
                    workload = workload,
                    objective = &objective,
                    measured = measured,
                    target = target,
                    over = &over,
                    relative = format!("{:+.0}", if t == 0.0 { 0.0 } else { (m - t) / t * 100.0 })
                ),
            ),
            Verdict::Inconclusive => (
                Level::Warn,
                crate::msg!(
                    "engine-finding-slo-inconclusive",
                    "SLO inconclusive: {workload} {objective} is {measured}, the interval straddles the target {target}: run longer or with more replications.",
                    workload = workload,
                    objective = &objective,
                    measured = measured,
                    target = target
                ),
            ),
            Verdict::Pass => (
                Level::Info,
                crate::msg!(
                    "engine-finding-slo-met",
                    "SLO met: {workload} {objective} is {measured} (target {target}).",
                    workload = workload,
                    objective = &objective,
                    measured = measured,
                    target = target
                ),
            ),
        };
        let text = text.with_list("objective", vec![objective], "").with_list("over", vec![over], "");
        findings.push(Finding { level, text, node: None });
    }
}

/// Each node's share of the tail requests' critical paths, largest first.
fn tail_shares(report: &Report, tail: &[&Trace]) -> Vec<TailShare> {
    let mut by_node: BTreeMap<String, [f64; 3]> = BTreeMap::new();
    for t in tail {
        critical_path(t, &mut by_node);
    }
    let total: f64 = by_node.values().map(|v| v[0] + v[1] + v[2]).sum();
    let name = |id: &str| report.node(id).map_or_else(|| id.to_owned(), |n| n.name.clone());
    let mut shares: Vec<TailShare> = by_node
        .into_iter()
        .map(|(node, [q, s, n])| TailShare {
            name: name(&node),
            node,
            queue_ms: q,
            service_ms: s,
            network_ms: n,
            share: if total > 0.0 { (q + s + n) / total } else { 0.0 },
        })
        .collect();
    shares.sort_by(|a, b| b.total_ms().total_cmp(&a.total_ms()));
    shares
}

/// The saturated resources, or (with the design) that none is.
fn saturation_finding(sat: &[Saturation], with_design: bool, findings: &mut Vec<Finding>) {
    if let Some(text) = saturated_sentence(sat) {
        let level = if sat.iter().any(|x| x.rejected > 0 || x.growing) { Level::Bad } else { Level::Warn };
        findings.push(Finding { level, text, node: sat.first().map(|x| x.node.clone()) });
    } else if with_design {
        findings.push(Finding { level: Level::Info, text: nothing_saturated(), node: None });
    }
}

/// The node with the largest share of tail latency, the next one, and
/// whether it is slow rather than short of capacity.
fn tail_finding(
    report: &Report,
    with_design: bool,
    (traces, shares): (usize, &[TailShare]),
    sat: &[Saturation],
    findings: &mut Vec<Finding>,
) {
    if let Some(top) = shares.first().filter(|t| t.share > 0.0) {
        let tt = top.total_ms().max(1e-12);
        let mut sentences = vec![crate::msg!(
            "engine-finding-tail",
            "Largest share of tail latency: {name} — the slowest requests ({traces} sampled {trace_word} at or above p99) spend {share} % of their time there ({queue} % of it queueing, {service} % in service, {network} % on the network).",
            name = &top.name,
            traces = traces,
            trace_word = if traces == 1 { "trace" } else { "traces" },
            share = format!("{:.0}", top.share * 100.0),
            queue = format!("{:.0}", top.queue_ms / tt * 100.0),
            service = format!("{:.0}", top.service_ms / tt * 100.0),
            network = format!("{:.0}", top.network_ms / tt * 100.0)
        )];
        if let Some(second) = shares.get(1).filter(|s| s.share >= 0.05) {
            sentences.push(crate::msg!(
                "engine-finding-tail-next",
                "Next: {name} ({share} %).",
                name = &second.name,
                share = format!("{:.0}", second.share * 100.0)
            ));
        }
        if with_design && !sat.iter().any(|x| x.node == top.node) {
            let rho = report.node(&top.node).map_or(0.0, |n| n.utilization.mean);
            sentences.push(crate::msg!(
                "engine-finding-tail-not-saturated",
                "It is not saturated ({busy} busy): it is slow, not short of capacity.",
                busy = crate::units::percent(rho)
            ));
        }
        sentences.push(tail_definition());
        let text = Message::sentences(sentences);
        findings.push(Finding { level: Level::Warn, text, node: Some(top.node.clone()) });
    } else if report.traces.is_empty() {
        findings.push(Finding {
            level: Level::Info,
            text: crate::msg!("engine-finding-no-traces", "No traces were sampled, so the tail cannot be broken down."),
            node: None,
        });
    }
}

/// Nodes that run hot without being saturated.
fn hot_findings(report: &Report, sat: &[Saturation], findings: &mut Vec<Finding>) {
    for n in &report.nodes {
        if n.utilization.mean >= 0.85 && !sat.iter().any(|x| x.node == n.id) {
            findings.push(Finding {
                level: Level::Warn,
                text: crate::msg!(
                    "engine-finding-hot",
                    "{name} runs hot: ρ {rho}, mean queue {queue}, {rejected} rejected.",
                    name = &n.name,
                    rho = format!("{:.2}", n.utilization.mean),
                    queue = format!("{:.1}", n.mean_queue_length.mean),
                    rejected = n.outcomes.rejected.total()
                ),
                node: Some(n.id.clone()),
            });
        }
    }
}

/// What each fault did. With the engine's counterfactual attribution
/// (`report.faults`) that is its share of each workload's errors and
/// latency; reports without it fall back to failures per second inside each
/// fault's window against outside all faults, which cannot tell overlapping
/// faults apart.
fn fault_findings(report: &Report, design: &Design, findings: &mut Vec<Finding>) {
    if !report.faults.is_empty() {
        for f in &report.faults {
            let level = if f.impact.iter().any(|i| i.error_points >= 1.0 || i.p99_ms > i.p99_without_ms * 1.2 + 1.0) {
                Level::Warn
            } else {
                Level::Info
            };
            let node =
                design.node(&f.target).map(|n| n.id.clone()).or_else(|| f.reached.first().map(|r| r.node.clone()));
            // A summary read from an older report may end with a full stop.
            let summary = match f.summary.strip_suffix('.') {
                Some(trimmed) => Message::untranslated(trimmed),
                None => f.summary.clone(),
            };
            let text = crate::msg!("engine-finding-fault", "Fault: {summary}.", summary = &summary).with_list(
                "summary",
                vec![summary],
                "",
            );
            findings.push(Finding { level, text, node });
        }
        return;
    }
    let w = report.series.window_s.max(1e-9);
    let warm = report.settings.warmup_s;
    let failed: Vec<f64> = (0..report.series.start_s.len())
        .map(|i| report.series.workloads.iter().map(|s| s.errors.get(i).copied().unwrap_or(0.0)).sum())
        .collect();
    let p99_max: Vec<f64> = (0..report.series.start_s.len())
        .map(|i| report.series.workloads.iter().filter_map(|s| s.p99_ms.get(i).copied().flatten()).fold(0.0, f64::max))
        .collect();
    let in_any = |t: f64| design.faults.iter().any(|f| t + w > f.start_s && t < f.end_s);
    let mean = |sel: &dyn Fn(usize, f64) -> bool, v: &[f64]| {
        let xs: Vec<f64> = report
            .series
            .start_s
            .iter()
            .enumerate()
            .filter(|&(i, &t)| t >= warm && sel(i, t))
            .filter_map(|(i, _)| v.get(i).copied())
            .collect();
        if xs.is_empty() { None } else { Some(xs.iter().sum::<f64>() / xs.len() as f64) }
    };
    let outside_err = mean(&|_, t| !in_any(t), &failed);
    let outside_p99 = mean(&|_, t| !in_any(t), &p99_max);
    for f in &design.faults {
        let inside = |_: usize, t: f64| t + w > f.start_s && t < f.end_s;
        let (Some(err), Some(p99)) = (mean(&inside, &failed), mean(&inside, &p99_max)) else { continue };
        let kind = match &f.fault {
            FaultKind::Outage { .. } => crate::msg!("engine-fault-word-outage", "outage"),
            FaultKind::Latency { .. } => crate::msg!("engine-fault-word-latency", "added latency"),
            FaultKind::Errors { .. } => crate::msg!("engine-fault-word-errors", "error burst"),
            FaultKind::Partition { .. } => crate::msg!("engine-fault-word-partition", "partition"),
            FaultKind::BrokerOutage { .. } => crate::msg!("engine-fault-word-broker-outage", "broker outage"),
        };
        let target =
            design.node(&f.target).map(|n| n.name.clone()).or_else(|| design.edge(&f.target).map(|e| e.id.clone()));
        let (name, target) = (&f.name, target.as_deref().unwrap_or(&f.target));
        let (start, end) = (format!("{:.0}", f.start_s), format!("{:.0}", f.end_s));
        let (failed_per_s, p99) = (format!("{:.1}", err / w), format!("{p99:.0}"));
        let text = if let (Some(e0), Some(p0)) = (outside_err, outside_p99) {
            crate::msg!(
                "engine-finding-during-fault-against",
                "During fault \"{name}\" ({fault_kind} on {target}, {start}–{end} s): {failed_per_s} failed requests/s and worst p99 {p99} ms, against {outside_failed}/s and {outside_p99} ms outside faults.",
                name = name,
                fault_kind = &kind,
                target = target,
                start = start,
                end = end,
                failed_per_s = failed_per_s,
                p99 = p99,
                outside_failed = format!("{:.1}", e0 / w),
                outside_p99 = format!("{p0:.0}")
            )
        } else {
            crate::msg!(
                "engine-finding-during-fault",
                "During fault \"{name}\" ({fault_kind} on {target}, {start}–{end} s): {failed_per_s} failed requests/s and worst p99 {p99} ms.",
                name = name,
                fault_kind = &kind,
                target = target,
                start = start,
                end = end,
                failed_per_s = failed_per_s,
                p99 = p99
            )
        }
        .with_list("fault_kind", vec![kind], "");
        let level = if outside_err.is_some_and(|e0| err > e0 * 2.0 + 0.5) { Level::Warn } else { Level::Info };
        findings.push(Finding { level, text, node: design.node(&f.target).map(|n| n.id.clone()) });
    }
}

/// What service discovery cost: calls sent to crashed but still listed
/// instances (the window between a crash and its eviction, plus the cache
/// TTL for client-side callers), and calls that found no instance list.
fn discovery_findings(report: &Report, findings: &mut Vec<Finding>) {
    for d in &report.discovery {
        if d.calls_to_dead > 0 {
            let share = d.calls_to_dead as f64 / d.calls.max(1) as f64;
            let (calls, name, percent) = (d.calls_to_dead, &d.name, format!("{:.2}", share * 100.0));
            let client_side = d.mode == "client_side";
            let text = match (d.evictions > 0, client_side) {
                (true, true) => crate::msg!(
                    "engine-finding-dead-evicted-client",
                    "{calls} calls to {name} ({share}%) reached an instance that had crashed but was still listed, evicted {evicted_s} s after the crash on average; a shorter health-check interval or cache TTL, or retrying on another instance, narrows the window.",
                    calls = calls,
                    name = name,
                    share = percent,
                    evicted_s = format!("{:.1}", d.mean_eviction_ms / 1000.0)
                ),
                (true, false) => crate::msg!(
                    "engine-finding-dead-evicted-server",
                    "{calls} calls to {name} ({share}%) reached an instance that had crashed but was still listed, evicted {evicted_s} s after the crash on average; outlier ejection or a shorter health-check interval narrows the window.",
                    calls = calls,
                    name = name,
                    share = percent,
                    evicted_s = format!("{:.1}", d.mean_eviction_ms / 1000.0)
                ),
                (false, true) => crate::msg!(
                    "engine-finding-dead-client",
                    "{calls} calls to {name} ({share}%) reached an instance that had crashed but was still listed; a shorter health-check interval or cache TTL, or retrying on another instance, narrows the window.",
                    calls = calls,
                    name = name,
                    share = percent
                ),
                (false, false) => crate::msg!(
                    "engine-finding-dead-server",
                    "{calls} calls to {name} ({share}%) reached an instance that had crashed but was still listed; outlier ejection or a shorter health-check interval narrows the window.",
                    calls = calls,
                    name = name,
                    share = percent
                ),
            };
            findings.push(Finding {
                level: if share >= 0.001 { Level::Warn } else { Level::Info },
                text,
                node: Some(d.id.clone()),
            });
        }
        if d.lookup_failed_calls > 0 {
            let (calls, name, lookups) = (d.lookup_failed_calls, &d.name, d.lookup_failures);
            let text = if d.mode == "client_side" {
                crate::msg!(
                    "engine-finding-lookup-failed-client",
                    "{calls} calls to {name} failed because no instance list could be had ({lookups} failed lookups); `on_registry_failure: stale_cache` keeps the last list.",
                    calls = calls,
                    name = name,
                    lookups = lookups
                )
            } else {
                crate::msg!(
                    "engine-finding-lookup-failed",
                    "{calls} calls to {name} failed because no instance list could be had ({lookups} failed lookups).",
                    calls = calls,
                    name = name,
                    lookups = lookups
                )
            };
            findings.push(Finding { level: Level::Warn, text, node: Some(d.id.clone()) });
        } else if d.stale_routed > 0 {
            findings.push(Finding {
                level: Level::Info,
                text: crate::msg!(
                    "engine-finding-stale-routed",
                    "The registry failed {lookups} lookups for {name}; {calls} calls went on with the stale instance list and did not fail for it.",
                    lookups = d.lookup_failures,
                    name = &d.name,
                    calls = d.stale_routed
                ),
                node: Some(d.id.clone()),
            });
        }
    }
}

/// Total time of a span (for waterfalls).
#[must_use]
pub fn span_ms(s: &TraceSpan) -> f64 {
    s.end_ms - s.start_ms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outcome;
    use crate::sim::SpanKind;

    fn span(parent: Option<u32>, node: &str, start: f64, q: f64, s: f64, down: f64) -> TraceSpan {
        TraceSpan {
            parent,
            node: node.into(),
            edge: None,
            kind: SpanKind::Call,
            start_ms: start,
            end_ms: start + q + s + down,
            network_in_ms: 0.0,
            queue_ms: q,
            service_ms: s,
            downstream_ms: down,
            network_out_ms: 0.0,
            outcome: Outcome::Ok,
        }
    }

    #[test]
    fn parallel_children_charge_only_the_slowest() {
        // Root serves 1 ms, then calls a (10 ms) and b (2 ms) in parallel.
        let t = Trace {
            workload: "w".into(),
            start_s: 0.0,
            latency_ms: 11.0,
            reason: "random".into(),
            spans: vec![
                span(None, "root", 0.0, 0.0, 1.0, 10.0),
                span(Some(0), "a", 1.0, 6.0, 4.0, 0.0),
                span(Some(0), "b", 1.0, 0.0, 2.0, 0.0),
            ],
        };
        let mut out = BTreeMap::new();
        critical_path(&t, &mut out);
        assert_eq!(out.get("a"), Some(&[6.0, 4.0, 0.0]));
        assert_eq!(out.get("b"), None, "b finished early: off the critical path");
        assert_eq!(out.get("root"), Some(&[0.0, 1.0, 0.0]));
    }

    #[test]
    fn sequential_children_all_count() {
        let t = Trace {
            workload: "w".into(),
            start_s: 0.0,
            latency_ms: 8.0,
            reason: "random".into(),
            spans: vec![
                span(None, "root", 0.0, 0.0, 1.0, 7.0),
                span(Some(0), "a", 1.0, 0.0, 3.0, 0.0),
                span(Some(0), "b", 4.0, 1.0, 3.0, 0.0),
            ],
        };
        let mut out = BTreeMap::new();
        critical_path(&t, &mut out);
        assert_eq!(out.get("a"), Some(&[0.0, 3.0, 0.0]));
        assert_eq!(out.get("b"), Some(&[1.0, 3.0, 0.0]));
    }
}
