//! Infrastructure the exporters deploy as real, public images, chosen by a
//! node's preset (or kind), each with its native healthcheck, and the reverse
//! lookup the importers use (image → kind and preset).

use crate::model::NodeKind;

/// How a container checks its own health.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Health {
    /// Run a program with arguments (Compose `CMD`, Kubernetes `exec`).
    Exec(&'static [&'static str]),
    /// Run a shell line (Compose `CMD-SHELL`, Kubernetes `sh -c`).
    Shell(&'static str),
    /// An HTTP GET answered with 2xx/3xx. Kubernetes probes it itself
    /// (`httpGet`, no tool in the image); Compose runs `curl` or `wget`,
    /// whichever the image's tool table lists.
    Http {
        /// The port, when not the one clients use (a monitoring port).
        port: Option<u16>,
        /// The path.
        path: &'static str,
    },
}

impl Health {
    /// The programs the check runs inside the container (none for HTTP,
    /// which Kubernetes probes from outside).
    pub(crate) fn programs(self) -> Vec<String> {
        match self {
            Self::Exec(argv) => argv.first().map(|p| (*p).to_owned()).into_iter().collect(),
            Self::Shell(line) => {
                let mut programs = vec!["sh".to_owned()];
                programs.extend(shell_programs(line));
                programs
            }
            Self::Http { .. } => Vec::new(),
        }
    }
}

/// The first word of every command of a shell line (commands separated by
/// `||`, `&&`, `;` or a pipe; a redirection such as `2>&1` is no separator).
#[must_use]
pub fn shell_programs(line: &str) -> Vec<String> {
    line.replace("&&", ";")
        .replace('|', ";")
        .split(';')
        .filter_map(|part| part.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The programs each known image ships that a health check can use, by
/// repository and, where the two differ, Alpine (`Some(true)`) or not. Only
/// what was checked: Debian's `nginx` has `curl` but no `wget`; its Alpine
/// variant has BusyBox `wget`; `nats` without `-alpine` is built from
/// scratch (no shell at all); etcd's image is distroless.
const IMAGE_TOOLS: &[(&str, Option<bool>, &[&str])] = &[
    ("postgres", None, &["sh", "pg_isready"]),
    ("mysql", None, &["sh", "mysqladmin"]),
    ("mongo", None, &["sh", "mongosh"]),
    ("redis", None, &["sh", "redis-cli"]),
    ("elasticsearch/elasticsearch", None, &["sh", "curl"]),
    ("elasticsearch", None, &["sh", "curl"]),
    ("opensearchproject/opensearch", None, &["sh", "curl"]),
    ("memcached", None, &["sh"]),
    ("rabbitmq", None, &["sh", "rabbitmq-diagnostics"]),
    ("apache/kafka", None, &["sh", "/opt/kafka/bin/kafka-broker-api-versions.sh"]),
    ("nats", Some(true), &["sh", "wget"]),
    ("nats", Some(false), &[]),
    ("nginx", Some(true), &["sh", "wget"]),
    ("nginx", Some(false), &["sh", "curl"]),
    ("envoyproxy/envoy", None, &["sh"]),
    ("hashicorp/consul", None, &["sh", "consul"]),
    ("coreos/etcd", None, &["etcdctl"]),
    ("springcloud/eureka", None, &["sh", "wget"]),
    ("zookeeper", None, &["sh", "zkServer.sh"]),
];

/// The programs an image ships for health checks, when the image is one of
/// the table's.
#[must_use]
pub fn image_tools(image: &str) -> Option<&'static [&'static str]> {
    let repo = image_repository(image);
    let alpine = image.rsplit(':').next().is_some_and(|tag| tag.contains("alpine") && !tag.contains('/'));
    IMAGE_TOOLS
        .iter()
        .find(|(r, variant, _)| *r == repo && variant.is_none_or(|a| a == alpine))
        .map(|(_, _, tools)| *tools)
}

/// One kind of infrastructure.
#[derive(Debug)]
pub(crate) struct Infra {
    /// Preset name, as in `Node::preset`.
    pub key: &'static str,
    /// The node kind it belongs to.
    pub kind: NodeKind,
    /// Image deployed when the node names none.
    pub image: &'static str,
    /// Port clients connect to.
    pub port: u16,
    /// URL scheme; `None` means clients take a plain `host:port` address.
    pub scheme: Option<&'static str>,
    /// Credentials in the URL (`user:password@`), matching `env`.
    pub userinfo: &'static str,
    /// Path after the port (database name).
    pub path: &'static str,
    /// Native healthcheck; `None` when the image ships no tool for one.
    pub health: Option<Health>,
    /// Seconds the check may take: a JVM or an Erlang VM starting inside an
    /// exec check needs several (Kubernetes' default is 1).
    pub check_timeout_s: u32,
    /// Container arguments.
    pub args: &'static [&'static str],
    /// Whether `env` holds a placeholder password.
    pub has_password: bool,
    /// AsyncAPI protocol, for brokers.
    pub protocol: Option<&'static str>,
    /// Image repositories recognised on import (last path segments or full).
    pub images: &'static [&'static str],
    /// Other spellings of the preset.
    pub aliases: &'static [&'static str],
}

/// The placeholder password in exported environments and URLs.
pub(crate) const PLACEHOLDER_PASSWORD: &str = "change-me";

pub(crate) const INFRA: &[Infra] = &[
    Infra {
        key: "postgres",
        kind: NodeKind::Database,
        image: "postgres:16-alpine",
        port: 5432,
        scheme: Some("postgres"),
        userinfo: "app:change-me@",
        path: "/app",
        health: Some(Health::Shell("pg_isready -U app -d app")),
        check_timeout_s: 5,
        args: &[],
        has_password: true,
        protocol: None,
        images: &["postgres", "postgis/postgis", "bitnami/postgresql", "timescale/timescaledb"],
        aliases: &["postgresql", "pg"],
    },
    Infra {
        key: "mysql",
        kind: NodeKind::Database,
        image: "mysql:8.4",
        port: 3306,
        scheme: Some("mysql"),
        userinfo: "app:change-me@",
        path: "/app",
        health: Some(Health::Exec(&["mysqladmin", "ping", "-h", "127.0.0.1", "--silent"])),
        check_timeout_s: 5,
        args: &[],
        has_password: true,
        protocol: None,
        images: &["mysql", "mariadb", "bitnami/mysql", "bitnami/mariadb"],
        aliases: &["mariadb"],
    },
    Infra {
        key: "mongodb",
        kind: NodeKind::Database,
        image: "mongo:7",
        port: 27017,
        scheme: Some("mongodb"),
        userinfo: "",
        path: "/app",
        health: Some(Health::Exec(&["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"])),
        check_timeout_s: 10,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["mongo", "bitnami/mongodb"],
        aliases: &["mongo"],
    },
    Infra {
        key: "elasticsearch",
        kind: NodeKind::Database,
        image: "docker.elastic.co/elasticsearch/elasticsearch:8.15.3",
        port: 9200,
        scheme: Some("http"),
        userinfo: "",
        path: "",
        // Answers once the node serves, whatever the cluster's colour.
        health: Some(Health::Http { port: None, path: "/_cluster/health" }),
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["elasticsearch/elasticsearch", "elasticsearch", "bitnami/elasticsearch"],
        aliases: &["elastic", "es"],
    },
    Infra {
        key: "opensearch",
        kind: NodeKind::Database,
        image: "opensearchproject/opensearch:2.17.1",
        port: 9200,
        scheme: Some("http"),
        userinfo: "",
        path: "",
        health: Some(Health::Http { port: None, path: "/_cluster/health" }),
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["opensearchproject/opensearch", "bitnami/opensearch"],
        aliases: &[],
    },
    Infra {
        key: "redis",
        kind: NodeKind::Cache,
        image: "redis:7-alpine",
        port: 6379,
        scheme: Some("redis"),
        userinfo: "",
        path: "/0",
        health: Some(Health::Exec(&["redis-cli", "ping"])),
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: Some("redis"),
        images: &["redis", "valkey/valkey", "bitnami/redis", "redis/redis-stack-server"],
        aliases: &["valkey"],
    },
    Infra {
        key: "memcached",
        kind: NodeKind::Cache,
        image: "memcached:1.6-alpine",
        port: 11211,
        scheme: None,
        userinfo: "",
        path: "",
        health: None,
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["memcached", "bitnami/memcached"],
        aliases: &[],
    },
    Infra {
        key: "rabbitmq",
        kind: NodeKind::Broker,
        image: "rabbitmq:3.13-management-alpine",
        port: 5672,
        scheme: Some("amqp"),
        userinfo: "app:change-me@",
        path: "/",
        health: Some(Health::Exec(&["rabbitmq-diagnostics", "-q", "ping"])),
        check_timeout_s: 15,
        args: &[],
        has_password: true,
        protocol: Some("amqp"),
        images: &["rabbitmq", "bitnami/rabbitmq"],
        aliases: &["rabbit", "amqp"],
    },
    Infra {
        key: "kafka",
        kind: NodeKind::Broker,
        image: "apache/kafka:3.8.0",
        port: 9092,
        scheme: None,
        userinfo: "",
        path: "",
        health: Some(Health::Shell(
            "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null 2>&1",
        )),
        check_timeout_s: 15,
        args: &[],
        has_password: false,
        protocol: Some("kafka"),
        images: &[
            "apache/kafka",
            "bitnami/kafka",
            "confluentinc/cp-kafka",
            "wurstmeister/kafka",
            "redpandadata/redpanda",
        ],
        aliases: &["redpanda"],
    },
    Infra {
        key: "nats",
        kind: NodeKind::Broker,
        image: "nats:2.10-alpine",
        port: 4222,
        scheme: Some("nats"),
        userinfo: "",
        path: "",
        // The monitoring port the arguments open.
        health: Some(Health::Http { port: Some(8222), path: "/healthz" }),
        check_timeout_s: 5,
        args: &["--jetstream", "--http_port", "8222"],
        has_password: false,
        protocol: Some("nats"),
        images: &["nats", "bitnami/nats"],
        aliases: &["jetstream"],
    },
    Infra {
        key: "nginx",
        kind: NodeKind::Gateway,
        image: "nginx:1.27-alpine",
        port: 80,
        scheme: Some("http"),
        userinfo: "",
        path: "",
        health: Some(Health::Http { port: None, path: "/" }),
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["nginx", "bitnami/nginx", "nginxinc/nginx-unprivileged"],
        aliases: &[],
    },
    Infra {
        key: "envoy",
        kind: NodeKind::Gateway,
        image: "envoyproxy/envoy:v1.31-latest",
        port: 10000,
        scheme: Some("http"),
        userinfo: "",
        path: "",
        health: None,
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["envoyproxy/envoy"],
        aliases: &[],
    },
    Infra {
        key: "consul",
        kind: NodeKind::Registry,
        image: "hashicorp/consul:1.20",
        port: 8500,
        scheme: Some("http"),
        userinfo: "",
        path: "",
        health: Some(Health::Exec(&["consul", "members"])),
        check_timeout_s: 5,
        // A single server that elects itself, with the UI, serving the HTTP
        // API on every interface so other containers reach it.
        args: &["agent", "-server", "-bootstrap-expect=1", "-ui", "-client=0.0.0.0"],
        has_password: false,
        protocol: None,
        images: &["hashicorp/consul", "consul", "bitnami/consul"],
        aliases: &["hashicorp-consul"],
    },
    Infra {
        key: "etcd",
        kind: NodeKind::Registry,
        image: "quay.io/coreos/etcd:v3.5.17",
        port: 2379,
        scheme: Some("http"),
        userinfo: "",
        path: "",
        // The image has no shell: run etcdctl directly (it talks to 127.0.0.1:2379).
        health: Some(Health::Exec(&["etcdctl", "endpoint", "health"])),
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["coreos/etcd", "etcd-development/etcd", "bitnami/etcd", "etcd"],
        aliases: &["etcd3"],
    },
    Infra {
        key: "eureka",
        kind: NodeKind::Registry,
        image: "springcloud/eureka",
        port: 8761,
        scheme: Some("http"),
        userinfo: "",
        path: "/eureka/",
        health: Some(Health::Http { port: None, path: "/" }),
        check_timeout_s: 5,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["springcloud/eureka", "steeltoeoss/eureka-server", "netflixoss/eureka"],
        aliases: &["eureka-server", "netflix-eureka", "spring-cloud-eureka"],
    },
    Infra {
        key: "zookeeper",
        kind: NodeKind::Registry,
        image: "zookeeper:3.9",
        port: 2181,
        scheme: None,
        userinfo: "",
        path: "",
        // `srvr` is the four-letter command the image allows by default.
        health: Some(Health::Exec(&["zkServer.sh", "status"])),
        check_timeout_s: 15,
        args: &[],
        has_password: false,
        protocol: None,
        images: &["zookeeper", "bitnami/zookeeper", "confluentinc/cp-zookeeper"],
        aliases: &["zk"],
    },
];

/// The infrastructure for a preset name (case-insensitive, aliases too).
pub(crate) fn by_preset(preset: &str) -> Option<&'static Infra> {
    let p = preset.trim().to_ascii_lowercase();
    INFRA.iter().find(|i| i.key == p || i.aliases.contains(&p.as_str()))
}

/// The infrastructure a kind falls back to when the node has no preset.
pub(crate) fn default_for(kind: NodeKind) -> Option<&'static Infra> {
    let key = match kind {
        NodeKind::Database => "postgres",
        NodeKind::Cache => "redis",
        NodeKind::Broker => "rabbitmq",
        NodeKind::Gateway => "nginx",
        NodeKind::Registry => "consul",
        NodeKind::Service | NodeKind::Client | NodeKind::Receiver => return None,
    };
    by_preset(key)
}

/// The repository part of an image reference: registry host, tag and
/// digest removed, `library/` dropped (`docker.io/library/postgres:16` →
/// `postgres`).
pub(crate) fn image_repository(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    // A tag is a `:` after the last `/` (a `:` before it is a registry port).
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let no_tag = match no_digest[last_slash..].find(':') {
        Some(i) => &no_digest[..last_slash + i],
        None => no_digest,
    };
    let mut parts: Vec<&str> = no_tag.split('/').collect();
    // The first segment is a registry host when it has a dot or a port, or is localhost.
    if parts.len() > 1 && parts.first().is_some_and(|p| p.contains('.') || p.contains(':') || *p == "localhost") {
        parts.remove(0);
    }
    if parts.len() > 1 && parts.first() == Some(&"library") {
        parts.remove(0);
    }
    parts.join("/").to_ascii_lowercase()
}

/// The infrastructure an image runs, if it is a known one.
pub(crate) fn by_image(image: &str) -> Option<&'static Infra> {
    let repo = image_repository(image);
    INFRA.iter().find(|i| i.images.contains(&repo.as_str()))
}

/// Environment the image needs to start and to be reachable under `host`.
pub(crate) fn environment(infra: &Infra, host: &str) -> Vec<(String, String)> {
    let pairs: Vec<(&str, String)> = match infra.key {
        "postgres" => vec![
            ("POSTGRES_USER", "app".into()),
            ("POSTGRES_PASSWORD", PLACEHOLDER_PASSWORD.into()),
            ("POSTGRES_DB", "app".into()),
        ],
        "mysql" => vec![
            ("MYSQL_ROOT_PASSWORD", PLACEHOLDER_PASSWORD.into()),
            ("MYSQL_DATABASE", "app".into()),
            ("MYSQL_USER", "app".into()),
            ("MYSQL_PASSWORD", PLACEHOLDER_PASSWORD.into()),
        ],
        // One node that forms its own cluster, security off: both images
        // otherwise require TLS and a password on 9200, which the design's
        // plain `http` address (and the mesh's `http` port name) cannot meet.
        "elasticsearch" => vec![("discovery.type", "single-node".into()), ("xpack.security.enabled", "false".into())],
        "opensearch" => vec![
            ("discovery.type", "single-node".into()),
            ("DISABLE_SECURITY_PLUGIN", "true".into()),
            ("DISABLE_INSTALL_DEMO_CONFIG", "true".into()),
        ],
        "rabbitmq" => {
            vec![("RABBITMQ_DEFAULT_USER", "app".into()), ("RABBITMQ_DEFAULT_PASS", PLACEHOLDER_PASSWORD.into())]
        }
        // A single-node KRaft cluster that advertises itself under its
        // service name, so other containers can reach it.
        "kafka" => vec![
            ("KAFKA_NODE_ID", "1".into()),
            ("KAFKA_PROCESS_ROLES", "broker,controller".into()),
            ("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093".into()),
            ("KAFKA_ADVERTISED_LISTENERS", format!("PLAINTEXT://{host}:9092")),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER".into()),
            ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT".into()),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093".into()),
            ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1".into()),
        ],
        // One member serving clients on every interface, advertised under
        // its service name.
        "etcd" => vec![
            ("ETCD_NAME", host.to_owned()),
            ("ETCD_LISTEN_CLIENT_URLS", "http://0.0.0.0:2379".into()),
            ("ETCD_ADVERTISE_CLIENT_URLS", format!("http://{host}:2379")),
        ],
        _ => Vec::new(),
    };
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_tables_tell_variants_apart() {
        assert_eq!(image_tools("nginx:1.27"), Some(&["sh", "curl"][..]), "Debian nginx has curl, not wget");
        assert_eq!(image_tools("nginx:1.27-alpine"), Some(&["sh", "wget"][..]));
        assert_eq!(image_tools("nats:2.10"), Some(&[][..]), "built from scratch");
        assert_eq!(image_tools("ghcr.io/acme/orders:1"), None);
        let kafka = "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null 2>&1";
        assert_eq!(shell_programs(kafka), ["/opt/kafka/bin/kafka-broker-api-versions.sh"]);
        assert_eq!(shell_programs("wget -q x || curl -sf x"), ["wget", "curl"]);
    }

    #[test]
    fn every_preset_check_runs_a_program_its_default_image_ships() {
        for i in INFRA {
            let tools = image_tools(i.image).unwrap_or_else(|| panic!("{}: no tool table", i.image));
            for program in i.health.map(Health::programs).unwrap_or_default() {
                assert!(tools.contains(&program.as_str()), "{}: `{program}` is not in {}", i.key, i.image);
            }
        }
    }

    #[test]
    fn image_repositories() {
        assert_eq!(image_repository("postgres:16"), "postgres");
        assert_eq!(image_repository("docker.io/library/postgres:16@sha256:abc"), "postgres");
        assert_eq!(image_repository("registry.local:5000/team/orders:1.2"), "team/orders");
        assert_eq!(image_repository("bitnami/kafka:3.7"), "bitnami/kafka");
        assert_eq!(by_image("confluentinc/cp-kafka:7.6.1").map(|i| i.key), Some("kafka"));
        assert_eq!(by_image("ghcr.io/acme/orders:1").map(|i| i.key), None);
    }

    #[test]
    fn presets_and_defaults() {
        assert_eq!(by_preset("PostgreSQL").map(|i| i.key), Some("postgres"));
        assert_eq!(default_for(NodeKind::Cache).map(|i| i.key), Some("redis"));
        assert!(default_for(NodeKind::Service).is_none());
        assert_eq!(default_for(NodeKind::Registry).map(|i| i.key), Some("consul"));
        assert_eq!(by_preset("ZK").map(|i| i.key), Some("zookeeper"));
        assert_eq!(by_image("quay.io/coreos/etcd:v3.5.17").map(|i| i.key), Some("etcd"));
        assert_eq!(by_image("hashicorp/consul:1.20").map(|i| i.key), Some("consul"));
        assert_eq!(by_image("springcloud/eureka").map(|i| i.key), Some("eureka"));
        for i in INFRA {
            assert_eq!(default_for(i.kind).map(|d| d.kind), Some(i.kind));
        }
    }
}
