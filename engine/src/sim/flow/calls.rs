//! Calls on edges with a policy: a logical call made of tries.
//!
//! A call step on a policy edge becomes a [`CallState`]: the caller's visit
//! waits for it as for a plain call, and the state sends tries (visits with
//! origin `Attempt`) one after another. Each try passes the breaker and the
//! bulkhead first (failing fast when they refuse), then travels like any
//! call. A per-try timer and the call's overall timer abandon the try in
//! flight: the caller moves on, the callee keeps working on it (an *orphan*
//! whose work is counted as wasted) unless the policy propagates
//! cancellation. Failed tries are retried by `retry_on`, after the backoff and
//! within the budget; a call that still fails answers through the fallback
//! (degraded) when there is one.
//!
//! Timers are never removed from the event queue: each carries a token, and
//! one whose token is no longer the call's is ignored.

use crate::model::{Outcome, RejectCause};

use crate::policy::{BreakerDecision, BreakerState, RetryDecision, retry_class};
use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::NONE;
use crate::sim::core::simulation::{Origin, Simulation, Visit};
use crate::sim::policy::call_policies::breaker_failure;
use crate::sim::report::trace::SpanKind;

/// A logical call on a policy edge.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallState {
    /// The caller's visit.
    pub parent: u32,
    pub member: u32,
    pub policy: u32,
    /// Sequential repeats of the step still to make after this call.
    pub repeats_left: u32,
    /// The try in flight, or `NONE`.
    pub attempt: u32,
    /// Tries made in this logical call.
    pub attempts: u32,
    /// Token of the current try, backoff or fallback timer.
    pub token: u32,
    /// Token of the overall timer.
    pub call_token: u32,
    pub t_start_ns: u64,
    /// When the overall timeout fires (`u64::MAX`: none).
    pub deadline_ns: u64,
    /// The try in flight is a half-open probe.
    pub probe: bool,
    /// The try in flight holds a bulkhead permit.
    pub permit: bool,
    /// A try is hanging on a partitioned edge (no visit carries it).
    pub hanging: bool,
    /// The try in flight was started after the warm-up.
    pub attempt_warm: bool,
    /// The call was started after the warm-up.
    pub warm: bool,
    /// The outcome is decided; only the fallback may still answer.
    pub closing: bool,
    pub alive: bool,
}

impl Simulation {
    fn next_token(&mut self) -> u32 {
        self.token = self.token.wrapping_add(1);
        self.token
    }

    fn warm_now(&self) -> bool {
        self.now_ns >= self.plan.settings.warmup_ns
    }

    /// Start call member `m` of visit `p` through its policy.
    pub(crate) fn call_begin(&mut self, p: u32, m: u32, repeats: u32, policy: u32) {
        let state = CallState {
            parent: p,
            member: m,
            policy,
            repeats_left: repeats,
            attempt: NONE,
            attempts: 0,
            token: 0,
            call_token: 0,
            t_start_ns: self.now_ns,
            deadline_ns: u64::MAX,
            probe: false,
            permit: false,
            hanging: false,
            attempt_warm: false,
            warm: false,
            closing: false,
            alive: true,
        };
        let ci = if let Some(i) = self.free_calls.pop() {
            self.calls[i as usize] = state;
            i
        } else {
            self.calls.push(state);
            (self.calls.len() - 1) as u32
        };
        self.call_start_logical(ci);
    }

    fn call_start_logical(&mut self, ci: u32) {
        let now_ns = self.now_ns;
        let warm = self.warm_now();
        let token = self.next_token();
        let cs = &mut self.calls[ci as usize];
        let pi = cs.policy as usize;
        cs.t_start_ns = now_ns;
        cs.attempts = 0;
        cs.warm = warm;
        cs.closing = false;
        cs.call_token = token;
        cs.deadline_ns = self.plan.policies[pi].timeouts.call_deadline_ns(now_ns).unwrap_or(u64::MAX);
        let deadline_ns = cs.deadline_ns;
        if let Some(budget) = &mut self.pol_state[pi].budget {
            budget.on_call();
        }
        if warm {
            self.metrics.policies[pi].logical.arrived += 1;
        }
        if deadline_ns != u64::MAX {
            self.queue.push(deadline_ns, Kind::CallTimeout, ci, token);
        }
        self.attempt_start(ci);
    }

    /// Send the next try, unless the breaker or the bulkhead refuses it.
    fn attempt_start(&mut self, ci: u32) {
        let now_ns = self.now_ns;
        let warm = self.warm_now();
        let token = self.next_token();
        let cs = &mut self.calls[ci as usize];
        cs.token = token;
        cs.attempts += 1;
        cs.attempt_warm = warm;
        cs.probe = false;
        let (pi, m, p, retry) = (cs.policy as usize, cs.member, cs.parent, cs.attempts > 1);
        let member = self.plan.members[m as usize];
        let edge = member.edge as usize;
        if warm {
            self.metrics.edges[edge].counts.arrived += 1;
            if retry {
                self.metrics.policies[pi].retries += 1;
            }
        }
        self.metrics.policies[pi].window_attempts += 1;
        if let Some(breaker) = &mut self.pol_state[pi].breaker {
            match breaker.admit() {
                BreakerDecision::Pass => {}
                BreakerDecision::Probe => self.calls[ci as usize].probe = true,
                BreakerDecision::Refuse => {
                    if warm {
                        self.metrics.policies[pi].fail_fast += 1;
                    }
                    self.attempt_refused(ci, Outcome::Rejected(RejectCause::BreakerOpen));
                    return;
                }
            }
        }
        if let Some(bulkhead) = &mut self.pol_state[pi].bulkhead {
            if !bulkhead.try_acquire() {
                if warm {
                    self.metrics.policies[pi].bulkhead_refused += 1;
                }
                self.attempt_refused(ci, Outcome::Rejected(RejectCause::Bulkhead));
                return;
            }
            self.calls[ci as usize].permit = true;
        }
        let try_deadline_ns = self.plan.policies[pi].timeouts.try_deadline_ns(now_ns);
        let parent = self.visits[p as usize];
        let mut child = Visit::new(member.to_node, member.to_handler, Origin::Attempt, m, now_ns, warm);
        child.parent = ci;
        child.depth = parent.depth + 1;
        let c = self.alloc(child);
        self.calls[ci as usize].attempt = c;
        if parent.trace != NONE && !parent.orphan {
            let span = self.tracer.open(parent.trace, parent.span, member.to_node, member.edge, SpanKind::Call, now_ns);
            self.tracer.hold(parent.trace);
            let vis = &mut self.visits[c as usize];
            vis.trace = parent.trace;
            vis.span = span;
        }
        if let Some(t) = try_deadline_ns {
            self.queue.push(t, Kind::PerTryTimeout, ci, token);
        }
        self.route(c);
    }

    /// The breaker or the bulkhead refused a try: it fails at once.
    fn attempt_refused(&mut self, ci: u32, o: Outcome) {
        let cs = self.calls[ci as usize];
        let edge = self.plan.members[cs.member as usize].edge as usize;
        if cs.attempt_warm {
            self.metrics.edges[edge].counts.record(o);
        }
        self.attempt_failed(ci, o);
    }

    /// A try came back (its visit ended and the answer crossed the network).
    pub(crate) fn attempt_returned(&mut self, c: u32) {
        let now_ns = self.now_ns;
        let child = self.visits[c as usize];
        self.release(c);
        if child.orphan {
            // The caller gave up on it long ago and counted it then.
            return;
        }
        let edge = self.plan.members[child.oref as usize].edge as usize;
        let ok = matches!(child.outcome, Outcome::Ok | Outcome::Degraded);
        if child.warm {
            let acc = &mut self.metrics.edges[edge];
            acc.counts.record(child.outcome);
            if ok {
                acc.latency.record(now_ns - child.t_call_ns);
            }
        }
        if child.trace != NONE
            && let Some(s) = self.tracer.span(child.trace, child.span)
        {
            s.t_back_ns = now_ns;
        }
        let ci = child.parent;
        self.calls[ci as usize].attempt = NONE;
        self.try_over(ci, child.outcome);
        if ok {
            self.call_end(ci, child.outcome);
        } else {
            self.attempt_failed(ci, child.outcome);
        }
    }

    /// Bookkeeping when a try is over, whatever ended it: permit, breaker.
    fn try_over(&mut self, ci: u32, o: Outcome) {
        let now_ns = self.now_ns;
        let cs = &mut self.calls[ci as usize];
        let pi = cs.policy as usize;
        let probe = cs.probe;
        cs.probe = false;
        let st = &mut self.pol_state[pi];
        if cs.permit {
            cs.permit = false;
            if let Some(bulkhead) = &mut st.bulkhead {
                bulkhead.release();
            }
        }
        if let Some(breaker) = &mut st.breaker
            && let Some(state) = breaker.on_result(now_ns, breaker_failure(o), probe)
        {
            self.breaker_changed(pi as u32, state);
        }
    }

    fn breaker_changed(&mut self, pi: u32, state: BreakerState) {
        let now_ns = self.now_ns;
        let warm = self.warm_now();
        let acc = &mut self.metrics.policies[pi as usize];
        acc.note_change(now_ns, state);
        if state == BreakerState::Open {
            if warm {
                acc.opened += 1;
            }
            acc.open.inc(now_ns);
            if let Some(breaker) = &self.pol_state[pi as usize].breaker
                && let Some(half_open_ns) = breaker.next_deadline_ns()
            {
                self.queue.push(half_open_ns, Kind::BreakerHalfOpen, pi, breaker.epoch());
            }
        }
    }

    pub(crate) fn on_breaker_half_open(&mut self, pi: u32, epoch: u32) {
        let now_ns = self.now_ns;
        let Some(breaker) = &mut self.pol_state[pi as usize].breaker else { return };
        if breaker.epoch() != epoch || breaker.poll(now_ns).is_none() {
            return;
        }
        let acc = &mut self.metrics.policies[pi as usize];
        acc.open.dec(now_ns);
        acc.note_change(now_ns, BreakerState::HalfOpen);
    }

    /// A try failed: retry it, or end the call.
    fn attempt_failed(&mut self, ci: u32, o: Outcome) {
        let now_ns = self.now_ns;
        let cs = self.calls[ci as usize];
        let pi = cs.policy as usize;
        let deadline_ns = (cs.deadline_ns != u64::MAX).then_some(cs.deadline_ns);
        let decision = self.plan.policies[pi].retry.decide(
            cs.attempts,
            retry_class(o),
            now_ns,
            deadline_ns,
            self.pol_state[pi].budget.as_mut(),
            &mut self.pol_rng[pi],
        );
        match decision {
            RetryDecision::RetryAfter { delay_ns: 0 } => return self.attempt_start(ci),
            RetryDecision::RetryAfter { delay_ns } => {
                let token = self.next_token();
                self.calls[ci as usize].token = token;
                self.queue.push(now_ns.saturating_add(delay_ns), Kind::RetryTimer, ci, token);
                return;
            }
            RetryDecision::BudgetExhausted if cs.warm => self.metrics.policies[pi].budget_exhausted += 1,
            RetryDecision::BudgetExhausted | RetryDecision::GiveUp => {}
        }
        self.call_end(ci, o);
    }

    pub(crate) fn on_retry_timer(&mut self, ci: u32, token: u32) {
        let Some(cs) = self.calls.get(ci as usize) else { return };
        if cs.alive && !cs.closing && cs.token == token {
            self.attempt_start(ci);
        }
    }

    /// Give up on the try in flight (its caller timed out): count it as timed
    /// out now; the callee's visit becomes an orphan.
    fn abandon_attempt(&mut self, ci: u32) {
        let now_ns = self.now_ns;
        let cs = self.calls[ci as usize];
        let pi = cs.policy as usize;
        let edge = self.plan.members[cs.member as usize].edge as usize;
        if cs.attempt == NONE && !cs.hanging {
            return;
        }
        if cs.attempt_warm {
            self.metrics.edges[edge].counts.record(Outcome::Timeout);
            self.metrics.policies[pi].abandoned += 1;
        }
        if cs.attempt != NONE {
            let cancel = self.plan.policies[pi].cancel;
            let vis = &mut self.visits[cs.attempt as usize];
            vis.orphan = true;
            if cancel {
                vis.dead = true;
                if vis.pending > 0 {
                    vis.fail = Some(Outcome::Timeout);
                }
            }
            if vis.trace != NONE {
                let (trace, span) = (vis.trace, vis.span);
                // The callee's span ends now in the phase it was in (on the
                // wire, queued, in service, downstream), not as network time.
                vis.trace = NONE;
                self.tracer.let_go(trace);
                if let Some(s) = self.tracer.span(trace, span) {
                    s.close_at(now_ns);
                    s.outcome = Outcome::Timeout;
                }
            }
        }
        let c = &mut self.calls[ci as usize];
        c.attempt = NONE;
        c.hanging = false;
        self.try_over(ci, Outcome::Timeout);
    }

    pub(crate) fn on_per_try_timeout(&mut self, ci: u32, token: u32) {
        let Some(cs) = self.calls.get(ci as usize) else { return };
        if !cs.alive || cs.closing || cs.token != token || (cs.attempt == NONE && !cs.hanging) {
            return;
        }
        if cs.warm {
            self.metrics.policies[cs.policy as usize].try_timeouts += 1;
        }
        self.abandon_attempt(ci);
        self.attempt_failed(ci, Outcome::Timeout);
    }

    pub(crate) fn on_call_timeout(&mut self, ci: u32, token: u32) {
        let Some(cs) = self.calls.get(ci as usize) else { return };
        if !cs.alive || cs.closing || cs.call_token != token {
            return;
        }
        if cs.warm {
            self.metrics.policies[cs.policy as usize].call_timeouts += 1;
        }
        self.abandon_attempt(ci);
        // Whatever was pending (a backoff) is void now.
        let t = self.next_token();
        self.calls[ci as usize].token = t;
        self.call_end(ci, Outcome::Timeout);
    }

    /// The call's outcome is decided: through the fallback if it failed.
    fn call_end(&mut self, ci: u32, o: Outcome) {
        let cs = self.calls[ci as usize];
        let pi = cs.policy as usize;
        if o.is_failure()
            && let Some(ns) = self.plan.policies[pi].fallback_ns
        {
            if cs.warm {
                self.metrics.policies[pi].fallbacks += 1;
            }
            if ns == 0 {
                self.call_complete(ci, Outcome::Degraded);
            } else {
                let token = self.next_token();
                let c = &mut self.calls[ci as usize];
                c.closing = true;
                c.token = token;
                self.queue.push(self.now_ns.saturating_add(ns), Kind::FallbackDone, ci, token);
            }
            return;
        }
        self.call_complete(ci, o);
    }

    pub(crate) fn on_fallback_done(&mut self, ci: u32, token: u32) {
        let Some(cs) = self.calls.get(ci as usize) else { return };
        if cs.alive && cs.token == token {
            self.call_complete(ci, Outcome::Degraded);
        }
    }

    /// The caller has its answer: the next repeat, or back to the caller.
    fn call_complete(&mut self, ci: u32, o: Outcome) {
        let now_ns = self.now_ns;
        let cs = self.calls[ci as usize];
        let pi = cs.policy as usize;
        let acc = &mut self.metrics.policies[pi];
        acc.window_logical += 1;
        acc.window_call_tries += u64::from(cs.attempts);
        if cs.warm {
            acc.logical_tries += u64::from(cs.attempts);
            acc.logical.record(o);
            if matches!(o, Outcome::Ok | Outcome::Degraded) {
                acc.logical_latency.record(now_ns - cs.t_start_ns);
            }
        }
        let ok = matches!(o, Outcome::Ok | Outcome::Degraded);
        if ok && cs.repeats_left > 0 && !self.visits[cs.parent as usize].dead {
            self.calls[ci as usize].repeats_left -= 1;
            self.call_start_logical(ci);
            return;
        }
        let c = &mut self.calls[ci as usize];
        c.alive = false;
        self.free_calls.push(ci);
        self.notify_parent(cs.parent, o, false);
    }
}
