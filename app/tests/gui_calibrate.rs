//! File → Import traces / metrics: a small OTLP file made by the simulator
//! calibrates the open design off the frame thread, the dialog shows the
//! changes, what could not be inferred and the fit (CDF plot, KS distance),
//! and applying it is one undo step; "Open as new design" opens the design
//! made from the data alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod gui_support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use engine::Design;
use engine::sim::{RunControl, RunOptions};
use gui_support::*;
use switchboard::gui::SwitchboardApp;

fn checkout() -> Design {
    engine::model::format::load(&samples_dir().join("ecommerce-checkout.json")).unwrap()
}

/// A short traced run of `design`, as OTLP JSON in a file.
fn traces_file(design: &Design, tag: &str) -> std::path::PathBuf {
    let options = RunOptions {
        seed: Some(3),
        duration_s: Some(25.0),
        warmup_s: Some(5.0),
        replications: Some(1),
        rate_scale: 0.1,
        trace_every: Some(1),
        trace_export: true,
        ..RunOptions::default()
    };
    let (_, sampled) = engine::sim::run_with_sampled_traces(design, &options, &RunControl::default()).unwrap();
    let spans = engine::sim::report::sampled_otlp::to_otlp_spans(&sampled, design, 3);
    let mut bytes = Vec::new();
    engine::otlp::write::write_spans(&mut bytes, &spans).unwrap();
    let path = temp_dir(tag).join("run.otlp.json");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn menu_calibrate(h: &mut Harness<'_, SwitchboardApp>) {
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Import traces / metrics…").click();
    h.run_steps(2);
    // The calibration runs on a worker thread: the frames go on meanwhile.
    for _ in 0..600 {
        if !h.state().calibrate().busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    assert!(!h.state().calibrate().busy(), "the calibration finished");
    h.run_steps(3);
}

#[test]
fn calibrating_shows_the_fit_and_updates_in_one_undo_step() {
    let mut design = checkout();
    let path = traces_file(&design, "calibrate-update");
    // Make the open design differ from the traced one, so the update changes it.
    for n in &mut design.nodes {
        if n.name == "Catalog" {
            n.service_time = engine::model::Distribution::Constant { value_ms: 50.0 };
        }
    }
    let (mut h, dialogs) = harness(design.clone());
    dialogs.0.lock().unwrap().open = Some(path.clone());
    menu_calibrate(&mut h);

    let result = h.state().calibrate().result.as_ref().expect("the calibration is shown");
    assert!(result.update.spans > 0);
    assert!(!result.update.changes.is_empty(), "changes listed");
    assert!(result.update.changes.iter().any(|c| c.contains("service_time")), "{:?}", result.update.changes);
    h.get_by_label("Calibration from run.otlp.json");
    h.get_by_label_contains("Changes (");
    h.get_by_label_contains("Not inferred (");
    // The fit of the first service: figures with the KS distance, and the plot's two curves.
    h.get_by_label_contains("KS distance");
    h.get_by_label("Own time per service: data against the fit");
    let fit = result.update.services.iter().find_map(|s| s.fit.as_ref()).expect("a fitted service");
    let (data, model) = switchboard::gui::panels::calibrate::cdf_points(fit);
    assert!(!data.is_empty() && !model.is_empty());
    assert!(data.windows(2).all(|w| w[0][0] <= w[1][0] && w[0][1] < w[1][1]), "the data's CDF rises");
    assert!(model.iter().all(|p| (0.0..=1.0).contains(&p[1])));

    let revision = h.state().doc.revision();
    h.get_by_label("Update this design").click();
    h.run_steps(3);
    assert!(h.state().calibrate().result.is_none(), "the dialog closed");
    assert_ne!(h.state().design(), &design, "the design was updated");
    let catalog = h.state().design().nodes.iter().find(|n| n.name == "Catalog").unwrap();
    assert_ne!(catalog.service_time, engine::model::Distribution::Constant { value_ms: 50.0 });
    assert_eq!(h.state().doc.revision(), revision + 1, "one command");
    assert!(h.state_mut().doc.undo());
    assert_eq!(h.state().design(), &design, "one undo step restores the design");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn open_as_new_design_opens_what_the_data_shows() {
    let design = checkout();
    let path = traces_file(&design, "calibrate-new");
    let (mut h, dialogs) = harness(small_design());
    dialogs.0.lock().unwrap().open = Some(path.clone());
    menu_calibrate(&mut h);
    h.get_by_label("Open as new design").click();
    h.run_steps(3);
    let names: Vec<&str> = h.state().design().nodes.iter().map(|n| n.name.as_str()).collect();
    assert!(names.contains(&"Catalog") && !names.contains(&"orders"), "{names:?}");
    assert!(h.state().doc.is_dirty(), "a calibrated design is unsaved");
    assert!(h.state().doc.path.is_none());
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_file_without_spans_is_an_error_and_keeps_the_design() {
    let dir = temp_dir("calibrate-bad");
    let path = dir.join("empty.otlp.json");
    std::fs::write(&path, "{\"resourceSpans\":[]}\n").unwrap();
    let (mut h, dialogs) = harness(small_design());
    dialogs.0.lock().unwrap().open = Some(path);
    menu_calibrate(&mut h);
    assert!(h.state().calibrate().result.is_none());
    assert!(
        matches!(h.state().dialogs().modal, Some(switchboard::gui::app::Modal::Error(_))),
        "{:?}",
        h.state().dialogs().modal
    );
    assert_eq!(h.state().design(), &small_design());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_in_app_dialog_lists_and_opens_a_prometheus_scrape() {
    let dir = temp_dir("calibrate-prom");
    let path = dir.join("scrape.prom");
    let mut text = String::from("# TYPE http_server_request_duration_seconds histogram\n");
    for (le, n) in [("0.005", 10), ("0.01", 60), ("0.025", 90), ("0.05", 99), ("+Inf", 100)] {
        text.push_str(&format!(
            "http_server_request_duration_seconds_bucket{{service_name=\"orders\",le=\"{le}\"}} {n}\n"
        ));
    }
    text.push_str("http_server_request_duration_seconds_sum{service_name=\"orders\"} 1.1\n");
    text.push_str("http_server_request_duration_seconds_count{service_name=\"orders\"} 100\n");
    std::fs::write(&path, text).unwrap();
    std::fs::write(dir.join("notes.md"), "not telemetry").unwrap();
    let (mut h, _) = harness(small_design());
    h.state_mut().settings.in_app_file_dialog = true;
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Import traces / metrics…").click();
    h.run_steps(2);
    let dialog = h.state().dialogs().file_dialog.as_ref().expect("the in-app dialog is open");
    assert_eq!(dialog.ask, switchboard::gui::panels::file_dialog::Ask::OpenTelemetry);
    h.state_mut().dialogs_mut().file_dialog.as_mut().unwrap().dir = dir.clone();
    h.state_mut().dialogs_mut().file_dialog.as_mut().unwrap().field = path.display().to_string();
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    for _ in 0..600 {
        h.run_steps(1);
        if h.state().calibrate().result.is_some() || h.state().dialogs().modal.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let result = h.state().calibrate().result.as_ref().expect("the calibration is shown");
    assert!(
        result
            .update
            .changes
            .iter()
            .any(|c| c.starts_with("nodes[a].service_time") && c.contains("histogram_quantile")),
        "{:?}",
        result.update.changes
    );
    h.run_steps(2);
    h.get_by_label("Calibration from scrape.prom");
    let _ = std::fs::remove_dir_all(dir);
}
