//! Service-registry lookups as HTTP clients make them: the URL a Consul or
//! Eureka client asks for a service's instances, written on the lookup's
//! CLIENT span as `url.full` (registries are not traced themselves, so the
//! CLIENT span is all a trace shows of a lookup), and read back to tell a
//! lookup from a call.
//!
//! Consul: `GET /v1/health/service/<service>` (or `/v1/catalog/service/`).
//! Eureka: `GET /eureka/apps/<APP>` (or `/eureka/v2/apps/`). etcd's and
//! ZooKeeper's clients speak gRPC or their own protocol and are not
//! recognised.

/// Paths under which registries list a service's instances.
const PREFIXES: [&str; 4] = ["/v1/health/service/", "/v1/catalog/service/", "/eureka/apps/", "/eureka/v2/apps/"];

/// The URL a client of a `preset` registry (`consul`, `eureka`; others are
/// asked the Consul way) at `host` fetches `service`'s instances from.
#[must_use]
pub fn lookup_url(preset: Option<&str>, host: &str, service: &str) -> String {
    match preset {
        Some("eureka") => format!("http://{host}:8761/eureka/apps/{}", service.to_uppercase()),
        _ => format!("http://{host}:8500/v1/health/service/{service}?passing=1"),
    }
}

/// The service a registry lookup URL asks for, else `None` (not a lookup).
#[must_use]
pub fn looked_up_service(url: &str) -> Option<&str> {
    // The path: after the scheme and authority, before the query.
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').and_then(|i| rest.get(i..))?;
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let name = PREFIXES.iter().find_map(|p| path.strip_prefix(p))?;
    let name = name.trim_end_matches('/');
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_url_names_its_service_and_other_urls_do_not() {
        assert_eq!(looked_up_service(&lookup_url(Some("consul"), "consul", "pricing")), Some("pricing"));
        assert_eq!(looked_up_service(&lookup_url(None, "reg", "pricing")), Some("pricing"));
        assert_eq!(looked_up_service(&lookup_url(Some("eureka"), "eureka", "pricing")), Some("PRICING"));
        assert_eq!(looked_up_service("http://c:8500/v1/catalog/service/a/"), Some("a"));
        assert_eq!(looked_up_service("http://c:8500/v1/kv/config"), None);
        assert_eq!(looked_up_service("http://shop/api/orders"), None);
        assert_eq!(looked_up_service("http://c:8500/v1/health/service/"), None);
    }
}
