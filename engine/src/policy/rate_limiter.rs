//! A token bucket rate limiter: `burst` tokens at most, refilled at
//! `rate_per_s`; a request takes one token or is refused. The bucket keeps
//! the time of its last refill instead of a timer, so it refills lazily from
//! whatever `now_ns` its caller passes.

use crate::model::RateLimit;

/// A token bucket's configuration and live tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TokenBucket {
    per_ns: f64,
    burst: f64,
    tokens: f64,
    last_ns: u64,
}

impl TokenBucket {
    /// A full bucket of `burst` tokens (at least 1) refilled at `rate_per_s`
    /// (negative: 0) from time 0.
    #[must_use]
    pub fn new(rate_per_s: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self { per_ns: rate_per_s.max(0.0) / 1e9, burst, tokens: burst, last_ns: 0 }
    }

    /// Compile the design's rate limit.
    #[must_use]
    pub fn from_model(r: &RateLimit) -> Self {
        Self::new(r.rate_per_s, r.burst)
    }

    /// Tokens in the bucket at the last refill.
    #[must_use]
    pub fn tokens(&self) -> f64 {
        self.tokens
    }

    /// Whether a request at `now_ns` may pass (taking a token). A `now_ns`
    /// before the last refill refills nothing.
    pub fn try_acquire(&mut self, now_ns: u64) -> bool {
        let elapsed_ns = now_ns - self.last_ns.min(now_ns);
        self.tokens = (self.tokens + elapsed_ns as f64 * self.per_ns).min(self.burst);
        self.last_ns = now_ns;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// The first instant at which a request would pass (`None`: never, the
    /// bucket is empty and does not refill).
    #[must_use]
    pub fn next_deadline_ns(&self) -> Option<u64> {
        if self.tokens >= 1.0 {
            return Some(self.last_ns);
        }
        if self.per_ns <= 0.0 {
            return None;
        }
        // Float to integer conversion saturates, so a far wait stays u64::MAX.
        let wait_ns = ((1.0 - self.tokens) / self.per_ns).ceil() as u64;
        Some(self.last_ns.saturating_add(wait_ns))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let mut b = TokenBucket::new(1_000.0, 3);
        assert!((0..3).all(|_| b.try_acquire(0)), "the burst passes");
        assert!(!b.try_acquire(0));
        assert_eq!(b.next_deadline_ns(), Some(1_000_000), "one token per ms");
        assert!(!b.try_acquire(999_999));
        assert!(b.try_acquire(1_000_000));
        assert!(!b.try_acquire(1_000_000));
    }

    #[test]
    fn refill_stops_at_the_burst() {
        let mut b = TokenBucket::new(1_000.0, 2);
        assert!(b.try_acquire(0));
        assert!(b.try_acquire(0));
        assert!(b.try_acquire(1_000_000_000), "a second later");
        assert!(b.try_acquire(1_000_000_000));
        assert!(!b.try_acquire(1_000_000_000), "only two banked");
    }

    #[test]
    fn u64_limits_and_time_going_back() {
        let mut b = TokenBucket::new(1e9, 1);
        assert!(b.try_acquire(u64::MAX));
        assert!(!b.try_acquire(5), "an earlier time refills nothing and does not panic");
        assert!(b.try_acquire(6));
        // One token per 10¹² s: a whole u64 of nanoseconds earns a few hundredths.
        let mut slow = TokenBucket::new(1e-12, 1);
        assert!(slow.try_acquire(0));
        assert!(!slow.try_acquire(u64::MAX / 2));
        assert_eq!(slow.next_deadline_ns(), Some(u64::MAX), "far waits saturate");
        assert!(!slow.try_acquire(u64::MAX));
        assert!(slow.tokens() > 0.0 && slow.tokens() < 0.1);
    }

    #[test]
    fn a_zero_rate_never_refills() {
        let mut b = TokenBucket::new(0.0, 0);
        assert_eq!(b.next_deadline_ns(), Some(0), "a bucket holds at least one token");
        assert!(b.try_acquire(0));
        assert!(!b.try_acquire(u64::MAX));
        assert_eq!(b.next_deadline_ns(), None);
        let mut negative = TokenBucket::new(-5.0, 1);
        assert!(negative.try_acquire(0));
        assert!(!negative.try_acquire(1_000_000_000), "a negative rate is no rate");
    }
}
