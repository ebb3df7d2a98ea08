//! The spans of an emulated run, as instrumented services would report
//! them, kept for `emulate --traces` and written by the engine's one OTLP
//! writer (`engine::otlp::write`, shared with `simulate --traces`).
//!
//! The shapes are the simulator's (`engine::sim::report::sampled_otlp`), so
//! a run opens in Jaeger or Tempo and calibrates the same way: a node's
//! visit is a SERVER span (a load source's own root is a CLIENT span), each
//! call a CLIENT span on the caller whose `traceparent` the callee's SERVER
//! span hangs from (the difference of their durations is the network), a
//! signal receiver's work an INTERNAL span under its sender's visit. Only
//! semantic-convention attributes are written (`rpc.method`,
//! `peer.service`). Times are modelled: the run's start at the wall clock,
//! then modelled nanoseconds from it (wall time divided by the time
//! scale), so durations read as the design's.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use engine::model::Outcome;
use engine::otlp::{AttrValue, Span, SpanKind, keys};

use crate::topology::Topology;
use crate::trace::TraceContext;

/// Most spans kept (as the simulator's sampled traces): past it spans are counted, not kept.
pub const MAX_SPANS: usize = engine::sim::report::sampled::MAX_SPANS;

/// What a span is of, besides its ids and times.
#[derive(Clone, Copy, Debug)]
pub struct SpanOf<'a> {
    /// The node whose work it is (the caller, for a call).
    pub node: usize,
    /// Its kind.
    pub kind: SpanKind,
    /// The operation asked for (`None`: the default handling).
    pub operation: Option<&'a str>,
    /// For a call: the callee node.
    pub peer: Option<usize>,
    /// How it ended.
    pub outcome: Outcome,
}

/// The spans of a run, kept only once [`SpanLog::enable`] is called.
#[derive(Debug)]
pub struct SpanLog {
    enabled: AtomicBool,
    /// Unix nanoseconds of modelled time 0 (the emulation's start).
    epoch_unix_ns: u64,
    /// Node names by index (a span's `service.name`).
    names: Vec<String>,
    /// The calling node of each edge, by edge id.
    callers: BTreeMap<String, usize>,
    spans: Mutex<Vec<Span>>,
    dropped: AtomicU64,
}

impl SpanLog {
    /// A log for `topology`'s nodes, off until enabled.
    #[must_use]
    pub fn new(topology: &Topology) -> Self {
        let epoch_unix_ns =
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let mut callers = BTreeMap::new();
        for (i, n) in topology.nodes.iter().enumerate() {
            for step in n.handlers.iter().flat_map(|h| h.stages.iter().flatten()) {
                callers.entry(step.edge.clone()).or_insert(i);
            }
        }
        Self {
            enabled: AtomicBool::new(false),
            epoch_unix_ns,
            names: topology.nodes.iter().map(|n| n.name.clone()).collect(),
            callers,
            spans: Mutex::new(Vec::new()),
            dropped: AtomicU64::new(0),
        }
    }

    /// Keep spans from now on.
    pub fn enable(&self) {
        self.enabled.store(true, Ordering::Relaxed);
    }

    /// Whether spans are kept.
    #[must_use]
    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// The node calling over `edge`.
    #[must_use]
    pub fn caller(&self, edge: &str) -> Option<usize> {
        self.callers.get(edge).copied()
    }

    /// Keep the span `own` (a child of `parent`, a root without one) of
    /// `of`, from `start_ns` to `end_ns` of modelled time.
    pub fn record(&self, own: TraceContext, parent: Option<TraceContext>, of: SpanOf<'_>, times_ns: (u64, u64)) {
        if !self.enabled() {
            return;
        }
        let name_of = |i: usize| self.names.get(i).map_or("", String::as_str);
        let mut attributes = Vec::new();
        let peer = of.peer.map(name_of);
        if let Some(p) = peer {
            attributes.push((keys::PEER_SERVICE.to_owned(), AttrValue::Str(p.to_owned())));
        }
        if let Some(op) = of.operation {
            attributes.push((keys::RPC_METHOD.to_owned(), AttrValue::Str(op.to_owned())));
        }
        let fallback = match of.kind {
            SpanKind::Client if peer.is_some() => peer.unwrap_or_default(),
            SpanKind::Internal => "signal",
            _ => "request",
        };
        let (start_ns, end_ns) = times_ns;
        let span = Span {
            trace_id: own.trace_id.to_be_bytes(),
            span_id: own.span_id.to_be_bytes(),
            parent_span_id: parent.map(|p| p.span_id.to_be_bytes()),
            name: of.operation.unwrap_or(fallback).to_owned(),
            kind: of.kind,
            start_ns: self.epoch_unix_ns.saturating_add(start_ns),
            end_ns: self.epoch_unix_ns.saturating_add(end_ns.max(start_ns)),
            service: name_of(of.node).to_owned(),
            attributes,
            error: of.outcome.is_failure(),
        };
        let mut spans = self.spans.lock().unwrap_or_else(PoisonError::into_inner);
        if spans.len() < MAX_SPANS {
            spans.push(span);
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The spans kept so far (taken out, in order of their ends), and how
    /// many were dropped past [`MAX_SPANS`].
    pub fn take(&self) -> (Vec<Span>, u64) {
        let spans = std::mem::take(&mut *self.spans.lock().unwrap_or_else(PoisonError::into_inner));
        (spans, self.dropped.swap(0, Ordering::Relaxed))
    }
}
