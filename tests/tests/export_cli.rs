//! `switchboard export`: stdout, `-o`, `--split`, `--json`, and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::ffi::OsString;
use std::path::Path;

use switchboard::cli::{exit, run};

fn cli(args: &[&str]) -> (u8, String) {
    let mut argv: Vec<OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(OsString::from));
    let mut out = Vec::new();
    let code = run(argv, &mut out);
    (code, String::from_utf8(out).unwrap())
}

fn design_path() -> String {
    export_support::root().join("tools/validators/designs/policies.json").display().to_string()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = export_support::root().join("target/test-exports").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn exports_to_stdout_in_every_format() {
    for format in ["compose", "k8s", "istio", "asyncapi", "dot", "mermaid"] {
        let (code, text) = cli(&["export", &design_path(), "--format", format, "--quiet"]);
        assert_eq!(code, exit::OK, "{format}");
        let expected = engine::export::export(
            &engine::model::format::load(Path::new(&design_path())).unwrap(),
            format.parse().unwrap(),
        )
        .unwrap()
        .text();
        assert_eq!(text, expected, "{format}");
    }
}

#[test]
fn writes_files_split_folders_and_a_json_report() {
    let dir = temp_dir("cli");
    let out = dir.join("compose.yaml");
    let json = dir.join("report.json");
    let (code, _) = cli(&[
        "export",
        &design_path(),
        "--format",
        "compose",
        "-o",
        out.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, exit::OK);
    assert!(std::fs::read_to_string(&out).unwrap().contains("services:"));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["format"], "compose");
    let notes = report["report"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["kind"] == "placeholder" && n["subject"] == "Payments"), "{notes:?}");

    let split = dir.join("k8s");
    let (code, _) = cli(&["export", &design_path(), "--format", "k8s", "--split", split.to_str().unwrap(), "-q"]);
    assert_eq!(code, exit::OK);
    let kustomization = std::fs::read_to_string(split.join("kustomization.yaml")).unwrap();
    let listed: Vec<String> =
        kustomization.lines().filter_map(|l| l.trim().strip_prefix("- ")).map(str::to_owned).collect();
    assert!(listed.len() > 10);
    for file in &listed {
        assert!(split.join(file).is_file(), "{file} listed but not written");
    }
    let written = std::fs::read_dir(&split).unwrap().count();
    assert_eq!(written, listed.len() + 1, "every object file is listed");
}

#[test]
fn bad_input_exits_with_the_usage_code() {
    let (code, _) = cli(&["export", "/nonexistent/design.json", "--format", "compose"]);
    assert_eq!(code, exit::USAGE);
    let (code, _) = cli(&["export", &design_path(), "--format", "helm"]);
    assert_eq!(code, exit::USAGE);
    let (code, _) = cli(&["export", &design_path(), "--format", "dot", "--split", "x"]);
    assert_eq!(code, exit::USAGE, "--split is for k8s only");
    let (code, _) = cli(&["export", &design_path(), "--format", "istio", "--mesh", "istio"]);
    assert_eq!(code, exit::USAGE, "--mesh is for k8s only");
    let (code, _) = cli(&["export", &design_path(), "--format", "k8s", "--mesh", "linkerd"]);
    assert_eq!(code, exit::USAGE, "an unknown mesh");
    let (code, text) = cli(&["export", &design_path(), "--format", "k8s", "--mesh", "istio", "-q"]);
    assert_eq!(code, exit::OK);
    assert!(text.contains("sidecar.istio.io/inject") && text.contains("port: 15012"), "the mesh's NetworkPolicies");
    let dir = temp_dir("empty");
    let empty = dir.join("empty.json");
    std::fs::write(&empty, r#"{"version": 1, "name": "empty", "nodes": [{"id": "c", "name": "c", "kind": "client"}]}"#)
        .unwrap();
    let (code, _) = cli(&["export", empty.to_str().unwrap(), "--format", "compose"]);
    assert_eq!(code, exit::USAGE, "nothing deployable");
    let (code, text) = cli(&["export", empty.to_str().unwrap(), "--format", "mermaid", "-q"]);
    assert_eq!(code, exit::OK, "diagrams need nothing deployable");
    assert!(text.starts_with("flowchart"));
}

#[test]
fn a_design_with_errors_exports_nothing_unless_forced() {
    let dir = temp_dir("invalid");
    let path = dir.join("invalid.json");
    let out = dir.join("compose.yaml");
    // The second edge goes to a node that does not exist.
    std::fs::write(
        &path,
        r#"{"version": 1, "name": "invalid", "nodes": [
            {"id": "web", "name": "web", "kind": "service"},
            {"id": "db", "name": "db", "kind": "database"}],
          "edges": [
            {"id": "web-db", "from": "web", "to": "db", "kind": "call"},
            {"id": "web-cache", "from": "web", "to": "cache", "kind": "call"}]}"#,
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let (code, text) = cli(&["export", file, "--format", "compose", "-o", out.to_str().unwrap()]);
    assert_eq!(code, exit::DESIGN_ERRORS);
    assert!(text.is_empty());
    assert!(!out.exists(), "nothing is written for an invalid design");
    let (code, text) = cli(&["export", file, "--format", "compose", "--force", "-q"]);
    assert_eq!(code, exit::DESIGN_ERRORS, "forced, it still says the design has errors");
    assert!(text.contains("web:"), "{text}");
}

#[test]
fn mermaid_collapses_groups_on_request_and_only_for_mermaid() {
    let sample = export_support::root().join("samples/ecommerce-checkout.json").display().to_string();
    let (code, text) = cli(&["export", &sample, "--format", "mermaid", "--collapse-groups", "-q"]);
    assert_eq!(code, exit::OK);
    assert!(text.contains("group of") && !text.contains("subgraph"), "{text}");
    let (code, _) = cli(&["export", &sample, "--format", "k8s", "--collapse-groups", "-q"]);
    assert_eq!(code, exit::USAGE, "--collapse-groups is a Mermaid option");
}
