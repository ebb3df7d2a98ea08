//! Things drawn over the canvas: context menus of nodes, edges and empty
//! space, the inline rename box and the quick-add search box.

use egui::{Id, Key, Pos2, Rect, Ui, vec2};
use engine::Design;
use engine::model::EdgeKind;

use super::geometry::Geometry;
use super::{CanvasState, QuickAdd};
use crate::gui::action::Action;
use crate::gui::i18n::tr;
use crate::gui::{presets, style};

pub(super) fn node_menu(ui: &mut Ui, design: &Design, id: &str, actions: &mut Vec<Action>) {
    let Some(node) = design.node(id) else { return };
    if ui.button(tr("canvas-rename")).clicked() {
        actions.push(Action::Rename(id.to_owned()));
    }
    if ui.button(tr("canvas-duplicate")).clicked() {
        actions.push(Action::Duplicate);
    }
    if ui.button(tr("canvas-copy")).clicked() {
        actions.push(Action::Copy);
    }
    ui.menu_button(tr("canvas-connect-to"), |ui| {
        egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
            for other in design.nodes.iter().filter(|n| n.id != id) {
                if ui.button(&other.name).clicked() {
                    actions.push(Action::Connect { from: id.to_owned(), to: other.id.clone(), kind: None });
                }
            }
        });
    });
    ui.separator();
    if ui.button(tr("canvas-group-selection")).clicked() {
        actions.push(Action::Group);
    }
    if node.group.is_some() && ui.button(tr("canvas-ungroup")).clicked() {
        actions.push(Action::Ungroup);
    }
    ui.separator();
    if ui.button(tr("canvas-delete")).clicked() {
        actions.push(Action::Delete);
    }
}

pub(super) fn edge_menu(ui: &mut Ui, design: &Design, id: &str, actions: &mut Vec<Action>) {
    let Some(edge) = design.edge(id) else { return };
    ui.menu_button(tr("canvas-kind"), |ui| {
        for kind in EdgeKind::ALL {
            if ui.radio(edge.kind == kind, style::edge_kind_label(kind)).clicked() {
                let mut e = edge.clone();
                e.kind = kind;
                actions.push(Action::Edit(crate::gui::document::Command::SetEdge(Box::new(e))));
            }
        }
    });
    if ui.button(tr("canvas-reverse-direction")).clicked() {
        let mut e = edge.clone();
        std::mem::swap(&mut e.from, &mut e.to);
        actions.push(Action::Edit(crate::gui::document::Command::SetEdge(Box::new(e))));
    }
    ui.separator();
    if ui.button(tr("canvas-delete")).clicked() {
        actions.push(Action::Edit(crate::gui::document::Command::RemoveEdges(vec![id.to_owned()])));
    }
}

pub(super) fn canvas_menu(ui: &mut Ui, at: Option<Pos2>, actions: &mut Vec<Action>) {
    ui.menu_button(tr("canvas-add"), |ui| {
        for item in presets::palette() {
            if ui.button(tr(item.label)).clicked() {
                actions.push(Action::AddNode { preset: item.preset, kind: item.kind, at });
            }
        }
    });
    if ui.button(tr("canvas-paste")).clicked() {
        actions.push(Action::Paste(at));
    }
    if ui.button(tr("canvas-select-all")).clicked() {
        actions.push(Action::SelectAll);
    }
    ui.separator();
    if ui.button(tr("canvas-fit-to-view")).clicked() {
        actions.push(Action::FitView);
    }
    if ui.button(tr("canvas-auto-layout")).clicked() {
        actions.push(Action::AutoLayout);
    }
}

/// The inline rename box over a node.
pub(super) fn rename_ui(ui: &mut Ui, state: &mut CanvasState, geometry: &Geometry, actions: &mut Vec<Action>) {
    let Some((id, text)) = &mut state.rename else { return };
    let Some(world) = geometry.index.get(id.as_str()).and_then(|&i| geometry.rects.get(i)) else {
        state.rename = None;
        return;
    };
    let r = state.transform.mul_rect(*world);
    let edit_rect = Rect::from_center_size(r.center(), vec2(r.width().max(140.0), 24.0));
    let resp = ui.put(edit_rect, egui::TextEdit::singleline(text).id(Id::new("rename-node")));
    if state.rename_focus {
        resp.request_focus();
        state.rename_focus = false;
        return;
    }
    let (enter, escape) = ui.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
    if escape {
        state.rename = None;
    } else if enter || resp.lost_focus() {
        actions.push(Action::Edit(crate::gui::document::Command::Rename { id: id.clone(), name: text.clone() }));
        state.rename = None;
    }
}

impl CanvasState {
    /// Whether the quick-add box is open and its search field has the focus.
    #[must_use]
    pub fn quick_add_ready(&self) -> bool {
        self.quick_add.as_ref().is_some_and(|q| !q.focus)
    }

    /// Open the quick-add box at a screen point, adding at a world point.
    pub fn open_quick_add(&mut self, screen: Pos2, world: Pos2) {
        self.quick_add = Some(QuickAdd { screen, world, filter: String::new(), focus: true });
    }
}

/// The quick-add search box.
pub(super) fn quick_add_ui(ui: &mut Ui, state: &mut CanvasState, actions: &mut Vec<Action>) {
    let Some(qa) = &mut state.quick_add else { return };
    let mut close = false;
    egui::Area::new(Id::new("quick-add")).fixed_pos(qa.screen).order(egui::Order::Foreground).show(ui.ctx(), |ui| {
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            ui.set_width(220.0);
            let resp = ui.add(
                egui::TextEdit::singleline(&mut qa.filter)
                    .hint_text(tr("canvas-add-component"))
                    .id(Id::new("quick-add-filter")),
            );
            if qa.focus {
                resp.request_focus();
                qa.focus = false;
            }
            let filter = qa.filter.to_lowercase();
            let matches: Vec<presets::PaletteItem> =
                presets::palette().into_iter().filter(|p| tr(p.label).to_lowercase().contains(&filter)).collect();
            let enter = ui.input(|i| i.key_pressed(Key::Enter));
            for (n, item) in matches.iter().enumerate() {
                if ui.button(tr(item.label)).clicked() || (enter && n == 0) {
                    actions.push(Action::AddNode { preset: item.preset, kind: item.kind, at: Some(qa.world) });
                    close = true;
                }
            }
            if ui.input(|i| i.key_pressed(Key::Escape)) {
                close = true;
            }
        });
    });
    if close {
        state.quick_add = None;
    }
}
