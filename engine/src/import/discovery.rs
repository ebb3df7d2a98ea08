//! Service discovery from a workload's environment: the registry it talks to
//! (`CONSUL_HTTP_ADDR`, `ETCD_ENDPOINTS`, `EUREKA_CLIENT_SERVICEURL_DEFAULTZONE`,
//! `ZOOKEEPER_CONNECT`, `SERVICE_REGISTRY_ADDR` naming a registry service),
//! whether it registers there (registrator's `SERVICE_NAME` and
//! `SERVICE_CHECK_*`, Eureka's lease settings, or a Eureka client that does
//! not opt out), and its health check and client-side cache — the variables
//! the Compose export writes, so a design survives the round trip.

use super::values;
use crate::export::discovery::{ADDRESS_KEYS, CACHE_TTL_KEY, DEREGISTER_KEY, INTERVAL_KEY, MODE_KEY, NAME_KEY};
use crate::model::{Discovery, DiscoveryHealthCheck, DiscoveryMode};

/// Variables that say a workload registers itself (beyond the address).
const REGISTRATION_KEYS: [&str; 8] = [
    NAME_KEY,
    INTERVAL_KEY,
    DEREGISTER_KEY,
    MODE_KEY,
    "SERVICE_CHECK_HTTP",
    "SERVICE_CHECK_TCP",
    "EUREKA_INSTANCE_LEASERENEWALINTERVALINSECONDS",
    "EUREKA_INSTANCE_LEASEEXPIRATIONDURATIONINSECONDS",
];

/// Whether a variable holds a registry's address.
pub(super) fn is_registry_address_key(key: &str) -> bool {
    ADDRESS_KEYS.contains(&key.to_ascii_uppercase().as_str())
}

fn get<'a>(env: &'a [(String, String)], key: &str) -> Option<&'a str> {
    env.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.trim())
}

/// The registries a workload's environment names, as the names `resolve`
/// gives their hosts (only those it knows), first mention first.
pub(super) fn registries(env: &[(String, String)], resolve: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, value) in env.iter().filter(|(k, _)| is_registry_address_key(k)) {
        for host in values::hosts(value) {
            if let Some(target) = resolve(&host).filter(|t| !out.contains(t)) {
                out.push(target);
            }
        }
    }
    out
}

/// The discovery of a workload that talks to `registry`, when its
/// environment says it registers there (a workload that only holds the
/// address looks others up). `healthcheck` is the container healthcheck's
/// (interval in seconds, retries), used when the variables are absent.
pub(super) fn discovery(
    env: &[(String, String)],
    registry: &str,
    healthcheck: (Option<f64>, Option<u32>),
) -> Option<Discovery> {
    let eureka_client = get(env, "EUREKA_CLIENT_SERVICEURL_DEFAULTZONE").is_some()
        && !get(env, "EUREKA_CLIENT_REGISTERWITHEUREKA").is_some_and(|v| v.eq_ignore_ascii_case("false"));
    let registers = eureka_client || REGISTRATION_KEYS.iter().any(|k| get(env, k).is_some());
    if !registers {
        return None;
    }
    let seconds = |key: &str| get(env, key).and_then(values::duration_s).filter(|s| s.is_finite() && *s > 0.0);
    let interval_s = seconds(INTERVAL_KEY)
        .or_else(|| seconds("EUREKA_INSTANCE_LEASERENEWALINTERVALINSECONDS"))
        .or(healthcheck.0.filter(|s| *s > 0.0));
    let removal_s = seconds(DEREGISTER_KEY).or_else(|| seconds("EUREKA_INSTANCE_LEASEEXPIRATIONDURATIONINSECONDS"));
    let mut health_check = DiscoveryHealthCheck::default();
    if let Some(i) = interval_s {
        health_check.interval_s = i;
    }
    let failures = match removal_s {
        Some(r) => {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped count")]
            let n = (r / health_check.interval_s).round().clamp(1.0, 1.0e6) as u32;
            Some(n)
        }
        None => healthcheck.1,
    };
    if let Some(n) = failures {
        health_check.failures_before_removal = n.max(1);
    }
    let client = get(env, MODE_KEY).is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m == "client" || m == "client_side" || m == "client-side"
    });
    let mut d = Discovery {
        mode: if client { DiscoveryMode::ClientSide } else { DiscoveryMode::ServerSide },
        registry: Some(registry.to_owned()),
        health_check,
        ..Discovery::default()
    };
    if let Some(ttl) = get(env, CACHE_TTL_KEY).and_then(values::duration_s).filter(|s| s.is_finite() && *s >= 0.0) {
        d.cache_ttl_s = ttl;
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn registration_variables_give_the_discovery() {
        let e = env(&[
            ("CONSUL_HTTP_ADDR", "consul:8500"),
            ("SERVICE_NAME", "pricing"),
            ("SERVICE_CHECK_INTERVAL", "5s"),
            ("SERVICE_CHECK_DEREGISTER_AFTER", "20s"),
            ("DISCOVERY_MODE", "client"),
            ("DISCOVERY_CACHE_TTL", "15s"),
        ]);
        assert_eq!(registries(&e, |h| (h == "consul").then(|| "reg".to_owned())), vec!["reg"]);
        let d = discovery(&e, "reg", (None, None)).unwrap();
        assert_eq!(d.mode, DiscoveryMode::ClientSide);
        assert_eq!(d.registry.as_deref(), Some("reg"));
        assert!((d.health_check.interval_s - 5.0).abs() < 1e-12);
        assert_eq!(d.health_check.failures_before_removal, 4);
        assert!((d.cache_ttl_s - 15.0).abs() < 1e-12);
    }

    #[test]
    fn an_address_alone_is_a_lookup_not_a_registration() {
        let e = env(&[("CONSUL_HTTP_ADDR", "consul:8500")]);
        assert!(discovery(&e, "consul", (None, None)).is_none());
        // A Eureka client registers unless it opts out.
        let eureka = env(&[("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE", "http://eureka:8761/eureka/")]);
        let d = discovery(&eureka, "eureka", (Some(20.0), Some(2))).unwrap();
        assert_eq!(d.mode, DiscoveryMode::ServerSide);
        assert!((d.health_check.interval_s - 20.0).abs() < 1e-12);
        assert_eq!(d.health_check.failures_before_removal, 2);
        let consumer = env(&[
            ("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE", "http://eureka:8761/eureka/"),
            ("EUREKA_CLIENT_REGISTERWITHEUREKA", "false"),
        ]);
        assert!(discovery(&consumer, "eureka", (None, None)).is_none());
    }
}
