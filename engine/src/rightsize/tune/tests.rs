//! Tune against exact answers: replicas behind a random balancer are
//! independent M/M/1 queues, whose response time is exponential.
#![allow(clippy::unwrap_used, reason = "tests")]

use super::{TuneOptions, tune};
use crate::model::format::{Format, from_str};
use crate::sim::{RunControl, RunOptions};

/// `rate_per_s` spread at random over replicas of a 1-ms exponential server, p99 ≤ `p99_ms`.
fn random_lb(rate_per_s: f64, p99_ms: f64) -> crate::Design {
    let text = format!(
        r#"{{"version": 1, "name": "lb",
        "nodes": [{{"id": "s", "name": "S", "capacity": {{"replicas": 1, "load_balancer": "random"}},
                    "service_time": {{"type": "exponential", "mean_ms": 1.0}}}}],
        "workloads": [{{"name": "w", "entry": "s", "arrival": {{"type": "open", "rate_per_s": {rate_per_s}}}}}],
        "slos": [{{"workload": "w", "latency": {{"percentile": 99.0, "max_ms": {p99_ms}}}}}],
        "simulation": {{"duration_s": 30.0, "warmup_s": 3.0, "replications": 4, "seed": 3}}}}"#
    );
    from_str(&text, Format::Json, "<test>").unwrap()
}

/// Smallest n with p99 of M/M/1 at λ/n within the target: ln(100) / (μ − λ/n) ≤ T.
fn exact_replicas(rate_per_s: f64, p99_ms: f64) -> u32 {
    let mu = 1000.0;
    (1..100)
        .find(|&n| mu > rate_per_s / f64::from(n) && 100f64.ln() / (mu - rate_per_s / f64::from(n)) * 1000.0 <= p99_ms)
        .unwrap()
}

#[test]
fn replicas_behind_a_random_balancer_are_the_fewest_independent_mm1_queues_allow() {
    // 3000 req/s, p99 ≤ 13 ms: n = 4 gives p99 = 18.4 ms, n = 5 gives 11.5 ms: the
    // target sits between n − 1 and n with a margin of at least 10 % on both sides.
    let (rate, target) = (3000.0, 13.0);
    let n = exact_replicas(rate, target);
    let p99 = |n: u32| 100f64.ln() / (1000.0 - rate / f64::from(n)) * 1000.0;
    assert!(
        p99(n) <= target / 1.1 && p99(n - 1) >= target * 1.1,
        "targets need a 10 % margin: {} {}",
        p99(n),
        p99(n - 1)
    );
    let options = TuneOptions { replica_floor: 1, run: RunOptions::default(), ..TuneOptions::default() };
    let t = tune(&random_lb(rate, target), &options, &RunControl::new()).unwrap();
    assert!(t.passed, "{:?}", t.reason);
    assert_eq!(t.changes[0].replicas_after, n, "runs: {}", t.runs);
    // Determinism: the same design and seed, the same answer.
    let again = tune(&random_lb(rate, target), &options, &RunControl::new()).unwrap();
    assert!(again == t);
}

#[test]
fn the_replica_floor_holds_and_a_design_without_slos_is_refused() {
    let t = tune(&random_lb(100.0, 50.0), &TuneOptions::default(), &RunControl::new()).unwrap();
    assert!(t.passed);
    assert_eq!(t.changes[0].replicas_after, 2);
    let mut d = random_lb(100.0, 50.0);
    d.slos.clear();
    assert!(matches!(tune(&d, &TuneOptions::default(), &RunControl::new()), Err(super::TuneError::NoSlos)));
}

#[test]
fn pareto_front_keeps_the_undominated_cheapest_first() {
    let p =
        |cost: Option<f64>, p99_ms: f64| super::TunePoint { replicas: vec![], cost, p99_ms, all_pass: false, runs: 1 };
    let points = [p(Some(10.0), 50.0), p(Some(20.0), 60.0), p(Some(30.0), 20.0), p(None, 1.0), p(Some(10.0), 40.0)];
    assert_eq!(super::pareto_front(&points), vec![4, 2]);
}
