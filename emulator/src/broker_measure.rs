//! What a broker measured, as the report's broker section: copies published,
//! accepted, dropped, delivered, redelivered, dead-lettered and lost after
//! the warm-up, publishes that waited for room, the publish-to-consume
//! delay in the simulator's latency type, and the backlog over time
//! (its time average over the measured window, and its largest value).
//!
//! The backlog's changes after the warm-up are kept as points (bounded) so
//! its time average covers exactly the measured window, not the drain after
//! the load.

use engine::sim::Estimate;
use engine::sim::report::histogram::HistError;
use engine::sim::report::{BrokerReport, Latency};

use crate::measure::SIGFIG;
use crate::parts::percentiles;

/// Most backlog changes kept for the time average (16 bytes each); past it
/// the average covers the window up to the last one kept.
const MAX_POINTS: usize = 1 << 20;

/// One broker's counts (copies stored after the warm-up).
#[derive(Debug)]
pub struct BrokerCounts {
    /// Publishes that reached the broker's store.
    pub published: u64,
    /// Of those, stored in at least one backlog.
    pub accepted: u64,
    /// Copies dropped: a backlog was full.
    pub dropped: u64,
    /// Copies consumed successfully.
    pub delivered: u64,
    /// Failed deliveries sent again.
    pub redelivered: u64,
    /// Copies that failed their last try.
    pub dead_lettered: u64,
    /// Copies lost in an outage that loses messages.
    pub lost: u64,
    /// Publishes that waited for room.
    pub blocked: u64,
    /// Counted copies still held (stored or being delivered).
    pub live_warm: u64,
    /// Publish-to-consume delay of delivered copies, modelled ns.
    pub delay: Latency,
    /// Messages waiting now, over every backlog.
    len: u64,
    /// The backlog before the first change after the warm-up.
    len_before_warm: u64,
    /// (modelled ns, backlog after the change), after the warm-up.
    points: Vec<(u64, u64)>,
}

impl BrokerCounts {
    /// Nothing counted yet.
    ///
    /// # Errors
    /// None in practice: the histogram's precision is a valid constant.
    pub fn new() -> Result<Self, HistError> {
        Ok(Self {
            published: 0,
            accepted: 0,
            dropped: 0,
            delivered: 0,
            redelivered: 0,
            dead_lettered: 0,
            lost: 0,
            blocked: 0,
            live_warm: 0,
            delay: Latency::new(SIGFIG)?,
            len: 0,
            len_before_warm: 0,
            points: Vec::new(),
        })
    }

    /// The backlog grew (`delta` 1) or shrank (−1) by one message at `now_ns`.
    pub fn backlog_changed(&mut self, now_ns: u64, delta: i8, warm_from_ns: u64) {
        self.len = if delta >= 0 { self.len + 1 } else { self.len.saturating_sub(1) };
        if now_ns < warm_from_ns {
            self.len_before_warm = self.len;
        } else if self.points.len() < MAX_POINTS {
            self.points.push((now_ns, self.len));
        }
    }

    /// The time-averaged and largest backlog over `[from_ns, end_ns)`.
    fn backlog(&self, from_ns: u64, end_ns: u64) -> (f64, u64) {
        let (mut area, mut last_ns, mut len, mut max) = (0u128, from_ns, self.len_before_warm, self.len_before_warm);
        for &(t, after) in &self.points {
            if t >= end_ns {
                break;
            }
            area += u128::from(len) * u128::from(t.saturating_sub(last_ns));
            (last_ns, len) = (t.max(last_ns), after);
            max = max.max(after);
        }
        area += u128::from(len) * u128::from(end_ns.saturating_sub(last_ns));
        let span_ns = end_ns.saturating_sub(from_ns);
        let mean = if span_ns == 0 { 0.0 } else { area as f64 / span_ns as f64 };
        (mean, max)
    }

    /// The report's broker section for broker `id` in `mode`, over the
    /// measured window `[warm_from_ns, end_ns)`.
    #[must_use]
    pub fn report(&self, id: &str, mode: &str, warm_from_ns: u64, end_ns: u64) -> BrokerReport {
        let (mean, max) = self.backlog(warm_from_ns, end_ns);
        BrokerReport {
            id: id.to_owned(),
            mode: mode.to_owned(),
            published: self.published,
            accepted: self.accepted,
            dropped: self.dropped,
            delivered: self.delivered,
            redelivered: self.redelivered,
            dead_lettered: self.dead_lettered,
            in_flight: self.live_warm,
            backlog_mean: Estimate { mean, ci95: 0.0, wide: false },
            backlog_max: max,
            delay_ms: percentiles(&self.delay),
            lost: self.lost,
            blocked: self.blocked,
        }
    }

    /// Prometheus text lines for broker `id`, with its `depth` (messages
    /// waiting) and deliveries `in_flight` read now.
    #[must_use]
    pub fn metrics_text(&self, id: &str, depth: u64, in_flight: u64) -> String {
        let id = id.replace('\\', "\\\\").replace('"', "\\\"");
        let mut out = String::new();
        let gauges = [
            ("queue_depth", "Messages waiting in the broker's backlogs", depth),
            ("deliveries_in_flight", "Deliveries sent to consumers and not yet answered", in_flight),
        ];
        for (name, help, v) in gauges {
            out.push_str(&format!(
                "# HELP switchboard_broker_{name} {help}.\n# TYPE switchboard_broker_{name} gauge\nswitchboard_broker_{name}{{node=\"{id}\"}} {v}\n"
            ));
        }
        let counters = [
            ("published", "Publishes stored or refused after the warm-up", self.published),
            ("delivered", "Copies consumed successfully after the warm-up", self.delivered),
            ("redelivered", "Failed deliveries sent again", self.redelivered),
            ("dead_lettered", "Copies that failed their last try", self.dead_lettered),
            ("dropped", "Copies dropped because a backlog was full", self.dropped),
            ("lost", "Copies lost in a broker outage", self.lost),
        ];
        for (name, help, v) in counters {
            out.push_str(&format!(
                "# HELP switchboard_broker_{name} {help}.\n# TYPE switchboard_broker_{name} counter\nswitchboard_broker_{name}_total{{node=\"{id}\"}} {v}\n"
            ));
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_backlog_average_covers_the_window_only() {
        let mut c = BrokerCounts::new().unwrap();
        // Two messages before the warm-up at 100; one leaves at 150, one
        // more arrives at 180; the window ends at 200, a change after it is ignored.
        c.backlog_changed(10, 1, 100);
        c.backlog_changed(20, 1, 100);
        c.backlog_changed(150, -1, 100);
        c.backlog_changed(180, 1, 100);
        c.backlog_changed(250, 1, 100);
        let (mean, max) = c.backlog(100, 200);
        // 2 × 50 + 1 × 30 + 2 × 20 = 170 over 100.
        assert!((mean - 1.7).abs() < 1e-12, "{mean}");
        assert_eq!(max, 2);
    }
}
