//! The sample designs are what a new user learns from, so they are held to the
//! standard of real designs: each parses, saves back byte-identically (the
//! files are in the canonical format), survives a YAML round trip, validates
//! without a single problem, runs below 75% utilization in the capacity
//! estimate, and looks like a measured system (a description, SLOs for every
//! workload, no constant service times). The large sample and the 1,000-node
//! fixture must be exactly what the committed generator produces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use engine::Design;
use engine::model::format::{self, Format};
use engine::model::{Arrival, Distribution, EdgeKind, NodeKind};
use engine::validate::Severity;

/// Utilization above which a sample counts as unstable in the estimate.
const MAX_SAMPLE_UTILIZATION: f64 = 0.75;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn load(path: &Path) -> Design {
    format::load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (a, b)) in expected.lines().zip(actual.lines()).enumerate() {
        if a != b {
            return format!("line {}: file has {a:?}, canonical is {b:?}", i + 1);
        }
    }
    format!("lengths differ: file has {} lines, canonical {}", expected.lines().count(), actual.lines().count())
}

#[test]
fn the_documented_samples_exist() {
    let names: Vec<String> = sample_files().iter().map(|p| name_of(p)).collect();
    for expected in [
        "django-signals.json",
        "ecommerce-checkout.json",
        "large-topology.json",
        "retry-storm-fixed.json",
        "retry-storm.json",
        "service-discovery.json",
        "social-feed-fanout.json",
    ] {
        assert!(names.iter().any(|n| n == expected), "samples/{expected} is missing (found {names:?})");
    }
}

#[test]
fn samples_are_in_canonical_form() {
    for path in sample_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let saved = format::to_json(&load(&path));
        assert!(
            saved == text,
            "{}: loading and saving changes the file ({}); re-save it in canonical form",
            path.display(),
            first_difference(&text, &saved)
        );
    }
}

#[test]
fn samples_survive_a_yaml_round_trip() {
    for path in sample_files() {
        let design = load(&path);
        let yaml = format::to_yaml(&design).unwrap();
        let back = format::from_str(&yaml, Format::Yaml, &name_of(&path)).unwrap_or_else(|e| panic!("{e}"));
        assert!(back == design, "{}: the YAML round trip changed the design", path.display());
        // And back to the same canonical JSON text.
        assert_eq!(format::to_json(&back), format::to_json(&design), "{}", path.display());
    }
}

#[test]
fn samples_validate_without_problems() {
    for path in sample_files() {
        let design = load(&path);
        let problems = engine::analysis::problems(&design);
        let errors: Vec<String> =
            problems.iter().filter(|p| p.severity == Severity::Error).map(ToString::to_string).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let warnings: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(warnings.is_empty(), "{}: samples should be warning-free: {warnings:#?}", path.display());
    }
}

#[test]
fn samples_are_stable_in_the_capacity_estimate() {
    // The retry-storm demo is stable too at its base load: it only collapses
    // when its scheduled slowdown meets its retry policies, which the analytic
    // estimate does not model.
    for path in sample_files() {
        let design = load(&path);
        let estimate = engine::capacity::estimate(&design);
        assert_eq!(estimate.nodes.len(), design.nodes.len(), "{}", path.display());
        let mut loaded = 0;
        for n in &estimate.nodes {
            let Some(rho) = n.utilization else { continue };
            assert!(
                rho.is_finite() && rho < MAX_SAMPLE_UTILIZATION,
                "{}: node {:?} at utilization {rho:.2} (at most {MAX_SAMPLE_UTILIZATION} expected)",
                path.display(),
                n.id
            );
            if rho > 0.0 {
                loaded += 1;
            }
        }
        assert!(loaded >= 3, "{}: hardly any node carries traffic ({loaded})", path.display());
        for w in &estimate.workloads {
            assert!(w.response_time_ms.is_finite() && w.response_time_ms > 0.0, "{}: {w:?}", path.display());
        }
    }
}

fn assert_not_constant(file: &str, place: &str, d: &Distribution) {
    assert!(
        !matches!(d, Distribution::Constant { .. }),
        "{file}: {place} is a constant; samples use measured shapes (lognormal p50/p99 or gamma mean/cv)"
    );
}

#[test]
fn samples_look_like_measured_systems() {
    for path in sample_files() {
        let file = name_of(&path);
        let d = load(&path);
        assert!(
            d.description.len() >= 200,
            "{file}: the description should say what the design shows and what to look at"
        );
        assert!(!d.workloads.is_empty(), "{file}: no workloads");
        for w in &d.workloads {
            let slo = d.slos.iter().find(|s| s.workload == w.name);
            let slo = slo.unwrap_or_else(|| panic!("{file}: workload {:?} has no SLO", w.name));
            assert!(slo.latency.is_some() && slo.max_error_rate.is_some(), "{file}: SLO of {:?} is partial", w.name);
            if let Arrival::Closed { think_time, .. } = &w.arrival {
                assert_not_constant(&file, &format!("workload {:?} think time", w.name), think_time);
            }
        }
        let s = &d.simulation;
        assert!((60.0..=120.0).contains(&s.duration_s), "{file}: duration {} s", s.duration_s);
        assert!((10.0..=20.0).contains(&s.warmup_s), "{file}: warm-up {} s", s.warmup_s);
        for n in &d.nodes {
            assert_not_constant(&file, &format!("node {:?} service time", n.id), &n.service_time);
            for op in &n.operations {
                if let Some(st) = &op.service_time {
                    assert_not_constant(&file, &format!("operation {:?} of {:?}", op.name, n.id), st);
                }
            }
            assert!(
                !n.id.is_empty() && n.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{file}: node id {:?} is not a short ASCII slug",
                n.id
            );
            if n.kind.is_deployable() && n.kind != NodeKind::Service {
                assert!(n.deployment.image.is_some(), "{file}: infrastructure node {:?} has no image", n.id);
            }
        }
        for e in &d.edges {
            if let Some(lat) = &e.network_latency {
                assert_not_constant(&file, &format!("edge {:?} network latency", e.id), lat);
            }
        }
    }
}

#[test]
fn sample_nodes_do_not_overlap_on_the_canvas() {
    for path in sample_files() {
        let d = load(&path);
        for (i, a) in d.nodes.iter().enumerate() {
            for b in &d.nodes[i + 1..] {
                let dx = (a.position.x - b.position.x).abs();
                let dy = (a.position.y - b.position.y).abs();
                assert!(
                    dx >= 200.0 || dy >= 100.0,
                    "{}: {:?} and {:?} overlap ({dx} px apart horizontally, {dy} px vertically)",
                    path.display(),
                    a.id,
                    b.id
                );
            }
        }
    }
}

#[test]
fn some_sample_names_use_a_non_latin_script() {
    let found: Vec<String> = sample_files()
        .iter()
        .flat_map(|p| load(p).nodes)
        .map(|n| n.name)
        .filter(|name| name.chars().any(|c| c as u32 >= 0x400))
        .collect();
    assert!(!found.is_empty(), "no sample shows a non-Latin node name");
}

#[test]
fn samples_cover_every_edge_kind_and_the_django_signal_pattern() {
    let all: Vec<Design> = sample_files().iter().map(|p| load(p)).collect();
    for kind in EdgeKind::ALL {
        assert!(all.iter().any(|d| d.edges.iter().any(|e| e.kind == kind)), "no sample uses {} edges", kind.as_str());
    }
    let django = load(&root().join("samples/django-signals.json"));
    let signals: Vec<_> = django.edges.iter().filter(|e| e.kind == EdgeKind::Signal).collect();
    assert!(signals.len() >= 3, "the Django sample should have several post_save receivers");
    assert!(signals.iter().all(|e| e.signal.as_deref() == Some("post_save")));
    assert!(signals.iter().any(|e| e.robust), "one receiver should be connected robustly (send_robust)");
    // A receiver bridges the signal to a queue consumed by a worker.
    let bridges = django
        .edges
        .iter()
        .any(|e| e.kind == EdgeKind::Event && django.node(&e.from).is_some_and(|n| n.kind == NodeKind::Receiver));
    assert!(bridges, "a receiver should publish to the task queue");
}

#[test]
fn the_retry_storm_fix_changes_only_call_policies() {
    let storm = load(&root().join("samples/retry-storm.json"));
    let fixed = load(&root().join("samples/retry-storm-fixed.json"));
    let strip = |d: &Design| {
        let mut d = d.clone();
        d.name.clear();
        d.description.clear();
        for e in &mut d.edges {
            e.policy = None;
        }
        d
    };
    assert!(strip(&storm) == strip(&fixed), "the two retry-storm samples should differ only in their call policies");
    assert!(!storm.faults.is_empty(), "the retry storm needs its triggering fault");

    let retries = |d: &Design| -> Vec<(u32, Option<f64>)> {
        d.edges
            .iter()
            .filter_map(|e| e.policy.as_ref()?.retries.as_ref())
            .map(|r| (r.max_attempts, r.budget_ratio))
            .collect()
    };
    let storm_retries = retries(&storm);
    assert!(storm_retries.len() >= 2, "the storm needs retries on several layers");
    assert!(storm_retries.iter().all(|&(attempts, budget)| attempts >= 4 && budget.is_none()));
    let fixed_retries = retries(&fixed);
    assert!(fixed_retries.len() <= 1, "the fix retries at one layer at most");
    assert!(fixed_retries.iter().all(|&(_, budget)| budget.is_some()), "the fix's retries have a budget");
    let fixed_policies: Vec<_> = fixed.edges.iter().filter_map(|e| e.policy.as_ref()).collect();
    assert!(fixed_policies.iter().any(|p| p.circuit_breaker.is_some()), "the fix has a circuit breaker");
    assert!(fixed_policies.iter().any(|p| p.bulkhead.is_some()), "the fix has a bulkhead");
}

#[test]
fn the_large_sample_is_large() {
    let d = load(&root().join("samples/large-topology.json"));
    let services = d.nodes.iter().filter(|n| n.kind == NodeKind::Service).count();
    assert!(services >= 200, "large-topology has {services} services");
}

#[test]
fn the_huge_fixture_has_a_thousand_nodes_and_validates() {
    let d = load(&root().join("tests/fixtures/huge-1000.json"));
    assert_eq!(d.nodes.len(), 1000);
    assert!((1800..=2200).contains(&d.edges.len()), "{} edges", d.edges.len());
    let problems = engine::validate::validate(&d);
    let errors: Vec<String> =
        problems.iter().filter(|p| p.severity == Severity::Error).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Run the generator; `None` when no Python 3 interpreter is installed.
fn generate(flag: Option<&str>) -> Option<String> {
    let script = root().join("samples/generate_large.py");
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(&script).arg("--stdout");
    if let Some(flag) = flag {
        cmd.arg(flag);
    }
    let output = match cmd.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("python3 is not installed: skipping the generator check");
            return None;
        }
        Err(e) => panic!("cannot run {}: {e}", script.display()),
    };
    assert!(output.status.success(), "generator failed: {}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn the_generated_files_match_the_generator() {
    for (flag, file) in [(None, "samples/large-topology.json"), (Some("--huge"), "tests/fixtures/huge-1000.json")] {
        let Some(generated) = generate(flag) else {
            return;
        };
        let committed = std::fs::read_to_string(root().join(file)).unwrap();
        assert!(
            generated == committed,
            "{file} differs from what samples/generate_large.py produces ({}); regenerate it",
            first_difference(&committed, &generated)
        );
    }
}

/// The fenced code blocks of `docs/format.md` in a given language.
fn doc_blocks(lang: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/format.md")).unwrap();
    let fence = format!("```{lang}\n");
    doc.split("\n```")
        .filter_map(|part| part.strip_prefix(&fence[3..]).map(str::to_owned))
        .filter(|block| !block.is_empty())
        .collect()
}

#[test]
fn the_format_documentation_example_is_a_canonical_valid_design() {
    let json = doc_blocks("json").into_iter().find(|b| b.contains("\"version\"")).expect("a complete JSON example");
    let yaml = doc_blocks("yaml").into_iter().find(|b| b.contains("version:")).expect("a complete YAML example");
    let from_json = format::from_str(&json, Format::Json, "docs/format.md").unwrap_or_else(|e| panic!("{e}"));
    let from_yaml = format::from_str(&yaml, Format::Yaml, "docs/format.md").unwrap_or_else(|e| panic!("{e}"));
    assert!(from_json == from_yaml, "the JSON and YAML examples describe different designs");
    let canonical = format::to_json(&from_json);
    assert!(
        canonical == format!("{json}\n"),
        "the JSON example is not in canonical form ({})",
        first_difference(&json, &canonical)
    );
    assert_eq!(
        format::to_yaml(&from_json).unwrap(),
        format!("{yaml}\n"),
        "the YAML example is not what Switchboard writes"
    );
    let problems = engine::validate::validate(&from_json);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every property name and every enumerated value in the JSON Schema.
fn schema_words(value: &serde_json::Value, words: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("properties", serde_json::Value::Object(props)) => words.extend(props.keys().cloned()),
                    ("const", serde_json::Value::String(s)) => words.push(s.clone()),
                    ("enum", serde_json::Value::Array(items)) => {
                        words.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)));
                    }
                    _ => {}
                }
                schema_words(v, words);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| schema_words(i, words)),
        _ => {}
    }
}

#[test]
fn the_format_documentation_names_every_field_and_value() {
    let doc = std::fs::read_to_string(root().join("docs/format.md")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&format::json_schema()).unwrap();
    let mut words = Vec::new();
    schema_words(&schema, &mut words);
    words.sort();
    words.dedup();
    assert!(words.len() > 100, "the schema walk found only {} words", words.len());
    let missing: Vec<&String> = words.iter().filter(|w| !doc.contains(&format!("`{w}`"))).collect();
    assert!(missing.is_empty(), "docs/format.md does not document {missing:?}");
}
