//! `simulate`, `sweep` and `compare` from the command line (in-process), and
//! the golden report that catches accidental changes to the numbers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn cli(args: &[&str]) -> (u8, String) {
    let mut out = Vec::new();
    let mut argv: Vec<std::ffi::OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(Into::into));
    let code = switchboard::cli::run(argv, &mut out);
    (code, String::from_utf8(out).unwrap())
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write_design(name: &str, rate_per_s: f64, slo_p99_ms: f64) -> PathBuf {
    let doc = serde_json::json!({
        "version": 1, "name": "cli test",
        "nodes": [
            {"id": "gw", "name": "Gateway", "kind": "gateway", "capacity": {"workers": 4},
             "service_time": {"type": "exponential", "mean_ms": 0.5}},
            {"id": "api", "name": "API", "capacity": {"workers": 2},
             "service_time": {"type": "gamma", "mean_ms": 2.0, "cv": 0.8}}
        ],
        "edges": [{"id": "gw-api", "from": "gw", "to": "api",
                   "network_latency": {"type": "uniform", "min_ms": 0.1, "max_ms": 0.3}}],
        "workloads": [{"name": "web", "entry": "gw", "arrival": {"type": "open", "rate_per_s": rate_per_s}}],
        "slos": [{"workload": "web", "latency": {"percentile": 99.0, "max_ms": slo_p99_ms}}],
        "simulation": {"duration_s": 20.0, "warmup_s": 2.0, "seed": 5}
    });
    let path = tmp(name);
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

#[test]
fn simulate_prints_a_summary_and_writes_json() {
    let design = write_design("ok.json", 400.0, 1000.0);
    let json = tmp("ok-report.json");
    let (code, out) = cli(&[
        "simulate",
        design.to_str().unwrap(),
        "--duration",
        "10s",
        "--warmup",
        "1s",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("web") && out.contains("busiest nodes") && out.contains("→ PASS"), "{out}");
    let report = engine::sim::Report::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!((report.settings.duration_s - 10.0).abs() < 1e-9);
    let (code, stdout_json) = cli(&["simulate", design.to_str().unwrap(), "--json", "-", "--seed", "8"]);
    assert_eq!(code, 0);
    assert_eq!(engine::sim::Report::from_json(&stdout_json).unwrap().settings.seed, 8);
}

#[test]
fn exit_codes_for_slo_instability_and_bad_designs() {
    let strict = write_design("strict.json", 400.0, 0.5);
    assert_eq!(cli(&["simulate", strict.to_str().unwrap(), "--quiet"]).0, 3);
    let overload = write_design("overload.json", 400.0, 1000.0);
    assert_eq!(cli(&["simulate", overload.to_str().unwrap(), "--quiet", "--rate-scale", "3"]).0, 4);
    let bad = tmp("bad.json");
    std::fs::write(&bad, r#"{"version": 1, "name": "x", "workloads": [{"name": "w", "entry": "nope", "arrival": {"type": "open", "rate_per_s": 1}}]}"#).unwrap();
    assert_eq!(cli(&["simulate", bad.to_str().unwrap(), "--quiet"]).0, 1);
    assert_eq!(cli(&["simulate", "/no/such/design.json"]).0, 2);
    assert_eq!(cli(&["simulate", overload.to_str().unwrap(), "--duration", "soon"]).0, 2);
}

#[test]
fn sweep_prints_one_line_per_point() {
    let design = write_design("sweep.json", 300.0, 1000.0);
    let (code, out) =
        cli(&["sweep", design.to_str().unwrap(), "--rate-scale", "0.5..1.5:3", "--duration", "8s", "--warmup", "1s"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 4, "{out}");
    let (code, json) = cli(&[
        "sweep",
        design.to_str().unwrap(),
        "--replicas",
        "api=1..3",
        "--duration",
        "8s",
        "--warmup",
        "1s",
        "--json",
        "-",
    ]);
    assert_eq!(code, 0);
    let points: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(points.len(), 3);
    let p99 = |i: usize| points[i]["p99_ms"].as_f64().unwrap();
    assert!(p99(0) > p99(2), "more replicas, lower tail: {json}");
}

#[test]
fn compare_gates_ci() {
    let design = write_design("cmp.json", 300.0, 1000.0);
    let (a, b) = (tmp("a.json"), tmp("b.json"));
    assert_eq!(cli(&["simulate", design.to_str().unwrap(), "--quiet", "--json", a.to_str().unwrap()]).0, 0);
    assert_eq!(
        cli(&["simulate", design.to_str().unwrap(), "--quiet", "--rate-scale", "2.5", "--json", b.to_str().unwrap()]).0,
        0
    );
    let (code, out) = cli(&["compare", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("p99"), "{out}");
    // Every compared figure carries its unit.
    assert!(out.contains(" ms ") && out.contains(" % ") && out.contains(" req/s "), "{out}");
    assert_eq!(cli(&["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--fail-on", "p99:+10%"]).0, 3);
    assert_eq!(cli(&["compare", a.to_str().unwrap(), a.to_str().unwrap(), "--fail-on", "p99:+10%,errors:+1pp"]).0, 0);
    assert_eq!(cli(&["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--fail-on", "p98:+1%"]).0, 2);
}

#[test]
fn golden_report() {
    // A small design exercising stations, calls, branches, a broker and a
    // signal. Any change to the random streams, the event order or the
    // statistics changes this file: regenerate it deliberately with
    // UPDATE_GOLDEN=1 and review the diff.
    let doc = serde_json::json!({
        "version": 1, "name": "golden",
        "nodes": [
            {"id": "gw", "name": "Gateway", "kind": "gateway", "capacity": {"workers": 2, "replicas": 2, "load_balancer": "least_outstanding"},
             "service_time": {"type": "lognormal", "p50_ms": 0.4, "p99_ms": 2.0}},
            {"id": "svc", "name": "Service", "capacity": {"workers": 2, "queue_capacity": 20},
             "service_time": {"type": "gamma", "mean_ms": 3.0, "cv": 0.7}, "error_probability": 0.01},
            {"id": "rx", "name": "Receiver", "kind": "receiver", "host": "svc", "service_time": {"type": "constant", "value_ms": 0.2}},
            {"id": "db", "name": "DB", "kind": "database", "capacity": {"workers": 4},
             "service_time": {"type": "empirical", "samples_ms": [0.5, 0.7, 1.1, 2.5]}},
            {"id": "q", "name": "Queue", "kind": "broker", "service_time": {"type": "constant", "value_ms": 0.05}},
            {"id": "worker", "name": "Worker", "capacity": {"workers": 1}, "service_time": {"type": "exponential", "mean_ms": 4.0}}
        ],
        "edges": [
            {"id": "gw-svc", "from": "gw", "to": "svc", "network_latency": {"type": "constant", "value_ms": 0.2}},
            {"id": "svc-db", "from": "svc", "to": "db", "branch": {"group": "b", "weight": 2.0}},
            {"id": "svc-db2", "from": "svc", "to": "db", "branch": {"group": "b", "weight": 1.0}, "calls_per_request": 2},
            {"id": "svc-rx", "from": "svc", "to": "rx", "kind": "signal", "order": 1},
            {"id": "rx-q", "from": "rx", "to": "q", "kind": "event", "probability": 0.5},
            {"id": "q-worker", "from": "q", "to": "worker", "kind": "subscription"}
        ],
        "workloads": [{"name": "web", "entry": "gw", "arrival": {"type": "open", "rate_per_s": 300.0}}],
        "slos": [{"workload": "web", "latency": {"percentile": 99.0, "max_ms": 50.0}, "max_error_rate": 0.05}],
        "simulation": {"duration_s": 6.0, "warmup_s": 1.0, "seed": 42, "window_s": 1.0}
    });
    let design: engine::Design = serde_json::from_value(doc).unwrap();
    let report =
        engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::default()).unwrap();
    let json = report.to_json();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sim_golden/small.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &json).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert!(json == expected, "the report differs from {} (UPDATE_GOLDEN=1 to accept)", golden.display());
    assert!(report.conservation.holds);
    assert!(report.broker("q").unwrap().delivered > 0);
}

#[test]
fn a_duration_not_longer_than_the_warm_up_is_a_usage_error() {
    let design = write_design("window.json", 50.0, 100.0);
    let file = design.to_str().unwrap();
    // The design's own warm-up is 2 s.
    let (code, out) = cli(&["simulate", file, "--duration", "500ms"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty(), "nothing runs: {out}");
    let (code, _) = cli(&["simulate", file, "--warmup", "5s", "--duration", "2s"]);
    assert_eq!(code, 2);
    let (code, _) = cli(&["sweep", file, "--rate-scale", "1", "--duration", "1s"]);
    assert_eq!(code, 2);
    let (code, _) = cli(&["simulate", file, "--warmup", "0s", "--duration", "2s", "--quiet"]);
    assert_eq!(code, 0);
}

#[test]
fn a_refused_sweep_prints_no_table() {
    let bad = tmp("bad-sweep.json");
    let text = std::fs::read_to_string(write_design("ok-sweep.json", 100.0, 1000.0)).unwrap();
    std::fs::write(&bad, text.replace("\"workers\": 2", "\"workers\": 0")).unwrap();
    let (code, out) =
        cli(&["sweep", bad.to_str().unwrap(), "--rate-scale", "0.5..1:2", "--duration", "2s", "--warmup", "1s"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.is_empty(), "only the problems (on stderr), no table header: {out:?}");
}
