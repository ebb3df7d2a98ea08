//! Service discovery checked against figures worked out by hand.
//!
//! The set-up: callers at 400 calls/s in all to a service `b` of four
//! round-robin replicas, found through the registry `reg`. One replica
//! crashes at 30 s and stays down. With a health check every `I` seconds that
//! evicts after `f` failures, the crash is evicted `E` ∈ [(f−1)·I, f·I] after
//! it (the check's phase is random); until then a quarter of the calls go to
//! the dead replica. Client-side callers keep their cached list for up to a
//! TTL more, so `calls_to_dead` ≈ 400/4 × (E + up to TTL); server-side the
//! load balancer stops at E.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_pass_by_value)]

use engine::Design;
use engine::sim::{DiscoveryReport, Report, RunControl, RunOptions, run};
use serde_json::{Value, json};

const RATE: f64 = 400.0;
const CRASH_S: f64 = 30.0;
const SEEDS: [u64; 4] = [1, 2, 3, 4];

/// How the test design is built.
struct Setup {
    discovery: Value,
    /// Extra fields of `b` (policies).
    b_extra: Value,
    /// The call policy of every caller's edge to `b`.
    policy: Option<Value>,
    faults: Value,
    callers: usize,
    /// Calls per second, shared by the callers.
    rate: f64,
    seed: u64,
}

impl Setup {
    fn new(discovery: Value) -> Self {
        Self {
            discovery,
            b_extra: json!({}),
            policy: None,
            faults: json!([{"name": "b0 down", "target": "b", "start_s": CRASH_S, "end_s": 60.0,
                            "fault": {"type": "outage", "replicas": 1}}]),
            callers: 1,
            rate: RATE,
            seed: 1,
        }
    }

    fn design(&self) -> Design {
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let mut workloads = Vec::new();
        for i in 0..self.callers {
            let id = format!("a{i}");
            nodes.push(json!({"id": id, "name": id, "capacity": {"workers": 1000, "concurrency": "async"},
                              "service_time": {"type": "constant", "value_ms": 1.0}}));
            let mut e = json!({"id": format!("{id}-b"), "from": id, "to": "b"});
            if let Some(p) = &self.policy {
                e["policy"] = p.clone();
            }
            edges.push(e);
            workloads.push(json!({"name": format!("w{i}"), "entry": id,
                                  "arrival": {"type": "open", "rate_per_s": self.rate / self.callers as f64}}));
        }
        let mut b = json!({"id": "b", "name": "B",
                           "capacity": {"replicas": 4, "workers": 50, "load_balancer": "round_robin"},
                           "service_time": {"type": "exponential", "mean_ms": 2.0},
                           "discovery": self.discovery});
        for (k, v) in self.b_extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        nodes.push(b);
        nodes.push(json!({"id": "reg", "name": "Registry", "kind": "registry",
                          "capacity": {"replicas": 1, "workers": 8},
                          "service_time": {"type": "constant", "value_ms": 0.5}}));
        let doc = json!({
            "version": 1, "name": "discovery", "nodes": nodes, "edges": edges, "workloads": workloads,
            "faults": self.faults,
            "simulation": {"duration_s": 60.0, "warmup_s": 10.0, "seed": self.seed, "window_s": 1.0}
        });
        serde_json::from_value(doc).unwrap()
    }

    fn run(&self) -> Report {
        let r = run(&self.design(), &RunOptions::default(), &RunControl::default()).unwrap();
        assert!(r.conservation.holds, "{:?}", r.conservation.violations);
        r
    }
}

fn client(ttl_s: f64, interval_s: f64, failures: u32) -> Value {
    json!({"mode": "client_side", "registry": "reg", "cache_ttl_s": ttl_s,
           "health_check": {"interval_s": interval_s, "failures_before_removal": failures}})
}

fn server(interval_s: f64, failures: u32) -> Value {
    json!({"mode": "server_side", "registry": "reg",
           "health_check": {"interval_s": interval_s, "failures_before_removal": failures}})
}

fn disc(r: &Report) -> &DiscoveryReport {
    r.discovery.iter().find(|d| d.id == "b").unwrap()
}

/// Failed requests of every workload in windows `from..to` (1 s windows).
fn errors_in(r: &Report, from: usize, to: usize) -> f64 {
    r.series
        .workloads
        .iter()
        .map(|w| w.errors.get(from..to.min(w.errors.len())).unwrap_or_default().iter().sum::<f64>())
        .sum()
}

fn failed(r: &Report) -> u64 {
    r.workloads.iter().map(|w| w.outcomes.error + w.outcomes.timeout).sum()
}

/// The crash-to-eviction time in seconds, checked against the health check's bounds.
fn eviction_s(d: &DiscoveryReport, interval_s: f64, failures: u32) -> f64 {
    assert_eq!((d.crashes, d.evictions), (1, 1), "{d:?}");
    assert!((d.mean_eviction_ms - d.max_eviction_ms).abs() < 1e-9);
    let e = d.max_eviction_ms / 1000.0;
    let lo = f64::from(failures - 1) * interval_s;
    let hi = f64::from(failures) * interval_s;
    assert!(e >= lo - 1e-6 && e <= hi + 1e-6, "eviction after {e} s, outside [{lo}, {hi}]");
    e
}

/// Calls sent to the dead replica: a quarter of the calls from the crash to
/// `E` plus `extra_lo..extra_hi` seconds, with a margin of about four
/// standard deviations of the Poisson count (√(400 × 10) / 4 ≈ 16).
fn assert_dead_calls(d: &DiscoveryReport, e_s: f64, extra_lo: f64, extra_hi: f64) {
    let per_s = RATE / 4.0;
    let (lo, hi) = (per_s * (e_s + extra_lo) - 70.0, per_s * (e_s + extra_hi) + 70.0);
    let got = d.calls_to_dead as f64;
    assert!(got >= lo && got <= hi, "calls to the dead replica {got}, expected {lo}..{hi} (E = {e_s} s)");
}

#[test]
fn client_side_callers_hit_a_crashed_replica_until_eviction_plus_the_ttl() {
    for seed in SEEDS {
        let r = Setup { seed, ..Setup::new(client(1.0, 5.0, 2)) }.run();
        let d = disc(&r);
        assert_eq!(d.mode, "client_side");
        let e = eviction_s(d, 5.0, 2);
        assert_dead_calls(d, e, 0.0, 1.0);
        // Refused calls are the failures, bar the few visits the crash cut short.
        assert!(failed(&r).abs_diff(d.calls_to_dead) <= 5, "{} failed, {} to the dead", failed(&r), d.calls_to_dead);
        // Before the crash nothing fails; while the replica is listed a quarter of
        // each second's 400 calls do; after eviction + TTL nothing fails.
        assert!(errors_in(&r, 10, 30) == 0.0);
        for w in 31..(CRASH_S + e).floor() as usize {
            let n = errors_in(&r, w, w + 1);
            assert!((60.0..=140.0).contains(&n), "seed {seed}: {n} errors in second {w}");
        }
        let clean = (CRASH_S + e + 1.0).ceil() as usize;
        assert!(errors_in(&r, clean, 60) == 0.0, "seed {seed}: errors after {clean} s");
    }
}

#[test]
fn doubling_the_health_check_interval_doubles_the_calls_to_the_dead_replica() {
    for seed in SEEDS {
        let short = Setup { seed, ..Setup::new(client(1.0, 5.0, 2)) }.run();
        let long = Setup { seed, ..Setup::new(client(1.0, 10.0, 2)) }.run();
        let (ds, dl) = (disc(&short), disc(&long));
        let (es, el) = (eviction_s(ds, 5.0, 2), eviction_s(dl, 10.0, 2));
        // The crash is at a multiple of both intervals and the phase is the same
        // fraction of the interval: the eviction comes exactly twice as late.
        assert!((el - 2.0 * es).abs() < 1e-6, "{es} s then {el} s");
        assert_dead_calls(ds, es, 0.0, 1.0);
        assert_dead_calls(dl, el, 0.0, 1.0);
        // (2E + u′)/(E + u) with E ≥ 5 and u, u′ ≤ 1 s lies in [1.67, 2.2].
        let ratio = dl.calls_to_dead as f64 / ds.calls_to_dead as f64;
        assert!((1.6..=2.3).contains(&ratio), "seed {seed}: ratio {ratio}");
    }
}

#[test]
fn server_side_stops_at_eviction_and_outlier_ejection_stops_sooner() {
    for seed in SEEDS {
        let plain = Setup { seed, ..Setup::new(server(5.0, 2)) }.run();
        let d = disc(&plain);
        assert_eq!((d.mode.as_str(), d.lookups, d.cache_hits + d.cache_misses), ("server_side", 0, 0));
        let e = eviction_s(d, 5.0, 2);
        // No cache: the window ends at the eviction itself.
        assert_dead_calls(d, e, 0.0, 0.0);
        assert!(errors_in(&plain, (CRASH_S + e).ceil() as usize, 60) == 0.0);
        assert_eq!(d.calls, plain.node("b").unwrap().visits);

        let ejecting = Setup {
            seed,
            b_extra: json!({"policies": {"outlier_ejection": {"consecutive_errors": 3, "interval_s": 1.0,
                             "base_ejection_s": 60.0, "max_ejection_percent": 50.0}}}),
            ..Setup::new(server(5.0, 2))
        }
        .run();
        let (with, without) = (failed(&ejecting), failed(&plain));
        // Three refusals eject the replica: a handful of failures, not a quarter
        // of every call until the eviction.
        assert!(
            with <= 10 && (with as f64) < 0.2 * without as f64,
            "seed {seed}: {with} with ejection, {without} without"
        );
    }
}

#[test]
fn a_registry_outage_is_ridden_out_on_a_stale_list_and_fails_calls_after_the_ttl_without_one() {
    let outage = json!([{"name": "registry down", "target": "reg", "start_s": 30.0, "end_s": 45.0,
                         "fault": {"type": "outage"}}]);
    for seed in SEEDS {
        let mut stale = client(5.0, 5.0, 2);
        stale["on_registry_failure"] = json!("stale_cache");
        let r = Setup { seed, faults: outage.clone(), ..Setup::new(stale) }.run();
        let d = disc(&r);
        assert_eq!(failed(&r), 0, "seed {seed}: {d:?}");
        assert!(d.lookup_failures > 0 && d.stale_routed > 0 && d.lookup_failed_calls == 0, "{d:?}");
        // After a failed lookup the caller keeps its stale list and asks again one TTL
        // later, not on every call: a 15 s outage with a 5 s TTL costs at most 4 tries.
        assert!(d.lookup_failures <= 4, "seed {seed}: {} failed lookups", d.lookup_failures);

        let mut fail = client(5.0, 5.0, 2);
        fail["on_registry_failure"] = json!("fail");
        let r = Setup { seed, faults: outage.clone(), ..Setup::new(fail) }.run();
        let d = disc(&r);
        assert!(d.lookup_failures > 0, "{d:?}");
        assert_eq!(d.lookup_failed_calls, failed(&r));
        // The list fetched before the outage serves until it expires, at most a
        // TTL after the outage starts; from then on every call fails until the
        // registry is back.
        assert!(errors_in(&r, 0, 30) == 0.0, "seed {seed}: errors before the outage");
        let first = (30..45).find(|&w| errors_in(&r, w, w + 1) > 0.0).expect("no errors during the outage");
        assert!(first < 35, "seed {seed}: first errors in second {first}");
        for w in first + 1..45 {
            let n = errors_in(&r, w, w + 1);
            assert!((320.0..=480.0).contains(&n), "seed {seed}: {n} errors in second {w}");
        }
        assert!(errors_in(&r, 45, 60) == 0.0, "seed {seed}: errors after the outage");
    }
}

#[test]
fn each_caller_looks_up_once_per_ttl_and_the_rest_are_cache_hits() {
    // Two callers of 200 calls/s, TTL 2 s, 50 measured seconds: each cache
    // expires and is refreshed at its next call, about 25 times.
    let r = Setup { callers: 2, faults: json!([]), ..Setup::new(client(2.0, 5.0, 2)) }.run();
    let d = disc(&r);
    let calls = r.workloads.iter().map(|w| w.arrived).sum::<u64>();
    assert!(d.calls.abs_diff(calls) <= 2, "{} calls, {calls} requests", d.calls);
    assert!((48..=51).contains(&d.lookups), "{d:?}");
    assert!((d.registry_lookups_per_s - 2.0 / 2.0).abs() < 0.05, "{}", d.registry_lookups_per_s);
    let expected = 1.0 - d.lookups as f64 / d.calls as f64;
    assert!((d.cache_hit_ratio - expected).abs() < 0.001, "{} vs {expected}", d.cache_hit_ratio);
    assert_eq!(d.cache_hits + d.cache_misses, d.calls);
    // The registry serves the lookups as visits of its own.
    let reg = r.node("reg").unwrap();
    assert_eq!(reg.visits, d.lookups);
    assert_eq!(reg.outcomes.ok, d.lookups);
    assert_eq!(d.lookup_failures + d.calls_to_dead + failed(&r), 0);
}

#[test]
fn hanging_dead_instances_time_out_and_without_a_timeout_never_answer() {
    let mut hang = client(1.0, 5.0, 2);
    hang["dead_instance"] = json!("hang");
    let timed = Setup { policy: Some(json!({"timeout_ms": 100.0})), ..Setup::new(hang.clone()) }.run();
    let d = disc(&timed);
    let w = &timed.workloads[0];
    // Every call to the dead replica times out instead of failing at once.
    assert!(d.calls_to_dead > 300, "{d:?}");
    assert!(w.outcomes.timeout.abs_diff(d.calls_to_dead) <= 2, "{} timeouts, {d:?}", w.outcomes.timeout);
    assert!(w.outcomes.error <= 3, "{:?}", w.outcomes);
    assert!(timed.warnings.iter().all(|m| !m.contains("hung")), "{:?}", timed.warnings);

    let untimed = Setup::new(hang).run();
    let d = disc(&untimed);
    let w = &untimed.workloads[0];
    // Those requests are still waiting at the end.
    assert!(w.outcomes.in_flight >= d.calls_to_dead && w.outcomes.in_flight <= d.calls_to_dead + 10, "{w:?} {d:?}");
    assert!(untimed.warnings.iter().any(|m| m.contains("hung") && m.contains('B')), "{:?}", untimed.warnings);
}

#[test]
fn scaled_down_replicas_deregister_but_cached_lists_still_name_them() {
    // 40 calls/s of 2 ms on four replicas of one worker: 2% busy, so the
    // autoscaler (target 50%) takes the service down to its minimum of one at
    // its first evaluation, 15 s in (after the warm-up).
    let hpa = json!({"capacity": {"replicas": 4, "workers": 1, "load_balancer": "round_robin"},
                     "policies": {"autoscaling": {"min_replicas": 1, "max_replicas": 4, "target_utilization": 0.5,
                       "evaluation_period_s": 15.0, "scale_down_stabilization_s": 0.0, "cold_start_s": 1.0}}});
    let low = |d: Value| Setup { b_extra: hpa.clone(), faults: json!([]), rate: 40.0, ..Setup::new(d) }.run();
    let server_r = low(server(5.0, 2));
    let client_r = low(client(10.0, 5.0, 2));
    let fresh_r = low(client(0.0, 5.0, 2));
    let replicas = &server_r.node("b").unwrap().resilience.as_ref().unwrap().replicas_mean;
    assert!(*replicas < 2.0, "the service did not scale down: {replicas}");
    // Server-side the load balancer knows at once; a fresh lookup per call too.
    assert_eq!((disc(&server_r).calls_to_dead, failed(&server_r)), (0, 0));
    assert_eq!((disc(&fresh_r).calls_to_dead, failed(&fresh_r)), (0, 0));
    // A list cached for 10 s still names the stopped replicas until it expires,
    // up to 10 s later: three calls in four are refused meanwhile (≤ 300).
    let d = disc(&client_r);
    assert!(d.calls_to_dead > 0 && d.calls_to_dead <= 330 && d.crashes == 0, "{d:?}");
    assert_eq!(failed(&client_r), d.calls_to_dead);
}

#[test]
fn without_crashes_server_side_discovery_routes_as_no_discovery_does() {
    let with = Setup { faults: json!([]), ..Setup::new(server(5.0, 2)) }.run();
    let mut d = Setup { faults: json!([]), ..Setup::new(server(5.0, 2)) }.design();
    d.nodes.iter_mut().for_each(|n| n.discovery = None);
    let without = run(&d, &RunOptions::default(), &RunControl::default()).unwrap();
    let json = |v: &Report| {
        [serde_json::to_string(&v.workloads), serde_json::to_string(&v.nodes), serde_json::to_string(&v.edges)]
            .map(Result::unwrap)
    };
    assert_eq!(json(&with), json(&without));
    assert!(without.discovery.is_empty());
    assert_eq!(disc(&with).calls, with.node("b").unwrap().visits);
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let mut hang = client(1.0, 5.0, 2);
    hang["dead_instance"] = json!("hang");
    hang["on_registry_failure"] = json!("fail");
    let setup = Setup {
        callers: 3,
        policy: Some(json!({"timeout_ms": 50.0, "retries": {"max_attempts": 2, "retry_on": ["timeout", "error"]}})),
        faults: json!([
            {"name": "b0 down", "target": "b", "start_s": 20.0, "end_s": 40.0, "fault": {"type": "outage", "replicas": 2}},
            {"name": "registry down", "target": "reg", "start_s": 30.0, "end_s": 35.0, "fault": {"type": "outage"}}
        ]),
        ..Setup::new(hang)
    };
    let a = setup.run();
    let b = setup.run();
    assert_eq!(a.to_json(), b.to_json());
    let d = disc(&a);
    assert!(d.calls_to_dead > 0 && d.lookup_failures > 0 && d.evictions == 2, "{d:?}");
    let other = Setup { seed: 99, ..setup }.run();
    assert_ne!(a.to_json(), other.to_json());
}

#[test]
fn the_sample_shows_client_side_errors_that_server_side_with_ejection_hides() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/service-discovery.json");
    let design = engine::model::format::load(&path).unwrap();
    let r = run(&design, &RunOptions::default(), &RunControl::default()).unwrap();
    let (a, b) = (
        r.discovery.iter().find(|d| d.id == "pricing-a").unwrap(),
        r.discovery.iter().find(|d| d.id == "pricing-b").unwrap(),
    );
    // Lane A: a quarter of ~150 calls/s for the eviction (~25 s) plus part of the 15 s TTL.
    let expected_low = 150.0 / 4.0 * a.mean_eviction_ms / 1000.0 * 0.8;
    let expected_high = 150.0 / 4.0 * (a.mean_eviction_ms / 1000.0 + 15.0) * 1.2;
    assert!((expected_low..=expected_high).contains(&(a.calls_to_dead as f64)), "{a:?}");
    // Lane B: outlier ejection after 5 refused calls.
    assert!(b.calls_to_dead <= 10, "{b:?}");
    // The registry outage is ridden out on the stale list.
    assert!(a.lookup_failures > 0 && a.stale_routed > 0 && a.lookup_failed_calls == 0, "{a:?}");
    // And the explanation says so in words.
    let words = engine::report_explain::explain(&r, Some(&design));
    assert!(
        words.findings.iter().any(|f| f.node.as_deref() == Some("pricing-a") && f.text.contains("still listed")),
        "{:?}",
        words.findings
    );
}
