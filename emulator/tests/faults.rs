//! The fault schedule in wall-clock time on loopback: an error burst's
//! observed error share lies in its binomial interval, a latency fault
//! raises the mean by its share of the run, and both agree with the
//! simulator. Bounded: 6 s of load, 600 requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Options};

#[test]
fn an_error_burst_and_a_latency_fault_act_in_their_windows() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/faults.json");
    let design = engine::model::format::load(&path).unwrap();
    assert!(emulator::not_emulated(&design).is_empty());
    let options = Options { time_scale: Some(1.0), ..Options::of(&design) };
    let emulation = Emulation::start(&design, &options).unwrap();
    let m = emulation.run(&mut |_| {}).unwrap();
    let w = &m.workloads[0];
    let n = w.finished() as f64;
    assert!(n > 550.0, "{w:?}");
    // p = 0.5 for 2 s of 6 at a constant pace: a sixth fail. 99.9% binomial
    // interval (z = 3.29) of the share over n requests.
    let p = w.outcomes.error as f64 / n;
    let half = 3.29 * (1.0 / 6.0 * 5.0 / 6.0 / n).sqrt();
    assert!((p - 1.0 / 6.0).abs() < half, "error share {p:.4}, expected 0.1667 ± {half:.4}");
    // Successful requests: 200 before the burst at 20 ms, about 100 in it,
    // 100 under +30 ms, 100 after: a mean of 26 ms (no queueing: 16 workers
    // for at most 5 busy). 5% for the timer's spread and the windows' edges.
    let mean = w.latency.mean_ms();
    assert!((mean / 26.0 - 1.0).abs() < 0.05, "mean {mean:.2} ms, expected 26 ms");

    let sim = engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    let s = &sim.workloads[0];
    assert!((p - s.error_rate.mean).abs() < half, "emulated {p:.4}, simulated {:.4}", s.error_rate.mean);
    assert!(
        (mean / s.latency_ms.mean.mean - 1.0).abs() < 0.05,
        "emulated {mean:.2}, simulated {:.2}",
        s.latency_ms.mean.mean
    );
}

#[test]
fn faults_on_event_edges_run_and_one_fitting_no_target_is_refused_by_name() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/events.json");
    let mut design = engine::model::format::load(&path).unwrap();
    let faults = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/faults.json");
    let mut fault = engine::model::format::load(&faults).unwrap().faults.remove(1);
    // A latency fault on the publish edge and on the subscription: both run.
    fault.target = "api-bus".to_owned();
    design.faults.push(fault.clone());
    fault.name = "slow delivery".to_owned();
    fault.target = "bus-worker".to_owned();
    design.faults.push(fault.clone());
    assert!(emulator::not_emulated(&design).is_empty(), "{:?}", emulator::not_emulated(&design));
    // An outage of an edge fits nothing (validation refuses it too).
    fault.name = "edge down".to_owned();
    fault.target = "api-bus".to_owned();
    fault.fault = engine::model::FaultKind::Outage { replicas: None };
    design.faults.push(fault);
    let refused = emulator::not_emulated(&design);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].starts_with("faults[edge down]: this fault fits no target"), "{refused:?}");
}
