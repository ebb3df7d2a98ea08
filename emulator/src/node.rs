//! A request's life at an emulated node, as the simulator models it
//! (`engine/src/sim/flow/station.rs` and `steps.rs`): admission to a
//! replica's worker or queue (full → rejected), the service time slept, the
//! error draw, the cache hit, the worker freed after service on an async node
//! (held to the end on a blocking one), then the handler's stages: steps
//! taken with their probability, one member per weighted branch group, each
//! call repeated `calls_per_request` times while it succeeds, parallel
//! members joined, the stage failing with the first failure to come back.
//! Network latency is slept each way of a call. Every modelled time is
//! multiplied by the time scale before it is slept. A visit's end (or its
//! drop, when its caller cancels it) goes through [`crate::waste`], which
//! counts work done for nobody.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use engine::model::{Outcome, RejectCause};
use engine::otlp::SpanKind;
use engine::policy::TokenBucket;
use engine::sampling::Stream;
use tokio::task::JoinSet;

use crate::error::EmulateError;
use crate::faults::NodeFaults;
use crate::metrics::NodeMetrics;
use crate::parts::{PartMeasure, Visit};
use crate::policy::EdgePolicy;
use crate::spans::{SpanLog, SpanOf};
use crate::station::{Presence, Refused, Station};
use crate::topology::{Handler, Step, Topology};
use crate::trace::{Hop, Ids, TraceContext};
use crate::waste::{Times, VisitEnd};
use crate::wire::Client;

/// Most hops a request may take, as the simulator's depth limit: beyond it
/// a call fails instead of being sent.
pub const MAX_DEPTH: u16 = 64;

/// A node's random streams, one per kind of decision (as the simulator keys them).
#[derive(Debug)]
struct NodeRng {
    service: Stream,
    error: Stream,
    cache: Stream,
    branch: Stream,
}

/// An edge's random streams.
#[derive(Debug)]
struct EdgeRng {
    latency: Stream,
    probability: Stream,
}

/// One node's running state.
#[derive(Debug)]
pub struct NodeState {
    /// Its replicas (`None` for a load source, which has no station).
    pub station: Option<Arc<Station>>,
    /// Its metrics.
    pub metrics: NodeMetrics,
    /// Requests being handled (queued or served).
    pub in_flight: AtomicU64,
    /// Its visits after the warm-up, as the report's node section.
    pub measure: PartMeasure,
    /// The ingress rate limiter, the engine's token bucket on the modelled clock.
    rate_limit: Option<Mutex<TokenBucket>>,
    /// A broker's backlogs and deliveries ([`crate::broker`]).
    pub broker: Option<Arc<crate::broker::BrokerState>>,
    rng: Mutex<NodeRng>,
}

/// Everything the nodes share: the topology, where each node listens, the
/// client, the time scale.
#[derive(Debug)]
pub struct Shared {
    /// The design as run.
    pub topology: Topology,
    /// Per node.
    pub nodes: Vec<NodeState>,
    /// Where each node listens.
    pub addrs: Vec<SocketAddr>,
    /// The client every call goes through.
    pub client: Client,
    /// Wall-clock time per modelled time.
    pub time_scale: f64,
    /// The timer's mean lateness, taken off every sleep so that sleeps are
    /// right on average (see [`crate::timing`]).
    pub lateness: Duration,
    /// When the emulation started: modelled time is measured from here.
    epoch: Instant,
    /// Call policies by edge id.
    pub(crate) policies: BTreeMap<String, Arc<EdgePolicy>>,
    edges: BTreeMap<String, Mutex<EdgeRng>>,
    /// Calls (tries) on each call edge after the warm-up, by edge id.
    pub edge_measures: BTreeMap<String, PartMeasure>,
    /// Span and trace ids of the visits.
    pub ids: Ids,
    /// The spans of the visits and calls (`--traces`).
    pub spans: SpanLog,
    /// Modelled time (since the epoch) from which visits and calls are
    /// measured; never until the load generator sets it.
    warm_from_ns: AtomicU64,
    /// Modelled time (since the epoch) from which nothing more is measured:
    /// the load's end (what begins while answers are awaited is not).
    warm_until_ns: AtomicU64,
    /// Each node's scheduled faults, in design order.
    faults: Vec<NodeFaults>,
    /// Modelled time (since the epoch) the load began at, from which the
    /// fault schedule counts; never until the load generator sets it.
    load_from_ns: AtomicU64,
    /// The faults scheduled on call, event and subscription edges.
    pub(crate) edge_faults: crate::edge_faults::EdgeFaults,
    /// The load's start as a wall-clock instant, UNIX ns (`u64::MAX`:
    /// none yet), shared with the other processes of a run ([`crate::load_origin`]).
    pub(crate) load_origin_unix_ns: AtomicU64,
    /// Where to post the load's start (the load generator's targets).
    pub(crate) announce: std::sync::OnceLock<Vec<SocketAddr>>,
    /// The tasks running the outages and health checks from the load's start (a new start replaces them).
    pub(crate) outage_tasks: Mutex<Vec<tokio::task::AbortHandle>>,
    /// Per node, its service discovery ([`crate::discovery`]).
    pub discovery: Vec<Option<crate::discovery::DiscState>>,
    /// The callers' caches of client-side discovered nodes.
    pub(crate) caches: Vec<crate::discovery::ClientCache>,
    /// Visits in flight and their orphan flags ([`crate::waste`]).
    pub(crate) orphans: crate::waste::Orphans,
}

fn hist_error(e: engine::sim::report::histogram::HistError) -> EmulateError {
    EmulateError::Settings(e.to_string())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Counts a request in flight at its node for as long as it lives.
struct InFlight<'a>(&'a AtomicU64);

impl<'a> InFlight<'a> {
    fn new(counter: &'a AtomicU64) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Shared {
    /// The running state of `topology` with nodes listening at `addrs`,
    /// random streams keyed by `seed`.
    ///
    /// # Errors
    /// None in practice: the measurement histograms' precision is a constant.
    pub fn new(
        topology: Topology,
        addrs: Vec<SocketAddr>,
        time_scale: f64,
        lateness: Duration,
        seed: u64,
    ) -> Result<Self, EmulateError> {
        let faults = topology.nodes.iter().map(|n| n.faults.clone()).collect();
        // Modelled time 0, shared by every station's autoscaler.
        let epoch = Instant::now();
        let clock = crate::autoscale::Clock { epoch, time_scale };
        let nodes = topology
            .nodes
            .iter()
            .map(|n| {
                let key = |purpose: &str| Stream::keyed(seed, 0, &n.id, purpose);
                Ok(NodeState {
                    station: (!n.client && !n.receiver).then(|| {
                        let lb = key("load_balancer");
                        let outlier = n.outlier_ejection.as_ref().map(engine::policy::OutlierDetector::from_model);
                        let scaling = n.autoscaling.map(|a| (a, clock));
                        Station::new(n.replicas, n.workers, n.queue_capacity, n.load_balancer, lb, outlier, scaling)
                    }),
                    metrics: NodeMetrics::new(&n.id, n.replicas),
                    in_flight: AtomicU64::new(0),
                    measure: PartMeasure::new().map_err(hist_error)?,
                    rate_limit: n.rate_limit.as_ref().map(|r| Mutex::new(TokenBucket::from_model(r))),
                    broker: n
                        .broker
                        .as_ref()
                        .map(|b| crate::broker::BrokerState::new(b, seed).map(Arc::new))
                        .transpose()?,
                    rng: Mutex::new(NodeRng {
                        service: key("service"),
                        error: key("error"),
                        cache: key("cache"),
                        branch: key("branch"),
                    }),
                })
            })
            .collect::<Result<Vec<_>, EmulateError>>()?;
        let mut edges = BTreeMap::new();
        let mut edge_measures = BTreeMap::new();
        let mut policies = BTreeMap::new();
        for h in topology.nodes.iter().flat_map(|n| &n.handlers) {
            for step in h.stages.iter().flatten() {
                if let Some(p) = EdgePolicy::of(step.policy.as_ref(), &step.edge, seed) {
                    policies.entry(step.edge.clone()).or_insert(p);
                }
                if !edge_measures.contains_key(&step.edge) {
                    edge_measures.insert(step.edge.clone(), PartMeasure::new().map_err(hist_error)?);
                }
                edges.entry(step.edge.clone()).or_insert_with(|| {
                    Mutex::new(EdgeRng {
                        latency: Stream::keyed(seed, 0, &step.edge, "latency"),
                        probability: Stream::keyed(seed, 0, &step.edge, "probability"),
                    })
                });
            }
        }
        // A subscription's deliveries are measured as its edge's calls.
        for sub in topology.nodes.iter().filter_map(|n| n.broker.as_ref()).flat_map(|b| &b.subs) {
            if !edge_measures.contains_key(&sub.edge) {
                edge_measures.insert(sub.edge.clone(), PartMeasure::new().map_err(hist_error)?);
            }
        }
        let edge_faults = crate::edge_faults::EdgeFaults::new(&topology, seed);
        let discovery = topology
            .nodes
            .iter()
            .map(|n| {
                n.discovery.map(|d| {
                    // The simulator's own stream for the phase (replication 0).
                    let phase = Stream::keyed(seed, 0, &n.id, "health_check").unit();
                    crate::discovery::DiscState::new(d.rule, d.registry, n.replicas, phase)
                })
            })
            .collect();
        let caches = topology.caches.iter().map(|k| crate::discovery::ClientCache::new(*k)).collect();
        Ok(Self {
            discovery,
            caches,
            orphans: crate::waste::Orphans::default(),
            edge_faults,
            spans: SpanLog::new(&topology),
            topology,
            nodes,
            addrs,
            client: Client::new(),
            time_scale,
            lateness,
            epoch,
            policies,
            edges,
            edge_measures,
            warm_from_ns: AtomicU64::new(u64::MAX),
            warm_until_ns: AtomicU64::new(u64::MAX),
            faults,
            load_from_ns: AtomicU64::new(u64::MAX),
            load_origin_unix_ns: AtomicU64::new(u64::MAX),
            announce: std::sync::OnceLock::new(),
            outage_tasks: Mutex::new(Vec::new()),
            ids: Ids::new(seed),
        })
    }

    /// Measure the visits and calls that begin from modelled time
    /// `warm_from_ns` (as [`Shared::now_ns`] counts) on.
    pub fn measure_from(&self, warm_from_ns: u64) {
        self.warm_from_ns.store(warm_from_ns, Ordering::Relaxed);
    }

    /// Measure nothing that begins from modelled time `end_ns` on (the
    /// load's end), as the simulator's run ends there.
    pub fn measure_until(&self, end_ns: u64) {
        self.warm_until_ns.store(end_ns, Ordering::Relaxed);
    }

    /// The load began at modelled time `load_from_ns` (as [`Shared::now_ns`]
    /// counts): the fault schedule counts from there, the outages start
    /// their clock (a task on the current runtime), and the processes this
    /// one announces to hear of it ([`crate::load_origin`]).
    pub fn start_load(self: &Arc<Self>, load_from_ns: u64) {
        let origin_unix_ns = self.unix_at(load_from_ns);
        self.load_origin_unix_ns.store(origin_unix_ns, Ordering::Relaxed);
        self.begin_load(load_from_ns);
        self.announce(origin_unix_ns);
    }

    /// The fault schedule counts from modelled time `load_from_ns`.
    pub(crate) fn begin_load(self: &Arc<Self>, load_from_ns: u64) {
        self.load_from_ns.store(load_from_ns, Ordering::Relaxed);
        for b in self.nodes.iter().filter_map(|n| n.broker.as_ref()) {
            b.restart_schedule();
        }
        self.start_outages(load_from_ns);
        self.start_health_checks(load_from_ns);
        self.start_autoscalers(load_from_ns);
    }

    /// Modelled time (since the epoch) the load began at (`u64::MAX`: not yet).
    pub(crate) fn load_from_ns(&self) -> u64 {
        self.load_from_ns.load(Ordering::Relaxed)
    }

    /// Modelled time since the load began (`None`: before it).
    pub(crate) fn since_load_ns(&self) -> Option<u64> {
        self.now_ns().checked_sub(self.load_from_ns.load(Ordering::Relaxed))
    }

    /// Node `node`'s fault effects now, on its own error probability `base_p`.
    fn effects(&self, node: usize, base_p: f64) -> engine::policy::FaultEffect {
        let since_load = self.since_load_ns();
        self.faults.get(node).map_or(engine::policy::FaultEffect::new(base_p), |f| f.at(base_p, since_load))
    }

    /// Whether what begins at `now_ns` is measured.
    pub(crate) fn warm(&self, now_ns: u64) -> bool {
        now_ns >= self.warm_from_ns.load(Ordering::Relaxed) && self.in_window(now_ns)
    }

    /// Modelled time (since the epoch) from which nothing more is measured.
    pub(crate) fn warm_until_ns(&self) -> u64 {
        self.warm_until_ns.load(Ordering::Relaxed)
    }

    /// Whether `now_ns` is before the load's end.
    pub(crate) fn in_window(&self, now_ns: u64) -> bool {
        now_ns < self.warm_until_ns.load(Ordering::Relaxed)
    }

    /// Modelled time (since the epoch) from which visits are measured.
    pub(crate) fn warm_from_ns(&self) -> u64 {
        self.warm_from_ns.load(Ordering::Relaxed)
    }

    /// A wall-clock duration in modelled nanoseconds.
    pub(crate) fn modelled_ns(&self, wall: Duration) -> u64 {
        (wall.as_nanos() as f64 / self.time_scale) as u64
    }

    /// Modelled nanoseconds since the emulation started (the policies' clock).
    #[must_use]
    pub fn now_ns(&self) -> u64 {
        (self.epoch.elapsed().as_nanos() as f64 / self.time_scale) as u64
    }

    /// Wait `ns` of modelled time (scaled to the wall clock, less the
    /// timer's mean lateness).
    pub async fn pause(&self, ns: u64) {
        if ns > 0 {
            let wall = Duration::from_secs_f64(ns as f64 * 1e-9 * self.time_scale);
            tokio::time::sleep(wall.saturating_sub(self.lateness)).await;
        }
    }

    /// Handle a request for `operation` at node `node`, `hop.depth` hops from its
    /// workload's entry; the outcome is also counted in the node's metrics.
    pub async fn handle(self: Arc<Self>, node: usize, operation: Option<String>, hop: Hop) -> Outcome {
        self.handle_call(node, operation, hop, (None, false)).await
    }

    /// [`Shared::handle`] for a call made as span `caller`, whose caller
    /// may already be an orphan (its wasted work is counted, see [`crate::waste`]).
    pub(crate) async fn handle_call(
        self: Arc<Self>,
        node: usize,
        operation: Option<String>,
        hop: Hop,
        (caller, parent_orphan): (Option<TraceContext>, bool),
    ) -> Outcome {
        let (Some(spec), Some(state)) = (self.topology.nodes.get(node), self.nodes.get(node)) else {
            return Outcome::Error;
        };
        let started = Instant::now();
        let warm = self.warm(self.now_ns());
        let in_flight = InFlight::new(&state.in_flight);
        let mut visit = VisitEnd::begin(&self, node, caller, hop.trace, parent_orphan);
        let outcome = match spec.handler(operation.as_deref()) {
            Some(h) => self.serve(node, h, hop, &mut visit.times).await,
            None => Outcome::Error,
        };
        let times = visit.end();
        if let (Some(r), Some(station)) = (times.replica, &state.station) {
            // Outlier detection sees every answer of a replica, a refused connection included.
            station.note(r, outcome, self.since_load_ns().unwrap_or(0));
        }
        drop(in_flight);
        let wall = started.elapsed();
        state.metrics.record(outcome, wall.as_secs_f64() / self.time_scale);
        if warm {
            let held = times.held.map_or(Duration::ZERO, |(from, to)| to.unwrap_or(started + wall) - from);
            state.measure.record(&Visit {
                outcome,
                time_ns: self.modelled_ns(wall),
                wait_ns: self.modelled_ns(times.wait),
                service_ns: self.modelled_ns(times.service),
                busy_ns: self.modelled_ns(held),
                queue_seen: times.queue_seen,
                served: times.held.is_some(),
            });
        }
        outcome
    }

    /// Admission, service and steps of one request.
    async fn serve(self: &Arc<Self>, node: usize, h: usize, hop: Hop, times: &mut Times) -> Outcome {
        let (Some(spec), Some(state)) = (self.topology.nodes.get(node), self.nodes.get(node)) else {
            return Outcome::Error;
        };
        let Some(handler) = spec.handlers.get(h) else { return Outcome::Error };
        // The worker, and the request's presence on its replica (which the
        // load balancer counts until the request ends, as the simulator's
        // `active`, whether or not the worker is still held).
        let mut held = None;
        let mut presence = None;
        if let Some(bucket) = &state.rate_limit
            && !lock(bucket).try_acquire(self.now_ns())
        {
            return Outcome::Rejected(RejectCause::RateLimited);
        }
        // A broker that is down refuses at once; one whose outage begins
        // while the publish is inside fails it when its service ends.
        let outages_before = state.broker.as_ref().map(|b| (b.down(self), b.outages_begun(self)));
        if outages_before.is_some_and(|(down, _)| down) {
            return Outcome::Error;
        }
        // A load source has no station and no service (it passes straight
        // on); a receiver has no station but is served on its sender's task.
        if let Some(station) = &state.station {
            let arrived = Instant::now();
            let run_ns = self.since_load_ns().unwrap_or(0);
            let disc = self.discovery.get(node).and_then(Option::as_ref);
            let warm = self.warm(self.now_ns());
            let Ok(to) = crate::discovery::route(disc, station, run_ns, warm) else { return Outcome::Error };
            match station.admit_to(run_ns, to).await {
                Ok((here, worker)) => {
                    times.queue_seen = here.queue_seen;
                    times.replica = Some(here.replica());
                    presence = Some(here);
                    held = Some(worker);
                }
                Err(Refused::QueueFull) => return Outcome::Rejected(RejectCause::QueueFull),
                Err(Refused::Down(r)) => {
                    // Connection refused: the replica is down (an outage);
                    // listed by a registry, it may hang instead.
                    times.replica = Some(r);
                    return match disc {
                        Some(d) => crate::discovery::dead_instance(d, hop.depth > 0, warm).await,
                        None => Outcome::Error,
                    };
                }
            }
            let admitted = Instant::now();
            times.wait = admitted - arrived;
            times.held = Some((admitted, None));
            if let (Some(b), Some((_, begun))) = (&state.broker, outages_before)
                && b.outages_begun(self) > begun
            {
                // Queued on a broker replica that crashed meanwhile.
                return Outcome::Error;
            }
            let service_ns = handler.service.sample(&mut lock(&state.rng).service);
            let service_ns = self.effects(node, 0.0).stretch(service_ns);
            times.service_drawn = Some(self.wall(service_ns));
            self.pause(service_ns).await;
            times.service = admitted.elapsed();
            if presence.as_ref().is_some_and(Presence::crashed) {
                // Its replica crashed during the service: the work is lost.
                times.crashed = true;
                return Outcome::Error;
            }
        } else if spec.receiver {
            let began = Instant::now();
            let service_ns = handler.service.sample(&mut lock(&state.rng).service);
            self.pause(self.effects(node, 0.0).stretch(service_ns)).await;
            times.service = began.elapsed();
        }
        {
            // An error burst active when the service ends counts.
            let error_p = self.effects(node, spec.error_probability).error_p();
            let mut rng = lock(&state.rng);
            if rng.error.chance(error_p) {
                return Outcome::Error;
            }
            if spec.hit_ratio > 0.0 && rng.cache.chance(spec.hit_ratio) {
                return Outcome::Ok;
            }
        }
        if let (Some(broker), Some((_, begun))) = (&state.broker, outages_before) {
            // A served publish is stored; one that waits for room waits
            // without the broker's worker, as in the simulator.
            drop(held);
            if let Some((_, to)) = &mut times.held {
                *to = Some(Instant::now());
            }
            let outcome = broker.deposit(self, begun, crate::broker::blocks()).await;
            drop(presence);
            return outcome;
        }
        // Branches are drawn only when there are steps to take, as the simulator does.
        let skip = if handler.stages.is_empty() { 0 } else { branch_skips(handler, &mut lock(&state.rng).branch) };
        if !spec.blocking {
            // An async worker is released as soon as its service ends.
            held = None;
            if let Some((_, to)) = &mut times.held {
                *to = Some(Instant::now());
            }
        }
        let outcome = self.run_stages(node, h, handler, skip, hop).await;
        drop(held);
        if presence.as_ref().is_some_and(Presence::crashed) {
            // Its replica crashed while it waited on its calls.
            times.crashed = true;
            return Outcome::Error;
        }
        drop(presence);
        outcome
    }

    /// Run the handler's stages in turn.
    async fn run_stages(self: &Arc<Self>, node: usize, h: usize, handler: &Handler, skip: u64, hop: Hop) -> Outcome {
        let mut degraded = false;
        for (s, stage) in handler.stages.iter().enumerate() {
            let mut calls = JoinSet::new();
            for (m, step) in stage.iter().enumerate() {
                if step.branch.is_some_and(|(_, bit)| skip & (1u64 << bit) != 0) {
                    continue;
                }
                if step.probability < 1.0 && !self.edge_chance(&step.edge, step.probability) {
                    continue;
                }
                if step.calls == 0 {
                    continue;
                }
                let shared = Arc::clone(self);
                calls.spawn(async move { shared.run_step(node, h, s, m, hop).await });
            }
            let mut fail = None;
            while let Some(done) = calls.join_next().await {
                let outcome = done.unwrap_or(Outcome::Error);
                if outcome == Outcome::Degraded {
                    degraded = true;
                }
                if fail.is_none() && outcome.is_failure() {
                    fail = Some(outcome);
                }
            }
            if let Some(o) = fail {
                return o;
            }
        }
        if degraded { Outcome::Degraded } else { Outcome::Ok }
    }

    /// Step `m` of stage `s` of handler `h` of node `node`: its calls in
    /// turn while they succeed.
    async fn run_step(self: Arc<Self>, node: usize, h: usize, s: usize, m: usize, hop: Hop) -> Outcome {
        let step = self
            .topology
            .nodes
            .get(node)
            .and_then(|n| n.handlers.get(h))
            .and_then(|h| h.stages.get(s))
            .and_then(|stage| stage.get(m));
        let Some(step) = step else { return Outcome::Error };
        let mut outcome = Outcome::Ok;
        let policy = self.policies.get(&step.edge).cloned();
        for _ in 0..step.calls {
            outcome = if let Some(p) = &policy {
                self.policy_call(step, p, hop).await
            } else if let Some(when_full) = step.publish {
                crate::broker::publish(&self, step, when_full, hop).await
            } else if step.signal.is_some() {
                let (began_ns, began) = (self.now_ns(), Instant::now());
                let o = self.signal(step, hop).await;
                self.record_call(&step.edge, began_ns, o, began.elapsed());
                o
            } else {
                let (began_ns, began) = (self.now_ns(), Instant::now());
                let o = self.call(step, hop).await;
                self.record_call(&step.edge, began_ns, o, began.elapsed());
                o
            };
            if !matches!(outcome, Outcome::Ok | Outcome::Degraded) {
                break;
            }
        }
        if step.signal == Some(true) && outcome.is_failure() {
            // send_robust: the receiver's failure is caught at the sender.
            return Outcome::Ok;
        }
        outcome
    }

    /// A signal over `step`'s edge: its receiver runs here, on the sender's
    /// task, with no network and no queue (boxed: a receiver's own steps
    /// may signal again).
    fn signal(self: &Arc<Self>, step: &Step, hop: Hop) -> Pin<Box<dyn Future<Output = Outcome> + Send>> {
        let next = hop.next();
        if next.depth > MAX_DEPTH {
            return Box::pin(std::future::ready(Outcome::Error));
        }
        // The receiver's run is a span of its own, a child of the sender's.
        let own = self.ids.enter(hop.trace);
        let next = Hop { trace: Some(own), ..next };
        let (shared, to, op) = (Arc::clone(self), step.to_node, step.to_operation.clone());
        Box::pin(async move {
            let start_ns = shared.now_ns();
            let outcome = Arc::clone(&shared).handle(to, op.clone(), next).await;
            let of = SpanOf { node: to, kind: SpanKind::Internal, operation: op.as_deref(), peer: None, outcome };
            shared.spans.record(own, hop.trace, of, (start_ns, shared.now_ns()));
            outcome
        })
    }

    pub(crate) fn edge_latency(&self, step: &Step) -> u64 {
        match (&step.latency, self.edges.get(&step.edge)) {
            (Some(sampler), Some(rng)) => sampler.sample(&mut lock(rng).latency),
            _ => 0,
        }
    }

    fn edge_chance(&self, edge: &str, p: f64) -> bool {
        self.edges.get(edge).is_some_and(|rng| lock(rng).probability.chance(p))
    }
}

/// The steps left out by this request's branch draws: one draw per group,
/// the member whose cumulative share first exceeds it taken (the last one
/// when rounding leaves none), as the simulator's `begin_steps_at`.
fn branch_skips(handler: &Handler, rng: &mut Stream) -> u64 {
    let mut skip = 0u64;
    for group in &handler.groups {
        skip |= group.skipped(rng.unit());
    }
    skip
}
