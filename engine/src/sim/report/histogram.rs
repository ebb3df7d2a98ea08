//! A log-linear latency histogram with HDR bucketing, cheap to record into.
//!
//! The layout is exactly that of an auto-resizing HDR histogram with a lowest
//! discernible value of 1 (`hdrhistogram::Histogram::new(sigfig)`): values
//! below `2 × 10^sigfig` rounded up to a power of two (2048 at three figures)
//! are kept exactly, and each further power-of-two range is split into the
//! same number of equal sub-buckets, so a value is known to within
//! `10^-sigfig` of itself. Quantiles, the maximum and merging follow the HDR
//! definitions, so reports are the same to the nanosecond.
//!
//! Why not the crate itself: a simulated request records a dozen latencies
//! (per workload, batch, window, node and edge), and the general-purpose
//! recorder (range checks, `Result`, min/max bookkeeping, a call per record)
//! was the largest single cost of the event loop. Here a record is a
//! leading-zero count, two shifts and three adds, inlined.
//!
//! Memory grows with the range of values recorded (at most 56 × 1024 counters
//! at three figures), never with their number. Each counter keeps its low 16
//! bits in a compact array and the rest, once it has any, in a second one:
//! a run records a dozen histograms per request at random places in them,
//! and at two bytes a counter the parts in use stay in the CPU's cache.

/// Significant figures outside 0–5 (a programming error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a histogram keeps 0 to 5 significant figures, not {0}")]
pub struct HistError(pub u8);

/// The histogram. Counts are grown on demand, so an unused histogram costs
/// no counter memory.
#[derive(Clone, Debug)]
pub struct Hist {
    /// Each counter's low 16 bits.
    low: Vec<u16>,
    /// Each counter's higher bits (in units of 2¹⁶): empty until a counter
    /// first carries, then as long as `low`.
    high: Vec<u64>,
    total: u64,
    /// Largest value recorded (0 when empty, as in HDR).
    max_value: u64,
    /// log2 of half the sub-buckets per power of two.
    half_mag: u32,
    /// Leading zeros of the largest value of bucket 0, subtracted to get a bucket.
    lz_base: u32,
    /// Values at or below this mask fall in bucket 0.
    sub_mask: u64,
}

impl Hist {
    /// An empty histogram keeping `sigfig` significant figures (0–5).
    pub fn new(sigfig: u8) -> Result<Self, HistError> {
        if sigfig > 5 {
            return Err(HistError(sigfig));
        }
        // Single-unit resolution up to 2 × 10^sigfig, rounded up to a power of two.
        let largest = 2 * 10_u64.pow(u32::from(sigfig));
        let sub_mag = 64 - (largest - 1).leading_zeros();
        Ok(Self {
            low: Vec::new(),
            high: Vec::new(),
            total: 0,
            max_value: 0,
            half_mag: sub_mag - 1,
            lz_base: 64 - sub_mag,
            sub_mask: (1u64 << sub_mag) - 1,
        })
    }

    /// An empty histogram of the same precision.
    pub(crate) fn empty_like(&self) -> Self {
        Self { low: Vec::new(), high: Vec::new(), total: 0, max_value: 0, ..*self }
    }

    /// The power-of-two bucket of a value (0 for the linear range).
    #[inline]
    fn bucket(&self, value: u64) -> u32 {
        self.lz_base - (value | self.sub_mask).leading_zeros()
    }

    /// Index of a value's counter.
    #[inline]
    fn index(&self, value: u64) -> usize {
        let b = self.bucket(value);
        // Bucket b > 0 uses only its upper half (value >> b ≥ half), which
        // starts right after bucket b − 1's: b × half + (value >> b) − half + half.
        ((b as usize) << self.half_mag) + (value >> b) as usize
    }

    /// Record one value.
    #[inline]
    pub fn record(&mut self, value: u64) {
        let i = self.index(value);
        if let Some(c) = self.low.get_mut(i) {
            let (n, carry) = c.overflowing_add(1);
            *c = n;
            if carry {
                self.carry(i);
            }
        } else {
            self.grow_and_record(i);
        }
        // A u64 count cannot overflow one record at a time in any real run.
        self.total += 1;
        self.max_value = self.max_value.max(value);
    }

    #[cold]
    fn grow_and_record(&mut self, i: usize) {
        // Whole buckets at a time, like HDR's resize.
        let half = 1usize << self.half_mag;
        let len = (i / half + 1) * half;
        self.grow(len.max(2 * half));
        if let Some(c) = self.low.get_mut(i) {
            *c += 1;
        }
    }

    /// Make room for `len` counters.
    fn grow(&mut self, len: usize) {
        if self.low.len() < len {
            self.low.resize(len, 0);
            if !self.high.is_empty() {
                self.high.resize(len, 0);
            }
        }
    }

    /// Counter `i`'s low part wrapped round: carry one into its high part.
    #[cold]
    fn carry(&mut self, i: usize) {
        if self.high.len() < self.low.len() {
            self.high.resize(self.low.len(), 0);
        }
        if let Some(h) = self.high.get_mut(i) {
            *h += 1;
        }
    }

    /// Counter `i`.
    fn count(&self, i: usize) -> u64 {
        let low = self.low.get(i).map_or(0, |&c| u64::from(c));
        let high = self.high.get(i).map_or(0, |&h| h.saturating_mul(1 << 16));
        high.saturating_add(low)
    }

    /// Set counter `i` (which exists) to `c`.
    fn set_count(&mut self, i: usize, c: u64) {
        if let Some(low) = self.low.get_mut(i) {
            *low = (c & 0xFFFF) as u16;
        }
        if c >> 16 > 0 && self.high.len() < self.low.len() {
            self.high.resize(self.low.len(), 0);
        }
        if let Some(high) = self.high.get_mut(i) {
            *high = c >> 16;
        }
    }

    /// Values recorded.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Forget every value (the counter memory is kept for reuse).
    pub fn reset(&mut self) {
        self.low.fill(0);
        self.high.fill(0);
        self.total = 0;
        self.max_value = 0;
    }

    /// Lowest value equivalent to `value` (same counter).
    fn lowest_equivalent(&self, value: u64) -> u64 {
        let b = self.bucket(value);
        (value >> b) << b
    }

    /// Highest value equivalent to `value` (same counter), capped at `u64::MAX`.
    fn highest_equivalent(&self, value: u64) -> u64 {
        if value == u64::MAX {
            return u64::MAX;
        }
        let b = self.bucket(value);
        self.lowest_equivalent(value).saturating_add(1u64 << b) - 1
    }

    /// The value a counter index stands for (its lowest equivalent).
    fn value_for(&self, index: usize) -> u64 {
        let half = 1u64 << self.half_mag;
        let b = (index >> self.half_mag) as i64 - 1;
        let sub = (index as u64 & (half - 1)) + half;
        if b < 0 { sub - half } else { sub << b }
    }

    /// The largest value recorded, as its highest equivalent (0 when empty).
    pub fn max(&self) -> u64 {
        if self.max_value == 0 { 0 } else { self.highest_equivalent(self.max_value) }
    }

    /// The value at quantile `q` (0–1): the highest equivalent of the smallest
    /// counter at which the cumulative count reaches ⌈q × n⌉ (HDR's definition).
    pub fn value_at_quantile(&self, q: f64) -> u64 {
        let q = if q > 1.0 { 1.0 } else { q };
        let target = ((q * self.total as f64).ceil() as u64).max(1);
        // Most histograms never carry: their high parts are not looked at.
        let found = if self.high.is_empty() {
            self.low
                .iter()
                .scan(0u64, |seen, &c| {
                    *seen += u64::from(c);
                    Some(*seen)
                })
                .position(|seen| seen >= target)
        } else {
            (0..self.low.len())
                .scan(0u64, |seen, i| {
                    *seen = seen.saturating_add(self.count(i));
                    Some(*seen)
                })
                .position(|seen| seen >= target)
        };
        let Some(i) = found else { return 0 };
        let v = self.value_for(i);
        if q == 0.0 { self.lowest_equivalent(v) } else { self.highest_equivalent(v) }
    }

    /// The cumulative distribution where the quantiles `qs` (ascending, 0–1)
    /// fall: for each, the counter [`Self::value_at_quantile`] picks, as its
    /// highest value and the count of values at or below it. A counter that
    /// several quantiles fall in is given once, so the points rise strictly
    /// in value and count. Empty when nothing was recorded.
    pub(crate) fn cdf_at_quantiles(&self, qs: &[f64]) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = Vec::new();
        if self.total == 0 {
            return out;
        }
        let target = |q: f64| ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut wanted = qs.iter().map(|&q| target(q)).peekable();
        let mut seen = 0u64;
        for i in 0..self.low.len() {
            let c = self.count(i);
            if c == 0 {
                continue;
            }
            seen = seen.saturating_add(c);
            let mut reached = false;
            while wanted.next_if(|&t| t <= seen).is_some() {
                reached = true;
            }
            if reached {
                out.push((self.highest_equivalent(self.value_for(i)), seen));
            }
            if wanted.peek().is_none() {
                break;
            }
        }
        out
    }

    /// Add another histogram's values (same precision).
    pub fn add(&mut self, other: &Self) {
        if other.is_empty() {
            return;
        }
        self.grow(other.low.len());
        for i in 0..other.low.len() {
            let sum = self.count(i).saturating_add(other.count(i));
            self.set_count(i, sum);
        }
        self.total = self.total.saturating_add(other.total);
        self.max_value = self.max_value.max(other.max_value);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn values(n: usize, seed: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                // Spread over many magnitudes, with some zeros and huge values.
                match i % 50 {
                    0 => 0,
                    1 => u64::MAX - (x >> 40),
                    _ => (x >> 11) >> ((x >> 3) % 52),
                }
            })
            .collect()
    }

    #[test]
    fn matches_hdr_histogram_exactly() {
        for sigfig in [2u8, 3] {
            for seed in [1u64, 7, 42] {
                let xs = values(20_000, seed);
                let mut ours = Hist::new(sigfig).unwrap();
                let mut hdr = hdrhistogram::Histogram::<u64>::new(sigfig).unwrap();
                for (k, &x) in xs.iter().enumerate() {
                    ours.record(x);
                    hdr.record(x).unwrap();
                    if k % 997 == 0 {
                        assert_eq!(ours.max(), hdr.max());
                    }
                }
                assert_eq!(ours.len(), hdr.len());
                assert_eq!(ours.max(), hdr.max());
                for q in [0.0, 0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0, 1.5] {
                    assert_eq!(ours.value_at_quantile(q), hdr.value_at_quantile(q), "sigfig {sigfig} q {q}");
                }
                // Merging, both ways round.
                let ys = values(5_000, seed + 100);
                let mut o2 = Hist::new(sigfig).unwrap();
                let mut h2 = hdrhistogram::Histogram::<u64>::new(sigfig).unwrap();
                for &y in ys.iter().filter(|y| **y < 1 << 30) {
                    o2.record(y);
                    h2.record(y).unwrap();
                }
                o2.add(&ours);
                h2.add(&hdr).unwrap();
                ours.add(&o2);
                hdr.add(&h2).unwrap();
                for (a, b) in [(&o2, &h2), (&ours, &hdr)] {
                    assert_eq!(a.len(), b.len());
                    assert_eq!(a.max(), b.max());
                    for q in [0.0, 0.5, 0.99, 0.999, 1.0] {
                        assert_eq!(a.value_at_quantile(q), b.value_at_quantile(q));
                    }
                }
            }
        }
    }

    #[test]
    fn quantiles_are_within_the_precision() {
        let mut xs = values(50_000, 3);
        xs.retain(|x| *x < 1 << 50);
        let mut h = Hist::new(3).unwrap();
        for &x in &xs {
            h.record(x);
        }
        xs.sort_unstable();
        for q in [0.5, 0.9, 0.99, 0.999] {
            let exact = xs[((q * xs.len() as f64).ceil() as usize).max(1) - 1] as f64;
            let got = h.value_at_quantile(q) as f64;
            assert!(got >= exact && got <= exact * 1.001 + 1.0, "q {q}: {got} vs {exact}");
        }
    }

    #[test]
    fn counters_past_sixteen_bits_carry() {
        // 70 000 and 200 000 copies of two values: both counters wrap their
        // low 16 bits, one of them three times.
        let mut ours = Hist::new(3).unwrap();
        let mut hdr = hdrhistogram::Histogram::<u64>::new(3).unwrap();
        for (v, n) in [(1_234_567u64, 70_000), (89_000, 200_000), (5, 3)] {
            for _ in 0..n {
                ours.record(v);
                hdr.record(v).unwrap();
            }
        }
        let check = |a: &Hist, b: &hdrhistogram::Histogram<u64>| {
            assert_eq!(a.len(), b.len());
            for q in [0.0, 0.00001, 0.2, 0.74, 0.75, 0.76, 0.99, 1.0] {
                assert_eq!(a.value_at_quantile(q), b.value_at_quantile(q), "q {q}");
            }
        };
        check(&ours, &hdr);
        // Merging adds whole counters, carries included, both ways round.
        let mut twice = ours.clone();
        twice.add(&ours);
        let mut hdr_twice = hdr.clone();
        hdr_twice.add(&hdr).unwrap();
        check(&twice, &hdr_twice);
        let mut fresh = Hist::new(3).unwrap();
        fresh.record(7);
        fresh.add(&twice);
        hdr_twice.record(7).unwrap();
        check(&fresh, &hdr_twice);
        // A reset forgets the high parts too.
        fresh.reset();
        fresh.record(89_000);
        assert_eq!(fresh.len(), 1);
        assert_eq!(fresh.value_at_quantile(1.0), fresh.max());
        assert_eq!(fresh.value_at_quantile(0.0), fresh.value_at_quantile(1.0) - 63);
    }

    #[test]
    fn cdf_points_are_the_quantiles_counters() {
        let xs = values(30_000, 11);
        let mut h = Hist::new(3).unwrap();
        for &x in &xs {
            h.record(x);
        }
        let qs = [0.0, 0.001, 0.25, 0.5, 0.5, 0.9, 0.99, 0.999, 1.0];
        let points = h.cdf_at_quantiles(&qs);
        // Each quantile's value is a point's, and the points rise strictly.
        for q in qs {
            let v = h.value_at_quantile(q.max(1e-12));
            let p = points.iter().find(|p| p.0 == v).unwrap_or_else(|| panic!("q {q}: {v} not in {points:?}"));
            assert!(p.1 as f64 >= q * h.len() as f64, "q {q}: {p:?}");
        }
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{points:?}");
        assert_eq!(points.last().map(|p| (p.0, p.1)), Some((h.max(), h.len())));
        // The counts are exact: those of the values at or below each point.
        for &(v, n) in &points {
            assert_eq!(xs.iter().filter(|&&x| h.highest_equivalent(x) <= v).count() as u64, n);
        }
        assert!(Hist::new(3).unwrap().cdf_at_quantiles(&qs).is_empty());
    }

    #[test]
    fn empty_and_reset() {
        let mut h = Hist::new(3).unwrap();
        assert!(h.is_empty());
        assert_eq!(h.value_at_quantile(0.5), 0);
        assert_eq!(h.max(), 0);
        h.record(12_345);
        assert_eq!(h.len(), 1);
        assert_eq!(h.max(), 12_351);
        h.reset();
        assert!(h.is_empty());
        assert_eq!(h.max(), 0);
        assert!(Hist::new(6).is_err());
    }
}
