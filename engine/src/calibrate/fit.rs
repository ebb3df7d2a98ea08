//! Fitting a duration distribution to measured times: a log-normal through
//! the sample's median and 99th percentile (the parameterisation designs
//! use), kept when its Kolmogorov–Smirnov distance to the data is small,
//! else the empirical distribution with at most [`EMPIRICAL_POINTS`] points
//! (evenly spaced quantiles), so a fit's size does not grow with the data.

use crate::model::Distribution;

/// Most points of an empirical fit.
pub const EMPIRICAL_POINTS: usize = 200;

/// Largest KS distance a log-normal fit may have: beyond the 5% critical
/// value 1.36/√n and beyond this, the data are not log-normal enough.
pub const KS_ACCEPT: f64 = 0.05;

/// z of the 99th percentile of the standard normal distribution.
const Z_P99: f64 = 2.326_347_874_040_841;

/// A fitted distribution and how well it fits.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// The distribution, in milliseconds.
    pub distribution: Distribution,
    /// Samples it was fitted to.
    pub samples: u64,
    /// Sample median, ms.
    pub p50_ms: f64,
    /// Sample 99th percentile, ms.
    pub p99_ms: f64,
    /// KS distance between the data and the log-normal through its p50 and p99.
    pub ks_lognormal: f64,
    /// Up to [`EMPIRICAL_POINTS`] quantiles of the data (ms), for plots.
    pub quantiles_ms: Vec<f64>,
}

/// Quantile `q` of sorted data, linear between order statistics.
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    let a = sorted.get(lo).copied().unwrap_or(0.0);
    let b = sorted.get(hi).copied().unwrap_or(a);
    a + (b - a) * frac
}

/// The standard normal CDF (Abramowitz & Stegun 7.1.26 for erf: error below 1.5e-7).
#[must_use]
pub fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 { 0.5 * (1.0 + erf) } else { 0.5 * (1.0 - erf) }
}

/// KS distance between sorted data and the log-normal with median `p50` and 99th percentile `p99`.
#[must_use]
pub fn ks_lognormal(sorted: &[f64], p50: f64, p99: f64) -> f64 {
    if p50 <= 0.0 || p99 <= p50 {
        return 1.0;
    }
    let mu = p50.ln();
    let sigma = (p99.ln() - mu) / Z_P99;
    let n = sorted.len() as f64;
    let mut d: f64 = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        let f = if x > 0.0 { normal_cdf((x.ln() - mu) / sigma) } else { 0.0 };
        d = d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs());
    }
    d
}

/// Fit durations in milliseconds (sorted in place). `None` without data.
#[must_use]
pub fn fit(samples_ms: &mut [f64]) -> Option<Fit> {
    if samples_ms.is_empty() {
        return None;
    }
    samples_ms.sort_by(f64::total_cmp);
    let data: &[f64] = samples_ms;
    let p50 = quantile(data, 0.5);
    let p99 = quantile(data, 0.99);
    let ks = ks_lognormal(data, p50, p99);
    let points = EMPIRICAL_POINTS.min(data.len());
    let quantiles_ms: Vec<f64> = (0..points).map(|i| quantile(data, (i as f64 + 0.5) / points as f64)).collect();
    let critical = (1.36 / (data.len() as f64).sqrt()).max(KS_ACCEPT);
    let distribution = if p99 <= p50 || p50 <= 0.0 {
        if p50 > 0.0 && data.first() == data.last() {
            Distribution::Constant { value_ms: p50 }
        } else {
            Distribution::Empirical { samples_ms: quantiles_ms.clone() }
        }
    } else if ks <= critical {
        Distribution::Lognormal { p50_ms: p50, p99_ms: p99 }
    } else {
        Distribution::Empirical { samples_ms: quantiles_ms.clone() }
    };
    Some(Fit { distribution, samples: data.len() as u64, p50_ms: p50, p99_ms: p99, ks_lognormal: ks, quantiles_ms })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
    use super::*;

    #[test]
    fn normal_cdf_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(Z_P99) - 0.99).abs() < 1e-6);
        assert!((normal_cdf(-1.959_964) - 0.025).abs() < 1e-6);
    }

    #[test]
    fn log_normal_data_fit_a_log_normal_and_uniform_data_do_not() {
        // Exact log-normal quantiles (p50 10 ms, p99 40 ms): the KS distance is the discretisation, 1/n.
        let sigma = (40.0f64 / 10.0).ln() / Z_P99;
        let n = 2000;
        let mut data: Vec<f64> = (0..n)
            .map(|i| {
                let p = (f64::from(i) + 0.5) / f64::from(n);
                // Invert the CDF by bisection on z.
                let (mut lo, mut hi) = (-8.0, 8.0);
                for _ in 0..80 {
                    let mid = 0.5 * (lo + hi);
                    if normal_cdf(mid) < p { lo = mid } else { hi = mid }
                }
                10.0 * (sigma * lo).exp()
            })
            .collect();
        let f = fit(&mut data).unwrap();
        let Distribution::Lognormal { p50_ms, p99_ms } = f.distribution else { panic!("{:?}", f.distribution) };
        assert!((p50_ms - 10.0).abs() < 0.1 && (p99_ms - 40.0).abs() < 0.5, "{p50_ms} {p99_ms}");
        assert!(f.ks_lognormal < 0.01, "{}", f.ks_lognormal);
        // A bimodal mix is no log-normal: it is kept empirical, with a bounded number of points.
        let mut mix: Vec<f64> = (0..5000)
            .map(|i| if i % 2 == 0 { 1.0 + f64::from(i % 7) * 0.01 } else { 100.0 + f64::from(i % 5) })
            .collect();
        let f = fit(&mut mix).unwrap();
        let Distribution::Empirical { samples_ms } = &f.distribution else { panic!("{:?}", f.distribution) };
        assert_eq!(samples_ms.len(), EMPIRICAL_POINTS);
        assert!(f.ks_lognormal > 0.2);
    }
}
