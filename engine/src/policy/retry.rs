//! Retries of a failed try: which failures are retried (`retry_on`), how
//! many tries in all, the delay before the next one (none, fixed, or
//! exponential base × 2^(n−1) up to a cap) with jitter taking up to a share
//! off it ("full jitter" at 1), within the call's deadline and an optional
//! [`RetryBudget`].
//!
//! [`RetryPolicy::decide`] draws one uniform number from the caller's stream,
//! and only when the delay has jitter and is not zero, so the simulator's
//! draws stay in the order they always had.

use crate::model::{Backoff, Outcome, RejectCause, Retries, RetryOn};
use crate::sampling::{Stream, ms_to_ns};

use super::retry_budget::RetryBudget;

/// `retry_on` bit: the callee answered with an error.
pub const RETRY_ERROR: u8 = 1;
/// `retry_on` bit: the try timed out.
pub const RETRY_TIMEOUT: u8 = 2;
/// `retry_on` bit: the callee rejected the try (queue full, rate limited).
pub const RETRY_REJECTED: u8 = 4;

/// The `retry_on` bit a failed try falls under (0: never retried, and not a
/// failure for a breaker either).
///
/// Rejections by the caller's own breaker or bulkhead are not retried:
/// failing fast is their point (resilience4j does not retry
/// `CallNotPermitted`).
#[must_use]
pub fn retry_class(o: Outcome) -> u8 {
    match o {
        Outcome::Error => RETRY_ERROR,
        Outcome::Timeout => RETRY_TIMEOUT,
        Outcome::Rejected(RejectCause::QueueFull | RejectCause::RateLimited | RejectCause::InFlightCap) => {
            RETRY_REJECTED
        }
        _ => 0,
    }
}

/// Delay between tries, before jitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackoffPolicy {
    /// The next try goes at once.
    None,
    /// The same delay every time (ns).
    Fixed(u64),
    /// `base_ns` × 2^(tries − 1), at most `max_ns`.
    Exponential {
        /// The first delay.
        base_ns: u64,
        /// The longest delay.
        max_ns: u64,
    },
}

/// What to do after a failed try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again after this delay (0: at once).
    RetryAfter {
        /// The delay, jitter included.
        delay_ns: u64,
    },
    /// No retry: tries used up, a failure not retried, or the deadline passed.
    GiveUp,
    /// A retry was due but the budget had no token left.
    BudgetExhausted,
}

/// A compiled retry policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Most tries in all, the first included (at least 1).
    pub max_attempts: u32,
    /// `RETRY_*` bits of the failures that are retried.
    pub retry_on: u8,
    /// The delay before the next try.
    pub backoff: BackoffPolicy,
    /// Share of the delay that jitter may take off, 0–1.
    pub jitter: f64,
}

impl RetryPolicy {
    /// One try and no retry.
    pub const NONE: Self = Self { max_attempts: 1, retry_on: 0, backoff: BackoffPolicy::None, jitter: 0.0 };

    /// Compile the design's retries (`None`: no retry).
    #[must_use]
    pub fn from_model(r: Option<&Retries>) -> Self {
        let Some(r) = r else { return Self::NONE };
        let mut retry_on = 0u8;
        for on in &r.retry_on {
            retry_on |= match on {
                RetryOn::Error => RETRY_ERROR,
                RetryOn::Timeout => RETRY_TIMEOUT,
                RetryOn::Rejected => RETRY_REJECTED,
            };
        }
        let backoff = match &r.backoff {
            None => BackoffPolicy::None,
            Some(Backoff::Fixed { delay_ms }) => BackoffPolicy::Fixed(ms_to_ns(*delay_ms)),
            Some(Backoff::Exponential { base_ms, max_ms }) => {
                BackoffPolicy::Exponential { base_ns: ms_to_ns(*base_ms), max_ns: ms_to_ns(*max_ms) }
            }
        };
        Self { max_attempts: r.max_attempts.max(1), retry_on, backoff, jitter: r.jitter.clamp(0.0, 1.0) }
    }

    /// Delay before try `attempts + 1` (after `attempts` tries), before jitter.
    #[must_use]
    pub fn backoff_ns(&self, attempts: u32) -> u64 {
        match self.backoff {
            BackoffPolicy::None => 0,
            BackoffPolicy::Fixed(d) => d,
            BackoffPolicy::Exponential { base_ns, max_ns } => {
                let shift = attempts.saturating_sub(1).min(40);
                base_ns.saturating_mul(1u64 << shift).min(max_ns)
            }
        }
    }

    /// Delay before try `attempts + 1`, jitter included: one draw from `rng`
    /// when there is jitter and a delay to take it from, none otherwise.
    pub fn delay_ns(&self, attempts: u32, rng: &mut Stream) -> u64 {
        let base = self.backoff_ns(attempts);
        if self.jitter > 0.0 && base > 0 {
            // Jitter takes up to that share off the delay ("full jitter" at 1).
            let u = rng.unit();
            (base as f64 * (1.0 - self.jitter * u)) as u64
        } else {
            base
        }
    }

    /// After `attempts` tries of a call the last of which failed with
    /// `class` (see [`retry_class`]) at `now_ns`: retry, and after how long?
    /// A call past its `deadline_ns` is not retried; a retry spends a token
    /// of `budget` when there is one.
    pub fn decide(
        &self,
        attempts: u32,
        class: u8,
        now_ns: u64,
        deadline_ns: Option<u64>,
        budget: Option<&mut RetryBudget>,
        rng: &mut Stream,
    ) -> RetryDecision {
        let retryable =
            attempts < self.max_attempts && self.retry_on & class != 0 && deadline_ns.is_none_or(|d| now_ns < d);
        if !retryable {
            return RetryDecision::GiveUp;
        }
        if let Some(b) = budget
            && !b.try_spend()
        {
            return RetryDecision::BudgetExhausted;
        }
        RetryDecision::RetryAfter { delay_ns: self.delay_ns(attempts, rng) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(backoff: BackoffPolicy, jitter: f64) -> RetryPolicy {
        RetryPolicy { max_attempts: 3, retry_on: RETRY_ERROR | RETRY_TIMEOUT, backoff, jitter }
    }

    #[test]
    fn exponential_backoff_doubles_up_to_the_cap() {
        let p = policy(BackoffPolicy::Exponential { base_ns: 10, max_ns: 35 }, 0.0);
        assert_eq!((1..=4).map(|a| p.backoff_ns(a)).collect::<Vec<_>>(), vec![10, 20, 35, 35]);
        let huge = policy(BackoffPolicy::Exponential { base_ns: u64::MAX / 2, max_ns: u64::MAX }, 0.0);
        assert_eq!(huge.backoff_ns(1_000), u64::MAX, "saturates, never wraps");
        assert_eq!(policy(BackoffPolicy::Fixed(7), 0.0).backoff_ns(9), 7);
        assert_eq!(policy(BackoffPolicy::None, 0.0).backoff_ns(9), 0);
    }

    #[test]
    fn gives_up_when_tries_class_or_deadline_say_so() {
        let p = policy(BackoffPolicy::Fixed(5), 0.0);
        let mut rng = Stream::from_seed(1);
        let retry = RetryDecision::RetryAfter { delay_ns: 5 };
        assert_eq!(p.decide(1, RETRY_ERROR, 0, None, None, &mut rng), retry);
        assert_eq!(p.decide(2, RETRY_TIMEOUT, 0, Some(1), None, &mut rng), retry);
        assert_eq!(p.decide(3, RETRY_ERROR, 0, None, None, &mut rng), RetryDecision::GiveUp, "three tries in all");
        assert_eq!(p.decide(1, RETRY_REJECTED, 0, None, None, &mut rng), RetryDecision::GiveUp, "not retried");
        assert_eq!(p.decide(1, 0, 0, None, None, &mut rng), RetryDecision::GiveUp);
        assert_eq!(p.decide(1, RETRY_ERROR, 10, Some(10), None, &mut rng), RetryDecision::GiveUp, "deadline passed");
        assert_eq!(RetryPolicy::NONE.decide(1, RETRY_ERROR, 0, None, None, &mut rng), RetryDecision::GiveUp);
    }

    #[test]
    fn the_budget_is_spent_only_on_retries() {
        let p = policy(BackoffPolicy::None, 0.0);
        let mut rng = Stream::from_seed(1);
        let mut budget = RetryBudget::new(0.0);
        assert_eq!(budget.tokens(), 1.0, "a budget banks at least one retry");
        assert_eq!(p.decide(3, RETRY_ERROR, 0, None, Some(&mut budget), &mut rng), RetryDecision::GiveUp);
        assert_eq!(budget.tokens(), 1.0, "giving up spends nothing");
        let now = RetryDecision::RetryAfter { delay_ns: 0 };
        assert_eq!(p.decide(1, RETRY_ERROR, 0, None, Some(&mut budget), &mut rng), now);
        assert_eq!(p.decide(1, RETRY_ERROR, 0, None, Some(&mut budget), &mut rng), RetryDecision::BudgetExhausted);
    }

    #[test]
    fn jitter_draws_once_and_only_when_it_matters() {
        let mut rng = Stream::from_seed(4);
        let before = rng.clone();
        assert_eq!(policy(BackoffPolicy::None, 1.0).delay_ns(1, &mut rng), 0);
        assert_eq!(policy(BackoffPolicy::Fixed(1_000), 0.0).delay_ns(1, &mut rng), 1_000);
        assert_eq!(rng, before, "no draw without jitter or without a delay");
        let full = policy(BackoffPolicy::Fixed(1_000), 1.0);
        let mut expected = rng.clone();
        let d = full.delay_ns(1, &mut rng);
        let u = expected.unit();
        assert_eq!(d, (1_000.0 * (1.0 - u)) as u64);
        assert_eq!(rng, expected, "exactly one draw");
        let half = policy(BackoffPolicy::Fixed(1_000), 0.5);
        assert!((0..1_000).all(|_| (500..=1_000).contains(&half.delay_ns(1, &mut rng))));
    }

    #[test]
    fn classes_of_outcomes() {
        assert_eq!(retry_class(Outcome::Error), RETRY_ERROR);
        assert_eq!(retry_class(Outcome::Timeout), RETRY_TIMEOUT);
        assert_eq!(retry_class(Outcome::Rejected(RejectCause::RateLimited)), RETRY_REJECTED);
        assert_eq!(retry_class(Outcome::Rejected(RejectCause::BreakerOpen)), 0);
        assert_eq!(retry_class(Outcome::Rejected(RejectCause::Bulkhead)), 0);
        assert_eq!(retry_class(Outcome::Ok), 0);
    }
}
