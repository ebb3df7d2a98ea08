//! Random streams and samplers.
//!
//! Every random decision draws from a stream named by (seed, replication,
//! stable id of the node/edge/workload, purpose). The stream's starting state
//! is a fixed hash of those four things (FNV-1a of the id bytes, mixed with
//! SplitMix64), so adding a node leaves every other node's samples unchanged,
//! and the algorithm (PCG64 MCG, `rand_pcg`) is named and portable: the same
//! seed gives the same numbers on every platform and release.

use rand::Rng as _;
use rand_distr::Distribution as _;
use rand_pcg::Pcg64Mcg;

use crate::model::Distribution;

/// z for the 99th percentile of the standard normal distribution.
const Z_P99: f64 = 2.326_347_874_040_841;

/// One random stream.
pub(crate) type Stream = Pcg64Mcg;

/// SplitMix64 finaliser: a strong 64-bit mixer.
#[must_use]
pub(crate) fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over the bytes.
#[must_use]
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The stream for (seed, replication, id, purpose).
#[must_use]
pub(crate) fn stream(seed: u64, replication: u32, id: &str, purpose: &str) -> Stream {
    let key = fnv1a(id.as_bytes()) ^ splitmix64(fnv1a(purpose.as_bytes()));
    let a = splitmix64(seed ^ splitmix64(u64::from(replication) ^ splitmix64(key)));
    let b = splitmix64(a ^ key.rotate_left(32));
    Pcg64Mcg::new((u128::from(a) << 64) | u128::from(b))
}

/// A uniform draw in [0, 1) with 53 random bits.
#[inline]
pub(crate) fn unit(rng: &mut Stream) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform index below `n` (`n` > 0), by multiply-shift (bias below 2⁻³²
/// for the small `n` used here).
#[inline]
pub(crate) fn index(rng: &mut Stream, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// Whether an event of probability `p` happens.
#[inline]
pub(crate) fn chance(rng: &mut Stream, p: f64) -> bool {
    p >= 1.0 || (p > 0.0 && unit(rng) < p)
}

/// Milliseconds (f64) to integer nanoseconds, clamping negatives and NaN to zero.
#[inline]
#[must_use]
pub(crate) fn ms_to_ns(ms: f64) -> u64 {
    to_ns(ms * 1e6)
}

/// Seconds (f64) to integer nanoseconds.
#[must_use]
pub(crate) fn s_to_ns(s: f64) -> u64 {
    ms_to_ns(s * 1e3)
}

/// A compiled duration distribution that samples integer nanoseconds.
#[derive(Clone, Debug)]
pub(crate) enum Sampler {
    /// Always the same.
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
    /// Compile a user distribution; `None` names what is wrong.
    pub(crate) fn new(d: &Distribution) -> Result<Self, String> {
        let bad = |what: &str| Err(format!("{what} in {}", d.label()));
        match d {
            Distribution::Constant { value_ms } => {
                if !(value_ms.is_finite() && *value_ms >= 0.0) {
                    return bad("a negative or non-finite value");
                }
                Ok(Self::Constant(ms_to_ns(*value_ms)))
            }
            Distribution::Exponential { mean_ms } => {
                if !(mean_ms.is_finite() && *mean_ms >= 0.0) {
                    return bad("a negative or non-finite mean");
                }
                if *mean_ms == 0.0 { Ok(Self::Constant(0)) } else { Ok(Self::Exponential(mean_ms * 1e6)) }
            }
            Distribution::Uniform { min_ms, max_ms } => {
                if !(min_ms.is_finite() && max_ms.is_finite() && *min_ms >= 0.0 && max_ms >= min_ms) {
                    return bad("bounds that are negative, non-finite or reversed");
                }
                Ok(Self::Uniform { lo: min_ms * 1e6, span: (max_ms - min_ms) * 1e6 })
            }
            Distribution::Gamma { mean_ms, cv } => {
                if !(mean_ms.is_finite() && cv.is_finite() && *mean_ms >= 0.0 && *cv >= 0.0) {
                    return bad("a negative or non-finite mean or cv");
                }
                // Below GAMMA_MIN_CV the shape is too large to sample (and
                // the draw would be the mean anyway).
                if *cv < crate::model::GAMMA_MIN_CV || *mean_ms == 0.0 {
                    return Ok(Self::Constant(ms_to_ns(*mean_ms)));
                }
                let shape = 1.0 / (cv * cv);
                let scale = mean_ms * cv * cv;
                rand_distr::Gamma::new(shape, scale).map(Self::Gamma).or_else(|e| bad(&e.to_string()))
            }
            Distribution::Lognormal { p50_ms, p99_ms } => {
                if !(p50_ms.is_finite() && p99_ms.is_finite() && *p50_ms > 0.0 && p99_ms >= p50_ms) {
                    return bad("a p50 that is not positive or a p99 below the p50");
                }
                // μ = ln p50 and σ = ln(p99/p50)/z₀.₉₉, as the model's own `mean_ms` assumes.
                let mu = p50_ms.ln();
                let sigma = (p99_ms / p50_ms).ln() / Z_P99;
                rand_distr::LogNormal::new(mu, sigma).map(Self::LogNormal).or_else(|e| bad(&e.to_string()))
            }
            Distribution::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    return bad("no samples");
                }
                if samples_ms.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
                    return bad("a negative or non-finite sample");
                }
                Ok(Self::Empirical(samples_ms.iter().map(|s| ms_to_ns(*s)).collect()))
            }
        }
    }

    /// One duration in nanoseconds.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "a few instructions on every service start")]
    pub(crate) fn sample(&self, rng: &mut Stream) -> u64 {
        // The exponential is by far the most used: drawn inline, the rest
        // behind a call, so a draw costs no register saves.
        if let Self::Exponential(mean_ns) = self {
            return to_ns(crate::sim::core::exponential::exp1(rng) * mean_ns);
        }
        self.sample_other(rng)
    }

    /// [`Sampler::sample`] for every distribution but the exponential.
    #[inline(never)]
    fn sample_other(&self, rng: &mut Stream) -> u64 {
        match self {
            Self::Constant(ns) => *ns,
            Self::Exponential(mean_ns) => {
                let e: f64 = rand_distr::Exp1.sample(rng);
                to_ns(e * mean_ns)
            }
            Self::Uniform { lo, span } => to_ns(lo + span * unit(rng)),
            Self::Gamma(g) => to_ns(g.sample(rng) * 1e6),
            Self::LogNormal(l) => to_ns(l.sample(rng) * 1e6),
            Self::Empirical(samples) => samples.get(index(rng, samples.len())).copied().unwrap_or(0),
        }
    }

    /// Whether every sample is zero (the step can skip scheduling).
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Self::Constant(0))
    }
}

/// Longest delay the simulator schedules, ns (about three years). The clock
/// runs for at most a year, so `now + delay` never comes near `u64::MAX`,
/// whatever a design or a heavy-tailed draw asks for.
pub(crate) const MAX_DELAY_NS: u64 = 100_000_000_000_000_000;

/// Nanoseconds (f64) to an integer delay: rounded, negatives and NaN to zero,
/// anything longer than [`MAX_DELAY_NS`] to that.
#[inline]
fn to_ns(ns: f64) -> u64 {
    #[allow(clippy::cast_precision_loss, reason = "1e17 is exact in f64")]
    const LIMIT: f64 = MAX_DELAY_NS as f64;
    // Adding ½ then truncating rounds without a libm call; below 2⁶³ the
    // signed conversion is one instruction (x86-64 emulates the unsigned).
    let x = ns + 0.5;
    if ns > 0.0 && x < LIMIT {
        x as i64 as u64
    } else if ns > 0.0 {
        clamped()
    } else {
        0
    }
}

thread_local! {
    /// Draws held at [`MAX_DELAY_NS`] on this thread since the last
    /// [`take_clamped`]: a replication runs on one thread, and the simulator
    /// collects the count after each chunk of events, so the report can say
    /// that some delays were longer than the clock holds.
    static CLAMPED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A draw longer than [`MAX_DELAY_NS`]: counted, and held there.
#[cold]
#[inline(never)]
pub(crate) fn clamped() -> u64 {
    CLAMPED.with(|c| c.set(c.get().saturating_add(1)));
    MAX_DELAY_NS
}

/// Clamped draws counted on this thread since the last call.
pub(crate) fn take_clamped() -> u64 {
    CLAMPED.with(|c| c.replace(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_depend_on_every_key_part() {
        let mut a = stream(1, 0, "orders", "service");
        let first = a.next_u64();
        assert_ne!(first, stream(2, 0, "orders", "service").next_u64());
        assert_ne!(first, stream(1, 1, "orders", "service").next_u64());
        assert_ne!(first, stream(1, 0, "payments", "service").next_u64());
        assert_ne!(first, stream(1, 0, "orders", "error").next_u64());
        assert_eq!(first, stream(1, 0, "orders", "service").next_u64());
    }

    #[test]
    fn golden_stream_values() {
        // Changing the derivation changes every report: this test makes that deliberate.
        let mut s = stream(42, 3, "gateway", "service");
        let v: Vec<u64> = (0..3).map(|_| s.next_u64()).collect();
        let again: Vec<u64> = {
            let mut s = stream(42, 3, "gateway", "service");
            (0..3).map(|_| s.next_u64()).collect()
        };
        assert_eq!(v, again);
        assert_eq!(fnv1a(b"a"), 0xAF63_DC4C_8601_EC8C);
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn exponential_mean_is_right() {
        let s = Sampler::new(&Distribution::Exponential { mean_ms: 2.0 }).unwrap_or(Sampler::Constant(0));
        let mut rng = stream(7, 0, "x", "y");
        let n = 200_000;
        let mean = (0..n).map(|_| s.sample(&mut rng) as f64).sum::<f64>() / f64::from(n);
        assert!((mean / 2e6 - 1.0).abs() < 0.01, "{mean}");
    }

    #[test]
    fn gamma_and_lognormal_parameters() {
        let g = Sampler::new(&Distribution::Gamma { mean_ms: 4.0, cv: 0.5 }).unwrap_or(Sampler::Constant(0));
        let mut rng = stream(7, 0, "x", "g");
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| g.sample(&mut rng) as f64 / 1e6).collect();
        let mean = xs.iter().sum::<f64>() / f64::from(n);
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(n);
        assert!((mean - 4.0).abs() < 0.05, "{mean}");
        assert!((var.sqrt() / mean - 0.5).abs() < 0.01);
        let l = Sampler::new(&Distribution::Lognormal { p50_ms: 10.0, p99_ms: 50.0 }).unwrap_or(Sampler::Constant(0));
        let mut ys: Vec<u64> = (0..n).map(|_| l.sample(&mut rng)).collect();
        ys.sort_unstable();
        let p50 = ys[ys.len() / 2] as f64 / 1e6;
        let p99 = ys[ys.len() * 99 / 100] as f64 / 1e6;
        assert!((p50 / 10.0 - 1.0).abs() < 0.02, "{p50}");
        assert!((p99 / 50.0 - 1.0).abs() < 0.05, "{p99}");
    }
}
