//! Results belong to the design they were computed from: opening another
//! design, File → New or an import clears the dock, the canvas overlay, the
//! scrubber and the "cannot be simulated" banner; a result shown is labelled
//! with its design and whether that changed since; Compare across designs
//! names both runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use engine::model::{Arrival, ArrivalProcess, Distribution, Edge, EdgeKind, NodeKind, RateProfile, Workload, format};
use gui_support::*;
use switchboard::gui::SwitchboardApp;
use switchboard::gui::action::Action;
use switchboard::gui::run::RunNotice;

fn wait_run(h: &mut Harness<'_, SwitchboardApp>) {
    let start = Instant::now();
    while h.state().runs.is_running() {
        assert!(start.elapsed() < Duration::from_mins(2), "the run did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(3);
}

fn runnable(name: &str) -> engine::Design {
    let mut d = engine::Design { name: name.into(), ..engine::Design::default() };
    let mut api = node("api", "api", NodeKind::Service, 0.0, 0.0);
    api.service_time = Distribution::Exponential { mean_ms: 5.0 };
    let db = node("db", "db", NodeKind::Database, 300.0, 0.0);
    d.nodes = vec![api, db];
    d.edges.push(Edge::new("e1", "api", "db", EdgeKind::Call));
    d.workloads.push(Workload {
        name: "requests".into(),
        entry: "api".into(),
        operation: None,
        arrival: Arrival::Open { process: ArrivalProcess::Poisson, rate_per_s: 50.0, profile: RateProfile::Constant },
    });
    d.simulation.duration_s = 5.0;
    d.simulation.warmup_s = 1.0;
    d
}

fn run(h: &mut Harness<'static, SwitchboardApp>) {
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Run);
    h.run_steps(2);
    wait_run(h);
    assert!(h.state().runs.current().is_some(), "a result is shown");
    assert!(h.state().results.open);
}

#[test]
fn opening_another_design_clears_its_results() {
    let dir = temp_dir("results-open");
    let other = dir.join("other.json");
    format::save(&runnable("other design"), &other).unwrap();
    let (mut h, _) = harness(runnable("first design"));
    run(&mut h);
    h.get_by_label_contains("Results of run #1 of “first design”");
    h.state_mut().results.window = Some(2);
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Open(Some(other)));
    h.run_steps(3);
    assert!(h.state().runs.current().is_none(), "no result of the other design is shown");
    assert!(!h.state().results.open, "the dock is closed");
    assert_eq!(h.state().results.window, None, "the scrubber is cleared");
    assert!(h.query_by_label_contains("Results of run").is_none());
    assert!(h.query_by_label_contains("Showing run").is_none(), "the run bar names no run");
    assert_eq!(h.state().runs.history.len(), 1, "kept for Compare");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn new_and_import_clear_results_and_the_cannot_be_simulated_banner() {
    let (mut h, _) = harness(runnable("first design"));
    run(&mut h);
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::New);
    h.run_steps(3);
    assert!(h.state().runs.current().is_none());
    assert!(!h.state().results.open);
    // A design that cannot be simulated shows the banner ...
    let mut broken = runnable("broken");
    broken.workloads[0].entry = "nowhere".into();
    h.state_mut().set_document(switchboard::gui::document::Document::new(broken, None));
    h.run_steps(2);
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Run);
    h.run_steps(3);
    wait_run(&mut h);
    assert!(matches!(h.state().runs.notice, Some(RunNotice::Invalid(_))), "{:?}", h.state().runs.notice);
    assert!(h.query_all_by_label_contains("cannot be simulated").next().is_some());
    // ... and an import replaces the design without it.
    let dir = temp_dir("results-import");
    let compose = dir.join("compose.yaml");
    std::fs::write(&compose, "services:\n  web:\n    image: nginx\n").unwrap();
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Import(Some(compose)));
    h.run_steps(3);
    assert!(h.state().design().nodes.iter().any(|n| n.name == "web"));
    assert_eq!(h.state().runs.notice, None);
    assert!(h.query_all_by_label_contains("cannot be simulated").next().is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_result_says_when_its_design_changed_and_compare_names_both_designs() {
    let (mut h, _) = harness(runnable("storm"));
    run(&mut h);
    assert!(!h.state().results_stale());
    assert_eq!(h.state().results_caption().unwrap(), "run #1 of “storm”");
    h.get_by_label("api (Service)").click();
    h.run_steps(2);
    set_number(&mut h, "Workers", 9.0);
    assert_eq!(h.state().results_caption().unwrap(), "run #1 of “storm” (the design changed since)");
    // Pin, open the fix (a new document whose revision counter starts over), run it.
    h.state_mut().runs.baseline = Some(1);
    h.state_mut().set_document(switchboard::gui::document::Document::new(runnable("fix"), None));
    h.run_steps(2);
    run(&mut h);
    assert_eq!(h.state().results_caption().unwrap(), "run #2 of “fix”");
    h.state_mut().results.tab = switchboard::gui::results::Tab::Compare;
    h.run_steps(3);
    h.get_by_label("Run #2 of “fix” against baseline #1 of “storm”:");
}

#[test]
fn a_name_with_a_newline_stays_on_one_table_row() {
    let mut d = runnable("names");
    d.nodes[0].name = "api\nsecond line\u{7}".into();
    let (mut h, _) = harness(d);
    run(&mut h);
    h.state_mut().results.tab = switchboard::gui::results::Tab::Nodes;
    h.run_steps(3);
    h.get_by_label("api\\nsecond line\\u{7}");
    assert!(h.query_by_label("api\nsecond line\u{7}").is_none(), "never the raw name in the table");
}

#[test]
fn the_verdict_line_comes_first_and_failures_lead_it() {
    let (mut h, _) = harness(runnable("verdicts"));
    run(&mut h);
    h.get_by_label("Stable; no SLOs to check");
    let mut report = (*h.state().runs.current().unwrap().report).clone();
    report.unstable = true;
    report.slos.push(engine::sim::report::SloVerdict {
        workload: "requests".into(),
        objective: "p99 latency".into(),
        target: 1.0,
        measured: engine::sim::Estimate { mean: 5.0, ci95: 0.1, wide: false },
        verdict: engine::sim::report::Verdict::Fail,
    });
    let (text, bad) = switchboard::gui::results::verdict_line(&report);
    assert!(bad);
    assert_eq!(text, "UNSTABLE: queues grew without bound · FAIL: 1 of 1 SLO missed (requests p99 latency)");
    // Maximise and back.
    h.get_by_label("Maximise").click();
    h.run_steps(3);
    assert!(h.state().results.maximised);
    h.get_by_label("Restore size").click();
    h.run_steps(3);
    assert!(!h.state().results.maximised);
}
