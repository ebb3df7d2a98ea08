//! The run's measuring periods: statistics windows (series, resilience
//! figures, the window's traces), the batches of the batch-means confidence
//! intervals, and the end of the run, where what is still in flight is
//! counted.

use crate::sim::core::event_queue::Kind;
use crate::sim::core::simulation::{Origin, Simulation};
use crate::sim::report::metrics::BATCHES;

impl Simulation {
    /// End of batch `j` (1-based) of the measured period.
    pub(crate) fn batch_end_ns(&self, j: u32) -> u64 {
        let s = &self.plan.settings;
        let span = s.duration_ns - s.warmup_ns.min(s.duration_ns);
        s.warmup_ns + (u128::from(span) * u128::from(j) / u128::from(BATCHES)) as u64
    }

    pub(crate) fn on_window(&mut self, batch: bool) {
        if batch {
            self.batch_no += 1;
            self.metrics.on_batch(self.now_ns, self.batch_no >= BATCHES);
            if self.batch_no < BATCHES {
                self.queue.push(self.batch_end_ns(self.batch_no + 1), Kind::Window, 1, 0);
            }
            return;
        }
        let next = self.now_ns.saturating_add(self.plan.settings.window_ns.max(1));
        if next < self.plan.settings.duration_ns {
            self.queue.push(next, Kind::Window, 0, 0);
        }
        if self.now_ns > self.metrics.window_start_ns {
            self.window_resilience();
            self.metrics.on_window(self.now_ns, &self.node_workers);
            self.tracer.close_window();
        }
    }

    fn window_resilience(&mut self) {
        let len = self.now_ns.saturating_sub(self.metrics.window_start_ns);
        let lag = self.oldest_waiting_ns();
        self.metrics.window_resilience(self.now_ns, len, &lag);
        // Relative to the replicas it had over the window, unrounded (1.3 as 1 read 130 % busy).
        for (ni, n) in self.plan.nodes.iter().enumerate() {
            if self.plan.node_pols.get(n.pol as usize).is_some_and(|p| p.hpa.is_some())
                && let (Some(ext), Some(w)) = (self.metrics.node_ext.get(ni), self.node_workers.get_mut(ni))
            {
                let replicas = ext.series_replicas.last().copied().unwrap_or(0.0);
                *w = replicas * f64::from(n.workers);
            }
        }
    }

    pub(crate) fn finish_run(&mut self) {
        let end = self.plan.settings.duration_ns;
        self.now_ns = end;
        if self.now_ns > self.metrics.window_start_ns {
            self.window_resilience();
            self.metrics.on_window(end, &self.node_workers);
            self.tracer.close_window();
        }
        self.metrics.end_resilience(end);
        // Bring every time average up to the end.
        for n in &mut self.metrics.nodes {
            n.busy.area_at(end);
            n.queue.area_at(end);
            n.present.area_at(end);
        }
        for b in &mut self.metrics.brokers {
            b.backlog.area_at(end);
        }
        // Count what is still in flight.
        for v in &self.visits {
            if !v.alive {
                continue;
            }
            if v.origin == Origin::Entry
                && v.warm
                && let Some(w) = self.metrics.workloads.get_mut(v.oref as usize)
            {
                w.in_flight += 1;
            }
            if v.node_warm
                && let Some(n) = self.metrics.nodes.get_mut(v.node as usize)
            {
                n.in_flight += 1;
            }
        }
        self.finished = true;
    }
}
