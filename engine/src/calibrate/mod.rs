//! Calibration from telemetry: traces (OTLP JSON, Jaeger JSON) and
//! Prometheus metrics turned into a design, or into changes to an existing
//! one, listing what the data could not show.
//!
//! ```text
//! otlp::read / otlp::jaeger ─▶ store.rs (compact spans) ─▶ analyse.rs (visits, steps, order)
//!                                                              │
//! prometheus.rs (histograms, rates) ───────────────▶ design.rs (fit.rs) ─▶ Calibration
//! ```

pub mod analyse;
pub mod describe;
pub mod design;
pub mod discovery;
pub mod fit;
pub mod input;
pub mod prometheus;
pub mod retries;
pub mod store;

use std::io::{BufRead, Read};

use describe::Describe;

pub use design::{Calibration, ServiceFit};
pub use input::InputKind;

use crate::model::{Design, Distribution, Node, NodeKind};
use crate::otlp::read::ReadError;

/// Collects spans and metrics, then calibrates.
#[derive(Debug, Default)]
pub struct Calibrator {
    store: store::Store,
    histograms: Vec<((String, String), prometheus::Histogram)>,
    rates: Vec<((String, String), f64)>,
}

/// Prometheus figures in a calibration's output.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MetricRate {
    /// Counter name.
    pub metric: String,
    /// Service.
    pub service: String,
    /// Increase per second between the two scrapes.
    pub per_s: f64,
}

impl Calibrator {
    /// Nothing read yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep one span.
    pub fn add_span(&mut self, span: &crate::otlp::Span) {
        self.store.add(span);
    }

    /// Spans kept so far.
    #[must_use]
    pub fn span_count(&self) -> usize {
        self.store.spans.len()
    }

    /// Read OTLP JSON (streamed, at most `limit_bytes`).
    ///
    /// # Errors
    /// As [`crate::otlp::read::read_spans`].
    pub fn read_otlp(&mut self, input: impl BufRead, limit_bytes: u64) -> Result<u64, ReadError> {
        crate::otlp::read::read_spans(input, limit_bytes, |s| self.store.add(&s))
    }

    /// Read Jaeger JSON (at most `limit_bytes`).
    ///
    /// # Errors
    /// As [`crate::otlp::jaeger::read_spans`].
    pub fn read_jaeger(&mut self, input: impl Read, limit_bytes: u64) -> Result<u64, ReadError> {
        crate::otlp::jaeger::read_spans(input, limit_bytes, |s| self.store.add(&s))
    }

    /// Add Prometheus scrapes: the histograms of the last, and the counter
    /// rates between the first and the last (`interval_s` when they carry no timestamps).
    pub fn add_prometheus(
        &mut self,
        first: &[prometheus::Sample],
        last: &[prometheus::Sample],
        interval_s: Option<f64>,
    ) {
        self.histograms.extend(prometheus::histograms(last));
        if !std::ptr::eq(first, last) {
            self.rates.extend(prometheus::rates(first, last, interval_s));
        }
    }

    /// Calibrate: a new design, or `base` updated. `sample_rate` is the share of requests traced (0, 1].
    #[must_use]
    pub fn finish(mut self, sample_rate: f64, base: Option<&Design>) -> (Calibration, Vec<MetricRate>) {
        let rate = if sample_rate > 0.0 && sample_rate <= 1.0 { sample_rate } else { 1.0 };
        let mut obs = analyse::analyse(&mut self.store);
        let mut cal = design::build(&mut obs, &self.store, rate, base);
        for ((metric, service), h) in &self.histograms {
            apply_histogram(&mut cal, metric, service, h);
        }
        let rates =
            self.rates.into_iter().map(|((metric, service), per_s)| MetricRate { metric, service, per_s }).collect();
        (cal, rates)
    }
}

/// A latency histogram sets a service time the traces did not.
fn apply_histogram(cal: &mut Calibration, metric: &str, service: &str, h: &prometheus::Histogram) {
    let unit = prometheus::ms_per_unit(metric);
    let (Some(p50), Some(p99)) = (h.quantile(0.5), h.quantile(0.99)) else { return };
    let (p50, p99) = (p50 * unit, p99 * unit);
    let d = if p99 > p50 && p50 > 0.0 {
        Distribution::Lognormal { p50_ms: p50, p99_ms: p99 }
    } else {
        Distribution::Constant { value_ms: p50.max(p99) }
    };
    if cal.services.iter().any(|s| s.service == service && s.distribution.is_some()) {
        let series = format!("{metric}{{{service}}}");
        cal.warnings.push(crate::msg!("engine-calibrate-histogram-unused", "{series}: the traces already gave this service's own time; the histogram (which includes downstream calls) is not used", series = series));
        return;
    }
    let node = if let Some(i) = cal.design.nodes.iter_mut().position(|n| n.id == service || n.name == service) {
        cal.design.nodes.get_mut(i)
    } else {
        cal.changes.push(crate::msg!(
            "engine-calibrate-metrics-node",
            "nodes[{service}]: added (service, from {metric})",
            service = service,
            metric = metric
        ));
        cal.not_inferred.push(crate::msg!(
            "engine-calibrate-metrics-calls",
            "nodes[{service}]: its calls and capacity are not in metrics",
            service = service
        ));
        cal.design.nodes.push(Node::new(service, service, NodeKind::Service));
        cal.design.nodes.last_mut()
    };
    let Some(node) = node else { return };
    if node.service_time != d {
        let (id, old, new) = (&node.id, node.service_time.describe(), d.describe());
        cal.changes.push(
            crate::msg!("engine-calibrate-histogram-time", "nodes[{id}].service_time: {old} → {new} (p50 and p99 of {metric}, interpolated in buckets as histogram_quantile)", id = id, old = old.as_str(), new = new.as_str(), metric = metric)
                .with_list("old", vec![old.clone()], "")
                .with_list("new", vec![new.clone()], ""),
        );
        node.service_time = d;
    }
    let series = format!("{metric}{{{service}}}");
    cal.warnings.push(crate::msg!("engine-calibrate-histogram-bound", "{series}: a server latency histogram includes downstream calls and queueing; the service time set from it is an upper bound", series = series));
}
