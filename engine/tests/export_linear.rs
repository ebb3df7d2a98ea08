//! The Istio and Kubernetes exports grow linearly with the design: the
//! Istio export once looked up every workload's callers by walking all
//! edges (0.5 s at 2,000 services, 2.6 s at 4,000). Checked with a generous
//! ceiling on the ratio of times, never a tight timing: 16 times the
//! services may take at most 5 × 16 = 80 times as long (a quadratic export
//! takes about 256 times as long).

#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "support/scale_design.rs"]
mod scale_design;

use std::time::{Duration, Instant};

use engine::export::{ExportFormat, ExportOptions, export_with};

/// The fastest of `runs` exports (the least disturbed by other work).
fn best_time(n: usize, format: ExportFormat, runs: usize) -> Duration {
    let design = scale_design::services(n);
    let options = ExportOptions { split: format == ExportFormat::Kubernetes, ..ExportOptions::default() };
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let export = export_with(&design, format, options).unwrap();
            let elapsed = start.elapsed();
            assert!(export.files.iter().map(|(_, t)| t.len()).sum::<usize>() > n * 100);
            elapsed
        })
        .min()
        .unwrap()
}

#[test]
fn istio_and_kubernetes_exports_grow_linearly() {
    for format in [ExportFormat::Istio, ExportFormat::Kubernetes] {
        let small = best_time(250, format, 3);
        let large = best_time(4_000, format, 2);
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
        assert!(ratio < 80.0, "{format}: 250 services {small:?}, 4,000 services {large:?}: ratio {ratio:.1}");
    }
}
