//! What the deployment tests share: the Kubernetes export's objects by kind,
//! and the workload name each design node runs under.

use std::collections::BTreeMap;

use engine::Design;
use engine::export::names::{self, NameTable};
use engine::export::{ExportFormat, ExportOptions, Mesh, export_with};
use engine::model::NodeKind;
use serde_json::Value;

use super::{s, yaml_docs};

/// The Kubernetes export's objects.
pub fn k8s(design: &Design, mesh: Option<Mesh>) -> Vec<Value> {
    let options = ExportOptions { split: false, mesh, ..ExportOptions::default() };
    yaml_docs(&export_with(design, ExportFormat::Kubernetes, options).unwrap().text())
}

pub fn of_kind<'a>(docs: &'a [Value], kinds: &[&str]) -> Vec<&'a Value> {
    docs.iter().filter(|d| kinds.contains(&s(d, "/kind"))).collect()
}

/// Node id → the workload name the platform exports run it under (the
/// exporters' rule: the sanitized name, `-2`… on a clash, in design order;
/// receivers run in their host; registries and clients are not deployed).
pub fn workload_names(design: &Design) -> BTreeMap<String, String> {
    let mut table = NameTable::dns();
    let mut out = BTreeMap::new();
    for n in design.nodes.iter().filter(|n| n.kind.is_deployable() && n.kind != NodeKind::Registry) {
        let from_name = names::dns_label(&n.name, names::DNS_LABEL_MAX);
        let base = if from_name.is_empty() {
            let from_id = names::dns_label(&n.id, names::DNS_LABEL_MAX);
            if from_id.is_empty() { n.kind.as_str().to_owned() } else { from_id }
        } else {
            from_name
        };
        out.insert(n.id.clone(), table.claim(&base));
    }
    for n in design.nodes.iter().filter(|n| n.kind == NodeKind::Receiver) {
        if let Some(host) = n.host.as_deref().and_then(|h| out.get(h)).cloned() {
            out.insert(n.id.clone(), host);
        }
    }
    out
}
