//! Imports of files that reproduce what real deployments do and what made
//! earlier imports wrong: databases behind vendor and custom images, tracing
//! agents, registries and dashboards in `depends_on`, health-check URLs in
//! the environment, an event bus with an identifiable consumer, Compose
//! variables with defaults and an override file, a Service selecting two
//! versions, the same name in two namespaces, bare Pods, a Helm template and
//! a file of only Istio objects. Every imported design validates without
//! errors, its estimate stays below ρ 0.5 and it simulates stable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::BTreeMap;

use engine::Design;
use engine::import::{ImportError, Imported, Source, import, import_files};
use engine::model::{EdgeKind, NodeKind};
use engine::sim::{RunControl, RunOptions, run};

fn read(name: &str) -> (String, String) {
    let path = export_support::root().join("tests/fixtures/import").join(name);
    (std::fs::read_to_string(&path).unwrap(), path.display().to_string())
}

fn eshop() -> Imported {
    let (base, base_name) = read("eshop-like.compose.yml");
    let (over, over_name) = read("eshop-like.override.yml");
    let sources = [Source { text: &base, name: &base_name }, Source { text: &over, name: &over_name }];
    import_files(&sources, None, &BTreeMap::new()).unwrap()
}

fn has(d: &Design, from: &str, to: &str, kind: EdgeKind) -> bool {
    d.edges.iter().any(|e| e.from == from && e.to == to && e.kind == kind)
}

fn kind(d: &Design, id: &str) -> Option<(NodeKind, Option<String>)> {
    d.node(id).map(|n| (n.kind, n.preset.clone()))
}

fn entries(d: &Design) -> Vec<&str> {
    let clients: Vec<&str> = d.nodes.iter().filter(|n| n.kind == NodeKind::Client).map(|n| n.id.as_str()).collect();
    d.edges.iter().filter(|e| clients.contains(&e.from.as_str())).map(|e| e.to.as_str()).collect()
}

/// No validation errors, every node's estimated ρ below 0.5, and a short
/// run that is stable with requests conserved.
fn accepted(name: &str, d: &Design) {
    let problems = engine::validate::validate(d);
    assert!(!engine::validate::has_errors(&problems), "{name}: {problems:#?}");
    let estimate = engine::capacity::estimate(d);
    for n in &estimate.nodes {
        if let Some(rho) = n.utilization {
            assert!(rho < 0.5, "{name}: {} at ρ {rho}", n.id);
        }
    }
    let options = RunOptions {
        seed: Some(7),
        duration_s: Some(40.0),
        warmup_s: Some(5.0),
        replications: Some(1),
        ..RunOptions::default()
    };
    let report = run(d, &options, &RunControl::default()).unwrap();
    assert!(!report.unstable, "{name}: {:?}", report.unstable_reasons);
    assert!(report.conservation.holds, "{name}");
    assert!(
        report.warnings.iter().any(|w| w.key() == Some("engine-results-rest-on-placeholders")),
        "{name}: a run says it rests on placeholders"
    );
}

#[test]
fn compose_kinds_come_from_vendor_images_custom_images_and_environment() {
    let imp = eshop();
    let d = &imp.design;
    assert_eq!(kind(d, "sqldata"), Some((NodeKind::Database, None)), "mcr.microsoft.com/mssql/server");
    assert_eq!(kind(d, "searchdata"), Some((NodeKind::Database, Some("elasticsearch".into()))));
    assert_eq!(kind(d, "ledgerdata"), Some((NodeKind::Database, Some("postgres".into()))), "POSTGRES_* only");
    assert_eq!(kind(d, "nosqldata"), Some((NodeKind::Database, Some("mongodb".into()))), "${{MONGO_IMAGE:-mongo:7}}");
    assert_eq!(kind(d, "basketdata"), Some((NodeKind::Cache, Some("redis".into()))));
    assert_eq!(kind(d, "rabbitmq").map(|k| k.0), Some(NodeKind::Broker));
    assert_eq!(kind(d, "consul").map(|k| k.0), Some(NodeKind::Registry));
    assert_eq!(kind(d, "webmvc"), Some((NodeKind::Service, None)));
    // The notes say which rule decided.
    let says = |needle: &str| imp.notes.iter().any(|n| n.contains(needle));
    assert!(
        says("kind: sqldata is a database because image `mcr.microsoft.com/mssql/server:2022-latest`"),
        "{:#?}",
        imp.notes
    );
    assert!(says("kind: ledgerdata is a database because its environment sets POSTGRES_*"), "{:#?}", imp.notes);
}

#[test]
fn compose_agents_dashboards_registries_and_health_urls_are_not_calls() {
    let imp = eshop();
    let d = &imp.design;
    for aside in ["otel-collector", "seq", "grafana", "webstatus"] {
        assert!(d.node(aside).is_none(), "{aside} is not on a request's path");
        assert!(imp.notes.iter().any(|n| n.starts_with(&format!("{aside}: a "))), "{aside}: {:#?}", imp.notes);
    }
    assert!(!d.edges.iter().any(|e| e.to == "consul"), "a registry is discovery, not a call");
    // Health URLs (CatalogUrlHC) are probes; the real dependency stays.
    assert!(has(d, "webmvc", "catalog-api", EdgeKind::Call), "through the dotted network alias");
    assert!(imp.notes.iter().any(|n| n.starts_with("webmvc: health-check URLs") && n.contains("CatalogUrlHC")));
    assert!(has(d, "catalog-api", "sqldata", EdgeKind::Call), "Server=sqldata in a connection string");
    assert!(has(d, "catalog-api", "searchdata", EdgeKind::Call));
    assert!(has(d, "ordering-api", "ledgerdata", EdgeKind::Call));
}

#[test]
fn compose_brokers_get_publishers_and_identified_subscribers() {
    let imp = eshop();
    let d = &imp.design;
    assert!(has(d, "ordering-api", "rabbitmq", EdgeKind::Event));
    assert!(has(d, "rabbitmq", "payment-worker", EdgeKind::Subscription), "same queue name, consumer's variable");
    assert!(!has(d, "payment-worker", "rabbitmq", EdgeKind::Event));
    assert!(imp.notes.iter().any(|n| n.starts_with("payment-worker subscribes to rabbitmq")));
}

#[test]
fn compose_variables_and_override_files() {
    let imp = eshop();
    let d = &imp.design;
    let image = |id: &str| d.node(id).and_then(|n| n.deployment.image.clone());
    assert_eq!(image("catalog-api").as_deref(), Some("eshop/catalog.api:1.4"), "override wins, default used");
    assert_eq!(image("ledgerdata").as_deref(), Some("registry.acme.internal:5000/acme/ledger-store:2.1"));
    assert_eq!(image("nosqldata").as_deref(), Some("mongo:7"));
    assert_eq!(d.node("webmvc").map(|n| n.capacity.replicas), Some(2), "replicas from the override");
    // Published ports come from the override; never a database, a broker's UI or a dashboard.
    let mut e = entries(d);
    e.sort_unstable();
    assert_eq!(e, vec!["identity-api", "webmvc"]);
    // A variable set by the caller wins over the default.
    let (base, name) = read("eshop-like.compose.yml");
    let vars: BTreeMap<String, String> = [("TAG".to_owned(), "9.9".to_owned())].into_iter().collect();
    let with_tag = import_files(&[Source { text: &base, name: &name }], None, &vars).unwrap();
    assert_eq!(
        with_tag.design.node("basket-api").and_then(|n| n.deployment.image.clone()).as_deref(),
        Some("eshop/basket.api:9.9")
    );
    // An unset variable without default is reported, `$$` is a literal `$`.
    let text = "services:\n  api:\n    image: shop/api:${UNSET_TAG}\n    environment:\n      PRICE: $$5\n    ports: ['80:80']\n";
    let imp = import(text, None, "compose.yaml").unwrap();
    assert_eq!(imp.design.node("api").and_then(|n| n.deployment.image.clone()).as_deref(), Some("shop/api:"));
    assert!(imp.notes.iter().any(|n| n.contains("UNSET_TAG")), "{:#?}", imp.notes);
}

#[test]
fn kubernetes_services_namespaces_and_batch_kinds() {
    let (text, file) = read("canary-shop.k8s.yaml");
    let imp = import(&text, None, &file).unwrap();
    let d = &imp.design;
    // One Service, two Deployments: both linked, split by replicas.
    let to_v1 = d.edges.iter().find(|e| e.from == "frontend" && e.to == "reviews-v1").unwrap();
    let to_v2 = d.edges.iter().find(|e| e.from == "frontend" && e.to == "reviews-v2").unwrap();
    assert_eq!(to_v1.branch.as_ref().map(|b| (b.group.clone(), b.weight)), Some(("via reviews".into(), 3.0)));
    assert_eq!(to_v2.branch.as_ref().map(|b| b.weight), Some(1.0));
    // The Service's targetPort where the containers say nothing.
    assert_eq!(d.node("reviews-v1").and_then(|n| n.deployment.port), Some(9080));
    // The same name in two namespaces: both kept, as groups.
    assert!(has(d, "frontend", "api-shop", EdgeKind::Call));
    assert!(has(d, "frontend", "api-payments", EdgeKind::Call));
    assert_eq!(d.node("api-payments").and_then(|n| n.group.clone()).as_deref(), Some("payments"));
    assert_eq!(d.node("frontend").and_then(|n| n.group.clone()).as_deref(), Some("shop"));
    assert!(has(d, "api-payments", "ledger", EdgeKind::Call), "key/value DSN");
    assert_eq!(kind(d, "ledger"), Some((NodeKind::Database, Some("postgres".into()))), "PGDATA");
    assert_eq!(kind(d, "reviews-db"), Some((NodeKind::Database, Some("mysql".into()))), "mariadb behind a mirror");
    // The tracing agent is left out, the health URL is not a call, the Ingress backend is the entry.
    assert!(d.node("jaeger").is_none());
    assert!(imp.notes.iter().any(|n| n.contains("REVIEWS_HEALTH_URL")));
    assert_eq!(entries(d), vec!["frontend"]);
    assert!(imp.notes.iter().any(|n| n.contains("1 CronJob") && n.contains("1 Job")), "{:#?}", imp.notes);
}

#[test]
fn kubernetes_pods_helm_templates_and_istio_only_files_say_what_they_are() {
    let (text, file) = read("debug-pods.k8s.yaml");
    let imp = import(&text, None, &file).unwrap();
    assert!(imp.notes.iter().any(|n| n.starts_with("only bare Pods (3 Pod)")), "{:#?}", imp.notes);
    assert_eq!(kind(&imp.design, "cache").map(|k| k.0), Some(NodeKind::Cache), "port 6379");
    assert_eq!(entries(&imp.design), vec!["web"], "NodePort Service");

    let (text, file) = read("chart-template.yaml");
    let err = import(&text, None, &file).unwrap_err();
    assert!(matches!(err, ImportError::Shape { .. }));
    assert!(err.to_string().contains("helm template"), "{err}");

    let (text, file) = read("mesh-only.istio.yaml");
    let err = import(&text, None, &file).unwrap_err().to_string();
    assert!(err.contains("only Istio objects (1 DestinationRule, 1 VirtualService)"), "{err}");
}

#[test]
fn every_fixture_imports_validates_and_simulates_stable() {
    let eshop = eshop();
    accepted("eshop-like", &eshop.design);
    assert!(eshop.notes.iter().any(|n| n.contains("below ρ 0.5")), "{:#?}", eshop.notes);
    let dir = export_support::root().join("tests/fixtures/import");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            !n.starts_with("eshop-like") && !matches!(n.as_str(), "chart-template.yaml" | "mesh-only.istio.yaml")
        })
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let (text, file) = read(&name);
        let imp = import(&text, None, &file).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!imp.design.placeholders.is_empty(), "{name}");
        accepted(&name, &imp.design);
    }
}
