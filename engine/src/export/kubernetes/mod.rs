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

mod objects;
mod policy;
mod probes;
mod scaling;

use objects::{
    Container, ContainerPort, Data, DeploymentSpec, EnvFrom, EnvVar, Kustomization, Manifest, Meta, NameRef, Object,
    PodMeta, PodSpec, PodTemplate, PolicyPort, Resources, Selector, ServicePort, ServiceSpec, Spec, StatefulSetSpec,
    Volume, VolumeMount,
};
use policy::network_policy;
use scaling::hpa_spec;

use super::discovery;
use super::infra::PLACEHOLDER_PASSWORD;
use super::map::Map;
use super::names;
use super::plan::{Plan, Runtime};
use super::stateful::{self, Replication};
use super::{ExportError, ExportFormat, ExportOptions, Mesh, Note, NoteKind};
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

fn selector(name: &str) -> Selector {
    let mut match_labels = Map::new();
    match_labels.push(NAME_LABEL, name.to_owned());
    Selector { match_labels }
}

/// Whether a unit is discovered client-side (its callers balance themselves).
fn client_side(plan: &Plan<'_>, unit: usize) -> bool {
    plan.units.get(unit).and_then(|u| u.node.discovery.as_ref()).is_some_and(|d| d.mode == DiscoveryMode::ClientSide)
}

/// The headless Service name of each unit that needs one (client-side
/// discovered, or a cluster whose members address each other), claimed before any
/// object is written so that callers' addresses can name it. Headless
/// Services share the Services' namespace: never a workload's name.
pub(crate) fn headless_names(plan: &Plan<'_>) -> Vec<Option<String>> {
    let mut table = names::NameTable::dns();
    for unit in &plan.units {
        table.reserve(&unit.name);
    }
    (0..plan.units.len())
        .map(|i| {
            let unit = plan.units.get(i)?;
            let cluster = matches!(stateful::replication(unit, true, &mut Vec::new()), Replication::KafkaCluster(_));
            // Room for the suffix within a DNS label; the table adds `-2` on a clash.
            (client_side(plan, i) || cluster)
                .then(|| table.claim(&format!("{}-headless", names::dns_label(&unit.name, names::DNS_LABEL_MAX - 9))))
        })
        .collect()
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
pub(super) fn export(design: &Design, options: ExportOptions) -> Result<super::Output, ExportError> {
    let (split, mesh) = (options.split, options.mesh);
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
    let headless = headless_names(&plan);
    let part_of = {
        let p = names::dns_label(&design.name, names::DNS_LABEL_MAX);
        if p.is_empty() { "switchboard".to_owned() } else { p }
    };
    let mut manifests = Vec::new();
    for (index, unit) in plan.units.iter().enumerate() {
        let node = unit.node;
        let replication = stateful::replication(unit, true, &mut notes);
        let cluster_headless = match replication {
            Replication::KafkaCluster(_) => headless.get(index).cloned().flatten(),
            Replication::Copies(_) | Replication::Single { .. } => None,
        };
        let labels = || {
            let mut l = Map::new();
            l.push(NAME_LABEL, unit.name.clone());
            l.push(APP_LABEL, unit.name.clone());
            l.push("app.kubernetes.io/part-of", part_of.clone());
            l
        };
        let mut pod_labels = labels();
        if mesh == Some(Mesh::Istio) {
            // Injection on the pod itself, whatever the namespace's label.
            pod_labels.push("sidecar.istio.io/inject", "true".to_owned());
        }
        let meta = |name: String| {
            let mut annotations = Map::new();
            annotations.push("switchboard/node", node.name.clone());
            if let Some(g) = &node.group {
                annotations.push("switchboard/group", g.clone());
            }
            Meta { name, labels: labels(), annotations }
        };

        // A client-side discovered dependency is reached through its headless
        // Service, whose DNS answers are the pods themselves, so the caller
        // balances over them as it would over the registry's instances.
        let dependency_env: Vec<(String, String)> = unit
            .deps
            .iter()
            .map(|&d| {
                let host = headless.get(d).and_then(Option::as_deref).filter(|_| client_side(&plan, d));
                let url = match host {
                    Some(h) => plan.url_with_host(d, h),
                    None => plan.url(d),
                };
                (plan.env_key(d), url)
            })
            .collect();
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

        // A gateway's own configuration, mounted over the image's.
        let host_of = |d: usize| {
            let headless = headless.get(d).and_then(Option::as_deref).filter(|_| client_side(&plan, d));
            headless.map_or_else(|| plan.units.get(d).map(|u| u.name.clone()).unwrap_or_default(), str::to_owned)
        };
        let gateway = super::gateway::config(&plan, index, ExportFormat::Kubernetes, &host_of, &mut notes)?;
        let mut volumes = Vec::new();
        let mut volume_mounts = Vec::new();
        if let Some(g) = &gateway {
            let name = format!("{}-config", unit.name);
            let mut data = Map::new();
            data.push(g.file_name, g.text.clone());
            manifests.push(Manifest::ConfigMap(Object {
                api_version: "v1",
                kind: "ConfigMap",
                metadata: meta(name.clone()),
                body: Data { data },
            }));
            volumes.push(Volume { name: "gateway-config", config_map: NameRef { name } });
            volume_mounts.push(VolumeMount { name: "gateway-config", mount_path: g.mount_dir, read_only: true });
        }

        let mut env = Vec::new();
        let mut command = Vec::new();
        let mut args = Vec::new();
        let autoscaling = node.policies.autoscaling.as_ref();
        match &unit.runtime {
            Runtime::Infra { infra, .. } => {
                let pairs = match (&cluster_headless, replication) {
                    (Some(h), Replication::KafkaCluster(n)) => {
                        command = vec!["sh".to_owned(), "-c".to_owned(), stateful::kafka_start(h)];
                        let id = stateful::kafka_cluster_id(&format!("{}/{}", part_of, unit.name));
                        stateful::kafka_cluster_env(&unit.name, h, n, id)
                    }
                    _ => super::infra::environment(infra, &unit.name),
                };
                for (k, v) in pairs {
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
                if node.kind == crate::model::NodeKind::Database {
                    notes.push(Note::new(
                        NoteKind::Unsupported,
                        &node.name,
                        "runs as a Deployment without a volume: data is lost on restart (add a \
                         PersistentVolumeClaim or use an operator)",
                    ));
                }
            }
            Runtime::App { .. } if unit.listens => {
                env.push(EnvVar { name: "PORT".into(), value: unit.port.to_string() });
            }
            Runtime::App { .. } => {}
        }
        let probe = probes::readiness(unit, gateway.as_ref().map(|g| g.health_path.as_str()), &mut notes);

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
        let container = Container {
            name: unit.name.clone(),
            image: unit.image().to_owned(),
            command,
            args,
            ports: if unit.listens {
                let mut ports =
                    vec![ContainerPort { name: port_name.clone(), container_port: unit.port, protocol: "TCP" }];
                if cluster_headless.is_some() {
                    ports.push(ContainerPort {
                        name: "tcp-controller".to_owned(),
                        container_port: stateful::KAFKA_CONTROLLER_PORT,
                        protocol: "TCP",
                    });
                }
                ports
            } else {
                Vec::new()
            },
            env,
            env_from,
            resources,
            readiness_probe: probe,
            volume_mounts,
        };
        let template = PodTemplate {
            metadata: PodMeta { labels: pod_labels.clone() },
            spec: PodSpec { containers: vec![container], volumes },
        };
        let autoscaled = autoscaling.filter(|_| matches!(replication, Replication::Copies(_)));
        if autoscaling.is_some() && autoscaled.is_none() {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                "autoscaling a store's replicas would add members without identities: no HorizontalPodAutoscaler",
            ));
        }
        manifests.push(match (&cluster_headless, replication) {
            (Some(h), Replication::KafkaCluster(n)) => Manifest::StatefulSet(Object {
                api_version: "apps/v1",
                kind: "StatefulSet",
                metadata: meta(unit.name.clone()),
                body: Spec {
                    spec: StatefulSetSpec {
                        service_name: h.clone(),
                        replicas: n,
                        // A quorum forms only once its voters run: start them together.
                        pod_management_policy: "Parallel",
                        selector: selector(&unit.name),
                        template,
                    },
                },
            }),
            _ => Manifest::Deployment(Object {
                api_version: "apps/v1",
                kind: "Deployment",
                metadata: meta(unit.name.clone()),
                body: Spec {
                    spec: DeploymentSpec {
                        replicas: autoscaled.is_none().then_some(replication.replicas()),
                        selector: selector(&unit.name),
                        template,
                    },
                },
            }),
        });

        let service = |name: String, kind: &'static str, cluster_ip: Option<&'static str>| {
            let mut selector = Map::new();
            selector.push(NAME_LABEL, unit.name.clone());
            let port =
                ServicePort { name: port_name.clone(), port: unit.port, target_port: unit.port, protocol: "TCP" };
            let mut ports = vec![port];
            // A cluster's members reach each other's quorum port by pod name, before they are Ready.
            let cluster = cluster_ip.is_some() && cluster_headless.is_some();
            if cluster {
                ports.push(ServicePort {
                    name: "tcp-controller".to_owned(),
                    port: stateful::KAFKA_CONTROLLER_PORT,
                    target_port: stateful::KAFKA_CONTROLLER_PORT,
                    protocol: "TCP",
                });
            }
            let publish_not_ready_addresses = cluster.then_some(true);
            let spec = ServiceSpec { kind, cluster_ip, publish_not_ready_addresses, selector, ports };
            Manifest::Service(Object { api_version: "v1", kind: "Service", metadata: meta(name), body: Spec { spec } })
        };
        if unit.listens {
            manifests.push(service(unit.name.clone(), if unit.entry { "LoadBalancer" } else { "ClusterIP" }, None));
        }
        if let (Some(d), Some(name)) = (
            node.discovery.as_ref().filter(|d| d.mode == DiscoveryMode::ClientSide),
            headless.get(index).cloned().flatten(),
        ) {
            let callers: Vec<&str> =
                plan.callers(index).iter().filter_map(|&c| plan.units.get(c)).map(|c| c.name.as_str()).collect();
            notes.push(discovery::headless_note(&node.name, &name, d, &callers));
            manifests.push(service(name, "ClusterIP", Some("None")));
        } else if let Some(name) = cluster_headless.clone() {
            manifests.push(service(name, "ClusterIP", Some("None")));
        }

        if let Some(a) = autoscaled {
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
            body: Spec {
                spec: network_policy(
                    &plan,
                    index,
                    if cluster_headless.is_some() { &[9092, stateful::KAFKA_CONTROLLER_PORT] } else { &[] },
                    mesh,
                ),
            },
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
    notes.push(match mesh {
        Some(Mesh::Istio) => Note::new(
            NoteKind::Mapped,
            "design",
            format!(
                "--mesh istio: pods carry `sidecar.istio.io/inject: \"true\"`; every NetworkPolicy lets the sidecar \
                 reach istiod ({}/app=istiod, port {}) and admits the sidecar's ports {} (probes, readiness, metrics)",
                policy::ISTIO_NAMESPACE,
                policy::ISTIOD_XDS_PORT,
                policy::SIDECAR_PORTS.map(|p| p.to_string()).join(", ")
            ),
        ),
        None => Note::new(
            NoteKind::Mapped,
            "design",
            "no mesh: with the Istio export, export with --mesh istio, or these NetworkPolicies keep the sidecars \
             from istiod and no pod becomes Ready",
        ),
    });
    if let Some(note) = super::plan::groups_note(design, "the `switchboard/group` annotation") {
        notes.push(note);
    }
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
