//! Caller-side call policies compiled for the run, and the state each policy
//! edge keeps: its circuit breaker, retry budget and bulkhead.
//!
//! The semantics follow what gets deployed: Istio/Envoy timeouts (an overall
//! `timeout_ms` covering every try, a `per_try_timeout_ms` per try), retries
//! with backoff and jitter, a Finagle-style retry budget, and a
//! resilience4j-style breaker (closed → open on consecutive failures or a
//! failure ratio over a count window; open → half-open after `open_s`; a
//! half-open breaker lets `half_open_probes` tries through, closes after that
//! many successes and re-opens on any failed probe).

use std::collections::VecDeque;

use crate::model::{Backoff, Edge, Outcome, RejectCause, RetryOn};

use crate::sampling::{ms_to_ns, s_to_ns};
use crate::sim::core::plan::NONE;

/// `retry_on` bit: the callee answered with an error.
pub(crate) const RETRY_ERROR: u8 = 1;
/// `retry_on` bit: the try timed out.
pub(crate) const RETRY_TIMEOUT: u8 = 2;
/// `retry_on` bit: the callee rejected the try (queue full, rate limited).
pub(crate) const RETRY_REJECTED: u8 = 4;

/// Calls' worth of retries a budget banks at most (a burst allowance).
const BUDGET_BANKED_CALLS: f64 = 100.0;

/// Delay between tries.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PBackoff {
    None,
    Fixed(u64),
    Exponential { base_ns: u64, max_ns: u64 },
}

/// A compiled circuit breaker.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PBreaker {
    /// Consecutive failures that open it (0 = not used).
    pub consecutive: u32,
    /// Failure ratio over the window that opens it (> 1 = not used).
    pub ratio: f64,
    pub window: u32,
    pub open_ns: u64,
    pub probes: u32,
}

/// A call edge's compiled policy.
#[derive(Clone, Debug)]
pub(crate) struct PPolicy {
    pub edge: u32,
    /// Overall timeout including retries (`u64::MAX` = none).
    pub timeout_ns: u64,
    /// Timeout of each try (`u64::MAX` = none).
    pub per_try_ns: u64,
    pub max_attempts: u32,
    pub retry_on: u8,
    pub backoff: PBackoff,
    pub jitter: f64,
    /// Share of calls that may be retried (`None` = no budget).
    pub budget: Option<f64>,
    pub breaker: Option<PBreaker>,
    /// Most tries in flight (`u32::MAX` = no bulkhead).
    pub bulkhead: u32,
    /// Time to produce the degraded answer (`None` = no fallback).
    pub fallback_ns: Option<u64>,
    /// The callee drops or cuts short a try its caller gave up on.
    pub cancel: bool,
}

impl PPolicy {
    /// Delay before try `attempt + 1` (after `attempt` tries), before jitter.
    pub fn backoff_ns(&self, attempt: u32) -> u64 {
        match self.backoff {
            PBackoff::None => 0,
            PBackoff::Fixed(d) => d,
            PBackoff::Exponential { base_ns, max_ns } => {
                let shift = attempt.saturating_sub(1).min(40);
                base_ns.saturating_mul(1u64 << shift).min(max_ns)
            }
        }
    }
}

/// The `retry_on` bit a failed try falls under (0: never retried).
///
/// Rejections by the caller's own breaker or bulkhead are not retried: failing
/// fast is their point (resilience4j does not retry `CallNotPermitted`).
pub(crate) fn retry_class(o: Outcome) -> u8 {
    match o {
        Outcome::Error => RETRY_ERROR,
        Outcome::Timeout => RETRY_TIMEOUT,
        Outcome::Rejected(RejectCause::QueueFull | RejectCause::RateLimited | RejectCause::InFlightCap) => {
            RETRY_REJECTED
        }
        _ => 0,
    }
}

/// Whether a try's outcome counts as a failure for the breaker.
pub(crate) fn breaker_failure(o: Outcome) -> bool {
    retry_class(o) != 0
}

/// Compile an edge's policy (validation has checked its ranges); returns its
/// index in `policies` or `NONE`.
pub(crate) fn compile(e: &Edge, edge: u32, policies: &mut Vec<PPolicy>) -> u32 {
    let Some(p) = &e.policy else { return NONE };
    if p.is_empty() {
        return NONE;
    }
    let timeout = |v: Option<f64>| v.map_or(u64::MAX, |ms| ms_to_ns(ms).max(1));
    let timeout_ns = timeout(p.timeout_ms);
    let per_try_ns = timeout(p.per_try_timeout_ms);
    let (max_attempts, retry_on, backoff, jitter, budget) = match &p.retries {
        None => (1, 0, PBackoff::None, 0.0, None),
        Some(r) => {
            let mut bits = 0u8;
            for on in &r.retry_on {
                bits |= match on {
                    RetryOn::Error => RETRY_ERROR,
                    RetryOn::Timeout => RETRY_TIMEOUT,
                    RetryOn::Rejected => RETRY_REJECTED,
                };
            }
            let backoff = match &r.backoff {
                None => PBackoff::None,
                Some(Backoff::Fixed { delay_ms }) => PBackoff::Fixed(ms_to_ns(*delay_ms)),
                Some(Backoff::Exponential { base_ms, max_ms }) => {
                    PBackoff::Exponential { base_ns: ms_to_ns(*base_ms), max_ns: ms_to_ns(*max_ms) }
                }
            };
            (r.max_attempts.max(1), bits, backoff, r.jitter.clamp(0.0, 1.0), r.budget_ratio.map(|b| b.max(0.0)))
        }
    };
    let breaker = p.circuit_breaker.as_ref().map(|b| PBreaker {
        consecutive: b.consecutive_failures.unwrap_or(0),
        ratio: b.failure_ratio.unwrap_or(2.0),
        window: b.window_calls.max(1),
        open_ns: s_to_ns(b.open_s).max(1),
        probes: b.half_open_probes.max(1),
    });
    policies.push(PPolicy {
        edge,
        timeout_ns,
        per_try_ns,
        max_attempts,
        retry_on,
        backoff,
        jitter,
        budget,
        breaker,
        bulkhead: p.bulkhead.as_ref().map_or(u32::MAX, |b| b.max_concurrent),
        fallback_ns: p.fallback.as_ref().map(|f| ms_to_ns(f.latency_ms)),
        cancel: p.propagate_cancellation,
    });
    (policies.len() - 1) as u32
}

/// A breaker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BreakerMode {
    Closed,
    Open,
    HalfOpen,
}

/// A breaker's live state.
#[derive(Clone, Debug)]
pub(crate) struct Breaker {
    pub mode: BreakerMode,
    consecutive: u32,
    /// The last `window` results (true = failure), for the failure ratio.
    window: VecDeque<bool>,
    failures_in_window: u32,
    probes_out: u32,
    probes_ok: u32,
    /// Bumped at every opening, so a stale half-open timer is ignored.
    pub epoch: u32,
}

impl Breaker {
    pub fn new() -> Self {
        Self {
            mode: BreakerMode::Closed,
            consecutive: 0,
            window: VecDeque::new(),
            failures_in_window: 0,
            probes_out: 0,
            probes_ok: 0,
            epoch: 0,
        }
    }

    /// Whether a try may go: `Some(probe)`, or `None` to fail fast.
    pub fn admit(&mut self, cfg: &PBreaker) -> Option<bool> {
        match self.mode {
            BreakerMode::Closed => Some(false),
            BreakerMode::Open => None,
            BreakerMode::HalfOpen => {
                if self.probes_out + self.probes_ok < cfg.probes {
                    self.probes_out += 1;
                    Some(true)
                } else {
                    None
                }
            }
        }
    }

    /// A try's result; returns the new mode when it changed.
    pub fn record(&mut self, cfg: &PBreaker, failure: bool, probe: bool) -> Option<BreakerMode> {
        match self.mode {
            BreakerMode::Closed => {
                self.consecutive = if failure { self.consecutive + 1 } else { 0 };
                if cfg.ratio <= 1.0 {
                    self.window.push_back(failure);
                    self.failures_in_window += u32::from(failure);
                    if self.window.len() > cfg.window as usize
                        && let Some(old) = self.window.pop_front()
                    {
                        self.failures_in_window -= u32::from(old);
                    }
                }
                let by_count = cfg.consecutive > 0 && self.consecutive >= cfg.consecutive;
                let by_ratio = cfg.ratio <= 1.0
                    && self.window.len() >= cfg.window as usize
                    && f64::from(self.failures_in_window) >= cfg.ratio * f64::from(cfg.window);
                (by_count || by_ratio).then(|| self.open())
            }
            BreakerMode::Open => None,
            BreakerMode::HalfOpen => {
                if !probe {
                    return None;
                }
                self.probes_out = self.probes_out.saturating_sub(1);
                if failure {
                    return Some(self.open());
                }
                self.probes_ok += 1;
                if self.probes_ok >= cfg.probes {
                    self.mode = BreakerMode::Closed;
                    self.consecutive = 0;
                    self.window.clear();
                    self.failures_in_window = 0;
                    return Some(BreakerMode::Closed);
                }
                None
            }
        }
    }

    fn open(&mut self) -> BreakerMode {
        self.mode = BreakerMode::Open;
        self.epoch = self.epoch.wrapping_add(1);
        BreakerMode::Open
    }

    /// The open period is over.
    pub fn half_open(&mut self) {
        self.mode = BreakerMode::HalfOpen;
        self.probes_out = 0;
        self.probes_ok = 0;
    }
}

/// A policy edge's live state.
#[derive(Clone, Debug)]
pub(crate) struct EdgePolicyState {
    pub breaker: Breaker,
    /// Retry-budget tokens: each call earns `budget_ratio`, each retry spends 1.
    pub budget: f64,
    /// Tries in flight (bulkhead).
    pub in_flight: u32,
}

impl EdgePolicyState {
    pub fn new(p: &PPolicy) -> Self {
        Self { breaker: Breaker::new(), budget: p.budget.map_or(0.0, budget_cap), in_flight: 0 }
    }
}

/// Tokens a budget banks at most.
pub(crate) fn budget_cap(ratio: f64) -> f64 {
    (ratio * BUDGET_BANKED_CALLS).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(consecutive: u32, ratio: f64, window: u32, probes: u32) -> PBreaker {
        PBreaker { consecutive, ratio, window, open_ns: 1, probes }
    }

    #[test]
    fn consecutive_failures_open_and_probes_close() {
        let c = cfg(3, 2.0, 20, 2);
        let mut b = Breaker::new();
        assert_eq!(b.record(&c, true, false), None);
        assert_eq!(b.record(&c, true, false), None);
        assert_eq!(b.record(&c, true, false), Some(BreakerMode::Open));
        assert_eq!(b.admit(&c), None);
        b.half_open();
        assert_eq!(b.admit(&c), Some(true));
        assert_eq!(b.admit(&c), Some(true));
        assert_eq!(b.admit(&c), None, "only two probes");
        assert_eq!(b.record(&c, false, true), None);
        assert_eq!(b.record(&c, false, true), Some(BreakerMode::Closed));
        assert_eq!(b.admit(&c), Some(false));
    }

    #[test]
    fn failure_ratio_needs_a_full_window() {
        let c = cfg(0, 0.5, 4, 1);
        let mut b = Breaker::new();
        assert_eq!(b.record(&c, true, false), None);
        assert_eq!(b.record(&c, false, true), None);
        assert_eq!(b.record(&c, false, false), None);
        assert_eq!(b.record(&c, true, false), Some(BreakerMode::Open), "2 of 4 failed");
        b.half_open();
        assert_eq!(b.admit(&c), Some(true));
        assert_eq!(b.record(&c, true, true), Some(BreakerMode::Open), "a failed probe re-opens");
    }

    #[test]
    fn exponential_backoff_doubles_up_to_the_cap() {
        let p = PPolicy {
            edge: 0,
            timeout_ns: u64::MAX,
            per_try_ns: u64::MAX,
            max_attempts: 5,
            retry_on: RETRY_ERROR,
            backoff: PBackoff::Exponential { base_ns: 10, max_ns: 35 },
            jitter: 0.0,
            budget: None,
            breaker: None,
            bulkhead: u32::MAX,
            fallback_ns: None,
            cancel: false,
        };
        assert_eq!((1..=4).map(|a| p.backoff_ns(a)).collect::<Vec<_>>(), vec![10, 20, 35, 35]);
    }
}
