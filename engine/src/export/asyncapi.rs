//! AsyncAPI 3: the design's messaging. A channel per broker node (a queue or
//! topic), a server per broker workload, and an operation per publisher
//! (`send`) and per subscriber (`receive`).

use serde::Serialize;

use super::map::Map;
use super::names::{self, NameTable};
use super::plan::Plan;
use super::{ExportError, ExportFormat, Note, NoteKind};
use crate::Design;
use crate::model::{BrokerMode, EdgeKind, NodeKind};

#[derive(Serialize)]
struct Document {
    asyncapi: &'static str,
    info: Info,
    #[serde(skip_serializing_if = "Map::is_empty")]
    servers: Map<Server>,
    channels: Map<Channel>,
    operations: Map<Operation>,
}

#[derive(Serialize)]
struct Info {
    title: String,
    version: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
}

#[derive(Serialize)]
struct Server {
    host: String,
    protocol: &'static str,
    description: String,
}

#[derive(Serialize)]
struct Channel {
    address: String,
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    servers: Vec<Reference>,
    messages: Map<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bindings: Option<ChannelBindings>,
}

#[derive(Serialize)]
struct ChannelBindings {
    #[serde(skip_serializing_if = "Option::is_none")]
    amqp: Option<AmqpChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kafka: Option<KafkaChannel>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AmqpChannel {
    is: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    exchange: Option<AmqpExchange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue: Option<AmqpQueue>,
    binding_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AmqpExchange {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    durable: bool,
    auto_delete: bool,
    vhost: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AmqpQueue {
    name: String,
    durable: bool,
    exclusive: bool,
    auto_delete: bool,
    vhost: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KafkaChannel {
    topic: String,
    binding_version: &'static str,
}

#[derive(Serialize)]
struct OperationBindings {
    #[serde(skip_serializing_if = "Option::is_none")]
    kafka: Option<KafkaOperation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nats: Option<NatsOperation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KafkaOperation {
    group_id: StringEnum,
    binding_version: &'static str,
}

/// A JSON Schema of one allowed string.
#[derive(Serialize)]
struct StringEnum {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "enum")]
    values: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NatsOperation {
    queue: String,
    binding_version: &'static str,
}

#[derive(Clone, Serialize)]
struct Reference {
    #[serde(rename = "$ref")]
    reference: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    name: String,
    content_type: &'static str,
    payload: Payload,
}

#[derive(Serialize)]
struct Payload {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
}

#[derive(Serialize)]
struct Operation {
    action: &'static str,
    channel: Reference,
    title: String,
    summary: String,
    messages: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bindings: Option<OperationBindings>,
}

/// How a broker's messages reach its subscriptions, in its protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fanout {
    /// AMQP topic: a fanout exchange, a queue per subscription.
    AmqpExchange,
    /// AMQP queue: one queue, competing consumers.
    AmqpQueue,
    /// Kafka: one topic; a consumer group per subscription (topic) or one shared group (queue).
    Kafka,
    /// NATS: one subject; a queue group per subscription (topic) or one shared (queue).
    Nats,
    /// No bindings for the protocol: the description says it.
    Unbound,
}

/// An operation id that keeps every letter of any script (`库存服务_send_…`),
/// so ids stay readable where an ASCII identifier would be empty.
fn readable_id(raw: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending = false;
    for c in raw.chars() {
        if c.is_alphanumeric() {
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.push(c);
        } else {
            pending = true;
        }
    }
    out.chars().take(max).collect::<String>().trim_end_matches('_').to_owned()
}

/// One channel's keys: the channel and its message.
struct ChannelKeys {
    channel: String,
    message: String,
}

/// What the operations need of a broker's channels.
struct BrokerChannels<'a> {
    id: &'a str,
    fanout: Fanout,
    mode: BrokerMode,
    /// The channel publishers send to (the exchange, topic, subject or queue).
    publish: ChannelKeys,
    /// The address base (the broker's workload name).
    name: String,
    /// Per subscription edge id, its own queue's channel (AMQP topics only).
    queues: Vec<(&'a str, ChannelKeys)>,
}

fn message(node_name: &str, payload_description: &str) -> Message {
    Message {
        name: node_name.to_owned(),
        content_type: "application/json",
        payload: Payload { kind: "object", description: payload_description.to_owned() },
    }
}

/// What the broker phase writes: the servers and the channels.
#[derive(Default)]
struct Channels {
    servers: Map<Server>,
    channels: Map<Channel>,
}

pub(super) fn export(design: &Design) -> Result<super::Output, ExportError> {
    let plan = Plan::build(design);
    let mut notes = Vec::new();
    let mut out = Channels::default();
    let mut keys = NameTable::identifiers(60);
    let brokers: Vec<BrokerChannels<'_>> = design
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Broker)
        .map(|node| broker_channels(&plan, node, &mut keys, &mut out, &mut notes))
        .collect();
    let operations = operations(&plan, &brokers, &mut notes);
    fan_out_note(&out, &mut notes);
    let doc = Document {
        asyncapi: "3.0.0",
        info: Info { title: design.name.clone(), version: "1.0.0", description: design.description.clone() },
        servers: out.servers,
        channels: out.channels,
        operations,
    };
    let text = super::yaml(ExportFormat::AsyncApi, &doc)?;
    Ok((vec![(ExportFormat::AsyncApi.file_name().to_owned(), text)], notes))
}

/// A broker's server (when its preset speaks a protocol AsyncAPI knows), its
/// channel with the fan-out bindings, and for an AMQP topic a queue channel
/// per subscription.
fn broker_channels<'a>(
    plan: &Plan<'a>,
    node: &'a crate::model::Node,
    keys: &mut NameTable,
    out: &mut Channels,
    notes: &mut Vec<Note>,
) -> BrokerChannels<'a> {
    let design = plan.design;
    let base = names::identifier(&node.name, 50);
    let base = if base.is_empty() { names::identifier(&node.id, 50) } else { base };
    let key = keys.claim(if base.is_empty() { "channel" } else { &base });
    let message_key = format!("{key}_message");
    let unit = plan.owner_of(&node.id).and_then(|u| plan.units.get(u));
    let address = unit.map_or_else(|| key.replace('_', "-"), |u| u.name.clone());
    let mut channel_servers = Vec::new();
    let mut protocol_of = None;
    match unit.and_then(|u| u.infra().map(|i| (u, i))) {
        Some((u, infra)) => match infra.protocol {
            Some(protocol) => {
                protocol_of = Some(protocol);
                out.servers.push(
                    key.clone(),
                    Server {
                        host: format!("{}:{}", u.name, u.port),
                        protocol,
                        description: format!("{} ({})", node.name, infra.key),
                    },
                );
                channel_servers.push(Reference { reference: format!("#/servers/{key}") });
            }
            None => notes.push(Note::new(
                NoteKind::Unsupported,
                &node.name,
                crate::msg!(
                    "engine-export-asyncapi-no-protocol",
                    "{key} has no AsyncAPI protocol: no server listed",
                    key = infra.key
                ),
            )),
        },
        None => notes.push(Note::new(
            NoteKind::Placeholder,
            &node.name,
            crate::msg!(
                "engine-export-asyncapi-unknown-broker",
                "broker without a known preset: its server (protocol, host) is not listed"
            ),
        )),
    }
    let mode = node.broker.as_ref().map(|b| b.mode).unwrap_or_default();
    let fanout = match (protocol_of, mode) {
        (Some("amqp"), BrokerMode::Topic) => Fanout::AmqpExchange,
        (Some("amqp"), BrokerMode::Queue) => Fanout::AmqpQueue,
        (Some("kafka"), _) => Fanout::Kafka,
        (Some("nats"), _) => Fanout::Nats,
        _ => Fanout::Unbound,
    };
    let mut description = match mode {
        BrokerMode::Queue => "Queue: each message goes to one consumer.".to_owned(),
        BrokerMode::Topic => "Topic: every subscription gets a copy of each message.".to_owned(),
    };
    if let Some(cap) = node.broker.as_ref().and_then(|b| b.capacity_messages) {
        description.push_str(&format!(" Buffers at most {cap} messages per subscription."));
    }
    let payload_bytes =
        design.edges.iter().filter(|e| e.kind == EdgeKind::Event && e.to == node.id).find_map(|e| e.payload_bytes);
    let payload_description = match payload_bytes {
        Some(b) => format!("About {b} bytes; the design does not describe the fields."),
        None => "The design does not describe the fields.".to_owned(),
    };
    let bindings = channel_bindings(fanout, &address);
    if fanout == Fanout::Unbound && protocol_of.is_some() {
        notes.push(Note::new(
            NoteKind::Approximated,
            &node.name,
            crate::msg!(
                "engine-export-asyncapi-no-bindings",
                "AsyncAPI has no bindings for this protocol: the channel's description says queue or topic"
            ),
        ));
    }
    let mut messages = Map::new();
    messages.push(message_key.clone(), message(&node.name, &payload_description));
    out.channels.push(
        key.clone(),
        Channel {
            address: address.clone(),
            title: node.name.clone(),
            description,
            servers: channel_servers.clone(),
            messages,
            bindings,
        },
    );
    let queues = if fanout == Fanout::AmqpExchange {
        let ex = Exchange {
            node,
            key: &key,
            address: &address,
            servers: &channel_servers,
            payload_description: &payload_description,
        };
        subscription_queues(plan, &ex, keys, out)
    } else {
        Vec::new()
    };
    BrokerChannels {
        id: node.id.as_str(),
        fanout,
        mode,
        publish: ChannelKeys { channel: key, message: message_key },
        name: address,
        queues,
    }
}

/// A broker channel's bindings: an AMQP fanout exchange for a topic, a queue
/// for a queue, a Kafka topic; none where AsyncAPI has no binding.
fn channel_bindings(fanout: Fanout, address: &str) -> Option<ChannelBindings> {
    match fanout {
        Fanout::AmqpExchange => Some(ChannelBindings {
            amqp: Some(AmqpChannel {
                is: "routingKey",
                exchange: Some(AmqpExchange {
                    name: address.to_owned(),
                    kind: "fanout",
                    durable: true,
                    auto_delete: false,
                    vhost: "/",
                }),
                queue: None,
                binding_version: "0.3.0",
            }),
            kafka: None,
        }),
        Fanout::AmqpQueue => Some(ChannelBindings { amqp: Some(amqp_queue(address)), kafka: None }),
        Fanout::Kafka => Some(ChannelBindings {
            amqp: None,
            kafka: Some(KafkaChannel { topic: address.to_owned(), binding_version: "0.5.0" }),
        }),
        Fanout::Nats | Fanout::Unbound => None,
    }
}

/// A broker's channel as the queues of its subscriptions see it.
struct Exchange<'x> {
    node: &'x crate::model::Node,
    /// The channel's key.
    key: &'x str,
    address: &'x str,
    servers: &'x [Reference],
    payload_description: &'x str,
}

/// An AMQP topic: each subscription reads its own queue channel bound to
/// the fanout exchange.
fn subscription_queues<'a>(
    plan: &Plan<'a>,
    ex: &Exchange<'_>,
    keys: &mut NameTable,
    out: &mut Channels,
) -> Vec<(&'a str, ChannelKeys)> {
    let design = plan.design;
    let mut queues = Vec::new();
    for edge in design.edges.iter().filter(|e| e.kind == EdgeKind::Subscription && e.from == ex.node.id) {
        let consumer = consumer_name(plan, design, &edge.to);
        let qkey = keys.claim(&format!("{}_{}", ex.key, names::identifier(&consumer, 40)));
        let qmessage = format!("{qkey}_message");
        let qaddress = format!("{}.{consumer}", ex.address);
        let mut messages = Map::new();
        messages.push(qmessage.clone(), message(&ex.node.name, ex.payload_description));
        out.channels.push(
            qkey.clone(),
            Channel {
                address: qaddress.clone(),
                title: format!("{} → {}", ex.node.name, design.node_name(&edge.to)),
                description: format!("The queue of one subscription, bound to the fanout exchange {}.", ex.address),
                servers: ex.servers.to_vec(),
                messages,
                bindings: Some(ChannelBindings { amqp: Some(amqp_queue(&qaddress)), kafka: None }),
            },
        );
        queues.push((edge.id.as_str(), ChannelKeys { channel: qkey, message: qmessage }));
    }
    queues
}

/// One send or receive operation per event and subscription edge, with the
/// consumer group or queue group of a receive where the protocol has one.
fn operations(plan: &Plan<'_>, brokers: &[BrokerChannels<'_>], notes: &mut Vec<Note>) -> Map<Operation> {
    let design = plan.design;
    let mut operations = Map::new();
    let mut op_keys = NameTable::identifiers(80);
    for edge in &design.edges {
        let (action, broker_id, party_id, verb) = match edge.kind {
            EdgeKind::Event => ("send", edge.to.as_str(), edge.from.as_str(), "publishes to"),
            EdgeKind::Subscription => ("receive", edge.from.as_str(), edge.to.as_str(), "consumes from"),
            EdgeKind::Call | EdgeKind::Signal => continue,
        };
        let Some(broker) = brokers.iter().find(|b| b.id == broker_id) else {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &edge.id,
                crate::msg!(
                    "engine-export-asyncapi-no-broker",
                    "event or subscription without a broker node at its end: left out"
                ),
            ));
            continue;
        };
        let party = design.node(party_id);
        let party_name = party.map_or(party_id, |n| n.name.as_str());
        let host =
            party.filter(|n| n.kind == NodeKind::Receiver).and_then(|n| n.host.as_deref()).map(|h| design.node_name(h));
        let who = match host {
            Some(h) => format!("{party_name} (signal receiver in {h})"),
            None => party_name.to_owned(),
        };
        let broker_name = design.node_name(broker_id);
        let base = readable_id(&format!("{party_name} {action} {broker_name}"), 72);
        let key = op_keys.claim(if base.is_empty() { action } else { &base });
        let keys = match broker.queues.iter().find(|(id, _)| *id == edge.id) {
            Some((_, own)) if action == "receive" => own,
            _ => &broker.publish,
        };
        // Who competes for a message: one group per subscription on a topic, one shared on a queue.
        let group = || match broker.mode {
            BrokerMode::Topic => consumer_name(plan, design, party_id),
            BrokerMode::Queue => format!("{}-consumers", broker.name),
        };
        let bindings = match (action, broker.fanout) {
            ("receive", Fanout::Kafka) => Some(OperationBindings {
                kafka: Some(KafkaOperation {
                    group_id: StringEnum { kind: "string", values: vec![group()] },
                    binding_version: "0.5.0",
                }),
                nats: None,
            }),
            ("receive", Fanout::Nats) => Some(OperationBindings {
                kafka: None,
                nats: Some(NatsOperation { queue: group(), binding_version: "0.1.0" }),
            }),
            _ => None,
        };
        operations.push(
            key,
            Operation {
                action,
                channel: Reference { reference: format!("#/channels/{}", keys.channel) },
                title: format!("{who} {verb} {broker_name}"),
                summary: format!("{who} {verb} {broker_name}"),
                messages: vec![Reference {
                    reference: format!("#/channels/{}/messages/{}", keys.channel, keys.message),
                }],
                bindings,
            },
        );
        if let Some(s) = edge.subscription.as_ref().filter(|s| s.max_deliveries > 1 || s.concurrency > 1) {
            notes.push(Note::new(
                NoteKind::Unsupported,
                super::plan::edge_subject(design, &edge.from, &edge.to),
                crate::msg!(
                    "engine-export-asyncapi-consumer-settings",
                    "consumer settings (concurrency {concurrency}, {deliveries} deliveries before the dead-letter \
                     queue) are broker and client configuration, not AsyncAPI",
                    concurrency = s.concurrency,
                    deliveries = s.max_deliveries
                ),
            ));
        }
    }
    operations
}

/// How fan-out maps onto bindings, said once.
fn fan_out_note(out: &Channels, notes: &mut Vec<Note>) {
    if out.channels.is_empty() {
        notes.push(Note::new(
            NoteKind::Mapped,
            "design",
            crate::msg!("engine-export-asyncapi-no-channels", "no broker in the design: no channels"),
        ));
    } else {
        notes.push(Note::new(
            NoteKind::Mapped,
            "design",
            crate::msg!(
                "engine-export-asyncapi-fan-out",
                "fan-out in bindings: an AMQP topic is a fanout exchange with a queue channel per subscription, an \
                 AMQP queue one queue; Kafka and NATS subscriptions of a topic get a consumer group or queue group \
                 each, those of a queue share one"
            ),
        ));
    }
}

fn amqp_queue(name: &str) -> AmqpChannel {
    AmqpChannel {
        is: "queue",
        exchange: None,
        queue: Some(AmqpQueue {
            name: name.to_owned(),
            durable: true,
            exclusive: false,
            auto_delete: false,
            vhost: "/",
        }),
        binding_version: "0.3.0",
    }
}

/// A consumer's name in queue and group names: its workload's DNS name (a
/// receiver's host's), or its sanitized id.
fn consumer_name(plan: &Plan<'_>, design: &Design, node_id: &str) -> String {
    plan.owner_of(node_id).and_then(|u| plan.units.get(u)).map_or_else(
        || {
            let label = names::dns_label(design.node_name(node_id), names::DNS_LABEL_MAX);
            if label.is_empty() { names::dns_label(node_id, names::DNS_LABEL_MAX) } else { label }
        },
        |u| u.name.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_keep_letters_of_any_script() {
        assert_eq!(readable_id("库存服务 receive 订单事件", 72), "库存服务_receive_订单事件");
        assert_eq!(readable_id("Email sender send events!", 72), "Email_sender_send_events");
    }
}
