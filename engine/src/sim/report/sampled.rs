//! Every trace a run sampled, for export (`simulate --traces`): the report
//! keeps only the slowest per window and a few random ones, while an export
//! wants them all. Kept as integer nanoseconds of simulated time with nodes,
//! edges and workloads as indices into shared id lists, and bounded: past
//! [`MAX_SPANS`] spans further traces are counted, not kept.
//!
//! A broker's deliveries of a traced publish are recorded as traces of their
//! own (they often end after the request) and appended on export to the
//! trace that published, the delivery's span a child of the publish span.

use std::collections::BTreeMap;

use crate::model::Outcome;
use crate::sim::core::plan::{NONE, Plan};
use crate::sim::report::trace::{Done, SpanKind, SpanRec};

/// Most spans kept for export (about 70 bytes each while the run lasts).
pub const MAX_SPANS: usize = 2_000_000;

/// One hop of a sampled trace; times are simulated nanoseconds, each step
/// not reached taking the time of the one before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampledSpan {
    /// Index of the parent span in its trace (absent for the root).
    pub parent: Option<u32>,
    /// Index into [`SampledTraces::node_ids`].
    pub node: u32,
    /// Index into [`SampledTraces::edge_ids`] of the edge that led here (absent for the root).
    pub edge: Option<u32>,
    /// How the hop was entered.
    pub kind: SpanKind,
    /// Call issued by the caller.
    pub call_ns: u64,
    /// Arrived at the node.
    pub arrive_ns: u64,
    /// Service started (after queueing).
    pub start_ns: u64,
    /// Service done.
    pub served_ns: u64,
    /// Downstream steps done: the node answers.
    pub end_ns: u64,
    /// The answer is back at the caller.
    pub back_ns: u64,
    /// How the hop ended.
    pub outcome: Outcome,
}

/// A sampled request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampledTrace {
    /// Index into [`SampledTraces::workloads`].
    pub workload: u32,
    /// End-to-end latency.
    pub latency_ns: u64,
    /// Spans, parents before children.
    pub spans: Vec<SampledSpan>,
}

/// The sampled traces of a run's first replication.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SampledTraces {
    /// Node ids by plan index.
    pub node_ids: Vec<String>,
    /// Edge ids by plan index.
    pub edge_ids: Vec<String>,
    /// Workload names by plan index.
    pub workloads: Vec<String>,
    /// The traces, in the order their requests finished.
    pub traces: Vec<SampledTrace>,
    /// Sampled traces not kept because [`MAX_SPANS`] was reached.
    pub dropped_traces: u64,
}

/// Collects finished sampled traces during a run.
#[derive(Debug, Default)]
pub(crate) struct Keeper {
    kept: Vec<Done>,
    /// Serial of each kept request trace.
    serials: Vec<u32>,
    /// Delivery serial → (publishing serial, publish span).
    links: BTreeMap<u32, (u32, u32)>,
    /// Finished deliveries: (serial, spans), in the order they ended.
    deliveries: Vec<(u32, Vec<SpanRec>)>,
    spans: usize,
    dropped: u64,
}

impl Keeper {
    pub fn keep(&mut self, serial: u32, workload: u32, latency_ns: u64, spans: &[SpanRec]) {
        if self.spans + spans.len() > MAX_SPANS {
            self.dropped += 1;
            return;
        }
        self.spans += spans.len();
        self.serials.push(serial);
        self.kept.push(Done { workload, latency_ns, spans: spans.to_vec() });
    }

    /// Delivery `serial` delivers the message of publish `link` (serial, span).
    pub fn link(&mut self, serial: u32, link: (u32, u32)) {
        self.links.insert(serial, link);
    }

    /// Delivery `serial` ended with `spans` (its root is the delivery).
    pub fn keep_delivery(&mut self, serial: u32, spans: &[SpanRec]) {
        if self.spans + spans.len() > MAX_SPANS {
            return;
        }
        self.spans += spans.len();
        self.deliveries.push((serial, spans.to_vec()));
    }

    /// Append each delivery to the trace that published its message: its
    /// root's parent becomes the publish span, its other spans shift by the
    /// trace's length. A delivery whose publisher was not kept is dropped;
    /// a delivery published by another delivery waits for that one.
    fn attach_deliveries(&mut self) {
        // Serial → (kept trace, offset of its spans in that trace).
        let mut at: BTreeMap<u32, (usize, u32)> = self.serials.iter().enumerate().map(|(i, &s)| (s, (i, 0))).collect();
        let mut pending = std::mem::take(&mut self.deliveries);
        loop {
            let before = pending.len();
            pending.retain(|(serial, spans)| {
                let Some(&(from_serial, publish_span)) = self.links.get(serial) else { return false };
                let Some(&(trace, offset)) = at.get(&from_serial) else { return true };
                let Some(done) = self.kept.get_mut(trace) else { return false };
                let base = u32::try_from(done.spans.len()).unwrap_or(NONE);
                for s in spans {
                    let parent = if s.parent == NONE {
                        offset.saturating_add(publish_span)
                    } else {
                        base.saturating_add(s.parent)
                    };
                    done.spans.push(SpanRec { parent, ..*s });
                }
                at.insert(*serial, (trace, base));
                false
            });
            if pending.is_empty() || pending.len() == before {
                break;
            }
        }
    }

    pub fn into_traces(mut self, plan: &Plan) -> SampledTraces {
        self.attach_deliveries();
        let index = |i: u32| (i != NONE).then_some(i);
        let traces = self
            .kept
            .into_iter()
            .map(|d| SampledTrace {
                workload: d.workload,
                latency_ns: d.latency_ns,
                spans: d
                    .spans
                    .iter()
                    .map(|s| {
                        let [call_ns, arrive_ns, start_ns, served_ns, end_ns, back_ns] = s.settled();
                        SampledSpan {
                            parent: index(s.parent),
                            node: s.node,
                            edge: index(s.edge),
                            kind: s.kind,
                            call_ns,
                            arrive_ns,
                            start_ns,
                            served_ns,
                            end_ns,
                            back_ns,
                            outcome: s.outcome,
                        }
                    })
                    .collect(),
            })
            .collect();
        SampledTraces {
            node_ids: plan.nodes.iter().map(|n| n.id.clone()).collect(),
            edge_ids: plan.edges.iter().map(|e| e.id.clone()).collect(),
            workloads: plan.workloads.iter().map(|w| w.name.clone()).collect(),
            traces,
            dropped_traces: self.dropped,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic, reason = "tests")]
    use super::*;

    fn rec(parent: u32, node: u32) -> SpanRec {
        SpanRec {
            parent,
            node,
            edge: NONE,
            kind: SpanKind::Call,
            t_call_ns: 0,
            t_arrive_ns: 0,
            t_start_ns: 0,
            t_served_ns: 0,
            t_end_ns: 0,
            t_back_ns: 0,
            outcome: Outcome::Ok,
        }
    }

    #[test]
    fn deliveries_join_the_trace_that_published_whatever_order_they_end_in() {
        let mut k = Keeper::default();
        // Request 0: its root (0) and a publish (1).
        k.keep(0, 0, 5, &[rec(NONE, 0), rec(0, 1)]);
        k.link(1, (0, 1));
        // Delivery 1 publishes again (its span 1); delivery 2 of that ends first.
        k.link(2, (1, 1));
        k.keep_delivery(2, &[rec(NONE, 4)]);
        k.keep_delivery(1, &[rec(NONE, 2), rec(0, 3)]);
        // A delivery of a request not kept goes nowhere.
        k.link(3, (9, 0));
        k.keep_delivery(3, &[rec(NONE, 5)]);
        k.attach_deliveries();
        let [done] = k.kept.as_slice() else { panic!("one trace") };
        let parents: Vec<(u32, u32)> = done.spans.iter().map(|s| (s.node, s.parent)).collect();
        assert_eq!(parents, vec![(0, NONE), (1, 0), (2, 1), (3, 2), (4, 3)]);
    }
}
