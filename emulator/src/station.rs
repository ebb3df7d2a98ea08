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

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use engine::model::LoadBalancer;
use engine::sampling::Stream;
use tokio::sync::oneshot;

/// One replica's state.
#[derive(Debug, Default)]
struct Replica {
    /// Workers serving (or held by) a request.
    busy: u32,
    /// Requests queued or holding a worker (the load balancer's load figure).
    active: u32,
    /// Requests waiting for a worker, oldest first.
    queue: VecDeque<oneshot::Sender<()>>,
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
}

/// Why a request was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueFull;

/// A worker held by a request; dropping it frees the worker for the next
/// queued request of its replica.
#[derive(Debug)]
pub struct Worker {
    station: Arc<Station>,
    replica: usize,
}

/// A request's presence on a replica (queued or served); dropping it lowers
/// the replica's load as the load balancer sees it.
#[derive(Debug)]
pub struct Presence {
    station: Arc<Station>,
    replica: usize,
    /// Requests queued over every replica right after this one joined a
    /// queue (0 when it was served at once).
    pub queue_seen: u64,
}

/// A queued request's wait; when it is abandoned after the worker was
/// handed to it, the worker is passed on.
struct Waiting {
    rx: oneshot::Receiver<()>,
    station: Arc<Station>,
    replica: usize,
    done: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        self.rx.close();
        if self.rx.try_recv().is_ok() {
            // The worker arrived as the wait was abandoned: pass it on.
            self.station.free_worker(self.replica);
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
    /// random choices.
    #[must_use]
    pub fn new(
        replicas: u32,
        workers: u32,
        queue_capacity: Option<u32>,
        load_balancer: LoadBalancer,
        rng: Stream,
    ) -> Arc<Self> {
        Arc::new(Self {
            replicas: (0..replicas.max(1)).map(|_| Mutex::new(Replica::default())).collect(),
            workers: workers.max(1),
            queue_capacity,
            load_balancer,
            pick: Mutex::new((0, rng)),
        })
    }

    /// Admit a request: a replica by the load balancer, then a worker at
    /// once, or after waiting in the replica's queue.
    ///
    /// # Errors
    /// [`QueueFull`] when every worker of the chosen replica is busy and its
    /// queue is at capacity.
    pub async fn admit(self: &Arc<Self>) -> Result<(Presence, Worker), QueueFull> {
        let r = self.pick_replica();
        let Some(slot) = self.replicas.get(r) else { return Err(QueueFull) };
        let rx = {
            let mut rep = lock(slot);
            if rep.busy < self.workers {
                rep.busy += 1;
                rep.active += 1;
                drop(rep);
                return Ok((self.presence(r, 0), Worker { station: Arc::clone(self), replica: r }));
            }
            if self.queue_capacity.is_some_and(|cap| rep.queue.len() as u64 >= u64::from(cap)) {
                return Err(QueueFull);
            }
            let (tx, rx) = oneshot::channel();
            rep.queue.push_back(tx);
            rep.active += 1;
            rx
        };
        let presence = self.presence(r, self.queued());
        let mut waiting = Waiting { rx, station: Arc::clone(self), replica: r, done: false };
        // The sender is only dropped unsent when the station itself goes
        // away (shutdown): the request then holds no worker at all.
        let handed = (&mut waiting.rx).await.is_ok();
        waiting.done = true;
        if handed { Ok((presence, Worker { station: Arc::clone(self), replica: r })) } else { Err(QueueFull) }
    }

    fn presence(self: &Arc<Self>, replica: usize, queue_seen: u64) -> Presence {
        Presence { station: Arc::clone(self), replica, queue_seen }
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

    /// Replica `r`'s worker is free: the oldest waiting request takes it, or
    /// it becomes idle.
    fn free_worker(&self, r: usize) {
        let Some(slot) = self.replicas.get(r) else { return };
        let mut rep = lock(slot);
        while let Some(tx) = rep.queue.pop_front() {
            if tx.send(()).is_ok() {
                return;
            }
            // That request went away while it waited: the next one.
        }
        rep.busy = rep.busy.saturating_sub(1);
    }

    /// The load balancer's choice, as the simulator's `pick_replica`.
    fn pick_replica(&self) -> usize {
        let n = self.replicas.len();
        if n <= 1 {
            return 0;
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
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.station.free_worker(self.replica);
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        if let Some(slot) = self.station.replicas.get(self.replica) {
            let mut rep = lock(slot);
            rep.active = rep.active.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station(replicas: u32, workers: u32, cap: Option<u32>) -> Arc<Station> {
        Station::new(replicas, workers, cap, LoadBalancer::RoundRobin, Stream::from_seed(1))
    }

    #[tokio::test]
    async fn full_queue_rejects_and_a_freed_worker_goes_to_the_oldest() {
        let s = station(1, 1, Some(1));
        let first = s.admit().await;
        assert!(first.is_ok());
        let s2 = Arc::clone(&s);
        let waiting = tokio::spawn(async move { s2.admit().await.is_ok() });
        // Let the second request reach the queue.
        while s.queued() == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(s.admit().await.err(), Some(QueueFull));
        drop(first);
        assert_eq!(waiting.await.ok(), Some(true));
        assert_eq!((s.busy(), s.active(), s.queued()), (0, 0, 0));
    }

    #[tokio::test]
    async fn an_abandoned_wait_leaks_nothing() {
        let s = station(1, 1, None);
        let held = s.admit().await;
        let s2 = Arc::clone(&s);
        let waiter = tokio::spawn(async move { s2.admit().await.is_ok() });
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
        let picks: Vec<usize> = (0..6).map(|_| s.pick_replica()).collect();
        assert_eq!(picks, vec![0, 1, 2, 0, 1, 2]);
    }
}
