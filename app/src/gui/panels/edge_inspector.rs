//! The inspector for edges and workloads, and a node's connections list.

use egui::{RichText, Slider, Ui};
use engine::Design;
use engine::model::{
    Arrival, ArrivalProcess, Backoff, Branch, Bulkhead, CallPolicy, CircuitBreaker, Distribution, EdgeKind, Fallback,
    RateProfile, Retries, RetryOn, Slo, SloLatency, SubscriptionSettings, Workload,
};

use super::distribution;
use super::inspector::{combo, float, optional, row, uint};
use crate::gui::action::Action;
use crate::gui::document::Command;
use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::style;
use crate::gui::view::PanelContext;

/// A new open-loop workload of 50 requests per second into `entry`.
#[must_use]
pub fn new_workload(design: &Design, entry: &str) -> Workload {
    let name = (1..design.workloads.len() + 2)
        .map(|n| if n == 1 { "traffic".to_owned() } else { format!("traffic-{n}") })
        .find(|n| !design.workloads.iter().any(|w| &w.name == n))
        .unwrap_or_default();
    Workload {
        name,
        entry: entry.to_owned(),
        operation: None,
        arrival: Arrival::Open { process: ArrivalProcess::Poisson, rate_per_s: 50.0, profile: RateProfile::Constant },
    }
}

/// A node's incoming and outgoing edges, and "connect to".
pub fn connections_ui(ui: &mut Ui, cx: &mut PanelContext<'_>, id: &str, actions: &mut Vec<Action>) {
    ui.collapsing(RichText::new(tr("edge-connections")).strong(), |ui| {
        let d = cx.design;
        let mut select = None;
        for e in d.edges.iter().filter(|e| e.from == id || e.to == id) {
            let text = if e.from == id {
                format!("→ {} ({})", d.node_name(&e.to), style::edge_kind_label(e.kind))
            } else {
                format!("← {} ({})", d.node_name(&e.from), style::edge_kind_label(e.kind))
            };
            if ui.link(text).clicked() {
                select = Some(e.id.clone());
            }
        }
        let targets: Vec<(String, String)> =
            d.nodes.iter().filter(|n| n.id != id).map(|n| (n.id.clone(), n.name.clone())).collect();
        ui.horizontal(|ui| {
            let chosen = cx.view.inspector.connect_to.clone().filter(|t| targets.iter().any(|(tid, _)| tid == t));
            let label = chosen
                .as_ref()
                .and_then(|c| targets.iter().find(|(t, _)| t == c))
                .map_or_else(|| tr("edge-choose"), |(_, n)| n.clone());
            egui::ComboBox::from_id_salt("connect-to").selected_text(label).width(140.0).show_ui(ui, |ui| {
                for (tid, name) in &targets {
                    if ui.selectable_label(chosen.as_deref() == Some(tid.as_str()), name).clicked() {
                        cx.view.inspector.connect_to = Some(tid.clone());
                    }
                }
            });
            if ui.add_enabled(chosen.is_some(), egui::Button::new(tr("edge-connect"))).clicked()
                && let Some(to) = chosen
            {
                actions.push(Action::Connect { from: id.to_owned(), to, kind: None });
            }
        });
        if ui.button(tr("edge-add-workload-entering-here")).clicked() {
            actions.push(Action::Edit(Command::AddWorkload(Box::new(new_workload(cx.design, id)))));
        }
        if let Some(e) = select {
            cx.view.selection.only_edge(&e);
        }
    });
}

fn node_combo(ui: &mut Ui, salt: &str, design: &Design, value: &mut String) -> bool {
    let mut changed = false;
    egui::ComboBox::from_id_salt(salt).selected_text(design.node_name(value).to_owned()).show_ui(ui, |ui| {
        for n in &design.nodes {
            if ui.selectable_label(*value == n.id, &n.name).clicked() && *value != n.id {
                value.clone_from(&n.id);
                changed = true;
            }
        }
    });
    changed
}

fn opt_text(ui: &mut Ui, value: &mut Option<String>, hint: &str) -> bool {
    let mut text = value.clone().unwrap_or_default();
    let changed = ui.add(egui::TextEdit::singleline(&mut text).hint_text(hint)).changed();
    if changed {
        *value = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    }
    changed
}

/// The inspector for one edge.
pub fn edge_ui(ui: &mut Ui, cx: &mut PanelContext<'_>, id: &str, actions: &mut Vec<Action>) {
    let Some(original) = cx.design.edge(id).cloned() else { return };
    let mut edge = original.clone();
    let d = cx.design;
    ui.heading(tr_args("edge-heading", &[("kind", style::edge_kind_label(edge.kind).into())]));
    ui.weak(format!("id {}", edge.id));
    egui::Grid::new("edge").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        row(ui, &tr("edge-from"), |ui| node_combo(ui, "from", d, &mut edge.from));
        row(ui, &tr("edge-to"), |ui| node_combo(ui, "to", d, &mut edge.to));
        let labels: Vec<(EdgeKind, String)> = EdgeKind::ALL.iter().map(|k| (*k, style::edge_kind_label(*k))).collect();
        let kinds: Vec<(EdgeKind, &str)> = labels.iter().map(|(k, l)| (*k, l.as_str())).collect();
        row(ui, &tr("edge-kind"), |ui| combo(ui, "edge-kind", &mut edge.kind, &kinds));
        row(ui, &tr("edge-step-order"), |ui| uint(ui, &mut edge.order, 0, ""));
        row(ui, &tr("edge-operation"), |ui| opt_text(ui, &mut edge.operation, &tr("edge-every-operation")));
        row(ui, &tr("edge-target-operation"), |ui| opt_text(ui, &mut edge.target_operation, &tr("edge-default")));
        row(ui, &tr("edge-parallel-group"), |ui| opt_text(ui, &mut edge.parallel_group, &tr("edge-sequential")));
        row(ui, &tr("edge-probability"), |ui| {
            ui.add(Slider::new(&mut edge.probability, 0.0..=1.0).max_decimals(3)).changed()
        });
        row(ui, &tr("edge-calls-per-request"), |ui| uint(ui, &mut edge.calls_per_request, 1, "×"));
        ui.label(tr("edge-payload"));
        ui.horizontal(|ui| {
            let mut on = edge.payload_bytes.is_some();
            if ui.checkbox(&mut on, "").changed() {
                edge.payload_bytes = on.then_some(1024);
            }
            if let Some(b) = &mut edge.payload_bytes {
                ui.add(style::number(b).suffix(tr("inspector-bytes")));
            }
        });
        ui.end_row();
        if edge.kind == EdgeKind::Signal {
            row(ui, &tr("edge-signal"), |ui| opt_text(ui, &mut edge.signal, "post_save"));
            row(ui, &tr("edge-robust"), |ui| {
                ui.checkbox(&mut edge.robust, tr("edge-send-robust-errors-do-not")).changed()
            });
        }
    });
    optional(ui, &tr("edge-weighted-branch"), &mut edge.branch, || Branch { group: "branch".into(), weight: 1.0 });
    if let Some(b) = &mut edge.branch {
        egui::Grid::new("branch").num_columns(2).show(ui, |ui| {
            row(ui, &tr("edge-group"), |ui| ui.text_edit_singleline(&mut b.group).changed());
            row(ui, &tr("edge-weight"), |ui| float(ui, &mut b.weight, 0.0..=1.0e6, ""));
        });
    }
    optional(ui, &tr("edge-network-latency"), &mut edge.network_latency, || Distribution::Lognormal {
        p50_ms: 0.5,
        p99_ms: 5.0,
    });
    if let Some(n) = &mut edge.network_latency {
        distribution::editor(ui, "net", n);
    }
    if edge.kind == EdgeKind::Subscription {
        let s = edge.subscription.get_or_insert_with(SubscriptionSettings::default);
        ui.label(RichText::new(tr("edge-consumer")).strong());
        egui::Grid::new("sub").num_columns(2).show(ui, |ui| {
            row(ui, &tr("edge-concurrency"), |ui| uint(ui, &mut s.concurrency, 1, &tr("edge-messages")));
            row(ui, &tr("edge-max-deliveries"), |ui| uint(ui, &mut s.max_deliveries, 1, ""));
            row(ui, &tr("edge-redelivery-delay"), |ui| float(ui, &mut s.redelivery_delay_ms, 0.0..=1.0e7, " ms"));
        });
    }
    if edge.kind == EdgeKind::Event {
        ui.horizontal(|ui| {
            ui.label(tr("edge-when-the-broker-is-full"));
            let mut when = edge.publish.as_ref().map(|p| p.when_full).unwrap_or_default();
            let labels = [tr("edge-when-full-drop"), tr("edge-when-full-error"), tr("edge-when-full-block")];
            let options = [
                (engine::model::WhenFull::Drop, labels[0].as_str()),
                (engine::model::WhenFull::Error, labels[1].as_str()),
                (engine::model::WhenFull::Block, labels[2].as_str()),
            ];
            if combo(ui, "when_full", &mut when, &options) {
                edge.publish = (when != engine::model::WhenFull::Drop)
                    .then_some(engine::model::PublishSettings { when_full: when });
            }
        });
    }
    if edge.kind == EdgeKind::Call {
        ui.collapsing(RichText::new(tr("edge-resilience-policy")).strong(), |ui| {
            let mut policy = edge.policy.clone().unwrap_or_default();
            policy_ui(ui, &mut policy);
            edge.policy = (!policy.is_empty()).then_some(policy);
        });
    }
    if let Some(sev) = cx.analysis.edge_severity(id) {
        let color = if sev == engine::validate::Severity::Error { style::ERROR_COLOR } else { style::WARNING_COLOR };
        for p in
            cx.analysis.problems.iter().filter(|p| matches!(&p.target, engine::validate::Target::Edge(e) if e == id))
        {
            ui.colored_label(color, crate::gui::i18n::tr_message(&p.message));
        }
    }
    ui.add_space(6.0);
    if ui.button(tr("edge-delete-edge")).clicked() {
        actions.push(Action::Edit(Command::RemoveEdges(vec![id.to_owned()])));
        return;
    }
    if edge != original {
        actions.push(Action::EditMerging(Command::SetEdge(Box::new(edge)), format!("edge:{id}")));
    }
}

fn opt_ms(ui: &mut Ui, label: &str, value: &mut Option<f64>, default: f64) {
    ui.label(label);
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        if ui.checkbox(&mut on, "").changed() {
            *value = on.then_some(default);
        }
        if let Some(v) = value {
            float(ui, v, 0.0..=1.0e7, " ms");
        }
    });
    ui.end_row();
}

fn policy_ui(ui: &mut Ui, p: &mut CallPolicy) {
    egui::Grid::new("timeouts").num_columns(2).show(ui, |ui| {
        opt_ms(ui, &tr("edge-timeout"), &mut p.timeout_ms, 1000.0);
        opt_ms(ui, &tr("edge-per-try-timeout"), &mut p.per_try_timeout_ms, 300.0);
    });
    ui.checkbox(&mut p.propagate_cancellation, tr("edge-cancel-the-callee-s-work"))
        .on_hover_text(tr("edge-off-the-callee-finishes-abandoned"));
    optional(ui, &tr("edge-retries"), &mut p.retries, || Retries {
        max_attempts: 3,
        retry_on: vec![RetryOn::Error, RetryOn::Timeout],
        backoff: Some(Backoff::Exponential { base_ms: 25.0, max_ms: 250.0 }),
        jitter: 0.5,
        budget_ratio: None,
    });
    if let Some(r) = &mut p.retries {
        egui::Grid::new("retries").num_columns(2).show(ui, |ui| {
            row(ui, &tr("edge-attempts"), |ui| uint(ui, &mut r.max_attempts, 1, &tr("edge-in-all")));
            ui.label(tr("edge-retry-on"));
            ui.horizontal(|ui| {
                for (on, label) in
                    [(RetryOn::Error, "error"), (RetryOn::Timeout, "timeout"), (RetryOn::Rejected, "rejected")]
                {
                    let mut set = r.retry_on.contains(&on);
                    if ui.checkbox(&mut set, label).changed() {
                        r.retry_on.retain(|x| *x != on);
                        if set {
                            r.retry_on.push(on);
                            r.retry_on.sort();
                        }
                    }
                }
            });
            ui.end_row();
            row(ui, &tr("edge-jitter"), |ui| ui.add(Slider::new(&mut r.jitter, 0.0..=1.0)).changed());
            ui.label(tr("edge-backoff"));
            ui.horizontal(|ui| {
                let mut kind = match r.backoff {
                    None => 0,
                    Some(Backoff::Fixed { .. }) => 1,
                    Some(Backoff::Exponential { .. }) => 2,
                };
                if combo(
                    ui,
                    "backoff",
                    &mut kind,
                    &[(0, &tr("edge-none")), (1, &tr("edge-fixed")), (2, &tr("edge-exponential"))],
                ) {
                    r.backoff = match kind {
                        1 => Some(Backoff::Fixed { delay_ms: 50.0 }),
                        2 => Some(Backoff::Exponential { base_ms: 25.0, max_ms: 250.0 }),
                        _ => None,
                    };
                }
                match &mut r.backoff {
                    Some(Backoff::Fixed { delay_ms }) => {
                        float(ui, delay_ms, 0.0..=1.0e6, " ms");
                    }
                    Some(Backoff::Exponential { base_ms, max_ms }) => {
                        float(ui, base_ms, 0.0..=1.0e6, " ms");
                        ui.label(tr("edge-to-2"));
                        float(ui, max_ms, 0.0..=1.0e6, " ms");
                    }
                    None => {}
                }
            });
            ui.end_row();
            ui.label(tr("edge-retry-budget"));
            ui.horizontal(|ui| {
                let mut on = r.budget_ratio.is_some();
                if ui.checkbox(&mut on, "").changed() {
                    r.budget_ratio = on.then_some(0.2);
                }
                if let Some(b) = &mut r.budget_ratio {
                    ui.add(Slider::new(b, 0.0..=1.0).text(tr("edge-of-calls")));
                }
            });
            ui.end_row();
        });
    }
    optional(ui, &tr("edge-circuit-breaker"), &mut p.circuit_breaker, || CircuitBreaker {
        consecutive_failures: Some(5),
        failure_ratio: None,
        window_calls: 20,
        open_s: 10.0,
        half_open_probes: 1,
    });
    if let Some(b) = &mut p.circuit_breaker {
        egui::Grid::new("breaker").num_columns(2).show(ui, |ui| {
            ui.label(tr("edge-consecutive-failures"));
            ui.horizontal(|ui| {
                let mut on = b.consecutive_failures.is_some();
                if ui.checkbox(&mut on, "").changed() {
                    b.consecutive_failures = on.then_some(5);
                }
                if let Some(c) = &mut b.consecutive_failures {
                    ui.add(style::number(c).range(1..=10_000));
                }
            });
            ui.end_row();
            ui.label(tr("edge-failure-ratio"));
            ui.horizontal(|ui| {
                let mut on = b.failure_ratio.is_some();
                if ui.checkbox(&mut on, "").changed() {
                    b.failure_ratio = on.then_some(0.5);
                }
                if let Some(f) = &mut b.failure_ratio {
                    ui.add(Slider::new(f, 0.0..=1.0));
                }
            });
            ui.end_row();
            row(ui, &tr("edge-window"), |ui| uint(ui, &mut b.window_calls, 1, &tr("edge-calls")));
            row(ui, &tr("edge-open-for"), |ui| float(ui, &mut b.open_s, 0.0..=3600.0, " s"));
            row(ui, &tr("edge-half-open-probes"), |ui| uint(ui, &mut b.half_open_probes, 1, ""));
        });
    }
    optional(ui, &tr("edge-bulkhead"), &mut p.bulkhead, || Bulkhead { max_concurrent: 10 });
    if let Some(b) = &mut p.bulkhead {
        ui.horizontal(|ui| {
            ui.label(tr("edge-max-concurrent"));
            uint(ui, &mut b.max_concurrent, 1, " calls");
        });
    }
    optional(ui, &tr("edge-fallback"), &mut p.fallback, || Fallback { latency_ms: 1.0 });
    if let Some(f) = &mut p.fallback {
        ui.horizontal(|ui| {
            ui.label(tr("edge-fallback-latency"));
            float(ui, &mut f.latency_ms, 0.0..=1.0e6, " ms");
        });
    }
}

/// The inspector for one workload and its SLO.
#[allow(clippy::too_many_lines, reason = "one form, top to bottom")]
pub fn workload_ui(ui: &mut Ui, cx: &mut PanelContext<'_>, name: &str, actions: &mut Vec<Action>) {
    let d = cx.design;
    // The position only keys the merging of one field's keystrokes (it
    // stays while the name is typed); the workload is addressed by name.
    let Some(index) = d.workloads.iter().position(|w| w.name == name) else { return };
    let Some(original) = d.workloads.get(index).cloned() else { return };
    let mut w = original.clone();
    ui.heading(tr("edge-workload"));
    egui::Grid::new("workload").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        row(ui, &tr("edge-name"), |ui| ui.text_edit_singleline(&mut w.name).changed());
        row(ui, &tr("edge-entry"), |ui| node_combo(ui, "entry", d, &mut w.entry));
        row(ui, &tr("edge-operation"), |ui| opt_text(ui, &mut w.operation, &tr("edge-default")));
        ui.label(tr("edge-arrivals"));
        let mut open = matches!(w.arrival, Arrival::Open { .. });
        if combo(
            ui,
            "arrival",
            &mut open,
            &[(true, &tr("edge-open-loop-rate")), (false, &tr("edge-closed-loop-users"))],
        ) {
            w.arrival = if open {
                Arrival::Open { process: ArrivalProcess::Poisson, rate_per_s: 50.0, profile: RateProfile::Constant }
            } else {
                Arrival::Closed { users: 50, think_time: Distribution::Exponential { mean_ms: 1000.0 } }
            };
        }
        ui.end_row();
        match &mut w.arrival {
            Arrival::Open { process, rate_per_s, profile } => {
                row(ui, &tr("edge-process"), |ui| {
                    combo(
                        ui,
                        "process",
                        process,
                        &[
                            (ArrivalProcess::Poisson, &tr("edge-poisson")),
                            (ArrivalProcess::Constant, &tr("edge-evenly-spaced")),
                        ],
                    )
                });
                row(ui, &tr("edge-rate"), |ui| float(ui, rate_per_s, 0.0..=1.0e9, " req/s"));
                profile_ui(ui, profile);
            }
            Arrival::Closed { users, .. } => {
                row(ui, &tr("edge-users"), |ui| uint(ui, users, 1, ""));
            }
        }
    });
    if let Arrival::Closed { think_time, .. } = &mut w.arrival {
        ui.label(tr("edge-think-time"));
        distribution::editor(ui, "think", think_time);
    }
    // The SLO for this workload.
    let slo_index = d.slos.iter().position(|s| s.workload == original.name);
    let mut slo = slo_index.and_then(|i| d.slos.get(i)).cloned();
    ui.separator();
    let slo_changed = optional(ui, &tr("edge-service-level-objective"), &mut slo, || Slo {
        workload: original.name.clone(),
        latency: Some(SloLatency { percentile: 99.0, max_ms: 500.0 }),
        max_error_rate: Some(0.01),
    });
    let mut slo_edit = slo_changed;
    if let Some(s) = &mut slo {
        egui::Grid::new("slo").num_columns(2).show(ui, |ui| {
            ui.label(tr("edge-latency"));
            ui.horizontal(|ui| {
                let mut on = s.latency.is_some();
                if ui.checkbox(&mut on, "").changed() {
                    s.latency = on.then_some(SloLatency { percentile: 99.0, max_ms: 500.0 });
                    slo_edit = true;
                }
                if let Some(l) = &mut s.latency {
                    ui.label("p");
                    slo_edit |= ui.add(style::number(&mut l.percentile).range(1.0..=99.999).speed(0.1)).changed();
                    ui.label("≤");
                    slo_edit |= float(ui, &mut l.max_ms, 0.0..=1.0e7, " ms");
                }
            });
            ui.end_row();
            ui.label(tr("edge-error-rate"));
            ui.horizontal(|ui| {
                let mut on = s.max_error_rate.is_some();
                if ui.checkbox(&mut on, "").changed() {
                    s.max_error_rate = on.then_some(0.01);
                    slo_edit = true;
                }
                if let Some(e) = &mut s.max_error_rate {
                    slo_edit |= ui.add(Slider::new(e, 0.0..=1.0).max_decimals(4).text(tr("edge-at-most"))).changed();
                }
            });
            ui.end_row();
        });
    }
    if let Some(est) = cx.analysis.estimate.workloads.iter().find(|e| e.name == original.name) {
        ui.weak(tr_args(
            "edge-estimate",
            &[("rate", num(est.throughput_per_s, 1)), ("response", distribution::fmt_ms(est.response_time_ms).into())],
        ));
    }
    ui.add_space(6.0);
    if ui.button(tr("edge-delete-workload")).clicked() {
        actions.push(Action::Edit(Command::RemoveWorkload(original.name.clone())));
        return;
    }
    if w != original {
        actions.push(Action::EditMerging(
            Command::SetWorkload { name: original.name.clone(), workload: Box::new(w) },
            format!("workload:{index}"),
        ));
    }
    if slo_edit {
        let mut slos: Vec<Slo> = d.slos.iter().filter(|s| s.workload != original.name).cloned().collect();
        if let Some(s) = slo {
            slos.push(s);
        }
        actions.push(Action::EditMerging(Command::SetSlos(slos), format!("slo:{index}")));
    }
}

fn profile_ui(ui: &mut Ui, profile: &mut RateProfile) {
    ui.label(tr("edge-profile"));
    let mut kind = match profile {
        RateProfile::Constant => 0,
        RateProfile::Ramp { .. } => 1,
        RateProfile::Step { .. } => 2,
        RateProfile::Spike { .. } => 3,
        RateProfile::Diurnal { .. } => 4,
    };
    if combo(
        ui,
        "profile",
        &mut kind,
        &[
            (0, &tr("edge-constant")),
            (1, &tr("edge-ramp")),
            (2, &tr("edge-step")),
            (3, &tr("edge-spike")),
            (4, &tr("edge-diurnal")),
        ],
    ) {
        *profile = match kind {
            1 => RateProfile::Ramp { start_s: 10.0, end_s: 50.0, to_factor: 2.0 },
            2 => RateProfile::Step { at_s: 30.0, factor: 2.0 },
            3 => RateProfile::Spike { at_s: 30.0, duration_s: 5.0, factor: 5.0 },
            4 => RateProfile::Diurnal { period_s: 60.0, amplitude: 0.5 },
            _ => RateProfile::Constant,
        };
    }
    ui.end_row();
    match profile {
        RateProfile::Constant => {}
        RateProfile::Ramp { start_s, end_s, to_factor } => {
            row(ui, &tr("edge-from"), |ui| float(ui, start_s, 0.0..=1.0e7, " s"));
            row(ui, &tr("edge-to"), |ui| float(ui, end_s, 0.0..=1.0e7, " s"));
            row(ui, &tr("edge-reaching"), |ui| float(ui, to_factor, 0.0..=1000.0, "×"));
        }
        RateProfile::Step { at_s, factor } => {
            row(ui, &tr("edge-at"), |ui| float(ui, at_s, 0.0..=1.0e7, " s"));
            row(ui, &tr("edge-factor"), |ui| float(ui, factor, 0.0..=1000.0, "×"));
        }
        RateProfile::Spike { at_s, duration_s, factor } => {
            row(ui, &tr("edge-at"), |ui| float(ui, at_s, 0.0..=1.0e7, " s"));
            row(ui, &tr("edge-for"), |ui| float(ui, duration_s, 0.0..=1.0e7, " s"));
            row(ui, &tr("edge-factor"), |ui| float(ui, factor, 0.0..=1000.0, "×"));
        }
        RateProfile::Diurnal { period_s, amplitude } => {
            row(ui, &tr("edge-period"), |ui| float(ui, period_s, 0.001..=1.0e7, " s"));
            row(ui, &tr("edge-amplitude"), |ui| ui.add(Slider::new(amplitude, 0.0..=1.0)).changed());
        }
    }
}
