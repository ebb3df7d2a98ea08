//! `switchboard sweep FILE --rate-scale 0.5..1.5:11` or `--replicas NODE=1..8`:
//! one line per point with throughput, p99 and error rate.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::sim::sweep::{SweepPoint, parse_int_range, parse_range};
use engine::sim::{RunControl, SimError};

use super::simulate::RunArgs;
use super::{Output, exit};

/// Arguments of `sweep`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["rate_scale", "replicas"])))]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// Rate multipliers as FROM..TO:N, e.g. 0.5..1.5:11.
    #[arg(long, value_name = "FROM..TO:N")]
    pub rate_scale: Option<String>,
    /// A node's replica counts as NODE=FROM..TO, e.g. orders=1..8.
    #[arg(long, value_name = "NODE=FROM..TO")]
    pub replicas: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: Output,
}

/// What a sweep varies.
enum Points<'a> {
    Scales(Vec<f64>),
    Replicas(&'a str, Vec<u32>),
}

fn line(p: &SweepPoint) -> String {
    format!(
        "{}  {:>12.1}  {:>10.2}  {:>8.2}{}{}",
        super::pad(&p.label, 24),
        p.throughput_per_s,
        p.p99_ms,
        p.error_rate * 100.0,
        if p.unstable { "  UNSTABLE" } else { "" },
        if p.slo_violated { "  SLO FAILED" } else { "" }
    )
}

/// Run `sweep`.
///
/// # Errors
/// Unreadable input, malformed ranges, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    args.run.check_window(&design)?;
    let options = args.run.options(1.0);
    let control = RunControl::new();
    let print = !args.output.quiet && args.output.json.as_deref() != Some(std::path::Path::new("-"));
    // The points first: a malformed range is reported before anything runs.
    let points = if let Some(r) = &args.rate_scale {
        Points::Scales(parse_range(r).map_err(anyhow::Error::msg).context("--rate-scale")?)
    } else if let Some(r) = &args.replicas {
        let (node, range) = r.split_once('=').context("--replicas: expected NODE=FROM..TO")?;
        let counts = parse_int_range(range).map_err(anyhow::Error::msg).context("--replicas")?;
        Points::Replicas(node.trim(), counts)
    } else {
        anyhow::bail!("give --rate-scale or --replicas");
    };
    if let Points::Scales(values) = &points
        && let Some(top) = values.iter().copied().reduce(f64::max)
    {
        args.run.check_limits(&design, top)?;
    } else {
        args.run.check_limits(&design, 1.0)?;
    }
    // The header comes with the first point, so a design the sweep refuses
    // prints only its problems.
    let mut header = print;
    let mut write_err = None;
    let on_point = |p: &SweepPoint| {
        if header {
            header = false;
            if let Err(e) = writeln!(out, "{:<24}  {:>12}  {:>10}  {:>8}", "point", "req/s", "p99 ms", "err %") {
                write_err = Some(e);
            }
        }
        if print && let Err(e) = writeln!(super::Printable(&mut *out), "{}", line(p)) {
            write_err = Some(e);
        }
    };
    let result = match points {
        Points::Scales(values) => engine::sim::sweep::rate_scale(&design, &options, &values, &control, on_point),
        Points::Replicas(node, counts) => {
            engine::sim::sweep::replicas(&design, &options, node, &counts, &control, on_point)
        }
    };
    if let Some(e) = write_err {
        return Err(e.into());
    }
    let points = match result {
        Ok(p) => p,
        Err(SimError::InvalidDesign(problems)) => {
            super::Places::of(&args.file).with_names(&design).print_refusal(&problems);
            return Ok(exit::DESIGN_ERRORS);
        }
        Err(e @ SimError::TooMuchMemory { .. }) => anyhow::bail!("{e} (--max-memory SIZE)"),
        Err(e) => return Err(e).context("sweep failed"),
    };
    if let Some(path) = &args.output.json {
        let mut json = serde_json::to_string_pretty(&points)?;
        json.push('\n');
        super::write_json(path, &json, out)?;
    }
    Ok(exit::OK)
}
