//! Right-size… and Headroom… in the app: the search runs off the frame
//! thread, the dialog shows what it found, Apply is one undo step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use engine::Design;
use engine::model::format::{Format, from_str};
use gui_support::*;
use switchboard::gui::SwitchboardApp;
use switchboard::gui::panels::rightsize::{self, Kind};

/// 1500 req/s spread at random over 1-ms exponential servers (independent
/// M/M/1 queues), p99 ≤ 10 ms: three replicas pass, two do not. Priced.
fn lb() -> Design {
    let text = r#"{"version": 1, "name": "lb",
        "nodes": [{"id": "s", "name": "S", "capacity": {"replicas": 1, "load_balancer": "random"},
                   "service_time": {"type": "exponential", "mean_ms": 1.0},
                   "deployment": {"cpu_millicores": 1000, "memory_mib": 1024}}],
        "workloads": [{"name": "w", "entry": "s", "arrival": {"type": "open", "rate_per_s": 1500.0}}],
        "slos": [{"workload": "w", "latency": {"percentile": 99.0, "max_ms": 10.0}}],
        "simulation": {"duration_s": 8.0, "warmup_s": 1.0, "replications": 2, "seed": 3},
        "cost": {"price_table": {"name": "t", "source": "test", "date": "2025-01", "currency": "USD",
                 "vcpu_hour_price": 0.04, "gib_hour_price": 0.005}, "hours_per_month": 730.0}}"#;
    from_str(text, Format::Json, "<test>").unwrap()
}

fn start(h: &mut Harness<'_, SwitchboardApp>, kind: Kind) {
    let ctx = h.ctx.clone();
    rightsize::start(h.state_mut(), &ctx, kind);
    let begun = Instant::now();
    while h.state().rightsize().is_running() {
        assert!(begun.elapsed() < Duration::from_mins(3), "the search did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(3);
    assert!(h.state().rightsize().has_result());
}

#[test]
fn right_size_shows_the_diff_and_apply_is_one_undo_step() {
    let (mut h, _) = harness(lb());
    start(&mut h, Kind::Tune);
    h.get_by_label_contains("Found the fewest replicas");
    h.get_by_label("1 → 3");
    h.get_by_label("Apply").click();
    h.run_steps(3);
    assert_eq!(h.state().design().node("s").unwrap().capacity.replicas, 3);
    assert!(h.state().rightsize().dialog.is_none(), "Apply closes the dialog");
    h.state_mut().doc.undo();
    h.run_steps(2);
    assert_eq!(h.state().design().node("s").unwrap().capacity.replicas, 1, "one undo step undoes the whole change");
    assert!(!h.state().doc.can_undo());
}

#[test]
fn headroom_shows_its_scale_and_plot() {
    let mut d = lb();
    if let Some(n) = d.nodes.first_mut() {
        n.capacity.replicas = 3;
    }
    let (mut h, _) = harness(d);
    start(&mut h, Kind::Headroom);
    h.get_by_label("Highest passing scale");
    h.get_by_label("Saturates first");
    h.get_by_label("p99 and error rate against the rate scale");
}

#[test]
fn cost_in_the_inspector() {
    let (mut h, _) = harness(lb());
    h.state_mut().view_mut().selection_mut().only_node("s");
    h.run_steps(3);
    h.get_by_label_contains("per month");
}

/// Step frames until the search (started from the dialog) has ended.
fn finish(h: &mut Harness<'_, SwitchboardApp>) {
    let begun = Instant::now();
    h.run_steps(2);
    while h.state().rightsize().is_running() {
        assert!(begun.elapsed() < Duration::from_mins(3), "the search did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(3);
}

#[test]
fn right_size_asks_what_may_vary_and_which_scenarios_must_pass_then_says_why_each_step() {
    let mut d = lb();
    d.scenarios =
        serde_json::from_str(r#"[{"name": "peak", "rate_scale": 1.2}, {"name": "night", "rate_scale": 0.5}]"#).unwrap();
    let (mut h, _) = harness(d);
    rightsize::open_tune(h.state_mut());
    h.run_steps(2);
    assert!(!h.state().rightsize().is_running(), "the menu's Right-size… waits for Start");
    h.get_by_label("replicas");
    h.get_by_label("queues");
    h.get_by_label("workers").click();
    h.get_by_label("night").click();
    h.run_steps(1);
    h.get_by_label("peak").click();
    h.run_steps(2);
    let setup = h.state().rightsize().dialog.as_ref().unwrap().setup.clone();
    assert!(setup.vary.replicas && setup.vary.workers && !setup.vary.queue);
    assert_eq!(setup.scenarios, vec!["peak".to_owned(), "night".to_owned()], "the design's order, not the clicks'");
    // Workers need a per-worker CPU figure, which this design lacks.
    h.get_by_label("Start the search").click();
    finish(&mut h);
    h.get_by_label_contains("has no CPU per worker");
    h.get_by_label("workers").click();
    h.run_steps(1);
    h.get_by_label("Start the search").click();
    finish(&mut h);
    h.get_by_label_contains("Found the fewest replicas");
    h.get_by_label("Scenario peak:");
    h.get_by_label_contains("Why each step was taken");
    h.get_by_label("Resilience hints (none applied)");
}
