//! The inspector's "Discovery" section: how a service's instances are
//! registered and found (none, server-side, client-side), with which
//! registry, and how fast a crashed instance leaves the list; and, for a
//! registry node, the services that register with it.
//!
//! Like the rest of the inspector it edits the inspector's copy of the node,
//! which leaves as one merged command; only "add a registry" emits its own
//! commands, merged into one undo step with the service's new setting.

use egui::{RichText, Ui};
use engine::Design;
use engine::model::{DeadInstance, Discovery, DiscoveryMode, Node, NodeKind, RegistryFailure};

use super::inspector::{combo, float, row_hint, uint};
use crate::gui::action::Action;
use crate::gui::document::Command;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::{edit, style};

// What each setting does, one sentence each (the rows' hover texts): catalogue keys.
const HINT_MODE: &str = "discovery-hint-mode";
const HINT_REGISTRY: &str = "discovery-hint-registry";
const HINT_TTL: &str = "discovery-hint-ttl";
const HINT_ON_FAILURE: &str = "discovery-hint-on-failure";
const HINT_INTERVAL: &str = "discovery-hint-interval";
const HINT_FAILURES: &str = "discovery-hint-failures";
const HINT_DEAD: &str = "discovery-hint-dead";

/// Preset of the registry added from a service that has none to pick.
const NEW_REGISTRY_PRESET: &str = "consul";

/// Whether nodes of this kind can be found through a registry (clients,
/// receivers and registries themselves cannot).
#[must_use]
pub fn applies(kind: NodeKind) -> bool {
    !matches!(kind, NodeKind::Client | NodeKind::Receiver | NodeKind::Registry)
}

/// Words for a mode, as the inspector's mode picker shows it.
#[must_use]
pub fn mode_label(mode: DiscoveryMode) -> String {
    tr(match mode {
        DiscoveryMode::ServerSide => "discovery-mode-server",
        DiscoveryMode::ClientSide => "discovery-mode-client",
    })
}

/// The live line under the settings: how long a crashed instance stays listed.
#[must_use]
pub fn eviction_line(d: &Discovery) -> String {
    let mean_s = d.health_check.mean_eviction_s();
    match d.mode {
        DiscoveryMode::ServerSide => tr_args("discovery-eviction-server", &[("mean", fmt_s(mean_s).into())]),
        DiscoveryMode::ClientSide => tr_args(
            "discovery-eviction-client",
            &[("mean", fmt_s(mean_s).into()), ("ttl", fmt_s(d.cache_ttl_s).into())],
        ),
    }
}

/// Seconds with as many digits as they need: `25 s`, `2.5 s`, `0.25 s`.
#[must_use]
pub fn fmt_s(v: f64) -> String {
    let digits = if v.abs() >= 10.0 || v.fract().abs() < 1e-9 {
        0
    } else if v.abs() >= 1.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$} s")
}

/// The registry nodes of a design, by id and name, in design order.
fn registries(design: &Design) -> Vec<(&str, &str)> {
    design.nodes.iter().filter(|n| n.kind == NodeKind::Registry).map(|n| (n.id.as_str(), n.name.as_str())).collect()
}

/// Show the section fitting the node's kind (nothing for clients and receivers).
pub fn section(ui: &mut Ui, design: &Design, node: &mut Node, actions: &mut Vec<Action>) {
    if node.kind == NodeKind::Registry {
        egui::CollapsingHeader::new(RichText::new(tr("discovery-registered-services")).strong())
            .default_open(true)
            .show(ui, |ui| registered_ui(ui, design, &node.id, actions));
    } else if applies(node.kind) {
        egui::CollapsingHeader::new(RichText::new(tr("discovery-discovery")).strong())
            .default_open(node.discovery.is_some())
            .show(ui, |ui| service_ui(ui, design, node, actions));
    }
}

/// A registry: the services whose instances register with it.
fn registered_ui(ui: &mut Ui, design: &Design, id: &str, actions: &mut Vec<Action>) {
    let services: Vec<(&Node, &Discovery)> = design
        .nodes
        .iter()
        .filter_map(|n| n.discovery.as_ref().filter(|d| d.registry.as_deref() == Some(id)).map(|d| (n, d)))
        .collect();
    if services.is_empty() {
        ui.weak(tr("discovery-no-service-registers-here-yet"));
        return;
    }
    for (service, d) in services {
        ui.horizontal(|ui| {
            if ui.link(&service.name).on_hover_text(tr("discovery-select-this-service")).clicked() {
                actions.push(Action::Focus(service.id.clone()));
            }
            let how = match d.mode {
                DiscoveryMode::ServerSide => tr("discovery-server-side"),
                DiscoveryMode::ClientSide => tr_args("discovery-client-ttl", &[("ttl", fmt_s(d.cache_ttl_s).into())]),
            };
            ui.weak(how);
        });
    }
}

/// A service: the mode, the registry and the settings of its discovery.
fn service_ui(ui: &mut Ui, design: &Design, node: &mut Node, actions: &mut Vec<Action>) {
    let registries = registries(design);
    let mut mode = node.discovery.as_ref().map(|d| d.mode);
    // One grid, so the settings line up under the mode picker.
    egui::Grid::new("discovery").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        let labels =
            [tr("discovery-mode-none"), mode_label(DiscoveryMode::ServerSide), mode_label(DiscoveryMode::ClientSide)];
        let options = [
            (None, labels[0].as_str()),
            (Some(DiscoveryMode::ServerSide), labels[1].as_str()),
            (Some(DiscoveryMode::ClientSide), labels[2].as_str()),
        ];
        if row_hint(ui, &tr("discovery-mode"), &tr(HINT_MODE), |ui| combo(ui, "discovery-mode", &mut mode, &options)) {
            node.discovery = mode.map(|mode| {
                let mut d = node.discovery.clone().unwrap_or_default();
                d.mode = mode;
                // Client-side callers must have a registry to ask: with only
                // one in the design there is nothing to choose.
                if mode == DiscoveryMode::ClientSide
                    && d.registry.is_none()
                    && let [(only, _)] = registries.as_slice()
                {
                    d.registry = Some((*only).to_owned());
                }
                d
            });
        }
        let Some(d) = node.discovery.as_mut() else { return };
        row_hint(ui, &tr("discovery-registry"), &tr(HINT_REGISTRY), |ui| registry_picker(ui, design, d, &registries));
        if d.mode == DiscoveryMode::ClientSide {
            row_hint(ui, &tr("discovery-cache-ttl"), &tr(HINT_TTL), |ui| {
                float(ui, &mut d.cache_ttl_s, 0.0..=86_400.0, " s")
            });
            row_hint(ui, &tr("discovery-on-registry-failure"), &tr(HINT_ON_FAILURE), |ui| {
                let labels = [tr("discovery-use-the-stale-cache"), tr("discovery-fail-the-call")];
                let options =
                    [(RegistryFailure::StaleCache, labels[0].as_str()), (RegistryFailure::Fail, labels[1].as_str())];
                combo(ui, "discovery-failure", &mut d.on_registry_failure, &options)
            });
        }
        row_hint(ui, &tr("discovery-health-check-every"), &tr(HINT_INTERVAL), |ui| {
            float(ui, &mut d.health_check.interval_s, 0.1..=3600.0, " s")
        });
        row_hint(ui, &tr("discovery-failures-before-removal"), &tr(HINT_FAILURES), |ui| {
            uint(ui, &mut d.health_check.failures_before_removal, 1, "")
        });
        row_hint(ui, &tr("discovery-dead-instance"), &tr(HINT_DEAD), |ui| {
            let labels = [tr("discovery-refused-at-once"), tr("discovery-hangs-until-timeout")];
            let options = [(DeadInstance::Refuse, labels[0].as_str()), (DeadInstance::Hang, labels[1].as_str())];
            combo(ui, "discovery-dead", &mut d.dead_instance, &options)
        });
    });
    let Some(d) = node.discovery.as_ref() else {
        ui.weak(tr("discovery-off-a-crashed-replica-stays"));
        return;
    };
    ui.label(RichText::new(eviction_line(d)).weak());
    if d.mode == DiscoveryMode::ClientSide && d.registry.is_none() && !registries.is_empty() {
        ui.colored_label(style::warning_text(ui), tr("discovery-pick-the-registry-callers-look"));
    }

    if registries.is_empty() {
        let need = if d.mode == DiscoveryMode::ClientSide {
            tr("discovery-need-registry-client")
        } else {
            tr("discovery-need-registry-server")
        };
        ui.colored_label(
            if d.mode == DiscoveryMode::ClientSide { style::warning_text(ui) } else { ui.visuals().weak_text_color() },
            need,
        );
        if ui
            .button(tr("discovery-add-a-consul-registry-next"))
            .on_hover_text(tr("discovery-adds-a-consul-node-beside"))
            .clicked()
        {
            add_registry(design, node, actions);
        }
    }
}

/// The registry combo: the design's registry nodes by name (and, for
/// server-side, the platform's own). Returns whether the choice changed.
fn registry_picker(ui: &mut Ui, design: &Design, d: &mut Discovery, registries: &[(&str, &str)]) -> bool {
    let current = match d.registry.as_deref() {
        None if d.mode == DiscoveryMode::ClientSide => tr("discovery-pick-registry"),
        None => tr("discovery-the-platform-s-own"),
        Some(id) => match registries.iter().find(|(rid, _)| *rid == id) {
            Some((_, name)) => (*name).to_owned(),
            None => tr_args("discovery-not-a-registry", &[("name", design.node_name(id).into())]),
        },
    };
    let mut picked: Option<Option<String>> = None;
    let resp = egui::ComboBox::from_id_salt("discovery-registry").selected_text(current).show_ui(ui, |ui| {
        if d.mode == DiscoveryMode::ServerSide
            && ui.selectable_label(d.registry.is_none(), tr("discovery-the-platform-s-own")).clicked()
        {
            picked = Some(None);
        }
        for (id, name) in registries {
            if ui.selectable_label(d.registry.as_deref() == Some(id), *name).clicked() {
                picked = Some(Some((*id).to_owned()));
            }
        }
        if registries.is_empty() {
            ui.weak(tr("discovery-no-registry-nodes-in-the"));
        }
    });
    super::inspector::labelled(ui, resp.response);
    match picked {
        Some(r) if r != d.registry => {
            d.registry = r;
            true
        }
        _ => false,
    }
}

/// Where a registry added for `service` goes: the first free spot beside it.
fn spot_beside(design: &Design, service: &Node) -> egui::Pos2 {
    let size = style::node_size(NodeKind::Registry);
    let centre = egui::pos2(service.position.x, service.position.y);
    let offsets = [(0.0, -120.0), (0.0, 120.0), (240.0, 0.0), (-240.0, 0.0), (0.0, -240.0), (0.0, 240.0)];
    let free = |p: egui::Pos2| {
        let r = egui::Rect::from_center_size(p, size).expand(10.0);
        design.nodes.iter().all(|n| {
            !egui::Rect::from_center_size(egui::pos2(n.position.x, n.position.y), style::node_size(n.kind))
                .intersects(r)
        })
    };
    offsets
        .iter()
        .map(|(dx, dy)| centre + egui::vec2(*dx, *dy))
        .find(|p| free(*p))
        .unwrap_or(centre + egui::vec2(0.0, -120.0))
}

/// Add a Consul registry beside the service and register the service with
/// it, as one undo step.
fn add_registry(design: &Design, service: &Node, actions: &mut Vec<Action>) {
    let registry = edit::new_node(design, NodeKind::Registry, Some(NEW_REGISTRY_PRESET), spot_beside(design, service));
    let mut updated = service.clone();
    let d = updated.discovery.get_or_insert_with(Discovery::default);
    d.registry = Some(registry.id.clone());
    let key = format!("add-registry:{}", service.id);
    actions.push(Action::Seal);
    actions.push(Action::EditMerging(Command::AddNode(Box::new(registry)), key.clone()));
    actions.push(Action::EditMerging(Command::SetNode(Box::new(updated)), key));
    actions.push(Action::Seal);
}

#[cfg(test)]
mod tests {
    use engine::model::DiscoveryHealthCheck;

    use super::*;

    #[test]
    fn eviction_line_adds_the_ttl_for_client_side() {
        let mut d = Discovery { mode: DiscoveryMode::ClientSide, cache_ttl_s: 15.0, ..Discovery::default() };
        assert_eq!(
            eviction_line(&d),
            "A crashed instance is evicted after ≈ 25 s on average (+ up to 15 s TTL for client-side callers)."
        );
        d.mode = DiscoveryMode::ServerSide;
        d.health_check = DiscoveryHealthCheck { interval_s: 2.0, failures_before_removal: 2 };
        assert_eq!(eviction_line(&d), "A crashed instance is evicted after ≈ 3 s on average.");
    }

    #[test]
    fn seconds_keep_the_digits_they_need() {
        assert_eq!(fmt_s(25.0), "25 s");
        assert_eq!(fmt_s(2.5), "2.5 s");
        assert_eq!(fmt_s(0.25), "0.25 s");
        assert_eq!(fmt_s(12.4), "12 s");
    }

    #[test]
    fn only_services_are_discovered() {
        assert!(applies(NodeKind::Service));
        assert!(applies(NodeKind::Database));
        assert!(!applies(NodeKind::Registry));
        assert!(!applies(NodeKind::Client));
        assert!(!applies(NodeKind::Receiver));
    }

    #[test]
    fn a_new_registry_lands_on_a_free_spot_beside_the_service() {
        let mut design = Design::default();
        let service = Node::new("s", "api", NodeKind::Service);
        let mut above = Node::new("x", "busy", NodeKind::Service);
        above.position.y = -120.0;
        design.nodes = vec![service.clone(), above];
        let p = spot_beside(&design, &service);
        assert_eq!((p.x, p.y), (0.0, 120.0), "above is taken, below is free");
    }
}
