//! A node's station with wall-clock waiting: replicas, each with its workers
//! and one bounded FIFO queue, and the load balancer over them.
//!
//! The rules are the simulator's (`engine/src/sim/flow/station.rs`): a
//! request is placed on a replica by the load balancer; it is served at once
//! if a worker is free, queued if the queue has room, and rejected otherwise;
//! a freed worker goes to the replica's oldest waiting request. Waiting is a
//! oneshot channel per queued request, so handing a worker over is one send.
//! Both the worker and the request's presence on its replica are guards:
//! dropping them (the request ends, or its connection goes away) gives them
//! back, so no count leaks on any path.
//!
//! A replica can be down (an outage): a request the load balancer sends
//! there is refused (connection refused), and at the crash its queued
//! requests fail at once while those it serves fail when their work would
//! have ended, their workers freed at the crash (the simulator's
//! `crash_replica`). With outlier ejection the load balancer skips the
//! replicas ejected by the engine's [`OutlierDetector`] (all of them when
//! every one is), choosing with the engine's [`lb_choose`] as the simulator's
//! dynamic routing does; ejected replicas come back at the detector's sweeps,
//! every `interval` from the load's start.
//!
//! With service discovery the caller chooses among the listed replicas
//! ([`Station::choose_among`]) and admits the request to that one
//! ([`Station::admit_to`]): a crashed but listed replica refuses it.
//!
//! With autoscaling the station has the autoscaler's replica slots, each
//! off, starting, serving or draining ([`Life`]); the load balancer chooses
//! among the serving ones, a draining one finishes its requests and is then
//! off. [`ScaleLive`] integrates busy and serving worker time for the
//! engine's [`Autoscaler`], which [`Station::autoscale`] asks at each
//! evaluation ([`crate::autoscale`] runs the timers).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use engine::model::{LoadBalancer, Outcome};
use engine::policy::{Autoscaler, HostHealth, Life, OutlierDetector, Scale, autoscale_plan, lb_choose};
use engine::sampling::Stream;
use tokio::sync::oneshot;

use crate::autoscale::{Clock, ScaleLive};

/// One replica's state.
#[derive(Debug, Default)]
struct Replica {
    /// Workers serving (or held by) a request.
    busy: u32,
    /// Requests queued or holding a worker (the load balancer's load figure).
    active: u32,
    /// Requests waiting for a worker, oldest first: sent `true` with a
    /// worker, `false` when the replica crashes.
    queue: VecDeque<oneshot::Sender<bool>>,
    /// Down (an outage).
    down: bool,
    /// Crashes so far: workers and presences of an earlier epoch died with it.
    epoch: u32,
    /// Where it is in its life (always serving without autoscaling).
    life: Life,
    /// Starts so far: a cold start's end of an earlier start is ignored.
    starts: u32,
}

/// A node's replicas and load balancer.
#[derive(Debug)]
pub struct Station {
    replicas: Vec<Mutex<Replica>>,
    workers: u32,
    queue_capacity: Option<u32>,
    load_balancer: LoadBalancer,
    /// Round-robin position, and the load balancer's random stream.
    pick: Mutex<(u32, Stream)>,
    /// Outlier ejection: the rule, and each replica's health.
    outlier: Option<(OutlierDetector, Mutex<Vec<HostHealth>>)>,
    /// Each ejection's start and the sweep that ends it, ns after the load's start.
    ejections: Mutex<Vec<(u64, u64)>>,
    /// Autoscaling: the rule, and the worker time it measures.
    scaler: Option<Mutex<ScaleLive>>,
}

/// Why a request was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every worker of the chosen replica is busy and its queue is full.
    QueueFull,
    /// The chosen replica is down, or crashed while the request waited in
    /// its queue (connection refused).
    Down(usize),
}

/// A worker held by a request; dropping it frees the worker for the next
/// queued request of its replica.
#[derive(Debug)]
pub struct Worker {
    station: Arc<Station>,
    replica: usize,
    epoch: u32,
}

/// A request's presence on a replica (queued or served); dropping it lowers
/// the replica's load as the load balancer sees it.
#[derive(Debug)]
pub struct Presence {
    station: Arc<Station>,
    replica: usize,
    epoch: u32,
    /// Requests queued over every replica right after this one joined a
    /// queue (0 when it was served at once).
    pub queue_seen: u64,
}

/// A queued request's wait; when it is abandoned after the worker was
/// handed to it, the worker is passed on.
struct Waiting {
    rx: oneshot::Receiver<bool>,
    station: Arc<Station>,
    replica: usize,
    epoch: u32,
    done: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        self.rx.close();
        if self.rx.try_recv() == Ok(true) {
            // The worker arrived as the wait was abandoned: pass it on.
            self.station.free_worker(self.replica, self.epoch);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a replica's lock leaves plain counters behind,
    // still meaningful: keep going rather than fail every later request.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Station {
    /// A station of `replicas` × `workers` with per-replica queues of
    /// `queue_capacity` (`None`: unbounded); `rng` draws the load balancer's
    /// random choices; `outlier` ejects failing replicas; `autoscaler` (with
    /// the modelled clock it measures on) gives it the autoscaler's slots,
    /// the first [`Autoscaler::initial`] of them serving.
    #[must_use]
    pub fn new(
        replicas: u32,
        workers: u32,
        queue_capacity: Option<u32>,
        load_balancer: LoadBalancer,
        rng: Stream,
        outlier: Option<OutlierDetector>,
        autoscaler: Option<(Autoscaler, Clock)>,
    ) -> Arc<Self> {
        let replicas = replicas.max(1);
        let workers = workers.max(1);
        let (n, initial) =
            autoscaler.as_ref().map_or((replicas, replicas), |(a, _)| (a.slots(replicas), a.initial(replicas)));
        let life = |o: u32| if o < initial { Life::Serving } else { Life::Off };
        Arc::new(Self {
            replicas: (0..n).map(|o| Mutex::new(Replica { life: life(o), ..Replica::default() })).collect(),
            workers,
            queue_capacity,
            load_balancer,
            pick: Mutex::new((0, rng)),
            outlier: outlier.map(|o| (o, Mutex::new(vec![HostHealth::default(); n as usize]))),
            ejections: Mutex::new(Vec::new()),
            scaler: autoscaler.map(|(rule, clock)| Mutex::new(ScaleLive::new(rule, clock, workers, initial))),
        })
    }

    /// Admit a request `run_ns` after the load's start (the outlier
    /// detector's clock): a replica by the load balancer, then a worker at
    /// once, or after waiting in the replica's queue.
    ///
    /// # Errors
    /// [`Refused::QueueFull`] when every worker of the chosen replica is busy
    /// and its queue is at capacity; [`Refused::Down`] when the replica is
    /// down or crashes while the request waits.
    pub async fn admit(self: &Arc<Self>, run_ns: u64) -> Result<(Presence, Worker), Refused> {
        self.admit_to(run_ns, None).await
    }

    /// [`Station::admit`] to replica `to` when the caller chose one (service
    /// discovery), else to the load balancer's choice.
    ///
    /// # Errors
    /// As [`Station::admit`].
    pub async fn admit_to(self: &Arc<Self>, run_ns: u64, to: Option<usize>) -> Result<(Presence, Worker), Refused> {
        let r = match to {
            Some(r) => r,
            None => self.pick_replica(run_ns),
        };
        let Some(slot) = self.replicas.get(r) else { return Err(Refused::QueueFull) };
        let (rx, epoch) = {
            let mut rep = lock(slot);
            if rep.down {
                return Err(Refused::Down(r));
            }
            let epoch = rep.epoch;
            if rep.busy < self.workers {
                rep.busy += 1;
                rep.active += 1;
                drop(rep);
                self.busy_changed(1);
                return Ok((self.presence(r, epoch, 0), Worker { station: Arc::clone(self), replica: r, epoch }));
            }
            if self.queue_capacity.is_some_and(|cap| rep.queue.len() as u64 >= u64::from(cap)) {
                return Err(Refused::QueueFull);
            }
            let (tx, rx) = oneshot::channel();
            rep.queue.push_back(tx);
            rep.active += 1;
            (rx, epoch)
        };
        let presence = self.presence(r, epoch, self.queued());
        let mut waiting = Waiting { rx, station: Arc::clone(self), replica: r, epoch, done: false };
        // The sender is only dropped unsent when the station itself goes
        // away (shutdown): the request then holds no worker at all.
        let handed = (&mut waiting.rx).await;
        waiting.done = true;
        match handed {
            Ok(true) => Ok((presence, Worker { station: Arc::clone(self), replica: r, epoch })),
            Ok(false) => Err(Refused::Down(r)),
            Err(_) => Err(Refused::QueueFull),
        }
    }

    fn presence(self: &Arc<Self>, replica: usize, epoch: u32, queue_seen: u64) -> Presence {
        Presence { station: Arc::clone(self), replica, epoch, queue_seen }
    }

    /// Whether replica `r` is down.
    #[must_use]
    pub fn is_down(&self, r: usize) -> bool {
        self.replicas.get(r).is_some_and(|x| lock(x).down)
    }

    /// The load balancer's choice among `listed` replicas (ascending
    /// offsets), those ejected avoided while others remain, with rotation
    /// `rr` (the caller's, or the station's own when `None`) and the
    /// station's random stream, as the simulator's `pick_listed` and
    /// `send_listed`; `None` when none is listed.
    pub fn choose_among(&self, listed: &[u32], rr: Option<&mut u32>, run_ns: u64) -> Option<usize> {
        if listed.is_empty() {
            return None;
        }
        let mut eligible: Vec<u32> = listed.to_vec();
        if let Some((rule, health)) = &self.outlier {
            let mut health = lock(health);
            let swept_ns = run_ns / rule.interval_ns * rule.interval_ns;
            for h in health.iter_mut() {
                h.readmit(swept_ns);
            }
            let healthy: Vec<u32> =
                listed.iter().copied().filter(|&o| health.get(o as usize).is_some_and(|h| !h.is_ejected())).collect();
            if !healthy.is_empty() {
                eligible = healthy;
            }
        }
        let mut pick = lock(&self.pick);
        let (own_rr, rng) = &mut *pick;
        let rr = rr.unwrap_or(own_rr);
        let active = |o: u32| self.replicas.get(o as usize).map_or(u32::MAX, |r| lock(r).active);
        Some(lb_choose(self.load_balancer, &eligible, rr, rng, active) as usize)
    }

    /// Replicas behind the load balancer.
    #[must_use]
    pub fn replicas(&self) -> usize {
        self.replicas.len()
    }

    /// Replica `r` goes down (`down`) or comes back up. Going down is a
    /// crash: its queued requests fail now, its workers are freed, and the
    /// requests it was serving fail when they next look ([`Presence::crashed`]).
    /// Returns whether the replica changed state.
    pub fn set_down(&self, r: usize, down: bool) -> bool {
        let Some(slot) = self.replicas.get(r) else { return false };
        let mut rep = lock(slot);
        let changed = rep.down != down;
        let mut freed = 0;
        if down && !rep.down {
            rep.epoch = rep.epoch.wrapping_add(1);
            freed = std::mem::take(&mut rep.busy);
            for tx in rep.queue.drain(..) {
                // A request that went away meanwhile needs no answer.
                let _ = tx.send(false);
            }
        }
        rep.down = down;
        drop(rep);
        self.busy_changed(-i64::from(freed));
        changed
    }

    /// Outlier detection sees replica `r`'s answer `outcome`, `run_ns` after
    /// the load's start: errors in a row eject it, as the simulator's
    /// `outlier_note` decides.
    pub fn note(&self, r: usize, outcome: Outcome, run_ns: u64) {
        let Some((rule, health)) = &self.outlier else { return };
        // The share ejected is of the replicas serving (all, without autoscaling).
        let serving = self.serving();
        let mut health = lock(health);
        let Some(h) = health.get_mut(r) else { return };
        let due = match outcome {
            Outcome::Error => h.on_error(rule),
            Outcome::Ok | Outcome::Degraded => {
                h.on_success();
                false
            }
            _ => return,
        };
        let ejected = health.iter().filter(|h| h.is_ejected()).count();
        if due
            && rule.may_eject(serving, ejected)
            && let Some(h) = health.get_mut(r)
        {
            h.eject(run_ns, rule);
            // It is back at the first sweep (every interval from the start) past its time.
            let back_ns = h.next_deadline_ns().map_or(run_ns, |d| d.div_ceil(rule.interval_ns) * rule.interval_ns);
            let mut log = lock(&self.ejections);
            if log.len() < 100_000 {
                log.push((run_ns, back_ns));
            }
        }
    }

    /// Every ejection so far: its start and the sweep that ends it, ns after the load's start.
    #[must_use]
    pub fn ejections(&self) -> Vec<(u64, u64)> {
        lock(&self.ejections).clone()
    }

    /// Replicas ejected now.
    #[must_use]
    pub fn ejected(&self) -> usize {
        self.outlier.as_ref().map_or(0, |(_, health)| lock(health).iter().filter(|h| h.is_ejected()).count())
    }

    /// Requests waiting in every replica's queue.
    #[must_use]
    pub fn queued(&self) -> u64 {
        self.replicas.iter().map(|r| lock(r).queue.len() as u64).sum()
    }

    /// Requests queued or served over every replica.
    #[must_use]
    pub fn active(&self) -> u64 {
        self.replicas.iter().map(|r| u64::from(lock(r).active)).sum()
    }

    /// Workers busy over every replica.
    #[must_use]
    pub fn busy(&self) -> u64 {
        self.replicas.iter().map(|r| u64::from(lock(r).busy)).sum()
    }

    /// Replica `r`'s worker, taken in `epoch`, is free: the oldest waiting
    /// request takes it, or it becomes idle (a crash since freed it already).
    fn free_worker(&self, r: usize, epoch: u32) {
        let Some(slot) = self.replicas.get(r) else { return };
        let mut rep = lock(slot);
        if rep.epoch != epoch {
            return;
        }
        while let Some(tx) = rep.queue.pop_front() {
            if tx.send(true).is_ok() {
                return;
            }
            // That request went away while it waited: the next one.
        }
        if rep.busy > 0 {
            rep.busy -= 1;
            drop(rep);
            self.busy_changed(-1);
        }
    }

    /// The load balancer's choice, as the simulator's `pick_replica` (its
    /// `pick_replica_dynamic` with outlier ejection).
    fn pick_replica(&self, run_ns: u64) -> usize {
        let n = self.replicas.len();
        if n <= 1 {
            return 0;
        }
        if self.outlier.is_some() || self.scaler.is_some() {
            return self.pick_dynamic(run_ns);
        }
        let mut pick = lock(&self.pick);
        let (rr, rng) = &mut *pick;
        match self.load_balancer {
            LoadBalancer::RoundRobin => {
                let o = *rr as usize % n;
                *rr = ((o + 1) % n) as u32;
                o
            }
            LoadBalancer::Random => rng.index(n),
            LoadBalancer::LeastOutstanding => {
                // Start the scan at a rotating replica so ties are spread.
                let start = *rr as usize % n;
                *rr = ((start + 1) % n) as u32;
                drop(pick);
                let mut best = start;
                let mut best_active = u32::MAX;
                for k in 0..n {
                    let o = (start + k) % n;
                    let a = self.replicas.get(o).map_or(u32::MAX, |r| lock(r).active);
                    if a < best_active {
                        best_active = a;
                        best = o;
                    }
                }
                best
            }
            LoadBalancer::PowerOfTwo => {
                let a = rng.index(n);
                let b = rng.index(n);
                drop(pick);
                let load = |i: usize| self.replicas.get(i).map_or(u32::MAX, |r| lock(r).active);
                if load(b) < load(a) { b } else { a }
            }
        }
    }

    /// The load balancer over the replicas serving and not ejected (all
    /// those serving when every one is: Envoy's panic routing), after the
    /// sweeps due by `run_ns` brought back the replicas whose ejection is
    /// over, as the simulator's `pick_replica_dynamic`.
    fn pick_dynamic(&self, run_ns: u64) -> usize {
        let serving: Vec<u32> =
            (0..self.replicas.len()).filter(|&o| self.life(o) == Life::Serving).map(|o| o as u32).collect();
        let eligible: Vec<u32> = match &self.outlier {
            Some((rule, health)) => {
                let mut health = lock(health);
                // The simulator sweeps every interval from the start; the last
                // sweep due is the one that counts.
                let swept_ns = run_ns / rule.interval_ns * rule.interval_ns;
                for h in health.iter_mut() {
                    h.readmit(swept_ns);
                }
                let healthy =
                    serving.iter().copied().filter(|&o| health.get(o as usize).is_some_and(|h| !h.is_ejected()));
                let healthy: Vec<u32> = healthy.collect();
                if healthy.is_empty() { serving } else { healthy }
            }
            None => serving,
        };
        let mut pick = lock(&self.pick);
        let (rr, rng) = &mut *pick;
        let active = |o: u32| self.replicas.get(o as usize).map_or(u32::MAX, |r| lock(r).active);
        lb_choose(self.load_balancer, &eligible, rr, rng, active) as usize
    }
}

impl Station {
    /// Replica `r`'s life.
    fn life(&self, r: usize) -> Life {
        self.replicas.get(r).map_or(Life::Off, |x| lock(x).life)
    }

    /// Replicas serving now.
    #[must_use]
    pub fn serving(&self) -> usize {
        (0..self.replicas.len()).filter(|&o| self.life(o) == Life::Serving).count()
    }

    /// The autoscaler, when the node has one.
    #[must_use]
    pub fn autoscaler(&self) -> Option<Autoscaler> {
        self.scaler.as_ref().map(|s| lock(s).rule)
    }

    /// Every change of the replicas serving so far: from when (modelled ns
    /// on the station's clock), how many (empty without autoscaling).
    #[must_use]
    pub fn serving_log(&self) -> Vec<(u64, u32)> {
        self.scaler.as_ref().map(|s| lock(s).log().to_vec()).unwrap_or_default()
    }

    /// Workers held changed by `delta`: the autoscaler's busy time follows.
    fn busy_changed(&self, delta: i64) {
        if delta != 0
            && let Some(s) = &self.scaler
        {
            lock(s).busy_changed(delta);
        }
    }

    /// A new load: the first [`Autoscaler::initial`] slots serve, the rest
    /// are off, and the autoscaler measures from now.
    pub fn reset_scaling(&self) {
        let Some(s) = &self.scaler else { return };
        let mut s = lock(s);
        let initial = s.initial() as usize;
        for (o, slot) in self.replicas.iter().enumerate() {
            let mut rep = lock(slot);
            rep.starts = rep.starts.wrapping_add(1);
            rep.life = if o < initial { Life::Serving } else { Life::Off };
        }
        s.reset();
    }

    /// The autoscaler's evaluation at `run_ns` after the load's start: it
    /// measures the busy and serving worker time since the last one and
    /// starts, stops, drains or brings back replicas as the engine's
    /// [`autoscale_plan`] says. Returns the replicas that started with a
    /// cold start, each with its start's number, for [`Station::ready`].
    pub fn autoscale(&self, run_ns: u64) -> Vec<(usize, u32)> {
        let Some(s) = &self.scaler else { return Vec::new() };
        // Lock order: the scaler, then replicas (never the other way).
        let mut s = lock(s);
        let lives: Vec<Life> = self.replicas.iter().map(|r| lock(r).life).collect();
        let ready = lives.iter().filter(|l| **l == Life::Serving).count() as u32;
        let Some(target) = s.evaluate(run_ns, ready) else { return Vec::new() };
        let cold_ns = s.rule.cold_ns;
        let mut started = Vec::new();
        for change in autoscale_plan(&lives, target) {
            let (Scale::Revive(o) | Scale::Start(o) | Scale::Cancel(o) | Scale::Stop(o)) = change;
            let Some(slot) = self.replicas.get(o) else { continue };
            let mut rep = lock(slot);
            match change {
                Scale::Revive(_) => {
                    rep.life = Life::Serving;
                    s.serving_changed(1);
                }
                Scale::Start(_) if cold_ns == 0 => {
                    rep.starts = rep.starts.wrapping_add(1);
                    rep.life = Life::Serving;
                    s.serving_changed(1);
                }
                Scale::Start(_) => {
                    rep.starts = rep.starts.wrapping_add(1);
                    rep.life = Life::Starting;
                    started.push((o, rep.starts));
                }
                Scale::Cancel(_) => rep.life = Life::Off,
                Scale::Stop(_) => {
                    rep.life = if rep.active == 0 { Life::Off } else { Life::Draining };
                    s.serving_changed(-1);
                }
            }
        }
        started
    }

    /// Replica `r`'s cold start (its start number `start`) is over: it
    /// serves, unless it was stopped or started again meanwhile.
    pub fn ready(&self, r: usize, start: u32) {
        let (Some(s), Some(slot)) = (&self.scaler, self.replicas.get(r)) else { return };
        let mut s = lock(s);
        let mut rep = lock(slot);
        if rep.life == Life::Starting && rep.starts == start {
            rep.life = Life::Serving;
            s.serving_changed(1);
        }
    }
}

impl Presence {
    /// The replica the request is on.
    #[must_use]
    pub fn replica(&self) -> usize {
        self.replica
    }

    /// Whether the replica crashed since the request joined it.
    #[must_use]
    pub fn crashed(&self) -> bool {
        self.station.replicas.get(self.replica).is_some_and(|r| lock(r).epoch != self.epoch)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.station.free_worker(self.replica, self.epoch);
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        if let Some(slot) = self.station.replicas.get(self.replica) {
            let mut rep = lock(slot);
            rep.active = rep.active.saturating_sub(1);
            if rep.active == 0 && rep.life == Life::Draining {
                // Scaled down and its work done: it stops.
                rep.life = Life::Off;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station(replicas: u32, workers: u32, cap: Option<u32>) -> Arc<Station> {
        Station::new(replicas, workers, cap, LoadBalancer::RoundRobin, Stream::from_seed(1), None, None)
    }

    #[tokio::test]
    async fn full_queue_rejects_and_a_freed_worker_goes_to_the_oldest() {
        let s = station(1, 1, Some(1));
        let first = s.admit(0).await;
        assert!(first.is_ok());
        let s2 = Arc::clone(&s);
        let waiting = tokio::spawn(async move { s2.admit(0).await.is_ok() });
        // Let the second request reach the queue.
        while s.queued() == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(s.admit(0).await.err(), Some(Refused::QueueFull));
        drop(first);
        assert_eq!(waiting.await.ok(), Some(true));
        assert_eq!((s.busy(), s.active(), s.queued()), (0, 0, 0));
    }

    #[tokio::test]
    async fn an_abandoned_wait_leaks_nothing() {
        let s = station(1, 1, None);
        let held = s.admit(0).await;
        let s2 = Arc::clone(&s);
        let waiter = tokio::spawn(async move { s2.admit(0).await.is_ok() });
        while s.queued() == 0 {
            tokio::task::yield_now().await;
        }
        waiter.abort();
        let _ = waiter.await;
        drop(held);
        assert_eq!((s.busy(), s.active(), s.queued()), (0, 0, 0));
    }

    #[test]
    fn round_robin_takes_each_replica_in_turn() {
        let s = station(3, 1, None);
        let picks: Vec<usize> = (0..6).map(|_| s.pick_replica(0)).collect();
        assert_eq!(picks, vec![0, 1, 2, 0, 1, 2]);
    }
}
