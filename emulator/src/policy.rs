//! Calls on edges with a policy, driven by the engine's clock-free policy
//! parts (`engine::policy`) with the emulation's modelled clock, in the
//! order the simulator follows (`engine/src/sim/flow/calls.rs`): a logical
//! call is made of tries; each try passes the breaker (failing fast when it
//! is open) and the bulkhead, then goes as a plain call bounded by the
//! per-try timeout; a failed try is retried as `retry_on`, the backoff and
//! the budget decide; the overall timeout bounds the whole call; a call that
//! still fails answers through the fallback (degraded).
//!
//! A try the caller gives up on is left to run (its callee finishes the
//! work, as the simulator's orphan, and is told so that it counts the work
//! as wasted, see [`crate::waste`]) unless the policy propagates
//! cancellation, in which case its connection is dropped and the callee's
//! server stops the request where it is. A try in flight when the overall
//! timeout ends the call counts on its edge as timed out, as the
//! simulator's `abandon_attempt`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use engine::model::{CallPolicy, Outcome, RejectCause};
use engine::policy::{
    BreakerConfig, BreakerDecision, Bulkhead, CircuitBreaker, RetryBudget, RetryDecision, RetryPolicy, Timeouts,
    retry_class,
};
use engine::sampling::{Stream, ms_to_ns};

use crate::node::Shared;
use crate::policy_measure::{Event, Logical};
use crate::topology::Step;
use crate::trace::{Hop, TraceContext};

/// An edge's policy: its configuration and live state.
#[derive(Debug)]
pub struct EdgePolicy {
    timeouts: Timeouts,
    retry: RetryPolicy,
    fallback_ns: Option<u64>,
    cancel: bool,
    state: Mutex<PolicyState>,
    /// What it did, for the edge's report section.
    pub measure: crate::policy_measure::PolicyMeasure,
}

#[derive(Debug)]
struct PolicyState {
    breaker: Option<CircuitBreaker>,
    budget: Option<RetryBudget>,
    bulkhead: Option<Bulkhead>,
    rng: Stream,
}

impl EdgePolicy {
    /// The policy of edge `edge_id` (`None` when it sets nothing), its
    /// retry jitter drawn from the stream the simulator keys for it.
    #[must_use]
    pub fn of(policy: Option<&CallPolicy>, edge_id: &str, seed: u64) -> Option<Arc<Self>> {
        let p = policy.filter(|p| !p.is_empty())?;
        Some(Arc::new(Self {
            timeouts: Timeouts::from_model(p),
            retry: RetryPolicy::from_model(p.retries.as_ref()),
            fallback_ns: p.fallback.as_ref().map(|f| ms_to_ns(f.latency_ms)),
            cancel: p.propagate_cancellation,
            state: Mutex::new(PolicyState {
                breaker: p.circuit_breaker.as_ref().map(|b| CircuitBreaker::new(BreakerConfig::from_model(b))),
                budget: p.retries.as_ref().and_then(|r| r.budget_ratio).map(|b| RetryBudget::new(b.max(0.0))),
                bulkhead: p.bulkhead.as_ref().map(|b| Bulkhead::new(b.max_concurrent)),
                rng: Stream::keyed(seed, 0, edge_id, "retry"),
            }),
            measure: crate::policy_measure::PolicyMeasure::default(),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PolicyState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The breaker's state at modelled time `now_ns` (`None` without a
    /// breaker): an open breaker whose open period is over reads half-open,
    /// as the next try will find it (read only; the try moves it).
    #[must_use]
    pub fn breaker_state(&self, now_ns: u64) -> Option<engine::policy::BreakerState> {
        let st = self.lock();
        let b = st.breaker.as_ref()?;
        Some(match b.next_deadline_ns() {
            Some(until) if now_ns >= until => engine::policy::BreakerState::HalfOpen,
            _ => b.state(),
        })
    }
}

/// A try in flight: its bulkhead permit and breaker probe are given back
/// once, with its outcome, or as a timeout if it is abandoned.
struct Try<'a> {
    policy: &'a EdgePolicy,
    shared: &'a Shared,
    /// Its logical call began in the measured window.
    warm: bool,
    permit: bool,
    probe: bool,
    open: bool,
    /// The call in flight, stopped when it is abandoned and the policy
    /// propagates cancellation.
    call: Option<tokio::task::AbortHandle>,
    /// The callee and the call's span, told when the try is abandoned
    /// without cancellation (its visit becomes an orphan, see [`crate::waste`]).
    callee: Option<(usize, TraceContext)>,
    /// Its edge, and when it began (modelled, wall clock): an abandoned try
    /// counts on its edge as timed out.
    edge: &'a str,
    began: (u64, Instant),
}

impl Try<'_> {
    fn over(&mut self, outcome: Outcome) {
        if !self.open {
            return;
        }
        self.open = false;
        let now_ns = self.shared.now_ns();
        let mut st = self.policy.lock();
        if self.permit
            && let Some(b) = &mut st.bulkhead
        {
            b.release();
        }
        if let Some(b) = &mut st.breaker
            && let Some(state) = b.on_result(now_ns, retry_class(outcome) != 0, self.probe)
        {
            self.policy.measure.breaker(state, now_ns, self.shared.since_load_ns());
            log_breaker(self.edge, state);
        }
    }
}

/// A breaker's change, in the logs.
fn log_breaker(edge: &str, state: engine::policy::BreakerState) {
    match state {
        engine::policy::BreakerState::Open => tracing::info!(edge = %edge, "circuit breaker opened"),
        engine::policy::BreakerState::HalfOpen => tracing::info!(edge = %edge, "circuit breaker half-open: probing"),
        engine::policy::BreakerState::Closed => tracing::info!(edge = %edge, "circuit breaker closed"),
    }
}

impl Try<'_> {
    /// The caller gives up on the call in flight: stopped when the policy
    /// propagates cancellation, else its callee is told.
    fn give_up(&self) {
        if self.policy.cancel {
            if let Some(call) = &self.call {
                call.abort();
            }
        } else if let Some((node, span)) = self.callee {
            self.shared.notify_orphan(node, span);
        }
    }
}

impl Drop for Try<'_> {
    fn drop(&mut self) {
        if self.open {
            // Abandoned by the call's overall timeout: counted on its edge
            // as timed out (as the simulator's `abandon_attempt`).
            self.policy.measure.note(self.warm, Event::Abandoned);
            self.shared.record_call(self.edge, self.began.0, Outcome::Timeout, self.began.1.elapsed());
            self.give_up();
            self.over(Outcome::Timeout);
        }
    }
}

impl Shared {
    /// The circuit breakers on node `node`'s calls, by edge id, in their
    /// state now (for its metrics).
    pub(crate) fn breakers_of(&self, node: usize) -> Vec<(String, engine::policy::BreakerState)> {
        let Some(n) = self.topology.nodes.get(node) else { return Vec::new() };
        let now_ns = self.now_ns();
        let edges: std::collections::BTreeSet<&str> =
            n.handlers.iter().flat_map(|h| h.stages.iter().flatten()).map(|step| step.edge.as_str()).collect();
        edges.into_iter().filter_map(|e| Some((e.to_owned(), self.policies.get(e)?.breaker_state(now_ns)?))).collect()
    }
    /// One logical call over `step` through `policy`.
    pub(crate) async fn policy_call(self: &Arc<Self>, step: &Step, policy: &EdgePolicy, hop: Hop) -> Outcome {
        let (start_ns, began) = (self.now_ns(), std::time::Instant::now());
        let warm = self.warm(start_ns);
        policy.measure.began(warm);
        let deadline_ns = policy.timeouts.call_deadline_ns(start_ns);
        if let Some(b) = &mut policy.lock().budget {
            b.on_call();
        }
        let attempts = AtomicU32::new(0);
        let tries = self.tries(step, policy, hop, deadline_ns, (warm, &attempts));
        let outcome = match deadline_ns {
            Some(d) => tokio::time::timeout(self.wall(d.saturating_sub(start_ns)), tries).await.unwrap_or_else(|_| {
                policy.measure.note(warm, Event::CallTimeout);
                Outcome::Timeout
            }),
            None => tries.await,
        };
        let outcome = match policy.fallback_ns {
            Some(ns) if outcome.is_failure() => {
                policy.measure.note(warm, Event::Fallback);
                self.pause(ns).await;
                Outcome::Degraded
            }
            _ => outcome,
        };
        let tries = attempts.load(Ordering::Relaxed);
        let latency_ns = self.modelled_ns(began.elapsed());
        policy.measure.ended(warm, Logical { outcome, tries, latency_ns });
        outcome
    }

    /// Tries until one succeeds or the retry policy gives up.
    async fn tries(
        self: &Arc<Self>,
        step: &Step,
        policy: &EdgePolicy,
        hop: Hop,
        deadline_ns: Option<u64>,
        (warm, counted): (bool, &AtomicU32),
    ) -> Outcome {
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            counted.store(attempts, Ordering::Relaxed);
            if attempts > 1 {
                policy.measure.note(warm, Event::Retry);
            }
            let (began_ns, began) = (self.now_ns(), std::time::Instant::now());
            let outcome = self.one_try(step, policy, hop, warm).await;
            self.record_call(&step.edge, began_ns, outcome, began.elapsed());
            if matches!(outcome, Outcome::Ok | Outcome::Degraded) {
                return outcome;
            }
            let now_ns = self.now_ns();
            let decision = {
                let st = &mut *policy.lock();
                policy.retry.decide(
                    attempts,
                    retry_class(outcome),
                    now_ns,
                    deadline_ns,
                    st.budget.as_mut(),
                    &mut st.rng,
                )
            };
            match decision {
                RetryDecision::RetryAfter { delay_ns } => self.pause(delay_ns).await,
                RetryDecision::BudgetExhausted => {
                    policy.measure.note(warm, Event::BudgetExhausted);
                    return outcome;
                }
                RetryDecision::GiveUp => return outcome,
            }
        }
    }

    /// One try: breaker, bulkhead, then the call within the per-try timeout.
    async fn one_try(self: &Arc<Self>, step: &Step, policy: &EdgePolicy, hop: Hop, warm: bool) -> Outcome {
        let now_ns = self.now_ns();
        let began = (now_ns, Instant::now());
        let mut t = Try {
            policy,
            shared: self,
            warm,
            permit: false,
            probe: false,
            open: false,
            call: None,
            callee: None,
            edge: &step.edge,
            began,
        };
        {
            let mut st = policy.lock();
            if let Some(b) = &mut st.breaker {
                // The open period may have ended since the last try.
                if let Some(state) = b.poll(now_ns) {
                    policy.measure.breaker(state, now_ns, self.since_load_ns());
                    log_breaker(&step.edge, state);
                }
                match b.admit() {
                    BreakerDecision::Pass => {}
                    BreakerDecision::Probe => t.probe = true,
                    BreakerDecision::Refuse => {
                        policy.measure.note(warm, Event::FailFast);
                        return Outcome::Rejected(RejectCause::BreakerOpen);
                    }
                }
            }
            if let Some(b) = &mut st.bulkhead {
                if !b.try_acquire() {
                    // Refused before it went: nothing to give back (as the simulator).
                    policy.measure.note(warm, Event::Bulkhead);
                    return Outcome::Rejected(RejectCause::Bulkhead);
                }
                t.permit = true;
            }
        }
        t.open = true;
        // The call's span: the key its callee's visit is known by.
        let own = self.ids.enter(hop.trace);
        t.callee = Some((step.to_node, own));
        let call = {
            let shared = Arc::clone(self);
            let step = step.clone();
            tokio::spawn(async move { shared.call_as(&step, hop, own, false).await })
        };
        t.call = Some(call.abort_handle());
        let outcome = match policy.timeouts.try_deadline_ns(now_ns) {
            Some(d) => {
                if let Ok(done) = tokio::time::timeout(self.wall(d.saturating_sub(now_ns)), call).await {
                    done.unwrap_or(Outcome::Error)
                } else {
                    policy.measure.note(warm, Event::TryTimeout);
                    policy.measure.note(warm, Event::Abandoned);
                    t.give_up();
                    Outcome::Timeout
                }
            }
            None => call.await.unwrap_or(Outcome::Error),
        };
        t.over(outcome);
        outcome
    }

    /// `ns` of modelled time as wall-clock time.
    pub(crate) fn wall(&self, ns: u64) -> Duration {
        Duration::from_secs_f64(ns as f64 * 1e-9 * self.time_scale)
    }
}
