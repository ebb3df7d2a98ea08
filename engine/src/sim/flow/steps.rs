//! Request flow inside a node: after service, the handler's steps run stage
//! by stage. A stage is one step or a parallel group (fork all, join; the
//! stage fails if any member fails). Each step is taken with its probability,
//! weighted branch groups take exactly one member per request, and a step
//! with `calls_per_request` > 1 repeats sequentially. Calls wait for the
//! callee's visit (network latency each way), signals run the receiver on the
//! sender's worker, events publish to a broker without waiting.

use crate::model::{Outcome, WhenFull};

use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::{Member, NONE, StepKind};
use crate::sim::core::simulation::{MAX_DEPTH, Origin, Simulation, Visit};
use crate::sim::report::trace::SpanKind;

impl Simulation {
    /// Service is over and succeeded: draw the branch choices and run the steps.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "one hot call site: a call here costs register saves on every visit")]
    pub(crate) fn begin_steps(&mut self, v: u32) {
        let vis = &self.visits[v as usize];
        let (node_i, handler) = (vis.node as usize, vis.handler as usize);
        self.begin_steps_at(v, node_i, handler);
    }

    /// [`Simulation::begin_steps`] for a visit whose node and handler are known.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "one hot call site: a call here costs register saves on every visit")]
    pub(crate) fn begin_steps_at(&mut self, v: u32, node_i: usize, handler: usize) {
        let h = &self.plan.handlers[handler];
        if h.n_stages == 0 {
            self.finish(v, Outcome::Ok);
            return;
        }
        let mut skip = 0u64;
        for g in h.first_group..h.first_group + h.n_groups {
            let u = self.node_rng[node_i].branch.unit();
            skip |= self.plan.groups[g as usize].skipped(u);
        }
        let vis = &mut self.visits[v as usize];
        vis.mask = skip;
        vis.stage = 0;
        self.run_stages(v);
    }

    /// [`Simulation::run_stages`] behind a call, for the later stages: only
    /// the first stage is started inline, right after service.
    #[inline(never)]
    fn resume_stages(&mut self, v: u32) {
        self.run_stages(v);
    }

    /// Start stages from the visit's current one until one has to wait.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "once per visit, right after its service: a call costs register saves")]
    fn run_stages(&mut self, v: u32) {
        loop {
            let vis = &mut self.visits[v as usize];
            let (handler, stage_no, mask) = (vis.handler as usize, vis.stage, vis.mask);
            // What the steps' visits inherit, read before the stores below
            // (a load overlapping a just-stored byte would wait for it).
            let from = (vis.depth, vis.trace, vis.span);
            let h = &self.plan.handlers[handler];
            if stage_no >= h.n_stages {
                let o = if vis.degraded { Outcome::Degraded } else { Outcome::Ok };
                self.finish(v, o);
                return;
            }
            let stage = self.plan.stages[(h.first_stage + stage_no) as usize];
            // The guard keeps the stage open while its members are issued,
            // even if some of them answer at once.
            vis.pending = 1;
            vis.fail = None;
            for m in stage.first..stage.first + stage.n {
                let member = self.plan.members[m as usize];
                if member.bit != u8::MAX && mask & (1u64 << member.bit) != 0 {
                    continue;
                }
                if member.probability < 1.0
                    && !self.edge_rng[member.edge as usize].probability.chance(member.probability)
                {
                    continue;
                }
                if member.calls == 0 {
                    continue;
                }
                match member.kind {
                    StepKind::Event => {
                        let confirmed = self.plan.edges[member.edge as usize].when_full != WhenFull::Drop;
                        for _ in 0..member.calls {
                            if confirmed {
                                self.visits[v as usize].pending += 1;
                            }
                            self.publish(v, member.edge, member.to_node, member.to_handler, confirmed);
                        }
                    }
                    StepKind::Call | StepKind::Signal => {
                        if member.policy == NONE {
                            self.issue(v, from, m, &member, member.calls - 1);
                        } else {
                            self.visits[v as usize].pending += 1;
                            self.call_begin(v, m, member.calls - 1, member.policy);
                        }
                    }
                }
            }
            let vis = &mut self.visits[v as usize];
            vis.pending -= 1;
            if vis.pending > 0 {
                return;
            }
            if let Some(o) = vis.fail {
                self.finish(v, o);
                return;
            }
            vis.stage += 1;
        }
    }

    /// Issue call/signal member `m` (`member`) of parent `p`, to be repeated
    /// `repeats` more times; the parent waits for it. `from` is the parent's
    /// depth, trace and span.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "one hot call site: a call here costs register saves on every call step")]
    fn issue(&mut self, p: u32, from: (u16, u32, u32), m: u32, member: &Member, repeats: u32) {
        let now_ns = self.now_ns;
        let warm = now_ns >= self.plan.settings.warmup_ns;
        self.visits[p as usize].pending += 1;
        let (depth, trace, span) = (from.0 + 1, from.1, from.2);
        let origin = if member.kind == StepKind::Signal { Origin::Signal } else { Origin::Call };
        let mut child = Visit::new(member.to_node, member.to_handler, origin, m, now_ns, warm);
        child.parent = p;
        child.repeats_left = repeats;
        child.depth = depth;
        let c = self.alloc(child);
        if warm {
            self.metrics.edges[member.edge as usize].counts.arrived += 1;
        }
        if trace != NONE {
            let kind = if origin == Origin::Signal { SpanKind::Signal } else { SpanKind::Call };
            self.open_child_span(c, trace, span, member.to_node, member.edge, kind);
        }
        self.route_as(c, depth, origin, member.edge);
    }

    /// Open the span of child visit `c` under the parent's span (`trace` is not `NONE`).
    /// One request in 64 is traced: kept out of the hot path's code.
    #[cold]
    #[inline(never)]
    fn open_child_span(&mut self, c: u32, trace: u32, parent_span: u32, node: u32, edge: u32, kind: SpanKind) {
        let span = self.tracer.open(trace, parent_span, node, edge, kind, self.now_ns);
        let vis = &mut self.visits[c as usize];
        let held = vis.trace;
        vis.trace = trace;
        vis.span = span;
        // A repeated call reuses its visit: it holds the id once.
        if held != trace {
            if held != NONE {
                self.tracer.let_go(held);
            }
            self.tracer.hold(trace);
        }
    }

    /// Send a new call on its way: depth check, discovery, network, then the node.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "the common case is a few loads: not worth a call")]
    pub(crate) fn route(&mut self, c: u32) {
        let vis = &self.visits[c as usize];
        let (depth, origin, oref) = (vis.depth, vis.origin, vis.oref);
        if origin == Origin::Call {
            let edge = self.plan.members[oref as usize].edge;
            self.route_as(c, depth, origin, edge);
        } else {
            self.route_general(c);
        }
    }

    /// [`Simulation::route`] for a visit whose depth, origin and edge (for a
    /// call or signal step) are known. The common case inline: within the
    /// depth limit, a call over an edge with no latency and no fault, or a
    /// signal, goes straight to its node.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "the common case is a few loads: not worth a call")]
    fn route_as(&mut self, c: u32, depth: u16, origin: Origin, edge: u32) {
        if depth <= MAX_DEPTH {
            if origin == Origin::Signal {
                // Receivers run in-process: no network, no queue.
                self.enter(c);
                return;
            }
            let e = &self.plan.edges[edge as usize];
            if origin == Origin::Call && e.latency.is_none() && !e.faulted && e.cache == NONE {
                self.enter_inline(c);
                return;
            }
        }
        self.route_general(c);
    }

    /// [`Simulation::route`] in full.
    #[inline(never)]
    fn route_general(&mut self, c: u32) {
        let vis = &self.visits[c as usize];
        let (depth, origin, oref) = (vis.depth, vis.origin, vis.oref);
        if depth > MAX_DEPTH {
            self.flags.depth_exceeded = true;
            self.visits[c as usize].outcome = Outcome::Error;
            self.on_returned(c);
            return;
        }
        if origin == Origin::Signal {
            // Receivers run in-process: no network, no queue.
            self.enter(c);
            return;
        }
        let edge =
            if matches!(origin, Origin::Call | Origin::Attempt) { self.plan.members[oref as usize].edge } else { oref };
        if self.plan.edges[edge as usize].cache != NONE {
            // The caller looks the instance up first (client-side discovery).
            self.client_call(c, edge);
            return;
        }
        self.transmit(c, edge);
    }

    /// A visit crosses edge `edge` (network latency, edge faults), then reaches its node.
    // Forced inline: every call and publish passes here, and as a call of its
    // own it would cost the hot path a second stack frame and reloads.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(crate) fn transmit(&mut self, c: u32, edge: u32) {
        let e = &self.plan.edges[edge as usize];
        let mut d = match &e.latency {
            Some(lat) => lat.sample(&mut self.edge_rng[edge as usize].latency),
            None => 0,
        };
        if e.faulted {
            match self.edge_gate(edge, d) {
                crate::sim::policy::faults::Gate::Pass(delay) => d = delay,
                crate::sim::policy::faults::Gate::Refuse => {
                    let vis = &mut self.visits[c as usize];
                    vis.outcome = Outcome::Error;
                    if vis.origin == Origin::Publish {
                        self.publish_done(c);
                    } else {
                        self.on_returned(c);
                    }
                    return;
                }
                crate::sim::policy::faults::Gate::Hang => {
                    // The request vanishes on the wire: only a timeout ends the wait.
                    // (An orphan's call state may already serve another call.)
                    let vis = &self.visits[c as usize];
                    if vis.origin == Origin::Attempt && !vis.orphan {
                        let cs = &mut self.calls[vis.parent as usize];
                        cs.attempt = NONE;
                        cs.hanging = true;
                    }
                    self.release(c);
                    return;
                }
            }
        }
        if d > 0 {
            self.queue.push(self.now_ns + d, Kind::NetArrive, c, 0);
        } else {
            self.enter(c);
        }
    }

    /// A call's visit ended at the callee: the response travels back.
    pub(crate) fn call_returning(&mut self, c: u32) {
        let edge = self.plan.members[self.visits[c as usize].oref as usize].edge as usize;
        let e = &self.plan.edges[edge];
        let mut d = match &e.latency {
            Some(lat) => lat.sample(&mut self.edge_rng[edge].latency),
            None => 0,
        };
        if e.faulted {
            d = self.edge_delay(edge as u32, d);
        }
        if d > 0 {
            self.queue.push(self.now_ns + d, Kind::NetReturn, c, 0);
        } else {
            self.on_returned(c);
        }
    }

    /// [`Simulation::call_returning`] for a call step's visit `c` whose
    /// record `x` was just read. The common case inline: with no network on
    /// the way back, the caller has the answer now.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "the common case is short: not worth a call")]
    pub(crate) fn call_returning_as(&mut self, c: u32, x: &Visit) {
        let edge = self.plan.members[x.oref as usize].edge as usize;
        let e = &self.plan.edges[edge];
        if e.latency.is_none() && !e.faulted {
            self.returned_as(c, x, edge);
        } else {
            self.call_returning(c);
        }
    }

    /// The caller gets a call's or signal's answer.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "the common case is short: not worth a call")]
    pub(crate) fn on_returned(&mut self, c: u32) {
        let x = self.visits[c as usize];
        if x.origin == Origin::Call {
            let edge = self.plan.members[x.oref as usize].edge as usize;
            self.returned_as(c, &x, edge);
        } else {
            self.on_returned_general(c);
        }
    }

    /// [`Simulation::on_returned`] for a call step's visit `c` over `edge`,
    /// whose record `x` was just read. The common case inline: an answer with
    /// no trace, nobody given up on and no repeat left is counted and handed
    /// to the caller.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "the common case is short: not worth a call")]
    fn returned_as(&mut self, c: u32, x: &Visit, edge: usize) {
        if x.trace == NONE && !x.orphan && x.repeats_left == 0 && !self.visits[x.parent as usize].orphan {
            if x.warm {
                let acc = &mut self.metrics.edges[edge];
                acc.counts.record(x.outcome);
                if matches!(x.outcome, Outcome::Ok | Outcome::Degraded) {
                    acc.latency.record(self.now_ns - x.t_call_ns);
                }
            }
            self.release(c);
            self.notify_parent(x.parent, x.outcome, false);
        } else {
            self.on_returned_general(c);
        }
    }

    /// [`Simulation::on_returned`] in full.
    #[inline(never)]
    fn on_returned_general(&mut self, c: u32) {
        let now_ns = self.now_ns;
        if self.visits[c as usize].origin == Origin::Attempt {
            self.attempt_returned(c);
            return;
        }
        // The fields it needs, not the whole record: this runs once per call.
        let child = ReturnedChild::of(&self.visits[c as usize]);
        let member = self.plan.members[child.oref as usize];
        let edge = member.edge as usize;
        if child.warm {
            let acc = &mut self.metrics.edges[edge];
            acc.counts.record(child.outcome);
            if matches!(child.outcome, Outcome::Ok | Outcome::Degraded) {
                acc.latency.record(now_ns - child.t_call_ns);
            }
        }
        if child.trace != NONE
            && let Some(s) = self.tracer.span(child.trace, child.span)
        {
            s.t_back_ns = now_ns;
        }
        let ok = matches!(child.outcome, Outcome::Ok | Outcome::Degraded);
        if !child.orphan && self.visits[child.parent as usize].orphan {
            // Done for a caller that has itself been given up on.
            let copy = self.visits[c as usize];
            self.waste(&copy);
        }
        if ok && child.repeats_left > 0 && !self.visits[child.parent as usize].dead {
            // The next call of a repeated step reuses the slot.
            let warm = now_ns >= self.plan.settings.warmup_ns;
            let (parent_trace, parent_span) = {
                let parent = &self.visits[child.parent as usize];
                (parent.trace, parent.span)
            };
            let mut next = Visit::new(member.to_node, member.to_handler, child.origin, child.oref, now_ns, warm);
            next.parent = child.parent;
            next.repeats_left = child.repeats_left - 1;
            next.depth = child.depth;
            if child.trace != NONE {
                // The record is rewritten: its hold on the trace goes with it.
                self.tracer.let_go(child.trace);
            }
            self.visits[c as usize] = next;
            if warm {
                self.metrics.edges[edge].counts.arrived += 1;
            }
            if parent_trace != NONE {
                let kind = if child.origin == Origin::Signal { SpanKind::Signal } else { SpanKind::Call };
                self.open_child_span(c, parent_trace, parent_span, member.to_node, member.edge, kind);
            }
            self.route(c);
            return;
        }
        self.release(c);
        let robust = child.origin == Origin::Signal && self.plan.edges[edge].robust;
        self.notify_parent(child.parent, child.outcome, robust);
    }

    /// A step of visit `p` ended with `outcome`: when the stage is complete,
    /// go on to the next stage or finish.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "one hot call site: a call here costs register saves on every visit")]
    pub(crate) fn notify_parent(&mut self, p: u32, outcome: Outcome, robust: bool) {
        let ok = matches!(outcome, Outcome::Ok | Outcome::Degraded);
        let vis = &mut self.visits[p as usize];
        if !ok && !robust && vis.fail.is_none() {
            vis.fail = Some(outcome);
        }
        if outcome == Outcome::Degraded {
            vis.degraded = true;
        }
        vis.pending -= 1;
        if vis.pending == 0 {
            if let Some(o) = vis.fail {
                self.finish(p, o);
            } else if vis.dead {
                self.finish(p, Outcome::Error);
            } else {
                vis.stage += 1;
                // The last stage done: finish here rather than through a call.
                let (handler, stage, degraded) = (vis.handler, vis.stage, vis.degraded);
                if stage >= self.plan.handlers[handler as usize].n_stages {
                    self.finish(p, if degraded { Outcome::Degraded } else { Outcome::Ok });
                    return;
                }
                self.resume_stages(p);
            }
        }
    }

    /// Fire-and-forget: a detached visit carries the message to the broker.
    fn publish(&mut self, p: u32, edge: u32, to_node: u32, to_handler: u32, confirmed: bool) {
        let warm = self.now_ns >= self.plan.settings.warmup_ns;
        let mut msg = Visit::new(to_node, to_handler, Origin::Publish, edge, self.now_ns, warm);
        if confirmed {
            // The publisher waits for the broker's confirm.
            msg.parent = p;
        }
        let c = self.alloc(msg);
        if warm {
            self.metrics.edges[edge as usize].counts.arrived += 1;
        }
        let parent = self.visits[p as usize];
        if parent.trace != NONE {
            // The trace shows the publish as an instant; the message's journey
            // outlives the request.
            let span = self.tracer.open(parent.trace, parent.span, to_node, edge, SpanKind::Publish, self.now_ns);
            if let Some(s) = self.tracer.span(parent.trace, span) {
                s.outcome = Outcome::Ok;
            }
            if self.tracer.traces_deliveries() {
                self.tracer.publish_sent(parent.trace, span, c, self.now_ns);
            }
        }
        self.route(c);
    }

    /// The broker accepted (or refused) a published message.
    pub(crate) fn publish_done(&mut self, c: u32) {
        let vis = self.visits[c as usize];
        if self.tracer.traces_deliveries() {
            // A message refused on its way carries its link no further.
            self.tracer.take_link(c, vis.t_call_ns);
        }
        if vis.warm {
            let acc = &mut self.metrics.edges[vis.oref as usize];
            acc.counts.record(vis.outcome);
            if matches!(vis.outcome, Outcome::Ok) {
                acc.latency.record(self.now_ns - vis.t_call_ns);
            }
        }
        self.release(c);
        if vis.parent != NONE {
            self.notify_parent(vis.parent, vis.outcome, false);
        }
    }
}

/// What [`Simulation::on_returned`] reads of a returning call's visit.
#[derive(Clone, Copy)]
struct ReturnedChild {
    parent: u32,
    oref: u32,
    repeats_left: u32,
    trace: u32,
    span: u32,
    t_call_ns: u64,
    outcome: Outcome,
    origin: Origin,
    depth: u16,
    warm: bool,
    orphan: bool,
}

impl ReturnedChild {
    #[inline]
    fn of(v: &Visit) -> Self {
        Self {
            parent: v.parent,
            oref: v.oref,
            repeats_left: v.repeats_left,
            trace: v.trace,
            span: v.span,
            t_call_ns: v.t_call_ns,
            outcome: v.outcome,
            origin: v.origin,
            depth: v.depth,
            warm: v.warm,
            orphan: v.orphan,
        }
    }
}
