//! Importers: turn what people already deploy into a design. Docker Compose
//! files, Kubernetes manifests and Istio isotope service graphs become nodes
//! (kinds and presets recognised from images), call and event edges (from
//! `depends_on`, links and dependency addresses in the environment), replicas
//! and autoscaling, laid out left to right. Every import reports what it
//! could not map; nothing is dropped silently.

mod build;
mod compose;
mod discovery;
mod isotope;
mod kubernetes;
mod layout;
mod values;

use std::fmt;
use std::str::FromStr;

use crate::Design;

/// A source format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportFormat {
    /// docker-compose.yml / compose.yaml.
    Compose,
    /// Kubernetes manifests (one or many documents).
    Kubernetes,
    /// Istio isotope service-graph YAML.
    Isotope,
}

impl ImportFormat {
    /// Every format.
    pub const ALL: [Self; 3] = [Self::Compose, Self::Kubernetes, Self::Isotope];

    /// The short name used on the command line (`--from k8s`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Compose => "compose",
            Self::Kubernetes => "k8s",
            Self::Isotope => "isotope",
        }
    }
}

impl fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ImportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "compose" | "docker-compose" | "docker_compose" => Ok(Self::Compose),
            "k8s" | "kubernetes" | "kube" => Ok(Self::Kubernetes),
            "isotope" | "istio-isotope" => Ok(Self::Isotope),
            _ => Err(format!("unknown import format `{s}` (expected compose, k8s or isotope)")),
        }
    }
}

/// The result of an import.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The format read.
    pub format: ImportFormat,
    /// The design.
    pub design: Design,
    /// What could not be mapped, and the placeholders used.
    pub notes: Vec<String>,
}

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The text is not YAML (or JSON).
    #[error("{file}{}: {message}", line_col.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    Parse {
        /// The source.
        file: String,
        /// 1-based line and column, when known.
        line_col: Option<(usize, usize)>,
        /// The parser's message.
        message: String,
    },
    /// The format could not be recognised.
    #[error("{file}: not a Compose file, Kubernetes manifest or isotope service graph (use --from to say which)")]
    Unrecognised {
        /// The source.
        file: String,
    },
    /// The text is YAML but not of the given format.
    #[error("{file}: not a {format} file: {reason}")]
    Shape {
        /// The source.
        file: String,
        /// The format expected.
        format: ImportFormat,
        /// What is missing or wrong.
        reason: String,
    },
}

/// Largest input read, in bytes.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Import a design from text. `from` forces a format; without it the format
/// is detected from the content (then the file name). `file_name` names the
/// source in errors and becomes the design's name.
///
/// # Errors
/// Unparseable text, an unrecognised format, or a document of the wrong shape.
pub fn import(text: &str, from: Option<ImportFormat>, file_name: &str) -> Result<Imported, ImportError> {
    let docs = values::parse_documents(text, file_name)?;
    let format = match from {
        Some(f) => f,
        None => {
            detect_docs(&docs, file_name).ok_or_else(|| ImportError::Unrecognised { file: file_name.to_owned() })?
        }
    };
    let (mut design, notes) = match format {
        ImportFormat::Compose => compose::import(&docs, file_name)?,
        ImportFormat::Kubernetes => kubernetes::import(&docs, file_name)?,
        ImportFormat::Isotope => isotope::import(&docs, file_name)?,
    };
    layout::layered(&mut design);
    Ok(Imported { format, design, notes })
}

/// The format of a text, if it can be recognised.
#[must_use]
pub fn detect(text: &str, file_name: &str) -> Option<ImportFormat> {
    let docs = values::parse_documents(text, file_name).ok()?;
    detect_docs(&docs, file_name)
}

fn detect_docs(docs: &[serde_json::Value], file_name: &str) -> Option<ImportFormat> {
    let is_k8s = docs.iter().any(|d| {
        d.get("apiVersion").is_some_and(serde_json::Value::is_string)
            && d.get("kind").is_some_and(serde_json::Value::is_string)
            && d.get("kind").and_then(serde_json::Value::as_str) != Some("MockServiceGraph")
    });
    if is_k8s {
        return Some(ImportFormat::Kubernetes);
    }
    let first = docs.first()?;
    let services = first.get("services");
    if first.get("kind").and_then(serde_json::Value::as_str) == Some("MockServiceGraph")
        || services.is_some_and(serde_json::Value::is_array)
    {
        return Some(ImportFormat::Isotope);
    }
    if services.is_some_and(serde_json::Value::is_object) {
        // Compose services have images or builds; isotope's old map form has scripts.
        let looks_isotope = services.and_then(serde_json::Value::as_object).is_some_and(|m| {
            !m.is_empty()
                && m.values().all(|s| s.is_null() || s.get("script").is_some() || s.get("errorRate").is_some())
        }) && first.get("apiVersion").is_some();
        return Some(if looks_isotope { ImportFormat::Isotope } else { ImportFormat::Compose });
    }
    let lower = file_name.to_ascii_lowercase();
    if lower.contains("compose") {
        Some(ImportFormat::Compose)
    } else if lower.contains("isotope") || lower.contains("service-graph") {
        Some(ImportFormat::Isotope)
    } else {
        None
    }
}
