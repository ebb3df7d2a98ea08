//! The inspector: every property of the selection with a fitting widget and
//! its unit. Widgets edit a copy; a changed copy leaves as one command, and
//! edits of the same item merge into one undo step until the pointer is
//! released (a whole slider drag is one step).

use egui::{Checkbox, RichText, Slider, Ui};
use engine::capacity::Load;
use engine::model::{CacheSettings, Node, NodeKind};

use super::distribution::{self, fmt_ms};
use super::node_settings::{capacity_ui, deployment_ui, kind_settings_ui, operations_ui, policies_ui};
use super::{discovery_inspector, edge_inspector};
use crate::gui::action::Action;
use crate::gui::document::Command;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::style;
use crate::gui::view::PanelContext;

/// Inspector state kept between frames.
#[derive(Debug, Default)]
pub struct InspectorState {
    /// Name being typed for a node (id, text), kept while it clashes.
    pub name_edit: Option<(String, String)>,
    /// Target chosen in "Connect to".
    pub connect_to: Option<String>,
}

fn row_label_key() -> egui::Id {
    egui::Id::new("inspector-row-label")
}

/// A labelled row in a two-column grid. Value widgets added by the helpers
/// below are linked to the row's label, so screen readers (and tests) find
/// the "Replicas" field by its name.
pub fn row(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui) -> bool) -> bool {
    let label = ui.label(label);
    ui.data_mut(|d| d.insert_temp(row_label_key(), label.id));
    let changed = add(ui);
    ui.data_mut(|d| d.remove::<egui::Id>(row_label_key()));
    ui.end_row();
    changed
}

/// A [`row`] whose label and value explain themselves on hover.
pub fn row_hint(ui: &mut Ui, label: &str, hint: &str, add: impl FnOnce(&mut Ui) -> bool) -> bool {
    let label = ui.label(label).on_hover_text(hint);
    ui.data_mut(|d| d.insert_temp(row_label_key(), label.id));
    let value = ui.scope(add);
    value.response.on_hover_text(hint);
    ui.data_mut(|d| d.remove::<egui::Id>(row_label_key()));
    ui.end_row();
    value.inner
}

/// Link a value widget to the label of the row it is in.
pub fn labelled(ui: &Ui, response: egui::Response) -> egui::Response {
    match ui.data(|d| d.get_temp::<egui::Id>(row_label_key())) {
        Some(id) => response.labelled_by(id),
        None => response,
    }
}

/// A whole-number field.
pub fn uint(ui: &mut Ui, v: &mut u32, min: u32, suffix: &str) -> bool {
    uint_in(ui, v, min..=1_000_000, suffix)
}

/// An integer field within `range`.
pub fn uint_in(ui: &mut Ui, v: &mut u32, range: std::ops::RangeInclusive<u32>, suffix: &str) -> bool {
    let resp = ui.add(style::number(v).range(range).speed(0.2).suffix(suffix));
    labelled(ui, resp).changed()
}

/// A float field with unit suffix.
pub fn float(ui: &mut Ui, v: &mut f64, range: std::ops::RangeInclusive<f64>, suffix: &str) -> bool {
    let speed = (v.abs() * 0.01).max(0.01);
    let resp = ui.add(style::number(v).range(range).speed(speed).suffix(suffix).max_decimals(3));
    labelled(ui, resp).changed()
}

/// An optional section: a checkbox that creates the default value or removes it.
pub fn optional<T>(ui: &mut Ui, label: &str, value: &mut Option<T>, default: impl FnOnce() -> T) -> bool {
    let mut on = value.is_some();
    let changed = ui.add(Checkbox::new(&mut on, label)).changed();
    if changed {
        *value = if on { Some(default()) } else { None };
    }
    changed
}

/// A combo box over a fixed list.
pub fn combo<T: PartialEq + Copy>(ui: &mut Ui, id: &str, value: &mut T, options: &[(T, &str)]) -> bool {
    let current = options.iter().find(|(v, _)| v == value).map_or("?", |(_, l)| *l);
    let mut changed = false;
    let resp = egui::ComboBox::from_id_salt(id).selected_text(current).show_ui(ui, |ui| {
        for (v, label) in options {
            if ui.selectable_label(v == value, *label).clicked() && v != value {
                *value = *v;
                changed = true;
            }
        }
    });
    labelled(ui, resp.response);
    changed
}

/// Show the inspector's contents.
pub fn panel(ui: &mut Ui, cx: &mut PanelContext<'_>, actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.add_space(4.0);
        if let Some(id) = cx.view.selection.single_node().map(str::to_owned) {
            node_ui(ui, cx, &id, actions);
        } else if let Some(id) = cx.view.selection.single_edge().map(str::to_owned) {
            edge_inspector::edge_ui(ui, cx, &id, actions);
        } else if let Some(name) = cx.view.selection.workload.clone().filter(|_| cx.view.selection.nodes.is_empty()) {
            edge_inspector::workload_ui(ui, cx, &name, actions);
        } else if !cx.view.selection.nodes.is_empty() || !cx.view.selection.edges.is_empty() {
            multi_ui(ui, cx, actions);
        } else if let Some(group) = cx.view.selection.group.clone() {
            group_ui(ui, cx, &group, actions);
        } else {
            design_ui(ui, cx, actions);
        }
    });
}

fn multi_ui(ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
    ui.heading(tr_args(
        "inspector-multi-selected",
        &[("nodes", cx.view.selection.nodes.len().into()), ("edges", cx.view.selection.edges.len().into())],
    ));
    ui.horizontal_wrapped(|ui| {
        if ui.button(tr("inspector-group")).clicked() {
            actions.push(Action::Group);
        }
        if ui.button(tr("inspector-ungroup")).clicked() {
            actions.push(Action::Ungroup);
        }
        if ui.button(tr("inspector-duplicate")).clicked() {
            actions.push(Action::Duplicate);
        }
        if ui.button(tr("inspector-delete")).clicked() {
            actions.push(Action::Delete);
        }
    });
}

fn group_ui(ui: &mut Ui, cx: &PanelContext<'_>, group: &str, actions: &mut Vec<Action>) {
    ui.heading(tr("inspector-group"));
    let members: Vec<&Node> = cx.design.nodes.iter().filter(|n| n.group.as_deref() == Some(group)).collect();
    let mut name = group.to_owned();
    ui.horizontal(|ui| {
        ui.label(tr("inspector-name"));
        if ui.text_edit_singleline(&mut name).changed() && !name.trim().is_empty() {
            actions.push(Action::EditMerging(
                Command::RenameGroup { from: group.to_owned(), to: name.clone() },
                "group-name".into(),
            ));
        }
    });
    ui.label(tr_args("inspector-members", &[("count", members.len().into())]));
    for m in &members {
        if ui.link(&m.name).clicked() {
            actions.push(Action::Focus(m.id.clone()));
        }
    }
    if ui.button(tr("inspector-ungroup")).clicked() {
        actions.push(Action::Ungroup);
    }
}

fn design_ui(ui: &mut Ui, cx: &mut PanelContext<'_>, actions: &mut Vec<Action>) {
    let mut select = None;
    let d = cx.design;
    ui.heading(tr("inspector-design"));
    ui.weak(tr("inspector-nothing-selected-these-are-the"));
    let (mut name, mut description) = (d.name.clone(), d.description.clone());
    let mut changed = false;
    ui.label(tr("inspector-name"));
    changed |= ui.text_edit_singleline(&mut name).changed();
    ui.label(tr("inspector-description"));
    egui::ScrollArea::vertical().id_salt("design-description").max_height(140.0).show(ui, |ui| {
        changed |=
            ui.add(egui::TextEdit::multiline(&mut description).desired_rows(3).desired_width(f32::INFINITY)).changed();
    });
    if changed {
        actions.push(Action::EditMerging(Command::SetInfo { name, description }, "design-info".into()));
    }
    ui.separator();
    ui.label(RichText::new(tr("inspector-simulation")).strong());
    let mut sim = d.simulation.clone();
    let changed = egui::Grid::new("sim").num_columns(2).show(ui, |ui| {
        let mut c = row(ui, &tr("inspector-duration"), |ui| float(ui, &mut sim.duration_s, 0.001..=1.0e7, " s"));
        c |= row(ui, &tr("inspector-warm-up"), |ui| float(ui, &mut sim.warmup_s, 0.0..=1.0e7, " s"));
        c |= row(ui, &tr("inspector-seed"), |ui| ui.add(style::number(&mut sim.seed)).changed());
        c |= row(ui, &tr("inspector-replications"), |ui| uint(ui, &mut sim.replications, 1, ""));
        c |= row(ui, &tr("inspector-max-in-flight"), |ui| {
            uint(ui, &mut sim.max_in_flight, 1, &tr("inspector-requests"))
        });
        c |= row(ui, &tr("inspector-window"), |ui| float(ui, &mut sim.window_s, 0.001..=1.0e6, " s"));
        c
    });
    if changed.inner {
        actions.push(Action::EditMerging(Command::SetSimulation(Box::new(sim)), "simulation".into()));
    }
    ui.separator();
    ui.label(RichText::new(tr("inspector-workloads")).strong());
    if d.workloads.is_empty() {
        ui.weak(tr("inspector-no-traffic-yet-add-a"));
    }
    for w in &d.workloads {
        let est = cx.analysis.estimate.workloads.iter().find(|e| e.name == w.name);
        let text = match est {
            Some(e) => format!(
                "{} → {}  ·  {:.0}/s · ~{}",
                w.name,
                d.node_name(&w.entry),
                e.throughput_per_s,
                fmt_ms(e.response_time_ms)
            ),
            None => format!("{} → {}", w.name, d.node_name(&w.entry)),
        };
        if ui.link(text).clicked() {
            select = Some(w.name.clone());
        }
    }
    if ui.button(tr("inspector-add-workload")).on_hover_text("Ctrl+Shift+A").clicked() {
        actions.push(Action::AddWorkload);
    }
    if let Some(name) = select {
        cx.view.selection.clear();
        cx.view.selection.workload = Some(name);
    }
}

#[allow(clippy::too_many_lines, reason = "one form, top to bottom")]
fn node_ui(ui: &mut Ui, cx: &mut PanelContext<'_>, id: &str, actions: &mut Vec<Action>) {
    let Some(original) = cx.design.node(id).cloned() else { return };
    let mut node = original.clone();
    let key = format!("node:{id}");

    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 22.0), egui::Sense::hover());
        ui.painter().extend(style::icon_shapes(node.kind, rect, style::kind_color(node.kind)));
        ui.heading(style::kind_label(node.kind));
    });
    ui.weak(format!("id {}", node.id));

    // The name is typed into a buffer so a clash does not fight the user.
    let mut name = match &cx.view.inspector.name_edit {
        Some((eid, text)) if eid == id => text.clone(),
        _ => node.name.clone(),
    };
    let clash = name != node.name && cx.design.nodes.iter().any(|n| n.id != id && n.name == name.trim());
    egui::Grid::new("node-basics").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        ui.label(tr("inspector-name"));
        let resp = ui.text_edit_singleline(&mut name);
        if resp.changed() {
            cx.view.inspector.name_edit = Some((id.to_owned(), name.clone()));
        }
        ui.end_row();
        if clash {
            ui.label("");
            ui.colored_label(style::error_text(ui), tr("inspector-another-node-has-this-name"));
            ui.end_row();
        }
        let labels: Vec<(NodeKind, String)> = NodeKind::ALL.iter().map(|k| (*k, style::kind_label(*k))).collect();
        let kinds: Vec<(NodeKind, &str)> = labels.iter().map(|(k, l)| (*k, l.as_str())).collect();
        row(ui, &tr("inspector-kind"), |ui| combo(ui, "kind", &mut node.kind, &kinds));
        ui.label(tr("inspector-group"));
        let mut group = node.group.clone().unwrap_or_default();
        if ui.text_edit_singleline(&mut group).changed() {
            node.group = Some(group.trim().to_owned()).filter(|g| !g.is_empty());
        }
        ui.end_row();
        if node.kind == NodeKind::Receiver {
            ui.label(tr("inspector-host"));
            let hosts: Vec<(String, String)> = cx
                .design
                .nodes
                .iter()
                .filter(|n| n.kind != NodeKind::Receiver && n.id != id)
                .map(|n| (n.id.clone(), n.name.clone()))
                .collect();
            let current =
                node.host.as_ref().map_or_else(|| tr("inspector-no-host"), |h| cx.design.node_name(h).to_owned());
            egui::ComboBox::from_id_salt("host").selected_text(current).show_ui(ui, |ui| {
                for (hid, hname) in hosts {
                    if ui.selectable_label(node.host.as_deref() == Some(hid.as_str()), hname).clicked() {
                        node.host = Some(hid);
                    }
                }
            });
            ui.end_row();
        }
        if let Some(p) = &node.preset {
            ui.label(tr("inspector-preset"));
            ui.label(p);
            ui.end_row();
        }
    });
    let trimmed = name.trim();
    if !clash && !trimmed.is_empty() && trimmed != node.name {
        trimmed.clone_into(&mut node.name);
    }
    if name == original.name {
        cx.view.inspector.name_edit = None;
    }
    ui.label(tr("inspector-description"));
    ui.add(egui::TextEdit::multiline(&mut node.description).desired_rows(2).desired_width(f32::INFINITY));

    load_ui(ui, cx, id);
    super::cost::inspector_row(ui, cx.design, &node);

    if node.kind != NodeKind::Client {
        egui::CollapsingHeader::new(RichText::new(tr("inspector-capacity")).strong())
            .default_open(true)
            .show(ui, |ui| capacity_ui(ui, &mut node));
        egui::CollapsingHeader::new(RichText::new(tr("inspector-service-time")).strong()).default_open(true).show(
            ui,
            |ui| {
                distribution::editor(ui, "service", &mut node.service_time);
                ui.horizontal(|ui| {
                    ui.label(tr("inspector-error-probability"));
                    ui.add(Slider::new(&mut node.error_probability, 0.0..=1.0).max_decimals(4));
                });
            },
        );
    }
    kind_settings_ui(ui, &mut node);
    if node.kind.is_deployable() {
        ui.collapsing(RichText::new(tr("inspector-operations")).strong(), |ui| operations_ui(ui, &mut node));
        ui.collapsing(RichText::new(tr("inspector-policies")).strong(), |ui| policies_ui(ui, &mut node));
    }
    discovery_inspector::section(ui, cx.design, &mut node, actions);
    if node.kind.is_deployable() {
        ui.collapsing(RichText::new(tr("inspector-deployment")).strong(), |ui| deployment_ui(ui, &mut node));
    }
    edge_inspector::connections_ui(ui, cx, id, actions);

    if node != original {
        if node.kind != original.kind {
            // Kind-specific settings follow the kind.
            node.cache = (node.kind == NodeKind::Cache)
                .then(|| original.cache.clone().unwrap_or(CacheSettings { hit_ratio: 0.9 }));
            node.broker = (node.kind == NodeKind::Broker).then(|| original.broker.clone().unwrap_or_default());
            if !discovery_inspector::applies(node.kind) {
                node.discovery = None;
            }
        }
        actions.push(Action::EditMerging(Command::SetNode(Box::new(node)), key));
    }
}

fn load_ui(ui: &mut Ui, cx: &PanelContext<'_>, id: &str) {
    let Some(est) = cx.analysis.node(id) else { return };
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr("inspector-instant-estimate")).strong());
            ui.weak(tr("inspector-analytic-no-simulation"));
        });
        match est.utilization {
            Some(u) => {
                let (word, color) = match est.load {
                    Load::Overloaded => ("load-overloaded", style::rho_color(1.0)),
                    Load::Hot => ("load-hot", style::rho_color(0.85)),
                    Load::Calm => ("load-calm", style::rho_color(0.1)),
                    Load::Idle => ("load-idle", ui.visuals().weak_text_color()),
                };
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("ρ = {u:.2}")).strong().color(style::rho_color(u)));
                    ui.label(RichText::new(tr(word)).color(color));
                });
                ui.add(egui::ProgressBar::new(u.clamp(0.0, 1.0) as f32).fill(style::rho_color(u)).desired_height(6.0));
            }
            None => {
                ui.weak(tr("inspector-no-workers-of-its-own"));
            }
        }
        egui::Grid::new("load").num_columns(2).show(ui, |ui| {
            ui.label(tr("inspector-arrivals"));
            ui.label(format!("{:.1} /s", est.arrival_rate_per_s));
            ui.end_row();
            ui.label(tr("inspector-service"));
            ui.label(fmt_ms(est.service_time_ms));
            ui.end_row();
            ui.label(tr("inspector-worker-held"));
            ui.label(fmt_ms(est.holding_time_ms));
            ui.end_row();
            ui.label(tr("inspector-queueing"));
            ui.label(fmt_ms(est.wait_time_ms));
            ui.end_row();
            ui.label(tr("inspector-response"));
            ui.label(fmt_ms(est.response_time_ms));
            ui.end_row();
        });
    });
}
