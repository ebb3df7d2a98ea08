//! Service-time and latency distributions, as the user states them.
//!
//! Users think in the figures they can measure (a mean, a p50 and a p99), so
//! each variant is parameterised that way; the simulator derives the internal
//! parameters (gamma shape/scale, log-normal μ/σ) when it compiles the design.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A distribution of durations in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    /// Always the same duration.
    Constant {
        /// Duration in milliseconds.
        value_ms: f64,
    },
    /// Exponential (memoryless), the M in M/M/1.
    Exponential {
        /// Mean in milliseconds.
        mean_ms: f64,
    },
    /// Uniform between two bounds.
    Uniform {
        /// Lower bound in milliseconds.
        min_ms: f64,
        /// Upper bound in milliseconds.
        max_ms: f64,
    },
    /// Gamma given its mean and coefficient of variation (standard deviation / mean).
    Gamma {
        /// Mean in milliseconds.
        mean_ms: f64,
        /// Coefficient of variation: 1 is exponential, below 1 is more regular
        /// (0 to 100; below 1e-6 it is drawn as a constant).
        #[schemars(range(min = 0.0, max = 100.0))]
        cv: f64,
    },
    /// Log-normal given its median and 99th percentile: the usual shape of a
    /// measured service latency.
    Lognormal {
        /// Median in milliseconds.
        p50_ms: f64,
        /// 99th percentile in milliseconds (must exceed `p50_ms`).
        p99_ms: f64,
    },
    /// Drawn uniformly from measured samples.
    Empirical {
        /// Measured durations in milliseconds (1 to 1,000,000 of them).
        #[schemars(length(min = 1, max = 1_000_000))]
        samples_ms: Vec<f64>,
    },
}

impl Default for Distribution {
    fn default() -> Self {
        Self::Exponential { mean_ms: 10.0 }
    }
}

/// z for the 99th percentile of the standard normal distribution.
pub(crate) const Z_P99: f64 = 2.326_347_874_040_841;

/// Share of draws above [`Distribution::upper_ms`]: one in a billion.
pub const UPPER_TAIL: f64 = 1e-9;

/// z for the 1 − 10⁻⁹ quantile of the standard normal distribution.
const Z_UPPER: f64 = 5.997_807_015_007_686;

/// Smallest gamma coefficient of variation sampled as a gamma: below it the
/// shape (1/cv²) is so large that the draw is the mean to the last digit, and
/// below about 1e-154 it is not even a finite number. Such a cv is drawn as a
/// constant.
pub const GAMMA_MIN_CV: f64 = 1e-6;

/// Largest gamma coefficient of variation: beyond it nearly every draw is 0
/// and the rest are astronomically long.
pub const GAMMA_MAX_CV: f64 = 100.0;

impl Distribution {
    /// The mean in milliseconds, used by the capacity estimate and by the UI.
    #[must_use]
    pub fn mean_ms(&self) -> f64 {
        match self {
            Self::Constant { value_ms } => *value_ms,
            Self::Exponential { mean_ms } | Self::Gamma { mean_ms, .. } => *mean_ms,
            Self::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Self::Lognormal { p50_ms, p99_ms } => {
                let (mu, sigma) = lognormal_params(*p50_ms, *p99_ms);
                (mu + sigma * sigma / 2.0).exp()
            }
            Self::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    0.0
                } else {
                    let n = samples_ms.len() as f64;
                    samples_ms.iter().sum::<f64>() / n
                }
            }
        }
    }

    /// The squared coefficient of variation (variance / mean²), used by the
    /// capacity estimate's waiting-time approximation.
    #[must_use]
    pub fn scv(&self) -> f64 {
        match self {
            Self::Constant { .. } => 0.0,
            Self::Exponential { .. } => 1.0,
            Self::Gamma { cv, .. } => cv * cv,
            Self::Uniform { min_ms, max_ms } => {
                let mean = (min_ms + max_ms) / 2.0;
                if mean <= 0.0 { 0.0 } else { (max_ms - min_ms).powi(2) / 12.0 / (mean * mean) }
            }
            Self::Lognormal { p50_ms, p99_ms } => {
                let (_, sigma) = lognormal_params(*p50_ms, *p99_ms);
                (sigma * sigma).exp() - 1.0
            }
            Self::Empirical { samples_ms } => {
                let mean = self.mean_ms();
                if samples_ms.is_empty() || mean <= 0.0 {
                    return 0.0;
                }
                let n = samples_ms.len() as f64;
                let var = samples_ms.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n;
                var / (mean * mean)
            }
        }
    }

    /// The 1 − 10⁻⁹ quantile in milliseconds (exact, or a bound slightly
    /// above it for the gamma), so that validation can check every time the
    /// simulator derives from a distribution (a fault multiplies it, a
    /// timeout waits for it) against the clock's range.
    #[must_use]
    pub fn upper_ms(&self) -> f64 {
        let l = -(UPPER_TAIL.ln());
        match self {
            Self::Constant { value_ms } => *value_ms,
            Self::Exponential { mean_ms } => mean_ms * l,
            Self::Uniform { min_ms, max_ms } => min_ms.max(*max_ms),
            Self::Gamma { mean_ms, cv } => {
                if *cv < GAMMA_MIN_CV {
                    return *mean_ms;
                }
                // Gamma(k, θ) is sub-gamma: P(X − kθ ≥ θ(√(2kL) + L)) ≤ e^−L.
                let k = 1.0 / (cv * cv);
                let theta = mean_ms * cv * cv;
                theta * (k + (2.0 * k * l).sqrt() + l)
            }
            Self::Lognormal { p50_ms, p99_ms } => {
                let (mu, sigma) = lognormal_params(*p50_ms, *p99_ms);
                (mu + sigma * Z_UPPER).exp()
            }
            Self::Empirical { samples_ms } => samples_ms.iter().copied().fold(0.0, f64::max),
        }
    }

    /// A short human label, e.g. "lognormal p50 12 ms · p99 80 ms".
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Constant { value_ms } => format!("constant {value_ms} ms"),
            Self::Exponential { mean_ms } => format!("exponential mean {mean_ms} ms"),
            Self::Uniform { min_ms, max_ms } => format!("uniform {min_ms}–{max_ms} ms"),
            Self::Gamma { mean_ms, cv } => format!("gamma mean {mean_ms} ms · cv {cv}"),
            Self::Lognormal { p50_ms, p99_ms } => format!("lognormal p50 {p50_ms} ms · p99 {p99_ms} ms"),
            Self::Empirical { samples_ms } => format!("empirical ({} samples)", samples_ms.len()),
        }
    }

    /// Every number the user typed, with its field name, for validation.
    #[must_use]
    pub fn fields(&self) -> Vec<(&'static str, f64)> {
        match self {
            Self::Constant { value_ms } => vec![("value_ms", *value_ms)],
            Self::Exponential { mean_ms } => vec![("mean_ms", *mean_ms)],
            Self::Uniform { min_ms, max_ms } => vec![("min_ms", *min_ms), ("max_ms", *max_ms)],
            Self::Gamma { mean_ms, cv } => vec![("mean_ms", *mean_ms), ("cv", *cv)],
            Self::Lognormal { p50_ms, p99_ms } => vec![("p50_ms", *p50_ms), ("p99_ms", *p99_ms)],
            Self::Empirical { samples_ms } => samples_ms.iter().map(|s| ("samples_ms", *s)).collect(),
        }
    }
}

/// μ and σ of the underlying normal for a log-normal with the given p50 and p99.
#[must_use]
pub(crate) fn lognormal_params(p50_ms: f64, p99_ms: f64) -> (f64, f64) {
    let mu = p50_ms.max(f64::MIN_POSITIVE).ln();
    let sigma = ((p99_ms / p50_ms).max(1.0)).ln() / Z_P99;
    (mu, sigma)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lognormal_mean_exceeds_median() {
        let d = Distribution::Lognormal { p50_ms: 10.0, p99_ms: 100.0 };
        let sigma = (10.0_f64).ln() / Z_P99;
        let expected = 10.0 * (sigma * sigma / 2.0).exp();
        assert!((d.mean_ms() - expected).abs() < 1e-9);
        assert!(d.mean_ms() > 10.0);
    }

    #[test]
    fn upper_quantiles() {
        // Exponential: −ln(1e-9) means.
        let e = Distribution::Exponential { mean_ms: 2.0 }.upper_ms();
        assert!((e - 2.0 * 20.723_265_836_946_41).abs() < 1e-9, "{e}");
        // Log-normal: p50 · (p99/p50)^(z_upper / z_99).
        let l = Distribution::Lognormal { p50_ms: 10.0, p99_ms: 100.0 }.upper_ms();
        let want = 10.0 * 10f64.powf(Z_UPPER / Z_P99);
        assert!((l / want - 1.0).abs() < 1e-9, "{l} vs {want}");
        // Gamma with cv 1 is the exponential: the bound is above the exact
        // quantile, and not by much.
        let g = Distribution::Gamma { mean_ms: 2.0, cv: 1.0 }.upper_ms();
        assert!(g >= e && g < 2.0 * e, "{g} vs {e}");
        // A gamma close to constant is bounded close to its mean.
        let c = Distribution::Gamma { mean_ms: 5.0, cv: 1e-3 }.upper_ms();
        assert!(c > 5.0 && c < 5.1, "{c}");
        assert_eq!(Distribution::Gamma { mean_ms: 5.0, cv: 1e-200 }.upper_ms(), 5.0);
    }

    #[test]
    fn uniform_scv() {
        let d = Distribution::Uniform { min_ms: 0.0, max_ms: 2.0 };
        assert!((d.scv() - 1.0 / 3.0).abs() < 1e-12);
    }
}
