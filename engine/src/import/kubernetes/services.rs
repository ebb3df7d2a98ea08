//! Services: the DNS names workloads reach each other under. A selector
//! picks every workload of its namespace whose pod labels match — several
//! Deployments behind one Service (canaries, versions) are all linked, a
//! call through it going to one of them in proportion to their replicas.
//! Ports come from the Service (`targetPort`, else `port`) for workloads
//! whose containers do not say. LoadBalancer and NodePort Services and
//! Ingress backends are the entry points.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::build::Builder;
use super::super::values;
use super::workloads::Workload;
use super::{kind_of, namespace_of, str_at};
use crate::model::{Branch, NodeKind};
use crate::msg;

/// The Services read from the manifests.
pub(super) struct Services {
    /// (namespace, Service name) → the workloads (ids, replicas) it selects.
    by_name: BTreeMap<(String, String), Vec<(String, u32)>>,
    /// Workloads published to the outside.
    pub entries: Vec<String>,
}

impl Services {
    pub(super) fn read(b: &mut Builder, objects: &[&Value], workloads: &[Workload]) -> Self {
        let mut services = Self { by_name: BTreeMap::new(), entries: Vec::new() };
        for s in objects.iter().filter(|o| kind_of(o) == "Service") {
            let Some(svc_name) = str_at(s, "/metadata/name") else { continue };
            let namespace = namespace_of(s);
            let selector: BTreeMap<String, String> = s
                .pointer("/spec/selector")
                .and_then(Value::as_object)
                .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
                .unwrap_or_default();
            if selector.is_empty() {
                b.note(msg!(
                    "engine-import-service-no-selector",
                    "Service {svc_name}: no selector (external endpoints) is not mapped",
                    svc_name = svc_name
                ));
                continue;
            }
            let targets: Vec<(String, u32)> = workloads
                .iter()
                .filter(|w| w.namespace == namespace && selector.iter().all(|(k, v)| w.labels.get(k) == Some(v)))
                .map(|w| (w.id.clone(), w.replicas))
                .collect();
            if targets.is_empty() {
                b.note(msg!(
                    "engine-import-service-selects-nothing",
                    "Service {svc_name}: selects no workload in these manifests",
                    svc_name = svc_name
                ));
                continue;
            }
            if targets.len() > 1 {
                let ids: Vec<&str> = targets.iter().map(|(id, _)| id.as_str()).collect();
                let ids = ids.join(", ");
                b.note(msg!("engine-import-service-selects-several", "Service {svc_name} selects {ids}: calls through it go to one of them, in proportion to their replicas", svc_name = svc_name, ids = ids));
            }
            let port = service_port(s);
            for (id, _) in &targets {
                if let Some(node) = b.design.nodes.iter_mut().find(|n| &n.id == id)
                    && node.deployment.port.is_none()
                {
                    node.deployment.port = port;
                }
            }
            let exposed = matches!(str_at(s, "/spec/type").unwrap_or("ClusterIP"), "LoadBalancer" | "NodePort");
            if exposed {
                services.publish(b, &targets);
            }
            services.by_name.insert((namespace.to_owned(), svc_name.to_owned()), targets);
        }
        services
    }

    /// Make the application workloads among `targets` entries (never a
    /// database or a dashboard).
    fn publish(&mut self, b: &Builder, targets: &[(String, u32)]) {
        for (id, _) in targets {
            let kind = b.design.node(id).map(|n| n.kind);
            if matches!(kind, Some(NodeKind::Service | NodeKind::Gateway)) && !self.entries.contains(id) {
                self.entries.push(id.clone());
            }
        }
    }

    /// The workloads behind Ingress backends, added to `entries`.
    pub(super) fn ingress_entries(&self, objects: &[&Value], entries: &mut Vec<String>) {
        for ing in objects.iter().filter(|o| kind_of(o) == "Ingress") {
            let namespace = namespace_of(ing);
            let mut backends: Vec<&str> = Vec::new();
            backends.extend(str_at(ing, "/spec/defaultBackend/service/name"));
            for rule in ing.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten() {
                for path in rule.pointer("/http/paths").and_then(Value::as_array).into_iter().flatten() {
                    backends
                        .extend(str_at(path, "/backend/service/name").or_else(|| str_at(path, "/backend/serviceName")));
                }
            }
            for svc in backends {
                for (id, _) in self.by_name.get(&(namespace.to_owned(), svc.to_owned())).into_iter().flatten() {
                    if !entries.contains(id) {
                        entries.push(id.clone());
                    }
                }
            }
        }
    }

    /// The workloads a host name reaches from `namespace`: `svc`,
    /// `svc.ns`, `svc.ns.svc.cluster.local`.
    fn resolve(&self, host: &str, namespace: &str) -> Option<&Vec<(String, u32)>> {
        let labels: Vec<&str> = host.split('.').collect();
        let name = labels.first()?;
        let ns = match labels.get(1) {
            Some(ns) if labels.len() == 2 || labels.get(2) == Some(&"svc") => ns,
            _ => namespace,
        };
        self.by_name.get(&(ns.to_string(), (*name).to_owned())).or_else(|| {
            // A name only one namespace has, asked for from another without its namespace.
            let mut matching = self.by_name.iter().filter(|((_, n), _)| n == name);
            let first = matching.next()?;
            matching.next().is_none().then_some(first.1)
        })
    }

    /// A workload's dependencies from the addresses in its environment.
    pub(super) fn connect(&self, b: &mut Builder, w: &Workload) {
        if b.design.node(&w.id).is_none() {
            return;
        }
        let mut health_urls: Vec<&str> = Vec::new();
        for (key, value) in &w.env {
            if !values::is_address_key(key) && !value.contains("://") {
                continue;
            }
            if values::is_health_check(key, value) {
                health_urls.push(key);
                continue;
            }
            for host in values::full_hosts(value) {
                let Some(targets) = self.resolve(&host, &w.namespace) else { continue };
                let group = (targets.len() > 1).then(|| format!("via {host}"));
                for (target, replicas) in targets {
                    let Some(e) = b.connect(&w.id, target) else { continue };
                    if let (Some(group), Some(edge)) = (&group, b.design.edges.get_mut(e)) {
                        edge.branch = Some(Branch { group: group.clone(), weight: f64::from(*replicas) });
                    }
                }
            }
        }
        if !health_urls.is_empty() {
            let (svc, urls) = (&w.id, health_urls.join(", "));
            b.note(msg!(
                "engine-import-health-urls",
                "{svc}: health-check URLs ({urls}) are probes, not per-request calls",
                svc = svc,
                urls = urls
            ));
        }
    }
}

/// The port a Service sends to: its first `targetPort` when a number, else its `port`.
fn service_port(s: &Value) -> Option<u16> {
    let first = s.pointer("/spec/ports/0")?;
    first
        .get("targetPort")
        .and_then(values::uint)
        .or_else(|| first.get("port").and_then(values::uint))
        .and_then(|p| u16::try_from(p).ok())
}
