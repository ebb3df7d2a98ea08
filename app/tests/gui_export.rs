//! Export and Import in the GUI: the Export dialog opened from the menu, its
//! format selector, preview, report, copy and save; File → Import of Compose
//! files into a new unsaved document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::path::PathBuf;

use egui::OutputCommand;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use engine::export::ExportFormat;
use engine::model::format;
use gui_support::*;
use switchboard::gui::SwitchboardApp;
use switchboard::gui::app::Modal;

fn sample() -> engine::Design {
    format::load(&samples_dir().join("ecommerce-checkout.json")).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/import").join(name)
}

/// Open a menu of the menu bar and click one of its entries.
fn menu(h: &mut Harness<'_, SwitchboardApp>, menu: &str, entry: &str) {
    h.get_by_label(menu).click();
    h.run_steps(2);
    h.get_by_label(entry).click();
    h.run_steps(4);
}

fn preview(h: &Harness<'_, SwitchboardApp>) -> String {
    h.state()
        .dialogs()
        .export_dialog
        .as_ref()
        .expect("the export dialog is open")
        .preview()
        .expect("a preview")
        .text
        .clone()
}

#[test]
fn export_dialog_opens_from_the_menu_and_switches_format() {
    let (mut h, _) = harness(sample());
    menu(&mut h, "Export", "Docker Compose…");
    let dialog = h.state().dialogs().export_dialog.as_ref().expect("dialog open");
    assert_eq!(dialog.format(), ExportFormat::Compose);
    let text = preview(&h);
    assert!(text.contains("services:") && text.contains("api-gateway:"), "{text}");
    // The dialog shows the real export, not a copy of it.
    let expected = engine::export::export(h.state().design(), ExportFormat::Compose).unwrap();
    assert_eq!(h.state().dialogs().export_dialog.as_ref().unwrap().text(), Some(expected.text().as_str()));
    assert_eq!(h.state().dialogs().export_dialog.as_ref().unwrap().report(), expected.report.as_slice());

    h.get_by_label("Kubernetes").click();
    h.run_steps(3);
    assert_eq!(h.state().dialogs().export_dialog.as_ref().unwrap().format(), ExportFormat::Kubernetes);
    let text = preview(&h);
    assert!(text.contains("kind: Deployment") && text.contains("name: payments"), "{text}");

    h.get_by_label("Mermaid").click();
    h.run_steps(3);
    assert!(preview(&h).starts_with("flowchart"), "{}", preview(&h));

    h.get_by_label("Close").click();
    h.run_steps(3);
    assert!(h.state().dialogs().export_dialog.is_none());
}

#[test]
fn mermaid_offers_the_collapsed_view_of_the_groups() {
    let (mut h, _) = harness(sample());
    menu(&mut h, "Export", "Mermaid…");
    assert!(preview(&h).contains("subgraph"), "{}", preview(&h));
    h.get_by_label("Collapse groups").click();
    h.run_steps(3);
    let text = preview(&h);
    assert!(text.contains("group of") && !text.contains("subgraph"), "{text}");
    let options = engine::export::ExportOptions { collapse_groups: true, ..Default::default() };
    let expected = engine::export::export_with(h.state().design(), ExportFormat::Mermaid, options).unwrap();
    assert_eq!(h.state().dialogs().export_dialog.as_ref().unwrap().text(), Some(expected.text().as_str()));
    // Other formats do not offer it.
    h.get_by_label("Docker Compose").click();
    h.run_steps(3);
    assert!(h.query_by_label("Collapse groups").is_none());
}

#[test]
fn compose_and_kubernetes_offer_the_emulated_variant() {
    let (mut h, _) = harness(sample());
    menu(&mut h, "Export", "Docker Compose…");
    assert!(!preview(&h).contains("serve-node"), "{}", preview(&h));
    h.get_by_label("Emulated: every node runs switchboard serve-node, plus a load generator").click();
    h.run_steps(3);
    let plain = engine::export::export(h.state().design(), ExportFormat::Compose).unwrap();
    let expected = engine::export::emulate::emulated(h.state().design(), &plain).unwrap();
    assert_eq!(h.state().dialogs().export_dialog.as_ref().unwrap().text(), Some(expected.text().as_str()));
    assert!(expected.text().contains("serve-node"));
    // The choice carries over to Kubernetes; Mermaid has no such variant.
    h.get_by_label("Kubernetes").click();
    h.run_steps(3);
    assert!(preview(&h).contains("serve-node"), "{}", preview(&h));
    h.get_by_label("Mermaid").click();
    h.run_steps(3);
    assert!(h.query_by_label("Emulated: every node runs switchboard serve-node, plus a load generator").is_none());
    assert!(!h.state().doc.is_dirty(), "exporting does not touch the design");
}

#[test]
fn save_writes_the_whole_export_through_the_dialog() {
    let dir = temp_dir("export-save");
    let path = dir.join("out.compose.yaml");
    let (mut h, dialogs) = harness(sample());
    menu(&mut h, "Export", "Kubernetes…");
    dialogs.0.lock().unwrap().save = Some(path.clone());
    h.get_by_label("Save kubernetes.yaml…").click();
    h.run_steps(3);
    let written = std::fs::read_to_string(&path).expect("the export was written");
    let expected = engine::export::export(h.state().design(), ExportFormat::Kubernetes).unwrap().text();
    assert_eq!(written, expected);
    assert!(h.state().dialogs().export_dialog.is_some(), "the dialog stays open after saving");
    assert!(!h.state().doc.is_dirty(), "exporting does not touch the design");

    // A cancelled save dialog writes nothing.
    std::fs::remove_file(&path).unwrap();
    dialogs.0.lock().unwrap().save = None;
    h.get_by_label("Save kubernetes.yaml…").click();
    h.run_steps(3);
    assert!(!path.exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn copy_puts_the_whole_text_on_the_clipboard() {
    let (mut h, _) = harness(sample());
    menu(&mut h, "Export", "Graphviz DOT…");
    h.get_by_label("Copy to clipboard").click();
    h.step();
    let copied = h.output().platform_output.commands.iter().find_map(|c| match c {
        OutputCommand::CopyText(t) => Some(t.clone()),
        _ => None,
    });
    let expected = engine::export::export(h.state().design(), ExportFormat::Dot).unwrap().text();
    assert_eq!(copied.as_deref(), Some(expected.as_str()));
}

#[test]
fn the_report_lists_notes_and_errors_show_in_the_dialog() {
    let (mut h, _) = harness(sample());
    menu(&mut h, "Export", "Istio…");
    let report = h.state().dialogs().export_dialog.as_ref().unwrap().report().to_vec();
    assert!(!report.is_empty(), "the sample has things Istio cannot express");
    // Each note's subject is on screen under its kind.
    h.get_by_label(&report[0].message);

    // An empty design has nothing to deploy: the error is shown, Save is off.
    let (mut h, _) = harness(engine::Design::default());
    menu(&mut h, "Export", "Docker Compose…");
    let error = h.state().dialogs().export_dialog.as_ref().unwrap().error().map(str::to_owned);
    let error = error.expect("an empty design cannot be exported to Compose");
    h.get_by_label(&error);
    assert!(h.get_by_label("Save compose.yaml…").accesskit_node().is_disabled(), "Save is off");
}

#[test]
fn the_dialog_warns_when_the_design_has_errors() {
    let (mut h, _) = harness(sample());
    menu(&mut h, "Export", "Docker Compose…");
    assert_eq!(h.state().dialogs().export_dialog.as_ref().unwrap().design_errors(), 0);
    assert!(h.query_by_label_contains(" (see Problems): this export").is_none(), "no warning for a valid design");

    // Two nodes with the same id: the export still shows, under a warning.
    let mut design = sample();
    let twin = design.nodes[1].clone();
    design.nodes.push(twin);
    let (mut h, _) = harness(design);
    menu(&mut h, "Export", "Docker Compose…");
    assert!(h.state().dialogs().export_dialog.as_ref().unwrap().design_errors() > 0);
    h.get_by_label_contains(" (see Problems): this export");
    assert!(h.state().dialogs().export_dialog.as_ref().unwrap().text().is_some(), "the user can still look and save");
}

#[test]
fn large_exports_are_cut_in_the_preview_but_saved_whole() {
    let dir = temp_dir("export-large");
    let path = dir.join("large.yaml");
    let design = format::load(&samples_dir().join("large-topology.json")).unwrap();
    let (mut h, dialogs) = harness(design);
    menu(&mut h, "Export", "Kubernetes…");
    let dialog = h.state().dialogs().export_dialog.as_ref().unwrap();
    let whole = dialog.text().unwrap().to_owned();
    let preview = dialog.preview().unwrap().clone();
    assert!(preview.shown_lines.is_some(), "{} lines were not cut", preview.total_lines);
    assert!(whole.starts_with(&preview.text) && preview.text.len() < whole.len());
    h.get_by_label_contains("The preview shows the first");
    dialogs.0.lock().unwrap().save = Some(path.clone());
    h.get_by_label("Save kubernetes.yaml…").click();
    h.run_steps(3);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), whole);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn import_opens_compose_files_as_new_unsaved_designs() {
    for (file, services) in [
        (
            "shop-events.compose.yml",
            &["gateway", "orders", "catalog", "notifications", "orders-db", "catalog-db", "cache", "kafka", "rabbitmq"]
                [..],
        ),
        ("voting-app.compose.yaml", &["vote", "result", "worker", "redis", "db", "seed"][..]),
    ] {
        let (mut h, dialogs) = harness(small_design());
        dialogs.0.lock().unwrap().open = Some(fixture(file));
        menu(&mut h, "File", "Import…");
        let names: Vec<&str> = h.state().design().nodes.iter().map(|n| n.name.as_str()).collect();
        for s in services {
            assert!(names.contains(s), "{file}: {s} missing from {names:?}");
        }
        assert!(!names.contains(&"orders") || file.starts_with("shop"), "the old design is gone");
        assert!(h.state().doc.is_dirty(), "an imported design is unsaved");
        assert!(h.state().doc.path.is_none(), "saving asks for a name");
        let report = h.state().dialogs().import.report.clone().expect("the import report is shown");
        assert_eq!(report.source, file);
        h.get_by_label(&format!("Imported {file}"));
        h.get_by_label("OK").click();
        h.run_steps(2);
        assert!(h.state().dialogs().import.report.is_none());
        // The imported design is on the canvas.
        h.get_by_label(&format!("{} (Service)", services[1]));
    }
}

#[test]
fn import_asks_about_unsaved_changes_and_failures_keep_the_design() {
    let (mut h, dialogs) = harness(small_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(2);
    press(&mut h, egui::Modifiers::NONE, egui::Key::Delete);
    assert!(h.state().doc.is_dirty());
    dialogs.0.lock().unwrap().open = Some(fixture("voting-app.compose.yaml"));
    menu(&mut h, "File", "Import…");
    assert!(matches!(h.state().dialogs().modal, Some(Modal::SaveChanges(_))), "{:?}", h.state().dialogs().modal);
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert_eq!(h.state().design().nodes.len(), 2, "cancel keeps the edited design");
    menu(&mut h, "File", "Import…");
    h.get_by_label("Don't save").click();
    h.run_steps(4);
    assert!(h.state().design().nodes.iter().any(|n| n.name == "vote"));
    h.get_by_label("OK").click();
    h.run_steps(3);
    assert!(h.state().dialogs().import.report.is_none());

    // A file that is not an importable format: an error, the design untouched.
    let dir = temp_dir("import-bad");
    let bad = dir.join("notes.yaml");
    std::fs::write(&bad, "shopping:\n  - milk\n  - eggs\n").unwrap();
    dialogs.0.lock().unwrap().open = Some(bad);
    let before = h.state().design().clone();
    menu(&mut h, "File", "Import…");
    match &h.state().dialogs().modal {
        Some(Modal::Error(m)) => assert!(m.contains("notes.yaml"), "{m}"),
        other => panic!("expected an error dialog, got {other:?}"),
    }
    assert_eq!(h.state().design(), &before);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn import_adds_an_override_to_the_base_compose_file() {
    let (mut h, dialogs) = harness(small_design());
    dialogs.0.lock().unwrap().open = Some(fixture("eshop-like.compose.yml"));
    menu(&mut h, "File", "Import…");
    let replicas = |h: &Harness<'_, SwitchboardApp>| h.state().design().node("webmvc").map(|n| n.capacity.replicas);
    assert_eq!(replicas(&h), Some(1), "the base file alone");
    assert_eq!(h.state().dialogs().import.files().len(), 1);

    dialogs.0.lock().unwrap().open = Some(fixture("eshop-like.override.yml"));
    h.get_by_label("Add a file…").click();
    h.run_steps(4);
    assert_eq!(replicas(&h), Some(2), "the override is merged over the base");
    let report = h.state().dialogs().import.report.clone().expect("the report is shown again");
    assert_eq!(report.source, "eshop-like.compose.yml + eshop-like.override.yml");
    assert!(report.notes.iter().any(|n| n.contains("merged over")), "{:?}", report.notes);
    // The same design as the command line's `import base -f override`.
    let (expected, _) = switchboard::gui::panels::import::import_paths(&[
        fixture("eshop-like.compose.yml"),
        fixture("eshop-like.override.yml"),
    ])
    .unwrap();
    assert_eq!(h.state().design(), &expected);
    assert!(h.state().doc.is_dirty() && h.state().doc.path.is_none());

    // A file that cannot join them: an error, the import kept as it was.
    let dir = temp_dir("import-more-bad");
    let bad = dir.join("broken.yml");
    std::fs::write(&bad, "services: [unclosed\n").unwrap();
    dialogs.0.lock().unwrap().open = Some(bad);
    h.get_by_label("Add a file…").click();
    h.run_steps(4);
    assert!(matches!(&h.state().dialogs().modal, Some(Modal::Error(m)) if m.contains("broken.yml")));
    assert_eq!(h.state().design(), &expected);
    assert_eq!(h.state().dialogs().import.files().len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}
