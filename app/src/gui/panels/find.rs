//! Find (Ctrl+F): type part of a node's name, pick a match, and the view
//! centres on it.

use egui::{Key, RichText};

use crate::gui::action::Action;
use crate::gui::i18n::tr;
use crate::gui::view::ViewState;

/// Most matches listed.
const MAX_MATCHES: usize = 12;

/// Show the find box while it is open.
pub fn window(ctx: &egui::Context, design: &engine::Design, view: &mut ViewState, actions: &mut Vec<Action>) {
    let Some(mut query) = view.find.take() else { return };
    let mut open = true;
    let anchor = view.canvas.rect.center_top() + egui::vec2(0.0, 12.0);
    egui::Area::new(egui::Id::new("find"))
        .fixed_pos(anchor - egui::vec2(160.0, 0.0))
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_width(320.0);
                let resp = ui.add(
                    egui::TextEdit::singleline(&mut query)
                        .hint_text(tr("find-find-a-node-by-name"))
                        .desired_width(f32::INFINITY),
                );
                if view.find_focus {
                    resp.request_focus();
                    view.find_focus = false;
                }
                let q = query.to_lowercase();
                let matches: Vec<(String, String)> = design
                    .nodes
                    .iter()
                    .filter(|n| !q.is_empty() && (n.name.to_lowercase().contains(&q) || n.id.to_lowercase() == q))
                    .take(MAX_MATCHES)
                    .map(|n| (n.id.clone(), n.name.clone()))
                    .collect();
                let enter = ui.input(|i| i.key_pressed(Key::Enter));
                if !q.is_empty() && matches.is_empty() {
                    ui.weak(tr("find-no-node-matches"));
                }
                for (n, (id, name)) in matches.iter().enumerate() {
                    if ui.selectable_label(false, RichText::new(name)).clicked() || (enter && n == 0) {
                        actions.push(Action::Focus(id.clone()));
                        open = false;
                    }
                }
                if ui.input(|i| i.key_pressed(Key::Escape)) {
                    open = false;
                }
            });
        });
    if open {
        view.find = Some(query);
    }
}
