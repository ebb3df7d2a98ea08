//! `switchboard validate FILE`: every problem with its place, then the
//! instant capacity estimate per node.

use std::io::Write;
use std::path::PathBuf;

use engine::capacity::{Estimate, Load};
use engine::validate::{Problem, Severity};
use serde::Serialize;

use super::{Output, exit};

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    #[command(flatten)]
    pub output: Output,
}

/// The `--json` document of `validate`.
#[derive(Serialize)]
struct Result<'a> {
    file: String,
    errors: usize,
    warnings: usize,
    problems: Vec<Located<'a>>,
    capacity: &'a Estimate,
}

/// A problem and where it is in the file (line and column from 1), when found.
#[derive(Serialize)]
struct Located<'a> {
    #[serde(flatten)]
    problem: &'a Problem,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
}

/// Run `validate`.
///
/// # Errors
/// Unreadable input, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    let engine::analysis::Analysis { problems, estimate } = engine::analysis::analyse(&design);
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    let places = if problems.is_empty() { None } else { Some(super::Places::of(&args.file).with_names(&design)) };
    let show = |p: &Problem| places.as_ref().map_or_else(|| p.to_string(), |places| places.problem(p));
    if !args.output.quiet && args.output.json.as_deref() != Some(std::path::Path::new("-")) {
        let out = &mut super::Printable(&mut *out);
        for p in &problems {
            writeln!(out, "{}", show(p))?;
        }
        write_capacity_table(&design, &estimate, out)?;
        writeln!(
            out,
            "{}: {errors} error(s), {warnings} warning(s), {} nodes, {} edges, {} workloads",
            args.file.display(),
            design.nodes.len(),
            design.edges.len(),
            design.workloads.len()
        )?;
    } else if errors > 0 && args.output.json.is_none() {
        for p in problems.iter().filter(|p| p.severity == Severity::Error) {
            say!("{}", show(p));
        }
    }
    if let Some(path) = &args.output.json {
        let doc = Result {
            file: args.file.display().to_string(),
            errors,
            warnings,
            problems: problems
                .iter()
                .map(|problem| {
                    let at = places.as_ref().and_then(|places| places.locate(&problem.path));
                    Located { problem, line: at.map(|a| a.0), column: at.map(|a| a.1) }
                })
                .collect(),
            capacity: &estimate,
        };
        let mut json = serde_json::to_string_pretty(&doc)?;
        json.push('\n');
        super::write_json(path, &json, out)?;
    }
    Ok(if errors > 0 { exit::DESIGN_ERRORS } else { exit::OK })
}

fn fmt_ms(v: f64) -> String {
    if v.is_finite() { format!("{v:.1}") } else { "∞".to_owned() }
}

fn write_capacity_table(design: &engine::Design, estimate: &Estimate, out: &mut dyn Write) -> anyhow::Result<()> {
    let rows: Vec<_> = estimate.nodes.iter().filter(|n| n.utilization.is_some()).collect();
    if rows.is_empty() {
        return Ok(());
    }
    // Names by id, looked up once: a scan per row would be quadratic.
    let names: std::collections::BTreeMap<&str, &str> =
        design.nodes.iter().map(|n| (n.id.as_str(), n.name.as_str())).collect();
    let name_of = |id: &str| names.get(id).copied().unwrap_or(id).to_owned();
    let width = rows.iter().map(|n| super::display_width(&name_of(&n.id))).max().unwrap_or(4).clamp(4, 40);
    writeln!(out, "capacity estimate at peak load (analytic, no simulation):")?;
    writeln!(out, "  {:<width$}  {:>10}  {:>10}  {:>10}  {:>6}  status", "node", "req/s", "hold ms", "resp ms", "ρ")?;
    for n in rows {
        let name = super::pad(&name_of(&n.id), width);
        let rho =
            n.utilization.map_or_else(String::new, |u| if u.is_finite() { format!("{u:.2}") } else { "∞".into() });
        let status = match n.load {
            Load::Idle => "idle",
            Load::Calm => "ok",
            Load::Hot => "HOT",
            Load::Overloaded => "OVERLOADED",
        };
        writeln!(
            out,
            "  {name}  {:>10.1}  {:>10}  {:>10}  {:>6}  {status}",
            n.arrival_rate_per_s,
            fmt_ms(n.holding_time_ms),
            fmt_ms(n.response_time_ms),
            rho
        )?;
    }
    Ok(())
}
