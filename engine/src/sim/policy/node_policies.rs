//! Node policies: the ingress rate limiter (a [`TokenBucket`]), outlier
//! ejection of replicas by the load balancer (an [`OutlierDetector`] over
//! each replica's [`HostHealth`](crate::policy::HostHealth)) and horizontal
//! autoscaling (a HorizontalPodAutoscaler).
//!
//! An autoscaled node gets `max_replicas` replica slots; each slot is off,
//! starting (cold start), serving, or draining (scaled down: it finishes its
//! work but takes nothing new). The autoscaler follows the Kubernetes
//! algorithm: every evaluation period, desired = ceil(ready × utilization /
//! target), ignored within a 10% tolerance, clamped to [min, max]; a scale
//! down applies the highest recommendation of the stabilization window; a
//! scale up is immediate but new replicas serve only after their cold start.

use crate::model::{LoadBalancer, Node, Outcome};

use crate::policy::{OutlierDetector, TokenBucket};
use crate::sampling::{Stream, s_to_ns};
use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::NONE;
use crate::sim::core::simulation::{Life, Replica, Simulation};

/// HPA tolerance: no change while |utilization / target − 1| ≤ this.
const HPA_TOLERANCE: f64 = 0.1;

/// A compiled autoscaler.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PHpa {
    pub min: u32,
    pub max: u32,
    pub target: f64,
    pub eval_ns: u64,
    pub stabilization_ns: u64,
    pub cold_ns: u64,
}

/// A node's compiled policies.
#[derive(Clone, Debug)]
pub(crate) struct PNodePol {
    /// The rate limiter, full, as each replication starts it.
    pub rate: Option<TokenBucket>,
    pub outlier: Option<OutlierDetector>,
    pub hpa: Option<PHpa>,
    /// The load balancer must look at replica states.
    pub dynamic: bool,
}

/// Compile a node's policies: (policy index or `NONE`, replica slots, replicas
/// serving at the start). Validation has checked their ranges.
pub(crate) fn compile(n: &Node, pols: &mut Vec<PNodePol>) -> (u32, u32, u32) {
    let replicas = n.capacity.replicas.max(1);
    let p = &n.policies;
    if p.is_empty() {
        return (NONE, replicas, replicas);
    }
    let rate = p.rate_limit.as_ref().map(TokenBucket::from_model);
    let outlier = p.outlier_ejection.as_ref().map(OutlierDetector::from_model);
    let hpa = p.autoscaling.as_ref().map(|a| PHpa {
        min: a.min_replicas.max(1),
        max: a.max_replicas.max(a.min_replicas).max(1),
        target: a.target_utilization,
        eval_ns: s_to_ns(a.evaluation_period_s).max(1),
        stabilization_ns: s_to_ns(a.scale_down_stabilization_s),
        cold_ns: s_to_ns(a.cold_start_s),
    });
    let (slots, initial) = match &hpa {
        Some(h) => (h.max.max(replicas), replicas.clamp(h.min, h.max)),
        None => (replicas, replicas),
    };
    let dynamic = outlier.is_some() || hpa.is_some();
    pols.push(PNodePol { rate, outlier, hpa, dynamic });
    ((pols.len() - 1) as u32, slots, initial)
}

/// A node policy's live state.
#[derive(Clone, Debug, Default)]
pub(crate) struct NodePolState {
    pub bucket: Option<TokenBucket>,
    /// Replicas wanted (serving + starting).
    pub desired: u32,
    /// Busy worker-time and serving worker-time at the last evaluation.
    pub busy_mark: f64,
    pub capacity_mark: f64,
    /// Recent recommendations (time, replicas) for scale-down stabilization.
    pub history: Vec<(u64, u32)>,
}

impl NodePolState {
    pub fn new(p: &PNodePol) -> Self {
        Self { bucket: p.rate, ..Self::default() }
    }
}

/// The load balancer's choice among `eligible` replica offsets (ascending)
/// of the node whose replicas start at `first`; `rr` is the rotation state.
/// With no eligible replica, offset 0 (the engine's shared
/// [`crate::policy::lb_choose`] over the replicas' requests in flight).
pub(crate) fn lb_choose(
    lb: LoadBalancer,
    eligible: &[u32],
    rr: &mut u32,
    rng: &mut Stream,
    replicas: &[Replica],
    first: u32,
) -> u32 {
    crate::policy::lb_choose(lb, eligible, rr, rng, |o| {
        replicas.get((first + o) as usize).map_or(u32::MAX, |r| r.active)
    })
}

impl Simulation {
    /// Bring each node's replicas to their starting state.
    pub(crate) fn init_replicas(&mut self) {
        self.track_nodes = self.plan.resilient();
        for (ni, n) in self.plan.nodes.iter().enumerate() {
            for o in 0..n.replicas {
                if let Some(r) = self.replicas.get_mut((n.first_replica + o) as usize) {
                    r.life = if o < n.initial_replicas { Life::Serving } else { Life::Off };
                }
            }
            let ext = &mut self.metrics.node_ext[ni];
            ext.serving.set(0, u64::from(n.initial_replicas));
            if n.pol != NONE
                && let Some(st) = self.node_pol_state.get_mut(n.pol as usize)
            {
                st.desired = n.initial_replicas;
            }
        }
    }

    /// Schedule policy timers and the fault schedule.
    pub(crate) fn schedule_resilience(&mut self) {
        let plan = std::sync::Arc::clone(&self.plan);
        for (ni, n) in plan.nodes.iter().enumerate() {
            let Some(p) = plan.node_pols.get(n.pol as usize) else { continue };
            if let Some(o) = p.outlier {
                self.queue.push(o.interval_ns, Kind::OutlierSweep, ni as u32, 0);
            }
            if let Some(h) = p.hpa {
                self.queue.push(h.eval_ns, Kind::HpaEval, ni as u32, 0);
            }
        }
        self.schedule_faults();
    }

    /// Token bucket at node ingress: whether the visit may enter.
    pub(crate) fn rate_admit(&mut self, _node: usize, pol: u32) -> bool {
        let now_ns = self.now_ns;
        self.node_pol_state
            .get_mut(pol as usize)
            .and_then(|st| st.bucket.as_mut())
            .is_none_or(|b| b.try_acquire(now_ns))
    }

    /// The load balancer over the replicas that serve and are not ejected
    /// (all serving ones if every one is ejected: Envoy's panic routing).
    pub(crate) fn pick_replica_dynamic(&mut self, node_i: usize) -> u32 {
        let node = &self.plan.nodes[node_i];
        let (first, n, lb) = (node.first_replica, node.replicas, node.lb);
        let mut eligible = std::mem::take(&mut self.scratch);
        eligible.clear();
        for pass in 0..2 {
            for o in 0..n {
                let r = &self.replicas[(first + o) as usize];
                if r.life == Life::Serving && (pass == 1 || !r.health.is_ejected()) {
                    eligible.push(o);
                }
            }
            if !eligible.is_empty() {
                break;
            }
        }
        let offset =
            lb_choose(lb, &eligible, &mut self.rr[node_i], &mut self.node_rng[node_i].lb, &self.replicas, first);
        self.scratch = eligible;
        first + offset
    }

    /// Outlier detection sees a replica's answer.
    // Kept out of line: it runs only on nodes with outlier ejection, and
    // inlined it would make `finish`, run at the end of every visit, too
    // large for its own small helpers to be inlined.
    #[inline(never)]
    pub(crate) fn outlier_note(&mut self, node_i: usize, pol: u32, r: u32, outcome: Outcome) {
        let Some(o) = self.plan.node_pols.get(pol as usize).and_then(|p| p.outlier) else { return };
        let now_ns = self.now_ns;
        let node = &self.plan.nodes[node_i];
        let (first, n) = (node.first_replica, node.replicas);
        let health = &mut self.replicas[r as usize].health;
        let due = match outcome {
            Outcome::Error => health.on_error(&o),
            Outcome::Ok | Outcome::Degraded => {
                health.on_success();
                false
            }
            _ => return,
        };
        if !due {
            return;
        }
        let serving = (first..first + n).filter(|&i| self.replicas[i as usize].life == Life::Serving).count();
        let ejected = (first..first + n).filter(|&i| self.replicas[i as usize].health.is_ejected()).count();
        if !o.may_eject(serving, ejected) {
            return;
        }
        self.replicas[r as usize].health.eject(now_ns, &o);
        let ext = &mut self.metrics.node_ext[node_i];
        ext.ejected.inc(now_ns);
        if now_ns >= self.plan.settings.warmup_ns {
            ext.ejections += 1;
        }
    }

    /// Periodic sweep: replicas whose ejection time is over come back.
    pub(crate) fn on_outlier_sweep(&mut self, node_i: u32) {
        let now_ns = self.now_ns;
        let node = &self.plan.nodes[node_i as usize];
        let Some(o) = self.plan.node_pols.get(node.pol as usize).and_then(|p| p.outlier) else { return };
        let (first, n) = (node.first_replica, node.replicas);
        for i in first..first + n {
            if self.replicas[i as usize].health.readmit(now_ns) {
                self.metrics.node_ext[node_i as usize].ejected.dec(now_ns);
            }
        }
        let next = o.next_sweep_ns(now_ns);
        if next <= self.plan.settings.duration_ns {
            self.queue.push(next, Kind::OutlierSweep, node_i, 0);
        }
    }

    /// The autoscaler's periodic evaluation.
    pub(crate) fn on_hpa_eval(&mut self, node_i: u32) {
        let now_ns = self.now_ns;
        let ni = node_i as usize;
        let node = &self.plan.nodes[ni];
        let pol = node.pol;
        let Some(h) = self.plan.node_pols.get(pol as usize).and_then(|p| p.hpa) else { return };
        let (first, slots, workers) = (node.first_replica, node.replicas, node.workers);
        let next = now_ns.saturating_add(h.eval_ns);
        if next <= self.plan.settings.duration_ns {
            self.queue.push(next, Kind::HpaEval, node_i, 0);
        }
        let busy = self.metrics.nodes[ni].busy.area_at(now_ns);
        let serving_area = self.metrics.node_ext[ni].serving.area_at(now_ns) * f64::from(workers);
        let st = &mut self.node_pol_state[pol as usize];
        let (d_busy, d_cap) = (busy - st.busy_mark, serving_area - st.capacity_mark);
        st.busy_mark = busy;
        st.capacity_mark = serving_area;
        if d_cap <= 0.0 {
            return;
        }
        let utilization = d_busy / d_cap;
        let ready = (first..first + slots).filter(|&i| self.replicas[i as usize].life == Life::Serving).count() as u32;
        let current = st.desired;
        let ratio = utilization / h.target;
        let recommended = if (ratio - 1.0).abs() <= HPA_TOLERANCE {
            current
        } else {
            ((f64::from(ready) * ratio).ceil() as u32).clamp(h.min, h.max)
        };
        // Scale-down stabilization: the highest recommendation of the window.
        st.history.push((now_ns, recommended));
        let horizon = now_ns.saturating_sub(h.stabilization_ns);
        st.history.retain(|(t, _)| *t >= horizon);
        let stabilized = st.history.iter().map(|(_, r)| *r).max().unwrap_or(recommended);
        let target = if recommended > current { recommended } else { stabilized.min(current) };
        st.desired = target;
        self.scale_to(ni, target);
    }

    /// Start or stop replicas so that `target` are serving or starting.
    fn scale_to(&mut self, ni: usize, target: u32) {
        let now_ns = self.now_ns;
        let node = &self.plan.nodes[ni];
        let (first, slots) = (node.first_replica, node.replicas);
        let cold = self.plan.node_pols.get(node.pol as usize).and_then(|p| p.hpa).map_or(0, |h| h.cold_ns);
        let up = |l: Life| matches!(l, Life::Serving | Life::Starting);
        let mut current = (first..first + slots).filter(|&i| up(self.replicas[i as usize].life)).count() as u32;
        // Scale up: draining replicas come back at once, others start cold.
        for i in first..first + slots {
            if current >= target {
                break;
            }
            let rep = &mut self.replicas[i as usize];
            match rep.life {
                Life::Draining => {
                    rep.life = Life::Serving;
                    self.metrics.node_ext[ni].serving.inc(now_ns);
                }
                Life::Off => {
                    rep.epoch = rep.epoch.wrapping_add(1);
                    if cold == 0 {
                        rep.life = Life::Serving;
                        self.metrics.node_ext[ni].serving.inc(now_ns);
                    } else {
                        rep.life = Life::Starting;
                        let epoch = rep.epoch;
                        self.queue.push(now_ns.saturating_add(cold), Kind::ReplicaReady, i, epoch);
                    }
                }
                _ => continue,
            }
            current += 1;
            self.relist(ni, i);
        }
        // Scale down: starting replicas first, then the last serving ones.
        for i in (first..first + slots).rev() {
            if current <= target {
                break;
            }
            let rep = &mut self.replicas[i as usize];
            if rep.life == Life::Starting {
                rep.life = Life::Off;
                current -= 1;
            }
        }
        for i in (first..first + slots).rev() {
            if current <= target {
                break;
            }
            let rep = &mut self.replicas[i as usize];
            if rep.life == Life::Serving {
                rep.life = if rep.active == 0 { Life::Off } else { Life::Draining };
                self.metrics.node_ext[ni].serving.dec(now_ns);
                current -= 1;
                // A graceful stop deregisters.
                self.relist(ni, i);
            }
        }
    }

    /// A replica's cold start is over.
    pub(crate) fn on_replica_ready(&mut self, r: u32, epoch: u32) {
        let now_ns = self.now_ns;
        let Some(rep) = self.replicas.get_mut(r as usize) else { return };
        if rep.life != Life::Starting || rep.epoch != epoch {
            return;
        }
        rep.life = Life::Serving;
        if let Some(ni) = self.plan.nodes.iter().position(|n| r >= n.first_replica && r < n.first_replica + n.replicas)
        {
            self.metrics.node_ext[ni].serving.inc(now_ns);
            self.relist(ni, r);
        }
    }
}
