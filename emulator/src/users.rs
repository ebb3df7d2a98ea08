//! Closed-loop workloads: each user sends a request, waits for its answer,
//! thinks, and sends the next one, as the simulator's users do
//! (`schedule_start` and `schedule_think` in `engine/src/sim/core/`): a
//! think time before the first request and after every answer, drawn from
//! the workload's distribution with the engine's sampler, and a
//! millisecond's back-off when the in-flight cap rejected a request at once
//! and the think time drawn is 0 (a user must not spin).
//!
//! A closed loop has no schedule to fall behind, so latency is measured
//! from the send; the next think starts at the answer. Each user draws from
//! its own keyed stream (the simulator shares one per workload, in event
//! order, which wall-clock tasks cannot reproduce).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use engine::model::{Arrival, Design, Outcome, RejectCause};
use engine::sampling::{Sampler, Stream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::loadgen::{Progress, answered, lock, stopped};
use crate::measure::WorkloadMeasure;
use crate::node::Shared;

/// A user's back-off after an immediate rejection with no think time, ns.
const BACKOFF_NS: u64 = 1_000_000;

/// One closed-loop workload.
#[derive(Clone, Debug)]
pub(crate) struct Users {
    index: usize,
    name: String,
    node: usize,
    operation: Option<String>,
    users: u32,
    think: Sampler,
}

/// The load's clock: modelled times since the load began, in wall time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    /// Wall-clock start of the load.
    pub start: Instant,
    /// Wall-clock time per modelled time.
    pub scale: f64,
    /// The timer's mean lateness (sleeps wake this much early).
    pub lateness: Duration,
    /// Modelled ns of load.
    pub duration_ns: u64,
    /// Modelled ns of warm-up.
    pub warmup_ns: u64,
}

impl Clock {
    fn wall(&self, t_ns: u64) -> Instant {
        self.start + Duration::from_secs_f64(t_ns as f64 * 1e-9 * self.scale)
    }

    fn now_ns(&self) -> u64 {
        (self.start.elapsed().as_nanos() as f64 / self.scale) as u64
    }
}

/// The load's bounds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bounds {
    /// Seed of the think-time streams.
    pub seed: u64,
    /// Most requests sent in all.
    pub max_requests: u64,
    /// Most requests in flight at once.
    pub max_in_flight: u64,
}

/// Where answers are counted.
#[derive(Clone)]
pub(crate) struct Sink {
    /// The running nodes.
    pub shared: Arc<Shared>,
    /// Per workload.
    pub measures: Arc<Mutex<Vec<WorkloadMeasure>>>,
    /// The load's counters.
    pub progress: Arc<Progress>,
}

/// The design's closed-loop workloads.
pub(crate) fn of(design: &Design, shared: &Shared) -> Vec<Users> {
    let mut out = Vec::new();
    for (index, w) in design.workloads.iter().enumerate() {
        let Arrival::Closed { users, think_time } = &w.arrival else { continue };
        let Some(node) = shared.topology.node_index(&w.entry) else { continue };
        // The analysis refuses an undrawable think time before a run.
        let Ok(think) = Sampler::new(think_time) else { continue };
        out.push(Users { index, name: w.name.clone(), node, operation: w.operation.clone(), users: *users, think });
    }
    out
}

/// Run a workload's users until the load ends or `stop` turns true; the
/// users still waiting for an answer are returned, for the caller to drain.
pub(crate) async fn run(
    users: Users,
    clock: Clock,
    bounds: Bounds,
    sink: Sink,
    mut stop: watch::Receiver<bool>,
) -> JoinSet<()> {
    let mut set = JoinSet::new();
    let users = Arc::new(users);
    for user in 0..users.users {
        set.spawn(one_user(Arc::clone(&users), user, clock, bounds, sink.clone(), stop.clone()));
    }
    tokio::select! {
        () = tokio::time::sleep_until(clock.wall(clock.duration_ns)) => {}
        () = stopped(&mut stop) => {}
    }
    set
}

/// One user's loop: think, send, wait for the answer, again.
async fn one_user(u: Arc<Users>, user: u32, clock: Clock, bounds: Bounds, sink: Sink, mut stop: watch::Receiver<bool>) {
    let mut rng = Stream::keyed(bounds.seed, user, &u.name, "think");
    let progress = &sink.progress;
    let mut t_ns = 0u64;
    let mut rejected = false;
    loop {
        let mut think_ns = u.think.sample(&mut rng);
        if rejected && think_ns == 0 {
            think_ns = BACKOFF_NS;
        }
        t_ns = t_ns.saturating_add(think_ns);
        if t_ns > clock.duration_ns || *stop.borrow() {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep_until(clock.wall(t_ns) - clock.lateness) => {}
            () = stopped(&mut stop) => return,
        }
        if progress.sent.fetch_add(1, Ordering::Relaxed) >= bounds.max_requests {
            progress.sent.fetch_sub(1, Ordering::Relaxed);
            progress.capped.store(true, Ordering::Relaxed);
            return;
        }
        let warm = t_ns >= clock.warmup_ns;
        if warm && let Some(m) = lock(&sink.measures).get_mut(u.index) {
            m.arrived += 1;
        }
        rejected = progress.in_flight.load(Ordering::Relaxed) >= bounds.max_in_flight;
        progress.in_flight.fetch_add(1, Ordering::Relaxed);
        if rejected {
            answered(progress, &sink.measures, (u.index, warm), Outcome::Rejected(RejectCause::InFlightCap), 0);
            continue;
        }
        let Some(&addr) = sink.shared.addrs.get(u.node) else { return };
        let sent = Instant::now();
        let outcome = sink.shared.client.call(addr, u.operation.as_deref(), crate::trace::Hop::default()).await;
        let latency_ns = (sent.elapsed().as_nanos() as f64 / clock.scale) as u64;
        answered(progress, &sink.measures, (u.index, warm), outcome, latency_ns);
        t_ns = clock.now_ns();
    }
}
