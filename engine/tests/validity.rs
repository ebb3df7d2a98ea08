//! One source of validity: every rule the simulator depends on is a validation
//! rule (or the capacity estimate's, through the analysis), and the simulator
//! refuses a design with the analysis's own problems, typed, not re-worded.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use engine::model::{Arrival, Branch, Design, Distribution, Edge, EdgeKind, Node, NodeKind, RateProfile, Workload};
use engine::sim::{RunControl, RunOptions, SimError};
use engine::validate::{Severity, has_errors, validate};

fn svc(id: &str) -> Node {
    let mut n = Node::new(id, id.to_uppercase(), NodeKind::Service);
    n.service_time = Distribution::Constant { value_ms: 1.0 };
    n.capacity.workers = 8;
    n
}

fn base() -> Design {
    let mut d = Design::default();
    d.nodes.extend([svc("api"), svc("orders")]);
    d.edges.push(Edge::new("e1", "api", "orders", EdgeKind::Call));
    d.workloads.push(Workload {
        name: "browse".into(),
        entry: "api".into(),
        operation: None,
        arrival: Arrival::Open {
            process: engine::model::ArrivalProcess::default(),
            rate_per_s: 10.0,
            profile: RateProfile::Constant,
        },
    });
    d.simulation.duration_s = 2.0;
    d.simulation.warmup_s = 0.5;
    d
}

fn has(d: &Design, path: &str, needle: &str) -> bool {
    validate(d).iter().any(|p| p.severity == Severity::Error && p.path == path && p.message.contains(needle))
}

fn run(d: &Design) -> Result<engine::sim::Report, SimError> {
    let options = RunOptions { threads: Some(1), ..RunOptions::default() };
    engine::sim::run(d, &options, &RunControl::new())
}

/// `api` with `n` branch steps of one group, each to its own service; those
/// of `op` belong to that operation only.
fn branches(shared: usize, of_op: usize) -> Design {
    let mut d = base();
    if of_op > 0 {
        d.nodes[0].operations.push(engine::model::Operation { name: "search".into(), service_time: None });
    }
    for i in 0..shared + of_op {
        let id = format!("b{i}");
        d.nodes.push(svc(&id));
        let mut e = Edge::new(format!("eb{i}"), "api", &id, EdgeKind::Call);
        e.branch = Some(Branch { group: "pick".into(), weight: 1.0 });
        if i >= shared {
            e.operation = Some("search".into());
        }
        d.edges.push(e);
    }
    d
}

#[test]
fn branch_steps_fit_the_simulator_s_mask() {
    let d = branches(64, 0);
    assert!(!has_errors(&validate(&d)), "{:?}", validate(&d));
    assert!(run(&d).is_ok(), "64 branch steps run");
    let d = branches(65, 0);
    assert!(has(&d, "nodes[api]", "its default handling has 65 branch steps; at most 64"), "{:?}", validate(&d));
    // An operation runs the shared steps too: 40 + 30 is over.
    let d = branches(40, 30);
    assert!(has(&d, "nodes[api]", "operation \"search\" has 70 branch steps"), "{:?}", validate(&d));
    assert!(matches!(run(&d), Err(SimError::InvalidDesign(_))));
}

#[test]
fn a_run_measures_at_least_a_microsecond() {
    let mut d = base();
    d.simulation.duration_s = 1e-7;
    d.simulation.warmup_s = 0.0;
    d.simulation.window_s = 1e-8;
    assert!(has(&d, "simulation.duration_s", "at least 0.000001 s"), "{:?}", validate(&d));
    assert!(has(&d, "simulation.window_s", "at least 0.000001 s"), "{:?}", validate(&d));
    // A warm-up a few nanoseconds short of the end leaves nothing to measure.
    let mut d = base();
    d.simulation.warmup_s = d.simulation.duration_s - 1e-9;
    assert!(has(&d, "simulation.warmup_s", "must end at least 0.000001 s before"), "{:?}", validate(&d));
    d.simulation.warmup_s = d.simulation.duration_s - 1e-3;
    assert!(!has_errors(&validate(&d)), "{:?}", validate(&d));
}

#[test]
fn distributions_are_drawable() {
    let mut d = base();
    // mean × cv² rounds to zero; p99 / p50 to infinity.
    d.nodes[0].service_time = Distribution::Gamma { mean_ms: 1e-320, cv: 1e-3 };
    d.nodes[1].service_time = Distribution::Lognormal { p50_ms: 1e-300, p99_ms: 1e10 };
    assert!(has(&d, "nodes[api].service_time.mean_ms", "at least 0.000001 ms"), "{:?}", validate(&d));
    assert!(has(&d, "nodes[orders].service_time.p50_ms", "at least 0.000001 ms"), "{:?}", validate(&d));
    assert!(matches!(run(&d), Err(SimError::InvalidDesign(_))));
    d.nodes[0].service_time = Distribution::Gamma { mean_ms: 1e-6, cv: 1e-3 };
    d.nodes[1].service_time = Distribution::Lognormal { p50_ms: 1e-6, p99_ms: 1e10 };
    assert!(!has_errors(&validate(&d)), "{:?}", validate(&d));
    assert!(run(&d).is_ok());
}

#[test]
fn the_simulator_refuses_with_the_analysis_s_own_errors() {
    let mut d = base();
    d.nodes[1].capacity.replicas = 0;
    d.edges.push(Edge::new("e2", "api", "ghost", EdgeKind::Call));
    let errors: Vec<_> = engine::analysis::problems(&d).into_iter().filter(|p| p.severity == Severity::Error).collect();
    assert!(errors.len() >= 2, "{errors:?}");
    match run(&d) {
        Err(SimError::InvalidDesign(problems)) => assert_eq!(problems, errors),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_simulator_refuses_an_event_loop_that_grows_without_bound() {
    // Validation alone passes it; the capacity estimate finds the loop.
    let mut d = base();
    d.nodes.push(Node::new("t", "Topic", NodeKind::Broker));
    d.edges.push(Edge::new("pub", "orders", "t", EdgeKind::Event));
    d.edges.push(Edge::new("sub", "t", "orders", EdgeKind::Subscription));
    assert!(!has_errors(&validate(&d)), "{:?}", validate(&d));
    match run(&d) {
        Err(SimError::InvalidDesign(problems)) => {
            assert!(problems.iter().any(|p| p.path == "nodes[orders]" && p.message.contains("gain")), "{problems:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
