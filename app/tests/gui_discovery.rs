//! Service discovery in the app: registries from the palette, a service's
//! Discovery section in the inspector (undoable like every edit), the link
//! drawn to the registry and the Discovery results tab.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::sync::Arc;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use engine::model::{DiscoveryMode, NodeKind};
use engine::sim::{DiscoveryReport, Report};
use gui_support::*;
use switchboard::gui::results::Tab;
use switchboard::gui::run::RunRecord;

#[test]
fn a_registry_preset_is_placed_from_the_palette() {
    let (mut h, _) = harness(small_design());
    // The palette is long: scrolled to, as a user would.
    click_role(&mut h, egui::accesskit::Role::Button, "Add Consul");
    let d = h.state().design();
    let reg = d.nodes.iter().find(|n| n.kind == NodeKind::Registry).expect("a registry node");
    assert_eq!(reg.name, "consul");
    assert_eq!(reg.preset.as_deref(), Some("consul"));
    assert_eq!(reg.deployment.image.as_deref(), Some("hashicorp/consul:1.20"));
    assert_eq!(reg.deployment.port, Some(8500));
    assert!(h.state().view().selection().nodes.contains(&reg.id), "the new node is selected");
    h.get_by_label("consul (Service registry)");
    // Its inspector lists who registers with it: nobody yet.
    h.get_by_label_contains("No service registers here yet");

    click_role(&mut h, egui::accesskit::Role::Button, "Add Service registry");
    let d = h.state().design();
    assert_eq!(d.nodes.iter().filter(|n| n.kind == NodeKind::Registry).count(), 2);
    h.get_by_label("registry (Service registry)");
}

/// Select orders and open its Discovery section.
fn open_discovery(h: &mut egui_kittest::Harness<'static, switchboard::gui::SwitchboardApp>) {
    h.get_by_label("orders (Service)").click();
    h.run_steps(3);
    click_role(h, egui::accesskit::Role::Button, "Discovery");
}

#[test]
fn client_side_discovery_is_set_in_the_inspector_and_undone_step_by_step() {
    let (mut h, _) = harness(registry_design());
    open_discovery(&mut h);
    assert!(h.state().design().node("a").unwrap().discovery.is_none());
    h.get_by_label_contains("Off: a crashed replica stays");

    pick(&mut h, "Mode", "Client-side");
    let d = h.state().design().node("a").unwrap().discovery.clone().expect("discovery on");
    assert_eq!(d.mode, DiscoveryMode::ClientSide);
    assert_eq!(d.registry, None, "two registries: nothing picked for the user");
    // Defaults: 10 s checks, 3 failures → (3 − ½) × 10 = 25 s, plus the 30 s TTL.
    h.get_by_label("A crashed instance is evicted after ≈ 25 s on average (+ up to 30 s TTL for client-side callers).");

    pick(&mut h, "Registry", "etcd");
    let d = h.state().design().node("a").unwrap().discovery.clone().unwrap();
    assert_eq!(d.registry.as_deref(), Some("r2"));
    assert!(h.state().doc.is_dirty());

    // etcd's inspector now lists orders.
    h.get_by_label("etcd (Service registry)").click();
    h.run_steps(3);
    h.get_by_label("client-side, TTL 30 s");
    h.get_by_label("orders").click();
    h.run_steps(3);
    assert!(h.state().view().selection().nodes.contains("a"), "the listed service is clickable");

    // Two edits, two undo steps: first the registry, then the mode.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let d = h.state().design().node("a").unwrap().discovery.clone().unwrap();
    assert_eq!((d.mode, d.registry), (DiscoveryMode::ClientSide, None));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().design().node("a").unwrap().discovery.is_none());
    assert!(!h.state().doc.is_dirty(), "back at the loaded design");
}

#[test]
fn dragging_a_discovery_field_is_one_undo_step() {
    let (mut h, _) = harness(registry_design());
    open_discovery(&mut h);
    pick(&mut h, "Mode", "Server-side");
    let ttl_before = h.state().design().node("a").unwrap().discovery.clone().unwrap();
    assert_eq!(ttl_before.mode, DiscoveryMode::ServerSide);
    assert!(h.query_by_label("Cache TTL").is_none(), "the cache is a client-side setting");
    h.get_by_label("A crashed instance is evicted after ≈ 25 s on average.");

    h.get_by_role_and_label(egui::accesskit::Role::SpinButton, "Health check every").scroll_to_me();
    h.run_steps(3);
    let field = h.get_by_role_and_label(egui::accesskit::Role::SpinButton, "Health check every").rect().center();
    drag(&mut h, field, field + egui::vec2(120.0, 0.0));
    let interval = h.state().design().node("a").unwrap().discovery.clone().unwrap().health_check.interval_s;
    assert!(interval > 10.5, "the drag raised the interval, got {interval}");
    // The live line follows the setting.
    h.get_by_label_contains(&format!(
        "evicted after ≈ {}",
        switchboard::gui::panels::discovery_inspector::fmt_s(2.5 * interval)
    ));

    press(&mut h, Modifiers::COMMAND, Key::Z);
    let d = h.state().design().node("a").unwrap().discovery.clone().unwrap();
    assert_eq!(d.health_check.interval_s, 10.0, "the whole drag undone at once");
    assert_eq!(d.mode, DiscoveryMode::ServerSide, "the mode is its own step");
}

#[test]
fn a_service_without_registries_gets_one_added_beside_it_in_one_step() {
    let (mut h, _) = harness(small_design());
    open_discovery(&mut h);
    pick(&mut h, "Mode", "Client-side");
    h.get_by_label_contains("needs a registry node, and the design has none yet");
    let nodes_before = h.state().design().nodes.len();
    click_role(&mut h, egui::accesskit::Role::Button, "Add a Consul registry next to this service");

    let d = h.state().design();
    assert_eq!(d.nodes.len(), nodes_before + 1);
    let reg = d.nodes.iter().find(|n| n.kind == NodeKind::Registry).expect("a registry");
    assert_eq!(reg.preset.as_deref(), Some("consul"));
    let orders = d.node("a").unwrap();
    assert_eq!(orders.discovery.as_ref().unwrap().registry.as_deref(), Some(reg.id.as_str()));
    assert_eq!(reg.position.x, orders.position.x, "beside the service, not across the canvas");
    assert!((reg.position.y - orders.position.y).abs() <= 140.0);
    // The canvas links them; hovering the link says what it is.
    let (a, b) = (center_of(&h, "orders (Service)"), center_of(&h, "consul (Service registry)"));
    h.hover_at(a.lerp(b, 0.5));
    h.run_steps(3);
    h.get_by_label("orders registers with consul (client-side lookups, TTL 30 s)");

    press(&mut h, Modifiers::COMMAND, Key::Z);
    let d = h.state().design();
    assert_eq!(d.nodes.len(), nodes_before, "one undo removes the registry ...");
    let disc = d.node("a").unwrap().discovery.clone().unwrap();
    assert_eq!((disc.mode, disc.registry), (DiscoveryMode::ClientSide, None), "... and the reference to it");
}

fn discovery_entry() -> DiscoveryReport {
    DiscoveryReport {
        id: "b".into(),
        name: "payments".into(),
        mode: "client_side".into(),
        registry: Some("r1".into()),
        calls: 48_213,
        cache_hits: 47_000,
        cache_misses: 1_213,
        cache_hit_ratio: 47_000.0 / 48_213.0,
        lookups: 1_213,
        lookup_failures: 17,
        stale_routed: 15,
        lookup_failed_calls: 2,
        calls_to_dead: 3_917,
        crashes: 1,
        evictions: 1,
        mean_eviction_ms: 24_600.0,
        max_eviction_ms: 24_600.0,
        registry_lookups_per_s: 20.2,
    }
}

/// A real (short) report of the design, with the discovery section as given.
fn report_with(discovery: Vec<DiscoveryReport>) -> (engine::Design, Report) {
    let mut d = registry_design();
    d.simulation.duration_s = 2.0;
    d.simulation.warmup_s = 0.0;
    d.workloads.push(engine::model::Workload {
        name: "w".into(),
        entry: "a".into(),
        operation: None,
        arrival: engine::model::Arrival::Open {
            process: engine::model::ArrivalProcess::Poisson,
            rate_per_s: 5.0,
            profile: engine::model::RateProfile::Constant,
        },
    });
    let mut report =
        engine::sim::run(&d, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    report.discovery = discovery;
    (d, report)
}

fn show_run(
    h: &mut egui_kittest::Harness<'static, switchboard::gui::SwitchboardApp>,
    design: engine::Design,
    report: Report,
) {
    let app = h.state_mut();
    let revision = app.doc.revision();
    app.runs.history.push(RunRecord {
        id: 1,
        label: "#1".into(),
        report: Arc::new(report),
        design: Arc::new(design),
        revision,
        doc_id: app.doc.id(),
    });
    app.runs.shown = Some(1);
    app.results.open = true;
    app.results.tab = Tab::Discovery;
    h.run_steps(3);
}

#[test]
fn the_discovery_tab_has_a_row_per_discovered_service() {
    let (design, report) = report_with(vec![discovery_entry()]);
    let (mut h, _) = harness(design.clone());
    show_run(&mut h, design, report);
    // The row: name, mode, registry by name, counts and the eviction in seconds.
    h.get_by_label("payments");
    h.get_by_label("client-side");
    h.get_by_label("consul");
    h.get_by_label("48213");
    h.get_by_label("97.5 %");
    h.get_by_label("3917");
    assert_eq!(h.query_all_by_label("24.6 s").count(), 2, "mean and max crash→eviction");
    h.get_by_label("20.20");
    h.get_by_label_contains("1 discovered service · 1 crash · 1 eviction · 3,917 calls to dead instances");
    // Clicking the row selects the service on the canvas.
    h.get_by_label("payments").click();
    h.run_steps(3);
    assert!(h.state().view().selection().nodes.contains("b"));
}

#[test]
fn without_discovery_the_tab_says_how_to_turn_it_on() {
    let (design, report) = report_with(Vec::new());
    let (mut h, _) = harness(design.clone());
    show_run(&mut h, design, report);
    h.get_by_label("No service in this run uses service discovery.");
    h.get_by_label_contains("Add a service registry from the palette");
    assert!(h.query_by_label("Calls to dead").is_none(), "no table");
}

#[test]
fn a_discovery_link_crossing_an_edge_leaves_the_edge_clickable() {
    // a → b is a horizontal call at y = 0; the link from s (above) down to
    // its registry r (below) crosses it at x = 200, a third of the way along.
    let mut d = engine::Design { name: "crossing".into(), ..engine::Design::default() };
    d.nodes.push(node("a", "front", NodeKind::Service, 0.0, 0.0));
    d.nodes.push(node("b", "back", NodeKind::Service, 600.0, 0.0));
    let mut s = node("s", "pricing", NodeKind::Service, 200.0, -250.0);
    s.discovery = Some(engine::model::Discovery {
        mode: DiscoveryMode::ClientSide,
        registry: Some("r".into()),
        ..Default::default()
    });
    d.nodes.push(s);
    d.nodes.push(node("r", "consul", NodeKind::Registry, 200.0, 150.0));
    d.edges.push(engine::model::Edge::new("e1", "a", "b", engine::model::EdgeKind::Call));
    let (mut h, _) = harness(d);

    let (a, b) = (center_of(&h, "front (Service)"), center_of(&h, "back (Service)"));
    let crossing = a.lerp(b, 1.0 / 3.0);
    h.hover_at(crossing);
    h.run_steps(3);
    assert!(h.query_by_label_contains("registers with").is_none(), "the edge wins the hover");
    click_at(&mut h, crossing);
    assert!(h.state().view().selection().edges.contains("e1"), "a click on the crossing selects the edge");

    // Further up, the pointer is on the link only: it explains itself and selects nothing.
    let (s, r) = (center_of(&h, "pricing (Service)"), center_of(&h, "consul (Service registry)"));
    let on_link = s.lerp(r, 0.25);
    h.hover_at(on_link);
    h.run_steps(3);
    h.get_by_label("pricing registers with consul (client-side lookups, TTL 30 s)");
    click_at(&mut h, on_link);
    assert!(h.state().view().selection().edges.is_empty() && h.state().view().selection().nodes.is_empty());
}
