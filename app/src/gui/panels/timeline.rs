//! The chaos timeline: the faults of the design (or of one of its
//! scenarios) as bars over simulated time, one lane each. Drag a bar to
//! move it, drag its ends to resize it, right-click to delete it; every
//! change is an undoable command (a whole drag is one undo step). Scenarios
//! are created and their rates set here too.

use egui::{Color32, CursorIcon, Pos2, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};
use engine::Design;
use engine::model::{Arrival, Fault, FaultKind, PartitionMode, Scenario, ScenarioRate};

use crate::gui::action::Action;
use crate::gui::app::SwitchboardApp;
use crate::gui::document::Command;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::results::plots::fault_kind_label;
use crate::gui::style;

/// Height of one lane.
const LANE_H: f32 = 24.0;
/// Width of the label column.
const LABEL_W: f32 = 200.0;
/// Grab margin of a bar's ends, points.
const EDGE_GRAB: f32 = 6.0;
/// Shortest fault, seconds.
const MIN_LEN_S: f64 = 0.1;

/// The fault kinds offered, in menu order.
pub const KINDS: [&str; 5] = ["outage", "latency", "errors", "partition", "broker outage"];
/// The catalogue keys of [`KINDS`]' names as the UI shows them (the
/// English names above also name new faults in the design file).
const KIND_KEYS: [&str; 5] = [
    "fault-kind-outage",
    "fault-kind-latency",
    "fault-kind-errors",
    "fault-kind-partition",
    "fault-kind-broker-outage",
];

/// A new fault of a kind (by [`KINDS`] index) with typical settings.
#[must_use]
pub fn new_kind(index: usize) -> FaultKind {
    match index {
        1 => FaultKind::Latency { added_ms: 200.0, factor: 1.0 },
        2 => FaultKind::Errors { probability: 0.5 },
        3 => FaultKind::Partition { mode: PartitionMode::FailFast },
        4 => FaultKind::BrokerOutage { lose_messages: false },
        _ => FaultKind::Outage { replicas: None },
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Grab {
    Move,
    Start,
    End,
}

#[derive(Clone, Debug)]
struct Drag {
    index: usize,
    grab: Grab,
    pointer_s: f64,
    original: Fault,
}

/// Interaction state of the timeline.
#[derive(Clone, Debug, Default)]
pub struct TimelineState {
    drag: Option<Drag>,
    /// Scenario whose faults are edited (`None`: the design's own).
    pub scenario: Option<String>,
    /// Target of the next fault added (node or edge id).
    pub new_target: Option<String>,
    /// Kind of the next fault added ([`KINDS`] index).
    pub new_kind: usize,
    /// Fault selected for editing its details.
    pub selected: Option<usize>,
}

/// The faults being edited.
fn faults<'a>(design: &'a Design, scenario: Option<&str>) -> &'a [Fault] {
    match scenario.and_then(|n| design.scenario(n)) {
        Some(s) => &s.faults,
        None => &design.faults,
    }
}

fn target_name(design: &Design, id: &str) -> String {
    if let Some(n) = design.node(id) {
        n.name.clone()
    } else if let Some(e) = design.edge(id) {
        format!("{} → {}", design.node_name(&e.from), design.node_name(&e.to))
    } else {
        id.to_owned()
    }
}

/// A fault name not used yet.
#[must_use]
pub fn unique_fault_name(existing: &[Fault], base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while existing.iter().any(|f| f.name == name) {
        name = format!("{base} {n}");
        n += 1;
    }
    name
}

/// Show the chaos timeline.
pub fn panel(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    let design = app.design().clone();
    let state = &mut app.results.timeline;
    if state.scenario.as_ref().is_some_and(|s| design.scenario(s).is_none()) {
        state.scenario = None;
    }
    scenario_bar(ui, &design, state, actions);
    let list = faults(&design, state.scenario.as_deref()).to_vec();
    let set = |faults: Vec<Fault>, scenario: &Option<String>| Command::SetFaults { scenario: scenario.clone(), faults };
    add_bar(ui, &design, state, &list, actions);
    egui::ScrollArea::vertical().id_salt("timeline").auto_shrink([false, false]).show(ui, |ui| {
        let duration = design.simulation.duration_s.max(1.0);
        let width = ui.available_width().max(LABEL_W + 200.0);
        let lanes = list.len().max(1);
        let (rect, _) = ui.allocate_exact_size(vec2(width, 20.0 + LANE_H * lanes as f32), Sense::hover());
        let track = Rect::from_min_max(
            pos2(rect.left() + LABEL_W, rect.top() + 20.0),
            pos2(rect.right() - 10.0, rect.bottom()),
        );
        let to_x = |t: f64| track.left() + (t / duration).clamp(0.0, 1.0) as f32 * track.width();
        let to_s = |x: f32| f64::from((x - track.left()) / track.width()) * duration;
        axis(ui, track, duration, &design);
        if list.is_empty() {
            // Centred, clear of the warm-up shading at the left.
            ui.painter().text(
                pos2(track.center().x, track.top() + LANE_H / 2.0),
                egui::Align2::CENTER_CENTER,
                tr("timeline-no-faults-add-one-above"),
                egui::FontId::proportional(13.0),
                ui.visuals().weak_text_color(),
            );
        }
        let pointer = ui.input(|i| i.pointer.interact_pos());
        for (i, f) in list.iter().enumerate() {
            let y = track.top() + LANE_H * i as f32;
            ui.painter().text(
                pos2(rect.left() + 4.0, y + LANE_H / 2.0),
                egui::Align2::LEFT_CENTER,
                format!("{} · {}", target_name(&design, &f.target), f.name),
                egui::FontId::proportional(12.0),
                ui.visuals().text_color(),
            );
            let bar = Rect::from_min_max(
                pos2(to_x(f.start_s), y + 3.0),
                pos2(to_x(f.end_s).max(to_x(f.start_s) + 4.0), y + LANE_H - 3.0),
            );
            let resp =
                ui.interact(bar.expand2(vec2(EDGE_GRAB, 0.0)), ui.id().with(("fault", i)), Sense::click_and_drag());
            let label = format!("fault {}", f.name);
            resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, label.clone()));
            let near = |x: f32| pointer.is_some_and(|p: Pos2| (p.x - x).abs() <= EDGE_GRAB);
            let hover_grab = if near(bar.left()) {
                Grab::Start
            } else if near(bar.right()) {
                Grab::End
            } else {
                Grab::Move
            };
            if resp.hovered() {
                ui.ctx().set_cursor_icon(if hover_grab == Grab::Move {
                    CursorIcon::Grab
                } else {
                    CursorIcon::ResizeHorizontal
                });
            }
            let color = kind_color(&f.fault);
            let selected = state.selected == Some(i);
            ui.painter().rect_filled(bar, 3.0, color.gamma_multiply(if selected { 0.95 } else { 0.7 }));
            if selected {
                ui.painter().rect_stroke(bar, 3.0, Stroke::new(2.0, style::SELECTION_COLOR), egui::StrokeKind::Outside);
            }
            ui.painter().text(
                bar.left_center() + vec2(4.0, 0.0),
                egui::Align2::LEFT_CENTER,
                format!("{} {:.0}–{:.0} s", fault_kind_label(&f.fault), f.start_s, f.end_s),
                egui::FontId::proportional(11.0),
                Color32::WHITE,
            );
            if resp.clicked() {
                state.selected = Some(i);
            }
            if resp.drag_started()
                && let Some(p) = pointer
            {
                state.selected = Some(i);
                state.drag = Some(Drag { index: i, grab: hover_grab, pointer_s: to_s(p.x), original: f.clone() });
            }
            resp.context_menu(|ui| {
                if ui.button(tr("timeline-delete-fault")).clicked() {
                    let mut next = list.clone();
                    next.remove(i);
                    actions.push(Action::Edit(set(next, &state.scenario)));
                    state.selected = None;
                    ui.close();
                }
            });
        }
        // A drag in progress: one merged edit per frame, sealed on release.
        if let Some(d) = &state.drag {
            if let Some(p) = ui.input(|i| i.pointer.latest_pos()) {
                let dt = to_s(p.x) - d.pointer_s;
                let mut f = d.original.clone();
                match d.grab {
                    Grab::Move => {
                        let len = f.end_s - f.start_s;
                        f.start_s = (f.start_s + dt).clamp(0.0, (duration - len).max(0.0));
                        f.end_s = f.start_s + len;
                    }
                    Grab::Start => f.start_s = (f.start_s + dt).clamp(0.0, f.end_s - MIN_LEN_S),
                    Grab::End => f.end_s = (f.end_s + dt).clamp(f.start_s + MIN_LEN_S, duration),
                }
                f.start_s = (f.start_s * 10.0).round() / 10.0;
                f.end_s = (f.end_s * 10.0).round() / 10.0;
                if list.get(d.index) != Some(&f) {
                    let mut next = list.clone();
                    if let Some(slot) = next.get_mut(d.index) {
                        *slot = f;
                    }
                    actions.push(Action::EditMerging(set(next, &state.scenario), "timeline-drag".to_owned()));
                }
            }
            if !ui.input(|i| i.pointer.any_down()) {
                state.drag = None;
                actions.push(Action::Seal);
            }
        }
    });
    if let Some(i) = state.selected
        && let Some(f) = list.get(i)
    {
        details(ui, f, i, &list, state.scenario.as_ref(), actions);
    }
}

fn axis(ui: &Ui, track: Rect, duration: f64, design: &Design) {
    let p = ui.painter();
    let weak = ui.visuals().weak_text_color();
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0]
        .into_iter()
        .find(|s| duration / s <= 12.0)
        .unwrap_or(1200.0);
    let mut t = 0.0;
    while t <= duration + 1e-9 {
        let x = track.left() + (t / duration) as f32 * track.width();
        p.line_segment(
            [pos2(x, track.top() - 4.0), pos2(x, track.bottom())],
            Stroke::new(1.0, weak.gamma_multiply(0.3)),
        );
        p.text(
            pos2(x, track.top() - 6.0),
            egui::Align2::CENTER_BOTTOM,
            format!("{t:.0} s"),
            egui::FontId::proportional(11.0),
            weak,
        );
        t += step;
    }
    let warm = design.simulation.warmup_s.min(duration);
    if warm > 0.0 {
        let r = Rect::from_min_max(
            track.min,
            pos2(track.left() + (warm / duration) as f32 * track.width(), track.bottom()),
        );
        p.rect_filled(r, 0.0, Color32::from_gray(128).gamma_multiply(0.12));
    }
}

fn kind_color(k: &FaultKind) -> Color32 {
    match k {
        FaultKind::Outage { .. } => Color32::from_rgb(220, 38, 38),
        FaultKind::Latency { .. } => Color32::from_rgb(217, 119, 6),
        FaultKind::Errors { .. } => Color32::from_rgb(219, 39, 119),
        FaultKind::Partition { .. } => Color32::from_rgb(124, 58, 237),
        FaultKind::BrokerOutage { .. } => Color32::from_rgb(13, 148, 136),
    }
}

fn scenario_bar(ui: &mut Ui, design: &Design, state: &mut TimelineState, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let l = ui.label(tr("timeline-faults-of"));
        let shown = state.scenario.clone().unwrap_or_else(|| tr("timeline-the-design"));
        egui::ComboBox::from_id_salt("timeline-scenario")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.scenario, None, tr("timeline-the-design"));
                for s in &design.scenarios {
                    ui.selectable_value(
                        &mut state.scenario,
                        Some(s.name.clone()),
                        tr_args("timeline-scenario", &[("name", s.name.as_str().into())]),
                    );
                }
            })
            .response
            .labelled_by(l.id);
        if ui.button(tr("timeline-new-scenario")).on_hover_text(tr("timeline-a-named-set-of-workload")).clicked() {
            let mut n = design.scenarios.len() + 1;
            while design.scenario(&format!("Scenario {n}")).is_some() {
                n += 1;
            }
            let mut list = design.scenarios.clone();
            let name = format!("Scenario {n}");
            list.push(Scenario::new(name.clone()));
            actions.push(Action::Edit(Command::SetScenarios(list)));
            state.scenario = Some(name);
        }
        let Some(name) = state.scenario.clone() else { return };
        let Some(index) = design.scenarios.iter().position(|s| s.name == name) else { return };
        let mut list = design.scenarios.clone();
        let Some(s) = list.get_mut(index) else { return };
        let l = ui.label(tr("timeline-rate"));
        ui.add(style::number(&mut s.rate_scale).range(0.0..=1000.0).speed(0.01)).labelled_by(l.id);
        for w in &design.workloads {
            let Arrival::Open { rate_per_s, .. } = &w.arrival else { continue };
            let pos = s.rates.iter().position(|r| r.workload == w.name);
            let mut on = pos.is_some();
            if ui.checkbox(&mut on, &w.name).on_hover_text(tr("timeline-set-this-workload-s-rate")).changed() {
                if on {
                    s.rates.push(ScenarioRate { workload: w.name.clone(), rate_per_s: *rate_per_s });
                } else if let Some(p) = pos {
                    s.rates.remove(p);
                }
            }
            if let Some(r) = s.rates.iter_mut().find(|r| r.workload == w.name) {
                ui.add(style::number(&mut r.rate_per_s).range(0.0..=1e7).suffix(" req/s"));
            }
        }
        if ui.button(tr("timeline-delete-scenario")).clicked() {
            list.remove(index);
            actions.push(Action::Edit(Command::SetScenarios(list)));
            state.scenario = None;
            return;
        }
        if list != design.scenarios {
            actions.push(Action::EditMerging(Command::SetScenarios(list), format!("scenario-{name}")));
        }
    });
}

fn add_bar(ui: &mut Ui, design: &Design, state: &mut TimelineState, list: &[Fault], actions: &mut Vec<Action>) {
    let mut targets: Vec<(String, String)> = design.nodes.iter().map(|n| (n.id.clone(), n.name.clone())).collect();
    targets.extend(design.edges.iter().map(|e| (e.id.clone(), target_name(design, &e.id))));
    if state.new_target.as_ref().is_none_or(|t| !targets.iter().any(|x| &x.0 == t)) {
        state.new_target = targets.first().map(|t| t.0.clone());
    }
    ui.horizontal(|ui| {
        let l = ui.label(tr("timeline-add"));
        egui::ComboBox::from_id_salt("timeline-kind")
            .selected_text(tr(KIND_KEYS.get(state.new_kind).copied().unwrap_or(KIND_KEYS[0])))
            .show_ui(ui, |ui| {
                for (i, k) in KIND_KEYS.iter().enumerate() {
                    ui.selectable_value(&mut state.new_kind, i, tr(k));
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label(tr("timeline-on"));
        let shown = state.new_target.as_deref().map(|t| target_name(design, t)).unwrap_or_default();
        egui::ComboBox::from_id_salt("timeline-target")
            .selected_text(shown)
            .width(180.0)
            .show_ui(ui, |ui| {
                for (id, name) in &targets {
                    ui.selectable_value(&mut state.new_target, Some(id.clone()), name);
                }
            })
            .response
            .labelled_by(l.id);
        let enabled = state.new_target.is_some();
        if ui.add_enabled(enabled, egui::Button::new(tr("timeline-add-fault"))).clicked()
            && let Some(target) = state.new_target.clone()
        {
            let duration = design.simulation.duration_s.max(1.0);
            let warm = design.simulation.warmup_s.clamp(0.0, duration);
            let start = ((warm + (duration - warm) * 0.3) * 10.0).round() / 10.0;
            let end = ((start + (duration - warm) * 0.25).min(duration) * 10.0).round() / 10.0;
            let kind = KINDS.get(state.new_kind).copied().unwrap_or("outage");
            let name = unique_fault_name(list, &format!("{kind} {}", target_name(design, &target)));
            let mut next = list.to_vec();
            next.push(Fault {
                name,
                target,
                start_s: start,
                end_s: end.max(start + MIN_LEN_S),
                fault: new_kind(state.new_kind),
            });
            state.selected = Some(next.len() - 1);
            actions.push(Action::Edit(Command::SetFaults { scenario: state.scenario.clone(), faults: next }));
        }
        ui.weak(tr("timeline-drag-a-bar-to-move"));
    });
}

fn details(ui: &mut Ui, f: &Fault, i: usize, list: &[Fault], scenario: Option<&String>, actions: &mut Vec<Action>) {
    let mut g = f.clone();
    ui.horizontal(|ui| {
        ui.label(RichText::new(&f.name).strong());
        let l = ui.label(tr("timeline-start"));
        ui.add(style::number(&mut g.start_s).range(0.0..=g.end_s).speed(0.1).suffix(" s")).labelled_by(l.id);
        let l = ui.label(tr("timeline-end"));
        ui.add(style::number(&mut g.end_s).range(g.start_s..=1e6).speed(0.1).suffix(" s")).labelled_by(l.id);
        match &mut g.fault {
            FaultKind::Outage { replicas } => {
                let mut all = replicas.is_none();
                ui.checkbox(&mut all, tr("timeline-all-replicas"));
                if all {
                    *replicas = None;
                } else {
                    let mut n = replicas.unwrap_or(1);
                    ui.add(style::number(&mut n).range(1..=1000).suffix(tr("timeline-down")));
                    *replicas = Some(n);
                }
            }
            FaultKind::Latency { added_ms, factor } => {
                ui.add(style::number(added_ms).range(0.0..=1e6).prefix("+").suffix(" ms"));
                ui.add(style::number(factor).range(0.01..=1000.0).speed(0.01).prefix("×"));
            }
            FaultKind::Errors { probability } => {
                ui.add(egui::Slider::new(probability, 0.0..=1.0).text(tr("timeline-error-probability")));
            }
            FaultKind::Partition { mode } => {
                ui.selectable_value(mode, PartitionMode::FailFast, tr("timeline-fail-fast"));
                ui.selectable_value(mode, PartitionMode::Hang, tr("timeline-hang"));
            }
            FaultKind::BrokerOutage { lose_messages } => {
                ui.checkbox(lose_messages, tr("timeline-lose-buffered-messages"));
            }
        }
        if ui.button(tr("timeline-delete")).clicked() {
            let mut next = list.to_vec();
            next.remove(i);
            actions.push(Action::Edit(Command::SetFaults { scenario: scenario.cloned(), faults: next }));
            return;
        }
        if g != *f {
            let mut next = list.to_vec();
            if let Some(slot) = next.get_mut(i) {
                *slot = g;
            }
            actions.push(Action::EditMerging(
                Command::SetFaults { scenario: scenario.cloned(), faults: next },
                format!("fault-details-{i}"),
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_stay_unique() {
        let f = |name: &str| Fault {
            name: name.into(),
            target: "a".into(),
            start_s: 0.0,
            end_s: 1.0,
            fault: FaultKind::Outage { replicas: None },
        };
        assert_eq!(unique_fault_name(&[f("x")], "x"), "x 2");
        assert_eq!(unique_fault_name(&[f("x"), f("x 2")], "x"), "x 3");
        assert_eq!(unique_fault_name(&[], "x"), "x");
    }
}
