//! Validation: every problem of a design at once, each with a severity, a
//! path such as `nodes[orders].capacity.replicas` and a plain message.
//!
//! Validation never stops at the first problem: a user fixing a design wants
//! the whole list, and the GUI shows it live on every edit. Paths use ids in
//! brackets (`edges[e12]`) rather than indices, because ids are what the user
//! sees and they survive reordering.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::DiGraph;
use serde::{Deserialize, Serialize};

use crate::model::{
    Arrival, Backoff, CallPolicy, Design, Distribution, Edge, EdgeKind, FORMAT_VERSION, Fault, FaultKind, Node,
    NodeKind, RateProfile, Slo, Workload,
};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The design cannot be simulated or exported as it is.
    Error,
    /// Probably a mistake, or a risk worth a look.
    Warning,
}

/// What a problem is about, so the GUI can select the culprit.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Target {
    /// The design as a whole.
    Design,
    /// A node, by id.
    Node(String),
    /// An edge, by id.
    Edge(String),
    /// A workload, by name.
    Workload(String),
    /// A fault, by name.
    Fault(String),
    /// An SLO, by workload name.
    Slo(String),
}

/// One problem found in a design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where, e.g. `nodes[orders].capacity.replicas`.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// The item to select.
    pub target: Target,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}: {}", self.path, self.message)
    }
}

/// Whether any problem is an error.
#[must_use]
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

/// Collects problems with a current location prefix.
struct Sink {
    problems: Vec<Problem>,
}

impl Sink {
    fn push(&mut self, severity: Severity, target: &Target, path: String, message: impl Into<String>) {
        self.problems.push(Problem { severity, path, message: message.into(), target: target.clone() });
    }

    fn error(&mut self, target: &Target, path: String, message: impl Into<String>) {
        self.push(Severity::Error, target, path, message);
    }

    fn warn(&mut self, target: &Target, path: String, message: impl Into<String>) {
        self.push(Severity::Warning, target, path, message);
    }

    /// A finite number within [min, max].
    fn range(&mut self, target: &Target, path: String, value: f64, min: f64, max: f64) {
        if !value.is_finite() {
            self.error(target, path, format!("must be a finite number, found {value}"));
        } else if value < min || value > max {
            let what = if max.is_infinite() { format!("at least {min}") } else { format!("between {min} and {max}") };
            self.error(target, path, format!("must be {what}, found {value}"));
        }
    }

    /// A finite number strictly above zero.
    fn positive(&mut self, target: &Target, path: String, value: f64) {
        if !value.is_finite() {
            self.error(target, path, format!("must be a finite number, found {value}"));
        } else if value <= 0.0 {
            self.error(target, path, format!("must be greater than 0, found {value}"));
        }
    }

    fn probability(&mut self, target: &Target, path: String, value: f64) {
        self.range(target, path, value, 0.0, 1.0);
    }

    fn distribution(&mut self, target: &Target, path: &str, d: &Distribution) {
        for (field, value) in d.fields() {
            if !value.is_finite() {
                self.error(target, format!("{path}.{field}"), format!("must be a finite number, found {value}"));
                return;
            }
        }
        match d {
            Distribution::Constant { value_ms } => {
                self.range(target, format!("{path}.value_ms"), *value_ms, 0.0, f64::INFINITY)
            }
            Distribution::Exponential { mean_ms } => self.positive(target, format!("{path}.mean_ms"), *mean_ms),
            Distribution::Uniform { min_ms, max_ms } => {
                self.range(target, format!("{path}.min_ms"), *min_ms, 0.0, f64::INFINITY);
                if max_ms < min_ms {
                    self.error(
                        target,
                        format!("{path}.max_ms"),
                        format!("must be at least min_ms ({min_ms}), found {max_ms}"),
                    );
                }
            }
            Distribution::Gamma { mean_ms, cv } => {
                self.positive(target, format!("{path}.mean_ms"), *mean_ms);
                self.positive(target, format!("{path}.cv"), *cv);
            }
            Distribution::Lognormal { p50_ms, p99_ms } => {
                self.positive(target, format!("{path}.p50_ms"), *p50_ms);
                if p99_ms <= p50_ms {
                    self.error(
                        target,
                        format!("{path}.p99_ms"),
                        format!("must exceed p50_ms ({p50_ms}), found {p99_ms}"),
                    );
                }
            }
            Distribution::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    self.error(target, format!("{path}.samples_ms"), "needs at least one sample");
                }
                if let Some((i, s)) = samples_ms.iter().enumerate().find(|(_, s)| **s < 0.0) {
                    self.error(target, format!("{path}.samples_ms[{i}]"), format!("must be at least 0, found {s}"));
                }
            }
        }
    }
}

/// Validate a design: every problem at once, errors and warnings.
#[must_use]
pub fn validate(design: &Design) -> Vec<Problem> {
    let mut sink = Sink { problems: Vec::new() };
    let whole = Target::Design;
    if design.version != FORMAT_VERSION {
        sink.error(&whole, "version".into(), format!("must be {FORMAT_VERSION}, found {}", design.version));
    }
    let nodes_by_id = check_nodes(design, &mut sink);
    check_edges(design, &nodes_by_id, &mut sink);
    check_sync_cycles(design, &mut sink);
    check_workloads(design, &nodes_by_id, &mut sink);
    check_faults(design, &nodes_by_id, &mut sink);
    check_slos(design, &mut sink);
    check_settings(design, &mut sink);
    check_reachability(design, &nodes_by_id, &mut sink);
    sink.problems.extend(crate::capacity::estimate(design).problems);
    sink.problems
}

fn node_path(n: &Node) -> String {
    format!("nodes[{}]", if n.id.is_empty() { "?" } else { &n.id })
}

fn check_nodes<'a>(design: &'a Design, sink: &mut Sink) -> BTreeMap<&'a str, &'a Node> {
    let mut by_id: BTreeMap<&str, &Node> = BTreeMap::new();
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, n) in design.nodes.iter().enumerate() {
        let t = Target::Node(n.id.clone());
        let p = node_path(n);
        if n.id.trim().is_empty() {
            sink.error(&t, format!("nodes[{i}].id"), "a node needs an id");
        } else if by_id.insert(&n.id, n).is_some() {
            sink.error(&t, format!("{p}.id"), format!("duplicate node id {:?}", n.id));
        }
        if n.name.trim().is_empty() {
            sink.error(&t, format!("{p}.name"), "a node needs a name");
        } else if let Some(other) = names.insert(&n.name, &n.id) {
            sink.error(&t, format!("{p}.name"), format!("name {:?} is already used by node {other:?}", n.name));
        }
        if !(n.position.x.is_finite() && n.position.y.is_finite()) {
            sink.error(&t, format!("{p}.position"), "must be finite coordinates");
        }
        let c = &n.capacity;
        if c.replicas == 0 {
            sink.error(&t, format!("{p}.capacity.replicas"), "must be at least 1");
        }
        if c.workers == 0 {
            sink.error(&t, format!("{p}.capacity.workers"), "must be at least 1");
        }
        sink.distribution(&t, &format!("{p}.service_time"), &n.service_time);
        sink.probability(&t, format!("{p}.error_probability"), n.error_probability);
        let mut ops = BTreeSet::new();
        for op in &n.operations {
            let op_path = format!("{p}.operations[{}]", op.name);
            if op.name.trim().is_empty() {
                sink.error(&t, op_path.clone(), "an operation needs a name");
            } else if !ops.insert(op.name.as_str()) {
                sink.error(&t, op_path.clone(), format!("duplicate operation {:?}", op.name));
            }
            if let Some(d) = &op.service_time {
                sink.distribution(&t, &format!("{op_path}.service_time"), d);
            }
        }
        if let Some(cache) = &n.cache {
            sink.probability(&t, format!("{p}.cache.hit_ratio"), cache.hit_ratio);
            if n.kind != NodeKind::Cache {
                sink.warn(&t, format!("{p}.cache"), "cache settings on a node that is not a cache are ignored");
            }
        }
        if n.broker.is_some() && n.kind != NodeKind::Broker {
            sink.warn(&t, format!("{p}.broker"), "broker settings on a node that is not a broker are ignored");
        }
        if let Some(b) = &n.broker
            && b.capacity_messages == Some(0)
        {
            sink.error(&t, format!("{p}.broker.capacity_messages"), "must be at least 1 (omit it for unbounded)");
        }
        if n.deployment.port == Some(0) {
            sink.error(&t, format!("{p}.deployment.port"), "must be between 1 and 65535");
        }
        if let Some(h) = &n.deployment.healthcheck {
            sink.positive(&t, format!("{p}.deployment.healthcheck.interval_s"), h.interval_s);
            if !h.path.starts_with('/') {
                sink.error(&t, format!("{p}.deployment.healthcheck.path"), "must start with `/`");
            }
        }
        check_node_policies(n, &t, &p, sink);
    }
    // Receivers need hosts; checked once every id is known.
    for n in &design.nodes {
        let t = Target::Node(n.id.clone());
        let p = node_path(n);
        match (n.kind, &n.host) {
            (NodeKind::Receiver, None) => {
                sink.error(&t, format!("{p}.host"), "a receiver runs inside a host service: set `host`");
            }
            (NodeKind::Receiver, Some(h)) => match by_id.get(h.as_str()) {
                None => sink.error(&t, format!("{p}.host"), format!("host {h:?} is not a node")),
                Some(host) if matches!(host.kind, NodeKind::Receiver | NodeKind::Broker | NodeKind::Client) => {
                    sink.error(
                        &t,
                        format!("{p}.host"),
                        format!("host {:?} is a {}, not a service", host.name, host.kind.as_str()),
                    );
                }
                Some(_) => {}
            },
            (_, Some(_)) => sink.warn(&t, format!("{p}.host"), "only receivers have a host; ignored"),
            (_, None) => {}
        }
    }
    by_id
}

fn check_node_policies(n: &Node, t: &Target, p: &str, sink: &mut Sink) {
    let pol = &n.policies;
    if let Some(r) = &pol.rate_limit {
        sink.positive(t, format!("{p}.policies.rate_limit.rate_per_s"), r.rate_per_s);
        if r.burst == 0 {
            sink.error(t, format!("{p}.policies.rate_limit.burst"), "must be at least 1");
        }
    }
    if let Some(o) = &pol.outlier_ejection {
        if o.consecutive_errors == 0 {
            sink.error(t, format!("{p}.policies.outlier_ejection.consecutive_errors"), "must be at least 1");
        }
        sink.positive(t, format!("{p}.policies.outlier_ejection.interval_s"), o.interval_s);
        sink.positive(t, format!("{p}.policies.outlier_ejection.base_ejection_s"), o.base_ejection_s);
        sink.range(
            t,
            format!("{p}.policies.outlier_ejection.max_ejection_percent"),
            o.max_ejection_percent,
            0.0,
            100.0,
        );
    }
    if let Some(a) = &pol.autoscaling {
        let ap = format!("{p}.policies.autoscaling");
        if a.min_replicas == 0 {
            sink.error(t, format!("{ap}.min_replicas"), "must be at least 1");
        }
        if a.max_replicas < a.min_replicas {
            sink.error(t, format!("{ap}.max_replicas"), format!("must be at least min_replicas ({})", a.min_replicas));
        }
        if !(a.target_utilization.is_finite() && a.target_utilization > 0.0 && a.target_utilization <= 1.0) {
            sink.error(
                t,
                format!("{ap}.target_utilization"),
                format!("must be in (0, 1], found {}", a.target_utilization),
            );
        }
        sink.positive(t, format!("{ap}.evaluation_period_s"), a.evaluation_period_s);
        sink.range(t, format!("{ap}.scale_down_stabilization_s"), a.scale_down_stabilization_s, 0.0, f64::INFINITY);
        sink.range(t, format!("{ap}.cold_start_s"), a.cold_start_s, 0.0, f64::INFINITY);
        if !(a.min_replicas..=a.max_replicas).contains(&n.capacity.replicas) && a.min_replicas <= a.max_replicas {
            sink.warn(
                t,
                format!("{p}.capacity.replicas"),
                "outside the autoscaling range; the run starts there and scales",
            );
        }
    }
}

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
fn check_edges(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
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
}

fn check_edge_kind(e: &Edge, from: &Node, to: &Node, t: &Target, p: &str, sink: &mut Sink) {
    let kind = e.kind.as_str();
    let bad = |sink: &mut Sink, msg: String| sink.error(t, format!("{p}.kind"), msg);
    match e.kind {
        EdgeKind::Call => match to.kind {
            NodeKind::Broker => {
                bad(sink, format!("a call cannot go into broker {:?}: publish with an event edge", to.name))
            }
            NodeKind::Receiver => {
                bad(sink, format!("{:?} is a signal receiver: connect it with a signal edge", to.name))
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
        }
        sink.probability(t, format!("{p}.retries.jitter"), r.jitter);
        if let Some(b) = r.budget_ratio {
            sink.probability(t, format!("{p}.retries.budget_ratio"), b);
        }
        match &r.backoff {
            Some(Backoff::Fixed { delay_ms }) => {
                sink.range(t, format!("{p}.retries.backoff.delay_ms"), *delay_ms, 0.0, f64::INFINITY)
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
fn check_sync_cycles(design: &Design, sink: &mut Sink) {
    let mut graph = DiGraph::<usize, ()>::new();
    let index: BTreeMap<&str, _> =
        design.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), graph.add_node(i))).collect();
    for e in &design.edges {
        if !matches!(e.kind, EdgeKind::Call | EdgeKind::Signal) {
            continue;
        }
        if let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str()))
            && a != b
        {
            graph.add_edge(a, b, ());
        }
    }
    let mut sccs = petgraph::algo::tarjan_scc(&graph);
    for scc in &mut sccs {
        scc.sort();
    }
    sccs.sort();
    for scc in sccs.iter().filter(|s| s.len() > 1) {
        let names: Vec<&str> = scc
            .iter()
            .filter_map(|&ix| graph.node_weight(ix).and_then(|&i| design.nodes.get(i)))
            .map(|n| n.name.as_str())
            .collect();
        let Some(first) = scc.first().and_then(|&ix| graph.node_weight(ix)).and_then(|&i| design.nodes.get(i)) else {
            continue;
        };
        sink.error(
            &Target::Node(first.id.clone()),
            node_path(first),
            format!("synchronous call cycle through {}: a request would wait on itself", names.join(" → ")),
        );
    }
}

fn check_profile(profile: &RateProfile, t: &Target, p: &str, sink: &mut Sink) {
    match *profile {
        RateProfile::Constant => {}
        RateProfile::Ramp { start_s, end_s, to_factor } => {
            sink.range(t, format!("{p}.start_s"), start_s, 0.0, f64::INFINITY);
            if end_s <= start_s || !end_s.is_finite() {
                sink.error(t, format!("{p}.end_s"), format!("must be after start_s ({start_s}), found {end_s}"));
            }
            sink.range(t, format!("{p}.to_factor"), to_factor, 0.0, 1e6);
        }
        RateProfile::Step { at_s, factor } => {
            sink.range(t, format!("{p}.at_s"), at_s, 0.0, f64::INFINITY);
            sink.range(t, format!("{p}.factor"), factor, 0.0, 1e6);
        }
        RateProfile::Spike { at_s, duration_s, factor } => {
            sink.range(t, format!("{p}.at_s"), at_s, 0.0, f64::INFINITY);
            sink.positive(t, format!("{p}.duration_s"), duration_s);
            sink.range(t, format!("{p}.factor"), factor, 0.0, 1e6);
        }
        RateProfile::Diurnal { period_s, amplitude } => {
            sink.positive(t, format!("{p}.period_s"), period_s);
            sink.probability(t, format!("{p}.amplitude"), amplitude);
        }
    }
}

fn check_workloads(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    let mut names = BTreeSet::new();
    if design.workloads.is_empty() {
        sink.warn(
            &Target::Design,
            "workloads".into(),
            "no workload: nothing enters the design, so a run shows no traffic",
        );
    }
    for (i, w) in design.workloads.iter().enumerate() {
        let t = Target::Workload(w.name.clone());
        let p = if w.name.is_empty() { format!("workloads[{i}]") } else { format!("workloads[{}]", w.name) };
        check_workload(w, nodes, &t, &p, sink);
        if w.name.trim().is_empty() {
            sink.error(&t, format!("{p}.name"), "a workload needs a name");
        } else if !names.insert(w.name.as_str()) {
            sink.error(&t, format!("{p}.name"), format!("duplicate workload name {:?}", w.name));
        }
    }
}

fn check_workload(w: &Workload, nodes: &BTreeMap<&str, &Node>, t: &Target, p: &str, sink: &mut Sink) {
    match nodes.get(w.entry.as_str()) {
        None => sink.error(t, format!("{p}.entry"), format!("entry node {:?} does not exist", w.entry)),
        Some(n) => {
            if matches!(n.kind, NodeKind::Broker | NodeKind::Receiver) {
                sink.error(
                    t,
                    format!("{p}.entry"),
                    format!("traffic cannot enter at a {} ({:?})", n.kind.as_str(), n.name),
                );
            }
            if let Some(op) = &w.operation
                && n.operation(op).is_none()
            {
                sink.error(t, format!("{p}.operation"), format!("{:?} has no operation {op:?}", n.name));
            }
        }
    }
    match &w.arrival {
        Arrival::Open { rate_per_s, profile, .. } => {
            sink.positive(t, format!("{p}.arrival.rate_per_s"), *rate_per_s);
            if *rate_per_s > 1e7 {
                sink.error(
                    t,
                    format!("{p}.arrival.rate_per_s"),
                    "more than 10 million requests per second is beyond what the simulator handles",
                );
            }
            check_profile(profile, t, &format!("{p}.arrival.profile"), sink);
        }
        Arrival::Closed { users, think_time } => {
            if *users == 0 {
                sink.error(t, format!("{p}.arrival.users"), "must be at least 1");
            }
            sink.distribution(t, &format!("{p}.arrival.think_time"), think_time);
        }
    }
}

fn check_faults(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    let mut names = BTreeSet::new();
    for (i, f) in design.faults.iter().enumerate() {
        let t = Target::Fault(f.name.clone());
        let p = if f.name.is_empty() { format!("faults[{i}]") } else { format!("faults[{}]", f.name) };
        if f.name.trim().is_empty() {
            sink.error(&t, format!("{p}.name"), "a fault needs a name");
        } else if !names.insert(f.name.as_str()) {
            sink.error(&t, format!("{p}.name"), format!("duplicate fault name {:?}", f.name));
        }
        check_fault(design, f, nodes, &t, &p, sink);
    }
}

fn check_fault(design: &Design, f: &Fault, nodes: &BTreeMap<&str, &Node>, t: &Target, p: &str, sink: &mut Sink) {
    sink.range(t, format!("{p}.start_s"), f.start_s, 0.0, f64::INFINITY);
    if !(f.end_s.is_finite() && f.end_s > f.start_s) {
        sink.error(t, format!("{p}.end_s"), format!("must be after start_s ({}), found {}", f.start_s, f.end_s));
    }
    let node = nodes.get(f.target.as_str());
    let edge = design.edge(&f.target);
    if node.is_none() && edge.is_none() {
        sink.error(t, format!("{p}.target"), format!("{:?} is neither a node nor an edge", f.target));
        return;
    }
    match &f.fault {
        FaultKind::Outage { replicas } => match node {
            None => sink.error(t, format!("{p}.fault"), "an outage targets a node"),
            Some(n) => {
                if let Some(r) = replicas
                    && (*r == 0 || *r > n.capacity.replicas)
                {
                    sink.error(
                        t,
                        format!("{p}.fault.replicas"),
                        format!("must be between 1 and {} (the node's replicas)", n.capacity.replicas),
                    );
                }
            }
        },
        FaultKind::Latency { added_ms, factor } => {
            sink.range(t, format!("{p}.fault.added_ms"), *added_ms, 0.0, f64::INFINITY);
            sink.positive(t, format!("{p}.fault.factor"), *factor);
        }
        FaultKind::Errors { probability } => sink.probability(t, format!("{p}.fault.probability"), *probability),
        FaultKind::Partition { .. } => {
            if edge.is_none() {
                sink.error(t, format!("{p}.fault"), "a partition targets an edge");
            }
        }
        FaultKind::BrokerOutage { .. } => {
            if node.is_none_or(|n| n.kind != NodeKind::Broker) {
                sink.error(t, format!("{p}.fault"), "a broker outage targets a broker node");
            }
        }
    }
}

fn check_slos(design: &Design, sink: &mut Sink) {
    for (i, s) in design.slos.iter().enumerate() {
        check_slo(design, i, s, sink);
    }
}

fn check_slo(design: &Design, i: usize, s: &Slo, sink: &mut Sink) {
    let t = Target::Slo(s.workload.clone());
    let p = format!("slos[{i}]");
    if !design.workloads.iter().any(|w| w.name == s.workload) {
        sink.error(&t, format!("{p}.workload"), format!("workload {:?} does not exist", s.workload));
    }
    if s.latency.is_none() && s.max_error_rate.is_none() {
        sink.warn(&t, p.clone(), "an SLO without a latency bound or an error-rate bound checks nothing");
    }
    if let Some(l) = &s.latency {
        if !(l.percentile.is_finite() && l.percentile > 0.0 && l.percentile < 100.0) {
            sink.error(
                &t,
                format!("{p}.latency.percentile"),
                format!("must be between 0 and 100 (exclusive), found {}", l.percentile),
            );
        }
        sink.positive(&t, format!("{p}.latency.max_ms"), l.max_ms);
    }
    if let Some(r) = s.max_error_rate {
        sink.probability(&t, format!("{p}.max_error_rate"), r);
    }
}

fn check_settings(design: &Design, sink: &mut Sink) {
    let s = &design.simulation;
    let t = Target::Design;
    sink.positive(&t, "simulation.duration_s".into(), s.duration_s);
    if s.duration_s > 365.0 * 86_400.0 {
        sink.error(&t, "simulation.duration_s".into(), "must be at most a year of simulated time");
    }
    sink.range(&t, "simulation.warmup_s".into(), s.warmup_s, 0.0, f64::INFINITY);
    if s.warmup_s.is_finite() && s.duration_s.is_finite() && s.warmup_s >= s.duration_s {
        sink.error(&t, "simulation.warmup_s".into(), format!("must be shorter than duration_s ({})", s.duration_s));
    }
    if s.replications == 0 || s.replications > 1000 {
        sink.error(
            &t,
            "simulation.replications".into(),
            format!("must be between 1 and 1000, found {}", s.replications),
        );
    }
    if s.max_in_flight == 0 {
        sink.error(&t, "simulation.max_in_flight".into(), "must be at least 1");
    }
    sink.positive(&t, "simulation.window_s".into(), s.window_s);
    if s.window_s > 0.0 && s.duration_s / s.window_s > 100_000.0 {
        sink.error(&t, "simulation.window_s".into(), "gives more than 100,000 windows: make it wider");
    }
}

fn check_reachability(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    if design.workloads.is_empty() {
        return;
    }
    let mut reached: BTreeSet<&str> = design.workloads.iter().map(|w| w.entry.as_str()).collect();
    let mut stack: Vec<&str> = reached.iter().copied().collect();
    while let Some(id) = stack.pop() {
        for e in design.edges.iter().filter(|e| e.from == id) {
            if reached.insert(e.to.as_str()) {
                stack.push(e.to.as_str());
            }
        }
    }
    for n in &design.nodes {
        if !reached.contains(n.id.as_str()) && nodes.contains_key(n.id.as_str()) {
            sink.warn(
                &Target::Node(n.id.clone()),
                node_path(n),
                format!("no workload reaches {:?}: it never sees traffic", n.name),
            );
        }
    }
}
