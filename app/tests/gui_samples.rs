//! The shipped samples are never written by the app: a sample opens as an
//! untitled copy ("<name> — sample"), from the start panel, the menu, the
//! command line or as the default design, and saving it asks where to put it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::path::PathBuf;

use egui::{Key, Modifiers};
use gui_support::*;
use switchboard::gui::action::Action;
use switchboard::gui::app::Modal;

/// A copy of the samples folder, so a failing test cannot damage the real one.
fn samples_copy(tag: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(tag);
    let samples = dir.join("samples");
    std::fs::create_dir_all(&samples).unwrap();
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "json") {
            std::fs::copy(&p, samples.join(p.file_name().unwrap())).unwrap();
        }
    }
    (dir, samples)
}

fn snapshot(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_sample_opened_from_the_start_panel_is_an_untitled_copy() {
    let (dir, samples) = samples_copy("sample-panel");
    let before = snapshot(&samples);
    let s = samples.clone();
    let (mut h, dialogs) = harness_config(move |c| c.samples_dir = Some(s));
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Open(Some(samples.join("ecommerce-checkout.json"))));
    h.run_steps(3);
    assert_eq!(h.state().doc.path, None, "no path: saving asks");
    assert_eq!(h.state().doc.display_name(), "E-commerce checkout — sample");
    assert!(h.state().title().starts_with("E-commerce checkout — sample"), "{}", h.state().title());
    assert!(h.state().settings.recent.is_empty(), "a sample is not a recent file");
    // Edit, save: the dialog is asked, the copy goes where it says.
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::SelectAll);
    h.state_mut().handle(&ctx, Action::Delete);
    h.run_steps(2);
    let mine = dir.join("mine.json");
    dialogs.0.lock().unwrap().save = Some(mine.clone());
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(mine.is_file(), "saved where the dialog said");
    assert!(!h.state().doc.is_dirty());
    assert_eq!(snapshot(&samples), before, "no sample was written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn saving_into_the_samples_folder_is_refused_with_the_reason() {
    let (dir, samples) = samples_copy("sample-refuse");
    let before = snapshot(&samples);
    let s = samples.clone();
    let (mut h, dialogs) = harness_config(move |c| c.samples_dir = Some(s));
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Open(Some(samples.join("retry-storm.json"))));
    h.run_steps(3);
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::SelectAll);
    h.state_mut().handle(&ctx, Action::Delete);
    dialogs.0.lock().unwrap().save = Some(samples.join("retry-storm.json"));
    press(&mut h, Modifiers::COMMAND, Key::S);
    match &h.state().dialogs().modal {
        Some(Modal::Error(m)) => assert!(m.contains("retry-storm.json") && m.contains("samples"), "{m}"),
        other => panic!("refused with a reason: {other:?}"),
    }
    assert!(h.state().doc.is_dirty(), "still unsaved");
    assert_eq!(snapshot(&samples), before, "no sample was written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_design_opened_at_start_behaves_like_one_from_the_start_panel() {
    let (dir, samples) = samples_copy("sample-start");
    // Named on the command line.
    let s = samples.clone();
    let (h, _) = harness_config(move |c| {
        c.file = Some(s.join("retry-storm.json"));
        c.samples_dir = Some(s);
    });
    assert_eq!(h.state().doc.path, None);
    assert!(h.state().doc.display_name().ends_with("— sample"), "{}", h.state().doc.display_name());
    // The default sample.
    let s = samples.clone();
    let (h, _) = harness_config(move |c| {
        c.samples_dir = Some(s);
        c.open_default_sample = true;
    });
    assert_eq!(h.state().doc.path, None);
    assert_eq!(h.state().doc.display_name(), "E-commerce checkout — sample");
    let _ = std::fs::remove_dir_all(dir);
}
