//! Who consumes from a broker. Every dependency on a broker was first made
//! a publish; here a workload becomes a subscriber instead when it can be
//! identified as a consumer: it names the same queue or topic as another
//! workload on that broker and its variable says it consumes
//! (`*_CONSUME_*`, `*_LISTEN_*`, `*_GROUP_ID`, ...), or nothing calls it (a
//! worker that only talks to the broker). A broker left with publishers and
//! no subscriber is reported: its messages would pile up.

use std::collections::{BTreeMap, BTreeSet};

use super::build::Builder;
use super::values;
use crate::model::{EdgeKind, NodeKind};
use crate::msg;

/// Words of variables that hold a queue or topic name.
const DESTINATION_WORDS: [&str; 7] = ["QUEUE", "TOPIC", "EXCHANGE", "CHANNEL", "STREAM", "SUBJECT", "ROUTING"];
/// Words of variables that say the workload consumes.
const CONSUMER_WORDS: [&str; 7] = ["CONSUME", "SUBSCRI", "LISTEN", "INPUT", "GROUP_ID", "INBOUND", "RECEIVE"];
/// Words of variables that say the workload publishes.
const PRODUCER_WORDS: [&str; 5] = ["PUBLISH", "PRODUCE", "OUTPUT", "OUTBOUND", "SEND"];

/// What a workload's environment says about messaging.
#[derive(Default)]
struct Messaging {
    destinations: BTreeSet<String>,
    consumes: bool,
    publishes: bool,
}

fn messaging(env: &[(String, String)]) -> Messaging {
    let mut m = Messaging::default();
    for (key, value) in env {
        let k = key.to_ascii_uppercase();
        if !DESTINATION_WORDS.iter().any(|w| k.contains(w)) || values::is_address_key(&k) || value.contains("://") {
            continue;
        }
        m.destinations.extend(value.split(',').map(|v| v.trim().to_ascii_lowercase()).filter(|v| !v.is_empty()));
        m.consumes |= CONSUMER_WORDS.iter().any(|w| k.contains(w));
        m.publishes |= PRODUCER_WORDS.iter().any(|w| k.contains(w));
    }
    m
}

/// Turn identified consumers' publishes into subscriptions, and report
/// brokers nobody consumes from.
pub(super) fn subscribe(b: &mut Builder, entries: &[String]) {
    let brokers: Vec<String> =
        b.design.nodes.iter().filter(|n| n.kind == NodeKind::Broker).map(|n| n.id.clone()).collect();
    let called: BTreeSet<String> =
        b.design.edges.iter().filter(|e| e.kind == EdgeKind::Call).map(|e| e.to.clone()).collect();
    for broker in brokers {
        let linked: Vec<String> = b
            .design
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Event && e.to == broker)
            .map(|e| e.from.clone())
            .collect();
        let env_of = |id: &str| messaging(b.envs.get(id).map_or(&[][..], Vec::as_slice));
        let info: BTreeMap<&str, Messaging> = linked.iter().map(|id| (id.as_str(), env_of(id))).collect();
        let mut consumers: Vec<(String, crate::message::Message)> = Vec::new();
        for (id, m) in &info {
            let shared: Vec<&String> = m
                .destinations
                .iter()
                .filter(|d| info.iter().any(|(other, o)| other != id && o.destinations.contains(*d)))
                .collect();
            let uncalled = !called.contains(*id) && !entries.iter().any(|e| e == id);
            let why = match shared.first() {
                Some(name) if m.consumes => {
                    msg!(
                        "engine-import-subscribes-consumer",
                        "{id} subscribes to {broker}: it names `{name}` as another workload does, in a consumer's variable",
                        id = id,
                        broker = &broker,
                        name = name
                    )
                }
                Some(name) if uncalled && !m.publishes => {
                    msg!(
                        "engine-import-subscribes-uncalled",
                        "{id} subscribes to {broker}: it names `{name}` as another workload does, and nothing calls it",
                        id = id,
                        broker = &broker,
                        name = name
                    )
                }
                _ if uncalled && !m.publishes => {
                    msg!(
                        "engine-import-subscribes-worker",
                        "{id} subscribes to {broker}: nothing calls it, a worker that only talks to the broker",
                        id = id,
                        broker = &broker
                    )
                }
                _ => continue,
            };
            consumers.push(((*id).to_owned(), why));
        }
        for (id, why) in consumers {
            if let Some(edge) =
                b.design.edges.iter_mut().find(|e| e.kind == EdgeKind::Event && e.from == id && e.to == broker)
            {
                edge.kind = EdgeKind::Subscription;
                edge.from.clone_from(&broker);
                edge.to.clone_from(&id);
                edge.order = 0;
            }
            b.note(why);
        }
        let publishers: Vec<&str> = b
            .design
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Event && e.to == broker)
            .map(|e| e.from.as_str())
            .collect();
        let subscribed = b.design.edges.iter().any(|e| e.kind == EdgeKind::Subscription && e.from == broker);
        if !publishers.is_empty() && !subscribed {
            let list = publishers.join(", ");
            b.note(msg!("engine-import-broker-no-consumer", "warning: {broker} has publishers ({list}) but no consumer could be identified (no workload names the same queue or topic): add a subscription, or its messages pile up", broker = &broker, list = list));
        }
    }
}
