//! Every trace a run sampled, for export (`simulate --traces`): the report
//! keeps only the slowest per window and a few random ones, while an export
//! wants them all. Kept as integer nanoseconds of simulated time with nodes,
//! edges and workloads as indices into shared id lists, and bounded: past
//! [`MAX_SPANS`] spans further traces are counted, not kept.

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
    spans: usize,
    dropped: u64,
}

impl Keeper {
    pub fn keep(&mut self, workload: u32, latency_ns: u64, spans: &[SpanRec]) {
        if self.spans + spans.len() > MAX_SPANS {
            self.dropped += 1;
            return;
        }
        self.spans += spans.len();
        self.kept.push(Done { workload, latency_ns, spans: spans.to_vec() });
    }

    pub fn into_traces(self, plan: &Plan) -> SampledTraces {
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
