//! The editor driven like a user would: through accessible widgets, pointer
//! drags and shortcuts (egui_kittest, no GPU).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use egui::accesskit::Toggled;
use egui::{Key, Modifiers, pos2, vec2};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use engine::model::{EdgeKind, NodeKind};
use gui_support::*;
use switchboard::gui::action::Action;

#[test]
fn palette_click_adds_a_preset_node() {
    let (mut h, _) = harness(engine::Design::default());
    h.get_by_label("Add Postgres").click();
    h.run_steps(3);
    let d = h.state().design();
    assert_eq!(d.nodes.len(), 1);
    assert_eq!(d.nodes[0].preset.as_deref(), Some("postgres"));
    assert_eq!(d.nodes[0].capacity.workers, 20);
    // The new node is on the canvas, selected, under its accessible name.
    h.get_by_label("postgres (Database)");
    assert!(h.state().view().selection().nodes.contains(&d.nodes[0].id.clone()));
}

#[test]
fn palette_drag_drops_a_node_where_released() {
    let (mut h, _) = harness(small_design());
    let from = center_of(&h, "Add Redis");
    let canvas = h.get_by_label("Canvas").rect();
    let to = canvas.center() + vec2(0.0, 250.0);
    drag(&mut h, from, to);
    let app = h.state();
    let redis = app.design().nodes.iter().find(|n| n.preset.as_deref() == Some("redis")).expect("a redis node");
    let world = app.view().canvas().transform.inverse().mul_pos(to);
    assert!(
        (redis.position.x - world.x).abs() <= 20.0 && (redis.position.y - world.y).abs() <= 20.0,
        "dropped where released"
    );
}

#[test]
fn dragging_from_a_handle_connects_with_the_default_kind() {
    let (mut h, _) = harness(small_design());
    let orders = h.get_by_label("orders (Service)").rect();
    let handle = pos2(orders.max.x, orders.center().y);
    let broker = center_of(&h, "events (Message broker)");
    drag(&mut h, handle, broker);
    let d = h.state().design();
    assert_eq!(d.edges.len(), 1, "one edge created");
    assert_eq!((d.edges[0].from.as_str(), d.edges[0].to.as_str()), ("a", "q"));
    assert_eq!(d.edges[0].kind, EdgeKind::Event, "into a broker is an event");
    h.get_by_label("event orders → events");
}

#[test]
fn editing_a_property_is_one_undo_step() {
    let (mut h, _) = harness(small_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(3);
    set_number(&mut h, "Replicas", 5.0);
    assert_eq!(h.state().design().node("a").unwrap().capacity.replicas, 5);
    assert!(h.state().doc.is_dirty());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().design().node("a").unwrap().capacity.replicas, 1);
    assert!(!h.state().doc.is_dirty());
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(h.state().design().node("a").unwrap().capacity.replicas, 5);
}

#[test]
fn moving_a_node_by_dragging_is_one_undo_step() {
    let (mut h, _) = harness(small_design());
    let from = center_of(&h, "payments (Service)");
    drag(&mut h, from, from + vec2(0.0, 120.0));
    let moved = h.state().design().node("b").unwrap().position;
    assert!(moved.y > 40.0, "moved down, got {moved:?}");
    assert_eq!(moved.y % 20.0, 0.0, "snapped to the grid");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().design().node("b").unwrap().position.y, 0.0, "the whole drag undone at once");
}

#[test]
fn delete_key_removes_the_selection_and_undo_restores_it() {
    let (mut h, _) = harness(connected_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::Delete);
    let d = h.state().design();
    assert!(d.node("a").is_none());
    assert!(d.edges.is_empty(), "its edge goes with it");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().design().node("a").is_some());
    assert_eq!(h.state().design().edges.len(), 1);
}

#[test]
fn deleting_a_multi_selection_is_one_undo_step() {
    let (mut h, _) = harness(connected_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(1);
    // Every node and edge: the edges and the nodes used to be removed (and
    // undone) in two steps.
    press(&mut h, Modifiers::COMMAND, Key::A);
    assert_eq!(h.state().view().selection().nodes.len(), 3);
    assert_eq!(h.state().view().selection().edges.len(), 1);
    press(&mut h, Modifiers::NONE, Key::Delete);
    let d = h.state().design();
    assert!(d.nodes.is_empty() && d.edges.is_empty(), "everything removed");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let d = h.state().design();
    assert_eq!(d.nodes.len(), 3, "one undo brings every node back");
    assert_eq!(d.edges.len(), 1, "and the edge");
}

#[test]
fn copy_and_paste_through_the_clipboard_as_design_json() {
    let (mut h, _) = harness(connected_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(1);
    h.get_by_label("payments (Service)").click_modifiers(Modifiers::SHIFT);
    h.run_steps(2);
    assert_eq!(h.state().view().selection().nodes.len(), 2);
    h.event(egui::Event::Copy);
    h.run_steps(2);
    let json = h.state().clipboard().expect("copied").to_owned();
    assert!(json.contains("\"orders\""));
    h.event(egui::Event::Paste(json));
    h.run_steps(3);
    let d = h.state().design();
    assert_eq!(d.nodes.len(), 5);
    assert_eq!(d.edges.len(), 2, "the edge between copied nodes comes along");
    h.get_by_label("orders-2 (Service)");
    // Pasted nodes are the new selection.
    assert_eq!(h.state().view().selection().nodes.len(), 2);
    assert!(!h.state().view().selection().nodes.contains("a"));
}

#[test]
fn duplicate_with_ctrl_d() {
    let (mut h, _) = harness(small_design());
    h.get_by_label("events (Message broker)").click();
    h.run_steps(2);
    press(&mut h, Modifiers::COMMAND, Key::D);
    let d = h.state().design();
    assert_eq!(d.nodes.len(), 4);
    assert!(d.nodes.iter().any(|n| n.name == "events-2" && n.kind == NodeKind::Broker));
}

#[test]
fn group_and_ungroup() {
    let (mut h, _) = harness(small_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(1);
    h.get_by_label("payments (Service)").click_modifiers(Modifiers::SHIFT);
    h.run_steps(2);
    press(&mut h, Modifiers::COMMAND, Key::G);
    let d = h.state().design();
    assert_eq!(d.node("a").unwrap().group.as_deref(), Some("group 1"));
    assert_eq!(d.node("b").unwrap().group.as_deref(), Some("group 1"));
    assert!(d.node("q").unwrap().group.is_none());
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    assert!(h.state().design().nodes.iter().all(|n| n.group.is_none()));
}

#[test]
fn box_select_and_select_all() {
    let (mut h, _) = harness(small_design());
    let a = h.get_by_label("orders (Service)").rect();
    let b = h.get_by_label("payments (Service)").rect();
    // From empty space above-left of orders to below-right of payments.
    drag(&mut h, a.min - vec2(30.0, 30.0), b.max + vec2(10.0, 10.0));
    let sel = &h.state().view().selection().nodes;
    assert!(sel.contains("a") && sel.contains("b") && !sel.contains("q"), "{sel:?}");
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().view().selection().is_empty());
    press(&mut h, Modifiers::COMMAND, Key::A);
    assert_eq!(h.state().view().selection().nodes.len(), 3);
}

#[test]
fn rename_inline_with_f2() {
    let (mut h, _) = harness(small_design());
    h.get_by_label("orders (Service)").click();
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::F2);
    h.run_steps(2);
    // The rename box holds the old name, selected by focus; replace it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.event(egui::Event::Text("订单服务".into()));
    h.run_steps(1);
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(h.state().design().node("a").unwrap().name, "订单服务");
    h.get_by_label("订单服务 (Service)");
}

#[test]
fn auto_layout_is_one_undoable_step() {
    let (mut h, _) = harness(connected_design());
    let before = h.state().design().clone();
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::L);
    assert_ne!(h.state().design(), &before, "positions changed");
    let d = h.state().design();
    assert!(d.node("a").unwrap().position.x < d.node("b").unwrap().position.x, "caller left of callee");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().design(), &before);
}

#[test]
fn clicking_a_problem_selects_its_culprit() {
    let mut d = small_design();
    d.nodes[1].capacity.replicas = 0;
    let (mut h, _) = harness(d);
    // Named by the node's name, not its id.
    let problem = h.get_by_label_contains("payments › capacity.replicas");
    problem.click();
    h.run_steps(3);
    assert!(h.state().view().selection().nodes.contains("b"));
    assert_eq!(h.state().view().culprit(), Some("b"));
}

#[test]
fn find_focuses_a_node_by_name() {
    let (mut h, _) = harness(small_design());
    press(&mut h, Modifiers::COMMAND, Key::F);
    h.event(egui::Event::Text("pay".into()));
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(h.state().view().selection().nodes.contains("b"));
    assert!(h.state().view().find_query().is_none(), "the find box closes");
}

#[test]
fn connecting_from_the_inspector_and_changing_the_kind() {
    let (mut h, _) = harness(small_design());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Connect { from: "q".into(), to: "b".into(), kind: None });
    h.run_steps(2);
    let e = h.state().design().edges[0].clone();
    assert_eq!(e.kind, EdgeKind::Subscription, "out of a broker is a subscription");
    assert!(h.state().view().selection().edges.contains(&e.id));
    set_number(&mut h, "Concurrency", 8.0);
    assert_eq!(h.state().design().edges[0].subscription.as_ref().unwrap().concurrency, 8);
}

#[test]
fn capacity_estimate_shows_on_nodes_and_in_the_inspector() {
    let mut d = connected_design();
    d.workloads.push(engine::model::Workload {
        name: "w".into(),
        entry: "a".into(),
        operation: None,
        arrival: engine::model::Arrival::Open {
            process: engine::model::ArrivalProcess::Poisson,
            rate_per_s: 90.0,
            profile: engine::model::RateProfile::Constant,
        },
    });
    let (mut h, _) = harness(d);
    let est = h.state().analysis().node("b").expect("estimate for payments").clone();
    assert!((est.arrival_rate_per_s - 90.0).abs() < 1e-6);
    // Exponential 10 ms on one worker at 90/s: ρ = 0.9, hot.
    assert!((est.utilization.unwrap() - 0.9).abs() < 1e-6);
    h.get_by_label("payments (Service)").click();
    h.run_steps(3);
    h.get_by_label("ρ = 0.90");
}

#[test]
fn frame_time_at_1000_nodes() {
    let design = big_design(1000, 2000);
    let (mut h, _) = harness(design);
    h.run_steps(5);
    let frames = 20;
    let (mut ui_ms, mut tess_ms) = (0.0_f64, 0.0_f64);
    let start = std::time::Instant::now();
    for _ in 0..frames {
        h.state_mut().view_mut().canvas_mut().fit_pending = true;
        h.run_steps(1);
        ui_ms += f64::from(h.state().frame_ms());
        // Tessellation is part of a frame's CPU cost; the harness does not do it.
        let shapes = h.output().shapes.clone();
        let t = std::time::Instant::now();
        let primitives = h.ctx.tessellate(shapes, h.ctx.pixels_per_point());
        tess_ms += t.elapsed().as_secs_f64() * 1000.0;
        assert!(!primitives.is_empty());
    }
    let total_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(frames);
    let (ui_ms, tess_ms) = (ui_ms / f64::from(frames), tess_ms / f64::from(frames));
    eprintln!(
        "frame at 1,000 nodes / 2,000 edges, fit to view (zoom {:.3}): app UI pass {ui_ms:.2} ms + tessellation {tess_ms:.2} ms = {:.2} ms (harness step incl. AccessKit tree: {total_ms:.2} ms)",
        h.state().view().canvas().zoom(),
        ui_ms + tess_ms
    );
    // A loose bound that still catches accidental quadratic work.
    assert!(ui_ms + tess_ms < 250.0, "{} ms per frame", ui_ms + tess_ms);
}

/// A generated design: `n` services in a grid with `m` edges.
fn big_design(n: usize, m: usize) -> engine::Design {
    let mut d = engine::Design::default();
    for i in 0..n {
        d.nodes.push(node(
            &format!("n{i}"),
            &format!("svc-{i}"),
            NodeKind::Service,
            (i % 40) as f32 * 220.0,
            (i / 40) as f32 * 110.0,
        ));
    }
    let mut k = 0_usize;
    for j in 0..m {
        let a = j % n;
        k = (k * 31 + 17) % n;
        let b = (a + 1 + k % 50) % n;
        d.edges.push(engine::model::Edge::new(format!("e{j}"), format!("n{a}"), format!("n{b}"), EdgeKind::Call));
    }
    d
}

#[test]
fn nodes_are_accessible_and_open_their_own_context_menu() {
    let (mut h, _) = harness(connected_design());
    // A screen reader's click selects the node, like a pointer click.
    h.get_by_label("payments (Service)").click_accesskit();
    h.run_steps(2);
    assert!(h.state().view().selection().nodes.contains("b"));
    assert_eq!(h.state().view().selection().nodes.len(), 1);
    assert_eq!(h.get_by_label("payments (Service)").accesskit_node().toggled(), Some(Toggled::True));
    assert_eq!(h.get_by_label("orders (Service)").accesskit_node().toggled(), Some(Toggled::False));

    // A right click on a node selects it and opens the node's menu...
    h.get_by_label("orders (Service)").click_secondary();
    h.run_steps(3);
    assert!(h.state().view().selection().nodes.contains("a") && h.state().view().selection().nodes.len() == 1);
    h.get_by_label("Rename…");
    h.get_by_label("Delete").click();
    h.run_steps(3);
    assert!(h.state().design().node("a").is_none(), "Delete in the node menu removed it");

    // ...and on empty canvas the canvas menu.
    let empty = h.get_by_label("Canvas").rect().left_top() + egui::vec2(20.0, 20.0);
    h.hover_at(empty);
    h.run_steps(1);
    h.event(egui::Event::PointerButton {
        pos: empty,
        button: egui::PointerButton::Secondary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: empty,
        button: egui::PointerButton::Secondary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(3);
    assert!(h.query_by_label("Rename…").is_none());
    h.get_by_label("Add ⏵");
}

#[test]
fn call_policy_cancellation_is_editable_and_undoable() {
    let (mut h, _) = harness(small_design());
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Action::Connect { from: "a".into(), to: "b".into(), kind: None });
    h.run_steps(2);
    assert_eq!(h.state().design().edges[0].kind, EdgeKind::Call);
    h.get_by_label("Resilience policy").click();
    h.run_steps(2);
    h.get_by_label("Cancel the callee's work when the caller gives up").click();
    h.run_steps(2);
    let policy = h.state().design().edges[0].policy.clone().expect("a policy was set");
    assert!(policy.propagate_cancellation);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().design().edges[0].policy.is_none(), "undo removes it again");
}

#[test]
fn problems_name_nodes_by_their_names() {
    use switchboard::gui::panels::problems::{named_message, named_path};
    let d = small_design();
    assert_eq!(named_path(&d, "nodes[b].capacity.replicas"), "payments › capacity.replicas");
    assert_eq!(named_path(&d, "nodes[zz].capacity"), "nodes[zz].capacity", "no such node: the id stays");
    assert_eq!(named_path(&d, "nodes[q]"), "node events");
    assert_eq!(named_message(&d, "calls \"b\" and \"zz\" via \"q\""), "calls \"payments\" and \"zz\" via \"events\"");
}

#[test]
fn edge_labels_are_hidden_at_low_zoom() {
    let (mut h, _) = harness(connected_design());
    let label = switchboard::gui::canvas::edge_label(h.state().design(), 0);
    assert!(h.query_by_label(&label).is_some(), "shown at the fitted zoom");
    let t = h.state().view().canvas().transform;
    h.state_mut().view_mut().canvas_mut().transform = egui::emath::TSTransform::new(t.translation, 0.4);
    h.run_steps(3);
    assert!(h.query_by_label(&label).is_none(), "hidden at 40 %");
}

/// Orders, payments and Postgres in a row, Orders calling Postgres: the
/// straight line would pass under payments (issue #20).
fn row_with_a_box_between() -> engine::Design {
    let mut d = engine::Design::default();
    d.nodes.push(node("a", "orders", NodeKind::Service, 0.0, 0.0));
    d.nodes.push(node("b", "payments", NodeKind::Service, 300.0, 0.0));
    d.nodes.push(node("c", "postgres", NodeKind::Database, 600.0, 0.0));
    d.edges.push(engine::model::Edge::new("e1", "a", "c", EdgeKind::Call));
    d
}

/// Whether the segment `a`–`b` runs through the inside of `r` (sampled
/// every half pixel, so a line along a side does not count).
fn passes_through(r: egui::Rect, a: egui::Pos2, b: egui::Pos2) -> bool {
    let steps = ((b - a).length() * 2.0).ceil().max(1.0) as usize;
    let inner = r.shrink(0.5);
    (0..=steps).any(|k| inner.contains(a.lerp(b, k as f32 / steps as f32)))
}

/// Every segment of every drawn edge stays out of the boxes of the nodes
/// it does not connect.
fn assert_no_edge_under_a_box(design: &engine::Design, g: &switchboard::gui::canvas::geometry::Geometry, what: &str) {
    for route in &g.edges {
        let e = &design.edges[route.index];
        let ends = [g.index[&e.from], g.index[&e.to]];
        for (i, r) in g.rects.iter().enumerate() {
            if ends.contains(&i) {
                continue;
            }
            for s in route.points.windows(2) {
                assert!(
                    !passes_through(*r, s[0], s[1]),
                    "{what}: edge {} passes under node {}",
                    e.id,
                    design.nodes[i].id
                );
            }
        }
    }
}

#[test]
fn an_edge_goes_around_a_box_between_its_ends_and_is_selected_on_its_route() {
    let (mut h, _) = harness(row_with_a_box_between());
    h.run_steps(2);
    let g = h.state().geometry();
    assert_no_edge_under_a_box(h.state().design(), g, "row");
    let route = g.edges[0].clone();
    assert!(route.points.len() >= 4, "it bends around payments: {route:?}");
    let postgres = g.rects[2];
    let tip = route.to();
    let on_border = (tip.x - postgres.min.x).abs() < 0.01
        || (tip.x - postgres.max.x).abs() < 0.01
        || (tip.y - postgres.min.y).abs() < 0.01
        || (tip.y - postgres.max.y).abs() < 0.01;
    assert!(on_border && postgres.expand(0.01).contains(tip), "the arrowhead's tip is on postgres' border: {tip:?}");
    // The straight line the canvas drew before: centre to centre, under payments.
    let chord = (egui::pos2(g.rects[0].max.x, 0.0), egui::pos2(postgres.min.x, 0.0));

    // Click a third of the way along the route: far from that straight
    // line and from the label's click target halfway.
    let t = h.state().view().canvas().transform;
    let world = switchboard::gui::canvas::routes::point_along(&route.points, 0.35);
    assert!(h.state().geometry().node_at(world).is_none());
    let p = t.mul_pos(world);
    let off_chord = switchboard::gui::canvas::routes::distance_to_segment(p, t.mul_pos(chord.0), t.mul_pos(chord.1));
    assert!(off_chord > 20.0, "the point is on the route, not on the straight line ({off_chord} px, {route:?})");
    h.hover_at(p);
    h.run_steps(2);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run_steps(3);
    assert!(h.state().view().selection().edges.contains("e1"), "clicking the routed line selects the edge");
    assert!(h.state().view().selection().nodes.is_empty());
}

#[test]
fn a_dragged_node_gets_cheap_routes_when_routing_is_slow_and_real_ones_after() {
    use switchboard::gui::canvas::geometry::{DRAG_ROUTING_BUDGET_MS, Geometry};
    let mut d = row_with_a_box_between();
    d.edges.push(engine::model::Edge::new("e2", "a", "b", EdgeKind::Call));
    let mut g = Geometry::compute(&d);
    assert!(g.refresh(&d, 1, false));
    let untouched = g.edges[1].clone();
    // As if routing this design took too long to redo on every frame.
    g.routing_ms = DRAG_ROUTING_BUDGET_MS + 1.0;
    d.nodes[2].position.y = 20.0;
    assert!(g.refresh(&d, 2, true));
    assert_eq!(g.edges[0].points.len(), 2, "the moved node's edge is a straight stand-in: {:?}", g.edges[0]);
    assert_eq!(g.edges[1], untouched, "an edge between unmoved nodes keeps its route");
    assert!(!g.refresh(&d, 2, true), "nothing to do while the drag goes on without a change");
    assert!(g.refresh(&d, 2, false), "the drag ended: route again");
    assert!(g.edges[0].points.len() >= 4, "{:?}", g.edges[0]);
    assert_no_edge_under_a_box(&d, &g, "after the drag");
    // A fast design routes on every frame of a drag.
    g.routing_ms = 0.0;
    d.nodes[2].position.y = 40.0;
    assert!(g.refresh(&d, 3, true));
    assert!(g.edges[0].points.len() >= 4, "{:?}", g.edges[0]);
}

#[test]
fn a_slow_design_is_routed_on_a_worker_and_the_routes_arrive() {
    use switchboard::gui::canvas::geometry::{BACKGROUND_ROUTING_MS, Geometry};
    let mut d = row_with_a_box_between();
    let mut g = Geometry::compute(&d);
    assert!(g.refresh(&d, 1, false));
    assert!(!g.is_routing(), "a fast design is routed on the frame");
    // As if routing this design took too long for a frame.
    g.routing_ms = BACKGROUND_ROUTING_MS + 1.0;
    d.nodes[2].position.y = 20.0;
    assert!(g.refresh(&d, 2, false));
    assert!(g.is_routing(), "routed on a worker");
    assert_eq!(g.edges[0].points.len(), 2, "a straight stand-in until the route arrives: {:?}", g.edges[0]);
    // The worker is bounded: a three-box design routes in milliseconds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while g.is_routing() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
        g.refresh(&d, 2, false);
    }
    assert!(!g.is_routing(), "the routes arrived");
    assert_eq!(g.edges, Geometry::compute(&d).edges, "the same routes as on the frame");
    assert_no_edge_under_a_box(&d, &g, "after the worker");
}

#[test]
fn no_sample_draws_an_edge_under_a_box_and_routing_time_is_measured() {
    let mut names: Vec<_> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 5);
    for path in names {
        let design = engine::model::format::load(&path).unwrap();
        let runs = 5;
        let mut ms = Vec::new();
        let mut g = switchboard::gui::canvas::geometry::Geometry::compute(&design);
        for _ in 0..runs {
            g = switchboard::gui::canvas::geometry::Geometry::compute(&design);
            ms.push(g.routing_ms);
        }
        ms.sort_by(f32::total_cmp);
        eprintln!(
            "{}: {} nodes, {} edges routed in {:.2} ms (median of {runs})",
            path.file_name().unwrap().to_string_lossy(),
            design.nodes.len(),
            design.edges.len(),
            ms[runs / 2]
        );
        assert_no_edge_under_a_box(&design, &g, &path.display().to_string());
    }
    let big = big_design(1000, 2000);
    let g = switchboard::gui::canvas::geometry::Geometry::compute(&big);
    eprintln!("generated: 1000 nodes, 2000 edges routed in {:.2} ms", g.routing_ms);
}
