//! What a replication measures for the resilience report: logical calls and
//! tries per policy edge, breaker state over time, replicas over time,
//! ejections, wasted work, broker losses, and the per-window node figures the
//! fault attribution compares.

use crate::model::Outcome;

use crate::policy::BreakerState;
use crate::sim::core::plan::Plan;
use crate::sim::report::metrics::{Counts, HistError, Latency, Metrics, TimeAvg};

/// Breaker state changes kept per edge (the first ones of the run).
const MAX_CHANGES: usize = 200;

/// A policy edge's measurements.
#[derive(Clone, Debug)]
pub(crate) struct PolicyAcc {
    /// Logical calls (arrived) and their final outcomes.
    pub logical: Counts,
    pub logical_latency: Latency,
    pub retries: u64,
    pub try_timeouts: u64,
    pub call_timeouts: u64,
    pub budget_exhausted: u64,
    pub fallbacks: u64,
    pub abandoned: u64,
    /// Tries this edge's own breaker failed fast (a callee's breaker
    /// rejection that propagates up is not counted here).
    pub fail_fast: u64,
    /// Tries this edge's own bulkhead refused.
    pub bulkhead_refused: u64,
    pub opened: u64,
    /// 1 while the breaker is open.
    pub open: TimeAvg,
    pub open_at_warmup: f64,
    window_open_mark: f64,
    pub series_open: Vec<f64>,
    pub window_attempts: u64,
    pub window_logical: u64,
    /// Tries of the logical calls that finished in the window: divided by
    /// those calls (not by the tries started in the window, another
    /// population) it is at least 1, and exactly 1 without retries.
    pub window_call_tries: u64,
    pub series_attempts_per_s: Vec<f64>,
    pub series_logical_per_s: Vec<f64>,
    /// Logical calls finished per window, and their tries.
    pub series_calls_finished: Vec<u64>,
    pub series_call_tries: Vec<u64>,
    /// Tries of the logical calls started after the warm-up that finished.
    pub logical_tries: u64,
    pub changes: Vec<(u64, BreakerState)>,
}

impl PolicyAcc {
    fn new() -> Result<Self, HistError> {
        Ok(Self {
            logical: Counts::default(),
            logical_latency: Latency::new(3)?,
            retries: 0,
            try_timeouts: 0,
            call_timeouts: 0,
            budget_exhausted: 0,
            fallbacks: 0,
            abandoned: 0,
            fail_fast: 0,
            bulkhead_refused: 0,
            opened: 0,
            open: TimeAvg::default(),
            open_at_warmup: 0.0,
            window_open_mark: 0.0,
            series_open: Vec::new(),
            window_attempts: 0,
            window_logical: 0,
            window_call_tries: 0,
            series_attempts_per_s: Vec::new(),
            series_logical_per_s: Vec::new(),
            series_calls_finished: Vec::new(),
            series_call_tries: Vec::new(),
            logical_tries: 0,
            changes: Vec::new(),
        })
    }

    pub fn note_change(&mut self, now_ns: u64, mode: BreakerState) {
        if self.changes.len() < MAX_CHANGES {
            self.changes.push((now_ns, mode));
        }
    }
}

/// A node's extra measurements.
#[derive(Clone, Debug, Default)]
pub(crate) struct NodeExt {
    /// Worker time spent on visits nobody waited for any more (after the warm-up).
    pub wasted_ns: f64,
    pub wasted_visits: u64,
    pub ejections: u64,
    /// Replicas serving.
    pub serving: TimeAvg,
    pub serving_at_warmup: f64,
    window_serving_mark: f64,
    pub series_replicas: Vec<f64>,
    /// Replicas ejected.
    pub ejected: TimeAvg,
    pub ejected_at_warmup: f64,
    // Per-window figures for the fault attribution.
    window_failed: u64,
    window_finished: u64,
    window_sojourn_ns: f64,
    window_first_fail: u64,
    pub series_failed: Vec<u64>,
    pub series_finished: Vec<u64>,
    /// Summed time in node of the window's successful visits: a mean over
    /// replications is this sum over their successful visits, so a
    /// replication where none succeeded adds nothing instead of a 0 ms.
    pub series_ok_sojourn_ns: Vec<f64>,
    pub series_first_fail_ns: Vec<u64>,
}

impl NodeExt {
    /// A visit ended at the node (only tracked when the design has faults).
    #[inline]
    pub fn note_finish(&mut self, now_ns: u64, sojourn_ns: u64, outcome: Outcome) {
        self.window_finished += 1;
        if outcome.is_failure() {
            self.window_failed += 1;
            if self.window_first_fail == 0 {
                self.window_first_fail = now_ns.max(1);
            }
        } else {
            self.window_sojourn_ns += sojourn_ns as f64;
        }
    }
}

/// A broker's extra measurements.
#[derive(Clone, Debug, Default)]
pub(crate) struct BrokerExt {
    pub lost: u64,
    pub blocked: u64,
    pub series_lag_ms: Vec<f64>,
}

impl Metrics {
    /// Add the resilience accumulators for a plan.
    pub fn add_resilience(&mut self, plan: &Plan) -> Result<(), HistError> {
        self.policies = plan.policies.iter().map(|_| PolicyAcc::new()).collect::<Result<_, _>>()?;
        self.node_ext = plan.nodes.iter().map(|_| NodeExt::default()).collect();
        self.broker_ext = plan.brokers.iter().map(|_| BrokerExt::default()).collect();
        self.fault_start_ns = vec![u64::MAX; plan.faults.len()];
        Ok(())
    }

    pub(crate) fn warmup_resilience(&mut self, now_ns: u64) {
        for p in &mut self.policies {
            p.open_at_warmup = p.open.area_at(now_ns);
        }
        for n in &mut self.node_ext {
            n.serving_at_warmup = n.serving.area_at(now_ns);
            n.ejected_at_warmup = n.ejected.area_at(now_ns);
            n.serving.reset_max();
        }
    }

    /// A window of `len_ns` ends at `now_ns`; `lag_ns` is each broker's oldest waiting message.
    pub(crate) fn window_resilience(&mut self, now_ns: u64, len_ns: u64, lag_ns: &[u64]) {
        let len = len_ns as f64;
        let len_s = len / 1e9;
        for p in &mut self.policies {
            let area = p.open.area_at(now_ns);
            p.series_open.push((area - p.window_open_mark) / len);
            p.window_open_mark = area;
            p.series_attempts_per_s.push(p.window_attempts as f64 / len_s);
            p.series_logical_per_s.push(p.window_logical as f64 / len_s);
            p.series_calls_finished.push(p.window_logical);
            p.series_call_tries.push(p.window_call_tries);
            p.window_attempts = 0;
            p.window_logical = 0;
            p.window_call_tries = 0;
        }
        for n in &mut self.node_ext {
            let area = n.serving.area_at(now_ns);
            n.series_replicas.push((area - n.window_serving_mark) / len);
            n.window_serving_mark = area;
            n.series_failed.push(n.window_failed);
            n.series_finished.push(n.window_finished);
            n.series_ok_sojourn_ns.push(n.window_sojourn_ns);
            n.series_first_fail_ns.push(n.window_first_fail);
            n.window_failed = 0;
            n.window_finished = 0;
            n.window_sojourn_ns = 0.0;
            n.window_first_fail = 0;
        }
        for (b, lag) in self.broker_ext.iter_mut().zip(lag_ns) {
            b.series_lag_ms.push(*lag as f64 / 1e6);
        }
    }

    pub(crate) fn end_resilience(&mut self, end_ns: u64) {
        for p in &mut self.policies {
            p.open.area_at(end_ns);
        }
        for n in &mut self.node_ext {
            n.serving.area_at(end_ns);
            n.ejected.area_at(end_ns);
        }
    }
}
