//! The CLI's shared conventions: exit codes and `--json`, driven in-process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn run(args: &[&str]) -> (u8, String) {
    let mut out = Vec::new();
    let mut argv: Vec<std::ffi::OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(Into::into));
    let code = switchboard::cli::run(argv, &mut out);
    (code, String::from_utf8(out).unwrap())
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel).display().to_string()
}

#[test]
fn bad_files_exit_2() {
    for f in [
        "fixtures/bad/truncated.json",
        "fixtures/bad/junk.json",
        "fixtures/bad/alias-bomb.yaml",
        "fixtures/bad/deep.json",
    ] {
        let (code, _) = run(&["validate", &fixture(f)]);
        assert_eq!(code, 2, "{f}");
    }
    let (code, _) = run(&["validate", "/no/such/file.json"]);
    assert_eq!(code, 2);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(run(&["validate"]).0, 2);
    assert_eq!(run(&["frobnicate", "x"]).0, 2);
    let (code, help) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(help.contains("Exit codes"), "{help}");
}

#[test]
fn design_errors_exit_1_with_json() {
    let (code, out) = run(&["validate", &fixture("fixtures/bad/semantic.json"), "--json", "-"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["errors"].as_u64().unwrap() >= 2, "{out}");
    let paths: Vec<&str> = v["problems"].as_array().unwrap().iter().filter_map(|p| p["path"].as_str()).collect();
    assert!(paths.contains(&"nodes[a].service_time.mean_ms"), "{paths:?}");
    assert!(paths.contains(&"workloads[w].entry"), "{paths:?}");
}

#[test]
fn every_sample_validates_without_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let (code, out) = run(&["validate", &path.display().to_string()]);
            assert_eq!(code, 0, "{}:\n{out}", path.display());
            n += 1;
        }
    }
    assert!(n >= 5, "expected at least five samples, found {n}");
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let (code, out) = run(&["schema"]);
    assert_eq!(code, 0);
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/design.schema.json")).unwrap();
    assert_eq!(out, committed, "docs/design.schema.json is stale: run `cargo run -- schema > docs/design.schema.json`");
}
