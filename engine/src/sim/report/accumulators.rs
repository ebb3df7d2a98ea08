//! Accumulators that take replications one at a time, in replication order,
//! and give the very numbers the report had when every replication was kept
//! to the end: float sums start where `Iterator::sum` starts and add in the
//! same order, series are summed element by element the same way, histograms
//! are merged in the same order. A replication's measurements can then be
//! dropped as soon as they are folded, so a run's memory does not grow with
//! its replications.

use crate::sim::report::Percentiles;
use crate::sim::report::confidence::{Estimate, estimate, finite, mean_estimate};
use crate::sim::report::metrics::{BATCHES, Latency};

/// A float sum that matches `Iterator::sum` bit for bit: the standard
/// library starts float sums at −0.0, so a sum of nothing, or of −0.0s,
/// stays −0.0, and a fold started at +0.0 would differ there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sum(pub f64);

impl Default for Sum {
    fn default() -> Self {
        Self(-0.0)
    }
}

impl Sum {
    pub fn add(&mut self, x: f64) {
        self.0 += x;
    }
}

/// One figure's inputs to its confidence interval: each replication's
/// whole-run value, and the first replication's batch values (its interval
/// comes from batch means when it is the only replication).
#[derive(Clone, Debug, Default)]
pub(crate) struct EstAcc {
    wholes: Vec<f64>,
    batches: Vec<f64>,
}

impl EstAcc {
    /// Add a replication's whole-run value; `batch` gives its value in batch
    /// `b`, asked only of the first replication.
    pub fn fold(&mut self, whole: f64, batch: impl Fn(usize) -> Option<f64>) {
        if self.wholes.is_empty() {
            self.batches = (0..BATCHES as usize).filter_map(batch).map(finite).collect();
        }
        self.wholes.push(whole);
    }

    /// An accumulator from values worked out after the fold (a figure whose
    /// divisor depends on every replication).
    pub fn from_parts(wholes: Vec<f64>, batches: Vec<f64>) -> Self {
        Self { wholes, batches }
    }

    /// The estimate: the mean over replications (R ≥ 2), or the one
    /// replication's value with a batch-means interval (R = 1).
    pub fn finish(&self) -> Estimate {
        match self.wholes.as_slice() {
            [] => Estimate::default(),
            [w] => estimate(*w, &self.batches),
            ws => mean_estimate(&ws.iter().map(|w| finite(*w)).collect::<Vec<_>>()),
        }
    }
}

/// A time series averaged over replications, window by window; the first
/// non-empty series sets the length.
#[derive(Clone, Debug, Default)]
pub(crate) struct SeriesMean {
    sum: Vec<f64>,
}

impl SeriesMean {
    pub fn fold(&mut self, s: Vec<f64>) {
        if self.sum.is_empty() {
            self.sum = s;
        } else {
            for (o, v) in self.sum.iter_mut().zip(s) {
                *o += v;
            }
        }
    }

    /// The mean over `reps` replications.
    pub fn finish(self, reps: usize) -> Vec<f64> {
        let n = reps.max(1) as f64;
        self.sum.into_iter().map(|v| finite(v / n)).collect()
    }
}

/// Per window, the mean over the replications that have a value there
/// (`None` when none has: a window without data stays without data).
#[derive(Clone, Debug, Default)]
pub(crate) struct OptSeriesMean {
    sum: Vec<(f64, u32)>,
}

impl OptSeriesMean {
    pub fn fold(&mut self, s: Vec<Option<f64>>) {
        if self.sum.len() < s.len() {
            self.sum.resize(s.len(), (0.0, 0));
        }
        for (acc, v) in self.sum.iter_mut().zip(s) {
            if let Some(v) = v {
                acc.0 += v;
                acc.1 += 1;
            }
        }
    }

    pub fn finish(self) -> Vec<Option<f64>> {
        self.sum.into_iter().map(|(v, n)| (n > 0).then(|| finite(v / f64::from(n)))).collect()
    }
}

/// Latencies pooled over replications: the first replication's histogram
/// with each later one merged in.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pooled(Option<Latency>);

impl Pooled {
    /// Fold in a replication's latencies: the first is kept as it is (no
    /// copy), later ones are merged in and dropped.
    pub fn fold(&mut self, l: Latency) {
        match &mut self.0 {
            None => self.0 = Some(l),
            Some(a) => a.merge(&l),
        }
    }

    /// The pooled latencies, if any replication had them.
    pub fn latency(&self) -> Option<&Latency> {
        self.0.as_ref()
    }

    pub fn percentiles(&self) -> Percentiles {
        let Some(l) = &self.0 else { return Percentiles::default() };
        Percentiles {
            count: l.hist.len(),
            mean: finite(l.mean_ms()),
            p50: l.quantile_ms(0.5),
            p95: l.quantile_ms(0.95),
            p99: l.quantile_ms(0.99),
            p999: l.quantile_ms(0.999),
            max: if l.hist.is_empty() { 0.0 } else { l.hist.max() as f64 / 1e6 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_matches_the_standard_library_even_for_negative_zero() {
        let values = [-0.0, -0.0];
        let mut s = Sum::default();
        for v in values {
            s.add(v);
        }
        let std: f64 = values.iter().sum();
        assert_eq!(s.0.to_bits(), std.to_bits());
        assert_eq!(Sum::default().0.to_bits(), std::iter::empty::<f64>().sum::<f64>().to_bits());
    }

    #[test]
    fn one_replication_uses_its_batches_and_more_use_the_replications() {
        let mut one = EstAcc::default();
        one.fold(2.0, |b| Some(1.0 + b as f64 * 0.1));
        let e = one.finish();
        assert!((e.mean - 2.0).abs() < 1e-12);
        assert!(e.ci95 > 0.0);
        let mut two = one.clone();
        // Later replications' batches are never asked for.
        two.fold(4.0, |_| unreachable!("only the first replication's batches are used"));
        assert!((two.finish().mean - 3.0).abs() < 1e-12);
    }

    #[test]
    fn series_means_keep_the_first_length_and_gaps() {
        let mut s = SeriesMean::default();
        s.fold(Vec::new());
        s.fold(vec![1.0, 2.0]);
        s.fold(vec![3.0, 4.0, 5.0]);
        assert_eq!(s.finish(3), vec![4.0 / 3.0, 2.0]);
        let mut o = OptSeriesMean::default();
        o.fold(vec![Some(1.0), None]);
        o.fold(vec![Some(3.0), None, Some(2.0)]);
        assert_eq!(o.finish(), vec![Some(2.0), None, Some(2.0)]);
    }
}
