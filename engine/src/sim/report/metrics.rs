//! What a replication measures: counts by outcome, HDR latency histograms
//! (fixed memory however many requests pass), time-weighted averages, the
//! per-batch figures used for batch-means confidence intervals, and the
//! per-window time series.

use crate::model::{Outcome, RejectCause};

use crate::sim::report::histogram::Hist;

/// Significant figures of the run-wide histograms (0.1% relative precision).
const SIGFIG: u8 = 3;
/// Significant figures of the per-window histograms (1%: plots only).
const WINDOW_SIGFIG: u8 = 2;

/// Histogram creation failed (only for invalid precision: a programming error).
pub(crate) use crate::sim::report::histogram::HistError;

/// Index of an outcome in count arrays: ok, degraded, error, timeout, then rejected by cause.
#[inline]
pub(crate) fn outcome_index(o: Outcome) -> usize {
    match o {
        Outcome::Ok | Outcome::InFlight => 0,
        Outcome::Degraded => 1,
        Outcome::Error => 2,
        Outcome::Timeout => 3,
        Outcome::Rejected(c) => 4 + c as usize,
    }
}

/// Slots in an outcome count array.
pub(crate) const N_OUTCOMES: usize = 4 + RejectCause::ALL.len();

/// Counts by outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub arrived: u64,
    pub by_outcome: [u64; N_OUTCOMES],
}

impl Counts {
    #[inline]
    pub fn record(&mut self, o: Outcome) {
        // Nearly every outcome is a success: skip the general mapping then.
        if o == Outcome::Ok {
            self.by_outcome[0] += 1;
        } else {
            self.by_outcome[outcome_index(o)] += 1;
        }
    }

    pub fn finished(&self) -> u64 {
        self.by_outcome.iter().sum()
    }

    pub fn succeeded(&self) -> u64 {
        self.by_outcome[0] + self.by_outcome[1]
    }

    pub fn failed(&self) -> u64 {
        self.finished() - self.succeeded()
    }

    pub fn add(&mut self, other: &Self) {
        self.arrived += other.arrived;
        for (a, b) in self.by_outcome.iter_mut().zip(other.by_outcome) {
            *a += b;
        }
    }
}

/// A time-weighted level (queue length, busy workers, backlog).
///
/// The area is an exact integer (value·ns): it needs no float conversion on
/// the hot path, and it equals the float sum it replaces whenever that sum was
/// exact (below 2⁵³), so reports are unchanged. It is kept as an offset: the
/// area up to any time `t` from the last change on is `value · t + offset`,
/// because each unit adds `−t` when it arrives and `+t` when it leaves. A
/// change is then an add, with no multiply and no branch on the time.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TimeAvg {
    pub value: u64,
    /// Time of the last change or read (simulated time never goes back).
    last_ns: u64,
    /// Area minus `value · t`, in value·ns, two's complement.
    offset: u128,
    /// Largest value since the warm-up.
    pub max: u64,
}

impl TimeAvg {
    #[inline]
    pub fn inc(&mut self, now_ns: u64) {
        self.last_ns = now_ns;
        self.offset = self.offset.wrapping_sub(u128::from(now_ns));
        self.value += 1;
        self.max = self.max.max(self.value);
    }

    #[inline]
    pub fn dec(&mut self, now_ns: u64) {
        self.last_ns = now_ns;
        if self.value > 0 {
            self.value -= 1;
            self.offset = self.offset.wrapping_add(u128::from(now_ns));
        }
    }

    /// Set the level at `now_ns`.
    pub fn set(&mut self, now_ns: u64, value: u64) {
        let t = u128::from(self.last_ns.max(now_ns));
        self.last_ns = self.last_ns.max(now_ns);
        // Keep the area at `t` unchanged: value·t + offset stays the same.
        self.offset = self.offset.wrapping_add(u128::from(self.value) * t).wrapping_sub(u128::from(value) * t);
        self.value = value;
        self.max = self.max.max(value);
    }

    /// The area up to the last change or read (the run's end once it is over).
    pub fn area(&self) -> f64 {
        (u128::from(self.value) * u128::from(self.last_ns)).wrapping_add(self.offset) as f64
    }

    /// The area up to `now_ns`.
    pub fn area_at(&mut self, now_ns: u64) -> f64 {
        self.last_ns = self.last_ns.max(now_ns);
        self.area()
    }

    /// Start the maximum afresh (at the warm-up).
    pub fn reset_max(&mut self) {
        self.max = self.value;
    }
}

/// Latency figures of a set of requests: a histogram and the exact sum, in
/// nanoseconds. Public so the live emulator measures with the very type the
/// simulator reports from.
#[derive(Clone, Debug)]
pub struct Latency {
    /// The values, HDR-bucketed.
    pub hist: Hist,
    /// Exact sum of the values (the mean is exact too).
    pub sum_ns: u128,
}

impl Latency {
    /// An empty auto-resizing histogram: its memory grows with the range of
    /// values recorded, never with their number.
    ///
    /// # Errors
    /// Significant figures outside 0–5.
    pub fn new(sigfig: u8) -> Result<Self, HistError> {
        Ok(Self { hist: Hist::new(sigfig)?, sum_ns: 0 })
    }

    /// The values recorded, leaving this empty (same precision): a
    /// replication's histogram handed over without a copy.
    #[must_use]
    pub fn take(&mut self) -> Self {
        let empty = Self { hist: self.hist.empty_like(), sum_ns: 0 };
        std::mem::replace(self, empty)
    }

    /// Forget every value.
    pub fn clear(&mut self) {
        self.hist.reset();
        self.sum_ns = 0;
    }

    /// Record one latency.
    #[inline]
    pub fn record(&mut self, ns: u64) {
        self.hist.record(ns);
        self.sum_ns += u128::from(ns);
    }

    /// The exact mean in milliseconds (0 when empty).
    pub fn mean_ms(&self) -> f64 {
        let n = self.hist.len();
        if n == 0 { 0.0 } else { self.sum_ns as f64 / n as f64 / 1e6 }
    }

    /// The value at quantile `q` (0–1) in milliseconds (0 when empty).
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.hist.is_empty() { 0.0 } else { self.hist.value_at_quantile(q) as f64 / 1e6 }
    }

    /// Add another set's values.
    pub fn merge(&mut self, other: &Self) {
        self.hist.add(&other.hist);
        self.sum_ns += other.sum_ns;
    }
}

/// One workload's batch or window.
#[derive(Clone, Debug)]
pub(crate) struct WorkloadSlice {
    pub counts: Counts,
    pub latency: Latency,
}

impl WorkloadSlice {
    pub fn new(sigfig: u8) -> Result<Self, HistError> {
        Ok(Self { counts: Counts::default(), latency: Latency::new(sigfig)? })
    }
}

/// A workload's measurements.
#[derive(Clone, Debug)]
pub(crate) struct WorkloadAcc {
    /// Counts, and the latency of successful (ok/degraded) requests.
    pub total: WorkloadSlice,
    pub in_flight: u64,
    pub batches: Vec<WorkloadSlice>,
    pub window: WorkloadSlice,
    pub series: Vec<WindowPoint>,
}

/// A workload's figures in one window. Latency is of the requests that
/// succeeded in it: `None` when none did (no latency, not 0 ms).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WindowPoint {
    pub throughput_per_s: f64,
    pub errors: u64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl WorkloadAcc {
    pub fn new() -> Result<Self, HistError> {
        Ok(Self {
            total: WorkloadSlice::new(SIGFIG)?,
            in_flight: 0,
            batches: Vec::new(),
            window: WorkloadSlice::new(WINDOW_SIGFIG)?,
            series: Vec::new(),
        })
    }
}

/// A node's figures in one batch.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NodeSlice {
    pub busy_area: f64,
    pub queue_area: f64,
    pub finished: u64,
    pub succeeded: u64,
    pub sojourn_sum_ns: u128,
}

/// A node's measurements.
#[derive(Clone, Debug)]
pub(crate) struct NodeAcc {
    pub counts: Counts,
    pub in_flight: u64,
    /// Visit latency of successful visits.
    pub latency: Latency,
    /// Time in node of every finished visit (Little's law). Sums are exact
    /// integers (no float conversion per visit).
    pub sojourn_sum_ns: u128,
    pub served: u64,
    pub wait_sum_ns: u128,
    pub service_sum_ns: u128,
    pub downstream_sum_ns: u128,
    pub busy: TimeAvg,
    pub queue: TimeAvg,
    pub present: TimeAvg,
    /// Areas at the warm-up and at the last batch/window boundary.
    pub busy_at_warmup: f64,
    pub queue_at_warmup: f64,
    pub present_at_warmup: f64,
    pub batch_mark: NodeSlice,
    pub batches: Vec<NodeSlice>,
    pub window_busy_mark: f64,
    pub window_queue_mark: f64,
    pub series_utilization: Vec<f64>,
    pub series_queue: Vec<f64>,
}

impl NodeAcc {
    pub fn new() -> Result<Self, HistError> {
        Ok(Self {
            counts: Counts::default(),
            in_flight: 0,
            latency: Latency::new(SIGFIG)?,
            sojourn_sum_ns: 0,
            served: 0,
            wait_sum_ns: 0,
            service_sum_ns: 0,
            downstream_sum_ns: 0,
            busy: TimeAvg::default(),
            queue: TimeAvg::default(),
            present: TimeAvg::default(),
            busy_at_warmup: 0.0,
            queue_at_warmup: 0.0,
            present_at_warmup: 0.0,
            batch_mark: NodeSlice::default(),
            batches: Vec::new(),
            window_busy_mark: 0.0,
            window_queue_mark: 0.0,
            series_utilization: Vec::new(),
            series_queue: Vec::new(),
        })
    }
}

/// An edge's measurements (as seen by the caller).
#[derive(Clone, Debug)]
pub(crate) struct EdgeAcc {
    pub counts: Counts,
    pub latency: Latency,
}

impl EdgeAcc {
    pub fn new() -> Result<Self, HistError> {
        Ok(Self { counts: Counts::default(), latency: Latency::new(SIGFIG)? })
    }
}

/// A broker's measurements.
#[derive(Clone, Debug)]
pub(crate) struct BrokerAcc {
    pub published: u64,
    pub accepted: u64,
    pub dropped: u64,
    pub delivered: u64,
    pub redelivered: u64,
    pub dead_lettered: u64,
    pub backlog: TimeAvg,
    pub backlog_at_warmup: f64,
    pub delay: Latency,
    pub batch_mark: f64,
    pub batches: Vec<f64>,
    pub window_mark: f64,
    pub series_backlog: Vec<f64>,
}

impl BrokerAcc {
    pub fn new() -> Result<Self, HistError> {
        Ok(Self {
            published: 0,
            accepted: 0,
            dropped: 0,
            delivered: 0,
            redelivered: 0,
            dead_lettered: 0,
            backlog: TimeAvg::default(),
            backlog_at_warmup: 0.0,
            delay: Latency::new(SIGFIG)?,
            batch_mark: 0.0,
            batches: Vec::new(),
            window_mark: 0.0,
            series_backlog: Vec::new(),
        })
    }
}

/// Every measurement of one replication.
#[derive(Clone, Debug)]
pub(crate) struct Metrics {
    pub workloads: Vec<WorkloadAcc>,
    pub nodes: Vec<NodeAcc>,
    pub edges: Vec<EdgeAcc>,
    pub brokers: Vec<BrokerAcc>,
    /// Start of each window, ns (the last may be shorter).
    pub window_starts_ns: Vec<u64>,
    pub window_start_ns: u64,
    pub batch_start_ns: u64,
    pub batch_lengths_ns: Vec<u64>,
    /// An empty batch, cloned at each batch start.
    batch_template: WorkloadSlice,
    /// Per call policy.
    pub policies: Vec<crate::sim::report::resilience_metrics::PolicyAcc>,
    /// Per node: replicas, ejections, wasted work, attribution windows.
    pub node_ext: Vec<crate::sim::report::resilience_metrics::NodeExt>,
    /// Per broker: losses, blocked publishers, lag.
    pub broker_ext: Vec<crate::sim::report::resilience_metrics::BrokerExt>,
    /// When each fault started (`u64::MAX` = not yet, or disabled).
    pub fault_start_ns: Vec<u64>,
    /// Per discovered node: lookups, cache use, crashes and evictions.
    pub disc: Vec<crate::sim::discovery::runtime::DiscAcc>,
}

/// Batches used for batch-means confidence intervals when there is one replication.
pub(crate) const BATCHES: u32 = 10;

impl Metrics {
    pub fn new(workloads: usize, nodes: usize, edges: usize, brokers: usize) -> Result<Self, HistError> {
        Ok(Self {
            workloads: (0..workloads).map(|_| WorkloadAcc::new()).collect::<Result<_, _>>()?,
            nodes: (0..nodes).map(|_| NodeAcc::new()).collect::<Result<_, _>>()?,
            edges: (0..edges).map(|_| EdgeAcc::new()).collect::<Result<_, _>>()?,
            brokers: (0..brokers).map(|_| BrokerAcc::new()).collect::<Result<_, _>>()?,
            window_starts_ns: Vec::new(),
            window_start_ns: 0,
            batch_start_ns: 0,
            batch_lengths_ns: Vec::new(),
            batch_template: WorkloadSlice::new(SIGFIG)?,
            policies: Vec::new(),
            node_ext: Vec::new(),
            broker_ext: Vec::new(),
            fault_start_ns: Vec::new(),
            disc: Vec::new(),
        })
    }

    /// Statistics start: remember the areas so averages cover only what follows.
    pub fn on_warmup(&mut self, now_ns: u64) {
        for n in &mut self.nodes {
            n.busy_at_warmup = n.busy.area_at(now_ns);
            n.queue_at_warmup = n.queue.area_at(now_ns);
            n.present_at_warmup = n.present.area_at(now_ns);
            n.queue.reset_max();
            n.batch_mark =
                NodeSlice { busy_area: n.busy_at_warmup, queue_area: n.queue_at_warmup, ..NodeSlice::default() };
        }
        for b in &mut self.brokers {
            b.backlog_at_warmup = b.backlog.area_at(now_ns);
            b.backlog.reset_max();
            b.batch_mark = b.backlog_at_warmup;
        }
        for w in &mut self.workloads {
            w.batches.push(self.batch_template.clone());
        }
        self.batch_start_ns = now_ns;
        self.warmup_resilience(now_ns);
    }

    /// A batch ends at `now_ns` and the next one starts.
    pub fn on_batch(&mut self, now_ns: u64, last: bool) {
        self.batch_lengths_ns.push(now_ns.saturating_sub(self.batch_start_ns));
        self.batch_start_ns = now_ns;
        for n in &mut self.nodes {
            let busy = n.busy.area_at(now_ns);
            let queue = n.queue.area_at(now_ns);
            let mark = n.batch_mark;
            n.batches.push(NodeSlice {
                busy_area: busy - mark.busy_area,
                queue_area: queue - mark.queue_area,
                finished: mark.finished,
                succeeded: mark.succeeded,
                sojourn_sum_ns: mark.sojourn_sum_ns,
            });
            n.batch_mark = NodeSlice { busy_area: busy, queue_area: queue, ..NodeSlice::default() };
        }
        for b in &mut self.brokers {
            let area = b.backlog.area_at(now_ns);
            b.batches.push(area - b.batch_mark);
            b.batch_mark = area;
        }
        if !last {
            for w in &mut self.workloads {
                w.batches.push(self.batch_template.clone());
            }
        }
    }

    /// A time-series window ends at `now_ns`; `workers` is each node's workers
    /// over the window (time-averaged when replicas come and go, so busy time
    /// and capacity cover the same worker-seconds).
    pub fn on_window(&mut self, now_ns: u64, workers: &[f64]) {
        let len_ns = now_ns.saturating_sub(self.window_start_ns);
        if len_ns == 0 {
            return;
        }
        let len_s = len_ns as f64 / 1e9;
        self.window_starts_ns.push(self.window_start_ns);
        self.window_start_ns = now_ns;
        for w in &mut self.workloads {
            let slice = &mut w.window;
            let has_latency = !slice.latency.hist.is_empty();
            w.series.push(WindowPoint {
                throughput_per_s: slice.counts.succeeded() as f64 / len_s,
                errors: slice.counts.failed(),
                p50_ms: has_latency.then(|| slice.latency.quantile_ms(0.5)),
                p99_ms: has_latency.then(|| slice.latency.quantile_ms(0.99)),
            });
            slice.counts = Counts::default();
            slice.latency.clear();
        }
        for (n, w) in self.nodes.iter_mut().zip(workers) {
            let busy = n.busy.area_at(now_ns);
            let queue = n.queue.area_at(now_ns);
            let cap = *w * len_ns as f64;
            n.series_utilization.push(if cap > 0.0 { (busy - n.window_busy_mark) / cap } else { 0.0 });
            n.series_queue.push((queue - n.window_queue_mark) / len_ns as f64);
            n.window_busy_mark = busy;
            n.window_queue_mark = queue;
        }
        for b in &mut self.brokers {
            let area = b.backlog.area_at(now_ns);
            b.series_backlog.push((area - b.window_mark) / len_ns as f64);
            b.window_mark = area;
        }
    }
}
