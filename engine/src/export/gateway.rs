//! Gateway configuration generated from the design. Stock `nginx` and
//! `envoyproxy/envoy` images read no environment: without a configuration
//! nginx serves its welcome page and Envoy proxies to its example upstream.
//! A gateway node therefore gets its real configuration — an nginx
//! `default.conf` (mounted over the image's in `/etc/nginx/conf.d`) or an
//! Envoy bootstrap (`/etc/envoy/envoy.yaml`) — listening on the design's
//! port, answering the design's health path itself, and routing one path
//! prefix to each HTTP service the gateway calls (everything to it when
//! there is one), with the call's timeout.
//!
//! The nginx text is written by a small writer: every name in it is a DNS
//! label and every path is checked to hold only URL path characters, so
//! nothing from the design can end a directive. The Envoy bootstrap is typed
//! and serialized like every other YAML export.

use serde::Serialize;

use super::map::Map;
use super::plan::{Plan, edge_subject};
use super::{ExportError, ExportFormat, Note, NoteKind};
use crate::model::{EdgeKind, NodeKind};

/// Health path answered when the design names none.
const DEFAULT_HEALTH_PATH: &str = "/healthz";
/// Envoy's admin port, bound to the pod's loopback only.
const ENVOY_ADMIN_PORT: u16 = 9901;

/// Which proxy a gateway runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Proxy {
    /// nginx: a server block in `conf.d`.
    Nginx,
    /// Envoy: a static bootstrap.
    Envoy,
}

/// One route: a path prefix to a service.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Route {
    /// Path prefix (`/` or `/NAME/`).
    pub prefix: String,
    /// Upstream host (a Service or Compose service name).
    pub host: String,
    /// Upstream port.
    pub port: u16,
    /// Upstream name in the configuration (the target's workload name).
    pub upstream: String,
    /// The call's overall timeout, milliseconds.
    pub timeout_ms: Option<f64>,
}

/// A gateway's generated configuration.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    /// File name inside the mounted directory.
    pub file_name: &'static str,
    /// Directory the file is mounted in (replacing the image's own).
    pub mount_dir: &'static str,
    /// The file's text.
    pub text: String,
    /// The path the gateway answers health checks on.
    pub health_path: String,
}

impl Config {
    /// The full path of the mounted file.
    pub(crate) fn file_path(&self) -> String {
        format!("{}/{}", self.mount_dir, self.file_name)
    }
}

/// Whether a path is safe to write into a configuration unquoted.
fn plain_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() <= 200
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'))
}

/// The proxy a unit runs, when it is a gateway whose image the exporters
/// configure.
pub(crate) fn proxy_of(plan: &Plan<'_>, index: usize) -> Option<Proxy> {
    let unit = plan.units.get(index)?;
    if unit.node.kind != NodeKind::Gateway {
        return None;
    }
    match unit.infra()?.key {
        "nginx" => Some(Proxy::Nginx),
        "envoy" => Some(Proxy::Envoy),
        _ => None,
    }
}

/// The health path a configured gateway answers (the design's, or
/// `/healthz`).
pub(crate) fn health_path(plan: &Plan<'_>, index: usize) -> Option<String> {
    proxy_of(plan, index)?;
    let unit = plan.units.get(index)?;
    let path = unit
        .node
        .deployment
        .healthcheck
        .as_ref()
        .map(|h| if h.path.starts_with('/') { h.path.clone() } else { format!("/{}", h.path) });
    Some(path.filter(|p| plain_path(p)).unwrap_or_else(|| DEFAULT_HEALTH_PATH.to_owned()))
}

/// The configuration of gateway `index`, with `host_of` naming the address
/// each target is reached under (a Service, or its headless Service).
///
/// # Errors
/// When the Envoy bootstrap cannot be serialized.
pub(crate) fn config(
    plan: &Plan<'_>,
    index: usize,
    format: ExportFormat,
    host_of: &dyn Fn(usize) -> String,
    notes: &mut Vec<Note>,
) -> Result<Option<Config>, ExportError> {
    let (Some(proxy), Some(health_path), Some(unit)) =
        (proxy_of(plan, index), health_path(plan, index), plan.units.get(index))
    else {
        return Ok(None);
    };
    let design = plan.design;
    if let Some(h) = &unit.node.deployment.healthcheck
        && !health_path.ends_with(h.path.trim_start_matches('/'))
    {
        notes.push(Note::new(
            NoteKind::Placeholder,
            &unit.node.name,
            crate::msg!(
                "engine-export-gateway-health-path",
                "health path `{path}` has characters a proxy path cannot hold: {health_path} answers",
                path = &h.path,
                health_path = &health_path
            ),
        ));
    }
    let targets: Vec<usize> =
        unit.deps.iter().copied().filter(|&d| plan.units.get(d).is_some_and(super::plan::Unit::is_http)).collect();
    for &d in unit.deps.iter().filter(|d| !targets.contains(d)) {
        if let Some(t) = plan.units.get(d) {
            notes.push(Note::new(
                NoteKind::Unsupported,
                edge_subject(design, &unit.node.id, &t.node.id),
                crate::msg!(
                    "engine-export-gateway-not-http",
                    "not HTTP: the gateway's HTTP routes cannot carry it (its address is in the environment)"
                ),
            ));
        }
    }
    let single = targets.len() == 1;
    let routes: Vec<Route> = targets
        .iter()
        .filter_map(|&d| {
            let target = plan.units.get(d)?;
            // The design's timeout of the gateway's call to this target (the first edge's).
            let timeout_ms = design
                .edges
                .iter()
                .filter(|e| e.kind == EdgeKind::Call)
                .filter(|e| plan.owner_of(&e.from) == Some(index) && plan.owner_of(&e.to) == Some(d))
                .find_map(|e| e.policy.as_ref().and_then(|p| p.timeout_ms));
            Some(Route {
                prefix: if single { "/".to_owned() } else { format!("/{}/", target.name) },
                host: host_of(d),
                port: target.port,
                upstream: target.name.clone(),
                timeout_ms,
            })
        })
        .collect();
    notes.push(Note::new(
        if single || routes.is_empty() { NoteKind::Mapped } else { NoteKind::Placeholder },
        &unit.node.name,
        match routes.as_slice() {
            [] => crate::msg!(
                "engine-export-gateway-no-routes",
                "gateway configuration: listens on {port}, answers {health_path}; it calls no HTTP service",
                port = unit.port,
                health_path = &health_path
            ),
            [r] => crate::msg!(
                "engine-export-gateway-one-route",
                "gateway configuration: listens on {port}, answers {health_path}, proxies everything else to \
                 `{upstream}`",
                port = unit.port,
                health_path = &health_path,
                upstream = &r.upstream
            ),
            _ => crate::msg!(
                "engine-export-gateway-routes",
                "gateway configuration: listens on {port}, answers {health_path}, routes {routes} (the design has no \
                 paths: prefixes are the services' names, with the prefix stripped; change them to the API's)",
                port = unit.port,
                health_path = &health_path,
                routes = routes.iter().map(|r| format!("{} → {}", r.prefix, r.upstream)).collect::<Vec<_>>().join(", ")
            ),
        },
    ));
    if proxy == Proxy::Nginx {
        for r in routes.iter().filter(|r| r.host != r.upstream) {
            // nginx resolves an upstream's name once, when it loads.
            notes.push(Note::new(
                NoteKind::Approximated,
                &unit.node.name,
                crate::msg!(
                    "engine-export-gateway-nginx-resolves",
                    "nginx resolves `{host}` (the pods of `{upstream}`) when it starts: pods that come later are not \
                     used until it reloads (Envoy's STRICT_DNS cluster re-resolves)",
                    host = &r.host,
                    upstream = &r.upstream
                ),
            ));
        }
    }
    let (file_name, mount_dir, text) = match proxy {
        Proxy::Nginx => ("default.conf", "/etc/nginx/conf.d", nginx_conf(unit.port, &health_path, &routes)),
        Proxy::Envoy => {
            ("envoy.yaml", "/etc/envoy", super::yaml(format, &envoy_bootstrap(unit.port, &health_path, &routes))?)
        }
    };
    Ok(Some(Config { file_name, mount_dir, text, health_path }))
}

/// Milliseconds as an nginx time (`500ms`).
fn nginx_ms(ms: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped, rounded milliseconds")]
    let ms = ms.round().clamp(1.0, 1.0e9) as u64;
    format!("{ms}ms")
}

/// An nginx `conf.d` server: one upstream per target, the health location,
/// one location per route.
pub(crate) fn nginx_conf(port: u16, health_path: &str, routes: &[Route]) -> String {
    let mut out =
        String::from("# Generated by Switchboard from the design: one route per service the gateway calls.\n");
    for r in routes {
        out.push_str(&format!("upstream {} {{\n    server {}:{};\n}}\n\n", r.upstream, r.host, r.port));
    }
    out.push_str(&format!("server {{\n    listen {port};\n\n"));
    out.push_str(&format!(
        "    location = {health_path} {{\n        access_log off;\n        default_type text/plain;\n        return 200 \"ok\\n\";\n    }}\n"
    ));
    for r in routes {
        out.push_str(&format!("\n    location {} {{\n", r.prefix));
        // A trailing slash after the upstream strips the matched prefix.
        out.push_str(&format!("        proxy_pass http://{}/;\n", r.upstream));
        out.push_str("        proxy_http_version 1.1;\n");
        out.push_str("        proxy_set_header Host $host;\n");
        out.push_str("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n");
        if let Some(ms) = r.timeout_ms {
            let t = nginx_ms(ms);
            out.push_str(&format!("        proxy_connect_timeout {t};\n        proxy_read_timeout {t};\n"));
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

#[derive(Serialize)]
struct Bootstrap {
    admin: Admin,
    static_resources: StaticResources,
}

#[derive(Serialize)]
struct Admin {
    address: Address,
}

#[derive(Serialize)]
struct Address {
    socket_address: SocketAddress,
}

#[derive(Serialize)]
struct SocketAddress {
    address: String,
    port_value: u16,
}

#[derive(Serialize)]
struct StaticResources {
    listeners: Vec<Listener>,
    clusters: Vec<Cluster>,
}

#[derive(Serialize)]
struct Listener {
    name: &'static str,
    address: Address,
    filter_chains: Vec<FilterChain>,
}

#[derive(Serialize)]
struct FilterChain {
    filters: Vec<Filter>,
}

#[derive(Serialize)]
struct Filter {
    name: &'static str,
    typed_config: HttpConnectionManager,
}

#[derive(Serialize)]
struct HttpConnectionManager {
    #[serde(rename = "@type")]
    kind: &'static str,
    stat_prefix: &'static str,
    route_config: RouteConfig,
    http_filters: Vec<HttpFilter>,
}

#[derive(Serialize)]
struct HttpFilter {
    name: &'static str,
    typed_config: Map<&'static str>,
}

#[derive(Serialize)]
struct RouteConfig {
    name: &'static str,
    virtual_hosts: Vec<VirtualHost>,
}

#[derive(Serialize)]
struct VirtualHost {
    name: &'static str,
    domains: Vec<&'static str>,
    routes: Vec<EnvoyRoute>,
}

#[derive(Serialize)]
struct EnvoyRoute {
    #[serde(rename = "match")]
    matcher: RouteMatch,
    #[serde(skip_serializing_if = "Option::is_none")]
    route: Option<RouteAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direct_response: Option<DirectResponse>,
}

#[derive(Serialize)]
struct RouteMatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
}

#[derive(Serialize)]
struct RouteAction {
    cluster: String,
    prefix_rewrite: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<String>,
}

#[derive(Serialize)]
struct DirectResponse {
    status: u16,
    body: InlineBody,
}

#[derive(Serialize)]
struct InlineBody {
    inline_string: &'static str,
}

#[derive(Serialize)]
struct Cluster {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    connect_timeout: &'static str,
    lb_policy: &'static str,
    load_assignment: LoadAssignment,
}

#[derive(Serialize)]
struct LoadAssignment {
    cluster_name: String,
    endpoints: Vec<LocalityEndpoints>,
}

#[derive(Serialize)]
struct LocalityEndpoints {
    lb_endpoints: Vec<LbEndpoint>,
}

#[derive(Serialize)]
struct LbEndpoint {
    endpoint: Endpoint,
}

#[derive(Serialize)]
struct Endpoint {
    address: Address,
}

fn socket(address: &str, port_value: u16) -> Address {
    Address { socket_address: SocketAddress { address: address.to_owned(), port_value } }
}

/// An Envoy v3 static bootstrap: one listener on the design's port, the
/// health path answered directly, one route and one STRICT_DNS cluster (it
/// re-resolves the name, so new pods or containers are picked up) per target.
fn envoy_bootstrap(port: u16, health_path: &str, routes: &[Route]) -> Bootstrap {
    let mut envoy_routes = vec![EnvoyRoute {
        matcher: RouteMatch { path: Some(health_path.to_owned()), prefix: None },
        route: None,
        direct_response: Some(DirectResponse { status: 200, body: InlineBody { inline_string: "ok\n" } }),
    }];
    envoy_routes.extend(routes.iter().map(|r| EnvoyRoute {
        matcher: RouteMatch { path: None, prefix: Some(r.prefix.clone()) },
        route: Some(RouteAction {
            cluster: r.upstream.clone(),
            prefix_rewrite: "/",
            timeout: r.timeout_ms.map(super::istio::duration_ms),
        }),
        direct_response: None,
    }));
    let mut router = Map::new();
    router.push("@type", "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");
    Bootstrap {
        admin: Admin { address: socket("127.0.0.1", ENVOY_ADMIN_PORT) },
        static_resources: StaticResources {
            listeners: vec![Listener {
                name: "gateway",
                address: socket("0.0.0.0", port),
                filter_chains: vec![FilterChain {
                    filters: vec![Filter {
                        name: "envoy.filters.network.http_connection_manager",
                        typed_config: HttpConnectionManager {
                            kind: "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.\
                                   HttpConnectionManager",
                            stat_prefix: "gateway",
                            route_config: RouteConfig {
                                name: "gateway",
                                virtual_hosts: vec![VirtualHost {
                                    name: "gateway",
                                    domains: vec!["*"],
                                    routes: envoy_routes,
                                }],
                            },
                            http_filters: vec![HttpFilter { name: "envoy.filters.http.router", typed_config: router }],
                        },
                    }],
                }],
            }],
            clusters: routes
                .iter()
                .map(|r| Cluster {
                    name: r.upstream.clone(),
                    kind: "STRICT_DNS",
                    connect_timeout: "1s",
                    lb_policy: "ROUND_ROBIN",
                    load_assignment: LoadAssignment {
                        cluster_name: r.upstream.clone(),
                        endpoints: vec![LocalityEndpoints {
                            lb_endpoints: vec![LbEndpoint { endpoint: Endpoint { address: socket(&r.host, r.port) } }],
                        }],
                    },
                })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_end_a_directive_are_refused() {
        assert!(plain_path("/ready"));
        assert!(plain_path("/healthz/live-1.0"));
        assert!(!plain_path("/a; return 500"));
        assert!(!plain_path("/a{"));
        assert!(!plain_path("ready"));
    }

    #[test]
    fn nginx_routes_and_answers_health() {
        let routes = vec![Route {
            prefix: "/".into(),
            host: "catalog".into(),
            port: 8000,
            upstream: "catalog".into(),
            timeout_ms: Some(500.0),
        }];
        let conf = nginx_conf(8080, "/ready", &routes);
        assert!(conf.contains("listen 8080;"));
        assert!(conf.contains("location = /ready {"));
        assert!(conf.contains("server catalog:8000;"));
        assert!(conf.contains("proxy_pass http://catalog/;"));
        assert!(conf.contains("proxy_read_timeout 500ms;"));
    }
}
