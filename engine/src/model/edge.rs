//! Edges: how services talk. Every outgoing edge of a node is one step of its
//! request handling, run in `order`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::message::Message;

use super::Distribution;

/// How two nodes talk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Synchronous request/response (REST, gRPC): the caller waits.
    #[default]
    Call,
    /// Publish to a broker: the publisher does not wait for consumers.
    Event,
    /// Broker → consumer: the consumer pulls messages with its own concurrency.
    Subscription,
    /// In-process signal (Django-style): the receiver runs on the sender's worker
    /// before the sender continues.
    Signal,
}

impl EdgeKind {
    /// Every kind, in menu order.
    pub const ALL: [Self; 4] = [Self::Call, Self::Event, Self::Subscription, Self::Signal];

    /// The snake_case name used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Event => "event",
            Self::Subscription => "subscription",
            Self::Signal => "signal",
        }
    }
}

/// Membership in a weighted branch: of all edges of a node sharing `group`,
/// exactly one is taken per request, chosen by weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// Branch group name, unique per source node.
    pub group: String,
    /// Relative weight (> 0).
    pub weight: f64,
}

/// Which failures a retry policy retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetryOn {
    /// The callee answered with an error.
    Error,
    /// The try timed out.
    Timeout,
    /// The callee rejected the call (queue full, rate limited).
    Rejected,
}

/// Backoff between retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Backoff {
    /// The same delay every time.
    Fixed {
        /// Delay in milliseconds.
        delay_ms: f64,
    },
    /// base × 2^(attempt−1), capped.
    Exponential {
        /// First delay in milliseconds.
        base_ms: f64,
        /// Largest delay in milliseconds.
        max_ms: f64,
    },
}

/// Retries of a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retries {
    /// Most attempts in all, including the first.
    pub max_attempts: u32,
    /// Failures that are retried.
    #[serde(default = "default_retry_on")]
    pub retry_on: Vec<RetryOn>,
    /// Delay between attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    /// Random jitter as a fraction of the delay, 0–1.
    #[serde(default)]
    pub jitter: f64,
    /// Retry budget: retries may be at most this share of calls (0–1); absent means no budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_ratio: Option<f64>,
}

fn default_retry_on() -> Vec<RetryOn> {
    vec![RetryOn::Error, RetryOn::Timeout]
}

/// Caller-side circuit breaker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreaker {
    /// Consecutive failures that open the breaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consecutive_failures: Option<u32>,
    /// Failure ratio over the window that opens the breaker, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_ratio: Option<f64>,
    /// Window (in calls) for `failure_ratio`.
    #[serde(default = "default_window_calls")]
    #[schemars(range(min = 1, max = 100_000))]
    pub window_calls: u32,
    /// Seconds the breaker stays open before half-open.
    pub open_s: f64,
    /// Probe calls let through while half-open.
    #[serde(default = "default_probes")]
    pub half_open_probes: u32,
}

fn default_window_calls() -> u32 {
    20
}

fn default_probes() -> u32 {
    1
}

/// Most calls in flight on the edge at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bulkhead {
    /// Concurrent calls allowed.
    pub max_concurrent: u32,
}

/// What the caller does instead of failing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fallback {
    /// Time spent producing the degraded answer, in milliseconds.
    #[serde(default)]
    pub latency_ms: f64,
}

/// Caller-side policies of a call edge (filled in by the resilience work).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallPolicy {
    /// Overall timeout of the call including retries, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<f64>,
    /// Timeout of each try, in milliseconds (Istio's perTryTimeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_try_timeout_ms: Option<f64>,
    /// Retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<Retries>,
    /// Circuit breaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<CircuitBreaker>,
    /// Bulkhead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulkhead: Option<Bulkhead>,
    /// Fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
    /// When the caller gives up on a try (timeout), the callee learns of it
    /// (gRPC deadline propagation, context cancellation): a try still queued is
    /// dropped and one in service skips its remaining steps. Without it the
    /// callee finishes the abandoned work, which the report counts as wasted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub propagate_cancellation: bool,
}

impl CallPolicy {
    /// Whether no policy is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// A short canvas label, e.g. "timeout 200 ms · 3 retries".
    #[must_use]
    pub fn label(&self) -> Message {
        let mut parts = Vec::new();
        if let Some(t) = self.timeout_ms {
            parts.push(crate::msg!("engine-label-timeout", "timeout {t} ms", t = t));
        }
        if let Some(r) = &self.retries {
            parts.push(crate::msg!("engine-label-retries", "{n} retries", n = r.max_attempts.saturating_sub(1)));
        }
        if self.circuit_breaker.is_some() {
            parts.push(crate::msg!("engine-label-breaker", "breaker"));
        }
        if let Some(b) = &self.bulkhead {
            parts.push(crate::msg!("engine-label-bulkhead", "bulkhead {n}", n = b.max_concurrent));
        }
        if self.fallback.is_some() {
            parts.push(crate::msg!("engine-label-fallback", "fallback"));
        }
        crate::message::list(parts, " · ")
    }
}

/// Consumer settings of a subscription edge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSettings {
    /// Messages the consumer processes at once from this subscription (prefetch).
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// Deliveries before a message goes to the dead-letter queue (1 = no redelivery).
    #[serde(default = "default_max_deliveries")]
    pub max_deliveries: u32,
    /// Delay before a failed message is redelivered, in milliseconds.
    #[serde(default)]
    pub redelivery_delay_ms: f64,
}

/// What a publisher meets when the broker's backlog is at `capacity_messages`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhenFull {
    /// The broker drops the message; the publisher does not wait and is not told.
    #[default]
    Drop,
    /// The publisher waits for the broker's confirm and its request fails
    /// (rejected, queue full) when the backlog is full (RabbitMQ `reject-publish`).
    Error,
    /// The publisher waits until the backlog has room (flow control, a Kafka
    /// producer's full buffer).
    Block,
}

/// Publisher settings of an event edge.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishSettings {
    /// Behaviour when the broker is full.
    #[serde(default)]
    pub when_full: WhenFull,
}

fn default_concurrency() -> u32 {
    1
}

fn default_max_deliveries() -> u32 {
    1
}

impl Default for SubscriptionSettings {
    fn default() -> Self {
        Self { concurrency: 1, max_deliveries: 1, redelivery_delay_ms: 0.0 }
    }
}

fn default_probability() -> f64 {
    1.0
}

#[allow(clippy::float_cmp, reason = "exactly the default value is omitted from files")]
fn is_one_f(v: &f64) -> bool {
    *v == 1.0
}

fn default_calls() -> u32 {
    1
}

fn is_one(v: &u32) -> bool {
    *v == 1
}

fn is_zero_u(v: &u32) -> bool {
    *v == 0
}

/// A directed edge between two nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Stable identifier.
    pub id: String,
    /// Source node id (the caller, publisher, broker or signal sender).
    pub from: String,
    /// Target node id.
    pub to: String,
    /// How the two talk.
    #[serde(default)]
    pub kind: EdgeKind,
    /// The source's operation this step belongs to; absent means every operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The target's operation invoked; absent means its default handling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_operation: Option<String>,
    /// Step order among the source's outgoing edges (ascending; ties keep file order).
    #[serde(default, skip_serializing_if = "is_zero_u")]
    pub order: u32,
    /// Steps sharing a parallel group run concurrently and join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_group: Option<String>,
    /// Probability that the step is taken, independently per request, 0–1.
    #[serde(default = "default_probability", skip_serializing_if = "is_one_f")]
    pub probability: f64,
    /// Weighted branch membership (exactly one member of a group is taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<Branch>,
    /// How many times the step runs per request (sequentially).
    #[serde(default = "default_calls", skip_serializing_if = "is_one")]
    pub calls_per_request: u32,
    /// Network latency added each way (calls) or once (events), in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_latency: Option<Distribution>,
    /// Payload size in bytes (documentation and exporters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_bytes: Option<u64>,
    /// Signal name for signal edges, e.g. `post_save`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// Signal edges: a receiver's failure does not fail the sender (Django's `send_robust`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub robust: bool,
    /// Subscription edges: consumer settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<SubscriptionSettings>,
    /// Call edges: caller-side resilience policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<CallPolicy>,
    /// Event edges: what the publisher meets when the broker is full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish: Option<PublishSettings>,
}

impl Edge {
    /// An edge with defaults.
    #[must_use]
    pub fn new(id: impl Into<String>, from: impl Into<String>, to: impl Into<String>, kind: EdgeKind) -> Self {
        Self {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
            operation: None,
            target_operation: None,
            order: 0,
            parallel_group: None,
            probability: 1.0,
            branch: None,
            calls_per_request: 1,
            network_latency: None,
            payload_bytes: None,
            signal: None,
            robust: false,
            subscription: None,
            policy: None,
            publish: None,
        }
    }

    /// A short canvas label such as "p=0.3 · ×2 · timeout 200 ms".
    #[must_use]
    pub fn label(&self) -> Message {
        let mut parts = Vec::new();
        if let Some(s) = &self.signal {
            parts.push(Message::untranslated(s.clone()));
        }
        if self.probability < 1.0 {
            parts.push(Message::untranslated(format!("p={}", self.probability)));
        }
        if let Some(b) = &self.branch {
            parts.push(Message::untranslated(format!("{} w={}", b.group, b.weight)));
        }
        if self.calls_per_request != 1 {
            parts.push(Message::untranslated(format!("×{}", self.calls_per_request)));
        }
        if let Some(g) = &self.parallel_group {
            parts.push(Message::untranslated(format!("‖{g}")));
        }
        if let Some(p) = &self.policy {
            let l = p.label();
            if !l.is_empty() {
                parts.push(l);
            }
        }
        crate::message::list(parts, " · ")
    }
}
