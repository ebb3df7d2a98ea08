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

/// P(T > t) for the response time T of M/M/c (arrival rate `lambda`, each of
/// `c` servers at rate `mu`, per ms): the wait W is 0 with probability 1 − C
/// and otherwise exponential at rate cμ − λ (C the Erlang-C probability of
/// waiting), and T = W + S with S exponential at rate μ, independent of W.
/// Convolving the two exponentials gives
/// P(T > t) = (1 − C)·e^(−μt) + C·(r·e^(−μt) − μ·e^(−rt)) / (r − μ), r = cμ − λ
/// (Gross, Shortle, Thompson & Harris, *Fundamentals of Queueing Theory*,
/// 4th ed., §2.3: the M/M/c waiting-time distribution; Kleinrock,
/// *Queueing Systems* vol. 1, §3.4).
fn mmc_ccdf(t: f64, c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu;
    if a >= f64::from(c) {
        return 1.0;
    }
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let top = term * a / f64::from(c) / (1.0 - a / f64::from(c));
    let erlang_c = top / (sum + top);
    let r = f64::from(c) * mu - lambda;
    let waited = if (r - mu).abs() < 1e-12 {
        (1.0 + mu * t) * (-mu * t).exp()
    } else {
        (r * (-mu * t).exp() - mu * (-r * t).exp()) / (r - mu)
    };
    (1.0 - erlang_c) * (-mu * t).exp() + erlang_c * waited
}

/// The `q` quantile of a response time given its CCDF, by bisection.
fn quantile(q: f64, ccdf: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 1.0);
    while ccdf(hi) > 1.0 - q {
        hi *= 2.0;
        if hi > 1e6 {
            return f64::INFINITY;
        }
    }
    for _ in 0..100 {
        let mid = f64::midpoint(lo, hi);
        if ccdf(mid) > 1.0 - q { lo = mid } else { hi = mid }
    }
    hi
}

fn mmc_p99(c: u32, lambda: f64, mu: f64) -> f64 {
    if lambda / mu >= f64::from(c) { f64::INFINITY } else { quantile(0.99, |t| mmc_ccdf(t, c, lambda, mu)) }
}

/// p99 of the sum of two independent M/M/c response times (the tandem's
/// end-to-end time: by Burke's theorem the first station's departures are
/// Poisson, so the second is M/M/c too; the two times are taken as
/// independent, exact for single servers (Reich 1957), with a dependence
/// from overtaking between c > 1 servers that the 10 % margins cover):
/// P(T₁ + T₂ > t) = P(T₁ > t) + ∫₀ᵗ f₁(s)·P(T₂ > t − s) ds, numerically.
fn tandem_p99(c: (u32, u32), lambda: f64, mu: (f64, f64)) -> f64 {
    if lambda / mu.0 >= f64::from(c.0) || lambda / mu.1 >= f64::from(c.1) {
        return f64::INFINITY;
    }
    let ccdf = |t: f64| {
        let steps = 2000;
        let h = t / f64::from(steps);
        let mut tail = mmc_ccdf(t, c.0, lambda, mu.0);
        for i in 0..steps {
            let (s0, s1) = (f64::from(i) * h, f64::from(i + 1) * h);
            let mass = mmc_ccdf(s0, c.0, lambda, mu.0) - mmc_ccdf(s1, c.0, lambda, mu.0);
            tail += mass * mmc_ccdf(t - f64::midpoint(s0, s1), c.1, lambda, mu.1);
        }
        tail
    };
    quantile(0.99, ccdf)
}

/// Nodes with exponential service (`mean_ms`), async, one replica, workers
/// that may vary at 100 millicores each; a chain of calls; p99 ≤ `p99_ms`.
fn stations(means_ms: &[f64], rate_per_s: f64, p99_ms: f64) -> crate::Design {
    let nodes: Vec<String> = means_ms
        .iter()
        .enumerate()
        .map(|(i, m)| {
            format!(
                r#"{{"id": "s{i}", "name": "S{i}", "capacity": {{"replicas": 1, "workers": 1, "concurrency": "async"}},
                    "service_time": {{"type": "exponential", "mean_ms": {m}}},
                    "deployment": {{"cpu_millicores": 100, "memory_mib": 128}},
                    "cost": {{"cpu_millicores_per_worker": 100}}}}"#
            )
        })
        .collect();
    let edges: Vec<String> = (1..means_ms.len())
        .map(|i| format!(r#"{{"id": "e{i}", "from": "s{}", "to": "s{i}", "kind": "call"}}"#, i - 1))
        .collect();
    let text = format!(
        r#"{{"version": 1, "name": "mmc", "nodes": [{}], "edges": [{}],
        "workloads": [{{"name": "w", "entry": "s0", "arrival": {{"type": "open", "rate_per_s": {rate_per_s}}}}}],
        "slos": [{{"workload": "w", "latency": {{"percentile": 99.0, "max_ms": {p99_ms}}}}}],
        "cost": {{"price_table": {{"name": "t", "vcpu_hour_price": 0.04, "gib_hour_price": 0.004}}}},
        "simulation": {{"duration_s": 5.0, "warmup_s": 1.0, "replications": 4, "seed": 11}}}}"#,
        nodes.join(","),
        edges.join(",")
    );
    from_str(&text, Format::Json, "<test>").unwrap()
}

fn workers_only() -> TuneOptions {
    TuneOptions {
        replica_floor: 1,
        vary: super::Vary { replicas: false, workers: true, queue: false },
        ..TuneOptions::default()
    }
}

#[test]
fn a_single_mmc_node_gets_the_fewest_workers_its_response_time_distribution_allows() {
    // 4000 req/s on 1-ms servers (λ = 4, μ = 1 per ms): p99 is 6.08 ms with
    // 5 workers and 4.85 ms with 6; a 5.4 ms target has ≥ 10 % on both sides.
    let (lambda, mu, target) = (4.0, 1.0, 5.4);
    let c = (1..50).find(|&c| mmc_p99(c, lambda, mu) <= target).unwrap();
    assert_eq!(c, 6);
    assert!(mmc_p99(c, lambda, mu) <= target / 1.1 && mmc_p99(c - 1, lambda, mu) >= target * 1.1);
    let t = tune(&stations(&[1.0], 4000.0, target), &workers_only(), &RunControl::new()).unwrap();
    assert!(t.passed, "{:?}", t.reason);
    assert_eq!((t.changes[0].replicas_after, t.changes[0].workers_after), (1, c), "runs: {}", t.runs);
    // Every step is said with why: here the tail requests' queueing at S0.
    assert!(!t.steps.is_empty() && t.steps.iter().all(|s| s.node == "s0" && !s.why.is_empty()), "{:?}", t.steps);
    // A worker costs its CPU: 6 workers at 100 millicores each.
    assert_eq!(t.design.nodes[0].deployment.cpu_millicores, Some(600));
}

#[test]
fn a_tandem_of_mmc_nodes_gets_the_cheapest_workers_that_pass() {
    // 1600 req/s through S0 (1 ms) then S1 (2 ms). With a worker the same
    // price on both, the cheapest pair meeting p99 ≤ 12.7 ms is (3, 5) at
    // 11.47 ms; every pair of 8 workers or fewer misses it by ≥ 10 %.
    let (lambda, mu, target) = (1.6, (1.0, 0.5), 12.7);
    let p99 = |a: u32, b: u32| tandem_p99((a, b), lambda, mu);
    assert!(p99(3, 5) <= target / 1.1, "{}", p99(3, 5));
    for a in 1..8 {
        for b in 1..8 {
            if a + b <= 8 && (a, b) != (3, 5) {
                assert!(p99(a, b) >= target * 1.1, "({a}, {b}): {}", p99(a, b));
            }
        }
    }
    let t = tune(&stations(&[1.0, 2.0], 1600.0, target), &workers_only(), &RunControl::new()).unwrap();
    assert!(t.passed, "{:?}", t.reason);
    let found: Vec<u32> = t.changes.iter().map(|c| c.workers_after).collect();
    assert_eq!(found, vec![3, 5], "steps: {:?}", t.steps.iter().map(|s| s.why.as_str()).collect::<Vec<_>>());
}

#[test]
fn varying_workers_without_a_per_worker_cpu_figure_is_refused() {
    let mut d = stations(&[1.0], 100.0, 50.0);
    d.nodes[0].cost.cpu_millicores_per_worker = None;
    let e = tune(&d, &workers_only(), &RunControl::new()).unwrap_err();
    assert!(matches!(&e, super::TuneError::NoWorkerCpu(id) if id == "s0"), "{e}");
    assert!(e.to_string().contains("cpu_millicores_per_worker"));
}
