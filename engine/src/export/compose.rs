//! Docker Compose (compose spec): one service per deployable node, with its
//! image, replicas, published ports for entry points, dependency URLs in the
//! environment, `depends_on` and a healthcheck. Registries run as services
//! too; a discovered service gets its registration environment, `depends_on`
//! its registry, and a healthcheck that follows the registry's check.

use std::collections::BTreeSet;

use serde::Serialize;

use super::discovery;
use super::infra::{Health, PLACEHOLDER_PASSWORD};
use super::map::Map;
use super::names;
use super::plan::{Plan, Runtime, Unit, edge_subject};
use super::{ExportError, ExportFormat, Note, NoteKind};
use crate::Design;
use crate::message::Message;
use crate::model::{EdgeKind, NodeKind};
use crate::msg;

#[derive(Serialize)]
struct ComposeFile {
    name: String,
    services: Map<Service>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    configs: Map<ConfigContent>,
}

/// A config whose content is in the file itself (no file next to it to lose).
#[derive(Serialize)]
struct ConfigContent {
    content: String,
}

#[derive(Serialize)]
struct ConfigMount {
    source: String,
    target: String,
}

#[derive(Serialize)]
struct Service {
    image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    command: Vec<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    environment: Map<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    depends_on: Map<DependsOn>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    configs: Vec<ConfigMount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deploy: Option<Deploy>,
    labels: Map<String>,
}

#[derive(Serialize)]
struct DependsOn {
    condition: &'static str,
}

#[derive(Serialize)]
struct Healthcheck {
    test: Vec<String>,
    interval: String,
    timeout: String,
    retries: u32,
    start_period: String,
}

#[derive(Serialize)]
struct Deploy {
    replicas: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<Resources>,
}

#[derive(Serialize)]
struct Resources {
    reservations: Reservations,
}

#[derive(Serialize)]
struct Reservations {
    #[serde(skip_serializing_if = "Option::is_none")]
    cpus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<String>,
}

/// Seconds as a compose duration (`10s`, `1.5s`).
pub(crate) fn duration_s(seconds: f64) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped, rounded milliseconds")]
    let ms = ms as u64;
    if ms.is_multiple_of(1000) { format!("{}s", ms / 1000) } else { format!("{ms}ms") }
}

/// Millicores as a decimal CPU count (`250` → `0.25`).
pub(crate) fn cpus(millicores: u32) -> String {
    let whole = millicores / 1000;
    let frac = millicores % 1000;
    if frac == 0 {
        format!("{whole}")
    } else {
        let s = format!("{whole}.{frac:03}");
        s.trim_end_matches('0').to_owned()
    }
}

pub(super) fn export(design: &Design) -> Result<super::Output, ExportError> {
    let mut plan = Plan::build(design);
    if plan.units.is_empty() {
        return Err(ExportError::Empty {
            format: ExportFormat::Compose,
            reason: "the design has no deployable node (clients and receivers are not deployed)".into(),
        });
    }
    let mut notes = std::mem::take(&mut plan.notes);
    let mut services = Map::new();
    let mut configs = Map::new();
    let mut published = BTreeSet::new();
    let mut registers = false;
    for (index, unit) in plan.units.iter().enumerate() {
        let gateway_config = gateway_config(&plan, index, unit, &mut configs, &mut notes)?;
        let (mut environment, command, mut healthcheck) =
            runtime_settings(unit, gateway_config.health_path.as_deref(), &mut notes);
        registers |= add_addresses(&plan, index, unit, &mut environment);
        discovery_settings(&plan, index, unit, healthcheck.as_mut(), &mut notes);
        let depends_on = depends_on(&plan, unit);
        let ports = published_ports(unit, &mut published, &mut notes);
        let deploy = Some(deploy(unit, &mut notes));
        let labels = labels(unit);
        policy_notes(&plan, index, &mut notes);
        services.push(
            unit.name.clone(),
            Service {
                image: unit.image().to_owned(),
                command,
                environment,
                ports,
                depends_on,
                configs: gateway_config.mounts,
                healthcheck,
                deploy,
                labels,
            },
        );
    }
    closing_notes(design, &plan, registers, &mut notes);
    let text = compose_text(design, services, configs)?;
    Ok((vec![(ExportFormat::Compose.file_name().to_owned(), text)], notes))
}

/// A gateway's configuration file, mounted from a Compose config.
struct GatewayConfig {
    /// The mounts of the service (none when it is no gateway).
    mounts: Vec<ConfigMount>,
    /// The gateway's health path, when it is one.
    health_path: Option<String>,
}

/// A gateway unit's configuration file as a Compose config and its mount.
fn gateway_config(
    plan: &Plan<'_>,
    index: usize,
    unit: &Unit<'_>,
    configs: &mut Map<ConfigContent>,
    notes: &mut Vec<Note>,
) -> Result<GatewayConfig, ExportError> {
    let host_of = |d: usize| plan.units.get(d).map(|u| u.name.clone()).unwrap_or_default();
    let gateway = super::gateway::config(plan, index, ExportFormat::Compose, &host_of, notes)?;
    let health_path = gateway.as_ref().map(|g| g.health_path.clone());
    let mut mounts = Vec::new();
    if let Some(g) = gateway {
        let source = format!("{}-config", unit.name);
        mounts.push(ConfigMount { source: source.clone(), target: g.file_path() });
        configs.push(source, ConfigContent { content: g.text });
    }
    Ok(GatewayConfig { mounts, health_path })
}

/// What the runtime gives a service: an infrastructure image's environment,
/// arguments and native health check, or an application's HTTP probe.
fn runtime_settings(
    unit: &Unit<'_>,
    health_path: Option<&str>,
    notes: &mut Vec<Note>,
) -> (Map<String>, Vec<String>, Option<Healthcheck>) {
    let node = unit.node;
    let mut environment = Map::new();
    let mut command = Vec::new();
    let mut healthcheck = None;
    match &unit.runtime {
        Runtime::Infra { infra, .. } => {
            for (k, v) in super::infra::environment(infra, &unit.name) {
                environment.push(k, v);
            }
            if infra.has_password {
                notes.push(Note::new(
                    NoteKind::Placeholder,
                    &node.name,
                    msg!(
                        "engine-export-compose-password",
                        "password `{password}` in the environment and URLs: use a secret",
                        password = PLACEHOLDER_PASSWORD
                    ),
                ));
            }
            command = infra.args.iter().map(|a| (*a).to_owned()).collect();
            healthcheck =
                native_check(infra, unit.image(), unit.port, health_path, &node.name, notes).map(|test| Healthcheck {
                    test,
                    interval: "10s".into(),
                    timeout: format!("{}s", infra.check_timeout_s),
                    retries: 5,
                    start_period: "10s".into(),
                });
        }
        Runtime::App { .. } => {
            if let Some(h) = &node.deployment.healthcheck {
                let url = format!("http://localhost:{}{}", unit.port, path_or_root(&h.path));
                healthcheck = Some(Healthcheck {
                    test: vec!["CMD".into(), "wget".into(), "-q".into(), "--spider".into(), url],
                    interval: duration_s(h.interval_s.max(1.0)),
                    timeout: "5s".into(),
                    retries: 3,
                    start_period: "10s".into(),
                });
                notes.push(Note::new(
                    NoteKind::Mapped,
                    &node.name,
                    msg!(
                        "engine-export-compose-wget",
                        "healthcheck probes with `wget`: the image must ship it (or change the test)"
                    ),
                ));
            }
        }
    }
    (environment, command, healthcheck)
}

/// The port an application listens on, its dependencies' addresses, then
/// its registration and the registries it looks services up on; true when
/// it registers itself.
fn add_addresses(plan: &Plan<'_>, index: usize, unit: &Unit<'_>, environment: &mut Map<String>) -> bool {
    if matches!(unit.runtime, Runtime::App { .. }) && unit.listens {
        environment.push("PORT", unit.port.to_string());
    }
    for (k, v) in plan.dependency_env(index) {
        environment.push(k, v);
    }
    // Registration with its own registry, then the address of each registry it looks services up on.
    let registration = discovery::registration_env(plan, index);
    let registers = !registration.is_empty();
    let lookups = unit.lookups.iter().flat_map(|&r| discovery::lookup_env(plan, r, unit.registry.is_some()));
    for (k, v) in registration.into_iter().chain(lookups) {
        if environment.0.iter().all(|(key, _)| *key != k) {
            environment.push(k, v);
        }
    }
    registers
}

/// A discovered node's health check follows its registry's checks.
fn discovery_settings(
    plan: &Plan<'_>,
    index: usize,
    unit: &Unit<'_>,
    healthcheck: Option<&mut Healthcheck>,
    notes: &mut Vec<Note>,
) {
    let Some(d) = &unit.node.discovery else { return };
    let checked = healthcheck.is_some();
    if let Some(h) = healthcheck {
        h.interval = duration_s(d.health_check.interval_s.max(0.001));
        h.retries = d.health_check.failures_before_removal.max(1);
    }
    discovery::compose_notes(plan, index, checked, notes);
}

/// The services a unit waits for: healthy where they have a check, started otherwise.
fn depends_on(plan: &Plan<'_>, unit: &Unit<'_>) -> Map<DependsOn> {
    let mut depends_on = Map::new();
    for &dep in unit.deps.iter().chain(unit.registry.iter()).chain(&unit.lookups) {
        let Some(target) = plan.units.get(dep) else { continue };
        if depends_on.0.iter().any(|(name, _)| *name == target.name) {
            continue;
        }
        let healthy = match &target.runtime {
            Runtime::Infra { infra, .. } => {
                let health = super::gateway::health_path(plan, dep);
                native_check(infra, target.image(), target.port, health.as_deref(), &target.node.name, &mut Vec::new())
                    .is_some()
            }
            Runtime::App { .. } => target.node.deployment.healthcheck.is_some(),
        };
        let condition = if healthy { "service_healthy" } else { "service_started" };
        depends_on.push(target.name.clone(), DependsOn { condition });
    }
    depends_on
}

/// An entry's published port: the same host port when free, the next free
/// one otherwise, an ephemeral one for several replicas.
fn published_ports(unit: &Unit<'_>, published: &mut BTreeSet<u16>, notes: &mut Vec<Note>) -> Vec<String> {
    let mut ports = Vec::new();
    if unit.entry {
        if unit.node.capacity.replicas > 1 {
            // A fixed host port can be bound by one replica only.
            ports.push(unit.port.to_string());
            notes.push(Note::new(
                NoteKind::Approximated,
                &unit.node.name,
                msg!(
                    "engine-export-compose-entry-replicas",
                    "entry with several replicas: the port is published on an ephemeral host port; put a load \
                     balancer in front"
                ),
            ));
        } else {
            let mut host = unit.port;
            while !published.insert(host) {
                host = host.checked_add(1).unwrap_or(1024);
            }
            ports.push(format!("{host}:{}", unit.port));
        }
    }
    ports
}

/// Replicas and reserved resources.
fn deploy(unit: &Unit<'_>, notes: &mut Vec<Note>) -> Deploy {
    let node = unit.node;
    let reservations = Reservations {
        cpus: node.deployment.cpu_millicores.map(cpus),
        memory: node.deployment.memory_mib.map(|m| format!("{m}M")),
    };
    let resources =
        (reservations.cpus.is_some() || reservations.memory.is_some()).then_some(Resources { reservations });
    let mut replicas = super::stateful::replication(unit, false, notes).replicas();
    if node.kind == NodeKind::Registry && replicas > 1 {
        // Replicas of one service share its command: each would be a cluster of its own.
        replicas = 1;
        notes.push(Note::new(
            NoteKind::Approximated,
            &node.name,
            msg!(
                "engine-export-compose-registry-cluster",
                "a registry cluster of {members} members needs each member's own identity and peers: Compose runs one",
                members = node.capacity.replicas
            ),
        ));
    }
    Deploy { replicas, resources }
}

/// The labels that carry what Compose has no field for (name, kind, group, receivers).
fn labels(unit: &Unit<'_>) -> Map<String> {
    let node = unit.node;
    let mut labels = Map::new();
    labels.push("switchboard.node", node.name.clone());
    labels.push("switchboard.kind", node.kind.as_str().to_owned());
    if let Some(g) = &node.group {
        labels.push("switchboard.group", g.clone());
    }
    if !unit.receivers.is_empty() {
        let names: Vec<&str> = unit.receivers.iter().map(|r| r.name.as_str()).collect();
        labels.push("switchboard.receivers", names.join(", "));
    }
    labels
}

/// The notes about the design as a whole, after the services'.
fn closing_notes(design: &Design, plan: &Plan<'_>, registers: bool, notes: &mut Vec<Note>) {
    edge_notes(design, notes);
    if registers {
        notes.push(discovery::registrator_note());
    }
    if let Some(note) =
        super::plan::groups_note(design, msg!("engine-export-compose-group-label", "the `switchboard.group` label"))
    {
        notes.push(note);
    }
    notes.push(plan.simulation_only_note());
}

/// The file itself: the project named after the design, `$` escaped.
fn compose_text(design: &Design, services: Map<Service>, configs: Map<ConfigContent>) -> Result<String, ExportError> {
    let project = names::dns_label(&design.name, names::DNS_LABEL_MAX);
    let file = ComposeFile { name: if project.is_empty() { "switchboard".into() } else { project }, services, configs };
    match serde_json::to_value(&file) {
        Ok(mut value) => {
            escape_dollars(&mut value);
            super::yaml(ExportFormat::Compose, &value)
        }
        Err(_) => super::yaml(ExportFormat::Compose, &file),
    }
}

/// Compose interpolates `$` in every value it reads (`${VAR}`, `$VAR`):
/// a `$` the design means literally (a password, a URL, a command) is
/// written `$$`, so the file starts what the design says.
fn escape_dollars(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if s.contains('$') => *s = s.replace('$', "$$"),
        serde_json::Value::Array(items) => items.iter_mut().for_each(escape_dollars),
        serde_json::Value::Object(map) => map.values_mut().for_each(escape_dollars),
        _ => {}
    }
}

/// The healthcheck `test` of a known image: its native check, run only with
/// programs the image ships (its tool table); an HTTP check with `curl` or
/// `wget`, whichever it has. `None` (reported) when it has no tool for one.
fn native_check(
    infra: &super::infra::Infra,
    image: &str,
    port: u16,
    gateway_health: Option<&str>,
    subject: &str,
    notes: &mut Vec<Note>,
) -> Option<Vec<String>> {
    let tools = super::infra::image_tools(image);
    let has = |program: &str| tools.is_some_and(|t| t.contains(&program));
    let missing = |what: Message, notes: &mut Vec<Note>| {
        notes.push(Note::new(
            NoteKind::Unsupported,
            subject,
            msg!(
                "engine-export-compose-no-check-tool",
                "the `{image}` image has no {what}: no healthcheck set (add one the image can run)",
                image = image,
                what = what.clone()
            )
            .with_list("what", vec![what], " "),
        ));
        None
    };
    // A generated gateway configuration answers its own health path.
    let http = match (gateway_health, infra.health) {
        (Some(path), _) => Some((port, path.to_owned())),
        (None, Some(Health::Http { port: check_port, path })) => Some((check_port.unwrap_or(port), path.to_owned())),
        (None, _) => None,
    };
    if let Some((check_port, path)) = http {
        let url = format!("http://localhost:{check_port}{path}");
        return if has("curl") {
            Some(["CMD", "curl", "-fsS", "-o", "/dev/null", &url].map(str::to_owned).to_vec())
        } else if has("wget") {
            Some(["CMD", "wget", "-q", "--spider", &url].map(str::to_owned).to_vec())
        } else {
            missing(msg!("engine-export-compose-no-http-tool", "curl or wget for its HTTP check"), notes)
        };
    }
    match infra.health {
        None => missing(msg!("engine-export-compose-no-tool", "tool for a healthcheck"), notes),
        Some(health) => {
            let programs = health.programs();
            if let Some(absent) = programs.iter().find(|p| !has(p.as_str())) {
                return missing(
                    msg!("engine-export-compose-no-program", "`{absent}` for its native check", absent = absent),
                    notes,
                );
            }
            Some(match health {
                Health::Exec(argv) => std::iter::once("CMD").chain(argv.iter().copied()).map(str::to_owned).collect(),
                Health::Shell(line) => vec!["CMD-SHELL".to_owned(), line.to_owned()],
                Health::Http { .. } => Vec::new(),
            })
        }
    }
}

fn path_or_root(path: &str) -> String {
    if path.starts_with('/') { path.to_owned() } else { format!("/{path}") }
}

/// Node policies Compose has no place for.
fn policy_notes(plan: &Plan<'_>, index: usize, notes: &mut Vec<Note>) {
    let Some(unit) = plan.units.get(index) else { return };
    let node = unit.node;
    let p = &node.policies;
    if p.autoscaling.is_some() {
        notes.push(Note::new(
            NoteKind::Unsupported,
            &node.name,
            msg!(
                "engine-export-compose-autoscaling",
                "autoscaling: Compose runs a fixed number of replicas (see the Kubernetes export)"
            ),
        ));
    }
    if p.outlier_ejection.is_some() {
        notes.push(Note::new(
            NoteKind::Unsupported,
            &node.name,
            msg!("engine-export-compose-ejection", "outlier ejection: needs a mesh (see the Istio export)"),
        ));
    }
    if p.rate_limit.is_some() {
        notes.push(Note::new(
            NoteKind::Unsupported,
            &node.name,
            msg!("engine-export-compose-rate-limit", "ingress rate limit: needs a proxy in front"),
        ));
    }
}

fn edge_notes(design: &Design, notes: &mut Vec<Note>) {
    for edge in design.edges.iter().filter(|e| e.kind == EdgeKind::Call) {
        if let Some(policy) = edge.policy.as_ref().filter(|p| !p.is_empty()) {
            notes.push(Note::new(
                NoteKind::Unsupported,
                edge_subject(design, &edge.from, &edge.to),
                msg!(
                    "engine-export-compose-call-policy",
                    "call policy ({policy}) lives in the caller's code or a mesh (see the Istio export)",
                    policy = policy.label()
                )
                .with_list("policy", vec![policy.label()], " "),
            ));
        }
    }
}
