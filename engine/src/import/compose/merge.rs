//! Merging Compose files as `docker compose -f base.yml -f override.yml`
//! does (the compose-spec merge rules): mappings merge key by key, the later
//! file winning; sequences append — except `command`, `entrypoint` and
//! `healthcheck.test`, which the later file replaces, and `ports`,
//! `volumes`, `secrets` and `configs`, kept unique (by the whole port
//! entry, by target otherwise); `environment`, `labels` and `depends_on`
//! merge as mappings whichever form (list or map) each file uses.

use serde_json::{Map, Value};

/// Merge `over` into `base`.
pub(crate) fn merge(base: &mut Value, over: Value) {
    merge_at(base, over, &[]);
}

fn merge_at(base: &mut Value, over: Value, path: &[&str]) {
    let in_service = path.len() >= 2 && path.first() == Some(&"services");
    let key = path.last().copied().unwrap_or("");
    if in_service && path.len() == 3 && matches!(key, "environment" | "labels" | "depends_on" | "extra_hosts") {
        let mut merged = as_mapping(base);
        for (k, v) in as_mapping(&over) {
            match merged.get_mut(&k) {
                Some(existing) if existing.is_object() && v.is_object() => merge_at(existing, v, &[]),
                _ => {
                    merged.insert(k, v);
                }
            }
        }
        *base = Value::Object(merged);
        return;
    }
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                let mut child_path: Vec<&str> = path.to_vec();
                child_path.push(&k);
                match b.get_mut(&k) {
                    Some(existing) => merge_at(existing, v, &child_path),
                    None => {
                        b.insert(k.clone(), v);
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(o)) => {
            let replaces =
                in_service && (matches!(key, "command" | "entrypoint") || path.ends_with(&["healthcheck", "test"]));
            if replaces {
                *b = o;
            } else if in_service && path.len() == 3 && matches!(key, "ports" | "volumes" | "secrets" | "configs") {
                for item in o {
                    let id = unique_key(key, &item);
                    b.retain(|existing| unique_key(key, existing) != id);
                    b.push(item);
                }
            } else {
                b.extend(o);
            }
        }
        (b, o) => *b = o,
    }
}

/// The uniqueness key of a port (the whole entry) or a mount (its target).
fn unique_key(key: &str, item: &Value) -> String {
    if key == "ports" {
        return match item {
            Value::Object(m) => ["host_ip", "target", "published", "protocol"]
                .iter()
                .map(|k| m.get(*k).map(Value::to_string).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("|"),
            other => other.to_string(),
        };
    }
    match item {
        Value::Object(m) => m.get("target").map(Value::to_string).unwrap_or_default(),
        // `source:target[:mode]` or a bare `target`.
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            (if parts.len() >= 2 { parts.get(1) } else { parts.first() }).copied().unwrap_or("").to_owned()
        }
        other => other.to_string(),
    }
}

/// A list form (`KEY=VALUE`, `name`) or a mapping, as a mapping.
fn as_mapping(v: &Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.clone(),
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .map(|item| match item.split_once('=') {
                Some((k, val)) => (k.trim().to_owned(), Value::String(val.to_owned())),
                None => (item.trim().to_owned(), Value::Null),
            })
            .collect(),
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn compose_merge_rules() {
        let mut base = json!({"services": {"api": {
            "image": "shop/api:1", "command": ["serve"], "ports": ["8080:8080"],
            "environment": ["A=1", "B=2"], "depends_on": ["db"], "dns": ["1.1.1.1"]
        }}});
        let over = json!({"services": {"api": {
            "image": "shop/api:2", "command": ["serve", "--debug"], "ports": ["8080:8080", "9090:9090"],
            "environment": {"B": "3", "C": "4"}, "depends_on": {"cache": {"condition": "service_started"}},
            "dns": ["8.8.8.8"]
        }, "cache": {"image": "redis:7"}}});
        merge(&mut base, over);
        let api = &base["services"]["api"];
        assert_eq!(api["image"], "shop/api:2");
        assert_eq!(api["command"], json!(["serve", "--debug"]));
        assert_eq!(api["ports"], json!(["8080:8080", "9090:9090"]));
        assert_eq!(api["environment"], json!({"A": "1", "B": "3", "C": "4"}));
        assert_eq!(api["depends_on"].as_object().map(Map::len), Some(2));
        assert_eq!(api["dns"], json!(["1.1.1.1", "8.8.8.8"]));
        assert_eq!(base["services"]["cache"]["image"], "redis:7");
    }
}
