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

use crate::model::{Arrival, BrokerMode, Design, Distribution, EdgeKind, NodeKind};
use crate::problem::{Problem, Severity, Target};

mod flows;
mod queueing;
mod times;

use flows::{loop_gain, visit_ratios};
use times::{add_lookups, fmt_rho, times};

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
pub fn estimate(design: &Design) -> Estimate {
    let plan = build_plan(design);
    let sccs = components(&plan);
    let mut problems = Vec::new();
    let diverges = loop_gain_problems(design, &plan, &sccs, &mut problems);
    let entries = entry_states(design, &plan);
    let ratios: Vec<Option<Vec<f64>>> =
        entries.iter().map(|e| if diverges { None } else { e.and_then(|s| visit_ratios(&plan, &sccs, s)) }).collect();
    let node_order = callees_first(design, &plan);
    let solved = solve_throughputs(design, &plan, &entries, &ratios, &node_order, diverges);
    let workloads = workload_rows(design, &entries, &solved);
    load_problems(design, &plan, &solved.nodes, &mut problems);
    Estimate { nodes: solved.nodes, workloads, problems }
}

/// The states' strongly connected components, sources first (the order
/// traffic flows in), each sorted.
fn components(plan: &Plan<'_>) -> Vec<Vec<usize>> {
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
    sccs
}

/// An error for every message loop whose gain is 1 or more; true when any
/// diverges (then no visit ratios exist).
fn loop_gain_problems(design: &Design, plan: &Plan<'_>, sccs: &[Vec<usize>], problems: &mut Vec<Problem>) -> bool {
    let mut diverges = false;
    for scc in sccs {
        let cyclic = scc.len() > 1
            || scc.first().is_some_and(|s| plan.out.get(*s).is_some_and(|o| o.iter().any(|(t, _, _)| t == s)));
        if !cyclic {
            continue;
        }
        let gain = loop_gain(plan, scc);
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
    diverges
}

/// The state each workload enters at (none when its entry is unknown).
fn entry_states(design: &Design, plan: &Plan<'_>) -> Vec<Option<usize>> {
    design
        .workloads
        .iter()
        .map(|w| {
            let node = *plan.index.get(w.entry.as_str())?;
            Some(state_of(design, &plan.first, node, w.operation.as_deref()))
        })
        .collect()
}

/// Sync order: callees before callers (reverse topological order of
/// call/signal edges), so a caller's downstream time is known when needed.
fn callees_first(design: &Design, plan: &Plan<'_>) -> Vec<usize> {
    let sync_arcs =
        design.edges.iter().filter(|e| matches!(e.kind, EdgeKind::Call | EdgeKind::Signal)).filter_map(|e| {
            let (&a, &b) = (plan.index.get(e.from.as_str())?, plan.index.get(e.to.as_str())?);
            (a != b).then_some((a, b))
        });
    crate::scc::strongly_connected(&crate::scc::successors_like_digraph(design.nodes.len(), sync_arcs))
        .into_iter()
        .flatten()
        .collect()
}

/// What the traffic equations and the queueing times give together.
struct Solved {
    /// Per workload, requests per second.
    throughput: Vec<f64>,
    /// Per state, its response time in ms.
    response_state: Vec<f64>,
    /// Per node, its row of the estimate.
    nodes: Vec<NodeEstimate>,
}

/// Throughputs: open loops at their peak; closed loops by iterating
/// X = N / (Z + R) with the response times of the previous round.
fn solve_throughputs(
    design: &Design,
    plan: &Plan<'_>,
    entries: &[Option<usize>],
    ratios: &[Option<Vec<f64>>],
    node_order: &[usize],
    diverges: bool,
) -> Solved {
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
        add_lookups(design, plan, &mut lambda);
        let (rows, resp) = times(design, plan, &lambda, node_order, diverges);
        node_rows = rows;
        response_state = resp;
        if round + 1 < rounds {
            update_closed_loops(design, entries, &response_state, round, &mut throughput);
        }
    }
    Solved { throughput, response_state, nodes: node_rows }
}

/// One damped step of every closed loop's throughput towards N / (Z + R).
fn update_closed_loops(
    design: &Design,
    entries: &[Option<usize>],
    response_state: &[f64],
    round: usize,
    throughput: &mut [f64],
) {
    for (w, wl) in design.workloads.iter().enumerate() {
        if let Arrival::Closed { users, think_time } = &wl.arrival {
            let r = entries.get(w).copied().flatten().and_then(|s| response_state.get(s).copied()).unwrap_or(0.0);
            let z = think_time.mean_ms();
            let x_new = if (z + r).is_finite() && z + r > 0.0 { f64::from(*users) / (z + r) * 1000.0 } else { 0.0 };
            if let Some(x) = throughput.get_mut(w) {
                // Damped update keeps the fixed point from oscillating near saturation.
                *x = if round == 0 { x_new } else { 0.5 * *x + 0.5 * x_new };
            }
        }
    }
}

/// Per workload, its throughput and the response time of its entry state.
fn workload_rows(design: &Design, entries: &[Option<usize>], solved: &Solved) -> Vec<WorkloadEstimate> {
    design
        .workloads
        .iter()
        .enumerate()
        .map(|(w, wl)| WorkloadEstimate {
            name: wl.name.clone(),
            throughput_per_s: solved.throughput.get(w).copied().unwrap_or(0.0),
            response_time_ms: entries
                .get(w)
                .copied()
                .flatten()
                .and_then(|s| solved.response_state.get(s).copied())
                .unwrap_or(f64::INFINITY),
        })
        .collect()
}

/// A warning for every hot or overloaded node.
fn load_problems(design: &Design, plan: &Plan<'_>, node_rows: &[NodeEstimate], problems: &mut Vec<Problem>) {
    for row in node_rows {
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
}

#[cfg(test)]
mod tests;
