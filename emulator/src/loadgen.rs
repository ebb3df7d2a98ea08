//! The open-loop load generator: each workload's requests are sent at the
//! design's rate and profile, whatever the answers do, and each latency is
//! measured from the request's intended send time, so a stalled system
//! cannot hide its queue by slowing the generator (no coordinated omission).
//!
//! Arrival times follow the simulator's rules (`schedule_arrival` and
//! `on_arrival` in `engine/src/sim/core/simulation.rs`): Poisson arrivals are
//! drawn at the profile's peak rate and thinned to the rate of the moment;
//! constant arrivals are spaced by the rate of the moment. The load is
//! bounded: by the run's duration, by a number of requests, and by the
//! design's cap on requests in flight (past it a request is rejected, as in
//! the simulator); requests still unanswered a while after the end are
//! counted in flight.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use engine::model::{Arrival, ArrivalProcess, Design, Distribution, Outcome, RateProfile, RejectCause};
use engine::sampling::{Sampler, Stream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::measure::{Measured, WorkloadMeasure};
use crate::node::Shared;

/// Bounds and timing of a load run (modelled times).
#[derive(Clone, Debug)]
pub struct LoadSettings {
    /// Modelled seconds of load, warm-up included.
    pub duration_s: f64,
    /// Modelled seconds at the start excluded from the figures.
    pub warmup_s: f64,
    /// Seed of the arrival streams.
    pub seed: u64,
    /// Most requests sent in all.
    pub max_requests: u64,
    /// Most requests in flight at once (the design's `max_in_flight`).
    pub max_in_flight: u64,
    /// Wall-clock time to wait for answers after the load ends.
    pub drain: Duration,
}

/// Counters the caller can read while the load runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Requests sent.
    pub sent: AtomicU64,
    /// Requests answered.
    pub answered: AtomicU64,
    /// Requests in flight.
    pub in_flight: AtomicU64,
    /// The request bound was reached.
    pub capped: AtomicBool,
    /// Requests answered successfully (warm-up included), for live figures.
    pub ok: AtomicU64,
    /// Requests answered with a failure (warm-up included).
    pub failed: AtomicU64,
    /// Latency of the successful ones, summed, modelled ns.
    pub ok_latency_ns: AtomicU64,
}

/// One workload's arrivals.
struct Arrivals {
    index: usize,
    node: usize,
    operation: Option<String>,
    poisson: bool,
    rate_per_s: f64,
    profile: RateProfile,
    max_factor: f64,
    /// Gaps at the peak rate (Poisson), drawn by the engine's sampler.
    gap: Option<Sampler>,
    rng: Stream,
}

impl Arrivals {
    /// The next arrival after `now_ns` (modelled), or `None` when the
    /// workload sends nothing more.
    fn next(&mut self, now_ns: u64) -> Option<u64> {
        let gap_ns = if self.poisson {
            self.gap.as_ref()?.sample(&mut self.rng) as f64
        } else {
            if self.rate_per_s * self.max_factor <= 0.0 {
                return None;
            }
            let rate = self.rate_per_s * self.profile.factor_at(now_ns as f64 / 1e9);
            // While the profile is at zero, look again a millisecond later.
            if rate <= 0.0 { 1e6 } else { 1e9 / rate }
        };
        Some(now_ns.saturating_add(gap_ns.max(1.0) as u64))
    }

    /// Whether an arrival at `t_ns` is sent (thinning of a varying rate).
    fn keep(&mut self, t_ns: u64) -> bool {
        let f = self.profile.factor_at(t_ns as f64 / 1e9);
        if self.poisson && !matches!(self.profile, RateProfile::Constant) {
            let p = if self.max_factor > 0.0 { f / self.max_factor } else { 0.0 };
            self.rng.chance(p)
        } else {
            self.poisson || f > 0.0
        }
    }
}

/// The open-loop arrivals of the design's workloads (closed-loop ones run
/// their users, [`crate::users`]).
fn arrivals(design: &Design, shared: &Shared, seed: u64) -> Vec<Arrivals> {
    let mut out = Vec::new();
    for (index, w) in design.workloads.iter().enumerate() {
        let Arrival::Open { process, rate_per_s, profile } = &w.arrival else { continue };
        let Some(node) = shared.topology.node_index(&w.entry) else { continue };
        let max_factor = profile.max_factor().max(0.0);
        let peak = rate_per_s * max_factor;
        let poisson = *process == ArrivalProcess::Poisson;
        let gap = (poisson && peak > 0.0)
            .then(|| Sampler::new(&Distribution::Exponential { mean_ms: 1e3 / peak }).ok())
            .flatten();
        out.push(Arrivals {
            index,
            node,
            operation: w.operation.clone(),
            poisson,
            rate_per_s: rate_per_s.max(0.0),
            profile: profile.clone(),
            max_factor,
            gap,
            rng: Stream::keyed(seed, 0, &w.name, "arrival"),
        });
    }
    out
}

/// Count an answer in `progress` and, for a request of workload `index`
/// sent after the warm-up (`warm`), in the workload's measure.
pub(crate) fn answered(
    progress: &Progress,
    measures: &Mutex<Vec<WorkloadMeasure>>,
    (index, warm): (usize, bool),
    outcome: Outcome,
    latency_ns: u64,
) {
    progress.in_flight.fetch_sub(1, Ordering::Relaxed);
    progress.answered.fetch_add(1, Ordering::Relaxed);
    if matches!(outcome, Outcome::Ok | Outcome::Degraded) {
        progress.ok.fetch_add(1, Ordering::Relaxed);
        progress.ok_latency_ns.fetch_add(latency_ns, Ordering::Relaxed);
    } else {
        progress.failed.fetch_add(1, Ordering::Relaxed);
    }
    if warm && let Some(m) = lock(measures).get_mut(index) {
        m.record(outcome, latency_ns);
    }
}

/// Resolves when `stop` turns true; never when its sender is gone.
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Drive the design's workloads against the running nodes until the
/// duration ends, the request bound is reached or `stop` turns true; then
/// wait up to `settings.drain` for the answers.
///
/// # Errors
/// None in practice (the measurement histograms' precision is a constant).
pub async fn drive(
    shared: Arc<Shared>,
    design: &Design,
    settings: &LoadSettings,
    progress: Arc<Progress>,
    mut stop: watch::Receiver<bool>,
) -> Result<Measured, engine::sim::report::histogram::HistError> {
    let measures =
        design.workloads.iter().map(|w| WorkloadMeasure::new(&w.name, &w.entry)).collect::<Result<Vec<_>, _>>()?;
    let measures = Arc::new(Mutex::new(measures));
    let scale = shared.time_scale;
    let duration_ns = (settings.duration_s * 1e9) as u64;
    let warmup_ns = (settings.warmup_s * 1e9) as u64;
    let lateness = shared.lateness;
    // The first send is at least the lateness after the start, so the early wake-up stays after it.
    let start = Instant::now() + lateness;
    let load_from_ns = shared.now_ns() + (lateness.as_nanos() as f64 / scale) as u64;
    shared.start_load(load_from_ns);
    // A later run of the same emulation measures its own window.
    shared.measure_until(u64::MAX);
    shared.measure_from(load_from_ns + warmup_ns);
    let wall = move |t_ns: u64| start + Duration::from_secs_f64(t_ns as f64 * 1e-9 * scale);

    let mut generators = JoinSet::new();
    for mut a in arrivals(design, &shared, settings.seed) {
        let shared = Arc::clone(&shared);
        let measures = Arc::clone(&measures);
        let progress = Arc::clone(&progress);
        let mut stop = stop.clone();
        let (max_requests, max_in_flight) = (settings.max_requests, settings.max_in_flight);
        generators.spawn(async move {
            let mut requests = JoinSet::new();
            let mut t_ns = 0u64;
            while let Some(next) = a.next(t_ns) {
                t_ns = next;
                if t_ns > duration_ns {
                    break;
                }
                tokio::select! {
                    // Woken early by the timer's mean lateness, so that sends are on time on average.
                    () = tokio::time::sleep_until(wall(t_ns) - lateness) => {}
                    () = stopped(&mut stop) => break,
                }
                if !a.keep(t_ns) {
                    continue;
                }
                if progress.sent.fetch_add(1, Ordering::Relaxed) >= max_requests {
                    progress.sent.fetch_sub(1, Ordering::Relaxed);
                    progress.capped.store(true, Ordering::Relaxed);
                    break;
                }
                let warm = t_ns >= warmup_ns;
                if warm && let Some(m) = lock(&measures).get_mut(a.index) {
                    m.arrived += 1;
                }
                if progress.in_flight.load(Ordering::Relaxed) >= max_in_flight {
                    progress.answered.fetch_add(1, Ordering::Relaxed);
                    if warm && let Some(m) = lock(&measures).get_mut(a.index) {
                        m.record(Outcome::Rejected(RejectCause::InFlightCap), 0);
                    }
                    continue;
                }
                progress.in_flight.fetch_add(1, Ordering::Relaxed);
                let intended = wall(t_ns);
                let (shared, measures, progress) = (Arc::clone(&shared), Arc::clone(&measures), Arc::clone(&progress));
                let (node, operation, index) = (a.node, a.operation.clone(), a.index);
                requests.spawn(async move {
                    let Some(&addr) = shared.addrs.get(node) else { return };
                    let outcome = shared.client.call(addr, operation.as_deref(), crate::trace::Hop::default()).await;
                    let latency_ns = (intended.elapsed().as_nanos() as f64 / shared.time_scale) as u64;
                    answered(&progress, &measures, (index, warm), outcome, latency_ns);
                });
                // Reap answered requests so the set stays as small as the load in flight.
                while requests.try_join_next().is_some() {}
            }
            requests
        });
    }

    // Closed-loop users, each workload's in a generator of its own.
    let clock = crate::users::Clock { start, scale, lateness, duration_ns, warmup_ns };
    for users in crate::users::of(design, &shared) {
        let bounds = crate::users::Bounds {
            seed: settings.seed,
            max_requests: settings.max_requests,
            max_in_flight: settings.max_in_flight,
        };
        let sink = crate::users::Sink {
            shared: Arc::clone(&shared),
            measures: Arc::clone(&measures),
            progress: Arc::clone(&progress),
        };
        generators.spawn(crate::users::run(users, clock, bounds, sink, stop.clone()));
    }

    // Every generator ends its arrivals (or is stopped); then the answers.
    let mut pending = Vec::new();
    let mut interrupted = false;
    loop {
        tokio::select! {
            done = generators.join_next() => match done {
                Some(Ok(requests)) => pending.push(requests),
                Some(Err(_)) => {}
                None => break,
            },
            () = stopped(&mut stop), if !interrupted => interrupted = true,
        }
    }
    // The generators end as soon as they see the stop too, and the loop may
    // see them end before it sees the stop itself.
    interrupted |= *stop.borrow();
    let ran_ns = if interrupted { (start.elapsed().as_nanos() as f64 / scale) as u64 } else { duration_ns };
    // What begins while the answers are awaited is past the run's end.
    shared.measure_until(load_from_ns + ran_ns.min(duration_ns));
    let deadline =
        Instant::now() + if interrupted { settings.drain.min(Duration::from_secs(1)) } else { settings.drain };
    for mut requests in pending {
        while !requests.is_empty() {
            tokio::select! {
                _ = requests.join_next() => {}
                () = tokio::time::sleep_until(deadline) => {
                    requests.abort_all();
                    while requests.join_next().await.is_some() {}
                }
            }
        }
    }
    shared.close_measures();
    let ran_s = ran_ns.min(duration_ns) as f64 / 1e9;
    let (nodes, edges) = crate::parts::sections(&shared, design, (ran_s - settings.warmup_s).max(0.0));
    let brokers = crate::broker::sections(&shared, load_from_ns + warmup_ns, load_from_ns + ran_ns.min(duration_ns));
    let mut workloads = std::mem::take(&mut *lock(&measures));
    for w in &mut workloads {
        // Whatever was sent and not answered is still in flight.
        w.outcomes.in_flight = w.arrived.saturating_sub(w.finished());
    }
    let discovery = shared.discovery_sections((ran_s - settings.warmup_s).max(0.0));
    Ok(Measured {
        workloads,
        nodes,
        edges,
        brokers,
        discovery,
        node_work: crate::parts::node_work(&shared, design),
        ran_s,
        warmup_s: settings.warmup_s,
        interrupted,
        capped: progress.capped.load(Ordering::Relaxed),
        sent: progress.sent.load(Ordering::Relaxed),
    })
}
