//! Fitting the view: fit a world rectangle into the free part of the canvas,
//! zoom around a point, and keep the design in view when the canvas changes
//! size (the first frames while panels settle, the results dock opening).

use egui::emath::TSTransform;
use egui::{Pos2, Rect};

use super::{CanvasState, ZOOM_RANGE};

/// Margin kept around a fitted rectangle, screen pixels.
const FIT_MARGIN: f32 = 30.0;
/// Height of the results scrubber at the canvas's foot, with its gap.
pub const SCRUBBER_INSET: f32 = 44.0;

impl CanvasState {
    /// The part of the canvas not covered by overlays.
    #[must_use]
    pub fn free_view(&self) -> Rect {
        let mut view = self.rect;
        view.max.y -= self.bottom_inset.min(view.height() / 2.0);
        view
    }

    /// Make `world` fill the free part of the canvas with a margin.
    pub fn fit_rect(&mut self, world: Rect) {
        let view = self.free_view().shrink(FIT_MARGIN);
        if !world.is_positive() || !view.is_positive() {
            return;
        }
        let zoom = (view.width() / world.width()).min(view.height() / world.height()).clamp(ZOOM_RANGE.0, 1.25);
        let translation = view.center().to_vec2() - world.center().to_vec2() * zoom;
        self.transform = TSTransform::new(translation, zoom);
    }

    /// Zoom by a factor around a screen point.
    pub fn zoom_around(&mut self, factor: f32, screen: Pos2) {
        let zoom = (self.transform.scaling * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        let factor = zoom / self.transform.scaling;
        let around = TSTransform::from_translation(screen.to_vec2())
            * TSTransform::from_scaling(factor)
            * TSTransform::from_translation(-screen.to_vec2());
        self.transform = around * self.transform;
    }

    /// The free view changed size since last frame: when the whole design
    /// was in view, fit it again so none of it ends up under a panel; when
    /// the user was looking at a part, keep that part in the middle.
    pub(super) fn follow_resize(&mut self, bounds: Rect) {
        let view = self.free_view();
        let old = self.last_view;
        self.last_view = view;
        if !old.is_positive() || (old.size() - view.size()).length() < 0.5 && old.min == view.min {
            return;
        }
        let whole_design_was_visible =
            !bounds.is_positive() || self.transform.inverse().mul_rect(old).contains_rect(bounds);
        if whole_design_was_visible {
            self.fit_pending = true;
        } else {
            self.transform.translation += view.center() - old.center();
        }
    }
}

#[cfg(test)]
mod tests {
    use egui::{pos2, vec2};

    use super::*;

    fn fitted(canvas: Rect, bounds: Rect) -> CanvasState {
        let mut s = CanvasState { rect: canvas, ..CanvasState::default() };
        s.follow_resize(bounds);
        s.fit_rect(bounds);
        s.fit_pending = false;
        s
    }

    #[test]
    fn a_fitted_design_is_fitted_again_when_the_canvas_shrinks() {
        let bounds = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 800.0));
        let mut s = fitted(Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 900.0)), bounds);
        // The results dock opens: the canvas loses its lower half.
        s.rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 450.0));
        s.follow_resize(bounds);
        assert!(s.fit_pending);
        s.fit_rect(bounds);
        let seen = s.transform.inverse().mul_rect(s.free_view());
        assert!(seen.contains_rect(bounds), "{seen:?} should contain {bounds:?}");
    }

    #[test]
    fn a_zoomed_in_view_keeps_its_centre() {
        let bounds = Rect::from_min_size(pos2(0.0, 0.0), vec2(4000.0, 4000.0));
        let canvas = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 900.0));
        let mut s = CanvasState { rect: canvas, fit_pending: false, ..CanvasState::default() };
        s.follow_resize(bounds);
        s.transform = TSTransform::new(vec2(-500.0, -500.0), 1.0);
        let centre = s.view_center_world();
        s.rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 500.0));
        s.follow_resize(bounds);
        assert!(!s.fit_pending);
        let new_centre = s.transform.inverse().mul_pos(s.free_view().center());
        assert!((new_centre.x - centre.x).abs() < 1e-3 && (new_centre.y - centre.y).abs() < 1e-3);
    }

    #[test]
    fn fitting_leaves_the_scrubber_clear() {
        let bounds = Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 800.0));
        let mut s = fitted(Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 800.0)), bounds);
        s.bottom_inset = SCRUBBER_INSET;
        s.fit_rect(bounds);
        let bottom = s.transform.mul_rect(bounds).max.y;
        assert!(bottom <= 800.0 - SCRUBBER_INSET, "design bottom {bottom} under the scrubber");
    }
}
