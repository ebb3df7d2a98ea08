//! `switchboard calibrate`: traces (OTLP JSON, Jaeger JSON) and Prometheus
//! scrapes in, a new design or an updated one out, with every change and
//! what the data could not show listed.

use std::io::{BufRead, BufReader, Read as _, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use engine::calibrate::InputKind as Kind;
use engine::calibrate::{Calibrator, prometheus};

use super::{Output, exit};

/// Default most bytes read from one input file.
const DEFAULT_MAX_INPUT: u64 = 4 << 30;

/// Arguments of `calibrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Trace files (OTLP JSON as the Collector's file exporter writes it, or
    /// Jaeger JSON as its API and UI download give it) and Prometheus text
    /// scrapes, told apart by their content.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Update this design (nodes matched by id or name) instead of making a new one.
    #[arg(long, value_name = "PATH")]
    pub design: Option<PathBuf>,
    /// Write the calibrated design to PATH.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output_design: Option<PathBuf>,
    /// Share of requests the traces hold (head sampling), in (0, 1]: rates are divided by it.
    #[arg(long, default_value_t = 1.0, value_parser = super::sim_traces::parse_sample_rate)]
    pub sample_rate: f64,
    /// Seconds between two Prometheus scrapes without timestamps.
    #[arg(long, value_name = "SECONDS", value_parser = super::simulate::parse_rate_scale)]
    pub interval: Option<f64>,
    /// Most bytes read from one input (`4G`, `512M`).
    #[arg(long, value_name = "SIZE", value_parser = super::simulate::parse_bytes)]
    pub max_input: Option<u64>,
    #[command(flatten)]
    pub output: Output,
}

/// Run `calibrate`.
///
/// # Errors
/// Unreadable input, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let limit = args.max_input.unwrap_or(DEFAULT_MAX_INPUT);
    let base = match &args.design {
        Some(p) => Some(super::load_design(p)?),
        None => None,
    };
    let mut cal = Calibrator::new();
    let mut scrapes: Vec<Vec<prometheus::Sample>> = Vec::new();
    for path in &args.inputs {
        let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let kind = Kind::sniff(reader.fill_buf().with_context(|| format!("reading {}", path.display()))?);
        let read = match kind {
            Kind::Otlp => cal.read_otlp(reader, limit).map(|_| ()),
            Kind::Jaeger => cal.read_jaeger(reader, limit).map(|_| ()),
            Kind::Prometheus => {
                let mut text = String::new();
                reader
                    .take(limit.saturating_add(1))
                    .read_to_string(&mut text)
                    .with_context(|| format!("reading {}", path.display()))?;
                if text.len() as u64 > limit {
                    anyhow::bail!("{}: larger than the limit of {limit} bytes (--max-input)", path.display());
                }
                match prometheus::parse(&text) {
                    Ok(s) => {
                        scrapes.push(s);
                        Ok(())
                    }
                    Err(e) => {
                        say!("{}:{}:{}: error: {}", path.display(), e.line, e.column, e.message);
                        return Ok(exit::USAGE);
                    }
                }
            }
        };
        if let Err(e) = read {
            say!("{}:{e}", path.display());
            return Ok(exit::USAGE);
        }
    }
    add_scrapes(&mut cal, &scrapes, args.interval);
    let (calibration, rates) = cal.finish(args.sample_rate, base.as_ref());
    let problems = engine::analysis::analyse(&calibration.design).problems;
    let errors: Vec<_> = problems.iter().filter(|p| p.severity == engine::problem::Severity::Error).collect();
    if let Some(path) = &args.output_design {
        engine::model::format::save(&calibration.design, path)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let to_stdout = args.output.json.as_deref() == Some(Path::new("-"));
    if !args.output.quiet && !to_stdout {
        print_summary(&calibration, &rates, &mut super::Printable(&mut *out))?;
    }
    for p in &errors {
        say!("error: {}: {}", p.path, p.message);
    }
    if let Some(path) = &args.output.json {
        let json = serde_json::json!({ "calibration": calibration, "rates": rates, "design": calibration.design });
        super::write_json(path, &format!("{}\n", serde_json::to_string_pretty(&json)?), out)?;
    }
    Ok(if errors.is_empty() { exit::OK } else { exit::DESIGN_ERRORS })
}

/// Histograms from the last scrape; rates from the first and last (two
/// files, or one file holding two timestamps).
fn add_scrapes(cal: &mut Calibrator, scrapes: &[Vec<prometheus::Sample>], interval_s: Option<f64>) {
    match scrapes {
        [] => {}
        [one] => match prometheus::split_by_timestamp(one) {
            Some((a, b)) => cal.add_prometheus(&a, &b, None),
            None => cal.add_prometheus(one, one, None),
        },
        [first, .., last] => cal.add_prometheus(first, last, interval_s),
    }
}

fn print_summary(
    c: &engine::calibrate::Calibration,
    rates: &[engine::calibrate::MetricRate],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "{} spans in {} traces over {:.1} s", c.spans, c.traces, c.window_s)?;
    writeln!(out, "\nservice times (own time: duration minus children; KS = distance to the log-normal):")?;
    for s in &c.services {
        let op = s.operation.as_deref().map(|o| format!(" {o}")).unwrap_or_default();
        let fit = s.fit.as_ref().map_or_else(String::new, |f| {
            format!("p50 {:.3} ms  p99 {:.3} ms  KS {:.3}", f.p50_ms, f.p99_ms, f.ks_lognormal)
        });
        writeln!(
            out,
            "  {}{op}: {} requests, {:.2}/s, {:.2} in service  {fit}",
            s.service, s.visits, s.rate_per_s, s.mean_in_service
        )?;
    }
    for r in rates {
        writeln!(out, "  {} {}: {:.3}/s", r.service, r.metric, r.per_s)?;
    }
    writeln!(out, "\nchanges ({}):", c.changes.len())?;
    for ch in &c.changes {
        writeln!(out, "  {ch}")?;
    }
    writeln!(out, "\nnot inferred ({}):", c.not_inferred.len())?;
    for n in &c.not_inferred {
        writeln!(out, "  {n}")?;
    }
    for w in &c.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}
