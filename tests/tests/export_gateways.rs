//! Gateways, messaging and retries as deployed: every gateway's generated
//! configuration routes each call on the design's port and health path (and
//! passes `nginx -t` where nginx is installed), every subscription of a topic
//! reads its own queue or group in the AsyncAPI bindings, and every route with
//! retries gets the design's backoff through an EnvoyFilter.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::BTreeSet;

use engine::export::{ExportFormat, export};
use engine::model::{EdgeKind, NodeKind};
use export_support::deploy::{k8s, of_kind, workload_names};
use export_support::{s, yaml_docs};
use serde_json::{Value, json};

/// `nginx -t` on a generated `conf.d` file, as the image loads it (inside
/// `http`). Upstream names exist only in the cluster, and nginx resolves
/// them when it loads, so they are mapped to 127.0.0.1 for the check, as
/// the cluster's DNS maps them to Service addresses. `None` without nginx.
fn nginx_test(name: &str, conf: &str) -> Option<()> {
    let nginx = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).is_file())?;
    let dir = export_support::root().join("target/test-exports/nginx").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let local: String = conf
        .lines()
        .map(|l| match l.trim().strip_prefix("server ").and_then(|r| r.rsplit_once(':')) {
            Some((_, port)) => format!("    server 127.0.0.1:{port}\n"),
            None => format!("{l}\n"),
        })
        .collect();
    std::fs::write(dir.join("default.conf"), local).unwrap();
    let main = format!(
        "pid {0}/nginx.pid;\nevents {{}}\nhttp {{\n    access_log off;\n    include {0}/default.conf;\n}}\n",
        dir.display()
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let out = std::process::Command::new(nginx)
        .arg("-t")
        .arg("-e")
        .arg("stderr")
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: nginx -t failed:\n{}\n{conf}", String::from_utf8_lossy(&out.stderr));
    Some(())
}

#[test]
fn gateways_route_every_call_on_the_designs_port_and_health_path() {
    let (mut nginx_checked, mut envoy_checked) = (0, 0);
    for (name, design) in export_support::all_designs() {
        let owner = workload_names(&design);
        let docs = k8s(&design, None);
        let compose = yaml_docs(&export(&design, ExportFormat::Compose).unwrap().text()).remove(0);
        let service_port = |svc: &str| {
            of_kind(&docs, &["Service"])
                .into_iter()
                .find(|d| s(d, "/metadata/name") == svc)
                .and_then(|d| d.pointer("/spec/ports/0/port").and_then(Value::as_u64))
        };
        for gw in design.nodes.iter().filter(|n| n.kind == NodeKind::Gateway) {
            let preset = gw.preset.as_deref().unwrap_or("nginx");
            if !matches!(preset, "nginx" | "envoy") {
                continue;
            }
            let workload = &owner[&gw.id];
            let port = u64::from(gw.deployment.port.unwrap_or(if preset == "nginx" { 80 } else { 10000 }));
            assert_eq!(service_port(workload), Some(port), "{name}: {workload} listens on the design's port");
            let health = gw.deployment.healthcheck.as_ref().map_or("/healthz".to_owned(), |h| h.path.clone());
            let d = of_kind(&docs, &["Deployment"]).into_iter().find(|d| s(d, "/metadata/name") == workload).unwrap();
            let c = &d.pointer("/spec/template/spec/containers").unwrap()[0];
            assert_eq!(s(c, "/readinessProbe/httpGet/path"), health, "{name}: {workload} probe path");
            assert_eq!(c.pointer("/readinessProbe/httpGet/port").and_then(Value::as_u64), Some(port));
            let cm_name = format!("{workload}-config");
            let cm = of_kind(&docs, &["ConfigMap"]).into_iter().find(|d| s(d, "/metadata/name") == cm_name).unwrap();
            let mount = s(c, "/volumeMounts/0/mountPath");
            let (file, text) = cm["data"]
                .as_object()
                .unwrap()
                .iter()
                .next()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .unwrap();
            assert_eq!(s(d, "/spec/template/spec/volumes/0/configMap/name"), cm_name, "{name}: mounted");
            // Compose mounts the same file where the image reads it.
            let target = format!("{mount}/{file}");
            assert_eq!(s(&compose, &format!("/services/{workload}/configs/0/target")), target, "{name}");
            let called: BTreeSet<&String> = design
                .edges
                .iter()
                .filter(|e| e.kind == EdgeKind::Call && e.from == gw.id)
                .filter_map(|e| owner.get(&e.to))
                .filter(|t| *t != workload)
                .collect();
            if preset == "nginx" {
                assert_eq!(mount, "/etc/nginx/conf.d");
                assert!(text.contains(&format!("listen {port};")), "{name}: {text}");
                assert!(text.contains(&format!("location = {health} {{")), "{name}: {text}");
                for t in &called {
                    let p = service_port(t).unwrap();
                    assert!(text.contains(&format!("server {t}:{p};")), "{name}: no upstream for {t}:\n{text}");
                    assert!(text.contains(&format!("proxy_pass http://{t}/;")), "{name}: no route to {t}");
                }
                if nginx_test(&format!("{name}-{workload}"), &text).is_some() {
                    nginx_checked += 1;
                }
            } else {
                assert_eq!(mount, "/etc/envoy");
                let boot = yaml_docs(&text).remove(0);
                let listener = &boot.pointer("/static_resources/listeners/0").unwrap();
                assert_eq!(listener.pointer("/address/socket_address/port_value").and_then(Value::as_u64), Some(port));
                let routes = listener
                    .pointer("/filter_chains/0/filters/0/typed_config/route_config/virtual_hosts/0/routes")
                    .and_then(Value::as_array)
                    .unwrap();
                assert_eq!(s(&routes[0], "/match/path"), health, "{name}: health answered first");
                assert_eq!(routes[0].pointer("/direct_response/status"), Some(&json!(200)));
                let clusters = boot.pointer("/static_resources/clusters").and_then(Value::as_array).unwrap();
                for t in &called {
                    let p = service_port(t).unwrap();
                    let cluster = clusters
                        .iter()
                        .find(|c| s(c, "/name") == t.as_str())
                        .unwrap_or_else(|| panic!("{name}: no cluster {t}"));
                    let addr = cluster
                        .pointer("/load_assignment/endpoints/0/lb_endpoints/0/endpoint/address/socket_address")
                        .unwrap();
                    assert_eq!((s(addr, "/address"), addr["port_value"].as_u64()), (t.as_str(), Some(p)), "{name}");
                    assert!(routes.iter().any(|r| s(r, "/route/cluster") == t.as_str()), "{name}: no route to {t}");
                }
                envoy_checked += 1;
            }
        }
    }
    assert!(
        envoy_checked > 0 && nginx_checked + envoy_checked > 1,
        "gateways checked: nginx {nginx_checked}, envoy {envoy_checked}"
    );
}

#[test]
fn asyncapi_subscriptions_of_a_topic_get_their_own_queue_or_group() {
    let mut checked = 0;
    for (name, design) in export_support::all_designs() {
        let doc = yaml_docs(&export(&design, ExportFormat::AsyncApi).unwrap().text()).remove(0);
        let servers = doc["servers"].as_object().cloned().unwrap_or_default();
        for broker in design.nodes.iter().filter(|n| n.kind == NodeKind::Broker) {
            let topic = broker.broker.as_ref().is_some_and(|b| b.mode == engine::model::BrokerMode::Topic);
            let subs = design.edges.iter().filter(|e| e.kind == EdgeKind::Subscription && e.from == broker.id).count();
            // The receive operations of this broker: where each reads, and as which group.
            let reads: Vec<(String, String)> = doc["operations"]
                .as_object()
                .unwrap()
                .values()
                .filter(|op| s(op, "/action") == "receive")
                .filter_map(|op| {
                    let channel = s(op, "/channel/$ref").trim_start_matches("#/channels/").to_owned();
                    let ch = &doc["channels"][&channel];
                    (s(ch, "/title") == broker.name || s(ch, "/title").starts_with(&format!("{} → ", broker.name)))
                        .then(|| {
                            let group = op
                                .pointer("/bindings/kafka/groupId/enum/0")
                                .or(op.pointer("/bindings/nats/queue"))
                                .and_then(Value::as_str)
                                .unwrap_or("");
                            let queue = ch.pointer("/bindings/amqp/queue/name").and_then(Value::as_str).unwrap_or("");
                            (queue.to_owned(), group.to_owned())
                        })
                })
                .collect();
            assert_eq!(reads.len(), subs, "{name}: {}: a receive operation per subscription", broker.name);
            let protocol = servers
                .values()
                .find(|sv| s(sv, "/description").starts_with(&format!("{} (", broker.name)))
                .map(|sv| s(sv, "/protocol").to_owned());
            if !matches!(protocol.as_deref(), Some("amqp" | "kafka" | "nats")) || subs < 2 {
                continue;
            }
            let distinct: BTreeSet<&(String, String)> = reads.iter().collect();
            if topic {
                assert_eq!(
                    distinct.len(),
                    subs,
                    "{name}: {}: subscriptions of a topic share a queue {reads:?}",
                    broker.name
                );
            } else {
                assert_eq!(distinct.len(), 1, "{name}: {}: consumers of a queue do not compete {reads:?}", broker.name);
            }
            assert!(reads.iter().all(|(q, g)| !q.is_empty() || !g.is_empty()), "{name}: unbound reads {reads:?}");
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn retries_get_the_designs_backoff_through_an_envoy_filter() {
    let mut checked = 0;
    for (name, design) in export_support::all_designs() {
        let owner = workload_names(&design);
        let docs = yaml_docs(&export(&design, ExportFormat::Istio).unwrap().text());
        let filters = of_kind(&docs, &["EnvoyFilter"]);
        for e in design.edges.iter().filter(|e| e.kind == EdgeKind::Call) {
            let Some(r) = e.policy.as_ref().and_then(|p| p.retries.as_ref()).filter(|r| r.max_attempts > 1) else {
                continue;
            };
            let (Some(callee), Some(caller)) = (owner.get(&e.to), owner.get(&e.from)) else { continue };
            let Some(vs) = of_kind(&docs, &["VirtualService"]).into_iter().find(|d| s(d, "/metadata/name") == callee)
            else {
                continue; // a TCP callee: no HTTP retries
            };
            // The route serving this caller: its own, or the only one.
            let routes = vs.pointer("/spec/http").and_then(Value::as_array).unwrap();
            let route = routes
                .iter()
                .find(|r| r["match"].as_array().is_some_and(|m| m.iter().any(|m| s(m, "/sourceLabels/app") == caller)))
                .or_else(|| routes.iter().find(|r| r.get("match").is_none()))
                .unwrap();
            if route.pointer("/retries/attempts").and_then(Value::as_u64) != Some(u64::from(r.max_attempts - 1)) {
                continue; // the caller's first policy applies (reported)
            }
            let route_name = s(route, "/name");
            let filter = filters
                .iter()
                .find(|f| {
                    s(f, "/spec/configPatches/0/match/routeConfiguration/vhost/route/name") == route_name
                        && s(f, "/spec/configPatches/0/match/routeConfiguration/vhost/name")
                            .starts_with(&format!("{callee}.default.svc.cluster.local:"))
                })
                .unwrap_or_else(|| panic!("{name}: no backoff for {caller} → {callee} route {route_name}"));
            let backoff =
                filter.pointer("/spec/configPatches/0/patch/value/route/retry_policy/retry_back_off").unwrap();
            let (base, max) = match &r.backoff {
                None => (1.0, 1.0),
                Some(engine::model::Backoff::Fixed { delay_ms }) => (*delay_ms, *delay_ms),
                Some(engine::model::Backoff::Exponential { base_ms, max_ms }) => (*base_ms, *max_ms),
            };
            let got = |k: &str| export_support::duration_ms(s(backoff, &format!("/{k}")));
            assert!((got("base_interval") - base).abs() < 1.0, "{name}: {caller} → {callee} base {backoff}");
            assert!((got("max_interval") - max).abs() < 1.0, "{name}: {caller} → {callee} max {backoff}");
            checked += 1;
        }
    }
    assert!(checked > 0, "no design retries with a backoff");
}

#[test]
fn an_nginx_route_to_client_side_pods_names_the_headless_service_and_says_when_it_resolves() {
    let design: engine::Design = serde_json::from_value(json!({
        "version": 1,
        "name": "Edge",
        "nodes": [
            {"id": "users", "name": "Users", "kind": "client"},
            {"id": "edge", "name": "Edge", "kind": "gateway", "preset": "nginx",
             "deployment": {"port": 8080, "healthcheck": {"path": "/ready"}}},
            {"id": "consul", "name": "Consul", "kind": "registry", "preset": "consul"},
            {"id": "pricing", "name": "Pricing", "kind": "service",
             "deployment": {"image": "ghcr.io/acme/pricing:2", "port": 8000},
             "discovery": {"mode": "client_side", "registry": "consul"}}
        ],
        "edges": [
            {"id": "e1", "from": "users", "to": "edge"},
            {"id": "e2", "from": "edge", "to": "pricing"}
        ]
    }))
    .unwrap();
    let e = export(&design, ExportFormat::Kubernetes).unwrap();
    let docs = yaml_docs(&e.text());
    let cm = of_kind(&docs, &["ConfigMap"]).into_iter().find(|d| s(d, "/metadata/name") == "edge-config").unwrap();
    let conf = s(cm, "/data/default.conf");
    assert!(conf.contains("server pricing-headless:8000;"), "{conf}");
    assert!(e.report.iter().any(|n| n.subject == "Edge" && n.message.contains("resolves `pricing-headless`")));
}
