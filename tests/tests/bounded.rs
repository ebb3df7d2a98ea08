//! Every input ends in bounded time and memory, with a clear message: large
//! graphs on a small stack, near-linear validation, flags held to the file's
//! limits, times that cannot overflow, degenerate distributions, and names
//! that cannot drive the terminal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use engine::Design;
use serde_json::json;

fn cli(args: &[&str]) -> (u8, String) {
    let mut out = Vec::new();
    let mut argv: Vec<std::ffi::OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(Into::into));
    let code = switchboard::cli::run(argv, &mut out);
    (code, String::from_utf8(out).unwrap())
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-bounded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A client calling a chain of `n` services, each calling the next.
fn chain(n: usize) -> Design {
    let mut nodes = vec![json!({"id": "c", "name": "Client", "kind": "client"})];
    let mut edges = vec![json!({"id": "e0", "from": "c", "to": "s0"})];
    for i in 0..n {
        nodes.push(json!({"id": format!("s{i}"), "name": format!("Service {i}"),
            "capacity": {"workers": 100, "concurrency": "async"},
            "service_time": {"type": "exponential", "mean_ms": 0.001}}));
        if i + 1 < n {
            edges.push(json!({"id": format!("e{}", i + 1), "from": format!("s{i}"), "to": format!("s{}", i + 1)}));
        }
    }
    let doc = json!({"version": 1, "name": "chain", "nodes": nodes, "edges": edges,
        "workloads": [{"name": "w", "entry": "c", "arrival": {"type": "open", "rate_per_s": 1.0}}],
        "simulation": {"duration_s": 2.0, "warmup_s": 0.0}});
    serde_json::from_value(doc).unwrap()
}

/// Run `f` on a thread with a 256 KiB stack, so that a deep recursion cannot
/// pass for a fix by borrowing the main thread's larger stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().name("small-stack".into()).stack_size(256 * 1024).spawn(f).unwrap().join().unwrap()
}

fn min_time(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn a_chain_of_100000_services_validates_estimates_exports_and_simulates_on_a_small_stack() {
    on_small_stack(|| {
        let design = chain(100_000);
        let problems = engine::validate::validate(&design);
        assert!(!engine::validate::has_errors(&problems), "{:?}", problems.first());
        let estimate = engine::capacity::estimate(&design);
        assert_eq!(estimate.nodes.len(), 100_001);
        for format in [
            engine::export::ExportFormat::Kubernetes,
            engine::export::ExportFormat::Dot,
            engine::export::ExportFormat::Mermaid,
            engine::export::ExportFormat::Compose,
        ] {
            let out = engine::export::export_with(&design, format, engine::export::ExportOptions::default()).unwrap();
            assert!(!out.text().is_empty());
        }
        let options = engine::sim::RunOptions { duration_s: Some(0.5), ..Default::default() };
        let report = engine::sim::run(&design, &options, &engine::sim::RunControl::new()).unwrap();
        assert!(report.conservation.holds);
    });
}

#[test]
fn a_ring_of_100000_synchronous_calls_is_refused_in_bounded_time_on_a_small_stack() {
    on_small_stack(|| {
        let mut design = chain(100_000);
        let mut back = design.edges[1].clone();
        back.id = "back".into();
        back.from = "s99999".into();
        back.to = "s0".into();
        design.edges.push(back);
        let problems = engine::validate::validate(&design);
        assert!(
            problems.iter().any(|p| p.message.contains("synchronous call cycle")),
            "{:?}",
            problems.iter().take(3).collect::<Vec<_>>()
        );
    });
}

#[test]
fn validation_and_the_estimate_grow_near_linearly() {
    let small = chain(1_000);
    let large = chain(100_000);
    let work = |d: &Design| {
        let _ = engine::validate::validate(d);
        let _ = engine::capacity::estimate(d);
    };
    let t_small = min_time(5, || work(&small));
    let t_large = min_time(1, || work(&large));
    // 100× the nodes: linear time is ~100× (a little more for the maps'
    // logarithm); the ceiling is ten times that. Quadratic work was 10,000×.
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-4);
    assert!(ratio < 1_500.0, "1,000 nodes {t_small:?}, 100,000 nodes {t_large:?}: {ratio:.0}×");
}

fn write(name: &str, doc: &serde_json::Value) -> String {
    let path = tmp(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

fn small_design() -> serde_json::Value {
    json!({"version": 1, "name": "small",
        "nodes": [{"id": "api", "name": "API", "capacity": {"workers": 4},
                   "service_time": {"type": "exponential", "mean_ms": 2.0}}],
        "workloads": [{"name": "web", "entry": "api", "arrival": {"type": "open", "rate_per_s": 100.0}}],
        "simulation": {"duration_s": 5.0, "warmup_s": 1.0}})
}

#[test]
fn a_closed_population_is_bounded_like_requests_in_flight() {
    let mut doc = small_design();
    doc["workloads"] = json!([{"name": "users", "entry": "api",
        "arrival": {"type": "closed", "users": 4_294_967_295_u64, "think_time": {"type": "constant", "value_ms": 1000.0}}}]);
    let file = write("users.json", &doc);
    let (code, _) = cli(&["validate", "--quiet", &file]);
    assert_eq!(code, 1);
    let design: Design = serde_json::from_value(doc).unwrap();
    let problems = engine::validate::validate(&design);
    let p = problems.iter().find(|p| p.path == "workloads[users].arrival.users").expect("users refused");
    assert!(p.message.contains("max_in_flight"), "{}", p.message);
}

#[test]
fn flags_are_held_to_the_limits_of_the_file_and_name_themselves() {
    let file = write("flags.json", &small_design());
    for (flags, named) in [
        (&["--duration", "1e12s"][..], "--duration"),
        (&["--duration", "400000s"][..], "--duration"),
        (&["--replications", "1001"][..], "--replications"),
        (&["--rate-scale", "1e7"][..], "--rate-scale"),
    ] {
        let mut args = vec!["simulate", &file, "--quiet"];
        args.extend_from_slice(flags);
        let started = Instant::now();
        let (code, out) = cli(&args);
        assert_eq!(code, 2, "{flags:?}: {out}");
        assert!(started.elapsed() < Duration::from_secs(20), "{flags:?} ran instead of being refused");
        let _ = named;
    }
    for bad in ["nan", "inf", "0", "-2", "1e300"] {
        let (code, _) = cli(&["simulate", &file, "--quiet", "--rate-scale", bad]);
        assert_eq!(code, 2, "--rate-scale {bad}");
    }
    for bad in ["nan", "0..2:3", "1..nan:3"] {
        let (code, _) = cli(&["sweep", &file, "--quiet", "--rate-scale", bad]);
        assert_eq!(code, 2, "sweep --rate-scale {bad}");
    }
    let (code, _) = cli(&["sweep", &file, "--quiet", "--rate-scale", "1..1e7:2"]);
    assert_eq!(code, 2, "a sweep past the rate limit");
}

#[test]
fn the_error_of_a_flag_names_the_flag() {
    let file = write("flag-named.json", &small_design());
    let design = engine::model::format::load(std::path::Path::new(&file)).unwrap();
    let args = |duration: Option<f64>, replications: Option<u32>| switchboard::cli::RunArgs {
        seed: None,
        duration,
        warmup: None,
        replications,
        threads: None,
        max_memory: None,
    };
    let err = args(Some(1e12), None).check_limits(&design, 1.0).unwrap_err().to_string();
    assert!(err.starts_with("--duration"), "{err}");
    let err = args(None, Some(1001)).check_limits(&design, 1.0).unwrap_err().to_string();
    assert!(err.starts_with("--replications 1001"), "{err}");
    let err = args(Some(10.0), None).check_limits(&design, 2e5).unwrap_err().to_string();
    assert!(err.starts_with("--rate-scale"), "{err}");
    assert!(args(Some(10.0), None).check_limits(&design, 2.0).is_ok());
}

#[test]
fn a_latency_fault_cannot_stretch_time_past_the_clock() {
    let mut doc = small_design();
    doc["faults"] = json!([{"name": "slow", "target": "api", "start_s": 1.0, "end_s": 3.0,
        "fault": {"type": "latency", "factor": 1e15}}]);
    let design: Design = serde_json::from_value(doc.clone()).unwrap();
    let problems = engine::validate::validate(&design);
    let p = problems.iter().find(|p| p.path == "faults[slow].fault.factor").expect("factor refused");
    assert!(p.message.contains("beyond a year"), "{}", p.message);
    // A large but representable factor runs, and no request finishes with an
    // impossible latency.
    doc["faults"][0]["fault"]["factor"] = json!(1e6);
    let design: Design = serde_json::from_value(doc).unwrap();
    assert!(!engine::validate::has_errors(&engine::validate::validate(&design)));
    let report =
        engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    let w = &report.workloads[0];
    assert!(w.latency_ms.p999.mean < 365.0 * 86_400_000.0, "{:?}", w.latency_ms.p999);
}

#[test]
fn stretched_tails_and_wild_gammas_are_refused_and_near_constant_gammas_run() {
    let mut doc = small_design();
    // A tail past the clock is allowed (such draws are held past the end of
    // the run), but a fault may not stretch it further.
    doc["nodes"][0]["service_time"] = json!({"type": "lognormal", "p50_ms": 0.001, "p99_ms": 1e10});
    doc["faults"] = json!([{"name": "slow", "target": "api", "start_s": 1.0, "end_s": 2.0,
        "fault": {"type": "latency", "factor": 2.0}}]);
    let design: Design = serde_json::from_value(doc.clone()).unwrap();
    let problems = engine::validate::validate(&design);
    assert!(problems.iter().any(|p| p.path == "faults[slow].fault.factor"), "{problems:?}");
    doc["faults"] = json!([]);
    doc["nodes"][0]["service_time"] = json!({"type": "gamma", "mean_ms": 1.0, "cv": 1e4});
    let design: Design = serde_json::from_value(doc.clone()).unwrap();
    assert!(engine::validate::has_errors(&engine::validate::validate(&design)));
    for cv in [1e-200, 1e-160, 1e-9] {
        doc["nodes"][0]["service_time"] = json!({"type": "gamma", "mean_ms": 4.0, "cv": cv});
        let design: Design = serde_json::from_value(doc.clone()).unwrap();
        assert!(!engine::validate::has_errors(&engine::validate::validate(&design)), "cv {cv}");
        let report =
            engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
        // 100 req/s × 4 ms on 4 workers: 10% busy, every request finished.
        let node = &report.nodes[0];
        assert!((node.utilization.mean - 0.1).abs() < 0.03, "cv {cv}: {:?}", node.utilization);
        assert!(report.workloads[0].outcomes.ok > 300, "cv {cv}");
    }
}

#[test]
fn names_cannot_drive_the_terminal() {
    let mut doc = small_design();
    doc["nodes"][0]["name"] = json!("API\u{1b}]0;pwned\u{7}\u{1b}[2J\nsecond line");
    doc["nodes"][0]["capacity"]["replicas"] = json!(0);
    let file = write("escapes.json", &doc);
    let (code, out) = cli(&["validate", &file]);
    assert_eq!(code, 1);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("\\u{1b}"), "{out}");
    doc["nodes"][0]["capacity"]["replicas"] = json!(1);
    let file = write("escapes-ok.json", &doc);
    let (code, out) = cli(&["simulate", &file, "--duration", "2s"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
}

#[test]
fn draws_longer_than_the_clock_holds_are_counted_and_reported() {
    let mut doc = small_design();
    // p50 1 ms, p99 10⁷ s: about one draw in 200 is longer than 3 years.
    doc["nodes"][0]["service_time"] = json!({"type": "lognormal", "p50_ms": 1.0, "p99_ms": 1e10});
    doc["nodes"][0]["capacity"] = json!({"workers": 100_000, "concurrency": "async"});
    doc["workloads"][0]["arrival"]["rate_per_s"] = json!(1000.0);
    doc["simulation"] = json!({"duration_s": 3.0, "warmup_s": 0.5});
    let design: Design = serde_json::from_value(doc).unwrap();
    assert!(!engine::validate::has_errors(&engine::validate::validate(&design)));
    let report =
        engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    let warning = report.warnings.iter().find(|w| w.contains("held there")).expect("clamped draws reported");
    let n: u64 = warning.split_whitespace().next().unwrap().parse().unwrap();
    assert!((3..=60).contains(&n), "{warning}");
    // A plain design reports none.
    let plain: Design = serde_json::from_value(small_design()).unwrap();
    let report =
        engine::sim::run(&plain, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    assert!(!report.warnings.iter().any(|w| w.contains("held there")));
}
