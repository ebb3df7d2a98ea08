//! Service discovery in the exports: the environment a workload registers
//! with a registry through (Compose), the figures its health check maps to
//! (readiness probes, outlier detection), and the registration and lookup
//! links the diagrams draw.
//!
//! Registration follows the conventions of registrator (`SERVICE_NAME`,
//! `SERVICE_CHECK_*`), which the common client libraries read too; the
//! registry's address uses each registry's own variable (`CONSUL_HTTP_ADDR`,
//! `ETCD_ENDPOINTS`, `EUREKA_CLIENT_SERVICEURL_DEFAULTZONE`,
//! `ZOOKEEPER_CONNECT`), so the importer can read a design back.

use super::compose::duration_s;
use super::plan::{Plan, Runtime};
use super::{Note, NoteKind};
use crate::Design;
use crate::model::{Discovery, DiscoveryMode, EdgeKind};

/// Variable holding the registry's address when its image is not a known one.
pub(crate) const GENERIC_ADDRESS_KEY: &str = "SERVICE_REGISTRY_ADDR";
/// Every variable that holds a registry's address, for the importer.
pub(crate) const ADDRESS_KEYS: [&str; 5] = [
    "CONSUL_HTTP_ADDR",
    "ETCD_ENDPOINTS",
    "EUREKA_CLIENT_SERVICEURL_DEFAULTZONE",
    "ZOOKEEPER_CONNECT",
    GENERIC_ADDRESS_KEY,
];
/// Which discovery a registered workload's callers use (`client`, or absent).
pub(crate) const MODE_KEY: &str = "DISCOVERY_MODE";
/// How long client-side callers cache the instance list.
pub(crate) const CACHE_TTL_KEY: &str = "DISCOVERY_CACHE_TTL";
/// Registrator's name for the registered service.
pub(crate) const NAME_KEY: &str = "SERVICE_NAME";
/// Seconds between the registry's checks of an instance.
pub(crate) const INTERVAL_KEY: &str = "SERVICE_CHECK_INTERVAL";
/// How long an instance may fail its checks before it is removed.
pub(crate) const DEREGISTER_KEY: &str = "SERVICE_CHECK_DEREGISTER_AFTER";
/// Consul's shortest `DeregisterCriticalServiceAfter`, in seconds.
const CONSUL_MIN_DEREGISTER_S: f64 = 60.0;

/// Whole seconds for fields that take integers: rounded up, at least 1.
pub(crate) fn whole_seconds(seconds: f64) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped whole seconds")]
    let s = seconds.ceil().clamp(1.0, f64::from(u32::MAX)) as u32;
    s
}

/// Seconds from a crash until the registry removes the instance, counted in
/// whole checks: `interval_s` × `failures_before_removal`.
pub(crate) fn removal_after_s(d: &Discovery) -> f64 {
    d.health_check.interval_s * f64::from(d.health_check.failures_before_removal.max(1))
}

/// The registry's preset (`consul`, ...) when it runs a known image.
fn registry_key(plan: &Plan<'_>, registry: usize) -> Option<&'static str> {
    plan.units.get(registry).and_then(super::plan::Unit::infra).map(|i| i.key)
}

/// The variable and value that tell a workload where `registry` is.
pub(crate) fn address_env(plan: &Plan<'_>, registry: usize) -> Option<(String, String)> {
    let unit = plan.units.get(registry)?;
    let host_port = format!("{}:{}", unit.name, unit.port);
    let (key, value) = match registry_key(plan, registry) {
        Some("consul") => ("CONSUL_HTTP_ADDR", host_port),
        Some("etcd") => ("ETCD_ENDPOINTS", plan.url(registry)),
        Some("eureka") => ("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE", plan.url(registry)),
        Some("zookeeper") => ("ZOOKEEPER_CONNECT", host_port),
        _ => (GENERIC_ADDRESS_KEY, host_port),
    };
    Some((key.to_owned(), value))
}

/// The environment of a workload that looks services up on `registry`
/// without registering there: the address, and for Eureka the opt-out of
/// registration its clients would otherwise do.
pub(crate) fn lookup_env(plan: &Plan<'_>, registry: usize, registers_elsewhere: bool) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = address_env(plan, registry).into_iter().collect();
    if registry_key(plan, registry) == Some("eureka") && !registers_elsewhere {
        env.push(("EUREKA_CLIENT_REGISTERWITHEUREKA".to_owned(), "false".to_owned()));
    }
    env
}

/// The environment a discovered workload registers with its registry through.
pub(crate) fn registration_env(plan: &Plan<'_>, index: usize) -> Vec<(String, String)> {
    let Some(unit) = plan.units.get(index) else { return Vec::new() };
    let (Some(d), Some(registry)) = (unit.node.discovery.as_ref(), unit.registry) else { return Vec::new() };
    let mut env: Vec<(String, String)> = address_env(plan, registry).into_iter().collect();
    env.push((NAME_KEY.to_owned(), unit.name.clone()));
    match (&unit.runtime, &unit.node.deployment.healthcheck) {
        (Runtime::App { .. }, Some(h)) => env.push(("SERVICE_CHECK_HTTP".to_owned(), http_path(&h.path))),
        _ => env.push(("SERVICE_CHECK_TCP".to_owned(), "true".to_owned())),
    }
    env.push((INTERVAL_KEY.to_owned(), duration_s(d.health_check.interval_s.max(0.001))));
    env.push((DEREGISTER_KEY.to_owned(), duration_s(removal_after_s(d))));
    if registry_key(plan, registry) == Some("eureka") {
        // Eureka expires a lease that missed its renewals for this long.
        env.push((
            "EUREKA_INSTANCE_LEASERENEWALINTERVALINSECONDS".to_owned(),
            whole_seconds(d.health_check.interval_s).to_string(),
        ));
        env.push((
            "EUREKA_INSTANCE_LEASEEXPIRATIONDURATIONINSECONDS".to_owned(),
            whole_seconds(removal_after_s(d)).to_string(),
        ));
    }
    if d.mode == DiscoveryMode::ClientSide {
        env.push((MODE_KEY.to_owned(), "client".to_owned()));
        env.push((CACHE_TTL_KEY.to_owned(), duration_s(d.cache_ttl_s)));
    }
    env
}

/// What the Compose export says about a discovered workload.
pub(crate) fn compose_notes(plan: &Plan<'_>, index: usize, has_healthcheck: bool, notes: &mut Vec<Note>) {
    let Some(unit) = plan.units.get(index) else { return };
    let Some(d) = unit.node.discovery.as_ref() else { return };
    let subject = &unit.node.name;
    let check = if has_healthcheck {
        crate::msg!(
            "engine-export-discovery-healthcheck",
            "healthcheck every {interval_s} s, {retries} retries (the registry's check)",
            interval_s = d.health_check.interval_s,
            retries = d.health_check.failures_before_removal
        )
    } else {
        crate::msg!(
            "engine-export-discovery-tcp-check",
            "no healthcheck path: the registry checks the TCP port (SERVICE_CHECK_TCP)"
        )
    };
    let Some(registry) = unit.registry.and_then(|r| plan.units.get(r)) else {
        notes.push(Note::new(
            NoteKind::Approximated,
            subject,
            if has_healthcheck {
                crate::msg!(
                    "engine-export-discovery-no-registry",
                    "{check}; no registry: Compose's DNS keeps listing a replica that fails it",
                    check = check.clone()
                )
                .with_list("check", vec![check], " ")
            } else {
                crate::msg!(
                    "engine-export-discovery-nothing-removes",
                    "no registry and no healthcheck: nothing removes a failed replica from Compose's DNS"
                )
            },
        ));
        return;
    };
    let mode = match d.mode {
        DiscoveryMode::ServerSide => crate::msg!("engine-export-discovery-server-side", "server-side discovery"),
        DiscoveryMode::ClientSide => crate::msg!(
            "engine-export-discovery-client-side",
            "client-side discovery: its callers get the registry's address, {key} {ttl}",
            key = CACHE_TTL_KEY,
            ttl = duration_s(d.cache_ttl_s)
        ),
    };
    notes.push(Note::new(
        NoteKind::Mapped,
        subject,
        crate::msg!(
            "engine-export-discovery-registers",
            "registers with `{registry}` ({mode}); {check}",
            registry = &registry.name,
            mode = mode.clone(),
            check = check.clone()
        )
        .with_list("mode", vec![mode], " ")
        .with_list("check", vec![check], " "),
    ));
    if registry.infra().map(|i| i.key) == Some("consul") {
        let after_s = removal_after_s(d);
        let failures = d.health_check.failures_before_removal;
        let message = if after_s < CONSUL_MIN_DEREGISTER_S {
            crate::msg!(
                "engine-export-discovery-consul-minimum",
                "Consul stops listing an instance when its check turns critical: set the check's \
                 failures_before_critical to {failures} to match; Consul deregisters no sooner than 1m, not after \
                 {after}",
                failures = failures,
                after = duration_s(after_s)
            )
        } else {
            crate::msg!(
                "engine-export-discovery-consul",
                "Consul stops listing an instance when its check turns critical: set the check's \
                 failures_before_critical to {failures} to match",
                failures = failures
            )
        };
        notes.push(Note::new(NoteKind::Approximated, subject, message));
    }
}

/// The note every export with registrations carries once.
pub(crate) fn registrator_note() -> Note {
    Note::new(
        NoteKind::Mapped,
        "design",
        crate::msg!(
            "engine-export-discovery-registrator",
            "registration environment follows registrator's conventions (SERVICE_NAME, SERVICE_CHECK_*): run \
             registrator next to the registry, or have the services' discovery client read it"
        ),
    )
}

/// The readiness probe's `periodSeconds` and `failureThreshold` for a
/// discovered workload, and the note saying so: Kubernetes lists a pod in its
/// Service's endpoints while the probe passes, as a registry lists an
/// instance while its check does.
pub(crate) fn readiness(subject: &str, d: &Discovery) -> (u32, u32, Note) {
    let period = whole_seconds(d.health_check.interval_s).min(3600);
    let failures = d.health_check.failures_before_removal.max(1);
    #[allow(clippy::float_cmp, reason = "whether the interval was a whole number of seconds")]
    let exact = f64::from(period) == d.health_check.interval_s;
    let note = Note::new(
        if exact { NoteKind::Mapped } else { NoteKind::Approximated },
        subject,
        if exact {
            crate::msg!(
                "engine-export-discovery-readiness",
                "the registry's health check (every {interval_s} s, removed after {failures} failed checks) becomes \
                 the readiness probe: periodSeconds {period}, failureThreshold {failures}",
                interval_s = d.health_check.interval_s,
                failures = failures,
                period = period
            )
        } else {
            crate::msg!(
                "engine-export-discovery-readiness-rounded",
                "the registry's health check (every {interval_s} s, removed after {failures} failed checks) becomes \
                 the readiness probe: periodSeconds {period} (rounded up), failureThreshold {failures}",
                interval_s = d.health_check.interval_s,
                failures = failures,
                period = period
            )
        },
    );
    (period, failures, note)
}

/// The note of a client-side discovered workload's headless Service.
pub(crate) fn headless_note(subject: &str, service: &str, d: &Discovery, callers: &[&str]) -> Note {
    let message = if callers.is_empty() {
        crate::msg!(
            "engine-export-discovery-headless",
            "client-side lookups map to the headless Service `{service}` (clusterIP: None): callers resolve the \
             ready pods' addresses through DNS and balance over them, caching the answer as they would the \
             registry's ({ttl_s} s in the design)",
            service = service,
            ttl_s = d.cache_ttl_s
        )
    } else {
        crate::msg!(
            "engine-export-discovery-headless-callers",
            "client-side lookups map to the headless Service `{service}` (clusterIP: None): its callers \
             ({callers}) get `{service}` as its address, resolve the ready pods' addresses through DNS and balance \
             over them, caching the answer as they would the registry's ({ttl_s} s in the design)",
            service = service,
            callers = callers.join(", "),
            ttl_s = d.cache_ttl_s
        )
    };
    Note::new(NoteKind::Mapped, subject, message)
}

/// The note of a registry a platform replaces.
pub(crate) fn registry_replaced(node_name: &str, by: crate::message::Message) -> Note {
    Note::new(
        NoteKind::Mapped,
        node_name,
        crate::msg!("engine-export-discovery-replaced", "registry replaced by {by}: not deployed", by = by.clone())
            .with_list("by", vec![by], " "),
    )
}

/// A path as an HTTP check path.
fn http_path(path: &str) -> String {
    if path.starts_with('/') { path.to_owned() } else { format!("/{path}") }
}

/// What a diagram link between a workload and a registry stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Link {
    /// The workload registers its instances.
    Registers,
    /// The workload looks a client-side discovered service up.
    LooksUp,
}

impl Link {
    /// The link's label.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Registers => "registers",
            Self::LooksUp => "looks up",
        }
    }
}

/// Registration and lookup links as (node id, registry id, link), in design
/// order: each discovered node to its registry, then each caller of a
/// client-side discovered node to that registry (once per caller and registry).
/// Registries that are not nodes are reported and left out.
pub(crate) fn diagram_links<'a>(design: &'a Design, notes: &mut Vec<Note>) -> Vec<(&'a str, &'a str, Link)> {
    let mut links: Vec<(&str, &str, Link)> = Vec::new();
    for node in &design.nodes {
        let Some(d) = &node.discovery else { continue };
        let Some(registry) = d.registry.as_deref() else { continue };
        if design.node(registry).is_none() {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                crate::msg!(
                    "engine-export-discovery-not-a-node",
                    "discovery names registry `{registry}`, which is not a node: link left out",
                    registry = registry
                ),
            ));
            continue;
        }
        if registry != node.id {
            links.push((node.id.as_str(), registry, Link::Registers));
        }
        if d.mode != DiscoveryMode::ClientSide {
            continue;
        }
        for edge in design.edges.iter().filter(|e| e.kind == EdgeKind::Call && e.to == node.id) {
            let from = edge.from.as_str();
            let link = (from, registry, Link::LooksUp);
            if from != registry && from != node.id && design.node(from).is_some() && !links.contains(&link) {
                links.push(link);
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_round_up_to_at_least_one() {
        assert_eq!(whole_seconds(10.0), 10);
        assert_eq!(whole_seconds(2.5), 3);
        assert_eq!(whole_seconds(0.2), 1);
    }

    #[test]
    fn removal_counts_whole_checks() {
        let mut d = Discovery::default();
        d.health_check.interval_s = 5.0;
        d.health_check.failures_before_removal = 4;
        assert!((removal_after_s(&d) - 20.0).abs() < 1e-12);
    }
}
