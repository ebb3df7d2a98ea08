//! How a request ended. Fixed here so that the simulator, the report, the SLO
//! checks and the UI agree on one vocabulary.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a request was turned away without being served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectCause {
    /// The replica's FIFO queue was at capacity.
    QueueFull,
    /// The node's rate limiter had no token.
    RateLimited,
    /// The edge's bulkhead was at its concurrency limit.
    Bulkhead,
    /// The edge's circuit breaker was open.
    BreakerOpen,
    /// The simulation's cap on requests in flight was reached.
    InFlightCap,
}

impl RejectCause {
    /// Every cause, in report order.
    pub const ALL: [Self; 5] =
        [Self::QueueFull, Self::RateLimited, Self::Bulkhead, Self::BreakerOpen, Self::InFlightCap];

    /// The snake_case name used in files and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::QueueFull => "queue_full",
            Self::RateLimited => "rate_limited",
            Self::Bulkhead => "bulkhead",
            Self::BreakerOpen => "breaker_open",
            Self::InFlightCap => "in_flight_cap",
        }
    }
}

/// The outcome of one request (end to end, or one hop of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "outcome", content = "cause", rename_all = "snake_case")]
pub enum Outcome {
    /// Served successfully.
    Ok,
    /// A fallback answered instead of the failed dependency.
    Degraded,
    /// Failed with an error.
    Error,
    /// The caller gave up waiting.
    Timeout,
    /// Turned away without being served.
    Rejected(RejectCause),
    /// Still in progress when the run ended.
    InFlight,
}

impl Outcome {
    /// Whether an SLO's error rate counts this outcome (error, timeout, rejected).
    #[must_use]
    pub fn is_failure(self) -> bool {
        matches!(self, Self::Error | Self::Timeout | Self::Rejected(_))
    }
}
