//! Request traces for the waterfall view.
//!
//! Recording spans for every request would cost memory per request, so roots
//! are head-sampled (one in `every`); of the sampled ones the run keeps the
//! slowest per window and a few picked at random (reservoir sampling), each
//! as a span tree with network, queue, service and downstream time per hop.

use serde::{Deserialize, Serialize};

use crate::model::Outcome;

use crate::sampling::Stream;
use crate::sim::core::plan::{NONE, Plan};

/// How a span was entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// The request entering the design.
    Entry,
    /// A synchronous call.
    Call,
    /// An in-process signal receiver.
    Signal,
    /// A fire-and-forget publish (the span ends when the message is sent).
    Publish,
    /// A broker's delivery of a published message to a subscriber (only in
    /// exported traces: the report's traces end with their request).
    Delivery,
    /// A caller's lookup of a service's instances at the registry (only in
    /// exported traces, as deliveries).
    Lookup,
}

/// A span being recorded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpanRec {
    pub parent: u32,
    pub node: u32,
    pub edge: u32,
    pub kind: SpanKind,
    pub t_call_ns: u64,
    pub t_arrive_ns: u64,
    pub t_start_ns: u64,
    pub t_served_ns: u64,
    pub t_end_ns: u64,
    pub t_back_ns: u64,
    pub outcome: Outcome,
}

/// A step of a span not reached (yet).
const UNSET: u64 = u64::MAX;

impl SpanRec {
    /// End the span at `now_ns` in the phase it is in: every step not reached
    /// happens now. A call given up on, or still under way when its request
    /// ends, then shows its time where it went (on the wire, queued, in
    /// service, waiting on its own calls), and its parts add up.
    pub fn close_at(&mut self, now_ns: u64) {
        for t in [
            &mut self.t_arrive_ns,
            &mut self.t_start_ns,
            &mut self.t_served_ns,
            &mut self.t_end_ns,
            &mut self.t_back_ns,
        ] {
            if *t == UNSET {
                *t = now_ns;
            }
        }
    }

    /// The step times, a step never reached taking the time of the one
    /// before (a publish is an instant: every step at its call).
    pub(crate) fn settled(&self) -> [u64; 6] {
        let mut last = self.t_call_ns;
        let mut out = [self.t_call_ns; 6];
        for (slot, t) in out.iter_mut().skip(1).zip([
            self.t_arrive_ns,
            self.t_start_ns,
            self.t_served_ns,
            self.t_end_ns,
            self.t_back_ns,
        ]) {
            if t != UNSET {
                last = t;
            }
            *slot = last;
        }
        out
    }
}

#[derive(Debug)]
pub(crate) struct Done {
    pub workload: u32,
    pub latency_ns: u64,
    pub spans: Vec<SpanRec>,
}

/// Samples and keeps traces.
#[derive(Debug)]
pub(crate) struct Tracer {
    enabled: bool,
    every: u64,
    /// Roots until the next sampled one (a countdown: no division per request).
    countdown: u64,
    live: Vec<Vec<SpanRec>>,
    live_workload: Vec<u32>,
    /// Per slot: visits holding its id, and whether its request is done. A
    /// slot is reused only when both say so: a visit that outlives its
    /// request (a call given up on, still queued downstream) must not write
    /// into the next request's trace.
    holders: Vec<u32>,
    done: Vec<bool>,
    free: Vec<u32>,
    window_best: Option<Done>,
    slowest: Vec<Done>,
    reservoir: Vec<Done>,
    seen: u64,
    rng: Stream,
    /// Every sampled trace, kept for export when asked (see `sampled.rs`).
    sampled: Option<super::sampled::Keeper>,
    /// Per slot: its serial number among the traces and deliveries recorded
    /// (a slot is reused; the serial links a delivery to its publish).
    serials: Vec<u32>,
    /// Per slot: it records a delivery or lookup (see [`Tracer::start_linked`]), not a request.
    deliveries: Vec<bool>,
    next_serial: u32,
    /// Traced publishes: (serial of the publishing trace, the publish span).
    links: Vec<(u32, u32)>,
    /// Publish visits on their way to the broker: visit → (its call time, link).
    in_transit: std::collections::BTreeMap<u32, (u64, u32)>,
}

/// Random traces kept besides the slowest.
const RANDOM_KEPT: usize = 5;
/// Most per-window slowest traces kept (the slowest of them win).
const SLOWEST_KEPT: usize = 100;

impl Tracer {
    pub fn new(enabled: bool, every: u64, rng: Stream) -> Self {
        Self {
            enabled,
            every: every.max(1),
            countdown: every.max(1),
            live: Vec::new(),
            live_workload: Vec::new(),
            holders: Vec::new(),
            done: Vec::new(),
            free: Vec::new(),
            window_best: None,
            slowest: Vec::new(),
            reservoir: Vec::new(),
            seen: 0,
            rng,
            sampled: None,
            serials: Vec::new(),
            deliveries: Vec::new(),
            next_serial: 0,
            links: Vec::new(),
            in_transit: std::collections::BTreeMap::new(),
        }
    }

    /// Keep every sampled trace (up to a bound) for export.
    pub fn export_sampled(&mut self, on: bool) {
        self.sampled = (on && self.enabled).then(super::sampled::Keeper::default);
    }

    /// The traces kept for export.
    pub fn take_sampled(&mut self, plan: &Plan) -> super::sampled::SampledTraces {
        self.sampled.take().map(|k| k.into_traces(plan)).unwrap_or_default()
    }

    /// A new root request: its trace id when sampled, else `NONE`.
    #[inline]
    pub fn maybe_start(&mut self, workload: u32) -> u32 {
        if !self.enabled {
            return NONE;
        }
        self.countdown -= 1;
        if self.countdown > 0 {
            return NONE;
        }
        self.countdown = self.every;
        self.allocate(workload, false)
    }

    /// A free slot for a new trace (of a request, or of a delivery).
    fn allocate(&mut self, workload: u32, delivery: bool) -> u32 {
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1);
        if let Some(id) = self.free.pop() {
            let i = id as usize;
            if let (Some(spans), Some(w)) = (self.live.get_mut(i), self.live_workload.get_mut(i)) {
                spans.clear();
                *w = workload;
            }
            if let Some(d) = self.done.get_mut(i) {
                *d = false;
            }
            if let (Some(s), Some(d)) = (self.serials.get_mut(i), self.deliveries.get_mut(i)) {
                *s = serial;
                *d = delivery;
            }
            id
        } else {
            self.live.push(Vec::new());
            self.live_workload.push(workload);
            self.holders.push(0);
            self.done.push(false);
            self.serials.push(serial);
            self.deliveries.push(delivery);
            (self.live.len() - 1) as u32
        }
    }

    /// Deliveries are traced only for export: the report's traces end with
    /// their request, and tracing them there would change it.
    #[must_use]
    pub fn traces_deliveries(&self) -> bool {
        self.sampled.is_some()
    }

    /// A link to span `span` of trace `trace`, for a trace started later
    /// under it (see [`Tracer::start_linked`]); `NONE` when not traced.
    pub fn link(&mut self, trace: u32, span: u32) -> u32 {
        let Some(&serial) = self.serials.get(trace as usize) else { return NONE };
        let link = u32::try_from(self.links.len()).unwrap_or(NONE);
        if link != NONE {
            self.links.push((serial, span));
        }
        link
    }

    /// Publish span `span` of trace `trace` sent its message as visit
    /// `visit` (called at `call_ns`): the message carries the link to the broker.
    pub fn publish_sent(&mut self, trace: u32, span: u32, visit: u32, call_ns: u64) {
        let link = self.link(trace, span);
        if link != NONE {
            self.in_transit.insert(visit, (call_ns, link));
        }
    }

    /// The link carried by publish visit `visit` (called at `call_ns`), else `NONE`; forgotten once read.
    pub fn take_link(&mut self, visit: u32, call_ns: u64) -> u32 {
        match self.in_transit.remove(&visit) {
            Some((t, link)) if t == call_ns => link,
            _ => NONE,
        }
    }

    /// A delivery of a traced publish, or a registry lookup for a traced
    /// call (`link` from [`Tracer::link`]), starts: a trace of its own,
    /// appended on export to the trace it links to. `NONE` when not traced.
    pub fn start_linked(&mut self, link: u32) -> u32 {
        if !self.enabled || self.sampled.is_none() || link == NONE {
            return NONE;
        }
        // The workload is the publishing request's, set on export.
        let id = self.allocate(0, true);
        if let Some(l) = self.links.get(link as usize).copied()
            && let Some(k) = self.sampled.as_mut()
        {
            k.link(self.serials.get(id as usize).copied().unwrap_or(NONE), l);
        }
        id
    }

    /// A trace started by [`Tracer::start_linked`] ended at `now_ns`: its
    /// spans go to the export (never to the report's traces).
    pub fn finish_linked(&mut self, trace: u32, now_ns: u64) {
        if !self.deliveries.get(trace as usize).copied().unwrap_or(false) {
            return;
        }
        let Some(spans) = self.live.get_mut(trace as usize) else { return };
        let mut spans = std::mem::take(spans);
        for s in spans.iter_mut().filter(|s| s.outcome == Outcome::InFlight) {
            s.close_at(now_ns);
        }
        if let Some(d) = self.done.get_mut(trace as usize) {
            *d = true;
        }
        if self.holders.get(trace as usize).copied().unwrap_or(0) == 0 {
            self.free.push(trace);
        }
        let serial = self.serials.get(trace as usize).copied().unwrap_or(NONE);
        if let Some(k) = self.sampled.as_mut() {
            k.keep_delivery(serial, &spans);
        }
    }

    /// Open a span; returns its index in the trace.
    pub fn open(&mut self, trace: u32, parent: u32, node: u32, edge: u32, kind: SpanKind, now_ns: u64) -> u32 {
        let Some(spans) = self.live.get_mut(trace as usize) else { return NONE };
        spans.push(SpanRec {
            parent,
            node,
            edge,
            kind,
            t_call_ns: now_ns,
            t_arrive_ns: UNSET,
            t_start_ns: UNSET,
            t_served_ns: UNSET,
            t_end_ns: UNSET,
            t_back_ns: UNSET,
            outcome: Outcome::InFlight,
        });
        (spans.len() - 1) as u32
    }

    /// The span to update.
    #[inline]
    pub fn span(&mut self, trace: u32, span: u32) -> Option<&mut SpanRec> {
        self.live.get_mut(trace as usize)?.get_mut(span as usize)
    }

    /// A visit takes trace `trace`'s id.
    #[inline]
    pub fn hold(&mut self, trace: u32) {
        if let Some(n) = self.holders.get_mut(trace as usize) {
            *n += 1;
        }
    }

    /// A visit lets go of trace `trace`'s id (it ended, or was given up on).
    #[inline]
    pub fn let_go(&mut self, trace: u32) {
        // Only the last holder's release frees the slot (once).
        let Some(n) = self.holders.get_mut(trace as usize).filter(|n| **n > 0) else { return };
        *n -= 1;
        if *n == 0 && self.done.get(trace as usize).copied().unwrap_or(false) {
            self.free.push(trace);
        }
    }

    /// The root request finished.
    pub fn finish(&mut self, trace: u32, latency_ns: u64) {
        let Some(spans) = self.live.get_mut(trace as usize) else { return };
        let mut spans = std::mem::take(spans);
        // Calls still under way (their caller gave up) end with the request.
        let end = spans.first().map_or(0, |root| root.t_call_ns.saturating_add(latency_ns));
        for s in spans.iter_mut().filter(|s| s.outcome == Outcome::InFlight) {
            s.close_at(end);
        }
        let workload = self.live_workload.get(trace as usize).copied().unwrap_or(0);
        if let Some(d) = self.done.get_mut(trace as usize) {
            *d = true;
        }
        if self.holders.get(trace as usize).copied().unwrap_or(0) == 0 {
            self.free.push(trace);
        }
        self.seen += 1;
        if let Some(k) = self.sampled.as_mut() {
            k.keep(self.serials.get(trace as usize).copied().unwrap_or(NONE), workload, latency_ns, &spans);
        }
        let done = Done { workload, latency_ns, spans };
        // Reservoir sampling keeps a uniform random few.
        if self.reservoir.len() < RANDOM_KEPT {
            self.reservoir.push(Done { workload, latency_ns, spans: done.spans.clone() });
        } else {
            let j = self.rng.index(usize::try_from(self.seen).unwrap_or(usize::MAX));
            if let Some(slot) = self.reservoir.get_mut(j) {
                *slot = Done { workload, latency_ns, spans: done.spans.clone() };
            }
        }
        if self.window_best.as_ref().is_none_or(|b| latency_ns > b.latency_ns) {
            self.window_best = Some(done);
        }
    }

    /// A window ended: keep its slowest trace.
    pub fn close_window(&mut self) {
        if let Some(best) = self.window_best.take() {
            self.slowest.push(best);
            if self.slowest.len() > 2 * SLOWEST_KEPT {
                self.trim();
            }
        }
    }

    fn trim(&mut self) {
        // Keep the slowest, in the order they happened.
        let mut order: Vec<usize> = (0..self.slowest.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.slowest.get(i).map_or(0, |d| d.latency_ns)));
        order.truncate(SLOWEST_KEPT);
        order.sort_unstable();
        let old = std::mem::take(&mut self.slowest);
        self.slowest =
            old.into_iter().enumerate().filter(|(i, _)| order.binary_search(i).is_ok()).map(|(_, d)| d).collect();
    }

    /// The kept traces, for the report.
    pub fn into_traces(mut self, plan: &Plan) -> Vec<Trace> {
        self.close_window();
        if self.slowest.len() > SLOWEST_KEPT {
            self.trim();
        }
        let slow = self.slowest.into_iter().map(|d| (d, "slowest_in_window"));
        let random = self.reservoir.into_iter().map(|d| (d, "random"));
        slow.chain(random).map(|(d, why)| to_trace(&d, why, plan)).collect()
    }
}

fn to_trace(d: &Done, why: &str, plan: &Plan) -> Trace {
    let t0 = d.spans.first().map_or(0, |s| s.t_call_ns);
    let ms = |t: u64| t.saturating_sub(t0) as f64 / 1e6;
    let dur = |a: u64, b: u64| b.saturating_sub(a) as f64 / 1e6;
    let spans = d
        .spans
        .iter()
        .map(|s| {
            let [t_call_ns, t_arrive_ns, t_start_ns, t_served_ns, t_end_ns, t_back_ns] = s.settled();
            TraceSpan {
                parent: (s.parent != NONE).then_some(s.parent),
                node: plan.nodes.get(s.node as usize).map(|n| n.id.clone()).unwrap_or_default(),
                edge: plan.edges.get(s.edge as usize).map(|e| e.id.clone()),
                kind: s.kind,
                start_ms: ms(t_call_ns),
                end_ms: ms(t_back_ns.max(t_end_ns)),
                network_in_ms: dur(t_call_ns, t_arrive_ns),
                queue_ms: dur(t_arrive_ns, t_start_ns),
                service_ms: dur(t_start_ns, t_served_ns),
                downstream_ms: dur(t_served_ns, t_end_ns),
                network_out_ms: dur(t_end_ns, t_back_ns),
                outcome: s.outcome,
            }
        })
        .collect();
    Trace {
        workload: plan.workloads.get(d.workload as usize).map(|w| w.name.clone()).unwrap_or_default(),
        start_s: t0 as f64 / 1e9,
        latency_ms: d.latency_ns as f64 / 1e6,
        reason: why.to_owned(),
        spans,
    }
}

/// One hop of a trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceSpan {
    /// Index of the parent span (absent for the root).
    pub parent: Option<u32>,
    /// Node id.
    pub node: String,
    /// Edge id that led here (absent for the root).
    pub edge: Option<String>,
    /// How the span was entered.
    pub kind: SpanKind,
    /// Start (call issued), ms after the trace start.
    pub start_ms: f64,
    /// End (response back at the caller), ms after the trace start.
    pub end_ms: f64,
    /// Network time towards the node.
    pub network_in_ms: f64,
    /// Time waiting in the node's queue.
    pub queue_ms: f64,
    /// Time in service.
    pub service_ms: f64,
    /// Time in downstream steps after service.
    pub downstream_ms: f64,
    /// Network time of the response.
    pub network_out_ms: f64,
    /// How the hop ended.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A sampled request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Workload name.
    pub workload: String,
    /// Arrival, seconds of simulated time.
    pub start_s: f64,
    /// End-to-end latency.
    pub latency_ms: f64,
    /// Why it was kept: `slowest_in_window` or `random`.
    pub reason: String,
    /// Spans, parents before children.
    pub spans: Vec<TraceSpan>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_reused_only_when_its_request_is_done_and_no_visit_holds_it() {
        let mut t = Tracer::new(true, 1, crate::sampling::Stream::keyed(1, 0, "", "trace"));
        let a = t.maybe_start(0);
        t.open(a, NONE, 0, NONE, SpanKind::Entry, 0);
        t.hold(a); // the root visit
        t.hold(a); // a call that will outlive the request
        t.finish(a, 10);
        t.let_go(a); // the root visit ends
        let b = t.maybe_start(0);
        assert_ne!(a, b, "a visit still holds the first slot");
        t.let_go(a); // the outliving call ends
        t.let_go(a); // a stray release changes nothing
        let c = t.maybe_start(0);
        assert_eq!(c, a, "the first slot is free again");
        let d = t.maybe_start(0);
        assert!(d != a && d != b, "and it was freed once");
    }

    #[test]
    fn a_span_closed_early_ends_in_the_phase_it_reached() {
        let mut s = SpanRec {
            parent: NONE,
            node: 0,
            edge: NONE,
            kind: SpanKind::Call,
            t_call_ns: 100,
            t_arrive_ns: 150,
            t_start_ns: UNSET,
            t_served_ns: UNSET,
            t_end_ns: UNSET,
            t_back_ns: UNSET,
            outcome: Outcome::InFlight,
        };
        s.close_at(400);
        // On the wire 50, queued 250, nothing after.
        assert_eq!(s.settled(), [100, 150, 400, 400, 400, 400]);
        // A publish never reaches any step: an instant at its call.
        let p = SpanRec { t_arrive_ns: UNSET, kind: SpanKind::Publish, ..s };
        let p = SpanRec { t_start_ns: UNSET, t_served_ns: UNSET, t_end_ns: UNSET, t_back_ns: UNSET, ..p };
        assert_eq!(p.settled(), [100; 6]);
    }
}
