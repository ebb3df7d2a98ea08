//! Files in the GUI: save and reopen, "save changes?", errors in a dialog,
//! crash recovery from the autosave file, exports, samples.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use engine::model::format;
use gui_support::*;
use switchboard::gui::action::Action;
use switchboard::gui::app::Modal;

#[test]
fn save_and_reopen_round_trip() {
    let dir = temp_dir("roundtrip");
    let path = dir.join("saved.json");
    let (mut h, dialogs) = harness(connected_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(2);
    set_number(&mut h, "Workers", 4.0);
    dialogs.0.lock().unwrap().save = Some(path.clone());
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(path.is_file(), "saved where the dialog said");
    assert!(!h.state().doc.is_dirty());
    assert!(h.state().title().starts_with("saved.json"), "title names the file: {}", h.state().title());
    let edited = h.state().design().clone();
    // Saving again writes byte-identical JSON.
    let first = std::fs::read(&path).unwrap();
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(std::fs::read(&path).unwrap(), first);

    let (mut h2, dialogs2) = harness(engine::Design::default());
    dialogs2.0.lock().unwrap().open = Some(path.clone());
    press(&mut h2, Modifiers::COMMAND, Key::O);
    assert_eq!(h2.state().design(), &edited);
    assert_eq!(h2.state().design().node("a").unwrap().capacity.workers, 4);
    assert_eq!(h2.state().settings.recent.first().and_then(|p| p.file_name()), path.file_name());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unsaved_changes_are_asked_about_before_new() {
    let (mut h, _) = harness(small_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert!(h.state().title().starts_with('●'), "unsaved mark in the title");
    press(&mut h, Modifiers::COMMAND, Key::N);
    assert!(matches!(h.state().dialogs().modal, Some(Modal::SaveChanges(_))));
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().dialogs().modal.is_none());
    assert_eq!(h.state().design().nodes.len(), 2, "cancel keeps the design");
    press(&mut h, Modifiers::COMMAND, Key::N);
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    assert!(h.state().design().nodes.is_empty(), "a new empty design");
    assert!(!h.state().doc.is_dirty());
}

#[test]
fn an_unreadable_file_shows_an_error_dialog() {
    let dir = temp_dir("badfile");
    let path = dir.join("broken.json");
    std::fs::write(&path, "{ \"version\": 1, \"name\": \"x\", \"nodes\": [ { \"id\": 3 } ] }").unwrap();
    let (mut h, _) = harness(small_design());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Open(Some(path)));
    h.run_steps(2);
    match &h.state().dialogs().modal {
        Some(Modal::Error(m)) => assert!(m.contains("broken.json") && m.contains("nodes[0]"), "{m}"),
        other => panic!("expected an error dialog, got {other:?}"),
    }
    assert_eq!(h.state().design().nodes.len(), 3, "the open design is untouched");
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(h.state().dialogs().modal.is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn crash_recovery_offers_the_autosaved_design() {
    let dir = temp_dir("recovery");
    let edited = {
        let (mut h, _) = harness_with(small_design(), Some(dir.clone()));
        h.get_by_label("orders (Service)").click();
        h.run_steps(2);
        set_number(&mut h, "Replicas", 3.0);
        h.state_mut().autosave_now().unwrap();
        h.state().design().clone()
        // The harness is dropped here without saving: as if the app were killed.
    };
    assert!(dir.join("recovery.json").is_file());

    let (mut h, _) = harness_with(engine::Design::default(), Some(dir.clone()));
    assert!(matches!(h.state().dialogs().modal, Some(Modal::Recovery(_))), "restore is offered");
    h.get_by_label("Restore").click();
    h.run_steps(3);
    assert_eq!(h.state().design(), &edited);
    assert!(h.state().doc.is_dirty(), "restored work is unsaved until saved");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn discarding_recovery_removes_the_file() {
    let dir = temp_dir("discard");
    {
        let (mut h, _) = harness_with(small_design(), Some(dir.clone()));
        h.state_mut().autosave_now().unwrap();
    }
    let (mut h, _) = harness_with(engine::Design::default(), Some(dir.clone()));
    h.get_by_label("Discard").click();
    h.run_steps(2);
    assert!(!dir.join("recovery.json").exists());
    assert!(h.state().design().nodes.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn export_svg_writes_every_node() {
    let dir = temp_dir("svg");
    let path = dir.join("canvas.svg");
    let (mut h, dialogs) = harness(connected_design());
    dialogs.0.lock().unwrap().save = Some(path.clone());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::ExportSvg);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("orders") && svg.contains("payments") && svg.contains("events"));
    assert!(svg.contains("class=\"edge call\""));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_sample_opens_without_problems_in_the_editor() {
    let dir = samples_dir();
    let samples = switchboard::gui::files::list_samples(&dir);
    assert!(samples.len() >= 5, "samples found in {}", dir.display());
    for sample in samples {
        let design = format::load(&sample.path).unwrap();
        let (h, _) = harness(design);
        let (errors, _) = h.state().analysis().counts();
        assert_eq!(errors, 0, "{} has errors", sample.path.display());
        assert!(
            h.state()
                .design()
                .nodes
                .iter()
                .all(|n| h.query_by_label(&switchboard::gui::canvas::node_label(&n.name, n.kind)).is_some()
                    || h.state().design().nodes.len() > 100),
            "every node is on the canvas: {}",
            sample.name
        );
    }
}

#[test]
fn layout_reduces_crossings_on_the_large_sample() {
    let design = format::load(&samples_dir().join("large-topology.json")).unwrap();
    // A naive layout: nodes in file order on a square grid.
    let mut naive = design.clone();
    let side = (naive.nodes.len() as f64).sqrt().ceil() as usize;
    for (i, n) in naive.nodes.iter_mut().enumerate() {
        n.position.x = (i % side) as f32 * 220.0;
        n.position.y = (i / side) as f32 * 110.0;
    }
    let laid = switchboard::gui::layout::layered(&design);
    let (naive_x, laid_x) = (switchboard::gui::layout::crossings(&naive), switchboard::gui::layout::crossings(&laid));
    eprintln!("edge crossings on large-topology: naive grid {naive_x}, layered {laid_x}");
    assert!(laid_x * 2 < naive_x, "layered {laid_x} vs naive {naive_x}");
}
