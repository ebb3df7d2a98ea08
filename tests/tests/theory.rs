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

/// Loss systems: `c` workers, a queue of `queue` places, Poisson arrivals
/// of offered load `a` (μ = 1/ms). A full station rejects; the share
/// rejected is the M/M/c/K blocking probability, K = c + queue.
fn loss(c: u32, queue: u32, a: f64, seed: u64, requests: f64) {
    let lambda = a * 1000.0;
    let mut n = station("s", c, exp(1.0));
    n.capacity.queue_capacity = Some(queue);
    let d = Design { nodes: vec![n], workloads: vec![poisson("s", lambda)], ..Design::default() };
    let r = simulate(d, lambda, requests, 10, seed);
    // Stationary distribution of the birth-death chain on 0..=K.
    let k_max = c + queue;
    let mut p = vec![1.0_f64];
    for k in 1..=k_max {
        let served = f64::from(k.min(c));
        p.push(p[p.len() - 1] * a / served);
    }
    let total: f64 = p.iter().sum();
    let blocking = p[p.len() - 1] / total;
    check(&format!("M/M/{c}/{k_max} a={a} blocking"), &r.workloads[0].error_rate, blocking, FLOOR);
    // Little's law on the admitted: L = λ(1 − P_K)·W, with W from the chain.
    let l: f64 = p.iter().enumerate().map(|(k, pk)| k as f64 * pk / total).sum();
    let w = l / (a * (1.0 - blocking));
    check(&format!("M/M/{c}/{k_max} a={a} W"), &r.workloads[0].latency_ms.mean, w, FLOOR);
}

/// Closed loop: `users` users each think (exponential, `think_ms`) and send
/// a request to one exponential server (`service_ms`). Exact mean value
/// analysis gives the response time and throughput.
fn closed_mva(users: u32, think_ms: f64, service_ms: f64, seed: u64, requests: f64) {
    let (mut r_ms, mut x_per_ms, mut q) = (0.0, 0.0, 0.0);
    for n in 1..=users {
        r_ms = service_ms * (1.0 + q);
        x_per_ms = f64::from(n) / (r_ms + think_ms);
        q = x_per_ms * r_ms;
    }
    let w = Workload {
        name: "w".into(),
        entry: "s".into(),
        operation: None,
        arrival: Arrival::Closed { users, think_time: exp(think_ms) },
    };
    let d = Design { nodes: vec![station("s", 1, exp(service_ms))], workloads: vec![w], ..Design::default() };
    let r = simulate(d, x_per_ms * 1000.0, requests, 10, seed);
    check(&format!("closed N={users} R"), &r.workloads[0].latency_ms.mean, r_ms, FLOOR);
    check(&format!("closed N={users} X"), &r.workloads[0].throughput_per_s, x_per_ms * 1000.0, FLOOR);
    check(&format!("closed N={users} utilization"), &r.nodes[0].utilization, x_per_ms * service_ms, FLOOR);
}

/// M/G/1 with log-normal service (median `p50_ms`, 99th percentile
/// `p99_ms`): Pollaczek–Khinchine with the log-normal's moments.
fn mg1_lognormal(p50_ms: f64, p99_ms: f64, rho: f64, seed: u64, requests: f64) {
    let mu = p50_ms.ln();
    let sigma = (p99_ms / p50_ms).ln() / 2.326_347_874_040_841;
    let mean = (mu + sigma * sigma / 2.0).exp();
    let second = (2.0 * mu + 2.0 * sigma * sigma).exp();
    let lambda_per_ms = rho / mean;
    let d = Design {
        nodes: vec![station("s", 1, Distribution::Lognormal { p50_ms, p99_ms })],
        workloads: vec![poisson("s", lambda_per_ms * 1000.0)],
        ..Design::default()
    };
    let r = simulate(d, lambda_per_ms * 1000.0, requests, 10, seed);
    let wq = lambda_per_ms * second / (2.0 * (1.0 - rho));
    check(&format!("M/G/1 lognormal ρ={rho} W"), &r.workloads[0].latency_ms.mean, wq + mean, FLOOR);
    check(&format!("M/G/1 lognormal ρ={rho} utilization"), &r.nodes[0].utilization, rho, FLOOR);
}

#[test]
fn loss_systems_block_as_erlang_b_and_mmck() {
    // Erlang B: B(3, 2) = 0.2105.
    loss(3, 0, 2.0, 51, 100_000.0);
    // M/M/1/5 at ρ = 0.9: P₅ = 0.1260.
    loss(1, 4, 0.9, 52, 100_000.0);
    // Overloaded but bounded: M/M/2/6 at a = 2.5.
    loss(2, 4, 2.5, 53, 100_000.0);
}

#[test]
fn closed_loop_matches_mean_value_analysis() {
    closed_mva(5, 4.0, 1.0, 61, 100_000.0);
    closed_mva(20, 10.0, 1.0, 62, 100_000.0);
}

#[test]
fn mg1_lognormal_pollaczek_khinchine() {
    mg1_lognormal(1.0, 3.0, 0.7, 71, 150_000.0);
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
fn many_seeds_every_model() {
    for seed in 100..112 {
        mm1(0.5, seed, 400_000.0);
        mm1(0.9, seed, 1_000_000.0);
        mmc(4, 0.8, seed, 400_000.0);
        mmc(3, 0.9, seed, 800_000.0);
        md1(0.7, seed, 400_000.0);
        tandem(&[1.2, 1.4, 1.0, 1.6, 0.8], 500.0, seed, 300_000.0);
        loss(3, 0, 2.0, seed, 300_000.0);
        loss(1, 4, 0.9, seed, 300_000.0);
        closed_mva(8, 6.0, 1.0, seed, 300_000.0);
        mg1_lognormal(1.0, 3.0, 0.7, seed, 400_000.0);
    }
}
