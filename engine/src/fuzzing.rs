//! The fuzzing entry: any bytes through the loader, validation, the capacity
//! estimate and, for a valid design, a short simulation. A fuzzer (see
//! `fuzz/`) and a regular test over the committed corpus both call it, so
//! every input the fuzzer ever kept is checked on stable Rust in CI.
//!
//! Bounded by construction: the run is cut to half a simulated second, one
//! replication, one thread, at most 10,000 requests in flight, and its rates
//! scaled down so that no more than about 20,000 requests arrive.

use crate::model::Arrival;
use crate::model::format::{Format, from_str};
use crate::sim::{RunControl, RunOptions};

/// Feed `bytes` through everything a user's file goes through. Any result is
/// fine; a panic, a hang or unbounded memory is a bug.
pub fn load_validate_simulate(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(mut design) = from_str(text, Format::sniff(text), "fuzz") else { return };
    let problems = crate::analysis::problems(&design);
    if crate::problem::has_errors(&problems) {
        return;
    }
    let s = &mut design.simulation;
    s.duration_s = s.duration_s.min(0.5);
    s.warmup_s = s.warmup_s.min(s.duration_s / 2.0);
    s.window_s = s.window_s.max(s.duration_s / 100.0);
    s.max_in_flight = s.max_in_flight.min(10_000);
    let rate: f64 = design
        .workloads
        .iter()
        .map(|w| match &w.arrival {
            Arrival::Open { rate_per_s, profile, .. } => rate_per_s * profile.max_factor(),
            Arrival::Closed { .. } => 0.0,
        })
        .sum();
    let rate_scale = if rate > 40_000.0 { 40_000.0 / rate } else { 1.0 };
    let options = RunOptions { replications: Some(1), threads: Some(1), rate_scale, ..RunOptions::default() };
    if crate::problem::has_errors(&crate::analysis::problems(&options.applied_to(&design))) {
        return;
    }
    let _ = crate::sim::run(&design, &options, &RunControl::new());
}
