//! Stateful infrastructure with several replicas. Replicas of a stateless
//! service are interchangeable copies; replicas of a database, cache or
//! broker are not: started from one template they are independent stores
//! (three Redis caches that share nothing, three one-node Kafka clusters
//! behind one Service), so the design's shared data and hit ratio would not
//! hold. Such a node either becomes a real cluster, whose members get the
//! identities their image needs (Kafka in KRaft mode: a node id from the
//! StatefulSet ordinal, the quorum voters, addresses through a headless
//! Service), or it runs one replica and the report says so.

use super::plan::Unit;
use super::{Note, NoteKind};
use crate::model::NodeKind;

/// The Kafka image whose environment the exporters write.
const KAFKA_IMAGE: &str = "apache/kafka";
/// Kafka's controller (quorum) port in the exported configuration.
pub(crate) const KAFKA_CONTROLLER_PORT: u16 = 9093;

/// How the replicas of a workload are deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replication {
    /// As many interchangeable copies as the design has.
    Copies(u32),
    /// One replica, where the design has `designed` (reported).
    Single {
        /// The design's replicas.
        designed: u32,
    },
    /// A KRaft cluster of this many Kafka nodes (a StatefulSet).
    KafkaCluster(u32),
}

impl Replication {
    /// Replicas deployed.
    pub(crate) fn replicas(self) -> u32 {
        match self {
            Self::Copies(n) | Self::KafkaCluster(n) => n,
            Self::Single { .. } => 1,
        }
    }
}

/// Whether replicas of this node hold data of their own.
fn is_stateful(unit: &Unit<'_>) -> bool {
    matches!(unit.node.kind, NodeKind::Database | NodeKind::Cache | NodeKind::Broker)
}

/// How `unit`'s replicas are deployed: `clusters` says whether the target
/// can give each member its own identity (Kubernetes StatefulSets can,
/// Compose replicas cannot). Reports every stateful node that runs one
/// replica instead of the design's.
pub(crate) fn replication(unit: &Unit<'_>, clusters: bool, notes: &mut Vec<Note>) -> Replication {
    let replicas = unit.node.capacity.replicas;
    if replicas <= 1 || !is_stateful(unit) {
        return Replication::Copies(replicas);
    }
    let kafka =
        unit.infra().is_some_and(|i| i.key == "kafka") && super::infra::image_repository(unit.image()) == KAFKA_IMAGE;
    if kafka && clusters {
        notes.push(Note::new(
            NoteKind::Mapped,
            &unit.node.name,
            crate::msg!(
                "engine-export-kafka-cluster",
                "{replicas} Kafka replicas become one KRaft cluster: a StatefulSet (pods started in parallel) whose \
                 pods take their node id from their ordinal, vote in one quorum of {replicas} controllers and \
                 advertise their own addresses through a headless Service",
                replicas = replicas
            ),
        ));
        return Replication::KafkaCluster(replicas);
    }
    let how = if kafka {
        crate::msg!(
            "engine-export-kafka-compose",
            "Compose cannot give replicas their own node ids and quorum (the Kubernetes export runs a StatefulSet)"
        )
    } else {
        crate::msg!(
            "engine-export-clustering",
            "clustering `{image}` needs its own replication setup (an operator, or the image's cluster mode)",
            image = unit.image()
        )
    };
    notes.push(Note::new(
        NoteKind::Approximated,
        &unit.node.name,
        crate::msg!(
            "engine-export-one-replica",
            "{replicas} replicas of a {kind} would be {replicas} independent copies that share no data (the design's \
             shared state and hit ratio would not hold): one replica runs instead; {how}",
            replicas = replicas,
            kind = unit.node.kind.as_str(),
            how = how.clone()
        )
        .with_list("how", vec![how], " "),
    ));
    Replication::Single { designed: replicas }
}

/// The KRaft quorum of a cluster whose pods are `NAME-0…` behind `headless`:
/// `0@NAME-0.HEADLESS:9093,1@…`.
pub(crate) fn kafka_quorum_voters(name: &str, headless: &str, replicas: u32) -> String {
    (0..replicas).map(|i| format!("{i}@{name}-{i}.{headless}:{KAFKA_CONTROLLER_PORT}")).collect::<Vec<_>>().join(",")
}

/// The shell line that gives a Kafka pod its identity from the StatefulSet
/// ordinal in its host name (`orders-2` → node id 2) and starts the image's
/// own launcher.
pub(crate) fn kafka_start(headless: &str) -> String {
    format!(
        "export KAFKA_NODE_ID=\"${{HOSTNAME##*-}}\" \
         KAFKA_ADVERTISED_LISTENERS=\"PLAINTEXT://${{HOSTNAME}}.{headless}:9092\" && exec /etc/kafka/docker/run"
    )
}

/// A KRaft cluster id (16 bytes, URL-safe base64 without padding, as
/// `kafka-storage.sh random-uuid` prints), derived from the name so that
/// exports stay deterministic and every member formats the same cluster.
pub(crate) fn kafka_cluster_id(seed: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // FNV-1a, twice with different offsets, for 16 bytes.
    let fnv = |offset: u64| seed.bytes().fold(offset, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_be_bytes());
    bytes[8..].copy_from_slice(&fnv(0x6c62_272e_07bb_0142).to_be_bytes());
    let mut bits = 0u32;
    let mut width = 0u32;
    let mut out = String::new();
    for b in bytes {
        bits = (bits << 8) | u32::from(b);
        width += 8;
        while width >= 6 {
            width -= 6;
            out.push(char::from(ALPHABET[((bits >> width) & 63) as usize]));
        }
    }
    if width > 0 {
        out.push(char::from(ALPHABET[((bits << (6 - width)) & 63) as usize]));
    }
    out
}

/// The environment of a Kafka cluster member, replacing the single-node
/// settings: the shared quorum and cluster id, and replication factors the
/// cluster can meet (node id and advertised address come from the pod).
pub(crate) fn kafka_cluster_env(
    name: &str,
    headless: &str,
    replicas: u32,
    cluster_id: String,
) -> Vec<(String, String)> {
    let factor = replicas.min(3);
    let min_isr = if factor >= 3 { 2 } else { 1 };
    let mut env: Vec<(String, String)> = super::infra::INFRA
        .iter()
        .find(|i| i.key == "kafka")
        .map(|i| super::infra::environment(i, name))
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "KAFKA_NODE_ID"
                    | "KAFKA_ADVERTISED_LISTENERS"
                    | "KAFKA_CONTROLLER_QUORUM_VOTERS"
                    | "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"
            )
        })
        .collect();
    env.push(("KAFKA_CONTROLLER_QUORUM_VOTERS".to_owned(), kafka_quorum_voters(name, headless, replicas)));
    env.push(("CLUSTER_ID".to_owned(), cluster_id));
    env.push(("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR".to_owned(), factor.to_string()));
    env.push(("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR".to_owned(), factor.to_string()));
    env.push(("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR".to_owned(), min_isr.to_string()));
    env.push(("KAFKA_DEFAULT_REPLICATION_FACTOR".to_owned(), factor.to_string()));
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_lists_every_member_once() {
        assert_eq!(
            kafka_quorum_voters("kafka", "kafka-headless", 3),
            "0@kafka-0.kafka-headless:9093,1@kafka-1.kafka-headless:9093,2@kafka-2.kafka-headless:9093"
        );
    }

    #[test]
    fn cluster_ids_are_22_url_safe_characters_and_deterministic() {
        let id = kafka_cluster_id("feed/kafka");
        assert_eq!(id.len(), 22);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{id}");
        assert_eq!(id, kafka_cluster_id("feed/kafka"));
        assert_ne!(id, kafka_cluster_id("feed/other"));
    }
}
