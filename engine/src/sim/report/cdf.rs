//! A workload's latency distribution in the report: a bounded list of points
//! of its cumulative distribution, taken from the latency histogram pooled
//! over replications, so the report can draw the whole curve (not only four
//! percentiles) at a size that does not grow with the run.
//!
//! The points sit where a fixed set of quantiles falls: every 2 % through the
//! body, denser in both tails (down to 0.1 % and up to 99.99 %), the
//! smallest and the largest value. Each point is exact for the histogram:
//! the highest latency of a counter and the share of requests at or below
//! it, so a point never claims more than was measured.

use serde::{Deserialize, Serialize};

use crate::sim::report::metrics::Latency;

/// The quantiles, in ten-thousandths: the tails' and the body's every 2 %
/// (50 % and 95 % among them, so the report's p50 and p95 are points).
const QUANTILES_1E4: [u32; 63] = [
    0, 10, 20, 50, 100, 200, 300, 400, 500, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2200, 2400, 2600, 2800, 3000,
    3200, 3400, 3600, 3800, 4000, 4200, 4400, 4600, 4800, 5000, 5200, 5400, 5600, 5800, 6000, 6200, 6400, 6600, 6800,
    7000, 7200, 7400, 7600, 7800, 8000, 8200, 8400, 8600, 8800, 9000, 9200, 9400, 9500, 9600, 9800, 9900, 9950, 9990,
    9995, 9999, 10_000,
];

/// One point of a latency distribution.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CdfPoint {
    /// A latency, ms: the highest value of a histogram counter.
    pub latency_ms: f64,
    /// Share of the successful requests with this latency or less (0–1).
    pub fraction: f64,
}

/// The distribution's points, rising in latency and share, the last at the
/// largest latency with share 1; empty when no request succeeded.
#[must_use]
pub fn points(latency: &Latency) -> Vec<CdfPoint> {
    let qs = QUANTILES_1E4.map(|q| f64::from(q) / 10_000.0);
    let n = latency.hist.len() as f64;
    latency
        .hist
        .cdf_at_quantiles(&qs)
        .into_iter()
        .map(|(value_ns, count)| CdfPoint { latency_ms: value_ns as f64 / 1e6, fraction: count as f64 / n })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn points_are_bounded_rising_and_hold_the_percentiles() {
        assert!(QUANTILES_1E4.windows(2).all(|w| w[0] < w[1]));
        let mut l = Latency::new(3).unwrap();
        assert!(points(&l).is_empty());
        // A fast mode and a slow tail, four decades apart.
        for i in 0..20_000_u64 {
            l.record(if i % 50 == 0 { 2_000_000_000 + i * 1_000 } else { 1_000_000 + i * 37 });
        }
        let p = points(&l);
        assert!(p.len() <= QUANTILES_1E4.len() && p.len() > 20, "{}", p.len());
        assert!(p.windows(2).all(|w| w[0].latency_ms < w[1].latency_ms && w[0].fraction < w[1].fraction));
        assert_eq!(p.last().map(|p| p.fraction), Some(1.0));
        assert!(p.iter().all(|p| p.fraction > 0.0 && p.fraction <= 1.0));
        for q in [0.5, 0.95, 0.99, 0.999] {
            let first = p.iter().find(|p| p.fraction >= q).unwrap();
            assert!((first.latency_ms - l.quantile_ms(q)).abs() < 1e-9, "q {q}: {first:?}");
        }
    }
}
