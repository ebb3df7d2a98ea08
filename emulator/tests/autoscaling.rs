//! Autoscaling with a cold start in wall-clock time on loopback, beside the
//! simulator's run of the same design and seed: an API (20 ms, 2 workers a
//! replica, 1 to 4 replicas at 50% utilization, evaluated every second)
//! takes 40 requests/s at a constant pace, 120/s from 3 s to 7 s; 12
//! modelled seconds at time scale ×2 (24 s of wall time).
//!
//! At 120/s one replica is short of workers (2.4 needed), so requests queue
//! until the evaluation at 4 s starts replicas and they serve after their
//! 0.5 s cold start; after the spike the 2 s stabilization window passes
//! before the node scales down. Were the autoscaler not run, the queue would
//! grow for the whole spike (80 requests behind one replica: a mean above
//! 300 ms); were the scale-down not run, the replicas would average above 3.
//!
//! Tolerances: the replicas serving on average within 10% and the most
//! within one (an evaluation a few milliseconds late measures a slightly
//! different utilization); the workload's mean latency within 15% and its
//! p99 within 25%, as the other emulator tests hold latencies (the timer's
//! lateness on a 20 ms service, and the queue's length at the moment the
//! new replicas start).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Options};
use engine::model::Design;

fn design() -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/autoscaling.json");
    engine::model::format::load(&path).unwrap()
}

#[test]
fn a_spike_scales_the_node_up_after_its_cold_start_and_down_after_the_window_as_simulated() {
    let design = design();
    assert!(emulator::not_emulated(&design).is_empty(), "{:?}", emulator::not_emulated(&design));
    let options = Options { time_scale: Some(2.0), ..Options::of(&design) };
    let emulation = Emulation::start(&design, &options).unwrap();
    let measured = emulation.run(&mut |_| {}).unwrap();
    drop(emulation);
    let sim = engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();

    let replicas = |nodes: &[engine::sim::report::NodeReport]| {
        let r = nodes.iter().find(|n| n.id == "api").and_then(|n| n.resilience.clone()).unwrap();
        (r.replicas_mean, r.replicas_max)
    };
    let (m_mean, m_max) = replicas(&measured.nodes);
    let (s_mean, s_max) = replicas(&sim.nodes);
    eprintln!("replicas serving: measured mean {m_mean:.3}, most {m_max}; simulated mean {s_mean:.3}, most {s_max}");
    assert!(s_mean > 1.5 && s_mean < 3.0, "simulated mean {s_mean}: the spike scales up and the node scales down");
    assert!((m_mean / s_mean - 1.0).abs() < 0.10, "replicas mean {m_mean:.3} vs {s_mean:.3}");
    assert!(m_max.abs_diff(s_max) <= 1, "most replicas {m_max} vs {s_max}");

    let w = &measured.workloads[0];
    let sw = &sim.workloads[0].latency_ms;
    assert_eq!(w.outcomes.error, 0, "{w:?}");
    assert!(w.finished() > 790, "{w:?}");
    let (mean, p99) = (w.latency.mean_ms(), w.latency.quantile_ms(0.99));
    eprintln!(
        "latency: measured mean {mean:.2} ms, p99 {p99:.1} ms; simulated mean {:.2} ms, p99 {:.1} ms",
        sw.mean.mean, sw.p99.mean
    );
    assert!(mean < 150.0, "mean {mean:.1} ms: the autoscaler did not relieve the queue");
    assert!((mean / sw.mean.mean - 1.0).abs() < 0.15, "mean {mean:.2} ms vs {:.2} ms", sw.mean.mean);
    assert!((p99 / sw.p99.mean - 1.0).abs() < 0.25, "p99 {p99:.1} ms vs {:.1} ms", sw.p99.mean);
}
