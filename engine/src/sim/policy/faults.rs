//! The fault schedule (chaos experiments), named as Chaos Mesh names them.
//!
//! Each fault starts and ends with an event and changes the live effects of
//! its target: an outage crashes replicas (visits reaching a crashed replica
//! fail at once, the work in flight on it is lost and fails), a latency fault
//! stretches service or transfer times, an error burst raises the failure
//! probability, a partition refuses or swallows an edge's requests, and a
//! broker outage refuses publishes, pauses deliveries and keeps or loses the
//! backlog.
//!
//! A node or edge any fault targets draws its fault-related randomness from
//! its own stream on every request, fault active or not, so that a run
//! without one of the faults (the counterfactual of the attribution) sees the
//! same random numbers elsewhere.

use crate::message::Message;
use crate::model::{Design, FaultKind, Outcome, PartitionMode};

pub(crate) use crate::policy::Gate;
use crate::policy::{FaultEffect, stretch};
use crate::sampling::{Stream, ms_to_ns, s_to_ns};
use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::{NONE, Plan};
use crate::sim::core::simulation::Simulation;

/// What a fault does, compiled.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PFaultKind {
    /// `None` = every replica.
    Outage(Option<u32>),
    Latency {
        added_ns: u64,
        factor: f64,
    },
    Errors(f64),
    Partition {
        hang: bool,
    },
    BrokerOutage {
        lose: bool,
    },
}

/// A scheduled fault.
#[derive(Clone, Debug)]
pub(crate) struct PFault {
    pub name: String,
    pub target: String,
    pub node: u32,
    pub edge: u32,
    pub start_ns: u64,
    pub end_ns: u64,
    pub kind: PFaultKind,
    /// Left out of this run (the counterfactual without it).
    pub disabled: bool,
}

impl PFault {
    /// A short description, e.g. "outage of 2 replica(s)".
    pub fn describe(&self) -> Message {
        match self.kind {
            PFaultKind::Outage(None) => crate::msg!("engine-fault-outage-all", "outage of every replica"),
            PFaultKind::Outage(Some(k)) => crate::msg!("engine-fault-outage", "outage of {k} replica(s)", k = k),
            PFaultKind::Latency { added_ns, factor } => {
                let mut parts = Vec::new();
                if added_ns > 0 {
                    parts.push(format!("+{} ms", added_ns as f64 / 1e6));
                }
                if (factor - 1.0).abs() > f64::EPSILON {
                    parts.push(format!("×{factor}"));
                }
                crate::msg!("engine-fault-latency", "latency {change}", change = parts.join(" "))
            }
            PFaultKind::Errors(p) => crate::msg!("engine-fault-errors", "errors p={p}", p = p),
            PFaultKind::Partition { hang: false } => {
                crate::msg!("engine-fault-partition-fast", "partition (fail fast)")
            }
            PFaultKind::Partition { hang: true } => crate::msg!("engine-fault-partition-hang", "partition (hang)"),
            PFaultKind::BrokerOutage { lose: false } => {
                crate::msg!("engine-fault-broker-held", "broker outage (messages held)")
            }
            PFaultKind::BrokerOutage { lose: true } => {
                crate::msg!("engine-fault-broker-lost", "broker outage (messages lost)")
            }
        }
    }
}

/// Compile the design's faults into the plan and flag their targets.
/// Validation has checked each fault's schedule and that its target exists
/// and is of the kind it acts on; a fault that still fits nothing is skipped.
pub(crate) fn compile(design: &Design, plan: &mut Plan) {
    for f in &design.faults {
        let node = design.node_index(&f.target).map_or(NONE, |i| i as u32);
        let edge = design.edges.iter().position(|e| e.id == f.target).map_or(NONE, |i| i as u32);
        if node == NONE && edge == NONE {
            continue;
        }
        let kind = match &f.fault {
            FaultKind::Outage { replicas } => PFaultKind::Outage(*replicas),
            FaultKind::Latency { added_ms, factor } => {
                PFaultKind::Latency { added_ns: ms_to_ns(*added_ms), factor: factor.max(0.0) }
            }
            FaultKind::Errors { probability } => PFaultKind::Errors(probability.clamp(0.0, 1.0)),
            FaultKind::Partition { mode } => PFaultKind::Partition { hang: *mode == PartitionMode::Hang },
            FaultKind::BrokerOutage { lose_messages } => PFaultKind::BrokerOutage { lose: *lose_messages },
        };
        // Node faults act on nodes, partitions on edges; latency and errors on either.
        let (node, edge) = match kind {
            PFaultKind::Partition { .. } => (NONE, edge),
            PFaultKind::Outage(_) | PFaultKind::BrokerOutage { .. } => (node, NONE),
            _ => {
                if node == NONE {
                    (NONE, edge)
                } else {
                    (node, NONE)
                }
            }
        };
        let not_a_broker = plan.nodes.get(node as usize).is_none_or(|n| n.broker == NONE);
        if (node == NONE && edge == NONE) || (matches!(kind, PFaultKind::BrokerOutage { .. }) && not_a_broker) {
            continue;
        }
        if let Some(n) = plan.nodes.get_mut(node as usize) {
            n.faulted = true;
        }
        if let Some(e) = plan.edges.get_mut(edge as usize) {
            e.faulted = true;
        }
        plan.faults.push(PFault {
            name: f.name.clone(),
            target: f.target.clone(),
            node,
            edge,
            start_ns: s_to_ns(f.start_s),
            end_ns: s_to_ns(f.end_s),
            kind,
            disabled: false,
        });
    }
}

/// A node's live fault effects.
#[derive(Clone, Debug)]
pub(crate) struct NodeFx {
    pub rng: Stream,
    base_p: f64,
    pub error_p: f64,
    pub added_ns: u64,
    pub factor: f64,
    /// Replicas down (`u32::MAX` = all).
    pub down: u32,
    pub broker_down: bool,
    pub active: Vec<u32>,
}

impl NodeFx {
    pub fn new(rng: Stream, base_p: f64) -> Self {
        Self { rng, base_p, error_p: base_p, added_ns: 0, factor: 1.0, down: 0, broker_down: false, active: Vec::new() }
    }
}

/// An edge's live fault effects.
#[derive(Clone, Debug)]
pub(crate) struct EdgeFx {
    pub rng: Stream,
    /// The active faults folded (errors, latency, partition).
    pub effect: FaultEffect,
    pub active: Vec<u32>,
}

impl EdgeFx {
    pub fn new(rng: Stream) -> Self {
        Self { rng, effect: FaultEffect::new(0.0), active: Vec::new() }
    }
}

impl Simulation {
    /// A request starts across faulted edge `edge` with network delay `d`.
    pub(crate) fn edge_gate(&mut self, edge: u32, d: u64) -> Gate {
        let fx = &mut self.edge_fx[edge as usize];
        let u = fx.rng.unit();
        fx.effect.gate(u, d)
    }

    /// A faulted edge's transfer time.
    pub(crate) fn edge_delay(&self, edge: u32, d: u64) -> u64 {
        self.edge_fx[edge as usize].effect.stretch(d)
    }

    /// A faulted node's service time.
    pub(crate) fn node_service_delay(&self, node: usize, d: u64) -> u64 {
        let fx = &self.node_fx[node];
        stretch(d, fx.factor, fx.added_ns)
    }

    /// Whether a faulted node's visit fails (one draw whatever the state).
    pub(crate) fn node_error_draw(&mut self, node: usize) -> bool {
        let fx = &mut self.node_fx[node];
        fx.rng.unit() < fx.error_p
    }

    /// Schedule every enabled fault's start and end.
    pub(crate) fn schedule_faults(&mut self) {
        let duration = self.plan.settings.duration_ns;
        for (i, f) in self.plan.faults.iter().enumerate() {
            if f.disabled || f.start_ns > duration {
                continue;
            }
            self.queue.push(f.start_ns, Kind::FaultStart, i as u32, 0);
            if f.end_ns <= duration {
                self.queue.push(f.end_ns, Kind::FaultEnd, i as u32, 0);
            }
        }
    }

    /// Fault `i` starts (`start`) or ends.
    pub(crate) fn on_fault(&mut self, i: u32, start: bool) {
        let Some(f) = self.plan.faults.get(i as usize).cloned() else { return };
        if start && let Some(t) = self.metrics.fault_start_ns.get_mut(i as usize) {
            *t = self.now_ns;
        }
        if f.node != NONE {
            if let Some(fx) = self.node_fx.get_mut(f.node as usize) {
                switch_fault(&mut fx.active, i, start);
            }
            self.apply_node_faults(f.node as usize);
        } else if f.edge != NONE {
            if let Some(fx) = self.edge_fx.get_mut(f.edge as usize) {
                switch_fault(&mut fx.active, i, start);
            }
            self.apply_edge_faults(f.edge as usize);
        }
    }

    fn apply_edge_faults(&mut self, e: usize) {
        let faults = &self.plan.faults;
        let fx = &mut self.edge_fx[e];
        let mut combined = FaultEffect::new(0.0);
        for &a in &fx.active {
            match faults.get(a as usize).map(|f| f.kind) {
                Some(PFaultKind::Errors(p)) => combined.add_errors(p),
                Some(PFaultKind::Latency { added_ns, factor: k }) => combined.add_latency(added_ns, k),
                Some(PFaultKind::Partition { hang }) => combined.add_partition(hang),
                _ => {}
            }
        }
        fx.effect = combined;
    }

    fn apply_node_faults(&mut self, n: usize) {
        let faults = &self.plan.faults;
        let fx = &mut self.node_fx[n];
        let (mut combined, mut broker_down, mut lose) = (FaultEffect::new(fx.base_p), false, false);
        for &a in &fx.active {
            match faults.get(a as usize).map(|f| f.kind) {
                Some(PFaultKind::Errors(p)) => combined.add_errors(p),
                Some(PFaultKind::Latency { added_ns, factor: k }) => combined.add_latency(added_ns, k),
                Some(PFaultKind::Outage(k)) => combined.add_outage(k),
                Some(PFaultKind::BrokerOutage { lose: l }) => {
                    broker_down = true;
                    lose |= l;
                    combined.add_outage(None);
                }
                _ => {}
            }
        }
        fx.error_p = combined.error_p();
        fx.added_ns = combined.added_ns;
        fx.factor = combined.factor;
        fx.down = combined.down;
        let was_broker_down = fx.broker_down;
        fx.broker_down = broker_down;
        let node = &self.plan.nodes[n];
        let (first, slots, broker) = (node.first_replica, node.replicas, node.broker);
        for o in 0..slots {
            let r = (first + o) as usize;
            let should = combined.replica_down(o, slots);
            let was = self.replicas[r].down;
            self.replicas[r].down = should;
            if should && !was {
                self.crash_replica(n, r as u32);
            }
            if should != was && self.plan.nodes[n].disc != NONE {
                self.disc_down_changed(n, r as u32, should);
            }
        }
        if broker != NONE {
            if broker_down && !was_broker_down && lose {
                self.lose_backlog(broker);
            }
            if !broker_down && was_broker_down {
                self.resume_broker(broker);
            }
        }
    }

    /// Replica `r` of node `n` crashes: queued visits fail now, visits in
    /// service or waiting on calls fail when that work would have ended.
    fn crash_replica(&mut self, n: usize, r: u32) {
        let now_ns = self.now_ns;
        while let Some(q) = self.replicas[r as usize].queue.pop_front() {
            self.metrics.nodes[n].queue.dec(now_ns);
            self.finish(q, Outcome::Error);
        }
        for v in 0..self.visits.len() {
            let vis = self.visits[v];
            if !vis.alive || vis.replica != r || vis.node as usize != n || vis.outcome != Outcome::InFlight || vis.dead
            {
                continue;
            }
            let vis = &mut self.visits[v];
            vis.dead = true;
            vis.fail = Some(Outcome::Error);
            self.release_worker(v as u32);
        }
    }
}

/// Fault `i` joins the active faults of its target (`on`) or leaves them.
fn switch_fault(active: &mut Vec<u32>, i: u32, on: bool) {
    if on {
        active.push(i);
    } else {
        active.retain(|a| *a != i);
    }
}
