//! Emulate ▶ in the app: the design runs as real services on loopback off the
//! frame thread, the dock shows the port table and live figures while it
//! runs, then measured beside simulated; Stop still shows what was measured;
//! a design the emulator refuses shows every place and why. Every run is
//! small (a few seconds of load at 20 requests a second, on 127.0.0.1).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use emulator::compare::Scope;
use engine::Design;
use engine::model::format::{Format, from_str};
use engine::sim::compare::Metric;
use gui_support::*;
use switchboard::gui::SwitchboardApp;
use switchboard::gui::run::emulate::Phase;

/// One FIFO server of 20 ms exponential service (so the default time scale
/// is 1) at 20 requests a second: utilisation 0.4 over two workers.
fn tiny(duration_s: f64) -> Design {
    let text = format!(
        r#"{{"version": 1, "name": "tiny",
        "nodes": [{{"id": "api", "name": "API", "capacity": {{"replicas": 1, "workers": 1}},
                   "service_time": {{"type": "exponential", "mean_ms": 20.0}}}}],
        "workloads": [{{"name": "w", "entry": "api", "arrival": {{"type": "open", "rate_per_s": 20.0}}}}],
        "simulation": {{"duration_s": {duration_s}, "warmup_s": 0.5, "replications": 1, "seed": 5}}}}"#
    );
    from_str(&text, Format::Json, "<test>").unwrap()
}

/// Step the app until `done` holds, at most `limit`.
fn until(h: &mut Harness<'_, SwitchboardApp>, limit: Duration, what: &str, done: impl Fn(&SwitchboardApp) -> bool) {
    let begun = Instant::now();
    while !done(h.state()) {
        assert!(begun.elapsed() < limit, "{what} did not happen within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(2);
}

#[test]
fn emulate_shows_ports_live_figures_then_measured_beside_simulated() {
    let (mut h, _) = harness(tiny(3.0));
    h.get_by_label("▶ Emulate").click();
    h.run_steps(2);
    assert!(h.state().emulate.is_running(), "the emulation runs off the frame thread");
    until(&mut h, Duration::from_secs(30), "live figures", |a| {
        a.emulate.phase == Some(Phase::Running) && !a.emulate.live.is_empty()
    });
    h.get_by_label("Emulation");
    h.get_by_label("Node");
    let url = h.state().emulate.endpoints.first().unwrap().url();
    assert!(url.starts_with("http://127.0.0.1:"), "loopback only: {url}");
    h.get_by_label(&url);
    h.get_by_label_contains("Last half second:");
    until(&mut h, Duration::from_mins(1), "the comparison", |a| !a.emulate.is_running());
    let e = &h.state().emulate;
    assert_eq!(e.phase, Some(Phase::Done));
    assert!(!e.interrupted);
    h.get_by_label("Simulated (± 95 % CI)");
    h.get_by_label_contains("Measured over 2.5 s after the warm-up");
    // The emulator draws arrivals from the simulator's keyed stream with the
    // same seed: the same requests arrive in the window (±2 for a request at
    // its edge that the timer moves across it).
    let measured = e.measured.as_ref().unwrap().workload("w").unwrap().arrived;
    let simulated = e.simulated.as_ref().unwrap().workload("w").unwrap().arrived;
    assert!(measured > 20, "about 50 requests arrive in 2.5 s, got {measured}");
    assert!(measured.abs_diff(simulated) <= 2, "measured {measured} vs simulated {simulated} arrivals");
    let row = e.rows.iter().find(|r| r.scope == Scope::Workload && r.metric == Metric::Errors).unwrap();
    assert!(row.measured.abs() < 1e-12, "nothing fails in this design");
}

#[test]
fn stop_ends_the_load_and_still_shows_what_was_measured() {
    let (mut h, _) = harness(tiny(600.0));
    h.get_by_label("▶ Emulate").click();
    until(&mut h, Duration::from_secs(30), "live figures", |a| a.emulate.live.len() >= 3);
    h.get_by_label("■ Stop emulation").click();
    until(&mut h, Duration::from_secs(30), "the end after Stop", |a| !a.emulate.is_running());
    let e = &h.state().emulate;
    assert!(e.interrupted);
    let ran_s = e.measured.as_ref().unwrap().settings.duration_s;
    assert!(ran_s > 0.5 && ran_s < 60.0, "it ran {ran_s} s of 600");
    assert!(e.measured.as_ref().unwrap().workload("w").unwrap().arrived > 0);
    h.get_by_label_contains("Stopped after");
    assert!(!e.rows.is_empty(), "the simulation compares the window that ran");
}

#[test]
fn a_refused_design_shows_every_place_and_why() {
    let mut d = tiny(1.0);
    d.nodes[0].policies.autoscaling = Some(engine::model::Autoscaling {
        min_replicas: 1,
        max_replicas: 2,
        target_utilization: 0.5,
        evaluation_period_s: 15.0,
        scale_down_stabilization_s: 300.0,
        cold_start_s: 0.0,
    });
    // Autoscaling runs, but not of a node found through service discovery.
    d.nodes[0].discovery = Some(engine::model::Discovery::default());
    let (mut h, _) = harness(d);
    h.get_by_label("▶ Emulate").click();
    h.run_steps(3);
    assert!(!h.state().emulate.is_running());
    h.get_by_label("The emulator cannot run this design yet:");
    h.get_by_label_contains("nodes[api].policies.autoscaling: autoscaling of a node found through service discovery");
}
