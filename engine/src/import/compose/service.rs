//! Reading one Compose service: its environment (map and list forms), its
//! ports (short and long syntax, `expose`) and its HTTP healthcheck.

use serde_json::{Map, Value};

use super::super::values;
use crate::model::Healthcheck;

/// Environment as pairs, from the map form or the `KEY=VALUE` list form.
pub(super) fn environment(spec: &Map<String, Value>) -> Vec<(String, String)> {
    pairs(spec.get("environment"))
}

/// A mapping or a `KEY=VALUE` list (environment, labels) as pairs.
pub(super) fn pairs(value: Option<&Value>) -> Vec<(String, String)> {
    match value {
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

/// The container ports (from `ports`, then `expose`), first first, and
/// whether any port is published on the host.
pub(super) fn ports(spec: &Map<String, Value>) -> (Vec<u16>, bool) {
    let mut container: Vec<u16> = Vec::new();
    let mut published = false;
    for p in spec.get("ports").and_then(Value::as_array).into_iter().flatten() {
        let (target, is_published) = match p {
            // Every `ports` entry publishes: one without a host port (`"8080"`,
            // or the long form without `published`, as for several replicas)
            // gets an ephemeral one.
            Value::Object(long) => (long.get("target").and_then(values::uint), true),
            other => {
                let Some(text) = values::scalar(other) else { continue };
                // [host_ip:][host_port:]container_port[/protocol]; ranges keep their first port.
                let no_proto = text.split('/').next().unwrap_or(&text);
                let last = no_proto.rsplit(':').next().unwrap_or(no_proto);
                let first_port = last.split('-').next().unwrap_or(last);
                (first_port.trim().parse::<u64>().ok(), true)
            }
        };
        published |= is_published;
        if let Some(port) = target.and_then(|t| u16::try_from(t).ok()).filter(|p| !container.contains(p)) {
            container.push(port);
        }
    }
    for e in spec.get("expose").and_then(Value::as_array).into_iter().flatten().filter_map(values::scalar) {
        if let Some(port) =
            e.split(['/', '-']).next().and_then(|p| p.trim().parse().ok()).filter(|p| !container.contains(p))
        {
            container.push(port);
        }
    }
    (container, published)
}

/// An HTTP healthcheck path from a `curl`/`wget` test against localhost.
pub(super) fn http_healthcheck(h: &Value) -> Option<Healthcheck> {
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
