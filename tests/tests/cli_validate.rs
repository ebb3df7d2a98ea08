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
    // Each problem says where it is in the file: the bad entry is the "zz".
    let text = std::fs::read_to_string(fixture("fixtures/bad/semantic.json")).unwrap();
    let entry = v["problems"].as_array().unwrap().iter().find(|p| p["path"] == "workloads[w].entry").unwrap();
    assert_eq!(entry["line"], 1);
    assert_eq!(entry["column"].as_u64().unwrap() as usize, text.find("\"zz\"").unwrap() + 1);
}

#[test]
fn problems_in_yaml_name_their_line_in_the_text_output() {
    let dir = std::env::temp_dir().join("switchboard-cli-validate-lines");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.yaml");
    let yaml = "version: 1\nname: bad\nnodes:\n  - id: web\n    name: Web\n    capacity:\n      replicas: 0\n";
    std::fs::write(&path, yaml).unwrap();
    let file = path.to_str().unwrap();
    let (code, out) = run(&["validate", file]);
    assert_eq!(code, 1);
    // The node is named as the user sees it, after its id.
    let line = format!("{file}:7:17: error: nodes[web] (\"Web\").capacity.replicas: must be at least 1");
    assert!(out.contains(&line), "{out}");
    // The simulator's refusal is the same problem, printed the same way.
    let (code, _) = run(&["simulate", file]);
    assert_eq!(code, 1);
    let design = engine::model::format::load(&path).unwrap();
    let options = engine::sim::RunOptions::default();
    let Err(engine::sim::SimError::InvalidDesign(problems)) =
        engine::sim::run(&design, &options, &engine::sim::RunControl::new())
    else {
        panic!("the simulator ran a design with an error")
    };
    let refusal = switchboard::cli::Places::of(&path).with_names(&design).refusal(&problems);
    assert_eq!(refusal.first(), Some(&line), "{refusal:?}");
    assert!(refusal.iter().all(|l| l.starts_with(file) && l.contains(": error: ")), "{refusal:?}");
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

#[test]
fn fmt_rewrites_in_canonical_form_converts_and_checks() {
    let dir = std::env::temp_dir().join(format!("switchboard-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.json");
    // Keys out of order, defaults missing, compact: valid but not canonical.
    std::fs::write(
        &messy,
        r#"{"nodes":[{"name":"Orders","id":"orders"}],"version":1,"name":"x","workloads":[{"name":"w","entry":"orders","arrival":{"type":"open","rate_per_s":5}}]}"#,
    )
    .unwrap();
    let p = messy.display().to_string();
    let (code, out) = run(&["fmt", "--check", &p]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not in canonical form"), "{out}");
    assert_eq!(run(&["fmt", &p]).0, 0);
    assert_eq!(run(&["fmt", "--check", &p]).0, 0);
    let text = std::fs::read_to_string(&messy).unwrap();
    assert!(text.starts_with("{\n  \"version\": 1,"), "{text}");
    // To YAML and back gives the same canonical JSON.
    let yaml = dir.join("d.yaml").display().to_string();
    assert_eq!(run(&["fmt", &p, "--output", &yaml]).0, 0);
    assert!(std::fs::read_to_string(&yaml).unwrap().contains("version: 1"));
    let back = dir.join("back.json").display().to_string();
    assert_eq!(run(&["fmt", &yaml, "-o", &back]).0, 0);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), text);
    // A broken file is a usage error naming the file, and is left alone.
    std::fs::write(dir.join("bad.json"), "{\"version\": 1,").unwrap();
    let bad = dir.join("bad.json").display().to_string();
    assert_eq!(run(&["fmt", &bad]).0, 2);
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), "{\"version\": 1,");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn fmt_and_export_outputs_write_through_links_and_keep_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("switchboard-outlinks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sample = fixture("../samples/ecommerce-checkout.json");
    for (name, args) in
        [("fmt", vec!["fmt", sample.as_str()]), ("export", vec!["export", sample.as_str(), "--format", "dot"])]
    {
        let target = dir.join(format!("{name}-target.out"));
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.join(format!("{name}-link.out"));
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let link_s = link.display().to_string();
        let mut args = args.clone();
        args.extend(["-o", link_s.as_str()]);
        let (code, out) = run(&args);
        assert_eq!(code, 0, "{name}: {out}");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "{name}: the link stays");
        let written = std::fs::read_to_string(&target).unwrap();
        assert!(written.len() > 100 && written != "old", "{name}: the target was written");
        assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o7777, 0o600, "{name}: 0600 kept");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_newline_in_a_name_never_breaks_a_cli_table() {
    let dir = std::env::temp_dir().join(format!("switchboard-cli-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let design = dir.join("names.json");
    std::fs::write(
        &design,
        r#"{"version":1,"name":"x","nodes":[{"id":"api","name":"api","service_time":{"type":"exponential","mean_ms":5}}],
           "workloads":[{"name":"two\nlines","entry":"api","arrival":{"type":"open","rate_per_s":20}}],
           "simulation":{"duration_s":3,"warmup_s":1}}"#,
    )
    .unwrap();
    let (code, out) = run(&["simulate", &design.display().to_string()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("two\\nlines"), "{out}");
    assert!(!out.lines().any(|l| l.trim_start().starts_with("lines")), "no row split in two: {out}");
    let _ = std::fs::remove_dir_all(&dir);
}
