//! Wasted work and abandoned tries in wall-clock time on loopback, each
//! beside the simulator's run of the same design and seed: a front calls a
//! back at 100 requests/s at a constant pace for 4 s, time scale ×2 (8 s of
//! wall time each).
//!
//! Tolerances: the emulator draws each visit's service from the stream the
//! simulator keys for it, so the same visits outlast a timeout in both but
//! for those the timer's lateness (about a millisecond) moves across its
//! edge: counts of visits are held to 5% of the simulated count plus 5,
//! wasted shares to 10% of the simulated share.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Options};
use engine::model::{CallPolicy, Concurrency, Design, Distribution, Fault, FaultKind};
use engine::sim::report::{NodeResilience, Report};

fn calls() -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/calls.json");
    let mut design = engine::model::format::load(&path).unwrap();
    design.simulation.duration_s = 4.0;
    // One replica, memoryless service: some tries outlast a timeout, some do not.
    design.nodes[1].capacity.replicas = 1;
    design.nodes[1].service_time = Distribution::Exponential { mean_ms: 20.0 };
    design
}

/// The design emulated (time scale ×2) and simulated: both reports.
fn both(design: &Design) -> (Report, Report) {
    assert!(emulator::not_emulated(design).is_empty(), "{:?}", emulator::not_emulated(design));
    let options = Options { time_scale: Some(2.0), ..Options::of(design) };
    let emulation = Emulation::start(design, &options).unwrap();
    let measured = emulation.run(&mut |_| {}).unwrap();
    drop(emulation);
    let report = measured.report("wasted", measured.settings(design));
    let sim = engine::sim::run(design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    (report, sim)
}

fn resilience(r: &Report, node: &str) -> NodeResilience {
    r.node(node).unwrap().resilience.clone().unwrap()
}

/// `measured` visits against `simulated`, within the tolerance above.
fn count_agrees(what: &str, measured: u64, simulated: u64) {
    let s = simulated as f64;
    let half = 0.05 * s + 5.0;
    eprintln!("{what}: measured {measured}, simulated {simulated} ± {half:.1}");
    assert!((measured as f64 - s).abs() <= half, "{what}: measured {measured}, simulated {simulated} ± {half:.1}");
}

/// The wasted figures of `node` agree: visits as [`count_agrees`], share to 10%.
fn wasted_agrees(node: &str, m: &Report, s: &Report) {
    let (rm, rs) = (resilience(m, node), resilience(s, node));
    eprintln!("{node}: measured {rm:?}\n{node}: simulated {rs:?}");
    count_agrees(&format!("{node} wasted visits"), rm.wasted_visits, rs.wasted_visits);
    assert!(rs.wasted_visits > 0);
    let share = rm.wasted_share / rs.wasted_share;
    assert!(
        (share - 1.0).abs() < 0.1,
        "{node} wasted share: measured {}, simulated {}",
        rm.wasted_share,
        rs.wasted_share
    );
}

#[test]
fn orphans_and_their_callees_count_their_work_as_wasted() {
    // front → back (a try of 25 ms at most) → deep (plain): a back visit
    // outlasting its try is an orphan (its whole visit wasted, blocking), and
    // a deep visit that returns to it after that counts its service too.
    let mut design = calls();
    design.nodes[1].service_time = Distribution::Constant { value_ms: 10.0 };
    let mut deep = design.nodes[1].clone();
    deep.id = "deep".to_owned();
    deep.name = "deep".to_owned();
    deep.service_time = Distribution::Exponential { mean_ms: 20.0 };
    design.nodes.push(deep);
    let mut edge = design.edges[0].clone();
    edge.id = "back-deep".to_owned();
    edge.from = "back".to_owned();
    edge.to = "deep".to_owned();
    design.edges.push(edge);
    design.edges[0].policy = Some(CallPolicy { per_try_timeout_ms: Some(25.0), ..CallPolicy::default() });
    let (m, s) = both(&design);
    wasted_agrees("back", &m, &s);
    wasted_agrees("deep", &m, &s);
    assert_eq!(resilience(&m, "front").wasted_visits, 0);
    // The load section: the same arithmetic over what was measured at all nodes.
    let (lm, ls) = (m.load.clone().unwrap(), s.load.clone().unwrap());
    eprintln!("load: measured {lm:?}\nload: simulated {ls:?}");
    assert!((lm.offered_per_s - ls.offered_per_s).abs() < 1e-9, "the same requests");
    // front, back and deep visited per request, and the tries' visits deeper.
    assert!(lm.amplification > 2.5 && (lm.amplification / ls.amplification - 1.0).abs() < 0.05);
    assert!((lm.goodput_per_s / ls.goodput_per_s - 1.0).abs() < 0.1);
    assert!((lm.wasted_share / ls.wasted_share - 1.0).abs() < 0.1);
}

#[test]
fn a_cancelled_try_wastes_the_service_it_began() {
    // The back is told: a try still in service stops there (its connection
    // goes), and counts its service, as the simulator's worker finishes it.
    let mut design = calls();
    design.nodes[1].capacity.concurrency = Concurrency::Async;
    design.edges[0].policy =
        Some(CallPolicy { per_try_timeout_ms: Some(25.0), propagate_cancellation: true, ..CallPolicy::default() });
    let (m, s) = both(&design);
    wasted_agrees("back", &m, &s);
}

#[test]
fn a_crash_wastes_the_work_in_service_on_its_replica() {
    // 200 ms of service at 100 requests/s: about 20 visits in service when
    // the replica crashes at 2 s, all lost.
    let mut design = calls();
    design.nodes[1].service_time = Distribution::Constant { value_ms: 200.0 };
    design.nodes[1].capacity.workers = 64;
    design.faults.push(Fault {
        name: "down".to_owned(),
        target: "back".to_owned(),
        start_s: 2.0,
        end_s: 3.0,
        fault: FaultKind::Outage { replicas: None },
    });
    let (m, s) = both(&design);
    let (rm, rs) = (resilience(&m, "back"), resilience(&s, "back"));
    eprintln!("back: measured {rm:?}\nback: simulated {rs:?}");
    assert!(rs.wasted_visits >= 10, "{rs:?}");
    // A visit or two at each edge of the crash may fall either side of it.
    assert!(rm.wasted_visits.abs_diff(rs.wasted_visits) <= 3, "measured {rm:?}, simulated {rs:?}");
    assert!((rm.wasted_work_s / rs.wasted_work_s - 1.0).abs() < 0.2, "measured {rm:?}, simulated {rs:?}");
}

#[test]
fn a_try_abandoned_by_the_overall_timeout_counts_on_its_edge() {
    // The call's overall timeout (20 ms) ends the try in flight: counted on
    // the edge as timed out, as the simulator's `abandon_attempt`.
    let mut design = calls();
    design.edges[0].policy = Some(CallPolicy { timeout_ms: Some(20.0), ..CallPolicy::default() });
    let (m, s) = both(&design);
    let (em, es) = (&m.edges[0], &s.edges[0]);
    eprintln!("edge: measured {:?}\nedge: simulated {:?}", em.outcomes, es.outcomes);
    count_agrees("timed out", em.outcomes.timeout, es.outcomes.timeout);
    assert!(es.outcomes.timeout > 50);
    // Every try ends on the edge: none is left in flight.
    assert_eq!(em.calls, em.outcomes.total() - em.outcomes.in_flight);
    count_agrees("tries", em.calls, es.calls);
    // Abandoned tries are wasted work at the back (they are orphans).
    wasted_agrees("back", &m, &s);
}
