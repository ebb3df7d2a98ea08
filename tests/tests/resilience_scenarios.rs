//! Resilience policies and faults checked against results computed by hand:
//! retries multiply a failing callee's load by the attempts, an open breaker
//! cuts it to the probes, a timeout bounds a call's latency, an autoscaler
//! settles where its target says, an outage of k of n round-robin replicas
//! fails k/n of the calls, and every policy and fault at once still conserves
//! requests and runs deterministically.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use engine::sim::{Report, RunControl, RunOptions, run};

fn design(json: &str) -> engine::Design {
    engine::model::format::from_str(json, engine::model::format::Format::Json, "<test>").unwrap()
}

fn simulate(json: &str) -> Report {
    let r = run(&design(json), &RunOptions::default(), &RunControl::default()).unwrap();
    assert!(r.conservation.holds, "{:?}", r.conservation.violations);
    r
}

/// A caller `a` (fast, plenty of workers) calling `b` through edge `ab` with `policy`.
fn caller_callee(policy: &str, b_extra: &str, rate: f64, duration_s: f64) -> String {
    format!(
        r#"{{"version": 1, "name": "t",
          "nodes": [
            {{"id": "a", "name": "A", "capacity": {{"workers": 1000, "concurrency": "async"}},
              "service_time": {{"type": "constant", "value_ms": 1.0}}}},
            {{"id": "b", "name": "B", "capacity": {{"workers": 1000}},
              "service_time": {{"type": "exponential", "mean_ms": 2.0}}{b_extra}}}
          ],
          "edges": [{{"id": "ab", "from": "a", "to": "b", "policy": {policy}}}],
          "workloads": [{{"name": "w", "entry": "a", "arrival": {{"type": "open", "rate_per_s": {rate}}}}}],
          "simulation": {{"duration_s": {duration_s}, "warmup_s": 10.0, "seed": 7}}}}"#
    )
}

#[test]
fn three_retries_of_an_always_failing_callee_make_four_calls() {
    let r = simulate(&caller_callee(
        r#"{"retries": {"max_attempts": 4, "retry_on": ["error"]}}"#,
        r#", "error_probability": 1.0"#,
        200.0,
        40.0,
    ));
    let p = r.edge("ab").unwrap().policy.as_ref().unwrap();
    let a = r.node("a").unwrap();
    let b = r.node("b").unwrap();
    assert!(p.logical_calls > 5000, "{}", p.logical_calls);
    // Every call fails four times; only calls straddling the warm-up differ.
    assert!(p.attempts.abs_diff(4 * p.logical_calls) <= 8, "{} tries for {} calls", p.attempts, p.logical_calls);
    assert!((p.retry_amplification - 4.0).abs() < 0.002, "{}", p.retry_amplification);
    assert!(b.visits.abs_diff(4 * a.visits) <= 8, "callee {} visits, caller {}", b.visits, a.visits);
    assert_eq!(p.logical_outcomes.error + p.logical_outcomes.in_flight, p.logical_calls);
    assert_eq!(r.workloads[0].outcomes.ok, 0);
}

#[test]
fn an_open_breaker_cuts_the_callee_to_its_probes() {
    let r = simulate(&caller_callee(
        r#"{"circuit_breaker": {"consecutive_failures": 5, "open_s": 1.0, "half_open_probes": 1}}"#,
        r#", "error_probability": 1.0"#,
        100.0,
        60.0,
    ));
    let p = r.edge("ab").unwrap().policy.as_ref().unwrap();
    let b = r.node("b").unwrap();
    // Open for 1 s, one probe (which fails and re-opens it), 50 measured seconds:
    // about one visit a second instead of a hundred.
    assert!((40..=52).contains(&b.visits), "callee saw {} visits", b.visits);
    assert!(p.fail_fast > 4800, "{}", p.fail_fast);
    let breaker = p.breaker.as_ref().unwrap();
    assert!(breaker.open_share > 0.95, "{}", breaker.open_share);
    assert!((40..=52).contains(&breaker.opened), "{}", breaker.opened);
    assert_eq!(breaker.changes.first().map(|c| c.state.as_str()), Some("open"));
}

#[test]
fn a_call_never_takes_longer_than_its_timeout_plus_the_callers_work() {
    // b is slow (mean 2 ms exponential, then ×20 by a latency fault): many tries
    // time out. The fallback answers instantly, so every request succeeds
    // (degraded) and has a latency to check.
    let json = caller_callee(
        r#"{"timeout_ms": 20.0, "per_try_timeout_ms": 8.0,
            "retries": {"max_attempts": 3, "retry_on": ["timeout"], "backoff": {"type": "fixed", "delay_ms": 1.0}},
            "fallback": {"latency_ms": 0.0}}"#,
        r#", "operations": []"#,
        200.0,
        40.0,
    )
    .replace(
        r#""simulation""#,
        r#""faults": [{"name": "slow b", "target": "b", "start_s": 15.0, "end_s": 35.0,
                        "fault": {"type": "latency", "factor": 20.0}}],
           "simulation""#,
    );
    let r = simulate(&json);
    let p = r.edge("ab").unwrap().policy.as_ref().unwrap();
    assert!(p.call_timeouts > 100 && p.try_timeouts > 100, "{p:?}");
    assert!(p.retries > 100);
    // HDR histograms keep 3 significant figures.
    assert!(p.logical_latency_ms.max <= 20.0 * 1.001, "call latency {}", p.logical_latency_ms.max);
    let a = r.node("a").unwrap();
    assert!(a.latency_ms.max <= (1.0 + 20.0) * 1.001, "caller visit {}", a.latency_ms.max);
    assert!(a.outcomes.degraded > 100);
    assert_eq!(r.workloads[0].outcomes.failed(), 0);
    // The abandoned tries kept b busy: wasted work is measured.
    let b = r.node("b").unwrap().resilience.as_ref().unwrap();
    assert!(b.wasted_work_s > 0.0 && b.wasted_visits > 0, "{b:?}");
}

#[test]
fn an_autoscaler_settles_where_the_target_says() {
    // 420 req/s × 10 ms = 4.2 busy workers; at a 50% target that is
    // ceil(8.4) = 9 replicas of one worker each. The HPA's 10% tolerance keeps
    // 9 (47%, ratio 0.93), and from above, 10 (42%) recommends ceil(10 × 0.84) = 9.
    let r = simulate(
        r#"{"version": 1, "name": "hpa",
          "nodes": [{"id": "s", "name": "S", "capacity": {"replicas": 2, "workers": 1},
            "service_time": {"type": "constant", "value_ms": 10.0},
            "policies": {"autoscaling": {"min_replicas": 1, "max_replicas": 20, "target_utilization": 0.5,
              "evaluation_period_s": 5.0, "scale_down_stabilization_s": 30.0, "cold_start_s": 2.0}}}],
          "workloads": [{"name": "w", "entry": "s", "arrival": {"type": "open", "rate_per_s": 420.0}}],
          "simulation": {"duration_s": 300.0, "warmup_s": 150.0, "seed": 3}}"#,
    );
    let s = r.node("s").unwrap();
    let res = s.resilience.as_ref().unwrap();
    assert!((res.replicas_mean - 9.0).abs() < 0.3, "mean replicas {}", res.replicas_mean);
    let series = &r.series.nodes[0].replicas;
    let last: f64 = series.iter().rev().take(30).sum::<f64>() / 30.0;
    assert!((last - 9.0).abs() < 0.2, "replicas at the end {last}");
    assert!((s.utilization.mean - 4.2 / 9.0).abs() < 0.03, "utilization {}", s.utilization.mean);
}

#[test]
fn an_outage_of_one_of_four_round_robin_replicas_fails_a_quarter_of_the_calls() {
    let r = simulate(
        r#"{"version": 1, "name": "outage",
          "nodes": [
            {"id": "a", "name": "A", "capacity": {"workers": 1000, "concurrency": "async"},
             "service_time": {"type": "constant", "value_ms": 1.0}},
            {"id": "b", "name": "B", "capacity": {"replicas": 4, "workers": 50},
             "service_time": {"type": "exponential", "mean_ms": 2.0}}],
          "edges": [{"id": "ab", "from": "a", "to": "b"}],
          "workloads": [{"name": "w", "entry": "a", "arrival": {"type": "open", "rate_per_s": 400.0}}],
          "faults": [{"name": "b1 down", "target": "b", "start_s": 10.0, "end_s": 60.0,
                      "fault": {"type": "outage", "replicas": 1}}],
          "simulation": {"duration_s": 60.0, "warmup_s": 10.0, "seed": 5}}"#,
    );
    let w = &r.workloads[0];
    assert!((w.error_rate.mean - 0.25).abs() < 0.01, "error rate {}", w.error_rate.mean);
    let f = &r.faults[0];
    // Alone, the fault is the whole of the error rate.
    let imp = &f.impact[0];
    assert!(imp.error_rate_without < 1e-9, "{imp:?}");
    assert!((imp.error_points - 25.0).abs() < 1.0, "{imp:?}");
    assert!(f.reached.iter().any(|x| x.node == "b"), "{:?}", f.reached);
    assert!(f.reached.iter().all(|x| x.at_s >= 10.0 && x.at_s < 12.0), "{:?}", f.reached);
    assert!(f.summary.contains("b1 down"), "{}", f.summary);
}

#[test]
fn outlier_ejection_takes_the_crashed_replica_out_of_rotation() {
    let json = |ejection: &str| {
        format!(
            r#"{{"version": 1, "name": "ejection",
              "nodes": [
                {{"id": "a", "name": "A", "capacity": {{"workers": 1000, "concurrency": "async"}},
                 "service_time": {{"type": "constant", "value_ms": 1.0}}}},
                {{"id": "b", "name": "B", "capacity": {{"replicas": 4, "workers": 50}},
                 "service_time": {{"type": "exponential", "mean_ms": 2.0}}{ejection}}}],
              "edges": [{{"id": "ab", "from": "a", "to": "b"}}],
              "workloads": [{{"name": "w", "entry": "a", "arrival": {{"type": "open", "rate_per_s": 400.0}}}}],
              "faults": [{{"name": "b1 down", "target": "b", "start_s": 20.0, "end_s": 50.0,
                          "fault": {{"type": "outage", "replicas": 1}}}}],
              "simulation": {{"duration_s": 60.0, "warmup_s": 10.0, "seed": 5}}}}"#
        )
    };
    let without = simulate(&json(""));
    let with = simulate(&json(
        r#", "policies": {"outlier_ejection": {"consecutive_errors": 5, "interval_s": 1.0,
             "base_ejection_s": 10.0, "max_ejection_percent": 50.0}}"#,
    ));
    let (e0, e1) = (without.workloads[0].outcomes.error, with.workloads[0].outcomes.error);
    assert!(e0 > 2500, "{e0}");
    // Ejected after 5 errors, back after 10 s (×2, ×3 as it keeps failing): a few
    // probes' worth of errors per return instead of a quarter of all calls.
    assert!(e1 < 40, "with ejection {e1} errors, without {e0}");
    let res = with.node("b").unwrap().resilience.as_ref().unwrap();
    assert!(res.ejections >= 2, "{res:?}");
}

#[test]
fn a_rate_limit_admits_its_rate() {
    let r = simulate(
        r#"{"version": 1, "name": "rl",
          "nodes": [{"id": "s", "name": "S", "capacity": {"workers": 100},
            "service_time": {"type": "constant", "value_ms": 1.0},
            "policies": {"rate_limit": {"rate_per_s": 100.0, "burst": 10}}}],
          "workloads": [{"name": "w", "entry": "s", "arrival": {"type": "open", "rate_per_s": 300.0}}],
          "simulation": {"duration_s": 60.0, "warmup_s": 10.0, "seed": 2}}"#,
    );
    let w = &r.workloads[0];
    assert!((w.throughput_per_s.mean - 100.0).abs() < 2.0, "{}", w.throughput_per_s.mean);
    assert!(w.outcomes.rejected.rate_limited > 9000);
}

/// Every policy and every fault kind at once.
const EVERYTHING: &str = r#"{"version": 1, "name": "everything",
  "nodes": [
    {"id": "users", "name": "Users", "kind": "client"},
    {"id": "gw", "name": "Gateway", "capacity": {"replicas": 2, "workers": 8, "queue_capacity": 50},
     "service_time": {"type": "exponential", "mean_ms": 0.5},
     "policies": {"rate_limit": {"rate_per_s": 900.0, "burst": 50}}},
    {"id": "api", "name": "API", "capacity": {"replicas": 3, "workers": 4, "queue_capacity": 30, "load_balancer": "least_outstanding"},
     "service_time": {"type": "lognormal", "p50_ms": 3.0, "p99_ms": 20.0}, "error_probability": 0.01,
     "policies": {"outlier_ejection": {"consecutive_errors": 3, "interval_s": 1.0, "base_ejection_s": 5.0, "max_ejection_percent": 34.0},
                  "autoscaling": {"min_replicas": 2, "max_replicas": 6, "target_utilization": 0.6, "evaluation_period_s": 5.0,
                                  "scale_down_stabilization_s": 20.0, "cold_start_s": 3.0}}},
    {"id": "db", "name": "DB", "kind": "database", "capacity": {"workers": 8, "queue_capacity": 100, "concurrency": "async"},
     "service_time": {"type": "exponential", "mean_ms": 2.0}},
    {"id": "bus", "name": "Bus", "kind": "broker", "broker": {"mode": "queue", "capacity_messages": 20},
     "service_time": {"type": "constant", "value_ms": 0.1}},
    {"id": "worker", "name": "Worker", "capacity": {"workers": 2}, "service_time": {"type": "exponential", "mean_ms": 4.0},
     "error_probability": 0.05}
  ],
  "edges": [
    {"id": "u-gw", "from": "users", "to": "gw"},
    {"id": "gw-api", "from": "gw", "to": "api",
     "network_latency": {"type": "exponential", "mean_ms": 0.3},
     "policy": {"timeout_ms": 120.0, "per_try_timeout_ms": 40.0,
       "retries": {"max_attempts": 3, "retry_on": ["error", "timeout", "rejected"],
                   "backoff": {"type": "exponential", "base_ms": 2.0, "max_ms": 20.0}, "jitter": 1.0, "budget_ratio": 0.2},
       "circuit_breaker": {"failure_ratio": 0.5, "window_calls": 20, "open_s": 2.0, "half_open_probes": 2},
       "bulkhead": {"max_concurrent": 40}, "fallback": {"latency_ms": 0.5}}},
    {"id": "api-db", "from": "api", "to": "db", "calls_per_request": 2,
     "policy": {"per_try_timeout_ms": 15.0, "retries": {"max_attempts": 2}, "propagate_cancellation": true}},
    {"id": "api-bus", "from": "api", "to": "bus", "kind": "event", "order": 1, "publish": {"when_full": "block"}},
    {"id": "bus-worker", "from": "bus", "to": "worker", "kind": "subscription",
     "subscription": {"concurrency": 2, "max_deliveries": 3, "redelivery_delay_ms": 5.0}}
  ],
  "workloads": [{"name": "w", "entry": "users", "arrival": {"type": "open", "rate_per_s": 600.0}}],
  "faults": [
    {"name": "api crash", "target": "api", "start_s": 12.0, "end_s": 16.0, "fault": {"type": "outage", "replicas": 1}},
    {"name": "db slow", "target": "db", "start_s": 18.0, "end_s": 22.0, "fault": {"type": "latency", "added_ms": 5.0, "factor": 2.0}},
    {"name": "api errors", "target": "api", "start_s": 24.0, "end_s": 26.0, "fault": {"type": "errors", "probability": 0.5}},
    {"name": "cut db", "target": "api-db", "start_s": 27.0, "end_s": 28.0, "fault": {"type": "partition", "mode": "hang"}},
    {"name": "refuse api", "target": "gw-api", "start_s": 29.0, "end_s": 29.5, "fault": {"type": "partition"}},
    {"name": "bus down", "target": "bus", "start_s": 31.0, "end_s": 33.0, "fault": {"type": "broker_outage", "lose_messages": true}}
  ],
  "simulation": {"duration_s": 40.0, "warmup_s": 5.0, "seed": 13, "replications": 2}}"#;

#[test]
fn every_policy_and_fault_at_once_conserves_requests_and_is_deterministic() {
    let a = simulate(EVERYTHING);
    let b = simulate(EVERYTHING);
    assert_eq!(a.to_json(), b.to_json(), "two runs with one seed differ");
    for w in &a.workloads {
        assert_eq!(w.arrived, w.outcomes.total());
    }
    for n in &a.nodes {
        assert_eq!(n.visits, n.outcomes.total(), "node {}", n.id);
    }
    for e in &a.edges {
        assert_eq!(e.calls, e.outcomes.total(), "edge {}", e.id);
        if let Some(p) = &e.policy {
            assert_eq!(p.logical_calls, p.logical_outcomes.total(), "edge {} logical", e.id);
            assert!(p.attempts >= p.logical_calls);
        }
    }
    assert_eq!(a.faults.len(), 6);
    assert!(a.load.as_ref().unwrap().throughput_per_s > a.load.as_ref().unwrap().goodput_per_s);
    let bus = a.broker("bus").unwrap();
    assert!(bus.blocked > 0 || bus.lost > 0, "{bus:?}");
    // The client is a load source: no station, no time of its own.
    let users = a.node("users").unwrap();
    assert!(users.wait_ms == 0.0 && users.service_ms == 0.0 && users.utilization.mean == 0.0);
    assert!(Report::from_json(&a.to_json()).unwrap() == Report::from_json(&b.to_json()).unwrap());
}

fn sample(name: &str) -> Report {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name);
    let d = engine::model::format::load(&path).unwrap();
    run(&d, &RunOptions::default(), &RunControl::default()).unwrap()
}

fn window_mean(series: &[f64], from_s: usize, to_s: usize) -> f64 {
    let s = series.get(from_s..to_s.min(series.len())).unwrap_or_default();
    s.iter().sum::<f64>() / s.len().max(1) as f64
}

#[test]
fn the_retry_storm_collapses_goodput_and_the_fix_holds() {
    let storm = sample("retry-storm.json");
    let fixed = sample("retry-storm-fixed.json");
    let good = |r: &Report, a, b| window_mean(&r.series.workloads[0].throughput_per_s, a, b);
    let work = |r: &Report, a, b| window_mean(&r.series.work_per_s, a, b);
    // Before the slowdown (20–40 s) both serve the 200 page views/s.
    for r in [&storm, &fixed] {
        assert!((good(r, 20, 40) - 200.0).abs() < 15.0, "{}: {}", r.design, good(r, 20, 40));
    }
    // During it (42–55 s): the storm's goodput collapses while the work done soars.
    assert!(good(&storm, 42, 55) < 0.3 * good(&storm, 20, 40), "storm goodput {}", good(&storm, 42, 55));
    assert!(work(&storm, 42, 55) > 2.0 * work(&storm, 20, 40), "storm work {}", work(&storm, 42, 55));
    // The fix keeps answering (some pages degraded) and does no more work than before.
    assert!(good(&fixed, 42, 55) > 0.9 * good(&fixed, 20, 40), "fixed goodput {}", good(&fixed, 42, 55));
    assert!(work(&fixed, 42, 55) < 1.2 * work(&fixed, 20, 40), "fixed work {}", work(&fixed, 42, 55));
    assert!(storm.workloads[0].error_rate.mean > 0.05);
    assert!(fixed.workloads[0].error_rate.mean < 0.01);
    let amp = |r: &Report| r.edge("profile-db-query").unwrap().policy.as_ref().unwrap().retry_amplification;
    assert!(amp(&storm) > 1.3 && amp(&fixed) < 1.01, "{} {}", amp(&storm), amp(&fixed));
    // After the slowdown (70–120 s) the storm sustains itself (a metastable
    // failure: the retries alone keep the database saturated) while the fixed
    // design is back to normal.
    assert!(good(&storm, 70, 120) < 0.3 * 200.0, "storm after the fault {}", good(&storm, 70, 120));
    assert!(work(&storm, 70, 120) > 2.0 * work(&storm, 20, 40));
    assert!((good(&fixed, 70, 120) - 200.0).abs() < 15.0);
}
