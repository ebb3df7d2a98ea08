//! Kubernetes manifests → design. Deployments, StatefulSets and DaemonSets
//! become nodes; Services give them the DNS names other workloads use, so
//! dependency addresses in environment variables (`*_ADDR`, `*_URL`,
//! `*_HOST`, ..., also through ConfigMaps) become edges; replicas, resource
//! requests, readiness probes and HorizontalPodAutoscalers are carried over.

use std::collections::BTreeMap;

use serde_json::Value;

use super::build::{Builder, node_for_image};
use super::values;
use super::{ImportError, ImportFormat};
use crate::Design;
use crate::model::{Autoscaling, Healthcheck, NodeKind};

const WORKLOAD_KINDS: [&str; 3] = ["Deployment", "StatefulSet", "DaemonSet"];
/// Kinds read for what they say about workloads.
const READ_KINDS: [&str; 6] = ["Service", "ConfigMap", "HorizontalPodAutoscaler", "Ingress", "List", "Namespace"];

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

#[allow(clippy::too_many_lines, reason = "one pass per kind of object")]
pub(super) fn import(docs: &[Value], file: &str) -> Result<(Design, Vec<String>), ImportError> {
    // Flatten `kind: List` documents.
    let mut objects: Vec<&Value> = Vec::new();
    for d in docs {
        if d.get("kind").and_then(Value::as_str) == Some("List") {
            objects.extend(d.get("items").and_then(Value::as_array).into_iter().flatten());
        } else {
            objects.push(d);
        }
    }
    let kind_of = |o: &Value| o.get("kind").and_then(Value::as_str).unwrap_or("").to_owned();
    let workloads: Vec<&Value> =
        objects.iter().copied().filter(|o| WORKLOAD_KINDS.contains(&kind_of(o).as_str())).collect();
    if workloads.is_empty() {
        return Err(ImportError::Shape {
            file: file.to_owned(),
            format: ImportFormat::Kubernetes,
            reason: "no Deployment, StatefulSet or DaemonSet".into(),
        });
    }
    let mut b = Builder::new(&super::compose::design_name(file));

    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for o in &objects {
        let k = kind_of(o);
        if !WORKLOAD_KINDS.contains(&k.as_str()) && !READ_KINDS.contains(&k.as_str()) {
            *skipped.entry(if k.is_empty() { "(no kind)".to_owned() } else { k }).or_default() += 1;
        }
    }
    if !skipped.is_empty() {
        let list: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        b.note(format!("not mapped: {}", list.join(", ")));
    }

    let config_maps: BTreeMap<&str, &Value> = objects
        .iter()
        .filter(|o| kind_of(o) == "ConfigMap")
        .filter_map(|o| Some((str_at(o, "/metadata/name")?, o.get("data").unwrap_or(&Value::Null))))
        .collect();

    // Workload name → its pod labels.
    let mut pod_labels: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for w in &workloads {
        let Some(name) = str_at(w, "/metadata/name") else {
            b.note(format!("a {} without a name was skipped", kind_of(w)));
            continue;
        };
        if b.design.node(name).is_some() {
            b.note(format!("{name}: a second workload with this name was skipped"));
            continue;
        }
        let containers = w.pointer("/spec/template/spec/containers").and_then(Value::as_array);
        let container = containers.and_then(|c| c.first()).unwrap_or(&Value::Null);
        if containers.is_some_and(|c| c.len() > 1) {
            b.note(format!("{name}: only the first container is modelled; sidecars are left out"));
        }
        let mut node = node_for_image(name, container.get("image").and_then(Value::as_str));
        let kind = kind_of(w);
        node.capacity.replicas = if kind == "DaemonSet" {
            b.note(format!("{name}: a DaemonSet runs one pod per node: 1 replica assumed"));
            1
        } else {
            w.pointer("/spec/replicas").and_then(values::uint).and_then(|r| u32::try_from(r).ok()).unwrap_or(1).max(1)
        };
        node.group = str_at(w, "/metadata/namespace").map(str::to_owned);
        node.deployment.port =
            container.pointer("/ports/0/containerPort").and_then(values::uint).and_then(|p| u16::try_from(p).ok());
        node.deployment.cpu_millicores =
            container.pointer("/resources/requests/cpu").and_then(values::scalar).and_then(|c| values::millicores(&c));
        node.deployment.memory_mib = container
            .pointer("/resources/requests/memory")
            .and_then(values::scalar)
            .and_then(|m| values::mebibytes(&m));
        if let Some(path) = str_at(container, "/readinessProbe/httpGet/path") {
            let interval_s = container.pointer("/readinessProbe/periodSeconds").and_then(values::uint).unwrap_or(10);
            #[allow(clippy::cast_precision_loss, reason = "small whole seconds")]
            let interval_s = interval_s as f64;
            node.deployment.healthcheck = Some(Healthcheck { path: path.to_owned(), interval_s });
        }
        if kind == "StatefulSet" && node.kind == NodeKind::Service {
            b.note(format!("{name}: a StatefulSet with an unknown image is modelled as a service"));
        }
        let labels = w
            .pointer("/spec/template/metadata/labels")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
            .unwrap_or_default();
        pod_labels.push((name.to_owned(), labels));
        b.design.nodes.push(node);
    }

    // DNS names: each Service name → the workload its selector picks.
    let mut dns: BTreeMap<String, String> = BTreeMap::new();
    let mut entries: Vec<String> = Vec::new();
    for s in objects.iter().filter(|o| kind_of(o) == "Service") {
        let Some(svc_name) = str_at(s, "/metadata/name") else { continue };
        let selector: BTreeMap<String, String> = s
            .pointer("/spec/selector")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
            .unwrap_or_default();
        if selector.is_empty() {
            b.note(format!("Service {svc_name}: no selector (external endpoints) is not mapped"));
            continue;
        }
        let target = pod_labels
            .iter()
            .find(|(_, labels)| selector.iter().all(|(k, v)| labels.get(k) == Some(v)))
            .map(|(n, _)| n.clone());
        let Some(target) = target else {
            b.note(format!("Service {svc_name}: selects no workload in these manifests"));
            continue;
        };
        dns.insert(svc_name.to_owned(), target.clone());
        let service_type = str_at(s, "/spec/type").unwrap_or("ClusterIP");
        let exposed = matches!(service_type, "LoadBalancer" | "NodePort");
        let kind = b.design.node(&target).map(|n| n.kind);
        if exposed && matches!(kind, Some(NodeKind::Service | NodeKind::Gateway)) && !entries.contains(&target) {
            entries.push(target);
        }
    }
    for ing in objects.iter().filter(|o| kind_of(o) == "Ingress") {
        let mut backends: Vec<&str> = Vec::new();
        if let Some(s) = str_at(ing, "/spec/defaultBackend/service/name") {
            backends.push(s);
        }
        for rule in ing.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten() {
            for path in rule.pointer("/http/paths").and_then(Value::as_array).into_iter().flatten() {
                if let Some(s) = str_at(path, "/backend/service/name") {
                    backends.push(s);
                }
            }
        }
        for svc in backends {
            if let Some(t) = dns.get(svc)
                && !entries.contains(t)
            {
                entries.push(t.clone());
            }
        }
    }

    // Dependencies from the environment, directly or through ConfigMaps.
    for w in &workloads {
        let Some(name) = str_at(w, "/metadata/name") else { continue };
        let mut pairs: Vec<(String, String)> = Vec::new();
        for c in w.pointer("/spec/template/spec/containers").and_then(Value::as_array).into_iter().flatten() {
            for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                let Some(key) = e.get("name").and_then(Value::as_str) else { continue };
                if let Some(v) = e.get("value").and_then(values::scalar) {
                    pairs.push((key.to_owned(), v));
                } else if let (Some(cm), Some(k)) =
                    (str_at(e, "/valueFrom/configMapKeyRef/name"), str_at(e, "/valueFrom/configMapKeyRef/key"))
                    && let Some(v) = config_maps.get(cm).and_then(|d| d.get(k)).and_then(values::scalar)
                {
                    pairs.push((key.to_owned(), v));
                }
            }
            for from in c.get("envFrom").and_then(Value::as_array).into_iter().flatten() {
                if let Some(cm) = str_at(from, "/configMapRef/name") {
                    match config_maps.get(cm).and_then(|d| d.as_object()) {
                        Some(data) => {
                            pairs.extend(data.iter().filter_map(|(k, v)| Some((k.clone(), values::scalar(v)?))));
                        }
                        None => b.note(format!("{name}: ConfigMap {cm} is not in these manifests")),
                    }
                }
                if from.get("secretRef").is_some() {
                    b.note(format!("{name}: environment from Secrets is not read"));
                }
            }
        }
        for (key, value) in pairs {
            if !values::is_address_key(&key) && !value.contains("://") {
                continue;
            }
            for host in values::hosts(&value) {
                if let Some(target) = dns.get(&host).cloned() {
                    b.connect(name, &target);
                }
            }
        }
    }

    for h in objects.iter().filter(|o| kind_of(o) == "HorizontalPodAutoscaler") {
        let Some(target) = str_at(h, "/spec/scaleTargetRef/name") else { continue };
        let min = h.pointer("/spec/minReplicas").and_then(values::uint).unwrap_or(1);
        let max = h.pointer("/spec/maxReplicas").and_then(values::uint).unwrap_or(min);
        let cpu_percent = h
            .pointer("/spec/metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|m| str_at(m, "/resource/name") == Some("cpu"))
            .and_then(|m| m.pointer("/resource/target/averageUtilization"))
            .or_else(|| h.pointer("/spec/targetCPUUtilizationPercentage"))
            .and_then(values::uint);
        let Some(node) = b.design.nodes.iter_mut().find(|n| n.id == target) else {
            b.note(format!("HorizontalPodAutoscaler for {target}: no such workload"));
            continue;
        };
        let Some(percent) = cpu_percent else {
            b.note(format!("{target}: autoscaling on metrics other than CPU utilization is not mapped"));
            continue;
        };
        #[allow(clippy::cast_precision_loss, reason = "small whole numbers")]
        let stabilization = h
            .pointer("/spec/behavior/scaleDown/stabilizationWindowSeconds")
            .and_then(values::uint)
            .map_or(300.0, |s| s as f64);
        #[allow(clippy::cast_precision_loss, reason = "a percentage")]
        let target_utilization = (percent as f64 / 100.0).clamp(0.01, 1.0);
        node.policies.autoscaling = Some(Autoscaling {
            min_replicas: u32::try_from(min).unwrap_or(1).max(1),
            max_replicas: u32::try_from(max).unwrap_or(u32::MAX).max(1),
            target_utilization,
            evaluation_period_s: 15.0,
            scale_down_stabilization_s: stabilization,
            cold_start_s: 0.0,
        });
        let name = node.name.clone();
        b.note(format!("{name}: the HPA's CPU target became a worker-utilization target"));
    }

    if b.design.edges.iter().any(|e| e.kind == crate::model::EdgeKind::Event) {
        b.note("dependencies on brokers became publishes: turn them into subscriptions where the service consumes");
    }
    b.add_entries(&entries);
    b.note("service times are defaults (exponential, mean 10 ms): set measured ones before trusting a run");
    Ok((b.design, b.notes))
}
