//! `switchboard fmt FILE`: rewrite a design in the canonical form Switchboard
//! writes (sorted defaults, stable key order), or convert it between JSON and
//! YAML with `--output`; `--check` only reports whether it is canonical, so
//! a CI step can keep hand-edited designs diff-friendly.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::model::format::{self, Format};

use super::exit;

/// Arguments of `fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// Write here instead of over FILE; the extension (.json, .yaml) picks the format.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Write nothing; exit 1 when FILE is not in canonical form.
    #[arg(long, conflicts_with = "output")]
    pub check: bool,
}

/// Run `fmt`.
///
/// # Errors
/// Unreadable or malformed input, or an output that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    let target = args.output.as_ref().unwrap_or(&args.file);
    let format = Format::from_path(target).unwrap_or(Format::Json);
    let canonical = format::to_string(&design, format)?;
    if args.check {
        let current =
            std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
        if current == canonical {
            return Ok(exit::OK);
        }
        writeln!(
            out,
            "{}: not in canonical form (run `switchboard fmt {}`)",
            args.file.display(),
            args.file.display()
        )?;
        return Ok(exit::DESIGN_ERRORS);
    }
    format::write_atomic(target, canonical.as_bytes())?;
    Ok(exit::OK)
}
