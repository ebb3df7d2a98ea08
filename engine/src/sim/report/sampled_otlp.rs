//! Sampled simulated traces as OpenTelemetry spans, the way instrumented
//! services would report them, so a simulated run opens in Jaeger or Tempo
//! next to a real one (`simulate --traces`).
//!
//! A call from A to B is a CLIENT span on A (call issued → answer back) with
//! a SERVER span on B as its child (arrival → answer sent): the difference
//! is the network. The entry is a SERVER span, or a CLIENT span when the
//! entry node is a load source (a `client` node). A publish is a PRODUCER
//! span on the publisher naming the broker as `messaging.destination.name`;
//! the broker's delivery of it is a CONSUMER span of the subscriber, child of
//! the PRODUCER span (the context travels in the message's headers), with the
//! subscriber's own work under it. A signal receiver runs in its sender's
//! process: its work is an INTERNAL span of the sender's service named after
//! the signal, `code.function.name` naming the receiver, as a Django or
//! Blinker signal instrumentation reports a receiver call; calls a receiver
//! makes come from the sender's process too. A registry lookup (client-side
//! discovery) is a CLIENT span of the caller's process with the URL its
//! Consul or Eureka client fetches (`url.full`, `server.address`; see
//! [`crate::otlp::registry`]) and no SERVER child: registries are not
//! traced. Only OpenTelemetry
//! semantic-convention attributes are written (`rpc.method` for a named
//! operation, `peer.service`, `messaging.system`,
//! `messaging.destination.name`, `code.function.name`, `url.full`,
//! `server.address`, `http.request.method`), nothing only the
//! simulator knows.
//! Simulated time 0 is 2026-01-01T00:00:00Z.

use std::collections::BTreeMap;

use crate::model::{Design, NodeKind, Outcome};
use crate::otlp::{AttrValue, Span, SpanKind as OtelKind, keys};
use crate::sim::report::sampled::{SampledSpan, SampledTraces};
use crate::sim::report::trace::SpanKind;

/// Unix nanoseconds of simulated time 0 (2026-01-01T00:00:00Z).
pub const EPOCH_NS: u64 = 1_767_225_600_000_000_000;

/// What the conversion needs of a node.
struct NodeInfo<'a> {
    name: &'a str,
    client: bool,
    broker_system: Option<&'a str>,
    preset: Option<&'a str>,
}

/// The spans of `sampled`, named from `design` (the design the run simulated).
/// Trace ids are the seed then the trace's ordinal, so the same run gives the same file.
#[must_use]
pub fn to_otlp_spans(sampled: &SampledTraces, design: &Design, seed: u64) -> Vec<Span> {
    let nodes_by_id: BTreeMap<&str, &crate::model::Node> = design.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let nodes: Vec<NodeInfo<'_>> = sampled
        .node_ids
        .iter()
        .map(|id| {
            let n = nodes_by_id.get(id.as_str());
            NodeInfo {
                name: n.map_or(id.as_str(), |n| n.name.as_str()),
                client: n.is_some_and(|n| n.kind == NodeKind::Client),
                broker_system: n
                    .filter(|n| n.kind == NodeKind::Broker)
                    .map(|n| n.preset.as_deref().unwrap_or("broker")),
                preset: n.and_then(|n| n.preset.as_deref()),
            }
        })
        .collect();
    let edges_by_id: BTreeMap<&str, &crate::model::Edge> = design.edges.iter().map(|e| (e.id.as_str(), e)).collect();
    let edge_ops: Vec<Option<&str>> = sampled
        .edge_ids
        .iter()
        .map(|id| edges_by_id.get(id.as_str()).and_then(|e| e.target_operation.as_deref()))
        .collect();
    let edge_targets: Vec<Option<&str>> = sampled
        .edge_ids
        .iter()
        .map(|id| {
            let to = edges_by_id.get(id.as_str()).map(|e| e.to.as_str());
            to.and_then(|to| nodes_by_id.get(to)).map(|n| n.name.as_str())
        })
        .collect();
    let edge_signals: Vec<Option<&str>> =
        sampled.edge_ids.iter().map(|id| edges_by_id.get(id.as_str()).and_then(|e| e.signal.as_deref())).collect();
    let workload_ops: Vec<Option<&str>> = sampled
        .workloads
        .iter()
        .map(|w| design.workloads.iter().find(|x| &x.name == w).and_then(|x| x.operation.as_deref()))
        .collect();
    let mut out = Vec::new();
    for (ordinal, trace) in sampled.traces.iter().enumerate() {
        let mut trace_id = [0u8; 16];
        trace_id[..8].copy_from_slice(&seed.to_be_bytes());
        trace_id[8..].copy_from_slice(&(ordinal as u64 + 1).to_be_bytes());
        let entry_op = workload_ops.get(trace.workload as usize).copied().flatten();
        for (i, s) in trace.spans.iter().enumerate() {
            let ctx =
                Ctx { trace_id, spans: &trace.spans, nodes: &nodes, signals: &edge_signals, targets: &edge_targets };
            let op = match s.edge {
                Some(e) => edge_ops.get(e as usize).copied().flatten(),
                None => entry_op,
            };
            ctx.emit(i as u64, s, op, &mut out);
        }
    }
    out
}

struct Ctx<'a> {
    trace_id: [u8; 16],
    spans: &'a [SampledSpan],
    nodes: &'a [NodeInfo<'a>],
    /// Per edge: its signal's name (signal edges).
    signals: &'a [Option<&'a str>],
    /// Per edge: the name of the node it leads to.
    targets: &'a [Option<&'a str>],
}

/// The span of the callee side of span `i` (its SERVER, CONSUMER or INTERNAL span).
fn inner_id(i: u64) -> [u8; 8] {
    (2 * i + 1).to_be_bytes()
}

/// The caller side of span `i` (its CLIENT or PRODUCER span).
fn outer_id(i: u64) -> [u8; 8] {
    (2 * i + 2).to_be_bytes()
}

impl Ctx<'_> {
    fn node(&self, index: u32) -> Option<&NodeInfo<'_>> {
        self.nodes.get(index as usize)
    }

    /// The process span `index` runs in: a signal receiver runs in its sender's.
    fn process(&self, mut index: u32) -> Option<&NodeInfo<'_>> {
        // Bounded by the trace's length: parents come before children.
        for _ in 0..=self.spans.len() {
            let s = self.spans.get(index as usize)?;
            match (s.kind, s.parent) {
                (SpanKind::Signal, Some(p)) if p < index => index = p,
                _ => return self.node(s.node),
            }
        }
        None
    }

    /// The span a child of span `parent` hangs from: the parent's own work.
    fn parent_work(&self, parent: u32) -> [u8; 8] {
        let p = u64::from(parent);
        match self.spans.get(parent as usize) {
            // A client's root is its own CLIENT span.
            Some(s) if s.parent.is_none() && self.node(s.node).is_some_and(|n| n.client) => outer_id(p),
            _ => inner_id(p),
        }
    }

    fn span(&self, id: [u8; 8], parent: Option<[u8; 8]>, service: &str, kind: OtelKind, times: (u64, u64)) -> Span {
        Span {
            trace_id: self.trace_id,
            span_id: id,
            parent_span_id: parent,
            name: String::new(),
            kind,
            start_ns: EPOCH_NS.saturating_add(times.0),
            end_ns: EPOCH_NS.saturating_add(times.1.max(times.0)),
            service: service.to_owned(),
            attributes: Vec::new(),
            error: false,
        }
    }

    fn emit(&self, i: u64, s: &SampledSpan, op: Option<&str>, out: &mut Vec<Span>) {
        let Some(node) = self.node(s.node) else { return };
        let failed = s.outcome != Outcome::Ok;
        let named = |mut span: Span, name: &str| {
            op.unwrap_or(name).clone_into(&mut span.name);
            if let Some(op) = op {
                span.attributes.push((keys::RPC_METHOD.to_owned(), AttrValue::Str(op.to_owned())));
            }
            span.error = failed;
            span
        };
        let parent = s.parent.map(|p| self.parent_work(p));
        let caller = s.parent.and_then(|p| self.process(p));
        match s.kind {
            SpanKind::Entry if node.client => {
                out.push(named(
                    self.span(outer_id(i), None, node.name, OtelKind::Client, (s.call_ns, s.back_ns.max(s.end_ns))),
                    "request",
                ));
            }
            SpanKind::Entry => {
                out.push(named(
                    self.span(inner_id(i), None, node.name, OtelKind::Server, (s.call_ns, s.back_ns.max(s.end_ns))),
                    "request",
                ));
            }
            SpanKind::Call => {
                let Some(caller) = caller else { return };
                let mut client = self.span(outer_id(i), parent, caller.name, OtelKind::Client, (s.call_ns, s.back_ns));
                client.attributes.push((keys::PEER_SERVICE.to_owned(), AttrValue::Str(node.name.to_owned())));
                out.push(named(client, node.name));
                let server =
                    self.span(inner_id(i), Some(outer_id(i)), node.name, OtelKind::Server, (s.arrive_ns, s.end_ns));
                out.push(named(server, "request"));
            }
            SpanKind::Signal => {
                let Some(process) = caller else { return };
                let mut internal =
                    self.span(inner_id(i), parent, process.name, OtelKind::Internal, (s.start_ns, s.end_ns));
                let signal = s.edge.and_then(|e| self.signals.get(e as usize).copied().flatten());
                signal.unwrap_or("signal").clone_into(&mut internal.name);
                internal.attributes.push((keys::CODE_FUNCTION.to_owned(), AttrValue::Str(node.name.to_owned())));
                internal.error = failed;
                out.push(internal);
            }
            SpanKind::Lookup => {
                let (Some(process), Some(service)) =
                    (caller, s.edge.and_then(|e| self.targets.get(e as usize).copied().flatten()))
                else {
                    return;
                };
                let mut client = self.span(
                    outer_id(i),
                    parent,
                    process.name,
                    OtelKind::Client,
                    (s.call_ns, s.back_ns.max(s.end_ns)),
                );
                "GET".clone_into(&mut client.name);
                client.attributes = vec![
                    ("http.request.method".to_owned(), AttrValue::Str("GET".to_owned())),
                    (keys::SERVER_ADDRESS.to_owned(), AttrValue::Str(node.name.to_owned())),
                    (
                        keys::URL_FULL.to_owned(),
                        AttrValue::Str(crate::otlp::registry::lookup_url(node.preset, node.name, service)),
                    ),
                ];
                client.error = failed;
                out.push(client);
            }
            SpanKind::Delivery => {
                let Some(publish) = s.parent else { return };
                let broker = self.spans.get(publish as usize).and_then(|p| self.node(p.node));
                let Some(broker) = broker else { return };
                let mut consumer = self.span(
                    inner_id(i),
                    Some(outer_id(u64::from(publish))),
                    node.name,
                    OtelKind::Consumer,
                    (s.arrive_ns, s.end_ns),
                );
                consumer.name = format!("{} process", broker.name);
                consumer.attributes = vec![
                    (
                        keys::MESSAGING_SYSTEM.to_owned(),
                        AttrValue::Str(broker.broker_system.unwrap_or("broker").to_owned()),
                    ),
                    (keys::MESSAGING_DESTINATION.to_owned(), AttrValue::Str(broker.name.to_owned())),
                ];
                consumer.error = failed;
                out.push(consumer);
            }
            SpanKind::Publish => {
                let Some(caller) = caller else { return };
                let mut producer =
                    self.span(outer_id(i), parent, caller.name, OtelKind::Producer, (s.call_ns, s.back_ns));
                producer.name = format!("{} publish", node.name);
                producer.attributes = vec![
                    (
                        keys::MESSAGING_SYSTEM.to_owned(),
                        AttrValue::Str(node.broker_system.unwrap_or("broker").to_owned()),
                    ),
                    (keys::MESSAGING_DESTINATION.to_owned(), AttrValue::Str(node.name.to_owned())),
                ];
                producer.error = failed;
                out.push(producer);
            }
        }
    }
}
