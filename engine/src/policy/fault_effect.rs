//! How active faults combine on one node or edge: failure probabilities as
//! independent failures, 1 − Π (1 − pᵢ) (the target's own probability
//! included); added latencies add up and factors multiply, a delay d becoming
//! d × factor + added. The simulator folds its active faults through this at
//! every fault start and end; the emulator folds the faults active at a
//! request's moment, so both stretch and fail the same way.

/// The combined effect of the faults active on one target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaultEffect {
    /// Probability that nothing fails, the product of 1 − p.
    keep: f64,
    /// Added to every delay, ns.
    pub added_ns: u64,
    /// Multiplies every delay.
    pub factor: f64,
}

impl FaultEffect {
    /// No fault active on a target failing with probability `base_p` of its own.
    #[must_use]
    pub fn new(base_p: f64) -> Self {
        Self { keep: 1.0 - base_p, added_ns: 0, factor: 1.0 }
    }

    /// An error burst of probability `p` joins.
    pub fn add_errors(&mut self, p: f64) {
        self.keep *= 1.0 - p;
    }

    /// A latency fault joins.
    pub fn add_latency(&mut self, added_ns: u64, factor: f64) {
        self.added_ns = self.added_ns.saturating_add(added_ns);
        self.factor *= factor;
    }

    /// Probability that a visit or transfer fails.
    #[must_use]
    pub fn error_p(&self) -> f64 {
        1.0 - self.keep
    }

    /// A delay `d_ns` under these effects.
    #[must_use]
    pub fn stretch(&self, d_ns: u64) -> u64 {
        stretch(d_ns, self.factor, self.added_ns)
    }
}

/// A delay under a latency fault. Validation keeps factor × the slowest draw
/// within a year; should anything still overflow, it is held at the longest
/// delay the simulator schedules (past the end of any run), never wrapped or
/// saturated into a plausible-looking number.
#[must_use]
pub fn stretch(d_ns: u64, factor: f64, added_ns: u64) -> u64 {
    let scaled = if (factor - 1.0).abs() > f64::EPSILON { (d_ns as f64 * factor) as u64 } else { d_ns };
    let d = scaled.saturating_add(added_ns);
    if d > crate::sampling::MAX_DELAY_NS { crate::sampling::clamped() } else { d }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_combine_as_independent_failures_and_latency_stretches() {
        let mut fx = FaultEffect::new(0.1);
        assert!((fx.error_p() - 0.1).abs() < 1e-12);
        fx.add_errors(0.5);
        assert!((fx.error_p() - (1.0 - 0.9 * 0.5)).abs() < 1e-12);
        fx.add_latency(7, 2.0);
        fx.add_latency(3, 1.5);
        assert_eq!(fx.stretch(100), 310);
        assert_eq!(FaultEffect::new(0.0).stretch(100), 100);
    }
}
