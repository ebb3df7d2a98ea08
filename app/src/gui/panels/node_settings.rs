//! The node inspector's settings sections, each editing a copy of one node:
//! capacity, the settings of its kind (cache, broker), operations, policies
//! (rate limit, outlier ejection, autoscaling) and deployment.

use egui::{Slider, Ui};
use engine::model::limits::MAX_REPLICAS_PER_NODE;
use engine::model::{
    Autoscaling, BrokerMode, BrokerSettings, CacheSettings, Concurrency, Healthcheck, LoadBalancer, Node, NodeKind,
    Operation, OutlierEjection, RateLimit,
};

use super::distribution;
use super::inspector::{combo, float, optional, row, uint, uint_in};
use crate::gui::i18n::tr;
use crate::gui::style;

pub(super) fn capacity_ui(ui: &mut Ui, node: &mut Node) {
    let cap = &mut node.capacity;
    egui::Grid::new("capacity").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        row(ui, &tr("inspector-replicas"), |ui| uint_in(ui, &mut cap.replicas, 1..=MAX_REPLICAS_PER_NODE, ""));
        row(ui, &tr("inspector-workers"), |ui| uint(ui, &mut cap.workers, 1, &tr("inspector-per-replica")));
        ui.label(tr("inspector-queue"));
        ui.horizontal(|ui| {
            let mut bounded = cap.queue_capacity.is_some();
            if ui.checkbox(&mut bounded, tr("inspector-bounded")).changed() {
                cap.queue_capacity = bounded.then_some(100);
            }
            if let Some(q) = &mut cap.queue_capacity {
                ui.add(style::number(q).range(0..=10_000_000).suffix(tr("inspector-waiting")));
            }
        });
        ui.end_row();
        row(ui, &tr("inspector-balancing"), |ui| {
            combo(
                ui,
                "lb",
                &mut cap.load_balancer,
                &[
                    (LoadBalancer::RoundRobin, &tr("inspector-round-robin")),
                    (LoadBalancer::Random, &tr("inspector-random")),
                    (LoadBalancer::LeastOutstanding, &tr("inspector-least-outstanding")),
                    (LoadBalancer::PowerOfTwo, &tr("inspector-power-of-two-choices")),
                ],
            )
        });
        row(ui, &tr("inspector-concurrency"), |ui| {
            combo(
                ui,
                "concurrency",
                &mut cap.concurrency,
                &[
                    (Concurrency::Blocking, &tr("inspector-blocking-sync-workers")),
                    (Concurrency::Async, &tr("inspector-async-released-while-waiting")),
                ],
            )
        });
    });
}

pub(super) fn kind_settings_ui(ui: &mut Ui, node: &mut Node) {
    match node.kind {
        NodeKind::Cache => {
            let cache = node.cache.get_or_insert(CacheSettings { hit_ratio: 0.9 });
            ui.horizontal(|ui| {
                ui.label(tr("inspector-hit-ratio"));
                ui.add(Slider::new(&mut cache.hit_ratio, 0.0..=1.0).max_decimals(3));
            });
        }
        NodeKind::Broker => {
            let broker = node.broker.get_or_insert_with(BrokerSettings::default);
            egui::Grid::new("broker").num_columns(2).show(ui, |ui| {
                row(ui, &tr("inspector-mode"), |ui| {
                    combo(
                        ui,
                        "mode",
                        &mut broker.mode,
                        &[
                            (BrokerMode::Queue, &tr("inspector-queue-competing-consumers")),
                            (BrokerMode::Topic, &tr("inspector-topic-copy-per-subscription")),
                        ],
                    )
                });
                ui.label(tr("inspector-buffer"));
                ui.horizontal(|ui| {
                    let mut bounded = broker.capacity_messages.is_some();
                    if ui.checkbox(&mut bounded, tr("inspector-bounded")).changed() {
                        broker.capacity_messages = bounded.then_some(100_000);
                    }
                    if let Some(c) = &mut broker.capacity_messages {
                        ui.add(style::number(c).suffix(tr("inspector-messages")));
                    }
                });
                ui.end_row();
            });
        }
        _ => {}
    }
}

pub(super) fn operations_ui(ui: &mut Ui, node: &mut Node) {
    let mut remove = None;
    for (i, op) in node.operations.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.text_edit_singleline(&mut op.name);
            if ui.small_button("✕").on_hover_text(tr("inspector-remove-the-operation")).clicked() {
                remove = Some(i);
            }
        });
        let mut own = op.service_time.is_some();
        if ui.checkbox(&mut own, tr("inspector-own-service-time")).changed() {
            op.service_time = own.then(|| node.service_time.clone());
        }
        if let Some(d) = &mut op.service_time {
            distribution::editor(ui, &format!("op{i}"), d);
        }
        ui.separator();
    }
    if let Some(i) = remove {
        node.operations.remove(i);
    }
    if ui.button(tr("inspector-add-operation")).clicked() {
        let n = node.operations.len() + 1;
        node.operations.push(Operation { name: format!("GET /op{n}"), service_time: None });
    }
}

pub(super) fn policies_ui(ui: &mut Ui, node: &mut Node) {
    let p = &mut node.policies;
    optional(ui, &tr("inspector-rate-limit"), &mut p.rate_limit, || RateLimit { rate_per_s: 100.0, burst: 20 });
    if let Some(rl) = &mut p.rate_limit {
        egui::Grid::new("rl").num_columns(2).show(ui, |ui| {
            row(ui, &tr("inspector-rate"), |ui| float(ui, &mut rl.rate_per_s, 0.0..=1.0e9, " /s"));
            row(ui, &tr("inspector-burst"), |ui| uint(ui, &mut rl.burst, 1, &tr("inspector-requests")));
        });
    }
    let replicas = node.capacity.replicas;
    optional(ui, &tr("inspector-autoscaling"), &mut p.autoscaling, || Autoscaling {
        min_replicas: replicas,
        max_replicas: replicas.saturating_mul(4).max(2),
        target_utilization: 0.7,
        evaluation_period_s: 15.0,
        scale_down_stabilization_s: 300.0,
        cold_start_s: 10.0,
    });
    if let Some(a) = &mut p.autoscaling {
        egui::Grid::new("hpa").num_columns(2).show(ui, |ui| {
            row(ui, &tr("inspector-min-replicas"), |ui| {
                uint_in(ui, &mut a.min_replicas, 1..=MAX_REPLICAS_PER_NODE, "")
            });
            row(ui, &tr("inspector-max-replicas"), |ui| {
                uint_in(ui, &mut a.max_replicas, 1..=MAX_REPLICAS_PER_NODE, "")
            });
            row(ui, &tr("inspector-target"), |ui| ui.add(Slider::new(&mut a.target_utilization, 0.05..=1.0)).changed());
            row(ui, &tr("inspector-evaluate-every"), |ui| float(ui, &mut a.evaluation_period_s, 0.1..=3600.0, " s"));
            row(ui, &tr("inspector-scale-down-wait"), |ui| {
                float(ui, &mut a.scale_down_stabilization_s, 0.0..=36_000.0, " s")
            });
            row(ui, &tr("inspector-cold-start"), |ui| float(ui, &mut a.cold_start_s, 0.0..=3600.0, " s"));
        });
    }
    optional(ui, &tr("inspector-outlier-ejection"), &mut p.outlier_ejection, || OutlierEjection {
        consecutive_errors: 5,
        interval_s: 10.0,
        base_ejection_s: 30.0,
        max_ejection_percent: 10.0,
    });
    if let Some(o) = &mut p.outlier_ejection {
        egui::Grid::new("oe").num_columns(2).show(ui, |ui| {
            row(ui, &tr("inspector-consecutive-errors"), |ui| uint(ui, &mut o.consecutive_errors, 1, ""));
            row(ui, &tr("inspector-sweep-every"), |ui| float(ui, &mut o.interval_s, 0.1..=3600.0, " s"));
            row(ui, &tr("inspector-ejection-time"), |ui| float(ui, &mut o.base_ejection_s, 0.1..=3600.0, " s"));
            row(ui, &tr("inspector-max-ejected"), |ui| float(ui, &mut o.max_ejection_percent, 0.0..=100.0, " %"));
        });
    }
}

pub(super) fn deployment_ui(ui: &mut Ui, node: &mut Node) {
    let d = &mut node.deployment;
    egui::Grid::new("deploy").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        ui.label(tr("inspector-image"));
        let mut image = d.image.clone().unwrap_or_default();
        if ui.add(egui::TextEdit::singleline(&mut image).hint_text("registry/name:tag")).changed() {
            d.image = Some(image.trim().to_owned()).filter(|s| !s.is_empty());
        }
        ui.end_row();
        ui.label(tr("inspector-port"));
        ui.horizontal(|ui| {
            let mut on = d.port.is_some();
            if ui.checkbox(&mut on, "").changed() {
                d.port = on.then_some(8080);
            }
            if let Some(p) = &mut d.port {
                ui.add(style::number(p).range(1..=65535));
            }
        });
        ui.end_row();
        ui.label(tr("inspector-cpu-request"));
        ui.horizontal(|ui| {
            let mut on = d.cpu_millicores.is_some();
            if ui.checkbox(&mut on, "").changed() {
                d.cpu_millicores = on.then_some(250);
            }
            if let Some(c) = &mut d.cpu_millicores {
                ui.add(style::number(c).range(1..=1_000_000).suffix(" m"));
            }
        });
        ui.end_row();
        ui.label(tr("inspector-memory-request"));
        ui.horizontal(|ui| {
            let mut on = d.memory_mib.is_some();
            if ui.checkbox(&mut on, "").changed() {
                d.memory_mib = on.then_some(256);
            }
            if let Some(m) = &mut d.memory_mib {
                ui.add(style::number(m).range(1..=10_000_000).suffix(" MiB"));
            }
        });
        ui.end_row();
        ui.label(tr("inspector-healthcheck"));
        ui.horizontal(|ui| {
            let mut on = d.healthcheck.is_some();
            if ui.checkbox(&mut on, "").changed() {
                d.healthcheck = on.then(|| Healthcheck { path: "/healthz".into(), interval_s: 10.0 });
            }
            if let Some(h) = &mut d.healthcheck {
                ui.add(egui::TextEdit::singleline(&mut h.path).desired_width(90.0));
                ui.add(style::number(&mut h.interval_s).range(1.0..=3600.0).suffix(" s"));
            }
        });
        ui.end_row();
    });
}
