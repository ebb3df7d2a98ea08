//! The simulator against closed-form queueing theory.
//!
//! Each check compares a simulated figure with its theoretical value using the
//! report's own 95% confidence interval (Student t over independent
//! replications): it passes when |simulated − theory| ≤ 2·CI + a small floor.
//! Twice the half-width is about 4.5 standard errors, so a correct simulator
//! fails a check with a probability near 10⁻⁵ whatever the seed, while a bias
//! of a few percent is caught. The default variants are quick; the `#[ignore]`d
//! ones repeat every model over many seeds with more requests and run in
//! release mode: `cargo test --release -p switchboard-tests -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use engine::model::{
    Arrival, ArrivalProcess, Concurrency, Design, Distribution, Edge, EdgeKind, Node, NodeKind, RateProfile, Workload,
};
use engine::sim::{Estimate, Report, RunControl, RunOptions, run};

/// A station: one replica with `workers` workers and an unbounded queue.
fn station(id: &str, workers: u32, service: Distribution) -> Node {
    let mut n = Node::new(id, id.to_uppercase(), NodeKind::Service);
    n.capacity.workers = workers;
    n.service_time = service;
    n
}

fn exp(mean_ms: f64) -> Distribution {
    Distribution::Exponential { mean_ms }
}

fn poisson(entry: &str, rate_per_s: f64) -> Workload {
    Workload {
        name: "w".into(),
        entry: entry.into(),
        operation: None,
        arrival: Arrival::Open { process: ArrivalProcess::Poisson, rate_per_s, profile: RateProfile::Constant },
    }
}

/// Simulate `requests` arrivals per replication after a warm-up.
fn simulate(mut d: Design, rate_per_s: f64, requests: f64, replications: u32, seed: u64) -> Report {
    d.simulation.warmup_s = 2.0;
    d.simulation.duration_s = 2.0 + requests / rate_per_s;
    d.simulation.window_s = (d.simulation.duration_s / 100.0).max(1.0);
    d.simulation.replications = replications;
    d.simulation.seed = seed;
    d.simulation.max_in_flight = 1_000_000;
    let r = run(&d, &RunOptions::default(), &RunControl::default()).unwrap();
    assert!(r.conservation.holds, "{:?}", r.conservation);
    assert!(!r.unstable, "{:?}", r.unstable_reasons);
    r
}

fn check(what: &str, e: &Estimate, theory: f64, floor: f64) {
    let tol = 2.0 * e.ci95 + floor * theory.abs();
    assert!(
        (e.mean - theory).abs() <= tol,
        "{what}: simulated {:.4} ± {:.4}, theory {theory:.4} (tolerance {tol:.4})",
        e.mean,
        e.ci95
    );
    // The interval itself must be informative, or the check proves nothing.
    assert!(e.ci95 < 0.15 * theory.abs().max(1e-9), "{what}: interval too wide ({:.4})", e.ci95);
}

/// Relative floor: HDR histograms quantise to 0.1% and warm-up leaves a trace.
const FLOOR: f64 = 0.01;

fn mm1(rho: f64, seed: u64, requests: f64) {
    // μ = 1/ms, λ = ρ/ms.
    let lambda = rho * 1000.0;
    let d =
        Design { nodes: vec![station("s", 1, exp(1.0))], workloads: vec![poisson("s", lambda)], ..Design::default() };
    let r = simulate(d, lambda, requests, 10, seed);
    let w = &r.workloads[0];
    let rate = 1.0 - rho; // μ − λ per ms
    check(&format!("M/M/1 ρ={rho} W"), &w.latency_ms.mean, 1.0 / rate, FLOOR);
    for (p, e) in [(0.5, &w.latency_ms.p50), (0.95, &w.latency_ms.p95), (0.99, &w.latency_ms.p99)] {
        check(&format!("M/M/1 ρ={rho} p{}", p * 100.0), e, -(1.0f64 - p).ln() / rate, FLOOR);
    }
    let n = &r.nodes[0];
    check(&format!("M/M/1 ρ={rho} utilization"), &n.utilization, rho, FLOOR);
    check(&format!("M/M/1 ρ={rho} Lq"), &n.mean_queue_length, rho * rho / (1.0 - rho), FLOOR);
    check(&format!("M/M/1 ρ={rho} throughput"), &w.throughput_per_s, lambda, FLOOR);
}

/// Erlang C: probability of waiting in M/M/c with offered load `a`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / f64::from(c);
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let top = term * a / f64::from(c) / (1.0 - rho);
    top / (sum + top)
}

fn mmc(c: u32, rho: f64, seed: u64, requests: f64) {
    let lambda = rho * f64::from(c) * 1000.0;
    let d =
        Design { nodes: vec![station("s", c, exp(1.0))], workloads: vec![poisson("s", lambda)], ..Design::default() };
    let r = simulate(d, lambda, requests, 10, seed);
    let a = lambda / 1000.0;
    let pw = erlang_c(c, a);
    let wq = pw / (f64::from(c) - a);
    check(&format!("M/M/{c} ρ={rho} W"), &r.workloads[0].latency_ms.mean, wq + 1.0, FLOOR);
    check(&format!("M/M/{c} ρ={rho} Lq"), &r.nodes[0].mean_queue_length, a * wq, FLOOR);
}

fn md1(rho: f64, seed: u64, requests: f64) {
    let lambda = rho * 1000.0;
    let d = Design {
        nodes: vec![station("s", 1, Distribution::Constant { value_ms: 1.0 })],
        workloads: vec![poisson("s", lambda)],
        ..Design::default()
    };
    let r = simulate(d, lambda, requests, 10, seed);
    let wq = rho / (2.0 * (1.0 - rho));
    check(&format!("M/D/1 ρ={rho} W"), &r.workloads[0].latency_ms.mean, wq + 1.0, FLOOR);
}

/// Stations in series: async nodes each calling the next, so a node's worker
/// is free as soon as its own service ends (a Jackson tandem).
fn tandem(means_ms: &[f64], lambda: f64, seed: u64, requests: f64) {
    let ids: Vec<String> = (0..means_ms.len()).map(|i| format!("s{i}")).collect();
    let nodes = ids
        .iter()
        .zip(means_ms)
        .map(|(id, m)| {
            let mut n = station(id, 1, exp(*m));
            n.capacity.concurrency = Concurrency::Async;
            n
        })
        .collect();
    let edges = ids.windows(2).map(|p| Edge::new(format!("{}-{}", p[0], p[1]), &p[0], &p[1], EdgeKind::Call)).collect();
    let d = Design { nodes, edges, workloads: vec![poisson("s0", lambda)], ..Design::default() };
    let r = simulate(d, lambda, requests, 10, seed);
    let l = lambda / 1000.0;
    let w: f64 = means_ms.iter().map(|m| 1.0 / (1.0 / m - l)).sum();
    check("tandem W", &r.workloads[0].latency_ms.mean, w, FLOOR);
    for (n, m) in r.nodes.iter().zip(means_ms) {
        check(&format!("tandem {} utilization", n.id), &n.utilization, l * m, FLOOR);
    }
}

#[test]
fn mm1_at_several_loads() {
    for (i, rho) in [0.3, 0.6, 0.8].into_iter().enumerate() {
        mm1(rho, 11 + i as u64, 100_000.0);
    }
}

#[test]
fn mm1_heavy_load() {
    mm1(0.9, 5, 300_000.0);
}

#[test]
fn mmc_erlang_c() {
    mmc(2, 0.8, 21, 100_000.0);
    mmc(4, 0.8, 22, 100_000.0);
    mmc(8, 0.7, 23, 100_000.0);
}

#[test]
fn md1_pollaczek_khinchine() {
    md1(0.5, 31, 100_000.0);
    md1(0.8, 32, 150_000.0);
}

#[test]
fn tandem_of_mm1() {
    tandem(&[1.2, 1.4, 1.0], 500.0, 41, 100_000.0);
}

#[test]
fn erlang_c_matches_the_textbook_example() {
    let c = erlang_c(4, 3.2);
    assert!((c - 0.5964).abs() < 1e-3, "{c}");
}

#[test]
#[ignore = "long: run in release with --ignored"]
fn many_seeds_mm1_mmc_md1_tandem() {
    for seed in 100..112 {
        mm1(0.5, seed, 400_000.0);
        mm1(0.9, seed, 1_000_000.0);
        mmc(4, 0.8, seed, 400_000.0);
        mmc(3, 0.9, seed, 800_000.0);
        md1(0.7, seed, 400_000.0);
        tandem(&[1.2, 1.4, 1.0, 1.6, 0.8], 500.0, seed, 300_000.0);
    }
}
