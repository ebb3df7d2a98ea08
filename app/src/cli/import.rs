//! `switchboard import FILE... [-f OVERRIDE]... [--from compose|k8s|isotope] -o design.json`.
//!
//! Reads a Compose file (and its overrides, merged as `docker compose -f a
//! -f b` merges them, variables from the `.env` file next to the first),
//! Kubernetes manifests (one or several files) or an isotope service graph,
//! writes the design (JSON or YAML by the output's extension, stdout without
//! `-o`) and prints the conversion notes to stderr: the rule that decided
//! each node's kind, what became or did not become a call, the placeholder
//! load, and what could not be mapped.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use engine::import::{ImportFormat, Source};

use super::{Output, exit};

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file(s) to import: a Compose file then its overrides, or Kubernetes manifests.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// More files, as `docker compose -f compose.yml -f compose.override.yml` takes them.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub more_files: Vec<PathBuf>,
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
    files: Vec<String>,
    output: String,
    nodes: usize,
    edges: usize,
    notes: &'a [engine::message::Message],
    placeholders: &'a [String],
}

/// The variables of a `.env` file (`KEY=VALUE`, `export KEY=VALUE`, quotes
/// removed, `#` comments skipped), as Compose reads it next to the project.
pub(crate) fn dotenv(path: &Path) -> BTreeMap<String, String> {
    let Ok(text) = std::fs::read_to_string(path) else { return BTreeMap::new() };
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') {
                return None;
            }
            let (k, v) = line.split_once('=')?;
            let v = v.trim();
            let unquoted = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim().to_owned(), unquoted.to_owned()))
        })
        .collect()
}

/// Run `import`.
///
/// # Errors
/// Unreadable or unrecognised input, unwritable output.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let paths: Vec<&PathBuf> = args.files.iter().chain(&args.more_files).collect();
    let Some(first) = paths.first() else {
        say!("error: no file to import: give FILE (and -f OVERRIDE for Compose overrides)");
        return Ok(exit::USAGE);
    };
    let mut texts: Vec<(String, String)> = Vec::with_capacity(paths.len());
    for path in &paths {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("{name}: cannot read"))?;
        let text = engine::model::format::decode_utf8(&name, &bytes)?.to_owned();
        texts.push((text, name));
    }
    let sources: Vec<Source<'_>> = texts.iter().map(|(text, name)| Source { text, name }).collect();
    let variables = dotenv(&first.parent().unwrap_or_else(|| Path::new(".")).join(".env"));
    let imported = engine::import::import_files(&sources, args.from, &variables)?;
    let file = texts.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" + ");
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
            files: texts.iter().map(|(_, n)| n.clone()).collect(),
            output,
            nodes: imported.design.nodes.len(),
            edges: imported.design.edges.len(),
            notes: &imported.notes,
            placeholders: &imported.design.placeholders,
        };
        let mut json = serde_json::to_string_pretty(&doc)?;
        json.push('\n');
        super::write_json(json_path, &json, out)?;
    }
    Ok(exit::OK)
}
