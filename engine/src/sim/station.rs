//! Stations: a node's replicas, each with its workers and one FIFO queue.
//!
//! A visit reaching a node is placed on a replica by the load balancer; it is
//! served at once if a worker is free, queued if the queue has room, and
//! rejected otherwise. A blocking node's worker stays held while the visit
//! runs its steps; an async node's is handed to the next queued visit as
//! soon as service ends. Receivers have no station: they run on their
//! sender's worker.

use crate::model::{LoadBalancer, Outcome, RejectCause};

use super::engine::{Origin, Simulation};
use super::plan::NONE;
use super::queue::Kind;
use super::rng::{chance, index};

impl Simulation {
    /// A visit reaches its node: inline receivers start at once, stations queue.
    pub(crate) fn enter(&mut self, v: u32) {
        let now = self.now;
        let warmup = self.plan.settings.warmup_ns;
        let node_i = self.visits[v as usize].node as usize;
        let node = &self.plan.nodes[node_i];
        let (inline, workers, cap) = (node.inline, node.workers, node.queue_cap);
        let node_warm = now >= warmup;
        {
            let vis = &mut self.visits[v as usize];
            vis.t_arrive = now;
            vis.node_warm = node_warm;
            if vis.trace != NONE
                && let Some(s) = self.tracer.span(vis.trace, vis.span)
            {
                s.t_arrive = now;
            }
        }
        let acc = &mut self.metrics.nodes[node_i];
        if node_warm {
            acc.counts.arrived += 1;
        }
        acc.present.inc(now);
        if inline {
            if self.plan.nodes[node_i].client {
                // A load source: no service, no queue, unlimited concurrency.
                let vis = &mut self.visits[v as usize];
                vis.t_start = now;
                vis.started = true;
                self.on_service_done(v);
            } else {
                self.start_service(v);
            }
            return;
        }
        let node = &self.plan.nodes[node_i];
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
            self.finish(v, Outcome::Error);
            return;
        }
        if rep.busy < workers {
            rep.busy += 1;
            rep.active += 1;
            self.metrics.nodes[node_i].busy.inc(now);
            self.visits[v as usize].holds = true;
            self.start_service(v);
        } else if (rep.queue.len() as u64) < u64::from(cap) {
            rep.queue.push_back(v);
            rep.active += 1;
            self.metrics.nodes[node_i].queue.inc(now);
        } else {
            self.visits[v as usize].replica = NONE;
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
            LoadBalancer::Random => index(rng, n as usize) as u32,
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
                let a = index(rng, n as usize) as u32;
                let b = index(rng, n as usize) as u32;
                let (ra, rb) = (&self.replicas[(first + a) as usize], &self.replicas[(first + b) as usize]);
                if rb.active < ra.active { b } else { a }
            }
        };
        first + offset
    }

    /// Begin serving a visit (its worker is already held, or it runs inline).
    pub(crate) fn start_service(&mut self, v: u32) {
        let now = self.now;
        let (node_i, handler) = {
            let vis = &mut self.visits[v as usize];
            vis.t_start = now;
            vis.started = true;
            if vis.trace != NONE
                && let Some(s) = self.tracer.span(vis.trace, vis.span)
            {
                s.t_start = now;
            }
            (vis.node as usize, vis.handler as usize)
        };
        let mut d = self.plan.handlers[handler].service.sample(&mut self.node_rng[node_i].service);
        if self.plan.nodes[node_i].faulted {
            d = self.node_service_delay(node_i, d);
        }
        self.queue.push(now + d, Kind::ServiceDone, v, 0);
    }

    /// Give the visit's worker to the next queued visit, or free it.
    #[inline]
    pub(crate) fn release_worker(&mut self, v: u32) {
        // Inline check: most callers reach here with no worker held (async
        // nodes, receivers), and the full body is not worth a call then.
        if self.visits[v as usize].holds {
            self.hand_over_worker(v);
        }
    }

    fn hand_over_worker(&mut self, v: u32) {
        let now = self.now;
        let vis = &mut self.visits[v as usize];
        vis.holds = false;
        let node_i = vis.node as usize;
        let r = vis.replica as usize;
        loop {
            let rep = &mut self.replicas[r];
            if let Some(next) = rep.queue.pop_front() {
                self.metrics.nodes[node_i].queue.dec(now);
                if self.visits[next as usize].dead {
                    // Its caller cancelled it while it waited: dropped unserved.
                    let o = self.visits[next as usize].fail.unwrap_or(Outcome::Timeout);
                    self.finish(next, o);
                    continue;
                }
                self.visits[next as usize].holds = true;
                self.start_service(next);
            } else {
                rep.busy = rep.busy.saturating_sub(1);
                self.metrics.nodes[node_i].busy.dec(now);
            }
            return;
        }
    }

    pub(crate) fn on_service_done(&mut self, v: u32) {
        let now = self.now;
        let vis = &mut self.visits[v as usize];
        vis.t_served = now;
        if vis.trace != NONE
            && let Some(s) = self.tracer.span(vis.trace, vis.span)
        {
            s.t_served = now;
        }
        let node_i = vis.node as usize;
        if vis.dead {
            let o = vis.fail.unwrap_or(Outcome::Error);
            self.finish(v, o);
            return;
        }
        let node = &self.plan.nodes[node_i];
        if node.faulted {
            if self.node_error_draw(node_i) {
                self.finish(v, Outcome::Error);
                return;
            }
        } else if node.error_p > 0.0 && chance(&mut self.node_rng[node_i].error, node.error_p) {
            self.finish(v, Outcome::Error);
            return;
        }
        let node = &self.plan.nodes[node_i];
        if node.hit_ratio > 0.0 && chance(&mut self.node_rng[node_i].cache, node.hit_ratio) {
            self.finish(v, Outcome::Ok);
            return;
        }
        if node.broker != NONE {
            let o = match self.deposit(node.broker, v) {
                super::broker::Deposit::Stored => Outcome::Ok,
                super::broker::Deposit::Full => Outcome::Rejected(RejectCause::QueueFull),
                super::broker::Deposit::Blocked => return,
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
        let now = self.now;
        self.release_worker(v);
        let vis = &mut self.visits[v as usize];
        vis.outcome = outcome;
        let (node_i, replica, t_arrive) = (vis.node as usize, vis.replica, vis.t_arrive);
        if vis.orphan || vis.dead {
            // Rare: copy the record only when its wasted work is counted.
            let copy = *vis;
            self.waste(&copy);
        }
        if replica != NONE {
            let rep = &mut self.replicas[replica as usize];
            rep.active = rep.active.saturating_sub(1);
        }
        let node = &self.plan.nodes[node_i];
        if node.pol != NONE && replica != NONE {
            self.outlier_note(node_i, node.pol, replica, outcome);
        }
        if self.track_nodes {
            self.metrics.node_ext[node_i].note_finish(now, now - t_arrive, outcome);
        }
        let vis = &mut self.visits[v as usize];
        let acc = &mut self.metrics.nodes[node_i];
        acc.present.dec(now);
        if vis.node_warm {
            let sojourn = now - vis.t_arrive;
            acc.counts.record(outcome);
            acc.sojourn_sum_ns += u128::from(sojourn);
            acc.batch_mark.finished += 1;
            acc.batch_mark.sojourn_sum_ns += u128::from(sojourn);
            if vis.started {
                acc.served += 1;
                acc.wait_sum_ns += u128::from(vis.t_start - vis.t_arrive);
                acc.service_sum_ns += u128::from(vis.t_served - vis.t_start);
                acc.downstream_sum_ns += u128::from(now - vis.t_served);
            }
            if matches!(outcome, Outcome::Ok | Outcome::Degraded) {
                acc.latency.record(sojourn);
                acc.batch_mark.succeeded += 1;
            }
            // It has left the node (a response may still be on the wire).
            vis.node_warm = false;
        }
        if vis.trace != NONE
            && let Some(s) = self.tracer.span(vis.trace, vis.span)
        {
            s.t_end = now;
            s.t_back = now;
            s.outcome = outcome;
            if matches!(outcome, Outcome::Rejected(_)) {
                s.t_start = now;
                s.t_served = now;
            }
        }
        match vis.origin {
            Origin::Entry => self.finish_request(v),
            Origin::Call | Origin::Attempt => self.call_returning(v),
            Origin::Signal => self.on_returned(v),
            Origin::Publish => self.publish_done(v),
            Origin::Delivery => self.delivery_done(v),
            Origin::Lookup => self.lookup_done(v),
        }
    }

    /// Count the worker time a visit spent for nobody (its caller gave up, or
    /// its replica crashed) as wasted.
    pub(crate) fn waste(&mut self, vis: &super::engine::Visit) {
        if !vis.started {
            return;
        }
        let service = vis.t_served.saturating_sub(vis.t_start);
        let held =
            if self.plan.nodes[vis.node as usize].blocking { self.now.saturating_sub(vis.t_start) } else { service };
        if self.now >= self.plan.settings.warmup_ns {
            let ext = &mut self.metrics.node_ext[vis.node as usize];
            ext.wasted_ns += held as f64;
            ext.wasted_visits += 1;
        }
    }
}
