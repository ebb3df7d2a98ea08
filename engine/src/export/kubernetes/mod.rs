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

/// The Kubernetes export, in phases that read top to bottom: the plan and
/// the names every object needs, then each node's objects in file order,
/// then the design-wide notes, then the files.
pub(super) fn export(design: &Design, options: ExportOptions) -> Result<super::Output, ExportError> {
    let mut plan = Plan::build_platform(design);
    if plan.units.is_empty() {
        return Err(ExportError::Empty {
            format: ExportFormat::Kubernetes,
            reason: "the design has no deployable node (clients and receivers are not deployed)".into(),
        });
    }
    let mut notes = std::mem::take(&mut plan.notes);
    for registry in &plan.dropped_registries {
        notes.push(discovery::registry_replaced(
            &registry.name,
            crate::msg!("engine-export-k8s-replaced-by", "Kubernetes Services and endpoints"),
        ));
    }
    let headless = headless_names(&plan);
    let part_of = {
        let p = names::dns_label(&design.name, names::DNS_LABEL_MAX);
        if p.is_empty() { "switchboard".to_owned() } else { p }
    };
    let mut manifests = Vec::new();
    for (index, unit) in plan.units.iter().enumerate() {
        let replication = stateful::replication(unit, true, &mut notes);
        let cluster_headless = match replication {
            Replication::KafkaCluster(_) => headless.get(index).cloned().flatten(),
            Replication::Copies(_) | Replication::Single { .. } => None,
        };
        let u = UnitObjects {
            plan: &plan,
            headless: &headless,
            index,
            unit,
            replication,
            cluster_headless,
            part_of: &part_of,
            mesh: options.mesh,
        };
        u.write(&mut manifests, &mut notes)?;
    }
    design_notes(design, &plan, options.mesh, &mut notes);
    files(&manifests, notes, options.split)
}

/// One deployable node and what its objects share: names, labels, how its
/// replicas are deployed.
struct UnitObjects<'a, 'd> {
    plan: &'a Plan<'d>,
    headless: &'a [Option<String>],
    index: usize,
    unit: &'a super::plan::Unit<'d>,
    replication: Replication,
    /// The headless Service of a cluster whose members address each other.
    cluster_headless: Option<String>,
    part_of: &'a str,
    mesh: Option<Mesh>,
}

/// What a node's container runs with: environment, command and arguments.
struct Launch {
    env: Vec<EnvVar>,
    command: Vec<String>,
    args: Vec<String>,
}

impl UnitObjects<'_, '_> {
    /// The node's objects, in file order: ConfigMaps, the workload,
    /// Services, the autoscaler, the NetworkPolicy; then its notes.
    fn write(&self, manifests: &mut Vec<Manifest>, notes: &mut Vec<Note>) -> Result<(), ExportError> {
        let mut env_from = Vec::new();
        if let Some(map) = self.dependency_config_map() {
            env_from.push(EnvFrom { config_map_ref: NameRef { name: map.metadata.name.clone() } });
            manifests.push(Manifest::ConfigMap(map));
        }
        // A gateway's own configuration, mounted over the image's.
        let host_of = |d: usize| {
            let headless = self.headless.get(d).and_then(Option::as_deref).filter(|_| client_side(self.plan, d));
            headless.map_or_else(|| self.plan.units.get(d).map(|u| u.name.clone()).unwrap_or_default(), str::to_owned)
        };
        let gateway = super::gateway::config(self.plan, self.index, ExportFormat::Kubernetes, &host_of, notes)?;
        let mut volumes = Vec::new();
        let mut volume_mounts = Vec::new();
        if let Some(g) = &gateway {
            let name = format!("{}-config", self.unit.name);
            let mut data = Map::new();
            data.push(g.file_name, g.text.clone());
            manifests.push(Manifest::ConfigMap(Object {
                api_version: "v1",
                kind: "ConfigMap",
                metadata: self.meta(name.clone()),
                body: Data { data },
            }));
            volumes.push(Volume { name: "gateway-config", config_map: NameRef { name } });
            volume_mounts.push(VolumeMount { name: "gateway-config", mount_path: g.mount_dir, read_only: true });
        }
        let launch = self.launch(notes);
        let probe = probes::readiness(self.unit, gateway.as_ref().map(|g| g.health_path.as_str()), notes);
        let resources = self.resources(notes);
        let container = Container {
            name: self.unit.name.clone(),
            image: self.unit.image().to_owned(),
            command: launch.command,
            args: launch.args,
            ports: self.container_ports(),
            env: launch.env,
            env_from,
            resources,
            readiness_probe: probe,
            volume_mounts,
        };
        let template = PodTemplate {
            metadata: PodMeta { labels: self.pod_labels() },
            spec: PodSpec { containers: vec![container], volumes },
        };
        let autoscaling = self.unit.node.policies.autoscaling.as_ref();
        let autoscaled = autoscaling.filter(|_| matches!(self.replication, Replication::Copies(_)));
        if autoscaling.is_some() && autoscaled.is_none() {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &self.unit.node.name,
                crate::msg!(
                    "engine-export-k8s-store-autoscaling",
                    "autoscaling a store's replicas would add members without identities: no HorizontalPodAutoscaler"
                ),
            ));
        }
        manifests.push(self.workload(template, autoscaled.is_some()));
        self.services(manifests, notes);
        if let Some(a) = autoscaled {
            manifests.push(Manifest::Hpa(Object {
                api_version: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: self.meta(self.unit.name.clone()),
                body: Spec { spec: hpa_spec(&self.unit.name, a, &self.unit.node.name, notes) },
            }));
        }
        manifests.push(Manifest::NetworkPolicy(Object {
            api_version: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: self.meta(self.unit.name.clone()),
            body: Spec {
                spec: network_policy(
                    self.plan,
                    self.index,
                    if self.cluster_headless.is_some() { &[9092, stateful::KAFKA_CONTROLLER_PORT] } else { &[] },
                    self.mesh,
                ),
            },
        }));
        self.unsupported_notes(notes);
        Ok(())
    }

    fn labels(&self) -> Map<String> {
        let mut l = Map::new();
        l.push(NAME_LABEL, self.unit.name.clone());
        l.push(APP_LABEL, self.unit.name.clone());
        l.push("app.kubernetes.io/part-of", self.part_of.to_owned());
        l
    }

    fn pod_labels(&self) -> Map<String> {
        let mut labels = self.labels();
        if self.mesh == Some(Mesh::Istio) {
            // Injection on the pod itself, whatever the namespace's label.
            labels.push("sidecar.istio.io/inject", "true".to_owned());
        }
        labels
    }

    fn meta(&self, name: String) -> Meta {
        let node = self.unit.node;
        let mut annotations = Map::new();
        annotations.push("switchboard/node", node.name.clone());
        // The kind an image cannot tell (Redis as a broker): read back on import.
        annotations.push("switchboard/kind", node.kind.as_str().to_owned());
        if let Some(g) = &node.group {
            annotations.push("switchboard/group", g.clone());
        }
        Meta { name, labels: self.labels(), annotations }
    }

    /// The ConfigMap of the node's dependency URLs, when it has any. A
    /// client-side discovered dependency is reached through its headless
    /// Service, whose DNS answers are the pods themselves, so the caller
    /// balances over them as it would over the registry's instances.
    fn dependency_config_map(&self) -> Option<Object<Data>> {
        let plan = self.plan;
        if self.unit.deps.is_empty() {
            return None;
        }
        let mut data = Map::new();
        for &d in &self.unit.deps {
            let host = self.headless.get(d).and_then(Option::as_deref).filter(|_| client_side(plan, d));
            let url = match host {
                Some(h) => plan.url_with_host(d, h),
                None => plan.url(d),
            };
            data.push(plan.env_key(d), url);
        }
        Some(Object {
            api_version: "v1",
            kind: "ConfigMap",
            metadata: self.meta(config_map_name(&self.unit.name)),
            body: Data { data },
        })
    }

    /// Environment, command and arguments: an image's own settings for
    /// infrastructure (a Kafka cluster's identities from the pod's ordinal),
    /// the port for an application that listens.
    fn launch(&self, notes: &mut Vec<Note>) -> Launch {
        let (unit, node) = (self.unit, self.unit.node);
        let mut launch = Launch { env: Vec::new(), command: Vec::new(), args: Vec::new() };
        match &unit.runtime {
            Runtime::Infra { infra, .. } => {
                let pairs = match (&self.cluster_headless, self.replication) {
                    (Some(h), Replication::KafkaCluster(n)) => {
                        launch.command = vec!["sh".to_owned(), "-c".to_owned(), stateful::kafka_start(h)];
                        let id = stateful::kafka_cluster_id(&format!("{}/{}", self.part_of, unit.name));
                        stateful::kafka_cluster_env(&unit.name, h, n, id)
                    }
                    _ => super::infra::environment(infra, &unit.name),
                };
                for (k, v) in pairs {
                    launch.env.push(EnvVar { name: k, value: v });
                }
                if infra.has_password {
                    notes.push(Note::new(
                        NoteKind::Placeholder,
                        &node.name,
                        crate::msg!(
                            "engine-export-k8s-password",
                            "password `{password}` in plain env and URLs: move it to a Secret",
                            password = PLACEHOLDER_PASSWORD
                        ),
                    ));
                }
                launch.args = infra.args.iter().map(|a| (*a).to_owned()).collect();
                if node.kind == crate::model::NodeKind::Database {
                    notes.push(Note::new(
                        NoteKind::Unsupported,
                        &node.name,
                        crate::msg!(
                            "engine-export-k8s-no-volume",
                            "runs as a Deployment without a volume: data is lost on restart (add a \
                             PersistentVolumeClaim or use an operator)"
                        ),
                    ));
                }
            }
            Runtime::App { .. } if unit.listens => {
                launch.env.push(EnvVar { name: "PORT".into(), value: unit.port.to_string() });
            }
            Runtime::App { .. } => {}
        }
        launch
    }

    /// CPU and memory requests; autoscaling needs a CPU request, so one is
    /// assumed (and reported) when the design has none.
    fn resources(&self, notes: &mut Vec<Note>) -> Option<Resources> {
        let node = self.unit.node;
        let mut requests = Map::new();
        let cpu = match (node.deployment.cpu_millicores, node.policies.autoscaling.as_ref()) {
            (Some(m), _) => Some(m),
            (None, Some(_)) => {
                notes.push(Note::new(
                    NoteKind::Placeholder,
                    &node.name,
                    crate::msg!(
                        "engine-export-k8s-cpu-request",
                        "autoscaling needs a CPU request: {millicores}m assumed",
                        millicores = DEFAULT_CPU_MILLICORES
                    ),
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
        (!requests.is_empty()).then_some(Resources { requests })
    }

    fn container_ports(&self) -> Vec<ContainerPort> {
        if !self.unit.listens {
            return Vec::new();
        }
        let mut ports = vec![ContainerPort {
            name: port_name(self.plan, self.index),
            container_port: self.unit.port,
            protocol: "TCP",
        }];
        if self.cluster_headless.is_some() {
            ports.push(ContainerPort {
                name: "tcp-controller".to_owned(),
                container_port: stateful::KAFKA_CONTROLLER_PORT,
                protocol: "TCP",
            });
        }
        ports
    }

    /// A StatefulSet for a cluster whose members need identities, otherwise
    /// a Deployment (without `replicas` when an autoscaler owns them).
    fn workload(&self, template: PodTemplate, autoscaled: bool) -> Manifest {
        let name = &self.unit.name;
        match (&self.cluster_headless, self.replication) {
            (Some(h), Replication::KafkaCluster(n)) => Manifest::StatefulSet(Object {
                api_version: "apps/v1",
                kind: "StatefulSet",
                metadata: self.meta(name.clone()),
                body: Spec {
                    spec: StatefulSetSpec {
                        service_name: h.clone(),
                        replicas: n,
                        // A quorum forms only once its voters run: start them together.
                        pod_management_policy: "Parallel",
                        selector: selector(name),
                        template,
                    },
                },
            }),
            _ => Manifest::Deployment(Object {
                api_version: "apps/v1",
                kind: "Deployment",
                metadata: self.meta(name.clone()),
                body: Spec {
                    spec: DeploymentSpec {
                        replicas: (!autoscaled).then_some(self.replication.replicas()),
                        selector: selector(name),
                        template,
                    },
                },
            }),
        }
    }

    fn service(&self, name: String, kind: &'static str, cluster_ip: Option<&'static str>) -> Manifest {
        let mut selector = Map::new();
        selector.push(NAME_LABEL, self.unit.name.clone());
        let port = ServicePort {
            name: port_name(self.plan, self.index),
            port: self.unit.port,
            target_port: self.unit.port,
            protocol: "TCP",
        };
        let mut ports = vec![port];
        // A cluster's members reach each other's quorum port by pod name, before they are Ready.
        let cluster = cluster_ip.is_some() && self.cluster_headless.is_some();
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
        Manifest::Service(Object { api_version: "v1", kind: "Service", metadata: self.meta(name), body: Spec { spec } })
    }

    /// The node's Service (a LoadBalancer where traffic enters) and its
    /// headless Service, for client-side discovery or a cluster.
    fn services(&self, manifests: &mut Vec<Manifest>, notes: &mut Vec<Note>) {
        let (unit, node) = (self.unit, self.unit.node);
        if unit.listens {
            manifests.push(self.service(
                unit.name.clone(),
                if unit.entry { "LoadBalancer" } else { "ClusterIP" },
                None,
            ));
        }
        if let (Some(d), Some(name)) = (
            node.discovery.as_ref().filter(|d| d.mode == DiscoveryMode::ClientSide),
            self.headless.get(self.index).cloned().flatten(),
        ) {
            let callers: Vec<&str> = self
                .plan
                .callers(self.index)
                .iter()
                .filter_map(|&c| self.plan.units.get(c))
                .map(|c| c.name.as_str())
                .collect();
            notes.push(discovery::headless_note(&node.name, &name, d, &callers));
            manifests.push(self.service(name, "ClusterIP", Some("None")));
        } else if let Some(name) = self.cluster_headless.clone() {
            manifests.push(self.service(name, "ClusterIP", Some("None")));
        }
    }

    /// Node policies no Kubernetes object expresses.
    fn unsupported_notes(&self, notes: &mut Vec<Note>) {
        let node = self.unit.node;
        if node.policies.outlier_ejection.is_some() {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                crate::msg!("engine-export-k8s-ejection", "outlier ejection: see the Istio export"),
            ));
        }
        if node.policies.rate_limit.is_some() {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                crate::msg!("engine-export-k8s-rate-limit", "ingress rate limit: needs a gateway or mesh filter"),
            ));
        }
        if node.capacity.load_balancer != crate::model::LoadBalancer::RoundRobin {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                crate::msg!(
                    "engine-export-k8s-load-balancer",
                    "a Service spreads connections without a choice of algorithm: see the Istio export's loadBalancer"
                ),
            ));
        }
    }
}

/// Notes of the whole design: call policies, DNS, the mesh, groups and what
/// only the simulator uses.
fn design_notes(design: &Design, plan: &Plan<'_>, mesh: Option<Mesh>, notes: &mut Vec<Note>) {
    for edge in design.edges.iter().filter(|e| e.policy.as_ref().is_some_and(|p| !p.is_empty())) {
        notes.push(Note::new(
            NoteKind::Unsupported,
            super::plan::edge_subject(design, &edge.from, &edge.to),
            crate::msg!(
                "engine-export-k8s-call-policy",
                "call policies are not Kubernetes objects: see the Istio export"
            ),
        ));
    }
    notes.push(Note::new(
        NoteKind::Mapped,
        "design",
        crate::msg!(
            "engine-export-k8s-dns",
            "every NetworkPolicy also allows DNS (port 53) to kube-dns, which name lookups need"
        ),
    ));
    notes.push(match mesh {
        Some(Mesh::Istio) => Note::new(
            NoteKind::Mapped,
            "design",
            crate::msg!(
                "engine-export-k8s-mesh-istio",
                "--mesh istio: pods carry `sidecar.istio.io/inject: \"true\"`; every NetworkPolicy lets the sidecar \
                 reach istiod ({namespace}/app=istiod, port {port}) and admits the sidecar's ports {ports} (probes, \
                 readiness, metrics)",
                namespace = policy::ISTIO_NAMESPACE,
                port = policy::ISTIOD_XDS_PORT,
                ports = policy::SIDECAR_PORTS.map(|p| p.to_string()).join(", ")
            ),
        ),
        None => Note::new(
            NoteKind::Mapped,
            "design",
            crate::msg!(
                "engine-export-k8s-no-mesh",
                "no mesh: with the Istio export, export with --mesh istio, or these NetworkPolicies keep the sidecars \
                 from istiod and no pod becomes Ready"
            ),
        ),
    });
    if let Some(note) = super::plan::groups_note(
        design,
        crate::msg!("engine-export-k8s-group-annotation", "the `switchboard/group` annotation"),
    ) {
        notes.push(note);
    }
    notes.push(plan.simulation_only_note());
}

/// One multi-document file, or (`split`) one file per object and a
/// `kustomization.yaml` listing them.
fn files(manifests: &[Manifest], notes: Vec<Note>, split: bool) -> Result<super::Output, ExportError> {
    if !split {
        let text = super::yaml_multi(ExportFormat::Kubernetes, manifests)?;
        return Ok((vec![(ExportFormat::Kubernetes.file_name().to_owned(), text)], notes));
    }
    let mut files = Vec::new();
    let mut resources = Vec::new();
    for m in manifests {
        let (kind, name) = m.kind_and_name();
        let path = format!("{}-{name}.yaml", kind.to_ascii_lowercase());
        files.push((path.clone(), super::yaml(ExportFormat::Kubernetes, m)?));
        resources.push(path);
    }
    let k = Kustomization { api_version: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources };
    files.push(("kustomization.yaml".to_owned(), super::yaml(ExportFormat::Kubernetes, &k)?));
    Ok((files, notes))
}
