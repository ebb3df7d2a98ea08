//! From spans to what they show: the visits of each service and operation
//! (SERVER, CONSUMER and root spans, and INTERNAL spans naming a signal
//! receiver in `code.function.name`) with their own time (duration minus the
//! union of their children's intervals), the calls, publishes and signals
//! each visit makes (CLIENT, PRODUCER and receiver children; the callee is
//! the CLIENT span's SERVER child, else its `peer.service`), how often and in
//! which order (children that overlap in time run in parallel; of two steps
//! made in one visit, which group came first), the network
//! time of a call (the CLIENT span's duration minus its SERVER span's),
//! retries (a CLIENT span to the callee a failed one went to, after it: one
//! call, one more try), subscriptions (CONSUMER spans under a PRODUCER span),
//! registry lookups (CLIENT spans asking a registry for a service's
//! instances, see [`crate::otlp::registry`]) and the root visits per second.

use std::collections::BTreeMap;

use super::store::{Compact, NONE, Store};
use crate::otlp::SpanKind;

/// Most distinct steps of one visit whose order is compared pairwise.
const MAX_STEPS_COMPARED: usize = 64;

/// A (service, operation) pair, as interned strings.
pub type OpKey = (u32, u32);

/// What kind of edge a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StepKind {
    /// A CLIENT span: a synchronous call.
    Call,
    /// A PRODUCER span: a publish to a broker.
    Publish,
    /// A CONSUMER span under a PRODUCER span: a delivery.
    Delivery,
    /// An INTERNAL span naming a receiver: an in-process signal.
    Signal,
}

/// An edge between two (service, operation) pairs.
pub type EdgeKey = (OpKey, OpKey, StepKind);

/// What was seen of one service's operation.
#[derive(Debug, Default)]
pub struct OpObs {
    pub visits: u64,
    pub errors: u64,
    pub own_ms: Vec<f64>,
    /// Sum of visit durations, ns (Little's law: mean requests in the service).
    pub busy_ns: u128,
    pub roots: u64,
    /// The root spans were CLIENT spans: a load source.
    pub client_roots: u64,
}

/// What was seen of one edge.
#[derive(Debug, Default)]
pub struct EdgeObs {
    /// Caller visits that made this step at least once.
    pub visits_with: u64,
    /// Steps made in all.
    pub calls: u64,
    /// Network time (CLIENT minus SERVER duration), ms.
    pub network_ms: Vec<f64>,
    /// Sum of the step's group rank (1-based) over visits.
    pub rank_sum: u64,
    /// `db.system` of its CLIENT spans, when said.
    pub db_system: Option<u32>,
    /// Most tries of one call (1 without retries).
    pub max_tries: u32,
    /// Tries after a failed one.
    pub retries: u64,
    /// Time from a failed try's end to the next try's start, ms, by retry (first retry first).
    pub backoff_ms: [Vec<f64>; 2],
    /// Durations of the tries that failed, ms (a per-try timeout shows as their common longest).
    pub failed_try_ms: Vec<f64>,
    /// A signal's name (the INTERNAL span's name).
    pub signal: Option<u32>,
    /// Failed receivers whose sender went on without failing (`send_robust`).
    pub failed_sender_ok: u64,
    /// Failed receivers whose sender failed too (`send`, or another failure).
    pub failed_sender_failed: u64,
}

/// Two steps of one caller, a and b (a < b), over the visits that made both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairObs {
    /// Visits with both.
    pub both: u64,
    /// Visits where they overlapped (one group).
    pub overlapped: u64,
    /// Visits where a's group came before b's.
    pub a_first: u64,
}

impl PairObs {
    /// Visits where b's group came before a's.
    #[must_use]
    pub fn b_first(&self) -> u64 {
        self.both - self.overlapped - self.a_first
    }
}

/// What was seen of one caller's lookups of one service at one registry.
#[derive(Debug, Default)]
pub struct LookupObs {
    /// Lookup start times, ns.
    pub starts_ns: Vec<u64>,
}

/// Everything the spans show.
#[derive(Debug, Default)]
pub struct Observed {
    pub ops: BTreeMap<OpKey, OpObs>,
    pub edges: BTreeMap<EdgeKey, EdgeObs>,
    /// (a, b) edges of one caller visit, a < b.
    pub pairs: BTreeMap<(EdgeKey, EdgeKey), PairObs>,
    /// Services named as a destination of PRODUCER spans (brokers).
    pub destinations: BTreeMap<u32, String>,
    pub first_root_ns: Option<u64>,
    pub last_root_ns: Option<u64>,
    pub spans: u64,
    pub traces: u64,
    /// CLIENT spans whose callee is unknown (no SERVER child, no `peer.service`).
    pub unknown_callees: u64,
    /// Registry lookups by (caller service, registry, looked-up service).
    pub lookups: BTreeMap<(u32, u32, u32), LookupObs>,
}

/// Analyse `store` (its spans are reordered).
#[must_use]
pub fn analyse(store: &mut Store) -> Observed {
    let mut obs = Observed { spans: store.spans.len() as u64, traces: store.traces() as u64, ..Observed::default() };
    store.spans.sort_unstable_by_key(|s| (s.trace, s.span_id));
    let spans = std::mem::take(&mut store.spans);
    let mut start = 0;
    while start < spans.len() {
        let trace = spans.get(start).map_or(0, |s| s.trace);
        let end = spans.get(start..).map_or(start, |rest| start + rest.iter().take_while(|s| s.trace == trace).count());
        if let Some(slice) = spans.get(start..end) {
            one_trace(slice, &mut obs);
        }
        start = end.max(start + 1);
    }
    store.spans = spans;
    obs
}

/// The spans of one trace, sorted by span id.
fn one_trace(spans: &[Compact], obs: &mut Observed) {
    let find = |id: u64| spans.binary_search_by_key(&id, |s| s.span_id).ok();
    // Children of each span, by start time.
    let mut children: Vec<(usize, u64, usize)> =
        spans.iter().enumerate().filter_map(|(i, s)| find(s.parent_id).map(|p| (p, s.start_ns, i))).collect();
    children.sort_unstable();
    let kids = |p: usize| {
        let from = children.partition_point(|c| c.0 < p);
        children.get(from..).unwrap_or(&[]).iter().take_while(move |c| c.0 == p).map(|c| c.2)
    };
    for (i, s) in spans.iter().enumerate() {
        let is_root = find(s.parent_id).is_none();
        let receiver = s.kind == SpanKind::Internal && s.function != NONE;
        let is_visit = is_root || receiver || matches!(s.kind, SpanKind::Server | SpanKind::Consumer);
        if !is_visit {
            continue;
        }
        let key = if receiver { (s.function, NONE) } else { (s.service, s.op) };
        let dur_ns = s.end_ns - s.start_ns;
        // The steps: CLIENT, PRODUCER and receiver children.
        let mut steps: Vec<(EdgeKey, u64, u64)> = Vec::new();
        let mut intervals: Vec<(u64, u64)> = Vec::new();
        // Per edge: its last step (index in `steps`), that try's end, whether it failed, and the tries so far.
        let mut last: BTreeMap<EdgeKey, (usize, u64, bool, u32)> = BTreeMap::new();
        for c in kids(i).filter_map(|c| spans.get(c)) {
            intervals.push((c.start_ns.max(s.start_ns), c.end_ns.min(s.end_ns)));
            let callee = match c.kind {
                SpanKind::Client if c.looked_up != NONE && c.label != NONE => {
                    let l = obs.lookups.entry((key.0, c.label, c.looked_up)).or_default();
                    l.starts_ns.push(c.start_ns);
                    // A registry is not traced: what its client waits is its time.
                    let o = obs.ops.entry((c.label, NONE)).or_default();
                    o.visits += 1;
                    o.errors += u64::from(c.error);
                    o.busy_ns += u128::from(c.end_ns - c.start_ns);
                    o.own_ms.push((c.end_ns - c.start_ns) as f64 / 1e6);
                    None
                }
                SpanKind::Client => {
                    let server = kids_of(spans, &children, c).find(|k| k.kind == SpanKind::Server);
                    if let Some(server) = server {
                        let network = (c.end_ns - c.start_ns).saturating_sub(server.end_ns - server.start_ns);
                        // A try given up on ends early on both sides: its difference is no network time.
                        let network = (!c.error).then_some(network);
                        Some(((server.service, server.op), StepKind::Call, network, c.db_system))
                    } else if c.peer != NONE {
                        Some(((c.peer, NONE), StepKind::Call, None, c.db_system))
                    } else {
                        obs.unknown_callees += 1;
                        None
                    }
                }
                SpanKind::Internal if c.function != NONE => {
                    let e = obs.edges.entry((key, (c.function, NONE), StepKind::Signal)).or_default();
                    if c.label != NONE {
                        e.signal = Some(c.label);
                    }
                    if c.error {
                        if s.error {
                            e.failed_sender_failed += 1;
                        } else {
                            e.failed_sender_ok += 1;
                        }
                    }
                    Some(((c.function, NONE), StepKind::Signal, None, NONE))
                }
                SpanKind::Producer if c.destination != NONE => {
                    // Deliveries of this message: CONSUMER spans under the PRODUCER span.
                    for d in kids_of(spans, &children, c).filter(|k| k.kind == SpanKind::Consumer) {
                        let e = obs
                            .edges
                            .entry(((c.destination, NONE), (d.service, d.op), StepKind::Delivery))
                            .or_default();
                        e.visits_with += 1;
                        e.calls += 1;
                    }
                    Some(((c.destination, NONE), StepKind::Publish, None, NONE))
                }
                _ => None,
            };
            if let Some((to, kind, network, db)) = callee {
                let ek = (key, to, kind);
                if kind == StepKind::Publish {
                    obs.destinations.entry(c.destination).or_default();
                }
                let e = obs.edges.entry(ek).or_default();
                if let Some(n) = network {
                    e.network_ms.push(n as f64 / 1e6);
                }
                if db != NONE {
                    e.db_system = Some(db);
                }
                if c.error {
                    e.failed_try_ms.push((c.end_ns - c.start_ns) as f64 / 1e6);
                }
                // A call after a failed one to the same callee, once it ended: a retry of that call.
                let retry = kind == StepKind::Call
                    && last.get(&ek).is_some_and(|&(_, end_ns, failed, _)| failed && c.start_ns >= end_ns);
                if let (true, Some(&(at, end_ns, _, tries))) = (retry, last.get(&ek)) {
                    let gap_ms = (c.start_ns - end_ns) as f64 / 1e6;
                    if let Some(b) = e.backoff_ms.get_mut((tries as usize).saturating_sub(1)) {
                        b.push(gap_ms);
                    }
                    e.retries += 1;
                    e.max_tries = e.max_tries.max(tries + 1);
                    if let Some(step) = steps.get_mut(at) {
                        step.2 = step.2.max(c.end_ns);
                    }
                    last.insert(ek, (at, c.end_ns, c.error, tries + 1));
                } else {
                    e.calls += 1;
                    e.max_tries = e.max_tries.max(1);
                    last.insert(ek, (steps.len(), c.end_ns, c.error, 1));
                    steps.push((ek, c.start_ns, c.end_ns));
                }
            }
        }
        record_steps(&steps, obs);
        let o = obs.ops.entry(key).or_default();
        o.visits += 1;
        o.errors += u64::from(s.error);
        o.busy_ns += u128::from(dur_ns);
        // A failed visit's time is no service time: refused at once, or cut short.
        if !s.error {
            o.own_ms.push(dur_ns.saturating_sub(union_ns(&mut intervals)) as f64 / 1e6);
        }
        if is_root {
            o.roots += 1;
            o.client_roots += u64::from(s.kind == SpanKind::Client);
            obs.first_root_ns = Some(obs.first_root_ns.map_or(s.start_ns, |t| t.min(s.start_ns)));
            obs.last_root_ns = Some(obs.last_root_ns.map_or(s.start_ns, |t| t.max(s.start_ns)));
        }
    }
}

fn kids_of<'a>(
    spans: &'a [Compact],
    children: &'a [(usize, u64, usize)],
    parent: &Compact,
) -> impl Iterator<Item = &'a Compact> + 'a {
    let p = spans.binary_search_by_key(&parent.span_id, |s| s.span_id).unwrap_or(usize::MAX);
    let from = children.partition_point(|c| c.0 < p);
    children.get(from..).unwrap_or(&[]).iter().take_while(move |c| c.0 == p).filter_map(|c| spans.get(c.2))
}

/// One visit's steps (by start): which edges it used, in which group rank,
/// and which pairs overlapped.
fn record_steps(steps: &[(EdgeKey, u64, u64)], obs: &mut Observed) {
    // Groups of overlapping steps, in start order.
    let mut rank = 0u64;
    let mut group_end = 0u64;
    let mut first: BTreeMap<EdgeKey, (u64, u64, u64)> = BTreeMap::new();
    for (i, (ek, s, e)) in steps.iter().enumerate() {
        if i == 0 || *s >= group_end {
            rank += 1;
            group_end = *e;
        } else {
            group_end = group_end.max(*e);
        }
        first.entry(*ek).or_insert((rank, *s, *e));
    }
    for (ek, (r, _, _)) in &first {
        if let Some(e) = obs.edges.get_mut(ek) {
            e.visits_with += 1;
            e.rank_sum += r;
        }
    }
    let distinct: Vec<(&EdgeKey, &(u64, u64, u64))> = first.iter().take(MAX_STEPS_COMPARED).collect();
    for (a, (ra, ..)) in &distinct {
        for (b, (rb, ..)) in &distinct {
            if a < b {
                let p = obs.pairs.entry((**a, **b)).or_default();
                p.both += 1;
                p.overlapped += u64::from(ra == rb);
                p.a_first += u64::from(ra < rb);
            }
        }
    }
}

/// Total length of the union of `intervals` (sorted in place).
fn union_ns(intervals: &mut [(u64, u64)]) -> u64 {
    intervals.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(u64, u64)> = None;
    for &(s, e) in intervals.iter().filter(|(s, e)| e > s) {
        cur = match cur {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    total + cur.map_or(0, |(s, e)| e - s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_union_of_overlapping_children_counts_once() {
        assert_eq!(union_ns(&mut [(0, 10), (5, 15), (20, 25)]), 20);
        assert_eq!(union_ns(&mut [(5, 5), (30, 40), (0, 50)]), 50);
        assert_eq!(union_ns(&mut []), 0);
    }
}
