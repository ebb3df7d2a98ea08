//! Kubernetes manifests: per deployable node a Deployment and a Service, a
//! ConfigMap of dependency URLs, a HorizontalPodAutoscaler where the design
//! autoscales, and a NetworkPolicy that allows exactly the traffic the
//! design's edges draw (plus DNS). One multi-document YAML, or one file per
//! object with a `kustomization.yaml`.
//!
//! Registries are not deployed: Services and their endpoints are the
//! platform's discovery. A discovered service's readiness probe follows the
//! registry's health check, and a client-side discovered one also gets a
//! headless Service, whose DNS answers are the ready pods' own addresses.

use serde::Serialize;

use super::discovery;
use super::infra::{Health, PLACEHOLDER_PASSWORD};
use super::map::Map;
use super::names;
use super::plan::{Plan, Runtime};
use super::{ExportError, ExportFormat, Note, NoteKind};
use crate::Design;
use crate::model::DiscoveryMode;

/// The label every object of a node carries and selectors match.
pub(crate) const NAME_LABEL: &str = "app.kubernetes.io/name";
/// The short label Istio's telemetry and `sourceLabels` use.
pub(crate) const APP_LABEL: &str = "app";
/// Millicores requested when autoscaling needs a CPU request and the design has none.
const DEFAULT_CPU_MILLICORES: u32 = 100;
/// Longest HPA scale-down stabilization window Kubernetes accepts, seconds.
const MAX_STABILIZATION_S: f64 = 3600.0;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    name: String,
    labels: Map<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    annotations: Map<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Object<S> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Meta,
    #[serde(flatten)]
    body: S,
}

#[derive(Serialize)]
struct Data {
    data: Map<String>,
}

#[derive(Serialize)]
struct Spec<T> {
    spec: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentSpec {
    replicas: u32,
    selector: Selector,
    template: PodTemplate,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Selector {
    match_labels: Map<String>,
}

#[derive(Serialize)]
struct PodTemplate {
    metadata: PodMeta,
    spec: PodSpec,
}

#[derive(Serialize)]
struct PodMeta {
    labels: Map<String>,
}

#[derive(Serialize)]
struct PodSpec {
    containers: Vec<Container>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Container {
    name: String,
    image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    args: Vec<String>,
    ports: Vec<ContainerPort>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    env_from: Vec<EnvFrom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<Resources>,
    readiness_probe: Probe,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContainerPort {
    name: String,
    container_port: u16,
    protocol: &'static str,
}

#[derive(Serialize)]
struct EnvVar {
    name: String,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvFrom {
    config_map_ref: NameRef,
}

#[derive(Serialize)]
struct NameRef {
    name: String,
}

#[derive(Serialize)]
struct Resources {
    requests: Map<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    #[serde(skip_serializing_if = "Option::is_none")]
    http_get: Option<HttpGet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exec: Option<Exec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tcp_socket: Option<TcpSocket>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_delay_seconds: Option<u32>,
    period_seconds: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_threshold: Option<u32>,
}

#[derive(Serialize)]
struct HttpGet {
    path: String,
    port: u16,
}

#[derive(Serialize)]
struct Exec {
    command: Vec<String>,
}

#[derive(Serialize)]
struct TcpSocket {
    port: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceSpec {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "clusterIP", skip_serializing_if = "Option::is_none")]
    cluster_ip: Option<&'static str>,
    selector: Map<String>,
    ports: Vec<ServicePort>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServicePort {
    name: String,
    port: u16,
    target_port: u16,
    protocol: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HpaSpec {
    scale_target_ref: ScaleTarget,
    min_replicas: u32,
    max_replicas: u32,
    metrics: Vec<Metric>,
    behavior: Behavior,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScaleTarget {
    api_version: &'static str,
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
struct Metric {
    #[serde(rename = "type")]
    kind: &'static str,
    resource: ResourceMetric,
}

#[derive(Serialize)]
struct ResourceMetric {
    name: &'static str,
    target: MetricTarget,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricTarget {
    #[serde(rename = "type")]
    kind: &'static str,
    average_utilization: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Behavior {
    scale_down: ScalingRules,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScalingRules {
    stabilization_window_seconds: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NetworkPolicySpec {
    pod_selector: Selector,
    policy_types: [&'static str; 2],
    ingress: Vec<IngressRule>,
    egress: Vec<EgressRule>,
}

#[derive(Serialize)]
struct IngressRule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    from: Vec<Peer>,
    ports: Vec<PolicyPort>,
}

#[derive(Serialize)]
struct EgressRule {
    to: Vec<Peer>,
    ports: Vec<PolicyPort>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Peer {
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace_selector: Option<Selector>,
    pod_selector: Selector,
}

#[derive(Serialize)]
struct PolicyPort {
    protocol: &'static str,
    port: u16,
}

/// Any manifest, for one multi-document stream.
#[derive(Serialize)]
#[serde(untagged)]
enum Manifest {
    ConfigMap(Object<Data>),
    Deployment(Object<Spec<DeploymentSpec>>),
    Service(Object<Spec<ServiceSpec>>),
    Hpa(Object<Spec<HpaSpec>>),
    NetworkPolicy(Object<Spec<NetworkPolicySpec>>),
}

impl Manifest {
    fn kind_and_name(&self) -> (&'static str, &str) {
        match self {
            Self::ConfigMap(o) => (o.kind, &o.metadata.name),
            Self::Deployment(o) => (o.kind, &o.metadata.name),
            Self::Service(o) => (o.kind, &o.metadata.name),
            Self::Hpa(o) => (o.kind, &o.metadata.name),
            Self::NetworkPolicy(o) => (o.kind, &o.metadata.name),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
}

fn selector(name: &str) -> Selector {
    let mut match_labels = Map::new();
    match_labels.push(NAME_LABEL, name.to_owned());
    Selector { match_labels }
}

/// The ConfigMap holding a workload's dependency URLs.
pub(crate) fn config_map_name(unit_name: &str) -> String {
    format!("{unit_name}-dependencies")
}

/// The Service port name: Istio picks the protocol from its prefix.
fn port_name(plan: &Plan<'_>, unit: usize) -> String {
    match plan.units.get(unit).and_then(super::plan::Unit::infra) {
        Some(infra) if infra.scheme == Some("http") => "http".to_owned(),
        Some(infra) => format!("tcp-{}", infra.key),
        None => "http".to_owned(),
    }
}

fn tcp(port: u16) -> PolicyPort {
    PolicyPort { protocol: "TCP", port }
}

#[allow(clippy::too_many_lines, reason = "one object after the other, in file order")]
pub(super) fn export(design: &Design, split: bool) -> Result<super::Output, ExportError> {
    let mut plan = Plan::build_platform(design);
    if plan.units.is_empty() {
        return Err(ExportError::Empty {
            format: ExportFormat::Kubernetes,
            reason: "the design has no deployable node (clients and receivers are not deployed)".into(),
        });
    }
    let mut notes = std::mem::take(&mut plan.notes);
    for registry in &plan.dropped_registries {
        notes.push(discovery::registry_replaced(&registry.name, "Kubernetes Services and endpoints"));
    }
    // Headless Services share the Services' namespace: never a workload's name.
    let mut service_names = names::NameTable::dns();
    for unit in &plan.units {
        service_names.reserve(&unit.name);
    }
    let part_of = {
        let p = names::dns_label(&design.name, names::DNS_LABEL_MAX);
        if p.is_empty() { "switchboard".to_owned() } else { p }
    };
    let mut manifests = Vec::new();
    for (index, unit) in plan.units.iter().enumerate() {
        let node = unit.node;
        let labels = || {
            let mut l = Map::new();
            l.push(NAME_LABEL, unit.name.clone());
            l.push(APP_LABEL, unit.name.clone());
            l.push("app.kubernetes.io/part-of", part_of.clone());
            l
        };
        let meta = |name: String| {
            let mut annotations = Map::new();
            annotations.push("switchboard/node", node.name.clone());
            Meta { name, labels: labels(), annotations }
        };

        let dependency_env = plan.dependency_env(index);
        let mut env_from = Vec::new();
        if !dependency_env.is_empty() {
            let mut data = Map::new();
            for (k, v) in dependency_env {
                data.push(k, v);
            }
            let name = config_map_name(&unit.name);
            env_from.push(EnvFrom { config_map_ref: NameRef { name: name.clone() } });
            manifests.push(Manifest::ConfigMap(Object {
                api_version: "v1",
                kind: "ConfigMap",
                metadata: meta(name),
                body: Data { data },
            }));
        }

        let mut env = Vec::new();
        let mut args = Vec::new();
        let autoscaling = node.policies.autoscaling.as_ref();
        let cold_start_s = autoscaling.map_or(0.0, |a| a.cold_start_s);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped whole seconds")]
        let initial_delay_seconds = (cold_start_s > 0.0).then(|| cold_start_s.ceil().min(3600.0) as u32);
        let mut probe = Probe {
            http_get: None,
            exec: None,
            tcp_socket: None,
            initial_delay_seconds,
            period_seconds: 10,
            failure_threshold: None,
        };
        match &unit.runtime {
            Runtime::Infra { infra, .. } => {
                for (k, v) in super::infra::environment(infra, &unit.name) {
                    env.push(EnvVar { name: k, value: v });
                }
                if infra.has_password {
                    notes.push(Note::new(
                        NoteKind::Placeholder,
                        &node.name,
                        format!("password `{PLACEHOLDER_PASSWORD}` in plain env and URLs: move it to a Secret"),
                    ));
                }
                args = infra.args.iter().map(|a| (*a).to_owned()).collect();
                match infra.health {
                    Some(Health::Exec(argv)) => {
                        probe.exec = Some(Exec { command: argv.iter().map(|a| (*a).to_owned()).collect() });
                    }
                    Some(Health::Shell(line)) => {
                        probe.exec = Some(Exec { command: vec!["sh".into(), "-c".into(), line.to_owned()] });
                    }
                    None => probe.tcp_socket = Some(TcpSocket { port: unit.port }),
                }
                if node.kind == crate::model::NodeKind::Database {
                    notes.push(Note::new(
                        NoteKind::Unsupported,
                        &node.name,
                        "runs as a Deployment without a volume: data is lost on restart (add a \
                         PersistentVolumeClaim or use an operator)",
                    ));
                }
            }
            Runtime::App { .. } => {
                env.push(EnvVar { name: "PORT".into(), value: unit.port.to_string() });
                if let Some(h) = &node.deployment.healthcheck {
                    let path = if h.path.starts_with('/') { h.path.clone() } else { format!("/{}", h.path) };
                    probe.http_get = Some(HttpGet { path, port: unit.port });
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped")]
                    let period = h.interval_s.round().clamp(1.0, 3600.0) as u32;
                    probe.period_seconds = period;
                } else {
                    probe.tcp_socket = Some(TcpSocket { port: unit.port });
                    notes.push(Note::new(
                        NoteKind::Placeholder,
                        &node.name,
                        "no healthcheck path: the readiness probe only opens a TCP connection",
                    ));
                }
            }
        }

        if let Some(d) = &node.discovery {
            let (period, failures, note) = discovery::readiness(&node.name, d);
            probe.period_seconds = period;
            probe.failure_threshold = Some(failures);
            notes.push(note);
        }

        let mut requests = Map::new();
        let cpu = match (node.deployment.cpu_millicores, autoscaling) {
            (Some(m), _) => Some(m),
            (None, Some(_)) => {
                notes.push(Note::new(
                    NoteKind::Placeholder,
                    &node.name,
                    format!("autoscaling needs a CPU request: {DEFAULT_CPU_MILLICORES}m assumed"),
                ));
                Some(DEFAULT_CPU_MILLICORES)
            }
            (None, None) => None,
        };
        if let Some(m) = cpu {
            requests.push("cpu", format!("{m}m"));
        }
        if let Some(m) = node.deployment.memory_mib {
            requests.push("memory", format!("{m}Mi"));
        }
        let resources = (!requests.is_empty()).then_some(Resources { requests });

        let port_name = port_name(&plan, index);
        manifests.push(Manifest::Deployment(Object {
            api_version: "apps/v1",
            kind: "Deployment",
            metadata: meta(unit.name.clone()),
            body: Spec {
                spec: DeploymentSpec {
                    replicas: node.capacity.replicas,
                    selector: selector(&unit.name),
                    template: PodTemplate {
                        metadata: PodMeta { labels: labels() },
                        spec: PodSpec {
                            containers: vec![Container {
                                name: unit.name.clone(),
                                image: unit.image().to_owned(),
                                args,
                                ports: vec![ContainerPort {
                                    name: port_name.clone(),
                                    container_port: unit.port,
                                    protocol: "TCP",
                                }],
                                env,
                                env_from,
                                resources,
                                readiness_probe: probe,
                            }],
                        },
                    },
                },
            },
        }));

        let service = |name: String, kind: &'static str, cluster_ip: Option<&'static str>| {
            let mut selector = Map::new();
            selector.push(NAME_LABEL, unit.name.clone());
            let port =
                ServicePort { name: port_name.clone(), port: unit.port, target_port: unit.port, protocol: "TCP" };
            let spec = ServiceSpec { kind, cluster_ip, selector, ports: vec![port] };
            Manifest::Service(Object { api_version: "v1", kind: "Service", metadata: meta(name), body: Spec { spec } })
        };
        manifests.push(service(unit.name.clone(), if unit.entry { "LoadBalancer" } else { "ClusterIP" }, None));
        if let Some(d) = node.discovery.as_ref().filter(|d| d.mode == DiscoveryMode::ClientSide) {
            // Room for the suffix within a DNS label; the table adds `-2` on a clash.
            let name =
                service_names.claim(&format!("{}-headless", names::dns_label(&unit.name, names::DNS_LABEL_MAX - 9)));
            notes.push(discovery::headless_note(&node.name, &name, d));
            manifests.push(service(name, "ClusterIP", Some("None")));
        }

        if let Some(a) = autoscaling {
            manifests.push(Manifest::Hpa(Object {
                api_version: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: meta(unit.name.clone()),
                body: Spec { spec: hpa_spec(&unit.name, a, &node.name, &mut notes) },
            }));
        }

        manifests.push(Manifest::NetworkPolicy(Object {
            api_version: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: meta(unit.name.clone()),
            body: Spec { spec: network_policy(&plan, index) },
        }));

        if node.policies.outlier_ejection.is_some() {
            notes.push(Note::new(NoteKind::Unsupported, &node.name, "outlier ejection: see the Istio export"));
        }
        if node.policies.rate_limit.is_some() {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                "ingress rate limit: needs a gateway or mesh filter",
            ));
        }
        if node.capacity.load_balancer != crate::model::LoadBalancer::RoundRobin {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                "a Service spreads connections without a choice of algorithm: see the Istio export's loadBalancer",
            ));
        }
    }
    for edge in design.edges.iter().filter(|e| e.policy.as_ref().is_some_and(|p| !p.is_empty())) {
        notes.push(Note::new(
            NoteKind::Unsupported,
            super::plan::edge_subject(design, &edge.from, &edge.to),
            "call policies are not Kubernetes objects: see the Istio export",
        ));
    }
    notes.push(Note::new(
        NoteKind::Mapped,
        "design",
        "every NetworkPolicy also allows DNS (port 53) to kube-dns, which name lookups need",
    ));
    notes.push(plan.simulation_only_note());

    if !split {
        let text = super::yaml_multi(ExportFormat::Kubernetes, &manifests)?;
        return Ok((vec![(ExportFormat::Kubernetes.file_name().to_owned(), text)], notes));
    }
    let mut files = Vec::new();
    let mut resources = Vec::new();
    for m in &manifests {
        let (kind, name) = m.kind_and_name();
        let path = format!("{}-{name}.yaml", kind.to_ascii_lowercase());
        files.push((path.clone(), super::yaml(ExportFormat::Kubernetes, m)?));
        resources.push(path);
    }
    let k = Kustomization { api_version: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources };
    files.push(("kustomization.yaml".to_owned(), super::yaml(ExportFormat::Kubernetes, &k)?));
    Ok((files, notes))
}

fn hpa_spec(name: &str, a: &crate::model::Autoscaling, subject: &str, notes: &mut Vec<Note>) -> HpaSpec {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped percent")]
    let percent = (a.target_utilization * 100.0).round().clamp(1.0, 100.0) as u32;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped seconds")]
    let window = a.scale_down_stabilization_s.round().clamp(0.0, MAX_STABILIZATION_S) as u32;
    notes.push(Note::new(
        NoteKind::Approximated,
        subject,
        format!(
            "the simulator scales on busy workers, the HPA on CPU relative to the request: {percent}% is the same \
             target only while CPU tracks busy workers"
        ),
    ));
    #[allow(clippy::float_cmp, reason = "the controller's default is exactly 15 s")]
    if a.evaluation_period_s != 15.0 {
        notes.push(Note::new(
            NoteKind::Unsupported,
            subject,
            format!(
                "evaluation every {} s: the HPA period is the controller's --horizontal-pod-autoscaler-sync-period \
                 (15 s by default)",
                a.evaluation_period_s
            ),
        ));
    }
    if a.cold_start_s > 0.0 {
        notes.push(Note::new(
            NoteKind::Mapped,
            subject,
            format!("cold start of {} s: the readiness probe waits that long before a new pod serves", a.cold_start_s),
        ));
    }
    HpaSpec {
        scale_target_ref: ScaleTarget { api_version: "apps/v1", kind: "Deployment", name: name.to_owned() },
        min_replicas: a.min_replicas.max(1),
        max_replicas: a.max_replicas.max(a.min_replicas.max(1)),
        metrics: vec![Metric {
            kind: "Resource",
            resource: ResourceMetric {
                name: "cpu",
                target: MetricTarget { kind: "Utilization", average_utilization: percent },
            },
        }],
        behavior: Behavior { scale_down: ScalingRules { stabilization_window_seconds: window } },
    }
}

fn network_policy(plan: &Plan<'_>, index: usize) -> NetworkPolicySpec {
    let Some(unit) = plan.units.get(index) else {
        return NetworkPolicySpec {
            pod_selector: selector(""),
            policy_types: ["Ingress", "Egress"],
            ingress: Vec::new(),
            egress: Vec::new(),
        };
    };
    let mut ingress = Vec::new();
    let callers = plan.callers(index);
    if !callers.is_empty() {
        let from = callers
            .iter()
            .filter_map(|&c| plan.units.get(c))
            .map(|c| Peer { namespace_selector: None, pod_selector: selector(&c.name) })
            .collect();
        ingress.push(IngressRule { from, ports: vec![tcp(unit.port)] });
    }
    if unit.entry {
        // Traffic from outside the design: any source, this port only.
        ingress.push(IngressRule { from: Vec::new(), ports: vec![tcp(unit.port)] });
    }
    let mut egress: Vec<EgressRule> = unit
        .deps
        .iter()
        .filter_map(|&d| plan.units.get(d))
        .map(|d| EgressRule {
            to: vec![Peer { namespace_selector: None, pod_selector: selector(&d.name) }],
            ports: vec![tcp(d.port)],
        })
        .collect();
    let mut dns_pods = Map::new();
    dns_pods.push("k8s-app", "kube-dns".to_owned());
    egress.push(EgressRule {
        to: vec![Peer {
            namespace_selector: Some(Selector { match_labels: Map::new() }),
            pod_selector: Selector { match_labels: dns_pods },
        }],
        ports: vec![PolicyPort { protocol: "UDP", port: 53 }, tcp(53)],
    });
    NetworkPolicySpec { pod_selector: selector(&unit.name), policy_types: ["Ingress", "Egress"], ingress, egress }
}
