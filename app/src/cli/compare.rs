//! `switchboard compare BASE.json NEW.json [--fail-on "p99:+10%,errors:+1pp"] [--html OUT]`:
//! the headline figures of two reports side by side, each with its unit
//! (also as a page with `--html`); exit 3 when a gate fails.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use engine::sim::Report;
use engine::sim::compare::{Delta, check, compare, parse_gates};
use serde::Serialize;

use super::{Output, exit};

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The baseline report (from `simulate --json`).
    pub base: PathBuf,
    /// The report to compare with it.
    pub new: PathBuf,
    /// Gates, e.g. "p99:+10%,errors:+1pp,throughput:-5%": exit 3 when one is exceeded.
    #[arg(long, value_name = "GATES")]
    pub fail_on: Option<String>,
    /// Also write the comparison as a self-contained HTML page to PATH.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Serialize)]
struct Doc<'a> {
    base: String,
    new: String,
    deltas: &'a [Delta],
    failures: &'a [String],
}

fn load(path: &Path) -> anyhow::Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Report::from_json(&text).with_context(|| format!("{} is not a simulation report", path.display()))
}

/// Run `compare`.
///
/// # Errors
/// Unreadable reports or gates, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let base = load(&args.base)?;
    let new = load(&args.new)?;
    let gates = match &args.fail_on {
        Some(g) => parse_gates(g).map_err(anyhow::Error::msg).context("--fail-on")?,
        None => Vec::new(),
    };
    let deltas = compare(&base, &new);
    let failures = check(&deltas, &gates);
    if !args.output.quiet && args.output.json.as_deref() != Some(Path::new("-")) {
        let out = &mut super::Printable(&mut *out);
        let wn = deltas.iter().map(|d| super::display_width(&d.workload)).max().unwrap_or(8).clamp(8, 30);
        writeln!(
            out,
            "{}  {:<10}  {:>14}  {:>14}  {:>9}",
            super::pad("workload", wn),
            "figure",
            "base",
            "new",
            "change"
        )?;
        for d in &deltas {
            let change = d.change_pct.map_or_else(|| "–".to_owned(), |p| format!("{p:+.1}%"));
            writeln!(
                out,
                "{}  {:<10}  {:>14}  {:>14}  {:>9}",
                super::pad(&d.workload, wn),
                d.metric.as_str(),
                engine::units::metric(d.metric, d.base),
                engine::units::metric(d.metric, d.new),
                change
            )?;
        }
        for f in &failures {
            writeln!(out, "FAIL {f}")?;
        }
    }
    if let Some(path) = &args.output.json {
        let doc = Doc {
            base: args.base.display().to_string(),
            new: args.new.display().to_string(),
            deltas: &deltas,
            failures: &failures,
        };
        let mut json = serde_json::to_string_pretty(&doc)?;
        json.push('\n');
        super::write_json(path, &json, out)?;
    }
    if let Some(path) = &args.html {
        let page = engine::report_html::compare::compare_html(
            &args.base.display().to_string(),
            &args.new.display().to_string(),
            &base,
            &new,
            &deltas,
            &failures,
        );
        engine::model::format::write_atomic(path, page.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(if failures.is_empty() { exit::OK } else { exit::SLO_VIOLATED })
}
