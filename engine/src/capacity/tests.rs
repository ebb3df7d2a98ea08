//! Checks of the estimate against closed-form queueing results and hand-computed traffic.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::queueing::erlang_b;
use super::*;
use crate::model::{Concurrency, Edge, Node, RateProfile, Workload};

fn station(id: &str, workers: u32, mean_ms: f64) -> Node {
    let mut n = Node::new(id, id, NodeKind::Service);
    n.capacity.workers = workers;
    n.service_time = Distribution::Exponential { mean_ms };
    n
}

fn open(entry: &str, rate: f64) -> Workload {
    Workload {
        name: format!("w-{entry}"),
        entry: entry.into(),
        operation: None,
        arrival: Arrival::Open {
            process: crate::model::ArrivalProcess::default(),
            rate_per_s: rate,
            profile: RateProfile::Constant,
        },
    }
}

#[test]
fn mm1_matches_theory() {
    let mut d = Design::default();
    d.nodes.push(station("a", 1, 1000.0));
    d.workloads.push(open("a", 0.9));
    let e = estimate(&d);
    let a = e.node("a").unwrap();
    assert!((a.utilization.unwrap() - 0.9).abs() < 1e-9);
    // W = 1/(μ−λ) = 10 s.
    assert!((a.response_time_ms - 10_000.0).abs() < 1e-6, "{}", a.response_time_ms);
}

#[test]
fn mmc_matches_erlang_c() {
    let mut d = Design::default();
    d.nodes.push(station("a", 4, 1000.0));
    d.workloads.push(open("a", 3.2));
    let a = estimate(&d).node("a").cloned().unwrap();
    assert!((a.wait_time_ms - 745.5).abs() < 1.0, "{}", a.wait_time_ms);
}

#[test]
fn blocking_caller_holds_worker_for_downstream() {
    let mut d = Design::default();
    d.nodes.push(station("a", 10, 10.0));
    d.nodes.push(station("b", 10, 20.0));
    d.edges.push(Edge::new("e1", "a", "b", EdgeKind::Call));
    d.workloads.push(open("a", 100.0));
    let e = estimate(&d);
    let a = e.node("a").unwrap();
    let b = e.node("b").unwrap();
    assert!((b.utilization.unwrap() - 0.2).abs() < 1e-9);
    assert!(a.holding_time_ms > 30.0 && a.holding_time_ms < 31.0, "{}", a.holding_time_ms);
    let mut d2 = d.clone();
    d2.nodes.get_mut(0).unwrap().capacity.concurrency = Concurrency::Async;
    let a2 = estimate(&d2).node("a").cloned().unwrap();
    assert!((a2.utilization.unwrap() - 0.1).abs() < 1e-9);
}

#[test]
fn topic_copies_and_queue_splits() {
    let mut d = Design::default();
    d.nodes.push(station("p", 10, 1.0));
    let mut b = Node::new("b", "b", NodeKind::Broker);
    b.service_time = Distribution::Constant { value_ms: 0.1 };
    d.nodes.push(b);
    d.nodes.push(station("c1", 10, 1.0));
    d.nodes.push(station("c2", 10, 1.0));
    d.edges.push(Edge::new("e1", "p", "b", EdgeKind::Event));
    d.edges.push(Edge::new("s1", "b", "c1", EdgeKind::Subscription));
    d.edges.push(Edge::new("s2", "b", "c2", EdgeKind::Subscription));
    d.workloads.push(open("p", 100.0));
    let e = estimate(&d);
    assert!((e.node("c1").unwrap().arrival_rate_per_s - 50.0).abs() < 1e-9);
    d.nodes.get_mut(1).unwrap().broker.as_mut().unwrap().mode = BrokerMode::Topic;
    let e = estimate(&d);
    assert!((e.node("c1").unwrap().arrival_rate_per_s - 100.0).abs() < 1e-9);
    assert!((e.node("c2").unwrap().arrival_rate_per_s - 100.0).abs() < 1e-9);
}

#[test]
fn event_loop_with_gain_below_one_converges_and_above_errors() {
    let mut d = Design::default();
    d.nodes.push(station("a", 10, 1.0));
    d.nodes.push(Node::new("b", "b", NodeKind::Broker));
    d.edges.push(Edge::new("e1", "a", "b", EdgeKind::Event));
    let mut back = Edge::new("s1", "b", "a", EdgeKind::Subscription);
    back.probability = 0.5;
    d.edges.push(back);
    d.workloads.push(open("a", 10.0));
    let e = estimate(&d);
    // v = 1 + 0.5 v → v = 2.
    assert!((e.node("a").unwrap().arrival_rate_per_s - 20.0).abs() < 1e-6);
    assert!(e.problems.iter().all(|p| p.severity != Severity::Error));
    d.edges.get_mut(1).unwrap().probability = 1.0;
    let e = estimate(&d);
    assert!(e.problems.iter().any(|p| p.severity == Severity::Error && p.message.contains("gain")));
}

#[test]
fn client_side_discovery_loads_the_registry_once_per_caller_per_ttl() {
    use crate::model::{Discovery, DiscoveryMode};
    let mut d = Design::default();
    d.nodes.extend([station("a", 4, 1.0), station("b", 4, 1.0), station("svc", 8, 2.0)]);
    d.nodes.push(Node::new("reg", "reg", NodeKind::Registry));
    d.nodes[2].discovery = Some(Discovery {
        mode: DiscoveryMode::ClientSide,
        registry: Some("reg".into()),
        cache_ttl_s: 10.0,
        ..Discovery::default()
    });
    d.edges.push(Edge::new("e1", "a", "svc", EdgeKind::Call));
    d.edges.push(Edge::new("e2", "b", "svc", EdgeKind::Call));
    d.workloads.extend([open("a", 100.0), open("b", 50.0)]);
    // Two callers, each refreshing every 10 s: 0.2 lookups/s.
    let reg = estimate(&d).node("reg").unwrap().arrival_rate_per_s;
    assert!((reg - 0.2).abs() < 1e-9, "{reg}");
    // TTL 0: every call looks up.
    d.nodes[2].discovery.as_mut().unwrap().cache_ttl_s = 0.0;
    let reg = estimate(&d).node("reg").unwrap().arrival_rate_per_s;
    assert!((reg - 150.0).abs() < 1e-9, "{reg}");
    // Server-side: no lookups on the call path.
    d.nodes[2].discovery.as_mut().unwrap().mode = DiscoveryMode::ServerSide;
    assert!(estimate(&d).node("reg").unwrap().arrival_rate_per_s.abs() < 1e-12);
}

/// Erlang B by the recursion from k = 0, the reference.
fn erlang_b_from_zero(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

#[test]
fn erlang_b_started_near_the_load_matches_the_full_recursion() {
    for &a in &[0.5_f64, 3.2, 40.0, 950.0, 12_345.6, 250_000.0] {
        for &rho in &[0.3, 0.7, 0.9, 0.99, 1.2] {
            let c = ((a / rho).ceil() as u32).max(1);
            let (fast, full) = (erlang_b(c, a), erlang_b_from_zero(c, a));
            let tolerance = 1e-12_f64.max(full * 1e-9);
            assert!((fast - full).abs() <= tolerance, "a {a} c {c}: {fast} vs {full}");
        }
    }
    // Textbook value: B(10, 5) = 0.018385.
    assert!((erlang_b(10, 5.0) - 0.018_385).abs() < 1e-6);
}

#[test]
fn millions_of_workers_are_estimated_without_iterating_over_them() {
    let mut d = Design::default();
    d.nodes.push(station("a", u32::MAX, 1000.0));
    d.workloads.push(open("a", 1000.0));
    let a = estimate(&d).node("a").cloned().unwrap();
    assert!(a.wait_time_ms.abs() < 1e-9, "{}", a.wait_time_ms);
    assert!((a.response_time_ms - 1000.0).abs() < 1e-6, "{}", a.response_time_ms);
}

#[test]
fn a_node_without_traffic_is_idle_even_behind_an_overloaded_dependency() {
    let mut d = Design::default();
    d.nodes.push(station("idle", 1, 10.0));
    d.nodes.push(station("caller", 1, 1.0));
    d.nodes.push(station("db", 1, 1000.0));
    d.edges.push(Edge::new("e1", "caller", "db", EdgeKind::Call));
    d.edges.push(Edge::new("e2", "idle", "db", EdgeKind::Call));
    d.workloads.push(open("caller", 5.0));
    let e = estimate(&d);
    assert_eq!(e.node("db").unwrap().load, Load::Overloaded);
    let idle = e.node("idle").unwrap();
    assert_eq!(idle.load, Load::Idle, "no traffic: idle, not overloaded");
    assert_eq!(idle.utilization, Some(0.0));
}
