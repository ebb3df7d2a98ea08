//! Caller-side call policies compiled for the run, and the state each policy
//! edge keeps: its circuit breaker, retry budget and bulkhead.
//!
//! The policies themselves are the crate's [`crate::policy`] parts (the
//! semantics follow what gets deployed: Istio/Envoy timeouts, retries with
//! backoff and jitter, a Finagle-style retry budget, a resilience4j-style
//! breaker and bulkhead); this file compiles an edge's policy into them and
//! holds one replication's live state of each.

use crate::model::{Edge, Outcome};
use crate::policy::{BreakerConfig, Bulkhead, CircuitBreaker, RetryBudget, RetryPolicy, Timeouts, retry_class};
use crate::sampling::ms_to_ns;
use crate::sim::core::plan::NONE;

/// A call edge's compiled policy.
#[derive(Clone, Debug)]
pub(crate) struct PPolicy {
    pub edge: u32,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    /// Share of calls that may be retried (`None` = no budget).
    pub budget: Option<f64>,
    pub breaker: Option<BreakerConfig>,
    /// Most tries in flight (`None` = no bulkhead).
    pub bulkhead: Option<u32>,
    /// Time to produce the degraded answer (`None` = no fallback).
    pub fallback_ns: Option<u64>,
    /// The callee drops or cuts short a try its caller gave up on.
    pub cancel: bool,
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
    policies.push(PPolicy {
        edge,
        timeouts: Timeouts::from_model(p),
        retry: RetryPolicy::from_model(p.retries.as_ref()),
        budget: p.retries.as_ref().and_then(|r| r.budget_ratio).map(|b| b.max(0.0)),
        breaker: p.circuit_breaker.as_ref().map(BreakerConfig::from_model),
        bulkhead: p.bulkhead.as_ref().map(|b| b.max_concurrent),
        fallback_ns: p.fallback.as_ref().map(|f| ms_to_ns(f.latency_ms)),
        cancel: p.propagate_cancellation,
    });
    (policies.len() - 1) as u32
}

/// A policy edge's live state.
#[derive(Clone, Debug)]
pub(crate) struct EdgePolicyState {
    pub breaker: Option<CircuitBreaker>,
    pub budget: Option<RetryBudget>,
    pub bulkhead: Option<Bulkhead>,
}

impl EdgePolicyState {
    pub fn new(p: &PPolicy) -> Self {
        Self {
            breaker: p.breaker.map(CircuitBreaker::new),
            budget: p.budget.map(RetryBudget::new),
            bulkhead: p.bulkhead.map(Bulkhead::new),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallPolicy, Retries};

    #[test]
    fn an_edge_policy_compiles_into_its_parts() {
        let mut e = Edge::new("a-b", "a", "b", crate::model::EdgeKind::Call);
        let mut policies = Vec::new();
        assert_eq!(compile(&e, 0, &mut policies), NONE, "no policy");
        e.policy = Some(CallPolicy {
            timeout_ms: Some(100.0),
            retries: Some(Retries {
                max_attempts: 3,
                retry_on: vec![crate::model::RetryOn::Error],
                backoff: None,
                jitter: 0.0,
                budget_ratio: Some(0.1),
            }),
            ..CallPolicy::default()
        });
        assert_eq!(compile(&e, 7, &mut policies), 0);
        let p = &policies[0];
        assert_eq!((p.edge, p.timeouts.call_ns, p.retry.max_attempts, p.budget), (7, Some(100_000_000), 3, Some(0.1)));
        let st = EdgePolicyState::new(p);
        assert!(st.breaker.is_none() && st.bulkhead.is_none());
        assert!(st.budget.is_some_and(|b| (b.tokens() - 10.0).abs() < 1e-9));
    }
}
