//! The minimap: the whole design in a corner of the canvas with the visible
//! area outlined; click or drag in it to move the view.

use egui::emath::TSTransform;
use egui::{Color32, Rect, Sense, Stroke, StrokeKind, Ui, vec2};
use engine::Design;

use crate::gui::canvas::CanvasState;
use crate::gui::canvas::geometry::Geometry;
use crate::gui::style;

/// Size of the minimap, logical pixels.
const SIZE: egui::Vec2 = vec2(200.0, 130.0);

/// Show the minimap in the bottom-right corner of the canvas.
pub fn show(ui: &mut Ui, design: &Design, geometry: &Geometry, canvas: &mut CanvasState) {
    // Above the results scrubber, when there is one.
    let area = canvas.free_view();
    // Only when the design does not fit: a small design needs no map.
    let visible = canvas.transform.inverse().mul_rect(area);
    if design.nodes.len() < 2 || visible.contains_rect(geometry.bounds) {
        return;
    }
    let rect = Rect::from_min_size(area.max - SIZE - vec2(12.0, 12.0), SIZE);
    if !area.contains_rect(rect) {
        return;
    }
    let resp = ui.interact(rect, ui.id().with("minimap"), Sense::click_and_drag());
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Other, true, "Minimap"));
    let world = geometry.bounds.expand(40.0);
    let scale = (rect.width() / world.width()).min(rect.height() / world.height());
    let offset = rect.center().to_vec2() - world.center().to_vec2() * scale;
    let to_map = TSTransform::new(offset, scale);
    let dark = ui.visuals().dark_mode;
    let painter = ui.painter_at(rect);
    let bg = if dark {
        Color32::from_rgba_unmultiplied(15, 17, 21, 230)
    } else {
        Color32::from_rgba_unmultiplied(255, 255, 255, 235)
    };
    painter.rect(
        rect,
        6.0,
        bg,
        Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
        StrokeKind::Inside,
    );
    for (node, r) in design.nodes.iter().zip(&geometry.rects) {
        let m = to_map.mul_rect(*r);
        let m = if m.width() < 2.0 { Rect::from_center_size(m.center(), vec2(2.0, 2.0)) } else { m };
        painter.rect_filled(m, 1.0, style::kind_color(node.kind));
    }
    painter.rect_stroke(
        to_map.mul_rect(visible).intersect(rect),
        2.0,
        Stroke::new(1.5, style::SELECTION_COLOR),
        StrokeKind::Inside,
    );
    if (resp.clicked() || resp.dragged())
        && let Some(p) = resp.interact_pointer_pos()
    {
        let target = to_map.inverse().mul_pos(p);
        let zoom = canvas.zoom();
        canvas.transform = TSTransform::new(area.center().to_vec2() - target.to_vec2() * zoom, zoom);
    }
}
