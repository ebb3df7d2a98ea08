//! Client-side service discovery from registry lookups: a caller's CLIENT
//! spans asking a registry for a service's instances (see
//! [`crate::otlp::registry`]) make the service discovered client-side
//! through that registry, not a call edge. The cache's lifetime shows as the
//! shortest time between two lookups of one caller (a lookup comes when the
//! cached list expired and a call needs it), when every request is traced;
//! the health check and what callers do when the registry fails do not show.

use std::collections::BTreeMap;

use super::analyse::Observed;
use super::describe::Describe;
use super::store::Store;
use crate::model::{Design, DiscoveryMode};

/// Fewest lookups by one caller before the gaps between them tell the cache's lifetime.
const MIN_LOOKUPS_FOR_TTL: usize = 3;

/// Set the discovery of each looked-up service; `ids` maps services to node ids.
pub fn apply(
    design: &mut Design,
    obs: &mut Observed,
    store: &Store,
    ids: &BTreeMap<u32, String>,
    sample_rate: f64,
    changes: &mut Vec<crate::message::Message>,
    not_inferred: &mut Vec<crate::message::Message>,
) {
    // Per (looked-up service, registry): the shortest gap between one caller's lookups, s.
    let mut found: BTreeMap<(String, String), Option<f64>> = BTreeMap::new();
    for (&(_, registry, service), l) in &mut obs.lookups {
        let Some(registry_id) = ids.get(&registry) else { continue };
        let name = store.name(service);
        // A Eureka client asks for the application's name in capitals.
        let Some(node) = design.nodes.iter().find(|n| n.id == name || n.name.eq_ignore_ascii_case(name)) else {
            not_inferred.push(crate::msg!(
                "engine-calibrate-lookup-unseen",
                "{name}: looked up at {registry_id} but never seen serving; its discovery is not set",
                name = name,
                registry_id = &registry_id
            ));
            continue;
        };
        l.starts_ns.sort_unstable();
        let gap_s = (l.starts_ns.len() >= MIN_LOOKUPS_FOR_TTL)
            .then(|| l.starts_ns.windows(2).filter_map(|w| w.get(1).zip(w.first()).map(|(b, a)| b - a)).min())
            .flatten()
            .map(|ns| ns as f64 / 1e9);
        let slot = found.entry((node.id.clone(), registry_id.clone())).or_insert(gap_s);
        *slot = match (*slot, gap_s) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    for ((node_id, registry_id), gap_s) in found {
        let Some(node) = design.nodes.iter_mut().find(|n| n.id == node_id) else { continue };
        let mut d = node.discovery.clone().unwrap_or_default();
        d.mode = DiscoveryMode::ClientSide;
        d.registry = Some(registry_id.clone());
        // Sampled traces miss lookups: gaps between the sampled ones are longer than the cache's lifetime.
        match gap_s.filter(|_| sample_rate >= 1.0) {
            Some(s) => d.cache_ttl_s = (s * 10.0).floor() / 10.0,
            None => not_inferred.push(crate::msg!(
                "engine-calibrate-ttl",
                "nodes[{node_id}].discovery.cache_ttl_s: fewer than {min} lookups by one caller, or traces sampled; {ttl_s} kept",
                node_id = &node_id,
                min = MIN_LOOKUPS_FOR_TTL,
                ttl_s = d.cache_ttl_s
            )),
        }
        if node.discovery.as_ref() != Some(&d) {
            let (old, new) = (node.discovery.describe(), d.describe());
            changes.push(
                crate::msg!(
                    "engine-calibrate-discovery",
                    "nodes[{node_id}].discovery: {old} → {new} (its callers look it up at {registry_id})",
                    node_id = &node_id,
                    old = old.as_str(),
                    new = new.as_str(),
                    registry_id = &registry_id
                )
                .with_list("old", vec![old.clone()], "")
                .with_list("new", vec![new.clone()], ""),
            );
            node.discovery = Some(d);
        }
        not_inferred.push(crate::msg!(
            "engine-calibrate-health-check",
            "nodes[{node_id}].discovery.health_check, on_registry_failure, dead_instance: not in traces",
            node_id = &node_id
        ));
    }
}
