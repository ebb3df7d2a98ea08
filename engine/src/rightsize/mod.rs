//! Right-sizing: how much more load a design takes before an SLO fails
//! ([`headroom`]), and the cheapest configuration that passes every SLO
//! ([`tune`]).
//!
//! Both search by simulating candidates. Every run of a search uses the same
//! seed, so candidates see the same random numbers (common random numbers:
//! arrivals and service draws come from one stream per node, edge and
//! workload, so a change of rate or replicas does not reshuffle them, and
//! differences between candidates are the design's, not the noise's). A
//! verdict is the SLO verdict with its confidence interval: pass when the
//! whole interval is within the target, fail when all of it is beyond.

pub mod headroom;
pub mod hints;
pub mod tune;

use crate::model::{Arrival, Design};
use crate::sim::{Report, Verdict};

/// What one run says about the SLOs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SloState {
    /// Every SLO passed (interval within the target) and the run was stable.
    pub all_pass: bool,
    /// Every SLO's measured mean is within its target and the run was stable.
    pub means_within: bool,
    /// Some SLO failed (interval beyond the target), or the run was unstable.
    pub some_fail: bool,
}

impl SloState {
    pub(crate) fn of(report: &Report) -> Self {
        let stable = !report.unstable;
        Self {
            all_pass: stable && report.slos.iter().all(|s| s.verdict == Verdict::Pass),
            means_within: stable && report.slos.iter().all(|s| s.measured.mean <= s.target),
            some_fail: !stable || report.slos.iter().any(|s| s.verdict == Verdict::Fail),
        }
    }
}

/// The worst p99 over the workloads, ms (0 without successful requests).
pub(crate) fn worst_p99_ms(report: &Report) -> f64 {
    report.workloads.iter().map(|w| w.latency_ms.p99.mean).fold(0.0, f64::max)
}

/// Failed share of all finished requests.
pub(crate) fn error_rate(report: &Report) -> f64 {
    let failed: u64 = report.workloads.iter().map(|w| w.outcomes.failed()).sum();
    let finished: u64 = report.workloads.iter().map(|w| w.outcomes.total() - w.outcomes.in_flight).sum();
    if finished > 0 { failed as f64 / finished as f64 } else { 0.0 }
}

/// The design with every workload scaled: open-loop rates and closed-loop
/// users (rounded, at least one) multiplied by `scale`.
#[must_use]
pub fn scaled(design: &Design, scale: f64) -> Design {
    let mut d = design.clone();
    for w in &mut d.workloads {
        match &mut w.arrival {
            Arrival::Open { rate_per_s, .. } => *rate_per_s *= scale,
            Arrival::Closed { users, .. } => {
                *users = ((f64::from(*users) * scale).round() as u32).max(1);
            }
        }
    }
    d
}

/// Requests per second the design's open-loop workloads offer (closed loops
/// offer what their users can send, unknown before a run).
#[must_use]
pub fn offered_per_s(design: &Design) -> f64 {
    design
        .workloads
        .iter()
        .map(|w| match &w.arrival {
            Arrival::Open { rate_per_s, .. } => *rate_per_s,
            Arrival::Closed { .. } => 0.0,
        })
        .sum()
}
