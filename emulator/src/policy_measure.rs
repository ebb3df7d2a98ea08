//! What a call policy did on an edge, measured into the simulator's
//! `EdgePolicyReport`: logical calls and their outcomes against tries,
//! retries, timeouts (per try and overall), tries abandoned, retries the
//! budget denied, tries failed fast by an open breaker or refused by the
//! bulkhead, fallbacks, the latency of successful logical calls, and the
//! breaker's history (openings and time open in the measured window, its
//! first 200 changes from the load's start). A logical call counts when it
//! began in the measured window, with everything that happened to it.

use std::sync::{Mutex, PoisonError};

use engine::model::Outcome;
use engine::policy::BreakerState;
use engine::sim::OutcomeCounts;
use engine::sim::report::{BreakerChange, BreakerReport, EdgePolicyReport, Latency};

use crate::measure::{SIGFIG, count};
use crate::parts::percentiles;

/// Most breaker changes kept, as the simulator keeps.
const MAX_CHANGES: usize = 200;

/// Most open periods kept (each opening's start and end, for the time open).
const MAX_OPEN_PERIODS: usize = 100_000;

#[derive(Debug, Default)]
struct Counts {
    logical: u64,
    outcomes: OutcomeCounts,
    /// Tries of the logical calls that finished.
    finished_tries: u64,
    finished: u64,
    retries: u64,
    try_timeouts: u64,
    call_timeouts: u64,
    abandoned: u64,
    budget_exhausted: u64,
    fail_fast: u64,
    bulkhead: u64,
    fallbacks: u64,
    latency: Option<Latency>,
    /// The breaker's changes since the load's start (modelled ns), the first ones.
    changes: Vec<(u64, BreakerState)>,
    /// Open periods, modelled ns since the epoch (`None`: still open).
    open: Vec<(u64, Option<u64>)>,
}

/// One edge's policy measurements.
#[derive(Debug, Default)]
pub struct PolicyMeasure(Mutex<Counts>);

/// What became of one logical call.
#[derive(Clone, Copy, Debug)]
pub struct Logical {
    /// Its final outcome.
    pub outcome: Outcome,
    /// Tries made.
    pub tries: u32,
    /// Modelled ns from the call to its answer.
    pub latency_ns: u64,
}

/// Something that happened to one try or retry decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A try beyond the first.
    Retry,
    /// A try abandoned at its per-try timeout (also abandoned).
    TryTimeout,
    /// A call that reached its overall timeout.
    CallTimeout,
    /// A try given up on while the callee still worked on it.
    Abandoned,
    /// A retry the budget denied.
    BudgetExhausted,
    /// A try failed fast: the breaker was open.
    FailFast,
    /// A try the bulkhead refused.
    Bulkhead,
    /// A failed call answered by the fallback.
    Fallback,
}

impl PolicyMeasure {
    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A logical call began (`warm`: in the measured window).
    pub fn began(&self, warm: bool) {
        if warm {
            self.lock().logical += 1;
        }
    }

    /// `event` happened to a logical call that began in the window (`warm`).
    pub fn note(&self, warm: bool, event: Event) {
        if !warm {
            return;
        }
        let mut c = self.lock();
        let n = match event {
            Event::Retry => &mut c.retries,
            Event::TryTimeout => &mut c.try_timeouts,
            Event::CallTimeout => &mut c.call_timeouts,
            Event::Abandoned => &mut c.abandoned,
            Event::BudgetExhausted => &mut c.budget_exhausted,
            Event::FailFast => &mut c.fail_fast,
            Event::Bulkhead => &mut c.bulkhead,
            Event::Fallback => &mut c.fallbacks,
        };
        *n += 1;
    }

    /// A logical call that began in the window (`warm`) ended.
    pub fn ended(&self, warm: bool, call: Logical) {
        if !warm {
            return;
        }
        let mut c = self.lock();
        count(&mut c.outcomes, call.outcome);
        c.finished += 1;
        c.finished_tries += u64::from(call.tries);
        if matches!(call.outcome, Outcome::Ok | Outcome::Degraded) {
            if c.latency.is_none() {
                c.latency = Latency::new(SIGFIG).ok();
            }
            if let Some(l) = &mut c.latency {
                l.record(call.latency_ns);
            }
        }
    }

    /// The breaker went to `state` at modelled time `now_ns`, `since_load_ns` after the load's start.
    pub fn breaker(&self, state: BreakerState, now_ns: u64, since_load_ns: Option<u64>) {
        let mut c = self.lock();
        if let Some(t) = since_load_ns
            && c.changes.len() < MAX_CHANGES
        {
            c.changes.push((t, state));
        }
        let open_now = c.open.last().is_some_and(|(_, end)| end.is_none());
        match state {
            BreakerState::Open if !open_now && c.open.len() < MAX_OPEN_PERIODS => c.open.push((now_ns, None)),
            BreakerState::HalfOpen | BreakerState::Closed if open_now => {
                if let Some((_, end)) = c.open.last_mut() {
                    *end = Some(now_ns);
                }
            }
            _ => {}
        }
    }

    /// The edge's policy section over the window `[from_ns, end_ns)` of
    /// modelled time, its tries `attempts` counted on the edge.
    #[must_use]
    pub fn report(&self, attempts: u64, (from_ns, end_ns): (u64, u64), breaker: bool) -> EdgePolicyReport {
        let c = self.lock();
        let mut outcomes = c.outcomes;
        outcomes.in_flight = c.logical.saturating_sub(c.finished);
        let window_s = end_ns.saturating_sub(from_ns) as f64 / 1e9;
        let breaker = breaker.then(|| {
            let overlap =
                |(a, b): &(u64, Option<u64>)| b.unwrap_or(end_ns).min(end_ns).saturating_sub((*a).max(from_ns));
            let time_open_s = c.open.iter().map(overlap).sum::<u64>() as f64 / 1e9;
            let opened = c.open.iter().filter(|(a, _)| (from_ns..end_ns).contains(a)).count() as u64;
            BreakerReport {
                opened,
                time_open_s,
                open_share: if window_s > 0.0 { time_open_s / window_s } else { 0.0 },
                changes: c
                    .changes
                    .iter()
                    .map(|(t, s)| BreakerChange {
                        t_s: *t as f64 / 1e9,
                        state: match s {
                            BreakerState::Open => "open",
                            BreakerState::HalfOpen => "half_open",
                            BreakerState::Closed => "closed",
                        }
                        .to_owned(),
                    })
                    .collect(),
            }
        });
        EdgePolicyReport {
            logical_calls: c.logical,
            logical_outcomes: outcomes,
            attempts,
            retries: c.retries,
            retry_amplification: if c.finished == 0 { 0.0 } else { c.finished_tries as f64 / c.finished as f64 },
            try_timeouts: c.try_timeouts,
            call_timeouts: c.call_timeouts,
            abandoned: c.abandoned,
            budget_exhausted: c.budget_exhausted,
            fail_fast: c.fail_fast,
            bulkhead_rejections: c.bulkhead,
            fallbacks: c.fallbacks,
            logical_latency_ms: c.latency.as_ref().map(percentiles).unwrap_or_default(),
            breaker,
        }
    }
}
