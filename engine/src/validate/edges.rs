//! Edge rules: references, kinds that fit their ends, call policies, and
//! synchronous call cycles.

use std::collections::{BTreeMap, BTreeSet};

use super::{Sink, Target, node_path};
use crate::model::limits::MAX_BRANCH_STEPS;
use crate::model::{Backoff, CallPolicy, Design, Edge, EdgeKind, Node, NodeKind};

fn edge_path(e: &Edge) -> String {
    format!("edges[{}]", if e.id.is_empty() { "?" } else { &e.id })
}

/// The process a node runs in: a receiver's host, else the node itself.
fn process_of(n: &Node) -> &str {
    match (&n.kind, &n.host) {
        (NodeKind::Receiver, Some(h)) => h,
        _ => &n.id,
    }
}

#[allow(clippy::too_many_lines, reason = "one flat list of per-edge rules reads best in one place")]
pub(super) fn check_edges(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    let mut ids = BTreeSet::new();
    // (from, parallel group) → order, to check a group sits at one step.
    let mut group_orders: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for (i, e) in design.edges.iter().enumerate() {
        let t = Target::Edge(e.id.clone());
        let p = edge_path(e);
        if e.id.trim().is_empty() {
            sink.error(&t, format!("edges[{i}].id"), "an edge needs an id");
        } else if !ids.insert(e.id.as_str()) {
            sink.error(&t, format!("{p}.id"), format!("duplicate edge id {:?}", e.id));
        }
        let from = nodes.get(e.from.as_str());
        let to = nodes.get(e.to.as_str());
        if from.is_none() {
            sink.error(&t, format!("{p}.from"), format!("node {:?} does not exist", e.from));
        }
        if to.is_none() {
            sink.error(&t, format!("{p}.to"), format!("node {:?} does not exist", e.to));
        }
        if e.from == e.to {
            sink.error(&t, format!("{p}.to"), "an edge cannot connect a node to itself");
        }
        sink.probability(&t, format!("{p}.probability"), e.probability);
        if let Some(b) = &e.branch {
            sink.positive(&t, format!("{p}.branch.weight"), b.weight);
            if b.group.trim().is_empty() {
                sink.error(&t, format!("{p}.branch.group"), "a branch needs a group name");
            }
        }
        if e.calls_per_request == 0 {
            sink.error(&t, format!("{p}.calls_per_request"), "must be at least 1 (use probability to skip a step)");
        } else if e.calls_per_request > 10_000 {
            sink.error(
                &t,
                format!("{p}.calls_per_request"),
                format!("must be at most 10000, found {}", e.calls_per_request),
            );
        }
        if let Some(d) = &e.network_latency {
            sink.distribution(&t, &format!("{p}.network_latency"), d);
        }
        if let (Some(op), Some(f)) = (&e.operation, from)
            && f.operation(op).is_none()
        {
            sink.error(&t, format!("{p}.operation"), format!("{:?} has no operation {op:?}", f.name));
        }
        if let (Some(op), Some(to_node)) = (&e.target_operation, to)
            && to_node.operation(op).is_none()
        {
            sink.error(&t, format!("{p}.target_operation"), format!("{:?} has no operation {op:?}", to_node.name));
        }
        if let Some(g) = &e.parallel_group
            && let Some(order) = group_orders.insert((e.from.as_str(), g.as_str()), e.order)
            && order != e.order
        {
            sink.error(
                &t,
                format!("{p}.order"),
                format!("parallel group {g:?} has steps at orders {order} and {}: a group is one step", e.order),
            );
        }
        if let (Some(f), Some(to_node)) = (from, to) {
            check_edge_kind(e, f, to_node, &t, &p, sink);
        }
        if let Some(policy) = &e.policy {
            if e.kind != EdgeKind::Call {
                sink.warn(&t, format!("{p}.policy"), "call policies apply to call edges only; ignored");
            }
            check_policy(policy, &t, &format!("{p}.policy"), sink);
        }
        if let Some(s) = &e.subscription {
            if e.kind != EdgeKind::Subscription {
                sink.warn(
                    &t,
                    format!("{p}.subscription"),
                    "subscription settings apply to subscription edges only; ignored",
                );
            }
            if s.concurrency == 0 {
                sink.error(&t, format!("{p}.subscription.concurrency"), "must be at least 1");
            }
            if s.max_deliveries == 0 {
                sink.error(&t, format!("{p}.subscription.max_deliveries"), "must be at least 1");
            } else if s.max_deliveries > 1000 {
                // As SQS's maxReceiveCount: a message is dead-lettered by then.
                sink.error(
                    &t,
                    format!("{p}.subscription.max_deliveries"),
                    format!("must be at most 1000, found {}", s.max_deliveries),
                );
            }
            sink.range(&t, format!("{p}.subscription.redelivery_delay_ms"), s.redelivery_delay_ms, 0.0, f64::INFINITY);
        }
        if e.signal.is_some() && e.kind != EdgeKind::Signal {
            sink.warn(&t, format!("{p}.signal"), "a signal name on an edge that is not a signal is ignored");
        }
        if e.robust && e.kind != EdgeKind::Signal {
            sink.warn(&t, format!("{p}.robust"), "`robust` applies to signal edges only; ignored");
        }
    }
    check_branch_steps(design, nodes, sink);
}

/// An operation runs the steps of its own and those of every operation (no
/// `operation` set); the branch steps among them must fit the simulator's
/// mask of skipped branches.
fn check_branch_steps(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    // Per source node: branch steps of every operation, and per operation.
    let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
    let mut own: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for e in &design.edges {
        if e.branch.is_none() || e.kind == EdgeKind::Subscription {
            continue;
        }
        match &e.operation {
            None => *shared.entry(e.from.as_str()).or_default() += 1,
            Some(op) => *own.entry((e.from.as_str(), op.as_str())).or_default() += 1,
        }
    }
    let mut worst: BTreeMap<&str, (usize, Option<&str>)> = shared.iter().map(|(&from, &n)| (from, (n, None))).collect();
    for (&(from, op), &n) in &own {
        let total = n + shared.get(from).copied().unwrap_or(0);
        let w = worst.entry(from).or_insert((0, None));
        if total > w.0 {
            *w = (total, Some(op));
        }
    }
    for (from, (n, op)) in worst {
        let Some(node) = nodes.get(from).filter(|_| n > MAX_BRANCH_STEPS) else { continue };
        let handling = op.map_or_else(|| "its default handling".to_owned(), |op| format!("operation {op:?}"));
        sink.error(
            &Target::Node(node.id.clone()),
            node_path(node),
            format!("{handling} has {n} branch steps; at most {MAX_BRANCH_STEPS} (the simulator marks skipped branches in a 64-bit mask)"),
        );
    }
}

fn check_edge_kind(e: &Edge, from: &Node, to: &Node, t: &Target, p: &str, sink: &mut Sink) {
    let kind = e.kind.as_str();
    let bad = |sink: &mut Sink, msg: String| sink.error(t, format!("{p}.kind"), msg);
    match e.kind {
        EdgeKind::Call => match to.kind {
            NodeKind::Broker => {
                bad(sink, format!("a call cannot go into broker {:?}: publish with an event edge", to.name));
            }
            NodeKind::Receiver => {
                bad(sink, format!("{:?} is a signal receiver: connect it with a signal edge", to.name));
            }
            NodeKind::Client => bad(sink, format!("{:?} is an external client: nothing calls it", to.name)),
            _ => {}
        },
        EdgeKind::Event => {
            if to.kind != NodeKind::Broker {
                bad(sink, format!("an event must go into a broker, but {:?} is a {}", to.name, to.kind.as_str()));
            }
            if from.kind == NodeKind::Broker {
                bad(sink, format!("broker {:?} delivers with subscription edges, not events", from.name));
            }
        }
        EdgeKind::Subscription => {
            if from.kind != NodeKind::Broker {
                bad(
                    sink,
                    format!("a subscription starts at a broker, but {:?} is a {}", from.name, from.kind.as_str()),
                );
            }
            if matches!(to.kind, NodeKind::Broker | NodeKind::Receiver | NodeKind::Client) {
                bad(sink, format!("a {} cannot consume messages", to.kind.as_str()));
            }
        }
        EdgeKind::Signal => {
            if to.kind != NodeKind::Receiver {
                bad(sink, format!("a signal goes to a receiver, but {:?} is a {}", to.name, to.kind.as_str()));
            } else if process_of(from) != process_of(to) {
                bad(
                    sink,
                    format!(
                        "signals are in-process: receiver {:?} is hosted by {:?}, not by {:?}",
                        to.name,
                        process_of(to),
                        process_of(from)
                    ),
                );
            }
        }
    }
    if from.kind == NodeKind::Broker && e.kind != EdgeKind::Subscription {
        bad(sink, format!("a broker's outgoing edges are subscriptions, not {kind} edges"));
    }
}

fn check_policy(policy: &CallPolicy, t: &Target, p: &str, sink: &mut Sink) {
    if let Some(v) = policy.timeout_ms {
        sink.positive(t, format!("{p}.timeout_ms"), v);
    }
    if let Some(v) = policy.per_try_timeout_ms {
        sink.positive(t, format!("{p}.per_try_timeout_ms"), v);
        if let Some(total) = policy.timeout_ms
            && v > total
        {
            sink.warn(
                t,
                format!("{p}.per_try_timeout_ms"),
                format!("exceeds the overall timeout ({total} ms), so it never fires"),
            );
        }
    }
    if let Some(r) = &policy.retries {
        if r.max_attempts == 0 {
            sink.error(t, format!("{p}.retries.max_attempts"), "must be at least 1 (the first try counts)");
        } else if r.max_attempts > 100 {
            sink.error(
                t,
                format!("{p}.retries.max_attempts"),
                format!("must be at most 100, found {}", r.max_attempts),
            );
        }
        sink.probability(t, format!("{p}.retries.jitter"), r.jitter);
        if let Some(b) = r.budget_ratio {
            sink.probability(t, format!("{p}.retries.budget_ratio"), b);
        }
        match &r.backoff {
            Some(Backoff::Fixed { delay_ms }) => {
                sink.range(t, format!("{p}.retries.backoff.delay_ms"), *delay_ms, 0.0, f64::INFINITY);
            }
            Some(Backoff::Exponential { base_ms, max_ms }) => {
                sink.positive(t, format!("{p}.retries.backoff.base_ms"), *base_ms);
                if max_ms < base_ms {
                    sink.error(
                        t,
                        format!("{p}.retries.backoff.max_ms"),
                        format!("must be at least base_ms ({base_ms})"),
                    );
                }
            }
            None => {}
        }
        if r.retry_on.is_empty() && r.max_attempts > 1 {
            sink.warn(t, format!("{p}.retries.retry_on"), "no failure is retried, so the extra attempts never happen");
        }
    }
    if let Some(b) = &policy.circuit_breaker {
        if b.consecutive_failures.is_none() && b.failure_ratio.is_none() {
            sink.error(
                t,
                format!("{p}.circuit_breaker"),
                "set consecutive_failures or failure_ratio: nothing would open it",
            );
        }
        if b.consecutive_failures == Some(0) {
            sink.error(t, format!("{p}.circuit_breaker.consecutive_failures"), "must be at least 1");
        }
        if let Some(r) = b.failure_ratio
            && !(r.is_finite() && r > 0.0 && r <= 1.0)
        {
            sink.error(t, format!("{p}.circuit_breaker.failure_ratio"), format!("must be in (0, 1], found {r}"));
        }
        if b.window_calls == 0 {
            sink.error(t, format!("{p}.circuit_breaker.window_calls"), "must be at least 1");
        } else if b.window_calls > 100_000 {
            // The breaker keeps the window's results: bounded like any buffer.
            sink.error(
                t,
                format!("{p}.circuit_breaker.window_calls"),
                format!("must be at most 100000, found {}", b.window_calls),
            );
        }
        sink.positive(t, format!("{p}.circuit_breaker.open_s"), b.open_s);
        if b.half_open_probes == 0 {
            sink.error(t, format!("{p}.circuit_breaker.half_open_probes"), "must be at least 1");
        }
    }
    if let Some(b) = &policy.bulkhead
        && b.max_concurrent == 0
    {
        sink.error(t, format!("{p}.bulkhead.max_concurrent"), "must be at least 1");
    }
    if let Some(f) = &policy.fallback {
        sink.range(t, format!("{p}.fallback.latency_ms"), f.latency_ms, 0.0, f64::INFINITY);
    }
}

/// Synchronous steps (calls and signals) must not loop: a request would wait on itself.
pub(super) fn check_sync_cycles(design: &Design, sink: &mut Sink) {
    let index: BTreeMap<&str, usize> = design.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let arcs = design.edges.iter().filter(|e| matches!(e.kind, EdgeKind::Call | EdgeKind::Signal)).filter_map(|e| {
        let (&a, &b) = (index.get(e.from.as_str())?, index.get(e.to.as_str())?);
        (a != b).then_some((a, b))
    });
    let mut sccs = crate::scc::strongly_connected(&crate::scc::successors_like_digraph(design.nodes.len(), arcs));
    for scc in &mut sccs {
        scc.sort_unstable();
    }
    sccs.sort();
    for scc in sccs.iter().filter(|s| s.len() > 1) {
        let names: Vec<&str> = scc.iter().filter_map(|&i| design.nodes.get(i)).map(|n| n.name.as_str()).collect();
        let Some(first) = scc.first().and_then(|&i| design.nodes.get(i)) else {
            continue;
        };
        sink.error(
            &Target::Node(first.id.clone()),
            node_path(first),
            format!("synchronous call cycle through {}: a request would wait on itself", names.join(" → ")),
        );
    }
}
