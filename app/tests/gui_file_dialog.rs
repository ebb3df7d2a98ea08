//! The in-app file dialog: what the app uses when the desktop has no file
//! chooser portal (or always, by setting). Every save, export, "save
//! changes?", open and import goes through it; failures are shown with the
//! path and the reason, and the unsaved marker stays until a save succeeded.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::path::PathBuf;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use engine::model::format;
use gui_support::*;
use switchboard::gui::SwitchboardApp;
use switchboard::gui::action::Action;
use switchboard::gui::app::Modal;
use switchboard::gui::app::chooser::DialogKind;
use switchboard::gui::files::FileDialogs;
use switchboard::gui::portal::PortalProbe;

fn in_app(design: engine::Design) -> Harness<'static, SwitchboardApp> {
    let (mut h, _) = harness(design);
    h.state_mut().settings.in_app_file_dialog = true;
    h
}

/// Type a path into the dialog's field and press Enter, as a user would.
fn answer(h: &mut Harness<'static, SwitchboardApp>, path: &std::path::Path) {
    assert!(h.state().dialogs().file_dialog.is_some(), "the in-app dialog is open");
    h.state_mut().dialogs_mut().file_dialog.as_mut().unwrap().field = path.display().to_string();
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(3);
}

#[test]
fn saving_an_untitled_design_asks_in_the_app_and_writes_the_file() {
    let dir = temp_dir("fd-save");
    let mut h = in_app(small_design());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Delete);
    h.state_mut().handle(&ctx, Action::SelectAll);
    h.state_mut().handle(&ctx, Action::Delete);
    h.run_steps(2);
    assert!(h.state().doc.is_dirty());
    press(&mut h, Modifiers::COMMAND, Key::S);
    let dialog = h.state().dialogs().file_dialog.as_ref().expect("the dialog opened");
    assert_eq!(dialog.ask.title(), "Save design");
    assert_eq!(dialog.field, "small.switchboard.json", "the suggested name");
    assert!(h.state().doc.is_dirty(), "unsaved while the dialog is open");
    let path = dir.join("mine.json");
    answer(&mut h, &path);
    assert!(h.state().dialogs().file_dialog.is_none());
    assert!(!h.state().doc.is_dirty(), "saved");
    assert_eq!(format::load(&path).unwrap(), *h.state().design());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_dialog_lists_the_folder_offers_yaml_and_confirms_a_replace() {
    let dir = temp_dir("fd-list");
    std::fs::write(dir.join("old.json"), "keep").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a design").unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let mut h = in_app(small_design());
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.state_mut().dialogs_mut().file_dialog.as_mut().unwrap().dir = dir.clone();
    // Enter a folder by its path, then come back: the listing follows.
    answer(&mut h, &dir);
    assert!(h.query_by_label("old.json").is_some(), "designs listed");
    assert!(h.query_by_label("sub/").is_some(), "folders listed");
    assert!(h.query_by_label("notes.txt").is_none(), "other files are not");
    // Choose an existing file: asked before replacing.
    h.get_by_label("old.json").click();
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(3);
    assert!(h.state().dialogs().file_dialog.as_ref().unwrap().confirm_replace.is_some(), "asks before replacing");
    assert!(h.query_by_label_contains("already exists. Replace it?").is_some());
    h.get_by_label("Keep it").click();
    h.run_steps(2);
    assert_eq!(std::fs::read_to_string(dir.join("old.json")).unwrap(), "keep");
    // YAML: the radio changes the extension and the file written is YAML.
    h.get_by_label("YAML").click();
    h.run_steps(2);
    assert_eq!(h.state().dialogs().file_dialog.as_ref().unwrap().field, "old.yaml");
    h.get_by_label("Save").click();
    h.run_steps(3);
    assert!(h.state().dialogs().file_dialog.is_none());
    let text = std::fs::read_to_string(dir.join("old.yaml")).unwrap();
    assert!(text.starts_with("version: 1"), "{text}");
    assert_eq!(std::fs::read_to_string(dir.join("old.json")).unwrap(), "keep");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failed_save_names_the_path_and_the_reason_and_keeps_the_unsaved_mark() {
    let dir = temp_dir("fd-fail");
    let mut h = in_app(small_design());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::SelectAll);
    h.state_mut().handle(&ctx, Action::Delete);
    h.run_steps(2);
    // A folder that does not exist: the dialog says so and stays open.
    press(&mut h, Modifiers::COMMAND, Key::S);
    let missing = dir.join("nowhere/x.json");
    answer(&mut h, &missing);
    let error = h.state().dialogs().file_dialog.as_ref().unwrap().error.clone().unwrap();
    assert!(error.contains("nowhere") && error.contains("does not exist"), "{error}");
    // A folder the system refuses to write to (even as root).
    answer(&mut h, std::path::Path::new("/proc/design.json"));
    match &h.state().dialogs().modal {
        Some(Modal::Error(m)) => assert!(m.contains("/proc/design.json") && m.contains("cannot"), "{m}"),
        other => panic!("the failure is shown: {other:?}"),
    }
    assert!(h.state().doc.is_dirty());
    assert!(h.state().title().starts_with('●'), "unsaved mark stays: {}", h.state().title());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn save_changes_then_new_goes_through_the_dialog() {
    let dir = temp_dir("fd-changes");
    let mut h = in_app(small_design());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::SelectAll);
    h.state_mut().handle(&ctx, Action::Delete);
    h.run_steps(2);
    press(&mut h, Modifiers::COMMAND, Key::N);
    assert!(matches!(h.state().dialogs().modal, Some(Modal::SaveChanges(_))));
    h.get_by_label("Save").click();
    h.run_steps(3);
    let path = dir.join("before-new.json");
    answer(&mut h, &path);
    assert!(path.is_file(), "saved first");
    assert_eq!(h.state().doc.path, None, "then a new design");
    assert!(!h.state().doc.is_dirty());
    // Cancelling the dialog keeps the design and its changes.
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::AddNode { preset: None, kind: engine::model::NodeKind::Service, at: None });
    press(&mut h, Modifiers::COMMAND, Key::N);
    h.get_by_label("Save").click();
    h.run_steps(3);
    h.get_by_label("Cancel").click();
    h.run_steps(3);
    assert!(h.state().dialogs().file_dialog.is_none());
    assert_eq!(h.state().design().nodes.len(), 1, "still the edited design");
    assert!(h.state().doc.is_dirty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn open_import_and_exports_use_the_dialog_too() {
    let dir = temp_dir("fd-open");
    let file = dir.join("other.json");
    format::save(&connected_design(), &file).unwrap();
    let mut h = in_app(small_design());
    // Open.
    press(&mut h, Modifiers::COMMAND, Key::O);
    assert_eq!(h.state().dialogs().file_dialog.as_ref().unwrap().ask.title(), "Open design");
    answer(&mut h, &dir.join("missing.json"));
    assert!(h.state().dialogs().file_dialog.as_ref().unwrap().error.as_deref().unwrap().contains("does not exist"));
    answer(&mut h, &file);
    assert_eq!(h.state().design(), &connected_design());
    // Import.
    let compose = dir.join("compose.yaml");
    std::fs::write(&compose, "services:\n  web:\n    image: nginx\n").unwrap();
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Import(None));
    h.run_steps(2);
    assert!(h.state().dialogs().file_dialog.as_ref().unwrap().ask.title().starts_with("Import"));
    answer(&mut h, &compose);
    assert!(h.state().design().nodes.iter().any(|n| n.name == "web"), "imported");
    // The Export dialog's save.
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Export(engine::export::ExportFormat::Kubernetes));
    h.run_steps(4);
    h.get_by_label_contains("Save ").click();
    h.run_steps(3);
    let k8s = dir.join("k8s.yaml");
    answer(&mut h, &k8s);
    assert!(std::fs::read_to_string(&k8s).unwrap().contains("kind: Deployment"));
    // SVG of the canvas.
    let ctx = h.ctx.clone();
    h.state_mut().dialogs_mut().export_dialog = None;
    h.state_mut().handle(&ctx, Action::ExportSvg);
    h.run_steps(2);
    let svg = dir.join("canvas");
    answer(&mut h, &svg);
    assert!(std::fs::read_to_string(dir.join("canvas.svg")).unwrap().contains("<svg"), "extension added");
    let _ = std::fs::remove_dir_all(dir);
}

/// Dialogs that claim to be the platform's (and must never be called here).
struct FakeNative;

impl FileDialogs for FakeNative {
    fn open_design(&mut self) -> Option<PathBuf> {
        panic!("no native dialog without a portal")
    }
    fn save_design(&mut self, _: &str) -> Option<PathBuf> {
        panic!("no native dialog without a portal")
    }
    fn save_export(&mut self, _: &str, _: &str) -> Option<PathBuf> {
        panic!("no native dialog without a portal")
    }
    fn is_native(&self) -> bool {
        true
    }
}

#[test]
fn without_a_portal_the_in_app_dialog_is_used() {
    let (mut h, _) = harness_config(|c| c.dialogs = Box::new(FakeNative));
    h.state_mut().set_portal(PortalProbe::known(false));
    assert_eq!(h.state().dialog_kind(), DialogKind::InApp);
    press(&mut h, Modifiers::COMMAND, Key::O);
    assert!(h.state().dialogs().file_dialog.is_some(), "the in-app dialog, not a silent nothing");
    h.state_mut().set_portal(PortalProbe::known(true));
    assert_eq!(h.state().dialog_kind(), DialogKind::Native);
    h.state_mut().settings.in_app_file_dialog = true;
    assert_eq!(h.state().dialog_kind(), DialogKind::InApp, "the setting wins");
}

#[test]
fn escape_closes_the_export_dialog_after_its_file_was_saved() {
    let dir = temp_dir("fd-escape");
    let mut h = in_app(connected_design());
    press(&mut h, Modifiers::COMMAND, Key::E);
    assert!(h.state().dialogs().export_dialog.is_some(), "Ctrl+E opens the Export dialog");
    press(&mut h, Modifiers::COMMAND, Key::S);
    let path = dir.join("k8s.yaml");
    answer(&mut h, &path);
    assert!(path.is_file(), "Ctrl+S in the Export dialog saves the export");
    assert!(h.state().dialogs().export_dialog.is_some());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().dialogs().export_dialog.is_none(), "Escape closes it");
    let _ = std::fs::remove_dir_all(dir);
}

/// A native dialog that takes its time, as a person would.
#[allow(clippy::unnecessary_wraps, reason = "the signature of a native answer")]
fn slow_native(_: &switchboard::gui::panels::file_dialog::Ask) -> Option<PathBuf> {
    std::thread::sleep(std::time::Duration::from_millis(600));
    Some(std::env::temp_dir().join(format!("switchboard-gui-fd-native-{}/slow.json", std::process::id())))
}

#[test]
fn a_native_dialog_does_not_block_the_frame_loop() {
    let dir = std::env::temp_dir().join(format!("switchboard-gui-fd-native-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut h, _) = harness_config(|c| c.dialogs = Box::new(FakeNative));
    h.state_mut().set_portal(PortalProbe::known(true));
    h.state_mut().set_native_answer(slow_native);
    h.state_mut().set_document(switchboard::gui::document::Document::new(small_design(), None));
    let started = std::time::Instant::now();
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(started.elapsed() < std::time::Duration::from_millis(300), "the frame did not wait for the dialog");
    assert!(h.state().waiting_for_native_dialog());
    let mut frames = 0;
    while h.state().waiting_for_native_dialog() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the answer never came");
        h.run_steps(1);
        frames += 1;
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(frames > 5, "frames kept coming while the dialog was open: {frames}");
    assert!(dir.join("slow.json").is_file(), "saved where the native dialog said");
    assert!(!h.state().doc.is_dirty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn keys_pressed_while_the_dialog_opens_do_not_edit_the_design() {
    let mut h = in_app(small_design());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, switchboard::gui::action::Action::SaveAs);
    // Ctrl+A and Delete before the dialog was ever drawn: nothing is selected or deleted.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.key_press(Key::Delete);
    h.run_steps(3);
    assert!(h.state().view().selection().is_empty());
    assert_eq!(h.state().design().nodes.len(), 3);
    assert!(h.state().dialogs().file_dialog.as_ref().unwrap().ready());
}

#[test]
fn typing_replaces_the_suggested_name() {
    let dir = temp_dir("fd-typing");
    let mut h = in_app(small_design());
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    assert_eq!(h.state().dialogs().file_dialog.as_ref().unwrap().field, "small.switchboard.json");
    let path = dir.join("typed.json");
    h.event(egui::Event::Text(path.display().to_string()));
    h.run_steps(2);
    assert_eq!(h.state().dialogs().file_dialog.as_ref().unwrap().field, path.display().to_string());
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(path.is_file());
    let _ = std::fs::remove_dir_all(dir);
}
