//! Shared helpers of the export and import tests: the designs to export
//! (every sample plus the validator test designs) and YAML parsing.

#![allow(dead_code, reason = "each test file uses a different part")]

pub mod deploy;

use std::path::{Path, PathBuf};

use engine::Design;
use serde_json::Value;

/// Designs with more nodes than this are checked but not snapshotted (every
/// sample is below it, the 276-node topology included).
pub const GOLDEN_MAX_NODES: usize = 500;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn load_dir(dir: &Path) -> Vec<(String, Design)> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    paths.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")));
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or("design").to_owned();
            let design = engine::model::format::load(&p).unwrap_or_else(|e| panic!("{e}"));
            (name, design)
        })
        .collect()
}

/// Every sample design, sorted by file name.
pub fn samples() -> Vec<(String, Design)> {
    load_dir(&root().join("samples"))
}

/// The validator test designs (policies, hostile names).
pub fn test_designs() -> Vec<(String, Design)> {
    load_dir(&root().join("tools/validators/designs"))
}

/// Samples and test designs.
pub fn all_designs() -> Vec<(String, Design)> {
    let mut all = samples();
    all.extend(test_designs());
    all
}

/// One test design by file stem.
pub fn test_design(name: &str) -> Design {
    test_designs().into_iter().find(|(n, _)| n == name).map_or_else(|| panic!("no design {name}"), |(_, d)| d)
}

/// Every document of a YAML stream.
pub fn yaml_docs(text: &str) -> Vec<Value> {
    // The large topology's Kubernetes export has more than the default 1,024 documents.
    let options = serde_saphyr::options! { budget: serde_saphyr::budget! { max_documents: 100_000 } };
    serde_saphyr::from_multiple_with_options::<Value>(text, options)
        .unwrap_or_else(|e| panic!("exported YAML does not parse: {e}\n{text}"))
}

/// A string field.
pub fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Hosts named by an address (`scheme://user:pw@host:port/x` or `host:port`).
pub fn host_of(address: &str) -> String {
    let mut a = address;
    if let Some(i) = a.find("://") {
        a = &a[i + 3..];
    }
    if let Some(i) = a.find('/') {
        a = &a[..i];
    }
    if let Some(i) = a.rfind('@') {
        a = &a[i + 1..];
    }
    a.split(':').next().unwrap_or("").to_owned()
}

/// Istio duration (`0.25s`) in milliseconds.
pub fn duration_ms(d: &str) -> f64 {
    d.strip_suffix('s').and_then(|n| n.parse::<f64>().ok()).map_or(f64::NAN, |s| s * 1000.0)
}
