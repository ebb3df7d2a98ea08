//! Per-node holding times and utilizations for given arrival rates: an
//! M/M/c wait (Erlang C) scaled by the service time's variability, callees
//! before callers so a blocking caller holds its worker for its downstream
//! time; and the registry lookups that client-side discovery adds.

use std::collections::BTreeMap;

use super::queueing::wait_ms;
use super::{Load, NodeEstimate, Plan, has_station, service_of, state_of};
use crate::model::{Concurrency, Design, Distribution, EdgeKind, NodeKind};

/// Client-side discovery puts lookups on the registry: each calling node's
/// cache expires every `cache_ttl_s`, so a registry sees about one lookup per
/// caller per TTL (every call when the TTL is 0), whatever the call rate.
pub(super) fn add_lookups(design: &Design, plan: &Plan<'_>, lambda: &mut [f64]) {
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

pub(super) fn fmt_rho(u: f64) -> String {
    if u.is_finite() { format!("{u:.2}") } else { "∞ (a dependency is overloaded)".to_owned() }
}

/// Per-node figures and per-state response times for given state arrival rates.
pub(super) fn times(
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
pub(super) fn downstream_ms(design: &Design, plan: &Plan<'_>, s: usize, response: &[f64]) -> f64 {
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
