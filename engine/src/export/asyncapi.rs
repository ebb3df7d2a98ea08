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
}

#[derive(Serialize)]
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
    summary: String,
    messages: Vec<Reference>,
}

#[allow(clippy::too_many_lines, reason = "channels, then operations")]
pub(super) fn export(design: &Design) -> Result<super::Output, ExportError> {
    let plan = Plan::build(design);
    let mut notes = Vec::new();
    let mut servers = Map::new();
    let mut channels = Map::new();
    let mut keys = NameTable::identifiers(60);
    // Broker node id → (channel key, message key).
    let mut channel_of: Vec<(&str, String, String)> = Vec::new();
    for node in design.nodes.iter().filter(|n| n.kind == NodeKind::Broker) {
        let base = names::identifier(&node.name, 50);
        let base = if base.is_empty() { names::identifier(&node.id, 50) } else { base };
        let key = keys.claim(if base.is_empty() { "channel" } else { &base });
        let message_key = format!("{key}_message");
        let unit = plan.owner_of(&node.id).and_then(|u| plan.units.get(u));
        let address = unit.map_or_else(|| key.replace('_', "-"), |u| u.name.clone());
        let mut channel_servers = Vec::new();
        match unit.and_then(|u| u.infra().map(|i| (u, i))) {
            Some((u, infra)) => match infra.protocol {
                Some(protocol) => {
                    servers.push(
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
                    format!("{} has no AsyncAPI protocol: no server listed", infra.key),
                )),
            },
            None => notes.push(Note::new(
                NoteKind::Placeholder,
                &node.name,
                "broker without a known preset: its server (protocol, host) is not listed",
            )),
        }
        let mode = node.broker.as_ref().map(|b| b.mode).unwrap_or_default();
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
        let mut messages = Map::new();
        messages.push(
            message_key.clone(),
            Message {
                name: node.name.clone(),
                content_type: "application/json",
                payload: Payload { kind: "object", description: payload_description },
            },
        );
        channels.push(
            key.clone(),
            Channel { address, title: node.name.clone(), description, servers: channel_servers, messages },
        );
        channel_of.push((node.id.as_str(), key, message_key));
    }

    let mut operations = Map::new();
    for edge in &design.edges {
        let (action, broker_id, party_id, verb) = match edge.kind {
            EdgeKind::Event => ("send", edge.to.as_str(), edge.from.as_str(), "publishes to"),
            EdgeKind::Subscription => ("receive", edge.from.as_str(), edge.to.as_str(), "consumes from"),
            EdgeKind::Call | EdgeKind::Signal => continue,
        };
        let Some((_, channel_key, message_key)) = channel_of.iter().find(|(id, _, _)| *id == broker_id) else {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &edge.id,
                "event or subscription without a broker node at its end: left out",
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
        let base = names::identifier(&format!("{party_name} {action} {broker_name}"), 56);
        let key = keys.claim(if base.is_empty() { action } else { &base });
        operations.push(
            key,
            Operation {
                action,
                channel: Reference { reference: format!("#/channels/{channel_key}") },
                summary: format!("{who} {verb} {broker_name}"),
                messages: vec![Reference { reference: format!("#/channels/{channel_key}/messages/{message_key}") }],
            },
        );
        if let Some(s) = edge.subscription.as_ref().filter(|s| s.max_deliveries > 1 || s.concurrency > 1) {
            notes.push(Note::new(
                NoteKind::Unsupported,
                super::plan::edge_subject(design, &edge.from, &edge.to),
                format!(
                    "consumer settings (concurrency {}, {} deliveries before the dead-letter queue) are broker and \
                     client configuration, not AsyncAPI",
                    s.concurrency, s.max_deliveries
                ),
            ));
        }
    }
    if channels.is_empty() {
        notes.push(Note::new(NoteKind::Mapped, "design", "no broker in the design: no channels"));
    }
    let doc = Document {
        asyncapi: "3.0.0",
        info: Info { title: design.name.clone(), version: "1.0.0", description: design.description.clone() },
        servers,
        channels,
        operations,
    };
    let text = super::yaml(ExportFormat::AsyncApi, &doc)?;
    Ok((vec![(ExportFormat::AsyncApi.file_name().to_owned(), text)], notes))
}
