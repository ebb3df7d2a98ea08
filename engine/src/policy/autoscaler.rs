//! Horizontal autoscaling (a Kubernetes HorizontalPodAutoscaler).
//!
//! An autoscaled node has `slots` replica slots, each in a [`Life`]: off,
//! starting (its cold start), serving, or draining (scaled down: it finishes
//! its work but takes nothing new). Every evaluation period the
//! [`Autoscaler`] compares the busy worker time since the last evaluation
//! with the serving worker time (the caller integrates both on its clock):
//! desired = ceil(ready × utilization / target), ignored within a 10%
//! tolerance, clamped to [min, max]; a scale down applies the highest
//! recommendation of the stabilization window; a scale up is immediate.
//! [`plan`] says which slots change to reach a target: draining replicas
//! come back at once, off ones start (serving after the cold start, which
//! is the caller's timer); a scale down stops starting replicas first, then
//! the last serving ones.

use crate::model::Autoscaling;
use crate::sampling::s_to_ns;

/// HPA tolerance: no change while |utilization / target − 1| ≤ this.
const TOLERANCE: f64 = 0.1;

/// Where a replica slot is in its life (always `Serving` without autoscaling).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Life {
    /// Not running.
    Off,
    /// Started, not ready yet (cold start).
    Starting,
    /// Takes requests.
    #[default]
    Serving,
    /// Scaled down: takes no new requests, finishes what it has (then off).
    Draining,
}

/// A compiled autoscaler.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Autoscaler {
    /// Fewest replicas (at least 1).
    pub min: u32,
    /// Most replicas (at least `min`).
    pub max: u32,
    /// Target worker utilization.
    pub target: f64,
    /// Time between evaluations (at least 1 ns).
    pub eval_ns: u64,
    /// How long a scale-down recommendation is held against.
    pub stabilization_ns: u64,
    /// Time a started replica needs before it serves.
    pub cold_ns: u64,
}

/// One slot's change, in the order [`plan`] gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A draining replica serves again, at once.
    Revive(usize),
    /// An off replica starts (serves after the cold start; at once without one).
    Start(usize),
    /// A starting replica is stopped before it served.
    Cancel(usize),
    /// A serving replica stops: off when it has no work, else draining.
    Stop(usize),
}

/// The autoscaler's memory between evaluations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AutoscalerState {
    /// Replicas wanted (serving + starting).
    pub desired: u32,
    /// Busy worker-time and serving worker-time at the last evaluation.
    busy_mark: f64,
    capacity_mark: f64,
    /// Recent recommendations (time, replicas) for scale-down stabilization.
    history: Vec<(u64, u32)>,
}

impl Autoscaler {
    /// Compile the design's autoscaling.
    #[must_use]
    pub fn from_model(a: &Autoscaling) -> Self {
        Self {
            min: a.min_replicas.max(1),
            max: a.max_replicas.max(a.min_replicas).max(1),
            target: a.target_utilization,
            eval_ns: s_to_ns(a.evaluation_period_s).max(1),
            stabilization_ns: s_to_ns(a.scale_down_stabilization_s),
            cold_ns: s_to_ns(a.cold_start_s),
        }
    }

    /// Replica slots of a node designed with `replicas`.
    #[must_use]
    pub fn slots(&self, replicas: u32) -> u32 {
        self.max.max(replicas)
    }

    /// Replicas serving at the start.
    #[must_use]
    pub fn initial(&self, replicas: u32) -> u32 {
        replicas.clamp(self.min, self.max)
    }

    /// The evaluation at `now_ns`: `busy_area` is the busy worker time so far
    /// and `capacity_area` the serving worker time so far (both in worker ×
    /// ns, on the caller's clock), `ready` the replicas serving now. Returns
    /// the replicas wanted from now on, or `None` when no capacity served
    /// since the last evaluation (nothing to measure).
    pub fn evaluate(
        &self,
        st: &mut AutoscalerState,
        now_ns: u64,
        busy_area: f64,
        capacity_area: f64,
        ready: u32,
    ) -> Option<u32> {
        let (d_busy, d_cap) = (busy_area - st.busy_mark, capacity_area - st.capacity_mark);
        st.busy_mark = busy_area;
        st.capacity_mark = capacity_area;
        if d_cap <= 0.0 {
            return None;
        }
        let ratio = d_busy / d_cap / self.target;
        let current = st.desired;
        let recommended = if (ratio - 1.0).abs() <= TOLERANCE {
            current
        } else {
            ((f64::from(ready) * ratio).ceil() as u32).clamp(self.min, self.max)
        };
        // Scale-down stabilization: the highest recommendation of the window.
        st.history.push((now_ns, recommended));
        let horizon = now_ns.saturating_sub(self.stabilization_ns);
        st.history.retain(|(t, _)| *t >= horizon);
        let stabilized = st.history.iter().map(|(_, r)| *r).max().unwrap_or(recommended);
        let target = if recommended > current { recommended } else { stabilized.min(current) };
        st.desired = target;
        Some(target)
    }
}

impl AutoscalerState {
    /// The state of a node that starts with `initial` replicas.
    #[must_use]
    pub fn new(initial: u32) -> Self {
        Self { desired: initial, ..Self::default() }
    }
}

/// The changes that bring the slots' `lives` to `target` replicas serving or
/// starting, in order: up, draining ones first come back, then off ones
/// start (lowest slot first); down, starting ones stop, then the last
/// serving ones.
#[must_use]
pub fn plan(lives: &[Life], target: u32) -> Vec<Scale> {
    let up = |l: &Life| matches!(l, Life::Serving | Life::Starting);
    let mut current = lives.iter().filter(|l| up(l)).count() as u32;
    let mut changes = Vec::new();
    for (i, l) in lives.iter().enumerate() {
        if current >= target {
            break;
        }
        match l {
            Life::Draining => changes.push(Scale::Revive(i)),
            Life::Off => changes.push(Scale::Start(i)),
            _ => continue,
        }
        current += 1;
    }
    for (i, l) in lives.iter().enumerate().rev() {
        if current <= target {
            break;
        }
        if *l == Life::Starting {
            changes.push(Scale::Cancel(i));
            current -= 1;
        }
    }
    for (i, l) in lives.iter().enumerate().rev() {
        if current <= target {
            break;
        }
        if *l == Life::Serving {
            changes.push(Scale::Stop(i));
            current -= 1;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hpa() -> Autoscaler {
        Autoscaler { min: 1, max: 4, target: 0.5, eval_ns: 10, stabilization_ns: 30, cold_ns: 5 }
    }

    #[test]
    fn scales_up_at_once_to_ready_times_utilization_over_target() {
        let a = hpa();
        let mut st = AutoscalerState::new(1);
        // 0.9 busy of one serving worker: ceil(1 × 0.9 / 0.5) = 2.
        assert_eq!(a.evaluate(&mut st, 10, 9.0, 10.0, 1), Some(2));
        // Within the tolerance: no change.
        assert_eq!(a.evaluate(&mut st, 20, 9.0 + 10.5, 30.0, 2), Some(2));
        // Clamped to the most.
        assert_eq!(a.evaluate(&mut st, 30, 19.5 + 20.0, 50.0, 2), Some(4));
    }

    #[test]
    fn scale_down_waits_for_the_stabilization_window() {
        let a = hpa();
        let mut st = AutoscalerState::new(3);
        assert_eq!(a.evaluate(&mut st, 10, 15.0, 30.0, 3), Some(3));
        // Idle from now: recommended 1, but 3 was recommended within 30 ns.
        assert_eq!(a.evaluate(&mut st, 20, 15.0, 60.0, 3), Some(3));
        assert_eq!(a.evaluate(&mut st, 30, 15.0, 90.0, 3), Some(3));
        assert_eq!(a.evaluate(&mut st, 40, 15.0, 120.0, 3), Some(3));
        assert_eq!(a.evaluate(&mut st, 50, 15.0, 150.0, 3), Some(1));
        // Nothing served since: nothing measured.
        assert_eq!(a.evaluate(&mut st, 60, 15.0, 150.0, 1), None);
    }

    #[test]
    fn the_plan_revives_draining_then_starts_and_stops_from_the_end() {
        use Life::{Draining, Off, Serving, Starting};
        assert_eq!(plan(&[Serving, Draining, Off, Off], 3), vec![Scale::Revive(1), Scale::Start(2)]);
        assert_eq!(plan(&[Serving, Serving, Starting, Off], 1), vec![Scale::Cancel(2), Scale::Stop(1)]);
        assert!(plan(&[Serving, Serving], 2).is_empty());
    }
}
