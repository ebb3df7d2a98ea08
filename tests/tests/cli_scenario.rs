//! `simulate --scenario NAME` runs the design under one of its named scenarios.

#![allow(clippy::unwrap_used, clippy::expect_used)]

fn run(args: &[&str]) -> (u8, String) {
    let mut out = Vec::new();
    let mut argv: Vec<std::ffi::OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(Into::into));
    let code = switchboard::cli::run(argv, &mut out);
    (code, String::from_utf8(out).unwrap())
}

const DESIGN: &str = r#"{
  "version": 1,
  "name": "scenario test",
  "nodes": [
    { "id": "api", "name": "API", "capacity": { "workers": 64 },
      "service_time": { "type": "exponential", "mean_ms": 2 } }
  ],
  "workloads": [ { "name": "w", "entry": "api", "arrival": { "type": "open", "rate_per_s": 100 } } ],
  "scenarios": [ { "name": "peak", "rates": [ { "workload": "w", "rate_per_s": 400 } ] } ],
  "simulation": { "duration_s": 20, "warmup_s": 2, "seed": 3 }
}
"#;

fn arrived(json: &str) -> f64 {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["workloads"][0]["outcomes"]["arrived"]
        .as_f64()
        .or_else(|| v["workloads"][0]["arrived"].as_f64())
        .expect("arrived")
}

#[test]
fn a_scenario_changes_the_rates_and_an_unknown_one_is_a_usage_error() {
    let path = std::env::temp_dir().join(format!("switchboard-scenario-{}.json", std::process::id()));
    std::fs::write(&path, DESIGN).unwrap();
    let file = path.display().to_string();
    let (code, base) = run(&["simulate", &file, "--json", "-", "--quiet"]);
    assert_eq!(code, 0);
    let (code, peak) = run(&["simulate", &file, "--scenario", "peak", "--json", "-", "--quiet"]);
    assert_eq!(code, 0);
    let ratio = arrived(&peak) / arrived(&base);
    assert!((3.6..4.4).contains(&ratio), "peak should carry about 4× the requests, got {ratio}");
    let (code, _) = run(&["simulate", &file, "--scenario", "nope"]);
    assert_eq!(code, 2);
}
