//! Crash recovery as a user meets it: unsaved work autosaved, the app killed,
//! and the next start (with a file, with the default sample, or after a crash
//! in the middle of a save) offers it back before anything can delete it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use engine::model::format;
use gui_support::*;
use switchboard::gui::app::Modal;

/// Edit the design open in a harness with autosave into `dir`, autosave, and
/// "kill" the app (drop it without saving). Returns the edited design.
fn edit_and_crash(design: engine::Design, path: Option<std::path::PathBuf>, dir: &std::path::Path) -> engine::Design {
    let dir = dir.to_path_buf();
    let (mut h, _) = harness_config(move |c| {
        c.recovery_dir = Some(dir);
        c.file = path;
    });
    if h.state().design().nodes.is_empty() {
        h.state_mut().set_document(switchboard::gui::document::Document::new(design, None));
        h.run_steps(2);
    }
    h.get_by_label("orders (Service)").click();
    h.run_steps(2);
    set_number(&mut h, "Replicas", 3.0);
    h.state_mut().autosave_now().unwrap();
    h.state().design().clone()
}

#[test]
fn recovery_is_offered_when_the_app_starts_with_a_file() {
    let dir = temp_dir("recovery-file");
    let file = dir.join("design.json");
    format::save(&small_design(), &file).unwrap();
    let edited = edit_and_crash(small_design(), Some(file.clone()), &dir.join("state"));
    let recovery = dir.join("state/recovery.json");
    assert!(recovery.is_file());

    let state = dir.join("state");
    let start = file.clone();
    let (mut h, _) = harness_config(move |c| {
        c.recovery_dir = Some(state);
        c.file = Some(start);
    });
    assert!(
        matches!(h.state().dialogs().modal, Some(Modal::Recovery(_))),
        "restore is offered: {:?}",
        h.state().dialogs().modal
    );
    assert!(recovery.is_file(), "the autosave is kept until the user chose");
    h.get_by_label("Restore").click();
    h.run_steps(3);
    assert_eq!(h.state().design(), &edited);
    assert!(h.state().doc.is_dirty());
    assert_eq!(h.state().doc.path.as_deref(), Some(file.as_path()), "restored into its file");
    assert!(recovery.is_file(), "kept until the restored work is saved");
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(!recovery.exists(), "saving removes it");
    assert_eq!(format::load(&file).unwrap(), edited);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn recovery_is_offered_when_the_app_starts_with_the_default_sample() {
    let dir = temp_dir("recovery-sample");
    let edited = edit_and_crash(small_design(), None, &dir);
    let recovery = dir.join("recovery.json");
    let state = dir.clone();
    let (mut h, _) = harness_config(move |c| {
        c.recovery_dir = Some(state);
        c.samples_dir = Some(samples_dir());
        c.open_default_sample = true;
    });
    assert!(matches!(h.state().dialogs().modal, Some(Modal::Recovery(_))), "restore is offered");
    assert!(recovery.is_file(), "the autosave is kept until the user chose");
    assert!(h.state().design().nodes.len() > 5, "the sample is open behind the question");
    h.get_by_label("Restore").click();
    h.run_steps(3);
    assert_eq!(h.state().design(), &edited);

    // Discarding after a restart removes it.
    let state = dir.clone();
    let (mut h, _) = harness_config(move |c| c.recovery_dir = Some(state));
    assert!(matches!(h.state().dialogs().modal, Some(Modal::Recovery(_))));
    h.get_by_label("Discard").click();
    h.run_steps(2);
    assert!(!recovery.exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_start_up_file_is_reported_after_the_recovery_question() {
    let dir = temp_dir("recovery-bad");
    edit_and_crash(small_design(), None, &dir);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{").unwrap();
    let state = dir.clone();
    let (mut h, _) = harness_config(move |c| {
        c.recovery_dir = Some(state);
        c.file = Some(bad);
    });
    assert!(matches!(h.state().dialogs().modal, Some(Modal::Recovery(_))));
    h.get_by_label("Discard").click();
    h.run_steps(3);
    assert!(
        matches!(&h.state().dialogs().modal, Some(Modal::Error(m)) if m.contains("bad.json")),
        "{:?}",
        h.state().dialogs().modal
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_crash_between_the_temporary_file_and_the_rename_loses_nothing() {
    let dir = temp_dir("recovery-midsave");
    let file = dir.join("design.json");
    format::save(&small_design(), &file).unwrap();
    let original = std::fs::read(&file).unwrap();
    let state = dir.join("state");
    let start = file.clone();
    let edited = {
        let (mut h, _) = harness_config(move |c| {
            c.recovery_dir = Some(state);
            c.file = Some(start);
        });
        h.get_by_label("orders (Service)").click();
        h.run_steps(2);
        // Edited and saved within the autosave interval: no autosave yet.
        set_number(&mut h, "Workers", 7.0);
        h.state_mut().set_save_hook(Box::new(|_| Err(std::io::Error::other("killed"))));
        press(&mut h, Modifiers::COMMAND, Key::S);
        match &h.state().dialogs().modal {
            Some(Modal::Error(m)) => assert!(m.contains("design.json") && m.contains("killed"), "{m}"),
            other => panic!("the failure is shown: {other:?}"),
        }
        assert!(h.state().doc.is_dirty(), "still unsaved");
        assert!(h.state().title().starts_with('●'), "the unsaved mark stays");
        h.state().design().clone()
    };
    assert_eq!(std::fs::read(&file).unwrap(), original, "the old file is whole");
    let state = dir.join("state");
    let start = file.clone();
    let (h, _) = harness_config(move |c| {
        c.recovery_dir = Some(state);
        c.file = Some(start);
    });
    match &h.state().dialogs().modal {
        Some(Modal::Recovery(rec)) => {
            assert_eq!(rec.design, edited, "the edit made just before the save is there");
            assert_eq!(rec.original.as_deref(), Some(file.as_path()));
        }
        other => panic!("recovery offered: {other:?}"),
    }
    let _ = std::fs::remove_dir_all(dir);
}
