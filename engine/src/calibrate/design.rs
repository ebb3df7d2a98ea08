//! From what the spans show to a design: a new one, or an existing one
//! updated (nodes matched by id or name), with every change listed and what
//! the data could not show named instead of invented.

use std::collections::{BTreeMap, BTreeSet};

use super::analyse::{EdgeKey, EdgeObs, Observed, PairObs, StepKind};
use super::describe::Describe;
use super::fit::{Fit, fit};
use super::store::{NONE, Store};
use crate::model::{
    Arrival, ArrivalProcess, Branch, Concurrency, Design, Distribution, Edge, EdgeKind, Node, NodeKind, Operation,
    RateProfile, Workload,
};

/// z of the 99th percentile of the standard normal distribution.
const Z_P99: f64 = 2.326_347_874_040_841;

/// One service operation's fitted own time and observed load.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ServiceFit {
    /// `service.name`.
    pub service: String,
    /// The operation (`http.route`/`rpc.method`), absent for unnamed requests.
    pub operation: Option<String>,
    /// Requests seen.
    pub visits: u64,
    /// Of them, ended with an error status (their later steps may be skipped).
    pub errors: u64,
    /// Observed requests per second (sampling undone).
    pub rate_per_s: f64,
    /// Mean requests in the service at once (Little's law over the visits).
    pub mean_in_service: f64,
    /// The fit of its own time (ms), queueing included.
    #[serde(skip)]
    pub fit: Option<Fit>,
    /// Fitted distribution.
    pub distribution: Option<Distribution>,
    /// KS distance of the log-normal through the data's p50 and p99.
    pub ks_lognormal: Option<f64>,
}

/// A calibration's result.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Calibration {
    /// The new or updated design.
    #[serde(skip)]
    pub design: Design,
    /// Every change made to the design, as `path: what`.
    pub changes: Vec<crate::message::Message>,
    /// What the data could not show (kept from the design, or a stated placeholder).
    pub not_inferred: Vec<crate::message::Message>,
    /// Warnings about the data.
    pub warnings: Vec<crate::message::Message>,
    /// Per service operation.
    pub services: Vec<ServiceFit>,
    /// Spans read.
    pub spans: u64,
    /// Traces read.
    pub traces: u64,
    /// Seconds between the first and the last root span.
    pub window_s: f64,
}

/// Turn a service name into a node id: lower-case ASCII, other characters as `-`.
fn slug(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { "service".to_owned() } else { s }
}

/// A per-direction network latency from round-trip gaps (two independent
/// draws each), by Fenton–Wilkinson moment matching: each direction has half
/// the gap's mean and half its variance, as a log-normal.
fn one_way(gaps_ms: &[f64]) -> Option<Distribution> {
    let n = gaps_ms.len() as f64;
    if gaps_ms.len() < 2 {
        return None;
    }
    let mean = gaps_ms.iter().sum::<f64>() / n;
    let var = gaps_ms.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let (m, v) = (mean / 2.0, var / 2.0);
    if m <= 0.0 {
        return None;
    }
    if v <= m * m * 1e-9 {
        return Some(Distribution::Constant { value_ms: m });
    }
    let s2 = (1.0 + v / (m * m)).ln();
    let mu = m.ln() - s2 / 2.0;
    Some(Distribution::Lognormal { p50_ms: mu.exp(), p99_ms: (mu + Z_P99 * s2.sqrt()).exp() })
}

/// Build or update a design from `obs`. `sample_rate` is the share of requests traced.
#[must_use]
#[allow(clippy::too_many_lines, reason = "one pass over nodes, edges and workloads")]
pub fn build(obs: &mut Observed, store: &Store, sample_rate: f64, base: Option<&Design>) -> Calibration {
    let name = |i: u32| store.name(i).to_owned();
    let op_name = |i: u32| (i != NONE).then(|| store.name(i).to_owned());
    let window_s = match (obs.first_root_ns, obs.last_root_ns) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
        _ => 0.0,
    };
    let mut design =
        base.cloned().unwrap_or_else(|| Design { name: "Calibrated from telemetry".to_owned(), ..Design::default() });
    let mut changes = Vec::new();
    let mut not_inferred = Vec::new();
    let mut warnings = vec![crate::msg!(
        "engine-calibrate-queueing",
        "fitted service times are span durations minus their children's: they include any queueing in the service; calibrate from a lightly loaded period (see each service's mean_in_service)"
    )];
    if obs.unknown_callees > 0 {
        let count = obs.unknown_callees;
        warnings.push(crate::msg!(
            "engine-calibrate-unknown-callees",
            "{count} CLIENT spans have no SERVER child and no peer.service: their callee is unknown and they were left out",
            count = count
        ));
    }
    // Services and their node ids.
    let mut services: BTreeSet<u32> = obs.ops.keys().map(|k| k.0).collect();
    services.extend(obs.destinations.keys());
    for (from, to, _) in obs.edges.keys() {
        services.insert(from.0);
        services.insert(to.0);
    }
    services.extend(obs.lookups.keys().map(|k| k.1));
    let mut ids: BTreeMap<u32, String> = BTreeMap::new();
    // What calibration invents and what it measures, for the design's placeholders.
    let (mut added, mut timed, mut rated) = (Vec::new(), Vec::new(), Vec::new());
    for &s in &services {
        let svc = name(s);
        let existing = design.nodes.iter().find(|n| n.id == svc || n.name == svc).map(|n| n.id.clone());
        let id = existing.unwrap_or_else(|| {
            let base_id = slug(&svc);
            let mut id = base_id.clone();
            let mut k = 2;
            while design.nodes.iter().any(|n| n.id == id) {
                id = format!("{base_id}-{k}");
                k += 1;
            }
            let kind = node_kind(obs, s, store);
            let mut node = Node::new(id.clone(), svc.clone(), kind);
            node.capacity.concurrency = Concurrency::Async;
            // The file's word for it ("service"), which the GUI says in the reader's language.
            let word = format!("{kind:?}").to_ascii_lowercase();
            changes.push(crate::msg!(
                "engine-calibrate-node-added",
                "nodes[{id}]: added ({kind})",
                id = &id,
                kind = &word
            ));
            if kind == NodeKind::Broker {
                not_inferred.push(crate::msg!("engine-calibrate-broker-untraced", "nodes[{id}].broker, service_time: a broker is not traced; its mode, capacity and own time are not in traces", id = &id));
            }
            not_inferred.push(crate::msg!("engine-calibrate-capacity", "nodes[{id}].capacity: replicas and workers are not in traces; placeholder async workers sized for utilization about 0.25 at the observed load", id = &id));
            design.nodes.push(node);
            added.push(id.clone());
            id
        });
        ids.insert(s, id);
    }
    // Own times per operation.
    let mut fits = Vec::new();
    for (&(s, op), o) in &mut obs.ops {
        let Some(id) = ids.get(&s) else { continue };
        let f = fit(&mut o.own_ms);
        let busy_s = o.busy_ns as f64 / 1e9;
        let mean_in_service = if window_s > 0.0 { busy_s / window_s / sample_rate } else { 0.0 };
        let rate_per_s = if window_s > 0.0 { o.visits as f64 / window_s / sample_rate } else { 0.0 };
        let Some(node) = design.nodes.iter_mut().find(|n| &n.id == id) else { continue };
        let is_client = node.kind == NodeKind::Client;
        // A load source has no service time of its own, but its operations are named.
        if let Some(op) = op_name(op).filter(|o| is_client && !node.operations.iter().any(|x| &x.name == o)) {
            changes.push(crate::msg!(
                "engine-calibrate-operation-added",
                "nodes[{id}].operations[{op}]: added",
                id = id,
                op = &op
            ));
            node.operations.push(Operation { name: op, service_time: None });
        }
        if let Some(f) = f.as_ref().filter(|_| !is_client) {
            set_time(node, op_name(op), &f.distribution, &mut changes);
            if op == NONE {
                timed.push(id.clone());
            }
            let added = node.capacity.concurrency == Concurrency::Async
                && changes.iter().any(|c| c.as_str() == format!("nodes[{id}]: added (service)"));
            if added {
                let need = (4.0 * mean_in_service).ceil().clamp(1.0, 1_000_000.0) as u32;
                node.capacity.workers = node.capacity.workers.max(need);
            }
        }
        fits.push(ServiceFit {
            service: name(s),
            operation: op_name(op),
            visits: o.visits,
            errors: o.errors,
            rate_per_s,
            mean_in_service,
            distribution: f.as_ref().map(|f| f.distribution.clone()),
            ks_lognormal: f.as_ref().map(|f| f.ks_lognormal),
            fit: f,
        });
    }
    // Edges, with order and parallel groups per caller operation.
    let groups = step_groups(obs);
    // Per caller operation and branch: the share of visits that took one of its steps.
    let mut branch_share: BTreeMap<((u32, u32), String), f64> = BTreeMap::new();
    for (ek, (_, _, branch)) in &groups {
        let (Some(b), Some(e)) = (branch, obs.edges.get(ek)) else { continue };
        let caller_visits = obs.ops.get(&ek.0).map_or(0, |o| o.visits).max(1);
        *branch_share.entry((ek.0, b.clone())).or_default() += e.visits_with as f64 / caller_visits as f64;
    }
    let mut seen_edges = BTreeSet::new();
    for (ek, e) in &mut obs.edges {
        let ((fs, fo), (ts, to), kind) = *ek;
        let (Some(from), Some(to_id)) = (ids.get(&fs), ids.get(&ts)) else { continue };
        let edge_kind = match kind {
            StepKind::Call => EdgeKind::Call,
            StepKind::Publish => EdgeKind::Event,
            StepKind::Delivery => EdgeKind::Subscription,
            StepKind::Signal => EdgeKind::Signal,
        };
        let caller_visits = obs.ops.get(&(fs, fo)).map_or(0, |o| o.visits);
        let probability = if kind == StepKind::Delivery || caller_visits == 0 {
            1.0
        } else {
            (e.visits_with as f64 / caller_visits as f64).min(1.0)
        };
        let calls = if e.visits_with > 0 { (e.calls as f64 / e.visits_with as f64).round().max(1.0) as u32 } else { 1 };
        let (order, group, branch) = groups.get(ek).cloned().unwrap_or((0, None, None));
        // A branch's step: taken with the branch's share, chosen by its own.
        let (probability, branch) = match branch {
            Some(b) => {
                let share = branch_share.get(&(ek.0, b.clone())).copied().unwrap_or(1.0).min(1.0);
                let weight = (probability * 1e4).round() / 1e4;
                (share, Some(Branch { group: b, weight }))
            }
            None => (probability, None),
        };
        let existing = design.edges.iter().position(|x| {
            &x.from == from
                && &x.to == to_id
                && x.kind == edge_kind
                && x.operation == op_name(fo)
                && x.target_operation.as_ref().is_none_or(|t| Some(t) == op_name(to).as_ref())
        });
        let idx = existing.unwrap_or_else(|| {
            let id = unique_edge_id(&design, &format!("{from}-{to_id}"));
            let mut edge = Edge::new(id.clone(), from.clone(), to_id.clone(), edge_kind);
            edge.operation = op_name(fo);
            edge.target_operation = op_name(to);
            changes.push(crate::msg!(
                "engine-calibrate-edge-added",
                "edges[{id}]: added ({from} → {to_id}, {edge_kind})",
                id = &id,
                from = &from,
                to_id = &to_id,
                edge_kind = edge_kind.as_str()
            ));
            design.edges.push(edge);
            design.edges.len() - 1
        });
        let Some(edge) = design.edges.get_mut(idx) else { continue };
        seen_edges.insert(edge.id.clone());
        let rounded = (probability * 1e4).round() / 1e4;
        update(&mut edge.probability, rounded, &format!("edges[{}].probability", edge.id), &mut changes);
        update(&mut edge.calls_per_request, calls, &format!("edges[{}].calls_per_request", edge.id), &mut changes);
        if kind != StepKind::Delivery {
            update(&mut edge.order, order, &format!("edges[{}].order", edge.id), &mut changes);
            update(&mut edge.parallel_group, group, &format!("edges[{}].parallel_group", edge.id), &mut changes);
            update(&mut edge.branch, branch, &format!("edges[{}].branch", edge.id), &mut changes);
        }
        match kind {
            StepKind::Delivery => not_inferred.push(crate::msg!(
                "engine-calibrate-subscription",
                "edges[{id}].subscription: concurrency, max_deliveries and redelivery_delay_ms are not in traces",
                id = &edge.id
            )),
            StepKind::Call => super::retries::apply(edge, e, &mut changes, &mut not_inferred),
            StepKind::Signal => {
                signal(edge, e, store, &mut changes, &mut not_inferred);
                // A receiver runs in its sender's process.
                let host = Some(from.clone());
                if let Some(node) = design.nodes.iter_mut().find(|n| &n.id == to_id) {
                    update(&mut node.host, host, &format!("nodes[{to_id}].host"), &mut changes);
                }
            }
            StepKind::Publish => {}
        }
        if let Some(net) = one_way(&e.network_ms) {
            update(&mut edge.network_latency, Some(net), &format!("edges[{}].network_latency", edge.id), &mut changes);
        } else if kind == StepKind::Call {
            not_inferred.push(crate::msg!(
                "engine-calibrate-no-network",
                "edges[{id}].network_latency: no CLIENT span with a SERVER child to measure it",
                id = &edge.id
            ));
        }
    }
    super::discovery::apply(&mut design, obs, store, &ids, sample_rate, &mut changes, &mut not_inferred);
    if obs.edges.keys().any(|k| k.2 == StepKind::Call) {
        not_inferred.push(crate::msg!("engine-calibrate-policies", "edges[*].policy: an overall timeout, circuit breaker, bulkhead or fallback is not told by spans; only retries and a per-try timeout are"));
    }
    for e in design.edges.iter().filter(|e| !seen_edges.contains(&e.id)) {
        not_inferred.push(crate::msg!(
            "engine-calibrate-edge-unseen",
            "edges[{id}]: not seen in the traces, kept as it was",
            id = &e.id
        ));
    }
    // Workloads from root spans.
    for (&(s, op), o) in &obs.ops {
        if o.roots == 0 {
            continue;
        }
        let Some(entry) = ids.get(&s) else { continue };
        let operation = op_name(op);
        if window_s <= 0.0 {
            not_inferred.push(crate::msg!(
                "engine-calibrate-one-root",
                "workloads entering {entry}: one root span gives no rate",
                entry = entry
            ));
            continue;
        }
        let rate = o.roots as f64 / window_s / sample_rate;
        let rate = (rate * 1e3).round() / 1e3;
        if let Some(w) = design.workloads.iter_mut().find(|w| &w.entry == entry && w.operation == operation) {
            if let Arrival::Open { rate_per_s, .. } = &mut w.arrival {
                update(rate_per_s, rate, &format!("workloads[{}].arrival.rate_per_s", w.name), &mut changes);
                rated.push(w.name.clone());
            }
        } else {
            let wname = operation.clone().unwrap_or_else(|| entry.clone());
            changes.push(crate::msg!(
                "engine-calibrate-workload-added",
                "workloads[{wname}]: added ({entry}, {rate} per s)",
                wname = &wname,
                entry = entry,
                rate = super::describe::number(rate)
            ));
            not_inferred.push(crate::msg!("engine-calibrate-poisson", "workloads[{wname}].arrival.process: Poisson assumed (inter-arrival times of sampled traces are not the process)", wname = &wname));
            design.workloads.push(Workload {
                name: wname,
                entry: entry.clone(),
                operation,
                arrival: Arrival::Open {
                    process: ArrivalProcess::default(),
                    rate_per_s: rate,
                    profile: RateProfile::default(),
                },
            });
        }
    }
    mark_placeholders(&mut design, &added, &timed, &rated);
    Calibration {
        design,
        changes,
        not_inferred,
        warnings,
        services: fits,
        spans: obs.spans,
        traces: obs.traces,
        window_s,
    }
}

/// A signal edge's name and, when a receiver failed, whether its sender went on (`send_robust`).
fn signal(
    edge: &mut Edge,
    e: &EdgeObs,
    store: &Store,
    changes: &mut Vec<crate::message::Message>,
    not_inferred: &mut Vec<crate::message::Message>,
) {
    let id = edge.id.clone();
    if let Some(name) = e.signal.map(|s| store.name(s).to_owned()) {
        update(&mut edge.signal, Some(name), &format!("edges[{id}].signal"), changes);
    }
    if e.failed_sender_ok > 0 {
        update(&mut edge.robust, true, &format!("edges[{id}].robust"), changes);
    } else if e.failed_sender_failed > 0 {
        update(&mut edge.robust, false, &format!("edges[{id}].robust"), changes);
    } else {
        not_inferred.push(crate::msg!(
            "engine-calibrate-robust",
            "edges[{id}].robust: no receiver failed in the traces, so send and send_robust look alike; kept {robust}",
            id = &id,
            robust = edge.robust
        ));
    }
}

fn node_kind(obs: &Observed, s: u32, store: &Store) -> NodeKind {
    if obs.destinations.contains_key(&s) {
        return NodeKind::Broker;
    }
    if obs.lookups.keys().any(|k| k.1 == s) {
        return NodeKind::Registry;
    }
    if obs.edges.keys().any(|(_, to, kind)| *kind == StepKind::Signal && to.0 == s) {
        return NodeKind::Receiver;
    }
    if obs.ops.iter().any(|(k, o)| k.0 == s && o.client_roots > 0)
        && !obs.ops.iter().any(|(k, o)| k.0 == s && o.client_roots < o.visits)
    {
        return NodeKind::Client;
    }
    let db = obs.edges.iter().find_map(|((_, to, _), e)| e.db_system.filter(|_| to.0 == s)).map(|d| store.name(d));
    match db {
        Some("redis" | "memcached") => NodeKind::Cache,
        Some(_) => NodeKind::Database,
        None => NodeKind::Service,
    }
}

fn set_time(node: &mut Node, op: Option<String>, d: &Distribution, changes: &mut Vec<crate::message::Message>) {
    match op {
        None => update(&mut node.service_time, d.clone(), &format!("nodes[{}].service_time", node.id), changes),
        Some(op) => {
            let id = node.id.clone();
            if let Some(o) = node.operations.iter_mut().find(|o| o.name == op) {
                update(
                    &mut o.service_time,
                    Some(d.clone()),
                    &format!("nodes[{id}].operations[{op}].service_time"),
                    changes,
                );
            } else {
                changes.push(crate::msg!(
                    "engine-calibrate-operation-added",
                    "nodes[{id}].operations[{op}]: added",
                    id = &id,
                    op = &op
                ));
                node.operations.push(Operation { name: op, service_time: Some(d.clone()) });
            }
        }
    }
}

/// What calibration invented (a new node's capacity) joins the design's
/// placeholders; what it measured leaves them, so an import's invented
/// service time or rate replaced by telemetry is no longer flagged.
fn mark_placeholders(design: &mut Design, added: &[String], timed: &[String], rated: &[String]) {
    let measured: BTreeSet<String> = timed
        .iter()
        .map(|id| format!("nodes[{id}].service_time"))
        .chain(rated.iter().map(|w| format!("workloads[{w}].arrival.rate_per_s")))
        .collect();
    design.placeholders.retain(|p| !measured.contains(p));
    for id in added {
        let path = format!("nodes[{id}].capacity");
        if !design.placeholders.contains(&path) {
            design.placeholders.push(path);
        }
    }
}

fn update<T: PartialEq + Describe>(slot: &mut T, value: T, path: &str, changes: &mut Vec<crate::message::Message>) {
    if *slot != value {
        changes.push(super::describe::changed(path, slot, &value));
        *slot = value;
    }
}

fn unique_edge_id(design: &Design, base: &str) -> String {
    let mut id = base.to_owned();
    let mut k = 2;
    while design.edges.iter().any(|e| e.id == id) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}

/// The root of `i` in a union-find forest.
fn find(root: &[usize], mut i: usize) -> usize {
    while let Some(&r) = root.get(i) {
        if r == i {
            break;
        }
        i = r;
    }
    i
}

/// Per step: its `order` (1-based rank of its group among the caller's
/// steps) and its parallel group (steps that overlapped in most visits
/// where both ran).
fn step_groups(obs: &Observed) -> BTreeMap<EdgeKey, (u32, Option<String>, Option<String>)> {
    let mut by_caller: BTreeMap<(u32, u32), Vec<EdgeKey>> = BTreeMap::new();
    for (ek, e) in &obs.edges {
        if ek.2 != StepKind::Delivery && e.visits_with > 0 {
            by_caller.entry(ek.0).or_default().push(*ek);
        }
    }
    let mut out = BTreeMap::new();
    for steps in by_caller.values() {
        // Union-find over steps that overlapped.
        let mut root: Vec<usize> = (0..steps.len()).collect();
        for (i, a) in steps.iter().enumerate() {
            for (j, b) in steps.iter().enumerate().skip(i + 1) {
                if let Some(p) = obs.pairs.get(&(*a, *b))
                    && p.both > 0
                    && p.overlapped * 2 > p.both
                {
                    let (ra, rb) = (find(&root, i), find(&root, j));
                    if let Some(slot) = root.get_mut(rb) {
                        *slot = ra;
                    }
                }
            }
        }
        let mean_rank =
            |ek: &EdgeKey| obs.edges.get(ek).map_or(0.0, |e| e.rank_sum as f64 / e.visits_with.max(1) as f64);
        let mut groups: BTreeMap<usize, Vec<EdgeKey>> = BTreeMap::new();
        for (i, ek) in steps.iter().enumerate() {
            groups.entry(find(&root, i)).or_default().push(*ek);
        }
        let min_rank = |members: &[EdgeKey]| members.iter().map(mean_rank).fold(f64::INFINITY, f64::min);
        let ordered = in_order(groups.into_values().collect(), obs, min_rank);
        let single = ordered.len() == 1;
        let together = |a: &[EdgeKey], b: &[EdgeKey]| {
            a.iter().any(|x| b.iter().any(|y| obs.pairs.get(&(*x.min(y), *x.max(y))).is_some_and(|p| p.both > 0)))
        };
        let mut order_no = 0u32;
        // Alternatives by stage: one step each, never made together.
        let mut stages: BTreeMap<u32, Vec<&[EdgeKey]>> = BTreeMap::new();
        for (g, members) in ordered.iter().enumerate() {
            // Steps never taken together at the same rank are alternatives of one stage (weighted branches).
            let alternative = g > 0
                && ordered
                    .get(g - 1)
                    .is_some_and(|prev| (min_rank(prev) - min_rank(members)).abs() < 1e-9 && !together(prev, members));
            if !alternative {
                order_no += 1;
            }
            let order = if single { 0 } else { order_no };
            let group = (members.len() > 1).then(|| format!("parallel-{}", g + 1));
            for ek in members {
                out.insert(*ek, (order, group.clone(), None));
            }
            stages.entry(order_no).or_default().push(members);
        }
        // A stage of single steps, one per visit: a weighted branch (exactly
        // one taken), not independent chances that would now and then take
        // two or none and widen the tail.
        for (no, alternatives) in stages {
            if alternatives.len() > 1 && alternatives.iter().all(|m| m.len() == 1) {
                for ek in alternatives.iter().flat_map(|m| m.iter()) {
                    if let Some(slot) = out.get_mut(ek) {
                        slot.2 = Some(format!("branch-{no}"));
                    }
                }
            }
        }
    }
    out
}

/// A caller's step groups in the order its visits showed. Of two groups
/// made in one visit, the one whose steps came first in most such visits
/// goes first (steps in sequence come in their order in every visit, so
/// any visit with both tells it, however rare each step is); groups never
/// made in one visit go by `rank` (their steps' mean rank). A step taken
/// with a probability shifts the ranks of the steps after it, so mean ranks
/// alone misorder a frequent late step and a rare early one.
fn in_order(groups: Vec<Vec<EdgeKey>>, obs: &Observed, rank: impl Fn(&[EdgeKey]) -> f64) -> Vec<Vec<EdgeKey>> {
    // Visits where a step of `a` came before a step of `b`.
    let first = |a: &[EdgeKey], b: &[EdgeKey]| -> u64 {
        let pair = |x: &EdgeKey, y: &EdgeKey| match x.cmp(y) {
            std::cmp::Ordering::Less => obs.pairs.get(&(*x, *y)).map_or(0, |p| p.a_first),
            std::cmp::Ordering::Greater => obs.pairs.get(&(*y, *x)).map_or(0, PairObs::b_first),
            std::cmp::Ordering::Equal => 0,
        };
        a.iter().map(|x| b.iter().map(|y| pair(x, y)).sum::<u64>()).sum()
    };
    let n = groups.len();
    // before[i * n + j]: group i goes before group j.
    let before: Vec<bool> = (0..n * n)
        .map(|k| match (groups.get(k / n), groups.get(k % n)) {
            (Some(a), Some(b)) if k / n != k % n => first(a, b) > first(b, a),
            _ => false,
        })
        .collect();
    let ranks: Vec<f64> = groups.iter().map(|g| rank(g)).collect();
    let rank_of = |i: usize| ranks.get(i).copied().unwrap_or(f64::INFINITY);
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let open = |j: &usize| !placed.get(*j).copied().unwrap_or(true);
        // Ready: every group that goes before it is placed.
        let ready = |j: &usize| {
            (0..n).all(|i| placed.get(i).copied().unwrap_or(true) || !before.get(i * n + j).copied().unwrap_or(false))
        };
        let lowest = |a: &usize, b: &usize| rank_of(*a).total_cmp(&rank_of(*b)).then(a.cmp(b));
        // A cycle (visits that disagree): the lowest mean rank of what is left.
        let next = (0..n).filter(open).filter(ready).min_by(lowest).or_else(|| (0..n).filter(open).min_by(lowest));
        let Some(j) = next else { break };
        if let Some(p) = placed.get_mut(j) {
            *p = true;
        }
        order.push(j);
    }
    let mut groups: Vec<Option<Vec<EdgeKey>>> = groups.into_iter().map(Some).collect();
    order.into_iter().filter_map(|j| groups.get_mut(j).and_then(Option::take)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::analyse::PairObs;

    #[test]
    fn a_frequent_late_step_stays_after_a_rare_early_one() {
        let caller = (1, NONE);
        let (early, late) = (((2, NONE), StepKind::Call), ((3, NONE), StepKind::Publish));
        let (a, b) = ((caller, early.0, early.1), (caller, late.0, late.1));
        let mut obs = Observed::default();
        // A step before both in every visit; the early step in a tenth of
        // them, the late one in all: the late one's mean rank (2.1) is below
        // the early one's (3)...
        let first = (caller, (4, NONE), StepKind::Call);
        obs.edges.insert(first, EdgeObs { visits_with: 100, rank_sum: 100, ..EdgeObs::default() });
        obs.edges.insert(a, EdgeObs { visits_with: 10, rank_sum: 30, ..EdgeObs::default() });
        obs.edges.insert(b, EdgeObs { visits_with: 100, rank_sum: 210, ..EdgeObs::default() });
        // ... but every visit that made both made the early one first.
        obs.pairs.insert((a, b), PairObs { both: 10, overlapped: 0, a_first: 10 });
        // (Pairs are keyed smaller first: `first` sorts after both.)
        assert!(a < first && b < first);
        obs.pairs.insert((a, first), PairObs { both: 10, overlapped: 0, a_first: 0 });
        obs.pairs.insert((b, first), PairObs { both: 100, overlapped: 0, a_first: 0 });
        let groups = step_groups(&obs);
        let order = |k: &EdgeKey| groups.get(k).map(|g| g.0);
        assert_eq!((order(&first), order(&a), order(&b)), (Some(1), Some(2), Some(3)));
    }
}
