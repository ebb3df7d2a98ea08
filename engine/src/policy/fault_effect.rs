//! How active faults combine on one node or edge: failure probabilities as
//! independent failures, 1 − Π (1 − pᵢ) (the target's own probability
//! included); added latencies add up and factors multiply, a delay d becoming
//! d × factor + added; outages take down the most replicas any of them names
//! (the first ones, in replica order); a partition refuses an edge's requests,
//! or swallows them when any active partition hangs. The simulator folds its
//! active faults through this at every fault start and end; the emulator folds
//! the faults active at a request's moment, so both stretch, fail, crash and
//! cut the same way.

/// The combined effect of the faults active on one target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaultEffect {
    /// Probability that nothing fails, the product of 1 − p.
    keep: f64,
    /// Added to every delay, ns.
    pub added_ns: u64,
    /// Multiplies every delay.
    pub factor: f64,
    /// Replicas down (`u32::MAX`: every one).
    pub down: u32,
    /// `Some(hang)` while the edge is partitioned.
    pub partition: Option<bool>,
}

/// What an edge does to a request crossing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// It crosses, after this delay (ns).
    Pass(u64),
    /// Refused at once (connection refused, injected abort).
    Refuse,
    /// Swallowed: no answer ever comes.
    Hang,
}

impl FaultEffect {
    /// No fault active on a target failing with probability `base_p` of its own.
    #[must_use]
    pub fn new(base_p: f64) -> Self {
        Self { keep: 1.0 - base_p, added_ns: 0, factor: 1.0, down: 0, partition: None }
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

    /// An outage of `replicas` replicas (`None`: every one) joins.
    pub fn add_outage(&mut self, replicas: Option<u32>) {
        self.down = self.down.max(replicas.unwrap_or(u32::MAX));
    }

    /// A partition joins (`hang`: it swallows requests instead of refusing them).
    pub fn add_partition(&mut self, hang: bool) {
        self.partition = Some(self.partition.unwrap_or(false) || hang);
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

    /// Whether replica `offset` (0-based, of `replicas`) of the target is down.
    #[must_use]
    pub fn replica_down(&self, offset: u32, replicas: u32) -> bool {
        offset < self.down.min(replicas)
    }

    /// What the edge does to a request with network delay `d_ns`, given the
    /// edge's uniform draw `u` in [0, 1) (drawn on every request, fault
    /// active or not, so that other draws do not move).
    #[must_use]
    pub fn gate(&self, u: f64, d_ns: u64) -> Gate {
        match self.partition {
            Some(true) => Gate::Hang,
            Some(false) => Gate::Refuse,
            None if u < self.error_p() => Gate::Refuse,
            None => Gate::Pass(self.stretch(d_ns)),
        }
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

    #[test]
    fn outages_take_the_first_replicas_and_the_largest_wins() {
        let mut fx = FaultEffect::new(0.0);
        assert!(!fx.replica_down(0, 3));
        fx.add_outage(Some(1));
        fx.add_outage(Some(2));
        assert_eq!((fx.replica_down(1, 3), fx.replica_down(2, 3)), (true, false));
        fx.add_outage(None);
        assert!(fx.replica_down(2, 3) && !fx.replica_down(3, 3));
    }

    #[test]
    fn a_partition_refuses_or_swallows_and_errors_refuse_by_the_draw() {
        let mut fx = FaultEffect::new(0.0);
        fx.add_errors(0.25);
        fx.add_latency(5, 2.0);
        assert_eq!(fx.gate(0.2, 10), Gate::Refuse);
        assert_eq!(fx.gate(0.3, 10), Gate::Pass(25));
        fx.add_partition(false);
        assert_eq!(fx.gate(0.9, 10), Gate::Refuse);
        fx.add_partition(true);
        fx.add_partition(false);
        assert_eq!(fx.gate(0.9, 10), Gate::Hang, "one hanging partition is enough");
    }
}
