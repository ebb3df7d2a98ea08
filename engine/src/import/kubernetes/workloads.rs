//! The workloads of a set of manifests: one node per object that runs a
//! pod template, its kind decided from the first container's image,
//! environment and ports; replicas, resources, readiness probe and
//! namespace (as the node's group) carried over. The same name in two
//! namespaces gives two nodes (`name-namespace`). Each workload keeps its
//! pod labels (for Services' selectors) and its environment (for
//! dependencies), ConfigMaps resolved.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::build::{Builder, Declared};
use super::super::values;
use super::{WORKLOAD_KINDS, kind_of, namespace_of, str_at};
use crate::model::{Healthcheck, NodeKind};
use crate::msg;

/// A workload read from the manifests.
pub(super) struct Workload {
    /// Its node id (the name, or `name-namespace` when the name repeats).
    pub id: String,
    /// Its name in the manifests.
    pub name: String,
    /// Its namespace (`default` when not said).
    pub namespace: String,
    /// Its pod labels.
    pub labels: BTreeMap<String, String>,
    /// Its containers' environment, ConfigMaps resolved.
    pub env: Vec<(String, String)>,
    /// Its replicas.
    pub replicas: u32,
}

/// The pod spec and pod labels of a workload object.
fn pod_template(o: &Value) -> (&Value, Option<&Value>) {
    if kind_of(o) == "Pod" {
        (o.get("spec").unwrap_or(&Value::Null), o.pointer("/metadata/labels"))
    } else {
        (o.pointer("/spec/template/spec").unwrap_or(&Value::Null), o.pointer("/spec/template/metadata/labels"))
    }
}

/// Every workload as a node; returns what later phases need of them.
pub(super) fn read(b: &mut Builder, objects: &[&Value], config_maps: &BTreeMap<(&str, &str), &Value>) -> Vec<Workload> {
    let objects: Vec<&Value> = objects.iter().copied().filter(|o| WORKLOAD_KINDS.contains(&kind_of(o))).collect();
    // Names used in more than one namespace get the namespace in their id.
    let mut namespaces_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in &objects {
        if let Some(name) = str_at(o, "/metadata/name") {
            let list = namespaces_of.entry(name).or_default();
            if !list.contains(&namespace_of(o)) {
                list.push(namespace_of(o));
            }
        }
    }
    let mut out = Vec::new();
    for o in objects {
        let kind = kind_of(o);
        let Some(name) = str_at(o, "/metadata/name") else {
            let object = kind;
            b.note(msg!("engine-import-unnamed-object", "a {object} without a name was skipped", object = object));
            continue;
        };
        let namespace = namespace_of(o);
        let repeated = namespaces_of.get(name).is_some_and(|l| l.len() > 1);
        let id = if repeated { format!("{name}-{namespace}") } else { name.to_owned() };
        if b.design.node(&id).is_some() || b.is_aside(&id) {
            b.note(msg!(
                "engine-import-duplicate-workload",
                "{id}: a second workload with this name in namespace {namespace} was skipped",
                id = id,
                namespace = namespace
            ));
            continue;
        }
        if repeated {
            b.note(msg!(
                "engine-import-name-in-namespaces",
                "{name} exists in several namespaces: the one in {namespace} is node {id}",
                name = name,
                namespace = namespace,
                id = &id
            ));
        }
        let (pod, labels) = pod_template(o);
        let env = environment(b, &id, pod, namespace, config_maps);
        if let Some(w) = add_node(b, o, &id, pod, &env) {
            let labels = labels
                .and_then(Value::as_object)
                .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
                .unwrap_or_default();
            out.push(Workload { id, name: name.to_owned(), namespace: namespace.to_owned(), labels, env, replicas: w });
        }
    }
    out
}

/// The node of one workload; returns its replicas, `None` when left out.
fn add_node(b: &mut Builder, o: &Value, id: &str, pod: &Value, env: &[(String, String)]) -> Option<u32> {
    let kind = kind_of(o);
    let containers = pod.get("containers").and_then(Value::as_array);
    let container = containers.and_then(|c| c.first()).unwrap_or(&Value::Null);
    let ports: Vec<u16> = container
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("containerPort").and_then(values::uint).and_then(|p| u16::try_from(p).ok()))
        .collect();
    let declared = Declared {
        name: str_at(o, "/metadata/annotations/switchboard~1node").map(str::to_owned),
        kind: str_at(o, "/metadata/annotations/switchboard~1kind").map(str::to_owned),
        kind_label: "switchboard/kind",
        group: str_at(o, "/metadata/annotations/switchboard~1group")
            .or_else(|| str_at(o, "/metadata/namespace"))
            .map(str::to_owned),
    };
    let mut node = b.node_declared(id, container.get("image").and_then(Value::as_str), env, &ports, &declared)?;
    if containers.is_some_and(|c| c.len() > 1) {
        b.note(msg!(
            "engine-import-sidecars",
            "{id}: only the first container is modelled; sidecars are left out",
            id = id
        ));
    }
    node.capacity.replicas = match kind {
        "DaemonSet" => {
            b.note(msg!(
                "engine-import-daemonset",
                "{id}: a DaemonSet runs one pod per node: 1 replica assumed",
                id = id
            ));
            1
        }
        "Pod" => 1,
        _ => o.pointer("/spec/replicas").and_then(values::uint).and_then(|r| u32::try_from(r).ok()).unwrap_or(1).max(1),
    };
    node.deployment.port = ports.first().copied();
    node.deployment.cpu_millicores =
        container.pointer("/resources/requests/cpu").and_then(values::scalar).and_then(|c| values::millicores(&c));
    node.deployment.memory_mib =
        container.pointer("/resources/requests/memory").and_then(values::scalar).and_then(|m| values::mebibytes(&m));
    if let Some(path) = str_at(container, "/readinessProbe/httpGet/path") {
        let interval_s = container.pointer("/readinessProbe/periodSeconds").and_then(values::uint).unwrap_or(10);
        #[allow(clippy::cast_precision_loss, reason = "small whole seconds")]
        let interval_s = interval_s as f64;
        node.deployment.healthcheck = Some(Healthcheck { path: path.to_owned(), interval_s });
    }
    if kind == "StatefulSet" && node.kind == NodeKind::Service {
        b.note(msg!(
            "engine-import-statefulset-unknown",
            "{id}: a StatefulSet with an unknown image is modelled as a service",
            id = id
        ));
    }
    let replicas = node.capacity.replicas;
    b.design.nodes.push(node);
    Some(replicas)
}

/// A workload's environment from every container: values, ConfigMap keys
/// and whole ConfigMaps (`envFrom`).
fn environment(
    b: &mut Builder,
    id: &str,
    pod: &Value,
    namespace: &str,
    config_maps: &BTreeMap<(&str, &str), &Value>,
) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let config_map = |name: &str| config_maps.get(&(namespace, name)).copied();
    for c in pod.get("containers").and_then(Value::as_array).into_iter().flatten() {
        for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
            let Some(key) = e.get("name").and_then(Value::as_str) else { continue };
            if let Some(v) = e.get("value").and_then(values::scalar) {
                pairs.push((key.to_owned(), v));
            } else if let (Some(cm), Some(k)) =
                (str_at(e, "/valueFrom/configMapKeyRef/name"), str_at(e, "/valueFrom/configMapKeyRef/key"))
                && let Some(v) = config_map(cm).and_then(|d| d.get(k)).and_then(values::scalar)
            {
                pairs.push((key.to_owned(), v));
            }
        }
        for from in c.get("envFrom").and_then(Value::as_array).into_iter().flatten() {
            if let Some(cm) = str_at(from, "/configMapRef/name") {
                match config_map(cm).and_then(Value::as_object) {
                    Some(data) => pairs.extend(data.iter().filter_map(|(k, v)| Some((k.clone(), values::scalar(v)?)))),
                    None => b.note(msg!(
                        "engine-import-configmap-missing",
                        "{id}: ConfigMap {cm} is not in these manifests",
                        id = id,
                        cm = cm
                    )),
                }
            }
            if from.get("secretRef").is_some() {
                b.note(msg!("engine-import-secrets-env", "{id}: environment from Secrets is not read", id = id));
            }
        }
    }
    pairs
}
