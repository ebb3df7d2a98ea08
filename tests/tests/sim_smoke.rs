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
    let t = std::time::Instant::now();
    let r = run(&d, &RunOptions::default(), &RunControl::default()).unwrap();
    eprintln!("{:?} events {}", t.elapsed(), r.events);
    let w = &r.workloads[0];
    eprintln!("{:#?}", w);
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
