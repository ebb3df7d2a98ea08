//! A broker node as the simulator models it (`engine/src/sim/flow/broker.rs`):
//! a publish is an HTTP POST from the publisher to the broker's port (the
//! event edge's network latency slept once, on the way there); the broker
//! serves it like any visit (its queue, workers, service time and error
//! draw), then stores it in memory: in queue mode in one backlog every
//! subscription competes for, in topic mode one copy per subscription, each
//! backlog holding at most the design's capacity. A full backlog drops the
//! copy, and a publisher that blocks waits (without the broker's worker)
//! until a delivery makes room. Each subscription keeps up to its consumer
//! concurrency of deliveries in flight; a delivery is an HTTP POST to the
//! consumer's port after the subscription edge's latency, measured as a
//! visit of the consumer there. A failed delivery goes back to the head of
//! its backlog after the redelivery delay, and after `max_deliveries` tries
//! to the dead letters. The decisions (layout, room, which subscription,
//! what becomes of a delivered message) are the engine's
//! (`engine::policy::{backlog_layout, has_room, next_subscription,
//! delivery_fate}`), which the simulator asks too.
//!
//! Faults on the event and subscription edges act as on a call edge's way
//! there ([`crate::edge_faults`]): an error burst or a fail-fast partition
//! fails the publish or the delivery before it leaves, a latency fault
//! stretches it, a hanging partition swallows it.
//!
//! A broker outage of the fault schedule counts from the start of the load
//! in modelled time, as the other faults ([`crate::faults`]): while it lasts
//! publishes fail at once, a publish inside the broker when it begins fails
//! when its service ends (its replica crashed), deliveries pause, and an
//! outage that loses messages empties every backlog as it begins.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use engine::model::{BrokerMode, Outcome, RejectCause, WhenFull};
use engine::policy::{DeliveryFate, Gate, backlog_layout, delivery_fate, has_room, next_subscription};
use engine::sampling::Stream;
use tokio::sync::{Notify, oneshot};

use crate::broker_measure::BrokerCounts;
pub use crate::broker_spec::{BrokerSpec, Outage, SubSpec};
use crate::error::EmulateError;
use crate::node::Shared;
use crate::parts::Visit;
use crate::trace::Hop;

/// Most messages one broker holds at once (every backlog and delivery):
/// past it a copy is dropped, so memory stays bounded whatever the design.
pub const MAX_MESSAGES: usize = 1_000_000;

tokio::task_local! {
    /// Whether the publish being handled waits for room when the broker is
    /// full (its event edge's `when_full: block`), set by the server from
    /// the publisher's [`WHEN_FULL_HEADER`].
    pub static BLOCKS: bool;
    /// When the publish being handled left its publisher, UNIX ns (the
    /// publisher's [`SENT_HEADER`]), `None` for a request without it.
    pub static SENT_UNIX_NS: Option<u64>;
}

/// Header with the wall-clock instant (UNIX ns) a publish left its
/// publisher, before the event edge's latency: a message's
/// publish-to-consume delay counts from there, as the simulator counts it
/// from the publisher's call (the edge's latency and the broker's own
/// queue and service included). Wall clocks agree on one machine; across
/// machines they must be synchronised, as the fault schedule needs too.
pub const SENT_HEADER: &str = "x-switchboard-sent-unix-ns";

/// Header with a publish's `when_full` (`block`, `error`, `drop`).
pub const WHEN_FULL_HEADER: &str = "x-switchboard-when-full";

/// The header value of `when_full`.
#[must_use]
pub fn when_full_name(w: WhenFull) -> &'static str {
    match w {
        WhenFull::Drop => "drop",
        WhenFull::Error => "error",
        WhenFull::Block => "block",
    }
}

/// A stored message (one copy, in topic mode).
#[derive(Clone, Copy, Debug)]
struct Message {
    /// When the publisher sent it, modelled ns since the epoch.
    published_ns: u64,
    /// When its current delivery was dispatched.
    dispatched_ns: u64,
    /// Its backlog.
    backlog: usize,
    /// Deliveries so far.
    deliveries: u32,
    /// Stored after the warm-up: counted.
    warm: bool,
}

/// One backlog and the subscriptions (indices into [`BrokerSpec::subs`]) pulling from it.
#[derive(Debug, Default)]
struct Backlog {
    queue: VecDeque<Message>,
    subs: Vec<usize>,
    rr: usize,
    /// Publishers waiting for room, longest-waiting first.
    blocked: VecDeque<oneshot::Sender<()>>,
}

/// A broker's live state, behind its lock.
#[derive(Debug)]
struct Book {
    backlogs: Vec<Backlog>,
    /// Deliveries in flight, per subscription.
    in_flight: Vec<u32>,
    /// Messages held (stored or being delivered).
    live: usize,
    /// Outages whose loss has been applied (by index).
    lost_applied: Vec<bool>,
    counts: BrokerCounts,
}

/// What [`BrokerState::try_store`] did with a publish.
enum Stored {
    /// Stored in at least one backlog (or a topic nobody subscribes to).
    Yes,
    /// Every copy dropped: the backlogs are full.
    Full,
    /// Parked until room is made; the receiver fires then.
    Wait(oneshot::Receiver<()>),
}

/// One broker's running state.
#[derive(Debug)]
pub struct BrokerState {
    spec: BrokerSpec,
    book: Mutex<Book>,
    /// Wakes the dispatcher: a message stored, a delivery ended.
    wake: Notify,
    /// Per subscription, its latency stream.
    latency_rng: Vec<Mutex<Stream>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl BrokerState {
    /// The state of a broker run as `spec`, random streams keyed by `seed`.
    ///
    /// # Errors
    /// None in practice: the delay histogram's precision is a constant.
    pub fn new(spec: &BrokerSpec, seed: u64) -> Result<Self, EmulateError> {
        let sub_ids: Vec<usize> = (0..spec.subs.len()).collect();
        let backlogs = backlog_layout(spec.mode, &sub_ids)
            .into_iter()
            .map(|subs| Backlog { subs, ..Backlog::default() })
            .collect();
        let counts = BrokerCounts::new().map_err(|e| EmulateError::Settings(e.to_string()))?;
        Ok(Self {
            book: Mutex::new(Book {
                backlogs,
                in_flight: vec![0; spec.subs.len()],
                live: 0,
                lost_applied: vec![false; spec.outages.len()],
                counts,
            }),
            wake: Notify::new(),
            latency_rng: spec.subs.iter().map(|s| Mutex::new(Stream::keyed(seed, 0, &s.edge, "latency"))).collect(),
            spec: spec.clone(),
        })
    }

    /// A new load's start: its outages lose the backlog again when they
    /// begin (the schedule counts from the new start).
    pub fn restart_schedule(&self) {
        lock(&self.book).lost_applied.fill(false);
    }

    /// Its settings.
    #[must_use]
    pub fn spec(&self) -> &BrokerSpec {
        &self.spec
    }

    /// Whether an outage is on now.
    #[must_use]
    pub fn down(&self, shared: &Shared) -> bool {
        self.spec.down_at(shared.since_load_ns())
    }

    /// How many outages have begun by now (a publish that sees this number
    /// grow while inside the broker was on a crashed replica).
    #[must_use]
    pub fn outages_begun(&self, shared: &Shared) -> usize {
        self.spec.outages_begun(shared.since_load_ns())
    }

    /// Store a served publish that arrived when `begun_before` outages had
    /// begun; a publisher that `blocks` waits for room. The publish's outcome.
    pub async fn deposit(&self, shared: &Shared, begun_before: usize, blocks: bool) -> Outcome {
        if self.outages_begun(shared) > begun_before {
            // An outage began while it was inside: its replica crashed.
            return Outcome::Error;
        }
        let mut parked = false;
        loop {
            match self.try_store(shared, blocks, parked) {
                Stored::Yes => return Outcome::Ok,
                Stored::Full => return Outcome::Rejected(RejectCause::QueueFull),
                Stored::Wait(rx) => {
                    parked = true;
                    // A sender dropped without a send (cannot happen while the
                    // broker lives) would leave it waiting: try again anyway.
                    let _ = rx.await;
                }
            }
        }
    }

    /// One try at storing a publish (`again`: after waiting for room, so a
    /// new wait keeps its place at the head and is not counted twice).
    fn try_store(&self, shared: &Shared, blocks: bool, again: bool) -> Stored {
        let now_ns = shared.now_ns();
        let warm = shared.warm(now_ns);
        let mut book = lock(&self.book);
        self.catch_up(&mut book, shared, now_ns);
        let cap = self.spec.capacity;
        if blocks && let Some(full) = book.backlogs.iter().position(|b| !has_room(b.queue.len() as u64, cap)) {
            let (tx, rx) = oneshot::channel();
            if let Some(b) = book.backlogs.get_mut(full) {
                if again {
                    b.blocked.push_front(tx);
                } else {
                    b.blocked.push_back(tx);
                }
            }
            if warm && !again {
                book.counts.blocked += 1;
            }
            return Stored::Wait(rx);
        }
        if warm {
            book.counts.published += 1;
        }
        if book.backlogs.is_empty() {
            // A topic nobody subscribes to keeps nothing.
            if warm {
                book.counts.accepted += 1;
            }
            return Stored::Yes;
        }
        let sent = SENT_UNIX_NS.try_with(|s| *s).ok().flatten();
        let sent_ns = sent.map_or(now_ns, |unix_ns| shared.modelled_at_unix(unix_ns).min(now_ns));
        let mut accepted = false;
        for i in 0..book.backlogs.len() {
            let len = book.backlogs.get(i).map_or(0, |b| b.queue.len() as u64);
            if !has_room(len, cap) || book.live >= MAX_MESSAGES {
                if warm {
                    book.counts.dropped += 1;
                }
                continue;
            }
            let message = Message { published_ns: sent_ns, dispatched_ns: 0, backlog: i, deliveries: 0, warm };
            if let Some(b) = book.backlogs.get_mut(i) {
                b.queue.push_back(message);
            }
            book.live += 1;
            if warm {
                book.counts.live_warm += 1;
            }
            book.counts.backlog_changed(now_ns, 1, shared.warm_from_ns());
            accepted = true;
        }
        if warm && accepted {
            book.counts.accepted += 1;
        }
        drop(book);
        self.wake.notify_one();
        if accepted { Stored::Yes } else { Stored::Full }
    }

    /// Apply the loss of every outage that has begun by `now_ns` and loses
    /// messages, once, unless the broker was already down when it began.
    fn catch_up(&self, book: &mut Book, shared: &Shared, now_ns: u64) {
        let Some(t) = shared.since_load_ns() else { return };
        for (i, o) in self.spec.outages.iter().enumerate() {
            let applied = book.lost_applied.get(i).copied().unwrap_or(true);
            if applied || !o.lose || o.start_ns > t {
                continue;
            }
            if let Some(a) = book.lost_applied.get_mut(i) {
                *a = true;
            }
            let already_down = o.start_ns > 0 && self.spec.down_at(Some(o.start_ns - 1));
            if already_down {
                continue;
            }
            let mut gone = Vec::new();
            for b in &mut book.backlogs {
                gone.extend(b.queue.drain(..));
            }
            for m in gone {
                book.live = book.live.saturating_sub(1);
                book.counts.backlog_changed(now_ns, -1, shared.warm_from_ns());
                if m.warm {
                    book.counts.lost += 1;
                    book.counts.live_warm = book.counts.live_warm.saturating_sub(1);
                }
            }
        }
    }

    /// Hand waiting messages to subscriptions with a free slot, each
    /// delivery on a task of its own.
    fn dispatch(self: &Arc<Self>, shared: &Arc<Shared>, node: usize) {
        let now_ns = shared.now_ns();
        let mut book = lock(&self.book);
        self.catch_up(&mut book, shared, now_ns);
        if self.down(shared) {
            // The broker is down: messages wait.
            return;
        }
        let concurrency: Vec<u32> = self.spec.subs.iter().map(|s| s.concurrency).collect();
        let mut out = Vec::new();
        for bl in 0..book.backlogs.len() {
            loop {
                let Book { backlogs, in_flight, .. } = &mut *book;
                let Some(backlog) = backlogs.get_mut(bl) else { break };
                if backlog.queue.is_empty() {
                    break;
                }
                let free =
                    |s: usize| in_flight.get(s).copied().unwrap_or(u32::MAX) < concurrency.get(s).copied().unwrap_or(0);
                let Some(i) = next_subscription(backlog.rr, &backlog.subs, free) else { break };
                let Some(&sub) = backlog.subs.get(i) else { break };
                backlog.rr = (i + 1) % backlog.subs.len().max(1);
                let Some(mut m) = backlog.queue.pop_front() else { break };
                // Room was made: the longest-waiting publisher goes on.
                while let Some(tx) = backlog.blocked.pop_front() {
                    if tx.send(()).is_ok() {
                        break;
                    }
                }
                if let Some(n) = in_flight.get_mut(sub) {
                    *n += 1;
                }
                m.deliveries += 1;
                m.dispatched_ns = now_ns;
                book.counts.backlog_changed(now_ns, -1, shared.warm_from_ns());
                out.push((m, sub));
            }
        }
        drop(book);
        for (m, sub) in out {
            let (me, shared) = (Arc::clone(self), Arc::clone(shared));
            tokio::spawn(async move { me.deliver(&shared, node, m, sub).await });
        }
    }

    /// One delivery of `m` to subscription `sub`: the edge's latency, the
    /// consumer's visit, then what becomes of the message.
    async fn deliver(self: Arc<Self>, shared: &Arc<Shared>, node: usize, m: Message, sub: usize) {
        let Some(spec) = self.spec.subs.get(sub) else { return };
        let began = Instant::now();
        let latency_ns = match (&spec.latency, self.latency_rng.get(sub)) {
            (Some(l), Some(rng)) => l.sample(&mut lock(rng)),
            _ => 0,
        };
        // A fault on the subscription edge, as the simulator's dispatch takes
        // it: the delivery fails at once (then redelivered or dead-lettered as
        // any failed one), is stretched, or is swallowed: its slot stays
        // taken and the message in delivery for good.
        let outcome = match shared.edge_faults.gate(&spec.edge, shared.since_load_ns(), latency_ns) {
            Gate::Pass(there_ns) => {
                shared.pause(there_ns).await;
                match shared.addrs.get(spec.consumer) {
                    // A delivery starts a trace of its own, at depth 0, as the simulator's.
                    Some(&addr) => shared.client.call(addr, spec.operation.as_deref(), Hop::default()).await,
                    None => Outcome::Error,
                }
            }
            Gate::Refuse => Outcome::Error,
            Gate::Hang => std::future::pending().await,
        };
        let now_ns = shared.now_ns();
        if shared.warm(m.dispatched_ns)
            && let Some(measure) = shared.edge_measures.get(&spec.edge)
        {
            measure.record(&Visit::call(outcome, shared.modelled_ns(began.elapsed())));
        }
        let ok = matches!(outcome, Outcome::Ok | Outcome::Degraded);
        let fate = delivery_fate(ok, m.deliveries, spec.max_deliveries);
        {
            let mut book = lock(&self.book);
            if let Some(n) = book.in_flight.get_mut(sub) {
                *n = n.saturating_sub(1);
            }
            if fate != DeliveryFate::Redeliver {
                book.live = book.live.saturating_sub(1);
            }
            // A message finished after the load's end is still in delivery
            // at the end, as the simulator's run leaves it.
            if m.warm && shared.in_window(now_ns) {
                let c = &mut book.counts;
                match fate {
                    DeliveryFate::Delivered => {
                        c.delivered += 1;
                        c.delay.record(now_ns.saturating_sub(m.published_ns));
                    }
                    DeliveryFate::DeadLetter => c.dead_lettered += 1,
                    DeliveryFate::Redeliver => c.redelivered += 1,
                }
                if fate != DeliveryFate::Redeliver {
                    c.live_warm = c.live_warm.saturating_sub(1);
                }
            }
        }
        if fate == DeliveryFate::Redeliver {
            let me = Arc::clone(&self);
            let (shared, delay_ns) = (Arc::clone(shared), spec.redelivery_ns);
            tokio::spawn(async move {
                shared.pause(delay_ns).await;
                me.requeue(&shared, m);
                me.dispatch(&shared, node);
            });
        }
        self.dispatch(shared, node);
    }

    /// A failed message is back at the head of its backlog.
    fn requeue(&self, shared: &Shared, m: Message) {
        let now_ns = shared.now_ns();
        let mut book = lock(&self.book);
        self.catch_up(&mut book, shared, now_ns);
        if let Some(b) = book.backlogs.get_mut(m.backlog) {
            b.queue.push_front(m);
            book.counts.backlog_changed(now_ns, 1, shared.warm_from_ns());
        }
    }

    /// The broker's section of the report over the measured window ending
    /// at `end_ns` (modelled ns since the epoch), and its in-flight copies.
    #[must_use]
    pub fn report(&self, id: &str, warm_from_ns: u64, end_ns: u64) -> engine::sim::report::BrokerReport {
        let book = lock(&self.book);
        let mode = match self.spec.mode {
            BrokerMode::Queue => "queue",
            BrokerMode::Topic => "topic",
        };
        book.counts.report(id, mode, warm_from_ns, end_ns)
    }

    /// Its metrics lines (Prometheus text): queue depth, deliveries in
    /// flight, and the counts since the warm-up.
    #[must_use]
    pub fn metrics_text(&self, id: &str) -> String {
        let book = lock(&self.book);
        let depth: usize = book.backlogs.iter().map(|b| b.queue.len()).sum();
        let in_flight: u32 = book.in_flight.iter().sum();
        book.counts.metrics_text(id, depth as u64, u64::from(in_flight))
    }
}

/// Run broker `node`'s deliveries until the task is aborted: dispatch what
/// waits, then sleep until a message is stored, a delivery ends, or an
/// outage begins or ends.
pub async fn run(shared: Arc<Shared>, node: usize) {
    let Some(state) = shared.nodes.get(node).and_then(|n| n.broker.clone()) else { return };
    let id = shared.topology.nodes.get(node).map_or("", |n| n.id.as_str());
    let mut was_down = false;
    loop {
        let down = state.spec.down_at(shared.since_load_ns());
        if down != was_down {
            if down {
                tracing::info!(node = %id, "broker outage began (fault schedule)");
            } else {
                tracing::info!(node = %id, "broker outage ended");
            }
            was_down = down;
        }
        state.dispatch(&shared, node);
        let wait = match shared.since_load_ns() {
            // Before the load the fault schedule has not begun: look again soon.
            None if !state.spec.outages.is_empty() => Some(Duration::from_millis(20)),
            None => None,
            Some(t) => state
                .spec
                .next_boundary_ns(t)
                .map(|b| Duration::from_secs_f64((b - t) as f64 * 1e-9 * shared.time_scale) + Duration::from_millis(1)),
        };
        match wait {
            Some(d) => {
                tokio::select! {
                    () = state.wake.notified() => {}
                    () = tokio::time::sleep(d) => {}
                }
            }
            None => state.wake.notified().await,
        }
    }
}

/// A publish over `step`'s edge from a visit at `hop`: the edge's latency
/// on the way to the broker, then the broker's answer. A publisher that
/// drops on a full broker does not wait (the publish runs on a task of its
/// own and the step succeeds at once); one that errors or blocks waits for
/// the broker's confirm and fails with its refusal.
pub(crate) async fn publish(
    shared: &Arc<Shared>,
    step: &crate::topology::Step,
    when_full: WhenFull,
    hop: Hop,
) -> Outcome {
    let next = hop.next();
    if next.depth > crate::node::MAX_DEPTH {
        return Outcome::Error;
    }
    let Some(&addr) = shared.addrs.get(step.to_node) else { return Outcome::Error };
    let (began_ns, began) = (shared.now_ns(), Instant::now());
    let sent_unix_ns = crate::load_origin::unix_now_ns().to_string();
    let latency_ns = shared.edge_latency(step);
    let (sender, edge, op) = (Arc::clone(shared), step.edge.clone(), step.to_operation.clone());
    let send = async move {
        // A fault on the event edge, as the simulator's `transmit`: the
        // publish refused before it leaves, stretched, or swallowed (a
        // publisher waiting for the confirm then waits for ever).
        let o = match sender.edge_faults.gate(&edge, sender.since_load_ns(), latency_ns) {
            Gate::Pass(there_ns) => {
                sender.pause(there_ns).await;
                let headers = [(WHEN_FULL_HEADER, when_full_name(when_full)), (SENT_HEADER, &sent_unix_ns)];
                sender.client.call_with(addr, op.as_deref(), next, &headers).await
            }
            Gate::Refuse => Outcome::Error,
            Gate::Hang => std::future::pending().await,
        };
        sender.record_call(&edge, began_ns, o, began.elapsed());
        o
    };
    if when_full == WhenFull::Drop {
        tokio::spawn(send);
        Outcome::Ok
    } else {
        send.await
    }
}

/// Whether the publish being handled on this task blocks on a full broker.
#[must_use]
pub fn blocks() -> bool {
    BLOCKS.try_with(|b| *b).unwrap_or(false)
}

/// The broker section of what `shared` measured, in design order, over the
/// window `[warm_from_ns, end_ns)` of modelled time since the epoch.
#[must_use]
pub fn sections(shared: &Shared, warm_from_ns: u64, end_ns: u64) -> Vec<engine::sim::report::BrokerReport> {
    shared
        .topology
        .nodes
        .iter()
        .zip(&shared.nodes)
        .filter_map(|(n, state)| Some(state.broker.as_ref()?.report(&n.id, warm_from_ns, end_ns)))
        .collect()
}
