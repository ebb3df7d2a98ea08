//! Rules for service discovery: which nodes may be discovered, the registry
//! they name, and settings that would leave calls hanging for ever.

use std::collections::{BTreeMap, BTreeSet};

use super::{Sink, Target, node_path};
use crate::model::{DeadInstance, Design, DiscoveryMode, EdgeKind, Node, NodeKind};

pub(super) fn check_discovery(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    // Edges by callee and the registries in use, each built once: per-node
    // scans of every edge or node would make validation quadratic.
    let mut calls_into: BTreeMap<&str, Vec<&crate::model::Edge>> = BTreeMap::new();
    for e in &design.edges {
        calls_into.entry(e.to.as_str()).or_default().push(e);
    }
    let used: BTreeSet<&str> =
        design.nodes.iter().filter_map(|s| s.discovery.as_ref().and_then(|d| d.registry.as_deref())).collect();
    for n in &design.nodes {
        let Some(d) = &n.discovery else { continue };
        let t = Target::Node(n.id.clone());
        let p = format!("{}.discovery", node_path(n));
        if matches!(n.kind, NodeKind::Client | NodeKind::Receiver | NodeKind::Registry) {
            sink.error(
                &t,
                p.clone(),
                crate::msg!(
                    "engine-not-found-through-registry-remove",
                    "a {kind} is not found through a registry; remove `discovery`",
                    kind = n.kind.as_str()
                ),
            );
        }
        match &d.registry {
            None if d.mode == DiscoveryMode::ClientSide => {
                sink.error(
                    &t,
                    format!("{p}.registry"),
                    crate::msg!(
                        "engine-client-side-discovery-needs-registry",
                        "client-side discovery needs a registry node to look up"
                    ),
                );
            }
            None => {}
            Some(r) => match nodes.get(r.as_str()) {
                None => sink.error(
                    &t,
                    format!("{p}.registry"),
                    crate::msg!("engine-registry-not-node", "registry {r} is not a node", r = format!("{:?}", r)),
                ),
                Some(reg) if reg.kind != NodeKind::Registry => sink.error(
                    &t,
                    format!("{p}.registry"),
                    crate::msg!(
                        "engine-not-registry",
                        "{name} is a {kind}, not a registry",
                        name = format!("{:?}", reg.name),
                        kind = reg.kind.as_str()
                    ),
                ),
                Some(_) => {}
            },
        }
        sink.range(&t, format!("{p}.cache_ttl_s"), d.cache_ttl_s, 0.0, f64::INFINITY);
        sink.period(&t, format!("{p}.health_check.interval_s"), d.health_check.interval_s);
        if d.health_check.failures_before_removal == 0 {
            sink.error(
                &t,
                format!("{p}.health_check.failures_before_removal"),
                crate::msg!("engine-must-least-1", "must be at least 1"),
            );
        }
        if d.dead_instance == DeadInstance::Hang {
            for e in calls_into.get(n.id.as_str()).map_or(&[][..], Vec::as_slice) {
                let untimed =
                    e.policy.as_ref().is_none_or(|pol| pol.timeout_ms.is_none() && pol.per_try_timeout_ms.is_none());
                if e.to == n.id && e.kind == EdgeKind::Call && untimed {
                    sink.warn(
                        &Target::Edge(e.id.clone()),
                        format!("edges[{}].policy.timeout_ms", e.id),
                        crate::msg!("engine-calls-hang-crashed-instance-call", "calls to {name} hang on a crashed instance and this call has no timeout: they would wait for ever", name = format!("{:?}", n.name)),
                    );
                }
            }
        }
    }
    for n in &design.nodes {
        if n.kind != NodeKind::Registry {
            continue;
        }
        if !used.contains(n.id.as_str()) {
            sink.warn(
                &Target::Node(n.id.clone()),
                node_path(n),
                crate::msg!(
                    "engine-no-service-registers-with-registry",
                    "no service registers with this registry: set a service's `discovery.registry`"
                ),
            );
        }
    }
}
