//! The simulation core: the clock, the event loop, workloads and stations.
//!
//! A request is a tree of visits: one visit per node it passes (the entry
//! visit, the visits its calls make, the receivers its signals run). Visits
//! live in a slab whose slots are reused, so the hot path allocates nothing
//! per request. A station is a node's replicas, each with its workers and one
//! FIFO queue; the load balancer picks the replica.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::model::{Outcome, RejectCause};

use crate::sim::core::event_queue::{EventQueue, Kind};
use crate::sim::core::plan::{NONE, PArrival, Plan};
use crate::sim::report::metrics::Metrics;

use crate::sampling::Stream;
use crate::sim::report::trace::{SpanKind, Tracer};
use crate::sim::{Progress, RunControl, SimError};

/// Deepest chain of calls before a visit fails (a call cycle would otherwise
/// recurse for ever).
pub(crate) const MAX_DEPTH: u16 = 64;
/// Head-sampling rate of traces: one root request in this many.
pub(crate) const TRACE_EVERY: u64 = 64;

/// Why a visit exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A workload's request (`oref` = workload).
    Entry,
    /// A call step (`oref` = member).
    Call,
    /// A signal step (`oref` = member).
    Signal,
    /// A publish to a broker (`oref` = edge).
    Publish,
    /// A broker delivery (`oref` = message).
    Delivery,
    /// One try of a call with a policy (`oref` = member, `parent` = call state).
    Attempt,
    /// A client-side cache's lookup at the registry (`oref` = cache).
    Lookup,
}

/// A request at one node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Visit {
    pub node: u32,
    pub handler: u32,
    pub replica: u32,
    pub parent: u32,
    pub oref: u32,
    pub repeats_left: u32,
    pub stage: u32,
    pub pending: u32,
    pub trace: u32,
    pub span: u32,
    /// When the origin created it (arrival, call, publish, delivery).
    pub t_call_ns: u64,
    pub t_arrive_ns: u64,
    pub t_start_ns: u64,
    pub t_served_ns: u64,
    /// Branch members not taken (bit set = skip).
    pub mask: u64,
    pub fail: Option<Outcome>,
    pub outcome: Outcome,
    pub origin: Origin,
    pub depth: u16,
    /// Holding one of its replica's workers.
    pub holds: bool,
    /// Counted in its origin's statistics (created after the warm-up).
    pub warm: bool,
    /// Counted in its node's statistics (entered after the warm-up).
    pub node_warm: bool,
    pub alive: bool,
    /// Nobody waits for it any more (its caller gave up): its work is wasted.
    pub orphan: bool,
    /// It must not go on: cancelled by its caller or its replica crashed.
    pub dead: bool,
    /// A step was answered by a fallback: the visit's answer is degraded.
    pub degraded: bool,
    /// Its service began (it got a worker, or runs inline).
    pub started: bool,
}

impl Visit {
    pub(crate) fn new(node: u32, handler: u32, origin: Origin, oref: u32, now_ns: u64, warm: bool) -> Self {
        Self {
            node,
            handler,
            replica: NONE,
            parent: NONE,
            oref,
            repeats_left: 0,
            stage: 0,
            pending: 0,
            trace: NONE,
            span: NONE,
            t_call_ns: now_ns,
            t_arrive_ns: now_ns,
            t_start_ns: now_ns,
            t_served_ns: now_ns,
            mask: 0,
            fail: None,
            outcome: Outcome::InFlight,
            origin,
            depth: 0,
            holds: false,
            warm,
            node_warm: false,
            alive: true,
            orphan: false,
            dead: false,
            degraded: false,
            started: false,
        }
    }
}

/// One replica of a station.
#[derive(Clone, Debug, Default)]
pub(crate) struct Replica {
    pub queue: VecDeque<u32>,
    pub busy: u32,
    /// Visits assigned and not finished (queued, in service or downstream).
    pub active: u32,
    /// Crashed by an outage fault: visits reaching it fail at once.
    pub down: bool,
    /// Its health as outlier detection sees it (ejected or not).
    pub health: crate::policy::HostHealth,
    /// Lifecycle under autoscaling.
    pub life: Life,
    /// Bumped at every start, so a stale readiness event is ignored.
    pub epoch: u32,
}

pub(crate) use crate::policy::Life;

/// A node's random streams.
#[derive(Clone, Debug)]
pub(crate) struct NodeRng {
    pub service: Stream,
    pub error: Stream,
    pub lb: Stream,
    pub cache: Stream,
    pub branch: Stream,
}

/// An edge's random streams.
#[derive(Clone, Debug)]
pub(crate) struct EdgeRng {
    pub latency: Stream,
    pub probability: Stream,
}

/// Things the report flags.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flags {
    /// Simulated time stopped advancing here (a loop with no delay): the
    /// run was cut at that instant.
    pub stalled_at_ns: Option<u64>,
    pub in_flight_cap_hit: bool,
    pub message_cap_hit: bool,
    pub depth_exceeded: bool,
    /// Draws (service times, latencies, stretched delays) longer than the
    /// longest delay the simulator schedules, held there.
    pub clamped_draws: u64,
}

/// Most messages held by brokers at once before new ones are dropped (the
/// run is then flagged unstable): keeps a runaway backlog from eating memory.
pub(crate) const MAX_MESSAGES: usize = 4_000_000;

/// One replication of a design, steppable.
pub struct Simulation {
    pub(crate) plan: Arc<Plan>,
    /// Which replication this is (0 records traces).
    pub(crate) replication: u32,
    pub(crate) now_ns: u64,
    pub(crate) queue: EventQueue,
    pub(crate) visits: Vec<Visit>,
    pub(crate) free_visits: Vec<u32>,
    pub(crate) replicas: Vec<Replica>,
    pub(crate) rr: Vec<u32>,
    pub(crate) node_rng: Vec<NodeRng>,
    pub(crate) edge_rng: Vec<EdgeRng>,
    pub(crate) arrival_rng: Vec<Stream>,
    pub(crate) broker: crate::sim::flow::broker::BrokerState,
    pub(crate) metrics: Metrics,
    pub(crate) tracer: Tracer,
    pub(crate) flags: Flags,
    pub(crate) in_flight: u32,
    pub(crate) events: u64,
    pub(crate) requests: u64,
    pub(crate) batch_no: u32,
    pub(crate) node_workers: Vec<f64>,
    /// Logical calls on policy edges.
    pub(crate) calls: Vec<crate::sim::flow::calls::CallState>,
    pub(crate) free_calls: Vec<u32>,
    /// Per policy: breaker, budget, bulkhead.
    pub(crate) pol_state: Vec<crate::sim::policy::call_policies::EdgePolicyState>,
    /// Per policy: retry jitter.
    pub(crate) pol_rng: Vec<Stream>,
    /// Source of tokens that tell live timers from stale ones.
    pub(crate) token: u32,
    /// Live fault effects per node and edge.
    pub(crate) node_fx: Vec<crate::sim::policy::faults::NodeFx>,
    pub(crate) edge_fx: Vec<crate::sim::policy::faults::EdgeFx>,
    /// Per node policy: rate limiter and autoscaler state.
    pub(crate) node_pol_state: Vec<crate::sim::policy::node_policies::NodePolState>,
    /// Scratch list of eligible replicas for the load balancer.
    pub(crate) scratch: Vec<u32>,
    /// Per-window node figures are kept (the design has resilience features).
    pub(crate) track_nodes: bool,
    /// Per discovered node: which replicas are listed, health-check state.
    pub(crate) disc_live: Vec<crate::sim::discovery::runtime::DiscLive>,
    /// Per client-side cache: the instance list and the lookup in flight.
    pub(crate) caches: Vec<crate::sim::discovery::runtime::CacheLive>,
    pub(crate) finished: bool,
    /// Where simulated time last advanced (time, event count), to notice a
    /// run whose clock no longer moves.
    pub(super) progress_mark: (u64, u64),
}

/// Events at one simulated instant after which the run is stopped as stalled:
/// a loop with no delay in it (retries with no backoff against a service that
/// fails at once, say) would otherwise never end. Far above any real burst.
const STALL_EVENTS: u64 = 10_000_000;

/// Events processed between checks of progress and cancellation.
const CHUNK: u64 = 1 << 14;

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation").field("now_ns", &self.now_ns).field("events", &self.events).finish_non_exhaustive()
    }
}

impl Simulation {
    /// Simulated time now, ns.
    #[must_use]
    pub fn now_ns(&self) -> u64 {
        self.now_ns
    }

    /// Which replication this is.
    #[must_use]
    pub fn replication_index(&self) -> u32 {
        self.replication
    }

    /// Whether the run reached its duration.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Progress so far.
    #[must_use]
    pub fn progress(&self) -> Progress {
        Progress {
            sim_time_s: self.now_ns as f64 / 1e9,
            duration_s: self.plan.settings.duration_ns as f64 / 1e9,
            events: self.events,
            requests: self.requests,
            replications_done: u32::from(self.finished),
            replications: 1,
        }
    }

    /// Process every event up to `t_ns` (capped at the run's duration).
    pub fn run_until(&mut self, t_ns: u64) {
        let limit_ns = t_ns.min(self.plan.settings.duration_ns);
        while !self.finished {
            let e0 = self.events;
            self.run_events(limit_ns, CHUNK);
            if self.events - e0 < CHUNK {
                return;
            }
            self.watch_progress();
        }
    }

    /// After a full chunk of events: stop the run if simulated time has not
    /// moved for [`STALL_EVENTS`] events.
    fn watch_progress(&mut self) {
        let (mark_ns, e) = self.progress_mark;
        if self.now_ns != mark_ns {
            self.progress_mark = (self.now_ns, self.events);
        } else if self.events - e >= STALL_EVENTS && !self.finished {
            self.flags.stalled_at_ns = Some(self.now_ns);
            self.finish_run();
        }
    }

    /// Run to the end.
    pub fn run(&mut self) {
        self.run_until(u64::MAX);
    }

    /// Run to the end, adding progress to `control` and stopping when it is cancelled.
    ///
    /// # Errors
    /// [`SimError::Cancelled`].
    pub fn run_with(&mut self, control: &RunControl) -> Result<(), SimError> {
        let duration_ns = self.plan.settings.duration_ns;
        while !self.finished {
            if control.is_cancelled() {
                return Err(SimError::Cancelled);
            }
            let (t0_ns, e0, r0) = (self.now_ns, self.events, self.requests);
            self.run_events(duration_ns, CHUNK);
            self.flags.clamped_draws += crate::sampling::take_clamped();
            control.add_progress(self.now_ns - t0_ns, self.events - e0, self.requests - r0);
            if self.events - e0 == CHUNK {
                self.watch_progress();
            }
        }
        Ok(())
    }

    /// Process at most `max_events` events with time ≤ `limit_ns`.
    fn run_events(&mut self, limit_ns: u64, max_events: u64) {
        let mut n = 0;
        while n < max_events {
            let Some(ev) = self.queue.next_until(limit_ns) else {
                self.now_ns = self.now_ns.max(limit_ns);
                if limit_ns >= self.plan.settings.duration_ns && !self.finished {
                    self.finish_run();
                }
                return;
            };
            self.now_ns = ev.t_ns;
            n += 1;
            self.events += 1;
            match ev.kind() {
                Kind::ServiceDone => self.on_service_done(ev.a),
                Kind::NetArrive => self.enter(ev.a),
                Kind::NetReturn => self.on_returned(ev.a),
                Kind::Arrival => self.on_arrival(ev.a),
                Kind::ThinkDone => self.start_request(ev.a),
                Kind::Deliver => self.on_deliver(ev.a, ev.b),
                Kind::Redeliver => self.on_redeliver(ev.a),
                Kind::Warmup => self.metrics.on_warmup(self.now_ns),
                Kind::Window => self.on_window(ev.a == 1),
                Kind::PerTryTimeout => self.on_per_try_timeout(ev.a, ev.b),
                Kind::CallTimeout => self.on_call_timeout(ev.a, ev.b),
                Kind::RetryTimer => self.on_retry_timer(ev.a, ev.b),
                Kind::FallbackDone => self.on_fallback_done(ev.a, ev.b),
                Kind::BreakerHalfOpen => self.on_breaker_half_open(ev.a, ev.b),
                Kind::FaultStart => self.on_fault(ev.a, true),
                Kind::FaultEnd => self.on_fault(ev.a, false),
                Kind::OutlierSweep => self.on_outlier_sweep(ev.a),
                Kind::HpaEval => self.on_hpa_eval(ev.a),
                Kind::ReplicaReady => self.on_replica_ready(ev.a, ev.b),
                Kind::Unblock => self.on_unblock(ev.a),
                Kind::HealthCheck => self.on_health_check(ev.a),
            }
        }
    }

    // ----- arrivals -----------------------------------------------------

    pub(super) fn schedule_arrival(&mut self, w: u32) {
        let Some(wl) = self.plan.workloads.get(w as usize) else { return };
        let PArrival::Open { poisson, rate_per_s, profile, max_factor } = &wl.arrival else { return };
        let rng = &mut self.arrival_rng[w as usize];
        let gap_ns = if *poisson {
            let peak = rate_per_s * max_factor;
            if peak <= 0.0 {
                return;
            }
            crate::sampling::exp1(rng) / peak * 1e9
        } else {
            let rate = rate_per_s * profile.factor_at(self.now_ns as f64 / 1e9);
            if rate_per_s * max_factor <= 0.0 {
                return;
            }
            // While the profile is at zero, look again a millisecond later.
            if rate <= 0.0 { 1e6 } else { 1e9 / rate }
        };
        let t = self.now_ns.saturating_add((gap_ns.max(1.0)) as u64);
        if t <= self.plan.settings.duration_ns {
            self.queue.push(t, Kind::Arrival, w, 0);
        }
    }

    fn on_arrival(&mut self, w: u32) {
        self.schedule_arrival(w);
        let Some(wl) = self.plan.workloads.get(w as usize) else { return };
        if let PArrival::Open { poisson: true, profile, max_factor, .. } = &wl.arrival
            && !matches!(profile, crate::model::RateProfile::Constant)
        {
            // Thinning: keep the candidate with probability factor / max factor.
            let f = profile.factor_at(self.now_ns as f64 / 1e9);
            let p = if *max_factor > 0.0 { f / max_factor } else { 0.0 };
            if !self.arrival_rng[w as usize].chance(p) {
                return;
            }
        } else if let PArrival::Open { poisson: false, profile, .. } = &wl.arrival
            && profile.factor_at(self.now_ns as f64 / 1e9) <= 0.0
        {
            return;
        }
        self.start_request(w);
    }

    /// A workload's request enters the design.
    pub(crate) fn start_request(&mut self, w: u32) {
        let Some(wl) = self.plan.workloads.get(w as usize) else { return };
        let (entry, handler) = (wl.entry, wl.handler);
        let warm = self.now_ns >= self.plan.settings.warmup_ns;
        self.requests += 1;
        if warm {
            self.metrics.workloads[w as usize].total.counts.arrived += 1;
        }
        if self.in_flight >= self.plan.settings.max_in_flight {
            self.flags.in_flight_cap_hit = true;
            let o = Outcome::Rejected(RejectCause::InFlightCap);
            let acc = &mut self.metrics.workloads[w as usize];
            if warm {
                acc.total.counts.record(o);
                if let Some(b) = acc.batches.last_mut() {
                    b.counts.record(o);
                }
            }
            acc.window.counts.record(o);
            self.schedule_think(w, true);
            return;
        }
        self.in_flight += 1;
        let v = self.alloc(Visit::new(entry, handler, Origin::Entry, w, self.now_ns, warm));
        let trace = self.tracer.maybe_start(w);
        if trace != NONE {
            let span = self.tracer.open(trace, NONE, entry, NONE, SpanKind::Entry, self.now_ns);
            self.tracer.hold(trace);
            let vis = &mut self.visits[v as usize];
            vis.trace = trace;
            vis.span = span;
        }
        self.enter(v);
    }

    /// A closed-loop user thinks before the next request.
    #[inline]
    pub(crate) fn schedule_think(&mut self, w: u32, instant: bool) {
        // Inline check: an open workload has no users to think.
        if let Some(wl) = self.plan.workloads.get(w as usize)
            && matches!(wl.arrival, PArrival::Closed { .. })
        {
            self.schedule_think_closed(w, instant);
        }
    }

    fn schedule_think_closed(&mut self, w: u32, instant: bool) {
        let Some(wl) = self.plan.workloads.get(w as usize) else { return };
        let PArrival::Closed { think, .. } = &wl.arrival else { return };
        let mut t = think.sample(&mut self.arrival_rng[w as usize]);
        // A user whose request failed at once with no think time would spin at
        // one instant for ever: such a client backs off for a millisecond.
        if instant && t == 0 {
            t = 1_000_000;
        }
        self.queue.push(self.now_ns.saturating_add(t), Kind::ThinkDone, w, 0);
    }

    // ----- visits --------------------------------------------------------

    pub(crate) fn alloc(&mut self, v: Visit) -> u32 {
        if let Some(i) = self.free_visits.pop() {
            self.visits[i as usize] = v;
            i
        } else {
            self.visits.push(v);
            (self.visits.len() - 1) as u32
        }
    }

    pub(crate) fn release(&mut self, v: u32) {
        let vis = &mut self.visits[v as usize];
        vis.alive = false;
        let trace = vis.trace;
        if trace != NONE {
            // (The record is rewritten before reuse: its `trace` needs no reset.)
            self.let_go_trace(trace);
        }
        self.free_visits.push(v);
    }

    /// A traced visit ends (one in 64 requests: kept off the hot path).
    #[cold]
    #[inline(never)]
    fn let_go_trace(&mut self, trace: u32) {
        self.tracer.let_go(trace);
    }

    pub(crate) fn finish_request(&mut self, v: u32) {
        let now_ns = self.now_ns;
        let vis = self.visits[v as usize];
        let w = vis.oref;
        let latency = now_ns - vis.t_call_ns;
        self.in_flight = self.in_flight.saturating_sub(1);
        let acc = &mut self.metrics.workloads[w as usize];
        let ok = matches!(vis.outcome, Outcome::Ok | Outcome::Degraded);
        if vis.warm {
            acc.total.counts.record(vis.outcome);
            if ok {
                acc.total.latency.record(latency);
            }
            if let Some(b) = acc.batches.last_mut() {
                b.counts.record(vis.outcome);
                if ok {
                    b.latency.record(latency);
                }
            }
        }
        acc.window.counts.record(vis.outcome);
        if ok {
            acc.window.latency.record(latency);
        }
        if vis.trace != NONE {
            self.tracer.finish(vis.trace, latency);
        }
        self.release(v);
        self.schedule_think(w, latency == 0);
    }
}
