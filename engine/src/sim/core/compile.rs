//! `Plan::compile`: a `Design` turned into the flat plan of `plan.rs`, in
//! phases that read top to bottom: index the nodes by id, compile the nodes
//! (stations, brokers, node policies), the operation names, the edges (with
//! their call policies), one handler per operation, faults and discovery,
//! then each handler's steps, the subscriptions and the workloads.
//!
//! Compiling judges nothing (see `plan.rs`); the only failure is a
//! distribution validation accepted that the sampler still cannot draw, and
//! the first such one (in the order of the phases) is the one reported.

use std::collections::BTreeMap;

use crate::model::{Arrival, ArrivalProcess, Concurrency, Design, EdgeKind, NodeKind, WhenFull};
use crate::sampling::{BranchGroup, Sampler, ms_to_ns};

use super::plan::{
    Handler, Member, NONE, PArrival, PBroker, PEdge, PNode, PSub, PWorkload, Plan, Settings, Stage, StepKind,
};
use crate::model::limits::MAX_BRANCH_STEPS;

/// Node index by id: as `Design::node_index`, the first node with an id wins.
type NodeIndex<'a> = BTreeMap<&'a str, u32>;

/// Per node: (operation name, handler), the default (`None`) first.
type NodeHandlers = Vec<Vec<(Option<String>, u32)>>;

/// The first distribution that cannot be drawn, as "path: reason".
type Undrawable = Option<String>;

/// The nodes compiled, with what compiling them collected on the way.
struct CompiledNodes {
    nodes: Vec<PNode>,
    brokers: Vec<PBroker>,
    node_pols: Vec<crate::sim::policy::node_policies::PNodePol>,
    n_replicas: u32,
}

impl Plan {
    /// Compile an analysed design (one without errors).
    ///
    /// # Errors
    /// A distribution validation accepted that still cannot be drawn, as
    /// "path: reason": a gap between validation and the sampler, not a fault
    /// of the design.
    pub fn compile(design: &Design, settings: Settings) -> Result<Self, String> {
        let mut undrawable: Undrawable = None;
        let by_id = index_nodes(design);
        let CompiledNodes { nodes, brokers, node_pols, n_replicas } = compile_nodes(design);
        let op_names = operation_names(design, &by_id);
        let (edges, policies) = compile_edges(design, &mut undrawable);
        let (handlers, node_handlers) = compile_handlers(design, &op_names, &mut undrawable);
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
        plan.mark_plain_nodes();
        let steps_from = step_edges_by_source(design, &by_id);
        for h in 0..plan.handlers.len() {
            plan.compile_steps(design, h, &steps_from, &by_id);
        }
        plan.compile_subscriptions(design, &by_id);
        plan.compile_workloads(design, &by_id, &mut undrawable);
        match undrawable {
            None => Ok(plan),
            Some(m) => Err(m),
        }
    }

    /// A station with none of the per-visit extras takes the short path.
    fn mark_plain_nodes(&mut self) {
        for n in &mut self.nodes {
            n.plain = !n.inline
                && n.pol == NONE
                && !n.faulted
                && !n.dynamic
                && n.disc == NONE
                && n.error_p == 0.0
                && n.hit_ratio == 0.0
                && n.broker == NONE;
        }
    }

    /// Build the stages and branch groups of handler `h`.
    fn compile_steps(&mut self, design: &Design, h: usize, steps_from: &[Vec<usize>], by_id: &NodeIndex<'_>) {
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
        let stage_members = stages_of(design, &steps);

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

    /// One consumer per subscription edge, listed on its broker.
    fn compile_subscriptions(&mut self, design: &Design, by_id: &NodeIndex<'_>) {
        for (ei, e) in design.edges.iter().enumerate() {
            if e.kind != EdgeKind::Subscription {
                continue;
            }
            let (Some(from), Some(to)) = (by_id.get(e.from.as_str()).copied(), by_id.get(e.to.as_str()).copied())
            else {
                continue;
            };
            let broker = self.nodes.get(from as usize).map_or(NONE, |n| n.broker);
            if broker == NONE {
                // Validation refuses a subscription from anything but a broker.
                continue;
            }
            let s = e.subscription.clone().unwrap_or_default();
            let handler = self.handler(to, e.target_operation.as_deref());
            self.subs.push(PSub {
                edge: ei as u32,
                broker,
                consumer: to,
                handler,
                concurrency: s.concurrency.max(1),
                max_deliveries: s.max_deliveries.max(1),
                redelivery_ns: ms_to_ns(s.redelivery_delay_ms),
            });
            let si = (self.subs.len() - 1) as u32;
            if let Some(b) = self.brokers.get_mut(broker as usize) {
                b.subs.push(si);
            }
        }
    }

    /// Each workload's entry handler and arrival process (rates scaled).
    fn compile_workloads(&mut self, design: &Design, by_id: &NodeIndex<'_>, undrawable: &mut Undrawable) {
        for w in &design.workloads {
            let Some(entry) = by_id.get(w.entry.as_str()).copied() else { continue };
            let arrival = match &w.arrival {
                Arrival::Open { process, rate_per_s, profile } => {
                    let max_factor = profile.max_factor();
                    PArrival::Open {
                        poisson: *process == ArrivalProcess::Poisson,
                        rate_per_s: (rate_per_s * self.settings.rate_scale).max(0.0),
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
            let handler = self.handler(entry, w.operation.as_deref());
            self.workloads.push(PWorkload { name: w.name.clone(), entry, handler, arrival });
        }
    }
}

/// Ids looked up once: a scan of every node per edge would make compiling a
/// large design quadratic.
fn index_nodes(design: &Design) -> NodeIndex<'_> {
    let mut by_id = NodeIndex::new();
    for (i, n) in design.nodes.iter().enumerate() {
        if let Ok(i) = u32::try_from(i) {
            by_id.entry(n.id.as_str()).or_insert(i);
        }
    }
    by_id
}

/// Nodes and their replicas, brokers and node policies.
fn compile_nodes(design: &Design) -> CompiledNodes {
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
    CompiledNodes { nodes, brokers, node_pols, n_replicas }
}

/// Operation names per node: declared, used by edges, or entered by workloads.
fn operation_names(design: &Design, by_id: &NodeIndex<'_>) -> Vec<Vec<String>> {
    let index_of = |id: &str| by_id.get(id).copied();
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
    op_names
}

/// Edges with their network latency and call policy.
fn compile_edges(
    design: &Design,
    undrawable: &mut Undrawable,
) -> (Vec<PEdge>, Vec<crate::sim::policy::call_policies::PPolicy>) {
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
    (edges, policies)
}

/// One handler per operation of each node (the default, `None`, first), with
/// its service time; the handlers' steps are filled in later.
fn compile_handlers(
    design: &Design,
    op_names: &[Vec<String>],
    undrawable: &mut Undrawable,
) -> (Vec<Handler>, NodeHandlers) {
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
    (handlers, node_handlers)
}

/// Step edges (call, event, signal) by source node, in file order.
fn step_edges_by_source(design: &Design, by_id: &NodeIndex<'_>) -> Vec<Vec<usize>> {
    let mut steps_from: Vec<Vec<usize>> = vec![Vec::new(); design.nodes.len()];
    for (ei, e) in design.edges.iter().enumerate() {
        if matches!(e.kind, EdgeKind::Call | EdgeKind::Event | EdgeKind::Signal)
            && let Some(list) = by_id.get(e.from.as_str()).and_then(|i| steps_from.get_mut(*i as usize))
        {
            list.push(ei);
        }
    }
    steps_from
}

/// A handler's steps grouped into stages: (order, parallel group) → members
/// in file order; a step outside a parallel group is a stage of its own.
fn stages_of(design: &Design, steps: &[usize]) -> Vec<Vec<usize>> {
    let mut stage_keys: Vec<(u32, Option<String>)> = Vec::new();
    let mut stage_members: Vec<Vec<usize>> = Vec::new();
    for &ei in steps {
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
    stage_members
}
