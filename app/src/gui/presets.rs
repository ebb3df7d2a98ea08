//! Palette entries: the plain node kinds and presets with realistic defaults.
//!
//! Where the numbers come from (all are starting points to be replaced by
//! measurements):
//! - **Django/Flask (gunicorn sync)**: gunicorn's docs recommend
//!   `(2 × cores) + 1` sync workers; on a 2-core pod that is 5. Sync workers
//!   block on downstream calls. Latency p50 20 ms / p99 150 ms is a typical
//!   ORM-backed view.
//! - **Async service (tokio, Node.js)**: one process per pod multiplexes many
//!   requests; 256 in-flight requests is a common server concurrency limit
//!   (e.g. tower's `ConcurrencyLimit` settings in practice). p50 5 ms / p99 40 ms.
//! - **nginx / Envoy gateway**: nginx's default `worker_connections` is 512 to
//!   1,024 per worker process; proxying adds well under a millisecond
//!   (p50 0.5 ms / p99 3 ms). Event-driven, so async.
//! - **Postgres**: connections are processes; PgBouncer's default
//!   `default_pool_size` is 20, which bounds useful concurrency. Indexed
//!   point queries: p50 2 ms / p99 20 ms.
//! - **MySQL**: `max_connections` defaults to 151, but throughput peaks near
//!   16 concurrent queries on a small instance (`innodb_thread_concurrency`
//!   guidance). p50 1.5 ms / p99 15 ms.
//! - **Redis**: commands run on a single thread, sub-millisecond
//!   (p50 0.2 ms / p99 1 ms); a 90 % hit ratio is a common target.
//! - **Memcached**: 4 worker threads by default (`-t 4`), p50 0.2 ms /
//!   p99 1 ms, 85 % hit ratio.
//! - **Kafka topic**: `num.io.threads` defaults to 8; a produce with
//!   `acks=all` takes a few milliseconds (p50 3 ms / p99 20 ms). Topic
//!   semantics: every consumer group gets a copy.
//! - **RabbitMQ queue**: competing consumers; a persistent publish with
//!   confirms p50 1 ms / p99 10 ms; 4 Erlang schedulers on a 4-core node.
//! - **NATS**: subject-based pub/sub, p50 0.1 ms / p99 1 ms.
//! - **Consul**: three servers (the smallest quorum Consul recommends);
//!   `limits.http_max_conns_per_client` defaults to 200; a catalog/health
//!   read answered by a server p50 1 ms / p99 8 ms.
//! - **etcd**: a three-member cluster; a linearizable range read takes a
//!   round of the leader (p50 1 ms / p99 10 ms, inside the 10 ms etcd's
//!   tuning guide asks of disks).
//! - **Eureka**: two peers (one per zone) on Spring Boot's Tomcat, whose
//!   `server.tomcat.threads.max` is 200 blocking threads; a registry fetch
//!   p50 2 ms / p99 20 ms. Eureka clients refetch every 30 s
//!   (`registryFetchIntervalSeconds`), which is the discovery block's
//!   default cache TTL.
//! - **ZooKeeper**: a three-server ensemble, `maxClientCnxns` 60; reads are
//!   served by the server a client is connected to, p50 0.5 ms / p99 5 ms.

use engine::model::{
    BrokerMode, BrokerSettings, CacheSettings, Concurrency, Distribution, Healthcheck, Node, NodeKind,
};

/// One palette entry, also the payload dragged onto the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaletteItem {
    /// Preset key, stored in `node.preset`; `None` for a plain kind.
    pub preset: Option<&'static str>,
    /// Node kind.
    pub kind: NodeKind,
    /// Catalogue key of the name shown in the palette (`tr(item.label)`).
    pub label: &'static str,
    /// Catalogue key of the tooltip: what the defaults are and where they come from.
    pub about: &'static str,
}

const fn item(preset: Option<&'static str>, kind: NodeKind, label: &'static str, about: &'static str) -> PaletteItem {
    PaletteItem { preset, kind, label, about }
}

/// Every palette entry: the plain kinds, then the presets.
#[must_use]
pub fn palette() -> Vec<PaletteItem> {
    vec![
        item(None, NodeKind::Service, "palette-service", "palette-service-about"),
        item(None, NodeKind::Gateway, "palette-gateway", "palette-gateway-about"),
        item(None, NodeKind::Database, "palette-database", "palette-database-about"),
        item(None, NodeKind::Cache, "palette-cache", "palette-cache-about"),
        item(None, NodeKind::Broker, "palette-broker", "palette-broker-about"),
        item(None, NodeKind::Registry, "palette-registry", "palette-registry-about"),
        item(None, NodeKind::Client, "palette-client", "palette-client-about"),
        item(None, NodeKind::Receiver, "palette-receiver", "palette-receiver-about"),
        item(Some("django"), NodeKind::Service, "preset-django", "preset-django-about"),
        item(Some("async"), NodeKind::Service, "preset-async", "preset-async-about"),
        item(Some("nginx"), NodeKind::Gateway, "preset-nginx", "preset-nginx-about"),
        item(Some("envoy"), NodeKind::Gateway, "preset-envoy", "preset-envoy-about"),
        item(Some("postgres"), NodeKind::Database, "preset-postgres", "preset-postgres-about"),
        item(Some("mysql"), NodeKind::Database, "preset-mysql", "preset-mysql-about"),
        item(Some("redis"), NodeKind::Cache, "preset-redis", "preset-redis-about"),
        item(Some("memcached"), NodeKind::Cache, "preset-memcached", "preset-memcached-about"),
        item(Some("kafka"), NodeKind::Broker, "preset-kafka", "preset-kafka-about"),
        item(Some("rabbitmq"), NodeKind::Broker, "preset-rabbitmq", "preset-rabbitmq-about"),
        item(Some("nats"), NodeKind::Broker, "preset-nats", "preset-nats-about"),
        item(Some("consul"), NodeKind::Registry, "preset-consul", "preset-consul-about"),
        item(Some("etcd"), NodeKind::Registry, "preset-etcd", "preset-etcd-about"),
        item(Some("eureka"), NodeKind::Registry, "preset-eureka", "preset-eureka-about"),
        item(Some("zookeeper"), NodeKind::Registry, "preset-zookeeper", "preset-zookeeper-about"),
    ]
}

/// The palette entry of a preset key.
#[must_use]
pub fn find(preset: &str) -> Option<PaletteItem> {
    palette().into_iter().find(|p| p.preset == Some(preset))
}

fn lognormal(p50_ms: f64, p99_ms: f64) -> Distribution {
    Distribution::Lognormal { p50_ms, p99_ms }
}

/// A new node of a kind, with a preset's defaults when given.
#[must_use]
pub fn build(id: String, name: String, kind: NodeKind, preset: Option<&str>) -> Node {
    let mut node = Node::new(id, name, kind);
    let Some(preset) = preset else { return node };
    node.preset = Some(preset.to_owned());
    let cap = &mut node.capacity;
    match preset {
        "django" => {
            (cap.replicas, cap.workers, cap.concurrency) = (2, 5, Concurrency::Blocking);
            cap.queue_capacity = Some(64);
            node.service_time = lognormal(20.0, 150.0);
            node.deployment.port = Some(8000);
            node.deployment.healthcheck = Some(Healthcheck { path: "/healthz".into(), interval_s: 10.0 });
        }
        "async" => {
            (cap.replicas, cap.workers, cap.concurrency) = (2, 256, Concurrency::Async);
            node.service_time = lognormal(5.0, 40.0);
            node.deployment.port = Some(8080);
            node.deployment.healthcheck = Some(Healthcheck { path: "/healthz".into(), interval_s: 10.0 });
        }
        "nginx" | "envoy" => {
            (cap.replicas, cap.workers, cap.concurrency) = (2, 1024, Concurrency::Async);
            if preset == "envoy" {
                cap.load_balancer = engine::model::LoadBalancer::LeastOutstanding;
            }
            node.service_time = lognormal(0.5, 3.0);
            node.deployment.image =
                Some(if preset == "nginx" { "nginx:1.27" } else { "envoyproxy/envoy:v1.31-latest" }.into());
            node.deployment.port = Some(if preset == "nginx" { 80 } else { 10000 });
        }
        "postgres" => {
            (cap.replicas, cap.workers) = (1, 20);
            node.service_time = lognormal(2.0, 20.0);
            node.deployment.image = Some("postgres:16".into());
            node.deployment.port = Some(5432);
        }
        "mysql" => {
            (cap.replicas, cap.workers) = (1, 16);
            node.service_time = lognormal(1.5, 15.0);
            node.deployment.image = Some("mysql:8.4".into());
            node.deployment.port = Some(3306);
        }
        "redis" => {
            (cap.replicas, cap.workers) = (1, 1);
            node.service_time = lognormal(0.2, 1.0);
            node.cache = Some(CacheSettings { hit_ratio: 0.9 });
            node.deployment.image = Some("redis:7".into());
            node.deployment.port = Some(6379);
        }
        "memcached" => {
            (cap.replicas, cap.workers) = (1, 4);
            node.service_time = lognormal(0.2, 1.0);
            node.cache = Some(CacheSettings { hit_ratio: 0.85 });
            node.deployment.image = Some("memcached:1.6".into());
            node.deployment.port = Some(11211);
        }
        "kafka" => {
            (cap.replicas, cap.workers, cap.concurrency) = (3, 8, Concurrency::Async);
            node.service_time = lognormal(3.0, 20.0);
            node.broker = Some(BrokerSettings { mode: BrokerMode::Topic, capacity_messages: None });
            node.deployment.image = Some("apache/kafka:3.8.0".into());
            node.deployment.port = Some(9092);
        }
        "rabbitmq" => {
            (cap.replicas, cap.workers, cap.concurrency) = (1, 4, Concurrency::Async);
            node.service_time = lognormal(1.0, 10.0);
            node.broker = Some(BrokerSettings { mode: BrokerMode::Queue, capacity_messages: Some(100_000) });
            node.deployment.image = Some("rabbitmq:3.13".into());
            node.deployment.port = Some(5672);
        }
        "nats" => {
            (cap.replicas, cap.workers, cap.concurrency) = (1, 4, Concurrency::Async);
            node.service_time = lognormal(0.1, 1.0);
            node.broker = Some(BrokerSettings { mode: BrokerMode::Topic, capacity_messages: None });
            node.deployment.image = Some("nats:2.10".into());
            node.deployment.port = Some(4222);
        }
        "consul" => {
            (cap.replicas, cap.workers, cap.concurrency) = (3, 200, Concurrency::Async);
            node.service_time = lognormal(1.0, 8.0);
            node.deployment.image = Some("hashicorp/consul:1.20".into());
            node.deployment.port = Some(8500);
            node.deployment.healthcheck = Some(Healthcheck { path: "/v1/status/leader".into(), interval_s: 10.0 });
        }
        "etcd" => {
            (cap.replicas, cap.workers, cap.concurrency) = (3, 256, Concurrency::Async);
            node.service_time = lognormal(1.0, 10.0);
            node.deployment.image = Some("quay.io/coreos/etcd:v3.5.17".into());
            node.deployment.port = Some(2379);
            node.deployment.healthcheck = Some(Healthcheck { path: "/health".into(), interval_s: 10.0 });
        }
        "eureka" => {
            (cap.replicas, cap.workers, cap.concurrency) = (2, 200, Concurrency::Blocking);
            node.service_time = lognormal(2.0, 20.0);
            node.deployment.image = Some("springcloud/eureka".into());
            node.deployment.port = Some(8761);
            node.deployment.healthcheck = Some(Healthcheck { path: "/actuator/health".into(), interval_s: 10.0 });
        }
        "zookeeper" => {
            (cap.replicas, cap.workers, cap.concurrency) = (3, 60, Concurrency::Async);
            node.service_time = lognormal(0.5, 5.0);
            node.deployment.image = Some("zookeeper:3.9".into());
            node.deployment.port = Some(2181);
        }
        _ => node.preset = None,
    }
    node
}

/// A short base for new node names: `postgres`, `service`, …
#[must_use]
pub fn base_name(kind: NodeKind, preset: Option<&str>) -> String {
    preset.map_or_else(|| kind.as_str().to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_preset_builds_its_own_kind() {
        for item in palette() {
            let node = build("n1".into(), "x".into(), item.kind, item.preset);
            assert_eq!(node.kind, item.kind);
            assert_eq!(node.preset.as_deref(), item.preset, "{}", item.label);
            assert!(node.service_time.mean_ms() > 0.0);
            if item.kind == NodeKind::Broker {
                assert!(node.broker.is_some());
            }
        }
    }

    #[test]
    fn registry_presets_carry_their_image_and_port() {
        let expected = [
            ("consul", "hashicorp/consul:1.20", 8500),
            ("etcd", "quay.io/coreos/etcd:v3.5.17", 2379),
            ("eureka", "springcloud/eureka", 8761),
            ("zookeeper", "zookeeper:3.9", 2181),
        ];
        for (preset, image, port) in expected {
            let item = find(preset).unwrap();
            assert_eq!(item.kind, NodeKind::Registry);
            let node = build("r".into(), preset.into(), item.kind, item.preset);
            assert_eq!(node.deployment.image.as_deref(), Some(image));
            assert_eq!(node.deployment.port, Some(port));
            assert!(node.discovery.is_none(), "a registry is not itself discovered");
        }
        assert!(palette().iter().any(|i| i.kind == NodeKind::Registry && i.preset.is_none()));
    }
}
