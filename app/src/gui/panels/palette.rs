//! The left panel: the start section (samples, recent files) and the palette
//! of node kinds and presets. Drag an entry onto the canvas, or click it to
//! add it at the centre of the view.

use egui::{Color32, CursorIcon, FontId, RichText, Sense, Ui, WidgetInfo, WidgetType, vec2};

use crate::gui::action::Action;
use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::presets::{self, PaletteItem};
use crate::gui::style;

/// Show the left panel's contents.
pub fn panel(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        if app.settings.show_start {
            let open = egui::CollapsingHeader::new(RichText::new(tr("palette-start")).strong())
                .default_open(true)
                .show(ui, |ui| {
                    start_section(ui, app, actions);
                });
            open.header_response.on_hover_text(tr("palette-start-hint"));
            ui.add_space(6.0);
        }
        egui::CollapsingHeader::new(RichText::new(tr("palette-title")).strong()).default_open(true).show(ui, |ui| {
            ui.weak(tr("palette-drag-hint"));
            let items = presets::palette();
            ui.label(RichText::new(tr("palette-kinds")).small().weak());
            for item in items.iter().filter(|i| i.preset.is_none()) {
                palette_row(ui, *item, actions);
            }
            ui.add_space(4.0);
            ui.label(RichText::new(tr("palette-presets")).small().weak());
            for item in items.iter().filter(|i| i.preset.is_some()) {
                palette_row(ui, *item, actions);
            }
        });
    });
}

fn start_section(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        if ui.button(tr("palette-new-design")).clicked() {
            actions.push(Action::New);
        }
        if ui.button(tr("palette-open")).clicked() {
            actions.push(Action::Open(None));
        }
    });
    ui.add_space(4.0);
    if app.samples.is_empty() {
        ui.weak(tr("palette-no-samples"));
    } else {
        ui.label(RichText::new(tr("palette-samples")).small().weak());
    }
    let current = app.design().name.clone();
    for sample in &app.samples {
        let selected = sample.name == current;
        let resp = ui.selectable_label(selected, RichText::new(&sample.name).strong()).on_hover_text(tr_args(
            "palette-sample-hint",
            &[
                ("description", sample.description.as_str().into()),
                ("count", sample.nodes.into()),
                ("path", sample.path.display().to_string().into()),
            ],
        ));
        if !sample.description.is_empty() {
            // One readable line (the whole text is in the tooltip): six
            // paragraphs of fine print would push the palette off screen.
            let first = sample.description.split(". ").next().unwrap_or(&sample.description);
            ui.add(egui::Label::new(RichText::new(first).size(11.5).weak()).truncate())
                .on_hover_text(&sample.description);
        }
        if resp.clicked() {
            actions.push(Action::Open(Some(sample.path.clone())));
        }
        ui.add_space(2.0);
    }
    if !app.settings.recent.is_empty() {
        ui.add_space(4.0);
        ui.label(RichText::new(tr("palette-recent")).small().weak());
        for path in app.settings.recent.iter().take(5) {
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            if ui.link(name).on_hover_text(path.display().to_string()).clicked() {
                actions.push(Action::Open(Some(path.clone())));
            }
        }
    }
}

/// One palette entry: icon and label; click to add, drag to place.
fn palette_row(ui: &mut Ui, item: PaletteItem, actions: &mut Vec<Action>) {
    let width = ui.available_width();
    let (rect, resp) = ui.allocate_exact_size(vec2(width, 26.0), Sense::click_and_drag());
    resp.widget_info(|| {
        WidgetInfo::labeled(WidgetType::Button, true, tr_args("palette-add", &[("item", tr(item.label).into())]))
    });
    let resp = resp.on_hover_text(tr(item.about)).on_hover_cursor(CursorIcon::Grab);
    if resp.drag_started() {
        resp.dnd_set_drag_payload(item);
    }
    if resp.clicked() {
        actions.push(Action::AddNode { preset: item.preset, kind: item.kind, at: None });
    }
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    if resp.hovered() || resp.dragged() {
        painter.rect_filled(rect, 4.0, visuals.widgets.hovered.weak_bg_fill);
    }
    let color = style::kind_color(item.kind);
    let icon = egui::Rect::from_center_size(rect.left_center() + vec2(16.0, 0.0), vec2(16.0, 16.0));
    painter.extend(style::icon_shapes(item.kind, icon, color));
    painter.text(
        rect.left_center() + vec2(34.0, 0.0),
        egui::Align2::LEFT_CENTER,
        tr(item.label),
        FontId::proportional(13.5),
        visuals.text_color(),
    );
    if resp.dragged()
        && let Some(p) = ui.ctx().pointer_interact_pos()
    {
        // A ghost of the entry under the pointer while dragging.
        let layer = egui::LayerId::new(egui::Order::Tooltip, egui::Id::new("palette-ghost"));
        let ghost = ui.ctx().layer_painter(layer);
        let r = egui::Rect::from_center_size(p, vec2(150.0, 26.0));
        ghost.rect_filled(r, 6.0, Color32::from_black_alpha(140));
        ghost.text(r.center(), egui::Align2::CENTER_CENTER, tr(item.label), FontId::proportional(13.0), Color32::WHITE);
    }
}
