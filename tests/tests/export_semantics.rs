//! The checks schemas miss, on every sample and test design: every
//! `depends_on` target and URL host exists, every referenced ConfigMap and
//! Service exists, selectors select, Istio hosts are Services, HPA targets and
//! Istio timeouts equal the design's, AsyncAPI references resolve, diagrams
//! hold every node and edge.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::{BTreeMap, BTreeSet};

use engine::Design;
use engine::export::names::{DNS_LABEL_MAX, is_dns_label};
use engine::export::{ExportFormat, export};
use engine::model::{DiscoveryMode, EdgeKind, NodeKind};
use export_support::{duration_ms, host_of, s, yaml_docs};
use serde_json::Value;

fn deployable(design: &Design) -> usize {
    design.nodes.iter().filter(|n| n.kind.is_deployable()).count()
}

/// Workloads on a platform that discovers instances itself: registries are not deployed.
fn platform_deployable(design: &Design) -> usize {
    design.nodes.iter().filter(|n| n.kind.is_deployable() && n.kind != NodeKind::Registry).count()
}

/// Deployed nodes with client-side discovery: each has a headless Service too.
fn client_side_discovered(design: &Design) -> usize {
    design
        .nodes
        .iter()
        .filter(|n| n.kind.is_deployable() && n.kind != NodeKind::Registry)
        .filter(|n| n.discovery.as_ref().is_some_and(|d| d.mode == DiscoveryMode::ClientSide))
        .count()
}

/// Registration and lookup links the diagrams add: one per discovered node
/// with a registry, one per distinct caller of a client-side discovered node
/// and its registry.
fn discovery_links(design: &Design) -> usize {
    let mut links = BTreeSet::new();
    for n in &design.nodes {
        let Some(d) = &n.discovery else { continue };
        let Some(r) = d.registry.as_deref().filter(|r| design.node(r).is_some()) else { continue };
        links.insert((n.id.as_str(), r, "registers"));
        if d.mode == DiscoveryMode::ClientSide {
            for e in design.edges.iter().filter(|e| e.kind == EdgeKind::Call && e.to == n.id && e.from != r) {
                links.insert((e.from.as_str(), r, "looks up"));
            }
        }
    }
    links.len()
}

fn is_address_key(k: &str) -> bool {
    k.ends_with("_URL")
        || k.ends_with("_ADDR")
        || matches!(k, "ETCD_ENDPOINTS" | "EUREKA_CLIENT_SERVICEURL_DEFAULTZONE" | "ZOOKEEPER_CONNECT")
}

#[test]
fn compose_dependencies_and_urls_resolve() {
    for (name, design) in export_support::all_designs() {
        let text = export(&design, ExportFormat::Compose).unwrap().text();
        let doc = yaml_docs(&text).remove(0);
        let services = doc["services"].as_object().expect("services");
        assert_eq!(services.len(), deployable(&design), "{name}: one service per deployable node");
        let names: BTreeSet<&str> = services.keys().map(String::as_str).collect();
        for (svc, spec) in services {
            assert!(is_dns_label(svc, DNS_LABEL_MAX), "{name}: `{svc}` is not a DNS label");
            assert!(spec["image"].as_str().is_some_and(|i| !i.is_empty()), "{name}/{svc}: no image");
            for dep in spec["depends_on"].as_object().into_iter().flat_map(|m| m.keys()) {
                assert!(names.contains(dep.as_str()), "{name}/{svc}: depends_on `{dep}` does not exist");
            }
            let mut url_hosts = BTreeSet::new();
            for (k, v) in spec["environment"].as_object().into_iter().flatten() {
                if is_address_key(k) {
                    let host = host_of(v.as_str().unwrap());
                    assert!(names.contains(host.as_str()), "{name}/{svc}: {k}={v} names no service");
                    url_hosts.insert(host);
                }
            }
            // Every dependency has its address, and every address is a dependency.
            let deps: BTreeSet<String> =
                spec["depends_on"].as_object().into_iter().flat_map(|m| m.keys().cloned()).collect();
            assert_eq!(url_hosts, deps, "{name}/{svc}: URLs and depends_on disagree");
        }
        // Replicas equal the design's.
        for node in design.nodes.iter().filter(|n| n.kind.is_deployable()) {
            let label_match = services
                .values()
                .find(|s| s.pointer("/labels/switchboard.node").and_then(Value::as_str) == Some(&node.name));
            let spec = label_match.unwrap_or_else(|| panic!("{name}: node {} has no service", node.name));
            // A registry, database, cache or broker runs one member: a cluster's
            // members each need their own identity, which Compose replicas lack.
            let stateful =
                matches!(node.kind, NodeKind::Registry | NodeKind::Database | NodeKind::Cache | NodeKind::Broker);
            let replicas = if stateful { 1 } else { node.capacity.replicas };
            assert_eq!(spec.pointer("/deploy/replicas").and_then(Value::as_u64), Some(u64::from(replicas)));
        }
    }
}

fn by_kind<'a>(docs: &'a [Value], kind: &str) -> BTreeMap<String, &'a Value> {
    docs.iter().filter(|d| s(d, "/kind") == kind).map(|d| (s(d, "/metadata/name").to_owned(), d)).collect()
}

#[test]
fn kubernetes_references_resolve_and_match_the_design() {
    for (name, design) in export_support::all_designs() {
        let docs = yaml_docs(&export(&design, ExportFormat::Kubernetes).unwrap().text());
        let mut deployments = by_kind(&docs, "Deployment");
        let stateful_sets = by_kind(&docs, "StatefulSet");
        deployments.extend(stateful_sets.clone());
        let services = by_kind(&docs, "Service");
        let config_maps = by_kind(&docs, "ConfigMap");
        let hpas = by_kind(&docs, "HorizontalPodAutoscaler");
        let policies = by_kind(&docs, "NetworkPolicy");
        assert_eq!(deployments.len(), platform_deployable(&design), "{name}");
        let workers =
            deployments.values().filter(|d| d.pointer("/spec/template/spec/containers/0/ports").is_none()).count();
        let headless = services.values().filter(|d| s(d, "/spec/clusterIP") == "None").count();
        assert_eq!(services.len() - headless, deployments.len() - workers, "{name}: a Service per listening workload");
        assert_eq!(
            headless,
            client_side_discovered(&design) + stateful_sets.len(),
            "{name}: a headless Service per client-side discovered workload and per StatefulSet"
        );
        assert_eq!(policies.len(), deployments.len(), "{name}: a NetworkPolicy per Deployment");
        let pod_labels =
            |d: &Value| d.pointer("/spec/template/metadata/labels").and_then(Value::as_object).cloned().unwrap();
        let selects = |selector: &serde_json::Map<String, Value>| {
            deployments.values().filter(|d| selector.iter().all(|(k, v)| pod_labels(d).get(k) == Some(v))).count()
        };
        for (svc, doc) in &services {
            assert!(is_dns_label(svc, DNS_LABEL_MAX), "{name}: Service `{svc}` is not a DNS-1035 label");
            let sel = doc.pointer("/spec/selector").and_then(Value::as_object).unwrap();
            assert_eq!(selects(sel), 1, "{name}: Service {svc} selects exactly one Deployment");
        }
        for (dep, doc) in &deployments {
            let sel = doc.pointer("/spec/selector/matchLabels").and_then(Value::as_object).unwrap();
            assert!(sel.iter().all(|(k, v)| pod_labels(doc).get(k) == Some(v)), "{name}: {dep} selector");
            for c in doc.pointer("/spec/template/spec/containers").and_then(Value::as_array).unwrap() {
                for from in c["envFrom"].as_array().into_iter().flatten() {
                    let cm = s(from, "/configMapRef/name");
                    assert!(config_maps.contains_key(cm), "{name}: {dep} uses missing ConfigMap {cm}");
                }
                let probe = &c["readinessProbe"];
                if c.get("ports").is_none() {
                    assert!(probe.is_null(), "{name}: {dep} listens on nothing and is probed");
                    continue;
                }
                assert!(
                    probe.get("httpGet").or(probe.get("exec")).or(probe.get("tcpSocket")).is_some(),
                    "{name}: {dep} probe"
                );
            }
        }
        for (cm, doc) in config_maps.iter().filter(|(cm, _)| cm.ends_with("-dependencies")) {
            for (k, v) in doc["data"].as_object().unwrap() {
                let host = host_of(v.as_str().unwrap());
                assert!(services.contains_key(&host), "{name}: ConfigMap {cm} {k}={v} names no Service");
                let port: u64 =
                    v.as_str().unwrap().rsplit(':').next().unwrap().split('/').next().unwrap().parse().unwrap();
                let svc_port = services[&host].pointer("/spec/ports/0/port").and_then(Value::as_u64);
                assert_eq!(svc_port, Some(port), "{name}: {k} uses the Service's port");
            }
        }
        for (np, doc) in &policies {
            let sel = doc.pointer("/spec/podSelector/matchLabels").and_then(Value::as_object).unwrap();
            assert_eq!(selects(sel), 1, "{name}: NetworkPolicy {np} selects its Deployment");
            for rule in doc.pointer("/spec/egress").and_then(Value::as_array).unwrap() {
                for peer in rule["to"].as_array().unwrap() {
                    if peer.get("namespaceSelector").is_some() {
                        continue; // DNS
                    }
                    let sel = peer.pointer("/podSelector/matchLabels").and_then(Value::as_object).unwrap();
                    assert_eq!(selects(sel), 1, "{name}: {np} egress peer selects one Deployment");
                }
            }
        }
        let autoscaled: Vec<_> = design.nodes.iter().filter(|n| n.policies.autoscaling.is_some()).collect();
        assert_eq!(hpas.len(), autoscaled.len(), "{name}: an HPA per autoscaled node");
        for node in autoscaled {
            let a = node.policies.autoscaling.as_ref().unwrap();
            let hpa = hpas
                .values()
                .find(|h| s(h, "/metadata/annotations/switchboard~1node") == node.name)
                .unwrap_or_else(|| panic!("{name}: no HPA for {}", node.name));
            let target = s(hpa, "/spec/scaleTargetRef/name");
            assert!(deployments.contains_key(target), "{name}: HPA targets missing Deployment {target}");
            assert_eq!(hpa.pointer("/spec/minReplicas").and_then(Value::as_u64), Some(u64::from(a.min_replicas)));
            assert_eq!(hpa.pointer("/spec/maxReplicas").and_then(Value::as_u64), Some(u64::from(a.max_replicas)));
            let percent =
                hpa.pointer("/spec/metrics/0/resource/target/averageUtilization").and_then(Value::as_f64).unwrap();
            assert!((percent - a.target_utilization * 100.0).abs() <= 0.5, "{name}: HPA target {percent}% vs design");
        }
    }
}

#[test]
fn istio_hosts_are_services_and_policies_equal_the_design() {
    for (name, design) in export_support::all_designs() {
        let k8s = yaml_docs(&export(&design, ExportFormat::Kubernetes).unwrap().text());
        let services = by_kind(&k8s, "Service");
        let app_labels: BTreeSet<String> = by_kind(&k8s, "Deployment")
            .values()
            .map(|d| s(d, "/spec/template/metadata/labels/app").to_owned())
            .collect();
        // Service name → design node name.
        let node_of: BTreeMap<&str, &str> =
            services.iter().map(|(svc, d)| (svc.as_str(), s(d, "/metadata/annotations/switchboard~1node"))).collect();
        let docs = yaml_docs(&export(&design, ExportFormat::Istio).unwrap().text());
        for doc in &docs {
            match s(doc, "/kind") {
                "DestinationRule" => {
                    assert!(services.contains_key(s(doc, "/spec/host")), "{name}: DR host is not a Service");
                    check_retry_budget(&name, &design, node_of[s(doc, "/spec/host")], doc);
                }
                "VirtualService" => {
                    let hosts = doc.pointer("/spec/hosts").and_then(Value::as_array).unwrap();
                    for h in hosts {
                        assert!(services.contains_key(h.as_str().unwrap()), "{name}: VS host {h} is not a Service");
                    }
                    let callee = node_of[hosts[0].as_str().unwrap()];
                    for route in doc.pointer("/spec/http").and_then(Value::as_array).unwrap() {
                        for dest in route["route"].as_array().unwrap() {
                            assert!(services.contains_key(s(dest, "/destination/host")));
                        }
                        let sources: Vec<&str> = route["match"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|m| s(m, "/sourceLabels/app"))
                            .collect();
                        for src in &sources {
                            assert!(app_labels.contains(*src), "{name}: sourceLabels app={src} matches no pod");
                        }
                        check_route_policy(&name, &design, callee, &sources, &node_of, route);
                    }
                }
                "EnvoyFilter" => {
                    // The route it patches is a route of a VirtualService of this export.
                    let vhost = s(doc, "/spec/configPatches/0/match/routeConfiguration/vhost/name");
                    let route = s(doc, "/spec/configPatches/0/match/routeConfiguration/vhost/route/name");
                    let (host, port) = vhost.split_once(".default.svc.cluster.local:").unwrap();
                    let vs = docs
                        .iter()
                        .find(|d| s(d, "/kind") == "VirtualService" && s(d, "/spec/hosts/0") == host)
                        .unwrap_or_else(|| panic!("{name}: EnvoyFilter for {host}, which has no VirtualService"));
                    let routes = vs.pointer("/spec/http").and_then(Value::as_array).unwrap();
                    let r = routes.iter().find(|r| s(r, "/name") == route).expect("the patched route exists");
                    assert_eq!(r.pointer("/route/0/destination/port/number").unwrap().to_string(), port, "{name}");
                }
                other => panic!("{name}: unexpected Istio kind {other}"),
            }
        }
    }
}

/// A route's timeout and retries equal the policy of the call edges it serves.
/// The callee's `retryBudget` is the smallest budget of the calls to it that
/// retry, in percent, or absent when none has one.
fn check_retry_budget(name: &str, design: &Design, callee: &str, rule: &Value) {
    let smallest = design
        .edges
        .iter()
        .filter(|e| {
            e.kind == EdgeKind::Call && design.node_name(&e.to) == callee && design.node_name(&e.from) != callee
        })
        .filter_map(|e| e.policy.as_ref()?.retries.as_ref())
        .filter(|r| r.max_attempts > 1)
        .filter_map(|r| r.budget_ratio)
        .reduce(f64::min);
    let got = rule.pointer("/spec/trafficPolicy/retryBudget/percent").and_then(Value::as_f64);
    match smallest {
        Some(ratio) => {
            let got = got.unwrap_or_else(|| panic!("{name}: {callee} has no retryBudget"));
            assert!((got - ratio * 100.0).abs() < 1e-6, "{name}: retry budget of {callee} is {got}%, design {ratio}");
        }
        None => assert!(got.is_none(), "{name}: a retry budget the design does not set on {callee}"),
    }
}

fn check_route_policy(
    name: &str,
    design: &Design,
    callee: &str,
    sources: &[&str],
    node_of: &BTreeMap<&str, &str>,
    route: &Value,
) {
    if s(route, "/name") == "default" && route.get("retries").is_none() {
        return; // callers the design does not draw
    }
    let caller_names: Vec<&str> = sources.iter().map(|src| node_of[src]).collect();
    let edges = design.edges.iter().filter(|e| {
        e.kind == EdgeKind::Call
            && design.node_name(&e.to) == callee
            && (caller_names.is_empty() || caller_names.contains(&design.node_name(&e.from)))
    });
    let Some(edge) = edges.into_iter().next() else { return };
    let policy = edge.policy.clone().unwrap_or_default();
    match policy.timeout_ms {
        Some(t) => {
            let got = duration_ms(s(route, "/timeout"));
            assert!((got - t).abs() < 1.0, "{name}: timeout {got} ms vs design {t} ms for {callee}");
        }
        None => assert!(route.get("timeout").is_none(), "{name}: a timeout the design does not set"),
    }
    let attempts = route.pointer("/retries/attempts").and_then(Value::as_u64).unwrap();
    let expected = policy.retries.as_ref().map_or(0, |r| u64::from(r.max_attempts.saturating_sub(1)));
    assert_eq!(attempts, expected, "{name}: retries to {callee}");
    if let (Some(r), Some(per_try)) = (&policy.retries, policy.per_try_timeout_ms) {
        let _ = r;
        let got = duration_ms(s(route, "/retries/perTryTimeout"));
        assert!((got - per_try).abs() < 1.0, "{name}: perTryTimeout to {callee}");
    }
}

#[test]
fn asyncapi_references_resolve() {
    for (name, design) in export_support::all_designs() {
        let doc = yaml_docs(&export(&design, ExportFormat::AsyncApi).unwrap().text()).remove(0);
        assert_eq!(s(&doc, "/asyncapi"), "3.0.0");
        let resolve = |r: &str| {
            let pointer = r.strip_prefix('#').unwrap();
            assert!(doc.pointer(pointer).is_some(), "{name}: $ref {r} does not resolve");
        };
        let channels = doc["channels"].as_object().unwrap();
        let brokers = design.nodes.iter().filter(|n| n.kind == NodeKind::Broker).count();
        // A channel per broker, and one per subscription queue of an AMQP topic.
        let queues = channels.values().filter(|c| c.pointer("/bindings/amqp/queue").is_some()).count();
        let exchanges = channels.values().filter(|c| c.pointer("/bindings/amqp/exchange").is_some()).count();
        let amqp_queue_brokers = channels
            .values()
            .filter(|c| c.pointer("/bindings/amqp/queue").is_some() && !s(c, "/description").contains("bound to"))
            .count();
        assert_eq!(channels.len() - (queues - amqp_queue_brokers), brokers, "{name}: a channel per broker");
        assert!(exchanges <= brokers);
        for ch in channels.values() {
            for srv in ch["servers"].as_array().into_iter().flatten() {
                resolve(s(srv, "/$ref"));
            }
        }
        let operations = doc["operations"].as_object().unwrap();
        let messaging =
            design.edges.iter().filter(|e| matches!(e.kind, EdgeKind::Event | EdgeKind::Subscription)).count();
        assert_eq!(operations.len(), messaging, "{name}: an operation per event and subscription");
        for op in operations.values() {
            resolve(s(op, "/channel/$ref"));
            for m in op["messages"].as_array().unwrap() {
                resolve(s(m, "/$ref"));
            }
        }
    }
}

#[test]
fn diagrams_hold_every_node_and_edge() {
    for (name, design) in export_support::all_designs() {
        let dot = export(&design, ExportFormat::Dot).unwrap().text();
        let arrows = dot.lines().filter(|l| l.contains(" -> ")).count();
        assert_eq!(arrows, design.edges.len() + discovery_links(&design), "{name}: DOT edges and discovery links");
        let node_lines = dot.lines().filter(|l| l.trim_start().starts_with("n_") && !l.contains(" -> ")).count();
        assert_eq!(node_lines, design.nodes.len(), "{name}: DOT nodes");
        let mmd = export(&design, ExportFormat::Mermaid).unwrap().text();
        assert!(mmd.starts_with("flowchart LR\n"));
        let links = mmd
            .lines()
            .filter(|l| {
                l.contains(" --> ")
                    || l.contains(" -.-> ")
                    || l.contains(" ==> ")
                    || l.contains("-->|")
                    || l.contains("-.->|")
                    || l.contains("==>|")
                    || l.contains(" -.registers.-> ")
                    || l.contains(" -.looks up.-> ")
            })
            .count();
        assert_eq!(links, design.edges.len() + discovery_links(&design), "{name}: Mermaid edges and discovery links");
    }
}
