//! docker-compose.yml → design. Variables (`${VAR:-default}`, `$$`) are
//! resolved first ([`interpolate`]), override files merged into the base as
//! Compose merges them ([`merge`]). Services become nodes (kinds from their
//! images, environment and ports; agents and dashboards left out),
//! `depends_on` (short and long syntax), `links` and dependency addresses in
//! the environment (list and map forms) become edges — health-check URLs
//! do not; `deploy.replicas` (or the legacy `scale`), ports, healthchecks and
//! resource reservations are carried over. A service whose environment
//! registers it with a registry gets its discovery instead of an edge.
//! Anchors, merge keys and `x-` extensions are resolved by the YAML reader
//! before this module looks.

pub(super) mod interpolate;
pub(super) mod merge;
mod service;

use std::collections::BTreeMap;

use crate::msg;
use serde_json::{Map, Value};

use super::build::{Builder, Declared};
use super::{ImportError, ImportFormat};
use super::{discovery, values};
use crate::Design;
use crate::model::NodeKind;
use service::{environment, http_healthcheck, ports};

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

pub(super) fn import(docs: &[Value], file: &str) -> Result<(Design, Vec<crate::message::Message>), ImportError> {
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
        b.note(msg!("engine-import-first-document", "only the first YAML document was read"));
    }
    note_unmapped_top_level(&mut b, doc);
    let aliases = aliases(services);
    let entries = add_nodes(&mut b, services);
    for (svc, spec) in services {
        if b.design.node(svc).is_some() {
            connect_service(&mut b, svc, spec, &aliases);
        }
    }
    Ok(b.finish(&entries))
}

fn note_unmapped_top_level(b: &mut Builder, doc: &Value) {
    let Some(top) = doc.as_object() else { return };
    let unmapped: Vec<&str> = top
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "services" | "name" | "version") && !k.starts_with("x-"))
        .collect();
    if !unmapped.is_empty() {
        let keys = unmapped.join(", ");
        b.note(msg!("engine-import-top-level-unmapped", "top-level {keys} not mapped", keys = keys));
    }
}

/// Every name a container is reachable under → its service: the service
/// name, `container_name`, `hostname` and network aliases, each also by its
/// first DNS label (`api.internal` answers to `api.internal` and `api`).
fn aliases(services: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |alias: &str, svc: &str| {
        aliases.insert(alias.to_ascii_lowercase(), svc.to_owned());
        if let Some((first, _)) = alias.split_once('.') {
            aliases.entry(first.to_ascii_lowercase()).or_insert_with(|| svc.to_owned());
        }
    };
    for (svc, spec) in services {
        add(svc, svc);
        for key in ["container_name", "hostname"] {
            if let Some(alias) = spec.get(key).and_then(Value::as_str) {
                add(alias, svc);
            }
        }
        if let Some(nets) = spec.get("networks").and_then(Value::as_object) {
            for net in nets.values() {
                for alias in
                    net.get("aliases").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
                {
                    add(alias, svc);
                }
            }
        }
    }
    aliases
}

/// The service a host name reaches: the whole name, then its first label.
fn resolve<'a>(aliases: &'a BTreeMap<String, String>, host: &str) -> Option<&'a String> {
    let host = host.to_ascii_lowercase();
    aliases.get(&host).or_else(|| aliases.get(host.split('.').next().unwrap_or(&host)))
}

/// One node per service (agents and dashboards left out); returns the
/// services that publish a port.
fn add_nodes(b: &mut Builder, services: &Map<String, Value>) -> Vec<String> {
    let mut entries = Vec::new();
    for (svc, spec) in services {
        let empty = Map::new();
        let spec_map = spec.as_object().unwrap_or(&empty);
        let image = spec_map.get("image").and_then(Value::as_str);
        let env = environment(spec_map);
        let (container_ports, published) = ports(spec_map);
        let labels = service::pairs(spec_map.get("labels"));
        let label = |key: &str| labels.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let declared = Declared {
            name: label("switchboard.node"),
            kind: label("switchboard.kind"),
            kind_label: "switchboard.kind",
            group: label("switchboard.group"),
        };
        let Some(mut node) = b.node_declared(svc, image, &env, &container_ports, &declared) else { continue };
        if image.is_none() {
            b.note(if spec_map.contains_key("build") {
                msg!(
                    "engine-import-built-no-image",
                    "{svc}: built from source, no image: set deployment.image before exporting",
                    svc = svc
                )
            } else {
                msg!("engine-import-no-image", "{svc}: no image", svc = svc)
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
        let env_port = env.iter().find(|(k, _)| k == "PORT").and_then(|(_, v)| v.parse::<u16>().ok());
        let infra_port = node.preset.as_deref().and_then(crate::export::infra::by_preset).map(|i| i.port);
        node.deployment.port = container_ports.first().copied().or(env_port).or(infra_port);
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
            let keys = unmapped.join(", ");
            b.note(msg!("engine-import-service-unmapped", "{svc}: {keys} not mapped", svc = svc, keys = keys));
        }
        b.design.nodes.push(node);
    }
    entries
}

/// A service's discovery and its dependencies: `depends_on`, `links` and
/// addresses in its environment (health-check URLs and registries aside).
fn connect_service(b: &mut Builder, svc: &str, spec: &Value, aliases: &BTreeMap<String, String>) {
    let empty = Map::new();
    let spec_map = spec.as_object().unwrap_or(&empty);
    let env = environment(spec_map);
    // Registries are talked to for discovery, not called as a step.
    let registries = discovery::registries(&env, |host| {
        resolve(aliases, host).filter(|t| b.design.node(t).is_some_and(|n| n.kind == NodeKind::Registry)).cloned()
    });
    if let Some(registry) = registries.first() {
        let healthcheck = spec_map.get("healthcheck").map_or((None, None), |h| {
            let interval_s = h.get("interval").and_then(Value::as_str).and_then(values::duration_s);
            let retries = h.get("retries").and_then(values::uint).and_then(|r| u32::try_from(r).ok());
            (interval_s, retries)
        });
        if let Some(d) = discovery::discovery(&env, registry, healthcheck) {
            let mode = d.mode.as_str();
            b.note(msg!(
                "engine-import-registers",
                "{svc}: registers with `{registry}` ({mode} discovery)",
                svc = svc,
                registry = registry,
                mode = mode
            ));
            if let Some(node) = b.design.nodes.iter_mut().find(|n| n.id == svc) {
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
    let mut health_urls: Vec<&str> = Vec::new();
    for (key, value) in &env {
        if discovery::is_registry_address_key(key) || (!values::is_address_key(key) && !value.contains("://")) {
            continue;
        }
        if values::is_health_check(key, value) {
            health_urls.push(key);
            continue;
        }
        targets.extend(values::full_hosts(value).iter().filter_map(|h| resolve(aliases, h)).cloned());
    }
    if !health_urls.is_empty() {
        let urls = health_urls.join(", ");
        b.note(msg!(
            "engine-import-health-urls",
            "{svc}: health-check URLs ({urls}) are probes, not per-request calls",
            svc = svc,
            urls = urls
        ));
    }
    targets.retain(|t| resolve(aliases, t).is_none_or(|t| !registries.contains(t)));
    for target in targets {
        match resolve(aliases, &target).cloned() {
            Some(t) => {
                b.connect(svc, &t);
            }
            None => b.note(msg!(
                "engine-import-depends-unknown",
                "{svc}: depends on `{target}`, which is not a service here",
                svc = svc,
                target = target
            )),
        }
    }
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
