//! Stations: a node's replicas, each with its workers and one FIFO queue.
//!
//! A visit reaching a node is placed on a replica by the load balancer; it is
//! served at once if a worker is free, queued if the queue has room, and
//! rejected otherwise. A blocking node's worker stays held while the visit
//! runs its steps; an async node's is handed to the next queued visit as
//! soon as service ends. Receivers have no station: they run on their
//! sender's worker.

use crate::model::{LoadBalancer, Outcome, RejectCause};

use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::{NONE, Plan};
use crate::sim::core::simulation::{Life, NodeRng, Origin, Simulation, Visit};
use crate::sim::report::trace::Tracer;

impl Simulation {
    /// A visit reaches its node: inline receivers start at once, stations queue.
    pub(crate) fn enter(&mut self, v: u32) {
        self.enter_inline(v);
    }

    /// [`Simulation::enter`], inlined where a call step reaches its node.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "once per call step: a call costs register saves")]
    pub(crate) fn enter_inline(&mut self, v: u32) {
        let now_ns = self.now_ns;
        let node_warm = now_ns >= self.plan.settings.warmup_ns;
        let vis = &mut self.visits[v as usize];
        vis.t_arrive_ns = now_ns;
        vis.node_warm = node_warm;
        let node_i = vis.node as usize;
        if vis.trace != NONE
            && let Some(s) = self.tracer.span(vis.trace, vis.span)
        {
            s.t_arrive_ns = now_ns;
        }
        let acc = &mut self.metrics.nodes[node_i];
        if node_warm {
            acc.counts.arrived += 1;
        }
        acc.present.inc(now_ns);
        let node = &self.plan.nodes[node_i];
        let (workers, cap) = (node.workers, node.queue_cap);
        if node.plain && node.replicas <= 1 {
            // The common case in one piece: one replica and no policy, fault
            // or inline run to consider. (What `admit` and `start_service` do.)
            let r = node.first_replica;
            let rep = &mut self.replicas[r as usize];
            if rep.busy < workers {
                rep.busy += 1;
                rep.active += 1;
                vis.replica = r;
                vis.holds = true;
                acc.busy.inc(now_ns);
                let d = begin_service(vis, &mut self.tracer, &self.plan, &mut self.node_rng[node_i], now_ns);
                self.queue.push_inline(now_ns + d, Kind::ServiceDone, v, 0);
            } else if (rep.queue.len() as u64) < u64::from(cap) {
                rep.queue.push_back(v);
                rep.active += 1;
                vis.replica = r;
                acc.queue.inc(now_ns);
            } else {
                vis.replica = NONE;
                self.finish(v, Outcome::Rejected(RejectCause::QueueFull));
            }
            return;
        }
        self.enter_rest(v, node_i);
    }

    /// The rest of [`Simulation::enter`] once the visit is counted at the
    /// node, for every node but a plain one with one replica.
    #[inline(never)]
    fn enter_rest(&mut self, v: u32, node_i: usize) {
        let now_ns = self.now_ns;
        let node = &self.plan.nodes[node_i];
        let (workers, cap) = (node.workers, node.queue_cap);
        if node.plain {
            // No policy, fault or inline run to consider: straight to a replica.
            let r = self.pick_replica(node_i);
            self.admit(v, node_i, r, workers, cap);
            return;
        }
        if node.inline {
            if node.client {
                // A load source: no service, no queue, unlimited concurrency.
                let vis = &mut self.visits[v as usize];
                vis.t_start_ns = now_ns;
                vis.started = true;
                self.on_service_done(v);
            } else {
                self.start_service(v);
            }
            return;
        }
        let (pol, dynamic, faulted) = (node.pol, node.dynamic, node.faulted);
        if pol != NONE && !self.rate_admit(node_i, pol) {
            // Not placed: forget a replica its caller's discovery chose.
            self.visits[v as usize].replica = NONE;
            self.finish(v, Outcome::Rejected(RejectCause::RateLimited));
            return;
        }
        let r = if dynamic {
            let disc = self.plan.nodes[node_i].disc;
            if disc == NONE {
                self.pick_replica_dynamic(node_i)
            } else {
                let Some(r) = self.disc_pick(v, node_i, disc) else { return };
                r
            }
        } else {
            self.pick_replica(node_i)
        };
        self.visits[v as usize].replica = r;
        let rep = &mut self.replicas[r as usize];
        if faulted && rep.down {
            // Connection refused: the replica has crashed.
            rep.active += 1;
            self.visits[v as usize].replica = r;
            self.finish(v, Outcome::Error);
            return;
        }
        self.admit(v, node_i, r, workers, cap);
    }

    /// Place visit `v` on replica `r`: served at once if a worker is free,
    /// queued if the queue has room, rejected otherwise.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "on every visit to a station: a call costs register saves")]
    fn admit(&mut self, v: u32, node_i: usize, r: u32, workers: u32, cap: u32) {
        let now_ns = self.now_ns;
        let vis = &mut self.visits[v as usize];
        let rep = &mut self.replicas[r as usize];
        if rep.busy < workers {
            rep.busy += 1;
            rep.active += 1;
            vis.replica = r;
            vis.holds = true;
            self.metrics.nodes[node_i].busy.inc(now_ns);
            self.start_service(v);
        } else if (rep.queue.len() as u64) < u64::from(cap) {
            rep.queue.push_back(v);
            rep.active += 1;
            vis.replica = r;
            self.metrics.nodes[node_i].queue.inc(now_ns);
        } else {
            vis.replica = NONE;
            self.finish(v, Outcome::Rejected(RejectCause::QueueFull));
        }
    }

    fn pick_replica(&mut self, node_i: usize) -> u32 {
        let node = &self.plan.nodes[node_i];
        let n = node.replicas;
        let first = node.first_replica;
        if n <= 1 {
            return first;
        }
        let rng = &mut self.node_rng[node_i].lb;
        let offset = match node.lb {
            LoadBalancer::RoundRobin => {
                let rr = &mut self.rr[node_i];
                let o = *rr;
                *rr = (o + 1) % n;
                o
            }
            LoadBalancer::Random => rng.index(n as usize) as u32,
            LoadBalancer::LeastOutstanding => {
                // Start the scan at a rotating replica so ties are spread.
                let rr = &mut self.rr[node_i];
                let start = *rr;
                *rr = (start + 1) % n;
                let mut best = start;
                let mut best_active = u32::MAX;
                for k in 0..n {
                    let o = (start + k) % n;
                    let a = self.replicas[(first + o) as usize].active;
                    if a < best_active {
                        best_active = a;
                        best = o;
                    }
                }
                best
            }
            LoadBalancer::PowerOfTwo => {
                let a = rng.index(n as usize) as u32;
                let b = rng.index(n as usize) as u32;
                let (ra, rb) = (&self.replicas[(first + a) as usize], &self.replicas[(first + b) as usize]);
                if rb.active < ra.active { b } else { a }
            }
        };
        first + offset
    }

    /// Begin serving a visit (its worker is already held, or it runs inline).
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "a call here costs register saves on every visit")]
    pub(crate) fn start_service(&mut self, v: u32) {
        let now_ns = self.now_ns;
        let vis = &mut self.visits[v as usize];
        let node_i = vis.node as usize;
        let mut d = begin_service(vis, &mut self.tracer, &self.plan, &mut self.node_rng[node_i], now_ns);
        if self.plan.nodes[node_i].faulted {
            d = self.node_service_delay(node_i, d);
        }
        self.queue.push_inline(now_ns + d, Kind::ServiceDone, v, 0);
    }

    /// Give the visit's worker to the next queued visit, or free it.
    #[inline]
    pub(crate) fn release_worker(&mut self, v: u32) {
        // Inline checks: most callers reach here with no worker held (async
        // nodes, receivers) or nobody waiting, and a call is not worth it then.
        let vis = &mut self.visits[v as usize];
        if !vis.holds {
            return;
        }
        vis.holds = false;
        let (node_i, r) = (vis.node as usize, vis.replica as usize);
        self.free_worker(node_i, r);
    }

    /// A worker of replica `r` of node `node_i` is free: it takes the next
    /// queued visit, if any.
    #[inline]
    fn free_worker(&mut self, node_i: usize, r: usize) {
        let rep = &mut self.replicas[r];
        if rep.queue.is_empty() {
            rep.busy = rep.busy.saturating_sub(1);
            self.metrics.nodes[node_i].busy.dec(self.now_ns);
        } else {
            self.hand_over_worker(node_i, r);
        }
    }

    /// Give replica `r`'s freed worker to its next live queued visit.
    fn hand_over_worker(&mut self, node_i: usize, r: usize) {
        let now_ns = self.now_ns;
        loop {
            let rep = &mut self.replicas[r];
            if let Some(next) = rep.queue.pop_front() {
                self.metrics.nodes[node_i].queue.dec(now_ns);
                let vis = &mut self.visits[next as usize];
                if vis.dead {
                    // Its caller cancelled it while it waited: dropped unserved.
                    let o = vis.fail.unwrap_or(Outcome::Timeout);
                    self.finish(next, o);
                    continue;
                }
                vis.holds = true;
                // What `start_service` does, with the record at hand.
                let mut d = begin_service(vis, &mut self.tracer, &self.plan, &mut self.node_rng[node_i], now_ns);
                if self.plan.nodes[node_i].faulted {
                    d = self.node_service_delay(node_i, d);
                }
                self.queue.push_inline(now_ns + d, Kind::ServiceDone, next, 0);
            } else {
                rep.busy = rep.busy.saturating_sub(1);
                self.metrics.nodes[node_i].busy.dec(now_ns);
            }
            return;
        }
    }

    pub(crate) fn on_service_done(&mut self, v: u32) {
        let now_ns = self.now_ns;
        let vis = &mut self.visits[v as usize];
        vis.t_served_ns = now_ns;
        if vis.trace != NONE
            && let Some(s) = self.tracer.span(vis.trace, vis.span)
        {
            s.t_served_ns = now_ns;
        }
        let (node_i, handler, replica) = (vis.node as usize, vis.handler as usize, vis.replica as usize);
        let dead = vis.dead;
        let node = &self.plan.nodes[node_i];
        if node.plain && !dead {
            // No error, cache or broker draw: the steps run.
            if !node.blocking && vis.holds {
                vis.holds = false;
                self.free_worker(node_i, replica);
            }
            self.begin_steps_at(v, node_i, handler);
            return;
        }
        if dead {
            let o = self.visits[v as usize].fail.unwrap_or(Outcome::Error);
            self.finish(v, o);
            return;
        }
        let node = &self.plan.nodes[node_i];
        if node.faulted {
            if self.node_error_draw(node_i) {
                self.finish(v, Outcome::Error);
                return;
            }
        } else if node.error_p > 0.0 && self.node_rng[node_i].error.chance(node.error_p) {
            self.finish(v, Outcome::Error);
            return;
        }
        let node = &self.plan.nodes[node_i];
        if node.hit_ratio > 0.0 && self.node_rng[node_i].cache.chance(node.hit_ratio) {
            self.finish(v, Outcome::Ok);
            return;
        }
        if node.broker != NONE {
            let o = match self.deposit(node.broker, v) {
                crate::sim::flow::broker::Deposit::Stored => Outcome::Ok,
                crate::sim::flow::broker::Deposit::Full => Outcome::Rejected(RejectCause::QueueFull),
                crate::sim::flow::broker::Deposit::Blocked => return,
            };
            self.finish(v, o);
            return;
        }
        if !node.blocking {
            self.release_worker(v);
        }
        self.begin_steps(v);
    }

    /// A visit ends: statistics, its worker, then whoever waits for it.
    pub(crate) fn finish(&mut self, v: u32, outcome: Outcome) {
        let now_ns = self.now_ns;
        self.release_worker(v);
        // Read once: the record as it ends.
        let vis = &mut self.visits[v as usize];
        vis.outcome = outcome;
        let x = *vis;
        // It has left the node (a response may still be on the wire).
        vis.node_warm = false;
        let node_i = x.node as usize;
        if x.orphan || x.dead {
            // Rare: its wasted work is counted.
            self.waste(&x);
        }
        if x.replica != NONE {
            let rep = &mut self.replicas[x.replica as usize];
            rep.active = rep.active.saturating_sub(1);
            if rep.active == 0 && rep.life == Life::Draining {
                // Scaled down and its work done: it stops.
                rep.life = Life::Off;
            }
            let pol = self.plan.nodes[node_i].pol;
            if pol != NONE {
                self.outlier_note(node_i, pol, x.replica, outcome);
            }
        }
        if self.track_nodes {
            self.metrics.node_ext[node_i].note_finish(now_ns, now_ns - x.t_arrive_ns, outcome);
        }
        let acc = &mut self.metrics.nodes[node_i];
        acc.present.dec(now_ns);
        if x.node_warm {
            let sojourn = now_ns - x.t_arrive_ns;
            acc.counts.record(outcome);
            acc.sojourn_sum_ns += u128::from(sojourn);
            acc.batch_mark.finished += 1;
            acc.batch_mark.sojourn_sum_ns += u128::from(sojourn);
            if x.started {
                acc.served += 1;
                acc.wait_sum_ns += u128::from(x.t_start_ns - x.t_arrive_ns);
                acc.service_sum_ns += u128::from(x.t_served_ns - x.t_start_ns);
                acc.downstream_sum_ns += u128::from(now_ns - x.t_served_ns);
            }
            if matches!(outcome, Outcome::Ok | Outcome::Degraded) {
                acc.latency.record(sojourn);
                acc.batch_mark.succeeded += 1;
            }
        }
        if x.trace != NONE
            && let Some(s) = self.tracer.span(x.trace, x.span)
        {
            s.t_end_ns = now_ns;
            s.t_back_ns = now_ns;
            s.outcome = outcome;
            if matches!(outcome, Outcome::Rejected(_)) {
                s.t_start_ns = now_ns;
                s.t_served_ns = now_ns;
            }
        }
        match x.origin {
            Origin::Entry => self.finish_request(v),
            Origin::Call => self.call_returning_as(v, &x),
            Origin::Attempt => self.call_returning(v),
            Origin::Signal => self.on_returned(v),
            Origin::Publish => self.publish_done(v),
            Origin::Delivery => self.delivery_done(v),
            Origin::Lookup => self.lookup_done(v),
        }
    }

    /// Count the worker time a visit spent for nobody (its caller gave up, or
    /// its replica crashed) as wasted.
    pub(crate) fn waste(&mut self, vis: &crate::sim::core::simulation::Visit) {
        if !vis.started {
            return;
        }
        let service = vis.t_served_ns.saturating_sub(vis.t_start_ns);
        let held = if self.plan.nodes[vis.node as usize].blocking {
            self.now_ns.saturating_sub(vis.t_start_ns)
        } else {
            service
        };
        if self.now_ns >= self.plan.settings.warmup_ns {
            let ext = &mut self.metrics.node_ext[vis.node as usize];
            ext.wasted_ns += held as f64;
            ext.wasted_visits += 1;
        }
    }
}

/// Visit `vis` starts its service at `now_ns`: the record and its span say so,
/// and its service time is drawn (the part of starting a service that needs
/// nothing else of the simulation, for callers holding the record).
#[inline(always)]
#[allow(clippy::inline_always, reason = "on every service start")]
fn begin_service(vis: &mut Visit, tracer: &mut Tracer, plan: &Plan, rng: &mut NodeRng, now_ns: u64) -> u64 {
    vis.t_start_ns = now_ns;
    vis.started = true;
    if vis.trace != NONE
        && let Some(s) = tracer.span(vis.trace, vis.span)
    {
        s.t_start_ns = now_ns;
    }
    plan.handlers[vis.handler as usize].service.sample(&mut rng.service)
}
