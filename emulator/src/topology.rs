//! The design as the emulator runs it: per node its capacity and its
//! handlers (one per operation), each handler's steps in stages, and the
//! parts of the design not emulated yet, named so a run refuses them.
//!
//! The steps are built by the rules the simulator's plan compiler follows
//! (`engine/src/sim/core/plan.rs`, `compile_steps`): a node's call, signal
//! and event edges in file order, those of another operation left out, sorted
//! stably by `order`; edges sharing `(order, parallel_group)` form one
//! parallel stage, every other edge a stage of its own; branch members carry
//! their group and weight, normalised to cumulative shares in step order.

use std::collections::BTreeMap;

use engine::model::{Design, Distribution, EdgeKind, LoadBalancer, NodeKind};
use engine::sampling::{BranchGroup, Sampler};

use crate::error::EmulateError;

/// One step of a handler: a call of another node, or a signal that runs a
/// receiver in-process on the sender's task.
#[derive(Clone, Debug)]
pub struct Step {
    /// The edge's id (metrics, messages).
    pub edge: String,
    /// Index of the called node.
    pub to_node: usize,
    /// The called operation (`None`: the callee's default handling).
    pub to_operation: Option<String>,
    /// Probability that the step is taken, drawn per request.
    pub probability: f64,
    /// Sequential repeats per request.
    pub calls: u32,
    /// Network latency each way, or `None` when there is none.
    pub latency: Option<Sampler>,
    /// The step's branch group (index into [`Handler::groups`]) and its bit.
    pub branch: Option<(usize, u8)>,
    /// The edge's call policy (timeouts, retries, breaker, bulkhead, fallback).
    pub policy: Option<engine::model::CallPolicy>,
    /// A signal (`Some(robust)`): the receiver runs in-process, no network,
    /// and with `robust` (Django's `send_robust`) its failure does not fail
    /// the sender.
    pub signal: Option<bool>,
    /// A publish to a broker (`Some(when_full)`), see [`crate::broker`].
    pub publish: Option<engine::model::WhenFull>,
    /// A call into a client-side discovered node: the caller's cache of its
    /// instance list (index into [`Topology::caches`]), see [`crate::discovery`].
    pub cache: Option<usize>,
}

/// One operation of a node.
#[derive(Clone, Debug)]
pub struct Handler {
    /// The operation's name (`None`: the default handling).
    pub operation: Option<String>,
    /// Service time.
    pub service: Sampler,
    /// Stages run in turn; a stage's steps run concurrently and join.
    pub stages: Vec<Vec<Step>>,
    /// Branch groups of this handler.
    pub groups: Vec<BranchGroup>,
}

/// A node as the emulator runs it.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// A load source: no station and no service time (as the simulator treats clients).
    pub client: bool,
    /// A signal receiver: no station, it runs on its sender's task (service
    /// time slept there), as the simulator runs receivers inline.
    pub receiver: bool,
    /// Replicas behind the load balancer.
    pub replicas: u32,
    /// Workers per replica.
    pub workers: u32,
    /// Queue capacity per replica (`None`: unbounded).
    pub queue_capacity: Option<u32>,
    /// How a replica is chosen.
    pub load_balancer: LoadBalancer,
    /// Whether a worker is held while downstream calls run.
    pub blocking: bool,
    /// Probability that serving fails.
    pub error_probability: f64,
    /// Cache hit ratio (0 for every node but a cache).
    pub hit_ratio: f64,
    /// Ingress rate limit.
    pub rate_limit: Option<engine::model::RateLimit>,
    /// Handlers, the default one first.
    pub handlers: Vec<Handler>,
    /// The faults scheduled on it.
    pub faults: crate::faults::NodeFaults,
    /// A broker's settings, subscriptions and outages.
    pub broker: Option<crate::broker::BrokerSpec>,
    /// Outlier ejection of its replicas by its load balancer.
    pub outlier_ejection: Option<engine::model::OutlierEjection>,
    /// Its autoscaler (its station then has the autoscaler's slots).
    pub autoscaling: Option<engine::policy::Autoscaler>,
    /// Its service discovery: the compiled rule and its registry node.
    pub discovery: Option<NodeDiscovery>,
}

/// A discovered node's discovery, compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeDiscovery {
    /// The shared part's rule.
    pub rule: engine::policy::DiscoveryRule,
    /// The registry node (`None`: the platform's own).
    pub registry: Option<usize>,
}

/// A caller's cache of a client-side discovered node's instance list, one
/// per calling node and discovered node (shared by the caller's replicas,
/// as in the simulator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheKey {
    /// The calling node.
    pub caller: usize,
    /// The discovered node.
    pub node: usize,
}

impl Node {
    /// The handler for `operation`: the named one, else the default one (as
    /// the simulator routes an unknown operation).
    #[must_use]
    pub fn handler(&self, operation: Option<&str>) -> Option<usize> {
        operation
            .and_then(|op| self.handlers.iter().position(|h| h.operation.as_deref() == Some(op)))
            .or_else(|| (!self.handlers.is_empty()).then_some(0))
    }
}

/// The whole design as the emulator runs it.
#[derive(Clone, Debug)]
pub struct Topology {
    /// Nodes in design order.
    pub nodes: Vec<Node>,
    /// The faults scheduled on each call, event or subscription edge that has any, by edge id.
    pub edge_faults: BTreeMap<String, crate::faults::NodeFaults>,
    /// The callers' caches of client-side discovered nodes.
    pub caches: Vec<CacheKey>,
}

impl Topology {
    /// Build the emulated topology of an analysed design (one without errors).
    ///
    /// # Errors
    /// [`EmulateError::NotEmulated`] naming every part of the design the
    /// emulator does not run yet, and [`EmulateError::Undrawable`] for a
    /// distribution the sampler refuses.
    pub fn of(design: &Design) -> Result<Self, EmulateError> {
        let missing = not_emulated(design);
        if !missing.is_empty() {
            return Err(EmulateError::NotEmulated(missing));
        }
        let by_id: BTreeMap<&str, usize> =
            design.nodes.iter().enumerate().rev().map(|(i, n)| (n.id.as_str(), i)).collect();
        let draw =
            |d: &Distribution, path: String| Sampler::new(d).map_err(|e| EmulateError::Undrawable(path, e.to_string()));

        // Operation names per node, as the plan compiler collects them:
        // declared, used by edges, or entered by workloads.
        let mut ops: Vec<Vec<String>> =
            design.nodes.iter().map(|n| n.operations.iter().map(|o| o.name.clone()).collect()).collect();
        let mut add = |node: &str, op: &Option<String>| {
            if let (Some(&i), Some(op)) = (by_id.get(node), op)
                && let Some(list) = ops.get_mut(i)
                && !list.contains(op)
            {
                list.push(op.clone());
            }
        };
        for e in &design.edges {
            add(&e.from, &e.operation);
            add(&e.to, &e.target_operation);
        }
        for w in &design.workloads {
            add(&w.entry, &w.operation);
        }

        let mut nodes = Vec::with_capacity(design.nodes.len());
        for (i, n) in design.nodes.iter().enumerate() {
            let client = n.kind == NodeKind::Client;
            let mut handlers = Vec::new();
            let names = ops.get(i).cloned().unwrap_or_default();
            for op in std::iter::once(None).chain(names.into_iter().map(Some)) {
                let dist = n.service_time_of(op.as_deref());
                let service =
                    if client { Sampler::constant_ns(0) } else { draw(dist, format!("nodes[{}].service_time", n.id))? };
                let (stages, groups) = steps(design, &n.id, op.as_deref(), &by_id)?;
                handlers.push(Handler { operation: op, service, stages, groups });
            }
            nodes.push(Node {
                id: n.id.clone(),
                name: n.name.clone(),
                client,
                receiver: n.kind == NodeKind::Receiver,
                replicas: n.capacity.replicas.max(1),
                workers: n.capacity.workers.max(1),
                queue_capacity: n.capacity.queue_capacity,
                load_balancer: n.capacity.load_balancer,
                blocking: n.capacity.concurrency == engine::model::Concurrency::Blocking,
                error_probability: n.error_probability.clamp(0.0, 1.0),
                hit_ratio: if n.kind == NodeKind::Cache {
                    n.cache.as_ref().map_or(0.0, |c| c.hit_ratio.clamp(0.0, 1.0))
                } else {
                    0.0
                },
                // Inline runs pass no admission, as in the simulator.
                rate_limit: n.policies.rate_limit.clone().filter(|_| n.kind != NodeKind::Receiver),
                handlers,
                faults: crate::faults::NodeFaults::of(design, &n.id),
                broker: crate::broker::BrokerSpec::of(design, n, &by_id)?,
                outlier_ejection: n.policies.outlier_ejection.clone(),
                autoscaling: n.policies.autoscaling.as_ref().map(engine::policy::Autoscaler::from_model),
                discovery: n.discovery.as_ref().map(|d| {
                    let registry = d.registry.as_deref().and_then(|r| by_id.get(r).copied());
                    NodeDiscovery { rule: engine::policy::DiscoveryRule::from_model(d, registry.is_some()), registry }
                }),
            });
        }
        // One cache per calling node and client-side discovered node, as the
        // simulator's plan keys them; only calls consult it.
        let mut caches: Vec<CacheKey> = Vec::new();
        for (caller, node) in nodes.iter_mut().enumerate() {
            for step in node.handlers.iter_mut().flat_map(|h| h.stages.iter_mut().flatten()) {
                if step.signal.is_some() || step.publish.is_some() {
                    continue;
                }
                let Some(to) = design.nodes.get(step.to_node) else { continue };
                let client_side = to.discovery.as_ref().is_some_and(|d| {
                    d.mode == engine::model::DiscoveryMode::ClientSide
                        && d.registry.as_deref().is_some_and(|r| by_id.contains_key(r))
                });
                if !client_side {
                    continue;
                }
                let key = CacheKey { caller, node: step.to_node };
                let ci = caches.iter().position(|k| *k == key).unwrap_or_else(|| {
                    caches.push(key);
                    caches.len() - 1
                });
                step.cache = Some(ci);
            }
        }
        let edge_faults = design
            .edges
            .iter()
            // A signal runs in-process: no edge fault reaches it, as in the simulator.
            .filter(|e| e.kind != EdgeKind::Signal)
            .map(|e| (e.id.clone(), crate::faults::NodeFaults::of_edge(design, &e.id)))
            .filter(|(_, f)| !f.is_empty())
            .collect();
        Ok(Self { nodes, edge_faults, caches })
    }

    /// The index of the node with this id.
    #[must_use]
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The shortest mean service time of a node that serves (clients have
    /// none), in milliseconds; `None` when no node has a positive one.
    #[must_use]
    pub fn shortest_mean_service_ms(design: &Design) -> Option<f64> {
        design
            .nodes
            .iter()
            .filter(|n| n.kind != NodeKind::Client)
            .flat_map(|n| {
                std::iter::once(n.service_time.mean_ms())
                    .chain(n.operations.iter().filter_map(|o| o.service_time.as_ref().map(Distribution::mean_ms)))
            })
            .filter(|m| *m > 0.0 && m.is_finite())
            .min_by(f64::total_cmp)
    }
}

/// The stages and branch groups of node `from`'s handler for `op`.
fn steps(
    design: &Design,
    from: &str,
    op: Option<&str>,
    by_id: &BTreeMap<&str, usize>,
) -> Result<(Vec<Vec<Step>>, Vec<BranchGroup>), EmulateError> {
    let mut edges: Vec<&engine::model::Edge> = design
        .edges
        .iter()
        .filter(|e| e.from == from && matches!(e.kind, EdgeKind::Call | EdgeKind::Signal | EdgeKind::Event))
        .filter(|e| e.operation.is_none() || e.operation.as_deref() == op)
        .collect();
    // Stable: ties keep file order.
    edges.sort_by_key(|e| e.order);

    let mut keys: Vec<(u32, Option<&str>)> = Vec::new();
    let mut stages: Vec<Vec<Step>> = Vec::new();
    let mut groups: Vec<BranchGroup> = Vec::new();
    let mut group_names: Vec<&str> = Vec::new();
    let mut weights: Vec<Vec<(u8, f64)>> = Vec::new();
    let mut bits = 0u8;
    for e in edges {
        let Some(&to_node) = by_id.get(e.to.as_str()) else { continue };
        let latency = match &e.network_latency {
            Some(d) => Some(
                Sampler::new(d)
                    .map_err(|x| EmulateError::Undrawable(format!("edges[{}].network_latency", e.id), x.to_string()))?,
            )
            .filter(|s| !s.is_zero()),
            None => None,
        };
        let branch = e.branch.as_ref().map(|b| {
            let g = group_names.iter().position(|n| *n == b.group).unwrap_or_else(|| {
                group_names.push(&b.group);
                weights.push(Vec::new());
                group_names.len() - 1
            });
            let bit = bits;
            bits = bits.saturating_add(1);
            if let Some(list) = weights.get_mut(g) {
                list.push((bit, b.weight.max(0.0)));
            }
            (g, bit)
        });
        let step = Step {
            edge: e.id.clone(),
            to_node,
            to_operation: e.target_operation.clone(),
            probability: e.probability.clamp(0.0, 1.0),
            calls: e.calls_per_request,
            latency,
            branch,
            policy: e.policy.clone().filter(|p| !p.is_empty() && e.kind == EdgeKind::Call),
            signal: (e.kind == EdgeKind::Signal).then_some(e.robust),
            publish: (e.kind == EdgeKind::Event).then(|| e.publish.clone().unwrap_or_default().when_full),
            cache: None,
        };
        let key = (e.order, e.parallel_group.as_deref());
        let found = if key.1.is_some() { keys.iter().position(|k| *k == key) } else { None };
        if let Some(stage) = found.and_then(|pos| stages.get_mut(pos)) {
            stage.push(step);
        } else {
            keys.push(key);
            stages.push(vec![step]);
        }
    }
    groups.extend(weights.iter().map(|members| BranchGroup::new(members)));
    Ok((stages, groups))
}

/// A part of the design the emulator does not run yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Missing {
    /// The autoscaling of a node found through service discovery (the
    /// registry would have to follow every start and stop) or of a signal
    /// receiver (it runs on its sender's workers).
    Autoscaling,
    /// A fault that fits no target (validation refuses it too).
    Fault,
}

impl Missing {
    /// What is missing, in English (the command line's words).
    #[must_use]
    pub fn english(self) -> &'static str {
        match self {
            Self::Autoscaling => {
                "autoscaling of a node found through service discovery or of a signal receiver is not emulated yet"
            }
            Self::Fault => "this fault fits no target the simulator runs it on, so it is not emulated either",
        }
    }
}

/// One place of the design the emulator refuses, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Refusal {
    /// The place, as `nodes[id].policies.autoscaling`.
    pub path: String,
    /// What is not emulated there.
    pub missing: Missing,
}

/// Every part of the design the emulator does not run yet, in design order,
/// so a run refuses the design instead of running it wrongly.
#[must_use]
pub fn refusals(design: &Design) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut add = |path: String, missing: Missing| out.push(Refusal { path, missing });
    for n in &design.nodes {
        let at = format!("nodes[{}]", n.id);
        if n.policies.autoscaling.is_some() && (n.discovery.is_some() || n.kind == NodeKind::Receiver) {
            add(format!("{at}.policies.autoscaling"), Missing::Autoscaling);
        }
    }
    for f in design.faults.iter().filter(|f| !crate::faults::emulated(design, f)) {
        add(format!("faults[{}]", f.name), Missing::Fault);
    }
    out
}

/// Every part of the design the emulator does not run yet, as
/// "path: what" ([`refusals`] in English).
#[must_use]
pub fn not_emulated(design: &Design) -> Vec<String> {
    refusals(design).iter().map(|r| format!("{}: {}", r.path, r.missing.english())).collect()
}
