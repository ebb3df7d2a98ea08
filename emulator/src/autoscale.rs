//! Autoscaling in wall-clock time, driven by the engine's [`Autoscaler`]
//! (the simulator's HPA): every evaluation period from the load's start
//! (modelled time, so stretched by the time scale) a task asks the node's
//! station to evaluate ([`Station::autoscale`](crate::station::Station::autoscale)),
//! and each replica started with a cold start serves once its cold start is
//! over ([`Station::ready`](crate::station::Station::ready)), as the
//! simulator's `on_hpa_eval` and `on_replica_ready` do. [`ScaleLive`]
//! integrates the busy and serving worker time the evaluation compares, on
//! the emulation's modelled clock, and logs the replicas serving for the
//! report's `replicas_mean` and `replicas_max`.

use std::sync::{Arc, PoisonError};
use std::time::Instant;

use engine::policy::{Autoscaler, AutoscalerState};

use crate::node::Shared;

/// Most changes of the replicas serving kept for the report (a change per
/// evaluation and cold start: far more than any bounded run makes).
const LOG_CAP: usize = 100_000;

/// The emulation's modelled clock: wall time since `epoch` over the time scale.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// When modelled time 0 was.
    pub epoch: Instant,
    /// Wall time per modelled time.
    pub time_scale: f64,
}

impl Clock {
    /// Modelled ns since the epoch.
    #[must_use]
    pub fn now_ns(&self) -> u64 {
        (self.epoch.elapsed().as_nanos() as f64 / self.time_scale) as u64
    }
}

/// What the autoscaler measures of a station, and its memory.
#[derive(Debug)]
pub(crate) struct ScaleLive {
    /// The engine's autoscaler.
    pub rule: Autoscaler,
    state: AutoscalerState,
    clock: Clock,
    workers: u32,
    initial: u32,
    /// Workers held now, and replicas serving now.
    busy: u32,
    serving: u32,
    /// Modelled time the areas were last brought up to.
    last_ns: u64,
    /// Busy and serving worker time since the load's start, worker × ns.
    busy_area: f64,
    serving_area: f64,
    /// (from when, replicas serving), modelled ns on the clock.
    log: Vec<(u64, u32)>,
}

impl ScaleLive {
    /// A station of `workers` per replica that starts with `initial` serving.
    pub fn new(rule: Autoscaler, clock: Clock, workers: u32, initial: u32) -> Self {
        let now_ns = clock.now_ns();
        Self {
            rule,
            state: AutoscalerState::new(initial),
            clock,
            workers,
            initial,
            busy: 0,
            serving: initial,
            last_ns: now_ns,
            busy_area: 0.0,
            serving_area: 0.0,
            log: vec![(now_ns, initial)],
        }
    }

    /// Replicas serving at a load's start.
    pub fn initial(&self) -> u32 {
        self.initial
    }

    /// The changes of the replicas serving so far.
    pub fn log(&self) -> &[(u64, u32)] {
        &self.log
    }

    /// Bring both areas up to now; returns now.
    fn advance(&mut self) -> u64 {
        let now_ns = self.clock.now_ns().max(self.last_ns);
        let dt = (now_ns - self.last_ns) as f64;
        self.busy_area += f64::from(self.busy) * dt;
        self.serving_area += f64::from(self.serving) * f64::from(self.workers) * dt;
        self.last_ns = now_ns;
        now_ns
    }

    /// Workers held changed by `delta`.
    pub fn busy_changed(&mut self, delta: i64) {
        self.advance();
        self.busy = u32::try_from((i64::from(self.busy) + delta).max(0)).unwrap_or(u32::MAX);
    }

    /// Replicas serving changed by `delta`.
    pub fn serving_changed(&mut self, delta: i64) {
        let now_ns = self.advance();
        self.serving = u32::try_from((i64::from(self.serving) + delta).max(0)).unwrap_or(u32::MAX);
        if self.log.len() < LOG_CAP {
            self.log.push((now_ns, self.serving));
        }
    }

    /// A new load: [`ScaleLive::initial`] replicas serve (the station set
    /// them) and the autoscaler measures from now, as at a run's start.
    pub fn reset(&mut self) {
        let now_ns = self.advance();
        self.state = AutoscalerState::new(self.initial);
        self.serving = self.initial;
        self.busy_area = 0.0;
        self.serving_area = 0.0;
        self.log.push((now_ns, self.serving));
    }

    /// The evaluation at `run_ns` after the load's start with `ready`
    /// replicas serving: the replicas wanted, or `None` (nothing served).
    pub fn evaluate(&mut self, run_ns: u64, ready: u32) -> Option<u32> {
        self.advance();
        let (busy, capacity) = (self.busy_area, self.serving_area);
        self.rule.evaluate(&mut self.state, run_ns, busy, capacity, ready)
    }
}

/// Replicas serving on average over `[from_ns, to_ns]` and the most at once,
/// from a station's log of changes (`None` without a log or a window).
#[must_use]
pub fn serving_over(log: &[(u64, u32)], from_ns: u64, to_ns: u64) -> Option<(f64, u32)> {
    if log.is_empty() || to_ns <= from_ns {
        return None;
    }
    let mut area = 0.0;
    let mut max = 0;
    for (i, &(t, n)) in log.iter().enumerate() {
        let until = log.get(i + 1).map_or(to_ns, |&(next, _)| next).min(to_ns);
        let since = t.max(from_ns);
        if until > since {
            max = max.max(n);
        }
        area += f64::from(n) * until.saturating_sub(since) as f64;
    }
    Some((area / (to_ns - from_ns) as f64, max))
}

impl Shared {
    /// Run every autoscaled node's evaluations from the load's start at
    /// modelled time `load_from_ns` (a task per node, on the current
    /// runtime; [`Shared::start_outages`] aborted the earlier ones).
    pub(crate) fn start_autoscalers(self: &Arc<Self>, load_from_ns: u64) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let mut tasks = self.outage_tasks.lock().unwrap_or_else(PoisonError::into_inner);
        for (state, node) in self.nodes.iter().zip(&self.topology.nodes) {
            let Some(station) = state.station.clone() else { continue };
            let Some(rule) = station.autoscaler() else { continue };
            station.reset_scaling();
            let shared = Arc::clone(self);
            let node_id = node.id.clone();
            let task = tokio::spawn(async move {
                for k in 1_u64.. {
                    let run_ns = k.saturating_mul(rule.eval_ns);
                    shared.pause_until(load_from_ns.saturating_add(run_ns)).await;
                    let before = station.serving();
                    let started = station.autoscale(run_ns);
                    if !started.is_empty() || station.serving() != before {
                        tracing::info!(
                            node = %node_id,
                            serving = station.serving(),
                            starting = started.len(),
                            "autoscaled"
                        );
                    }
                    for (r, start) in started {
                        // Serving after the cold start, counted from the evaluation.
                        let ready_at_ns = load_from_ns.saturating_add(run_ns).saturating_add(rule.cold_ns);
                        let (shared, station) = (Arc::clone(&shared), Arc::clone(&station));
                        // A start replaced by a new load's start is ignored by its number.
                        tokio::spawn(async move {
                            shared.pause_until(ready_at_ns).await;
                            station.ready(r, start);
                        });
                    }
                }
            });
            tasks.push(task.abort_handle());
        }
    }

    /// Wait until modelled time `at_ns` (now when it is past).
    async fn pause_until(&self, at_ns: u64) {
        let now_ns = self.now_ns();
        if at_ns > now_ns {
            self.pause(at_ns - now_ns).await;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::station::Station;
    use engine::model::LoadBalancer;
    use engine::sampling::Stream;

    fn station(stabilization_ns: u64) -> Arc<Station> {
        let rule = Autoscaler { min: 1, max: 3, target: 0.5, eval_ns: 1, stabilization_ns, cold_ns: 1_000_000 };
        let clock = Clock { epoch: Instant::now(), time_scale: 1.0 };
        Station::new(1, 1, None, LoadBalancer::LeastOutstanding, Stream::from_seed(1), None, Some((rule, clock)))
    }

    async fn tick() {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }

    #[tokio::test]
    async fn a_busy_replica_starts_another_which_serves_after_its_cold_start() {
        let s = station(0);
        assert_eq!((s.replicas(), s.serving()), (3, 1));
        // The one worker held the whole time: utilization 1, twice the target.
        let held = s.admit(0).await.unwrap();
        tick().await;
        let started = s.autoscale(1);
        assert_eq!(started.len(), 1, "{started:?}");
        // Starting: not serving, so requests still go to replica 0.
        assert_eq!(s.serving(), 1);
        assert_eq!(s.choose_among(&[0], None, 0), Some(0));
        let (r, start) = started[0];
        s.ready(r, start);
        assert_eq!(s.serving(), 2);
        let second = s.admit(0).await.unwrap();
        assert_eq!(second.0.replica(), r);
        drop((held, second));
        // A stale cold start's end changes nothing.
        s.ready(r, start.wrapping_sub(1));
        assert_eq!(s.serving(), 2);
    }

    #[tokio::test]
    async fn an_idle_node_scales_down_and_a_draining_replica_finishes_first() {
        let s = station(0);
        let held = s.admit(0).await.unwrap();
        tick().await;
        let (r, start) = s.autoscale(1)[0];
        s.ready(r, start);
        // Replica 1 (the less loaded) takes a request and keeps it while the node scales down.
        let on_one = s.admit(0).await.unwrap();
        assert_eq!(on_one.0.replica(), 1);
        drop((held, on_one.1));
        tick().await;
        tick().await;
        assert!(s.autoscale(2).is_empty());
        assert_eq!(s.serving(), 1);
        // Draining: it takes nothing new.
        for _ in 0..4 {
            assert_eq!(s.admit(0).await.unwrap().0.replica(), 0);
        }
        drop(on_one.0);
        let log = s.serving_log();
        assert_eq!(log.iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![1, 2, 1]);
    }

    #[test]
    fn serving_over_a_window_is_time_weighted_and_keeps_the_most() {
        let log = [(0, 1), (100, 2), (300, 1)];
        let (mean, max) = serving_over(&log, 50, 350).unwrap_or_default();
        // 50 ns at 1, 200 at 2, 50 at 1 over 300 ns.
        assert!((mean - 500.0 / 300.0).abs() < 1e-12, "{mean}");
        assert_eq!(max, 2);
        assert_eq!(serving_over(&log, 310, 400), Some((1.0, 1)));
        assert_eq!(serving_over(&[], 0, 10), None);
    }
}
