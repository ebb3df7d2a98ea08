//! Nodes: services and the infrastructure users draw next to them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Discovery, Distribution, NodeCost};

/// What a node is. The kind decides how it is drawn, which edges fit it, and
/// what the exporters deploy for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// An application service.
    #[default]
    Service,
    /// An API gateway or edge proxy (nginx, Envoy).
    Gateway,
    /// A database (Postgres, MySQL).
    Database,
    /// A cache (Redis, Memcached); see `cache.hit_ratio`.
    Cache,
    /// A message broker (RabbitMQ queue, Kafka topic, NATS); see `broker`.
    Broker,
    /// An external client or load source; workloads usually enter here.
    Client,
    /// An in-process signal receiver hosted by a service (see `host`): it runs
    /// on its host's worker and is never deployed on its own.
    Receiver,
    /// A service registry (Consul, etcd, ZooKeeper, Eureka): services register
    /// their instances with it and client-side callers look them up (see a
    /// service's `discovery`).
    Registry,
}

impl NodeKind {
    /// Every kind, in palette order.
    pub const ALL: [Self; 8] = [
        Self::Service,
        Self::Gateway,
        Self::Database,
        Self::Cache,
        Self::Broker,
        Self::Registry,
        Self::Client,
        Self::Receiver,
    ];

    /// The snake_case name used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Gateway => "gateway",
            Self::Database => "database",
            Self::Cache => "cache",
            Self::Broker => "broker",
            Self::Client => "client",
            Self::Receiver => "receiver",
            Self::Registry => "registry",
        }
    }

    /// Whether exporters deploy this node as its own workload.
    #[must_use]
    pub fn is_deployable(self) -> bool {
        !matches!(self, Self::Receiver | Self::Client)
    }
}

/// A point in canvas coordinates (logical pixels at zoom 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Horizontal, growing to the right.
    pub x: f32,
    /// Vertical, growing downwards.
    pub y: f32,
}

/// How a node's replicas pick up requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancer {
    /// Each replica in turn.
    #[default]
    RoundRobin,
    /// A uniformly random replica.
    Random,
    /// The replica with the fewest requests queued or in service.
    LeastOutstanding,
    /// Two random replicas, the less loaded of them (Envoy's default LEAST_REQUEST).
    PowerOfTwo,
}

/// What a worker does while its request waits on downstream calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Concurrency {
    /// The worker is held while the request waits (Django/Flask sync workers).
    #[default]
    Blocking,
    /// The worker is released while waiting (tokio, Twisted, Node.js).
    Async,
}

fn one() -> u32 {
    1
}

/// Replicas, workers and queues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Replicas (instances) behind the load balancer.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = crate::model::limits::MAX_REPLICAS_PER_NODE))]
    pub replicas: u32,
    /// Workers (concurrent requests in service) per replica.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub workers: u32,
    /// Capacity of each replica's FIFO queue (waiting requests, not counting
    /// those in service); absent means unbounded. A full queue rejects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_capacity: Option<u32>,
    /// How requests are spread over replicas.
    #[serde(default)]
    pub load_balancer: LoadBalancer,
    /// Whether workers are held while waiting on downstream calls.
    #[serde(default)]
    pub concurrency: Concurrency,
}

impl Default for Capacity {
    fn default() -> Self {
        Self {
            replicas: 1,
            workers: 1,
            queue_capacity: None,
            load_balancer: LoadBalancer::default(),
            concurrency: Concurrency::default(),
        }
    }
}

/// A named operation (endpoint) of a node with its own service time; edges
/// with a matching `operation` are its steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The operation's name, e.g. `GET /cart`.
    pub name: String,
    /// Service time of this operation; absent means the node's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time: Option<Distribution>,
}

/// Container healthcheck used by exporters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Healthcheck {
    /// HTTP path probed, e.g. `/healthz`.
    pub path: String,
    /// Seconds between probes.
    #[serde(default = "default_interval_s")]
    pub interval_s: f64,
}

fn default_interval_s() -> f64 {
    10.0
}

/// Deployment metadata, read only by the exporters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Container image, e.g. `ghcr.io/acme/orders:1.4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Port the service listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// CPU request per replica in millicores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_millicores: Option<u32>,
    /// Memory request per replica in MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u32>,
    /// Healthcheck for readiness probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
}

impl Deployment {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Token-bucket rate limiter at the node's ingress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Sustained rate in requests per second.
    pub rate_per_s: f64,
    /// Bucket size (burst) in requests.
    pub burst: u32,
}

/// Outlier ejection of unhealthy replicas, as Envoy's outlier detection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutlierEjection {
    /// Consecutive errors that eject a replica.
    pub consecutive_errors: u32,
    /// Seconds between ejection sweeps.
    pub interval_s: f64,
    /// Base ejection time in seconds.
    pub base_ejection_s: f64,
    /// Most replicas ejected at once, in percent.
    pub max_ejection_percent: f64,
}

/// Horizontal autoscaling on utilization, as a HorizontalPodAutoscaler.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscaling {
    /// Fewest replicas.
    #[schemars(range(min = 1, max = crate::model::limits::MAX_REPLICAS_PER_NODE))]
    pub min_replicas: u32,
    /// Most replicas.
    #[schemars(range(min = 1, max = crate::model::limits::MAX_REPLICAS_PER_NODE))]
    pub max_replicas: u32,
    /// Target worker utilization, 0–1.
    pub target_utilization: f64,
    /// Seconds between evaluations.
    #[serde(default = "default_eval_s")]
    pub evaluation_period_s: f64,
    /// Seconds a scale-down recommendation must hold before it is applied.
    #[serde(default = "default_stabilization_s")]
    pub scale_down_stabilization_s: f64,
    /// Seconds a new replica needs before it serves (cold start).
    #[serde(default)]
    pub cold_start_s: f64,
}

fn default_eval_s() -> f64 {
    15.0
}

fn default_stabilization_s() -> f64 {
    300.0
}

/// Node-side policies (filled in by the resilience work).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePolicies {
    /// Ingress rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// Outlier ejection by the load balancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlier_ejection: Option<OutlierEjection>,
    /// Autoscaling of replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
}

impl NodePolicies {
    /// Whether no policy is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Whether a broker hands each message to one consumer or to all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BrokerMode {
    /// Competing consumers: each message goes to one subscription.
    #[default]
    Queue,
    /// Publish/subscribe: every subscription gets a copy.
    Topic,
}

/// Broker settings (for `kind: broker`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BrokerSettings {
    /// Queue or topic semantics.
    #[serde(default)]
    pub mode: BrokerMode,
    /// Most messages buffered per subscription; absent means unbounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_messages: Option<u64>,
}

/// Cache settings (for `kind: cache`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheSettings {
    /// Share of lookups answered from the cache, 0–1. On a miss the cache
    /// node's outgoing edges (e.g. to the database) are taken.
    pub hit_ratio: f64,
}

/// A node on the canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Stable identifier, referenced by edges and workloads; never shown as a name.
    pub id: String,
    /// Unique display name (any script).
    pub name: String,
    /// What the node is.
    #[serde(default)]
    pub kind: NodeKind,
    /// Preset it was created from (e.g. `postgres`), used by exporters to pick images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Free text shown in the inspector.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Position on the canvas.
    #[serde(default)]
    pub position: Position,
    /// Group or namespace label; nodes sharing it are framed together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// For receivers: the id of the service hosting them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Replicas, workers, queues.
    #[serde(default)]
    pub capacity: Capacity,
    /// Work per request.
    #[serde(default)]
    pub service_time: Distribution,
    /// Probability that serving a request fails, 0–1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub error_probability: f64,
    /// Named operations with their own service times.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
    /// Cache settings (caches only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheSettings>,
    /// Broker settings (brokers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<BrokerSettings>,
    /// Deployment metadata for exporters.
    #[serde(default, skip_serializing_if = "Deployment::is_empty")]
    pub deployment: Deployment,
    /// Rate limit, outlier ejection, autoscaling.
    #[serde(default, skip_serializing_if = "NodePolicies::is_empty")]
    pub policies: NodePolicies,
    /// How callers find this node's instances (registry, health check, cache).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovery: Option<Discovery>,
    /// A managed service's monthly price, CPU per worker (see `cost` settings).
    #[serde(default, skip_serializing_if = "NodeCost::is_empty")]
    pub cost: NodeCost,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Node {
    /// A node with defaults for its kind.
    #[must_use]
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: NodeKind) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind,
            preset: None,
            description: String::new(),
            position: Position::default(),
            group: None,
            host: None,
            capacity: Capacity::default(),
            service_time: Distribution::default(),
            error_probability: 0.0,
            operations: Vec::new(),
            cache: (kind == NodeKind::Cache).then_some(CacheSettings { hit_ratio: 0.9 }),
            broker: (kind == NodeKind::Broker).then(BrokerSettings::default),
            deployment: Deployment::default(),
            policies: NodePolicies::default(),
            discovery: None,
            cost: NodeCost::default(),
        }
    }

    /// The operation with this name, if any.
    #[must_use]
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.name == name)
    }

    /// The service time of an operation (`None`: the default handling):
    /// the operation's own when it has one, else the node's.
    #[must_use]
    pub fn service_time_of(&self, operation: Option<&str>) -> &Distribution {
        operation.and_then(|o| self.operation(o)).and_then(|o| o.service_time.as_ref()).unwrap_or(&self.service_time)
    }

    /// Total workers over all replicas.
    #[must_use]
    pub fn total_workers(&self) -> u64 {
        u64::from(self.capacity.replicas) * u64::from(self.capacity.workers)
    }
}
