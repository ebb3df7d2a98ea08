//! Service discovery as plain parts: a registry's [`Listing`] of a node's
//! instances (registration, deregistration and the health check that removes
//! a crashed instance after `failures_before_removal` failed checks in a
//! row), and a caller's [`InstanceCache`] of that list (fresh for the TTL, one
//! lookup in flight at a time that later calls wait on, the stale list kept
//! after a failed lookup when the design allows it).
//!
//! The simulator drives them with simulated time; the live emulator with
//! wall-clock nanoseconds. Neither keeps a second copy of these decisions:
//! who waits, how a lookup travels and which instance a call then picks (the
//! shared [`lb_choose`](crate::policy::lb_choose)) stay with the caller.

use crate::model::{DeadInstance, Discovery, DiscoveryMode, RegistryFailure};
use crate::sampling::s_to_ns;

/// A node's discovery block, compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiscoveryRule {
    /// Callers look the node up and cache the list (else the node's load
    /// balancer routes over the listed instances).
    pub client: bool,
    /// How long a fetched list stays fresh.
    pub ttl_ns: u64,
    /// A failed lookup falls back on the last list fetched.
    pub stale: bool,
    /// Time between health checks (at least 1 ns).
    pub interval_ns: u64,
    /// Failed checks in a row that remove an instance (at least 1).
    pub failures: u32,
    /// A call to a crashed but listed instance hangs (else it is refused).
    pub hang: bool,
}

impl DiscoveryRule {
    /// Compile the design's discovery block; `has_registry` says whether its
    /// registry node exists (client-side discovery needs one to ask).
    #[must_use]
    pub fn from_model(d: &Discovery, has_registry: bool) -> Self {
        Self {
            client: d.mode == DiscoveryMode::ClientSide && has_registry,
            ttl_ns: s_to_ns(d.cache_ttl_s),
            stale: d.on_registry_failure == RegistryFailure::StaleCache,
            interval_ns: s_to_ns(d.health_check.interval_s).max(1),
            failures: d.health_check.failures_before_removal.max(1),
            hang: d.dead_instance == DeadInstance::Hang,
        }
    }

    /// The first health check, at a phase drawn once per node (`unit` in
    /// [0, 1) from the caller's stream).
    #[must_use]
    pub fn phase_ns(&self, unit: f64) -> u64 {
        (unit * self.interval_ns as f64) as u64
    }

    /// When the health check after one at `now_ns` is due.
    #[must_use]
    pub fn next_check_ns(&self, now_ns: u64) -> u64 {
        now_ns.saturating_add(self.interval_ns)
    }
}

/// A registry's listing of one node's instances, by instance offset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    listed: Vec<bool>,
    /// Consecutive failed health checks.
    fails: Vec<u32>,
    /// When the instance last crashed.
    crashed_ns: Vec<u64>,
}

impl Listing {
    /// A listing of `listed.len()` instances, those `true` registered.
    #[must_use]
    pub fn new(listed: impl IntoIterator<Item = bool>) -> Self {
        let listed: Vec<bool> = listed.into_iter().collect();
        let n = listed.len();
        Self { listed, fails: vec![0; n], crashed_ns: vec![0; n] }
    }

    /// Each instance, whether listed.
    #[must_use]
    pub fn listed(&self) -> &[bool] {
        &self.listed
    }

    /// Whether instance `o` is listed.
    #[must_use]
    pub fn is_listed(&self, o: usize) -> bool {
        self.listed.get(o).copied().unwrap_or(false)
    }

    /// The listed instances' offsets, ascending (what a lookup answers).
    pub fn instances(&self) -> impl Iterator<Item = u32> + '_ {
        self.listed.iter().enumerate().filter(|(_, l)| **l).map(|(o, _)| o as u32)
    }

    /// Instance `o` registers (`up`: it serves and is up) or deregisters
    /// (stopped gracefully).
    pub fn set_listed(&mut self, o: usize, up: bool) {
        if let Some(l) = self.listed.get_mut(o) {
            *l = up;
        }
    }

    /// Instance `o` crashed at `now_ns`: it stays listed, only the health
    /// check notices.
    pub fn on_crash(&mut self, o: usize, now_ns: u64) {
        if let Some(f) = self.fails.get_mut(o) {
            *f = 0;
        }
        if let Some(t) = self.crashed_ns.get_mut(o) {
            *t = now_ns;
        }
    }

    /// Instance `o` recovered: its run of failed checks is over (it registers
    /// again through [`Self::set_listed`]).
    pub fn on_recover(&mut self, o: usize) {
        if let Some(f) = self.fails.get_mut(o) {
            *f = 0;
        }
    }

    /// The health check at `now_ns` finds instance `o` `down` or not: when it
    /// is removed, how long after its crash.
    pub fn check(&mut self, o: usize, down: bool, now_ns: u64, rule: &DiscoveryRule) -> Option<u64> {
        let (Some(listed), Some(fails), Some(crashed)) =
            (self.listed.get_mut(o), self.fails.get_mut(o), self.crashed_ns.get(o))
        else {
            return None;
        };
        if !down {
            *fails = 0;
            return None;
        }
        if !*listed {
            return None;
        }
        *fails += 1;
        if *fails < rule.failures {
            return None;
        }
        *listed = false;
        *fails = 0;
        Some(now_ns.saturating_sub(*crashed))
    }
}

/// What a call into a client-side discovered node does with its caller's cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheDecision {
    /// The list is fresh: pick from it.
    Fresh,
    /// A lookup failed a moment ago: keep to the old list until the retry.
    Stale,
    /// Wait for a lookup; `start`: this call starts it (else one is in flight).
    Wait { start: bool },
}

/// How a lookup ended for the calls waiting on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupEnd {
    /// A new list: pick from it.
    Fresh,
    /// The lookup failed; the last list is used.
    Stale,
    /// The lookup failed with no list to fall back on: the calls fail.
    Failed,
}

/// A caller's cached instance list of one discovered node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceCache {
    /// Instance offsets listed when the registry served the last lookup (ascending).
    snapshot: Vec<u32>,
    fetched_ns: u64,
    /// After a failed lookup with a list to fall back on: no new lookup
    /// before this time.
    retry_ns: u64,
    /// A lookup has succeeded at least once.
    has: bool,
    /// A lookup is in flight.
    lookup: bool,
}

impl InstanceCache {
    /// The cached instances (ascending offsets).
    #[must_use]
    pub fn instances(&self) -> &[u32] {
        &self.snapshot
    }

    /// Whether a lookup is in flight.
    #[must_use]
    pub fn in_flight(&self) -> bool {
        self.lookup
    }

    /// A call at `now_ns` consults the cache; a `Wait { start: true }` marks
    /// the lookup it starts as in flight.
    pub fn consult(&mut self, now_ns: u64, rule: &DiscoveryRule) -> CacheDecision {
        let fresh = self.has && now_ns < self.fetched_ns.saturating_add(rule.ttl_ns);
        if fresh {
            return CacheDecision::Fresh;
        }
        if self.has && now_ns < self.retry_ns {
            return CacheDecision::Stale;
        }
        let start = !self.lookup;
        self.lookup = true;
        CacheDecision::Wait { start }
    }

    /// The lookup in flight ended at `now_ns`: with the listed instances
    /// (`Some`, ascending) or failed (`None`).
    pub fn on_lookup(
        &mut self,
        now_ns: u64,
        listed: Option<impl IntoIterator<Item = u32>>,
        rule: &DiscoveryRule,
    ) -> LookupEnd {
        self.lookup = false;
        if let Some(listed) = listed {
            self.snapshot.clear();
            self.snapshot.extend(listed);
            self.fetched_ns = now_ns;
            self.has = true;
            return LookupEnd::Fresh;
        }
        if rule.stale && self.has {
            // As Eureka clients and Envoy's DNS refresh do: ask again one
            // refresh period later, not on every call.
            self.retry_ns = now_ns.saturating_add(rule.ttl_ns);
            return LookupEnd::Stale;
        }
        LookupEnd::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(ttl_ns: u64, stale: bool, failures: u32) -> DiscoveryRule {
        DiscoveryRule { client: true, ttl_ns, stale, interval_ns: 10, failures, hang: false }
    }

    #[test]
    fn compiles_the_design_block() {
        let d = Discovery { mode: DiscoveryMode::ClientSide, ..Discovery::default() };
        let r = DiscoveryRule::from_model(&d, true);
        assert!(r.client && !r.hang);
        assert_eq!(r.ttl_ns, 30_000_000_000);
        assert_eq!((r.interval_ns, r.failures), (10_000_000_000, 3));
        assert!(!DiscoveryRule::from_model(&d, false).client, "client-side needs a registry");
        assert_eq!(r.phase_ns(0.5), 5_000_000_000);
        assert_eq!(r.next_check_ns(1), 10_000_000_001);
    }

    #[test]
    fn a_crashed_instance_is_removed_after_enough_failed_checks() {
        let r = rule(0, false, 3);
        let mut l = Listing::new([true, true]);
        l.on_crash(1, 100);
        assert_eq!(l.check(1, true, 110, &r), None);
        assert_eq!(l.check(1, true, 120, &r), None);
        assert!(l.is_listed(1));
        assert_eq!(l.check(1, true, 130, &r), Some(30));
        assert!(!l.is_listed(1));
        assert_eq!(l.instances().collect::<Vec<_>>(), vec![0]);
        // Not listed any more: further checks change nothing.
        assert_eq!(l.check(1, true, 140, &r), None);
        // A healthy instance is never removed.
        assert_eq!(l.check(0, false, 140, &r), None);
        assert!(l.is_listed(0));
    }

    #[test]
    fn a_passed_check_or_a_recovery_restarts_the_count() {
        let r = rule(0, false, 2);
        let mut l = Listing::new([true]);
        l.on_crash(0, 0);
        assert_eq!(l.check(0, true, 10, &r), None);
        assert_eq!(l.check(0, false, 20, &r), None);
        assert_eq!(l.check(0, true, 30, &r), None, "the run of failures started again");
        l.on_recover(0);
        assert_eq!(l.check(0, true, 40, &r), None);
        assert_eq!(l.check(0, true, 50, &r), Some(50));
        l.set_listed(0, true);
        assert_eq!(l.listed(), &[true]);
    }

    #[test]
    fn the_cache_is_fresh_for_the_ttl_and_calls_share_one_lookup() {
        let r = rule(100, false, 1);
        let mut c = InstanceCache::default();
        assert_eq!(c.consult(0, &r), CacheDecision::Wait { start: true });
        assert!(c.in_flight());
        assert_eq!(c.consult(5, &r), CacheDecision::Wait { start: false });
        assert_eq!(c.on_lookup(10, Some([0, 2]), &r), LookupEnd::Fresh);
        assert_eq!(c.instances(), &[0, 2]);
        assert_eq!(c.consult(109, &r), CacheDecision::Fresh);
        assert_eq!(c.consult(110, &r), CacheDecision::Wait { start: true });
    }

    #[test]
    fn a_failed_lookup_falls_back_on_the_stale_list_only_when_allowed() {
        let none: Option<[u32; 0]> = None;
        let mut strict = InstanceCache::default();
        let r = rule(100, false, 1);
        assert_eq!(strict.consult(0, &r), CacheDecision::Wait { start: true });
        assert_eq!(strict.on_lookup(1, Some([1]), &r), LookupEnd::Fresh);
        assert_eq!(strict.consult(200, &r), CacheDecision::Wait { start: true });
        assert_eq!(strict.on_lookup(201, none, &r), LookupEnd::Failed);

        let r = rule(100, true, 1);
        let mut c = InstanceCache::default();
        assert_eq!(c.consult(0, &r), CacheDecision::Wait { start: true });
        // No list yet: nothing to fall back on.
        assert_eq!(c.on_lookup(1, none, &r), LookupEnd::Failed);
        assert_eq!(c.consult(2, &r), CacheDecision::Wait { start: true });
        assert_eq!(c.on_lookup(3, Some([0]), &r), LookupEnd::Fresh);
        assert_eq!(c.consult(200, &r), CacheDecision::Wait { start: true });
        assert_eq!(c.on_lookup(200, none, &r), LookupEnd::Stale);
        assert_eq!(c.instances(), &[0]);
        // The stale list is used until one refresh period later.
        assert_eq!(c.consult(299, &r), CacheDecision::Stale);
        assert_eq!(c.consult(300, &r), CacheDecision::Wait { start: true });
    }
}
