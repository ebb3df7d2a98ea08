//! Rules for workloads, faults, SLOs and scenarios: they reference nodes,
//! edges and workloads by id or name, and carry rates and schedules.

use std::collections::{BTreeMap, BTreeSet};

use super::{Sink, Target};
use crate::model::{Arrival, Design, Edge, Fault, FaultKind, Node, NodeKind, RateProfile, Slo, Workload};

/// Edges by id, built once per check so that looking a target up is not a scan.
fn edges_by_id(design: &Design) -> BTreeMap<&str, &Edge> {
    design.edges.iter().map(|e| (e.id.as_str(), e)).collect()
}

fn check_profile(profile: &RateProfile, t: &Target, p: &str, sink: &mut Sink) {
    match *profile {
        RateProfile::Constant => {}
        RateProfile::Ramp { start_s, end_s, to_factor } => {
            sink.range(t, format!("{p}.start_s"), start_s, 0.0, f64::INFINITY);
            if end_s <= start_s || !end_s.is_finite() {
                sink.error(
                    t,
                    format!("{p}.end_s"),
                    crate::msg!(
                        "engine-must-after-start-found",
                        "must be after start_s ({start_s}), found {end_s}",
                        start_s = start_s,
                        end_s = end_s
                    ),
                );
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

pub(super) fn check_workloads(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    let mut names = BTreeSet::new();
    if design.workloads.is_empty() {
        sink.warn(
            &Target::Design,
            "workloads".into(),
            crate::msg!(
                "engine-no-workload-nothing-enters-design",
                "no workload: nothing enters the design, so a run shows no traffic"
            ),
        );
    }
    for (i, w) in design.workloads.iter().enumerate() {
        let t = Target::Workload(w.name.clone());
        let p = if w.name.is_empty() { format!("workloads[{i}]") } else { format!("workloads[{}]", w.name) };
        check_workload(w, nodes, &t, &p, sink);
        if w.name.trim().is_empty() {
            sink.error(&t, format!("{p}.name"), crate::msg!("engine-workload-needs-name", "a workload needs a name"));
        } else if !names.insert(w.name.as_str()) {
            sink.error(
                &t,
                format!("{p}.name"),
                crate::msg!(
                    "engine-duplicate-workload-name",
                    "duplicate workload name {name}",
                    name = format!("{:?}", w.name)
                ),
            );
        }
    }
    // Each closed-loop user holds at most one request in flight, and the
    // simulator keeps a timer per user: the population is bounded like the
    // requests in flight, so a run's memory is.
    let cap = design.simulation.max_in_flight;
    let mut users = 0u64;
    for (i, w) in design.workloads.iter().enumerate() {
        let Arrival::Closed { users: n, .. } = &w.arrival else { continue };
        users += u64::from(*n);
        if users > u64::from(cap) {
            let p = if w.name.is_empty() { format!("workloads[{i}]") } else { format!("workloads[{}]", w.name) };
            sink.error(
                &Target::Workload(w.name.clone()),
                format!("{p}.arrival.users"),
                crate::msg!("engine-closed-loop-users-all-more", "{users} closed-loop users in all is more than simulation.max_in_flight ({cap}); raise max_in_flight (at most {max_in_flight}) or model fewer users", users = users, cap = cap, max_in_flight = super::MAX_IN_FLIGHT),
            );
            break;
        }
    }
}

fn check_workload(w: &Workload, nodes: &BTreeMap<&str, &Node>, t: &Target, p: &str, sink: &mut Sink) {
    match nodes.get(w.entry.as_str()) {
        None => sink.error(
            t,
            format!("{p}.entry"),
            crate::msg!(
                "engine-entry-node-does-not-exist",
                "entry node {entry} does not exist",
                entry = format!("{:?}", w.entry)
            ),
        ),
        Some(n) => {
            if matches!(n.kind, NodeKind::Broker | NodeKind::Receiver) {
                sink.error(
                    t,
                    format!("{p}.entry"),
                    crate::msg!(
                        "engine-traffic-cannot-enter",
                        "traffic cannot enter at a {kind} ({name})",
                        kind = n.kind.as_str(),
                        name = format!("{:?}", n.name)
                    ),
                );
            }
            if let Some(op) = &w.operation
                && n.operation(op).is_none()
            {
                sink.error(
                    t,
                    format!("{p}.operation"),
                    crate::msg!(
                        "engine-has-no-operation",
                        "{name} has no operation {op}",
                        name = format!("{:?}", n.name),
                        op = format!("{:?}", op)
                    ),
                );
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
                    crate::msg!(
                        "engine-more-than-10-million-requests",
                        "more than 10 million requests per second is beyond what the simulator handles"
                    ),
                );
            }
            check_profile(profile, t, &format!("{p}.arrival.profile"), sink);
        }
        Arrival::Closed { users, think_time } => {
            if *users == 0 {
                sink.error(t, format!("{p}.arrival.users"), crate::msg!("engine-must-least-1", "must be at least 1"));
            }
            sink.distribution(t, &format!("{p}.arrival.think_time"), think_time);
        }
    }
}

pub(super) fn check_faults(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    let edges = edges_by_id(design);
    let mut names = BTreeSet::new();
    for (i, f) in design.faults.iter().enumerate() {
        let t = Target::Fault(f.name.clone());
        let p = if f.name.is_empty() { format!("faults[{i}]") } else { format!("faults[{}]", f.name) };
        if f.name.trim().is_empty() {
            sink.error(&t, format!("{p}.name"), crate::msg!("engine-fault-needs-name", "a fault needs a name"));
        } else if !names.insert(f.name.as_str()) {
            sink.error(
                &t,
                format!("{p}.name"),
                crate::msg!(
                    "engine-duplicate-fault-name",
                    "duplicate fault name {name}",
                    name = format!("{:?}", f.name)
                ),
            );
        }
        check_fault(f, nodes, &edges, &t, &p, sink);
    }
}

fn check_fault(
    f: &Fault,
    nodes: &BTreeMap<&str, &Node>,
    edges: &BTreeMap<&str, &Edge>,
    t: &Target,
    p: &str,
    sink: &mut Sink,
) {
    sink.range(t, format!("{p}.start_s"), f.start_s, 0.0, f64::INFINITY);
    if !(f.end_s.is_finite() && f.end_s > f.start_s) {
        sink.error(
            t,
            format!("{p}.end_s"),
            crate::msg!(
                "engine-must-after-start-found",
                "must be after start_s ({start_s}), found {end_s}",
                start_s = f.start_s,
                end_s = f.end_s
            ),
        );
    }
    let node = nodes.get(f.target.as_str());
    let edge = edges.get(f.target.as_str());
    if node.is_none() && edge.is_none() {
        sink.error(
            t,
            format!("{p}.target"),
            crate::msg!(
                "engine-neither-node-nor-edge",
                "{target} is neither a node nor an edge",
                target = format!("{:?}", f.target)
            ),
        );
        return;
    }
    match &f.fault {
        FaultKind::Outage { replicas } => match node {
            None => sink.error(
                t,
                format!("{p}.fault"),
                crate::msg!("engine-outage-targets-node", "an outage targets a node"),
            ),
            Some(n) => {
                if let Some(r) = replicas
                    && (*r == 0 || *r > n.capacity.replicas)
                {
                    sink.error(
                        t,
                        format!("{p}.fault.replicas"),
                        crate::msg!(
                            "engine-must-between-1-node-replicas",
                            "must be between 1 and {replicas} (the node's replicas)",
                            replicas = n.capacity.replicas
                        ),
                    );
                }
            }
        },
        FaultKind::Latency { added_ms, factor } => {
            sink.range(t, format!("{p}.fault.added_ms"), *added_ms, 0.0, super::MAX_DURATION_MS);
            sink.positive(t, format!("{p}.fault.factor"), *factor);
            // The stretched time, not only each field, must fit the clock:
            // factor × the slowest draw (1 in 10⁹) + added.
            let slowest_ms = match (node, edge) {
                (Some(n), _) => std::iter::once(&n.service_time)
                    .chain(n.operations.iter().filter_map(|o| o.service_time.as_ref()))
                    .map(crate::model::Distribution::upper_ms)
                    .fold(0.0, f64::max),
                (None, Some(e)) => e.network_latency.as_ref().map_or(0.0, crate::model::Distribution::upper_ms),
                (None, None) => 0.0,
            };
            let stretched_ms = factor * slowest_ms.min(super::MAX_DURATION_MS) + added_ms;
            if *factor > 1.0
                && factor.is_finite()
                && added_ms.is_finite()
                && (stretched_ms.is_nan() || stretched_ms > super::MAX_DURATION_MS)
            {
                sink.error(
                    t,
                    format!("{p}.fault.factor"),
                    crate::msg!("engine-stretches-slowest-draw-1-10", "stretches the slowest draw (1 in 10⁹) of {target} to {stretched_ms}, beyond a year: the simulator's clock cannot hold it", target = format!("{:?}", f.target), stretched_ms = super::fmt_ms(stretched_ms)),
                );
            }
        }
        FaultKind::Errors { probability } => sink.probability(t, format!("{p}.fault.probability"), *probability),
        FaultKind::Partition { .. } => {
            if edge.is_none() {
                sink.error(
                    t,
                    format!("{p}.fault"),
                    crate::msg!("engine-partition-targets-edge", "a partition targets an edge"),
                );
            }
        }
        FaultKind::BrokerOutage { .. } => {
            if node.is_none_or(|n| n.kind != NodeKind::Broker) {
                sink.error(
                    t,
                    format!("{p}.fault"),
                    crate::msg!("engine-broker-outage-targets-broker-node", "a broker outage targets a broker node"),
                );
            }
        }
    }
}

pub(super) fn check_slos(design: &Design, sink: &mut Sink) {
    let workloads: BTreeSet<&str> = design.workloads.iter().map(|w| w.name.as_str()).collect();
    for (i, s) in design.slos.iter().enumerate() {
        check_slo(&workloads, i, s, sink);
    }
}

fn check_slo(workloads: &BTreeSet<&str>, i: usize, s: &Slo, sink: &mut Sink) {
    let t = Target::Slo(s.workload.clone());
    let p = format!("slos[{i}]");
    if !workloads.contains(s.workload.as_str()) {
        sink.error(
            &t,
            format!("{p}.workload"),
            crate::msg!(
                "engine-workload-does-not-exist",
                "workload {workload} does not exist",
                workload = format!("{:?}", s.workload)
            ),
        );
    }
    if s.latency.is_none() && s.max_error_rate.is_none() {
        sink.warn(
            &t,
            p.clone(),
            crate::msg!(
                "engine-slo-without-latency-bound-error",
                "an SLO without a latency bound or an error-rate bound checks nothing"
            ),
        );
    }
    if let Some(l) = &s.latency {
        if !(l.percentile.is_finite() && l.percentile > 0.0 && l.percentile < 100.0) {
            sink.error(
                &t,
                format!("{p}.latency.percentile"),
                crate::msg!(
                    "engine-must-between-0-100-exclusive",
                    "must be between 0 and 100 (exclusive), found {percentile}",
                    percentile = l.percentile
                ),
            );
        }
        sink.positive(&t, format!("{p}.latency.max_ms"), l.max_ms);
    }
    if let Some(r) = s.max_error_rate {
        sink.probability(&t, format!("{p}.max_error_rate"), r);
    }
}

/// Scenarios: unique names, rates for open-loop workloads that exist, and
/// faults checked like the design's own.
pub(super) fn check_scenarios(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    let edges = edges_by_id(design);
    let workloads: BTreeMap<&str, &Workload> = design.workloads.iter().map(|w| (w.name.as_str(), w)).collect();
    let mut names = BTreeSet::new();
    for (i, s) in design.scenarios.iter().enumerate() {
        let t = Target::Design;
        let p = if s.name.is_empty() { format!("scenarios[{i}]") } else { format!("scenarios[{}]", s.name) };
        if s.name.trim().is_empty() {
            sink.error(&t, format!("{p}.name"), crate::msg!("engine-scenario-needs-name", "a scenario needs a name"));
        } else if !names.insert(s.name.as_str()) {
            sink.error(
                &t,
                format!("{p}.name"),
                crate::msg!(
                    "engine-duplicate-scenario-name",
                    "duplicate scenario name {name}",
                    name = format!("{:?}", s.name)
                ),
            );
        }
        sink.positive(&t, format!("{p}.rate_scale"), s.rate_scale);
        for r in &s.rates {
            let rp = format!("{p}.rates[{}]", r.workload);
            match workloads.get(r.workload.as_str()) {
                None => sink.error(
                    &t,
                    format!("{rp}.workload"),
                    crate::msg!(
                        "engine-workload-does-not-exist",
                        "workload {workload} does not exist",
                        workload = format!("{:?}", r.workload)
                    ),
                ),
                Some(w) if matches!(w.arrival, Arrival::Closed { .. }) => {
                    sink.error(
                        &t,
                        format!("{rp}.workload"),
                        crate::msg!(
                            "engine-workload-closed-loop-has-no",
                            "workload {workload} is closed-loop: it has no rate",
                            workload = format!("{:?}", r.workload)
                        ),
                    );
                }
                Some(_) => {}
            }
            sink.positive(&t, format!("{rp}.rate_per_s"), r.rate_per_s);
        }
        let mut fault_names: BTreeSet<&str> = design.faults.iter().map(|f| f.name.as_str()).collect();
        for (k, f) in s.faults.iter().enumerate() {
            let ft = Target::Fault(f.name.clone());
            let fp = if f.name.is_empty() { format!("{p}.faults[{k}]") } else { format!("{p}.faults[{}]", f.name) };
            if f.name.trim().is_empty() {
                sink.error(&ft, format!("{fp}.name"), crate::msg!("engine-fault-needs-name", "a fault needs a name"));
            } else if !fault_names.insert(f.name.as_str()) {
                sink.error(
                    &ft,
                    format!("{fp}.name"),
                    crate::msg!(
                        "engine-fault-name-already-used-design",
                        "fault name {name} is already used in the design or this scenario",
                        name = format!("{:?}", f.name)
                    ),
                );
            }
            check_fault(f, nodes, &edges, &ft, &fp, sink);
        }
    }
}
