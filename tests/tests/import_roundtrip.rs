//! Round trips: export → import → export gives the same services and the
//! same dependencies, for Compose and for Kubernetes, on every sample.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::{BTreeMap, BTreeSet};

use engine::export::{ExportFormat, export};
use engine::import::{ImportFormat, import};
use export_support::{host_of, s, yaml_docs};
use serde_json::Value;

/// Compose service → its `depends_on` targets.
fn compose_graph(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let doc = yaml_docs(text).remove(0);
    doc["services"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["depends_on"].as_object().into_iter().flat_map(|m| m.keys().cloned()).collect()))
        .collect()
}

/// Deployment → the Services its ConfigMap points at. A headless Service
/// counts as the Service over the same pods: client-side discovery, which the
/// export expresses by pointing callers at it, is not read back from
/// Kubernetes objects.
fn k8s_graph(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let docs = yaml_docs(text);
    let services: Vec<&Value> = docs.iter().filter(|d| s(d, "/kind") == "Service").collect();
    let same_pods: BTreeMap<&str, &str> = services
        .iter()
        .filter(|h| s(h, "/spec/clusterIP") == "None")
        .filter_map(|h| {
            let regular = services
                .iter()
                .find(|r| s(r, "/spec/clusterIP") != "None" && r["spec"]["selector"] == h["spec"]["selector"])?;
            Some((s(h, "/metadata/name"), s(regular, "/metadata/name")))
        })
        .collect();
    let config_maps: BTreeMap<&str, &Value> =
        docs.iter().filter(|d| s(d, "/kind") == "ConfigMap").map(|d| (s(d, "/metadata/name"), d)).collect();
    docs.iter()
        .filter(|d| s(d, "/kind") == "Deployment")
        .map(|d| {
            let deps = d
                .pointer("/spec/template/spec/containers/0/envFrom")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|f| config_maps.get(s(f, "/configMapRef/name")))
                .flat_map(|cm| cm["data"].as_object().unwrap().values().map(|v| host_of(v.as_str().unwrap())))
                .map(|h| same_pods.get(h.as_str()).map_or(h, |r| (*r).to_owned()))
                .collect();
            (s(d, "/metadata/name").to_owned(), deps)
        })
        .collect()
}

#[test]
fn compose_round_trip_keeps_services_and_dependencies() {
    for (name, design) in export_support::all_designs() {
        let first = export(&design, ExportFormat::Compose).unwrap().text();
        let imported = import(&first, None, "compose.yaml").unwrap();
        assert_eq!(imported.format, ImportFormat::Compose, "{name}");
        let second = export(&imported.design, ExportFormat::Compose).unwrap().text();
        assert_eq!(compose_graph(&first), compose_graph(&second), "{name}");
        // Images survive too.
        let images = |t: &str| -> BTreeMap<String, String> {
            yaml_docs(t).remove(0)["services"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v["image"].as_str().unwrap().to_owned()))
                .collect()
        };
        assert_eq!(images(&first), images(&second), "{name}");
    }
}

#[test]
fn kubernetes_round_trip_keeps_workloads_and_dependencies() {
    for (name, design) in export_support::all_designs() {
        let first = export(&design, ExportFormat::Kubernetes).unwrap().text();
        let imported = import(&first, None, "kubernetes.yaml").unwrap();
        assert_eq!(imported.format, ImportFormat::Kubernetes, "{name}");
        let second = export(&imported.design, ExportFormat::Kubernetes).unwrap().text();
        assert_eq!(k8s_graph(&first), k8s_graph(&second), "{name}");
        let hpas = |t: &str| {
            yaml_docs(t)
                .into_iter()
                .filter(|d| s(d, "/kind") == "HorizontalPodAutoscaler")
                .map(|d| d["spec"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(hpas(&first), hpas(&second), "{name}: HPAs survive");
    }
}

/// What a round trip must keep: each exported node's name, kind and group,
/// and the names of the entry points (what clients call).
type Carried = (BTreeSet<(String, String, Option<String>)>, BTreeSet<String>);

fn carried(d: &engine::Design) -> Carried {
    use engine::model::NodeKind;
    let exported = |k: NodeKind| !matches!(k, NodeKind::Client | NodeKind::Receiver);
    let nodes = d
        .nodes
        .iter()
        .filter(|n| exported(n.kind))
        .map(|n| (n.name.clone(), n.kind.as_str().to_owned(), n.group.clone()))
        .collect();
    // A workload enters at its entry node, or through a client at what the client calls.
    let mut entries = BTreeSet::new();
    for w in &d.workloads {
        let Some(entry) = d.node(&w.entry) else { continue };
        if entry.kind == NodeKind::Client {
            let called = d.edges.iter().filter(|e| e.from == entry.id).filter_map(|e| d.node(&e.to));
            entries.extend(called.filter(|n| exported(n.kind)).map(|n| n.name.clone()));
        } else if exported(entry.kind) {
            entries.insert(entry.name.clone());
        }
    }
    (nodes, entries)
}

/// Every sample and every design the import fixtures give.
fn designs_and_imported_fixtures() -> Vec<(String, engine::Design)> {
    let mut all = export_support::samples();
    let dir = export_support::root().join("tests/fixtures/import");
    let mut files: Vec<std::path::PathBuf> =
        std::fs::read_dir(&dir).unwrap().filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    for path in files {
        if path.to_string_lossy().contains(".override.") {
            continue; // an override is a fragment, imported over its base
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if let Ok(imp) = import(&text, None, &path.display().to_string()) {
            all.push((path.display().to_string(), imp.design));
        }
    }
    assert!(all.len() > 10);
    all
}

#[test]
fn round_trips_restore_names_kinds_groups_and_entry_points() {
    for format in [ExportFormat::Compose, ExportFormat::Kubernetes] {
        for (name, design) in designs_and_imported_fixtures() {
            let text = export(&design, format).unwrap().text();
            let back = import(&text, None, "exported.yaml").unwrap();
            let (mut nodes, entries) = carried(&design);
            if format == ExportFormat::Kubernetes {
                // The Kubernetes export deploys no registry: the platform's
                // own Services discover instances (the export says so).
                nodes.retain(|(_, kind, _)| kind != "registry");
            }
            let (nodes_back, entries_back) = carried(&back.design);
            assert_eq!(nodes, nodes_back, "{name} via {format:?}: names, kinds, groups");
            assert_eq!(entries, entries_back, "{name} via {format:?}: entry points");
        }
    }
}
