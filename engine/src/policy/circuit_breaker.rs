//! A circuit breaker (resilience4j's state machine): closed → open after
//! `consecutive_failures` failures in a row or a failure ratio over a window
//! of the last `window_calls` results; open → half-open once `open_ns` has
//! passed; a half-open breaker lets `half_open_probes` tries through, closes
//! after that many successes and re-opens on any failed probe.
//!
//! The breaker owns no timer: when it opens it remembers until when, says so
//! in [`CircuitBreaker::next_deadline_ns`], and moves to half-open when
//! [`CircuitBreaker::poll`] is called at or after that instant. A caller
//! that is only asked at events (the simulator) polls at the deadline; one
//! with a wall clock (the emulator) may poll before each admission.

use std::collections::VecDeque;

use crate::sampling::s_to_ns;

/// A compiled circuit breaker configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreakerConfig {
    /// Consecutive failures that open it (0 = not used).
    pub consecutive_failures: u32,
    /// Failure ratio over the window that opens it (above 1 = not used).
    pub failure_ratio: f64,
    /// Results the ratio looks at (at least 1).
    pub window_calls: u32,
    /// How long it stays open before probing (at least 1 ns).
    pub open_ns: u64,
    /// Tries let through while half-open, and successes that close it (at least 1).
    pub half_open_probes: u32,
}

impl BreakerConfig {
    /// Compile the design's breaker.
    #[must_use]
    pub fn from_model(b: &crate::model::CircuitBreaker) -> Self {
        Self {
            consecutive_failures: b.consecutive_failures.unwrap_or(0),
            failure_ratio: b.failure_ratio.unwrap_or(2.0),
            window_calls: b.window_calls.max(1),
            open_ns: s_to_ns(b.open_s).max(1),
            half_open_probes: b.half_open_probes.max(1),
        }
    }
}

/// A breaker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Tries pass.
    Closed,
    /// Tries fail fast until the open period is over.
    Open,
    /// A few probe tries pass; their results decide.
    HalfOpen,
}

/// Whether a try may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerDecision {
    /// Closed: the try goes.
    Pass,
    /// Half-open: the try goes as a probe (report its result with `probe`).
    Probe,
    /// Open, or no probe left: fail fast.
    Refuse,
}

/// A circuit breaker's live state.
#[derive(Clone, Debug)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: BreakerState,
    consecutive: u32,
    /// The last `window_calls` results (true = failure), for the failure ratio.
    window: VecDeque<bool>,
    failures_in_window: u32,
    probes_out: u32,
    probes_ok: u32,
    /// When an open breaker may probe.
    open_until_ns: u64,
    /// Bumped at every opening, so a caller's stale timer can be recognised.
    epoch: u32,
}

impl CircuitBreaker {
    /// A closed breaker.
    #[must_use]
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            state: BreakerState::Closed,
            consecutive: 0,
            window: VecDeque::new(),
            failures_in_window: 0,
            probes_out: 0,
            probes_ok: 0,
            open_until_ns: 0,
            epoch: 0,
        }
    }

    /// Its configuration.
    #[must_use]
    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    /// Its state.
    #[must_use]
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// How many times it has opened (wrapping): a timer set at an opening
    /// can carry it and be ignored when it no longer matches.
    #[must_use]
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// When an open breaker may move to half-open (`None` unless open).
    #[must_use]
    pub fn next_deadline_ns(&self) -> Option<u64> {
        (self.state == BreakerState::Open).then_some(self.open_until_ns)
    }

    /// Whether a try may go. A probe taken here must be reported with
    /// `probe = true`.
    pub fn admit(&mut self) -> BreakerDecision {
        match self.state {
            BreakerState::Closed => BreakerDecision::Pass,
            BreakerState::Open => BreakerDecision::Refuse,
            BreakerState::HalfOpen => {
                if self.probes_out + self.probes_ok < self.config.half_open_probes {
                    self.probes_out += 1;
                    BreakerDecision::Probe
                } else {
                    BreakerDecision::Refuse
                }
            }
        }
    }

    /// A try's result at `now_ns`; returns the new state when it changed.
    /// Results of tries that were not probes are ignored while half-open,
    /// and every result is ignored while open.
    pub fn on_result(&mut self, now_ns: u64, failure: bool, probe: bool) -> Option<BreakerState> {
        let cfg = self.config;
        match self.state {
            BreakerState::Closed => {
                self.consecutive = if failure { self.consecutive + 1 } else { 0 };
                if cfg.failure_ratio <= 1.0 {
                    self.window.push_back(failure);
                    self.failures_in_window += u32::from(failure);
                    if self.window.len() > cfg.window_calls as usize
                        && let Some(old) = self.window.pop_front()
                    {
                        self.failures_in_window -= u32::from(old);
                    }
                }
                let by_count = cfg.consecutive_failures > 0 && self.consecutive >= cfg.consecutive_failures;
                let by_ratio = cfg.failure_ratio <= 1.0
                    && self.window.len() >= cfg.window_calls as usize
                    && f64::from(self.failures_in_window) >= cfg.failure_ratio * f64::from(cfg.window_calls);
                (by_count || by_ratio).then(|| self.open(now_ns))
            }
            BreakerState::Open => None,
            BreakerState::HalfOpen => {
                if !probe {
                    return None;
                }
                self.probes_out = self.probes_out.saturating_sub(1);
                if failure {
                    return Some(self.open(now_ns));
                }
                self.probes_ok += 1;
                if self.probes_ok >= cfg.half_open_probes {
                    self.state = BreakerState::Closed;
                    self.consecutive = 0;
                    self.window.clear();
                    self.failures_in_window = 0;
                    return Some(BreakerState::Closed);
                }
                None
            }
        }
    }

    /// Move an open breaker whose open period is over to half-open; returns
    /// the new state when it changed.
    pub fn poll(&mut self, now_ns: u64) -> Option<BreakerState> {
        if self.state != BreakerState::Open || now_ns < self.open_until_ns {
            return None;
        }
        self.state = BreakerState::HalfOpen;
        self.probes_out = 0;
        self.probes_ok = 0;
        Some(BreakerState::HalfOpen)
    }

    fn open(&mut self, now_ns: u64) -> BreakerState {
        self.state = BreakerState::Open;
        self.open_until_ns = now_ns.saturating_add(self.config.open_ns);
        self.epoch = self.epoch.wrapping_add(1);
        BreakerState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(consecutive_failures: u32, failure_ratio: f64, window_calls: u32, probes: u32) -> CircuitBreaker {
        CircuitBreaker::new(BreakerConfig {
            consecutive_failures,
            failure_ratio,
            window_calls,
            open_ns: 100,
            half_open_probes: probes,
        })
    }

    #[test]
    fn consecutive_failures_open_and_probes_close() {
        let mut b = breaker(3, 2.0, 20, 2);
        assert_eq!(b.on_result(1, true, false), None);
        assert_eq!(b.on_result(2, true, false), None);
        assert_eq!(b.next_deadline_ns(), None);
        assert_eq!(b.on_result(3, true, false), Some(BreakerState::Open));
        assert_eq!(b.next_deadline_ns(), Some(103));
        assert_eq!(b.admit(), BreakerDecision::Refuse);
        assert_eq!(b.poll(102), None, "still open");
        assert_eq!(b.poll(103), Some(BreakerState::HalfOpen));
        assert_eq!(b.poll(104), None, "already half-open");
        assert_eq!(b.admit(), BreakerDecision::Probe);
        assert_eq!(b.admit(), BreakerDecision::Probe);
        assert_eq!(b.admit(), BreakerDecision::Refuse, "only two probes");
        assert_eq!(b.on_result(110, false, false), None, "a late non-probe result does not count");
        assert_eq!(b.on_result(111, false, true), None);
        assert_eq!(b.admit(), BreakerDecision::Refuse, "one probe out, one ok: none left");
        assert_eq!(b.on_result(112, false, true), Some(BreakerState::Closed));
        assert_eq!(b.admit(), BreakerDecision::Pass);
    }

    #[test]
    fn a_success_resets_the_consecutive_count() {
        let mut b = breaker(2, 2.0, 20, 1);
        assert_eq!(b.on_result(1, true, false), None);
        assert_eq!(b.on_result(2, false, false), None);
        assert_eq!(b.on_result(3, true, false), None);
        assert_eq!(b.on_result(4, true, false), Some(BreakerState::Open));
    }

    #[test]
    fn failure_ratio_needs_a_full_window() {
        let mut b = breaker(0, 0.5, 4, 1);
        assert_eq!(b.on_result(0, true, false), None);
        assert_eq!(b.on_result(0, false, true), None);
        assert_eq!(b.on_result(0, false, false), None);
        assert_eq!(b.on_result(0, true, false), Some(BreakerState::Open), "2 of 4 failed");
        assert_eq!(b.epoch(), 1);
        assert_eq!(b.poll(100), Some(BreakerState::HalfOpen));
        assert_eq!(b.admit(), BreakerDecision::Probe);
        assert_eq!(b.on_result(150, true, true), Some(BreakerState::Open), "a failed probe re-opens");
        assert_eq!(b.epoch(), 2);
        assert_eq!(b.next_deadline_ns(), Some(250));
    }

    #[test]
    fn the_ratio_window_slides() {
        let mut b = breaker(0, 0.5, 4, 1);
        for _ in 0..10 {
            assert_eq!(b.on_result(0, false, false), None);
        }
        assert_eq!(b.on_result(0, true, false), None);
        assert_eq!(b.on_result(0, false, false), None);
        assert_eq!(b.on_result(0, true, false), Some(BreakerState::Open), "old successes left the window");
    }

    #[test]
    fn open_results_are_ignored_and_huge_open_times_saturate() {
        let mut b = CircuitBreaker::new(BreakerConfig {
            consecutive_failures: 1,
            failure_ratio: 2.0,
            window_calls: 1,
            open_ns: u64::MAX,
            half_open_probes: 1,
        });
        assert_eq!(b.on_result(5, true, false), Some(BreakerState::Open));
        assert_eq!(b.on_result(6, true, false), None);
        assert_eq!(b.next_deadline_ns(), Some(u64::MAX));
        assert_eq!(b.poll(u64::MAX - 1), None);
        assert_eq!(b.poll(u64::MAX), Some(BreakerState::HalfOpen));
    }

    #[test]
    fn compiled_from_the_design() {
        let model = crate::model::CircuitBreaker {
            consecutive_failures: Some(5),
            failure_ratio: None,
            window_calls: 0,
            open_s: 0.0,
            half_open_probes: 0,
        };
        let c = BreakerConfig::from_model(&model);
        assert_eq!((c.consecutive_failures, c.window_calls, c.open_ns, c.half_open_probes), (5, 1, 1, 1));
        assert!(c.failure_ratio > 1.0, "no ratio rule");
    }
}
