//! Outlier ejection by the emulator's load balancer, set beside the
//! simulator: a front calls a back of two replicas (round robin) at 100
//! requests/s at a constant pace for 6 s, time scale ×2; one replica is down
//! from 1 s to 5 s. Five refused connections in a row eject it for 2 s;
//! the sweep every second brings it back at 4 s, five more refusals eject
//! it for 4 s. Without ejection half the calls of those 4 s would fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Options};
use engine::model::{Fault, FaultKind, OutlierEjection};

#[test]
fn a_crashed_replica_is_ejected_and_the_errors_stop_as_simulated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/calls.json");
    let mut design = engine::model::format::load(&path).unwrap();
    design.nodes[1].policies.outlier_ejection = Some(OutlierEjection {
        consecutive_errors: 5,
        interval_s: 1.0,
        base_ejection_s: 2.0,
        max_ejection_percent: 50.0,
    });
    design.faults.push(Fault {
        name: "one down".to_owned(),
        target: "back".to_owned(),
        start_s: 1.0,
        end_s: 5.0,
        fault: FaultKind::Outage { replicas: Some(1) },
    });
    assert!(emulator::not_emulated(&design).is_empty(), "{:?}", emulator::not_emulated(&design));
    let options = Options { time_scale: Some(2.0), ..Options::of(&design) };
    let emulation = Emulation::start(&design, &options).unwrap();
    let m = emulation.run(&mut |_| {}).unwrap();
    drop(emulation);
    let sim = engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();

    let w = &m.workloads[0];
    assert!(w.finished() > 590, "{w:?}");
    let simulated = sim.workloads[0].outcomes.error;
    // Two ejections after five refusals each: about ten failed pages, not
    // the two hundred of half the calls for 4 s.
    assert!((8..=12).contains(&simulated), "simulated {simulated}");
    // The sweep comes on the modelled clock and the pages on the wall
    // clock, so a page or two may reach the replica either side of its
    // return; the run of five refusals is then the same. 3 pages.
    let measured = w.outcomes.error;
    eprintln!("failed pages: measured {measured} of {}, simulated {simulated}", w.finished());
    assert!(measured.abs_diff(simulated) <= 3, "measured {measured} failed pages, simulated {simulated}");
    // The node's resilience figures, as the simulator's report has them:
    // the same two ejections, and the replicas ejected on average (about
    // 1 × 4 s of the 6 s) within 0.05.
    let report = m.report("calls", m.settings(&design));
    let resilience = |r: &engine::sim::Report| r.node("back").unwrap().resilience.clone().unwrap();
    let (rm, rs) = (resilience(&report), resilience(&sim));
    eprintln!("resilience: measured {rm:?}, simulated {rs:?}");
    assert_eq!((rm.ejections, rm.replicas_max), (rs.ejections, rs.replicas_max));
    assert!((rm.ejected_mean - rs.ejected_mean).abs() < 0.05, "{rm:?} vs {rs:?}");
    assert!((rm.replicas_mean - rs.replicas_mean).abs() < 1e-9, "{rm:?} vs {rs:?}");
}
