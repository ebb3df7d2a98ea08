//! Building a design from the keyboard alone (what the real-window
//! end-to-end test drives): Shift+A quick-adds, Ctrl+L connects the node
//! selected before to the one selected now, Ctrl+Shift+A adds a workload
//! that enters a valid node.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use engine::model::NodeKind;
use gui_support::*;

fn quick_add(h: &mut egui_kittest::Harness<'static, switchboard::gui::SwitchboardApp>, what: &str) {
    press(h, Modifiers::SHIFT, Key::A);
    h.event(egui::Event::Text(what.to_owned()));
    h.run_steps(2);
    press(h, Modifiers::NONE, Key::Enter);
}

#[test]
fn a_design_is_built_from_the_keyboard() {
    let (mut h, _) = harness(engine::Design::default());
    quick_add(&mut h, "Client");
    quick_add(&mut h, "Service");
    press(&mut h, Modifiers::COMMAND, Key::L);
    quick_add(&mut h, "Postgres");
    press(&mut h, Modifiers::COMMAND, Key::L);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    let d = h.state().design();
    let kinds: Vec<NodeKind> = d.nodes.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NodeKind::Client, NodeKind::Service, NodeKind::Database]);
    assert_eq!(d.nodes[2].preset.as_deref(), Some("postgres"));
    let ends: Vec<(&str, &str)> = d.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
    assert_eq!(
        ends,
        [(d.nodes[0].id.as_str(), d.nodes[1].id.as_str()), (d.nodes[1].id.as_str(), d.nodes[2].id.as_str())]
    );
    assert_eq!(d.workloads.len(), 1);
    assert_eq!(d.workloads[0].entry, d.nodes[0].id, "the workload enters the client");
    let positions: Vec<_> = d.nodes.iter().map(|n| (n.position.x, n.position.y)).collect();
    assert!(positions[0] != positions[1] && positions[1] != positions[2], "placed apart: {positions:?}");
    // Counts read right in the status bar: "1 workload", not "1 workloads".
    h.get_by_label("3 nodes · 2 edges · 1 workload");
}

#[test]
fn add_workload_never_enters_a_broker_or_receiver() {
    let mut d = engine::Design::default();
    d.nodes.push(node("q", "queue", NodeKind::Broker, 0.0, 0.0));
    d.nodes.push(node("r", "hook", NodeKind::Receiver, 200.0, 0.0));
    let (mut h, _) = harness(d);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    assert!(h.state().design().workloads.is_empty(), "no valid entry, no workload");
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(&ctx, switchboard::gui::action::Action::AddNode { preset: None, kind: NodeKind::Database, at: None });
    h.state_mut()
        .handle(&ctx, switchboard::gui::action::Action::AddNode { preset: None, kind: NodeKind::Service, at: None });
    h.run_steps(2);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    let d = h.state().design();
    let entry = d.node(&d.workloads[0].entry).unwrap();
    assert_eq!(entry.kind, NodeKind::Service, "a service before a database, never the broker");
}
