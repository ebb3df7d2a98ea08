//! Service discovery in the run: which replicas a registry lists, its health
//! check, and how calls find an instance.
//!
//! A discovered node's replica is *listed* while it serves: it registers when
//! it starts serving (at the start, after an autoscaled cold start, when it
//! recovers from a crash) and deregisters when it stops gracefully (scaled
//! down). A crash leaves it listed until the health check, which runs every
//! `interval_s` at a phase drawn once per node, has failed
//! `failures_before_removal` times in a row.
//!
//! Server-side, the node's load balancer routes every visit over the listed
//! replicas. Client-side, a call into the node first consults its caller's
//! cache of the instance list (one per calling node and discovered node):
//! while fresh, the caller picks an instance from it; when cold or expired,
//! the call waits for a lookup, a visit to the registry node that queues and
//! is served there like any other (calls that arrive meanwhile wait for the
//! same lookup). A call that lands on a crashed or stopped instance is refused
//! at once, or hangs until its caller's timeout.
//!
//! The decisions (what is listed, when the health check removes an
//! instance, whether a cache is fresh, who starts a lookup, what a failed
//! lookup leaves) are the shared parts of [`crate::policy`]'s `discovery`,
//! which the live emulator drives too; this module keeps only the run's
//! bookkeeping: visits waiting, lookups as visits, measurements.
//!
//! Nodes and edges without discovery never reach this module: the plan's
//! `disc` and `cache` indices are `NONE` and the hot path checks only those.

use std::sync::Arc;

use crate::model::{Design, EdgeKind, Outcome};

use crate::policy::{CacheDecision, DiscoveryRule, InstanceCache, Listing, LookupEnd};
use crate::sampling::Stream;
use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::{NONE, Plan};
use crate::sim::core::simulation::{Life, Origin, Simulation, Visit};
use crate::sim::policy::node_policies::lb_choose;
use crate::sim::report::trace::SpanKind;

/// A discovered node, compiled.
#[derive(Clone, Debug)]
pub(crate) struct PDisc {
    pub node: u32,
    /// The registry node, or `NONE` (the platform's own).
    pub registry: u32,
    /// The registry's default handler, which serves lookups.
    pub registry_handler: u32,
    /// The discovery block, compiled (the shared part's rule).
    pub rule: DiscoveryRule,
}

/// A client-side cache of a discovered node's instance list, shared by the
/// replicas of one calling node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PCache {
    /// The discovered node's discovery block (the caller is the key it was
    /// found under while compiling).
    pub disc: u32,
}

/// Compile the nodes' discovery blocks and the caches their callers keep
/// (`by_id`: node index by id, built once by [`Plan::compile`]).
pub(crate) fn compile(design: &Design, plan: &mut Plan, by_id: &std::collections::BTreeMap<&str, u32>) {
    let index_of = |id: &str| by_id.get(id).copied();
    for (i, n) in design.nodes.iter().enumerate() {
        let Some(d) = &n.discovery else { continue };
        if plan.nodes.get(i).is_none_or(|p| p.inline) {
            continue;
        }
        let registry = d.registry.as_deref().and_then(index_of).unwrap_or(NONE);
        let registry_handler = if registry == NONE { NONE } else { plan.handler(registry, None) };
        let disc = PDisc {
            node: i as u32,
            registry,
            registry_handler,
            // Client-side discovery needs a registry to ask (validation insists).
            rule: DiscoveryRule::from_model(d, registry_handler != NONE),
        };
        plan.discs.push(disc);
        let di = (plan.discs.len() - 1) as u32;
        if let Some(p) = plan.nodes.get_mut(i) {
            p.disc = di;
            // The load balancer must look at which replicas are listed.
            p.dynamic = true;
        }
    }
    let mut cache_of: std::collections::BTreeMap<(u32, u32), usize> = std::collections::BTreeMap::new();
    for (ei, e) in design.edges.iter().enumerate() {
        if e.kind != EdgeKind::Call {
            continue;
        }
        let (Some(from), Some(to)) = (index_of(&e.from), index_of(&e.to)) else { continue };
        let di = plan.nodes.get(to as usize).map_or(NONE, |n| n.disc);
        if !plan.discs.get(di as usize).is_some_and(|d| d.rule.client) {
            continue;
        }
        let ci = if let Some(&ci) = cache_of.get(&(from, di)) {
            ci
        } else {
            plan.caches.push(PCache { disc: di });
            cache_of.insert((from, di), plan.caches.len() - 1);
            plan.caches.len() - 1
        };
        if let Some(pe) = plan.edges.get_mut(ei) {
            pe.cache = ci as u32;
        }
    }
}

/// A discovered node's registry listing, per replica slot.
pub(crate) type DiscLive = Listing;

/// A caller's cached instance list of a discovered node.
#[derive(Clone, Debug, Default)]
pub(crate) struct CacheLive {
    /// The shared part: the list, its freshness, the lookup in flight.
    cache: InstanceCache,
    /// Call visits waiting for the lookup.
    waiting: Vec<u32>,
    /// The caller's load-balancer rotation.
    rr: u32,
}

/// A discovered node's measurements in one replication.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DiscAcc {
    pub calls: u64,
    pub hits: u64,
    pub misses: u64,
    pub lookups: u64,
    pub lookup_failures: u64,
    pub stale_routed: u64,
    pub lookup_failed_calls: u64,
    pub calls_to_dead: u64,
    /// Calls that hang on a crashed instance with no timeout to end the wait.
    pub hung_forever: u64,
    pub crashes: u64,
    pub evictions: u64,
    pub eviction_sum_ns: u128,
    pub eviction_max_ns: u64,
}

impl Simulation {
    /// List the replicas serving at the start and schedule each discovered
    /// node's health check at its phase.
    pub(crate) fn init_discovery(&mut self) {
        if self.plan.discs.is_empty() {
            return;
        }
        let plan = Arc::clone(&self.plan);
        let s = &plan.settings;
        self.metrics.disc = vec![DiscAcc::default(); plan.discs.len()];
        self.caches = vec![CacheLive::default(); plan.caches.len()];
        for (di, d) in plan.discs.iter().enumerate() {
            let Some(node) = plan.nodes.get(d.node as usize) else {
                self.disc_live.push(DiscLive::default());
                continue;
            };
            let (first, n) = (node.first_replica as usize, node.replicas as usize);
            let listed =
                self.replicas.get(first..first + n).unwrap_or_default().iter().map(|r| r.life == Life::Serving);
            self.disc_live.push(Listing::new(listed));
            // A stream of its own, so that no other random number moves.
            let mut rng = Stream::keyed(s.seed, self.replication, &node.id, "health_check");
            let phase = d.rule.phase_ns(rng.unit());
            if phase <= s.duration_ns {
                self.queue.push(phase, Kind::HealthCheck, di as u32, 0);
            }
        }
    }

    /// Replica `r` of discovered node `ni` started or stopped serving:
    /// registered while it serves and is up.
    pub(crate) fn relist(&mut self, ni: usize, r: u32) {
        let Some(node) = self.plan.nodes.get(ni) else { return };
        let (di, first) = (node.disc, node.first_replica);
        if di == NONE {
            return;
        }
        let Some(rep) = self.replicas.get(r as usize) else { return };
        let up = rep.life == Life::Serving && !rep.down;
        if let Some(l) = self.disc_live.get_mut(di as usize) {
            l.set_listed((r - first) as usize, up);
        }
    }

    /// Replica `r` of discovered node `ni` crashed (`down`) or recovered.
    pub(crate) fn disc_down_changed(&mut self, ni: usize, r: u32, down: bool) {
        let now_ns = self.now_ns;
        let Some(node) = self.plan.nodes.get(ni) else { return };
        let (di, o) = (node.disc as usize, (r - node.first_replica) as usize);
        let Some(rep) = self.replicas.get(r as usize) else { return };
        let running = rep.life != Life::Off;
        let (Some(live), Some(acc)) = (self.disc_live.get_mut(di), self.metrics.disc.get_mut(di)) else { return };
        if down {
            // It stays listed: only the health check notices.
            if running {
                acc.crashes += 1;
            }
            live.on_crash(o, now_ns);
        } else {
            // Back up: it registers again.
            live.on_recover(o);
            self.relist(ni, r);
        }
    }

    /// The registry checks every instance of discovered node `di`.
    pub(crate) fn on_health_check(&mut self, di: u32) {
        let now_ns = self.now_ns;
        let Some(d) = self.plan.discs.get(di as usize) else { return };
        let next = d.rule.next_check_ns(now_ns);
        if next <= self.plan.settings.duration_ns {
            self.queue.push(next, Kind::HealthCheck, di, 0);
        }
        let rule = d.rule;
        let Some(node) = self.plan.nodes.get(d.node as usize) else { return };
        let first = node.first_replica as usize;
        let (Some(live), Some(acc)) = (self.disc_live.get_mut(di as usize), self.metrics.disc.get_mut(di as usize))
        else {
            return;
        };
        for (o, rep) in self.replicas.iter().skip(first).take(live.listed().len()).enumerate() {
            if let Some(t) = live.check(o, rep.down, now_ns, &rule) {
                acc.evictions += 1;
                acc.eviction_sum_ns += u128::from(t);
                acc.eviction_max_ns = acc.eviction_max_ns.max(t);
            }
        }
    }

    /// Place visit `v` at discovered node `ni` (its discovery `di`): the
    /// replica, or `None` when the visit was refused or swallowed.
    pub(crate) fn disc_pick(&mut self, v: u32, ni: usize, di: u32) -> Option<u32> {
        let Some(d) = self.plan.discs.get(di as usize) else { return Some(self.pick_replica_dynamic(ni)) };
        let (client, hang) = (d.rule.client, d.rule.hang);
        let vis = &self.visits[v as usize];
        let (origin, warm, preset) = (vis.origin, vis.warm, vis.replica);
        let call = matches!(origin, Origin::Call | Origin::Attempt);
        let r = if client {
            if !call || preset == NONE {
                // Only calls look the node up; anything else reaches it as without discovery.
                return Some(self.pick_replica_dynamic(ni));
            }
            preset
        } else {
            if warm && let Some(acc) = self.metrics.disc.get_mut(di as usize) {
                acc.calls += 1;
            }
            let Some(r) = self.pick_listed(ni, di) else {
                // No instance is listed: nowhere to send it.
                self.finish(v, Outcome::Error);
                return None;
            };
            r
        };
        let rep = &self.replicas[r as usize];
        if !rep.down && rep.life == Life::Serving {
            return Some(r);
        }
        // Listed (or cached) but crashed or stopped.
        if warm && let Some(acc) = self.metrics.disc.get_mut(di as usize) {
            acc.calls_to_dead += 1;
        }
        // Only a call can hang (its caller's timeout ends the wait); a
        // workload's request or a delivery is refused.
        if hang && call {
            self.hang_at_node(v, di);
            return None;
        }
        // Connection refused, as at a crashed replica without discovery.
        self.visits[v as usize].replica = r;
        self.replicas[r as usize].active += 1;
        self.finish(v, Outcome::Error);
        None
    }

    /// The load balancer of server-side discovered node `ni` over the listed,
    /// serving replicas not ejected (all listed ones if every one is ejected).
    fn pick_listed(&mut self, ni: usize, di: u32) -> Option<u32> {
        let node = &self.plan.nodes[ni];
        let (first, lb) = (node.first_replica, node.lb);
        let listed = self.disc_live.get(di as usize).map_or(&[][..], Listing::listed);
        let mut eligible = std::mem::take(&mut self.scratch);
        eligible.clear();
        for pass in 0..2 {
            for (o, on) in listed.iter().enumerate() {
                let Some(r) = self.replicas.get(first as usize + o) else { continue };
                if *on && r.life == Life::Serving && (pass == 1 || !r.health.is_ejected()) {
                    eligible.push(o as u32);
                }
            }
            if !eligible.is_empty() {
                break;
            }
        }
        let pick = if eligible.is_empty() {
            None
        } else {
            Some(first + lb_choose(lb, &eligible, &mut self.rr[ni], &mut self.node_rng[ni].lb, &self.replicas, first))
        };
        self.scratch = eligible;
        pick
    }

    /// Call visit `v` reached a crashed instance that never answers: as on a
    /// hanging partition, the visit vanishes and only the caller's timeout
    /// ends the wait. Its arrival at the node is taken back.
    fn hang_at_node(&mut self, v: u32, di: u32) {
        let now_ns = self.now_ns;
        let vis = self.visits[v as usize];
        let acc = &mut self.metrics.nodes[vis.node as usize];
        if vis.node_warm {
            acc.counts.arrived = acc.counts.arrived.saturating_sub(1);
        }
        acc.present.dec(now_ns);
        self.visits[v as usize].node_warm = false;
        let mut forever = vis.origin == Origin::Call;
        if vis.origin == Origin::Attempt && !vis.orphan {
            let cs = &mut self.calls[vis.parent as usize];
            cs.attempt = NONE;
            cs.hanging = true;
            forever = self
                .plan
                .policies
                .get(cs.policy as usize)
                .is_some_and(|p| p.timeouts.call_ns.is_none() && p.timeouts.per_try_ns.is_none());
        }
        if forever
            && vis.warm
            && let Some(acc) = self.metrics.disc.get_mut(di as usize)
        {
            acc.hung_forever += 1;
        }
        self.release(v);
    }

    /// Call visit `c` into a client-side discovered node across `edge`:
    /// consult the caller's cache, then go, or wait for a lookup. Kept out of
    /// line so that the call path of nodes without discovery stays as small.
    #[cold]
    #[inline(never)]
    pub(crate) fn client_call(&mut self, c: u32, edge: u32) {
        let ci = self.plan.edges[edge as usize].cache;
        let Some(pc) = self.plan.caches.get(ci as usize).copied() else {
            self.transmit(c, edge);
            return;
        };
        let Some(rule) = self.plan.discs.get(pc.disc as usize).map(|d| d.rule) else {
            self.transmit(c, edge);
            return;
        };
        let warm = self.visits[c as usize].warm;
        let Some(cache) = self.caches.get_mut(ci as usize) else {
            self.transmit(c, edge);
            return;
        };
        let decision = cache.cache.consult(self.now_ns, &rule);
        let fresh = decision == CacheDecision::Fresh;
        // A lookup failed a moment ago: keep to the old list until the retry.
        let backing_off = decision == CacheDecision::Stale;
        if let CacheDecision::Wait { .. } = decision {
            cache.waiting.push(c);
        }
        let start = decision == CacheDecision::Wait { start: true };
        if warm && let Some(acc) = self.metrics.disc.get_mut(pc.disc as usize) {
            acc.calls += 1;
            if fresh {
                acc.hits += 1;
            } else {
                acc.misses += 1;
            }
            if backing_off {
                acc.stale_routed += 1;
            }
        }
        if fresh || backing_off {
            self.send_listed(c, ci);
        } else if start {
            self.start_lookup(ci, c, edge);
        }
    }

    /// Lookup visit `l` for traced call visit `c` over `edge`: a trace of
    /// its own under the caller's work, for export.
    #[cold]
    #[inline(never)]
    fn trace_lookup(&mut self, l: u32, c: u32, edge: u32) {
        let (trace, span) = (self.visits[c as usize].trace, self.visits[c as usize].span);
        let Some(caller_span) = self.tracer.span(trace, span).map(|s| s.parent) else { return };
        let link = self.tracer.link(trace, caller_span);
        let lt = self.tracer.start_linked(link);
        if lt == NONE {
            return;
        }
        let node = self.visits[l as usize].node;
        let ls = self.tracer.open(lt, NONE, node, edge, SpanKind::Lookup, self.now_ns);
        self.tracer.hold(lt);
        let vis = &mut self.visits[l as usize];
        vis.trace = lt;
        vis.span = ls;
    }

    /// Ask the registry for cache `ci`'s node: a visit to the registry node,
    /// for call visit `c` over `edge`.
    fn start_lookup(&mut self, ci: u32, c: u32, edge: u32) {
        let Some(pc) = self.plan.caches.get(ci as usize).copied() else { return };
        let Some(d) = self.plan.discs.get(pc.disc as usize) else { return };
        let (registry, handler) = (d.registry, d.registry_handler);
        let warm = self.now_ns >= self.plan.settings.warmup_ns;
        // (The cache marked the lookup in flight when it asked for it.)
        let l = self.alloc(Visit::new(registry, handler, Origin::Lookup, ci, self.now_ns, warm));
        if warm && let Some(acc) = self.metrics.disc.get_mut(pc.disc as usize) {
            acc.lookups += 1;
        }
        if self.visits[c as usize].trace != NONE && self.tracer.traces_deliveries() {
            self.trace_lookup(l, c, edge);
        }
        self.enter(l);
    }

    /// A lookup visit ended at the registry: refresh the cache (or not) and
    /// let the calls waiting for it go on.
    pub(crate) fn lookup_done(&mut self, l: u32) {
        let vis = self.visits[l as usize];
        if vis.trace != NONE {
            self.tracer.finish_linked(vis.trace, self.now_ns);
        }
        self.release(l);
        let ci = vis.oref;
        let Some(pc) = self.plan.caches.get(ci as usize).copied() else { return };
        let Some(d) = self.plan.discs.get(pc.disc as usize) else { return };
        let rule = d.rule;
        let ok = matches!(vis.outcome, Outcome::Ok | Outcome::Degraded);
        let Some(cache) = self.caches.get_mut(ci as usize) else { return };
        // The registry answers with the instances listed now.
        let listed = self.disc_live.get(pc.disc as usize);
        let answer = ok.then(|| listed.into_iter().flat_map(Listing::instances));
        let stale = cache.cache.on_lookup(self.now_ns, answer, &rule) == LookupEnd::Stale;
        let mut waiting = std::mem::take(&mut cache.waiting);
        if !ok
            && vis.warm
            && let Some(acc) = self.metrics.disc.get_mut(pc.disc as usize)
        {
            acc.lookup_failures += 1;
        }
        for &w in &waiting {
            if ok || stale {
                if stale
                    && self.visits[w as usize].warm
                    && let Some(acc) = self.metrics.disc.get_mut(pc.disc as usize)
                {
                    acc.stale_routed += 1;
                }
                self.send_listed(w, ci);
            } else {
                self.fail_unlisted(w, pc.disc);
            }
        }
        // Keep the list's memory unless calls queued up for a new lookup meanwhile.
        waiting.clear();
        if let Some(cache) = self.caches.get_mut(ci as usize)
            && cache.waiting.is_empty()
        {
            cache.waiting = waiting;
        }
    }

    /// Call visit `c` goes to an instance of cache `ci`'s list, picked by the
    /// node's load balancer (ejected instances avoided while others remain).
    fn send_listed(&mut self, c: u32, ci: u32) {
        let Some(pc) = self.plan.caches.get(ci as usize).copied() else { return };
        let Some(d) = self.plan.discs.get(pc.disc as usize) else { return };
        let node = &self.plan.nodes[d.node as usize];
        let (first, lb, ni) = (node.first_replica, node.lb, d.node as usize);
        let Some(cache) = self.caches.get_mut(ci as usize) else { return };
        let mut eligible = std::mem::take(&mut self.scratch);
        eligible.clear();
        for pass in 0..2 {
            for &o in cache.cache.instances() {
                if pass == 1 || !self.replicas.get((first + o) as usize).is_some_and(|r| r.health.is_ejected()) {
                    eligible.push(o);
                }
            }
            if !eligible.is_empty() {
                break;
            }
        }
        let pick = if eligible.is_empty() {
            None
        } else {
            Some(first + lb_choose(lb, &eligible, &mut cache.rr, &mut self.node_rng[ni].lb, &self.replicas, first))
        };
        self.scratch = eligible;
        let Some(r) = pick else {
            self.fail_unlisted(c, pc.disc);
            return;
        };
        let vis = &mut self.visits[c as usize];
        vis.replica = r;
        let edge = self.plan.members[vis.oref as usize].edge;
        self.transmit(c, edge);
    }

    /// Call visit `c` has no instance to go to (no list, or an empty one): it
    /// fails at once, before it leaves its caller.
    fn fail_unlisted(&mut self, c: u32, di: u32) {
        if self.visits[c as usize].warm
            && let Some(acc) = self.metrics.disc.get_mut(di as usize)
        {
            acc.lookup_failed_calls += 1;
        }
        self.visits[c as usize].outcome = Outcome::Error;
        self.on_returned(c);
    }
}
