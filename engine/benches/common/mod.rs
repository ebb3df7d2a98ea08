//! The benchmark models, shared by the criterion benches and the throughput
//! report: the same four models as the published comparisons (SimPy, Ciw,
//! nexosim), in milliseconds (service rate μ = 1 per ms).

#![allow(dead_code, reason = "each bench uses a subset")]

use engine::Design;
use engine::model::{
    Arrival, ArrivalProcess, Concurrency, Distribution, Edge, EdgeKind, Node, NodeKind, RateProfile, Workload,
};

/// A named model and its arrival rate per second.
pub struct Model {
    pub name: &'static str,
    pub design: Design,
    pub rate_per_s: f64,
}

fn station(id: &str, workers: u32, mean_ms: f64, concurrency: Concurrency) -> Node {
    let mut n = Node::new(id, id, NodeKind::Service);
    n.capacity.workers = workers;
    n.capacity.concurrency = concurrency;
    n.service_time = Distribution::Exponential { mean_ms };
    n
}

fn design(name: &str, nodes: Vec<Node>, edges: Vec<Edge>, entry: &str, rate_per_s: f64, requests: u64) -> Design {
    let mut d = Design {
        name: name.to_owned(),
        nodes,
        edges,
        workloads: vec![Workload {
            name: "w".into(),
            entry: entry.into(),
            operation: None,
            arrival: Arrival::Open { process: ArrivalProcess::Poisson, rate_per_s, profile: RateProfile::Constant },
        }],
        ..Design::default()
    };
    d.simulation.warmup_s = 0.0;
    d.simulation.duration_s = requests as f64 / rate_per_s;
    d.simulation.window_s = (d.simulation.duration_s / 1000.0).max(1.0);
    d.simulation.replications = 1;
    d.simulation.max_in_flight = 1_000_000;
    d
}

/// M/M/1, λ = 0.9, μ = 1.
pub fn mm1(requests: u64) -> Model {
    let d = design("M/M/1", vec![station("s", 1, 1.0, Concurrency::Blocking)], vec![], "s", 900.0, requests);
    Model { name: "M/M/1 λ=0.9", design: d, rate_per_s: 900.0 }
}

/// M/M/4, λ = 3.2, μ = 1.
pub fn mm4(requests: u64) -> Model {
    let d = design("M/M/4", vec![station("s", 4, 1.0, Concurrency::Blocking)], vec![], "s", 3200.0, requests);
    Model { name: "M/M/4 λ=3.2", design: d, rate_per_s: 3200.0 }
}

/// Five M/M/2 stations in series, λ = 1.6 (async nodes calling the next).
pub fn tandem(requests: u64) -> Model {
    let ids = ["s1", "s2", "s3", "s4", "s5"];
    let nodes = ids.iter().map(|id| station(id, 2, 1.0, Concurrency::Async)).collect();
    let edges = ids.windows(2).map(|p| Edge::new(format!("{}-{}", p[0], p[1]), p[0], p[1], EdgeKind::Call)).collect();
    let d = design("tandem", nodes, edges, "s1", 1600.0, requests);
    Model { name: "5 × M/M/2 tandem λ=1.6", design: d, rate_per_s: 1600.0 }
}

/// A blocking gateway (4 workers, mean 0.5) forking to A (4, 0.8) → DB (2, 0.5)
/// and B (2, 0.6), joining both, λ = 1.
pub fn gateway(requests: u64) -> Model {
    let nodes = vec![
        station("gateway", 4, 0.5, Concurrency::Blocking),
        station("a", 4, 0.8, Concurrency::Blocking),
        station("db", 2, 0.5, Concurrency::Blocking),
        station("b", 2, 0.6, Concurrency::Blocking),
    ];
    let mut ga = Edge::new("gateway-a", "gateway", "a", EdgeKind::Call);
    ga.parallel_group = Some("fan".into());
    let mut gb = Edge::new("gateway-b", "gateway", "b", EdgeKind::Call);
    gb.parallel_group = Some("fan".into());
    let edges = vec![ga, gb, Edge::new("a-db", "a", "db", EdgeKind::Call)];
    let d = design("gateway", nodes, edges, "gateway", 1000.0, requests);
    Model { name: "blocking gateway fork/join λ=1", design: d, rate_per_s: 1000.0 }
}

/// The four models.
pub fn all(requests: u64) -> Vec<Model> {
    vec![mm1(requests), mm4(requests), tandem(requests), gateway(requests)]
}
