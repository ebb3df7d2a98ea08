//! Exporters: turn a design into the configuration people deploy (Docker
//! Compose, Kubernetes, Istio), describe its messaging (AsyncAPI) and draw it
//! for documentation (Graphviz DOT, Mermaid).
//!
//! Every exporter builds typed structures and hands them to a maintained
//! serializer (`serde-saphyr` for YAML); the two diagram formats use small
//! writers whose only job is escaping, so no design string can leave its
//! quoted scalar. Output is deterministic: it follows the design's order and
//! ordered collections only. What a target cannot express is never dropped
//! silently: it becomes a [`Note`] in the export's report.

mod asyncapi;
mod compose;
pub(crate) mod discovery;
mod dot;
pub mod emulate;
mod envoy_filter;
mod gateway;
pub(crate) mod infra;
mod istio;
mod kubernetes;
mod map;
mod mermaid;
pub mod names;
mod plan;
mod stateful;

pub use infra::{image_tools, shell_programs};

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::Design;
use crate::message::Message;

/// A target format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Docker Compose (compose spec).
    Compose,
    /// Kubernetes manifests.
    Kubernetes,
    /// Istio VirtualServices and DestinationRules.
    Istio,
    /// AsyncAPI 3 description of the messaging.
    AsyncApi,
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [Self; 6] = [Self::Compose, Self::Kubernetes, Self::Istio, Self::AsyncApi, Self::Dot, Self::Mermaid];

    /// The short name used on the command line (`--format k8s`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Compose => "compose",
            Self::Kubernetes => "k8s",
            Self::Istio => "istio",
            Self::AsyncApi => "asyncapi",
            Self::Dot => "dot",
            Self::Mermaid => "mermaid",
        }
    }

    /// A human title for menus.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Compose => "Docker Compose",
            Self::Kubernetes => "Kubernetes",
            Self::Istio => "Istio",
            Self::AsyncApi => "AsyncAPI 3",
            Self::Dot => "Graphviz DOT",
            Self::Mermaid => "Mermaid",
        }
    }

    /// The file name a single-file export is saved under by default.
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Compose => "compose.yaml",
            Self::Kubernetes => "kubernetes.yaml",
            Self::Istio => "istio.yaml",
            Self::AsyncApi => "asyncapi.yaml",
            Self::Dot => "design.dot",
            Self::Mermaid => "design.mmd",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format `{0}` (expected compose, k8s, istio, asyncapi, dot or mermaid)")]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "compose" | "docker-compose" | "docker_compose" => Ok(Self::Compose),
            "k8s" | "kubernetes" | "kube" => Ok(Self::Kubernetes),
            "istio" => Ok(Self::Istio),
            "asyncapi" | "async-api" => Ok(Self::AsyncApi),
            "dot" | "graphviz" | "gv" => Ok(Self::Dot),
            "mermaid" | "mmd" => Ok(Self::Mermaid),
            _ => Err(UnknownFormat(s.to_owned())),
        }
    }
}

/// What kind of loss or assumption a note reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A value the design lacks was filled with a clearly named placeholder.
    Placeholder,
    /// The target cannot express this part of the design; it is left out.
    Unsupported,
    /// The target expresses this only approximately.
    Approximated,
    /// A name was changed to fit the target's rules.
    Renamed,
    /// How a design element was carried over (e.g. a receiver inside its host).
    Mapped,
}

impl NoteKind {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placeholder => "placeholder",
            Self::Unsupported => "unsupported",
            Self::Approximated => "approximated",
            Self::Renamed => "renamed",
            Self::Mapped => "mapped",
        }
    }
}

/// One line of a conversion report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// What kind of note.
    pub kind: NoteKind,
    /// The design element concerned: a node or edge name, or `design`.
    pub subject: String,
    /// What happened, in plain words (English in text and JSON; the GUI
    /// says it in its language).
    pub message: Message,
}

impl Note {
    pub(crate) fn new(kind: NoteKind, subject: impl Into<String>, message: Message) -> Self {
        Self { kind, subject: subject.into(), message }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.kind.as_str(), self.subject, self.message)
    }
}

/// The result of an export: one or more files and the conversion report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Export {
    /// The format exported.
    pub format: ExportFormat,
    /// Files as (relative path, text), in writing order.
    pub files: Vec<(String, String)>,
    /// What the target could not express, placeholders used, names changed.
    pub report: Vec<Note>,
}

impl Export {
    /// The text of a single-file export, or every file's text one after the
    /// other for a split export (for previews).
    #[must_use]
    pub fn text(&self) -> String {
        if let [(_, text)] = self.files.as_slice() {
            return text.clone();
        }
        let mut all = String::new();
        for (path, text) in &self.files {
            all.push_str("# ");
            all.push_str(path);
            all.push('\n');
            all.push_str(text);
        }
        all
    }
}

/// What one exporter returns: files as (relative path, text), and its report.
type Output = (Vec<(String, String)>, Vec<Note>);

/// Choices beyond the format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Kubernetes: one file per object plus a `kustomization.yaml`, instead
    /// of one multi-document file.
    pub split: bool,
    /// Kubernetes: the service mesh the workloads run in, whose sidecars and
    /// control plane the NetworkPolicies must let through.
    pub mesh: Option<Mesh>,
    /// Mermaid: one node per group, with the edges between groups
    /// aggregated (one line per pair of ends and edge kind, labelled with
    /// how many it stands for), for designs above Mermaid's edge limit.
    pub collapse_groups: bool,
}

/// A service mesh the Kubernetes export prepares the workloads for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mesh {
    /// Istio with sidecars (the Istio export's policies).
    Istio,
}

/// An unknown mesh name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mesh `{0}` (expected istio)")]
pub struct UnknownMesh(pub String);

impl FromStr for Mesh {
    type Err = UnknownMesh;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "istio" => Ok(Self::Istio),
            _ => Err(UnknownMesh(s.to_owned())),
        }
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The design has nothing the target can deploy.
    #[error("nothing to export to {format}: {reason}")]
    Empty {
        /// The format.
        format: ExportFormat,
        /// Why.
        reason: String,
    },
    /// The serializer failed (should not happen for these typed structures).
    #[error("cannot write {format}: {message}")]
    Serialize {
        /// The format.
        format: ExportFormat,
        /// The serializer's message.
        message: String,
    },
}

/// Export a design to one format with default options.
///
/// # Errors
/// When the design has nothing deployable (Compose, Kubernetes, Istio) or the
/// serializer fails.
pub fn export(design: &Design, format: ExportFormat) -> Result<Export, ExportError> {
    export_with(design, format, ExportOptions::default())
}

/// Export a design to one format.
///
/// # Errors
/// When the design has nothing deployable (Compose, Kubernetes, Istio) or the
/// serializer fails.
pub fn export_with(design: &Design, format: ExportFormat, options: ExportOptions) -> Result<Export, ExportError> {
    let (files, report) = match format {
        ExportFormat::Compose => compose::export(design)?,
        ExportFormat::Kubernetes => kubernetes::export(design, options)?,
        ExportFormat::Istio => istio::export(design)?,
        ExportFormat::AsyncApi => asyncapi::export(design)?,
        ExportFormat::Dot => dot::export(design),
        ExportFormat::Mermaid => mermaid::export(design, options.collapse_groups),
    };
    Ok(Export { format, files, report })
}

/// Serializer settings: no block scalars, so every string is one plain or
/// quoted scalar on one line (line breaks escaped), whatever it holds.
fn yaml_options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! { prefer_block_scalars: false }
}

fn with_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Serialize one YAML document.
fn yaml<T: Serialize>(format: ExportFormat, value: &T) -> Result<String, ExportError> {
    serde_saphyr::to_string_with_options(value, yaml_options())
        .map(with_newline)
        .map_err(|e| ExportError::Serialize { format, message: e.to_string() })
}

/// Serialize several YAML documents into one stream.
fn yaml_multi<T: Serialize>(format: ExportFormat, values: &[T]) -> Result<String, ExportError> {
    serde_saphyr::to_string_multiple_with_options(values, yaml_options())
        .map(with_newline)
        .map_err(|e| ExportError::Serialize { format, message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str() {
        for f in ExportFormat::ALL {
            assert_eq!(f.name().parse::<ExportFormat>().ok(), Some(f));
        }
        assert_eq!("kubernetes".parse::<ExportFormat>().ok(), Some(ExportFormat::Kubernetes));
        assert!("helm".parse::<ExportFormat>().is_err());
    }
}
