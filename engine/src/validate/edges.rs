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
            sink.error(&t, format!("edges[{i}].id"), crate::msg!("engine-edge-needs-id", "an edge needs an id"));
        } else if !ids.insert(e.id.as_str()) {
            sink.error(
                &t,
                format!("{p}.id"),
                crate::msg!("engine-duplicate-edge-id", "duplicate edge id {id}", id = format!("{:?}", e.id)),
            );
        }
        let from = nodes.get(e.from.as_str());
        let to = nodes.get(e.to.as_str());
        if from.is_none() {
            sink.error(
                &t,
                format!("{p}.from"),
                crate::msg!("engine-node-does-not-exist", "node {from} does not exist", from = format!("{:?}", e.from)),
            );
        }
        if to.is_none() {
            sink.error(
                &t,
                format!("{p}.to"),
                crate::msg!("engine-node-does-not-exist-2", "node {to} does not exist", to = format!("{:?}", e.to)),
            );
        }
        if e.from == e.to {
            sink.error(
                &t,
                format!("{p}.to"),
                crate::msg!("engine-edge-cannot-connect-node-itself", "an edge cannot connect a node to itself"),
            );
        }
        sink.probability(&t, format!("{p}.probability"), e.probability);
        if let Some(b) = &e.branch {
            sink.positive(&t, format!("{p}.branch.weight"), b.weight);
            if b.group.trim().is_empty() {
                sink.error(
                    &t,
                    format!("{p}.branch.group"),
                    crate::msg!("engine-branch-needs-group-name", "a branch needs a group name"),
                );
            }
        }
        if e.calls_per_request == 0 {
            sink.error(
                &t,
                format!("{p}.calls_per_request"),
                crate::msg!(
                    "engine-must-least-1-use-probability",
                    "must be at least 1 (use probability to skip a step)"
                ),
            );
        } else if e.calls_per_request > 10_000 {
            sink.error(
                &t,
                format!("{p}.calls_per_request"),
                crate::msg!(
                    "engine-must-most-10000-found",
                    "must be at most 10000, found {calls_per_request}",
                    calls_per_request = e.calls_per_request
                ),
            );
        }
        if let Some(d) = &e.network_latency {
            sink.distribution(&t, &format!("{p}.network_latency"), d);
        }
        if let (Some(op), Some(f)) = (&e.operation, from)
            && f.operation(op).is_none()
        {
            sink.error(
                &t,
                format!("{p}.operation"),
                crate::msg!(
                    "engine-has-no-operation",
                    "{name} has no operation {op}",
                    name = format!("{:?}", f.name),
                    op = format!("{:?}", op)
                ),
            );
        }
        if let (Some(op), Some(to_node)) = (&e.target_operation, to)
            && to_node.operation(op).is_none()
        {
            sink.error(
                &t,
                format!("{p}.target_operation"),
                crate::msg!(
                    "engine-has-no-operation",
                    "{name} has no operation {op}",
                    name = format!("{:?}", to_node.name),
                    op = format!("{:?}", op)
                ),
            );
        }
        if let Some(g) = &e.parallel_group
            && let Some(order) = group_orders.insert((e.from.as_str(), g.as_str()), e.order)
            && order != e.order
        {
            sink.error(
                &t,
                format!("{p}.order"),
                crate::msg!(
                    "engine-parallel-group-has-steps-orders",
                    "parallel group {g} has steps at orders {order} and {order2}: a group is one step",
                    g = format!("{:?}", g),
                    order = order,
                    order2 = e.order
                ),
            );
        }
        if let (Some(f), Some(to_node)) = (from, to) {
            check_edge_kind(e, f, to_node, &t, &p, sink);
        }
        if let Some(policy) = &e.policy {
            if e.kind != EdgeKind::Call {
                sink.warn(
                    &t,
                    format!("{p}.policy"),
                    crate::msg!(
                        "engine-call-policies-apply-call-edges",
                        "call policies apply to call edges only; ignored"
                    ),
                );
            }
            check_policy(policy, &t, &format!("{p}.policy"), sink);
        }
        if let Some(s) = &e.subscription {
            if e.kind != EdgeKind::Subscription {
                sink.warn(
                    &t,
                    format!("{p}.subscription"),
                    crate::msg!(
                        "engine-subscription-settings-apply-subscription-edges",
                        "subscription settings apply to subscription edges only; ignored"
                    ),
                );
            }
            if s.concurrency == 0 {
                sink.error(
                    &t,
                    format!("{p}.subscription.concurrency"),
                    crate::msg!("engine-must-least-1", "must be at least 1"),
                );
            }
            if s.max_deliveries == 0 {
                sink.error(
                    &t,
                    format!("{p}.subscription.max_deliveries"),
                    crate::msg!("engine-must-least-1", "must be at least 1"),
                );
            } else if s.max_deliveries > 1000 {
                // As SQS's maxReceiveCount: a message is dead-lettered by then.
                sink.error(
                    &t,
                    format!("{p}.subscription.max_deliveries"),
                    crate::msg!(
                        "engine-must-most-1000-found",
                        "must be at most 1000, found {max_deliveries}",
                        max_deliveries = s.max_deliveries
                    ),
                );
            }
            sink.range(&t, format!("{p}.subscription.redelivery_delay_ms"), s.redelivery_delay_ms, 0.0, f64::INFINITY);
        }
        if e.signal.is_some() && e.kind != EdgeKind::Signal {
            sink.warn(
                &t,
                format!("{p}.signal"),
                crate::msg!(
                    "engine-signal-name-edge-not-signal",
                    "a signal name on an edge that is not a signal is ignored"
                ),
            );
        }
        if e.robust && e.kind != EdgeKind::Signal {
            sink.warn(
                &t,
                format!("{p}.robust"),
                crate::msg!(
                    "engine-robust-applies-signal-edges-only",
                    "`robust` applies to signal edges only; ignored"
                ),
            );
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
        let message = match op {
            None => crate::msg!(
                "engine-default-handling-branch-steps",
                "its default handling has {n} branch steps; at most {max} (the simulator marks skipped branches in a 64-bit mask)",
                n = n,
                max = MAX_BRANCH_STEPS
            ),
            Some(op) => crate::msg!(
                "engine-operation-branch-steps",
                "operation {op} has {n} branch steps; at most {max} (the simulator marks skipped branches in a 64-bit mask)",
                op = format!("{op:?}"),
                n = n,
                max = MAX_BRANCH_STEPS
            ),
        };
        sink.error(&Target::Node(node.id.clone()), node_path(node), message);
    }
}

fn check_edge_kind(e: &Edge, from: &Node, to: &Node, t: &Target, p: &str, sink: &mut Sink) {
    let kind = e.kind.as_str();
    let bad = |sink: &mut Sink, msg: crate::message::Message| sink.error(t, format!("{p}.kind"), msg);
    match e.kind {
        EdgeKind::Call => match to.kind {
            NodeKind::Broker => {
                bad(
                    sink,
                    crate::msg!(
                        "engine-call-cannot-go-into-broker",
                        "a call cannot go into broker {name}: publish with an event edge",
                        name = format!("{:?}", to.name)
                    ),
                );
            }
            NodeKind::Receiver => {
                bad(
                    sink,
                    crate::msg!(
                        "engine-signal-receiver-connect-with-signal",
                        "{name} is a signal receiver: connect it with a signal edge",
                        name = format!("{:?}", to.name)
                    ),
                );
            }
            NodeKind::Client => bad(
                sink,
                crate::msg!(
                    "engine-external-client-nothing-calls",
                    "{name} is an external client: nothing calls it",
                    name = format!("{:?}", to.name)
                ),
            ),
            _ => {}
        },
        EdgeKind::Event => {
            if to.kind != NodeKind::Broker {
                bad(
                    sink,
                    crate::msg!(
                        "engine-event-must-go-into-broker",
                        "an event must go into a broker, but {name} is a {kind}",
                        name = format!("{:?}", to.name),
                        kind = to.kind.as_str()
                    ),
                );
            }
            if from.kind == NodeKind::Broker {
                bad(
                    sink,
                    crate::msg!(
                        "engine-broker-delivers-with-subscription-edges",
                        "broker {name} delivers with subscription edges, not events",
                        name = format!("{:?}", from.name)
                    ),
                );
            }
        }
        EdgeKind::Subscription => {
            if from.kind != NodeKind::Broker {
                bad(
                    sink,
                    crate::msg!(
                        "engine-subscription-starts-broker-but",
                        "a subscription starts at a broker, but {name} is a {kind}",
                        name = format!("{:?}", from.name),
                        kind = from.kind.as_str()
                    ),
                );
            }
            if matches!(to.kind, NodeKind::Broker | NodeKind::Receiver | NodeKind::Client) {
                bad(
                    sink,
                    crate::msg!(
                        "engine-cannot-consume-messages",
                        "a {kind} cannot consume messages",
                        kind = to.kind.as_str()
                    ),
                );
            }
        }
        EdgeKind::Signal => {
            if to.kind != NodeKind::Receiver {
                bad(
                    sink,
                    crate::msg!(
                        "engine-signal-goes-receiver-but",
                        "a signal goes to a receiver, but {name} is a {kind}",
                        name = format!("{:?}", to.name),
                        kind = to.kind.as_str()
                    ),
                );
            } else if process_of(from) != process_of(to) {
                bad(
                    sink,
                    crate::msg!(
                        "engine-signals-are-process-receiver-hosted",
                        "signals are in-process: receiver {name} is hosted by {to}, not by {from}",
                        name = format!("{:?}", to.name),
                        to = format!("{:?}", process_of(to)),
                        from = format!("{:?}", process_of(from))
                    ),
                );
            }
        }
    }
    if from.kind == NodeKind::Broker && e.kind != EdgeKind::Subscription {
        bad(
            sink,
            crate::msg!(
                "engine-broker-outgoing-edges-are-subscriptions",
                "a broker's outgoing edges are subscriptions, not {edge_kind} edges",
                edge_kind = kind
            ),
        );
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
                crate::msg!(
                    "engine-exceeds-overall-timeout-ms-so",
                    "exceeds the overall timeout ({total} ms), so it never fires",
                    total = total
                ),
            );
        }
    }
    if let Some(r) = &policy.retries {
        if r.max_attempts == 0 {
            sink.error(
                t,
                format!("{p}.retries.max_attempts"),
                crate::msg!("engine-must-least-1-first-try", "must be at least 1 (the first try counts)"),
            );
        } else if r.max_attempts > 100 {
            sink.error(
                t,
                format!("{p}.retries.max_attempts"),
                crate::msg!(
                    "engine-must-most-100-found",
                    "must be at most 100, found {max_attempts}",
                    max_attempts = r.max_attempts
                ),
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
                        crate::msg!(
                            "engine-must-least-base-ms",
                            "must be at least base_ms ({base_ms})",
                            base_ms = base_ms
                        ),
                    );
                }
            }
            None => {}
        }
        if r.retry_on.is_empty() && r.max_attempts > 1 {
            sink.warn(
                t,
                format!("{p}.retries.retry_on"),
                crate::msg!(
                    "engine-no-failure-retried-so-extra",
                    "no failure is retried, so the extra attempts never happen"
                ),
            );
        }
    }
    if let Some(b) = &policy.circuit_breaker {
        if b.consecutive_failures.is_none() && b.failure_ratio.is_none() {
            sink.error(
                t,
                format!("{p}.circuit_breaker"),
                crate::msg!(
                    "engine-set-consecutive-failures-failure-ratio",
                    "set consecutive_failures or failure_ratio: nothing would open it"
                ),
            );
        }
        if b.consecutive_failures == Some(0) {
            sink.error(
                t,
                format!("{p}.circuit_breaker.consecutive_failures"),
                crate::msg!("engine-must-least-1", "must be at least 1"),
            );
        }
        if let Some(r) = b.failure_ratio
            && !(r.is_finite() && r > 0.0 && r <= 1.0)
        {
            sink.error(
                t,
                format!("{p}.circuit_breaker.failure_ratio"),
                crate::msg!("engine-must-0-1-found-2", "must be in (0, 1], found {r}", r = r),
            );
        }
        if b.window_calls == 0 {
            sink.error(
                t,
                format!("{p}.circuit_breaker.window_calls"),
                crate::msg!("engine-must-least-1", "must be at least 1"),
            );
        } else if b.window_calls > 100_000 {
            // The breaker keeps the window's results: bounded like any buffer.
            sink.error(
                t,
                format!("{p}.circuit_breaker.window_calls"),
                crate::msg!(
                    "engine-must-most-100000-found",
                    "must be at most 100000, found {window_calls}",
                    window_calls = b.window_calls
                ),
            );
        }
        sink.positive(t, format!("{p}.circuit_breaker.open_s"), b.open_s);
        if b.half_open_probes == 0 {
            sink.error(
                t,
                format!("{p}.circuit_breaker.half_open_probes"),
                crate::msg!("engine-must-least-1", "must be at least 1"),
            );
        }
    }
    if let Some(b) = &policy.bulkhead
        && b.max_concurrent == 0
    {
        sink.error(t, format!("{p}.bulkhead.max_concurrent"), crate::msg!("engine-must-least-1", "must be at least 1"));
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
            crate::msg!(
                "engine-synchronous-call-cycle-through-request",
                "synchronous call cycle through {cycle}: a request would wait on itself",
                cycle = names.join(" → ")
            ),
        );
    }
}
