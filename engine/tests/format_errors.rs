//! Every kind of bad design file gets a clear error naming the place, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use engine::model::format::{self, Format};

const GOOD: &str = r#"{
  "version": 1,
  "name": "tiny",
  "nodes": [
    { "id": "api", "name": "API", "capacity": { "replicas": 2, "workers": 4 },
      "service_time": { "type": "lognormal", "p50_ms": 5, "p99_ms": 40 } },
    { "id": "db", "name": "DB", "kind": "database",
      "service_time": { "type": "gamma", "mean_ms": 2, "cv": 0.8 } }
  ],
  "edges": [ { "id": "e1", "from": "api", "to": "db" } ],
  "workloads": [ { "name": "browse", "entry": "api", "arrival": { "type": "open", "rate_per_s": 50 } } ]
}
"#;

fn err(text: &str, fmt: Format) -> String {
    format::from_str(text, fmt, "design.json").expect_err("must fail").to_string()
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-format-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn good_file_parses_and_saves_canonically() {
    let d = format::from_str(GOOD, Format::Json, "x").unwrap();
    assert_eq!(d.nodes.len(), 2);
    let once = format::to_json(&d);
    let again = format::to_json(&format::from_str(&once, Format::Json, "x").unwrap());
    assert_eq!(once, again, "a save without edits must be byte-identical");
}

#[test]
fn yaml_round_trip() {
    let d = format::from_str(GOOD, Format::Json, "x").unwrap();
    let yaml = format::to_yaml(&d).unwrap();
    let back = format::from_str(&yaml, Format::Yaml, "x.yaml").unwrap();
    assert_eq!(d, back);
}

#[test]
fn truncated_json_names_line_and_column() {
    let cut = &GOOD[..GOOD.len() / 2];
    let e = err(cut, Format::Json);
    assert!(e.starts_with("design.json:"), "{e}");
    assert!(e.contains("EOF"), "{e}");
    let line = e.split(':').nth(1).unwrap();
    assert!(line.parse::<usize>().is_ok(), "no line number in {e}");
}

#[test]
fn wrong_type_names_the_field_path() {
    let bad = GOOD.replace(r#""replicas": 2"#, r#""replicas": "two""#);
    let e = err(&bad, Format::Json);
    assert!(e.contains(r#"nodes[0] ("api").capacity.replicas"#), "{e}");
    assert!(e.contains("invalid type"), "{e}");
    assert!(e.contains(":5:"), "line of the bad value expected in {e}");
}

#[test]
fn unknown_field_is_rejected_with_its_path() {
    let bad = GOOD.replace(r#""workers": 4"#, r#""workers": 4, "wrokers": 5"#);
    let e = err(&bad, Format::Json);
    assert!(e.contains("unknown field `wrokers`"), "{e}");
    assert!(e.contains(r#"nodes[0] ("api").capacity"#), "{e}");
    let bad = GOOD.replace(r#""type": "gamma", "mean_ms": 2"#, r#""type": "gamma", "mean_ms": 2, "sd": 1"#);
    let e = err(&bad, Format::Json);
    assert!(e.contains("unknown field `sd`"), "{e}");
}

#[test]
fn unknown_enum_value_lists_the_choices() {
    let bad = GOOD.replace(r#""kind": "database""#, r#""kind": "datbase""#);
    let e = err(&bad, Format::Json);
    assert!(e.contains("datbase") && e.contains("database"), "{e}");
    assert!(e.contains(r#"nodes[1] ("db").kind"#), "{e}");
}

#[test]
fn huge_numbers_are_errors_not_infinities() {
    let bad = GOOD.replace(r#""rate_per_s": 50"#, r#""rate_per_s": 1e999"#);
    let e = err(&bad, Format::Json);
    assert!(e.contains("out of range"), "{e}");
    let bad = GOOD.replace(r#""replicas": 2"#, r#""replicas": 99999999999999999999"#);
    let e = err(&bad, Format::Json);
    assert!(e.contains("replicas"), "{e}");
}

#[test]
fn deeply_nested_json_is_refused() {
    let deep = format!("{{\"version\": 1, \"name\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let e = err(&deep, Format::Json);
    assert!(e.contains("recursion limit"), "{e}");
}

#[test]
fn deeply_nested_yaml_is_refused() {
    let deep = format!("version: 1\nname: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let e = err(&deep, Format::Yaml);
    assert!(!e.is_empty());
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut bomb = String::from("version: 1\nname: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        bomb.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let started = std::time::Instant::now();
    let e = err(&bomb, Format::Yaml);
    assert!(!e.is_empty());
    // Not a timing assertion on speed, only a guard that it did not expand 10^12 nodes.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn yaml_errors_name_the_line() {
    let e = err("version: 1\nname: x\nnodes:\n  - id: a\n    name: [unclosed\n", Format::Yaml);
    assert!(e.contains("design.json:"), "{e}");
    let e = err("version: 1\nname: x\nnodes:\n  - id: a\n    name: A\n    capacity: {replicas: many}\n", Format::Yaml);
    assert!(e.contains("nodes[0] (\"a\").capacity.replicas"), "{e}");
    // A type error found after parsing still gets the line and column of the value.
    assert!(e.contains("design.json:6:26:"), "{e}");
}

#[test]
fn binary_junk_is_not_utf8() {
    let p = tmp("junk.json", &[0x7b, 0x0a, 0xff, 0xfe, 0x00, 0x81, 0x9c]);
    let e = format::load(&p).expect_err("junk").to_string();
    assert!(e.contains("not UTF-8"), "{e}");
    assert!(e.contains("junk.json:2:"), "{e}");
}

#[test]
fn version_checks() {
    let e = err(&GOOD.replace(r#""version": 1"#, r#""version": 7"#), Format::Json);
    assert!(e.contains("newer"), "{e}");
    let e = err(&GOOD.replace("\"version\": 1,\n", ""), Format::Json);
    assert!(e.contains("version"), "{e}");
    let e = err("[1, 2, 3]", Format::Json);
    assert!(e.contains("mapping"), "{e}");
}

#[test]
fn empty_missing_and_directory_inputs() {
    let e = err("   \n", Format::Json);
    assert!(e.contains("empty"), "{e}");
    let e = format::load(Path::new("/definitely/not/here.json")).expect_err("missing").to_string();
    assert!(e.contains("/definitely/not/here.json") && e.contains("cannot read"), "{e}");
    let e = format::load(&std::env::temp_dir()).expect_err("dir").to_string();
    assert!(e.contains("directory"), "{e}");
}

#[test]
fn atomic_save_replaces_and_leaves_no_temp_file() {
    let d = format::from_str(GOOD, Format::Json, "x").unwrap();
    let p = tmp("saved.json", b"old");
    format::save(&d, &p).unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), format::to_json(&d));
    let leftovers: Vec<_> = std::fs::read_dir(p.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let yaml = p.with_extension("yaml");
    format::save(&d, &yaml).unwrap();
    assert_eq!(format::load(&yaml).unwrap(), d);
}

#[test]
fn fixtures_in_bad_dir_fail_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bad");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let result = std::panic::catch_unwind(|| format::load(&path));
        let loaded = result.unwrap_or_else(|_| panic!("{} panicked", path.display()));
        if let Ok(design) = loaded {
            // Parses, so it must be caught by validation instead.
            let problems = engine::validate::validate(&design);
            assert!(engine::validate::has_errors(&problems), "{} passed everything", path.display());
        }
        seen += 1;
    }
    assert!(seen >= 4);
}

#[test]
#[ignore = "prints the messages for a person to read"]
fn show_messages() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bad");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        match format::load(&path) {
            Err(e) => println!("{e}"),
            Ok(d) => engine::validate::validate(&d).iter().for_each(|p| println!("{}: {p}", path.display())),
        }
    }
    println!("{}", err(&GOOD.replace(r#""replicas": 2"#, r#""replicas": "two""#), Format::Json));
    println!("{}", err(&GOOD.replace(r#""kind": "database""#, r#""kind": "datbase""#), Format::Json));
    println!(
        "{}",
        err("version: 1\nname: x\nnodes:\n  - id: a\n    name: A\n    capacity: {replicas: many}\n", Format::Yaml)
    );
}

#[cfg(unix)]
#[test]
fn saving_through_a_symbolic_link_writes_its_target_and_keeps_the_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let d = format::from_str(GOOD, Format::Json, "x").unwrap();
    let dir = std::env::temp_dir().join(format!("switchboard-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("real")).unwrap();
    let target = dir.join("real/design.json");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A relative link, reached through a second link.
    let link = dir.join("link.json");
    std::os::unix::fs::symlink("real/design.json", &link).unwrap();
    let link2 = dir.join("link2.json");
    std::os::unix::fs::symlink(&link, &link2).unwrap();
    format::save(&d, &link2).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(std::fs::symlink_metadata(&link2).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), format::to_json(&d), "the target has the new design");
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o7777, 0o600, "0600 stays 0600");
    // Plain files keep their bits too.
    let plain = dir.join("plain.json");
    std::fs::write(&plain, "old").unwrap();
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o640)).unwrap();
    format::write_atomic(&plain, b"new").unwrap();
    assert_eq!(std::fs::metadata(&plain).unwrap().permissions().mode() & 0o7777, 0o640);
    // A link loop is an error naming the path, not a hang.
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let e = format::save(&d, &a).unwrap_err().to_string();
    assert!(e.contains("a.json") && e.contains("symbolic link"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failure_between_write_and_rename_leaves_the_old_file_whole() {
    let d = format::from_str(GOOD, Format::Json, "x").unwrap();
    // Its own directory: the temporary file exists while the step runs.
    let dir = std::env::temp_dir().join(format!("switchboard-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("crash.json");
    std::fs::write(&p, b"old").unwrap();
    let e = format::write_atomic_with(&p, format::to_json(&d).as_bytes(), |tmp| {
        assert_eq!(std::fs::read_to_string(tmp).unwrap(), format::to_json(&d), "the temporary file is complete");
        Err(std::io::Error::other("injected crash"))
    })
    .unwrap_err()
    .to_string();
    assert!(e.contains("crash.json") && e.contains("injected crash"), "{e}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    let _ = std::fs::remove_dir_all(&dir);
}
