//! W3C Trace Context: the `traceparent` header a node accepts and passes on,
//! and a request's hop (its call depth and trace context) as it travels.
//!
//! A node's visit is a span: it joins the trace of the `traceparent` it
//! received (a new trace when there is none or it is malformed, as the
//! recommendation says), gets a span id of its own, and every call it makes
//! carries `traceparent` with that span as the parent. The visit's own
//! context goes back in the `traceresponse` header (Trace Context Level 2),
//! so a caller or a tool can find it. Ids come from a counter mixed by
//! SplitMix64: unique within a run, cheap, and no new dependency.

use std::sync::atomic::{AtomicU64, Ordering};

/// Header carrying the caller's trace context.
pub const TRACEPARENT: &str = "traceparent";
/// Header carrying the callee's own span back.
pub const TRACERESPONSE: &str = "traceresponse";

/// A trace context: trace id, the span id of the parent (or of this span,
/// once entered), and the trace flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceContext {
    /// 16 bytes, never zero.
    pub trace_id: u128,
    /// 8 bytes, never zero.
    pub span_id: u64,
    /// Bit 0: sampled.
    pub flags: u8,
}

impl TraceContext {
    /// Read a `traceparent` value: `version-traceid-parentid-flags` in
    /// lowercase hex; `None` when malformed or an id is all zeros.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        let mut parts = value.trim().split('-');
        let (version, trace, span, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        // Version 00 has exactly four fields; later versions may add more.
        if !hex(version, 2) || version == "ff" || (version == "00" && parts.next().is_some()) {
            return None;
        }
        if !(hex(trace, 32) && hex(span, 16) && hex(flags, 2)) {
            return None;
        }
        let trace_id = u128::from_str_radix(trace, 16).ok()?;
        let span_id = u64::from_str_radix(span, 16).ok()?;
        let flags = u8::from_str_radix(flags, 16).ok()?;
        (trace_id != 0 && span_id != 0).then_some(Self { trace_id, span_id, flags })
    }

    /// The header value, version 00.
    #[must_use]
    pub fn header(&self) -> String {
        format!("00-{:032x}-{:016x}-{:02x}", self.trace_id, self.span_id, self.flags)
    }
}

/// Span and trace ids, unique within a run.
#[derive(Debug)]
pub struct Ids {
    seed: u64,
    next: AtomicU64,
}

impl Ids {
    /// Ids drawn from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { seed, next: AtomicU64::new(1) }
    }

    /// A fresh non-zero id.
    pub fn id(&self) -> u64 {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        splitmix64(self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)).max(1)
    }

    /// The context of a new span: a child of `parent`, or the root of a new
    /// (sampled) trace.
    pub fn enter(&self, parent: Option<TraceContext>) -> TraceContext {
        let span_id = self.id();
        if let Some(p) = parent {
            TraceContext { span_id, ..p }
        } else {
            let trace_id = (u128::from(self.id()) << 64) | u128::from(self.id());
            TraceContext { trace_id, span_id, flags: 1 }
        }
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Where a request is on its way: hops from its workload's entry, and the
/// trace context of the visit making the call (`None` from the load
/// generator, whose entry visit starts the trace).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hop {
    /// Hops from the entry.
    pub depth: u16,
    /// The calling visit's span.
    pub trace: Option<TraceContext>,
}

impl Hop {
    /// The hop a call from this visit makes: one deeper, same span as parent.
    #[must_use]
    pub fn next(self) -> Self {
        Self { depth: self.depth.saturating_add(1), trace: self.trace }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_round_trips_and_malformed_values_are_refused() {
        let v = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let c = TraceContext::parse(v);
        assert_eq!(c.map(|c| c.header()).as_deref(), Some(v));
        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "",
        ] {
            assert_eq!(TraceContext::parse(bad), None, "{bad}");
        }
        // A later version may carry more fields.
        assert!(TraceContext::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x").is_some());
    }

    #[test]
    fn a_child_keeps_the_trace_and_gets_a_span_of_its_own() {
        let ids = Ids::new(7);
        let root = ids.enter(None);
        let child = ids.enter(Some(root));
        assert_eq!(child.trace_id, root.trace_id);
        assert_ne!(child.span_id, root.span_id);
        assert!(root.trace_id != 0 && root.span_id != 0 && child.span_id != 0);
        let spans: std::collections::BTreeSet<u64> = (0..1000).map(|_| ids.id()).collect();
        assert_eq!(spans.len(), 1000);
    }
}
