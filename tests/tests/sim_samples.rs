//! Every sample simulates cleanly: requests are conserved, Little's law holds
//! at every node, runs are deterministic, and the report survives a JSON
//! round trip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use engine::sim::{Report, RunControl, RunOptions, run};

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no samples in {}", dir.display());
    files
}

fn options(seed: u64) -> RunOptions {
    RunOptions {
        seed: Some(seed),
        duration_s: Some(25.0),
        warmup_s: Some(5.0),
        replications: Some(2),
        ..RunOptions::default()
    }
}

fn simulate(path: &Path, seed: u64) -> Report {
    let design = engine::model::format::load(path).unwrap();
    run(&design, &options(seed), &RunControl::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn samples_conserve_requests_and_obey_littles_law() {
    for path in samples() {
        let r = simulate(&path, 3);
        let name = path.display();
        assert!(r.conservation.holds, "{name}: {:?}", r.conservation.violations);
        for w in &r.workloads {
            assert_eq!(w.arrived, w.outcomes.total(), "{name}: workload {}", w.name);
            assert!(w.arrived > 0, "{name}: workload {} got no requests", w.name);
        }
        for n in &r.nodes {
            assert_eq!(n.visits, n.outcomes.total(), "{name}: node {}", n.id);
        }
        if r.unstable {
            continue;
        }
        let measured_s = (r.settings.duration_s - r.settings.warmup_s) * f64::from(r.settings.replications);
        for n in &r.nodes {
            // L = λ·W over the measured period.
            let lambda = n.visits as f64 / measured_s;
            let lw = lambda * n.mean_time_in_node_ms / 1000.0;
            let l = n.mean_in_node;
            let tol = 0.05 * l.max(lw) + 0.02;
            assert!((l - lw).abs() <= tol, "{name}: node {}: L = {l:.4} but λW = {lw:.4}", n.id);
        }
    }
}

#[test]
fn samples_are_deterministic() {
    for path in samples() {
        let a = simulate(&path, 9).to_json();
        let b = simulate(&path, 9).to_json();
        assert!(a == b, "{}: two runs with one seed differ", path.display());
        // The report reads back (floats may differ in the last digit).
        let back = Report::from_json(&a).unwrap();
        let again = Report::from_json(&b).unwrap();
        assert_eq!(back.workloads.len(), again.workloads.len());
        for (x, y) in back.workloads.iter().zip(&again.workloads) {
            assert_eq!(x.outcomes, y.outcomes, "{}", path.display());
        }
    }
    let first = samples().into_iter().next().unwrap();
    assert_ne!(simulate(&first, 1).to_json(), simulate(&first, 2).to_json(), "seeds must matter");
}
