//! The instant capacity estimate: per node arrival rate, holding time and
//! utilization ρ, computed analytically (no simulation) fast enough to run on
//! every edit in the GUI.
//!
//! Traffic equations: every (node, operation) pair is a state; a visit to a
//! state causes expected visits to others through its steps (probability ×
//! branch share × calls per request × the share that is not an error or a
//! cache hit), brokers split (queue) or copy (topic) to subscriptions, and
//! redelivery multiplies consumer visits. The system `v = e + Pᵀv` is solved per
//! strongly connected component, so event loops are allowed as long as their
//! gain is below 1.
//!
//! Times: callee response times are computed before their callers (sync calls
//! form a DAG), with an M/M/c waiting time (Erlang C) scaled by the service
//! time's variability (Allen–Cunneen). A blocking node holds its worker for
//! its own service plus its expected downstream time; parallel groups count
//! their slowest member's mean. These are estimates, labelled as such.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Arrival, BrokerMode, Concurrency, Design, Distribution, EdgeKind, NodeKind};
use crate::problem::{Problem, Severity, Target};

mod flows;
mod queueing;

use flows::{loop_gain, visit_ratios};
use queueing::wait_ms;

/// Utilization at or above which a node is hot.
pub const HOT: f64 = 0.8;

/// How loaded a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Load {
    /// No traffic reaches it, or it has no workers of its own (clients, receivers).
    Idle,
    /// ρ < 0.8.
    Calm,
    /// 0.8 ≤ ρ < 1.
    Hot,
    /// ρ ≥ 1: queues grow without bound.
    Overloaded,
}

impl Load {
    /// Classify a utilization.
    #[must_use]
    pub fn of(utilization: f64) -> Self {
        if utilization >= 1.0 || utilization.is_nan() {
            Self::Overloaded
        } else if utilization >= HOT {
            Self::Hot
        } else if utilization > 0.0 {
            Self::Calm
        } else {
            Self::Idle
        }
    }
}

/// The estimate for one node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeEstimate {
    /// Node id.
    pub id: String,
    /// Visits per second at the workloads' peak rates.
    pub arrival_rate_per_s: f64,
    /// Mean service time per visit, ms.
    pub service_time_ms: f64,
    /// Mean time a worker is held per visit (service, plus downstream for blocking nodes), ms.
    pub holding_time_ms: f64,
    /// Mean queueing delay (M/M/c estimate), ms; infinite when overloaded.
    pub wait_time_ms: f64,
    /// Mean time from arrival to response, downstream included, ms.
    pub response_time_ms: f64,
    /// ρ = λ·holding / (replicas × workers); `None` for nodes without workers of their own.
    pub utilization: Option<f64>,
    /// Classification of ρ.
    pub load: Load,
}

/// The estimate for one workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadEstimate {
    /// Workload name.
    pub name: String,
    /// Requests per second entering (peak rate for open loops; estimated for closed loops).
    pub throughput_per_s: f64,
    /// Estimated mean end-to-end response time, ms.
    pub response_time_ms: f64,
}

/// The whole estimate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Per node, in design order.
    pub nodes: Vec<NodeEstimate>,
    /// Per workload, in design order.
    pub workloads: Vec<WorkloadEstimate>,
    /// Loop-gain errors and hot/overloaded warnings.
    pub problems: Vec<Problem>,
}

impl Estimate {
    /// The estimate of the node with this id.
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&NodeEstimate> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// A (node, operation) state: operation 0 is the default handling, k the k-th operation.
#[derive(Clone, Copy, Debug)]
struct State {
    node: usize,
    op: usize,
}

/// The state graph of a design.
struct Plan<'a> {
    states: Vec<State>,
    /// First state index of each node.
    first: Vec<usize>,
    /// Outgoing visit transfers per state: (target state, expected visits per visit, edge index).
    out: Vec<Vec<(usize, f64, Option<usize>)>>,
    /// Node index by id.
    index: BTreeMap<&'a str, usize>,
}

fn state_of(design: &Design, first: &[usize], node: usize, op: Option<&str>) -> usize {
    let base = first.get(node).copied().unwrap_or(0);
    let k = op
        .and_then(|name| design.nodes.get(node).and_then(|n| n.operations.iter().position(|o| o.name == name)))
        .map_or(0, |i| i + 1);
    base + k
}

/// Share of visits whose steps run: not an error, and not a cache hit.
fn step_share(design: &Design, node: usize) -> f64 {
    let Some(n) = design.nodes.get(node) else { return 0.0 };
    let ok = (1.0 - n.error_probability).clamp(0.0, 1.0);
    let miss = match (n.kind, &n.cache) {
        (NodeKind::Cache, Some(c)) => (1.0 - c.hit_ratio).clamp(0.0, 1.0),
        _ => 1.0,
    };
    ok * miss
}

fn build_plan(design: &Design) -> Plan<'_> {
    let index: BTreeMap<&str, usize> = design.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    // Edges by their source node, in file order: each state looks only at its
    // node's edges (a scan of every edge per state would be quadratic).
    let mut edges_from: Vec<Vec<usize>> = vec![Vec::new(); design.nodes.len()];
    for (ei, e) in design.edges.iter().enumerate() {
        if let Some(list) = index.get(e.from.as_str()).and_then(|&i| edges_from.get_mut(i)) {
            list.push(ei);
        }
    }
    let mut states = Vec::new();
    let mut first = Vec::with_capacity(design.nodes.len());
    for (i, n) in design.nodes.iter().enumerate() {
        first.push(states.len());
        for op in 0..=n.operations.len() {
            states.push(State { node: i, op });
        }
    }
    let mut out = vec![Vec::new(); states.len()];
    for (s, st) in states.iter().enumerate() {
        let Some(node) = design.nodes.get(st.node) else { continue };
        let own: Vec<(usize, &crate::model::Edge)> = edges_from
            .get(st.node)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|&ei| design.edges.get(ei).map(|e| (ei, e)))
            .collect();
        let op_name = st.op.checked_sub(1).and_then(|k| node.operations.get(k)).map(|o| o.name.as_str());
        let share = step_share(design, st.node);
        let applies = |e: &crate::model::Edge| e.operation.as_deref().is_none_or(|o| Some(o) == op_name);
        if node.kind == NodeKind::Broker {
            let subs: Vec<(usize, &crate::model::Edge)> =
                own.iter().copied().filter(|(_, e)| e.kind == EdgeKind::Subscription).collect();
            let mode = node.broker.as_ref().map(|b| b.mode).unwrap_or_default();
            #[allow(clippy::cast_precision_loss, reason = "subscription counts are small")]
            let split = if mode == BrokerMode::Queue && !subs.is_empty() { 1.0 / subs.len() as f64 } else { 1.0 };
            for (ei, e) in subs {
                let Some(&to) = index.get(e.to.as_str()) else { continue };
                let consumer_fail = design.nodes.get(to).map_or(0.0, |c| c.error_probability.clamp(0.0, 1.0));
                let tries = e.subscription.as_ref().map_or(1, |x| x.max_deliveries.max(1));
                // Expected deliveries: 1 + p + … + p^(N−1).
                let deliveries: f64 =
                    (0..tries.min(64)).map(|k| consumer_fail.powi(i32::try_from(k).unwrap_or(0))).sum();
                let t = state_of(design, &first, to, e.target_operation.as_deref());
                if let Some(o) = out.get_mut(s) {
                    o.push((t, share * split * e.probability * deliveries, Some(ei)));
                }
            }
            continue;
        }
        // Branch groups: weight share within each group.
        let mut group_weight: BTreeMap<&str, f64> = BTreeMap::new();
        for (_, e) in own.iter().filter(|(_, e)| applies(e)) {
            if let Some(b) = &e.branch {
                *group_weight.entry(b.group.as_str()).or_default() += b.weight.max(0.0);
            }
        }
        for &(ei, e) in &own {
            if !applies(e) || e.kind == EdgeKind::Subscription {
                continue;
            }
            let Some(&to) = index.get(e.to.as_str()) else { continue };
            let branch = match &e.branch {
                Some(b) => {
                    let total = group_weight.get(b.group.as_str()).copied().unwrap_or(0.0);
                    if total > 0.0 { b.weight.max(0.0) / total } else { 0.0 }
                }
                None => 1.0,
            };
            let visits = share * e.probability * branch * f64::from(e.calls_per_request);
            let t = state_of(design, &first, to, e.target_operation.as_deref());
            if let Some(o) = out.get_mut(s) {
                o.push((t, visits, Some(ei)));
            }
        }
    }
    Plan { states, first, out, index }
}

fn service_of(design: &Design, st: State) -> Option<&Distribution> {
    let n = design.nodes.get(st.node)?;
    Some(
        st.op
            .checked_sub(1)
            .and_then(|k| n.operations.get(k))
            .and_then(|o| o.service_time.as_ref())
            .unwrap_or(&n.service_time),
    )
}

/// Whether the node serves requests on workers of its own.
fn has_station(kind: NodeKind) -> bool {
    !matches!(kind, NodeKind::Client | NodeKind::Receiver)
}

/// Estimate the load of every node. Never fails: parts that cannot be computed
/// (e.g. an event loop with gain ≥ 1) yield a problem and infinite figures.
#[must_use]
#[allow(clippy::too_many_lines, reason = "one pass over the plan, easier to follow in one piece")]
pub fn estimate(design: &Design) -> Estimate {
    let plan = build_plan(design);
    let mut problems = Vec::new();

    let arcs = plan
        .out
        .iter()
        .enumerate()
        .flat_map(|(s, outs)| outs.iter().filter(|&&(_, f, _)| f > 0.0).map(move |&(t, _, _)| (s, t)));
    // Components come sinks first; traffic flows sources first.
    let mut sccs: Vec<Vec<usize>> =
        crate::scc::strongly_connected(&crate::scc::successors_like_digraph(plan.states.len(), arcs));
    for c in &mut sccs {
        c.sort_unstable();
    }
    sccs.reverse();
    let mut diverges = false;
    for scc in &sccs {
        let cyclic = scc.len() > 1
            || scc.first().is_some_and(|s| plan.out.get(*s).is_some_and(|o| o.iter().any(|(t, _, _)| t == s)));
        if !cyclic {
            continue;
        }
        let gain = loop_gain(&plan, scc);
        if gain >= 1.0 - 1e-9 {
            diverges = true;
            let mut names: Vec<&str> = scc
                .iter()
                .filter_map(|&s| plan.states.get(s).and_then(|st| design.nodes.get(st.node)))
                .map(|n| n.name.as_str())
                .collect();
            names.dedup();
            let first = scc.first().and_then(|&s| plan.states.get(s)).and_then(|st| design.nodes.get(st.node));
            if let Some(n) = first {
                problems.push(Problem {
                    severity: Severity::Error,
                    path: format!("nodes[{}]", n.id),
                    message: crate::msg!(
                        "engine-message-loop-gain",
                        "message loop through {cycle} has gain {gain} ≥ 1: each message causes at least one more, so traffic grows without bound",
                        cycle = names.join(" → "),
                        gain = format!("{gain:.2}")
                    ),
                    target: Target::Node(n.id.clone()),
                });
            }
        }
    }

    // Visit ratios per workload entry.
    let entries: Vec<Option<usize>> = design
        .workloads
        .iter()
        .map(|w| {
            let node = *plan.index.get(w.entry.as_str())?;
            Some(state_of(design, &plan.first, node, w.operation.as_deref()))
        })
        .collect();
    let ratios: Vec<Option<Vec<f64>>> =
        entries.iter().map(|e| if diverges { None } else { e.and_then(|s| visit_ratios(&plan, &sccs, s)) }).collect();

    // Sync order: callees before callers (reverse topological order of call/signal edges).
    let sync_arcs =
        design.edges.iter().filter(|e| matches!(e.kind, EdgeKind::Call | EdgeKind::Signal)).filter_map(|e| {
            let (&a, &b) = (plan.index.get(e.from.as_str())?, plan.index.get(e.to.as_str())?);
            (a != b).then_some((a, b))
        });
    let node_order: Vec<usize> =
        crate::scc::strongly_connected(&crate::scc::successors_like_digraph(design.nodes.len(), sync_arcs))
            .into_iter()
            .flatten()
            .collect();

    // Throughputs: open loops at their peak; closed loops by iterating X = N / (Z + R).
    let mut throughput: Vec<f64> = design
        .workloads
        .iter()
        .map(|w| match &w.arrival {
            Arrival::Open { rate_per_s, profile, .. } => rate_per_s * profile.max_factor(),
            Arrival::Closed { .. } => 0.0,
        })
        .collect();
    let has_closed = design.workloads.iter().any(|w| matches!(w.arrival, Arrival::Closed { .. }));
    let rounds = if has_closed { 30 } else { 1 };
    let n_states = plan.states.len();
    let mut response_state = vec![0.0; n_states];
    let mut node_rows: Vec<NodeEstimate> = Vec::new();
    for round in 0..rounds {
        // λ per state.
        let mut lambda = vec![0.0; n_states];
        for (w, r) in ratios.iter().enumerate() {
            let x = throughput.get(w).copied().unwrap_or(0.0);
            if let Some(r) = r {
                for (l, v) in lambda.iter_mut().zip(r) {
                    *l += x * v;
                }
            }
        }
        add_lookups(design, &plan, &mut lambda);
        let (rows, resp) = times(design, &plan, &lambda, &node_order, diverges);
        node_rows = rows;
        response_state = resp;
        if round + 1 < rounds {
            for (w, wl) in design.workloads.iter().enumerate() {
                if let Arrival::Closed { users, think_time } = &wl.arrival {
                    let r =
                        entries.get(w).copied().flatten().and_then(|s| response_state.get(s).copied()).unwrap_or(0.0);
                    let z = think_time.mean_ms();
                    let x_new =
                        if (z + r).is_finite() && z + r > 0.0 { f64::from(*users) / (z + r) * 1000.0 } else { 0.0 };
                    if let Some(x) = throughput.get_mut(w) {
                        // Damped update keeps the fixed point from oscillating near saturation.
                        *x = if round == 0 { x_new } else { 0.5 * *x + 0.5 * x_new };
                    }
                }
            }
        }
    }
    let workloads = design
        .workloads
        .iter()
        .enumerate()
        .map(|(w, wl)| WorkloadEstimate {
            name: wl.name.clone(),
            throughput_per_s: throughput.get(w).copied().unwrap_or(0.0),
            response_time_ms: entries
                .get(w)
                .copied()
                .flatten()
                .and_then(|s| response_state.get(s).copied())
                .unwrap_or(f64::INFINITY),
        })
        .collect();
    for row in &node_rows {
        let Some(node) = plan.index.get(row.id.as_str()).and_then(|&i| design.nodes.get(i)) else { continue };
        let Some(u) = row.utilization else { continue };
        let (severity, msg) = match row.load {
            Load::Overloaded => (
                Severity::Warning,
                crate::msg!(
                    "engine-overloaded",
                    "overloaded: estimated utilization {rho} at peak load; queues grow without bound",
                    rho = fmt_rho(u)
                ),
            ),
            Load::Hot => (
                Severity::Warning,
                crate::msg!(
                    "engine-hot",
                    "hot: estimated utilization {rho} at peak load (≥ {hot})",
                    rho = format!("{u:.2}"),
                    hot = HOT
                ),
            ),
            _ => continue,
        };
        problems.push(Problem {
            severity,
            path: format!("nodes[{}].capacity", node.id),
            message: msg,
            target: Target::Node(node.id.clone()),
        });
    }
    Estimate { nodes: node_rows, workloads, problems }
}

/// Client-side discovery puts lookups on the registry: each calling node's
/// cache expires every `cache_ttl_s`, so a registry sees about one lookup per
/// caller per TTL (every call when the TTL is 0), whatever the call rate.
fn add_lookups(design: &Design, plan: &Plan<'_>, lambda: &mut [f64]) {
    let discovered: Vec<(usize, &crate::model::Discovery, usize)> = design
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(target, n)| {
            let d = n.discovery.as_ref()?;
            if d.mode != crate::model::DiscoveryMode::ClientSide {
                return None;
            }
            let registry = *plan.index.get(d.registry.as_deref()?)?;
            Some((target, d, registry))
        })
        .collect();
    if discovered.is_empty() {
        return;
    }
    // Call rate into each node per calling node, in one pass over the transfers.
    let mut per_caller: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (s, outs) in plan.out.iter().enumerate() {
        let (Some(st), Some(&l)) = (plan.states.get(s), lambda.get(s)) else { continue };
        for &(t, visits, edge) in outs {
            let calls = edge.and_then(|e| design.edges.get(e)).is_some_and(|e| e.kind == EdgeKind::Call);
            if let (true, Some(to)) = (calls, plan.states.get(t)) {
                *per_caller.entry((to.node, st.node)).or_default() += l * visits;
            }
        }
    }
    for (target, d, registry) in discovered {
        let lookups_per_s: f64 = per_caller
            .range((target, 0)..=(target, usize::MAX))
            .map(|(_, &rate)| rate)
            .filter(|&rate| rate > 0.0)
            .map(|rate| if d.cache_ttl_s > 0.0 { rate.min(1.0 / d.cache_ttl_s) } else { rate })
            .sum();
        if let Some(l) = lambda.get_mut(state_of(design, &plan.first, registry, None)) {
            *l += lookups_per_s;
        }
    }
}

fn fmt_rho(u: f64) -> String {
    if u.is_finite() { format!("{u:.2}") } else { "∞ (a dependency is overloaded)".to_owned() }
}

/// Per-node figures and per-state response times for given state arrival rates.
fn times(
    design: &Design,
    plan: &Plan<'_>,
    lambda: &[f64],
    node_order: &[usize],
    diverges: bool,
) -> (Vec<NodeEstimate>, Vec<f64>) {
    let n_states = plan.states.len();
    let mut response = vec![0.0; n_states];
    let mut rows: Vec<Option<NodeEstimate>> = vec![None; design.nodes.len()];
    for &ni in node_order {
        let Some(node) = design.nodes.get(ni) else { continue };
        let first = plan.first.get(ni).copied().unwrap_or(0);
        let states = first..first + node.operations.len() + 1;
        let station = has_station(node.kind);
        let mut sum_l = 0.0;
        let mut sum_lh = 0.0;
        let mut sum_ls = 0.0;
        let mut sum_lscv = 0.0;
        let mut own: Vec<(usize, f64, f64)> = Vec::new(); // (state, service, downstream)
        for s in states {
            let Some(&st) = plan.states.get(s) else { continue };
            // Clients are load sources with no work of their own; receivers run inline on their host.
            let service = if node.kind == NodeKind::Client {
                0.0
            } else {
                service_of(design, st).map_or(0.0, Distribution::mean_ms)
            };
            let downstream = downstream_ms(design, plan, s, &response);
            let l = lambda.get(s).copied().unwrap_or(0.0);
            let holding = match node.capacity.concurrency {
                Concurrency::Blocking => service + downstream,
                Concurrency::Async => service,
            };
            sum_l += l;
            sum_lh += l * holding;
            sum_ls += l * service;
            sum_lscv += l * service_of(design, st).map_or(1.0, Distribution::scv);
            own.push((s, service, downstream));
        }
        let lambda_per_s = if diverges { f64::INFINITY } else { sum_l };
        let holding = if sum_l > 0.0 { sum_lh / sum_l } else { own.first().map_or(0.0, |(_, s, d)| s + d) };
        let service = if sum_l > 0.0 { sum_ls / sum_l } else { own.first().map_or(0.0, |(_, s, _)| *s) };
        let scv = if sum_l > 0.0 { sum_lscv / sum_l } else { 1.0 };
        let replicas = node.capacity.replicas.max(1);
        let workers = node.capacity.workers.max(1);
        let (wait, utilization) = if station {
            // No traffic is no load, even behind an overloaded dependency (0 × ∞).
            let u = if lambda_per_s == 0.0 {
                0.0
            } else {
                lambda_per_s * holding / 1000.0 / (f64::from(replicas) * f64::from(workers))
            };
            let per_replica_per_ms = lambda_per_s / 1000.0 / f64::from(replicas);
            (wait_ms(per_replica_per_ms, holding, workers, scv), Some(u))
        } else {
            (0.0, None)
        };
        for &(s, sv, d) in &own {
            if let Some(r) = response.get_mut(s) {
                *r = wait + sv + d;
            }
        }
        let response_ms = if sum_l > 0.0 {
            own.iter().map(|&(s, sv, d)| lambda.get(s).copied().unwrap_or(0.0) * (wait + sv + d)).sum::<f64>() / sum_l
        } else {
            wait + holding
        };
        let load = match utilization {
            _ if lambda_per_s == 0.0 => Load::Idle,
            Some(u) if u.is_nan() || u.is_infinite() => Load::Overloaded,
            Some(u) => Load::of(u),
            None => Load::Idle,
        };
        if let Some(row) = rows.get_mut(ni) {
            *row = Some(NodeEstimate {
                id: node.id.clone(),
                arrival_rate_per_s: lambda_per_s,
                service_time_ms: service,
                holding_time_ms: holding,
                wait_time_ms: wait,
                response_time_ms: response_ms,
                utilization,
                load,
            });
        }
    }
    (rows.into_iter().flatten().collect(), response)
}

/// Expected synchronous time of a state's steps, given one visit.
fn downstream_ms(design: &Design, plan: &Plan<'_>, s: usize, response: &[f64]) -> f64 {
    let Some(st) = plan.states.get(s) else { return 0.0 };
    let Some(node) = design.nodes.get(st.node) else { return 0.0 };
    if node.kind == NodeKind::Broker {
        return 0.0;
    }
    // Steps grouped by (order, parallel group): sequential steps add, a parallel
    // group counts its slowest member.
    let mut stages: BTreeMap<(u32, Option<&str>), Vec<f64>> = BTreeMap::new();
    for &(t, visits, edge) in plan.out.get(s).map_or(&[][..], Vec::as_slice) {
        let Some(e) = edge.and_then(|i| design.edges.get(i)) else { continue };
        let net = e.network_latency.as_ref().map_or(0.0, Distribution::mean_ms);
        let callee = response.get(t).copied().unwrap_or(0.0);
        let per_visit = match e.kind {
            EdgeKind::Call => 2.0 * net + callee,
            EdgeKind::Signal => callee,
            EdgeKind::Event | EdgeKind::Subscription => 0.0,
        };
        // `visits` already includes the step share; the stage time is per visit of this state.
        let key = match &e.parallel_group {
            Some(g) => (e.order, Some(g.as_str())),
            None => (e.order, None),
        };
        stages.entry(key).or_default().push(visits * per_visit);
    }
    stages
        .into_iter()
        .map(
            |((_, group), times)| {
                if group.is_some() { times.into_iter().fold(0.0, f64::max) } else { times.into_iter().sum() }
            },
        )
        .sum()
}

#[cfg(test)]
mod tests;
