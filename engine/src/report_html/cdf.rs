//! Latency per workload as a cumulative distribution on a logarithmic
//! latency axis: one line per workload, the share of its successful
//! requests (0–100 %) that took at most the latency under it. The log axis
//! gives a 2 ms workload and a 2 s one the same room, so a fast workload is
//! never squashed against zero by a slow one, and the tail reads as far as
//! the histogram measured it. Each line says whose latency it is when some
//! requests failed. The page's script adds hover values (each line's share
//! at the latency under the pointer) and series toggles.

use std::fmt::Write as _;

use super::axis;
use super::escape;
use super::latency::fmt_ms;
use crate::sim::{CdfPoint, WorkloadReport};
use crate::units;

// Plot geometry in SVG units, drawn about 1:1 at its widest (the style caps
// the figure near this width).
const W: f64 = 560.0;
const H: f64 = 280.0;
const LEFT: f64 = 54.0;
const RIGHT: f64 = 32.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 34.0;

/// One line: its legend name, whose latency it is, its points.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Workload (and, in a comparison, which report).
    pub label: String,
    /// "of the 28 % that succeeded", "no request succeeded", or empty.
    pub note: String,
    /// The distribution, rising in latency and share (empty: nothing to draw).
    pub points: Vec<CdfPoint>,
}

impl Line {
    /// The line of a workload of a report.
    #[must_use]
    pub fn of(w: &WorkloadReport, label: String) -> Self {
        let note = units::latency_population(w).map(|m| m.to_string()).unwrap_or_default();
        let points = w
            .latency_cdf
            .iter()
            .copied()
            .filter(|p| p.latency_ms.is_finite() && p.latency_ms > 0.0 && p.fraction.is_finite())
            .collect();
        Self { label, note, points }
    }
}

/// A latency tick's label with its unit: "0.5 ms", "200 ms", "2 s".
#[must_use]
pub fn tick_label(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{} s", axis::label(ms / 1_000.0, decimals(ms / 1_000.0)))
    } else {
        format!("{} ms", axis::label(ms, decimals(ms)))
    }
}

/// Decimals that show a 1-2-5 value below 1 (0.05 → 2).
fn decimals(v: f64) -> usize {
    if v >= 1.0 || v <= 0.0 { 0 } else { (-v.log10().floor()).max(0.0) as usize }
}

/// The chart, or nothing when no line has a point.
#[must_use]
pub fn svg_cdf(title: &str, lines: &[Line]) -> String {
    let all = lines.iter().flat_map(|l| l.points.iter().map(|p| p.latency_ms));
    let (lo, hi) = all.fold((f64::MAX, 0.0_f64), |(a, b), v| (a.min(v), b.max(v)));
    if hi <= 0.0 {
        return String::new();
    }
    let ax = axis::log(lo, hi);
    let (l0, l1) = (ax.lo.log10(), ax.hi.log10());
    let sx = |v: f64| LEFT + ((v.max(ax.lo).log10() - l0) / (l1 - l0)).clamp(0.0, 1.0) * (W - LEFT - RIGHT);
    let sy = |f: f64| H - BOTTOM - f.clamp(0.0, 1.0) * (H - TOP - BOTTOM);
    let mut s = format!(
        "<figure class=\"chart cdf\" data-cdf=\"\" data-lo=\"{}\" data-hi=\"{}\"><figcaption><b>{}</b> <span class=\"meta\">share of successful requests at or below each latency; ms, log scale</span></figcaption>",
        ax.lo,
        ax.hi,
        escape(title)
    );
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" aria-label=\"{}\" data-l=\"{LEFT}\" data-r=\"{}\" data-t=\"{TOP}\" data-b=\"{}\">",
        escape(title),
        W - RIGHT,
        H - BOTTOM
    );
    let shares = axis::linear(1.0, 5, false);
    for v in &shares.ticks {
        let y = sy(*v);
        let pct = v * 100.0;
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"tk\" data-tick=\"{pct}\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{pct:.0} %</text>",
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0
        );
    }
    // The median and the 99th percentile, where the report's figures are read.
    for (f, name) in [(0.5, "p50"), (0.99, "p99")] {
        let y = sy(f);
        let _ = write!(
            s,
            "<line class=\"ref\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"nd\" x=\"{:.1}\" y=\"{:.1}\">{name}</text>",
            W - RIGHT,
            W - RIGHT + 3.0,
            y + 4.0
        );
    }
    let labelled = labelled_ticks(&ax, &sx);
    for (k, (v, text)) in ax.ticks.iter().enumerate() {
        let x = sx(*v);
        let class = if text.is_empty() { "grid minor" } else { "grid" };
        let _ =
            write!(s, "<line class=\"{class}\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{:.1}\"/>", H - BOTTOM);
        if labelled.contains(&k) {
            let _ = write!(
                s,
                "<text class=\"tx\" data-tick=\"{v}\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                H - BOTTOM + 15.0,
                tick_label(*v)
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">latency of successful requests (log scale)</text>",
        (LEFT + W - RIGHT) / 2.0,
        H - 3.0
    );
    for (i, line) in lines.iter().enumerate() {
        let Some(first) = line.points.first() else { continue };
        let xs: Vec<String> = line.points.iter().map(|p| format!("{}", p.latency_ms)).collect();
        let fs: Vec<String> = line.points.iter().map(|p| format!("{}", p.fraction)).collect();
        let _ = write!(
            s,
            "<g class=\"s k{}\" data-i=\"{i}\" data-name=\"{}\" data-x=\"{}\" data-f=\"{}\">",
            i % 8,
            escape(&line.label),
            xs.join(","),
            fs.join(",")
        );
        // From zero at the lowest latency measured, through every point.
        let mut pts = vec![format!("{:.1},{:.1}", sx(first.latency_ms), sy(0.0))];
        pts.extend(line.points.iter().map(|p| format!("{:.1},{:.1}", sx(p.latency_ms), sy(p.fraction))));
        let _ = write!(s, "<polyline points=\"{}\"/>", pts.join(" "));
        let summary = quantile(&line.points, 0.5)
            .zip(quantile(&line.points, 0.99))
            .map(|(a, b)| format!(": p50 {} ms, p99 {} ms", fmt_ms(a), fmt_ms(b)))
            .unwrap_or_default();
        let _ = write!(s, "<title>{}{summary}</title></g>", escape(&line.label));
    }
    s.push_str("</svg><div class=\"legend\">");
    for (i, line) in lines.iter().enumerate() {
        let note = if line.note.is_empty() { String::new() } else { format!(" ({})", line.note) };
        if line.points.is_empty() {
            let _ = write!(s, "<span class=\"nd\">{}{}</span>", escape(&line.label), escape(&note));
        } else {
            let _ = write!(
                s,
                "<span class=\"key k{}\" data-i=\"{i}\"><i></i>{}{}</span>",
                i % 8,
                escape(&line.label),
                escape(&note)
            );
        }
    }
    s.push_str("</div></figure>");
    s
}

/// Width of a tick label's character, generous (the font is larger on
/// phones, where the chart is scaled down).
const CHAR_W: f64 = 8.0;

/// The ticks whose label (with its unit) is drawn: the powers of ten
/// first, then the 2s and 5s the axis labels where they clear their
/// neighbours.
fn labelled_ticks(ax: &axis::Log, sx: &dyn Fn(f64) -> f64) -> Vec<usize> {
    let mut taken: Vec<(f64, f64)> = Vec::new();
    let mut out = Vec::new();
    let power = |v: f64| (v.log10() - v.log10().round()).abs() < 1e-9;
    for powers in [true, false] {
        for (k, (v, text)) in ax.ticks.iter().enumerate() {
            if text.is_empty() || power(*v) != powers {
                continue;
            }
            let (x, half) = (sx(*v), tick_label(*v).chars().count() as f64 * CHAR_W / 2.0 + 4.0);
            if taken.iter().all(|&(a, b)| x + half <= a || x - half >= b) {
                taken.push((x - half, x + half));
                out.push(k);
            }
        }
    }
    out
}

/// The latency of the first point whose share reaches `q`.
fn quantile(points: &[CdfPoint], q: f64) -> Option<f64> {
    points.iter().find(|p| p.fraction >= q).map(|p| p.latency_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(label: &str, note: &str, pts: &[(f64, f64)]) -> Line {
        Line {
            label: label.into(),
            note: note.into(),
            points: pts.iter().map(|&(latency_ms, fraction)| CdfPoint { latency_ms, fraction }).collect(),
        }
    }

    #[test]
    fn fast_and_slow_lines_share_a_log_axis_with_units() {
        let lines = [
            line("fast", "", &[(1.0, 0.1), (2.0, 0.5), (4.0, 0.99), (5.0, 1.0)]),
            line("slow", "of the 28 % that succeeded", &[(900.0, 0.2), (1500.0, 0.5), (3000.0, 1.0)]),
            line("dead", "no request succeeded", &[]),
        ];
        let svg = svg_cdf("Latency distribution", &lines);
        // 1 ms to 5 s: labelled decades with their unit.
        assert!(svg.contains(">1 ms</text>") && svg.contains(">1 s</text>"), "{svg}");
        assert!(svg.contains("data-tick=\"100\"") && svg.contains(">100 %</text>"));
        // The fast line spans a good part of the width, not a sliver.
        let poly: Vec<&str> = svg.split("<polyline points=\"").skip(1).filter_map(|p| p.split('"').next()).collect();
        assert_eq!(poly.len(), 2, "the dead workload draws nothing");
        let x = |pair: &str| pair.split(',').next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        let fast: Vec<f64> = poly[0].split(' ').map(x).collect();
        assert!(fast.last().unwrap_or(&0.0) - fast.first().unwrap_or(&0.0) > 50.0, "{fast:?}");
        assert!(svg.contains("slow (of the 28 % that succeeded)") && svg.contains("dead (no request succeeded)"));
        assert!(svg.contains("data-x=\"1,2,4,5\" data-f=\"0.1,0.5,0.99,1\""), "{svg}");
        assert!(svg.contains("fast: p50 2.00 ms, p99 4.00 ms"));
        assert_eq!(svg_cdf("Nothing", &lines[2..]), "");
    }

    #[test]
    fn tick_labels_carry_their_unit() {
        assert_eq!(tick_label(0.05), "0.05 ms");
        assert_eq!(tick_label(0.2), "0.2 ms");
        assert_eq!(tick_label(5.0), "5 ms");
        assert_eq!(tick_label(500.0), "500 ms");
        assert_eq!(tick_label(2_000.0), "2 s");
        assert_eq!(tick_label(10_000.0), "10 s");
    }
}
