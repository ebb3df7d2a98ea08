//! The report's figures on service discovery: per discovered service, how
//! callers found its instances and what crashes cost before eviction.

use serde::{Deserialize, Serialize};

/// Service discovery of one service (a node with `discovery`), summed over
/// replications. Counts are of calls started after the warm-up; crash and
/// eviction figures count every crash in the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryReport {
    /// The discovered service's node id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// `server_side` or `client_side`.
    pub mode: String,
    /// The registry node id, if one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// Calls routed to the service.
    pub calls: u64,
    /// Client-side: calls that found a fresh instance list in the caller's cache.
    pub cache_hits: u64,
    /// Client-side: calls that found the list cold or expired (they waited for a lookup).
    pub cache_misses: u64,
    /// `cache_hits / (cache_hits + cache_misses)`; 0 when there were none.
    pub cache_hit_ratio: f64,
    /// Client-side: lookups sent to the registry.
    pub lookups: u64,
    /// Lookups that failed (registry down, erroring or overloaded).
    pub lookup_failures: u64,
    /// Calls routed on a stale list because the lookup failed (`stale_cache`).
    pub stale_routed: u64,
    /// Calls that failed because no instance list could be had (the lookup
    /// failed with no earlier list to fall back on, or the list was empty).
    pub lookup_failed_calls: u64,
    /// Calls sent to an instance that had crashed or stopped but was still listed.
    pub calls_to_dead: u64,
    /// Instance crashes.
    pub crashes: u64,
    /// Crashed instances removed by the health check before they recovered.
    pub evictions: u64,
    /// Mean time from a crash to the eviction, in milliseconds (0 without evictions).
    pub mean_eviction_ms: f64,
    /// Longest time from a crash to the eviction, in milliseconds.
    pub max_eviction_ms: f64,
    /// Lookups per second of simulated time (after the warm-up) this service puts on its registry.
    pub registry_lookups_per_s: f64,
}
