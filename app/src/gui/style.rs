//! Colours, sizes and icons of the canvas: how each node kind and edge kind
//! looks, and the colour scale of utilization.

use egui::{Color32, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};
use engine::model::{EdgeKind, NodeKind};

use crate::gui::i18n::{tr, tr_args};

/// Accent colour of a node kind (readable on dark and light backgrounds).
#[must_use]
pub fn kind_color(kind: NodeKind) -> Color32 {
    match kind {
        NodeKind::Service => Color32::from_rgb(59, 130, 246),
        NodeKind::Gateway => Color32::from_rgb(139, 92, 246),
        NodeKind::Database => Color32::from_rgb(217, 119, 6),
        NodeKind::Cache => Color32::from_rgb(225, 29, 72),
        NodeKind::Broker => Color32::from_rgb(13, 148, 136),
        NodeKind::Client => Color32::from_rgb(100, 116, 139),
        NodeKind::Receiver => Color32::from_rgb(22, 163, 74),
        NodeKind::Registry => Color32::from_rgb(192, 38, 211),
    }
}

/// Human name of a node kind, in the UI's language.
#[must_use]
pub fn kind_label(kind: NodeKind) -> String {
    tr(match kind {
        NodeKind::Service => "kind-service",
        NodeKind::Gateway => "kind-gateway",
        NodeKind::Database => "kind-database",
        NodeKind::Cache => "kind-cache",
        NodeKind::Broker => "kind-broker",
        NodeKind::Client => "kind-client",
        NodeKind::Receiver => "kind-receiver",
        NodeKind::Registry => "kind-registry",
    })
}

/// Human name of an edge kind, in the UI's language.
#[must_use]
pub fn edge_kind_label(kind: EdgeKind) -> String {
    tr(match kind {
        EdgeKind::Call => "edge-kind-call",
        EdgeKind::Event => "edge-kind-event",
        EdgeKind::Subscription => "edge-kind-subscription",
        EdgeKind::Signal => "edge-kind-signal",
    })
}

/// Size of a node on the canvas in world units (logical pixels at zoom 1).
#[must_use]
pub fn node_size(kind: NodeKind) -> Vec2 {
    match kind {
        NodeKind::Receiver => vec2(150.0, 30.0),
        NodeKind::Client => vec2(150.0, 56.0),
        _ => vec2(168.0, 60.0),
    }
}

/// Colour of an edge kind.
#[must_use]
pub fn edge_color(kind: EdgeKind, dark: bool) -> Color32 {
    match (kind, dark) {
        (EdgeKind::Call, true) => Color32::from_rgb(148, 163, 184),
        (EdgeKind::Call, false) => Color32::from_rgb(71, 85, 105),
        (EdgeKind::Event | EdgeKind::Subscription, true) => Color32::from_rgb(45, 212, 191),
        (EdgeKind::Event | EdgeKind::Subscription, false) => Color32::from_rgb(13, 148, 136),
        (EdgeKind::Signal, true) => Color32::from_rgb(74, 222, 128),
        (EdgeKind::Signal, false) => Color32::from_rgb(22, 163, 74),
    }
}

/// Colour of a utilization ρ, on the estimate's own thresholds (the words
/// "calm", "hot", "overloaded" and the problems bar use the same): green when
/// calm, amber when hot (≥ 0.8), red when overloaded (≥ 1).
#[must_use]
pub fn rho_color(rho: f64) -> Color32 {
    if !rho.is_finite() || rho >= 1.0 {
        Color32::from_rgb(220, 38, 38)
    } else if rho >= engine::capacity::HOT {
        Color32::from_rgb(234, 88, 12)
    } else {
        Color32::from_rgb(22, 163, 74)
    }
}

/// Colour of problem severities.
pub const ERROR_COLOR: Color32 = Color32::from_rgb(239, 68, 68);
/// Colour of warnings.
pub const WARNING_COLOR: Color32 = Color32::from_rgb(245, 158, 11);
/// Warning text readable on the theme's panels: the amber of
/// [`WARNING_COLOR`] is too pale on white, so light panels get a deeper one.
#[must_use]
pub fn warning_text(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode { WARNING_COLOR } else { Color32::from_rgb(180, 83, 9) }
}

/// Error text readable on the theme's panels (a deeper red on white).
#[must_use]
pub fn error_text(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode { ERROR_COLOR } else { Color32::from_rgb(200, 30, 30) }
}

/// Selection halo.
pub const SELECTION_COLOR: Color32 = Color32::from_rgb(56, 189, 248);

/// The node body fill: the kind colour washed into the background.
#[must_use]
pub fn node_fill(kind: NodeKind, dark: bool) -> Color32 {
    let bg = if dark { Color32::from_rgb(30, 33, 40) } else { Color32::from_rgb(255, 255, 255) };
    lerp_color(bg, kind_color(kind), if dark { 0.22 } else { 0.10 })
}

/// Blend two colours.
#[must_use]
pub fn lerp_color(a: Color32, b: Color32, t: f32) -> Color32 {
    let mix = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
}

/// Shapes of a node kind's icon filling `rect` (square).
#[must_use]
pub fn icon_shapes(kind: NodeKind, rect: Rect, color: Color32) -> Vec<Shape> {
    let c = rect.center();
    let s = rect.width().min(rect.height()) / 2.0;
    let stroke = Stroke::new((s * 0.16).max(1.0), color);
    let p = |x: f32, y: f32| pos2(c.x + x * s, c.y + y * s);
    match kind {
        NodeKind::Service => {
            // A hexagon: the usual glyph of a deployable unit.
            let pts: Vec<Pos2> = (0..6)
                .map(|i| {
                    let a = std::f32::consts::TAU * (i as f32) / 6.0 + std::f32::consts::FRAC_PI_6;
                    p(0.9 * a.cos(), 0.9 * a.sin())
                })
                .collect();
            vec![Shape::closed_line(pts, stroke), Shape::circle_filled(c, s * 0.28, color)]
        }
        NodeKind::Gateway => {
            // A door frame with an arrow through it.
            vec![
                Shape::line(vec![p(-0.3, -0.9), p(-0.3, 0.9)], stroke),
                Shape::line(vec![p(-0.9, 0.0), p(0.8, 0.0)], stroke),
                Shape::line(vec![p(0.35, -0.45), p(0.85, 0.0), p(0.35, 0.45)], stroke),
            ]
        }
        NodeKind::Database => {
            // A cylinder.
            let top = Rect::from_center_size(p(0.0, -0.6), vec2(1.6 * s, 0.6 * s));
            let bottom = Rect::from_center_size(p(0.0, 0.6), vec2(1.6 * s, 0.6 * s));
            vec![
                ellipse(top, stroke),
                Shape::line(vec![p(-0.8, -0.6), p(-0.8, 0.6)], stroke),
                Shape::line(vec![p(0.8, -0.6), p(0.8, 0.6)], stroke),
                half_ellipse(bottom, stroke),
            ]
        }
        NodeKind::Cache => {
            // A lightning bolt.
            vec![Shape::closed_line(
                vec![p(0.15, -0.95), p(-0.55, 0.1), p(-0.05, 0.1), p(-0.2, 0.95), p(0.55, -0.15), p(0.05, -0.15)],
                stroke,
            )]
        }
        NodeKind::Broker => {
            // Messages lined up in a queue, with an arrow.
            let mut shapes: Vec<Shape> = (0..3)
                .map(|i| {
                    let x = -0.75 + 0.45 * i as f32;
                    Shape::rect_filled(
                        Rect::from_min_max(p(x, -0.35), p(x + 0.3, 0.35)),
                        1.0,
                        color.gamma_multiply(0.6 + 0.2 * i as f32),
                    )
                })
                .collect();
            shapes.push(Shape::line(vec![p(0.6, -0.4), p(0.95, 0.0), p(0.6, 0.4)], stroke));
            shapes
        }
        NodeKind::Client => {
            // A monitor on a stand.
            vec![
                Shape::rect_stroke(
                    Rect::from_min_max(p(-0.9, -0.8), p(0.9, 0.4)),
                    2.0,
                    stroke,
                    egui::StrokeKind::Middle,
                ),
                Shape::line(vec![p(0.0, 0.4), p(0.0, 0.8)], stroke),
                Shape::line(vec![p(-0.5, 0.85), p(0.5, 0.85)], stroke),
            ]
        }
        NodeKind::Receiver => {
            // A dot with radiating arcs: something listening.
            let mut shapes = vec![Shape::circle_filled(p(-0.55, 0.0), s * 0.22, color)];
            for r in [0.55_f32, 1.0] {
                let pts: Vec<Pos2> = (0..=8)
                    .map(|i| {
                        let a = -0.9 + 1.8 * (i as f32) / 8.0;
                        p(-0.55 + r * 1.2 * a.cos(), r * 1.2 * a.sin())
                    })
                    .collect();
                shapes.push(Shape::line(pts, stroke));
            }
            shapes
        }
        NodeKind::Registry => {
            // A directory: rows of listed instances, each a dot and a name line.
            let mut shapes = Vec::new();
            for y in [-0.6_f32, 0.0, 0.6] {
                shapes.push(Shape::circle_filled(p(-0.6, y), s * 0.14, color));
                shapes.push(Shape::line(vec![p(-0.3, y), p(0.85, y)], stroke));
            }
            shapes
        }
    }
}

fn ellipse(rect: Rect, stroke: Stroke) -> Shape {
    let c = rect.center();
    let (rx, ry) = (rect.width() / 2.0, rect.height() / 2.0);
    let pts = (0..20)
        .map(|i| {
            let a = std::f32::consts::TAU * (i as f32) / 20.0;
            pos2(c.x + rx * a.cos(), c.y + ry * a.sin())
        })
        .collect();
    Shape::closed_line(pts, stroke)
}

fn half_ellipse(rect: Rect, stroke: Stroke) -> Shape {
    let c = rect.center();
    let (rx, ry) = (rect.width() / 2.0, rect.height() / 2.0);
    let pts = (0..=10)
        .map(|i| {
            let a = std::f32::consts::PI * (i as f32) / 10.0;
            pos2(c.x + rx * a.cos(), c.y + ry * a.sin())
        })
        .collect();
    Shape::line(pts, stroke)
}

/// "1 warning", "2 warnings", "0 errors": a count with its noun in the
/// right number, from the catalogue message `key` (a `count-*` message
/// taking `$count`).
#[must_use]
pub fn count(n: usize, key: &str) -> String {
    tr_args(key, &[("count", n.into())])
}

/// A name on one line: newlines, tabs and other control characters shown
/// as escapes (`\n`), so a name cannot break a table row or a label.
#[must_use]
pub fn one_line(name: &str) -> String {
    // One helper escapes control characters for every printer, CLI and GUI.
    engine::text::printable(name).into_owned()
}

/// A number field that writes its value with grouped thousands (1,234.5,
/// as both UI languages write numbers; see [`install_number_format`]) and
/// reads it back with or without the commas.
pub fn number<Num: egui::emath::Numeric>(value: &mut Num) -> egui::DragValue<'_> {
    egui::DragValue::new(value).custom_parser(parse_number)
}

/// A typed number: commas, spaces and the minus sign U+2212 allowed.
#[must_use]
pub fn parse_number(text: &str) -> Option<f64> {
    let plain: String =
        text.chars().filter(|c| !c.is_whitespace() && *c != ',').map(|c| if c == '−' { '-' } else { c }).collect();
    plain.parse().ok()
}

/// Every number field of the app groups thousands: egui's formatter with
/// commas between groups of three digits.
pub fn install_number_format(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.number_formatter = egui::style::NumberFormatter::new(|value, decimals| {
            crate::gui::i18n::group_digits(&egui::emath::format_with_decimals_in_range(value, decimals))
        });
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_stay_on_one_line() {
        assert_eq!(one_line("a\nb\tc\u{7}"), "a\\nb\\tc\\u{7}");
        assert_eq!(one_line("订单 ok"), "订单 ok");
        crate::gui::i18n::set_language(crate::gui::i18n::Lang::En);
        assert_eq!(count(1, "count-warning"), "1 warning");
        assert_eq!(count(2, "count-warning"), "2 warnings");
        assert_eq!(count(0, "count-node"), "0 nodes");
    }

    use super::*;

    #[test]
    fn every_kind_has_a_reference_icon_in_assets() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/icons");
        for kind in NodeKind::ALL {
            let path = dir.join(format!("{}.svg", kind.as_str()));
            assert!(path.is_file(), "missing {}", path.display());
            assert!(!icon_shapes(kind, Rect::from_min_size(Pos2::ZERO, Vec2::splat(20.0)), Color32::WHITE).is_empty());
        }
    }

    #[test]
    fn rho_colours_step_up_with_load() {
        assert_ne!(rho_color(0.3), rho_color(0.85));
        // One colour per word of the estimate, on its thresholds.
        for (a, b) in [(0.01, 0.79), (0.8, 0.99), (1.0, 5.0)] {
            assert_eq!(rho_color(a), rho_color(b), "{a} and {b}");
            assert_eq!(engine::capacity::Load::of(a), engine::capacity::Load::of(b));
        }
        assert_eq!(rho_color(1.0), rho_color(f64::INFINITY));
        assert_eq!(rho_color(f64::NAN), rho_color(2.0));
    }
}
