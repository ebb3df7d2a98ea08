//! A duration distribution compiled once and sampled as integer nanoseconds.

use rand_distr::Distribution as _;

use super::exponential::exp1;
use super::nanos::{ms_to_ns, to_ns};
use super::stream::Stream;
use crate::model::Distribution;

/// z for the 99th percentile of the standard normal distribution.
const Z_P99: f64 = 2.326_347_874_040_841;

/// A distribution that cannot be drawn from, with what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} in {distribution}")]
pub struct SamplerError {
    /// What is wrong with the parameters.
    pub what: String,
    /// The distribution as the design names it (`Distribution::label`).
    pub distribution: String,
}

/// A compiled duration distribution that samples integer nanoseconds.
#[derive(Clone, Debug)]
pub struct Sampler(Kind);

/// The compiled forms.
#[derive(Clone, Debug)]
enum Kind {
    /// Always the same (ns).
    Constant(u64),
    /// Exponential with this mean (ns).
    Exponential(f64),
    /// Uniform from `lo` over `span` (ns).
    Uniform { lo: f64, span: f64 },
    /// Gamma in milliseconds.
    Gamma(rand_distr::Gamma<f64>),
    /// Log-normal in milliseconds.
    LogNormal(rand_distr::LogNormal<f64>),
    /// Uniform pick among samples (ns).
    Empirical(Vec<u64>),
}

impl Sampler {
    /// Always `ns`, drawing nothing.
    #[must_use]
    pub fn constant_ns(ns: u64) -> Self {
        Self(Kind::Constant(ns))
    }

    /// Compile a user distribution, or say what is wrong with it.
    pub fn new(d: &Distribution) -> Result<Self, SamplerError> {
        let bad = |what: &str| Err(SamplerError { what: what.to_owned(), distribution: d.label() });
        let kind = match d {
            Distribution::Constant { value_ms } => {
                if !(value_ms.is_finite() && *value_ms >= 0.0) {
                    return bad("a negative or non-finite value");
                }
                Kind::Constant(ms_to_ns(*value_ms))
            }
            Distribution::Exponential { mean_ms } => {
                if !(mean_ms.is_finite() && *mean_ms >= 0.0) {
                    return bad("a negative or non-finite mean");
                }
                if *mean_ms == 0.0 { Kind::Constant(0) } else { Kind::Exponential(mean_ms * 1e6) }
            }
            Distribution::Uniform { min_ms, max_ms } => {
                if !(min_ms.is_finite() && max_ms.is_finite() && *min_ms >= 0.0 && max_ms >= min_ms) {
                    return bad("bounds that are negative, non-finite or reversed");
                }
                Kind::Uniform { lo: min_ms * 1e6, span: (max_ms - min_ms) * 1e6 }
            }
            Distribution::Gamma { mean_ms, cv } => {
                if !(mean_ms.is_finite() && cv.is_finite() && *mean_ms >= 0.0 && *cv >= 0.0) {
                    return bad("a negative or non-finite mean or cv");
                }
                // Below GAMMA_MIN_CV the shape is too large to sample (and
                // the draw would be the mean anyway).
                if *cv < crate::model::GAMMA_MIN_CV || *mean_ms == 0.0 {
                    Kind::Constant(ms_to_ns(*mean_ms))
                } else {
                    let shape = 1.0 / (cv * cv);
                    let scale = mean_ms * cv * cv;
                    match rand_distr::Gamma::new(shape, scale) {
                        Ok(g) => Kind::Gamma(g),
                        Err(e) => return bad(&e.to_string()),
                    }
                }
            }
            Distribution::Lognormal { p50_ms, p99_ms } => {
                if !(p50_ms.is_finite() && p99_ms.is_finite() && *p50_ms > 0.0 && p99_ms >= p50_ms) {
                    return bad("a p50 that is not positive or a p99 below the p50");
                }
                // μ = ln p50 and σ = ln(p99/p50)/z₀.₉₉, as the model's own `mean_ms` assumes.
                let mu = p50_ms.ln();
                let sigma = (p99_ms / p50_ms).ln() / Z_P99;
                match rand_distr::LogNormal::new(mu, sigma) {
                    Ok(l) => Kind::LogNormal(l),
                    Err(e) => return bad(&e.to_string()),
                }
            }
            Distribution::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    return bad("no samples");
                }
                if samples_ms.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
                    return bad("a negative or non-finite sample");
                }
                Kind::Empirical(samples_ms.iter().map(|s| ms_to_ns(*s)).collect())
            }
        };
        Ok(Self(kind))
    }

    /// One duration in nanoseconds (at most [`super::MAX_DELAY_NS`]).
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "a few instructions on every service start")]
    pub fn sample(&self, rng: &mut Stream) -> u64 {
        // The exponential is by far the most used: drawn inline, the rest
        // behind a call, so a draw costs no register saves.
        if let Kind::Exponential(mean_ns) = self.0 {
            return to_ns(exp1(rng) * mean_ns);
        }
        self.sample_other(rng)
    }

    /// [`Sampler::sample`] for every distribution but the exponential.
    #[inline(never)]
    fn sample_other(&self, rng: &mut Stream) -> u64 {
        match &self.0 {
            Kind::Constant(ns) => *ns,
            Kind::Exponential(mean_ns) => {
                let e: f64 = rand_distr::Exp1.sample(rng);
                to_ns(e * mean_ns)
            }
            Kind::Uniform { lo, span } => to_ns(lo + span * rng.unit()),
            Kind::Gamma(g) => to_ns(g.sample(rng) * 1e6),
            Kind::LogNormal(l) => to_ns(l.sample(rng) * 1e6),
            Kind::Empirical(samples) => samples.get(rng.index(samples.len())).copied().unwrap_or(0),
        }
    }

    /// Whether every sample is zero (a caller can skip waiting).
    #[must_use]
    pub fn is_zero(&self) -> bool {
        matches!(self.0, Kind::Constant(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(d: &Distribution) -> Sampler {
        Sampler::new(d).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn exponential_mean_is_right() {
        let s = compiled(&Distribution::Exponential { mean_ms: 2.0 });
        let mut rng = Stream::keyed(7, 0, "x", "y");
        let n = 200_000;
        let mean = (0..n).map(|_| s.sample(&mut rng) as f64).sum::<f64>() / f64::from(n);
        assert!((mean / 2e6 - 1.0).abs() < 0.01, "{mean}");
    }

    #[test]
    fn gamma_and_lognormal_parameters() {
        let g = compiled(&Distribution::Gamma { mean_ms: 4.0, cv: 0.5 });
        let mut rng = Stream::keyed(7, 0, "x", "g");
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| g.sample(&mut rng) as f64 / 1e6).collect();
        let mean = xs.iter().sum::<f64>() / f64::from(n);
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(n);
        assert!((mean - 4.0).abs() < 0.05, "{mean}");
        assert!((var.sqrt() / mean - 0.5).abs() < 0.01);
        let l = compiled(&Distribution::Lognormal { p50_ms: 10.0, p99_ms: 50.0 });
        let mut ys: Vec<u64> = (0..n).map(|_| l.sample(&mut rng)).collect();
        ys.sort_unstable();
        let p50 = ys[ys.len() / 2] as f64 / 1e6;
        let p99 = ys[ys.len() * 99 / 100] as f64 / 1e6;
        assert!((p50 / 10.0 - 1.0).abs() < 0.02, "{p50}");
        assert!((p99 / 50.0 - 1.0).abs() < 0.05, "{p99}");
    }

    #[test]
    fn constants_uniform_and_empirical() {
        let mut rng = Stream::from_seed(1);
        let c = compiled(&Distribution::Constant { value_ms: 1.5 });
        let before = rng.clone();
        assert_eq!(c.sample(&mut rng), 1_500_000);
        assert_eq!(rng, before, "a constant draws nothing");
        assert!(compiled(&Distribution::Exponential { mean_ms: 0.0 }).is_zero());
        assert!(Sampler::constant_ns(0).is_zero());
        assert!(!Sampler::constant_ns(1).is_zero());
        let u = compiled(&Distribution::Uniform { min_ms: 2.0, max_ms: 3.0 });
        assert!((0..1_000).all(|_| (2_000_000..=3_000_000).contains(&u.sample(&mut rng))));
        let e = compiled(&Distribution::Empirical { samples_ms: vec![1.0, 5.0] });
        assert!((0..1_000).all(|_| [1_000_000, 5_000_000].contains(&e.sample(&mut rng))));
    }

    #[test]
    fn bad_parameters_are_named() {
        let e = Sampler::new(&Distribution::Uniform { min_ms: 3.0, max_ms: 2.0 }).err();
        assert!(e.is_some_and(|e| e.to_string().starts_with("bounds that are negative")));
        assert!(Sampler::new(&Distribution::Empirical { samples_ms: vec![] }).is_err());
        assert!(Sampler::new(&Distribution::Constant { value_ms: f64::NAN }).is_err());
    }
}
