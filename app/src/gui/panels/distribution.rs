//! Editing a latency distribution: its type, its parameters with units, and a
//! small density plot with p50 and p99 marked, so the user sees what they typed.

use crate::gui::i18n::tr;
use egui::{Color32, FontId, Pos2, Rect, Shape, Stroke, Ui, pos2, vec2};
use engine::model::Distribution;

/// Points of the density curve.
const SAMPLES: usize = 160;

/// The type names in the combo box.
fn type_name(d: &Distribution) -> String {
    tr(match d {
        Distribution::Constant { .. } => "distribution-constant",
        Distribution::Exponential { .. } => "distribution-exponential",
        Distribution::Uniform { .. } => "distribution-uniform",
        Distribution::Gamma { .. } => "distribution-gamma",
        Distribution::Lognormal { .. } => "distribution-lognormal",
        Distribution::Empirical { .. } => "distribution-empirical",
    })
}

/// Every type, converted from `d` keeping its mean where it can.
fn conversions(d: &Distribution) -> Vec<Distribution> {
    let mean = d.mean_ms();
    let mean = if mean.is_finite() && mean > 0.0 { mean } else { 10.0 };
    vec![
        Distribution::Constant { value_ms: mean },
        Distribution::Exponential { mean_ms: mean },
        Distribution::Uniform { min_ms: mean * 0.5, max_ms: mean * 1.5 },
        Distribution::Gamma { mean_ms: mean, cv: 0.5 },
        Distribution::Lognormal { p50_ms: mean * 0.8, p99_ms: mean * 4.0 },
        Distribution::Empirical { samples_ms: vec![mean] },
    ]
}

fn ms(ui: &mut Ui, label: &str, v: &mut f64) -> bool {
    let label = ui.label(label);
    let speed = (v.abs() * 0.01).max(0.01);
    let changed = ui
        .add(crate::gui::style::number(v).speed(speed).range(0.0..=1.0e7).suffix(" ms").max_decimals(3))
        .labelled_by(label.id)
        .changed();
    ui.end_row();
    changed
}

/// Edit a distribution in place; returns whether it changed.
pub fn editor(ui: &mut Ui, id_salt: &str, d: &mut Distribution) -> bool {
    let mut changed = false;
    egui::Grid::new(("dist", id_salt)).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        ui.label(tr("dist-type"));
        egui::ComboBox::from_id_salt(("dist-type", id_salt)).selected_text(type_name(d)).show_ui(ui, |ui| {
            for option in conversions(d) {
                let same = std::mem::discriminant(&option) == std::mem::discriminant(d);
                if ui.selectable_label(same, type_name(&option)).clicked() && !same {
                    *d = option;
                    changed = true;
                }
            }
        });
        ui.end_row();
        match d {
            Distribution::Constant { value_ms } => changed |= ms(ui, &tr("dist-value"), value_ms),
            Distribution::Exponential { mean_ms } => changed |= ms(ui, &tr("dist-mean"), mean_ms),
            Distribution::Uniform { min_ms, max_ms } => {
                changed |= ms(ui, &tr("dist-min"), min_ms);
                changed |= ms(ui, &tr("dist-max"), max_ms);
            }
            Distribution::Gamma { mean_ms, cv } => {
                changed |= ms(ui, &tr("dist-mean"), mean_ms);
                ui.label(tr("dist-cv")).on_hover_text(tr("dist-coefficient-of-variation-standard-deviation"));
                changed |= ui.add(crate::gui::style::number(cv).speed(0.01).range(0.01..=10.0)).changed();
                ui.end_row();
            }
            Distribution::Lognormal { p50_ms, p99_ms } => {
                changed |= ms(ui, "p50", p50_ms);
                changed |= ms(ui, "p99", p99_ms);
            }
            Distribution::Empirical { samples_ms } => {
                ui.label(tr("dist-samples"));
                let mut text = samples_ms.iter().map(f64::to_string).collect::<Vec<_>>().join(", ");
                if ui.add(egui::TextEdit::singleline(&mut text).hint_text(tr("dist-ms-comma-separated"))).changed() {
                    *samples_ms = text.split([',', ' ', ';']).filter_map(|s| s.trim().parse::<f64>().ok()).collect();
                    changed = true;
                }
                ui.end_row();
            }
        }
    });
    plot(ui, d);
    changed
}

/// Density on a grid over [0, x_max], with the grid step.
fn density(d: &Distribution) -> Option<(Vec<f64>, f64)> {
    let x_max = match d {
        Distribution::Constant { value_ms } => value_ms * 2.0,
        Distribution::Exponential { mean_ms } => mean_ms * 6.0,
        Distribution::Uniform { max_ms, .. } => max_ms * 1.15,
        Distribution::Gamma { mean_ms, cv } => mean_ms * (1.0 + 5.0 * cv),
        Distribution::Lognormal { p50_ms, p99_ms } => {
            let (mu, sigma) = lognormal_params(*p50_ms, *p99_ms);
            (mu + 3.0 * sigma).exp()
        }
        Distribution::Empirical { samples_ms } => samples_ms.iter().copied().fold(0.0, f64::max) * 1.15,
    };
    if !(x_max.is_finite() && x_max > 0.0) {
        return None;
    }
    let step = x_max / SAMPLES as f64;
    let xs = (0..SAMPLES).map(|i| (i as f64 + 0.5) * step);
    let ys: Vec<f64> = match d {
        Distribution::Constant { value_ms } => {
            let at = ((value_ms / step) as usize).min(SAMPLES - 1);
            (0..SAMPLES).map(|i| if i == at { 1.0 / step } else { 0.0 }).collect()
        }
        Distribution::Exponential { mean_ms } => xs.map(|x| (-x / mean_ms).exp() / mean_ms).collect(),
        Distribution::Uniform { min_ms, max_ms } => {
            let w = (max_ms - min_ms).max(f64::MIN_POSITIVE);
            xs.map(|x| if x >= *min_ms && x <= *max_ms { 1.0 / w } else { 0.0 }).collect()
        }
        Distribution::Gamma { mean_ms, cv } => {
            let k = 1.0 / (cv * cv).max(1e-6);
            let theta = mean_ms / k;
            let norm = ln_gamma(k) + k * theta.ln();
            xs.map(|x| ((k - 1.0) * x.ln() - x / theta - norm).exp()).collect()
        }
        Distribution::Lognormal { p50_ms, p99_ms } => {
            let (mu, sigma) = lognormal_params(*p50_ms, *p99_ms);
            let sigma = sigma.max(1e-9);
            xs.map(|x| {
                let z = (x.ln() - mu) / sigma;
                (-0.5 * z * z).exp() / (x * sigma * (std::f64::consts::TAU).sqrt())
            })
            .collect()
        }
        Distribution::Empirical { samples_ms } => {
            let mut bins = vec![0.0; SAMPLES];
            for s in samples_ms {
                if let Some(b) = bins.get_mut(((s / step) as usize).min(SAMPLES - 1)) {
                    *b += 1.0;
                }
            }
            let n = samples_ms.len().max(1) as f64;
            bins.into_iter().map(|c| c / n / step).collect()
        }
    };
    ys.iter().all(|y| y.is_finite()).then_some((ys, step))
}

/// μ and σ of the log-normal with this p50 and p99.
fn lognormal_params(p50: f64, p99: f64) -> (f64, f64) {
    const Z99: f64 = 2.326_347_874_040_841;
    (p50.max(f64::MIN_POSITIVE).ln(), (p99 / p50).max(1.0).ln() / Z99)
}

/// ln Γ(x) by the Lanczos approximation (g = 7), accurate to ~1e-13 for x > 0.
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (std::f64::consts::TAU).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The quantile `p` read off the numeric CDF.
fn quantile(ys: &[f64], step: f64, p: f64) -> f64 {
    let total: f64 = ys.iter().sum::<f64>() * step;
    if total <= 0.0 {
        return 0.0;
    }
    let mut acc = 0.0;
    for (i, y) in ys.iter().enumerate() {
        acc += y * step / total;
        if acc >= p {
            return (i as f64 + 0.5) * step;
        }
    }
    ys.len() as f64 * step
}

/// Paint the density with p50 and p99 marked.
fn plot(ui: &mut Ui, d: &Distribution) {
    let width = ui.available_width().clamp(120.0, 360.0);
    let (rect, _) = ui.allocate_exact_size(vec2(width, 74.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
    let Some((ys, step)) = density(d) else {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            tr("dist-no-plot-for-these-values"),
            FontId::proportional(11.0),
            visuals.weak_text_color(),
        );
        return;
    };
    let plot_rect = Rect::from_min_max(rect.min + vec2(4.0, 6.0), rect.max - vec2(4.0, 16.0));
    let y_max = ys.iter().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let n = ys.len() as f32;
    let pts: Vec<Pos2> = ys
        .iter()
        .enumerate()
        .map(|(i, y)| {
            pos2(
                plot_rect.min.x + plot_rect.width() * (i as f32 + 0.5) / n,
                plot_rect.max.y - plot_rect.height() * (*y / y_max) as f32,
            )
        })
        .collect();
    let accent = Color32::from_rgb(56, 189, 248);
    painter.add(Shape::line(pts, Stroke::new(1.5, accent)));
    let x_max = step * ys.len() as f64;
    for (label, q) in marked_percentiles(d, &ys, step) {
        let x = plot_rect.min.x + plot_rect.width() * (q / x_max).clamp(0.0, 1.0) as f32;
        painter.line_segment(
            [pos2(x, plot_rect.min.y), pos2(x, plot_rect.max.y)],
            Stroke::new(1.0, visuals.weak_text_color()),
        );
        painter.text(
            pos2(x, rect.max.y - 2.0),
            egui::Align2::CENTER_BOTTOM,
            format!("{label} {}", fmt_ms(q)),
            FontId::proportional(10.0),
            visuals.text_color(),
        );
    }
}

/// The p50 and p99 marked on the plot: exactly the values typed when the
/// distribution is given by them (log-normal), else read off the density.
#[must_use]
pub fn marked_percentiles(d: &Distribution, ys: &[f64], step: f64) -> [(&'static str, f64); 2] {
    match d {
        Distribution::Lognormal { p50_ms, p99_ms } => [("p50", *p50_ms), ("p99", *p99_ms)],
        _ => [("p50", quantile(ys, step, 0.5)), ("p99", quantile(ys, step, 0.99))],
    }
}

/// A duration for display: "0.25 ms", "12 ms", "1.4 s".
#[must_use]
pub fn fmt_ms(ms: f64) -> String {
    if !ms.is_finite() {
        "∞".to_owned()
    } else if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials() {
        assert!((ln_gamma(5.0) - 24.0_f64.ln()).abs() < 1e-10);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-10);
    }

    #[test]
    fn numeric_quantiles_are_close() {
        let d = Distribution::Exponential { mean_ms: 10.0 };
        let (ys, step) = density(&d).unwrap_or_default();
        let p50 = quantile(&ys, step, 0.5);
        assert!((p50 - 10.0 * 2.0_f64.ln()).abs() < 0.5, "{p50}");
        let d = Distribution::Lognormal { p50_ms: 20.0, p99_ms: 150.0 };
        let (ys, step) = density(&d).unwrap_or_default();
        assert!((quantile(&ys, step, 0.5) - 20.0).abs() < 1.5);
    }

    #[test]
    fn the_typed_percentiles_are_the_ones_marked() {
        let d = Distribution::Lognormal { p50_ms: 20.0, p99_ms: 150.0 };
        let (ys, step) = density(&d).unwrap_or_default();
        assert_eq!(marked_percentiles(&d, &ys, step), [("p50", 20.0), ("p99", 150.0)]);
    }
}
