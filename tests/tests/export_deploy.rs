//! Exports that deploy as designed, checked on every sample and test design
//! by reading the exported objects as the cluster would: an evaluator of the
//! NetworkPolicies admits exactly the design's edges (plus DNS, and with
//! `--mesh istio` the control plane and the sidecar's ports); callers of a
//! client-side discovered service address its headless Service; an HPA owns
//! its Deployment's replica count and scales up as the design does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::{BTreeMap, BTreeSet};

use engine::Design;
use engine::export::{ExportFormat, Mesh, export};
use engine::model::{DiscoveryMode, EdgeKind, NodeKind};
use export_support::deploy::{k8s, of_kind, workload_names};
use export_support::{host_of, s, yaml_docs};
use serde_json::{Map, Value, json};

/// The connections the design draws, as (client workload, server workload):
/// calls and publishes from the caller, subscriptions from the consumer; a
/// call out of a database, cache or broker is made by that store's users.
fn design_connections(design: &Design) -> BTreeSet<(String, String)> {
    let owner = workload_names(design);
    let mut direct = BTreeSet::new();
    let mut through_store = Vec::new();
    for e in &design.edges {
        let (client, server) = match e.kind {
            EdgeKind::Signal => continue,
            EdgeKind::Subscription => (&e.to, &e.from),
            EdgeKind::Call | EdgeKind::Event => (&e.from, &e.to),
        };
        let (Some(c), Some(sv)) = (owner.get(client), owner.get(server)) else { continue };
        if c == sv {
            continue;
        }
        let store = design.node(client).is_some_and(|n| {
            matches!(n.kind, NodeKind::Database | NodeKind::Cache | NodeKind::Broker) && e.kind == EdgeKind::Call
        });
        if store {
            through_store.push((c.clone(), sv.clone()));
        } else {
            direct.insert((c.clone(), sv.clone()));
        }
    }
    loop {
        let mut added = false;
        for (store, target) in &through_store {
            let users: Vec<String> = direct.iter().filter(|(_, s)| s == store).map(|(u, _)| u.clone()).collect();
            for u in users {
                if &u != target && direct.insert((u, target.clone())) {
                    added = true;
                }
            }
        }
        if !added {
            break;
        }
    }
    direct
}

/// A pod as NetworkPolicies see it: its labels and its namespace's labels.
struct Pod {
    labels: Map<String, Value>,
    namespace: Map<String, Value>,
}

fn labels(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect()
}

fn subset(selector: Option<&Value>, labels: &Map<String, Value>) -> bool {
    selector
        .and_then(|s| s.get("matchLabels"))
        .and_then(Value::as_object)
        .is_none_or(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

/// Whether a rule's peer list admits `pod` (the policy lives in `home`).
fn peers_admit(peers: Option<&Value>, pod: &Pod, home: &Map<String, Value>) -> bool {
    let Some(list) = peers.and_then(Value::as_array) else { return true };
    list.iter().any(|p| {
        let ns_ok = match p.get("namespaceSelector") {
            None => &pod.namespace == home,
            Some(sel) => subset(Some(sel), &pod.namespace),
        };
        ns_ok && subset(p.get("podSelector"), &pod.labels)
    })
}

fn ports_admit(ports: Option<&Value>, protocol: &str, port: u64) -> bool {
    let Some(list) = ports.and_then(Value::as_array) else { return true };
    list.iter().any(|p| s(p, "/protocol") == protocol && p["port"].as_u64() == Some(port))
}

/// Whether the policies selecting `pod` let it send to `peer` (egress) or
/// receive from `peer` (ingress) on `protocol`/`port`.
fn admits(policies: &[&Value], pod: &Pod, peer: &Pod, egress: bool, protocol: &str, port: u64) -> bool {
    let (field, peers) = if egress { ("egress", "to") } else { ("ingress", "from") };
    let selecting: Vec<&&Value> =
        policies.iter().filter(|p| subset(p.pointer("/spec/podSelector"), &pod.labels)).collect();
    if selecting.is_empty() {
        return true; // not isolated
    }
    selecting.iter().any(|p| {
        p.pointer(&format!("/spec/{field}")).and_then(Value::as_array).into_iter().flatten().any(|rule| {
            peers_admit(rule.get(peers), peer, &pod.namespace) && ports_admit(rule.get("ports"), protocol, port)
        })
    })
}

fn app_namespace() -> Map<String, Value> {
    labels(&[("kubernetes.io/metadata.name", "shop")])
}

fn system_pod(namespace: &str, pod_labels: &[(&str, &str)]) -> Pod {
    Pod { labels: labels(pod_labels), namespace: labels(&[("kubernetes.io/metadata.name", namespace)]) }
}

#[test]
fn network_policies_admit_exactly_the_design_edges() {
    for (name, design) in export_support::all_designs() {
        let expected = design_connections(&design);
        for mesh in [None, Some(Mesh::Istio)] {
            let docs = k8s(&design, mesh);
            let policies = of_kind(&docs, &["NetworkPolicy"]);
            let workloads = of_kind(&docs, &["Deployment", "StatefulSet"]);
            let pods: BTreeMap<String, Pod> = workloads
                .iter()
                .map(|w| {
                    let labels = w.pointer("/spec/template/metadata/labels").and_then(Value::as_object).unwrap();
                    (s(w, "/metadata/name").to_owned(), Pod { labels: labels.clone(), namespace: app_namespace() })
                })
                .collect();
            // Every listening port of every workload, from its Services.
            let mut ports: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
            for svc in of_kind(&docs, &["Service"]) {
                let target = s(svc, "/spec/selector/app.kubernetes.io~1name").to_owned();
                for p in svc.pointer("/spec/ports").and_then(Value::as_array).unwrap() {
                    ports.entry(target.clone()).or_default().insert(p["port"].as_u64().unwrap());
                }
            }
            let mut admitted = BTreeSet::new();
            for (a, pa) in &pods {
                for (b, pb) in &pods {
                    for &port in ports.get(b).into_iter().flatten() {
                        if admits(&policies, pa, pb, true, "TCP", port) && admits(&policies, pb, pa, false, "TCP", port)
                        {
                            admitted.insert((a.clone(), b.clone()));
                        }
                    }
                }
            }
            // A clustered workload's pods talk to each other (replication, quorum).
            let clustered: BTreeSet<(String, String)> = of_kind(&docs, &["StatefulSet"])
                .iter()
                .map(|w| s(w, "/metadata/name").to_owned())
                .map(|n| (n.clone(), n))
                .collect();
            let wanted: BTreeSet<(String, String)> = expected.union(&clustered).cloned().collect();
            assert_eq!(admitted, wanted, "{name} (mesh {mesh:?}): admitted connections differ from the design's edges");

            let dns = system_pod("kube-system", &[("k8s-app", "kube-dns")]);
            let istiod = system_pod("istio-system", &[("app", "istiod")]);
            let stranger = system_pod("elsewhere", &[("app", "stranger")]);
            for (w, pod) in &pods {
                assert!(admits(&policies, pod, &dns, true, "UDP", 53), "{name}: {w} cannot resolve names");
                assert!(!admits(&policies, pod, &stranger, true, "TCP", 443), "{name}: {w} reaches anything");
                let control_plane = admits(&policies, pod, &istiod, true, "TCP", 15012);
                assert_eq!(control_plane, mesh.is_some(), "{name} (mesh {mesh:?}): {w}'s sidecar and istiod");
                for port in [15020, 15021, 15090] {
                    let sidecar = admits(&policies, pod, &stranger, false, "TCP", port);
                    assert_eq!(sidecar, mesh.is_some(), "{name} (mesh {mesh:?}): {w}'s sidecar port {port}");
                }
                let injected = pod.labels.get("sidecar.istio.io/inject") == Some(&json!("true"));
                assert_eq!(injected, mesh.is_some(), "{name}: {w} asks for a sidecar only with the mesh");
            }
        }
    }
}

#[test]
fn client_side_callers_address_the_headless_service() {
    let mut checked = 0;
    for (name, design) in export_support::all_designs() {
        let owner = workload_names(&design);
        let docs = k8s(&design, None);
        let services: BTreeMap<&str, &Value> =
            of_kind(&docs, &["Service"]).into_iter().map(|d| (s(d, "/metadata/name"), d)).collect();
        let istio = yaml_docs(&export(&design, ExportFormat::Istio).unwrap().text());
        for node in design.nodes.iter().filter(|n| n.kind.is_deployable() && n.kind != NodeKind::Registry) {
            if node.discovery.as_ref().is_none_or(|d| d.mode != DiscoveryMode::ClientSide) {
                continue;
            }
            let workload = &owner[&node.id];
            let headless = services
                .iter()
                .find(|(_, svc)| {
                    s(svc, "/spec/clusterIP") == "None" && s(svc, "/spec/selector/app.kubernetes.io~1name") == workload
                })
                .map_or_else(|| panic!("{name}: no headless Service for {workload}"), |(n, _)| (*n).to_owned());
            for e in design.edges.iter().filter(|e| e.kind == EdgeKind::Call && e.to == node.id) {
                let Some(caller) = owner.get(&e.from).filter(|c| *c != workload) else { continue };
                let cm = of_kind(&docs, &["ConfigMap"])
                    .into_iter()
                    .find(|c| s(c, "/metadata/name") == format!("{caller}-dependencies"))
                    .unwrap_or_else(|| panic!("{name}: {caller} has no dependencies"));
                let hosts: Vec<String> =
                    cm["data"].as_object().unwrap().values().map(|v| host_of(v.as_str().unwrap())).collect();
                assert!(hosts.contains(&headless), "{name}: {caller} gets {hosts:?}, not the headless {headless}");
                assert!(!hosts.contains(workload), "{name}: {caller} still balances through the Service {workload}");
                checked += 1;
            }
            if let Some(vs) =
                istio.iter().find(|d| s(d, "/kind") == "VirtualService" && s(d, "/metadata/name") == workload)
            {
                let hosts = vs.pointer("/spec/hosts").and_then(Value::as_array).unwrap();
                assert!(hosts.contains(&json!(headless)), "{name}: the VirtualService misses the headless host");
            }
        }
    }
    assert!(checked > 0, "no client-side discovered service was called");
}

#[test]
fn an_hpa_owns_the_replicas_and_scales_up_as_designed() {
    let mut checked = 0;
    for (name, design) in export_support::all_designs() {
        let docs = k8s(&design, None);
        for hpa in of_kind(&docs, &["HorizontalPodAutoscaler"]) {
            let node =
                design.nodes.iter().find(|n| n.name == s(hpa, "/metadata/annotations/switchboard~1node")).unwrap();
            let a = node.policies.autoscaling.as_ref().unwrap();
            let target = s(hpa, "/spec/scaleTargetRef/name");
            let workload = of_kind(&docs, &["Deployment", "StatefulSet"])
                .into_iter()
                .find(|d| s(d, "/metadata/name") == target)
                .unwrap();
            assert!(workload.pointer("/spec/replicas").is_none(), "{name}: {target} sets replicas under an HPA");
            let up = hpa.pointer("/spec/behavior/scaleUp").unwrap();
            assert_eq!(up["stabilizationWindowSeconds"], json!(0), "{name}: scale-up is immediate");
            let policy = &up["policies"][0];
            assert_eq!(s(policy, "/type"), "Pods");
            assert_eq!(policy["value"].as_u64(), Some(u64::from(a.max_replicas)), "{name}: up to max at once");
            let period = policy["periodSeconds"].as_f64().unwrap();
            assert!((period - a.evaluation_period_s.round().clamp(1.0, 1800.0)).abs() < 0.5, "{name}: period");
            checked += 1;
        }
        for d in of_kind(&docs, &["Deployment"]) {
            let autoscaled = of_kind(&docs, &["HorizontalPodAutoscaler"])
                .iter()
                .any(|h| s(h, "/spec/scaleTargetRef/name") == s(d, "/metadata/name"));
            assert_eq!(d.pointer("/spec/replicas").is_none(), autoscaled, "{name}: {}", s(d, "/metadata/name"));
        }
    }
    assert!(checked > 0, "no design autoscales");
}

/// The programs a check runs: the argv's first word, or every command of a
/// `sh -c` line (and `sh` itself).
fn check_programs(argv: &[&str]) -> Vec<String> {
    match argv {
        ["sh", "-c", line] => {
            let mut p = vec!["sh".to_owned()];
            p.extend(engine::export::shell_programs(line));
            p
        }
        [first, ..] => vec![(*first).to_owned()],
        [] => Vec::new(),
    }
}

#[test]
fn every_probe_runs_a_program_its_image_ships_with_time_to_start() {
    let mut exec_probes = 0;
    for (name, design) in export_support::all_designs() {
        let docs = k8s(&design, None);
        for w in of_kind(&docs, &["Deployment", "StatefulSet"]) {
            let c = &w.pointer("/spec/template/spec/containers").unwrap()[0];
            let image = s(c, "/image");
            let Some(command) = c.pointer("/readinessProbe/exec/command").and_then(Value::as_array) else { continue };
            let argv: Vec<&str> = command.iter().map(|a| a.as_str().unwrap()).collect();
            let tools =
                engine::export::image_tools(image).unwrap_or_else(|| panic!("{name}: {image} has no tool table"));
            for program in check_programs(&argv) {
                assert!(tools.contains(&program.as_str()), "{name}: {image} does not ship `{program}` ({argv:?})");
            }
            let timeout = c.pointer("/readinessProbe/timeoutSeconds").and_then(Value::as_u64).unwrap_or(1);
            // A JVM (Kafka, ZooKeeper) or an Erlang VM (RabbitMQ) takes seconds to start.
            let slow = ["kafka", "rabbitmq", "zookeeper"].iter().any(|k| image.contains(k));
            assert!(timeout >= if slow { 10 } else { 2 }, "{name}: {image} exec probe times out after {timeout} s");
            exec_probes += 1;
        }
        let compose = yaml_docs(&export(&design, ExportFormat::Compose).unwrap().text()).remove(0);
        for (svc, spec) in compose["services"].as_object().unwrap() {
            let image = s(spec, "/image");
            let Some(test) = spec.pointer("/healthcheck/test").and_then(Value::as_array) else { continue };
            let test: Vec<&str> = test.iter().map(|a| a.as_str().unwrap()).collect();
            let programs = match test.as_slice() {
                ["CMD-SHELL", line] => check_programs(&["sh", "-c", line]),
                ["CMD", argv @ ..] => check_programs(argv),
                other => panic!("{name}/{svc}: healthcheck {other:?}"),
            };
            // Application images are the design's own: their tools are unknown (reported).
            let Some(tools) = engine::export::image_tools(image) else { continue };
            for program in programs {
                assert!(tools.contains(&program.as_str()), "{name}/{svc}: {image} does not ship `{program}`");
            }
        }
    }
    assert!(exec_probes > 0);
}

#[test]
fn workers_without_a_port_get_no_service_and_no_network_probe() {
    let design = export_support::samples().into_iter().find(|(n, _)| n == "social-feed-fanout").unwrap().1;
    let docs = k8s(&design, None);
    let services: BTreeSet<&str> = of_kind(&docs, &["Service"]).iter().map(|d| s(d, "/metadata/name")).collect();
    // Timeline fan-out, Search indexer and Аналитика consume Kafka and open no port.
    for worker in ["timeline-fan-out", "search-indexer", "analytics"] {
        let w = of_kind(&docs, &["Deployment"]).into_iter().find(|d| s(d, "/metadata/name") == worker).unwrap();
        let c = &w.pointer("/spec/template/spec/containers").unwrap()[0];
        assert!(c.get("readinessProbe").is_none(), "{worker}: probed on a port it does not open");
        assert!(c.get("ports").is_none(), "{worker}: no port");
        assert!(!services.contains(worker), "{worker}: a Service with nothing behind it");
    }
    // Workers that are called keep the assumed port.
    assert!(services.contains("timeline-service"));
    let nginx = yaml_docs(
        &export(
            &export_support::samples().into_iter().find(|(n, _)| n == "django-signals").unwrap().1,
            ExportFormat::Compose,
        )
        .unwrap()
        .text(),
    )
    .remove(0);
    let test = nginx.pointer("/services/nginx/healthcheck/test").unwrap();
    assert_eq!(test[1], json!("curl"), "Debian nginx ships curl, not wget: {test}");
}

/// Stores whose replicas would hold data of their own.
fn replicated_stores(design: &Design) -> Vec<&engine::model::Node> {
    design
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Database | NodeKind::Cache | NodeKind::Broker))
        .filter(|n| n.capacity.replicas > 1)
        .collect()
}

#[test]
fn replicated_stores_are_clusters_with_identities_or_one_reported_replica() {
    let mut clusters = 0;
    let mut singles = 0;
    for (name, design) in export_support::all_designs() {
        let owner = workload_names(&design);
        let e = export(&design, ExportFormat::Kubernetes).unwrap();
        let docs = yaml_docs(&e.text());
        let compose_e = export(&design, ExportFormat::Compose).unwrap();
        let compose = yaml_docs(&compose_e.text()).remove(0);
        for node in replicated_stores(&design) {
            let workload = &owner[&node.id];
            let reported = |report: &[engine::export::Note]| {
                report.iter().any(|n| n.subject == node.name && n.message.contains("independent copies"))
            };
            // Compose replicas share one template: one replica, reported.
            assert_eq!(compose.pointer(&format!("/services/{workload}/deploy/replicas")), Some(&json!(1)), "{name}");
            assert!(reported(&compose_e.report), "{name}: Compose runs one {workload} silently");
            if let Some(set) = of_kind(&docs, &["StatefulSet"]).into_iter().find(|d| s(d, "/metadata/name") == workload)
            {
                clusters += 1;
                let replicas = u64::from(node.capacity.replicas);
                assert_eq!(set.pointer("/spec/replicas").and_then(Value::as_u64), Some(replicas), "{name}");
                assert_eq!(s(set, "/spec/podManagementPolicy"), "Parallel", "{name}: the quorum starts together");
                let headless = s(set, "/spec/serviceName");
                let svc =
                    of_kind(&docs, &["Service"]).into_iter().find(|d| s(d, "/metadata/name") == headless).unwrap();
                assert_eq!(s(svc, "/spec/clusterIP"), "None", "{name}: {headless} is headless");
                assert_eq!(svc.pointer("/spec/publishNotReadyAddresses"), Some(&json!(true)));
                assert_eq!(s(svc, "/spec/selector/app.kubernetes.io~1name"), workload);
                let c = &set.pointer("/spec/template/spec/containers").unwrap()[0];
                let env: BTreeMap<&str, &str> =
                    c["env"].as_array().unwrap().iter().map(|v| (s(v, "/name"), s(v, "/value"))).collect();
                assert!(!env.contains_key("KAFKA_NODE_ID"), "{name}: every pod would get the same node id");
                let start = c["command"].as_array().unwrap().last().unwrap().as_str().unwrap();
                assert!(start.contains("KAFKA_NODE_ID=\"${HOSTNAME##*-}\""), "{name}: node id from the ordinal");
                assert!(start.contains(&format!("${{HOSTNAME}}.{headless}:9092")), "{name}: own advertised address");
                // The voters are every pod, each with its own id, addressed through the headless Service.
                let voters: Vec<&str> = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(',').collect();
                assert_eq!(voters.len() as u64, replicas, "{name}");
                for (i, v) in voters.iter().enumerate() {
                    assert_eq!(*v, format!("{i}@{workload}-{i}.{headless}:9093"), "{name}");
                }
                assert_eq!(env["CLUSTER_ID"].len(), 22, "{name}: one cluster id shared by every member");
            } else {
                singles += 1;
                let d =
                    of_kind(&docs, &["Deployment"]).into_iter().find(|d| s(d, "/metadata/name") == workload).unwrap();
                assert_eq!(d.pointer("/spec/replicas"), Some(&json!(1)), "{name}: {workload} runs copies");
                assert!(reported(&e.report), "{name}: one {workload} replica, not reported");
            }
        }
    }
    assert!(clusters > 0 && singles > 0, "clusters {clusters}, single replicas {singles}");
}

#[test]
fn groups_are_kept_on_every_object_and_reported_as_one_namespace() {
    let mut checked = 0;
    for (name, design) in export_support::all_designs() {
        if design.nodes.iter().all(|n| n.group.is_none()) {
            continue;
        }
        let e = export(&design, ExportFormat::Kubernetes).unwrap();
        let docs = yaml_docs(&e.text());
        assert!(docs.iter().all(|d| d.pointer("/metadata/namespace").is_none()), "{name}: one namespace");
        for d in of_kind(&docs, &["Deployment", "StatefulSet"]) {
            let node = design.nodes.iter().find(|n| n.name == s(d, "/metadata/annotations/switchboard~1node")).unwrap();
            let group = d.pointer("/metadata/annotations/switchboard~1group").and_then(Value::as_str);
            assert_eq!(group, node.group.as_deref(), "{name}: {}", node.name);
            checked += 1;
        }
        assert!(e.report.iter().any(|n| n.message.contains("not as namespaces")), "{name}: groups not reported");
        let compose_e = export(&design, ExportFormat::Compose).unwrap();
        let compose = yaml_docs(&compose_e.text()).remove(0);
        for spec in compose["services"].as_object().unwrap().values() {
            let node = design.nodes.iter().find(|n| n.name == s(spec, "/labels/switchboard.node")).unwrap();
            assert_eq!(spec.pointer("/labels/switchboard.group").and_then(Value::as_str), node.group.as_deref());
        }
        assert!(compose_e.report.iter().any(|n| n.message.contains("not as namespaces")), "{name}");
    }
    assert!(checked > 0);
}

#[test]
fn search_engines_start_as_single_plain_http_nodes() {
    let mut checked = 0;
    for (name, design) in export_support::all_designs() {
        let owner = workload_names(&design);
        let e = export(&design, ExportFormat::Kubernetes).unwrap();
        let docs = yaml_docs(&e.text());
        for node in design.nodes.iter().filter(|n| matches!(n.preset.as_deref(), Some("elasticsearch" | "opensearch")))
        {
            let workload = &owner[&node.id];
            let d = of_kind(&docs, &["Deployment"]).into_iter().find(|d| s(d, "/metadata/name") == workload).unwrap();
            let c = &d.pointer("/spec/template/spec/containers").unwrap()[0];
            let env: BTreeMap<&str, &str> =
                c["env"].as_array().unwrap().iter().map(|v| (s(v, "/name"), s(v, "/value"))).collect();
            assert_eq!(env.get("discovery.type"), Some(&"single-node"), "{name}: {workload} waits for a cluster");
            let security_off = env.get("xpack.security.enabled") == Some(&"false")
                || env.get("DISABLE_SECURITY_PLUGIN") == Some(&"true");
            assert!(security_off, "{name}: {workload} serves TLS behind an http:// address: {env:?}");
            assert!(!env.contains_key("PORT"), "{name}: {workload} is not an application");
            assert_eq!(s(c, "/readinessProbe/httpGet/path"), "/_cluster/health", "{name}");
            assert_eq!(s(c, "/ports/0/name"), "http", "{name}: plain HTTP for the mesh");
            assert!(e.report.iter().any(|n| n.subject == node.name && n.message.contains("security off")), "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 2, "the Django and social-feed samples have Elasticsearch and OpenSearch");
}
