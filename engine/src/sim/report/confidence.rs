//! Confidence intervals: the mean of independent samples (replications, or
//! batch means when there is one replication) and the Student-t 95% half-width.

use serde::{Deserialize, Serialize};

/// A figure with its 95% confidence interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub mean: f64,
    /// Half-width of the Student-t 95% confidence interval (0 when it cannot be computed).
    pub ci95: f64,
    /// The half-width exceeds 5% of the mean: run longer or with more replications.
    pub wide: bool,
}

impl Estimate {
    /// Lower bound of the interval.
    #[must_use]
    pub fn low(&self) -> f64 {
        self.mean - self.ci95
    }

    /// Upper bound of the interval.
    #[must_use]
    pub fn high(&self) -> f64 {
        self.mean + self.ci95
    }
}

/// Relative half-width above which a figure is flagged.
pub const WIDE_CI: f64 = 0.05;

/// Two-sided 97.5% quantile of Student's t for `df` degrees of freedom.
#[must_use]
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if let Some(t) = TABLE.get(df - 1) {
        return *t;
    }
    // Cornish–Fisher expansion around the normal quantile; exact to 3 decimals beyond 30 df.
    let z: f64 = 1.959_963_985;
    let d = df as f64;
    z + (z.powi(3) + z) / (4.0 * d) + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
}

/// Finite or zero: reports never carry NaN or infinities.
#[must_use]
pub fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Estimate from a point value and independent samples of it.
#[must_use]
pub fn estimate(point: f64, samples: &[f64]) -> Estimate {
    let n = samples.len();
    let ci95 = if n >= 2 {
        let m = samples.iter().sum::<f64>() / n as f64;
        let var = samples.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        t975(n - 1) * (var / n as f64).sqrt()
    } else {
        0.0
    };
    let mean = finite(point);
    let ci95 = finite(ci95);
    let wide = n < 2 || (mean != 0.0 && ci95 > WIDE_CI * mean.abs()) || (mean == 0.0 && ci95 > 0.0);
    Estimate { mean, ci95, wide }
}

/// Estimate as the mean of independent samples.
#[must_use]
pub fn mean_estimate(samples: &[f64]) -> Estimate {
    let n = samples.len();
    let m = if n == 0 { 0.0 } else { samples.iter().sum::<f64>() / n as f64 };
    estimate(m, samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles() {
        assert!((t975(9) - 2.262).abs() < 1e-9);
        assert!((t975(60) - 2.000).abs() < 2e-3);
        assert!((t975(120) - 1.980).abs() < 2e-3);
    }

    #[test]
    fn interval_of_known_samples() {
        let e = mean_estimate(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!((e.mean - 3.0).abs() < 1e-12);
        // s = 1.5811, se = 0.7071, t4 = 2.776.
        assert!((e.ci95 - 2.776 * std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-3);
        assert!(e.wide);
    }
}
