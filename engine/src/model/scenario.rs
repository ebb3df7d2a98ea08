//! Named scenarios: sets of workload rates and faults kept with a design
//! ("normal day", "Black Friday", "payments outage"), so one design can be
//! run under several conditions without editing it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Arrival, Design, Fault};

fn one_f() -> f64 {
    1.0
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_one(x: &f64) -> bool {
    (*x - 1.0).abs() < f64::EPSILON
}

/// A workload's base rate under a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRate {
    /// Workload name (an open-loop workload).
    pub workload: String,
    /// Base rate in requests per second, replacing the workload's own.
    pub rate_per_s: f64,
}

/// A named set of workload rates and faults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique name, e.g. `Black Friday`.
    pub name: String,
    /// What the scenario represents.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Multiplier of every open-loop rate (after `rates` are applied).
    #[serde(default = "one_f", skip_serializing_if = "is_one")]
    pub rate_scale: f64,
    /// Base rates replacing the workloads' own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rates: Vec<ScenarioRate>,
    /// Faults added to the design's own faults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
}

impl Scenario {
    /// An empty scenario with this name.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), description: String::new(), rate_scale: 1.0, rates: Vec::new(), faults: Vec::new() }
    }
}

impl Design {
    /// The scenario with this name.
    #[must_use]
    pub fn scenario(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// The design as the named scenario runs it: its rates replace the
    /// workloads' base rates (scaled by its `rate_scale`), its faults join
    /// the design's own.
    ///
    /// # Errors
    /// An unknown scenario, or a rate for a workload that does not exist or
    /// is closed-loop.
    pub fn with_scenario(&self, name: &str) -> Result<Design, String> {
        let scenario = self.scenario(name).ok_or_else(|| format!("no scenario named {name:?}"))?;
        let mut d = self.clone();
        for rate in &scenario.rates {
            let Some(w) = d.workloads.iter_mut().find(|w| w.name == rate.workload) else {
                return Err(format!("scenario {name:?}: no workload named {:?}", rate.workload));
            };
            match &mut w.arrival {
                Arrival::Open { rate_per_s, .. } => *rate_per_s = rate.rate_per_s,
                Arrival::Closed { .. } => {
                    return Err(format!("scenario {name:?}: workload {:?} is closed-loop (no rate)", rate.workload));
                }
            }
        }
        if !is_one(&scenario.rate_scale) {
            for w in &mut d.workloads {
                if let Arrival::Open { rate_per_s, .. } = &mut w.arrival {
                    *rate_per_s *= scenario.rate_scale;
                }
            }
        }
        d.faults.extend(scenario.faults.iter().cloned());
        d.scenarios.clear();
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{ArrivalProcess, FaultKind, RateProfile, Workload};

    #[test]
    fn scenario_sets_rates_and_adds_faults() {
        let mut d = Design::default();
        d.workloads.push(Workload {
            name: "w".into(),
            entry: "a".into(),
            operation: None,
            arrival: Arrival::Open {
                process: ArrivalProcess::Poisson,
                rate_per_s: 10.0,
                profile: RateProfile::Constant,
            },
        });
        let mut s = Scenario::new("peak");
        s.rates.push(ScenarioRate { workload: "w".into(), rate_per_s: 40.0 });
        s.rate_scale = 2.0;
        s.faults.push(Fault {
            name: "a down".into(),
            target: "a".into(),
            start_s: 1.0,
            end_s: 2.0,
            fault: FaultKind::Outage { replicas: None },
        });
        d.scenarios.push(s);
        let run = d.with_scenario("peak").unwrap();
        assert!(
            matches!(run.workloads[0].arrival, Arrival::Open { rate_per_s, .. } if (rate_per_s - 80.0).abs() < 1e-9)
        );
        assert_eq!(run.faults.len(), 1);
        assert!(run.scenarios.is_empty());
        assert!(d.with_scenario("nope").is_err());
        let json = serde_json::to_string(&d.scenarios[0]).unwrap();
        let back: Scenario = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d.scenarios[0]);
    }
}
