//! Validation reports every problem at once, with a path and a plain message.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use engine::model::{
    Arrival, Design, Distribution, Edge, EdgeKind, Fault, FaultKind, Node, NodeKind, RateProfile, Slo, SloLatency,
    Workload,
};
use engine::validate::{Severity, Target, has_errors, validate};

fn svc(id: &str) -> Node {
    let mut n = Node::new(id, id.to_uppercase(), NodeKind::Service);
    n.service_time = Distribution::Lognormal { p50_ms: 5.0, p99_ms: 50.0 };
    n.capacity.workers = 8;
    n
}

fn open(name: &str, entry: &str, rate: f64) -> Workload {
    Workload {
        name: name.into(),
        entry: entry.into(),
        operation: None,
        arrival: Arrival::Open {
            process: engine::model::ArrivalProcess::default(),
            rate_per_s: rate,
            profile: RateProfile::Constant,
        },
    }
}

fn base() -> Design {
    let mut d = Design::default();
    d.nodes.extend([svc("api"), svc("orders")]);
    d.edges.push(Edge::new("e1", "api", "orders", EdgeKind::Call));
    d.workloads.push(open("browse", "api", 100.0));
    d
}

fn messages(d: &Design) -> Vec<String> {
    validate(d).iter().map(ToString::to_string).collect()
}

fn has(d: &Design, path: &str, needle: &str) -> bool {
    validate(d).iter().any(|p| p.path == path && p.message.contains(needle))
}

#[test]
fn clean_design_has_no_problems() {
    assert!(validate(&base()).is_empty(), "{:?}", messages(&base()));
}

#[test]
fn reports_every_problem_at_once() {
    let mut d = base();
    d.nodes[1].capacity.replicas = 0;
    d.nodes[1].error_probability = f64::NAN;
    d.edges.push(Edge::new("e2", "api", "ghost", EdgeKind::Call));
    d.workloads.push(open("spike", "nowhere", 5.0));
    let problems = validate(&d);
    assert!(problems.len() >= 4, "{problems:?}");
    assert!(has(&d, "nodes[orders].capacity.replicas", "at least 1"));
    assert!(has(&d, "nodes[orders].error_probability", "finite"));
    assert!(has(&d, "edges[e2].to", "\"ghost\" does not exist"));
    assert!(has(&d, "workloads[spike].entry", "does not exist"));
    let p = problems.iter().find(|p| p.path == "edges[e2].to").unwrap();
    assert_eq!(p.target, Target::Edge("e2".into()));
}

#[test]
fn duplicates() {
    let mut d = base();
    d.nodes.push(svc("api"));
    let mut n = svc("pay");
    n.name = "ORDERS".into();
    d.nodes.push(n);
    d.edges.push(Edge::new("e1", "api", "pay", EdgeKind::Call));
    d.workloads.push(open("browse", "api", 1.0));
    assert!(has(&d, "nodes[api].id", "duplicate node id"));
    assert!(has(&d, "nodes[pay].name", "already used"));
    assert!(has(&d, "edges[e1].id", "duplicate edge id"));
    assert!(has(&d, "workloads[browse].name", "duplicate workload"));
}

#[test]
fn bad_numbers() {
    let mut d = base();
    d.nodes[0].service_time = Distribution::Lognormal { p50_ms: 10.0, p99_ms: 5.0 };
    d.nodes[1].service_time = Distribution::Exponential { mean_ms: f64::INFINITY };
    d.edges[0].probability = 1.5;
    d.workloads[0].arrival = Arrival::Open {
        process: engine::model::ArrivalProcess::default(),
        rate_per_s: -3.0,
        profile: RateProfile::Constant,
    };
    d.simulation.warmup_s = 100.0;
    assert!(has(&d, "nodes[api].service_time.p99_ms", "must exceed p50_ms"));
    assert!(has(&d, "nodes[orders].service_time.mean_ms", "finite"));
    assert!(has(&d, "edges[e1].probability", "between 0 and 1"));
    assert!(has(&d, "workloads[browse].arrival.rate_per_s", "greater than 0"));
    assert!(has(&d, "simulation.warmup_s", "shorter than duration_s"));
}

#[test]
fn sync_call_cycle_is_an_error_but_event_loop_is_not() {
    let mut d = base();
    d.edges.push(Edge::new("e2", "orders", "api", EdgeKind::Call));
    let problems = validate(&d);
    assert!(problems.iter().any(|p| p.severity == Severity::Error && p.message.contains("cycle")), "{problems:?}");

    let mut d = base();
    d.nodes.push(Node::new("bus", "bus", NodeKind::Broker));
    d.edges.push(Edge::new("e2", "orders", "bus", EdgeKind::Event));
    let mut back = Edge::new("s1", "bus", "api", EdgeKind::Subscription);
    back.probability = 0.2;
    d.edges.push(back);
    assert!(!has_errors(&validate(&d)), "{:?}", messages(&d));
}

#[test]
fn edge_kinds_must_fit_their_ends() {
    let mut d = base();
    d.nodes.push(Node::new("bus", "bus", NodeKind::Broker));
    let mut r = Node::new("rcv", "on_save", NodeKind::Receiver);
    r.host = Some("orders".into());
    d.nodes.push(r);
    d.edges.push(Edge::new("e2", "api", "bus", EdgeKind::Call));
    d.edges.push(Edge::new("e3", "orders", "api", EdgeKind::Event));
    d.edges.push(Edge::new("e4", "api", "rcv", EdgeKind::Signal));
    d.edges.push(Edge::new("e5", "orders", "rcv", EdgeKind::Signal));
    assert!(has(&d, "edges[e2].kind", "event edge"));
    assert!(has(&d, "edges[e3].kind", "must go into a broker"));
    assert!(has(&d, "edges[e4].kind", "in-process"));
    assert!(!validate(&d).iter().any(|p| p.path.starts_with("edges[e5]")), "{:?}", messages(&d));
}

#[test]
fn receivers_need_a_host_service() {
    let mut d = base();
    d.nodes.push(Node::new("rcv", "on_save", NodeKind::Receiver));
    assert!(has(&d, "nodes[rcv].host", "set `host`"));
    d.nodes[2].host = Some("nope".into());
    assert!(has(&d, "nodes[rcv].host", "is not a node"));
}

#[test]
fn unreachable_nodes_are_warnings() {
    let mut d = base();
    d.nodes.push(svc("lonely"));
    let p = validate(&d).into_iter().find(|p| p.path == "nodes[lonely]").unwrap();
    assert_eq!(p.severity, Severity::Warning);
    assert!(!has_errors(&validate(&d)));
}

#[test]
fn faults_and_slos_reference_real_things() {
    let mut d = base();
    d.faults.push(Fault {
        name: "cut".into(),
        target: "api".into(),
        start_s: 5.0,
        end_s: 3.0,
        fault: FaultKind::Partition { mode: engine::model::PartitionMode::default() },
    });
    d.faults.push(Fault {
        name: "gone".into(),
        target: "zzz".into(),
        start_s: 0.0,
        end_s: 1.0,
        fault: FaultKind::Outage { replicas: None },
    });
    d.slos.push(Slo {
        workload: "nope".into(),
        latency: Some(SloLatency { percentile: 100.0, max_ms: 10.0 }),
        max_error_rate: None,
    });
    assert!(has(&d, "faults[cut].end_s", "after start_s"));
    assert!(has(&d, "faults[cut].fault", "targets an edge"));
    assert!(has(&d, "faults[gone].target", "neither a node nor an edge"));
    assert!(has(&d, "slos[0].workload", "does not exist"));
    assert!(has(&d, "slos[0].latency.percentile", "between 0 and 100"));
}

#[test]
fn capacity_flags_overload_before_any_simulation() {
    let mut d = base();
    d.nodes[1].capacity.workers = 1;
    d.nodes[1].service_time = Distribution::Exponential { mean_ms: 20.0 };
    // 100 req/s × 20 ms on one worker: ρ = 2. Validation alone does not
    // estimate; the analysis adds the estimate's findings.
    assert!(!validate(&d).iter().any(|p| p.path == "nodes[orders].capacity"));
    let problems = engine::analysis::problems(&d);
    let p = problems.iter().find(|p| p.path == "nodes[orders].capacity").expect("overload flagged");
    assert!(p.message.contains("overloaded"), "{p}");
    let est = engine::capacity::estimate(&d);
    let orders = est.node("orders").unwrap();
    assert!((orders.utilization.unwrap() - 2.0).abs() < 1e-9);
    // The blocking caller holds workers for the overloaded callee: also saturated.
    assert_eq!(est.node("api").unwrap().load, engine::capacity::Load::Overloaded);
}

#[test]
fn capacity_estimate_is_fast_on_large_designs() {
    // Not a timing test: it checks the estimate handles 1,000 nodes and
    // 2,000 edges without blowing up (the GUI runs it on every edit).
    let mut d = Design::default();
    for i in 0..1000 {
        d.nodes.push(svc(&format!("s{i}")));
    }
    for i in 0..1000usize {
        for k in [1usize, 7] {
            let j = i + k;
            if j < 1000 {
                let mut e = Edge::new(format!("e{i}-{j}"), format!("s{i}"), format!("s{j}"), EdgeKind::Call);
                e.probability = 0.3;
                d.edges.push(e);
            }
        }
    }
    d.workloads.push(open("w", "s0", 1.0));
    let est = engine::capacity::estimate(&d);
    assert_eq!(est.nodes.len(), 1000);
    assert!(est.nodes.iter().all(|n| n.arrival_rate_per_s.is_finite()));
}

#[test]
fn scenarios_are_checked() {
    use engine::model::{Scenario, ScenarioRate};
    let mut d = base();
    let mut s = Scenario::new("Black Friday");
    s.rate_scale = 0.0;
    s.rates.push(ScenarioRate { workload: "nope".into(), rate_per_s: 10.0 });
    s.faults.push(Fault {
        name: "db down".into(),
        target: "ghost".into(),
        start_s: 1.0,
        end_s: 2.0,
        fault: FaultKind::Outage { replicas: None },
    });
    d.scenarios.push(s.clone());
    d.scenarios.push(Scenario::new("Black Friday"));
    assert!(has(&d, "scenarios[Black Friday].rate_scale", "greater than 0"));
    assert!(has(&d, "scenarios[Black Friday].rates[nope].workload", "does not exist"));
    assert!(has(&d, "scenarios[Black Friday].faults[db down].target", "neither a node nor an edge"));
    assert!(has(&d, "scenarios[Black Friday].name", "duplicate scenario"));
}

#[test]
fn discovery_rules_name_the_field() {
    use engine::model::{DeadInstance, Discovery, DiscoveryMode};
    let mut d = base();
    // Client-side without a registry, and a registry id that is not a registry.
    d.nodes[1].discovery = Some(Discovery { mode: DiscoveryMode::ClientSide, ..Discovery::default() });
    assert!(has(&d, "nodes[orders].discovery.registry", "needs a registry"), "{:?}", messages(&d));
    d.nodes[1].discovery = Some(Discovery { registry: Some("api".into()), ..Discovery::default() });
    assert!(has(&d, "nodes[orders].discovery.registry", "not a registry"), "{:?}", messages(&d));
    // A real registry: clean; zero failures and a negative TTL are errors.
    d.nodes.push(Node::new("consul", "Consul", NodeKind::Registry));
    d.nodes[1].discovery =
        Some(Discovery { mode: DiscoveryMode::ClientSide, registry: Some("consul".into()), ..Discovery::default() });
    assert!(!has_errors(&validate(&d)), "{:?}", messages(&d));
    let disc = d.nodes[1].discovery.as_mut().unwrap();
    disc.cache_ttl_s = -1.0;
    disc.health_check.failures_before_removal = 0;
    assert!(has(&d, "nodes[orders].discovery.cache_ttl_s", ""), "{:?}", messages(&d));
    assert!(has(&d, "nodes[orders].discovery.health_check.failures_before_removal", "at least 1"));
    // Hanging on dead instances with an untimed caller is flagged on the edge.
    let disc = d.nodes[1].discovery.as_mut().unwrap();
    disc.cache_ttl_s = 5.0;
    disc.health_check.failures_before_removal = 2;
    disc.dead_instance = DeadInstance::Hang;
    assert!(has(&d, "edges[e1].policy.timeout_ms", "wait for ever"), "{:?}", messages(&d));
    // A registry nobody uses is a warning, not an error.
    d.nodes[1].discovery = None;
    assert!(has(&d, "nodes[consul]", "no service registers"));
    // Clients are not discovered.
    d.nodes[0].kind = NodeKind::Client;
    d.nodes[0].discovery = Some(Discovery::default());
    assert!(has(&d, "nodes[api].discovery", "not found through a registry"), "{:?}", messages(&d));
}

#[test]
fn replica_counts_are_bounded_before_anything_is_allocated() {
    use engine::model::limits::{MAX_REPLICAS_PER_NODE, MAX_REPLICAS_TOTAL};
    let mut d = base();
    d.nodes[0].capacity.replicas = u32::MAX;
    assert!(has(&d, "nodes[api].capacity.replicas", "at most 100000"), "{:?}", messages(&d));
    // The simulator refuses it too, without trying to allocate the slots.
    let err = engine::sim::run(&d, &engine::sim::RunOptions::default(), &engine::sim::RunControl::default());
    assert!(err.is_err());

    let mut d = base();
    d.nodes[1].policies.autoscaling = Some(engine::model::Autoscaling {
        min_replicas: 1,
        max_replicas: MAX_REPLICAS_PER_NODE + 1,
        target_utilization: 0.6,
        evaluation_period_s: 15.0,
        scale_down_stabilization_s: 300.0,
        cold_start_s: 0.0,
    });
    assert!(has(&d, "nodes[orders].policies.autoscaling.max_replicas", "at most"), "{:?}", messages(&d));

    // Many nodes each within bounds can still add up to too many.
    let mut d = base();
    for i in 0..=(MAX_REPLICAS_TOTAL / MAX_REPLICAS_PER_NODE) {
        let mut n = svc(&format!("s{i}"));
        n.capacity.replicas = MAX_REPLICAS_PER_NODE;
        d.nodes.push(n);
    }
    assert!(validate(&d).iter().any(|p| p.path == "nodes" && p.target == Target::Design), "{:?}", messages(&d));
    // At the bound, no problem.
    let mut d = base();
    d.nodes[0].capacity.replicas = MAX_REPLICAS_PER_NODE;
    assert!(!has_errors(&validate(&d)), "{:?}", messages(&d));
}

#[test]
fn durations_and_periods_stay_within_what_the_clock_can_hold() {
    let mut d = base();
    d.nodes[0].service_time = Distribution::Lognormal { p50_ms: 5.0, p99_ms: 1e300 };
    d.nodes[1].service_time = Distribution::Constant { value_ms: 4e10 };
    d.nodes[1].policies.outlier_ejection = Some(engine::model::OutlierEjection {
        consecutive_errors: 5,
        interval_s: 1e-9,
        base_ejection_s: 30.0,
        max_ejection_percent: 50.0,
    });
    assert!(has(&d, "nodes[api].service_time.p99_ms", "at most a year"), "{:?}", messages(&d));
    assert!(has(&d, "nodes[orders].service_time.value_ms", "at most a year"), "{:?}", messages(&d));
    assert!(has(&d, "nodes[orders].policies.outlier_ejection.interval_s", "between 0.001 s"), "{:?}", messages(&d));
    d.simulation.max_in_flight = u32::MAX;
    assert!(has(&d, "simulation.max_in_flight", "at most 10000000"), "{:?}", messages(&d));
    // A day-long tail is fine.
    let mut d = base();
    d.nodes[0].service_time = Distribution::Lognormal { p50_ms: 5.0, p99_ms: 86_400_000.0 };
    assert!(!has_errors(&validate(&d)), "{:?}", messages(&d));
}
