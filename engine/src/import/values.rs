//! Reading loosely typed YAML: bounded parsing, and the small parsers every
//! importer needs (durations, sizes, CPU and memory quantities, addresses).

use serde_json::Value;

use super::{ImportError, MAX_INPUT_BYTES};

/// Parse every YAML document of a text (JSON is YAML too), with bounds on
/// alias expansion so a hostile file cannot exhaust memory.
pub(super) fn parse_documents(text: &str, file: &str) -> Result<Vec<Value>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_INPUT_BYTES {
        return Err(ImportError::Parse {
            file: file.to_owned(),
            line_col: None,
            message: format!("more than {MAX_INPUT_BYTES} bytes"),
        });
    }
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 200_000;
    alias_limits.max_replay_stack_depth = 16;
    alias_limits.max_alias_expansions_per_anchor = 1_000;
    // A Kubernetes export of a few hundred nodes has more than the default
    // 1,024 documents; the byte limit above still bounds the work.
    let options = serde_saphyr::options! {
        alias_limits: alias_limits,
        budget: serde_saphyr::budget! { max_documents: 50_000 },
    };
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options).map_err(|e| {
        let line_col = e.location().map(|l| (l.line() as usize, l.column() as usize));
        let message = e.to_string();
        ImportError::Parse {
            file: file.to_owned(),
            line_col,
            message: message.lines().next().unwrap_or(&message).to_owned(),
        }
    })?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// A scalar as text (numbers and booleans too), `None` for maps, lists, null.
pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A whole number from a number or a numeric string.
pub(super) fn uint(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => {
            n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A Go/Compose duration (`10s`, `1m30s`, `500ms`, `1.5s`, `2h`) in seconds;
/// a bare number is seconds.
pub(super) fn duration_s(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(v) = t.parse::<f64>() {
        return Some(v);
    }
    let mut total = 0.0;
    let mut rest = t;
    let mut any = false;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * scale;
        any = true;
    }
    any.then_some(total)
}

/// A byte size (`1 KB`, `10K`, `16KiB`, `512`) in bytes. Isotope reads `K`
/// and `KB` as 1024, as its own parser does.
pub(super) fn bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let value: f64 = t[..split].trim().parse().ok()?;
    let unit = t[split..].trim().to_ascii_lowercase();
    let scale = match unit.as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let b = (value * scale).round();
    (b.is_finite() && b >= 0.0).then_some(b as u64)
}

/// A CPU quantity (`0.5`, `500m`, `2`) in millicores.
pub(super) fn millicores(text: &str) -> Option<u32> {
    let t = text.trim();
    let m = if let Some(m) = t.strip_suffix('m') { m.parse::<f64>().ok()? } else { t.parse::<f64>().ok()? * 1000.0 };
    let m = m.round();
    (m.is_finite() && m > 0.0 && m <= f64::from(u32::MAX)).then_some(m as u32)
}

/// A memory quantity (`512M`, `1g`, `256Mi`, `1Gi`, `536870912`) in MiB.
pub(super) fn mebibytes(text: &str) -> Option<u32> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let value: f64 = t[..split].parse().ok()?;
    let unit = t[split..].trim().to_ascii_lowercase();
    let bytes = match unit.trim_end_matches('b') {
        "" => value,
        "k" | "ki" => value * 1024.0,
        "m" | "mi" => value * 1024.0 * 1024.0,
        "g" | "gi" => value * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let mib = (bytes / (1024.0 * 1024.0)).round();
    (mib.is_finite() && mib >= 1.0 && mib <= f64::from(u32::MAX)).then_some(mib as u32)
}

/// A percentage (`0.01%`, `5%`) or a fraction (`0.05`) as a fraction 0–1.
pub(super) fn fraction(v: &Value) -> Option<f64> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => match s.trim().strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().ok()? / 100.0,
            None => s.trim().parse().ok()?,
        },
        _ => return None,
    };
    (f.is_finite() && (0.0..=1.0).contains(&f)).then_some(f)
}

/// The host names an address mentions: `postgres://u:p@db:5432/x` → `db`,
/// `kafka-1:9092,kafka-2:9092` → both, `cart.shop.svc.cluster.local:7070` →
/// `cart`. Only the first DNS label is kept (Kubernetes appends namespaces).
pub(super) fn hosts(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for host in full_hosts(value) {
        let first = host.split('.').next().unwrap_or("").to_owned();
        if !first.is_empty() && !out.contains(&first) {
            out.push(first);
        }
    }
    out
}

/// The whole host names an address mentions, lower case:
/// `http://api.internal:8080/x` → `api.internal`.
pub(super) fn full_hosts(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Key/value DSNs: `host=db port=5432 ...`, `Server=sqldata;User Id=sa`:
    // only the host's key counts, every other word is not a host.
    let key_values = value.contains('=') && !value.contains("://");
    for part in value.split([',', ' ', ';']) {
        let mut p = part.trim();
        if p.is_empty() {
            continue;
        }
        if key_values {
            let Some((k, v)) = p.split_once('=') else { continue };
            if !matches!(k.trim().to_ascii_lowercase().as_str(), "host" | "server" | "datasource" | "addr" | "address")
            {
                continue;
            }
            p = v;
        }
        if let Some(i) = p.find("://") {
            p = &p[i + 3..];
        }
        if let Some(i) = p.find(['/', '?', '#']) {
            p = &p[..i];
        }
        if let Some(i) = p.rfind('@') {
            p = &p[i + 1..];
        }
        let host = if p.starts_with('[') { "" } else { p.split([':', ',']).next().unwrap_or("") };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if !host.is_empty() && !out.contains(&host) {
            out.push(host);
        }
    }
    out
}

/// Whether a variable holds a health-check URL (`OrderingUrlHC`,
/// `HealthChecksUI__HealthChecks__0__Uri`, `..._HEALTH_URL`, or a URL whose
/// path is `/health`, `/healthz`, `/hc`, ...): a probe, not a call a
/// request makes.
pub(super) fn is_health_check(key: &str, value: &str) -> bool {
    const PATHS: [&str; 9] =
        ["/hc", "/health", "/healthz", "/healthcheck", "/liveness", "/readiness", "/livez", "/readyz", "/ready"];
    let k = key.to_ascii_uppercase();
    let words: Vec<&str> = k.split(['_', '.', ':']).filter(|w| !w.is_empty()).collect();
    let key_says = k.contains("HEALTHCHECK")
        || k.contains("HEALTH_CHECK")
        || words.iter().any(|w| *w == "HC" || *w == "HEALTH")
        || (key.ends_with("HC")
            && key.len() > 2
            && key.as_bytes().get(key.len() - 3).is_some_and(u8::is_ascii_lowercase));
    let path = value.find("://").map_or(value, |i| &value[i + 3..]);
    let path = path.find('/').map_or("", |i| &path[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("").trim_end_matches('/').to_ascii_lowercase();
    key_says || PATHS.iter().any(|p| path == *p || path.ends_with(p))
}

/// Whether an environment variable probably holds another service's address.
pub(super) fn is_address_key(key: &str) -> bool {
    const SUFFIXES: [&str; 14] = [
        "_URL",
        "_URI",
        "_ADDR",
        "_ADDRESS",
        "_HOST",
        "_HOSTS",
        "_HOSTNAME",
        "_SERVER",
        "_SERVERS",
        "_BROKERS",
        "_DSN",
        "_ENDPOINT",
        "_SERVICE",
        "_BOOTSTRAP_SERVERS",
    ];
    let k = key.to_ascii_uppercase();
    SUFFIXES.iter().any(|s| k.ends_with(s))
        || k.ends_with("URL")
        || k.ends_with("CONNECTIONSTRING")
        || k.ends_with("CONNECTION")
        || k == "DATABASE_URL"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_s("10s"), Some(10.0));
        assert_eq!(duration_s("1m30s"), Some(90.0));
        assert_eq!(duration_s("500ms"), Some(0.5));
        assert_eq!(duration_s("3"), Some(3.0));
        assert_eq!(duration_s("soon"), None);
    }

    #[test]
    fn quantities() {
        assert_eq!(bytes("1 KB"), Some(1024));
        assert_eq!(bytes("10K"), Some(10240));
        assert_eq!(millicores("0.5"), Some(500));
        assert_eq!(millicores("250m"), Some(250));
        assert_eq!(mebibytes("512M"), Some(512));
        assert_eq!(mebibytes("1Gi"), Some(1024));
        assert_eq!(fraction(&Value::from("0.01%")), Some(0.0001));
    }

    #[test]
    fn hosts_in_addresses() {
        assert_eq!(hosts("postgres://app:secret@db:5432/app?sslmode=disable"), vec!["db"]);
        assert_eq!(hosts("kafka-1:9092,kafka-2:9092"), vec!["kafka-1", "kafka-2"]);
        assert_eq!(hosts("cartservice.shop.svc.cluster.local:7070"), vec!["cartservice"]);
        assert_eq!(hosts("redis"), vec!["redis"]);
        assert!(is_address_key("PRODUCT_CATALOG_SERVICE_ADDR"));
        assert!(!is_address_key("LOG_LEVEL"));
        assert_eq!(full_hosts("http://api.internal:8080/x"), vec!["api.internal"]);
        assert_eq!(hosts("Server=sqldata;Database=orders;User Id=sa"), vec!["sqldata"]);
    }

    #[test]
    fn health_check_urls() {
        assert!(is_health_check("OrderingUrlHC", "http://ordering-api/hc"));
        assert!(is_health_check("HealthChecksUI__HealthChecks__0__Uri", "http://webmvc/hc"));
        assert!(is_health_check("CATALOG_HEALTH_URL", "http://catalog:8080/status"));
        assert!(is_health_check("CATALOG_PROBE_URL", "http://catalog:8080/healthz"));
        assert!(!is_health_check("CATALOG_URL", "http://catalog:8080/api"));
        assert!(!is_health_check("ORDERS_URL", "http://orders:8080"));
    }
}
