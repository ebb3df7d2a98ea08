//! Compiling a `Design` into a flat plan indexed by integers.
//!
//! The event loop never looks up a string: every node, edge, operation
//! (handler), step stage, branch group, broker and subscription gets an index
//! once, here, and the hot path follows indices. Times become integer
//! nanoseconds and distributions become ready-to-draw samplers. Compiling
//! judges nothing: the design was analysed first (`sim::compile`), and every
//! rule of what the simulator can run is a validation rule, so a missing node
//! or an impossible value never reaches this file.

use crate::sampling::BranchGroup;
use std::collections::BTreeMap;

use crate::model::{
    Arrival, ArrivalProcess, BrokerMode, Concurrency, Design, EdgeKind, LoadBalancer, NodeKind, RateProfile, WhenFull,
};

use crate::model::limits::MAX_BRANCH_STEPS;
use crate::sampling::{Sampler, ms_to_ns, s_to_ns};

/// "No index".
pub(crate) const NONE: u32 = u32::MAX;

/// How a step reaches its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StepKind {
    /// Request/response: the caller's visit waits for the callee's.
    Call,
    /// Fire-and-forget publish to a broker.
    Event,
    /// In-process receiver run on the sender's worker.
    Signal,
}

/// A node compiled for the run.
#[derive(Debug)]
pub(crate) struct PNode {
    pub id: String,
    pub kind: NodeKind,
    pub replicas: u32,
    pub workers: u32,
    /// Queue capacity per replica (`u32::MAX` = unbounded).
    pub queue_cap: u32,
    pub lb: LoadBalancer,
    pub blocking: bool,
    /// Receivers run on their sender's worker: no station of their own.
    pub inline: bool,
    pub error_p: f64,
    /// Cache hit ratio (0 when not a cache).
    pub hit_ratio: f64,
    /// Broker index, or `NONE`.
    pub broker: u32,
    /// First replica in the flat replica list.
    pub first_replica: u32,
    /// A load source: no station, no service time, unlimited concurrency.
    pub client: bool,
    /// Node policies (index into `Plan::node_pols`), or `NONE`.
    pub pol: u32,
    /// Replicas can be down, ejected or not started: the load balancer checks.
    pub dynamic: bool,
    /// Some fault targets the node: service and errors check the fault state.
    pub faulted: bool,
    /// Replicas serving at the start (`replicas` is the number of slots).
    pub initial_replicas: u32,
    /// Service discovery (index into `Plan::discs`), or `NONE`.
    pub disc: u32,
    /// A station with no per-visit extras (policy, fault, error, cache hit,
    /// broker, discovery): its visits take the short path. Set once the plan is built.
    pub plain: bool,
}

/// One operation of a node: its service time and its steps.
#[derive(Debug)]
pub(crate) struct Handler {
    pub node: u32,
    pub op: Option<String>,
    pub service: Sampler,
    pub first_stage: u32,
    pub n_stages: u32,
    pub first_group: u32,
    pub n_groups: u32,
}

/// A stage: one step, or a parallel group forked and joined together.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stage {
    pub first: u32,
    pub n: u32,
}

/// One step of a handler.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Member {
    pub edge: u32,
    pub kind: StepKind,
    pub to_node: u32,
    pub to_handler: u32,
    pub probability: f64,
    pub calls: u32,
    /// The edge's call policy (copied here so a step needs no edge lookup), or `NONE`.
    pub policy: u32,
    /// Bit in the visit's branch-skip mask, or `u8::MAX` when not in a branch group.
    pub bit: u8,
}

/// An edge compiled for the run.
#[derive(Debug)]
pub(crate) struct PEdge {
    pub id: String,
    pub kind: EdgeKind,
    pub latency: Option<Sampler>,
    pub robust: bool,
    /// Call policy (index into `Plan::policies`), or `NONE`.
    pub policy: u32,
    /// Some fault targets the edge.
    pub faulted: bool,
    /// Event edges: the publisher's behaviour at a full broker.
    pub when_full: WhenFull,
    /// Calls to a client-side discovered node: the caller's instance-list
    /// cache (index into `Plan::caches`), or `NONE`.
    pub cache: u32,
}

/// A broker.
#[derive(Debug)]
pub(crate) struct PBroker {
    pub node: u32,
    pub mode: BrokerMode,
    /// Messages per backlog (`u64::MAX` = unbounded).
    pub capacity: u64,
    pub subs: Vec<u32>,
}

/// A subscription (consumer) of a broker.
#[derive(Debug)]
pub(crate) struct PSub {
    pub edge: u32,
    pub broker: u32,
    pub consumer: u32,
    pub handler: u32,
    pub concurrency: u32,
    pub max_deliveries: u32,
    pub redelivery_ns: u64,
}

/// How a workload's requests arrive.
#[derive(Debug)]
pub(crate) enum PArrival {
    /// Open loop at `rate_per_s` × profile.
    Open { poisson: bool, rate_per_s: f64, profile: RateProfile, max_factor: f64 },
    /// Closed loop with users and think time.
    Closed { users: u32, think: Sampler },
}

/// A workload.
#[derive(Debug)]
pub(crate) struct PWorkload {
    pub name: String,
    pub entry: u32,
    pub handler: u32,
    pub arrival: PArrival,
}

/// Run settings after overrides.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Settings {
    pub seed: u64,
    pub duration_ns: u64,
    pub warmup_ns: u64,
    pub window_ns: u64,
    pub replications: u32,
    pub max_in_flight: u32,
    pub rate_scale: f64,
    /// Head sampling of traces: one root request in this many.
    pub trace_every: u64,
    /// Keep every sampled trace for export (`simulate --traces`).
    pub trace_export: bool,
}

/// The compiled design.
#[derive(Debug)]
pub(crate) struct Plan {
    pub name: String,
    /// Display names of the nodes.
    pub node_names: Vec<String>,
    /// (from, to) ids of the edges.
    pub edge_ends: Vec<(String, String)>,
    pub slos: Vec<crate::model::Slo>,
    pub nodes: Vec<PNode>,
    pub handlers: Vec<Handler>,
    /// Per node: (operation name, handler) with the default (`None`) first.
    pub node_handlers: Vec<Vec<(Option<String>, u32)>>,
    pub stages: Vec<Stage>,
    pub members: Vec<Member>,
    pub groups: Vec<BranchGroup>,
    pub edges: Vec<PEdge>,
    pub brokers: Vec<PBroker>,
    pub subs: Vec<PSub>,
    pub workloads: Vec<PWorkload>,
    pub settings: Settings,
    pub n_replicas: u32,
    pub policies: Vec<crate::sim::policy::call_policies::PPolicy>,
    pub node_pols: Vec<crate::sim::policy::node_policies::PNodePol>,
    pub faults: Vec<crate::sim::policy::faults::PFault>,
    /// Discovered nodes.
    pub discs: Vec<crate::sim::discovery::runtime::PDisc>,
    /// Client-side instance-list caches, one per (caller, discovered node).
    pub caches: Vec<crate::sim::discovery::runtime::PCache>,
}

impl Plan {
    /// Whether the design uses any resilience feature (call policies, node
    /// policies, faults); without one the report keeps its plain shape.
    pub fn resilient(&self) -> bool {
        !self.policies.is_empty() || !self.node_pols.is_empty() || !self.faults.is_empty()
    }

    /// The handler of `node` for `op` (the default one when `op` is `None` or unknown).
    pub fn handler(&self, node: u32, op: Option<&str>) -> u32 {
        let Some(list) = self.node_handlers.get(node as usize) else { return NONE };
        if let Some(op) = op
            && let Some((_, h)) = list.iter().find(|(name, _)| name.as_deref() == Some(op))
        {
            return *h;
        }
        list.first().map_or(NONE, |(_, h)| *h)
    }

    /// Compile an analysed design (one without errors).
    ///
    /// # Errors
    /// A distribution validation accepted that still cannot be drawn, as
    /// "path: reason": a gap between validation and the sampler, not a fault
    /// of the design.
    pub fn compile(design: &Design, settings: Settings) -> Result<Self, String> {
        // The first distribution that cannot be drawn (see `# Errors`).
        let mut undrawable: Option<String> = None;
        // Ids looked up once: a scan of every node per edge would make
        // compiling a large design quadratic. As `Design::node_index`, the
        // first node with an id wins.
        let mut by_id: BTreeMap<&str, u32> = BTreeMap::new();
        for (i, n) in design.nodes.iter().enumerate() {
            if let Ok(i) = u32::try_from(i) {
                by_id.entry(n.id.as_str()).or_insert(i);
            }
        }
        let index_of = |id: &str| by_id.get(id).copied();

        // Nodes and their replicas.
        let mut nodes = Vec::with_capacity(design.nodes.len());
        let mut n_replicas = 0u32;
        let mut brokers = Vec::new();
        let mut node_pols = Vec::new();
        for (i, n) in design.nodes.iter().enumerate() {
            // Receivers run on their host's worker; clients are load sources
            // with no work of their own (as the capacity estimate treats them).
            let client = n.kind == NodeKind::Client;
            let inline = n.kind == NodeKind::Receiver || client;
            let cap = &n.capacity;
            let hit_ratio = if n.kind == NodeKind::Cache { n.cache.as_ref().map_or(0.0, |c| c.hit_ratio) } else { 0.0 };
            let broker = if n.kind == NodeKind::Broker {
                let b = n.broker.clone().unwrap_or_default();
                brokers.push(PBroker {
                    node: i as u32,
                    mode: b.mode,
                    capacity: b.capacity_messages.unwrap_or(u64::MAX),
                    subs: Vec::new(),
                });
                (brokers.len() - 1) as u32
            } else {
                NONE
            };
            let (pol, slots, initial) =
                if inline { (NONE, 0, 0) } else { crate::sim::policy::node_policies::compile(n, &mut node_pols) };
            let replicas = slots;
            nodes.push(PNode {
                id: n.id.clone(),
                kind: n.kind,
                replicas,
                workers: cap.workers.max(1),
                queue_cap: cap.queue_capacity.unwrap_or(u32::MAX),
                lb: cap.load_balancer,
                blocking: cap.concurrency == Concurrency::Blocking,
                inline,
                error_p: n.error_probability.clamp(0.0, 1.0),
                hit_ratio: hit_ratio.clamp(0.0, 1.0),
                broker,
                first_replica: n_replicas,
                client,
                pol,
                dynamic: pol != NONE && node_pols.get(pol as usize).is_some_and(|p| p.dynamic),
                faulted: false,
                initial_replicas: initial,
                disc: NONE,
                plain: false,
            });
            // Each slot is allocated up front: validation bounds them per
            // node and in all (`MAX_REPLICAS_PER_NODE`, `MAX_REPLICAS_TOTAL`).
            n_replicas = n_replicas.saturating_add(replicas);
        }

        // Operation names per node: declared, used by edges, or entered by workloads.
        let mut op_names: Vec<Vec<String>> =
            design.nodes.iter().map(|n| n.operations.iter().map(|o| o.name.clone()).collect()).collect();
        let mut add_op = |node: Option<u32>, op: &Option<String>| {
            if let (Some(n), Some(op)) = (node, op)
                && let Some(list) = op_names.get_mut(n as usize)
                && !list.contains(op)
            {
                list.push(op.clone());
            }
        };
        for e in &design.edges {
            add_op(index_of(&e.from), &e.operation);
            add_op(index_of(&e.to), &e.target_operation);
        }
        for w in &design.workloads {
            add_op(index_of(&w.entry), &w.operation);
        }

        // Edges.
        let mut edges = Vec::with_capacity(design.edges.len());
        let mut policies = Vec::new();
        for e in &design.edges {
            let latency = match e.network_latency.as_ref().map(Sampler::new).transpose() {
                Ok(s) => s.filter(|s| !s.is_zero()),
                Err(m) => {
                    undrawable.get_or_insert(format!("edges[{}].network_latency: {m}", e.id));
                    None
                }
            };
            let policy = if e.kind == EdgeKind::Call {
                crate::sim::policy::call_policies::compile(e, edges.len() as u32, &mut policies)
            } else {
                NONE
            };
            edges.push(PEdge {
                id: e.id.clone(),
                kind: e.kind,
                latency,
                robust: e.robust,
                policy,
                faulted: false,
                when_full: e.publish.as_ref().map_or(WhenFull::Drop, |p| p.when_full),
                cache: NONE,
            });
        }

        // Handlers, each with its staged steps and branch groups.
        let mut handlers = Vec::new();
        let mut node_handlers = Vec::with_capacity(design.nodes.len());
        for (i, n) in design.nodes.iter().enumerate() {
            let mut list = Vec::new();
            let names = op_names.get(i).cloned().unwrap_or_default();
            for op in std::iter::once(None).chain(names.into_iter().map(Some)) {
                let dist = n.service_time_of(op.as_deref());
                let service = if n.kind == NodeKind::Client {
                    Sampler::constant_ns(0)
                } else {
                    Sampler::new(dist).unwrap_or_else(|m| {
                        undrawable.get_or_insert(format!("nodes[{}].service_time: {m}", n.id));
                        Sampler::constant_ns(0)
                    })
                };
                list.push((op.clone(), handlers.len() as u32));
                handlers.push(Handler {
                    node: i as u32,
                    op,
                    service,
                    first_stage: 0,
                    n_stages: 0,
                    first_group: 0,
                    n_groups: 0,
                });
            }
            node_handlers.push(list);
        }
        let mut plan = Self {
            name: design.name.clone(),
            node_names: design.nodes.iter().map(|n| n.name.clone()).collect(),
            edge_ends: design.edges.iter().map(|e| (e.from.clone(), e.to.clone())).collect(),
            slos: design.slos.clone(),
            nodes,
            handlers,
            node_handlers,
            stages: Vec::new(),
            members: Vec::new(),
            groups: Vec::new(),
            edges,
            brokers,
            subs: Vec::new(),
            workloads: Vec::new(),
            settings,
            n_replicas,
            policies,
            node_pols,
            faults: Vec::new(),
            discs: Vec::new(),
            caches: Vec::new(),
        };
        crate::sim::policy::faults::compile(design, &mut plan);
        crate::sim::discovery::runtime::compile(design, &mut plan, &by_id);
        for n in &mut plan.nodes {
            n.plain = !n.inline
                && n.pol == NONE
                && !n.faulted
                && !n.dynamic
                && n.disc == NONE
                && n.error_p == 0.0
                && n.hit_ratio == 0.0
                && n.broker == NONE;
        }
        // Step edges by source node, in file order.
        let mut steps_from: Vec<Vec<usize>> = vec![Vec::new(); design.nodes.len()];
        for (ei, e) in design.edges.iter().enumerate() {
            if matches!(e.kind, EdgeKind::Call | EdgeKind::Event | EdgeKind::Signal)
                && let Some(list) = index_of(&e.from).and_then(|i| steps_from.get_mut(i as usize))
            {
                list.push(ei);
            }
        }
        for h in 0..plan.handlers.len() {
            plan.compile_steps(design, h, &steps_from, &by_id);
        }

        // Subscriptions.
        for (ei, e) in design.edges.iter().enumerate() {
            if e.kind != EdgeKind::Subscription {
                continue;
            }
            let (Some(from), Some(to)) = (index_of(&e.from), index_of(&e.to)) else { continue };
            let broker = plan.nodes.get(from as usize).map_or(NONE, |n| n.broker);
            if broker == NONE {
                // Validation refuses a subscription from anything but a broker.
                continue;
            }
            let s = e.subscription.clone().unwrap_or_default();
            let handler = plan.handler(to, e.target_operation.as_deref());
            plan.subs.push(PSub {
                edge: ei as u32,
                broker,
                consumer: to,
                handler,
                concurrency: s.concurrency.max(1),
                max_deliveries: s.max_deliveries.max(1),
                redelivery_ns: ms_to_ns(s.redelivery_delay_ms),
            });
            let si = (plan.subs.len() - 1) as u32;
            if let Some(b) = plan.brokers.get_mut(broker as usize) {
                b.subs.push(si);
            }
        }

        // Workloads.
        for w in &design.workloads {
            let Some(entry) = index_of(&w.entry) else { continue };
            let arrival = match &w.arrival {
                Arrival::Open { process, rate_per_s, profile } => {
                    let max_factor = profile.max_factor();
                    PArrival::Open {
                        poisson: *process == ArrivalProcess::Poisson,
                        rate_per_s: (rate_per_s * plan.settings.rate_scale).max(0.0),
                        profile: profile.clone(),
                        max_factor: max_factor.max(0.0),
                    }
                }
                Arrival::Closed { users, think_time } => {
                    let think = Sampler::new(think_time).unwrap_or_else(|m| {
                        undrawable.get_or_insert(format!("workloads[{}].arrival.think_time: {m}", w.name));
                        Sampler::constant_ns(0)
                    });
                    PArrival::Closed { users: *users, think }
                }
            };
            let handler = plan.handler(entry, w.operation.as_deref());
            plan.workloads.push(PWorkload { name: w.name.clone(), entry, handler, arrival });
        }

        match undrawable {
            None => Ok(plan),
            Some(m) => Err(m),
        }
    }

    /// Build the stages and branch groups of handler `h`.
    fn compile_steps(&mut self, design: &Design, h: usize, steps_from: &[Vec<usize>], by_id: &BTreeMap<&str, u32>) {
        let Some(handler) = self.handlers.get(h) else { return };
        let node = handler.node;
        let op = handler.op.clone();
        let mut steps: Vec<usize> = steps_from
            .get(node as usize)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|&i| design.edges.get(i).is_some_and(|e| e.operation.is_none() || e.operation == op))
            .collect();
        // Stable: ties keep file order.
        steps.sort_by_key(|i| design.edges.get(*i).map_or(0, |e| e.order));

        // Stages: (order, parallel group) → members in file order.
        let mut stage_keys: Vec<(u32, Option<String>)> = Vec::new();
        let mut stage_members: Vec<Vec<usize>> = Vec::new();
        for &ei in &steps {
            let Some(e) = design.edges.get(ei) else { continue };
            let key = (e.order, e.parallel_group.clone());
            let found = if key.1.is_some() { stage_keys.iter().position(|k| *k == key) } else { None };
            if let Some(pos) = found {
                if let Some(m) = stage_members.get_mut(pos) {
                    m.push(ei);
                }
            } else {
                stage_keys.push(key);
                stage_members.push(vec![ei]);
            }
        }

        // Branch groups: bits assigned in step order.
        let mut group_names: Vec<String> = Vec::new();
        let mut group_members: Vec<Vec<(u8, f64)>> = Vec::new();
        let mut bits = 0usize;
        let first_stage = self.stages.len() as u32;
        for members in &stage_members {
            let first = self.members.len() as u32;
            for &ei in members {
                let Some(e) = design.edges.get(ei) else { continue };
                let to_node = by_id.get(e.to.as_str()).copied().unwrap_or(NONE);
                if to_node == NONE {
                    continue;
                }
                let kind = match e.kind {
                    EdgeKind::Event => StepKind::Event,
                    EdgeKind::Signal => StepKind::Signal,
                    _ => StepKind::Call,
                };
                let mut bit = u8::MAX;
                if let Some(b) = &e.branch {
                    if bits >= MAX_BRANCH_STEPS {
                        // Validation bounds the branch steps of an operation.
                        continue;
                    }
                    bit = bits as u8;
                    bits += 1;
                    let g = if let Some(g) = group_names.iter().position(|n| *n == b.group) {
                        g
                    } else {
                        group_names.push(b.group.clone());
                        group_members.push(Vec::new());
                        group_names.len() - 1
                    };
                    if let Some(list) = group_members.get_mut(g) {
                        list.push((bit, b.weight.max(0.0)));
                    }
                }
                let to_handler = self.handler(to_node, e.target_operation.as_deref());
                self.members.push(Member {
                    edge: ei as u32,
                    kind,
                    to_node,
                    to_handler,
                    probability: e.probability.clamp(0.0, 1.0),
                    calls: e.calls_per_request,
                    policy: self.edges.get(ei).map_or(NONE, |pe| pe.policy),
                    bit,
                });
            }
            let n = self.members.len() as u32 - first;
            if n > 0 {
                self.stages.push(Stage { first, n });
            }
        }
        let first_group = self.groups.len() as u32;
        for members in group_members {
            self.groups.push(BranchGroup::new(&members));
        }
        if let Some(handler) = self.handlers.get_mut(h) {
            handler.first_stage = first_stage;
            handler.n_stages = self.stages.len() as u32 - first_stage;
            handler.first_group = first_group;
            handler.n_groups = self.groups.len() as u32 - first_group;
        }
    }
}

/// Settings from the design with the run's overrides.
pub(crate) fn settings(design: &Design, options: &crate::sim::RunOptions) -> Settings {
    let s = &design.simulation;
    Settings {
        seed: options.seed.unwrap_or(s.seed),
        duration_ns: s_to_ns(options.duration_s.unwrap_or(s.duration_s)),
        warmup_ns: s_to_ns(options.warmup_s.unwrap_or(s.warmup_s)),
        window_ns: s_to_ns(s.window_s),
        replications: options.replications.unwrap_or(s.replications),
        max_in_flight: s.max_in_flight,
        rate_scale: options.rate_scale,
        trace_every: options.trace_every.unwrap_or(crate::sim::core::simulation::TRACE_EVERY).max(1),
        trace_export: options.trace_export,
    }
}
