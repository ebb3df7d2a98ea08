//! Istio isotope service graphs → design. Each service becomes a node with
//! its replicas (`numReplicas`) and error rate (`errorRate`); its script
//! becomes ordered call edges, a nested list of steps running concurrently
//! (one parallel group); `sleep` steps become the service time. Defaults
//! (`defaults:`) apply to every service that does not override them, as in
//! isotope itself. Entry points (`isEntrypoint`) are fed by a client.

use serde_json::Value;

use super::build::Builder;
use super::values;
use super::{ImportError, ImportFormat};
use crate::Design;
use crate::model::{Distribution, Node, NodeKind};
use crate::msg;

/// A script step's calls and its sleep, in milliseconds.
struct Step {
    calls: Vec<(String, Option<u64>)>,
    sleep_ms: f64,
}

fn shape(file: &str, reason: impl Into<String>) -> ImportError {
    ImportError::Shape { file: file.to_owned(), format: ImportFormat::Isotope, reason: reason.into() }
}

#[allow(clippy::too_many_lines, reason = "services, then their scripts")]
pub(super) fn import(docs: &[Value], file: &str) -> Result<(Design, Vec<crate::message::Message>), ImportError> {
    let doc = docs.first().ok_or_else(|| shape(file, "the file is empty"))?;
    let defaults = doc.get("defaults").or_else(|| doc.get("default")).cloned().unwrap_or(Value::Null);
    // The list form (`- name: a`) and the older map form (`a: {...}`).
    let services: Vec<(String, Value)> = match doc.get("services") {
        Some(Value::Array(list)) => {
            list.iter().filter_map(|s| Some((s.get("name").and_then(values::scalar)?, s.clone()))).collect()
        }
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => return Err(shape(file, "no `services` list")),
    };
    if services.is_empty() {
        return Err(shape(file, "`services` is empty"));
    }
    let mut b = Builder::new(&super::compose::design_name(file));
    if let Some(d) = defaults.as_object() {
        let unmapped: Vec<&str> = d
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "type" | "numReplicas" | "errorRate" | "requestSize" | "script" | "responseSize"))
            .collect();
        if !unmapped.is_empty() {
            let keys = unmapped.join(", ");
            b.note(msg!("engine-import-isotope-defaults-unmapped", "defaults {keys} not mapped", keys = keys));
        }
    }
    let field = |svc: &Value, key: &str| svc.get(key).filter(|v| !v.is_null()).or_else(|| defaults.get(key)).cloned();
    let default_request_bytes = defaults.get("requestSize").and_then(values::scalar).and_then(|s| values::bytes(&s));

    let mut entries = Vec::new();
    let mut grpc = false;
    let mut response_sizes = false;
    let mut scripts: Vec<(String, Value)> = Vec::new();
    for (name, svc) in &services {
        if b.design.node(name).is_some() {
            b.note(msg!(
                "engine-import-isotope-listed-twice",
                "{name}: listed twice, the second was skipped",
                name = name
            ));
            continue;
        }
        let mut node = Node::new(name.clone(), name.clone(), NodeKind::Service);
        if let Some(r) = field(svc, "numReplicas").as_ref().and_then(values::uint).and_then(|r| u32::try_from(r).ok()) {
            node.capacity.replicas = r.max(1);
        }
        if let Some(v) = field(svc, "errorRate") {
            match values::fraction(&v) {
                Some(p) => node.error_probability = p,
                None => b.note(msg!(
                    "engine-import-isotope-error-rate",
                    "{name}: errorRate {v} is not a percentage",
                    name = name,
                    v = v
                )),
            }
        }
        grpc |= field(svc, "type").and_then(|t| t.as_str().map(str::to_owned)).is_some_and(|t| t == "grpc");
        response_sizes |= field(svc, "responseSize").is_some();
        node.group = svc.get("namespace").and_then(Value::as_str).map(str::to_owned);
        if svc.get("isEntrypoint").and_then(Value::as_bool) == Some(true) {
            entries.push(name.clone());
        }
        let unmapped: Vec<&str> = svc
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
            .map(String::as_str)
            .filter(|k| {
                !matches!(
                    *k,
                    "name"
                        | "type"
                        | "numReplicas"
                        | "errorRate"
                        | "script"
                        | "isEntrypoint"
                        | "namespace"
                        | "responseSize"
                )
            })
            .collect();
        if !unmapped.is_empty() {
            let keys = unmapped.join(", ");
            b.note(msg!("engine-import-service-unmapped", "{svc}: {keys} not mapped", svc = name, keys = keys));
        }
        scripts.push((name.clone(), field(svc, "script").unwrap_or(Value::Null)));
        b.design.nodes.push(node);
    }

    let mut without_script: Vec<&str> = Vec::new();
    for (name, script) in &scripts {
        if script.as_array().is_none_or(Vec::is_empty) {
            // isotope answers at once; the design's default keeps the node
            // doing some work, and the placeholder list says it is invented.
            without_script.push(name);
            continue;
        }
        b.measured.insert(name.clone());
        let mut steps = Vec::new();
        for raw in script.as_array().into_iter().flatten() {
            match raw {
                Value::Array(concurrent) => {
                    let mut step = Step { calls: Vec::new(), sleep_ms: 0.0 };
                    for cmd in concurrent {
                        let one = command(cmd, default_request_bytes, name, &mut b.notes);
                        step.calls.extend(one.calls);
                        // Concurrent sleeps overlap: the longest one counts.
                        step.sleep_ms = step.sleep_ms.max(one.sleep_ms);
                    }
                    steps.push(step);
                }
                other => steps.push(command(other, default_request_bytes, name, &mut b.notes)),
            }
        }
        // Summed from +0.0: an empty float sum is -0.0, which a design file would show.
        let sleep_ms: f64 = steps.iter().fold(0.0, |total, s| total + s.sleep_ms);
        let sleep_after_call = steps
            .iter()
            .enumerate()
            .any(|(i, s)| s.sleep_ms > 0.0 && steps.iter().take(i).any(|p| !p.calls.is_empty()));
        if sleep_after_call {
            b.note(msg!(
                "engine-import-isotope-sleeps",
                "{name}: sleeps between calls are added to the service time, which runs before the calls",
                name = name
            ));
        }
        if let Some(node) = b.design.nodes.iter_mut().find(|n| &n.id == name) {
            node.service_time = Distribution::Constant { value_ms: sleep_ms };
        }
        let mut order = 0_u32;
        for (i, step) in steps.iter().enumerate() {
            if step.calls.is_empty() {
                continue;
            }
            let group = (step.calls.len() > 1).then(|| format!("step-{}", i + 1));
            for (target, size) in &step.calls {
                if b.design.node(target).is_none() {
                    b.note(msg!(
                        "engine-import-isotope-call-unknown",
                        "{name}: calls `{target}`, which is not in the graph",
                        name = name,
                        target = target
                    ));
                    continue;
                }
                let Some(e) = b.connect(name, target) else {
                    b.note(msg!(
                        "engine-import-isotope-call-twice",
                        "{name}: calls `{target}` more than once; one edge kept",
                        name = name,
                        target = target
                    ));
                    continue;
                };
                if let Some(edge) = b.design.edges.get_mut(e) {
                    edge.order = order;
                    edge.parallel_group.clone_from(&group);
                    edge.payload_bytes = *size;
                }
            }
            order += 1;
        }
    }
    if grpc {
        b.note(msg!(
            "engine-import-isotope-grpc",
            "gRPC services are modelled as calls like HTTP ones (the protocol is not part of a design)"
        ));
    }
    if response_sizes {
        b.note(msg!(
            "engine-import-isotope-response-size",
            "responseSize is not modelled (request sizes became payload sizes)"
        ));
    }
    if !without_script.is_empty() {
        let services = without_script.join(", ");
        b.note(msg!("engine-import-isotope-no-script", "{services} without a script: isotope answers at once; their service time is a placeholder (the default, exponential with mean 10 ms)", services = services));
    }
    Ok(b.finish(&entries))
}

/// One script command: `sleep: 10ms`, `call: b` or `call: {service: b, size: 1KB}`.
fn command(cmd: &Value, default_size: Option<u64>, service: &str, notes: &mut Vec<crate::message::Message>) -> Step {
    let mut step = Step { calls: Vec::new(), sleep_ms: 0.0 };
    let Some(map) = cmd.as_object() else {
        notes.push(msg!(
            "engine-import-isotope-not-command",
            "{service}: script step {cmd} is not a command",
            service = service,
            cmd = cmd
        ));
        return step;
    };
    for (key, value) in map {
        match key.as_str() {
            "sleep" => match value.as_str().and_then(values::duration_s) {
                Some(s) => step.sleep_ms += s * 1000.0,
                None => notes.push(msg!(
                    "engine-import-isotope-bad-sleep",
                    "{service}: sleep {value} is not a duration; left out",
                    service = service,
                    value = value
                )),
            },
            "call" => {
                let (target, size) = match value {
                    Value::String(s) => (Some(s.clone()), default_size),
                    Value::Object(c) => (
                        c.get("service").and_then(values::scalar),
                        c.get("size").and_then(values::scalar).and_then(|s| values::bytes(&s)).or(default_size),
                    ),
                    _ => (None, None),
                };
                match target {
                    Some(t) => step.calls.push((t, size)),
                    None => notes.push(msg!(
                        "engine-import-isotope-call-no-service",
                        "{service}: call {value} names no service",
                        service = service,
                        value = value
                    )),
                }
            }
            other => notes.push(msg!(
                "engine-import-isotope-command-unmapped",
                "{service}: script command `{other}` is not mapped",
                service = service,
                other = other
            )),
        }
    }
    step
}
