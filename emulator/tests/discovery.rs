//! Service discovery in wall-clock time on loopback, each set beside the
//! simulator's run of the same design and seed: a front (5 ms) calls a back
//! (15 ms, two replicas, round robin) at 100 requests/s at a constant pace
//! for 6 s; the back registers with a registry node (5 ms a lookup), time
//! scale ×2 (12 s of wall time each).
//!
//! The last test emulates 12 s of `samples/service-discovery.json` at ×4.
//!
//! Tolerances: counts the wall clock can shift by a call or two at each
//! timer (a lookup, a health check) are held within a few calls of the
//! simulator's, explained where used; the sample's latencies to the
//! accuracy goal (mean 10%, p99 25%).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Measured, Options};
use engine::model::{
    CallPolicy, DeadInstance, Design, Discovery, DiscoveryHealthCheck, DiscoveryMode, Distribution, Edge, Fault,
    FaultKind, Node, NodeKind,
};
use engine::sim::report::Report;

fn calls() -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/calls.json");
    engine::model::format::load(&path).unwrap()
}

/// The back found through a registry node `consul` (5 ms a lookup).
fn discovered(mode: DiscoveryMode, ttl_s: f64, interval_s: f64, failures: u32, dead: DeadInstance) -> Design {
    let mut design = calls();
    let mut consul = Node::new("consul", "consul", NodeKind::Registry);
    consul.service_time = Distribution::Constant { value_ms: 5.0 };
    consul.capacity.workers = 8;
    design.nodes.push(consul);
    design.nodes[1].discovery = Some(Discovery {
        mode,
        registry: Some("consul".to_owned()),
        cache_ttl_s: ttl_s,
        health_check: DiscoveryHealthCheck { interval_s, failures_before_removal: failures },
        dead_instance: dead,
        ..Discovery::default()
    });
    design
}

fn both(design: &Design) -> (Measured, Report) {
    assert!(emulator::not_emulated(design).is_empty(), "{:?}", emulator::not_emulated(design));
    let options = Options { time_scale: Some(2.0), ..Options::of(design) };
    let emulation = Emulation::start(design, &options).unwrap();
    let measured = emulation.run(&mut |_| {}).unwrap();
    drop(emulation);
    let sim = engine::sim::run(design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    (measured, sim)
}

fn close(what: &str, measured: u64, simulated: u64, within: u64) {
    eprintln!("{what}: measured {measured}, simulated {simulated} (± {within})");
    assert!(measured.abs_diff(simulated) <= within, "{what}: measured {measured}, simulated {simulated} ± {within}");
}

#[test]
fn client_side_callers_look_up_once_a_ttl_each() {
    // Two callers, each with its own cache of the back's list (TTL 0.5 s).
    let mut design = discovered(DiscoveryMode::ClientSide, 0.5, 1.0, 3, DeadInstance::Refuse);
    let mut second = design.nodes[0].clone();
    second.id = "front2".to_owned();
    second.name = "front2".to_owned();
    design.nodes.push(second);
    let mut edge: Edge = design.edges[0].clone();
    edge.id = "front2-back".to_owned();
    edge.from = "front2".to_owned();
    design.edges.push(edge);
    let mut w = design.workloads[0].clone();
    w.name = "pages2".to_owned();
    w.entry = "front2".to_owned();
    design.workloads.push(w);
    let (m, sim) = both(&design);
    let (d, s) = (&m.discovery[0], &sim.discovery[0]);
    eprintln!("measured {d:?}\nsimulated {s:?}");
    // A cache is asked again at the first call after its TTL, a lookup
    // (5 ms) later it is fresh: one lookup per cache every ~0.5 s + 10 ms,
    // 2 × 6 / 0.51 ≈ 23.5 in 6 s. Each cycle may shift by a call (10 ms)
    // on the wall clock: over 12 cycles per cache, at most one lookup each.
    let theory = 2.0 * 6.0 / 0.51;
    assert!((s.lookups as f64 - theory).abs() <= 2.0, "simulated {} vs {theory:.1}", s.lookups);
    close("lookups", d.lookups, s.lookups, 2);
    close("cache misses (calls that waited)", d.cache_misses, s.cache_misses, 4);
    assert_eq!(d.lookup_failures, 0);
    let total = m.workloads.iter().map(|w| w.outcomes.ok).sum::<u64>();
    assert!(total > 1180, "{total} pages served");
    // The registry served every lookup as a visit of its own.
    let consul = m.nodes.iter().find(|n| n.id == "consul").unwrap();
    close("registry visits", consul.visits, d.lookups, 0);
}

fn crash(design: &mut Design) {
    design.faults.push(Fault {
        name: "one down".to_owned(),
        target: "back".to_owned(),
        start_s: 2.0,
        end_s: 6.0,
        fault: FaultKind::Outage { replicas: Some(1) },
    });
}

#[test]
fn a_crashed_replica_fails_its_calls_until_the_health_check_removes_it() {
    // Server-side: the load balancer keeps sending every other call to the
    // crashed but listed replica until the second failed check (0.5 s apart).
    let mut design = discovered(DiscoveryMode::ServerSide, 30.0, 0.5, 2, DeadInstance::Refuse);
    crash(&mut design);
    let (m, sim) = both(&design);
    let (d, s) = (&m.discovery[0], &sim.discovery[0]);
    eprintln!("measured {d:?}\nsimulated {s:?}");
    assert_eq!((d.crashes, d.evictions), (1, 1));
    assert_eq!((s.crashes, s.evictions), (1, 1));
    // The check's phase is drawn from the simulator's own stream: the same
    // eviction time (between 0.5 and 1 s after the crash), to the timer's ms.
    assert!((d.mean_eviction_ms - s.mean_eviction_ms).abs() < 1.0, "{} vs {}", d.mean_eviction_ms, s.mean_eviction_ms);
    // Theory: half of 100 calls/s fail for the crash-to-eviction time.
    let theory = 100.0 * 0.5 * s.mean_eviction_ms / 1e3;
    let failed = m.workloads[0].outcomes.error;
    let simulated = sim.workloads[0].outcomes.error;
    assert!((simulated as f64 - theory).abs() <= 2.0, "simulated {simulated} vs theory {theory:.1}");
    // The window's two edges (the crash, the check) each fall a call early
    // or late on the wall clock.
    close("failed pages", failed, simulated, 2);
    close("calls to the dead instance", d.calls_to_dead, s.calls_to_dead, 2);
}

#[test]
fn a_call_to_a_crashed_instance_hangs_until_the_timeout() {
    // Client-side with a 2 s TTL and `hang`: calls to the dead instance time
    // out (100 ms) until the eviction and then the cache's expiry.
    let mut design = discovered(DiscoveryMode::ClientSide, 2.0, 0.5, 2, DeadInstance::Hang);
    design.edges[0].policy = Some(CallPolicy { timeout_ms: Some(100.0), ..CallPolicy::default() });
    crash(&mut design);
    let (m, sim) = both(&design);
    let (d, s) = (&m.discovery[0], &sim.discovery[0]);
    eprintln!("measured {d:?}\nsimulated {s:?}");
    let (timeouts, simulated) = (m.workloads[0].outcomes.timeout, sim.workloads[0].outcomes.timeout);
    eprintln!("measured {:?}\nsimulated {:?}", m.workloads[0].outcomes, sim.workloads[0].outcomes);
    assert!(simulated > 20, "simulated {simulated} timeouts");
    close("failed pages", m.workloads[0].outcomes.error, sim.workloads[0].outcomes.error, 2);
    // Each edge of the window (the crash, the lookup that drops the
    // instance) may fall a call early or late, and the round-robin parity
    // with them: a few calls.
    close("timed-out pages", timeouts, simulated, 4);
}

#[test]
fn the_service_discovery_sample_emulates_beside_its_simulation() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/service-discovery.json");
    let mut design = engine::model::format::load(&path).unwrap();
    assert!(emulator::not_emulated(&design).is_empty(), "{:?}", emulator::not_emulated(&design));
    // 12 s of the sample (both lanes looked up and routed, no fault yet),
    // time scale ×4 (Consul's 1 ms lookups become 4 ms): 48 s of wall time.
    design.simulation.duration_s = 12.0;
    design.simulation.warmup_s = 2.0;
    let options = Options { time_scale: Some(4.0), ..Options::of(&design) };
    let emulation = Emulation::start(&design, &options).unwrap();
    let m = emulation.run(&mut |_| {}).unwrap();
    drop(emulation);
    let sim = engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    for (w, s) in m.workloads.iter().zip(&sim.workloads) {
        let (mean, sim_mean) = (w.latency.mean_ms(), s.latency_ms.mean.mean);
        let (p99, sim_p99) = (w.latency.quantile_ms(0.99), s.latency_ms.p99.mean);
        eprintln!("{}: mean {mean:.2} ms vs {sim_mean:.2} ms, p99 {p99:.2} ms vs {sim_p99:.2} ms", w.name);
        assert!((mean / sim_mean - 1.0).abs() <= 0.10, "{}: mean {mean:.2} vs {sim_mean:.2}", w.name);
        assert!((p99 / sim_p99 - 1.0).abs() <= 0.25, "{}: p99 {p99:.2} vs {sim_p99:.2}", w.name);
    }
    let (d, s) = (&m.discovery[0], &sim.discovery[0]);
    eprintln!("measured {d:?}\nsimulated {s:?}");
    close("lookups of Pricing A", d.lookups, s.lookups, 2);
}
