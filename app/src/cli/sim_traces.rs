//! `simulate --traces FILE` and `--trace-sample-rate R`: the run's sampled
//! traces written as OTLP JSON (the OpenTelemetry Collector's file exporter
//! format), so a simulated run opens in Jaeger or Tempo.

use std::path::PathBuf;

use anyhow::Context as _;
use engine::sim::RunOptions;
use engine::sim::report::sampled::SampledTraces;

/// The trace flags of `simulate`.
#[derive(Debug, Default, clap::Args)]
pub struct TraceArgs {
    /// Write the first replication's sampled traces to PATH as OTLP JSON
    /// (one Collector file-exporter request per line).
    #[arg(long, value_name = "PATH")]
    pub traces: Option<PathBuf>,
    /// Share of requests traced, in (0, 1]: one request in round(1/R)
    /// (default 1/64).
    #[arg(long, value_name = "R", value_parser = parse_sample_rate)]
    pub trace_sample_rate: Option<f64>,
}

/// A sample rate: a number in (0, 1].
///
/// # Errors
/// Anything else.
pub fn parse_sample_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(format!("{s:?}: expected a share of requests above 0 and at most 1, such as 0.25")),
    }
}

impl TraceArgs {
    /// `options` with this sampling and export.
    #[must_use]
    pub fn apply(&self, mut options: RunOptions) -> RunOptions {
        if let Some(r) = self.trace_sample_rate {
            // In (0, 1], so 1/r is at least 1 and finite.
            options.trace_every = Some((1.0 / r).round().max(1.0) as u64);
        }
        options.trace_export = self.traces.is_some();
        options
    }

    /// Write the traces where `--traces` says (nothing without it).
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&self, sampled: &SampledTraces, design: &engine::Design, seed: u64) -> anyhow::Result<()> {
        let Some(path) = &self.traces else { return Ok(()) };
        let spans = engine::sim::report::sampled_otlp::to_otlp_spans(sampled, design, seed);
        let mut text = Vec::new();
        engine::otlp::write::write_spans(&mut text, &spans).context("writing traces")?;
        engine::model::format::write_atomic(path, &text).with_context(|| format!("writing {}", path.display()))?;
        if sampled.dropped_traces > 0 {
            say!(
                "warning: {}: {} sampled traces left out after {} spans (lower --trace-sample-rate)",
                path.display(),
                sampled.dropped_traces,
                engine::sim::report::sampled::MAX_SPANS
            );
        }
        Ok(())
    }
}
