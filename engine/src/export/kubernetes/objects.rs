//! The Kubernetes objects the export writes, as typed structures for the
//! YAML serializer: only the fields the export sets, in the API's order.

use serde::Serialize;

use super::super::map::Map;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Meta {
    pub(super) name: String,
    pub(super) labels: Map<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub(super) annotations: Map<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Object<S> {
    pub(super) api_version: &'static str,
    pub(super) kind: &'static str,
    pub(super) metadata: Meta,
    #[serde(flatten)]
    pub(super) body: S,
}

#[derive(Serialize)]
pub(super) struct Data {
    pub(super) data: Map<String>,
}

#[derive(Serialize)]
pub(super) struct Spec<T> {
    pub(super) spec: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DeploymentSpec {
    /// Left out under an HPA, which owns the count: a re-applied manifest
    /// would otherwise reset the replicas the HPA chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) replicas: Option<u32>,
    pub(super) selector: Selector,
    pub(super) template: PodTemplate,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatefulSetSpec {
    pub(super) service_name: String,
    pub(super) replicas: u32,
    pub(super) pod_management_policy: &'static str,
    pub(super) selector: Selector,
    pub(super) template: PodTemplate,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Selector {
    pub(super) match_labels: Map<String>,
}

#[derive(Serialize)]
pub(super) struct PodTemplate {
    pub(super) metadata: PodMeta,
    pub(super) spec: PodSpec,
}

#[derive(Serialize)]
pub(super) struct PodMeta {
    pub(super) labels: Map<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PodSpec {
    pub(super) containers: Vec<Container>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) volumes: Vec<Volume>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Volume {
    pub(super) name: &'static str,
    pub(super) config_map: NameRef,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VolumeMount {
    pub(super) name: &'static str,
    pub(super) mount_path: &'static str,
    pub(super) read_only: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Container {
    pub(super) name: String,
    pub(super) image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) command: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) args: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) ports: Vec<ContainerPort>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) env_from: Vec<EnvFrom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) resources: Option<Resources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) readiness_probe: Option<Probe>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) volume_mounts: Vec<VolumeMount>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContainerPort {
    pub(super) name: String,
    pub(super) container_port: u16,
    pub(super) protocol: &'static str,
}

#[derive(Serialize)]
pub(super) struct EnvVar {
    pub(super) name: String,
    pub(super) value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EnvFrom {
    pub(super) config_map_ref: NameRef,
}

#[derive(Serialize)]
pub(super) struct NameRef {
    pub(super) name: String,
}

#[derive(Serialize)]
pub(super) struct Resources {
    pub(super) requests: Map<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Probe {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) http_get: Option<HttpGet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) exec: Option<Exec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) tcp_socket: Option<TcpSocket>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) initial_delay_seconds: Option<u32>,
    pub(super) period_seconds: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) timeout_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) failure_threshold: Option<u32>,
}

#[derive(Serialize)]
pub(super) struct HttpGet {
    pub(super) path: String,
    pub(super) port: u16,
}

#[derive(Serialize)]
pub(super) struct Exec {
    pub(super) command: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct TcpSocket {
    pub(super) port: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ServiceSpec {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    #[serde(rename = "clusterIP", skip_serializing_if = "Option::is_none")]
    pub(super) cluster_ip: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) publish_not_ready_addresses: Option<bool>,
    pub(super) selector: Map<String>,
    pub(super) ports: Vec<ServicePort>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ServicePort {
    pub(super) name: String,
    pub(super) port: u16,
    pub(super) target_port: u16,
    pub(super) protocol: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HpaSpec {
    pub(super) scale_target_ref: ScaleTarget,
    pub(super) min_replicas: u32,
    pub(super) max_replicas: u32,
    pub(super) metrics: Vec<Metric>,
    pub(super) behavior: Behavior,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScaleTarget {
    pub(super) api_version: &'static str,
    pub(super) kind: &'static str,
    pub(super) name: String,
}

#[derive(Serialize)]
pub(super) struct Metric {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) resource: ResourceMetric,
}

#[derive(Serialize)]
pub(super) struct ResourceMetric {
    pub(super) name: &'static str,
    pub(super) target: MetricTarget,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MetricTarget {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) average_utilization: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Behavior {
    pub(super) scale_up: ScalingRules,
    pub(super) scale_down: ScalingRules,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScalingRules {
    pub(super) stabilization_window_seconds: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) select_policy: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) policies: Vec<ScalingPolicy>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScalingPolicy {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) value: u32,
    pub(super) period_seconds: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NetworkPolicySpec {
    pub(super) pod_selector: Selector,
    pub(super) policy_types: [&'static str; 2],
    pub(super) ingress: Vec<IngressRule>,
    pub(super) egress: Vec<EgressRule>,
}

#[derive(Serialize)]
pub(super) struct IngressRule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) from: Vec<Peer>,
    pub(super) ports: Vec<PolicyPort>,
}

#[derive(Serialize)]
pub(super) struct EgressRule {
    pub(super) to: Vec<Peer>,
    pub(super) ports: Vec<PolicyPort>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Peer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) namespace_selector: Option<Selector>,
    pub(super) pod_selector: Selector,
}

#[derive(Serialize)]
pub(super) struct PolicyPort {
    pub(super) protocol: &'static str,
    pub(super) port: u16,
}

/// Any manifest, for one multi-document stream.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Manifest {
    ConfigMap(Object<Data>),
    Deployment(Object<Spec<DeploymentSpec>>),
    StatefulSet(Object<Spec<StatefulSetSpec>>),
    Service(Object<Spec<ServiceSpec>>),
    Hpa(Object<Spec<HpaSpec>>),
    NetworkPolicy(Object<Spec<NetworkPolicySpec>>),
}

impl Manifest {
    pub(super) fn kind_and_name(&self) -> (&'static str, &str) {
        match self {
            Self::ConfigMap(o) => (o.kind, &o.metadata.name),
            Self::Deployment(o) => (o.kind, &o.metadata.name),
            Self::StatefulSet(o) => (o.kind, &o.metadata.name),
            Self::Service(o) => (o.kind, &o.metadata.name),
            Self::Hpa(o) => (o.kind, &o.metadata.name),
            Self::NetworkPolicy(o) => (o.kind, &o.metadata.name),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Kustomization {
    pub(super) api_version: &'static str,
    pub(super) kind: &'static str,
    pub(super) resources: Vec<String>,
}
