//! Building a replication: its random streams (one per node, edge and
//! workload, keyed so that adding one leaves the others' draws alone), its
//! stations and policies from the plan, and the first events of the run
//! (warm-up, windows, batches, first arrivals, closed-loop users).

use std::sync::Arc;

use super::event_queue::{EventQueue, Kind};
use super::plan::{PArrival, Plan};
use super::simulation::{EdgeRng, Flags, NodeRng, Replica, Simulation};
use crate::sampling::Stream;
use crate::sim::SimError;
use crate::sim::report::metrics::Metrics;
use crate::sim::report::trace::Tracer;

impl Simulation {
    /// Build replication `replication` of a compiled plan.
    pub(crate) fn from_plan(plan: Arc<Plan>, replication: u32) -> Result<Self, SimError> {
        // Forget clamped draws counted by an earlier simulation on this thread.
        let _ = crate::sampling::take_clamped();
        let s = &plan.settings;
        let seed = s.seed;
        let node_rng = plan
            .nodes
            .iter()
            .map(|n| NodeRng {
                service: Stream::keyed(seed, replication, &n.id, "service"),
                error: Stream::keyed(seed, replication, &n.id, "error"),
                lb: Stream::keyed(seed, replication, &n.id, "load_balancer"),
                cache: Stream::keyed(seed, replication, &n.id, "cache"),
                branch: Stream::keyed(seed, replication, &n.id, "branch"),
            })
            .collect();
        let edge_rng = plan
            .edges
            .iter()
            .map(|e| EdgeRng {
                latency: Stream::keyed(seed, replication, &e.id, "latency"),
                probability: Stream::keyed(seed, replication, &e.id, "probability"),
            })
            .collect();
        let arrival_rng = plan.workloads.iter().map(|w| Stream::keyed(seed, replication, &w.name, "arrival")).collect();
        let mut metrics = Metrics::new(plan.workloads.len(), plan.nodes.len(), plan.edges.len(), plan.brokers.len())
            .map_err(|e| SimError::Internal(e.to_string()))?;
        metrics.add_resilience(&plan).map_err(|e| SimError::Internal(e.to_string()))?;
        let node_workers = plan.nodes.iter().map(|n| f64::from(n.replicas) * f64::from(n.workers)).collect();
        let mut tracer = Tracer::new(replication == 0, s.trace_every, Stream::keyed(seed, replication, "", "trace"));
        tracer.export_sampled(s.trace_export);
        let broker = crate::sim::flow::broker::BrokerState::new(&plan);
        let pol_state = plan.policies.iter().map(crate::sim::policy::call_policies::EdgePolicyState::new).collect();
        let pol_rng = plan
            .policies
            .iter()
            .map(|p| {
                Stream::keyed(seed, replication, plan.edges.get(p.edge as usize).map_or("", |e| e.id.as_str()), "retry")
            })
            .collect();
        let node_pol_state = plan.node_pols.iter().map(crate::sim::policy::node_policies::NodePolState::new).collect();
        let node_fx = plan
            .nodes
            .iter()
            .map(|n| {
                crate::sim::policy::faults::NodeFx::new(Stream::keyed(seed, replication, &n.id, "fault"), n.error_p)
            })
            .collect();
        let edge_fx = plan
            .edges
            .iter()
            .map(|e| crate::sim::policy::faults::EdgeFx::new(Stream::keyed(seed, replication, &e.id, "fault")))
            .collect();
        let mut sim = Self {
            replicas: vec![Replica::default(); plan.n_replicas as usize],
            calls: Vec::new(),
            free_calls: Vec::new(),
            pol_state,
            pol_rng,
            token: 0,
            node_fx,
            edge_fx,
            node_pol_state,
            scratch: Vec::new(),
            track_nodes: false,
            disc_live: Vec::new(),
            caches: Vec::new(),
            rr: vec![0; plan.nodes.len()],
            node_rng,
            edge_rng,
            arrival_rng,
            broker,
            metrics,
            tracer,
            flags: Flags::default(),
            in_flight: 0,
            events: 0,
            requests: 0,
            batch_no: 0,
            node_workers,
            finished: false,
            progress_mark: (0, 0),
            replication,
            now_ns: 0,
            queue: EventQueue::default(),
            visits: Vec::new(),
            free_visits: Vec::new(),
            plan,
        };
        sim.init_replicas();
        sim.schedule_start();
        sim.schedule_resilience();
        sim.init_discovery();
        Ok(sim)
    }

    pub(super) fn schedule_start(&mut self) {
        let s = self.plan.settings.clone();
        self.queue.push(s.warmup_ns, Kind::Warmup, 0, 0);
        // Window and batch boundaries are scheduled one at a time, each by
        // the previous one, to keep the event heap small.
        self.queue.push(self.batch_end_ns(1), Kind::Window, 1, 0);
        if s.window_ns < s.duration_ns {
            self.queue.push(s.window_ns.max(1), Kind::Window, 0, 0);
        }
        let plan = Arc::clone(&self.plan);
        for (w, wl) in plan.workloads.iter().enumerate() {
            match &wl.arrival {
                PArrival::Open { .. } => self.schedule_arrival(w as u32),
                PArrival::Closed { users, think } => {
                    for _ in 0..*users {
                        let rng = &mut self.arrival_rng[w];
                        let t = think.sample(rng);
                        self.queue.push(t, Kind::ThinkDone, w as u32, 0);
                    }
                }
            }
        }
    }
}
