//! Closed-loop workloads on loopback: users think, send, wait, and the
//! measured throughput obeys the interactive response time law X = N/(R+Z)
//! and matches the simulator's. Bounded: 8 s of load, about 600 requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Options};

#[test]
fn closed_loop_throughput_is_users_over_response_plus_think_time() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/closed.json");
    let design = engine::model::format::load(&path).unwrap();
    assert!(emulator::not_emulated(&design).is_empty());
    let options = Options { time_scale: Some(1.0), ..Options::of(&design) };
    let emulation = Emulation::start(&design, &options).unwrap();
    let m = emulation.run(&mut |_| {}).unwrap();
    let w = &m.workloads[0];
    assert_eq!(w.outcomes.failed(), 0, "{w:?}");
    let window_s = m.window_s();
    let x = w.outcomes.ok as f64 / window_s;
    let r_s = w.latency.mean_ms() / 1e3;
    // The law holds for any closed system in steady state; constant think
    // times leave only the window's edges (each of the 8 users has at most
    // one cycle cut, 8 of ~550 requests: 1.5%) and the timer's spread: 5%.
    let law = 8.0 / (r_s + 0.080);
    assert!((x / law - 1.0).abs() < 0.05, "X {x:.2}/s, N/(R+Z) {law:.2}/s with R {:.2} ms", r_s * 1e3);
    // Two workers of 20 ms hold 8 users of 80 ms thinking with little
    // queueing: R stays near the service time.
    assert!(r_s > 0.019 && r_s < 0.035, "R {:.2} ms", r_s * 1e3);

    // The simulator's users, same design: throughput within 5% (its run is
    // deterministic here, constant times, so its interval is about zero).
    let sim = engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    let xs = sim.workloads[0].throughput_per_s.mean;
    assert!((x / xs - 1.0).abs() < 0.05, "emulated {x:.2}/s, simulated {xs:.2}/s");
}
