//! Round trip for every sample: simulate with every request traced → OTLP
//! JSON → calibrate → the recovered design has the same nodes and edges
//! (calls, events, subscriptions, signals), the same kinds of steps
//! (parallel or sequential, in the same order, weighted branches as
//! weighted branches), probabilities within their
//! binomial interval, calls per request counting calls and not tries, retry
//! policies where tries failed, signal names, client-side discovery through
//! the registry looked up, own-time p50/p99 within 5% (or, where fewer
//! samples make that wider, as many standard errors of the sample quantile
//! as keep a chance failure of any of the run's comparisons at 1%), and
//! its re-simulation gives each workload's p99 within 10%.
//!
//! Only what real instrumentation emits is read (see `sampled_otlp.rs`):
//! `service.name`, span kind and status, `rpc.method`, `peer.service`,
//! `messaging.*`, `code.function.name` and a registry client's `url.full`.
//! What that cannot show is compared nowhere and asserted to be listed
//! under "not inferred": capacities, a broker's settings and own time, a
//! subscription's settings, a retry policy's configured limit, `retry_on`
//! and jitter, `send` against `send_robust` while no receiver fails, and a
//! discovery's health check. Server-side discovery (a platform load
//! balancer looks the service up) leaves nothing in traces at all.
//!
//! Run at a quarter of each sample's rate (a tenth where a quarter still
//! queues at a single-worker cache or a busy database) so queueing is small:
//! the fitted times include queueing (calibration says so), the designed
//! ones do not. A latency fault's slowdown is in the traced times too: a
//! node it slowed is compared with the mix of its designed and slowed times
//! (see [`Slowed`]).
//! The whole file runs in about 15 s in a debug build.

#![allow(clippy::unwrap_used, clippy::panic, clippy::too_many_lines, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};

use engine::calibrate::{Calibration, Calibrator};
use engine::model::{Design, DiscoveryMode, Distribution, EdgeKind, FaultKind, NodeKind};
use engine::otlp::{Span, SpanKind};
use engine::sim::report::sampled_otlp::EPOCH_NS;
use engine::sim::{RunControl, RunOptions};

const Z_P99: f64 = 2.326_347_874_040_841;

fn options(duration_s: f64, rate_scale: f64) -> RunOptions {
    RunOptions {
        seed: Some(7),
        duration_s: Some(duration_s),
        warmup_s: Some(5.0),
        replications: Some(1),
        rate_scale,
        trace_every: Some(1),
        trace_export: true,
        ..RunOptions::default()
    }
}

/// Relative standard error of the sample q-quantile of a log-normal of shape σ from n draws.
fn quantile_rel_se(q: f64, sigma: f64, n: u64) -> f64 {
    let z: f64 = if q > 0.9 { Z_P99 } else { 0.0 };
    let density = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    sigma * (q * (1.0 - q) / n as f64).sqrt() / density
}

/// The z whose two-sided tail of the standard normal distribution is `alpha`.
fn two_sided_z(alpha: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 10.0);
    for _ in 0..100 {
        let mid = f64::midpoint(lo, hi);
        if 2.0 * (1.0 - engine::calibrate::fit::normal_cdf(mid)) > alpha { lo = mid } else { hi = mid }
    }
    lo
}

fn load(name: &str) -> Design {
    engine::model::format::load(std::path::Path::new(&format!("../samples/{name}.json"))).unwrap()
}

/// Simulate, export, calibrate: the run's report, the calibration and the spans.
fn calibrate(design: &Design, opts: &RunOptions) -> (engine::sim::report::Report, Calibration, Vec<Span>) {
    let (report, sampled) = engine::sim::run_with_sampled_traces(design, opts, &RunControl::default()).unwrap();
    assert_eq!(sampled.dropped_traces, 0, "every sampled trace is exported");
    let spans = engine::sim::report::sampled_otlp::to_otlp_spans(&sampled, design, 7);
    let mut file = Vec::new();
    engine::otlp::write::write_spans(&mut file, &spans).unwrap();
    let mut cal = Calibrator::new();
    cal.read_otlp(file.as_slice(), 1 << 34).unwrap();
    (report, cal.finish(1.0, None).0, spans)
}

fn name_of(d: &Design, id: &str) -> String {
    d.node(id).map_or_else(|| panic!("node {id}"), |n| n.name.clone())
}

/// Each caller operation's steps as (callee, kind, order), by node name.
type Steps = BTreeMap<(String, Option<String>), Vec<(String, EdgeKind, u32)>>;

/// An edge as (from, to, kind, caller's operation) by node name.
type Ends = (String, String, EdgeKind, Option<String>);

fn ends(d: &Design, e: &engine::model::Edge) -> Ends {
    (name_of(d, &e.from), name_of(d, &e.to), e.kind, e.operation.clone())
}

/// Is `fragment` in some line of `c.not_inferred` about `path`?
fn listed(c: &Calibration, path: &str, fragment: &str) -> bool {
    c.not_inferred.iter().any(|l| l.starts_with(path) && l.contains(fragment))
}

/// The whole round trip of sample `name`, run for `duration_s` at `rate_scale` of its rate.
fn round_trip(name: &str, duration_s: f64, rate_scale: f64) {
    let design = load(name);
    let opts = options(duration_s, rate_scale);
    let (report, c, spans) = calibrate(&design, &opts);
    if std::env::var_os("CALIB_DEBUG").is_some() {
        eprintln!(
            "{name}: {:#?}\n{:#?}",
            c.changes.iter().map(engine::message::Message::as_str).collect::<Vec<_>>(),
            c.not_inferred
        );
    }
    let got = &c.design;
    let got_id = |n: &str| got.nodes.iter().find(|x| x.name == n).map(|x| x.id.clone());

    // Nodes: all of them; load sources, brokers, registries and signal
    // receivers of their kind (a database or gateway serves like a service
    // in traces without `db.system`).
    let want_nodes: BTreeSet<String> = design.nodes.iter().map(|n| n.name.clone()).collect();
    let got_nodes: BTreeSet<String> = got.nodes.iter().map(|n| n.name.clone()).collect();
    assert_eq!(got_nodes, want_nodes, "{name}: nodes");
    for n in &design.nodes {
        if matches!(n.kind, NodeKind::Client | NodeKind::Broker | NodeKind::Registry | NodeKind::Receiver) {
            let g = got.node(&got_id(&n.name).unwrap()).unwrap();
            assert_eq!(g.kind, n.kind, "{name}: {} kind", n.id);
        }
    }
    for n in got.nodes.iter().filter(|n| n.kind != NodeKind::Client) {
        assert!(listed(&c, &format!("nodes[{}].capacity", n.id), "not in traces"), "{name}: {} capacity", n.id);
    }
    for n in got.nodes.iter().filter(|n| n.kind == NodeKind::Broker) {
        assert!(listed(&c, &format!("nodes[{}].broker", n.id), "not traced"), "{name}: {} broker", n.id);
    }

    // Edges, as (from, to, kind, operation) by name.
    let want_edges: BTreeSet<Ends> = design.edges.iter().map(|e| ends(&design, e)).collect();
    let got_edges: BTreeSet<Ends> = got.edges.iter().map(|e| ends(got, e)).collect();
    assert_eq!(got_edges, want_edges, "{name}: edges");

    for e in &design.edges {
        let key = ends(&design, e);
        let g = got.edges.iter().find(|x| ends(got, x) == key && x.target_operation == e.target_operation);
        let g = g.unwrap_or_else(|| panic!("{name}: {key:?} → {:?}", e.target_operation));
        let (from, to) = (&key.0, &key.1);
        assert_eq!(g.parallel_group.is_some(), e.parallel_group.is_some(), "{name}: {from} → {to} parallel");
        match e.kind {
            EdgeKind::Subscription => {
                assert!(listed(&c, &format!("edges[{}].subscription", g.id), "not in traces"), "{name}: {}", g.id);
                continue;
            }
            EdgeKind::Signal => {
                assert_eq!(g.signal, e.signal, "{name}: {from} → {to} signal");
                if !listed(&c, &format!("edges[{}].robust", g.id), "no receiver failed") {
                    assert_eq!(g.robust, e.robust, "{name}: {from} → {to} robust");
                }
            }
            EdgeKind::Call | EdgeKind::Event => {}
        }
        // Calls, not tries. A failed call skips the step's repeats: where the
        // caller's visits failed (a retry storm), fewer calls show.
        let caller_failed = c.services.iter().any(|s| &s.service == from && s.errors * 100 > s.visits);
        if caller_failed {
            assert!(g.calls_per_request <= e.calls_per_request, "{name}: {from} → {to} calls");
        } else {
            assert_eq!(g.calls_per_request, e.calls_per_request, "{name}: {from} → {to} calls");
        }
        // A retry policy wherever a try failed and was tried again.
        let want_retries = e.policy.as_ref().and_then(|p| p.retries.as_ref());
        match (want_retries, g.policy.as_ref().and_then(|p| p.retries.as_ref())) {
            (Some(w), Some(r)) => {
                assert!(r.max_attempts >= 2 && r.max_attempts <= w.max_attempts, "{name}: {from} → {to} tries");
                assert_eq!(r.backoff.is_some(), w.backoff.is_some(), "{name}: {from} → {to} backoff");
                assert!(listed(&c, &format!("edges[{}].policy.retries", g.id), "not the configured limit"));
                let (want_t, got_t) = (
                    e.policy.as_ref().and_then(|p| p.per_try_timeout_ms),
                    g.policy.as_ref().and_then(|p| p.per_try_timeout_ms),
                );
                if let (Some(w), Some(t)) = (want_t, got_t) {
                    assert!((t / w - 1.0).abs() < 0.01, "{name}: {from} → {to} per-try timeout {t} vs {w} ms");
                }
            }
            (None, Some(r)) => panic!("{name}: {from} → {to}: retries {r:?} where the design has none"),
            // No try of this edge failed in the run: nothing to see.
            (Some(_) | None, None) => {}
        }
        // Probability within 4 standard errors of its binomial estimate.
        let callers: Vec<_> = c
            .services
            .iter()
            .filter(|s| &s.service == from && (e.operation.is_none() || s.operation == e.operation))
            .collect();
        let caller_visits = callers.iter().map(|s| s.visits).sum::<u64>();
        // A visit that failed skips its later steps: the estimate may fall short by their share.
        let failed = callers.iter().map(|s| s.errors).sum::<u64>() as f64 / caller_visits.max(1) as f64;
        let miss = design.node(&e.from).and_then(|n| n.cache.as_ref()).map_or(1.0, |c| 1.0 - c.hit_ratio);
        // A weighted branch is taken with its weight's share of its group.
        let share = |d: &Design, e: &engine::model::Edge| {
            e.branch.as_ref().map_or(1.0, |b| {
                let group = d.edges.iter().filter_map(|x| {
                    x.branch.as_ref().filter(|y| x.from == e.from && x.operation == e.operation && y.group == b.group)
                });
                b.weight / group.map(|y| y.weight).sum::<f64>()
            })
        };
        // Weighted branches come back as weighted branches (exactly one taken).
        assert_eq!(g.branch.is_some(), e.branch.is_some(), "{name}: {from} → {to} branch");
        let p = e.probability * miss * share(&design, e);
        let got_p = g.probability * share(got, g);
        let tol = (4.0 * (p * (1.0 - p) / caller_visits.max(1) as f64).sqrt()).max(1e-4);
        assert!(
            got_p >= p * (1.0 - failed) - tol && got_p <= p + tol,
            "{name}: {from} → {to}: p {got_p} vs {p} ± {tol} ({caller_visits} visits)"
        );
    }

    // Order among each caller's steps: the design's order relation is kept.
    let orders = |d: &Design| -> Steps {
        let mut out: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for e in d.edges.iter().filter(|e| e.kind != EdgeKind::Subscription) {
            out.entry((name_of(d, &e.from), e.operation.clone())).or_default().push((
                name_of(d, &e.to),
                e.kind,
                e.order,
            ));
        }
        out
    };
    let (want_orders, got_orders) = (orders(&design), orders(got));
    for (caller, steps) in &want_orders {
        let g = &got_orders[caller];
        let order_of = |to: &str, kind| g.iter().find(|s| s.0 == to && s.1 == kind).map(|s| s.2).unwrap();
        for a in steps {
            for b in steps {
                assert_eq!(
                    a.2.cmp(&b.2),
                    order_of(&a.0, a.1).cmp(&order_of(&b.0, b.1)),
                    "{name}: {caller:?}: {a:?} vs {b:?}"
                );
            }
        }
    }

    // Client-side discovery: the service is looked up at its registry.
    for n in design.nodes.iter().filter(|n| n.discovery.is_some()) {
        let d = n.discovery.as_ref().unwrap();
        let g = got.node(&got_id(&n.name).unwrap()).unwrap();
        if d.mode == DiscoveryMode::ServerSide {
            // The platform's load balancer looks it up: nothing of it is traced.
            assert!(g.discovery.is_none(), "{name}: {}", n.id);
            continue;
        }
        let gd = g.discovery.as_ref().unwrap_or_else(|| panic!("{name}: {} discovery", n.id));
        assert_eq!(gd.mode, DiscoveryMode::ClientSide);
        let registry = d.registry.as_deref().map(|r| name_of(&design, r));
        assert_eq!(gd.registry.as_deref().map(|r| name_of(got, r)), registry, "{name}: {} registry", n.id);
        // The shortest gap between lookups is the lifetime plus the wait for the next call.
        assert!(
            gd.cache_ttl_s >= d.cache_ttl_s && gd.cache_ttl_s <= d.cache_ttl_s + 0.5,
            "{name}: ttl {}",
            gd.cache_ttl_s
        );
        assert!(listed(&c, &format!("nodes[{}].discovery.health_check", g.id), "not in traces"));
    }

    // Own times: p50 and p99 of each service operation against the design's log-normal.
    // Services whose visits failed in more than 1% are left out: a visit its
    // caller gave up on ends its span at the caller's timeout in a simulated
    // trace, so the tail the timeout cut is missing.
    let mut compared = Vec::new();
    for s in c.services.iter().filter(|s| s.visits >= 100 && s.errors * 100 <= s.visits) {
        let node = design.nodes.iter().find(|n| n.name == s.service).unwrap();
        if node.kind == NodeKind::Client {
            continue;
        }
        let d = s
            .operation
            .as_ref()
            .and_then(|o| node.operations.iter().find(|x| &x.name == o))
            .and_then(|o| o.service_time.clone())
            .unwrap_or_else(|| node.service_time.clone());
        let Distribution::Lognormal { p50_ms, p99_ms } = d else { continue };
        let sigma = (p99_ms / p50_ms).ln() / Z_P99;
        let f = s.fit.as_ref().unwrap();
        let (want_p50, want_p99) = match slowed(&design, node, &spans) {
            Some(slow) => (slow.quantile(p50_ms, sigma, 0.5), slow.quantile(p50_ms, sigma, 0.99)),
            None => (p50_ms, p99_ms),
        };
        for (q, want, got_ms) in [(0.5, want_p50, f.p50_ms), (0.99, want_p99, f.p99_ms)] {
            let what = format!("{} {:?} q{q}", s.service, s.operation);
            compared.push((what, want, got_ms, quantile_rel_se(q, sigma, s.visits)));
        }
    }
    // Each within 5%, or z standard errors where fewer samples make that
    // wider; z keeps the chance that any of the run's comparisons fails by
    // chance alone at 1% (Bonferroni): 3.3 for ten comparisons, 4.2 for the
    // 276-node sample's 408, whose quieter services see a few hundred visits
    // each (three standard errors there fail by chance in one run of four).
    let z = two_sided_z(0.01 / compared.len().max(1) as f64);
    for (what, want, got_ms, se) in &compared {
        let tol = 0.05f64.max(z * se);
        let rel = (got_ms / want - 1.0).abs();
        if std::env::var_os("CALIB_DEBUG").is_some() {
            eprintln!("{name}: {what}: {got_ms:.3} vs {want:.3} ms ({rel:.3}, tol {tol:.3})");
        }
        assert!(rel <= tol, "{name}: {what}: {got_ms:.3} vs {want:.3} ms ({rel:.3} > {tol:.3}, z {z:.2})");
    }

    // Re-simulation: each workload's p99 within 10%, for workloads with at
    // least 5,000 requests: a run's p99 has a relative standard error of
    // about 3.7σ/√n (σ ≈ 0.8 here), so two runs of fewer requests differ by
    // more than 10% by chance alone.
    // A run whose visits failed (a retry storm) depends on capacity and
    // overall deadlines, which traces do not show: its re-simulation is not compared.
    if c.services.iter().any(|s| s.errors * 100 > s.visits) {
        return;
    }
    let again = RunOptions { trace_export: false, rate_scale: 1.0, ..opts };
    let mut recovered = got.clone();
    recovered.simulation = design.simulation.clone();
    let report2 = engine::sim::run(&recovered, &again, &RunControl::default())
        .unwrap_or_else(|e| panic!("{name}: the recovered design does not run: {e:?}\n{:#?}", c.changes));
    // Workloads by entry and operation (a recovered one is named after its operation).
    let workload_key = |d: &Design, w: &str| {
        let w = d.workloads.iter().find(|x| x.name == w).unwrap();
        (name_of(d, &w.entry), w.operation.clone())
    };
    for w in report.workloads.iter().filter(|w| w.arrived >= 5000) {
        let key = workload_key(&design, &w.name);
        let g = report2.workloads.iter().find(|x| workload_key(&recovered, &x.name) == key);
        let g = g.unwrap_or_else(|| panic!("{name}: workload {}", w.name));
        let (a, b) = (w.latency_ms.p99.mean, g.latency_ms.p99.mean);
        if std::env::var_os("CALIB_DEBUG").is_some() {
            eprintln!("{name}: re-simulated {} ({} requests): p99 {b:.2} vs {a:.2} ms", w.name, w.arrived);
        }
        assert!((b / a - 1.0).abs() <= 0.10, "{name}: {}: p99 {b:.2} vs {a:.2} ms", w.name);
    }
}

/// What a latency fault made of a node's traced own times: for the share
/// of its successful visits that arrived while the fault ran, the design's
/// time × `factor` + `added_ms`. A slowdown is no service time of the design
/// (calibration cannot tell it from a slow service and fits what was
/// measured, slowdown included), so the fit is compared with this mixture
/// of the design's time and the slowed one. Only visits that beat their
/// caller's timeout end well (a failed visit's time is not fitted), so each
/// part is cut at that timeout.
struct Slowed {
    share: f64,
    factor: f64,
    added_ms: f64,
    cut_ms: f64,
}

impl Slowed {
    /// The q-quantile of the successful own times, for a log-normal (median `p50_ms`, shape σ) design time.
    fn quantile(&self, p50_ms: f64, sigma: f64, q: f64) -> f64 {
        let base = |x: f64| engine::calibrate::fit::normal_cdf((x.max(1e-12) / p50_ms).ln() / sigma);
        let slow = |x: f64| base(((x - self.added_ms) / self.factor).max(0.0));
        let cdf = |x: f64| {
            let x = x.min(self.cut_ms);
            (1.0 - self.share) * base(x) / base(self.cut_ms) + self.share * slow(x) / slow(self.cut_ms)
        };
        let (mut lo, mut hi) = (0.0, self.cut_ms.min(p50_ms * 1e4));
        for _ in 0..100 {
            let mid = f64::midpoint(lo, hi);
            if cdf(mid) < q { lo = mid } else { hi = mid }
        }
        lo
    }
}

/// The latency fault on `node` in `design`, with the share of the node's
/// successful SERVER spans that arrived while it ran.
fn slowed(design: &Design, node: &engine::model::Node, spans: &[Span]) -> Option<Slowed> {
    let fault = design.faults.iter().find(|f| f.target == node.id)?;
    let FaultKind::Latency { added_ms, factor } = fault.fault else { return None };
    let (from_ns, to_ns) = (EPOCH_NS + (fault.start_s * 1e9) as u64, EPOCH_NS + (fault.end_s * 1e9) as u64);
    let visits = spans.iter().filter(|s| s.service == node.name && s.kind == SpanKind::Server && !s.error);
    let (all, during) =
        visits.fold((0u64, 0u64), |(a, d), s| (a + 1, d + u64::from((from_ns..to_ns).contains(&s.start_ns))));
    // The callers' deadline for one visit: a per-try timeout, else the call's.
    let cut_ms = design
        .edges
        .iter()
        .filter(|e| e.to == node.id)
        .filter_map(|e| e.policy.as_ref().and_then(|p| p.per_try_timeout_ms.or(p.timeout_ms)))
        .fold(f64::INFINITY, f64::min);
    Some(Slowed { share: during as f64 / all.max(1) as f64, factor, added_ms, cut_ms })
}

#[test]
fn ecommerce_checkout_survives_simulate_otlp_calibrate() {
    round_trip("ecommerce-checkout", 405.0, 0.25);
}

#[test]
fn social_feed_fanout_survives_simulate_otlp_calibrate() {
    round_trip("social-feed-fanout", 300.0, 0.1);
}

#[test]
fn django_signals_survives_simulate_otlp_calibrate() {
    round_trip("django-signals", 120.0, 0.25);
}

#[test]
fn retry_storm_survives_simulate_otlp_calibrate() {
    round_trip("retry-storm", 120.0, 0.25);
}

#[test]
fn retry_storm_fixed_survives_simulate_otlp_calibrate() {
    round_trip("retry-storm-fixed", 300.0, 0.1);
}

#[test]
fn service_discovery_survives_simulate_otlp_calibrate() {
    round_trip("service-discovery", 120.0, 0.25);
}

#[test]
fn large_topology_survives_simulate_otlp_calibrate() {
    // At a tenth, long enough for 5,000 web requests (the re-simulation's
    // threshold); own times are the same draws as at a quarter for 30 s
    // (each node's service times come from its own stream), with less queueing.
    round_trip("large-topology", 140.0, 0.1);
}

/// Calibrate `design`'s own simulated traces (a short run) into `base`.
fn calibrated_into(design: &Design, base: Option<&Design>) -> Design {
    let short = options(60.0, 0.25);
    let (_, sampled) = engine::sim::run_with_sampled_traces(design, &short, &RunControl::default()).unwrap();
    let spans = engine::sim::report::sampled_otlp::to_otlp_spans(&sampled, design, 7);
    let mut file = Vec::new();
    engine::otlp::write::write_spans(&mut file, &spans).unwrap();
    let mut cal = Calibrator::new();
    cal.read_otlp(file.as_slice(), 1 << 34).unwrap();
    cal.finish(1.0, base).0.design
}

#[test]
fn invented_capacity_is_a_placeholder_and_a_measured_time_is_not() {
    let design = load("ecommerce-checkout");
    // A new design: every service's capacity is invented, so each is marked.
    let fresh = calibrated_into(&design, None);
    let services: Vec<&str> =
        fresh.nodes.iter().filter(|n| n.kind != NodeKind::Client).map(|n| n.id.as_str()).collect();
    assert!(!services.is_empty());
    for id in &services {
        assert!(fresh.placeholders.contains(&format!("nodes[{id}].capacity")), "{id}: {:?}", fresh.placeholders);
    }
    // An imported design whose service time was invented: the fit replaces it
    // and the mark goes; what the traces cannot say stays marked.
    let timed = design.nodes.iter().find(|n| n.kind == NodeKind::Service).unwrap().id.clone();
    let mut imported = design.clone();
    imported.placeholders = vec![format!("nodes[{timed}].service_time"), "nodes[somewhere].capacity".to_owned()];
    let updated = calibrated_into(&design, Some(&imported));
    assert_eq!(updated.placeholders, vec!["nodes[somewhere].capacity".to_owned()]);
}
