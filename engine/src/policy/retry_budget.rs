//! A retry budget (Finagle's): every call earns `ratio` of a retry, every
//! retry spends one, and at most `ratio` × 100 calls' worth (and at least one
//! retry) is banked, so retries stay a bounded share of calls however long a
//! callee fails.

/// Calls' worth of retries a budget banks at most (a burst allowance).
const BANKED_CALLS: f64 = 100.0;

/// A retry budget's live tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryBudget {
    ratio: f64,
    cap: f64,
    tokens: f64,
}

impl RetryBudget {
    /// A full budget that lets retries be `ratio` of calls (negative: 0).
    #[must_use]
    pub fn new(ratio: f64) -> Self {
        let ratio = ratio.max(0.0);
        let cap = (ratio * BANKED_CALLS).max(1.0);
        Self { ratio, cap, tokens: cap }
    }

    /// Tokens banked now.
    #[must_use]
    pub fn tokens(&self) -> f64 {
        self.tokens
    }

    /// A call starts: it earns `ratio` of a retry.
    pub fn on_call(&mut self) {
        self.tokens = (self.tokens + self.ratio).min(self.cap);
    }

    /// Spend one retry if the budget has it.
    pub fn try_spend(&mut self) -> bool {
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_earn_and_retries_spend_up_to_the_cap() {
        let mut b = RetryBudget::new(0.2);
        assert!((b.tokens() - 20.0).abs() < 1e-9, "starts full");
        b.on_call();
        assert!((b.tokens() - 20.0).abs() < 1e-9, "never above the cap");
        for _ in 0..20 {
            assert!(b.try_spend());
        }
        assert!(!b.try_spend(), "exhausted");
        for _ in 0..4 {
            b.on_call();
        }
        assert!(!b.try_spend(), "four calls earn 0.8 of a retry");
        b.on_call();
        assert!(b.try_spend(), "the fifth makes one");
    }

    #[test]
    fn a_zero_ratio_banks_one_retry_and_earns_nothing() {
        let mut b = RetryBudget::new(0.0);
        assert!(b.try_spend());
        for _ in 0..1_000 {
            b.on_call();
        }
        assert!(!b.try_spend());
        let mut negative = RetryBudget::new(-1.0);
        negative.on_call();
        assert_eq!(negative.tokens(), 1.0);
    }
}
