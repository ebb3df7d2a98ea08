//! Service discovery in wall-clock time, on the engine's shared parts
//! ([`Listing`], [`InstanceCache`], [`DiscoveryRule`]), as the simulator's
//! `sim/discovery/runtime.rs` drives them.
//!
//! A discovered node's replicas are listed while they are up: all of them at
//! the start; a crash ([`crate::outages`]) leaves the replica listed until the
//! health check, which runs every `interval_s` (scaled) from the load's start
//! at a phase drawn once per node from the simulator's own stream, has found
//! it down `failures_before_removal` times in a row; a recovery lists it again.
//!
//! A registry node is an HTTP server like any other: a lookup is a `POST /`
//! carrying [`LOOKUP_HEADER`] (the discovered node's id), queued and served
//! there with the registry's service time, and answered with the instances
//! listed at the answer in [`INSTANCES_HEADER`].
//!
//! Client-side, a call consults its caller's cache (one per calling node and
//! discovered node): fresh, it picks an instance with the engine's
//! [`lb_choose`](engine::policy::lb_choose) and sends the call to that
//! replica ([`REPLICA_HEADER`]); cold or expired, it waits for the one lookup
//! in flight (the first such call makes it). Server-side, the node's load
//! balancer routes over the listed replicas ([`crate::station`]). A call
//! that lands on a crashed but listed instance is refused at once or hangs
//! until its caller's timeout, as the design says.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use engine::model::Outcome;
use engine::policy::{CacheDecision, DiscoveryRule, InstanceCache, Listing, LookupEnd};
use engine::sim::DiscoveryReport;
use tokio::sync::watch;

use crate::node::Shared;
use crate::topology::CacheKey;
use crate::trace::Hop;

/// Request header of a lookup: the id of the node looked up.
pub const LOOKUP_HEADER: &str = "x-switchboard-lookup";
/// Response header of a lookup: the listed instances, comma-separated offsets.
pub const INSTANCES_HEADER: &str = "x-switchboard-instances";
/// Request header of a client-side call: the replica the caller picked.
pub const REPLICA_HEADER: &str = "x-switchboard-replica";

tokio::task_local! {
    /// The replica a client-side call was sent to, set by the server from
    /// [`REPLICA_HEADER`].
    pub static TARGET: Option<usize>;
}

/// The replica the request being handled was sent to, if its caller picked one.
#[must_use]
pub fn target() -> Option<usize> {
    TARGET.try_with(|t| *t).ok().flatten()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A discovered node's counts (of calls begun after the warm-up; crashes
/// and evictions over the whole run, as the report counts them).
#[derive(Debug, Default)]
pub struct Counts {
    pub(crate) calls: AtomicU64,
    pub(crate) hits: AtomicU64,
    pub(crate) misses: AtomicU64,
    pub(crate) lookups: AtomicU64,
    pub(crate) lookup_failures: AtomicU64,
    pub(crate) stale_routed: AtomicU64,
    pub(crate) lookup_failed_calls: AtomicU64,
    pub(crate) calls_to_dead: AtomicU64,
    pub(crate) crashes: AtomicU64,
    pub(crate) evictions: AtomicU64,
    pub(crate) eviction_sum_ns: AtomicU64,
    pub(crate) eviction_max_ns: AtomicU64,
}

fn bump(c: &AtomicU64, yes: bool) {
    if yes {
        c.fetch_add(1, Ordering::Relaxed);
    }
}

/// A discovered node's registry listing and counts.
#[derive(Debug)]
pub struct DiscState {
    /// The node's discovery rule.
    pub rule: DiscoveryRule,
    /// The registry (`None`: the platform's own).
    pub registry: Option<usize>,
    listing: Mutex<Listing>,
    /// The first health check after the load's start, modelled ns.
    phase_ns: u64,
    /// Its counts.
    pub counts: Counts,
}

impl DiscState {
    /// `replicas` instances, all listed; `phase_unit` in [0, 1) places the
    /// first health check.
    #[must_use]
    pub fn new(rule: DiscoveryRule, registry: Option<usize>, replicas: u32, phase_unit: f64) -> Self {
        Self {
            rule,
            registry,
            listing: Mutex::new(Listing::new((0..replicas).map(|_| true))),
            phase_ns: rule.phase_ns(phase_unit),
            counts: Counts::default(),
        }
    }

    /// The listed instances, ascending (what the registry answers).
    #[must_use]
    pub fn instances(&self) -> Vec<u32> {
        lock(&self.listing).instances().collect()
    }

    /// A new load's start: every instance listed again, none crashed (the
    /// outages restart from it with every replica up).
    pub fn restart(&self) {
        let mut listing = lock(&self.listing);
        let n = listing.listed().len();
        *listing = Listing::new((0..n).map(|_| true));
    }

    /// Whether instance `o` is listed.
    #[must_use]
    pub fn is_listed(&self, o: usize) -> bool {
        lock(&self.listing).is_listed(o)
    }

    /// Replica `o` crashed (`down`) or recovered at `now_ns` (since the load's start).
    pub fn down_changed(&self, o: usize, down: bool, now_ns: u64) {
        let mut listing = lock(&self.listing);
        if down {
            // It stays listed: only the health check notices.
            self.counts.crashes.fetch_add(1, Ordering::Relaxed);
            listing.on_crash(o, now_ns);
        } else {
            // Back up: it registers again.
            listing.on_recover(o);
            listing.set_listed(o, true);
        }
    }

    /// The health check at `now_ns` (since the load's start) over replicas
    /// found `down` or not.
    /// Returns the replicas it removed.
    pub fn check(&self, down: impl Fn(usize) -> bool, now_ns: u64) -> Vec<usize> {
        let mut listing = lock(&self.listing);
        let mut evicted = Vec::new();
        for o in 0..listing.listed().len() {
            if let Some(t) = listing.check(o, down(o), now_ns, &self.rule) {
                self.counts.evictions.fetch_add(1, Ordering::Relaxed);
                self.counts.eviction_sum_ns.fetch_add(t, Ordering::Relaxed);
                self.counts.eviction_max_ns.fetch_max(t, Ordering::Relaxed);
                evicted.push(o);
            }
        }
        evicted
    }

    /// Its lines in the node's metrics: lookups, cache hits, listed instances.
    #[must_use]
    pub fn metrics_text(&self, id: &str) -> String {
        let c = &self.counts;
        let listed = lock(&self.listing).instances().count();
        let mut text = String::new();
        let mut line = |name: &str, kind: &str, help: &str, value: u64| {
            let suffix = if kind == "counter" { "_total" } else { "" };
            text.push_str(&format!(
                "# TYPE switchboard_discovery_{name} {kind}\n# HELP switchboard_discovery_{name} {help}\nswitchboard_discovery_{name}{suffix}{{node=\"{id}\"}} {value}\n"
            ));
        };
        line("listed_instances", "gauge", "Instances the registry lists now", listed as u64);
        line("lookups", "counter", "Lookups sent to the registry", c.lookups.load(Ordering::Relaxed));
        line("lookup_failures", "counter", "Lookups that failed", c.lookup_failures.load(Ordering::Relaxed));
        line("cache_hits", "counter", "Calls that found a fresh cached list", c.hits.load(Ordering::Relaxed));
        line("cache_misses", "counter", "Calls that waited for a lookup", c.misses.load(Ordering::Relaxed));
        line(
            "calls_to_dead",
            "counter",
            "Calls sent to a crashed but listed instance",
            c.calls_to_dead.load(Ordering::Relaxed),
        );
        line(
            "evictions",
            "counter",
            "Crashed instances removed by the health check",
            c.evictions.load(Ordering::Relaxed),
        );
        text
    }

    /// The report's discovery row of node `id` over a window of `window_s`.
    #[must_use]
    pub fn report(&self, id: &str, name: &str, registry: Option<String>, window_s: f64) -> DiscoveryReport {
        let c = &self.counts;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let (hits, misses, lookups, evictions) = (get(&c.hits), get(&c.misses), get(&c.lookups), get(&c.evictions));
        DiscoveryReport {
            id: id.to_owned(),
            name: name.to_owned(),
            mode: if self.rule.client { "client_side" } else { "server_side" }.to_owned(),
            registry,
            calls: get(&c.calls),
            cache_hits: hits,
            cache_misses: misses,
            cache_hit_ratio: if hits + misses > 0 { hits as f64 / (hits + misses) as f64 } else { 0.0 },
            lookups,
            lookup_failures: get(&c.lookup_failures),
            stale_routed: get(&c.stale_routed),
            lookup_failed_calls: get(&c.lookup_failed_calls),
            calls_to_dead: get(&c.calls_to_dead),
            crashes: get(&c.crashes),
            evictions,
            mean_eviction_ms: if evictions > 0 { get(&c.eviction_sum_ns) as f64 / evictions as f64 / 1e6 } else { 0.0 },
            max_eviction_ms: get(&c.eviction_max_ns) as f64 / 1e6,
            registry_lookups_per_s: if window_s > 0.0 { lookups as f64 / window_s } else { 0.0 },
        }
    }
}

/// A caller's cache of a discovered node's instance list.
#[derive(Debug)]
pub struct ClientCache {
    /// Who keeps it, of which node.
    pub key: CacheKey,
    cache: Mutex<InstanceCache>,
    /// The caller's load-balancer rotation over the list.
    rr: Mutex<u32>,
    /// Lookups ended so far, and how the last one ended: the calls waiting
    /// for a lookup watch it.
    done: watch::Sender<(u64, LookupEnd)>,
}

impl ClientCache {
    /// An empty cache.
    #[must_use]
    pub fn new(key: CacheKey) -> Self {
        let (done, _) = watch::channel((0, LookupEnd::Failed));
        Self { key, cache: Mutex::new(InstanceCache::default()), rr: Mutex::new(0), done }
    }

    fn lookup_ended(&self, now_ns: u64, listed: Option<Vec<u32>>, rule: &DiscoveryRule) -> LookupEnd {
        let end = lock(&self.cache).on_lookup(now_ns, listed, rule);
        self.done.send_modify(|d| *d = (d.0 + 1, end));
        end
    }
}

/// A lookup in flight: if its task goes away (the emulation stops), the
/// lookup ends as failed so that the calls waiting on it go on.
struct LookupGuard<'a> {
    cache: &'a ClientCache,
    rule: DiscoveryRule,
    shared: &'a Shared,
    armed: bool,
}

impl Drop for LookupGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.cache.lookup_ended(self.shared.now_ns(), None, &self.rule);
        }
    }
}

impl Shared {
    /// A client-side call over a step with cache `ci`: the replica of the
    /// discovered node to send it to, or `None` when there is no instance to
    /// go to (the call then fails at once, before it leaves its caller).
    pub(crate) async fn discover(self: &std::sync::Arc<Self>, ci: usize, hop: Hop) -> Option<usize> {
        let cache = self.caches.get(ci)?;
        let node = cache.key.node;
        let disc = self.discovery.get(node)?.as_ref()?;
        let rule = disc.rule;
        let warm = self.warm(self.now_ns());
        let c = &disc.counts;
        let mut rx = cache.done.subscribe();
        rx.borrow_and_update();
        let decision = lock(&cache.cache).consult(self.now_ns(), &rule);
        bump(&c.calls, warm);
        bump(&c.hits, warm && decision == CacheDecision::Fresh);
        bump(&c.misses, warm && decision != CacheDecision::Fresh);
        bump(&c.stale_routed, warm && decision == CacheDecision::Stale);
        if let CacheDecision::Wait { start } = decision {
            let end = if start {
                // The lookup is a visit of its own at the registry: it goes on
                // (and fills the cache for the calls waiting) even if the call
                // that started it is given up on, as in the simulator.
                let shared = std::sync::Arc::clone(self);
                tokio::spawn(async move { shared.lookup(ci, hop).await }).await.unwrap_or(LookupEnd::Failed)
            } else {
                // The one in flight: its end is the next change.
                if rx.changed().await.is_err() {
                    return None;
                }
                rx.borrow().1
            };
            bump(&c.stale_routed, warm && end == LookupEnd::Stale);
            if end == LookupEnd::Failed {
                bump(&c.lookup_failed_calls, warm);
                return None;
            }
        }
        let picked = self.pick_listed(cache, node);
        if picked.is_none() {
            bump(&c.lookup_failed_calls, warm);
        }
        picked
    }

    /// Ask the registry for cache `ci`'s node, over HTTP.
    async fn lookup(&self, ci: usize, hop: Hop) -> LookupEnd {
        let Some(cache) = self.caches.get(ci) else { return LookupEnd::Failed };
        let Some(disc) = self.discovery.get(cache.key.node).and_then(Option::as_ref) else { return LookupEnd::Failed };
        let warm = self.warm(self.now_ns());
        bump(&disc.counts.lookups, warm);
        let mut guard = LookupGuard { cache, rule: disc.rule, shared: self, armed: true };
        let answer = match (disc.registry.and_then(|r| self.addrs.get(r)), self.topology.nodes.get(cache.key.node)) {
            (Some(&addr), Some(n)) => self.client.lookup(addr, &n.id, hop.next()).await,
            _ => None,
        };
        guard.armed = false;
        bump(&disc.counts.lookup_failures, warm && answer.is_none());
        cache.lookup_ended(self.now_ns(), answer, &disc.rule)
    }

    /// The caller's load balancer over the cached instances (ejected ones
    /// avoided while others remain), with the node's balancing and stream.
    fn pick_listed(&self, cache: &ClientCache, node: usize) -> Option<usize> {
        let instances = lock(&cache.cache).instances().to_vec();
        let station = self.nodes.get(node)?.station.as_ref()?;
        let mut rr = lock(&cache.rr);
        station.choose_among(&instances, Some(&mut rr), self.since_load_ns().unwrap_or(0))
    }

    /// The listed instances of `node` (a lookup's answer), if it is discovered.
    #[must_use]
    pub fn listed_instances(&self, node: usize) -> Option<Vec<u32>> {
        self.discovery.get(node)?.as_ref().map(DiscState::instances)
    }

    /// Run every discovered node's health check from the load's start at
    /// modelled time `load_from_ns` (a task per node, on the current runtime;
    /// a new start replaces them, every instance listed again).
    pub(crate) fn start_health_checks(self: &std::sync::Arc<Self>, load_from_ns: u64) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        for (i, d) in self.discovery.iter().enumerate() {
            let (Some(d), Some(station)) = (d, self.nodes.get(i).and_then(|s| s.station.clone())) else { continue };
            d.restart();
            let shared = std::sync::Arc::clone(self);
            let (phase_ns, rule) = (d.phase_ns, d.rule);
            let task = tokio::spawn(async move {
                let Some(Some(disc)) = shared.discovery.get(i) else { return };
                let mut t_ns = phase_ns;
                loop {
                    let at_ns = load_from_ns.saturating_add(t_ns);
                    let now_ns = shared.now_ns();
                    if at_ns > now_ns {
                        shared.pause(at_ns - now_ns).await;
                    }
                    for replica in disc.check(|o| station.is_down(o), t_ns) {
                        let node = shared.topology.nodes.get(i).map_or("", |n| n.id.as_str());
                        tracing::info!(node = %node, replica, "health check removed a replica from the registry");
                    }
                    t_ns = rule.next_check_ns(t_ns);
                }
            });
            // A new start replaces these checks, as it does the outages.
            self.outage_tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(task.abort_handle());
        }
    }

    /// The report's discovery section over a window of `window_s`, in design order.
    #[must_use]
    pub fn discovery_sections(&self, window_s: f64) -> Vec<DiscoveryReport> {
        let mut out = Vec::new();
        for (n, d) in self.topology.nodes.iter().zip(&self.discovery) {
            let Some(d) = d else { continue };
            let registry = d.registry.and_then(|r| self.topology.nodes.get(r)).map(|r| r.id.clone());
            out.push(d.report(&n.id, &n.name, registry, window_s));
        }
        out
    }
}

/// The replica a request to a station goes to: the one its caller picked
/// (client-side discovery), or the load balancer's choice over the listed
/// ones (server-side), or `Ok(None)` for the plain load balancer.
///
/// # Errors
/// Server-side with no instance listed: nowhere to send it.
pub(crate) fn route(
    disc: Option<&DiscState>,
    station: &crate::station::Station,
    run_ns: u64,
    warm: bool,
) -> Result<Option<usize>, ()> {
    match (target(), disc) {
        (Some(r), _) => Ok(Some(r)),
        (None, Some(d)) if !d.rule.client => {
            bump(&d.counts.calls, warm);
            station.choose_among(&d.instances(), None, run_ns).map(Some).ok_or(())
        }
        _ => Ok(None),
    }
}

/// The outcome of a call that reached a crashed but listed replica of a
/// discovered node: refused at once, or (`hang`, and a call rather than a
/// workload's request) no answer ever, only the caller's timeout ends it.
pub(crate) async fn dead_instance(disc: &DiscState, call: bool, warm: bool) -> Outcome {
    bump(&disc.counts.calls_to_dead, warm);
    if disc.rule.hang && call {
        std::future::pending::<()>().await;
    }
    Outcome::Error
}

/// Parse an [`INSTANCES_HEADER`] value.
#[must_use]
pub fn parse_instances(value: &str) -> Vec<u32> {
    value.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

/// Write an [`INSTANCES_HEADER`] value.
#[must_use]
pub fn format_instances(instances: &[u32]) -> String {
    instances.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_round_trip_through_the_header() {
        for list in [vec![], vec![0], vec![0, 2, 3]] {
            assert_eq!(parse_instances(&format_instances(&list)), list);
        }
    }

    #[test]
    fn a_crash_is_removed_by_the_health_check_and_a_recovery_lists_again() {
        let rule = DiscoveryRule { client: true, ttl_ns: 10, stale: false, interval_ns: 10, failures: 2, hang: false };
        let d = DiscState::new(rule, None, 2, 0.0);
        d.down_changed(1, true, 5);
        d.check(|o| o == 1, 10);
        assert_eq!(d.instances(), vec![0, 1]);
        d.check(|o| o == 1, 20);
        assert_eq!(d.instances(), vec![0]);
        d.down_changed(1, false, 25);
        assert_eq!(d.instances(), vec![0, 1]);
        let r = d.report("n", "N", None, 1.0);
        assert_eq!((r.crashes, r.evictions, r.max_eviction_ms), (1, 1, 15.0 / 1e6));
    }
}
