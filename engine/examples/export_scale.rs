//! Benchmark: the Istio and Kubernetes exports of large designs (README
//! figures). `cargo run --release -p switchboard-engine --example export_scale`
//! exports synthetic designs of 1,000 to 5,000 services (groups of 50, two
//! calls each, a third of them with retries) to Istio, then writes the
//! 5,000-service Kubernetes `--split` export twice: file by file, each
//! synced and renamed (as before), and as one directory synced once.

#[path = "../tests/support/scale_design.rs"]
mod scale_design;

use std::time::Instant;

use engine::export::{ExportFormat, ExportOptions, export_with};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for n in [1_000, 2_000, 4_000, 5_000] {
        let design = scale_design::services(n);
        let start = Instant::now();
        let export = export_with(&design, ExportFormat::Istio, ExportOptions::default())?;
        let bytes: usize = export.files.iter().map(|(_, t)| t.len()).sum();
        println!("istio {n:>5} services: {:>8.3} s ({bytes} bytes)", start.elapsed().as_secs_f64());
    }
    let design = scale_design::services(5_000);
    let start = Instant::now();
    let split = ExportOptions { split: true, ..ExportOptions::default() };
    let export = export_with(&design, ExportFormat::Kubernetes, split)?;
    println!("k8s --split 5000 services: export {:.3} s, {} files", start.elapsed().as_secs_f64(), export.files.len());
    let root = std::env::temp_dir().join("switchboard-export-scale");
    let _ = std::fs::remove_dir_all(&root);
    let per_file = root.join("per-file");
    std::fs::create_dir_all(&per_file)?;
    let start = Instant::now();
    for (path, text) in &export.files {
        engine::model::format::write_atomic(&per_file.join(path), text.as_bytes())?;
    }
    println!("  written file by file (one sync each): {:.3} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    engine::model::atomic_dir::write_dir_atomic(&root.join("batched"), &export.files, "kustomization.yaml")?;
    println!("  written as one directory (one sync):  {:.3} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    engine::model::atomic_dir::write_dir_atomic(&root.join("batched"), &export.files, "kustomization.yaml")?;
    println!("  replacing that directory:             {:.3} s", start.elapsed().as_secs_f64());
    std::fs::remove_dir_all(&root)?;
    Ok(())
}
