//! docker-compose.yml → design. Services become nodes (kinds and presets from
//! their images), `depends_on` (short and long syntax), `links` and
//! dependency addresses in the environment (list and map forms) become
//! edges; `deploy.replicas` (or the legacy `scale`), ports, healthchecks and
//! resource reservations are carried over. Registry images (Consul, etcd,
//! Eureka, ZooKeeper) become registries, and a service whose environment
//! registers it with one gets its discovery instead of an edge. Anchors,
//! merge keys and `x-` extensions are resolved by the YAML reader before
//! this module looks.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::build::{Builder, node_for_image};
use super::{ImportError, ImportFormat};
use super::{discovery, values};
use crate::Design;
use crate::model::{Healthcheck, NodeKind};

/// Service keys this importer reads; anything else is reported.
const MAPPED_KEYS: &[&str] = &[
    "image",
    "build",
    "deploy",
    "scale",
    "ports",
    "expose",
    "healthcheck",
    "depends_on",
    "links",
    "environment",
    "container_name",
    "hostname",
    "networks",
    "labels",
];

/// Keys that only concern how a container runs on one machine: not reported.
const LOCAL_KEYS: &[&str] =
    &["restart", "container_name", "hostname", "stdin_open", "tty", "init", "platform", "pull_policy"];

pub(super) fn import(docs: &[Value], file: &str) -> Result<(Design, Vec<String>), ImportError> {
    let shape = |reason: &str| ImportError::Shape {
        file: file.to_owned(),
        format: ImportFormat::Compose,
        reason: reason.to_owned(),
    };
    let doc = docs.first().ok_or_else(|| shape("the file is empty"))?;
    let services = doc.get("services").and_then(Value::as_object).ok_or_else(|| shape("no `services` mapping"))?;
    if services.is_empty() {
        return Err(shape("`services` is empty"));
    }
    let name = doc.get("name").and_then(Value::as_str).map_or_else(|| design_name(file), str::to_owned);
    let mut b = Builder::new(&name);
    if docs.len() > 1 {
        b.note("only the first YAML document was read");
    }
    if let Some(top) = doc.as_object() {
        let unmapped: Vec<&str> = top
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "services" | "name" | "version") && !k.starts_with("x-"))
            .collect();
        if !unmapped.is_empty() {
            b.note(format!("top-level {} not mapped", unmapped.join(", ")));
        }
    }

    // Every name a container is reachable under → its service.
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for (svc, spec) in services {
        aliases.insert(svc.clone(), svc.clone());
        for key in ["container_name", "hostname"] {
            if let Some(alias) = spec.get(key).and_then(Value::as_str) {
                aliases.insert(alias.to_owned(), svc.clone());
            }
        }
        if let Some(nets) = spec.get("networks").and_then(Value::as_object) {
            for net in nets.values() {
                for alias in
                    net.get("aliases").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
                {
                    aliases.insert(alias.to_owned(), svc.clone());
                }
            }
        }
    }

    let mut entries = Vec::new();
    for (svc, spec) in services {
        let empty = Map::new();
        let spec_map = spec.as_object().unwrap_or(&empty);
        let image = spec_map.get("image").and_then(Value::as_str);
        let mut node = node_for_image(svc, image);
        if image.is_none() {
            b.note(if spec_map.contains_key("build") {
                format!("{svc}: built from source, no image: set deployment.image before exporting")
            } else {
                format!("{svc}: no image")
            });
        }
        if let Some(replicas) = spec
            .pointer("/deploy/replicas")
            .or_else(|| spec_map.get("scale"))
            .and_then(values::uint)
            .and_then(|r| u32::try_from(r).ok())
        {
            node.capacity.replicas = replicas.max(1);
        }
        let (container_port, published) = ports(spec_map);
        let env = environment(spec_map);
        let env_port = env.iter().find(|(k, _)| k == "PORT").and_then(|(_, v)| v.parse::<u16>().ok());
        let infra_port = node.preset.as_deref().and_then(crate::export::infra::by_preset).map(|i| i.port);
        node.deployment.port = container_port.or(env_port).or(infra_port);
        if let Some(h) = spec_map.get("healthcheck") {
            node.deployment.healthcheck = http_healthcheck(h);
        }
        let reservation =
            spec.pointer("/deploy/resources/reservations").or_else(|| spec.pointer("/deploy/resources/limits"));
        if let Some(r) = reservation {
            node.deployment.cpu_millicores =
                r.get("cpus").and_then(values::scalar).and_then(|c| values::millicores(&c));
            node.deployment.memory_mib = r.get("memory").and_then(values::scalar).and_then(|m| values::mebibytes(&m));
        }
        if published && matches!(node.kind, NodeKind::Service | NodeKind::Gateway) {
            entries.push(svc.clone());
        }
        let unmapped: Vec<&str> = spec_map
            .keys()
            .map(String::as_str)
            .filter(|k| !MAPPED_KEYS.contains(k) && !LOCAL_KEYS.contains(k) && !k.starts_with("x-"))
            .collect();
        if !unmapped.is_empty() {
            b.note(format!("{svc}: {} not mapped", unmapped.join(", ")));
        }
        b.design.nodes.push(node);
    }

    for (svc, spec) in services {
        let empty = Map::new();
        let spec_map = spec.as_object().unwrap_or(&empty);
        let env = environment(spec_map);
        // Registries are talked to for discovery, not called as a step.
        let registries = discovery::registries(&env, |host| {
            aliases.get(host).filter(|t| b.design.node(t).is_some_and(|n| n.kind == NodeKind::Registry)).cloned()
        });
        if let Some(registry) = registries.first() {
            let healthcheck = spec_map.get("healthcheck").map_or((None, None), |h| {
                let interval_s = h.get("interval").and_then(Value::as_str).and_then(values::duration_s);
                let retries = h.get("retries").and_then(values::uint).and_then(|r| u32::try_from(r).ok());
                (interval_s, retries)
            });
            if let Some(d) = discovery::discovery(&env, registry, healthcheck) {
                b.note(format!("{svc}: registers with `{registry}` ({} discovery)", d.mode.as_str()));
                if let Some(node) = b.design.nodes.iter_mut().find(|n| n.id == *svc) {
                    node.discovery = Some(d);
                }
            }
        }
        let mut targets: Vec<String> = Vec::new();
        match spec_map.get("depends_on") {
            Some(Value::Array(list)) => targets.extend(list.iter().filter_map(Value::as_str).map(str::to_owned)),
            Some(Value::Object(map)) => targets.extend(map.keys().cloned()),
            _ => {}
        }
        for link in spec_map.get("links").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            targets.push(link.split(':').next().unwrap_or(link).to_owned());
        }
        for (key, value) in &env {
            if discovery::is_registry_address_key(key) || (!values::is_address_key(key) && !value.contains("://")) {
                continue;
            }
            for host in values::hosts(value) {
                if let Some(target) = aliases.get(&host) {
                    targets.push(target.clone());
                }
            }
        }
        targets.retain(|t| aliases.get(t).is_none_or(|t| !registries.contains(t)));
        for target in targets {
            match aliases.get(&target) {
                Some(t) => {
                    b.connect(svc, &t.clone());
                }
                None => b.note(format!("{svc}: depends on `{target}`, which is not a service here")),
            }
        }
    }

    if b.design.edges.iter().any(|e| e.kind == crate::model::EdgeKind::Event) {
        b.note("dependencies on brokers became publishes: turn them into subscriptions where the service consumes");
    }
    b.add_entries(&entries);
    b.note("service times are defaults (exponential, mean 10 ms): set measured ones before trusting a run");
    Ok((b.design, b.notes))
}

/// The design name for a file: its name up to the first dot, or its folder
/// for generic names such as `docker-compose.yml`.
pub(super) fn design_name(file: &str) -> String {
    let path = std::path::Path::new(file);
    let file_name = path.file_name().and_then(|s| s.to_str()).unwrap_or("imported");
    // `shop.compose.yaml` → `shop`.
    let stem = file_name.split('.').next().filter(|s| !s.is_empty()).unwrap_or("imported");
    let generic = ["docker-compose", "compose", "kubernetes", "kustomization", "service-graph", "manifests"];
    if generic.iter().any(|g| stem.eq_ignore_ascii_case(g))
        && let Some(dir) = path.parent().and_then(|p| p.file_name()).and_then(|d| d.to_str())
    {
        return dir.to_owned();
    }
    stem.to_owned()
}

/// Environment as pairs, from the map form or the `KEY=VALUE` list form.
fn environment(spec: &Map<String, Value>) -> Vec<(String, String)> {
    match spec.get("environment") {
        Some(Value::Object(map)) => {
            map.iter().map(|(k, v)| (k.clone(), values::scalar(v).unwrap_or_default())).collect()
        }
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(|item| match item.split_once('=') {
                Some((k, v)) => (k.trim().to_owned(), v.to_owned()),
                None => (item.trim().to_owned(), String::new()),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The first container port (from `ports` or `expose`) and whether any port
/// is published on the host.
fn ports(spec: &Map<String, Value>) -> (Option<u16>, bool) {
    let mut container = None;
    let mut published = false;
    for p in spec.get("ports").and_then(Value::as_array).into_iter().flatten() {
        let (target, is_published) = match p {
            Value::Object(long) => (long.get("target").and_then(values::uint), long.contains_key("published")),
            other => {
                let Some(text) = values::scalar(other) else { continue };
                // [host_ip:][host_port:]container_port[/protocol]; ranges keep their first port.
                let no_proto = text.split('/').next().unwrap_or(&text);
                let last = no_proto.rsplit(':').next().unwrap_or(no_proto);
                let first_port = last.split('-').next().unwrap_or(last);
                (first_port.trim().parse::<u64>().ok(), no_proto.contains(':'))
            }
        };
        published |= is_published;
        if container.is_none() {
            container = target.and_then(|t| u16::try_from(t).ok());
        }
    }
    if container.is_none() {
        container = spec
            .get("expose")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .and_then(values::scalar)
            .and_then(|s| s.split(['/', '-']).next().and_then(|p| p.trim().parse().ok()));
    }
    (container, published)
}

/// An HTTP healthcheck path from a `curl`/`wget` test against localhost.
fn http_healthcheck(h: &Value) -> Option<Healthcheck> {
    let test = match h.get("test")? {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
        _ => return None,
    };
    let start = test.find("http://localhost").or_else(|| test.find("http://127.0.0.1"))?;
    let url = test[start..].split_whitespace().next()?.trim_matches(|c| c == '"' || c == '\'');
    let after_scheme = url.strip_prefix("http://")?;
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let interval_s = h.get("interval").and_then(Value::as_str).and_then(values::duration_s).unwrap_or(10.0);
    Some(Healthcheck { path: path.to_owned(), interval_s })
}
