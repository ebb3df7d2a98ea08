//! Spans kept compactly while a file is read: strings interned once, about
//! 90 bytes per span, so a million spans hold well under a gigabyte.

use std::collections::BTreeMap;

use crate::otlp::{Span, SpanKind, keys};

/// "No such string".
pub const NONE: u32 = u32::MAX;

/// One span, its strings as indices into [`Store::names`].
#[derive(Clone, Copy, Debug)]
pub struct Compact {
    pub trace: u32,
    pub span_id: u64,
    /// 0 when a root.
    pub parent_id: u64,
    pub start_ns: u64,
    pub end_ns: u64,
    pub service: u32,
    /// `http.route`, `rpc.method` (or, for a consumer, the destination); `NONE` when unnamed.
    pub op: u32,
    /// `messaging.destination.name`, else `NONE`.
    pub destination: u32,
    /// `peer.service`, else `NONE`.
    pub peer: u32,
    /// `db.system`, else `NONE`.
    pub db_system: u32,
    /// An INTERNAL span's `code.function.name` (a signal's receiver), else `NONE`.
    pub function: u32,
    /// An INTERNAL span's name (the signal); a registry lookup's registry
    /// (`server.address`, else `peer.service`); else `NONE`.
    pub label: u32,
    /// A registry lookup's service (from `url.full`), else `NONE`.
    pub looked_up: u32,
    pub kind: SpanKind,
    pub error: bool,
}

/// The spans read so far.
#[derive(Debug, Default)]
pub struct Store {
    pub names: Vec<String>,
    name_index: BTreeMap<String, u32>,
    trace_index: BTreeMap<[u8; 16], u32>,
    pub spans: Vec<Compact>,
}

impl Store {
    /// Intern `s`.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.name_index.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(NONE);
        self.names.push(s.to_owned());
        self.name_index.insert(s.to_owned(), i);
        i
    }

    /// The string `i` (empty for `NONE`).
    #[must_use]
    pub fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }

    /// Keep `span`.
    pub fn add(&mut self, span: &Span) {
        let next = u32::try_from(self.trace_index.len()).unwrap_or(NONE);
        let trace = *self.trace_index.entry(span.trace_id).or_insert(next);
        let mut attr = |key: &str| span.attr(key).map_or(NONE, |v| self.intern(v));
        let route = attr(keys::HTTP_ROUTE);
        let method = attr(keys::RPC_METHOD);
        let destination = attr(keys::MESSAGING_DESTINATION);
        let peer = attr(keys::PEER_SERVICE);
        let db_system = attr("db.system");
        let op = if route == NONE { method } else { route };
        let (mut function, mut label, mut looked_up) = (NONE, NONE, NONE);
        match span.kind {
            SpanKind::Internal => {
                function = attr(keys::CODE_FUNCTION);
                if function != NONE {
                    label = self.intern(&span.name);
                }
            }
            SpanKind::Client => {
                if let Some(service) = span.attr(keys::URL_FULL).and_then(crate::otlp::registry::looked_up_service) {
                    looked_up = self.intern(service);
                    let server = span.attr(keys::SERVER_ADDRESS).or_else(|| span.attr(keys::PEER_SERVICE));
                    label = server.map_or(NONE, |s| self.intern(s));
                }
            }
            _ => {}
        }
        let service = self.intern(&span.service);
        self.spans.push(Compact {
            trace,
            span_id: u64::from_be_bytes(span.span_id),
            parent_id: span.parent_span_id.map_or(0, u64::from_be_bytes),
            start_ns: span.start_ns,
            end_ns: span.end_ns.max(span.start_ns),
            service,
            op,
            destination,
            peer,
            db_system,
            function,
            label,
            looked_up,
            kind: span.kind,
            error: span.error,
        });
    }

    /// Traces seen.
    #[must_use]
    pub fn traces(&self) -> usize {
        self.trace_index.len()
    }
}
