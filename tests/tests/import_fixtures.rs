//! Imports of realistic files written the way real projects write them:
//! Compose with anchors, merge keys, `x-` extensions and both environment
//! forms; Kubernetes manifests with ConfigMaps and an HPA; an isotope graph
//! with defaults and concurrent steps.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::BTreeSet;

use engine::Design;
use engine::import::{ImportError, ImportFormat, import};
use engine::model::{Distribution, EdgeKind, NodeKind};

fn fixture(name: &str) -> (String, String) {
    let path = export_support::root().join("tests/fixtures/import").join(name);
    (std::fs::read_to_string(&path).unwrap(), path.display().to_string())
}

fn edges(d: &Design) -> BTreeSet<(String, String, EdgeKind)> {
    d.edges.iter().map(|e| (e.from.clone(), e.to.clone(), e.kind)).collect()
}

fn has(d: &Design, from: &str, to: &str, kind: EdgeKind) -> bool {
    edges(d).contains(&(from.to_owned(), to.to_owned(), kind))
}

fn no_errors(d: &Design) {
    let problems = engine::validate::validate(d);
    assert!(!engine::validate::has_errors(&problems), "{problems:#?}");
}

#[test]
fn compose_with_anchors_and_both_environment_forms() {
    let (text, file) = fixture("voting-app.compose.yaml");
    let imp = import(&text, None, &file).unwrap();
    assert_eq!(imp.format, ImportFormat::Compose);
    let d = &imp.design;
    assert_eq!(d.name, "voting-app");
    let kind = |id: &str| d.node(id).map(|n| (n.kind, n.preset.clone()));
    assert_eq!(kind("redis"), Some((NodeKind::Cache, Some("redis".into()))));
    assert_eq!(kind("db"), Some((NodeKind::Database, Some("postgres".into()))));
    assert_eq!(kind("vote"), Some((NodeKind::Service, None)));
    // depends_on long syntax, list-form env (REDIS_HOST), map-form env (DATABASE_URL), REDIS_ADDR, PG_HOST.
    assert!(has(d, "vote", "redis", EdgeKind::Call));
    assert!(has(d, "result", "db", EdgeKind::Call));
    assert!(has(d, "worker", "redis", EdgeKind::Call));
    assert!(has(d, "worker", "db", EdgeKind::Call));
    assert!(has(d, "seed", "vote", EdgeKind::Call));
    let vote = d.node("vote").unwrap();
    assert_eq!(vote.capacity.replicas, 2);
    assert_eq!(vote.deployment.port, Some(80));
    assert_eq!(vote.deployment.cpu_millicores, Some(250));
    assert_eq!(vote.deployment.memory_mib, Some(128));
    assert_eq!(vote.deployment.healthcheck.as_ref().map(|h| (h.path.as_str(), h.interval_s)), Some(("/healthz", 15.0)));
    // Published ports make entries, fed by one client.
    assert!(has(d, "clients", "vote", EdgeKind::Call) && has(d, "clients", "result", EdgeKind::Call));
    assert!(!has(d, "clients", "db", EdgeKind::Call));
    assert_eq!(d.workloads.len(), 1);
    // Merge keys pulled `logging` into every app service: reported, not silently dropped.
    assert!(imp.notes.iter().any(|n| n.starts_with("vote:") && n.contains("logging")), "{:?}", imp.notes);
    assert!(imp.notes.iter().any(|n| n.contains("seed") && n.contains("no image")));
    no_errors(d);
}

#[test]
fn compose_with_brokers_container_names_and_long_ports() {
    let (text, file) = fixture("shop-events.compose.yml");
    let imp = import(&text, None, &file).unwrap();
    let d = &imp.design;
    assert_eq!(d.node("gateway").map(|n| n.kind), Some(NodeKind::Gateway));
    assert_eq!(d.node("kafka").and_then(|n| n.preset.clone()).as_deref(), Some("kafka"));
    assert_eq!(d.node("catalog-db").and_then(|n| n.preset.clone()).as_deref(), Some("mongodb"));
    assert!(has(d, "gateway", "orders", EdgeKind::Call) && has(d, "gateway", "catalog", EdgeKind::Call));
    assert!(has(d, "orders", "orders-db", EdgeKind::Call));
    assert!(has(d, "orders", "kafka", EdgeKind::Event), "KAFKA_BOOTSTRAP_SERVERS");
    assert!(has(d, "orders", "cache", EdgeKind::Call), "CACHE_URL");
    assert!(has(d, "catalog", "catalog-db", EdgeKind::Call), "MONGO_URI");
    // CELERY_BROKER_URL in list form; a Celery worker nothing calls consumes.
    assert!(has(d, "rabbitmq", "notifications", EdgeKind::Subscription), "{:#?}", imp.notes);
    assert!(has(d, "kafka", "notifications", EdgeKind::Subscription));
    assert_eq!(d.node("orders").map(|n| n.capacity.replicas), Some(3));
    assert_eq!(d.node("orders").and_then(|n| n.deployment.port), Some(8000), "from expose");
    assert_eq!(d.node("orders").and_then(|n| n.deployment.cpu_millicores), Some(1000));
    assert_eq!(
        d.node("orders").and_then(|n| n.deployment.healthcheck.clone()).map(|h| h.path),
        Some("/health/ready".into())
    );
    // Only the gateway publishes an application port (RabbitMQ's UI port is not an entry).
    let entries: Vec<&str> = d.edges.iter().filter(|e| e.from == "clients").map(|e| e.to.as_str()).collect();
    assert_eq!(entries, vec!["gateway"]);
    no_errors(d);
}

#[test]
fn kubernetes_manifests_with_config_maps_and_an_hpa() {
    let (text, file) = fixture("boutique.k8s.yaml");
    let imp = import(&text, None, &file).unwrap();
    assert_eq!(imp.format, ImportFormat::Kubernetes);
    let d = &imp.design;
    for (from, to) in [
        ("frontend", "productcatalogservice"),
        ("frontend", "cartservice"),
        ("frontend", "checkoutservice"),       // FQDN with namespace
        ("checkoutservice", "emailservice"),   // envFrom ConfigMap, Service port differs
        ("checkoutservice", "paymentservice"), // configMapKeyRef
        ("cartservice", "redis-cart"),
    ] {
        assert!(has(d, from, to, EdgeKind::Call), "{from} → {to}");
    }
    assert_eq!(d.node("redis-cart").map(|n| n.kind), Some(NodeKind::Cache));
    assert_eq!(d.node("checkoutservice").map(|n| n.capacity.replicas), Some(2));
    let frontend = d.node("frontend").unwrap();
    assert_eq!(frontend.deployment.port, Some(8080));
    assert_eq!(frontend.deployment.cpu_millicores, Some(100));
    assert_eq!(frontend.deployment.memory_mib, Some(64));
    assert_eq!(frontend.deployment.healthcheck.as_ref().map(|h| h.path.as_str()), Some("/_healthz"));
    let a = frontend.policies.autoscaling.as_ref().unwrap();
    assert_eq!((a.min_replicas, a.max_replicas), (2, 8));
    assert!((a.target_utilization - 0.65).abs() < 1e-9);
    assert!((a.scale_down_stabilization_s - 120.0).abs() < 1e-9);
    assert!(has(d, "clients", "frontend", EdgeKind::Call), "LoadBalancer Service is an entry");
    assert!(imp.notes.iter().any(|n| n.contains("ServiceAccount")));
    no_errors(d);
}

#[test]
fn isotope_graph_with_defaults_and_concurrent_steps() {
    let (text, file) = fixture("bookinfo-like.isotope.yaml");
    let imp = import(&text, None, &file).unwrap();
    assert_eq!(imp.format, ImportFormat::Isotope);
    let d = &imp.design;
    let page = d.node("productpage").unwrap();
    assert_eq!(page.capacity.replicas, 3);
    assert_eq!(page.service_time, Distribution::Constant { value_ms: 6.0 });
    assert!((page.error_probability - 0.0001).abs() < 1e-12, "default errorRate 0.01%");
    let reviews = d.node("reviews").unwrap();
    assert!((reviews.error_probability - 0.005).abs() < 1e-12);
    assert_eq!(reviews.capacity.replicas, 2);
    let to_details = d.edges.iter().find(|e| e.from == "productpage" && e.to == "details").unwrap();
    let to_reviews = d.edges.iter().find(|e| e.from == "productpage" && e.to == "reviews").unwrap();
    assert!(to_details.parallel_group.is_some());
    assert_eq!(to_details.parallel_group, to_reviews.parallel_group, "one concurrent step");
    assert_eq!(to_details.payload_bytes, Some(1024), "default requestSize");
    assert_eq!(to_reviews.payload_bytes, Some(2048));
    assert!(has(d, "ratings", "ratings-db", EdgeKind::Call));
    assert!(has(d, "clients", "productpage", EdgeKind::Call));
    assert!(imp.notes.iter().any(|n| n.contains("numRbacPolicies")));
    no_errors(d);
}

#[test]
fn detection_errors_and_positions() {
    assert!(matches!(import("just: [a, text", None, "x.yaml"), Err(ImportError::Parse { line_col: Some(_), .. })));
    assert!(matches!(import("hello: world\n", None, "notes.yaml"), Err(ImportError::Unrecognised { .. })));
    let err = import("services: {}\n", Some(ImportFormat::Compose), "c.yaml").unwrap_err();
    assert!(matches!(err, ImportError::Shape { .. }), "{err}");
    let k8s = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n";
    assert!(matches!(import(k8s, None, "svc.yaml"), Err(ImportError::Shape { format: ImportFormat::Kubernetes, .. })));
    // A billion-laughs file fails fast instead of expanding.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 { "a".to_owned() } else { format!("l{}", i - 1) };
        bomb.push_str(&format!(
            "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    assert!(import(&bomb, Some(ImportFormat::Compose), "bomb.yaml").is_err());
}

#[test]
fn cli_import_writes_a_loadable_design() {
    let dir = export_support::root().join("target/test-exports/import-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("design.json");
    let input = export_support::root().join("tests/fixtures/import/boutique.k8s.yaml");
    let args: Vec<std::ffi::OsString> =
        ["switchboard", "import", input.to_str().unwrap(), "--from", "k8s", "-o", out.to_str().unwrap(), "-q"]
            .iter()
            .map(Into::into)
            .collect();
    let mut sink = Vec::new();
    assert_eq!(switchboard::cli::run(args, &mut sink), switchboard::cli::exit::OK);
    let design = engine::model::format::load(&out).unwrap();
    assert!(design.node("frontend").is_some());
    let args: Vec<std::ffi::OsString> = ["switchboard", "import", "/nonexistent.yaml"].iter().map(Into::into).collect();
    assert_eq!(switchboard::cli::run(args, &mut sink), switchboard::cli::exit::USAGE);
}
