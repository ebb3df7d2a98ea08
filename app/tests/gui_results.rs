//! Running simulations from the app and reading the results: Run and Stop,
//! stale results, engine errors in the problems panel, faults edited on the
//! chaos timeline, scenarios, comparisons and the exported reports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use engine::Design;
use engine::model::{
    Arrival, ArrivalProcess, Distribution, Edge, EdgeKind, FaultKind, NodeKind, RateProfile, Scenario, ScenarioRate,
    Workload, format,
};
use engine::sim::Report;
use gui_support::*;
use switchboard::gui::SwitchboardApp;
use switchboard::gui::results::Tab;

/// Let frames run until the run in progress ends.
fn wait_run(h: &mut Harness<'_, SwitchboardApp>) {
    let start = Instant::now();
    while h.state().runs.is_running() {
        assert!(start.elapsed() < Duration::from_mins(2), "the run did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(3);
}

/// One service behind a gateway, an open workload, a short run.
fn two_tier(rate_per_s: f64) -> Design {
    let mut d = Design { name: "two tier".into(), ..Design::default() };
    let mut gw = node("gw", "gateway", NodeKind::Gateway, 0.0, 0.0);
    gw.service_time = Distribution::Exponential { mean_ms: 0.5 };
    gw.capacity.workers = 64;
    let mut api = node("api", "api", NodeKind::Service, 300.0, 0.0);
    api.service_time = Distribution::Exponential { mean_ms: 5.0 };
    api.capacity.workers = 4;
    d.nodes = vec![gw, api];
    d.edges.push(Edge::new("e1", "gw", "api", EdgeKind::Call));
    d.workloads.push(Workload {
        name: "requests".into(),
        entry: "gw".into(),
        operation: None,
        arrival: Arrival::Open { process: ArrivalProcess::Poisson, rate_per_s, profile: RateProfile::Constant },
    });
    d.simulation.duration_s = 20.0;
    d.simulation.warmup_s = 2.0;
    d
}

fn sample(name: &str, duration_s: f64) -> Design {
    let mut d = format::load(&samples_dir().join(name)).unwrap();
    d.simulation.duration_s = duration_s;
    d.simulation.warmup_s = (duration_s / 5.0).min(d.simulation.warmup_s);
    d
}

fn run_via_button(h: &mut Harness<'_, SwitchboardApp>) {
    h.get_by_label("▶ Run").click();
    h.run_steps(2);
    wait_run(h);
}

fn current(h: &Harness<'_, SwitchboardApp>) -> Report {
    (*h.state().runs.current().expect("a finished run").report).clone()
}

#[test]
fn running_a_sample_shows_its_summary() {
    let (mut h, _) = harness(sample("ecommerce-checkout.json", 15.0));
    run_via_button(&mut h);
    let app = h.state();
    assert!(app.results.open, "the results dock opens");
    assert_eq!(app.results.tab, Tab::Summary);
    let r = current(&h);
    assert_eq!(r.workloads.len(), 3);
    assert!(r.workloads.iter().all(|w| w.throughput_per_s.mean > 0.0));
    // The cards show each workload and its figures.
    for w in &r.workloads {
        h.get_by_label(&w.name);
    }
    let p99 = switchboard::gui::results::fmt_ms(&r.workloads[0].latency_ms.p99);
    h.get_by_label(&p99);
    assert!(!h.state().results_stale());
    // Every other tab renders without trouble.
    for tab in Tab::ALL {
        h.state_mut().results.tab = tab;
        h.run_steps(2);
    }
}

#[test]
fn every_sample_runs_from_the_app() {
    for name in ["django-signals.json", "social-feed-fanout.json", "retry-storm.json", "retry-storm-fixed.json"] {
        let (mut h, _) = harness(sample(name, 6.0));
        run_via_button(&mut h);
        assert!(h.state().runs.current().is_some(), "{name}: no results");
        h.state_mut().results.tab = Tab::Plots;
        h.run_steps(2);
        h.state_mut().results.tab = Tab::Traces;
        h.run_steps(2);
    }
}

#[test]
fn stop_cancels_at_once() {
    let mut d = two_tier(2000.0);
    d.simulation.duration_s = 1.0e6;
    let (mut h, _) = harness(d);
    h.get_by_label("▶ Run").click();
    h.run_steps(2);
    assert!(h.state().runs.is_running());
    std::thread::sleep(Duration::from_millis(200));
    h.run_steps(1);
    let p = h.state().runs.progress().expect("progress while running").0;
    assert!(p.sim_time_s > 0.0, "progress is reported: {p:?}");
    let clicked = Instant::now();
    h.get_by_label("■ Stop").click();
    h.run_steps(1);
    assert!(!h.state().runs.is_running(), "stopped in the frame of the click");
    h.run_steps(1);
    assert!(clicked.elapsed() < Duration::from_secs(2));
    assert!(h.state().runs.current().is_none(), "a stopped run leaves no results");
    h.get_by_label("Stopped.");
}

#[test]
fn editing_the_design_marks_results_stale() {
    let (mut h, _) = harness(two_tier(100.0));
    run_via_button(&mut h);
    assert!(!h.state().results_stale());
    h.get_by_label("api (Service)").click();
    h.run_steps(3);
    set_number(&mut h, "Replicas", 3.0);
    assert!(h.state().results_stale());
    h.get_by_label("⚠ Stale: the design changed since this run. Run again (F5) to update the figures.");
    press(&mut h, egui::Modifiers::COMMAND, egui::Key::Z);
    assert!(!h.state().results_stale(), "undo returns to the simulated design");
}

#[test]
fn f5_runs_and_engine_errors_go_to_the_problems_panel() {
    let mut d = two_tier(100.0);
    d.workloads[0].entry = "nowhere".into();
    let (mut h, _) = harness(d);
    press(&mut h, egui::Modifiers::NONE, egui::Key::F5);
    wait_run(&mut h);
    assert!(h.state().runs.current().is_none());
    let problems = &h.state().analysis().problems;
    // The refusal names the same problem validation lists: once, not twice.
    let entry: Vec<_> = problems.iter().filter(|p| p.path == "workloads[requests].entry").collect();
    assert_eq!(entry.len(), 1, "{problems:?}");
    assert_eq!(entry[0].target, engine::validate::Target::Workload("requests".into()), "{problems:?}");
    assert!(h.state().settings.show_problems);
}

#[test]
fn a_refused_sweep_lists_its_problems_in_the_panel() {
    let mut d = two_tier(100.0);
    d.nodes[1].capacity.replicas = 0;
    let (mut h, _) = harness(d.clone());
    h.state_mut().runs.sweep.start(d, 1.0, None).unwrap();
    let start = Instant::now();
    while h.state().runs.sweep.is_running() {
        assert!(start.elapsed() < Duration::from_mins(2), "the sweep did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    assert!(matches!(h.state().runs.notice, Some(switchboard::gui::run::RunNotice::Invalid(1))));
    let problems = &h.state().analysis().problems;
    let replicas: Vec<_> = problems.iter().filter(|p| p.path.ends_with(".capacity.replicas")).collect();
    assert_eq!(replicas.len(), 1, "listed once: {problems:?}");
    assert!(h.state().settings.show_problems);
}

#[test]
fn a_fault_added_on_the_timeline_changes_the_result() {
    let (mut h, _) = harness(two_tier(200.0));
    run_via_button(&mut h);
    let before = current(&h);
    assert!(before.workloads[0].error_rate.mean < 0.001);
    h.state_mut().results.tab = Tab::Chaos;
    h.run_steps(2);
    h.state_mut().results.timeline.new_target = Some("api".into());
    h.get_by_label("Add fault").click();
    h.run_steps(3);
    let faults = h.state().design().faults.clone();
    assert_eq!(faults.len(), 1);
    assert_eq!(faults[0].target, "api");
    assert!(matches!(faults[0].fault, FaultKind::Outage { .. }));
    h.get_by_label(&format!("fault {}", faults[0].name));
    // Undoable like any edit.
    press(&mut h, egui::Modifiers::COMMAND, egui::Key::Z);
    assert!(h.state().design().faults.is_empty());
    press(&mut h, egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z);
    assert_eq!(h.state().design().faults.len(), 1);
    run_via_button(&mut h);
    let after = current(&h);
    assert!(
        after.workloads[0].error_rate.mean > before.workloads[0].error_rate.mean + 0.05,
        "an outage of the api fails requests: {} → {}",
        before.workloads[0].error_rate.mean,
        after.workloads[0].error_rate.mean
    );
}

#[test]
fn dragging_a_fault_bar_moves_it_in_one_undo_step() {
    let mut d = two_tier(100.0);
    d.faults.push(engine::model::Fault {
        name: "api down".into(),
        target: "api".into(),
        start_s: 5.0,
        end_s: 8.0,
        fault: FaultKind::Outage { replicas: None },
    });
    let (mut h, _) = harness(d);
    h.state_mut().results.open = true;
    h.state_mut().results.tab = Tab::Chaos;
    h.run_steps(3);
    let bar = h.get_by_label("fault api down").rect();
    let from = bar.center();
    drag(&mut h, from, from + egui::vec2(bar.width(), 0.0));
    let f = &h.state().design().faults[0];
    assert!(f.start_s > 6.0, "moved later: {f:?}");
    assert!((f.end_s - f.start_s - 3.0).abs() < 0.11, "length kept: {f:?}");
    press(&mut h, egui::Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(h.state().design().faults[0].start_s, 5.0, "one undo step");
}

#[test]
fn switching_scenario_changes_the_workload() {
    let mut d = two_tier(100.0);
    let mut s = Scenario::new("peak");
    s.rates.push(ScenarioRate { workload: "requests".into(), rate_per_s: 300.0 });
    d.scenarios.push(s);
    let (mut h, _) = harness(d);
    run_via_button(&mut h);
    let normal = current(&h).workloads[0].throughput_per_s.mean;
    h.state_mut().runs.scenario = Some("peak".into());
    h.run_steps(2);
    run_via_button(&mut h);
    let r = current(&h);
    let peak = r.workloads[0].throughput_per_s.mean;
    assert!((normal - 100.0).abs() < 15.0, "{normal}");
    assert!((peak - 300.0).abs() < 30.0, "{peak}");
    assert!(h.state().runs.current().unwrap().label.contains("peak"));
    assert_eq!(h.state().runs.history.len(), 2);
}

#[test]
fn pinning_a_baseline_compares_two_runs() {
    let (mut h, _) = harness(two_tier(150.0));
    run_via_button(&mut h);
    let first = h.state().runs.current().unwrap().id;
    h.state_mut().results.tab = Tab::Compare;
    h.run_steps(2);
    h.get_by_label("Pin run #1 as baseline").click();
    h.run_steps(2);
    assert_eq!(h.state().runs.baseline, Some(first));
    h.state_mut().runs.rate_scale = 2.0;
    run_via_button(&mut h);
    h.state_mut().results.tab = Tab::Compare;
    h.run_steps(2);
    let base = h.state().runs.baseline_run().expect("a baseline distinct from the run shown").report.clone();
    let rows = switchboard::gui::results::compare::diff(&base, &current(&h));
    let thr = rows.iter().find(|r| r.metric == "compare-metric-throughput").unwrap();
    assert!(thr.change_pct.unwrap() > 80.0, "{thr:?}");
    assert!(thr.significant);
    h.get_by_label("Run #2 ×2 against baseline #1:");
}

/// Check every figure of an HTML report against the JSON report the CLI
/// writes (with its cost, for a priced design); returns the keys checked.
fn check_html_against_json(report: &Report, design: &engine::Design, html: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&engine::cost::report_json(report, design)).unwrap();
    assert!(!html.contains("<script src"), "no script from outside the page");
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "no remote resources");
    let mut checked = Vec::new();
    for part in html.split("data-key=\"").skip(1) {
        let (key, rest) = part.split_once('"').unwrap();
        let value: f64 = rest.split_once("data-value=\"").unwrap().1.split_once('"').unwrap().0.parse().unwrap();
        let key = key.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        let mut v = &json;
        for seg in key.split('/') {
            v = match v {
                serde_json::Value::Array(items) => match seg.strip_prefix('#') {
                    Some(i) => &items[i.parse::<usize>().unwrap()],
                    None => items
                        .iter()
                        .find(|x| {
                            x.get("name").and_then(|n| n.as_str()) == Some(seg)
                                || x.get("id").and_then(|n| n.as_str()) == Some(seg)
                        })
                        .unwrap_or_else(|| panic!("{key}: no item {seg}")),
                },
                other => other.get(seg).unwrap_or_else(|| panic!("{key}: no field {seg}")),
            };
        }
        // serde_json's float parsing may differ from Rust's in the last bit.
        let j = v.as_f64().unwrap();
        assert!((j - value).abs() <= 1e-12 * j.abs().max(1.0), "{key}: JSON {j}, HTML {value}");
        checked.push(key);
    }
    checked
}

#[test]
fn html_report_numbers_equal_the_json_report() {
    let d = sample("ecommerce-checkout.json", 12.0);
    let report = engine::sim::run(&d, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    let html = engine::report_html::html(&report, &d);
    let keys = check_html_against_json(&report, &d, &html);
    let checked = keys.len();
    assert!(checked > 100, "only {checked} figures checked");
    assert!(keys.iter().any(|k| k.starts_with("cost/")), "the priced sample's cost figures are checked too");
    // The visible p99 of each workload is there too.
    for w in &report.workloads {
        assert!(html.contains(&format!(
            "{:.prec$}",
            w.latency_ms.p99.mean,
            prec = if w.latency_ms.p99.mean >= 100.0 {
                0
            } else if w.latency_ms.p99.mean >= 10.0 {
                1
            } else {
                2
            }
        )));
    }
}

#[test]
fn cli_simulate_writes_the_html_report() {
    let dir = temp_dir("html");
    let html = dir.join("r.html");
    let json = dir.join("r.json");
    let mut out = Vec::new();
    let code = switchboard::cli::run(
        [
            "switchboard",
            "simulate",
            samples_dir().join("retry-storm-fixed.json").to_str().unwrap(),
            "--duration",
            "8s",
            "--warmup",
            "2s",
            "--quiet",
            "--html",
            html.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]
        .into_iter()
        .map(Into::into)
        .collect(),
        &mut out,
    );
    assert!(code == 0 || code == 3 || code == 4, "exit {code}");
    let page = std::fs::read_to_string(&html).unwrap();
    let report = Report::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains(&format!("data-value=\"{}\"", report.workloads[0].latency_ms.p99.mean)));
}

#[test]
fn exports_write_json_csv_and_html() {
    let (mut h, dialogs) = harness(two_tier(100.0));
    run_via_button(&mut h);
    let dir = temp_dir("export-run");
    for (f, ext) in [
        (switchboard::gui::results::export::ReportFormat::Json, "json"),
        (switchboard::gui::results::export::ReportFormat::Csv, "csv"),
        (switchboard::gui::results::export::ReportFormat::Html, "html"),
    ] {
        let path = dir.join(format!("out.{ext}"));
        dialogs.0.lock().unwrap().save = Some(path.clone());
        h.state_mut().export_run(f);
        let text = std::fs::read_to_string(&path).unwrap();
        match ext {
            "json" => assert_eq!(text, current(&h).to_json()),
            "csv" => {
                let r = current(&h);
                assert_eq!(text.lines().count(), r.series.start_s.len() + 1);
                assert!(text.lines().next().unwrap().contains("workload.requests.p99_ms"));
            }
            _ => assert!(text.contains("two tier")),
        }
    }
}

#[test]
fn html_report_has_goodput_faults_and_policies_equal_to_the_json() {
    for name in ["retry-storm.json", "retry-storm-fixed.json"] {
        let d = format::load(&samples_dir().join(name)).unwrap();
        let report =
            engine::sim::run(&d, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
        let html = engine::report_html::html(&report, &d);
        let keys = check_html_against_json(&report, &d, &html);
        for key in [
            "load/goodput_per_s",
            "load/throughput_per_s",
            "faults/#0/impact/#0/error_points",
            "faults/#0/reached/#0/at_s",
        ] {
            assert!(keys.iter().any(|k| k == key), "{name}: {key} is not in the HTML");
        }
        assert!(keys.iter().any(|k| k.ends_with("/policy/retry_amplification")), "{name}: no policy columns");
        assert!(keys.iter().any(|k| k.ends_with("/resilience/wasted_work_s")), "{name}: no wasted work");
        assert!(html.contains("What each fault did") && html.contains("Retry amplification"), "{name}");
        let fault = &report.faults[0];
        assert!(html.contains(&engine::report_html::escape(&fault.summary)), "{name}: the fault's story in words");
    }
    // The fixed design has a breaker: its band chart is there.
    let d = format::load(&samples_dir().join("retry-storm-fixed.json")).unwrap();
    let report = engine::sim::run(&d, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    let html = engine::report_html::html(&report, &d);
    assert!(html.contains("Circuit breakers (first replication)"));
    assert!(check_html_against_json(&report, &d, &html).iter().any(|k| k.ends_with("/policy/breaker/time_open_s")));
}

#[test]
fn retry_storm_from_the_ui_shows_goodput_below_throughput_and_the_faults_share() {
    let d = format::load(&samples_dir().join("retry-storm.json")).unwrap();
    let (mut h, _) = harness(d);
    run_via_button(&mut h);
    let r = current(&h);
    let load = r.load.clone().expect("a design with policies reports goodput");
    // The retry storm: the nodes work hard while few requests get answered.
    assert!(load.goodput_per_s < 0.5 * load.offered_per_s, "{load:?}");
    assert!(load.throughput_per_s > 5.0 * load.goodput_per_s, "{load:?}");
    assert_eq!(h.state().results.tab, Tab::Summary);
    h.get_by_label("Goodput and throughput");
    h.get_by_label(&switchboard::gui::results::load::goodput_text(&load));
    h.get_by_label(&switchboard::gui::results::load::throughput_text(&load));
    let (bad, verdict) = switchboard::gui::results::load::verdict(&r).expect("the storm is called out");
    assert!(bad && verdict.contains("retry storm"), "{verdict}");
    h.get_by_label(&verdict);

    // The Why tab: the fault's counterfactual share and where it reached.
    h.state_mut().results.tab = Tab::Explain;
    h.run_steps(3);
    let fault = r.faults.first().expect("the slowdown is attributed");
    assert_eq!(fault.target, "profile-db");
    let impact = fault.impact.first().unwrap();
    assert!(impact.error_points > 20.0, "the slowdown causes the errors: {impact:?}");
    assert!(impact.error_rate_without < impact.error_rate);
    h.get_by_label("What each fault did");
    h.get_by_label(&switchboard::gui::results::faults::impact_text(impact));
    for reach in &fault.reached {
        // Two nodes can be reached in the same instant: the same words twice.
        let text = switchboard::gui::results::faults::reach_text(fault, reach);
        assert!(h.query_all_by_label(&text).next().is_some(), "{text}");
        let name = r.node(&reach.node).unwrap().name.clone();
        assert!(h.query_all_by_label(&name).next().is_some(), "{name}");
    }
    // The findings tell the fault's story from the counterfactual, not from
    // a comparison of time windows.
    h.get_by_label(&format!("Fault: {}.", fault.summary.trim_end_matches('.')));
    assert!(h.query_by_label_contains("During fault").is_none());

    // The other tabs with the new figures render.
    for tab in [Tab::Plots, Tab::Nodes, Tab::Edges, Tab::Brokers] {
        h.state_mut().results.tab = tab;
        h.run_steps(2);
    }
    h.state_mut().results.tab = Tab::Edges;
    h.run_steps(2);
    h.get_by_label("Amplification");
    let storm_edge = r.edges.iter().find(|e| e.id == "recs-profile").unwrap().policy.clone().unwrap();
    h.get_by_label(&format!("{:.2}", storm_edge.retry_amplification));
}

#[test]
fn the_fixed_design_shows_its_breaker_and_no_storm() {
    let d = format::load(&samples_dir().join("retry-storm-fixed.json")).unwrap();
    let (mut h, _) = harness(d);
    run_via_button(&mut h);
    let r = current(&h);
    let load = r.load.clone().unwrap();
    assert!(load.goodput_per_s > 0.95 * load.offered_per_s, "protected: {load:?}");
    let verdict = switchboard::gui::results::load::verdict(&r);
    assert!(verdict.as_ref().is_none_or(|(_, t)| !t.contains("retry storm")), "{verdict:?}");
    let breaker = r.edges.iter().find_map(|e| e.policy.as_ref()?.breaker.clone()).expect("a breaker");
    assert!(breaker.opened > 0 && breaker.time_open_s > 0.0);
    // The band plot's segments cover the run and open where the report says.
    let segs = switchboard::gui::results::resilience::breaker_segments(&breaker.changes, r.settings.duration_s);
    let open_s: f64 = segs.iter().filter(|s| s.state == "open").map(|s| s.to_s - s.from_s).sum();
    assert!(
        (open_s - breaker.time_open_s).abs() < 0.5 + 0.05 * breaker.time_open_s,
        "{open_s} vs {}",
        breaker.time_open_s
    );
    h.state_mut().results.tab = Tab::Edges;
    h.run_steps(2);
    h.get_by_label(&format!("{:.1} s ({:.0} %)", breaker.time_open_s, breaker.open_share * 100.0));
    h.state_mut().results.tab = Tab::Plots;
    h.run_steps(3);
}
