//! The headroom of an M/M/1 queue against its closed form.
#![allow(clippy::unwrap_used, reason = "tests")]

use super::{HeadroomOptions, headroom};
use crate::model::format::{Format, from_str};
use crate::sim::{RunControl, RunOptions};

/// One M/M/1 node (mean service 1 ms) at `rate_per_s`, with a p99 SLO of `p99_ms`.
fn mm1(rate_per_s: f64, p99_ms: f64) -> crate::Design {
    let text = format!(
        r#"{{"version": 1, "name": "mm1",
        "nodes": [{{"id": "s", "name": "S", "service_time": {{"type": "exponential", "mean_ms": 1.0}}}}],
        "workloads": [{{"name": "w", "entry": "s", "arrival": {{"type": "open", "rate_per_s": {rate_per_s}}}}}],
        "slos": [{{"workload": "w", "latency": {{"percentile": 99.0, "max_ms": {p99_ms}}}}}],
        "simulation": {{"duration_s": 60.0, "warmup_s": 5.0, "replications": 5, "seed": 7}}}}"#
    );
    from_str(&text, Format::Json, "<test>").unwrap()
}

#[test]
fn the_headroom_of_an_mm1_with_a_p99_slo_is_the_closed_form_rate_within_the_interval() {
    // M/M/1 (FCFS): the response time is exponential with rate μ − λ, so its
    // p99 is ln(100) / (μ − λ) and p99 ≤ T holds up to λ* = μ − ln(100) / T.
    let (mu_per_s, target_ms, base_per_s) = (1000.0, 20.0, 500.0);
    let lambda_star = mu_per_s - 100f64.ln() / (target_ms / 1000.0);
    let exact = lambda_star / base_per_s; // ≈ 1.54
    let options = HeadroomOptions { run: RunOptions::default(), ..HeadroomOptions::default() };
    let h = headroom(&mm1(base_per_s, target_ms), &options, &RunControl::new(), |_| {}).unwrap();
    let (lo, hi) = (h.scale.unwrap(), h.fails_from.unwrap());
    // The interval [every SLO passes, some SLO fails] holds the exact answer,
    // up to the bisection's own 2 % step at each end.
    let tol = 1.0 + options.tolerance;
    assert!(lo <= exact * tol && exact <= hi * tol, "exact ×{exact:.4} outside [×{lo:.4}, ×{hi:.4}]");
    // The point estimate: p99's sensitivity to λ is 1/(μ − λ), so a few
    // percent of error in p99 moves λ by well under 1 %: 3 % is generous.
    let est = h.estimate.unwrap();
    assert!((est / exact - 1.0).abs() < 0.03, "estimate ×{est:.4}, exact ×{exact:.4}");
    // The node that saturates first is the only one; the analytic estimate
    // says ρ = 1 at ×2 (500/s of 1000/s).
    assert_eq!(h.saturates_first.as_ref().map(|b| b.id.as_str()), Some("s"));
    assert!((h.analytic.saturation_scale.unwrap() - 2.0).abs() < 1e-9);
    assert!(h.runs >= 8 && h.runs <= options.max_runs, "{} runs", h.runs);
    assert!(h.points.windows(2).all(|w| w[0].scale < w[1].scale));
}

#[test]
fn the_same_design_and_seed_give_the_same_headroom() {
    let d = mm1(300.0, 10.0);
    let mut d_short = d.clone();
    d_short.simulation.duration_s = 20.0;
    d_short.simulation.replications = 2;
    let options = HeadroomOptions { tolerance: 0.05, ..HeadroomOptions::default() };
    let a = headroom(&d_short, &options, &RunControl::new(), |_| {}).unwrap();
    let b = headroom(&d_short, &options, &RunControl::new(), |_| {}).unwrap();
    assert!(a == b);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
}

#[test]
fn closed_loop_users_scale_too() {
    let mut d = mm1(100.0, 10.0);
    d.workloads[0].arrival = crate::model::Arrival::Closed {
        users: 10,
        think_time: crate::model::Distribution::Constant { value_ms: 100.0 },
    };
    let s = super::scaled(&d, 1.5);
    assert!(matches!(s.workloads[0].arrival, crate::model::Arrival::Closed { users: 15, .. }));
}
