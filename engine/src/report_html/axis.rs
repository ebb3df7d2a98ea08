//! Axis ticks that read at a glance: steps of 1, 2 or 5 times a power of
//! ten (never "24 s" or "3.75 messages"), whole steps for quantities that
//! come in whole units, simulated time in s, min or h, and decades with
//! their 2 and 5 for logarithmic axes.

/// A linear axis from zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    /// The top of the axis: the last tick.
    pub top: f64,
    /// The tick values, from zero, one step apart.
    pub ticks: Vec<f64>,
    /// Decimals that tell the ticks apart (and no more).
    pub decimals: usize,
}

/// The smallest step of 1, 2 or 5 × 10^k that is at least `raw`, with k.
#[must_use]
pub fn step_125(raw: f64) -> (f64, i32) {
    let raw = if raw.is_finite() && raw > 0.0 { raw } else { 1.0 };
    let mut exp = raw.log10().floor() as i32;
    loop {
        let p = 10f64.powi(exp);
        for m in [1.0, 2.0, 5.0] {
            // A relative tolerance so that 0.3 / 3 does not become 0.2.
            if m * p >= raw * (1.0 - 1e-9) {
                return (m * p, exp);
            }
        }
        exp += 1;
    }
}

/// Ticks from zero to at least `max`, about `target` of them; `whole` keeps
/// the step at 1 or more for counts of things.
#[must_use]
pub fn linear(max: f64, target: usize, whole: bool) -> Linear {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let (mut step, mut exp) = step_125(max / target.max(1) as f64);
    if whole && step < 1.0 {
        (step, exp) = (1.0, 0);
    }
    let n = ((max / step) - 1e-9).ceil().max(1.0) as usize;
    let ticks: Vec<f64> = (0..=n).map(|k| k as f64 * step).collect();
    Linear { top: n as f64 * step, ticks, decimals: decimals(exp) }
}

impl Linear {
    /// The tick labels, all in one scale: thousands as k (millions as M)
    /// on every tick once the top reaches 10,000.
    #[must_use]
    pub fn labels(&self) -> Vec<String> {
        let (div, suffix) = if self.top >= 1e7 {
            (1e6, "M")
        } else if self.top >= 1e4 {
            (1e3, "k")
        } else {
            (1.0, "")
        };
        let step = self.ticks.get(1).copied().unwrap_or(self.top);
        let d = decimals(step_125(step / div).1);
        self.ticks.iter().map(|v| if *v == 0.0 { "0".to_owned() } else { format!("{:.d$}{suffix}", v / div) }).collect()
    }
}

fn decimals(exp: i32) -> usize {
    if exp < 0 { exp.unsigned_abs() as usize } else { 0 }
}

/// A log tick label: `decimals` after the point, thousands as k and millions
/// as M.
#[must_use]
pub fn label(v: f64, decimals: usize) -> String {
    let a = v.abs();
    if a >= 1e6 && decimals == 0 {
        trim(format!("{:.3}", v / 1e6)) + "M"
    } else if a >= 1e3 && decimals == 0 {
        trim(format!("{:.3}", v / 1e3)) + "k"
    } else {
        format!("{v:.decimals$}")
    }
}

fn trim(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

/// The unit simulated time reads best in over a run of `duration_s`: its
/// name and its length in seconds.
#[must_use]
pub fn time_unit(duration_s: f64) -> (&'static str, f64) {
    if duration_s > 7_200.0 * 3.0 {
        ("h", 3_600.0)
    } else if duration_s > 600.0 {
        ("min", 60.0)
    } else {
        ("s", 1.0)
    }
}

/// Time ticks over `0..=duration_s`, in the unit of [`time_unit`]: values in
/// seconds and their labels. The axis ends at the run's end, not at a tick.
#[must_use]
pub fn time_ticks(duration_s: f64) -> Vec<(f64, String)> {
    let (_, unit_s) = time_unit(duration_s);
    let span = if duration_s.is_finite() && duration_s > 0.0 { duration_s / unit_s } else { 1.0 };
    let (step, exp) = step_125(span / 6.0);
    let n = ((span / step) + 1e-9).floor() as usize;
    (0..=n).map(|k| (k as f64 * step * unit_s, format!("{:.d$}", k as f64 * step, d = decimals(exp)))).collect()
}

/// A logarithmic axis over `lo..hi` (both positive), from the largest
/// 1-2-5 value at or below `lo` to the smallest at or above `hi`, ticked at
/// every 1, 2 and 5 between; only the powers of ten are labelled when more
/// than three decades are shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Log {
    /// The axis start: a 1-2-5 value.
    pub lo: f64,
    /// The axis end: a 1-2-5 value above `lo`.
    pub hi: f64,
    /// Tick values with their label (empty for unlabelled ticks).
    pub ticks: Vec<(f64, String)>,
}

/// The 1-2-5 values around `lo..=hi`.
#[must_use]
pub fn log(lo: f64, hi: f64) -> Log {
    let lo = if lo.is_finite() && lo > 0.0 { lo } else { 1.0 };
    let hi = if hi.is_finite() && hi > lo { hi } else { lo };
    // Every 1-2-5 value of the decades that hold the data, with its exponent.
    let e0 = lo.log10().floor() as i32;
    let e1 = (hi.log10() - 1e-9).ceil().max(f64::from(e0) + 1.0) as i32;
    let all: Vec<(f64, i32)> = (e0..=e1)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| (m * 10f64.powi(e), e)))
        .filter(|(v, e)| *e < e1 || *v == 10f64.powi(e1))
        .collect();
    let first = all.iter().rposition(|(v, _)| *v <= lo * (1.0 + 1e-9)).unwrap_or(0);
    let last = all.iter().position(|(v, _)| *v >= hi * (1.0 - 1e-9)).unwrap_or(all.len() - 1).max(first + 1);
    let kept = all.get(first..=last).unwrap_or(&all);
    let (start, end) = (kept.first().map_or(1.0, |t| t.0), kept.last().map_or(10.0, |t| t.0));
    let few = end / start <= 1_000.0 * (1.0 + 1e-9);
    let ticks = kept
        .iter()
        .map(|(v, e)| {
            let power = (v / 10f64.powi(*e) - 1.0).abs() < 1e-9;
            (*v, if few || power { label(*v, decimals(*e)) } else { String::new() })
        })
        .collect();
    Log { lo: start, hi: end, ticks }
}

/// Whether consecutive ticks are one 1-2-5 step apart (used by tests).
#[must_use]
pub fn is_125_step(step: f64) -> bool {
    if !(step.is_finite() && step > 0.0) {
        return false;
    }
    let (nice, _) = step_125(step);
    (nice - step).abs() <= 1e-6 * step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_1_2_5() {
        assert_eq!(step_125(0.3).0, 0.5);
        assert_eq!(step_125(3.75).0, 5.0);
        assert_eq!(step_125(24.0).0, 50.0);
        assert_eq!(step_125(20.0).0, 20.0);
        assert_eq!(step_125(0.0).0, 1.0);
        for raw in [0.013, 0.7, 1.0, 7.0, 19.0, 240.0, 9_999.0] {
            let (s, _) = step_125(raw);
            assert!(is_125_step(s) && s >= raw * (1.0 - 1e-9) && s < raw * 2.6, "{raw} → {s}");
        }
        assert!(!is_125_step(24.0) && !is_125_step(3.75) && !is_125_step(0.0));
    }

    #[test]
    fn linear_ticks_cover_the_data_and_counts_stay_whole() {
        let a = linear(3.75, 5, false);
        assert_eq!(a.ticks, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        let a = linear(0.9, 5, true);
        assert_eq!(a.ticks, vec![0.0, 1.0]);
        let a = linear(0.9, 5, false);
        assert_eq!(a.decimals, 1);
        assert!(a.top >= 0.9 && a.ticks.len() <= 6);
        let a = linear(0.0, 5, false);
        assert_eq!(a.top, 1.0);
        assert_eq!(label(25_000.0, 0), "25k");
        assert_eq!(label(2_000.0, 0), "2k");
        assert_eq!(linear(9_000.0, 5, false).labels(), ["0", "2k", "4k", "6k", "8k", "10k"]);
        assert_eq!(linear(12_000.0, 5, false).labels(), ["0", "5k", "10k", "15k"]);
        assert_eq!(linear(4_000.0, 5, false).labels(), ["0", "1000", "2000", "3000", "4000"]);
        assert_eq!(linear(0.3, 5, false).labels(), ["0", "0.1", "0.2", "0.3"]);
        assert_eq!(label(2_500_000.0, 0), "2.5M");
        assert_eq!(label(0.25, 2), "0.25");
    }

    #[test]
    fn time_reads_in_sensible_units() {
        let t = time_ticks(120.0);
        assert_eq!(t.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(), ["0", "20", "40", "60", "80", "100", "120"]);
        assert_eq!(time_unit(3_600.0).0, "min");
        let t = time_ticks(3_600.0);
        assert_eq!(t.last().map(|x| (x.0, x.1.as_str())), Some((3_600.0, "60")));
        assert_eq!(time_unit(86_400.0).0, "h");
        let t = time_ticks(45.0);
        assert_eq!(t.last().map(|x| x.0), Some(40.0));
    }

    #[test]
    fn log_axis_has_decades() {
        let a = log(3.0, 250.0);
        assert_eq!((a.lo, a.hi), (2.0, 500.0));
        assert_eq!(a.ticks.first().map(|t| t.1.as_str()), Some("2"));
        assert!(a.ticks.iter().any(|t| t.1 == "20"));
        let a = log(40.0, 175.0);
        assert_eq!(a.ticks.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["20", "50", "100", "200"]);
        let a = log(0.2, 90_000.0);
        assert!(a.ticks.iter().all(|t| t.1.is_empty() || [0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5].contains(&t.0)));
        let a = log(5.0, 5.0);
        assert_eq!((a.lo, a.hi), (5.0, 10.0));
    }
}
