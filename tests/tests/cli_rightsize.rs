//! `headroom` and `tune` from the command line: their output, `--json`,
//! `--quiet` and exit codes, driven in-process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

fn run(args: &[&str]) -> (u8, String) {
    let mut out = Vec::new();
    let mut argv: Vec<std::ffi::OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(Into::into));
    let code = switchboard::cli::run(argv, &mut out);
    (code, String::from_utf8(out).unwrap())
}

/// One M/M/1 node (1 ms) at `rate_per_s` with a p99 SLO of 20 ms, written to a temporary file.
fn mm1_file(rate_per_s: f64, slos: bool) -> String {
    let slos =
        if slos { r#", "slos": [{"workload": "w", "latency": {"percentile": 99.0, "max_ms": 20.0}}]"# } else { "" };
    let text = format!(
        r#"{{"version": 1, "name": "mm1",
        "nodes": [{{"id": "s", "name": "S", "service_time": {{"type": "exponential", "mean_ms": 1.0}}}}],
        "workloads": [{{"name": "w", "entry": "s", "arrival": {{"type": "open", "rate_per_s": {rate_per_s}}}}}]{slos},
        "simulation": {{"duration_s": 20.0, "warmup_s": 2.0, "replications": 3}}}}"#
    );
    let dir = std::env::temp_dir().join(format!("switchboard-rightsize-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("mm1-{rate_per_s}-{}.json", u8::from(!slos.is_empty())));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn headroom_prints_the_scale_writes_json_and_gates_with_exit_3() {
    let f = mm1_file(500.0, true);
    let (code, text) = run(&["headroom", &f]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Headroom: every SLO passes up to ×1."), "{text}");
    assert!(text.contains("Saturates first: S"), "{text}");
    assert!(text.contains("Capacity estimate: S reaches 100% busy at ×2"), "{text}");
    let (code, json) = run(&["headroom", &f, "--quiet", "--json", "-"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The exact answer (×1.54, see the engine's test) lies in the interval.
    let (lo, hi) = (v["scale"].as_f64().unwrap(), v["fails_from"].as_f64().unwrap());
    assert!(lo <= 1.54 * 1.02 && 1.54 <= hi * 1.02, "[{lo}, {hi}]");
    // A gate above the headroom fails the run.
    assert_eq!(run(&["headroom", &f, "--quiet", "--min", "2"]).0, 3);
    // Overloaded at its own load (900/s against a p99 of 20 ms needs ≤ 770/s).
    let over = mm1_file(900.0, true);
    assert_eq!(run(&["headroom", &over, "--quiet"]).0, 3);
}

#[test]
fn headroom_refuses_a_design_without_slos_and_bad_flags() {
    let f = mm1_file(500.0, false);
    assert_eq!(run(&["headroom", &f, "--quiet"]).0, 1);
    let g = mm1_file(500.0, true);
    assert_eq!(run(&["headroom", &g, "--tolerance", "0"]).0, 2);
    assert_eq!(run(&["headroom", "/no/such.json"]).0, 2);
}

#[test]
fn tune_writes_the_tuned_design_and_refuses_a_design_without_slos() {
    // 1500 req/s on 1-ms servers need at least 2 replicas (ρ < 1), and the
    // p99 ≤ 20 ms target of M/M/1 queues behind round robin needs no more
    // than 3; the floor is 1 here so the estimate's bound shows.
    let f = mm1_file(1500.0, true);
    let tuned = std::env::temp_dir().join(format!("switchboard-rightsize-tuned-{}.json", std::process::id()));
    let (code, text) = run(&["tune", &f, "--replica-floor", "1", "-o", tuned.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Every SLO passes"), "{text}");
    let d = engine::model::format::load(&tuned).unwrap();
    assert!((2..=3).contains(&d.nodes[0].capacity.replicas), "{}", d.nodes[0].capacity.replicas);
    let (code, json) = run(&["tune", &f, "--quiet", "--json", "-"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["passed"], serde_json::Value::Bool(true));
    assert_eq!(run(&["tune", &mm1_file(500.0, false), "--quiet"]).0, 1);
    assert_eq!(run(&["tune", &f, "--nodes", "nope"]).0, 2);
}

/// Write `text` to a temporary design file named `name`.
fn design_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("switchboard-rightsize-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// One async node of 1-ms exponential servers (workers at 100 millicores
/// each when `per_worker`), 2000 req/s, p99 ≤ 5.4 ms, and a scenario at 1.5×.
fn workers_file(per_worker: bool) -> String {
    let cost = if per_worker { r#", "cost": {"cpu_millicores_per_worker": 100}"# } else { "" };
    let text = format!(
        r#"{{"version": 1, "name": "mmc",
        "nodes": [{{"id": "s", "name": "S", "capacity": {{"workers": 1, "concurrency": "async"}},
                    "service_time": {{"type": "exponential", "mean_ms": 1.0}},
                    "deployment": {{"cpu_millicores": 100, "memory_mib": 128}}{cost}}}],
        "workloads": [{{"name": "w", "entry": "s", "arrival": {{"type": "open", "rate_per_s": 2000.0}}}}],
        "slos": [{{"workload": "w", "latency": {{"percentile": 99.0, "max_ms": 5.4}}}}],
        "scenarios": [{{"name": "peak", "rate_scale": 1.5}}],
        "simulation": {{"duration_s": 4.0, "warmup_s": 1.0, "replications": 3}}}}"#
    );
    design_file(&format!("workers-{per_worker}.json"), &text)
}

#[test]
fn tune_varies_workers_under_every_named_scenario_and_says_why_each_step_was_taken() {
    let f = workers_file(true);
    // M/M/c at 1.5 × 2000 req/s (λ = 3, μ = 1 per ms, the engine's exact
    // tests): p99 6.01 ms with 4 workers, 4.82 with 5, the 5.4-ms target
    // ≥ 10 % from both: holding "peak" needs 5.
    let (code, text) = run(&["tune", &f, "--vary", "workers", "--replica-floor", "1", "--scenario", "peak"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Scenario peak:"), "{text}");
    assert!(text.contains("Steps (each after a failing candidate"), "{text}");
    assert!(text.contains("one more worker per replica"), "{text}");
    let (code, json) =
        run(&["tune", &f, "--vary", "workers", "--replica-floor", "1", "--scenario", "peak", "--quiet", "--json", "-"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["changes"][0]["workers_after"], 5, "{json}");
    assert_eq!(v["scenarios"][0]["scenario"], "peak");
    assert!(v["steps"].as_array().is_some_and(|s| !s.is_empty() && s.iter().all(|s| s["knob"] == "workers")), "{json}");
}

#[test]
fn tune_refuses_workers_without_a_per_worker_cpu_an_unknown_scenario_and_an_unknown_knob() {
    let (code, text) = run(&["tune", &workers_file(false), "--vary", "replicas,workers"]);
    assert_eq!(code, 1, "{text}");
    let f = workers_file(true);
    assert_eq!(run(&["tune", &f, "--scenario", "peak", "--scenario", "nope"]).0, 2);
    assert_eq!(run(&["tune", &f, "--vary", "cpu"]).0, 2);
    assert_eq!(run(&["headroom", &f, "--scenario", "nope"]).0, 2);
}

#[test]
fn tune_prints_resilience_hints_from_its_runs_and_writes_them_in_the_json() {
    // A caller with a 2-ms per-try timeout and three attempts without a
    // budget or backoff in front of a 1-ms server loaded to 80 %.
    let text = r#"{"version": 1, "name": "hints",
        "nodes": [{"id": "a", "name": "A", "capacity": {"workers": 64, "concurrency": "async"},
                   "service_time": {"type": "constant", "value_ms": 0.01}},
                  {"id": "b", "name": "B", "service_time": {"type": "exponential", "mean_ms": 1.0}}],
        "edges": [{"id": "ab", "from": "a", "to": "b", "kind": "call",
                   "policy": {"per_try_timeout_ms": 2.0, "retries": {"max_attempts": 3}}}],
        "workloads": [{"name": "w", "entry": "a", "arrival": {"type": "open", "rate_per_s": 800.0}}],
        "slos": [{"workload": "w", "latency": {"percentile": 50.0, "max_ms": 100.0}}],
        "simulation": {"duration_s": 4.0, "warmup_s": 1.0, "replications": 2}}"#;
    let f = design_file("hints.json", text);
    let (_, out) = run(&["tune", &f, "--nodes", "b", "--max-runs", "3"]);
    assert!(out.contains("Resilience hints (from the same runs; none applied):"), "{out}");
    assert!(out.contains("A → B: the timeout (2.00 ms) is shorter than B's p99.9 under load"), "{out}");
    let (_, json) = run(&["tune", &f, "--nodes", "b", "--max-runs", "3", "--quiet", "--json", "-"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["hints"][0]["kind"], "timeout_below_p999", "{json}");
    assert!(v["hints"][0]["figures"]["callee_p999_ms"].as_f64().unwrap() > 2.0);
}
