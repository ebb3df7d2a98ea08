//! Request-flow semantics on designs whose results can be worked out by hand:
//! parallel groups, branches, probabilities, repeats, network latency, error
//! propagation, signals, blocking vs async workers, brokers, caches, queue
//! capacity, closed loops and instability.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_pass_by_value)]

use engine::Design;
use engine::sim::{Report, RunControl, RunOptions, run};
use serde_json::{Value, json};

fn design(nodes: Value, edges: Value, workloads: Value, duration_s: f64) -> Design {
    let doc = json!({
        "version": 1, "name": "t", "nodes": nodes, "edges": edges, "workloads": workloads,
        "simulation": {"duration_s": duration_s, "warmup_s": 1.0, "seed": 3, "replications": 1}
    });
    serde_json::from_value(doc).unwrap()
}

fn simulate(d: &Design) -> Report {
    let r = run(d, &RunOptions::default(), &RunControl::default()).unwrap();
    assert!(r.conservation.holds, "{:?}", r.conservation);
    r
}

fn node(id: &str, ms: f64) -> Value {
    json!({"id": id, "name": id, "service_time": {"type": "constant", "value_ms": ms}, "capacity": {"workers": 1000}})
}

/// One user, long think: requests never meet, so constant times add up exactly.
fn one_user(entry: &str) -> Value {
    json!([{"name": "w", "entry": entry, "arrival": {"type": "closed", "users": 1, "think_time": {"type": "constant", "value_ms": 100.0}}}])
}

fn open(entry: &str, rate: f64) -> Value {
    json!([{"name": "w", "entry": entry, "arrival": {"type": "open", "rate_per_s": rate}}])
}

fn mean_ms(r: &Report) -> f64 {
    r.workloads[0].latency_ms.mean.mean
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-3 * b.abs().max(1.0)
}

#[test]
fn sequential_and_parallel_steps() {
    let nodes = json!([node("g", 1.0), node("a", 3.0), node("b", 5.0)]);
    let seq = design(
        nodes.clone(),
        json!([
            {"id": "ga", "from": "g", "to": "a"}, {"id": "gb", "from": "g", "to": "b", "order": 1}
        ]),
        one_user("g"),
        30.0,
    );
    assert!(close(mean_ms(&simulate(&seq)), 9.0), "{}", mean_ms(&simulate(&seq)));
    let par = design(
        nodes,
        json!([
            {"id": "ga", "from": "g", "to": "a", "parallel_group": "p"}, {"id": "gb", "from": "g", "to": "b", "parallel_group": "p"}
        ]),
        one_user("g"),
        30.0,
    );
    let r = simulate(&par);
    assert!(close(mean_ms(&r), 6.0), "{}", mean_ms(&r));
    assert_eq!(r.edge("ga").unwrap().calls, r.edge("gb").unwrap().calls);
}

#[test]
fn repeats_and_network_latency() {
    let d = design(
        json!([node("g", 1.0), node("a", 2.0)]),
        json!([
            {"id": "ga", "from": "g", "to": "a", "calls_per_request": 3,
             "network_latency": {"type": "constant", "value_ms": 0.5}}
        ]),
        one_user("g"),
        30.0,
    );
    let r = simulate(&d);
    // 1 + 3 × (0.5 + 2 + 0.5).
    assert!(close(mean_ms(&r), 10.0), "{}", mean_ms(&r));
    let e = r.edge("ga").unwrap();
    assert_eq!(e.calls, 3 * r.workloads[0].arrived - 3 * r.workloads[0].outcomes.in_flight - e.outcomes.in_flight);
    assert!(close(e.latency_ms.mean, 3.0));
}

#[test]
fn probabilities_and_branches() {
    let d = design(
        json!([node("g", 0.1), node("a", 0.1), node("b", 0.1), node("c", 0.1)]),
        json!([
            {"id": "ga", "from": "g", "to": "a", "branch": {"group": "x", "weight": 1.0}},
            {"id": "gb", "from": "g", "to": "b", "branch": {"group": "x", "weight": 3.0}},
            {"id": "gc", "from": "g", "to": "c", "probability": 0.3}
        ]),
        open("g", 2000.0),
        21.0,
    );
    let r = simulate(&d);
    let n = r.workloads[0].outcomes.ok as f64;
    let (a, b, c) =
        (r.edge("ga").unwrap().calls as f64, r.edge("gb").unwrap().calls as f64, r.edge("gc").unwrap().calls as f64);
    assert!((a + b - n).abs() <= 2.0, "one branch member per request: {a} + {b} vs {n}");
    // Binomial: within 5 standard deviations.
    let sd = |p: f64| 5.0 * (n * p * (1.0 - p)).sqrt();
    assert!((a - 0.25 * n).abs() < sd(0.25), "{a} vs {}", 0.25 * n);
    assert!((c - 0.3 * n).abs() < sd(0.3), "{c} vs {}", 0.3 * n);
}

#[test]
fn failures_propagate_to_the_caller() {
    let mut bad = node("a", 1.0);
    bad["error_probability"] = json!(1.0);
    let d = design(
        json!([node("g", 1.0), bad, node("b", 1.0)]),
        json!([
            {"id": "ga", "from": "g", "to": "a"}, {"id": "gb", "from": "g", "to": "b", "order": 1}
        ]),
        one_user("g"),
        30.0,
    );
    let r = simulate(&d);
    let w = &r.workloads[0];
    assert_eq!(w.outcomes.ok, 0);
    assert_eq!(w.outcomes.error + w.outcomes.in_flight, w.arrived);
    assert!(close(w.error_rate.mean, 1.0));
    // The failed step stops the request: b is never called.
    assert_eq!(r.edge("gb").unwrap().calls, 0);
}

#[test]
fn signals_run_on_the_senders_worker() {
    let mut rx = node("rx", 2.0);
    rx["kind"] = json!("receiver");
    rx["host"] = json!("s");
    rx["error_probability"] = json!(1.0);
    for (robust, ok) in [(true, true), (false, false)] {
        let d = design(
            json!([node("s", 1.0), rx.clone()]),
            json!([
                {"id": "sig", "from": "s", "to": "rx", "kind": "signal", "signal": "post_save", "robust": robust}
            ]),
            one_user("s"),
            30.0,
        );
        let r = simulate(&d);
        let w = &r.workloads[0];
        assert_eq!(w.outcomes.ok > 0, ok, "robust {robust}");
        if ok {
            assert!(close(mean_ms(&r), 3.0), "{}", mean_ms(&r));
        }
        // The receiver uses no worker of its own.
        assert!(r.node("rx").unwrap().utilization.mean.abs() < 1e-12);
    }
}

#[test]
fn blocking_holds_the_worker_async_does_not() {
    for (mode, util) in [("blocking", 0.02 * 11.0), ("async", 0.02)] {
        let mut g = node("g", 1.0);
        g["capacity"] = json!({"workers": 1, "concurrency": mode});
        let d =
            design(json!([g, node("b", 10.0)]), json!([{"id": "gb", "from": "g", "to": "b"}]), open("g", 20.0), 301.0);
        let r = simulate(&d);
        let u = r.node("g").unwrap().utilization.mean;
        assert!((u - util).abs() < 0.1 * util, "{mode}: utilization {u} vs {util}");
    }
}

fn broker_design(mode: &str, error_p: f64, max_deliveries: u32) -> Design {
    let mut c1 = node("c1", 1.0);
    c1["error_probability"] = json!(error_p);
    let mut c2 = node("c2", 1.0);
    c2["error_probability"] = json!(error_p);
    let mut q = node("q", 0.1);
    q["kind"] = json!("broker");
    q["broker"] = json!({"mode": mode});
    let sub = json!({"concurrency": 2, "max_deliveries": max_deliveries, "redelivery_delay_ms": 5.0});
    design(
        json!([node("p", 1.0), q, c1, c2]),
        json!([
            {"id": "pub", "from": "p", "to": "q", "kind": "event"},
            {"id": "s1", "from": "q", "to": "c1", "kind": "subscription", "subscription": sub},
            {"id": "s2", "from": "q", "to": "c2", "kind": "subscription", "subscription": sub}
        ]),
        open("p", 200.0),
        61.0,
    )
}

#[test]
fn queue_brokers_deliver_once_topics_to_everyone() {
    let r = simulate(&broker_design("queue", 0.0, 1));
    let b = r.broker("q").unwrap();
    assert!(b.published > 10_000);
    assert_eq!(b.published, b.delivered + b.in_flight);
    // The publisher does not wait for consumers.
    assert!(close(mean_ms(&r), 1.0));
    let r = simulate(&broker_design("topic", 0.0, 1));
    let b = r.broker("q").unwrap();
    assert_eq!(2 * b.published, b.delivered + b.in_flight);
    assert!(b.delay_ms.p50 >= 1.1);
}

#[test]
fn failed_deliveries_are_redelivered_then_dead_lettered() {
    let r = simulate(&broker_design("queue", 0.5, 3));
    let b = r.broker("q").unwrap();
    let n = b.published as f64;
    let dead = b.dead_lettered as f64;
    // Three failures in a row: 1/8 of the messages.
    assert!((dead - n / 8.0).abs() < 5.0 * (n * 0.125 * 0.875).sqrt(), "{dead} of {n}");
    assert_eq!(b.published, b.delivered + b.dead_lettered + b.in_flight);
    assert!(b.redelivered > b.dead_lettered);
}

#[test]
fn faults_on_a_subscription_fail_stretch_or_swallow_deliveries() {
    let fault = |kind: Value| {
        let mut d = serde_json::to_value(broker_design("topic", 0.0, 3)).unwrap();
        d["faults"] = json!([{"name": "f", "target": "s1", "start_s": 0.0, "end_s": 61.0, "fault": kind}]);
        let d: Design = serde_json::from_value(d).unwrap();
        simulate(&d)
    };
    // Errors of p = 0.5 on s1: its deliveries fail as a failing consumer's
    // would (three in a row: 1/8 dead-lettered), s2 is untouched, and no
    // refused delivery reaches c1.
    let r = fault(json!({"type": "errors", "probability": 0.5}));
    let (b, n) = (r.broker("q").unwrap(), r.broker("q").unwrap().published as f64);
    let dead = b.dead_lettered as f64;
    assert!((dead - n / 8.0).abs() < 5.0 * (n * 0.125 * 0.875).sqrt(), "{dead} of {n}");
    assert_eq!(2 * b.published, b.delivered + b.dead_lettered + b.in_flight);
    let edge = |id: &str| r.edges.iter().find(|e| e.id == id).unwrap().clone();
    assert_eq!(edge("s2").outcomes.error, 0);
    let s1 = edge("s1");
    assert!((s1.outcomes.error as f64 / s1.calls as f64 - 0.5).abs() < 0.02, "{s1:?}");
    assert_eq!(r.node("c1").unwrap().outcomes.error, 0);
    // +7 ms on s1's deliveries: a delivery (from its dispatch) takes the
    // 7 ms and the consumer's 1 ms; s2's only the 1 ms.
    let r = fault(json!({"type": "latency", "added_ms": 7.0}));
    let mean = |id: &str| r.edges.iter().find(|e| e.id == id).unwrap().latency_ms.mean;
    assert!((mean("s1") - 8.0).abs() < 0.01 && (mean("s2") - 1.0).abs() < 0.01, "{} {}", mean("s1"), mean("s2"));
    // A hanging partition swallows s1's deliveries: its two slots stay
    // taken, the rest of its copies wait; s2 delivers everything.
    let r = fault(json!({"type": "partition", "mode": "hang"}));
    let b = r.broker("q").unwrap();
    assert!(b.in_flight + 3 >= b.published && b.delivered + 3 >= b.published, "{b:?}");
    assert_eq!(r.edges.iter().find(|e| e.id == "s1").unwrap().outcomes.ok, 0);
}

#[test]
fn full_queues_reject() {
    let mut s = node("s", 10.0);
    s["capacity"] = json!({"workers": 1, "queue_capacity": 0});
    let w =
        json!([{"name": "w", "entry": "s", "arrival": {"type": "open", "process": "constant", "rate_per_s": 150.0}}]);
    let r = simulate(&design(json!([s]), json!([]), w, 41.0));
    let o = &r.workloads[0].outcomes;
    // Arrivals every 6.67 ms against 10 ms of service: every other one finds the worker busy.
    let share = o.rejected.queue_full as f64 / r.workloads[0].arrived as f64;
    assert!((share - 0.5).abs() < 0.01, "{share}");
}

#[test]
fn caches_answer_hits_themselves() {
    let mut c = node("c", 0.2);
    c["kind"] = json!("cache");
    c["cache"] = json!({"hit_ratio": 0.8});
    let r = simulate(&design(
        json!([c, node("db", 1.0)]),
        json!([{"id": "cd", "from": "c", "to": "db"}]),
        open("c", 1000.0),
        31.0,
    ));
    let ratio = r.edge("cd").unwrap().calls as f64 / r.workloads[0].arrived as f64;
    assert!((ratio - 0.2).abs() < 0.01, "{ratio}");
}

#[test]
fn closed_loop_throughput_follows_the_interactive_law() {
    // X = N / (R + Z) with R = 5 ms (no contention: 1 user) and Z = 95 ms.
    let w = json!([{"name": "w", "entry": "s", "arrival": {"type": "closed", "users": 1, "think_time": {"type": "constant", "value_ms": 95.0}}}]);
    let r = simulate(&design(json!([node("s", 5.0)]), json!([]), w, 101.0));
    let x = r.workloads[0].throughput_per_s.mean;
    assert!((x - 10.0).abs() < 0.05, "{x}");
}

#[test]
fn overload_is_flagged_unstable() {
    let mut s = node("s", 1.0);
    s["capacity"] = json!({"workers": 1});
    s["service_time"] = json!({"type": "exponential", "mean_ms": 1.0});
    let r = simulate(&design(json!([s]), json!([]), open("s", 1300.0), 60.0));
    assert!(r.unstable);
    assert_eq!(r.unstable_nodes, vec!["s".to_owned()]);
    let mut d = design(json!([node("s", 1.0)]), json!([]), open("s", 100.0), 30.0);
    d.simulation.max_in_flight = 1000;
    d.nodes[0].capacity.workers = 1;
    d.nodes[0].service_time = engine::model::Distribution::Constant { value_ms: 20.0 };
    let r = simulate(&d);
    assert!(r.unstable);
    assert!(r.workloads[0].outcomes.rejected.in_flight_cap > 0);
    assert!(r.unstable_reasons[0].contains("cap"), "{:?}", r.unstable_reasons);
}

#[test]
fn adding_a_node_does_not_reshuffle_the_others() {
    let base = design(
        json!([node("g", 1.0), {"id": "a", "name": "a", "service_time": {"type": "exponential", "mean_ms": 2.0}}]),
        json!([{"id": "ga", "from": "g", "to": "a"}]),
        open("g", 100.0),
        21.0,
    );
    let mut more = base.clone();
    more.nodes.push(serde_json::from_value(json!({"id": "z", "name": "z"})).unwrap());
    let (r1, r2) = (simulate(&base), simulate(&more));
    assert_eq!(r1.node("a").unwrap().service_ms, r2.node("a").unwrap().service_ms);
    assert_eq!(r1.workloads[0].latency_ms, r2.workloads[0].latency_ms);
}

#[test]
fn a_call_given_up_on_shows_where_its_time_went() {
    // s serves one request at a time for 100 ms; callers give up after 50 ms,
    // so every traced call to s ends queued or in service, never "on the wire".
    let nodes = json!([node("g", 1.0), {"id": "s", "name": "s",
        "service_time": {"type": "constant", "value_ms": 100.0}, "capacity": {"workers": 1}}]);
    let edges = json!([{"id": "gs", "from": "g", "to": "s", "policy": {"timeout_ms": 50.0}}]);
    let r = simulate(&design(nodes, edges, open("g", 30.0), 20.0));
    let cut: Vec<_> = r
        .traces
        .iter()
        .flat_map(|t| &t.spans)
        .filter(|s| s.node == "s" && s.outcome == engine::model::Outcome::Timeout)
        .collect();
    assert!(cut.len() >= 5, "{} timed-out spans", cut.len());
    for s in cut {
        let total = s.network_in_ms + s.queue_ms + s.service_ms + s.downstream_ms + s.network_out_ms;
        assert!(close(total, 50.0), "{s:?}");
        assert!(close(s.end_ms - s.start_ms, 50.0), "{s:?}");
        assert!(s.network_out_ms.abs() < 1e-9 && s.queue_ms + s.service_ms > 49.9, "{s:?}");
    }
}

#[test]
fn traces_stay_whole_when_calls_outlive_their_requests() {
    // Callers give up on s after 20 ms while s's own calls to the slow d go
    // on: those visits outlive their request. Every kept trace must still be
    // a consistent tree of its own request's spans.
    let nodes = json!([node("g", 1.0), node("s", 1.0), {"id": "d", "name": "d",
        "service_time": {"type": "exponential", "mean_ms": 30.0}, "capacity": {"workers": 2}}]);
    let edges = json!([
        {"id": "gs", "from": "g", "to": "s", "policy": {"timeout_ms": 20.0}},
        {"id": "sd", "from": "s", "to": "d"}
    ]);
    let r = simulate(&design(nodes, edges, open("g", 60.0), 120.0));
    assert!(r.traces.len() > 20, "{} traces", r.traces.len());
    for t in &r.traces {
        let root_end = t.spans.first().map_or(0.0, |s| s.end_ms);
        for (i, s) in t.spans.iter().enumerate() {
            let parts = s.network_in_ms + s.queue_ms + s.service_ms + s.downstream_ms + s.network_out_ms;
            assert!(close(parts, s.end_ms - s.start_ms), "span {i} of {t:?}");
            assert!(s.start_ms <= s.end_ms && s.end_ms <= root_end + 1e-9, "span {i} of {t:?}");
            if let Some(p) = s.parent {
                assert!((p as usize) < i, "span {i} of {t:?}");
                assert!(t.spans[p as usize].start_ms <= s.start_ms, "span {i} of {t:?}");
            }
        }
    }
}

#[test]
fn a_run_whose_clock_stops_is_cut_and_reported_unstable() {
    // 10,000 × 10,000 calls that take no time: 100 million visits at the
    // first request's instant. The run must end, say why, and still add up.
    let instant = |id: &str| json!({"id": id, "name": id, "service_time": {"type": "constant", "value_ms": 0.0}, "capacity": {"workers": 1000}});
    let nodes = json!([instant("a"), instant("b"), instant("c")]);
    let edges = json!([
        {"id": "ab", "from": "a", "to": "b", "calls_per_request": 10000},
        {"id": "bc", "from": "b", "to": "c", "calls_per_request": 10000}
    ]);
    let d = design(nodes, edges, open("a", 5.0), 10.0);
    assert!(engine::validate::validate(&d).iter().all(|p| p.severity != engine::validate::Severity::Error));
    let r = simulate(&d);
    assert!(r.unstable, "{:?}", r.unstable_reasons);
    assert!(r.unstable_reasons.iter().any(|m| m.contains("stopped advancing")), "{:?}", r.unstable_reasons);
}
