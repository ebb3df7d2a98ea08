//! Line charts over simulated time as inline SVG inside a `<figure>`: the
//! warm-up and fault bands labelled above the plot, ticks at 1-2-5 steps,
//! a gap (and a sentence saying why) wherever a series has no data, and the
//! legend as wrapping HTML under the plot so it is never clipped or drawn
//! over. The page's inline script adds hover values and series toggles from
//! the `data-*` attributes; without it the chart reads the same.

use std::fmt::Write as _;

use super::axis;
use super::escape;

/// The time frame shared by every chart of a run.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// Start of each window, s.
    pub start_s: &'a [f64],
    /// Window length, s.
    pub window_s: f64,
    /// The run's end, s.
    pub duration_s: f64,
    /// Warm-up, s (marked, not measured).
    pub warmup_s: f64,
    /// Fault bands: from, to (s), name.
    pub bands: &'a [(f64, f64, String)],
}

/// The value axis: its unit, whether it counts whole things, and why a
/// window may have no value.
#[derive(Clone, Copy, Debug)]
pub struct Axis<'a> {
    /// Unit or quantity, e.g. "ms" or "requests/s".
    pub unit: &'a str,
    /// Ticks on whole numbers (replicas, messages).
    pub whole: bool,
    /// Why a window has no value, e.g. "no request succeeded".
    pub no_data: &'a str,
}

impl<'a> Axis<'a> {
    /// A real-valued axis in `unit`.
    #[must_use]
    pub fn new(unit: &'a str) -> Self {
        Self { unit, whole: false, no_data: "nothing measured" }
    }

    /// Ticks on whole numbers.
    #[must_use]
    pub fn whole(self) -> Self {
        Self { whole: true, ..self }
    }

    /// Why a window can have no value.
    #[must_use]
    pub fn no_data(self, why: &'a str) -> Self {
        Self { no_data: why, ..self }
    }
}

/// A named series, one value per window (`None`: no data in it).
pub type Line = (String, Vec<Option<f64>>);

// Plot geometry in SVG units: the width the charts are drawn at (scaled to
// their cell), and the margins for tick labels and the band strip.
const W: f64 = 480.0;
const H: f64 = 210.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 32.0;
/// Width of one character of the chart font, generous: the font is larger
/// on narrow screens, where the chart is scaled down.
const CHAR_W: f64 = 7.6;

/// Values as 4 significant digits for the hover script (empty: no data).
fn compact(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => {
            let d = if v.abs() >= 1000.0 { 1 } else { 4 };
            let s = format!("{v:.d$}");
            if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
        }
        _ => String::new(),
    }
}

/// `from–to unit` for a range of simulated seconds.
pub(super) fn span_text(from_s: f64, to_s: f64, duration_s: f64) -> String {
    let (unit, k) = axis::time_unit(duration_s);
    let f = |v: f64| {
        let v = v / k;
        if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
    };
    format!("{}–{} {unit}", f(from_s), f(to_s))
}

/// The runs of windows without a value in `values`: first and last index.
fn gaps(values: &[Option<f64>]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if v.is_some_and(f64::is_finite) {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.1 + 1 == i => last.1 = i,
            _ => out.push((i, i)),
        }
    }
    out
}

/// The bands above the plot (warm-up, then faults), labelled where the
/// label fits, numbered otherwise; the legend names them all.
fn bands(s: &mut String, frame: &Frame, sx: &dyn Fn(f64) -> f64) -> Vec<String> {
    let mut legend = Vec::new();
    let mut free_x = 0.0_f64;
    let mut band = |s: &mut String, from: f64, to: f64, class: &str, name: &str, short: &str| {
        let (a, z) = (sx(from), sx(to));
        let _ = write!(
            s,
            "<rect class=\"{class}\" x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{} {}</title></rect>",
            TOP - 6.0,
            (z - a).max(1.5),
            H - BOTTOM - TOP + 6.0,
            escape(name),
            span_text(from, to, frame.duration_s)
        );
        // The full name where it clears the previous label and the edge; the
        // short mark otherwise; nothing when even that collides (the legend
        // under the plot names every band).
        let full = name.chars().count() as f64 * CHAR_W;
        let mark = short.chars().count() as f64 * CHAR_W;
        let text = if a >= free_x && a + full <= W - RIGHT {
            Some((name, full))
        } else if a >= free_x && a + mark <= W - RIGHT {
            Some((short, mark))
        } else {
            None
        };
        if let Some((t, width)) = text {
            let _ = write!(s, "<text class=\"bl {class}\" x=\"{a:.1}\" y=\"{:.1}\">{}</text>", TOP - 9.0, escape(t));
            free_x = a + width + 6.0;
        }
    };
    if frame.warmup_s > 0.0 {
        band(s, 0.0, frame.warmup_s, "warm", "warm-up", "w");
        legend.push(format!(
            "<span class=\"band warm\"><i></i>warm-up {} (not measured)</span>",
            span_text(0.0, frame.warmup_s, frame.duration_s)
        ));
    }
    for (i, (from, to, name)) in frame.bands.iter().enumerate() {
        let short = format!("F{}", i + 1);
        band(s, *from, *to, "fault", name, &short);
        legend.push(format!(
            "<span class=\"band fault\"><i></i>{short} {} {}</span>",
            escape(name),
            span_text(*from, *to, frame.duration_s)
        ));
    }
    legend
}

/// Where a time and a value land in the plot.
struct Scale<'f> {
    /// The time axis' end, s.
    x_max: f64,
    /// The value axis' top.
    y_top: f64,
    frame: &'f Frame<'f>,
}

impl Scale<'_> {
    fn x(&self, x_s: f64) -> f64 {
        LEFT + (x_s / self.x_max).clamp(0.0, 1.0) * (W - LEFT - RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        H - BOTTOM - (v / self.y_top).clamp(0.0, 1.0) * (H - TOP - BOTTOM)
    }

    /// The middle of window `i`, s.
    fn centre(&self, i: usize) -> f64 {
        self.frame.start_s.get(i).copied().unwrap_or(0.0) + self.frame.window_s / 2.0
    }

    /// Windows `a` to `z` as a span of time, s.
    fn span(&self, a: usize, z: usize) -> (f64, f64) {
        (self.centre(a) - self.frame.window_s / 2.0, self.centre(z) + self.frame.window_s / 2.0)
    }
}

/// A line chart of `series` over the run's time frame.
#[must_use]
pub fn svg_chart(title: &str, y: &Axis, series: &[Line], frame: &Frame) -> String {
    let n = frame.start_s.len();
    let y_max =
        series.iter().flat_map(|(_, v)| v.iter().flatten()).filter(|v| v.is_finite()).fold(0.0_f64, |a, b| a.max(*b));
    let ya = axis::linear(y_max, 5, y.whole);
    let x_max = if frame.duration_s > 0.0 { frame.duration_s } else { 1.0 };
    let scale = Scale { x_max, y_top: ya.top, frame };
    let mut s = open_figure(title, y, frame, x_max);
    let band_keys = bands(&mut s, frame, &|x| scale.x(x));
    write_axes(&mut s, &ya, &scale);
    write_no_data(&mut s, series, y, &scale, n);
    let mut notes = Vec::new();
    for (i, (name, values)) in series.iter().enumerate() {
        write_series(&mut s, i, name, values, &scale, n);
        notes.extend(gap_note(name, values, &scale, n));
    }
    s.push_str("</svg><div class=\"legend\">");
    for (i, (name, _)) in series.iter().enumerate() {
        let _ = write!(s, "<span class=\"key k{}\" data-i=\"{i}\"><i></i>{}</span>", i % 8, escape(name));
    }
    s.push_str(&band_keys.concat());
    s.push_str("</div>");
    if !notes.is_empty() {
        let _ = write!(s, "<p class=\"note\">Gaps: {} ({}).</p>", notes.join("; "), escape(y.no_data));
    }
    s.push_str("</figure>");
    s
}

/// The figure, its caption and the opening of the plot, with the `data-*`
/// attributes the page's script reads.
fn open_figure(title: &str, y: &Axis, frame: &Frame, x_max: f64) -> String {
    let mut s = format!(
        "<figure class=\"chart\" data-t0=\"{}\" data-dt=\"{}\" data-x1=\"{x_max}\" data-unit=\"{}\" data-tu=\"{}\"><figcaption><b>{}</b> <span class=\"meta\">{}</span></figcaption>",
        frame.start_s.first().copied().unwrap_or(0.0),
        frame.window_s,
        escape(y.unit),
        axis::time_unit(x_max).0,
        escape(title),
        escape(y.unit)
    );
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" aria-label=\"{}\" data-l=\"{LEFT}\" data-r=\"{}\" data-t=\"{TOP}\" data-b=\"{}\">",
        escape(title),
        W - RIGHT,
        H - BOTTOM
    );
    s
}

/// Value grid lines and ticks, time ticks, and the time axis' caption.
fn write_axes(s: &mut String, ya: &axis::Linear, scale: &Scale) {
    for (v, text) in ya.ticks.iter().copied().zip(ya.labels()) {
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\"/><text class=\"tk\" data-tick=\"{v}\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{text}</text>",
            W - RIGHT,
            LEFT - 4.0,
            scale.y(v) + 4.0,
            y0 = scale.y(v)
        );
    }
    for (v, text) in axis::time_ticks(scale.x_max) {
        let _ = write!(
            s,
            "<line class=\"axis\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"tx\" data-tick=\"{v}\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{text}</text>",
            H - BOTTOM,
            H - BOTTOM + 4.0,
            H - BOTTOM + 15.0,
            x = scale.x(v)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">simulated time, {}</text>",
        (LEFT + W - RIGHT) / 2.0,
        H - 3.0,
        axis::time_unit(scale.x_max).0
    );
}

/// Windows where no series has a value: shaded, so the gap is seen as one.
fn write_no_data(s: &mut String, series: &[Line], y: &Axis, scale: &Scale, n: usize) {
    if series.is_empty() {
        return;
    }
    let none_at = |i: usize| series.iter().all(|(_, v)| !v.get(i).copied().flatten().is_some_and(f64::is_finite));
    let all: Vec<Option<f64>> = (0..n).map(|i| if none_at(i) { None } else { Some(0.0) }).collect();
    for (a, z) in gaps(&all) {
        let (from_s, to_s) = scale.span(a, z);
        let (x0, x1) = (scale.x(from_s), scale.x(to_s));
        let _ = write!(
            s,
            "<rect class=\"nodata\" x=\"{x0:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\"><title>no data: {}</title></rect>",
            (x1 - x0).max(1.0),
            H - TOP - BOTTOM,
            escape(y.no_data)
        );
        if x1 - x0 >= 7.0 * CHAR_W {
            let _ = write!(
                s,
                "<text class=\"nd\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">no data</text>",
                f64::midpoint(x0, x1),
                (TOP + H - BOTTOM) / 2.0
            );
        }
    }
}

/// One series: a polyline per run of windows with values (a dot for a lone
/// one), its values for the script, its name as the tooltip.
fn write_series(s: &mut String, i: usize, name: &str, values: &[Option<f64>], scale: &Scale, n: usize) {
    let k = i % 8;
    let data: Vec<String> = (0..n).map(|j| compact(values.get(j).copied().flatten())).collect();
    let _ =
        write!(s, "<g class=\"s k{k}\" data-i=\"{i}\" data-name=\"{}\" data-v=\"{}\">", escape(name), data.join(","));
    let mut run: Vec<String> = Vec::new();
    let flush = |s: &mut String, run: &mut Vec<String>| {
        match run.as_slice() {
            [] => {}
            [point] => {
                let (x, y) = point.split_once(',').unwrap_or(("0", "0"));
                let _ = write!(s, "<circle cx=\"{x}\" cy=\"{y}\" r=\"2\"/>");
            }
            _ => {
                let _ = write!(s, "<polyline points=\"{}\"/>", run.join(" "));
            }
        }
        run.clear();
    };
    for j in 0..n {
        match values.get(j).copied().flatten().filter(|v| v.is_finite()) {
            Some(v) => run.push(format!("{:.1},{:.1}", scale.x(scale.centre(j)), scale.y(v))),
            None => flush(s, &mut run),
        }
    }
    flush(s, &mut run);
    let _ = write!(s, "<title>{}</title></g>", escape(name));
}

/// The sentence under the chart for a series with windows without data.
fn gap_note(name: &str, values: &[Option<f64>], scale: &Scale, n: usize) -> Option<String> {
    let missing = gaps(&values.iter().copied().chain(std::iter::repeat(None)).take(n).collect::<Vec<_>>());
    if missing.as_slice() == [(0, n.saturating_sub(1))] {
        return Some(format!("{}: no data at all", escape(name)));
    }
    if missing.is_empty() {
        return None;
    }
    let shown: Vec<String> = missing
        .iter()
        .take(3)
        .map(|&(a, z)| {
            let (from_s, to_s) = scale.span(a, z);
            span_text(from_s, to_s, scale.frame.duration_s)
        })
        .collect();
    let more = if missing.len() > 3 { format!(" and {} more", missing.len() - 3) } else { String::new() };
    Some(format!("{}: no data {}{more}", escape(name), shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(bands: &[(f64, f64, String)]) -> Frame<'_> {
        static START: [f64; 6] = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0];
        Frame { start_s: &START, window_s: 10.0, duration_s: 60.0, warmup_s: 10.0, bands }
    }

    #[test]
    fn no_data_is_a_gap_with_a_note_not_a_zero() {
        let bands = [(20.0, 40.0, "db down".to_owned())];
        let series = vec![("p99".to_owned(), vec![Some(5.0), Some(6.0), None, None, Some(7.0), Some(8.0)])];
        let svg = svg_chart("Latency", &Axis::new("ms").no_data("no request succeeded"), &series, &frame(&bands));
        // Two runs of points, none drawn at zero in the gap.
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(svg.contains("class=\"nodata\""));
        assert!(svg.contains("Gaps: p99: no data 20–40 s (no request succeeded)"), "{svg}");
        assert!(svg.contains("data-v=\"5,6,,,7,8\""));
        // The fault band and the warm-up are labelled, and named in the legend.
        assert!(svg.contains(">db down</text>") && svg.contains("F1 db down 20–40 s"), "{svg}");
        assert!(svg.contains("warm-up 0–10 s"));
    }

    #[test]
    fn whole_quantities_get_whole_ticks() {
        let series = vec![("backlog".to_owned(), vec![Some(0.5), Some(0.75), Some(0.2), None, None, None])];
        let svg = svg_chart("Backlog", &Axis::new("messages").whole(), &series, &frame(&[]));
        let ticks: Vec<f64> = svg
            .split("class=\"tk\" data-tick=\"")
            .skip(1)
            .filter_map(|p| p.split_once('"').and_then(|(v, _)| v.parse().ok()))
            .collect();
        assert_eq!(ticks, vec![0.0, 1.0]);
        assert!(svg.contains("no data 30–60 s"), "{svg}");
    }
}
