//! Outages, faults on call edges and partitions in wall-clock time on
//! loopback, each set beside the simulator's run of the same design and
//! seed: a front calls a back (two replicas, round robin) at 100 requests/s
//! at a constant pace for 6 s, time scale ×2 (12 s of wall time each).
//!
//! Tolerances: shares of requests are held to the 99.9% binomial interval
//! (z = 3.29) of the simulated share over the measured requests; counts that
//! a breaker decides are held within a few requests, explained where used.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Measured, Options};
use engine::model::{CallPolicy, CircuitBreaker, Design, Fault, FaultKind, PartitionMode};
use engine::sim::report::Report;

fn calls() -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/calls.json");
    engine::model::format::load(&path).unwrap()
}

fn fault(name: &str, target: &str, start_s: f64, end_s: f64, fault: FaultKind) -> Fault {
    Fault { name: name.to_owned(), target: target.to_owned(), start_s, end_s, fault }
}

/// The design emulated (time scale ×2) and simulated.
fn both(design: &Design) -> (Measured, Report) {
    assert!(emulator::not_emulated(design).is_empty(), "{:?}", emulator::not_emulated(design));
    let options = Options { time_scale: Some(2.0), ..Options::of(design) };
    let emulation = Emulation::start(design, &options).unwrap();
    let measured = emulation.run(&mut |_| {}).unwrap();
    drop(emulation);
    let sim = engine::sim::run(design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    (measured, sim)
}

/// `count` of `n` measured requests against the simulated share `p`, within
/// the 99.9% binomial interval of `p` over `n` (at least one request wide).
fn share_agrees(what: &str, count: u64, n: f64, p: f64) {
    let measured = count as f64 / n;
    let half = (3.29 * (p * (1.0 - p) / n).sqrt()).max(1.0 / n);
    eprintln!("{what}: measured {measured:.4} ({count} of {n}), simulated {p:.4} ± {half:.4}");
    assert!((measured - p).abs() <= half, "{what}: measured {measured:.4}, simulated {p:.4} ± {half:.4}");
}

fn simulated_share(sim: &Report, f: impl Fn(&engine::sim::OutcomeCounts) -> u64) -> f64 {
    let o = &sim.workloads[0].outcomes;
    f(o) as f64 / (o.total() - o.in_flight) as f64
}

#[test]
fn an_outage_of_one_replica_of_two_fails_half_the_calls_it_sees() {
    let mut design = calls();
    design.faults.push(fault("half down", "back", 2.0, 4.0, FaultKind::Outage { replicas: Some(1) }));
    let (m, sim) = both(&design);
    let w = &m.workloads[0];
    let n = w.finished() as f64;
    assert!(n > 590.0, "{w:?}");
    // Round robin sends every other call of the 2 s out of 6 to the crashed
    // replica: a sixth of the pages fail, connection refused.
    let p = simulated_share(&sim, |o| o.error);
    assert!((p - 1.0 / 6.0).abs() < 0.01, "simulated {p}");
    share_agrees("failed pages", w.outcomes.error, n, p);
    // The back itself: its visits to the crashed replica fail at once.
    let back = m.nodes.iter().find(|x| x.id == "back").unwrap();
    share_agrees("failed back visits", back.outcomes.error, back.visits as f64, p);
}

#[test]
fn errors_and_latency_on_an_edge_act_in_their_windows() {
    let mut design = calls();
    design.faults.push(fault("flaky", "front-back", 2.0, 4.0, FaultKind::Errors { probability: 0.3 }));
    design.faults.push(fault("slow", "front-back", 4.0, 5.0, FaultKind::Latency { added_ms: 20.0, factor: 1.0 }));
    let (m, sim) = both(&design);
    let w = &m.workloads[0];
    let n = w.finished() as f64;
    assert!(n > 590.0, "{w:?}");
    // p = 0.3 for 2 s of 6: a tenth of the pages fail, refused on the edge.
    let p = simulated_share(&sim, |o| o.error);
    assert!((p - 0.1).abs() < 0.03, "simulated {p}");
    share_agrees("failed pages", w.outcomes.error, n, p);
    // 20 ms each way for 1 s: 100 of about 540 successful pages take 60 ms
    // instead of 20 ms, a mean of about 27.4 ms. 5% for the timer's spread
    // and the windows' edges.
    let (mean, simulated) = (w.latency.mean_ms(), sim.workloads[0].latency_ms.mean.mean);
    assert!((simulated / 27.4 - 1.0).abs() < 0.03, "simulated mean {simulated:.2} ms");
    eprintln!("mean latency: measured {mean:.2} ms, simulated {simulated:.2} ms");
    assert!((mean / simulated - 1.0).abs() < 0.05, "mean {mean:.2} ms, simulated {simulated:.2} ms");
}

#[test]
fn a_partition_refuses_or_swallows_the_calls_across_it() {
    let mut design = calls();
    design.edges[0].policy = Some(CallPolicy { timeout_ms: Some(100.0), ..CallPolicy::default() });
    let cut = |mode| FaultKind::Partition { mode };
    design.faults.push(fault("cut", "front-back", 1.5, 2.5, cut(PartitionMode::FailFast)));
    design.faults.push(fault("black hole", "front-back", 3.5, 4.5, cut(PartitionMode::Hang)));
    let (m, sim) = both(&design);
    let w = &m.workloads[0];
    let n = w.finished() as f64;
    assert!(n > 590.0, "{w:?}");
    // 1 s of 6 refused (errors), 1 s swallowed until the 100 ms timeout.
    let (errors, timeouts) = (simulated_share(&sim, |o| o.error), simulated_share(&sim, |o| o.timeout));
    assert!((errors - 1.0 / 6.0).abs() < 0.01 && (timeouts - 1.0 / 6.0).abs() < 0.01, "{errors} {timeouts}");
    share_agrees("refused pages", w.outcomes.error, n, errors);
    share_agrees("timed-out pages", w.outcomes.timeout, n, timeouts);
    // A swallowed call never reaches the back: it sees only the other 4 s.
    let back = m.nodes.iter().find(|x| x.id == "back").unwrap();
    let simulated_back = sim.nodes.iter().find(|x| x.id == "back").unwrap().visits as f64;
    assert!((back.visits as f64 / simulated_back - 1.0).abs() < 0.02, "{} vs {simulated_back}", back.visits);
}

#[test]
fn a_circuit_breaker_opens_under_an_outage() {
    let mut design = calls();
    design.nodes[1].capacity.replicas = 1;
    let breaker = CircuitBreaker {
        consecutive_failures: Some(5),
        failure_ratio: None,
        window_calls: 20,
        open_s: 0.5,
        half_open_probes: 1,
    };
    design.edges[0].policy = Some(CallPolicy { circuit_breaker: Some(breaker), ..CallPolicy::default() });
    design.faults.push(fault("down", "back", 2.0, 4.0, FaultKind::Outage { replicas: None }));
    let (m, sim) = both(&design);
    let w = &m.workloads[0];
    let s = &sim.workloads[0].outcomes;
    // Five refused calls open the breaker; it fails fast for 0.5 s, lets
    // one probe through, which fails while the back is down, and so on
    // until the first probe after 4 s closes it again.
    assert!(s.rejected.breaker_open > 150, "{s:?}");
    assert!(w.outcomes.rejected.breaker_open > 150, "{:?}", w.outcomes);
    // Each of the breaker's 5 or 6 changes of state comes at the end of an
    // open period on the modelled clock, or with a failed call, while the
    // pages come on the wall clock: a change a little late or early moves a
    // page or two between failing fast and failing on the back. 10 pages.
    let close = |what: &str, a: u64, b: u64| {
        eprintln!("{what}: measured {a}, simulated {b}");
        assert!(a.abs_diff(b) <= 10, "{what}: measured {a}, simulated {b}");
    };
    close("failed fast", w.outcomes.rejected.breaker_open, s.rejected.breaker_open);
    close("refused by the back", w.outcomes.error, s.error);
    close("served", w.outcomes.ok, s.ok);
    // The edge's policy detail, as the simulator's report has it: logical
    // calls, tries failed fast, the breaker's openings (one a failed probe,
    // within one) and its time open (within 0.1 s: each period ends on the
    // modelled clock, its probe on the wall clock).
    let report = m.report("calls", m.settings(&design));
    let policy = |r: &Report| r.edges[0].policy.clone().unwrap();
    let (pm, ps) = (policy(&report), policy(&sim));
    let (bm, bs) = (pm.breaker.clone().unwrap(), ps.breaker.clone().unwrap());
    eprintln!("breaker: measured {bm:?}\nsimulated {bs:?}");
    close("logical calls", pm.logical_calls, ps.logical_calls);
    close("fast-failed tries", pm.fail_fast, ps.fail_fast);
    assert_eq!(pm.attempts, report.edges[0].calls);
    assert!(bs.opened >= 3 && bm.opened.abs_diff(bs.opened) <= 1, "opened {} vs {}", bm.opened, bs.opened);
    assert!((bm.time_open_s - bs.time_open_s).abs() < 0.1, "open {} s vs {} s", bm.time_open_s, bs.time_open_s);
}
