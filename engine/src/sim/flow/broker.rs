//! Brokers: backlogs, subscriptions and at-least-once delivery.
//!
//! A message reaches the broker as a visit (network, then the broker's own
//! queue and service time). Once served it is stored: in queue mode in one
//! backlog that all subscriptions compete for, in topic mode as one copy per
//! subscription. Each subscription keeps up to `concurrency` deliveries in
//! flight; a delivery is a visit of the consumer node. A failed delivery is
//! redelivered after the delay up to `max_deliveries` times, then
//! dead-lettered. Deliveries always start from an event (never inline), so a
//! long backlog meeting a failing consumer cannot recurse. The decisions
//! (layout, room, which subscription, a delivered message's fate) are the
//! plain part `crate::policy::broker`, which the live emulator asks too.

use std::collections::VecDeque;

use crate::model::{BrokerMode, Outcome, WhenFull};
use crate::policy::{DeliveryFate, backlog_layout, delivery_fate, has_room, next_subscription};

use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::{NONE, Plan};
use crate::sim::core::simulation::{MAX_MESSAGES, Origin, Simulation, Visit};
use crate::sim::report::trace::SpanKind;

/// A stored message (one copy per subscription in topic mode).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Message {
    /// When the publisher sent it.
    pub t_pub_ns: u64,
    pub t_dispatch_ns: u64,
    pub backlog: u32,
    pub sub: u32,
    pub deliveries: u32,
    /// Stored after the warm-up: counted in the broker's statistics.
    pub warm: bool,
    pub alive: bool,
    /// The traced publish it came from (a tracer link), else `NONE`.
    pub link: u32,
    /// Its delivery under way was refused by a fault on the subscription
    /// edge: it fails on arrival without reaching the consumer.
    pub refused: bool,
}

/// One backlog and the subscriptions pulling from it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Backlog {
    pub q: VecDeque<u32>,
    pub subs: Vec<u32>,
    pub rr: usize,
    pub broker: u32,
    /// Publish visits waiting for room (publishers that block).
    pub blocked: VecDeque<u32>,
}

/// What became of a published message at the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deposit {
    /// Stored in at least one backlog.
    Stored,
    /// Refused: the backlog is full.
    Full,
    /// Parked until the backlog has room (the publisher blocks).
    Blocked,
}

/// Every broker's live state.
#[derive(Clone, Debug, Default)]
pub(crate) struct BrokerState {
    pub backlogs: Vec<Backlog>,
    /// Per broker: its backlogs.
    pub broker_backlogs: Vec<Vec<u32>>,
    pub sub_in_flight: Vec<u32>,
    pub msgs: Vec<Message>,
    free: Vec<u32>,
    live: usize,
}

impl BrokerState {
    pub fn new(plan: &Plan) -> Self {
        let mut s = Self { sub_in_flight: vec![0; plan.subs.len()], ..Self::default() };
        for (bi, b) in plan.brokers.iter().enumerate() {
            let mut list = Vec::new();
            for subs in backlog_layout(b.mode, &b.subs) {
                s.backlogs.push(Backlog { subs, broker: bi as u32, ..Backlog::default() });
                list.push((s.backlogs.len() - 1) as u32);
            }
            s.broker_backlogs.push(list);
        }
        s
    }
}

impl Simulation {
    /// Store the message carried by visit `v` at broker `b`.
    pub(crate) fn deposit(&mut self, b: u32, v: u32) -> Deposit {
        let vis = self.visits[v as usize];
        let t_pub_ns = vis.t_call_ns;
        let warm = self.now_ns >= self.plan.settings.warmup_ns;
        let backlogs = self.broker.broker_backlogs.get(b as usize).cloned().unwrap_or_default();
        let blocks = vis.origin == Origin::Publish
            && self.plan.edges.get(vis.oref as usize).is_some_and(|e| e.when_full == WhenFull::Block);
        if blocks {
            let cap = self.plan.brokers[b as usize].capacity;
            if let Some(&full) =
                backlogs.iter().find(|&&bl| !has_room(self.broker.backlogs[bl as usize].q.len() as u64, cap))
            {
                // Wait for room without holding the broker's worker.
                self.release_worker(v);
                self.broker.backlogs[full as usize].blocked.push_back(v);
                if warm {
                    self.metrics.broker_ext[b as usize].blocked += 1;
                }
                return Deposit::Blocked;
            }
        }
        if warm {
            self.metrics.brokers[b as usize].published += 1;
        }
        if backlogs.is_empty() && self.plan.brokers[b as usize].mode == BrokerMode::Topic {
            // A topic nobody subscribes to keeps nothing.
            if warm {
                self.metrics.brokers[b as usize].accepted += 1;
            }
            return Deposit::Stored;
        }
        let link = if self.tracer.traces_deliveries() { self.tracer.take_link(v, t_pub_ns) } else { NONE };
        let mut accepted = false;
        for bl in backlogs {
            accepted |= self.store(bl, b, t_pub_ns, warm, link);
        }
        if warm && accepted {
            self.metrics.brokers[b as usize].accepted += 1;
        }
        if accepted { Deposit::Stored } else { Deposit::Full }
    }

    /// Room was made in backlog `bl`: the longest-blocked publisher goes on.
    pub(crate) fn on_unblock(&mut self, bl: u32) {
        let Some(v) = self.broker.backlogs.get_mut(bl as usize).and_then(|b| b.blocked.pop_front()) else { return };
        let b = self.broker.backlogs[bl as usize].broker;
        match self.deposit(b, v) {
            Deposit::Stored => self.finish(v, Outcome::Ok),
            Deposit::Full => self.finish(v, Outcome::Rejected(crate::model::RejectCause::QueueFull)),
            Deposit::Blocked => {
                // Parked again at the back; keep the original order.
                if let Some(back) = self.broker.backlogs.get_mut(bl as usize)
                    && back.blocked.back() == Some(&v)
                {
                    back.blocked.pop_back();
                    back.blocked.push_front(v);
                }
                // Parking again counted it twice.
                if self.now_ns >= self.plan.settings.warmup_ns {
                    let e = &mut self.metrics.broker_ext[b as usize];
                    e.blocked = e.blocked.saturating_sub(1);
                }
            }
        }
    }

    /// A broker outage that loses messages: every waiting message is gone.
    pub(crate) fn lose_backlog(&mut self, b: u32) {
        let now_ns = self.now_ns;
        let list = self.broker.broker_backlogs.get(b as usize).cloned().unwrap_or_default();
        for bl in list {
            while let Some(m) = self.broker.backlogs[bl as usize].q.pop_front() {
                self.metrics.brokers[b as usize].backlog.dec(now_ns);
                if self.broker.msgs[m as usize].warm {
                    self.metrics.broker_ext[b as usize].lost += 1;
                }
                self.free_msg(m);
            }
        }
    }

    /// The broker is back: deliveries resume.
    pub(crate) fn resume_broker(&mut self, b: u32) {
        let list = self.broker.broker_backlogs.get(b as usize).cloned().unwrap_or_default();
        for bl in list {
            self.dispatch(bl);
        }
    }

    /// Age of the oldest waiting message of each broker (consumer lag in time), ns.
    pub(crate) fn oldest_waiting_ns(&self) -> Vec<u64> {
        let mut out = vec![0u64; self.plan.brokers.len()];
        for backlog in &self.broker.backlogs {
            if let Some(&m) = backlog.q.front()
                && let Some(msg) = self.broker.msgs.get(m as usize)
                && let Some(slot) = out.get_mut(backlog.broker as usize)
            {
                *slot = (*slot).max(self.now_ns.saturating_sub(msg.t_pub_ns));
            }
        }
        out
    }

    fn store(&mut self, bl: u32, b: u32, t_pub_ns: u64, warm: bool, link: u32) -> bool {
        let cap = self.plan.brokers[b as usize].capacity;
        let len = self.broker.backlogs[bl as usize].q.len() as u64;
        if !has_room(len, cap) || self.broker.live >= MAX_MESSAGES {
            if self.broker.live >= MAX_MESSAGES {
                self.flags.message_cap_hit = true;
            }
            if warm {
                self.metrics.brokers[b as usize].dropped += 1;
            }
            return false;
        }
        let msg = Message {
            t_pub_ns,
            t_dispatch_ns: 0,
            backlog: bl,
            sub: NONE,
            deliveries: 0,
            warm,
            alive: true,
            link,
            refused: false,
        };
        let m = if let Some(i) = self.broker.free.pop() {
            self.broker.msgs[i as usize] = msg;
            i
        } else {
            self.broker.msgs.push(msg);
            (self.broker.msgs.len() - 1) as u32
        };
        self.broker.live += 1;
        self.broker.backlogs[bl as usize].q.push_back(m);
        self.metrics.brokers[b as usize].backlog.inc(self.now_ns);
        self.dispatch(bl);
        true
    }

    fn free_msg(&mut self, m: u32) {
        self.broker.msgs[m as usize].alive = false;
        self.broker.free.push(m);
        self.broker.live -= 1;
    }

    /// Hand backlog messages to subscriptions with a free slot.
    fn dispatch(&mut self, bl: u32) {
        let broker_node = self.plan.brokers[self.broker.backlogs[bl as usize].broker as usize].node as usize;
        if self.plan.nodes[broker_node].faulted && self.node_fx[broker_node].broker_down {
            // The broker is down: messages wait.
            return;
        }
        loop {
            let backlog = &self.broker.backlogs[bl as usize];
            if backlog.q.is_empty() {
                return;
            }
            let n = backlog.subs.len();
            let (in_flight, subs) = (&self.broker.sub_in_flight, &self.plan.subs);
            let free = |sub: u32| in_flight[sub as usize] < subs[sub as usize].concurrency;
            let Some(i) = next_subscription(backlog.rr, &backlog.subs, free) else { return };
            let sub = backlog.subs[i];
            let broker = backlog.broker as usize;
            let backlog = &mut self.broker.backlogs[bl as usize];
            backlog.rr = (i + 1) % n;
            let Some(m) = backlog.q.pop_front() else { return };
            if !backlog.blocked.is_empty() {
                self.queue.push(self.now_ns, Kind::Unblock, bl, 0);
            }
            self.metrics.brokers[broker].backlog.dec(self.now_ns);
            self.broker.sub_in_flight[sub as usize] += 1;
            let msg = &mut self.broker.msgs[m as usize];
            msg.sub = sub;
            msg.deliveries += 1;
            msg.t_dispatch_ns = self.now_ns;
            let edge = self.plan.subs[sub as usize].edge as usize;
            if self.now_ns >= self.plan.settings.warmup_ns {
                self.metrics.edges[edge].counts.arrived += 1;
            }
            let mut d = match &self.plan.edges[edge].latency {
                Some(lat) => lat.sample(&mut self.edge_rng[edge].latency),
                None => 0,
            };
            if self.plan.edges[edge].faulted {
                // A fault on the subscription edge, as on any edge a request
                // crosses: an error burst or a fail-fast partition fails the
                // delivery at once (redelivered or dead-lettered as any failed
                // one), a latency fault stretches it, a hanging partition
                // swallows it: no answer comes, its slot stays taken and the
                // message stays in delivery (a broker without an ack deadline).
                match self.edge_gate(edge as u32, d) {
                    crate::policy::Gate::Pass(x) => d = x,
                    crate::policy::Gate::Refuse => {
                        self.broker.msgs[m as usize].refused = true;
                        d = 0;
                    }
                    crate::policy::Gate::Hang => continue,
                }
            }
            self.queue.push(self.now_ns + d, Kind::Deliver, m, sub);
        }
    }

    /// A message reaches its consumer.
    pub(crate) fn on_deliver(&mut self, m: u32, sub: u32) {
        let s = &self.plan.subs[sub as usize];
        let warm = self.broker.msgs[m as usize].t_dispatch_ns >= self.plan.settings.warmup_ns;
        let (consumer, edge) = (s.consumer, s.edge);
        let v = self.alloc(Visit::new(consumer, s.handler, Origin::Delivery, m, self.now_ns, warm));
        if std::mem::take(&mut self.broker.msgs[m as usize].refused) {
            // Refused on the subscription edge: a failed delivery, no visit.
            self.visits[v as usize].outcome = Outcome::Error;
            self.delivery_done(v);
            return;
        }
        let link = self.broker.msgs[m as usize].link;
        if link != NONE {
            self.trace_delivery(v, link, consumer, edge);
        }
        self.enter(v);
    }

    /// Delivery visit `v` of a traced publish (`link`) gets a trace of its own.
    #[cold]
    #[inline(never)]
    fn trace_delivery(&mut self, v: u32, link: u32, consumer: u32, edge: u32) {
        let trace = self.tracer.start_linked(link);
        if trace == NONE {
            return;
        }
        let span = self.tracer.open(trace, NONE, consumer, edge, SpanKind::Delivery, self.now_ns);
        self.tracer.hold(trace);
        let vis = &mut self.visits[v as usize];
        vis.trace = trace;
        vis.span = span;
    }

    /// The consumer's visit ended.
    pub(crate) fn delivery_done(&mut self, v: u32) {
        let now_ns = self.now_ns;
        let vis = self.visits[v as usize];
        if vis.trace != NONE {
            self.tracer.finish_linked(vis.trace, now_ns);
        }
        self.release(v);
        let m = vis.oref;
        let msg = self.broker.msgs[m as usize];
        let sub = &self.plan.subs[msg.sub as usize];
        let broker = sub.broker as usize;
        self.broker.sub_in_flight[msg.sub as usize] -= 1;
        let ok = matches!(vis.outcome, Outcome::Ok | Outcome::Degraded);
        if vis.warm {
            let acc = &mut self.metrics.edges[sub.edge as usize];
            acc.counts.record(vis.outcome);
            if ok {
                acc.latency.record(now_ns - msg.t_dispatch_ns);
            }
        }
        let acc = &mut self.metrics.brokers[broker];
        match delivery_fate(ok, msg.deliveries, sub.max_deliveries) {
            DeliveryFate::Delivered => {
                if msg.warm {
                    acc.delivered += 1;
                    acc.delay.record(now_ns - msg.t_pub_ns);
                }
                self.free_msg(m);
            }
            DeliveryFate::Redeliver => {
                if msg.warm {
                    acc.redelivered += 1;
                }
                self.queue.push(now_ns + sub.redelivery_ns, Kind::Redeliver, m, 0);
            }
            DeliveryFate::DeadLetter => {
                if msg.warm {
                    acc.dead_lettered += 1;
                }
                self.free_msg(m);
            }
        }
        self.dispatch(msg.backlog);
    }

    /// A failed message is back at the head of its backlog.
    pub(crate) fn on_redeliver(&mut self, m: u32) {
        let bl = self.broker.msgs[m as usize].backlog;
        let backlog = &mut self.broker.backlogs[bl as usize];
        backlog.q.push_front(m);
        let broker = backlog.broker as usize;
        self.metrics.brokers[broker].backlog.inc(self.now_ns);
        self.dispatch(bl);
    }

    /// Messages stored after the warm-up and not yet delivered or dead-lettered, per broker.
    pub(crate) fn messages_in_flight(&self) -> Vec<u64> {
        let mut out = vec![0u64; self.plan.brokers.len()];
        for m in &self.broker.msgs {
            if m.alive
                && m.warm
                && let Some(b) = self.broker.backlogs.get(m.backlog as usize)
                && let Some(slot) = out.get_mut(b.broker as usize)
            {
                *slot += 1;
            }
        }
        out
    }
}
