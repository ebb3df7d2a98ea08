//! Validation: every problem of a design at once, each with a severity, a
//! path such as `nodes[orders].capacity.replicas` and a plain message.
//!
//! Validation never stops at the first problem: a user fixing a design wants
//! the whole list, and the GUI shows it live on every edit. Paths use ids in
//! brackets (`edges[e12]`) rather than indices, because ids are what the user
//! sees and they survive reordering.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::limits::{MAX_DURATION_MS, MAX_IN_FLIGHT, MAX_REPLICAS_PER_NODE, MAX_REPLICAS_TOTAL, MIN_SPAN_S};
use crate::model::{Design, FORMAT_VERSION, Node, NodeKind};
// Validation's findings are the engine's one problem type, re-exported
// here because validation is where most of them come from.
pub use crate::problem::{Problem, Severity, Target, has_errors};

mod brokers;
mod cost;
mod discovery;
mod edges;
mod items;
mod sink;

use brokers::check_brokers;
use cost::check_cost;
use discovery::check_discovery;
use edges::{check_edges, check_sync_cycles};
use items::{check_faults, check_scenarios, check_slos, check_workloads};
use sink::Sink;

/// A duration in ms as a person reads it: `3.2e12 ms` rather than 20 digits.
pub(crate) fn fmt_ms(ms: f64) -> String {
    if ms.is_finite() && ms.abs() < 1e9 { format!("{ms:.1} ms") } else { format!("{ms:.3e} ms") }
}

/// Validate a design: every problem of its structure and values at once,
/// errors and warnings. The capacity estimate's findings (an event loop that
/// grows without bound, hot nodes) are not among them: [`crate::analysis`]
/// adds them.
#[must_use]
pub fn validate(design: &Design) -> Vec<Problem> {
    let mut sink = Sink { problems: Vec::new() };
    let whole = Target::Design;
    if design.version != FORMAT_VERSION {
        sink.error(
            &whole,
            "version".into(),
            crate::msg!(
                "engine-must-found-2",
                "must be {format_version}, found {version}",
                format_version = FORMAT_VERSION,
                version = design.version
            ),
        );
    }
    let nodes_by_id = check_nodes(design, &mut sink);
    check_edges(design, &nodes_by_id, &mut sink);
    check_brokers(design, &nodes_by_id, &mut sink);
    check_discovery(design, &nodes_by_id, &mut sink);
    check_sync_cycles(design, &mut sink);
    check_workloads(design, &nodes_by_id, &mut sink);
    check_faults(design, &nodes_by_id, &mut sink);
    check_slos(design, &mut sink);
    check_scenarios(design, &nodes_by_id, &mut sink);
    check_settings(design, &mut sink);
    check_cost(design, &mut sink);
    check_reachability(design, &nodes_by_id, &mut sink);
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
        check_node_identity(n, i, &t, &p, &mut by_id, &mut names, sink);
        check_capacity(n, &t, &p, sink);
        sink.distribution(&t, &format!("{p}.service_time"), &n.service_time);
        sink.probability(&t, format!("{p}.error_probability"), n.error_probability);
        check_operations(n, &t, &p, sink);
        check_kind_settings(n, &t, &p, sink);
        check_deployment(n, &t, &p, sink);
        check_node_policies(n, &t, &p, sink);
    }
    check_hosts(design, &by_id, sink);
    check_replica_total(design, sink);
    by_id
}

/// Ids and names present and unique (the first node with an id or name
/// keeps it), finite coordinates.
fn check_node_identity<'a>(
    n: &'a Node,
    i: usize,
    t: &Target,
    p: &str,
    by_id: &mut BTreeMap<&'a str, &'a Node>,
    names: &mut BTreeMap<&'a str, &'a str>,
    sink: &mut Sink,
) {
    if n.id.trim().is_empty() {
        sink.error(t, format!("nodes[{i}].id"), crate::msg!("engine-node-needs-id", "a node needs an id"));
    } else if by_id.insert(&n.id, n).is_some() {
        sink.error(
            t,
            format!("{p}.id"),
            crate::msg!("engine-duplicate-node-id", "duplicate node id {id}", id = format!("{:?}", n.id)),
        );
    }
    if n.name.trim().is_empty() {
        sink.error(t, format!("{p}.name"), crate::msg!("engine-node-needs-name", "a node needs a name"));
    } else if let Some(other) = names.insert(&n.name, &n.id) {
        sink.error(
            t,
            format!("{p}.name"),
            crate::msg!(
                "engine-name-already-used-by-node",
                "name {name} is already used by node {other}",
                name = format!("{:?}", n.name),
                other = format!("{:?}", other)
            ),
        );
    }
    if !(n.position.x.is_finite() && n.position.y.is_finite()) {
        sink.error(
            t,
            format!("{p}.position"),
            crate::msg!("engine-must-finite-coordinates", "must be finite coordinates"),
        );
    }
}

/// Replicas within bounds, at least one worker.
fn check_capacity(n: &Node, t: &Target, p: &str, sink: &mut Sink) {
    let c = &n.capacity;
    if c.replicas == 0 {
        sink.error(t, format!("{p}.capacity.replicas"), crate::msg!("engine-must-least-1", "must be at least 1"));
    } else if c.replicas > MAX_REPLICAS_PER_NODE {
        sink.error(
            t,
            format!("{p}.capacity.replicas"),
            crate::msg!(
                "engine-must-most-found",
                "must be at most {max_replicas_per_node}, found {replicas}",
                max_replicas_per_node = MAX_REPLICAS_PER_NODE,
                replicas = c.replicas
            ),
        );
    }
    if c.workers == 0 {
        sink.error(t, format!("{p}.capacity.workers"), crate::msg!("engine-must-least-1", "must be at least 1"));
    }
    sink.distribution(t, &format!("{p}.service_time"), &n.service_time);
    sink.probability(t, format!("{p}.error_probability"), n.error_probability);
}

/// Operations named, no two alike, their service times drawable.
fn check_operations(n: &Node, t: &Target, p: &str, sink: &mut Sink) {
    let mut ops = BTreeSet::new();
    for op in &n.operations {
        let op_path = format!("{p}.operations[{}]", op.name);
        if op.name.trim().is_empty() {
            sink.error(t, op_path.clone(), crate::msg!("engine-operation-needs-name", "an operation needs a name"));
        } else if !ops.insert(op.name.as_str()) {
            sink.error(
                t,
                op_path.clone(),
                crate::msg!(
                    "engine-duplicate-operation",
                    "duplicate operation {name}",
                    name = format!("{:?}", op.name)
                ),
            );
        }
        if let Some(d) = &op.service_time {
            sink.distribution(t, &format!("{op_path}.service_time"), d);
        }
    }
}

/// Cache and broker settings only on their kinds, and in range.
fn check_kind_settings(n: &Node, t: &Target, p: &str, sink: &mut Sink) {
    if let Some(cache) = &n.cache {
        sink.probability(t, format!("{p}.cache.hit_ratio"), cache.hit_ratio);
        if n.kind != NodeKind::Cache {
            sink.warn(
                t,
                format!("{p}.cache"),
                crate::msg!(
                    "engine-cache-settings-node-not-cache",
                    "cache settings on a node that is not a cache are ignored"
                ),
            );
        }
    }
    if n.broker.is_some() && n.kind != NodeKind::Broker {
        sink.warn(
            t,
            format!("{p}.broker"),
            crate::msg!(
                "engine-broker-settings-node-not-broker",
                "broker settings on a node that is not a broker are ignored"
            ),
        );
    }
    if let Some(b) = &n.broker
        && b.capacity_messages == Some(0)
    {
        sink.error(
            t,
            format!("{p}.broker.capacity_messages"),
            crate::msg!("engine-must-least-1-omit-unbounded", "must be at least 1 (omit it for unbounded)"),
        );
    }
}

/// A port in range and a health check with an interval and an absolute path.
fn check_deployment(n: &Node, t: &Target, p: &str, sink: &mut Sink) {
    if n.deployment.port == Some(0) {
        sink.error(
            t,
            format!("{p}.deployment.port"),
            crate::msg!("engine-must-between-1-65535", "must be between 1 and 65535"),
        );
    }
    if let Some(h) = &n.deployment.healthcheck {
        sink.positive(t, format!("{p}.deployment.healthcheck.interval_s"), h.interval_s);
        if !h.path.starts_with('/') {
            sink.error(
                t,
                format!("{p}.deployment.healthcheck.path"),
                crate::msg!("engine-must-start-with", "must start with `/`"),
            );
        }
    }
}

/// Receivers need hosts; checked once every id is known.
fn check_hosts(design: &Design, by_id: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    for n in &design.nodes {
        let t = Target::Node(n.id.clone());
        let p = node_path(n);
        match (n.kind, &n.host) {
            (NodeKind::Receiver, None) => {
                sink.error(
                    &t,
                    format!("{p}.host"),
                    crate::msg!(
                        "engine-receiver-runs-inside-host-service",
                        "a receiver runs inside a host service: set `host`"
                    ),
                );
            }
            (NodeKind::Receiver, Some(h)) => match by_id.get(h.as_str()) {
                None => sink.error(
                    &t,
                    format!("{p}.host"),
                    crate::msg!("engine-host-not-node", "host {h} is not a node", h = format!("{:?}", h)),
                ),
                Some(host) if matches!(host.kind, NodeKind::Receiver | NodeKind::Broker | NodeKind::Client) => {
                    sink.error(
                        &t,
                        format!("{p}.host"),
                        crate::msg!(
                            "engine-host-not-service",
                            "host {name} is a {kind}, not a service",
                            name = format!("{:?}", host.name),
                            kind = host.kind.as_str()
                        ),
                    );
                }
                Some(_) => {}
            },
            (_, Some(_)) => sink.warn(
                &t,
                format!("{p}.host"),
                crate::msg!("engine-only-receivers-have-host-ignored", "only receivers have a host; ignored"),
            ),
            (_, None) => {}
        }
    }
}

/// Replica slots in all (each node at its most) within the simulator's bound.
fn check_replica_total(design: &Design, sink: &mut Sink) {
    let total: u64 = design
        .nodes
        .iter()
        .filter(|n| !matches!(n.kind, NodeKind::Client | NodeKind::Receiver))
        .map(|n| {
            let scaled = n.policies.autoscaling.as_ref().map_or(0, |a| a.max_replicas);
            u64::from(n.capacity.replicas.max(scaled))
        })
        .sum();
    if total > u64::from(MAX_REPLICAS_TOTAL) {
        sink.error(
            &Target::Design,
            "nodes".to_owned(),
            crate::msg!(
                "engine-replicas-all-each-node-most",
                "{total} replicas in all (each node at its most); at most {max_replicas_total}",
                total = total,
                max_replicas_total = MAX_REPLICAS_TOTAL
            ),
        );
    }
}

fn check_node_policies(n: &Node, t: &Target, p: &str, sink: &mut Sink) {
    let pol = &n.policies;
    if let Some(r) = &pol.rate_limit {
        sink.positive(t, format!("{p}.policies.rate_limit.rate_per_s"), r.rate_per_s);
        if r.burst == 0 {
            sink.error(
                t,
                format!("{p}.policies.rate_limit.burst"),
                crate::msg!("engine-must-least-1", "must be at least 1"),
            );
        }
    }
    if let Some(o) = &pol.outlier_ejection {
        if o.consecutive_errors == 0 {
            sink.error(
                t,
                format!("{p}.policies.outlier_ejection.consecutive_errors"),
                crate::msg!("engine-must-least-1", "must be at least 1"),
            );
        }
        sink.period(t, format!("{p}.policies.outlier_ejection.interval_s"), o.interval_s);
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
            sink.error(t, format!("{ap}.min_replicas"), crate::msg!("engine-must-least-1", "must be at least 1"));
        }
        if a.max_replicas > MAX_REPLICAS_PER_NODE {
            sink.error(
                t,
                format!("{ap}.max_replicas"),
                crate::msg!(
                    "engine-must-most-found-2",
                    "must be at most {max_replicas_per_node}, found {max_replicas}",
                    max_replicas_per_node = MAX_REPLICAS_PER_NODE,
                    max_replicas = a.max_replicas
                ),
            );
        }
        if a.max_replicas < a.min_replicas {
            sink.error(
                t,
                format!("{ap}.max_replicas"),
                crate::msg!(
                    "engine-must-least-min-replicas",
                    "must be at least min_replicas ({min_replicas})",
                    min_replicas = a.min_replicas
                ),
            );
        }
        if !(a.target_utilization.is_finite() && a.target_utilization > 0.0 && a.target_utilization <= 1.0) {
            sink.error(
                t,
                format!("{ap}.target_utilization"),
                crate::msg!(
                    "engine-must-0-1-found",
                    "must be in (0, 1], found {target_utilization}",
                    target_utilization = a.target_utilization
                ),
            );
        }
        sink.period(t, format!("{ap}.evaluation_period_s"), a.evaluation_period_s);
        sink.range(t, format!("{ap}.scale_down_stabilization_s"), a.scale_down_stabilization_s, 0.0, f64::INFINITY);
        sink.range(t, format!("{ap}.cold_start_s"), a.cold_start_s, 0.0, f64::INFINITY);
        if !(a.min_replicas..=a.max_replicas).contains(&n.capacity.replicas) && a.min_replicas <= a.max_replicas {
            sink.warn(
                t,
                format!("{p}.capacity.replicas"),
                crate::msg!(
                    "engine-outside-autoscaling-range-run-starts",
                    "outside the autoscaling range; the run starts there and scales"
                ),
            );
        }
    }
}

fn check_settings(design: &Design, sink: &mut Sink) {
    let s = &design.simulation;
    let t = Target::Design;
    sink.positive(&t, "simulation.duration_s".into(), s.duration_s);
    if s.duration_s > 365.0 * 86_400.0 {
        sink.error(
            &t,
            "simulation.duration_s".into(),
            crate::msg!("engine-must-most-year-simulated-time", "must be at most a year of simulated time"),
        );
    } else if s.duration_s > 0.0 && s.duration_s < MIN_SPAN_S {
        sink.error(
            &t,
            "simulation.duration_s".into(),
            crate::msg!(
                "engine-must-least-found",
                "must be at least {min_span_s} s, found {duration_s}",
                min_span_s = MIN_SPAN_S,
                duration_s = s.duration_s
            ),
        );
    }
    sink.range(&t, "simulation.warmup_s".into(), s.warmup_s, 0.0, f64::INFINITY);
    if s.warmup_s.is_finite() && s.duration_s.is_finite() && s.warmup_s >= s.duration_s {
        sink.error(
            &t,
            "simulation.warmup_s".into(),
            crate::msg!(
                "engine-must-shorter-than-duration",
                "must be shorter than duration_s ({duration_s})",
                duration_s = s.duration_s
            ),
        );
    } else if s.duration_s - s.warmup_s < MIN_SPAN_S {
        // Both become whole nanoseconds: a closer end could leave nothing to measure.
        sink.error(
            &t,
            "simulation.warmup_s".into(),
            crate::msg!(
                "engine-must-end-least-before-duration",
                "must end at least {min_span_s} s before duration_s ({duration_s})",
                min_span_s = MIN_SPAN_S,
                duration_s = s.duration_s
            ),
        );
    }
    if s.replications == 0 || s.replications > 1000 {
        sink.error(
            &t,
            "simulation.replications".into(),
            crate::msg!(
                "engine-must-between-1-1000-found",
                "must be between 1 and 1000, found {replications}",
                replications = s.replications
            ),
        );
    }
    if s.max_in_flight == 0 {
        sink.error(&t, "simulation.max_in_flight".into(), crate::msg!("engine-must-least-1", "must be at least 1"));
    } else if s.max_in_flight > MAX_IN_FLIGHT {
        // About 200 bytes per request in flight at one node (measured: 10
        // million overloaded requests peaked at 1.97 GB): the cap bounds a
        // run's memory, and the run's memory estimate checks the rest.
        sink.error(
            &t,
            "simulation.max_in_flight".into(),
            crate::msg!("engine-must-most-about-2-gb", "must be at most {max_in_flight} (about 2 GB of requests in flight, more when each is at several nodes), found {found}", max_in_flight = MAX_IN_FLIGHT, found = s.max_in_flight),
        );
    }
    sink.positive(&t, "simulation.window_s".into(), s.window_s);
    if s.window_s > 0.0 && s.window_s < MIN_SPAN_S {
        sink.error(
            &t,
            "simulation.window_s".into(),
            crate::msg!(
                "engine-must-least-found-2",
                "must be at least {min_span_s} s, found {window_s}",
                min_span_s = MIN_SPAN_S,
                window_s = s.window_s
            ),
        );
    }
    if s.window_s > 0.0 && s.duration_s / s.window_s > 100_000.0 {
        sink.error(
            &t,
            "simulation.window_s".into(),
            crate::msg!("engine-gives-more-than-100-000", "gives more than 100,000 windows: make it wider"),
        );
    }
}

fn check_reachability(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    if design.workloads.is_empty() {
        return;
    }
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &design.edges {
        out.entry(e.from.as_str()).or_default().push(e.to.as_str());
    }
    let mut reached: BTreeSet<&str> = design.workloads.iter().map(|w| w.entry.as_str()).collect();
    let mut stack: Vec<&str> = reached.iter().copied().collect();
    while let Some(id) = stack.pop() {
        for &to in out.get(id).map_or(&[][..], Vec::as_slice) {
            if reached.insert(to) {
                stack.push(to);
            }
        }
    }
    // A registry is in use when a reached service registers with it: it sees
    // lookups (client-side) or only health checks (server-side), not edges.
    let registries: Vec<&str> = design
        .nodes
        .iter()
        .filter(|n| reached.contains(n.id.as_str()))
        .filter_map(|n| n.discovery.as_ref().and_then(|d| d.registry.as_deref()))
        .collect();
    reached.extend(registries);
    for n in &design.nodes {
        if !reached.contains(n.id.as_str()) && nodes.contains_key(n.id.as_str()) {
            sink.warn(
                &Target::Node(n.id.clone()),
                node_path(n),
                crate::msg!(
                    "engine-no-workload-reaches-never-sees",
                    "no workload reaches {name}: it never sees traffic",
                    name = format!("{:?}", n.name)
                ),
            );
        }
    }
}
