//! `switchboard import FILE [--from compose|k8s|isotope] -o design.json`.
//!
//! Reads a Compose file, Kubernetes manifests or an isotope service graph,
//! writes the design (JSON or YAML by the output's extension, stdout without
//! `-o`) and prints what could not be mapped to stderr.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::import::ImportFormat;

use super::{Output, exit};

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to import.
    pub file: PathBuf,
    /// Source format; detected from the content when absent.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub from: Option<ImportFormat>,
    /// Write the design to PATH (.json or .yaml) instead of stdout.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub common: Output,
}

fn parse_format(s: &str) -> Result<ImportFormat, String> {
    s.parse()
}

/// The `--json` document.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    output: String,
    nodes: usize,
    edges: usize,
    notes: &'a [String],
}

/// Run `import`.
///
/// # Errors
/// Unreadable or unrecognised input, unwritable output.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("{file}: cannot read"))?;
    let text = engine::model::format::decode_utf8(&file, &bytes)?;
    let imported = engine::import::import(text, args.from, &file)?;
    let output = if let Some(path) = &args.output {
        engine::model::format::save(&imported.design, path)?;
        path.display().to_string()
    } else {
        out.write_all(engine::model::format::to_json(&imported.design).as_bytes())?;
        "-".to_owned()
    };
    if !args.common.quiet {
        for note in &imported.notes {
            say!("note: {note}");
        }
        say!(
            "imported {} as {}: {} nodes, {} edges{}",
            file,
            imported.format,
            imported.design.nodes.len(),
            imported.design.edges.len(),
            if output == "-" { String::new() } else { format!(" → {output}") }
        );
    }
    if let Some(json_path) = &args.common.json {
        let doc = JsonReport {
            format: imported.format.name(),
            output,
            nodes: imported.design.nodes.len(),
            edges: imported.design.edges.len(),
            notes: &imported.notes,
        };
        let mut json = serde_json::to_string_pretty(&doc)?;
        json.push('\n');
        super::write_json(json_path, &json, out)?;
    }
    Ok(exit::OK)
}
