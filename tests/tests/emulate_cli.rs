//! `emulate` from the command line (in-process, loopback only, a few seconds
//! each): the port table and measured figures, the JSON that `compare`
//! reads, the `--max-error` gate's exit code, and a clear refusal of what is
//! not emulated yet.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn cli(args: &[&str]) -> (u8, String) {
    let mut out = Vec::new();
    let mut argv: Vec<std::ffi::OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(Into::into));
    let code = switchboard::cli::run(argv, &mut out);
    (code, String::from_utf8(out).unwrap())
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/emulate").join(name).to_str().unwrap().to_owned()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-emulate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn emulate_compares_with_the_simulation_and_gates_on_the_difference() {
    let json = tmp("errors.json");
    let (code, out) = cli(&[
        "emulate",
        &fixture("errors.json"),
        "--time-scale",
        "1",
        "--duration",
        "2s",
        "--warmup",
        "0.5s",
        "--compare",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("http://127.0.0.1:") && out.contains("/metrics"), "the port table: {out}");
    assert!(out.contains("simulated ± 95% CI") && out.contains("errors"), "{out}");

    // The JSON is a report `compare` reads, with the simulation beside it.
    let text = std::fs::read_to_string(&json).unwrap();
    let measured = engine::sim::Report::from_json(&text).unwrap();
    let w = measured.workload("calls").unwrap();
    assert!(w.arrived > 300, "{w:?}");
    assert_eq!(w.arrived, w.outcomes.total(), "{w:?}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(doc["simulated"]["workloads"][0]["arrived"].as_u64().unwrap() > 300);
    // Nodes and edges are measured too, and compared figure by figure.
    assert_eq!(measured.nodes.len(), 2);
    assert_eq!(measured.edge("front-backend").map(|e| e.kind.as_str()), Some("call"));
    let rows = doc["comparison_rows"].as_array().unwrap();
    for (scope, id) in [("workload", "calls"), ("node", "front"), ("node", "backend"), ("edge", "front-backend")] {
        let of = |m: &str| rows.iter().find(|r| r["scope"] == scope && r["id"] == id && r["metric"] == m);
        for m in ["throughput", "mean", "p50", "p99", "errors"] {
            assert!(of(m).is_some_and(|r| r["measured"].is_number() && r["simulated"].is_number()), "{scope} {id} {m}");
        }
    }
    assert!(out.contains("edge      front-backend"), "{out}");
    // The load generator's HDR-style ladder, as `loadgen` prints it.
    assert!(out.contains("latency ms") && out.contains("p99.99") && out.contains("max"), "{out}");
    assert!(doc["emulation"]["time_scale"].as_f64() == Some(1.0));
    let sim = tmp("sim.json");
    std::fs::write(&sim, serde_json::to_string(&doc["simulated"]).unwrap()).unwrap();
    let (code, out) = cli(&["compare", sim.to_str().unwrap(), json.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("calls") && out.contains("errors"), "{out}");

    // A limit no run can meet: exit 3, naming the figure.
    let (code, out) = cli(&[
        "emulate",
        &fixture("errors.json"),
        "--time-scale",
        "1",
        "--duration",
        "1.5s",
        "--warmup",
        "0.5s",
        "--max-error",
        "mean:0.0001%",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("FAIL calls mean"), "{out}");
}

#[test]
fn what_is_not_emulated_is_refused_with_its_place() {
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("errors.json")).unwrap()).unwrap();
    doc["nodes"][1]["policies"] = serde_json::json!({"autoscaling":
        {"min_replicas": 1, "max_replicas": 4, "target_utilization": 0.6, "cold_start_s": 5.0}});
    // Autoscaling runs, but not of a node found through service discovery.
    doc["nodes"][1]["discovery"] = serde_json::to_value(engine::model::Discovery::default()).unwrap();
    let path = tmp("autoscaling.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let (code, _) = cli(&["emulate", path.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 2);
    // The message itself goes to stderr; the emulator's own list says what it names.
    let design = engine::model::format::load(&path).unwrap();
    assert_eq!(
        emulator::not_emulated(&design),
        vec![
            "nodes[backend].policies.autoscaling: autoscaling of a node found through service discovery or of a signal receiver is not emulated yet"
        ]
    );
}
