//! `switchboard export FILE --format FORMAT [-o PATH] [--split DIR] [--mesh istio] [--emulate] [--collapse-groups]`.
//!
//! The exported text goes to `-o PATH` (or stdout), a split Kubernetes export
//! to a directory; the conversion report goes to stderr, and with `--json` as
//! a machine-readable document.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use engine::export::{Export, ExportFormat, ExportOptions};

use super::{Output, exit};

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// Target format: compose, k8s, istio, asyncapi, dot or mermaid.
    #[arg(long, short, value_name = "FORMAT")]
    pub format: ExportFormat,
    /// Write the export to PATH instead of stdout.
    #[arg(long, short, value_name = "PATH", conflicts_with = "split")]
    pub output: Option<PathBuf>,
    /// Kubernetes: one file per object and a kustomization.yaml in DIR
    /// (written whole into a temporary directory, synced once and renamed
    /// into place; an existing DIR must be empty or an earlier export).
    #[arg(long, value_name = "DIR")]
    pub split: Option<PathBuf>,
    /// Kubernetes: the mesh the workloads run in (istio): NetworkPolicies
    /// admit its control plane and sidecar ports, pods ask for a sidecar.
    #[arg(long, value_name = "MESH")]
    pub mesh: Option<engine::export::Mesh>,
    /// Mermaid: one node per group with the edges between groups
    /// aggregated (for designs above Mermaid's limit of 500 edges).
    #[arg(long)]
    pub collapse_groups: bool,
    /// Export even if the design has errors (they are listed; exit code 1).
    #[arg(long)]
    pub force: bool,
    /// Compose or Kubernetes: every node runs `switchboard serve-node` in the
    /// switchboard image (the repository's Dockerfile) with the design
    /// mounted, plus a load generator (a Compose service, a Kubernetes Job).
    #[arg(long, conflicts_with = "split")]
    pub emulate: bool,
    #[command(flatten)]
    pub common: Output,
}

/// The `--json` document.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    files: Vec<&'a str>,
    report: &'a [engine::export::Note],
}

/// Run `export`.
///
/// # Errors
/// Unreadable input, a design with nothing to export, unwritable output.
/// A design with errors exports nothing (exit code 1) unless `--force`.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    // An invalid design (a duplicate id, an edge to nowhere, a policy that
    // cannot work) would deploy something other than what was drawn: refuse,
    // as a compiler would, unless asked to go on.
    let errors: Vec<_> = engine::analysis::problems(&design)
        .into_iter()
        .filter(|p| p.severity == engine::validate::Severity::Error)
        .collect();
    if !errors.is_empty() {
        let places = super::Places::of(&args.file).with_names(&design);
        for p in &errors {
            say!("{}", places.problem(p));
        }
    }
    if !errors.is_empty() && !args.force {
        say!(
            "{}: {} error(s): nothing exported (fix them, or pass --force to export anyway)",
            args.file.display(),
            errors.len()
        );
        return Ok(exit::DESIGN_ERRORS);
    }
    let options = ExportOptions { split: args.split.is_some(), mesh: args.mesh, collapse_groups: args.collapse_groups };
    if options.split && args.format != ExportFormat::Kubernetes {
        anyhow::bail!("--split is for the Kubernetes export (--format k8s)");
    }
    if options.mesh.is_some() && args.format != ExportFormat::Kubernetes {
        anyhow::bail!("--mesh is for the Kubernetes export (--format k8s)");
    }
    if args.emulate && !matches!(args.format, ExportFormat::Compose | ExportFormat::Kubernetes) {
        anyhow::bail!("--emulate is for the Compose and Kubernetes exports (--format compose or k8s)");
    }
    if options.collapse_groups && args.format != ExportFormat::Mermaid {
        anyhow::bail!("--collapse-groups is for the Mermaid export (--format mermaid)");
    }
    let mut export = engine::export::export_with(&design, args.format, options)
        .with_context(|| format!("exporting {}", args.file.display()))?;
    if args.emulate {
        export = engine::export::emulate::emulated(&design, &export)
            .with_context(|| format!("exporting {} for emulation", args.file.display()))?;
        if !args.common.quiet {
            // The deployment is valid either way; its serve-node containers refuse these parts at start.
            for m in emulator::not_emulated(&design) {
                say!("warning: not emulated yet, serve-node will refuse the design: {m}");
            }
        }
    }
    let mut written: Vec<String> = Vec::new();
    if let Some(dir) = &args.split {
        // All files at once: one sync for the directory, one rename into place.
        engine::model::atomic_dir::write_dir_atomic(dir, &export.files, "kustomization.yaml")?;
        written.extend(export.files.iter().map(|(path, _)| dir.join(path).display().to_string()));
    } else if let Some(path) = &args.output {
        write_single(&export, path)?;
        written.push(path.display().to_string());
    } else {
        out.write_all(export.text().as_bytes())?;
    }
    if !args.common.quiet {
        for note in &export.report {
            say!("{note}");
        }
        for w in &written {
            say!("wrote {w}");
        }
    }
    if let Some(json_path) = &args.common.json {
        let doc = JsonReport {
            format: args.format.name(),
            files: if written.is_empty() { vec!["-"] } else { written.iter().map(String::as_str).collect() },
            report: &export.report,
        };
        let mut json = serde_json::to_string_pretty(&doc)?;
        json.push('\n');
        super::write_json(json_path, &json, out)?;
    }
    Ok(if errors.is_empty() { exit::OK } else { exit::DESIGN_ERRORS })
}

fn write_single(export: &Export, path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    engine::model::format::write_atomic(path, export.text().as_bytes())?;
    Ok(())
}
