//! Analysis: validation and the capacity estimate of one design, together.
//!
//! Validation checks a design's structure and values; the capacity estimate
//! solves its traffic equations. Neither calls the other: the estimate is a
//! pure function of the design, and this step runs it once and puts its
//! findings (an event loop whose gain is at least 1, hot and overloaded nodes)
//! after validation's. Its problems decide whether a design may be simulated
//! or exported; the GUI and the CLI show them, and the simulator refuses a
//! design with any error among them.

use crate::capacity::{self, Estimate};
use crate::model::Design;
use crate::problem::Problem;
use crate::validate;

/// Problems and load of one design.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    /// Validation's problems followed by the estimate's, each in its own order.
    pub problems: Vec<Problem>,
    /// The capacity estimate (its own problems are also in `problems`).
    pub estimate: Estimate,
}

/// Validate a design and estimate its capacity, once each.
#[must_use]
pub fn analyse(design: &Design) -> Analysis {
    let estimate = capacity::estimate(design);
    let mut problems = validate::validate(design);
    problems.extend(estimate.problems.iter().cloned());
    Analysis { problems, estimate }
}

/// Every problem of a design, errors and warnings: what the simulator and the
/// exporters check before they start.
#[must_use]
pub fn problems(design: &Design) -> Vec<Problem> {
    analyse(design).problems
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::problem::{Severity, Target, has_errors};

    /// A service that publishes to a topic it consumes itself: every message
    /// causes another, a loop of gain 1.
    fn echo_loop() -> Design {
        serde_json::from_value(serde_json::json!({
            "version": 1, "name": "echo",
            "nodes": [
                {"id": "c", "name": "Client", "kind": "client"},
                {"id": "s", "name": "Service"},
                {"id": "t", "name": "Topic", "kind": "broker", "broker": {"mode": "topic"}}
            ],
            "edges": [
                {"id": "e0", "from": "c", "to": "s"},
                {"id": "e1", "from": "s", "to": "t", "kind": "event"},
                {"id": "e2", "from": "t", "to": "s", "kind": "subscription"}
            ],
            "workloads": [{"name": "w", "entry": "c", "arrival": {"type": "open", "rate_per_s": 1.0}}]
        }))
        .unwrap()
    }

    #[test]
    fn the_estimate_s_findings_follow_validation_s() {
        let d = echo_loop();
        let validation = validate::validate(&d);
        assert!(!has_errors(&validation), "{validation:?}");
        let a = analyse(&d);
        assert_eq!(a.problems.get(..validation.len()), Some(&validation[..]));
        let looped = a.problems.get(validation.len()..).unwrap();
        assert_eq!(looped, &a.estimate.problems[..]);
        assert!(
            looped.iter().any(|p| p.severity == Severity::Error
                && p.target == Target::Node("s".into())
                && p.message.contains("gain")),
            "{looped:?}"
        );
        assert_eq!(problems(&d), a.problems);
    }
}
