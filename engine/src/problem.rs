//! A problem found in a design: its severity, where it is (a path such as
//! `nodes[orders].capacity.replicas`), what it is about and a plain message.
//!
//! Validation and the capacity estimate both find problems, and the simulator
//! refuses a design with the very same values; the type lives here, apart from
//! all three, so none of them has to import another for it.

use serde::{Deserialize, Serialize};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The design cannot be simulated or exported as it is.
    Error,
    /// Probably a mistake, or a risk worth a look.
    Warning,
}

/// What a problem is about, so the GUI can select the culprit.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Target {
    /// The design as a whole.
    Design,
    /// A node, by id.
    Node(String),
    /// An edge, by id.
    Edge(String),
    /// A workload, by name.
    Workload(String),
    /// A fault, by name.
    Fault(String),
    /// An SLO, by workload name.
    Slo(String),
}

/// One problem found in a design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where, e.g. `nodes[orders].capacity.replicas`.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: crate::message::Message,
    /// The item to select.
    pub target: Target,
}

impl Problem {
    /// An error about the design as a whole.
    #[must_use]
    pub fn design_error(path: impl Into<String>, message: crate::message::Message) -> Self {
        Self { severity: Severity::Error, path: path.into(), message, target: Target::Design }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}: {}", self.path, self.message)
    }
}

/// Whether any problem is an error.
#[must_use]
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}
