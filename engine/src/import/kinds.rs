//! What an imported container is, and which rule said so: an infrastructure
//! image known by its repository (registry host and tag ignored, so
//! `mcr.microsoft.com/mssql/server:2022-latest` is SQL Server), a word of the
//! repository's name (`acme/orders-postgres`), the environment an
//! infrastructure image reads (`MYSQL_ROOT_PASSWORD`, `POSTGRES_*`,
//! `MONGO_INITDB_*`), or a well-known port (5432, 6379, 9092, ...).
//! Tracing and metrics agents, log shippers and dashboards are recognised
//! too: they are not part of any request's path, so they are not modelled.

use crate::export::infra;
use crate::message::Message;
use crate::model::NodeKind;
use crate::msg;

/// What an imported workload is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Role {
    /// A node of this kind, with a preset when the infrastructure is known.
    Node { kind: NodeKind, preset: Option<&'static str> },
    /// Not on any request's path (a tracing agent, a dashboard): left out.
    Aside(&'static str),
}

/// A role and the rule that decided it, in words for the conversion notes.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Inferred {
    pub role: Role,
    pub rule: Message,
}

/// Where the words of [`by_words`] come from, as the rule says it.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// The image reference.
    Image(&'a str),
    /// The workload's own name (it has no image).
    Name,
}

/// What a workload left aside is, said in the reader's language.
pub(super) fn aside_phrase(what: &str) -> Message {
    match what {
        "tracing agent" => msg!("engine-import-aside-tracing", "tracing agent"),
        "metrics agent" => msg!("engine-import-aside-metrics", "metrics agent"),
        "monitoring dashboard" => msg!("engine-import-aside-monitoring", "monitoring dashboard"),
        "admin dashboard" => msg!("engine-import-aside-admin", "admin dashboard"),
        other => Message::untranslated(other),
    }
}

/// Words of image names that say a container observes the system rather
/// than serves requests.
const ASIDE_WORDS: &[(&str, &str)] = &[
    ("jaeger", "tracing agent"),
    ("jaegertracing", "tracing agent"),
    ("zipkin", "tracing agent"),
    ("openzipkin", "tracing agent"),
    ("otel", "tracing agent"),
    ("opentelemetry", "tracing agent"),
    ("otelcol", "tracing agent"),
    ("tempo", "tracing agent"),
    ("skywalking", "tracing agent"),
    ("prometheus", "metrics agent"),
    ("prom", "metrics agent"),
    ("pushgateway", "metrics agent"),
    ("alertmanager", "metrics agent"),
    ("statsd", "metrics agent"),
    ("telegraf", "metrics agent"),
    ("cadvisor", "metrics agent"),
    ("victoriametrics", "metrics agent"),
    ("exporter", "metrics agent"),
    ("grafana", "monitoring dashboard"),
    ("kibana", "monitoring dashboard"),
    ("webstatus", "monitoring dashboard"),
    ("healthchecksui", "monitoring dashboard"),
    ("pgadmin", "admin dashboard"),
    ("pgadmin4", "admin dashboard"),
    ("adminer", "admin dashboard"),
    ("phpmyadmin", "admin dashboard"),
    ("kafdrop", "admin dashboard"),
    ("akhq", "admin dashboard"),
    ("redisinsight", "admin dashboard"),
    ("portainer", "admin dashboard"),
    ("cerebro", "admin dashboard"),
    ("fluentd", "log shipper"),
    ("fluent", "log shipper"),
    ("logstash", "log shipper"),
    ("filebeat", "log shipper"),
    ("promtail", "log shipper"),
    ("loki", "log shipper"),
    ("seq", "log shipper"),
];

/// Words that make an infrastructure word a tool around it (`kafka-ui`,
/// `mongo-express`, `mysqld-exporter`), not the infrastructure itself.
const TOOL_WORDS: &[&str] = &["ui", "express", "commander", "admin", "exporter", "dashboard", "manager", "console"];

/// Words that make an image an application built around infrastructure
/// (`orders-postgres-sync`, `kafka-connect`), not the infrastructure.
const APP_WORDS: &[&str] =
    &["service", "svc", "api", "app", "web", "worker", "client", "consumer", "producer", "connect", "sync", "migrate"];

/// Words of image names naming infrastructure, with the preset they run.
const KIND_WORDS: &[(&str, NodeKind, Option<&str>)] = &[
    ("postgres", NodeKind::Database, Some("postgres")),
    ("postgresql", NodeKind::Database, Some("postgres")),
    ("postgis", NodeKind::Database, Some("postgres")),
    ("timescaledb", NodeKind::Database, Some("postgres")),
    ("mysql", NodeKind::Database, Some("mysql")),
    ("mariadb", NodeKind::Database, Some("mysql")),
    ("mongo", NodeKind::Database, Some("mongodb")),
    ("mongodb", NodeKind::Database, Some("mongodb")),
    ("elasticsearch", NodeKind::Database, Some("elasticsearch")),
    ("opensearch", NodeKind::Database, Some("opensearch")),
    ("mssql", NodeKind::Database, None),
    ("sqlserver", NodeKind::Database, None),
    ("oracle", NodeKind::Database, None),
    ("cassandra", NodeKind::Database, None),
    ("scylla", NodeKind::Database, None),
    ("couchdb", NodeKind::Database, None),
    ("couchbase", NodeKind::Database, None),
    ("cockroach", NodeKind::Database, None),
    ("cockroachdb", NodeKind::Database, None),
    ("yugabyte", NodeKind::Database, None),
    ("neo4j", NodeKind::Database, None),
    ("influxdb", NodeKind::Database, None),
    ("clickhouse", NodeKind::Database, None),
    ("minio", NodeKind::Database, None),
    ("arangodb", NodeKind::Database, None),
    ("dynamodb", NodeKind::Database, None),
    ("solr", NodeKind::Database, None),
    ("redis", NodeKind::Cache, Some("redis")),
    ("valkey", NodeKind::Cache, Some("redis")),
    ("keydb", NodeKind::Cache, Some("redis")),
    ("dragonfly", NodeKind::Cache, Some("redis")),
    ("memcached", NodeKind::Cache, Some("memcached")),
    ("kafka", NodeKind::Broker, Some("kafka")),
    ("redpanda", NodeKind::Broker, Some("kafka")),
    ("rabbitmq", NodeKind::Broker, Some("rabbitmq")),
    ("nats", NodeKind::Broker, Some("nats")),
    ("pulsar", NodeKind::Broker, None),
    ("activemq", NodeKind::Broker, None),
    ("artemis", NodeKind::Broker, None),
    ("mosquitto", NodeKind::Broker, None),
    ("emqx", NodeKind::Broker, None),
    ("nsq", NodeKind::Broker, None),
    ("consul", NodeKind::Registry, Some("consul")),
    ("etcd", NodeKind::Registry, Some("etcd")),
    ("eureka", NodeKind::Registry, Some("eureka")),
    ("zookeeper", NodeKind::Registry, Some("zookeeper")),
    ("nacos", NodeKind::Registry, None),
    ("nginx", NodeKind::Gateway, Some("nginx")),
    ("envoy", NodeKind::Gateway, Some("envoy")),
    ("traefik", NodeKind::Gateway, None),
    ("kong", NodeKind::Gateway, None),
    ("haproxy", NodeKind::Gateway, None),
    ("caddy", NodeKind::Gateway, None),
    ("apisix", NodeKind::Gateway, None),
    ("krakend", NodeKind::Gateway, None),
];

/// Environment variables only the server image of an infrastructure reads.
const SERVER_ENV: &[(&str, NodeKind, Option<&str>)] = &[
    ("MYSQL_ROOT_PASSWORD", NodeKind::Database, Some("mysql")),
    ("MYSQL_ALLOW_EMPTY_PASSWORD", NodeKind::Database, Some("mysql")),
    ("MYSQL_RANDOM_ROOT_PASSWORD", NodeKind::Database, Some("mysql")),
    ("MARIADB_ROOT_PASSWORD", NodeKind::Database, Some("mysql")),
    ("PGDATA", NodeKind::Database, Some("postgres")),
    ("POSTGRES_INITDB_ARGS", NodeKind::Database, Some("postgres")),
    ("POSTGRES_HOST_AUTH_METHOD", NodeKind::Database, Some("postgres")),
    ("MONGO_INITDB_ROOT_USERNAME", NodeKind::Database, Some("mongodb")),
    ("MONGO_INITDB_ROOT_PASSWORD", NodeKind::Database, Some("mongodb")),
    ("MONGO_INITDB_DATABASE", NodeKind::Database, Some("mongodb")),
    ("MSSQL_SA_PASSWORD", NodeKind::Database, None),
    ("SA_PASSWORD", NodeKind::Database, None),
    ("MSSQL_PID", NodeKind::Database, None),
    ("CASSANDRA_CLUSTER_NAME", NodeKind::Database, None),
    ("DISCOVERY.TYPE", NodeKind::Database, Some("elasticsearch")),
    ("ES_JAVA_OPTS", NodeKind::Database, Some("elasticsearch")),
    ("RABBITMQ_DEFAULT_USER", NodeKind::Broker, Some("rabbitmq")),
    ("RABBITMQ_DEFAULT_PASS", NodeKind::Broker, Some("rabbitmq")),
    ("RABBITMQ_ERLANG_COOKIE", NodeKind::Broker, Some("rabbitmq")),
    ("KAFKA_BROKER_ID", NodeKind::Broker, Some("kafka")),
    ("KAFKA_NODE_ID", NodeKind::Broker, Some("kafka")),
    ("KAFKA_ADVERTISED_LISTENERS", NodeKind::Broker, Some("kafka")),
    ("KAFKA_PROCESS_ROLES", NodeKind::Broker, Some("kafka")),
    ("ZOO_MY_ID", NodeKind::Registry, Some("zookeeper")),
    ("ZOOKEEPER_CLIENT_PORT", NodeKind::Registry, Some("zookeeper")),
    ("CONSUL_BIND_INTERFACE", NodeKind::Registry, Some("consul")),
];

/// Families of variables a database image reads (`POSTGRES_USER`,
/// `POSTGRES_DB`, ...); a client names the same families but also the
/// server's address (`POSTGRES_HOST`), which rules it out.
const ENV_FAMILIES: &[(&str, Option<&str>)] = &[
    ("POSTGRES_", Some("postgres")),
    ("MYSQL_", Some("mysql")),
    ("MARIADB_", Some("mysql")),
    ("MONGO_", Some("mongodb")),
];

/// Ports infrastructure listens on by default.
const WELL_KNOWN_PORTS: &[(u16, NodeKind, Option<&str>)] = &[
    (5432, NodeKind::Database, Some("postgres")),
    (3306, NodeKind::Database, Some("mysql")),
    (27017, NodeKind::Database, Some("mongodb")),
    (1433, NodeKind::Database, None),
    (1521, NodeKind::Database, None),
    (9042, NodeKind::Database, None),
    (26257, NodeKind::Database, None),
    (9200, NodeKind::Database, Some("elasticsearch")),
    (6379, NodeKind::Cache, Some("redis")),
    (11211, NodeKind::Cache, Some("memcached")),
    (9092, NodeKind::Broker, Some("kafka")),
    (5672, NodeKind::Broker, Some("rabbitmq")),
    (4222, NodeKind::Broker, Some("nats")),
    (6650, NodeKind::Broker, None),
    (1883, NodeKind::Broker, None),
    (8500, NodeKind::Registry, Some("consul")),
    (2379, NodeKind::Registry, Some("etcd")),
    (8761, NodeKind::Registry, Some("eureka")),
    (2181, NodeKind::Registry, Some("zookeeper")),
];

/// The words of an image repository (`otel/opentelemetry-collector-contrib`
/// → otel, opentelemetry, collector, contrib), lower case.
fn words(repository: &str) -> Vec<&str> {
    repository.split(['/', '-', '_', '.']).filter(|w| !w.is_empty()).collect()
}

/// Whether `word` is among `words`, tolerating a trailing version digit
/// (`pgadmin4`, `mongo4`).
fn has_word(words: &[&str], word: &str) -> bool {
    words.iter().any(|w| *w == word || w.trim_end_matches(|c: char| c.is_ascii_digit()) == word)
}

/// Decide what a workload is from its image, environment and ports. `name`
/// is the workload's own name, read only for agents without an image.
pub(super) fn infer(name: &str, image: Option<&str>, env: &[(String, String)], ports: &[u16]) -> Inferred {
    if let Some(image) = image {
        if let Some(i) = infra::by_image(image) {
            let preset = i.key;
            return node(
                i.kind,
                Some(i.key),
                msg!("engine-import-rule-image", "image `{image}` is {preset}", image = image, preset = preset),
            );
        }
        let repository = infra::image_repository(image);
        let w = words(&repository);
        if let Some(found) = by_words(&w, Source::Image(image)) {
            return found;
        }
    } else if let Some(found @ Inferred { role: Role::Aside(_), .. }) =
        by_words(&words(&name.to_ascii_lowercase()), Source::Name)
    {
        return found;
    }
    if let Some(found) = by_env(env) {
        return found;
    }
    for port in ports {
        if let Some((p, kind, preset)) = WELL_KNOWN_PORTS.iter().find(|(p, _, _)| p == port) {
            let what = kind_word(*kind, *preset);
            return node(
                *kind,
                *preset,
                msg!("engine-import-rule-port", "it listens on {p}, a well-known {what} port", p = p, what = what),
            );
        }
    }
    let rule = match image {
        Some(_) => msg!("engine-import-rule-service", "no infrastructure image, environment or port"),
        None => msg!("engine-import-rule-service-no-image", "no image, and no infrastructure environment or port"),
    };
    node(NodeKind::Service, None, rule)
}

fn node(kind: NodeKind, preset: Option<&'static str>, rule: Message) -> Inferred {
    Inferred { role: Role::Node { kind, preset }, rule }
}

fn kind_word(kind: NodeKind, preset: Option<&str>) -> String {
    preset.map_or_else(|| kind.as_str().to_owned(), str::to_owned)
}

/// The role the words of an image (or a name) give, if any.
fn by_words(w: &[&str], source: Source<'_>) -> Option<Inferred> {
    let infra_word = KIND_WORDS.iter().find(|(word, _, _)| has_word(w, word));
    let tool = TOOL_WORDS.iter().find(|t| has_word(w, t));
    if let (Some((infra_name, _, _)), Some(tool)) = (infra_word, tool) {
        let rule = match source {
            Source::Image(image) => msg!(
                "engine-import-rule-image-tool",
                "image `{image}` names {infra_name} with `{tool}`: a tool around it, not on the request path",
                image = image,
                infra_name = infra_name,
                tool = tool
            ),
            Source::Name => msg!(
                "engine-import-rule-name-tool",
                "no image; its name names {infra_name} with `{tool}`: a tool around it, not on the request path",
                infra_name = infra_name,
                tool = tool
            ),
        };
        let kind = if *tool == "exporter" { "metrics agent" } else { "admin dashboard" };
        return Some(Inferred { role: Role::Aside(kind), rule });
    }
    if let Some((word, what_it_is)) = ASIDE_WORDS.iter().find(|(word, _)| has_word(w, word)) {
        return Some(Inferred { role: Role::Aside(what_it_is), rule: names_word(source, word) });
    }
    let (word, kind, preset) = infra_word?;
    if APP_WORDS.iter().any(|a| has_word(w, a)) {
        // `orders-postgres-sync` is an application that uses Postgres.
        return None;
    }
    let preset = preset.and_then(|p| infra::by_preset(p).map(|i| i.key));
    Some(node(*kind, preset, names_word(source, word)))
}

/// "image `x` names `word`" or "no image; its name names `word`".
fn names_word(source: Source<'_>, word: &str) -> Message {
    match source {
        Source::Image(image) => {
            msg!("engine-import-rule-image-word", "image `{image}` names `{word}`", image = image, word = word)
        }
        Source::Name => msg!("engine-import-rule-name-word", "no image; its name names `{word}`", word = word),
    }
}

/// The role the environment gives: a variable only a server reads, or a
/// family of database variables without the server's address.
fn by_env(env: &[(String, String)]) -> Option<Inferred> {
    for (key, _) in env {
        let upper = key.to_ascii_uppercase();
        if let Some((k, kind, preset)) = SERVER_ENV.iter().find(|(k, _, _)| *k == upper) {
            let what = kind_word(*kind, *preset);
            return Some(node(
                *kind,
                *preset,
                msg!(
                    "engine-import-rule-env",
                    "its environment sets `{k}`, read by a {what} server",
                    k = k,
                    what = what
                ),
            ));
        }
    }
    for (prefix, preset) in ENV_FAMILIES {
        let family: Vec<String> =
            env.iter().map(|(k, _)| k.to_ascii_uppercase()).filter(|k| k.starts_with(prefix)).collect();
        let names_a_server = family.iter().any(|k| super::values::is_address_key(k) || k.ends_with("_PORT"));
        let is_client = env.iter().any(|(k, v)| {
            let k = k.to_ascii_uppercase();
            k.ends_with("DATABASE_URL") || k.ends_with("_DSN") || v.contains("://")
        });
        if family.len() >= 2 && !names_a_server && !is_client {
            let vars = family.join(", ");
            return Some(node(
                NodeKind::Database,
                *preset,
                msg!(
                    "engine-import-rule-env-family",
                    "its environment sets {prefix}* ({vars}) without a server address",
                    prefix = prefix,
                    vars = vars
                ),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(image: &str) -> Role {
        infer("x", Some(image), &[], &[]).role
    }

    #[test]
    fn images_with_registries_and_tags() {
        assert_eq!(
            kind_of("mcr.microsoft.com/mssql/server:2022-latest"),
            Role::Node { kind: NodeKind::Database, preset: None }
        );
        assert_eq!(
            kind_of("docker.elastic.co/elasticsearch/elasticsearch:8.13.0"),
            Role::Node { kind: NodeKind::Database, preset: Some("elasticsearch") }
        );
        assert_eq!(kind_of("cockroachdb/cockroach:v23.2.0"), Role::Node { kind: NodeKind::Database, preset: None });
        assert_eq!(kind_of("apachepulsar/pulsar:3.2"), Role::Node { kind: NodeKind::Broker, preset: None });
        assert_eq!(
            kind_of("quay.io/coreos/etcd:v3.5.0"),
            Role::Node { kind: NodeKind::Registry, preset: Some("etcd") }
        );
        assert_eq!(kind_of("minio/minio:RELEASE.2024"), Role::Node { kind: NodeKind::Database, preset: None });
        assert_eq!(kind_of("ghcr.io/acme/shop/cart-service:1.2"), Role::Node { kind: NodeKind::Service, preset: None });
        assert_eq!(kind_of("acme/orders-postgres-sync:1"), Role::Node { kind: NodeKind::Service, preset: None });
    }

    #[test]
    fn agents_and_dashboards_are_set_aside() {
        assert_eq!(kind_of("jaegertracing/all-in-one:1.57"), Role::Aside("tracing agent"));
        assert_eq!(kind_of("otel/opentelemetry-collector-contrib:0.98.0"), Role::Aside("tracing agent"));
        assert_eq!(kind_of("prom/prometheus"), Role::Aside("metrics agent"));
        assert_eq!(kind_of("grafana/grafana:10.4.2"), Role::Aside("monitoring dashboard"));
        assert_eq!(kind_of("provectuslabs/kafka-ui"), Role::Aside("admin dashboard"));
        assert_eq!(kind_of("oliver006/redis_exporter"), Role::Aside("metrics agent"));
        assert_eq!(infer("zipkin", None, &[], &[]).role, Role::Aside("tracing agent"));
    }

    #[test]
    fn environment_and_ports() {
        let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let server = env(&[("POSTGRES_USER", "app"), ("POSTGRES_PASSWORD", "x"), ("POSTGRES_DB", "app")]);
        assert_eq!(
            infer("db", Some("acme/store:1"), &server, &[]).role,
            Role::Node { kind: NodeKind::Database, preset: Some("postgres") }
        );
        let client = env(&[("POSTGRES_HOST", "db"), ("POSTGRES_USER", "app"), ("POSTGRES_PASSWORD", "x")]);
        assert_eq!(
            infer("api", Some("acme/api:1"), &client, &[]).role,
            Role::Node { kind: NodeKind::Service, preset: None }
        );
        let i = infer("q", Some("acme/queue:1"), &[], &[8080, 5672]);
        assert_eq!(i.role, Role::Node { kind: NodeKind::Broker, preset: Some("rabbitmq") });
        assert!(i.rule.contains("5672"), "{}", i.rule);
    }
}
