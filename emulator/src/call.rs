//! One call over an edge, as the simulator's plain call: the caller's
//! CLIENT span (the key of the callee's visit, see [`crate::waste`]), the
//! replica client-side discovery names, a fault on the edge refusing,
//! swallowing or stretching it, network latency slept each way, the
//! callee's answer over HTTP.

use std::sync::Arc;

use engine::model::Outcome;
use engine::otlp::SpanKind;
use engine::policy::Gate;

use crate::node::{MAX_DEPTH, Shared};
use crate::spans::SpanOf;
use crate::topology::Step;
use crate::trace::{Hop, TraceContext};

impl Shared {
    /// One call over `step`'s edge: latency there, the callee's answer, latency back.
    pub(crate) async fn call(self: &Arc<Self>, step: &Step, hop: Hop) -> Outcome {
        // The call is a CLIENT span of the caller's visit; the callee's visit hangs from it.
        self.call_as(step, hop, self.ids.enter(hop.trace), true).await
    }

    /// [`Shared::call`] as span `own`; `plain`: not a policy's try (whose
    /// callee counts its work as wasted when the caller is an orphan).
    pub(crate) async fn call_as(self: &Arc<Self>, step: &Step, hop: Hop, own: TraceContext, plain: bool) -> Outcome {
        let next = hop.next();
        if next.depth > MAX_DEPTH {
            return Outcome::Error;
        }
        let Some(&addr) = self.addrs.get(step.to_node) else { return Outcome::Error };
        let start_ns = self.now_ns();
        // Client-side discovery: the caller's cache (or a lookup) names the
        // replica; with no instance to go to, the call fails before it leaves.
        let target = match step.cache {
            Some(ci) => match self.discover(ci, hop).await {
                Some(r) => Some(r.to_string()),
                None => return Outcome::Error,
            },
            None => None,
        };
        let mut headers: Vec<(&str, &str)> =
            target.iter().map(|r| (crate::discovery::REPLICA_HEADER, r.as_str())).collect();
        if plain && self.call_begins(hop.trace, addr, own) {
            headers.push((crate::waste::PARENT_ORPHAN_HEADER, "1"));
        }
        // A fault on the edge may refuse or swallow the request, or stretch
        // its network time each way.
        let outcome = match self.edge_faults.gate(&step.edge, self.since_load_ns(), self.edge_latency(step)) {
            Gate::Pass(there_ns) => {
                self.pause(there_ns).await;
                let op = step.to_operation.as_deref();
                let o = self.client.call_with(addr, op, Hop { trace: Some(own), ..next }, &headers).await;
                let back_ns = self.edge_faults.stretch(&step.edge, self.since_load_ns(), self.edge_latency(step));
                self.pause(back_ns).await;
                o
            }
            Gate::Refuse => Outcome::Error,
            // No answer ever comes: only the caller's timeout ends the wait.
            Gate::Hang => std::future::pending().await,
        };
        if let Some(caller) = self.spans.caller(&step.edge) {
            let op = step.to_operation.as_deref();
            let of = SpanOf { node: caller, kind: SpanKind::Client, operation: op, peer: Some(step.to_node), outcome };
            self.spans.record(own, hop.trace, of, (start_ns, self.now_ns()));
        }
        if plain {
            self.call_ends(hop.trace, own);
        }
        outcome
    }
}
