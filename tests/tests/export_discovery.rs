//! Service discovery in every export: Compose deploys the registry and
//! registers the discovered services with it, Kubernetes and Istio replace it
//! with their own discovery (readiness probes, a headless Service, outlier
//! detection that follow the registry's health check), the diagrams draw the
//! registration and lookup links, AsyncAPI leaves registries out, and a
//! Compose export imports back with its registries and discovery.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::BTreeMap;

use engine::Design;
use engine::export::names::{DNS_LABEL_MAX, is_dns_label};
use engine::export::{Export, ExportFormat, NoteKind, export};
use engine::import::import;
use engine::model::{DiscoveryMode, EdgeKind, NodeKind};
use export_support::{s, yaml_docs};
use serde_json::{Value, json};

/// A Consul registry; Pricing found client-side (checked every 5 s, removed
/// after 3 failures, cached 20 s); Inventory found server-side (every 2.5 s,
/// 4 failures, no healthcheck path, its own outlier ejection); API calls both;
/// Reports calls only Inventory; a Kafka topic Pricing publishes to.
fn design() -> Design {
    let d = json!({
        "version": 1,
        "name": "Discovery",
        "nodes": [
            {"id": "users", "name": "Users", "kind": "client"},
            {"id": "api", "name": "API", "kind": "service",
             "deployment": {"image": "ghcr.io/acme/api:1", "port": 8080, "healthcheck": {"path": "/healthz"}}},
            {"id": "reports", "name": "Reports", "kind": "service",
             "deployment": {"image": "ghcr.io/acme/reports:1", "port": 8081}},
            {"id": "consul", "name": "Consul", "kind": "registry", "preset": "consul"},
            {"id": "pricing", "name": "Pricing", "kind": "service", "capacity": {"replicas": 3},
             "deployment": {"image": "ghcr.io/acme/pricing:2", "port": 8000,
                            "healthcheck": {"path": "/healthz", "interval_s": 30}},
             "discovery": {"mode": "client_side", "registry": "consul", "cache_ttl_s": 20,
                           "health_check": {"interval_s": 5, "failures_before_removal": 3}}},
            {"id": "inventory", "name": "Inventory", "kind": "service", "capacity": {"replicas": 2},
             "deployment": {"image": "ghcr.io/acme/inventory:4", "port": 9000},
             "policies": {"outlier_ejection": {"consecutive_errors": 7, "interval_s": 1,
                                               "base_ejection_s": 30, "max_ejection_percent": 50}},
             "discovery": {"registry": "consul",
                           "health_check": {"interval_s": 2.5, "failures_before_removal": 4}}},
            {"id": "events", "name": "price-events", "kind": "broker", "preset": "kafka"}
        ],
        "edges": [
            {"id": "e1", "from": "users", "to": "api"},
            {"id": "e2", "from": "users", "to": "reports"},
            {"id": "e3", "from": "api", "to": "pricing"},
            {"id": "e4", "from": "api", "to": "inventory"},
            {"id": "e5", "from": "reports", "to": "inventory"},
            {"id": "e6", "from": "pricing", "to": "events", "kind": "event"}
        ],
        "workloads": [{"name": "shop", "entry": "users", "arrival": {"type": "open", "rate_per_s": 20}}]
    });
    let design: Design = serde_json::from_value(d).unwrap();
    let problems = engine::validate::validate(&design);
    assert!(!engine::validate::has_errors(&problems), "{problems:#?}");
    design
}

fn compose_services(text: &str) -> BTreeMap<String, Value> {
    let doc = yaml_docs(text).remove(0);
    doc["services"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn env<'a>(service: &'a Value, key: &str) -> Option<&'a str> {
    service.pointer(&format!("/environment/{key}")).and_then(Value::as_str)
}

fn depends_on(service: &Value) -> Vec<String> {
    service["depends_on"].as_object().into_iter().flat_map(|m| m.keys().cloned()).collect()
}

fn has_note(e: &Export, kind: NoteKind, subject: &str, text: &str) -> bool {
    e.report.iter().any(|n| n.kind == kind && n.subject == subject && n.message.contains(text))
}

#[test]
fn compose_runs_the_registry_and_registers_discovered_services() {
    let e = export(&design(), ExportFormat::Compose).unwrap();
    let services = compose_services(&e.text());

    let consul = &services["consul"];
    assert_eq!(s(consul, "/image"), "hashicorp/consul:1.20");
    let command: Vec<&str> = consul["command"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(command, ["agent", "-server", "-bootstrap-expect=1", "-ui", "-client=0.0.0.0"]);
    assert_eq!(consul.pointer("/healthcheck/test").unwrap(), &json!(["CMD", "consul", "members"]));
    assert_eq!(s(consul, "/labels/switchboard.kind"), "registry");

    // Client-side: registration, the mode and the cache, the health check 5 s × 3.
    let pricing = &services["pricing"];
    assert_eq!(env(pricing, "CONSUL_HTTP_ADDR"), Some("consul:8500"));
    assert_eq!(env(pricing, "SERVICE_NAME"), Some("pricing"));
    assert_eq!(env(pricing, "SERVICE_CHECK_HTTP"), Some("/healthz"));
    assert_eq!(env(pricing, "SERVICE_CHECK_INTERVAL"), Some("5s"));
    assert_eq!(env(pricing, "SERVICE_CHECK_DEREGISTER_AFTER"), Some("15s"));
    assert_eq!(env(pricing, "DISCOVERY_MODE"), Some("client"));
    assert_eq!(env(pricing, "DISCOVERY_CACHE_TTL"), Some("20s"));
    assert!(depends_on(pricing).contains(&"consul".to_owned()));
    assert_eq!(s(pricing, "/depends_on/consul/condition"), "service_healthy");
    // The healthcheck follows the registry's check, not the node's own 30 s.
    assert_eq!(s(pricing, "/healthcheck/interval"), "5s");
    assert_eq!(pricing.pointer("/healthcheck/retries").and_then(Value::as_u64), Some(3));

    // Server-side without a healthcheck path: a TCP check, 2.5 s × 4 = 10 s.
    let inventory = &services["inventory"];
    assert_eq!(env(inventory, "CONSUL_HTTP_ADDR"), Some("consul:8500"));
    assert_eq!(env(inventory, "SERVICE_CHECK_TCP"), Some("true"));
    assert_eq!(env(inventory, "SERVICE_CHECK_HTTP"), None);
    assert_eq!(env(inventory, "SERVICE_CHECK_INTERVAL"), Some("2500ms"));
    assert_eq!(env(inventory, "SERVICE_CHECK_DEREGISTER_AFTER"), Some("10s"));
    assert_eq!(env(inventory, "DISCOVERY_MODE"), None);
    assert_eq!(env(inventory, "DISCOVERY_CACHE_TTL"), None);
    assert!(depends_on(inventory).contains(&"consul".to_owned()));

    // API looks Pricing up on Consul; Reports calls only a server-side service.
    let api = &services["api"];
    assert_eq!(env(api, "CONSUL_HTTP_ADDR"), Some("consul:8500"));
    assert_eq!(env(api, "SERVICE_NAME"), None, "a caller does not register");
    assert_eq!(depends_on(api), ["pricing", "inventory", "consul"]);
    let reports = &services["reports"];
    assert_eq!(env(reports, "CONSUL_HTTP_ADDR"), None);
    assert_eq!(depends_on(reports), ["inventory"]);

    assert!(has_note(&e, NoteKind::Mapped, "Pricing", "registers with `consul` (client-side discovery"));
    assert!(has_note(&e, NoteKind::Approximated, "Pricing", "failures_before_critical to 3"));
    assert!(has_note(&e, NoteKind::Mapped, "design", "registrator"));
}

#[test]
fn kubernetes_replaces_the_registry_with_services_and_readiness_probes() {
    let e = export(&design(), ExportFormat::Kubernetes).unwrap();
    let docs = yaml_docs(&e.text());
    let named = |kind: &str, name: &str| docs.iter().find(|d| s(d, "/kind") == kind && s(d, "/metadata/name") == name);
    assert!(docs.iter().all(|d| s(d, "/metadata/annotations/switchboard~1node") != "Consul"), "Consul deployed");
    assert!(named("Deployment", "consul").is_none());
    assert!(has_note(&e, NoteKind::Mapped, "Consul", "registry replaced by Kubernetes Services and endpoints"));

    let probe = |name: &str| {
        named("Deployment", name).unwrap()["spec"]["template"]["spec"]["containers"][0]["readinessProbe"].clone()
    };
    let pricing = probe("pricing");
    assert_eq!(s(&pricing, "/httpGet/path"), "/healthz");
    assert_eq!(pricing["periodSeconds"], json!(5));
    assert_eq!(pricing["failureThreshold"], json!(3));
    let inventory = probe("inventory");
    assert_eq!(inventory.pointer("/tcpSocket/port"), Some(&json!(9000)), "a TCP probe so the check exists");
    assert_eq!(inventory["periodSeconds"], json!(3), "2.5 s rounded up");
    assert_eq!(inventory["failureThreshold"], json!(4));
    assert!(has_note(&e, NoteKind::Approximated, "Inventory", "periodSeconds 3 (rounded up), failureThreshold 4"));
    let api = probe("api");
    assert_eq!(api["periodSeconds"], json!(10));
    assert!(api.get("failureThreshold").is_none(), "not discovered: Kubernetes' default");

    // Client-side: a headless Service over the same pods, and only for Pricing.
    let headless = named("Service", "pricing-headless").expect("headless Service");
    assert_eq!(s(headless, "/spec/clusterIP"), "None");
    assert_eq!(headless["spec"]["selector"], named("Service", "pricing").unwrap()["spec"]["selector"]);
    assert_eq!(headless.pointer("/spec/ports/0/port"), Some(&json!(8000)));
    assert!(named("Service", "pricing").unwrap().pointer("/spec/clusterIP").is_none());
    assert!(named("Service", "inventory-headless").is_none());
    let services = docs.iter().filter(|d| s(d, "/kind") == "Service").count();
    assert_eq!(services, 6, "api, reports, pricing, pricing-headless, inventory, price-events");
    assert!(has_note(&e, NoteKind::Mapped, "Pricing", "headless Service `pricing-headless` (clusterIP: None)"));
}

#[test]
fn istio_drops_the_registry_and_ejects_like_the_health_check() {
    let e = export(&design(), ExportFormat::Istio).unwrap();
    let docs = yaml_docs(&e.text());
    let rule =
        |host: &str| docs.iter().find(|d| s(d, "/kind") == "DestinationRule" && s(d, "/spec/host") == host).cloned();
    assert!(rule("consul").is_none());
    assert!(has_note(&e, NoteKind::Mapped, "Consul", "registry replaced by the mesh's own discovery"));
    let pricing = rule("pricing").unwrap();
    assert_eq!(
        pricing.pointer("/spec/trafficPolicy/outlierDetection").unwrap(),
        &json!({"consecutive5xxErrors": 0, "consecutiveGatewayErrors": 3, "interval": "5s",
                "baseEjectionTime": "5s", "maxEjectionPercent": 100})
    );
    // Inventory's own ejection settings win.
    let inventory = rule("inventory").unwrap();
    assert_eq!(
        inventory.pointer("/spec/trafficPolicy/outlierDetection").unwrap(),
        &json!({"consecutive5xxErrors": 7, "interval": "1s", "baseEjectionTime": "30s", "maxEjectionPercent": 50})
    );
    assert!(rule("api").unwrap().pointer("/spec/trafficPolicy/outlierDetection").is_none());
    assert!(has_note(&e, NoteKind::Mapped, "Pricing", "client-side lookups are done by the callers' sidecars"));
}

#[test]
fn diagrams_link_services_to_their_registry() {
    let d = design();
    let dot = export(&d, ExportFormat::Dot).unwrap().text();
    let style = "style=dashed, arrowhead=open";
    assert!(dot.contains(&format!("n_Pricing -> n_Consul [label=\"registers\", {style}")), "{dot}");
    assert!(dot.contains(&format!("n_Inventory -> n_Consul [label=\"registers\", {style}")), "{dot}");
    assert!(dot.contains(&format!("n_API -> n_Consul [label=\"looks up\", {style}")), "{dot}");
    assert!(!dot.contains("n_Reports -> n_Consul"), "Reports calls only a server-side service");
    assert_eq!(dot.matches(" -> n_Consul").count(), 3);
    let mmd = export(&d, ExportFormat::Mermaid).unwrap().text();
    assert!(mmd.contains("  n_Pricing -.registers.-> n_Consul\n"), "{mmd}");
    assert!(mmd.contains("  n_Inventory -.registers.-> n_Consul\n"), "{mmd}");
    assert!(mmd.contains("  n_API -.looks up.-> n_Consul\n"), "{mmd}");
    assert_eq!(mmd.matches("-> n_Consul").count(), 3);
}

#[test]
fn asyncapi_leaves_registries_out() {
    let e = export(&design(), ExportFormat::AsyncApi).unwrap();
    let doc = yaml_docs(&e.text()).remove(0);
    let channels: Vec<&String> = doc["channels"].as_object().unwrap().keys().collect();
    assert_eq!(channels, ["price_events"]);
    assert_eq!(doc["servers"].as_object().unwrap().len(), 1);
    assert!(!e.text().contains("consul"), "{}", e.text());
}

#[test]
fn compose_round_trip_keeps_registries_and_discovery() {
    let first = export(&design(), ExportFormat::Compose).unwrap().text();
    let imported = import(&first, None, "compose.yaml").unwrap().design;
    let consul = imported.node("consul").unwrap();
    assert_eq!((consul.kind, consul.preset.as_deref()), (NodeKind::Registry, Some("consul")));

    let pricing = imported.node("pricing").unwrap().discovery.clone().expect("pricing discovery");
    assert_eq!(pricing.mode, DiscoveryMode::ClientSide);
    assert_eq!(pricing.registry.as_deref(), Some("consul"));
    assert!((pricing.cache_ttl_s - 20.0).abs() < 1e-9);
    assert!((pricing.health_check.interval_s - 5.0).abs() < 1e-9);
    assert_eq!(pricing.health_check.failures_before_removal, 3);
    let inventory = imported.node("inventory").unwrap().discovery.clone().expect("inventory discovery");
    assert_eq!(inventory.mode, DiscoveryMode::ServerSide);
    assert!((inventory.health_check.interval_s - 2.5).abs() < 1e-9);
    assert_eq!(inventory.health_check.failures_before_removal, 4);
    // Talking to the registry is discovery, not a step of the design.
    assert!(imported.node("api").unwrap().discovery.is_none());
    assert!(imported.edges.iter().all(|e| e.to != "consul"), "{:?}", imported.edges);
    assert!(imported.edges.iter().any(|e| e.from == "api" && e.to == "pricing" && e.kind == EdgeKind::Call));
    let problems = engine::validate::validate(&imported);
    assert!(!engine::validate::has_errors(&problems), "{problems:#?}");

    // Exported again, every service has the same environment, dependencies and healthcheck.
    let second = export(&imported, ExportFormat::Compose).unwrap().text();
    let (a, b) = (compose_services(&first), compose_services(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, svc) in &a {
        for field in ["environment", "depends_on", "healthcheck", "command"] {
            assert_eq!(svc.get(field), b[name].get(field), "{name}.{field}");
        }
    }
}

/// A registry and a client-side service named only in other scripts, a
/// workload whose name is what the headless Service would be called, and a
/// name of the longest length.
fn foreign_design() -> Design {
    let long = "l".repeat(70);
    let d = json!({
        "version": 1,
        "name": "発見",
        "nodes": [
            {"id": "登録", "name": "登録", "kind": "registry"},
            {"id": "order-svc", "name": "注文", "kind": "service",
             "deployment": {"image": "ghcr.io/acme/orders:1", "port": 8000},
             "discovery": {"mode": "client_side", "registry": "登録"}},
            {"id": "clash", "name": "order svc headless", "kind": "service",
             "deployment": {"image": "ghcr.io/acme/other:1", "port": 8001}},
            {"id": "long", "name": long, "kind": "service",
             "deployment": {"image": "ghcr.io/acme/long:1", "port": 8002},
             "discovery": {"mode": "client_side", "registry": "登録"}},
            {"id": "caller", "name": "呼び出し元", "kind": "service",
             "deployment": {"image": "ghcr.io/acme/caller:1", "port": 8003}}
        ],
        "edges": [
            {"id": "e1", "from": "caller", "to": "order-svc"},
            {"id": "e2", "from": "caller", "to": "long"},
            {"id": "e3", "from": "caller", "to": "clash"}
        ],
        "workloads": [{"name": "w", "entry": "caller", "arrival": {"type": "open", "rate_per_s": 1}}]
    });
    let design: Design = serde_json::from_value(d).unwrap();
    let problems = engine::validate::validate(&design);
    assert!(!engine::validate::has_errors(&problems), "{problems:#?}");
    design
}

#[test]
fn names_in_other_scripts_stay_valid_dns_labels() {
    let d = foreign_design();
    let compose = export(&d, ExportFormat::Compose).unwrap();
    let services = compose_services(&compose.text());
    for name in services.keys() {
        assert!(is_dns_label(name, DNS_LABEL_MAX), "compose service `{name}`");
    }
    // The registry has no usable letter in its name or id: it is named after its kind.
    let registry = services.iter().find(|(_, v)| s(v, "/labels/switchboard.node") == "登録").unwrap();
    assert_eq!(registry.0, "registry");
    assert_eq!(s(registry.1, "/image"), "hashicorp/consul:1.20", "a registry without preset runs Consul");
    assert!(has_note(&compose, NoteKind::Placeholder, "登録", "deployed as consul"));
    let order = &services["order-svc"];
    assert_eq!(env(order, "CONSUL_HTTP_ADDR"), Some("registry:8500"));
    assert_eq!(env(order, "SERVICE_NAME"), Some("order-svc"));
    assert!(depends_on(order).contains(&"registry".to_owned()));
    let caller = services.iter().find(|(_, v)| s(v, "/labels/switchboard.node") == "呼び出し元").unwrap().1;
    assert_eq!(env(caller, "CONSUL_HTTP_ADDR"), Some("registry:8500"));

    let k8s = export(&d, ExportFormat::Kubernetes).unwrap();
    let docs = yaml_docs(&k8s.text());
    let service_names: Vec<&str> =
        docs.iter().filter(|d| s(d, "/kind") == "Service").map(|d| s(d, "/metadata/name")).collect();
    for name in docs.iter().map(|d| s(d, "/metadata/name")).filter(|n| !n.ends_with("-dependencies")) {
        assert!(is_dns_label(name, DNS_LABEL_MAX), "Kubernetes name `{name}`");
    }
    // `order-svc-headless` belongs to a workload: the headless Service takes the next name.
    assert!(service_names.contains(&"order-svc-headless"));
    let headless: Vec<&&str> = service_names
        .iter()
        .filter(|n| {
            docs.iter().any(|d| {
                s(d, "/kind") == "Service" && s(d, "/metadata/name") == **n && s(d, "/spec/clusterIP") == "None"
            })
        })
        .collect();
    assert_eq!(headless.len(), 2, "{service_names:?}");
    assert!(headless.contains(&&"order-svc-headless-2"), "{headless:?}");
    let long_headless = headless.iter().find(|n| n.starts_with('l')).unwrap();
    assert_eq!(long_headless.len(), DNS_LABEL_MAX);
    assert!(long_headless.ends_with("-headless"), "{long_headless}");
    assert!(has_note(&k8s, NoteKind::Mapped, "登録", "registry replaced by Kubernetes Services and endpoints"));

    let mmd = export(&d, ExportFormat::Mermaid).unwrap().text();
    let ids: Vec<&str> = mmd.lines().filter(|l| l.contains(" -.registers.-> ")).collect();
    assert_eq!(ids.len(), 2, "{mmd}");
    assert_eq!(mmd.matches(" -.looks up.-> ").count(), 1, "one caller, one registry: {mmd}");
    let dot = export(&d, ExportFormat::Dot).unwrap().text();
    assert_eq!(dot.matches("label=\"registers\"").count(), 2);
    assert_eq!(dot.matches("label=\"looks up\"").count(), 1);
}

#[test]
fn import_recognises_registries_in_a_hand_written_compose_file() {
    let text = r#"
services:
  discovery:
    image: steeltoeoss/eureka-server:latest
    ports: ["8761:8761"]
  catalog:
    image: ghcr.io/acme/catalog:1
    environment:
      - EUREKA_CLIENT_SERVICEURL_DEFAULTZONE=http://discovery:8761/eureka/
      - EUREKA_INSTANCE_LEASERENEWALINTERVALINSECONDS=10
      - EUREKA_INSTANCE_LEASEEXPIRATIONDURATIONINSECONDS=30
    depends_on: [discovery]
  web:
    image: ghcr.io/acme/web:1
    ports: ["80:8080"]
    environment:
      EUREKA_CLIENT_SERVICEURL_DEFAULTZONE: http://discovery:8761/eureka/
      EUREKA_CLIENT_REGISTERWITHEUREKA: "false"
      CATALOG_URL: http://catalog:8080
    depends_on: [discovery, catalog]
  consul:
    image: consul:1.15
  etcd:
    image: gcr.io/etcd-development/etcd:v3.5.0
  zk:
    image: bitnami/zookeeper:3.9
"#;
    let d = import(text, None, "docker-compose.yml").unwrap().design;
    let kind = |id: &str| d.node(id).map(|n| (n.kind, n.preset.clone().unwrap_or_default()));
    assert_eq!(kind("discovery"), Some((NodeKind::Registry, "eureka".into())));
    assert_eq!(kind("consul"), Some((NodeKind::Registry, "consul".into())));
    assert_eq!(kind("etcd"), Some((NodeKind::Registry, "etcd".into())));
    assert_eq!(kind("zk"), Some((NodeKind::Registry, "zookeeper".into())));
    // A Eureka client registers: lease renewal every 10 s, expiry after 30 s = 3 missed renewals.
    let catalog = d.node("catalog").unwrap().discovery.clone().expect("catalog registers");
    assert_eq!((catalog.mode, catalog.registry.as_deref()), (DiscoveryMode::ServerSide, Some("discovery")));
    assert!((catalog.health_check.interval_s - 10.0).abs() < 1e-9);
    assert_eq!(catalog.health_check.failures_before_removal, 3);
    // A client that opts out only looks up; neither gets an edge to the registry.
    assert!(d.node("web").unwrap().discovery.is_none());
    assert!(d.edges.iter().all(|e| e.to != "discovery"), "{:?}", d.edges);
    assert!(d.edges.iter().any(|e| e.from == "web" && e.to == "catalog"));
}
