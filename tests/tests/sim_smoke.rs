//! Smoke tests of the simulator's public API: a run, a steppable run,
//! cancellation, determinism and the conservation of requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use engine::model::{Arrival, ArrivalProcess, Design, Distribution, Node, NodeKind, RateProfile, Workload};
use engine::sim::{RunControl, RunOptions, Simulation, run};

fn mm1(rate_per_s: f64, mean_ms: f64) -> Design {
    let mut n = Node::new("s", "S", NodeKind::Service);
    n.service_time = Distribution::Exponential { mean_ms };
    Design {
        name: "mm1".into(),
        nodes: vec![n],
        workloads: vec![Workload {
            name: "w".into(),
            entry: "s".into(),
            operation: None,
            arrival: Arrival::Open { process: ArrivalProcess::Poisson, rate_per_s, profile: RateProfile::Constant },
        }],
        ..Design::default()
    }
}

#[test]
fn mm1_runs_and_conserves() {
    let mut d = mm1(500.0, 1.0);
    d.simulation.duration_s = 60.0;
    d.simulation.warmup_s = 5.0;
    let r = run(&d, &RunOptions::default(), &RunControl::default()).unwrap();
    let w = &r.workloads[0];
    assert!(r.conservation.holds, "{:?}", r.conservation);
    assert!((w.latency_ms.mean.mean - 2.0).abs() < 0.2);
    assert!(!r.unstable);
}

#[test]
fn steppable_matches_run() {
    let mut d = mm1(300.0, 1.0);
    d.simulation.duration_s = 10.0;
    d.simulation.warmup_s = 1.0;
    let mut sim = Simulation::new(&d, &RunOptions::default()).unwrap();
    sim.run_until(3_000_000_000);
    assert!(sim.progress().sim_time_s >= 2.99);
    assert!(!sim.is_finished());
    sim.run();
    assert!(sim.is_finished());
    let a = sim.into_report().to_json();
    let b = run(&d, &RunOptions::default(), &RunControl::default()).unwrap().to_json();
    assert_eq!(a, b);
}

#[test]
fn cancellation_stops_the_run() {
    let mut d = mm1(300.0, 1.0);
    d.simulation.duration_s = 1e4;
    d.simulation.window_s = 10.0;
    let control = RunControl::default();
    control.cancel();
    let r = run(&d, &RunOptions::default(), &control);
    assert!(matches!(r, Err(engine::sim::SimError::Cancelled)), "{r:?}");
}

#[test]
fn progress_is_visible_from_another_thread() {
    let mut d = mm1(2000.0, 0.2);
    d.simulation.duration_s = 400.0;
    d.simulation.replications = 2;
    let control = std::sync::Arc::new(RunControl::new());
    let c = std::sync::Arc::clone(&control);
    let handle = std::thread::Builder::new()
        .name("progress-test".into())
        .spawn(move || run(&d, &RunOptions::default(), &c).map(|r| r.events))
        .unwrap();
    let events = handle.join().unwrap().unwrap();
    let p = control.progress();
    assert_eq!(p.replications_done, 2);
    assert_eq!(p.events, events);
    assert!((p.fraction() - 1.0).abs() < 1e-9);
}

#[test]
fn replications_fold_in_order_and_are_never_held_beyond_the_workers() {
    let mut d = mm1(400.0, 1.0);
    d.simulation.duration_s = 4.0;
    d.simulation.warmup_s = 1.0;
    d.simulation.replications = 12;
    let report = |threads: usize| {
        let control = RunControl::new();
        let options = RunOptions { threads: Some(threads), ..RunOptions::default() };
        let r = run(&d, &options, &control).unwrap();
        (serde_json::to_string(&r).unwrap(), control.replications_held_peak())
    };
    let (one, held) = report(1);
    assert_eq!(held, 1, "one worker holds one replication at a time");
    for threads in [2, 3] {
        let (json, held) = report(threads);
        assert!((1..=threads as u32).contains(&held), "{threads} workers held {held} replications at once");
        assert!(json == one, "the report with {threads} workers differs from the one with 1");
    }
}

#[test]
fn the_memory_estimate_does_not_grow_with_replications() {
    let d = mm1(400.0, 1.0);
    let estimate = |replications: u32| {
        let options = RunOptions { replications: Some(replications), threads: Some(2), ..RunOptions::default() };
        engine::sim::memory::estimate(&d, &options).bytes
    };
    assert_eq!(estimate(3), estimate(1000));
    assert!(estimate(1) < estimate(2), "a second worker holds a second replication");
    assert!(estimate(2) < estimate(3), "the aggregate holds a set while later replications run");
}
