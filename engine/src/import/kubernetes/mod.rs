//! Kubernetes manifests → design, in phases that read top to bottom: the
//! objects (`List`s flattened) and what was found (a file of only Istio
//! objects, or none that runs anything, says so); the workloads
//! (Deployments, StatefulSets, DaemonSets, ReplicaSets, Argo Rollouts and
//! bare Pods; Jobs and CronJobs listed as not mapped) with their namespaces
//! as groups — the same name in two namespaces gives two nodes; the
//! Services that name them (every workload a selector picks, ports and
//! target ports), published ones and Ingress backends as entries; the
//! dependencies in the environment (directly or through ConfigMaps; health
//! URLs and registries are not calls); and HorizontalPodAutoscalers.

mod autoscaling;
mod services;
mod workloads;

use std::collections::BTreeMap;

use serde_json::Value;

use super::build::Builder;
use super::{ImportError, ImportFormat};
use crate::Design;
use crate::msg;
use services::Services;
use workloads::Workload;

/// Kinds that run a pod template and become nodes.
const WORKLOAD_KINDS: [&str; 7] =
    ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout", "Pod", "DeploymentConfig"];
/// Kinds read for what they say about workloads.
const READ_KINDS: [&str; 6] = ["Service", "ConfigMap", "HorizontalPodAutoscaler", "Ingress", "List", "Namespace"];
/// Batch kinds: they run to completion, not on a request's path.
const BATCH_KINDS: [&str; 2] = ["Job", "CronJob"];

pub(super) fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

pub(super) fn kind_of(o: &Value) -> &str {
    o.get("kind").and_then(Value::as_str).unwrap_or("")
}

/// An object's namespace, `default` when it does not say.
pub(super) fn namespace_of(o: &Value) -> &str {
    str_at(o, "/metadata/namespace").unwrap_or("default")
}

pub(super) fn import(docs: &[Value], file: &str) -> Result<(Design, Vec<crate::message::Message>), ImportError> {
    let objects = flatten(docs);
    let counts = count_kinds(&objects);
    check_found(&counts, file)?;
    let mut b = Builder::new(&super::compose::design_name(file));
    note_what_was_found(&mut b, &counts);
    let config_maps: BTreeMap<(&str, &str), &Value> = objects
        .iter()
        .filter(|o| kind_of(o) == "ConfigMap")
        .filter_map(|o| Some(((namespace_of(o), str_at(o, "/metadata/name")?), o.get("data").unwrap_or(&Value::Null))))
        .collect();
    let workloads = workloads::read(&mut b, &objects, &config_maps);
    let services = Services::read(&mut b, &objects, &workloads);
    let mut entries = services.entries.clone();
    services.ingress_entries(&objects, &mut entries);
    for w in &workloads {
        services.connect(&mut b, w);
    }
    autoscaling::read(&mut b, &objects, &workloads);
    Ok(b.finish(&entries))
}

/// Every object, `kind: List` documents flattened.
fn flatten(docs: &[Value]) -> Vec<&Value> {
    let mut objects: Vec<&Value> = Vec::new();
    for d in docs {
        if kind_of(d) == "List" {
            objects.extend(d.get("items").and_then(Value::as_array).into_iter().flatten());
        } else {
            objects.push(d);
        }
    }
    objects
}

/// How many objects of each kind (Istio's prefixed `istio:` to tell them apart).
fn count_kinds(objects: &[&Value]) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for o in objects {
        let kind = kind_of(o);
        let istio = str_at(o, "/apiVersion").is_some_and(|a| a.contains("istio.io"));
        let key = match (kind.is_empty(), istio) {
            (true, _) => "(no kind)".to_owned(),
            (false, true) => format!("istio:{kind}"),
            (false, false) => kind.to_owned(),
        };
        *counts.entry(key).or_default() += 1;
    }
    counts
}

fn list(counts: &BTreeMap<String, usize>, pick: impl Fn(&str) -> bool) -> String {
    counts
        .iter()
        .filter(|(k, _)| pick(k))
        .map(|(k, n)| format!("{n} {}", k.trim_start_matches("istio:")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuse, saying what was found, a file with nothing that runs requests.
fn check_found(counts: &BTreeMap<String, usize>, file: &str) -> Result<(), ImportError> {
    if WORKLOAD_KINDS.iter().any(|k| counts.contains_key(*k)) {
        return Ok(());
    }
    let shape = |reason: String| ImportError::Shape { file: file.to_owned(), format: ImportFormat::Kubernetes, reason };
    let found = list(counts, |_| true);
    if counts.keys().all(|k| k.starts_with("istio:")) {
        return Err(shape(format!(
            "only Istio objects ({found}): they route traffic between workloads defined elsewhere; import the Deployments and Services together with them"
        )));
    }
    Err(shape(format!(
        "found {found}, but nothing that runs a service (no Deployment, StatefulSet, DaemonSet, ReplicaSet, Rollout or Pod)"
    )))
}

fn note_what_was_found(b: &mut Builder, counts: &BTreeMap<String, usize>) {
    let pods_only =
        counts.contains_key("Pod") && WORKLOAD_KINDS.iter().filter(|k| **k != "Pod").all(|k| !counts.contains_key(*k));
    if pods_only {
        let pods = list(counts, |k| k == "Pod");
        b.note(msg!(
            "engine-import-pods-only",
            "only bare Pods ({pods}): each became a node with one replica (no controller says how many run)",
            pods = pods
        ));
    }
    let batch = list(counts, |k| BATCH_KINDS.contains(&k));
    if !batch.is_empty() {
        b.note(msg!(
            "engine-import-batch-unmapped",
            "not mapped: {batch} (batch work runs to completion, not on a request's path)",
            batch = batch
        ));
    }
    let istio = list(counts, |k| k.starts_with("istio:"));
    if !istio.is_empty() {
        b.note(msg!(
            "engine-import-istio-unmapped",
            "not mapped: Istio objects {istio} (routing and policy are not read back into a design)",
            istio = istio
        ));
    }
    let other = list(counts, |k| {
        !k.starts_with("istio:")
            && !WORKLOAD_KINDS.contains(&k)
            && !READ_KINDS.contains(&k)
            && !BATCH_KINDS.contains(&k)
    });
    if !other.is_empty() {
        b.note(msg!("engine-import-kinds-unmapped", "not mapped: {other}", other = other));
    }
}

/// A workload's node id, for objects that name workloads (HPAs).
fn find<'a>(workloads: &'a [Workload], namespace: &str, name: &str) -> Option<&'a Workload> {
    workloads.iter().find(|w| w.namespace == namespace && w.name == name)
}
