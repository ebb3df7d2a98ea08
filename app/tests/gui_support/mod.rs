//! Shared helpers for the GUI tests: a harness around the real app with file
//! dialogs answered by the test, and small designs to start from.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::accesskit::{Action, ActionData, ActionRequest};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use engine::Design;
use engine::model::{Edge, EdgeKind, Node, NodeKind, Position};
use switchboard::gui::document::Document;
use switchboard::gui::files::FileDialogs;
use switchboard::gui::{AppConfig, SwitchboardApp};

/// What the "user" answers to file dialogs.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    pub open: Option<PathBuf>,
    pub save: Option<PathBuf>,
}

/// File dialogs answered from shared [`Answers`].
#[derive(Clone, Debug, Default)]
pub struct TestDialogs(pub Arc<Mutex<Answers>>);

impl FileDialogs for TestDialogs {
    fn open_design(&mut self) -> Option<PathBuf> {
        self.0.lock().unwrap().open.clone()
    }
    fn save_design(&mut self, _suggested: &str) -> Option<PathBuf> {
        self.0.lock().unwrap().save.clone()
    }
    fn save_export(&mut self, _suggested: &str, _ext: &str) -> Option<PathBuf> {
        self.0.lock().unwrap().save.clone()
    }
}

/// A harness around the app, with the design loaded.
pub fn harness(design: Design) -> (Harness<'static, SwitchboardApp>, TestDialogs) {
    harness_with(design, None)
}

/// A harness with a recovery directory for autosave.
pub fn harness_with(design: Design, recovery_dir: Option<PathBuf>) -> (Harness<'static, SwitchboardApp>, TestDialogs) {
    let dialogs = TestDialogs::default();
    let for_app = dialogs.clone();
    let mut harness = Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| {
        let mut config = AppConfig::bare(Box::new(for_app));
        config.recovery_dir = recovery_dir;
        let mut app = SwitchboardApp::new(&cc.egui_ctx, None, config);
        app.set_document(Document::new(design, None));
        app
    });
    harness.run_steps(3);
    (harness, dialogs)
}

/// A harness around the app built from a config the test adjusts (start-up
/// file, samples, recovery directory), as the real start-up builds it.
pub fn harness_config(
    adjust: impl FnOnce(&mut AppConfig) + 'static,
) -> (Harness<'static, SwitchboardApp>, TestDialogs) {
    let dialogs = TestDialogs::default();
    let for_app = dialogs.clone();
    let mut harness = Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| {
        let mut config = AppConfig::bare(Box::new(for_app));
        adjust(&mut config);
        SwitchboardApp::new(&cc.egui_ctx, None, config)
    });
    harness.run_steps(3);
    (harness, dialogs)
}

pub fn node(id: &str, name: &str, kind: NodeKind, x: f32, y: f32) -> Node {
    let mut n = Node::new(id, name, kind);
    n.position = Position { x, y };
    n
}

/// Two services and a broker in a row.
pub fn small_design() -> Design {
    let mut d = Design { name: "small".into(), ..Design::default() };
    d.nodes.push(node("a", "orders", NodeKind::Service, 0.0, 0.0));
    d.nodes.push(node("b", "payments", NodeKind::Service, 300.0, 0.0));
    d.nodes.push(node("q", "events", NodeKind::Broker, 300.0, 200.0));
    d
}

/// Small design plus one call edge.
pub fn connected_design() -> Design {
    let mut d = small_design();
    d.edges.push(Edge::new("e1", "a", "b", EdgeKind::Call));
    d
}

/// A unique temporary directory for a test.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-gui-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The samples directory of the repository.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples")
}

/// Centre of the accessible node with this label.
pub fn center_of(harness: &Harness<'_, SwitchboardApp>, label: &str) -> egui::Pos2 {
    harness.get_by_label(label).rect().center()
}

/// Drag with the primary button from one point to another, in small steps.
pub fn drag(harness: &mut Harness<'_, SwitchboardApp>, from: egui::Pos2, to: egui::Pos2) {
    harness.hover_at(from);
    harness.run_steps(2);
    harness.drag_at(from);
    harness.run_steps(1);
    for i in 1..=8 {
        harness.hover_at(from + (to - from) * (i as f32 / 8.0));
        harness.run_steps(1);
    }
    harness.drop_at(to);
    harness.run_steps(3);
}

/// Set a numeric field (found by role and label) through AccessKit.
pub fn set_number(harness: &mut Harness<'_, SwitchboardApp>, label: &str, value: f64) {
    let node = harness.get_by_role_and_label(egui::accesskit::Role::SpinButton, label);
    let (target_node, target_tree) = node.accesskit_node().locate();
    harness.event(egui::Event::AccessKitActionRequest(ActionRequest {
        target_node,
        target_tree,
        action: Action::SetValue,
        data: Some(ActionData::NumericValue(value)),
    }));
    harness.run_steps(3);
}

/// Press a key with modifiers and let the app react.
pub fn press(harness: &mut Harness<'_, SwitchboardApp>, modifiers: egui::Modifiers, key: egui::Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run_steps(3);
}

/// Small design plus two registries ("consul" above orders, "etcd" above payments).
pub fn registry_design() -> Design {
    let mut d = small_design();
    let mut consul = node("r1", "consul", NodeKind::Registry, 0.0, -200.0);
    consul.preset = Some("consul".into());
    d.nodes.push(consul);
    d.nodes.push(node("r2", "etcd", NodeKind::Registry, 300.0, -200.0));
    d
}

/// Open the combo box labelled `label` and pick the entry `option`.
pub fn pick(harness: &mut Harness<'_, SwitchboardApp>, label: &str, option: &str) {
    click_role(harness, egui::accesskit::Role::ComboBox, label);
    harness.get_by_label(option).click();
    harness.run_steps(3);
}

/// Scroll the widget with this role and label into view, then click it.
pub fn click_role(harness: &mut Harness<'_, SwitchboardApp>, role: egui::accesskit::Role, label: &str) {
    harness.get_by_role_and_label(role, label).scroll_to_me();
    harness.run_steps(3);
    harness.get_by_role_and_label(role, label).click();
    harness.run_steps(3);
}

/// Click with the primary button at a screen point.
pub fn click_at(harness: &mut Harness<'_, SwitchboardApp>, at: egui::Pos2) {
    harness.hover_at(at);
    harness.run_steps(1);
    harness.drag_at(at);
    harness.run_steps(1);
    harness.drop_at(at);
    harness.run_steps(3);
}
