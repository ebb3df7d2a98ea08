//! Importers: turn what people already deploy into a design. Docker Compose
//! files, Kubernetes manifests and Istio isotope service graphs become nodes
//! (kinds and presets recognised from images), call and event edges (from
//! `depends_on`, links and dependency addresses in the environment), replicas
//! and autoscaling, laid out left to right. Every import reports what it
//! could not map; nothing is dropped silently.

mod brokers;
mod build;
mod compose;
mod discovery;
mod isotope;
mod kinds;
mod kubernetes;
mod layout;
mod load;
mod values;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::Design;
use crate::msg;

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
    pub notes: Vec<crate::message::Message>,
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
    import_files(&[Source { text, name: file_name }], from, &BTreeMap::new())
}

/// One input file.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Its text.
    pub text: &'a str,
    /// Its name, for errors and the design's name.
    pub name: &'a str,
}

/// Import a design from several files: a Compose base file and its
/// overrides (merged in order, as `docker compose -f a.yml -f b.yml`
/// merges them), or Kubernetes manifests split over files. `variables`
/// resolve Compose's `${VAR}` (the `.env` file's; unset ones are reported).
///
/// # Errors
/// Unparseable text, an unrecognised format, or a document of the wrong shape.
pub fn import_files(
    sources: &[Source<'_>],
    from: Option<ImportFormat>,
    variables: &BTreeMap<String, String>,
) -> Result<Imported, ImportError> {
    let first = sources.first().ok_or_else(|| ImportError::Unrecognised { file: "(no file)".to_owned() })?;
    let mut parsed: Vec<Vec<serde_json::Value>> = Vec::with_capacity(sources.len());
    for s in sources {
        if is_helm_template(s.text) {
            return Err(ImportError::Shape {
                file: s.name.to_owned(),
                format: ImportFormat::Kubernetes,
                reason: "a Helm chart template (`{{ .Values ... }}`): run `helm template RELEASE CHART > manifests.yaml` first and import its output".to_owned(),
            });
        }
        parsed.push(values::parse_documents(s.text, s.name)?);
    }
    let file_name = first.name;
    let format = match from {
        Some(f) => f,
        None => parsed
            .first()
            .and_then(|docs| detect_docs(docs, file_name))
            .ok_or_else(|| ImportError::Unrecognised { file: file_name.to_owned() })?,
    };
    let mut pre_notes: Vec<crate::message::Message> = Vec::new();
    let docs: Vec<serde_json::Value> = if format == ImportFormat::Compose {
        compose_documents(parsed, sources, variables, &mut pre_notes)
    } else {
        if format == ImportFormat::Isotope && sources.len() > 1 {
            pre_notes
                .push(msg!("engine-import-isotope-one-file", "an isotope graph is one file: only the first was read"));
        }
        parsed.into_iter().flatten().collect()
    };
    let (mut design, notes) = match format {
        ImportFormat::Compose => compose::import(&docs, file_name)?,
        ImportFormat::Kubernetes => kubernetes::import(&docs, file_name)?,
        ImportFormat::Isotope => isotope::import(&docs, file_name)?,
    };
    layout::layered(&mut design);
    pre_notes.extend(notes);
    Ok(Imported { format, design, notes: pre_notes })
}

/// Each file's variables resolved, then the overrides merged into the base.
fn compose_documents(
    parsed: Vec<Vec<serde_json::Value>>,
    sources: &[Source<'_>],
    variables: &BTreeMap<String, String>,
    notes: &mut Vec<crate::message::Message>,
) -> Vec<serde_json::Value> {
    let mut unresolved = compose::interpolate::Unresolved::default();
    let mut merged: Option<serde_json::Value> = None;
    for (docs, source) in parsed.into_iter().zip(sources) {
        let Some(mut doc) = docs.into_iter().next() else { continue };
        compose::interpolate::interpolate(&mut doc, variables, &mut unresolved);
        match merged.as_mut() {
            None => merged = Some(doc),
            Some(base) => {
                compose::merge::merge(base, doc);
                let file = &source.name;
                notes.push(msg!(
                    "engine-import-override-merged",
                    "{file} merged over the files before it, as Compose merges overrides",
                    file = file
                ));
            }
        }
    }
    if !unresolved.unset.is_empty() {
        let names: Vec<&str> = unresolved.unset.iter().map(String::as_str).collect();
        let names = names.join(", ");
        notes.push(msg!("engine-import-unset-variables", "variables without a value or a default became empty text, as Compose does: {names} (set them in the .env file next to the Compose file)", names = names));
    }
    for (name, message) in &unresolved.required {
        notes.push(msg!(
            "engine-import-required-variable",
            "required variable {name} is not set: {message}",
            name = name,
            message = message
        ));
    }
    merged.into_iter().collect()
}

/// Whether a text is a Helm template rather than manifests: Go template
/// actions that read Helm's objects (`.Values`, `.Release`, `.Chart`,
/// `include`), which only `helm template` turns into YAML.
fn is_helm_template(text: &str) -> bool {
    text.match_indices("{{").any(|(i, _)| {
        let action = text.get(i..).and_then(|t| t.get(..t.find("}}").unwrap_or(t.len()).min(200))).unwrap_or("");
        ["Values", "Release.", "Chart.", "include ", "template ", "toYaml", "Capabilities"]
            .iter()
            .any(|w| action.contains(w))
    })
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
