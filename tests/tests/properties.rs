//! Property tests: random designs — every node kind, steps in order and in
//! parallel, branches, brokers and subscriptions, call and node policies,
//! faults, open and closed workloads, numbers across many orders of
//! magnitude — go through validation, the capacity estimate and a short
//! simulation. On each: no panic; a valid design runs to its end with work
//! bounded by what it asked for; every workload, node, edge and broker
//! conserves its requests; the report holds no impossible value; and the
//! same design and seed give the same report.
//!
//! The seed and the number of cases are fixed (`PROPTEST_CASES` raises the
//! count for a longer search); failures are kept in
//! `tests/proptest-regressions/properties.txt` (committed) and replayed first
//! on every run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngSeed};
use serde_json::{Value, json};

/// A number 10^e for e drawn in [lo, hi]: values spread over orders of magnitude.
fn magnitude(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo..=hi).prop_map(|e: f64| 10f64.powf(e))
}

fn distribution() -> impl Strategy<Value = Value> {
    prop_oneof![
        magnitude(-3.0, 2.0).prop_map(|m| json!({"type": "exponential", "mean_ms": m})),
        magnitude(-3.0, 2.0).prop_map(|v| json!({"type": "constant", "value_ms": v})),
        (magnitude(-3.0, 2.0), magnitude(-2.0, 1.0))
            .prop_map(|(a, w)| json!({"type": "uniform", "min_ms": a, "max_ms": a * (1.0 + w)})),
        (magnitude(-3.0, 2.0), magnitude(-12.0, 1.0))
            .prop_map(|(m, cv)| json!({"type": "gamma", "mean_ms": m, "cv": cv})),
        (magnitude(-3.0, 2.0), magnitude(-3.0, 1.5))
            .prop_map(|(p50, r)| json!({"type": "lognormal", "p50_ms": p50, "p99_ms": p50 * (1.0 + r)})),
        prop::collection::vec(magnitude(-3.0, 2.0), 1..6).prop_map(|s| json!({"type": "empirical", "samples_ms": s})),
    ]
}

#[derive(Clone, Debug)]
struct NodeSpec {
    kind: &'static str,
    replicas: u32,
    workers: u32,
    queue: Option<u32>,
    blocking: bool,
    service: Value,
    error_p: f64,
    policy: Option<Value>,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    let kind = prop::sample::select(vec!["service", "service", "gateway", "database", "cache", "broker"]);
    let policy = prop_oneof![
        Just(None),
        (magnitude(0.0, 4.0), 1u32..50).prop_map(|(r, b)| Some(json!({"rate_limit": {"rate_per_s": r, "burst": b}}))),
        (1u32..5, magnitude(-2.0, 1.0), magnitude(-1.0, 1.0)).prop_map(|(c, i, e)| Some(
            json!({"outlier_ejection": {"consecutive_errors": c, "interval_s": i, "base_ejection_s": e, "max_ejection_percent": 50.0}})
        )),
        (1u32..3, 3u32..8, 0.3f64..0.9).prop_map(|(lo, hi, t)| Some(
            json!({"autoscaling": {"min_replicas": lo, "max_replicas": hi, "target_utilization": t, "evaluation_period_s": 1.0}})
        )),
    ];
    (
        kind,
        1u32..6,
        1u32..64,
        prop::option::of(0u32..100),
        any::<bool>(),
        distribution(),
        prop_oneof![Just(0.0), 0.0f64..0.3],
        policy,
    )
        .prop_map(|(kind, replicas, workers, queue, blocking, service, error_p, policy)| NodeSpec {
            kind,
            replicas,
            workers,
            queue,
            blocking,
            service,
            error_p,
            policy,
        })
}

fn call_policy() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        (magnitude(-1.0, 3.0), 1u32..5, prop::option::of(magnitude(-1.0, 2.0)), 0.0f64..1.0).prop_map(
            |(t, a, b, j)| {
                let mut retries = json!({"max_attempts": a, "jitter": j, "retry_on": ["error", "timeout", "rejected"]});
                if let Some(b) = b {
                    retries["backoff"] = json!({"type": "exponential", "base_ms": b, "max_ms": b * 10.0});
                }
                Some(json!({"timeout_ms": t, "retries": retries}))
            }
        ),
        (1u32..10, magnitude(-2.0, 1.0))
            .prop_map(|(f, o)| Some(json!({"circuit_breaker": {"consecutive_failures": f, "open_s": o}}))),
        (1u32..20).prop_map(|m| Some(json!({"bulkhead": {"max_concurrent": m}, "fallback": {"latency_ms": 1.0}}))),
    ]
}

#[derive(Clone, Debug)]
struct EdgeSpec {
    from: usize,
    to: usize,
    order: u32,
    parallel: bool,
    probability: f64,
    branch: Option<(u8, f64)>,
    calls: u32,
    latency: Option<Value>,
    policy: Option<Value>,
}

fn edge_spec() -> impl Strategy<Value = EdgeSpec> {
    (
        0usize..64,
        0usize..64,
        0u32..3,
        any::<bool>(),
        prop_oneof![Just(1.0), 0.0f64..1.0],
        prop::option::of((0u8..2, magnitude(-1.0, 1.0))),
        prop_oneof![Just(1u32), 1u32..4],
        prop::option::of(distribution()),
        call_policy(),
    )
        .prop_map(|(from, to, order, parallel, probability, branch, calls, latency, policy)| EdgeSpec {
            from,
            to,
            order,
            parallel,
            probability,
            branch,
            calls,
            latency,
            policy,
        })
}

#[derive(Clone, Debug)]
struct DesignSpec {
    nodes: Vec<NodeSpec>,
    edges: Vec<EdgeSpec>,
    rate_per_s: f64,
    closed_users: Option<u32>,
    fault: Option<(usize, u8)>,
    seed: u64,
}

fn design_spec() -> impl Strategy<Value = DesignSpec> {
    (
        prop::collection::vec(node_spec(), 1..8),
        prop::collection::vec(edge_spec(), 0..14),
        magnitude(-1.0, 3.5),
        prop::option::of(1u32..200),
        prop::option::of((0usize..64, 0u8..4)),
        any::<u64>(),
    )
        .prop_map(|(nodes, edges, rate_per_s, closed_users, fault, seed)| DesignSpec {
            nodes,
            edges,
            rate_per_s,
            closed_users,
            fault,
            seed,
        })
}

/// The design file for a spec. Calls go only from a node to a later one, so
/// the synchronous graph is acyclic; edges into a broker are events and out of
/// one subscriptions, which may form event loops (validation judges their gain).
fn to_design(spec: &DesignSpec) -> Value {
    let n = spec.nodes.len();
    let mut nodes = vec![json!({"id": "client", "name": "Client", "kind": "client"})];
    for (i, s) in spec.nodes.iter().enumerate() {
        let mut node = json!({"id": format!("n{i}"), "name": format!("Node {i}"), "kind": s.kind,
            "capacity": {"replicas": s.replicas, "workers": s.workers,
                         "concurrency": if s.blocking { "blocking" } else { "async" }},
            "service_time": s.service});
        if let Some(q) = s.queue {
            node["capacity"]["queue_capacity"] = json!(q);
        }
        if s.error_p > 0.0 {
            node["error_probability"] = json!(s.error_p);
        }
        if let Some(p) = &s.policy {
            node["policies"] = p.clone();
        }
        if s.kind == "cache" {
            node["cache"] = json!({"hit_ratio": 0.8});
        }
        nodes.push(node);
    }
    let is_broker = |i: usize| spec.nodes.get(i).is_some_and(|s| s.kind == "broker");
    let first_entry = (0..n).find(|&i| !is_broker(i));
    let mut edges = Vec::new();
    if let Some(e) = first_entry {
        edges.push(json!({"id": "in", "from": "client", "to": format!("n{e}")}));
    }
    for (k, e) in spec.edges.iter().enumerate() {
        let (a, b) = (e.from % n, e.to % n);
        if a == b {
            continue;
        }
        let (from, to) = match (is_broker(a), is_broker(b)) {
            (false, false) => (a.min(b), a.max(b)),
            (true, true) => continue,
            _ => (a, b),
        };
        let kind = if is_broker(to) {
            "event"
        } else if is_broker(from) {
            "subscription"
        } else {
            "call"
        };
        let mut edge = json!({"id": format!("e{k}"), "from": format!("n{from}"), "to": format!("n{to}"), "kind": kind});
        if kind == "subscription" {
            edge["subscription"] = json!({"concurrency": 2, "max_deliveries": e.calls});
        } else {
            edge["order"] = json!(e.order);
            if e.probability < 1.0 {
                edge["probability"] = json!(e.probability);
            }
            if e.parallel {
                edge["parallel_group"] = json!(format!("g{}", e.order));
            } else if let Some((g, w)) = e.branch {
                edge["branch"] = json!({"group": format!("b{g}"), "weight": w});
            }
            if e.calls > 1 {
                edge["calls_per_request"] = json!(e.calls);
            }
        }
        if let Some(l) = &e.latency {
            edge["network_latency"] = l.clone();
        }
        if kind == "call"
            && let Some(p) = &e.policy
        {
            edge["policy"] = p.clone();
        }
        edges.push(edge);
    }
    let arrival = match spec.closed_users {
        Some(users) => {
            json!({"type": "closed", "users": users, "think_time": {"type": "exponential", "mean_ms": 100.0}})
        }
        None => json!({"type": "open", "rate_per_s": spec.rate_per_s}),
    };
    let mut faults = Vec::new();
    if let Some((t, kind)) = spec.fault {
        let target = format!("n{}", t % n);
        let fault = match kind {
            0 => json!({"type": "outage"}),
            1 => json!({"type": "latency", "added_ms": 5.0, "factor": 3.0}),
            2 => json!({"type": "errors", "probability": 0.5}),
            _ if is_broker(t % n) => json!({"type": "broker_outage"}),
            _ => json!({"type": "errors", "probability": 0.1}),
        };
        faults.push(json!({"name": "chaos", "target": target, "start_s": 0.5, "end_s": 1.0, "fault": fault}));
    }
    json!({"version": 1, "name": "random", "nodes": nodes, "edges": edges,
        "workloads": [{"name": "load", "entry": "client", "arrival": arrival}],
        "faults": faults,
        "simulation": {"duration_s": 2.0, "warmup_s": 0.2, "seed": spec.seed % 1000, "window_s": 0.5, "max_in_flight": 20000}})
}

/// Every number in a report is finite (serde writes NaN and infinities as
/// `null`, which a report holds only for optional links).
fn check_values(path: &str, v: &Value) -> Result<(), TestCaseError> {
    match v {
        // Optional links (a root span's `parent`, a span's `edge`) are null,
        // and so is a window of a latency or tries-per-call series in which
        // nothing finished (a gap, not a 0); anywhere else a null is a NaN
        // or an infinity serde could not write.
        Value::Null
            if matches!(
                path.rsplit('.').next().map(|last| last.split('[').next().unwrap_or(last)),
                Some("parent" | "edge" | "p50_ms" | "p99_ms" | "tries_per_call")
            ) =>
        {
            Ok(())
        }
        Value::Null => Err(TestCaseError::fail(format!("{path}: null (NaN or infinite)"))),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            prop_assert!(x.is_finite(), "{path}: {x}");
            Ok(())
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, x)| check_values(&format!("{path}[{i}]"), x)),
        Value::Object(map) => map.iter().try_for_each(|(k, x)| check_values(&format!("{path}.{k}"), x)),
        _ => Ok(()),
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        rng_seed: RngSeed::Fixed(20_261_201),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/properties.txt"))),
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_designs_validate_run_conserve_and_repeat(spec in design_spec()) {
        let doc = to_design(&spec);
        let text = serde_json::to_string(&doc).unwrap();
        let design = match engine::model::format::from_str(&text, engine::model::format::Format::Json, "random.json") {
            Ok(d) => d,
            Err(e) => return Err(TestCaseError::fail(format!("generated file refused: {e}"))),
        };
        let problems = engine::analysis::problems(&design);
        if engine::validate::has_errors(&problems) {
            // Refused with a message; nothing more to run.
            prop_assert!(problems.iter().all(|p| !p.message.is_empty()));
            return Ok(());
        }
        let control = engine::sim::RunControl::new();
        let options = engine::sim::RunOptions { threads: Some(1), ..Default::default() };
        let report = match engine::sim::run(&design, &options, &control) {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("a valid design did not run: {e}"))),
        };
        prop_assert!(report.conservation.holds, "{:?}", report.conservation.violations);
        // Work bounded by what was asked: per arrival, at most a few events per
        // node and per try of each step, plus the windows and timers.
        let arrivals: u64 = report.workloads.iter().map(|w| w.arrived).sum();
        let steps: u64 = design.edges.iter().map(|e| u64::from(e.calls_per_request) * 2 * 5).sum::<u64>() + 4 * design.nodes.len() as u64;
        let bound = (arrivals + 1) * (steps + 8) * 4 + 100_000;
        prop_assert!(report.events <= bound, "{} events for {arrivals} arrivals (bound {bound})", report.events);
        let json = report.to_json();
        let value: Value = serde_json::from_str(&json).unwrap();
        check_values("report", &value)?;
        for w in &report.workloads {
            prop_assert!((0.0..=1.0).contains(&w.error_rate.mean), "{}: error rate {:?}", w.name, w.error_rate);
        }
        for n in &report.nodes {
            prop_assert!(n.utilization.mean >= -1e-9 && n.utilization.mean <= 1.0 + 1e-9, "{}: utilization {:?}", n.id, n.utilization);
        }
        let again = engine::sim::run(&design, &options, &control).unwrap();
        prop_assert_eq!(json, again.to_json());
    }
}

/// Most generated designs must be valid, or the property above checks little.
#[test]
fn most_generated_designs_are_valid_and_run() {
    use proptest::strategy::ValueTree as _;
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let mut valid = 0;
    let mut first_problems = Vec::new();
    for _ in 0..64 {
        let spec = design_spec().new_tree(&mut runner).unwrap().current();
        let text = serde_json::to_string(&to_design(&spec)).unwrap();
        let design =
            engine::model::format::from_str(&text, engine::model::format::Format::Json, "random.json").unwrap();
        let problems = engine::analysis::problems(&design);
        if engine::validate::has_errors(&problems) {
            if first_problems.len() < 5 {
                first_problems
                    .extend(problems.into_iter().filter(|p| p.severity == engine::validate::Severity::Error).take(1));
            }
        } else {
            valid += 1;
        }
    }
    assert!(valid >= 32, "only {valid} of 64 generated designs are valid: {first_problems:?}");
}
