//! Resilience hints from a tune's runs: call policies that work against the
//! design under load. Each is a finding with the figures that show it; none
//! is applied (a timeout or a retry policy is a decision about behaviour,
//! not capacity).
//!
//! - A timeout shorter than the callee's p99.9 under load: at least one in a
//!   thousand answers arrives after the caller gave up, its work wasted.
//! - Retries without a budget or without backoff on a path that saturates:
//!   they multiply the load exactly when capacity is short (retry storms).
//! - A circuit breaker that never opened in any run: its threshold is never
//!   reached by the failures the runs saw, so it protects nothing there.
//!
//! The evidence is the strongest the search saw over all its candidates and
//! scenarios ("under load" is the candidate that was loaded most, usually
//! the first, smallest one).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::model::{Design, Edge};
use crate::report_bottleneck::saturated;
use crate::sim::Report;
use crate::units::{ms, percent, plain};

/// What a hint is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HintKind {
    /// A timeout below the callee's p99.9 under load.
    TimeoutBelowP999,
    /// Retries without budget or backoff on a path that saturates.
    UnboundedRetries,
    /// A circuit breaker that never opened.
    BreakerNeverOpens,
}

/// One hint with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResilienceHint {
    /// What it is about.
    pub kind: HintKind,
    /// The edge's id.
    pub edge: String,
    /// Caller node id.
    pub from: String,
    /// Callee node id.
    pub to: String,
    /// The finding in words, with its figures.
    pub text: Message,
    /// The figures, by name (ms, shares 0–1, counts).
    pub figures: BTreeMap<String, f64>,
}

/// What the runs showed on one edge so far.
#[derive(Clone, Debug, Default)]
struct EdgeSeen {
    /// Largest callee p99.9 over the runs, ms, and the timeouts of that run.
    p999_ms: f64,
    timeouts: u64,
    /// Saturated node on the callee's path, its own utilization, and the
    /// retry amplification of that run.
    saturated: Option<(String, f64, f64)>,
    /// Breaker opened in some run.
    opened: bool,
    /// Largest failed share of tries.
    failed_share: f64,
}

/// Hints gathered over a search's runs.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    seen: BTreeMap<String, EdgeSeen>,
    runs: u32,
}

/// Nodes reachable from `start` along edges (the start included).
fn downstream(design: &Design, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([start.to_owned()]);
    let mut stack = vec![start.to_owned()];
    while let Some(at) = stack.pop() {
        for e in design.edges.iter().filter(|e| e.from == at) {
            if seen.insert(e.to.clone()) {
                stack.push(e.to.clone());
            }
        }
    }
    seen
}

impl Hints {
    /// Take one run's evidence (`design`: the design the run simulated).
    pub fn observe(&mut self, design: &Design, report: &Report) {
        self.runs += 1;
        let sat = saturated(report, design);
        for e in design.edges.iter().filter(|e| e.policy.is_some()) {
            let Some(er) = report.edge(&e.id) else { continue };
            let seen = self.seen.entry(e.id.clone()).or_default();
            let policy = er.policy.as_ref();
            if let Some(callee) = report.node(&e.to)
                && callee.latency_ms.p999 > seen.p999_ms
            {
                seen.p999_ms = callee.latency_ms.p999;
                seen.timeouts = policy.map_or(0, |p| p.try_timeouts + p.call_timeouts);
            }
            let path = downstream(design, &e.to);
            if let Some(s) = sat.iter().find(|s| path.contains(&s.node))
                && seen.saturated.as_ref().is_none_or(|(_, u, _)| s.own_utilization > *u)
            {
                let amplification = policy.map_or(1.0, |p| p.retry_amplification);
                seen.saturated = Some((s.name.clone(), s.own_utilization, amplification));
            }
            if let Some(p) = policy {
                seen.opened |= p.breaker.as_ref().is_some_and(|b| b.opened > 0);
                if er.calls > 0 {
                    seen.failed_share = seen.failed_share.max(er.outcomes.failed() as f64 / er.calls as f64);
                }
            }
        }
    }

    /// The hints, in design edge order then kind.
    #[must_use]
    pub fn finish(&self, design: &Design) -> Vec<ResilienceHint> {
        let mut out = Vec::new();
        for e in &design.edges {
            let (Some(policy), Some(seen)) = (&e.policy, self.seen.get(&e.id)) else { continue };
            let names = (name(design, &e.from), name(design, &e.to));
            let timeout = policy.per_try_timeout_ms.or(policy.timeout_ms);
            if let Some(t) = timeout.filter(|t| seen.p999_ms > *t) {
                out.push(timeout_hint(e, &names, t, seen));
            }
            if let (Some(r), Some((node, busy, amplification))) = (&policy.retries, &seen.saturated)
                && r.max_attempts > 1
                && (r.budget_ratio.is_none() || r.backoff.is_none())
            {
                let missing = match (r.budget_ratio.is_none(), r.backoff.is_none()) {
                    (true, true) => {
                        crate::msg!("engine-hint-no-budget-no-backoff", "neither a retry budget nor backoff")
                    }
                    (true, false) => crate::msg!("engine-hint-no-budget", "no retry budget"),
                    _ => crate::msg!("engine-hint-no-backoff", "no backoff"),
                };
                let text = crate::msg!(
                    "engine-hint-retries",
                    "{from} → {to}: {attempts} attempts with {missing} on a path that saturates ({node} {busy} busy with its own work, {amplification} tries per call): retries add load exactly when capacity is short.",
                    from = &names.0,
                    to = &names.1,
                    attempts = r.max_attempts,
                    missing = &missing,
                    node = node,
                    busy = percent(*busy),
                    amplification = plain((amplification * 100.0).round() / 100.0)
                )
                .with_list("missing", vec![missing.clone()], "");
                let figures = BTreeMap::from([
                    ("max_attempts".to_owned(), f64::from(r.max_attempts)),
                    ("saturated_utilization".to_owned(), *busy),
                    ("retry_amplification".to_owned(), *amplification),
                ]);
                out.push(hint(HintKind::UnboundedRetries, e, text, figures));
            }
            if let Some(b) = policy.circuit_breaker.as_ref().filter(|_| !seen.opened) {
                let threshold = match (b.failure_ratio, b.consecutive_failures) {
                    (Some(r), _) => crate::msg!(
                        "engine-hint-threshold-ratio",
                        "{ratio} of {window} calls failing",
                        ratio = percent(r),
                        window = b.window_calls
                    ),
                    (None, Some(n)) => crate::msg!("engine-hint-threshold-consecutive", "{n} failures in a row", n = n),
                    (None, None) => crate::msg!("engine-hint-threshold-none", "no threshold set"),
                };
                let text = crate::msg!(
                    "engine-hint-breaker",
                    "{from} → {to}: the circuit breaker never opened in {runs} runs; at most {failed} of its tries failed, and it opens at {threshold}.",
                    from = &names.0,
                    to = &names.1,
                    runs = self.runs,
                    failed = percent(seen.failed_share),
                    threshold = &threshold
                )
                .with_list("threshold", vec![threshold.clone()], "");
                let figures = BTreeMap::from([
                    ("runs".to_owned(), f64::from(self.runs)),
                    ("failed_share".to_owned(), seen.failed_share),
                ]);
                out.push(hint(HintKind::BreakerNeverOpens, e, text, figures));
            }
        }
        out
    }
}

fn name(design: &Design, id: &str) -> String {
    design.node(id).map_or_else(|| id.to_owned(), |n| n.name.clone())
}

fn hint(kind: HintKind, e: &Edge, text: Message, figures: BTreeMap<String, f64>) -> ResilienceHint {
    ResilienceHint { kind, edge: e.id.clone(), from: e.from.clone(), to: e.to.clone(), text, figures }
}

fn timeout_hint(e: &Edge, names: &(String, String), timeout_ms: f64, seen: &EdgeSeen) -> ResilienceHint {
    let text = crate::msg!(
        "engine-hint-timeout",
        "{from} → {to}: the timeout ({timeout}) is shorter than {to}'s p99.9 under load ({p999}); {timeouts} tries or calls timed out.",
        from = &names.0,
        to = &names.1,
        timeout = ms(timeout_ms),
        p999 = ms(seen.p999_ms),
        timeouts = seen.timeouts
    );
    let figures = BTreeMap::from([
        ("timeout_ms".to_owned(), timeout_ms),
        ("callee_p999_ms".to_owned(), seen.p999_ms),
        ("timeouts".to_owned(), seen.timeouts as f64),
    ]);
    hint(HintKind::TimeoutBelowP999, e, text, figures)
}

#[cfg(test)]
mod tests;
