//! Resilience policies as plain parts: small state machines over an abstract
//! clock. Each owns no clock, random stream or queue: the caller passes the
//! time (`now_ns`, integer nanoseconds on any clock that only moves forward)
//! and, where a policy draws, the random [`Stream`](crate::sampling::Stream);
//! a part that waits says when it next wants to be asked
//! (`next_deadline_ns`). The simulator drives them with simulated time from
//! its event loop; the live emulator drives the very same types with
//! wall-clock nanoseconds, so both run one implementation of each policy.
//!
//! | Part | Asks | Answers |
//! |---|---|---|
//! | [`CircuitBreaker`] | `admit`, `on_result(now_ns, failure, probe)`, `poll(now_ns)` | pass, probe or refuse; state changes; when the open period ends |
//! | [`RetryPolicy`] | `decide(attempts, class, now_ns, deadline_ns, budget, rng)` | retry after a delay (backoff with jitter), or give up and why |
//! | [`RetryBudget`] | `on_call`, `try_spend` | whether a retry fits the share of calls that may be retried |
//! | [`TokenBucket`] | `try_acquire(now_ns)` | admit or refuse; when the next token is due |
//! | [`Bulkhead`] | `try_acquire`, `release` | a permit for one more try in flight, or refuse |
//! | [`Timeouts`] | `call_deadline_ns(start_ns)`, `try_deadline_ns(start_ns)` | the instants at which a call or a try is given up |
//! | [`FaultEffect`] | `add_errors(p)`, `add_latency(added_ns, factor)`, `add_outage(replicas)`, `add_partition(hang)` | the failure probability, the delay stretch, the replicas down and the edge's [`Gate`] of the faults active together |
//! | [`lb_choose`] | `(lb, eligible, rr, rng, active)` | the replica a load balancer picks among those eligible |
//! | [`backlog_layout`], [`has_room`], [`next_subscription`], [`delivery_fate`] | a broker's mode, a backlog's length, its subscriptions' free slots, a delivery's end | its backlogs, whether a message fits, which subscription gets it, whether it is consumed, redelivered or dead-lettered |
//! | [`DiscoveryRule`], [`Listing`] | `set_listed`, `on_crash(o, now_ns)`, `on_recover`, `check(o, down, now_ns, rule)` | which instances a registry lists; when the health check removes a crashed one |
//! | [`InstanceCache`] | `consult(now_ns, rule)`, `on_lookup(now_ns, listed, rule)` | whether a caller's list is fresh, stale or must be looked up (one lookup in flight), and what a failed lookup leaves |
//! | [`Autoscaler`], [`plan`](autoscale_plan) | `evaluate(state, now_ns, busy_area, capacity_area, ready)`, `plan(lives, target)` | the replicas wanted (Kubernetes' HPA with scale-down stabilization), and which slots start, stop, drain or come back |
//! | [`OutlierDetector`], [`HostHealth`] | `on_error`, `on_success`, `may_eject`, `eject(now_ns)`, `readmit(now_ns)` | which host to eject, for how long, and when it comes back |
//!
//! Configurations are compiled from the design's policy types with
//! `from_model`, which clamps what validation already refuses.

mod autoscaler;
mod broker;
mod bulkhead;
mod circuit_breaker;
mod discovery;
mod fault_effect;
mod load_balancer;
mod outlier;
mod rate_limiter;
mod retry;
mod retry_budget;
mod timeout;

pub use autoscaler::{Autoscaler, AutoscalerState, Life, Scale, plan as autoscale_plan};
pub use broker::{DeliveryFate, backlog_layout, delivery_fate, has_room, next_subscription};
pub use bulkhead::Bulkhead;
pub use circuit_breaker::{BreakerConfig, BreakerDecision, BreakerState, CircuitBreaker};
pub use discovery::{CacheDecision, DiscoveryRule, InstanceCache, Listing, LookupEnd};
pub use fault_effect::{FaultEffect, Gate, stretch};
pub use load_balancer::choose as lb_choose;
pub use outlier::{HostHealth, OutlierDetector};
pub use rate_limiter::TokenBucket;
pub use retry::{BackoffPolicy, RETRY_ERROR, RETRY_REJECTED, RETRY_TIMEOUT, RetryDecision, RetryPolicy, retry_class};
pub use retry_budget::RetryBudget;
pub use timeout::Timeouts;
