//! The emulated variant of the Compose and Kubernetes exports (`export
//! --emulate`), and the names `serve-node` and `loadgen` find their peers
//! under.
//!
//! A post-transform: the exporters write the deployment as they always do,
//! then every workload that runs a node of the design gets the switchboard
//! image running `serve-node` for that node on the port the export gave it,
//! with the design mounted from a ConfigMap (Kubernetes) or a Compose
//! config; a load generator (a Kubernetes Job, a Compose service) runs the
//! workloads against the entries. Peers' addresses stay in the environment
//! variables the exporters write (`ORDERS_URL`, `EVENTS_ADDR`), which is
//! where `serve-node` and `loadgen` look for them ([`peer_variables`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::plan::Plan;
use super::{Export, ExportError, ExportFormat, Note, NoteKind};
use crate::Design;

/// The environment variable holding each deployed node's address, by node
/// id, as the Compose and Kubernetes exports write it (`ORDERS_URL`, or
/// `EVENTS_ADDR` for a plain `host:port`); signal receivers have none (they
/// run inside their host).
#[must_use]
pub fn peer_variables(design: &Design) -> BTreeMap<String, String> {
    let plan = Plan::build(design);
    plan.units.iter().enumerate().map(|(i, u)| (u.node.id.clone(), plan.env_key(i))).collect()
}

/// The image the emulated exports run: built from the repository's
/// `Dockerfile` (`docker build -t switchboard .`), its entry point the
/// `switchboard` binary.
pub const IMAGE: &str = "switchboard:latest";
/// Where the design is mounted in every container.
pub const DESIGN_DIR: &str = "/etc/switchboard";
/// The design's file name there.
pub const DESIGN_FILE: &str = "design.json";
/// The Compose config and Kubernetes ConfigMap holding the design.
const DESIGN_CONFIG: &str = "switchboard-design";
/// Parsing the exporters' own output back: no input budget. The budget
/// guards against hostile files; this text is ours, and a large design's
/// Kubernetes export has far more than the default 1,024 documents (the
/// 276-node sample has over 1,000).
fn own_output() -> serde_saphyr::Options {
    serde_saphyr::options! { budget: None }
}

/// The load generator's Compose service and Kubernetes Job.
const LOADGEN: &str = "switchboard-loadgen";
/// The path `serve-node` answers readiness on.
const HEALTH_PATH: &str = "/healthz";

/// What the transform needs of each deployed node, by its DNS name.
struct Target {
    id: String,
    port: u16,
}

/// The nodes a plan deploys (by DNS name), and the entries' (variable, URL) pairs.
fn targets(plan: &Plan<'_>) -> (BTreeMap<String, Target>, Vec<(String, String)>) {
    let units = plan.units.iter().map(|u| (u.name.clone(), Target { id: u.node.id.clone(), port: u.port })).collect();
    let entries =
        plan.units.iter().enumerate().filter(|(_, u)| u.entry).map(|(i, _)| (plan.env_key(i), plan.url(i))).collect();
    (units, entries)
}

/// The plain export's notes that still hold once every node runs
/// `serve-node`: names, where receivers run, edges left out, assumed ports,
/// groups and the cluster's network rules. The others speak of what the
/// emulated deployment replaces (images and their passwords, volumes and
/// probes, gateway configurations, replicas and autoscalers) or of what it
/// does itself (service times, workloads, call policies, ejection, rate
/// limits, load balancing all run inside the emulator).
fn still_true(note: &Note) -> bool {
    const KEPT: [&str; 10] = [
        "engine-export-renamed",
        "engine-export-receiver-inside",
        "engine-export-receiver-no-host",
        "engine-export-edge-end-not-deployed",
        "engine-export-pass-through",
        "engine-export-no-port",
        "engine-export-groups",
        "engine-export-k8s-dns",
        "engine-export-k8s-mesh-istio",
        "engine-export-k8s-no-mesh",
    ];
    note.message.key().is_some_and(|k| KEPT.contains(&k))
}

fn design_path() -> String {
    format!("{DESIGN_DIR}/{DESIGN_FILE}")
}

fn serve_args(t: &Target) -> Vec<Value> {
    let port = t.port.to_string();
    let design = design_path();
    ["serve-node", design.as_str(), "--node", t.id.as_str(), "--port", port.as_str(), "--bind", "0.0.0.0"]
        .into_iter()
        .map(|s| Value::String(s.to_owned()))
        .collect()
}

fn loadgen_args() -> Value {
    Value::Array(vec![Value::String("loadgen".to_owned()), Value::String(design_path())])
}

/// `export --emulate`: `export` (a Compose or single-file Kubernetes
/// export of `design`) rewritten so every node runs as `serve-node` in
/// [`IMAGE`], plus the load generator.
///
/// # Errors
/// Another format, a split Kubernetes export, or text the exporter wrote
/// that does not parse back (which would be a bug).
pub fn emulated(design: &Design, export: &Export) -> Result<Export, ExportError> {
    let format = export.format;
    let fail = |message: String| ExportError::Serialize { format, message };
    let [(path, text)] = export.files.as_slice() else {
        return Err(fail("--emulate writes one file: leave out --split".to_owned()));
    };
    let design_json = crate::model::format::to_json(design);
    let mut report: Vec<Note> = export.report.iter().filter(|n| still_true(n)).cloned().collect();
    report.push(Note::new(
        NoteKind::Mapped,
        "design",
        crate::msg!(
            "engine-export-emulated",
            "emulated: every node runs `switchboard serve-node` in the image {image} (build it from the repository's \
             Dockerfile) with the design from `{config}`; one process per node emulates all its replicas, so \
             replicas are 1 and autoscalers are left out; `{loadgen}` runs the workloads",
            image = IMAGE,
            config = DESIGN_CONFIG,
            loadgen = LOADGEN
        ),
    ));
    let text = match format {
        ExportFormat::Compose => {
            let plan = Plan::build(design);
            let mut doc: Value =
                serde_saphyr::from_str_with_options(text, own_output()).map_err(|e| fail(e.to_string()))?;
            compose(&mut doc, &plan, &design_json);
            super::yaml(format, &doc)?
        }
        ExportFormat::Kubernetes => {
            let plan = Plan::build_platform(design);
            let docs: Vec<Value> =
                serde_saphyr::from_multiple_with_options(text, own_output()).map_err(|e| fail(e.to_string()))?;
            let docs = kubernetes(docs, &plan, design_json);
            super::yaml_multi(format, &docs)?
        }
        _ => return Err(fail("--emulate is for the Compose and Kubernetes exports".to_owned())),
    };
    Ok(Export { format, files: vec![(path.clone(), text)], report })
}

/// The Compose file rewritten: each node's service runs `serve-node`.
fn compose(doc: &mut Value, plan: &Plan<'_>, design_json: &str) {
    let (units, entries) = targets(plan);
    let mut used_configs = vec![DESIGN_CONFIG.to_owned()];
    if let Some(services) = doc.get_mut("services").and_then(Value::as_object_mut) {
        for (name, service) in services.iter_mut() {
            let Some(t) = units.get(name) else {
                // Not a node of the design: its configs stay.
                let mounted = service.get("configs").and_then(Value::as_array).into_iter().flatten();
                used_configs.extend(mounted.filter_map(|c| c.get("source")?.as_str().map(str::to_owned)));
                continue;
            };
            *service = compose_service(service, Value::Array(serve_args(t)));
        }
        let mut loadgen = Map::new();
        let env: Map<String, Value> = entries.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        loadgen.insert("environment".to_owned(), Value::Object(env));
        let started: Map<String, Value> = plan
            .units
            .iter()
            .filter(|u| u.entry)
            .map(|u| (u.name.clone(), serde_json::json!({ "condition": "service_started" })))
            .collect();
        loadgen.insert("depends_on".to_owned(), Value::Object(started));
        loadgen.insert("restart".to_owned(), Value::String("no".to_owned()));
        let loadgen = compose_service(&Value::Object(loadgen), loadgen_args());
        let name = (1..).map(|i| if i == 1 { LOADGEN.to_owned() } else { format!("{LOADGEN}-{i}") });
        if let Some(free) = name.take(1000).find(|n| !services.contains_key(n)) {
            services.insert(free, loadgen);
        }
    }
    let Some(root) = doc.as_object_mut() else { return };
    let mut configs = match root.remove("configs") {
        Some(Value::Object(c)) => c,
        _ => Map::new(),
    };
    configs.retain(|k, _| used_configs.contains(k));
    configs.insert(DESIGN_CONFIG.to_owned(), serde_json::json!({ "content": design_json }));
    root.insert("configs".to_owned(), Value::Object(configs));
}

/// A Compose service running `command` in the image, with the design
/// mounted, keeping of `old` what still applies: its environment (peer
/// addresses), published ports, start order (without health conditions:
/// `serve-node` waits for its peers' names itself), labels and resources.
fn compose_service(old: &Value, command: Value) -> Value {
    let mut s = Map::new();
    s.insert("image".to_owned(), Value::String(IMAGE.to_owned()));
    s.insert("command".to_owned(), command);
    for key in ["environment", "ports", "restart"] {
        if let Some(v) = old.get(key) {
            s.insert(key.to_owned(), v.clone());
        }
    }
    if let Some(Value::Object(deps)) = old.get("depends_on") {
        let started = deps.keys().map(|k| (k.clone(), serde_json::json!({ "condition": "service_started" })));
        s.insert("depends_on".to_owned(), Value::Object(started.collect()));
    }
    let target = design_path();
    s.insert("configs".to_owned(), serde_json::json!([{ "source": DESIGN_CONFIG, "target": target }]));
    if let Some(Value::Object(deploy)) = old.get("deploy") {
        let mut d = deploy.clone();
        // One process emulates every replica of its node.
        d.insert("replicas".to_owned(), Value::from(1));
        s.insert("deploy".to_owned(), Value::Object(d));
    }
    if let Some(v) = old.get("labels") {
        s.insert("labels".to_owned(), v.clone());
    }
    Value::Object(s)
}

/// The Kubernetes objects rewritten: each node's Deployment or StatefulSet
/// runs `serve-node` (one replica, ready on `/healthz`), its autoscaler and
/// disruption budget left out; the design's ConfigMap and the load
/// generator's Job added.
fn kubernetes(docs: Vec<Value>, plan: &Plan<'_>, design_json: String) -> Vec<Value> {
    let (units, entries) = targets(plan);
    let mut part_of = None;
    let mut out = Vec::with_capacity(docs.len() + 2);
    for mut doc in docs {
        let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned();
        let name = doc.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_owned();
        let Some(t) = units.get(&name) else {
            out.push(doc);
            continue;
        };
        match kind.as_str() {
            "Deployment" | "StatefulSet" => {
                if part_of.is_none() {
                    part_of = doc.pointer("/metadata/labels/app.kubernetes.io~1part-of").cloned();
                }
                workload(&mut doc, t);
                out.push(doc);
            }
            "HorizontalPodAutoscaler" | "PodDisruptionBudget" => {}
            _ => out.push(doc),
        }
    }
    let mut labels = Map::new();
    labels.insert("app.kubernetes.io/name".to_owned(), Value::String(LOADGEN.to_owned()));
    if let Some(p) = part_of {
        labels.insert("app.kubernetes.io/part-of".to_owned(), p);
    }
    let mut data = Map::new();
    data.insert(DESIGN_FILE.to_owned(), Value::String(design_json));
    out.push(serde_json::json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": { "name": DESIGN_CONFIG },
        "data": data,
    }));
    let env: Vec<Value> = entries.iter().map(|(k, v)| serde_json::json!({ "name": k, "value": v })).collect();
    out.push(serde_json::json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": { "name": LOADGEN, "labels": labels.clone() },
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": { "labels": labels },
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{
                        "name": "loadgen",
                        "image": IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "args": loadgen_args(),
                        "env": env,
                        "volumeMounts": [design_mount()],
                    }],
                    "volumes": [design_volume()],
                },
            },
        },
    }));
    out
}

fn design_mount() -> Value {
    serde_json::json!({ "name": DESIGN_CONFIG, "mountPath": DESIGN_DIR, "readOnly": true })
}

fn design_volume() -> Value {
    serde_json::json!({ "name": DESIGN_CONFIG, "configMap": { "name": DESIGN_CONFIG } })
}

/// A node's Deployment or StatefulSet running `serve-node`: one replica,
/// no claims, its first container's name, ports, environment (the peer
/// addresses) and limits kept, the image, arguments, design mount and
/// readiness probe replaced; other containers and init containers dropped.
fn workload(doc: &mut Value, t: &Target) {
    let Some(spec) = doc.get_mut("spec").and_then(Value::as_object_mut) else { return };
    spec.insert("replicas".to_owned(), Value::from(1));
    spec.remove("volumeClaimTemplates");
    let Some(pod) = spec.get_mut("template").and_then(|t| t.get_mut("spec")).and_then(Value::as_object_mut) else {
        return;
    };
    let first = pod.get("containers").and_then(|c| c.get(0)).cloned().unwrap_or(Value::Null);
    let mut c = Map::new();
    c.insert("name".to_owned(), first.get("name").cloned().unwrap_or_else(|| Value::String("node".to_owned())));
    c.insert("image".to_owned(), Value::String(IMAGE.to_owned()));
    c.insert("imagePullPolicy".to_owned(), Value::String("IfNotPresent".to_owned()));
    c.insert("args".to_owned(), Value::Array(serve_args(t)));
    for key in ["env", "envFrom", "resources", "securityContext"] {
        if let Some(v) = first.get(key) {
            c.insert(key.to_owned(), v.clone());
        }
    }
    c.insert("ports".to_owned(), serde_json::json!([{ "name": "http", "containerPort": t.port, "protocol": "TCP" }]));
    c.insert(
        "readinessProbe".to_owned(),
        serde_json::json!({ "httpGet": { "path": HEALTH_PATH, "port": t.port }, "periodSeconds": 2 }),
    );
    c.insert("volumeMounts".to_owned(), Value::Array(vec![design_mount()]));
    pod.insert("containers".to_owned(), Value::Array(vec![Value::Object(c)]));
    pod.remove("initContainers");
    pod.insert("volumes".to_owned(), Value::Array(vec![design_volume()]));
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn sample(name: &str) -> Design {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name);
        crate::model::format::load(&path).unwrap()
    }

    #[test]
    fn the_report_keeps_only_notes_that_hold_for_the_emulated_deployment() {
        for format in [ExportFormat::Compose, ExportFormat::Kubernetes] {
            let design = sample("ecommerce-checkout.json");
            let plain = super::super::export(&design, format).unwrap();
            let keys = |r: &[Note]| r.iter().filter_map(|n| n.message.key()).collect::<Vec<_>>();
            assert!(keys(&plain.report).contains(&"engine-export-simulation-only"), "{:?}", keys(&plain.report));
            let e = emulated(&design, &plain).unwrap();
            let kept = keys(&e.report);
            assert!(!kept.contains(&"engine-export-simulation-only"), "{kept:?}");
            assert!(!kept.iter().any(|k| k.contains("password") || k.contains("image")), "{kept:?}");
            assert_eq!(kept.last(), Some(&"engine-export-emulated"));
            let dropped = plain.report.len() + 1 - e.report.len();
            assert!(dropped > 0 && e.report.len() > 1, "{kept:?}");
        }
    }

    #[test]
    fn compose_services_run_serve_node_with_the_design_mounted() {
        let design = sample("ecommerce-checkout.json");
        let plain = super::super::export(&design, ExportFormat::Compose).unwrap();
        let e = emulated(&design, &plain).unwrap();
        let doc: Value = serde_saphyr::from_str(&e.files[0].1).unwrap();
        let services = doc["services"].as_object().unwrap();
        let plan = Plan::build(&design);
        for u in &plan.units {
            let s = &services[&u.name];
            assert_eq!(s["image"], IMAGE, "{}", u.name);
            let cmd: Vec<&str> = s["command"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            assert_eq!(cmd[..4], ["serve-node", "/etc/switchboard/design.json", "--node", u.node.id.as_str()]);
            assert!(s.get("healthcheck").is_none() && s.get("volumes").is_none(), "{s}");
        }
        let loadgen = &services[LOADGEN];
        assert_eq!(loadgen["command"][0], "loadgen");
        assert!(loadgen["environment"].as_object().is_some_and(|e| !e.is_empty()));
        let mounted = doc["configs"][DESIGN_CONFIG]["content"].as_str().unwrap();
        let back = crate::model::format::from_str(mounted, crate::model::format::Format::Json, "x").unwrap();
        assert_eq!(back, design);
    }

    #[test]
    fn kubernetes_workloads_run_serve_node_and_a_job_runs_the_load() {
        let design = sample("ecommerce-checkout.json");
        let plain = super::super::export(&design, ExportFormat::Kubernetes).unwrap();
        let e = emulated(&design, &plain).unwrap();
        let docs: Vec<Value> = serde_saphyr::from_multiple(&e.files[0].1).unwrap();
        let kinds = |k: &str| docs.iter().filter(|d| d["kind"] == k).collect::<Vec<_>>();
        let workloads: Vec<_> = kinds("Deployment").into_iter().chain(kinds("StatefulSet")).collect();
        assert_eq!(workloads.len(), Plan::build_platform(&design).units.len());
        for w in workloads {
            let c = &w["spec"]["template"]["spec"]["containers"][0];
            assert_eq!(c["image"], IMAGE);
            assert_eq!(c["args"][0], "serve-node");
            assert_eq!(w["spec"]["replicas"], 1);
        }
        assert!(kinds("HorizontalPodAutoscaler").is_empty());
        assert_eq!(kinds("Job").len(), 1);
        assert!(kinds("ConfigMap").iter().any(|c| c["metadata"]["name"] == DESIGN_CONFIG));
    }

    #[test]
    fn a_large_design_with_over_a_thousand_documents_is_emulated_too() {
        let design = sample("large-topology.json");
        let plain = super::super::export(&design, ExportFormat::Kubernetes).unwrap();
        assert!(plain.files[0].1.matches("\n---").count() > 1024, "the case the default parse budget refused");
        let e = emulated(&design, &plain).unwrap();
        assert!(e.files[0].1.contains("serve-node"));
    }
}
