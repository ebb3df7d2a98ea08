//! Workloads: the traffic that enters the design.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Distribution;

/// How open-loop inter-arrival times are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalProcess {
    /// Exponential inter-arrival times (independent users).
    #[default]
    Poisson,
    /// Evenly spaced arrivals.
    Constant,
}

/// A multiplier of the base rate over simulated time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RateProfile {
    /// The base rate throughout.
    #[default]
    Constant,
    /// From 1× at `start_s` linearly to `to_factor`× at `end_s`, then held.
    Ramp {
        /// Start of the ramp, seconds.
        start_s: f64,
        /// End of the ramp, seconds.
        end_s: f64,
        /// Multiplier reached at the end.
        to_factor: f64,
    },
    /// 1× until `at_s`, then `factor`×.
    Step {
        /// Time of the step, seconds.
        at_s: f64,
        /// Multiplier after the step.
        factor: f64,
    },
    /// `factor`× between `at_s` and `at_s + duration_s`, 1× otherwise.
    Spike {
        /// Start of the spike, seconds.
        at_s: f64,
        /// Length of the spike, seconds.
        duration_s: f64,
        /// Multiplier during the spike.
        factor: f64,
    },
    /// 1 + amplitude · sin(2πt / period): a day compressed into `period_s`.
    Diurnal {
        /// Period, seconds.
        period_s: f64,
        /// Relative amplitude, 0–1.
        amplitude: f64,
    },
}

impl RateProfile {
    /// The multiplier at simulated time `t_s`.
    #[must_use]
    pub fn factor_at(&self, t_s: f64) -> f64 {
        match *self {
            Self::Constant => 1.0,
            Self::Ramp { start_s, end_s, to_factor } => {
                if t_s <= start_s {
                    1.0
                } else if t_s >= end_s || end_s <= start_s {
                    to_factor
                } else {
                    1.0 + (to_factor - 1.0) * (t_s - start_s) / (end_s - start_s)
                }
            }
            Self::Step { at_s, factor } => {
                if t_s >= at_s {
                    factor
                } else {
                    1.0
                }
            }
            Self::Spike { at_s, duration_s, factor } => {
                if t_s >= at_s && t_s < at_s + duration_s {
                    factor
                } else {
                    1.0
                }
            }
            Self::Diurnal { period_s, amplitude } => {
                if period_s <= 0.0 {
                    1.0
                } else {
                    (1.0 + amplitude * (std::f64::consts::TAU * t_s / period_s).sin()).max(0.0)
                }
            }
        }
    }

    /// The largest multiplier the profile ever reaches (for thinning).
    #[must_use]
    pub fn max_factor(&self) -> f64 {
        match *self {
            Self::Constant => 1.0,
            Self::Ramp { to_factor, .. } => to_factor.max(1.0),
            Self::Step { factor, .. } | Self::Spike { factor, .. } => factor.max(1.0),
            Self::Diurnal { amplitude, .. } => 1.0 + amplitude.abs(),
        }
    }
}

/// How requests arrive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Arrival {
    /// Open loop: arrivals do not wait for earlier requests.
    Open {
        /// Inter-arrival process.
        #[serde(default)]
        process: ArrivalProcess,
        /// Base rate in requests per second.
        rate_per_s: f64,
        /// Rate over time.
        #[serde(default)]
        profile: RateProfile,
    },
    /// Closed loop: `users` each send a request, wait for its answer, think, repeat.
    Closed {
        /// Concurrent users (in all, at most the run's `max_in_flight`).
        #[schemars(range(min = 1, max = crate::model::limits::MAX_IN_FLIGHT))]
        users: u32,
        /// Think time between a response and the next request.
        think_time: Distribution,
    },
}

/// Traffic entering the design at one node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Unique name, e.g. `browse`.
    pub name: String,
    /// Entry node id.
    pub entry: String,
    /// Entry operation; absent means the node's default handling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Arrivals.
    pub arrival: Arrival,
}
