//! Headroom: the highest rate scale at which every SLO still passes.
//!
//! The search runs the design at rate scales (open-loop rates and
//! closed-loop users multiplied), all with the same seed. Three boundaries
//! are bracketed (doubling or halving from ×1) and then bisected: where every
//! SLO's confidence interval is within its target (the headroom, the
//! interval's low end), where every measured mean is (the point estimate) and
//! where some SLO decidedly fails (the interval's high end). Between the
//! first and the last, the runs cannot tell pass from fail: that is the
//! confidence interval of the headroom.

use serde::{Deserialize, Serialize};

use super::{SloState, error_rate, offered_per_s, scaled, worst_p99_ms};
use crate::message::Message;
use crate::model::Design;
use crate::sim::{RunControl, RunOptions, SimError, run};

/// How a headroom search runs.
#[derive(Clone, Debug, PartialEq)]
pub struct HeadroomOptions {
    /// The runs' settings (seed, duration, replications, threads, memory).
    pub run: RunOptions,
    /// Stop bisecting when the bracket's high end is within this share of its low end.
    pub tolerance: f64,
    /// Most runs in all.
    pub max_runs: u32,
    /// Highest scale tried.
    pub max_scale: f64,
    /// Lowest scale tried.
    pub min_scale: f64,
}

impl Default for HeadroomOptions {
    fn default() -> Self {
        Self { run: RunOptions::default(), tolerance: 0.02, max_runs: 40, max_scale: 64.0, min_scale: 1.0 / 64.0 }
    }
}

/// One scale tried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeadroomPoint {
    /// Rate scale.
    pub scale: f64,
    /// Open-loop requests per second offered at this scale.
    pub offered_per_s: f64,
    /// Successful requests per second.
    pub throughput_per_s: f64,
    /// Worst p99 over the workloads, ms.
    pub p99_ms: f64,
    /// Failed share of finished requests.
    pub error_rate: f64,
    /// Every SLO passed.
    pub all_pass: bool,
    /// Some SLO failed (or the run was unstable).
    pub some_fail: bool,
    /// The run was unstable.
    pub unstable: bool,
    /// The SLOs that did not pass, as `workload objective: verdict`, and
    /// `unstable at nodes` when the run was (sentences the app translates).
    pub not_passing: Vec<Message>,
    /// The busiest node and its utilization.
    pub busiest: Option<Busiest>,
    /// Whether every measured mean is within its target.
    #[serde(skip)]
    means_within: bool,
}

/// The busiest node of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Busiest {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Worker utilization, 0–1.
    pub utilization: f64,
}

/// The capacity estimate's answer: the scale at which the busiest node's
/// utilization reaches 1 (mean figures, no SLO).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalyticHeadroom {
    /// Rate scale at which a node saturates; absent when no node is loaded.
    pub saturation_scale: Option<f64>,
    /// That node's id.
    pub node: Option<String>,
    /// Its display name.
    pub name: Option<String>,
    /// Its utilization at ×1.
    pub utilization: Option<f64>,
}

/// What a headroom search found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Headroom {
    /// Design name.
    pub design: String,
    /// Seed of every run.
    pub seed: u64,
    /// Highest scale found at which every SLO passes (the interval's low end);
    /// absent when every SLO does not pass even at the lowest scale tried.
    pub scale: Option<f64>,
    /// Where the measured figures cross their targets (the point estimate).
    pub estimate: Option<f64>,
    /// Lowest scale found at which some SLO fails (the interval's high end);
    /// absent when none failed up to the highest scale tried.
    pub fails_from: Option<f64>,
    /// Open-loop requests per second at `scale`.
    pub offered_per_s: Option<f64>,
    /// The SLOs that fail first: at `fails_from`, else at the highest scale tried.
    pub first_failing: Vec<Message>,
    /// The busiest node at the first failing scale (the one that saturates first).
    pub saturates_first: Option<Busiest>,
    /// The scale `saturates_first` was measured at.
    pub saturates_at_scale: Option<f64>,
    /// The capacity estimate's answer.
    pub analytic: AnalyticHeadroom,
    /// Every scale tried, rising.
    pub points: Vec<HeadroomPoint>,
    /// Simulated runs.
    pub runs: u32,
    /// The search stopped at `max_runs` before the bracket was narrow.
    pub run_cap_hit: bool,
}

/// The capacity estimate's saturation scale.
#[must_use]
pub fn analytic(design: &Design) -> AnalyticHeadroom {
    let est = crate::capacity::estimate(design);
    let busiest = est
        .nodes
        .iter()
        .filter_map(|n| n.utilization.filter(|u| u.is_finite() && *u > 0.0).map(|u| (n, u)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    AnalyticHeadroom {
        saturation_scale: busiest.map(|(_, u)| 1.0 / u),
        node: busiest.map(|(n, _)| n.id.clone()),
        name: busiest.map(|(n, _)| design.node_name(&n.id).to_owned()),
        utilization: busiest.map(|(_, u)| u),
    }
}

/// The search's state: every point run so far.
struct Search<'a> {
    design: &'a Design,
    options: &'a HeadroomOptions,
    control: &'a RunControl,
    points: Vec<HeadroomPoint>,
    cap_hit: bool,
    /// Scales the design refused (beyond a limit): nothing above them is tried.
    ceiling: f64,
}

impl Search<'_> {
    fn point_at(&self, scale: f64) -> Option<&HeadroomPoint> {
        self.points.iter().find(|p| (p.scale - scale).abs() <= scale * 1e-12)
    }

    /// Run the design at `scale` (once; later asks reuse the point).
    fn eval(&mut self, scale: f64, on_point: &mut dyn FnMut(&HeadroomPoint)) -> Result<Option<usize>, SimError> {
        if let Some(i) = self.points.iter().position(|p| (p.scale - scale).abs() <= scale * 1e-12) {
            return Ok(Some(i));
        }
        if self.points.len() >= self.options.max_runs as usize {
            self.cap_hit = true;
            return Ok(None);
        }
        if scale >= self.ceiling {
            return Ok(None);
        }
        let d = scaled(self.design, scale);
        let report = match run(&d, &self.options.run, self.control) {
            Ok(r) => r,
            // A scale beyond the format's limits (a rate too high to
            // simulate): the search stays below it.
            Err(SimError::InvalidDesign(_)) if scale > 1.0 => {
                self.ceiling = scale;
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let state = SloState::of(&report);
        let busiest = report
            .nodes
            .iter()
            .filter(|n| n.visits > 0)
            .max_by(|a, b| a.utilization.mean.total_cmp(&b.utilization.mean))
            .map(|n| Busiest { id: n.id.clone(), name: n.name.clone(), utilization: n.utilization.mean });
        let p = HeadroomPoint {
            scale,
            offered_per_s: offered_per_s(&d),
            throughput_per_s: report.workloads.iter().map(|w| w.throughput_per_s.mean).sum(),
            p99_ms: worst_p99_ms(&report),
            error_rate: error_rate(&report),
            all_pass: state.all_pass,
            some_fail: state.some_fail,
            unstable: report.unstable,
            not_passing: report
                .slos
                .iter()
                .filter(|s| s.verdict != crate::sim::Verdict::Pass)
                .map(not_passing)
                .chain(report.unstable.then(|| {
                    crate::msg!(
                        "engine-headroom-unstable-at",
                        "unstable at {nodes}",
                        nodes = report.unstable_nodes.join(", ")
                    )
                }))
                .collect(),
            busiest,
            means_within: state.means_within,
        };
        on_point(&p);
        self.points.push(p);
        Ok(Some(self.points.len() - 1))
    }

    /// Bracket and bisect the scale where `holds` turns false. Returns
    /// (highest scale where it holds, lowest where it does not).
    fn boundary(
        &mut self,
        holds: fn(&HeadroomPoint) -> bool,
        on_point: &mut dyn FnMut(&HeadroomPoint),
    ) -> Result<(Option<f64>, Option<f64>), SimError> {
        self.eval(1.0, on_point)?;
        loop {
            let lowest_false = self.points.iter().filter(|p| !holds(p)).map(|p| p.scale).min_by(f64::total_cmp);
            let highest_true = self
                .points
                .iter()
                .filter(|p| holds(p) && lowest_false.is_none_or(|f| p.scale < f))
                .map(|p| p.scale)
                .max_by(f64::total_cmp);
            let next = match (highest_true, lowest_false) {
                (Some(lo), None) if lo * 2.0 <= self.options.max_scale => lo * 2.0,
                (None, Some(hi)) if hi / 2.0 >= self.options.min_scale => hi / 2.0,
                (Some(lo), Some(hi)) if hi / lo - 1.0 > self.options.tolerance => (lo * hi).sqrt(),
                _ => return Ok((highest_true, lowest_false)),
            };
            if self.point_at(next).is_some() || self.eval(next, on_point)?.is_none() {
                return Ok((highest_true, lowest_false));
            }
        }
    }
}

/// Find the design's headroom. `on_point` sees each run as it finishes.
///
/// # Errors
/// Invalid designs (at ×1), cancellation, or too little memory.
pub fn headroom(
    design: &Design,
    options: &HeadroomOptions,
    control: &RunControl,
    mut on_point: impl FnMut(&HeadroomPoint),
) -> Result<Headroom, SimError> {
    let mut s = Search { design, options, control, points: Vec::new(), cap_hit: false, ceiling: f64::INFINITY };
    let (pass_lo, _) = s.boundary(|p| p.all_pass, &mut on_point)?;
    let (mean_lo, mean_hi) = s.boundary(|p| p.means_within, &mut on_point)?;
    let (_, fail_hi) = s.boundary(|p| !p.some_fail, &mut on_point)?;
    let mut points = s.points;
    points.sort_by(|a, b| a.scale.total_cmp(&b.scale));
    let estimate = match (mean_lo, mean_hi) {
        (Some(lo), Some(hi)) => Some((lo * hi).sqrt()),
        (lo, _) => lo,
    };
    let first = fail_hi
        .and_then(|f| points.iter().find(|p| p.scale == f))
        .or_else(|| points.iter().rev().find(|p| !p.all_pass))
        .or_else(|| points.last());
    let offered = pass_lo.map(|x| offered_per_s(&scaled(design, x)));
    Ok(Headroom {
        design: design.name.clone(),
        seed: options.run.seed.unwrap_or(design.simulation.seed),
        scale: pass_lo,
        estimate,
        fails_from: fail_hi,
        offered_per_s: offered,
        first_failing: first.map(|p| p.not_passing.clone()).unwrap_or_default(),
        saturates_first: first.and_then(|p| p.busiest.clone()),
        saturates_at_scale: first.map(|p| p.scale),
        analytic: analytic(design),
        runs: points.len() as u32,
        run_cap_hit: s.cap_hit,
        points,
    })
}

/// An SLO that did not pass, as `workload objective: verdict` (verdict in lower case).
fn not_passing(s: &crate::sim::SloVerdict) -> Message {
    let objective = crate::units::objective(s);
    let verdict = match s.verdict {
        crate::sim::Verdict::Fail => crate::msg!("engine-verdict-fail", "fail"),
        crate::sim::Verdict::Inconclusive => crate::msg!("engine-verdict-inconclusive", "inconclusive"),
        crate::sim::Verdict::Pass => crate::msg!("engine-verdict-pass", "pass"),
    };
    crate::msg!(
        "engine-headroom-not-passing",
        "{workload} {objective}: {verdict}",
        workload = &s.workload,
        objective = objective.to_lowercase(),
        verdict = &verdict
    )
    .with_list("objective", vec![objective.clone()], "")
    .with_list("verdict", vec![verdict.clone()], "")
}

#[cfg(test)]
mod tests;
