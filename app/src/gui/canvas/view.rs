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

/// Largest zoom change per frame (per wheel notch).
pub const MAX_ZOOM_STEP: f32 = 1.25;

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

    /// Zoom by a factor around a screen point, at most [`MAX_ZOOM_STEP`]
    /// either way (one wheel notch arrives in one frame).
    pub fn zoom_around(&mut self, factor: f32, screen: Pos2) {
        let factor = factor.clamp(1.0 / MAX_ZOOM_STEP, MAX_ZOOM_STEP);
        let zoom = (self.transform.scaling * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        let factor = zoom / self.transform.scaling;
        let around = TSTransform::from_translation(screen.to_vec2())
            * TSTransform::from_scaling(factor)
            * TSTransform::from_translation(-screen.to_vec2());
        self.transform = around * self.transform;
    }

    /// The free view changed size since last frame (a panel opened or
    /// closed): what is on screen stays where it is, so the canvas does not
    /// jump; only when the whole design was in view and no longer fits is it
    /// fitted again, so none of it ends up under the panel.
    pub(super) fn follow_resize(&mut self, bounds: Rect) {
        let view = self.free_view();
        let old = self.last_view;
        self.last_view = view;
        if !old.is_positive() || (old.size() - view.size()).length() < 0.5 && old.min == view.min {
            return;
        }
        let was_visible = !bounds.is_positive() || self.transform.inverse().mul_rect(old).contains_rect(bounds);
        self.transform.translation += view.min - old.min;
        let still_visible = !bounds.is_positive() || self.transform.inverse().mul_rect(view).contains_rect(bounds);
        if was_visible && !still_visible {
            self.fit_pending = true;
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
    fn a_panel_opening_or_closing_does_not_move_what_is_on_screen() {
        let bounds = Rect::from_min_size(pos2(0.0, 0.0), vec2(4000.0, 4000.0));
        let canvas = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 900.0));
        let mut s = CanvasState { rect: canvas, fit_pending: false, ..CanvasState::default() };
        s.follow_resize(bounds);
        s.transform = TSTransform::new(vec2(-500.0, -500.0), 1.0);
        let before = s.transform;
        // The problems panel opens at the bottom, then closes.
        s.rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 760.0));
        s.follow_resize(bounds);
        assert_eq!(s.transform, before, "nothing moved");
        s.rect = canvas;
        s.follow_resize(bounds);
        assert_eq!(s.transform, before, "nothing moved");
        assert!(!s.fit_pending);
        // A fitted small design that still fits stays put too.
        let small = Rect::from_min_size(pos2(0.0, 0.0), vec2(300.0, 200.0));
        let mut s = fitted(canvas, small);
        let before = s.transform;
        s.rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 760.0));
        s.follow_resize(small);
        assert_eq!(s.transform, before);
        assert!(!s.fit_pending);
    }

    #[test]
    fn one_wheel_notch_zooms_at_most_one_and_a_quarter_towards_the_pointer() {
        let mut s = CanvasState::default();
        let p = pos2(300.0, 200.0);
        let world = s.transform.inverse().mul_pos(p);
        s.zoom_around(4.0, p);
        assert!((s.transform.scaling - MAX_ZOOM_STEP).abs() < 1e-6, "{}", s.transform.scaling);
        assert!((s.transform.inverse().mul_pos(p) - world).length() < 1e-3, "the point under the pointer stays");
        s.zoom_around(0.01, p);
        assert!((s.transform.scaling - 1.0).abs() < 1e-6, "{}", s.transform.scaling);
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
