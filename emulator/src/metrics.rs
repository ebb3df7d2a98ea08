//! A node's metrics in the Prometheus text format (OpenMetrics flavour, which
//! Prometheus scrapes): requests by outcome, a latency histogram, requests in
//! flight, queue length, busy workers and replicas, wasted work (visits
//! whose worker time was for nobody, see [`crate::waste`]), and the state of
//! each circuit breaker on the node's calls. Durations are in modelled
//! seconds (wall-clock time divided by the time scale), so the figures read as
//! the design's and as the report's.

use std::borrow::Cow;

use engine::model::Outcome;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::station::Station;

/// The label of the outcome counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: String,
}

/// One node's metrics.
#[derive(Debug)]
pub struct NodeMetrics {
    /// The node's id, for the logs.
    id: String,
    registry: Registry,
    requests: Family<OutcomeLabel, Counter>,
    latency: Histogram,
    in_flight: Gauge,
    queue: Gauge,
    busy: Gauge,
    replicas: Gauge,
    wasted_visits: Counter,
    wasted_seconds: Counter<f64, std::sync::atomic::AtomicU64>,
}

/// The name an outcome has in metrics and headers.
#[must_use]
pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Degraded => "degraded",
        Outcome::Error => "error",
        Outcome::Timeout => "timeout",
        Outcome::Rejected(cause) => cause.as_str(),
        Outcome::InFlight => "in_flight",
    }
}

impl NodeMetrics {
    /// The metrics of node `id` with `replicas` replicas.
    #[must_use]
    pub fn new(id: &str, replicas: u32) -> Self {
        let labels = std::iter::once((Cow::Borrowed("node"), Cow::Owned(id.to_owned())));
        let mut registry = Registry::with_prefix_and_labels("switchboard", labels);
        let requests = Family::<OutcomeLabel, Counter>::default();
        registry.register("requests", "Requests handled, by outcome", requests.clone());
        // 0.1 ms to about 100 s in modelled time, a factor of 2 apart.
        let latency = Histogram::new(exponential_buckets(0.000_1, 2.0, 20));
        registry.register(
            "request_duration_seconds",
            "Time from arrival to answer of successful requests, modelled seconds",
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register("in_flight", "Requests queued or being handled", in_flight.clone());
        let queue = Gauge::default();
        registry.register("queue_length", "Requests waiting for a worker, over all replicas", queue.clone());
        let busy = Gauge::default();
        registry.register("busy_workers", "Workers held by a request, over all replicas", busy.clone());
        let replicas_gauge: Gauge = Gauge::default();
        registry.register("replicas", "Replicas serving", replicas_gauge.clone());
        replicas_gauge.set(i64::from(replicas));
        let wasted_visits = Counter::default();
        registry.register("wasted_visits", "Visits whose worker time was for nobody", wasted_visits.clone());
        let wasted_seconds = Counter::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register("wasted_seconds", "Worker time held for nobody, modelled seconds", wasted_seconds.clone());
        Self {
            id: id.to_owned(),
            registry,
            requests,
            latency,
            in_flight,
            queue,
            busy,
            replicas: replicas_gauge,
            wasted_visits,
            wasted_seconds,
        }
    }

    /// A request ended with `outcome` after `latency_s` modelled seconds
    /// (logged at debug level when it failed).
    pub fn record(&self, outcome: Outcome, latency_s: f64) {
        self.requests.get_or_create(&OutcomeLabel { outcome: outcome_name(outcome).to_owned() }).inc();
        if matches!(outcome, Outcome::Ok | Outcome::Degraded) {
            self.latency.observe(latency_s);
        } else {
            tracing::debug!(node = %self.id, outcome = outcome_name(outcome), latency_ms = latency_s * 1e3, "visit failed");
        }
    }

    /// A visit held a worker `held_s` modelled seconds for nobody.
    pub fn waste(&self, held_s: f64) {
        self.wasted_visits.inc();
        self.wasted_seconds.inc_by(held_s);
    }

    /// The text exposition, with the station's gauges read now.
    #[must_use]
    pub fn encode(&self, station: Option<&Station>, in_flight: u64) -> String {
        self.in_flight.set(i64::try_from(in_flight).unwrap_or(i64::MAX));
        if let Some(s) = station {
            self.queue.set(i64::try_from(s.queued()).unwrap_or(i64::MAX));
            self.busy.set(i64::try_from(s.busy()).unwrap_or(i64::MAX));
            self.replicas.set(i64::try_from(s.serving()).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The state of the circuit breakers on node `id`'s calls, one gauge per
/// (edge, state) that is 1 for the breaker's current state and 0 for the
/// others (the shape Resilience4j's `circuitbreaker_state` has, so a
/// dashboard can sum or plot it). Empty without breakers.
#[must_use]
pub fn breaker_text(id: &str, breakers: &[(String, engine::policy::BreakerState)]) -> String {
    use engine::policy::BreakerState;
    if breakers.is_empty() {
        return String::new();
    }
    let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    let id = quote(id);
    let mut out = String::from(
        "# HELP switchboard_breaker_state Circuit breaker of a call from this node: 1 for its current state.\n\
         # TYPE switchboard_breaker_state gauge\n",
    );
    for (edge, state) in breakers {
        let edge = quote(edge);
        for (name, s) in
            [("closed", BreakerState::Closed), ("open", BreakerState::Open), ("half_open", BreakerState::HalfOpen)]
        {
            let v = u8::from(*state == s);
            out.push_str(&format!("switchboard_breaker_state{{node=\"{id}\",edge=\"{edge}\",state=\"{name}\"}} {v}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::policy::BreakerState;

    #[test]
    fn a_breaker_reads_one_for_its_state_and_labels_are_escaped() {
        assert!(breaker_text("api", &[]).is_empty());
        let text = breaker_text("a\"pi", &[("api-db".to_owned(), BreakerState::HalfOpen)]);
        assert!(text.contains("# TYPE switchboard_breaker_state gauge\n"), "{text}");
        assert!(text.contains("{node=\"a\\\"pi\",edge=\"api-db\",state=\"half_open\"} 1\n"), "{text}");
        assert!(text.contains("state=\"open\"} 0\n") && text.contains("state=\"closed\"} 0\n"), "{text}");
        assert_eq!(text.lines().count(), 5);
    }
}
