//! Hints from a real run: a caller with a tight timeout, retries without a
//! budget or backoff and a breaker that cannot open, in front of a callee
//! loaded to 90 %.
#![allow(clippy::unwrap_used, reason = "tests")]

use super::{HintKind, Hints};
use crate::model::format::{Format, from_str};
use crate::sim::{RunControl, RunOptions, run};

fn design(policy: &str) -> crate::Design {
    let text = format!(
        r#"{{"version": 1, "name": "hints",
        "nodes": [{{"id": "a", "name": "A", "capacity": {{"workers": 64, "concurrency": "async"}},
                    "service_time": {{"type": "constant", "value_ms": 0.01}}}},
                  {{"id": "b", "name": "B", "service_time": {{"type": "exponential", "mean_ms": 1.0}}}}],
        "edges": [{{"id": "ab", "from": "a", "to": "b", "kind": "call", "policy": {policy}}}],
        "workloads": [{{"name": "w", "entry": "a", "arrival": {{"type": "open", "rate_per_s": 900.0}}}}],
        "slos": [{{"workload": "w", "latency": {{"percentile": 99.0, "max_ms": 5.0}}}}],
        "simulation": {{"duration_s": 6.0, "warmup_s": 1.0, "replications": 2, "seed": 5}}}}"#
    );
    from_str(&text, Format::Json, "<test>").unwrap()
}

fn hints_of(d: &crate::Design) -> Vec<super::ResilienceHint> {
    let report = run(d, &RunOptions::default(), &RunControl::new()).unwrap();
    let mut hints = Hints::default();
    hints.observe(d, &report);
    hints.finish(d)
}

#[test]
fn a_tight_timeout_unbounded_retries_and_a_breaker_that_never_opens_are_each_a_hint_with_figures() {
    let d = design(
        r#"{"per_try_timeout_ms": 3.0, "retries": {"max_attempts": 3},
            "circuit_breaker": {"consecutive_failures": 100000, "open_s": 1.0}}"#,
    );
    let hints = hints_of(&d);
    let kinds: Vec<HintKind> = hints.iter().map(|h| h.kind).collect();
    assert_eq!(
        kinds,
        vec![HintKind::TimeoutBelowP999, HintKind::UnboundedRetries, HintKind::BreakerNeverOpens],
        "{hints:#?}"
    );
    let timeout = &hints[0];
    // B at 90 % has an M/M/1 p99.9 of ln(1000) / (1 − 0.9) ≈ 69 ms, far above 3 ms
    // (retries only add load).
    assert!(timeout.figures["callee_p999_ms"] > 3.0 * 5.0, "{:?}", timeout.figures);
    assert!(timeout.figures["timeouts"] > 0.0);
    assert!(
        timeout.text.contains("A → B: the timeout (3.00 ms) is shorter than B's p99.9 under load"),
        "{}",
        timeout.text.as_str()
    );
    assert!(hints[1].text.contains("neither a retry budget nor backoff"), "{}", hints[1].text.as_str());
    assert!(hints[1].figures["retry_amplification"] > 1.0);
    assert!(hints[2].text.contains("never opened in 1 runs"), "{}", hints[2].text.as_str());
    assert!(hints.iter().all(|h| h.text.key().is_some()));
}

#[test]
fn a_generous_timeout_bounded_retries_and_no_breaker_give_no_hint() {
    let d = design(
        r#"{"per_try_timeout_ms": 5000.0, "retries": {"max_attempts": 2, "budget_ratio": 0.1,
            "backoff": {"type": "exponential", "base_ms": 10.0, "max_ms": 100.0}}}"#,
    );
    assert!(hints_of(&d).is_empty(), "{:#?}", hints_of(&d));
}
