//! Wasted work, as the simulator counts it (`engine/src/sim/flow/station.rs`
//! `waste`): a visit its caller gave up on (an *orphan*: its try timed out,
//! per try or by the call's overall timeout) or that was stopped (*dead*:
//! its caller cancelled it, or its replica crashed) counts, when it ends and
//! only if it got a worker, the worker time it held (from its start to its
//! end on a blocking node, its service on an async one) as wasted, when it
//! ends after the warm-up. A visit not itself an orphan that ends while the
//! visit that called it is one counts its held time too (one level, as the
//! simulator's `steps.rs`).
//!
//! The callee cannot see that its caller gave up, so the caller tells it:
//! every call carries its CLIENT span in `traceparent`, which is the key of
//! the callee's visit; an abandoned try without cancellation posts
//! `POST /_switchboard/orphan?of=<traceparent>` to the callee's address
//! (answered outside the node's station: it takes no worker). The callee
//! keeps its visits in flight in a small map by that key (removed when the
//! visit ends; a notice for a key not in it is ignored) and reads the flag
//! as the visit ends. An orphan passes the notice on to its calls in flight
//! (`&parent=1`: their caller is an orphan), and the calls it makes
//! afterwards say so in [`PARENT_ORPHAN_HEADER`]. A cancelled try drops its
//! connection and hyper drops the callee's handler: [`VisitEnd`]'s drop
//! counts the started visit then, its whole drawn service when the service
//! had not ended (the simulator's worker finishes it). The same works in one
//! process and across `serve-node` processes: each node counts its own.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::node::Shared;
use crate::trace::TraceContext;

/// The control path an orphan notice is posted to.
pub const ORPHAN_PATH: &str = "/_switchboard/orphan";

/// Header on a call made by a visit that is already an orphan.
pub const PARENT_ORPHAN_HEADER: &str = "x-switchboard-parent-orphan";

/// A visit in flight: whether it is an orphan, whether its caller is one,
/// and its own calls in flight (where, under which key).
#[derive(Debug, Default)]
struct Mark {
    orphan: bool,
    parent_orphan: bool,
    /// The visit's own span id, which its calls' keys hang from.
    own_span: u64,
}

/// A visit's key: its node, and the caller's span (trace id, span id).
type Key = (usize, u128, u64);

/// The visits in flight at this process's nodes, and the calls each makes.
#[derive(Debug, Default)]
pub struct Orphans {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    visits: HashMap<Key, Mark>,
    /// Calls in flight by the calling visit's (trace id, own span id): the
    /// callee's address and the call's span.
    calls: HashMap<(u128, u64), Vec<(SocketAddr, TraceContext)>>,
    /// The orphans' own spans (trace id, span id), whose calls say so.
    orphan_spans: HashSet<(u128, u64)>,
}

impl Orphans {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The path and query of a notice that the call `call` was given up on
/// (`parent`: its caller was).
#[must_use]
pub fn orphan_path(call: TraceContext, parent: bool) -> String {
    let tail = if parent { "&parent=1" } else { "" };
    format!("{ORPHAN_PATH}?of={}{tail}", call.header())
}

/// The call a notice's query names, and whether it is for its caller.
#[must_use]
pub fn notice_of(query: Option<&str>) -> Option<(TraceContext, bool)> {
    let q = query?;
    let call = q.split('&').find_map(|kv| kv.strip_prefix("of="))?;
    Some((TraceContext::parse(call)?, q.split('&').any(|kv| kv == "parent=1")))
}

/// Where a visit's time went, in wall-clock time.
#[derive(Debug, Default)]
pub(crate) struct Times {
    pub wait: Duration,
    pub service: Duration,
    /// The service drawn (stretched by faults), once drawn.
    pub service_drawn: Option<Duration>,
    /// When the worker was taken, and given back (`None`: at the end).
    pub held: Option<(Instant, Option<Instant>)>,
    pub queue_seen: u64,
    /// The replica the visit reached.
    pub replica: Option<usize>,
    /// Its replica crashed under it.
    pub crashed: bool,
}

/// A visit at node `node` until it ends: its times, and its wasted work
/// counted when it ends (or is dropped).
pub(crate) struct VisitEnd<'a> {
    shared: &'a Shared,
    node: usize,
    key: Option<Key>,
    pub times: Times,
    ended: bool,
    /// When it arrived, and whether after the warm-up.
    arrived: (Instant, bool),
}

impl<'a> VisitEnd<'a> {
    /// A visit begins at node `node`, called over the call span `caller`
    /// (`None`: not called over HTTP), `parent_orphan` when its caller is an
    /// orphan already; `own` is its own span.
    pub fn begin(
        shared: &'a Shared,
        node: usize,
        caller: Option<TraceContext>,
        own: Option<TraceContext>,
        parent_orphan: bool,
    ) -> Self {
        let key = caller.filter(|_| shared.tracks_waste()).map(|c| (node, c.trace_id, c.span_id));
        if let Some(k) = key {
            let own_span = own.map_or(0, |o| o.span_id);
            shared.orphans.lock().visits.insert(k, Mark { orphan: false, parent_orphan, own_span });
        }
        let arrived = (Instant::now(), shared.warm(shared.now_ns()));
        Self { shared, node, key, times: Times::default(), ended: false, arrived }
    }

    /// The visit ended: its work counts as wasted if it was for nobody. Its times.
    pub fn end(mut self) -> Times {
        self.ended = true;
        let mark = self.take();
        if self.times.crashed || mark.is_some_and(|m| m.orphan || m.parent_orphan) {
            let held = self.times.held.map(|(from, to)| to.unwrap_or_else(Instant::now) - from);
            self.count(held);
        }
        std::mem::take(&mut self.times)
    }

    fn take(&mut self) -> Option<Mark> {
        let k = self.key.take()?;
        let mut inner = self.shared.orphans.lock();
        let mark = inner.visits.remove(&k)?;
        inner.calls.remove(&(k.1, mark.own_span));
        inner.orphan_spans.remove(&(k.1, mark.own_span));
        Some(mark)
    }

    fn count(&self, held: Option<Duration>) {
        let Some(held) = held else { return };
        let Some(state) = self.shared.nodes.get(self.node) else { return };
        // The metrics count every visit (a node served alone measures no window).
        state.metrics.waste(held.as_secs_f64() / self.shared.time_scale);
        if self.shared.warm(self.shared.now_ns()) {
            state.measure.waste(self.shared.modelled_ns(held));
        }
    }
}

impl Drop for VisitEnd<'_> {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        // Dropped before it ended: its caller cancelled it (the connection
        // went). In service, the simulator's worker finishes the service
        // drawn; after it, the time held so far.
        let _ = self.take();
        let t = &self.times;
        let in_service = t.service.is_zero().then_some(t.service_drawn).flatten();
        let held = t.held.map(|(from, to)| in_service.unwrap_or_else(|| to.unwrap_or_else(Instant::now) - from));
        self.count(held);
        // It ends timed out, as the simulator's cancelled visit (one dropped
        // after the load's end, at shutdown, is left in flight as before).
        let now_ns = self.shared.now_ns();
        if let (true, true, Some(state)) =
            (self.arrived.1, self.shared.in_window(now_ns), self.shared.nodes.get(self.node))
        {
            let ns = |d: Duration| self.shared.modelled_ns(d);
            state.measure.record(&crate::parts::Visit {
                outcome: engine::model::Outcome::Timeout,
                time_ns: ns(self.arrived.0.elapsed()),
                wait_ns: ns(t.wait),
                service_ns: ns(in_service.unwrap_or(t.service)),
                busy_ns: held.map_or(0, ns),
                queue_seen: t.queue_seen,
                served: t.held.is_some(),
            });
        }
    }
}

impl Shared {
    /// Whether visits are tracked for wasted work: a call policy may
    /// abandon tries, or a fault crash replicas.
    pub(crate) fn tracks_waste(&self) -> bool {
        !self.policies.is_empty()
    }

    /// A call made by the visit whose span is `from` (`None`: the load
    /// generator's) to `addr` as span `call` begins: whether its caller
    /// is an orphan already (the call says so).
    pub(crate) fn call_begins(&self, from: Option<TraceContext>, addr: SocketAddr, call: TraceContext) -> bool {
        let Some(from) = from.filter(|_| self.tracks_waste()) else { return false };
        let mut inner = self.orphans.lock();
        if inner.orphan_spans.contains(&(from.trace_id, from.span_id)) {
            return true;
        }
        inner.calls.entry((from.trace_id, from.span_id)).or_default().push((addr, call));
        false
    }

    /// The call `call` made by the visit whose span is `from` has ended.
    pub(crate) fn call_ends(&self, from: Option<TraceContext>, call: TraceContext) {
        let Some(from) = from.filter(|_| self.tracks_waste()) else { return };
        let mut inner = self.orphans.lock();
        if let Some(calls) = inner.calls.get_mut(&(from.trace_id, from.span_id)) {
            calls.retain(|(_, c)| c.span_id != call.span_id);
            if calls.is_empty() {
                inner.calls.remove(&(from.trace_id, from.span_id));
            }
        }
    }

    /// Tell node `node` (at its address) that the try `call` was given up on.
    pub(crate) fn notify_orphan(&self, node: usize, call: TraceContext) {
        if let Some(&addr) = self.addrs.get(node) {
            self.post_notice(addr, call, false);
        }
    }

    fn post_notice(&self, addr: SocketAddr, call: TraceContext, parent: bool) {
        if tokio::runtime::Handle::try_current().is_err() || addr.port() == 0 {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            let _ = client.post(addr, &orphan_path(call, parent)).await;
        });
    }

    /// A notice came to node `node`: the visit called as `call` is an orphan
    /// (`parent`: its caller is). An orphan tells its calls in flight.
    pub(crate) fn orphan_notice(&self, node: usize, call: TraceContext, parent: bool) {
        let mut inner = self.orphans.lock();
        let Some(mark) = inner.visits.get_mut(&(node, call.trace_id, call.span_id)) else { return };
        if parent {
            mark.parent_orphan = true;
            return;
        }
        mark.orphan = true;
        let own = (call.trace_id, mark.own_span);
        inner.orphan_spans.insert(own);
        let children = inner.calls.remove(&own).unwrap_or_default();
        drop(inner);
        for (addr, child) in children {
            self.post_notice(addr, child, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_round_trips_through_its_query() {
        let call = TraceContext { trace_id: 0xabc, span_id: 0x12, flags: 1 };
        for parent in [false, true] {
            let path = orphan_path(call, parent);
            let (p, q) = path.split_once('?').unwrap_or_default();
            assert_eq!(p, ORPHAN_PATH);
            assert_eq!(notice_of(Some(q)), Some((call, parent)));
        }
        assert_eq!(notice_of(Some("of=bad")), None);
        assert_eq!(notice_of(None), None);
    }
}
